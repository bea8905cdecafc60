/* jst-demo.c: `justsync demo`, offline writes and a sync, self-contained
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Runs the sync engine in process, with no service and no server: a local
 * store in a temporary directory, and the memory remote as the demo
 * server. The network "goes down" by making the server fail every call
 * with a network error, as a real one does when unreachable.
 */

#include "config.h"

#include <string.h>

#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <justsync/justsync.h>

#include "jst-tool.h"

#define BAR_WIDTH 20

typedef struct
{
  gboolean json;
  JustSyncSqliteStore *local;
  JustSyncScope *scope;
  JustSyncMemoryRemoteStore *server;
  JustSyncOrchestrator *engine;
  GAsyncResult *result;
  guint pulled;
  guint pushed;
  guint conflicts;
} Demo;

/* The demo runs its steps one after the other: each waits for its result
 * on the main context. */
static void
on_result (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  Demo *demo = user_data;

  demo->result = g_object_ref (result);
}

static GAsyncResult *
wait_for_result (Demo *demo)
{
  while (demo->result == NULL)
    g_main_context_iteration (NULL, TRUE);
  return g_steal_pointer (&demo->result);
}

/* Closes the local store before its directory goes. */
static void
demo_clear (Demo *demo)
{
  g_clear_pointer (&demo->scope, just_sync_scope_unref);
  g_clear_object (&demo->server);
  g_clear_object (&demo->engine);
  if (demo->local != NULL)
    {
      g_autoptr(GAsyncResult) result = NULL;

      just_sync_sqlite_store_close_async (demo->local, NULL, on_result, demo);
      result = wait_for_result (demo);
      just_sync_sqlite_store_close_finish (demo->local, result, NULL);
      g_clear_object (&demo->local);
    }
}

static void
say (Demo       *demo,
     const char *format,
     ...) G_GNUC_PRINTF (2, 3);

static void
say (Demo       *demo,
     const char *format,
     ...)
{
  g_autofree char *text = NULL;
  va_list args;

  if (demo->json)
    return;
  va_start (args, format);
  text = g_strdup_vprintf (format, args);
  va_end (args);
  g_print ("%s\n", text);
}

static void
on_progress (JustSyncOrchestrator *engine,
             JustSyncScope        *scope,
             JustSyncSyncPhase     phase,
             guint                 done,
             guint                 total,
             Demo                 *demo)
{
  const char *phase_name = phase == JUST_SYNC_PHASE_PULL ? _("pull")
                           : phase == JUST_SYNC_PHASE_PUSH ? _("push") : _("check");
  char bar[BAR_WIDTH + 1];
  guint filled = total > 0 ? MIN (done, total) * BAR_WIDTH / total : BAR_WIDTH;

  if (demo->json)
    return;
  memset (bar, '#', filled);
  memset (bar + filled, '-', BAR_WIDTH - filled);
  bar[BAR_WIDTH] = '\0';
  g_print ("     %-5s [%s] %u/%u\n", phase_name, bar, done, MAX (done, total));
}

static JsonObject *
note (const char *title,
      const char *body)
{
  JsonObject *payload = json_object_new ();

  json_object_set_string_member (payload, "title", title);
  json_object_set_string_member (payload, "body", body);
  return payload;
}

static gboolean
demo_write (Demo        *demo,
            const char  *verb,
            const char  *id,
            const char  *title,
            JsonObject  *payload,
            GError     **error)
{
  g_autoptr(JsonObject) owned = payload;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(JustSyncRecord) record = NULL;

  if (g_str_equal (verb, "create"))
    {
      just_sync_orchestrator_create_async (demo->engine, demo->scope, id, payload, NULL,
                                           on_result, demo);
      result = wait_for_result (demo);
      record = just_sync_orchestrator_create_finish (demo->engine, result, error);
      if (record == NULL)
        return FALSE;
      say (demo, _("   ✎ created  “%s”"), title);
    }
  else if (g_str_equal (verb, "update"))
    {
      just_sync_orchestrator_update_async (demo->engine, demo->scope, id, payload, NULL,
                                           on_result, demo);
      result = wait_for_result (demo);
      record = just_sync_orchestrator_update_finish (demo->engine, result, error);
      if (record == NULL)
        return FALSE;
      say (demo, _("   ✎ edited   “%s”"), title);
    }
  else
    {
      just_sync_orchestrator_delete_async (demo->engine, demo->scope, id, NULL, on_result, demo);
      result = wait_for_result (demo);
      if (!just_sync_orchestrator_delete_finish (demo->engine, result, error))
        return FALSE;
      say (demo, _("   ✗ deleted  “%s”"), title);
    }
  return TRUE;
}

