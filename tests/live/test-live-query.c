/* test-live-query.c: queries and live queries on every local store
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include <string.h>

#include <justsync/justsync.h>

#include "justsync-live-query-private.h"
#include "justsync-query-private.h"
#include "sqlite-test-util.h"
#include "test-support.h"

typedef enum
{
  STORE_MEMORY,
  STORE_SQLITE,
} StoreKind;

static JustSyncLocalStore *
open_store (StoreKind kind)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;
  JustSyncSqliteStore *store;

  if (kind == STORE_MEMORY)
    return just_sync_memory_local_store_new ();

  /* G_TEST_OPTION_ISOLATE_DIRS gives every test its own data folder. */
  path = g_build_filename (g_get_user_data_dir (), "live.db", NULL);
  store = util_open (path, FALSE, &error);
  g_assert_no_error (error);
  return JUST_SYNC_LOCAL_STORE (store);
}

static void
close_store (JustSyncLocalStore *store)
{
  if (JUST_SYNC_IS_SQLITE_STORE (store))
    util_close (JUST_SYNC_SQLITE_STORE (store));
  else
    g_object_unref (store);
}

static GPtrArray *
run_query (JustSyncLocalStore *store,
           JustSyncQuery      *query)
{
  return JUST_SYNC_TEST_AWAIT_OK (just_sync_local_store_run_query, store, query, NULL);
}

static void
wait_settled (JustSyncLiveQuery *live)
{
  gint64 deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;

  while (!_just_sync_live_query_is_settled (live) || just_sync_live_query_get_loading (live))
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_main_context_iteration (NULL, TRUE);
    }
  g_assert_null (just_sync_live_query_get_error (live));
}

/* {{{ Replaying items-changed on a plain array */

typedef struct
{
  GPtrArray *items;            /* what the signals say the model holds */
  GArray *signals;             /* guint triples: position, removed, added */
} Replay;

static void
replay_items_changed_cb (GListModel *model,
                         guint       position,
                         guint       removed,
                         guint       added,
                         Replay     *replay)
{
  guint triple[3] = { position, removed, added };

  g_assert_cmpuint (position + removed, <=, replay->items->len);
  g_ptr_array_remove_range (replay->items, position, removed);
  for (guint i = 0; i < added; i++)
    g_ptr_array_insert (replay->items, position + i, g_list_model_get_item (model, position + i));
  g_array_append_vals (replay->signals, triple, 3);
  /* The model is in its new state while the signal runs. */
  g_assert_cmpuint (replay->items->len, ==, g_list_model_get_n_items (model));
}

static void
replay_init (Replay     *replay,
             GListModel *model)
{
  replay->items = g_ptr_array_new_with_free_func (g_object_unref);
  replay->signals = g_array_new (FALSE, FALSE, sizeof (guint));
  g_signal_connect (model, "items-changed", G_CALLBACK (replay_items_changed_cb), replay);
}

static void
replay_clear (Replay *replay)
{
  g_ptr_array_unref (replay->items);
  g_array_unref (replay->signals);
}

/* The model equals a fresh run of its query, and the replayed signals
 * give the same items, the same objects. */
static void
assert_live_query_is_fresh (JustSyncLiveQuery *live,
                            Replay            *replay)
{
  GListModel *model = G_LIST_MODEL (live);
  g_autoptr(GPtrArray) fresh = run_query (just_sync_live_query_get_store (live),
                                          just_sync_live_query_get_query (live));

  g_assert_cmpuint (g_list_model_get_n_items (model), ==, fresh->len);
  g_assert_cmpuint (replay->items->len, ==, fresh->len);
  for (guint i = 0; i < fresh->len; i++)
    {
      g_autoptr(JustSyncRecordObject) item = g_list_model_get_item (model, i);
      JustSyncRecord *expected = g_ptr_array_index (fresh, i);

      if (!just_sync_record_equal (just_sync_record_object_get_record (item), expected))
        g_error ("item %u is %s, the query says %s", i, just_sync_record_object_get_id (item),
                 just_sync_record_get_id (expected));
      g_assert_true (g_ptr_array_index (replay->items, i) == item);
    }
}

