/* test-dbus.c: justsyncd over D-Bus, from C
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Every test runs its own private session bus. Most let the bus start the
 * daemon from the test services directory, as a desktop does; the
 * isolation tests start it themselves with a fake /proc, to make the test's
 * connections look like sandboxed apps.
 *
 * The buses are dbus-daemons of our own rather than GTestDBus: GLib 2.74's
 * GTestDBus forks a watcher that, when a test fails, can outlive it and
 * keep the test log open until the harness times out. Ours die with the
 * test process (PR_SET_PDEATHSIG), and so do the daemons they started.
 */

#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

#include <gio/gio.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

#define BUS_NAME "org.justsync.Sync1"
#define MANAGER_PATH "/org/justsync/Sync1"
#define MANAGER_IFACE "org.justsync.Sync1.Manager"
#define STORE_IFACE "org.justsync.Sync1.Store"
#define TIMEOUT_MS 20000

typedef struct
{
  GSubprocess *bus;
  char *address;
  GDBusConnection *client;
  GSubprocess *daemon;
  char *proc_dir;
} Fixture;

/* Set up */

static void
die_with_parent (gpointer user_data)
{
  prctl (PR_SET_PDEATHSIG, SIGTERM);
}

static GSubprocess *
spawn (GSubprocessFlags     flags,
       const char * const  *argv)
{
  g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (flags);
  g_autoptr(GError) error = NULL;
  GSubprocess *process;

  g_subprocess_launcher_set_child_setup (launcher, die_with_parent, NULL, NULL);
  process = g_subprocess_launcher_spawnv (launcher, argv, &error);
  g_assert_no_error (error);
  return process;
}

/* Starts a bus, activating services from @services_dir unless %NULL. */
static void
bus_up (Fixture    *fixture,
        const char *services_dir)
{
  g_autofree char *config_path = g_build_filename (g_get_user_runtime_dir (), "bus.conf", NULL);
  g_autofree char *config_arg = g_strconcat ("--config-file=", config_path, NULL);
  g_autofree char *config = NULL;
  g_autofree char *service_line = NULL;
  g_autoptr(GDataInputStream) output = NULL;
  g_autoptr(GError) error = NULL;
  const char *argv[] = { "dbus-daemon", "--nofork", "--print-address=1", config_arg, NULL };

  /* G_TEST_OPTION_ISOLATE_DIRS points the variables at /dev/null; the
   * daemon, started by the bus, must see the test's directories. */
  g_setenv ("HOME", g_get_home_dir (), TRUE);
  g_setenv ("XDG_DATA_HOME", g_get_user_data_dir (), TRUE);
  g_setenv ("XDG_CONFIG_HOME", g_get_user_config_dir (), TRUE);
  g_setenv ("XDG_CACHE_HOME", g_get_user_cache_dir (), TRUE);
  g_setenv ("XDG_RUNTIME_DIR", g_get_user_runtime_dir (), TRUE);

  service_line = services_dir != NULL
                 ? g_strdup_printf ("  <servicedir>%s</servicedir>\n", services_dir)
                 : g_strdup ("");
  config = g_strdup_printf ("<busconfig>\n"
                            "  <type>session</type>\n"
                            "  <listen>unix:tmpdir=%s</listen>\n"
                            "  <auth>EXTERNAL</auth>\n"
                            "%s"
                            "  <policy context=\"default\">\n"
                            "    <allow send_destination=\"*\" eavesdrop=\"true\"/>\n"
                            "    <allow eavesdrop=\"true\"/>\n"
                            "    <allow own=\"*\"/>\n"
                            "  </policy>\n"
                            "</busconfig>\n",
                            g_get_user_runtime_dir (), service_line);
  g_assert_cmpint (g_mkdir_with_parents (g_get_user_runtime_dir (), 0700), ==, 0);
  g_file_set_contents (config_path, config, -1, &error);
  g_assert_no_error (error);

  fixture->bus = spawn (G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_SILENCE, argv);
  output = g_data_input_stream_new (g_subprocess_get_stdout_pipe (fixture->bus));
  fixture->address = g_data_input_stream_read_line (output, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (fixture->address);
  g_setenv ("DBUS_SESSION_BUS_ADDRESS", fixture->address, TRUE);
}

static GDBusConnection *
new_connection (Fixture *fixture)
{
  GDBusConnectionFlags flags = G_DBUS_CONNECTION_FLAGS_AUTHENTICATION_CLIENT |
                               G_DBUS_CONNECTION_FLAGS_MESSAGE_BUS_CONNECTION;
  g_autoptr(GError) error = NULL;
  GDBusConnection *connection;

  connection = g_dbus_connection_new_for_address_sync (fixture->address, flags, NULL, NULL,
                                                       &error);
  g_assert_no_error (error);
  g_dbus_connection_set_exit_on_close (connection, FALSE);
  return connection;
}

static void
setup_activated (Fixture       *fixture,
                 gconstpointer  user_data)
{
  bus_up (fixture, TEST_SERVICES_DIR);
  fixture->client = new_connection (fixture);
}

static gboolean
name_has_owner (GDBusConnection *connection)
{
  g_autoptr(GVariant) reply = NULL;
  gboolean has_owner = FALSE;

  reply = g_dbus_connection_call_sync (connection, "org.freedesktop.DBus", "/org/freedesktop/DBus",
                                       "org.freedesktop.DBus", "NameHasOwner",
                                       g_variant_new ("(s)", BUS_NAME), G_VARIANT_TYPE ("(b)"),
                                       G_DBUS_CALL_FLAGS_NONE, TIMEOUT_MS, NULL, NULL);
  if (reply != NULL)
    g_variant_get (reply, "(b)", &has_owner);
  return has_owner;
}

/* Waits, up to 10 seconds, for the service name to be owned or not. */
static gboolean
wait_for_owner (GDBusConnection *connection,
                gboolean         owned)
{
  for (guint i = 0; i < 200; i++)
    {
      if (name_has_owner (connection) == owned)
        return TRUE;
      g_usleep (50 * 1000);
    }
  return FALSE;
}

/* Starts justsyncd with the arguments, NULL-terminated. */
static GSubprocess *
spawn_justsyncd (GSubprocessFlags  flags,
                 const char       *first_arg,
                 ...)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  const char *arg;
  va_list args;

  g_ptr_array_add (argv, (char *) JUSTSYNCD);
  va_start (args, first_arg);
  for (arg = first_arg; arg != NULL; arg = va_arg (args, const char *))
    g_ptr_array_add (argv, (char *) arg);
  va_end (args);
  g_ptr_array_add (argv, NULL);

  return spawn (flags, (const char * const *) argv->pdata);
}

/* A bus without activation, and a daemon that looks for callers in a fake
 * /proc the test controls. */
static void
setup_sandboxes (Fixture       *fixture,
                 gconstpointer  user_data)
{
  g_autofree char *proc_arg = NULL;

  bus_up (fixture, NULL);
  fixture->client = new_connection (fixture);

  fixture->proc_dir = g_build_filename (g_get_user_runtime_dir (), "proc", NULL);
  proc_arg = g_strconcat ("--proc-path=", fixture->proc_dir, NULL);
  fixture->daemon = spawn_justsyncd (G_SUBPROCESS_FLAGS_NONE, proc_arg, "--no-idle-exit", NULL);
  g_assert_true (wait_for_owner (fixture->client, TRUE));
}

/* The same, with small limits. */
static void
setup_limited (Fixture       *fixture,
               gconstpointer  user_data)
{
  g_autofree char *proc_arg = NULL;

  bus_up (fixture, NULL);
  fixture->client = new_connection (fixture);

  fixture->proc_dir = g_build_filename (g_get_user_runtime_dir (), "proc", NULL);
  proc_arg = g_strconcat ("--proc-path=", fixture->proc_dir, NULL);
  fixture->daemon = spawn_justsyncd (G_SUBPROCESS_FLAGS_NONE, proc_arg, "--no-idle-exit",
                                     "--max-stores=8", "--max-stores-per-app=5",
                                     "--store-idle-timeout=1", NULL);
  g_assert_true (wait_for_owner (fixture->client, TRUE));
}

