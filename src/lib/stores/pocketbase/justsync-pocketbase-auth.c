/* justsync-pocketbase-auth.c: token claims, login, and requests that carry the token
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "justsync-error.h"
#include "justsync-pocketbase-private.h"
#include "justsync-remote-store-private.h"
#include "justsync-timestamp.h"

/* The Date header is good to a second: smaller skews are noise. */
#define CLOCK_SKEW_NOISE (2 * G_USEC_PER_SEC)

/* Whether the token says it may be renewed with auth-refresh (PocketBase's
 * impersonation tokens may not). */
static gboolean
pb_auth_token_refreshable (const char *token)
{
  g_autoptr(JsonObject) claims = _just_sync_jwt_dup_claims (token);
  JsonNode *refreshable = claims != NULL ? json_object_get_member (claims, "refreshable") : NULL;

  return refreshable != NULL && JSON_NODE_HOLDS_VALUE (refreshable) &&
         json_node_get_value_type (refreshable) == G_TYPE_BOOLEAN &&
         json_node_get_boolean (refreshable);
}

gint64
_just_sync_pb_server_now (JustSyncPocketbaseStore *self)
{
  return g_get_real_time () + self->clock_skew;
}

/* The server's time when it answered: its Date header, else our best guess. */
gint64
_just_sync_pb_response_time (JustSyncPocketbaseStore *self,
                             JustSyncHttpResponse    *response)
{
  return response != NULL && response->date != 0 && just_sync_timestamp_is_valid (response->date)
         ? response->date : _just_sync_pb_server_now (self);
}

/* --- authentication ----------------------------------------------------- */

gboolean
_just_sync_pb_has_credentials (JustSyncPocketbaseStore *self)
{
  return self->identity != NULL && self->password != NULL;
}

/* Whether requests go out as a superuser, whom no collection rule restricts. */
gboolean
_just_sync_pb_acts_as_superuser (JustSyncPocketbaseStore *self)
{
  if (_just_sync_pb_has_credentials (self))
    return strcmp (self->auth_collection, JUST_SYNC_PB_SUPERUSERS_COLLECTION) == 0;
  return g_strcmp0 (self->token_collection_id, JUST_SYNC_PB_SUPERUSERS_COLLECTION_ID) == 0;
}

/* TRUE when the token is past its expiry, or within @margin of it. */
static gboolean
pb_auth_token_expired (JustSyncPocketbaseStore *self,
                       gint64                   margin)
{
  return self->token_expires != 0 && _just_sync_pb_server_now (self) + margin >= self->token_expires;
}

/*
 * Learns from any reply: the server's clock, when it is off by more than
 * noise, and the pause a 429 or 5xx asked for with `Retry-After`, which the
 * scheduler honours for every request to this server.
 */
static void
pb_auth_note_response (JustSyncPocketbaseStore *self,
                       JustSyncHttpResponse    *response)
{
  gint64 skew;

  if (response->status == 429 || response->status >= 500)
    _just_sync_remote_store_note_retry_after (JUST_SYNC_REMOTE_STORE (self), response->retry_after);

  /* A date JustSync does not support is no clock reading. */
  if (response->date == 0 || !just_sync_timestamp_is_valid (response->date))
    return;
  /* Date is truncated to its second: its middle is the best guess. */
  skew = response->date + G_USEC_PER_SEC / 2 - g_get_real_time ();
  self->clock_skew = ABS (skew) > CLOCK_SKEW_NOISE ? skew : 0;
}

