/* test-scheduler.c: when the engine syncs in the background
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Every background trigger obeys the backoff and the server's pause;
 * the network's return and a resume from suspend start a sync; a metered
 * network or power-saver mode defers background syncs, never explicit ones.
 * The queue never stalls: every state that leaves a change unacknowledged
 * has a trigger that retries it (the backoff, the network's return, a
 * resume, new credentials, a new local write), each driven here.
 */

#include <signal.h>
#include <sys/prctl.h>

#include "justsync-orchestrator-private.h"
#include "justsync-remote-store-private.h"
#include "test-support.h"

#define MS (G_GINT64_CONSTANT (1000))
#define SEC (G_GINT64_CONSTANT (1000000))

typedef struct
{
  JustSyncMemoryRemoteStore *remote;
  JustSyncScope *scope;
  TestNetworkMonitor *monitor;
  TestPowerMonitor *power;
  JustSyncOrchestrator *engine;
  guint started;
} Fixture;

static void
count_cb (guint *count)
{
  (*count)++;
}

static void
fixture_setup (Fixture       *fixture,
               gconstpointer  data)
{
  g_autoptr(JustSyncLocalStore) local = JUST_SYNC_LOCAL_STORE (just_sync_memory_local_store_new ());

  fixture->remote = just_sync_test_remote_new ();
  just_sync_test_remote_set_needs_network (fixture->remote, TRUE);
  fixture->scope = just_sync_test_scope ("records", "owner", "u1", NULL);
  fixture->monitor = test_network_monitor_new (TRUE);
  fixture->power = test_power_monitor_new ();
  fixture->engine = g_object_new (JUST_SYNC_TYPE_ORCHESTRATOR,
                                  "local-store", local,
                                  "remote-store", fixture->remote,
                                  "network-monitor", fixture->monitor,
                                  "power-profile-monitor", fixture->power,
                                  "debounce-interval", 10 * MS,
                                  NULL);
  g_signal_connect_swapped (fixture->engine, "sync-started", G_CALLBACK (count_cb), &fixture->started);
}

/* Waits until no sync runs, so that none outlives the test. */
static void
wait_not_syncing (JustSyncOrchestrator *engine)
{
  for (guint i = 0; i < 2000 && just_sync_orchestrator_get_state (engine) == JUST_SYNC_STATE_SYNCING; i++)
    just_sync_test_sleep (5);
  g_assert_cmpint (just_sync_orchestrator_get_state (engine), !=, JUST_SYNC_STATE_SYNCING);
}

static void
fixture_teardown (Fixture       *fixture,
                  gconstpointer  data)
{
  wait_not_syncing (fixture->engine);
  g_clear_object (&fixture->engine);
  g_clear_object (&fixture->power);
  g_clear_object (&fixture->monitor);
  g_clear_pointer (&fixture->scope, just_sync_scope_unref);
  g_clear_object (&fixture->remote);
}

static void
create_record (Fixture    *fixture,
               const char *id)
{
  just_sync_record_unref (test_create (fixture->engine, fixture->scope, id, "{\"title\": \"x\"}"));
}

static gboolean
on_server (Fixture    *fixture,
           const char *id)
{
  g_autoptr(JustSyncRecord) record = just_sync_memory_remote_store_server_get (fixture->remote,
                                                                               fixture->scope, id);
  return record != NULL;
}

/* Runs the main context until @id is on the server, or @timeout_ms. */
static gboolean
wait_on_server (Fixture    *fixture,
                const char *id,
                guint       timeout_ms)
{
  for (guint waited = 0; waited < timeout_ms; waited += 10)
    {
      if (on_server (fixture, id))
        return TRUE;
      just_sync_test_sleep (10);
    }
  return on_server (fixture, id);
}

/* A failing server and a write every 100 ms: the writes wait for the
 * retry backoff instead of each starting a sync. */
static void
test_writes_obey_backoff (Fixture       *fixture,
                          gconstpointer  data)
{
  guint calls;

  g_object_set (fixture->engine, "retry-base-delay", 5 * SEC, NULL);
  just_sync_test_remote_fail_calls (fixture->remote, 1000, JUST_SYNC_ERROR_SERVER, FALSE);
  calls = just_sync_test_remote_get_call_count (fixture->remote);

  for (guint i = 0; i < 30; i++)
    {
      g_autofree char *id = g_strdup_printf ("r%u", i);

      create_record (fixture, id);
      just_sync_test_sleep (100);
    }

  /* The first write's sync, and no other: the backoff is 5 s ± 25 %. */
  g_assert_cmpuint (fixture->started, ==, 1);
  g_assert_cmpuint (just_sync_test_remote_get_call_count (fixture->remote) - calls, <=, 1);
  just_sync_test_remote_fail_calls (fixture->remote, 0, JUST_SYNC_ERROR_SERVER, FALSE);
}

