/* test-support.h: helpers for the orchestrator tests
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include "justsync-test-util.h"
#include "test-network-monitor.h"

G_BEGIN_DECLS

/* One device: a local store and an engine on it, online as its monitor
 * says (online at first). */
typedef struct
{
  JustSyncLocalStore *local;
  JustSyncRemoteStore *remote;
  TestNetworkMonitor *monitor;
  JustSyncOrchestrator *orchestrator;
} TestClient;

/* Takes @local; @remote may be shared with other clients. */
void        test_client_init       (TestClient           *client,
                                    JustSyncLocalStore   *local,
                                    JustSyncRemoteStore  *remote);
void        test_client_clear      (TestClient           *client);

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
/* Waits until the engine has nothing queued or parked and is idle, with
 * no explicit sync (one the engine starts by itself). */
gboolean    test_wait_queue_empty  (JustSyncOrchestrator *orchestrator,
                                    guint                 timeout_ms);

/* A GPowerProfileMonitor whose power-saver mode the test sets. */
#define TEST_TYPE_POWER_MONITOR (test_power_monitor_get_type ())
G_DECLARE_FINAL_TYPE (TestPowerMonitor, test_power_monitor, TEST, POWER_MONITOR, GObject)

TestPowerMonitor *test_power_monitor_new      (void);
void              test_power_monitor_set_saver (TestPowerMonitor *self,
                                                gboolean          enabled);

/* A new SQLite store in its own file under the test's data directory. */
JustSyncLocalStore *test_new_sqlite_store (void);

G_END_DECLS
