/* justsync-local-store.h
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#if !defined(JUST_SYNC_INSIDE) && !defined(JUST_SYNC_COMPILATION)
# error "Only <justsync/justsync.h> can be included directly."
#endif

#include <gio/gio.h>

#include "justsync-apply-result.h"
#include "justsync-conflict-resolver.h"
#include "justsync-delta.h"
#include "justsync-pending-op.h"
#include "justsync-push-result.h"
#include "justsync-query.h"
#include "justsync-record.h"
#include "justsync-scope.h"
#include "justsync-sync-point.h"
#include "justsync-version-macros.h"

G_BEGIN_DECLS

#define JUST_SYNC_TYPE_LOCAL_STORE (just_sync_local_store_get_type ())

JUST_SYNC_AVAILABLE_IN_ALL
G_DECLARE_INTERFACE (JustSyncLocalStore, just_sync_local_store, JUST_SYNC, LOCAL_STORE, GObject)

/**
 * JustSyncLocalStoreInterface:
 * @query_async: starts listing the live (not deleted) records of a scope,
 *   ordered by id.
 * @query_finish: finishes @query_async; returns a #GPtrArray of [struct@JustSync.Record].
 * @query_since_async: starts listing the records of a scope, tombstones
 *   included, whose `updated_at` is later than a time, ordered by
 *   (`updated_at`, id).
 * @query_since_finish: finishes @query_since_async.
 * @get_async: starts looking up one record by id; tombstones are returned too.
 * @get_finish: finishes @get_async; %NULL without an error when there is no
 *   such record.
 * @upsert_many_async: starts an app write: stores the records and queues one
 *   upsert operation for each, all in ONE transaction, and emits
 *   [signal@JustSync.LocalStore::changed]. Each operation's base is the base of its
 *   row, or of the oldest operation still queued for it.
 * @upsert_many_finish: finishes @upsert_many_async; returns the queued
 *   [struct@JustSync.PendingOp], with their sequence numbers.
 * @delete_many_async: starts an app delete: turns the rows into tombstones
 *   and queues one delete operation for each, in ONE transaction, and emits
 *   [signal@JustSync.LocalStore::changed].
 * @delete_many_finish: finishes @delete_many_async; returns the queued
 *   operations.
 * @list_pending_ops_async: starts listing the pending operations of a scope
 *   (queued and failed) in sequence order.
 * @list_pending_ops_finish: finishes @list_pending_ops_async.
 * @count_pending_ops_async: starts counting the operations in a state, in
 *   one scope or, with a %NULL scope, in all of them.
 * @count_pending_ops_finish: finishes @count_pending_ops_async.
 * @apply_remote_changes_async: starts applying one page of remote changes
 *   by the rules of the sync algorithm: a row without a pending operation
 *   takes the remote version unless it already reflects it; a row with one
 *   skips its base version, acknowledges it when the remote row is the echo
 *   of a sent operation or says the same (the same content, or both
 *   deleted), and sends any other version to @resolver, recording a
 *   [struct@JustSync.Conflict] and dropping the losing operations when the remote
 *   wins. An app resolver runs on the caller's context while the store holds
 *   no lock. It then saves
 *   the delta's cursor as the sync point unless the stored one is later.
 *   All of this is ONE transaction: after a crash or an error either the
 *   whole page and the sync point are applied, or nothing is. Emits
 *   [signal@JustSync.LocalStore::changed] for the rows whose content changed.
 * @apply_remote_changes_finish: finishes @apply_remote_changes_async;
 *   returns what was done to each row.
 * @commit_push_results_async: starts recording the outcome of a push in ONE
 *   transaction: a written operation is cleared with every older operation
 *   of its record, and the row is rebased on the server's reply (its content
 *   and `updated_at` too when no newer operation waits); a rejected one is
 *   parked as %JUST_SYNC_OP_STATE_FAILED with the server's message; a
 *   transient failure counts an attempt; a failed precondition leaves the
 *   operation queued for the next pull to resolve.
 * @commit_push_results_finish: finishes @commit_push_results_async.
 * @get_sync_point_async: starts reading the sync point of a scope.
 * @get_sync_point_finish: finishes @get_sync_point_async; %NULL without an
 *   error when the scope was never synced.
 * @save_sync_point_async: starts replacing the sync point of a scope; %NULL
 *   forgets it, so the next pull starts from the beginning.
 * @save_sync_point_finish: finishes @save_sync_point_async.
 * @list_conflicts_async: starts listing the recorded conflicts of a scope,
 *   oldest first.
 * @list_conflicts_finish: finishes @list_conflicts_async.
 * @retry_failed_ops_async: starts putting every failed operation of a scope
 *   back in the queue, with its attempts reset.
 * @retry_failed_ops_finish: finishes @retry_failed_ops_async; returns how
 *   many were queued again.
 * @discard_failed_ops_async: starts dropping every failed operation of a
 *   scope. The rows keep their local content, but forget their base, so the
 *   next reconcile replaces them with the server's version.
 * @discard_failed_ops_finish: finishes @discard_failed_ops_async; returns how
 *   many were dropped.
 * @prune_missing_async: starts removing the rows of a scope that came from
 *   the server, have no pending operation, and whose ids are not in a list
 *   (the server's complete list of ids); used by a reconcile to repair hard
 *   deletes a delta cannot show.
 * @mark_ops_sent_async: starts counting one attempt for each of the given
 *   operations, in ONE transaction, before their push goes out: only a sent
 *   operation can have an echo, and a crash after the server applied the
 *   push must still find them marked. Operations no longer queued are left
 *   alone.
 * @mark_ops_sent_finish: finishes @mark_ops_sent_async.
 * @query_page_async: starts listing one page of the live records of a
 *   scope, ordered by id: at most a number of them (all with 0) after
 *   skipping some, and counting them all. A store that leaves it %NULL is
 *   read whole by @query_async and cut in the process.
 * @query_page_finish: finishes @query_page_async; returns a #GPtrArray of
 *   [struct@JustSync.Record] and the number of live records in the scope.
 * @prune_missing_finish: finishes @prune_missing_async; returns how many rows
 *   were removed.
 * @run_query_async: starts listing the live records that match a
 *   [class@JustSync.Query], in its order and within its limit; with a list of ids,
 *   only those rows are considered and the limit does not apply. Optional:
 *   the default lists the scope with @query_async and filters and sorts in
 *   memory.
 * @run_query_finish: finishes @run_query_async; returns a #GPtrArray of
 *   [struct@JustSync.Record].
 * @evict_async: starts removing, in one transaction, those of the given
 *   rows that are live and have no pending operation (never a tombstone,
 *   never a change that waits), remembering each id as evicted at the given
 *   time, and emits [signal@JustSync.LocalStore::changed] for them. Optional: the
 *   default fails with %G_IO_ERROR_NOT_SUPPORTED.
 * @evict_finish: finishes @evict_async; returns how many rows were removed.
 * @list_evicted_async: starts forgetting the evictions made before a time
 *   (none for 0), then listing the ids still evicted: remembered and with no
 *   row again. Optional, like @evict_async.
 * @list_evicted_finish: finishes @list_evicted_async; returns the ids.
 * @patch_async: starts an app write that changed only some members of one
 *   record: as @upsert_many_async, but the queued operation names those
 *   members (see [method@JustSync.PendingOp.get_fields]), so a push can
 *   send them alone. Optional: the default queues a full upsert with
 *   @upsert_many_async.
 * @patch_finish: finishes @patch_async; returns the queued operation.
 *
 * The virtual methods of [iface@JustSync.LocalStore]. Every method completes on the
 * thread-default main context of the caller and never blocks it; a store
 * that does blocking I/O does it on a worker thread.
 */
