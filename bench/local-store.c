/* local-store.c: how fast JustSyncSqliteStore is, against raw SQLite
 * measured in the same run.
 *
 * - upsert: N records with ~200-byte JSON payloads in one upsert_many call
 *   (one transaction), against a raw baseline doing the same rows (record
 *   and pending op, same schema, payload serialized with json-glib) with
 *   prepared INSERTs in one transaction; printed as a ratio.
 * - create: the latency of single-record app writes with a durable
 *   commit (synchronous=FULL), from the call to the callback; p50 and p99.
 * - query: listing a scope of M records, from the call to the callback.
 *
 * Prints a Markdown table. Usage: bench-local-store [--rows N] [--creates N]
 * [--query-rows N] [--repeat N] [--dir DIR]
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include <glib/gstdio.h>
#include <sqlite3.h>

#include "sqlite-test-util.h"

static int rows = 100000;
static int creates = 1000;
static int query_rows = 10000;
static int repeat = 3;
static char *dir = NULL;

static GOptionEntry entries[] = {
  { "rows", 0, 0, G_OPTION_ARG_INT, &rows, "Records to upsert", "N" },
  { "creates", 0, 0, G_OPTION_ARG_INT, &creates, "Single-record creates to time", "N" },
  { "query-rows", 0, 0, G_OPTION_ARG_INT, &query_rows, "Records in the queried scope", "N" },
  { "repeat", 0, 0, G_OPTION_ARG_INT, &repeat, "Runs of each measure; the best counts", "N" },
  { "dir", 0, 0, G_OPTION_ARG_FILENAME, &dir, "Folder for the database files", "DIR" },
  { NULL }
};

/* Records with ~200 bytes of JSON each, as a notes app might write. */
static GPtrArray *
make_records (const char *prefix,
              int         n)
{
  GPtrArray *records = g_ptr_array_new_full (n, (GDestroyNotify) just_sync_record_unref);

  for (int i = 0; i < n; i++)
    {
      g_autofree char *id = g_strdup_printf ("%s-%08d", prefix, i);
      g_autofree char *json = g_strdup_printf (
        "{\"title\": \"Note number %d\", \"body\": \"Lorem ipsum dolor sit amet, consectetur "
        "adipiscing elit, sed do eiusmod tempor incididunt ut labore et dolore.\", "
        "\"done\": %s, \"priority\": %d, \"tags\": [\"work\", \"home\"]}",
        i, i % 2 ? "true" : "false", i % 5);

      g_ptr_array_add (records,
                       just_sync_test_record (id, json, G_GINT64_CONSTANT (1700000000000000) + i));
    }
  return records;
}

static char *
fresh_path (const char *name)
{
  g_autofree char *path = g_build_filename (dir, name, NULL);
  const char *suffixes[] = { "", "-wal", "-shm" };

  for (guint i = 0; i < G_N_ELEMENTS (suffixes); i++)
    {
      g_autofree char *file = g_strconcat (path, suffixes[i], NULL);

      g_unlink (file);
    }
  return g_steal_pointer (&path);
}

static JustSyncSqliteStore *
open_store (const char *name,
            gboolean    durable)
{
  g_autofree char *path = fresh_path (name);
  g_autoptr(GError) error = NULL;
  JustSyncSqliteStore *store = util_open (path, durable, &error);

  g_assert_no_error (error);
  return store;
}

static double
seconds_since (gint64 start)
{
  return (g_get_monotonic_time () - start) / (double) G_USEC_PER_SEC;
}

static void
check (sqlite3 *db,
       int      rc,
       int      expected)
{
  if (rc != expected)
    g_error ("SQLite: %s", sqlite3_errmsg (db));
}

/* Raw SQLite: a connection to a file with the store's schema, and the
 * prepared INSERTs of a record row and its pending op. */
typedef struct
{
  sqlite3 *db;
  sqlite3_stmt *stmts[2];
} Raw;

static void
raw_exec (Raw        *raw,
          const char *sql)
{
  check (raw->db, sqlite3_exec (raw->db, sql, NULL, NULL, NULL), SQLITE_OK);
}

