/* jsd-callers.c: the identities of the service's clients
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Maps the unique bus name of every connection that called the service to
 * its application, looked up once per connection and forgotten when the
 * connection goes away. The connections it knows are the service's
 * clients: it stays alive while it has any.
 *
 * It also notes when each connection appeared on the bus, in a message
 * filter so that a busy main loop does not delay it: the process the bus
 * names for it must have started before (see jsd-app-info.c). At every
 * later call it checks that this process is still there, unchanged.
 */

#include "config.h"

#include <time.h>
#include <unistd.h>

#include <glib/gi18n.h>

#include "jsd-callers.h"

/* When each connection appeared, noted in GDBus's worker thread as soon as
 * the bus tells, however busy the main loop is. */
typedef struct
{
  GMutex lock;
  GHashTable *times;    /* unique name -> gint64 *, microseconds since boot */
} Appearances;

struct _JsdCallers
{
  GObject parent_instance;

  GDBusConnection *connection;
  char *proc_root;
  guint name_owner_changed_id;

  GHashTable *known;    /* unique name -> JsdAppInfo */
  GHashTable *pending;  /* unique name -> Lookup */
  Appearances *appearances;
  guint filter_id;
  gint64 watching_since;
};

typedef struct
{
  JsdCallers *self;
  char *sender;
  GPtrArray *waiters;   /* GTask */
  gboolean vanished;
} Lookup;

typedef struct
{
  char *proc_root;
  guint32 pid;
  gint64 connected_before;
} ProcRead;

enum {
  PROP_0,
  PROP_N_CALLERS,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum {
  CALLER_VANISHED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (JsdCallers, jsd_callers, G_TYPE_OBJECT)

/* The clock of the start times in /proc/PID/stat. */
static gint64
boot_time_now (void)
{
  struct timespec now;

  clock_gettime (CLOCK_BOOTTIME, &now);
  return (gint64) now.tv_sec * G_USEC_PER_SEC + now.tv_nsec / 1000;
}

static void
appearances_clear (Appearances *appearances)
{
  g_mutex_clear (&appearances->lock);
  g_hash_table_unref (appearances->times);
}

static void
appearances_unref (gpointer appearances)
{
  g_rc_box_release_full (appearances, (GDestroyNotify) appearances_clear);
}

/* A filter: runs in GDBus's worker thread. */
static GDBusMessage *
note_appearances (GDBusConnection *connection,
                  GDBusMessage    *message,
                  gboolean         incoming,
                  gpointer         user_data)
{
  Appearances *appearances = user_data;
  GVariant *body = g_dbus_message_get_body (message);
  const char *name, *old_owner, *new_owner;

  if (!incoming || g_dbus_message_get_message_type (message) != G_DBUS_MESSAGE_TYPE_SIGNAL ||
      g_strcmp0 (g_dbus_message_get_sender (message), "org.freedesktop.DBus") != 0 ||
      g_strcmp0 (g_dbus_message_get_member (message), "NameOwnerChanged") != 0 ||
      body == NULL || !g_variant_is_of_type (body, G_VARIANT_TYPE ("(sss)")))
    return message;

  g_variant_get (body, "(&s&s&s)", &name, &old_owner, &new_owner);
  if (name[0] != ':')
    return message;

  g_mutex_lock (&appearances->lock);
  if (new_owner[0] != '\0')
    {
      gint64 *appeared = g_new (gint64, 1);

      *appeared = boot_time_now ();
      g_hash_table_insert (appearances->times, g_strdup (name), appeared);
    }
  else
    {
      g_hash_table_remove (appearances->times, name);
    }
  g_mutex_unlock (&appearances->lock);
  return message;
}

static void
lookup_free (Lookup *lookup)
{
  g_object_unref (lookup->self);
  g_free (lookup->sender);
  g_ptr_array_unref (lookup->waiters);
  g_free (lookup);
}

static void
proc_read_free (ProcRead *read)
{
  g_free (read->proc_root);
  g_free (read);
}

static void
on_name_owner_changed (GDBusConnection *connection,
                       const char      *sender_name,
                       const char      *object_path,
                       const char      *interface_name,
                       const char      *signal_name,
                       GVariant        *parameters,
                       gpointer         user_data)
{
  JsdCallers *self = JSD_CALLERS (user_data);
  const char *name, *old_owner, *new_owner;
  Lookup *lookup;

  if (!g_variant_is_of_type (parameters, G_VARIANT_TYPE ("(sss)")))
    return;
  g_variant_get (parameters, "(&s&s&s)", &name, &old_owner, &new_owner);
  if (name[0] != ':' || new_owner[0] != '\0')
    return;

  /* A lookup still running for it must not cache it when it ends. */
  if ((lookup = g_hash_table_lookup (self->pending, name)) != NULL)
    lookup->vanished = TRUE;

  if (g_hash_table_remove (self->known, name))
    {
      g_signal_emit (self, signals[CALLER_VANISHED], 0, name);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_CALLERS]);
    }
}

