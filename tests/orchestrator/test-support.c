/* test-support.c: helpers for the orchestrator tests
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include <unistd.h>

#include "test-support.h"

/* A GNetworkMonitor whose availability the test sets. */

struct _TestNetworkMonitor
{
  GObject parent_instance;
  gboolean available;
};

static void test_network_monitor_iface_init (GNetworkMonitorInterface *iface);
static void test_network_monitor_initable_iface_init (GInitableIface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (TestNetworkMonitor, test_network_monitor, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_INITABLE,
                                                      test_network_monitor_initable_iface_init)
                               G_IMPLEMENT_INTERFACE (G_TYPE_NETWORK_MONITOR,
                                                      test_network_monitor_iface_init))

enum {
  PROP_0,
  PROP_NETWORK_AVAILABLE,
  PROP_NETWORK_METERED,
  PROP_CONNECTIVITY,
};

static gboolean
test_network_monitor_can_reach (GNetworkMonitor     *monitor,
                                GSocketConnectable  *connectable,
                                GCancellable        *cancellable,
                                GError             **error)
{
  return TEST_NETWORK_MONITOR (monitor)->available;
}

static void
test_network_monitor_iface_init (GNetworkMonitorInterface *iface)
{
  iface->can_reach = test_network_monitor_can_reach;
}

static gboolean
test_network_monitor_initable_init (GInitable     *initable,
                                    GCancellable  *cancellable,
                                    GError       **error)
{
  return TRUE;
}

static void
test_network_monitor_initable_iface_init (GInitableIface *iface)
{
  iface->init = test_network_monitor_initable_init;
}

static void
test_network_monitor_get_property (GObject    *object,
                                   guint       prop_id,
                                   GValue     *value,
                                   GParamSpec *pspec)
{
  TestNetworkMonitor *self = TEST_NETWORK_MONITOR (object);

  switch (prop_id)
    {
    case PROP_NETWORK_AVAILABLE:
      g_value_set_boolean (value, self->available);
      break;
    case PROP_NETWORK_METERED:
      g_value_set_boolean (value, FALSE);
      break;
    case PROP_CONNECTIVITY:
      g_value_set_enum (value, self->available ? G_NETWORK_CONNECTIVITY_FULL
                                               : G_NETWORK_CONNECTIVITY_LOCAL);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
test_network_monitor_class_init (TestNetworkMonitorClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->get_property = test_network_monitor_get_property;
  g_object_class_override_property (object_class, PROP_NETWORK_AVAILABLE, "network-available");
  g_object_class_override_property (object_class, PROP_NETWORK_METERED, "network-metered");
  g_object_class_override_property (object_class, PROP_CONNECTIVITY, "connectivity");
}

static void
test_network_monitor_init (TestNetworkMonitor *self)
{
}

TestNetworkMonitor *
test_network_monitor_new (gboolean available)
{
  TestNetworkMonitor *self = g_object_new (TEST_TYPE_NETWORK_MONITOR, NULL);

  self->available = available;
  return self;
}

void
test_network_monitor_set_available (TestNetworkMonitor *self,
                                    gboolean            available)
{
  if (self->available == available)
    return;
  self->available = available;
  g_object_notify (G_OBJECT (self), "network-available");
  g_signal_emit_by_name (self, "network-changed", available);
}

/* Waiting */

static gboolean
timed_out_cb (gpointer user_data)
{
  gboolean *timed_out = user_data;

  *timed_out = TRUE;
  return G_SOURCE_REMOVE;
}

void
test_wait_for (gboolean *flag)
{
  gboolean timed_out = FALSE;
  guint id = g_timeout_add_seconds (30, timed_out_cb, &timed_out);

  while (!*flag && !timed_out)
    g_main_context_iteration (NULL, TRUE);
  if (!timed_out)
    g_source_remove (id);
  g_assert_false (timed_out);
}

void
test_wait_ms (guint msec)
{
  gboolean done = FALSE;

  g_timeout_add (msec, timed_out_cb, &done);
  while (!done)
    g_main_context_iteration (NULL, TRUE);
}

static GAsyncResult *last_result;

void
test_result_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  GAsyncResult **out = user_data != NULL ? user_data : &last_result;

  g_assert_null (*out);
  *out = g_object_ref (result);
}

static gboolean
result_ready (GAsyncResult **result)
{
  return *result != NULL;
}

GAsyncResult *
test_wait_result (void)
{
  gboolean timed_out = FALSE;
  guint id = g_timeout_add_seconds (30, timed_out_cb, &timed_out);
  GAsyncResult *result;

  while (!result_ready (&last_result) && !timed_out)
    g_main_context_iteration (NULL, TRUE);
  if (!timed_out)
    g_source_remove (id);
  g_assert_false (timed_out);
  result = last_result;
  last_result = NULL;
  return result;
}

/* Data */

JsonObject *
test_payload (const char *json)
{
  g_autoptr(JsonNode) node = json_from_string (json, NULL);

  g_assert_nonnull (node);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (node));
  return json_node_dup_object (node);
}

JustSyncScope *
test_scope (const char *name,
            const char *key,
            const char *value)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JustSyncScope) scope = just_sync_scope_new (name, &error);

  g_assert_no_error (error);
  if (key == NULL)
    return g_steal_pointer (&scope);
  return just_sync_scope_with_key (scope, key, value, &error);
}