struct _JustSyncLocalStoreInterface
{
  GTypeInterface parent_iface;

  void                 (*query_async)                  (JustSyncLocalStore   *self,
                                                        JustSyncScope        *scope,
                                                        GCancellable         *cancellable,
                                                        GAsyncReadyCallback   callback,
                                                        gpointer              user_data);
  GPtrArray           *(*query_finish)                 (JustSyncLocalStore   *self,
                                                        GAsyncResult         *result,
                                                        GError              **error);
  void                 (*query_since_async)            (JustSyncLocalStore   *self,
                                                        JustSyncScope        *scope,
                                                        gint64                since,
                                                        GCancellable         *cancellable,
                                                        GAsyncReadyCallback   callback,
                                                        gpointer              user_data);
  GPtrArray           *(*query_since_finish)           (JustSyncLocalStore   *self,
                                                        GAsyncResult         *result,
                                                        GError              **error);
  void                 (*get_async)                    (JustSyncLocalStore   *self,
                                                        JustSyncScope        *scope,
                                                        const char           *id,
                                                        GCancellable         *cancellable,
                                                        GAsyncReadyCallback   callback,
                                                        gpointer              user_data);
  JustSyncRecord      *(*get_finish)                   (JustSyncLocalStore   *self,
                                                        GAsyncResult         *result,
                                                        GError              **error);
  void                 (*upsert_many_async)            (JustSyncLocalStore   *self,
                                                        JustSyncScope        *scope,
                                                        GPtrArray            *records,
                                                        GCancellable         *cancellable,
                                                        GAsyncReadyCallback   callback,
                                                        gpointer              user_data);
  GPtrArray           *(*upsert_many_finish)           (JustSyncLocalStore   *self,
                                                        GAsyncResult         *result,
                                                        GError              **error);
  void                 (*delete_many_async)            (JustSyncLocalStore   *self,
                                                        JustSyncScope        *scope,
                                                        const char * const   *ids,
                                                        gint64                deleted_at,
                                                        GCancellable         *cancellable,
                                                        GAsyncReadyCallback   callback,
                                                        gpointer              user_data);
  GPtrArray           *(*delete_many_finish)           (JustSyncLocalStore   *self,
                                                        GAsyncResult         *result,
                                                        GError              **error);
  void                 (*list_pending_ops_async)       (JustSyncLocalStore   *self,
                                                        JustSyncScope        *scope,
                                                        GCancellable         *cancellable,
                                                        GAsyncReadyCallback   callback,
                                                        gpointer              user_data);
  GPtrArray           *(*list_pending_ops_finish)      (JustSyncLocalStore   *self,
                                                        GAsyncResult         *result,
                                                        GError              **error);
  void                 (*count_pending_ops_async)      (JustSyncLocalStore   *self,
                                                        JustSyncScope        *scope,
                                                        JustSyncOpState       state,
                                                        GCancellable         *cancellable,
                                                        GAsyncReadyCallback   callback,
                                                        gpointer              user_data);
  guint                (*count_pending_ops_finish)     (JustSyncLocalStore   *self,
                                                        GAsyncResult         *result,
                                                        GError              **error);
  void                 (*apply_remote_changes_async)   (JustSyncLocalStore       *self,
                                                        JustSyncScope            *scope,
                                                        JustSyncDelta            *delta,
                                                        JustSyncConflictResolver *resolver,
                                                        GCancellable             *cancellable,
                                                        GAsyncReadyCallback       callback,
                                                        gpointer                  user_data);
  JustSyncApplyResult *(*apply_remote_changes_finish)  (JustSyncLocalStore   *self,
                                                        GAsyncResult         *result,
                                                        GError              **error);
  void                 (*commit_push_results_async)    (JustSyncLocalStore   *self,
                                                        JustSyncScope        *scope,
                                                        GPtrArray            *results,
                                                        GCancellable         *cancellable,
                                                        GAsyncReadyCallback   callback,
                                                        gpointer              user_data);
  JustSyncApplyResult *(*commit_push_results_finish)   (JustSyncLocalStore   *self,
                                                        GAsyncResult         *result,
                                                        GError              **error);
  void                 (*get_sync_point_async)         (JustSyncLocalStore   *self,
                                                        JustSyncScope        *scope,
                                                        GCancellable         *cancellable,
                                                        GAsyncReadyCallback   callback,
                                                        gpointer              user_data);
  JustSyncSyncPoint   *(*get_sync_point_finish)        (JustSyncLocalStore   *self,
                                                        GAsyncResult         *result,
                                                        GError              **error);
  void                 (*save_sync_point_async)        (JustSyncLocalStore   *self,
                                                        JustSyncScope        *scope,
                                                        JustSyncSyncPoint    *sync_point,
                                                        GCancellable         *cancellable,
                                                        GAsyncReadyCallback   callback,
                                                        gpointer              user_data);
  gboolean             (*save_sync_point_finish)       (JustSyncLocalStore   *self,
                                                        GAsyncResult         *result,
                                                        GError              **error);
  void                 (*list_conflicts_async)         (JustSyncLocalStore   *self,
                                                        JustSyncScope        *scope,
                                                        GCancellable         *cancellable,
                                                        GAsyncReadyCallback   callback,
                                                        gpointer              user_data);
  GPtrArray           *(*list_conflicts_finish)        (JustSyncLocalStore   *self,
                                                        GAsyncResult         *result,
                                                        GError              **error);
  void                 (*retry_failed_ops_async)       (JustSyncLocalStore   *self,
                                                        JustSyncScope        *scope,
                                                        GCancellable         *cancellable,
                                                        GAsyncReadyCallback   callback,
                                                        gpointer              user_data);
  guint                (*retry_failed_ops_finish)      (JustSyncLocalStore   *self,
                                                        GAsyncResult         *result,
                                                        GError              **error);
  void                 (*discard_failed_ops_async)     (JustSyncLocalStore   *self,
                                                        JustSyncScope        *scope,
                                                        GCancellable         *cancellable,
                                                        GAsyncReadyCallback   callback,
                                                        gpointer              user_data);
  guint                (*discard_failed_ops_finish)    (JustSyncLocalStore   *self,
                                                        GAsyncResult         *result,
                                                        GError              **error);
  void                 (*prune_missing_async)          (JustSyncLocalStore   *self,
                                                        JustSyncScope        *scope,
                                                        const char * const   *keep_ids,
                                                        GCancellable         *cancellable,
                                                        GAsyncReadyCallback   callback,
                                                        gpointer              user_data);
  guint                (*prune_missing_finish)         (JustSyncLocalStore   *self,
                                                        GAsyncResult         *result,
                                                        GError              **error);
  void                 (*mark_ops_sent_async)          (JustSyncLocalStore   *self,
                                                        JustSyncScope        *scope,
                                                        GPtrArray            *ops,
                                                        GCancellable         *cancellable,
                                                        GAsyncReadyCallback   callback,
                                                        gpointer              user_data);
  gboolean             (*mark_ops_sent_finish)         (JustSyncLocalStore   *self,
                                                        GAsyncResult         *result,
                                                        GError              **error);
  void                 (*run_query_async)              (JustSyncLocalStore   *self,
                                                        JustSyncQuery        *query,
                                                        const char * const   *ids,
                                                        GCancellable         *cancellable,
                                                        GAsyncReadyCallback   callback,
                                                        gpointer              user_data);
  GPtrArray           *(*run_query_finish)             (JustSyncLocalStore   *self,
                                                        GAsyncResult         *result,
                                                        GError              **error);
  void                 (*query_page_async)             (JustSyncLocalStore   *self,
                                                        JustSyncScope        *scope,
                                                        guint                 offset,
                                                        guint                 limit,
                                                        GCancellable         *cancellable,
                                                        GAsyncReadyCallback   callback,
                                                        gpointer              user_data);
  GPtrArray           *(*query_page_finish)            (JustSyncLocalStore   *self,
                                                        GAsyncResult         *result,
                                                        guint                *out_total,
                                                        GError              **error);
  void                 (*evict_async)                  (JustSyncLocalStore   *self,
                                                        JustSyncScope        *scope,
                                                        const char * const   *ids,
                                                        gint64                evicted_at,
                                                        GCancellable         *cancellable,
                                                        GAsyncReadyCallback   callback,
                                                        gpointer              user_data);
  guint                (*evict_finish)                 (JustSyncLocalStore   *self,
                                                        GAsyncResult         *result,
                                                        GError              **error);
  void                 (*list_evicted_async)           (JustSyncLocalStore   *self,
                                                        JustSyncScope        *scope,
                                                        gint64                forget_before,
                                                        GCancellable         *cancellable,
                                                        GAsyncReadyCallback   callback,
                                                        gpointer              user_data);
  GStrv                (*list_evicted_finish)          (JustSyncLocalStore   *self,
                                                        GAsyncResult         *result,
                                                        GError              **error);
  void                 (*patch_async)                  (JustSyncLocalStore   *self,
                                                        JustSyncScope        *scope,
                                                        JustSyncRecord       *record,
                                                        const char * const   *fields,
                                                        GCancellable         *cancellable,
                                                        GAsyncReadyCallback   callback,
                                                        gpointer              user_data);
  JustSyncPendingOp   *(*patch_finish)                 (JustSyncLocalStore   *self,
                                                        GAsyncResult         *result,
                                                        GError              **error);

