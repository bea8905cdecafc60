/* jst-commands.c: the justsync commands that talk to the service
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <glib/gi18n.h>
#include <justsync/justsync.h>

#include "jst-tool.h"

/* Parses the command line of a command that works on the store and opens
 * the store; %NULL with the exit status in @out_status on failure. */
static _JustSyncGenStore *
parse_and_open (const JstCommand    *command,
                JstGlobals          *globals,
                int                 *argc,
                char              ***argv,
                const GOptionEntry  *entries,
                int                  n_args,
                int                 *out_status)
{
  g_autoptr(GOptionContext) context = jst_option_context_new (globals, command, entries);
  g_autoptr(GError) error = NULL;
  _JustSyncGenStore *store;

  if ((*out_status = jst_parse_args (context, argc, argv, n_args, n_args)) != JST_EXIT_OK)
    return NULL;

  if ((store = jst_open_store (globals, NULL, &error)) == NULL)
    *out_status = jst_fail (error);
  return store;
}

static int
print_json_text (JstGlobals *globals,
                 const char *json)
{
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(GError) error = NULL;

  if ((node = jst_parse_json (json, &error)) == NULL)
    return jst_fail (error);
  jst_print_json (node, !globals->json);
  return JST_EXIT_OK;
}

/* A JSON argument, or standard input for "-". */
static char *
read_json_argument (const char  *argument,
                    GError     **error)
{
  GString *text;
  char buffer[4096];
  size_t n;

  if (strcmp (argument, "-") != 0)
    return g_strdup (argument);

  text = g_string_new (NULL);
  while ((n = fread (buffer, 1, sizeof buffer, stdin)) > 0)
    g_string_append_len (text, buffer, n);
  if (ferror (stdin))
    {
      g_set_error_literal (error, JUST_SYNC_ERROR, JUST_SYNC_ERROR_FAILED,
                           _("Could not read standard input"));
      g_string_free (text, TRUE);
      return NULL;
    }
  return g_string_free (text, FALSE);
}

/* A secret from the first line of standard input, so that it never shows
 * in the process list or the shell history. */
static char *
read_secret (GError **error)
{
  g_autofree char *line = NULL;
  size_t size = 0;
  ssize_t length;

  if (isatty (STDIN_FILENO))
    g_printerr (_("Secret: "));
  length = getline (&line, &size, stdin);
  if (length <= 0)
    {
      g_set_error_literal (error, JUST_SYNC_ERROR, JUST_SYNC_ERROR_INVALID_ARGUMENT,
                           _("Expected the secret on standard input"));
      return NULL;
    }
  if (line[length - 1] == '\n')
    line[length - 1] = '\0';
  return g_steal_pointer (&line);
}

static void
print_properties (JstGlobals        *globals,
                  _JustSyncGenStore *store)
{
  g_autoptr(GDateTime) last_sync = NULL;
  g_autofree char *last_sync_text = NULL;
  gint64 last_sync_usec = _just_sync_gen_store_get_last_sync (store);
  const char *last_error = _just_sync_gen_store_get_last_error (store);

  if (globals->json)
    {
      g_autoptr(JsonBuilder) builder = json_builder_new ();
      g_autoptr(JsonNode) root = NULL;

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "object-path");
      json_builder_add_string_value (builder,
                                     g_dbus_proxy_get_object_path (G_DBUS_PROXY (store)));
      json_builder_set_member_name (builder, "name");
      json_builder_add_string_value (builder, _just_sync_gen_store_get_name (store));
      json_builder_set_member_name (builder, "app-id");
      json_builder_add_string_value (builder, _just_sync_gen_store_get_app_id (store));
      json_builder_set_member_name (builder, "remote");
      json_builder_add_string_value (builder, _just_sync_gen_store_get_remote (store));
      json_builder_set_member_name (builder, "state");
      json_builder_add_string_value (builder, _just_sync_gen_store_get_state (store));
      json_builder_set_member_name (builder, "pending");
      json_builder_add_int_value (builder, _just_sync_gen_store_get_pending_count (store));
      json_builder_set_member_name (builder, "failed");
      json_builder_add_int_value (builder, _just_sync_gen_store_get_failed_count (store));
      json_builder_set_member_name (builder, "last-error");
      json_builder_add_string_value (builder, last_error);
      json_builder_set_member_name (builder, "last-sync");
      json_builder_add_int_value (builder, last_sync_usec);
      json_builder_end_object (builder);
      root = json_builder_get_root (builder);
      jst_print_json (root, FALSE);
      return;
    }

  if (last_sync_usec > 0 &&
      (last_sync = g_date_time_new_from_unix_local (last_sync_usec / G_USEC_PER_SEC)) != NULL)
    last_sync_text = g_date_time_format (last_sync, "%c");

  g_print (_("Store:    %s of %s\n"), _just_sync_gen_store_get_name (store),
           _just_sync_gen_store_get_app_id (store));
  g_print (_("Remote:   %s\n"), _just_sync_gen_store_get_remote (store));
  g_print (_("State:    %s\n"), _just_sync_gen_store_get_state (store));
  g_print (_("Pending:  %u\n"), _just_sync_gen_store_get_pending_count (store));
  g_print (_("Failed:   %u\n"), _just_sync_gen_store_get_failed_count (store));
  g_print (_("Synced:   %s\n"), last_sync_text != NULL ? last_sync_text : _("never"));
  if (last_error != NULL && last_error[0] != '\0')
    g_print (_("Error:    %s\n"), last_error);
}

