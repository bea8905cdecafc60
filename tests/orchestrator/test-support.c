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
  g_autoptr(TestPowerMonitor) power = test_power_monitor_new ();
  JustSyncOrchestrator *orchestrator = g_object_new (JUST_SYNC_TYPE_ORCHESTRATOR,
                                                     "local-store", local,
                                                     "remote-store", remote,
                                                     "network-monitor", monitor,
                                                     "power-profile-monitor", power,
                                                     NULL);

  /* Tests sync explicitly unless they test background syncs, and do not
   * depend on the power mode of the machine they run on. */
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

/* A power profile monitor */

struct _TestPowerMonitor
{
  GObject parent_instance;
  gboolean saver;
};

static void test_power_monitor_iface_init (GPowerProfileMonitorInterface *iface);
static void test_power_monitor_initable_iface_init (GInitableIface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (TestPowerMonitor, test_power_monitor, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_INITABLE,
                                                      test_power_monitor_initable_iface_init)
                               G_IMPLEMENT_INTERFACE (G_TYPE_POWER_PROFILE_MONITOR,
                                                      test_power_monitor_iface_init))

enum {
  PROP_0,
  PROP_POWER_SAVER_ENABLED,
};

static void
test_power_monitor_iface_init (GPowerProfileMonitorInterface *iface)
{
}

static gboolean
test_power_monitor_initable_init (GInitable     *initable,
                                  GCancellable  *cancellable,
                                  GError       **error)
{
  return TRUE;
}

static void
test_power_monitor_initable_iface_init (GInitableIface *iface)
{
  iface->init = test_power_monitor_initable_init;
}

static void
test_power_monitor_get_property (GObject    *object,
                                 guint       prop_id,
                                 GValue     *value,
                                 GParamSpec *pspec)
{
  switch (prop_id)
    {
    case PROP_POWER_SAVER_ENABLED:
      g_value_set_boolean (value, TEST_POWER_MONITOR (object)->saver);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
test_power_monitor_class_init (TestPowerMonitorClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->get_property = test_power_monitor_get_property;
  g_object_class_override_property (object_class, PROP_POWER_SAVER_ENABLED, "power-saver-enabled");
}

static void
test_power_monitor_init (TestPowerMonitor *self)
{
}

TestPowerMonitor *
test_power_monitor_new (void)
{
  return g_object_new (TEST_TYPE_POWER_MONITOR, NULL);
}

void
test_power_monitor_set_saver (TestPowerMonitor *self,
                              gboolean          enabled)
{
  if (self->saver == enabled)
    return;
  self->saver = enabled;
  g_object_notify (G_OBJECT (self), "power-saver-enabled");
}

gboolean
test_wait_queue_empty (JustSyncOrchestrator *orchestrator,
                       guint                 timeout_ms)
{
  for (guint waited = 0; waited < timeout_ms; waited += 50)
    {
      if (just_sync_orchestrator_get_pending_count (orchestrator) == 0 &&
          just_sync_orchestrator_get_failed_count (orchestrator) == 0 &&
          just_sync_orchestrator_get_state (orchestrator) == JUST_SYNC_STATE_IDLE)
        return TRUE;
      just_sync_test_sleep (50);
    }
  return FALSE;
}
