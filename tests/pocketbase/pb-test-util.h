/* pb-test-util.h: helpers for the PocketBase store's tests
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include "http-test-util.h"
#include "justsync-test-util.h"

G_BEGIN_DECLS

/* A JUSTSYNC_PB_* variable the harness exports; fails the test without it. */
const char        *pb_env          (const char           *name);
/* A store for the server at @url (or the harness's when NULL) that logs in
 * as a harness account: "ALICE", "BOB", "CAROL" or "ADMIN". */
JustSyncPocketbaseStore *pb_store_new (const char        *url,
                                       const char        *who);

/* A scope from its canonical form, e.g. "records?owner=abc&tag=t1". */
JustSyncScope     *pb_scope        (const char           *text);
/* "records?owner=<id>&tag=<tag>" with the id of a harness user (ALICE, BOB, CAROL). */
JustSyncScope     *pb_user_scope   (const char           *collection,
                                    const char           *who,
                                    const char           *tag);

JustSyncPendingOp *pb_upsert_op    (gint64                seq,
                                    const char           *id,
                                    const char           *json,
                                    const char           *base_version);
JustSyncPendingOp *pb_delete_op    (gint64                seq,
                                    const char           *id);
/* The result with @id, or NULL. */
JustSyncPushResult *pb_find_result (GPtrArray            *results,
                                    const char           *id);

/* The store calls, run to completion on the default main context. */
JustSyncDelta     *pb_fetch        (JustSyncRemoteStore  *store,
                                    JustSyncScope        *scope,
                                    JustSyncSyncPoint    *since,
                                    guint                 limit,
                                    GError              **error);
GPtrArray         *pb_upsert       (JustSyncRemoteStore  *store,
                                    JustSyncScope        *scope,
                                    GPtrArray            *ops,
                                    GError              **error);
GPtrArray         *pb_delete       (JustSyncRemoteStore  *store,
                                    JustSyncScope        *scope,
                                    GPtrArray            *ops,
                                    GError              **error);
gint64             pb_server_time  (JustSyncRemoteStore  *store,
                                    GError              **error);
/* Every record of @scope, paging with @limit; @out_pages counts the fetches. */
GPtrArray         *pb_fetch_all    (JustSyncRemoteStore  *store,
                                    JustSyncScope        *scope,
                                    guint                 limit,
                                    guint                *out_pages,
                                    GError              **error);

G_END_DECLS
