/* justsync-sync-result.h
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#if !defined(JUST_SYNC_INSIDE) && !defined(JUST_SYNC_COMPILATION)
# error "Only <justsync/justsync.h> can be included directly."
#endif

#include <json-glib/json-glib.h>

#include "justsync-conflict.h"
#include "justsync-pending-op.h"
#include "justsync-scope.h"
#include "justsync-version-macros.h"

G_BEGIN_DECLS

#define JUST_SYNC_TYPE_SYNC_RESULT (just_sync_sync_result_get_type ())

typedef struct _JustSyncSyncResult JustSyncSyncResult;

JUST_SYNC_AVAILABLE_IN_ALL
GType               just_sync_sync_result_get_type        (void) G_GNUC_CONST;
JUST_SYNC_AVAILABLE_IN_ALL
JustSyncSyncResult *just_sync_sync_result_new             (JustSyncScope      *scope);
JUST_SYNC_AVAILABLE_IN_ALL
JustSyncSyncResult *just_sync_sync_result_ref             (JustSyncSyncResult *self);
JUST_SYNC_AVAILABLE_IN_ALL
void                just_sync_sync_result_unref           (JustSyncSyncResult *self);
JUST_SYNC_AVAILABLE_IN_ALL
JustSyncScope      *just_sync_sync_result_get_scope       (JustSyncSyncResult *self);
JUST_SYNC_AVAILABLE_IN_ALL
guint               just_sync_sync_result_get_pulled      (JustSyncSyncResult *self);
JUST_SYNC_AVAILABLE_IN_ALL
guint               just_sync_sync_result_get_pushed      (JustSyncSyncResult *self);
JUST_SYNC_AVAILABLE_IN_ALL
guint               just_sync_sync_result_get_deleted     (JustSyncSyncResult *self);
JUST_SYNC_AVAILABLE_IN_ALL
GPtrArray          *just_sync_sync_result_get_conflicts   (JustSyncSyncResult *self);
JUST_SYNC_AVAILABLE_IN_ALL
GPtrArray          *just_sync_sync_result_get_failed_ops  (JustSyncSyncResult *self);
JUST_SYNC_AVAILABLE_IN_ALL
gint64              just_sync_sync_result_get_finished_at (JustSyncSyncResult *self);
JUST_SYNC_AVAILABLE_IN_ALL
JsonNode           *just_sync_sync_result_to_json         (JustSyncSyncResult *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (JustSyncSyncResult, just_sync_sync_result_unref)

G_END_DECLS