/* }}} */
/* {{{ Random data */

static const char * const titles[] = { "alpha", "beta", "gamma", "delta", "omega", "pi" };

/* A payload with a rank of a random type now and then, so that mixed
 * types are ordered and compared too. */
static char *
random_payload (GRand *rand)
{
  g_autofree char *rank = NULL;

  switch (g_rand_int_range (rand, 0, 10))
    {
    case 0:
      rank = g_strdup ("null");
      break;
    case 1:
      rank = g_strdup_printf ("\"%s\"", titles[g_rand_int_range (rand, 0, G_N_ELEMENTS (titles))]);
      break;
    case 2:
      rank = g_strdup_printf ("%d.5", g_rand_int_range (rand, 0, 5));
      break;
    case 3:
      rank = g_strdup ("{\"x\": 1}");
      break;
    default:
      rank = g_strdup_printf ("%d", g_rand_int_range (rand, 0, 5));
      break;
    }
  if (g_rand_int_range (rand, 0, 12) == 0)
    return g_strdup_printf ("{\"title\": \"%s\", \"done\": %s}",
                            titles[g_rand_int_range (rand, 0, G_N_ELEMENTS (titles))],
                            g_rand_boolean (rand) ? "true" : "false");
  return g_strdup_printf ("{\"title\": \"%s\", \"rank\": %s, \"done\": %s, \"o\": {\"k\": %d}}",
                          titles[g_rand_int_range (rand, 0, G_N_ELEMENTS (titles))], rank,
                          g_rand_boolean (rand) ? "true" : "false",
                          g_rand_int_range (rand, 0, 4));
}

static char *
random_id (GRand *rand)
{
  return g_strdup_printf ("r%02d", g_rand_int_range (rand, 0, 60));
}

static void
random_local_write (JustSyncLocalStore *store,
                    JustSyncScope      *scope,
                    GRand              *rand,
                    gint64             *clock)
{
  guint n = g_rand_int_range (rand, 1, 5);
  g_autoptr(GPtrArray) records = g_ptr_array_new_with_free_func ((GDestroyNotify) just_sync_record_unref);
  g_autoptr(GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GPtrArray) ops = NULL;
  g_autoptr(GError) error = NULL;

  for (guint i = 0; i < n; i++)
    {
      g_autofree char *id = random_id (rand);
      g_autofree char *payload = random_payload (rand);

      if (g_hash_table_contains (seen, id))
        continue;
      g_ptr_array_add (records, just_sync_test_record (id, payload, ++*clock));
      g_hash_table_add (seen, g_steal_pointer (&id));
    }
  ops = just_sync_test_local_upsert (store, scope, records, &error);
  g_assert_no_error (error);
}

static void
random_local_delete (JustSyncLocalStore *store,
                     JustSyncScope      *scope,
                     GRand              *rand,
                     gint64             *clock)
{
  g_autoptr(GPtrArray) ids = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) ops = NULL;
  g_autoptr(GError) error = NULL;

  g_ptr_array_add (ids, random_id (rand));
  if (g_rand_boolean (rand))
    {
      char *other = random_id (rand);

      if (g_strcmp0 (other, g_ptr_array_index (ids, 0)) != 0)
        g_ptr_array_add (ids, other);
      else
        g_free (other);
    }
  g_ptr_array_add (ids, NULL);
  ops = just_sync_test_local_delete (store, scope, (const char * const *) ids->pdata, ++*clock,
                                     &error);
  g_assert_no_error (error);
}

