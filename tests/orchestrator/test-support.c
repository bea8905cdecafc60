/* test-support.c: helpers for the orchestrator tests
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include <unistd.h>

#include "test-support.h"

/* Orchestrator calls, run to completion */

JustSyncSyncResult *
test_sync (JustSyncOrchestrator  *orchestrator,
           JustSyncScope         *scope,
           GError               **error)
{
  return JUST_SYNC_TEST_AWAIT (just_sync_orchestrator_synchronize, orchestrator, error, scope);
}

JustSyncSyncResult *
test_sync_ok (JustSyncOrchestrator *orchestrator,
              JustSyncScope        *scope)
{
  g_autoptr(GError) error = NULL;
  JustSyncSyncResult *result = test_sync (orchestrator, scope, &error);

  g_assert_no_error (error);
  g_assert_nonnull (result);
  return result;
}

JustSyncOrchestrator *
test_orchestrator_new (JustSyncLocalStore  *local,
                       JustSyncRemoteStore *remote,
                       TestNetworkMonitor  *monitor)
{
  JustSyncOrchestrator *orchestrator =
    just_sync_orchestrator_new_with_monitor (local, remote, NULL, G_NETWORK_MONITOR (monitor));

  /* Tests sync explicitly unless they test background syncs. */
  g_object_set (orchestrator,
                "debounce-interval", 10 * G_TIME_SPAN_MINUTE,
                "retry-base-delay", 10 * G_TIME_SPAN_MINUTE,
                NULL);
  return orchestrator;
}

void
test_client_init (TestClient          *client,
                  JustSyncLocalStore  *local,
                  JustSyncRemoteStore *remote)
{
  client->local = local;
  client->remote = g_object_ref (remote);
  client->monitor = test_network_monitor_new (TRUE);
  client->orchestrator = test_orchestrator_new (local, remote, client->monitor);
}

void
test_client_clear (TestClient *client)
{
  g_clear_object (&client->orchestrator);
  g_clear_object (&client->remote);
  g_clear_object (&client->local);
  g_clear_object (&client->monitor);
}

static JustSyncRecord *
write_record (JustSyncOrchestrator *orchestrator,
              JustSyncScope        *scope,
              const char           *id,
              const char           *json,
              gboolean              create)
{
  g_autoptr(JsonObject) payload = just_sync_test_payload (json);
  JustSyncRecord *record;

  if (create)
    record = JUST_SYNC_TEST_AWAIT_OK (just_sync_orchestrator_create, orchestrator, scope, id,
                                      payload);
  else
    record = JUST_SYNC_TEST_AWAIT_OK (just_sync_orchestrator_update, orchestrator, scope, id,
                                      payload);
  g_assert_nonnull (record);
  return record;
}

JustSyncRecord *
test_create (JustSyncOrchestrator *orchestrator,
             JustSyncScope        *scope,
             const char           *id,
             const char           *json)
{
  return write_record (orchestrator, scope, id, json, TRUE);
}

JustSyncRecord *
test_update (JustSyncOrchestrator *orchestrator,
             JustSyncScope        *scope,
             const char           *id,
             const char           *json)
{
  return write_record (orchestrator, scope, id, json, FALSE);
}

void
test_delete (JustSyncOrchestrator *orchestrator,
             JustSyncScope        *scope,
             const char           *id)
{
  g_assert_true (JUST_SYNC_TEST_AWAIT_OK (just_sync_orchestrator_delete, orchestrator, scope, id));
}

JustSyncLocalStore *
test_new_sqlite_store (void)
{
  static guint counter;
  g_autoptr(GError) error = NULL;
  g_autofree char *name = g_strdup_printf ("store-%u-%u.db", (guint) getpid (), ++counter);
  g_autofree char *path = g_build_filename (g_get_user_data_dir (), name, NULL);
  JustSyncSqliteStore *store;

  g_mkdir_with_parents (g_get_user_data_dir (), 0700);
  store = just_sync_sqlite_store_new_sync (path, FALSE, NULL, &error);
  g_assert_no_error (error);
  return JUST_SYNC_LOCAL_STORE (store);
}
