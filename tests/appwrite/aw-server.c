/* aw-server.c: an in-process Appwrite contract server
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <string.h>

#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

#include "aw-server.h"
#include "http-test-util.h"
#include "justsync-test-util.h"

/* Appwrite's defaults: 25 documents a page, 100 values a query. */
#define DEFAULT_LIMIT 25
#define MAX_QUERY_VALUES 100

static const char * const attributes[] = {
  "title", "tag", "n", "done", "owner", "deleted_at", NULL
};
static const char * const collections[] = { "records", "hard_records", NULL };

typedef struct
{
  JsonObject *document;             /* as the server answers it */
  char *owner;                      /* the user who made it, or NULL */
} Document;

struct _AwServer
{
  HttpTestThreadServer *http;
  char *endpoint;

  GMutex lock;
  GHashTable *collections;          /* id → GHashTable id → Document */
  GHashTable *counts;               /* "METHOD kind" → count */
  char *last_list_query;
  gint64 frozen;                    /* the stamp of every write, or 0 */
  gint64 last_stamp;
  gboolean bulk;
  guint max_limit;
  guint64 sequence;
  GHashTable *sessions;             /* secret → Session */
  gint64 session_length;
  gboolean fallback_cookies;        /* the secret in X-Fallback-Cookies, not Set-Cookie */
  char *revoke_user;                /* whose sessions end after revoke_after requests */
  guint revoke_after;
};

typedef struct
{
  guint status;
  char *message;
  const char *type;
} AwError;

static void
document_free (Document *doc)
{
  json_object_unref (doc->document);
  g_free (doc->owner);
  g_free (doc);
}

static void
reply_error (SoupServerMessage *msg,
             guint              status,
             const char        *type,
             const char        *message)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *text = NULL;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "message");
  json_builder_add_string_value (builder, message);
  json_builder_set_member_name (builder, "code");
  json_builder_add_int_value (builder, status);
  json_builder_set_member_name (builder, "type");
  json_builder_add_string_value (builder, type);
  json_builder_set_member_name (builder, "version");
  json_builder_add_string_value (builder, "1.7.4");
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);
  text = json_to_string (root, FALSE);
  http_test_reply_json (msg, status, text);
}

static void
reply_node (SoupServerMessage *msg,
            guint              status,
            JsonNode          *node)
{
  g_autofree char *text = json_to_string (node, FALSE);

  http_test_reply_json (msg, status, text);
}

static void
reply_object (SoupServerMessage *msg,
              guint              status,
              JsonObject        *object)
{
  g_autoptr(JsonNode) node = json_node_new (JSON_NODE_OBJECT);

  json_node_set_object (node, object);
  reply_node (msg, status, node);
}

/* A new stamp, as Appwrite formats `$updatedAt`; never before the last. */
static char *
server_stamp (AwServer *self)
{
  gint64 now = self->frozen != 0 ? self->frozen : g_get_real_time () / 1000 * 1000;

  self->last_stamp = MAX (self->last_stamp, now);
  return just_sync_timestamp_format (self->last_stamp, JUST_SYNC_TIMESTAMP_RFC3339_MILLIS);
}

static gboolean
is_attribute (const char *name)
{
  return g_strv_contains (attributes, name);
}

static gboolean
is_queryable (const char *name)
{
  return is_attribute (name) || g_strcmp0 (name, "$id") == 0 ||
         g_strcmp0 (name, "$createdAt") == 0 || g_strcmp0 (name, "$updatedAt") == 0 ||
         g_strcmp0 (name, "$sequence") == 0;
}

/* --- queries ------------------------------------------------------------ */

static int
compare_values (JsonNode *a,
                JsonNode *b)
{
  if (a == NULL || JSON_NODE_HOLDS_NULL (a))
    return b == NULL || JSON_NODE_HOLDS_NULL (b) ? 0 : -1;
  if (b == NULL || JSON_NODE_HOLDS_NULL (b))
    return 1;
  if (json_node_get_value_type (a) == G_TYPE_STRING && json_node_get_value_type (b) == G_TYPE_STRING)
    return strcmp (json_node_get_string (a), json_node_get_string (b));
  if (JSON_NODE_HOLDS_VALUE (a) && JSON_NODE_HOLDS_VALUE (b) &&
      json_node_get_value_type (a) != G_TYPE_STRING && json_node_get_value_type (b) != G_TYPE_STRING)
    {
      double x = json_node_get_double (a), y = json_node_get_double (b);

      return x < y ? -1 : x > y ? 1 : 0;
    }
  return json_node_get_value_type (a) == G_TYPE_STRING ? 1 : -1;
}

typedef struct
{
  GPtrArray *filters;               /* JsonObject, borrowed from queries */
  GPtrArray *orders;                /* JsonObject */
  guint limit;
  guint offset;
  const char *cursor_after;
} Query;