/* Adds SCOPE=NAME arguments to @map; %FALSE (said) for one without "=". */
static gboolean
add_scope_map (GVariantBuilder  *map,
               const char       *option,
               const char       *form,
               char            **arguments)
{
  for (guint i = 0; arguments != NULL && arguments[i] != NULL; i++)
    {
      char *equals = strchr (arguments[i], '=');

      if (equals == NULL)
        {
          g_printerr (_("justsync: %s takes %s, not “%s”\n"), option, form, arguments[i]);
          return FALSE;
        }
      *equals = '\0';
      g_variant_builder_add (map, "{ss}", arguments[i], equals + 1);
    }
  return TRUE;
}

int
jst_command_open (const JstCommand  *command,
                  JstGlobals        *globals,
                  int                argc,
                  char             **argv)
{
  g_autofree char *remote = NULL, *url = NULL, *auth_collection = NULL, *identity = NULL;
  g_autofree char *soft_delete_field = NULL, *api_key = NULL, *project = NULL, *database = NULL;
  g_auto(GStrv) collections = NULL;
  g_auto(GStrv) tables = NULL;
  gboolean password_stdin = FALSE, token_stdin = FALSE, remember = FALSE;
  gboolean offline = FALSE, online = FALSE, allow_insecure_http = FALSE;
  const GOptionEntry entries[] = {
    { "remote", 0, 0, G_OPTION_ARG_STRING, &remote,
      N_("Synchronize with a remote of KIND: memory, pocketbase, supabase or appwrite "
         "(KIND:URL sets --url too)"), N_("KIND[:URL]") },
    { "url", 0, 0, G_OPTION_ARG_STRING, &url, N_("The URL of the server"), N_("URL") },
    { "allow-insecure-http", 0, 0, G_OPTION_ARG_NONE, &allow_insecure_http,
      N_("Allow a plain http URL to another machine"), NULL },
    { "collection", 0, 0, G_OPTION_ARG_STRING_ARRAY, &collections,
      N_("Keep the scope SCOPE in the server's collection COLLECTION (repeatable)"),
      N_("SCOPE=COLLECTION") },
    { "table", 0, 0, G_OPTION_ARG_STRING_ARRAY, &tables,
      N_("Keep the scope SCOPE in the table TABLE of a supabase remote (repeatable)"),
      N_("SCOPE=TABLE") },
    { "api-key", 0, 0, G_OPTION_ARG_STRING, &api_key,
      N_("The project's API key (the public anon key) of a supabase remote"), N_("KEY") },
    { "project", 0, 0, G_OPTION_ARG_STRING, &project,
      N_("The project id of an appwrite remote"), N_("ID") },
    { "database", 0, 0, G_OPTION_ARG_STRING, &database,
      N_("The database id of an appwrite remote"), N_("ID") },
    { "soft-delete-field", 0, 0, G_OPTION_ARG_STRING, &soft_delete_field,
      N_("The server's field that marks deleted records"), N_("FIELD") },
    { "auth-collection", 0, 0, G_OPTION_ARG_STRING, &auth_collection,
      N_("The collection to log in to"), N_("COLLECTION") },
    { "identity", 0, 0, G_OPTION_ARG_STRING, &identity,
      N_("The user to log in as"), N_("USER") },
    { "password-stdin", 0, 0, G_OPTION_ARG_NONE, &password_stdin,
      N_("Read the password from standard input"), NULL },
    { "token-stdin", 0, 0, G_OPTION_ARG_NONE, &token_stdin,
      N_("Read an authentication token from standard input"), NULL },
    { "remember", 0, 0, G_OPTION_ARG_NONE, &remember,
      N_("Keep the credentials in the keyring"), NULL },
    { "offline", 0, 0, G_OPTION_ARG_NONE, &offline,
      N_("Make a memory remote unreachable, to try offline work"), NULL },
    { "online", 0, 0, G_OPTION_ARG_NONE, &online,
      N_("Make a memory remote reachable again"), NULL },
    { NULL }
  };
  g_autoptr(GOptionContext) context = jst_option_context_new (globals, command, entries);
  g_autoptr(_JustSyncGenStore) store = NULL;
  g_autoptr(GError) error = NULL;
  GVariantBuilder options;
  int status;

  if ((status = jst_parse_args (context, &argc, &argv, 0, 0)) != JST_EXIT_OK)
    return status;
  if ((password_stdin && token_stdin) || (offline && online))
    {
      g_printerr (_("justsync: --password-stdin and --token-stdin, and --offline and "
                    "--online, exclude each other\n"));
      return JST_EXIT_USAGE;
    }

  /* --remote supabase:https://… (or appwrite:https://…/v1) names the kind
   * and the URL at once. */
  if (remote != NULL && strchr (remote, ':') != NULL)
    {
      char *colon = strchr (remote, ':');

      if (url != NULL)
        {
          g_printerr (_("justsync: --remote KIND:URL and --url exclude each other\n"));
          return JST_EXIT_USAGE;
        }
      url = g_strdup (colon + 1);
      *colon = '\0';
    }

  g_variant_builder_init (&options, G_VARIANT_TYPE_VARDICT);
#define ADD_STRING(key, value) \
  if (value != NULL) \
    g_variant_builder_add (&options, "{sv}", key, g_variant_new_string (value))
  ADD_STRING ("remote", remote);
  ADD_STRING ("url", url);
  ADD_STRING ("auth-collection", auth_collection);
  ADD_STRING ("identity", identity);
  ADD_STRING ("soft-delete-field", soft_delete_field);
  ADD_STRING ("api-key", api_key);
  ADD_STRING ("project", project);
  ADD_STRING ("database", database);
#undef ADD_STRING

  /* Collections (PocketBase) and tables (Supabase) are one map of scope
   * names to the server's names. */
  if (collections != NULL || tables != NULL)
    {
      GVariantBuilder map;

      g_variant_builder_init (&map, G_VARIANT_TYPE ("a{ss}"));
      if (!add_scope_map (&map, "--collection", "SCOPE=COLLECTION", collections) ||
          !add_scope_map (&map, "--table", "SCOPE=TABLE", tables))
        {
          g_variant_builder_clear (&map);
          g_variant_builder_clear (&options);
          return JST_EXIT_USAGE;
        }
      g_variant_builder_add (&options, "{sv}", "collections", g_variant_builder_end (&map));
    }

  if (password_stdin || token_stdin)
    {
      g_autofree char *secret = read_secret (&error);

      if (secret == NULL)
        {
          g_variant_builder_clear (&options);
          return jst_fail (error);
        }
      g_variant_builder_add (&options, "{sv}", password_stdin ? "password" : "token",
                             g_variant_new_string (secret));
      explicit_bzero (secret, strlen (secret));
    }
  if (remember)
    g_variant_builder_add (&options, "{sv}", "remember-credentials", g_variant_new_boolean (TRUE));
  if (allow_insecure_http)
    g_variant_builder_add (&options, "{sv}", "allow-insecure-http", g_variant_new_boolean (TRUE));
  if (offline || online)
    g_variant_builder_add (&options, "{sv}", "offline", g_variant_new_boolean (offline));

  if ((store = jst_open_store (globals, g_variant_builder_end (&options), &error)) == NULL)
    return jst_fail (error);

  print_properties (globals, store);
  return JST_EXIT_OK;
}

