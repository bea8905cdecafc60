/* justsync-remote-store.c
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "justsync-json-private.h"
#include "justsync-remote-store-private.h"
#include "justsync-timestamp.h"

/**
 * JustSyncRemoteStore:
 *
 * A backend the records of a scope are synced with: PocketBase
 * ([class@JustSync.PocketbaseStore]), or [class@JustSync.MemoryRemoteStore] for tests and
 * demos. It serves pages of changes after a keyset cursor, takes batches of
 * pending operations, and tells the server's time. Every method is
 * scope-aware: it only reads and writes rows of the scope's name with every
 * one of its keys.
 *
 * ## Signing in
 *
 * A backend with accounts signs in with
 * [method@JustSync.RemoteStore.sign_in_async] and out with
 * [method@JustSync.RemoteStore.sign_out_async]; its `user-id` and
 * `authenticated` properties (read with
 * [method@JustSync.RemoteStore.get_user_id] and
 * [method@JustSync.RemoteStore.get_authenticated]) are notified when they
 * change. A session that expires or is revoked makes pushes fail with
 * %JUST_SYNC_ERROR_AUTH: every change stays queued, and goes out once the
 * app signs in again ([signal@JustSync.RemoteStore::credentials-changed]).
 *
 * The arrays the methods return own their elements through their free
 * function, so they are annotated `(transfer container)`: a C caller frees
 * them with g_ptr_array_unref(), and bindings do not free the elements a
 * second time (PyGObject 3.42 and GJS 1.74 do for `(transfer full)`). In
 * Vala they are `GenericArray<T>` arrays that own their elements, so a
 * `copy()` holds references of its own.
 */

G_DEFINE_INTERFACE (JustSyncRemoteStore, just_sync_remote_store, G_TYPE_OBJECT)

enum {
  REMOTE_CHANGED,
  CREDENTIALS_CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_LOCK_DEFINE_STATIC (not_before);

static char *
just_sync_remote_store_real_generate_id (JustSyncRemoteStore *self,
                                         JustSyncScope       *scope)
{
  return g_uuid_string_random ();
}

static void
just_sync_remote_store_real_watch (JustSyncRemoteStore *self,
                                   JustSyncScope       *scope)
{
}

static gboolean
just_sync_remote_store_real_needs_network (JustSyncRemoteStore *self)
{
  return TRUE;
}

static void
just_sync_remote_store_real_sign_in_async (JustSyncRemoteStore *self,
                                           const char          *identity,
                                           const char          *password,
                                           GCancellable        *cancellable,
                                           GAsyncReadyCallback  callback,
                                           gpointer             user_data)
{
  g_task_report_new_error (self, callback, user_data, just_sync_remote_store_real_sign_in_async,
                           G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                           _("This remote store has no accounts to sign in to"));
}

static void
just_sync_remote_store_real_sign_out_async (JustSyncRemoteStore *self,
                                            GCancellable        *cancellable,
                                            GAsyncReadyCallback  callback,
                                            gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);

  g_task_set_source_tag (task, just_sync_remote_store_real_sign_out_async);
  g_task_return_boolean (task, TRUE);
}

