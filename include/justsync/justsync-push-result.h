/* justsync-push-result.h
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#if !defined(JUST_SYNC_INSIDE) && !defined(JUST_SYNC_COMPILATION)
# error "Only <justsync/justsync.h> can be included directly."
#endif

#include <glib-object.h>

#include "justsync-enums.h"
#include "justsync-record.h"
#include "justsync-version-macros.h"

G_BEGIN_DECLS

#define JUST_SYNC_TYPE_PUSH_RESULT (just_sync_push_result_get_type ())

typedef struct _JustSyncPushResult JustSyncPushResult;

JUST_SYNC_AVAILABLE_IN_ALL
GType               just_sync_push_result_get_type        (void) G_GNUC_CONST;
JUST_SYNC_AVAILABLE_IN_ALL
JustSyncPushResult *just_sync_push_result_new_written     (gint64               seq,
                                                           JustSyncRecord      *reply);
JUST_SYNC_AVAILABLE_IN_ALL
JustSyncPushResult *just_sync_push_result_new_failed      (gint64               seq,
                                                           const char          *record_id,
                                                           JustSyncPushStatus   status,
                                                           const char          *message,
                                                           gint64               retry_after);
JUST_SYNC_AVAILABLE_IN_ALL
JustSyncPushResult *just_sync_push_result_ref             (JustSyncPushResult  *self);
JUST_SYNC_AVAILABLE_IN_ALL
void                just_sync_push_result_unref           (JustSyncPushResult  *self);
JUST_SYNC_AVAILABLE_IN_ALL
gint64              just_sync_push_result_get_seq         (JustSyncPushResult  *self);
JUST_SYNC_AVAILABLE_IN_ALL
const char         *just_sync_push_result_get_record_id   (JustSyncPushResult  *self);
JUST_SYNC_AVAILABLE_IN_ALL
JustSyncPushStatus  just_sync_push_result_get_status      (JustSyncPushResult  *self);
JUST_SYNC_AVAILABLE_IN_ALL
JustSyncRecord     *just_sync_push_result_get_reply       (JustSyncPushResult  *self);
JUST_SYNC_AVAILABLE_IN_ALL
const char         *just_sync_push_result_get_message     (JustSyncPushResult  *self);
JUST_SYNC_AVAILABLE_IN_ALL
gint64              just_sync_push_result_get_retry_after (JustSyncPushResult  *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (JustSyncPushResult, just_sync_push_result_unref)

G_END_DECLS
