/* justsync-pocketbase-store.c
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <glib/gi18n-lib.h>

#include "justsync-delta-private.h"
#include "justsync-error.h"
#include "justsync-pocketbase-private.h"
#include "justsync-remote-store-private.h"
#include "justsync-timestamp.h"

/**
 * JustSyncPocketbaseStore:
 *
 * A [iface@JustSync.RemoteStore] that syncs with a [PocketBase](https://pocketbase.io)
 * server, version 0.23 or later, through its records API.
 *
 * ## Collections
 *
 * A scope's name is its collection unless
 * [method@JustSync.PocketbaseStore.set_collection] maps it elsewhere. The
 * collection needs an `updated` autodate field (created and updated), and
 * for soft deletes a date field named by
 * [property@JustSync.PocketbaseStore:soft-delete-field] (`deleted_at` by default):
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
 * must tie records to their scope, as <code>owner = &#64;request.auth.id</code> does.
 *
 * ## Ids
 *
 * [method@JustSync.RemoteStore.generate_id] makes ids PocketBase's default `id`
 * field accepts: 15 characters from `[a-z0-9]` (about 77 random bits).
 *
 * ## Authentication
 *
 * A fixed [property@JustSync.PocketbaseStore:token] (a user token or a superuser's
 * impersonation token), or an identity and password for an auth collection
 * such as `users` or `_superusers`
 * ([method@JustSync.PocketbaseStore.set_credentials]). PocketBase treats an
 * expired token as a guest instead of refusing it (lists come back empty,
 * writes fail with 404), so the store reads the token's expiry and logs in
 * again before it runs out, and once more when a request is refused with
 * 401 or 403. A fixed token that has expired fails with
 * %JUST_SYNC_ERROR_AUTH instead of being sent, and so does an identity
 * with neither a password nor a token: the store never acts as a guest
 * for a named user. New credentials or a new token emit
 * [signal@JustSync.RemoteStore::credentials-changed].
 *
 * [method@JustSync.RemoteStore.sign_in_async] logs in to
 * [property@JustSync.PocketbaseStore:auth-collection] once (`auth-with-password`)
 * and keeps only the token it gets, not the password: in the last fifth
 * of the token's lifetime (at most a minute before it ends) the next
 * request renews it with `auth-refresh`. A token the server refuses to
 * renew (revoked: the user changed their password, say) makes calls fail
 * with %JUST_SYNC_ERROR_AUTH until the app signs in again, and so does an
 * expired one; so does every call after
 * [method@JustSync.RemoteStore.sign_out_async]. PocketBase keeps no sessions,
 * so signing out only forgets the token.
 *
 * ## Pushes
 *
 * Upserts go through `POST /api/batch` (`PUT` with the id in the body), in
 * chunks of [property@JustSync.PocketbaseStore:batch-size]. One failing request rolls
 * back a whole batch, so the failing record is reported as rejected with
 * the server's message and the others are sent again. Where the batch API
 * is disabled (PocketBase's default), each record is sent alone (`PATCH`,
 * or `POST` for a new one). Deleting a record the server does not have is
 * a success. 5xx and 429 replies make the operations retry later, with the
 * server's `Retry-After`.
 *
 * ## Server time
 *
 * [method@JustSync.RemoteStore.get_server_time_async] reads `GET /api/justsync/time`
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
 * [method@JustSync.RemoteStore.watch] subscribes to the scope's collection over
 * `/api/realtime` (server-sent events) and emits
 * [signal@JustSync.RemoteStore::remote-changed] for events about the scope's rows.
 * A lost connection is reopened with exponential backoff, on the
 * thread-default main context the store was created on; since PocketBase
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
/* A token is renewed a fifth of its lifetime before it ends, at most this. */
#define MAX_TOKEN_MARGIN (60 * G_USEC_PER_SEC)

