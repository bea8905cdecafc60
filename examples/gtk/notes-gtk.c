/* notes-gtk.c
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * A GTK 4 notes app on JustSync: a GtkListView bound to a live query
 * (just_sync_orchestrator_watch ()), notes added, edited in place and
 * deleted, and a sync status indicator (offline, syncing with progress,
 * error with its message, changes waiting). It syncs with a PocketBase
 * server in process, or, with --service, through the JustSync D-Bus service
 * (as a Flatpak app does, with no permission but
 * --talk-name=org.justsync.Sync1).
 *
 * Usage: justsync-notes-gtk --url URL --email EMAIL --user-id ID
 *          [--store FILE | --service]
 *   The password is read from standard input (an app keeps it in the
 *   keyring). --drive adds a note, syncs, saves a screenshot with
 *   --screenshot FILE and quits: the test suite runs it so under Xvfb.
 */

#include <stdio.h>

#include <gtk/gtk.h>
#include <justsync/justsync.h>

typedef struct
{
  GtkApplication *app;
  JustSyncOrchestrator *engine;
  JustSyncScope *scope;
  JustSyncLiveQuery *notes;
  /* --service: the store lives in justsyncd */
  GDBusProxy *store;

  GtkWidget *window;
  GtkWidget *entry;
  GtkWidget *add_button;
  GtkWidget *sync_button;
  GtkWidget *status_icon;
  GtkWidget *status_label;
  GtkWidget *progress;

  /* --drive */
  char *screenshot;
  gboolean driving;
  gboolean synced;
  int status;
} Notes;

static char *opt_url, *opt_email, *opt_user_id, *opt_store, *opt_screenshot;
static gboolean opt_drive, opt_service;

static const GOptionEntry entries[] = {
  { "url", 0, 0, G_OPTION_ARG_STRING, &opt_url, "The PocketBase server", "URL" },
  { "email", 0, 0, G_OPTION_ARG_STRING, &opt_email, "The user to log in as", "EMAIL" },
  { "user-id", 0, 0, G_OPTION_ARG_STRING, &opt_user_id, "The user's record id", "ID" },
  { "store", 0, 0, G_OPTION_ARG_FILENAME, &opt_store, "The local store (default: in the user data dir)", "FILE" },
  { "service", 0, 0, G_OPTION_ARG_NONE, &opt_service, "Use the JustSync D-Bus service", NULL },
  { "drive", 0, 0, G_OPTION_ARG_NONE, &opt_drive, "Add a note, sync, take a screenshot and quit", NULL },
  { "screenshot", 0, 0, G_OPTION_ARG_FILENAME, &opt_screenshot, "Where --drive saves the screenshot", "PNG" },
  { NULL }
};

/* The status, from the engine in process, or from the service's store. */
static JustSyncSyncState
current_state (Notes *notes)
{
  g_autoptr(GVariant) state = NULL;
  GEnumValue *value = NULL;

  if (notes->engine != NULL)
    return just_sync_orchestrator_get_state (notes->engine);
  state = g_dbus_proxy_get_cached_property (notes->store, "State");
  if (state != NULL)
    value = g_enum_get_value_by_nick (g_type_class_peek (JUST_SYNC_TYPE_SYNC_STATE),
                                      g_variant_get_string (state, NULL));
  return value != NULL ? (JustSyncSyncState) value->value : JUST_SYNC_STATE_IDLE;
}

static guint
pending_count (Notes *notes)
{
  g_autoptr(GVariant) count = NULL;

  if (notes->engine != NULL)
    return just_sync_orchestrator_get_pending_count (notes->engine);
  count = g_dbus_proxy_get_cached_property (notes->store, "PendingCount");
  return count != NULL ? g_variant_get_uint32 (count) : 0;
}

static char *
last_error (Notes *notes)
{
  g_autoptr(GVariant) message = NULL;

  if (notes->engine != NULL)
    return g_strdup (just_sync_orchestrator_get_last_error (notes->engine));
  message = g_dbus_proxy_get_cached_property (notes->store, "LastError");
  return message != NULL ? g_variant_dup_string (message, NULL) : NULL;
}