  /*< private >*/
  gpointer _reserved[4];
};

JUST_SYNC_AVAILABLE_IN_ALL
void                 just_sync_local_store_query_async                 (JustSyncLocalStore        *self,
                                                                        JustSyncScope             *scope,
                                                                        GCancellable              *cancellable,
                                                                        GAsyncReadyCallback        callback,
                                                                        gpointer                   user_data);
JUST_SYNC_AVAILABLE_IN_ALL
GPtrArray           *just_sync_local_store_query_finish                (JustSyncLocalStore        *self,
                                                                        GAsyncResult              *result,
                                                                        GError                   **error);
JUST_SYNC_AVAILABLE_IN_ALL
void                 just_sync_local_store_query_page_async            (JustSyncLocalStore        *self,
                                                                        JustSyncScope             *scope,
                                                                        guint                      offset,
                                                                        guint                      limit,
                                                                        GCancellable              *cancellable,
                                                                        GAsyncReadyCallback        callback,
                                                                        gpointer                   user_data);
JUST_SYNC_AVAILABLE_IN_ALL
GPtrArray           *just_sync_local_store_query_page_finish           (JustSyncLocalStore        *self,
                                                                        GAsyncResult              *result,
                                                                        guint                     *out_total,
                                                                        GError                   **error);