/* Checks one filter query (and nested ones); FALSE with @error set. */
static gboolean
check_filter (JsonObject *query,
              AwError    *error)
{
  const char *method = json_object_get_string_member_with_default (query, "method", "");
  const char *attribute = json_object_get_string_member_with_default (query, "attribute", NULL);
  JsonArray *values = json_object_has_member (query, "values") &&
                      JSON_NODE_HOLDS_ARRAY (json_object_get_member (query, "values"))
                        ? json_object_get_array_member (query, "values") : NULL;
  static const char * const compares[] = {
    "equal", "notEqual", "lessThan", "lessThanEqual", "greaterThan", "greaterThanEqual", NULL
  };

  if (strcmp (method, "or") == 0 || strcmp (method, "and") == 0)
    {
      if (values == NULL || json_array_get_length (values) < 2)
        goto invalid;
      for (guint i = 0; i < json_array_get_length (values); i++)
        {
          JsonNode *nested = json_array_get_element (values, i);

          if (!JSON_NODE_HOLDS_OBJECT (nested) || !check_filter (json_node_get_object (nested), error))
            return FALSE;
        }
      return TRUE;
    }
  if (!g_strv_contains (compares, method))
    {
      error->status = 400;
      error->type = "general_query_invalid";
      error->message = g_strdup_printf ("Invalid query: Invalid query method: %s", method);
      return FALSE;
    }
  if (attribute == NULL || !is_queryable (attribute))
    {
      error->status = 400;
      error->type = "general_query_invalid";
      error->message = g_strdup_printf ("Invalid query: Attribute not found in schema: %s",
                                        attribute != NULL ? attribute : "");
      return FALSE;
    }
  if (values == NULL || json_array_get_length (values) == 0 ||
      json_array_get_length (values) > MAX_QUERY_VALUES)
    goto invalid;
  return TRUE;

invalid:
  error->status = 400;
  error->type = "general_query_invalid";
  error->message = g_strdup_printf ("Invalid query: %s queries need values (at most %u)", method,
                                    MAX_QUERY_VALUES);
  return FALSE;
}

static gboolean
matches (JsonObject *query,
         JsonObject *document)
{
  const char *method = json_object_get_string_member (query, "method");
  JsonArray *values = json_object_get_array_member (query, "values");
  JsonNode *value;

  if (strcmp (method, "or") == 0 || strcmp (method, "and") == 0)
    {
      gboolean any = strcmp (method, "or") == 0;

      for (guint i = 0; i < json_array_get_length (values); i++)
        if (matches (json_array_get_object_element (values, i), document) == any)
          return any;
      return !any;
    }

  value = json_object_get_member (document, json_object_get_string_member (query, "attribute"));
  if (strcmp (method, "equal") == 0 || strcmp (method, "notEqual") == 0)
    {
      gboolean found = FALSE;

      for (guint i = 0; i < json_array_get_length (values) && !found; i++)
        found = compare_values (value, json_array_get_element (values, i)) == 0;
      return found == (strcmp (method, "equal") == 0);
    }
  if (value == NULL || JSON_NODE_HOLDS_NULL (value))
    return FALSE;
  {
    int order = compare_values (value, json_array_get_element (values, 0));

    if (strcmp (method, "lessThan") == 0)
      return order < 0;
    if (strcmp (method, "lessThanEqual") == 0)
      return order <= 0;
    if (strcmp (method, "greaterThan") == 0)
      return order > 0;
    return order >= 0;
  }
}

static void
query_clear (Query *query)
{
  g_clear_pointer (&query->filters, g_ptr_array_unref);
  g_clear_pointer (&query->orders, g_ptr_array_unref);
}

/* Parses the `queries[]` (or `queries[N]`) parameters of @raw into @query;
 * @nodes keeps the parsed JSON. */
