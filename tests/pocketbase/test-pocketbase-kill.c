/* test-pocketbase-kill.c: a writing and syncing device, killed with SIGKILL
 * at chosen instants and at random ones, against a real PocketBase.
 *
 * The device is pb-kill-child, a process of its own on a SQLite store,
 * talking to PocketBase through this test's proxy, which can hold a request
 * before the server sees it or hold a reply after the server did the work:
 * the instants a random kill almost never hits. After every kill a new
 * device process opens the same file and syncs. No acknowledged write may
 * be lost, duplicated or reverted, a single writer must never conflict with
 * itself, and the file must pass PRAGMA integrity_check.
 *
 * Run under tests/servers/pocketbase/pb-harness.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <signal.h>
#include <sqlite3.h>
#include <stdio.h>
#include <string.h>

#include "pb-test-util.h"

static char *child_path;

typedef struct
{
  GSubprocess *process;
  GDataInputStream *out;
  GOutputStream *in;
} Device;

typedef struct
{
  HttpTestProxy *proxy;
  JustSyncScope *scope;
  char *db_path;
  Device device;
} Fixture;

/* {{{ The device process */

static char *
device_read_line (Device *device)
{
  GAsyncResult *slot = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  char *line;

  g_data_input_stream_read_line_async (device->out, G_PRIORITY_DEFAULT, NULL,
                                       just_sync_test_result_cb, &slot);
  result = just_sync_test_await (&slot);
  line = g_data_input_stream_read_line_finish_utf8 (device->out, result, NULL, &error);
  g_assert_no_error (error);
  return line;
}

/* Reads lines until one starts with @prefix, and returns it. */
static char *
device_expect (Device     *device,
               const char *prefix)
{
  for (;;)
    {
      g_autofree char *line = device_read_line (device);

      g_assert_nonnull (line);
      if (g_str_has_prefix (line, prefix))
        return g_steal_pointer (&line);
      g_assert_false (g_str_has_prefix (line, "err"));
    }
}

static void
device_send (Device     *device,
             const char *format,
             ...) G_GNUC_PRINTF (2, 3);

static void
device_send (Device     *device,
             const char *format,
             ...)
{
  g_autofree char *line = NULL;
  g_autoptr(GError) error = NULL;
  va_list args;

  va_start (args, format);
  line = g_strdup_vprintf (format, args);
  va_end (args);
  g_output_stream_printf (device->in, NULL, NULL, &error, "%s\n", line);
  g_assert_no_error (error);
}

static void
device_start (Fixture *fixture)
{
  Device *device = &fixture->device;
  g_autoptr(GError) error = NULL;
  g_autofree char *ready = NULL;

  device->process = g_subprocess_new (G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_PIPE,
                                      &error, child_path, fixture->db_path,
                                      http_test_proxy_get_url (fixture->proxy),
                                      just_sync_scope_to_string (fixture->scope), NULL);
  g_assert_no_error (error);
  device->out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (device->process));
  device->in = g_object_ref (g_subprocess_get_stdin_pipe (device->process));
  ready = device_expect (device, "ready");
}

static void
device_wait_exit (Device *device)
{
  GAsyncResult *slot = NULL;
  g_autoptr(GAsyncResult) result = NULL;

  g_subprocess_wait_async (device->process, NULL, just_sync_test_result_cb, &slot);
  result = just_sync_test_await (&slot);
  g_assert_true (g_subprocess_wait_finish (device->process, result, NULL));
  g_clear_object (&device->process);
  g_clear_object (&device->out);
  g_clear_object (&device->in);
}

static void
device_kill (Device *device)
{
  g_subprocess_send_signal (device->process, SIGKILL);
  device_wait_exit (device);
}

static void
device_exit (Device *device)
{
  device_send (device, "exit");
  device_wait_exit (device);
}

static void
device_put (Device     *device,
            const char *id,
            const char *text)
{
  g_autofree char *expected = g_strdup_printf ("ok put %s %s", id, text);
  g_autofree char *line = NULL;

  device_send (device, "put %s %s", id, text);
  line = device_expect (device, "ok put");
  g_assert_cmpstr (line, ==, expected);
}

/* A sync that must succeed; returns its conflict count. */
static guint
device_sync (Device *device)
{
  g_autofree char *line = NULL;
  guint pulled, pushed, conflicts;

  device_send (device, "sync");
  line = device_expect (device, "ok sync");
  g_assert_cmpint (sscanf (line, "ok sync %u %u %u", &pulled, &pushed, &conflicts), ==, 3);
  return conflicts;
}

/* }}} */
/* {{{ Fixture and checks */

