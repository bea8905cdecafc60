/* justsync-appwrite-private.h
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <json-glib/json-glib.h>

#include "justsync-pending-op.h"
#include "justsync-record.h"
#include "justsync-scope.h"
#include "justsync-sync-point.h"

G_BEGIN_DECLS

/* The system attributes the store reads. */
#define JUST_SYNC_APPWRITE_ID "$id"
#define JUST_SYNC_APPWRITE_UPDATED_AT "$updatedAt"

gboolean        _just_sync_appwrite_is_key           (const char         *key);
gboolean        _just_sync_appwrite_is_id            (const char         *id);
gboolean        _just_sync_appwrite_check_scope      (JustSyncScope      *scope,
                                                      GError            **error);
char           *_just_sync_appwrite_format_time      (gint64              usec);
void            _just_sync_appwrite_query_add        (GString            *query,
                                                      JsonNode           *json_query);
JsonNode       *_just_sync_appwrite_query_new        (const char         *method,
                                                      const char         *attribute,
                                                      JsonArray          *values);
char           *_just_sync_appwrite_list_query       (JustSyncScope      *scope,
                                                      JustSyncSyncPoint  *since,
                                                      guint               limit);
char           *_just_sync_appwrite_lookup_query     (JustSyncScope      *scope,
                                                      const char * const *ids,
                                                      guint               n_ids);
JsonArray      *_just_sync_appwrite_reply_documents  (JsonNode           *body);
JustSyncRecord *_just_sync_appwrite_record_from_document (JsonNode       *document,
                                                      JustSyncScope      *scope,
                                                      const char         *soft_delete_attribute,
                                                      JustSyncSyncPoint **out_refused,
                                                      GError            **error);
JsonObject     *_just_sync_appwrite_data_from_record (JustSyncRecord     *record,
                                                      JustSyncScope      *scope,
                                                      const char         *soft_delete_attribute,
                                                      GError            **error);
char           *_just_sync_appwrite_dup_error_message (JsonNode          *body,
                                                      guint               status);
const char     *_just_sync_appwrite_error_type       (JsonNode           *body);
gboolean        _just_sync_appwrite_parse_health_time (JsonNode          *body,
                                                      gint64             *out_usec);

G_END_DECLS
