/* justsync-appwrite-codec.c
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "justsync-appwrite-private.h"
#include "justsync-delta-private.h"
#include "justsync-error.h"
#include "justsync-http-client-private.h"
#include "justsync-timestamp.h"

/*
 * The Appwrite dialect of JustSyncAppwriteStore, as pure functions: the
 * queries it sends, the documents it writes and how it reads documents,
 * times and error bodies. No I/O, so it is unit-tested without a server.
 *
 * Queries are JSON objects `{"method","attribute","values"}`, one per
 * `queries[]` parameter, as the SDKs write them since Appwrite 1.5;
 * `or` takes the query objects it combines as its values.
 */

#define MAX_ID_LENGTH 36

/* An id or key Appwrite accepts: at most 36 of `a-zA-Z0-9._-`, not
 * starting with a special character. It needs no escaping in a path. */
gboolean
_just_sync_appwrite_is_id (const char *id)
{
  gsize length;

  if (id == NULL || !g_ascii_isalnum (id[0]))
    return FALSE;
  length = strlen (id);
  if (length > MAX_ID_LENGTH)
    return FALSE;
  for (const char *p = id; *p != '\0'; p++)
    if (!(g_ascii_isalnum (*p) || *p == '.' || *p == '-' || *p == '_'))
      return FALSE;
  return TRUE;
}

/* An attribute key: like an id, but `.` would read as a relationship path. */
gboolean
_just_sync_appwrite_is_key (const char *key)
{
  return _just_sync_appwrite_is_id (key) && strchr (key, '.') == NULL;
}

/* Every key of @scope is an attribute the store filters on and writes. */
gboolean
_just_sync_appwrite_check_scope (JustSyncScope  *scope,
                                 GError        **error)
{
  g_auto(GStrv) keys = just_sync_scope_dup_keys (scope);

  for (guint i = 0; keys[i] != NULL; i++)
    if (!_just_sync_appwrite_is_key (keys[i]))
      {
        g_set_error (error, JUST_SYNC_ERROR, JUST_SYNC_ERROR_INVALID_ARGUMENT,
                     _("The scope key “%s” is not an attribute the Appwrite store can filter on"),
                     keys[i]);
        return FALSE;
      }
  return TRUE;
}

/* A time as Appwrite writes `$updatedAt`: milliseconds and `+00:00`. */
char *
_just_sync_appwrite_format_time (gint64 usec)
{
  return just_sync_timestamp_format (usec, JUST_SYNC_TIMESTAMP_RFC3339_MILLIS);
}

/* One query object; takes @values, which may be NULL. */
JsonNode *
_just_sync_appwrite_query_new (const char *method,
                               const char *attribute,
                               JsonArray  *values)
{
  JsonObject *object = json_object_new ();
  JsonNode *node = json_node_new (JSON_NODE_OBJECT);

  json_object_set_string_member (object, "method", method);
  if (attribute != NULL)
    json_object_set_string_member (object, "attribute", attribute);
  if (values != NULL)
    json_object_set_array_member (object, "values", values);
  json_node_take_object (node, object);
  return node;
}

static JsonNode *
appwrite_codec_compare (const char *method,
                        const char *attribute,
                        const char *value)
{
  JsonArray *values = json_array_new ();

  json_array_add_string_element (values, value);
  return _just_sync_appwrite_query_new (method, attribute, values);
}

/* Appends `queries[]=<json>`; takes @json_query. */
void
_just_sync_appwrite_query_add (GString  *query,
                               JsonNode *json_query)
{
  g_autofree char *text = json_to_string (json_query, FALSE);

  _just_sync_http_query_add (query, "queries[]", text);
  json_node_unref (json_query);
}

static void
appwrite_codec_add_scope (GString       *query,
                          JustSyncScope *scope)
{
  g_auto(GStrv) keys = just_sync_scope_dup_keys (scope);

  for (guint i = 0; keys[i] != NULL; i++)
    _just_sync_appwrite_query_add (query, appwrite_codec_compare ("equal", keys[i],
                                                                  just_sync_scope_get_key (scope, keys[i])));
}

