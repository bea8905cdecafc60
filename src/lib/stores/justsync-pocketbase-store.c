/* justsync-pocketbase-store.c
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "justsync-error.h"
#include "justsync-http-client-private.h"
#include "justsync-pocketbase-store.h"
#include "justsync-timestamp.h"

/**
 * JustSyncPocketbaseStore:
 *
 * A #JustSyncRemoteStore that syncs with a [PocketBase](https://pocketbase.io)
 * server, version 0.23 or later, through its records API.
 *
 * ## Collections
 *
 * A scope's name is its collection unless
 * just_sync_pocketbase_store_set_collection() maps it elsewhere. The
 * collection needs an `updated` autodate field (created and updated), and
 * for soft deletes a date field named by
 * #JustSyncPocketbaseStore:soft-delete-field (`deleted_at` by default):
 * `data/pocketbase/justsync-collections.json` in the source tree is a
 * ready-made schema. Deletes in a collection without that field are hard
 * deletes (PocketBase ignores a body member it has no field for, so the
 * store notices from the reply and deletes for real); only a reconcile can
 * see hard deletes made by other clients.
 *
 * ## Scopes
 *
 * Every key of a scope is a field of the collection: it becomes a filter
 * term `key = "value"` of every read, and is written into every pushed
 * record, so a client never pulls another scope's rows, even with a
 * superuser token that the collection rules do not restrict. Pulled records
 * lose PocketBase's system fields (`id`, `collectionId`, `collectionName`,
 * `created`, `updated`, `expand`), the soft-delete field and the scope keys,
 * so that the pulled echo of a push holds what the app wrote. Fields the
 * app never set come back with PocketBase's zero values (`""`, `0`,
 * `false`); an echo still covers the pushed record.
 *
 * Writes by id are not conditional in PocketBase, so they need more than a
 * filter to stay in their scope. For a superuser, whom no rule restricts,
 * the store looks the ids of a push up first: an upsert of a record that
 * belongs to another scope is rejected, and deleting it from this scope is
 * a success that leaves it alone. For other tokens the collection rules
 * must tie records to their scope, as `owner = @request.auth.id` does.
 *
 * ## Ids
 *
 * just_sync_remote_store_generate_id() makes ids PocketBase's default `id`
 * field accepts: 15 characters from `[a-z0-9]` (about 77 random bits).
 *
 * ## Authentication
 *
 * A fixed #JustSyncPocketbaseStore:token (a user token or a superuser's
 * impersonation token), or an identity and password for an auth collection
 * such as `users` or `_superusers`
 * (just_sync_pocketbase_store_set_credentials()). PocketBase treats an
 * expired token as a guest instead of refusing it (lists come back empty,
 * writes fail with 404), so the store reads the token's expiry and logs in
 * again before it runs out, and once more when a request is refused with
 * 401 or 403. A fixed token that has expired fails with
 * %JUST_SYNC_ERROR_AUTH instead of being sent.
 *
 * ## Pushes
 *
 * Upserts go through `POST /api/batch` (`PUT` with the id in the body), in
 * chunks of #JustSyncPocketbaseStore:batch-size. One failing request rolls
 * back a whole batch, so the failing record is reported as rejected with
 * the server's message and the others are sent again. Where the batch API
 * is disabled (PocketBase's default), each record is sent alone (`PATCH`,
 * or `POST` for a new one). Deleting a record the server does not have is
 * a success. 5xx and 429 replies make the operations retry later, with the
 * server's `Retry-After`.
 *
 * ## Server time
 *
 * just_sync_remote_store_get_server_time_async() reads `GET /api/justsync/time`
 * (`{"now": "2006-01-02 15:04:05.000Z"}`, milliseconds) where the server
 * has that route (a few lines in a PocketBase hook or Go program), and
 * otherwise the `Date` header of a cheap request: one-second resolution,
 * reported as the middle of its second. The engine uses the server time
 * only to correct the stamps of local edits for last-write-wins; its sync
 * points always come from the `updated` values of the rows it received, so
 * a coarse clock can reorder two edits made within a second of each other
 * on different devices, but never makes a pull miss a row.
 *
 * ## Realtime
 *
 * just_sync_remote_store_watch() subscribes to the scope's collection over
 * `/api/realtime` (server-sent events) and emits
 * #JustSyncRemoteStore::remote-changed for events about the scope's rows.
 * A lost connection is reopened with exponential backoff; since PocketBase
 * does not replay missed events, every scope is reported as changed after
 * a reconnect.
 */

#define DEFAULT_PAGE_SIZE JUST_SYNC_POCKETBASE_MAX_PAGE_SIZE
#define DEFAULT_BATCH_SIZE 50
#define MAX_BATCH_SIZE 1000
#define DEFAULT_TIMEOUT 30
#define DEFAULT_SOFT_DELETE_FIELD "deleted_at"
#define DEFAULT_AUTH_COLLECTION "users"
#define TIME_PATH "/api/justsync/time"
#define ID_LENGTH 15
#define SUPERUSERS_COLLECTION "_superusers"
/* PocketBase names a collection "pbc_" + crc32 (type + name): the id of
 * `_superusers` in every PocketBase since 0.23. */
#define SUPERUSERS_COLLECTION_ID "pbc_3142635823"
/* A token is renewed a fifth of its lifetime before it ends, at most this. */
#define MAX_TOKEN_MARGIN (60 * G_USEC_PER_SEC)
/* The Date header is good to a second: smaller skews are noise. */
#define CLOCK_SKEW_NOISE (2 * G_USEC_PER_SEC)
#define REALTIME_BACKOFF_MIN_MS 500
#define REALTIME_BACKOFF_MAX_MS 60000

typedef struct
{
  char *collection;
  char *soft_delete_field;
} Mapping;

/* What a call works on: copied, so a change of settings mid-call is harmless. */
typedef struct
{
  char *collection;
  char *soft_delete_field;          /* NULL: deletes are hard */
} Target;

typedef struct
{
  JustSyncScope *scope;
  guint count;
} Watch;

struct _JustSyncPocketbaseStore
{
  GObject parent_instance;

  char *base_url;
  JustSyncHttpClient *client;       /* NULL when the base URL is unusable */
  GError *client_error;
  guint timeout;

  /* Authentication */
  char *token;
  char *token_collection_id;        /* the auth collection the token is for */
  gint64 token_expires;             /* server clock; 0 when unknown */
  gint64 token_margin;
  char *auth_collection;
  char *identity;
  char *password;
  char *user_id;
  guint auth_generation;
  GPtrArray *login_waiters;         /* GTask; non-NULL while logging in */
  gint64 clock_skew;                /* server minus local clock, when significant */

  /* Collections */
  GHashTable *mappings;             /* scope name -> Mapping */
  char *soft_delete_field;
  GHashTable *lacking_soft_field;   /* collection names seen without their field */
  guint page_size;
  guint batch_size;
  guint server_batch_limit;         /* learned from a refused batch, or 0 */
  gboolean batch_unavailable;
  gboolean time_route_missing;

  /* Realtime */
  GHashTable *watched;              /* canonical scope -> Watch */
  GCancellable *realtime_cancellable; /* non-NULL while connecting or connected */
  GDataInputStream *realtime_stream;
  char *realtime_client_id;
  GString *event_name;
  GString *event_data;
  gboolean subscribing;
  gboolean resubscribe;
  gboolean needs_catch_up;
  guint reconnect_source;
  guint reconnect_failures;
};

