/* test-sqlite-crash.c: crash safety. A child process writes to a store
 * (app writes, remote pages, push acknowledgements) and is killed with
 * SIGKILL at random moments; after each kill the store must hold every
 * write the child acknowledged, pass PRAGMA integrity_check, and have
 * pending operations and sync points that agree with the rows.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include <signal.h>

#include "justsync-sqlite-store-private.h"
#include "sqlite-crash-common.h"
#include "sqlite-test-util.h"

/* The child program: the test's argument, or next to the test. */
static char *child_path;

typedef struct
{
  char *id;
  gint64 seq;
} Write;

/* What the child acknowledged, over every run. */
typedef struct
{
  GHashTable *latest;        /* id -> the latest acknowledged n */
  GArray *writes;            /* Write */
  GHashTable *pushing;       /* id -> the highest seq a push was started for */
  GHashTable *deleted;       /* ids */
  gint64 last_page;
  guint n_lines;
  guint n_pages;
  guint n_pushes;
} Acks;

static void
write_clear (Write *write)
{
  g_free (write->id);
}

static void
acks_init (Acks *acks)
{
  acks->latest = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  acks->writes = g_array_new (FALSE, FALSE, sizeof (Write));
  g_array_set_clear_func (acks->writes, (GDestroyNotify) write_clear);
  acks->pushing = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  acks->deleted = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  acks->last_page = -1;
}

static void
acks_clear (Acks *acks)
{
  g_hash_table_unref (acks->latest);
  g_array_unref (acks->writes);
  g_hash_table_unref (acks->pushing);
  g_hash_table_unref (acks->deleted);
}

static void
raise_to (GHashTable *table,
          const char *id,
          gint64      value)
{
  gint64 *old = g_hash_table_lookup (table, id);

  if (old == NULL || *old < value)
    g_hash_table_insert (table, g_strdup (id), g_memdup2 (&value, sizeof value));
}

static void
acks_add_line (Acks       *acks,
               const char *line)
{
  g_auto(GStrv) words = g_strsplit (line, " ", -1);
  guint n_words = g_strv_length (words);

  acks->n_lines++;
  if (g_str_equal (words[0], "W") && n_words == 4)
    {
      Write write = { g_strdup (words[1]), g_ascii_strtoll (words[3], NULL, 10) };

      raise_to (acks->latest, words[1], g_ascii_strtoll (words[2], NULL, 10));
      g_array_append_val (acks->writes, write);
    }
  else if (g_str_equal (words[0], "X") && n_words == 2)
    g_hash_table_add (acks->deleted, g_strdup (words[1]));
  else if (g_str_equal (words[0], "p") && n_words == 3)
    raise_to (acks->pushing, words[1], g_ascii_strtoll (words[2], NULL, 10));
  else if (g_str_equal (words[0], "P") && n_words == 3)
    acks->n_pushes++;
  else if (g_str_equal (words[0], "A") && n_words == 2)
    {
      acks->last_page = MAX (acks->last_page, g_ascii_strtoll (words[1], NULL, 10));
      acks->n_pages++;
    }
  else
    g_error ("The child wrote “%s”", line);
}

typedef struct
{
  Acks *acks;
  GSubprocess *child;
  GDataInputStream *lines;
  GMainLoop *loop;
  guint delay_ms;
  guint killer;
  gboolean clock_started;
} Run;

static gboolean
kill_child (gpointer data)
{
  Run *run = data;

  run->killer = 0;
  g_subprocess_force_exit (run->child);
  return G_SOURCE_REMOVE;
}

static void
on_line (GObject      *source,
         GAsyncResult *result,
         gpointer      data)
{
  Run *run = data;
  g_autoptr(GError) error = NULL;
  g_autofree char *line = g_data_input_stream_read_line_finish (run->lines, result, NULL, &error);

  g_assert_no_error (error);
  if (line == NULL)
    {
      g_main_loop_quit (run->loop);
      return;
    }

  /* The clock starts once the child went through every kind of write
   * once (its first cycle ends with a create and delete). */
  if (!run->clock_started && line[0] == 'X')
    {
      run->clock_started = TRUE;
      run->killer = g_timeout_add (run->delay_ms, kill_child, run);
    }
  acks_add_line (run->acks, line);
  g_data_input_stream_read_line_async (run->lines, G_PRIORITY_DEFAULT, NULL, on_line, run);
}

/* Runs the child until a kill @delay_ms after its first full cycle, and
 * collects everything it acknowledged.
 */
static void
run_child_and_kill (const char *path,
                    gint64      first_n,
                    guint       delay_ms,
                    Acks       *acks)
{
  g_autofree char *n = g_strdup_printf ("%" G_GINT64_FORMAT, first_n);
  g_autoptr(GMainLoop) loop = g_main_loop_new (NULL, FALSE);
  g_autoptr(GError) error = NULL;
  g_autoptr(GSubprocess) child = NULL;
  g_autoptr(GDataInputStream) lines = NULL;
  Run run = { acks, NULL, NULL, loop, delay_ms, 0, FALSE };

  child = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE, &error, child_path, path, n, NULL);
  g_assert_no_error (error);
  lines = g_data_input_stream_new (g_subprocess_get_stdout_pipe (child));
  run.child = child;
  run.lines = lines;

  g_data_input_stream_read_line_async (lines, G_PRIORITY_DEFAULT, NULL, on_line, &run);
  g_main_loop_run (loop);
  g_clear_handle_id (&run.killer, g_source_remove);

  g_subprocess_wait (child, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_get_if_signaled (child));
  g_assert_cmpint (g_subprocess_get_term_sig (child), ==, SIGKILL);
}

static gint64
payload_n (JustSyncRecord *record)
{
  return json_object_get_int_member_with_default (just_sync_record_get_payload (record), "n", -1);
}

