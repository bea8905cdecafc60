/* test-cache.c: per-scope cache limits, LRU eviction and refills
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Client A writes to the shared memory remote; client B keeps a limited
 * copy. Every test runs on the memory and the SQLite store.
 */

#include "test-support.h"

typedef JustSyncLocalStore *(*LocalStoreFactory) (void);

typedef struct
{
  JustSyncMemoryRemoteStore *remote;
  JustSyncScope *scope;
  TestClient a;
  TestClient b;
  guint n_evicted;             /* B's evicted signals */
} Fixture;

static void
evicted_cb (JustSyncOrchestrator *orchestrator,
            JustSyncScope        *scope,
            guint                 n_evicted,
            Fixture              *fixture)
{
  g_assert_cmpuint (n_evicted, >, 0);
  fixture->n_evicted++;
}

static void
fixture_setup (Fixture       *fixture,
               gconstpointer  data)
{
  LocalStoreFactory new_local_store = (LocalStoreFactory) data;

  fixture->remote = just_sync_test_remote_new ();
  just_sync_test_remote_set_needs_network (fixture->remote, TRUE);
  fixture->scope = just_sync_test_scope ("records", "owner", "u1", NULL);
  test_client_init (&fixture->a, new_local_store (), JUST_SYNC_REMOTE_STORE (fixture->remote));
  test_client_init (&fixture->b, new_local_store (), JUST_SYNC_REMOTE_STORE (fixture->remote));
  g_signal_connect (fixture->b.orchestrator, "evicted", G_CALLBACK (evicted_cb), fixture);
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

static guint
n_rows (TestClient    *client,
        JustSyncScope *scope)
{
  g_autoptr(GPtrArray) rows = just_sync_test_local_query (client->local, scope);

  return rows->len;
}

static gboolean
has_row (TestClient    *client,
         JustSyncScope *scope,
         const char    *id)
{
  g_autoptr(JustSyncRecord) row = just_sync_test_local_get (client->local, scope, id);

  return row != NULL;
}

/* Waits until B has evicted @n_evicted times and holds @rows live rows. */
static void
wait_evicted (Fixture *fixture,
              guint    n_evicted,
              guint    rows)
{
  g_assert_true (just_sync_test_wait_count (&fixture->n_evicted, n_evicted, 10000));
  for (guint i = 0; i < 200 && n_rows (&fixture->b, fixture->scope) != rows; i++)
    just_sync_test_sleep (25);
  g_assert_cmpuint (n_rows (&fixture->b, fixture->scope), ==, rows);
}

/* A creates r0..r{n-1}, one millisecond apart, and syncs. */
static void
create_rows (Fixture *fixture,
             guint    first,
             guint    n)
{
  for (guint i = first; i < first + n; i++)
    {
      g_autofree char *id = g_strdup_printf ("r%u", i);
      g_autofree char *json = g_strdup_printf ("{\"n\": %u}", i);

      just_sync_record_unref (test_create (fixture->a.orchestrator, fixture->scope, id, json));
      just_sync_test_sleep (1);
    }
  just_sync_sync_result_unref (test_sync_ok (fixture->a.orchestrator, fixture->scope));
}

static GPtrArray *
read_remote_first (TestClient    *client,
                   JustSyncScope *scope)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GAsyncResult) res = NULL;
  GAsyncResult *pending = NULL;
  GPtrArray *records;
  gboolean from_cache = TRUE;

  just_sync_orchestrator_read_async (client->orchestrator, scope, JUST_SYNC_READ_REMOTE_FIRST,
                                     NULL, just_sync_test_result_cb, &pending);
  res = just_sync_test_await (&pending);
  records = just_sync_orchestrator_read_finish (client->orchestrator, res, &from_cache, &error);
  g_assert_no_error (error);
  g_assert_false (from_cache);
  return records;
}

/* Eviction during a sync keeps the most recently used synced rows, never a
 * row whose change waits, never a tombstone; the scope says it is
 * partial, and a remote-policy read brings the evicted rows back. */