enum {
  PROP_0,
  PROP_BASE_URL,
  PROP_TOKEN,
  PROP_AUTH_COLLECTION,
  PROP_IDENTITY,
  PROP_PASSWORD,
  PROP_USER_ID,
  PROP_SOFT_DELETE_FIELD,
  PROP_PAGE_SIZE,
  PROP_BATCH_SIZE,
  PROP_TIMEOUT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void remote_store_iface_init (JustSyncRemoteStoreInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (JustSyncPocketbaseStore, just_sync_pocketbase_store, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (JUST_SYNC_TYPE_REMOTE_STORE,
                                                      remote_store_iface_init))

typedef enum
{
  PB_REQUEST_DEFAULT = 0,
  /* Public routes: no token, no login. */
  PB_REQUEST_NO_AUTH = 1 << 0,
  /* A 403 is an answer, not a refused token (the disabled batch API). */
  PB_REQUEST_FORBIDDEN_IS_ANSWER = 1 << 1,
} PbRequestFlags;

/* --- small helpers ------------------------------------------------------ */

static void
mapping_free (Mapping *mapping)
{
  g_free (mapping->collection);
  g_free (mapping->soft_delete_field);
  g_free (mapping);
}

static void
target_clear (Target *target)
{
  g_clear_pointer (&target->collection, g_free);
  g_clear_pointer (&target->soft_delete_field, g_free);
}

static void
watch_free (Watch *watch)
{
  just_sync_scope_unref (watch->scope);
  g_free (watch);
}

static void
resolve_target (JustSyncPocketbaseStore *self,
                JustSyncScope           *scope,
                Target                  *target)
{
  const char *name = just_sync_scope_get_name (scope);
  Mapping *mapping = g_hash_table_lookup (self->mappings, name);
  const char *field;

  target->collection = g_strdup (mapping != NULL ? mapping->collection : name);
  field = mapping != NULL ? mapping->soft_delete_field : self->soft_delete_field;
  target->soft_delete_field = field != NULL && field[0] != '\0' ? g_strdup (field) : NULL;
}

/* The soft-delete field of @target, unless the collection turned out not to have it. */
static const char *
effective_soft_field (JustSyncPocketbaseStore *self,
                      const Target            *target)
{
  if (target->soft_delete_field == NULL ||
      g_hash_table_contains (self->lacking_soft_field, target->collection))
    return NULL;
  return target->soft_delete_field;
}

/* PocketBase field names: letters, digits and underscores. */
static gboolean
is_field_name (const char *name)
{
  if (!g_ascii_isalpha (name[0]) && name[0] != '_')
    return FALSE;
  for (const char *p = name; *p != '\0'; p++)
    if (!g_ascii_isalnum (*p) && *p != '_')
      return FALSE;
  return TRUE;
}

static gboolean
check_scope (JustSyncScope  *scope,
             GError        **error)
{
  g_auto(GStrv) keys = just_sync_scope_dup_keys (scope);

  for (guint i = 0; keys[i] != NULL; i++)
    if (!is_field_name (keys[i]))
      {
        g_set_error (error, JUST_SYNC_ERROR, JUST_SYNC_ERROR_INVALID_ARGUMENT,
                     _("The scope key “%s” is not a PocketBase field name"), keys[i]);
        return FALSE;
      }
  return TRUE;
}

/* A PocketBase filter string literal: double quotes, `\` escapes. */
static void
append_quoted (GString    *filter,
               const char *value)
{
  g_string_append_c (filter, '"');
  for (const char *p = value; *p != '\0'; p++)
    {
      if (*p == '"' || *p == '\\')
        g_string_append_c (filter, '\\');
      g_string_append_c (filter, *p);
    }
  g_string_append_c (filter, '"');
}

/* `key1 = "v1" && key2 = "v2"` for every key of @scope. */
static void
append_scope_filter (GString       *filter,
                     JustSyncScope *scope)
{
  g_auto(GStrv) keys = just_sync_scope_dup_keys (scope);

  for (guint i = 0; keys[i] != NULL; i++)
    {
      if (filter->len > 0)
        g_string_append (filter, " && ");
      g_string_append_printf (filter, "%s = ", keys[i]);
      append_quoted (filter, just_sync_scope_get_key (scope, keys[i]));
    }
}

static char *
records_path (const char *collection,
              const char *id)
{
  g_autofree char *escaped = g_uri_escape_string (collection, NULL, FALSE);

  if (id == NULL)
    return g_strdup_printf ("/api/collections/%s/records", escaped);
  else
    {
      g_autofree char *escaped_id = g_uri_escape_string (id, NULL, FALSE);

      return g_strdup_printf ("/api/collections/%s/records/%s", escaped, escaped_id);
    }
}

static JsonObject *
body_get_object (JsonNode *body)
{
  return body != NULL && JSON_NODE_HOLDS_OBJECT (body) ? json_node_get_object (body) : NULL;
}

static JsonObject *
object_get_object (JsonObject *object,
                   const char *member)
{
  return object != NULL ? body_get_object (json_object_get_member (object, member)) : NULL;
}

static const char *
object_get_string (JsonObject *object,
                   const char *member)
{
  JsonNode *node = object != NULL ? json_object_get_member (object, member) : NULL;

  if (node == NULL || json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;
  return json_node_get_string (node);
}

static gint64
object_get_int (JsonObject *object,
                const char *member)
{
  JsonNode *node = object != NULL ? json_object_get_member (object, member) : NULL;

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) ||
      (json_node_get_value_type (node) != G_TYPE_INT64 &&
       json_node_get_value_type (node) != G_TYPE_DOUBLE))
    return 0;
  return (gint64) json_node_get_double (node);
}

/* The `exp` claim of a JWT in microseconds (0 when there is none) and its
 * `collectionId` claim (nullable). */
static gint64
token_get_claims (const char  *token,
                  char       **out_collection_id)
{
  g_auto(GStrv) parts = g_strsplit (token, ".", 3);
  g_autoptr(GString) payload = NULL;
  g_autoptr(JsonParser) parser = NULL;
  g_autofree guchar *decoded = NULL;
  JsonNode *exp;
  gsize length;

  if (g_strv_length (parts) != 3)
    return 0;

  /* base64url without padding to base64. */
  payload = g_string_new (parts[1]);
  g_strdelimit (payload->str, "-", '+');
  g_strdelimit (payload->str, "_", '/');
  while (payload->len % 4 != 0)
    g_string_append_c (payload, '=');
  decoded = g_base64_decode (payload->str, &length);

  parser = json_parser_new_immutable ();
  if (decoded == NULL || length == 0 ||
      !json_parser_load_from_data (parser, (const char *) decoded, (gssize) length, NULL) ||
      !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    return 0;

  *out_collection_id = g_strdup (object_get_string (json_node_get_object (json_parser_get_root (parser)),
                                                  "collectionId"));
  exp = json_object_get_member (json_node_get_object (json_parser_get_root (parser)), "exp");
  if (exp == NULL || !JSON_NODE_HOLDS_VALUE (exp) ||
      (json_node_get_value_type (exp) != G_TYPE_INT64 &&
       json_node_get_value_type (exp) != G_TYPE_DOUBLE))
    return 0;
  return (gint64) (json_node_get_double (exp) * G_USEC_PER_SEC);
}

static gint64
server_now (JustSyncPocketbaseStore *self)
{
  return g_get_real_time () + self->clock_skew;
}

/* The server's time when it answered: its Date header, else our best guess. */
static gint64
response_time (JustSyncPocketbaseStore *self,
               JustSyncHttpResponse    *response)
{
  return response != NULL && response->date != 0 ? response->date : server_now (self);
}

/* A PocketBase error body `{"message", "data": {"field": {"message"}}}` as text. */
static char *
dup_error_message (JsonNode *body,
                   guint     status)
{
  const char *message = _just_sync_http_body_get_message (body);
  GString *text = g_string_new (message != NULL ? message : _just_sync_http_status_get_phrase (status));
  JsonNode *data;
  JsonObjectIter iter;
  const char *name;
  JsonNode *value;
  gboolean first = TRUE;

  if (body == NULL || !JSON_NODE_HOLDS_OBJECT (body) ||
      (data = json_object_get_member (json_node_get_object (body), "data")) == NULL ||
      !JSON_NODE_HOLDS_OBJECT (data))
    return g_string_free (text, FALSE);

  json_object_iter_init (&iter, json_node_get_object (data));
  while (json_object_iter_next (&iter, &name, &value))
    {
      const char *detail = _just_sync_http_body_get_message (value);

      if (detail == NULL || strcmp (name, "requests") == 0)
        continue;
      g_string_append_printf (text, first ? " (%s: %s" : "; %s: %s", name, detail);
      first = FALSE;
    }
  if (!first)
    g_string_append_c (text, ')');
  return g_string_free (text, FALSE);
}

static void
set_response_error (GError               **error,
                    JustSyncHttpResponse  *response)
{
  g_autofree char *message = dup_error_message (response->body, response->status);

  _just_sync_http_set_status_error (error, response->status, message);
}

/* --- records ------------------------------------------------------------ */

typedef enum
{
  FIELD_MATCHES,
  FIELD_DIFFERS,
  FIELD_UNKNOWN,          /* not in the record */
} FieldMatch;

/* Whether the field @key of a server record holds the scope's value. */
static FieldMatch
scope_field_matches (JsonObject    *record,
                     JustSyncScope *scope,
                     const char    *key)
{
  JsonNode *node = json_object_get_member (record, key);
  const char *expected = just_sync_scope_get_key (scope, key);
  g_autofree char *text = NULL;

  if (node == NULL)
    return FIELD_UNKNOWN;
  if (json_node_get_value_type (node) == G_TYPE_STRING)
    return strcmp (json_node_get_string (node), expected) == 0 ? FIELD_MATCHES : FIELD_DIFFERS;
  /* A number or bool field: compare its JSON text. */
  text = json_to_string (node, FALSE);
  return strcmp (text, expected) == 0 ? FIELD_MATCHES : FIELD_DIFFERS;
}

static const char * const system_fields[] = {
  "id", "collectionId", "collectionName", "created", "updated", "expand",
};

static gboolean
is_system_field (const char *name)
{
  for (guint i = 0; i < G_N_ELEMENTS (system_fields); i++)
    if (strcmp (name, system_fields[i]) == 0)
      return TRUE;
  return FALSE;
}

/* Notes whether the collection of @target has its soft-delete field. */
static void
note_soft_field (JustSyncPocketbaseStore *self,
                 const Target            *target,
                 gboolean                 present)
{
  if (present)
    g_hash_table_remove (self->lacking_soft_field, target->collection);
  else if (!g_hash_table_contains (self->lacking_soft_field, target->collection))
    {
      g_debug ("PocketBase collection “%s” has no field “%s”: its deletes are hard",
               target->collection, target->soft_delete_field);
      g_hash_table_add (self->lacking_soft_field, g_strdup (target->collection));
    }
}

/*
 * A PocketBase record as a #JustSyncRecord: `updated` is its updated_at, a
 * set soft-delete field makes it a tombstone, and the payload is the rest
 * without system fields and scope keys. The payload shares the parsed
 * nodes: nothing is copied.
 */
static JustSyncRecord *
record_from_item (JustSyncPocketbaseStore  *self,
                  const Target             *target,
                  JustSyncScope            *scope,
                  JsonNode                 *node,
                  GError                  **error)
{
  JsonObject *item = body_get_object (node);
  g_autoptr(JsonObject) payload = NULL;
  const char *id, *updated, *deleted = NULL;
  gint64 updated_at, deleted_at = 0;
  g_autoptr(GError) local_error = NULL;
  JsonObjectIter iter;
  const char *name;
  JsonNode *value;

  if (item == NULL || (id = object_get_string (item, "id")) == NULL || id[0] == '\0')
    {
      g_set_error (error, JUST_SYNC_ERROR, JUST_SYNC_ERROR_SERVER,
                   _("PocketBase sent a record without an id in collection “%s”"),
                   target->collection);
      return NULL;
    }

  if ((updated = object_get_string (item, "updated")) == NULL || updated[0] == '\0')
    {
      g_set_error (error, JUST_SYNC_ERROR, JUST_SYNC_ERROR_SERVER,
                   _("The PocketBase collection “%s” has no “updated” autodate field, "
                     "which syncing needs"), target->collection);
      return NULL;
    }
  if (!just_sync_timestamp_parse (updated, &updated_at, &local_error))
    {
      g_set_error (error, JUST_SYNC_ERROR, JUST_SYNC_ERROR_SERVER,
                   _("PocketBase sent a record “%s” with a bad “updated” time: %s"),
                   id, local_error->message);
      return NULL;
    }

  if (target->soft_delete_field != NULL)
    {
      JsonNode *field = json_object_get_member (item, target->soft_delete_field);

      note_soft_field (self, target, field != NULL);
      if (field != NULL && json_node_get_value_type (field) == G_TYPE_STRING)
        deleted = json_node_get_string (field);
    }
  if (deleted != NULL && deleted[0] != '\0' &&
      !just_sync_timestamp_parse (deleted, &deleted_at, &local_error))
    {
      g_set_error (error, JUST_SYNC_ERROR, JUST_SYNC_ERROR_SERVER,
                   _("PocketBase sent a record “%s” with a bad “%s” time: %s"),
                   id, target->soft_delete_field, local_error->message);
      return NULL;
    }

  /* In the server's member order, so payload texts are stable. */
  payload = json_object_new ();
  json_object_iter_init_ordered (&iter, item);
  while (json_object_iter_next_ordered (&iter, &name, &value))
    {
      if (is_system_field (name) ||
          g_strcmp0 (name, target->soft_delete_field) == 0 ||
          just_sync_scope_get_key (scope, name) != NULL)
        continue;
      json_object_set_member (payload, name, json_node_ref (value));
    }
  json_object_seal (payload);

  return just_sync_record_new (id, payload, updated_at, deleted_at, error);
}

/* --- authentication ----------------------------------------------------- */

static gboolean
has_credentials (JustSyncPocketbaseStore *self)
{
  return self->identity != NULL && self->password != NULL;
}

/* Whether requests go out as a superuser, whom no collection rule restricts. */
static gboolean
acts_as_superuser (JustSyncPocketbaseStore *self)
{
  if (has_credentials (self))
    return strcmp (self->auth_collection, SUPERUSERS_COLLECTION) == 0;
  return g_strcmp0 (self->token_collection_id, SUPERUSERS_COLLECTION_ID) == 0;
}

static void
set_token (JustSyncPocketbaseStore *self,
           const char              *token)
{
  if (g_strcmp0 (self->token, token) == 0)
    return;

  g_free (self->token);
  self->token = token != NULL && token[0] != '\0' ? g_strdup (token) : NULL;
  g_clear_pointer (&self->token_collection_id, g_free);
  self->token_expires = self->token != NULL ? token_get_claims (self->token, &self->token_collection_id) : 0;
  self->token_margin = 0;
  if (self->token_expires != 0)
    self->token_margin = CLAMP ((self->token_expires - server_now (self)) / 5, 0, MAX_TOKEN_MARGIN);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TOKEN]);
}

static void
set_user_id (JustSyncPocketbaseStore *self,
             const char              *user_id)
{
  if (g_strcmp0 (self->user_id, user_id) == 0)
    return;
  g_free (self->user_id);
  self->user_id = g_strdup (user_id);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_USER_ID]);
}

/* TRUE when the token is past its expiry, or within @margin of it. */
static gboolean
token_expired (JustSyncPocketbaseStore *self,
               gint64                   margin)
{
  return self->token_expires != 0 && server_now (self) + margin >= self->token_expires;
}

/* Learns the server's clock from a reply, when it is off by more than noise. */
static void
note_response (JustSyncPocketbaseStore *self,
               JustSyncHttpResponse    *response)
{
  gint64 skew;

  if (response->date == 0)
    return;
  /* Date is truncated to its second: its middle is the best guess. */
  skew = response->date + G_USEC_PER_SEC / 2 - g_get_real_time ();
  self->clock_skew = ABS (skew) > CLOCK_SKEW_NOISE ? skew : 0;
}

static void
finish_login (JustSyncPocketbaseStore *self,
              const GError            *error)
{
  g_autoptr(GPtrArray) waiters = g_steal_pointer (&self->login_waiters);

  for (guint i = 0; i < waiters->len; i++)
    {
      GTask *task = g_ptr_array_index (waiters, i);

      if (error != NULL)
        g_task_return_error (task, g_error_copy (error));
      else
        g_task_return_boolean (task, TRUE);
    }
}

static void login_start (JustSyncPocketbaseStore *self);

typedef struct
{
  JustSyncPocketbaseStore *self;
  guint generation;
} LoginData;

static void
login_cb (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autofree LoginData *login = user_data;
  g_autoptr(JustSyncPocketbaseStore) self = login->self;
  g_autoptr(JustSyncHttpResponse) response = NULL;
  g_autoptr(GError) error = NULL;
  guint generation = login->generation;
  JsonObject *body;
  const char *token;

  response = _just_sync_http_client_send_finish (JUST_SYNC_HTTP_CLIENT (object), result, &error);

  /* The credentials changed meanwhile: log in with the new ones. */
  if (generation != self->auth_generation)
    {
      if (has_credentials (self))
        login_start (self);
      else
        finish_login (self, NULL);
      return;
    }

  if (response == NULL)
    {
      finish_login (self, error);
      return;
    }

  note_response (self, response);
  body = body_get_object (response->body);
  if (_just_sync_http_response_is_success (response) &&
      (token = object_get_string (body, "token")) != NULL && token[0] != '\0')
    {
      JsonObject *record = object_get_object (body, "record");

      set_token (self, token);
      set_user_id (self, object_get_string (record, "id"));
      finish_login (self, NULL);
      return;
    }

  if (_just_sync_http_response_is_success (response))
    g_set_error (&error, JUST_SYNC_ERROR, JUST_SYNC_ERROR_SERVER,
                 _("PocketBase answered a login without a token"));
  else if (response->status >= 400 && response->status < 500 &&
           response->status != 408 && response->status != 429)
    {
      /* PocketBase says 400 "Failed to authenticate." for a wrong password. */
      g_autofree char *message = dup_error_message (response->body, response->status);

      g_set_error (&error, JUST_SYNC_ERROR, JUST_SYNC_ERROR_AUTH,
                   _("Could not log in to PocketBase as “%s” in “%s”: %s (HTTP %u)"),
                   self->identity, self->auth_collection, message, response->status);
    }
  else
    set_response_error (&error, response);
  finish_login (self, error);
}

