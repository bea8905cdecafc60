/* justsync-supabase-codec-private.h
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

/* The columns every synced table has. */
#define JUST_SYNC_SUPABASE_ID_COLUMN "id"
#define JUST_SYNC_SUPABASE_UPDATED_AT_COLUMN "updated_at"

gboolean        _just_sync_supabase_is_column_name     (const char      *name);
gboolean        _just_sync_supabase_check_scope        (JustSyncScope   *scope,
                                                        GError         **error);
char           *_just_sync_supabase_quote              (const char      *value);
char           *_just_sync_supabase_format_time        (gint64           usec);
void            _just_sync_supabase_query_add_scope    (GString         *query,
                                                        JustSyncScope   *scope);
char           *_just_sync_supabase_select_query       (JustSyncScope   *scope,
                                                        JustSyncSyncPoint *since,
                                                        guint            limit);
char           *_just_sync_supabase_id_filter          (const char * const *ids,
                                                        guint            n_ids);
char           *_just_sync_supabase_versions_filter    (const char * const *ids,
                                                        const gint64    *versions,
                                                        guint            n_ids);
gint64          _just_sync_supabase_base_updated_at    (JustSyncPendingOp *op);
JustSyncRecord *_just_sync_supabase_record_from_row    (JsonNode        *row,
                                                        JustSyncScope   *scope,
                                                        const char      *soft_delete_column,
                                                        JustSyncSyncPoint **out_refused,
                                                        GError         **error);
JsonObject     *_just_sync_supabase_row_from_record    (JustSyncRecord  *record,
                                                        JustSyncScope   *scope,
                                                        const char      *soft_delete_column,
                                                        GError         **error);
char           *_just_sync_supabase_dup_columns        (JsonObject      *row);
char           *_just_sync_supabase_dup_error_message  (JsonNode        *body,
                                                        guint            status);
gboolean        _just_sync_supabase_parse_time_reply   (JsonNode        *body,
                                                        gint64          *out_usec);

G_END_DECLS
