/* justsync-sync-point.h
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#if !defined(JUST_SYNC_INSIDE) && !defined(JUST_SYNC_COMPILATION)
# error "Only <justsync/justsync.h> can be included directly."
#endif

#include <json-glib/json-glib.h>

#include "justsync-version-macros.h"

G_BEGIN_DECLS

#define JUST_SYNC_TYPE_SYNC_POINT (just_sync_sync_point_get_type ())

typedef struct _JustSyncSyncPoint JustSyncSyncPoint;

JUST_SYNC_AVAILABLE_IN_ALL
GType              just_sync_sync_point_get_type       (void) G_GNUC_CONST;
JUST_SYNC_AVAILABLE_IN_ALL
JustSyncSyncPoint *just_sync_sync_point_new            (gint64              updated_at,
                                                        const char         *last_id);
JUST_SYNC_AVAILABLE_IN_ALL
JustSyncSyncPoint *just_sync_sync_point_from_json      (JsonNode           *node,
                                                        GError            **error);
JUST_SYNC_AVAILABLE_IN_ALL
JustSyncSyncPoint *just_sync_sync_point_ref            (JustSyncSyncPoint  *self);
JUST_SYNC_AVAILABLE_IN_ALL
void               just_sync_sync_point_unref          (JustSyncSyncPoint  *self);
JUST_SYNC_AVAILABLE_IN_ALL
gint64             just_sync_sync_point_get_updated_at (JustSyncSyncPoint  *self);
JUST_SYNC_AVAILABLE_IN_ALL
const char        *just_sync_sync_point_get_last_id    (JustSyncSyncPoint  *self);
JUST_SYNC_AVAILABLE_IN_ALL
JustSyncSyncPoint *just_sync_sync_point_rewind         (JustSyncSyncPoint  *self,
                                                        gint64              window);
JUST_SYNC_AVAILABLE_IN_ALL
int                just_sync_sync_point_compare        (JustSyncSyncPoint  *self,
                                                        gint64              updated_at,
                                                        const char         *id);
JUST_SYNC_AVAILABLE_IN_ALL
JsonNode          *just_sync_sync_point_to_json        (JustSyncSyncPoint  *self);
JUST_SYNC_AVAILABLE_IN_ALL
gboolean           just_sync_sync_point_equal          (gconstpointer       a,
                                                        gconstpointer       b);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (JustSyncSyncPoint, just_sync_sync_point_unref)

G_END_DECLS