static void
login_start (JustSyncPocketbaseStore *self)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) body = NULL;
  g_autoptr(SoupMessage) message = NULL;
  g_autofree char *collection = g_uri_escape_string (self->auth_collection, NULL, FALSE);
  g_autofree char *path = g_strdup_printf ("/api/collections/%s/auth-with-password", collection);
  LoginData *login;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "identity");
  json_builder_add_string_value (builder, self->identity);
  json_builder_set_member_name (builder, "password");
  json_builder_add_string_value (builder, self->password);
  json_builder_end_object (builder);
  body = json_builder_get_root (builder);

  message = _just_sync_http_client_new_message (self->client, "POST", path, NULL, body);
  /* The generation tells whether the credentials changed meanwhile. */
  login = g_new0 (LoginData, 1);
  login->self = g_object_ref (self);
  login->generation = self->auth_generation;
  _just_sync_http_client_send_async (self->client, message, NULL, login_cb, login);
}

/*
 * ensure_auth_async:
 * @stale_token: (nullable): a token the server just refused
 *
 * Makes sure requests go out with a usable token: logs in (once, for all
 * callers waiting) when there are credentials and the token is missing,
 * about to expire or @stale_token; fails when a fixed token has expired.
 */
static void
ensure_auth_async (JustSyncPocketbaseStore *self,
                   const char              *stale_token,
                   GCancellable            *cancellable,
                   GAsyncReadyCallback      callback,
                   gpointer                 user_data)
{
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);

  g_task_set_source_tag (task, ensure_auth_async);

  if (has_credentials (self))
    {
      /* A token whose expiry cannot be read is no PocketBase token we can
       * trust to stay valid: PocketBase would silently take it for a guest. */
      if (self->token != NULL && self->token_expires != 0 &&
          !token_expired (self, self->token_margin) &&
          g_strcmp0 (stale_token, self->token) != 0)
        {
          g_task_return_boolean (task, TRUE);
          return;
        }

      if (self->login_waiters == NULL)
        {
          self->login_waiters = g_ptr_array_new_with_free_func (g_object_unref);
          g_ptr_array_add (self->login_waiters, g_steal_pointer (&task));
          login_start (self);
        }
      else
        g_ptr_array_add (self->login_waiters, g_steal_pointer (&task));
      return;
    }

  if (self->token != NULL && token_expired (self, 0))
    {
      g_autoptr(GDateTime) expiry = just_sync_timestamp_to_date_time (self->token_expires);
      g_autofree char *when = g_date_time_format_iso8601 (expiry);

      g_task_return_new_error (task, JUST_SYNC_ERROR, JUST_SYNC_ERROR_AUTH,
                               _("The PocketBase token expired at %s: set a new token, "
                                 "or credentials to log in with"), when);
      return;
    }

  g_task_return_boolean (task, TRUE);
}

static gboolean
ensure_auth_finish (JustSyncPocketbaseStore  *self,
                    GAsyncResult             *result,
                    GError                  **error)
{
  return g_task_propagate_boolean (G_TASK (result), error);
}

/* --- requests ----------------------------------------------------------- */

typedef struct
{
  char *method;
  char *path;
  char *query;
  JsonNode *body;
  PbRequestFlags flags;
  char *sent_token;
  gboolean renewed;
} PbRequest;

static void
pb_request_free (PbRequest *request)
{
  g_free (request->method);
  g_free (request->path);
  g_free (request->query);
  g_clear_pointer (&request->body, json_node_unref);
  g_free (request->sent_token);
  g_free (request);
}

static void request_auth_cb (GObject *object, GAsyncResult *result, gpointer user_data);

static void
request_sent_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  JustSyncPocketbaseStore *self = g_task_get_source_object (task);
  PbRequest *request = g_task_get_task_data (task);
  g_autoptr(JustSyncHttpResponse) response = NULL;
  GError *error = NULL;

  response = _just_sync_http_client_send_finish (JUST_SYNC_HTTP_CLIENT (object), result, &error);
  if (response == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  note_response (self, response);

  /* A refused token: log in again, once. */
  if ((response->status == SOUP_STATUS_UNAUTHORIZED ||
       (response->status == SOUP_STATUS_FORBIDDEN &&
        !(request->flags & PB_REQUEST_FORBIDDEN_IS_ANSWER))) &&
      !(request->flags & PB_REQUEST_NO_AUTH) && !request->renewed && has_credentials (self))
    {
      GCancellable *cancellable = g_task_get_cancellable (task);

      request->renewed = TRUE;
      ensure_auth_async (self, request->sent_token != NULL ? request->sent_token : "",
                         cancellable, request_auth_cb, g_steal_pointer (&task));
      return;
    }

  g_task_return_pointer (task, g_steal_pointer (&response),
                         (GDestroyNotify) _just_sync_http_response_free);
}

static void
request_send (GTask *task)
{
  JustSyncPocketbaseStore *self = g_task_get_source_object (task);
  PbRequest *request = g_task_get_task_data (task);
  g_autoptr(SoupMessage) message = NULL;

  message = _just_sync_http_client_new_message (self->client, request->method, request->path,
                                                request->query, request->body);
  g_clear_pointer (&request->sent_token, g_free);
  if (!(request->flags & PB_REQUEST_NO_AUTH) && self->token != NULL)
    {
      request->sent_token = g_strdup (self->token);
      soup_message_headers_replace (soup_message_get_request_headers (message),
                                    "Authorization", self->token);
    }
  _just_sync_http_client_send_async (self->client, message, g_task_get_cancellable (task),
                                     request_sent_cb, task);
}

static void
request_auth_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;

  if (!ensure_auth_finish (JUST_SYNC_POCKETBASE_STORE (object), result, &error))
    {
      g_task_return_error (task, error);
      return;
    }
  request_send (g_steal_pointer (&task));
}

/*
 * pb_request_async:
 * @body: (nullable) (transfer none): a JSON body
 *
 * Sends a request with the token (logging in first when needed, and once
 * more when the token is refused). Completes with the reply of any status.
 */
static void
pb_request_async (JustSyncPocketbaseStore *self,
                  const char              *method,
                  const char              *path,
                  const char              *query,
                  JsonNode                *body,
                  PbRequestFlags           flags,
                  GCancellable            *cancellable,
                  GAsyncReadyCallback      callback,
                  gpointer                 user_data)
{
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);
  PbRequest *request;

  g_task_set_source_tag (task, pb_request_async);

  if (self->client == NULL)
    {
      g_task_return_error (task, g_error_copy (self->client_error));
      return;
    }

  request = g_new0 (PbRequest, 1);
  request->method = g_strdup (method);
  request->path = g_strdup (path);
  request->query = g_strdup (query);
  request->body = body != NULL ? json_node_ref (body) : NULL;
  request->flags = flags;
  g_task_set_task_data (task, request, (GDestroyNotify) pb_request_free);

  if (flags & PB_REQUEST_NO_AUTH)
    request_send (g_steal_pointer (&task));
  else
    ensure_auth_async (self, NULL, cancellable, request_auth_cb, g_steal_pointer (&task));
}