int
jst_command_status (const JstCommand  *command,
                    JstGlobals        *globals,
                    int                argc,
                    char             **argv)
{
  g_autoptr(_JustSyncGenStore) store = NULL;
  int status;

  if ((store = parse_and_open (command, globals, &argc, &argv, NULL, 0, &status)) == NULL)
    return status;

  print_properties (globals, store);
  return JST_EXIT_OK;
}

static void
print_records_human (JsonArray *records,
                     guint      total,
                     gboolean   from_cache)
{
  for (guint i = 0; i < json_array_get_length (records); i++)
    {
      JsonObject *record = json_array_get_object_element (records, i);
      g_autofree char *payload = NULL;

      if (record == NULL || !json_object_has_member (record, "payload"))
        continue;
      payload = json_to_string (json_object_get_member (record, "payload"), FALSE);
      g_print ("%s\t%s\n", json_object_get_string_member_with_default (record, "id", ""), payload);
    }

  g_print (g_dngettext (GETTEXT_PACKAGE, "%u record", "%u records", total), total);
  if (json_array_get_length (records) != total)
    g_print (_(", %u shown"), json_array_get_length (records));
  g_print ("%s\n", from_cache ? _(" (from the local store)") : "");
}

static const char * const policies[] = {
  "offline-only", "local-first", "remote-first", "online-only", NULL
};