static void
random_remote_page (JustSyncLocalStore *store,
                    JustSyncScope      *scope,
                    GRand              *rand,
                    gint64             *clock)
{
  g_autoptr(JustSyncDelta) delta = just_sync_delta_new (*clock + 10);
  g_autoptr(JustSyncConflictResolver) resolver = just_sync_last_write_wins_resolver_new ();
  g_autoptr(JustSyncApplyResult) result = NULL;
  g_autoptr(GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GError) error = NULL;
  guint n = g_rand_int_range (rand, 1, 7);

  for (guint i = 0; i < n; i++)
    {
      g_autofree char *id = random_id (rand);
      g_autoptr(JustSyncRecord) record = NULL;

      if (g_hash_table_contains (seen, id))
        continue;
      if (g_rand_int_range (rand, 0, 4) == 0)
        record = just_sync_test_tombstone (id, ++*clock);
      else
        {
          g_autofree char *payload = random_payload (rand);

          record = just_sync_test_record (id, payload, ++*clock);
        }
      just_sync_delta_add (delta, record);
      g_hash_table_add (seen, g_steal_pointer (&id));
    }
  result = just_sync_test_local_apply (store, scope, delta, resolver, &error);
  g_assert_no_error (error);
}

/* }}} */
/* {{{ Queries */

typedef JustSyncQuery *(*QueryFactory) (JustSyncScope *scope);

static JustSyncQuery *
query_open_by_rank (JustSyncScope *scope)
{
  JustSyncQuery *query = just_sync_query_new (scope);

  just_sync_query_add_filter_boolean (query, "done", JUST_SYNC_QUERY_EQUAL, FALSE);
  just_sync_query_add_order (query, "rank", TRUE);
  just_sync_query_add_order (query, "title", FALSE);
  return query;
}

static JustSyncQuery *
query_top_seven (JustSyncScope *scope)
{
  JustSyncQuery *query = query_open_by_rank (scope);

  just_sync_query_set_limit (query, 7);
  return query;
}

static JustSyncQuery *
query_recent_with_a (JustSyncScope *scope)
{
  JustSyncQuery *query = just_sync_query_new (scope);

  just_sync_query_add_filter_string (query, "title", JUST_SYNC_QUERY_CONTAINS, "a");
  just_sync_query_add_filter_int (query, "o.k", JUST_SYNC_QUERY_LESS_OR_EQUAL, 2);
  just_sync_query_add_order (query, NULL, TRUE);
  just_sync_query_set_limit (query, 5);
  return query;
}

static JustSyncQuery *
query_everything (JustSyncScope *scope)
{
  return just_sync_query_new (scope);
}

/* }}} */
/* {{{ Randomized live queries */

typedef struct
{
  StoreKind store;
  QueryFactory query;
  guint32 seed;
} LiveCase;

static void
test_live_random (gconstpointer data)
{
  const LiveCase *test = data;
  g_autoptr(JustSyncScope) scope = just_sync_test_scope ("tasks", NULL);
  g_autoptr(JustSyncScope) other = just_sync_test_scope ("notes", NULL);
  JustSyncLocalStore *store = open_store (test->store);
  g_autoptr(JustSyncQuery) query = test->query (scope);
  g_autoptr(GRand) rand = g_rand_new_with_seed (test->seed);
  g_autoptr(JustSyncLiveQuery) live = NULL;
  gint64 clock = 1000;
  Replay replay;

  /* Rows before the watch starts. */
  for (guint i = 0; i < 5; i++)
    random_local_write (store, scope, rand, &clock);

  live = just_sync_live_query_new (store, query);
  replay_init (&replay, G_LIST_MODEL (live));
  g_assert_true (just_sync_live_query_get_loading (live));
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (live)), ==, 0);
  wait_settled (live);
  assert_live_query_is_fresh (live, &replay);

  for (guint step = 0; step < 100; step++)
    {
      switch (g_rand_int_range (rand, 0, 7))
        {
        case 0:
        case 1:
        case 2:
          random_local_write (store, scope, rand, &clock);
          break;
        case 3:
          random_local_delete (store, scope, rand, &clock);
          break;
        case 4:
          /* Another scope: the model must not move. */
          random_local_write (store, other, rand, &clock);
          break;
        default:
          random_remote_page (store, scope, rand, &clock);
          break;
        }
      wait_settled (live);
      assert_live_query_is_fresh (live, &replay);
    }

  g_test_message ("%u items, %u signals", g_list_model_get_n_items (G_LIST_MODEL (live)),
                  replay.signals->len / 3);
  g_signal_handlers_disconnect_by_data (live, &replay);
  replay_clear (&replay);
  g_clear_object (&live);
  close_store (store);
}

