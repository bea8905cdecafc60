/* test-support.h: helpers for the orchestrator tests and the backend sync tests
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include "http-test-util.h"
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

/* Two devices syncing one scope through one server, as the backend sync
 * tests (tests/{pocketbase,supabase,appwrite}/test-*-sync.c) set them up:
 * a talks to the server through @proxy, b directly. */
typedef struct
{
  HttpTestProxy *proxy;
  JustSyncScope *scope;
  TestClient a;                     /* through the proxy */
  TestClient b;
} TestTwoClients;

void        test_two_clients_clear (TestTwoClients       *clients);
/* test_two_clients_clear() as the teardown of a g_test_add() fixture. */
void        test_two_clients_teardown (TestTwoClients    *clients,
                                       gconstpointer      data);
/* Both clients hold the same @n_live live records, with the same
 * content, and nothing is queued. */
void        test_two_clients_assert_converged (TestTwoClients *clients,
                                               guint           n_live);
/* Scenarios the backend sync tests share (each documented in
 * test-support.c). */
JustSyncRecord *test_two_clients_crud (TestTwoClients *clients,
                                       guint           min_b_pushed,
                                       guint           max_b_pushed);
void        test_two_clients_conflict_lww (TestTwoClients *clients,
                                           guint           clock_resolution_ms);
void        test_two_clients_lost_reply (TestTwoClients *clients,
                                         const char     *path,
                                         guint           skip);
void        test_two_clients_transient_failures (TestTwoClients *clients,
                                                 const char     *path);
gint64      test_two_clients_push_many (TestTwoClients *clients,
                                        guint           n);
gint64      test_two_clients_pull_all (TestTwoClients *clients,
                                       guint           n);
void        test_two_users_isolated (TestClient          *alice,
                                     TestClient          *bob,
                                     JustSyncScope       *alice_scope,
                                     JustSyncScope       *bob_scope);

/* test_sync_ok() of @client's engine. */
JustSyncSyncResult *test_client_sync_ok (TestClient    *client,
                                         JustSyncScope *scope);
/* @client holds the live record @id, whose "title" is @title. */
void        test_client_assert_title (TestClient    *client,
                                      JustSyncScope *scope,
                                      const char    *id,
                                      const char    *title);
/* The length of @array, which it frees. */
guint       test_count             (GPtrArray            *array);

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
