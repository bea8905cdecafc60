/* jsd-daemon.c: the org.justsync.Sync1 service
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Exports the Manager at /org/justsync/Sync1 and every application's
 * stores below /org/justsync/Sync1/store, identifies the caller of every
 * call, and tells main() when it has been idle long enough to exit.
 *
 * Stores are a subtree rather than registered objects so that a caller only
 * ever sees its own: introspection lists the stores of the caller's
 * application, and a call to another application's store fails exactly as
 * a call to a store that does not exist. A store's object path names its
 * application and store, so after a restart a call to a path that a client
 * kept reopens the store from its files.
 */

#include "config.h"

#include <string.h>
#include <sys/stat.h>
#ifdef HAVE_MALLOC_TRIM
#include <malloc.h>
#endif

#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <justsync/justsync.h>

#include "jsd-args.h"
#include "jsd-callers.h"
#include "jsd-daemon.h"
#include "jsd-dbus-generated.h"
#include "jsd-store.h"

#define STORE_PATH_PREFIX JSD_OBJECT_PATH "/store"
#define MANAGER_INTERFACE "org.justsync.Sync1.Manager"
#define MANAGER_INTERFACE_VERSION 1

struct _JsdDaemon
{
  GObject parent_instance;

  GDBusConnection *connection;
  char *data_dir;
  JsdDaemonLimits limits;

  _JustSyncGenManager *manager;
  guint subtree_id;

  JsdCallers *callers;
  GHashTable *stores;        /* object path -> JsdStore */
  GHashTable *invocations;   /* GDBusMethodInvocation being served */

  guint idle_id;
  guint close_unused_id;
};

enum {
  IDLE,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (JsdDaemon, jsd_daemon, G_TYPE_OBJECT)

/* Object paths: "APP/NAME" with every byte other than [A-Za-z0-9] written
 * as _xx, which D-Bus allows in a path element. */

static char *
store_object_path (const char *app_id,
                   const char *name)
{
  g_autofree char *key = g_strconcat (app_id, "/", name, NULL);
  GString *path = g_string_new (STORE_PATH_PREFIX "/");

  for (const char *p = key; *p != '\0'; p++)
    {
      if (g_ascii_isalnum (*p))
        g_string_append_c (path, *p);
      else
        g_string_append_printf (path, "_%02x", (guchar) *p);
    }
  return g_string_free (path, FALSE);
}

/* Reads back a node that store_object_path() wrote, and nothing else. */
static gboolean
parse_store_node (const char  *node,
                  char       **out_app_id,
                  char       **out_name)
{
  g_autoptr(GString) key = g_string_new (NULL);
  g_autofree char *app_id = NULL;
  g_autofree char *canonical = NULL;
  char *slash;

  if (node == NULL || strlen (node) > 3 * (JSD_MAX_APP_ID_LENGTH + 1 + JSD_MAX_NAME_LENGTH))
    return FALSE;

  for (const char *p = node; *p != '\0'; p++)
    {
      if (*p == '_')
        {
          int high = g_ascii_xdigit_value (p[1]);
          int low = high >= 0 ? g_ascii_xdigit_value (p[2]) : -1;

          if (low < 0)
            return FALSE;
          g_string_append_c (key, (char) (high * 16 + low));
          p += 2;
        }
      else
        {
          g_string_append_c (key, *p);
        }
    }

  if ((slash = strchr (key->str, '/')) == NULL)
    return FALSE;
  app_id = g_strndup (key->str, slash - key->str);
  if (!jsd_args_check_app_id (app_id, NULL) || !jsd_args_check_store_name (slash + 1, NULL))
    return FALSE;

  /* One path per store: no other spelling of the same bytes. */
  canonical = store_object_path (app_id, slash + 1);
  if (strcmp (canonical + strlen (STORE_PATH_PREFIX "/"), node) != 0)
    return FALSE;

  *out_app_id = g_steal_pointer (&app_id);
  *out_name = g_strdup (slash + 1);
  return TRUE;
}

/* Idling */

static gboolean
on_idle_timeout (gpointer user_data)
{
  JsdDaemon *self = JSD_DAEMON (user_data);

  self->idle_id = 0;
  g_debug ("Idle for %u seconds, exiting", self->limits.idle_timeout);
  g_signal_emit (self, signals[IDLE], 0);
  return G_SOURCE_REMOVE;
}

static gboolean
is_idle (JsdDaemon *self)
{
  GHashTableIter iter;
  JsdStore *store;

  if (g_hash_table_size (self->invocations) > 0 ||
      jsd_callers_get_n_callers (self->callers) > 0)
    return FALSE;

  g_hash_table_iter_init (&iter, self->stores);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &store))
    if (jsd_store_get_busy (store))
      return FALSE;
  return TRUE;
}