/* }}} */
/* {{{ The smallest change */

static void
put (JustSyncLocalStore *store,
     JustSyncScope      *scope,
     const char         *id,
     const char         *json,
     gint64              updated_at)
{
  g_autoptr(GPtrArray) records = just_sync_test_records (just_sync_test_record (id, json, updated_at), NULL);
  g_autoptr(GPtrArray) ops = NULL;
  g_autoptr(GError) error = NULL;

  ops = just_sync_test_local_upsert (store, scope, records, &error);
  g_assert_no_error (error);
}

static void
assert_signals (Replay *replay,
                ...)
{
  va_list args;
  guint i = 0;
  int value;

  va_start (args, replay);
  while ((value = va_arg (args, int)) >= 0)
    {
      g_assert_cmpuint (i, <, replay->signals->len);
      g_assert_cmpint (g_array_index (replay->signals, guint, i), ==, value);
      i++;
    }
  va_end (args);
  g_assert_cmpuint (i, ==, replay->signals->len);
  g_array_set_size (replay->signals, 0);
}

static void
record_notified_cb (GObject    *item,
                    GParamSpec *pspec,
                    guint      *count)
{
  (*count)++;
}

static void
test_live_minimal (gconstpointer data)
{
  StoreKind kind = GPOINTER_TO_INT (data);
  g_autoptr(JustSyncScope) scope = just_sync_test_scope ("tasks", NULL);
  JustSyncLocalStore *store = open_store (kind);
  g_autoptr(JustSyncQuery) query = just_sync_query_new (scope);
  g_autoptr(JustSyncLiveQuery) live = NULL;
  g_autoptr(JustSyncRecordObject) first = NULL;
  g_autoptr(JustSyncRecordObject) moved = NULL;
  g_autoptr(JustSyncConflictResolver) resolver = just_sync_last_write_wins_resolver_new ();
  g_autoptr(JustSyncApplyResult) result = NULL;
  g_autoptr(JustSyncDelta) delta = NULL;
  g_autoptr(GPtrArray) ops = NULL;
  g_autoptr(GError) error = NULL;
  guint notified = 0;
  Replay replay;

  just_sync_query_add_order (query, "rank", FALSE);
  for (guint i = 0; i < 5; i++)
    {
      g_autofree char *id = g_strdup_printf ("t%u", i);
      g_autofree char *json = g_strdup_printf ("{\"rank\": %u, \"title\": \"task %u\"}", i * 10, i);

      put (store, scope, id, json, 100 + i);
    }

  live = just_sync_live_query_new (store, query);
  replay_init (&replay, G_LIST_MODEL (live));
  wait_settled (live);
  /* The first load is one signal. */
  assert_signals (&replay, 0, 0, 5, -1);

  /* A content change keeps the item and its place: a notify, no signal. */
  first = g_list_model_get_item (G_LIST_MODEL (live), 0);
  g_signal_connect (first, "notify::record", G_CALLBACK (record_notified_cb), &notified);
  put (store, scope, "t0", "{\"rank\": 0, \"title\": \"renamed\"}", 200);
  wait_settled (live);
  assert_signals (&replay, -1);
  g_assert_cmpuint (notified, ==, 1);
  g_assert_cmpstr (just_sync_record_object_get_string (first, "title"), ==, "renamed");
  g_assert_cmpint (just_sync_record_object_get_updated_at (first), ==, 200);
  g_assert_cmpint (just_sync_record_object_get_int (first, "rank"), ==, 0);

  /* A changed sort key moves the row, the same object. */
  put (store, scope, "t0", "{\"rank\": 25, \"title\": \"renamed\"}", 201);
  wait_settled (live);
  assert_signals (&replay, 0, 1, 0, 2, 0, 1, -1);
  moved = g_list_model_get_item (G_LIST_MODEL (live), 2);
  g_assert_true (moved == first);

  /* A new row goes where it sorts. */
  put (store, scope, "t9", "{\"rank\": 15}", 202);
  wait_settled (live);
  assert_signals (&replay, 1, 0, 1, -1);

  /* A deleted row leaves, locally or from the server. */
  ops = just_sync_test_local_delete (store, scope, (const char *[]) { "t9", NULL }, 203, &error);
  g_assert_no_error (error);
  wait_settled (live);
  assert_signals (&replay, 1, 1, 0, -1);

  delta = just_sync_test_delta (300, just_sync_test_tombstone ("t4", 300), NULL);
  result = just_sync_test_local_apply (store, scope, delta, resolver, &error);
  g_assert_no_error (error);
  wait_settled (live);
  assert_signals (&replay, 4, 1, 0, -1);
  assert_live_query_is_fresh (live, &replay);

  g_signal_handlers_disconnect_by_data (first, &notified);
  g_signal_handlers_disconnect_by_data (live, &replay);
  replay_clear (&replay);
  g_clear_object (&live);
  close_store (store);
}

