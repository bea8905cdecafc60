/* justsync-record-private.h: a record's content hash, for the stores
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include "justsync-record.h"

G_BEGIN_DECLS

JustSyncRecord *_just_sync_record_new_parsed (const char      *id,
                                              JsonObject      *payload,
                                              gint64           updated_at,
                                              gint64           deleted_at,
                                              GError         **error);
JustSyncRecord *_just_sync_record_dup_deep   (JustSyncRecord  *self);

char *_just_sync_record_dup_canonical_payload (JustSyncRecord *self);
void  _just_sync_record_set_canonical_payload (JustSyncRecord *self,
                                               const char     *canonical);

G_END_DECLS