static gboolean
parse_queries (const char *raw,
               GPtrArray  *nodes,
               Query      *query,
               AwError    *error)
{
  g_auto(GStrv) pairs = g_strsplit (raw != NULL ? raw : "", "&", -1);

  query->filters = g_ptr_array_new ();
  query->orders = g_ptr_array_new ();
  query->limit = DEFAULT_LIMIT;

  for (guint i = 0; pairs[i] != NULL; i++)
    {
      char *eq = strchr (pairs[i], '=');
      g_autofree char *name = NULL;
      g_autofree char *value = NULL;
      JsonNode *node;
      JsonObject *object;
      const char *method;

      if (eq == NULL)
        continue;
      name = g_uri_unescape_segment (pairs[i], eq, NULL);
      value = g_uri_unescape_string (eq + 1, NULL);
      if (name == NULL || !g_str_has_prefix (name, "queries["))
        continue;
      node = value != NULL ? json_from_string (value, NULL) : NULL;
      if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
        {
          g_clear_pointer (&node, json_node_unref);
          error->status = 400;
          error->type = "general_query_invalid";
          error->message = g_strdup_printf ("Invalid query: Syntax error: %s", value);
          return FALSE;
        }
      g_ptr_array_add (nodes, node);
      object = json_node_get_object (node);
      method = json_object_get_string_member_with_default (object, "method", "");
      if (strcmp (method, "orderAsc") == 0 || strcmp (method, "orderDesc") == 0)
        {
          const char *attribute = json_object_get_string_member_with_default (object, "attribute", "");

          if (!is_queryable (attribute))
            {
              error->status = 400;
              error->type = "general_query_invalid";
              error->message = g_strdup_printf ("Invalid query: Attribute not found in schema: %s",
                                                attribute);
              return FALSE;
            }
          g_ptr_array_add (query->orders, object);
        }
      else if (strcmp (method, "limit") == 0 || strcmp (method, "offset") == 0 ||
               strcmp (method, "cursorAfter") == 0)
        {
          JsonArray *values = json_object_get_array_member (object, "values");
          JsonNode *first = values != NULL && json_array_get_length (values) == 1
                              ? json_array_get_element (values, 0) : NULL;

          if (first == NULL)
            {
              error->status = 400;
              error->type = "general_query_invalid";
              error->message = g_strdup_printf ("Invalid query: %s takes one value", method);
              return FALSE;
            }
          if (strcmp (method, "cursorAfter") == 0)
            query->cursor_after = json_node_get_string (first);
          else if (strcmp (method, "limit") == 0)
            query->limit = json_node_get_int (first);
          else
            query->offset = json_node_get_int (first);
        }
      else if (!check_filter (object, error))
        return FALSE;
      else
        g_ptr_array_add (query->filters, object);
    }
  return TRUE;
}

static GPtrArray *sort_orders;

static int
compare_documents (gconstpointer a,
                   gconstpointer b)
{
  JsonObject *x = (*(Document **) a)->document, *y = (*(Document **) b)->document;

  for (guint i = 0; i < sort_orders->len; i++)
    {
      JsonObject *order = g_ptr_array_index (sort_orders, i);
      const char *attribute = json_object_get_string_member (order, "attribute");
      int c = compare_values (json_object_get_member (x, attribute),
                              json_object_get_member (y, attribute));

      if (c != 0)
        return strcmp (json_object_get_string_member (order, "method"), "orderDesc") == 0 ? -c : c;
    }
  /* Appwrite's default order: the insertion sequence. */
  return compare_values (json_object_get_member (x, "$sequence"),
                         json_object_get_member (y, "$sequence"));
}

static gboolean
visible (Document   *doc,
         const char *user)
{
  return user == NULL || g_strcmp0 (doc->owner, user) == 0;
}

/* --- routes ------------------------------------------------------------- */

static void
list_documents (AwServer          *self,
                SoupServerMessage *msg,
                GHashTable        *documents,
                const char        *user)
{
  const char *raw = g_uri_get_query (soup_server_message_get_uri (msg));
  g_autoptr(GPtrArray) nodes = g_ptr_array_new_with_free_func ((GDestroyNotify) json_node_unref);
  g_autoptr(GPtrArray) found = g_ptr_array_new ();
  g_autoptr(JsonObject) reply = json_object_new ();
  JsonArray *array = json_array_new ();
  Query query = { 0 };
  AwError error = { 0 };
  GHashTableIter iter;
  Document *doc;
  guint start = 0, limit;

  g_free (self->last_list_query);
  self->last_list_query = g_strdup (raw);
  if (!parse_queries (raw, nodes, &query, &error))
    {
      reply_error (msg, error.status, error.type, error.message);
      g_free (error.message);
      query_clear (&query);
      json_array_unref (array);
      return;
    }

  g_hash_table_iter_init (&iter, documents);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &doc))
    {
      gboolean keep = visible (doc, user);

      for (guint i = 0; keep && i < query.filters->len; i++)
        keep = matches (g_ptr_array_index (query.filters, i), doc->document);
      if (keep)
        g_ptr_array_add (found, doc);
    }
  sort_orders = query.orders;
  g_ptr_array_sort (found, compare_documents);
  sort_orders = NULL;

  if (query.cursor_after != NULL)
    {
      Document *cursor = g_hash_table_lookup (documents, query.cursor_after);

      if (cursor == NULL || !g_ptr_array_find (found, cursor, &start))
        {
          g_autofree char *message = g_strdup_printf ("Document '%s' for the 'cursor' value not found.",
                                                      query.cursor_after);

          reply_error (msg, 400, "general_cursor_not_found", message);
          query_clear (&query);
          json_array_unref (array);
          return;
        }
      start++;
    }
  start += query.offset;
  limit = self->max_limit != 0 ? MIN (query.limit, self->max_limit) : query.limit;
  for (guint i = start; i < found->len && i - start < limit; i++)
    json_array_add_object_element (array,
                                   json_object_ref (((Document *) g_ptr_array_index (found, i))->document));

  json_object_set_int_member (reply, "total", found->len);
  json_object_set_array_member (reply, "documents", array);
  reply_object (msg, 200, reply);
  query_clear (&query);
}