static void
test_evict_during_sync (Fixture       *fixture,
                        gconstpointer  data)
{
  g_autoptr(JustSyncRecord) read = NULL;
  g_autoptr(JustSyncRecord) tombstone = NULL;
  g_autoptr(GPtrArray) all = NULL;

  create_rows (fixture, 0, 10);
  just_sync_orchestrator_set_cache_limit (fixture->b.orchestrator, fixture->scope, 4, 0);
  g_assert_false (just_sync_orchestrator_is_partial (fixture->b.orchestrator, fixture->scope));

  /* The pull brings ten rows; the six least recently used go. */
  just_sync_sync_result_unref (test_sync_ok (fixture->b.orchestrator, fixture->scope));
  wait_evicted (fixture, 1, 4);
  g_assert_true (just_sync_orchestrator_is_partial (fixture->b.orchestrator, fixture->scope));

  /* A tombstone stays; reading r9 by id makes it the most recently used. */
  test_delete (fixture->a.orchestrator, fixture->scope, "r0");
  just_sync_sync_result_unref (test_sync_ok (fixture->a.orchestrator, fixture->scope));
  just_sync_sync_result_unref (test_sync_ok (fixture->b.orchestrator, fixture->scope));
  tombstone = just_sync_test_local_get (fixture->b.local, fixture->scope, "r0");
  g_assert_nonnull (tombstone);
  g_assert_true (just_sync_record_is_deleted (tombstone));
  g_assert_true (has_row (&fixture->b, fixture->scope, "r9"));
  read = JUST_SYNC_TEST_AWAIT_OK (just_sync_orchestrator_get, fixture->b.orchestrator,
                                  fixture->scope, "r9");
  g_assert_nonnull (read);

  /* Offline writes of B: their rows wait to be pushed and are never
   * evicted; the synced rows make room, r9 last. */
  test_network_monitor_set_available (fixture->b.monitor, FALSE);
  for (guint i = 0; i < 4; i++)
    {
      g_autofree char *id = g_strdup_printf ("mine%u", i);

      just_sync_record_unref (test_create (fixture->b.orchestrator, fixture->scope, id, "{}"));
    }
  wait_evicted (fixture, 2, 4);
  for (guint i = 0; i < 4; i++)
    {
      g_autofree char *id = g_strdup_printf ("mine%u", i);

      g_assert_true (has_row (&fixture->b, fixture->scope, id));
    }
  just_sync_record_unref (test_create (fixture->b.orchestrator, fixture->scope, "mine4", "{}"));
  just_sync_test_sleep (100);
  g_assert_cmpuint (n_rows (&fixture->b, fixture->scope), ==, 5);
  g_assert_true (has_row (&fixture->b, fixture->scope, "r0"));   /* the tombstone */

  /* Raised limit, remote-policy read: every row is back, the scope whole. */
  test_network_monitor_set_available (fixture->b.monitor, TRUE);
  just_sync_orchestrator_set_cache_limit (fixture->b.orchestrator, fixture->scope, 100, 0);
  all = read_remote_first (&fixture->b, fixture->scope);
  g_assert_cmpuint (all->len, ==, 9 + 5);
  g_assert_cmpuint (n_rows (&fixture->b, fixture->scope), ==, 9 + 5);
  g_assert_false (just_sync_orchestrator_is_partial (fixture->b.orchestrator, fixture->scope));
}

/* A remote-policy read under the limit still returns the evicted rows;
 * later incremental syncs do not lose track of them. */
static void
test_refill_with_limit (Fixture       *fixture,
                        gconstpointer  data)
{
  g_autoptr(GPtrArray) all = NULL;
  g_autoptr(GPtrArray) again = NULL;

  create_rows (fixture, 0, 6);
  just_sync_orchestrator_set_cache_limit (fixture->b.orchestrator, fixture->scope, 3, 0);
  just_sync_sync_result_unref (test_sync_ok (fixture->b.orchestrator, fixture->scope));
  wait_evicted (fixture, 1, 3);

  /* An incremental sync does not bring them back... */
  create_rows (fixture, 6, 1);
  just_sync_sync_result_unref (test_sync_ok (fixture->b.orchestrator, fixture->scope));
  wait_evicted (fixture, 2, 3);
  g_assert_true (just_sync_orchestrator_is_partial (fixture->b.orchestrator, fixture->scope));

  /* ...a remote-policy read does, and the limit then applies again. */
  all = read_remote_first (&fixture->b, fixture->scope);
  g_assert_cmpuint (all->len, ==, 7);
  wait_evicted (fixture, 3, 3);
  g_assert_true (just_sync_orchestrator_is_partial (fixture->b.orchestrator, fixture->scope));
  again = read_remote_first (&fixture->b, fixture->scope);
  g_assert_cmpuint (again->len, ==, 7);
}

