/* test-support.c: helpers for the orchestrator tests and the backend sync tests
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

JustSyncSyncResult *
test_client_sync_ok (TestClient    *client,
                     JustSyncScope *scope)
{
  return test_sync_ok (client->orchestrator, scope);
}

void
test_client_assert_title (TestClient    *client,
                          JustSyncScope *scope,
                          const char    *id,
                          const char    *title)
{
  g_autoptr(JustSyncRecord) record = just_sync_test_local_get (client->local, scope, id);

  g_assert_nonnull (record);
  g_assert_false (just_sync_record_is_deleted (record));
  g_assert_cmpstr (just_sync_test_payload_string (record, "title"), ==, title);
}

guint
test_count (GPtrArray *array)
{
  guint n = array->len;

  g_ptr_array_unref (array);
  return n;
}

/* Two clients of one server */

void
test_two_clients_clear (TestTwoClients *clients)
{
  test_client_clear (&clients->a);
  test_client_clear (&clients->b);
  g_clear_pointer (&clients->scope, just_sync_scope_unref);
  g_clear_pointer (&clients->proxy, http_test_proxy_free);
}

void
test_two_clients_teardown (TestTwoClients *clients,
                           gconstpointer   data)
{
  test_two_clients_clear (clients);
}

void
test_two_clients_assert_converged (TestTwoClients *clients,
                                   guint           n_live)
{
  g_autoptr(GPtrArray) a = just_sync_test_local_query (clients->a.local, clients->scope);
  g_autoptr(GPtrArray) b = just_sync_test_local_query (clients->b.local, clients->scope);

  g_assert_cmpuint (a->len, ==, n_live);
  g_assert_cmpuint (b->len, ==, n_live);
  for (guint i = 0; i < a->len; i++)
    {
      JustSyncRecord *mine = g_ptr_array_index (a, i);
      JustSyncRecord *theirs = just_sync_test_find_record (b, just_sync_record_get_id (mine));

      g_assert_nonnull (theirs);
      g_assert_cmpstr (just_sync_record_get_content_hash (mine), ==, just_sync_record_get_content_hash (theirs));
    }
  g_assert_cmpuint (test_count (just_sync_test_local_list_ops (clients->a.local, clients->scope)), ==, 0);
  g_assert_cmpuint (test_count (just_sync_test_local_list_ops (clients->b.local, clients->scope)), ==, 0);
}

/* Client a creates three records, b reads them, edits one and deletes
 * another (its sync pushes between @min_b_pushed and @max_b_pushed ops),
 * and both converge without conflicts. Returns the first record. */
JustSyncRecord *
test_two_clients_crud (TestTwoClients *clients,
                       guint           min_b_pushed,
                       guint           max_b_pushed)
{
  JustSyncRecord *r1 = test_create (clients->a.orchestrator, clients->scope, NULL, "{\"title\":\"one\",\"n\":1}");
  g_autoptr(JustSyncRecord) r2 = test_create (clients->a.orchestrator, clients->scope, NULL, "{\"title\":\"two\"}");
  g_autoptr(JustSyncRecord) r3 = test_create (clients->a.orchestrator, clients->scope, NULL, "{\"title\":\"three\",\"done\":true}");
  g_autoptr(JustSyncRecord) r1b = NULL;
  g_autoptr(JustSyncRecord) gone = NULL;
  g_autoptr(JustSyncSyncResult) pushed = NULL, pulled = NULL, echo = NULL, b_push = NULL, a_pull = NULL;

  pushed = test_client_sync_ok (&clients->a, clients->scope);
  g_assert_cmpuint (just_sync_sync_result_get_pushed (pushed), ==, 3);
  pulled = test_client_sync_ok (&clients->b, clients->scope);
  g_assert_cmpuint (just_sync_sync_result_get_pulled (pulled), ==, 3);
  test_client_assert_title (&clients->b, clients->scope, just_sync_record_get_id (r3), "three");

  /* A's own writes come back as echoes: nothing to apply, no conflict. */
  echo = test_client_sync_ok (&clients->a, clients->scope);
  g_assert_cmpuint (just_sync_sync_result_get_pulled (echo), ==, 0);
  g_assert_cmpuint (just_sync_sync_result_get_conflicts (echo)->len, ==, 0);

  r1b = test_update (clients->b.orchestrator, clients->scope, just_sync_record_get_id (r1),
                     "{\"title\":\"one, edited\",\"n\":2}");
  test_delete (clients->b.orchestrator, clients->scope, just_sync_record_get_id (r2));
  b_push = test_client_sync_ok (&clients->b, clients->scope);
  g_assert_cmpuint (just_sync_sync_result_get_pushed (b_push), >=, min_b_pushed);
  g_assert_cmpuint (just_sync_sync_result_get_pushed (b_push), <=, max_b_pushed);

  a_pull = test_client_sync_ok (&clients->a, clients->scope);
  test_client_assert_title (&clients->a, clients->scope, just_sync_record_get_id (r1), "one, edited");
  gone = just_sync_test_local_get (clients->a.local, clients->scope, just_sync_record_get_id (r2));
  g_assert_true (gone == NULL || just_sync_record_is_deleted (gone));

  test_two_clients_assert_converged (clients, 2);
  g_assert_cmpuint (test_count (just_sync_test_local_list_conflicts (clients->a.local, clients->scope)), ==, 0);
  g_assert_cmpuint (test_count (just_sync_test_local_list_conflicts (clients->b.local, clients->scope)), ==, 0);
  return r1;
}

