/* justsync-local-store.c
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <glib/gi18n-lib.h>

#include "justsync-error.h"
#include "justsync-local-store-private.h"
#include "justsync-query-private.h"

/**
 * JustSyncLocalStore:
 *
 * Where an app's records live on the device: read and written with no
 * network, and merged with the server by a [class@JustSync.Orchestrator].
 *
 * A local store keeps, per scope, the records (tombstones included), the
 * queue of pending operations, the conflicts it resolved, and the sync
 * point. Every row also remembers its base: the identity of the last server
 * version it reflects (see [method@JustSync.Record.dup_version]), so a pull can
 * tell our own echoes and re-reads from real conflicts.
 *
 * The contract every implementation keeps, and that the store-contract test
 * suite checks, is described with #JustSyncLocalStoreInterface. The
 * implementations are [class@JustSync.SqliteStore], the persistent default, and
 * [class@JustSync.MemoryLocalStore] for tests and demos.
 *
 * The arrays the methods return own their elements through their free
 * function, so they are annotated `(transfer container)`: a C caller frees
 * them with g_ptr_array_unref(), and bindings do not free the elements a
 * second time (PyGObject 3.42 and GJS 1.74 do for `(transfer full)`). In
 * Vala they are `GenericArray<T>` arrays that own their elements, so a
 * `copy()` holds references of its own.
 */

G_DEFINE_INTERFACE (JustSyncLocalStore, just_sync_local_store, G_TYPE_OBJECT)