JUST_SYNC_AVAILABLE_IN_ALL
void                 just_sync_local_store_query_since_async           (JustSyncLocalStore        *self,
                                                                        JustSyncScope             *scope,
                                                                        gint64                     since,
                                                                        GCancellable              *cancellable,
                                                                        GAsyncReadyCallback        callback,
                                                                        gpointer                   user_data);
JUST_SYNC_AVAILABLE_IN_ALL
GPtrArray           *just_sync_local_store_query_since_finish          (JustSyncLocalStore        *self,
                                                                        GAsyncResult              *result,
                                                                        GError                   **error);
JUST_SYNC_AVAILABLE_IN_ALL
void                 just_sync_local_store_get_async                   (JustSyncLocalStore        *self,
                                                                        JustSyncScope             *scope,
                                                                        const char                *id,
                                                                        GCancellable              *cancellable,
                                                                        GAsyncReadyCallback        callback,
                                                                        gpointer                   user_data);
JUST_SYNC_AVAILABLE_IN_ALL
JustSyncRecord      *just_sync_local_store_get_finish                  (JustSyncLocalStore        *self,
                                                                        GAsyncResult              *result,
                                                                        GError                   **error);
JUST_SYNC_AVAILABLE_IN_ALL
void                 just_sync_local_store_upsert_many_async           (JustSyncLocalStore        *self,
                                                                        JustSyncScope             *scope,
                                                                        GPtrArray                 *records,
                                                                        GCancellable              *cancellable,
                                                                        GAsyncReadyCallback        callback,
                                                                        gpointer                   user_data);