/* The sync status indicator. */
static void
update_status (Notes *notes)
{
  JustSyncSyncState state = current_state (notes);
  guint pending = pending_count (notes);
  g_autofree char *waiting = g_strdup_printf (g_dngettext (NULL, "%u change waiting",
                                                           "%u changes waiting", pending),
                                              pending);
  g_autofree char *text = NULL;
  const char *icon = "emblem-ok-symbolic";

  switch (state)
    {
    case JUST_SYNC_STATE_OFFLINE:
      icon = "network-offline-symbolic";
      text = g_strdup_printf ("Offline · %s", waiting);
      break;
    case JUST_SYNC_STATE_SYNCING:
      icon = "emblem-synchronizing-symbolic";
      text = g_strdup_printf ("Syncing… · %s", waiting);
      break;
    case JUST_SYNC_STATE_ERROR:
      {
        g_autofree char *message = last_error (notes);

        icon = "dialog-error-symbolic";
        text = g_strdup_printf ("Sync failed: %s · %s", message, waiting);
      }
      break;
    case JUST_SYNC_STATE_IDLE:
    default:
      text = g_strdup_printf ("Synced · %u notes · %s",
                              g_list_model_get_n_items (G_LIST_MODEL (notes->notes)), waiting);
      break;
    }
  gtk_image_set_from_icon_name (GTK_IMAGE (notes->status_icon), icon);
  gtk_label_set_text (GTK_LABEL (notes->status_label), text);
  gtk_widget_set_visible (notes->progress, state == JUST_SYNC_STATE_SYNCING);
}

static void
status_changed (Notes *notes)
{
  update_status (notes);
}

static void
show_progress (Notes      *notes,
               const char *phase,
               guint       done,
               guint       total)
{
  g_autofree char *text = g_strdup_printf ("%s %u/%u",
                                           g_str_equal (phase, "pull") ? "Receiving" :
                                           g_str_equal (phase, "push") ? "Sending" : "Checking",
                                           done, total);

  gtk_progress_bar_set_text (GTK_PROGRESS_BAR (notes->progress), text);
  gtk_progress_bar_set_fraction (GTK_PROGRESS_BAR (notes->progress),
                                 total > 0 ? (double) done / total : 1.0);
}

static void
progress (JustSyncOrchestrator *engine,
          JustSyncScope        *scope,
          JustSyncSyncPhase     phase,
          guint                 done,
          guint                 total,
          Notes                *notes)
{
  GEnumValue *value = g_enum_get_value (g_type_class_peek (JUST_SYNC_TYPE_SYNC_PHASE), phase);

  show_progress (notes, value->value_nick, done, total);
}

/* The service's Progress signal. */
static void
store_signal (GDBusProxy *proxy,
              const char *sender,
              const char *signal,
              GVariant   *parameters,
              Notes      *notes)
{
  g_autoptr(GVariant) info = NULL;
  const char *phase = "pull";
  guint done = 0, total = 0;

  if (!g_str_equal (signal, "Progress"))
    return;
  g_variant_get (parameters, "(&s@a{sv})", NULL, &info);
  g_variant_lookup (info, "phase", "&s", &phase);
  g_variant_lookup (info, "done", "u", &done);
  g_variant_lookup (info, "total", "u", &total);
  show_progress (notes, phase, done, total);
}

static void end_drive (Notes *notes);

static void
sync_ended (Notes        *notes,
            gboolean      ok,
            const GError *error)
{
  if (!notes->driving)
    return;
  notes->synced = ok;
  if (!ok)
    g_printerr ("The sync failed: %s\n", error->message);
  end_drive (notes);
}

static void
synchronized (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  Notes *notes = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(JustSyncSyncResult) sync = NULL;

  /* Failures show in the status indicator through the state. */
  sync = just_sync_orchestrator_synchronize_finish (notes->engine, result, &error);
  sync_ended (notes, sync != NULL, error);
}