enum {
  CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/* The default run_query: lists the scope, then filters and sorts here. */

typedef struct
{
  JustSyncQuery *query;
  GHashTable *ids;             /* NULL: every row */
} LocalStoreRunQuery;

static void
local_store_run_query_free (LocalStoreRunQuery *data)
{
  g_object_unref (data->query);
  g_clear_pointer (&data->ids, g_hash_table_unref);
  g_free (data);
}

static void
local_store_real_run_query_cb (GObject      *source,
                               GAsyncResult *result,
                               gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  LocalStoreRunQuery *data = g_task_get_task_data (task);
  g_autoptr(GPtrArray) records = NULL;
  GError *error = NULL;

  records = just_sync_local_store_query_finish (JUST_SYNC_LOCAL_STORE (source), result, &error);
  if (records == NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  if (data->ids != NULL)
    for (guint i = records->len; i > 0; i--)
      if (!g_hash_table_contains (data->ids,
                                  just_sync_record_get_id (g_ptr_array_index (records, i - 1))))
        g_ptr_array_remove_index_fast (records, i - 1);

  g_task_return_pointer (task, _just_sync_query_select (data->query, records, data->ids == NULL),
                         (GDestroyNotify) g_ptr_array_unref);
}

static void
local_store_real_run_query_async (JustSyncLocalStore  *self,
                                  JustSyncQuery       *query,
                                  const char * const  *ids,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  GTask *task = g_task_new (self, cancellable, callback, user_data);
  LocalStoreRunQuery *data = g_new0 (LocalStoreRunQuery, 1);

  g_task_set_source_tag (task, local_store_real_run_query_async);
  data->query = g_object_ref (query);
  if (ids != NULL)
    {
      data->ids = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
      for (guint i = 0; ids[i] != NULL; i++)
        g_hash_table_add (data->ids, g_strdup (ids[i]));
    }
  g_task_set_task_data (task, data, (GDestroyNotify) local_store_run_query_free);

  just_sync_local_store_query_async (self, just_sync_query_get_scope (query), cancellable,
                                     local_store_real_run_query_cb, task);
}

static GPtrArray *
local_store_real_run_query_finish (JustSyncLocalStore  *self,
                                   GAsyncResult        *result,
                                   GError             **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/* Stores without a cache: eviction is not supported. */
static void
local_store_real_evict_async (JustSyncLocalStore  *self,
                              JustSyncScope       *scope,
                              const char * const  *ids,
                              gint64               evicted_at,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  g_task_report_new_error (self, callback, user_data, local_store_real_evict_async,
                           G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                           _("This store cannot evict rows"));
}

static guint
local_store_real_evict_finish (JustSyncLocalStore  *self,
                               GAsyncResult        *result,
                               GError             **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), 0);

  return (guint) g_task_propagate_int (G_TASK (result), error);
}

static void
local_store_real_list_evicted_async (JustSyncLocalStore  *self,
                                     JustSyncScope       *scope,
                                     gint64               forget_before,
                                     GCancellable        *cancellable,
                                     GAsyncReadyCallback  callback,
                                     gpointer             user_data)
{
  g_task_report_new_error (self, callback, user_data, local_store_real_list_evicted_async,
                           G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                           _("This store cannot evict rows"));
}

static GStrv
local_store_real_list_evicted_finish (JustSyncLocalStore  *self,
                                      GAsyncResult        *result,
                                      GError             **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
local_store_real_patch_cb (GObject      *object,
                           GAsyncResult *result,
                           gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GPtrArray) ops = NULL;
  GError *error = NULL;

  ops = just_sync_local_store_upsert_many_finish (JUST_SYNC_LOCAL_STORE (object), result, &error);
  if (ops == NULL)
    g_task_return_error (task, error);
  else if (ops->len != 1)
    g_task_return_new_error (task, JUST_SYNC_ERROR, JUST_SYNC_ERROR_FAILED,
                             _("The store queued %u operations for one record"), ops->len);
  else
    g_task_return_pointer (task, just_sync_pending_op_ref (g_ptr_array_index (ops, 0)),
                           (GDestroyNotify) just_sync_pending_op_unref);
}

/* Without a way to keep the fields, the change goes as a full upsert. */
static void
local_store_real_patch_async (JustSyncLocalStore  *self,
                              JustSyncScope       *scope,
                              JustSyncRecord      *record,
                              const char * const  *fields,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  GTask *task = g_task_new (self, cancellable, callback, user_data);
  g_autoptr(GPtrArray) records = g_ptr_array_new ();

  g_task_set_source_tag (task, local_store_real_patch_async);
  g_ptr_array_add (records, record);
  just_sync_local_store_upsert_many_async (self, scope, records, cancellable,
                                           local_store_real_patch_cb, task);
}

static JustSyncPendingOp *
local_store_real_patch_finish (JustSyncLocalStore  *self,
                               GAsyncResult        *result,
                               GError             **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
just_sync_local_store_default_init (JustSyncLocalStoreInterface *iface)
{
  iface->patch_async = local_store_real_patch_async;
  iface->patch_finish = local_store_real_patch_finish;
  iface->run_query_async = local_store_real_run_query_async;
  iface->run_query_finish = local_store_real_run_query_finish;
  iface->evict_async = local_store_real_evict_async;
  iface->evict_finish = local_store_real_evict_finish;
  iface->list_evicted_async = local_store_real_list_evicted_async;
  iface->list_evicted_finish = local_store_real_list_evicted_finish;
  /**
   * JustSyncLocalStore:supports-soft-delete:
   *
   * Whether deleted records stay as tombstones (returned by
   * [method@JustSync.LocalStore.query_since_async]) rather than vanish.
   */
  g_object_interface_install_property (iface,
    g_param_spec_boolean ("supports-soft-delete", NULL, NULL,
                          TRUE,
                          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS));

  /**
   * JustSyncLocalStore::changed:
   * @self: the store
   * @scope: the scope whose records changed
   * @ids: the ids of the changed records
   *
   * Emitted on the main context of the store's creator after a committed
   * transaction changed what records of @scope hold: an app write, an
   * applied page, a rebase after a push. Live queries use it to update.
   */
  signals[CHANGED] =
    g_signal_new ("changed",
                  G_TYPE_FROM_INTERFACE (iface),
                  G_SIGNAL_RUN_LAST,
                  0,
                  NULL, NULL,
                  NULL,
                  G_TYPE_NONE, 2,
                  JUST_SYNC_TYPE_SCOPE,
                  G_TYPE_STRV);
}

/**
 * just_sync_local_store_run_query_async:
 * @self: a [iface@JustSync.LocalStore]
 * @query: what to list; it can no longer be changed afterwards
 * @ids: (nullable) (array zero-terminated=1): only consider these rows, and
 *   ignore the limit of @query; %NULL considers every row
 * @cancellable: (nullable): a #GCancellable
 * @callback: (scope async): called when the operation completes
 * @user_data: data for @callback
 *
 * Lists the live records of the scope of @query that match its filters, in
 * its order. See [class@JustSync.Query]; to follow the result as it changes,
 * use a [class@JustSync.LiveQuery].
 */
void
just_sync_local_store_run_query_async (JustSyncLocalStore  *self,
                                       JustSyncQuery       *query,
                                       const char * const  *ids,
                                       GCancellable        *cancellable,
                                       GAsyncReadyCallback  callback,
                                       gpointer             user_data)
{
  g_return_if_fail (JUST_SYNC_IS_LOCAL_STORE (self));
  g_return_if_fail (JUST_SYNC_IS_QUERY (query));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  _just_sync_query_seal (query);
  JUST_SYNC_LOCAL_STORE_GET_IFACE (self)->run_query_async (self, query, ids, cancellable,
                                                           callback, user_data);
}

/**
 * just_sync_local_store_run_query_finish:
 * @self: a [iface@JustSync.LocalStore]
 * @result: the #GAsyncResult passed to the callback
 * @error: return location for an error
 *
 * Finishes [method@JustSync.LocalStore.run_query_async].
 *
 * Returns: (transfer container) (element-type JustSyncRecord): the matching
 *   records, in the order of the query
 */
GPtrArray *
just_sync_local_store_run_query_finish (JustSyncLocalStore  *self,
                                        GAsyncResult        *result,
                                        GError             **error)
{
  g_return_val_if_fail (JUST_SYNC_IS_LOCAL_STORE (self), NULL);
  g_return_val_if_fail (G_IS_ASYNC_RESULT (result), NULL);

  return JUST_SYNC_LOCAL_STORE_GET_IFACE (self)->run_query_finish (self, result, error);
}

/**
 * just_sync_local_store_get_supports_soft_delete:
 * @self: a [iface@JustSync.LocalStore]
 *
 * Gets the value of [property@JustSync.LocalStore:supports-soft-delete].
 *
 * Returns: %TRUE if deleted records stay as tombstones
 */
gboolean
just_sync_local_store_get_supports_soft_delete (JustSyncLocalStore *self)
{
  gboolean value = FALSE;

  g_return_val_if_fail (JUST_SYNC_IS_LOCAL_STORE (self), FALSE);

  g_object_get (self, "supports-soft-delete", &value, NULL);
  return value;
}

/**
 * just_sync_local_store_emit_changed:
 * @self: a [iface@JustSync.LocalStore]
 * @scope: the scope whose records changed
 * @ids: (array zero-terminated=1): the ids of the changed records
 *
 * Emits [signal@JustSync.LocalStore::changed]. For implementations: call it on the
 * main context of the store after the change committed, never when @ids is
 * empty.
 */
void
just_sync_local_store_emit_changed (JustSyncLocalStore *self,
                                    JustSyncScope      *scope,
                                    const char * const *ids)
{
  g_return_if_fail (JUST_SYNC_IS_LOCAL_STORE (self));
  g_return_if_fail (scope != NULL);
  g_return_if_fail (ids != NULL);

  if (ids[0] != NULL)
    g_signal_emit (self, signals[CHANGED], 0, scope, ids);
}

/**
 * just_sync_local_store_query_async:
 * @self: a [iface@JustSync.LocalStore]
 * @scope: the scope
 * @cancellable: (nullable): a #GCancellable
 * @callback: (scope async): called when the operation completes
 * @user_data: data for @callback
 *
 * Lists the records of @scope that are not deleted.
 */
void
just_sync_local_store_query_async (JustSyncLocalStore  *self,
                                   JustSyncScope       *scope,
                                   GCancellable        *cancellable,
                                   GAsyncReadyCallback  callback,
                                   gpointer             user_data)
{
  g_return_if_fail (JUST_SYNC_IS_LOCAL_STORE (self));
  g_return_if_fail (scope != NULL);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  JUST_SYNC_LOCAL_STORE_GET_IFACE (self)->query_async (self, scope, cancellable, callback, user_data);
}

/**
 * just_sync_local_store_query_finish:
 * @self: a [iface@JustSync.LocalStore]
 * @result: the #GAsyncResult passed to the callback
 * @error: return location for an error
 *
 * Finishes [method@JustSync.LocalStore.query_async].
 *
 * Returns: (transfer container) (element-type JustSyncRecord): the live records, ordered by id
 */
GPtrArray *
just_sync_local_store_query_finish (JustSyncLocalStore  *self,
                                    GAsyncResult        *result,
                                    GError             **error)
{
  g_return_val_if_fail (JUST_SYNC_IS_LOCAL_STORE (self), NULL);
  g_return_val_if_fail (G_IS_ASYNC_RESULT (result), NULL);

  return JUST_SYNC_LOCAL_STORE_GET_IFACE (self)->query_finish (self, result, error);
}

/* Pages */

JustSyncRecordPage *
_just_sync_record_page_new (GPtrArray *records,
                            guint      total)
{
  JustSyncRecordPage *page = g_new0 (JustSyncRecordPage, 1);

  page->records = records;
  page->total = total;
  return page;
}

void
_just_sync_record_page_free (JustSyncRecordPage *page)
{
  g_clear_pointer (&page->records, g_ptr_array_unref);
  g_free (page);
}

/* Frees @page and returns its records. */
GPtrArray *
_just_sync_record_page_steal (JustSyncRecordPage *page,
                              guint              *out_total)
{
  GPtrArray *records = g_steal_pointer (&page->records);

  if (out_total != NULL)
    *out_total = page->total;
  _just_sync_record_page_free (page);
  return records;
}

typedef struct
{
  guint offset;
  guint limit;
} PageArgs;

/* A store without query_page_async(): read the scope whole, keep the page. */
static void
query_page_fallback_cb (GObject      *object,
                        GAsyncResult *result,
                        gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  PageArgs *args = g_task_get_task_data (task);
  g_autoptr(GPtrArray) all = NULL;
  GPtrArray *records;
  GError *error = NULL;

  all = just_sync_local_store_query_finish (JUST_SYNC_LOCAL_STORE (object), result, &error);
  if (all == NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  records = g_ptr_array_new_with_free_func ((GDestroyNotify) just_sync_record_unref);
  for (guint i = args->offset; i < all->len && (args->limit == 0 || records->len < args->limit); i++)
    g_ptr_array_add (records, just_sync_record_ref (g_ptr_array_index (all, i)));
  g_task_return_pointer (task, _just_sync_record_page_new (records, all->len),
                         (GDestroyNotify) _just_sync_record_page_free);
}

/**
 * just_sync_local_store_query_page_async:
 * @self: a [iface@JustSync.LocalStore]
 * @scope: the scope
 * @offset: how many records to skip
 * @limit: how many records to list at most, or 0 for all of them
 * @cancellable: (nullable): a #GCancellable
 * @callback: (scope async): called when the operation completes
 * @user_data: data for @callback
 *
 * Lists one page of the records of @scope that are not deleted, in the
 * order of [method@JustSync.LocalStore.query_async], and counts them all. A
 * store that implements it reads no more than the page into memory.
 */
void
just_sync_local_store_query_page_async (JustSyncLocalStore  *self,
                                        JustSyncScope       *scope,
                                        guint                offset,
                                        guint                limit,
                                        GCancellable        *cancellable,
                                        GAsyncReadyCallback  callback,
                                        gpointer             user_data)
{
  JustSyncLocalStoreInterface *iface;
  GTask *task;
  PageArgs *args;

  g_return_if_fail (JUST_SYNC_IS_LOCAL_STORE (self));
  g_return_if_fail (scope != NULL);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  iface = JUST_SYNC_LOCAL_STORE_GET_IFACE (self);
  if (iface->query_page_async != NULL)
    {
      iface->query_page_async (self, scope, offset, limit, cancellable, callback, user_data);
      return;
    }

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, just_sync_local_store_query_page_async);
  args = g_new (PageArgs, 1);
  args->offset = offset;
  args->limit = limit;
  g_task_set_task_data (task, args, g_free);
  iface->query_async (self, scope, cancellable, query_page_fallback_cb, task);
}

/**
 * just_sync_local_store_query_page_finish:
 * @self: a [iface@JustSync.LocalStore]
 * @result: the #GAsyncResult passed to the callback
 * @out_total: (out) (optional): the number of live records in the scope
 * @error: return location for an error
 *
 * Finishes [method@JustSync.LocalStore.query_page_async].
 *
 * Returns: (transfer container) (element-type JustSyncRecord): the page's
 *   records, ordered by id
 */
GPtrArray *
just_sync_local_store_query_page_finish (JustSyncLocalStore  *self,
                                         GAsyncResult        *result,
                                         guint               *out_total,
                                         GError             **error)
{
  JustSyncLocalStoreInterface *iface;
  JustSyncRecordPage *page;

  g_return_val_if_fail (JUST_SYNC_IS_LOCAL_STORE (self), NULL);
  g_return_val_if_fail (G_IS_ASYNC_RESULT (result), NULL);

  iface = JUST_SYNC_LOCAL_STORE_GET_IFACE (self);
  if (!g_async_result_is_tagged (result, just_sync_local_store_query_page_async))
    return iface->query_page_finish (self, result, out_total, error);

  if ((page = g_task_propagate_pointer (G_TASK (result), error)) == NULL)
    return NULL;
  return _just_sync_record_page_steal (page, out_total);
}

/**
 * just_sync_local_store_query_since_async:
 * @self: a [iface@JustSync.LocalStore]
 * @scope: the scope
 * @since: a time in microseconds since the epoch; 0 lists every record
 * @cancellable: (nullable): a #GCancellable
 * @callback: (scope async): called when the operation completes
 * @user_data: data for @callback
 *
 * Lists the records of @scope changed after @since, tombstones included.
 */
void
just_sync_local_store_query_since_async (JustSyncLocalStore  *self,
                                         JustSyncScope       *scope,
                                         gint64               since,
                                         GCancellable        *cancellable,
                                         GAsyncReadyCallback  callback,
                                         gpointer             user_data)
{
  g_return_if_fail (JUST_SYNC_IS_LOCAL_STORE (self));
  g_return_if_fail (scope != NULL);
  g_return_if_fail (since >= 0);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  JUST_SYNC_LOCAL_STORE_GET_IFACE (self)->query_since_async (self, scope, since, cancellable, callback, user_data);
}

/**
 * just_sync_local_store_query_since_finish:
 * @self: a [iface@JustSync.LocalStore]
 * @result: the #GAsyncResult passed to the callback
 * @error: return location for an error
 *
 * Finishes [method@JustSync.LocalStore.query_since_async].
 *
 * Returns: (transfer container) (element-type JustSyncRecord): the records, tombstones
 *   included, ordered by (`updated_at`, id)
 */
GPtrArray *
just_sync_local_store_query_since_finish (JustSyncLocalStore  *self,
                                          GAsyncResult        *result,
                                          GError             **error)
{
  g_return_val_if_fail (JUST_SYNC_IS_LOCAL_STORE (self), NULL);
  g_return_val_if_fail (G_IS_ASYNC_RESULT (result), NULL);

  return JUST_SYNC_LOCAL_STORE_GET_IFACE (self)->query_since_finish (self, result, error);
}

/**
 * just_sync_local_store_get_async:
 * @self: a [iface@JustSync.LocalStore]
 * @scope: the scope
 * @id: the record's id
 * @cancellable: (nullable): a #GCancellable
 * @callback: (scope async): called when the operation completes
 * @user_data: data for @callback
 *
 * Looks up one record of @scope by id.
 */
void
just_sync_local_store_get_async (JustSyncLocalStore  *self,
                                 JustSyncScope       *scope,
                                 const char          *id,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  g_return_if_fail (JUST_SYNC_IS_LOCAL_STORE (self));
  g_return_if_fail (scope != NULL);
  g_return_if_fail (id != NULL);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  JUST_SYNC_LOCAL_STORE_GET_IFACE (self)->get_async (self, scope, id, cancellable, callback, user_data);
}

/**
 * just_sync_local_store_get_finish:
 * @self: a [iface@JustSync.LocalStore]
 * @result: the #GAsyncResult passed to the callback
 * @error: return location for an error
 *
 * Finishes [method@JustSync.LocalStore.get_async].
 *
 * Returns: (transfer full) (nullable): the record, which may be a tombstone, or
 *   %NULL if there is none
 */
JustSyncRecord *
just_sync_local_store_get_finish (JustSyncLocalStore  *self,
                                  GAsyncResult        *result,
                                  GError             **error)
{
  g_return_val_if_fail (JUST_SYNC_IS_LOCAL_STORE (self), NULL);
  g_return_val_if_fail (G_IS_ASYNC_RESULT (result), NULL);

  return JUST_SYNC_LOCAL_STORE_GET_IFACE (self)->get_finish (self, result, error);
}

/**
 * just_sync_local_store_upsert_many_async:
 * @self: a [iface@JustSync.LocalStore]
 * @scope: the scope
 * @records: (element-type JustSyncRecord): the records to write
 * @cancellable: (nullable): a #GCancellable
 * @callback: (scope async): called when the operation completes
 * @user_data: data for @callback
 *
 * Writes records as an app change: the rows and one queued upsert operation
 * per record, in one transaction. Emits [signal@JustSync.LocalStore::changed].
 */
void
just_sync_local_store_upsert_many_async (JustSyncLocalStore  *self,
                                         JustSyncScope       *scope,
                                         GPtrArray           *records,
                                         GCancellable        *cancellable,
                                         GAsyncReadyCallback  callback,
                                         gpointer             user_data)
{
  g_return_if_fail (JUST_SYNC_IS_LOCAL_STORE (self));
  g_return_if_fail (scope != NULL);
  g_return_if_fail (records != NULL);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  JUST_SYNC_LOCAL_STORE_GET_IFACE (self)->upsert_many_async (self, scope, records, cancellable, callback, user_data);
}

/**
 * just_sync_local_store_upsert_many_finish:
 * @self: a [iface@JustSync.LocalStore]
 * @result: the #GAsyncResult passed to the callback
 * @error: return location for an error
 *
 * Finishes [method@JustSync.LocalStore.upsert_many_async].
 *
 * Returns: (transfer container) (element-type JustSyncPendingOp): the queued operations
 */
GPtrArray *
just_sync_local_store_upsert_many_finish (JustSyncLocalStore  *self,
                                          GAsyncResult        *result,
                                          GError             **error)
{
  g_return_val_if_fail (JUST_SYNC_IS_LOCAL_STORE (self), NULL);
  g_return_val_if_fail (G_IS_ASYNC_RESULT (result), NULL);

  return JUST_SYNC_LOCAL_STORE_GET_IFACE (self)->upsert_many_finish (self, result, error);
}

/**
 * just_sync_local_store_patch_async:
 * @self: a [iface@JustSync.LocalStore]
 * @scope: the scope
 * @record: the record as written, all of its payload
 * @fields: (array zero-terminated=1): the names of the payload members the
 *   write set or removed; at least one
 * @cancellable: (nullable): a #GCancellable
 * @callback: (scope async): called when the operation completes
 * @user_data: data for @callback
 *
 * Writes a record as an app change to some of its members, as
 * [method@JustSync.LocalStore.upsert_many_async] writes whole ones: the row
 * and one queued upsert that names @fields (see
 * [method@JustSync.PendingOp.get_fields]), in one transaction. Emits
 * [signal@JustSync.LocalStore::changed].
 */
void
just_sync_local_store_patch_async (JustSyncLocalStore  *self,
                                   JustSyncScope       *scope,
                                   JustSyncRecord      *record,
                                   const char * const  *fields,
                                   GCancellable        *cancellable,
                                   GAsyncReadyCallback  callback,
                                   gpointer             user_data)
{
  g_return_if_fail (JUST_SYNC_IS_LOCAL_STORE (self));
  g_return_if_fail (scope != NULL);
  g_return_if_fail (record != NULL);
  g_return_if_fail (fields != NULL && fields[0] != NULL);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  JUST_SYNC_LOCAL_STORE_GET_IFACE (self)->patch_async (self, scope, record, fields, cancellable,
                                                       callback, user_data);
}

/**
 * just_sync_local_store_patch_finish:
 * @self: a [iface@JustSync.LocalStore]
 * @result: the #GAsyncResult passed to the callback
 * @error: return location for an error
 *
 * Finishes [method@JustSync.LocalStore.patch_async].
 *
 * Returns: (transfer full): the queued operation
 */
JustSyncPendingOp *
just_sync_local_store_patch_finish (JustSyncLocalStore  *self,
                                    GAsyncResult        *result,
                                    GError             **error)
{
  g_return_val_if_fail (JUST_SYNC_IS_LOCAL_STORE (self), NULL);
  g_return_val_if_fail (G_IS_ASYNC_RESULT (result), NULL);

  return JUST_SYNC_LOCAL_STORE_GET_IFACE (self)->patch_finish (self, result, error);
}

/**
 * just_sync_local_store_delete_many_async:
 * @self: a [iface@JustSync.LocalStore]
 * @scope: the scope
 * @ids: (array zero-terminated=1): the ids to delete
 * @deleted_at: the deletion time
 * @cancellable: (nullable): a #GCancellable
 * @callback: (scope async): called when the operation completes
 * @user_data: data for @callback
 *
 * Deletes records as an app change: the rows become tombstones and one
 * delete operation per id is queued, in one transaction. Emits
 * [signal@JustSync.LocalStore::changed].
 */
void
just_sync_local_store_delete_many_async (JustSyncLocalStore  *self,
                                         JustSyncScope       *scope,
                                         const char * const  *ids,
                                         gint64               deleted_at,
                                         GCancellable        *cancellable,
                                         GAsyncReadyCallback  callback,
                                         gpointer             user_data)
{
  g_return_if_fail (JUST_SYNC_IS_LOCAL_STORE (self));
  g_return_if_fail (scope != NULL);
  g_return_if_fail (ids != NULL);
  g_return_if_fail (deleted_at > 0);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  JUST_SYNC_LOCAL_STORE_GET_IFACE (self)->delete_many_async (self, scope, ids, deleted_at, cancellable, callback, user_data);
}

/**
 * just_sync_local_store_delete_many_finish:
 * @self: a [iface@JustSync.LocalStore]
 * @result: the #GAsyncResult passed to the callback
 * @error: return location for an error
 *
 * Finishes [method@JustSync.LocalStore.delete_many_async].
 *
 * Returns: (transfer container) (element-type JustSyncPendingOp): the queued operations
 */
GPtrArray *
just_sync_local_store_delete_many_finish (JustSyncLocalStore  *self,
                                          GAsyncResult        *result,
                                          GError             **error)
{
  g_return_val_if_fail (JUST_SYNC_IS_LOCAL_STORE (self), NULL);
  g_return_val_if_fail (G_IS_ASYNC_RESULT (result), NULL);

  return JUST_SYNC_LOCAL_STORE_GET_IFACE (self)->delete_many_finish (self, result, error);
}

/**
 * just_sync_local_store_list_pending_ops_async:
 * @self: a [iface@JustSync.LocalStore]
 * @scope: the scope
 * @cancellable: (nullable): a #GCancellable
 * @callback: (scope async): called when the operation completes
 * @user_data: data for @callback
 *
 * Lists the pending operations of @scope, queued and failed.
 */
void
just_sync_local_store_list_pending_ops_async (JustSyncLocalStore  *self,
                                              JustSyncScope       *scope,
                                              GCancellable        *cancellable,
                                              GAsyncReadyCallback  callback,
                                              gpointer             user_data)
{
  g_return_if_fail (JUST_SYNC_IS_LOCAL_STORE (self));
  g_return_if_fail (scope != NULL);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  JUST_SYNC_LOCAL_STORE_GET_IFACE (self)->list_pending_ops_async (self, scope, cancellable, callback, user_data);
}

/**
 * just_sync_local_store_list_pending_ops_finish:
 * @self: a [iface@JustSync.LocalStore]
 * @result: the #GAsyncResult passed to the callback
 * @error: return location for an error
 *
 * Finishes [method@JustSync.LocalStore.list_pending_ops_async].
 *
 * Returns: (transfer container) (element-type JustSyncPendingOp): the operations in
 *   sequence order
 */
GPtrArray *
just_sync_local_store_list_pending_ops_finish (JustSyncLocalStore  *self,
                                               GAsyncResult        *result,
                                               GError             **error)
{
  g_return_val_if_fail (JUST_SYNC_IS_LOCAL_STORE (self), NULL);
  g_return_val_if_fail (G_IS_ASYNC_RESULT (result), NULL);

  return JUST_SYNC_LOCAL_STORE_GET_IFACE (self)->list_pending_ops_finish (self, result, error);
}

/**
 * just_sync_local_store_count_pending_ops_async:
 * @self: a [iface@JustSync.LocalStore]
 * @scope: (nullable): a scope, or %NULL for every scope
 * @state: the state to count
 * @cancellable: (nullable): a #GCancellable
 * @callback: (scope async): called when the operation completes
 * @user_data: data for @callback
 *
 * Counts the pending operations in @state.
 */
void
just_sync_local_store_count_pending_ops_async (JustSyncLocalStore  *self,
                                               JustSyncScope       *scope,
                                               JustSyncOpState      state,
                                               GCancellable        *cancellable,
                                               GAsyncReadyCallback  callback,
                                               gpointer             user_data)
{
  g_return_if_fail (JUST_SYNC_IS_LOCAL_STORE (self));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  JUST_SYNC_LOCAL_STORE_GET_IFACE (self)->count_pending_ops_async (self, scope, state, cancellable, callback, user_data);
}

/**
 * just_sync_local_store_count_pending_ops_finish:
 * @self: a [iface@JustSync.LocalStore]
 * @result: the #GAsyncResult passed to the callback
 * @error: return location for an error
 *
 * Finishes [method@JustSync.LocalStore.count_pending_ops_async].
 *
 * Returns: the number of operations
 */
guint
just_sync_local_store_count_pending_ops_finish (JustSyncLocalStore  *self,
                                                GAsyncResult        *result,
                                                GError             **error)
{
  g_return_val_if_fail (JUST_SYNC_IS_LOCAL_STORE (self), 0);
  g_return_val_if_fail (G_IS_ASYNC_RESULT (result), 0);

  return JUST_SYNC_LOCAL_STORE_GET_IFACE (self)->count_pending_ops_finish (self, result, error);
}

/**
 * just_sync_local_store_apply_remote_changes_async:
 * @self: a [iface@JustSync.LocalStore]
 * @scope: the scope
 * @delta: a page of remote changes
 * @resolver: picks the winner of each conflict
 * @cancellable: (nullable): a #GCancellable
 * @callback: (scope async): called when the operation completes
 * @user_data: data for @callback
 *
 * Applies one page of remote changes and saves its cursor as the sync
 * point, in one transaction, by the rules described in
 * #JustSyncLocalStoreInterface.
 */
void
just_sync_local_store_apply_remote_changes_async (JustSyncLocalStore       *self,
                                                  JustSyncScope            *scope,
                                                  JustSyncDelta            *delta,
                                                  JustSyncConflictResolver *resolver,
                                                  GCancellable             *cancellable,
                                                  GAsyncReadyCallback       callback,
                                                  gpointer                  user_data)
{
  g_return_if_fail (JUST_SYNC_IS_LOCAL_STORE (self));
  g_return_if_fail (scope != NULL);
  g_return_if_fail (delta != NULL);
  g_return_if_fail (JUST_SYNC_IS_CONFLICT_RESOLVER (resolver));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  JUST_SYNC_LOCAL_STORE_GET_IFACE (self)->apply_remote_changes_async (self, scope, delta, resolver, cancellable, callback, user_data);
}

/**
 * just_sync_local_store_apply_remote_changes_finish:
 * @self: a [iface@JustSync.LocalStore]
 * @result: the #GAsyncResult passed to the callback
 * @error: return location for an error
 *
 * Finishes [method@JustSync.LocalStore.apply_remote_changes_async].
 *
 * Returns: (transfer full): what was done to each record
 */
JustSyncApplyResult *
just_sync_local_store_apply_remote_changes_finish (JustSyncLocalStore  *self,
                                                   GAsyncResult        *result,
                                                   GError             **error)
{
  g_return_val_if_fail (JUST_SYNC_IS_LOCAL_STORE (self), NULL);
  g_return_val_if_fail (G_IS_ASYNC_RESULT (result), NULL);

  return JUST_SYNC_LOCAL_STORE_GET_IFACE (self)->apply_remote_changes_finish (self, result, error);
}

/**
 * just_sync_local_store_commit_push_results_async:
 * @self: a [iface@JustSync.LocalStore]
 * @scope: the scope
 * @results: (element-type JustSyncPushResult): the outcome of each pushed operation
 * @cancellable: (nullable): a #GCancellable
 * @callback: (scope async): called when the operation completes
 * @user_data: data for @callback
 *
 * Records the outcome of a push in one transaction: acknowledged operations
 * are cleared and their rows rebased on the server's reply, rejected ones
 * parked as failed, transient failures counted.
 */
void
just_sync_local_store_commit_push_results_async (JustSyncLocalStore  *self,
                                                 JustSyncScope       *scope,
                                                 GPtrArray           *results,
                                                 GCancellable        *cancellable,
                                                 GAsyncReadyCallback  callback,
                                                 gpointer             user_data)
{
  g_return_if_fail (JUST_SYNC_IS_LOCAL_STORE (self));
  g_return_if_fail (scope != NULL);
  g_return_if_fail (results != NULL);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  JUST_SYNC_LOCAL_STORE_GET_IFACE (self)->commit_push_results_async (self, scope, results, cancellable, callback, user_data);
}

/**
 * just_sync_local_store_commit_push_results_finish:
 * @self: a [iface@JustSync.LocalStore]
 * @result: the #GAsyncResult passed to the callback
 * @error: return location for an error
 *
 * Finishes [method@JustSync.LocalStore.commit_push_results_async].
 *
 * Returns: (transfer full): the records whose local content changed
 */
JustSyncApplyResult *
just_sync_local_store_commit_push_results_finish (JustSyncLocalStore  *self,
                                                  GAsyncResult        *result,
                                                  GError             **error)
{
  g_return_val_if_fail (JUST_SYNC_IS_LOCAL_STORE (self), NULL);
  g_return_val_if_fail (G_IS_ASYNC_RESULT (result), NULL);

  return JUST_SYNC_LOCAL_STORE_GET_IFACE (self)->commit_push_results_finish (self, result, error);
}

/**
 * just_sync_local_store_get_sync_point_async:
 * @self: a [iface@JustSync.LocalStore]
 * @scope: the scope
 * @cancellable: (nullable): a #GCancellable
 * @callback: (scope async): called when the operation completes
 * @user_data: data for @callback
 *
 * Reads the sync point of @scope.
 */
void
just_sync_local_store_get_sync_point_async (JustSyncLocalStore  *self,
                                            JustSyncScope       *scope,
                                            GCancellable        *cancellable,
                                            GAsyncReadyCallback  callback,
                                            gpointer             user_data)
{
  g_return_if_fail (JUST_SYNC_IS_LOCAL_STORE (self));
  g_return_if_fail (scope != NULL);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  JUST_SYNC_LOCAL_STORE_GET_IFACE (self)->get_sync_point_async (self, scope, cancellable, callback, user_data);
}

/**
 * just_sync_local_store_get_sync_point_finish:
 * @self: a [iface@JustSync.LocalStore]
 * @result: the #GAsyncResult passed to the callback
 * @error: return location for an error
 *
 * Finishes [method@JustSync.LocalStore.get_sync_point_async].
 *
 * Returns: (transfer full) (nullable): the sync point, or %NULL
 */
JustSyncSyncPoint *
just_sync_local_store_get_sync_point_finish (JustSyncLocalStore  *self,
                                             GAsyncResult        *result,
                                             GError             **error)
{
  g_return_val_if_fail (JUST_SYNC_IS_LOCAL_STORE (self), NULL);
  g_return_val_if_fail (G_IS_ASYNC_RESULT (result), NULL);

  return JUST_SYNC_LOCAL_STORE_GET_IFACE (self)->get_sync_point_finish (self, result, error);
}

/**
 * just_sync_local_store_save_sync_point_async:
 * @self: a [iface@JustSync.LocalStore]
 * @scope: the scope
 * @sync_point: (nullable): the new sync point, or %NULL to forget it
 * @cancellable: (nullable): a #GCancellable
 * @callback: (scope async): called when the operation completes
 * @user_data: data for @callback
 *
 * Replaces the sync point of @scope.
 */
void
just_sync_local_store_save_sync_point_async (JustSyncLocalStore  *self,
                                             JustSyncScope       *scope,
                                             JustSyncSyncPoint   *sync_point,
                                             GCancellable        *cancellable,
                                             GAsyncReadyCallback  callback,
                                             gpointer             user_data)
{
  g_return_if_fail (JUST_SYNC_IS_LOCAL_STORE (self));
  g_return_if_fail (scope != NULL);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  JUST_SYNC_LOCAL_STORE_GET_IFACE (self)->save_sync_point_async (self, scope, sync_point, cancellable, callback, user_data);
}

/**
 * just_sync_local_store_save_sync_point_finish:
 * @self: a [iface@JustSync.LocalStore]
 * @result: the #GAsyncResult passed to the callback
 * @error: return location for an error
 *
 * Finishes [method@JustSync.LocalStore.save_sync_point_async].
 *
 * Returns: %TRUE on success
 */
gboolean
just_sync_local_store_save_sync_point_finish (JustSyncLocalStore  *self,
                                              GAsyncResult        *result,
                                              GError             **error)
{
  g_return_val_if_fail (JUST_SYNC_IS_LOCAL_STORE (self), FALSE);
  g_return_val_if_fail (G_IS_ASYNC_RESULT (result), FALSE);

  return JUST_SYNC_LOCAL_STORE_GET_IFACE (self)->save_sync_point_finish (self, result, error);
}

/**
 * just_sync_local_store_list_conflicts_async:
 * @self: a [iface@JustSync.LocalStore]
 * @scope: the scope
 * @cancellable: (nullable): a #GCancellable
 * @callback: (scope async): called when the operation completes
 * @user_data: data for @callback
 *
 * Lists the conflicts recorded for @scope.
 */
void
just_sync_local_store_list_conflicts_async (JustSyncLocalStore  *self,
                                            JustSyncScope       *scope,
                                            GCancellable        *cancellable,
                                            GAsyncReadyCallback  callback,
                                            gpointer             user_data)
{
  g_return_if_fail (JUST_SYNC_IS_LOCAL_STORE (self));
  g_return_if_fail (scope != NULL);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  JUST_SYNC_LOCAL_STORE_GET_IFACE (self)->list_conflicts_async (self, scope, cancellable, callback, user_data);
}

/**
 * just_sync_local_store_list_conflicts_finish:
 * @self: a [iface@JustSync.LocalStore]
 * @result: the #GAsyncResult passed to the callback
 * @error: return location for an error
 *
 * Finishes [method@JustSync.LocalStore.list_conflicts_async].
 *
 * Returns: (transfer container) (element-type JustSyncConflict): the conflicts, oldest
 *   first
 */
GPtrArray *
just_sync_local_store_list_conflicts_finish (JustSyncLocalStore  *self,
                                             GAsyncResult        *result,
                                             GError             **error)
{
  g_return_val_if_fail (JUST_SYNC_IS_LOCAL_STORE (self), NULL);
  g_return_val_if_fail (G_IS_ASYNC_RESULT (result), NULL);

  return JUST_SYNC_LOCAL_STORE_GET_IFACE (self)->list_conflicts_finish (self, result, error);
}

/**
 * just_sync_local_store_retry_failed_ops_async:
 * @self: a [iface@JustSync.LocalStore]
 * @scope: the scope
 * @cancellable: (nullable): a #GCancellable
 * @callback: (scope async): called when the operation completes
 * @user_data: data for @callback
 *
 * Puts the failed operations of @scope back in the queue.
 */
void
just_sync_local_store_retry_failed_ops_async (JustSyncLocalStore  *self,
                                              JustSyncScope       *scope,
                                              GCancellable        *cancellable,
                                              GAsyncReadyCallback  callback,
                                              gpointer             user_data)
{
  g_return_if_fail (JUST_SYNC_IS_LOCAL_STORE (self));
  g_return_if_fail (scope != NULL);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  JUST_SYNC_LOCAL_STORE_GET_IFACE (self)->retry_failed_ops_async (self, scope, cancellable, callback, user_data);
}

/**
 * just_sync_local_store_retry_failed_ops_finish:
 * @self: a [iface@JustSync.LocalStore]
 * @result: the #GAsyncResult passed to the callback
 * @error: return location for an error
 *
 * Finishes [method@JustSync.LocalStore.retry_failed_ops_async].
 *
 * Returns: how many operations were queued again
 */
guint
just_sync_local_store_retry_failed_ops_finish (JustSyncLocalStore  *self,
                                               GAsyncResult        *result,
                                               GError             **error)
{
  g_return_val_if_fail (JUST_SYNC_IS_LOCAL_STORE (self), 0);
  g_return_val_if_fail (G_IS_ASYNC_RESULT (result), 0);

  return JUST_SYNC_LOCAL_STORE_GET_IFACE (self)->retry_failed_ops_finish (self, result, error);
}

/**
 * just_sync_local_store_discard_failed_ops_async:
 * @self: a [iface@JustSync.LocalStore]
 * @scope: the scope
 * @cancellable: (nullable): a #GCancellable
 * @callback: (scope async): called when the operation completes
 * @user_data: data for @callback
 *
 * Drops the failed operations of @scope. Their rows keep their local
 * content until a reconcile replaces it with the server's version.
 */
void
just_sync_local_store_discard_failed_ops_async (JustSyncLocalStore  *self,
                                                JustSyncScope       *scope,
                                                GCancellable        *cancellable,
                                                GAsyncReadyCallback  callback,
                                                gpointer             user_data)
{
  g_return_if_fail (JUST_SYNC_IS_LOCAL_STORE (self));
  g_return_if_fail (scope != NULL);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  JUST_SYNC_LOCAL_STORE_GET_IFACE (self)->discard_failed_ops_async (self, scope, cancellable, callback, user_data);
}

/**
 * just_sync_local_store_discard_failed_ops_finish:
 * @self: a [iface@JustSync.LocalStore]
 * @result: the #GAsyncResult passed to the callback
 * @error: return location for an error
 *
 * Finishes [method@JustSync.LocalStore.discard_failed_ops_async].
 *
 * Returns: how many operations were dropped
 */
guint
just_sync_local_store_discard_failed_ops_finish (JustSyncLocalStore  *self,
                                                 GAsyncResult        *result,
                                                 GError             **error)
{
  g_return_val_if_fail (JUST_SYNC_IS_LOCAL_STORE (self), 0);
  g_return_val_if_fail (G_IS_ASYNC_RESULT (result), 0);

  return JUST_SYNC_LOCAL_STORE_GET_IFACE (self)->discard_failed_ops_finish (self, result, error);
}

/**
 * just_sync_local_store_mark_ops_sent_async:
 * @self: a [iface@JustSync.LocalStore]
 * @scope: the scope
 * @ops: (element-type JustSyncPendingOp): the operations about to be pushed
 * @cancellable: (nullable): a #GCancellable
 * @callback: (scope async): called when the operation completes
 * @user_data: data for @callback
 *
 * Counts one attempt for each of @ops, in one transaction, before their
 * push goes out: only a sent operation can have an echo, and a crash after
 * the server applied the push must still find them marked.
 */
void
just_sync_local_store_mark_ops_sent_async (JustSyncLocalStore  *self,
                                           JustSyncScope       *scope,
                                           GPtrArray           *ops,
                                           GCancellable        *cancellable,
                                           GAsyncReadyCallback  callback,
                                           gpointer             user_data)
{
  g_return_if_fail (JUST_SYNC_IS_LOCAL_STORE (self));
  g_return_if_fail (scope != NULL);
  g_return_if_fail (ops != NULL);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  JUST_SYNC_LOCAL_STORE_GET_IFACE (self)->mark_ops_sent_async (self, scope, ops, cancellable, callback, user_data);
}

/**
 * just_sync_local_store_mark_ops_sent_finish:
 * @self: a [iface@JustSync.LocalStore]
 * @result: the #GAsyncResult passed to the callback
 * @error: return location for an error
 *
 * Finishes [method@JustSync.LocalStore.mark_ops_sent_async].
 *
 * Returns: %TRUE when the attempts were recorded
 */
gboolean
just_sync_local_store_mark_ops_sent_finish (JustSyncLocalStore  *self,
                                            GAsyncResult        *result,
                                            GError             **error)
{
  g_return_val_if_fail (JUST_SYNC_IS_LOCAL_STORE (self), FALSE);
  g_return_val_if_fail (G_IS_ASYNC_RESULT (result), FALSE);

  return JUST_SYNC_LOCAL_STORE_GET_IFACE (self)->mark_ops_sent_finish (self, result, error);
}

/**
 * just_sync_local_store_prune_missing_async:
 * @self: a [iface@JustSync.LocalStore]
 * @scope: the scope
 * @keep_ids: (array zero-terminated=1): every id the server has
 * @cancellable: (nullable): a #GCancellable
 * @callback: (scope async): called when the operation completes
 * @user_data: data for @callback
 *
 * Removes the rows of @scope that came from the server, have no pending
 * operation and are not in @keep_ids.
 */
void
just_sync_local_store_prune_missing_async (JustSyncLocalStore  *self,
                                           JustSyncScope       *scope,
                                           const char * const  *keep_ids,
                                           GCancellable        *cancellable,
                                           GAsyncReadyCallback  callback,
                                           gpointer             user_data)
{
  g_return_if_fail (JUST_SYNC_IS_LOCAL_STORE (self));
  g_return_if_fail (scope != NULL);
  g_return_if_fail (keep_ids != NULL);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  JUST_SYNC_LOCAL_STORE_GET_IFACE (self)->prune_missing_async (self, scope, keep_ids, cancellable, callback, user_data);
}

/**
 * just_sync_local_store_prune_missing_finish:
 * @self: a [iface@JustSync.LocalStore]
 * @result: the #GAsyncResult passed to the callback
 * @error: return location for an error
 *
 * Finishes [method@JustSync.LocalStore.prune_missing_async].
 *
 * Returns: how many rows were removed
 */
guint
just_sync_local_store_prune_missing_finish (JustSyncLocalStore  *self,
                                            GAsyncResult        *result,
                                            GError             **error)
{
  g_return_val_if_fail (JUST_SYNC_IS_LOCAL_STORE (self), 0);
  g_return_val_if_fail (G_IS_ASYNC_RESULT (result), 0);

  return JUST_SYNC_LOCAL_STORE_GET_IFACE (self)->prune_missing_finish (self, result, error);
}


/**
 * just_sync_local_store_evict_async:
 * @self: a [iface@JustSync.LocalStore]
 * @scope: the scope
 * @ids: (array zero-terminated=1): the rows to evict
 * @evicted_at: when, in microseconds since the epoch
 * @cancellable: (nullable): a #GCancellable
 * @callback: (scope async): called when the operation completes
 * @user_data: data for @callback
 *
 * Removes those of @ids that are live rows without a pending operation,
 * and remembers them as evicted (see
 * [method@JustSync.LocalStore.list_evicted_async]). A tombstone or a row
 * whose change waits is kept. Fails with %G_IO_ERROR_NOT_SUPPORTED for
 * a store without a cache.
 */
void
just_sync_local_store_evict_async (JustSyncLocalStore  *self,
                                   JustSyncScope       *scope,
                                   const char * const  *ids,
                                   gint64               evicted_at,
                                   GCancellable        *cancellable,
                                   GAsyncReadyCallback  callback,
                                   gpointer             user_data)
{
  g_return_if_fail (JUST_SYNC_IS_LOCAL_STORE (self));
  g_return_if_fail (scope != NULL);
  g_return_if_fail (ids != NULL);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  JUST_SYNC_LOCAL_STORE_GET_IFACE (self)->evict_async (self, scope, ids, evicted_at, cancellable,
                                                       callback, user_data);
}

/**
 * just_sync_local_store_evict_finish:
 * @self: a [iface@JustSync.LocalStore]
 * @result: the #GAsyncResult passed to the callback
 * @error: return location for an error
 *
 * Finishes [method@JustSync.LocalStore.evict_async].
 *
 * Returns: how many rows were removed
 */
guint
just_sync_local_store_evict_finish (JustSyncLocalStore  *self,
                                    GAsyncResult        *result,
                                    GError             **error)
{
  g_return_val_if_fail (JUST_SYNC_IS_LOCAL_STORE (self), 0);
  g_return_val_if_fail (G_IS_ASYNC_RESULT (result), 0);

  return JUST_SYNC_LOCAL_STORE_GET_IFACE (self)->evict_finish (self, result, error);
}

/**
 * just_sync_local_store_list_evicted_async:
 * @self: a [iface@JustSync.LocalStore]
 * @scope: the scope
 * @forget_before: forget the evictions made before this time (0: none)
 * @cancellable: (nullable): a #GCancellable
 * @callback: (scope async): called when the operation completes
 * @user_data: data for @callback
 *
 * Lists the ids of @scope that were evicted and have no row again: while
 * there are any, the local rows of @scope are a partial copy.
 */
void
just_sync_local_store_list_evicted_async (JustSyncLocalStore  *self,
                                          JustSyncScope       *scope,
                                          gint64               forget_before,
                                          GCancellable        *cancellable,
                                          GAsyncReadyCallback  callback,
                                          gpointer             user_data)
{
  g_return_if_fail (JUST_SYNC_IS_LOCAL_STORE (self));
  g_return_if_fail (scope != NULL);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  JUST_SYNC_LOCAL_STORE_GET_IFACE (self)->list_evicted_async (self, scope, forget_before,
                                                              cancellable, callback, user_data);
}

/**
 * just_sync_local_store_list_evicted_finish:
 * @self: a [iface@JustSync.LocalStore]
 * @result: the #GAsyncResult passed to the callback
 * @error: return location for an error
 *
 * Finishes [method@JustSync.LocalStore.list_evicted_async].
 *
 * Returns: (transfer full) (array zero-terminated=1): the evicted ids
 */
GStrv
just_sync_local_store_list_evicted_finish (JustSyncLocalStore  *self,
                                          GAsyncResult        *result,
                                          GError             **error)
{
  g_return_val_if_fail (JUST_SYNC_IS_LOCAL_STORE (self), NULL);
  g_return_val_if_fail (G_IS_ASYNC_RESULT (result), NULL);

  return JUST_SYNC_LOCAL_STORE_GET_IFACE (self)->list_evicted_finish (self, result, error);
}