JUST_SYNC_AVAILABLE_IN_ALL
GPtrArray           *just_sync_local_store_upsert_many_finish          (JustSyncLocalStore        *self,
                                                                        GAsyncResult              *result,
                                                                        GError                   **error);
JUST_SYNC_AVAILABLE_IN_ALL
void                 just_sync_local_store_patch_async                 (JustSyncLocalStore        *self,
                                                                        JustSyncScope             *scope,
                                                                        JustSyncRecord            *record,
                                                                        const char * const        *fields,
                                                                        GCancellable              *cancellable,
                                                                        GAsyncReadyCallback        callback,
                                                                        gpointer                   user_data);
JUST_SYNC_AVAILABLE_IN_ALL
JustSyncPendingOp   *just_sync_local_store_patch_finish                (JustSyncLocalStore        *self,
                                                                        GAsyncResult              *result,
                                                                        GError                   **error);
JUST_SYNC_AVAILABLE_IN_ALL
void                 just_sync_local_store_delete_many_async           (JustSyncLocalStore        *self,
                                                                        JustSyncScope             *scope,
                                                                        const char * const        *ids,
                                                                        gint64                     deleted_at,
                                                                        GCancellable              *cancellable,
                                                                        GAsyncReadyCallback        callback,
                                                                        gpointer                   user_data);
JUST_SYNC_AVAILABLE_IN_ALL
GPtrArray           *just_sync_local_store_delete_many_finish          (JustSyncLocalStore        *self,
                                                                        GAsyncResult              *result,
                                                                        GError                   **error);
JUST_SYNC_AVAILABLE_IN_ALL
void                 just_sync_local_store_list_pending_ops_async      (JustSyncLocalStore        *self,
                                                                        JustSyncScope             *scope,
                                                                        GCancellable              *cancellable,
                                                                        GAsyncReadyCallback        callback,
                                                                        gpointer                   user_data);
