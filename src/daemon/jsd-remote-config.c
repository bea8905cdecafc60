/* jsd-remote-config.c: what a store synchronizes with
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The remote of a store, as OpenStore() options describe it. It is saved
 * next to the store's database, so that the store can be opened again
 * without them, but never with its credentials: those stay in memory or in
 * the keyring. A Supabase project's API key is saved with it: it is the
 * project's public (anon) key, which every client ships, and without it
 * the store cannot reach the project at all; a user's token is a
 * credential. An Appwrite remote saves its project and database ids; its
 * user's session secret (the token) and password are credentials, and a
 * server API key is never taken, as it would have to be saved.
 */

#include "config.h"

#include <string.h>

#include <glib/gi18n.h>
#include <glib/gstdio.h>

#include "jsd-args.h"
#include "jsd-remote-config.h"

#define GROUP "Remote"
#define MAX_COLLECTIONS 1024

struct _JsdRemoteConfig
{
  JsdRemoteKind kind;
  char *url;
  char *auth_collection;
  char *identity;
  char *soft_delete_field;
  char *api_key;
  char *project;
  char *database;
  gboolean allow_insecure_http;
  /* Alternating scope names and collection names, sorted by scope name. */
  GStrv collections;
};

static const char * const kind_names[] = {
  [JSD_REMOTE_MEMORY] = "memory",
  [JSD_REMOTE_POCKETBASE] = "pocketbase",
  [JSD_REMOTE_SUPABASE] = "supabase",
  [JSD_REMOTE_APPWRITE] = "appwrite",
};

void
jsd_remote_config_free (JsdRemoteConfig *self)
{
  g_free (self->url);
  g_free (self->auth_collection);
  g_free (self->identity);
  g_free (self->soft_delete_field);
  g_free (self->api_key);
  g_free (self->project);
  g_free (self->database);
  g_strfreev (self->collections);
  g_free (self);
}

static JsdRemoteConfig *
remote_config_new (void)
{
  JsdRemoteConfig *self = g_new0 (JsdRemoteConfig, 1);

  self->collections = g_new0 (char *, 1);
  return self;
}

static gboolean
parse_kind (const char     *name,
            JsdRemoteKind  *out_kind,
            GError        **error)
{
  for (guint i = 0; i < G_N_ELEMENTS (kind_names); i++)
    if (strcmp (name, kind_names[i]) == 0)
      {
        *out_kind = i;
        return TRUE;
      }

  g_set_error (error, JUST_SYNC_ERROR, JUST_SYNC_ERROR_INVALID_ARGUMENT,
               _("“%.*s” is not a kind of remote: use memory, pocketbase, supabase or appwrite"),
               (int) MIN (strlen (name), 64), name);
  return FALSE;
}

static int
compare_strings (gconstpointer a,
                 gconstpointer b)
{
  return strcmp (*(const char * const *) a, *(const char * const *) b);
}

/* Sorted by scope name, so that equal maps compare equal. */
static GStrv
collections_from_variant (GVariant  *value,
                          GError   **error)
{
  g_autoptr(GHashTable) map = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_autofree const char **scope_names = NULL;
  GVariantIter iter;
  const char *scope_name, *collection;
  guint n;

  if (g_variant_n_children (value) > MAX_COLLECTIONS)
    {
      g_set_error (error, JUST_SYNC_ERROR, JUST_SYNC_ERROR_INVALID_ARGUMENT,
                   _("The option “collections” has more than %d entries"), MAX_COLLECTIONS);
      return NULL;
    }

  g_variant_iter_init (&iter, value);
  while (g_variant_iter_next (&iter, "{&s&s}", &scope_name, &collection))
    {
      if (scope_name[0] == '\0' || collection[0] == '\0' ||
          strlen (scope_name) > JSD_MAX_OPTION_LENGTH ||
          strlen (collection) > JSD_MAX_OPTION_LENGTH)
        {
          g_set_error_literal (error, JUST_SYNC_ERROR, JUST_SYNC_ERROR_INVALID_ARGUMENT,
                               _("The option “collections” maps scope names to collection "
                                 "names, which must not be empty"));
          return NULL;
        }
      g_hash_table_insert (map, (gpointer) scope_name, (gpointer) collection);
    }

  scope_names = (const char **) g_hash_table_get_keys_as_array (map, &n);
  qsort (scope_names, n, sizeof (char *), compare_strings);
  for (guint i = 0; i < n; i++)
    g_strv_builder_add_many (builder, scope_names[i],
                             g_hash_table_lookup (map, scope_names[i]), NULL);
  return g_strv_builder_end (builder);
}