enum {
  PROP_0,
  PROP_BASE_URL,
  PROP_TOKEN,
  PROP_AUTH_COLLECTION,
  PROP_IDENTITY,
  PROP_PASSWORD,
  PROP_USER_ID,
  PROP_AUTHENTICATED,
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

/* --- settings shared by the parts --------------------------------------- */

static void
pb_store_mapping_free (JustSyncPbTarget *mapping)
{
  _just_sync_pb_target_clear (mapping);
  g_free (mapping);
}

void
_just_sync_pb_target_clear (JustSyncPbTarget *target)
{
  g_clear_pointer (&target->collection, g_free);
  g_clear_pointer (&target->soft_delete_field, g_free);
}

static void
pb_store_watch_free (JustSyncPbWatch *watch)
{
  just_sync_scope_unref (watch->scope);
  g_free (watch);
}

void
_just_sync_pb_resolve_target (JustSyncPocketbaseStore *self,
                              JustSyncScope           *scope,
                              JustSyncPbTarget        *target)
{
  const char *name = just_sync_scope_get_name (scope);
  JustSyncPbTarget *mapping = g_hash_table_lookup (self->mappings, name);
  const char *field;

  target->collection = g_strdup (mapping != NULL ? mapping->collection : name);
  field = mapping != NULL ? mapping->soft_delete_field : self->soft_delete_field;
  target->soft_delete_field = field != NULL && field[0] != '\0' ? g_strdup (field) : NULL;
}

/* The soft-delete field of @target, unless the collection turned out not to have it. */
const char *
_just_sync_pb_effective_soft_field (JustSyncPocketbaseStore *self,
                                    const JustSyncPbTarget  *target)
{
  if (target->soft_delete_field == NULL ||
      g_hash_table_contains (self->lacking_soft_field, target->collection))
    return NULL;
  return target->soft_delete_field;
}

/* Notes whether the collection of @target has its soft-delete field. */
void
_just_sync_pb_note_soft_field (JustSyncPocketbaseStore *self,
                               const JustSyncPbTarget  *target,
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

/* A record of a reply; learns from it whether the collection has its
 * soft-delete field. */
JustSyncRecord *
_just_sync_pb_read_record (JustSyncPocketbaseStore  *self,
                           const JustSyncPbTarget   *target,
                           JustSyncScope            *scope,
                           JsonNode                 *node,
                           GError                  **error)
{
  gboolean has_soft_field;
  JustSyncRecord *record = _just_sync_pb_record_from_json (target, scope, node, &has_soft_field,
                                                           NULL, error);

  if (record != NULL && target->soft_delete_field != NULL)
    _just_sync_pb_note_soft_field (self, target, has_soft_field);
  return record;
}

/*
 * Sets the token requests carry, and what it tells: its auth collection,
 * its expiry, and the user it is for (its `id` claim). A token that is
 * missing or already expired leaves the store unauthenticated.
 */
void
_just_sync_pb_set_token (JustSyncPocketbaseStore *self,
                         const char              *token)
{
  JustSyncRemoteStore *store = JUST_SYNC_REMOTE_STORE (self);
  g_autofree char *token_user_id = NULL;

  if (g_strcmp0 (self->token, token) == 0)
    {
      /* The same token again: the app vouches for it. */
      if (self->token_refused)
        {
          self->token_refused = FALSE;
          _just_sync_remote_store_update_auth (store, just_sync_remote_store_get_user_id (store),
                                               _just_sync_pb_token_usable (self));
        }
      return;
    }

  self->token_refused = FALSE;
  g_free (self->token);
  self->token = token != NULL && token[0] != '\0' ? g_strdup (token) : NULL;
  g_clear_pointer (&self->token_collection_id, g_free);
  self->token_expires = self->token != NULL ?
    _just_sync_pb_token_get_claims (self->token, &self->token_collection_id, &token_user_id) : 0;
  self->token_margin = 0;
  if (self->token_expires != 0)
    self->token_margin = CLAMP ((self->token_expires - _just_sync_pb_server_now (self)) / 5, 0, MAX_TOKEN_MARGIN);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TOKEN]);
  _just_sync_remote_store_update_auth (store,
                                       token_user_id != NULL ? token_user_id : just_sync_remote_store_get_user_id (store),
                                       _just_sync_pb_token_usable (self));
}

void
_just_sync_pb_set_user_id (JustSyncPocketbaseStore *self,
                           const char              *user_id)
{
  JustSyncRemoteStore *store = JUST_SYNC_REMOTE_STORE (self);

  _just_sync_remote_store_update_auth (store, user_id, just_sync_remote_store_get_authenticated (store));
}

/* The token can no longer be used (expired, or refused when renewed). */
void
_just_sync_pb_set_token_refused (JustSyncPocketbaseStore *self)
{
  JustSyncRemoteStore *store = JUST_SYNC_REMOTE_STORE (self);

  self->token_refused = TRUE;
  _just_sync_remote_store_update_auth (store, just_sync_remote_store_get_user_id (store), FALSE);
}

/* --- fetch_since -------------------------------------------------------- */

typedef struct
{
  JustSyncScope *scope;
  JustSyncPbTarget target;
  guint per_page;
} FetchData;

static void
pb_store_fetch_data_free (FetchData *data)
{
  just_sync_scope_unref (data->scope);
  _just_sync_pb_target_clear (&data->target);
  g_free (data);
}

/* A page as the HTTP worker decodes it. */
typedef struct
{
  JustSyncDelta *delta;
  gboolean has_soft_field;          /* of its last record */
} FetchPage;

static void
pb_store_fetch_page_free (FetchPage *page)
{
  g_clear_pointer (&page->delta, just_sync_delta_unref);
  g_free (page);
}

