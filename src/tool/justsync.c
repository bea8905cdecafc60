/* justsync.c: the JustSync command-line tool
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <locale.h>
#include <string.h>

#include <glib/gi18n.h>
#include <justsync/justsync.h>

#include "jst-tool.h"
#include "justsync-json-private.h"

#define DEFAULT_STORE "default"

static const JstCommand commands[] = {
  { "demo", "", N_("Show offline writes and a sync, with no service and no server"),
    jst_command_demo },
  { "open", "", N_("Open the store, and set up its remote"), jst_command_open },
  { "query", N_("SCOPE"), N_("List the records of a scope"), jst_command_query },
  { "get", N_("SCOPE ID"), N_("Show one record"), jst_command_get },
  { "create", N_("SCOPE JSON"), N_("Create a record (JSON “-” reads standard input)"),
    jst_command_create },
  { "update", N_("SCOPE ID JSON"), N_("Replace the content of a record"), jst_command_update },
  { "patch", N_("SCOPE ID JSON"), N_("Set the fields of JSON in a record and keep the others"),
    jst_command_patch },
  { "delete", N_("SCOPE ID"), N_("Delete a record"), jst_command_delete },
  { "sync", N_("SCOPE"), N_("Synchronize a scope with the remote now"), jst_command_sync },
  { "status", "", N_("Show the state of the store"), jst_command_status },
  { "watch", "", N_("Print changes and synchronizations as they happen"), jst_command_watch },
  { "pending", N_("SCOPE"), N_("List the changes not on the server yet"), jst_command_pending },
};

static const char *
exit_codes_help (void)
{
  return _("Exit status:\n"
           "  0  success\n"
           "  1  failure\n"
           "  2  bad command line\n"
           "  3  invalid input (a scope, id or JSON document)\n"
           "  4  no such record or store\n"
           "  5  offline, or the server cannot be reached or failed: try again later\n"
           "  6  the server refused the credentials\n"
           "  7  the server rejected the change, or it conflicts\n"
           "  8  access denied\n"
           "  9  the JustSync service cannot be reached");
}

static void
add_global_entries (GOptionContext *context,
                    JstGlobals     *globals,
                    gboolean        main_group)
{
  const GOptionEntry entries[] = {
    { "app-id", 'a', 0, G_OPTION_ARG_STRING, &globals->app_id,
      N_("Act for the application ID (callers outside a sandbox only)"), N_("ID") },
    { "store", 's', 0, G_OPTION_ARG_STRING, &globals->store_name,
      N_("Use the store NAME (default: “default”)"), N_("NAME") },
    { "json", 'j', 0, G_OPTION_ARG_NONE, &globals->json,
      N_("Print JSON for scripts"), NULL },
    { NULL }
  };

  if (main_group)
    {
      g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
    }
  else
    {
      GOptionGroup *group = g_option_group_new ("global", _("Global options:"),
                                                _("Show the global options"), NULL, NULL);

      g_option_group_add_entries (group, entries);
      g_option_group_set_translation_domain (group, GETTEXT_PACKAGE);
      g_option_context_add_group (context, group);
    }
}

GOptionContext *
jst_option_context_new (JstGlobals         *globals,
                        const JstCommand   *command,
                        const GOptionEntry *entries)
{
  g_autofree char *parameters = g_strdup_printf ("%s %s", command->name, _(command->parameters));
  GOptionContext *context = g_option_context_new (parameters);

  g_option_context_set_translation_domain (context, GETTEXT_PACKAGE);
  g_option_context_set_summary (context, _(command->summary));
  g_option_context_set_description (context, exit_codes_help ());
  if (entries != NULL)
    g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  add_global_entries (context, globals, FALSE);
  return context;
}

/* Parses a command's arguments: JST_EXIT_OK, or JST_EXIT_USAGE after
 * saying what is wrong. On success argv[1..argc-1] are the command's
 * positional arguments. */
int
jst_parse_args (GOptionContext   *context,
                int              *argc,
                char           ***argv,
                int               min_args,
                int               max_args)
{
  g_autoptr(GError) error = NULL;
  int n_args;

  if (!g_option_context_parse (context, argc, argv, &error))
    {
      g_printerr ("justsync: %s\n", error->message);
      g_printerr (_("Try “justsync %s --help”.\n"), (*argv)[0]);
      return JST_EXIT_USAGE;
    }

  n_args = *argc - 1;
  if (n_args < min_args || n_args > max_args)
    {
      g_autofree char *help = g_option_context_get_help (context, TRUE, NULL);

      g_printerr ("%s", help);
      return JST_EXIT_USAGE;
    }
  return JST_EXIT_OK;
}

