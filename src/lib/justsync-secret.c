/* justsync-secret.c: a remote store's session in the keyring
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>
#include <libsecret/secret.h>

#include "justsync-error.h"
#include "justsync-json-private.h"
#include "justsync-secret-private.h"


/* The properties that make a session, on the stores that have them. */
static const char * const session_properties[] = { "token", "access-token", "refresh-token", "session" };

static const SecretSchema session_schema = {
  "org.justsync.Session", SECRET_SCHEMA_NONE,
  {
    { "app-id", SECRET_SCHEMA_ATTRIBUTE_STRING },
    { "name", SECRET_SCHEMA_ATTRIBUTE_STRING },
    { NULL, 0 },
  },
  0, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
};

static GParamSpec *
session_property (JustSyncRemoteStore *remote,
                  const char          *name)
{
  GParamSpec *pspec = g_object_class_find_property (G_OBJECT_GET_CLASS (remote), name);

  if (pspec == NULL || pspec->value_type != G_TYPE_STRING ||
      (pspec->flags & G_PARAM_READWRITE) != G_PARAM_READWRITE)
    return NULL;
  return pspec;
}

/*
 * _just_sync_secret_dup_session:
 *
 * Returns: (transfer full) (nullable): the session of @remote as a JSON
 *   object of its set token properties, or %NULL when it has none
 */
char *
_just_sync_secret_dup_session (JustSyncRemoteStore *remote)
{
  g_autoptr(GString) json = g_string_new ("{");
  gboolean any = FALSE;

  for (guint i = 0; i < G_N_ELEMENTS (session_properties); i++)
    {
      g_autofree char *value = NULL;

      if (session_property (remote, session_properties[i]) == NULL)
        continue;
      g_object_get (remote, session_properties[i], &value, NULL);
      if (value == NULL)
        continue;
      if (any)
        g_string_append_c (json, ',');
      _just_sync_json_append_string (json, session_properties[i]);
      g_string_append_c (json, ':');
      _just_sync_json_append_string (json, value);
      explicit_bzero (value, strlen (value));
      any = TRUE;
    }
  g_string_append_c (json, '}');
  if (!any)
    return NULL;
  return g_string_free (g_steal_pointer (&json), FALSE);
}

/*
 * _just_sync_secret_apply_session:
 *
 * Sets the token properties of @remote that @session holds (the store
 * then emits #JustSyncRemoteStore::credentials-changed).
 */
gboolean
_just_sync_secret_apply_session (JustSyncRemoteStore  *remote,
                                 const char           *session,
                                 GError              **error)
{
  g_autoptr(JsonObject) object = _just_sync_json_parse_object (session, -1, NULL);

  if (object == NULL)
    {
      g_set_error_literal (error, JUST_SYNC_ERROR, JUST_SYNC_ERROR_STORAGE,
                           _("The session in the keyring is damaged"));
      return FALSE;
    }

  g_object_freeze_notify (G_OBJECT (remote));
  /* The refresh token first: a new access token may be renewed at once. */
  for (guint i = G_N_ELEMENTS (session_properties); i > 0; i--)
    {
      const char *name = session_properties[i - 1];
      JsonNode *value = json_object_get_member (object, name);

      if (value != NULL && session_property (remote, name) != NULL &&
          json_node_get_value_type (value) == G_TYPE_STRING)
        g_object_set (remote, name, json_node_get_string (value), NULL);
    }
  g_object_thaw_notify (G_OBJECT (remote));
  return TRUE;
}

static void
secret_stored_cb (GObject      *object,
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

/**
 * just_sync_secret_save_session_async:
 * @remote: a remote store, signed in
 * @app_id: the app's id, such as `org.example.Notes`
 * @name: which of the app's stores (any name the app chooses)
 * @cancellable: (nullable): a #GCancellable
 * @callback: (scope async): called when the operation completes
 * @user_data: data for @callback
 *
 * Keeps the session of @remote (its tokens, never a password) in the
 * user's default keyring under @app_id and @name, replacing what was
 * there. A store without a session forgets the one kept.
 *
 * An app that signs in in its own process
 * ([method@JustSync.RemoteStore.sign_in_async]) keeps its session in the
 * keyring (the Secret Service) as justsyncd does, so that the next start
 * needs no password: save it after a sign-in and after each renewal
 * (`notify::token`, `notify::access-token`), restore it at start-up with
 * [func@JustSync.secret_restore_session_async], and forget it after a
 * sign-out with [func@JustSync.secret_forget_session_async]. The session is
 * the store's token properties that exist on it: `token` (PocketBase),
 * `access-token` and `refresh-token` (Supabase), `session` (Appwrite).
 * Built only where
 * libsecret-1 was found (`JUST_SYNC_HAS_SECRET` is defined then).
 */
void
just_sync_secret_save_session_async (JustSyncRemoteStore *remote,
                                     const char          *app_id,
                                     const char          *name,
                                     GCancellable        *cancellable,
                                     GAsyncReadyCallback  callback,
                                     gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autofree char *session = NULL;
  g_autofree char *label = NULL;

  g_return_if_fail (JUST_SYNC_IS_REMOTE_STORE (remote));
  g_return_if_fail (app_id != NULL);
  g_return_if_fail (name != NULL);

  session = _just_sync_secret_dup_session (remote);
  if (session == NULL)
    {
      just_sync_secret_forget_session_async (app_id, name, cancellable, callback, user_data);
      return;
    }

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, just_sync_secret_save_session_async);
  label = g_strdup_printf (_("JustSync session of %s (%s)"), app_id, name);
  secret_password_store (&session_schema, SECRET_COLLECTION_DEFAULT, label, session, cancellable,
                         secret_stored_cb, g_steal_pointer (&task),
                         "app-id", app_id, "name", name, NULL);
  explicit_bzero (session, strlen (session));
}

