/* test-dbus-live-query.c: a live query of justsyncd, through the library
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Runs on a private bus (private-bus.sh) that starts the daemon on demand.
 * One connection watches a list with just_sync_live_query_new_for_bus ();
 * another, as a second process of the app would, writes to the store.
 */

#include <justsync/justsync.h>

#define BUS_NAME "org.justsync.Sync1"
#define STORE_IFACE "org.justsync.Sync1.Store"
#define TIMEOUT_MS 20000

static GVariant *
call (GDBusConnection  *connection,
      const char       *path,
      const char       *iface,
      const char       *method,
      GVariant         *parameters,
      GError          **error)
{
  return g_dbus_connection_call_sync (connection, BUS_NAME, path, iface, method, parameters,
                                      NULL, G_DBUS_CALL_FLAGS_NONE, TIMEOUT_MS, NULL, error);
}

static void
write_record (GDBusConnection *connection,
              const char      *path,
              const char      *method,
              const char      *id,
              const char      *payload)
{
  g_autoptr(GVariant) reply = NULL;
  g_autoptr(GError) error = NULL;

  if (g_str_equal (method, "Create"))
    reply = call (connection, path, STORE_IFACE, "Create",
                  g_variant_new_parsed ("(%s, %s, {'id': <%s>})", "tasks", payload, id), &error);
  else if (g_str_equal (method, "Update"))
    reply = call (connection, path, STORE_IFACE, "Update",
                  g_variant_new_parsed ("(%s, %s, %s, @a{sv} {})", "tasks", id, payload), &error);
  else
    reply = call (connection, path, STORE_IFACE, "Delete",
                  g_variant_new_parsed ("(%s, %s, @a{sv} {})", "tasks", id), &error);
  g_assert_no_error (error);
}

typedef struct
{
  GArray *signals;             /* guint triples */
  gint64 last_time;
} Events;

static void
items_changed_cb (GListModel *model,
                  guint       position,
                  guint       removed,
                  guint       added,
                  Events     *events)
{
  guint triple[3] = { position, removed, added };

  g_array_append_vals (events->signals, triple, 3);
  events->last_time = g_get_monotonic_time ();
}

static void
wait_for_signals (Events *events,
                  guint   n)
{
  gint64 deadline = g_get_monotonic_time () + TIMEOUT_MS * 1000;

  while (events->signals->len < n * 3)
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_main_context_iteration (NULL, TRUE);
    }
}

static char *
titles (GListModel *model)
{
  GString *text = g_string_new (NULL);

  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(JustSyncRecordObject) item = g_list_model_get_item (model, i);

      g_string_append_printf (text, "%s%s", i > 0 ? " " : "",
                              just_sync_record_object_get_string (item, "title"));
    }
  return g_string_free (text, FALSE);
}

static void
assert_signals (Events *events,
                ...)
{
  va_list args;
  guint i = 0;
  int value;

  va_start (args, events);
  while ((value = va_arg (args, int)) >= 0)
    {
      g_assert_cmpuint (i, <, events->signals->len);
      g_assert_cmpint (g_array_index (events->signals, guint, i), ==, value);
      i++;
    }
  va_end (args);
  g_assert_cmpuint (i, ==, events->signals->len);
  g_array_set_size (events->signals, 0);
}

static void
record_notified_cb (GObject    *item,
                    GParamSpec *pspec,
                    guint      *count)
{
  (*count)++;
}