static gboolean
is_loopback_host (const char *host)
{
  g_autoptr(GInetAddress) address = NULL;

  if (g_ascii_strcasecmp (host, "localhost") == 0)
    return TRUE;
  address = g_inet_address_new_from_string (host);
  return address != NULL && g_inet_address_get_is_loopback (address);
}

/* An http or https URL without credentials in it: they would be saved in
 * the clear with it. Plain http only goes to this machine unless the
 * caller allowed it. */
static gboolean
check_url (const char  *url,
           gboolean     allow_insecure_http,
           GError     **error)
{
  g_autoptr(GUri) uri = g_uri_parse (url, G_URI_FLAGS_NONE, NULL);
  const char *scheme;

  if (uri == NULL || g_uri_get_host (uri) == NULL ||
      ((scheme = g_uri_get_scheme (uri)), g_strcmp0 (scheme, "http") != 0 &&
       g_strcmp0 (scheme, "https") != 0))
    {
      g_set_error_literal (error, JUST_SYNC_ERROR, JUST_SYNC_ERROR_INVALID_ARGUMENT,
                           _("The option “url” must be an http or https URL"));
      return FALSE;
    }
  if (g_uri_get_userinfo (uri) != NULL)
    {
      g_set_error_literal (error, JUST_SYNC_ERROR, JUST_SYNC_ERROR_INVALID_ARGUMENT,
                           _("The option “url” must not hold credentials: "
                             "use “identity” and “password” or “token”"));
      return FALSE;
    }
  if (g_str_equal (scheme, "http") && !allow_insecure_http &&
      !is_loopback_host (g_uri_get_host (uri)))
    {
      g_set_error_literal (error, JUST_SYNC_ERROR, JUST_SYNC_ERROR_INVALID_ARGUMENT,
                           _("Plain http is only for this machine: use https, or allow it "
                             "with the option “allow-insecure-http”"));
      return FALSE;
    }
  return TRUE;
}

/* The remote described by OpenStore()'s @options, or %NULL without an error
 * when they do not name one. */
JsdRemoteConfig *
jsd_remote_config_new_from_options (GVariant  *options,
                                    GError   **error)
{
  g_autoptr(JsdRemoteConfig) self = remote_config_new ();
  g_autoptr(GVariant) collections = NULL;
  const char *kind = NULL, *url = NULL, *auth_collection = NULL, *identity = NULL;
  const char *soft_delete_field = NULL, *api_key = NULL, *project = NULL, *database = NULL;

  if (!jsd_args_get_string_option (options, "remote", &kind, error))
    return NULL;
  if (kind == NULL)
    return NULL;

  if (!parse_kind (kind, &self->kind, error) ||
      !jsd_args_get_string_option (options, "url", &url, error) ||
      !jsd_args_get_string_option (options, "auth-collection", &auth_collection, error) ||
      !jsd_args_get_string_option (options, "identity", &identity, error) ||
      !jsd_args_get_string_option (options, "soft-delete-field", &soft_delete_field, error) ||
      !jsd_args_get_string_option (options, "api-key", &api_key, error) ||
      !jsd_args_get_string_option (options, "project", &project, error) ||
      !jsd_args_get_string_option (options, "database", &database, error) ||
      !jsd_args_get_boolean_option (options, "allow-insecure-http", &self->allow_insecure_http,
                                    error) ||
      !jsd_args_lookup_option (options, "collections", G_VARIANT_TYPE ("a{ss}"),
                               &collections, error))
    return NULL;

  if (self->kind != JSD_REMOTE_MEMORY && url == NULL)
    {
      g_set_error (error, JUST_SYNC_ERROR, JUST_SYNC_ERROR_INVALID_ARGUMENT,
                   _("A %s remote needs the option “url”"), kind_names[self->kind]);
      return NULL;
    }
  if (self->kind != JSD_REMOTE_SUPABASE && api_key != NULL)
    {
      g_set_error_literal (error, JUST_SYNC_ERROR, JUST_SYNC_ERROR_INVALID_ARGUMENT,
                           _("The option “api-key” is for a supabase remote"));
      return NULL;
    }
  if ((self->kind == JSD_REMOTE_APPWRITE) != (project != NULL) ||
      (self->kind == JSD_REMOTE_APPWRITE) != (database != NULL))
    {
      g_set_error_literal (error, JUST_SYNC_ERROR, JUST_SYNC_ERROR_INVALID_ARGUMENT,
                           self->kind == JSD_REMOTE_APPWRITE
                           ? _("An appwrite remote needs the options “project” and “database”")
                           : _("The options “project” and “database” are for an appwrite remote"));
      return NULL;
    }
  if (url != NULL && !check_url (url, self->allow_insecure_http, error))
    return NULL;

  if (collections != NULL)
    {
      g_strfreev (self->collections);
      if ((self->collections = collections_from_variant (collections, error)) == NULL)
        return NULL;
    }

  self->url = g_strdup (url);
  self->auth_collection = g_strdup (auth_collection);
  self->identity = g_strdup (identity);
  self->soft_delete_field = g_strdup (soft_delete_field);
  self->api_key = g_strdup (api_key);
  self->project = g_strdup (project);
  self->database = g_strdup (database);
  return g_steal_pointer (&self);
}