static void
update_idle (JsdDaemon *self)
{
  if (self->limits.idle_timeout == 0 || !is_idle (self))
    g_clear_handle_id (&self->idle_id, g_source_remove);
  else if (self->idle_id == 0)
    self->idle_id = g_timeout_add_seconds (self->limits.idle_timeout, on_idle_timeout, self);
}

static void
invocation_finalized (gpointer  user_data,
                      GObject  *where_the_object_was)
{
  JsdDaemon *self = JSD_DAEMON (user_data);

  g_hash_table_remove (self->invocations, where_the_object_was);
  update_idle (self);
}

/* The daemon is busy until the invocation is answered, which drops it. */
static void
track_invocation (JsdDaemon             *self,
                  GDBusMethodInvocation *invocation)
{
  g_hash_table_add (self->invocations, invocation);
  g_object_weak_ref (G_OBJECT (invocation), invocation_finalized, self);
  update_idle (self);
}

static void
on_store_busy_changed (JsdStore   *store,
                       GParamSpec *pspec,
                       JsdDaemon  *self)
{
  update_idle (self);
}

static void
on_caller_vanished (JsdCallers *callers,
                    const char *sender,
                    JsdDaemon  *self)
{
  GHashTableIter iter;
  JsdStore *store;

  g_hash_table_iter_init (&iter, self->stores);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &store))
    jsd_store_remove_client (store, sender);
}

static void
on_n_callers_changed (JsdCallers *callers,
                      GParamSpec *pspec,
                      JsdDaemon  *self)
{
  update_idle (self);
}

/* Stores */

static void
unused_store_closed (GObject      *object,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  if (!jsd_store_close_finish (JSD_STORE (object), result, &error))
    g_message ("Could not close %s: %s", jsd_store_get_object_path (JSD_STORE (object)),
               error->message);
#ifdef HAVE_MALLOC_TRIM
  /* The heap the store used goes back to the system, not only to malloc:
   * a service's memory must return near its baseline once apps leave. */
  malloc_trim (0);
#endif
}

/* Stores without clients or work for the store idle timeout close: each
 * holds files, a thread and the state of its scopes. A later call reopens
 * one from its files. */
static gboolean
close_unused_stores (gpointer user_data)
{
  JsdDaemon *self = JSD_DAEMON (user_data);
  gint64 cutoff = g_get_monotonic_time () -
                  (gint64) self->limits.store_idle_timeout * G_USEC_PER_SEC;
  GHashTableIter iter;
  JsdStore *store;

  g_hash_table_iter_init (&iter, self->stores);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &store))
    {
      gint64 unused_since = jsd_store_get_unused_since (store);

      if (unused_since == 0 || unused_since > cutoff)
        continue;
      g_debug ("Closing the unused store %s", jsd_store_get_object_path (store));
      jsd_store_close_async (store, NULL, unused_store_closed, NULL);
      g_hash_table_iter_remove (&iter);
    }

  if (g_hash_table_size (self->stores) > 0)
    return G_SOURCE_CONTINUE;
  self->close_unused_id = 0;
  return G_SOURCE_REMOVE;
}

