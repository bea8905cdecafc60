/* jsd-store.c: one application's store, exported on the bus
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * A JsdStore owns the local store (an SQLite file), the remote and the
 * orchestrator of one store of one application, and serves the
 * org.justsync.Sync1.Store methods the daemon routes to it once it checked
 * that the caller may use it. Its signals and property changes go to its
 * clients only, as unicast signals: a broadcast would reach every sandbox
 * allowed to talk to the service, and tell it about other apps' data.
 */

#include "config.h"

#include <errno.h>

#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <justsync/justsync.h>

#include "jsd-args.h"
#include "jsd-credentials.h"
#include "jsd-dbus-generated.h"
#include "jsd-remote-config.h"
#include "jsd-store.h"
#include "justsync-json-private.h"

#define INTERFACE_VERSION 1

/* A reply larger than this fails and asks for paging: the bus caps
 * message sizes, and clients choke on huge ones. */
#define MAX_REPLY_LENGTH (64 * 1024 * 1024)

/* The scopes a store keeps following live, at most. */
#define MAX_WATCHED_SCOPES 64

/* A pull at least this often (microseconds) for remotes that tell of no
 * changes themselves. */
#define SYNC_INTERVAL ((gint64) 60 * G_TIME_SPAN_SECOND)

/* The files of a store's database. */
static const char * const database_suffixes[] = { "", "-wal", "-shm", "-journal" };

struct _JsdStore
{
  GObject parent_instance;

  GDBusConnection *connection;
  char *object_path;
  char *app_id;
  char *name;
  char *directory;
  char *db_path;
  char *config_path;

  JustSyncLocalStore *local;
  JsdRemoteConfig *config;
  JustSyncRemoteStore *remote;
  JustSyncOrchestrator *orchestrator;

  GHashTable *clients;             /* unique bus names */

  /* OpenStore() calls run one at a time. */
  GQueue open_queue;               /* GTask */
  GTask *opening;

  GHashTable *changed_properties;  /* D-Bus property names */
  guint flush_properties_id;

  /* The scopes followed live, the least recently queried first. */
  GQueue watched_order;            /* JustSyncScope */
  GHashTable *watched;             /* scope string -> its link in watched_order */

  /* The fields of mapped collections, as the server told them. */
  GHashTable *fields;              /* scope name -> GStrv */
  GCancellable *detecting;         /* the remote's detections */
  gboolean fields_asked;

  /* Credentials given in a call and not kept in the keyring: gone with
   * the process. */
  gboolean unsaved_credentials;
  /* Its application's files are over their quota: no background syncs. */
  gboolean over_quota;
  gboolean busy;
  gint64 unused_since;
};

enum {
  PROP_0,
  PROP_BUSY,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

G_DEFINE_FINAL_TYPE (JsdStore, jsd_store, G_TYPE_OBJECT)

/* Orchestrator properties and the D-Bus properties that show them. */
static const struct {
  const char *orchestrator;
  const char *dbus;
} mirrored_properties[] = {
  { "state", "State" },
  { "pending-count", "PendingCount" },
  { "failed-count", "FailedCount" },
  { "last-error", "LastError" },
  { "last-sync-time", "LastSync" },
};

static const char *
enum_nick (GType type,
           int   value)
{
  g_autoptr(GEnumClass) klass = g_type_class_ref (type);
  GEnumValue *enum_value = g_enum_get_value (klass, value);

  return enum_value != NULL ? enum_value->value_nick : "unknown";
}

/* Errors */

/* Whether @message names an absolute path: a slash at the start of a word
 * or a quotation (a URL's slashes follow a colon or a host name). */
static gboolean
names_path (const char *message)
{
  for (const char *p = strchr (message, '/'); p != NULL; p = strchr (p + 1, '/'))
    if (p == message || strchr (" \"'(", p[-1]) != NULL ||
        (p - message >= 3 && strncmp (p - 3, "“", 3) == 0))
      return TRUE;
  return FALSE;
}

/* What a caller may read of @message: callers may be sandboxed, and must
 * not learn where the user's files are, so a message that names a path is
 * logged here and replaced. */
static const char *
public_message (const char *message)
{
  if (!names_path (message))
    return message;
  g_message ("%s", message);
  return _("The service could not use the store’s files (its log has the details)");
}

void
jsd_store_return_error (GDBusMethodInvocation *invocation,
                        const GError          *error)
{
  const char *message = public_message (error->message);

  /* JustSync and D-Bus errors have D-Bus names; anything else would reach
   * the client as an unmapped GError, so it is reported as Failed. */
  if (error->domain == JUST_SYNC_ERROR || error->domain == G_DBUS_ERROR)
    g_dbus_method_invocation_return_error_literal (invocation, error->domain, error->code,
                                                   message);
  else
    g_dbus_method_invocation_return_error_literal (invocation, JUST_SYNC_ERROR,
                                                   JUST_SYNC_ERROR_FAILED, message);
}

static void
return_error_take (GDBusMethodInvocation *invocation,
                   GError                *error)
{
  jsd_store_return_error (invocation, error);
  g_error_free (error);
}

/* Signals and properties, to the clients only */

static void
emit_to_clients (JsdStore   *self,
                 const char *interface_name,
                 const char *signal_name,
                 GVariant   *parameters)
{
  g_autoptr(GVariant) owned = g_variant_ref_sink (parameters);
  GHashTableIter iter;
  const char *client;

  g_hash_table_iter_init (&iter, self->clients);
  while (g_hash_table_iter_next (&iter, (gpointer *) &client, NULL))
    g_dbus_connection_emit_signal (self->connection, client, self->object_path,
                                   interface_name, signal_name, owned, NULL);
}

static GVariant *
get_property_value (JsdStore   *self,
                    const char *property_name)
{
  JustSyncOrchestrator *orchestrator = self->orchestrator;

  if (g_str_equal (property_name, "version"))
    return g_variant_new_uint32 (INTERFACE_VERSION);
  if (g_str_equal (property_name, "Name"))
    return g_variant_new_string (self->name);
  if (g_str_equal (property_name, "AppId"))
    return g_variant_new_string (self->app_id);
  if (g_str_equal (property_name, "Remote"))
    return g_variant_new_string (jsd_remote_config_get_kind_name (self->config));
  if (g_str_equal (property_name, "State"))
    return g_variant_new_string (enum_nick (JUST_SYNC_TYPE_SYNC_STATE,
                                            just_sync_orchestrator_get_state (orchestrator)));
  if (g_str_equal (property_name, "PendingCount"))
    return g_variant_new_uint32 (just_sync_orchestrator_get_pending_count (orchestrator));
  if (g_str_equal (property_name, "FailedCount"))
    return g_variant_new_uint32 (just_sync_orchestrator_get_failed_count (orchestrator));
  if (g_str_equal (property_name, "LastError"))
    {
      const char *last_error = just_sync_orchestrator_get_last_error (orchestrator);

      return g_variant_new_string (last_error != NULL ? public_message (last_error) : "");
    }
  if (g_str_equal (property_name, "LastSync"))
    return g_variant_new_int64 (just_sync_orchestrator_get_last_sync_time (orchestrator));
  return NULL;
}

static gboolean
flush_properties (gpointer user_data)
{
  JsdStore *self = JSD_STORE (user_data);
  GVariantBuilder changed;
  GHashTableIter iter;
  const char *name;

  self->flush_properties_id = 0;

  g_variant_builder_init (&changed, G_VARIANT_TYPE_VARDICT);
  g_hash_table_iter_init (&iter, self->changed_properties);
  while (g_hash_table_iter_next (&iter, (gpointer *) &name, NULL))
    g_variant_builder_add (&changed, "{sv}", name, get_property_value (self, name));
  g_hash_table_remove_all (self->changed_properties);

  emit_to_clients (self, "org.freedesktop.DBus.Properties", "PropertiesChanged",
                   g_variant_new ("(sa{sv}as)", JSD_STORE_INTERFACE, &changed, NULL));
  return G_SOURCE_REMOVE;
}

static void
queue_property_change (JsdStore   *self,
                       const char *dbus_name)
{
  g_hash_table_add (self->changed_properties, (gpointer) dbus_name);
  if (self->flush_properties_id == 0)
    self->flush_properties_id = g_idle_add (flush_properties, self);
}

/* Unused: no clients and not busy, since when (monotonic), or 0. */
static void
update_unused (JsdStore *self)
{
  gboolean unused = !self->busy && g_hash_table_size (self->clients) == 0;

  if (!unused)
    self->unused_since = 0;
  else if (self->unused_since == 0)
    self->unused_since = g_get_monotonic_time ();
}

/* Busy while opening, syncing, or about to push queued changes, or while
 * it holds credentials it could not get back: the daemon neither closes
 * it nor exits then. Changes that cannot be pushed (offline, failing
 * server) wait in the database for the next start. */
static void
update_busy (JsdStore *self)
{
  gboolean busy = self->opening != NULL || self->unsaved_credentials;

  if (self->orchestrator != NULL)
    {
      JustSyncSyncState state = just_sync_orchestrator_get_state (self->orchestrator);

      busy = busy || state == JUST_SYNC_STATE_SYNCING ||
             (state == JUST_SYNC_STATE_IDLE &&
              just_sync_orchestrator_get_pending_count (self->orchestrator) > 0);
    }

  if (busy != self->busy)
    {
      self->busy = busy;
      update_unused (self);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BUSY]);
    }
}

