/* justsync-memory-local-store.c
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "justsync-error.h"
#include "justsync-memory-local-store.h"
#include "justsync-merge-private.h"
#include "justsync-pending-op-private.h"
#include "justsync-query-private.h"

/**
 * JustSyncMemoryLocalStore:
 *
 * A [iface@JustSync.LocalStore] that keeps everything in memory and forgets it when
 * it is finalized. It is complete and scope-aware, and applies remote
 * changes by the same merge rules as [class@JustSync.SqliteStore] (one
 * module runs both), but it is meant for tests and demos only: apps use
 * [class@JustSync.SqliteStore].
 */

typedef struct
{
  JustSyncRecord *record;
  /* The identity of the server version the row reflects, or NULL. */
  char *base;
} Row;

typedef struct
{
  JustSyncScope *scope;
  GHashTable *rows;          /* id -> Row */
  GPtrArray *ops;            /* JustSyncPendingOp, by seq */
  GPtrArray *conflicts;      /* JustSyncConflict */
  JustSyncSyncPoint *sync_point;
  /* id -> JustSyncRecord: the content of the base version of a row whose
   * changes wait, for field merges (stale once they are gone) */
  GHashTable *base_contents;
  GHashTable *evicted;       /* id -> gint64 *: when it was evicted */
} ScopeData;

struct _JustSyncMemoryLocalStore
{
  GObject parent_instance;
  GHashTable *scopes;        /* canonical scope -> ScopeData */
  gint64 last_seq;
};

enum {
  PROP_0,
  PROP_SUPPORTS_SOFT_DELETE,
  N_PROPS
};

static void local_store_iface_init (JustSyncLocalStoreInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (JustSyncMemoryLocalStore, just_sync_memory_local_store, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (JUST_SYNC_TYPE_LOCAL_STORE,
                                                      local_store_iface_init))

static void
row_free (Row *row)
{
  just_sync_record_unref (row->record);
  g_free (row->base);
  g_free (row);
}

static Row *
row_new (JustSyncRecord *record,
         const char     *base)
{
  Row *row = g_new0 (Row, 1);

  row->record = just_sync_record_ref (record);
  row->base = g_strdup (base);
  return row;
}

static void
scope_data_free (ScopeData *data)
{
  just_sync_scope_unref (data->scope);
  g_hash_table_unref (data->rows);
  g_ptr_array_unref (data->ops);
  g_ptr_array_unref (data->conflicts);
  g_clear_pointer (&data->sync_point, just_sync_sync_point_unref);
  g_hash_table_unref (data->base_contents);
  g_hash_table_unref (data->evicted);
  g_free (data);
}

static ScopeData *
get_scope_data (JustSyncMemoryLocalStore *self,
                JustSyncScope            *scope)
{
  const char *key = just_sync_scope_to_string (scope);
  ScopeData *data = g_hash_table_lookup (self->scopes, key);

  if (data == NULL)
    {
      data = g_new0 (ScopeData, 1);
      data->scope = just_sync_scope_ref (scope);
      data->rows = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) row_free);
      data->ops = g_ptr_array_new_with_free_func ((GDestroyNotify) just_sync_pending_op_unref);
      data->conflicts = g_ptr_array_new_with_free_func ((GDestroyNotify) just_sync_conflict_unref);
      data->base_contents = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                                   (GDestroyNotify) just_sync_record_unref);
      data->evicted = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
      g_hash_table_insert (self->scopes, g_strdup (key), data);
    }
  return data;
}

static GPtrArray *
new_record_array (void)
{
  return g_ptr_array_new_with_free_func ((GDestroyNotify) just_sync_record_unref);
}

static GPtrArray *
new_op_array (void)
{
  return g_ptr_array_new_with_free_func ((GDestroyNotify) just_sync_pending_op_unref);
}

static int
compare_by_id (gconstpointer a,
               gconstpointer b)
{
  JustSyncRecord *ra = *(JustSyncRecord **) a, *rb = *(JustSyncRecord **) b;

  return strcmp (just_sync_record_get_id (ra), just_sync_record_get_id (rb));
}

static int
compare_by_updated_at (gconstpointer a,
                       gconstpointer b)
{
  JustSyncRecord *ra = *(JustSyncRecord **) a, *rb = *(JustSyncRecord **) b;
  gint64 ta = just_sync_record_get_updated_at (ra), tb = just_sync_record_get_updated_at (rb);

  if (ta != tb)
    return ta < tb ? -1 : 1;
  return compare_by_id (a, b);
}

static gboolean
op_is_for (JustSyncPendingOp *op,
           const char        *id)
{
  return strcmp (just_sync_pending_op_get_record_id (op), id) == 0;
}

/* The op that is the newest for @id, or NULL; its index in @data->ops. */
static JustSyncPendingOp *
find_newest_op (ScopeData  *data,
                const char *id)
{
  for (guint i = data->ops->len; i > 0; i--)
    if (op_is_for (g_ptr_array_index (data->ops, i - 1), id))
      return g_ptr_array_index (data->ops, i - 1);
  return NULL;
}

static void
rebase_ops (ScopeData  *data,
            const char *id,
            const char *base)
{
  for (guint i = 0; i < data->ops->len; i++)
    {
      JustSyncPendingOp *op = g_ptr_array_index (data->ops, i);

      if (!op_is_for (op, id))
        continue;
      g_ptr_array_index (data->ops, i) =
        _just_sync_pending_op_copy_with (op, base, just_sync_pending_op_get_attempts (op),
                                         just_sync_pending_op_get_state (op),
                                         just_sync_pending_op_get_last_error (op));
      just_sync_pending_op_unref (op);
    }
}

/* Removes the ops of @id with a sequence up to @seq; returns how many remain. */
static guint
clear_ops_up_to (ScopeData  *data,
                 const char *id,
                 gint64      seq)
{
  guint remaining = 0;

  for (guint i = data->ops->len; i > 0; i--)
    {
      JustSyncPendingOp *op = g_ptr_array_index (data->ops, i - 1);

      if (!op_is_for (op, id))
        continue;
      if (just_sync_pending_op_get_seq (op) <= seq)
        g_ptr_array_remove_index (data->ops, i - 1);
      else
        remaining++;
    }
  return remaining;
}

