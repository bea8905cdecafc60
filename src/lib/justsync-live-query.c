/* justsync-live-query.c
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <glib/gi18n-lib.h>

#include "justsync-error.h"

#include "justsync-live-query-private.h"
#include "justsync-query-private.h"
#include "justsync-record-object-private.h"

/**
 * JustSyncLiveQuery:
 *
 * The result of a [class@JustSync.Query] as a #GListModel of
 * [class@JustSync.RecordObject] that follows the data, for a `GtkListView`
 * or any other list widget.
 *
 * The model starts empty, with [property@JustSync.LiveQuery:loading] set,
 * and fills in one #GListModel::items-changed when the first run of the
 * query returns; the main loop is never blocked. From then on every change
 * the local store announces with [signal@JustSync.LocalStore::changed] (an
 * app write, a page of changes pulled from the server, a push's rebase)
 * updates the model with the smallest change: a new matching row is
 * inserted where it sorts, a deleted row or one that no longer matches
 * leaves, a row whose sort key changed moves, and a row whose content
 * changed but not its place stays the same object and only notifies
 * [property@JustSync.RecordObject:record].
 *
 * An update re-reads only the changed rows (by id) and finds their places
 * by binary search, so its cost does not grow with the size of the list.
 * With a limit, a row that leaves a full window makes the live query run
 * the query again to fill it; the model then changes only where the result
 * differs.
 *
 * Get a live query from [method@JustSync.Orchestrator.watch], or create one
 * on a store with [ctor@JustSync.LiveQuery.new]. An app that uses the D-Bus
 * service (out of process, or in a sandbox) gets the same model from
 * [ctor@JustSync.LiveQuery.new_for_bus]: it reads with the store's `Watch`
 * method and follows its `Changed` signal.
 */

struct _JustSyncLiveQuery
{
  GObject parent_instance;

  JustSyncLocalStore *store;  /* or, for a client of the D-Bus service: */
  GDBusConnection *connection;
  char *bus_name;
  char *object_path;
  guint subscription;
  JustSyncQuery *query;

  GPtrArray *items;            /* JustSyncRecordObject, in the query's order */
  GHashTable *by_id;           /* id -> item, the same items */
  GHashTable *pending;         /* ids announced changed, not yet read */

  gboolean loading;
  gboolean busy;               /* a read of the store is under way */
  gboolean needs_reload;       /* a limited window may miss rows */
  GError *error;
};

enum {
  PROP_0,
  PROP_STORE,
  PROP_CONNECTION,
  PROP_BUS_NAME,
  PROP_OBJECT_PATH,
  PROP_QUERY,
  PROP_LOADING,
  PROP_N_ITEMS,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void list_model_iface_init (GListModelInterface *iface);
static void live_query_run_next   (JustSyncLiveQuery *self);

G_DEFINE_FINAL_TYPE_WITH_CODE (JustSyncLiveQuery, just_sync_live_query, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL, list_model_iface_init))

/* GListModel */

static GType
live_query_get_item_type (GListModel *model)
{
  return JUST_SYNC_TYPE_RECORD_OBJECT;
}

static guint
live_query_get_n_items (GListModel *model)
{
  return JUST_SYNC_LIVE_QUERY (model)->items->len;
}

static gpointer
live_query_get_item (GListModel *model,
                     guint       position)
{
  JustSyncLiveQuery *self = JUST_SYNC_LIVE_QUERY (model);

  if (position >= self->items->len)
    return NULL;
  return g_object_ref (g_ptr_array_index (self->items, position));
}

static void
list_model_iface_init (GListModelInterface *iface)
{
  iface->get_item_type = live_query_get_item_type;
  iface->get_n_items = live_query_get_n_items;
  iface->get_item = live_query_get_item;
}

/* The model's changes */

static JustSyncRecord *
live_query_record_at (JustSyncLiveQuery *self,
                      guint              position)
{
  return just_sync_record_object_get_record (g_ptr_array_index (self->items, position));
}