/* The pause a server asked for (Retry-After) holds background syncs back
 * until it ends. */
static void
test_retry_after (Fixture       *fixture,
                  gconstpointer  data)
{
  gint64 asked = g_get_monotonic_time ();

  _just_sync_remote_store_note_retry_after (JUST_SYNC_REMOTE_STORE (fixture->remote), SEC);
  create_record (fixture, "r1");
  just_sync_test_sleep (600);
  g_assert_cmpuint (fixture->started, ==, 0);
  g_assert_false (on_server (fixture, "r1"));

  g_assert_true (wait_on_server (fixture, "r1", 5000));
  g_assert_cmpint (g_get_monotonic_time () - asked, >=, SEC);
  g_assert_cmpuint (fixture->started, ==, 1);
}

/* The network comes back: the engine syncs at once, even when it was
 * backing off from failures that the outage caused. */
static void
test_network_return (Fixture       *fixture,
                     gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JustSyncSyncResult) result = NULL;

  g_object_set (fixture->engine, "retry-base-delay", 10 * G_TIME_SPAN_MINUTE, NULL);
  create_record (fixture, "r1");
  just_sync_test_remote_fail_calls (fixture->remote, 1, JUST_SYNC_ERROR_NETWORK, FALSE);
  result = test_sync (fixture->engine, fixture->scope, &error);
  g_assert_error (error, JUST_SYNC_ERROR, JUST_SYNC_ERROR_NETWORK);
  test_network_monitor_set_available (fixture->monitor, FALSE);
  just_sync_test_sleep (50);
  g_assert_false (on_server (fixture, "r1"));

  test_network_monitor_set_available (fixture->monitor, TRUE);
  g_assert_true (wait_on_server (fixture, "r1", 5000));
}

/* A private bus, for a logind of our own */

static void
die_with_parent (gpointer user_data)
{
  prctl (PR_SET_PDEATHSIG, SIGTERM);
}

static GSubprocess *
start_bus (char **address)
{
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GDataInputStream) output = NULL;
  g_autoptr(GError) error = NULL;
  GSubprocess *bus;

  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_SILENCE);
  g_subprocess_launcher_set_child_setup (launcher, die_with_parent, NULL, NULL);
  bus = g_subprocess_launcher_spawn (launcher, &error, "dbus-daemon", "--session", "--nofork",
                                     "--print-address=1", NULL);
  g_assert_no_error (error);
  output = g_data_input_stream_new (g_subprocess_get_stdout_pipe (bus));
  *address = g_data_input_stream_read_line (output, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (*address);
  return bus;
}

static GDBusConnection *
connect_bus (const char *address)
{
  g_autoptr(GError) error = NULL;
  GDBusConnection *connection;

  connection = g_dbus_connection_new_for_address_sync (address,
                                                       G_DBUS_CONNECTION_FLAGS_AUTHENTICATION_CLIENT |
                                                       G_DBUS_CONNECTION_FLAGS_MESSAGE_BUS_CONNECTION,
                                                       NULL, NULL, &error);
  g_assert_no_error (error);
  g_dbus_connection_set_exit_on_close (connection, FALSE);
  return connection;
}

static void
emit_prepare_for_sleep (GDBusConnection *logind,
                        gboolean         going_to_sleep)
{
  g_autoptr(GError) error = NULL;

  g_dbus_connection_emit_signal (logind, NULL, "/org/freedesktop/login1",
                                 "org.freedesktop.login1.Manager", "PrepareForSleep",
                                 g_variant_new ("(b)", going_to_sleep), &error);
  g_assert_no_error (error);
  g_dbus_connection_flush_sync (logind, NULL, &error);
  g_assert_no_error (error);
}

/* logind says the system resumed: the engine syncs, backoff or not, and
 * only then. */
