/* test-sqlite-store.c: what the SQLite store does beyond the store
 * contract: the file, its schema and pragmas, query plans, hostile
 * strings, a full disk, its worker thread, its extra reads, and the same
 * per-row rules as the memory store (a differential test).
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include <sqlite3.h>

#include "justsync-record-private.h"
#include "justsync-sqlite-store-private.h"
#include "justsync-test-contract.h"
#include "sqlite-test-util.h"

#define DAY (G_USEC_PER_SEC * G_GINT64_CONSTANT (86400))

static char *
scratch_path (const char *name)
{
  /* G_TEST_OPTION_ISOLATE_DIRS gives every test its own empty folders. */
  g_mkdir_with_parents (g_get_user_cache_dir (), 0700);
  return g_build_filename (g_get_user_cache_dir (), name, NULL);
}

static GBytes *
read_bytes (const char *path)
{
  g_autoptr(GError) error = NULL;
  char *contents;
  gsize length;

  g_file_get_contents (path, &contents, &length, &error);
  g_assert_no_error (error);
  return g_bytes_new_take (contents, length);
}

/* Runs SQL on a file with a connection of the test's own. */
static void
exec_on_file (const char *path,
              const char *sql)
{
  sqlite3 *db = NULL;
  char *message = NULL;

  g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
  if (sqlite3_exec (db, sql, NULL, NULL, &message) != SQLITE_OK)
    g_error ("%s: %s", sql, message);
  sqlite3_close (db);
}

static gint64
int_on_file (const char *path,
             const char *sql)
{
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  gint64 value;

  g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  value = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  return value;
}

static GPtrArray *
empty_records (void)
{
  return just_sync_test_records (NULL, NULL);
}

static JustSyncSqliteStore *
open_scratch (const char *name)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = scratch_path (name);
  JustSyncSqliteStore *store = util_open (path, FALSE, &error);

  g_assert_no_error (error);
  g_assert_nonnull (store);
  return store;
}

/* Every case of the store contract gets a fresh file. */
static JustSyncLocalStore *
new_contract_store (gpointer data)
{
  static guint n_stores;
  g_autofree char *name = g_strdup_printf ("contract-%u.db", ++n_stores);

  return JUST_SYNC_LOCAL_STORE (open_scratch (name));
}

/* Opening */

static void
test_open_pragmas (void)
{
  g_autofree char *path = scratch_path ("pragmas.db");
  g_autofree char *durable_path = scratch_path ("durable.db");
  g_autoptr(GError) error = NULL;
  g_autoptr(JustSyncSqliteStore) store = util_open (path, FALSE, &error);
  g_autoptr(JustSyncSqliteStore) durable = NULL;
  g_autofree char *version = g_strdup_printf ("%d", _just_sync_sqlite_store_get_schema_version ());
  g_autofree char *app_id = g_strdup_printf ("%d", _JUST_SYNC_SQLITE_APPLICATION_ID);
  struct { const char *sql; const char *expected; } checks[] = {
    { "PRAGMA journal_mode", "wal" },
    { "PRAGMA synchronous", "1" },
    { "PRAGMA busy_timeout", "5000" },
    { "PRAGMA user_version", version },
    { "PRAGMA application_id", app_id },
  };

  g_assert_no_error (error);
  g_assert_cmpstr (just_sync_sqlite_store_get_path (store), ==, path);
  g_assert_false (just_sync_sqlite_store_get_durable (store));
  g_assert_true (just_sync_local_store_get_supports_soft_delete (JUST_SYNC_LOCAL_STORE (store)));
  g_assert_true (g_file_test (path, G_FILE_TEST_IS_REGULAR));

  for (guint i = 0; i < G_N_ELEMENTS (checks); i++)
    {
      g_autofree char *value = util_sql (store, checks[i].sql);

      g_assert_cmpstr (value, ==, checks[i].expected);
    }

  durable = just_sync_sqlite_store_new_sync (durable_path, TRUE, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (just_sync_sqlite_store_get_durable (durable));
  {
    g_autofree char *value = util_sql (durable, "PRAGMA synchronous");

    g_assert_cmpstr (value, ==, "2");
  }
}

static void
test_open_default_path (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JustSyncSqliteStore) store = util_open (NULL, FALSE, &error);
  g_autofree char *folder = g_build_filename (g_get_user_data_dir (), "justsync", NULL);
  const char *path;

  g_assert_no_error (error);
  path = just_sync_sqlite_store_get_path (store);
  g_assert_true (g_str_has_prefix (path, folder));
  g_assert_true (g_str_has_suffix (path, ".db"));
  g_assert_true (g_file_test (path, G_FILE_TEST_IS_REGULAR));
}

/* Opening @path fails with a storage error naming it, and leaves it as it was. */
static void
assert_open_refused (const char *path,
                     const char *expected_words)
{
  g_autoptr(GBytes) before = read_bytes (path);
  g_autoptr(GBytes) after = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JustSyncSqliteStore) store = util_open (path, FALSE, &error);

  g_assert_null (store);
  g_assert_error (error, JUST_SYNC_ERROR, JUST_SYNC_ERROR_STORAGE);
  g_assert_nonnull (strstr (error->message, path));
  g_assert_nonnull (strstr (error->message, expected_words));

  after = read_bytes (path);
  g_assert_true (g_bytes_equal (before, after));

  /* Blocking opens refuse it the same way. */
  g_clear_error (&error);
  store = just_sync_sqlite_store_new_sync (path, FALSE, NULL, &error);
  g_assert_null (store);
  g_assert_error (error, JUST_SYNC_ERROR, JUST_SYNC_ERROR_STORAGE);
}

static void
test_open_not_a_database (void)
{
  g_autofree char *text = scratch_path ("notes.txt");
  g_autofree char *noise = scratch_path ("noise.db");
  g_autofree char *fake = scratch_path ("fake.db");
  g_autoptr(GString) lines = g_string_new (NULL);
  g_autoptr(GRand) rand = g_rand_new_with_seed (7);
  guint8 bytes[8192];
  g_autoptr(GError) error = NULL;

  for (guint i = 0; i < 200; i++)
    g_string_append (lines, "This is a text file, not a database.\n");
  g_file_set_contents (text, lines->str, lines->len, &error);
  g_assert_no_error (error);
  assert_open_refused (text, "not a JustSync store");

  for (guint i = 0; i < sizeof bytes; i++)
    bytes[i] = g_rand_int_range (rand, 0, 256);
  g_file_set_contents (noise, (const char *) bytes, sizeof bytes, &error);
  g_assert_no_error (error);
  assert_open_refused (noise, "not a JustSync store");

  /* A SQLite header on top of garbage. */
  memcpy (bytes, "SQLite format 3", 16);
  g_file_set_contents (fake, (const char *) bytes, sizeof bytes, &error);
  g_assert_no_error (error);
  assert_open_refused (fake, "not a JustSync store");
}

static void
test_open_foreign_database (void)
{
  g_autofree char *path = scratch_path ("foreign.db");

  exec_on_file (path, "CREATE TABLE notes (title TEXT); INSERT INTO notes VALUES ('keep me');");
  assert_open_refused (path, "another program");
  g_assert_cmpint (int_on_file (path, "SELECT count(*) FROM notes"), ==, 1);
}

static void
test_open_newer_schema (void)
{
  g_autofree char *path = scratch_path ("newer.db");
  g_autofree char *bump = g_strdup_printf ("PRAGMA user_version = %d",
                                           _just_sync_sqlite_store_get_schema_version () + 1);
  g_autoptr(JustSyncScope) scope = just_sync_test_scope ("notes", NULL);
  g_autoptr(GError) error = NULL;

  {
    JustSyncSqliteStore *store = util_open (path, FALSE, &error);
    g_autoptr(GPtrArray) records =
      just_sync_test_records (just_sync_test_record ("a", "{\"x\": 1}", 10), NULL);
    g_autoptr(GPtrArray) ops = NULL;

    g_assert_no_error (error);
    ops = just_sync_test_local_upsert (JUST_SYNC_LOCAL_STORE (store), scope, records, &error);
    g_assert_no_error (error);
    util_close (store);
  }

  exec_on_file (path, bump);
  assert_open_refused (path, "newer version");
  g_assert_cmpint (int_on_file (path, "PRAGMA user_version"), ==,
                   _just_sync_sqlite_store_get_schema_version () + 1);
  g_assert_cmpint (int_on_file (path, "SELECT count(*) FROM records"), ==, 1);
}

static void
test_open_migration_is_atomic (void)
{
  g_autofree char *path = scratch_path ("half.db");
  g_autofree char *stamp = g_strdup_printf ("PRAGMA application_id = %d;"
                                            "CREATE TABLE pending_ops (x);",
                                            _JUST_SYNC_SQLITE_APPLICATION_ID);
  g_autoptr(GError) error = NULL;
  g_autoptr(JustSyncSqliteStore) store = NULL;

  /* Ours, at version 0, with a table in the way of the first migration. */
  exec_on_file (path, stamp);

  store = util_open (path, FALSE, &error);
  g_assert_null (store);
  g_assert_error (error, JUST_SYNC_ERROR, JUST_SYNC_ERROR_STORAGE);

  /* The tables created before the failing one were rolled back too. */
  g_assert_cmpint (int_on_file (path, "SELECT count(*) FROM sqlite_schema WHERE name = 'records'"),
                   ==, 0);
  g_assert_cmpint (int_on_file (path, "PRAGMA user_version"), ==, 0);
}

/* A file of schema 1 (before base contents) opens, keeps its rows and
 * gains the table. */