static void
pb_auth_finish_login (JustSyncPocketbaseStore *self,
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

static void
pb_auth_set_signed_out_error (JustSyncPocketbaseStore  *self,
                              GError                  **error)
{
  g_set_error_literal (error, JUST_SYNC_ERROR, JUST_SYNC_ERROR_AUTH,
                       _("Signed out of PocketBase: sign in again"));
}

/*
 * Reads the reply of a login (auth-with-password) or of a renewal
 * (auth-refresh, @refresh): its token and the id of its record, or an
 * error. A 4xx other than 408 and 429 is %JUST_SYNC_ERROR_AUTH: a wrong
 * password (PocketBase says 400 "Failed to authenticate."), or a token
 * the server will not renew (401: revoked, or of a deleted user).
 */
static gboolean
pb_auth_parse_reply (JustSyncPocketbaseStore  *self,
                     JustSyncHttpResponse     *response,
                     const char               *identity,
                     gboolean                  refresh,
                     char                    **out_token,
                     char                    **out_user_id,
                     GError                  **error)
{
  JsonObject *body = _just_sync_pb_body_get_object (response->body);
  const char *token;

  if (_just_sync_http_response_is_success (response) &&
      (token = _just_sync_pb_object_get_string (body, "token")) != NULL && token[0] != '\0')
    {
      JsonObject *record = _just_sync_pb_object_get_object (body, "record");

      *out_token = g_strdup (token);
      *out_user_id = g_strdup (_just_sync_pb_object_get_string (record, "id"));
      return TRUE;
    }

  if (_just_sync_http_response_is_success (response))
    g_set_error (error, JUST_SYNC_ERROR, JUST_SYNC_ERROR_SERVER,
                 _("PocketBase answered a login without a token"));
  else if (response->status >= 400 && response->status < 500 &&
           response->status != 408 && response->status != 429)
    {
      g_autofree char *message = _just_sync_pb_dup_error_message (response->body, response->status);

      if (refresh)
        g_set_error (error, JUST_SYNC_ERROR, JUST_SYNC_ERROR_AUTH,
                     _("PocketBase refused to renew the session: %s (HTTP %u); sign in again"),
                     message, response->status);
      else
        g_set_error (error, JUST_SYNC_ERROR, JUST_SYNC_ERROR_AUTH,
                     _("Could not log in to PocketBase as “%s” in “%s”: %s (HTTP %u)"),
                     identity, self->auth_collection, message, response->status);
    }
  else
    _just_sync_pb_set_response_error (error, response);
  return FALSE;
}

static void pb_auth_login_start (JustSyncPocketbaseStore *self);

typedef struct
{
  JustSyncPocketbaseStore *self;
  guint generation;
  gboolean refresh;
} LoginData;

static void
pb_auth_login_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autofree LoginData *login = user_data;
  g_autoptr(JustSyncPocketbaseStore) self = login->self;
  g_autoptr(JustSyncHttpResponse) response = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *token = NULL;
  g_autofree char *user_id = NULL;
  guint generation = login->generation;

  response = _just_sync_http_client_send_finish (JUST_SYNC_HTTP_CLIENT (object), result, &error);

  /* The credentials changed meanwhile: log in with the new ones. */
  if (generation != self->auth_generation)
    {
      g_clear_error (&error);
      if (_just_sync_pb_has_credentials (self))
        pb_auth_login_start (self);
      else if (self->signed_out)
        {
          pb_auth_set_signed_out_error (self, &error);
          pb_auth_finish_login (self, error);
        }
      else
        pb_auth_finish_login (self, NULL);
      return;
    }

  if (response != NULL)
    {
      pb_auth_note_response (self, response);
      if (pb_auth_parse_reply (self, response, self->identity, login->refresh,
                               &token, &user_id, &error))
        {
          _just_sync_pb_set_token (self, token);
          _just_sync_pb_set_user_id (self, user_id);
          pb_auth_finish_login (self, NULL);
          return;
        }
    }

  if (login->refresh)
    {
      /* A renewal the server refused: the session is over. One that could
       * not be made (the network, say) leaves the token in use until it
       * expires. */
      if (g_error_matches (error, JUST_SYNC_ERROR, JUST_SYNC_ERROR_AUTH))
        _just_sync_pb_set_token_refused (self);
      else if (_just_sync_pb_token_usable (self))
        g_clear_error (&error);
    }
  pb_auth_finish_login (self, error);
}