/* The reply of a call to the service: Synchronize ends a sync. */
static void
called (GObject      *source,
        GAsyncResult *result,
        gpointer      user_data)
{
  Notes *notes = g_object_get_data (source, "notes");
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) reply = g_dbus_proxy_call_finish (G_DBUS_PROXY (source), result, &error);

  if (g_strcmp0 (user_data, "Synchronize") == 0)
    sync_ended (notes, reply != NULL, error);
  else if (reply == NULL)
    g_warning ("%s failed: %s", (const char *) user_data, error->message);
}

static void
call_store (Notes      *notes,
            const char *method,
            GVariant   *parameters)
{
  g_dbus_proxy_call (notes->store, method, parameters, G_DBUS_CALL_FLAGS_NONE, G_MAXINT, NULL,
                     called, (gpointer) method);
}

static GVariant *
no_options (void)
{
  return g_variant_new_array (G_VARIANT_TYPE ("{sv}"), NULL, 0);
}

static char *
payload_text (JsonObject *payload)
{
  g_autoptr(JsonNode) node = json_node_init_object (json_node_alloc (), payload);

  return json_to_string (node, FALSE);
}

static void
sync_clicked (Notes *notes)
{
  if (notes->store != NULL)
    call_store (notes, "Synchronize",
                g_variant_new ("(s@a{sv})", just_sync_scope_to_string (notes->scope), no_options ()));
  else
    just_sync_orchestrator_synchronize_async (notes->engine, notes->scope, NULL, synchronized, notes);
}

static void
written (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JustSyncRecord) record = NULL;

  record = just_sync_orchestrator_create_finish (JUST_SYNC_ORCHESTRATOR (source), result, &error);
  if (record == NULL)
    g_warning ("Could not save the note: %s", error->message);
}

static void
changed_done (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GError) error = NULL;
  gboolean ok;

  if (GPOINTER_TO_INT (user_data))
    ok = just_sync_orchestrator_delete_finish (JUST_SYNC_ORCHESTRATOR (source), result, &error);
  else
    ok = just_sync_orchestrator_update_finish (JUST_SYNC_ORCHESTRATOR (source), result, &error) != NULL;
  if (!ok)
    g_warning ("Could not change the note: %s", error->message);
}

static void
add_clicked (Notes *notes)
{
  const char *title = gtk_editable_get_text (GTK_EDITABLE (notes->entry));
  g_autoptr(JsonObject) payload = NULL;

  if (*title == '\0')
    return;
  payload = json_object_new ();
  json_object_set_string_member (payload, "title", title);
  if (notes->store != NULL)
    {
      g_autofree char *text = payload_text (payload);

      call_store (notes, "Create", g_variant_new ("(ss@a{sv})", just_sync_scope_to_string (notes->scope),
                                                  text, no_options ()));
    }
  else
    {
      just_sync_orchestrator_create_async (notes->engine, notes->scope, NULL, payload, NULL,
                                           written, notes);
    }
  gtk_editable_set_text (GTK_EDITABLE (notes->entry), "");
}

/* A row: the title, editable in place, and a delete button. */
static void
row_setup (GtkSignalListItemFactory *factory,
           GtkListItem              *item,
           Notes                    *notes)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  GtkWidget *title = gtk_editable_label_new ("");
  GtkWidget *delete = gtk_button_new_from_icon_name ("user-trash-symbolic");

  gtk_widget_set_hexpand (title, TRUE);
  gtk_widget_set_tooltip_text (delete, "Delete");
  gtk_widget_add_css_class (delete, "flat");
  gtk_box_append (GTK_BOX (box), title);
  gtk_box_append (GTK_BOX (box), delete);
  gtk_widget_set_margin_start (box, 12);
  gtk_widget_set_margin_end (box, 6);
  gtk_list_item_set_child (item, box);
}

static JustSyncRecordObject *
row_note (GtkWidget *widget)
{
  GtkListItem *item = g_object_get_data (G_OBJECT (gtk_widget_get_parent (widget)), "item");

  return JUST_SYNC_RECORD_OBJECT (gtk_list_item_get_item (item));
}