JUST_SYNC_AVAILABLE_IN_ALL
GPtrArray           *just_sync_local_store_list_pending_ops_finish     (JustSyncLocalStore        *self,
                                                                        GAsyncResult              *result,
                                                                        GError                   **error);
JUST_SYNC_AVAILABLE_IN_ALL
void                 just_sync_local_store_count_pending_ops_async     (JustSyncLocalStore        *self,
                                                                        JustSyncScope             *scope,
                                                                        JustSyncOpState            state,
                                                                        GCancellable              *cancellable,
                                                                        GAsyncReadyCallback        callback,
                                                                        gpointer                   user_data);
JUST_SYNC_AVAILABLE_IN_ALL
guint                just_sync_local_store_count_pending_ops_finish    (JustSyncLocalStore        *self,
                                                                        GAsyncResult              *result,
                                                                        GError                   **error);
JUST_SYNC_AVAILABLE_IN_ALL
void                 just_sync_local_store_apply_remote_changes_async  (JustSyncLocalStore        *self,
                                                                        JustSyncScope             *scope,
                                                                        JustSyncDelta             *delta,
                                                                        JustSyncConflictResolver  *resolver,
                                                                        GCancellable              *cancellable,
                                                                        GAsyncReadyCallback        callback,
                                                                        gpointer                   user_data);
JUST_SYNC_AVAILABLE_IN_ALL
JustSyncApplyResult *just_sync_local_store_apply_remote_changes_finish (JustSyncLocalStore        *self,
                                                                        GAsyncResult              *result,
                                                                        GError                   **error);
JUST_SYNC_AVAILABLE_IN_ALL
void                 just_sync_local_store_commit_push_results_async   (JustSyncLocalStore        *self,
                                                                        JustSyncScope             *scope,
                                                                        GPtrArray                 *results,
                                                                        GCancellable              *cancellable,
                                                                        GAsyncReadyCallback        callback,
                                                                        gpointer                   user_data);
JUST_SYNC_AVAILABLE_IN_ALL
JustSyncApplyResult *just_sync_local_store_commit_push_results_finish  (JustSyncLocalStore        *self,
                                                                        GAsyncResult              *result,
                                                                        GError                   **error);
JUST_SYNC_AVAILABLE_IN_ALL
void                 just_sync_local_store_get_sync_point_async        (JustSyncLocalStore        *self,
                                                                        JustSyncScope             *scope,
                                                                        GCancellable              *cancellable,
                                                                        GAsyncReadyCallback        callback,
                                                                        gpointer                   user_data);
JUST_SYNC_AVAILABLE_IN_ALL
JustSyncSyncPoint   *just_sync_local_store_get_sync_point_finish       (JustSyncLocalStore        *self,
                                                                        GAsyncResult              *result,
                                                                        GError                   **error);
JUST_SYNC_AVAILABLE_IN_ALL
void                 just_sync_local_store_save_sync_point_async       (JustSyncLocalStore        *self,
                                                                        JustSyncScope             *scope,
                                                                        JustSyncSyncPoint         *sync_point,
                                                                        GCancellable              *cancellable,
                                                                        GAsyncReadyCallback        callback,
                                                                        gpointer                   user_data);
JUST_SYNC_AVAILABLE_IN_ALL
gboolean             just_sync_local_store_save_sync_point_finish      (JustSyncLocalStore        *self,
                                                                        GAsyncResult              *result,
                                                                        GError                   **error);
JUST_SYNC_AVAILABLE_IN_ALL
void                 just_sync_local_store_list_conflicts_async        (JustSyncLocalStore        *self,
                                                                        JustSyncScope             *scope,
                                                                        GCancellable              *cancellable,
                                                                        GAsyncReadyCallback        callback,
                                                                        gpointer                   user_data);
JUST_SYNC_AVAILABLE_IN_ALL
GPtrArray           *just_sync_local_store_list_conflicts_finish       (JustSyncLocalStore        *self,
                                                                        GAsyncResult              *result,
                                                                        GError                   **error);
JUST_SYNC_AVAILABLE_IN_ALL
void                 just_sync_local_store_retry_failed_ops_async      (JustSyncLocalStore        *self,
                                                                        JustSyncScope             *scope,
                                                                        GCancellable              *cancellable,
                                                                        GAsyncReadyCallback        callback,
                                                                        gpointer                   user_data);
