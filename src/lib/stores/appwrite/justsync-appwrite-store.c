/* justsync-appwrite-store.c
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "justsync-pending-op-private.h"
#include "justsync-push-result-private.h"
#include "justsync-remote-store-private.h"
#include "justsync-appwrite-private.h"
#include "justsync-appwrite-store.h"
#include "justsync-delta-private.h"
#include "justsync-error.h"
#include "justsync-http-client-private.h"
#include "justsync-json-private.h"
#include "justsync-timestamp.h"

/**
 * JustSyncAppwriteStore:
 *
 * A [iface@JustSync.RemoteStore] that syncs with an
 * [Appwrite](https://appwrite.io) project (server 1.5 or later) through the
 * Databases REST API.
 *
 * This store is tested against an in-process server that reproduces the
 * documented Appwrite requests, replies, error bodies and paging, never
 * against a real Appwrite server, which needs Docker.
 *
 * ## Collections
 *
 * A scope's name is its collection (in
 * [property@JustSync.AppwriteStore:database]) unless
 * [method@JustSync.AppwriteStore.set_collection] maps it elsewhere. The
 * client makes document ids (random UUIDs). Each collection needs an
 * attribute for every payload field and every scope key, an index on
 * `($updatedAt, $id)` (or on the scope keys first, then those), and for
 * soft deletes a datetime attribute named by
 * [property@JustSync.AppwriteStore:soft-delete-attribute].
 * `data/appwrite/` in the source tree has an example.
 *
 * ## Scopes
 *
 * Every key of a scope is an attribute: it becomes an `equal` query of
 * every read, and is written into every pushed document. Pulled documents
 * lose the system attributes (`$id`, `$updatedAt`, …), the soft-delete
 * attribute, the scope keys and null attributes (Appwrite returns every
 * attribute of the collection, null when unset); the rest is the payload.
 *
 * ## Pulls
 *
 * A page is `GET /databases/D/collections/C/documents` with the JSON
 * queries `equal` on each scope key, `greaterThanEqual` on `$updatedAt`,
 * `or` of `greaterThan` on `$updatedAt` and `greaterThan` on `$id` (a
 * keyset with the id as tiebreak, so documents stamped alike across a page
 * boundary are neither skipped nor repeated), `orderAsc` on both and
 * `limit`. Only an empty page ends a pull, so a server that returns fewer
 * documents than asked loses none.
 *
 * ## Pushes
 *
 * A push first looks its documents up in the scope (`equal` on `$id`, up to
 * 100 ids a request), so that a write never moves a document of another
 * scope into this one. With an API key and no session or JWT, on servers
 * from 1.7 on, new documents are created in bulk (`POST …/documents`
 * `{"documents":[…]}`) and existing ones upserted in bulk (`PUT
 * …/documents`); bulk writes are atomic, so a failed one is sent again one
 * document a request to find the culprit. A server without the bulk routes
 * (before 1.7; they answer `general_route_not_found`), a session or a JWT, or
 * [property@JustSync.AppwriteStore:bulk-writes] set to %FALSE make the store
 * write one document a request: `POST …/documents` `{"documentId","data"}`
 * and `PATCH …/documents/ID` `{"data"}`. A patch
 * ([method@JustSync.Orchestrator.patch_async]) of an existing document is
 * always such a `PATCH`, with only the attributes it changed in `data` (a
 * removed one as null), so another client's change of other attributes is
 * kept. The last push wins: Appwrite has no conditional write on
 * `$updatedAt`.
 *
 * Deletes are soft (`PATCH` of the soft-delete attribute) when
 * [property@JustSync.AppwriteStore:soft-delete-attribute] is set, and hard
 * (`DELETE …/documents/ID`) otherwise; only soft deletes reach other
 * clients through pulls. A reply of 401 fails the call with
 * %JUST_SYNC_ERROR_AUTH and keeps every change queued; 5xx and 429 make the
 * operations retry later.
 *
 * ## Authentication
 *
 * Every request carries `X-Appwrite-Project`, `X-Appwrite-Response-Format`
 * ([property@JustSync.AppwriteStore:response-format]) and one credential:
 * `X-Appwrite-Session` (a signed-in user's
 * [property@JustSync.AppwriteStore:session]), else `X-Appwrite-JWT` (a
 * user's [property@JustSync.AppwriteStore:jwt]), else `X-Appwrite-Key` (a
 * server [property@JustSync.AppwriteStore:api-key] with the
 * `documents.read` and `documents.write` scopes). Appwrite refuses a
 * session and an API key in one request.
 *
 * [method@JustSync.RemoteStore.sign_in_async] signs in with an email
 * address and a password: `POST /account/sessions/email` (with the API
 * key, if the store has one) makes a session, whose secret the store takes
 * from the reply (`secret`, which Appwrite fills in for API key callers
 * only), the `a_session_<project>` cookie or `X-Fallback-Cookies`, and
 * `GET /account` with it gives the user id.
 * This is the mechanism for an app that is not a browser: a JWT
 * (`POST /account/jwt`) needs such a session to be made, lasts 15 minutes
 * and is rate-limited, while a session lasts the project's session length
 * (a year by default). A fifth of its lifetime (at most a day) before it
 * ends, the store extends it with `PATCH /account/sessions/current`.
 * [method@JustSync.RemoteStore.sign_out_async] deletes it
 * (`DELETE /account/sessions/current`). A session or JWT that the server
 * refuses (401: revoked, expired) fails the call with
 * %JUST_SYNC_ERROR_AUTH, unsets `authenticated`, and keeps every change
 * queued until the app signs in again or sets a new session or JWT (which
 * emits [signal@JustSync.RemoteStore::credentials-changed]). After a
 * sign-out the store sends nothing until then.
 *
 * ## Server time
 *
 * [method@JustSync.RemoteStore.get_server_time_async] reads `localTime`
 * from `GET /health/time` (an API key with the `health.read` scope), and
 * falls back to the `Date` header where that is refused. Both have a
 * resolution of one second.
 *
 * ## Realtime
 *
 * This store does not watch: set
 * [property@JustSync.Orchestrator:sync-interval] for a periodic pull.
 * Appwrite's realtime WebSocket needs a user session, does not replay
 * missed events, and could only ever hint that a pull is due.
 */

#define DEFAULT_PAGE_SIZE 1000
#define DEFAULT_TIMEOUT 30
/* A session is extended a fifth of its lifetime before it ends, at most this. */
#define MAX_SESSION_MARGIN (G_TIME_SPAN_DAY)
#define DEFAULT_RESPONSE_FORMAT "1.7.0"
/* Appwrite takes at most 100 values in one query, and Appwrite Cloud's
 * free plan at most 100 documents in one bulk request. */
#define BATCH_SIZE 100

struct _JustSyncAppwriteStore
{
  GObject parent_instance;

  char *endpoint;
  char *project;
  char *database;
  char *api_key;
  char *jwt;
  char *session;                    /* the session secret, sent as X-Appwrite-Session */
  gint64 session_expires;           /* the session's `expire`; 0 when unknown */
  gint64 session_margin;
  gboolean renewing;                /* an extension of the session is under way */
  gboolean signed_out;              /* until a sign-in or a new session or JWT */
  guint auth_generation;
  char *response_format;
  char *soft_delete_attribute;
  GHashTable *collections;          /* scope name → collection */
  gboolean bulk_writes;
  gboolean bulk_missing;            /* the server answered that it has no bulk routes */
  guint page_size;
  guint timeout;

  JustSyncHttpClient *client;
  GError *client_error;             /* why there is no client */
};