/* On the HTTP worker: the page's records, built there so that a page of
 * hundreds of rows costs the caller's thread nothing; @user_data, the
 * fetch's FetchData, is only read. */
static gpointer
pb_store_fetch_read (JustSyncHttpResponse  *response,
                     gpointer               user_data,
                     GDestroyNotify        *out_free,
                     GError               **error)
{
  FetchData *data = user_data;
  FetchPage *page;
  JsonArray *array;
  gint64 server_time, per_page;
  guint n;

  if ((array = _just_sync_pb_list_get_items (response, data->target.collection, error)) == NULL)
    return NULL;

  page = g_new0 (FetchPage, 1);
  *out_free = (GDestroyNotify) pb_store_fetch_page_free;
  /* A page stamped with a date no store can keep holds no delta: the
   * caller's thread fails it with the header's words. */
  if (response->date != 0 && !just_sync_timestamp_is_valid (response->date))
    return page;

  n = json_array_get_length (array);
  /* The server's time is known once every record is read: the delta
   * starts without it. */
  page->delta = just_sync_delta_new (0);
  server_time = response->date;
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(JustSyncSyncPoint) refused = NULL;
      g_autoptr(GError) reason = NULL;
      g_autoptr(JustSyncRecord) record = _just_sync_pb_record_from_json (&data->target, data->scope,
                                                                         json_array_get_element (array, i),
                                                                         &page->has_soft_field,
                                                                         &refused, &reason);

      if (!_just_sync_delta_add_row (page->delta, record, refused, "PocketBase collection",
                                     data->target.collection, &reason))
        {
          g_propagate_error (error, g_steal_pointer (&reason));
          pb_store_fetch_page_free (page);
          return NULL;
        }
      if (record != NULL)
        server_time = MAX (server_time, just_sync_record_get_updated_at (record));
    }
  _just_sync_delta_set_server_time (page->delta, server_time);

  /* The server may clamp perPage (to 1,000); its reply says what it used. */
  per_page = _just_sync_pb_object_get_int (_just_sync_pb_body_get_object (response->body), "perPage");
  if (per_page <= 0)
    per_page = data->per_page;
  just_sync_delta_set_has_more (page->delta, n > 0 && n >= per_page);
  return page;
}

static void
pb_store_fetch_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  JustSyncPocketbaseStore *self = JUST_SYNC_POCKETBASE_STORE (object);
  g_autoptr(GTask) task = user_data;
  FetchData *data = g_task_get_task_data (task);
  g_autoptr(JustSyncHttpResponse) response = NULL;
  FetchPage *page;
  GError *error = NULL;

  if ((response = _just_sync_pb_request_finish (self, result, &error)) == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  /* An error status, or a success with no body to decode. */
  if ((page = response->decoded) == NULL)
    {
      _just_sync_pb_list_get_items (response, data->target.collection, &error);
      g_task_return_error (task, error);
      return;
    }
  if (!_just_sync_http_response_check_date (response, &error))
    {
      g_task_return_error (task, error);
      return;
    }

  if (just_sync_delta_get_records (page->delta)->len > 0 && data->target.soft_delete_field != NULL)
    _just_sync_pb_note_soft_field (self, &data->target, page->has_soft_field);
  g_task_return_pointer (task, g_steal_pointer (&page->delta), (GDestroyNotify) just_sync_delta_unref);
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
  g_autofree char *query = NULL;
  g_autofree char *path = NULL;
  GError *error = NULL;
  FetchData *data;

  g_task_set_source_tag (task, just_sync_pocketbase_store_fetch_since_async);

  if (!_just_sync_pb_check_scope (scope, &error))
    {
      g_task_return_error (task, error);
      return;
    }

  data = g_new0 (FetchData, 1);
  data->scope = just_sync_scope_ref (scope);
  _just_sync_pb_resolve_target (self, scope, &data->target);
  data->per_page = MIN (limit, self->page_size);
  g_task_set_task_data (task, data, (GDestroyNotify) pb_store_fetch_data_free);

  query = _just_sync_pb_pull_query (scope, since, data->per_page);
  path = _just_sync_pb_records_path (data->target.collection, NULL);
  /* data lives as long as the task, which outlives the request. */
  _just_sync_pb_read_async (self, path, query, pb_store_fetch_read, data, NULL, cancellable,
                            pb_store_fetch_cb, g_steal_pointer (&task));
}

