/* justsync-supabase-store.c
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "justsync-pending-op-private.h"
#include "justsync-push-result-private.h"
#include "justsync-delta-private.h"
#include "justsync-error.h"
#include "justsync-http-client-private.h"
#include "justsync-remote-store-private.h"
#include "justsync-supabase-codec-private.h"
#include "justsync-supabase-store.h"
#include "justsync-timestamp.h"

/**
 * JustSyncSupabaseStore:
 *
 * A [iface@JustSync.RemoteStore] that syncs with a [Supabase](https://supabase.com)
 * project, or any server speaking the [PostgREST](https://postgrest.org)
 * dialect, through its REST API.
 *
 * ## Tables
 *
 * A scope's name is its table unless
 * [method@JustSync.SupabaseStore.set_table] maps it elsewhere. Each table
 * needs a text or uuid primary key `id` (the client makes ids: random
 * UUIDs), an `updated_at timestamptz` that a trigger sets to
 * `clock_timestamp()` on every insert and update, an index on
 * `(updated_at, id)`, and for soft deletes a nullable `timestamptz`
 * column named by [property@JustSync.SupabaseStore:soft-delete-column].
 * `data/supabase/justsync-schema.sql` in the source tree makes an example
 * table with all of it, row-level security for per-user rows, and the
 * `justsync_server_time()` function.
 *
 * ## Scopes
 *
 * Every key of a scope is a column: it becomes an `eq.` filter of every
 * read and write, and is written into every pushed row. Pulled rows lose
 * `id`, `updated_at`, the soft-delete column and the scope keys; the rest
 * is the payload. Scope such as "this user's rows" is best enforced by the
 * database as well, with a row-level security policy such as
 * `owner = auth.uid()`.
 *
 * ## Pulls
 *
 * A page is `GET /table` with `<key>=eq.<value>` for each scope key,
 * `updated_at=gte.T`, `or=(updated_at.gt.T,and(updated_at.eq.T,id.gt.I))`,
 * `order=updated_at.asc,id.asc` and `limit=N`.
 * A server may return fewer rows than asked without saying so (Supabase
 * caps every reply at 1,000 rows by default), so a page that is short but
 * not empty is followed by another: only an empty page ends a pull.
 *
 * ## Pushes and conditional writes
 *
 * An operation made on a version pulled from the server (a base version)
 * is conditional: its write matches the row only while `updated_at` still
 * holds that version. Updates are `PATCH /table?id=eq.I&updated_at=eq.T`,
 * one row per request; deletes of many rows are one request with
 * `or=(and(id.eq.I,updated_at.eq.T),…)`. An update made by a patch
 * ([method@JustSync.Orchestrator.patch_async]) sends only the columns it
 * changed, a removed field as null, so another client's change of other
 * columns is kept. When another client wrote first,
 * the write matches no row and the operation comes back as
 * %JUST_SYNC_PUSH_PRECONDITION_FAILED: the engine pulls the other version,
 * resolves the conflict and pushes again on the new version, so no write
 * silently overwrites one the client never saw. An edit of a row that
 * another client deleted for good (a hard delete) makes the row again.
 *
 * Operations without a base version (new records) are inserted in bulk
 * (`POST /table?on_conflict=id` with `Prefer: resolution=ignore-duplicates,return=representation`),
 * in requests of [property@JustSync.SupabaseStore:batch-size] rows with the same
 * columns. An id the server already has is then updated with a `PATCH`
 * filtered on the scope, so a write never moves a row of another scope
 * into this one (`merge-duplicates` would).
 *
 * Deletes are soft (`PATCH` of the soft-delete column) when
 * [property@JustSync.SupabaseStore:soft-delete-column] is set, and hard
 * (`DELETE /table?id=in.(…)`) otherwise; only soft deletes reach other
 * clients through pulls. Every write asks for `Prefer: return=representation`,
 * so a row that row-level security kept from changing (PostgREST answers
 * with no rows and no error) is found: the store looks the row up, and
 * reports a row it can see but could not change as
 * %JUST_SYNC_PUSH_REJECTED. Deleting a row the server does not have (or
 * does not show) is a success. A reply of 401 fails the call with
 * %JUST_SYNC_ERROR_AUTH; 5xx and 429 make the operations retry later.
 *
 * ## Authentication
 *
 * Requests carry the project's API key in `apikey` and
 * `Authorization: Bearer` the [property@JustSync.SupabaseStore:access-token] (a
 * signed-in user's JWT) or, without one, the API key itself.
 *
 * An app that signs its users in itself sets the access token (and the
 * [property@JustSync.SupabaseStore:refresh-token] for renewals). Or
 * [method@JustSync.RemoteStore.sign_in_async] signs in with an email
 * address and a password through Supabase Auth (GoTrue) at
 * [property@JustSync.SupabaseStore:auth-url]:
 * `POST /token?grant_type=password`. The session's access token is renewed
 * with `POST /token?grant_type=refresh_token` before a request when a
 * fifth of its lifetime (at most a minute) is left, or once it has
 * expired; [method@JustSync.RemoteStore.sign_out_async] calls
 * `POST /logout`. The user id is the token's `sub` claim. A token that
 * expired and cannot be renewed, or was revoked, is answered with 401:
 * calls fail with %JUST_SYNC_ERROR_AUTH and every change stays queued
 * until the app signs in again or sets a new token (which emits
 * [signal@JustSync.RemoteStore::credentials-changed]). After a sign-out
 * the store sends nothing until then.
 *
 * ## Server time
 *
 * [method@JustSync.RemoteStore.get_server_time_async] calls the SQL function
 * `justsync_server_time()` over `/rpc/` (microseconds), and falls back to
 * the `Date` header (one second) where the function is missing.
 *
 * ## Realtime
 *
 * Supabase Realtime needs the whole Supabase stack and its own WebSocket
 * protocol; this store does not watch. Set
 * [property@JustSync.Orchestrator:sync-interval] for a periodic pull instead.
 */

#define DEFAULT_PAGE_SIZE 1000
#define DEFAULT_BATCH_SIZE 200
#define MAX_BATCH_SIZE 5000
#define DEFAULT_TIMEOUT 30
/* Ids carried in a query string, per request: keeps URLs near 5 kB. */
#define ID_CHUNK 50
#define TIME_FUNCTION "/rpc/justsync_server_time"
/* A session is renewed a fifth of its lifetime before it ends, at most this. */
#define MAX_TOKEN_MARGIN (60 * G_USEC_PER_SEC)

struct _JustSyncSupabaseStore
{
  GObject parent_instance;

  char *rest_url;
  char *api_key;
  char *access_token;
  char *refresh_token;
  char *auth_url;
  gint64 token_expires;             /* the access token's exp; 0 when unknown */
  gint64 token_margin;
  gboolean signed_out;              /* until a sign-in or a new token */
  guint auth_generation;
  GPtrArray *refresh_waiters;       /* SupabaseSend; non-NULL while renewing */
  JustSyncHttpClient *auth_client;  /* for auth_url, made when first needed */
  char *soft_delete_column;
  GHashTable *tables;               /* scope name → table */
  guint page_size;
  guint batch_size;
  guint timeout;

  JustSyncHttpClient *client;
  GError *client_error;             /* why there is no client */
};