static void
fixture_setup (Fixture       *fixture,
               gconstpointer  data)
{
  static guint counter;
  g_autofree char *name = g_strdup_printf ("kill-%u.db", ++counter);
  g_autofree char *tag = g_strdup_printf ("%s-%" G_GINT64_FORMAT, (const char *) data,
                                          g_get_real_time ());

  fixture->proxy = http_test_proxy_new (pb_env ("JUSTSYNC_PB_URL"));
  fixture->scope = pb_user_scope ("records", "ALICE", tag);
  g_mkdir_with_parents (g_get_user_data_dir (), 0700);
  fixture->db_path = g_build_filename (g_get_user_data_dir (), name, NULL);
}

static void
fixture_teardown (Fixture       *fixture,
                  gconstpointer  data)
{
  if (fixture->device.process != NULL)
    device_kill (&fixture->device);
  g_clear_pointer (&fixture->scope, just_sync_scope_unref);
  g_clear_pointer (&fixture->proxy, http_test_proxy_free);
  g_free (fixture->db_path);
}

static void
assert_integrity (const char *path)
{
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;

  g_assert_cmpint (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, "PRAGMA integrity_check", -1, &stmt, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  g_assert_cmpstr ((const char *) sqlite3_column_text (stmt, 0), ==, "ok");
  sqlite3_finalize (stmt);
  sqlite3_close (db);
}

/* What the device's file holds, read while no device runs. */
typedef struct
{
  GPtrArray *rows;
  guint n_ops;
  guint n_conflicts;
} Local;

static void
local_clear (Local *local)
{
  g_clear_pointer (&local->rows, g_ptr_array_unref);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Local, local_clear)

static void
local_read (Fixture *fixture,
            Local   *local)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JustSyncSqliteStore) store = NULL;
  g_autoptr(GPtrArray) ops = NULL;
  g_autoptr(GPtrArray) conflicts = NULL;
  JustSyncLocalStore *as_local;

  assert_integrity (fixture->db_path);
  store = just_sync_sqlite_store_new_sync (fixture->db_path, FALSE, NULL, &error);
  g_assert_no_error (error);
  as_local = JUST_SYNC_LOCAL_STORE (store);
  local->rows = just_sync_test_local_query (as_local, fixture->scope);
  ops = just_sync_test_local_list_ops (as_local, fixture->scope);
  conflicts = just_sync_test_local_list_conflicts (as_local, fixture->scope);
  local->n_ops = ops->len;
  local->n_conflicts = conflicts->len;
}

static const char *
title_of (GPtrArray  *records,
          const char *id)
{
  JustSyncRecord *record = just_sync_test_find_record (records, id);

  if (record == NULL || just_sync_record_is_deleted (record))
    return NULL;
  return just_sync_test_payload_string (record, "title");
}

static GPtrArray *
server_rows (Fixture *fixture)
{
  g_autoptr(JustSyncPocketbaseStore) admin = pb_store_new (NULL, "ALICE");
  g_autoptr(GError) error = NULL;
  GPtrArray *rows = pb_fetch_all (JUST_SYNC_REMOTE_STORE (admin), fixture->scope, 500, NULL, &error);

  g_assert_no_error (error);
  return rows;
}

/* A PocketBase id: 15 characters of [a-z0-9]. */
static char *
record_id (guint n)
{
  return g_strdup_printf ("kill%011u", n);
}

/* }}} */
/* {{{ Chosen instants */

/* The server applied a push; the device dies before it commits the reply.
 * The next run pulls the echo of its own write: not a conflict. */
static void
test_after_apply_before_commit (Fixture       *fixture,
                                gconstpointer  data)
{
  g_autofree char *id = record_id (1);
  g_autoptr(GPtrArray) server = NULL;
  g_auto(Local) local = { 0 };
  guint conflicts;

  device_start (fixture);
  device_put (&fixture->device, id, "v1");
  http_test_proxy_set_fault (fixture->proxy, HTTP_TEST_FAULT_HOLD_REPLY, 1, "/api/batch", 0, NULL, 0);
  device_send (&fixture->device, "sync");
  while (http_test_proxy_count_held (fixture->proxy) == 0)
    just_sync_test_sleep (5);
  device_kill (&fixture->device);
  http_test_proxy_release (fixture->proxy);

  device_start (fixture);
  conflicts = device_sync (&fixture->device);
  device_exit (&fixture->device);

  g_assert_cmpuint (conflicts, ==, 0);
  local_read (fixture, &local);
  g_assert_cmpuint (local.n_conflicts, ==, 0);
  g_assert_cmpuint (local.n_ops, ==, 0);
  g_assert_cmpstr (title_of (local.rows, id), ==, "v1");
  server = server_rows (fixture);
  g_assert_cmpuint (server->len, ==, 1);
  g_assert_cmpstr (title_of (server, id), ==, "v1");
}