static void
title_edited (GtkEditableLabel *title,
              GParamSpec       *pspec,
              Notes            *notes)
{
  JustSyncRecordObject *note;
  g_autoptr(JsonObject) payload = NULL;
  const char *text = gtk_editable_get_text (GTK_EDITABLE (title));

  if (gtk_editable_label_get_editing (title))
    return;
  note = row_note (GTK_WIDGET (title));
  if (g_strcmp0 (text, just_sync_record_object_get_string (note, "title")) == 0)
    return;
  payload = json_object_new ();
  json_object_set_string_member (payload, "title", text);
  if (notes->store != NULL)
    {
      g_autofree char *json = payload_text (payload);

      call_store (notes, "Update", g_variant_new ("(sss@a{sv})", just_sync_scope_to_string (notes->scope),
                                                  just_sync_record_object_get_id (note), json,
                                                  no_options ()));
    }
  else
    {
      just_sync_orchestrator_update_async (notes->engine, notes->scope,
                                           just_sync_record_object_get_id (note), payload, NULL,
                                           changed_done, GINT_TO_POINTER (FALSE));
    }
}

static void
delete_clicked (GtkButton *button,
                Notes     *notes)
{
  const char *id = just_sync_record_object_get_id (row_note (GTK_WIDGET (button)));

  if (notes->store != NULL)
    call_store (notes, "Delete", g_variant_new ("(ss@a{sv})", just_sync_scope_to_string (notes->scope),
                                                id, no_options ()));
  else
    just_sync_orchestrator_delete_async (notes->engine, notes->scope, id, NULL,
                                         changed_done, GINT_TO_POINTER (TRUE));
}

static void
row_bind (GtkSignalListItemFactory *factory,
          GtkListItem              *item,
          Notes                    *notes)
{
  GtkWidget *box = gtk_list_item_get_child (item);
  GtkWidget *title = gtk_widget_get_first_child (box);
  GtkWidget *delete = gtk_widget_get_last_child (box);
  JustSyncRecordObject *note = JUST_SYNC_RECORD_OBJECT (gtk_list_item_get_item (item));
  const char *text = just_sync_record_object_get_string (note, "title");

  g_object_set_data (G_OBJECT (box), "item", item);
  gtk_editable_set_text (GTK_EDITABLE (title), text != NULL ? text : "");
  g_signal_connect (title, "notify::editing", G_CALLBACK (title_edited), notes);
  g_signal_connect (delete, "clicked", G_CALLBACK (delete_clicked), notes);
}

static void
row_unbind (GtkSignalListItemFactory *factory,
            GtkListItem              *item,
            Notes                    *notes)
{
  GtkWidget *box = gtk_list_item_get_child (item);

  g_signal_handlers_disconnect_by_data (gtk_widget_get_first_child (box), notes);
  g_signal_handlers_disconnect_by_data (gtk_widget_get_last_child (box), notes);
}