/*
 * The query of one page of a delta pull: the scope's documents after
 * @since in ($updatedAt, $id) order, at most @limit. The keyset is written
 * `$updatedAt >= T AND ($updatedAt > T OR $id > I)` rather than as a bare
 * OR, so that the database can seek an index on ($updatedAt, $id) instead
 * of scanning it. `cursorAfter` is not used: it names a document, which
 * another client may change or delete between two pages.
 */
char *
_just_sync_appwrite_list_query (JustSyncScope     *scope,
                                JustSyncSyncPoint *since,
                                guint              limit)
{
  GString *query = g_string_new (NULL);
  JsonArray *limit_values = json_array_new ();

  appwrite_codec_add_scope (query, scope);
  if (since != NULL)
    {
      g_autofree char *time =
        _just_sync_appwrite_format_time (just_sync_sync_point_get_updated_at (since));
      const char *last_id = just_sync_sync_point_get_last_id (since);
      JsonArray *either = json_array_new ();

      json_array_add_element (either, appwrite_codec_compare ("greaterThan",
                                                              JUST_SYNC_APPWRITE_UPDATED_AT, time));
      json_array_add_element (either, appwrite_codec_compare ("greaterThan", JUST_SYNC_APPWRITE_ID,
                                                              last_id != NULL ? last_id : ""));
      _just_sync_appwrite_query_add (query, appwrite_codec_compare ("greaterThanEqual",
                                                                    JUST_SYNC_APPWRITE_UPDATED_AT,
                                                                    time));
      _just_sync_appwrite_query_add (query, _just_sync_appwrite_query_new ("or", NULL, either));
    }
  _just_sync_appwrite_query_add (query, _just_sync_appwrite_query_new ("orderAsc",
                                                                       JUST_SYNC_APPWRITE_UPDATED_AT,
                                                                       NULL));
  _just_sync_appwrite_query_add (query, _just_sync_appwrite_query_new ("orderAsc",
                                                                       JUST_SYNC_APPWRITE_ID, NULL));
  json_array_add_int_element (limit_values, limit);
  _just_sync_appwrite_query_add (query, _just_sync_appwrite_query_new ("limit", NULL, limit_values));
  return g_string_free (query, FALSE);
}

/* The query that finds which of @ids the scope holds: `equal` on `$id`
 * with all of them (Appwrite takes up to 100 values). */
char *
_just_sync_appwrite_lookup_query (JustSyncScope      *scope,
                                  const char * const *ids,
                                  guint               n_ids)
{
  GString *query = g_string_new (NULL);
  JsonArray *values = json_array_sized_new (n_ids);
  JsonArray *limit_values = json_array_new ();

  appwrite_codec_add_scope (query, scope);
  for (guint i = 0; i < n_ids; i++)
    json_array_add_string_element (values, ids[i]);
  _just_sync_appwrite_query_add (query, _just_sync_appwrite_query_new ("equal", JUST_SYNC_APPWRITE_ID,
                                                                       values));
  json_array_add_int_element (limit_values, n_ids);
  _just_sync_appwrite_query_add (query, _just_sync_appwrite_query_new ("limit", NULL, limit_values));
  return g_string_free (query, FALSE);
}

/* The `documents` of a list or bulk reply `{"total":N,"documents":[…]}`
 * (`rows` in the TablesDB API), or NULL when it has none. */
JsonArray *
_just_sync_appwrite_reply_documents (JsonNode *body)
{
  static const char * const members[] = { "documents", "rows" };

  if (body == NULL || !JSON_NODE_HOLDS_OBJECT (body))
    return NULL;
  for (guint i = 0; i < G_N_ELEMENTS (members); i++)
    {
      JsonNode *node = json_object_get_member (json_node_get_object (body), members[i]);

      if (node != NULL && JSON_NODE_HOLDS_ARRAY (node))
        return json_node_get_array (node);
    }
  return NULL;
}