/* A bus without activation, for tests that start daemons themselves. */
static void
setup_bare (Fixture       *fixture,
            gconstpointer  user_data)
{
  bus_up (fixture, NULL);
  fixture->client = new_connection (fixture);
}

static void
teardown (Fixture       *fixture,
          gconstpointer  user_data)
{
  if (fixture->daemon != NULL)
    {
      g_subprocess_send_signal (fixture->daemon, SIGTERM);
      g_subprocess_wait (fixture->daemon, NULL, NULL);
      g_clear_object (&fixture->daemon);
    }
  g_dbus_connection_close_sync (fixture->client, NULL, NULL);
  g_clear_object (&fixture->client);
  /* Activated daemons leave when their bus does. */
  g_subprocess_send_signal (fixture->bus, SIGTERM);
  g_subprocess_wait (fixture->bus, NULL, NULL);
  g_clear_object (&fixture->bus);
  g_clear_pointer (&fixture->address, g_free);
  g_clear_pointer (&fixture->proc_dir, g_free);
}

/* Calls */

static GVariant *
no_options (void)
{
  return g_variant_new ("a{sv}", NULL);
}

static GVariant *
call (GDBusConnection     *connection,
      const char          *path,
      const char          *interface_name,
      const char          *method,
      GVariant            *parameters,
      const GVariantType  *reply_type,
      GError             **error)
{
  return g_dbus_connection_call_sync (connection, BUS_NAME, path, interface_name, method,
                                      parameters, reply_type, G_DBUS_CALL_FLAGS_NONE,
                                      TIMEOUT_MS, NULL, error);
}

static void
assert_remote_error (GError     *error,
                     const char *name)
{
  g_autofree char *remote = NULL;

  g_assert_nonnull (error);
  remote = g_dbus_error_get_remote_error (error);
  if (g_strcmp0 (remote, name) != 0)
    g_error ("Expected %s, got %s: %s", name, remote, error->message);
}

static char *
open_store (GDBusConnection *connection,
            const char      *name,
            const char      *options)
{
  g_autoptr(GVariant) reply = NULL;
  g_autoptr(GError) error = NULL;
  char *path;

  reply = call (connection, MANAGER_PATH, MANAGER_IFACE, "OpenStore",
                g_variant_new ("(s@a{sv})", name, g_variant_new_parsed (options)),
                G_VARIANT_TYPE ("(o)"), &error);
  g_assert_no_error (error);
  g_variant_get (reply, "(o)", &path);
  return path;
}

static JsonNode *
parse_json (const char *text)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;

  json_parser_load_from_data (parser, text, -1, &error);
  g_assert_no_error (error);
  return json_node_copy (json_parser_get_root (parser));
}

/* Calls a Store method that returns one JSON document. */
static JsonNode *
call_json (GDBusConnection  *connection,
           const char       *path,
           const char       *method,
           GVariant         *parameters,
           GError          **error)
{
  g_autoptr(GVariant) reply = NULL;
  const char *json;

  reply = call (connection, path, STORE_IFACE, method, parameters, NULL, error);
  if (reply == NULL)
    return NULL;
  g_variant_get_child (reply, 0, "&s", &json);
  return parse_json (json);
}

static char *
create_record (GDBusConnection *connection,
               const char      *path,
               const char      *scope,
               const char      *payload)
{
  g_autoptr(JsonNode) record = NULL;
  g_autoptr(GError) error = NULL;

  record = call_json (connection, path, "Create",
                      g_variant_new ("(ss@a{sv})", scope, payload,
                                     no_options ()),
                      &error);
  g_assert_no_error (error);
  return g_strdup (json_object_get_string_member (json_node_get_object (record), "id"));
}

/* The records of @scope, read from the local store. */
static JsonArray *
query (GDBusConnection *connection,
       const char      *path,
       const char      *scope)
{
  g_autoptr(JsonNode) records = NULL;
  g_autoptr(GError) error = NULL;

  records = call_json (connection, path, "Query",
                       g_variant_new ("(ss@a{sv})", scope, "offline-only",
                                      no_options ()),
                       &error);
  g_assert_no_error (error);
  return json_array_ref (json_node_get_array (records));
}

static GVariant *
get_property (GDBusConnection *connection,
              const char      *path,
              const char      *name)
{
  g_autoptr(GVariant) reply = NULL;
  g_autoptr(GError) error = NULL;
  GVariant *value;

  reply = call (connection, path, "org.freedesktop.DBus.Properties", "Get",
                g_variant_new ("(ss)", STORE_IFACE, name), G_VARIANT_TYPE ("(v)"), &error);
  g_assert_no_error (error);
  g_variant_get (reply, "(v)", &value);
  return value;
}

/* Signals */

typedef struct
{
  GPtrArray *events;   /* "Member /object/path (arguments)" strings */
} Recorder;

static void
on_signal (GDBusConnection *connection,
           const char      *sender_name,
           const char      *object_path,
           const char      *interface_name,
           const char      *signal_name,
           GVariant        *parameters,
           gpointer         user_data)
{
  Recorder *recorder = user_data;

  g_autofree char *arguments = g_variant_print (parameters, FALSE);

  g_ptr_array_add (recorder->events,
                   g_strdup_printf ("%s %s %s", signal_name, object_path, arguments));
}

static guint
record_signals (GDBusConnection *connection,
                const char      *path,
                Recorder        *recorder)
{
  recorder->events = g_ptr_array_new_with_free_func (g_free);
  return g_dbus_connection_signal_subscribe (connection, NULL, NULL, NULL, path, NULL,
                                             G_DBUS_SIGNAL_FLAGS_NONE, on_signal, recorder,
                                             NULL);
}

static gboolean
recorder_has (Recorder   *recorder,
              const char *prefix,
              const char *needle)
{
  for (guint i = 0; i < recorder->events->len; i++)
    {
      const char *event = g_ptr_array_index (recorder->events, i);

      if (g_str_has_prefix (event, prefix) && (needle == NULL || strstr (event, needle) != NULL))
        return TRUE;
    }
  return FALSE;
}

static gboolean
tick (gpointer user_data)
{
  return G_SOURCE_CONTINUE;
}

/* Waits until @recorder has an event starting with @prefix and containing
 * @needle, for up to 10 seconds. */