/* }}} */
/* {{{ Query semantics: every store agrees with just_sync_query_compare () */

static void
test_query_agrees (void)
{
  g_autoptr(JustSyncScope) scope = just_sync_test_scope ("tasks", NULL);
  JustSyncLocalStore *memory = open_store (STORE_MEMORY);
  JustSyncLocalStore *sqlite = open_store (STORE_SQLITE);
  g_autoptr(GRand) rand = g_rand_new_with_seed (7);
  static const char * const fields[] = { "rank", "title", "done", "o.k", "o", "missing" };

  /* The same rows in both stores. */
  for (guint s = 0; s < 2; s++)
    {
      g_autoptr(GRand) rows = g_rand_new_with_seed (11);
      gint64 clock = 1;

      for (guint i = 0; i < 40; i++)
        random_local_write (s == 0 ? memory : sqlite, scope, rows, &clock);
    }

  for (guint i = 0; i < 200; i++)
    {
      g_autoptr(JustSyncQuery) query = just_sync_query_new (scope);
      g_autoptr(GPtrArray) from_memory = NULL;
      g_autoptr(GPtrArray) from_sqlite = NULL;
      guint n_filters = g_rand_int_range (rand, 0, 3);
      guint n_orders = g_rand_int_range (rand, 0, 3);

      for (guint f = 0; f < n_filters; f++)
        {
          const char *field = fields[g_rand_int_range (rand, 0, G_N_ELEMENTS (fields))];
          JustSyncQueryOperator op = g_rand_int_range (rand, JUST_SYNC_QUERY_EQUAL,
                                                       JUST_SYNC_QUERY_CONTAINS + 1);

          switch (op == JUST_SYNC_QUERY_CONTAINS ? 0 : g_rand_int_range (rand, 0, 5))
            {
            case 0:
              just_sync_query_add_filter_string (query, field, op,
                                                 op == JUST_SYNC_QUERY_CONTAINS ? "a" : "beta");
              break;
            case 1:
              just_sync_query_add_filter_int (query, field, op, g_rand_int_range (rand, 0, 5));
              break;
            case 2:
              just_sync_query_add_filter_double (query, field, op, 2.5);
              break;
            case 3:
              just_sync_query_add_filter_boolean (query, field, op, g_rand_boolean (rand));
              break;
            default:
              just_sync_query_add_filter_is_null (query, field);
              break;
            }
        }
      for (guint o = 0; o < n_orders; o++)
        just_sync_query_add_order (query,
                                   g_rand_boolean (rand)
                                     ? fields[g_rand_int_range (rand, 0, G_N_ELEMENTS (fields))]
                                     : NULL,
                                   g_rand_boolean (rand));
      if (g_rand_boolean (rand))
        just_sync_query_set_limit (query, g_rand_int_range (rand, 1, 20));

      from_memory = run_query (memory, query);
      from_sqlite = run_query (sqlite, query);
      g_assert_cmpuint (from_memory->len, ==, from_sqlite->len);
      for (guint r = 0; r < from_memory->len; r++)
        g_assert_cmpstr (just_sync_record_get_id (g_ptr_array_index (from_memory, r)), ==,
                         just_sync_record_get_id (g_ptr_array_index (from_sqlite, r)));
    }

  close_store (memory);
  close_store (sqlite);
}