enum
{
  PROP_0,
  PROP_ENDPOINT,
  PROP_PROJECT,
  PROP_DATABASE,
  PROP_API_KEY,
  PROP_JWT,
  PROP_SESSION,
  PROP_USER_ID,
  PROP_AUTHENTICATED,
  PROP_RESPONSE_FORMAT,
  PROP_SOFT_DELETE_ATTRIBUTE,
  PROP_BULK_WRITES,
  PROP_PAGE_SIZE,
  PROP_TIMEOUT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void remote_store_iface_init (JustSyncRemoteStoreInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (JustSyncAppwriteStore, just_sync_appwrite_store, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (JUST_SYNC_TYPE_REMOTE_STORE,
                                                      remote_store_iface_init))

/* --- requests ----------------------------------------------------------- */

/* The path of the scope's documents, or NULL with an error. */
static char *
appwrite_store_documents_path (JustSyncAppwriteStore  *self,
                               JustSyncScope          *scope,
                               GError                **error)
{
  const char *collection = just_sync_appwrite_store_get_collection (self,
                                                                    just_sync_scope_get_name (scope));

  if (self->client == NULL)
    {
      g_propagate_error (error, g_error_copy (self->client_error));
      return NULL;
    }
  /* After a sign-out a request would go out with the API key alone, as
   * the server rather than as the user. */
  if (self->signed_out)
    {
      g_set_error_literal (error, JUST_SYNC_ERROR, JUST_SYNC_ERROR_AUTH,
                           _("Signed out of Appwrite: sign in again"));
      return NULL;
    }
  if (!_just_sync_appwrite_is_id (self->database) || !_just_sync_appwrite_is_id (collection))
    {
      g_set_error (error, JUST_SYNC_ERROR, JUST_SYNC_ERROR_INVALID_ARGUMENT,
                   _("“%s/%s” is not a database and collection the Appwrite store can use"),
                   self->database != NULL ? self->database : "", collection);
      return NULL;
    }
  if (!_just_sync_appwrite_check_scope (scope, error))
    return NULL;
  return g_strdup_printf ("/databases/%s/collections/%s/documents", self->database, collection);
}

/* A request with the project and the response format, no credentials. */
static SoupMessage *
appwrite_store_new_message (JustSyncAppwriteStore *self,
                            const char            *method,
                            const char            *path,
                            const char            *query,
                            JsonNode              *body)
{
  SoupMessage *message;
  SoupMessageHeaders *headers;

  message = _just_sync_http_client_new_message (self->client, method, path, query, body);
  headers = soup_message_get_request_headers (message);
  if (self->project != NULL)
    soup_message_headers_replace (headers, "X-Appwrite-Project", self->project);
  /* Servers answer in the format a client names; some refuse requests
   * without one (appwrite/appwrite#7774). */
  soup_message_headers_replace (headers, "X-Appwrite-Response-Format", self->response_format);
  return message;
}

static void appwrite_store_renew_session (JustSyncAppwriteStore *self);

/* Whether requests go out as a user (a session or a JWT). */
static gboolean
appwrite_store_is_user (JustSyncAppwriteStore *self)
{
  return self->session != NULL || self->jwt != NULL;
}

/* Sends a request with the project, the credentials and the response
 * format; completes through @callback with the reply of any status. One
 * credential only: Appwrite refuses a request with an API key and a
 * session at once. */
static void
appwrite_store_send (JustSyncAppwriteStore *self,
                     const char            *method,
                     const char            *path,
                     const char            *query,
                     JsonNode              *body,
                     GTask                 *task,
                     GAsyncReadyCallback    callback)
{
  g_autoptr(SoupMessage) message = NULL;
  SoupMessageHeaders *headers;

  appwrite_store_renew_session (self);
  message = appwrite_store_new_message (self, method, path, query, body);
  headers = soup_message_get_request_headers (message);
  if (self->session != NULL)
    soup_message_headers_replace (headers, "X-Appwrite-Session", self->session);
  else if (self->jwt != NULL)
    soup_message_headers_replace (headers, "X-Appwrite-JWT", self->jwt);
  else if (self->api_key != NULL)
    soup_message_headers_replace (headers, "X-Appwrite-Key", self->api_key);
  _just_sync_http_client_send_async (self->client, message, g_task_get_cancellable (task),
                                     callback, task);
}

/* The user's session or JWT was refused: keep the user, not the claim. */
static void
appwrite_store_session_refused (JustSyncAppwriteStore *self)
{
  JustSyncRemoteStore *store = JUST_SYNC_REMOTE_STORE (self);

  _just_sync_remote_store_update_auth (store, just_sync_remote_store_get_user_id (store), FALSE);
}

/* Finishes a document request of appwrite_store_send(), sent with the
 * credentials of @generation: a 401 to a user means that the session (or
 * JWT) is over, unless another has come since. */
static JustSyncHttpResponse *
appwrite_store_send_finish (JustSyncAppwriteStore  *self,
                            guint                   generation,
                            GAsyncResult           *result,
                            GError                **error)
{
  JustSyncHttpResponse *response;

  response = _just_sync_http_client_send_finish (self->client, result, error);
  if (response != NULL && response->status == SOUP_STATUS_UNAUTHORIZED &&
      generation == self->auth_generation && appwrite_store_is_user (self))
    appwrite_store_session_refused (self);
  return response;
}

static void
appwrite_store_set_response_error (GError               **error,
                                   JustSyncHttpResponse  *response)
{
  g_autofree char *message = _just_sync_appwrite_dup_error_message (response->body,
                                                                    response->status);

  _just_sync_http_set_status_error (error, response->status, message);
}

static gint64
appwrite_store_response_time (JustSyncHttpResponse *response)
{
  return response->date != 0 ? response->date : just_sync_timestamp_now ();
}

static JsonNode *
appwrite_store_node_take_object (JsonObject *object)
{
  JsonNode *node = json_node_new (JSON_NODE_OBJECT);

  json_node_take_object (node, object);
  return node;
}

/* --- fetch_since -------------------------------------------------------- */

typedef struct
{
  JustSyncScope *scope;
  char *soft_delete_attribute;
  guint auth_generation;
} FetchData;

static void
appwrite_store_fetch_data_free (FetchData *data)
{
  just_sync_scope_unref (data->scope);
  g_free (data->soft_delete_attribute);
  g_free (data);
}

static void
appwrite_store_fetch_cb (GObject      *object,
                         GAsyncResult *result,
                         gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  FetchData *data = g_task_get_task_data (task);
  g_autoptr(JustSyncHttpResponse) response = NULL;
  g_autoptr(JustSyncDelta) delta = NULL;
  GError *error = NULL;
  JsonArray *documents;
  gint64 server_time;
  guint n;

  response = appwrite_store_send_finish (g_task_get_source_object (task), data->auth_generation,
                                         result, &error);
  if (response == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  if (!_just_sync_http_response_is_success (response))
    {
      appwrite_store_set_response_error (&error, response);
      g_task_return_error (task, error);
      return;
    }
  if ((documents = _just_sync_appwrite_reply_documents (response->body)) == NULL)
    {
      g_task_return_new_error (task, JUST_SYNC_ERROR, JUST_SYNC_ERROR_SERVER,
                               _("The server answered without a list of documents (HTTP %u)"),
                               response->status);
      return;
    }

  n = json_array_get_length (documents);
  /* The server's time is known once every document is read. */
  delta = just_sync_delta_new (0);
  server_time = response->date;
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(JustSyncSyncPoint) refused = NULL;
      g_autoptr(JustSyncRecord) record = NULL;

      record = _just_sync_appwrite_record_from_document (json_array_get_element (documents, i),
                                                         data->scope, data->soft_delete_attribute,
                                                         &refused, &error);
      if (!_just_sync_delta_add_row (delta, record, refused, "Appwrite scope",
                                     just_sync_scope_get_name (data->scope), &error))
        {
          g_task_return_error (task, error);
          return;
        }
      if (record != NULL)
        server_time = MAX (server_time, just_sync_record_get_updated_at (record));
    }
  _just_sync_delta_set_server_time (delta, server_time);
  /* A server may cap a page below the limit: only an empty page is the end. */
  just_sync_delta_set_has_more (delta, n > 0);

  g_task_return_pointer (task, g_steal_pointer (&delta), (GDestroyNotify) just_sync_delta_unref);
}

static void
just_sync_appwrite_store_fetch_since_async (JustSyncRemoteStore *store,
                                            JustSyncScope       *scope,
                                            JustSyncSyncPoint   *since,
                                            guint                limit,
                                            GCancellable        *cancellable,
                                            GAsyncReadyCallback  callback,
                                            gpointer             user_data)
{
  JustSyncAppwriteStore *self = JUST_SYNC_APPWRITE_STORE (store);
  g_autoptr(GTask) task = NULL;
  g_autofree char *path = NULL;
  g_autofree char *query = NULL;
  GError *error = NULL;
  FetchData *data;

  if ((path = appwrite_store_documents_path (self, scope, &error)) == NULL)
    {
      g_task_report_error (self, callback, user_data, just_sync_appwrite_store_fetch_since_async,
                           error);
      return;
    }

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, just_sync_appwrite_store_fetch_since_async);
  data = g_new0 (FetchData, 1);
  data->scope = just_sync_scope_ref (scope);
  data->soft_delete_attribute = g_strdup (self->soft_delete_attribute);
  data->auth_generation = self->auth_generation;
  g_task_set_task_data (task, data, (GDestroyNotify) appwrite_store_fetch_data_free);

  query = _just_sync_appwrite_list_query (scope, since,
                                          limit > 0 ? MIN (limit, self->page_size) : self->page_size);
  appwrite_store_send (self, "GET", path, query, NULL, g_steal_pointer (&task),
                       appwrite_store_fetch_cb);
}

static JustSyncDelta *
just_sync_appwrite_store_fetch_since_finish (JustSyncRemoteStore  *store,
                                             GAsyncResult         *result,
                                             GError              **error)
{
  g_return_val_if_fail (g_task_is_valid (result, store), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/* --- pushes ------------------------------------------------------------- */

/*
 * A push is a queue of requests. Each lookup request finds which of its
 * ops' documents the scope holds, and queues the writes that follow;
 * a failed bulk write queues its ops again one a request.
 */
typedef enum
{
  REQUEST_LOOKUP,
  REQUEST_BULK_CREATE,
  REQUEST_BULK_UPSERT,
  REQUEST_CREATE,
  REQUEST_UPDATE,
  REQUEST_DELETE,
} RequestKind;

typedef struct
{
  RequestKind kind;
  GPtrArray *ops;                   /* JustSyncPendingOp */
} Request;

typedef struct
{
  JustSyncOpKind kind;
  JustSyncScope *scope;
  char *path;
  char *soft_delete_attribute;
  gboolean bulk;
  GQueue requests;                  /* Request */
  Request *current;
  GPtrArray *results;
  guint auth_generation;            /* of the credentials of the request in flight */
} PushData;

static void
appwrite_store_request_free (Request *request)
{
  g_ptr_array_unref (request->ops);
  g_free (request);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Request, appwrite_store_request_free)

static Request *
appwrite_store_request_new (RequestKind kind)
{
  Request *request = g_new0 (Request, 1);

  request->kind = kind;
  request->ops = g_ptr_array_new_with_free_func ((GDestroyNotify) just_sync_pending_op_unref);
  return request;
}

static void
appwrite_store_push_data_free (PushData *data)
{
  just_sync_scope_unref (data->scope);
  g_free (data->path);
  g_free (data->soft_delete_attribute);
  g_queue_clear_full (&data->requests, (GDestroyNotify) appwrite_store_request_free);
  g_clear_pointer (&data->current, appwrite_store_request_free);
  g_ptr_array_unref (data->results);
  g_free (data);
}

/* Queues one request per op of @ops, of @kind, ahead of the rest. */
static void
appwrite_store_queue_alone (PushData    *data,
                            RequestKind  kind,
                            GPtrArray   *ops)
{
  for (guint i = ops->len; i > 0; i--)
    {
      Request *request = appwrite_store_request_new (kind);

      g_ptr_array_add (request->ops, just_sync_pending_op_ref (g_ptr_array_index (ops, i - 1)));
      g_queue_push_head (&data->requests, request);
    }
}

/* Queues one request of @kind for all of @ops, if any, ahead of the rest. */
static void
appwrite_store_queue_bulk (PushData    *data,
                           RequestKind  kind,
                           GPtrArray   *ops)
{
  Request *request;

  if (ops->len == 0)
    return;
  request = appwrite_store_request_new (kind);
  for (guint i = 0; i < ops->len; i++)
    g_ptr_array_add (request->ops, just_sync_pending_op_ref (g_ptr_array_index (ops, i)));
  g_queue_push_head (&data->requests, request);
}

/* Settles @op as written with @document, the server's copy. */
static void
appwrite_store_settle (PushData          *data,
                       JustSyncPendingOp *op,
                       JsonNode          *document)
{
  g_autoptr(JustSyncRecord) reply = NULL;
  g_autoptr(GError) error = NULL;

  reply = _just_sync_appwrite_record_from_document (document, data->scope,
                                                    data->soft_delete_attribute, NULL, &error);
  if (reply == NULL)
    _just_sync_push_results_add_failed (data->results, op, JUST_SYNC_PUSH_RETRY, error->message, 0);
  else if (data->kind == JUST_SYNC_OP_DELETE && !just_sync_record_is_deleted (reply))
    _just_sync_push_results_add_failed (data->results, op, JUST_SYNC_PUSH_REJECTED,
                               _("The server did not keep the deletion time"), 0);
  else
    _just_sync_push_results_add_written (data->results, op, reply);
}

static void
appwrite_store_retry_ops (PushData   *data,
                          GPtrArray  *ops,
                          const char *message,
                          gint64      retry_after)
{
  for (guint i = 0; i < ops->len; i++)
    _just_sync_push_results_add_failed (data->results, g_ptr_array_index (ops, i), JUST_SYNC_PUSH_RETRY, message,
                               retry_after);
}

/* Settles every operation not settled yet as a retry. */
static void
appwrite_store_retry_rest (PushData   *data,
                           const char *message,
                           gint64      retry_after)
{
  Request *request;

  if (data->current != NULL)
    appwrite_store_retry_ops (data, data->current->ops, message, retry_after);
  g_clear_pointer (&data->current, appwrite_store_request_free);
  while ((request = g_queue_pop_head (&data->requests)) != NULL)
    {
      appwrite_store_retry_ops (data, request->ops, message, retry_after);
      appwrite_store_request_free (request);
    }
}

static void
appwrite_store_push_return (GTask *task)
{
  PushData *data = g_task_get_task_data (task);

  g_task_return_pointer (task, g_ptr_array_ref (data->results), (GDestroyNotify) g_ptr_array_unref);
}

/* No usable reply: fail the call when nothing was settled (or it was
 * cancelled), else retry what is left. */
static void
appwrite_store_push_fail (GTask  *task,
                          GError *error)
{
  PushData *data = g_task_get_task_data (task);

  if (data->results->len == 0 || g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_task_return_error (task, error);
      return;
    }
  appwrite_store_retry_rest (data, error->message, 0);
  g_error_free (error);
  appwrite_store_push_return (task);
}

/* The documents of @array by `$id`. */
static GHashTable *
appwrite_store_documents_by_id (JsonArray *array)
{
  GHashTable *by_id = g_hash_table_new (g_str_hash, g_str_equal);

  for (guint i = 0; array != NULL && i < json_array_get_length (array); i++)
    {
      JsonNode *document = json_array_get_element (array, i);
      JsonNode *id;

      if (JSON_NODE_HOLDS_OBJECT (document) &&
          (id = json_object_get_member (json_node_get_object (document),
                                        JUST_SYNC_APPWRITE_ID)) != NULL &&
          json_node_get_value_type (id) == G_TYPE_STRING)
        g_hash_table_insert (by_id, (gpointer) json_node_get_string (id), document);
    }
  return by_id;
}

/* The lookup found @found: queues the writes of its ops. */
static void
appwrite_store_looked_up (PushData             *data,
                          GPtrArray            *ops,
                          GHashTable           *found,
                          JustSyncHttpResponse *response)
{
  g_autoptr(GPtrArray) creates = g_ptr_array_new ();
  g_autoptr(GPtrArray) existing = g_ptr_array_new ();

  for (guint i = 0; i < ops->len; i++)
    {
      JustSyncPendingOp *op = g_ptr_array_index (ops, i);
      gboolean here = g_hash_table_contains (found, just_sync_pending_op_get_record_id (op));

      if (here)
        g_ptr_array_add (existing, op);
      else if (data->kind == JUST_SYNC_OP_UPSERT)
        g_ptr_array_add (creates, op);
      else
        _just_sync_push_results_add_tombstone (data->results, op, appwrite_store_response_time (response));
    }

  if (data->kind == JUST_SYNC_OP_DELETE)
    {
      appwrite_store_queue_alone (data, REQUEST_DELETE, existing);
      return;
    }
  if (!data->bulk)
    {
      appwrite_store_queue_alone (data, REQUEST_UPDATE, existing);
      appwrite_store_queue_alone (data, REQUEST_CREATE, creates);
      return;
    }
  /* A patch is an update of its fields: a bulk upsert would replace. */
  for (guint i = existing->len; i > 0; i--)
    if (just_sync_pending_op_get_fields (g_ptr_array_index (existing, i - 1)) != NULL)
      {
        g_autoptr(GPtrArray) alone = g_ptr_array_new ();

        g_ptr_array_add (alone, g_ptr_array_steal_index (existing, i - 1));
        appwrite_store_queue_alone (data, REQUEST_UPDATE, alone);
      }
  appwrite_store_queue_bulk (data, REQUEST_BULK_UPSERT, existing);
  appwrite_store_queue_bulk (data, REQUEST_BULK_CREATE, creates);
}

/*
 * A reply that is not a success, for the request in flight. 401 fails the
 * call; a transient status retries everything left; a bulk route the
 * server lacks, or a bulk write that failed for its data, is sent again
 * one document a request; a lone write is rejected with the server's
 * message. Returns whether the push goes on; when not, @task was completed.
 */
static gboolean
appwrite_store_request_failed (GTask                *task,
                               JustSyncHttpResponse *response)
{
  JustSyncAppwriteStore *self = g_task_get_source_object (task);
  PushData *data = g_task_get_task_data (task);
  Request *request = data->current;
  const char *type = _just_sync_appwrite_error_type (response->body);
  g_autoptr(GError) error = NULL;

  appwrite_store_set_response_error (&error, response);
  if (response->status == SOUP_STATUS_UNAUTHORIZED)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return FALSE;
    }
  if (just_sync_error_is_transient (error))
    {
      appwrite_store_retry_rest (data, error->message, response->retry_after);
      appwrite_store_push_return (task);
      return FALSE;
    }

  switch (request->kind)
    {
    case REQUEST_LOOKUP:
      /* Not the data's fault (a missing collection, a refused query). */
      appwrite_store_push_fail (task, g_steal_pointer (&error));
      return FALSE;
    case REQUEST_BULK_CREATE:
    case REQUEST_BULK_UPSERT:
      if (response->status == SOUP_STATUS_METHOD_NOT_ALLOWED ||
          g_strcmp0 (type, "general_route_not_found") == 0)
        {
          self->bulk_missing = TRUE;
          data->bulk = FALSE;
        }
      appwrite_store_queue_alone (data,
                                  request->kind == REQUEST_BULK_CREATE ? REQUEST_CREATE
                                                                       : REQUEST_UPDATE,
                                  request->ops);
      break;
    case REQUEST_UPDATE:
      /* Deleted since the lookup: make it again. */
      if (response->status == SOUP_STATUS_NOT_FOUND)
        appwrite_store_queue_alone (data, REQUEST_CREATE, request->ops);
      else
        _just_sync_push_results_add_failed (data->results, g_ptr_array_index (request->ops, 0),
                                   JUST_SYNC_PUSH_REJECTED, error->message, 0);
      break;
    case REQUEST_DELETE:
      if (response->status == SOUP_STATUS_NOT_FOUND)
        _just_sync_push_results_add_tombstone (data->results, g_ptr_array_index (request->ops, 0),
                                      appwrite_store_response_time (response));
      else
        _just_sync_push_results_add_failed (data->results, g_ptr_array_index (request->ops, 0),
                                   JUST_SYNC_PUSH_REJECTED, error->message, 0);
      break;
    case REQUEST_CREATE:
    default:
      /* The lookup did not find it in this scope: 409 means another has it. */
      _just_sync_push_results_add_failed (data->results, g_ptr_array_index (request->ops, 0),
                                 JUST_SYNC_PUSH_REJECTED,
                                 response->status == SOUP_STATUS_CONFLICT
                                   ? _("The id belongs to a record outside this scope")
                                   : error->message,
                                 0);
      break;
    }
  g_clear_pointer (&data->current, appwrite_store_request_free);
  return TRUE;
}

static void appwrite_store_push_next (GTask *task);

static void
appwrite_store_request_sent_cb (GObject      *object,
                                GAsyncResult *result,
                                gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  PushData *data = g_task_get_task_data (task);
  g_autoptr(JustSyncHttpResponse) response = NULL;
  g_autoptr(GHashTable) by_id = NULL;
  g_autoptr(Request) request = NULL;
  GError *error = NULL;

  response = appwrite_store_send_finish (g_task_get_source_object (task), data->auth_generation,
                                         result, &error);
  if (response == NULL)
    {
      appwrite_store_push_fail (task, error);
      return;
    }
  if (!_just_sync_http_response_is_success (response))
    {
      if (appwrite_store_request_failed (task, response))
        appwrite_store_push_next (g_steal_pointer (&task));
      return;
    }

  request = g_steal_pointer (&data->current);
  switch (request->kind)
    {
    case REQUEST_LOOKUP:
    case REQUEST_BULK_CREATE:
    case REQUEST_BULK_UPSERT:
      {
        JsonArray *documents = _just_sync_appwrite_reply_documents (response->body);

        if (documents == NULL)
          {
            /* A success that is not documents: what was written is unknown. */
            data->current = g_steal_pointer (&request);
            appwrite_store_retry_rest (data, _("The server answered without a list of documents"), 0);
            appwrite_store_push_return (task);
            return;
          }
        by_id = appwrite_store_documents_by_id (documents);
        if (request->kind == REQUEST_LOOKUP)
          {
            appwrite_store_looked_up (data, request->ops, by_id, response);
            break;
          }
        for (guint i = 0; i < request->ops->len; i++)
          {
            JustSyncPendingOp *op = g_ptr_array_index (request->ops, i);
            JsonNode *document = g_hash_table_lookup (by_id, just_sync_pending_op_get_record_id (op));

            if (document != NULL)
              appwrite_store_settle (data, op, document);
            else
              _just_sync_push_results_add_failed (data->results, op, JUST_SYNC_PUSH_RETRY,
                                         _("The server did not return the document"), 0);
          }
      }
      break;
    case REQUEST_DELETE:
      if (data->soft_delete_attribute == NULL)
        {
          _just_sync_push_results_add_tombstone (data->results, g_ptr_array_index (request->ops, 0),
                                        appwrite_store_response_time (response));
          break;
        }
      G_GNUC_FALLTHROUGH;
    case REQUEST_CREATE:
    case REQUEST_UPDATE:
    default:
      appwrite_store_settle (data, g_ptr_array_index (request->ops, 0), response->body);
      break;
    }
  appwrite_store_push_next (g_steal_pointer (&task));
}

/* The document a bulk write sends for @op: its data with `$id`. */
static JsonObject *
appwrite_store_op_document (PushData          *data,
                            JustSyncPendingOp *op)
{
  JsonObject *document;

  /* Checked when the push began. */
  document = _just_sync_appwrite_data_from_record (just_sync_pending_op_get_record (op),
                                                   data->scope, data->soft_delete_attribute, NULL);
  json_object_set_string_member (document, JUST_SYNC_APPWRITE_ID,
                                 just_sync_pending_op_get_record_id (op));
  return document;
}

/* The `data` of an update: for a patch only the attributes it changed (a
 * removed one as null), else all. Checked when the push began. */
static JsonObject *
appwrite_store_op_update (PushData          *data,
                          JustSyncPendingOp *op,
                          GError           **error)
{
  g_autoptr(JustSyncRecord) record = _just_sync_pending_op_dup_pushed_record (op);
  JsonObject *fields = _just_sync_appwrite_data_from_record (record, data->scope,
                                                             data->soft_delete_attribute, error);

  if (fields != NULL && just_sync_pending_op_get_fields (op) != NULL)
    _just_sync_pending_op_trim_update (data->scope, fields, NULL);
  return fields;
}

/* The body of the request in flight, or NULL for none. */
static JsonNode *
appwrite_store_request_body (PushData *data)
{
  Request *request = data->current;
  JustSyncPendingOp *op = g_ptr_array_index (request->ops, 0);
  JsonObject *body = json_object_new ();
  JsonObject *fields;

  switch (request->kind)
    {
    case REQUEST_BULK_CREATE:
    case REQUEST_BULK_UPSERT:
      {
        JsonArray *documents = json_array_sized_new (request->ops->len);

        for (guint i = 0; i < request->ops->len; i++)
          json_array_add_object_element (documents,
                                         appwrite_store_op_document (data,
                                                                     g_ptr_array_index (request->ops, i)));
        json_object_set_array_member (body, "documents", documents);
      }
      break;
    case REQUEST_CREATE:
      json_object_set_string_member (body, "documentId", just_sync_pending_op_get_record_id (op));
      fields = _just_sync_appwrite_data_from_record (just_sync_pending_op_get_record (op),
                                                     data->scope, data->soft_delete_attribute, NULL);
      json_object_set_object_member (body, "data", fields);
      break;
    case REQUEST_UPDATE:
      fields = appwrite_store_op_update (data, op, NULL);
      json_object_set_object_member (body, "data", fields);
      break;
    case REQUEST_DELETE:
      {
        JustSyncRecord *record = just_sync_pending_op_get_record (op);
        gint64 when = record != NULL ? just_sync_record_get_deleted_at (record) : 0;
        g_autofree char *stamp = NULL;

        if (data->soft_delete_attribute == NULL)
          {
            json_object_unref (body);
            return NULL;
          }
        stamp = _just_sync_appwrite_format_time (when != 0 ? when : just_sync_timestamp_now ());
        fields = json_object_new ();
        json_object_set_string_member (fields, data->soft_delete_attribute, stamp);
        json_object_set_object_member (body, "data", fields);
      }
      break;
    case REQUEST_LOOKUP:
    default:
      json_object_unref (body);
      return NULL;
    }
  return appwrite_store_node_take_object (body);
}

/* Sends the next request, or completes the push when nothing is left. */
static void
appwrite_store_push_next (GTask *task)
{
  JustSyncAppwriteStore *self = g_task_get_source_object (task);
  PushData *data = g_task_get_task_data (task);
  g_autoptr(JsonNode) body = NULL;
  g_autofree char *path = NULL;
  g_autofree char *query = NULL;
  const char *method;
  const char *id;

  if (g_task_return_error_if_cancelled (task))
    {
      g_object_unref (task);
      return;
    }
  if ((data->current = g_queue_pop_head (&data->requests)) == NULL)
    {
      appwrite_store_push_return (task);
      g_object_unref (task);
      return;
    }

  id = just_sync_pending_op_get_record_id (g_ptr_array_index (data->current->ops, 0));
  body = appwrite_store_request_body (data);
  switch (data->current->kind)
    {
    case REQUEST_LOOKUP:
      {
        g_autofree const char **ids = g_new0 (const char *, data->current->ops->len);

        for (guint i = 0; i < data->current->ops->len; i++)
          ids[i] = just_sync_pending_op_get_record_id (g_ptr_array_index (data->current->ops, i));
        query = _just_sync_appwrite_lookup_query (data->scope, ids, data->current->ops->len);
        method = "GET";
      }
      break;
    case REQUEST_BULK_CREATE:
    case REQUEST_CREATE:
      method = "POST";
      break;
    case REQUEST_BULK_UPSERT:
      method = "PUT";
      break;
    case REQUEST_UPDATE:
      path = g_strconcat (data->path, "/", id, NULL);
      method = "PATCH";
      break;
    case REQUEST_DELETE:
    default:
      path = g_strconcat (data->path, "/", id, NULL);
      method = body != NULL ? "PATCH" : "DELETE";
      break;
    }

  data->auth_generation = self->auth_generation;
  appwrite_store_send (self, method, path != NULL ? path : data->path, query, body, task,
                       appwrite_store_request_sent_cb);
}

static void
appwrite_store_push_async (JustSyncAppwriteStore *self,
                           JustSyncOpKind         kind,
                           JustSyncScope         *scope,
                           GPtrArray             *ops,
                           GCancellable          *cancellable,
                           GAsyncReadyCallback    callback,
                           gpointer               user_data,
                           gpointer               source_tag)
{
  g_autoptr(GTask) task = NULL;
  g_autofree char *path = NULL;
  GError *error = NULL;
  Request *lookup = NULL;
  PushData *data;

  if ((path = appwrite_store_documents_path (self, scope, &error)) == NULL)
    {
      g_task_report_error (self, callback, user_data, source_tag, error);
      return;
    }

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, source_tag);

  data = g_new0 (PushData, 1);
  data->kind = kind;
  data->scope = just_sync_scope_ref (scope);
  data->path = g_steal_pointer (&path);
  data->soft_delete_attribute = g_strdup (self->soft_delete_attribute);
  /* Bulk routes are for server keys only. */
  data->bulk = self->bulk_writes && !self->bulk_missing && self->api_key != NULL &&
               !appwrite_store_is_user (self);
  g_queue_init (&data->requests);
  data->results = g_ptr_array_new_with_free_func ((GDestroyNotify) just_sync_push_result_unref);
  g_task_set_task_data (task, data, (GDestroyNotify) appwrite_store_push_data_free);

  for (guint i = 0; i < ops->len; i++)
    {
      JustSyncPendingOp *op = g_ptr_array_index (ops, i);
      const char *id = just_sync_pending_op_get_record_id (op);

      if (!_just_sync_appwrite_is_id (id))
        {
          _just_sync_push_results_add_failed (data->results, op, JUST_SYNC_PUSH_REJECTED,
                                     _("Appwrite ids are at most 36 letters, digits, “.”, “-” "
                                       "and “_”"), 0);
          continue;
        }
      if (kind == JUST_SYNC_OP_UPSERT)
        {
          g_autoptr(JsonObject) fields = NULL;
          g_autoptr(GError) fields_error = NULL;

          fields = _just_sync_appwrite_data_from_record (just_sync_pending_op_get_record (op),
                                                         scope, data->soft_delete_attribute,
                                                         &fields_error);
          if (fields != NULL && just_sync_pending_op_get_fields (op) != NULL)
            {
              g_clear_pointer (&fields, json_object_unref);
              fields = appwrite_store_op_update (data, op, &fields_error);
            }
          if (fields == NULL)
            {
              _just_sync_push_results_add_failed (data->results, op, JUST_SYNC_PUSH_REJECTED,
                                         fields_error->message, 0);
              continue;
            }
        }
      if (lookup == NULL || lookup->ops->len == BATCH_SIZE)
        {
          lookup = appwrite_store_request_new (REQUEST_LOOKUP);
          g_queue_push_tail (&data->requests, lookup);
        }
      g_ptr_array_add (lookup->ops, just_sync_pending_op_ref (op));
    }

  appwrite_store_push_next (g_steal_pointer (&task));
}

static void
just_sync_appwrite_store_batch_upsert_async (JustSyncRemoteStore *store,
                                             JustSyncScope       *scope,
                                             GPtrArray           *ops,
                                             GCancellable        *cancellable,
                                             GAsyncReadyCallback  callback,
                                             gpointer             user_data)
{
  appwrite_store_push_async (JUST_SYNC_APPWRITE_STORE (store), JUST_SYNC_OP_UPSERT, scope, ops,
                             cancellable, callback, user_data,
                             just_sync_appwrite_store_batch_upsert_async);
}

static void
just_sync_appwrite_store_batch_delete_async (JustSyncRemoteStore *store,
                                             JustSyncScope       *scope,
                                             GPtrArray           *ops,
                                             GCancellable        *cancellable,
                                             GAsyncReadyCallback  callback,
                                             gpointer             user_data)
{
  appwrite_store_push_async (JUST_SYNC_APPWRITE_STORE (store), JUST_SYNC_OP_DELETE, scope, ops,
                             cancellable, callback, user_data,
                             just_sync_appwrite_store_batch_delete_async);
}

static GPtrArray *
just_sync_appwrite_store_batch_finish (JustSyncRemoteStore  *store,
                                       GAsyncResult         *result,
                                       GError              **error)
{
  g_return_val_if_fail (g_task_is_valid (result, store), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/* --- server time -------------------------------------------------------- */

static void
appwrite_store_server_time_cb (GObject      *object,
                               GAsyncResult *result,
                               gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(JustSyncHttpResponse) response = NULL;
  GError *error = NULL;
  gint64 usec;

  response = _just_sync_http_client_send_finish (JUST_SYNC_HTTP_CLIENT (object), result, &error);
  if (response == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  if (_just_sync_http_response_is_success (response) &&
      _just_sync_appwrite_parse_health_time (response->body, &usec))
    {
      g_task_return_int (task, usec);
      return;
    }

  /* A JWT or a key without `health.read` is refused (401), but the reply
   * still has a Date; only an unusable server is an error. */
  if (response->date == 0 || response->status >= 500)
    {
      if (!_just_sync_http_response_is_success (response))
        appwrite_store_set_response_error (&error, response);
      else
        g_set_error (&error, JUST_SYNC_ERROR, JUST_SYNC_ERROR_SERVER,
                     _("The server sent neither its time nor a Date header"));
      g_task_return_error (task, error);
      return;
    }
  /* Date is truncated to its second: its middle is the best guess. */
  g_task_return_int (task, response->date + G_USEC_PER_SEC / 2);
}

static void
just_sync_appwrite_store_get_server_time_async (JustSyncRemoteStore *store,
                                                GCancellable        *cancellable,
                                                GAsyncReadyCallback  callback,
                                                gpointer             user_data)
{
  JustSyncAppwriteStore *self = JUST_SYNC_APPWRITE_STORE (store);
  GTask *task;

  if (self->client == NULL)
    {
      g_task_report_error (self, callback, user_data,
                           just_sync_appwrite_store_get_server_time_async,
                           g_error_copy (self->client_error));
      return;
    }

  task = g_task_new (store, cancellable, callback, user_data);
  g_task_set_source_tag (task, just_sync_appwrite_store_get_server_time_async);
  appwrite_store_send (self, "GET", "/health/time", NULL, NULL, task,
                       appwrite_store_server_time_cb);
}

static gint64
just_sync_appwrite_store_get_server_time_finish (JustSyncRemoteStore  *store,
                                                 GAsyncResult         *result,
                                                 GError              **error)
{
  g_return_val_if_fail (g_task_is_valid (result, store), 0);

  return g_task_propagate_int (G_TASK (result), error);
}

/* A server on the loopback interface (a development server, or one next
 * to the app) is reachable with no network. */
static gboolean
just_sync_appwrite_store_needs_network (JustSyncRemoteStore *store)
{
  return !_just_sync_http_url_is_loopback (JUST_SYNC_APPWRITE_STORE (store)->endpoint);
}

/* Replaces *@field with a copy of @value, notifying @prop when it changed;
 * returns whether it did. */
static gboolean
appwrite_store_set_string (JustSyncAppwriteStore  *self,
                           char                  **field,
                           const char             *value,
                           guint                   prop)
{
  if (g_strcmp0 (*field, value) == 0)
    return FALSE;
  g_free (*field);
  *field = g_strdup (value);
  g_object_notify_by_pspec (G_OBJECT (self), properties[prop]);
  return TRUE;
}

/* --- signing in --------------------------------------------------------- */

/*
 * A session, not a JWT. An app that is not a browser signs in with an email
 * address and a password (`POST /account/sessions/email`) and keeps the
 * session the server makes, sending its secret back as `X-Appwrite-Session`
 * (what the server SDKs' `setSession()` sends). A JWT (`POST /account/jwt`)
 * can only be made from such a session, lasts 15 minutes and is
 * rate-limited per user: it would add a renewal every few minutes on top of
 * the session it needs anyway. A session lasts as long as the project's
 * session length (a year by default) and is extended with
 * `PATCH /account/sessions/current` before it ends.
 */

/* A string member of @body, or NULL. */
static const char *
appwrite_store_body_string (JsonNode   *body,
                            const char *name)
{
  JsonNode *member;

  if (body == NULL || !JSON_NODE_HOLDS_OBJECT (body) ||
      (member = json_object_get_member (json_node_get_object (body), name)) == NULL ||
      json_node_get_value_type (member) != G_TYPE_STRING)
    return NULL;
  return json_node_get_string (member);
}

/* A time member of @body in microseconds, or 0. */
static gint64
appwrite_store_body_time (JsonNode   *body,
                          const char *name)
{
  const char *text = appwrite_store_body_string (body, name);
  gint64 usec = 0;

  if (text == NULL || !just_sync_timestamp_parse (text, &usec, NULL))
    return 0;
  return usec;
}

/*
 * The secret of the session a sign-in made: `secret`, which the server
 * fills in for callers with an API key only; else the session cookie
 * `a_session_<project>`; else the same cookie in `X-Fallback-Cookies`
 * (which the server sends to clients that keep no cookies).
 */
static char *
appwrite_store_dup_session_secret (JustSyncAppwriteStore *self,
                                   JustSyncHttpResponse  *response)
{
  g_autofree char *cookie_name = g_strconcat ("a_session_", self->project, NULL);
  const char *secret = appwrite_store_body_string (response->body, "secret");
  SoupMessageHeadersIter iter;
  const char *name, *value;
  g_autoptr(JsonNode) fallback = NULL;

  if (secret != NULL && secret[0] != '\0')
    return g_strdup (secret);

  soup_message_headers_iter_init (&iter, response->headers);
  while (soup_message_headers_iter_next (&iter, &name, &value))
    {
      SoupCookie *cookie;
      char *found = NULL;

      if (g_ascii_strcasecmp (name, "Set-Cookie") != 0 ||
          (cookie = soup_cookie_parse (value, NULL)) == NULL)
        continue;
      if (g_strcmp0 (soup_cookie_get_name (cookie), cookie_name) == 0 &&
          soup_cookie_get_value (cookie)[0] != '\0')
        found = g_strdup (soup_cookie_get_value (cookie));
      soup_cookie_free (cookie);
      if (found != NULL)
        return found;
    }

  value = soup_message_headers_get_one (response->headers, "X-Fallback-Cookies");
  if (value != NULL && (fallback = _just_sync_json_parse (value, -1, 2, NULL)) != NULL &&
      (secret = appwrite_store_body_string (fallback, cookie_name)) != NULL && secret[0] != '\0')
    return g_strdup (secret);
  return NULL;
}

/* Takes the lifetime of a session that ends at @expires, seen at @now. */
static void
appwrite_store_set_expiry (JustSyncAppwriteStore *self,
                           gint64                 expires,
                           gint64                 since)
{
  self->session_expires = expires;
  self->session_margin = expires != 0 && since != 0 ?
    CLAMP ((expires - since) / 5, 0, MAX_SESSION_MARGIN) : 0;
}

/* A request of the Account API, with @session, else the API key if any
 * (with one, a new session's secret comes back in the reply, as in
 * Appwrite's server-side rendering flow). */
static void
appwrite_store_account_send (JustSyncAppwriteStore *self,
                             const char            *method,
                             const char            *path,
                             JsonNode              *body,
                             const char            *session,
                             GCancellable          *cancellable,
                             GAsyncReadyCallback    callback,
                             gpointer               user_data)
{
  g_autoptr(SoupMessage) message = appwrite_store_new_message (self, method, path, NULL, body);

  if (session != NULL)
    soup_message_headers_replace (soup_message_get_request_headers (message),
                                  "X-Appwrite-Session", session);
  else if (self->api_key != NULL)
    soup_message_headers_replace (soup_message_get_request_headers (message),
                                  "X-Appwrite-Key", self->api_key);
  _just_sync_http_client_send_async (self->client, message, cancellable, callback, user_data);
}

typedef struct
{
  JustSyncAppwriteStore *self;
  guint generation;
} RenewData;

static void
appwrite_store_renew_cb (GObject      *object,
                         GAsyncResult *result,
                         gpointer      user_data)
{
  g_autofree RenewData *renew = user_data;
  g_autoptr(JustSyncAppwriteStore) self = renew->self;
  g_autoptr(JustSyncHttpResponse) response = NULL;
  g_autoptr(GError) error = NULL;
  gint64 expires;

  response = _just_sync_http_client_send_finish (JUST_SYNC_HTTP_CLIENT (object), result, &error);
  if (renew->generation != self->auth_generation)
    return;
  self->renewing = FALSE;
  if (response == NULL)
    g_debug ("Could not extend the Appwrite session: %s", error->message);
  else if (_just_sync_http_response_is_success (response) &&
           (expires = appwrite_store_body_time (response->body, "expire")) != 0)
    appwrite_store_set_expiry (self, expires, g_get_real_time ());
  else if (response->status == SOUP_STATUS_UNAUTHORIZED)
    appwrite_store_session_refused (self);
  /* Anything else leaves the session as it is: the requests that use it
   * find out what it is worth. */
}

/* Extends the session, without holding requests back, when it is about to
 * end. Once it has ended the server refuses the extension too. */
static void
appwrite_store_renew_session (JustSyncAppwriteStore *self)
{
  RenewData *renew;

  if (self->session == NULL || self->session_expires == 0 || self->renewing ||
      g_get_real_time () + self->session_margin < self->session_expires)
    return;

  self->renewing = TRUE;
  renew = g_new0 (RenewData, 1);
  renew->self = g_object_ref (self);
  renew->generation = self->auth_generation;
  appwrite_store_account_send (self, "PATCH", "/account/sessions/current", NULL, self->session,
                               NULL, appwrite_store_renew_cb, renew);
}

/* Forgets the session and the JWT; the API key stays. */
static void
appwrite_store_forget_session (JustSyncAppwriteStore *self)
{
  self->auth_generation++;
  self->renewing = FALSE;
  appwrite_store_set_expiry (self, 0, 0);
  appwrite_store_set_string (self, &self->session, NULL, PROP_SESSION);
  appwrite_store_set_string (self, &self->jwt, NULL, PROP_JWT);
}

/* An Account API refusal: a 4xx other than 408 and 429 is
 * %JUST_SYNC_ERROR_AUTH (a wrong password, a blocked user, a session
 * that is over). */
static void
appwrite_store_set_account_error (GError               **error,
                                  JustSyncHttpResponse  *response,
                                  const char            *what)
{
  g_autofree char *message = _just_sync_appwrite_dup_error_message (response->body,
                                                                    response->status);

  if (response->status >= 400 && response->status < 500 &&
      response->status != 408 && response->status != 429)
    g_set_error (error, JUST_SYNC_ERROR, JUST_SYNC_ERROR_AUTH,
                 /* TRANSLATORS: the first %s says what was refused */
                 _("%s: %s (HTTP %u)"), what, message, response->status);
  else
    _just_sync_http_set_status_error (error, response->status, message);
}

typedef struct
{
  char *secret;
  gint64 expires;
  gint64 created;
} SignInData;

static void
appwrite_store_sign_in_data_free (SignInData *data)
{
  if (data->secret != NULL)
    explicit_bzero (data->secret, strlen (data->secret));
  g_free (data->secret);
  g_free (data);
}

static void
appwrite_store_account_cb (GObject      *object,
                           GAsyncResult *result,
                           gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  JustSyncAppwriteStore *self = g_task_get_source_object (task);
  SignInData *data = g_task_get_task_data (task);
  g_autoptr(JustSyncHttpResponse) response = NULL;
  GError *error = NULL;
  const char *user_id;

  response = _just_sync_http_client_send_finish (JUST_SYNC_HTTP_CLIENT (object), result, &error);
  if (response == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  if (!_just_sync_http_response_is_success (response))
    {
      appwrite_store_set_account_error (&error, response,
                                        _("Appwrite did not accept the session it made"));
      g_task_return_error (task, error);
      return;
    }
  if ((user_id = appwrite_store_body_string (response->body, JUST_SYNC_APPWRITE_ID)) == NULL ||
      user_id[0] == '\0')
    {
      g_task_return_new_error (task, JUST_SYNC_ERROR, JUST_SYNC_ERROR_SERVER,
                               _("Appwrite answered without the account’s id"));
      return;
    }

  g_object_freeze_notify (G_OBJECT (self));
  appwrite_store_forget_session (self);
  self->signed_out = FALSE;
  appwrite_store_set_string (self, &self->session, data->secret, PROP_SESSION);
  appwrite_store_set_expiry (self, data->expires,
                             data->created != 0 ? data->created : g_get_real_time ());
  _just_sync_remote_store_update_auth (JUST_SYNC_REMOTE_STORE (self), user_id, TRUE);
  g_object_thaw_notify (G_OBJECT (self));
  just_sync_remote_store_emit_credentials_changed (JUST_SYNC_REMOTE_STORE (self));
  g_task_return_boolean (task, TRUE);
}

static void
appwrite_store_session_created_cb (GObject      *object,
                                   GAsyncResult *result,
                                   gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  JustSyncAppwriteStore *self = g_task_get_source_object (task);
  g_autoptr(JustSyncHttpResponse) response = NULL;
  GCancellable *cancellable;
  GError *error = NULL;
  SignInData *data;

  response = _just_sync_http_client_send_finish (JUST_SYNC_HTTP_CLIENT (object), result, &error);
  if (response == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  if (!_just_sync_http_response_is_success (response))
    {
      appwrite_store_set_account_error (&error, response, _("Appwrite refused the sign-in"));
      g_task_return_error (task, error);
      return;
    }

  data = g_new0 (SignInData, 1);
  g_task_set_task_data (task, data, (GDestroyNotify) appwrite_store_sign_in_data_free);
  if ((data->secret = appwrite_store_dup_session_secret (self, response)) == NULL)
    {
      g_task_return_new_error (task, JUST_SYNC_ERROR, JUST_SYNC_ERROR_SERVER,
                               _("Appwrite made a session but sent no secret for it"));
      return;
    }
  data->expires = appwrite_store_body_time (response->body, "expire");
  data->created = appwrite_store_body_time (response->body, "$createdAt");

  /* The account is the user id, and the proof that the session works. */
  cancellable = g_task_get_cancellable (task);
  appwrite_store_account_send (self, "GET", "/account", NULL, data->secret, cancellable,
                               appwrite_store_account_cb, g_steal_pointer (&task));
}

/* An email session: POST /account/sessions/email, then GET /account. */
static void
just_sync_appwrite_store_sign_in_async (JustSyncRemoteStore *store,
                                        const char          *identity,
                                        const char          *password,
                                        GCancellable        *cancellable,
                                        GAsyncReadyCallback  callback,
                                        gpointer             user_data)
{
  JustSyncAppwriteStore *self = JUST_SYNC_APPWRITE_STORE (store);
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);
  g_autoptr(JsonNode) body = json_node_new (JSON_NODE_OBJECT);

  g_task_set_source_tag (task, just_sync_appwrite_store_sign_in_async);
  if (self->client == NULL)
    {
      g_task_return_error (task, g_error_copy (self->client_error));
      return;
    }

  json_node_take_object (body, json_object_new ());
  json_object_set_string_member (json_node_get_object (body), "email", identity);
  json_object_set_string_member (json_node_get_object (body), "password", password);
  appwrite_store_account_send (self, "POST", "/account/sessions/email", body, NULL, cancellable,
                               appwrite_store_session_created_cb, g_steal_pointer (&task));
}

static void
appwrite_store_sign_out_cb (GObject      *object,
                            GAsyncResult *result,
                            gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(JustSyncHttpResponse) response = NULL;
  GError *error = NULL;

  response = _just_sync_http_client_send_finish (JUST_SYNC_HTTP_CLIENT (object), result, &error);
  /* 401: the session had already ended, which is what was asked. */
  if (response != NULL && !_just_sync_http_response_is_success (response) &&
      response->status != SOUP_STATUS_UNAUTHORIZED)
    appwrite_store_set_response_error (&error, response);
  if (error != NULL)
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

/* Forgets the session at once, then deletes it on the server
 * (DELETE /account/sessions/current) when there is one. */
static void
just_sync_appwrite_store_sign_out_async (JustSyncRemoteStore *store,
                                         GCancellable        *cancellable,
                                         GAsyncReadyCallback  callback,
                                         gpointer             user_data)
{
  JustSyncAppwriteStore *self = JUST_SYNC_APPWRITE_STORE (store);
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);
  g_autofree char *session = g_strdup (self->session);

  g_task_set_source_tag (task, just_sync_appwrite_store_sign_out_async);
  g_object_freeze_notify (G_OBJECT (self));
  appwrite_store_forget_session (self);
  self->signed_out = TRUE;
  _just_sync_remote_store_update_auth (store, NULL, FALSE);
  g_object_thaw_notify (G_OBJECT (self));

  if (session == NULL || self->client == NULL)
    {
      g_task_return_boolean (task, TRUE);
      return;
    }
  appwrite_store_account_send (self, "DELETE", "/account/sessions/current", NULL, session,
                               cancellable, appwrite_store_sign_out_cb, g_steal_pointer (&task));
}

static gboolean
just_sync_appwrite_store_sign_finish (JustSyncRemoteStore  *store,
                                      GAsyncResult         *result,
                                      GError              **error)
{
  g_return_val_if_fail (g_task_is_valid (result, store), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/* --- GObject ------------------------------------------------------------ */

static void
remote_store_iface_init (JustSyncRemoteStoreInterface *iface)
{
  iface->needs_network = just_sync_appwrite_store_needs_network;
  iface->fetch_since_async = just_sync_appwrite_store_fetch_since_async;
  iface->fetch_since_finish = just_sync_appwrite_store_fetch_since_finish;
  iface->batch_upsert_async = just_sync_appwrite_store_batch_upsert_async;
  iface->batch_upsert_finish = just_sync_appwrite_store_batch_finish;
  iface->batch_delete_async = just_sync_appwrite_store_batch_delete_async;
  iface->batch_delete_finish = just_sync_appwrite_store_batch_finish;
  iface->get_server_time_async = just_sync_appwrite_store_get_server_time_async;
  iface->get_server_time_finish = just_sync_appwrite_store_get_server_time_finish;
  iface->sign_in_async = just_sync_appwrite_store_sign_in_async;
  iface->sign_in_finish = just_sync_appwrite_store_sign_finish;
  iface->sign_out_async = just_sync_appwrite_store_sign_out_async;
  iface->sign_out_finish = just_sync_appwrite_store_sign_finish;
}

static void
just_sync_appwrite_store_constructed (GObject *object)
{
  JustSyncAppwriteStore *self = (JustSyncAppwriteStore *) object;

  G_OBJECT_CLASS (just_sync_appwrite_store_parent_class)->constructed (object);

  if (self->endpoint == NULL)
    g_set_error_literal (&self->client_error, JUST_SYNC_ERROR, JUST_SYNC_ERROR_INVALID_ARGUMENT,
                         _("The Appwrite store has no endpoint"));
  else
    self->client = _just_sync_http_client_new (self->endpoint, &self->client_error);
  if (self->client != NULL)
    _just_sync_http_client_set_timeout (self->client, self->timeout);
}

static void
just_sync_appwrite_store_finalize (GObject *object)
{
  JustSyncAppwriteStore *self = (JustSyncAppwriteStore *) object;

  g_clear_object (&self->client);
  g_clear_error (&self->client_error);
  g_clear_pointer (&self->endpoint, g_free);
  g_clear_pointer (&self->project, g_free);
  g_clear_pointer (&self->database, g_free);
  g_clear_pointer (&self->api_key, g_free);
  g_clear_pointer (&self->jwt, g_free);
  g_clear_pointer (&self->session, g_free);
  g_clear_pointer (&self->response_format, g_free);
  g_clear_pointer (&self->soft_delete_attribute, g_free);
  g_clear_pointer (&self->collections, g_hash_table_unref);

  G_OBJECT_CLASS (just_sync_appwrite_store_parent_class)->finalize (object);
}

static void
just_sync_appwrite_store_get_property (GObject    *object,
                                       guint       prop_id,
                                       GValue     *value,
                                       GParamSpec *pspec)
{
  JustSyncAppwriteStore *self = JUST_SYNC_APPWRITE_STORE (object);

  switch (prop_id)
    {
    case PROP_ENDPOINT:
      g_value_set_string (value, self->endpoint);
      break;
    case PROP_PROJECT:
      g_value_set_string (value, self->project);
      break;
    case PROP_DATABASE:
      g_value_set_string (value, self->database);
      break;
    case PROP_API_KEY:
      g_value_set_string (value, self->api_key);
      break;
    case PROP_JWT:
      g_value_set_string (value, self->jwt);
      break;
    case PROP_SESSION:
      g_value_set_string (value, self->session);
      break;
    case PROP_USER_ID:
      g_value_set_string (value, just_sync_remote_store_get_user_id (JUST_SYNC_REMOTE_STORE (self)));
      break;
    case PROP_AUTHENTICATED:
      g_value_set_boolean (value, just_sync_remote_store_get_authenticated (JUST_SYNC_REMOTE_STORE (self)));
      break;
    case PROP_RESPONSE_FORMAT:
      g_value_set_string (value, self->response_format);
      break;
    case PROP_SOFT_DELETE_ATTRIBUTE:
      g_value_set_string (value, self->soft_delete_attribute);
      break;
    case PROP_BULK_WRITES:
      g_value_set_boolean (value, self->bulk_writes);
      break;
    case PROP_PAGE_SIZE:
      g_value_set_uint (value, self->page_size);
      break;
    case PROP_TIMEOUT:
      g_value_set_uint (value, self->timeout);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
appwrite_store_set_uint (JustSyncAppwriteStore *self,
                         guint                 *field,
                         guint                  value,
                         guint                  prop)
{
  if (*field == value)
    return;
  *field = value;
  g_object_notify_by_pspec (G_OBJECT (self), properties[prop]);
}

/*
 * The app's own session secret or JWT (or the same one again, after a
 * sign-out or a refusal): what failed for the want of it may work now. A
 * new one is another user, as far as the store knows.
 */
static void
appwrite_store_set_user_credential (JustSyncAppwriteStore *self,
                                    guint                  prop_id,
                                    const char            *value)
{
  JustSyncRemoteStore *store = JUST_SYNC_REMOTE_STORE (self);
  char **field = prop_id == PROP_SESSION ? &self->session : &self->jwt;
  gboolean same = g_strcmp0 (*field, value) == 0;
  g_autofree char *user_id = NULL;

  if (same && !self->signed_out &&
      (value == NULL || just_sync_remote_store_get_authenticated (store)))
    return;

  user_id = same ? g_strdup (just_sync_remote_store_get_user_id (store)) : NULL;
  g_object_freeze_notify (G_OBJECT (self));
  self->auth_generation++;
  self->renewing = FALSE;
  self->signed_out = FALSE;
  if (prop_id == PROP_SESSION)
    appwrite_store_set_expiry (self, 0, 0);
  appwrite_store_set_string (self, field, value, prop_id);
  _just_sync_remote_store_update_auth (store, user_id, appwrite_store_is_user (self));
  g_object_thaw_notify (G_OBJECT (self));
  just_sync_remote_store_emit_credentials_changed (store);
}

static void
just_sync_appwrite_store_set_property (GObject      *object,
                                       guint         prop_id,
                                       const GValue *value,
                                       GParamSpec   *pspec)
{
  JustSyncAppwriteStore *self = JUST_SYNC_APPWRITE_STORE (object);

  switch (prop_id)
    {
    case PROP_ENDPOINT:
      self->endpoint = g_value_dup_string (value);
      break;
    case PROP_PROJECT:
      self->project = g_value_dup_string (value);
      break;
    case PROP_DATABASE:
      self->database = g_value_dup_string (value);
      break;
    case PROP_API_KEY:
      if (appwrite_store_set_string (self, &self->api_key, g_value_get_string (value), prop_id))
        just_sync_remote_store_emit_credentials_changed (JUST_SYNC_REMOTE_STORE (self));
      break;
    case PROP_JWT:
    case PROP_SESSION:
      appwrite_store_set_user_credential (self, prop_id, g_value_get_string (value));
      break;
    case PROP_RESPONSE_FORMAT:
      appwrite_store_set_string (self, &self->response_format,
                                 g_value_get_string (value) != NULL ? g_value_get_string (value)
                                                                    : DEFAULT_RESPONSE_FORMAT,
                                 prop_id);
      break;
    case PROP_SOFT_DELETE_ATTRIBUTE:
      appwrite_store_set_string (self, &self->soft_delete_attribute, g_value_get_string (value),
                                 prop_id);
      break;
    case PROP_BULK_WRITES:
      if (self->bulk_writes != g_value_get_boolean (value))
        {
          self->bulk_writes = g_value_get_boolean (value);
          g_object_notify_by_pspec (G_OBJECT (self), properties[prop_id]);
        }
      break;
    case PROP_PAGE_SIZE:
      appwrite_store_set_uint (self, &self->page_size, g_value_get_uint (value), prop_id);
      break;
    case PROP_TIMEOUT:
      appwrite_store_set_uint (self, &self->timeout, g_value_get_uint (value), prop_id);
      if (self->client != NULL)
        _just_sync_http_client_set_timeout (self->client, self->timeout);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
just_sync_appwrite_store_class_init (JustSyncAppwriteStoreClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->constructed = just_sync_appwrite_store_constructed;
  object_class->finalize = just_sync_appwrite_store_finalize;
  object_class->get_property = just_sync_appwrite_store_get_property;
  object_class->set_property = just_sync_appwrite_store_set_property;

  /**
   * JustSyncAppwriteStore:endpoint:
   *
   * The API endpoint, such as `https://cloud.appwrite.io/v1` or
   * `http://localhost/v1` for a self-hosted server. An unusable URL makes
   * every call fail with %JUST_SYNC_ERROR_INVALID_ARGUMENT.
   */
  properties[PROP_ENDPOINT] =
    g_param_spec_string ("endpoint", NULL, NULL,
                         NULL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);

  /**
   * JustSyncAppwriteStore:project:
   *
   * The project id, sent as `X-Appwrite-Project`.
   */
  properties[PROP_PROJECT] =
    g_param_spec_string ("project", NULL, NULL,
                         NULL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);

  /**
   * JustSyncAppwriteStore:database:
   *
   * The id of the database that holds the collections.
   */
  properties[PROP_DATABASE] =
    g_param_spec_string ("database", NULL, NULL,
                         NULL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);

  /**
   * JustSyncAppwriteStore:api-key:
   *
   * A server API key, sent as `X-Appwrite-Key` when there is no
   * [property@JustSync.AppwriteStore:jwt]. It needs the `documents.read`
   * and `documents.write` scopes (and `health.read` for the server time).
   */
  properties[PROP_API_KEY] =
    g_param_spec_string ("api-key", NULL, NULL,
                         NULL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * JustSyncAppwriteStore:jwt:
   *
   * A signed-in user's JWT (from `account.createJWT()`), sent as
   * `X-Appwrite-JWT` in place of the API key: the store then acts as
   * that user, under the documents' permissions. %NULL to use the API key.
   */
  properties[PROP_JWT] =
    g_param_spec_string ("jwt", NULL, NULL,
                         NULL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * JustSyncAppwriteStore:session:
   *
   * The secret of a signed-in user's session, sent as `X-Appwrite-Session`
   * in place of the JWT and the API key: the store then acts as that
   * user, under the documents' permissions. Set by
   * [method@JustSync.RemoteStore.sign_in_async]; keep it (in the keyring,
   * see `just_sync_secret_save_session_async()`) and set it again to restore
   * the session without the password. %NULL for none.
   */
  properties[PROP_SESSION] =
    g_param_spec_string ("session", NULL, NULL,
                         NULL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * JustSyncAppwriteStore:user-id:
   *
   * The signed-in user's id (the account's `$id`), %NULL when unknown: a
   * session or JWT the app set names no user. See
   * [method@JustSync.RemoteStore.get_user_id].
   */
  properties[PROP_USER_ID] =
    g_param_spec_string ("user-id", NULL, NULL,
                         NULL,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * JustSyncAppwriteStore:authenticated:
   *
   * Whether the store holds a user's session or JWT it may use: set by a
   * sign-in or by setting one; unset by a sign-out, or when the server
   * refused it (401). See [method@JustSync.RemoteStore.get_authenticated].
   */
  properties[PROP_AUTHENTICATED] =
    g_param_spec_boolean ("authenticated", NULL, NULL,
                          FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * JustSyncAppwriteStore:response-format:
   *
   * The API version sent as `X-Appwrite-Response-Format` on every request,
   * `1.7.0` by default; %NULL restores the default.
   */
  properties[PROP_RESPONSE_FORMAT] =
    g_param_spec_string ("response-format", NULL, NULL,
                         DEFAULT_RESPONSE_FORMAT,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * JustSyncAppwriteStore:soft-delete-attribute:
   *
   * The nullable datetime attribute a delete sets, leaving the document as
   * a tombstone that other clients pull; %NULL (the default) for hard
   * deletes, which other clients see only on a reconcile.
   */
  properties[PROP_SOFT_DELETE_ATTRIBUTE] =
    g_param_spec_string ("soft-delete-attribute", NULL, NULL,
                         NULL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * JustSyncAppwriteStore:bulk-writes:
   *
   * Whether pushes with an API key use the bulk document routes of
   * Appwrite 1.7 and later. The store stops using them by itself when the
   * server turns out not to have them.
   */
  properties[PROP_BULK_WRITES] =
    g_param_spec_boolean ("bulk-writes", NULL, NULL,
                          TRUE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * JustSyncAppwriteStore:page-size:
   *
   * The most documents one pull request asks for (`limit`). Pages stay
   * correct when the server returns fewer.
   */
  properties[PROP_PAGE_SIZE] =
    g_param_spec_uint ("page-size", NULL, NULL,
                       1, G_MAXUINT, DEFAULT_PAGE_SIZE,
                       G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * JustSyncAppwriteStore:timeout:
   *
   * The seconds each request may take, connecting and reading the reply
   * included; 0 for no limit.
   */
  properties[PROP_TIMEOUT] =
    g_param_spec_uint ("timeout", NULL, NULL,
                       0, G_MAXUINT, DEFAULT_TIMEOUT,
                       G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
just_sync_appwrite_store_init (JustSyncAppwriteStore *self)
{
  self->collections = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->response_format = g_strdup (DEFAULT_RESPONSE_FORMAT);
  self->bulk_writes = TRUE;
  self->page_size = DEFAULT_PAGE_SIZE;
  self->timeout = DEFAULT_TIMEOUT;
}

/**
 * just_sync_appwrite_store_new:
 * @endpoint: the API endpoint, such as `https://cloud.appwrite.io/v1`
 * @project: the project id
 * @database: the id of the database that holds the collections
 *
 * Creates a [class@JustSync.AppwriteStore]. Set an API key or a JWT
 * before syncing.
 *
 * Returns: (transfer full): a new store
 */
JustSyncAppwriteStore *
just_sync_appwrite_store_new (const char *endpoint,
                              const char *project,
                              const char *database)
{
  g_return_val_if_fail (endpoint != NULL, NULL);
  g_return_val_if_fail (project != NULL, NULL);
  g_return_val_if_fail (database != NULL, NULL);

  return g_object_new (JUST_SYNC_TYPE_APPWRITE_STORE,
                       "endpoint", endpoint,
                       "project", project,
                       "database", database,
                       NULL);
}

/**
 * just_sync_appwrite_store_get_endpoint:
 * @self: a [class@JustSync.AppwriteStore]
 *
 * Gets the value of [property@JustSync.AppwriteStore:endpoint].
 *
 * Returns: the API endpoint
 */
const char *
just_sync_appwrite_store_get_endpoint (JustSyncAppwriteStore *self)
{
  g_return_val_if_fail (JUST_SYNC_IS_APPWRITE_STORE (self), NULL);

  return self->endpoint;
}

/**
 * just_sync_appwrite_store_get_project:
 * @self: a [class@JustSync.AppwriteStore]
 *
 * Gets the value of [property@JustSync.AppwriteStore:project].
 *
 * Returns: the project id
 */
const char *
just_sync_appwrite_store_get_project (JustSyncAppwriteStore *self)
{
  g_return_val_if_fail (JUST_SYNC_IS_APPWRITE_STORE (self), NULL);

  return self->project;
}

/**
 * just_sync_appwrite_store_get_database:
 * @self: a [class@JustSync.AppwriteStore]
 *
 * Gets the value of [property@JustSync.AppwriteStore:database].
 *
 * Returns: the database id
 */
const char *
just_sync_appwrite_store_get_database (JustSyncAppwriteStore *self)
{
  g_return_val_if_fail (JUST_SYNC_IS_APPWRITE_STORE (self), NULL);

  return self->database;
}

/**
 * just_sync_appwrite_store_get_api_key:
 * @self: a [class@JustSync.AppwriteStore]
 *
 * Gets the value of [property@JustSync.AppwriteStore:api-key].
 *
 * Returns: (nullable): the API key, or %NULL
 */
const char *
just_sync_appwrite_store_get_api_key (JustSyncAppwriteStore *self)
{
  g_return_val_if_fail (JUST_SYNC_IS_APPWRITE_STORE (self), NULL);

  return self->api_key;
}

/**
 * just_sync_appwrite_store_set_api_key:
 * @self: a [class@JustSync.AppwriteStore]
 * @api_key: (nullable): a server API key, or %NULL
 *
 * Sets [property@JustSync.AppwriteStore:api-key].
 */
void
just_sync_appwrite_store_set_api_key (JustSyncAppwriteStore *self,
                                      const char            *api_key)
{
  g_return_if_fail (JUST_SYNC_IS_APPWRITE_STORE (self));

  g_object_set (self, "api-key", api_key, NULL);
}

/**
 * just_sync_appwrite_store_get_jwt:
 * @self: a [class@JustSync.AppwriteStore]
 *
 * Gets the value of [property@JustSync.AppwriteStore:jwt].
 *
 * Returns: (nullable): the JWT, or %NULL
 */
const char *
just_sync_appwrite_store_get_jwt (JustSyncAppwriteStore *self)
{
  g_return_val_if_fail (JUST_SYNC_IS_APPWRITE_STORE (self), NULL);

  return self->jwt;
}

/**
 * just_sync_appwrite_store_set_jwt:
 * @self: a [class@JustSync.AppwriteStore]
 * @jwt: (nullable): a user's JWT, or %NULL
 *
 * Sets [property@JustSync.AppwriteStore:jwt].
 */
void
just_sync_appwrite_store_set_jwt (JustSyncAppwriteStore *self,
                                  const char            *jwt)
{
  g_return_if_fail (JUST_SYNC_IS_APPWRITE_STORE (self));

  g_object_set (self, "jwt", jwt, NULL);
}

/**
 * just_sync_appwrite_store_get_session:
 * @self: a [class@JustSync.AppwriteStore]
 *
 * Gets the value of [property@JustSync.AppwriteStore:session].
 *
 * Returns: (nullable): the session secret, or %NULL
 */
const char *
just_sync_appwrite_store_get_session (JustSyncAppwriteStore *self)
{
  g_return_val_if_fail (JUST_SYNC_IS_APPWRITE_STORE (self), NULL);

  return self->session;
}

/**
 * just_sync_appwrite_store_set_session:
 * @self: a [class@JustSync.AppwriteStore]
 * @session: (nullable): a session secret, or %NULL
 *
 * Sets [property@JustSync.AppwriteStore:session].
 */
void
just_sync_appwrite_store_set_session (JustSyncAppwriteStore *self,
                                      const char            *session)
{
  g_return_if_fail (JUST_SYNC_IS_APPWRITE_STORE (self));

  g_object_set (self, "session", session, NULL);
}

/**
 * just_sync_appwrite_store_get_response_format:
 * @self: a [class@JustSync.AppwriteStore]
 *
 * Gets the value of [property@JustSync.AppwriteStore:response-format].
 *
 * Returns: the API version sent as `X-Appwrite-Response-Format`
 */
const char *
just_sync_appwrite_store_get_response_format (JustSyncAppwriteStore *self)
{
  g_return_val_if_fail (JUST_SYNC_IS_APPWRITE_STORE (self), NULL);

  return self->response_format;
}

/**
 * just_sync_appwrite_store_set_response_format:
 * @self: a [class@JustSync.AppwriteStore]
 * @version: (nullable): an API version such as `1.8.0`, or %NULL for the default
 *
 * Sets [property@JustSync.AppwriteStore:response-format].
 */
void
just_sync_appwrite_store_set_response_format (JustSyncAppwriteStore *self,
                                              const char            *version)
{
  g_return_if_fail (JUST_SYNC_IS_APPWRITE_STORE (self));

  g_object_set (self, "response-format", version, NULL);
}

/**
 * just_sync_appwrite_store_get_soft_delete_attribute:
 * @self: a [class@JustSync.AppwriteStore]
 *
 * Gets the value of [property@JustSync.AppwriteStore:soft-delete-attribute].
 *
 * Returns: (nullable): the soft-delete attribute, or %NULL for hard deletes
 */
const char *
just_sync_appwrite_store_get_soft_delete_attribute (JustSyncAppwriteStore *self)
{
  g_return_val_if_fail (JUST_SYNC_IS_APPWRITE_STORE (self), NULL);

  return self->soft_delete_attribute;
}

/**
 * just_sync_appwrite_store_set_soft_delete_attribute:
 * @self: a [class@JustSync.AppwriteStore]
 * @attribute: (nullable): a nullable datetime attribute, such as `deleted_at`, or %NULL for hard deletes
 *
 * Sets [property@JustSync.AppwriteStore:soft-delete-attribute].
 */
void
just_sync_appwrite_store_set_soft_delete_attribute (JustSyncAppwriteStore *self,
                                                    const char            *attribute)
{
  g_return_if_fail (JUST_SYNC_IS_APPWRITE_STORE (self));

  g_object_set (self, "soft-delete-attribute", attribute, NULL);
}

/**
 * just_sync_appwrite_store_get_bulk_writes:
 * @self: a [class@JustSync.AppwriteStore]
 *
 * Gets the value of [property@JustSync.AppwriteStore:bulk-writes].
 *
 * Returns: whether pushes may use the bulk routes
 */
gboolean
just_sync_appwrite_store_get_bulk_writes (JustSyncAppwriteStore *self)
{
  g_return_val_if_fail (JUST_SYNC_IS_APPWRITE_STORE (self), FALSE);

  return self->bulk_writes;
}

/**
 * just_sync_appwrite_store_set_bulk_writes:
 * @self: a [class@JustSync.AppwriteStore]
 * @bulk_writes: whether pushes may use the bulk routes
 *
 * Sets [property@JustSync.AppwriteStore:bulk-writes].
 */
void
just_sync_appwrite_store_set_bulk_writes (JustSyncAppwriteStore *self,
                                          gboolean               bulk_writes)
{
  g_return_if_fail (JUST_SYNC_IS_APPWRITE_STORE (self));

  g_object_set (self, "bulk-writes", bulk_writes, NULL);
}

/**
 * just_sync_appwrite_store_get_page_size:
 * @self: a [class@JustSync.AppwriteStore]
 *
 * Gets the value of [property@JustSync.AppwriteStore:page-size].
 *
 * Returns: the most documents one pull request asks for
 */
guint
just_sync_appwrite_store_get_page_size (JustSyncAppwriteStore *self)
{
  g_return_val_if_fail (JUST_SYNC_IS_APPWRITE_STORE (self), 0);

  return self->page_size;
}

/**
 * just_sync_appwrite_store_set_page_size:
 * @self: a [class@JustSync.AppwriteStore]
 * @page_size: at least 1
 *
 * Sets [property@JustSync.AppwriteStore:page-size].
 */
void
just_sync_appwrite_store_set_page_size (JustSyncAppwriteStore *self,
                                        guint                  page_size)
{
  g_return_if_fail (JUST_SYNC_IS_APPWRITE_STORE (self));

  g_object_set (self, "page-size", page_size, NULL);
}

/**
 * just_sync_appwrite_store_get_timeout:
 * @self: a [class@JustSync.AppwriteStore]
 *
 * Gets the value of [property@JustSync.AppwriteStore:timeout].
 *
 * Returns: the seconds a request may take, or 0 for no limit
 */
guint
just_sync_appwrite_store_get_timeout (JustSyncAppwriteStore *self)
{
  g_return_val_if_fail (JUST_SYNC_IS_APPWRITE_STORE (self), 0);

  return self->timeout;
}

/**
 * just_sync_appwrite_store_set_timeout:
 * @self: a [class@JustSync.AppwriteStore]
 * @seconds: the seconds a request may take, or 0 for no limit
 *
 * Sets [property@JustSync.AppwriteStore:timeout].
 */
void
just_sync_appwrite_store_set_timeout (JustSyncAppwriteStore *self,
                                      guint                  seconds)
{
  g_return_if_fail (JUST_SYNC_IS_APPWRITE_STORE (self));

  g_object_set (self, "timeout", seconds, NULL);
}

/**
 * just_sync_appwrite_store_set_collection:
 * @self: a [class@JustSync.AppwriteStore]
 * @scope_name: a scope name
 * @collection: (nullable): the collection id of the scopes with that name,
 *   or %NULL for the collection named like them
 *
 * Maps the scopes named @scope_name to @collection.
 */
void
just_sync_appwrite_store_set_collection (JustSyncAppwriteStore *self,
                                         const char            *scope_name,
                                         const char            *collection)
{
  g_return_if_fail (JUST_SYNC_IS_APPWRITE_STORE (self));
  g_return_if_fail (scope_name != NULL);

  if (collection != NULL)
    g_hash_table_replace (self->collections, g_strdup (scope_name), g_strdup (collection));
  else
    g_hash_table_remove (self->collections, scope_name);
}

/**
 * just_sync_appwrite_store_get_collection:
 * @self: a [class@JustSync.AppwriteStore]
 * @scope_name: a scope name
 *
 * Looks up where the scopes named @scope_name are kept on the server: the
 * collection set for them, or the scope name itself.
 *
 * Returns: the collection id the scopes named @scope_name sync with
 */
const char *
just_sync_appwrite_store_get_collection (JustSyncAppwriteStore *self,
                                         const char            *scope_name)
{
  const char *collection;

  g_return_val_if_fail (JUST_SYNC_IS_APPWRITE_STORE (self), NULL);
  g_return_val_if_fail (scope_name != NULL, NULL);

  collection = g_hash_table_lookup (self->collections, scope_name);
  return collection != NULL ? collection : scope_name;
}