static void
test_watch (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GDBusConnection) app = g_bus_get_sync (G_BUS_TYPE_SESSION, NULL, &error);
  g_autoptr(GDBusConnection) other = NULL;
  g_autoptr(GVariant) reply = NULL;
  g_autoptr(JustSyncScope) scope = just_sync_scope_new ("tasks", NULL);
  g_autoptr(JustSyncQuery) query = just_sync_query_new (scope);
  g_autoptr(JustSyncLiveQuery) live = NULL;
  g_autoptr(JustSyncRecordObject) milk = NULL;
  g_autoptr(JustSyncRecordObject) first = NULL;
  g_autofree char *path = NULL;
  g_autofree char *list = NULL;
  Events events = { g_array_new (FALSE, FALSE, sizeof (guint)), 0 };
  guint notified = 0;
  gint64 start;

  g_assert_no_error (error);
  other = g_dbus_connection_new_for_address_sync (g_getenv ("DBUS_SESSION_BUS_ADDRESS"),
                                                  G_DBUS_CONNECTION_FLAGS_AUTHENTICATION_CLIENT |
                                                  G_DBUS_CONNECTION_FLAGS_MESSAGE_BUS_CONNECTION,
                                                  NULL, NULL, &error);
  g_assert_no_error (error);

  reply = call (app, "/org/justsync/Sync1", "org.justsync.Sync1.Manager", "OpenStore",
                g_variant_new_parsed ("('live', {'remote': <'memory'>})"), &error);
  g_assert_no_error (error);
  g_variant_get (reply, "(o)", &path);

  write_record (other, path, "Create", "a", "{\"title\": \"milk\", \"rank\": 2}");
  write_record (other, path, "Create", "b", "{\"title\": \"eggs\", \"rank\": 1}");
  write_record (other, path, "Create", "c", "{\"title\": \"done\", \"rank\": 0, \"done\": true}");

  just_sync_query_add_filter_boolean (query, "done", JUST_SYNC_QUERY_NOT_EQUAL, TRUE);
  just_sync_query_add_order (query, "rank", FALSE);
  live = just_sync_live_query_new_for_bus (app, BUS_NAME, path, query);
  g_assert_null (just_sync_live_query_get_store (live));
  g_signal_connect (live, "items-changed", G_CALLBACK (items_changed_cb), &events);
  wait_for_signals (&events, 1);
  g_assert_false (just_sync_live_query_get_loading (live));
  assert_signals (&events, 0, 0, 2, -1);
  list = titles (G_LIST_MODEL (live));
  g_assert_cmpstr (list, ==, "eggs milk");
  g_clear_pointer (&list, g_free);

  /* A write by another client of the app: one insertion, quickly. */
  write_record (other, path, "Create", "d", "{\"title\": \"bread\", \"rank\": 0}");
  start = g_get_monotonic_time ();
  wait_for_signals (&events, 1);
  g_test_message ("another client's write reached the model %.1f ms after its reply",
                  (events.last_time - start) / 1000.0);
  g_assert_cmpint (events.last_time - start, <, G_USEC_PER_SEC);
  assert_signals (&events, 0, 0, 1, -1);

  /* A content change keeps the item. */
  milk = g_list_model_get_item (G_LIST_MODEL (live), 2);
  g_signal_connect (milk, "notify::record", G_CALLBACK (record_notified_cb), &notified);
  write_record (other, path, "Update", "a", "{\"title\": \"oat milk\", \"rank\": 2}");
  while (notified == 0)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpstr (just_sync_record_object_get_string (milk, "title"), ==, "oat milk");
  assert_signals (&events, -1);

  /* A row that stops matching leaves; a deleted row leaves. */
  write_record (other, path, "Update", "b", "{\"title\": \"eggs\", \"rank\": 1, \"done\": true}");
  wait_for_signals (&events, 1);
  assert_signals (&events, 1, 1, 0, -1);
  write_record (app, path, "Delete", "d", NULL);
  wait_for_signals (&events, 1);
  assert_signals (&events, 0, 1, 0, -1);
  list = titles (G_LIST_MODEL (live));
  g_assert_cmpstr (list, ==, "oat milk");
  first = g_list_model_get_item (G_LIST_MODEL (live), 0);
  g_assert_true (first == milk);
  g_assert_null (just_sync_live_query_get_error (live));

  g_signal_handlers_disconnect_by_data (milk, &notified);
  g_signal_handlers_disconnect_by_data (live, &events);
  g_array_unref (events.signals);
  g_dbus_connection_close_sync (other, NULL, NULL);
}

/* Watch checks its query and its ids. */
static void
test_watch_bad_input (void)
{
  static const char * const bad_queries[] = {
    "[1]",
    "{\"filters\": [{\"field\": \"a\", \"op\": \"like\", \"value\": 1}]}",
    "{\"filters\": [{\"field\": \"\", \"op\": \"equal\", \"value\": 1}]}",
    "{\"filters\": [{\"field\": \"a\", \"op\": \"contains\", \"value\": 1}]}",
    "{\"filters\": [{\"field\": {}, \"op\": \"equal\", \"value\": 1}]}",
    "{\"order\": [{\"field\": 3}]}",
    "{\"order\": {}}",
    "{\"limit\": -1}",
    "{\"limit\": \"ten\"}",
  };
  g_autoptr(GError) error = NULL;
  g_autoptr(GDBusConnection) app = g_bus_get_sync (G_BUS_TYPE_SESSION, NULL, &error);
  g_autoptr(GVariant) reply = NULL;
  g_autofree char *path = NULL;

  g_assert_no_error (error);
  reply = call (app, "/org/justsync/Sync1", "org.justsync.Sync1.Manager", "OpenStore",
                g_variant_new_parsed ("('bad', {'remote': <'memory'>})"), &error);
  g_assert_no_error (error);
  g_variant_get (reply, "(o)", &path);

  for (guint i = 0; i < G_N_ELEMENTS (bad_queries); i++)
    {
      g_autoptr(GVariant) answer = NULL;
      g_autofree char *name = NULL;

      answer = call (app, path, STORE_IFACE, "Watch",
                     g_variant_new_parsed ("('tasks', %s, @a{sv} {})", bad_queries[i]), &error);
      g_assert_null (answer);
      name = g_dbus_error_get_remote_error (error);
      g_test_message ("%s: %s", bad_queries[i], error->message);
      g_assert_cmpstr (name, ==, "org.justsync.Sync1.Error.InvalidArgument");
      g_clear_error (&error);
    }

  reply = call (app, path, STORE_IFACE, "Watch",
                g_variant_new_parsed ("('tasks', '{}', {'ids': <@as ['']>})"), &error);
  g_assert_null (reply);
  g_assert_true (g_dbus_error_is_remote_error (error));
  g_clear_error (&error);

  reply = call (app, path, STORE_IFACE, "Watch",
                g_variant_new_parsed ("('tasks', '{\"limit\": 3}', {'ids': <@as ['x']>})"), &error);
  g_assert_no_error (error);
  g_assert_true (g_variant_is_of_type (reply, G_VARIANT_TYPE ("(s)")));
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/dbus-live-query/watch", test_watch);
  g_test_add_func ("/dbus-live-query/bad-input", test_watch_bad_input);

  return g_test_run ();
}