/**
 * just_sync_secret_save_session_finish:
 * @result: the #GAsyncResult passed to the callback
 * @error: return location for an error
 *
 * Finishes [func@JustSync.secret_save_session_async].
 *
 * Returns: %TRUE when the session was kept
 */
gboolean
just_sync_secret_save_session_finish (GAsyncResult  *result,
                                      GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
secret_looked_up_cb (GObject      *object,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  JustSyncRemoteStore *remote = g_task_get_task_data (task);
  GError *error = NULL;
  char *session;
  gboolean applied;

  session = secret_password_lookup_finish (result, &error);
  if (error != NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  if (session == NULL)
    {
      g_task_return_boolean (task, FALSE);
      return;
    }
  applied = _just_sync_secret_apply_session (remote, session, &error);
  secret_password_free (session);
  if (!applied)
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

/**
 * just_sync_secret_restore_session_async:
 * @remote: a remote store
 * @app_id: the app's id
 * @name: which of the app's stores
 * @cancellable: (nullable): a #GCancellable
 * @callback: (scope async): called when the operation completes
 * @user_data: data for @callback
 *
 * Gives @remote the session kept with
 * [func@JustSync.secret_save_session_async], if there is one; the store then
 * emits [signal@JustSync.RemoteStore::credentials-changed].
 */
void
just_sync_secret_restore_session_async (JustSyncRemoteStore *remote,
                                        const char          *app_id,
                                        const char          *name,
                                        GCancellable        *cancellable,
                                        GAsyncReadyCallback  callback,
                                        gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (JUST_SYNC_IS_REMOTE_STORE (remote));
  g_return_if_fail (app_id != NULL);
  g_return_if_fail (name != NULL);

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, just_sync_secret_restore_session_async);
  g_task_set_task_data (task, g_object_ref (remote), g_object_unref);
  secret_password_lookup (&session_schema, cancellable, secret_looked_up_cb, g_steal_pointer (&task),
                          "app-id", app_id, "name", name, NULL);
}

/**
 * just_sync_secret_restore_session_finish:
 * @result: the #GAsyncResult passed to the callback
 * @error: return location for an error
 *
 * Finishes [func@JustSync.secret_restore_session_async].
 *
 * Returns: %TRUE when a session was found and given to the store; %FALSE
 *   with no error when there was none
 */
gboolean
just_sync_secret_restore_session_finish (GAsyncResult  *result,
                                         GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
secret_cleared_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;

  secret_password_clear_finish (result, &error);
  if (error != NULL)
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

/**
 * just_sync_secret_forget_session_async:
 * @app_id: the app's id
 * @name: which of the app's stores
 * @cancellable: (nullable): a #GCancellable
 * @callback: (scope async): called when the operation completes
 * @user_data: data for @callback
 *
 * Removes the session kept for @app_id and @name, if any.
 */
void
just_sync_secret_forget_session_async (const char          *app_id,
                                       const char          *name,
                                       GCancellable        *cancellable,
                                       GAsyncReadyCallback  callback,
                                       gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (app_id != NULL);
  g_return_if_fail (name != NULL);

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, just_sync_secret_forget_session_async);
  secret_password_clear (&session_schema, cancellable, secret_cleared_cb, g_steal_pointer (&task),
                         "app-id", app_id, "name", name, NULL);
}

/**
 * just_sync_secret_forget_session_finish:
 * @result: the #GAsyncResult passed to the callback
 * @error: return location for an error
 *
 * Finishes [func@JustSync.secret_forget_session_async] (and a
 * [func@JustSync.secret_save_session_async] of a store without a session).
 *
 * Returns: %TRUE unless the keyring failed
 */
gboolean
just_sync_secret_forget_session_finish (GAsyncResult  *result,
                                        GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}
