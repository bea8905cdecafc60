/* justsync-remote-store.h
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#if !defined(JUST_SYNC_INSIDE) && !defined(JUST_SYNC_COMPILATION)
# error "Only <justsync/justsync.h> can be included directly."
#endif

#include <gio/gio.h>

#include "justsync-delta.h"
#include "justsync-pending-op.h"
#include "justsync-push-result.h"
#include "justsync-scope.h"
#include "justsync-sync-point.h"
#include "justsync-version-macros.h"

G_BEGIN_DECLS

#define JUST_SYNC_TYPE_REMOTE_STORE (just_sync_remote_store_get_type ())

JUST_SYNC_AVAILABLE_IN_ALL
G_DECLARE_INTERFACE (JustSyncRemoteStore, just_sync_remote_store, JUST_SYNC, REMOTE_STORE, GObject)

/**
 * JustSyncRemoteStoreInterface:
 * @fetch_since_async: starts fetching one page of the changes of a scope
 *   after a keyset cursor: the rows (tombstones included) whose
 *   (`updated_at`, id) is strictly greater than the cursor's, ordered by
 *   (`updated_at`, id), at most @limit of them; a %NULL cursor starts from
 *   the beginning. Only rows of the scope (its name and every key) are
 *   returned. The delta says whether more pages follow.
 * @fetch_since_finish: finishes @fetch_since_async.
 * @batch_upsert_async: starts pushing upsert operations of a scope, with the
 *   client ids of their records, so that pushing one twice is harmless.
 * @batch_upsert_finish: finishes @batch_upsert_async; returns one
 *   [struct@JustSync.PushResult] per operation, in any order. The call itself fails
 *   only when nothing could be attempted (the server unreachable, say).
 * @batch_delete_async: starts pushing delete operations of a scope;
 *   deleting a record the server does not have is a success.
 * @batch_delete_finish: finishes @batch_delete_async; as @batch_upsert_finish.
 * @get_server_time_async: starts reading the server's clock.
 * @get_server_time_finish: finishes @get_server_time_async; returns the
 *   server's time in microseconds since the epoch.
 * @generate_id: returns a new record id the backend accepts; the default is
 *   a random UUID.
 * @watch: asks the backend to report changes of a scope with
 *   [signal@JustSync.RemoteStore::remote-changed] (realtime); the default does nothing.
 * @unwatch: undoes @watch.
 * @needs_network: whether reaching the backend needs the network that
 *   #GNetworkMonitor watches. The default is %TRUE; a backend in the same
 *   process or on the loopback interface answers %FALSE, so the engine
 *   syncs with it even when the machine has no network.
 * @sign_in_async: starts signing in with an identity (an email address,
 *   usually) and a password; on success the backend keeps the session it
 *   was given (a token), renews it before it expires, and emits
 *   [signal@JustSync.RemoteStore::credentials-changed]. The default fails with
 *   %G_IO_ERROR_NOT_SUPPORTED.
 * @sign_in_finish: finishes @sign_in_async.
 * @sign_out_async: starts forgetting the session (telling the server where
 *   it can be told); the default succeeds at once.
 * @sign_out_finish: finishes @sign_out_async.
 *
 * A backend that signs in also has the read-only properties `user-id`
 * (a string) and `authenticated` (a boolean), notified when they change;
 * [method@JustSync.RemoteStore.get_user_id] and
 * [method@JustSync.RemoteStore.get_authenticated] read them for any backend.
 *
 * The virtual methods of [iface@JustSync.RemoteStore]. Every method completes on the
 * thread-default main context of the caller.
 */
struct _JustSyncRemoteStoreInterface
{
  GTypeInterface parent_iface;

  void       (*fetch_since_async)      (JustSyncRemoteStore  *self,
                                        JustSyncScope        *scope,
                                        JustSyncSyncPoint    *since,
                                        guint                 limit,
                                        GCancellable         *cancellable,
                                        GAsyncReadyCallback   callback,
                                        gpointer              user_data);
  JustSyncDelta *(*fetch_since_finish) (JustSyncRemoteStore  *self,
                                        GAsyncResult         *result,
                                        GError              **error);
  void       (*batch_upsert_async)     (JustSyncRemoteStore  *self,
                                        JustSyncScope        *scope,
                                        GPtrArray            *ops,
                                        GCancellable         *cancellable,
                                        GAsyncReadyCallback   callback,
                                        gpointer              user_data);
  GPtrArray *(*batch_upsert_finish)    (JustSyncRemoteStore  *self,
                                        GAsyncResult         *result,
                                        GError              **error);
  void       (*batch_delete_async)     (JustSyncRemoteStore  *self,
                                        JustSyncScope        *scope,
                                        GPtrArray            *ops,
                                        GCancellable         *cancellable,
                                        GAsyncReadyCallback   callback,
                                        gpointer              user_data);
  GPtrArray *(*batch_delete_finish)    (JustSyncRemoteStore  *self,
                                        GAsyncResult         *result,
                                        GError              **error);
  void       (*get_server_time_async)  (JustSyncRemoteStore  *self,
                                        GCancellable         *cancellable,
                                        GAsyncReadyCallback   callback,
                                        gpointer              user_data);
  gint64     (*get_server_time_finish) (JustSyncRemoteStore  *self,
                                        GAsyncResult         *result,
                                        GError              **error);
  char      *(*generate_id)            (JustSyncRemoteStore  *self,
                                        JustSyncScope        *scope);
  void       (*watch)                  (JustSyncRemoteStore  *self,
                                        JustSyncScope        *scope);
  void       (*unwatch)                (JustSyncRemoteStore  *self,
                                        JustSyncScope        *scope);
  gboolean   (*needs_network)          (JustSyncRemoteStore  *self);
  void       (*sign_in_async)          (JustSyncRemoteStore  *self,
                                        const char           *identity,
                                        const char           *password,
                                        GCancellable         *cancellable,
                                        GAsyncReadyCallback   callback,
                                        gpointer              user_data);
  gboolean   (*sign_in_finish)         (JustSyncRemoteStore  *self,
                                        GAsyncResult         *result,
                                        GError              **error);
  void       (*sign_out_async)         (JustSyncRemoteStore  *self,
                                        GCancellable         *cancellable,
                                        GAsyncReadyCallback   callback,
                                        gpointer              user_data);
  gboolean   (*sign_out_finish)        (JustSyncRemoteStore  *self,
                                        GAsyncResult         *result,
                                        GError              **error);