static void
build_window (Notes *notes)
{
  GtkWidget *header = gtk_header_bar_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  GtkWidget *add_row = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  GtkWidget *status = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  GtkWidget *scrolled = gtk_scrolled_window_new ();
  GtkListItemFactory *factory = gtk_signal_list_item_factory_new ();
  GtkNoSelection *selection;
  GtkWidget *list;

  notes->window = gtk_application_window_new (notes->app);
  gtk_window_set_title (GTK_WINDOW (notes->window), "Notes");
  gtk_window_set_default_size (GTK_WINDOW (notes->window), 480, 360);
  gtk_window_set_titlebar (GTK_WINDOW (notes->window), header);

  notes->sync_button = gtk_button_new_from_icon_name ("view-refresh-symbolic");
  gtk_widget_set_tooltip_text (notes->sync_button, "Sync now");
  g_signal_connect_swapped (notes->sync_button, "clicked", G_CALLBACK (sync_clicked), notes);
  gtk_header_bar_pack_end (GTK_HEADER_BAR (header), notes->sync_button);

  notes->entry = gtk_entry_new ();
  gtk_entry_set_placeholder_text (GTK_ENTRY (notes->entry), "New note");
  gtk_widget_set_hexpand (notes->entry, TRUE);
  g_signal_connect_swapped (notes->entry, "activate", G_CALLBACK (add_clicked), notes);
  notes->add_button = gtk_button_new_with_label ("Add");
  g_signal_connect_swapped (notes->add_button, "clicked", G_CALLBACK (add_clicked), notes);
  gtk_box_append (GTK_BOX (add_row), notes->entry);
  gtk_box_append (GTK_BOX (add_row), notes->add_button);

  g_signal_connect (factory, "setup", G_CALLBACK (row_setup), notes);
  g_signal_connect (factory, "bind", G_CALLBACK (row_bind), notes);
  g_signal_connect (factory, "unbind", G_CALLBACK (row_unbind), notes);
  selection = gtk_no_selection_new (G_LIST_MODEL (g_object_ref (notes->notes)));
  list = gtk_list_view_new (GTK_SELECTION_MODEL (selection), factory);
  gtk_widget_add_css_class (list, "rich-list");
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scrolled), list);
  gtk_widget_set_vexpand (scrolled, TRUE);

  notes->status_icon = gtk_image_new ();
  notes->status_label = gtk_label_new ("");
  gtk_label_set_ellipsize (GTK_LABEL (notes->status_label), PANGO_ELLIPSIZE_END);
  gtk_label_set_xalign (GTK_LABEL (notes->status_label), 0);
  gtk_widget_set_hexpand (notes->status_label, TRUE);
  notes->progress = gtk_progress_bar_new ();
  gtk_progress_bar_set_show_text (GTK_PROGRESS_BAR (notes->progress), TRUE);
  gtk_box_append (GTK_BOX (status), notes->status_icon);
  gtk_box_append (GTK_BOX (status), notes->status_label);
  gtk_box_append (GTK_BOX (status), notes->progress);

  gtk_widget_set_margin_start (box, 12);
  gtk_widget_set_margin_end (box, 12);
  gtk_widget_set_margin_top (box, 12);
  gtk_widget_set_margin_bottom (box, 12);
  gtk_box_append (GTK_BOX (box), add_row);
  gtk_box_append (GTK_BOX (box), scrolled);
  gtk_box_append (GTK_BOX (box), status);
  gtk_window_set_child (GTK_WINDOW (notes->window), box);
}

/* --drive: a screenshot with GTK's own snapshot API, of what is on screen. */
static gboolean
save_screenshot (Notes *notes)
{
  g_autoptr(GdkPaintable) paintable = gtk_widget_paintable_new (notes->window);
  g_autoptr(GtkSnapshot) snapshot = gtk_snapshot_new ();
  g_autoptr(GskRenderNode) node = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  int width = gtk_widget_get_width (notes->window);
  int height = gtk_widget_get_height (notes->window);

  gdk_paintable_snapshot (paintable, GDK_SNAPSHOT (snapshot), width, height);
  node = gtk_snapshot_to_node (snapshot);
  if (node != NULL)
    texture = gsk_renderer_render_texture (gtk_native_get_renderer (GTK_NATIVE (notes->window)),
                                           node, &GRAPHENE_RECT_INIT (0, 0, width, height));
  if (texture == NULL || !gdk_texture_save_to_png (texture, notes->screenshot))
    {
      g_printerr ("Could not save the screenshot to %s\n", notes->screenshot);
      return FALSE;
    }
  return TRUE;
}

static gboolean
finish_drive (gpointer user_data)
{
  Notes *notes = user_data;

  gboolean saved = notes->screenshot == NULL || save_screenshot (notes);

  /* The service's properties may follow its reply: judge what is shown. */
  if (saved && notes->synced && pending_count (notes) == 0 &&
      g_list_model_get_n_items (G_LIST_MODEL (notes->notes)) == 2)
    notes->status = 0;
  g_print ("status: %s\n", gtk_label_get_text (GTK_LABEL (notes->status_label)));
  gtk_window_destroy (GTK_WINDOW (notes->window));
  return G_SOURCE_REMOVE;
}

static void
end_drive (Notes *notes)
{
  /* Let the list and the status indicator draw the final state first. */
  g_timeout_add (500, finish_drive, notes);
}

