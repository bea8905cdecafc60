/* test-orchestrator.c: the sync engine, one test per correctness rule
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Each test names the rule of DESIGN.md ("The sync algorithm", "Rules that
 * make sync correct") it guards, and fails when that rule is broken.
 */

#include "test-support.h"

#define MS (G_GINT64_CONSTANT (1000))
#define SEC (G_GINT64_CONSTANT (1000000))
#define T0 (G_GINT64_CONSTANT (1700000000) * SEC)

typedef struct
{
  JustSyncMemoryRemoteStore *remote;
  JustSyncScope *scope;
  TestClient a;
  TestClient b;
} Fixture;

typedef JustSyncLocalStore *(*LocalStoreFactory) (void);

static void
fixture_setup (Fixture       *fixture,
               gconstpointer  data)
{
  /* The test data is the factory of the local stores under test. */
  LocalStoreFactory new_local_store = (LocalStoreFactory) data;

  fixture->remote = just_sync_test_remote_new ();
  /* These tests play "offline" with the network monitor. */
  just_sync_test_remote_set_needs_network (fixture->remote, TRUE);
  fixture->scope = just_sync_test_scope ("records", "owner", "u1", NULL);
  test_client_init (&fixture->a, new_local_store (), JUST_SYNC_REMOTE_STORE (fixture->remote));
  test_client_init (&fixture->b, new_local_store (), JUST_SYNC_REMOTE_STORE (fixture->remote));
}

static void
fixture_teardown (Fixture       *fixture,
                  gconstpointer  data)
{
  test_client_clear (&fixture->a);
  test_client_clear (&fixture->b);
  g_clear_pointer (&fixture->scope, just_sync_scope_unref);
  g_clear_object (&fixture->remote);
}

static JustSyncSyncResult *
sync_ok (TestClient    *client,
         JustSyncScope *scope)
{
  return test_sync_ok (client->orchestrator, scope);
}

static void
assert_server_title (Fixture    *fixture,
                     const char *id,
                     const char *title)
{
  g_autoptr(JustSyncRecord) record = just_sync_memory_remote_store_server_get (fixture->remote,
                                                                               fixture->scope, id);

  g_assert_nonnull (record);
  g_assert_cmpstr (just_sync_test_payload_string (record, "title"), ==, title);
}

static void
assert_local_title (TestClient    *client,
                    JustSyncScope *scope,
                    const char    *id,
                    const char    *title)
{
  g_autoptr(JustSyncRecord) record = just_sync_test_local_get (client->local, scope, id);

  g_assert_nonnull (record);
  g_assert_cmpstr (just_sync_test_payload_string (record, "title"), ==, title);
}

static guint
n_ops (TestClient    *client,
       JustSyncScope *scope)
{
  g_autoptr(GPtrArray) ops = just_sync_test_local_list_ops (client->local, scope);

  return ops->len;
}

/* Client A creates "r1" titled @title, and both clients sync it. */
static void
share_record (Fixture    *fixture,
              const char *title)
{
  g_autofree char *json = g_strdup_printf ("{\"title\": \"%s\"}", title);

  just_sync_record_unref (test_create (fixture->a.orchestrator, fixture->scope, "r1", json));
  just_sync_sync_result_unref (sync_ok (&fixture->a, fixture->scope));
  just_sync_sync_result_unref (sync_ok (&fixture->b, fixture->scope));
}

/* @client retitles "r1" and syncs. */
static void
retitle_and_sync (Fixture    *fixture,
                  TestClient *client,
                  const char *title)
{
  g_autofree char *json = g_strdup_printf ("{\"title\": \"%s\"}", title);

  just_sync_record_unref (test_update (client->orchestrator, fixture->scope, "r1", json));
  just_sync_sync_result_unref (sync_ok (client, fixture->scope));
}

/* Basics: a create reaches the server and another client. */
static void
test_round_trip (Fixture       *fixture,
                 gconstpointer  data)
{
  g_autoptr(JustSyncRecord) created = NULL;
  g_autoptr(JustSyncSyncResult) pushed = NULL;
  g_autoptr(JustSyncSyncResult) pulled = NULL;
  g_autoptr(GPtrArray) records = NULL;

  created = test_create (fixture->a.orchestrator, fixture->scope, NULL, "{\"title\": \"milk\"}");
  g_assert_nonnull (just_sync_record_get_id (created));
  g_assert_cmpuint (n_ops (&fixture->a, fixture->scope), ==, 1);

  pushed = sync_ok (&fixture->a, fixture->scope);
  g_assert_cmpuint (just_sync_sync_result_get_pushed (pushed), ==, 1);
  g_assert_cmpuint (n_ops (&fixture->a, fixture->scope), ==, 0);
  assert_server_title (fixture, just_sync_record_get_id (created), "milk");

  pulled = sync_ok (&fixture->b, fixture->scope);
  g_assert_cmpuint (just_sync_sync_result_get_pulled (pulled), ==, 1);
  records = just_sync_test_local_query (fixture->b.local, fixture->scope);
  g_assert_cmpuint (records->len, ==, 1);
  assert_local_title (&fixture->b, fixture->scope, just_sync_record_get_id (created), "milk");

  /* Our own write comes back in the next pull as an echo: no change. */
  {
    g_autoptr(JustSyncSyncResult) again = sync_ok (&fixture->a, fixture->scope);

    g_assert_cmpuint (just_sync_sync_result_get_pulled (again), ==, 0);
    g_assert_cmpuint (just_sync_sync_result_get_conflicts (again)->len, ==, 0);
  }
}

/* Scopes never mix: another key value is another world. */
static void
test_scope_isolation (Fixture       *fixture,
                      gconstpointer  data)
{
  g_autoptr(JustSyncScope) other = just_sync_test_scope ("records", "owner", "u2", NULL);
  g_autoptr(JustSyncRecord) created = NULL;
  g_autoptr(JustSyncSyncResult) result = NULL;
  g_autoptr(GPtrArray) records = NULL;

  created = test_create (fixture->a.orchestrator, fixture->scope, "r1", "{\"title\": \"mine\"}");
  g_clear_pointer (&result, just_sync_sync_result_unref);
  result = sync_ok (&fixture->a, fixture->scope);
  g_clear_pointer (&result, just_sync_sync_result_unref);
  result = sync_ok (&fixture->b, other);
  records = just_sync_test_local_query (fixture->b.local, other);
  g_assert_cmpuint (records->len, ==, 0);
}

/* Rule 3 and "pull first": a stale offline edit meets a newer remote edit.
 * LWW keeps the newer one on every client and records the loser. Pushing
 * first (as the plugin did) would overwrite the newer remote edit. */
static void
test_stale_offline_edit (Fixture       *fixture,
                         gconstpointer  data)
{
  g_autoptr(JustSyncRecord) edit = NULL;
  g_autoptr(JustSyncSyncResult) result = NULL;
  g_autoptr(GPtrArray) conflicts = NULL;
  JustSyncConflict *conflict;

  share_record (fixture, "v1");

  /* A edits offline first; B edits later and syncs. */
  test_network_monitor_set_available (fixture->a.monitor, FALSE);
  edit = test_update (fixture->a.orchestrator, fixture->scope, "r1", "{\"title\": \"stale\"}");
  just_sync_test_sleep (5);
  retitle_and_sync (fixture, &fixture->b, "newer");

  test_network_monitor_set_available (fixture->a.monitor, TRUE);
  result = sync_ok (&fixture->a, fixture->scope);

  g_assert_cmpuint (just_sync_sync_result_get_conflicts (result)->len, ==, 1);
  g_assert_cmpuint (just_sync_sync_result_get_pushed (result), ==, 0);
  assert_server_title (fixture, "r1", "newer");
  assert_local_title (&fixture->a, fixture->scope, "r1", "newer");
  g_assert_cmpuint (n_ops (&fixture->a, fixture->scope), ==, 0);

  conflicts = just_sync_test_local_list_conflicts (fixture->a.local, fixture->scope);
  g_assert_cmpuint (conflicts->len, ==, 1);
  conflict = g_ptr_array_index (conflicts, 0);
  g_assert_cmpint (just_sync_conflict_get_resolution (conflict), ==, JUST_SYNC_RESOLUTION_REMOTE);
  g_assert_cmpstr (just_sync_test_payload_string (just_sync_conflict_get_loser (conflict), "title"), ==, "stale");
}

/* The other way round: the offline edit is the newer one and wins. */
static void
test_newer_offline_edit_wins (Fixture       *fixture,
                              gconstpointer  data)
{
  g_autoptr(JustSyncRecord) record = NULL;
  g_autoptr(JustSyncSyncResult) result = NULL;

  share_record (fixture, "v1");
  retitle_and_sync (fixture, &fixture->b, "older");
  just_sync_test_sleep (5);
  record = test_update (fixture->a.orchestrator, fixture->scope, "r1", "{\"title\": \"newest\"}");

  result = sync_ok (&fixture->a, fixture->scope);
  g_assert_cmpuint (just_sync_sync_result_get_conflicts (result)->len, ==, 1);
  g_assert_cmpuint (just_sync_sync_result_get_pushed (result), ==, 1);
  assert_server_title (fixture, "r1", "newest");

  g_clear_pointer (&result, just_sync_sync_result_unref);
  result = sync_ok (&fixture->b, fixture->scope);
  assert_local_title (&fixture->b, fixture->scope, "r1", "newest");
}

typedef struct
{
  Fixture *fixture;
  TestClient *client;
  const char *title;
  JustSyncSyncPhase phase;
  gboolean done;
} EditDuring;

static void
edit_during_cb (JustSyncOrchestrator *orchestrator,
                JustSyncScope        *scope,
                JustSyncSyncPhase     phase,
                guint                 done,
                guint                 total,
                EditDuring           *edit)
{
  g_autofree char *json = NULL;
  g_autoptr(JsonObject) payload = NULL;

  if (edit->done || phase != edit->phase)
    return;
  edit->done = TRUE;
  json = g_strdup_printf ("{\"title\": \"%s\"}", edit->title);
  payload = just_sync_test_payload (json);
  /* Not waited for: it lands while the request is in flight. */
  just_sync_orchestrator_update_async (orchestrator, scope, "r1", payload, NULL, NULL, NULL);
}

/* Step 2: a local edit made while the previous version's push is in flight.
 * The reply rebases the row but must not overwrite the newer edit, and the
 * echo in the next pull must not either. */
