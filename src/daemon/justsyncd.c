/* justsyncd.c: the JustSync D-Bus service
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <errno.h>
#include <locale.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/stat.h>

#include <gio/gio.h>
#include <glib-unix.h>
#include <glib/gi18n.h>

#include "jsd-daemon.h"

#define DEFAULT_IDLE_TIMEOUT 60
#define DEFAULT_STORE_IDLE_TIMEOUT 60
#define DEFAULT_MAX_STORES_PER_APP 64
#define DEFAULT_QUOTA_MIB 1024
#define MAX_STORES 4096

/* File descriptors an open store may need: its database, write-ahead log
 * and shared memory, and a connection to its server. */
#define FDS_PER_STORE 4
/* For the bus, the clients' lookups and the rest. */
#define RESERVED_FDS 64

#define CLOSE_TIMEOUT 10

typedef struct
{
  GMainLoop *loop;
  gboolean name_acquired;
  gboolean name_lost;
  gboolean closed;
  int exit_status;
} Service;

static gboolean
on_quit_signal (gpointer user_data)
{
  Service *service = user_data;

  g_main_loop_quit (service->loop);
  return G_SOURCE_CONTINUE;
}

static void
on_closed (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  Service *service = user_data;

  jsd_daemon_close_finish (JSD_DAEMON (object), result, NULL);
  service->closed = TRUE;
  g_main_loop_quit (service->loop);
}

static gboolean
on_close_timeout (gpointer user_data)
{
  Service *service = user_data;

  g_message ("The stores took more than %d seconds to close", CLOSE_TIMEOUT);
  g_main_loop_quit (service->loop);
  return G_SOURCE_REMOVE;
}

static void
on_idle (JsdDaemon *daemon,
         Service   *service)
{
  g_main_loop_quit (service->loop);
}

static void
on_connection_closed (GDBusConnection *connection,
                      gboolean         remote_peer_vanished,
                      GError          *error,
                      Service         *service)
{
  g_debug ("The bus connection closed: %s", error != NULL ? error->message : "");
  g_main_loop_quit (service->loop);
}

static void
on_name_acquired (GDBusConnection *connection,
                  const char      *name,
                  gpointer         user_data)
{
  Service *service = user_data;

  service->name_acquired = TRUE;
  g_debug ("Serving %s", name);
}

static void
on_name_lost (GDBusConnection *connection,
              const char      *name,
              gpointer         user_data)
{
  Service *service = user_data;

  service->name_lost = TRUE;
  /* Lost after owning it: another instance replaced this one. */
  if (!service->name_acquired)
    {
      g_printerr (_("Could not own the name %s on the session bus: "
                    "another instance may be running (use --replace)\n"), name);
      service->exit_status = EXIT_FAILURE;
    }
  g_main_loop_quit (service->loop);
}

/* Each open store costs a few file descriptors: take all the system
 * allows, as the stores are bounded by it (see jsd-daemon.c). */
