/* justsync-apply-result.h
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#if !defined(JUST_SYNC_INSIDE) && !defined(JUST_SYNC_COMPILATION)
# error "Only <justsync/justsync.h> can be included directly."
#endif

#include <glib-object.h>

#include "justsync-conflict.h"
#include "justsync-version-macros.h"

G_BEGIN_DECLS

#define JUST_SYNC_TYPE_APPLY_RESULT (just_sync_apply_result_get_type ())

typedef struct _JustSyncApplyResult JustSyncApplyResult;

/**
 * JustSyncApplyAction:
 * @JUST_SYNC_APPLY_INSERTED: a row that was not there was inserted
 * @JUST_SYNC_APPLY_REPLACED: a row was replaced by the server's version
 * @JUST_SYNC_APPLY_DELETED: a row became a tombstone or was removed
 * @JUST_SYNC_APPLY_SKIPPED: the row already reflected that version (an echo
 *   or an overlap re-read), or a pending local change won
 * @JUST_SYNC_APPLY_ACKNOWLEDGED: the remote row was the echo of a pending
 *   operation whose push reply was lost; the operation is done
 *
 * What applying one remote row did to the local store.
 */
typedef enum
{
  JUST_SYNC_APPLY_INSERTED,
  JUST_SYNC_APPLY_REPLACED,
  JUST_SYNC_APPLY_DELETED,
  JUST_SYNC_APPLY_SKIPPED,
  JUST_SYNC_APPLY_ACKNOWLEDGED,
} JustSyncApplyAction;

JUST_SYNC_AVAILABLE_IN_ALL
GType                just_sync_apply_result_get_type          (void) G_GNUC_CONST;
JUST_SYNC_AVAILABLE_IN_ALL
JustSyncApplyResult *just_sync_apply_result_new               (void);
JUST_SYNC_AVAILABLE_IN_ALL
JustSyncApplyResult *just_sync_apply_result_ref               (JustSyncApplyResult *self);
JUST_SYNC_AVAILABLE_IN_ALL
void                 just_sync_apply_result_unref             (JustSyncApplyResult *self);
JUST_SYNC_AVAILABLE_IN_ALL
void                 just_sync_apply_result_add               (JustSyncApplyResult *self,
                                                               const char          *record_id,
                                                               JustSyncApplyAction  action);
JUST_SYNC_AVAILABLE_IN_ALL
void                 just_sync_apply_result_add_conflict      (JustSyncApplyResult *self,
                                                               JustSyncConflict    *conflict);
JUST_SYNC_AVAILABLE_IN_ALL
guint                just_sync_apply_result_get_count         (JustSyncApplyResult *self,
                                                               JustSyncApplyAction  action);
JUST_SYNC_AVAILABLE_IN_ALL
char               **just_sync_apply_result_dup_changed_ids   (JustSyncApplyResult *self);
JUST_SYNC_AVAILABLE_IN_ALL
GPtrArray           *just_sync_apply_result_get_conflicts     (JustSyncApplyResult *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (JustSyncApplyResult, just_sync_apply_result_unref)

G_END_DECLS