  /*< private >*/
  gpointer _reserved[11];
};

JUST_SYNC_AVAILABLE_IN_ALL
void           just_sync_remote_store_fetch_since_async      (JustSyncRemoteStore  *self,
                                                              JustSyncScope        *scope,
                                                              JustSyncSyncPoint    *since,
                                                              guint                 limit,
                                                              GCancellable         *cancellable,
                                                              GAsyncReadyCallback   callback,
                                                              gpointer              user_data);
JUST_SYNC_AVAILABLE_IN_ALL
JustSyncDelta *just_sync_remote_store_fetch_since_finish     (JustSyncRemoteStore  *self,
                                                              GAsyncResult         *result,
                                                              GError              **error);
JUST_SYNC_AVAILABLE_IN_ALL
void           just_sync_remote_store_batch_upsert_async     (JustSyncRemoteStore  *self,
                                                              JustSyncScope        *scope,
                                                              GPtrArray            *ops,
                                                              GCancellable         *cancellable,
                                                              GAsyncReadyCallback   callback,
                                                              gpointer              user_data);
JUST_SYNC_AVAILABLE_IN_ALL
GPtrArray     *just_sync_remote_store_batch_upsert_finish    (JustSyncRemoteStore  *self,
                                                              GAsyncResult         *result,
                                                              GError              **error);
JUST_SYNC_AVAILABLE_IN_ALL
void           just_sync_remote_store_batch_delete_async     (JustSyncRemoteStore  *self,
                                                              JustSyncScope        *scope,
                                                              GPtrArray            *ops,
                                                              GCancellable         *cancellable,
                                                              GAsyncReadyCallback   callback,
                                                              gpointer              user_data);
JUST_SYNC_AVAILABLE_IN_ALL
GPtrArray     *just_sync_remote_store_batch_delete_finish    (JustSyncRemoteStore  *self,
                                                              GAsyncResult         *result,
                                                              GError              **error);
JUST_SYNC_AVAILABLE_IN_ALL
void           just_sync_remote_store_get_server_time_async  (JustSyncRemoteStore  *self,
                                                              GCancellable         *cancellable,
                                                              GAsyncReadyCallback   callback,
                                                              gpointer              user_data);
JUST_SYNC_AVAILABLE_IN_ALL
gint64         just_sync_remote_store_get_server_time_finish (JustSyncRemoteStore  *self,
                                                              GAsyncResult         *result,
                                                              GError              **error);
JUST_SYNC_AVAILABLE_IN_ALL
char          *just_sync_remote_store_generate_id            (JustSyncRemoteStore  *self,
                                                              JustSyncScope        *scope);
JUST_SYNC_AVAILABLE_IN_ALL
void           just_sync_remote_store_watch                  (JustSyncRemoteStore  *self,
                                                              JustSyncScope        *scope);
JUST_SYNC_AVAILABLE_IN_ALL
void           just_sync_remote_store_unwatch                (JustSyncRemoteStore  *self,
                                                              JustSyncScope        *scope);
JUST_SYNC_AVAILABLE_IN_ALL
gboolean       just_sync_remote_store_needs_network          (JustSyncRemoteStore  *self);
JUST_SYNC_AVAILABLE_IN_ALL
void           just_sync_remote_store_sign_in_async          (JustSyncRemoteStore  *self,
                                                              const char           *identity,
                                                              const char           *password,
                                                              GCancellable         *cancellable,
                                                              GAsyncReadyCallback   callback,
                                                              gpointer              user_data);
JUST_SYNC_AVAILABLE_IN_ALL
gboolean       just_sync_remote_store_sign_in_finish         (JustSyncRemoteStore  *self,
                                                              GAsyncResult         *result,
                                                              GError              **error);
JUST_SYNC_AVAILABLE_IN_ALL
void           just_sync_remote_store_sign_out_async         (JustSyncRemoteStore  *self,
                                                              GCancellable         *cancellable,
                                                              GAsyncReadyCallback   callback,
                                                              gpointer              user_data);
JUST_SYNC_AVAILABLE_IN_ALL
gboolean       just_sync_remote_store_sign_out_finish        (JustSyncRemoteStore  *self,
                                                              GAsyncResult         *result,
                                                              GError              **error);
JUST_SYNC_AVAILABLE_IN_ALL
const char    *just_sync_remote_store_get_user_id            (JustSyncRemoteStore  *self);
JUST_SYNC_AVAILABLE_IN_ALL
gboolean       just_sync_remote_store_get_authenticated      (JustSyncRemoteStore  *self);
JUST_SYNC_AVAILABLE_IN_ALL
void           just_sync_remote_store_emit_remote_changed    (JustSyncRemoteStore  *self,
                                                              JustSyncScope        *scope);
JUST_SYNC_AVAILABLE_IN_ALL
void           just_sync_remote_store_emit_credentials_changed (JustSyncRemoteStore *self);

G_END_DECLS
