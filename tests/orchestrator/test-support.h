/* test-support.h: helpers for the orchestrator tests
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <justsync/justsync.h>

G_BEGIN_DECLS

#define TEST_TYPE_NETWORK_MONITOR (test_network_monitor_get_type ())
G_DECLARE_FINAL_TYPE (TestNetworkMonitor, test_network_monitor, TEST, NETWORK_MONITOR, GObject)

TestNetworkMonitor *test_network_monitor_new           (gboolean            available);
void                test_network_monitor_set_available (TestNetworkMonitor *self,
                                                        gboolean            available);

/* Runs the thread-default main context until *flag is TRUE; fails the test
 * after a generous bound so a hang is a failure, not a stuck CI job. */
void        test_wait_for          (gboolean             *flag);
void        test_wait_ms           (guint                 msec);
GAsyncResult *test_wait_result     (void);
void        test_result_cb         (GObject              *object,
                                    GAsyncResult         *result,
                                    gpointer              user_data);

JsonObject *test_payload           (const char           *json);
JustSyncScope *test_scope          (const char           *name,
                                    const char           *key,
                                    const char           *value);

JustSyncSyncResult *test_sync      (JustSyncOrchestrator *orchestrator,
                                    JustSyncScope        *scope,
                                    GError              **error);
/* test_sync() that must succeed. */
JustSyncSyncResult *test_sync_ok   (JustSyncOrchestrator *orchestrator,
                                    JustSyncScope        *scope);
/* An engine that syncs only when the test says so (no debounced or
 * retried background syncs), online as @monitor says. */
JustSyncOrchestrator *test_orchestrator_new (JustSyncLocalStore   *local,
                                             JustSyncRemoteStore  *remote,
                                             TestNetworkMonitor   *monitor);
JustSyncRecord *test_create        (JustSyncOrchestrator *orchestrator,
                                    JustSyncScope        *scope,
                                    const char           *id,
                                    const char           *json);
JustSyncRecord *test_update        (JustSyncOrchestrator *orchestrator,
                                    JustSyncScope        *scope,
                                    const char           *id,
                                    const char           *json);
void        test_delete            (JustSyncOrchestrator *orchestrator,
                                    JustSyncScope        *scope,
                                    const char           *id);
JustSyncRecord *test_local_get     (JustSyncLocalStore   *store,
                                    JustSyncScope        *scope,
                                    const char           *id);
GPtrArray  *test_local_query       (JustSyncLocalStore   *store,
                                    JustSyncScope        *scope);
GPtrArray  *test_local_ops         (JustSyncLocalStore   *store,
                                    JustSyncScope        *scope);
GPtrArray  *test_local_conflicts   (JustSyncLocalStore   *store,
                                    JustSyncScope        *scope);
const char *test_payload_string    (JustSyncRecord       *record,
                                    const char           *member);

/* A new SQLite store in its own file under the test's data directory. */
JustSyncLocalStore *test_new_sqlite_store (void);

G_END_DECLS