static void
live_query_emit (JustSyncLiveQuery *self,
                 guint              position,
                 guint              removed,
                 guint              added)
{
  g_list_model_items_changed (G_LIST_MODEL (self), position, removed, added);
  if (removed != added)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_ITEMS]);
}

/* Where @record sorts among the items: the first position whose record
 * comes after it. */
static guint
live_query_insertion_point (JustSyncLiveQuery *self,
                            JustSyncRecord    *record)
{
  guint lo = 0, hi = self->items->len;

  while (lo < hi)
    {
      guint mid = lo + (hi - lo) / 2;

      if (just_sync_query_compare (self->query, live_query_record_at (self, mid), record) < 0)
        lo = mid + 1;
      else
        hi = mid;
    }
  return lo;
}

/* The position of @item: its record is where it sorts, and the order is
 * total, so the binary search lands on it. */
static guint
live_query_position_of (JustSyncLiveQuery    *self,
                        JustSyncRecordObject *item)
{
  guint position = live_query_insertion_point (self, just_sync_record_object_get_record (item));

  g_assert (position < self->items->len && g_ptr_array_index (self->items, position) == item);
  return position;
}

static void
live_query_insert (JustSyncLiveQuery    *self,
                   guint                 position,
                   JustSyncRecordObject *item)
{
  g_ptr_array_insert (self->items, position, g_object_ref (item));
  g_hash_table_insert (self->by_id, g_strdup (just_sync_record_object_get_id (item)), item);
  live_query_emit (self, position, 0, 1);
}

static void
live_query_remove (JustSyncLiveQuery *self,
                   guint              position)
{
  JustSyncRecordObject *item = g_ptr_array_steal_index (self->items, position);

  g_hash_table_remove (self->by_id, just_sync_record_object_get_id (item));
  live_query_emit (self, position, 1, 0);
  g_object_unref (item);
}

static gboolean
live_query_is_full (JustSyncLiveQuery *self)
{
  guint limit = just_sync_query_get_limit (self->query);

  return limit > 0 && self->items->len >= limit;
}

/* Brings one row up to date: @item is what the model shows for its id (or
 * NULL), @record what the store holds now if it matches (or NULL). A full
 * limited window does not know the rows after it: when it loses one, or
 * when a row moves to its end, the query runs again to fill it.
 */
static void
live_query_update_row (JustSyncLiveQuery    *self,
                       JustSyncRecordObject *item,
                       JustSyncRecord       *record)
{
  gboolean full = live_query_is_full (self);
  guint old_position, position;
  int moved;


  if (item == NULL)
    {
      g_autoptr(JustSyncRecordObject) new_item = NULL;

      if (record == NULL)
        return;
      position = live_query_insertion_point (self, record);
      if (full && position == self->items->len)
        return;
      new_item = just_sync_record_object_new (record);
      live_query_insert (self, position, new_item);
      if (full)
        live_query_remove (self, self->items->len - 1);
      return;
    }

  old_position = live_query_position_of (self, item);
  if (record == NULL)
    {
      live_query_remove (self, old_position);
      self->needs_reload |= full;
      return;
    }

  moved = just_sync_query_compare (self->query, just_sync_record_object_get_record (item), record);
  if (moved == 0)
    {
      _just_sync_record_object_set_record (item, record);
      return;
    }

  /* The sort key changed: find the new place among the other items. A row
   * of a full window that moves back to its end may now sort after rows
   * the window does not hold. */
  g_object_ref (item);
  g_ptr_array_remove_index (self->items, old_position);
  position = live_query_insertion_point (self, record);
  _just_sync_record_object_set_record (item, record);
  if (full && moved < 0 && position == self->items->len)
    {
      g_hash_table_remove (self->by_id, just_sync_record_object_get_id (item));
      live_query_emit (self, old_position, 1, 0);
      self->needs_reload = TRUE;
      g_object_unref (item);
    }
  else if (position == old_position)
    g_ptr_array_insert (self->items, position, item);
  else
    {
      g_hash_table_remove (self->by_id, just_sync_record_object_get_id (item));
      live_query_emit (self, old_position, 1, 0);
      live_query_insert (self, position, item);
      g_object_unref (item);
    }
}