static JustSyncHttpResponse *
pb_request_finish (JustSyncPocketbaseStore  *self,
                   GAsyncResult             *result,
                   GError                  **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* --- fetch_since -------------------------------------------------------- */

/* The records of a list reply, or NULL with the error the reply means. */
static JsonArray *
response_get_items (JustSyncHttpResponse  *response,
                    const Target          *target,
                    GError               **error)
{
  JsonObject *body = body_get_object (response->body);
  JsonNode *items = body != NULL ? json_object_get_member (body, "items") : NULL;

  if (!_just_sync_http_response_is_success (response))
    {
      set_response_error (error, response);
      return NULL;
    }
  if (items == NULL || !JSON_NODE_HOLDS_ARRAY (items))
    {
      g_set_error (error, JUST_SYNC_ERROR, JUST_SYNC_ERROR_SERVER,
                   _("PocketBase sent a list of “%s” without items"), target->collection);
      return NULL;
    }
  return json_node_get_array (items);
}

typedef struct
{
  JustSyncScope *scope;
  Target target;
  guint per_page;
} FetchData;

static void
fetch_data_free (FetchData *data)
{
  just_sync_scope_unref (data->scope);
  target_clear (&data->target);
  g_free (data);
}

static void
fetch_cb (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  JustSyncPocketbaseStore *self = JUST_SYNC_POCKETBASE_STORE (object);
  g_autoptr(GTask) task = user_data;
  FetchData *data = g_task_get_task_data (task);
  g_autoptr(JustSyncHttpResponse) response = NULL;
  g_autoptr(JustSyncDelta) delta = NULL;
  g_autoptr(GPtrArray) records = NULL;
  GError *error = NULL;
  JsonObject *body;
  JsonArray *array;
  gint64 server_time, per_page;
  guint n;

  if ((response = pb_request_finish (self, result, &error)) == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  if ((array = response_get_items (response, &data->target, &error)) == NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  body = body_get_object (response->body);
  n = json_array_get_length (array);
  records = g_ptr_array_new_full (n, (GDestroyNotify) just_sync_record_unref);
  server_time = response->date;
  for (guint i = 0; i < n; i++)
    {
      JustSyncRecord *record = record_from_item (self, &data->target, data->scope,
                                                 json_array_get_element (array, i), &error);

      /* Skipping a row would move the sync point past it: fail the page. */
      if (record == NULL)
        {
          g_task_return_error (task, error);
          return;
        }
      server_time = MAX (server_time, just_sync_record_get_updated_at (record));
      g_ptr_array_add (records, record);
    }

  delta = just_sync_delta_new (server_time);
  for (guint i = 0; i < records->len; i++)
    just_sync_delta_add (delta, g_ptr_array_index (records, i));

  /* The server may clamp perPage (to 1,000); its reply says what it used. */
  per_page = object_get_int (body, "perPage");
  if (per_page <= 0)
    per_page = data->per_page;
  just_sync_delta_set_has_more (delta, n > 0 && n >= per_page);

  g_task_return_pointer (task, g_steal_pointer (&delta), (GDestroyNotify) just_sync_delta_unref);
}

static void
just_sync_pocketbase_store_fetch_since_async (JustSyncRemoteStore *store,
                                              JustSyncScope       *scope,
                                              JustSyncSyncPoint   *since,
                                              guint                limit,
                                              GCancellable        *cancellable,
                                              GAsyncReadyCallback  callback,
                                              gpointer             user_data)
{
  JustSyncPocketbaseStore *self = JUST_SYNC_POCKETBASE_STORE (store);
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);
  g_autoptr(GString) filter = g_string_new (NULL);
  g_autoptr(GString) query = g_string_new (NULL);
  g_autofree char *path = NULL;
  g_autofree char *per_page = NULL;
  GError *error = NULL;
  FetchData *data;

  g_task_set_source_tag (task, just_sync_pocketbase_store_fetch_since_async);

  if (!check_scope (scope, &error))
    {
      g_task_return_error (task, error);
      return;
    }

  data = g_new0 (FetchData, 1);
  data->scope = just_sync_scope_ref (scope);
  resolve_target (self, scope, &data->target);
  data->per_page = MIN (limit, self->page_size);
  g_task_set_task_data (task, data, (GDestroyNotify) fetch_data_free);

  append_scope_filter (filter, scope);
  if (since != NULL)
    {
      g_autofree char *time = just_sync_timestamp_format (just_sync_sync_point_get_updated_at (since),
                                                          JUST_SYNC_TIMESTAMP_POCKETBASE);
      const char *last_id = just_sync_sync_point_get_last_id (since);

      /* PocketBase stores datetimes as fixed-width text: comparing the
       * millisecond form is exact, and truncating a finer cursor only
       * re-reads rows of its millisecond. */
      if (filter->len > 0)
        g_string_append (filter, " && ");
      g_string_append (filter, "(updated > ");
      append_quoted (filter, time);
      g_string_append (filter, " || (updated = ");
      append_quoted (filter, time);
      g_string_append (filter, " && id > ");
      append_quoted (filter, last_id != NULL ? last_id : "");
      g_string_append (filter, "))");
    }

  if (filter->len > 0)
    _just_sync_http_query_add (query, "filter", filter->str);
  _just_sync_http_query_add (query, "sort", "updated,id");
  _just_sync_http_query_add (query, "skipTotal", "1");
  per_page = g_strdup_printf ("%u", data->per_page);
  _just_sync_http_query_add (query, "perPage", per_page);

  path = records_path (data->target.collection, NULL);
  pb_request_async (self, "GET", path, query->str, NULL, PB_REQUEST_DEFAULT,
                    cancellable, fetch_cb, g_steal_pointer (&task));
}

static JustSyncDelta *
just_sync_pocketbase_store_fetch_since_finish (JustSyncRemoteStore  *store,
                                               GAsyncResult         *result,
                                               GError              **error)
{
  g_return_val_if_fail (g_task_is_valid (result, store), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/* --- pushes ------------------------------------------------------------- */

typedef enum
{
  PUSH_UPSERT,
  PUSH_DELETE,
} PushKind;

/* How one operation is sent. */
typedef enum
{
  SEND_UNDECIDED,
  SEND_UPSERT,            /* batch: PUT with the id in the body */
  SEND_CREATE,            /* POST with the id in the body */
  SEND_UPDATE,            /* PATCH .../{id} */
  SEND_SOFT_DELETE,       /* PATCH .../{id} {field: time} */
  SEND_HARD_DELETE,       /* DELETE .../{id} */
} SendMode;

typedef struct
{
  JustSyncScope *scope;
  Target target;
  PushKind kind;
  GPtrArray *todo;        /* JustSyncPendingOp not settled yet, in order */
  GPtrArray *chunk;       /* the operations of the request in flight */
  GPtrArray *results;
  SendMode single_mode;   /* per-record sending: how todo[0] goes out */
  gboolean single_switched;
  gboolean one_per_batch; /* a batch failed without saying which request */
  guint checked;          /* todo[0..checked) were checked for other scopes */
  guint checking;         /* how many the check in flight covers */
} PushData;

static void
push_data_free (PushData *data)
{
  just_sync_scope_unref (data->scope);
  target_clear (&data->target);
  g_ptr_array_unref (data->todo);
  g_clear_pointer (&data->chunk, g_ptr_array_unref);
  g_ptr_array_unref (data->results);
  g_free (data);
}

static void
add_result (PushData           *data,
            JustSyncPendingOp  *op,
            JustSyncPushStatus  status,
            const char         *message,
            gint64              retry_after)
{
  g_ptr_array_add (data->results,
                   just_sync_push_result_new_failed (just_sync_pending_op_get_seq (op),
                                                     just_sync_pending_op_get_record_id (op),
                                                     status, message, retry_after));
}

static void
add_written (PushData          *data,
             JustSyncPendingOp *op,
             JustSyncRecord    *reply)
{
  g_ptr_array_add (data->results,
                   just_sync_push_result_new_written (just_sync_pending_op_get_seq (op), reply));
}

static void
add_tombstone (PushData          *data,
               JustSyncPendingOp *op,
               gint64             when)
{
  g_autoptr(JustSyncRecord) tombstone =
    just_sync_record_new_tombstone (just_sync_pending_op_get_record_id (op), MAX (when, 1), NULL);

  add_written (data, op, tombstone);
}

/* The body of an upsert: the payload, the id, the scope keys, and a live row. */
static JsonNode *
build_upsert_body (JustSyncPocketbaseStore  *self,
                   PushData                 *data,
                   JustSyncPendingOp        *op,
                   GError                  **error)
{
  JustSyncRecord *record = just_sync_pending_op_get_record (op);
  g_autoptr(JsonObject) body = json_object_new ();
  g_auto(GStrv) keys = just_sync_scope_dup_keys (data->scope);
  const char *soft_field = effective_soft_field (self, &data->target);
  JsonNode *result;
  JsonObjectIter iter;
  const char *name;
  JsonNode *value;

  json_object_iter_init_ordered (&iter, just_sync_record_get_payload (record));
  while (json_object_iter_next_ordered (&iter, &name, &value))
    {
      const char *key_value = just_sync_scope_get_key (data->scope, name);

      if (key_value != NULL &&
          (json_node_get_value_type (value) != G_TYPE_STRING ||
           strcmp (json_node_get_string (value), key_value) != 0))
        {
          g_set_error (error, JUST_SYNC_ERROR, JUST_SYNC_ERROR_REJECTED,
                       _("The field “%s” is a key of the scope and must be “%s”"),
                       name, key_value);
          return NULL;
        }
      if (is_system_field (name) || g_strcmp0 (name, soft_field) == 0)
        continue;
      json_object_set_member (body, name, json_node_copy (value));
    }

  json_object_set_string_member (body, "id", just_sync_record_get_id (record));
  for (guint i = 0; keys[i] != NULL; i++)
    json_object_set_string_member (body, keys[i], just_sync_scope_get_key (data->scope, keys[i]));
  /* An upsert makes the row live again, should another client have deleted it. */
  if (soft_field != NULL)
    json_object_set_null_member (body, soft_field);

  result = json_node_new (JSON_NODE_OBJECT);
  json_node_take_object (result, g_steal_pointer (&body));
  return result;
}

static SendMode
delete_mode (JustSyncPocketbaseStore *self,
             PushData                *data)
{
  return effective_soft_field (self, &data->target) != NULL ? SEND_SOFT_DELETE : SEND_HARD_DELETE;
}

/* The method, path and body that send @op in @mode. */
static gboolean
build_request (JustSyncPocketbaseStore  *self,
               PushData                 *data,
               JustSyncPendingOp        *op,
               SendMode                  mode,
               const char              **out_method,
               char                    **out_path,
               JsonNode                **out_body,
               GError                  **error)
{
  const char *id = just_sync_pending_op_get_record_id (op);

  *out_body = NULL;
  switch (mode)
    {
    case SEND_UPSERT:
    case SEND_CREATE:
    case SEND_UPDATE:
      if ((*out_body = build_upsert_body (self, data, op, error)) == NULL)
        return FALSE;
      *out_method = mode == SEND_UPSERT ? "PUT" : mode == SEND_CREATE ? "POST" : "PATCH";
      *out_path = records_path (data->target.collection, mode == SEND_UPDATE ? id : NULL);
      return TRUE;

    case SEND_SOFT_DELETE:
      {
        JustSyncRecord *record = just_sync_pending_op_get_record (op);
        gint64 when = just_sync_record_get_deleted_at (record);
        g_autofree char *stamp = just_sync_timestamp_format (when != 0 ? when : server_now (self),
                                                             JUST_SYNC_TIMESTAMP_POCKETBASE);
        g_autoptr(JsonObject) body = json_object_new ();

        json_object_set_string_member (body, effective_soft_field (self, &data->target), stamp);
        *out_body = json_node_new (JSON_NODE_OBJECT);
        json_node_take_object (*out_body, g_steal_pointer (&body));
        *out_method = "PATCH";
        *out_path = records_path (data->target.collection, id);
        return TRUE;
      }

    case SEND_HARD_DELETE:
    case SEND_UNDECIDED:
    default:
      *out_method = "DELETE";
      *out_path = records_path (data->target.collection, id);
      return TRUE;
    }
}

/*
 * Records what the server did with @op: @status and @body are the reply to
 * its request. Returns FALSE when @op goes back to the queue (a soft delete
 * in a collection without the field is sent again as a hard delete).
 */
static gboolean
settle (JustSyncPocketbaseStore *self,
        PushData                *data,
        JustSyncPendingOp       *op,
        SendMode                 mode,
        guint                    status,
        JsonNode                *body,
        gint64                   server_time,
        gint64                   retry_after)
{
  g_autoptr(JustSyncRecord) reply = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *message = NULL;

  if (SOUP_STATUS_IS_SUCCESSFUL (status))
    {
      if (mode == SEND_HARD_DELETE)
        {
          add_tombstone (data, op, server_time);
          return TRUE;
        }

      if (mode == SEND_SOFT_DELETE &&
          (body_get_object (body) == NULL ||
           !json_object_has_member (body_get_object (body), data->target.soft_delete_field)))
        {
          /* PocketBase ignored a field the collection does not have. */
          note_soft_field (self, &data->target, FALSE);
          return FALSE;
        }

      if ((reply = record_from_item (self, &data->target, data->scope, body, &error)) == NULL)
        add_result (data, op, JUST_SYNC_PUSH_RETRY, error->message, 0);
      else if (mode == SEND_SOFT_DELETE && !just_sync_record_is_deleted (reply))
        add_result (data, op, JUST_SYNC_PUSH_REJECTED,
                    _("PocketBase did not keep the deletion time"), 0);
      else
        add_written (data, op, reply);
      return TRUE;
    }

  /* Deleting what the server does not have (or hides from us) is done. */
  if (data->kind == PUSH_DELETE && status == SOUP_STATUS_NOT_FOUND)
    {
      add_tombstone (data, op, server_time);
      return TRUE;
    }

  message = dup_error_message (body, status);
  /* No status at all is a reply we do not understand: try again later. */
  if (status < 100 || status >= 500 || status == 429 || status == SOUP_STATUS_REQUEST_TIMEOUT)
    add_result (data, op, JUST_SYNC_PUSH_RETRY, message, retry_after);
  else
    add_result (data, op, JUST_SYNC_PUSH_REJECTED, message, 0);
  return TRUE;
}

/* Settles every operation left (the chunk in flight first) as a retry. */
static void
retry_rest (PushData   *data,
            const char *message,
            gint64      retry_after)
{
  for (guint i = 0; i < data->todo->len; i++)
    add_result (data, g_ptr_array_index (data->todo, i), JUST_SYNC_PUSH_RETRY, message, retry_after);
  g_ptr_array_set_size (data->todo, 0);
}

/* No reply at all: fail the call when nothing was settled, else retry the rest. */
static void
push_fail (GTask  *task,
           GError *error)
{
  PushData *data = g_task_get_task_data (task);

  if (data->results->len == 0 || g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_task_return_error (task, error);
      return;
    }
  retry_rest (data, error->message, 0);
  g_error_free (error);
  g_task_return_pointer (task, g_ptr_array_ref (data->results), (GDestroyNotify) g_ptr_array_unref);
}

static void push_next (GTask *task);

/* --- pushes, one record per request (batch API disabled) --- */

static void
single_sent_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  JustSyncPocketbaseStore *self = JUST_SYNC_POCKETBASE_STORE (object);
  g_autoptr(GTask) task = user_data;
  PushData *data = g_task_get_task_data (task);
  g_autoptr(JustSyncHttpResponse) response = NULL;
  JustSyncPendingOp *op = g_ptr_array_index (data->todo, 0);
  GError *error = NULL;
  JsonObject *id_error;

  if ((response = pb_request_finish (self, result, &error)) == NULL)
    {
      push_fail (task, error);
      return;
    }

  if (response->status >= 500 || response->status == 429)
    {
      g_autofree char *message = dup_error_message (response->body, response->status);

      retry_rest (data, message, response->retry_after);
      push_next (g_steal_pointer (&task));
      return;
    }

  /* A refused token (the request already logged in again once). A 403 is
   * about this record (a field only superusers may set): it is settled. */
  if (response->status == SOUP_STATUS_UNAUTHORIZED)
    {
      set_response_error (&error, response);
      push_fail (task, error);
      return;
    }

  /* An update of a row the server does not have is a create, and a create
   * of a row it has is an update (another client was first). */
  id_error = object_get_object (object_get_object (body_get_object (response->body), "data"), "id");
  if (!data->single_switched &&
      ((data->single_mode == SEND_UPDATE && response->status == SOUP_STATUS_NOT_FOUND) ||
       (data->single_mode == SEND_CREATE && response->status == SOUP_STATUS_BAD_REQUEST &&
        g_strcmp0 (object_get_string (id_error, "code"), "validation_not_unique") == 0)))
    {
      data->single_switched = TRUE;
      data->single_mode = data->single_mode == SEND_UPDATE ? SEND_CREATE : SEND_UPDATE;
      push_next (g_steal_pointer (&task));
      return;
    }

  if (settle (self, data, op, data->single_mode, response->status, response->body,
              response_time (self, response), response->retry_after))
    g_ptr_array_remove_index (data->todo, 0);
  data->single_switched = FALSE;
  data->single_mode = SEND_UNDECIDED;
  push_next (g_steal_pointer (&task));
}

static void
push_single (GTask *task)
{
  JustSyncPocketbaseStore *self = g_task_get_source_object (task);
  PushData *data = g_task_get_task_data (task);
  JustSyncPendingOp *op = g_ptr_array_index (data->todo, 0);
  g_autoptr(JsonNode) body = NULL;
  g_autofree char *path = NULL;
  g_autoptr(GError) error = NULL;
  GCancellable *cancellable;
  const char *method;

  if (data->single_mode == SEND_UNDECIDED)
    {
      if (data->kind == PUSH_DELETE)
        data->single_mode = delete_mode (self, data);
      else
        /* A row the server had is most likely still there. */
        data->single_mode = just_sync_pending_op_get_base_version (op) != NULL ? SEND_UPDATE : SEND_CREATE;
    }

  if (!build_request (self, data, op, data->single_mode, &method, &path, &body, &error))
    {
      add_result (data, op, JUST_SYNC_PUSH_REJECTED, error->message, 0);
      g_ptr_array_remove_index (data->todo, 0);
      push_next (g_steal_pointer (&task));
      return;
    }

  cancellable = g_task_get_cancellable (task);
  pb_request_async (self, method, path, NULL, body, PB_REQUEST_DEFAULT,
                    cancellable, single_sent_cb, g_steal_pointer (&task));
}

/* --- pushes through /api/batch --- */

/* Which requests of a refused batch failed: `data.requests["<index>"]`. */
static gboolean
settle_batch_failures (JustSyncPocketbaseStore *self,
                       PushData                *data,
                       GPtrArray               *modes,
                       JsonObject              *requests,
                       gint64                   server_time)
{
  g_autoptr(GPtrArray) settled = g_ptr_array_new ();
  JsonObjectIter iter;
  const char *name;
  JsonNode *value;

  json_object_iter_init (&iter, requests);
  while (json_object_iter_next (&iter, &name, &value))
    {
      JsonObject *entry = body_get_object (value);
      JsonObject *response = object_get_object (entry, "response");
      guint64 index;
      JustSyncPendingOp *op;

      if (response == NULL ||
          !g_ascii_string_to_unsigned (name, 10, 0, data->chunk->len - 1, &index, NULL))
        continue;

      op = g_ptr_array_index (data->chunk, index);
      if (settle (self, data, op, GPOINTER_TO_UINT (g_ptr_array_index (modes, index)),
                  (guint) object_get_int (response, "status"),
                  json_object_get_member (entry, "response"), server_time, 0))
        g_ptr_array_add (settled, op);
    }

  for (guint i = 0; i < settled->len; i++)
    g_ptr_array_remove (data->todo, g_ptr_array_index (settled, i));
  return settled->len > 0;
}

static void
batch_sent_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  JustSyncPocketbaseStore *self = JUST_SYNC_POCKETBASE_STORE (object);
  g_autoptr(GTask) task = user_data;
  PushData *data = g_task_get_task_data (task);
  GPtrArray *modes = g_object_get_data (G_OBJECT (task), "modes");
  g_autoptr(JustSyncHttpResponse) response = NULL;
  g_autofree char *message = NULL;
  GError *error = NULL;
  gint64 server_time;
  JsonObject *body;
  JsonObject *requests;

  if ((response = pb_request_finish (self, result, &error)) == NULL)
    {
      push_fail (task, error);
      return;
    }

  server_time = response_time (self, response);
  message = dup_error_message (response->body, response->status);
  body = body_get_object (response->body);

  if (_just_sync_http_response_is_success (response))
    {
      JsonArray *replies = response->body != NULL && JSON_NODE_HOLDS_ARRAY (response->body) ?
                           json_node_get_array (response->body) : NULL;
      guint n = data->chunk->len;

      if (replies == NULL || json_array_get_length (replies) != n)
        {
          retry_rest (data, _("PocketBase answered a batch with an unexpected reply"), 0);
          push_next (g_steal_pointer (&task));
          return;
        }

      for (guint i = 0; i < n; i++)
        {
          JsonObject *reply = body_get_object (json_array_get_element (replies, i));
          JustSyncPendingOp *op = g_ptr_array_index (data->chunk, i);

          if (settle (self, data, op, GPOINTER_TO_UINT (g_ptr_array_index (modes, i)),
                      (guint) object_get_int (reply, "status"),
                      reply != NULL ? json_object_get_member (reply, "body") : NULL,
                      server_time, 0))
            g_ptr_array_remove (data->todo, op);
        }
      push_next (g_steal_pointer (&task));
      return;
    }

  if (response->status >= 500 || response->status == 429)
    {
      retry_rest (data, message, response->retry_after);
      push_next (g_steal_pointer (&task));
      return;
    }

  /* 403 "Batch requests are not allowed." (PocketBase's default), or 404
   * from a server too old for /api/batch: send records one by one. */
  if (response->status == SOUP_STATUS_FORBIDDEN || response->status == SOUP_STATUS_NOT_FOUND)
    {
      g_debug ("PocketBase batch API unavailable (%s): sending records one by one", message);
      self->batch_unavailable = TRUE;
      push_next (g_steal_pointer (&task));
      return;
    }

  if (response->status == SOUP_STATUS_UNAUTHORIZED)
    {
      set_response_error (&error, response);
      push_fail (task, error);
      return;
    }

  /* The whole batch was rolled back; settle the failing request and send
   * the others again. */
  requests = object_get_object (object_get_object (body, "data"), "requests");
  if (requests != NULL &&
      g_strcmp0 (object_get_string (requests, "code"), "validation_length_too_long") == 0)
    {
      gint64 max = object_get_int (object_get_object (requests, "params"), "max");

      if (max > 0 && (guint) max < data->chunk->len)
        {
          g_debug ("PocketBase takes at most %" G_GINT64_FORMAT " requests per batch", max);
          self->server_batch_limit = (guint) max;
          push_next (g_steal_pointer (&task));
          return;
        }
    }

  if (requests != NULL && settle_batch_failures (self, data, modes, requests, server_time))
    {
      push_next (g_steal_pointer (&task));
      return;
    }

  /* A refusal that names no request: find the culprit one at a time. */
  if (data->chunk->len > 1)
    data->one_per_batch = TRUE;
  else
    {
      JustSyncPendingOp *op = g_ptr_array_index (data->chunk, 0);

      if (settle (self, data, op, GPOINTER_TO_UINT (g_ptr_array_index (modes, 0)),
                  response->status, response->body, server_time, response->retry_after))
        g_ptr_array_remove (data->todo, op);
    }
  push_next (g_steal_pointer (&task));
}

static void
push_batch (GTask *task)
{
  JustSyncPocketbaseStore *self = g_task_get_source_object (task);
  PushData *data = g_task_get_task_data (task);
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) body = NULL;
  g_autoptr(GPtrArray) modes = g_ptr_array_new ();
  GCancellable *cancellable;
  guint limit = self->batch_size;

  if (self->server_batch_limit > 0)
    limit = MIN (limit, self->server_batch_limit);
  if (data->one_per_batch)
    limit = 1;

  g_clear_pointer (&data->chunk, g_ptr_array_unref);
  data->chunk = g_ptr_array_new_with_free_func ((GDestroyNotify) just_sync_pending_op_unref);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "requests");
  json_builder_begin_array (builder);
  for (guint i = 0; i < data->todo->len && data->chunk->len < limit; )
    {
      JustSyncPendingOp *op = g_ptr_array_index (data->todo, i);
      SendMode mode = data->kind == PUSH_DELETE ? delete_mode (self, data) : SEND_UPSERT;
      g_autoptr(JsonNode) request_body = NULL;
      g_autoptr(GError) error = NULL;
      g_autofree char *path = NULL;
      const char *method;

      if (!build_request (self, data, op, mode, &method, &path, &request_body, &error))
        {
          add_result (data, op, JUST_SYNC_PUSH_REJECTED, error->message, 0);
          g_ptr_array_remove_index (data->todo, i);
          continue;
        }

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "method");
      json_builder_add_string_value (builder, method);
      json_builder_set_member_name (builder, "url");
      json_builder_add_string_value (builder, path);
      if (request_body != NULL)
        {
          json_builder_set_member_name (builder, "body");
          json_builder_add_value (builder, g_steal_pointer (&request_body));
        }
      json_builder_end_object (builder);

      g_ptr_array_add (data->chunk, just_sync_pending_op_ref (op));
      g_ptr_array_add (modes, GUINT_TO_POINTER (mode));
      i++;
    }
  json_builder_end_array (builder);
  json_builder_end_object (builder);

  if (data->chunk->len == 0)
    {
      push_next (g_steal_pointer (&task));
      return;
    }

  body = json_builder_get_root (builder);
  g_object_set_data_full (G_OBJECT (task), "modes", g_steal_pointer (&modes),
                          (GDestroyNotify) g_ptr_array_unref);
  cancellable = g_task_get_cancellable (task);
  pb_request_async (self, "POST", "/api/batch", NULL, body, PB_REQUEST_FORBIDDEN_IS_ANSWER,
                    cancellable, batch_sent_cb, g_steal_pointer (&task));
}