static void
set_row (ScopeData      *data,
         JustSyncRecord *record,
         const char     *base)
{
  g_hash_table_replace (data->rows, g_strdup (just_sync_record_get_id (record)),
                        row_new (record, base));
}

static void
emit_changed (JustSyncMemoryLocalStore *self,
              JustSyncScope            *scope,
              JustSyncApplyResult      *result)
{
  g_auto(GStrv) ids = just_sync_apply_result_dup_changed_ids (result);

  just_sync_local_store_emit_changed (JUST_SYNC_LOCAL_STORE (self), scope, (const char * const *) ids);
}

static GTask *
new_task (JustSyncMemoryLocalStore *self,
          GCancellable             *cancellable,
          GAsyncReadyCallback       callback,
          gpointer                  user_data,
          gpointer                  source_tag)
{
  GTask *task = g_task_new (self, cancellable, callback, user_data);

  g_task_set_source_tag (task, source_tag);
  /* A cancel after the work is done must not hide it from the caller. */
  g_task_set_check_cancellable (task, FALSE);
  return task;
}

/* Every method works synchronously and completes the task on the caller's
 * context, so the store never re-enters its caller. Cancellation before the
 * work starts is honoured; once started, the work is atomic and reported.
 */
#define RETURN_IF_CANCELLED(task) \
  G_STMT_START { \
    if (g_task_return_error_if_cancelled (task)) \
      return; \
  } G_STMT_END

static void
just_sync_memory_local_store_query_async (JustSyncLocalStore  *store,
                                          JustSyncScope       *scope,
                                          GCancellable        *cancellable,
                                          GAsyncReadyCallback  callback,
                                          gpointer             user_data)
{
  JustSyncMemoryLocalStore *self = JUST_SYNC_MEMORY_LOCAL_STORE (store);
  g_autoptr(GTask) task = new_task (self, cancellable, callback, user_data,
                                    just_sync_memory_local_store_query_async);
  g_autoptr(GPtrArray) records = new_record_array ();
  ScopeData *data;
  GHashTableIter iter;
  Row *row;

  RETURN_IF_CANCELLED (task);

  data = get_scope_data (self, scope);
  g_hash_table_iter_init (&iter, data->rows);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &row))
    if (!just_sync_record_is_deleted (row->record))
      g_ptr_array_add (records, just_sync_record_ref (row->record));
  g_ptr_array_sort (records, compare_by_id);

  g_task_return_pointer (task, g_steal_pointer (&records), (GDestroyNotify) g_ptr_array_unref);
}

static void
just_sync_memory_local_store_query_since_async (JustSyncLocalStore  *store,
                                                JustSyncScope       *scope,
                                                gint64               since,
                                                GCancellable        *cancellable,
                                                GAsyncReadyCallback  callback,
                                                gpointer             user_data)
{
  JustSyncMemoryLocalStore *self = JUST_SYNC_MEMORY_LOCAL_STORE (store);
  g_autoptr(GTask) task = new_task (self, cancellable, callback, user_data,
                                    just_sync_memory_local_store_query_since_async);
  g_autoptr(GPtrArray) records = new_record_array ();
  ScopeData *data;
  GHashTableIter iter;
  Row *row;

  RETURN_IF_CANCELLED (task);

  data = get_scope_data (self, scope);
  g_hash_table_iter_init (&iter, data->rows);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &row))
    if (just_sync_record_get_updated_at (row->record) > since)
      g_ptr_array_add (records, just_sync_record_ref (row->record));
  g_ptr_array_sort (records, compare_by_updated_at);

  g_task_return_pointer (task, g_steal_pointer (&records), (GDestroyNotify) g_ptr_array_unref);
}

static void
just_sync_memory_local_store_get_async (JustSyncLocalStore  *store,
                                        JustSyncScope       *scope,
                                        const char          *id,
                                        GCancellable        *cancellable,
                                        GAsyncReadyCallback  callback,
                                        gpointer             user_data)
{
  JustSyncMemoryLocalStore *self = JUST_SYNC_MEMORY_LOCAL_STORE (store);
  g_autoptr(GTask) task = new_task (self, cancellable, callback, user_data,
                                    just_sync_memory_local_store_get_async);
  Row *row;

  RETURN_IF_CANCELLED (task);

  row = g_hash_table_lookup (get_scope_data (self, scope)->rows, id);
  g_task_return_pointer (task, row != NULL ? just_sync_record_ref (row->record) : NULL,
                         (GDestroyNotify) just_sync_record_unref);
}

/* Looks the given ids up instead of scanning the scope, so that a live
 * query's update costs what the changed rows cost. */
static void
just_sync_memory_local_store_run_query_async (JustSyncLocalStore  *store,
                                              JustSyncQuery       *query,
                                              const char * const  *ids,
                                              GCancellable        *cancellable,
                                              GAsyncReadyCallback  callback,
                                              gpointer             user_data)
{
  JustSyncMemoryLocalStore *self = JUST_SYNC_MEMORY_LOCAL_STORE (store);
  g_autoptr(GTask) task = new_task (self, cancellable, callback, user_data,
                                    just_sync_memory_local_store_run_query_async);
  g_autoptr(GPtrArray) records = new_record_array ();
  ScopeData *data;
  Row *row;

  RETURN_IF_CANCELLED (task);

  data = get_scope_data (self, just_sync_query_get_scope (query));
  if (ids != NULL)
    {
      for (guint i = 0; ids[i] != NULL; i++)
        if ((row = g_hash_table_lookup (data->rows, ids[i])) != NULL)
          g_ptr_array_add (records, just_sync_record_ref (row->record));
    }
  else
    {
      GHashTableIter iter;

      g_hash_table_iter_init (&iter, data->rows);
      while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &row))
        g_ptr_array_add (records, just_sync_record_ref (row->record));
    }

  g_task_return_pointer (task, _just_sync_query_select (query, records, ids == NULL),
                         (GDestroyNotify) g_ptr_array_unref);
}