static void
assert_sql_zero (JustSyncSqliteStore *store,
                 const char          *sql)
{
  g_autofree char *value = util_sql (store, sql);

  if (g_strcmp0 (value, "0") != 0)
    g_error ("%s: %s", sql, value);
}

/* Reopens the store and checks it against what the child acknowledged. */
static void
verify (const char *path,
        Acks       *acks)
{
  g_autoptr(GError) error = NULL;
  JustSyncSqliteStore *store = util_open (path, FALSE, &error);
  JustSyncLocalStore *local;
  g_autoptr(JustSyncScope) scope = crash_scope ();
  g_autoptr(GPtrArray) records = NULL, ops = NULL;
  g_autoptr(GHashTable) rows = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GHashTable) seqs = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  g_autoptr(JustSyncSyncPoint) sync_point = NULL;
  g_autofree char *check = NULL;
  GHashTableIter iter;
  const char *id;
  gint64 *value;
  gint64 page = -1;
  guint page_rows = 0;

  g_assert_no_error (error);
  local = JUST_SYNC_LOCAL_STORE (store);

  check = util_sql (store, "PRAGMA integrity_check");
  g_assert_cmpstr (check, ==, "ok");

  records = just_sync_test_local_query_since (local, scope, 0);
  for (guint i = 0; i < records->len; i++)
    {
      JustSyncRecord *record = g_ptr_array_index (records, i);

      g_hash_table_insert (rows, (gpointer) just_sync_record_get_id (record), record);
      if (just_sync_record_get_id (record)[0] == 's')
        page_rows++;
    }
  ops = just_sync_test_local_list_ops (local, scope);
  for (guint i = 0; i < ops->len; i++)
    {
      gint64 seq = just_sync_pending_op_get_seq (g_ptr_array_index (ops, i));

      g_hash_table_add (seqs, g_memdup2 (&seq, sizeof seq));
    }

  /* Every acknowledged write is there, or a later one of the same row. */
  g_hash_table_iter_init (&iter, acks->latest);
  while (g_hash_table_iter_next (&iter, (gpointer *) &id, (gpointer *) &value))
    {
      JustSyncRecord *record = g_hash_table_lookup (rows, id);

      g_assert_nonnull (record);
      g_assert_false (just_sync_record_is_deleted (record));
      g_assert_cmpint (payload_n (record), >=, *value);
    }
  g_hash_table_iter_init (&iter, acks->deleted);
  while (g_hash_table_iter_next (&iter, (gpointer *) &id, NULL))
    {
      JustSyncRecord *record = g_hash_table_lookup (rows, id);

      g_assert_nonnull (record);
      g_assert_true (just_sync_record_is_deleted (record));
    }

  /* Its op waits, unless a push of it (or of a later op) had started. */
  for (guint i = 0; i < acks->writes->len; i++)
    {
      Write *write = &g_array_index (acks->writes, Write, i);
      gint64 *pushed = g_hash_table_lookup (acks->pushing, write->id);

      if (pushed == NULL || *pushed < write->seq)
        g_assert_true (g_hash_table_contains (seqs, &write->seq));
    }

  /* Rows and their ops agree. */
  assert_sql_zero (store, "SELECT count(*) FROM records r WHERE local_changes != "
                          "(SELECT count(*) FROM pending_ops o "
                          "WHERE o.scope = r.scope AND o.record_id = r.id)");
  assert_sql_zero (store, "SELECT count(*) FROM pending_ops o WHERE NOT EXISTS "
                          "(SELECT 1 FROM records r "
                          "WHERE r.scope = o.scope AND r.id = o.record_id)");
  /* The kept counts are the queue's. */
  assert_sql_zero (store, "SELECT count(*) FROM (SELECT state, scope, count(*) AS n "
                          "FROM pending_ops GROUP BY state, scope) o FULL JOIN op_counts c "
                          "USING (state, scope) WHERE coalesce(o.n, 0) != coalesce(c.n, 0)");

  /* The sync point says exactly which pages are in. */
  sync_point = just_sync_test_local_get_sync_point (local, scope);
  if (sync_point != NULL)
    page = crash_page_of (sync_point);
  g_assert_cmpint (page, >=, acks->last_page);
  g_assert_cmpuint (page_rows, ==, (page + 1) * CRASH_PAGE_ROWS);

  /* Closed before the next child opens the file. */
  util_close (store);
}

static void
test_crash_safety (void)
{
  g_autofree char *path = NULL;
  guint iterations = g_test_slow () ? 200 : 50;
  Acks acks = { 0, };

  g_mkdir_with_parents (g_get_user_cache_dir (), 0700);
  path = g_build_filename (g_get_user_cache_dir (), "crash.db", NULL);
  acks_init (&acks);

  for (guint i = 0; i < iterations; i++)
    {
      run_child_and_kill (path, (gint64) i * 1000000, g_test_rand_int_range (1, 40), &acks);
      verify (path, &acks);
    }

  g_test_message ("%u kills: %u acknowledgements, %u pages, %u pushes",
                  iterations, acks.n_lines, acks.n_pages, acks.n_pushes);
  /* Every child went through every kind of write before it was killed. */
  g_assert_cmpuint (acks.n_pages, >=, iterations);
  g_assert_cmpuint (acks.n_pushes, >=, iterations);

  acks_clear (&acks);
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *path = NULL;

  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
  if (argc > 1)
    path = g_strdup (argv[1]);
  else
    path = g_test_build_filename (G_TEST_BUILT, "sqlite-crash-child", NULL);
  child_path = path;

  g_test_add_func ("/sqlite/crash-safety", test_crash_safety);

  return g_test_run ();
}