static void
pb_auth_login_start (JustSyncPocketbaseStore *self)
{
  g_autoptr(JsonNode) body = NULL;
  g_autoptr(SoupMessage) message = NULL;
  g_autofree char *collection = NULL;
  g_autofree char *path = NULL;
  LoginData *login;

  /* The generation tells whether the credentials changed meanwhile. */
  login = g_new0 (LoginData, 1);
  login->self = g_object_ref (self);
  login->generation = self->auth_generation;
  login->refresh = !_just_sync_pb_has_credentials (self);

  if (login->refresh)
    {
      collection = g_uri_escape_string (self->token_collection_id != NULL ?
                                        self->token_collection_id : self->auth_collection,
                                        NULL, FALSE);
      path = g_strdup_printf ("/api/collections/%s/auth-refresh", collection);
      message = _just_sync_http_client_new_message (self->client, "POST", path, NULL, NULL);
      soup_message_headers_replace (soup_message_get_request_headers (message),
                                    "Authorization", self->token);
    }
  else
    {
      collection = g_uri_escape_string (self->auth_collection, NULL, FALSE);
      path = g_strdup_printf ("/api/collections/%s/auth-with-password", collection);
      body = _just_sync_pb_login_body (self->identity, self->password);
      message = _just_sync_http_client_new_message (self->client, "POST", path, NULL, body);
    }
  _just_sync_http_client_send_async (self->client, message, NULL, pb_auth_login_cb, login);
}

/* Joins the login or renewal under way, or starts one. */
static void
pb_auth_wait_login (JustSyncPocketbaseStore *self,
                    GTask                   *task)
{
  if (self->login_waiters == NULL)
    {
      self->login_waiters = g_ptr_array_new_with_free_func (g_object_unref);
      g_ptr_array_add (self->login_waiters, task);
      pb_auth_login_start (self);
    }
  else
    g_ptr_array_add (self->login_waiters, task);
}

gboolean
_just_sync_pb_token_usable (JustSyncPocketbaseStore *self)
{
  return self->token != NULL && !self->token_refused && !pb_auth_token_expired (self, 0);
}

/*
 * pb_auth_ensure_async:
 * @stale_token: (nullable): a token the server just refused
 *
 * Makes sure requests go out with a usable token: logs in (once, for all
 * callers waiting) when there are credentials and the token is missing,
 * about to expire or @stale_token; renews a refreshable token about to
 * expire (auth-refresh); fails with %JUST_SYNC_ERROR_AUTH when signed
 * out, when a token has expired or was refused, or when an identity is
 * set with neither its password nor a token. Without an identity, no
 * token means a guest.
 */
