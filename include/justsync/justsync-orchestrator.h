/* justsync-orchestrator.h
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#if !defined(JUST_SYNC_INSIDE) && !defined(JUST_SYNC_COMPILATION)
# error "Only <justsync/justsync.h> can be included directly."
#endif

#include <gio/gio.h>

#include "justsync-conflict-resolver.h"
#include "justsync-live-query.h"
#include "justsync-local-store.h"
#include "justsync-query.h"
#include "justsync-remote-store.h"
#include "justsync-sync-result.h"

G_BEGIN_DECLS

#define JUST_SYNC_TYPE_ORCHESTRATOR (just_sync_orchestrator_get_type ())

JUST_SYNC_AVAILABLE_IN_ALL
G_DECLARE_FINAL_TYPE (JustSyncOrchestrator, just_sync_orchestrator, JUST_SYNC, ORCHESTRATOR, GObject)

JUST_SYNC_AVAILABLE_IN_ALL
JustSyncOrchestrator *just_sync_orchestrator_new                 (JustSyncLocalStore        *local,
                                                                  JustSyncRemoteStore       *remote,
                                                                  JustSyncConflictResolver  *resolver);
JUST_SYNC_AVAILABLE_IN_ALL
JustSyncOrchestrator *just_sync_orchestrator_new_with_monitor    (JustSyncLocalStore        *local,
                                                                  JustSyncRemoteStore       *remote,
                                                                  JustSyncConflictResolver  *resolver,
                                                                  GNetworkMonitor           *monitor);
JUST_SYNC_AVAILABLE_IN_ALL
JustSyncLocalStore   *just_sync_orchestrator_get_local_store     (JustSyncOrchestrator      *self);
JUST_SYNC_AVAILABLE_IN_ALL
JustSyncRemoteStore  *just_sync_orchestrator_get_remote_store    (JustSyncOrchestrator      *self);
JUST_SYNC_AVAILABLE_IN_ALL
JustSyncConflictResolver *just_sync_orchestrator_get_resolver    (JustSyncOrchestrator      *self);
JUST_SYNC_AVAILABLE_IN_ALL
JustSyncSyncState     just_sync_orchestrator_get_state           (JustSyncOrchestrator      *self);
JUST_SYNC_AVAILABLE_IN_ALL
guint                 just_sync_orchestrator_get_pending_count   (JustSyncOrchestrator      *self);
JUST_SYNC_AVAILABLE_IN_ALL
guint                 just_sync_orchestrator_get_failed_count    (JustSyncOrchestrator      *self);
JUST_SYNC_AVAILABLE_IN_ALL
const char           *just_sync_orchestrator_get_last_error      (JustSyncOrchestrator      *self);
JUST_SYNC_AVAILABLE_IN_ALL
gint64                just_sync_orchestrator_get_last_sync_time  (JustSyncOrchestrator      *self);
JUST_SYNC_AVAILABLE_IN_ALL
gint64                just_sync_orchestrator_get_clock_offset    (JustSyncOrchestrator      *self);
JUST_SYNC_AVAILABLE_IN_ALL
gint64                just_sync_orchestrator_now                 (JustSyncOrchestrator      *self);

JUST_SYNC_AVAILABLE_IN_ALL
void                  just_sync_orchestrator_read_async          (JustSyncOrchestrator      *self,
                                                                  JustSyncScope             *scope,
                                                                  JustSyncReadPolicy         policy,
                                                                  GCancellable              *cancellable,
                                                                  GAsyncReadyCallback        callback,
                                                                  gpointer                   user_data);
JUST_SYNC_AVAILABLE_IN_ALL
GPtrArray            *just_sync_orchestrator_read_finish         (JustSyncOrchestrator      *self,
                                                                  GAsyncResult              *result,
                                                                  gboolean                  *out_from_cache,
                                                                  GError                   **error);
JUST_SYNC_AVAILABLE_IN_ALL
void                  just_sync_orchestrator_read_page_async     (JustSyncOrchestrator      *self,
                                                                  JustSyncScope             *scope,
                                                                  JustSyncReadPolicy         policy,
                                                                  guint                      offset,
                                                                  guint                      limit,
                                                                  GCancellable              *cancellable,
                                                                  GAsyncReadyCallback        callback,
                                                                  gpointer                   user_data);
JUST_SYNC_AVAILABLE_IN_ALL
GPtrArray            *just_sync_orchestrator_read_page_finish    (JustSyncOrchestrator      *self,
                                                                  GAsyncResult              *result,
                                                                  guint                     *out_total,
                                                                  gboolean                  *out_from_cache,
                                                                  GError                   **error);
JUST_SYNC_AVAILABLE_IN_ALL
void                  just_sync_orchestrator_get_async           (JustSyncOrchestrator      *self,
                                                                  JustSyncScope             *scope,
                                                                  const char                *id,
                                                                  GCancellable              *cancellable,
                                                                  GAsyncReadyCallback        callback,
                                                                  gpointer                   user_data);
JUST_SYNC_AVAILABLE_IN_ALL
JustSyncRecord       *just_sync_orchestrator_get_finish          (JustSyncOrchestrator      *self,
                                                                  GAsyncResult              *result,
                                                                  GError                   **error);
JUST_SYNC_AVAILABLE_IN_ALL
void                  just_sync_orchestrator_create_async        (JustSyncOrchestrator      *self,
                                                                  JustSyncScope             *scope,
                                                                  const char                *id,
                                                                  JsonObject                *payload,
                                                                  GCancellable              *cancellable,
                                                                  GAsyncReadyCallback        callback,
                                                                  gpointer                   user_data);
JUST_SYNC_AVAILABLE_IN_ALL
JustSyncRecord       *just_sync_orchestrator_create_finish       (JustSyncOrchestrator      *self,
                                                                  GAsyncResult              *result,
                                                                  GError                   **error);
JUST_SYNC_AVAILABLE_IN_ALL
void                  just_sync_orchestrator_update_async        (JustSyncOrchestrator      *self,
                                                                  JustSyncScope             *scope,
                                                                  const char                *id,
                                                                  JsonObject                *payload,
                                                                  GCancellable              *cancellable,
                                                                  GAsyncReadyCallback        callback,
                                                                  gpointer                   user_data);
JUST_SYNC_AVAILABLE_IN_ALL
JustSyncRecord       *just_sync_orchestrator_update_finish       (JustSyncOrchestrator      *self,
                                                                  GAsyncResult              *result,
                                                                  GError                   **error);
JUST_SYNC_AVAILABLE_IN_ALL
void                  just_sync_orchestrator_set_cache_limit     (JustSyncOrchestrator      *self,
                                                                  JustSyncScope             *scope,
                                                                  guint                      max_rows,
                                                                  guint64                    max_bytes);
JUST_SYNC_AVAILABLE_IN_ALL
gboolean              just_sync_orchestrator_is_partial          (JustSyncOrchestrator      *self,
                                                                  JustSyncScope             *scope);
JUST_SYNC_AVAILABLE_IN_ALL
void                  just_sync_orchestrator_patch_async         (JustSyncOrchestrator      *self,
                                                                  JustSyncScope             *scope,
                                                                  const char                *id,
                                                                  JsonObject                *set,
                                                                  const char * const        *remove,
                                                                  GCancellable              *cancellable,
                                                                  GAsyncReadyCallback        callback,
                                                                  gpointer                   user_data);
JUST_SYNC_AVAILABLE_IN_ALL
JustSyncRecord       *just_sync_orchestrator_patch_finish        (JustSyncOrchestrator      *self,
                                                                  GAsyncResult              *result,
                                                                  GError                   **error);
JUST_SYNC_AVAILABLE_IN_ALL
void                  just_sync_orchestrator_delete_async        (JustSyncOrchestrator      *self,
                                                                  JustSyncScope             *scope,
                                                                  const char                *id,
                                                                  GCancellable              *cancellable,
                                                                  GAsyncReadyCallback        callback,
                                                                  gpointer                   user_data);
JUST_SYNC_AVAILABLE_IN_ALL
gboolean              just_sync_orchestrator_delete_finish       (JustSyncOrchestrator      *self,
                                                                  GAsyncResult              *result,
                                                                  GError                   **error);
JUST_SYNC_AVAILABLE_IN_ALL
void                  just_sync_orchestrator_synchronize_async   (JustSyncOrchestrator      *self,
                                                                  JustSyncScope             *scope,
                                                                  GCancellable              *cancellable,
                                                                  GAsyncReadyCallback        callback,
                                                                  gpointer                   user_data);
JUST_SYNC_AVAILABLE_IN_ALL
JustSyncSyncResult   *just_sync_orchestrator_synchronize_finish  (JustSyncOrchestrator      *self,
                                                                  GAsyncResult              *result,
                                                                  GError                   **error);
JUST_SYNC_AVAILABLE_IN_ALL
void                  just_sync_orchestrator_reconcile_async     (JustSyncOrchestrator      *self,
                                                                  JustSyncScope             *scope,
                                                                  GCancellable              *cancellable,
                                                                  GAsyncReadyCallback        callback,
                                                                  gpointer                   user_data);
JUST_SYNC_AVAILABLE_IN_ALL
JustSyncSyncResult   *just_sync_orchestrator_reconcile_finish    (JustSyncOrchestrator      *self,
                                                                  GAsyncResult              *result,
                                                                  GError                   **error);
JUST_SYNC_AVAILABLE_IN_ALL
void                  just_sync_orchestrator_list_pending_async  (JustSyncOrchestrator      *self,
                                                                  JustSyncScope             *scope,
                                                                  GCancellable              *cancellable,
                                                                  GAsyncReadyCallback        callback,
                                                                  gpointer                   user_data);
JUST_SYNC_AVAILABLE_IN_ALL
GPtrArray            *just_sync_orchestrator_list_pending_finish (JustSyncOrchestrator      *self,
                                                                  GAsyncResult              *result,
                                                                  GError                   **error);
JUST_SYNC_AVAILABLE_IN_ALL
void                  just_sync_orchestrator_retry_failed_async  (JustSyncOrchestrator      *self,
                                                                  JustSyncScope             *scope,
                                                                  GCancellable              *cancellable,
                                                                  GAsyncReadyCallback        callback,
                                                                  gpointer                   user_data);
JUST_SYNC_AVAILABLE_IN_ALL
guint                 just_sync_orchestrator_retry_failed_finish (JustSyncOrchestrator      *self,
                                                                  GAsyncResult              *result,
                                                                  GError                   **error);
JUST_SYNC_AVAILABLE_IN_ALL
void                  just_sync_orchestrator_discard_failed_async (JustSyncOrchestrator     *self,
                                                                  JustSyncScope             *scope,
                                                                  GCancellable              *cancellable,
                                                                  GAsyncReadyCallback        callback,
                                                                  gpointer                   user_data);
JUST_SYNC_AVAILABLE_IN_ALL
guint                 just_sync_orchestrator_discard_failed_finish (JustSyncOrchestrator    *self,
                                                                  GAsyncResult              *result,
                                                                  GError                   **error);
JUST_SYNC_AVAILABLE_IN_ALL
void                  just_sync_orchestrator_query_async         (JustSyncOrchestrator      *self,
                                                                  JustSyncQuery             *query,
                                                                  GCancellable              *cancellable,
                                                                  GAsyncReadyCallback        callback,
                                                                  gpointer                   user_data);
JUST_SYNC_AVAILABLE_IN_ALL
GPtrArray            *just_sync_orchestrator_query_finish        (JustSyncOrchestrator      *self,
                                                                  GAsyncResult              *result,
                                                                  GError                   **error);
JUST_SYNC_AVAILABLE_IN_ALL
JustSyncLiveQuery    *just_sync_orchestrator_watch               (JustSyncOrchestrator      *self,
                                                                  JustSyncQuery             *query);
JUST_SYNC_AVAILABLE_IN_ALL
void                  just_sync_orchestrator_watch_scope         (JustSyncOrchestrator      *self,
                                                                  JustSyncScope             *scope);
JUST_SYNC_AVAILABLE_IN_ALL
void                  just_sync_orchestrator_unwatch_scope       (JustSyncOrchestrator      *self,
                                                                  JustSyncScope             *scope);

G_END_DECLS