static JustSyncSyncResult *
demo_sync (Demo    *demo,
           GError **error)
{
  g_autoptr(GAsyncResult) result = NULL;
  JustSyncSyncResult *sync_result;

  say (demo, _("   ⟳ synchronizing…"));
  just_sync_orchestrator_synchronize_async (demo->engine, demo->scope, NULL, on_result, demo);
  result = wait_for_result (demo);
  sync_result = just_sync_orchestrator_synchronize_finish (demo->engine, result, error);
  if (sync_result == NULL)
    return NULL;

  demo->pulled += just_sync_sync_result_get_pulled (sync_result);
  demo->pushed += just_sync_sync_result_get_pushed (sync_result);
  demo->conflicts += just_sync_sync_result_get_conflicts (sync_result)->len;
  say (demo, _("   ✓ pulled %u, pushed %u, conflicts %u"),
       just_sync_sync_result_get_pulled (sync_result),
       just_sync_sync_result_get_pushed (sync_result),
       just_sync_sync_result_get_conflicts (sync_result)->len);
  return sync_result;
}

/* Whether the live records of the local store and of the server are the
 * same, id for id and content for content. */
static gboolean
demo_compare (Demo     *demo,
              guint    *out_n_records,
              GError  **error)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GPtrArray) local = NULL;
  g_autoptr(GPtrArray) remote = NULL;
  g_autoptr(GHashTable) remote_by_id = g_hash_table_new (g_str_hash, g_str_equal);

  just_sync_orchestrator_read_async (demo->engine, demo->scope, JUST_SYNC_READ_OFFLINE_ONLY,
                                     NULL, on_result, demo);
  result = wait_for_result (demo);
  if ((local = just_sync_orchestrator_read_finish (demo->engine, result, NULL, error)) == NULL)
    return FALSE;

  remote = just_sync_memory_remote_store_server_list (demo->server, demo->scope);
  for (guint i = 0; i < remote->len; i++)
    {
      JustSyncRecord *record = g_ptr_array_index (remote, i);

      if (!just_sync_record_is_deleted (record))
        g_hash_table_insert (remote_by_id, (gpointer) just_sync_record_get_id (record), record);
    }

  *out_n_records = local->len;
  if (local->len != g_hash_table_size (remote_by_id))
    return FALSE;
  for (guint i = 0; i < local->len; i++)
    {
      JustSyncRecord *mine = g_ptr_array_index (local, i);
      JustSyncRecord *theirs = g_hash_table_lookup (remote_by_id, just_sync_record_get_id (mine));
      g_autofree char *title = NULL;

      if (theirs == NULL ||
          strcmp (just_sync_record_get_content_hash (mine),
                  just_sync_record_get_content_hash (theirs)) != 0)
        return FALSE;
      title = g_strdup (json_object_get_string_member_with_default (
                          just_sync_record_get_payload (mine), "title", ""));
      say (demo, "     • %s", title);
    }
  return TRUE;
}