static JsdStore *
lookup_or_add_store (JsdDaemon   *self,
                     const char  *app_id,
                     const char  *name,
                     GError     **error)
{
  g_autofree char *path = store_object_path (app_id, name);
  g_autofree char *app_prefix = store_object_path (app_id, "");
  g_autofree char *directory = NULL;
  GHashTableIter iter;
  const char *other_path;
  JsdStore *store;
  guint n_stores = 0;

  if ((store = g_hash_table_lookup (self->stores, path)) != NULL)
    return store;

  /* Each store costs file descriptors and a thread: no application may
   * take them all. */
  if (g_hash_table_size (self->stores) >= self->limits.max_stores)
    {
      g_set_error (error, G_DBUS_ERROR, G_DBUS_ERROR_LIMITS_EXCEEDED,
                   _("The service has %u stores open, its most: try again later"),
                   self->limits.max_stores);
      return NULL;
    }
  g_hash_table_iter_init (&iter, self->stores);
  while (g_hash_table_iter_next (&iter, (gpointer *) &other_path, NULL))
    if (g_str_has_prefix (other_path, app_prefix) && ++n_stores >= self->limits.max_stores_per_app)
      {
        g_set_error (error, G_DBUS_ERROR, G_DBUS_ERROR_LIMITS_EXCEEDED,
                     _("An application can have at most %u stores open"),
                     self->limits.max_stores_per_app);
        return NULL;
      }

  directory = g_build_filename (self->data_dir, app_id, NULL);
  store = jsd_store_new (self->connection, path, app_id, name, directory);
  g_signal_connect_object (store, "notify::busy", G_CALLBACK (on_store_busy_changed), self,
                           G_CONNECT_DEFAULT);
  g_hash_table_insert (self->stores, g_steal_pointer (&path), store);
  if (self->close_unused_id == 0)
    self->close_unused_id = g_timeout_add_seconds (MAX (self->limits.store_idle_timeout, 1),
                                                   close_unused_stores, self);
  return store;
}

typedef struct
{
  JsdDaemon *self;
  GDBusMethodInvocation *invocation;
} Request;

static Request *
request_new (JsdDaemon             *self,
             GDBusMethodInvocation *invocation)
{
  Request *request = g_new0 (Request, 1);

  request->self = g_object_ref (self);
  request->invocation = g_object_ref (invocation);
  return request;
}

static void
request_free (Request *request)
{
  g_object_unref (request->self);
  g_object_unref (request->invocation);
  g_free (request);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Request, request_free)

/* A store that failed to open is forgotten, unless another call is
 * opening it or it was open before. */
static void
forget_store_if_closed (JsdDaemon *self,
                        JsdStore  *store)
{
  if (!jsd_store_get_open (store) && !jsd_store_get_busy (store))
    g_hash_table_remove (self->stores, jsd_store_get_object_path (store));
}

/* The store is open for the call, an OpenStore() or a call to the store:
 * the caller becomes one of its clients, and gets its answer. */
static void
store_opened (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(Request) request = user_data;
  GDBusMethodInvocation *invocation = request->invocation;
  JsdStore *store = JSD_STORE (object);
  g_autoptr(GError) error = NULL;

  if (!jsd_store_open_finish (store, result, &error))
    {
      forget_store_if_closed (request->self, store);
      jsd_store_return_error (invocation, error);
      return;
    }

  jsd_store_add_client (store, g_dbus_method_invocation_get_sender (invocation));
  if (g_str_equal (g_dbus_method_invocation_get_interface_name (invocation), MANAGER_INTERFACE))
    _just_sync_gen_manager_complete_open_store (request->self->manager, invocation,
                                                jsd_store_get_object_path (store));
  else
    jsd_store_handle_method_call (store, invocation);
}

/* Whether the store @name of @app_id was created: it has its remote's
 * configuration file. */
static gboolean
store_has_files (JsdDaemon  *self,
                 const char *app_id,
                 const char *name)
{
  g_autofree char *config_name = g_strconcat (name, ".conf", NULL);
  g_autofree char *config_path = g_build_filename (self->data_dir, app_id, config_name, NULL);

  return g_file_test (config_path, G_FILE_TEST_IS_REGULAR);
}