static void
test_edit_during_push (Fixture       *fixture,
                       gconstpointer  data)
{
  g_autoptr(JustSyncRecord) record = NULL;
  g_autoptr(JustSyncSyncResult) result = NULL;
  EditDuring edit = { fixture, &fixture->a, "during-push", JUST_SYNC_PHASE_PUSH, FALSE };
  gulong id;

  record = test_create (fixture->a.orchestrator, fixture->scope, "r1", "{\"title\": \"first\"}");
  just_sync_memory_remote_store_set_latency (fixture->remote, 30);
  id = g_signal_connect (fixture->a.orchestrator, "progress", G_CALLBACK (edit_during_cb), &edit);
  result = sync_ok (&fixture->a, fixture->scope);
  g_signal_handler_disconnect (fixture->a.orchestrator, id);
  g_assert_true (edit.done);

  assert_server_title (fixture, "r1", "first");
  assert_local_title (&fixture->a, fixture->scope, "r1", "during-push");
  g_assert_cmpuint (n_ops (&fixture->a, fixture->scope), ==, 1);

  g_clear_pointer (&result, just_sync_sync_result_unref);
  result = sync_ok (&fixture->a, fixture->scope);
  g_assert_cmpuint (just_sync_sync_result_get_conflicts (result)->len, ==, 0);
  assert_server_title (fixture, "r1", "during-push");
  assert_local_title (&fixture->a, fixture->scope, "r1", "during-push");
  g_assert_cmpuint (n_ops (&fixture->a, fixture->scope), ==, 0);
}

/* A local edit made while a pull of another version is in flight: the pull
 * must send it to the resolver, not overwrite it. */
static void
test_edit_during_pull (Fixture       *fixture,
                       gconstpointer  data)
{
  g_autoptr(JustSyncSyncResult) result = NULL;

  share_record (fixture, "v1");
  retitle_and_sync (fixture, &fixture->b, "remote");

  /* The edit lands just after the sync starts, while its fetch is in
   * flight: the fetched page holds "remote", the row holds a newer edit. */
  just_sync_memory_remote_store_set_latency (fixture->remote, 30);
  just_sync_test_sleep (5);
  {
    g_autoptr(GAsyncResult) res = NULL;
    g_autoptr(JsonObject) payload = just_sync_test_payload ("{\"title\": \"during-pull\"}");
    g_autoptr(GError) error = NULL;
    GAsyncResult *pending = NULL;

    just_sync_orchestrator_synchronize_async (fixture->a.orchestrator, fixture->scope, NULL,
                                              just_sync_test_result_cb, &pending);
    just_sync_orchestrator_update_async (fixture->a.orchestrator, fixture->scope, "r1", payload,
                                         NULL, NULL, NULL);
    res = just_sync_test_await (&pending);
    result = just_sync_orchestrator_synchronize_finish (fixture->a.orchestrator, res, &error);
    g_assert_no_error (error);
  }

  /* The newer local edit won the conflict and was pushed (now or next). */
  g_assert_cmpuint (just_sync_sync_result_get_conflicts (result)->len, ==, 1);
  g_clear_pointer (&result, just_sync_sync_result_unref);
  result = sync_ok (&fixture->a, fixture->scope);
  assert_server_title (fixture, "r1", "during-pull");
  assert_local_title (&fixture->a, fixture->scope, "r1", "during-pull");
  g_assert_cmpuint (n_ops (&fixture->a, fixture->scope), ==, 0);
}

static void
server_put (Fixture    *fixture,
            const char *id,
            const char *title,
            gint64      stamp)
{
  g_autofree char *json = g_strdup_printf ("{\"title\": \"%s\"}", title);
  g_autoptr(JsonObject) payload = just_sync_test_payload (json);
  g_autoptr(JustSyncRecord) record = NULL;

  record = just_sync_memory_remote_store_server_upsert (fixture->remote, fixture->scope, id, payload, stamp);
  g_assert_nonnull (record);
}

static guint
n_local (TestClient    *client,
         JustSyncScope *scope)
{
  g_autoptr(GPtrArray) records = just_sync_test_local_query (client->local, scope);

  return records->len;
}

/* Keyset paging: rows sharing one stamp across a page boundary are all
 * pulled, once (the id breaks the tie). */
static void
test_equal_stamps_across_pages (Fixture       *fixture,
                                gconstpointer  data)
{
  g_autoptr(JustSyncSyncResult) result = NULL;

  for (guint i = 0; i < 7; i++)
    {
      g_autofree char *id = g_strdup_printf ("r%u", i);

      server_put (fixture, id, "same", T0);
    }
  g_object_set (fixture->a.orchestrator, "page-size", 2, NULL);
  result = sync_ok (&fixture->a, fixture->scope);
  g_assert_cmpuint (just_sync_sync_result_get_pulled (result), ==, 7);
  g_assert_cmpuint (n_local (&fixture->a, fixture->scope), ==, 7);
}

/* Rule 2: two server writes in the same millisecond, the second (with a
 * smaller id) after our pull: the keyset cursor alone would skip it, the
 * overlap window re-reads it. */
static void
test_same_millisecond_writes (Fixture       *fixture,
                              gconstpointer  data)
{
  g_autoptr(JustSyncSyncResult) result = NULL;

  server_put (fixture, "m", "first", T0);
  result = sync_ok (&fixture->a, fixture->scope);
  server_put (fixture, "a", "second", T0);

  g_clear_pointer (&result, just_sync_sync_result_unref);
  result = sync_ok (&fixture->a, fixture->scope);
  g_assert_cmpuint (just_sync_sync_result_get_pulled (result), ==, 1);
  assert_local_title (&fixture->a, fixture->scope, "a", "second");
}

/* Rule 2: a row committed late with an older stamp, inside the overlap
 * window, is pulled; without the window it would be missed. */
static void
test_late_commit_in_window (Fixture       *fixture,
                            gconstpointer  data)
{
  g_autoptr(JustSyncSyncResult) result = NULL;

  server_put (fixture, "b", "on time", T0 + 10 * SEC);
  result = sync_ok (&fixture->a, fixture->scope);
  server_put (fixture, "a", "late", T0 + 5 * SEC);

  g_clear_pointer (&result, just_sync_sync_result_unref);
  result = sync_ok (&fixture->a, fixture->scope);
  assert_local_title (&fixture->a, fixture->scope, "a", "late");

  /* With no window, the same late row is lost: the rule matters. */
  g_object_set (fixture->b.orchestrator, "overlap-window", G_GINT64_CONSTANT (0), NULL);
  g_clear_pointer (&result, just_sync_sync_result_unref);
  result = sync_ok (&fixture->b, fixture->scope);
  server_put (fixture, "c", "late too", T0 + 6 * SEC);
  g_clear_pointer (&result, just_sync_sync_result_unref);
  result = sync_ok (&fixture->b, fixture->scope);
  g_assert_null (just_sync_test_local_get (fixture->b.local, fixture->scope, "c"));
}

/* A write that commits after a newer-stamped one wins the row on the
 * server (commit order); clients must follow the server even though the
 * stamp they get is older than the one they have (identity, not order). */
static void
test_older_stamp_commits_last (Fixture       *fixture,
                               gconstpointer  data)
{
  g_autoptr(JustSyncSyncResult) result = NULL;

  server_put (fixture, "r1", "newer stamp", T0 + 8 * SEC);
  result = sync_ok (&fixture->a, fixture->scope);
  assert_local_title (&fixture->a, fixture->scope, "r1", "newer stamp");

  server_put (fixture, "r1", "committed last", T0 + 7 * SEC);
  g_clear_pointer (&result, just_sync_sync_result_unref);
  result = sync_ok (&fixture->a, fixture->scope);
  assert_local_title (&fixture->a, fixture->scope, "r1", "committed last");
}

/* Makes the next call fail with a network error once a sync reports
 * progress @done in @phase: before its work, or after it (a lost reply). */
typedef struct
{
  JustSyncMemoryRemoteStore *remote;
  JustSyncSyncPhase phase;
  guint done;
  gboolean after_write;
  gboolean armed;
} FailCall;

static void
fail_call_cb (JustSyncOrchestrator *orchestrator,
              JustSyncScope        *scope,
              JustSyncSyncPhase     phase,
              guint                 done,
              guint                 total,
              FailCall             *fail)
{
  if (phase == fail->phase && done == fail->done && !fail->armed)
    {
      fail->armed = TRUE;
      just_sync_test_remote_fail_calls (fail->remote, 1, JUST_SYNC_ERROR_NETWORK, fail->after_write);
    }
}

/* The pull fetches page n + 1 while page n is applied, one page ahead:
 * when page n is in, the server has already been asked for the next. */
typedef struct
{
  JustSyncMemoryRemoteStore *remote;
  GArray *calls;                  /* guint: calls made when each page was in */
} PageCalls;

static void
count_page_calls_cb (JustSyncOrchestrator *orchestrator,
                     JustSyncScope        *scope,
                     JustSyncSyncPhase     phase,
                     guint                 done,
                     guint                 total,
                     PageCalls            *pages)
{
  guint calls = just_sync_test_remote_get_call_count (pages->remote);

  if (phase == JUST_SYNC_PHASE_PULL)
    g_array_append_val (pages->calls, calls);
}

static void
test_pull_fetches_ahead (Fixture       *fixture,
                         gconstpointer  data)
{
  g_autoptr(JustSyncSyncResult) result = NULL;
  g_autoptr(GArray) calls = g_array_new (FALSE, FALSE, sizeof (guint));
  PageCalls pages = { fixture->remote, calls };
  guint first;

  for (guint i = 0; i < 5; i++)
    {
      g_autofree char *id = g_strdup_printf ("r%u", i);

      server_put (fixture, id, "x", T0 + i * SEC);
    }
  g_object_set (fixture->a.orchestrator, "page-size", 2, NULL);
  first = just_sync_test_remote_get_call_count (fixture->remote);
  g_signal_connect (fixture->a.orchestrator, "progress", G_CALLBACK (count_page_calls_cb), &pages);
  result = sync_ok (&fixture->a, fixture->scope);
  g_signal_handlers_disconnect_by_data (fixture->a.orchestrator, &pages);

  /* The server's time, then pages 1 and 2 when page 1 is in; page 3 when
   * page 2 is; nothing after the last page. */
  g_assert_cmpuint (calls->len, ==, 3);
  g_assert_cmpuint (g_array_index (calls, guint, 0) - first, ==, 3);
  g_assert_cmpuint (g_array_index (calls, guint, 1) - first, ==, 4);
  g_assert_cmpuint (g_array_index (calls, guint, 2) - first, ==, 4);
  g_assert_cmpuint (n_local (&fixture->a, fixture->scope), ==, 5);
}