/* --- the scope check before a push --- */

/* Ids looked up in one check; well under PocketBase's 200 filter terms. */
#define CHECK_CHUNK_SIZE 50

static gboolean
item_in_scope (JsonObject    *item,
               JustSyncScope *scope)
{
  g_auto(GStrv) keys = just_sync_scope_dup_keys (scope);

  for (guint i = 0; keys[i] != NULL; i++)
    if (scope_field_matches (item, scope, keys[i]) != FIELD_MATCHES)
      return FALSE;
  return TRUE;
}

static void
check_cb (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  JustSyncPocketbaseStore *self = JUST_SYNC_POCKETBASE_STORE (object);
  g_autoptr(GTask) task = user_data;
  PushData *data = g_task_get_task_data (task);
  g_autoptr(JustSyncHttpResponse) response = NULL;
  g_autoptr(GPtrArray) foreign = g_ptr_array_new ();
  GError *error = NULL;
  JsonArray *array;

  if ((response = pb_request_finish (self, result, &error)) == NULL)
    {
      push_fail (task, error);
      return;
    }
  if (response->status >= 500 || response->status == 429)
    {
      g_autofree char *message = dup_error_message (response->body, response->status);

      retry_rest (data, message, response->retry_after);
      push_next (g_steal_pointer (&task));
      return;
    }
  if ((array = response_get_items (response, &data->target, &error)) == NULL)
    {
      push_fail (task, error);
      return;
    }

  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonObject *item = body_get_object (json_array_get_element (array, i));
      const char *id = object_get_string (item, "id");

      if (id == NULL || item_in_scope (item, data->scope))
        continue;
      for (guint j = data->checked; j < data->checked + data->checking; j++)
        {
          JustSyncPendingOp *op = g_ptr_array_index (data->todo, j);

          if (strcmp (just_sync_pending_op_get_record_id (op), id) == 0)
            g_ptr_array_add (foreign, op);
        }
    }

  /* Another scope's record is not ours to overwrite; deleting it from this
   * scope is done, since this scope does not have it. */
  for (guint i = 0; i < foreign->len; i++)
    {
      JustSyncPendingOp *op = g_ptr_array_index (foreign, i);

      if (data->kind == PUSH_DELETE)
        add_tombstone (data, op, response_time (self, response));
      else
        {
          g_autofree char *message =
            g_strdup_printf (_("The record “%s” belongs to another scope"),
                             just_sync_pending_op_get_record_id (op));

          add_result (data, op, JUST_SYNC_PUSH_REJECTED, message, 0);
        }
    }
  data->checked += data->checking - foreign->len;
  data->checking = 0;
  for (guint i = 0; i < foreign->len; i++)
    g_ptr_array_remove (data->todo, g_ptr_array_index (foreign, i));
  push_next (g_steal_pointer (&task));
}

/*
 * PocketBase writes by id are not conditional: a superuser, whom no
 * collection rule restricts, could overwrite or delete another scope's
 * record that has the same id. So a superuser's push first looks its ids
 * up, and those found in another scope are settled without being sent. (A
 * record created elsewhere between the check and the write slips through;
 * ids are random.) For other tokens the collection rules must tie records
 * to their scope, as `owner = @request.auth.id` does: the lookup would cost
 * them a scan, since SQLite then prefers the rule's index to the ids.
 */
static void
push_check (GTask *task)
{
  JustSyncPocketbaseStore *self = g_task_get_source_object (task);
  PushData *data = g_task_get_task_data (task);
  g_autoptr(GString) filter = g_string_new (NULL);
  g_autoptr(GString) fields = g_string_new ("id");
  g_autoptr(GString) query = g_string_new (NULL);
  g_auto(GStrv) keys = just_sync_scope_dup_keys (data->scope);
  g_autofree char *path = records_path (data->target.collection, NULL);
  g_autofree char *per_page = NULL;
  GCancellable *cancellable;

  data->checking = MIN (data->todo->len - data->checked, CHECK_CHUNK_SIZE);
  for (guint i = data->checked; i < data->checked + data->checking; i++)
    {
      if (filter->len > 0)
        g_string_append (filter, " || ");
      g_string_append (filter, "id = ");
      append_quoted (filter, just_sync_pending_op_get_record_id (g_ptr_array_index (data->todo, i)));
    }
  for (guint i = 0; keys[i] != NULL; i++)
    g_string_append_printf (fields, ",%s", keys[i]);

  _just_sync_http_query_add (query, "filter", filter->str);
  _just_sync_http_query_add (query, "fields", fields->str);
  _just_sync_http_query_add (query, "skipTotal", "1");
  per_page = g_strdup_printf ("%u", data->checking);
  _just_sync_http_query_add (query, "perPage", per_page);

  cancellable = g_task_get_cancellable (task);
  pb_request_async (self, "GET", path, query->str, NULL, PB_REQUEST_DEFAULT,
                    cancellable, check_cb, g_steal_pointer (&task));
}

static void
push_next (GTask *task)
{
  JustSyncPocketbaseStore *self = g_task_get_source_object (task);
  PushData *data = g_task_get_task_data (task);

  if (data->todo->len == 0)
    {
      g_task_return_pointer (task, g_ptr_array_ref (data->results), (GDestroyNotify) g_ptr_array_unref);
      g_object_unref (task);
      return;
    }

  /* A scope without keys spans the whole collection: nothing to check. */
  if (data->checked < data->todo->len && just_sync_scope_get_n_keys (data->scope) > 0 &&
      acts_as_superuser (self))
    push_check (task);
  else if (self->batch_unavailable)
    push_single (task);
  else
    push_batch (task);
}

static void
push_async (JustSyncPocketbaseStore *self,
            PushKind                 kind,
            JustSyncScope           *scope,
            GPtrArray               *ops,
            GCancellable            *cancellable,
            GAsyncReadyCallback      callback,
            gpointer                 user_data,
            gpointer                 source_tag)
{
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);
  GError *error = NULL;
  PushData *data;

  g_task_set_source_tag (task, source_tag);

  if (!check_scope (scope, &error))
    {
      g_task_return_error (task, error);
      return;
    }

  data = g_new0 (PushData, 1);
  data->scope = just_sync_scope_ref (scope);
  data->kind = kind;
  resolve_target (self, scope, &data->target);
  data->todo = g_ptr_array_copy (ops, (GCopyFunc) just_sync_pending_op_ref, NULL);
  g_ptr_array_set_free_func (data->todo, (GDestroyNotify) just_sync_pending_op_unref);
  data->results = g_ptr_array_new_with_free_func ((GDestroyNotify) just_sync_push_result_unref);
  data->single_mode = SEND_UNDECIDED;
  g_task_set_task_data (task, data, (GDestroyNotify) push_data_free);

  push_next (g_steal_pointer (&task));
}