static void
raw_open (Raw        *raw,
          const char *name,
          gboolean    durable)
{
  g_autofree char *path = NULL;

  util_close (open_store (name, durable));
  path = g_build_filename (dir, name, NULL);

  check (raw->db, sqlite3_open (path, &raw->db), SQLITE_OK);
  raw_exec (raw, durable ? "PRAGMA synchronous = FULL" : "PRAGMA synchronous = NORMAL");
  raw_exec (raw, "INSERT INTO scopes (name) VALUES ('bench')");
  check (raw->db, sqlite3_prepare_v2 (raw->db,
                                      "INSERT INTO records (scope, id, payload, updated_at, "
                                      "deleted_at, local_changes) VALUES (1, ?1, ?2, ?3, 0, 1)",
                                      -1, &raw->stmts[0], NULL),
         SQLITE_OK);
  check (raw->db, sqlite3_prepare_v2 (raw->db,
                                      "INSERT INTO pending_ops (scope, record_id, kind, payload, "
                                      "updated_at) VALUES (1, ?1, 'upsert', ?2, ?3)",
                                      -1, &raw->stmts[1], NULL),
         SQLITE_OK);
}

static void
raw_insert (Raw            *raw,
            JustSyncRecord *record)
{
  g_autofree char *payload = just_sync_record_dup_payload_data (record);

  for (guint s = 0; s < G_N_ELEMENTS (raw->stmts); s++)
    {
      sqlite3_bind_text (raw->stmts[s], 1, just_sync_record_get_id (record), -1, SQLITE_STATIC);
      sqlite3_bind_text (raw->stmts[s], 2, payload, -1, SQLITE_STATIC);
      sqlite3_bind_int64 (raw->stmts[s], 3, just_sync_record_get_updated_at (record));
      check (raw->db, sqlite3_step (raw->stmts[s]), SQLITE_DONE);
      sqlite3_reset (raw->stmts[s]);
    }
}

static void
raw_close (Raw *raw)
{
  for (guint s = 0; s < G_N_ELEMENTS (raw->stmts); s++)
    sqlite3_finalize (raw->stmts[s]);
  sqlite3_close (raw->db);
}

static double
time_raw_upsert (GPtrArray *records)
{
  Raw raw = { NULL, };
  gint64 start;
  double elapsed;

  raw_open (&raw, "raw.db", FALSE);
  start = g_get_monotonic_time ();
  raw_exec (&raw, "BEGIN IMMEDIATE");
  for (guint i = 0; i < records->len; i++)
    raw_insert (&raw, g_ptr_array_index (records, i));
  raw_exec (&raw, "COMMIT");
  elapsed = seconds_since (start);
  raw_close (&raw);
  return elapsed;
}

static double
time_store_upsert (GPtrArray *records)
{
  g_autoptr(JustSyncSqliteStore) store = open_store ("store.db", FALSE);
  g_autoptr(JustSyncScope) scope = just_sync_test_scope ("bench", NULL);
  g_autoptr(GPtrArray) ops = NULL;
  g_autoptr(GError) error = NULL;
  gint64 start = g_get_monotonic_time ();
  double elapsed;

  ops = just_sync_test_local_upsert (JUST_SYNC_LOCAL_STORE (store), scope, records, &error);
  elapsed = seconds_since (start);
  g_assert_no_error (error);
  g_assert_cmpuint (ops->len, ==, records->len);
  return elapsed;
}

static int
compare_int64 (gconstpointer a,
               gconstpointer b)
{
  gint64 x = *(const gint64 *) a, y = *(const gint64 *) b;

  return x < y ? -1 : x > y;
}

typedef struct
{
  gint64 p50;
  gint64 p99;
} Latency;

static Latency
percentiles (GArray *latencies)
{
  Latency latency;

  g_array_sort (latencies, compare_int64);
  latency.p50 = g_array_index (latencies, gint64, (latencies->len - 1) * 50 / 100);
  latency.p99 = g_array_index (latencies, gint64, (latencies->len - 1) * 99 / 100);
  return latency;
}

/* Single-record app writes with a durable commit, one after the other. */
static Latency
time_creates (GPtrArray *records)
{
  g_autoptr(JustSyncSqliteStore) store = open_store ("durable.db", TRUE);
  g_autoptr(JustSyncScope) scope = just_sync_test_scope ("bench", NULL);
  g_autoptr(GArray) latencies = g_array_sized_new (FALSE, FALSE, sizeof (gint64), records->len);

  for (guint i = 0; i < records->len; i++)
    {
      g_autoptr(GPtrArray) one = g_ptr_array_new ();
      g_autoptr(GPtrArray) ops = NULL;
      g_autoptr(GError) error = NULL;
      gint64 start, latency;

      g_ptr_array_add (one, g_ptr_array_index (records, i));
      start = g_get_monotonic_time ();
      ops = just_sync_test_local_upsert (JUST_SYNC_LOCAL_STORE (store), scope, one, &error);
      latency = g_get_monotonic_time () - start;
      g_assert_no_error (error);
      g_array_append_val (latencies, latency);
    }
  return percentiles (latencies);
}

