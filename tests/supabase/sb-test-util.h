/* sb-test-util.h: helpers for the Supabase store's tests against a server
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include "http-test-util.h"
#include "justsync-test-util.h"

G_BEGIN_DECLS

/* A JUSTSYNC_SB_* variable pgrst-harness exports; fails the test without it. */
const char            *sb_env          (const char           *name);
/* A store for the server at @url (the harness's when NULL), soft deletes on
 * `deleted_at`, acting as @who: "SERVICE" (bypasses row-level security),
 * "FROZEN" (a service token whose writes all get one stamp), "ALICE" or
 * "BOB" (signed-in users), or "EXPIRED" (ALICE's token, expired). */
JustSyncSupabaseStore *sb_store_new    (const char           *url,
                                        const char           *who);
/* "records?owner=<id of @who>&tag=<tag>". */
JustSyncScope         *sb_user_scope   (const char           *who,
                                        const char           *tag);

JustSyncPendingOp     *sb_upsert_op    (gint64                seq,
                                        const char           *id,
                                        const char           *json,
                                        const char           *base_version);
JustSyncPendingOp     *sb_delete_op    (gint64                seq,
                                        const char           *id,
                                        const char           *base_version);
JustSyncPushResult    *sb_find_result  (GPtrArray            *results,
                                        const char           *id);

GPtrArray             *sb_upsert       (JustSyncSupabaseStore *store,
                                        JustSyncScope        *scope,
                                        GPtrArray            *ops,
                                        GError              **error);
GPtrArray             *sb_delete       (JustSyncSupabaseStore *store,
                                        JustSyncScope        *scope,
                                        GPtrArray            *ops,
                                        GError              **error);
/* Every record of @scope, paging with @limit; @out_pages counts the fetches. */
GPtrArray             *sb_fetch_all    (JustSyncSupabaseStore *store,
                                        JustSyncScope        *scope,
                                        guint                 limit,
                                        guint                *out_pages,
                                        GError              **error);

G_END_DECLS