static void
just_sync_pocketbase_store_batch_upsert_async (JustSyncRemoteStore *store,
                                               JustSyncScope       *scope,
                                               GPtrArray           *ops,
                                               GCancellable        *cancellable,
                                               GAsyncReadyCallback  callback,
                                               gpointer             user_data)
{
  push_async (JUST_SYNC_POCKETBASE_STORE (store), PUSH_UPSERT, scope, ops, cancellable,
              callback, user_data, just_sync_pocketbase_store_batch_upsert_async);
}

static void
just_sync_pocketbase_store_batch_delete_async (JustSyncRemoteStore *store,
                                               JustSyncScope       *scope,
                                               GPtrArray           *ops,
                                               GCancellable        *cancellable,
                                               GAsyncReadyCallback  callback,
                                               gpointer             user_data)
{
  push_async (JUST_SYNC_POCKETBASE_STORE (store), PUSH_DELETE, scope, ops, cancellable,
              callback, user_data, just_sync_pocketbase_store_batch_delete_async);
}

static GPtrArray *
just_sync_pocketbase_store_batch_finish (JustSyncRemoteStore  *store,
                                         GAsyncResult         *result,
                                         GError              **error)
{
  g_return_val_if_fail (g_task_is_valid (result, store), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/* --- server time -------------------------------------------------------- */

static void server_time_start (GTask *task);

static void
server_time_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  JustSyncPocketbaseStore *self = JUST_SYNC_POCKETBASE_STORE (object);
  g_autoptr(GTask) task = user_data;
  gboolean asked_route = GPOINTER_TO_INT (g_task_get_task_data (task));
  g_autoptr(JustSyncHttpResponse) response = NULL;
  GError *error = NULL;
  const char *now;
  gint64 usec;

  if ((response = pb_request_finish (self, result, &error)) == NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  if (asked_route && _just_sync_http_response_is_success (response) &&
      (now = object_get_string (body_get_object (response->body), "now")) != NULL &&
      just_sync_timestamp_parse (now, &usec, NULL))
    {
      g_task_return_int (task, usec);
      return;
    }

  /* Stock PocketBase: no such route; its 404 still carries a Date. */
  if (asked_route && response->status == SOUP_STATUS_NOT_FOUND)
    self->time_route_missing = TRUE;
  else if (!_just_sync_http_response_is_success (response))
    {
      set_response_error (&error, response);
      g_task_return_error (task, error);
      return;
    }

  if (response->date == 0)
    {
      g_task_return_new_error (task, JUST_SYNC_ERROR, JUST_SYNC_ERROR_SERVER,
                               _("PocketBase sent no Date header to read its time from"));
      return;
    }
  g_task_return_int (task, response->date + G_USEC_PER_SEC / 2);
}

static void
server_time_start (GTask *task)
{
  JustSyncPocketbaseStore *self = g_task_get_source_object (task);
  gboolean ask_route = !self->time_route_missing;

  g_task_set_task_data (task, GINT_TO_POINTER (ask_route), NULL);
  pb_request_async (self, "GET", ask_route ? TIME_PATH : "/api/health", NULL, NULL,
                    PB_REQUEST_NO_AUTH, g_task_get_cancellable (task), server_time_cb, task);
}

static void
just_sync_pocketbase_store_get_server_time_async (JustSyncRemoteStore *store,
                                                  GCancellable        *cancellable,
                                                  GAsyncReadyCallback  callback,
                                                  gpointer             user_data)
{
  GTask *task = g_task_new (store, cancellable, callback, user_data);

  g_task_set_source_tag (task, just_sync_pocketbase_store_get_server_time_async);
  server_time_start (task);
}

static gint64
just_sync_pocketbase_store_get_server_time_finish (JustSyncRemoteStore  *store,
                                                   GAsyncResult         *result,
                                                   GError              **error)
{
  g_return_val_if_fail (g_task_is_valid (result, store), 0);

  return g_task_propagate_int (G_TASK (result), error);
}

/* --- ids ---------------------------------------------------------------- */

static char *
just_sync_pocketbase_store_generate_id (JustSyncRemoteStore *store,
                                        JustSyncScope       *scope)
{
  static const char alphabet[] = "abcdefghijklmnopqrstuvwxyz0123456789";
  char *id = g_new (char, ID_LENGTH + 1);

  for (guint i = 0; i < ID_LENGTH; i++)
    id[i] = alphabet[g_random_int_range (0, sizeof alphabet - 1)];
  id[ID_LENGTH] = '\0';
  return id;
}

/* --- realtime ----------------------------------------------------------- */

static void realtime_connect (JustSyncPocketbaseStore *self);
static void realtime_subscribe (JustSyncPocketbaseStore *self);

static void
emit_changed (JustSyncPocketbaseStore *self,
              GPtrArray               *scopes)
{
  /* Handlers may unwatch: the scopes are our own references. */
  for (guint i = 0; i < scopes->len; i++)
    just_sync_remote_store_emit_remote_changed (JUST_SYNC_REMOTE_STORE (self),
                                                g_ptr_array_index (scopes, i));
}

static void
realtime_teardown (JustSyncPocketbaseStore *self)
{
  if (self->realtime_cancellable != NULL)
    g_cancellable_cancel (self->realtime_cancellable);
  g_clear_object (&self->realtime_cancellable);
  g_clear_object (&self->realtime_stream);
  g_clear_pointer (&self->realtime_client_id, g_free);
  g_string_truncate (self->event_name, 0);
  g_string_truncate (self->event_data, 0);
  self->subscribing = FALSE;
  self->resubscribe = FALSE;
}

static void
realtime_stop (JustSyncPocketbaseStore *self)
{
  realtime_teardown (self);
  g_clear_handle_id (&self->reconnect_source, g_source_remove);
  self->reconnect_failures = 0;
  self->needs_catch_up = FALSE;
}

static gboolean
reconnect_cb (gpointer user_data)
{
  JustSyncPocketbaseStore *self = user_data;

  self->reconnect_source = 0;
  realtime_connect (self);
  return G_SOURCE_REMOVE;
}

/* The connection is gone: events may be lost, so catch up after reconnecting. */
static void
realtime_lost (JustSyncPocketbaseStore *self,
               const char              *why)
{
  guint delay;

  g_debug ("PocketBase realtime connection lost: %s", why);
  realtime_teardown (self);
  self->needs_catch_up = TRUE;
  if (g_hash_table_size (self->watched) == 0 || self->reconnect_source != 0)
    return;

  delay = REALTIME_BACKOFF_MIN_MS << MIN (self->reconnect_failures, 7);
  delay = MIN (delay, REALTIME_BACKOFF_MAX_MS);
  /* Jitter, so that clients cut off together do not come back together. */
  delay = delay * 3 / 4 + g_random_int_range (0, delay / 2 + 1);
  self->reconnect_failures++;
  self->reconnect_source = g_timeout_add (delay, reconnect_cb, self);
}

/* Events are hints: only a key field that plainly differs rules a record out. */
static gboolean
record_may_be_in_scope (JsonObject    *record,
                        JustSyncScope *scope)
{
  g_auto(GStrv) keys = just_sync_scope_dup_keys (scope);

  for (guint i = 0; keys[i] != NULL; i++)
    if (scope_field_matches (record, scope, keys[i]) == FIELD_DIFFERS)
      return FALSE;
  return TRUE;
}

static void
realtime_dispatch (JustSyncPocketbaseStore *self)
{
  g_autoptr(JsonParser) parser = json_parser_new_immutable ();
  JsonObject *data = NULL;

  if (self->event_name->len == 0)
    return;

  if (json_parser_load_from_data (parser, self->event_data->str, self->event_data->len, NULL))
    data = body_get_object (json_parser_get_root (parser));

  if (strcmp (self->event_name->str, "PB_CONNECT") == 0)
    {
      const char *client_id = object_get_string (data, "clientId");

      if (client_id != NULL && client_id[0] != '\0')
        {
          g_free (self->realtime_client_id);
          self->realtime_client_id = g_strdup (client_id);
          realtime_subscribe (self);
        }
    }
  else
    {
      g_autoptr(GPtrArray) scopes = g_ptr_array_new_with_free_func ((GDestroyNotify) just_sync_scope_unref);
      const char *slash = strchr (self->event_name->str, '/');
      g_autofree char *collection = g_strndup (self->event_name->str,
                                               slash != NULL ? (gsize) (slash - self->event_name->str)
                                                             : self->event_name->len);
      JsonObject *record = body_get_object (data != NULL ? json_object_get_member (data, "record") : NULL);
      GHashTableIter iter;
      Watch *watch;

      g_hash_table_iter_init (&iter, self->watched);
      while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &watch))
        {
          Target target = { NULL, NULL };

          resolve_target (self, watch->scope, &target);
          if (strcmp (target.collection, collection) == 0 &&
              (record == NULL || record_may_be_in_scope (record, watch->scope)))
            g_ptr_array_add (scopes, just_sync_scope_ref (watch->scope));
          target_clear (&target);
        }
      emit_changed (self, scopes);
    }
}

/* One line of a server-sent event stream. */
static void
realtime_handle_line (JustSyncPocketbaseStore *self,
                      const char              *line)
{
  const char *colon, *value;
  gsize field_length;

  if (line[0] == '\0')
    {
      realtime_dispatch (self);
      g_string_truncate (self->event_name, 0);
      g_string_truncate (self->event_data, 0);
      return;
    }
  if (line[0] == ':')
    return;

  colon = strchr (line, ':');
  field_length = colon != NULL ? (gsize) (colon - line) : strlen (line);
  value = colon != NULL ? colon + 1 : "";
  if (value[0] == ' ')
    value++;

  if (field_length == 5 && strncmp (line, "event", 5) == 0)
    g_string_assign (self->event_name, value);
  else if (field_length == 4 && strncmp (line, "data", 4) == 0)
    {
      if (self->event_data->len > 0)
        g_string_append_c (self->event_data, '\n');
      g_string_append (self->event_data, value);
    }
}

static void realtime_read_line (JustSyncPocketbaseStore *self);

static void
realtime_line_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *line = NULL;
  g_autoptr(JustSyncPocketbaseStore) self = NULL;

  line = g_data_input_stream_read_line_finish_utf8 (G_DATA_INPUT_STREAM (object), result, NULL, &error);
  /* Cancelled: the store may be gone; touch nothing. */
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  /* A handler of the signal may drop the last other reference. */
  self = g_object_ref (user_data);
  if (line == NULL)
    {
      realtime_lost (self, error != NULL ? error->message : "end of stream");
      return;
    }
  realtime_handle_line (self, line);
  /* A handler may have stopped or restarted the connection. */
  if (self->realtime_stream == G_DATA_INPUT_STREAM (object))
    realtime_read_line (self);
}

static void
realtime_read_line (JustSyncPocketbaseStore *self)
{
  g_data_input_stream_read_line_async (self->realtime_stream, G_PRIORITY_DEFAULT,
                                       self->realtime_cancellable, realtime_line_cb, self);
}

static void
realtime_open_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(GInputStream) stream = NULL;
  g_autoptr(GError) error = NULL;
  JustSyncPocketbaseStore *self;

  stream = _just_sync_http_client_open_stream_finish (JUST_SYNC_HTTP_CLIENT (object), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  self = user_data;
  if (stream == NULL)
    {
      realtime_lost (self, error->message);
      return;
    }

  self->realtime_stream = g_data_input_stream_new (stream);
  g_data_input_stream_set_newline_type (self->realtime_stream, G_DATA_STREAM_NEWLINE_TYPE_ANY);
  realtime_read_line (self);
}

static void
realtime_connect (JustSyncPocketbaseStore *self)
{
  g_autoptr(SoupMessage) message = NULL;

  if (self->client == NULL || self->realtime_cancellable != NULL)
    return;

  self->realtime_cancellable = g_cancellable_new ();
  message = _just_sync_http_client_new_message (self->client, "GET", "/api/realtime", NULL, NULL);
  soup_message_headers_replace (soup_message_get_request_headers (message),
                                "Accept", "text/event-stream");
  /* No reference: dispose cancels, and the callbacks then touch nothing. */
  _just_sync_http_client_open_stream_async (self->client, message, self->realtime_cancellable,
                                            realtime_open_cb, self);
}

static void
realtime_subscribed_cb (GObject      *object,
                        GAsyncResult *result,
                        gpointer      user_data)
{
  JustSyncPocketbaseStore *self = JUST_SYNC_POCKETBASE_STORE (object);
  g_autoptr(JustSyncHttpResponse) response = NULL;
  g_autoptr(GError) error = NULL;

  response = pb_request_finish (self, result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  if (response == NULL || !_just_sync_http_response_is_success (response))
    {
      if (response != NULL)
        set_response_error (&error, response);
      realtime_lost (self, error->message);
      return;
    }

  self->subscribing = FALSE;
  self->reconnect_failures = 0;
  if (self->resubscribe)
    {
      self->resubscribe = FALSE;
      realtime_subscribe (self);
    }

  if (self->needs_catch_up)
    {
      g_autoptr(GPtrArray) scopes = g_ptr_array_new_with_free_func ((GDestroyNotify) just_sync_scope_unref);
      GHashTableIter iter;
      Watch *watch;

      self->needs_catch_up = FALSE;
      g_hash_table_iter_init (&iter, self->watched);
      while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &watch))
        g_ptr_array_add (scopes, just_sync_scope_ref (watch->scope));
      emit_changed (self, scopes);
    }
}