/* Presses Sync once both notes are stored and listed. */
static gboolean
drive_sync (gpointer user_data)
{
  Notes *notes = user_data;

  if (g_list_model_get_n_items (G_LIST_MODEL (notes->notes)) < 2)
    return G_SOURCE_CONTINUE;
  g_signal_emit_by_name (notes->sync_button, "clicked");
  return G_SOURCE_REMOVE;
}

static gboolean
drive (gpointer user_data)
{
  Notes *notes = user_data;

  /* What a user does: type a note, press Add, type another, press Enter,
   * then press Sync. */
  gtk_editable_set_text (GTK_EDITABLE (notes->entry), "Buy milk");
  g_signal_emit_by_name (notes->add_button, "clicked");
  gtk_editable_set_text (GTK_EDITABLE (notes->entry), "Call the plumber");
  g_signal_emit_by_name (notes->entry, "activate");
  g_timeout_add (100, drive_sync, notes);
  return G_SOURCE_REMOVE;
}

static char *
read_password (void)
{
  char line[1024];

  if (fgets (line, sizeof line, stdin) == NULL)
    return NULL;
  return g_strchomp (g_strdup (line));
}

/* In process: a SQLite store and a PocketBase store under an engine. */
static gboolean
open_in_process (Notes       *notes,
                 const char  *password,
                 JustSyncQuery *query,
                 GError     **error)
{
  g_autoptr(JustSyncSqliteStore) local = NULL;
  g_autoptr(JustSyncPocketbaseStore) remote = NULL;
  g_autofree char *default_store = NULL;

  if (opt_store == NULL)
    {
      g_autofree char *dir = g_build_filename (g_get_user_data_dir (), "justsync-notes-gtk", NULL);

      g_mkdir_with_parents (dir, 0700);
      default_store = g_build_filename (dir, "notes.db", NULL);
    }
  local = just_sync_sqlite_store_new_sync (opt_store != NULL ? opt_store : default_store,
                                           TRUE, NULL, error);
  if (local == NULL)
    return FALSE;
  remote = just_sync_pocketbase_store_new (opt_url);
  just_sync_pocketbase_store_set_credentials (remote, "users", opt_email, password);
  notes->engine = just_sync_orchestrator_new (JUST_SYNC_LOCAL_STORE (local),
                                              JUST_SYNC_REMOTE_STORE (remote), NULL);
  notes->notes = just_sync_orchestrator_watch (notes->engine, query);

  g_signal_connect_swapped (notes->engine, "notify::state", G_CALLBACK (status_changed), notes);
  g_signal_connect_swapped (notes->engine, "notify::pending-count", G_CALLBACK (status_changed), notes);
  g_signal_connect_swapped (notes->engine, "notify::last-error", G_CALLBACK (status_changed), notes);
  g_signal_connect (notes->engine, "progress", G_CALLBACK (progress), notes);
  if (!opt_drive)
    just_sync_orchestrator_watch_scope (notes->engine, notes->scope);
  return TRUE;
}