/* Checks @data's keys against the collection's attributes. */
static gboolean
check_data (JsonObject *data,
            AwError    *error)
{
  g_autoptr(GList) names = json_object_get_members (data);

  for (GList *l = names; l != NULL; l = l->next)
    {
      const char *name = l->data;

      if (name[0] == '$')
        continue;
      if (!is_attribute (name))
        {
          error->status = 400;
          error->type = "document_invalid_structure";
          error->message = g_strdup_printf ("Invalid document structure: Unknown attribute: \"%s\"",
                                            name);
          return FALSE;
        }
    }
  return TRUE;
}

/* Writes @data into @id's document (made when missing); returns it. */
static Document *
write_document (AwServer   *self,
                GHashTable *documents,
                const char *collection,
                const char *id,
                JsonObject *data,
                const char *user)
{
  Document *doc = g_hash_table_lookup (documents, id);
  g_autofree char *stamp = server_stamp (self);
  g_autoptr(GList) names = json_object_get_members (data);

  if (doc == NULL)
    {
      g_autofree char *sequence = g_strdup_printf ("%" G_GUINT64_FORMAT, ++self->sequence);
      JsonArray *permissions = json_array_new ();

      doc = g_new0 (Document, 1);
      doc->owner = g_strdup (user);
      doc->document = json_object_new ();
      json_object_set_string_member (doc->document, "$id", id);
      json_object_set_string_member (doc->document, "$sequence", sequence);
      json_object_set_string_member (doc->document, "$collectionId", collection);
      json_object_set_string_member (doc->document, "$databaseId", AW_DATABASE);
      json_object_set_string_member (doc->document, "$createdAt", stamp);
      if (user != NULL)
        {
          static const char * const kinds[] = { "read", "update", "delete" };

          for (guint i = 0; i < G_N_ELEMENTS (kinds); i++)
            {
              g_autofree char *permission = g_strdup_printf ("%s(\"user:%s\")", kinds[i], user);

              json_array_add_string_element (permissions, permission);
            }
        }
      json_object_set_array_member (doc->document, "$permissions", permissions);
      for (guint i = 0; attributes[i] != NULL; i++)
        json_object_set_null_member (doc->document, attributes[i]);
      g_hash_table_insert (documents, g_strdup (id), doc);
    }
  json_object_set_string_member (doc->document, "$updatedAt", stamp);
  for (GList *l = names; l != NULL; l = l->next)
    if (((const char *) l->data)[0] != '$')
      json_object_set_member (doc->document, l->data,
                              json_node_copy (json_object_get_member (data, l->data)));
  return doc;
}

static JsonObject *
body_object (SoupServerMessage *msg)
{
  SoupMessageBody *body = soup_server_message_get_request_body (msg);
  g_autoptr(JsonNode) node = NULL;

  if (body->data == NULL)
    return NULL;
  node = json_from_string (body->data, NULL);
  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    return NULL;
  return json_object_ref (json_node_get_object (node));
}

/* POST or PUT `{"documents":[…]}`: atomic, for server keys only. */
static void
bulk_write (AwServer          *self,
            SoupServerMessage *msg,
            GHashTable        *documents,
            const char        *collection,
            JsonObject        *body,
            gboolean           upsert)
{
  g_autoptr(JsonObject) reply = json_object_new ();
  JsonArray *input, *output;
  AwError error = { 0 };

  if (!json_object_has_member (body, "documents") ||
      !JSON_NODE_HOLDS_ARRAY (json_object_get_member (body, "documents")))
    {
      reply_error (msg, 400, "general_argument_invalid", "Param \"documents\" is not optional.");
      return;
    }
  input = json_object_get_array_member (body, "documents");
  for (guint i = 0; i < json_array_get_length (input); i++)
    {
      JsonNode *node = json_array_get_element (input, i);
      JsonObject *data = JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
      const char *id = data != NULL ? json_object_get_string_member_with_default (data, "$id", NULL) : NULL;

      if (id == NULL)
        {
          reply_error (msg, 400, "document_invalid_structure", "Invalid document structure: Missing $id");
          return;
        }
      if (!check_data (data, &error))
        {
          reply_error (msg, error.status, error.type, error.message);
          g_free (error.message);
          return;
        }
      if (!upsert && g_hash_table_contains (documents, id))
        {
          reply_error (msg, 409, "document_already_exists",
                       "Document with the requested ID already exists.");
          return;
        }
    }

  output = json_array_new ();
  for (guint i = 0; i < json_array_get_length (input); i++)
    {
      JsonObject *data = json_array_get_object_element (input, i);
      Document *doc = write_document (self, documents, collection,
                                      json_object_get_string_member (data, "$id"), data, NULL);

      json_array_add_object_element (output, json_object_ref (doc->document));
    }
  json_object_set_int_member (reply, "total", json_array_get_length (output));
  json_object_set_array_member (reply, "documents", output);
  reply_object (msg, upsert ? 200 : 201, reply);
}