/* A page fetched ahead whose fetch failed fails the sync once the page
 * before it is in, as a fetch made after it would: the sync point says
 * exactly which pages are in. */
static void
test_fetch_ahead_fails (Fixture       *fixture,
                        gconstpointer  data)
{
  g_autoptr(JustSyncSyncResult) result = NULL;
  g_autoptr(JustSyncSyncPoint) point = NULL;
  g_autoptr(GError) error = NULL;
  FailCall fail = { fixture->remote, JUST_SYNC_PHASE_PULL, 2, FALSE, FALSE };

  for (guint i = 0; i < 5; i++)
    {
      g_autofree char *id = g_strdup_printf ("r%u", i);

      server_put (fixture, id, "x", T0 + i * SEC);
    }
  /* With a latency, page 2 reaches the server after page 1 is in. */
  g_object_set (fixture->a.orchestrator, "page-size", 2, NULL);
  just_sync_memory_remote_store_set_latency (fixture->remote, 100);
  g_signal_connect (fixture->a.orchestrator, "progress", G_CALLBACK (fail_call_cb), &fail);
  result = test_sync (fixture->a.orchestrator, fixture->scope, &error);
  g_signal_handlers_disconnect_by_data (fixture->a.orchestrator, &fail);
  just_sync_memory_remote_store_set_latency (fixture->remote, 0);

  g_assert_true (fail.armed);
  g_assert_error (error, JUST_SYNC_ERROR, JUST_SYNC_ERROR_NETWORK);
  g_assert_null (result);
  g_assert_cmpuint (n_local (&fixture->a, fixture->scope), ==, 2);
  point = just_sync_test_local_get_sync_point (fixture->a.local, fixture->scope);
  g_assert_nonnull (point);
  g_assert_cmpint (just_sync_sync_point_get_updated_at (point), ==, T0 + SEC);
  g_assert_cmpstr (just_sync_sync_point_get_last_id (point), ==, "r1");

  result = sync_ok (&fixture->a, fixture->scope);
  g_assert_cmpuint (n_local (&fixture->a, fixture->scope), ==, 5);
}

/* A GTK app must never freeze: the engine leaves a page's parsing, hashing
 * and applying to other threads, so the main loop keeps turning during a
 * large pull. A high-priority 1 ms timer measures the longest gap between
 * its runs, in the main thread's CPU time: on a loaded machine the wall
 * clock also counts the time the thread waited for a core, which is not
 * the engine's doing. The wall-clock gap is reported too. */
typedef struct
{
  gint64 last;
  gint64 last_cpu;
  gint64 longest;
  gint64 longest_cpu;
} Gaps;

static gint64
thread_cpu_time (void)
{
  struct timespec now;

  g_assert_cmpint (clock_gettime (CLOCK_THREAD_CPUTIME_ID, &now), ==, 0);
  return now.tv_sec * SEC + now.tv_nsec / 1000;
}

static gboolean
measure_gap_cb (gpointer user_data)
{
  Gaps *gaps = user_data;
  gint64 now = g_get_monotonic_time ();
  gint64 cpu = thread_cpu_time ();

  gaps->longest = MAX (gaps->longest, now - gaps->last);
  gaps->longest_cpu = MAX (gaps->longest_cpu, cpu - gaps->last_cpu);
  gaps->last = now;
  gaps->last_cpu = cpu;
  return G_SOURCE_CONTINUE;
}

static void
test_main_loop_never_stalls (Fixture       *fixture,
                             gconstpointer  data)
{
  g_autoptr(JustSyncSyncResult) result = NULL;
  g_autoptr(GSource) timer = g_timeout_source_new (1);
  /* valgrind runs everything some fifty times slower; AddressSanitizer,
   * as the tests run it, unwinds the stack at every malloc. */
  gboolean valgrind = g_getenv ("JUST_SYNC_VALGRIND") != NULL;
  gboolean slow = valgrind || JUST_SYNC_TEST_SANITIZED;
  guint n_rows = valgrind ? 2000 : 20000;
  gint64 bound = (slow ? 40 : 1) * 15 * MS;
  Gaps gaps = { 0, };

  for (guint i = 0; i < n_rows; i++)
    {
      g_autofree char *id = g_strdup_printf ("r%05u", i);

      server_put (fixture, id, "a title of a note, with a few words in it", T0 + i * MS);
    }

  g_source_set_priority (timer, G_PRIORITY_HIGH);
  g_source_set_callback (timer, measure_gap_cb, &gaps, NULL);
  gaps.last = g_get_monotonic_time ();
  gaps.last_cpu = thread_cpu_time ();
  g_source_attach (timer, NULL);
  result = sync_ok (&fixture->a, fixture->scope);
  g_source_destroy (timer);

  g_test_message ("longest main loop stall during a %u-row pull: %.1f ms of CPU time, %.1f ms "
                  "of wall-clock time", n_rows, gaps.longest_cpu / 1000.0, gaps.longest / 1000.0);
  g_assert_cmpuint (just_sync_sync_result_get_pulled (result), ==, n_rows);
  g_assert_cmpint (gaps.longest_cpu, <, bound);
}

/* Rule 4: a crash (or a lost reply) between a successful push and clearing
 * its op. The next engine, on the same store, finds its own echo and
 * acknowledges the op; re-pushing would be harmless too. */
static void
test_lost_push_reply (Fixture       *fixture,
                      gconstpointer  data)
{
  g_autoptr(JustSyncRecord) record = NULL;
  g_autoptr(JustSyncSyncResult) result = NULL;
  g_autoptr(GPtrArray) conflicts = NULL;
  g_autoptr(GPtrArray) server = NULL;
  g_autoptr(GError) error = NULL;
  FailCall lose = { fixture->remote, JUST_SYNC_PHASE_PUSH, 0, TRUE, FALSE };
  gulong id;

  record = test_create (fixture->a.orchestrator, fixture->scope, "r1", "{\"title\": \"once\"}");
  id = g_signal_connect (fixture->a.orchestrator, "progress", G_CALLBACK (fail_call_cb), &lose);
  result = test_sync (fixture->a.orchestrator, fixture->scope, &error);
  g_signal_handler_disconnect (fixture->a.orchestrator, id);
  g_assert_error (error, JUST_SYNC_ERROR, JUST_SYNC_ERROR_NETWORK);
  g_assert_null (result);
  assert_server_title (fixture, "r1", "once");
  g_assert_cmpuint (n_ops (&fixture->a, fixture->scope), ==, 1);

  /* "Crash": a new engine on the same local store. */
  g_clear_object (&fixture->a.orchestrator);
  fixture->a.orchestrator =
    just_sync_orchestrator_new_with_monitor (fixture->a.local, JUST_SYNC_REMOTE_STORE (fixture->remote),
                                             NULL, G_NETWORK_MONITOR (fixture->a.monitor));
  result = sync_ok (&fixture->a, fixture->scope);
  g_assert_cmpuint (n_ops (&fixture->a, fixture->scope), ==, 0);
  conflicts = just_sync_test_local_list_conflicts (fixture->a.local, fixture->scope);
  g_assert_cmpuint (conflicts->len, ==, 0);
  server = just_sync_memory_remote_store_server_list (fixture->remote, fixture->scope);
  g_assert_cmpuint (server->len, ==, 1);
  assert_local_title (&fixture->a, fixture->scope, "r1", "once");
}

static void
count_op_failed_cb (JustSyncOrchestrator *orchestrator,
                    JustSyncScope        *scope,
                    JustSyncPendingOp    *op,
                    guint                *count)
{
  g_assert_cmpint (just_sync_pending_op_get_state (op), ==, JUST_SYNC_OP_STATE_FAILED);
  g_assert_cmpstr (just_sync_pending_op_get_last_error (op), ==, "title too rude");
  (*count)++;
}

static void
wait_for_counts (JustSyncOrchestrator *orchestrator,
                 guint                 pending,
                 guint                 failed)
{
  for (guint i = 0; i < 200; i++)
    {
      if (just_sync_orchestrator_get_pending_count (orchestrator) == pending &&
          just_sync_orchestrator_get_failed_count (orchestrator) == failed)
        return;
      just_sync_test_sleep (5);
    }
  g_assert_cmpuint (just_sync_orchestrator_get_pending_count (orchestrator), ==, pending);
  g_assert_cmpuint (just_sync_orchestrator_get_failed_count (orchestrator), ==, failed);
}

/* A permanent rejection parks that op, reports it, and blocks nothing else;
 * it can be retried once the server accepts it. */