/* Through the service: the store "notes" of this app in justsyncd. */
static gboolean
open_service (Notes          *notes,
              const char     *password,
              JustSyncQuery  *query,
              GError        **error)
{
  g_autoptr(GDBusConnection) bus = g_bus_get_sync (G_BUS_TYPE_SESSION, NULL, error);
  g_autoptr(GVariant) reply = NULL;
  GVariantBuilder options, collections;
  const char *path;

  if (bus == NULL)
    return FALSE;
  g_variant_builder_init (&collections, G_VARIANT_TYPE ("a{ss}"));
  g_variant_builder_add (&collections, "{ss}", "records", "records");
  g_variant_builder_init (&options, G_VARIANT_TYPE_VARDICT);
  g_variant_builder_add (&options, "{sv}", "remote", g_variant_new_string ("pocketbase"));
  g_variant_builder_add (&options, "{sv}", "url", g_variant_new_string (opt_url));
  g_variant_builder_add (&options, "{sv}", "collections", g_variant_builder_end (&collections));
  g_variant_builder_add (&options, "{sv}", "auth-collection", g_variant_new_string ("users"));
  g_variant_builder_add (&options, "{sv}", "identity", g_variant_new_string (opt_email));
  g_variant_builder_add (&options, "{sv}", "password", g_variant_new_string (password));
  reply = g_dbus_connection_call_sync (bus, "org.justsync.Sync1", "/org/justsync/Sync1",
                                       "org.justsync.Sync1.Manager", "OpenStore",
                                       g_variant_new ("(sa{sv})", "notes", &options),
                                       G_VARIANT_TYPE ("(o)"), G_DBUS_CALL_FLAGS_NONE, -1,
                                       NULL, error);
  if (reply == NULL)
    return FALSE;
  g_variant_get (reply, "(&o)", &path);
  notes->store = g_dbus_proxy_new_sync (bus, G_DBUS_PROXY_FLAGS_NONE, NULL, "org.justsync.Sync1",
                                        path, "org.justsync.Sync1.Store", NULL, error);
  if (notes->store == NULL)
    return FALSE;
  g_object_set_data (G_OBJECT (notes->store), "notes", notes);
  notes->notes = just_sync_live_query_new_for_bus (bus, "org.justsync.Sync1", path, query);

  g_signal_connect_swapped (notes->store, "g-properties-changed", G_CALLBACK (status_changed), notes);
  g_signal_connect (notes->store, "g-signal", G_CALLBACK (store_signal), notes);
  return TRUE;
}

static void
activate (GApplication *app,
          Notes        *notes)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JustSyncScope) records = NULL;
  g_autoptr(JustSyncQuery) query = NULL;
  g_autofree char *password = NULL;

  if (notes->window != NULL)
    {
      gtk_window_present (GTK_WINDOW (notes->window));
      return;
    }
  if (opt_url == NULL || opt_email == NULL || opt_user_id == NULL)
    {
      g_printerr ("Usage: justsync-notes-gtk --url URL --email EMAIL --user-id ID "
                  "[--store FILE | --service] < password\n");
      return;
    }

  records = just_sync_scope_new ("records", NULL);
  notes->scope = just_sync_scope_with_key (records, "owner", opt_user_id, &error);
  if (notes->scope == NULL)
    {
      g_printerr ("%s\n", error->message);
      return;
    }
  /* The list: the live notes, newest first. */
  query = just_sync_query_new (notes->scope);
  just_sync_query_add_order (query, NULL, TRUE);

  /* The enum classes the status indicator reads, kept for the app's life. */
  g_type_class_ref (JUST_SYNC_TYPE_SYNC_STATE);
  g_type_class_ref (JUST_SYNC_TYPE_SYNC_PHASE);

  /* In a Flatpak sandbox, which has no network, the service syncs. */
  if (g_file_test ("/.flatpak-info", G_FILE_TEST_EXISTS))
    opt_service = TRUE;

  password = read_password ();
  if (password == NULL)
    {
      g_printerr ("Expected the password on standard input\n");
      return;
    }
  if (!(opt_service ? open_service : open_in_process) (notes, password, query, &error))
    {
      g_printerr ("Could not open the notes: %s\n", error->message);
      return;
    }

  build_window (notes);
  g_signal_connect_swapped (notes->notes, "items-changed", G_CALLBACK (status_changed), notes);
  update_status (notes);
  gtk_window_present (GTK_WINDOW (notes->window));

  if (opt_drive)
    {
      notes->driving = TRUE;
      notes->screenshot = opt_screenshot;
      g_idle_add (drive, notes);
    }
}

int
main (int   argc,
      char *argv[])
{
  Notes notes = { .status = 1 };
  int status;

  notes.app = gtk_application_new ("org.justsync.Notes", G_APPLICATION_NON_UNIQUE);
  g_application_add_main_option_entries (G_APPLICATION (notes.app), entries);
  g_signal_connect (notes.app, "activate", G_CALLBACK (activate), &notes);
  status = g_application_run (G_APPLICATION (notes.app), argc, argv);

  if (opt_drive)
    status = notes.status;
  g_clear_object (&notes.notes);
  g_clear_pointer (&notes.scope, just_sync_scope_unref);
  g_clear_object (&notes.engine);
  g_clear_object (&notes.store);
  g_object_unref (notes.app);
  return status;
}