/* Reads a configuration jsd_remote_config_save() wrote; fails with
 * %JUST_SYNC_ERROR_NOT_FOUND when there is none. */
JsdRemoteConfig *
jsd_remote_config_load (const char  *path,
                        GError     **error)
{
  g_autoptr(GKeyFile) key_file = g_key_file_new ();
  g_autoptr(JsdRemoteConfig) self = remote_config_new ();
  g_autoptr(GError) local_error = NULL;
  g_autofree char *kind = NULL;
  gsize n_collections = 0;

  if (!g_key_file_load_from_file (key_file, path, G_KEY_FILE_NONE, &local_error))
    {
      g_set_error (error, JUST_SYNC_ERROR,
                   g_error_matches (local_error, G_FILE_ERROR, G_FILE_ERROR_NOENT)
                   ? JUST_SYNC_ERROR_NOT_FOUND : JUST_SYNC_ERROR_STORAGE,
                   _("Could not read the remote configuration “%s”: %s"),
                   path, local_error->message);
      return NULL;
    }

  kind = g_key_file_get_string (key_file, GROUP, "kind", NULL);
  if (kind == NULL || !parse_kind (kind, &self->kind, error))
    {
      g_prefix_error (error, "%s: ", path);
      return NULL;
    }

  self->url = g_key_file_get_string (key_file, GROUP, "url", NULL);
  self->auth_collection = g_key_file_get_string (key_file, GROUP, "auth-collection", NULL);
  self->identity = g_key_file_get_string (key_file, GROUP, "identity", NULL);
  self->soft_delete_field = g_key_file_get_string (key_file, GROUP, "soft-delete-field", NULL);
  self->api_key = g_key_file_get_string (key_file, GROUP, "api-key", NULL);
  self->project = g_key_file_get_string (key_file, GROUP, "project", NULL);
  self->database = g_key_file_get_string (key_file, GROUP, "database", NULL);
  if (self->kind == JSD_REMOTE_APPWRITE && (self->project == NULL || self->database == NULL))
    {
      g_set_error (error, JUST_SYNC_ERROR, JUST_SYNC_ERROR_STORAGE,
                   _("The remote configuration “%s” names no Appwrite project and database"),
                   path);
      return NULL;
    }
  self->allow_insecure_http = g_key_file_get_boolean (key_file, GROUP, "allow-insecure-http", NULL);
  if (g_key_file_has_key (key_file, GROUP, "collections", NULL))
    {
      g_strfreev (self->collections);
      self->collections = g_key_file_get_string_list (key_file, GROUP, "collections",
                                                      &n_collections, NULL);
      if (self->collections == NULL || n_collections % 2 != 0)
        {
          g_set_error (error, JUST_SYNC_ERROR, JUST_SYNC_ERROR_STORAGE,
                       _("The remote configuration “%s” has a broken collection map"), path);
          return NULL;
        }
    }
  return g_steal_pointer (&self);
}

