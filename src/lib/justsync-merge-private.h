/* justsync-merge-private.h: the rules of the sync algorithm, once
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include "justsync-apply-result.h"
#include "justsync-conflict.h"
#include "justsync-conflict-resolver.h"
#include "justsync-delta.h"
#include "justsync-pending-op.h"
#include "justsync-push-result.h"
#include "justsync-record.h"
#include "justsync-sync-point.h"

G_BEGIN_DECLS

/* What one remote row does to its local row (DESIGN.md, "The sync
 * algorithm"). */
typedef enum
{
  /* No local row: take the remote one. */
  JUST_SYNC_MERGE_INSERT,
  /* The row already reflects this version, or it is the base of the
   * pending change: nothing to do. */
  JUST_SYNC_MERGE_SKIP,
  /* No pending change: take the remote row. */
  JUST_SYNC_MERGE_REPLACE,
  /* The echo of a sent change, or both sides agree (the same content, or
   * both deleted): clear the changes up to a sequence number, silently. */
  JUST_SYNC_MERGE_ACKNOWLEDGE,
  /* Another version than the pending change's base: the resolver picks. */
  JUST_SYNC_MERGE_CONFLICT,
} JustSyncMergeAction;

typedef struct
{
  JustSyncMergeAction action;
  gint64 seq;                  /* ACKNOWLEDGE: the newest change it clears */
} JustSyncMergeDecision;

/* A local row as a store loads it. */
typedef struct
{
  JustSyncRecord *row;         /* NULL when there is none */
  char *base;                  /* the server version it reflects, or NULL */
  GPtrArray *ops;              /* its JustSyncPendingOp, by sequence */
} JustSyncMergeLocal;

void                  _just_sync_merge_local_clear (JustSyncMergeLocal *local);
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (JustSyncMergeLocal, _just_sync_merge_local_clear)

JustSyncMergeDecision _just_sync_merge_decide      (JustSyncRecord           *remote,
                                                    const char               *version,
                                                    const JustSyncMergeLocal *local);

gboolean              _just_sync_merge_resolver_is_pure (JustSyncConflictResolver *resolver);
gboolean              _just_sync_merge_resolver_merges  (JustSyncConflictResolver *resolver);

/* The transactional primitives a local store gives the merge driver. @tx
 * is the store's own handle on one transaction in one scope; the driver
 * calls them only between the store's BEGIN and COMMIT, on the store's
 * thread, with records that thread owns. Each returns FALSE with @error on
 * a storage failure, and the store rolls the transaction back.
 */
typedef struct
{
  /* Loads row @id, its base and its ops; @local->ops is never NULL. */
  gboolean (*load)            (gpointer             tx,
                               const char          *id,
                               JustSyncMergeLocal  *local,
                               GError             **error);
  /* Makes @record the row's content and @base its base; @n_ops of its
   * changes still wait. */
  gboolean (*put_row)         (gpointer             tx,
                               JustSyncRecord      *record,
                               const char          *base,
                               guint                n_ops,
                               GError             **error);
  /* Removes the ops of @id up to @seq; @remaining counts the others. */
  gboolean (*clear_ops)       (gpointer             tx,
                               const char          *id,
                               gint64               seq,
                               guint               *remaining,
                               GError             **error);
  /* Sets the base of row @id and of all its ops to @base. */
  gboolean (*rebase)          (gpointer             tx,
                               const char          *id,
                               const char          *base,
                               guint                n_ops,
                               GError             **error);
  /* Sets the state and last error of the ops of @id up to @seq. Their
   * attempt was counted when they were sent (mark_ops_sent). */
  gboolean (*mark_ops)        (gpointer             tx,
                               const char          *id,
                               gint64               seq,
                               JustSyncOpState      state,
                               const char          *message,
                               GError             **error);
  gboolean (*save_conflict)   (gpointer             tx,
                               JustSyncConflict    *conflict,
                               GError             **error);
  gboolean (*load_sync_point) (gpointer             tx,
                               JustSyncSyncPoint  **sync_point,
                               GError             **error);
  gboolean (*save_sync_point) (gpointer             tx,
                               JustSyncSyncPoint   *sync_point,
                               GError             **error);
  /* Optional: loads the rows of @ids at once, as load() does each; a NULL
   * id is skipped. A store that reads from disk spares a query per row. */
  gboolean (*load_many)       (gpointer             tx,
                               const char         **ids,
                               guint                n_ids,
                               JustSyncMergeLocal  *locals,
                               GError             **error);

  /* Field merges (all three, or none: NULL). The base content is the
   * content of the server version a row's pending changes were made on;
   * a store captures it when a write queues the first change of a row. */
  /* Loads the base content of row @id into @base, or NULL when unknown. */
  gboolean (*load_base_content) (gpointer          tx,
                                 const char       *id,
                                 JustSyncRecord  **base,
                                 GError          **error);
  /* Sets the base content of row @id, whose base just became @content's
   * version. */
  gboolean (*save_base_content) (gpointer          tx,
                                 const char       *id,
                                 JustSyncRecord   *content,
                                 GError          **error);
  /* Makes @merged the content of the row and of all its @n_ops waiting
   * changes, made on top of version @base whose content is @base_content. */
  gboolean (*put_merged)        (gpointer          tx,
                                 JustSyncRecord   *merged,
                                 const char       *base,
                                 JustSyncRecord   *base_content,
                                 guint             n_ops,
                                 GError          **error);
} JustSyncMergeStore;

/* One page of remote changes on its way into a store, across the
 * attempts of a two-phase apply. */
typedef struct _JustSyncMergePage JustSyncMergePage;

JustSyncMergePage    *_just_sync_merge_page_new      (JustSyncConflictResolver  *resolver,
                                                      JustSyncSyncPoint         *cursor);
void                  _just_sync_merge_page_free     (JustSyncMergePage         *page);
void                  _just_sync_merge_page_add      (JustSyncMergePage         *page,
                                                      JustSyncRecord            *remote,
                                                      const char                *version);
void                  _just_sync_merge_page_resolve  (JustSyncMergePage         *page);
gboolean              _just_sync_merge_apply_page    (const JustSyncMergeStore  *store,
                                                      gpointer                   tx,
                                                      JustSyncMergePage         *page,
                                                      JustSyncApplyResult      **result,
                                                      GError                   **error);
JustSyncApplyResult  *_just_sync_merge_apply_delta   (const JustSyncMergeStore  *store,
                                                      gpointer                   tx,
                                                      JustSyncDelta             *delta,
                                                      JustSyncConflictResolver  *resolver,
                                                      GError                   **error);
gboolean              _just_sync_merge_commit_push   (const JustSyncMergeStore  *store,
                                                      gpointer                   tx,
                                                      JustSyncPushResult        *push,
                                                      JustSyncRecord            *reply,
                                                      const char                *version,
                                                      JustSyncApplyResult       *result,
                                                      GError                   **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (JustSyncMergePage, _just_sync_merge_page_free)

G_END_DECLS