static gboolean
demo_run (Demo        *demo,
          const char  *directory,
          GError     **error)
{
  g_autoptr(JustSyncSyncResult) first = NULL;
  g_autoptr(JustSyncSyncResult) second = NULL;
  g_autoptr(JustSyncRecord) seeded = NULL;
  g_autoptr(GError) offline_error = NULL;
  g_autoptr(JsonObject) meeting = NULL;
  g_autoptr(JsonObject) idea = NULL;
  g_autoptr(JsonObject) theirs = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GPtrArray) pending = NULL;
  g_autofree char *db_path = NULL;
  GPtrArray *conflicts;
  guint n_records = 0;

  db_path = g_build_filename (directory, "notes.db", NULL);
  if ((demo->local = just_sync_sqlite_store_new_sync (db_path, TRUE, NULL, error)) == NULL)
    return FALSE;
  demo->server = just_sync_memory_remote_store_new ();
  /* Small pages and batches and a little latency, so the progress shows. */
  just_sync_memory_remote_store_set_latency (demo->server, 40);
  just_sync_memory_remote_store_set_page_limit (demo->server, 1);
  demo->engine = just_sync_orchestrator_new (JUST_SYNC_LOCAL_STORE (demo->local),
                                             JUST_SYNC_REMOTE_STORE (demo->server), NULL);
  g_object_set (demo->engine, "push-batch-size", 1, NULL);
  g_signal_connect (demo->engine, "progress", G_CALLBACK (on_progress), demo);
  if ((demo->scope = just_sync_scope_new ("notes", error)) == NULL)
    return FALSE;

  say (demo, _("JustSync demo: a notes app that keeps working offline"));
  say (demo, _("   local store: %s"), db_path);
  say (demo, _("   server:      the in-memory demo server"));
  say (demo, "%s", "");

  say (demo, _("1. Online. The server has two notes from another device."));
  meeting = note ("Team meeting", "Thursday, 10:00");
  idea = note ("Old idea", "A sync library for GNOME");
  seeded = just_sync_memory_remote_store_server_upsert (demo->server, demo->scope, "meeting",
                                                        meeting, 0);
  g_clear_pointer (&seeded, just_sync_record_unref);
  seeded = just_sync_memory_remote_store_server_upsert (demo->server, demo->scope, "idea",
                                                        idea, 0);
  if ((first = demo_sync (demo, error)) == NULL)
    return FALSE;
  say (demo, "%s", "");

  say (demo, _("2. The network goes down. The app keeps working:"));
  just_sync_memory_remote_store_set_reachable (demo->server, FALSE);
  if (!demo_write (demo, "create", "milk", "Buy milk", note ("Buy milk", "and bread"), error) ||
      !demo_write (demo, "create", "call", "Call Alice", note ("Call Alice", "about the trip"),
                   error) ||
      !demo_write (demo, "update", "meeting", "Team meeting",
                   note ("Team meeting", "moved to Friday"), error) ||
      !demo_write (demo, "delete", "idea", "Old idea", NULL, error))
    return FALSE;
  just_sync_orchestrator_list_pending_async (demo->engine, demo->scope, NULL, on_result, demo);
  result = wait_for_result (demo);
  if ((pending = just_sync_orchestrator_list_pending_finish (demo->engine, result, error)) == NULL)
    return FALSE;
  say (demo, g_dngettext (GETTEXT_PACKAGE, "   %u change waits in the local store.",
                          "   %u changes wait in the local store.", pending->len),
       pending->len);
  second = demo_sync (demo, &offline_error);
  if (second != NULL)
    {
      g_set_error_literal (error, JUST_SYNC_ERROR, JUST_SYNC_ERROR_FAILED,
                           _("The demo server answered while it was meant to be offline"));
      return FALSE;
    }
  say (demo, _("   ✗ the sync fails (%s), and nothing is lost"), offline_error->message);

  /* A little later, another device edits the same note on the server. */
  g_usleep (20 * 1000);
  theirs = note ("Team meeting", "cancelled");
  g_clear_pointer (&seeded, just_sync_record_unref);
  seeded = just_sync_memory_remote_store_server_upsert (demo->server, demo->scope, "meeting",
                                                        theirs, 0);
  say (demo, _("   Meanwhile another device edits “Team meeting” on the server."));
  say (demo, "%s", "");

  say (demo, _("3. The network is back."));
  just_sync_memory_remote_store_set_reachable (demo->server, TRUE);
  if ((second = demo_sync (demo, error)) == NULL)
    return FALSE;
  conflicts = just_sync_sync_result_get_conflicts (second);
  for (guint i = 0; i < conflicts->len; i++)
    {
      JustSyncConflict *conflict = g_ptr_array_index (conflicts, i);

      const char *id = just_sync_conflict_get_record_id (conflict);

      if (just_sync_conflict_get_resolution (conflict) == JUST_SYNC_RESOLUTION_REMOTE)
        say (demo, _("   ⚡ conflict on “%s”: the server's version is newer and wins; "
                     "yours is kept in the conflict log"), id);
      else
        say (demo, _("   ⚡ conflict on “%s”: your version is newer and wins; "
                     "the server's is kept in the conflict log"), id);
    }
  say (demo, "%s", "");

  say (demo, _("4. The local store and the server now hold the same notes:"));
  if (!demo_compare (demo, &n_records, error))
    {
      if (error != NULL && *error == NULL)
        g_set_error_literal (error, JUST_SYNC_ERROR, JUST_SYNC_ERROR_FAILED,
                             _("The local store and the server differ after the sync"));
      return FALSE;
    }

  if (demo->json)
    {
      g_autoptr(JsonNode) root = json_node_new (JSON_NODE_OBJECT);
      JsonObject *object = json_object_new ();

      json_object_set_int_member (object, "pulled", demo->pulled);
      json_object_set_int_member (object, "pushed", demo->pushed);
      json_object_set_int_member (object, "conflicts", demo->conflicts);
      json_object_set_int_member (object, "records", n_records);
      json_object_set_boolean_member (object, "in-sync", TRUE);
      json_node_take_object (root, object);
      jst_print_json (root, FALSE);
    }
  else
    {
      say (demo, "%s", "");
      say (demo, _("Done: pulled %u, pushed %u, conflicts resolved %u; %u notes in sync."),
           demo->pulled, demo->pushed, demo->conflicts, n_records);
    }
  return TRUE;
}

static void
remove_directory (const char *directory)
{
  g_autoptr(GDir) dir = g_dir_open (directory, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = g_build_filename (directory, name, NULL);

      g_unlink (path);
    }
  g_rmdir (directory);
}

int
jst_command_demo (const JstCommand  *command,
                  JstGlobals        *globals,
                  int                argc,
                  char             **argv)
{
  gboolean keep = FALSE;
  const GOptionEntry entries[] = {
    { "keep", 0, 0, G_OPTION_ARG_NONE, &keep,
      N_("Keep the demo's local store instead of removing it"), NULL },
    { NULL }
  };
  g_autoptr(GOptionContext) context = jst_option_context_new (globals, command, entries);
  g_autoptr(GError) error = NULL;
  g_autofree char *directory = NULL;
  Demo demo = { 0 };
  gboolean ok;
  int status;

  if ((status = jst_parse_args (context, &argc, &argv, 0, 0)) != JST_EXIT_OK)
    return status;

  if ((directory = g_dir_make_tmp ("justsync-demo-XXXXXX", &error)) == NULL)
    return jst_fail (error);

  demo.json = globals->json;
  ok = demo_run (&demo, directory, &error);
  demo_clear (&demo);

  if (keep)
    say (&demo, _("The local store stays in %s."), directory);
  else
    remove_directory (directory);

  return ok ? JST_EXIT_OK : jst_fail (error);
}