static GPtrArray *
just_sync_memory_local_store_run_query_finish (JustSyncLocalStore  *store,
                                               GAsyncResult        *result,
                                               GError             **error)
{
  g_return_val_if_fail (g_task_is_valid (result, store), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/* Writes @record as an app change and queues its op; the op's base is the
 * base of the row, which only pulls and acknowledged pushes move.
 */
static JustSyncPendingOp *
enqueue (JustSyncMemoryLocalStore *self,
         ScopeData                *data,
         JustSyncOpKind            kind,
         JustSyncRecord           *record,
         const char * const       *fields)
{
  Row *row = g_hash_table_lookup (data->rows, just_sync_record_get_id (record));
  g_autofree char *base = row != NULL ? g_strdup (row->base) : NULL;
  JustSyncPendingOp *op;

  /* A row with no waiting change is its base version: keep its content. */
  if (find_newest_op (data, just_sync_record_get_id (record)) == NULL)
    {
      if (row != NULL && row->base != NULL)
        g_hash_table_replace (data->base_contents, g_strdup (just_sync_record_get_id (record)),
                              just_sync_record_ref (row->record));
      else
        g_hash_table_remove (data->base_contents, just_sync_record_get_id (record));
    }

  if (fields != NULL)
    op = just_sync_pending_op_new_patch (++self->last_seq, record, fields, base, 0,
                                         JUST_SYNC_OP_STATE_QUEUED, NULL);
  else
    op = just_sync_pending_op_new (++self->last_seq, kind, record, base, 0,
                                   JUST_SYNC_OP_STATE_QUEUED, NULL);
  g_ptr_array_add (data->ops, just_sync_pending_op_ref (op));
  set_row (data, record, base);
  return op;
}

static void
just_sync_memory_local_store_upsert_many_async (JustSyncLocalStore  *store,
                                                JustSyncScope       *scope,
                                                GPtrArray           *records,
                                                GCancellable        *cancellable,
                                                GAsyncReadyCallback  callback,
                                                gpointer             user_data)
{
  JustSyncMemoryLocalStore *self = JUST_SYNC_MEMORY_LOCAL_STORE (store);
  g_autoptr(GTask) task = new_task (self, cancellable, callback, user_data,
                                    just_sync_memory_local_store_upsert_many_async);
  g_autoptr(GPtrArray) ops = new_op_array ();
  g_autoptr(JustSyncApplyResult) changed = just_sync_apply_result_new ();
  ScopeData *data;

  RETURN_IF_CANCELLED (task);

  for (guint i = 0; i < records->len; i++)
    if (just_sync_record_is_deleted (g_ptr_array_index (records, i)))
      {
        g_task_return_new_error (task, JUST_SYNC_ERROR, JUST_SYNC_ERROR_INVALID_ARGUMENT,
                                 _("Write a tombstone with a delete, not an upsert"));
        return;
      }

  data = get_scope_data (self, scope);
  for (guint i = 0; i < records->len; i++)
    {
      JustSyncRecord *record = g_ptr_array_index (records, i);

      g_ptr_array_add (ops, enqueue (self, data, JUST_SYNC_OP_UPSERT, record, NULL));
      just_sync_apply_result_add (changed, just_sync_record_get_id (record), JUST_SYNC_APPLY_INSERTED);
    }

  emit_changed (self, scope, changed);
  g_task_return_pointer (task, g_steal_pointer (&ops), (GDestroyNotify) g_ptr_array_unref);
}

static void
just_sync_memory_local_store_patch_async (JustSyncLocalStore  *store,
                                          JustSyncScope       *scope,
                                          JustSyncRecord      *record,
                                          const char * const  *fields,
                                          GCancellable        *cancellable,
                                          GAsyncReadyCallback  callback,
                                          gpointer             user_data)
{
  JustSyncMemoryLocalStore *self = JUST_SYNC_MEMORY_LOCAL_STORE (store);
  g_autoptr(GTask) task = new_task (self, cancellable, callback, user_data,
                                    just_sync_memory_local_store_patch_async);
  g_autoptr(JustSyncApplyResult) changed = just_sync_apply_result_new ();
  JustSyncPendingOp *op;

  RETURN_IF_CANCELLED (task);

  if (just_sync_record_is_deleted (record))
    {
      g_task_return_new_error (task, JUST_SYNC_ERROR, JUST_SYNC_ERROR_INVALID_ARGUMENT,
                               _("Write a tombstone with a delete, not an upsert"));
      return;
    }

  op = enqueue (self, get_scope_data (self, scope), JUST_SYNC_OP_UPSERT, record, fields);
  just_sync_apply_result_add (changed, just_sync_record_get_id (record), JUST_SYNC_APPLY_INSERTED);
  emit_changed (self, scope, changed);
  g_task_return_pointer (task, op, (GDestroyNotify) just_sync_pending_op_unref);
}

static JustSyncPendingOp *
just_sync_memory_local_store_patch_finish (JustSyncLocalStore  *store,
                                           GAsyncResult        *result,
                                           GError             **error)
{
  g_return_val_if_fail (g_task_is_valid (result, store), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
just_sync_memory_local_store_delete_many_async (JustSyncLocalStore  *store,
                                                JustSyncScope       *scope,
                                                const char * const  *ids,
                                                gint64               deleted_at,
                                                GCancellable        *cancellable,
                                                GAsyncReadyCallback  callback,
                                                gpointer             user_data)
{
  JustSyncMemoryLocalStore *self = JUST_SYNC_MEMORY_LOCAL_STORE (store);
  g_autoptr(GTask) task = new_task (self, cancellable, callback, user_data,
                                    just_sync_memory_local_store_delete_many_async);
  g_autoptr(GPtrArray) tombstones = new_record_array ();
  g_autoptr(GPtrArray) ops = new_op_array ();
  g_autoptr(JustSyncApplyResult) changed = just_sync_apply_result_new ();
  ScopeData *data;

  RETURN_IF_CANCELLED (task);

  /* Validate every id before changing anything: the write is all or nothing. */
  for (guint i = 0; ids[i] != NULL; i++)
    {
      GError *error = NULL;
      JustSyncRecord *tombstone = just_sync_record_new_tombstone (ids[i], deleted_at, &error);

      if (tombstone == NULL)
        {
          g_task_return_error (task, error);
          return;
        }
      g_ptr_array_add (tombstones, tombstone);
    }

  data = get_scope_data (self, scope);
  for (guint i = 0; i < tombstones->len; i++)
    {
      JustSyncRecord *tombstone = g_ptr_array_index (tombstones, i);

      g_ptr_array_add (ops, enqueue (self, data, JUST_SYNC_OP_DELETE, tombstone, NULL));
      just_sync_apply_result_add (changed, just_sync_record_get_id (tombstone), JUST_SYNC_APPLY_DELETED);
    }

  emit_changed (self, scope, changed);
  g_task_return_pointer (task, g_steal_pointer (&ops), (GDestroyNotify) g_ptr_array_unref);
}

static void
just_sync_memory_local_store_list_pending_ops_async (JustSyncLocalStore  *store,
                                                     JustSyncScope       *scope,
                                                     GCancellable        *cancellable,
                                                     GAsyncReadyCallback  callback,
                                                     gpointer             user_data)
{
  JustSyncMemoryLocalStore *self = JUST_SYNC_MEMORY_LOCAL_STORE (store);
  g_autoptr(GTask) task = new_task (self, cancellable, callback, user_data,
                                    just_sync_memory_local_store_list_pending_ops_async);
  g_autoptr(GPtrArray) ops = new_op_array ();
  ScopeData *data;

  RETURN_IF_CANCELLED (task);

  data = get_scope_data (self, scope);
  for (guint i = 0; i < data->ops->len; i++)
    g_ptr_array_add (ops, just_sync_pending_op_ref (g_ptr_array_index (data->ops, i)));

  g_task_return_pointer (task, g_steal_pointer (&ops), (GDestroyNotify) g_ptr_array_unref);
}

static void
just_sync_memory_local_store_count_pending_ops_async (JustSyncLocalStore  *store,
                                                      JustSyncScope       *scope,
                                                      JustSyncOpState      state,
                                                      GCancellable        *cancellable,
                                                      GAsyncReadyCallback  callback,
                                                      gpointer             user_data)
{
  JustSyncMemoryLocalStore *self = JUST_SYNC_MEMORY_LOCAL_STORE (store);
  g_autoptr(GTask) task = new_task (self, cancellable, callback, user_data,
                                    just_sync_memory_local_store_count_pending_ops_async);
  GHashTableIter iter;
  ScopeData *data;
  gssize count = 0;

  RETURN_IF_CANCELLED (task);

  g_hash_table_iter_init (&iter, self->scopes);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &data))
    {
      if (scope != NULL && !just_sync_scope_equal (scope, data->scope))
        continue;
      for (guint i = 0; i < data->ops->len; i++)
        if (just_sync_pending_op_get_state (g_ptr_array_index (data->ops, i)) == state)
          count++;
    }

  g_task_return_int (task, count);
}

/* The merge driver's primitives: the transaction is the scope's data,
 * which nothing else touches until the call returns. */

static gboolean
merge_load (gpointer             tx,
            const char          *id,
            JustSyncMergeLocal  *local,
            GError             **error)
{
  ScopeData *data = tx;
  Row *row = g_hash_table_lookup (data->rows, id);

  local->row = row != NULL ? just_sync_record_ref (row->record) : NULL;
  local->base = row != NULL ? g_strdup (row->base) : NULL;
  local->ops = new_op_array ();
  for (guint i = 0; i < data->ops->len; i++)
    if (op_is_for (g_ptr_array_index (data->ops, i), id))
      g_ptr_array_add (local->ops, just_sync_pending_op_ref (g_ptr_array_index (data->ops, i)));
  return TRUE;
}

static gboolean
merge_put_row (gpointer         tx,
               JustSyncRecord  *record,
               const char      *base,
               guint            n_ops,
               GError         **error)
{
  set_row (tx, record, base);
  return TRUE;
}

static gboolean
merge_clear_ops (gpointer     tx,
                 const char  *id,
                 gint64       seq,
                 guint       *remaining,
                 GError     **error)
{
  *remaining = clear_ops_up_to (tx, id, seq);
  return TRUE;
}

static gboolean
merge_rebase (gpointer     tx,
              const char  *id,
              const char  *base,
              guint        n_ops,
              GError     **error)
{
  ScopeData *data = tx;
  Row *row = g_hash_table_lookup (data->rows, id);

  if (row != NULL)
    {
      g_free (row->base);
      row->base = g_strdup (base);
    }
  rebase_ops (data, id, base);
  return TRUE;
}

static gboolean
merge_mark_ops (gpointer          tx,
                const char       *id,
                gint64            seq,
                JustSyncOpState   state,
                const char       *message,
                GError          **error)
{
  ScopeData *data = tx;

  for (guint i = 0; i < data->ops->len; i++)
    {
      JustSyncPendingOp *op = g_ptr_array_index (data->ops, i);

      if (!op_is_for (op, id) || just_sync_pending_op_get_seq (op) > seq)
        continue;
      g_ptr_array_index (data->ops, i) =
        _just_sync_pending_op_copy_with (op, just_sync_pending_op_get_base_version (op),
                                         just_sync_pending_op_get_attempts (op), state, message);
      just_sync_pending_op_unref (op);
    }
  return TRUE;
}

static gboolean
merge_save_conflict (gpointer           tx,
                     JustSyncConflict  *conflict,
                     GError           **error)
{
  ScopeData *data = tx;

  g_ptr_array_add (data->conflicts, just_sync_conflict_ref (conflict));
  return TRUE;
}

static gboolean
merge_load_sync_point (gpointer             tx,
                       JustSyncSyncPoint  **sync_point,
                       GError             **error)
{
  ScopeData *data = tx;

  *sync_point = data->sync_point != NULL ? just_sync_sync_point_ref (data->sync_point) : NULL;
  return TRUE;
}

static gboolean
merge_save_sync_point (gpointer            tx,
                       JustSyncSyncPoint  *sync_point,
                       GError            **error)
{
  ScopeData *data = tx;

  g_clear_pointer (&data->sync_point, just_sync_sync_point_unref);
  data->sync_point = sync_point != NULL ? just_sync_sync_point_ref (sync_point) : NULL;
  return TRUE;
}

static gboolean
merge_load_base_content (gpointer          tx,
                         const char       *id,
                         JustSyncRecord  **base,
                         GError          **error)
{
  ScopeData *data = tx;
  JustSyncRecord *content = g_hash_table_lookup (data->base_contents, id);

  *base = content != NULL ? just_sync_record_ref (content) : NULL;
  return TRUE;
}

static gboolean
merge_save_base_content (gpointer          tx,
                         const char       *id,
                         JustSyncRecord   *content,
                         GError          **error)
{
  ScopeData *data = tx;

  g_hash_table_replace (data->base_contents, g_strdup (id), just_sync_record_ref (content));
  return TRUE;
}

static gboolean
merge_put_merged (gpointer          tx,
                  JustSyncRecord   *merged,
                  const char       *base,
                  JustSyncRecord   *base_content,
                  guint             n_ops,
                  GError          **error)
{
  ScopeData *data = tx;
  const char *id = just_sync_record_get_id (merged);

  set_row (data, merged, base);
  for (guint i = 0; i < data->ops->len; i++)
    {
      JustSyncPendingOp *op = g_ptr_array_index (data->ops, i);

      if (!op_is_for (op, id))
        continue;
      g_ptr_array_index (data->ops, i) =
        just_sync_pending_op_new (just_sync_pending_op_get_seq (op), JUST_SYNC_OP_UPSERT, merged,
                                  base, just_sync_pending_op_get_attempts (op),
                                  just_sync_pending_op_get_state (op),
                                  just_sync_pending_op_get_last_error (op));
      just_sync_pending_op_unref (op);
    }
  return merge_save_base_content (tx, id, base_content, error);
}

static const JustSyncMergeStore merge_store = {
  .load = merge_load,
  .put_row = merge_put_row,
  .clear_ops = merge_clear_ops,
  .rebase = merge_rebase,
  .mark_ops = merge_mark_ops,
  .save_conflict = merge_save_conflict,
  .load_sync_point = merge_load_sync_point,
  .save_sync_point = merge_save_sync_point,
  .load_base_content = merge_load_base_content,
  .save_base_content = merge_save_base_content,
  .put_merged = merge_put_merged,
};

static void
just_sync_memory_local_store_apply_remote_changes_async (JustSyncLocalStore       *store,
                                                         JustSyncScope            *scope,
                                                         JustSyncDelta            *delta,
                                                         JustSyncConflictResolver *resolver,
                                                         GCancellable             *cancellable,
                                                         GAsyncReadyCallback       callback,
                                                         gpointer                  user_data)
{
  JustSyncMemoryLocalStore *self = JUST_SYNC_MEMORY_LOCAL_STORE (store);
  g_autoptr(GTask) task = new_task (self, cancellable, callback, user_data,
                                    just_sync_memory_local_store_apply_remote_changes_async);
  g_autoptr(JustSyncApplyResult) result = NULL;
  GError *error = NULL;

  RETURN_IF_CANCELLED (task);

  /* Resolvers run between the driver's attempts, while nothing is half
   * written: one that calls back into the store sees a consistent one. */
  result = _just_sync_merge_apply_delta (&merge_store, get_scope_data (self, scope), delta,
                                         resolver, &error);
  if (result == NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  emit_changed (self, scope, result);
  g_task_return_pointer (task, g_steal_pointer (&result), (GDestroyNotify) just_sync_apply_result_unref);
}

static void
just_sync_memory_local_store_commit_push_results_async (JustSyncLocalStore  *store,
                                                        JustSyncScope       *scope,
                                                        GPtrArray           *results,
                                                        GCancellable        *cancellable,
                                                        GAsyncReadyCallback  callback,
                                                        gpointer             user_data)
{
  JustSyncMemoryLocalStore *self = JUST_SYNC_MEMORY_LOCAL_STORE (store);
  g_autoptr(GTask) task = new_task (self, cancellable, callback, user_data,
                                    just_sync_memory_local_store_commit_push_results_async);
  g_autoptr(JustSyncApplyResult) result = just_sync_apply_result_new ();
  ScopeData *data;

  RETURN_IF_CANCELLED (task);

  data = get_scope_data (self, scope);
  for (guint i = 0; i < results->len; i++)
    {
      JustSyncPushResult *push = g_ptr_array_index (results, i);
      JustSyncRecord *reply = just_sync_push_result_get_reply (push);
      g_autofree char *version = reply != NULL ? just_sync_record_dup_version (reply) : NULL;

      /* In memory no primitive fails. */
      _just_sync_merge_commit_push (&merge_store, data, push, reply, version, result, NULL);
    }

  emit_changed (self, scope, result);
  g_task_return_pointer (task, g_steal_pointer (&result), (GDestroyNotify) just_sync_apply_result_unref);
}

static void
just_sync_memory_local_store_get_sync_point_async (JustSyncLocalStore  *store,
                                                   JustSyncScope       *scope,
                                                   GCancellable        *cancellable,
                                                   GAsyncReadyCallback  callback,
                                                   gpointer             user_data)
{
  JustSyncMemoryLocalStore *self = JUST_SYNC_MEMORY_LOCAL_STORE (store);
  g_autoptr(GTask) task = new_task (self, cancellable, callback, user_data,
                                    just_sync_memory_local_store_get_sync_point_async);
  ScopeData *data;

  RETURN_IF_CANCELLED (task);

  data = get_scope_data (self, scope);
  g_task_return_pointer (task,
                         data->sync_point != NULL ? just_sync_sync_point_ref (data->sync_point) : NULL,
                         (GDestroyNotify) just_sync_sync_point_unref);
}

static void
just_sync_memory_local_store_save_sync_point_async (JustSyncLocalStore  *store,
                                                    JustSyncScope       *scope,
                                                    JustSyncSyncPoint   *sync_point,
                                                    GCancellable        *cancellable,
                                                    GAsyncReadyCallback  callback,
                                                    gpointer             user_data)
{
  JustSyncMemoryLocalStore *self = JUST_SYNC_MEMORY_LOCAL_STORE (store);
  g_autoptr(GTask) task = new_task (self, cancellable, callback, user_data,
                                    just_sync_memory_local_store_save_sync_point_async);
  ScopeData *data;

  RETURN_IF_CANCELLED (task);

  data = get_scope_data (self, scope);
  g_clear_pointer (&data->sync_point, just_sync_sync_point_unref);
  if (sync_point != NULL)
    data->sync_point = just_sync_sync_point_ref (sync_point);

  g_task_return_boolean (task, TRUE);
}

static void
just_sync_memory_local_store_list_conflicts_async (JustSyncLocalStore  *store,
                                                   JustSyncScope       *scope,
                                                   GCancellable        *cancellable,
                                                   GAsyncReadyCallback  callback,
                                                   gpointer             user_data)
{
  JustSyncMemoryLocalStore *self = JUST_SYNC_MEMORY_LOCAL_STORE (store);
  g_autoptr(GTask) task = new_task (self, cancellable, callback, user_data,
                                    just_sync_memory_local_store_list_conflicts_async);
  g_autoptr(GPtrArray) conflicts = g_ptr_array_new_with_free_func ((GDestroyNotify) just_sync_conflict_unref);
  ScopeData *data;

  RETURN_IF_CANCELLED (task);

  data = get_scope_data (self, scope);
  for (guint i = 0; i < data->conflicts->len; i++)
    g_ptr_array_add (conflicts, just_sync_conflict_ref (g_ptr_array_index (data->conflicts, i)));

  g_task_return_pointer (task, g_steal_pointer (&conflicts), (GDestroyNotify) g_ptr_array_unref);
}

static void
just_sync_memory_local_store_retry_failed_ops_async (JustSyncLocalStore  *store,
                                                     JustSyncScope       *scope,
                                                     GCancellable        *cancellable,
                                                     GAsyncReadyCallback  callback,
                                                     gpointer             user_data)
{
  JustSyncMemoryLocalStore *self = JUST_SYNC_MEMORY_LOCAL_STORE (store);
  g_autoptr(GTask) task = new_task (self, cancellable, callback, user_data,
                                    just_sync_memory_local_store_retry_failed_ops_async);
  ScopeData *data;
  gssize count = 0;

  RETURN_IF_CANCELLED (task);

  data = get_scope_data (self, scope);
  for (guint i = 0; i < data->ops->len; i++)
    {
      JustSyncPendingOp *op = g_ptr_array_index (data->ops, i);

      if (just_sync_pending_op_get_state (op) != JUST_SYNC_OP_STATE_FAILED)
        continue;
      g_ptr_array_index (data->ops, i) =
        _just_sync_pending_op_copy_with (op, just_sync_pending_op_get_base_version (op), 0,
                                         JUST_SYNC_OP_STATE_QUEUED, NULL);
      just_sync_pending_op_unref (op);
      count++;
    }

  g_task_return_int (task, count);
}

static void
just_sync_memory_local_store_discard_failed_ops_async (JustSyncLocalStore  *store,
                                                       JustSyncScope       *scope,
                                                       GCancellable        *cancellable,
                                                       GAsyncReadyCallback  callback,
                                                       gpointer             user_data)
{
  JustSyncMemoryLocalStore *self = JUST_SYNC_MEMORY_LOCAL_STORE (store);
  g_autoptr(GTask) task = new_task (self, cancellable, callback, user_data,
                                    just_sync_memory_local_store_discard_failed_ops_async);
  ScopeData *data;
  gssize count = 0;

  RETURN_IF_CANCELLED (task);

  data = get_scope_data (self, scope);
  for (guint i = data->ops->len; i > 0; i--)
    {
      JustSyncPendingOp *op = g_ptr_array_index (data->ops, i - 1);
      g_autofree char *id = NULL;
      Row *row;

      if (just_sync_pending_op_get_state (op) != JUST_SYNC_OP_STATE_FAILED)
        continue;

      id = g_strdup (just_sync_pending_op_get_record_id (op));
      g_ptr_array_remove_index (data->ops, i - 1);
      count++;

      /* With no change left to push, the row must come back from the server:
       * forgetting its base makes the next reconcile replace it. */
      row = g_hash_table_lookup (data->rows, id);
      if (row != NULL && find_newest_op (data, id) == NULL)
        g_clear_pointer (&row->base, g_free);
    }

  g_task_return_int (task, count);
}

static void
just_sync_memory_local_store_prune_missing_async (JustSyncLocalStore  *store,
                                                  JustSyncScope       *scope,
                                                  const char * const  *keep_ids,
                                                  GCancellable        *cancellable,
                                                  GAsyncReadyCallback  callback,
                                                  gpointer             user_data)
{
  JustSyncMemoryLocalStore *self = JUST_SYNC_MEMORY_LOCAL_STORE (store);
  g_autoptr(GTask) task = new_task (self, cancellable, callback, user_data,
                                    just_sync_memory_local_store_prune_missing_async);
  g_autoptr(GHashTable) keep = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(JustSyncApplyResult) result = just_sync_apply_result_new ();
  ScopeData *data;
  GHashTableIter iter;
  const char *id;
  Row *row;

  RETURN_IF_CANCELLED (task);

  for (guint i = 0; keep_ids[i] != NULL; i++)
    g_hash_table_add (keep, (gpointer) keep_ids[i]);

  data = get_scope_data (self, scope);
  g_hash_table_iter_init (&iter, data->rows);
  while (g_hash_table_iter_next (&iter, (gpointer *) &id, (gpointer *) &row))
    {
      if (g_hash_table_contains (keep, id) || find_newest_op (data, id) != NULL)
        continue;
      /* A row the server never had (its base is unknown) but no op either
       * can only be a discarded change: the server has no copy, so it goes. */
      if (!just_sync_record_is_deleted (row->record))
        just_sync_apply_result_add (result, id, JUST_SYNC_APPLY_DELETED);
      else
        just_sync_apply_result_add (result, id, JUST_SYNC_APPLY_SKIPPED);
      g_hash_table_iter_remove (&iter);
    }

  emit_changed (self, scope, result);
  g_task_return_int (task, just_sync_apply_result_get_count (result, JUST_SYNC_APPLY_DELETED) +
                           just_sync_apply_result_get_count (result, JUST_SYNC_APPLY_SKIPPED));
}

static void
just_sync_memory_local_store_evict_async (JustSyncLocalStore  *store,
                                          JustSyncScope       *scope,
                                          const char * const  *ids,
                                          gint64               evicted_at,
                                          GCancellable        *cancellable,
                                          GAsyncReadyCallback  callback,
                                          gpointer             user_data)
{
  JustSyncMemoryLocalStore *self = JUST_SYNC_MEMORY_LOCAL_STORE (store);
  g_autoptr(GTask) task = new_task (self, cancellable, callback, user_data,
                                    just_sync_memory_local_store_evict_async);
  g_autoptr(JustSyncApplyResult) result = just_sync_apply_result_new ();
  ScopeData *data;

  RETURN_IF_CANCELLED (task);

  data = get_scope_data (self, scope);
  for (guint i = 0; ids[i] != NULL; i++)
    {
      Row *row = g_hash_table_lookup (data->rows, ids[i]);

      if (row == NULL || just_sync_record_is_deleted (row->record) ||
          find_newest_op (data, ids[i]) != NULL)
        continue;
      g_hash_table_remove (data->rows, ids[i]);
      g_hash_table_replace (data->evicted, g_strdup (ids[i]),
                            g_memdup2 (&evicted_at, sizeof evicted_at));
      just_sync_apply_result_add (result, ids[i], JUST_SYNC_APPLY_DELETED);
    }

  emit_changed (self, scope, result);
  g_task_return_int (task, just_sync_apply_result_get_count (result, JUST_SYNC_APPLY_DELETED));
}

static guint
just_sync_memory_local_store_evict_finish (JustSyncLocalStore  *store,
                                           GAsyncResult        *result,
                                           GError             **error)
{
  g_return_val_if_fail (g_task_is_valid (result, store), 0);

  return (guint) g_task_propagate_int (G_TASK (result), error);
}

static void
just_sync_memory_local_store_list_evicted_async (JustSyncLocalStore  *store,
                                                 JustSyncScope       *scope,
                                                 gint64               forget_before,
                                                 GCancellable        *cancellable,
                                                 GAsyncReadyCallback  callback,
                                                 gpointer             user_data)
{
  JustSyncMemoryLocalStore *self = JUST_SYNC_MEMORY_LOCAL_STORE (store);
  g_autoptr(GTask) task = new_task (self, cancellable, callback, user_data,
                                    just_sync_memory_local_store_list_evicted_async);
  g_autoptr(GStrvBuilder) ids = g_strv_builder_new ();
  ScopeData *data;
  GHashTableIter iter;
  const char *id;
  gint64 *evicted_at;

  RETURN_IF_CANCELLED (task);

  data = get_scope_data (self, scope);
  g_hash_table_iter_init (&iter, data->evicted);
  while (g_hash_table_iter_next (&iter, (gpointer *) &id, (gpointer *) &evicted_at))
    {
      if (*evicted_at < forget_before)
        g_hash_table_iter_remove (&iter);
      else if (!g_hash_table_contains (data->rows, id))
        g_strv_builder_add (ids, id);
    }

  g_task_return_pointer (task, g_strv_builder_end (ids), (GDestroyNotify) g_strfreev);
}

static GStrv
just_sync_memory_local_store_list_evicted_finish (JustSyncLocalStore  *store,
                                                  GAsyncResult        *result,
                                                  GError             **error)
{
  g_return_val_if_fail (g_task_is_valid (result, store), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
just_sync_memory_local_store_mark_ops_sent_async (JustSyncLocalStore  *store,
                                                  JustSyncScope       *scope,
                                                  GPtrArray           *ops,
                                                  GCancellable        *cancellable,
                                                  GAsyncReadyCallback  callback,
                                                  gpointer             user_data)
{
  JustSyncMemoryLocalStore *self = JUST_SYNC_MEMORY_LOCAL_STORE (store);
  g_autoptr(GTask) task = new_task (self, cancellable, callback, user_data,
                                    just_sync_memory_local_store_mark_ops_sent_async);
  ScopeData *data;

  RETURN_IF_CANCELLED (task);

  data = get_scope_data (self, scope);
  for (guint i = 0; i < ops->len; i++)
    {
      gint64 seq = just_sync_pending_op_get_seq (g_ptr_array_index (ops, i));

      for (guint j = 0; j < data->ops->len; j++)
        {
          JustSyncPendingOp *op = g_ptr_array_index (data->ops, j);

          if (just_sync_pending_op_get_seq (op) != seq)
            continue;
          g_ptr_array_index (data->ops, j) =
            _just_sync_pending_op_copy_with (op, just_sync_pending_op_get_base_version (op),
                                             just_sync_pending_op_get_attempts (op) + 1,
                                             just_sync_pending_op_get_state (op),
                                             just_sync_pending_op_get_last_error (op));
          just_sync_pending_op_unref (op);
          break;
        }
    }

  g_task_return_boolean (task, TRUE);
}

/* Each finish checks that @result came from its own start: the result of
 * another method would hand back another type. */

static gpointer
propagate_pointer (JustSyncLocalStore  *store,
                   GAsyncResult        *result,
                   gpointer             source_tag,
                   GError             **error)
{
  g_return_val_if_fail (g_task_is_valid (result, store), NULL);
  g_return_val_if_fail (g_async_result_is_tagged (result, source_tag), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

static guint
propagate_count (JustSyncLocalStore  *store,
                 GAsyncResult        *result,
                 gpointer             source_tag,
                 GError             **error)
{
  gssize count;

  g_return_val_if_fail (g_task_is_valid (result, store), 0);
  g_return_val_if_fail (g_async_result_is_tagged (result, source_tag), 0);

  /* Not MAX (g_task_propagate_int (…), 0): it would propagate twice. */
  count = g_task_propagate_int (G_TASK (result), error);
  return (guint) MAX (count, 0);
}

static gboolean
propagate_boolean (JustSyncLocalStore  *store,
                   GAsyncResult        *result,
                   gpointer             source_tag,
                   GError             **error)
{
  g_return_val_if_fail (g_task_is_valid (result, store), FALSE);
  g_return_val_if_fail (g_async_result_is_tagged (result, source_tag), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

#define DEFINE_FINISH(method, type, propagate) \
  static type \
  just_sync_memory_local_store_##method##_finish (JustSyncLocalStore  *store, \
                                                  GAsyncResult        *result, \
                                                  GError             **error) \
  { \
    return propagate (store, result, just_sync_memory_local_store_##method##_async, error); \
  }

DEFINE_FINISH (query, GPtrArray *, propagate_pointer)
DEFINE_FINISH (query_since, GPtrArray *, propagate_pointer)
DEFINE_FINISH (get, JustSyncRecord *, propagate_pointer)
DEFINE_FINISH (upsert_many, GPtrArray *, propagate_pointer)
DEFINE_FINISH (delete_many, GPtrArray *, propagate_pointer)
DEFINE_FINISH (list_pending_ops, GPtrArray *, propagate_pointer)
DEFINE_FINISH (count_pending_ops, guint, propagate_count)
DEFINE_FINISH (apply_remote_changes, JustSyncApplyResult *, propagate_pointer)
DEFINE_FINISH (commit_push_results, JustSyncApplyResult *, propagate_pointer)
DEFINE_FINISH (get_sync_point, JustSyncSyncPoint *, propagate_pointer)
DEFINE_FINISH (save_sync_point, gboolean, propagate_boolean)
DEFINE_FINISH (list_conflicts, GPtrArray *, propagate_pointer)
DEFINE_FINISH (retry_failed_ops, guint, propagate_count)
DEFINE_FINISH (discard_failed_ops, guint, propagate_count)
DEFINE_FINISH (prune_missing, guint, propagate_count)
DEFINE_FINISH (mark_ops_sent, gboolean, propagate_boolean)

#undef DEFINE_FINISH


static void
local_store_iface_init (JustSyncLocalStoreInterface *iface)
{
  iface->query_async = just_sync_memory_local_store_query_async;
  iface->query_finish = just_sync_memory_local_store_query_finish;
  iface->query_since_async = just_sync_memory_local_store_query_since_async;
  iface->query_since_finish = just_sync_memory_local_store_query_since_finish;
  iface->get_async = just_sync_memory_local_store_get_async;
  iface->get_finish = just_sync_memory_local_store_get_finish;
  iface->upsert_many_async = just_sync_memory_local_store_upsert_many_async;
  iface->patch_async = just_sync_memory_local_store_patch_async;
  iface->patch_finish = just_sync_memory_local_store_patch_finish;
  iface->upsert_many_finish = just_sync_memory_local_store_upsert_many_finish;
  iface->delete_many_async = just_sync_memory_local_store_delete_many_async;
  iface->delete_many_finish = just_sync_memory_local_store_delete_many_finish;
  iface->list_pending_ops_async = just_sync_memory_local_store_list_pending_ops_async;
  iface->list_pending_ops_finish = just_sync_memory_local_store_list_pending_ops_finish;
  iface->count_pending_ops_async = just_sync_memory_local_store_count_pending_ops_async;
  iface->count_pending_ops_finish = just_sync_memory_local_store_count_pending_ops_finish;
  iface->apply_remote_changes_async = just_sync_memory_local_store_apply_remote_changes_async;
  iface->apply_remote_changes_finish = just_sync_memory_local_store_apply_remote_changes_finish;
  iface->commit_push_results_async = just_sync_memory_local_store_commit_push_results_async;
  iface->commit_push_results_finish = just_sync_memory_local_store_commit_push_results_finish;
  iface->get_sync_point_async = just_sync_memory_local_store_get_sync_point_async;
  iface->get_sync_point_finish = just_sync_memory_local_store_get_sync_point_finish;
  iface->save_sync_point_async = just_sync_memory_local_store_save_sync_point_async;
  iface->save_sync_point_finish = just_sync_memory_local_store_save_sync_point_finish;
  iface->list_conflicts_async = just_sync_memory_local_store_list_conflicts_async;
  iface->list_conflicts_finish = just_sync_memory_local_store_list_conflicts_finish;
  iface->retry_failed_ops_async = just_sync_memory_local_store_retry_failed_ops_async;
  iface->retry_failed_ops_finish = just_sync_memory_local_store_retry_failed_ops_finish;
  iface->discard_failed_ops_async = just_sync_memory_local_store_discard_failed_ops_async;
  iface->discard_failed_ops_finish = just_sync_memory_local_store_discard_failed_ops_finish;
  iface->prune_missing_async = just_sync_memory_local_store_prune_missing_async;
  iface->prune_missing_finish = just_sync_memory_local_store_prune_missing_finish;
  iface->mark_ops_sent_async = just_sync_memory_local_store_mark_ops_sent_async;
  iface->mark_ops_sent_finish = just_sync_memory_local_store_mark_ops_sent_finish;
  iface->run_query_async = just_sync_memory_local_store_run_query_async;
  iface->run_query_finish = just_sync_memory_local_store_run_query_finish;
  iface->evict_async = just_sync_memory_local_store_evict_async;
  iface->evict_finish = just_sync_memory_local_store_evict_finish;
  iface->list_evicted_async = just_sync_memory_local_store_list_evicted_async;
  iface->list_evicted_finish = just_sync_memory_local_store_list_evicted_finish;
}

static void
just_sync_memory_local_store_get_property (GObject    *object,
                                           guint       prop_id,
                                           GValue     *value,
                                           GParamSpec *pspec)
{
  switch (prop_id)
    {
    case PROP_SUPPORTS_SOFT_DELETE:
      g_value_set_boolean (value, TRUE);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
just_sync_memory_local_store_finalize (GObject *object)
{
  JustSyncMemoryLocalStore *self = (JustSyncMemoryLocalStore *) object;

  g_clear_pointer (&self->scopes, g_hash_table_unref);

  G_OBJECT_CLASS (just_sync_memory_local_store_parent_class)->finalize (object);
}

static void
just_sync_memory_local_store_class_init (JustSyncMemoryLocalStoreClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = just_sync_memory_local_store_finalize;
  object_class->get_property = just_sync_memory_local_store_get_property;

  g_object_class_override_property (object_class, PROP_SUPPORTS_SOFT_DELETE, "supports-soft-delete");
}

static void
just_sync_memory_local_store_init (JustSyncMemoryLocalStore *self)
{
  self->scopes = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                        (GDestroyNotify) scope_data_free);
}

/**
 * just_sync_memory_local_store_new:
 *
 * Creates an empty in-memory local store, for tests and demos.
 *
 * Returns: (transfer full): a new store
 */
JustSyncLocalStore *
just_sync_memory_local_store_new (void)
{
  return g_object_new (JUST_SYNC_TYPE_MEMORY_LOCAL_STORE, NULL);
}