/* Last write wins, whichever client syncs first: edits
 * @clock_resolution_ms apart (the server's clock tells no less). */
void
test_two_clients_conflict_lww (TestTwoClients *clients,
                               guint           clock_resolution_ms)
{
  g_autoptr(JustSyncRecord) r1 = test_create (clients->a.orchestrator, clients->scope, NULL, "{\"title\":\"base 1\"}");
  g_autoptr(JustSyncRecord) r2 = test_create (clients->a.orchestrator, clients->scope, NULL, "{\"title\":\"base 2\"}");
  g_autoptr(JustSyncSyncResult) s1 = test_client_sync_ok (&clients->a, clients->scope);
  g_autoptr(JustSyncSyncResult) s2 = test_client_sync_ok (&clients->b, clients->scope);
  g_autoptr(JustSyncSyncResult) s3 = NULL, s4 = NULL, s5 = NULL, s6 = NULL;
  g_autoptr(JustSyncRecord) e1 = NULL, e2 = NULL, e3 = NULL, e4 = NULL;
  const char *id1 = just_sync_record_get_id (r1), *id2 = just_sync_record_get_id (r2);

  e2 = test_update (clients->b.orchestrator, clients->scope, id2, "{\"title\":\"2 by B, earlier\"}");
  just_sync_test_sleep (clock_resolution_ms);
  e1 = test_update (clients->a.orchestrator, clients->scope, id1, "{\"title\":\"1 by A, earlier\"}");
  e3 = test_update (clients->a.orchestrator, clients->scope, id2, "{\"title\":\"2 by A, later\"}");
  s3 = test_client_sync_ok (&clients->a, clients->scope);
  just_sync_test_sleep (clock_resolution_ms);
  e4 = test_update (clients->b.orchestrator, clients->scope, id1, "{\"title\":\"1 by B, later\"}");

  /* B pulls A's versions of both: two real conflicts. */
  s4 = test_client_sync_ok (&clients->b, clients->scope);
  g_assert_cmpuint (just_sync_sync_result_get_conflicts (s4)->len, ==, 2);
  s5 = test_client_sync_ok (&clients->a, clients->scope);
  s6 = test_client_sync_ok (&clients->b, clients->scope);

  test_client_assert_title (&clients->a, clients->scope, id1, "1 by B, later");
  test_client_assert_title (&clients->b, clients->scope, id1, "1 by B, later");
  test_client_assert_title (&clients->a, clients->scope, id2, "2 by A, later");
  test_client_assert_title (&clients->b, clients->scope, id2, "2 by A, later");
  test_two_clients_assert_converged (clients, 2);
}

/* Two users syncing the same tag: alice creates three records in
 * @alice_scope, bob two in @bob_scope; each sees only their own, even when
 * asking for the other's scope. */
void
test_two_users_isolated (TestClient    *alice,
                         TestClient    *bob,
                         JustSyncScope *alice_scope,
                         JustSyncScope *bob_scope)
{
  g_autoptr(JustSyncSyncResult) a1 = NULL, b1 = NULL, peek = NULL, b2 = NULL;
  g_autoptr(GPtrArray) bob_rows = NULL, peeked = NULL;

  for (guint i = 0; i < 3; i++)
    {
      g_autoptr(JustSyncRecord) r = test_create (alice->orchestrator, alice_scope, NULL, "{\"title\":\"alice\"}");
    }
  for (guint i = 0; i < 2; i++)
    {
      g_autoptr(JustSyncRecord) r = test_create (bob->orchestrator, bob_scope, NULL, "{\"title\":\"bob\"}");
    }
  a1 = test_client_sync_ok (alice, alice_scope);
  b1 = test_client_sync_ok (bob, bob_scope);
  g_assert_cmpuint (just_sync_sync_result_get_pushed (a1), ==, 3);
  g_assert_cmpuint (just_sync_sync_result_get_pushed (b1), ==, 2);

  peek = test_client_sync_ok (bob, alice_scope);
  g_assert_cmpuint (just_sync_sync_result_get_pulled (peek), ==, 0);
  peeked = just_sync_test_local_query (bob->local, alice_scope);
  g_assert_cmpuint (peeked->len, ==, 0);

  b2 = test_client_sync_ok (bob, bob_scope);
  bob_rows = just_sync_test_local_query (bob->local, bob_scope);
  g_assert_cmpuint (bob_rows->len, ==, 2);
  for (guint i = 0; i < bob_rows->len; i++)
    g_assert_cmpstr (just_sync_test_payload_string (g_ptr_array_index (bob_rows, i), "title"), ==, "bob");
}