static void
count_request (AwServer   *self,
               const char *method,
               const char *kind)
{
  char *key = g_strdup_printf ("%s %s", method, kind);
  guint count = GPOINTER_TO_UINT (g_hash_table_lookup (self->counts, key));

  g_hash_table_insert (self->counts, key, GUINT_TO_POINTER (count + 1));
}

static void
documents_route (AwServer          *self,
                 SoupServerMessage *msg,
                 const char        *method,
                 const char        *collection,
                 const char        *id,
                 const char        *user)
{
  GHashTable *documents = g_hash_table_lookup (self->collections, collection);
  g_autoptr(JsonObject) body = NULL;
  JsonObject *data = NULL;
  Document *doc;
  AwError error = { 0 };

  if (documents == NULL)
    {
      reply_error (msg, 404, "collection_not_found", "Collection with the requested ID could not be found.");
      return;
    }
  if (strcmp (method, "GET") != 0 && strcmp (method, "DELETE") != 0 &&
      (body = body_object (msg)) == NULL)
    {
      reply_error (msg, 400, "general_argument_invalid", "Invalid JSON body.");
      return;
    }

  if (id == NULL)
    {
      count_request (self, method,
                     strcmp (method, "GET") == 0 ? "list"
                     : json_object_has_member (body, "documentId") ? "create" : "bulk");
      if (strcmp (method, "GET") == 0)
        {
          list_documents (self, msg, documents, user);
          return;
        }
      if (strcmp (method, "POST") == 0 && json_object_has_member (body, "documentId"))
        {
          const char *new_id = json_object_get_string_member_with_default (body, "documentId", "");

          data = json_object_has_member (body, "data") &&
                 JSON_NODE_HOLDS_OBJECT (json_object_get_member (body, "data"))
                   ? json_object_get_object_member (body, "data") : NULL;
          if (data == NULL)
            {
              reply_error (msg, 400, "general_argument_invalid", "Param \"data\" is not optional.");
              return;
            }
          if (!check_data (data, &error))
            {
              reply_error (msg, error.status, error.type, error.message);
              g_free (error.message);
              return;
            }
          if (g_hash_table_contains (documents, new_id))
            {
              reply_error (msg, 409, "document_already_exists",
                           "Document with the requested ID already exists. Try again with a different ID or use ID.unique() to generate a unique ID.");
              return;
            }
          reply_object (msg, 201, write_document (self, documents, collection, new_id, data, user)->document);
          return;
        }
      if (!self->bulk || (strcmp (method, "POST") != 0 && strcmp (method, "PUT") != 0))
        {
          if (strcmp (method, "POST") == 0)
            reply_error (msg, 400, "general_argument_invalid", "Param \"documentId\" is not optional.");
          else
            reply_error (msg, 404, "general_route_not_found", "The requested route was not found. Please refer to the API docs and try again.");
          return;
        }
      if (user != NULL)
        {
          reply_error (msg, 401, "general_unauthorized_scope",
                       "User (role: users) missing scope (documents.write)");
          return;
        }
      bulk_write (self, msg, documents, collection, body, strcmp (method, "PUT") == 0);
      return;
    }

  count_request (self, method, "document");
  doc = g_hash_table_lookup (documents, id);
  if (doc == NULL || !visible (doc, user))
    {
      reply_error (msg, 404, "document_not_found", "Document with the requested ID could not be found.");
      return;
    }
  if (strcmp (method, "GET") == 0)
    reply_object (msg, 200, doc->document);
  else if (strcmp (method, "DELETE") == 0)
    {
      g_hash_table_remove (documents, id);
      soup_server_message_set_status (msg, 204, NULL);
    }
  else if (strcmp (method, "PATCH") == 0)
    {
      data = json_object_has_member (body, "data") &&
             JSON_NODE_HOLDS_OBJECT (json_object_get_member (body, "data"))
               ? json_object_get_object_member (body, "data") : NULL;
      if (data == NULL || !check_data (data, &error))
        {
          reply_error (msg, 400, error.type != NULL ? error.type : "general_argument_invalid",
                       error.message != NULL ? error.message : "Param \"data\" is not optional.");
          g_free (error.message);
          return;
        }
      reply_object (msg, 200, write_document (self, documents, collection, id, data, user)->document);
    }
  else
    reply_error (msg, 404, "general_route_not_found", "The requested route was not found.");
}

/* --- the Account API ------------------------------------------------------ */

typedef struct
{
  char *id;
  char *user;
  gint64 created;
  gint64 expires;
} Session;

static void
session_free (Session *session)
{
  g_free (session->id);
  g_free (session->user);
  g_free (session);
}

/* The users who can sign in: email, password, user id. */
static const char * const accounts[][3] = {
  { AW_ALICE_EMAIL, AW_ALICE_PASSWORD, "alice" },
  { AW_BOB_EMAIL, AW_BOB_PASSWORD, "bob" },
};