static void
test_query_sealed (void)
{
  g_autoptr(JustSyncScope) scope = just_sync_test_scope ("tasks", NULL);
  JustSyncLocalStore *store = open_store (STORE_MEMORY);
  g_autoptr(JustSyncQuery) query = just_sync_query_new (scope);
  g_autoptr(GPtrArray) records = NULL;

  just_sync_query_set_limit (query, 3);
  records = run_query (store, query);
  g_assert_cmpuint (records->len, ==, 0);

  /* A query in use does not change under its users. */
  g_test_expect_message ("JustSync", G_LOG_LEVEL_CRITICAL, "*!self->sealed*");
  just_sync_query_set_limit (query, 10);
  g_test_assert_expected_messages ();
  g_assert_cmpuint (just_sync_query_get_limit (query), ==, 3);
  close_store (store);
}

/* A query survives its JSON form, which the D-Bus service reads. */
static void
test_query_json (void)
{
  g_autoptr(JustSyncScope) scope = just_sync_test_scope ("tasks", NULL);
  g_autoptr(JustSyncQuery) query = just_sync_query_new (scope);
  g_autoptr(JustSyncQuery) back = NULL;
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(JsonNode) again = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  g_autofree char *text_again = NULL;

  just_sync_query_add_filter_string (query, "title", JUST_SYNC_QUERY_CONTAINS, "milk");
  just_sync_query_add_filter_int (query, "rank", JUST_SYNC_QUERY_GREATER, 2);
  just_sync_query_add_filter_double (query, "o.k", JUST_SYNC_QUERY_LESS, 2.5);
  just_sync_query_add_filter_boolean (query, "done", JUST_SYNC_QUERY_NOT_EQUAL, TRUE);
  just_sync_query_add_filter_is_null (query, "due");
  just_sync_query_add_order (query, "rank", TRUE);
  just_sync_query_add_order (query, NULL, FALSE);
  just_sync_query_set_limit (query, 20);

  node = just_sync_query_to_json (query);
  back = just_sync_query_new_from_json (scope, node, &error);
  g_assert_no_error (error);
  again = just_sync_query_to_json (back);
  text = json_to_string (node, FALSE);
  text_again = json_to_string (again, FALSE);
  g_assert_cmpstr (text, ==, text_again);
  g_assert_cmpuint (just_sync_query_get_limit (back), ==, 20);
  g_assert_true (strstr (text, "\"op\":\"is-null\"") != NULL);
}

/* Through the engine: a pulled page reaches another device's watched list,
 * and query_async() agrees with it. */