static gboolean
wait_for_event (Recorder   *recorder,
                const char *prefix,
                const char *needle)
{
  gint64 deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;
  guint ticker = g_timeout_add (100, tick, NULL);

  while (!recorder_has (recorder, prefix, needle) && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  g_source_remove (ticker);
  return recorder_has (recorder, prefix, needle);
}

/* Tests */

static void
test_crud (Fixture       *fixture,
           gconstpointer  user_data)
{
  g_autofree char *path = open_store (fixture->client, "notes", "{'remote': <'memory'>}");
  g_autofree char *again = open_store (fixture->client, "notes", "@a{sv} {}");
  g_autofree char *id = NULL;
  g_autoptr(JsonNode) record = NULL;
  g_autoptr(JsonArray) records = NULL;
  g_autoptr(GVariant) reply = NULL;
  g_autoptr(GVariant) results = NULL;
  g_autoptr(GVariant) name = NULL;
  g_autoptr(GError) error = NULL;
  JsonObject *object;
  const char *json;
  guint total = 0;

  /* One store, one object, whoever opens it. */
  g_assert_cmpstr (path, ==, again);
  g_assert_true (g_str_has_prefix (path, "/org/justsync/Sync1/store/"));

  id = create_record (fixture->client, path, "notes?user=u1", "{\"title\": \"one\"}");
  g_assert_nonnull (id);

  record = call_json (fixture->client, path, "Create",
                      g_variant_new ("(ss@a{sv})", "notes?user=u1", "{\"title\": \"two\"}",
                                     g_variant_new_parsed ("{'id': <'my-id'>}")),
                      &error);
  g_assert_no_error (error);
  object = json_node_get_object (record);
  g_assert_cmpstr (json_object_get_string_member (object, "id"), ==, "my-id");
  g_clear_pointer (&record, json_node_unref);

  record = call_json (fixture->client, path, "Get",
                      g_variant_new ("(ss@a{sv})", "notes?user=u1", id,
                                     no_options ()),
                      &error);
  g_assert_no_error (error);
  object = json_object_get_object_member (json_node_get_object (record), "payload");
  g_assert_cmpstr (json_object_get_string_member (object, "title"), ==, "one");
  g_clear_pointer (&record, json_node_unref);

  record = call_json (fixture->client, path, "Update",
                      g_variant_new ("(sss@a{sv})", "notes?user=u1", id, "{\"title\": \"uno\"}",
                                     no_options ()),
                      &error);
  g_assert_no_error (error);
  object = json_object_get_object_member (json_node_get_object (record), "payload");
  g_assert_cmpstr (json_object_get_string_member (object, "title"), ==, "uno");
  g_clear_pointer (&record, json_node_unref);

  /* A patch sets and removes fields and keeps the others. */
  {
    const char *remove[] = { "title", NULL };

    record = call_json (fixture->client, path, "Patch",
                        g_variant_new ("(sss^as@a{sv})", "notes?user=u1", id,
                                       "{\"done\": true}", remove, no_options ()),
                        &error);
    g_assert_no_error (error);
    object = json_object_get_object_member (json_node_get_object (record), "payload");
    g_assert_true (json_object_get_boolean_member (object, "done"));
    g_assert_false (json_object_has_member (object, "title"));
    g_clear_pointer (&record, json_node_unref);

    /* Its queued change names the fields it changed. */
    record = call_json (fixture->client, path, "ListPending",
                        g_variant_new ("(s@a{sv})", "notes?user=u1", no_options ()), &error);
    g_assert_no_error (error);
    {
      JsonArray *ops = json_node_get_array (record);
      JsonObject *last = json_array_get_object_element (ops, json_array_get_length (ops) - 1);
      JsonArray *fields = json_object_get_array_member (last, "fields");

      g_assert_cmpuint (json_array_get_length (fields), ==, 2);
      g_assert_cmpstr (json_array_get_string_element (fields, 0), ==, "done");
      g_assert_cmpstr (json_array_get_string_element (fields, 1), ==, "title");
    }
    g_clear_pointer (&record, json_node_unref);
  }

  /* Scopes do not mix: the other user's scope is empty. */
  records = query (fixture->client, path, "notes?user=u2");
  g_assert_cmpuint (json_array_get_length (records), ==, 0);
  g_clear_pointer (&records, json_array_unref);

  records = query (fixture->client, path, "notes?user=u1");
  g_assert_cmpuint (json_array_get_length (records), ==, 2);
  g_clear_pointer (&records, json_array_unref);

  /* Paging. */
  reply = call (fixture->client, path, STORE_IFACE, "Query",
                g_variant_new ("(ss@a{sv})", "notes?user=u1", "local-first",
                               g_variant_new_parsed ("{'offset': <uint32 1>, "
                                                     "'limit': <uint32 5>}")),
                G_VARIANT_TYPE ("(sa{sv})"), &error);
  g_assert_no_error (error);
  g_variant_get (reply, "(&s@a{sv})", &json, &results);
  g_variant_lookup (results, "total", "u", &total);
  g_assert_cmpuint (total, ==, 2);
  record = parse_json (json);
  g_assert_cmpuint (json_array_get_length (json_node_get_array (record)), ==, 1);
  g_clear_pointer (&record, json_node_unref);

  g_clear_pointer (&reply, g_variant_unref);
  reply = call (fixture->client, path, STORE_IFACE, "Delete",
                g_variant_new ("(ss@a{sv})", "notes?user=u1", id, no_options ()),
                G_VARIANT_TYPE ("()"), &error);
  g_assert_no_error (error);

  record = call_json (fixture->client, path, "Get",
                      g_variant_new ("(ss@a{sv})", "notes?user=u1", id,
                                     no_options ()),
                      &error);
  g_assert_null (record);
  assert_remote_error (error, "org.justsync.Sync1.Error.NotFound");
  g_clear_error (&error);

  records = query (fixture->client, path, "notes?user=u1");
  g_assert_cmpuint (json_array_get_length (records), ==, 1);

  name = get_property (fixture->client, path, "Name");
  g_assert_cmpstr (g_variant_get_string (name, NULL), ==, "notes");
  g_clear_pointer (&name, g_variant_unref);
  name = get_property (fixture->client, path, "AppId");
  g_assert_cmpstr (g_variant_get_string (name, NULL), ==, "unsandboxed");
}

static void
test_sync (Fixture       *fixture,
           gconstpointer  user_data)
{
  g_autofree char *path = open_store (fixture->client, "notes", "{'remote': <'memory'>}");
  g_autoptr(GVariant) reply = NULL;
  g_autoptr(GVariant) stats = NULL;
  g_autoptr(GVariant) pending = NULL;
  g_autoptr(GVariant) last_sync = NULL;
  g_autoptr(GVariant) state = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) ops = NULL;
  Recorder recorder = { 0 };
  guint subscription, pushed = 0;

  subscription = record_signals (fixture->client, path, &recorder);

  /* Offline: the writes wait. */
  g_free (open_store (fixture->client, "notes", "{'offline': <true>}"));
  for (guint i = 0; i < 3; i++)
    g_free (create_record (fixture->client, path, "tasks", "{\"done\": false}"));

  reply = call (fixture->client, path, STORE_IFACE, "Synchronize",
                g_variant_new ("(s@a{sv})", "tasks", no_options ()),
                G_VARIANT_TYPE ("(a{sv})"), &error);
  g_assert_null (reply);
  assert_remote_error (error, "org.justsync.Sync1.Error.Network");
  g_clear_error (&error);

  ops = call_json (fixture->client, path, "ListPending",
                   g_variant_new ("(s@a{sv})", "tasks", no_options ()),
                   &error);
  g_assert_no_error (error);
  g_assert_cmpuint (json_array_get_length (json_node_get_array (ops)), ==, 3);

  /* Online: one sync pushes them all. */
  g_free (open_store (fixture->client, "notes", "{'offline': <false>}"));
  reply = call (fixture->client, path, STORE_IFACE, "Synchronize",
                g_variant_new ("(s@a{sv})", "tasks", no_options ()),
                G_VARIANT_TYPE ("(a{sv})"), &error);
  g_assert_no_error (error);
  g_variant_get (reply, "(@a{sv})", &stats);
  g_assert_true (g_variant_lookup (stats, "pushed", "u", &pushed));
  g_assert_cmpuint (pushed, ==, 3);

  pending = get_property (fixture->client, path, "PendingCount");
  g_assert_cmpuint (g_variant_get_uint32 (pending), ==, 0);
  last_sync = get_property (fixture->client, path, "LastSync");
  g_assert_cmpint (g_variant_get_int64 (last_sync), >, 0);
  state = get_property (fixture->client, path, "State");
  g_assert_cmpstr (g_variant_get_string (state, NULL), ==, "idle");

  g_assert_true (wait_for_event (&recorder, "SyncFinished", "'pushed': <uint32 3>"));
  g_assert_true (wait_for_event (&recorder, "Progress", "'push'"));
  g_assert_true (wait_for_event (&recorder, "PropertiesChanged", "PendingCount"));
  g_assert_true (recorder_has (&recorder, "Changed", "tasks"));

  /* A cache limit evicts synced rows down to it. */
  g_clear_pointer (&reply, g_variant_unref);
  reply = call (fixture->client, path, STORE_IFACE, "SetCacheLimit",
                g_variant_new ("(sut@a{sv})", "tasks", 1, (guint64) 0, no_options ()),
                G_VARIANT_TYPE ("()"), &error);
  g_assert_no_error (error);
  for (gint64 end = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;; )
    {
      g_autoptr(JsonArray) left = query (fixture->client, path, "tasks");

      if (json_array_get_length (left) == 1)
        break;
      g_assert_cmpint (g_get_monotonic_time (), <, end);
      g_usleep (20 * 1000);
    }

  g_dbus_connection_signal_unsubscribe (fixture->client, subscription);
  g_ptr_array_unref (recorder.events);
}

/* Two clients of one app see each other's changes; another app's client
 * sees nothing of them. */