/* Takes a whole result: items keep their identity, and the model changes
 * in one signal between the unchanged head and tail. */
static void
live_query_replace_all (JustSyncLiveQuery *self,
                        GPtrArray         *records)
{
  g_autoptr(GPtrArray) old_items = g_steal_pointer (&self->items);
  guint prefix = 0, suffix = 0;

  self->items = g_ptr_array_new_full (records->len, g_object_unref);
  for (guint i = 0; i < records->len; i++)
    {
      JustSyncRecord *record = g_ptr_array_index (records, i);
      JustSyncRecordObject *item = g_hash_table_lookup (self->by_id,
                                                        just_sync_record_get_id (record));

      if (item != NULL)
        {
          _just_sync_record_object_set_record (item, record);
          g_ptr_array_add (self->items, g_object_ref (item));
        }
      else
        g_ptr_array_add (self->items, just_sync_record_object_new (record));
    }

  g_hash_table_remove_all (self->by_id);
  for (guint i = 0; i < self->items->len; i++)
    {
      JustSyncRecordObject *item = g_ptr_array_index (self->items, i);

      g_hash_table_insert (self->by_id, g_strdup (just_sync_record_object_get_id (item)), item);
    }

  while (prefix < old_items->len && prefix < self->items->len &&
         g_ptr_array_index (old_items, prefix) == g_ptr_array_index (self->items, prefix))
    prefix++;
  while (suffix < old_items->len - prefix && suffix < self->items->len - prefix &&
         g_ptr_array_index (old_items, old_items->len - 1 - suffix) ==
         g_ptr_array_index (self->items, self->items->len - 1 - suffix))
    suffix++;

  if (prefix + suffix < MAX (old_items->len, self->items->len))
    live_query_emit (self, prefix, old_items->len - prefix - suffix,
                     self->items->len - prefix - suffix);
}

/* Reading the store, or the service's store over D-Bus */

#define STORE_INTERFACE "org.justsync.Sync1.Store"

static void
live_query_bus_read_cb (GObject      *source,
                        GAsyncResult *result,
                        gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GVariant) reply = NULL;
  GPtrArray *records;
  GError *error = NULL;
  const char *json;

  reply = g_dbus_connection_call_finish (G_DBUS_CONNECTION (source), result, &error);
  if (reply == NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  g_variant_get (reply, "(&s)", &json);
  if ((records = just_sync_record_list_from_data (json, &error)) == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  g_task_return_pointer (task, records, (GDestroyNotify) g_ptr_array_unref);
}

/* Runs the query, on the rows @ids only unless %NULL. */
static void
live_query_read_async (JustSyncLiveQuery   *self,
                       const char * const  *ids,
                       GAsyncReadyCallback  callback,
                       gpointer             user_data)
{
  g_autoptr(JsonNode) query = NULL;
  g_autofree char *query_json = NULL;
  GVariantBuilder options;
  GTask *task;

  if (self->store != NULL)
    {
      just_sync_local_store_run_query_async (self->store, self->query, ids, NULL,
                                             callback, user_data);
      return;
    }

  task = g_task_new (self, NULL, callback, user_data);
  g_task_set_source_tag (task, live_query_read_async);
  query = just_sync_query_to_json (self->query);
  query_json = json_to_string (query, FALSE);
  g_variant_builder_init (&options, G_VARIANT_TYPE_VARDICT);
  if (ids != NULL)
    g_variant_builder_add (&options, "{sv}", "ids", g_variant_new_strv (ids, -1));
  g_dbus_connection_call (self->connection, self->bus_name, self->object_path,
                          STORE_INTERFACE, "Watch",
                          g_variant_new ("(ssa{sv})",
                                         just_sync_scope_to_string (just_sync_query_get_scope (self->query)),
                                         query_json, &options),
                          G_VARIANT_TYPE ("(s)"), G_DBUS_CALL_FLAGS_NONE, -1, NULL,
                          live_query_bus_read_cb, task);
}

static GPtrArray *
live_query_read_finish (JustSyncLiveQuery  *self,
                        GAsyncResult       *result,
                        GError            **error)
{
  if (self->store != NULL)
    return just_sync_local_store_run_query_finish (self->store, result, error);
  return g_task_propagate_pointer (G_TASK (result), error);
}


static void
live_query_set_error (JustSyncLiveQuery *self,
                      GError            *error)
{
  g_clear_error (&self->error);
  self->error = error;
}

static void
live_query_reload_cb (GObject      *source,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  g_autoptr(JustSyncLiveQuery) self = user_data;
  g_autoptr(GPtrArray) records = NULL;
  GError *error = NULL;

  self->busy = FALSE;
  records = live_query_read_finish (self, result, &error);
  live_query_set_error (self, error);
  if (records != NULL)
    live_query_replace_all (self, records);
  else
    self->needs_reload = TRUE;

  if (self->loading)
    {
      self->loading = FALSE;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LOADING]);
    }
  if (records != NULL)
    live_query_run_next (self);
}