static void
test_orchestrator_watch (void)
{
  g_autoptr(JustSyncScope) scope = just_sync_test_scope ("tasks", NULL);
  g_autoptr(JustSyncRemoteStore) remote = JUST_SYNC_REMOTE_STORE (just_sync_memory_remote_store_new ());
  g_autoptr(JustSyncQuery) query = just_sync_query_new (scope);
  g_autoptr(JustSyncLiveQuery) live = NULL;
  g_autoptr(JustSyncRecord) created = NULL;
  g_autoptr(JustSyncRecord) updated = NULL;
  g_autoptr(JustSyncSyncResult) pushed = NULL;
  g_autoptr(JustSyncSyncResult) pulled = NULL;
  g_autoptr(JustSyncSyncResult) pulled_again = NULL;
  g_autoptr(GPtrArray) once = NULL;
  TestClient writer, reader;
  Replay replay;

  test_client_init (&writer, just_sync_memory_local_store_new (), remote);
  test_client_init (&reader, test_new_sqlite_store (), remote);
  just_sync_query_add_order (query, "rank", FALSE);

  live = just_sync_orchestrator_watch (reader.orchestrator, query);
  replay_init (&replay, G_LIST_MODEL (live));
  wait_settled (live);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (live)), ==, 0);

  created = test_create (writer.orchestrator, scope, "x", "{\"rank\": 2, \"title\": \"x\"}");
  g_clear_pointer (&created, just_sync_record_unref);
  created = test_create (writer.orchestrator, scope, "y", "{\"rank\": 1, \"title\": \"y\"}");
  pushed = test_sync_ok (writer.orchestrator, scope);
  pulled = test_sync_ok (reader.orchestrator, scope);
  wait_settled (live);
  assert_live_query_is_fresh (live, &replay);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (live)), ==, 2);

  updated = test_update (writer.orchestrator, scope, "x", "{\"rank\": 0, \"title\": \"x\"}");
  g_clear_pointer (&pushed, just_sync_sync_result_unref);
  pushed = test_sync_ok (writer.orchestrator, scope);
  pulled_again = test_sync_ok (reader.orchestrator, scope);
  wait_settled (live);
  assert_live_query_is_fresh (live, &replay);

  once = JUST_SYNC_TEST_AWAIT_OK (just_sync_orchestrator_query, reader.orchestrator, query);
  g_assert_cmpuint (once->len, ==, 2);
  g_assert_cmpstr (just_sync_record_get_id (g_ptr_array_index (once, 0)), ==, "x");

  g_signal_handlers_disconnect_by_data (live, &replay);
  replay_clear (&replay);
  g_clear_object (&live);
  test_client_clear (&writer);
  test_client_clear (&reader);
}

/* }}} */
/* {{{ What a change costs */

static guint signals_seen;
static gint64 last_signal_time;

static void
count_items_changed_cb (GListModel *model,
                        guint       position,
                        guint       removed,
                        guint       added)
{
  signals_seen++;
  last_signal_time = g_get_monotonic_time ();
}

static gint64 changed_time;

static void
store_changed_cb (JustSyncLocalStore *store,
                  JustSyncScope      *scope,
                  const char * const *ids)
{
  changed_time = g_get_monotonic_time ();
}

/* A 10-row change in a big watched list: the time from the store's
 * announcement to the model's last signal. G_TEST_SLOW runs 100 000 rows. */