static void
test_permanent_error_isolated (Fixture       *fixture,
                               gconstpointer  data)
{
  g_autoptr(JustSyncSyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  guint failed = 0;

  just_sync_test_remote_reject_id (fixture->remote, "bad", "title too rude");
  just_sync_record_unref (test_create (fixture->a.orchestrator, fixture->scope, "good1", "{\"title\": \"a\"}"));
  just_sync_record_unref (test_create (fixture->a.orchestrator, fixture->scope, "bad", "{\"title\": \"b\"}"));
  just_sync_record_unref (test_create (fixture->a.orchestrator, fixture->scope, "good2", "{\"title\": \"c\"}"));
  wait_for_counts (fixture->a.orchestrator, 3, 0);

  g_signal_connect (fixture->a.orchestrator, "op-failed", G_CALLBACK (count_op_failed_cb), &failed);
  result = sync_ok (&fixture->a, fixture->scope);
  g_assert_cmpuint (failed, ==, 1);
  g_assert_cmpuint (just_sync_sync_result_get_pushed (result), ==, 2);
  g_assert_cmpuint (just_sync_sync_result_get_failed_ops (result)->len, ==, 1);
  assert_server_title (fixture, "good1", "a");
  assert_server_title (fixture, "good2", "c");
  g_assert_null (just_sync_memory_remote_store_server_get (fixture->remote, fixture->scope, "bad"));
  wait_for_counts (fixture->a.orchestrator, 0, 1);
  /* Parked, not dropped: the local row and its op are still there. */
  assert_local_title (&fixture->a, fixture->scope, "bad", "b");
  g_assert_cmpuint (n_ops (&fixture->a, fixture->scope), ==, 1);

  /* A sync does not try it again on its own. */
  g_clear_pointer (&result, just_sync_sync_result_unref);
  result = sync_ok (&fixture->a, fixture->scope);
  g_assert_cmpuint (failed, ==, 1);

  just_sync_test_remote_reject_id (fixture->remote, "bad", NULL);
  g_assert_cmpuint (JUST_SYNC_TEST_AWAIT (just_sync_orchestrator_retry_failed,
                                          fixture->a.orchestrator, &error, fixture->scope),
                    ==, 1);
  g_assert_no_error (error);
  g_clear_pointer (&result, just_sync_sync_result_unref);
  result = sync_ok (&fixture->a, fixture->scope);
  assert_server_title (fixture, "bad", "b");
  wait_for_counts (fixture->a.orchestrator, 0, 0);
}

/* Connected swapped, so any signal can count itself: the count comes
 * first and the signal's own arguments are ignored. */
static void
count_signal_cb (guint *count)
{
  (*count)++;
}

/* Offline: local writes work, syncs are refused without a single request;
 * when the network returns, the engine syncs by itself. */
static void
test_offline_then_online (Fixture       *fixture,
                          gconstpointer  data)
{
  g_autoptr(JustSyncSyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  guint calls, finished = 0;

  test_network_monitor_set_available (fixture->a.monitor, FALSE);
  g_assert_cmpint (just_sync_orchestrator_get_state (fixture->a.orchestrator), ==, JUST_SYNC_STATE_OFFLINE);
  calls = just_sync_test_remote_get_call_count (fixture->remote);

  just_sync_record_unref (test_create (fixture->a.orchestrator, fixture->scope, "r1", "{\"title\": \"offline\"}"));
  result = test_sync (fixture->a.orchestrator, fixture->scope, &error);
  g_assert_error (error, JUST_SYNC_ERROR, JUST_SYNC_ERROR_OFFLINE);
  g_assert_null (result);
  g_assert_cmpuint (just_sync_test_remote_get_call_count (fixture->remote), ==, calls);

  g_object_set (fixture->a.orchestrator, "debounce-interval", 10 * MS, NULL);
  g_signal_connect_swapped (fixture->a.orchestrator, "sync-finished", G_CALLBACK (count_signal_cb), &finished);
  test_network_monitor_set_available (fixture->a.monitor, TRUE);
  g_assert_true (just_sync_test_wait_count (&finished, 1, JUST_SYNC_TEST_AWAIT_TIMEOUT_MS));
  assert_server_title (fixture, "r1", "offline");
  g_assert_cmpint (just_sync_orchestrator_get_state (fixture->a.orchestrator), ==, JUST_SYNC_STATE_IDLE);
}

static void
cancel_after_first_page_cb (JustSyncOrchestrator *orchestrator,
                            JustSyncScope        *scope,
                            JustSyncSyncPhase     phase,
                            guint                 done,
                            guint                 total,
                            GCancellable         *cancellable)
{
  if (phase == JUST_SYNC_PHASE_PULL && done >= 2)
    g_cancellable_cancel (cancellable);
}

/* Cancelling mid-pull leaves the store consistent: the pages applied and
 * the sync point agree, and the next sync finishes the job. */
static void
test_cancel_mid_pull (Fixture       *fixture,
                      gconstpointer  data)
{
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(JustSyncSyncResult) result = NULL;
  g_autoptr(GAsyncResult) res = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JustSyncSyncPoint) point = NULL;
  GAsyncResult *pending = NULL;
  guint n;

  for (guint i = 0; i < 10; i++)
    {
      g_autofree char *id = g_strdup_printf ("r%02u", i);

      server_put (fixture, id, "x", T0 + i * SEC);
    }
  g_object_set (fixture->a.orchestrator, "page-size", 2, NULL);
  just_sync_memory_remote_store_set_latency (fixture->remote, 10);
  g_signal_connect (fixture->a.orchestrator, "progress", G_CALLBACK (cancel_after_first_page_cb), cancellable);

  just_sync_orchestrator_synchronize_async (fixture->a.orchestrator, fixture->scope, cancellable,
                                            just_sync_test_result_cb, &pending);
  res = just_sync_test_await (&pending);
  result = just_sync_orchestrator_synchronize_finish (fixture->a.orchestrator, res, &error);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_null (result);
  g_clear_error (&error);

  n = n_local (&fixture->a, fixture->scope);
  g_assert_cmpuint (n, >=, 2);
  g_assert_cmpuint (n, <, 10);
  point = just_sync_test_local_get_sync_point (fixture->a.local, fixture->scope);
  /* The checkpoint is the last row applied, no further. */
  g_assert_nonnull (point);
  g_assert_cmpint (just_sync_sync_point_get_updated_at (point), ==, T0 + (n - 1) * SEC);

  g_signal_handlers_disconnect_by_func (fixture->a.orchestrator, cancel_after_first_page_cb, cancellable);
  result = sync_ok (&fixture->a, fixture->scope);
  g_assert_cmpuint (n_local (&fixture->a, fixture->scope), ==, 10);
}

/* Rule 3: a push cancelled while its request is out may have reached the
 * server. Its op must count the attempt, so that the next pull takes the
 * row as its echo, not as somebody else's version in conflict with it. */
static void
test_cancel_during_push (Fixture       *fixture,
                         gconstpointer  data)
{
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(JustSyncSyncResult) result = NULL;
  g_autoptr(GAsyncResult) res = NULL;
  g_autoptr(GPtrArray) conflicts = NULL;
  g_autoptr(GError) error = NULL;
  GAsyncResult *pending = NULL;

  just_sync_record_unref (test_create (fixture->a.orchestrator, fixture->scope, "r1", "{\"title\": \"mine\"}"));
  /* The cancel lands while the request is out, after the server did the
   * write but before its reply is read. */
  just_sync_test_remote_cancel_on_push (fixture->remote, cancellable);
  just_sync_orchestrator_synchronize_async (fixture->a.orchestrator, fixture->scope, cancellable,
                                            just_sync_test_result_cb, &pending);
  res = just_sync_test_await (&pending);
  result = just_sync_orchestrator_synchronize_finish (fixture->a.orchestrator, res, &error);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_null (result);
  assert_server_title (fixture, "r1", "mine");

  result = sync_ok (&fixture->a, fixture->scope);
  g_assert_cmpuint (just_sync_sync_result_get_conflicts (result)->len, ==, 0);
  conflicts = just_sync_test_local_list_conflicts (fixture->a.local, fixture->scope);
  g_assert_cmpuint (conflicts->len, ==, 0);
  g_assert_cmpuint (n_ops (&fixture->a, fixture->scope), ==, 0);
  assert_local_title (&fixture->a, fixture->scope, "r1", "mine");
}

/* One sync per scope: a second call joins the running one. */
static void
test_join_running_sync (Fixture       *fixture,
                        gconstpointer  data)
{
  g_autoptr(GAsyncResult) first = NULL;
  g_autoptr(GAsyncResult) second = NULL;
  g_autoptr(JustSyncSyncResult) r1 = NULL;
  g_autoptr(JustSyncSyncResult) r2 = NULL;
  GAsyncResult *pending_first = NULL, *pending_second = NULL;
  guint started = 0, calls;

  just_sync_record_unref (test_create (fixture->a.orchestrator, fixture->scope, "r1", "{\"title\": \"x\"}"));
  just_sync_memory_remote_store_set_latency (fixture->remote, 10);
  calls = just_sync_test_remote_get_call_count (fixture->remote);
  g_signal_connect_swapped (fixture->a.orchestrator, "sync-started", G_CALLBACK (count_signal_cb), &started);

  just_sync_orchestrator_synchronize_async (fixture->a.orchestrator, fixture->scope, NULL,
                                            just_sync_test_result_cb, &pending_first);
  just_sync_orchestrator_synchronize_async (fixture->a.orchestrator, fixture->scope, NULL,
                                            just_sync_test_result_cb, &pending_second);
  first = just_sync_test_await (&pending_first);
  second = just_sync_test_await (&pending_second);

  r1 = just_sync_orchestrator_synchronize_finish (fixture->a.orchestrator, first, NULL);
  r2 = just_sync_orchestrator_synchronize_finish (fixture->a.orchestrator, second, NULL);
  g_assert_true (r1 == r2);
  g_assert_cmpuint (started, ==, 1);
  /* time, one page, one push */
  g_assert_cmpuint (just_sync_test_remote_get_call_count (fixture->remote) - calls, ==, 3);
}

static void
set_flag_in_push_cb (JustSyncOrchestrator *orchestrator,
                     JustSyncScope        *scope,
                     JustSyncSyncPhase     phase,
                     guint                 done,
                     guint                 total,
                     gboolean             *in_push)
{
  if (phase == JUST_SYNC_PHASE_PUSH)
    *in_push = TRUE;
}

/* A sync asked for after a write pushes that write: a caller who comes
 * when the running sync already chose what to push waits for the next. */
static void
test_join_after_push_started (Fixture       *fixture,
                              gconstpointer  data)
{
  g_autoptr(GAsyncResult) first = NULL;
  g_autoptr(GAsyncResult) second = NULL;
  g_autoptr(JustSyncSyncResult) r1 = NULL;
  g_autoptr(JustSyncSyncResult) r2 = NULL;
  g_autoptr(GError) error = NULL;
  GAsyncResult *pending_first = NULL, *pending_second = NULL;
  gboolean in_push = FALSE;

  just_sync_record_unref (test_create (fixture->a.orchestrator, fixture->scope, "r1", "{\"title\": \"x\"}"));
  just_sync_memory_remote_store_set_latency (fixture->remote, 80);
  g_signal_connect (fixture->a.orchestrator, "progress", G_CALLBACK (set_flag_in_push_cb), &in_push);
  just_sync_orchestrator_synchronize_async (fixture->a.orchestrator, fixture->scope, NULL,
                                            just_sync_test_result_cb, &pending_first);
  g_assert_true (just_sync_test_wait_flag (&in_push, JUST_SYNC_TEST_AWAIT_TIMEOUT_MS));
  g_signal_handlers_disconnect_by_data (fixture->a.orchestrator, &in_push);

  /* r1's push is in flight; r2 is written, then a sync is asked for. */
  just_sync_record_unref (test_create (fixture->a.orchestrator, fixture->scope, "r2", "{\"title\": \"y\"}"));
  g_assert_null (pending_first);
  just_sync_orchestrator_synchronize_async (fixture->a.orchestrator, fixture->scope, NULL,
                                            just_sync_test_result_cb, &pending_second);
  second = just_sync_test_await (&pending_second);

  r2 = just_sync_orchestrator_synchronize_finish (fixture->a.orchestrator, second, &error);
  g_assert_no_error (error);
  assert_server_title (fixture, "r2", "y");
  g_assert_nonnull (pending_first);
  first = just_sync_test_await (&pending_first);
  r1 = just_sync_orchestrator_synchronize_finish (fixture->a.orchestrator, first, &error);
  g_assert_no_error (error);
  g_assert_true (r1 != r2);
  assert_server_title (fixture, "r1", "x");
  wait_for_counts (fixture->a.orchestrator, 0, 0);
}

/* An engine disposed while it syncs (g_object_run_dispose(), as bindings
 * may do) stops cleanly: the caller is told the sync was cancelled, and
 * nothing of the engine is used after it was let go. */
static void
test_dispose_during_sync (Fixture       *fixture,
                          gconstpointer  data)
{
  g_autoptr(JustSyncSyncResult) result = NULL;
  g_autoptr(GAsyncResult) res = NULL;
  g_autoptr(GError) error = NULL;
  GAsyncResult *pending = NULL;

  just_sync_record_unref (test_create (fixture->a.orchestrator, fixture->scope, "r1", "{\"title\": \"x\"}"));
  just_sync_memory_remote_store_set_latency (fixture->remote, 20);
  just_sync_orchestrator_synchronize_async (fixture->a.orchestrator, fixture->scope, NULL,
                                            just_sync_test_result_cb, &pending);
  g_object_run_dispose (G_OBJECT (fixture->a.orchestrator));
  res = just_sync_test_await (&pending);
  result = just_sync_orchestrator_synchronize_finish (fixture->a.orchestrator, res, &error);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_null (result);
  g_assert_cmpuint (n_ops (&fixture->a, fixture->scope), ==, 1);
}

/* Transient failures are retried with backoff until they pass. */
static void
test_transient_retry (Fixture       *fixture,
                      gconstpointer  data)
{
  g_autoptr(JustSyncSyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  guint finished = 0;

  just_sync_record_unref (test_create (fixture->a.orchestrator, fixture->scope, "r1", "{\"title\": \"x\"}"));
  g_object_set (fixture->a.orchestrator, "retry-base-delay", 20 * MS, "retry-max-delay", 100 * MS, NULL);
  just_sync_test_remote_fail_calls (fixture->remote, 3, JUST_SYNC_ERROR_SERVER, FALSE);

  result = test_sync (fixture->a.orchestrator, fixture->scope, &error);
  g_assert_error (error, JUST_SYNC_ERROR, JUST_SYNC_ERROR_SERVER);
  g_assert_cmpint (just_sync_orchestrator_get_state (fixture->a.orchestrator), ==, JUST_SYNC_STATE_ERROR);
  g_assert_nonnull (just_sync_orchestrator_get_last_error (fixture->a.orchestrator));

  g_signal_connect_swapped (fixture->a.orchestrator, "sync-finished", G_CALLBACK (count_signal_cb), &finished);
  for (;;)
    {
      g_autoptr(JustSyncRecord) pushed = just_sync_memory_remote_store_server_get (fixture->remote,
                                                                                   fixture->scope, "r1");
      if (pushed != NULL)
        break;
      just_sync_test_sleep (5);
    }
  g_assert_cmpuint (finished, >=, 2);
  while (just_sync_orchestrator_get_state (fixture->a.orchestrator) != JUST_SYNC_STATE_IDLE)
    just_sync_test_sleep (5);
  g_assert_null (just_sync_orchestrator_get_last_error (fixture->a.orchestrator));
}

static void
record_start_cb (GArray *starts)
{
  gint64 now = g_get_monotonic_time ();

  g_array_append_val (starts, now);
}

/* Waits until no sync of @engine runs, so that none outlives the test. */
static void
wait_not_syncing (JustSyncOrchestrator *engine)
{
  for (guint i = 0; i < 2000 && just_sync_orchestrator_get_state (engine) == JUST_SYNC_STATE_SYNCING; i++)
    just_sync_test_sleep (5);
  g_assert_cmpint (just_sync_orchestrator_get_state (engine), !=, JUST_SYNC_STATE_SYNCING);
}

/* A record whose push keeps failing transiently is retried with a delay
 * that doubles each time, as with a failing sync. */
static void
test_retry_backoff (Fixture       *fixture,
                    gconstpointer  data)
{
  JustSyncOrchestrator *engine = fixture->a.orchestrator;
  g_autoptr(GArray) starts = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(JustSyncSyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  const gint64 base_ms = 40;

  just_sync_test_remote_refuse_id (fixture->remote, "r1", JUST_SYNC_PUSH_RETRY, "busy");
  g_object_set (engine, "retry-base-delay", base_ms * MS, "retry-max-delay", 60 * SEC, NULL);
  just_sync_record_unref (test_create (engine, fixture->scope, "r1", "{\"title\": \"x\"}"));
  g_signal_connect_swapped (engine, "sync-started", G_CALLBACK (record_start_cb), starts);
  /* A change sent and not acknowledged fails the sync, saying so. */
  result = test_sync (engine, fixture->scope, &error);
  g_assert_null (result);
  g_assert_error (error, JUST_SYNC_ERROR, JUST_SYNC_ERROR_SERVER);
  g_assert_nonnull (strstr (error->message, "busy"));
  g_assert_cmpstr (just_sync_orchestrator_get_last_error (engine), ==, error->message);

  /* The first sync and four retries: after the 4th failure the delay is
   * 8 base delays, give or take the jitter of 25 %. */
  just_sync_test_wait_count (&starts->len, 5, 30000);
  g_assert_cmpuint (starts->len, >=, 5);
  g_signal_handlers_disconnect_by_data (engine, starts);
  g_assert_cmpint (g_array_index (starts, gint64, 4) - g_array_index (starts, gint64, 3), >=,
                   4 * base_ms * 1000);
  wait_not_syncing (engine);
  g_assert_cmpuint (n_ops (&fixture->a, fixture->scope), ==, 1);
}

/* A failed precondition waits for a pull to resolve it, but a pull that
 * cannot resolve it must not make the engine sync again and again at once. */
static void
test_precondition_failed_backs_off (Fixture       *fixture,
                                    gconstpointer  data)
{
  JustSyncOrchestrator *engine = fixture->a.orchestrator;
  g_autoptr(GArray) starts = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(JustSyncSyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  just_sync_test_remote_refuse_id (fixture->remote, "r1", JUST_SYNC_PUSH_PRECONDITION_FAILED, NULL);
  just_sync_record_unref (test_create (engine, fixture->scope, "r1", "{\"title\": \"x\"}"));
  result = test_sync (engine, fixture->scope, &error);
  g_assert_null (result);
  g_assert_error (error, JUST_SYNC_ERROR, JUST_SYNC_ERROR_CONFLICT);

  g_signal_connect_swapped (engine, "sync-started", G_CALLBACK (record_start_cb), starts);
  just_sync_test_sleep (300);
  g_signal_handlers_disconnect_by_data (engine, starts);
  /* The retry delay of the test engines is ten minutes. */
  g_assert_cmpuint (starts->len, <=, 1);
  wait_not_syncing (engine);
  g_assert_cmpuint (n_ops (&fixture->a, fixture->scope), ==, 1);
}

static GPtrArray *
read_records (TestClient         *client,
              JustSyncScope      *scope,
              JustSyncReadPolicy  policy,
              gboolean           *from_cache,
              GError            **error)
{
  g_autoptr(GAsyncResult) res = NULL;
  GAsyncResult *pending = NULL;

  just_sync_orchestrator_read_async (client->orchestrator, scope, policy, NULL,
                                     just_sync_test_result_cb, &pending);
  res = just_sync_test_await (&pending);
  return just_sync_orchestrator_read_finish (client->orchestrator, res, from_cache, error);
}

/* Read policies: REMOTE_FIRST falls back to local and says so; ONLINE_ONLY
 * fails; both sync first when they can. */
static void
test_read_policies (Fixture       *fixture,
                    gconstpointer  data)
{
  g_autoptr(GPtrArray) records = NULL;
  g_autoptr(GError) error = NULL;
  gboolean from_cache = FALSE;

  server_put (fixture, "r1", "server", 0);

  records = read_records (&fixture->a, fixture->scope, JUST_SYNC_READ_OFFLINE_ONLY, &from_cache, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (records->len, ==, 0);
  g_assert_true (from_cache);

  g_clear_pointer (&records, g_ptr_array_unref);
  records = read_records (&fixture->a, fixture->scope, JUST_SYNC_READ_REMOTE_FIRST, &from_cache, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (records->len, ==, 1);
  g_assert_false (from_cache);

  /* Server unreachable: REMOTE_FIRST serves the local copy, flagged. */
  just_sync_test_remote_fail_calls (fixture->remote, 100, JUST_SYNC_ERROR_NETWORK, FALSE);
  g_clear_pointer (&records, g_ptr_array_unref);
  records = read_records (&fixture->a, fixture->scope, JUST_SYNC_READ_REMOTE_FIRST, &from_cache, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (records->len, ==, 1);
  g_assert_true (from_cache);

  g_clear_pointer (&records, g_ptr_array_unref);
  records = read_records (&fixture->a, fixture->scope, JUST_SYNC_READ_ONLINE_ONLY, &from_cache, &error);
  g_assert_error (error, JUST_SYNC_ERROR, JUST_SYNC_ERROR_NETWORK);
  g_assert_null (records);
  g_clear_error (&error);

  /* Offline: the same, without a request. */
  just_sync_test_remote_fail_calls (fixture->remote, 0, JUST_SYNC_ERROR_NETWORK, FALSE);
  test_network_monitor_set_available (fixture->a.monitor, FALSE);
  records = read_records (&fixture->a, fixture->scope, JUST_SYNC_READ_REMOTE_FIRST, &from_cache, &error);
  g_assert_no_error (error);
  g_assert_true (from_cache);
  g_clear_pointer (&records, g_ptr_array_unref);
  records = read_records (&fixture->a, fixture->scope, JUST_SYNC_READ_ONLINE_ONLY, &from_cache, &error);
  g_assert_error (error, JUST_SYNC_ERROR, JUST_SYNC_ERROR_OFFLINE);
}

/* Rule 5: local changes are stamped on the server's clock. */
static void
test_server_clock (Fixture       *fixture,
                   gconstpointer  data)
{
  g_autoptr(JustSyncSyncResult) result = NULL;
  g_autoptr(JustSyncRecord) record = NULL;
  gint64 server_now = g_get_real_time () + 3600 * SEC;

  just_sync_test_remote_set_clock (fixture->remote, server_now);
  result = sync_ok (&fixture->a, fixture->scope);
  g_assert_cmpint (ABS (just_sync_orchestrator_get_clock_offset (fixture->a.orchestrator) - 3600 * SEC), <, 2 * SEC);

  record = test_create (fixture->a.orchestrator, fixture->scope, "r1", "{\"title\": \"x\"}");
  g_assert_cmpint (ABS (just_sync_record_get_updated_at (record) - server_now), <, 2 * SEC);
}

/* Hard deletes never show in a delta: a reconcile removes what the server
 * no longer has, but never a row with a pending change. */
static void
test_reconcile_hard_delete (Fixture       *fixture,
                            gconstpointer  data)
{
  g_autoptr(JustSyncSyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  just_sync_memory_remote_store_set_keeps_tombstones (fixture->remote, FALSE);
  server_put (fixture, "gone", "x", 0);
  server_put (fixture, "kept", "y", 0);
  result = sync_ok (&fixture->a, fixture->scope);
  g_assert_cmpuint (n_local (&fixture->a, fixture->scope), ==, 2);

  just_sync_record_unref (just_sync_memory_remote_store_server_delete (fixture->remote, fixture->scope, "gone"));
  just_sync_record_unref (test_create (fixture->a.orchestrator, fixture->scope, "new", "{\"title\": \"z\"}"));
  g_clear_pointer (&result, just_sync_sync_result_unref);
  /* pull-only view: a plain sync cannot see the hard delete */
  test_network_monitor_set_available (fixture->a.monitor, TRUE);
  result = sync_ok (&fixture->a, fixture->scope);
  {
    g_autoptr(JustSyncRecord) stale =
      just_sync_test_local_get (fixture->a.local, fixture->scope, "gone");

    g_assert_nonnull (stale);
  }

  g_clear_pointer (&result, just_sync_sync_result_unref);
  result = JUST_SYNC_TEST_AWAIT (just_sync_orchestrator_reconcile, fixture->a.orchestrator, &error,
                                 fixture->scope);
  g_assert_no_error (error);
  g_assert_cmpuint (just_sync_sync_result_get_deleted (result), ==, 1);
  g_assert_null (just_sync_test_local_get (fixture->a.local, fixture->scope, "gone"));
  assert_local_title (&fixture->a, fixture->scope, "kept", "y");
  assert_local_title (&fixture->a, fixture->scope, "new", "z");
}

/* A reconcile that fails half way (the network drops after its first page)
 * has not repaired anything yet: the next sync must reconcile again. Here
 * the repair is removing a discarded create the server never had. */
static void
test_reconcile_failed_is_redone (Fixture       *fixture,
                                 gconstpointer  data)
{
  g_autoptr(JustSyncSyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JustSyncRecord) bad = NULL;
  FailCall fail = { fixture->remote, JUST_SYNC_PHASE_RECONCILE, 1, FALSE, FALSE };

  server_put (fixture, "r0", "x", T0);
  server_put (fixture, "r1", "y", T0 + 100 * SEC);
  just_sync_test_remote_reject_id (fixture->remote, "bad", "no");
  just_sync_record_unref (test_create (fixture->a.orchestrator, fixture->scope, "bad", "{\"title\": \"z\"}"));
  result = sync_ok (&fixture->a, fixture->scope);
  g_assert_cmpuint (just_sync_sync_result_get_failed_ops (result)->len, ==, 1);

  g_assert_cmpuint (JUST_SYNC_TEST_AWAIT (just_sync_orchestrator_discard_failed,
                                          fixture->a.orchestrator, &error, fixture->scope),
                    ==, 1);
  g_assert_no_error (error);

  /* The second page is fetched while the first is applied: with a
   * latency, the failure armed once the first is in reaches it. */
  g_object_set (fixture->a.orchestrator, "page-size", 1, NULL);
  just_sync_memory_remote_store_set_latency (fixture->remote, 100);
  g_signal_connect (fixture->a.orchestrator, "progress", G_CALLBACK (fail_call_cb), &fail);
  g_clear_pointer (&result, just_sync_sync_result_unref);
  result = JUST_SYNC_TEST_AWAIT (just_sync_orchestrator_reconcile, fixture->a.orchestrator, &error,
                                 fixture->scope);
  g_signal_handlers_disconnect_by_data (fixture->a.orchestrator, &fail);
  just_sync_memory_remote_store_set_latency (fixture->remote, 0);
  g_assert_error (error, JUST_SYNC_ERROR, JUST_SYNC_ERROR_NETWORK);
  g_assert_true (fail.armed);
  bad = just_sync_test_local_get (fixture->a.local, fixture->scope, "bad");
  g_assert_nonnull (bad);

  result = sync_ok (&fixture->a, fixture->scope);
  g_clear_pointer (&bad, just_sync_record_unref);
  bad = just_sync_test_local_get (fixture->a.local, fixture->scope, "bad");
  g_assert_null (bad);
  g_assert_cmpuint (n_local (&fixture->a, fixture->scope), ==, 2);
}

/* A reconcile still to do (after a discard) while the server fails: the
 * attempts follow the retry backoff, not the debounce of local changes. */
static void
test_reconcile_failing_backs_off (Fixture       *fixture,
                                  gconstpointer  data)
{
  g_autoptr(JustSyncSyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  guint started = 0;

  just_sync_test_remote_reject_id (fixture->remote, "bad", "no");
  just_sync_record_unref (test_create (fixture->a.orchestrator, fixture->scope, "bad", "{\"title\": \"z\"}"));
  result = sync_ok (&fixture->a, fixture->scope);
  g_assert_cmpuint (just_sync_sync_result_get_failed_ops (result)->len, ==, 1);

  g_object_set (fixture->a.orchestrator, "debounce-interval", 10 * MS, NULL);
  just_sync_test_remote_fail_calls (fixture->remote, 1000, JUST_SYNC_ERROR_NETWORK, FALSE);
  g_signal_connect_swapped (fixture->a.orchestrator, "sync-started", G_CALLBACK (count_signal_cb), &started);
  g_assert_cmpuint (JUST_SYNC_TEST_AWAIT (just_sync_orchestrator_discard_failed,
                                          fixture->a.orchestrator, &error, fixture->scope),
                    ==, 1);
  g_assert_no_error (error);

  just_sync_test_sleep (300);
  g_signal_handlers_disconnect_by_data (fixture->a.orchestrator, &started);
  /* The one the discard asked for; the retry delay of test engines is ten minutes. */
  g_assert_cmpuint (started, ==, 1);
  just_sync_test_remote_fail_calls (fixture->remote, 0, JUST_SYNC_ERROR_NETWORK, FALSE);
  wait_not_syncing (fixture->a.orchestrator);
}

/* A server clock that stepped back behind the sync point: the engine
 * notices and reconciles, so rows stamped "in the past" are not lost. */
static void
test_clock_stepped_back (Fixture       *fixture,
                         gconstpointer  data)
{
  g_autoptr(JustSyncSyncResult) result = NULL;
  gint64 now = g_get_real_time ();

  just_sync_test_remote_set_clock (fixture->remote, now);
  server_put (fixture, "r1", "before", 0);
  result = sync_ok (&fixture->a, fixture->scope);

  just_sync_test_remote_set_clock (fixture->remote, now - 3600 * SEC);
  server_put (fixture, "r2", "after the step", 0);
  g_clear_pointer (&result, just_sync_sync_result_unref);
  result = sync_ok (&fixture->a, fixture->scope);
  assert_local_title (&fixture->a, fixture->scope, "r2", "after the step");
}

static void
count_reconcile_cb (JustSyncOrchestrator *orchestrator,
                    JustSyncScope        *scope,
                    JustSyncSyncPhase     phase,
                    guint                 done,
                    guint                 total,
                    guint                *count)
{
  if (phase == JUST_SYNC_PHASE_RECONCILE)
    (*count)++;
}

/* The widest overlap window (re-read everything, every time) is a plain
 * pull, not a clock step that calls for a reconcile. */
static void
test_widest_overlap_window (Fixture       *fixture,
                            gconstpointer  data)
{
  g_autoptr(JustSyncSyncResult) result = NULL;
  guint reconciled = 0;

  server_put (fixture, "r1", "x", 0);
  g_object_set (fixture->a.orchestrator, "overlap-window", G_MAXINT64, NULL);
  g_signal_connect (fixture->a.orchestrator, "progress", G_CALLBACK (count_reconcile_cb), &reconciled);
  result = sync_ok (&fixture->a, fixture->scope);
  g_clear_pointer (&result, just_sync_sync_result_unref);
  result = sync_ok (&fixture->a, fixture->scope);
  g_assert_cmpuint (reconciled, ==, 0);
  assert_local_title (&fixture->a, fixture->scope, "r1", "x");
}

/* Tombstone retention: a scope pulled in full a moment ago missed no
 * purged tombstone, however old its newest row is; a quiet scope must not
 * be reconciled at every sync. */
static void
test_quiet_scope_not_reconciled (Fixture       *fixture,
                                 gconstpointer  data)
{
  g_autoptr(JustSyncSyncResult) result = NULL;
  guint reconciled = 0;

  server_put (fixture, "r1", "old", T0);
  g_object_set (fixture->a.orchestrator, "tombstone-retention", 60 * SEC, NULL);
  g_signal_connect (fixture->a.orchestrator, "progress", G_CALLBACK (count_reconcile_cb), &reconciled);
  result = sync_ok (&fixture->a, fixture->scope);
  for (guint i = 0; i < 2; i++)
    {
      g_clear_pointer (&result, just_sync_sync_result_unref);
      result = sync_ok (&fixture->a, fixture->scope);
    }
  g_assert_cmpuint (reconciled, ==, 0);
  assert_local_title (&fixture->a, fixture->scope, "r1", "old");

  /* Longer than the retention since the last pull: reconciled. */
  g_object_set (fixture->a.orchestrator, "tombstone-retention", G_GINT64_CONSTANT (1), NULL);
  just_sync_test_sleep (2);
  g_clear_pointer (&result, just_sync_sync_result_unref);
  result = sync_ok (&fixture->a, fixture->scope);
  g_assert_cmpuint (reconciled, ==, 1);
}

/* Deletes travel both ways as tombstones. */
static void
test_delete_propagates (Fixture       *fixture,
                        gconstpointer  data)
{
  g_autoptr(JustSyncSyncResult) result = NULL;
  g_autoptr(JustSyncRecord) tombstone = NULL;

  just_sync_record_unref (test_create (fixture->a.orchestrator, fixture->scope, "r1", "{\"title\": \"x\"}"));
  result = sync_ok (&fixture->a, fixture->scope);
  g_clear_pointer (&result, just_sync_sync_result_unref);
  result = sync_ok (&fixture->b, fixture->scope);
  g_assert_cmpuint (n_local (&fixture->b, fixture->scope), ==, 1);

  test_delete (fixture->a.orchestrator, fixture->scope, "r1");
  g_assert_cmpuint (n_local (&fixture->a, fixture->scope), ==, 0);
  g_clear_pointer (&result, just_sync_sync_result_unref);
  result = sync_ok (&fixture->a, fixture->scope);
  tombstone = just_sync_memory_remote_store_server_get (fixture->remote, fixture->scope, "r1");
  g_assert_true (just_sync_record_is_deleted (tombstone));

  g_clear_pointer (&result, just_sync_sync_result_unref);
  result = sync_ok (&fixture->b, fixture->scope);
  g_assert_cmpuint (just_sync_sync_result_get_deleted (result), ==, 1);
  g_assert_cmpuint (n_local (&fixture->b, fixture->scope), ==, 0);
}

static void
collect_changed_cb (JustSyncOrchestrator *orchestrator,
                    JustSyncScope        *scope,
                    const char * const   *ids,
                    GPtrArray            *seen)
{
  for (guint i = 0; ids[i] != NULL; i++)
    g_ptr_array_add (seen, g_strdup (ids[i]));
}

/* What a UI sees: changed with the ids, pending-count, state. */
static void
test_ui_signals (Fixture       *fixture,
                 gconstpointer  data)
{
  g_autoptr(GPtrArray) seen = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(JustSyncSyncResult) result = NULL;

  g_signal_connect (fixture->a.orchestrator, "changed", G_CALLBACK (collect_changed_cb), seen);
  just_sync_record_unref (test_create (fixture->a.orchestrator, fixture->scope, "r1", "{\"title\": \"x\"}"));
  g_assert_cmpuint (seen->len, ==, 1);
  g_assert_cmpstr (g_ptr_array_index (seen, 0), ==, "r1");
  wait_for_counts (fixture->a.orchestrator, 1, 0);

  result = sync_ok (&fixture->a, fixture->scope);
  wait_for_counts (fixture->a.orchestrator, 0, 0);
  g_assert_cmpint (just_sync_orchestrator_get_last_sync_time (fixture->a.orchestrator), >, 0);
  g_assert_cmpint (just_sync_orchestrator_get_state (fixture->a.orchestrator), ==, JUST_SYNC_STATE_IDLE);

  g_ptr_array_set_size (seen, 0);
  server_put (fixture, "r2", "remote", 0);
  g_clear_pointer (&result, just_sync_sync_result_unref);
  result = sync_ok (&fixture->a, fixture->scope);
  g_assert_cmpuint (seen->len, ==, 1);
  g_assert_cmpstr (g_ptr_array_index (seen, 0), ==, "r2");
}

/* The counts an app reads when a sync ends, in sync-finished and in the
 * sync's callback. */
typedef struct
{
  guint pending;
  guint failed;
  gboolean seen;
} CountsSeen;

typedef struct
{
  CountsSeen at_signal;
  CountsSeen at_callback;
} CountsAtEnd;

static void
read_counts (JustSyncOrchestrator *orchestrator,
             CountsSeen           *seen)
{
  seen->pending = just_sync_orchestrator_get_pending_count (orchestrator);
  seen->failed = just_sync_orchestrator_get_failed_count (orchestrator);
  seen->seen = TRUE;
}

static void
counts_at_signal_cb (JustSyncOrchestrator *orchestrator,
                     JustSyncScope        *scope,
                     JustSyncSyncResult   *result,
                     const GError         *error,
                     CountsAtEnd          *counts)
{
  read_counts (orchestrator, &counts->at_signal);
}

static void
counts_at_callback_cb (GObject      *object,
                       GAsyncResult *res,
                       gpointer      user_data)
{
  CountsAtEnd *counts = user_data;
  g_autoptr(JustSyncSyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  result = just_sync_orchestrator_synchronize_finish (JUST_SYNC_ORCHESTRATOR (object), res, &error);
  g_assert_no_error (error);
  read_counts (JUST_SYNC_ORCHESTRATOR (object), &counts->at_callback);
}

/* Syncs, and asserts the counts read when the sync ended, with no main
 * loop iteration in between. */
static void
assert_counts_at_sync_end (JustSyncOrchestrator *orchestrator,
                           JustSyncScope        *scope,
                           guint                 pending,
                           guint                 failed)
{
  CountsAtEnd counts = { { 0, }, };
  gulong handler;

  handler = g_signal_connect (orchestrator, "sync-finished", G_CALLBACK (counts_at_signal_cb), &counts);
  just_sync_orchestrator_synchronize_async (orchestrator, scope, NULL, counts_at_callback_cb, &counts);
  g_assert_true (just_sync_test_wait_flag (&counts.at_callback.seen, 5000));
  g_signal_handler_disconnect (orchestrator, handler);

  g_assert_true (counts.at_signal.seen);
  g_assert_cmpuint (counts.at_signal.pending, ==, pending);
  g_assert_cmpuint (counts.at_signal.failed, ==, failed);
  g_assert_cmpuint (counts.at_callback.pending, ==, pending);
  g_assert_cmpuint (counts.at_callback.failed, ==, failed);
}

/* pending-count and failed-count are current when a sync ends: in
 * sync-finished and in the sync's callback, not some time later. */
static void
test_counts_current_at_sync_end (Fixture       *fixture,
                                 gconstpointer  data)
{
  const char *rejected[] = { "bad1", "bad2", "bad3" };

  for (guint i = 0; i < 4; i++)
    {
      g_autofree char *id = g_strdup_printf ("r%u", i);

      just_sync_record_unref (test_create (fixture->a.orchestrator, fixture->scope, id, "{\"title\": \"x\"}"));
    }
  wait_for_counts (fixture->a.orchestrator, 4, 0);
  assert_counts_at_sync_end (fixture->a.orchestrator, fixture->scope, 0, 0);

  for (guint i = 0; i < G_N_ELEMENTS (rejected); i++)
    {
      just_sync_test_remote_reject_id (fixture->remote, rejected[i], "no");
      just_sync_record_unref (test_create (fixture->a.orchestrator, fixture->scope, rejected[i],
                                           "{\"title\": \"x\"}"));
    }
  wait_for_counts (fixture->a.orchestrator, 3, 0);
  assert_counts_at_sync_end (fixture->a.orchestrator, fixture->scope, 0, 3);
}

/* A periodic sync picks up server changes of known scopes by itself. */
static void
test_periodic_sync (Fixture       *fixture,
                    gconstpointer  data)
{
  g_autoptr(JustSyncSyncResult) result = NULL;

  result = sync_ok (&fixture->a, fixture->scope);
  server_put (fixture, "r1", "later", 0);
  g_object_set (fixture->a.orchestrator, "sync-interval", SEC, NULL);
  for (guint i = 0; i < 400; i++)
    {
      g_autoptr(JustSyncRecord) pulled =
        just_sync_test_local_get (fixture->a.local, fixture->scope, "r1");

      if (pulled != NULL)
        break;
      just_sync_test_sleep (10);
    }
  assert_local_title (&fixture->a, fixture->scope, "r1", "later");
}

/* A broken server whose pages say "more" but never move on, or hold
 * nothing: the engine must fail the sync, not loop or prune. */
#define TEST_TYPE_STUCK_REMOTE (test_stuck_remote_get_type ())
G_DECLARE_FINAL_TYPE (TestStuckRemote, test_stuck_remote, TEST, STUCK_REMOTE, GObject)

struct _TestStuckRemote
{
  GObject parent_instance;
  gboolean empty;
  guint fetches;
  guint latency_ms;                 /* each page arrives this late */
};

static void stuck_remote_iface_init (JustSyncRemoteStoreInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (TestStuckRemote, test_stuck_remote, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (JUST_SYNC_TYPE_REMOTE_STORE, stuck_remote_iface_init))

static gboolean
stuck_page_arrives_cb (gpointer user_data)
{
  GTask *task = user_data;

  g_task_return_pointer (task, just_sync_delta_ref (g_task_get_task_data (task)),
                         (GDestroyNotify) just_sync_delta_unref);
  return G_SOURCE_REMOVE;
}

static void
stuck_fetch_async (JustSyncRemoteStore *store,
                   JustSyncScope       *scope,
                   JustSyncSyncPoint   *since,
                   guint                limit,
                   GCancellable        *cancellable,
                   GAsyncReadyCallback  callback,
                   gpointer             user_data)
{
  TestStuckRemote *self = TEST_STUCK_REMOTE (store);
  g_autoptr(GTask) task = g_task_new (store, cancellable, callback, user_data);
  g_autoptr(JustSyncDelta) delta = just_sync_delta_new (T0);
  g_autoptr(JustSyncRecord) record = just_sync_record_new ("same", NULL, T0, 0, NULL);

  self->fetches++;
  if (!self->empty)
    just_sync_delta_add (delta, record);
  just_sync_delta_set_has_more (delta, TRUE);
  g_task_set_task_data (task, g_steal_pointer (&delta), (GDestroyNotify) just_sync_delta_unref);
  if (self->latency_ms > 0)
    {
      g_autoptr(GSource) source = g_timeout_source_new (self->latency_ms);

      g_task_attach_source (task, source, stuck_page_arrives_cb);
    }
  else
    stuck_page_arrives_cb (task);
}

static gpointer
stuck_finish (JustSyncRemoteStore  *store,
              GAsyncResult         *result,
              GError              **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
stuck_time_async (JustSyncRemoteStore *store,
                  GCancellable        *cancellable,
                  GAsyncReadyCallback  callback,
                  gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (store, cancellable, callback, user_data);

  g_task_return_int (task, T0);
}

static gint64
stuck_time_finish (JustSyncRemoteStore  *store,
                   GAsyncResult         *result,
                   GError              **error)
{
  return g_task_propagate_int (G_TASK (result), error);
}

static void
stuck_remote_iface_init (JustSyncRemoteStoreInterface *iface)
{
  iface->fetch_since_async = stuck_fetch_async;
  iface->fetch_since_finish = (gpointer) stuck_finish;
  iface->get_server_time_async = stuck_time_async;
  iface->get_server_time_finish = stuck_time_finish;
}

static void
test_stuck_remote_class_init (TestStuckRemoteClass *klass)
{
}

static void
test_stuck_remote_init (TestStuckRemote *self)
{
}

static void
test_stuck_server (Fixture       *fixture,
                   gconstpointer  data)
{
  for (guint empty = 0; empty < 2; empty++)
    {
      g_autoptr(TestStuckRemote) remote = g_object_new (TEST_TYPE_STUCK_REMOTE, NULL);
      g_autoptr(TestNetworkMonitor) monitor = test_network_monitor_new (TRUE);
      g_autoptr(JustSyncOrchestrator) engine = NULL;
      g_autoptr(JustSyncSyncResult) result = NULL;
      g_autoptr(GError) error = NULL;

      remote->empty = empty;
      engine = just_sync_orchestrator_new_with_monitor (fixture->a.local, JUST_SYNC_REMOTE_STORE (remote),
                                                        NULL, G_NETWORK_MONITOR (monitor));
      g_object_set (engine, "retry-base-delay", 10 * G_TIME_SPAN_MINUTE, NULL);
      result = test_sync (engine, fixture->scope, &error);
      g_assert_error (error, JUST_SYNC_ERROR, JUST_SYNC_ERROR_PROTOCOL);
      g_assert_null (result);
      g_assert_cmpuint (remote->fetches, <=, 2);
    }
}

/* A protocol error is permanent: neither the retry backoff nor the
 * periodic sync asks the broken server again, until something changes,
 * such as a local write. */
static void
test_protocol_error_stalls (Fixture       *fixture,
                            gconstpointer  data)
{
  g_autoptr(TestStuckRemote) remote = g_object_new (TEST_TYPE_STUCK_REMOTE, NULL);
  g_autoptr(TestNetworkMonitor) monitor = test_network_monitor_new (TRUE);
  g_autoptr(JustSyncOrchestrator) engine = NULL;
  g_autoptr(JustSyncSyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  guint fetches;

  /* Slow pages: periodic ticks come while the failing job runs, and must
   * not send the scope on once it failed. */
  remote->empty = TRUE;
  remote->latency_ms = 60;
  engine = test_orchestrator_new (fixture->a.local, JUST_SYNC_REMOTE_STORE (remote), monitor);
  g_object_set (engine,
                "retry-base-delay", 20 * MS,
                "sync-interval", 20 * MS,
                "debounce-interval", 10 * MS,
                NULL);
  result = test_sync (engine, fixture->scope, &error);
  g_assert_error (error, JUST_SYNC_ERROR, JUST_SYNC_ERROR_PROTOCOL);
  g_assert_false (just_sync_error_is_transient (error));
  fetches = remote->fetches;

  just_sync_test_sleep (300);
  g_assert_cmpuint (remote->fetches, ==, fetches);

  just_sync_record_unref (test_create (engine, fixture->scope, "r1", "{\"title\": \"x\"}"));
  for (guint i = 0; i < 500 && remote->fetches == fetches; i++)
    just_sync_test_sleep (10);
  g_assert_cmpuint (remote->fetches, >, fetches);
  wait_not_syncing (engine);
}

/* A server in the process (or on loopback) needs no network: the engine
 * syncs with it even when the monitor says the machine is offline. */
static void
test_local_server_needs_no_network (Fixture       *fixture,
                                    gconstpointer  data)
{
  g_autoptr(JustSyncMemoryRemoteStore) local_server = just_sync_test_remote_new ();
  g_autoptr(TestNetworkMonitor) monitor = test_network_monitor_new (FALSE);
  g_autoptr(JustSyncOrchestrator) engine = NULL;
  g_autoptr(JustSyncSyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_false (just_sync_remote_store_needs_network (JUST_SYNC_REMOTE_STORE (local_server)));
  engine = just_sync_orchestrator_new_with_monitor (fixture->a.local, JUST_SYNC_REMOTE_STORE (local_server),
                                                    NULL, G_NETWORK_MONITOR (monitor));
  g_assert_cmpint (just_sync_orchestrator_get_state (engine), !=, JUST_SYNC_STATE_OFFLINE);
  just_sync_record_unref (test_create (engine, fixture->scope, "r1", "{\"title\": \"x\"}"));
  result = test_sync (engine, fixture->scope, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (just_sync_sync_result_get_pushed (result), ==, 1);
}

/* A SQLite store closed while its engine lives: the engine's syncs fail
 * with the store's error, and nothing is logged (warnings are fatal in
 * the tests). */
static void
test_closed_store_is_quiet (Fixture       *fixture,
                            gconstpointer  data)
{
  g_autoptr(JustSyncSyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  guint finished = 0;

  g_assert_true (JUST_SYNC_TEST_AWAIT_OK (just_sync_sqlite_store_close,
                                          JUST_SYNC_SQLITE_STORE (fixture->a.local)));
  g_signal_connect_swapped (fixture->a.orchestrator, "sync-finished", G_CALLBACK (count_signal_cb), &finished);
  result = test_sync (fixture->a.orchestrator, fixture->scope, &error);
  g_assert_error (error, JUST_SYNC_ERROR, JUST_SYNC_ERROR_STORAGE);
  g_assert_null (result);
  g_assert_cmpuint (finished, ==, 1);
  g_assert_cmpint (just_sync_orchestrator_get_state (fixture->a.orchestrator), ==, JUST_SYNC_STATE_ERROR);
  /* The counts the sync's end asked for have come back, quietly. */
  just_sync_test_sleep (100);
  g_assert_cmpuint (just_sync_orchestrator_get_pending_count (fixture->a.orchestrator), ==, 0);
}

/* Reads honour a cancel made before they start, and a finish refuses a
 * result of another call. */
static void
test_api_checks (Fixture       *fixture,
                 gconstpointer  data)
{
  JustSyncOrchestrator *engine = fixture->a.orchestrator;
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GAsyncResult) res = NULL;
  g_autoptr(GAsyncResult) other = NULL;
  g_autoptr(JustSyncRecord) record = NULL;
  g_autoptr(GPtrArray) ops = NULL;
  g_autoptr(GError) error = NULL;
  GAsyncResult *pending = NULL;

  just_sync_record_unref (test_create (engine, fixture->scope, "r1", "{\"title\": \"x\"}"));
  g_cancellable_cancel (cancellable);
  just_sync_orchestrator_get_async (engine, fixture->scope, "r1", cancellable,
                                    just_sync_test_result_cb, &pending);
  res = just_sync_test_await (&pending);
  record = just_sync_orchestrator_get_finish (engine, res, &error);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_null (record);

  just_sync_orchestrator_list_pending_async (engine, fixture->scope, NULL,
                                             just_sync_test_result_cb, &pending);
  other = just_sync_test_await (&pending);
  g_test_expect_message ("JustSync", G_LOG_LEVEL_CRITICAL, "*is_tagged*");
  g_assert_null (just_sync_orchestrator_get_finish (engine, other, NULL));
  g_test_assert_expected_messages ();

  g_clear_object (&res);
  just_sync_orchestrator_get_async (engine, fixture->scope, "r1", NULL,
                                    just_sync_test_result_cb, &pending);
  res = just_sync_test_await (&pending);
  g_test_expect_message ("JustSync", G_LOG_LEVEL_CRITICAL, "*is_tagged*");
  ops = just_sync_orchestrator_list_pending_finish (engine, res, NULL);
  g_assert_null (ops);
  g_test_assert_expected_messages ();
}

static void
add_tests (const char        *prefix,
           LocalStoreFactory  factory)
{
#define ADD(name, func) \
  G_STMT_START { \
    g_autofree char *path = g_strdup_printf ("%s/%s", prefix, name); \
    g_test_add (path, Fixture, (gconstpointer) factory, fixture_setup, func, fixture_teardown); \
  } G_STMT_END

  ADD ("round-trip", test_round_trip);
  ADD ("scope-isolation", test_scope_isolation);
  ADD ("rule3/stale-offline-edit-loses", test_stale_offline_edit);
  ADD ("rule3/newer-offline-edit-wins", test_newer_offline_edit_wins);
  ADD ("echo/edit-during-push", test_edit_during_push);
  ADD ("echo/edit-during-pull", test_edit_during_pull);
  ADD ("rule2/equal-stamps-across-pages", test_equal_stamps_across_pages);
  ADD ("pull/fetches-ahead", test_pull_fetches_ahead);
  ADD ("pull/fetch-ahead-fails", test_fetch_ahead_fails);
  ADD ("rule2/same-millisecond-writes", test_same_millisecond_writes);
  ADD ("rule2/late-commit-in-window", test_late_commit_in_window);
  ADD ("identity/older-stamp-commits-last", test_older_stamp_commits_last);
  ADD ("rule4/lost-push-reply", test_lost_push_reply);
  ADD ("api/checks", test_api_checks);
  ADD ("errors/permanent-error-isolated", test_permanent_error_isolated);
  ADD ("errors/transient-retry", test_transient_retry);
  ADD ("errors/retry-backoff", test_retry_backoff);
  ADD ("errors/precondition-failed-backs-off", test_precondition_failed_backs_off);
  ADD ("network/offline-then-online", test_offline_then_online);
  ADD ("cancel/mid-pull", test_cancel_mid_pull);
  ADD ("cancel/during-push", test_cancel_during_push);
  ADD ("join-running-sync", test_join_running_sync);
  ADD ("join-after-push-started", test_join_after_push_started);
  ADD ("dispose-during-sync", test_dispose_during_sync);
  ADD ("read-policies", test_read_policies);
  ADD ("rule5/server-clock", test_server_clock);
  ADD ("reconcile/hard-delete", test_reconcile_hard_delete);
  ADD ("reconcile/failed-is-redone", test_reconcile_failed_is_redone);
  ADD ("reconcile/failing-waits-for-backoff", test_reconcile_failing_backs_off);
  ADD ("reconcile/clock-stepped-back", test_clock_stepped_back);
  ADD ("rule2/widest-overlap-window", test_widest_overlap_window);
  ADD ("reconcile/quiet-scope-not-reconciled", test_quiet_scope_not_reconciled);
  ADD ("delete-propagates", test_delete_propagates);
  ADD ("ui-signals", test_ui_signals);
  ADD ("ui/counts-current-at-sync-end", test_counts_current_at_sync_end);
  ADD ("network/periodic-sync", test_periodic_sync);
  ADD ("network/local-server-needs-no-network", test_local_server_needs_no_network);
  ADD ("errors/stuck-server", test_stuck_server);
  ADD ("errors/protocol-error-stalls", test_protocol_error_stalls);
#undef ADD
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  add_tests ("/orchestrator/memory", just_sync_memory_local_store_new);
  add_tests ("/orchestrator/sqlite", test_new_sqlite_store);
  g_test_add ("/orchestrator/sqlite/closed-store-is-quiet", Fixture, (gconstpointer) test_new_sqlite_store,
              fixture_setup, test_closed_store_is_quiet, fixture_teardown);
  g_test_add ("/orchestrator/sqlite/main-loop-never-stalls", Fixture, (gconstpointer) test_new_sqlite_store,
              fixture_setup, test_main_loop_never_stalls, fixture_teardown);

  return g_test_run ();
}