/* The server wrote but the reply was lost: the next sync finds the
 * records, nothing is written twice, and no conflict is made up. */
void
test_two_clients_lost_reply (TestTwoClients *clients,
                             const char     *path,
                             guint           skip)
{
  g_autoptr(JustSyncSyncResult) failed = NULL, retried = NULL, pulled = NULL;
  g_autoptr(GError) error = NULL;

  for (guint i = 0; i < 10; i++)
    {
      g_autoptr(JustSyncRecord) record = test_create (clients->a.orchestrator, clients->scope, NULL,
                                                      "{\"title\":\"written once\"}");
    }

  /* The first @skip requests to @path pass (the pull of one empty page,
   * say); the reply of the next, the write, is lost. */
  http_test_proxy_set_fault (clients->proxy, HTTP_TEST_FAULT_LOSE_REPLY, 1, path, 0, NULL, 0);
  http_test_proxy_skip (clients->proxy, skip);
  failed = test_sync (clients->a.orchestrator, clients->scope, &error);
  g_assert_error (error, JUST_SYNC_ERROR, JUST_SYNC_ERROR_NETWORK);
  g_assert_cmpuint (test_count (just_sync_test_local_list_ops (clients->a.local, clients->scope)), ==, 10);

  retried = test_client_sync_ok (&clients->a, clients->scope);
  g_assert_cmpuint (test_count (just_sync_test_local_list_conflicts (clients->a.local, clients->scope)), ==, 0);
  pulled = test_client_sync_ok (&clients->b, clients->scope);
  g_assert_cmpuint (just_sync_sync_result_get_pulled (pulled), ==, 10);
  test_two_clients_assert_converged (clients, 10);
}

/* Failures on the way to @path keep every change queued until a sync
 * gets through. */
void
test_two_clients_transient_failures (TestTwoClients *clients,
                                     const char     *path)
{
  static const HttpTestFault faults[] = {
    HTTP_TEST_FAULT_DROP, HTTP_TEST_FAULT_TRUNCATE, HTTP_TEST_FAULT_STATUS,
  };
  g_autoptr(JustSyncRecord) record = test_create (clients->a.orchestrator, clients->scope, NULL,
                                                  "{\"title\":\"patient\"}");
  g_autoptr(JustSyncSyncResult) done = NULL, pulled = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (faults); i++)
    {
      g_autoptr(JustSyncSyncResult) result = NULL;
      g_autoptr(GError) error = NULL;

      http_test_proxy_set_fault (clients->proxy, faults[i], 1, path, 503, "1", 0);
      result = test_sync (clients->a.orchestrator, clients->scope, &error);
      g_assert_null (result);
      g_assert_true (just_sync_error_is_transient (error));
      g_assert_cmpuint (test_count (just_sync_test_local_list_ops (clients->a.local, clients->scope)), ==, 1);
    }

  done = test_client_sync_ok (&clients->a, clients->scope);
  g_assert_cmpuint (just_sync_sync_result_get_pushed (done), ==, 1);
  pulled = test_client_sync_ok (&clients->b, clients->scope);
  test_client_assert_title (&clients->b, clients->scope, just_sync_record_get_id (record), "patient");
  test_two_clients_assert_converged (clients, 1);
}

/* Client a creates @n records and pushes them in one sync; returns how
 * long the sync took, in microseconds. */
gint64
test_two_clients_push_many (TestTwoClients *clients,
                            guint           n)
{
  g_autoptr(JustSyncSyncResult) pushed = NULL;
  gint64 start;

  for (guint i = 0; i < n; i++)
    {
      g_autofree char *json = g_strdup_printf ("{\"title\":\"row %u\",\"n\":%u}", i, i);
      g_autoptr(JustSyncRecord) record = test_create (clients->a.orchestrator, clients->scope, NULL, json);
    }

  start = g_get_monotonic_time ();
  pushed = test_client_sync_ok (&clients->a, clients->scope);
  g_assert_cmpuint (just_sync_sync_result_get_pushed (pushed), ==, n);
  return g_get_monotonic_time () - start;
}

/* Client b pulls the @n records in one sync; returns how long it took. */
gint64
test_two_clients_pull_all (TestTwoClients *clients,
                           guint           n)
{
  g_autoptr(JustSyncSyncResult) pulled = NULL;
  gint64 start = g_get_monotonic_time ();

  pulled = test_client_sync_ok (&clients->b, clients->scope);
  g_assert_cmpuint (just_sync_sync_result_get_pulled (pulled), ==, n);
  return g_get_monotonic_time () - start;
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
