/* pb-kill-child.c: one device of the PocketBase kill test.
 *
 * Usage: pb-kill-child DB-PATH URL SCOPE
 *
 * Opens the SQLite store at DB-PATH and syncs it as ALICE with the
 * PocketBase at URL (the kill test's proxy), then takes commands on its
 * standard input, one a line, and runs them concurrently, as an app's
 * writes go on while a sync runs:
 *
 *   put ID TEXT   writes {"title": TEXT} to ID (an update, or a create)
 *   sync          synchronizes SCOPE
 *   exit          quits
 *
 * Writes run one after the other, in the order given; syncs run beside
 * them. It prints one line when a command is done: "ok put ID TEXT" once the
 * write is durable, "ok sync PULLED PUSHED CONFLICTS", or "err put|sync
 * MESSAGE". The test kills it with SIGKILL at chosen instants.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <stdio.h>

#include <gio/gunixinputstream.h>

#include "pb-test-util.h"
#include "test-support.h"

typedef struct
{
  GMainLoop *loop;
  GDataInputStream *input;
  TestClient client;
  JustSyncScope *scope;
  GQueue puts;                      /* Put, the first one running */
} Child;

typedef struct
{
  Child *child;
  char *id;
  char *text;
} Put;

static void read_next (Child *child);
static void put_start (Child *child);

static void
put_free (Put *put)
{
  g_free (put->id);
  g_free (put->text);
  g_free (put);
}

static void
say (const char *format,
     ...) G_GNUC_PRINTF (1, 2);

static void
say (const char *format,
     ...)
{
  va_list args;

  va_start (args, format);
  vprintf (format, args);
  va_end (args);
  putchar ('\n');
  fflush (stdout);
}

static JsonObject *
title_payload (const char *text)
{
  JsonObject *payload = json_object_new ();

  json_object_set_string_member (payload, "title", text);
  return payload;
}

/* Reports @put and starts the next write. */
static void
put_done (Put          *put,
          const GError *error)
{
  Child *child = put->child;

  if (error != NULL)
    say ("err put %s", error->message);
  else
    say ("ok put %s %s", put->id, put->text);
  put_free (g_queue_pop_head (&child->puts));
  put_start (child);
}

static void
created_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  Put *put = user_data;
  g_autoptr(JustSyncRecord) record = NULL;
  g_autoptr(GError) error = NULL;

  record = just_sync_orchestrator_create_finish (JUST_SYNC_ORCHESTRATOR (object), result, &error);
  put_done (put, error);
}

static void
updated_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  Put *put = user_data;
  JustSyncOrchestrator *orchestrator = JUST_SYNC_ORCHESTRATOR (object);
  g_autoptr(JustSyncRecord) record = NULL;
  g_autoptr(GError) error = NULL;

  record = just_sync_orchestrator_update_finish (orchestrator, result, &error);
  if (g_error_matches (error, JUST_SYNC_ERROR, JUST_SYNC_ERROR_NOT_FOUND))
    {
      g_autoptr(JsonObject) payload = title_payload (put->text);

      just_sync_orchestrator_create_async (orchestrator, put->child->scope, put->id, payload,
                                           NULL, created_cb, put);
      return;
    }
  put_done (put, error);
}

static void
put_start (Child *child)
{
  Put *put = g_queue_peek_head (&child->puts);
  g_autoptr(JsonObject) payload = NULL;

  if (put == NULL)
    return;
  payload = title_payload (put->text);
  just_sync_orchestrator_update_async (child->client.orchestrator, child->scope, put->id,
                                       payload, NULL, updated_cb, put);
}

static void
synced_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(JustSyncSyncResult) done = NULL;
  g_autoptr(GError) error = NULL;

  done = just_sync_orchestrator_synchronize_finish (JUST_SYNC_ORCHESTRATOR (object), result, &error);
  if (done == NULL)
    say ("err sync %s", error->message);
  else
    say ("ok sync %u %u %u", just_sync_sync_result_get_pulled (done),
         just_sync_sync_result_get_pushed (done),
         just_sync_sync_result_get_conflicts (done)->len);
}

static void
run_command (Child      *child,
             const char *line)
{
  g_auto(GStrv) words = g_strsplit (line, " ", 3);

  if (g_strcmp0 (words[0], "put") == 0 && words[1] != NULL && words[2] != NULL)
    {
      Put *put = g_new0 (Put, 1);

      put->child = child;
      put->id = g_strdup (words[1]);
      put->text = g_strdup (words[2]);
      g_queue_push_tail (&child->puts, put);
      if (child->puts.length == 1)
        put_start (child);
    }
  else if (g_strcmp0 (words[0], "sync") == 0)
    just_sync_orchestrator_synchronize_async (child->client.orchestrator, child->scope, NULL,
                                              synced_cb, child);
  else if (g_strcmp0 (words[0], "exit") == 0)
    g_main_loop_quit (child->loop);
  else
    say ("err unknown command %s", line);
}

static void
line_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  Child *child = user_data;
  g_autofree char *line = NULL;
  g_autoptr(GError) error = NULL;

  line = g_data_input_stream_read_line_finish_utf8 (child->input, result, NULL, &error);
  if (line == NULL)
    {
      g_main_loop_quit (child->loop);
      return;
    }
  run_command (child, line);
  read_next (child);
}

static void
read_next (Child *child)
{
  g_data_input_stream_read_line_async (child->input, G_PRIORITY_DEFAULT, NULL, line_cb, child);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GInputStream) stdin_stream = NULL;
  g_autoptr(JustSyncSqliteStore) local = NULL;
  g_autoptr(JustSyncPocketbaseStore) remote = NULL;
  g_autoptr(GError) error = NULL;
  Child child = { 0 };

  if (argc != 4)
    {
      g_printerr ("Usage: %s DB-PATH URL SCOPE\n", argv[0]);
      return 2;
    }

  local = just_sync_sqlite_store_new_sync (argv[1], FALSE, NULL, &error);
  if (local == NULL)
    {
      say ("err open %s", error->message);
      return 1;
    }
  remote = pb_store_new (argv[2], "ALICE");
  child.scope = pb_scope (argv[3]);
  test_client_init (&child.client, JUST_SYNC_LOCAL_STORE (g_steal_pointer (&local)),
                    JUST_SYNC_REMOTE_STORE (remote));

  stdin_stream = g_unix_input_stream_new (0, FALSE);
  child.input = g_data_input_stream_new (stdin_stream);
  child.loop = g_main_loop_new (NULL, FALSE);
  say ("ready");
  read_next (&child);
  g_main_loop_run (child.loop);

  g_queue_clear_full (&child.puts, (GDestroyNotify) put_free);
  test_client_clear (&child.client);
  just_sync_scope_unref (child.scope);
  g_object_unref (child.input);
  g_main_loop_unref (child.loop);
  return 0;
}
