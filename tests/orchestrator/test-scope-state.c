/* test-scope-state.c: what the engine keeps per scope, and paged reads
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Reading scope after scope must not grow the engine without end: it
 * keeps a state for watched scopes, scopes with something to do, and a
 * bounded number of recently used ones. A watched scope is followed
 * until it is unwatched. A page of a large scope is read alone.
 */

#include "justsync-orchestrator-private.h"
#include "test-support.h"

#define MS (G_GINT64_CONSTANT (1000))

/* The scopes of idle unwatched states the engine keeps at most. */
#define MAX_IDLE_SCOPES 256

typedef struct
{
  JustSyncMemoryRemoteStore *remote;
  JustSyncLocalStore *local;
  TestNetworkMonitor *monitor;
  JustSyncOrchestrator *engine;
} Fixture;

static void
fixture_setup (Fixture       *fixture,
               gconstpointer  data)
{
  fixture->remote = just_sync_test_remote_new ();
  just_sync_test_remote_set_needs_network (fixture->remote, TRUE);
  fixture->local = data != NULL ? test_new_sqlite_store ()
                                : JUST_SYNC_LOCAL_STORE (just_sync_memory_local_store_new ());
  fixture->monitor = test_network_monitor_new (TRUE);
  fixture->engine = test_orchestrator_new (fixture->local, JUST_SYNC_REMOTE_STORE (fixture->remote),
                                           fixture->monitor);
}

static void
fixture_teardown (Fixture       *fixture,
                  gconstpointer  data)
{
  for (guint i = 0; i < 2000 && just_sync_orchestrator_get_state (fixture->engine) == JUST_SYNC_STATE_SYNCING; i++)
    just_sync_test_sleep (5);
  g_clear_object (&fixture->engine);
  g_clear_object (&fixture->monitor);
  g_clear_object (&fixture->local);
  g_clear_object (&fixture->remote);
}

static JustSyncScope *
numbered_scope (guint i)
{
  g_autofree char *value = g_strdup_printf ("u%u", i);

  return just_sync_test_scope ("records", "owner", value, NULL);
}

static GPtrArray *
read_page (JustSyncOrchestrator *engine,
           JustSyncScope        *scope,
           JustSyncReadPolicy    policy,
           guint                 offset,
           guint                 limit,
           guint                *out_total)
{
  GAsyncResult *slot = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  GPtrArray *records;

  just_sync_orchestrator_read_page_async (engine, scope, policy, offset, limit, NULL,
                                          just_sync_test_result_cb, &slot);
  result = just_sync_test_await (&slot);
  records = just_sync_orchestrator_read_page_finish (engine, result, out_total, NULL, &error);
  g_assert_no_error (error);
  return records;
}

static void
read_offline (Fixture       *fixture,
              JustSyncScope *scope)
{
  g_autoptr(GPtrArray) records = read_page (fixture->engine, scope, JUST_SYNC_READ_OFFLINE_ONLY, 0, 0, NULL);

  g_assert_nonnull (records);
}

static void
server_put (Fixture       *fixture,
            JustSyncScope *scope,
            const char    *id)
{
  g_autoptr(JsonObject) payload = just_sync_test_payload ("{\"title\": \"server\"}");

  just_sync_record_unref (just_sync_memory_remote_store_server_upsert (fixture->remote, scope, id, payload, 0));
}

static gboolean
wait_local (Fixture       *fixture,
            JustSyncScope *scope,
            const char    *id,
            guint          timeout_ms)
{
  for (guint waited = 0; waited <= timeout_ms; waited += 10)
    {
      g_autoptr(JustSyncRecord) record = just_sync_test_local_get (fixture->local, scope, id);

      if (record != NULL)
        return TRUE;
      just_sync_test_sleep (10);
    }
  return FALSE;
}

/* Three times as many read-only scopes as it keeps leave a bounded
 * number of states; a watched scope keeps its own among them, and is
 * still followed. */
static void
test_idle_scopes_dropped (Fixture       *fixture,
                          gconstpointer  data)
{
  g_autoptr(JustSyncScope) watched = numbered_scope (G_MAXUINT);

  just_sync_orchestrator_watch_scope (fixture->engine, watched);
  for (guint i = 0; i < 3 * MAX_IDLE_SCOPES; i++)
    {
      g_autoptr(JustSyncScope) scope = numbered_scope (i);

      read_offline (fixture, scope);
    }
  g_assert_cmpuint (_just_sync_orchestrator_get_n_scopes (fixture->engine), <=, MAX_IDLE_SCOPES + 1);
  g_assert_cmpuint (_just_sync_orchestrator_get_n_scopes (fixture->engine), >=, MAX_IDLE_SCOPES / 2);

  g_object_set (fixture->engine, "sync-interval", 20 * MS, NULL);
  server_put (fixture, watched, "r1");
  g_assert_true (wait_local (fixture, watched, "r1", 5000));
}