static gboolean
appwrite_codec_read_time (JsonObject  *document,
                          const char  *attribute,
                          const char  *id,
                          gboolean     nullable,
                          gint64      *out_usec,
                          GError     **error)
{
  JsonNode *node = json_object_get_member (document, attribute);
  g_autoptr(GError) local_error = NULL;

  *out_usec = 0;
  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    {
      if (nullable)
        return TRUE;
      g_set_error (error, JUST_SYNC_ERROR, JUST_SYNC_ERROR_SERVER,
                   _("The server sent the document “%s” without “%s”, which syncing needs"),
                   id, attribute);
      return FALSE;
    }
  if (json_node_get_value_type (node) != G_TYPE_STRING ||
      !just_sync_timestamp_parse (json_node_get_string (node), out_usec, &local_error) ||
      !just_sync_timestamp_is_valid (*out_usec))
    {
      g_set_error (error, JUST_SYNC_ERROR, JUST_SYNC_ERROR_SERVER,
                   _("The server sent the document “%s” with a bad “%s”: %s"), id, attribute,
                   local_error != NULL ? local_error->message : _("not a time"));
      return FALSE;
    }
  return TRUE;
}

/*
 * A document as a #JustSyncRecord: `$updatedAt` is its version, a set
 * @soft_delete_attribute makes it a tombstone, and the payload is the other
 * attributes without the system ones (`$…`) and the scope keys. Appwrite
 * returns every attribute of the collection, with null for the ones never
 * set, so null members are left out: a field the client never wrote reads
 * back as absent, as it was written. @out_refused (optional) is as for
 * _just_sync_delta_record_new().
 */
JustSyncRecord *
_just_sync_appwrite_record_from_document (JsonNode           *document,
                                          JustSyncScope      *scope,
                                          const char         *soft_delete_attribute,
                                          JustSyncSyncPoint **out_refused,
                                          GError            **error)
{
  g_autoptr(JsonObject) payload = NULL;
  JsonObject *object;
  JsonNode *id_node;
  const char *id;
  gint64 updated_at, deleted_at = 0;
  JsonObjectIter iter;
  const char *name;
  JsonNode *value;

  if (document == NULL || !JSON_NODE_HOLDS_OBJECT (document) ||
      (id_node = json_object_get_member (json_node_get_object (document),
                                         JUST_SYNC_APPWRITE_ID)) == NULL ||
      json_node_get_value_type (id_node) != G_TYPE_STRING)
    {
      g_set_error (error, JUST_SYNC_ERROR, JUST_SYNC_ERROR_SERVER,
                   _("The server sent a document without an id"));
      return NULL;
    }
  object = json_node_get_object (document);
  id = json_node_get_string (id_node);

  if (!appwrite_codec_read_time (object, JUST_SYNC_APPWRITE_UPDATED_AT, id, FALSE, &updated_at,
                                 error))
    return NULL;
  if (soft_delete_attribute != NULL &&
      !appwrite_codec_read_time (object, soft_delete_attribute, id, TRUE, &deleted_at, error))
    return NULL;

  payload = json_object_new ();
  json_object_iter_init_ordered (&iter, object);
  while (json_object_iter_next_ordered (&iter, &name, &value))
    {
      if (name[0] == '$' || JSON_NODE_HOLDS_NULL (value) ||
          g_strcmp0 (name, soft_delete_attribute) == 0 ||
          just_sync_scope_get_key (scope, name) != NULL)
        continue;
      json_object_set_member (payload, name, json_node_ref (value));
    }
  json_object_seal (payload);

  return _just_sync_delta_record_new (id, payload, updated_at, deleted_at, out_refused, error);
}