static Latency
time_raw_creates (GPtrArray *records)
{
  g_autoptr(GArray) latencies = g_array_sized_new (FALSE, FALSE, sizeof (gint64), records->len);
  Raw raw = { NULL, };

  raw_open (&raw, "raw-durable.db", TRUE);
  for (guint i = 0; i < records->len; i++)
    {
      gint64 start = g_get_monotonic_time (), latency;

      raw_exec (&raw, "BEGIN IMMEDIATE");
      raw_insert (&raw, g_ptr_array_index (records, i));
      raw_exec (&raw, "COMMIT");
      latency = g_get_monotonic_time () - start;
      g_array_append_val (latencies, latency);
    }
  raw_close (&raw);
  return percentiles (latencies);
}

static double
time_query (JustSyncSqliteStore *store,
            JustSyncScope       *scope)
{
  g_autoptr(GPtrArray) found = NULL;
  gint64 start = g_get_monotonic_time ();
  double elapsed;

  found = just_sync_test_local_query (JUST_SYNC_LOCAL_STORE (store), scope);
  elapsed = seconds_since (start);
  g_assert_cmpint (found->len, ==, query_rows);
  return elapsed;
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GOptionContext) context = g_option_context_new ("- benchmark JustSyncSqliteStore");
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) records = NULL;
  g_autoptr(GPtrArray) queried = NULL;
  g_autoptr(JustSyncSqliteStore) query_store = NULL;
  g_autoptr(JustSyncScope) scope = just_sync_test_scope ("bench", NULL);
  g_autoptr(GPtrArray) ops = NULL;
  g_autofree char *tmp = NULL;
  g_autoptr(GPtrArray) created = NULL;
  double raw = G_MAXDOUBLE, store = G_MAXDOUBLE, query = G_MAXDOUBLE;
  Latency create, raw_create;

  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("%s\n", error->message);
      return 2;
    }
  if (rows < 1 || creates < 1 || query_rows < 1 || repeat < 1)
    {
      g_printerr ("Counts must be positive\n");
      return 2;
    }
  if (dir == NULL)
    {
      dir = tmp = g_dir_make_tmp ("justsync-bench-XXXXXX", &error);
      g_assert_no_error (error);
    }

  records = make_records ("note", rows);
  for (int i = 0; i < repeat; i++)
    {
      raw = MIN (raw, time_raw_upsert (records));
      store = MIN (store, time_store_upsert (records));
    }

  created = make_records ("create", creates);
  raw_create = time_raw_creates (created);
  create = time_creates (created);

  query_store = open_store ("query.db", FALSE);
  queried = make_records ("query", query_rows);
  ops = just_sync_test_local_upsert (JUST_SYNC_LOCAL_STORE (query_store), scope, queried, &error);
  g_assert_no_error (error);
  for (int i = 0; i < repeat; i++)
    query = MIN (query, time_query (query_store, scope));

  g_print ("SQLite %s, best of %d runs, %s\n\n", sqlite3_libversion (), repeat, dir);
  g_print ("| measure | JustSyncSqliteStore | raw SQLite | ratio |\n");
  g_print ("| --- | --- | --- | --- |\n");
  g_print ("| upsert %d records, one transaction | %.0f records/s (%.3f s) "
           "| %.0f records/s (%.3f s) | %.2fx |\n",
           rows, rows / store, store, rows / raw, raw, raw / store);
  g_print ("| create one record, durable commit | p50 %.3f ms, p99 %.3f ms "
           "| p50 %.3f ms, p99 %.3f ms | |\n",
           create.p50 / 1000.0, create.p99 / 1000.0,
           raw_create.p50 / 1000.0, raw_create.p99 / 1000.0);
  g_print ("| query a scope of %d records | %.1f ms (%.0f records/s) | | |\n",
           query_rows, query * 1000, query_rows / query);

  if (tmp != NULL)
    {
      const char *names[] = { "raw.db", "raw-durable.db", "store.db", "durable.db", "query.db" };

      g_clear_object (&query_store);
      for (guint i = 0; i < G_N_ELEMENTS (names); i++)
        g_free (fresh_path (names[i]));
      g_rmdir (tmp);
    }
  return 0;
}
