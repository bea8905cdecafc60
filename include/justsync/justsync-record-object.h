/* justsync-record-object.h
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#if !defined(JUST_SYNC_INSIDE) && !defined(JUST_SYNC_COMPILATION)
# error "Only <justsync/justsync.h> can be included directly."
#endif

#include <glib-object.h>

#include "justsync-record.h"
#include "justsync-version-macros.h"

G_BEGIN_DECLS

#define JUST_SYNC_TYPE_RECORD_OBJECT (just_sync_record_object_get_type ())

JUST_SYNC_AVAILABLE_IN_ALL
G_DECLARE_FINAL_TYPE (JustSyncRecordObject, just_sync_record_object, JUST_SYNC, RECORD_OBJECT, GObject)

JUST_SYNC_AVAILABLE_IN_ALL
JustSyncRecordObject *just_sync_record_object_new            (JustSyncRecord       *record);
JUST_SYNC_AVAILABLE_IN_ALL
JustSyncRecord       *just_sync_record_object_get_record     (JustSyncRecordObject *self);
JUST_SYNC_AVAILABLE_IN_ALL
const char           *just_sync_record_object_get_id         (JustSyncRecordObject *self);
JUST_SYNC_AVAILABLE_IN_ALL
gint64                just_sync_record_object_get_updated_at (JustSyncRecordObject *self);
JUST_SYNC_AVAILABLE_IN_ALL
gboolean              just_sync_record_object_get_deleted    (JustSyncRecordObject *self);
JUST_SYNC_AVAILABLE_IN_ALL
gboolean              just_sync_record_object_has_field      (JustSyncRecordObject *self,
                                                              const char           *field);
JUST_SYNC_AVAILABLE_IN_ALL
const char           *just_sync_record_object_get_string     (JustSyncRecordObject *self,
                                                              const char           *field);
JUST_SYNC_AVAILABLE_IN_ALL
gint64                just_sync_record_object_get_int        (JustSyncRecordObject *self,
                                                              const char           *field);
JUST_SYNC_AVAILABLE_IN_ALL
double                just_sync_record_object_get_double     (JustSyncRecordObject *self,
                                                              const char           *field);
JUST_SYNC_AVAILABLE_IN_ALL
gboolean              just_sync_record_object_get_boolean    (JustSyncRecordObject *self,
                                                              const char           *field);

G_END_DECLS
