/* notes.c
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * JustSync from C: open a store, write while offline, sync with a
 * PocketBase server, and react to changes and to the sync status. The same
 * task is in notes.py, notes.js and notes.vala.
 *
 * Usage: notes URL EMAIL PASSWORD USER-ID
 *   URL       the PocketBase server, with the collection of
 *             data/pocketbase/justsync-collections.json imported
 *   EMAIL, PASSWORD
 *             a user of its "users" collection (an app keeps the password
 *             in the keyring, with libsecret)
 *   USER-ID   that user's record id, which an app remembers from its last
 *             login: the scope "records?owner=USER-ID" holds their notes
 */

#include <glib/gstdio.h>
#include <justsync/justsync.h>

typedef struct
{
  GMainLoop *loop;
  JustSyncOrchestrator *engine;
  JustSyncScope *scope;
  int status;
} Notes;

static const char *
nick (GType        enum_type,
      int          value)
{
  /* Referenced once, and kept for the life of the program. */
  GEnumClass *klass = g_type_class_peek (enum_type);

  if (klass == NULL)
    klass = g_type_class_ref (enum_type);
  return g_enum_get_value (klass, value)->value_nick;
}

/* The sync status, for a status icon: idle, syncing, offline or error. */
static void
state_changed (JustSyncOrchestrator *engine,
               GParamSpec           *pspec,
               gpointer              user_data)
{
  JustSyncSyncState state = just_sync_orchestrator_get_state (engine);

  if (state == JUST_SYNC_STATE_ERROR)
    g_print ("status: error (%s)\n", just_sync_orchestrator_get_last_error (engine));
  else
    g_print ("status: %s\n", nick (JUST_SYNC_TYPE_SYNC_STATE, state));
}

static void
pending_changed (JustSyncOrchestrator *engine,
                 GParamSpec           *pspec,
                 gpointer              user_data)
{
  g_print ("changes waiting for the server: %u\n",
           just_sync_orchestrator_get_pending_count (engine));
}

/* Every local change, whether the app or a pull made it. */
static void
records_changed (JustSyncOrchestrator  *engine,
                 JustSyncScope         *scope,
                 const char * const    *ids,
                 gpointer               user_data)
{
  for (guint i = 0; ids[i] != NULL; i++)
    g_print ("changed: %s in %s\n", ids[i], just_sync_scope_to_string (scope));
}

static void
progress (JustSyncOrchestrator *engine,
          JustSyncScope        *scope,
          JustSyncSyncPhase     phase,
          guint                 done,
          guint                 total,
          gpointer              user_data)
{
  g_print ("progress: %s %u/%u\n", nick (JUST_SYNC_TYPE_SYNC_PHASE, phase), done, total);
}

static void
synchronized (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  Notes *notes = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(JustSyncSyncResult) sync = NULL;

  sync = just_sync_orchestrator_synchronize_finish (notes->engine, result, &error);
  if (sync == NULL)
    {
      g_printerr ("The sync failed: %s\n", error->message);
    }
  else
    {
      g_print ("synchronized: %u pulled, %u pushed\n",
               just_sync_sync_result_get_pulled (sync),
               just_sync_sync_result_get_pushed (sync));
      if (just_sync_sync_result_get_pushed (sync) >= 1 &&
          just_sync_orchestrator_get_pending_count (notes->engine) == 0)
        notes->status = EXIT_SUCCESS;
    }
  g_main_loop_quit (notes->loop);
}

static void
created (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  Notes *notes = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(JustSyncRecord) record = NULL;

  record = just_sync_orchestrator_create_finish (notes->engine, result, &error);
  if (record == NULL)
    {
      g_printerr ("Could not write the note: %s\n", error->message);
      g_main_loop_quit (notes->loop);
      return;
    }
  /* The note is in the local store and queued: no network was needed. */
  g_print ("written: %s\n", just_sync_record_get_id (record));
  just_sync_orchestrator_synchronize_async (notes->engine, notes->scope, NULL,
                                            synchronized, notes);
}

static void
remove_store (const char *dir)
{
  g_autoptr(GDir) listing = g_dir_open (dir, 0, NULL);
  const char *name;

  while (listing != NULL && (name = g_dir_read_name (listing)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);

      g_remove (path);
    }
  g_rmdir (dir);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *path = NULL;
  g_autoptr(JustSyncSqliteStore) local = NULL;
  g_autoptr(JustSyncPocketbaseStore) remote = NULL;
  g_autoptr(JustSyncScope) records = NULL;
  g_autoptr(JsonObject) payload = NULL;
  Notes notes = { .status = EXIT_FAILURE };

  if (argc != 5)
    {
      g_printerr ("Usage: %s URL EMAIL PASSWORD USER-ID\n", argv[0]);
      return EXIT_FAILURE;
    }

  /* An app keeps its store in g_get_user_data_dir (); this one is thrown
   * away at the end. */
  dir = g_dir_make_tmp ("justsync-notes-XXXXXX", &error);
  if (dir == NULL)
    {
      g_printerr ("%s\n", error->message);
      return EXIT_FAILURE;
    }
  path = g_build_filename (dir, "notes.db", NULL);
  local = just_sync_sqlite_store_new_sync (path, TRUE, NULL, &error);
  if (local == NULL)
    {
      g_printerr ("Could not open the store: %s\n", error->message);
      remove_store (dir);
      return EXIT_FAILURE;
    }

  remote = just_sync_pocketbase_store_new (argv[1]);
  just_sync_pocketbase_store_set_credentials (remote, "users", argv[2], argv[3]);
  notes.engine = just_sync_orchestrator_new (JUST_SYNC_LOCAL_STORE (local),
                                             JUST_SYNC_REMOTE_STORE (remote), NULL);
  /* Writes start a sync after a short delay; this example syncs itself. */
  g_object_set (notes.engine, "debounce-interval", 3600 * G_TIME_SPAN_SECOND, NULL);

  records = just_sync_scope_new ("records", &error);
  g_assert_no_error (error);
  notes.scope = just_sync_scope_with_key (records, "owner", argv[4], &error);
  if (notes.scope == NULL)
    {
      g_printerr ("%s\n", error->message);
      g_object_unref (notes.engine);
      remove_store (dir);
      return EXIT_FAILURE;
    }

  g_signal_connect (notes.engine, "notify::state", G_CALLBACK (state_changed), NULL);
  g_signal_connect (notes.engine, "notify::pending-count", G_CALLBACK (pending_changed), NULL);
  g_signal_connect (notes.engine, "changed", G_CALLBACK (records_changed), NULL);
  g_signal_connect (notes.engine, "progress", G_CALLBACK (progress), NULL);

  payload = json_object_new ();
  json_object_set_string_member (payload, "title", "Buy milk");
  just_sync_orchestrator_create_async (notes.engine, notes.scope, NULL, payload, NULL,
                                       created, &notes);

  notes.loop = g_main_loop_new (NULL, FALSE);
  g_main_loop_run (notes.loop);

  g_main_loop_unref (notes.loop);
  just_sync_scope_unref (notes.scope);
  g_object_unref (notes.engine);
  g_clear_object (&local);
  remove_store (dir);
  return notes.status;
}