static void
pb_auth_ensure_async (JustSyncPocketbaseStore *self,
                      const char              *stale_token,
                      GCancellable            *cancellable,
                      GAsyncReadyCallback      callback,
                      gpointer                 user_data)
{
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);
  GError *error = NULL;

  g_task_set_source_tag (task, pb_auth_ensure_async);

  if (self->signed_out)
    {
      pb_auth_set_signed_out_error (self, &error);
      g_task_return_error (task, error);
      return;
    }

  if (_just_sync_pb_has_credentials (self))
    {
      /* A token whose expiry cannot be read is no PocketBase token we can
       * trust to stay valid: PocketBase would silently take it for a guest. */
      if (self->token != NULL && self->token_expires != 0 &&
          !pb_auth_token_expired (self, self->token_margin) &&
          g_strcmp0 (stale_token, self->token) != 0)
        {
          g_task_return_boolean (task, TRUE);
          return;
        }

      pb_auth_wait_login (self, g_steal_pointer (&task));
      return;
    }

  /* A user is named but cannot log in (no password: the keyring was
   * locked, say). A request without a token would go out as a guest,
   * which PocketBase answers as if the user had no rights: a create fails
   * with 400 and would be parked as rejected. Refuse it instead. */
  if (self->identity != NULL && self->token == NULL)
    {
      g_task_return_new_error (task, JUST_SYNC_ERROR, JUST_SYNC_ERROR_AUTH,
                               _("PocketBase needs credentials to act as “%s” in “%s”: "
                                 "set its password or a token"),
                               self->identity, self->auth_collection);
      return;
    }

  if (self->token != NULL && self->token_refused)
    {
      g_task_return_new_error (task, JUST_SYNC_ERROR, JUST_SYNC_ERROR_AUTH,
                               _("PocketBase refused to renew the session: sign in again"));
      return;
    }

  if (self->token != NULL && pb_auth_token_expired (self, 0))
    {
      g_autoptr(GDateTime) expiry = just_sync_timestamp_to_date_time (self->token_expires);
      g_autofree char *when = g_date_time_format_iso8601 (expiry);

      _just_sync_pb_set_token_refused (self);
      g_task_return_new_error (task, JUST_SYNC_ERROR, JUST_SYNC_ERROR_AUTH,
                               _("The PocketBase token expired at %s: set a new token, "
                                 "or credentials to log in with"), when);
      return;
    }

  /* Renewed before it runs out, while the server still takes it. */
  if (self->token != NULL && self->token_expires != 0 &&
      pb_auth_token_expired (self, self->token_margin) &&
      pb_auth_token_refreshable (self->token))
    {
      pb_auth_wait_login (self, g_steal_pointer (&task));
      return;
    }

  g_task_return_boolean (task, TRUE);
}

static gboolean
pb_auth_ensure_finish (JustSyncPocketbaseStore  *self,
                       GAsyncResult             *result,
                       GError                  **error)
{
  return g_task_propagate_boolean (G_TASK (result), error);
}

/* --- signing in --------------------------------------------------------- */

static void
pb_auth_sign_in_cb (GObject      *object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  JustSyncPocketbaseStore *self = g_task_get_source_object (task);
  const char *identity = g_task_get_task_data (task);
  g_autoptr(JustSyncHttpResponse) response = NULL;
  g_autofree char *token = NULL;
  g_autofree char *user_id = NULL;
  GError *error = NULL;

  response = _just_sync_http_client_send_finish (JUST_SYNC_HTTP_CLIENT (object), result, &error);
  if (response == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  pb_auth_note_response (self, response);
  if (!pb_auth_parse_reply (self, response, identity, FALSE, &token, &user_id, &error))
    {
      g_task_return_error (task, error);
      return;
    }

  /* The session replaces the credentials: the token is renewed with
   * auth-refresh, and the password is not kept. A login under way for
   * the old credentials ends with this token (the generation changed). */
  g_object_freeze_notify (G_OBJECT (self));
  if (g_strcmp0 (self->identity, identity) != 0)
    {
      g_free (self->identity);
      self->identity = g_strdup (identity);
      g_object_notify (G_OBJECT (self), "identity");
    }
  g_clear_pointer (&self->password, g_free);
  self->auth_generation++;
  self->signed_out = FALSE;
  _just_sync_pb_set_token (self, token);
  _just_sync_pb_set_user_id (self, user_id);
  g_object_thaw_notify (G_OBJECT (self));
  just_sync_remote_store_emit_credentials_changed (JUST_SYNC_REMOTE_STORE (self));
  g_task_return_boolean (task, TRUE);
}

void
_just_sync_pb_sign_in_async (JustSyncRemoteStore *store,
                             const char          *identity,
                             const char          *password,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  JustSyncPocketbaseStore *self = JUST_SYNC_POCKETBASE_STORE (store);
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);
  g_autoptr(JsonNode) body = NULL;
  g_autoptr(SoupMessage) message = NULL;
  g_autofree char *collection = NULL;
  g_autofree char *path = NULL;

  g_task_set_source_tag (task, _just_sync_pb_sign_in_async);
  if (self->client == NULL)
    {
      g_task_return_error (task, g_error_copy (self->client_error));
      return;
    }

  g_task_set_task_data (task, g_strdup (identity), g_free);
  collection = g_uri_escape_string (self->auth_collection, NULL, FALSE);
  path = g_strdup_printf ("/api/collections/%s/auth-with-password", collection);
  body = _just_sync_pb_login_body (identity, password);
  message = _just_sync_http_client_new_message (self->client, "POST", path, NULL, body);
  _just_sync_http_client_send_async (self->client, message, cancellable, pb_auth_sign_in_cb,
                                     g_steal_pointer (&task));
}