static guint
raise_fd_limit (void)
{
  struct rlimit limit;

  if (getrlimit (RLIMIT_NOFILE, &limit) != 0)
    return 1024;
  if (limit.rlim_cur < limit.rlim_max)
    {
      rlim_t wanted = limit.rlim_max;

      limit.rlim_cur = wanted;
      if (setrlimit (RLIMIT_NOFILE, &limit) != 0)
        {
          g_message ("Could not raise the file descriptor limit: %s", g_strerror (errno));
          getrlimit (RLIMIT_NOFILE, &limit);
        }
    }
  return (guint) MIN (limit.rlim_cur, G_MAXUINT);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GDBusConnection) connection = NULL;
  g_autoptr(JsdDaemon) daemon = NULL;
  g_autoptr(GMainLoop) loop = NULL;
  g_autofree char *proc_root = NULL;
  g_autofree char *data_dir = NULL;
  gboolean replace = FALSE, no_idle_exit = FALSE, version = FALSE;
  int idle_timeout = DEFAULT_IDLE_TIMEOUT;
  int store_idle_timeout = DEFAULT_STORE_IDLE_TIMEOUT;
  int max_stores = 0, max_stores_per_app = DEFAULT_MAX_STORES_PER_APP;
  int quota = DEFAULT_QUOTA_MIB;
  JsdDaemonLimits limits;
  guint fd_limit, fd_stores;
  Service service = { 0 };
  GBusNameOwnerFlags flags;
  guint owner_id;
  const GOptionEntry entries[] = {
    { "idle-timeout", 0, 0, G_OPTION_ARG_INT, &idle_timeout,
      N_("Exit after SECONDS without clients or work (default: 60)"), N_("SECONDS") },
    { "no-idle-exit", 0, 0, G_OPTION_ARG_NONE, &no_idle_exit,
      N_("Never exit for being idle"), NULL },
    { "store-idle-timeout", 0, 0, G_OPTION_ARG_INT, &store_idle_timeout,
      N_("Close a store after SECONDS without clients or work (default: 60)"), N_("SECONDS") },
    { "max-stores", 0, 0, G_OPTION_ARG_INT, &max_stores,
      N_("Keep at most N stores open (default: as many as the file descriptor limit allows, "
         "up to 4096)"), N_("N") },
    { "max-stores-per-app", 0, 0, G_OPTION_ARG_INT, &max_stores_per_app,
      N_("Keep at most N stores of one application open (default: 64)"), N_("N") },
    { "quota", 0, 0, G_OPTION_ARG_INT, &quota,
      N_("Let one application's stores use at most MIB mebibytes of disk; 0: no quota "
         "(default: 1024)"), N_("MIB") },
    { "replace", 'r', 0, G_OPTION_ARG_NONE, &replace,
      N_("Replace the running instance"), NULL },
    /* For tests: a directory laid out like /proc, to fake callers. */
    { "proc-path", 0, G_OPTION_FLAG_HIDDEN, G_OPTION_ARG_FILENAME, &proc_root, NULL, NULL },
    { "version", 0, 0, G_OPTION_ARG_NONE, &version,
      N_("Show the version and exit"), NULL },
    { NULL }
  };

  setlocale (LC_ALL, "");
  /* The library, loaded with us, has bound the catalog we share. */
  textdomain (GETTEXT_PACKAGE);

  context = g_option_context_new (NULL);
  g_option_context_set_summary (context, _("The JustSync D-Bus service, org.justsync.Sync1"));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("%s\n", error->message);
      return 2;
    }
  if (version)
    {
      g_print ("justsyncd %s\n", PACKAGE_VERSION);
      return EXIT_SUCCESS;
    }
  if (idle_timeout < 0 || store_idle_timeout < 0)
    {
      g_printerr (_("The idle timeouts must not be negative\n"));
      return 2;
    }
  if (max_stores < 0 || max_stores_per_app <= 0)
    {
      g_printerr (_("The store limits must be positive\n"));
      return 2;
    }
  if (quota < 0)
    {
      g_printerr (_("The quota must not be negative\n"));
      return 2;
    }

  /* The stores hold the user's data: only the user may read their files. */
  umask (077);
  fd_limit = raise_fd_limit ();
  fd_stores = fd_limit > RESERVED_FDS ? (fd_limit - RESERVED_FDS) / FDS_PER_STORE : 1;
  limits.idle_timeout = no_idle_exit ? 0 : idle_timeout;
  limits.store_idle_timeout = store_idle_timeout;
  limits.max_stores = MIN (max_stores > 0 ? (guint) max_stores : MAX_STORES, MAX (fd_stores, 1));
  limits.max_stores_per_app = MIN ((guint) max_stores_per_app, limits.max_stores);
  limits.quota_per_app = (guint64) quota * 1024 * 1024;

  connection = g_bus_get_sync (G_BUS_TYPE_SESSION, NULL, &error);
  if (connection == NULL)
    {
      g_printerr (_("Could not connect to the session bus: %s\n"), error->message);
      return EXIT_FAILURE;
    }
  /* Leave the main loop, rather than be killed, so stores close cleanly. */
  g_dbus_connection_set_exit_on_close (connection, FALSE);

  loop = g_main_loop_new (NULL, FALSE);
  service.loop = loop;
  g_signal_connect (connection, "closed", G_CALLBACK (on_connection_closed), &service);

  data_dir = g_build_filename (g_get_user_data_dir (), "justsync", NULL);
  daemon = jsd_daemon_new (connection, data_dir, proc_root != NULL ? proc_root : "/proc",
                           &limits, &error);
  if (daemon == NULL)
    {
      g_printerr (_("Could not export the service: %s\n"), error->message);
      return EXIT_FAILURE;
    }
  g_signal_connect (daemon, "idle", G_CALLBACK (on_idle), &service);

  /* Whoever sees the name may stop the service: it closes its stores
   * cleanly from then on. */
  g_unix_signal_add (SIGTERM, on_quit_signal, &service);
  g_unix_signal_add (SIGINT, on_quit_signal, &service);
  g_unix_signal_add (SIGHUP, on_quit_signal, &service);

  /* The objects exist before the name, so that no call finds them missing. */
  flags = G_BUS_NAME_OWNER_FLAGS_ALLOW_REPLACEMENT | G_BUS_NAME_OWNER_FLAGS_DO_NOT_QUEUE;
  if (replace)
    flags |= G_BUS_NAME_OWNER_FLAGS_REPLACE;
  owner_id = g_bus_own_name_on_connection (connection, JSD_BUS_NAME, flags,
                                           on_name_acquired, on_name_lost, &service, NULL);

  g_main_loop_run (loop);

  /* Let the bus start a new instance for the next call while this one
   * closes its stores. A name lost already needs no release (GLib would
   * warn that it is not the owner). */
  if (!service.name_lost)
    g_bus_unown_name (owner_id);
  jsd_daemon_close_async (daemon, on_closed, &service);
  if (!service.closed)
    {
      g_timeout_add_seconds (CLOSE_TIMEOUT, on_close_timeout, &service);
      g_main_loop_run (loop);
    }
  g_dbus_connection_flush_sync (connection, NULL, NULL);

  return service.exit_status;
}