gboolean
jsd_remote_config_save (JsdRemoteConfig  *self,
                        const char       *path,
                        GError          **error)
{
  g_autoptr(GKeyFile) key_file = g_key_file_new ();
  g_autoptr(GError) local_error = NULL;
  g_autofree char *data = NULL;
  gsize length;

  g_key_file_set_comment (key_file, NULL, NULL,
                          " The remote of a JustSync store, written by justsyncd.\n"
                          " Credentials are never kept here.", NULL);
  g_key_file_set_string (key_file, GROUP, "kind", kind_names[self->kind]);
  if (self->url != NULL)
    g_key_file_set_string (key_file, GROUP, "url", self->url);
  if (self->auth_collection != NULL)
    g_key_file_set_string (key_file, GROUP, "auth-collection", self->auth_collection);
  if (self->identity != NULL)
    g_key_file_set_string (key_file, GROUP, "identity", self->identity);
  if (self->soft_delete_field != NULL)
    g_key_file_set_string (key_file, GROUP, "soft-delete-field", self->soft_delete_field);
  if (self->api_key != NULL)
    g_key_file_set_string (key_file, GROUP, "api-key", self->api_key);
  if (self->project != NULL)
    g_key_file_set_string (key_file, GROUP, "project", self->project);
  if (self->database != NULL)
    g_key_file_set_string (key_file, GROUP, "database", self->database);
  if (self->allow_insecure_http)
    g_key_file_set_boolean (key_file, GROUP, "allow-insecure-http", TRUE);
  if (self->collections[0] != NULL)
    g_key_file_set_string_list (key_file, GROUP, "collections",
                                (const char * const *) self->collections,
                                g_strv_length (self->collections));

  data = g_key_file_to_data (key_file, &length, NULL);
  if (!g_file_set_contents_full (path, data, length, G_FILE_SET_CONTENTS_CONSISTENT,
                                 0600, &local_error))
    {
      g_set_error (error, JUST_SYNC_ERROR, JUST_SYNC_ERROR_STORAGE,
                   _("Could not save the remote configuration: %s"), local_error->message);
      return FALSE;
    }
  return TRUE;
}

gboolean
jsd_remote_config_equal (JsdRemoteConfig *self,
                         JsdRemoteConfig *other)
{
  return self->kind == other->kind &&
         g_strcmp0 (self->url, other->url) == 0 &&
         g_strcmp0 (self->auth_collection, other->auth_collection) == 0 &&
         g_strcmp0 (self->identity, other->identity) == 0 &&
         g_strcmp0 (self->soft_delete_field, other->soft_delete_field) == 0 &&
         g_strcmp0 (self->api_key, other->api_key) == 0 &&
         g_strcmp0 (self->project, other->project) == 0 &&
         g_strcmp0 (self->database, other->database) == 0 &&
         self->allow_insecure_http == other->allow_insecure_http &&
         g_strv_equal ((const char * const *) self->collections,
                       (const char * const *) other->collections);
}

JsdRemoteKind
jsd_remote_config_get_kind (JsdRemoteConfig *self)
{
  return self->kind;
}

const char *
jsd_remote_config_get_kind_name (JsdRemoteConfig *self)
{
  return kind_names[self->kind];
}

const char *
jsd_remote_config_get_url (JsdRemoteConfig *self)
{
  return self->url;
}

/* The mapped scope names and collections, alternating. */
const char * const *
jsd_remote_config_get_collections (JsdRemoteConfig *self)
{
  return (const char * const *) self->collections;
}

/* Whether the options named the soft-delete field, rather than leave it
 * to the default or to the server's schema. */
gboolean
jsd_remote_config_names_soft_delete_field (JsdRemoteConfig *self)
{
  return self->soft_delete_field != NULL;
}

/* Whether the remote logs in, so credentials are worth looking up. */
gboolean
jsd_remote_config_uses_credentials (JsdRemoteConfig *self)
{
  return self->kind != JSD_REMOTE_MEMORY;
}

/* A new remote store as configured. */
JustSyncRemoteStore *
jsd_remote_config_create_remote (JsdRemoteConfig *self)
{
  switch (self->kind)
    {
    case JSD_REMOTE_MEMORY:
      return JUST_SYNC_REMOTE_STORE (just_sync_memory_remote_store_new ());

    case JSD_REMOTE_SUPABASE:
      {
        JustSyncSupabaseStore *store = just_sync_supabase_store_new (self->url, self->api_key);

        /* Soft deletes on `deleted_at`, as in data/supabase/justsync-schema.sql,
         * unless the options name another column ("" for hard deletes). */
        just_sync_supabase_store_set_soft_delete_column (store, self->soft_delete_field == NULL ? "deleted_at" :
                                                         self->soft_delete_field[0] != '\0' ? self->soft_delete_field : NULL);
        for (guint i = 0; self->collections[i] != NULL; i += 2)
          just_sync_supabase_store_set_table (store, self->collections[i], self->collections[i + 1]);
        return JUST_SYNC_REMOTE_STORE (store);
      }

    case JSD_REMOTE_APPWRITE:
      {
        JustSyncAppwriteStore *store = just_sync_appwrite_store_new (self->url, self->project,
                                                                     self->database);

        /* Soft deletes on `deleted_at`, as in data/appwrite/, unless the
         * options name another attribute ("" for hard deletes). */
        just_sync_appwrite_store_set_soft_delete_attribute (store, self->soft_delete_field == NULL ? "deleted_at" :
                                                            self->soft_delete_field[0] != '\0' ? self->soft_delete_field : NULL);
        for (guint i = 0; self->collections[i] != NULL; i += 2)
          just_sync_appwrite_store_set_collection (store, self->collections[i], self->collections[i + 1]);
        return JUST_SYNC_REMOTE_STORE (store);
      }

    case JSD_REMOTE_POCKETBASE:
    default:
      {
        JustSyncPocketbaseStore *store = just_sync_pocketbase_store_new (self->url);

        if (self->soft_delete_field != NULL)
          just_sync_pocketbase_store_set_soft_delete_field (store, self->soft_delete_field);
        /* A mapped collection has the store's soft-delete field, like the
         * shipped schema, unless the options name another ("" for hard
         * deletes). */
        for (guint i = 0; self->collections[i] != NULL; i += 2)
          just_sync_pocketbase_store_set_collection (store, self->collections[i],
                                                     self->collections[i + 1],
                                                     just_sync_pocketbase_store_get_soft_delete_field (store));
        return JUST_SYNC_REMOTE_STORE (store);
      }
    }
}