static void
on_orchestrator_notify (GObject    *object,
                        GParamSpec *pspec,
                        gpointer    user_data)
{
  JsdStore *self = JSD_STORE (user_data);

  for (guint i = 0; i < G_N_ELEMENTS (mirrored_properties); i++)
    if (g_str_equal (pspec->name, mirrored_properties[i].orchestrator))
      queue_property_change (self, mirrored_properties[i].dbus);
  update_busy (self);
}

static void
on_orchestrator_changed (JustSyncOrchestrator *orchestrator,
                         JustSyncScope        *scope,
                         GStrv                 ids,
                         gpointer              user_data)
{
  JsdStore *self = JSD_STORE (user_data);

  emit_to_clients (self, JSD_STORE_INTERFACE, "Changed",
                   g_variant_new ("(s^as)", just_sync_scope_to_string (scope), ids));
}

static void
on_orchestrator_progress (JustSyncOrchestrator *orchestrator,
                          JustSyncScope        *scope,
                          JustSyncSyncPhase     phase,
                          guint                 done,
                          guint                 total,
                          gpointer              user_data)
{
  JsdStore *self = JSD_STORE (user_data);
  GVariantBuilder progress;

  g_variant_builder_init (&progress, G_VARIANT_TYPE_VARDICT);
  g_variant_builder_add (&progress, "{sv}", "phase",
                         g_variant_new_string (enum_nick (JUST_SYNC_TYPE_SYNC_PHASE, phase)));
  g_variant_builder_add (&progress, "{sv}", "done", g_variant_new_uint32 (done));
  g_variant_builder_add (&progress, "{sv}", "total", g_variant_new_uint32 (total));
  emit_to_clients (self, JSD_STORE_INTERFACE, "Progress",
                   g_variant_new ("(sa{sv})", just_sync_scope_to_string (scope), &progress));
}

static GVariant *
sync_result_to_variant (JustSyncSyncResult *result)
{
  GVariantBuilder stats;

  g_variant_builder_init (&stats, G_VARIANT_TYPE_VARDICT);
  g_variant_builder_add (&stats, "{sv}", "pulled",
                         g_variant_new_uint32 (just_sync_sync_result_get_pulled (result)));
  g_variant_builder_add (&stats, "{sv}", "pushed",
                         g_variant_new_uint32 (just_sync_sync_result_get_pushed (result)));
  g_variant_builder_add (&stats, "{sv}", "deleted",
                         g_variant_new_uint32 (just_sync_sync_result_get_deleted (result)));
  g_variant_builder_add (&stats, "{sv}", "conflicts",
                         g_variant_new_uint32 (just_sync_sync_result_get_conflicts (result)->len));
  g_variant_builder_add (&stats, "{sv}", "failed",
                         g_variant_new_uint32 (just_sync_sync_result_get_failed_ops (result)->len));
  g_variant_builder_add (&stats, "{sv}", "finished-at",
                         g_variant_new_int64 (just_sync_sync_result_get_finished_at (result)));
  return g_variant_builder_end (&stats);
}

static void
on_orchestrator_sync_finished (JustSyncOrchestrator *orchestrator,
                               JustSyncScope        *scope,
                               JustSyncSyncResult   *result,
                               const GError         *error,
                               gpointer              user_data)
{
  JsdStore *self = JSD_STORE (user_data);
  GVariant *stats;

  if (result != NULL)
    {
      stats = sync_result_to_variant (result);
    }
  else
    {
      g_autofree char *error_name = NULL;
      GVariantBuilder builder;

      /* Only D-Bus names the client can match on: see
       * jsd_store_return_error(). */
      if (error->domain == JUST_SYNC_ERROR || error->domain == G_DBUS_ERROR)
        error_name = g_dbus_error_encode_gerror (error);
      else
        error_name = g_strdup ("org.justsync.Sync1.Error.Failed");

      g_variant_builder_init (&builder, G_VARIANT_TYPE_VARDICT);
      g_variant_builder_add (&builder, "{sv}", "error", g_variant_new_string (error_name));
      g_variant_builder_add (&builder, "{sv}", "error-message",
                             g_variant_new_string (public_message (error->message)));
      stats = g_variant_builder_end (&builder);
    }

  emit_to_clients (self, JSD_STORE_INTERFACE, "SyncFinished",
                   g_variant_new ("(s@a{sv})", just_sync_scope_to_string (scope), stats));
}