/* Disk quota */

/* The bytes of the files of @app_id's stores. */
static guint64
app_disk_usage (JsdDaemon  *self,
                const char *app_id)
{
  g_autofree char *directory = g_build_filename (self->data_dir, app_id, NULL);
  g_autoptr(GDir) dir = g_dir_open (directory, 0, NULL);
  const char *name;
  guint64 total = 0;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = g_build_filename (directory, name, NULL);
      GStatBuf buf;

      if (g_lstat (path, &buf) == 0 && S_ISREG (buf.st_mode))
        total += (guint64) buf.st_size;
    }
  return total;
}

/* Whether a call of @method may make @app_id's files grow: writes, and
 * syncs, which pull. */
static gboolean
method_may_grow (const char *method,
                 GVariant   *parameters)
{
  const char *policy;

  if (g_str_equal (method, "Create") || g_str_equal (method, "Update") ||
      g_str_equal (method, "Synchronize"))
    return TRUE;
  if (!g_str_equal (method, "Query"))
    return FALSE;
  g_variant_get_child (parameters, 1, "&s", &policy);
  return g_str_equal (policy, "remote-first") || g_str_equal (policy, "online-only");
}

/* Refuses a call that would grow the files of an application over its
 * quota. While it is over, its stores stop syncing in the background. */
static gboolean
check_quota (JsdDaemon   *self,
             const char  *app_id,
             GError     **error)
{
  g_autofree char *app_prefix = NULL;
  GHashTableIter iter;
  const char *path;
  JsdStore *store;
  guint64 usage;
  gboolean over;

  if (self->limits.quota_per_app == 0)
    return TRUE;

  usage = app_disk_usage (self, app_id);
  over = usage >= self->limits.quota_per_app;
  app_prefix = store_object_path (app_id, "");
  g_hash_table_iter_init (&iter, self->stores);
  while (g_hash_table_iter_next (&iter, (gpointer *) &path, (gpointer *) &store))
    if (g_str_has_prefix (path, app_prefix))
      jsd_store_set_over_quota (store, over);
  if (!over)
    return TRUE;

  g_set_error (error, G_DBUS_ERROR, G_DBUS_ERROR_LIMITS_EXCEEDED,
               _("The stores of %s use %llu MiB of disk, their quota is %llu MiB: "
                 "delete records, or ask for a larger quota (justsyncd --quota)"),
               app_id, (unsigned long long) (usage / (1024 * 1024)),
               (unsigned long long) (self->limits.quota_per_app / (1024 * 1024)));
  return FALSE;
}

/* Manager.OpenStore */

static void
open_store_identified (GObject      *object,
                       GAsyncResult *result,
                       gpointer      user_data)
{
  g_autoptr(Request) request = user_data;
  JsdDaemon *self = request->self;
  GDBusMethodInvocation *invocation = request->invocation;
  g_autoptr(JsdAppInfo) info = NULL;
  GVariant *parameters = g_dbus_method_invocation_get_parameters (invocation);
  g_autoptr(GVariant) options = NULL;
  const char *name, *app_id = NULL;
  GError *error = NULL;
  JsdStore *store;

  if ((info = jsd_callers_lookup_finish (JSD_CALLERS (object), result, &error)) == NULL)
    goto fail;

  g_variant_get (parameters, "(&s@a{sv})", &name, &options);
  if (!jsd_args_check_store_name (name, &error) ||
      !jsd_args_get_string_option (options, "app-id", &app_id, &error))
    goto fail;

  if (app_id == NULL)
    app_id = jsd_app_info_get_app_id (info);
  else if (!jsd_args_check_app_id (app_id, &error))
    goto fail;

  if (!jsd_app_info_may_act_for (info, app_id))
    {
      g_set_error (&error, G_DBUS_ERROR, G_DBUS_ERROR_ACCESS_DENIED,
                   _("The sandboxed application %s cannot open the stores of another application"),
                   jsd_app_info_get_app_id (info));
      goto fail;
    }

  /* A new store would grow the application's files; an existing one
   * opens, so that records can be deleted. */
  if ((!store_has_files (self, app_id, name) && !check_quota (self, app_id, &error)) ||
      (store = lookup_or_add_store (self, app_id, name, &error)) == NULL)
    goto fail;

  jsd_store_open_async (store, options, NULL, store_opened, g_steal_pointer (&request));
  return;

fail:
  jsd_store_return_error (invocation, error);
  g_error_free (error);
}