static void
test_open_migrates_v1 (void)
{
  g_autofree char *path = scratch_path ("v1.db");
  g_autoptr(JustSyncScope) scope = just_sync_test_scope ("notes", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(JustSyncSqliteStore) store = NULL;

  {
    JustSyncSqliteStore *old = util_open (path, FALSE, &error);
    g_autoptr(GPtrArray) records =
      just_sync_test_records (just_sync_test_record ("a", "{\"x\": 1}", 10), NULL);
    g_autoptr(GPtrArray) ops = NULL;

    g_assert_no_error (error);
    ops = just_sync_test_local_upsert (JUST_SYNC_LOCAL_STORE (old), scope, records, &error);
    g_assert_no_error (error);
    util_close (old);
  }
  exec_on_file (path, "DROP TABLE base_contents; DROP TABLE evicted; DROP TABLE damaged; "
                      "ALTER TABLE pending_ops DROP COLUMN fields; PRAGMA user_version = 2;");

  store = util_open (path, FALSE, &error);
  g_assert_no_error (error);
  g_assert_nonnull (store);
  util_close (g_steal_pointer (&store));
  g_assert_cmpint (int_on_file (path, "PRAGMA user_version"), ==,
                   _just_sync_sqlite_store_get_schema_version ());
  g_assert_cmpint (_just_sync_sqlite_store_get_schema_version (), ==, 5);
  g_assert_cmpint (int_on_file (path, "SELECT count(*) FROM base_contents"), ==, 0);
  g_assert_cmpint (int_on_file (path, "SELECT count(*) FROM evicted"), ==, 0);
  g_assert_cmpint (int_on_file (path, "SELECT count(*) FROM pending_ops"), ==, 1);
}

/* A file of schema 4 (before patch fields) opens with its queue: its ops
 * write whole records, and a patch queued after the migration keeps its
 * fields across a reopen. A damaged list of fields moves the op aside. */
static void
test_open_migrates_v4 (void)
{
  g_autofree char *path = scratch_path ("v4.db");
  g_autoptr(JustSyncScope) scope = just_sync_test_scope ("notes", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(JustSyncSqliteStore) store = NULL;
  g_autoptr(GPtrArray) ops = NULL;
  g_autoptr(JustSyncPendingOp) patched = NULL;
  g_autoptr(JustSyncRecord) record = just_sync_test_record ("b", "{\"y\": 2}", 20);
  const char *fields[] = { "y", "gone", NULL };

  {
    JustSyncSqliteStore *old = util_open (path, FALSE, &error);
    g_autoptr(GPtrArray) records =
      just_sync_test_records (just_sync_test_record ("a", "{\"x\": 1}", 10), NULL);

    g_assert_no_error (error);
    ops = just_sync_test_local_upsert (JUST_SYNC_LOCAL_STORE (old), scope, records, &error);
    g_assert_no_error (error);
    g_clear_pointer (&ops, g_ptr_array_unref);
    util_close (old);
  }
  exec_on_file (path, "ALTER TABLE pending_ops DROP COLUMN fields; PRAGMA user_version = 4;");

  store = util_open (path, FALSE, &error);
  g_assert_no_error (error);
  g_assert_cmpint (int_on_file (path, "PRAGMA user_version"), ==, 5);
  patched = JUST_SYNC_TEST_AWAIT (just_sync_local_store_patch, JUST_SYNC_LOCAL_STORE (store), &error,
                                  scope, record, fields);
  g_assert_no_error (error);
  g_assert_true (g_strv_equal (just_sync_pending_op_get_fields (patched), fields));
  util_close (g_steal_pointer (&store));

  store = util_open (path, FALSE, &error);
  g_assert_no_error (error);
  ops = just_sync_test_local_list_ops (JUST_SYNC_LOCAL_STORE (store), scope);
  g_assert_cmpuint (ops->len, ==, 2);
  g_assert_null (just_sync_pending_op_get_fields (g_ptr_array_index (ops, 0)));
  g_assert_true (just_sync_pending_op_equal (g_ptr_array_index (ops, 1), patched));
  g_clear_pointer (&ops, g_ptr_array_unref);
  util_close (g_steal_pointer (&store));

  exec_on_file (path, "UPDATE pending_ops SET fields = '[1]' WHERE record_id = 'b'");
  store = util_open (path, FALSE, &error);
  g_assert_no_error (error);
  ops = just_sync_test_local_list_ops (JUST_SYNC_LOCAL_STORE (store), scope);
  g_assert_cmpuint (ops->len, ==, 1);
  g_assert_cmpstr (just_sync_pending_op_get_record_id (g_ptr_array_index (ops, 0)), ==, "a");
}

static void
test_open_missing_folder (void)
{
  g_autofree char *path = g_build_filename (g_get_user_cache_dir (), "a", "b", "c.db", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(JustSyncSqliteStore) store = util_open (path, FALSE, &error);

  g_assert_no_error (error);
  g_assert_true (g_file_test (path, G_FILE_TEST_IS_REGULAR));
}

static void
test_damaged_pages (void)
{
  g_autofree char *path = scratch_path ("damaged.db");
  g_autoptr(JustSyncScope) scope = just_sync_test_scope ("notes", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(JustSyncSqliteStore) store = NULL;
  g_autoptr(GPtrArray) records = empty_records ();
  g_autoptr(GAsyncResult) result = NULL;
  GAsyncResult *pending = NULL;
  g_autoptr(GPtrArray) found = NULL;
  g_autofree char *contents = NULL;
  gsize length;

  {
    JustSyncSqliteStore *writer = open_scratch ("damaged.db");
    g_autoptr(GPtrArray) ops = NULL;

    for (guint i = 0; i < 500; i++)
      {
        g_autofree char *id = g_strdup_printf ("r%04u", i);

        g_ptr_array_add (records,
                         just_sync_test_record (id, "{\"text\": \"some text to fill the pages\"}",
                                                         i + 1));
      }
    ops = just_sync_test_local_upsert (JUST_SYNC_LOCAL_STORE (writer), scope, records, &error);
    g_assert_no_error (error);
    util_close (writer);
  }

  /* Scribble over every page but the header page. */
  g_file_get_contents (path, &contents, &length, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (length, >, 8192);
  for (gsize i = 4096; i < length; i += 7)
    contents[i] = (char) (i * 31);
  g_file_set_contents (path, contents, length, &error);
  g_assert_no_error (error);

  store = util_open (path, FALSE, &error);
  if (store == NULL)
    {
      g_assert_error (error, JUST_SYNC_ERROR, JUST_SYNC_ERROR_STORAGE);
      return;
    }

  just_sync_local_store_query_async (JUST_SYNC_LOCAL_STORE (store), scope, NULL,
                                     just_sync_test_result_cb, &pending);
  result = just_sync_test_await (&pending);
  found = just_sync_local_store_query_finish (JUST_SYNC_LOCAL_STORE (store), result, &error);
  g_assert_null (found);
  g_assert_error (error, JUST_SYNC_ERROR, JUST_SYNC_ERROR_STORAGE);
}

/* Persistence */

/* Records or pending ops, with their equal function. */
static void
assert_same (GPtrArray  *a,
             GPtrArray  *b,
             GEqualFunc  equal)
{
  g_assert_cmpuint (a->len, ==, b->len);
  for (guint i = 0; i < a->len; i++)
    g_assert_true (equal (g_ptr_array_index (a, i), g_ptr_array_index (b, i)));
}

/* The same record, sides and choice, resolved at any time. */
static gboolean
conflict_equal_but_time (gconstpointer a,
                         gconstpointer b)
{
  JustSyncConflict *ca = (JustSyncConflict *) a, *cb = (JustSyncConflict *) b;

  return g_str_equal (just_sync_conflict_get_record_id (ca),
                      just_sync_conflict_get_record_id (cb)) &&
         just_sync_record_equal (just_sync_conflict_get_local (ca),
                                 just_sync_conflict_get_local (cb)) &&
         just_sync_record_equal (just_sync_conflict_get_remote (ca),
                                 just_sync_conflict_get_remote (cb)) &&
         just_sync_conflict_get_resolution (ca) == just_sync_conflict_get_resolution (cb);
}

static gboolean
conflict_equal (gconstpointer a,
                gconstpointer b)
{
  return conflict_equal_but_time (a, b) &&
         just_sync_conflict_get_resolved_at ((JustSyncConflict *) a) ==
         just_sync_conflict_get_resolved_at ((JustSyncConflict *) b);
}

static void
assert_same_sync_points (JustSyncSyncPoint *a,
                         JustSyncSyncPoint *b)
{
  g_assert_true ((a == NULL) == (b == NULL));
  if (a != NULL)
    g_assert_true (just_sync_sync_point_equal (a, b));
}

static void
test_persistence (void)
{
  g_autofree char *path = scratch_path ("persist.db");
  g_autoptr(JustSyncScope) scope = just_sync_test_scope ("notes", NULL);
  g_autoptr(JustSyncConflictResolver) lww = just_sync_last_write_wins_resolver_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) records = NULL, ops = NULL, conflicts = NULL, ops_after = NULL;
  g_autoptr(JustSyncSyncPoint) sync_point = NULL;
  const char *doomed[] = { "b", NULL };
  gint64 max_seq;

  {
    JustSyncSqliteStore *store = util_open (path, FALSE, &error);
    JustSyncLocalStore *local = JUST_SYNC_LOCAL_STORE (store);
    g_autoptr(GPtrArray) written =
      just_sync_test_records (just_sync_test_record ("a", "{\"t\": \"one\"}", 100),
                              just_sync_test_record ("b", "{\"t\": \"two\"}", 100),
                              just_sync_test_record ("c", "{\"t\": \"three\"}", 100),
                              NULL);
    g_autoptr(GPtrArray) result = NULL;
    g_autoptr(JustSyncDelta) delta = NULL;
    g_autoptr(JustSyncApplyResult) applied = NULL;

    g_assert_no_error (error);
    result = just_sync_test_local_upsert (local, scope, written, &error);
    g_assert_no_error (error);
    g_clear_pointer (&result, g_ptr_array_unref);
    result = just_sync_test_local_delete (local, scope, doomed, 150, &error);
    g_assert_no_error (error);

    /* A newer remote version of "a" wins over the local one. */
    delta =
      just_sync_test_delta (1000, just_sync_test_record ("a", "{\"t\": \"remote\"}", 200), NULL);
    applied = just_sync_test_local_apply (local, scope, delta, lww, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (just_sync_apply_result_get_conflicts (applied)->len, ==, 1);

    records = just_sync_test_local_query_since (local, scope, 0);
    ops = just_sync_test_local_list_ops (local, scope);
    conflicts = just_sync_test_local_list_conflicts (local, scope);
    sync_point = just_sync_test_local_get_sync_point (local, scope);
    g_assert_cmpuint (records->len, ==, 3);
    g_assert_cmpuint (ops->len, ==, 3);
    g_assert_nonnull (sync_point);
    util_close (store);
  }

  {
    JustSyncSqliteStore *store = util_open (path, FALSE, &error);
    JustSyncLocalStore *local = JUST_SYNC_LOCAL_STORE (store);
    g_autoptr(GPtrArray) records2 = NULL, ops2 = NULL, conflicts2 = NULL, results = NULL;
    g_autoptr(JustSyncSyncPoint) sync_point2 = NULL;
    g_autoptr(JustSyncApplyResult) acked = NULL;

    g_assert_no_error (error);
    records2 = just_sync_test_local_query_since (local, scope, 0);
    ops2 = just_sync_test_local_list_ops (local, scope);
    conflicts2 = just_sync_test_local_list_conflicts (local, scope);
    sync_point2 = just_sync_test_local_get_sync_point (local, scope);
    assert_same (records, records2, just_sync_record_equal);
    assert_same (ops, ops2, just_sync_pending_op_equal);
    assert_same (conflicts, conflicts2, conflict_equal);
    assert_same_sync_points (sync_point, sync_point2);

    /* Acknowledge every op, so none is left to hold the last sequence. */
    results = g_ptr_array_new_with_free_func ((GDestroyNotify) just_sync_push_result_unref);
    max_seq = 0;
    for (guint i = 0; i < ops2->len; i++)
      {
        JustSyncPendingOp *op = g_ptr_array_index (ops2, i);
        JustSyncRecord *record = just_sync_pending_op_get_record (op);
        g_autoptr(JustSyncRecord) reply = just_sync_record_with_updated_at (record, 300);

        max_seq = MAX (max_seq, just_sync_pending_op_get_seq (op));
        g_ptr_array_add (results,
                         just_sync_push_result_new_written (just_sync_pending_op_get_seq (op),
                                                            reply));
      }
    acked = just_sync_test_local_commit_push (local, scope, results, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (just_sync_test_local_count_ops (local, scope, JUST_SYNC_OP_STATE_QUEUED),
                      ==, 0);
    util_close (store);
  }

  {
    g_autoptr(JustSyncSqliteStore) store = util_open (path, FALSE, &error);
    g_autoptr(GPtrArray) more =
      just_sync_test_records (just_sync_test_record ("d", "{}", 400), NULL);
    g_autoptr(GPtrArray) new_ops = NULL;

    g_assert_no_error (error);
    new_ops = just_sync_test_local_upsert (JUST_SYNC_LOCAL_STORE (store), scope, more, &error);
    g_assert_no_error (error);
    /* Sequences are never reused, even after a reopen with an empty queue. */
    g_assert_cmpint (just_sync_pending_op_get_seq (g_ptr_array_index (new_ops, 0)), >, max_seq);
    ops_after = just_sync_test_local_list_ops (JUST_SYNC_LOCAL_STORE (store), scope);
    assert_same (new_ops, ops_after, just_sync_pending_op_equal);
  }
}

static void
test_close (void)
{
  g_autofree char *path = scratch_path ("close.db");
  g_autofree char *wal = g_strconcat (path, "-wal", NULL);
  g_autoptr(JustSyncScope) scope = just_sync_test_scope ("notes", NULL);
  g_autoptr(GPtrArray) records =
    just_sync_test_records (just_sync_test_record ("a", "{}", 1), NULL);
  g_autoptr(GPtrArray) ops = NULL, after = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  GAsyncResult *pending = NULL;
  JustSyncSqliteStore *store = util_open (path, FALSE, &error);

  g_assert_no_error (error);
  /* A write queued before the close is done before it. */
  just_sync_local_store_upsert_many_async (JUST_SYNC_LOCAL_STORE (store), scope, records, NULL,
                                           just_sync_test_result_cb, &pending);
  g_object_ref (store);
  util_close (store);
  result = just_sync_test_await (&pending);
  ops = just_sync_local_store_upsert_many_finish (JUST_SYNC_LOCAL_STORE (store), result, &error);
  g_assert_no_error (error);
  g_clear_object (&result);

  /* The log was folded into the file. */
  g_assert_false (g_file_test (wal, G_FILE_TEST_EXISTS));
  g_assert_cmpint (int_on_file (path, "SELECT count(*) FROM records"), ==, 1);

  /* Later calls get an error, not a crash. */
  g_clear_pointer (&ops, g_ptr_array_unref);
  ops = just_sync_test_local_upsert (JUST_SYNC_LOCAL_STORE (store), scope, records, &error);
  g_assert_null (ops);
  g_assert_error (error, JUST_SYNC_ERROR, JUST_SYNC_ERROR_STORAGE);
  g_assert_nonnull (strstr (error->message, "closed"));
  g_clear_error (&error);
  g_object_unref (store);

  store = util_open (path, FALSE, &error);
  g_assert_no_error (error);
  after = just_sync_test_local_list_ops (JUST_SYNC_LOCAL_STORE (store), scope);
  g_assert_cmpuint (after->len, ==, 1);
  util_close (store);
}

/* Query plans */

static void
assert_index_scan (JustSyncSqliteStore *store,
                   const char          *sql,
                   const char          *index)
{
  g_autofree char *explain = g_strconcat ("EXPLAIN QUERY PLAN ", sql, NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) plan = _just_sync_sqlite_store_run_sql (store, explain, &error);
  g_autofree char *joined = NULL;

  g_assert_no_error (error);
  g_ptr_array_add (plan, NULL);
  joined = g_strjoinv ("\n", (char **) plan->pdata);
  g_test_message ("%s\n%s", sql, joined);

  g_assert_nonnull (strstr (joined, "SEARCH"));
  g_assert_nonnull (strstr (joined, index));
  g_assert_null (strstr (joined, "TEMP B-TREE"));
  /* Only the list of ids a page looks up is read whole. */
  for (guint i = 0; i + 1 < plan->len; i++)
    {
      const char *line = g_ptr_array_index (plan, i);

      if (strstr (line, "SCAN") != NULL)
        g_assert_nonnull (strstr (line, "SCAN json_each VIRTUAL TABLE"));
    }
}

static void
test_query_plans (void)
{
  g_autoptr(JustSyncSqliteStore) store = open_scratch ("plans.db");

  assert_index_scan (store, _JUST_SYNC_SQLITE_SQL_QUERY, "PRIMARY KEY (scope=?)");
  assert_index_scan (store, _JUST_SYNC_SQLITE_SQL_QUERY_SINCE,
                     "INDEX records_by_time (scope=? AND updated_at>?)");
  assert_index_scan (store, _JUST_SYNC_SQLITE_SQL_OPS_OF_SCOPE,
                     "INDEX pending_ops_by_scope (scope=?)");
  assert_index_scan (store, _JUST_SYNC_SQLITE_SQL_OPS_OF_RECORD,
                     "INDEX pending_ops_by_record (scope=? AND record_id=?)");
  assert_index_scan (store, _JUST_SYNC_SQLITE_SQL_ROWS_OF_LIST,
                     "SEARCH records USING PRIMARY KEY (scope=? AND id=?)");
  assert_index_scan (store, _JUST_SYNC_SQLITE_SQL_OPS_OF_LIST,
                     "INDEX pending_ops_by_record (scope=? AND record_id=?)");
}

/* The orchestrator counts the queue after every write: a count must not
 * read the queue, or a create costs more the longer the queue is. */
static void
test_op_counts (void)
{
  g_autofree char *path = scratch_path ("counts.db");
  g_autoptr(JustSyncSqliteStore) store = open_scratch ("counts.db");
  JustSyncLocalStore *local = JUST_SYNC_LOCAL_STORE (store);
  g_autoptr(JustSyncScope) scope = just_sync_test_scope ("notes", NULL);
  g_autoptr(JustSyncScope) other = just_sync_test_scope ("other", NULL);
  g_autoptr(GPtrArray) records = g_ptr_array_new_with_free_func ((GDestroyNotify) just_sync_record_unref);
  g_autoptr(GPtrArray) ops = NULL;
  g_autoptr(GError) error = NULL;
  const char *gone[] = { "r0", "r1", "r2", NULL };
  /* valgrind runs everything some fifty times slower. */
  guint n_ops = g_getenv ("JUST_SYNC_VALGRIND") != NULL ? 2000 : 20000;

  for (guint i = 0; i < n_ops; i++)
    {
      g_autofree char *id = g_strdup_printf ("r%u", i);

      g_ptr_array_add (records, just_sync_test_record (id, "{\"n\": 1}", 1));
    }
  ops = just_sync_test_local_upsert (local, scope, records, &error);
  g_assert_no_error (error);
  g_clear_pointer (&ops, g_ptr_array_unref);
  ops = just_sync_test_local_delete (local, other, gone, 5, &error);
  g_assert_no_error (error);

  g_assert_cmpuint (just_sync_test_local_count_ops (local, scope, JUST_SYNC_OP_STATE_QUEUED), ==, n_ops);
  g_assert_cmpuint (just_sync_test_local_count_ops (local, other, JUST_SYNC_OP_STATE_QUEUED), ==, 3);
  g_assert_cmpuint (just_sync_test_local_count_ops (local, NULL, JUST_SYNC_OP_STATE_QUEUED), ==, n_ops + 3);
  g_assert_cmpuint (just_sync_test_local_count_ops (local, NULL, JUST_SYNC_OP_STATE_FAILED), ==, 0);

  /* A few rows of kept counts, whatever the queue holds. */
  assert_index_scan (store, _JUST_SYNC_SQLITE_SQL_COUNT_OPS, "PRIMARY KEY (state=?)");
  assert_index_scan (store, _JUST_SYNC_SQLITE_SQL_COUNT_OPS_OF_SCOPE,
                     "PRIMARY KEY (state=? AND scope=?)");

  /* A store of schema 1 gets the counts of the queue it has. */
  util_close (g_steal_pointer (&store));
  exec_on_file (path, "DROP TABLE op_counts; DROP TRIGGER op_counts_insert; "
                      "DROP TRIGGER op_counts_delete; DROP TRIGGER op_counts_update; "
                      "DROP TABLE base_contents; DROP TABLE evicted; DROP TABLE damaged; "
                      "ALTER TABLE pending_ops DROP COLUMN fields; PRAGMA user_version = 1");
  store = open_scratch ("counts.db");
  local = JUST_SYNC_LOCAL_STORE (store);
  g_assert_cmpuint (just_sync_test_local_count_ops (local, scope, JUST_SYNC_OP_STATE_QUEUED), ==, n_ops);
  g_assert_cmpuint (just_sync_test_local_count_ops (local, other, JUST_SYNC_OP_STATE_QUEUED), ==, 3);
}

/* A pulled row is serialized once, canonically, on the caller's thread;
 * the worker hashes its version from that text: the same version the
 * record itself gives, and the same text is stored. */
static void
test_pulled_version (void)
{
  g_autoptr(JustSyncSqliteStore) store = open_scratch ("version.db");
  JustSyncLocalStore *local = JUST_SYNC_LOCAL_STORE (store);
  g_autoptr(JustSyncScope) scope = just_sync_test_scope ("notes", NULL);
  g_autoptr(JustSyncConflictResolver) lww = just_sync_last_write_wins_resolver_new ();
  g_autoptr(JustSyncDelta) delta = NULL;
  g_autoptr(JustSyncApplyResult) applied = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *version = NULL, *canonical = NULL, *base = NULL, *payload = NULL;
  JustSyncRecord *record;

  delta = just_sync_test_delta (100, just_sync_test_record ("v", "{\"z\": [3, {\"y\": 0.1, \"x\": null}],"
                                                                 " \"b\": \"\\u00e9\\\"\", \"a\": true}", 7),
                                NULL);
  record = g_ptr_array_index (just_sync_delta_get_records (delta), 0);
  version = just_sync_record_dup_version (record);
  canonical = _just_sync_record_dup_canonical_payload (record);
  g_assert_true (g_str_has_prefix (canonical, "{\"a\":true,\"b\":"));

  applied = just_sync_test_local_apply (local, scope, delta, lww, &error);
  g_assert_no_error (error);
  base = util_sql (store, "SELECT base FROM records WHERE id = 'v'");
  payload = util_sql (store, "SELECT payload FROM records WHERE id = 'v'");
  g_assert_cmpstr (base, ==, version);
  g_assert_cmpstr (payload, ==, canonical);
}

/* Hostile strings */

static void
test_hostile_strings (void)
{
  g_autoptr(JustSyncSqliteStore) store = open_scratch ("hostile.db");
  JustSyncLocalStore *local = JUST_SYNC_LOCAL_STORE (store);
  g_autofree char *huge = g_strnfill (1024 * 1024, 'x');
  g_autofree char *huge_quotes = g_strnfill (1024 * 1024, '\'');
  const char *hostile[] = {
    "it's",
    "it''s",
    "\"double\"",
    "'); DROP TABLE records; --",
    "x' OR '1'='1",
    "%_*?[]{}\\",
    "$.\"a\".b[0]",
    "\xe2\x98\x83 snow \x01\x02\x7f",
    huge,
    huge_quotes,
  };
  g_autoptr(GError) error = NULL;

  for (guint s = 0; s < G_N_ELEMENTS (hostile); s++)
    {
      g_autoptr(GHashTable) keys = g_hash_table_new (g_str_hash, g_str_equal);
      g_autoptr(JustSyncScope) scope = NULL;
      g_autoptr(GPtrArray) records = empty_records ();
      g_autoptr(GPtrArray) ops = NULL, found = NULL, listed = NULL;
      g_autoptr(JsonBuilder) builder = json_builder_new ();
      g_autoptr(JsonNode) payload = NULL;

      g_hash_table_insert (keys, (gpointer) hostile[s],
                           (gpointer) hostile[(s + 1) % G_N_ELEMENTS (hostile)]);
      scope = just_sync_scope_new_with_keys (hostile[s], keys, &error);
      g_assert_no_error (error);

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, hostile[s]);
      json_builder_add_string_value (builder, hostile[(s + 2) % G_N_ELEMENTS (hostile)]);
      json_builder_end_object (builder);
      payload = json_builder_get_root (builder);

      /* Every string is an id in three scopes: the 1 MB ones are slow to
       * write in every index of every scope. */
      for (guint i = 0; i < 3; i++)
        {
          const char *id = hostile[(s + i * 3) % G_N_ELEMENTS (hostile)];
          JustSyncRecord *record = just_sync_record_new (id, json_node_get_object (payload),
                                                         1000 + i, 0, &error);

          g_assert_no_error (error);
          g_ptr_array_add (records, record);
        }

      ops = just_sync_test_local_upsert (local, scope, records, &error);
      g_assert_no_error (error);

      /* Everything comes back exactly, in the scope and nowhere else. */
      found = just_sync_test_local_query_since (local, scope, 0);
      assert_same (records, found, just_sync_record_equal);
      listed = just_sync_test_local_list_ops (local, scope);
      assert_same (ops, listed, just_sync_pending_op_equal);
      for (guint i = 0; i < records->len; i++)
        {
          JustSyncRecord *record = g_ptr_array_index (records, i);
          g_autoptr(JustSyncRecord) got =
            just_sync_test_local_get (local, scope, just_sync_record_get_id (record));

          g_assert_nonnull (got);
          g_assert_true (just_sync_record_equal (got, record));
        }
    }

  /* Every scope holds its own records only: nothing leaked or was dropped. */
  for (guint s = 0; s < G_N_ELEMENTS (hostile); s++)
    {
      g_autoptr(JustSyncScope) bare = just_sync_test_scope (hostile[s], NULL);
      g_autoptr(GPtrArray) found = just_sync_test_local_query (local, bare);

      g_assert_cmpuint (found->len, ==, 0);
    }
  {
    g_autofree char *total = util_sql (store, "SELECT count(*) FROM records");
    g_autofree char *expected = g_strdup_printf ("%u", (guint) (3 * G_N_ELEMENTS (hostile)));

    g_assert_cmpstr (total, ==, expected);
  }
}

/* A full disk */

static GPtrArray *
batch (const char *prefix,
       guint       n,
       gsize       payload_size)
{
  GPtrArray *records = empty_records ();
  g_autofree char *filler = g_strnfill (payload_size, 'p');
  g_autofree char *json = g_strdup_printf ("{\"filler\": \"%s\"}", filler);

  for (guint i = 0; i < n; i++)
    {
      g_autofree char *id = g_strdup_printf ("%s-%03u", prefix, i);

      g_ptr_array_add (records, just_sync_test_record (id, json, 1000 + i));
    }
  return records;
}

static void
test_disk_full (void)
{
  g_autoptr(JustSyncSqliteStore) store = open_scratch ("full.db");
  JustSyncLocalStore *local = JUST_SYNC_LOCAL_STORE (store);
  g_autoptr(JustSyncScope) scope = just_sync_test_scope ("notes", NULL);
  g_autoptr(JustSyncConflictResolver) lww = just_sync_last_write_wins_resolver_new ();
  g_autoptr(GPtrArray) first = batch ("first", 20, 100);
  g_autoptr(GPtrArray) big = batch ("big", 300, 2000);
  g_autoptr(GPtrArray) ops = NULL, failed = NULL, records = NULL, retried = NULL;
  g_autoptr(JustSyncDelta) page = just_sync_delta_new (5000);
  g_autoptr(JustSyncApplyResult) applied = NULL;
  g_autoptr(JustSyncSyncPoint) sync_point = NULL;
  g_autoptr(JustSyncSyncPoint) initial = just_sync_sync_point_new (10, "first-000");
  g_autoptr(JustSyncRecord) missing = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *pages = NULL, *limit = NULL, *unlimit = NULL;

  ops = just_sync_test_local_upsert (local, scope, first, &error);
  g_assert_no_error (error);
  just_sync_test_local_save_sync_point (local, scope, initial);

  /* Leave room for a few pages only. */
  pages = util_sql (store, "PRAGMA page_count");
  limit = g_strdup_printf ("PRAGMA max_page_count = %d", atoi (pages) + 4);
  g_free (util_sql (store, limit));

  failed = just_sync_test_local_upsert (local, scope, big, &error);
  g_assert_null (failed);
  g_assert_error (error, JUST_SYNC_ERROR, JUST_SYNC_ERROR_STORAGE);
  g_assert_nonnull (strstr (error->message, "disk is full"));
  g_clear_error (&error);

  /* A remote page that does not fit: neither rows nor sync point move. */
  for (guint i = 0; i < big->len; i++)
    just_sync_delta_add (page, g_ptr_array_index (big, i));
  applied = just_sync_test_local_apply (local, scope, page, lww, &error);
  g_assert_null (applied);
  g_assert_error (error, JUST_SYNC_ERROR, JUST_SYNC_ERROR_STORAGE);
  g_clear_error (&error);

  /* Everything from before is intact, nothing of the failed writes is there. */
  records = just_sync_test_local_query (local, scope);
  assert_same (first, records, just_sync_record_equal);
  g_clear_pointer (&records, g_ptr_array_unref);
  records = just_sync_test_local_list_ops (local, scope);
  assert_same (ops, records, just_sync_pending_op_equal);
  missing = just_sync_test_local_get (local, scope, "big-000");
  g_assert_null (missing);
  sync_point = just_sync_test_local_get_sync_point (local, scope);
  assert_same_sync_points (initial, sync_point);
  {
    g_autofree char *check = util_sql (store, "PRAGMA integrity_check");

    g_assert_cmpstr (check, ==, "ok");
  }

  /* With room again, the same write goes through. */
  unlimit = g_strdup_printf ("PRAGMA max_page_count = %d", G_MAXINT);
  g_free (util_sql (store, unlimit));
  retried = just_sync_test_local_upsert (local, scope, big, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (retried->len, ==, big->len);
}

/* App writes are all or nothing */

static void
test_app_write_atomic (void)
{
  g_autoptr(JustSyncSqliteStore) store = open_scratch ("atomic.db");
  JustSyncLocalStore *local = JUST_SYNC_LOCAL_STORE (store);
  g_autoptr(JustSyncScope) scope = just_sync_test_scope ("notes", NULL);
  g_autoptr(JustSyncRecord) tombstone = just_sync_test_tombstone ("t", 10);
  g_autoptr(GPtrArray) mixed = just_sync_test_records (just_sync_test_record ("ok", "{}", 10),
                                                       just_sync_record_ref (tombstone), NULL);
  const char *bad_ids[] = { "fine", "", NULL };
  g_autoptr(GPtrArray) ops = NULL, records = NULL;
  g_autoptr(GError) error = NULL;

  ops = just_sync_test_local_upsert (local, scope, mixed, &error);
  g_assert_null (ops);
  g_assert_error (error, JUST_SYNC_ERROR, JUST_SYNC_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);

  ops = just_sync_test_local_delete (local, scope, bad_ids, 10, &error);
  g_assert_null (ops);
  g_assert_error (error, JUST_SYNC_ERROR, JUST_SYNC_ERROR_INVALID_ARGUMENT);

  records = just_sync_test_local_query_since (local, scope, 0);
  g_assert_cmpuint (records->len, ==, 0);
  g_assert_cmpuint (just_sync_test_local_count_ops (local, NULL, JUST_SYNC_OP_STATE_QUEUED), ==, 0);
}

/* Extra reads */

#define FILTER(store, error, ...) \
  JUST_SYNC_TEST_AWAIT (just_sync_sqlite_store_query_filter, store, error, __VA_ARGS__)
#define AWAIT_COUNT(method, store, ...) \
  JUST_SYNC_TEST_AWAIT_OK (just_sync_sqlite_store_##method, store, __VA_ARGS__)

static char *
ids_of (GPtrArray *records)
{
  GString *ids = g_string_new (NULL);

  for (guint i = 0; i < records->len; i++)
    g_string_append_printf (ids, "%s%s", i > 0 ? " " : "",
                            just_sync_record_get_id (g_ptr_array_index (records, i)));
  return g_string_free (ids, FALSE);
}

static void
test_query_filter (void)
{
  g_autoptr(JustSyncSqliteStore) store = open_scratch ("filter.db");
  g_autoptr(JustSyncScope) scope = just_sync_test_scope ("tasks", NULL);
  g_autoptr(GPtrArray) records = just_sync_test_records (
    just_sync_test_record ("a",
                           "{\"status\": \"done\", \"n\": 3, \"flag\": true, "
                           "\"place\": {\"city\": \"Paris\"}}", 1),
    just_sync_test_record ("b",
                           "{\"status\": \"todo\", \"n\": 3.0, \"flag\": false, "
                           "\"place\": {\"city\": \"Oslo\"}}", 2),
    just_sync_test_record ("c", "{\"status\": \"done\", \"n\": 10, \"flag\": null}", 3),
    just_sync_test_record ("d", "{\"status\": \"done\", \"n\": -1, \"odd key\": \"it's\"}", 4),
    just_sync_test_record ("e", "{\"status\": 1}", 5),
    just_sync_test_record ("f", "{\"status\": \"done\", \"n\": 7}", 6),
    NULL);
  const char *gone[] = { "f", NULL };
  struct {
    const char *field, *value, *order_by;
    gboolean descending;
    guint limit;
    const char *expected;
  } cases[] = {
    { "status", "\"done\"", NULL, FALSE, 0, "a c d" },
    { "status", "\"done\"", "n", TRUE, 0, "c a d" },
    { "status", "\"done\"", "n", FALSE, 2, "d a" },
    { "n", "3", NULL, FALSE, 0, "a b" },
    { "n", "3.0", NULL, FALSE, 0, "a b" },
    { "status", "1", NULL, FALSE, 0, "e" },
    { "status", "\"1\"", NULL, FALSE, 0, "" },
    { "flag", "true", NULL, FALSE, 0, "a" },
    { "flag", "false", NULL, FALSE, 0, "b" },
    { "flag", "null", NULL, FALSE, 0, "c" },
    { "place.city", "\"Oslo\"", NULL, FALSE, 0, "b" },
    { "odd key", "\"it's\"", NULL, FALSE, 0, "d" },
    { "status') OR 1=1 --", "\"done\"", NULL, FALSE, 0, "" },
    { NULL, NULL, "n", FALSE, 0, "e d a b c" },
    { NULL, NULL, NULL, TRUE, 3, "e d c" },
  };
  const char *bad_fields[] = { "a\"b", "a..b", ".a", "a.", "", "tab\there" };
  const char *bad_values[] = { "{\"a\": 1}", "[1]", "nope", "" };
  g_autoptr(GPtrArray) ops = NULL, deleted = NULL;
  g_autoptr(GError) error = NULL;

  ops = just_sync_test_local_upsert (JUST_SYNC_LOCAL_STORE (store), scope, records, &error);
  g_assert_no_error (error);
  deleted = just_sync_test_local_delete (JUST_SYNC_LOCAL_STORE (store), scope, gone, 100, &error);
  g_assert_no_error (error);

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GPtrArray) found = FILTER (store, &error, scope, cases[i].field, cases[i].value,
                                           cases[i].order_by, cases[i].descending, cases[i].limit);
      g_autofree char *ids = NULL;

      g_assert_no_error (error);
      ids = ids_of (found);
      g_test_message ("%s = %s: %s", cases[i].field, cases[i].value, ids);
      g_assert_cmpstr (ids, ==, cases[i].expected);
    }

  for (guint i = 0; i < G_N_ELEMENTS (bad_fields); i++)
    {
      g_autoptr(GPtrArray) found = NULL;

      found = FILTER (store, &error, scope, bad_fields[i], "1", NULL, FALSE, 0);

      g_assert_null (found);
      g_assert_error (error, JUST_SYNC_ERROR, JUST_SYNC_ERROR_INVALID_ARGUMENT);
      g_clear_error (&error);

      found = FILTER (store, &error, scope, NULL, NULL, bad_fields[i], FALSE, 0);
      g_assert_null (found);
      g_assert_error (error, JUST_SYNC_ERROR, JUST_SYNC_ERROR_INVALID_ARGUMENT);
      g_clear_error (&error);
    }
  for (guint i = 0; i < G_N_ELEMENTS (bad_values); i++)
    {
      g_autoptr(GPtrArray) found = NULL;

      found = FILTER (store, &error, scope, "status", bad_values[i], NULL, FALSE, 0);

      g_assert_null (found);
      g_assert_error (error, JUST_SYNC_ERROR, JUST_SYNC_ERROR_INVALID_ARGUMENT);
      g_clear_error (&error);
    }
}

static void
test_count_and_get (void)
{
  g_autoptr(JustSyncSqliteStore) store = open_scratch ("count.db");
  JustSyncLocalStore *local = JUST_SYNC_LOCAL_STORE (store);
  g_autoptr(JustSyncScope) scope = just_sync_test_scope ("notes", NULL);
  g_autoptr(JustSyncScope) other = just_sync_test_scope ("other", NULL);
  g_autoptr(GPtrArray) records = just_sync_test_records (just_sync_test_record ("a", "{}", 1),
                                                         just_sync_test_record ("b", "{}", 2),
                                                         just_sync_test_record ("c", "{}", 3),
                                                         NULL);
  const char *gone[] = { "b", NULL };
  g_autoptr(GPtrArray) ops = NULL, deleted = NULL;
  g_autoptr(JustSyncRecord) tombstone = NULL, live = NULL, missing = NULL, elsewhere = NULL;
  g_autoptr(GError) error = NULL;

  ops = just_sync_test_local_upsert (local, scope, records, &error);
  g_assert_no_error (error);
  deleted = just_sync_test_local_delete (local, scope, gone, 50, &error);
  g_assert_no_error (error);

  g_assert_cmpuint (AWAIT_COUNT (count, store, scope), ==, 2);
  g_assert_cmpuint (AWAIT_COUNT (count, store, other), ==, 0);

  live = just_sync_test_local_get (local, scope, "a");
  g_assert_true (just_sync_record_equal (live, g_ptr_array_index (records, 0)));
  tombstone = just_sync_test_local_get (local, scope, "b");
  g_assert_true (just_sync_record_is_deleted (tombstone));
  g_assert_cmpint (just_sync_record_get_deleted_at (tombstone), ==, 50);
  missing = just_sync_test_local_get (local, scope, "zzz");
  g_assert_null (missing);
  elsewhere = just_sync_test_local_get (local, other, "a");
  g_assert_null (elsewhere);
}

static void
test_purge_tombstones (void)
{
  g_autoptr(JustSyncSqliteStore) store = open_scratch ("purge.db");
  JustSyncLocalStore *local = JUST_SYNC_LOCAL_STORE (store);
  g_autoptr(JustSyncScope) scope = just_sync_test_scope ("notes", NULL);
  g_autoptr(JustSyncConflictResolver) lww = just_sync_last_write_wins_resolver_new ();
  gint64 now = g_get_real_time ();
  g_autoptr(JustSyncDelta) first =
    just_sync_test_delta (now,
                          just_sync_test_record ("old", "{}", now - 9 * DAY),
                          just_sync_test_record ("recent", "{}", now - 9 * DAY),
                          just_sync_test_record ("mine", "{}", now - 9 * DAY), NULL);
  g_autoptr(JustSyncDelta) second = NULL;
  g_autoptr(JustSyncApplyResult) applied = NULL, applied2 = NULL;
  const char *mine[] = { "mine", NULL };
  g_autoptr(GPtrArray) deleted = NULL, left = NULL;
  g_autoptr(GError) error = NULL;

  applied = just_sync_test_local_apply (local, scope, first, lww, &error);
  g_assert_no_error (error);
  second = just_sync_test_delta (now, just_sync_test_tombstone ("old", now - 3 * DAY),
                                 just_sync_test_tombstone ("recent", now - DAY / 2), NULL);
  applied2 = just_sync_test_local_apply (local, scope, second, lww, &error);
  g_assert_no_error (error);
  /* A local delete still to push keeps its tombstone. */
  deleted = just_sync_test_local_delete (local, scope, mine, now - 5 * DAY, &error);
  g_assert_no_error (error);

  g_assert_cmpuint (AWAIT_COUNT (purge_tombstones, store, scope, 2 * DAY), ==, 1);
  g_assert_cmpuint (AWAIT_COUNT (purge_tombstones, store, scope, 2 * DAY), ==, 0);

  left = just_sync_test_local_query_since (local, scope, 0);
  g_assert_cmpuint (left->len, ==, 2);
  g_assert_cmpstr (just_sync_record_get_id (g_ptr_array_index (left, 0)), ==, "mine");
  g_assert_cmpstr (just_sync_record_get_id (g_ptr_array_index (left, 1)), ==, "recent");

  g_assert_cmpuint (AWAIT_COUNT (purge_tombstones, store, scope, 0), ==, 1);
}

/* Threads and main contexts */

static gboolean
tick (gpointer data)
{
  guint *ticks = data;

  (*ticks)++;
  return G_SOURCE_CONTINUE;
}

static gboolean
release_lock (gpointer data)
{
  sqlite3 *db = data;

  g_assert_cmpint (sqlite3_exec (db, "COMMIT", NULL, NULL, NULL), ==, SQLITE_OK);
  return G_SOURCE_REMOVE;
}

/* While SQLite waits for a lock another connection holds, the main loop
 * keeps running: the wait is on the worker.
 */
static void
test_main_thread_never_waits (void)
{
  g_autoptr(JustSyncSqliteStore) store = open_scratch ("lock.db");
  g_autoptr(JustSyncScope) scope = just_sync_test_scope ("notes", NULL);
  g_autoptr(GPtrArray) records =
    just_sync_test_records (just_sync_test_record ("a", "{}", 1), NULL);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GPtrArray) ops = NULL;
  g_autoptr(GError) error = NULL;
  GAsyncResult *pending = NULL;
  sqlite3 *other = NULL;
  guint ticks = 0, ticker;
  gint64 start, waited;

  g_assert_cmpint (sqlite3_open (just_sync_sqlite_store_get_path (store), &other), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (other, "BEGIN IMMEDIATE", NULL, NULL, NULL), ==, SQLITE_OK);

  ticker = g_timeout_add (5, tick, &ticks);
  g_timeout_add (300, release_lock, other);
  start = g_get_monotonic_time ();
  just_sync_local_store_upsert_many_async (JUST_SYNC_LOCAL_STORE (store), scope, records, NULL,
                                           just_sync_test_result_cb, &pending);
  result = just_sync_test_await (&pending);
  waited = g_get_monotonic_time () - start;
  g_source_remove (ticker);

  ops = just_sync_local_store_upsert_many_finish (JUST_SYNC_LOCAL_STORE (store), result, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (ops->len, ==, 1);
  g_assert_cmpint (waited, >=, 300 * 1000);
  /* About 60 ticks fit in the wait; a blocked main thread would see none. */
  g_assert_cmpuint (ticks, >=, 10);
  sqlite3_close (other);
}

typedef struct
{
  GThread *thread;
  GPtrArray *emissions;      /* "scope: ids" */
  gboolean callback_seen;
  gboolean changed_before_callback;
} Watch;

static void
on_changed (JustSyncLocalStore *store,
            JustSyncScope      *scope,
            const char * const *ids,
            Watch              *watch)
{
  g_autofree char *joined = g_strjoinv (",", (char **) ids);

  g_assert_true (watch->thread == g_thread_self ());
  g_ptr_array_add (watch->emissions, g_strdup_printf ("%s: %s", just_sync_scope_to_string (scope),
                                                      joined));
  if (!watch->callback_seen)
    watch->changed_before_callback = TRUE;
}

static void
test_changed_signal (void)
{
  g_autoptr(JustSyncSqliteStore) store = open_scratch ("changed.db");
  JustSyncLocalStore *local = JUST_SYNC_LOCAL_STORE (store);
  g_autoptr(JustSyncScope) scope = just_sync_test_scope ("notes", NULL);
  g_autoptr(JustSyncConflictResolver) lww = just_sync_last_write_wins_resolver_new ();
  g_autoptr(GPtrArray) records =
    just_sync_test_records (just_sync_test_record ("a", "{\"v\": 1}", 1),
                            just_sync_test_record ("b", "{\"v\": 1}", 1), NULL);
  g_autoptr(JustSyncDelta) delta = NULL;
  g_autoptr(GPtrArray) ops = NULL;
  g_autoptr(JustSyncApplyResult) applied = NULL;
  g_autoptr(GError) error = NULL;
  Watch watch = { g_thread_self (), g_ptr_array_new_with_free_func (g_free), FALSE, FALSE };
  gulong handler;

  handler = g_signal_connect (store, "changed", G_CALLBACK (on_changed), &watch);

  ops = just_sync_test_local_upsert (local, scope, records, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (watch.emissions->len, ==, 1);
  g_assert_cmpstr (g_ptr_array_index (watch.emissions, 0), ==, "notes: a,b");

  /* "b" is the echo of our write, "c" is new, "a" is re-read as is: only
   * the rows whose content changed are announced. */
  delta = just_sync_test_delta (10, just_sync_test_record ("b", "{\"v\": 1}", 5),
                                just_sync_test_record ("c", "{}", 6), NULL);
  applied = just_sync_test_local_apply (local, scope, delta, lww, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (watch.emissions->len, ==, 2);
  g_assert_cmpstr (g_ptr_array_index (watch.emissions, 1), ==, "notes: b,c");

  /* Nothing changes, nothing is emitted. */
  g_clear_pointer (&applied, just_sync_apply_result_unref);
  applied = just_sync_test_local_apply (local, scope, delta, lww, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (watch.emissions->len, ==, 2);

  g_signal_handler_disconnect (store, handler);
  g_ptr_array_unref (watch.emissions);
}

typedef struct
{
  JustSyncSqliteStore *store;
  JustSyncScope *scope;
  GThread *callback_thread;
} ThreadCall;

static gpointer
write_from_thread (gpointer data)
{
  ThreadCall *call = data;
  g_autoptr(GMainContext) context = g_main_context_new ();
  g_autoptr(GPtrArray) records =
    just_sync_test_records (just_sync_test_record ("from-thread", "{}", 1), NULL);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GPtrArray) ops = NULL;
  g_autoptr(GError) error = NULL;
  GAsyncResult *pending = NULL;

  g_main_context_push_thread_default (context);
  just_sync_local_store_upsert_many_async (JUST_SYNC_LOCAL_STORE (call->store), call->scope,
                                           records, NULL, just_sync_test_result_cb, &pending);
  result = just_sync_test_await (&pending);
  call->callback_thread = g_thread_self ();
  ops = just_sync_local_store_upsert_many_finish (JUST_SYNC_LOCAL_STORE (call->store), result,
                                                  &error);
  g_assert_no_error (error);
  g_main_context_pop_thread_default (context);
  return NULL;
}

/* A call from another thread completes on that thread's context, while
 * JustSyncLocalStore::changed still comes on the creator's.
 */
static void
test_contexts (void)
{
  g_autoptr(JustSyncSqliteStore) store = open_scratch ("contexts.db");
  g_autoptr(JustSyncScope) scope = just_sync_test_scope ("notes", NULL);
  Watch watch = { g_thread_self (), g_ptr_array_new_with_free_func (g_free), FALSE, FALSE };
  ThreadCall call = { store, scope, NULL };
  GThread *thread;
  gulong handler;

  handler = g_signal_connect (store, "changed", G_CALLBACK (on_changed), &watch);
  thread = g_thread_new ("caller", write_from_thread, &call);
  g_thread_join (thread);
  g_assert_true (call.callback_thread == thread);

  while (watch.emissions->len == 0)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpstr (g_ptr_array_index (watch.emissions, 0), ==, "notes: from-thread");

  g_signal_handler_disconnect (store, handler);
  g_ptr_array_unref (watch.emissions);
}

static void
test_cancelled_before_start (void)
{
  g_autoptr(JustSyncSqliteStore) store = open_scratch ("cancel.db");
  g_autoptr(JustSyncScope) scope = just_sync_test_scope ("notes", NULL);
  g_autoptr(GPtrArray) records =
    just_sync_test_records (just_sync_test_record ("a", "{}", 1), NULL);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GPtrArray) ops = NULL, found = NULL;
  g_autoptr(GError) error = NULL;
  GAsyncResult *pending = NULL;

  g_cancellable_cancel (cancellable);
  just_sync_local_store_upsert_many_async (JUST_SYNC_LOCAL_STORE (store), scope, records,
                                           cancellable, just_sync_test_result_cb, &pending);
  result = just_sync_test_await (&pending);
  ops = just_sync_local_store_upsert_many_finish (JUST_SYNC_LOCAL_STORE (store), result, &error);
  g_assert_null (ops);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);

  found = just_sync_test_local_query (JUST_SYNC_LOCAL_STORE (store), scope);
  g_assert_cmpuint (found->len, ==, 0);
}

static void
test_resolver_runs_on_caller_context (void)
{
  g_autoptr(JustSyncSqliteStore) store = open_scratch ("resolver.db");
  JustSyncLocalStore *local = JUST_SYNC_LOCAL_STORE (store);
  g_autoptr(JustSyncScope) scope = just_sync_test_scope ("notes", NULL);
  g_autoptr(TestFixedResolver) resolver = test_fixed_resolver_new (JUST_SYNC_RESOLUTION_LOCAL);
  g_autoptr(JustSyncRecord) remote = just_sync_test_record ("a", "{\"v\": \"remote\"}", 50);
  g_autoptr(JustSyncDelta) delta = just_sync_delta_new (100);
  g_autoptr(GPtrArray) records =
    just_sync_test_records (just_sync_test_record ("a", "{\"v\": \"local\"}", 10), NULL);
  g_autoptr(GPtrArray) ops = NULL, after = NULL, conflicts = NULL;
  g_autoptr(JustSyncApplyResult) applied = NULL;
  g_autoptr(JustSyncRecord) kept = NULL;
  g_autofree char *version = just_sync_record_dup_version (remote);
  g_autoptr(GError) error = NULL;

  ops = just_sync_test_local_upsert (local, scope, records, &error);
  g_assert_no_error (error);
  just_sync_delta_add (delta, remote);
  applied = just_sync_test_local_apply (local, scope, delta, JUST_SYNC_CONFLICT_RESOLVER (resolver),
                                        &error);
  g_assert_no_error (error);

  g_assert_cmpuint (test_fixed_resolver_get_calls (resolver), ==, 1);
  g_assert_true (test_fixed_resolver_get_thread (resolver) == g_thread_self ());
  g_assert_cmpuint (just_sync_apply_result_get_conflicts (applied)->len, ==, 1);

  /* Local won: row and op stay, the op now sits on the remote version. */
  kept = just_sync_test_local_get (local, scope, "a");
  g_assert_true (just_sync_record_equal (kept, g_ptr_array_index (records, 0)));
  after = just_sync_test_local_list_ops (local, scope);
  g_assert_cmpuint (after->len, ==, 1);
  g_assert_cmpstr (just_sync_pending_op_get_base_version (g_ptr_array_index (after, 0)), ==,
                   version);
  conflicts = just_sync_test_local_list_conflicts (local, scope);
  g_assert_cmpuint (conflicts->len, ==, 1);
  g_assert_cmpint (just_sync_conflict_get_resolution (g_ptr_array_index (conflicts, 0)), ==,
                   JUST_SYNC_RESOLUTION_LOCAL);
}

/* A resolver that checks, while it runs, whether another connection can
 * take the file's write lock. */
#define TYPE_LOCK_PROBE (lock_probe_get_type ())
G_DECLARE_FINAL_TYPE (LockProbe, lock_probe, , LOCK_PROBE, GObject)

struct _LockProbe
{
  GObject parent_instance;
  char *path;
  guint calls;
  int begin_rc;
};

static JustSyncResolution
lock_probe_resolve (JustSyncConflictResolver *resolver,
                    JustSyncRecord           *local,
                    JustSyncRecord           *remote)
{
  LockProbe *self = (LockProbe *) resolver;
  sqlite3 *other = NULL;

  self->calls++;
  g_assert_cmpint (sqlite3_open (self->path, &other), ==, SQLITE_OK);
  self->begin_rc = sqlite3_exec (other, "BEGIN IMMEDIATE", NULL, NULL, NULL);
  sqlite3_exec (other, "ROLLBACK", NULL, NULL, NULL);
  sqlite3_close (other);
  return JUST_SYNC_RESOLUTION_LOCAL;
}

static void
lock_probe_iface_init (JustSyncConflictResolverInterface *iface)
{
  iface->resolve = lock_probe_resolve;
}

G_DEFINE_FINAL_TYPE_WITH_CODE (LockProbe, lock_probe, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (JUST_SYNC_TYPE_CONFLICT_RESOLVER,
                                                      lock_probe_iface_init))

static void
lock_probe_finalize (GObject *object)
{
  g_free (((LockProbe *) object)->path);

  G_OBJECT_CLASS (lock_probe_parent_class)->finalize (object);
}

static void
lock_probe_class_init (LockProbeClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = lock_probe_finalize;
}

static void
lock_probe_init (LockProbe *self)
{
  self->begin_rc = -1;
}

/* A local change of "a", and a page with another version of it. */
static JustSyncDelta *
prepare_conflict (JustSyncLocalStore *local,
                  JustSyncScope      *scope)
{
  g_autoptr(GPtrArray) records =
    just_sync_test_records (just_sync_test_record ("a", "{\"v\": \"local\"}", 10), NULL);
  g_autoptr(GPtrArray) ops = NULL;
  g_autoptr(GError) error = NULL;

  ops = just_sync_test_local_upsert (local, scope, records, &error);
  g_assert_no_error (error);
  return just_sync_test_delta (100, just_sync_test_record ("a", "{\"v\": \"remote\"}", 50),
                               just_sync_test_record ("b", "{}", 60), NULL);
}

/* Defect: the worker waited for the resolver inside BEGIN IMMEDIATE, so
 * any other writer of the file got "database is locked" meanwhile. */
static void
test_no_lock_while_resolving (void)
{
  g_autoptr(JustSyncSqliteStore) store = open_scratch ("resolving.db");
  JustSyncLocalStore *local = JUST_SYNC_LOCAL_STORE (store);
  g_autoptr(JustSyncScope) scope = just_sync_test_scope ("notes", NULL);
  g_autoptr(LockProbe) probe = g_object_new (TYPE_LOCK_PROBE, NULL);
  g_autoptr(JustSyncDelta) delta = prepare_conflict (local, scope);
  g_autoptr(JustSyncApplyResult) applied = NULL;
  g_autoptr(GPtrArray) conflicts = NULL;
  g_autoptr(GError) error = NULL;

  probe->path = g_strdup (just_sync_sqlite_store_get_path (store));
  applied = just_sync_test_local_apply (local, scope, delta, JUST_SYNC_CONFLICT_RESOLVER (probe),
                                        &error);
  g_assert_no_error (error);
  g_assert_cmpuint (probe->calls, ==, 1);
  g_assert_cmpint (probe->begin_rc, ==, SQLITE_OK);
  g_assert_cmpuint (just_sync_apply_result_get_conflicts (applied)->len, ==, 1);
  g_assert_cmpuint (just_sync_apply_result_get_count (applied, JUST_SYNC_APPLY_INSERTED), ==, 1);
  conflicts = just_sync_test_local_list_conflicts (local, scope);
  g_assert_cmpuint (conflicts->len, ==, 1);
}

/* Defect: when the context that started an apply stopped iterating, the
 * worker waited for it forever, inside BEGIN IMMEDIATE: every later call
 * wedged and the file stayed write-locked. */
static void
test_caller_context_stops (void)
{
  g_autoptr(JustSyncSqliteStore) store = open_scratch ("stalled.db");
  JustSyncLocalStore *local = JUST_SYNC_LOCAL_STORE (store);
  g_autoptr(JustSyncScope) scope = just_sync_test_scope ("notes", NULL);
  g_autoptr(TestFixedResolver) resolver = test_fixed_resolver_new (JUST_SYNC_RESOLUTION_REMOTE);
  g_autoptr(JustSyncDelta) delta = prepare_conflict (local, scope);
  g_autoptr(GMainContext) stalled = g_main_context_new ();
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GPtrArray) found = NULL;
  g_autoptr(JustSyncApplyResult) applied = NULL;
  g_autoptr(JustSyncRecord) got = NULL;
  g_autoptr(GError) error = NULL;
  GAsyncResult *pending = NULL;
  GAsyncResult *pending_apply = NULL;
  sqlite3 *other = NULL;

  g_main_context_push_thread_default (stalled);
  just_sync_local_store_apply_remote_changes_async (local, scope, delta,
                                                    JUST_SYNC_CONFLICT_RESOLVER (resolver), NULL,
                                                    just_sync_test_result_cb, &pending_apply);
  g_main_context_pop_thread_default (stalled);

  /* Queued after the apply, served while its context sleeps. */
  just_sync_local_store_query_async (local, scope, NULL, just_sync_test_result_cb, &pending);
  result = just_sync_test_await (&pending);
  found = just_sync_local_store_query_finish (local, result, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (found->len, ==, 1);
  g_assert_cmpuint (test_fixed_resolver_get_calls (resolver), ==, 0);

  g_assert_cmpint (sqlite3_open (just_sync_sqlite_store_get_path (store), &other), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (other, "BEGIN IMMEDIATE", NULL, NULL, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (other, "ROLLBACK", NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (other);

  /* When the context runs again, the apply completes there. */
  g_clear_object (&result);
  g_main_context_push_thread_default (stalled);
  result = just_sync_test_await (&pending_apply);
  g_main_context_pop_thread_default (stalled);
  applied = just_sync_local_store_apply_remote_changes_finish (local, result, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (test_fixed_resolver_get_calls (resolver), ==, 1);
  g_assert_cmpuint (just_sync_apply_result_get_conflicts (applied)->len, ==, 1);
  got = just_sync_test_local_get (local, scope, "a");
  g_assert_cmpstr (just_sync_test_payload_string (got, "v"), ==, "remote");
}

/* The row moved while the resolver ran: the answer was for another local
 * state, so the resolver is asked again about the row as it is now. */
typedef struct
{
  JustSyncLocalStore *store;
  JustSyncScope *scope;
  guint calls;
  char *last_local;          /* the "v" member of the local side */
} Mover;

static JustSyncResolution
mover_resolve (JustSyncConflictResolver *resolver,
               JustSyncRecord           *local,
               JustSyncRecord           *remote)
{
  Mover *mover = g_object_get_data (G_OBJECT (resolver), "mover");

  mover->calls++;
  g_free (mover->last_local);
  mover->last_local = g_strdup (just_sync_test_payload_string (local, "v"));
  if (mover->calls == 1)
    {
      /* The app writes the row again from its resolver. */
      g_autoptr(GPtrArray) records =
        just_sync_test_records (just_sync_test_record ("a", "{\"v\": \"newer\"}", 20), NULL);

      just_sync_local_store_upsert_many_async (mover->store, mover->scope, records, NULL,
                                               NULL, NULL);
    }
  return JUST_SYNC_RESOLUTION_LOCAL;
}

#define TYPE_MOVER_RESOLVER (mover_resolver_get_type ())
G_DECLARE_FINAL_TYPE (MoverResolver, mover_resolver, , MOVER_RESOLVER, GObject)
struct _MoverResolver { GObject parent_instance; };

static void
mover_resolver_iface_init (JustSyncConflictResolverInterface *iface)
{
  iface->resolve = mover_resolve;
}

G_DEFINE_FINAL_TYPE_WITH_CODE (MoverResolver, mover_resolver, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (JUST_SYNC_TYPE_CONFLICT_RESOLVER,
                                                      mover_resolver_iface_init))

static void
mover_resolver_class_init (MoverResolverClass *klass)
{
}

static void
mover_resolver_init (MoverResolver *self)
{
}

static void
test_row_moved_while_resolving (void)
{
  g_autoptr(JustSyncSqliteStore) store = open_scratch ("moved.db");
  JustSyncLocalStore *local = JUST_SYNC_LOCAL_STORE (store);
  g_autoptr(JustSyncScope) scope = just_sync_test_scope ("notes", NULL);
  g_autoptr(MoverResolver) resolver = g_object_new (TYPE_MOVER_RESOLVER, NULL);
  g_autoptr(JustSyncDelta) delta = prepare_conflict (local, scope);
  g_autoptr(JustSyncApplyResult) applied = NULL;
  g_autoptr(GPtrArray) conflicts = NULL;
  g_autoptr(GPtrArray) ops = NULL;
  g_autoptr(GError) error = NULL;
  Mover mover = { local, scope, 0, NULL };

  g_object_set_data (G_OBJECT (resolver), "mover", &mover);
  applied = just_sync_test_local_apply (local, scope, delta, JUST_SYNC_CONFLICT_RESOLVER (resolver),
                                        &error);
  g_assert_no_error (error);

  /* Asked again, about the newer change; one conflict is recorded. */
  g_assert_cmpuint (mover.calls, ==, 2);
  g_assert_cmpstr (mover.last_local, ==, "newer");
  conflicts = just_sync_test_local_list_conflicts (local, scope);
  g_assert_cmpuint (conflicts->len, ==, 1);
  g_assert_cmpstr (just_sync_test_payload_string (just_sync_conflict_get_local (g_ptr_array_index (conflicts, 0)), "v"),
                   ==, "newer");
  ops = just_sync_test_local_list_ops (local, scope);
  g_assert_cmpuint (ops->len, ==, 2);
  g_free (mover.last_local);
}

/* The same rules as the memory store: a differential test */

typedef struct
{
  GRand *rand;
  JustSyncLocalStore *memory;
  JustSyncLocalStore *sqlite;
  JustSyncScope *scope;
  JustSyncConflictResolver *resolver;
  JustSyncMemoryRemoteStore *server;
  gint64 clock;
  /* What the run covered: counts per JustSyncApplyAction, and conflicts
   * per JustSyncResolution. */
  guint actions[JUST_SYNC_APPLY_ACKNOWLEDGED + 1];
  guint resolutions[JUST_SYNC_RESOLUTION_LOCAL + 1];
} Twin;

#define N_IDS 6

static char *
random_id (Twin *twin)
{
  return g_strdup_printf ("r%d", g_rand_int_range (twin->rand, 0, N_IDS));
}

static JustSyncRecord *
random_record (Twin       *twin,
               const char *id,
               const char *who)
{
  g_autofree char *json = g_strdup_printf ("{\"v\": %d, \"who\": \"%s\"}",
                                           g_rand_int_range (twin->rand, 0, 3), who);

  return just_sync_test_record (id, json, ++twin->clock);
}

static void
assert_same_apply_results (Twin                *twin,
                           JustSyncApplyResult *a,
                           JustSyncApplyResult *b)
{
  g_auto(GStrv) ids_a = just_sync_apply_result_dup_changed_ids (a);
  g_auto(GStrv) ids_b = just_sync_apply_result_dup_changed_ids (b);
  GPtrArray *conflicts = just_sync_apply_result_get_conflicts (a);

  for (JustSyncApplyAction action = 0; action <= JUST_SYNC_APPLY_ACKNOWLEDGED; action++)
    {
      g_assert_cmpuint (just_sync_apply_result_get_count (a, action), ==,
                        just_sync_apply_result_get_count (b, action));
      twin->actions[action] += just_sync_apply_result_get_count (a, action);
    }
  for (guint i = 0; i < conflicts->len; i++)
    twin->resolutions[just_sync_conflict_get_resolution (g_ptr_array_index (conflicts, i))]++;
  g_assert_true (g_strv_equal ((const char * const *) ids_a, (const char * const *) ids_b));
  assert_same (just_sync_apply_result_get_conflicts (a), just_sync_apply_result_get_conflicts (b),
               conflict_equal_but_time);
}

static void
twin_compare (Twin *twin)
{
  g_autoptr(GPtrArray) ra = just_sync_test_local_query_since (twin->memory, twin->scope, 0);
  g_autoptr(GPtrArray) rb = just_sync_test_local_query_since (twin->sqlite, twin->scope, 0);
  g_autoptr(GPtrArray) oa = just_sync_test_local_list_ops (twin->memory, twin->scope);
  g_autoptr(GPtrArray) ob = just_sync_test_local_list_ops (twin->sqlite, twin->scope);
  g_autoptr(GPtrArray) ca = just_sync_test_local_list_conflicts (twin->memory, twin->scope);
  g_autoptr(GPtrArray) cb = just_sync_test_local_list_conflicts (twin->sqlite, twin->scope);
  g_autoptr(JustSyncSyncPoint) sa = just_sync_test_local_get_sync_point (twin->memory, twin->scope);
  g_autoptr(JustSyncSyncPoint) sb = just_sync_test_local_get_sync_point (twin->sqlite, twin->scope);
  g_autoptr(GPtrArray) qa = just_sync_test_local_query (twin->memory, twin->scope);
  g_autoptr(GPtrArray) qb = just_sync_test_local_query (twin->sqlite, twin->scope);

  assert_same (ra, rb, just_sync_record_equal);
  assert_same (qa, qb, just_sync_record_equal);
  assert_same (oa, ob, just_sync_pending_op_equal);
  assert_same (ca, cb, conflict_equal_but_time);
  assert_same_sync_points (sa, sb);
  for (JustSyncOpState state = 0; state <= JUST_SYNC_OP_STATE_FAILED; state++)
    g_assert_cmpuint (just_sync_test_local_count_ops (twin->memory, NULL, state), ==,
                      just_sync_test_local_count_ops (twin->sqlite, NULL, state));
}

static void
twin_local_write (Twin *twin)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) oa = NULL, ob = NULL;
  guint n = g_rand_int_range (twin->rand, 1, 4);

  if (g_rand_int_range (twin->rand, 0, 4) == 0)
    {
      g_autoptr(GPtrArray) ids = g_ptr_array_new_with_free_func (g_free);

      for (guint i = 0; i < n; i++)
        g_ptr_array_add (ids, random_id (twin));
      g_ptr_array_add (ids, NULL);
      oa = just_sync_test_local_delete (twin->memory, twin->scope,
                                        (const char * const *) ids->pdata,
                                        ++twin->clock, &error);
      g_assert_no_error (error);
      ob = just_sync_test_local_delete (twin->sqlite, twin->scope,
                                        (const char * const *) ids->pdata, twin->clock,
                                        &error);
      g_assert_no_error (error);
    }
  else
    {
      g_autoptr(GPtrArray) records = empty_records ();

      for (guint i = 0; i < n; i++)
        {
          g_autofree char *id = random_id (twin);

          g_ptr_array_add (records, random_record (twin, id, "local"));
        }
      oa = just_sync_test_local_upsert (twin->memory, twin->scope, records, &error);
      g_assert_no_error (error);
      ob = just_sync_test_local_upsert (twin->sqlite, twin->scope, records, &error);
      g_assert_no_error (error);
    }
  assert_same (oa, ob, just_sync_pending_op_equal);
}

/* Another client's write on the server, stamped by the test's clock. */
static JustSyncRecord *
server_write (Twin       *twin,
              const char *id,
              JsonObject *payload,
              gboolean    delete)
{
  if (!delete)
    return just_sync_memory_remote_store_server_upsert (twin->server, twin->scope, id, payload,
                                                        ++twin->clock);
  just_sync_test_remote_set_clock (twin->server, ++twin->clock);
  return just_sync_memory_remote_store_server_delete (twin->server, twin->scope, id);
}

static void
twin_remote_edit (Twin *twin)
{
  g_autofree char *id = random_id (twin);
  g_autoptr(JustSyncRecord) content = random_record (twin, id, "remote");
  g_autoptr(JustSyncRecord) written = NULL;

  written = server_write (twin, id, just_sync_record_get_payload (content),
                          g_rand_int_range (twin->rand, 0, 5) == 0);
}

static void
twin_pull (Twin *twin)
{
  g_autoptr(JustSyncSyncPoint) since = NULL;
  g_autoptr(JustSyncDelta) delta = NULL;
  g_autoptr(JustSyncApplyResult) a = NULL, b = NULL;
  g_autoptr(GError) error = NULL;
  gint32 clock = (gint32) MAX (twin->clock, 1);

  /* From anywhere in the past: overlap re-reads are the norm. */
  if (g_rand_boolean (twin->rand))
    since = just_sync_sync_point_new (g_rand_int_range (twin->rand, 0, clock), NULL);
  delta = JUST_SYNC_TEST_AWAIT_OK (just_sync_remote_store_fetch_since,
                                   JUST_SYNC_REMOTE_STORE (twin->server), twin->scope, since,
                                   10000);

  a = just_sync_test_local_apply (twin->memory, twin->scope, delta, twin->resolver, &error);
  g_assert_no_error (error);
  b = just_sync_test_local_apply (twin->sqlite, twin->scope, delta, twin->resolver, &error);
  g_assert_no_error (error);
  assert_same_apply_results (twin, a, b);
}

/* Pushes some queued ops with random outcomes; a written op lands on the
 * server (with server-side extras, as real backends add). */
static void
twin_push (Twin *twin)
{
  static const JustSyncPushStatus failures[] = {
    JUST_SYNC_PUSH_REJECTED, JUST_SYNC_PUSH_RETRY, JUST_SYNC_PUSH_PRECONDITION_FAILED,
  };
  g_autoptr(GPtrArray) ops = just_sync_test_local_list_ops (twin->memory, twin->scope);
  g_autoptr(GPtrArray) results = NULL;
  g_autoptr(JustSyncApplyResult) a = NULL, b = NULL;
  g_autoptr(GError) error = NULL;

  results = g_ptr_array_new_with_free_func ((GDestroyNotify) just_sync_push_result_unref);
  for (guint i = 0; i < ops->len; i++)
    {
      JustSyncPendingOp *op = g_ptr_array_index (ops, i);
      JustSyncRecord *local = just_sync_pending_op_get_record (op);
      const char *id = just_sync_pending_op_get_record_id (op);
      gint64 seq = just_sync_pending_op_get_seq (op);
      g_autoptr(JsonObject) payload = NULL;
      g_autoptr(JustSyncRecord) reply = NULL;
      JsonObjectIter iter;
      const char *name;
      JsonNode *value;
      guint outcome;

      if (just_sync_pending_op_get_state (op) != JUST_SYNC_OP_STATE_QUEUED ||
          g_rand_int_range (twin->rand, 0, 3) == 0)
        continue;

      /* Half of the pushes fail, each way as often. */
      outcome = g_rand_int_range (twin->rand, 0, 6);
      if (outcome < G_N_ELEMENTS (failures))
        {
          g_ptr_array_add (results, just_sync_push_result_new_failed (seq, id, failures[outcome],
                                                                      "refused", 0));
          continue;
        }

      payload = json_object_new ();
      json_object_iter_init (&iter, just_sync_record_get_payload (local));
      while (json_object_iter_next (&iter, &name, &value))
        json_object_set_member (payload, name, json_node_copy (value));
      json_object_set_string_member (payload, "server_extra", "x");
      reply = server_write (twin, id, payload, just_sync_record_is_deleted (local));
      g_ptr_array_add (results, just_sync_push_result_new_written (seq, reply));
    }

  a = just_sync_test_local_commit_push (twin->memory, twin->scope, results, &error);
  g_assert_no_error (error);
  b = just_sync_test_local_commit_push (twin->sqlite, twin->scope, results, &error);
  g_assert_no_error (error);
  assert_same_apply_results (twin, a, b);
}

static void
twin_maintenance (Twin *twin)
{
  switch (g_rand_int_range (twin->rand, 0, 4))
    {
    case 0:
      g_assert_cmpuint (just_sync_test_local_retry_failed (twin->memory, twin->scope), ==,
                        just_sync_test_local_retry_failed (twin->sqlite, twin->scope));
      break;

    case 1:
      g_assert_cmpuint (just_sync_test_local_discard_failed (twin->memory, twin->scope), ==,
                        just_sync_test_local_discard_failed (twin->sqlite, twin->scope));
      break;

    case 2:
      {
        g_autoptr(GPtrArray) rows = NULL;
        g_autoptr(GPtrArray) keep = g_ptr_array_new ();
        const char * const *ids;

        rows = just_sync_memory_remote_store_server_list (twin->server, twin->scope);
        for (guint i = 0; i < rows->len; i++)
          g_ptr_array_add (keep, (gpointer) just_sync_record_get_id (g_ptr_array_index (rows, i)));
        g_ptr_array_add (keep, NULL);
        ids = (const char * const *) keep->pdata;
        g_assert_cmpuint (just_sync_test_local_prune_missing (twin->memory, twin->scope, ids), ==,
                          just_sync_test_local_prune_missing (twin->sqlite, twin->scope, ids));
      }
      break;

    default:
      {
        g_autoptr(JustSyncSyncPoint) point = NULL;

        if (g_rand_boolean (twin->rand))
          point = just_sync_sync_point_new (g_rand_int_range (twin->rand, 0,
                                                              (gint32) MAX (twin->clock, 1)),
                                            "r1");
        just_sync_test_local_save_sync_point (twin->memory, twin->scope, point);
        just_sync_test_local_save_sync_point (twin->sqlite, twin->scope, point);
      }
      break;
    }
}

static void
test_same_rules_as_memory_store (void)
{
  guint n_seeds = g_test_slow () ? 20 : 4;
  guint actions[G_N_ELEMENTS (((Twin *) NULL)->actions)] = { 0, };
  guint resolutions[G_N_ELEMENTS (((Twin *) NULL)->resolutions)] = { 0, };

  for (guint seed = 1; seed <= n_seeds; seed++)
    {
      g_autofree char *name = g_strdup_printf ("twin-%u.db", seed);
      g_autoptr(JustSyncSqliteStore) sqlite = open_scratch (name);
      g_autoptr(JustSyncLocalStore) memory = just_sync_memory_local_store_new ();
      g_autoptr(JustSyncConflictResolver) lww = just_sync_last_write_wins_resolver_new ();
      g_autoptr(JustSyncScope) scope = just_sync_test_scope ("twin", NULL);
      g_autoptr(GRand) rand = g_rand_new_with_seed (seed);
      g_autoptr(JustSyncMemoryRemoteStore) server = just_sync_test_remote_new ();
      Twin twin = { rand, memory, JUST_SYNC_LOCAL_STORE (sqlite), scope, lww, server, 0 };

      for (guint step = 0; step < 150; step++)
        {
          switch (g_rand_int_range (rand, 0, 10))
            {
            case 0: case 1: case 2:
              twin_local_write (&twin);
              break;

            case 3: case 4:
              twin_remote_edit (&twin);
              break;

            case 5: case 6:
              twin_pull (&twin);
              break;

            case 7: case 8:
              twin_push (&twin);
              break;

            default:
              twin_maintenance (&twin);
              break;
            }
          twin_compare (&twin);
        }

      for (guint i = 0; i < G_N_ELEMENTS (actions); i++)
        actions[i] += twin.actions[i];
      for (guint i = 0; i < G_N_ELEMENTS (resolutions); i++)
        resolutions[i] += twin.resolutions[i];
    }

  /* Every rule was exercised, not just the easy ones. */
  g_test_message ("inserted %u, replaced %u, deleted %u, skipped %u, acknowledged %u; "
                  "conflicts won by remote %u, by local %u",
                  actions[JUST_SYNC_APPLY_INSERTED], actions[JUST_SYNC_APPLY_REPLACED],
                  actions[JUST_SYNC_APPLY_DELETED], actions[JUST_SYNC_APPLY_SKIPPED],
                  actions[JUST_SYNC_APPLY_ACKNOWLEDGED], resolutions[JUST_SYNC_RESOLUTION_REMOTE],
                  resolutions[JUST_SYNC_RESOLUTION_LOCAL]);
  for (guint i = 0; i < G_N_ELEMENTS (actions); i++)
    g_assert_cmpuint (actions[i], >, 0);
  for (guint i = 0; i < G_N_ELEMENTS (resolutions); i++)
    g_assert_cmpuint (resolutions[i], >, 0);
}

static void
rows_damaged_cb (JustSyncSqliteStore *store,
                 JustSyncScope       *scope,
                 guint                n_rows,
                 guint               *total)
{
  g_assert_cmpstr (just_sync_scope_get_name (scope), ==, "notes");
  *total += n_rows;
}

static GVariant *
list_damaged (JustSyncSqliteStore *store,
              JustSyncScope       *scope)
{
  return JUST_SYNC_TEST_AWAIT_OK (just_sync_sqlite_store_list_damaged, store, scope);
}

/*
 * Issue 12, item 6: a row that can no longer be read (json-glib 1.6's
 * `1e+17.0`, a raw U+001F it wrote, a hand edit) took its whole scope
 * down: every query failed with "holds a damaged row". Now the read moves
 * it aside, reports it, and the scope reads, pulls and pushes on.
 */
static void
test_damaged_rows (void)
{
  g_autoptr(JustSyncSqliteStore) store = open_scratch ("quarantine.db");
  JustSyncLocalStore *local = JUST_SYNC_LOCAL_STORE (store);
  g_autoptr(JustSyncScope) scope = just_sync_test_scope ("notes", NULL);
  g_autoptr(JustSyncConflictResolver) resolver = just_sync_last_write_wins_resolver_new ();
  g_autoptr(JustSyncDelta) pulled = NULL, later = NULL;
  g_autoptr(JustSyncApplyResult) applied = NULL, again = NULL;
  g_autoptr(GPtrArray) written = NULL, records = NULL, ops = NULL, after = NULL;
  g_autoptr(GPtrArray) rewritten = just_sync_test_records (just_sync_test_record ("r3", "{\"n\":30}", 20),
                                                           NULL);
  g_autoptr(GVariant) damaged = NULL, none = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *changes = NULL;
  const char *id, *what, *payload, *reason;
  gint64 found_at;
  guint n_damaged = 0;

  g_signal_connect (store, "rows-damaged", G_CALLBACK (rows_damaged_cb), &n_damaged);
  pulled = just_sync_test_delta (10, just_sync_test_record ("r1", "{\"n\":1}", 1),
                                 just_sync_test_record ("r2", "{\"n\":2}", 2),
                                 just_sync_test_record ("r3", "{\"n\":3}", 3),
                                 just_sync_test_record ("r4", "{\"n\":4}", 4), NULL);
  applied = just_sync_test_local_apply (local, scope, pulled, resolver, &error);
  g_assert_no_error (error);
  written = just_sync_test_local_upsert (local, scope, rewritten, &error);
  g_assert_no_error (error);

  g_free (util_sql (store, "UPDATE records SET payload = '{\"n\":1e+17.0}' WHERE id = 'r2'"));
  g_free (util_sql (store, "UPDATE records SET payload = '{\"t\":\"a' || char (31) || 'b\"}' WHERE id = 'r4'"));
  g_free (util_sql (store, "UPDATE pending_ops SET payload = 'inf.0' WHERE record_id = 'r3'"));

  /* The query skips the two records it cannot read, and reports them. */
  records = just_sync_test_local_query (local, scope);
  g_assert_cmpuint (records->len, ==, 2);
  g_assert_nonnull (just_sync_test_find_record (records, "r1"));
  g_assert_nonnull (just_sync_test_find_record (records, "r3"));
  g_assert_true (just_sync_test_wait_count (&n_damaged, 2, 5000));

  /* The operation it cannot read leaves the queue, and its row's count. */
  ops = just_sync_test_local_list_ops (local, scope);
  g_assert_cmpuint (ops->len, ==, 0);
  g_assert_true (just_sync_test_wait_count (&n_damaged, 3, 5000));
  changes = util_sql (store, "SELECT local_changes FROM records WHERE id = 'r3'");
  g_assert_cmpstr (changes, ==, "0");

  damaged = list_damaged (store, scope);
  g_assert_cmpuint (g_variant_n_children (damaged), ==, 3);
  g_variant_get_child (damaged, 0, "(&s&s&s&sx)", &id, &what, &payload, &reason, &found_at);
  g_assert_cmpstr (id, ==, "r2");
  g_assert_cmpstr (what, ==, "record");
  g_assert_cmpstr (payload, ==, "{\"n\":1e+17.0}");
  g_assert_cmpstr (reason, !=, "");
  g_assert_cmpint (found_at, >, 0);
  g_variant_get_child (damaged, 1, "(&s&s&s&sx)", &id, &what, &payload, &reason, &found_at);
  g_assert_cmpstr (id, ==, "r4");
  g_variant_get_child (damaged, 2, "(&s&s&s&sx)", &id, &what, &payload, &reason, &found_at);
  g_assert_cmpstr (id, ==, "r3");
  g_assert_cmpstr (what, ==, "operation");

  /* A pull over a row damaged since: the server's version takes its place. */
  g_free (util_sql (store, "UPDATE records SET payload = '{' WHERE id = 'r1'"));
  later = just_sync_test_delta (30, just_sync_test_record ("r1", "{\"t\":\"ten\"}", 25),
                                just_sync_test_record ("r2", "{\"t\":\"twenty\"}", 25), NULL);
  again = just_sync_test_local_apply (local, scope, later, resolver, &error);
  g_assert_no_error (error);
  after = just_sync_test_local_query (local, scope);
  g_assert_cmpuint (after->len, ==, 3);
  g_assert_cmpstr (just_sync_test_payload_string (just_sync_test_find_record (after, "r1"), "t"), ==, "ten");
  g_assert_cmpstr (just_sync_test_payload_string (just_sync_test_find_record (after, "r2"), "t"), ==, "twenty");
  g_clear_pointer (&damaged, g_variant_unref);
  damaged = list_damaged (store, scope);
  g_assert_cmpuint (g_variant_n_children (damaged), ==, 4);

  /* The app deletes them. */
  g_assert_cmpuint (JUST_SYNC_TEST_AWAIT_OK (just_sync_sqlite_store_delete_damaged, store, scope), ==, 4);
  none = list_damaged (store, scope);
  g_assert_cmpuint (g_variant_n_children (none), ==, 0);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/sqlite/open/pragmas", test_open_pragmas);
  g_test_add_func ("/sqlite/open/default-path", test_open_default_path);
  g_test_add_func ("/sqlite/open/missing-folder", test_open_missing_folder);
  g_test_add_func ("/sqlite/open/not-a-database", test_open_not_a_database);
  g_test_add_func ("/sqlite/open/foreign-database", test_open_foreign_database);
  g_test_add_func ("/sqlite/open/newer-schema", test_open_newer_schema);
  g_test_add_func ("/sqlite/open/migration-is-atomic", test_open_migration_is_atomic);
  g_test_add_func ("/sqlite/open/migrates-v1", test_open_migrates_v1);
  g_test_add_func ("/sqlite/open/migrates-v4", test_open_migrates_v4);
  g_test_add_func ("/sqlite/damaged-pages", test_damaged_pages);
  g_test_add_func ("/sqlite/op-counts", test_op_counts);
  g_test_add_func ("/sqlite/pulled-version", test_pulled_version);
  g_test_add_func ("/sqlite/persistence", test_persistence);
  g_test_add_func ("/sqlite/close", test_close);
  g_test_add_func ("/sqlite/query-plans", test_query_plans);
  g_test_add_func ("/sqlite/hostile-strings", test_hostile_strings);
  g_test_add_func ("/sqlite/disk-full", test_disk_full);
  g_test_add_func ("/sqlite/app-write-atomic", test_app_write_atomic);
  g_test_add_func ("/sqlite/query-filter", test_query_filter);
  g_test_add_func ("/sqlite/count-and-get", test_count_and_get);
  g_test_add_func ("/sqlite/purge-tombstones", test_purge_tombstones);
  g_test_add_func ("/sqlite/thread/main-never-waits", test_main_thread_never_waits);
  g_test_add_func ("/sqlite/thread/changed-signal", test_changed_signal);
  g_test_add_func ("/sqlite/thread/contexts", test_contexts);
  g_test_add_func ("/sqlite/thread/cancelled-before-start", test_cancelled_before_start);
  g_test_add_func ("/sqlite/thread/resolver-on-caller-context",
                   test_resolver_runs_on_caller_context);
  g_test_add_func ("/sqlite/thread/no-lock-while-resolving", test_no_lock_while_resolving);
  g_test_add_func ("/sqlite/thread/caller-context-stops", test_caller_context_stops);
  g_test_add_func ("/sqlite/thread/row-moved-while-resolving", test_row_moved_while_resolving);
  g_test_add_func ("/sqlite/same-rules-as-memory-store", test_same_rules_as_memory_store);
  g_test_add_func ("/sqlite/damaged-rows", test_damaged_rows);

  just_sync_test_add_local_store_contract ("/sqlite/contract", new_contract_store, NULL);

  return g_test_run ();
}
