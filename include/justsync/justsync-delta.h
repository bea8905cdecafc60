/* justsync-delta.h
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#if !defined(JUST_SYNC_INSIDE) && !defined(JUST_SYNC_COMPILATION)
# error "Only <justsync/justsync.h> can be included directly."
#endif

#include <json-glib/json-glib.h>

#include "justsync-record.h"
#include "justsync-sync-point.h"
#include "justsync-version-macros.h"

G_BEGIN_DECLS

#define JUST_SYNC_TYPE_DELTA (just_sync_delta_get_type ())

typedef struct _JustSyncDelta JustSyncDelta;

JUST_SYNC_AVAILABLE_IN_ALL
GType              just_sync_delta_get_type        (void) G_GNUC_CONST;
JUST_SYNC_AVAILABLE_IN_ALL
JustSyncDelta     *just_sync_delta_new             (gint64            server_time);
JUST_SYNC_AVAILABLE_IN_ALL
JustSyncDelta     *just_sync_delta_from_json       (JsonNode         *node,
                                                    GError          **error);
JUST_SYNC_AVAILABLE_IN_ALL
JustSyncDelta     *just_sync_delta_ref             (JustSyncDelta    *self);
JUST_SYNC_AVAILABLE_IN_ALL
void               just_sync_delta_unref           (JustSyncDelta    *self);
JUST_SYNC_AVAILABLE_IN_ALL
void               just_sync_delta_add             (JustSyncDelta    *self,
                                                    JustSyncRecord   *record);
JUST_SYNC_AVAILABLE_IN_ALL
void               just_sync_delta_set_has_more    (JustSyncDelta    *self,
                                                    gboolean          has_more);
JUST_SYNC_AVAILABLE_IN_ALL
gboolean           just_sync_delta_get_has_more    (JustSyncDelta    *self);
JUST_SYNC_AVAILABLE_IN_ALL
gint64             just_sync_delta_get_server_time (JustSyncDelta    *self);
JUST_SYNC_AVAILABLE_IN_ALL
GPtrArray         *just_sync_delta_get_records     (JustSyncDelta    *self);
JUST_SYNC_AVAILABLE_IN_ALL
guint              just_sync_delta_get_n_upserts   (JustSyncDelta    *self);
JUST_SYNC_AVAILABLE_IN_ALL
guint              just_sync_delta_get_n_deletes   (JustSyncDelta    *self);
JUST_SYNC_AVAILABLE_IN_ALL
JustSyncSyncPoint *just_sync_delta_dup_cursor      (JustSyncDelta    *self);
JUST_SYNC_AVAILABLE_IN_ALL
JsonNode          *just_sync_delta_to_json         (JustSyncDelta    *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (JustSyncDelta, just_sync_delta_unref)

G_END_DECLS