static guint
revoke_sessions (AwServer   *self,
                 const char *user)
{
  GHashTableIter iter;
  Session *session;
  guint n = 0;

  g_hash_table_iter_init (&iter, self->sessions);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &session))
    if (strcmp (session->user, user) == 0)
      {
        g_hash_table_iter_remove (&iter);
        n++;
      }
  return n;
}

/* The session whose secret @secret is, if it has not ended. */
static Session *
lookup_session (AwServer   *self,
                const char *secret)
{
  Session *session = secret != NULL ? g_hash_table_lookup (self->sessions, secret) : NULL;

  return session != NULL && session->expires > g_get_real_time () ? session : NULL;
}

/* The Session model (`sdk-for-node src/models.ts`); `secret` is empty
 * but for callers with an API key, as Appwrite answers. */
static JsonObject *
session_to_object (Session    *session,
                   const char *secret)
{
  JsonObject *object = json_object_new ();
  g_autofree char *created = just_sync_timestamp_format (session->created,
                                                         JUST_SYNC_TIMESTAMP_RFC3339_MILLIS);
  g_autofree char *expires = just_sync_timestamp_format (session->expires,
                                                         JUST_SYNC_TIMESTAMP_RFC3339_MILLIS);
  JsonArray *factors = json_array_new ();

  json_object_set_string_member (object, "$id", session->id);
  json_object_set_string_member (object, "$createdAt", created);
  json_object_set_string_member (object, "$updatedAt", created);
  json_object_set_string_member (object, "userId", session->user);
  json_object_set_string_member (object, "expire", expires);
  json_object_set_string_member (object, "provider", "email");
  json_object_set_boolean_member (object, "current", TRUE);
  json_array_add_string_element (factors, "password");
  json_object_set_array_member (object, "factors", factors);
  json_object_set_string_member (object, "secret", secret != NULL ? secret : "");
  return object;
}

static void
reply_guest (SoupServerMessage *msg,
             const char        *scope)
{
  g_autofree char *message = g_strdup_printf ("User (role: guests) missing scope (%s)", scope);

  reply_error (msg, 401, "general_unauthorized_scope", message);
}

/*
 * POST /account/sessions/email, GET /account, PATCH and DELETE
 * /account/sessions/current. A new session's secret comes back in the
 * `a_session_<project>` cookie (and its `_legacy` twin), as Appwrite sends
 * it to clients without an API key.
 */
static void
account_route (AwServer          *self,
               SoupServerMessage *msg,
               const char        *method,
               const char        *route,
               const char        *secret,
               gboolean           server_key)
{
  Session *session = lookup_session (self, secret);
  g_autoptr(JsonObject) reply = NULL;

  if (strcmp (route, "sessions/email") == 0 && strcmp (method, "POST") == 0)
    {
      g_autoptr(JsonObject) body = body_object (msg);
      const char *email = body != NULL ? json_object_get_string_member_with_default (body, "email", NULL) : NULL;
      const char *password = body != NULL ? json_object_get_string_member_with_default (body, "password", NULL) : NULL;
      SoupMessageHeaders *headers = soup_server_message_get_response_headers (msg);
      g_autofree char *new_secret = NULL;
      g_autofree char *cookie = NULL;
      Session *made;

      count_request (self, method, "session");
      if (session != NULL)
        {
          reply_error (msg, 401, "user_session_already_exists",
                       "Creation of a session is prohibited when a session is active.");
          return;
        }
      if (email == NULL || password == NULL)
        {
          reply_error (msg, 400, "general_argument_invalid",
                       "Param \"email\" is not optional.");
          return;
        }
      for (guint i = 0; i < G_N_ELEMENTS (accounts); i++)
        if (strcmp (email, accounts[i][0]) == 0 && strcmp (password, accounts[i][1]) == 0)
          {
            made = g_new0 (Session, 1);
            made->id = g_uuid_string_random ();
            made->user = g_strdup (accounts[i][2]);
            made->created = g_get_real_time () / 1000 * 1000;
            made->expires = made->created + self->session_length;
            new_secret = g_uuid_string_random ();
            g_hash_table_insert (self->sessions, g_strdup (new_secret), made);
            if (self->fallback_cookies)
              {
                cookie = g_strdup_printf ("{\"a_session_%s\":\"%s\"}", AW_PROJECT, new_secret);
                soup_message_headers_append (headers, "X-Fallback-Cookies", cookie);
              }
            else
              {
                cookie = g_strdup_printf ("a_session_%s=%s; path=/; httponly; samesite=None",
                                          AW_PROJECT, new_secret);
                soup_message_headers_append (headers, "Set-Cookie", cookie);
                g_free (cookie);
                cookie = g_strdup_printf ("a_session_%s_legacy=%s; path=/; httponly",
                                          AW_PROJECT, new_secret);
                soup_message_headers_append (headers, "Set-Cookie", cookie);
              }
            reply = session_to_object (made, server_key ? new_secret : NULL);
            reply_object (msg, 201, reply);
            return;
          }
      reply_error (msg, 401, "user_invalid_credentials",
                   "Invalid credentials. Please check the email and password.");
      return;
    }

  if (strcmp (route, "") == 0 && strcmp (method, "GET") == 0)
    {
      count_request (self, method, "account");
      if (session == NULL)
        {
          reply_guest (msg, "account");
          return;
        }
      reply = json_object_new ();
      json_object_set_string_member (reply, "$id", session->user);
      json_object_set_string_member (reply, "name", session->user);
      json_object_set_boolean_member (reply, "status", TRUE);
      reply_object (msg, 200, reply);
      return;
    }

  if (strcmp (route, "sessions/current") == 0 &&
      (strcmp (method, "PATCH") == 0 || strcmp (method, "DELETE") == 0))
    {
      count_request (self, method, "session");
      if (session == NULL)
        {
          reply_guest (msg, "account");
          return;
        }
      if (strcmp (method, "DELETE") == 0)
        {
          g_hash_table_remove (self->sessions, secret);
          soup_server_message_set_status (msg, 204, NULL);
          return;
        }
      session->expires = g_get_real_time () / 1000 * 1000 + self->session_length;
      reply = session_to_object (session, NULL);
      reply_object (msg, 200, reply);
      return;
    }

  reply_error (msg, 404, "general_route_not_found", "The requested route was not found.");
}

