/* justsync-conflict.h
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#if !defined(JUST_SYNC_INSIDE) && !defined(JUST_SYNC_COMPILATION)
# error "Only <justsync/justsync.h> can be included directly."
#endif

#include <json-glib/json-glib.h>

#include "justsync-enums.h"
#include "justsync-record.h"
#include "justsync-version-macros.h"

G_BEGIN_DECLS

#define JUST_SYNC_TYPE_CONFLICT (just_sync_conflict_get_type ())

typedef struct _JustSyncConflict JustSyncConflict;

JUST_SYNC_AVAILABLE_IN_ALL
GType               just_sync_conflict_get_type        (void) G_GNUC_CONST;
JUST_SYNC_AVAILABLE_IN_ALL
JustSyncConflict   *just_sync_conflict_new             (JustSyncRecord     *local,
                                                        JustSyncRecord     *remote,
                                                        JustSyncResolution  resolution,
                                                        gint64              resolved_at);
JUST_SYNC_AVAILABLE_IN_ALL
JustSyncConflict   *just_sync_conflict_from_json       (JsonNode           *node,
                                                        GError            **error);
JUST_SYNC_AVAILABLE_IN_ALL
JustSyncConflict   *just_sync_conflict_ref             (JustSyncConflict   *self);
JUST_SYNC_AVAILABLE_IN_ALL
void                just_sync_conflict_unref           (JustSyncConflict   *self);
JUST_SYNC_AVAILABLE_IN_ALL
const char         *just_sync_conflict_get_record_id   (JustSyncConflict   *self);
JUST_SYNC_AVAILABLE_IN_ALL
JustSyncRecord     *just_sync_conflict_get_local       (JustSyncConflict   *self);
JUST_SYNC_AVAILABLE_IN_ALL
JustSyncRecord     *just_sync_conflict_get_remote      (JustSyncConflict   *self);
JUST_SYNC_AVAILABLE_IN_ALL
JustSyncRecord     *just_sync_conflict_get_winner      (JustSyncConflict   *self);
JUST_SYNC_AVAILABLE_IN_ALL
JustSyncRecord     *just_sync_conflict_get_loser       (JustSyncConflict   *self);
JUST_SYNC_AVAILABLE_IN_ALL
JustSyncResolution  just_sync_conflict_get_resolution  (JustSyncConflict   *self);
JUST_SYNC_AVAILABLE_IN_ALL
gint64              just_sync_conflict_get_resolved_at (JustSyncConflict   *self);
JUST_SYNC_AVAILABLE_IN_ALL
JsonNode           *just_sync_conflict_to_json         (JustSyncConflict   *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (JustSyncConflict, just_sync_conflict_unref)

G_END_DECLS