static void
test_resume (Fixture       *fixture,
             gconstpointer  data)
{
  g_autoptr(GSubprocess) bus = NULL;
  g_autoptr(GDBusConnection) engine_side = NULL;
  g_autoptr(GDBusConnection) logind = NULL;
  g_autoptr(GVariant) reply = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *address = NULL;

  g_object_set (fixture->engine, "retry-base-delay", 10 * G_TIME_SPAN_MINUTE, NULL);
  bus = start_bus (&address);
  engine_side = connect_bus (address);
  logind = connect_bus (address);
  reply = g_dbus_connection_call_sync (logind, "org.freedesktop.DBus", "/org/freedesktop/DBus",
                                       "org.freedesktop.DBus", "RequestName",
                                       g_variant_new ("(su)", "org.freedesktop.login1", 0),
                                       G_VARIANT_TYPE ("(u)"), G_DBUS_CALL_FLAGS_NONE, -1, NULL, &error);
  g_assert_no_error (error);
  _just_sync_orchestrator_set_system_bus (fixture->engine, engine_side);

  /* A write while the server fails: the retry is ten minutes away. */
  just_sync_test_remote_fail_calls (fixture->remote, 1, JUST_SYNC_ERROR_SERVER, FALSE);
  create_record (fixture, "r1");
  g_assert_true (just_sync_test_wait_count (&fixture->started, 1, 5000));
  wait_not_syncing (fixture->engine);

  emit_prepare_for_sleep (logind, TRUE);
  just_sync_test_sleep (200);
  g_assert_cmpuint (fixture->started, ==, 1);

  emit_prepare_for_sleep (logind, FALSE);
  g_assert_true (wait_on_server (fixture, "r1", 5000));
  g_assert_cmpuint (fixture->started, ==, 2);

  _just_sync_orchestrator_set_system_bus (fixture->engine, NULL);
  g_subprocess_force_exit (bus);
}

/* The queue never stalls: every state that leaves a change unacknowledged
 * has a trigger that retries it, with no explicit sync. */

/* A write whose background sync fails with @code (before anything is
 * pushed) and ends. */
static void
write_and_fail (Fixture       *fixture,
                const char    *id,
                JustSyncError  code)
{
  just_sync_test_remote_fail_calls (fixture->remote, 1, code, FALSE);
  create_record (fixture, id);
  g_assert_true (just_sync_test_wait_count (&fixture->started, 1, 5000));
  wait_not_syncing (fixture->engine);
  g_assert_cmpint (just_sync_orchestrator_get_state (fixture->engine), ==, JUST_SYNC_STATE_ERROR);
}

/* The backoff retries a sync that failed, transiently (the server) or
 * not (any other error but an authentication or protocol error). */
static void
test_never_stalls_backoff (Fixture       *fixture,
                           gconstpointer  data)
{
  JustSyncError code = GPOINTER_TO_INT (data);

  g_object_set (fixture->engine, "retry-base-delay", 50 * MS, NULL);
  write_and_fail (fixture, "r1", code);
  g_assert_true (wait_on_server (fixture, "r1", 5000));
  g_assert_cmpuint (fixture->started, ==, 2);
}

/* A change the server did not acknowledge (it answered "try again") is
 * sent again after the backoff. */
static void
test_never_stalls_unacknowledged (Fixture       *fixture,
                                  gconstpointer  data)
{
  g_object_set (fixture->engine, "retry-base-delay", 300 * MS, NULL);
  just_sync_test_remote_refuse_id (fixture->remote, "r1", JUST_SYNC_PUSH_RETRY, "busy");
  create_record (fixture, "r1");
  g_assert_true (just_sync_test_wait_count (&fixture->started, 1, 5000));
  wait_not_syncing (fixture->engine);
  g_assert_cmpint (just_sync_orchestrator_get_state (fixture->engine), ==, JUST_SYNC_STATE_ERROR);
  g_assert_false (on_server (fixture, "r1"));

  just_sync_test_remote_refuse_id (fixture->remote, "r1", JUST_SYNC_PUSH_WRITTEN, NULL);
  g_assert_true (wait_on_server (fixture, "r1", 5000));
  wait_not_syncing (fixture->engine);
  g_assert_cmpuint (just_sync_orchestrator_get_pending_count (fixture->engine), ==, 0);
  g_assert_cmpint (just_sync_orchestrator_get_state (fixture->engine), ==, JUST_SYNC_STATE_IDLE);
}

/* An authentication error is not retried by the backoff (the same
 * credentials would fail again), but new credentials retry it. */
static void
test_never_stalls_credentials (Fixture       *fixture,
                               gconstpointer  data)
{
  g_object_set (fixture->engine, "retry-base-delay", 20 * MS, NULL);
  write_and_fail (fixture, "r1", JUST_SYNC_ERROR_AUTH);
  just_sync_test_sleep (300);
  g_assert_cmpuint (fixture->started, ==, 1);
  g_assert_false (on_server (fixture, "r1"));
  g_assert_cmpuint (just_sync_orchestrator_get_pending_count (fixture->engine), ==, 1);

  just_sync_remote_store_emit_credentials_changed (JUST_SYNC_REMOTE_STORE (fixture->remote));
  g_assert_true (wait_on_server (fixture, "r1", 5000));
  g_assert_cmpuint (fixture->started, ==, 2);
}