static JustSyncDelta *
just_sync_pocketbase_store_fetch_since_finish (JustSyncRemoteStore  *store,
                                               GAsyncResult         *result,
                                               GError              **error)
{
  g_return_val_if_fail (g_task_is_valid (result, store), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
just_sync_pocketbase_store_batch_upsert_async (JustSyncRemoteStore *store,
                                               JustSyncScope       *scope,
                                               GPtrArray           *ops,
                                               GCancellable        *cancellable,
                                               GAsyncReadyCallback  callback,
                                               gpointer             user_data)
{
  _just_sync_pb_push_async (JUST_SYNC_POCKETBASE_STORE (store), JUST_SYNC_PB_PUSH_UPSERT, scope, ops, cancellable,
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
  _just_sync_pb_push_async (JUST_SYNC_POCKETBASE_STORE (store), JUST_SYNC_PB_PUSH_DELETE, scope, ops, cancellable,
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

/* The time as a boxed gint64: g_task_return_int() holds a gssize, which
 * cuts microseconds since 1970 short on 32-bit systems. */
static void
pb_store_return_time (GTask  *task,
                      gint64  usec)
{
  g_task_return_pointer (task, g_memdup2 (&usec, sizeof usec), g_free);
}

static void
pb_store_server_time_cb (GObject      *object,
                         GAsyncResult *result,
                         gpointer      user_data)
{
  JustSyncPocketbaseStore *self = JUST_SYNC_POCKETBASE_STORE (object);
  g_autoptr(GTask) task = user_data;
  gboolean asked_route = GPOINTER_TO_INT (g_task_get_task_data (task));
  g_autoptr(JustSyncHttpResponse) response = NULL;
  GError *error = NULL;
  gint64 usec;

  if ((response = _just_sync_pb_request_finish (self, result, &error)) == NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  if (asked_route && _just_sync_http_response_is_success (response) &&
      _just_sync_pb_time_from_json (response->body, &usec))
    {
      pb_store_return_time (task, usec);
      return;
    }

  /* Stock PocketBase: no such route; its 404 still carries a Date. */
  if (asked_route && response->status == SOUP_STATUS_NOT_FOUND)
    self->time_route_missing = TRUE;
  else if (!_just_sync_http_response_is_success (response))
    {
      _just_sync_pb_set_response_error (&error, response);
      g_task_return_error (task, error);
      return;
    }

  if (response->date == 0)
    {
      g_task_return_new_error (task, JUST_SYNC_ERROR, JUST_SYNC_ERROR_SERVER,
                               _("PocketBase sent no Date header to read its time from"));
      return;
    }
  pb_store_return_time (task, response->date + G_USEC_PER_SEC / 2);
}

static void
just_sync_pocketbase_store_get_server_time_async (JustSyncRemoteStore *store,
                                                  GCancellable        *cancellable,
                                                  GAsyncReadyCallback  callback,
                                                  gpointer             user_data)
{
  JustSyncPocketbaseStore *self = JUST_SYNC_POCKETBASE_STORE (store);
  GTask *task = g_task_new (store, cancellable, callback, user_data);
  gboolean ask_route = !self->time_route_missing;

  g_task_set_source_tag (task, just_sync_pocketbase_store_get_server_time_async);
  g_task_set_task_data (task, GINT_TO_POINTER (ask_route), NULL);
  _just_sync_pb_request_async (self, "GET", ask_route ? TIME_PATH : "/api/health", NULL, NULL,
                               JUST_SYNC_PB_REQUEST_NO_AUTH, cancellable, pb_store_server_time_cb, task);
}

static gint64
just_sync_pocketbase_store_get_server_time_finish (JustSyncRemoteStore  *store,
                                                   GAsyncResult         *result,
                                                   GError              **error)
{
  g_autofree gint64 *usec = NULL;

  g_return_val_if_fail (g_task_is_valid (result, store), 0);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) ==
                        just_sync_pocketbase_store_get_server_time_async, 0);

  usec = g_task_propagate_pointer (G_TASK (result), error);
  return usec != NULL ? *usec : 0;
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


static void
just_sync_pocketbase_store_watch (JustSyncRemoteStore *store,
                                  JustSyncScope       *scope)
{
  JustSyncPocketbaseStore *self = JUST_SYNC_POCKETBASE_STORE (store);
  const char *key = just_sync_scope_to_string (scope);
  JustSyncPbWatch *watch = g_hash_table_lookup (self->watched, key);

  if (watch != NULL)
    {
      watch->count++;
      return;
    }

  watch = g_new0 (JustSyncPbWatch, 1);
  watch->scope = just_sync_scope_ref (scope);
  watch->count = 1;
  g_hash_table_insert (self->watched, g_strdup (key), watch);
  /* Changes made before the subscription is live send no event: once it
   * is, report the watched scopes changed, as after a reconnect. */
  self->needs_catch_up = TRUE;
  _just_sync_pb_realtime_update (self);
}

static void
just_sync_pocketbase_store_unwatch (JustSyncRemoteStore *store,
                                    JustSyncScope       *scope)
{
  JustSyncPocketbaseStore *self = JUST_SYNC_POCKETBASE_STORE (store);
  const char *key = just_sync_scope_to_string (scope);
  JustSyncPbWatch *watch = g_hash_table_lookup (self->watched, key);

  if (watch == NULL || --watch->count > 0)
    return;

  g_hash_table_remove (self->watched, key);
  _just_sync_pb_realtime_update (self);
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
  iface->sign_in_async = _just_sync_pb_sign_in_async;
  iface->sign_in_finish = _just_sync_pb_sign_finish;
  iface->sign_out_async = _just_sync_pb_sign_out_async;
  iface->sign_out_finish = _just_sync_pb_sign_finish;
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
    {
      _just_sync_http_client_set_timeout (self->client, self->timeout);
      _just_sync_pb_realtime_init (self);
    }
}

static void
just_sync_pocketbase_store_dispose (GObject *object)
{
  JustSyncPocketbaseStore *self = (JustSyncPocketbaseStore *) object;

  g_hash_table_remove_all (self->watched);
  _just_sync_pb_realtime_dispose (self);

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
  g_clear_pointer (&self->mappings, g_hash_table_unref);
  g_free (self->soft_delete_field);
  g_clear_pointer (&self->lacking_soft_field, g_hash_table_unref);
  g_clear_pointer (&self->watched, g_hash_table_unref);

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
      g_value_set_string (value, just_sync_remote_store_get_user_id (JUST_SYNC_REMOTE_STORE (self)));
      break;

    case PROP_AUTHENTICATED:
      g_value_set_boolean (value, just_sync_remote_store_get_authenticated (JUST_SYNC_REMOTE_STORE (self)));
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
pb_store_replace_string (char       **field,
                         const char  *value)
{
  if (g_strcmp0 (*field, value) == 0)
    return FALSE;
  g_free (*field);
  *field = g_strdup (value);
  return TRUE;
}

/* The app changed the credentials: what failed for the want of them may
 * work now. */
static void
pb_store_credentials_changed (JustSyncPocketbaseStore *self)
{
  self->auth_generation++;
  self->signed_out = FALSE;
  _just_sync_pb_set_token (self, NULL);
  _just_sync_pb_set_user_id (self, NULL);
  just_sync_remote_store_emit_credentials_changed (JUST_SYNC_REMOTE_STORE (self));
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
      if (pb_store_replace_string (&self->auth_collection, g_value_get_string (value) != NULL ?
                                                  g_value_get_string (value) : DEFAULT_AUTH_COLLECTION))
        {
          pb_store_credentials_changed (self);
          g_object_notify_by_pspec (object, pspec);
        }
      break;

    case PROP_IDENTITY:
      if (pb_store_replace_string (&self->identity, g_value_get_string (value)))
        {
          pb_store_credentials_changed (self);
          g_object_notify_by_pspec (object, pspec);
        }
      break;

    case PROP_PASSWORD:
      if (pb_store_replace_string (&self->password, g_value_get_string (value)))
        pb_store_credentials_changed (self);
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
    case PROP_AUTHENTICATED:
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
   * The auth collection [property@JustSync.PocketbaseStore:identity] logs in to:
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
   * [property@JustSync.PocketbaseStore:password]; %NULL to use only
   * [property@JustSync.PocketbaseStore:token].
   */
  properties[PROP_IDENTITY] =
    g_param_spec_string ("identity", NULL, NULL,
                         NULL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * JustSyncPocketbaseStore:password:
   *
   * The password of [property@JustSync.PocketbaseStore:identity]. Write-only.
   */
  properties[PROP_PASSWORD] =
    g_param_spec_string ("password", NULL, NULL,
                         NULL,
                         G_PARAM_WRITABLE | G_PARAM_STATIC_STRINGS);

  /**
   * JustSyncPocketbaseStore:user-id:
   *
   * The id of the record the last login authenticated, or the one the
   * token names; %NULL before either. See
   * [method@JustSync.RemoteStore.get_user_id].
   */
  properties[PROP_USER_ID] =
    g_param_spec_string ("user-id", NULL, NULL,
                         NULL,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * JustSyncPocketbaseStore:authenticated:
   *
   * Whether the store holds a token it may use: set by a login, a sign-in
   * or a token that has not expired; unset by a sign-out, new
   * credentials, or a token that expired or was refused. See
   * [method@JustSync.RemoteStore.get_authenticated].
   */
  properties[PROP_AUTHENTICATED] =
    g_param_spec_boolean ("authenticated", NULL, NULL,
                          FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * JustSyncPocketbaseStore:soft-delete-field:
   *
   * The date field that marks a record deleted, `deleted_at` by default,
   * for collections not set up with
   * [method@JustSync.PocketbaseStore.set_collection]. %NULL or empty makes
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
                                          (GDestroyNotify) pb_store_mapping_free);
  self->soft_delete_field = g_strdup (DEFAULT_SOFT_DELETE_FIELD);
  self->lacking_soft_field = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->page_size = DEFAULT_PAGE_SIZE;
  self->batch_size = DEFAULT_BATCH_SIZE;
  self->watched = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                         (GDestroyNotify) pb_store_watch_free);
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
 * @self: a [class@JustSync.PocketbaseStore]
 *
 * Gets the value of [property@JustSync.PocketbaseStore:base-url].
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
 * @self: a [class@JustSync.PocketbaseStore]
 *
 * Gets the value of [property@JustSync.PocketbaseStore:token].
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
 * @self: a [class@JustSync.PocketbaseStore]
 * @token: (nullable): a PocketBase auth token, or %NULL for a guest
 *
 * Sets the token requests carry. With credentials set too, the store logs
 * in again when this token expires or is refused; without them, an
 * expired token makes calls fail with %JUST_SYNC_ERROR_AUTH. Emits
 * [signal@JustSync.RemoteStore::credentials-changed] when the token changes, so
 * an orchestrator pushes what waited for it.
 */
void
just_sync_pocketbase_store_set_token (JustSyncPocketbaseStore *self,
                                      const char              *token)
{
  g_return_if_fail (JUST_SYNC_IS_POCKETBASE_STORE (self));

  if (g_strcmp0 (self->token, token) == 0 && !self->token_refused && !self->signed_out)
    return;
  self->signed_out = FALSE;
  _just_sync_pb_set_token (self, token);
  just_sync_remote_store_emit_credentials_changed (JUST_SYNC_REMOTE_STORE (self));
}

/**
 * just_sync_pocketbase_store_set_credentials:
 * @self: a [class@JustSync.PocketbaseStore]
 * @auth_collection: (nullable): the auth collection, such as `users` or
 *   `_superusers`; %NULL for `users`
 * @identity: (nullable): the identity, usually an email address, or %NULL
 *   to forget the credentials
 * @password: (nullable): the password
 *
 * Sets what the store logs in with (`auth-with-password`). The login
 * happens with the first request that needs it, and again whenever the
 * token is about to expire or is refused. Drops the current token, and
 * emits [signal@JustSync.RemoteStore::credentials-changed], so an orchestrator
 * pushes what waited for credentials.
 *
 * An identity without a password (one that could not be read from the
 * keyring, say) names the user the store must act as: requests then fail
 * with %JUST_SYNC_ERROR_AUTH instead of going out as a guest, and the
 * orchestrator keeps the changes queued until credentials are set.
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
 * @self: a [class@JustSync.PocketbaseStore]
 *
 * Gets the value of [property@JustSync.PocketbaseStore:auth-collection].
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
 * @self: a [class@JustSync.PocketbaseStore]
 *
 * Gets the value of [property@JustSync.PocketbaseStore:identity].
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
 * @self: a [class@JustSync.PocketbaseStore]
 *
 * Gets the value of [property@JustSync.PocketbaseStore:user-id].
 *
 * Returns: (nullable): the id of the record the last login authenticated
 *   (for a scope key such as `owner`), or %NULL before a login
 */
const char *
just_sync_pocketbase_store_get_user_id (JustSyncPocketbaseStore *self)
{
  g_return_val_if_fail (JUST_SYNC_IS_POCKETBASE_STORE (self), NULL);

  return just_sync_remote_store_get_user_id (JUST_SYNC_REMOTE_STORE (self));
}

/**
 * just_sync_pocketbase_store_set_collection:
 * @self: a [class@JustSync.PocketbaseStore]
 * @scope_name: a scope name
 * @collection: (nullable): the collection that holds the scope's records,
 *   or %NULL to use the scope name again
 * @soft_delete_field: (nullable): the collection's date field that marks a
 *   record deleted, or %NULL when deletes in it are hard
 *
 * Maps the scopes named @scope_name to a collection. Scopes without a
 * mapping use the collection of their name and
 * [property@JustSync.PocketbaseStore:soft-delete-field].
 */
void
just_sync_pocketbase_store_set_collection (JustSyncPocketbaseStore *self,
                                           const char              *scope_name,
                                           const char              *collection,
                                           const char              *soft_delete_field)
{
  JustSyncPbTarget *mapping;

  g_return_if_fail (JUST_SYNC_IS_POCKETBASE_STORE (self));
  g_return_if_fail (scope_name != NULL && scope_name[0] != '\0');
  g_return_if_fail (collection == NULL || collection[0] != '\0');

  if (collection == NULL)
    {
      g_hash_table_remove (self->mappings, scope_name);
      return;
    }

  mapping = g_new0 (JustSyncPbTarget, 1);
  mapping->collection = g_strdup (collection);
  mapping->soft_delete_field = soft_delete_field != NULL && soft_delete_field[0] != '\0' ?
                               g_strdup (soft_delete_field) : NULL;
  g_hash_table_replace (self->mappings, g_strdup (scope_name), mapping);
  g_hash_table_remove (self->lacking_soft_field, collection);
}

/**
 * just_sync_pocketbase_store_get_collection:
 * @self: a [class@JustSync.PocketbaseStore]
 * @scope_name: a scope name
 *
 * Gets the PocketBase collection the scopes named @scope_name sync with.
 *
 * Returns: the collection that holds the records of scopes named @scope_name
 */
const char *
just_sync_pocketbase_store_get_collection (JustSyncPocketbaseStore *self,
                                           const char              *scope_name)
{
  JustSyncPbTarget *mapping;

  g_return_val_if_fail (JUST_SYNC_IS_POCKETBASE_STORE (self), NULL);
  g_return_val_if_fail (scope_name != NULL, NULL);

  mapping = g_hash_table_lookup (self->mappings, scope_name);
  return mapping != NULL ? mapping->collection : scope_name;
}

/**
 * just_sync_pocketbase_store_get_soft_delete_field:
 * @self: a [class@JustSync.PocketbaseStore]
 *
 * Gets the value of [property@JustSync.PocketbaseStore:soft-delete-field].
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
 * @self: a [class@JustSync.PocketbaseStore]
 * @field: (nullable): a date field name, or %NULL for hard deletes
 *
 * Sets [property@JustSync.PocketbaseStore:soft-delete-field].
 */
void
just_sync_pocketbase_store_set_soft_delete_field (JustSyncPocketbaseStore *self,
                                                  const char              *field)
{
  g_return_if_fail (JUST_SYNC_IS_POCKETBASE_STORE (self));

  if (field != NULL && field[0] == '\0')
    field = NULL;
  if (!pb_store_replace_string (&self->soft_delete_field, field))
    return;
  g_hash_table_remove_all (self->lacking_soft_field);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SOFT_DELETE_FIELD]);
}

/**
 * just_sync_pocketbase_store_get_page_size:
 * @self: a [class@JustSync.PocketbaseStore]
 *
 * Gets the value of [property@JustSync.PocketbaseStore:page-size].
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
 * @self: a [class@JustSync.PocketbaseStore]
 * @page_size: from 1 to %JUST_SYNC_POCKETBASE_MAX_PAGE_SIZE
 *
 * Sets [property@JustSync.PocketbaseStore:page-size].
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
 * @self: a [class@JustSync.PocketbaseStore]
 *
 * Gets the value of [property@JustSync.PocketbaseStore:batch-size].
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
 * @self: a [class@JustSync.PocketbaseStore]
 * @batch_size: from 1 to 1000; the server's `batch.maxRequests`
 *
 * Sets [property@JustSync.PocketbaseStore:batch-size].
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
 * @self: a [class@JustSync.PocketbaseStore]
 *
 * Gets the value of [property@JustSync.PocketbaseStore:timeout].
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
 * @self: a [class@JustSync.PocketbaseStore]
 * @seconds: the time limit of a request, or 0 for none
 *
 * Sets [property@JustSync.PocketbaseStore:timeout].
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

/* --- detecting a collection's fields ------------------------------------ */

/* Collects the names of @array's objects' member @member, or of the
 * members of its first object when @member is %NULL. */
static GStrv
pb_store_collect_names (JsonArray  *array,
                        const char *member)
{
  g_autoptr(GStrvBuilder) names = g_strv_builder_new ();

  if (member == NULL)
    {
      JsonNode *first = json_array_get_length (array) > 0 ? json_array_get_element (array, 0) : NULL;
      g_autoptr(GList) keys = NULL;

      if (first != NULL && JSON_NODE_HOLDS_OBJECT (first))
        keys = json_object_get_members (json_node_get_object (first));
      for (GList *l = keys; l != NULL; l = l->next)
        if (!g_str_equal (l->data, "expand"))
          g_strv_builder_add (names, l->data);
    }
  else
    for (guint i = 0; i < json_array_get_length (array); i++)
      {
        JsonNode *node = json_array_get_element (array, i);
        const char *name = JSON_NODE_HOLDS_OBJECT (node) ?
                           _just_sync_pb_object_get_string (json_node_get_object (node), member) : NULL;

        if (name != NULL)
          g_strv_builder_add (names, name);
      }
  return g_strv_builder_end (names);
}

static void
pb_store_detect_record_cb (GObject      *object,
                           GAsyncResult *result,
                           gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  const char *collection = g_task_get_task_data (task);
  g_autoptr(JustSyncHttpResponse) response = NULL;
  GError *error = NULL;
  JsonArray *items;

  response = _just_sync_pb_request_finish (JUST_SYNC_POCKETBASE_STORE (object), result, &error);
  if (response == NULL || (items = _just_sync_pb_list_get_items (response, collection, &error)) == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  if (json_array_get_length (items) == 0)
    {
      g_task_return_new_error (task, JUST_SYNC_ERROR, JUST_SYNC_ERROR_NOT_FOUND,
                               _("The fields of “%s” are unknown: only a superuser may read "
                                 "its schema, and it shows this user no record"), collection);
      return;
    }
  g_task_return_pointer (task, pb_store_collect_names (items, NULL), (GDestroyNotify) g_strfreev);
}

static void
pb_store_detect_schema_cb (GObject      *object,
                           GAsyncResult *result,
                           gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(JustSyncHttpResponse) response = NULL;
  JsonObject *body;
  JsonArray *fields;
  GError *error = NULL;

  response = _just_sync_pb_request_finish (JUST_SYNC_POCKETBASE_STORE (object), result, &error);
  if (response == NULL || !_just_sync_http_response_check (response, &error))
    {
      g_task_return_error (task, error);
      return;
    }
  body = _just_sync_pb_body_get_object (response->body);
  if (body == NULL || !json_object_has_member (body, "fields") ||
      !JSON_NODE_HOLDS_ARRAY (json_object_get_member (body, "fields")))
    {
      g_task_return_new_error (task, JUST_SYNC_ERROR, JUST_SYNC_ERROR_SERVER,
                               _("PocketBase described the collection “%s” without fields"),
                               (const char *) g_task_get_task_data (task));
      return;
    }
  fields = json_object_get_array_member (body, "fields");
  g_task_return_pointer (task, pb_store_collect_names (fields, "name"), (GDestroyNotify) g_strfreev);
}

/**
 * just_sync_pocketbase_store_detect_fields_async:
 * @self: a [class@JustSync.PocketbaseStore]
 * @collection: a collection name
 * @cancellable: (nullable): a #GCancellable
 * @callback: (scope async): called when the fields are known
 * @user_data: data for @callback
 *
 * Asks the server which fields @collection has, so that a caller can pick
 * the soft-delete field ([method@JustSync.PocketbaseStore.set_collection]) and
 * check scope keys instead of guessing. A superuser reads the collection's
 * schema (`GET /api/collections/NAME`); other users see the fields of a
 * record of it they may list, which fails with %JUST_SYNC_ERROR_NOT_FOUND
 * when they may list none.
 */
void
just_sync_pocketbase_store_detect_fields_async (JustSyncPocketbaseStore *self,
                                                const char              *collection,
                                                GCancellable            *cancellable,
                                                GAsyncReadyCallback      callback,
                                                gpointer                 user_data)
{
  GTask *task;
  g_autofree char *escaped = NULL;
  g_autofree char *path = NULL;

  g_return_if_fail (JUST_SYNC_IS_POCKETBASE_STORE (self));
  g_return_if_fail (collection != NULL && collection[0] != '\0');
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, just_sync_pocketbase_store_detect_fields_async);
  g_task_set_task_data (task, g_strdup (collection), g_free);

  if (_just_sync_pb_acts_as_superuser (self))
    {
      escaped = g_uri_escape_string (collection, NULL, FALSE);
      path = g_strdup_printf ("/api/collections/%s", escaped);
      _just_sync_pb_request_async (self, "GET", path, NULL, NULL, JUST_SYNC_PB_REQUEST_DEFAULT,
                                   cancellable, pb_store_detect_schema_cb, task);
    }
  else
    {
      path = _just_sync_pb_records_path (collection, NULL);
      _just_sync_pb_request_async (self, "GET", path, "perPage=1&skipTotal=1", NULL,
                                   JUST_SYNC_PB_REQUEST_DEFAULT, cancellable,
                                   pb_store_detect_record_cb, task);
    }
}

/**
 * just_sync_pocketbase_store_detect_fields_finish:
 * @self: a [class@JustSync.PocketbaseStore]
 * @result: the #GAsyncResult passed to the callback
 * @error: return location for an error
 *
 * Finishes [method@JustSync.PocketbaseStore.detect_fields_async].
 *
 * Returns: (transfer full) (array zero-terminated=1): the collection's field
 *   names, system fields (`id`, `created`, `updated`, …) included, or %NULL
 *   with @error set
 */
GStrv
just_sync_pocketbase_store_detect_fields_finish (JustSyncPocketbaseStore  *self,
                                                 GAsyncResult             *result,
                                                 GError                  **error)
{
  g_return_val_if_fail (JUST_SYNC_IS_POCKETBASE_STORE (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) ==
                        just_sync_pocketbase_store_detect_fields_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}
