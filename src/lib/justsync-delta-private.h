/* justsync-delta-private.h
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include "justsync-delta.h"

G_BEGIN_DECLS

JustSyncRecord *_just_sync_delta_record_new (const char         *id,
                                             JsonObject         *payload,
                                             gint64              updated_at,
                                             gint64              deleted_at,
                                             JustSyncSyncPoint **out_refused,
                                             GError            **error);

void       _just_sync_delta_set_server_time (JustSyncDelta *self,
                                             gint64         server_time);
gboolean   _just_sync_delta_add_row         (JustSyncDelta      *self,
                                             JustSyncRecord     *record,
                                             JustSyncSyncPoint  *refused,
                                             const char         *what,
                                             const char         *name,
                                             GError            **reason);
GPtrArray *_just_sync_delta_get_refused_ids (JustSyncDelta *self);

G_END_DECLS