/* PocketBase keeps no sessions: signing out forgets the token and the
 * password, and refuses requests until a sign-in or new credentials, so
 * that none goes out as a guest. */
void
_just_sync_pb_sign_out_async (JustSyncRemoteStore *store,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  JustSyncPocketbaseStore *self = JUST_SYNC_POCKETBASE_STORE (store);
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);

  g_task_set_source_tag (task, _just_sync_pb_sign_out_async);
  self->auth_generation++;
  self->signed_out = TRUE;
  g_clear_pointer (&self->password, g_free);
  _just_sync_pb_set_token (self, NULL);
  _just_sync_pb_set_user_id (self, NULL);
  g_task_return_boolean (task, TRUE);
}

gboolean
_just_sync_pb_sign_finish (JustSyncRemoteStore  *store,
                           GAsyncResult         *result,
                           GError              **error)
{
  g_return_val_if_fail (g_task_is_valid (result, store), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/* --- requests ----------------------------------------------------------- */

typedef struct
{
  char *method;
  char *path;
  char *query;
  JsonNode *body;
  JustSyncPbRequestFlags flags;
  JustSyncHttpReadFunc read_func;
  gpointer read_data;
  GDestroyNotify read_data_free;
  char *sent_token;
  gboolean renewed;
} PbRequest;

static void
pb_auth_request_free (PbRequest *request)
{
  g_free (request->method);
  g_free (request->path);
  g_free (request->query);
  g_clear_pointer (&request->body, json_node_unref);
  if (request->read_data_free != NULL)
    request->read_data_free (request->read_data);
  g_free (request->sent_token);
  g_free (request);
}

static void pb_auth_request_auth_cb (GObject *object, GAsyncResult *result, gpointer user_data);

static void
pb_auth_request_sent_cb (GObject      *object,
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
  pb_auth_note_response (self, response);

  /* A refused token: log in again, once. */
  if ((response->status == SOUP_STATUS_UNAUTHORIZED ||
       (response->status == SOUP_STATUS_FORBIDDEN &&
        !(request->flags & JUST_SYNC_PB_REQUEST_FORBIDDEN_IS_ANSWER))) &&
      !(request->flags & JUST_SYNC_PB_REQUEST_NO_AUTH) && !request->renewed && _just_sync_pb_has_credentials (self))
    {
      GCancellable *cancellable = g_task_get_cancellable (task);

      request->renewed = TRUE;
      pb_auth_ensure_async (self, request->sent_token != NULL ? request->sent_token : "",
                            cancellable, pb_auth_request_auth_cb, g_steal_pointer (&task));
      return;
    }

  g_task_return_pointer (task, g_steal_pointer (&response),
                         (GDestroyNotify) _just_sync_http_response_free);
}

static void
pb_auth_request_send (GTask *task)
{
  JustSyncPocketbaseStore *self = g_task_get_source_object (task);
  PbRequest *request = g_task_get_task_data (task);
  g_autoptr(SoupMessage) message = NULL;

  message = _just_sync_http_client_new_message (self->client, request->method, request->path,
                                                request->query, request->body);
  g_clear_pointer (&request->sent_token, g_free);
  if (!(request->flags & JUST_SYNC_PB_REQUEST_NO_AUTH) && self->token != NULL)
    {
      request->sent_token = g_strdup (self->token);
      soup_message_headers_replace (soup_message_get_request_headers (message),
                                    "Authorization", self->token);
    }
  if (request->read_func != NULL)
    _just_sync_http_client_send_read_async (self->client, message, request->read_func,
                                            request->read_data, g_task_get_cancellable (task),
                                            pb_auth_request_sent_cb, task);
  else
    _just_sync_http_client_send_async (self->client, message, g_task_get_cancellable (task),
                                       pb_auth_request_sent_cb, task);
}

static void
pb_auth_request_auth_cb (GObject      *object,
                         GAsyncResult *result,
                         gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;

  if (!pb_auth_ensure_finish (JUST_SYNC_POCKETBASE_STORE (object), result, &error))
    {
      g_task_return_error (task, error);
      return;
    }
  pb_auth_request_send (g_steal_pointer (&task));
}

static void
pb_auth_request_start (JustSyncPocketbaseStore *self,
                       const char              *method,
                       const char              *path,
                       const char              *query,
                       JsonNode                *body,
                       JustSyncPbRequestFlags   flags,
                       JustSyncHttpReadFunc     read_func,
                       gpointer                 read_data,
                       GDestroyNotify           read_data_free,
                       GCancellable            *cancellable,
                       GAsyncReadyCallback      callback,
                       gpointer                 user_data)
{
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);
  PbRequest *request;

  g_task_set_source_tag (task, _just_sync_pb_request_async);

  request = g_new0 (PbRequest, 1);
  request->method = g_strdup (method);
  request->path = g_strdup (path);
  request->query = g_strdup (query);
  request->body = body != NULL ? json_node_ref (body) : NULL;
  request->flags = flags;
  request->read_func = read_func;
  request->read_data = read_data;
  request->read_data_free = read_data_free;
  g_task_set_task_data (task, request, (GDestroyNotify) pb_auth_request_free);

  if (self->client == NULL)
    {
      g_task_return_error (task, g_error_copy (self->client_error));
      return;
    }

  if (flags & JUST_SYNC_PB_REQUEST_NO_AUTH)
    pb_auth_request_send (g_steal_pointer (&task));
  else
    pb_auth_ensure_async (self, NULL, cancellable, pb_auth_request_auth_cb, g_steal_pointer (&task));
}

/*
 * _just_sync_pb_request_async:
 * @body: (nullable) (transfer none): a JSON body
 *
 * Sends a request with the token (logging in first when needed, and once
 * more when the token is refused). Completes with the reply of any status.
 */
void
_just_sync_pb_request_async (JustSyncPocketbaseStore *self,
                             const char              *method,
                             const char              *path,
                             const char              *query,
                             JsonNode                *body,
                             JustSyncPbRequestFlags   flags,
                             GCancellable            *cancellable,
                             GAsyncReadyCallback      callback,
                             gpointer                 user_data)
{
  pb_auth_request_start (self, method, path, query, body, flags, NULL, NULL, NULL, cancellable,
                         callback, user_data);
}

/*
 * _just_sync_pb_read_async:
 * @read_func: decodes a successful reply on the HTTP worker
 * @read_data: (transfer full): its data, freed with @read_data_free once
 *   the request completed; read only meanwhile
 *
 * A GET as _just_sync_pb_request_async(), whose successful reply comes
 * back decoded (#JustSyncHttpResponse.decoded) or fails with the decoding
 * error. Finish it with _just_sync_pb_request_finish().
 */
void
_just_sync_pb_read_async (JustSyncPocketbaseStore *self,
                          const char              *path,
                          const char              *query,
                          JustSyncHttpReadFunc     read_func,
                          gpointer                 read_data,
                          GDestroyNotify           read_data_free,
                          GCancellable            *cancellable,
                          GAsyncReadyCallback      callback,
                          gpointer                 user_data)
{
  pb_auth_request_start (self, "GET", path, query, NULL, JUST_SYNC_PB_REQUEST_DEFAULT, read_func,
                         read_data, read_data_free, cancellable, callback, user_data);
}

JustSyncHttpResponse *
_just_sync_pb_request_finish (JustSyncPocketbaseStore  *self,
                              GAsyncResult             *result,
                              GError                  **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}