int
jst_command_query (const JstCommand  *command,
                   JstGlobals        *globals,
                   int                argc,
                   char             **argv)
{
  g_autofree char *policy = NULL;
  int offset = 0, limit = 0;
  const GOptionEntry entries[] = {
    { "policy", 'p', 0, G_OPTION_ARG_STRING, &policy,
      N_("offline-only (default), local-first, remote-first or online-only"), N_("POLICY") },
    { "offset", 0, 0, G_OPTION_ARG_INT, &offset, N_("Skip the first N records"), N_("N") },
    { "limit", 0, 0, G_OPTION_ARG_INT, &limit, N_("Show at most N records"), N_("N") },
    { NULL }
  };
  g_autoptr(_JustSyncGenStore) store = NULL;
  g_autoptr(GVariant) results = NULL;
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *json = NULL;
  GVariantBuilder options;
  gboolean from_cache = FALSE;
  guint total = 0;
  int status;

  if ((store = parse_and_open (command, globals, &argc, &argv, entries, 1, &status)) == NULL)
    return status;
  if (offset < 0 || limit < 0)
    {
      g_printerr (_("justsync: --offset and --limit must not be negative\n"));
      return JST_EXIT_USAGE;
    }
  if (policy != NULL && !g_strv_contains (policies, policy))
    {
      g_printerr (_("justsync: --policy takes offline-only, local-first, remote-first or "
                    "online-only, not “%s”\n"), policy);
      return JST_EXIT_USAGE;
    }

  g_variant_builder_init (&options, G_VARIANT_TYPE_VARDICT);
  g_variant_builder_add (&options, "{sv}", "offset", g_variant_new_uint32 (offset));
  g_variant_builder_add (&options, "{sv}", "limit", g_variant_new_uint32 (limit));
  /* Remote-first reads synchronize first, which can take a while. */
  g_dbus_proxy_set_default_timeout (G_DBUS_PROXY (store), G_MAXINT);
  if (!_just_sync_gen_store_call_query_sync (store, argv[1],
                                             policy != NULL ? policy : "offline-only",
                                             g_variant_builder_end (&options),
                                             &json, &results, NULL, &error) ||
      (node = jst_parse_json (json, &error)) == NULL)
    return jst_fail (error);

  g_variant_lookup (results, "from-cache", "b", &from_cache);
  g_variant_lookup (results, "total", "u", &total);

  if (globals->json)
    {
      g_autoptr(JsonNode) root = json_node_new (JSON_NODE_OBJECT);
      JsonObject *object = json_object_new ();

      json_object_set_member (object, "records", g_steal_pointer (&node));
      json_object_set_int_member (object, "total", total);
      json_object_set_boolean_member (object, "from-cache", from_cache);
      json_node_take_object (root, object);
      jst_print_json (root, FALSE);
    }
  else if (JSON_NODE_HOLDS_ARRAY (node))
    {
      print_records_human (json_node_get_array (node), total, from_cache);
    }
  return JST_EXIT_OK;
}