static void
test_changed_signals (Fixture       *fixture,
                      gconstpointer  user_data)
{
  g_autoptr(GDBusConnection) second = new_connection (fixture);
  g_autoptr(GDBusConnection) other_app = new_connection (fixture);
  g_autofree char *path = open_store (fixture->client, "notes", "{'remote': <'memory'>}");
  g_autofree char *path2 = open_store (second, "notes", "@a{sv} {}");
  g_autofree char *other_path = open_store (other_app, "notes",
                                            "{'remote': <'memory'>, "
                                            "'app-id': <'org.example.Other'>}");
  g_autofree char *id = NULL;
  Recorder first_events = { 0 }, second_events = { 0 }, other_events = { 0 };
  guint first_id, second_id, other_id;

  g_assert_cmpstr (path, ==, path2);
  g_assert_cmpstr (path, !=, other_path);

  first_id = record_signals (fixture->client, path, &first_events);
  second_id = record_signals (second, path2, &second_events);
  /* Listens to every path: a broadcast would show. */
  other_id = record_signals (other_app, NULL, &other_events);

  id = create_record (second, path2, "notes", "{\"from\": \"second\"}");
  g_assert_true (wait_for_event (&first_events, "Changed", id));
  g_assert_true (wait_for_event (&second_events, "Changed", id));
  g_assert_false (recorder_has (&other_events, "Changed", id));

  g_dbus_connection_signal_unsubscribe (fixture->client, first_id);
  g_dbus_connection_signal_unsubscribe (second, second_id);
  g_dbus_connection_signal_unsubscribe (other_app, other_id);
  g_ptr_array_unref (first_events.events);
  g_ptr_array_unref (second_events.events);
  g_ptr_array_unref (other_events.events);
  g_dbus_connection_close_sync (second, NULL, NULL);
  g_dbus_connection_close_sync (other_app, NULL, NULL);
}

/* Writes the fake /proc/PID/stat and ns/mnt of this process: started at
 * boot, or @start_ticks clock ticks after it. */
static void
fake_stamp (Fixture *fixture,
            guint64  start_ticks)
{
  g_autofree char *pid = g_strdup_printf ("%d", (int) getpid ());
  g_autofree char *ns = g_build_filename (fixture->proc_dir, pid, "ns", NULL);
  g_autofree char *mnt = g_build_filename (ns, "mnt", NULL);
  g_autofree char *stat = g_build_filename (fixture->proc_dir, pid, "stat", NULL);
  g_autofree char *contents = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_cmpint (g_mkdir_with_parents (ns, 0700), ==, 0);
  g_unlink (mnt);
  g_assert_cmpint (symlink ("mnt:[4026531841]", mnt), ==, 0);
  /* The command name may hold spaces and parentheses; the start time is
   * field 22. */
  contents = g_strdup_printf ("%s (test (dbus) ) S 1 0 0 0 0 0 0 0 0 0 0 0 0 0 20 0 1 0 %"
                              G_GUINT64_FORMAT " 0 0\n", pid, start_ticks);
  g_file_set_contents (stat, contents, -1, &error);
  g_assert_no_error (error);
}

/* Makes the next connection of this process look like @app_id in a
 * sandbox, or unsandboxed for %NULL. The daemon identifies a connection
 * at its first call and remembers it. */
static void
fake_flatpak_info (Fixture    *fixture,
                   const char *contents)
{
  g_autofree char *pid = g_strdup_printf ("%d", (int) getpid ());
  g_autofree char *root = g_build_filename (fixture->proc_dir, pid, "root", NULL);
  g_autofree char *info = g_build_filename (root, ".flatpak-info", NULL);
  g_autoptr(GError) error = NULL;

  fake_stamp (fixture, 0);
  g_assert_cmpint (g_mkdir_with_parents (root, 0700), ==, 0);
  if (contents == NULL)
    {
      g_unlink (info);
      return;
    }
  g_file_set_contents (info, contents, -1, &error);
  g_assert_no_error (error);
}

static void
fake_identity (Fixture    *fixture,
               const char *app_id)
{
  g_autofree char *contents = NULL;

  if (app_id != NULL)
    contents = g_strdup_printf ("[Application]\nname=%s\n"
                                "runtime=runtime/org.gnome.Platform/x86_64/46\n"
                                "\n[Instance]\ninstance-id=1\n", app_id);
  fake_flatpak_info (fixture, contents);
}

static void
test_isolation (Fixture       *fixture,
                gconstpointer  user_data)
{
  g_autoptr(GDBusConnection) app_a = NULL;
  g_autoptr(GDBusConnection) app_b = NULL;
  g_autoptr(GDBusConnection) host = NULL;
  g_autoptr(GVariant) reply = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *path_a = NULL;
  g_autofree char *path_b = NULL;
  g_autofree char *host_path = NULL;
  g_autofree char *id_a = NULL;
  g_autofree char *node_a = NULL;
  g_autofree char *xml = NULL;
  g_autofree char *db_a = NULL;
  g_autofree char *db_b = NULL;
  g_autoptr(JsonArray) records = NULL;
  Recorder b_events = { 0 };
  guint b_subscription;

  fake_identity (fixture, "com.example.AppA");
  app_a = new_connection (fixture);
  path_a = open_store (app_a, "notes", "{'remote': <'memory'>}");
  id_a = create_record (app_a, path_a, "notes", "{\"secret\": \"of A\"}");

  fake_identity (fixture, "com.example.AppB");
  app_b = new_connection (fixture);
  b_subscription = record_signals (app_b, NULL, &b_events);
  path_b = open_store (app_b, "notes", "{'remote': <'memory'>}");
  g_assert_cmpstr (path_a, !=, path_b);

  /* B's store of the same name is its own, and empty. */
  records = query (app_b, path_b, "notes");
  g_assert_cmpuint (json_array_get_length (records), ==, 0);

  /* B cannot open A's store by naming A... */
  reply = call (app_b, MANAGER_PATH, MANAGER_IFACE, "OpenStore",
                g_variant_new_parsed ("('notes', {'app-id': <'com.example.AppA'>})"),
                NULL, &error);
  g_assert_null (reply);
  assert_remote_error (error, "org.freedesktop.DBus.Error.AccessDenied");
  g_clear_error (&error);

  /* ... nor call it, read its properties or introspect it... */
  reply = call (app_b, path_a, STORE_IFACE, "Query",
                g_variant_new_parsed ("('notes', 'offline-only', @a{sv} {})"), NULL, &error);
  g_assert_null (reply);
  assert_remote_error (error, "org.freedesktop.DBus.Error.UnknownObject");
  g_clear_error (&error);

  reply = call (app_b, path_a, STORE_IFACE, "Delete",
                g_variant_new ("(ss@a{sv})", "notes", id_a, no_options ()),
                NULL, &error);
  g_assert_null (reply);
  assert_remote_error (error, "org.freedesktop.DBus.Error.UnknownObject");
  g_clear_error (&error);

  reply = call (app_b, path_a, "org.freedesktop.DBus.Properties", "GetAll",
                g_variant_new ("(s)", STORE_IFACE), NULL, &error);
  g_assert_null (reply);
  assert_remote_error (error, "org.freedesktop.DBus.Error.UnknownObject");
  g_clear_error (&error);

  reply = call (app_b, "/org/justsync/Sync1/store", "org.freedesktop.DBus.Introspectable",
                "Introspect", NULL, G_VARIANT_TYPE ("(s)"), &error);
  g_assert_no_error (error);
  g_variant_get (reply, "(s)", &xml);
  node_a = g_path_get_basename (path_a);
  g_assert_null (strstr (xml, node_a));
  g_assert_nonnull (strstr (xml, "AppB"));
  g_clear_pointer (&reply, g_variant_unref);

  /* ... nor see its signals, though B listens to everything. */
  g_free (create_record (app_a, path_a, "notes", "{\"more\": \"of A\"}"));
  g_free (create_record (app_b, path_b, "notes", "{\"of\": \"B\"}"));
  g_assert_true (wait_for_event (&b_events, "Changed", NULL));
  for (guint i = 0; i < b_events.events->len; i++)
    g_assert_null (strstr (g_ptr_array_index (b_events.events, i), "AppA"));
  g_assert_false (recorder_has (&b_events, "Changed", id_a));

  /* A still has its record, untouched. */
  g_clear_pointer (&records, json_array_unref);
  records = query (app_a, path_a, "notes");
  g_assert_cmpuint (json_array_get_length (records), ==, 2);

  /* Each app's files are in its own directory. */
  db_a = g_build_filename (g_get_user_data_dir (), "justsync", "com.example.AppA", "notes.db",
                           NULL);
  db_b = g_build_filename (g_get_user_data_dir (), "justsync", "com.example.AppB", "notes.db",
                           NULL);
  g_assert_true (g_file_test (db_a, G_FILE_TEST_IS_REGULAR));
  g_assert_true (g_file_test (db_b, G_FILE_TEST_IS_REGULAR));

  /* The user's own processes may act for any app. */
  fake_identity (fixture, NULL);
  host = new_connection (fixture);
  host_path = open_store (host, "notes", "{'app-id': <'com.example.AppA'>}");
  g_assert_cmpstr (host_path, ==, path_a);
  g_clear_pointer (&records, json_array_unref);
  records = query (host, path_a, "notes");
  g_assert_cmpuint (json_array_get_length (records), ==, 2);

  g_dbus_connection_signal_unsubscribe (app_b, b_subscription);
  g_ptr_array_unref (b_events.events);
  g_dbus_connection_close_sync (app_a, NULL, NULL);
  g_dbus_connection_close_sync (app_b, NULL, NULL);
  g_dbus_connection_close_sync (host, NULL, NULL);
}