static void
realtime_subscribe (JustSyncPocketbaseStore *self)
{
  g_autoptr(GPtrArray) topics = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) body = NULL;
  GHashTableIter iter;
  Watch *watch;

  if (self->realtime_client_id == NULL)
    return;
  if (self->subscribing)
    {
      self->resubscribe = TRUE;
      return;
    }

  g_hash_table_iter_init (&iter, self->watched);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &watch))
    {
      Target target = { NULL, NULL };
      g_autofree char *topic = NULL;

      resolve_target (self, watch->scope, &target);
      topic = g_strconcat (target.collection, "/*", NULL);
      target_clear (&target);
      if (!g_ptr_array_find_with_equal_func (topics, topic, g_str_equal, NULL))
        g_ptr_array_add (topics, g_steal_pointer (&topic));
    }

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "clientId");
  json_builder_add_string_value (builder, self->realtime_client_id);
  json_builder_set_member_name (builder, "subscriptions");
  json_builder_begin_array (builder);
  for (guint i = 0; i < topics->len; i++)
    json_builder_add_string_value (builder, g_ptr_array_index (topics, i));
  json_builder_end_array (builder);
  json_builder_end_object (builder);
  body = json_builder_get_root (builder);

  self->subscribing = TRUE;
  pb_request_async (self, "POST", "/api/realtime", NULL, body, PB_REQUEST_DEFAULT,
                    self->realtime_cancellable, realtime_subscribed_cb, NULL);
}

/* Connects, resubscribes or disconnects as the watched scopes require. */
static void
realtime_update (JustSyncPocketbaseStore *self)
{
  if (g_hash_table_size (self->watched) == 0)
    realtime_stop (self);
  else if (self->realtime_cancellable == NULL && self->reconnect_source == 0)
    realtime_connect (self);
  else
    realtime_subscribe (self);
}

static void
just_sync_pocketbase_store_watch (JustSyncRemoteStore *store,
                                  JustSyncScope       *scope)
{
  JustSyncPocketbaseStore *self = JUST_SYNC_POCKETBASE_STORE (store);
  const char *key = just_sync_scope_to_string (scope);
  Watch *watch = g_hash_table_lookup (self->watched, key);

  if (watch != NULL)
    {
      watch->count++;
      return;
    }

  watch = g_new0 (Watch, 1);
  watch->scope = just_sync_scope_ref (scope);
  watch->count = 1;
  g_hash_table_insert (self->watched, g_strdup (key), watch);
  /* Changes made before the subscription is live send no event: once it
   * is, report the watched scopes changed, as after a reconnect. */
  self->needs_catch_up = TRUE;
  realtime_update (self);
}

static void
just_sync_pocketbase_store_unwatch (JustSyncRemoteStore *store,
                                    JustSyncScope       *scope)
{
  JustSyncPocketbaseStore *self = JUST_SYNC_POCKETBASE_STORE (store);
  const char *key = just_sync_scope_to_string (scope);
  Watch *watch = g_hash_table_lookup (self->watched, key);

  if (watch == NULL || --watch->count > 0)
    return;

  g_hash_table_remove (self->watched, key);
  realtime_update (self);
}

/* A server on the loopback interface (a development server, or one next
 * to the app) is reachable with no network. */
static gboolean
just_sync_pocketbase_store_needs_network (JustSyncRemoteStore *store)
{
  return !_just_sync_http_url_is_loopback (JUST_SYNC_POCKETBASE_STORE (store)->base_url);
}

/* --- GObject ------------------------------------------------------------ */

static void
remote_store_iface_init (JustSyncRemoteStoreInterface *iface)
{
  iface->needs_network = just_sync_pocketbase_store_needs_network;
  iface->fetch_since_async = just_sync_pocketbase_store_fetch_since_async;
  iface->fetch_since_finish = just_sync_pocketbase_store_fetch_since_finish;
  iface->batch_upsert_async = just_sync_pocketbase_store_batch_upsert_async;
  iface->batch_upsert_finish = just_sync_pocketbase_store_batch_finish;
  iface->batch_delete_async = just_sync_pocketbase_store_batch_delete_async;
  iface->batch_delete_finish = just_sync_pocketbase_store_batch_finish;
  iface->get_server_time_async = just_sync_pocketbase_store_get_server_time_async;
  iface->get_server_time_finish = just_sync_pocketbase_store_get_server_time_finish;
  iface->generate_id = just_sync_pocketbase_store_generate_id;
  iface->watch = just_sync_pocketbase_store_watch;
  iface->unwatch = just_sync_pocketbase_store_unwatch;
}

static void
just_sync_pocketbase_store_constructed (GObject *object)
{
  JustSyncPocketbaseStore *self = (JustSyncPocketbaseStore *) object;

  G_OBJECT_CLASS (just_sync_pocketbase_store_parent_class)->constructed (object);

  if (self->base_url == NULL)
    g_set_error_literal (&self->client_error, JUST_SYNC_ERROR, JUST_SYNC_ERROR_INVALID_ARGUMENT,
                         _("The PocketBase store has no server URL"));
  else
    self->client = _just_sync_http_client_new (self->base_url, &self->client_error);
  if (self->client != NULL)
    _just_sync_http_client_set_timeout (self->client, self->timeout);
}

static void
just_sync_pocketbase_store_dispose (GObject *object)
{
  JustSyncPocketbaseStore *self = (JustSyncPocketbaseStore *) object;

  g_hash_table_remove_all (self->watched);
  realtime_stop (self);

  G_OBJECT_CLASS (just_sync_pocketbase_store_parent_class)->dispose (object);
}

static void
just_sync_pocketbase_store_finalize (GObject *object)
{
  JustSyncPocketbaseStore *self = (JustSyncPocketbaseStore *) object;

  g_free (self->base_url);
  g_clear_object (&self->client);
  g_clear_error (&self->client_error);
  g_free (self->token);
  g_free (self->token_collection_id);
  g_free (self->auth_collection);
  g_free (self->identity);
  g_free (self->password);
  g_free (self->user_id);
  g_clear_pointer (&self->mappings, g_hash_table_unref);
  g_free (self->soft_delete_field);
  g_clear_pointer (&self->lacking_soft_field, g_hash_table_unref);
  g_clear_pointer (&self->watched, g_hash_table_unref);
  g_string_free (self->event_name, TRUE);
  g_string_free (self->event_data, TRUE);

  G_OBJECT_CLASS (just_sync_pocketbase_store_parent_class)->finalize (object);
}