static void
test_live_cost (gconstpointer data)
{
  StoreKind kind = GPOINTER_TO_INT (data);
  guint n_rows = g_test_slow () ? 100000 : 5000;
  g_autoptr(JustSyncScope) scope = just_sync_test_scope ("tasks", NULL);
  JustSyncLocalStore *store = open_store (kind);
  g_autoptr(JustSyncQuery) query = just_sync_query_new (scope);
  g_autoptr(JustSyncLiveQuery) live = NULL;
  g_autoptr(GPtrArray) records = g_ptr_array_new_with_free_func ((GDestroyNotify) just_sync_record_unref);
  g_autoptr(GPtrArray) ops = NULL;
  g_autoptr(GPtrArray) change = g_ptr_array_new_with_free_func ((GDestroyNotify) just_sync_record_unref);
  g_autoptr(GError) error = NULL;
  gint64 start;

  just_sync_query_add_order (query, "rank", FALSE);
  for (guint i = 0; i < n_rows; i++)
    {
      g_autofree char *id = g_strdup_printf ("row%06u", i);
      g_autofree char *json = g_strdup_printf ("{\"rank\": %u, \"title\": \"row %u\"}", i, i);

      g_ptr_array_add (records, just_sync_test_record (id, json, 1000 + i));
    }
  ops = just_sync_test_local_upsert (store, scope, records, &error);
  g_assert_no_error (error);

  start = g_get_monotonic_time ();
  live = just_sync_live_query_new (store, query);
  wait_settled (live);
  g_test_message ("first load of %u rows: %.1f ms", n_rows,
                  (g_get_monotonic_time () - start) / 1000.0);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (live)), ==, n_rows);

  /* 5 rows change in place, 5 move. */
  for (guint i = 0; i < 10; i++)
    {
      guint row = i * (n_rows / 10) + 3;
      g_autofree char *id = g_strdup_printf ("row%06u", row);
      g_autofree char *json = g_strdup_printf ("{\"rank\": %u, \"title\": \"changed\"}",
                                               i < 5 ? row : n_rows - row);

      g_ptr_array_add (change, just_sync_test_record (id, json, 10000000 + i));
    }
  g_signal_connect (live, "items-changed", G_CALLBACK (count_items_changed_cb), NULL);
  g_signal_connect (store, "changed", G_CALLBACK (store_changed_cb), NULL);
  signals_seen = 0;
  start = g_get_monotonic_time ();
  g_clear_pointer (&ops, g_ptr_array_unref);
  ops = just_sync_test_local_upsert (store, scope, change, &error);
  g_assert_no_error (error);
  wait_settled (live);

  g_test_message ("10-row change in %u rows: %u items-changed, %.2f ms after the store's "
                  "signal, %.2f ms after the write started",
                  n_rows, signals_seen, (last_signal_time - changed_time) / 1000.0,
                  (last_signal_time - start) / 1000.0);
  /* Each moved row is one removal and one insertion; rows changed in place
   * emit nothing. */
  g_assert_cmpuint (signals_seen, ==, 10);
  /* Generous for a loaded machine; the goal is under 5 ms. */
  g_assert_cmpint (last_signal_time - changed_time, <, 500 * 1000);

  g_signal_handlers_disconnect_by_func (store, store_changed_cb, NULL);
  g_clear_object (&live);
  close_store (store);
}

/* }}} */

int
main (int    argc,
      char **argv)
{
  static const struct { const char *name; QueryFactory factory; } queries[] = {
    { "open-by-rank", query_open_by_rank },
    { "top-seven", query_top_seven },
    { "recent-with-a", query_recent_with_a },
    { "everything", query_everything },
  };
  static const char * const stores[] = { "memory", "sqlite" };

  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/query/stores-agree", test_query_agrees);
  g_test_add_func ("/query/sealed", test_query_sealed);
  g_test_add_func ("/query/json", test_query_json);
  g_test_add_func ("/live-query/orchestrator", test_orchestrator_watch);

  for (guint s = 0; s < G_N_ELEMENTS (stores); s++)
    {
      g_autofree char *minimal = g_strdup_printf ("/live-query/%s/smallest-change", stores[s]);
      g_autofree char *cost = g_strdup_printf ("/live-query/%s/cost", stores[s]);

      g_test_add_data_func (minimal, GINT_TO_POINTER (s), test_live_minimal);
      g_test_add_data_func (cost, GINT_TO_POINTER (s), test_live_cost);
      for (guint q = 0; q < G_N_ELEMENTS (queries); q++)
        for (guint32 seed = 1; seed <= 2; seed++)
          {
            LiveCase *test = g_new0 (LiveCase, 1);
            g_autofree char *path = g_strdup_printf ("/live-query/%s/random/%s/%u", stores[s],
                                                     queries[q].name, seed);

            test->store = s;
            test->query = queries[q].factory;
            test->seed = seed;
            g_test_add_data_func_full (path, test, test_live_random, g_free);
          }
    }

  return g_test_run ();
}