int
jst_command_get (const JstCommand  *command,
                 JstGlobals        *globals,
                 int                argc,
                 char             **argv)
{
  g_autoptr(_JustSyncGenStore) store = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *record = NULL;
  int status;

  if ((store = parse_and_open (command, globals, &argc, &argv, NULL, 2, &status)) == NULL)
    return status;

  if (!_just_sync_gen_store_call_get_sync (store, argv[1], argv[2],
                                           g_variant_new ("a{sv}", NULL),
                                           &record, NULL, &error))
    return jst_fail (error);
  return print_json_text (globals, record);
}

/* Like parse_and_open(), for a command whose last argument is a JSON
 * payload, which it reads into @out_payload. */
static _JustSyncGenStore *
parse_open_and_read (const JstCommand    *command,
                     JstGlobals          *globals,
                     int                 *argc,
                     char              ***argv,
                     const GOptionEntry  *entries,
                     int                  n_args,
                     char               **out_payload,
                     int                 *out_status)
{
  g_autoptr(_JustSyncGenStore) store = NULL;
  g_autoptr(GError) error = NULL;

  if ((store = parse_and_open (command, globals, argc, argv, entries, n_args, out_status)) == NULL)
    return NULL;
  if ((*out_payload = read_json_argument ((*argv)[n_args], &error)) == NULL)
    {
      *out_status = jst_fail (error);
      return NULL;
    }
  return g_steal_pointer (&store);
}

int
jst_command_create (const JstCommand  *command,
                    JstGlobals        *globals,
                    int                argc,
                    char             **argv)
{
  g_autofree char *id = NULL;
  const GOptionEntry entries[] = {
    { "id", 0, 0, G_OPTION_ARG_STRING, &id,
      N_("The id of the new record (default: a new UUID)"), N_("ID") },
    { NULL }
  };
  g_autoptr(_JustSyncGenStore) store = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *payload = NULL;
  g_autofree char *record = NULL;
  GVariantBuilder options;
  int status;

  store = parse_open_and_read (command, globals, &argc, &argv, entries, 2, &payload, &status);
  if (store == NULL)
    return status;

  g_variant_builder_init (&options, G_VARIANT_TYPE_VARDICT);
  if (id != NULL)
    g_variant_builder_add (&options, "{sv}", "id", g_variant_new_string (id));
  if (!_just_sync_gen_store_call_create_sync (store, argv[1], payload,
                                              g_variant_builder_end (&options),
                                              &record, NULL, &error))
    return jst_fail (error);
  return print_json_text (globals, record);
}

int
jst_command_update (const JstCommand  *command,
                    JstGlobals        *globals,
                    int                argc,
                    char             **argv)
{
  g_autoptr(_JustSyncGenStore) store = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *payload = NULL;
  g_autofree char *record = NULL;
  int status;

  store = parse_open_and_read (command, globals, &argc, &argv, NULL, 3, &payload, &status);
  if (store == NULL)
    return status;

  if (!_just_sync_gen_store_call_update_sync (store, argv[1], argv[2], payload,
                                              g_variant_new ("a{sv}", NULL),
                                              &record, NULL, &error))
    return jst_fail (error);
  return print_json_text (globals, record);
}

