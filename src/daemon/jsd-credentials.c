/* jsd-credentials.c: secrets to log in to a remote
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Credentials come with an OpenStore() call or from the user's keyring
 * (the Secret Service, through libsecret). They live in memory only: they
 * are never logged, exported as properties or written to the store's
 * configuration, and are wiped when freed.
 */

#include "config.h"

#include <string.h>

#include <glib/gi18n.h>
#include <json-glib/json-glib.h>
#include <libsecret/secret.h>

#include "jsd-args.h"
#include "jsd-credentials.h"
#include "justsync-json-private.h"

struct _JsdCredentials
{
  char *password;
  char *token;
};

static const SecretSchema credentials_schema = {
  "org.justsync.Sync1.Credentials", SECRET_SCHEMA_NONE,
  {
    { "app-id", SECRET_SCHEMA_ATTRIBUTE_STRING },
    { "store", SECRET_SCHEMA_ATTRIBUTE_STRING },
    { "url", SECRET_SCHEMA_ATTRIBUTE_STRING },
    { NULL, 0 },
  },
  0, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
};

static void
wipe_string (char *secret)
{
  if (secret != NULL)
    explicit_bzero (secret, strlen (secret));
  g_free (secret);
}

void
jsd_credentials_free (JsdCredentials *self)
{
  wipe_string (self->password);
  wipe_string (self->token);
  g_free (self);
}

const char *
jsd_credentials_get_password (JsdCredentials *self)
{
  return self->password;
}

const char *
jsd_credentials_get_token (JsdCredentials *self)
{
  return self->token;
}

/* The `password` and `token` keys of OpenStore()'s options: %NULL without
 * an error when there are none. */
JsdCredentials *
jsd_credentials_new_from_options (GVariant  *options,
                                  GError   **error)
{
  g_autoptr(JsdCredentials) self = g_new0 (JsdCredentials, 1);
  const char *password = NULL, *token = NULL;

  if (!jsd_args_get_string_option (options, "password", &password, error) ||
      !jsd_args_get_string_option (options, "token", &token, error))
    return NULL;

  if (password == NULL && token == NULL)
    return NULL;

  self->password = g_strdup (password);
  self->token = g_strdup (token);
  return g_steal_pointer (&self);
}

/* In the keyring, the secret is a small JSON object, so one item holds
 * either kind of credential. */
static char *
credentials_to_secret (JsdCredentials *self)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;

  json_builder_begin_object (builder);
  if (self->password != NULL)
    {
      json_builder_set_member_name (builder, "password");
      json_builder_add_string_value (builder, self->password);
    }
  if (self->token != NULL)
    {
      json_builder_set_member_name (builder, "token");
      json_builder_add_string_value (builder, self->token);
    }
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);
  return json_to_string (root, FALSE);
}

static JsdCredentials *
credentials_from_secret (const char *secret)
{
  g_autoptr(JsdCredentials) self = g_new0 (JsdCredentials, 1);
  g_autoptr(JsonNode) root = NULL;
  JsonObject *object;

  /* The keyring is shared with other apps of the session: untrusted. */
  if ((root = _just_sync_json_parse (secret, -1, JUST_SYNC_JSON_MAX_DEPTH, NULL)) == NULL ||
      !JSON_NODE_HOLDS_OBJECT (root))
    return NULL;

  object = json_node_get_object (root);
  self->password = g_strdup (json_object_get_string_member_with_default (object, "password", NULL));
  self->token = g_strdup (json_object_get_string_member_with_default (object, "token", NULL));
  if (self->password == NULL && self->token == NULL)
    return NULL;
  return g_steal_pointer (&self);
}

static void
store_done (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;

  if (!secret_password_store_finish (result, &error))
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

/* @url: (nullable): the remote's URL; items are keyed by it, so that
 * credentials never go to another server than they were given for. */
void
jsd_credentials_store_async (JsdCredentials      *self,
                             const char          *app_id,
                             const char          *store_name,
                             const char          *url,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (NULL, cancellable, callback, user_data);
  g_autofree char *label = NULL;
  char *secret;

  g_task_set_source_tag (task, jsd_credentials_store_async);

  /* TRANSLATORS: the label of a keyring item; %s are an application id and
   * a store name */
  label = g_strdup_printf (_("JustSync credentials of %s, store %s"), app_id, store_name);
  secret = credentials_to_secret (self);
  secret_password_store (&credentials_schema, SECRET_COLLECTION_DEFAULT, label, secret,
                         cancellable, store_done, g_steal_pointer (&task),
                         "app-id", app_id, "store", store_name, "url", url != NULL ? url : "",
                         NULL);
  wipe_string (secret);
}

gboolean
jsd_credentials_store_finish (GAsyncResult  *result,
                              GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
lookup_done (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;
  char *secret;

  secret = secret_password_lookup_finish (result, &error);
  if (error != NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  g_task_return_pointer (task, secret != NULL ? credentials_from_secret (secret) : NULL,
                         (GDestroyNotify) jsd_credentials_free);
  secret_password_free (secret);
}

void
jsd_credentials_lookup_async (const char          *app_id,
                              const char          *store_name,
                              const char          *url,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  GTask *task = g_task_new (NULL, cancellable, callback, user_data);

  g_task_set_source_tag (task, jsd_credentials_lookup_async);
  secret_password_lookup (&credentials_schema, cancellable, lookup_done, task,
                          "app-id", app_id, "store", store_name, "url", url != NULL ? url : "",
                          NULL);
}

/* %NULL without an error when the keyring has nothing. */
JsdCredentials *
jsd_credentials_lookup_finish (GAsyncResult  *result,
                               GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}
