/* justsync-record-object-private.h
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include "justsync-record-object.h"

G_BEGIN_DECLS

/* Replaces the record (same id) and notifies what changed; nothing when
 * @record equals the current one. */
void _just_sync_record_object_set_record (JustSyncRecordObject *self,
                                          JustSyncRecord       *record);

G_END_DECLS