static gboolean
on_handle_open_store (_JustSyncGenManager    *manager,
                      GDBusMethodInvocation  *invocation,
                      const char             *name,
                      GVariant               *options,
                      JsdDaemon              *self)
{
  track_invocation (self, invocation);
  jsd_callers_lookup_async (self->callers, g_dbus_method_invocation_get_sender (invocation),
                            NULL, open_store_identified, request_new (self, invocation));
  return G_DBUS_METHOD_INVOCATION_HANDLED;
}

/* Store calls */

static void
store_call_identified (GObject      *object,
                       GAsyncResult *result,
                       gpointer      user_data)
{
  g_autoptr(Request) request = user_data;
  JsdDaemon *self = request->self;
  GDBusMethodInvocation *invocation = request->invocation;
  const char *path = g_dbus_method_invocation_get_object_path (invocation);
  g_autoptr(JsdAppInfo) info = NULL;
  g_autofree char *app_id = NULL;
  g_autofree char *name = NULL;
  GError *error = NULL;
  JsdStore *store;

  if ((info = jsd_callers_lookup_finish (JSD_CALLERS (object), result, &error)) == NULL)
    {
      jsd_store_return_error (invocation, error);
      g_error_free (error);
      return;
    }

  /* Another application's store looks like one that does not exist. A
   * store not loaded since the start is reopened if it has files. */
  if (!parse_store_node (path + strlen (STORE_PATH_PREFIX "/"), &app_id, &name) ||
      !jsd_app_info_may_act_for (info, app_id))
    goto unknown;

  if (g_str_equal (g_dbus_method_invocation_get_interface_name (invocation), JSD_STORE_INTERFACE) &&
      method_may_grow (g_dbus_method_invocation_get_method_name (invocation),
                       g_dbus_method_invocation_get_parameters (invocation)) &&
      !check_quota (self, app_id, &error))
    {
      g_dbus_method_invocation_take_error (invocation, error);
      return;
    }

  if ((store = g_hash_table_lookup (self->stores, path)) == NULL &&
      (!store_has_files (self, app_id, name) ||
       (store = lookup_or_add_store (self, app_id, name, NULL)) == NULL))
    goto unknown;

  jsd_store_open_async (store, g_variant_new ("a{sv}", NULL), NULL,
                        store_opened, g_steal_pointer (&request));
  return;

unknown:
  g_dbus_method_invocation_return_error (invocation, G_DBUS_ERROR, G_DBUS_ERROR_UNKNOWN_OBJECT,
                                         _("No such store “%s”"), path);
}

static void
store_method_call (GDBusConnection       *connection,
                   const char            *sender,
                   const char            *object_path,
                   const char            *interface_name,
                   const char            *method_name,
                   GVariant              *parameters,
                   GDBusMethodInvocation *invocation,
                   gpointer               user_data)
{
  JsdDaemon *self = JSD_DAEMON (user_data);

  track_invocation (self, invocation);
  jsd_callers_lookup_async (self->callers, sender, NULL, store_call_identified,
                            request_new (self, invocation));
}

/* No get_property or set_property: property calls reach store_method_call
 * too, so that they are checked and served like the others. */
static const GDBusInterfaceVTable store_vtable = {
  store_method_call, NULL, NULL, { 0 }
};