static void
set_orchestrator (JsdStore             *self,
                  JustSyncOrchestrator *orchestrator)
{
  if (self->orchestrator != NULL)
    g_signal_handlers_disconnect_by_data (self->orchestrator, self);
  g_set_object (&self->orchestrator, orchestrator);

  g_signal_connect_object (orchestrator, "notify", G_CALLBACK (on_orchestrator_notify),
                           self, G_CONNECT_DEFAULT);
  g_signal_connect_object (orchestrator, "changed", G_CALLBACK (on_orchestrator_changed),
                           self, G_CONNECT_DEFAULT);
  g_signal_connect_object (orchestrator, "progress", G_CALLBACK (on_orchestrator_progress),
                           self, G_CONNECT_DEFAULT);
  g_signal_connect_object (orchestrator, "sync-finished",
                           G_CALLBACK (on_orchestrator_sync_finished), self, G_CONNECT_DEFAULT);

  for (guint i = 0; i < G_N_ELEMENTS (mirrored_properties); i++)
    queue_property_change (self, mirrored_properties[i].dbus);
  queue_property_change (self, "Remote");
}

/* Opening */

typedef struct
{
  GVariant *options;
  JsdRemoteConfig *config;         /* from the options, or NULL */
  JsdCredentials *credentials;     /* from the options or the keyring */
  gboolean remember_credentials;
  gboolean credentials_from_keyring;
  gboolean offline;
  gboolean has_offline;
  gboolean durable;
} OpenData;

static void
open_data_free (OpenData *data)
{
  g_clear_pointer (&data->options, g_variant_unref);
  g_clear_pointer (&data->config, jsd_remote_config_free);
  g_clear_pointer (&data->credentials, jsd_credentials_free);
  g_free (data);
}

static gboolean
parse_open_options (OpenData  *data,
                    GError   **error)
{
  g_autoptr(GVariant) offline = NULL;
  g_autoptr(GError) local_error = NULL;

  data->durable = TRUE;
  data->config = jsd_remote_config_new_from_options (data->options, &local_error);
  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }

  data->credentials = jsd_credentials_new_from_options (data->options, &local_error);
  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }

  if (!jsd_args_get_boolean_option (data->options, "remember-credentials",
                                    &data->remember_credentials, error) ||
      !jsd_args_get_boolean_option (data->options, "durable", &data->durable, error) ||
      !jsd_args_lookup_option (data->options, "offline", G_VARIANT_TYPE_BOOLEAN, &offline, error))
    return FALSE;

  if (data->remember_credentials && data->credentials == NULL)
    {
      g_set_error_literal (error, JUST_SYNC_ERROR, JUST_SYNC_ERROR_INVALID_ARGUMENT,
                           _("The option “remember-credentials” needs “password” or “token”"));
      return FALSE;
    }

  data->has_offline = offline != NULL;
  data->offline = offline != NULL && g_variant_get_boolean (offline);
  return TRUE;
}

static void open_next (JsdStore *self);

static void
open_complete (JsdStore *self,
               GError   *error)
{
  g_autoptr(GTask) task = g_steal_pointer (&self->opening);

  if (error != NULL)
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);

  update_busy (self);
  open_next (self);
}

static void
credentials_stored (GObject      *object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(JsdStore) self = user_data;
  g_autoptr(GError) local_error = NULL;
  GError *error = NULL;

  if (!jsd_credentials_store_finish (result, &local_error))
    g_set_error (&error, JUST_SYNC_ERROR, JUST_SYNC_ERROR_FAILED,
                 _("The store is open, but its credentials could not be kept in the keyring: %s"),
                 local_error->message);
  else
    self->unsaved_credentials = FALSE;
  open_complete (self, error);
}

typedef struct
{
  JsdStore *self;
  char *scope_name;
  char *collection;
} Detection;

static void
detection_free (Detection *detection)
{
  g_object_unref (detection->self);
  g_free (detection->scope_name);
  g_free (detection->collection);
  g_free (detection);
}

/* The server told the fields of a mapped collection: scope keys are
 * checked against them, and without a soft-delete field in the options,
 * the collection's deletes are soft when it has the default field and
 * hard otherwise. */
static void
fields_detected (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  Detection *detection = user_data;
  JsdStore *self = detection->self;
  JustSyncPocketbaseStore *remote = JUST_SYNC_POCKETBASE_STORE (object);
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) fields = NULL;
  const char *soft_field;

  fields = just_sync_pocketbase_store_detect_fields_finish (remote, result, &error);
  if (fields == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_debug ("The fields of %s stay unknown: %s", detection->collection, error->message);
      detection_free (detection);
      return;
    }

  if (!jsd_remote_config_names_soft_delete_field (self->config))
    {
      soft_field = just_sync_pocketbase_store_get_soft_delete_field (remote);
      if (soft_field != NULL && !g_strv_contains ((const char * const *) fields, soft_field))
        soft_field = NULL;
      just_sync_pocketbase_store_set_collection (remote, detection->scope_name, detection->collection,
                                                 soft_field);
    }
  g_hash_table_replace (self->fields, g_strdup (detection->scope_name), g_steal_pointer (&fields));
  detection_free (detection);
}

/* Asks the server for the fields of the mapped collections, once per
 * remote, without holding up the open: the defaults apply until then. */
static void
detect_fields (JsdStore *self)
{
  const char * const *collections;

  if (self->fields_asked || !JUST_SYNC_IS_POCKETBASE_STORE (self->remote))
    return;
  self->fields_asked = TRUE;

  collections = jsd_remote_config_get_collections (self->config);
  for (guint i = 0; collections[i] != NULL && collections[i + 1] != NULL; i += 2)
    {
      Detection *detection = g_new0 (Detection, 1);

      detection->self = g_object_ref (self);
      detection->scope_name = g_strdup (collections[i]);
      detection->collection = g_strdup (collections[i + 1]);
      just_sync_pocketbase_store_detect_fields_async (JUST_SYNC_POCKETBASE_STORE (self->remote),
                                                      detection->collection, self->detecting,
                                                      fields_detected, detection);
    }
}

/* A scope whose collection's fields are known must only have keys that
 * are fields: PocketBase would drop the others from pushed records. */
static gboolean
check_scope_fields (JsdStore       *self,
                    JustSyncScope  *scope,
                    GError        **error)
{
  const char * const *fields = g_hash_table_lookup (self->fields, just_sync_scope_get_name (scope));
  g_auto(GStrv) keys = NULL;

  if (fields == NULL)
    return TRUE;
  keys = just_sync_scope_dup_keys (scope);
  for (guint i = 0; keys[i] != NULL; i++)
    if (!g_strv_contains (fields, keys[i]))
      {
        g_set_error (error, JUST_SYNC_ERROR, JUST_SYNC_ERROR_INVALID_ARGUMENT,
                     _("The scope key “%s” is not a field of the collection of “%s” on the server"),
                     keys[i], just_sync_scope_get_name (scope));
        return FALSE;
      }
  return TRUE;
}