/* A caller the daemon cannot identify is refused, never taken for the
 * user. */
static void
test_unidentified_caller (Fixture       *fixture,
                          gconstpointer  user_data)
{
  g_autofree char *pid = g_strdup_printf ("%d", (int) getpid ());
  g_autofree char *root = g_build_filename (fixture->proc_dir, pid, "root", NULL);
  g_autoptr(GDBusConnection) connection = NULL;
  g_autoptr(GVariant) reply = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_false (g_file_test (root, G_FILE_TEST_EXISTS));
  connection = new_connection (fixture);
  reply = call (connection, MANAGER_PATH, MANAGER_IFACE, "OpenStore",
                g_variant_new_parsed ("('notes', {'remote': <'memory'>})"), NULL, &error);
  g_assert_null (reply);
  assert_remote_error (error, "org.freedesktop.DBus.Error.AccessDenied");
  g_dbus_connection_close_sync (connection, NULL, NULL);
}

/* Only [Application] names a sandboxed app: a [Runtime] group, which
 * Flatpak writes too, does not stand in for it. */
static void
test_flatpak_info_groups (Fixture       *fixture,
                          gconstpointer  user_data)
{
  g_autoptr(GDBusConnection) connection = NULL;
  g_autofree char *path = NULL;

  fake_flatpak_info (fixture, "[Application]\nname=com.example.AppB\n"
                              "runtime=runtime/org.gnome.Platform/x86_64/46\n"
                              "\n[Runtime]\nname=com.example.AppA\n");
  connection = new_connection (fixture);
  path = open_store (connection, "notes", "{'remote': <'memory'>}");
  g_assert_nonnull (strstr (path, "AppB"));
  g_assert_null (strstr (path, "AppA"));
  g_dbus_connection_close_sync (connection, NULL, NULL);
}

static void
assert_open_refused (GDBusConnection *connection)
{
  g_autoptr(GVariant) reply = NULL;
  g_autoptr(GError) error = NULL;

  reply = call (connection, MANAGER_PATH, MANAGER_IFACE, "OpenStore",
                g_variant_new_parsed ("('notes', {'app-id': <'com.example.AppA'>, "
                                      "'remote': <'memory'>})"), NULL, &error);
  g_assert_null (reply);
  assert_remote_error (error, "org.freedesktop.DBus.Error.AccessDenied");
}

/* A sandboxed process can connect and exit, leaving its connection to
 * another process, and its pid free for an unsandboxed one. */
static void
test_pid_reuse (Fixture       *fixture,
                gconstpointer  user_data)
{
  g_autoptr(GDBusConnection) first = NULL;
  g_autoptr(GDBusConnection) second = NULL;
  g_autofree char *path = NULL;

  /* The process at the pid started after the connection appeared. */
  fake_identity (fixture, NULL);
  first = new_connection (fixture);
  fake_stamp (fixture, (guint64) G_MAXINT32);
  assert_open_refused (first);

  /* Identified at its first call, then the process is replaced: the
   * connection is refused from then on. */
  fake_identity (fixture, NULL);
  second = new_connection (fixture);
  path = open_store (second, "notes", "{'app-id': <'com.example.AppA'>, 'remote': <'memory'>}");
  g_assert_nonnull (path);
  fake_stamp (fixture, 1);
  assert_open_refused (second);

  g_dbus_connection_close_sync (first, NULL, NULL);
  g_dbus_connection_close_sync (second, NULL, NULL);
}

typedef struct
{
  const char *path;      /* NULL for the store */
  const char *interface_name;
  const char *method;
  const char *parameters;
  const char *error;
} BadCall;