static JstExit
exit_code_for_error (const GError *error)
{
  if (error->domain == JUST_SYNC_ERROR)
    {
      switch ((JustSyncError) error->code)
        {
        case JUST_SYNC_ERROR_INVALID_ARGUMENT:
          return JST_EXIT_INVALID;
        case JUST_SYNC_ERROR_NOT_FOUND:
          return JST_EXIT_NOT_FOUND;
        case JUST_SYNC_ERROR_NETWORK:
        case JUST_SYNC_ERROR_SERVER:
        case JUST_SYNC_ERROR_OFFLINE:
        case JUST_SYNC_ERROR_PROTOCOL:
          return JST_EXIT_UNAVAILABLE;
        case JUST_SYNC_ERROR_AUTH:
          return JST_EXIT_AUTH;
        case JUST_SYNC_ERROR_REJECTED:
        case JUST_SYNC_ERROR_CONFLICT:
          return JST_EXIT_REJECTED;
        case JUST_SYNC_ERROR_FAILED:
        case JUST_SYNC_ERROR_STORAGE:
        default:
          return JST_EXIT_FAILED;
        }
    }

  if (error->domain == G_DBUS_ERROR)
    {
      /* GDBusError has too many codes for a switch. */
      static const struct {
        GDBusError code;
        JstExit status;
      } dbus_exits[] = {
        { G_DBUS_ERROR_ACCESS_DENIED, JST_EXIT_DENIED },
        { G_DBUS_ERROR_AUTH_FAILED, JST_EXIT_DENIED },
        { G_DBUS_ERROR_UNKNOWN_OBJECT, JST_EXIT_NOT_FOUND },
        { G_DBUS_ERROR_INVALID_ARGS, JST_EXIT_INVALID },
        { G_DBUS_ERROR_SERVICE_UNKNOWN, JST_EXIT_NO_SERVICE },
        { G_DBUS_ERROR_NAME_HAS_NO_OWNER, JST_EXIT_NO_SERVICE },
        { G_DBUS_ERROR_NO_REPLY, JST_EXIT_NO_SERVICE },
        { G_DBUS_ERROR_NO_SERVER, JST_EXIT_NO_SERVICE },
        { G_DBUS_ERROR_DISCONNECTED, JST_EXIT_NO_SERVICE },
        { G_DBUS_ERROR_TIMEOUT, JST_EXIT_NO_SERVICE },
        { G_DBUS_ERROR_TIMED_OUT, JST_EXIT_NO_SERVICE },
        { G_DBUS_ERROR_SPAWN_EXEC_FAILED, JST_EXIT_NO_SERVICE },
        { G_DBUS_ERROR_SPAWN_CHILD_EXITED, JST_EXIT_NO_SERVICE },
        { G_DBUS_ERROR_SPAWN_CHILD_SIGNALED, JST_EXIT_NO_SERVICE },
        { G_DBUS_ERROR_SPAWN_FAILED, JST_EXIT_NO_SERVICE },
        { G_DBUS_ERROR_SPAWN_SERVICE_NOT_FOUND, JST_EXIT_NO_SERVICE },
      };

      for (guint i = 0; i < G_N_ELEMENTS (dbus_exits); i++)
        if (error->code == (int) dbus_exits[i].code)
          return dbus_exits[i].status;
    }

  return JST_EXIT_FAILED;
}

/* Says what went wrong and returns the exit status for it. */
int
jst_fail (const GError *error)
{
  g_autoptr(GError) copy = g_error_copy (error);

  g_dbus_error_strip_remote_error (copy);
  g_printerr ("justsync: %s\n", copy->message);
  return exit_code_for_error (error);
}

void
jst_print_json (JsonNode *node,
                gboolean  pretty)
{
  g_autofree char *text = json_to_string (node, pretty);

  g_print ("%s\n", text);
}

JsonNode *
jst_parse_json (const char  *text,
                GError     **error)
{
  g_autoptr(GError) local_error = NULL;
  JsonNode *node;

  /* The service's replies: records inside a list or a page. */
  if ((node = _just_sync_json_parse (text, -1, JUST_SYNC_JSON_MAX_ENVELOPE_DEPTH, &local_error)) == NULL)
    {
      g_set_error (error, JUST_SYNC_ERROR, JUST_SYNC_ERROR_FAILED,
                   _("The service sent invalid JSON: %s"), local_error->message);
      return NULL;
    }
  return node;
}

/* Opens the store of the command line through the service, which the bus
 * starts when needed. @options: (nullable): more OpenStore() options. */