/* A push of v1 is on its way; the app writes v2; the device dies; the
 * server then applies v1, stamped after the v2 edit. The next run must
 * take v1 for its own echo and push v2: v2, acknowledged last, wins. */
static void
test_edit_during_push (Fixture       *fixture,
                       gconstpointer  data)
{
  g_autofree char *id = record_id (2);
  g_autoptr(GPtrArray) server = NULL;
  g_auto(Local) local = { 0 };
  guint forwarded, conflicts;

  device_start (fixture);
  device_put (&fixture->device, id, "v0");
  g_assert_cmpuint (device_sync (&fixture->device), ==, 0);
  device_put (&fixture->device, id, "v1");

  forwarded = http_test_proxy_count_forwarded (fixture->proxy, "/api/batch");
  http_test_proxy_set_fault (fixture->proxy, HTTP_TEST_FAULT_HOLD, 1, "/api/batch", 0, NULL, 0);
  device_send (&fixture->device, "sync");
  while (http_test_proxy_count_held (fixture->proxy) == 0)
    just_sync_test_sleep (5);
  device_put (&fixture->device, id, "v2");
  device_kill (&fixture->device);

  /* The server stamps v1 after the v2 edit. */
  just_sync_test_sleep (20);
  http_test_proxy_release (fixture->proxy);
  while (http_test_proxy_count_forwarded (fixture->proxy, "/api/batch") == forwarded)
    just_sync_test_sleep (5);

  device_start (fixture);
  conflicts = device_sync (&fixture->device);
  device_exit (&fixture->device);

  g_assert_cmpuint (conflicts, ==, 0);
  local_read (fixture, &local);
  g_assert_cmpuint (local.n_conflicts, ==, 0);
  g_assert_cmpuint (local.n_ops, ==, 0);
  g_assert_cmpstr (title_of (local.rows, id), ==, "v2");
  server = server_rows (fixture);
  g_assert_cmpstr (title_of (server, id), ==, "v2");
}

/* The device dies after the write, before any push: the next run pushes it
 * once. */
static void
test_before_send (Fixture       *fixture,
                  gconstpointer  data)
{
  g_autofree char *id = record_id (3);
  g_autoptr(GPtrArray) server = NULL;
  g_auto(Local) local = { 0 };

  device_start (fixture);
  device_put (&fixture->device, id, "v1");
  device_kill (&fixture->device);

  device_start (fixture);
  g_assert_cmpuint (device_sync (&fixture->device), ==, 0);
  device_exit (&fixture->device);

  local_read (fixture, &local);
  g_assert_cmpuint (local.n_ops, ==, 0);
  server = server_rows (fixture);
  g_assert_cmpuint (server->len, ==, 1);
  g_assert_cmpstr (title_of (server, id), ==, "v1");
}

/* A second device pulls a long scope and dies while a page is applied. */
static void
test_mid_page (Fixture       *fixture,
               gconstpointer  data)
{
  g_autofree char *first_path = g_strdup (fixture->db_path);
  g_autoptr(GPtrArray) server = NULL;
  g_auto(Local) local = { 0 };
  const guint n = 1200;

  device_start (fixture);
  for (guint i = 0; i < n; i++)
    {
      g_autofree char *id = record_id (1000 + i);
      g_autofree char *text = g_strdup_printf ("row%u", i);

      device_send (&fixture->device, "put %s %s", id, text);
    }
  for (guint i = 0; i < n; i++)
    g_free (device_expect (&fixture->device, "ok put"));
  g_assert_cmpuint (device_sync (&fixture->device), ==, 0);
  device_exit (&fixture->device);

  /* A new device on a file of its own; a page held, then a kill while the
   * next one is applied. */
  g_free (fixture->db_path);
  fixture->db_path = g_strconcat (first_path, "-second", NULL);
  device_start (fixture);
  http_test_proxy_set_fault (fixture->proxy, HTTP_TEST_FAULT_HOLD_REPLY, 1,
                             "/api/collections/records/records", 0, NULL, 0);
  http_test_proxy_skip (fixture->proxy, 1);
  device_send (&fixture->device, "sync");
  while (http_test_proxy_count_held (fixture->proxy) == 0)
    just_sync_test_sleep (5);
  http_test_proxy_release (fixture->proxy);
  just_sync_test_sleep (g_test_rand_int_range (0, 30));
  device_kill (&fixture->device);

  device_start (fixture);
  g_assert_cmpuint (device_sync (&fixture->device), ==, 0);
  device_exit (&fixture->device);

  local_read (fixture, &local);
  g_assert_cmpuint (local.rows->len, ==, n);
  g_assert_cmpuint (local.n_conflicts, ==, 0);
  server = server_rows (fixture);
  g_assert_cmpuint (server->len, ==, n);
}