static char **
subtree_enumerate (GDBusConnection *connection,
                   const char      *sender,
                   const char      *object_path,
                   gpointer         user_data)
{
  JsdDaemon *self = JSD_DAEMON (user_data);
  JsdAppInfo *info = jsd_callers_peek (self->callers, sender);
  g_autoptr(GStrvBuilder) nodes = g_strv_builder_new ();
  GHashTableIter iter;
  const char *path;

  /* Only callers identified already see anything: enumeration cannot wait
   * for a lookup. */
  g_hash_table_iter_init (&iter, self->stores);
  while (info != NULL && g_hash_table_iter_next (&iter, (gpointer *) &path, NULL))
    {
      const char *node = path + strlen (STORE_PATH_PREFIX "/");
      g_autofree char *app_id = NULL;
      g_autofree char *name = NULL;

      if (parse_store_node (node, &app_id, &name) && jsd_app_info_may_act_for (info, app_id))
        g_strv_builder_add (nodes, node);
    }
  return g_strv_builder_end (nodes);
}

static GDBusInterfaceInfo **
subtree_introspect (GDBusConnection *connection,
                    const char      *sender,
                    const char      *object_path,
                    const char      *node,
                    gpointer         user_data)
{
  g_autofree char *app_id = NULL;
  g_autofree char *name = NULL;
  GDBusInterfaceInfo **infos;

  /* The same answer for every well-formed path, existing or not, so that
   * introspection tells nothing about other applications. */
  if (!parse_store_node (node, &app_id, &name))
    return NULL;

  infos = g_new0 (GDBusInterfaceInfo *, 2);
  infos[0] = g_dbus_interface_info_ref (_just_sync_gen_store_interface_info ());
  return infos;
}

static const GDBusInterfaceVTable *
subtree_dispatch (GDBusConnection *connection,
                  const char      *sender,
                  const char      *object_path,
                  const char      *interface_name,
                  const char      *node,
                  gpointer        *out_user_data,
                  gpointer         user_data)
{
  g_autofree char *app_id = NULL;
  g_autofree char *name = NULL;

  if (g_strcmp0 (interface_name, JSD_STORE_INTERFACE) != 0 ||
      !parse_store_node (node, &app_id, &name))
    return NULL;

  *out_user_data = user_data;
  return &store_vtable;
}

static const GDBusSubtreeVTable subtree_vtable = {
  subtree_enumerate, subtree_introspect, subtree_dispatch, { 0 }
};

/* Lifecycle */

JsdDaemon *
jsd_daemon_new (GDBusConnection        *connection,
                const char             *data_dir,
                const char             *proc_root,
                const JsdDaemonLimits  *limits,
                GError                **error)
{
  g_autoptr(JsdDaemon) self = g_object_new (JSD_TYPE_DAEMON, NULL);

  /* Registers the error domain, so errors get their D-Bus names. */
  just_sync_error_quark ();

  self->connection = g_object_ref (connection);
  self->data_dir = g_strdup (data_dir);
  self->limits = *limits;

  self->callers = jsd_callers_new (connection, proc_root);
  g_signal_connect_object (self->callers, "caller-vanished", G_CALLBACK (on_caller_vanished),
                           self, G_CONNECT_DEFAULT);
  g_signal_connect_object (self->callers, "notify::n-callers", G_CALLBACK (on_n_callers_changed),
                           self, G_CONNECT_DEFAULT);

  self->manager = _just_sync_gen_manager_skeleton_new ();
  _just_sync_gen_manager_set_version (self->manager, MANAGER_INTERFACE_VERSION);
  g_signal_connect_object (self->manager, "handle-open-store", G_CALLBACK (on_handle_open_store),
                           self, G_CONNECT_DEFAULT);
  if (!g_dbus_interface_skeleton_export (G_DBUS_INTERFACE_SKELETON (self->manager), connection,
                                         JSD_OBJECT_PATH, error))
    return NULL;

  self->subtree_id =
    g_dbus_connection_register_subtree (connection, STORE_PATH_PREFIX, &subtree_vtable,
                                        G_DBUS_SUBTREE_FLAGS_DISPATCH_TO_UNENUMERATED_NODES,
                                        self, NULL, error);
  if (self->subtree_id == 0)
    return NULL;

  update_idle (self);
  return g_steal_pointer (&self);
}