_JustSyncGenStore *
jst_open_store (JstGlobals  *globals,
                GVariant    *options,
                GError     **error)
{
  g_autoptr(GDBusConnection) connection = NULL;
  g_autoptr(_JustSyncGenManager) manager = NULL;
  g_autoptr(GVariant) sunk = options != NULL ? g_variant_ref_sink (options) : NULL;
  g_autoptr(GError) local_error = NULL;
  g_autofree char *path = NULL;
  GVariantDict dict;

  if ((connection = g_bus_get_sync (G_BUS_TYPE_SESSION, NULL, &local_error)) == NULL)
    {
      /* No session bus is as bad as no service. */
      g_set_error (error, G_DBUS_ERROR, G_DBUS_ERROR_NO_SERVER,
                   _("Could not reach the session bus: %s"), local_error->message);
      return NULL;
    }

  manager = _just_sync_gen_manager_proxy_new_sync (connection,
                                                   G_DBUS_PROXY_FLAGS_DO_NOT_LOAD_PROPERTIES,
                                                   "org.justsync.Sync1", "/org/justsync/Sync1",
                                                   NULL, error);
  if (manager == NULL)
    return NULL;

  g_variant_dict_init (&dict, sunk);
  if (globals->app_id != NULL)
    g_variant_dict_insert (&dict, "app-id", "s", globals->app_id);
  if (!_just_sync_gen_manager_call_open_store_sync (manager,
                                                    globals->store_name != NULL
                                                    ? globals->store_name : DEFAULT_STORE,
                                                    g_variant_dict_end (&dict),
                                                    &path, NULL, &local_error))
    {
      /* Said in the tool's words rather than the service's options. */
      if (g_error_matches (local_error, JUST_SYNC_ERROR, JUST_SYNC_ERROR_NOT_FOUND))
        g_set_error (error, JUST_SYNC_ERROR, JUST_SYNC_ERROR_NOT_FOUND,
                     _("The store “%s” does not exist: create it with "
                       "“justsync open --remote KIND”"),
                     globals->store_name != NULL ? globals->store_name : DEFAULT_STORE);
      else
        g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }

  return _just_sync_gen_store_proxy_new_sync (connection, G_DBUS_PROXY_FLAGS_NONE,
                                              "org.justsync.Sync1", path, NULL, error);
}

static char *
main_help_description (void)
{
  GString *description = g_string_new (_("Commands:\n"));

  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    g_string_append_printf (description, "  %-9s %s\n", commands[i].name, _(commands[i].summary));
  g_string_append_printf (description, "\n%s\n\n%s", _("Run “justsync COMMAND --help” for the "
                                                       "options of a command."),
                          exit_codes_help ());
  return g_string_free (description, FALSE);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *description = NULL;
  JstGlobals globals = { 0 };
  gboolean version = FALSE;
  const GOptionEntry entries[] = {
    { "version", 0, 0, G_OPTION_ARG_NONE, &version, N_("Show the version and exit"), NULL },
    { NULL }
  };
  int status = JST_EXIT_USAGE;

  setlocale (LC_ALL, "");
  /* The library, loaded with us, has bound the catalog we share. */
  textdomain (GETTEXT_PACKAGE);
  g_set_prgname ("justsync");

  /* Maps org.justsync.Sync1.Error.* replies back to JustSync errors. */
  just_sync_error_quark ();

  context = g_option_context_new (_("COMMAND [ARGUMENT…]"));
  g_option_context_set_translation_domain (context, GETTEXT_PACKAGE);
  g_option_context_set_summary (context, _("Read, write and synchronize JustSync stores."));
  description = main_help_description ();
  g_option_context_set_description (context, description);
  /* Stop at the command: the rest are its options. */
  g_option_context_set_strict_posix (context, TRUE);
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  add_global_entries (context, &globals, TRUE);

  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("justsync: %s\n", error->message);
      g_printerr (_("Try “justsync --help”.\n"));
      goto out;
    }

  if (version)
    {
      g_print ("justsync %s\n", PACKAGE_VERSION);
      status = JST_EXIT_OK;
      goto out;
    }

  if (argc < 2)
    {
      g_autofree char *help = g_option_context_get_help (context, TRUE, NULL);

      g_printerr ("%s", help);
      goto out;
    }

  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    if (strcmp (argv[1], commands[i].name) == 0)
      {
        /* The command parses its own arguments, with itself as argv[0]. */
        status = commands[i].run (&commands[i], &globals, argc - 1, argv + 1);
        goto out;
      }

  g_printerr (_("justsync: unknown command “%s”\n"), argv[1]);
  g_printerr (_("Try “justsync --help”.\n"));

out:
  g_free (globals.app_id);
  g_free (globals.store_name);
  return status;
}
