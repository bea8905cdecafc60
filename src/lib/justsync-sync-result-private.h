/* justsync-sync-result-private.h
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include "justsync-apply-result.h"
#include "justsync-sync-result.h"

G_BEGIN_DECLS

void _just_sync_sync_result_add_applied   (JustSyncSyncResult  *self,
                                           JustSyncApplyResult *applied);
void _just_sync_sync_result_add_pushed    (JustSyncSyncResult  *self,
                                           guint                n);
void _just_sync_sync_result_add_deleted   (JustSyncSyncResult  *self,
                                           guint                n);
void _just_sync_sync_result_add_failed_op (JustSyncSyncResult  *self,
                                           JustSyncPendingOp   *op);
void _just_sync_sync_result_finish        (JustSyncSyncResult  *self,
                                           gint64               finished_at);

G_END_DECLS