static void
lookup_complete (JsdCallers *self,
                 const char *sender,
                 JsdAppInfo *info,
                 GError     *error)
{
  /* Removing the lookup drops the reference it holds. */
  g_autoptr(JsdCallers) hold = g_object_ref (self);
  g_autoptr(GPtrArray) waiters = NULL;
  Lookup *lookup;
  gboolean cached = FALSE;

  lookup = g_hash_table_lookup (self->pending, sender);
  g_assert (lookup != NULL);
  waiters = g_ptr_array_ref (lookup->waiters);

  if (info != NULL && !lookup->vanished)
    {
      g_hash_table_insert (self->known, g_strdup (sender), jsd_app_info_ref (info));
      cached = TRUE;
    }
  g_hash_table_remove (self->pending, sender);

  for (guint i = 0; i < waiters->len; i++)
    {
      GTask *task = g_ptr_array_index (waiters, i);

      if (info != NULL)
        g_task_return_pointer (task, jsd_app_info_ref (info), (GDestroyNotify) jsd_app_info_unref);
      else
        g_task_return_error (task, g_error_copy (error));
    }

  if (cached)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_CALLERS]);
}

static void
proc_read_thread (GTask        *task,
                  gpointer      source_object,
                  gpointer      task_data,
                  GCancellable *cancellable)
{
  ProcRead *read = task_data;
  GError *error = NULL;
  JsdAppInfo *info;

  info = jsd_app_info_new_for_pid (read->proc_root, read->pid, read->connected_before, &error);
  if (info != NULL)
    g_task_return_pointer (task, info, (GDestroyNotify) jsd_app_info_unref);
  else
    g_task_return_error (task, error);
}

static void
proc_read_done (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  JsdCallers *self = JSD_CALLERS (object);
  g_autofree char *sender = user_data;
  g_autoptr(JsdAppInfo) info = NULL;
  g_autoptr(GError) error = NULL;

  info = g_task_propagate_pointer (G_TASK (result), &error);
  if (info == NULL)
    g_message ("Refusing the caller %s: %s", sender, error->message);
  lookup_complete (self, sender, info, error);
}

static void
credentials_done (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  Lookup *lookup = user_data;
  JsdCallers *self = lookup->self;
  g_autoptr(GVariant) reply = NULL;
  g_autoptr(GVariant) credentials = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GTask) task = NULL;
  ProcRead *read;
  gint64 *appeared;
  guint32 pid, uid;

  reply = g_dbus_connection_call_finish (G_DBUS_CONNECTION (object), result, &error);
  if (reply == NULL)
    {
      lookup_complete (self, lookup->sender, NULL, error);
      return;
    }

  g_variant_get (reply, "(@a{sv})", &credentials);
  if (!g_variant_lookup (credentials, "ProcessID", "u", &pid) ||
      !g_variant_lookup (credentials, "UnixUserID", "u", &uid))
    {
      g_set_error (&error, G_DBUS_ERROR, G_DBUS_ERROR_ACCESS_DENIED,
                   _("The bus does not know the process of %s"), lookup->sender);
      lookup_complete (self, lookup->sender, NULL, error);
      return;
    }
  if (uid != getuid ())
    {
      g_set_error (&error, G_DBUS_ERROR, G_DBUS_ERROR_ACCESS_DENIED,
                   _("Only the user running the service may use it"));
      lookup_complete (self, lookup->sender, NULL, error);
      return;
    }

  read = g_new0 (ProcRead, 1);
  read->proc_root = g_strdup (self->proc_root);
  read->pid = pid;
  /* A connection older than the watch on the bus existed by then. */
  g_mutex_lock (&self->appearances->lock);
  appeared = g_hash_table_lookup (self->appearances->times, lookup->sender);
  read->connected_before = appeared != NULL ? *appeared : self->watching_since;
  g_mutex_unlock (&self->appearances->lock);
  task = g_task_new (self, NULL, proc_read_done, g_strdup (lookup->sender));
  g_task_set_source_tag (task, credentials_done);
  g_task_set_task_data (task, read, (GDestroyNotify) proc_read_free);
  g_task_run_in_thread (task, proc_read_thread);
}

void
jsd_callers_lookup_async (JsdCallers          *self,
                          const char          *sender,
                          GCancellable        *cancellable,
                          GAsyncReadyCallback  callback,
                          gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  JsdAppInfo *info;
  Lookup *lookup;

  g_return_if_fail (JSD_IS_CALLERS (self));
  g_return_if_fail (sender != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, jsd_callers_lookup_async);

  if ((info = g_hash_table_lookup (self->known, sender)) != NULL)
    {
      GError *error = NULL;

      /* Blocking, but a few bytes of procfs. */
      if (!jsd_app_info_verify (info, self->proc_root, &error))
        g_task_return_error (task, error);
      else
        g_task_return_pointer (task, jsd_app_info_ref (info),
                               (GDestroyNotify) jsd_app_info_unref);
      return;
    }

  if ((lookup = g_hash_table_lookup (self->pending, sender)) != NULL)
    {
      g_ptr_array_add (lookup->waiters, g_steal_pointer (&task));
      return;
    }

  lookup = g_new0 (Lookup, 1);
  lookup->self = g_object_ref (self);
  lookup->sender = g_strdup (sender);
  lookup->waiters = g_ptr_array_new_with_free_func (g_object_unref);
  g_ptr_array_add (lookup->waiters, g_steal_pointer (&task));
  g_hash_table_insert (self->pending, lookup->sender, lookup);

  g_dbus_connection_call (self->connection,
                          "org.freedesktop.DBus", "/org/freedesktop/DBus",
                          "org.freedesktop.DBus", "GetConnectionCredentials",
                          g_variant_new ("(s)", sender), G_VARIANT_TYPE ("(a{sv})"),
                          G_DBUS_CALL_FLAGS_NONE, -1, NULL,
                          credentials_done, lookup);
}