const char *
test_payload_string (JustSyncRecord *record,
                     const char     *member)
{
  JsonObject *payload = just_sync_record_get_payload (record);

  if (!json_object_has_member (payload, member))
    return NULL;
  return json_object_get_string_member (payload, member);
}

/* Orchestrator calls, run to completion */

JustSyncSyncResult *
test_sync (JustSyncOrchestrator  *orchestrator,
           JustSyncScope         *scope,
           GError               **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  just_sync_orchestrator_synchronize_async (orchestrator, scope, NULL, test_result_cb, NULL);
  result = test_wait_result ();
  return just_sync_orchestrator_synchronize_finish (orchestrator, result, error);
}

JustSyncSyncResult *
test_sync_ok (JustSyncOrchestrator *orchestrator,
              JustSyncScope        *scope)
{
  g_autoptr(GError) error = NULL;
  JustSyncSyncResult *result = test_sync (orchestrator, scope, &error);

  g_assert_no_error (error);
  g_assert_nonnull (result);
  return result;
}

JustSyncOrchestrator *
test_orchestrator_new (JustSyncLocalStore  *local,
                       JustSyncRemoteStore *remote,
                       TestNetworkMonitor  *monitor)
{
  JustSyncOrchestrator *orchestrator =
    just_sync_orchestrator_new_with_monitor (local, remote, NULL, G_NETWORK_MONITOR (monitor));

  /* Tests sync explicitly unless they test background syncs. */
  g_object_set (orchestrator,
                "debounce-interval", 600000,
                "retry-base-delay", 600000,
                NULL);
  return orchestrator;
}

static JustSyncRecord *
write_record (JustSyncOrchestrator *orchestrator,
              JustSyncScope        *scope,
              const char           *id,
              const char           *json,
              gboolean              create)
{
  g_autoptr(JsonObject) payload = test_payload (json);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  JustSyncRecord *record;

  if (create)
    {
      just_sync_orchestrator_create_async (orchestrator, scope, id, payload, NULL, test_result_cb, NULL);
      result = test_wait_result ();
      record = just_sync_orchestrator_create_finish (orchestrator, result, &error);
    }
  else
    {
      just_sync_orchestrator_update_async (orchestrator, scope, id, payload, NULL, test_result_cb, NULL);
      result = test_wait_result ();
      record = just_sync_orchestrator_update_finish (orchestrator, result, &error);
    }
  g_assert_no_error (error);
  g_assert_nonnull (record);
  return record;
}

JustSyncRecord *
test_create (JustSyncOrchestrator *orchestrator,
             JustSyncScope        *scope,
             const char           *id,
             const char           *json)
{
  return write_record (orchestrator, scope, id, json, TRUE);
}

JustSyncRecord *
test_update (JustSyncOrchestrator *orchestrator,
             JustSyncScope        *scope,
             const char           *id,
             const char           *json)
{
  return write_record (orchestrator, scope, id, json, FALSE);
}

void
test_delete (JustSyncOrchestrator *orchestrator,
             JustSyncScope        *scope,
             const char           *id)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  just_sync_orchestrator_delete_async (orchestrator, scope, id, NULL, test_result_cb, NULL);
  result = test_wait_result ();
  g_assert_true (just_sync_orchestrator_delete_finish (orchestrator, result, &error));
  g_assert_no_error (error);
}

JustSyncRecord *
test_local_get (JustSyncLocalStore *store,
                JustSyncScope      *scope,
                const char         *id)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  JustSyncRecord *record;

  just_sync_local_store_get_async (store, scope, id, NULL, test_result_cb, NULL);
  result = test_wait_result ();
  record = just_sync_local_store_get_finish (store, result, &error);
  g_assert_no_error (error);
  return record;
}

#define DEFINE_LIST_HELPER(name, call)                                          \
  GPtrArray *                                                                   \
  name (JustSyncLocalStore *store,                                              \
        JustSyncScope      *scope)                                              \
  {                                                                             \
    g_autoptr(GAsyncResult) result = NULL;                                      \
    g_autoptr(GError) error = NULL;                                             \
    GPtrArray *array;                                                           \
                                                                                \
    just_sync_local_store_##call##_async (store, scope, NULL, test_result_cb, NULL); \
    result = test_wait_result ();                                               \
    array = just_sync_local_store_##call##_finish (store, result, &error);      \
    g_assert_no_error (error);                                                  \
    return array;                                                               \
  }

DEFINE_LIST_HELPER (test_local_query, query)
DEFINE_LIST_HELPER (test_local_ops, list_pending_ops)
DEFINE_LIST_HELPER (test_local_conflicts, list_conflicts)

JustSyncLocalStore *
test_new_sqlite_store (void)
{
  static guint counter;
  g_autoptr(GError) error = NULL;
  g_autofree char *name = g_strdup_printf ("store-%u-%u.db", (guint) getpid (), ++counter);
  g_autofree char *path = g_build_filename (g_get_user_data_dir (), name, NULL);
  JustSyncSqliteStore *store;

  g_mkdir_with_parents (g_get_user_data_dir (), 0700);
  store = just_sync_sqlite_store_new_sync (path, FALSE, NULL, &error);
  g_assert_no_error (error);
  return JUST_SYNC_LOCAL_STORE (store);
}