/* The last step: options that apply to the remote in place. */
static void
open_finish_remote (JsdStore *self,
                    OpenData *data)
{
  GError *error = NULL;

  if (data->has_offline)
    {
      if (!JUST_SYNC_IS_MEMORY_REMOTE_STORE (self->remote))
        {
          g_set_error_literal (&error, JUST_SYNC_ERROR, JUST_SYNC_ERROR_INVALID_ARGUMENT,
                               _("The option “offline” applies to memory remotes only"));
          open_complete (self, error);
          return;
        }
      just_sync_memory_remote_store_set_reachable (JUST_SYNC_MEMORY_REMOTE_STORE (self->remote),
                                                   !data->offline);
    }

  if (data->credentials != NULL &&
      !jsd_remote_config_apply_credentials (self->config, self->remote, data->credentials, &error))
    {
      open_complete (self, error);
      return;
    }
  if (data->credentials != NULL && !data->credentials_from_keyring)
    self->unsaved_credentials = jsd_remote_config_uses_credentials (self->config);
  detect_fields (self);

  if (data->remember_credentials)
    {
      jsd_credentials_store_async (data->credentials, self->app_id, self->name,
                                   jsd_remote_config_get_url (self->config),
                                   NULL, credentials_stored, g_object_ref (self));
      return;
    }

  open_complete (self, NULL);
}

/* Forgets the watched scopes; the orchestrator that watched them goes. */
static void
forget_watched (JsdStore *self)
{
  g_hash_table_remove_all (self->watched);
  g_queue_clear_full (&self->watched_order, (GDestroyNotify) just_sync_scope_unref);
}

static void
use_remote (JsdStore            *self,
            JustSyncRemoteStore *remote)
{
  g_autoptr(JustSyncOrchestrator) orchestrator = NULL;

  /* A remote in the process or on loopback says it needs no network
   * (just_sync_remote_store_needs_network()), so the default monitor is
   * right for every remote. */
  orchestrator = just_sync_orchestrator_new (self->local, remote, NULL);
  /* A memory remote is this store's alone: nothing else changes it. */
  if (!JUST_SYNC_IS_MEMORY_REMOTE_STORE (remote) && !self->over_quota)
    g_object_set (orchestrator, "sync-interval", SYNC_INTERVAL, NULL);
  forget_watched (self);
  /* Credentials belong to the remote they were given for. */
  self->unsaved_credentials = FALSE;

  g_set_object (&self->remote, remote);
  set_orchestrator (self, orchestrator);

  /* The fields are asked for once credentials apply. */
  g_cancellable_cancel (self->detecting);
  g_clear_object (&self->detecting);
  self->detecting = g_cancellable_new ();
  self->fields_asked = FALSE;
  g_hash_table_remove_all (self->fields);
}

static void
credentials_looked_up (GObject      *object,
                       GAsyncResult *result,
                       gpointer      user_data)
{
  g_autoptr(JsdStore) self = user_data;
  OpenData *data = g_task_get_task_data (self->opening);
  g_autoptr(GError) error = NULL;

  data->credentials = jsd_credentials_lookup_finish (result, &error);
  data->credentials_from_keyring = TRUE;
  /* No keyring, a locked one or no entry: try without credentials; the
   * server's refusal will say what is missing. */
  if (error != NULL)
    g_debug ("No credentials from the keyring for %s/%s: %s",
             self->app_id, self->name, error->message);
  open_finish_remote (self, data);
}

/* Sets up the remote: the one in the options, else the current one, else
 * the saved one. A new remote that logs in without credentials in the
 * call looks them up in the keyring first. */
/* Sets up the remote: the one in the options, else the current one, else
 * the saved one. A new remote that logs in without credentials in the
 * call looks them up in the keyring first. */
static void
open_remote (JsdStore *self,
             OpenData *data)
{
  g_autoptr(JsdRemoteConfig) config = NULL;
  g_autoptr(JustSyncRemoteStore) remote = NULL;
  gboolean from_options = FALSE;
  GError *error = NULL;

  if (data->config != NULL &&
      (self->config == NULL || !jsd_remote_config_equal (self->config, data->config)))
    {
      config = g_steal_pointer (&data->config);
      from_options = TRUE;
    }
  else if (self->config != NULL)
    {
      open_finish_remote (self, data);
      return;
    }
  else if ((config = jsd_remote_config_load (self->config_path, &error)) == NULL)
    {
      if (g_error_matches (error, JUST_SYNC_ERROR, JUST_SYNC_ERROR_NOT_FOUND))
        {
          g_clear_error (&error);
          g_set_error (&error, JUST_SYNC_ERROR, JUST_SYNC_ERROR_NOT_FOUND,
                       _("The store “%s” does not exist: open it with the option “remote” "
                         "first"), self->name);
        }
      open_complete (self, error);
      return;
    }

  /* A new remote from the options is remembered. */
  if (from_options && !jsd_remote_config_save (config, self->config_path, &error))
    {
      open_complete (self, error);
      return;
    }

  remote = jsd_remote_config_create_remote (config);
  use_remote (self, remote);
  g_clear_pointer (&self->config, jsd_remote_config_free);
  self->config = g_steal_pointer (&config);

  if (data->credentials == NULL && jsd_remote_config_uses_credentials (self->config))
    {
      jsd_credentials_lookup_async (self->app_id, self->name,
                                    jsd_remote_config_get_url (self->config),
                                    NULL, credentials_looked_up, g_object_ref (self));
      return;
    }
  open_finish_remote (self, data);
}

static void
local_opened (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(JsdStore) self = user_data;
  OpenData *data = g_task_get_task_data (self->opening);
  JustSyncSqliteStore *local;
  GError *error = NULL;

  if ((local = just_sync_sqlite_store_new_finish (result, &error)) == NULL)
    {
      open_complete (self, error);
      return;
    }
  self->local = JUST_SYNC_LOCAL_STORE (local);
  open_remote (self, data);
}

static void
open_local (JsdStore *self,
            OpenData *data)
{
  GError *error = NULL;

  if (self->local != NULL)
    {
      open_remote (self, data);
      return;
    }

  if (g_mkdir_with_parents (self->directory, 0700) != 0)
    {
      int saved_errno = errno;

      g_set_error (&error, JUST_SYNC_ERROR, JUST_SYNC_ERROR_STORAGE,
                   _("Could not create the directory of the store: %s"),
                   g_strerror (saved_errno));
      open_complete (self, error);
      return;
    }

  /* The daemon's umask makes new files private; files of older versions
   * are made so here. */
  for (guint i = 0; i < G_N_ELEMENTS (database_suffixes); i++)
    {
      g_autofree char *path = g_strconcat (self->db_path, database_suffixes[i], NULL);

      if (g_chmod (path, 0600) != 0 && errno != ENOENT)
        g_message ("Could not make %s private: %s", path, g_strerror (errno));
    }

  just_sync_sqlite_store_new_async (self->db_path, data->durable, NULL, local_opened,
                                    g_object_ref (self));
}