int
jst_command_patch (const JstCommand  *command,
                   JstGlobals        *globals,
                   int                argc,
                   char             **argv)
{
  g_auto(GStrv) remove = NULL;
  const GOptionEntry entries[] = {
    { "remove", 'r', 0, G_OPTION_ARG_STRING_ARRAY, &remove,
      N_("Remove the field NAME (repeatable)"), N_("NAME") },
    { NULL }
  };
  const char *none[] = { NULL };
  g_autoptr(_JustSyncGenStore) store = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *set = NULL;
  g_autofree char *record = NULL;
  int status;

  store = parse_open_and_read (command, globals, &argc, &argv, entries, 3, &set, &status);
  if (store == NULL)
    return status;

  if (!_just_sync_gen_store_call_patch_sync (store, argv[1], argv[2], set,
                                             remove != NULL ? (const char * const *) remove : none,
                                             g_variant_new ("a{sv}", NULL),
                                             &record, NULL, &error))
    return jst_fail (error);
  return print_json_text (globals, record);
}

int
jst_command_delete (const JstCommand  *command,
                    JstGlobals        *globals,
                    int                argc,
                    char             **argv)
{
  g_autoptr(_JustSyncGenStore) store = NULL;
  g_autoptr(GError) error = NULL;
  int status;

  if ((store = parse_and_open (command, globals, &argc, &argv, NULL, 2, &status)) == NULL)
    return status;

  if (!_just_sync_gen_store_call_delete_sync (store, argv[1], argv[2],
                                              g_variant_new ("a{sv}", NULL), NULL, &error))
    return jst_fail (error);

  if (globals->json)
    {
      g_autoptr(JsonNode) root = json_node_new (JSON_NODE_OBJECT);
      JsonObject *object = json_object_new ();

      json_object_set_string_member (object, "deleted", argv[2]);
      json_node_take_object (root, object);
      jst_print_json (root, FALSE);
    }
  else
    {
      g_print (_("Deleted “%s”.\n"), argv[2]);
    }
  return JST_EXIT_OK;
}

static void
print_vardict_json (GVariant *vardict)
{
  g_autoptr(JsonNode) node = json_gvariant_serialize (vardict);

  jst_print_json (node, FALSE);
}

typedef struct
{
  GMainLoop *loop;
  GVariant *stats;
  GError *error;
} SyncCall;

static void
on_sync_progress (_JustSyncGenStore *store,
                  const char        *scope,
                  GVariant          *progress,
                  gpointer           user_data)
{
  const char *phase = "";
  guint done = 0, total = 0;

  g_variant_lookup (progress, "phase", "&s", &phase);
  g_variant_lookup (progress, "done", "u", &done);
  g_variant_lookup (progress, "total", "u", &total);
  if (total > 0)
    g_printerr ("\r  %-9s %u/%u", phase, done, total);
  else
    g_printerr ("\r  %-9s %u", phase, done);
}

static void
sync_done (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  SyncCall *call = user_data;

  _just_sync_gen_store_call_synchronize_finish (_JUST_SYNC_GEN_STORE (object), &call->stats,
                                                result, &call->error);
  g_main_loop_quit (call->loop);
}

int
jst_command_sync (const JstCommand  *command,
                  JstGlobals        *globals,
                  int                argc,
                  char             **argv)
{
  g_autoptr(_JustSyncGenStore) store = NULL;
  g_autoptr(GMainLoop) loop = NULL;
  SyncCall call = { 0 };
  guint pulled = 0, pushed = 0, deleted = 0, conflicts = 0, failed = 0;
  gboolean show_progress = !globals->json && isatty (STDERR_FILENO);
  int status;

  if ((store = parse_and_open (command, globals, &argc, &argv, NULL, 1, &status)) == NULL)
    return status;

  loop = g_main_loop_new (NULL, FALSE);
  call.loop = loop;
  if (show_progress)
    g_signal_connect (store, "progress", G_CALLBACK (on_sync_progress), NULL);
  /* A first sync of a large scope takes as long as it takes. */
  g_dbus_proxy_set_default_timeout (G_DBUS_PROXY (store), G_MAXINT);
  _just_sync_gen_store_call_synchronize (store, argv[1], g_variant_new ("a{sv}", NULL), NULL,
                                         sync_done, &call);
  g_main_loop_run (loop);
  if (show_progress)
    g_printerr ("\r\033[K");

  if (call.error != NULL)
    {
      status = jst_fail (call.error);
      g_error_free (call.error);
      return status;
    }

  if (globals->json)
    {
      print_vardict_json (call.stats);
    }
  else
    {
      g_variant_lookup (call.stats, "pulled", "u", &pulled);
      g_variant_lookup (call.stats, "pushed", "u", &pushed);
      g_variant_lookup (call.stats, "deleted", "u", &deleted);
      g_variant_lookup (call.stats, "conflicts", "u", &conflicts);
      g_variant_lookup (call.stats, "failed", "u", &failed);
      g_print (_("Synchronized %s: %u pulled, %u pushed, %u deleted, %u conflicts, %u failed\n"),
               argv[1], pulled, pushed, deleted, conflicts, failed);
    }
  g_variant_unref (call.stats);
  return failed > 0 ? JST_EXIT_REJECTED : JST_EXIT_OK;
}