/* A scope that stopped retrying (a protocol or authentication error)
 * syncs again with the next local write, and the stuck change goes out
 * with it. */
static void
test_never_stalls_write (Fixture       *fixture,
                         gconstpointer  data)
{
  JustSyncError code = GPOINTER_TO_INT (data);

  g_object_set (fixture->engine, "retry-base-delay", 20 * MS, NULL);
  write_and_fail (fixture, "r1", code);
  just_sync_test_sleep (300);
  g_assert_cmpuint (fixture->started, ==, 1);
  g_assert_false (on_server (fixture, "r1"));

  create_record (fixture, "r2");
  g_assert_true (wait_on_server (fixture, "r1", 5000));
  g_assert_true (wait_on_server (fixture, "r2", 5000));
}

typedef void (*SetConstraint) (Fixture  *fixture,
                               gboolean  on);

static void
set_metered (Fixture  *fixture,
             gboolean  on)
{
  test_network_monitor_set_metered (fixture->monitor, on);
}

static void
set_power_saver (Fixture  *fixture,
                 gboolean  on)
{
  test_power_monitor_set_saver (fixture->power, on);
}

/* A metered network or power-saver mode (the test data says which)
 * defers background syncs until it ends, unless the app allows them;
 * an explicit sync runs anyway. */
static void
test_constrained (Fixture       *fixture,
                  gconstpointer  data)
{
  SetConstraint set_constraint = (SetConstraint) data;
  g_autoptr(JustSyncSyncResult) result = NULL;

  set_constraint (fixture, TRUE);
  create_record (fixture, "r1");
  just_sync_test_sleep (300);
  g_assert_cmpuint (fixture->started, ==, 0);

  result = test_sync_ok (fixture->engine, fixture->scope);
  g_assert_cmpuint (just_sync_sync_result_get_pushed (result), ==, 1);

  create_record (fixture, "r2");
  just_sync_test_sleep (300);
  g_assert_false (on_server (fixture, "r2"));
  set_constraint (fixture, FALSE);
  g_assert_true (wait_on_server (fixture, "r2", 5000));

  set_constraint (fixture, TRUE);
  g_object_set (fixture->engine, "background-when-constrained", TRUE, NULL);
  create_record (fixture, "r3");
  g_assert_true (wait_on_server (fixture, "r3", 5000));
}

/* Deferred syncs start when the app allows background syncs anyway. */
static void
test_constrained_allowed_later (Fixture       *fixture,
                                gconstpointer  data)
{
  set_metered (fixture, TRUE);
  create_record (fixture, "r1");
  just_sync_test_sleep (300);
  g_assert_false (on_server (fixture, "r1"));
  g_object_set (fixture->engine, "background-when-constrained", TRUE, NULL);
  g_assert_true (wait_on_server (fixture, "r1", 5000));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

#define ADD(name, data, func) \
  g_test_add (name, Fixture, data, fixture_setup, func, fixture_teardown)

  ADD ("/scheduler/writes-obey-backoff", NULL, test_writes_obey_backoff);
  ADD ("/scheduler/retry-after", NULL, test_retry_after);
  ADD ("/scheduler/network-return", NULL, test_network_return);
  ADD ("/scheduler/resume", NULL, test_resume);
  ADD ("/scheduler/metered", set_metered, test_constrained);
  ADD ("/scheduler/power-saver", set_power_saver, test_constrained);
  ADD ("/scheduler/constrained-allowed-later", NULL, test_constrained_allowed_later);
  ADD ("/scheduler/never-stalls/backoff/server-error", GINT_TO_POINTER (JUST_SYNC_ERROR_SERVER),
       test_never_stalls_backoff);
  ADD ("/scheduler/never-stalls/backoff/other-error", GINT_TO_POINTER (JUST_SYNC_ERROR_REJECTED),
       test_never_stalls_backoff);
  ADD ("/scheduler/never-stalls/backoff/unacknowledged", NULL, test_never_stalls_unacknowledged);
  ADD ("/scheduler/never-stalls/credentials", NULL, test_never_stalls_credentials);
  ADD ("/scheduler/never-stalls/write/protocol-error", GINT_TO_POINTER (JUST_SYNC_ERROR_PROTOCOL),
       test_never_stalls_write);
  ADD ("/scheduler/never-stalls/write/auth-error", GINT_TO_POINTER (JUST_SYNC_ERROR_AUTH),
       test_never_stalls_write);

  return g_test_run ();
}