/* }}} */
/* {{{ Random instants */

/* One writer, killed at random instants while it writes and syncs. Every
 * id ends at its last acknowledged value or at a later one that was sent
 * but not acknowledged before the kill; nothing conflicts. */
static void
test_random (Fixture       *fixture,
             gconstpointer  data)
{
  const guint n_kills = g_test_slow () ? 200 : 50, n_ids = 8;
  guint acked[8] = { 0 }, sent[8] = { 0 };
  g_autoptr(GPtrArray) server = NULL;
  g_auto(Local) local = { 0 };

  for (guint kill = 0; kill < n_kills; kill++)
    {
      guint n_commands = g_test_rand_int_range (1, 12);
      gint64 deadline;

      device_start (fixture);
      for (guint c = 0; c < n_commands; c++)
        {
          if (g_test_rand_int_range (0, 3) == 0)
            device_send (&fixture->device, "sync");
          else
            {
              guint i = g_test_rand_int_range (0, n_ids);
              g_autofree char *id = record_id (100 + i);

              device_send (&fixture->device, "put %s v%u", id, ++sent[i]);
            }
        }

      /* Read acknowledgements until the random instant, then kill. */
      deadline = g_get_monotonic_time () + g_test_rand_int_range (0, 150) * 1000;
      while (g_get_monotonic_time () < deadline)
        {
          GAsyncResult *slot = NULL;
          g_autoptr(GAsyncResult) result = NULL;
          g_autofree char *line = NULL;
          guint i, v;
          char id[32];

          g_data_input_stream_read_line_async (fixture->device.out, G_PRIORITY_DEFAULT, NULL,
                                               just_sync_test_result_cb, &slot);
          while (slot == NULL && g_get_monotonic_time () < deadline)
            g_main_context_iteration (NULL, FALSE) || (g_usleep (1000), TRUE);
          if (slot == NULL)
            {
              /* Let the read finish or fail with the process. */
              device_kill (&fixture->device);
              just_sync_test_await (&slot);
              g_clear_object (&slot);
              break;
            }
          result = g_steal_pointer (&slot);
          line = g_data_input_stream_read_line_finish_utf8 (fixture->device.out, result, NULL, NULL);
          g_assert_nonnull (line);
          if (sscanf (line, "ok put %31s v%u", id, &v) == 2 &&
              sscanf (id, "kill%011u", &i) == 1)
            acked[i - 100] = MAX (acked[i - 100], v);
          else if (g_str_has_prefix (line, "err put"))
            g_test_fail_printf ("a write failed: %s", line);
        }
      if (fixture->device.process != NULL)
        device_kill (&fixture->device);
      assert_integrity (fixture->db_path);
    }

  /* A last run that syncs to the end. */
  device_start (fixture);
  g_assert_cmpuint (device_sync (&fixture->device), ==, 0);
  g_assert_cmpuint (device_sync (&fixture->device), ==, 0);
  device_exit (&fixture->device);

  local_read (fixture, &local);
  server = server_rows (fixture);
  g_assert_cmpuint (local.n_conflicts, ==, 0);
  g_assert_cmpuint (local.n_ops, ==, 0);
  for (guint i = 0; i < n_ids; i++)
    {
      g_autofree char *id = record_id (100 + i);
      const char *mine = title_of (local.rows, id), *theirs = title_of (server, id);
      guint v = 0;

      g_assert_cmpstr (mine, ==, theirs);
      if (acked[i] == 0 && mine == NULL)
        continue;
      g_assert_nonnull (mine);
      g_assert_cmpint (sscanf (mine, "v%u", &v), ==, 1);
      g_assert_cmpuint (v, >=, acked[i]);
      g_assert_cmpuint (v, <=, sent[i]);
    }
  g_test_message ("%u kills", n_kills);
}

/* }}} */

int
main (int   argc,
      char *argv[])
{
  g_autofree char *dir = NULL;

  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  dir = g_path_get_dirname (argv[0]);
  child_path = g_build_filename (dir, "pb-kill-child", NULL);

#define ADD(name, func) \
  g_test_add ("/pocketbase-kill/" name, Fixture, "kill-" name, fixture_setup, func, fixture_teardown)

  ADD ("before-send", test_before_send);
  ADD ("after-apply-before-commit", test_after_apply_before_commit);
  ADD ("edit-during-push", test_edit_during_push);
  ADD ("mid-page", test_mid_page);
  ADD ("random", test_random);

#undef ADD

  g_test_set_nonfatal_assertions ();
  return g_test_run ();
}