/* Stops serving: unexports everything and forgets the calls in flight. */
static void
stop_serving (JsdDaemon *self)
{
  GHashTableIter iter;
  GDBusMethodInvocation *invocation;

  g_clear_handle_id (&self->idle_id, g_source_remove);
  g_clear_handle_id (&self->close_unused_id, g_source_remove);
  if (self->subtree_id != 0)
    g_dbus_connection_unregister_subtree (self->connection, self->subtree_id);
  self->subtree_id = 0;
  if (self->manager != NULL &&
      g_dbus_interface_skeleton_get_connection (G_DBUS_INTERFACE_SKELETON (self->manager)) != NULL)
    g_dbus_interface_skeleton_unexport (G_DBUS_INTERFACE_SKELETON (self->manager));

  g_hash_table_iter_init (&iter, self->invocations);
  while (g_hash_table_iter_next (&iter, (gpointer *) &invocation, NULL))
    g_object_weak_unref (G_OBJECT (invocation), invocation_finalized, self);
  g_hash_table_remove_all (self->invocations);
}

static void
store_closed (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  guint *n_open = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;

  if (!jsd_store_close_finish (JSD_STORE (object), result, &error))
    g_message ("Could not close %s: %s", jsd_store_get_object_path (JSD_STORE (object)),
               error->message);
  if (--*n_open == 0)
    g_task_return_boolean (task, TRUE);
}

/* Stops serving and closes every store. */
void
jsd_daemon_close_async (JsdDaemon           *self,
                        GAsyncReadyCallback  callback,
                        gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GHashTable) stores = NULL;
  GHashTableIter iter;
  JsdStore *store;
  guint *n_open;

  g_return_if_fail (JSD_IS_DAEMON (self));

  task = g_task_new (self, NULL, callback, user_data);
  g_task_set_source_tag (task, jsd_daemon_close_async);
  n_open = g_new0 (guint, 1);
  g_task_set_task_data (task, n_open, g_free);

  stop_serving (self);
  stores = g_steal_pointer (&self->stores);
  self->stores = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_object_unref);

  /* One count for the loop, so that no store closing at once ends it. */
  *n_open = 1;
  g_hash_table_iter_init (&iter, stores);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &store))
    {
      ++*n_open;
      jsd_store_close_async (store, NULL, store_closed, g_object_ref (task));
    }
  if (--*n_open == 0)
    g_task_return_boolean (task, TRUE);
}

gboolean
jsd_daemon_close_finish (JsdDaemon     *self,
                         GAsyncResult  *result,
                         GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
jsd_daemon_dispose (GObject *object)
{
  JsdDaemon *self = JSD_DAEMON (object);

  stop_serving (self);
  g_clear_object (&self->manager);
  g_clear_object (&self->callers);

  G_OBJECT_CLASS (jsd_daemon_parent_class)->dispose (object);
}

static void
jsd_daemon_finalize (GObject *object)
{
  JsdDaemon *self = JSD_DAEMON (object);

  g_clear_object (&self->connection);
  g_clear_pointer (&self->data_dir, g_free);
  g_clear_pointer (&self->stores, g_hash_table_unref);
  g_clear_pointer (&self->invocations, g_hash_table_unref);

  G_OBJECT_CLASS (jsd_daemon_parent_class)->finalize (object);
}

static void
jsd_daemon_class_init (JsdDaemonClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = jsd_daemon_dispose;
  object_class->finalize = jsd_daemon_finalize;

  /* Emitted when the service had no clients and no work for the idle
   * timeout: time to exit. */
  signals[IDLE] =
    g_signal_new ("idle", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
jsd_daemon_init (JsdDaemon *self)
{
  self->stores = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_object_unref);
  self->invocations = g_hash_table_new (NULL, NULL);
}