/* A write made offline keeps its scope, however many scopes are read
 * after it: the network's return pushes it. */
static void
test_offline_write_kept (Fixture       *fixture,
                         gconstpointer  data)
{
  g_autoptr(JustSyncScope) written = numbered_scope (G_MAXUINT);

  g_object_set (fixture->engine, "debounce-interval", 10 * MS, NULL);
  test_network_monitor_set_available (fixture->monitor, FALSE);
  just_sync_record_unref (test_create (fixture->engine, written, "w1", "{\"title\": \"offline\"}"));
  for (guint i = 0; i < 3 * MAX_IDLE_SCOPES; i++)
    {
      g_autoptr(JustSyncScope) scope = numbered_scope (i);

      read_offline (fixture, scope);
    }

  test_network_monitor_set_available (fixture->monitor, TRUE);
  for (guint i = 0; i < 500; i++)
    {
      g_autoptr(JustSyncRecord) pushed =
        just_sync_memory_remote_store_server_get (fixture->remote, written, "w1");

      if (pushed != NULL)
        return;
      just_sync_test_sleep (10);
    }
  g_assert_not_reached ();
}

/* An unwatched scope is no longer synced in the background, and the
 * engine forgets it. */
static void
test_unwatch (Fixture       *fixture,
              gconstpointer  data)
{
  g_autoptr(JustSyncScope) scope = numbered_scope (1);

  g_object_set (fixture->engine, "sync-interval", 20 * MS, NULL);
  just_sync_orchestrator_watch_scope (fixture->engine, scope);
  server_put (fixture, scope, "r1");
  g_assert_true (wait_local (fixture, scope, "r1", 5000));

  just_sync_orchestrator_unwatch_scope (fixture->engine, scope);
  for (guint i = 0; i < 500 && _just_sync_orchestrator_get_n_scopes (fixture->engine) > 0; i++)
    just_sync_test_sleep (10);
  g_assert_cmpuint (_just_sync_orchestrator_get_n_scopes (fixture->engine), ==, 0);

  server_put (fixture, scope, "r2");
  g_assert_false (wait_local (fixture, scope, "r2", 300));

  /* Unwatching what is not watched does nothing. */
  just_sync_orchestrator_unwatch_scope (fixture->engine, scope);
  g_assert_cmpuint (_just_sync_orchestrator_get_n_scopes (fixture->engine), ==, 0);
}

/* A page: the records after the offset, up to the limit, in id order,
 * and the number of them all; deleted ones are not counted. */
static void
test_read_page (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(JustSyncScope) scope = numbered_scope (1);
  g_autoptr(GPtrArray) page = NULL;
  g_autoptr(GPtrArray) rest = NULL;
  g_autoptr(GPtrArray) none = NULL;
  guint total = 0;

  for (guint i = 0; i < 30; i++)
    {
      g_autofree char *id = g_strdup_printf ("r%02u", i);

      just_sync_record_unref (test_create (fixture->engine, scope, id, "{\"title\": \"x\"}"));
    }
  test_delete (fixture->engine, scope, "r00");

  page = read_page (fixture->engine, scope, JUST_SYNC_READ_OFFLINE_ONLY, 5, 3, &total);
  g_assert_cmpuint (total, ==, 29);
  g_assert_cmpuint (page->len, ==, 3);
  g_assert_cmpstr (just_sync_record_get_id (g_ptr_array_index (page, 0)), ==, "r06");
  g_assert_cmpstr (just_sync_record_get_id (g_ptr_array_index (page, 2)), ==, "r08");

  rest = read_page (fixture->engine, scope, JUST_SYNC_READ_OFFLINE_ONLY, 27, 0, &total);
  g_assert_cmpuint (rest->len, ==, 2);
  g_assert_cmpstr (just_sync_record_get_id (g_ptr_array_index (rest, 1)), ==, "r29");

  none = read_page (fixture->engine, scope, JUST_SYNC_READ_OFFLINE_ONLY, 100, 10, &total);
  g_assert_cmpuint (none->len, ==, 0);
  g_assert_cmpuint (total, ==, 29);
}

#define ADD(name, data, func) \
  g_test_add (name, Fixture, data, fixture_setup, func, fixture_teardown)

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  ADD ("/scope-state/idle-scopes-dropped", NULL, test_idle_scopes_dropped);
  ADD ("/scope-state/offline-write-kept", NULL, test_offline_write_kept);
  ADD ("/scope-state/unwatch", NULL, test_unwatch);
  ADD ("/scope-state/read-page/memory", NULL, test_read_page);
  ADD ("/scope-state/read-page/sqlite", "sqlite", test_read_page);

  return g_test_run ();
}