/* The default finish of both: a GTask returning a boolean. */
static gboolean
just_sync_remote_store_real_sign_finish (JustSyncRemoteStore  *self,
                                         GAsyncResult         *result,
                                         GError              **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
just_sync_remote_store_default_init (JustSyncRemoteStoreInterface *iface)
{
  iface->sign_in_async = just_sync_remote_store_real_sign_in_async;
  iface->sign_in_finish = just_sync_remote_store_real_sign_finish;
  iface->sign_out_async = just_sync_remote_store_real_sign_out_async;
  iface->sign_out_finish = just_sync_remote_store_real_sign_finish;
  iface->needs_network = just_sync_remote_store_real_needs_network;
  iface->generate_id = just_sync_remote_store_real_generate_id;
  iface->watch = just_sync_remote_store_real_watch;
  iface->unwatch = just_sync_remote_store_real_watch;

  /**
   * JustSyncRemoteStore::remote-changed:
   * @self: the store
   * @scope: the scope that changed on the server
   *
   * A hint that the server has changes for a watched scope (a realtime
   * event). The orchestrator pulls soon after; the sync point, not the
   * event, stays the truth, so a lost event only delays a change.
   */
  signals[REMOTE_CHANGED] =
    g_signal_new ("remote-changed",
                  G_TYPE_FROM_INTERFACE (iface),
                  G_SIGNAL_RUN_LAST,
                  0,
                  NULL, NULL,
                  NULL,
                  G_TYPE_NONE, 1,
                  JUST_SYNC_TYPE_SCOPE);

  /**
   * JustSyncRemoteStore::credentials-changed:
   * @self: the store
   *
   * The store's credentials changed (the app gave a password or a token
   * again, say): what failed with %JUST_SYNC_ERROR_AUTH may work now. The
   * orchestrator syncs every scope it knows soon after, backoff or not.
   * A backend without credentials never emits it; one with credentials
   * emits it with [method@JustSync.RemoteStore.emit_credentials_changed].
   */
  signals[CREDENTIALS_CHANGED] =
    g_signal_new ("credentials-changed",
                  G_TYPE_FROM_INTERFACE (iface),
                  G_SIGNAL_RUN_LAST,
                  0,
                  NULL, NULL,
                  NULL,
                  G_TYPE_NONE, 0);
}

/**
 * just_sync_remote_store_generate_id:
 * @self: a [iface@JustSync.RemoteStore]
 * @scope: the scope the record will belong to
 *
 * Makes a new client-side record id that the backend accepts, so a create
 * can be pushed more than once without making two records.
 *
 * Returns: (transfer full): a new id
 */
char *
just_sync_remote_store_generate_id (JustSyncRemoteStore *self,
                                    JustSyncScope       *scope)
{
  g_return_val_if_fail (JUST_SYNC_IS_REMOTE_STORE (self), NULL);
  g_return_val_if_fail (scope != NULL, NULL);

  return JUST_SYNC_REMOTE_STORE_GET_IFACE (self)->generate_id (self, scope);
}

/**
 * just_sync_remote_store_watch:
 * @self: a [iface@JustSync.RemoteStore]
 * @scope: a scope
 *
 * Asks for [signal@JustSync.RemoteStore::remote-changed] when @scope changes on the
 * server, where the backend can tell.
 */
void
just_sync_remote_store_watch (JustSyncRemoteStore *self,
                              JustSyncScope       *scope)
{
  g_return_if_fail (JUST_SYNC_IS_REMOTE_STORE (self));
  g_return_if_fail (scope != NULL);

  JUST_SYNC_REMOTE_STORE_GET_IFACE (self)->watch (self, scope);
}

/**
 * just_sync_remote_store_unwatch:
 * @self: a [iface@JustSync.RemoteStore]
 * @scope: a watched scope
 *
 * Undoes [method@JustSync.RemoteStore.watch].
 */
void
just_sync_remote_store_unwatch (JustSyncRemoteStore *self,
                                JustSyncScope       *scope)
{
  g_return_if_fail (JUST_SYNC_IS_REMOTE_STORE (self));
  g_return_if_fail (scope != NULL);

  JUST_SYNC_REMOTE_STORE_GET_IFACE (self)->unwatch (self, scope);
}

/**
 * just_sync_remote_store_needs_network:
 * @self: a [iface@JustSync.RemoteStore]
 *
 * Tells whether reaching the backend needs the network. A
 * [class@JustSync.Orchestrator] only treats itself as offline, and refuses to try,
 * when the #GNetworkMonitor says the network is down and this returns
 * %TRUE: a server on the loopback interface works on a machine with no
 * network at all.
 *
 * Returns: %TRUE if the backend is reached over the network
 */
gboolean
just_sync_remote_store_needs_network (JustSyncRemoteStore *self)
{
  g_return_val_if_fail (JUST_SYNC_IS_REMOTE_STORE (self), TRUE);

  return JUST_SYNC_REMOTE_STORE_GET_IFACE (self)->needs_network (self);
}

/**
 * just_sync_remote_store_emit_remote_changed:
 * @self: a [iface@JustSync.RemoteStore]
 * @scope: the scope that changed
 *
 * Emits [signal@JustSync.RemoteStore::remote-changed]. For implementations.
 */
void
just_sync_remote_store_emit_remote_changed (JustSyncRemoteStore *self,
                                            JustSyncScope       *scope)
{
  g_return_if_fail (JUST_SYNC_IS_REMOTE_STORE (self));
  g_return_if_fail (scope != NULL);

  g_signal_emit (self, signals[REMOTE_CHANGED], 0, scope);
}

/**
 * just_sync_remote_store_emit_credentials_changed:
 * @self: a [iface@JustSync.RemoteStore]
 *
 * Emits [signal@JustSync.RemoteStore::credentials-changed]. For implementations.
 */
void
just_sync_remote_store_emit_credentials_changed (JustSyncRemoteStore *self)
{
  g_return_if_fail (JUST_SYNC_IS_REMOTE_STORE (self));

  g_signal_emit (self, signals[CREDENTIALS_CHANGED], 0);
}

/**
 * just_sync_remote_store_fetch_since_async:
 * @self: a [iface@JustSync.RemoteStore]
 * @scope: the scope
 * @since: (nullable): the cursor to continue after, or %NULL
 * @limit: the most records to return
 * @cancellable: (nullable): a #GCancellable
 * @callback: (scope async): called when the operation completes
 * @user_data: data for @callback
 *
 * Fetches the next page of changes of @scope after @since.
 */
void
just_sync_remote_store_fetch_since_async (JustSyncRemoteStore *self,
                                          JustSyncScope       *scope,
                                          JustSyncSyncPoint   *since,
                                          guint                limit,
                                          GCancellable        *cancellable,
                                          GAsyncReadyCallback  callback,
                                          gpointer             user_data)
{
  g_return_if_fail (JUST_SYNC_IS_REMOTE_STORE (self));
  g_return_if_fail (scope != NULL);
  g_return_if_fail (limit > 0);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  JUST_SYNC_REMOTE_STORE_GET_IFACE (self)->fetch_since_async (self, scope, since, limit, cancellable, callback, user_data);
}

/**
 * just_sync_remote_store_fetch_since_finish:
 * @self: a [iface@JustSync.RemoteStore]
 * @result: the #GAsyncResult passed to the callback
 * @error: return location for an error
 *
 * Finishes [method@JustSync.RemoteStore.fetch_since_async].
 *
 * Returns: (transfer full): the page
 */
JustSyncDelta *
just_sync_remote_store_fetch_since_finish (JustSyncRemoteStore  *self,
                                           GAsyncResult         *result,
                                           GError              **error)
{
  g_return_val_if_fail (JUST_SYNC_IS_REMOTE_STORE (self), NULL);
  g_return_val_if_fail (G_IS_ASYNC_RESULT (result), NULL);

  return JUST_SYNC_REMOTE_STORE_GET_IFACE (self)->fetch_since_finish (self, result, error);
}

/**
 * just_sync_remote_store_batch_upsert_async:
 * @self: a [iface@JustSync.RemoteStore]
 * @scope: the scope
 * @ops: (element-type JustSyncPendingOp): upsert operations
 * @cancellable: (nullable): a #GCancellable
 * @callback: (scope async): called when the operation completes
 * @user_data: data for @callback
 *
 * Pushes upsert operations of @scope.
 */
void
just_sync_remote_store_batch_upsert_async (JustSyncRemoteStore *self,
                                           JustSyncScope       *scope,
                                           GPtrArray           *ops,
                                           GCancellable        *cancellable,
                                           GAsyncReadyCallback  callback,
                                           gpointer             user_data)
{
  g_return_if_fail (JUST_SYNC_IS_REMOTE_STORE (self));
  g_return_if_fail (scope != NULL);
  g_return_if_fail (ops != NULL);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  JUST_SYNC_REMOTE_STORE_GET_IFACE (self)->batch_upsert_async (self, scope, ops, cancellable, callback, user_data);
}

/**
 * just_sync_remote_store_batch_upsert_finish:
 * @self: a [iface@JustSync.RemoteStore]
 * @result: the #GAsyncResult passed to the callback
 * @error: return location for an error
 *
 * Finishes [method@JustSync.RemoteStore.batch_upsert_async].
 *
 * Returns: (transfer container) (element-type JustSyncPushResult): one result per
 *   operation
 */
GPtrArray *
just_sync_remote_store_batch_upsert_finish (JustSyncRemoteStore  *self,
                                            GAsyncResult         *result,
                                            GError              **error)
{
  g_return_val_if_fail (JUST_SYNC_IS_REMOTE_STORE (self), NULL);
  g_return_val_if_fail (G_IS_ASYNC_RESULT (result), NULL);

  return JUST_SYNC_REMOTE_STORE_GET_IFACE (self)->batch_upsert_finish (self, result, error);
}

/**
 * just_sync_remote_store_batch_delete_async:
 * @self: a [iface@JustSync.RemoteStore]
 * @scope: the scope
 * @ops: (element-type JustSyncPendingOp): delete operations
 * @cancellable: (nullable): a #GCancellable
 * @callback: (scope async): called when the operation completes
 * @user_data: data for @callback
 *
 * Pushes delete operations of @scope; deleting a record the server does
 * not have is a success.
 */
void
just_sync_remote_store_batch_delete_async (JustSyncRemoteStore *self,
                                           JustSyncScope       *scope,
                                           GPtrArray           *ops,
                                           GCancellable        *cancellable,
                                           GAsyncReadyCallback  callback,
                                           gpointer             user_data)
{
  g_return_if_fail (JUST_SYNC_IS_REMOTE_STORE (self));
  g_return_if_fail (scope != NULL);
  g_return_if_fail (ops != NULL);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  JUST_SYNC_REMOTE_STORE_GET_IFACE (self)->batch_delete_async (self, scope, ops, cancellable, callback, user_data);
}

/**
 * just_sync_remote_store_batch_delete_finish:
 * @self: a [iface@JustSync.RemoteStore]
 * @result: the #GAsyncResult passed to the callback
 * @error: return location for an error
 *
 * Finishes [method@JustSync.RemoteStore.batch_delete_async].
 *
 * Returns: (transfer container) (element-type JustSyncPushResult): one result per
 *   operation
 */
GPtrArray *
just_sync_remote_store_batch_delete_finish (JustSyncRemoteStore  *self,
                                            GAsyncResult         *result,
                                            GError              **error)
{
  g_return_val_if_fail (JUST_SYNC_IS_REMOTE_STORE (self), NULL);
  g_return_val_if_fail (G_IS_ASYNC_RESULT (result), NULL);

  return JUST_SYNC_REMOTE_STORE_GET_IFACE (self)->batch_delete_finish (self, result, error);
}

/**
 * just_sync_remote_store_get_server_time_async:
 * @self: a [iface@JustSync.RemoteStore]
 * @cancellable: (nullable): a #GCancellable
 * @callback: (scope async): called when the operation completes
 * @user_data: data for @callback
 *
 * Reads the server's clock.
 */
void
just_sync_remote_store_get_server_time_async (JustSyncRemoteStore *self,
                                              GCancellable        *cancellable,
                                              GAsyncReadyCallback  callback,
                                              gpointer             user_data)
{
  g_return_if_fail (JUST_SYNC_IS_REMOTE_STORE (self));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  JUST_SYNC_REMOTE_STORE_GET_IFACE (self)->get_server_time_async (self, cancellable, callback, user_data);
}

/**
 * just_sync_remote_store_get_server_time_finish:
 * @self: a [iface@JustSync.RemoteStore]
 * @result: the #GAsyncResult passed to the callback
 * @error: return location for an error
 *
 * Finishes [method@JustSync.RemoteStore.get_server_time_async].
 *
 * Returns: the server's time in microseconds since the epoch, or 0 with
 *   @error set
 */
gint64
just_sync_remote_store_get_server_time_finish (JustSyncRemoteStore  *self,
                                               GAsyncResult         *result,
                                               GError              **error)
{
  g_return_val_if_fail (JUST_SYNC_IS_REMOTE_STORE (self), 0);
  g_return_val_if_fail (G_IS_ASYNC_RESULT (result), 0);

  return JUST_SYNC_REMOTE_STORE_GET_IFACE (self)->get_server_time_finish (self, result, error);
}


static G_DEFINE_QUARK (just-sync-remote-not-before, not_before)

/*
 * _just_sync_remote_store_note_retry_after:
 * @self: a remote store
 * @delay: the server's `Retry-After`, in microseconds
 *
 * Called by a backend when the server asked for a pause, for a request
 * of any kind (a page, a push, the time). The scheduler reads it back with
 * _just_sync_remote_store_get_not_before() and starts no job against this
 * remote before then. A later, shorter answer does not shorten a pause
 * already asked for. Thread-safe: backends may call it from a worker.
 */
void
_just_sync_remote_store_note_retry_after (JustSyncRemoteStore *self,
                                          GTimeSpan            delay)
{
  gint64 *not_before;
  gint64 when;

  g_return_if_fail (JUST_SYNC_IS_REMOTE_STORE (self));

  if (delay <= 0)
    return;

  when = g_get_monotonic_time () + delay;
  G_LOCK (not_before);
  not_before = g_object_get_qdata (G_OBJECT (self), not_before_quark ());
  if (not_before == NULL)
    {
      not_before = g_new (gint64, 1);
      *not_before = when;
      g_object_set_qdata_full (G_OBJECT (self), not_before_quark (), not_before, g_free);
    }
  else
    *not_before = MAX (*not_before, when);
  G_UNLOCK (not_before);
}

/*
 * _just_sync_remote_store_get_not_before:
 * @self: a remote store
 *
 * Returns: the monotonic time (g_get_monotonic_time()) before which the
 *   server asked not to be called again, or 0 when it asked for no pause
 */
gint64
_just_sync_remote_store_get_not_before (JustSyncRemoteStore *self)
{
  gint64 *not_before;
  gint64 when;

  g_return_val_if_fail (JUST_SYNC_IS_REMOTE_STORE (self), 0);

  G_LOCK (not_before);
  not_before = g_object_get_qdata (G_OBJECT (self), not_before_quark ());
  when = not_before != NULL ? *not_before : 0;
  G_UNLOCK (not_before);
  return when;
}

/* --- signing in --------------------------------------------------------- */

/**
 * just_sync_remote_store_sign_in_async:
 * @self: a [iface@JustSync.RemoteStore]
 * @identity: who signs in: an email address, usually
 * @password: the password
 * @cancellable: (nullable): a #GCancellable
 * @callback: (scope async): called when the operation completes
 * @user_data: data for @callback
 *
 * Signs in to the backend. On success the store keeps the session (a
 * token) the server gave, not the password, and renews the session before
 * it expires; `user-id` and `authenticated` are updated and
 * [signal@JustSync.RemoteStore::credentials-changed] is emitted, so an orchestrator
 * pushes what waited. A wrong password fails with %JUST_SYNC_ERROR_AUTH;
 * a backend without accounts fails with %G_IO_ERROR_NOT_SUPPORTED.
 */
void
just_sync_remote_store_sign_in_async (JustSyncRemoteStore *self,
                                      const char          *identity,
                                      const char          *password,
                                      GCancellable        *cancellable,
                                      GAsyncReadyCallback  callback,
                                      gpointer             user_data)
{
  g_return_if_fail (JUST_SYNC_IS_REMOTE_STORE (self));
  g_return_if_fail (identity != NULL);
  g_return_if_fail (password != NULL);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  JUST_SYNC_REMOTE_STORE_GET_IFACE (self)->sign_in_async (self, identity, password, cancellable,
                                                          callback, user_data);
}

/**
 * just_sync_remote_store_sign_in_finish:
 * @self: a [iface@JustSync.RemoteStore]
 * @result: the #GAsyncResult passed to the callback
 * @error: return location for an error
 *
 * Finishes [method@JustSync.RemoteStore.sign_in_async].
 *
 * Returns: %TRUE when signed in
 */
gboolean
just_sync_remote_store_sign_in_finish (JustSyncRemoteStore  *self,
                                       GAsyncResult         *result,
                                       GError              **error)
{
  g_return_val_if_fail (JUST_SYNC_IS_REMOTE_STORE (self), FALSE);
  g_return_val_if_fail (G_IS_ASYNC_RESULT (result), FALSE);

  return JUST_SYNC_REMOTE_STORE_GET_IFACE (self)->sign_in_finish (self, result, error);
}

/**
 * just_sync_remote_store_sign_out_async:
 * @self: a [iface@JustSync.RemoteStore]
 * @cancellable: (nullable): a #GCancellable
 * @callback: (scope async): called when the operation completes
 * @user_data: data for @callback
 *
 * Forgets the session and the credentials, and tells the server where it
 * keeps sessions. The store is signed out even when the server could not
 * be told (the call then fails with that error). Changes made afterwards
 * stay queued until the app signs in again.
 */
void
just_sync_remote_store_sign_out_async (JustSyncRemoteStore *self,
                                       GCancellable        *cancellable,
                                       GAsyncReadyCallback  callback,
                                       gpointer             user_data)
{
  g_return_if_fail (JUST_SYNC_IS_REMOTE_STORE (self));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  JUST_SYNC_REMOTE_STORE_GET_IFACE (self)->sign_out_async (self, cancellable, callback, user_data);
}

/**
 * just_sync_remote_store_sign_out_finish:
 * @self: a [iface@JustSync.RemoteStore]
 * @result: the #GAsyncResult passed to the callback
 * @error: return location for an error
 *
 * Finishes [method@JustSync.RemoteStore.sign_out_async].
 *
 * Returns: %TRUE when the server was told too
 */
gboolean
just_sync_remote_store_sign_out_finish (JustSyncRemoteStore  *self,
                                        GAsyncResult         *result,
                                        GError              **error)
{
  g_return_val_if_fail (JUST_SYNC_IS_REMOTE_STORE (self), FALSE);
  g_return_val_if_fail (G_IS_ASYNC_RESULT (result), FALSE);

  return JUST_SYNC_REMOTE_STORE_GET_IFACE (self)->sign_out_finish (self, result, error);
}

typedef struct
{
  char *user_id;
  gboolean authenticated;
} AuthState;

static void
auth_state_free (AuthState *state)
{
  g_free (state->user_id);
  g_free (state);
}

static G_DEFINE_QUARK (just-sync-remote-auth, auth_state)

static AuthState *
remote_store_peek_auth (JustSyncRemoteStore *self)
{
  return g_object_get_qdata (G_OBJECT (self), auth_state_quark ());
}

/**
 * just_sync_remote_store_get_user_id:
 * @self: a [iface@JustSync.RemoteStore]
 *
 * The id of the signed-in user on the server, as the backend's `user-id`
 * property tells it: known after a sign-in, from a token's claims, or
 * after the first authenticated request.
 *
 * Returns: (nullable): the user's id, or %NULL
 */
const char *
just_sync_remote_store_get_user_id (JustSyncRemoteStore *self)
{
  AuthState *state;

  g_return_val_if_fail (JUST_SYNC_IS_REMOTE_STORE (self), NULL);

  state = remote_store_peek_auth (self);
  return state != NULL ? state->user_id : NULL;
}

/**
 * just_sync_remote_store_get_authenticated:
 * @self: a [iface@JustSync.RemoteStore]
 *
 * Whether the store holds a session it may act with: %FALSE before a
 * sign-in, after a sign-out, and once the server refused the session
 * (expired or revoked) with no way to renew it. A backend without
 * accounts is never authenticated.
 *
 * Returns: %TRUE when signed in
 */
gboolean
just_sync_remote_store_get_authenticated (JustSyncRemoteStore *self)
{
  AuthState *state;

  g_return_val_if_fail (JUST_SYNC_IS_REMOTE_STORE (self), FALSE);

  state = remote_store_peek_auth (self);
  return state != NULL && state->authenticated;
}

static void
remote_store_notify_if_any (JustSyncRemoteStore *self,
                            const char          *name)
{
  if (g_object_class_find_property (G_OBJECT_GET_CLASS (self), name) != NULL)
    g_object_notify (G_OBJECT (self), name);
}

/*
 * _just_sync_remote_store_update_auth:
 * @user_id: (nullable): the signed-in user's id, or %NULL when unknown
 * @authenticated: whether the store holds a usable session
 *
 * What a backend calls when its sign-in state changes: keeps it for
 * just_sync_remote_store_get_user_id() and
 * just_sync_remote_store_get_authenticated() (which the backend's
 * `user-id` and `authenticated` properties return), and notifies those
 * properties when their value changed. Main thread only.
 */
void
_just_sync_remote_store_update_auth (JustSyncRemoteStore *self,
                                     const char          *user_id,
                                     gboolean             authenticated)
{
  AuthState *state;
  gboolean user_changed, authenticated_changed;

  g_return_if_fail (JUST_SYNC_IS_REMOTE_STORE (self));

  state = remote_store_peek_auth (self);
  if (state == NULL)
    {
      state = g_new0 (AuthState, 1);
      g_object_set_qdata_full (G_OBJECT (self), auth_state_quark (), state,
                               (GDestroyNotify) auth_state_free);
    }

  if (user_id != NULL && user_id[0] == '\0')
    user_id = NULL;
  authenticated = !!authenticated;
  user_changed = g_strcmp0 (state->user_id, user_id) != 0;
  authenticated_changed = state->authenticated != authenticated;
  if (user_changed)
    {
      g_free (state->user_id);
      state->user_id = g_strdup (user_id);
    }
  state->authenticated = authenticated;

  if (user_changed)
    remote_store_notify_if_any (self, "user-id");
  if (authenticated_changed)
    remote_store_notify_if_any (self, "authenticated");
}

/* A JWT's parts are small: a larger payload is no token. */
#define MAX_JWT_PAYLOAD 16384

/*
 * _just_sync_jwt_dup_claims:
 * @token: a JSON Web Token
 *
 * Reads the claims of a JWT without checking its signature (the server
 * does that), through the strict JSON reader.
 *
 * Returns: (transfer full) (nullable): the claims, or %NULL when @token is
 *   no JWT
 */
JsonObject *
_just_sync_jwt_dup_claims (const char *token)
{
  g_auto(GStrv) parts = g_strsplit (token, ".", 3);
  g_autoptr(GString) payload = NULL;
  g_autoptr(JsonNode) root = NULL;
  g_autofree guchar *decoded = NULL;
  gsize length;

  if (g_strv_length (parts) != 3 || strlen (parts[1]) > MAX_JWT_PAYLOAD)
    return NULL;

  /* base64url without padding to base64. */
  payload = g_string_new (parts[1]);
  g_strdelimit (payload->str, "-", '+');
  g_strdelimit (payload->str, "_", '/');
  while (payload->len % 4 != 0)
    g_string_append_c (payload, '=');
  decoded = g_base64_decode (payload->str, &length);
  if (decoded == NULL || length == 0)
    return NULL;

  root = _just_sync_json_parse ((const char *) decoded, (gssize) length,
                                JUST_SYNC_JSON_MAX_ENVELOPE_DEPTH, NULL);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    return NULL;
  return json_node_dup_object (root);
}

/*
 * _just_sync_jwt_claims_get_time:
 * @claims: (nullable): a JWT's claims
 * @name: a claim in seconds since the epoch, such as `exp`
 *
 * Returns: the claim in microseconds, or 0 when it is missing, no number,
 *   or not a time JustSync supports
 */
gint64
_just_sync_jwt_claims_get_time (JsonObject *claims,
                                const char *name)
{
  JsonNode *node = claims != NULL ? json_object_get_member (claims, name) : NULL;
  double seconds;

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) ||
      (json_node_get_value_type (node) != G_TYPE_INT64 &&
       json_node_get_value_type (node) != G_TYPE_DOUBLE))
    return 0;
  seconds = json_node_get_double (node);
  /* Before 1970, past 9999 or not finite: no time JustSync supports. */
  if (!(seconds > 0 && seconds <= (double) (JUST_SYNC_TIMESTAMP_MAX / G_USEC_PER_SEC)))
    return 0;
  /* NumericDate may have a fraction; a whole second is precise enough. */
  return (gint64) seconds * G_USEC_PER_SEC;
}