JUST_SYNC_AVAILABLE_IN_ALL
guint                just_sync_local_store_retry_failed_ops_finish     (JustSyncLocalStore        *self,
                                                                        GAsyncResult              *result,
                                                                        GError                   **error);
JUST_SYNC_AVAILABLE_IN_ALL
void                 just_sync_local_store_discard_failed_ops_async    (JustSyncLocalStore        *self,
                                                                        JustSyncScope             *scope,
                                                                        GCancellable              *cancellable,
                                                                        GAsyncReadyCallback        callback,
                                                                        gpointer                   user_data);
JUST_SYNC_AVAILABLE_IN_ALL
guint                just_sync_local_store_discard_failed_ops_finish   (JustSyncLocalStore        *self,
                                                                        GAsyncResult              *result,
                                                                        GError                   **error);
JUST_SYNC_AVAILABLE_IN_ALL
void                 just_sync_local_store_prune_missing_async         (JustSyncLocalStore        *self,
                                                                        JustSyncScope             *scope,
                                                                        const char * const        *keep_ids,
                                                                        GCancellable              *cancellable,
                                                                        GAsyncReadyCallback        callback,
                                                                        gpointer                   user_data);
JUST_SYNC_AVAILABLE_IN_ALL
guint                just_sync_local_store_prune_missing_finish        (JustSyncLocalStore        *self,
                                                                        GAsyncResult              *result,
                                                                        GError                   **error);
JUST_SYNC_AVAILABLE_IN_ALL
void                 just_sync_local_store_mark_ops_sent_async         (JustSyncLocalStore        *self,
                                                                        JustSyncScope             *scope,
                                                                        GPtrArray                 *ops,
                                                                        GCancellable              *cancellable,
                                                                        GAsyncReadyCallback        callback,
                                                                        gpointer                   user_data);
JUST_SYNC_AVAILABLE_IN_ALL
gboolean             just_sync_local_store_mark_ops_sent_finish        (JustSyncLocalStore        *self,
                                                                        GAsyncResult              *result,
                                                                        GError                   **error);
JUST_SYNC_AVAILABLE_IN_ALL
void                 just_sync_local_store_run_query_async             (JustSyncLocalStore        *self,
                                                                        JustSyncQuery             *query,
                                                                        const char * const        *ids,
                                                                        GCancellable              *cancellable,
                                                                        GAsyncReadyCallback        callback,
                                                                        gpointer                   user_data);
JUST_SYNC_AVAILABLE_IN_ALL
GPtrArray           *just_sync_local_store_run_query_finish            (JustSyncLocalStore        *self,
                                                                        GAsyncResult              *result,
                                                                        GError                   **error);
JUST_SYNC_AVAILABLE_IN_ALL
void                 just_sync_local_store_evict_async                 (JustSyncLocalStore        *self,
                                                                        JustSyncScope             *scope,
                                                                        const char * const        *ids,
                                                                        gint64                     evicted_at,
                                                                        GCancellable              *cancellable,
                                                                        GAsyncReadyCallback        callback,
                                                                        gpointer                   user_data);
JUST_SYNC_AVAILABLE_IN_ALL
guint                just_sync_local_store_evict_finish                (JustSyncLocalStore        *self,
                                                                        GAsyncResult              *result,
                                                                        GError                   **error);
JUST_SYNC_AVAILABLE_IN_ALL
void                 just_sync_local_store_list_evicted_async          (JustSyncLocalStore        *self,
                                                                        JustSyncScope             *scope,
                                                                        gint64                     forget_before,
                                                                        GCancellable              *cancellable,
                                                                        GAsyncReadyCallback        callback,
                                                                        gpointer                   user_data);
JUST_SYNC_AVAILABLE_IN_ALL
GStrv                just_sync_local_store_list_evicted_finish         (JustSyncLocalStore        *self,
                                                                        GAsyncResult              *result,
                                                                        GError                   **error);
JUST_SYNC_AVAILABLE_IN_ALL
gboolean             just_sync_local_store_get_supports_soft_delete    (JustSyncLocalStore        *self);
JUST_SYNC_AVAILABLE_IN_ALL
void                 just_sync_local_store_emit_changed                (JustSyncLocalStore        *self,
                                                                        JustSyncScope             *scope,
                                                                        const char * const        *ids);

G_END_DECLS