static void
test_bad_input (Fixture       *fixture,
                gconstpointer  user_data)
{
  g_autofree char *path = open_store (fixture->client, "notes", "{'remote': <'memory'>}");
  g_autofree char *id = create_record (fixture->client, path, "notes", "{\"keep\": true}");
  g_autofree char *long_text = g_strnfill (256 * 1024 + 1, 'x');
  g_autofree char *deep = NULL;
  g_autofree char *huge = NULL;
  g_autoptr(JsonArray) records = NULL;
  const char *invalid = "org.justsync.Sync1.Error.InvalidArgument";
  const BadCall calls[] = {
    { MANAGER_PATH, MANAGER_IFACE, "OpenStore", "('', @a{sv} {})", invalid },
    { MANAGER_PATH, MANAGER_IFACE, "OpenStore", "('../escape', @a{sv} {})", invalid },
    { MANAGER_PATH, MANAGER_IFACE, "OpenStore", "('a/b', @a{sv} {})", invalid },
    { MANAGER_PATH, MANAGER_IFACE, "OpenStore", "('.hidden', @a{sv} {})", invalid },
    { MANAGER_PATH, MANAGER_IFACE, "OpenStore", "('never-opened', @a{sv} {})",
      "org.justsync.Sync1.Error.NotFound" },
    { MANAGER_PATH, MANAGER_IFACE, "OpenStore", "('x', {'remote': <'ftp'>})", invalid },
    { MANAGER_PATH, MANAGER_IFACE, "OpenStore", "('x', {'remote': <42>})", invalid },
    { MANAGER_PATH, MANAGER_IFACE, "OpenStore", "('x', {'remote': <'pocketbase'>})", invalid },
    { MANAGER_PATH, MANAGER_IFACE, "OpenStore",
      "('x', {'remote': <'pocketbase'>, 'url': <'file:///etc/passwd'>})", invalid },
    /* Credentials in a URL would be saved in the clear with it. */
    { MANAGER_PATH, MANAGER_IFACE, "OpenStore",
      "('x', {'remote': <'pocketbase'>, 'url': <'https://me:pw@example.com'>})", invalid },
    { MANAGER_PATH, MANAGER_IFACE, "OpenStore",
      "('x', {'remote': <'pocketbase'>, 'url': <'http://me@127.0.0.1:8090'>})", invalid },
    /* Plain http leaves the machine only when asked to. */
    { MANAGER_PATH, MANAGER_IFACE, "OpenStore",
      "('x', {'remote': <'pocketbase'>, 'url': <'http://example.com'>})", invalid },
    { MANAGER_PATH, MANAGER_IFACE, "OpenStore",
      "('x', {'remote': <'pocketbase'>, 'url': <'http://example.com'>, "
      "'allow-insecure-http': <false>})", invalid },
    { MANAGER_PATH, MANAGER_IFACE, "OpenStore",
      "('x', {'remote': <'memory'>, 'collections': <{'': 'x'}>})", invalid },
    { MANAGER_PATH, MANAGER_IFACE, "OpenStore", "('x', {'app-id': <'../../etc'>})", invalid },
    { MANAGER_PATH, MANAGER_IFACE, "OpenStore", "('x', {'app-id': <true>})", invalid },
    { MANAGER_PATH, MANAGER_IFACE, "OpenStore",
      "('notes', {'remember-credentials': <true>})", invalid },
    { MANAGER_PATH, MANAGER_IFACE, "OpenStore", "('notes', {'durable': <'yes'>})", invalid },
    { MANAGER_PATH, MANAGER_IFACE, "OpenStore", "('notes', 'not a dict')",
      "org.freedesktop.DBus.Error.InvalidArgs" },
    { NULL, STORE_IFACE, "Query", "('', 'offline-only', @a{sv} {})", invalid },
    { NULL, STORE_IFACE, "Query", "('notes?x', 'offline-only', @a{sv} {})", invalid },
    { NULL, STORE_IFACE, "Query", "('notes?=1', 'offline-only', @a{sv} {})", invalid },
    { NULL, STORE_IFACE, "Query", "('notes', 'sometimes', @a{sv} {})", invalid },
    { NULL, STORE_IFACE, "Query", "('notes', 'offline-only', {'limit': <-1>})", invalid },
    { NULL, STORE_IFACE, "Get", "('notes', '', @a{sv} {})", invalid },
    { NULL, STORE_IFACE, "Get", "('%notes', 'x', @a{sv} {})", invalid },
    { NULL, STORE_IFACE, "Get", "('notes', 'missing', @a{sv} {})",
      "org.justsync.Sync1.Error.NotFound" },
    { NULL, STORE_IFACE, "Create", "('notes', 'not json', @a{sv} {})", invalid },
    { NULL, STORE_IFACE, "Create", "('notes', '[1, 2]', @a{sv} {})", invalid },
    { NULL, STORE_IFACE, "Create", "('notes', '\"text\"', @a{sv} {})", invalid },
    { NULL, STORE_IFACE, "Create", "('notes', '', @a{sv} {})", invalid },
    { NULL, STORE_IFACE, "Create", "('notes', '{\"a\": 1', @a{sv} {})", invalid },
    { NULL, STORE_IFACE, "Create", "('notes', '{}', {'id': <''>})", invalid },
    { NULL, STORE_IFACE, "Create", "('notes', '{}', {'id': <7>})", invalid },
    { NULL, STORE_IFACE, "Create", "('', '{}', @a{sv} {})", invalid },
    { NULL, STORE_IFACE, "Update", "('notes', 'missing', '{}', @a{sv} {})",
      "org.justsync.Sync1.Error.NotFound" },
    { NULL, STORE_IFACE, "Update", "('notes', '', '{}', @a{sv} {})", invalid },
    { NULL, STORE_IFACE, "Patch", "('notes', 'missing', '{}', @as [], @a{sv} {})",
      "org.justsync.Sync1.Error.NotFound" },
    { NULL, STORE_IFACE, "Patch", "('notes', '', '{}', @as [], @a{sv} {})", invalid },
    { NULL, STORE_IFACE, "Patch", "('notes', 'x', '[1]', @as [], @a{sv} {})", invalid },
    { NULL, STORE_IFACE, "Patch", "('notes', 'x', '{}', ['a', ''], @a{sv} {})", invalid },
    { NULL, STORE_IFACE, "Patch", "('notes', 'x', '{}', 'a', @a{sv} {})",
      "org.freedesktop.DBus.Error.InvalidArgs" },
    { NULL, STORE_IFACE, "SetCacheLimit", "('', uint32 1, uint64 0, @a{sv} {})", invalid },
    { NULL, STORE_IFACE, "SetCacheLimit", "('notes', -1, uint64 0, @a{sv} {})",
      "org.freedesktop.DBus.Error.InvalidArgs" },
    { NULL, STORE_IFACE, "Delete", "('notes', '', @a{sv} {})", invalid },
    { NULL, STORE_IFACE, "Delete", "('notes', 'missing', @a{sv} {})",
      "org.justsync.Sync1.Error.NotFound" },
    { NULL, STORE_IFACE, "Delete", "('notes?', 'x', @a{sv} {})", invalid },
    { NULL, STORE_IFACE, "Synchronize", "('', @a{sv} {})", invalid },
    { NULL, STORE_IFACE, "ListPending", "('?k=v', @a{sv} {})", invalid },
    { NULL, STORE_IFACE, "RetryFailed", "('', @a{sv} {})", invalid },
    { NULL, STORE_IFACE, "Get", "('notes', 'x')", "org.freedesktop.DBus.Error.InvalidArgs" },
    { NULL, STORE_IFACE, "Explode", "()", "org.freedesktop.DBus.Error.UnknownMethod" },
    { NULL, "org.freedesktop.DBus.Properties", "Set",
      "('org.justsync.Sync1.Store', 'State', <'idle'>)",
      "org.freedesktop.DBus.Error.InvalidArgs" },
    { NULL, "org.freedesktop.DBus.Properties", "Get",
      "('org.justsync.Sync1.Store', 'Password')", "org.freedesktop.DBus.Error.InvalidArgs" },
    { "/org/justsync/Sync1/store/unsandboxed_2fnever", STORE_IFACE, "Query",
      "('notes', 'offline-only', @a{sv} {})", "org.freedesktop.DBus.Error.UnknownObject" },
    { "/org/justsync/Sync1/store/unsandboxed_2Fnotes", STORE_IFACE, "Query",
      "('notes', 'offline-only', @a{sv} {})", "org.freedesktop.DBus.Error.UnknownMethod" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (calls); i++)
    {
      g_autoptr(GVariant) reply = NULL;
      g_autoptr(GError) error = NULL;

      g_test_message ("%s.%s %s", calls[i].interface_name, calls[i].method, calls[i].parameters);
      reply = call (fixture->client, calls[i].path != NULL ? calls[i].path : path,
                    calls[i].interface_name, calls[i].method,
                    g_variant_new_parsed (calls[i].parameters), NULL, &error);
      g_assert_null (reply);
      assert_remote_error (error, calls[i].error);
    }

  /* Sizes past the documented limits, and nesting that would overflow
   * the stack of a recursive parser. */
  {
    const char *big_calls[][2] = {
      { "Get", "scope" }, { "Get", "id" }, { "Create", "payload" }, { "Create", "deep" },
    };

    deep = g_strnfill (200000, '[');
    huge = g_strdup_printf ("{\"x\": \"%s%s%s%s\"}", long_text, long_text, long_text, long_text);
    for (guint i = 0; i < G_N_ELEMENTS (big_calls); i++)
      {
        g_autoptr(GVariant) reply = NULL;
        g_autoptr(GError) error = NULL;
        GVariant *parameters;

        if (g_str_equal (big_calls[i][1], "scope"))
          parameters = g_variant_new ("(ss@a{sv})", long_text, "x", no_options ());
        else if (g_str_equal (big_calls[i][1], "id"))
          parameters = g_variant_new ("(ss@a{sv})", "notes", long_text, no_options ());
        else if (g_str_equal (big_calls[i][1], "payload"))
          parameters = g_variant_new ("(ss@a{sv})", "notes", huge, no_options ());
        else
          parameters = g_variant_new ("(ss@a{sv})", "notes", deep, no_options ());

        reply = call (fixture->client, path, STORE_IFACE, big_calls[i][0], parameters, NULL,
                      &error);
        g_assert_null (reply);
        assert_remote_error (error, invalid);
      }
  }

  /* The daemon lives on, and the store holds what it held. */
  g_assert_true (name_has_owner (fixture->client));
  records = query (fixture->client, path, "notes");
  g_assert_cmpuint (json_array_get_length (records), ==, 1);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (records, 0), "id"),
                   ==, id);
}

static gboolean
tree_contains (const char *directory,
               const char *needle)
{
  g_autoptr(GDir) dir = g_dir_open (directory, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = g_build_filename (directory, name, NULL);
      g_autofree char *contents = NULL;
      gsize length;

      if (g_file_test (path, G_FILE_TEST_IS_DIR))
        {
          if (tree_contains (path, needle))
            return TRUE;
        }
      else if (g_file_get_contents (path, &contents, &length, NULL) &&
               g_strstr_len (contents, length, needle) != NULL)
        {
          return TRUE;
        }
    }
  return FALSE;
}