static void
server_callback (SoupServer        *server,
                 SoupServerMessage *msg,
                 const char        *path,
                 GHashTable        *query,
                 gpointer           user_data)
{
  AwServer *self = user_data;
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);
  const char *method = soup_server_message_get_method (msg);
  const char *key = soup_message_headers_get_one (headers, "X-Appwrite-Key");
  const char *jwt = soup_message_headers_get_one (headers, "X-Appwrite-JWT");
  const char *secret = soup_message_headers_get_one (headers, "X-Appwrite-Session");
  const char *user = NULL;
  g_auto(GStrv) parts = NULL;
  guint n;

  g_mutex_lock (&self->lock);

  if (g_strcmp0 (soup_message_headers_get_one (headers, "X-Appwrite-Project"), AW_PROJECT) != 0)
    {
      reply_error (msg, 404, "project_not_found", "Project with the requested ID could not be found.");
      goto out;
    }
  /* Stricter than Appwrite, which answers in its own format without one:
   * the store must always name the format it reads. */
  if (soup_message_headers_get_one (headers, "X-Appwrite-Response-Format") == NULL)
    {
      reply_error (msg, 400, "general_argument_invalid", "Missing X-Appwrite-Response-Format.");
      goto out;
    }
  if (secret != NULL && key != NULL)
    {
      /* Appwrite's words; the docs name no type for this refusal. */
      reply_error (msg, 401, "general_unauthorized_scope",
                   "API key and session used in the same request. Use either setSession or setKey.");
      goto out;
    }
  if (g_str_has_prefix (path, "/v1/account"))
    {
      const char *route = path + strlen ("/v1/account");

      account_route (self, msg, method, route[0] == '/' ? route + 1 : route, secret,
                     g_strcmp0 (key, AW_KEY) == 0);
      goto out;
    }
  if (secret != NULL)
    {
      Session *session = lookup_session (self, secret);

      /* The sessions of revoke_user end before its next request but
       * revoke_after. */
      if (session != NULL && g_strcmp0 (session->user, self->revoke_user) == 0 &&
          self->revoke_after-- == 0)
        {
          revoke_sessions (self, self->revoke_user);
          g_clear_pointer (&self->revoke_user, g_free);
          session = NULL;
        }
      /* A session that ended or was deleted is no user. */
      if (session == NULL)
        {
          reply_guest (msg, "documents.read");
          goto out;
        }
      user = session->user;
    }
  else if (jwt != NULL)
    {
      if (strcmp (jwt, AW_JWT_ALICE) == 0)
        user = "alice";
      else if (strcmp (jwt, AW_JWT_BOB) == 0)
        user = "bob";
      else
        {
          reply_error (msg, 401, "user_jwt_invalid", "Failed to verify JWT. Invalid token: Expired");
          goto out;
        }
    }
  else if (g_strcmp0 (key, AW_KEY) != 0)
    {
      reply_error (msg, 401, key != NULL ? "user_unauthorized" : "general_unauthorized_scope",
                   key != NULL ? "The current user is not authorized to perform the requested action."
                               : "User (role: guests) missing scope (documents.read)");
      goto out;
    }

  parts = g_strsplit (path, "/", -1);
  n = g_strv_length (parts);
  if (n == 4 && strcmp (parts[1], "v1") == 0 && strcmp (parts[2], "health") == 0 &&
      strcmp (parts[3], "time") == 0 && strcmp (method, "GET") == 0)
    {
      g_autoptr(JsonObject) reply = json_object_new ();
      gint64 now = g_get_real_time () / G_USEC_PER_SEC;

      count_request (self, method, "time");
      if (user != NULL)
        {
          reply_error (msg, 401, "general_unauthorized_scope", "User (role: users) missing scope (health.read)");
          goto out;
        }
      json_object_set_int_member (reply, "remoteTime", now);
      json_object_set_int_member (reply, "localTime", now);
      json_object_set_int_member (reply, "diff", 0);
      reply_object (msg, 200, reply);
      goto out;
    }
  if ((n == 7 || n == 8) && strcmp (parts[1], "v1") == 0 && strcmp (parts[2], "databases") == 0 &&
      strcmp (parts[4], "collections") == 0 && strcmp (parts[6], "documents") == 0)
    {
      if (strcmp (parts[3], AW_DATABASE) != 0)
        reply_error (msg, 404, "database_not_found", "Database not found");
      else
        documents_route (self, msg, method, parts[5], n == 8 ? parts[7] : NULL, user);
      goto out;
    }
  reply_error (msg, 404, "general_route_not_found", "The requested route was not found.");