enum
{
  PROP_0,
  PROP_REST_URL,
  PROP_API_KEY,
  PROP_ACCESS_TOKEN,
  PROP_REFRESH_TOKEN,
  PROP_AUTH_URL,
  PROP_USER_ID,
  PROP_AUTHENTICATED,
  PROP_SOFT_DELETE_COLUMN,
  PROP_PAGE_SIZE,
  PROP_BATCH_SIZE,
  PROP_TIMEOUT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void remote_store_iface_init (JustSyncRemoteStoreInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (JustSyncSupabaseStore, just_sync_supabase_store, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (JUST_SYNC_TYPE_REMOTE_STORE,
                                                      remote_store_iface_init))

/* --- requests ----------------------------------------------------------- */

/* The path of the scope's table, or NULL with an error. */
static char *
supabase_store_table_path (JustSyncSupabaseStore  *self,
                           JustSyncScope          *scope,
                           GError                **error)
{
  const char *table = just_sync_supabase_store_get_table (self, just_sync_scope_get_name (scope));

  if (!_just_sync_supabase_is_column_name (table))
    {
      g_set_error (error, JUST_SYNC_ERROR, JUST_SYNC_ERROR_INVALID_ARGUMENT,
                   _("“%s” is not a table name the Supabase store can use"), table);
      return NULL;
    }
  return g_strconcat ("/", table, NULL);
}

/* Whether a call may go out: a usable URL, and not signed out (a request
 * would go out with the API key alone, as nobody). */
static gboolean
supabase_store_check_client (JustSyncSupabaseStore  *self,
                             GError                **error)
{
  if (self->client == NULL)
    {
      g_propagate_error (error, g_error_copy (self->client_error));
      return FALSE;
    }
  if (self->signed_out)
    {
      g_set_error_literal (error, JUST_SYNC_ERROR, JUST_SYNC_ERROR_AUTH,
                           _("Signed out of Supabase: sign in again"));
      return FALSE;
    }
  return TRUE;
}

/* Replaces *@field with a copy of @value, notifying @prop when it changed. */
static gboolean
supabase_store_set_string (JustSyncSupabaseStore  *self,
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

static void
supabase_store_add_auth_headers (JustSyncSupabaseStore *self,
                                 SoupMessage           *message,
                                 const char            *bearer)
{
  SoupMessageHeaders *headers = soup_message_get_request_headers (message);

  if (self->api_key != NULL)
    soup_message_headers_replace (headers, "apikey", self->api_key);
  if (bearer != NULL)
    {
      g_autofree char *authorization = g_strconcat ("Bearer ", bearer, NULL);

      soup_message_headers_replace (headers, "Authorization", authorization);
    }
}

/* A request waiting for the session to be renewed. */
typedef struct
{
  char *method;
  char *path;
  char *query;
  JsonNode *body;
  char *prefer;
  GTask *task;
  GAsyncReadyCallback callback;
} SupabaseSend;

static void
supabase_send_free (SupabaseSend *send)
{
  g_free (send->method);
  g_free (send->path);
  g_free (send->query);
  g_clear_pointer (&send->body, json_node_unref);
  g_free (send->prefer);
  g_free (send);
}

static void
supabase_store_send_now (JustSyncSupabaseStore *self,
                         const char            *method,
                         const char            *path,
                         const char            *query,
                         JsonNode              *body,
                         const char            *prefer,
                         GTask                 *task,
                         GAsyncReadyCallback    callback)
{
  g_autoptr(SoupMessage) message = NULL;

  message = _just_sync_http_client_new_message (self->client, method, path, query, body);
  supabase_store_add_auth_headers (self, message,
                                   self->access_token != NULL ? self->access_token : self->api_key);
  if (prefer != NULL)
    soup_message_headers_replace (soup_message_get_request_headers (message), "Prefer", prefer);
  _just_sync_http_client_send_async (self->client, message, g_task_get_cancellable (task),
                                     callback, task);
}

/* The Supabase Auth (GoTrue) endpoint, or NULL with an error. */
static JustSyncHttpClient *
supabase_store_get_auth_client (JustSyncSupabaseStore  *self,
                                GError                **error)
{
  if (self->auth_client == NULL && self->auth_url == NULL)
    {
      g_set_error_literal (error, JUST_SYNC_ERROR, JUST_SYNC_ERROR_INVALID_ARGUMENT,
                           _("The Supabase store has no auth URL to sign in at"));
      return NULL;
    }
  if (self->auth_client == NULL)
    {
      self->auth_client = _just_sync_http_client_new (self->auth_url, error);
      if (self->auth_client != NULL)
        _just_sync_http_client_set_timeout (self->auth_client, self->timeout);
    }
  return self->auth_client;
}

/* A GoTrue request: `apikey`, and the API key as the bearer unless @bearer. */
static void
supabase_store_auth_send (JustSyncSupabaseStore *self,
                          JustSyncHttpClient    *client,
                          const char            *path,
                          const char            *query,
                          JsonNode              *body,
                          const char            *bearer,
                          GCancellable          *cancellable,
                          GAsyncReadyCallback    callback,
                          gpointer               user_data)
{
  g_autoptr(SoupMessage) message = NULL;

  message = _just_sync_http_client_new_message (client, "POST", path, query, body);
  supabase_store_add_auth_headers (self, message, bearer != NULL ? bearer : self->api_key);
  _just_sync_http_client_send_async (client, message, cancellable, callback, user_data);
}

/*
 * Takes a session: the access token, what its claims say (its expiry and
 * its user, `sub`), and the refresh token. Notifies what changed.
 */
static void
supabase_store_set_session (JustSyncSupabaseStore *self,
                            const char            *access_token,
                            const char            *refresh_token)
{
  g_autoptr(JsonObject) claims = NULL;
  JsonNode *sub = NULL;
  gint64 now = g_get_real_time ();
  gint64 issued;

  g_object_freeze_notify (G_OBJECT (self));
  supabase_store_set_string (self, &self->access_token, access_token, PROP_ACCESS_TOKEN);
  supabase_store_set_string (self, &self->refresh_token, refresh_token, PROP_REFRESH_TOKEN);
  claims = access_token != NULL ? _just_sync_jwt_dup_claims (access_token) : NULL;
  self->token_expires = _just_sync_jwt_claims_get_time (claims, "exp");
  issued = _just_sync_jwt_claims_get_time (claims, "iat");
  /* A fifth of the lifetime: from `iat` (GoTrue sets it), else from now. */
  self->token_margin = self->token_expires != 0 ?
    CLAMP ((self->token_expires - (issued != 0 ? issued : now)) / 5, 0, MAX_TOKEN_MARGIN) : 0;
  if (claims != NULL)
    sub = json_object_get_member (claims, "sub");
  _just_sync_remote_store_update_auth (JUST_SYNC_REMOTE_STORE (self),
                                       sub != NULL && json_node_get_value_type (sub) == G_TYPE_STRING ?
                                       json_node_get_string (sub) : NULL,
                                       access_token != NULL &&
                                       (self->token_expires == 0 || self->token_expires > now));
  g_object_thaw_notify (G_OBJECT (self));
}

/* The session is over (refused, revoked): keep the user, not the claim. */
static void
supabase_store_session_refused (JustSyncSupabaseStore *self)
{
  JustSyncRemoteStore *store = JUST_SYNC_REMOTE_STORE (self);

  _just_sync_remote_store_update_auth (store, just_sync_remote_store_get_user_id (store), FALSE);
}

/*
 * Reads a GoTrue session reply (the password and refresh_token grants):
 * the tokens, or the error. A 4xx other than 408 and 429 is
 * %JUST_SYNC_ERROR_AUTH: a wrong password, or a refresh token that was
 * used, revoked or expired.
 */
static gboolean
supabase_store_parse_session (JustSyncHttpResponse  *response,
                              char                 **out_access_token,
                              char                 **out_refresh_token,
                              GError               **error)
{
  JsonObject *body = response->body != NULL && JSON_NODE_HOLDS_OBJECT (response->body) ?
    json_node_get_object (response->body) : NULL;
  JsonNode *access = body != NULL ? json_object_get_member (body, "access_token") : NULL;
  JsonNode *refresh = body != NULL ? json_object_get_member (body, "refresh_token") : NULL;

  if (_just_sync_http_response_is_success (response) && access != NULL &&
      json_node_get_value_type (access) == G_TYPE_STRING && json_node_get_string (access)[0] != '\0')
    {
      *out_access_token = g_strdup (json_node_get_string (access));
      *out_refresh_token = refresh != NULL && json_node_get_value_type (refresh) == G_TYPE_STRING ?
        g_strdup (json_node_get_string (refresh)) : NULL;
      return TRUE;
    }

  if (_just_sync_http_response_is_success (response))
    g_set_error (error, JUST_SYNC_ERROR, JUST_SYNC_ERROR_SERVER,
                 _("Supabase Auth answered without an access token"));
  else if (response->status >= 400 && response->status < 500 &&
           response->status != 408 && response->status != 429)
    g_set_error (error, JUST_SYNC_ERROR, JUST_SYNC_ERROR_AUTH,
                 _("Supabase Auth refused the sign-in: %s (HTTP %u)"),
                 _just_sync_http_response_get_message (response), response->status);
  else
    _just_sync_http_set_status_error (error, response->status,
                                      _just_sync_http_response_get_message (response));
  return FALSE;
}

typedef struct
{
  JustSyncSupabaseStore *self;
  guint generation;
} RefreshData;

static void
supabase_store_refresh_cb (GObject      *object,
                           GAsyncResult *result,
                           gpointer      user_data)
{
  g_autofree RefreshData *refresh = user_data;
  g_autoptr(JustSyncSupabaseStore) self = refresh->self;
  g_autoptr(JustSyncHttpResponse) response = NULL;
  g_autoptr(GPtrArray) waiters = g_steal_pointer (&self->refresh_waiters);
  g_autoptr(GError) error = NULL;
  g_autofree char *access_token = NULL;
  g_autofree char *refresh_token = NULL;

  response = _just_sync_http_client_send_finish (JUST_SYNC_HTTP_CLIENT (object), result, &error);
  if (refresh->generation == self->auth_generation && response != NULL)
    {
      if (supabase_store_parse_session (response, &access_token, &refresh_token, &error))
        supabase_store_set_session (self, access_token,
                                    refresh_token != NULL ? refresh_token : self->refresh_token);
      else if (g_error_matches (error, JUST_SYNC_ERROR, JUST_SYNC_ERROR_AUTH))
        {
          /* The session is over: requests go out with the old token, and
           * the server's 401 tells their callers. */
          g_debug ("Supabase refused to renew the session: %s", error->message);
          supabase_store_set_string (self, &self->refresh_token, NULL, PROP_REFRESH_TOKEN);
          supabase_store_session_refused (self);
        }
    }

  /* A renewal that could not be made (the network, say) leaves the token
   * as it was: the requests find out what it is worth. */
  for (guint i = 0; i < waiters->len; i++)
    {
      SupabaseSend *send = g_ptr_array_index (waiters, i);

      supabase_store_send_now (self, send->method, send->path, send->query, send->body,
                               send->prefer, send->task, send->callback);
    }
}

/* Whether the access token is near its end (or past it) and can be renewed. */
static gboolean
supabase_store_needs_refresh (JustSyncSupabaseStore *self)
{
  return self->refresh_token != NULL && self->access_token != NULL && self->token_expires != 0 &&
         g_get_real_time () + self->token_margin >= self->token_expires;
}

/*
 * Sends a request with the API key and token, renewing the session first
 * when it is about to end; completes @task's caller through @callback with
 * the reply of any status (read it with supabase_store_send_finish()).
 * @prefer: (nullable): the `Prefer` header.
 */
static void
supabase_store_send (JustSyncSupabaseStore *self,
                     const char            *method,
                     const char            *path,
                     const char            *query,
                     JsonNode              *body,
                     const char            *prefer,
                     GTask                 *task,
                     GAsyncReadyCallback    callback)
{
  JustSyncHttpClient *auth_client;
  SupabaseSend *send;

  if (!supabase_store_needs_refresh (self) ||
      (auth_client = supabase_store_get_auth_client (self, NULL)) == NULL)
    {
      supabase_store_send_now (self, method, path, query, body, prefer, task, callback);
      return;
    }

  send = g_new0 (SupabaseSend, 1);
  send->method = g_strdup (method);
  send->path = g_strdup (path);
  send->query = g_strdup (query);
  send->body = body != NULL ? json_node_ref (body) : NULL;
  send->prefer = g_strdup (prefer);
  send->task = task;
  send->callback = callback;

  if (self->refresh_waiters == NULL)
    {
      g_autoptr(JsonNode) grant = json_node_new (JSON_NODE_OBJECT);
      RefreshData *refresh = g_new0 (RefreshData, 1);

      json_node_take_object (grant, json_object_new ());
      json_object_set_string_member (json_node_get_object (grant), "refresh_token", self->refresh_token);
      self->refresh_waiters = g_ptr_array_new_with_free_func ((GDestroyNotify) supabase_send_free);
      refresh->self = g_object_ref (self);
      refresh->generation = self->auth_generation;
      supabase_store_auth_send (self, auth_client, "/token", "grant_type=refresh_token", grant, NULL,
                                NULL, supabase_store_refresh_cb, refresh);
    }
  g_ptr_array_add (self->refresh_waiters, send);
}

/* Finishes supabase_store_send(): a 401 means the token is no good. */
static JustSyncHttpResponse *
supabase_store_send_finish (JustSyncSupabaseStore  *self,
                            GAsyncResult           *result,
                            GError                **error)
{
  JustSyncHttpResponse *response;

  response = _just_sync_http_client_send_finish (self->client, result, error);
  if (response != NULL && response->status == SOUP_STATUS_UNAUTHORIZED && self->access_token != NULL)
    supabase_store_session_refused (self);
  return response;
}

static void
supabase_store_set_response_error (GError               **error,
                                   JustSyncHttpResponse  *response)
{
  g_autofree char *message = NULL;

  message = _just_sync_supabase_dup_error_message (response->body, response->status);

  _just_sync_http_set_status_error (error, response->status, message);
}

/* The rows of a successful reply, or NULL with the error the reply means. */
static JsonArray *
supabase_store_response_rows (JustSyncHttpResponse  *response,
                              GError               **error)
{
  if (!_just_sync_http_response_is_success (response))
    {
      supabase_store_set_response_error (error, response);
      return NULL;
    }
  if (response->body == NULL || !JSON_NODE_HOLDS_ARRAY (response->body))
    {
      g_set_error (error, JUST_SYNC_ERROR, JUST_SYNC_ERROR_SERVER,
                   _("The server answered without a list of rows (HTTP %u)"), response->status);
      return NULL;
    }
  return json_node_get_array (response->body);
}

static gint64
supabase_store_response_time (JustSyncHttpResponse *response)
{
  return response->date != 0 && just_sync_timestamp_is_valid (response->date) ? response->date
                                                                              : just_sync_timestamp_now ();
}

/* --- fetch_since -------------------------------------------------------- */

typedef struct
{
  JustSyncScope *scope;
  char *soft_delete_column;
} FetchData;

static void
supabase_store_fetch_data_free (FetchData *data)
{
  just_sync_scope_unref (data->scope);
  g_free (data->soft_delete_column);
  g_free (data);
}

static void
supabase_store_fetch_cb (GObject      *object,
                         GAsyncResult *result,
                         gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  FetchData *data = g_task_get_task_data (task);
  g_autoptr(JustSyncHttpResponse) response = NULL;
  g_autoptr(JustSyncDelta) delta = NULL;
  GError *error = NULL;
  JsonArray *rows;
  gint64 server_time;
  guint n;

  response = supabase_store_send_finish (g_task_get_source_object (task), result, &error);
  if (response == NULL || (rows = supabase_store_response_rows (response, &error)) == NULL ||
      !_just_sync_http_response_check_date (response, &error))
    {
      g_task_return_error (task, error);
      return;
    }

  n = json_array_get_length (rows);
  /* The server's time is known once every row is read. */
  delta = just_sync_delta_new (0);
  server_time = response->date;
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(JustSyncSyncPoint) refused = NULL;
      g_autoptr(JustSyncRecord) record = NULL;

      record = _just_sync_supabase_record_from_row (json_array_get_element (rows, i), data->scope,
                                                    data->soft_delete_column, &refused, &error);

      if (!_just_sync_delta_add_row (delta, record, refused, "Supabase scope",
                                     just_sync_scope_get_name (data->scope), &error))
        {
          g_task_return_error (task, error);
          return;
        }
      if (record != NULL)
        server_time = MAX (server_time, just_sync_record_get_updated_at (record));
    }
  _just_sync_delta_set_server_time (delta, server_time);
  /* A row cap may have cut the page short: only an empty page is the end. */
  just_sync_delta_set_has_more (delta, n > 0);

  g_task_return_pointer (task, g_steal_pointer (&delta), (GDestroyNotify) just_sync_delta_unref);
}

static void
just_sync_supabase_store_fetch_since_async (JustSyncRemoteStore *store,
                                            JustSyncScope       *scope,
                                            JustSyncSyncPoint   *since,
                                            guint                limit,
                                            GCancellable        *cancellable,
                                            GAsyncReadyCallback  callback,
                                            gpointer             user_data)
{
  JustSyncSupabaseStore *self = JUST_SYNC_SUPABASE_STORE (store);
  g_autoptr(GTask) task = NULL;
  g_autofree char *path = NULL;
  g_autofree char *query = NULL;
  GError *error = NULL;
  FetchData *data;

  if (!supabase_store_check_client (self, &error) ||
      !_just_sync_supabase_check_scope (scope, &error) ||
      (path = supabase_store_table_path (self, scope, &error)) == NULL)
    {
      g_task_report_error (self, callback, user_data, just_sync_supabase_store_fetch_since_async,
                           error);
      return;
    }

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, just_sync_supabase_store_fetch_since_async);

  data = g_new0 (FetchData, 1);
  data->scope = just_sync_scope_ref (scope);
  data->soft_delete_column = g_strdup (self->soft_delete_column);
  g_task_set_task_data (task, data, (GDestroyNotify) supabase_store_fetch_data_free);

  query = _just_sync_supabase_select_query (scope, since, CLAMP (limit, 1, self->page_size));
  supabase_store_send (self, "GET", path, query, NULL, NULL, g_steal_pointer (&task),
                       supabase_store_fetch_cb);
}

static JustSyncDelta *
just_sync_supabase_store_fetch_since_finish (JustSyncRemoteStore  *store,
                                             GAsyncResult         *result,
                                             GError              **error)
{
  g_return_val_if_fail (g_task_is_valid (result, store), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/* --- pushes ------------------------------------------------------------- */

/*
 * A push works through queues of operations, one request at a time:
 *
 * upserts: CONDITIONAL (PATCH at the base version, one op per request)
 *          → VERIFY the ops that matched no row
 *          → INSERT new ops and ops whose row is gone (bulk POST)
 *          → UPDATE new ops whose id existed (PATCH in the scope, one op)
 * deletes: CONDITIONAL (ops with a base version) and PLAIN (the others),
 *          ID_CHUNK ops per request → VERIFY the ops that matched no row
 */
typedef enum
{
  STEP_CONDITIONAL,
  STEP_PLAIN,
  STEP_VERIFY,
  STEP_INSERT,
  STEP_UPDATE,
  N_STEPS
} Step;

typedef struct
{
  JustSyncOpKind kind;
  JustSyncScope *scope;
  char *path;
  char *soft_delete_column;
  GPtrArray *queues[N_STEPS];       /* JustSyncPendingOp */
  Step step;                        /* of the request in flight */
  GPtrArray *chunk;                 /* its operations */
  gboolean alone;                   /* a bulk request failed: one op per request */
  GPtrArray *results;
} PushData;

static void
supabase_store_push_data_free (PushData *data)
{
  just_sync_scope_unref (data->scope);
  g_free (data->path);
  g_free (data->soft_delete_column);
  for (guint i = 0; i < N_STEPS; i++)
    g_ptr_array_unref (data->queues[i]);
  g_clear_pointer (&data->chunk, g_ptr_array_unref);
  g_ptr_array_unref (data->results);
  g_free (data);
}

/* Settles every operation not settled yet as a retry. */
static void
supabase_store_retry_rest (PushData   *data,
                           const char *message,
                           gint64      retry_after)
{
  if (data->chunk != NULL)
    for (guint i = 0; i < data->chunk->len; i++)
      _just_sync_push_results_add_failed (data->results, g_ptr_array_index (data->chunk, i), JUST_SYNC_PUSH_RETRY,
                                 message, retry_after);
  g_clear_pointer (&data->chunk, g_ptr_array_unref);
  for (guint s = 0; s < N_STEPS; s++)
    {
      GPtrArray *queue = data->queues[s];

      for (guint i = 0; i < queue->len; i++)
        _just_sync_push_results_add_failed (data->results, g_ptr_array_index (queue, i), JUST_SYNC_PUSH_RETRY,
                                   message, retry_after);
      g_ptr_array_set_size (queue, 0);
    }
}

static void
supabase_store_push_return (GTask *task)
{
  PushData *data = g_task_get_task_data (task);

  g_task_return_pointer (task, g_ptr_array_ref (data->results), (GDestroyNotify) g_ptr_array_unref);
}

/* No usable reply: fail the call when nothing was settled (or it was
 * cancelled), else retry what is left. */
static void
supabase_store_push_fail (GTask  *task,
                          GError *error)
{
  PushData *data = g_task_get_task_data (task);

  if (data->results->len == 0 || g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_task_return_error (task, error);
      return;
    }
  supabase_store_retry_rest (data, error->message, 0);
  g_error_free (error);
  supabase_store_push_return (task);
}

static void supabase_store_push_next (GTask *task);

/*
 * A reply that is not a success, for the chunk in flight. 401 (the token)
 * fails the call, whatever was settled before; a transient status retries everything left; any other
 * (a constraint, a row-level security check, an unknown column) is the
 * data's: a bulk request is sent again one op per request to find the
 * culprit, and a lone op is rejected with the server's message. Returns
 * whether the push goes on; when not, @task was completed.
 */
static gboolean
supabase_store_chunk_failed (GTask                *task,
                             JustSyncHttpResponse *response)
{
  PushData *data = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) chunk = NULL;
  GPtrArray *queue = data->queues[data->step];

  supabase_store_set_response_error (&error, response);
  /* The token, not the data: the whole call fails, so every op stays
   * queued until a valid token is set (what was written shows up as an
   * echo on the next pull). */
  if (response->status == SOUP_STATUS_UNAUTHORIZED)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return FALSE;
    }
  if (just_sync_error_is_transient (error))
    {
      supabase_store_retry_rest (data, error->message, response->retry_after);
      supabase_store_push_return (task);
      return FALSE;
    }

  chunk = g_steal_pointer (&data->chunk);
  if (chunk->len > 1)
    {
      data->alone = TRUE;
      for (guint i = chunk->len; i > 0; i--)
        g_ptr_array_insert (queue, 0, g_ptr_array_steal_index (chunk, i - 1));
    }
  else
    {
      for (guint i = 0; i < chunk->len; i++)
        _just_sync_push_results_add_failed (data->results, g_ptr_array_index (chunk, i), JUST_SYNC_PUSH_REJECTED,
                                   error->message, 0);
    }
  return TRUE;
}

/* The reply's rows by id. */
static GHashTable *
supabase_store_rows_by_id (JsonArray *rows)
{
  GHashTable *by_id = g_hash_table_new (g_str_hash, g_str_equal);

  for (guint i = 0; i < json_array_get_length (rows); i++)
    {
      JsonNode *row = json_array_get_element (rows, i);
      JsonNode *id;

      if (JSON_NODE_HOLDS_OBJECT (row) &&
          (id = json_object_get_member (json_node_get_object (row),
                                        JUST_SYNC_SUPABASE_ID_COLUMN)) != NULL &&
          json_node_get_value_type (id) == G_TYPE_STRING)
        g_hash_table_insert (by_id, (gpointer) json_node_get_string (id), row);
    }
  return by_id;
}

/* Settles @op as written with @row, the server's copy. */
static void
supabase_store_settle_row (PushData          *data,
                           JustSyncPendingOp *op,
                           JsonNode          *row)
{
  g_autoptr(JustSyncRecord) reply = NULL;
  g_autoptr(GError) error = NULL;

  reply = _just_sync_supabase_record_from_row (row, data->scope, data->soft_delete_column, NULL, &error);
  if (reply == NULL)
    _just_sync_push_results_add_failed (data->results, op, JUST_SYNC_PUSH_RETRY, error->message, 0);
  else if (data->kind == JUST_SYNC_OP_DELETE && !just_sync_record_is_deleted (reply))
    _just_sync_push_results_add_failed (data->results, op, JUST_SYNC_PUSH_REJECTED,
                               _("The server did not keep the deletion time"), 0);
  else
    _just_sync_push_results_add_written (data->results, op, reply);
}

static void
supabase_store_chunk_sent_cb (GObject      *object,
                              GAsyncResult *result,
                              gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  PushData *data = g_task_get_task_data (task);
  g_autoptr(JustSyncHttpResponse) response = NULL;
  g_autoptr(GHashTable) by_id = NULL;
  g_autoptr(GPtrArray) chunk = NULL;
  GError *error = NULL;
  JsonArray *rows;

  response = supabase_store_send_finish (g_task_get_source_object (task), result, &error);
  if (response == NULL)
    {
      supabase_store_push_fail (task, error);
      return;
    }
  if (!_just_sync_http_response_is_success (response))
    {
      if (supabase_store_chunk_failed (task, response))
        supabase_store_push_next (g_steal_pointer (&task));
      return;
    }
  if ((rows = supabase_store_response_rows (response, &error)) == NULL)
    {
      /* A success that is not rows: what was written is unknown. */
      supabase_store_retry_rest (data, error->message, 0);
      g_error_free (error);
      supabase_store_push_return (task);
      return;
    }

  by_id = supabase_store_rows_by_id (rows);
  chunk = g_steal_pointer (&data->chunk);
  for (guint i = 0; i < chunk->len; i++)
    {
      JustSyncPendingOp *op = g_ptr_array_index (chunk, i);
      const char *id = just_sync_pending_op_get_record_id (op);
      JsonNode *row = g_hash_table_lookup (by_id, id);
      gint64 base = _just_sync_supabase_base_updated_at (op);

      if (data->step == STEP_VERIFY)
        {
          gint64 updated_at = 0;

          if (row != NULL)
            {
              g_autoptr(JustSyncRecord) found =
                _just_sync_supabase_record_from_row (row, data->scope, NULL, NULL, NULL);

              updated_at = found != NULL ? just_sync_record_get_updated_at (found) : 0;
            }
          if (row != NULL && base != 0 && updated_at != base)
            _just_sync_push_results_add_failed (data->results, op, JUST_SYNC_PUSH_PRECONDITION_FAILED,
                                       _("Another client changed the record first"), 0);
          else if (row != NULL)
            _just_sync_push_results_add_failed (data->results, op, JUST_SYNC_PUSH_REJECTED,
                                       _("The server kept the record from changing "
                                         "(row-level security?)"), 0);
          else if (data->kind == JUST_SYNC_OP_DELETE)
            _just_sync_push_results_add_tombstone (data->results, op, supabase_store_response_time (response));
          else
            g_ptr_array_add (data->queues[STEP_INSERT], just_sync_pending_op_ref (op));
        }
      else if (row != NULL && data->kind == JUST_SYNC_OP_DELETE && data->soft_delete_column == NULL)
        _just_sync_push_results_add_tombstone (data->results, op, supabase_store_response_time (response));
      else if (row != NULL)
        supabase_store_settle_row (data, op, row);
      else if (data->step == STEP_INSERT && base != 0)
        _just_sync_push_results_add_failed (data->results, op, JUST_SYNC_PUSH_PRECONDITION_FAILED,
                                   _("Another client made the record again first"), 0);
      else if (data->step == STEP_INSERT)
        g_ptr_array_add (data->queues[STEP_UPDATE], just_sync_pending_op_ref (op));
      else if (data->step == STEP_UPDATE)
        _just_sync_push_results_add_failed (data->results, op, JUST_SYNC_PUSH_REJECTED,
                                   _("The id belongs to a record outside this scope"), 0);
      else
        g_ptr_array_add (data->queues[STEP_VERIFY], just_sync_pending_op_ref (op));
    }
  supabase_store_push_next (g_steal_pointer (&task));
}

/* The row an upsert op writes; its record was checked when the push began. */
static JsonObject *
supabase_store_op_row (PushData          *data,
                       JustSyncPendingOp *op)
{
  return _just_sync_supabase_row_from_record (just_sync_pending_op_get_record (op), data->scope,
                                              data->soft_delete_column, NULL);
}

/* The columns a conditional update writes: for a patch, only those it
 * changed (a removed one as null); else the whole row. */
static JsonObject *
supabase_store_op_update (PushData          *data,
                          JustSyncPendingOp *op,
                          GError           **error)
{
  g_autoptr(JustSyncRecord) record = _just_sync_pending_op_dup_pushed_record (op);
  JsonObject *row = _just_sync_supabase_row_from_record (record, data->scope, data->soft_delete_column,
                                                         error);

  if (row != NULL && just_sync_pending_op_get_fields (op) != NULL)
    _just_sync_pending_op_trim_update (data->scope, row, JUST_SYNC_SUPABASE_ID_COLUMN);
  return row;
}

/* Makes the chunk of the next request of @step: up to @max ops from the
 * head of its queue (one after a failed bulk request); inserts take only
 * ops whose rows have the columns of the first. */
static void
supabase_store_take_chunk (PushData  *data,
                           Step       step,
                           guint      max)
{
  GPtrArray *queue = data->queues[step];
  g_autofree char *columns = NULL;
  guint i = 0;

  data->step = step;
  data->chunk = g_ptr_array_new_with_free_func ((GDestroyNotify) just_sync_pending_op_unref);
  if (data->alone)
    max = 1;

  while (i < queue->len && data->chunk->len < max)
    {
      JustSyncPendingOp *op = g_ptr_array_index (queue, i);

      if (step == STEP_INSERT)
        {
          g_autoptr(JsonObject) row = supabase_store_op_row (data, op);
          g_autofree char *these = _just_sync_supabase_dup_columns (row);

          if (columns == NULL)
            columns = g_steal_pointer (&these);
          else if (strcmp (columns, these) != 0)
            {
              i++;
              continue;
            }
        }
      g_ptr_array_add (data->chunk, g_ptr_array_steal_index (queue, i));
    }
}

static JsonNode *
supabase_store_node_take_object (JsonObject *object)
{
  JsonNode *node = json_node_new (JSON_NODE_OBJECT);

  json_node_take_object (node, object);
  return node;
}

static JsonNode *
supabase_store_chunk_rows (PushData *data)
{
  JsonNode *node = json_node_new (JSON_NODE_ARRAY);
  JsonArray *array = json_array_sized_new (data->chunk->len);

  for (guint i = 0; i < data->chunk->len; i++)
    {
      JustSyncPendingOp *op = g_ptr_array_index (data->chunk, i);

      json_array_add_object_element (array, supabase_store_op_row (data, op));
    }
  json_node_take_array (node, array);
  return node;
}

/* The ids of the chunk; the strings are the ops'. */
static GPtrArray *
supabase_store_chunk_ids (PushData *data)
{
  GPtrArray *ids = g_ptr_array_sized_new (data->chunk->len);

  for (guint i = 0; i < data->chunk->len; i++)
    {
      JustSyncPendingOp *op = g_ptr_array_index (data->chunk, i);

      g_ptr_array_add (ids, (gpointer) just_sync_pending_op_get_record_id (op));
    }
  return ids;
}

/* The body of a soft delete of the chunk: the newest deletion time. */
static JsonNode *
supabase_store_soft_delete_body (PushData *data)
{
  JsonObject *body = json_object_new ();
  g_autofree char *stamp = NULL;
  gint64 when = 0;

  for (guint i = 0; i < data->chunk->len; i++)
    {
      JustSyncPendingOp *op = g_ptr_array_index (data->chunk, i);

      when = MAX (when, just_sync_record_get_deleted_at (just_sync_pending_op_get_record (op)));
    }
  stamp = _just_sync_supabase_format_time (when != 0 ? when : just_sync_timestamp_now ());
  json_object_set_string_member (body, data->soft_delete_column, stamp);
  return supabase_store_node_take_object (body);
}

/* Sends the next request, or completes the push when nothing is left. */
static void
supabase_store_push_next (GTask *task)
{
  JustSyncSupabaseStore *self = g_task_get_source_object (task);
  PushData *data = g_task_get_task_data (task);
  g_autoptr(GString) query = g_string_new (NULL);
  g_autoptr(JsonNode) body = NULL;
  g_autoptr(GPtrArray) ids = NULL;
  g_autofree char *filter = NULL;
  const char *method;
  const char *prefer = "return=representation";

  if (g_task_return_error_if_cancelled (task))
    {
      g_object_unref (task);
      return;
    }

  if (data->kind == JUST_SYNC_OP_UPSERT && data->queues[STEP_CONDITIONAL]->len > 0)
    {
      JustSyncPendingOp *op;
      g_autofree char *time = NULL;
      g_autofree char *eq_id = NULL;
      g_autofree char *eq_time = NULL;

      supabase_store_take_chunk (data, STEP_CONDITIONAL, 1);
      op = g_ptr_array_index (data->chunk, 0);
      time = _just_sync_supabase_format_time (_just_sync_supabase_base_updated_at (op));
      eq_id = g_strconcat ("eq.", just_sync_pending_op_get_record_id (op), NULL);
      eq_time = g_strconcat ("eq.", time, NULL);
      _just_sync_http_query_add (query, JUST_SYNC_SUPABASE_ID_COLUMN, eq_id);
      _just_sync_http_query_add (query, JUST_SYNC_SUPABASE_UPDATED_AT_COLUMN, eq_time);
      _just_sync_supabase_query_add_scope (query, data->scope);
      body = supabase_store_node_take_object (supabase_store_op_update (data, op, NULL));
      method = "PATCH";
    }
  else if (data->kind == JUST_SYNC_OP_DELETE &&
           (data->queues[STEP_CONDITIONAL]->len > 0 || data->queues[STEP_PLAIN]->len > 0))
    {
      Step step = data->queues[STEP_CONDITIONAL]->len > 0 ? STEP_CONDITIONAL : STEP_PLAIN;

      supabase_store_take_chunk (data, step, ID_CHUNK);
      ids = supabase_store_chunk_ids (data);
      if (data->step == STEP_CONDITIONAL)
        {
          g_autofree gint64 *versions = g_new (gint64, data->chunk->len);

          for (guint i = 0; i < data->chunk->len; i++)
            versions[i] = _just_sync_supabase_base_updated_at (g_ptr_array_index (data->chunk, i));
          filter = _just_sync_supabase_versions_filter ((const char * const *) ids->pdata, versions,
                                                        ids->len);
          _just_sync_http_query_add (query, "or", filter);
        }
      else
        {
          filter = _just_sync_supabase_id_filter ((const char * const *) ids->pdata, ids->len);
          _just_sync_http_query_add (query, JUST_SYNC_SUPABASE_ID_COLUMN, filter);
        }
      _just_sync_supabase_query_add_scope (query, data->scope);
      if (data->soft_delete_column != NULL)
        {
          body = supabase_store_soft_delete_body (data);
          method = "PATCH";
        }
      else
        method = "DELETE";
    }
  else if (data->queues[STEP_VERIFY]->len > 0)
    {
      const char *select = JUST_SYNC_SUPABASE_ID_COLUMN "," JUST_SYNC_SUPABASE_UPDATED_AT_COLUMN;

      supabase_store_take_chunk (data, STEP_VERIFY, ID_CHUNK);
      ids = supabase_store_chunk_ids (data);
      filter = _just_sync_supabase_id_filter ((const char * const *) ids->pdata, ids->len);
      _just_sync_http_query_add (query, "select", select);
      _just_sync_http_query_add (query, JUST_SYNC_SUPABASE_ID_COLUMN, filter);
      _just_sync_supabase_query_add_scope (query, data->scope);
      method = "GET";
      prefer = NULL;
    }
  else if (data->queues[STEP_INSERT]->len > 0)
    {
      supabase_store_take_chunk (data, STEP_INSERT, self->batch_size);
      _just_sync_http_query_add (query, "on_conflict", JUST_SYNC_SUPABASE_ID_COLUMN);
      body = supabase_store_chunk_rows (data);
      method = "POST";
      prefer = "resolution=ignore-duplicates,return=representation";
    }
  else if (data->queues[STEP_UPDATE]->len > 0)
    {
      JustSyncPendingOp *op;
      g_autofree char *eq_id = NULL;

      supabase_store_take_chunk (data, STEP_UPDATE, 1);
      op = g_ptr_array_index (data->chunk, 0);
      eq_id = g_strconcat ("eq.", just_sync_pending_op_get_record_id (op), NULL);
      _just_sync_http_query_add (query, JUST_SYNC_SUPABASE_ID_COLUMN, eq_id);
      _just_sync_supabase_query_add_scope (query, data->scope);
      body = supabase_store_node_take_object (supabase_store_op_row (data, op));
      method = "PATCH";
    }
  else
    {
      supabase_store_push_return (task);
      g_object_unref (task);
      return;
    }

  supabase_store_send (self, method, data->path, query->str, body, prefer, task,
                       supabase_store_chunk_sent_cb);
}

static void
supabase_store_push_async (JustSyncSupabaseStore *self,
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
  PushData *data;

  if (!supabase_store_check_client (self, &error) ||
      !_just_sync_supabase_check_scope (scope, &error) ||
      (path = supabase_store_table_path (self, scope, &error)) == NULL)
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
  data->soft_delete_column = g_strdup (self->soft_delete_column);
  for (guint i = 0; i < N_STEPS; i++)
    data->queues[i] = g_ptr_array_new_with_free_func ((GDestroyNotify) just_sync_pending_op_unref);
  data->results = g_ptr_array_new_with_free_func ((GDestroyNotify) just_sync_push_result_unref);
  g_task_set_task_data (task, data, (GDestroyNotify) supabase_store_push_data_free);

  for (guint i = 0; i < ops->len; i++)
    {
      JustSyncPendingOp *op = g_ptr_array_index (ops, i);
      gboolean based = _just_sync_supabase_base_updated_at (op) != 0;

      if (kind == JUST_SYNC_OP_UPSERT)
        {
          g_autoptr(JsonObject) row = NULL;
          g_autoptr(JsonObject) update = NULL;
          g_autoptr(GError) row_error = NULL;

          /* The whole row (an insert, should the row be gone) and the update. */
          row = _just_sync_supabase_row_from_record (just_sync_pending_op_get_record (op), scope,
                                                     data->soft_delete_column, &row_error);
          if (row == NULL || (based && (update = supabase_store_op_update (data, op, &row_error)) == NULL))
            {
              _just_sync_push_results_add_failed (data->results, op, JUST_SYNC_PUSH_REJECTED, row_error->message, 0);
              continue;
            }
        }
      g_ptr_array_add (data->queues[based ? STEP_CONDITIONAL
                                          : kind == JUST_SYNC_OP_UPSERT ? STEP_INSERT : STEP_PLAIN],
                       just_sync_pending_op_ref (op));
    }

  supabase_store_push_next (g_steal_pointer (&task));
}

static void
just_sync_supabase_store_batch_upsert_async (JustSyncRemoteStore *store,
                                             JustSyncScope       *scope,
                                             GPtrArray           *ops,
                                             GCancellable        *cancellable,
                                             GAsyncReadyCallback  callback,
                                             gpointer             user_data)
{
  supabase_store_push_async (JUST_SYNC_SUPABASE_STORE (store), JUST_SYNC_OP_UPSERT, scope, ops,
                             cancellable, callback, user_data,
                             just_sync_supabase_store_batch_upsert_async);
}

static void
just_sync_supabase_store_batch_delete_async (JustSyncRemoteStore *store,
                                             JustSyncScope       *scope,
                                             GPtrArray           *ops,
                                             GCancellable        *cancellable,
                                             GAsyncReadyCallback  callback,
                                             gpointer             user_data)
{
  supabase_store_push_async (JUST_SYNC_SUPABASE_STORE (store), JUST_SYNC_OP_DELETE, scope, ops,
                             cancellable, callback, user_data,
                             just_sync_supabase_store_batch_delete_async);
}

static GPtrArray *
just_sync_supabase_store_batch_finish (JustSyncRemoteStore  *store,
                                       GAsyncResult         *result,
                                       GError              **error)
{
  g_return_val_if_fail (g_task_is_valid (result, store), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/* --- server time -------------------------------------------------------- */

static void
supabase_store_server_time_cb (GObject      *object,
                               GAsyncResult *result,
                               gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(JustSyncHttpResponse) response = NULL;
  GError *error = NULL;
  gint64 usec;

  response = supabase_store_send_finish (g_task_get_source_object (task), result, &error);
  if (response == NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  if (_just_sync_http_response_is_success (response) &&
      _just_sync_supabase_parse_time_reply (response->body, &usec))
    {
      g_task_return_int (task, usec);
      return;
    }

  /* No such function (PostgREST answers 404): its reply still has a Date. */
  if (response->status != SOUP_STATUS_NOT_FOUND && !_just_sync_http_response_is_success (response))
    {
      supabase_store_set_response_error (&error, response);
      g_task_return_error (task, error);
      return;
    }

  if (response->date == 0)
    {
      g_task_return_new_error (task, JUST_SYNC_ERROR, JUST_SYNC_ERROR_SERVER,
                               _("The server sent no Date header to read its time from"));
      return;
    }
  /* Date is truncated to its second: its middle is the best guess. */
  g_task_return_int (task, response->date + G_USEC_PER_SEC / 2);
}

static void
just_sync_supabase_store_get_server_time_async (JustSyncRemoteStore *store,
                                                GCancellable        *cancellable,
                                                GAsyncReadyCallback  callback,
                                                gpointer             user_data)
{
  JustSyncSupabaseStore *self = JUST_SYNC_SUPABASE_STORE (store);
  g_autoptr(JsonNode) empty = NULL;
  GError *error = NULL;
  GTask *task;

  if (!supabase_store_check_client (self, &error))
    {
      g_task_report_error (self, callback, user_data,
                           just_sync_supabase_store_get_server_time_async, error);
      return;
    }

  task = g_task_new (store, cancellable, callback, user_data);
  g_task_set_source_tag (task, just_sync_supabase_store_get_server_time_async);
  empty = supabase_store_node_take_object (json_object_new ());
  supabase_store_send (self, "POST", TIME_FUNCTION, NULL, empty, NULL, task,
                       supabase_store_server_time_cb);
}

static gint64
just_sync_supabase_store_get_server_time_finish (JustSyncRemoteStore  *store,
                                                 GAsyncResult         *result,
                                                 GError              **error)
{
  g_return_val_if_fail (g_task_is_valid (result, store), 0);

  return g_task_propagate_int (G_TASK (result), error);
}

/* A server on the loopback interface (a development server, or one next
 * to the app) is reachable with no network. */
static gboolean
just_sync_supabase_store_needs_network (JustSyncRemoteStore *store)
{
  return !_just_sync_http_url_is_loopback (JUST_SYNC_SUPABASE_STORE (store)->rest_url);
}

/* --- signing in --------------------------------------------------------- */

static void
supabase_store_sign_in_cb (GObject      *object,
                           GAsyncResult *result,
                           gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  JustSyncSupabaseStore *self = g_task_get_source_object (task);
  g_autoptr(JustSyncHttpResponse) response = NULL;
  g_autofree char *access_token = NULL;
  g_autofree char *refresh_token = NULL;
  GError *error = NULL;

  response = _just_sync_http_client_send_finish (JUST_SYNC_HTTP_CLIENT (object), result, &error);
  if (response == NULL ||
      !supabase_store_parse_session (response, &access_token, &refresh_token, &error))
    {
      g_task_return_error (task, error);
      return;
    }

  /* A renewal under way is for the old session: it must not replace this one. */
  self->auth_generation++;
  self->signed_out = FALSE;
  supabase_store_set_session (self, access_token, refresh_token);
  just_sync_remote_store_emit_credentials_changed (JUST_SYNC_REMOTE_STORE (self));
  g_task_return_boolean (task, TRUE);
}

/* GoTrue's password grant: POST /token?grant_type=password. */
static void
just_sync_supabase_store_sign_in_async (JustSyncRemoteStore *store,
                                        const char          *identity,
                                        const char          *password,
                                        GCancellable        *cancellable,
                                        GAsyncReadyCallback  callback,
                                        gpointer             user_data)
{
  JustSyncSupabaseStore *self = JUST_SYNC_SUPABASE_STORE (store);
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);
  g_autoptr(JsonNode) body = json_node_new (JSON_NODE_OBJECT);
  JustSyncHttpClient *auth_client;
  GError *error = NULL;

  json_node_take_object (body, json_object_new ());

  g_task_set_source_tag (task, just_sync_supabase_store_sign_in_async);
  if ((auth_client = supabase_store_get_auth_client (self, &error)) == NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  json_object_set_string_member (json_node_get_object (body), "email", identity);
  json_object_set_string_member (json_node_get_object (body), "password", password);
  supabase_store_auth_send (self, auth_client, "/token", "grant_type=password", body, NULL,
                            cancellable, supabase_store_sign_in_cb, g_steal_pointer (&task));
}

static void
supabase_store_sign_out_cb (GObject      *object,
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
    _just_sync_http_set_status_error (&error, response->status,
                                      _just_sync_http_response_get_message (response));
  if (error != NULL)
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

/* Forgets the session at once, then tells GoTrue (POST /logout, which
 * revokes the refresh tokens) when there is a session to end. */
static void
just_sync_supabase_store_sign_out_async (JustSyncRemoteStore *store,
                                         GCancellable        *cancellable,
                                         GAsyncReadyCallback  callback,
                                         gpointer             user_data)
{
  JustSyncSupabaseStore *self = JUST_SYNC_SUPABASE_STORE (store);
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);
  g_autofree char *access_token = g_steal_pointer (&self->access_token);
  JustSyncHttpClient *auth_client;

  g_task_set_source_tag (task, just_sync_supabase_store_sign_out_async);
  self->auth_generation++;
  self->signed_out = TRUE;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ACCESS_TOKEN]);
  supabase_store_set_session (self, NULL, NULL);

  if (access_token == NULL || (auth_client = supabase_store_get_auth_client (self, NULL)) == NULL)
    {
      g_task_return_boolean (task, TRUE);
      return;
    }
  supabase_store_auth_send (self, auth_client, "/logout", NULL, NULL, access_token, cancellable,
                            supabase_store_sign_out_cb, g_steal_pointer (&task));
}

static gboolean
just_sync_supabase_store_sign_finish (JustSyncRemoteStore  *store,
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
  iface->needs_network = just_sync_supabase_store_needs_network;
  iface->fetch_since_async = just_sync_supabase_store_fetch_since_async;
  iface->fetch_since_finish = just_sync_supabase_store_fetch_since_finish;
  iface->batch_upsert_async = just_sync_supabase_store_batch_upsert_async;
  iface->batch_upsert_finish = just_sync_supabase_store_batch_finish;
  iface->batch_delete_async = just_sync_supabase_store_batch_delete_async;
  iface->batch_delete_finish = just_sync_supabase_store_batch_finish;
  iface->get_server_time_async = just_sync_supabase_store_get_server_time_async;
  iface->get_server_time_finish = just_sync_supabase_store_get_server_time_finish;
  iface->sign_in_async = just_sync_supabase_store_sign_in_async;
  iface->sign_in_finish = just_sync_supabase_store_sign_finish;
  iface->sign_out_async = just_sync_supabase_store_sign_out_async;
  iface->sign_out_finish = just_sync_supabase_store_sign_finish;
}

/* A Supabase project's Auth lives next to its REST API:
 * https://<project>.supabase.co/rest/v1 → https://<project>.supabase.co/auth/v1. */
static char *
supabase_store_default_auth_url (const char *rest_url)
{
  gsize length = strlen (rest_url);

  while (length > 0 && rest_url[length - 1] == '/')
    length--;
  if (length < strlen ("/rest/v1") ||
      strncmp (rest_url + length - strlen ("/rest/v1"), "/rest/v1", strlen ("/rest/v1")) != 0)
    return NULL;
  return g_strdup_printf ("%.*s/auth/v1", (int) (length - strlen ("/rest/v1")), rest_url);
}

static void
just_sync_supabase_store_constructed (GObject *object)
{
  JustSyncSupabaseStore *self = (JustSyncSupabaseStore *) object;

  G_OBJECT_CLASS (just_sync_supabase_store_parent_class)->constructed (object);

  if (self->rest_url == NULL)
    g_set_error_literal (&self->client_error, JUST_SYNC_ERROR, JUST_SYNC_ERROR_INVALID_ARGUMENT,
                         _("The Supabase store has no REST URL"));
  else
    self->client = _just_sync_http_client_new (self->rest_url, &self->client_error);
  if (self->client != NULL)
    _just_sync_http_client_set_timeout (self->client, self->timeout);
  if (self->auth_url == NULL && self->rest_url != NULL)
    self->auth_url = supabase_store_default_auth_url (self->rest_url);
}

static void
just_sync_supabase_store_finalize (GObject *object)
{
  JustSyncSupabaseStore *self = (JustSyncSupabaseStore *) object;

  g_clear_object (&self->client);
  g_clear_object (&self->auth_client);
  g_clear_error (&self->client_error);
  g_clear_pointer (&self->refresh_token, g_free);
  g_clear_pointer (&self->auth_url, g_free);
  g_clear_pointer (&self->rest_url, g_free);
  g_clear_pointer (&self->api_key, g_free);
  g_clear_pointer (&self->access_token, g_free);
  g_clear_pointer (&self->soft_delete_column, g_free);
  g_clear_pointer (&self->tables, g_hash_table_unref);

  G_OBJECT_CLASS (just_sync_supabase_store_parent_class)->finalize (object);
}

static void
just_sync_supabase_store_get_property (GObject    *object,
                                       guint       prop_id,
                                       GValue     *value,
                                       GParamSpec *pspec)
{
  JustSyncSupabaseStore *self = JUST_SYNC_SUPABASE_STORE (object);

  switch (prop_id)
    {
    case PROP_REST_URL:
      g_value_set_string (value, self->rest_url);
      break;
    case PROP_API_KEY:
      g_value_set_string (value, self->api_key);
      break;
    case PROP_ACCESS_TOKEN:
      g_value_set_string (value, self->access_token);
      break;
    case PROP_REFRESH_TOKEN:
      g_value_set_string (value, self->refresh_token);
      break;
    case PROP_AUTH_URL:
      g_value_set_string (value, self->auth_url);
      break;
    case PROP_USER_ID:
      g_value_set_string (value, just_sync_remote_store_get_user_id (JUST_SYNC_REMOTE_STORE (self)));
      break;
    case PROP_AUTHENTICATED:
      g_value_set_boolean (value, just_sync_remote_store_get_authenticated (JUST_SYNC_REMOTE_STORE (self)));
      break;
    case PROP_SOFT_DELETE_COLUMN:
      g_value_set_string (value, self->soft_delete_column);
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
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
supabase_store_set_uint (JustSyncSupabaseStore *self,
                         guint                 *field,
                         guint                  value,
                         guint                  prop)
{
  if (*field == value)
    return;
  *field = value;
  g_object_notify_by_pspec (G_OBJECT (self), properties[prop]);
}

static void
just_sync_supabase_store_set_property (GObject      *object,
                                       guint         prop_id,
                                       const GValue *value,
                                       GParamSpec   *pspec)
{
  JustSyncSupabaseStore *self = JUST_SYNC_SUPABASE_STORE (object);

  switch (prop_id)
    {
    case PROP_REST_URL:
      self->rest_url = g_value_dup_string (value);
      break;
    case PROP_API_KEY:
      if (supabase_store_set_string (self, &self->api_key, g_value_get_string (value), prop_id))
        just_sync_remote_store_emit_credentials_changed (JUST_SYNC_REMOTE_STORE (self));
      break;
    case PROP_ACCESS_TOKEN:
      /* The app's own token (or the same one again, after a sign-out or a
       * refusal): what failed for the want of it may work now. */
      if (g_strcmp0 (self->access_token, g_value_get_string (value)) != 0 || self->signed_out ||
          (self->access_token != NULL &&
           !just_sync_remote_store_get_authenticated (JUST_SYNC_REMOTE_STORE (self))))
        {
          self->auth_generation++;
          self->signed_out = FALSE;
          supabase_store_set_session (self, g_value_get_string (value), self->refresh_token);
          just_sync_remote_store_emit_credentials_changed (JUST_SYNC_REMOTE_STORE (self));
        }
      break;
    case PROP_REFRESH_TOKEN:
      supabase_store_set_string (self, &self->refresh_token, g_value_get_string (value), prop_id);
      break;
    case PROP_AUTH_URL:
      if (supabase_store_set_string (self, &self->auth_url, g_value_get_string (value), prop_id))
        g_clear_object (&self->auth_client);
      break;
    case PROP_SOFT_DELETE_COLUMN:
      supabase_store_set_string (self, &self->soft_delete_column, g_value_get_string (value),
                                 prop_id);
      break;
    case PROP_PAGE_SIZE:
      supabase_store_set_uint (self, &self->page_size, g_value_get_uint (value), prop_id);
      break;
    case PROP_BATCH_SIZE:
      supabase_store_set_uint (self, &self->batch_size, g_value_get_uint (value), prop_id);
      break;
    case PROP_TIMEOUT:
      supabase_store_set_uint (self, &self->timeout, g_value_get_uint (value), prop_id);
      if (self->client != NULL)
        _just_sync_http_client_set_timeout (self->client, self->timeout);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
just_sync_supabase_store_class_init (JustSyncSupabaseStoreClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->constructed = just_sync_supabase_store_constructed;
  object_class->finalize = just_sync_supabase_store_finalize;
  object_class->get_property = just_sync_supabase_store_get_property;
  object_class->set_property = just_sync_supabase_store_set_property;

  /**
   * JustSyncSupabaseStore:rest-url:
   *
   * The REST endpoint: `https://<project>.supabase.co/rest/v1` for a
   * Supabase project, or a PostgREST server's root URL. Tables are paths
   * under it. An unusable URL makes every call fail with
   * %JUST_SYNC_ERROR_INVALID_ARGUMENT.
   */
  properties[PROP_REST_URL] =
    g_param_spec_string ("rest-url", NULL, NULL,
                         NULL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);

  /**
   * JustSyncSupabaseStore:api-key:
   *
   * The project's API key (the anon or publishable key, or for a trusted
   * service the service-role key), sent as `apikey`, and as the bearer
   * token when there is no [property@JustSync.SupabaseStore:access-token]. %NULL
   * sends neither.
   */
  properties[PROP_API_KEY] =
    g_param_spec_string ("api-key", NULL, NULL,
                         NULL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * JustSyncSupabaseStore:access-token:
   *
   * A signed-in user's access token (a JWT), sent as
   * `Authorization: Bearer`; row-level security sees its claims, such as
   * `auth.uid()`. %NULL to use the API key alone.
   */
  properties[PROP_ACCESS_TOKEN] =
    g_param_spec_string ("access-token", NULL, NULL,
                         NULL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * JustSyncSupabaseStore:refresh-token:
   *
   * The session's refresh token, which renews the
   * [property@JustSync.SupabaseStore:access-token] with Supabase Auth
   * before it expires; set by a sign-in and by each renewal (GoTrue
   * answers a renewal with a new one). %NULL when the token cannot be
   * renewed. Keep it, with the access token, to restore a session.
   */
  properties[PROP_REFRESH_TOKEN] =
    g_param_spec_string ("refresh-token", NULL, NULL,
                         NULL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * JustSyncSupabaseStore:auth-url:
   *
   * The Supabase Auth (GoTrue) endpoint that signs in and renews sessions:
   * `https://<project>.supabase.co/auth/v1`, which is the default when
   * [property@JustSync.SupabaseStore:rest-url] ends in `/rest/v1`; %NULL
   * otherwise, and then signing in fails with
   * %JUST_SYNC_ERROR_INVALID_ARGUMENT.
   */
  properties[PROP_AUTH_URL] =
    g_param_spec_string ("auth-url", NULL, NULL,
                         NULL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * JustSyncSupabaseStore:user-id:
   *
   * The signed-in user's id: the `sub` claim of the access token, %NULL
   * without one. See [method@JustSync.RemoteStore.get_user_id].
   */
  properties[PROP_USER_ID] =
    g_param_spec_string ("user-id", NULL, NULL,
                         NULL,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * JustSyncSupabaseStore:authenticated:
   *
   * Whether the store holds an access token it may use: set by a sign-in
   * or a token that has not expired; unset by a sign-out, or when the
   * server refused the token (401) or its renewal. See
   * [method@JustSync.RemoteStore.get_authenticated].
   */
  properties[PROP_AUTHENTICATED] =
    g_param_spec_boolean ("authenticated", NULL, NULL,
                          FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * JustSyncSupabaseStore:soft-delete-column:
   *
   * The nullable `timestamptz` column a delete sets, leaving the row as a
   * tombstone that other clients pull; %NULL (the default) for hard
   * deletes, which other clients see only on a reconcile.
   */
  properties[PROP_SOFT_DELETE_COLUMN] =
    g_param_spec_string ("soft-delete-column", NULL, NULL,
                         NULL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * JustSyncSupabaseStore:page-size:
   *
   * The most rows one pull request asks for (`limit`). Pages stay correct
   * when the server returns fewer.
   */
  properties[PROP_PAGE_SIZE] =
    g_param_spec_uint ("page-size", NULL, NULL,
                       1, G_MAXUINT, DEFAULT_PAGE_SIZE,
                       G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * JustSyncSupabaseStore:batch-size:
   *
   * The most new rows one insert request carries.
   */
  properties[PROP_BATCH_SIZE] =
    g_param_spec_uint ("batch-size", NULL, NULL,
                       1, MAX_BATCH_SIZE, DEFAULT_BATCH_SIZE,
                       G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * JustSyncSupabaseStore:timeout:
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
just_sync_supabase_store_init (JustSyncSupabaseStore *self)
{
  self->tables = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->page_size = DEFAULT_PAGE_SIZE;
  self->batch_size = DEFAULT_BATCH_SIZE;
  self->timeout = DEFAULT_TIMEOUT;
}

/**
 * just_sync_supabase_store_new:
 * @rest_url: the REST endpoint, such as `https://<project>.supabase.co/rest/v1`
 * @api_key: (nullable): the project's API key
 *
 * Creates a [class@JustSync.SupabaseStore] for a Supabase project or a
 * PostgREST server.
 *
 * Returns: (transfer full): a new store
 */
JustSyncSupabaseStore *
just_sync_supabase_store_new (const char *rest_url,
                              const char *api_key)
{
  g_return_val_if_fail (rest_url != NULL, NULL);

  return g_object_new (JUST_SYNC_TYPE_SUPABASE_STORE,
                       "rest-url", rest_url,
                       "api-key", api_key,
                       NULL);
}

/**
 * just_sync_supabase_store_get_rest_url:
 * @self: a [class@JustSync.SupabaseStore]
 *
 * Gets the value of [property@JustSync.SupabaseStore:rest-url].
 *
 * Returns: the REST endpoint
 */
const char *
just_sync_supabase_store_get_rest_url (JustSyncSupabaseStore *self)
{
  g_return_val_if_fail (JUST_SYNC_IS_SUPABASE_STORE (self), NULL);

  return self->rest_url;
}

/**
 * just_sync_supabase_store_get_api_key:
 * @self: a [class@JustSync.SupabaseStore]
 *
 * Gets the value of [property@JustSync.SupabaseStore:api-key].
 *
 * Returns: (nullable): the API key, or %NULL
 */
const char *
just_sync_supabase_store_get_api_key (JustSyncSupabaseStore *self)
{
  g_return_val_if_fail (JUST_SYNC_IS_SUPABASE_STORE (self), NULL);

  return self->api_key;
}

/**
 * just_sync_supabase_store_set_api_key:
 * @self: a [class@JustSync.SupabaseStore]
 * @api_key: (nullable): the project's API key, or %NULL
 *
 * Sets [property@JustSync.SupabaseStore:api-key].
 */
void
just_sync_supabase_store_set_api_key (JustSyncSupabaseStore *self,
                                      const char            *api_key)
{
  g_return_if_fail (JUST_SYNC_IS_SUPABASE_STORE (self));

  g_object_set (self, "api-key", api_key, NULL);
}

/**
 * just_sync_supabase_store_get_access_token:
 * @self: a [class@JustSync.SupabaseStore]
 *
 * Gets the value of [property@JustSync.SupabaseStore:access-token].
 *
 * Returns: (nullable): the access token, or %NULL
 */
const char *
just_sync_supabase_store_get_access_token (JustSyncSupabaseStore *self)
{
  g_return_val_if_fail (JUST_SYNC_IS_SUPABASE_STORE (self), NULL);

  return self->access_token;
}

/**
 * just_sync_supabase_store_set_access_token:
 * @self: a [class@JustSync.SupabaseStore]
 * @access_token: (nullable): a user's JWT, or %NULL
 *
 * Sets [property@JustSync.SupabaseStore:access-token] and emits
 * [signal@JustSync.RemoteStore::credentials-changed], so an orchestrator
 * pushes what waited. An expired or revoked token makes calls fail with
 * %JUST_SYNC_ERROR_AUTH, and every change stays queued until a valid one
 * is set (or it is renewed with the refresh token).
 */
void
just_sync_supabase_store_set_access_token (JustSyncSupabaseStore *self,
                                           const char            *access_token)
{
  g_return_if_fail (JUST_SYNC_IS_SUPABASE_STORE (self));

  g_object_set (self, "access-token", access_token, NULL);
}

/**
 * just_sync_supabase_store_get_refresh_token:
 * @self: a [class@JustSync.SupabaseStore]
 *
 * Gets the value of [property@JustSync.SupabaseStore:refresh-token].
 *
 * Returns: (nullable): the session's refresh token, or %NULL
 */
const char *
just_sync_supabase_store_get_refresh_token (JustSyncSupabaseStore *self)
{
  g_return_val_if_fail (JUST_SYNC_IS_SUPABASE_STORE (self), NULL);

  return self->refresh_token;
}

/**
 * just_sync_supabase_store_set_refresh_token:
 * @self: a [class@JustSync.SupabaseStore]
 * @refresh_token: (nullable): a refresh token, or %NULL
 *
 * Sets [property@JustSync.SupabaseStore:refresh-token], to restore a
 * session kept from an earlier sign-in together with its access token.
 */
void
just_sync_supabase_store_set_refresh_token (JustSyncSupabaseStore *self,
                                            const char            *refresh_token)
{
  g_return_if_fail (JUST_SYNC_IS_SUPABASE_STORE (self));

  g_object_set (self, "refresh-token", refresh_token, NULL);
}

/**
 * just_sync_supabase_store_get_auth_url:
 * @self: a [class@JustSync.SupabaseStore]
 *
 * Gets the value of [property@JustSync.SupabaseStore:auth-url].
 *
 * Returns: (nullable): the Supabase Auth endpoint, or %NULL
 */
const char *
just_sync_supabase_store_get_auth_url (JustSyncSupabaseStore *self)
{
  g_return_val_if_fail (JUST_SYNC_IS_SUPABASE_STORE (self), NULL);

  return self->auth_url;
}

/**
 * just_sync_supabase_store_set_auth_url:
 * @self: a [class@JustSync.SupabaseStore]
 * @auth_url: (nullable): the Supabase Auth endpoint, such as
 *   `https://<project>.supabase.co/auth/v1`
 *
 * Sets [property@JustSync.SupabaseStore:auth-url].
 */
void
just_sync_supabase_store_set_auth_url (JustSyncSupabaseStore *self,
                                       const char            *auth_url)
{
  g_return_if_fail (JUST_SYNC_IS_SUPABASE_STORE (self));

  g_object_set (self, "auth-url", auth_url, NULL);
}

/**
 * just_sync_supabase_store_set_table:
 * @self: a [class@JustSync.SupabaseStore]
 * @scope_name: a scope name
 * @table: (nullable): the table of the scopes with that name, or %NULL for
 *   the table named like them
 *
 * Maps the scopes named @scope_name to @table.
 */
void
just_sync_supabase_store_set_table (JustSyncSupabaseStore *self,
                                    const char            *scope_name,
                                    const char            *table)
{
  g_return_if_fail (JUST_SYNC_IS_SUPABASE_STORE (self));
  g_return_if_fail (scope_name != NULL);

  if (table != NULL)
    g_hash_table_replace (self->tables, g_strdup (scope_name), g_strdup (table));
  else
    g_hash_table_remove (self->tables, scope_name);
}

/**
 * just_sync_supabase_store_get_table:
 * @self: a [class@JustSync.SupabaseStore]
 * @scope_name: a scope name
 *
 * Gets the table the scopes named @scope_name sync with.
 *
 * Returns: the table the scopes named @scope_name sync with
 */
const char *
just_sync_supabase_store_get_table (JustSyncSupabaseStore *self,
                                    const char            *scope_name)
{
  const char *table;

  g_return_val_if_fail (JUST_SYNC_IS_SUPABASE_STORE (self), NULL);
  g_return_val_if_fail (scope_name != NULL, NULL);

  table = g_hash_table_lookup (self->tables, scope_name);
  return table != NULL ? table : scope_name;
}

/**
 * just_sync_supabase_store_get_soft_delete_column:
 * @self: a [class@JustSync.SupabaseStore]
 *
 * Gets the value of [property@JustSync.SupabaseStore:soft-delete-column].
 *
 * Returns: (nullable): the soft-delete column, or %NULL for hard deletes
 */
const char *
just_sync_supabase_store_get_soft_delete_column (JustSyncSupabaseStore *self)
{
  g_return_val_if_fail (JUST_SYNC_IS_SUPABASE_STORE (self), NULL);

  return self->soft_delete_column;
}

/**
 * just_sync_supabase_store_set_soft_delete_column:
 * @self: a [class@JustSync.SupabaseStore]
 * @column: (nullable): a nullable `timestamptz` column, such as
 *   `deleted_at`, or %NULL for hard deletes
 *
 * Sets [property@JustSync.SupabaseStore:soft-delete-column].
 */
void
just_sync_supabase_store_set_soft_delete_column (JustSyncSupabaseStore *self,
                                                 const char            *column)
{
  g_return_if_fail (JUST_SYNC_IS_SUPABASE_STORE (self));
  g_return_if_fail (column == NULL || _just_sync_supabase_is_column_name (column));

  g_object_set (self, "soft-delete-column", column, NULL);
}

/**
 * just_sync_supabase_store_get_page_size:
 * @self: a [class@JustSync.SupabaseStore]
 *
 * Gets the value of [property@JustSync.SupabaseStore:page-size].
 *
 * Returns: the most rows one pull request asks for
 */
guint
just_sync_supabase_store_get_page_size (JustSyncSupabaseStore *self)
{
  g_return_val_if_fail (JUST_SYNC_IS_SUPABASE_STORE (self), 0);

  return self->page_size;
}

/**
 * just_sync_supabase_store_set_page_size:
 * @self: a [class@JustSync.SupabaseStore]
 * @page_size: at least 1
 *
 * Sets [property@JustSync.SupabaseStore:page-size].
 */
void
just_sync_supabase_store_set_page_size (JustSyncSupabaseStore *self,
                                        guint                  page_size)
{
  g_return_if_fail (JUST_SYNC_IS_SUPABASE_STORE (self));

  g_object_set (self, "page-size", page_size, NULL);
}

/**
 * just_sync_supabase_store_get_batch_size:
 * @self: a [class@JustSync.SupabaseStore]
 *
 * Gets the value of [property@JustSync.SupabaseStore:batch-size].
 *
 * Returns: the most new rows one insert request carries
 */
guint
just_sync_supabase_store_get_batch_size (JustSyncSupabaseStore *self)
{
  g_return_val_if_fail (JUST_SYNC_IS_SUPABASE_STORE (self), 0);

  return self->batch_size;
}

/**
 * just_sync_supabase_store_set_batch_size:
 * @self: a [class@JustSync.SupabaseStore]
 * @batch_size: from 1 to 5,000
 *
 * Sets [property@JustSync.SupabaseStore:batch-size].
 */
void
just_sync_supabase_store_set_batch_size (JustSyncSupabaseStore *self,
                                         guint                  batch_size)
{
  g_return_if_fail (JUST_SYNC_IS_SUPABASE_STORE (self));

  g_object_set (self, "batch-size", batch_size, NULL);
}

/**
 * just_sync_supabase_store_get_timeout:
 * @self: a [class@JustSync.SupabaseStore]
 *
 * Gets the value of [property@JustSync.SupabaseStore:timeout].
 *
 * Returns: the seconds a request may take, or 0 for no limit
 */
guint
just_sync_supabase_store_get_timeout (JustSyncSupabaseStore *self)
{
  g_return_val_if_fail (JUST_SYNC_IS_SUPABASE_STORE (self), 0);

  return self->timeout;
}

/**
 * just_sync_supabase_store_set_timeout:
 * @self: a [class@JustSync.SupabaseStore]
 * @seconds: the seconds a request may take, or 0 for no limit
 *
 * Sets [property@JustSync.SupabaseStore:timeout].
 */
void
just_sync_supabase_store_set_timeout (JustSyncSupabaseStore *self,
                                      guint                  seconds)
{
  g_return_if_fail (JUST_SYNC_IS_SUPABASE_STORE (self));

  g_object_set (self, "timeout", seconds, NULL);
}