int
jst_command_pending (const JstCommand  *command,
                     JstGlobals        *globals,
                     int                argc,
                     char             **argv)
{
  gboolean retry = FALSE;
  const GOptionEntry entries[] = {
    { "retry", 0, 0, G_OPTION_ARG_NONE, &retry,
      N_("Queue the changes the server rejected again"), NULL },
    { NULL }
  };
  g_autoptr(_JustSyncGenStore) store = NULL;
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *json = NULL;
  JsonArray *ops;
  guint count;
  int status;

  if ((store = parse_and_open (command, globals, &argc, &argv, entries, 1, &status)) == NULL)
    return status;

  if (retry)
    {
      if (!_just_sync_gen_store_call_retry_failed_sync (store, argv[1],
                                                        g_variant_new ("a{sv}", NULL),
                                                        &count, NULL, &error))
        return jst_fail (error);
      if (!globals->json)
        g_print (g_dngettext (GETTEXT_PACKAGE, "%u change queued again\n",
                              "%u changes queued again\n", count), count);
    }

  if (!_just_sync_gen_store_call_list_pending_sync (store, argv[1],
                                                    g_variant_new ("a{sv}", NULL),
                                                    &json, NULL, &error) ||
      (node = jst_parse_json (json, &error)) == NULL)
    return jst_fail (error);

  if (globals->json || !JSON_NODE_HOLDS_ARRAY (node))
    {
      jst_print_json (node, FALSE);
      return JST_EXIT_OK;
    }

  ops = json_node_get_array (node);
  for (guint i = 0; i < json_array_get_length (ops); i++)
    {
      JsonObject *op = json_array_get_object_element (ops, i);
      JsonObject *record;
      const char *last_error;

      if (op == NULL)
        continue;
      record = json_object_get_object_member (op, "record");
      last_error = json_object_get_string_member_with_default (op, "last_error", NULL);
      g_print ("%s\t%s\t%s\t%s%s%s\n",
               json_object_get_string_member_with_default (op, "kind", "?"),
               record != NULL ? json_object_get_string_member_with_default (record, "id", "") : "",
               json_object_get_string_member_with_default (op, "state", "?"),
               last_error != NULL ? "“" : "", last_error != NULL ? last_error : "",
               last_error != NULL ? "”" : "");
    }
  count = json_array_get_length (ops);
  g_print (g_dngettext (GETTEXT_PACKAGE, "%u pending change\n", "%u pending changes\n", count),
           count);
  return JST_EXIT_OK;
}

/* watch */

typedef struct
{
  JstGlobals *globals;
  GMainLoop *loop;
  int remaining;           /* events to print before exiting, or -1 */
} Watch;

static void
watch_event (Watch      *watch,
             const char *signal_name,
             const char *scope,
             JsonNode   *details,
             const char *human)
{
  if (watch->globals->json)
    {
      g_autoptr(JsonNode) root = json_node_new (JSON_NODE_OBJECT);
      JsonObject *object = json_object_new ();

      json_object_set_string_member (object, "signal", signal_name);
      if (scope != NULL)
        json_object_set_string_member (object, "scope", scope);
      json_object_set_member (object, "details", details);
      json_node_take_object (root, object);
      jst_print_json (root, FALSE);
    }
  else
    {
      g_print ("%s\t%s\t%s\n", signal_name, scope != NULL ? scope : "", human);
      json_node_unref (details);
    }
  fflush (stdout);

  if (watch->remaining > 0 && --watch->remaining == 0)
    g_main_loop_quit (watch->loop);
}