/* A byte limit. */
static void
test_byte_limit (Fixture       *fixture,
                 gconstpointer  data)
{
  /* Each row is {"n":i}: 7 bytes. */
  create_rows (fixture, 0, 8);
  just_sync_orchestrator_set_cache_limit (fixture->b.orchestrator, fixture->scope, 0, 22);
  just_sync_sync_result_unref (test_sync_ok (fixture->b.orchestrator, fixture->scope));
  wait_evicted (fixture, 1, 3);
  /* The newest survive: nothing was used yet, so the oldest went. */
  g_assert_true (has_row (&fixture->b, fixture->scope, "r7"));
  g_assert_false (has_row (&fixture->b, fixture->scope, "r0"));
}

static void
items_changed_cb (GListModel *model,
                  guint       position,
                  guint       removed,
                  guint       added,
                  guint      *n_changes)
{
  (*n_changes)++;
}

static void
assert_model_is_store (GListModel    *model,
                       TestClient    *client,
                       JustSyncScope *scope)
{
  g_autoptr(GPtrArray) rows = just_sync_test_local_query (client->local, scope);
  g_autoptr(GHashTable) ids = g_hash_table_new (g_str_hash, g_str_equal);

  g_assert_cmpuint (g_list_model_get_n_items (model), ==, rows->len);
  for (guint i = 0; i < rows->len; i++)
    g_hash_table_add (ids, (gpointer) just_sync_record_get_id (g_ptr_array_index (rows, i)));
  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(JustSyncRecordObject) item = g_list_model_get_item (model, i);

      g_assert_true (g_hash_table_contains (ids, just_sync_record_object_get_id (item)));
    }
}

/* Eviction during a watch: the watched list drops the evicted rows and
 * equals the store; a refill brings them back into it. */
static void
test_evict_during_watch (Fixture       *fixture,
                         gconstpointer  data)
{
  g_autoptr(JustSyncQuery) query = just_sync_query_new (fixture->scope);
  g_autoptr(JustSyncLiveQuery) live = NULL;
  g_autoptr(GPtrArray) all = NULL;
  guint n_changes = 0;

  create_rows (fixture, 0, 3);
  just_sync_sync_result_unref (test_sync_ok (fixture->b.orchestrator, fixture->scope));
  live = just_sync_orchestrator_watch (fixture->b.orchestrator, query);
  g_signal_connect (live, "items-changed", G_CALLBACK (items_changed_cb), &n_changes);
  for (guint i = 0; i < 200 && just_sync_live_query_get_loading (live); i++)
    just_sync_test_sleep (10);
  g_assert_false (just_sync_live_query_get_loading (live));
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (live)), ==, 3);

  just_sync_orchestrator_set_cache_limit (fixture->b.orchestrator, fixture->scope, 4, 0);
  create_rows (fixture, 3, 5);
  just_sync_sync_result_unref (test_sync_ok (fixture->b.orchestrator, fixture->scope));
  wait_evicted (fixture, 1, 4);
  for (guint i = 0; i < 200 && g_list_model_get_n_items (G_LIST_MODEL (live)) != 4; i++)
    just_sync_test_sleep (10);
  assert_model_is_store (G_LIST_MODEL (live), &fixture->b, fixture->scope);
  g_assert_cmpuint (n_changes, >, 0);

  just_sync_orchestrator_set_cache_limit (fixture->b.orchestrator, fixture->scope, 0, 0);
  all = read_remote_first (&fixture->b, fixture->scope);
  g_assert_cmpuint (all->len, ==, 8);
  for (guint i = 0; i < 200 && g_list_model_get_n_items (G_LIST_MODEL (live)) != 8; i++)
    just_sync_test_sleep (10);
  assert_model_is_store (G_LIST_MODEL (live), &fixture->b, fixture->scope);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (live)), ==, 8);
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

  ADD ("evict-during-sync", test_evict_during_sync);
  ADD ("refill-with-limit", test_refill_with_limit);
  ADD ("byte-limit", test_byte_limit);
  ADD ("evict-during-watch", test_evict_during_watch);
#undef ADD
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  add_tests ("/cache/memory", just_sync_memory_local_store_new);
  add_tests ("/cache/sqlite", test_new_sqlite_store);

  return g_test_run ();
}
