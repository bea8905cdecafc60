/* justsync-record.h
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

#define JUST_SYNC_TYPE_RECORD (just_sync_record_get_type ())

typedef struct _JustSyncRecord JustSyncRecord;

JUST_SYNC_AVAILABLE_IN_ALL
GType           just_sync_record_get_type           (void) G_GNUC_CONST;
JUST_SYNC_AVAILABLE_IN_ALL
JustSyncRecord *just_sync_record_new                (const char      *id,
                                                     JsonObject      *payload,
                                                     gint64           updated_at,
                                                     gint64           deleted_at,
                                                     GError         **error);
JUST_SYNC_AVAILABLE_IN_ALL
JustSyncRecord *just_sync_record_new_from_data      (const char      *id,
                                                     const char      *json,
                                                     gint64           updated_at,
                                                     gint64           deleted_at,
                                                     GError         **error);
JUST_SYNC_AVAILABLE_IN_ALL
JustSyncRecord *just_sync_record_new_tombstone      (const char      *id,
                                                     gint64           deleted_at,
                                                     GError         **error);
JUST_SYNC_AVAILABLE_IN_ALL
JustSyncRecord *just_sync_record_from_json          (JsonNode        *node,
                                                     GError         **error);
JUST_SYNC_AVAILABLE_IN_ALL
GPtrArray      *just_sync_record_list_from_data     (const char      *json,
                                                     GError         **error);
JUST_SYNC_AVAILABLE_IN_ALL
JustSyncRecord *just_sync_record_ref                (JustSyncRecord  *self);
JUST_SYNC_AVAILABLE_IN_ALL
void            just_sync_record_unref              (JustSyncRecord  *self);
JUST_SYNC_AVAILABLE_IN_ALL
const char     *just_sync_record_get_id             (JustSyncRecord  *self);
JUST_SYNC_AVAILABLE_IN_ALL
JsonObject     *just_sync_record_get_payload        (JustSyncRecord  *self);
JUST_SYNC_AVAILABLE_IN_ALL
char           *just_sync_record_dup_payload_data   (JustSyncRecord  *self);
JUST_SYNC_AVAILABLE_IN_ALL
gint64          just_sync_record_get_updated_at     (JustSyncRecord  *self);
JUST_SYNC_AVAILABLE_IN_ALL
GDateTime      *just_sync_record_dup_updated_at_date_time (JustSyncRecord *self);
JUST_SYNC_AVAILABLE_IN_ALL
gint64          just_sync_record_get_deleted_at     (JustSyncRecord  *self);
JUST_SYNC_AVAILABLE_IN_ALL
gboolean        just_sync_record_is_deleted         (JustSyncRecord  *self);
JUST_SYNC_AVAILABLE_IN_ALL
const char     *just_sync_record_get_content_hash   (JustSyncRecord  *self);
JUST_SYNC_AVAILABLE_IN_ALL
char           *just_sync_record_dup_version        (JustSyncRecord  *self);
JUST_SYNC_AVAILABLE_IN_ALL
gboolean        just_sync_record_content_covers     (JustSyncRecord  *self,
                                                     JustSyncRecord  *other);
JUST_SYNC_AVAILABLE_IN_ALL
JustSyncRecord *just_sync_record_with_updated_at    (JustSyncRecord  *self,
                                                     gint64           updated_at);
JUST_SYNC_AVAILABLE_IN_ALL
JsonNode       *just_sync_record_to_json            (JustSyncRecord  *self);
JUST_SYNC_AVAILABLE_IN_ALL
gboolean        just_sync_record_equal              (gconstpointer    a,
                                                     gconstpointer    b);
JUST_SYNC_AVAILABLE_IN_ALL
guint           just_sync_record_hash               (gconstpointer    self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (JustSyncRecord, just_sync_record_unref)

G_END_DECLS