static void
on_watch_changed (_JustSyncGenStore  *store,
                  const char         *scope,
                  const char * const *ids,
                  Watch              *watch)
{
  g_autoptr(GVariant) variant = g_variant_ref_sink (g_variant_new_strv (ids, -1));
  g_autofree char *joined = g_strjoinv (" ", (char **) ids);

  watch_event (watch, "Changed", scope, json_gvariant_serialize (variant), joined);
}

/* "key=value key=value", strings unquoted. */
static char *
vardict_to_human (GVariant *vardict)
{
  GString *text = g_string_new (NULL);
  GVariantIter iter;
  const char *key;
  GVariant *value;

  g_variant_iter_init (&iter, vardict);
  while (g_variant_iter_next (&iter, "{&sv}", &key, &value))
    {
      if (text->len > 0)
        g_string_append_c (text, ' ');
      g_string_append_printf (text, "%s=", key);
      if (g_variant_is_of_type (value, G_VARIANT_TYPE_STRING))
        g_string_append (text, g_variant_get_string (value, NULL));
      else
        g_variant_print_string (value, text, FALSE);
      g_variant_unref (value);
    }
  return g_string_free (text, FALSE);
}

static void
on_watch_vardict (Watch      *watch,
                  const char *signal_name,
                  const char *scope,
                  GVariant   *vardict)
{
  g_autofree char *human = vardict_to_human (vardict);

  watch_event (watch, signal_name, scope, json_gvariant_serialize (vardict), human);
}

static void
on_watch_progress (_JustSyncGenStore *store,
                   const char        *scope,
                   GVariant          *progress,
                   Watch             *watch)
{
  on_watch_vardict (watch, "Progress", scope, progress);
}

static void
on_watch_sync_finished (_JustSyncGenStore *store,
                        const char        *scope,
                        GVariant          *stats,
                        Watch             *watch)
{
  on_watch_vardict (watch, "SyncFinished", scope, stats);
}

static void
on_watch_properties_changed (GDBusProxy         *proxy,
                             GVariant           *changed,
                             const char * const *invalidated,
                             Watch              *watch)
{
  on_watch_vardict (watch, "PropertiesChanged", NULL, changed);
}

static gboolean
on_watch_timeout (gpointer user_data)
{
  Watch *watch = user_data;

  g_main_loop_quit (watch->loop);
  return G_SOURCE_REMOVE;
}

int
jst_command_watch (const JstCommand  *command,
                   JstGlobals        *globals,
                   int                argc,
                   char             **argv)
{
  int count = 0, timeout = 0;
  const GOptionEntry entries[] = {
    { "count", 'n', 0, G_OPTION_ARG_INT, &count,
      N_("Exit after N events"), N_("N") },
    { "timeout", 't', 0, G_OPTION_ARG_INT, &timeout,
      N_("Exit after SECONDS"), N_("SECONDS") },
    { NULL }
  };
  g_autoptr(_JustSyncGenStore) store = NULL;
  g_autoptr(GMainLoop) loop = NULL;
  Watch watch = { 0 };
  int status;

  if ((store = parse_and_open (command, globals, &argc, &argv, entries, 0, &status)) == NULL)
    return status;

  loop = g_main_loop_new (NULL, FALSE);
  watch.globals = globals;
  watch.loop = loop;
  watch.remaining = count > 0 ? count : -1;

  g_signal_connect (store, "changed", G_CALLBACK (on_watch_changed), &watch);
  g_signal_connect (store, "progress", G_CALLBACK (on_watch_progress), &watch);
  g_signal_connect (store, "sync-finished", G_CALLBACK (on_watch_sync_finished), &watch);
  g_signal_connect (store, "g-properties-changed", G_CALLBACK (on_watch_properties_changed),
                    &watch);
  if (timeout > 0)
    g_timeout_add_seconds (timeout, on_watch_timeout, &watch);

  /* Tells scripts that wait for it that the watch is in place. */
  if (!globals->json)
    g_printerr (_("Watching %s of %s; press Ctrl+C to stop.\n"),
                _just_sync_gen_store_get_name (store), _just_sync_gen_store_get_app_id (store));

  g_main_loop_run (loop);
  return JST_EXIT_OK;
}