static void
just_sync_pocketbase_store_get_property (GObject    *object,
                                         guint       prop_id,
                                         GValue     *value,
                                         GParamSpec *pspec)
{
  JustSyncPocketbaseStore *self = JUST_SYNC_POCKETBASE_STORE (object);

  switch (prop_id)
    {
    case PROP_BASE_URL:
      g_value_set_string (value, self->base_url);
      break;

    case PROP_TOKEN:
      g_value_set_string (value, self->token);
      break;

    case PROP_AUTH_COLLECTION:
      g_value_set_string (value, self->auth_collection);
      break;

    case PROP_IDENTITY:
      g_value_set_string (value, self->identity);
      break;

    case PROP_USER_ID:
      g_value_set_string (value, self->user_id);
      break;

    case PROP_SOFT_DELETE_FIELD:
      g_value_set_string (value, self->soft_delete_field);
      break;

    case PROP_PAGE_SIZE:
      g_value_set_uint (value, self->page_size);
      break;

    case PROP_BATCH_SIZE:
      g_value_set_uint (value, self->batch_size);
      break;

    case PROP_TIMEOUT:
      g_value_set_uint (value, self->timeout);
      break;

    case PROP_PASSWORD:
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

/* Replaces a string setting; credentials changes drop the current login. */
static gboolean
replace_string (char       **field,
                const char  *value)
{
  if (g_strcmp0 (*field, value) == 0)
    return FALSE;
  g_free (*field);
  *field = g_strdup (value);
  return TRUE;
}

static void
credentials_changed (JustSyncPocketbaseStore *self)
{
  self->auth_generation++;
  set_token (self, NULL);
  set_user_id (self, NULL);
}

static void
just_sync_pocketbase_store_set_property (GObject      *object,
                                         guint         prop_id,
                                         const GValue *value,
                                         GParamSpec   *pspec)
{
  JustSyncPocketbaseStore *self = JUST_SYNC_POCKETBASE_STORE (object);

  switch (prop_id)
    {
    case PROP_BASE_URL:
      self->base_url = g_value_dup_string (value);
      break;

    case PROP_TOKEN:
      just_sync_pocketbase_store_set_token (self, g_value_get_string (value));
      break;

    case PROP_AUTH_COLLECTION:
      if (replace_string (&self->auth_collection, g_value_get_string (value) != NULL ?
                                                  g_value_get_string (value) : DEFAULT_AUTH_COLLECTION))
        {
          credentials_changed (self);
          g_object_notify_by_pspec (object, pspec);
        }
      break;

    case PROP_IDENTITY:
      if (replace_string (&self->identity, g_value_get_string (value)))
        {
          credentials_changed (self);
          g_object_notify_by_pspec (object, pspec);
        }
      break;

    case PROP_PASSWORD:
      if (replace_string (&self->password, g_value_get_string (value)))
        credentials_changed (self);
      break;

    case PROP_SOFT_DELETE_FIELD:
      just_sync_pocketbase_store_set_soft_delete_field (self, g_value_get_string (value));
      break;

    case PROP_PAGE_SIZE:
      just_sync_pocketbase_store_set_page_size (self, g_value_get_uint (value));
      break;

    case PROP_BATCH_SIZE:
      just_sync_pocketbase_store_set_batch_size (self, g_value_get_uint (value));
      break;

    case PROP_TIMEOUT:
      just_sync_pocketbase_store_set_timeout (self, g_value_get_uint (value));
      break;

    case PROP_USER_ID:
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
just_sync_pocketbase_store_class_init (JustSyncPocketbaseStoreClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->constructed = just_sync_pocketbase_store_constructed;
  object_class->dispose = just_sync_pocketbase_store_dispose;
  object_class->finalize = just_sync_pocketbase_store_finalize;
  object_class->get_property = just_sync_pocketbase_store_get_property;
  object_class->set_property = just_sync_pocketbase_store_set_property;

  /**
   * JustSyncPocketbaseStore:base-url:
   *
   * The server's URL, such as `https://pb.example.com` (paths such as
   * `/api/collections/…` are appended). An unusable URL makes every call
   * fail with %JUST_SYNC_ERROR_INVALID_ARGUMENT.
   */
  properties[PROP_BASE_URL] =
    g_param_spec_string ("base-url", NULL, NULL,
                         NULL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);

  /**
   * JustSyncPocketbaseStore:token:
   *
   * The token sent in the `Authorization` header: a fixed one set by the
   * app, or the one the last login got (an app may save it and set it
   * again next time to skip a login). %NULL for a guest.
   */
  properties[PROP_TOKEN] =
    g_param_spec_string ("token", NULL, NULL,
                         NULL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * JustSyncPocketbaseStore:auth-collection:
   *
   * The auth collection #JustSyncPocketbaseStore:identity logs in to:
   * `users` (the default), another auth collection, or `_superusers`.
   */
  properties[PROP_AUTH_COLLECTION] =
    g_param_spec_string ("auth-collection", NULL, NULL,
                         DEFAULT_AUTH_COLLECTION,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * JustSyncPocketbaseStore:identity:
   *
   * The identity (usually an email address) to log in with, together with
   * #JustSyncPocketbaseStore:password; %NULL to use only
   * #JustSyncPocketbaseStore:token.
   */
  properties[PROP_IDENTITY] =
    g_param_spec_string ("identity", NULL, NULL,
                         NULL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * JustSyncPocketbaseStore:password:
   *
   * The password of #JustSyncPocketbaseStore:identity. Write-only.
   */
  properties[PROP_PASSWORD] =
    g_param_spec_string ("password", NULL, NULL,
                         NULL,
                         G_PARAM_WRITABLE | G_PARAM_STATIC_STRINGS);

  /**
   * JustSyncPocketbaseStore:user-id:
   *
   * The id of the record the last login authenticated, or %NULL.
   */
  properties[PROP_USER_ID] =
    g_param_spec_string ("user-id", NULL, NULL,
                         NULL,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * JustSyncPocketbaseStore:soft-delete-field:
   *
   * The date field that marks a record deleted, `deleted_at` by default,
   * for collections not set up with
   * just_sync_pocketbase_store_set_collection(). %NULL or empty makes
   * every delete hard. Collections without the field get hard deletes.
   */
  properties[PROP_SOFT_DELETE_FIELD] =
    g_param_spec_string ("soft-delete-field", NULL, NULL,
                         DEFAULT_SOFT_DELETE_FIELD,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * JustSyncPocketbaseStore:page-size:
   *
   * The most records one fetch asks for, from 1 to
   * %JUST_SYNC_POCKETBASE_MAX_PAGE_SIZE (the default).
   */
  properties[PROP_PAGE_SIZE] =
    g_param_spec_uint ("page-size", NULL, NULL,
                       1, JUST_SYNC_POCKETBASE_MAX_PAGE_SIZE, DEFAULT_PAGE_SIZE,
                       G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * JustSyncPocketbaseStore:batch-size:
   *
   * The most requests one `/api/batch` call carries: PocketBase's
   * `batch.maxRequests` setting, 50 by default. A smaller limit the server
   * reports is learned and used.
   */
  properties[PROP_BATCH_SIZE] =
    g_param_spec_uint ("batch-size", NULL, NULL,
                       1, MAX_BATCH_SIZE, DEFAULT_BATCH_SIZE,
                       G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * JustSyncPocketbaseStore:timeout:
   *
   * How many seconds a request may take, connecting and reading the reply
   * included, before it fails with %JUST_SYNC_ERROR_NETWORK; 0 for no
   * limit. The realtime stream is exempt once open.
   */
  properties[PROP_TIMEOUT] =
    g_param_spec_uint ("timeout", NULL, NULL,
                       0, G_MAXUINT, DEFAULT_TIMEOUT,
                       G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
just_sync_pocketbase_store_init (JustSyncPocketbaseStore *self)
{
  self->timeout = DEFAULT_TIMEOUT;
  self->auth_collection = g_strdup (DEFAULT_AUTH_COLLECTION);
  self->mappings = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                          (GDestroyNotify) mapping_free);
  self->soft_delete_field = g_strdup (DEFAULT_SOFT_DELETE_FIELD);
  self->lacking_soft_field = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->page_size = DEFAULT_PAGE_SIZE;
  self->batch_size = DEFAULT_BATCH_SIZE;
  self->watched = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                         (GDestroyNotify) watch_free);
  self->event_name = g_string_new (NULL);
  self->event_data = g_string_new (NULL);
}

/**
 * just_sync_pocketbase_store_new:
 * @base_url: the server's URL, such as `https://pb.example.com`
 *
 * Creates a store for a PocketBase server. Until a token or credentials
 * are set, requests go out as a guest.
 *
 * Returns: (transfer full): a new store
 */
JustSyncPocketbaseStore *
just_sync_pocketbase_store_new (const char *base_url)
{
  g_return_val_if_fail (base_url != NULL, NULL);

  return g_object_new (JUST_SYNC_TYPE_POCKETBASE_STORE, "base-url", base_url, NULL);
}

/**
 * just_sync_pocketbase_store_get_base_url:
 * @self: a #JustSyncPocketbaseStore
 *
 * Returns: the server's URL
 */
const char *
just_sync_pocketbase_store_get_base_url (JustSyncPocketbaseStore *self)
{
  g_return_val_if_fail (JUST_SYNC_IS_POCKETBASE_STORE (self), NULL);

  return self->base_url;
}

/**
 * just_sync_pocketbase_store_get_token:
 * @self: a #JustSyncPocketbaseStore
 *
 * Returns: (nullable): the token requests carry, or %NULL
 */
const char *
just_sync_pocketbase_store_get_token (JustSyncPocketbaseStore *self)
{
  g_return_val_if_fail (JUST_SYNC_IS_POCKETBASE_STORE (self), NULL);

  return self->token;
}

/**
 * just_sync_pocketbase_store_set_token:
 * @self: a #JustSyncPocketbaseStore
 * @token: (nullable): a PocketBase auth token, or %NULL for a guest
 *
 * Sets the token requests carry. With credentials set too, the store logs
 * in again when this token expires or is refused; without them, an
 * expired token makes calls fail with %JUST_SYNC_ERROR_AUTH.
 */
void
just_sync_pocketbase_store_set_token (JustSyncPocketbaseStore *self,
                                      const char              *token)
{
  g_return_if_fail (JUST_SYNC_IS_POCKETBASE_STORE (self));

  set_token (self, token);
}

/**
 * just_sync_pocketbase_store_set_credentials:
 * @self: a #JustSyncPocketbaseStore
 * @auth_collection: (nullable): the auth collection, such as `users` or
 *   `_superusers`; %NULL for `users`
 * @identity: (nullable): the identity, usually an email address, or %NULL
 *   to forget the credentials
 * @password: (nullable): the password
 *
 * Sets what the store logs in with (`auth-with-password`). The login
 * happens with the first request that needs it, and again whenever the
 * token is about to expire or is refused. Drops the current token.
 */
void
just_sync_pocketbase_store_set_credentials (JustSyncPocketbaseStore *self,
                                            const char              *auth_collection,
                                            const char              *identity,
                                            const char              *password)
{
  g_return_if_fail (JUST_SYNC_IS_POCKETBASE_STORE (self));

  g_object_freeze_notify (G_OBJECT (self));
  g_object_set (self,
                "auth-collection", auth_collection,
                "identity", identity,
                "password", identity != NULL ? password : NULL,
                NULL);
  g_object_thaw_notify (G_OBJECT (self));
}

/**
 * just_sync_pocketbase_store_get_auth_collection:
 * @self: a #JustSyncPocketbaseStore
 *
 * Returns: the auth collection the store logs in to
 */
const char *
just_sync_pocketbase_store_get_auth_collection (JustSyncPocketbaseStore *self)
{
  g_return_val_if_fail (JUST_SYNC_IS_POCKETBASE_STORE (self), NULL);

  return self->auth_collection;
}

/**
 * just_sync_pocketbase_store_get_identity:
 * @self: a #JustSyncPocketbaseStore
 *
 * Returns: (nullable): the identity the store logs in with, or %NULL
 */
const char *
just_sync_pocketbase_store_get_identity (JustSyncPocketbaseStore *self)
{
  g_return_val_if_fail (JUST_SYNC_IS_POCKETBASE_STORE (self), NULL);

  return self->identity;
}

/**
 * just_sync_pocketbase_store_get_user_id:
 * @self: a #JustSyncPocketbaseStore
 *
 * Returns: (nullable): the id of the record the last login authenticated
 *   (for a scope key such as `owner`), or %NULL before a login
 */
const char *
just_sync_pocketbase_store_get_user_id (JustSyncPocketbaseStore *self)
{
  g_return_val_if_fail (JUST_SYNC_IS_POCKETBASE_STORE (self), NULL);

  return self->user_id;
}

/**
 * just_sync_pocketbase_store_set_collection:
 * @self: a #JustSyncPocketbaseStore
 * @scope_name: a scope name
 * @collection: (nullable): the collection that holds the scope's records,
 *   or %NULL to use the scope name again
 * @soft_delete_field: (nullable): the collection's date field that marks a
 *   record deleted, or %NULL when deletes in it are hard
 *
 * Maps the scopes named @scope_name to a collection. Scopes without a
 * mapping use the collection of their name and
 * #JustSyncPocketbaseStore:soft-delete-field.
 */
void
just_sync_pocketbase_store_set_collection (JustSyncPocketbaseStore *self,
                                           const char              *scope_name,
                                           const char              *collection,
                                           const char              *soft_delete_field)
{
  Mapping *mapping;

  g_return_if_fail (JUST_SYNC_IS_POCKETBASE_STORE (self));
  g_return_if_fail (scope_name != NULL && scope_name[0] != '\0');
  g_return_if_fail (collection == NULL || collection[0] != '\0');

  if (collection == NULL)
    {
      g_hash_table_remove (self->mappings, scope_name);
      return;
    }

  mapping = g_new0 (Mapping, 1);
  mapping->collection = g_strdup (collection);
  mapping->soft_delete_field = soft_delete_field != NULL && soft_delete_field[0] != '\0' ?
                               g_strdup (soft_delete_field) : NULL;
  g_hash_table_replace (self->mappings, g_strdup (scope_name), mapping);
  g_hash_table_remove (self->lacking_soft_field, collection);
}

/**
 * just_sync_pocketbase_store_get_collection:
 * @self: a #JustSyncPocketbaseStore
 * @scope_name: a scope name
 *
 * Returns: the collection that holds the records of scopes named @scope_name
 */
const char *
just_sync_pocketbase_store_get_collection (JustSyncPocketbaseStore *self,
                                           const char              *scope_name)
{
  Mapping *mapping;

  g_return_val_if_fail (JUST_SYNC_IS_POCKETBASE_STORE (self), NULL);
  g_return_val_if_fail (scope_name != NULL, NULL);

  mapping = g_hash_table_lookup (self->mappings, scope_name);
  return mapping != NULL ? mapping->collection : scope_name;
}

/**
 * just_sync_pocketbase_store_get_soft_delete_field:
 * @self: a #JustSyncPocketbaseStore
 *
 * Returns: (nullable): the default soft-delete field, or %NULL for hard deletes
 */
const char *
just_sync_pocketbase_store_get_soft_delete_field (JustSyncPocketbaseStore *self)
{
  g_return_val_if_fail (JUST_SYNC_IS_POCKETBASE_STORE (self), NULL);

  return self->soft_delete_field;
}

/**
 * just_sync_pocketbase_store_set_soft_delete_field:
 * @self: a #JustSyncPocketbaseStore
 * @field: (nullable): a date field name, or %NULL for hard deletes
 *
 * Sets #JustSyncPocketbaseStore:soft-delete-field.
 */
void
just_sync_pocketbase_store_set_soft_delete_field (JustSyncPocketbaseStore *self,
                                                  const char              *field)
{
  g_return_if_fail (JUST_SYNC_IS_POCKETBASE_STORE (self));

  if (field != NULL && field[0] == '\0')
    field = NULL;
  if (!replace_string (&self->soft_delete_field, field))
    return;
  g_hash_table_remove_all (self->lacking_soft_field);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SOFT_DELETE_FIELD]);
}

/**
 * just_sync_pocketbase_store_get_page_size:
 * @self: a #JustSyncPocketbaseStore
 *
 * Returns: the most records one fetch asks for
 */
guint
just_sync_pocketbase_store_get_page_size (JustSyncPocketbaseStore *self)
{
  g_return_val_if_fail (JUST_SYNC_IS_POCKETBASE_STORE (self), 0);

  return self->page_size;
}

/**
 * just_sync_pocketbase_store_set_page_size:
 * @self: a #JustSyncPocketbaseStore
 * @page_size: from 1 to %JUST_SYNC_POCKETBASE_MAX_PAGE_SIZE
 *
 * Sets #JustSyncPocketbaseStore:page-size.
 */
void
just_sync_pocketbase_store_set_page_size (JustSyncPocketbaseStore *self,
                                          guint                    page_size)
{
  g_return_if_fail (JUST_SYNC_IS_POCKETBASE_STORE (self));
  g_return_if_fail (page_size >= 1 && page_size <= JUST_SYNC_POCKETBASE_MAX_PAGE_SIZE);

  if (self->page_size == page_size)
    return;
  self->page_size = page_size;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PAGE_SIZE]);
}

/**
 * just_sync_pocketbase_store_get_batch_size:
 * @self: a #JustSyncPocketbaseStore
 *
 * Returns: the most requests one batch carries
 */
guint
just_sync_pocketbase_store_get_batch_size (JustSyncPocketbaseStore *self)
{
  g_return_val_if_fail (JUST_SYNC_IS_POCKETBASE_STORE (self), 0);

  return self->batch_size;
}

/**
 * just_sync_pocketbase_store_set_batch_size:
 * @self: a #JustSyncPocketbaseStore
 * @batch_size: from 1 to 1000; the server's `batch.maxRequests`
 *
 * Sets #JustSyncPocketbaseStore:batch-size.
 */
void
just_sync_pocketbase_store_set_batch_size (JustSyncPocketbaseStore *self,
                                           guint                    batch_size)
{
  g_return_if_fail (JUST_SYNC_IS_POCKETBASE_STORE (self));
  g_return_if_fail (batch_size >= 1 && batch_size <= MAX_BATCH_SIZE);

  if (self->batch_size == batch_size)
    return;
  self->batch_size = batch_size;
  self->server_batch_limit = 0;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BATCH_SIZE]);
}

/**
 * just_sync_pocketbase_store_get_timeout:
 * @self: a #JustSyncPocketbaseStore
 *
 * Returns: the time limit of a request in seconds, or 0 for none
 */
guint
just_sync_pocketbase_store_get_timeout (JustSyncPocketbaseStore *self)
{
  g_return_val_if_fail (JUST_SYNC_IS_POCKETBASE_STORE (self), 0);

  return self->timeout;
}

/**
 * just_sync_pocketbase_store_set_timeout:
 * @self: a #JustSyncPocketbaseStore
 * @seconds: the time limit of a request, or 0 for none
 *
 * Sets #JustSyncPocketbaseStore:timeout.
 */
void
just_sync_pocketbase_store_set_timeout (JustSyncPocketbaseStore *self,
                                        guint                    seconds)
{
  g_return_if_fail (JUST_SYNC_IS_POCKETBASE_STORE (self));

  if (self->timeout == seconds)
    return;
  self->timeout = seconds;
  if (self->client != NULL)
    _just_sync_http_client_set_timeout (self->client, seconds);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TIMEOUT]);
}