static void
appwrite_signed_in_cb (GObject      *object,
                       GAsyncResult *result,
                       gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  /* The store stays signed out: its syncs fail with an auth error, which
   * callers see, and a new password or token tries again. */
  if (!just_sync_remote_store_sign_in_finish (JUST_SYNC_REMOTE_STORE (object), result, &error))
    g_message ("Could not sign in to Appwrite: %s", error->message);
}

/* An Appwrite remote takes a user's session secret (the token), or signs
 * in with the configured identity and a password, in the background: the
 * sign-in announces new credentials, and the engine pushes then. */
static gboolean
apply_appwrite_credentials (JsdRemoteConfig        *self,
                            JustSyncAppwriteStore  *store,
                            JsdCredentials         *credentials,
                            GError                **error)
{
  const char *password = jsd_credentials_get_password (credentials);

  if (password != NULL && self->identity == NULL)
    {
      g_set_error_literal (error, JUST_SYNC_ERROR, JUST_SYNC_ERROR_INVALID_ARGUMENT,
                           _("A password needs the option “identity”"));
      return FALSE;
    }
  if (jsd_credentials_get_token (credentials) != NULL)
    just_sync_appwrite_store_set_session (store, jsd_credentials_get_token (credentials));
  else if (password != NULL)
    just_sync_remote_store_sign_in_async (JUST_SYNC_REMOTE_STORE (store), self->identity, password,
                                          NULL, appwrite_signed_in_cb, NULL);
  return TRUE;
}

/* Logs @remote in with @credentials: a token, or the configured identity
 * and a password. A Supabase remote takes a user's access token (a JWT). */
gboolean
jsd_remote_config_apply_credentials (JsdRemoteConfig      *self,
                                     JustSyncRemoteStore  *remote,
                                     JsdCredentials       *credentials,
                                     GError              **error)
{
  JustSyncPocketbaseStore *store;

  if (JUST_SYNC_IS_SUPABASE_STORE (remote))
    {
      if (jsd_credentials_get_password (credentials) != NULL)
        {
          g_set_error_literal (error, JUST_SYNC_ERROR, JUST_SYNC_ERROR_INVALID_ARGUMENT,
                               _("A supabase remote takes a user's access token (the option "
                                 "“token”), not a password"));
          return FALSE;
        }
      if (jsd_credentials_get_token (credentials) != NULL)
        just_sync_supabase_store_set_access_token (JUST_SYNC_SUPABASE_STORE (remote),
                                                   jsd_credentials_get_token (credentials));
      return TRUE;
    }
  if (JUST_SYNC_IS_APPWRITE_STORE (remote))
    return apply_appwrite_credentials (self, JUST_SYNC_APPWRITE_STORE (remote), credentials, error);
  if (!JUST_SYNC_IS_POCKETBASE_STORE (remote))
    return TRUE;

  store = JUST_SYNC_POCKETBASE_STORE (remote);
  if (jsd_credentials_get_password (credentials) != NULL)
    {
      if (self->identity == NULL)
        {
          g_set_error_literal (error, JUST_SYNC_ERROR, JUST_SYNC_ERROR_INVALID_ARGUMENT,
                               _("A password needs the option “identity”"));
          return FALSE;
        }
      just_sync_pocketbase_store_set_credentials (store, self->auth_collection, self->identity,
                                                  jsd_credentials_get_password (credentials));
    }
  if (jsd_credentials_get_token (credentials) != NULL)
    just_sync_pocketbase_store_set_token (store, jsd_credentials_get_token (credentials));
  return TRUE;
}