typedef struct
{
  JustSyncLiveQuery *self;
  char **ids;
} LiveQueryFetch;

static void
live_query_fetch_free (LiveQueryFetch *fetch)
{
  g_object_unref (fetch->self);
  g_strfreev (fetch->ids);
  g_free (fetch);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (LiveQueryFetch, live_query_fetch_free)

static void
live_query_fetch_cb (GObject      *source,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  g_autoptr(LiveQueryFetch) fetch = user_data;
  JustSyncLiveQuery *self = fetch->self;
  g_autoptr(GPtrArray) records = NULL;
  g_autoptr(GHashTable) fresh = NULL;
  GError *error = NULL;

  self->busy = FALSE;
  records = live_query_read_finish (self, result, &error);
  live_query_set_error (self, error);
  if (records == NULL)
    {
      /* Read them again with the next change; a reload rereads everything. */
      self->needs_reload = TRUE;
      return;
    }

  fresh = g_hash_table_new (g_str_hash, g_str_equal);
  for (guint i = 0; i < records->len; i++)
    g_hash_table_insert (fresh, (gpointer) just_sync_record_get_id (g_ptr_array_index (records, i)),
                         g_ptr_array_index (records, i));
  for (guint i = 0; fetch->ids[i] != NULL; i++)
    live_query_update_row (self, g_hash_table_lookup (self->by_id, fetch->ids[i]),
                           g_hash_table_lookup (fresh, fetch->ids[i]));

  live_query_run_next (self);
}

/* Starts the next read, if none is under way: a reload when the window
 * needs one (it covers every announced change), else a read of the rows
 * announced changed. */
static void
live_query_run_next (JustSyncLiveQuery *self)
{
  LiveQueryFetch *fetch;

  if (self->busy)
    return;

  if (self->needs_reload)
    {
      self->busy = TRUE;
      self->needs_reload = FALSE;
      g_hash_table_remove_all (self->pending);
      live_query_read_async (self, NULL, live_query_reload_cb, g_object_ref (self));
      return;
    }

  if (g_hash_table_size (self->pending) == 0)
    return;

  self->busy = TRUE;
  fetch = g_new0 (LiveQueryFetch, 1);
  fetch->self = g_object_ref (self);
  fetch->ids = (char **) g_hash_table_get_keys_as_array (self->pending, NULL);
  /* The array took the keys: let the table go without freeing them. */
  g_hash_table_steal_all (self->pending);
  live_query_read_async (self, (const char * const *) fetch->ids, live_query_fetch_cb, fetch);
}

static void
live_query_changed (JustSyncLiveQuery  *self,
                    JustSyncScope      *scope,
                    const char * const *ids)
{
  if (!just_sync_scope_equal (scope, just_sync_query_get_scope (self->query)))
    return;

  for (guint i = 0; ids[i] != NULL; i++)
    g_hash_table_add (self->pending, g_strdup (ids[i]));
  live_query_run_next (self);
}

static void
live_query_store_changed_cb (JustSyncLocalStore *store,
                             JustSyncScope      *scope,
                             const char * const *ids,
                             JustSyncLiveQuery  *self)
{
  live_query_changed (self, scope, ids);
}

/* The service's Changed signal. GDBus calls no handler after
 * g_dbus_connection_signal_unsubscribe(), which dispose calls. */
static void
live_query_bus_changed_cb (GDBusConnection *connection,
                           const char      *sender_name,
                           const char      *object_path,
                           const char      *interface_name,
                           const char      *signal_name,
                           GVariant        *parameters,
                           gpointer         user_data)
{
  g_autoptr(JustSyncScope) scope = NULL;
  g_autofree const char **ids = NULL;
  const char *scope_text;

  if (!g_variant_is_of_type (parameters, G_VARIANT_TYPE ("(sas)")))
    return;
  g_variant_get (parameters, "(&s^a&s)", &scope_text, &ids);
  if ((scope = just_sync_scope_parse (scope_text, NULL)) != NULL)
    live_query_changed (user_data, scope, ids);
}

/* GObject */

static void
just_sync_live_query_constructed (GObject *object)
{
  JustSyncLiveQuery *self = JUST_SYNC_LIVE_QUERY (object);

  G_OBJECT_CLASS (just_sync_live_query_parent_class)->constructed (object);

  g_return_if_fail (self->query != NULL);
  g_return_if_fail ((self->store != NULL) != (self->connection != NULL));

  if (self->store != NULL)
    g_signal_connect_object (self->store, "changed", G_CALLBACK (live_query_store_changed_cb),
                             self, 0);
  else
    self->subscription = g_dbus_connection_signal_subscribe (self->connection, self->bus_name,
                                                             STORE_INTERFACE, "Changed",
                                                             self->object_path, NULL,
                                                             G_DBUS_SIGNAL_FLAGS_NONE,
                                                             live_query_bus_changed_cb,
                                                             self, NULL);
  self->needs_reload = TRUE;
  live_query_run_next (self);
}

static void
just_sync_live_query_get_property (GObject    *object,
                                   guint       prop_id,
                                   GValue     *value,
                                   GParamSpec *pspec)
{
  JustSyncLiveQuery *self = JUST_SYNC_LIVE_QUERY (object);

  switch (prop_id)
    {
    case PROP_STORE:
      g_value_set_object (value, self->store);
      break;

    case PROP_CONNECTION:
      g_value_set_object (value, self->connection);
      break;

    case PROP_BUS_NAME:
      g_value_set_string (value, self->bus_name);
      break;

    case PROP_OBJECT_PATH:
      g_value_set_string (value, self->object_path);
      break;

    case PROP_QUERY:
      g_value_set_object (value, self->query);
      break;

    case PROP_LOADING:
      g_value_set_boolean (value, self->loading);
      break;

    case PROP_N_ITEMS:
      g_value_set_uint (value, self->items->len);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
just_sync_live_query_set_property (GObject      *object,
                                   guint         prop_id,
                                   const GValue *value,
                                   GParamSpec   *pspec)
{
  JustSyncLiveQuery *self = JUST_SYNC_LIVE_QUERY (object);

  switch (prop_id)
    {
    case PROP_STORE:
      self->store = g_value_dup_object (value);
      break;

    case PROP_CONNECTION:
      self->connection = g_value_dup_object (value);
      break;

    case PROP_BUS_NAME:
      self->bus_name = g_value_dup_string (value);
      break;

    case PROP_OBJECT_PATH:
      self->object_path = g_value_dup_string (value);
      break;

    case PROP_QUERY:
      self->query = g_value_dup_object (value);
      _just_sync_query_seal (self->query);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
just_sync_live_query_dispose (GObject *object)
{
  JustSyncLiveQuery *self = (JustSyncLiveQuery *) object;

  if (self->subscription != 0)
    {
      g_dbus_connection_signal_unsubscribe (self->connection, self->subscription);
      self->subscription = 0;
    }

  G_OBJECT_CLASS (just_sync_live_query_parent_class)->dispose (object);
}

static void
just_sync_live_query_finalize (GObject *object)
{
  JustSyncLiveQuery *self = (JustSyncLiveQuery *) object;

  g_clear_pointer (&self->items, g_ptr_array_unref);
  g_clear_pointer (&self->by_id, g_hash_table_unref);
  g_clear_pointer (&self->pending, g_hash_table_unref);
  g_clear_object (&self->query);
  g_clear_object (&self->store);
  g_clear_object (&self->connection);
  g_free (self->bus_name);
  g_free (self->object_path);
  g_clear_error (&self->error);

  G_OBJECT_CLASS (just_sync_live_query_parent_class)->finalize (object);
}

static void
just_sync_live_query_class_init (JustSyncLiveQueryClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->constructed = just_sync_live_query_constructed;
  object_class->dispose = just_sync_live_query_dispose;
  object_class->finalize = just_sync_live_query_finalize;
  object_class->get_property = just_sync_live_query_get_property;
  object_class->set_property = just_sync_live_query_set_property;

  /**
   * JustSyncLiveQuery:store:
   *
   * The local store the live query reads and follows, or %NULL for a live
   * query of the D-Bus service.
   */
  properties[PROP_STORE] =
    g_param_spec_object ("store", NULL, NULL,
                         JUST_SYNC_TYPE_LOCAL_STORE,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);

  /**
   * JustSyncLiveQuery:connection:
   *
   * The D-Bus connection to the service, for a live query of the service.
   */
  properties[PROP_CONNECTION] =
    g_param_spec_object ("connection", NULL, NULL,
                         G_TYPE_DBUS_CONNECTION,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);

  /**
   * JustSyncLiveQuery:bus-name:
   *
   * The bus name of the service, for a live query of the service.
   */
  properties[PROP_BUS_NAME] =
    g_param_spec_string ("bus-name", NULL, NULL,
                         NULL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);

  /**
   * JustSyncLiveQuery:object-path:
   *
   * The object path of the service's store, for a live query of the service.
   */
  properties[PROP_OBJECT_PATH] =
    g_param_spec_string ("object-path", NULL, NULL,
                         NULL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);

  /**
   * JustSyncLiveQuery:query:
   *
   * What the live query lists; it can no longer be changed.
   */
  properties[PROP_QUERY] =
    g_param_spec_object ("query", NULL, NULL,
                         JUST_SYNC_TYPE_QUERY,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);

  /**
   * JustSyncLiveQuery:loading:
   *
   * Whether the first run of the query is still under way; the model is
   * empty until it turns %FALSE.
   */
  properties[PROP_LOADING] =
    g_param_spec_boolean ("loading", NULL, NULL,
                          TRUE,
                          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);

  /**
   * JustSyncLiveQuery:n-items:
   *
   * The number of items, as g_list_model_get_n_items() says.
   */
  properties[PROP_N_ITEMS] =
    g_param_spec_uint ("n-items", NULL, NULL,
                       0, G_MAXUINT, 0,
                       G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
just_sync_live_query_init (JustSyncLiveQuery *self)
{
  self->items = g_ptr_array_new_with_free_func (g_object_unref);
  self->by_id = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->pending = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->loading = TRUE;
}

/**
 * just_sync_live_query_new:
 * @store: the local store to read and follow
 * @query: what to list; it can no longer be changed afterwards
 *
 * Creates a live query and starts its first run.
 *
 * Returns: (transfer full): a new live query
 */
JustSyncLiveQuery *
just_sync_live_query_new (JustSyncLocalStore *store,
                          JustSyncQuery      *query)
{
  g_return_val_if_fail (JUST_SYNC_IS_LOCAL_STORE (store), NULL);
  g_return_val_if_fail (JUST_SYNC_IS_QUERY (query), NULL);

  return g_object_new (JUST_SYNC_TYPE_LIVE_QUERY, "store", store, "query", query, NULL);
}

/**
 * just_sync_live_query_new_for_bus:
 * @connection: a connection to the bus of the JustSync service
 * @bus_name: the service's name, `org.justsync.Sync1`
 * @object_path: the path of a store, as `org.justsync.Sync1.Manager.OpenStore`
 *   returned it
 * @query: what to list; it can no longer be changed afterwards
 *
 * Creates a live query of a store of the D-Bus service, for an app out of
 * process or in a sandbox: the same model, read with the store's `Watch`
 * method and kept up to date by its `Changed` signal, which reports the
 * writes of every process of the app and the service's synchronizations.
 *
 * Returns: (transfer full): a new live query
 */
JustSyncLiveQuery *
just_sync_live_query_new_for_bus (GDBusConnection *connection,
                                  const char      *bus_name,
                                  const char      *object_path,
                                  JustSyncQuery   *query)
{
  g_return_val_if_fail (G_IS_DBUS_CONNECTION (connection), NULL);
  g_return_val_if_fail (bus_name != NULL && g_dbus_is_name (bus_name), NULL);
  g_return_val_if_fail (object_path != NULL && g_variant_is_object_path (object_path), NULL);
  g_return_val_if_fail (JUST_SYNC_IS_QUERY (query), NULL);

  return g_object_new (JUST_SYNC_TYPE_LIVE_QUERY,
                       "connection", connection,
                       "bus-name", bus_name,
                       "object-path", object_path,
                       "query", query,
                       NULL);
}

/**
 * just_sync_live_query_get_store:
 * @self: a [class@JustSync.LiveQuery]
 *
 * Gets the value of [property@JustSync.LiveQuery:store].
 *
 * Returns: (transfer none) (nullable): the local store the live query
 *   follows, or %NULL for a live query of the D-Bus service
 */
JustSyncLocalStore *
just_sync_live_query_get_store (JustSyncLiveQuery *self)
{
  g_return_val_if_fail (JUST_SYNC_IS_LIVE_QUERY (self), NULL);

  return self->store;
}

/**
 * just_sync_live_query_get_query:
 * @self: a [class@JustSync.LiveQuery]
 *
 * Gets the value of [property@JustSync.LiveQuery:query].
 *
 * Returns: (transfer none): what the live query lists
 */
JustSyncQuery *
just_sync_live_query_get_query (JustSyncLiveQuery *self)
{
  g_return_val_if_fail (JUST_SYNC_IS_LIVE_QUERY (self), NULL);

  return self->query;
}

/**
 * just_sync_live_query_get_loading:
 * @self: a [class@JustSync.LiveQuery]
 *
 * Gets the value of [property@JustSync.LiveQuery:loading].
 *
 * Returns: %TRUE until the first run of the query returned
 */
gboolean
just_sync_live_query_get_loading (JustSyncLiveQuery *self)
{
  g_return_val_if_fail (JUST_SYNC_IS_LIVE_QUERY (self), FALSE);

  return self->loading;
}

/**
 * just_sync_live_query_get_error:
 * @self: a [class@JustSync.LiveQuery]
 *
 * The error of the last read of the store, if it failed. The model then
 * keeps what it showed, and reads everything again at the next change.
 *
 * Returns: (nullable) (transfer none): the error, or %NULL
 */
const GError *
just_sync_live_query_get_error (JustSyncLiveQuery *self)
{
  g_return_val_if_fail (JUST_SYNC_IS_LIVE_QUERY (self), NULL);

  return self->error;
}

gboolean
_just_sync_live_query_is_settled (JustSyncLiveQuery *self)
{
  return !self->busy && !self->needs_reload && g_hash_table_size (self->pending) == 0;
}