/* Credentials are used, but never written to disk or shown. */
static void
test_credentials (Fixture       *fixture,
                  gconstpointer  user_data)
{
  const char *secret = "s3cr3t-Pa55w0rd";
  g_autofree char *options = g_strdup_printf ("{'remote': <'memory'>, 'identity': <'me'>, "
                                              "'password': <'%s'>}", secret);
  g_autofree char *remember = g_strdup_printf ("{'token': <'%s'>, "
                                               "'remember-credentials': <true>}", secret);
  g_autofree char *path = open_store (fixture->client, "private", options);
  g_autofree char *all = NULL;
  g_autoptr(GVariant) reply = NULL;
  g_autoptr(GError) error = NULL;

  g_free (create_record (fixture->client, path, "notes", "{}"));

  reply = call (fixture->client, path, "org.freedesktop.DBus.Properties", "GetAll",
                g_variant_new ("(s)", STORE_IFACE), NULL, &error);
  g_assert_no_error (error);
  all = g_variant_print (reply, FALSE);
  g_assert_null (strstr (all, secret));
  g_clear_pointer (&reply, g_variant_unref);

  /* The test bus has no keyring: asking to keep them fails, and says why. */
  reply = call (fixture->client, MANAGER_PATH, MANAGER_IFACE, "OpenStore",
                g_variant_new ("(s@a{sv})", "private", g_variant_new_parsed (remember)),
                NULL, &error);
  g_assert_null (reply);
  assert_remote_error (error, "org.justsync.Sync1.Error.Failed");
  g_assert_nonnull (strstr (error->message, "keyring"));
  g_assert_null (strstr (error->message, secret));

  g_assert_false (tree_contains (g_get_user_data_dir (), secret));
}

/* Plain http to this machine, or elsewhere when the caller opts in. */
static void
test_http_urls (Fixture       *fixture,
                gconstpointer  user_data)
{
  const char *urls[] = { "http://127.0.0.1:8090", "http://localhost:8090", "http://[::1]:8090" };
  g_autofree char *insecure = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (urls); i++)
    {
      g_autofree char *options = g_strdup_printf ("{'remote': <'pocketbase'>, 'url': <'%s'>}",
                                                  urls[i]);
      g_autofree char *name = g_strdup_printf ("local%u", i);

      g_free (open_store (fixture->client, name, options));
    }
  insecure = open_store (fixture->client, "insecure",
                         "{'remote': <'pocketbase'>, 'url': <'http://example.com'>, "
                         "'allow-insecure-http': <true>}");
  g_assert_nonnull (insecure);
}