JsdAppInfo *
jsd_callers_lookup_finish (JsdCallers    *self,
                           GAsyncResult  *result,
                           GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/* The identity of @sender when it is known already, or %NULL. */
JsdAppInfo *
jsd_callers_peek (JsdCallers *self,
                  const char *sender)
{
  g_return_val_if_fail (JSD_IS_CALLERS (self), NULL);

  return sender != NULL ? g_hash_table_lookup (self->known, sender) : NULL;
}

/* The number of connected clients: a lookup still running counts, as its
 * call is being served. */
guint
jsd_callers_get_n_callers (JsdCallers *self)
{
  g_return_val_if_fail (JSD_IS_CALLERS (self), 0);

  return g_hash_table_size (self->known) + g_hash_table_size (self->pending);
}

JsdCallers *
jsd_callers_new (GDBusConnection *connection,
                 const char      *proc_root)
{
  JsdCallers *self = g_object_new (JSD_TYPE_CALLERS, NULL);
  g_autoptr(GVariant) reply = NULL;

  self->connection = g_object_ref (connection);
  self->proc_root = g_strdup (proc_root);
  self->filter_id = g_dbus_connection_add_filter (connection, note_appearances,
                                                  g_rc_box_acquire (self->appearances),
                                                  appearances_unref);
  self->name_owner_changed_id =
    g_dbus_connection_signal_subscribe (connection,
                                        "org.freedesktop.DBus", "org.freedesktop.DBus",
                                        "NameOwnerChanged", "/org/freedesktop/DBus",
                                        NULL, G_DBUS_SIGNAL_FLAGS_NONE,
                                        on_name_owner_changed, self, NULL);
  /* The bus answers in order: once this reply is in, it sends every new
   * connection's NameOwnerChanged, and any older connection existed now. */
  reply = g_dbus_connection_call_sync (connection, "org.freedesktop.DBus",
                                       "/org/freedesktop/DBus", "org.freedesktop.DBus",
                                       "GetId", NULL, NULL, G_DBUS_CALL_FLAGS_NONE,
                                       -1, NULL, NULL);
  self->watching_since = boot_time_now ();
  return self;
}

static void
jsd_callers_finalize (GObject *object)
{
  JsdCallers *self = JSD_CALLERS (object);

  if (self->name_owner_changed_id != 0)
    g_dbus_connection_signal_unsubscribe (self->connection, self->name_owner_changed_id);
  if (self->filter_id != 0)
    g_dbus_connection_remove_filter (self->connection, self->filter_id);
  g_clear_object (&self->connection);
  g_clear_pointer (&self->proc_root, g_free);
  g_clear_pointer (&self->known, g_hash_table_unref);
  g_clear_pointer (&self->pending, g_hash_table_unref);
  g_clear_pointer (&self->appearances, appearances_unref);

  G_OBJECT_CLASS (jsd_callers_parent_class)->finalize (object);
}

static void
jsd_callers_get_property (GObject    *object,
                          guint       prop_id,
                          GValue     *value,
                          GParamSpec *pspec)
{
  JsdCallers *self = JSD_CALLERS (object);

  switch (prop_id)
    {
    case PROP_N_CALLERS:
      g_value_set_uint (value, jsd_callers_get_n_callers (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
jsd_callers_class_init (JsdCallersClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = jsd_callers_finalize;
  object_class->get_property = jsd_callers_get_property;

  properties[PROP_N_CALLERS] =
    g_param_spec_uint ("n-callers", NULL, NULL, 0, G_MAXUINT, 0,
                       G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);

  g_object_class_install_properties (object_class, N_PROPS, properties);

  /* Emitted when a known caller's connection closed. */
  signals[CALLER_VANISHED] =
    g_signal_new ("caller-vanished", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);
}

static void
jsd_callers_init (JsdCallers *self)
{
  self->known = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                       (GDestroyNotify) jsd_app_info_unref);
  self->pending = g_hash_table_new_full (g_str_hash, g_str_equal, NULL,
                                         (GDestroyNotify) lookup_free);
  self->appearances = g_rc_box_new0 (Appearances);
  g_mutex_init (&self->appearances->lock);
  self->appearances->times = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
}