static void
open_next (JsdStore *self)
{
  OpenData *data;
  GError *error = NULL;

  if (self->opening != NULL || g_queue_is_empty (&self->open_queue))
    return;

  self->opening = g_queue_pop_head (&self->open_queue);
  update_busy (self);

  data = g_task_get_task_data (self->opening);
  if (!parse_open_options (data, &error))
    {
      open_complete (self, error);
      return;
    }
  open_local (self, data);
}

/* Opens the database if needed and sets up the remote by @options (the
 * a{sv} of OpenStore(), or an empty one to reopen the store as saved). */
void
jsd_store_open_async (JsdStore            *self,
                      GVariant            *options,
                      GCancellable        *cancellable,
                      GAsyncReadyCallback  callback,
                      gpointer             user_data)
{
  GTask *task;
  OpenData *data;

  g_return_if_fail (JSD_IS_STORE (self));

  data = g_new0 (OpenData, 1);
  data->options = g_variant_ref_sink (options);
  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, jsd_store_open_async);
  g_task_set_task_data (task, data, (GDestroyNotify) open_data_free);

  g_queue_push_tail (&self->open_queue, task);
  open_next (self);
}

gboolean
jsd_store_open_finish (JsdStore      *self,
                       GAsyncResult  *result,
                       GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/* Methods */

typedef JustSyncRecord *(*RecordFinishFunc) (JustSyncOrchestrator  *orchestrator,
                                              GAsyncResult          *result,
                                              GError               **error);

typedef struct
{
  JsdStore *self;
  GDBusMethodInvocation *invocation;
  RecordFinishFunc finish_record;
} Call;

static Call *
call_new (JsdStore              *self,
          GDBusMethodInvocation *invocation)
{
  Call *call = g_new0 (Call, 1);

  call->self = g_object_ref (self);
  call->invocation = g_object_ref (invocation);
  return call;
}

static void
call_free (Call *call)
{
  g_object_unref (call->self);
  g_object_unref (call->invocation);
  g_free (call);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Call, call_free)

/* Replies with the JSON document @json (taken) of @length bytes and,
 * unless %NULL, the a{sv} @results; or asks for paging when it is too
 * large. */
static void
return_json_text (GDBusMethodInvocation *invocation,
                  char                  *json,
                  gsize                  length,
                  GVariant              *results)
{
  g_autoptr(GVariant) owned_results = results != NULL ? g_variant_ref_sink (results) : NULL;
  g_autofree char *owned_json = json;
  GVariant *text;

  if (length > MAX_REPLY_LENGTH)
    {
      g_dbus_method_invocation_return_error (invocation, JUST_SYNC_ERROR,
                                             JUST_SYNC_ERROR_INVALID_ARGUMENT,
                                             _("The reply would be %lu bytes long; "
                                               "ask for fewer records with the options "
                                               "“offset” and “limit”"),
                                             (gulong) length);
      return;
    }

  /* The text becomes the reply's string as it is, without a copy. */
  text = g_variant_new_take_string (g_steal_pointer (&owned_json));
  if (owned_results != NULL)
    g_dbus_method_invocation_return_value (invocation,
                                           g_variant_new ("(@s@a{sv})", text, owned_results));
  else
    g_dbus_method_invocation_return_value (invocation, g_variant_new ("(@s)", text));
}

/* return_json_text() for a JSON tree, written by the library's writer:
 * json-glib's would write 1e17 as `1e+17.0` and U+001F raw, which no
 * strict parser reads. */
static void
return_json (GDBusMethodInvocation *invocation,
             JsonNode              *node,
             GVariant              *results)
{
  char *json = _just_sync_json_to_string (node, FALSE);

  return_json_text (invocation, json, strlen (json), results);
}

static JsonNode *
array_to_json (GPtrArray  *items,
               JsonNode *(*to_json) (gpointer item))
{
  g_autoptr(JsonArray) array = json_array_new ();
  JsonNode *node = json_node_new (JSON_NODE_ARRAY);

  for (guint i = 0; i < items->len; i++)
    json_array_add_element (array, to_json (g_ptr_array_index (items, i)));
  json_node_set_array (node, array);
  return node;
}

static void
append_timestamp (GString    *out,
                  const char *member,
                  gint64      usec)
{
  g_autofree char *text = NULL;

  g_string_append_printf (out, ",\"%s\":", member);
  if (usec == 0)
    {
      g_string_append (out, "null");
      return;
    }
  text = just_sync_timestamp_format (usec, JUST_SYNC_TIMESTAMP_RFC3339);
  g_string_append_c (out, '"');
  g_string_append (out, text);
  g_string_append_c (out, '"');
}

/* Replies with @records as a JSON array of just_sync_record_to_json()
 * objects, written straight into one string: a large page builds no JSON
 * tree and is not copied again on its way out. */
static void
return_records (GDBusMethodInvocation *invocation,
                GPtrArray             *records,
                GVariant              *results)
{
  GString *out = g_string_sized_new (64 + records->len * 256);
  g_autoptr(JsonNode) payload = json_node_new (JSON_NODE_OBJECT);
  gsize length;

  g_string_append_c (out, '[');
  for (guint i = 0; i < records->len; i++)
    {
      JustSyncRecord *record = g_ptr_array_index (records, i);

      g_string_append (out, i > 0 ? ",{\"id\":" : "{\"id\":");
      _just_sync_json_append_string (out, just_sync_record_get_id (record));
      append_timestamp (out, "updated_at", just_sync_record_get_updated_at (record));
      append_timestamp (out, "deleted_at", just_sync_record_get_deleted_at (record));
      g_string_append (out, ",\"payload\":");
      json_node_set_object (payload, just_sync_record_get_payload (record));
      _just_sync_json_append_value (out, payload, FALSE);
      g_string_append_c (out, '}');
    }
  g_string_append_c (out, ']');
  length = out->len;
  return_json_text (invocation, g_string_free (out, FALSE), length, results);
}

static void
query_done (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(Call) call = user_data;
  g_autoptr(GPtrArray) records = NULL;
  GError *error = NULL;
  gboolean from_cache = FALSE;
  guint total = 0;
  GVariantBuilder results;

  records = just_sync_orchestrator_read_page_finish (JUST_SYNC_ORCHESTRATOR (object), result,
                                                     &total, &from_cache, &error);
  if (records == NULL)
    {
      return_error_take (call->invocation, error);
      return;
    }

  g_variant_builder_init (&results, G_VARIANT_TYPE_VARDICT);
  g_variant_builder_add (&results, "{sv}", "from-cache", g_variant_new_boolean (from_cache));
  g_variant_builder_add (&results, "{sv}", "total", g_variant_new_uint32 (total));
  return_records (call->invocation, records, g_variant_builder_end (&results));
}

static void
record_done (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(Call) call = user_data;
  g_autoptr(JustSyncRecord) record = NULL;
  g_autoptr(JsonNode) node = NULL;
  GError *error = NULL;

  record = call->finish_record (JUST_SYNC_ORCHESTRATOR (object), result, &error);
  if (error != NULL)
    {
      return_error_take (call->invocation, error);
      return;
    }
  if (record == NULL)
    {
      g_dbus_method_invocation_return_error_literal (call->invocation, JUST_SYNC_ERROR,
                                                     JUST_SYNC_ERROR_NOT_FOUND,
                                                     _("There is no such record"));
      return;
    }

  node = just_sync_record_to_json (record);
  return_json (call->invocation, node, NULL);
}

static void
delete_done (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(Call) call = user_data;
  GError *error = NULL;

  if (!just_sync_orchestrator_delete_finish (JUST_SYNC_ORCHESTRATOR (object), result, &error))
    return_error_take (call->invocation, error);
  else
    g_dbus_method_invocation_return_value (call->invocation, NULL);
}

static void
synchronize_done (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(Call) call = user_data;
  g_autoptr(JustSyncSyncResult) sync_result = NULL;
  GError *error = NULL;

  sync_result = just_sync_orchestrator_synchronize_finish (JUST_SYNC_ORCHESTRATOR (object),
                                                           result, &error);
  if (sync_result == NULL)
    return_error_take (call->invocation, error);
  else
    g_dbus_method_invocation_return_value (call->invocation,
                                           g_variant_new ("(@a{sv})",
                                                          sync_result_to_variant (sync_result)));
}

static void
list_pending_done (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(Call) call = user_data;
  g_autoptr(GPtrArray) ops = NULL;
  g_autoptr(JsonNode) node = NULL;
  GError *error = NULL;

  ops = just_sync_orchestrator_list_pending_finish (JUST_SYNC_ORCHESTRATOR (object), result,
                                                    &error);
  if (ops == NULL)
    {
      return_error_take (call->invocation, error);
      return;
    }
  node = array_to_json (ops, (JsonNode *(*) (gpointer)) just_sync_pending_op_to_json);
  return_json (call->invocation, node, NULL);
}

static void
retry_failed_done (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(Call) call = user_data;
  GError *error = NULL;
  guint count;

  count = just_sync_orchestrator_retry_failed_finish (JUST_SYNC_ORCHESTRATOR (object), result,
                                                      &error);
  if (error != NULL)
    return_error_take (call->invocation, error);
  else
    g_dbus_method_invocation_return_value (call->invocation, g_variant_new ("(u)", count));
}

static void
handle_properties (JsdStore              *self,
                   GDBusMethodInvocation *invocation)
{
  const char *method = g_dbus_method_invocation_get_method_name (invocation);
  GVariant *parameters = g_dbus_method_invocation_get_parameters (invocation);
  const char *interface_name, *property_name;
  GVariant *value;

  g_variant_get_child (parameters, 0, "&s", &interface_name);
  if (!g_str_equal (interface_name, JSD_STORE_INTERFACE))
    {
      g_dbus_method_invocation_return_error (invocation, G_DBUS_ERROR, G_DBUS_ERROR_INVALID_ARGS,
                                             _("No such interface “%s”"), interface_name);
      return;
    }

  if (g_str_equal (method, "GetAll"))
    {
      GDBusPropertyInfo **infos = _just_sync_gen_store_interface_info ()->properties;
      GVariantBuilder all;

      g_variant_builder_init (&all, G_VARIANT_TYPE_VARDICT);
      for (guint i = 0; infos != NULL && infos[i] != NULL; i++)
        g_variant_builder_add (&all, "{sv}", infos[i]->name,
                               get_property_value (self, infos[i]->name));
      g_dbus_method_invocation_return_value (invocation, g_variant_new ("(a{sv})", &all));
      return;
    }

  g_variant_get_child (parameters, 1, "&s", &property_name);
  if (g_str_equal (method, "Set"))
    {
      g_dbus_method_invocation_return_error (invocation, G_DBUS_ERROR,
                                             G_DBUS_ERROR_PROPERTY_READ_ONLY,
                                             _("The property “%s” is read-only"), property_name);
      return;
    }

  if ((value = get_property_value (self, property_name)) == NULL)
    {
      g_dbus_method_invocation_return_error (invocation, G_DBUS_ERROR,
                                             G_DBUS_ERROR_UNKNOWN_PROPERTY,
                                             _("No such property “%s”"), property_name);
      return;
    }
  g_dbus_method_invocation_return_value (invocation, g_variant_new ("(v)", value));
}

/* A scope a client reads is followed live (from the remote's change
 * notices, else by the periodic pull) while the store is open, that is
 * until it has had no clients for a while; of more than
 * MAX_WATCHED_SCOPES, the least recently queried stop. A memory remote
 * needs none of it: only this store changes it. */
static void
watch (JsdStore      *self,
       JustSyncScope *scope)
{
  const char *key = just_sync_scope_to_string (scope);
  GList *link;

  if (JUST_SYNC_IS_MEMORY_REMOTE_STORE (self->remote) || self->over_quota)
    return;
  if ((link = g_hash_table_lookup (self->watched, key)) != NULL)
    {
      g_queue_unlink (&self->watched_order, link);
      g_queue_push_tail_link (&self->watched_order, link);
      return;
    }

  if (g_hash_table_size (self->watched) >= MAX_WATCHED_SCOPES)
    {
      g_autoptr(JustSyncScope) oldest = g_queue_pop_head (&self->watched_order);

      g_hash_table_remove (self->watched, just_sync_scope_to_string (oldest));
      just_sync_orchestrator_unwatch_scope (self->orchestrator, oldest);
    }
  g_queue_push_tail (&self->watched_order, just_sync_scope_ref (scope));
  g_hash_table_insert (self->watched, g_strdup (key), g_queue_peek_tail_link (&self->watched_order));
  just_sync_orchestrator_watch_scope (self->orchestrator, scope);
}

/* Watch: a query on the local store, whose caller, now a client, follows
 * the Changed signals and reads the changed ids again. */

static void
watch_query_done (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(Call) call = user_data;
  g_autoptr(GPtrArray) records = NULL;
  GError *error = NULL;

  records = just_sync_local_store_run_query_finish (JUST_SYNC_LOCAL_STORE (object), result, &error);
  if (records == NULL)
    {
      return_error_take (call->invocation, error);
      return;
    }
  return_records (call->invocation, records, NULL);
}

static gboolean
start_watch_query (JsdStore       *self,
                   JustSyncScope  *scope,
                   GVariant       *parameters,
                   GVariant       *options,
                   Call           *call,
                   GError        **error)
{
  g_autoptr(GVariant) ids_option = NULL;
  g_autoptr(JsonObject) object = NULL;
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(JustSyncQuery) query = NULL;
  g_autofree const char **ids = NULL;
  const char *query_text;

  g_variant_get_child (parameters, 1, "&s", &query_text);
  if (!jsd_args_lookup_option (options, "ids", G_VARIANT_TYPE_STRING_ARRAY, &ids_option, error))
    return FALSE;
  if (ids_option != NULL)
    {
      ids = g_variant_get_strv (ids_option, NULL);
      for (guint i = 0; ids[i] != NULL; i++)
        if (!jsd_args_check_id (ids[i], error))
          return FALSE;
    }
  /* A query is one JSON object, with the limits of a payload. */
  if ((object = jsd_args_parse_payload (query_text, error)) == NULL)
    return FALSE;
  node = json_node_init_object (json_node_alloc (), object);
  if ((query = just_sync_query_new_from_json (scope, node, error)) == NULL)
    return FALSE;

  watch (self, scope);
  just_sync_local_store_run_query_async (self->local, query, ids, NULL, watch_query_done, call);
  return TRUE;
}

/* An application over its disk quota gets no data it did not ask for:
 * its stores stop following scopes and pulling periodically until it is
 * under its quota again. */
void
jsd_store_set_over_quota (JsdStore *self,
                          gboolean  over_quota)
{
  g_return_if_fail (JSD_IS_STORE (self));

  if (self->over_quota == over_quota)
    return;
  self->over_quota = over_quota;
  if (self->orchestrator == NULL || JUST_SYNC_IS_MEMORY_REMOTE_STORE (self->remote))
    return;

  if (over_quota)
    {
      for (GList *l = self->watched_order.head; l != NULL; l = l->next)
        just_sync_orchestrator_unwatch_scope (self->orchestrator, l->data);
      forget_watched (self);
    }
  g_object_set (self->orchestrator, "sync-interval", over_quota ? (gint64) 0 : SYNC_INTERVAL, NULL);
}

/* Serves a call of the caller, whom the daemon allowed to use the store,
 * once the store is open. Arguments are checked here; their D-Bus types
 * were checked against the interface already. */
void
jsd_store_handle_method_call (JsdStore              *self,
                              GDBusMethodInvocation *invocation)
{
  const char *method = g_dbus_method_invocation_get_method_name (invocation);
  GVariant *parameters = g_dbus_method_invocation_get_parameters (invocation);
  g_autoptr(JustSyncScope) scope = NULL;
  g_autoptr(JsonObject) payload = NULL;
  g_autoptr(GVariant) options = NULL;
  g_autoptr(Call) call = NULL;
  const char *scope_text, *id = NULL;
  GError *error = NULL;

  g_return_if_fail (JSD_IS_STORE (self));
  g_return_if_fail (self->orchestrator != NULL);

  if (g_str_equal (g_dbus_method_invocation_get_interface_name (invocation),
                   "org.freedesktop.DBus.Properties"))
    {
      handle_properties (self, invocation);
      return;
    }

  /* Every method takes the scope first and the options last. */
  g_variant_get_child (parameters, 0, "&s", &scope_text);
  options = g_variant_get_child_value (parameters, g_variant_n_children (parameters) - 1);
  if ((scope = jsd_args_parse_scope (scope_text, &error)) == NULL ||
      !check_scope_fields (self, scope, &error))
    {
      return_error_take (invocation, error);
      return;
    }

  call = call_new (self, invocation);

  if (g_str_equal (method, "Query"))
    {
      JustSyncReadPolicy policy;
      const char *policy_text;
      guint offset = 0, limit = 0;

      g_variant_get_child (parameters, 1, "&s", &policy_text);
      if (!jsd_args_parse_policy (policy_text, &policy, &error) ||
          !jsd_args_get_uint_option (options, "offset", &offset, &error) ||
          !jsd_args_get_uint_option (options, "limit", &limit, &error))
        goto invalid;
      watch (self, scope);
      just_sync_orchestrator_read_page_async (self->orchestrator, scope, policy, offset, limit, NULL,
                                              query_done, g_steal_pointer (&call));
    }
  else if (g_str_equal (method, "Watch"))
    {
      if (!start_watch_query (self, scope, parameters, options, call, &error))
        goto invalid;
      g_steal_pointer (&call);
    }
  else if (g_str_equal (method, "Get"))
    {
      g_variant_get_child (parameters, 1, "&s", &id);
      if (!jsd_args_check_id (id, &error))
        goto invalid;
      call->finish_record = just_sync_orchestrator_get_finish;
      just_sync_orchestrator_get_async (self->orchestrator, scope, id, NULL,
                                        record_done, g_steal_pointer (&call));
    }
  else if (g_str_equal (method, "Create"))
    {
      g_autoptr(GVariant) id_option = NULL;
      const char *payload_text;

      /* An id has the same limit here as in the other methods, not that
       * of other string options. */
      g_variant_get_child (parameters, 1, "&s", &payload_text);
      if (!jsd_args_lookup_option (options, "id", G_VARIANT_TYPE_STRING, &id_option, &error) ||
          (id_option != NULL && !jsd_args_check_id ((id = g_variant_get_string (id_option, NULL)),
                                                    &error)) ||
          (payload = jsd_args_parse_payload (payload_text, &error)) == NULL)
        goto invalid;
      call->finish_record = just_sync_orchestrator_create_finish;
      just_sync_orchestrator_create_async (self->orchestrator, scope, id, payload, NULL,
                                           record_done, g_steal_pointer (&call));
    }
  else if (g_str_equal (method, "Update"))
    {
      const char *payload_text;

      g_variant_get_child (parameters, 1, "&s", &id);
      g_variant_get_child (parameters, 2, "&s", &payload_text);
      if (!jsd_args_check_id (id, &error) ||
          (payload = jsd_args_parse_payload (payload_text, &error)) == NULL)
        goto invalid;
      call->finish_record = just_sync_orchestrator_update_finish;
      just_sync_orchestrator_update_async (self->orchestrator, scope, id, payload, NULL,
                                           record_done, g_steal_pointer (&call));
    }
  else if (g_str_equal (method, "Patch"))
    {
      g_autofree const char **remove = NULL;
      const char *set_text;

      g_variant_get_child (parameters, 1, "&s", &id);
      g_variant_get_child (parameters, 2, "&s", &set_text);
      g_variant_get_child (parameters, 3, "^a&s", &remove);
      if (!jsd_args_check_id (id, &error) ||
          (payload = jsd_args_parse_payload (set_text, &error)) == NULL ||
          !jsd_args_check_field_names (remove, &error))
        goto invalid;
      call->finish_record = just_sync_orchestrator_patch_finish;
      just_sync_orchestrator_patch_async (self->orchestrator, scope, id, payload, remove, NULL,
                                          record_done, g_steal_pointer (&call));
    }
  else if (g_str_equal (method, "SetCacheLimit"))
    {
      guint32 max_rows;
      guint64 max_bytes;

      g_variant_get_child (parameters, 1, "u", &max_rows);
      g_variant_get_child (parameters, 2, "t", &max_bytes);
      just_sync_orchestrator_set_cache_limit (self->orchestrator, scope, max_rows, max_bytes);
      g_dbus_method_invocation_return_value (invocation, NULL);
    }
  else if (g_str_equal (method, "Delete"))
    {
      g_variant_get_child (parameters, 1, "&s", &id);
      if (!jsd_args_check_id (id, &error))
        goto invalid;
      just_sync_orchestrator_delete_async (self->orchestrator, scope, id, NULL,
                                           delete_done, g_steal_pointer (&call));
    }
  else if (g_str_equal (method, "Synchronize"))
    {
      just_sync_orchestrator_synchronize_async (self->orchestrator, scope, NULL,
                                                synchronize_done, g_steal_pointer (&call));
    }
  else if (g_str_equal (method, "ListPending"))
    {
      just_sync_orchestrator_list_pending_async (self->orchestrator, scope, NULL,
                                                 list_pending_done, g_steal_pointer (&call));
    }
  else if (g_str_equal (method, "RetryFailed"))
    {
      just_sync_orchestrator_retry_failed_async (self->orchestrator, scope, NULL,
                                                 retry_failed_done, g_steal_pointer (&call));
    }
  else
    {
      g_dbus_method_invocation_return_error (invocation, G_DBUS_ERROR,
                                             G_DBUS_ERROR_UNKNOWN_METHOD,
                                             _("No such method “%s”"), method);
    }
  return;

invalid:
  return_error_take (invocation, error);
}

/* Closing */

static void
local_closed (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;

  if (!just_sync_sqlite_store_close_finish (JUST_SYNC_SQLITE_STORE (object), result, &error))
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

/* Stops syncing and closes the database, so that the next process to open
 * it finds it whole, its write-ahead log folded in. */
void
jsd_store_close_async (JsdStore            *self,
                       GCancellable        *cancellable,
                       GAsyncReadyCallback  callback,
                       gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (JSD_IS_STORE (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, jsd_store_close_async);

  g_cancellable_cancel (self->detecting);
  if (self->orchestrator != NULL)
    g_signal_handlers_disconnect_by_data (self->orchestrator, self);
  g_clear_object (&self->orchestrator);

  if (self->local == NULL)
    {
      g_task_return_boolean (task, TRUE);
      return;
    }
  just_sync_sqlite_store_close_async (JUST_SYNC_SQLITE_STORE (self->local), cancellable,
                                      local_closed, g_steal_pointer (&task));
}

gboolean
jsd_store_close_finish (JsdStore      *self,
                        GAsyncResult  *result,
                        GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/* Clients */

void
jsd_store_add_client (JsdStore   *self,
                      const char *sender)
{
  g_return_if_fail (JSD_IS_STORE (self));

  g_hash_table_add (self->clients, g_strdup (sender));
  update_unused (self);
}

void
jsd_store_remove_client (JsdStore   *self,
                         const char *sender)
{
  g_return_if_fail (JSD_IS_STORE (self));

  g_hash_table_remove (self->clients, sender);
  update_unused (self);
}

/* Since when (monotonic time) the store had no clients and no work, or 0
 * while it has. */
gint64
jsd_store_get_unused_since (JsdStore *self)
{
  g_return_val_if_fail (JSD_IS_STORE (self), 0);

  return self->unused_since;
}

const char *
jsd_store_get_object_path (JsdStore *self)
{
  g_return_val_if_fail (JSD_IS_STORE (self), NULL);

  return self->object_path;
}

/* Whether the store was opened and serves calls. */
gboolean
jsd_store_get_open (JsdStore *self)
{
  g_return_val_if_fail (JSD_IS_STORE (self), FALSE);

  return self->orchestrator != NULL;
}

gboolean
jsd_store_get_busy (JsdStore *self)
{
  g_return_val_if_fail (JSD_IS_STORE (self), FALSE);

  return self->busy;
}

/* Lifecycle */

JsdStore *
jsd_store_new (GDBusConnection *connection,
               const char      *object_path,
               const char      *app_id,
               const char      *name,
               const char      *directory)
{
  JsdStore *self = g_object_new (JSD_TYPE_STORE, NULL);
  g_autofree char *db_name = g_strconcat (name, ".db", NULL);
  g_autofree char *config_name = g_strconcat (name, ".conf", NULL);

  self->connection = g_object_ref (connection);
  self->object_path = g_strdup (object_path);
  self->app_id = g_strdup (app_id);
  self->name = g_strdup (name);
  self->directory = g_strdup (directory);
  self->db_path = g_build_filename (directory, db_name, NULL);
  self->config_path = g_build_filename (directory, config_name, NULL);
  return self;
}

static void
jsd_store_dispose (GObject *object)
{
  JsdStore *self = JSD_STORE (object);

  if (self->orchestrator != NULL)
    g_signal_handlers_disconnect_by_data (self->orchestrator, self);
  g_clear_object (&self->orchestrator);
  g_clear_object (&self->remote);
  g_clear_object (&self->local);
  g_clear_handle_id (&self->flush_properties_id, g_source_remove);

  G_OBJECT_CLASS (jsd_store_parent_class)->dispose (object);
}

static void
jsd_store_finalize (GObject *object)
{
  JsdStore *self = JSD_STORE (object);

  g_assert (self->opening == NULL && g_queue_is_empty (&self->open_queue));

  g_clear_object (&self->connection);
  g_clear_pointer (&self->config, jsd_remote_config_free);
  g_clear_pointer (&self->clients, g_hash_table_unref);
  g_clear_pointer (&self->changed_properties, g_hash_table_unref);
  forget_watched (self);
  g_clear_pointer (&self->watched, g_hash_table_unref);
  g_clear_pointer (&self->fields, g_hash_table_unref);
  g_clear_object (&self->detecting);
  g_free (self->object_path);
  g_free (self->app_id);
  g_free (self->name);
  g_free (self->directory);
  g_free (self->db_path);
  g_free (self->config_path);

  G_OBJECT_CLASS (jsd_store_parent_class)->finalize (object);
}

static void
jsd_store_get_property (GObject    *object,
                        guint       prop_id,
                        GValue     *value,
                        GParamSpec *pspec)
{
  JsdStore *self = JSD_STORE (object);

  switch (prop_id)
    {
    case PROP_BUSY:
      g_value_set_boolean (value, self->busy);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
jsd_store_class_init (JsdStoreClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = jsd_store_dispose;
  object_class->finalize = jsd_store_finalize;
  object_class->get_property = jsd_store_get_property;

  /* Whether the store has work in progress that the daemon must not
   * interrupt by exiting. */
  properties[PROP_BUSY] =
    g_param_spec_boolean ("busy", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
jsd_store_init (JsdStore *self)
{
  self->clients = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->changed_properties = g_hash_table_new (g_str_hash, g_str_equal);
  self->watched = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->fields = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) g_strfreev);
  self->unused_since = g_get_monotonic_time ();
  g_queue_init (&self->open_queue);
  g_queue_init (&self->watched_order);
}