out:
  g_mutex_unlock (&self->lock);
}

AwServer *
aw_server_new (void)
{
  AwServer *self = g_new0 (AwServer, 1);

  g_mutex_init (&self->lock);
  self->bulk = TRUE;
  self->session_length = 365 * G_TIME_SPAN_DAY;
  self->sessions = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                          (GDestroyNotify) session_free);
  self->counts = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->collections = g_hash_table_new_full (g_str_hash, g_str_equal, NULL,
                                             (GDestroyNotify) g_hash_table_unref);
  for (guint i = 0; collections[i] != NULL; i++)
    g_hash_table_insert (self->collections, (gpointer) collections[i],
                         g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                                (GDestroyNotify) document_free));
  self->http = http_test_thread_server_new (server_callback, self);
  self->endpoint = g_strconcat (http_test_thread_server_get_url (self->http), "/v1", NULL);
  return self;
}

void
aw_server_free (AwServer *self)
{
  http_test_thread_server_free (self->http);
  g_hash_table_unref (self->collections);
  g_hash_table_unref (self->counts);
  g_hash_table_unref (self->sessions);
  g_free (self->revoke_user);
  g_free (self->last_list_query);
  g_free (self->endpoint);
  g_mutex_clear (&self->lock);
  g_free (self);
}

const char *
aw_server_get_endpoint (AwServer *self)
{
  return self->endpoint;
}

void
aw_server_stop_clock (AwServer *self)
{
  g_mutex_lock (&self->lock);
  self->frozen = g_get_real_time () / 1000 * 1000;
  g_mutex_unlock (&self->lock);
}

void
aw_server_start_clock (AwServer *self)
{
  g_mutex_lock (&self->lock);
  self->frozen = 0;
  g_mutex_unlock (&self->lock);
}

void
aw_server_set_bulk (AwServer *self,
                    gboolean  bulk)
{
  g_mutex_lock (&self->lock);
  self->bulk = bulk;
  g_mutex_unlock (&self->lock);
}

void
aw_server_set_max_limit (AwServer *self,
                         guint     max_limit)
{
  g_mutex_lock (&self->lock);
  self->max_limit = max_limit;
  g_mutex_unlock (&self->lock);
}

guint
aw_server_count (AwServer   *self,
                 const char *request)
{
  guint count;

  g_mutex_lock (&self->lock);
  count = GPOINTER_TO_UINT (g_hash_table_lookup (self->counts, request));
  g_mutex_unlock (&self->lock);
  return count;
}

char *
aw_server_dup_last_list_query (AwServer *self)
{
  char *query;

  g_mutex_lock (&self->lock);
  query = g_strdup (self->last_list_query);
  g_mutex_unlock (&self->lock);
  return query;
}

void
aw_server_set_session_length (AwServer *self,
                              gint64    usec)
{
  g_mutex_lock (&self->lock);
  self->session_length = usec;
  g_mutex_unlock (&self->lock);
}

guint
aw_server_revoke_sessions (AwServer   *self,
                           const char *user)
{
  guint n;

  g_mutex_lock (&self->lock);
  n = revoke_sessions (self, user);
  g_mutex_unlock (&self->lock);
  return n;
}

void
aw_server_revoke_sessions_after (AwServer   *self,
                                 const char *user,
                                 guint       n_requests)
{
  g_mutex_lock (&self->lock);
  g_free (self->revoke_user);
  self->revoke_user = g_strdup (user);
  self->revoke_after = n_requests;
  g_mutex_unlock (&self->lock);
}

void
aw_server_set_fallback_cookies (AwServer *self,
                                gboolean  fallback)
{
  g_mutex_lock (&self->lock);
  self->fallback_cookies = fallback;
  g_mutex_unlock (&self->lock);
}