static void
assert_private (const char *path)
{
  GStatBuf st;

  g_assert_cmpint (g_stat (path, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);
}

/* The database and its log are the user's only, as are files an older
 * version made readable. */
static void
test_private_files (Fixture       *fixture,
                    gconstpointer  user_data)
{
  g_autofree char *directory = g_build_filename (g_get_user_data_dir (), "justsync",
                                                 "unsandboxed", NULL);
  g_autofree char *db = g_build_filename (directory, "notes.db", NULL);
  g_autofree char *wal = g_strconcat (db, "-wal", NULL);
  g_autofree char *shm = g_strconcat (db, "-shm", NULL);
  g_autofree char *path = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_cmpint (g_mkdir_with_parents (directory, 0700), ==, 0);
  g_file_set_contents_full (db, "", 0, G_FILE_SET_CONTENTS_NONE, 0644, &error);
  g_assert_no_error (error);

  path = open_store (fixture->client, "notes", "{'remote': <'memory'>}");
  g_free (create_record (fixture->client, path, "notes", "{}"));
  assert_private (db);
  assert_private (wal);
  assert_private (shm);
}

/* Errors tell a (maybe sandboxed) caller nothing of where files are. */
static void
test_errors_hide_paths (Fixture       *fixture,
                        gconstpointer  user_data)
{
  g_autofree char *directory = g_build_filename (g_get_user_data_dir (), "justsync",
                                                 "unsandboxed", NULL);
  g_autofree char *config = g_build_filename (directory, "broken.conf", NULL);
  g_autoptr(GVariant) reply = NULL;
  g_autoptr(GError) error = NULL;

  /* A configuration that cannot be read. */
  g_assert_cmpint (g_mkdir_with_parents (config, 0700), ==, 0);
  reply = call (fixture->client, MANAGER_PATH, MANAGER_IFACE, "OpenStore",
                g_variant_new_parsed ("('broken', @a{sv} {})"), NULL, &error);
  g_assert_null (reply);
  assert_remote_error (error, "org.justsync.Sync1.Error.Storage");
  g_assert_null (strstr (error->message, g_get_user_data_dir ()));
  g_assert_null (strstr (error->message, "/"));
}

static guint
count_fds (GPid pid)
{
  g_autofree char *path = g_strdup_printf ("/proc/%d/fd", (int) pid);
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  guint n = 0;

  g_assert_nonnull (dir);
  while (g_dir_read_name (dir) != NULL)
    n++;
  return n;
}

static GError *
try_open (GDBusConnection *connection,
          const char      *name)
{
  g_autoptr(GVariant) reply = NULL;
  GError *error = NULL;

  reply = call (connection, MANAGER_PATH, MANAGER_IFACE, "OpenStore",
                g_variant_new_parsed ("(%s, {'remote': <'memory'>})", name), NULL, &error);
  return error;
}

/* Opens stores PREFIX0, PREFIX1... until that fails: how many opened. */
static guint
open_until_refused (GDBusConnection  *connection,
                    const char       *prefix,
                    GError          **error)
{
  for (guint i = 0; i < 100; i++)
    {
      g_autofree char *name = g_strdup_printf ("%s%u", prefix, i);

      if ((*error = try_open (connection, name)) != NULL)
        return i;
    }
  g_assert_not_reached ();
}

/* One app opening stores without end reaches its bound, and the others
 * keep theirs; stores nobody uses close, and give their files back. */
static void
test_store_limits (Fixture       *fixture,
                   gconstpointer  user_data)
{
  g_autoptr(GDBusConnection) app_a = NULL;
  g_autoptr(GDBusConnection) app_b = NULL;
  GPid pid = (GPid) atoi (g_subprocess_get_identifier (fixture->daemon));
  guint baseline, i;
  GError *error = NULL;

  fake_identity (fixture, "com.example.AppA");
  app_a = new_connection (fixture);
  /* Once identified: the identification's thread counts too. */
  g_assert_no_error ((error = try_open (app_a, "warm-up")));
  g_dbus_connection_close_sync (app_a, NULL, NULL);
  g_clear_object (&app_a);
  g_usleep (3 * G_USEC_PER_SEC);
  baseline = count_fds (pid);

  app_a = new_connection (fixture);
  g_assert_cmpuint (open_until_refused (app_a, "a", &error), ==, 5);
  assert_remote_error (error, "org.freedesktop.DBus.Error.LimitsExceeded");
  g_assert_nonnull (strstr (error->message, "5"));
  g_clear_error (&error);
  g_assert_cmpuint (count_fds (pid), >, baseline + 5);

  fake_identity (fixture, "com.example.AppB");
  app_b = new_connection (fixture);
  /* Eight in all. */
  g_assert_cmpuint (open_until_refused (app_b, "b", &error), ==, 3);
  assert_remote_error (error, "org.freedesktop.DBus.Error.LimitsExceeded");
  g_clear_error (&error);

  /* Gone clients leave nothing open for long. */
  g_dbus_connection_close_sync (app_a, NULL, NULL);
  g_dbus_connection_close_sync (app_b, NULL, NULL);
  for (i = 0; i < 100 && count_fds (pid) > baseline + 2; i++)
    g_usleep (100 * 1000);
  g_assert_cmpuint (count_fds (pid), <=, baseline + 2);

  /* And the app may open its stores again. */
  g_clear_object (&app_b);
  fake_identity (fixture, "com.example.AppB");
  app_b = new_connection (fixture);
  g_assert_no_error ((error = try_open (app_b, "b0")));
  g_dbus_connection_close_sync (app_b, NULL, NULL);
}

/* Credentials given to the service alone would be lost if it exited. */
static void
test_idle_keeps_credentials (Fixture       *fixture,
                             gconstpointer  user_data)
{
  g_autoptr(GDBusConnection) client = new_connection (fixture);
  g_autofree char *path = NULL;

  path = open_store (client, "remote", "{'remote': <'pocketbase'>, "
                                       "'url': <'http://127.0.0.1:9'>, 'identity': <'me'>, "
                                       "'password': <'secret'>}");
  g_dbus_connection_close_sync (client, NULL, NULL);
  /* The test service's idle timeout is 2 seconds. */
  g_usleep (4 * G_USEC_PER_SEC);
  g_assert_true (name_has_owner (fixture->client));
}

static guint32
daemon_pid (GDBusConnection *connection)
{
  g_autoptr(GVariant) reply = NULL;
  g_autoptr(GError) error = NULL;
  guint32 pid;

  reply = g_dbus_connection_call_sync (connection, "org.freedesktop.DBus", "/org/freedesktop/DBus",
                                       "org.freedesktop.DBus", "GetConnectionUnixProcessID",
                                       g_variant_new ("(s)", BUS_NAME), G_VARIANT_TYPE ("(u)"),
                                       G_DBUS_CALL_FLAGS_NONE, TIMEOUT_MS, NULL, &error);
  g_assert_no_error (error);
  g_variant_get (reply, "(u)", &pid);
  return pid;
}

/* Stops the daemon with @signal_number, then checks that the data is still
 * there when a call on the store path it gave starts a new one. */
static void
restart_daemon (Fixture *fixture,
                int      signal_number)
{
  g_autofree char *path = open_store (fixture->client, "notes", "{'remote': <'memory'>}");
  g_autofree char *id = NULL;
  g_autoptr(JsonArray) records = NULL;
  g_autoptr(JsonNode) record = NULL;
  g_autoptr(GVariant) remote = NULL;
  g_autoptr(GError) error = NULL;
  JsonObject *payload;
  guint32 first_pid, second_pid;

  id = create_record (fixture->client, path, "notes", "{\"survives\": \"restarts\"}");
  g_free (create_record (fixture->client, path, "notes", "{\"and\": \"this too\"}"));

  first_pid = daemon_pid (fixture->client);
  g_assert_cmpint (kill ((pid_t) first_pid, signal_number), ==, 0);
  g_assert_true (wait_for_owner (fixture->client, FALSE));

  /* No OpenStore: the path the client kept is enough. */
  records = query (fixture->client, path, "notes");
  g_assert_cmpuint (json_array_get_length (records), ==, 2);
  second_pid = daemon_pid (fixture->client);
  g_assert_cmpuint (first_pid, !=, second_pid);

  record = call_json (fixture->client, path, "Get",
                      g_variant_new ("(ss@a{sv})", "notes", id, no_options ()),
                      &error);
  g_assert_no_error (error);
  payload = json_object_get_object_member (json_node_get_object (record), "payload");
  g_assert_true (json_object_has_member (payload, "survives"));

  /* The remote was remembered. */
  remote = get_property (fixture->client, path, "Remote");
  g_assert_cmpstr (g_variant_get_string (remote, NULL), ==, "memory");
}

static void
test_restart_term (Fixture       *fixture,
                   gconstpointer  user_data)
{
  restart_daemon (fixture, SIGTERM);
}

static void
test_restart_kill (Fixture       *fixture,
                   gconstpointer  user_data)
{
  restart_daemon (fixture, SIGKILL);
}

/* With no client left, the daemon exits after its idle timeout (2 s in
 * the test service file), and the next call starts it again. */
static void
test_idle_exit (Fixture       *fixture,
                gconstpointer  user_data)
{
  g_autoptr(GDBusConnection) client = new_connection (fixture);
  g_autofree char *path = open_store (client, "notes", "{'remote': <'memory'>}");
  g_autoptr(JsonArray) records = NULL;
  gint64 start;

  g_free (create_record (client, path, "notes", "{\"before\": \"idle\"}"));

  /* While a client is connected, the daemon stays. */
  g_usleep (3 * G_USEC_PER_SEC);
  g_assert_true (name_has_owner (fixture->client));

  g_dbus_connection_close_sync (client, NULL, NULL);
  start = g_get_monotonic_time ();
  g_assert_true (wait_for_owner (fixture->client, FALSE));
  /* It waited for the idle timeout, not less. */
  g_assert_cmpint (g_get_monotonic_time () - start, >=, G_USEC_PER_SEC);

  records = query (fixture->client, path, "notes");
  g_assert_cmpuint (json_array_get_length (records), ==, 1);
  g_assert_true (name_has_owner (fixture->client));
}

static void
test_no_idle_exit (Fixture       *fixture,
                   gconstpointer  user_data)
{
  fixture->daemon = spawn_justsyncd (G_SUBPROCESS_FLAGS_NONE, "--idle-timeout=1",
                                     "--no-idle-exit", NULL);
  g_assert_true (wait_for_owner (fixture->client, TRUE));
  g_usleep (2500 * 1000);
  g_assert_true (name_has_owner (fixture->client));
}

static void
test_replace (Fixture       *fixture,
              gconstpointer  user_data)
{
  g_autoptr(GSubprocess) second = NULL;
  g_autoptr(GSubprocess) third = NULL;
  g_autoptr(GError) error = NULL;
  guint32 first_pid;

  fixture->daemon = spawn_justsyncd (G_SUBPROCESS_FLAGS_NONE, "--no-idle-exit", NULL);
  g_assert_true (wait_for_owner (fixture->client, TRUE));
  first_pid = daemon_pid (fixture->client);

  /* Without --replace, a second instance gives up. */
  second = spawn_justsyncd (G_SUBPROCESS_FLAGS_STDERR_SILENCE, NULL);
  g_subprocess_wait_check (second, NULL, &error);
  g_assert_nonnull (error);
  g_clear_error (&error);

  /* With it, the first one leaves, cleanly. */
  third = spawn_justsyncd (G_SUBPROCESS_FLAGS_NONE, "--replace", "--no-idle-exit", NULL);
  g_subprocess_wait_check (fixture->daemon, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (wait_for_owner (fixture->client, TRUE));
  g_assert_cmpuint (daemon_pid (fixture->client), !=, first_pid);

  g_subprocess_send_signal (third, SIGTERM);
  g_subprocess_wait_check (third, NULL, &error);
  g_assert_no_error (error);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add ("/dbus/crud", Fixture, NULL, setup_activated, test_crud, teardown);
  g_test_add ("/dbus/sync", Fixture, NULL, setup_activated, test_sync, teardown);
  g_test_add ("/dbus/changed-signals", Fixture, NULL, setup_activated, test_changed_signals,
              teardown);
  g_test_add ("/dbus/bad-input", Fixture, NULL, setup_activated, test_bad_input, teardown);
  g_test_add ("/dbus/credentials", Fixture, NULL, setup_activated, test_credentials, teardown);
  g_test_add ("/dbus/http-urls", Fixture, NULL, setup_activated, test_http_urls, teardown);
  g_test_add ("/dbus/private-files", Fixture, NULL, setup_activated, test_private_files,
              teardown);
  g_test_add ("/dbus/errors-hide-paths", Fixture, NULL, setup_activated, test_errors_hide_paths,
              teardown);
  g_test_add ("/dbus/isolation", Fixture, NULL, setup_sandboxes, test_isolation, teardown);
  g_test_add ("/dbus/unidentified-caller", Fixture, NULL, setup_sandboxes,
              test_unidentified_caller, teardown);
  g_test_add ("/dbus/flatpak-info-groups", Fixture, NULL, setup_sandboxes,
              test_flatpak_info_groups, teardown);
  g_test_add ("/dbus/pid-reuse", Fixture, NULL, setup_sandboxes, test_pid_reuse, teardown);
  g_test_add ("/dbus/restart/term", Fixture, NULL, setup_activated, test_restart_term, teardown);
  g_test_add ("/dbus/restart/kill", Fixture, NULL, setup_activated, test_restart_kill, teardown);
  g_test_add ("/dbus/idle-exit", Fixture, NULL, setup_activated, test_idle_exit, teardown);
  g_test_add ("/dbus/no-idle-exit", Fixture, NULL, setup_bare, test_no_idle_exit, teardown);
  g_test_add ("/dbus/idle-keeps-credentials", Fixture, NULL, setup_activated,
              test_idle_keeps_credentials, teardown);
  g_test_add ("/dbus/store-limits", Fixture, NULL, setup_limited, test_store_limits, teardown);
  g_test_add ("/dbus/replace", Fixture, NULL, setup_bare, test_replace, teardown);

  return g_test_run ();
}