/*
 * The `data` an upsert of @record writes: its payload, the scope's keys,
 * and with soft deletes a null deletion time (an upsert makes the
 * document live again). A payload member that names a scope key must hold
 * the scope's value; members Appwrite would refuse as attribute keys
 * (system attributes, `$…`) are an error, not silently dropped.
 */
JsonObject *
_just_sync_appwrite_data_from_record (JustSyncRecord  *record,
                                      JustSyncScope   *scope,
                                      const char      *soft_delete_attribute,
                                      GError         **error)
{
  g_autoptr(JsonObject) data = json_object_new ();
  g_auto(GStrv) keys = just_sync_scope_dup_keys (scope);
  JsonObjectIter iter;
  const char *name;
  JsonNode *value;

  json_object_iter_init_ordered (&iter, just_sync_record_get_payload (record));
  while (json_object_iter_next_ordered (&iter, &name, &value))
    {
      const char *key_value = just_sync_scope_get_key (scope, name);

      if (key_value != NULL &&
          (json_node_get_value_type (value) != G_TYPE_STRING ||
           strcmp (json_node_get_string (value), key_value) != 0))
        {
          g_set_error (error, JUST_SYNC_ERROR, JUST_SYNC_ERROR_REJECTED,
                       _("The field “%s” is a key of the scope and must be “%s”"),
                       name, key_value);
          return NULL;
        }
      if (!_just_sync_appwrite_is_key (name) || g_strcmp0 (name, soft_delete_attribute) == 0)
        {
          g_set_error (error, JUST_SYNC_ERROR, JUST_SYNC_ERROR_REJECTED,
                       _("The field “%s” cannot be an Appwrite attribute"), name);
          return NULL;
        }
      if (key_value == NULL)
        json_object_set_member (data, name, json_node_copy (value));
    }

  for (guint i = 0; keys[i] != NULL; i++)
    json_object_set_string_member (data, keys[i], just_sync_scope_get_key (scope, keys[i]));
  if (soft_delete_attribute != NULL)
    json_object_set_null_member (data, soft_delete_attribute);
  return g_steal_pointer (&data);
}

/* The `type` of an Appwrite error body `{"message","code","type","version"}`,
 * such as `document_not_found`, or NULL. */
const char *
_just_sync_appwrite_error_type (JsonNode *body)
{
  JsonNode *node;

  if (body == NULL || !JSON_NODE_HOLDS_OBJECT (body) ||
      (node = json_object_get_member (json_node_get_object (body), "type")) == NULL ||
      json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;
  return json_node_get_string (node);
}

/* An Appwrite error body as text: the message, then the type. */
char *
_just_sync_appwrite_dup_error_message (JsonNode *body,
                                       guint     status)
{
  const char *message = _just_sync_http_body_get_message (body);
  const char *type = _just_sync_appwrite_error_type (body);

  if (message == NULL)
    message = _just_sync_http_status_get_phrase (status);
  if (type == NULL || type[0] == '\0')
    return g_strdup (message);
  return g_strdup_printf ("%s (%s)", message, type);
}

/* The reply of `/health/time`: `localTime`, the Appwrite server's clock in
 * Unix seconds, taken at the middle of its second. */
gboolean
_just_sync_appwrite_parse_health_time (JsonNode *body,
                                       gint64   *out_usec)
{
  JsonNode *node;
  gint64 seconds;

  if (body == NULL || !JSON_NODE_HOLDS_OBJECT (body) ||
      (node = json_object_get_member (json_node_get_object (body), "localTime")) == NULL ||
      json_node_get_value_type (node) != G_TYPE_INT64)
    return FALSE;
  seconds = json_node_get_int (node);
  if (seconds <= 0 || seconds > JUST_SYNC_TIMESTAMP_MAX / G_USEC_PER_SEC)
    return FALSE;
  *out_usec = seconds * G_USEC_PER_SEC + G_USEC_PER_SEC / 2;
  return TRUE;
}
