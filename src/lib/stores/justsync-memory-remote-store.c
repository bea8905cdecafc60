/* justsync-memory-remote-store.c
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "justsync-enum-types.h"
#include "justsync-error.h"
#include "justsync-json-private.h"
#include "justsync-memory-remote-store-private.h"
#include "justsync-timestamp.h"

/**
 * JustSyncMemoryRemoteStore:
 *
 * A [iface@JustSync.RemoteStore] that plays a server in memory, for tests and
 * demos; apps talk to a real backend such as [class@JustSync.PocketbaseStore].
 *
 * It behaves as the real backends do where sync correctness is at stake: it
 * stamps every write with its own clock at millisecond resolution (so two
 * writes can share a stamp), keeps rows per scope with every key (a client
 * never sees another scope's rows), keeps tombstones or deletes hard, and
 * serves keyset pages. A demo can delay every call
 * ([method@JustSync.MemoryRemoteStore.set_latency]), take the server off the
 * network ([method@JustSync.MemoryRemoteStore.set_reachable]) and write as
 * another device would
 * ([method@JustSync.MemoryRemoteStore.server_upsert]).
 *
 * Fault injection (failing calls, lost replies, refused records, a stopped
 * clock) is no part of the installed API: the project's tests plug it in
 * through a private hook, from a test library that is not installed.
 */

typedef struct
{
  JustSyncScope *scope;
  GHashTable *rows;                 /* id -> JustSyncRecord */
} RemoteScope;

struct _JustSyncMemoryRemoteStore
{
  GObject parent_instance;

  GHashTable *scopes;               /* canonical scope -> RemoteScope */

  guint latency_ms;
  guint page_limit;
  gboolean keeps_tombstones;
  gboolean unreachable;

  const JustSyncMemoryRemoteControl *control;
  gpointer control_data;
  GDestroyNotify control_destroy;
};

static void remote_store_iface_init (JustSyncRemoteStoreInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (JustSyncMemoryRemoteStore, just_sync_memory_remote_store, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (JUST_SYNC_TYPE_REMOTE_STORE,
                                                      remote_store_iface_init))

static void
remote_scope_free (RemoteScope *data)
{
  just_sync_scope_unref (data->scope);
  g_hash_table_unref (data->rows);
  g_free (data);
}

static RemoteScope *
get_scope (JustSyncMemoryRemoteStore *self,
           JustSyncScope             *scope)
{
  const char *key = just_sync_scope_to_string (scope);
  RemoteScope *data = g_hash_table_lookup (self->scopes, key);

  if (data == NULL)
    {
      data = g_new0 (RemoteScope, 1);
      data->scope = just_sync_scope_ref (scope);
      data->rows = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                          (GDestroyNotify) just_sync_record_unref);
      g_hash_table_insert (self->scopes, g_strdup (key), data);
    }
  return data;
}

/* The server clock: milliseconds, as PocketBase and Appwrite stamp. */
static gint64
server_now (JustSyncMemoryRemoteStore *self)
{
  gint64 now = 0;

  if (self->control != NULL && self->control->now != NULL)
    now = self->control->now (self->control_data);
  return now != 0 ? now : g_get_real_time () / 1000 * 1000;
}

static JustSyncRecord *
store_upsert (JustSyncMemoryRemoteStore *self,
              RemoteScope               *data,
              const char                *id,
              JsonObject                *payload,
              gint64                     updated_at)
{
  JustSyncRecord *record = just_sync_record_new (id, payload, updated_at, 0, NULL);

  g_hash_table_replace (data->rows, g_strdup (id), just_sync_record_ref (record));
  return record;
}

static JustSyncRecord *
store_delete (JustSyncMemoryRemoteStore *self,
              RemoteScope               *data,
              const char                *id,
              gint64                     now)
{
  JustSyncRecord *existing = g_hash_table_lookup (data->rows, id);
  JustSyncRecord *tombstone;

  /* A soft delete keeps the fields, as a deleted_at column does. */
  tombstone = just_sync_record_new (id, existing != NULL ? just_sync_record_get_payload (existing) : NULL,
                                    now, now, NULL);
  if (self->keeps_tombstones && existing != NULL)
    g_hash_table_replace (data->rows, g_strdup (id), just_sync_record_ref (tombstone));
  else
    g_hash_table_remove (data->rows, id);
  return tombstone;
}

static int
compare_keyset (gconstpointer a,
                gconstpointer b)
{
  JustSyncRecord *ra = *(JustSyncRecord **) a, *rb = *(JustSyncRecord **) b;
  gint64 ta = just_sync_record_get_updated_at (ra), tb = just_sync_record_get_updated_at (rb);

  if (ta != tb)
    return ta < tb ? -1 : 1;
  return strcmp (just_sync_record_get_id (ra), just_sync_record_get_id (rb));
}

/* A call: fails it when the server is off the network, or when the test
 * control says so. Returns FALSE with @error set when the call must fail
 * before doing anything; TRUE with @error set when it must do its work and
 * then fail (a lost reply). */
static gboolean
begin_call (JustSyncMemoryRemoteStore  *self,
            GError                    **error)
{
  if (self->unreachable)
    {
      g_set_error_literal (error, JUST_SYNC_ERROR, JUST_SYNC_ERROR_NETWORK,
                           _("The memory remote store is unreachable"));
      return FALSE;
    }
  if (self->control != NULL && self->control->begin_call != NULL)
    return self->control->begin_call (self->control_data, error);
  return TRUE;
}

typedef struct
{
  JustSyncScope *scope;
  GPtrArray *ops;
  JustSyncSyncPoint *since;
  guint limit;
  int kind;
} CallData;

static void
call_data_free (CallData *call)
{
  g_clear_pointer (&call->scope, just_sync_scope_unref);
  g_clear_pointer (&call->ops, g_ptr_array_unref);
  g_clear_pointer (&call->since, just_sync_sync_point_unref);
  g_free (call);
}

enum {
  CALL_FETCH,
  CALL_UPSERT,
  CALL_DELETE,
  CALL_TIME,
};

static JustSyncDelta *
do_fetch (JustSyncMemoryRemoteStore *self,
          CallData                  *call)
{
  RemoteScope *data = get_scope (self, call->scope);
  g_autoptr(GPtrArray) rows = g_ptr_array_new ();
  JustSyncDelta *delta = just_sync_delta_new (server_now (self));
  guint limit = self->page_limit > 0 ? MIN (call->limit, self->page_limit) : call->limit;
  GHashTableIter iter;
  JustSyncRecord *record;
  guint n = 0;

  g_hash_table_iter_init (&iter, data->rows);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &record))
    if (call->since == NULL ||
        just_sync_sync_point_compare (call->since, just_sync_record_get_updated_at (record),
                                      just_sync_record_get_id (record)) < 0)
      g_ptr_array_add (rows, record);
  g_ptr_array_sort (rows, compare_keyset);

  for (; n < rows->len && n < limit; n++)
    just_sync_delta_add (delta, g_ptr_array_index (rows, n));
  just_sync_delta_set_has_more (delta, n < rows->len);
  return delta;
}

/* What an upsert leaves on the server: the record, or for a patch of a
 * live row that row with the patch's members set or removed. */
static JsonObject *
pushed_payload (RemoteScope       *data,
                JustSyncPendingOp *op)
{
  JsonObject *written = just_sync_record_get_payload (just_sync_pending_op_get_record (op));
  const char * const *fields = just_sync_pending_op_get_fields (op);
  JustSyncRecord *row = g_hash_table_lookup (data->rows, just_sync_pending_op_get_record_id (op));
  JsonObject *payload;

  if (fields == NULL || row == NULL || just_sync_record_is_deleted (row))
    return json_object_ref (written);

  payload = _just_sync_json_object_copy (just_sync_record_get_payload (row));
  for (guint i = 0; fields[i] != NULL; i++)
    {
      JsonNode *value = json_object_get_member (written, fields[i]);

      if (value != NULL)
        json_object_set_member (payload, fields[i], json_node_copy (value));
      else
        json_object_remove_member (payload, fields[i]);
    }
  return payload;
}

static GPtrArray *
do_push (JustSyncMemoryRemoteStore *self,
         CallData                  *call)
{
  RemoteScope *data = get_scope (self, call->scope);
  GPtrArray *results = g_ptr_array_new_with_free_func ((GDestroyNotify) just_sync_push_result_unref);
  gint64 now = server_now (self);

  for (guint i = 0; i < call->ops->len; i++)
    {
      JustSyncPendingOp *op = g_ptr_array_index (call->ops, i);
      const char *id = just_sync_pending_op_get_record_id (op);
      JustSyncPushStatus status = JUST_SYNC_PUSH_WRITTEN;
      const char *message = NULL;
      g_autoptr(JustSyncRecord) reply = NULL;

      if (self->control != NULL && self->control->push_status != NULL)
        status = self->control->push_status (self->control_data, id, &message);
      if (status != JUST_SYNC_PUSH_WRITTEN)
        {
          g_ptr_array_add (results,
                           just_sync_push_result_new_failed (just_sync_pending_op_get_seq (op), id,
                                                             status, message, 0));
          continue;
        }

      if (call->kind == CALL_UPSERT)
        {
          g_autoptr(JsonObject) payload = pushed_payload (data, op);

          reply = store_upsert (self, data, id, payload, now);
        }
      else
        reply = store_delete (self, data, id, now);
      g_ptr_array_add (results, just_sync_push_result_new_written (just_sync_pending_op_get_seq (op), reply));
    }
  return results;
}

static void
run_call (GTask *task)
{
  JustSyncMemoryRemoteStore *self = g_task_get_source_object (task);
  CallData *call = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(GError) lost_reply = NULL;

  if (g_task_return_error_if_cancelled (task))
    return;

  if (!begin_call (self, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  /* Set on success: do the work, then lose its reply. */
  lost_reply = g_steal_pointer (&error);

  switch (call->kind)
    {
    case CALL_FETCH:
      if (lost_reply == NULL)
        g_task_return_pointer (task, do_fetch (self, call), (GDestroyNotify) just_sync_delta_unref);
      break;

    case CALL_UPSERT:
    case CALL_DELETE:
      {
        g_autoptr(GPtrArray) results = do_push (self, call);

        if (lost_reply == NULL)
          g_task_return_pointer (task, g_steal_pointer (&results), (GDestroyNotify) g_ptr_array_unref);
      }
      break;

    case CALL_TIME:
    default:
      if (lost_reply == NULL)
        {
          gint64 *now = g_new (gint64, 1);

          /* A pointer, not g_task_return_int(): a gssize is 32 bits wide
           * on 32-bit systems, and server times are not. */
          *now = server_now (self);
          g_task_return_pointer (task, now, g_free);
        }
      break;
    }

  if (lost_reply != NULL)
    g_task_return_error (task, g_steal_pointer (&lost_reply));
}

static gboolean
delayed_call_cb (gpointer user_data)
{
  run_call (user_data);
  return G_SOURCE_REMOVE;
}

static void
start_call (JustSyncMemoryRemoteStore *self,
            CallData                  *call,
            GCancellable              *cancellable,
            GAsyncReadyCallback        callback,
            gpointer                   user_data,
            gpointer                   source_tag)
{
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);

  g_task_set_source_tag (task, source_tag);
  g_task_set_task_data (task, call, (GDestroyNotify) call_data_free);

  /* Like a server, the work happens when the request arrives: after the
   * latency, not when the call is made. */
  if (self->latency_ms > 0)
    {
      g_autoptr(GSource) source = g_timeout_source_new (self->latency_ms);

      g_task_attach_source (task, source, delayed_call_cb);
    }
  else
    run_call (task);
}

static void
just_sync_memory_remote_store_fetch_since_async (JustSyncRemoteStore *store,
                                                 JustSyncScope       *scope,
                                                 JustSyncSyncPoint   *since,
                                                 guint                limit,
                                                 GCancellable        *cancellable,
                                                 GAsyncReadyCallback  callback,
                                                 gpointer             user_data)
{
  CallData *call = g_new0 (CallData, 1);

  call->kind = CALL_FETCH;
  call->scope = just_sync_scope_ref (scope);
  call->since = since != NULL ? just_sync_sync_point_ref (since) : NULL;
  call->limit = limit;
  start_call (JUST_SYNC_MEMORY_REMOTE_STORE (store), call, cancellable, callback, user_data,
              just_sync_memory_remote_store_fetch_since_async);
}

static JustSyncDelta *
just_sync_memory_remote_store_fetch_since_finish (JustSyncRemoteStore  *store,
                                                  GAsyncResult         *result,
                                                  GError              **error)
{
  g_return_val_if_fail (g_task_is_valid (result, store), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
push_async (JustSyncRemoteStore *store,
            int                  kind,
            JustSyncScope       *scope,
            GPtrArray           *ops,
            GCancellable        *cancellable,
            GAsyncReadyCallback  callback,
            gpointer             user_data,
            gpointer             source_tag)
{
  CallData *call = g_new0 (CallData, 1);

  call->kind = kind;
  call->scope = just_sync_scope_ref (scope);
  call->ops = g_ptr_array_copy (ops, (GCopyFunc) just_sync_pending_op_ref, NULL);
  g_ptr_array_set_free_func (call->ops, (GDestroyNotify) just_sync_pending_op_unref);
  start_call (JUST_SYNC_MEMORY_REMOTE_STORE (store), call, cancellable, callback, user_data, source_tag);
}

static void
just_sync_memory_remote_store_batch_upsert_async (JustSyncRemoteStore *store,
                                                  JustSyncScope       *scope,
                                                  GPtrArray           *ops,
                                                  GCancellable        *cancellable,
                                                  GAsyncReadyCallback  callback,
                                                  gpointer             user_data)
{
  push_async (store, CALL_UPSERT, scope, ops, cancellable, callback, user_data,
              just_sync_memory_remote_store_batch_upsert_async);
}

static void
just_sync_memory_remote_store_batch_delete_async (JustSyncRemoteStore *store,
                                                  JustSyncScope       *scope,
                                                  GPtrArray           *ops,
                                                  GCancellable        *cancellable,
                                                  GAsyncReadyCallback  callback,
                                                  gpointer             user_data)
{
  push_async (store, CALL_DELETE, scope, ops, cancellable, callback, user_data,
              just_sync_memory_remote_store_batch_delete_async);
}

static GPtrArray *
just_sync_memory_remote_store_batch_finish (JustSyncRemoteStore  *store,
                                            GAsyncResult         *result,
                                            GError              **error)
{
  g_return_val_if_fail (g_task_is_valid (result, store), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
just_sync_memory_remote_store_get_server_time_async (JustSyncRemoteStore *store,
                                                     GCancellable        *cancellable,
                                                     GAsyncReadyCallback  callback,
                                                     gpointer             user_data)
{
  CallData *call = g_new0 (CallData, 1);

  call->kind = CALL_TIME;
  start_call (JUST_SYNC_MEMORY_REMOTE_STORE (store), call, cancellable, callback, user_data,
              just_sync_memory_remote_store_get_server_time_async);
}

static gint64
just_sync_memory_remote_store_get_server_time_finish (JustSyncRemoteStore  *store,
                                                      GAsyncResult         *result,
                                                      GError              **error)
{
  g_autofree gint64 *now = NULL;

  g_return_val_if_fail (g_task_is_valid (result, store), 0);

  now = g_task_propagate_pointer (G_TASK (result), error);
  return now != NULL ? *now : 0;
}

static gboolean
just_sync_memory_remote_store_needs_network (JustSyncRemoteStore *store)
{
  JustSyncMemoryRemoteStore *self = JUST_SYNC_MEMORY_REMOTE_STORE (store);

  /* An in-memory server is reached without a network, unless a test
   * makes it play one. */
  if (self->control != NULL && self->control->needs_network != NULL)
    return self->control->needs_network (self->control_data);
  return FALSE;
}

static void
remote_store_iface_init (JustSyncRemoteStoreInterface *iface)
{
  iface->needs_network = just_sync_memory_remote_store_needs_network;
  iface->fetch_since_async = just_sync_memory_remote_store_fetch_since_async;
  iface->fetch_since_finish = just_sync_memory_remote_store_fetch_since_finish;
  iface->batch_upsert_async = just_sync_memory_remote_store_batch_upsert_async;
  iface->batch_upsert_finish = just_sync_memory_remote_store_batch_finish;
  iface->batch_delete_async = just_sync_memory_remote_store_batch_delete_async;
  iface->batch_delete_finish = just_sync_memory_remote_store_batch_finish;
  iface->get_server_time_async = just_sync_memory_remote_store_get_server_time_async;
  iface->get_server_time_finish = just_sync_memory_remote_store_get_server_time_finish;
}

static void
just_sync_memory_remote_store_finalize (GObject *object)
{
  JustSyncMemoryRemoteStore *self = (JustSyncMemoryRemoteStore *) object;

  g_clear_pointer (&self->scopes, g_hash_table_unref);
  if (self->control_destroy != NULL)
    g_clear_pointer (&self->control_data, self->control_destroy);

  G_OBJECT_CLASS (just_sync_memory_remote_store_parent_class)->finalize (object);
}

static void
just_sync_memory_remote_store_class_init (JustSyncMemoryRemoteStoreClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = just_sync_memory_remote_store_finalize;
}

static void
just_sync_memory_remote_store_init (JustSyncMemoryRemoteStore *self)
{
  self->scopes = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                        (GDestroyNotify) remote_scope_free);
  self->keeps_tombstones = TRUE;
}

/**
 * just_sync_memory_remote_store_new:
 *
 * Creates an empty in-memory server, for tests and demos. It keeps
 * tombstones, stamps with the real clock and answers at once.
 *
 * Returns: (transfer full): a new store
 */
JustSyncMemoryRemoteStore *
just_sync_memory_remote_store_new (void)
{
  return g_object_new (JUST_SYNC_TYPE_MEMORY_REMOTE_STORE, NULL);
}

/**
 * just_sync_memory_remote_store_set_latency:
 * @self: a [class@JustSync.MemoryRemoteStore]
 * @msec: the delay of every call in milliseconds, or 0
 *
 * Delays every call. The work of a call happens when the delay ends, as
 * when a request reaches a server.
 */
void
just_sync_memory_remote_store_set_latency (JustSyncMemoryRemoteStore *self,
                                           guint                      msec)
{
  g_return_if_fail (JUST_SYNC_IS_MEMORY_REMOTE_STORE (self));

  self->latency_ms = msec;
}

/**
 * just_sync_memory_remote_store_set_page_limit:
 * @self: a [class@JustSync.MemoryRemoteStore]
 * @limit: the most records a page holds, whatever the client asks, or 0
 *   for no cap
 *
 * Caps pages, as servers do (Supabase at 1,000 rows, PocketBase at 1,000).
 */
void
just_sync_memory_remote_store_set_page_limit (JustSyncMemoryRemoteStore *self,
                                              guint                      limit)
{
  g_return_if_fail (JUST_SYNC_IS_MEMORY_REMOTE_STORE (self));

  self->page_limit = limit;
}

/**
 * just_sync_memory_remote_store_set_keeps_tombstones:
 * @self: a [class@JustSync.MemoryRemoteStore]
 * @keeps_tombstones: %TRUE for soft deletes, %FALSE for hard deletes
 *
 * Chooses between soft deletes, which pulls return as tombstones, and hard
 * deletes, which only a reconcile can notice.
 */
void
just_sync_memory_remote_store_set_keeps_tombstones (JustSyncMemoryRemoteStore *self,
                                                    gboolean                   keeps_tombstones)
{
  g_return_if_fail (JUST_SYNC_IS_MEMORY_REMOTE_STORE (self));

  self->keeps_tombstones = !!keeps_tombstones;
}

/**
 * just_sync_memory_remote_store_set_reachable:
 * @self: a [class@JustSync.MemoryRemoteStore]
 * @reachable: %FALSE to take the server off the network
 *
 * While unreachable, every call fails with %JUST_SYNC_ERROR_NETWORK before
 * doing anything, as a server with no route to it: a demo of offline
 * writes. The default is %TRUE.
 */
void
just_sync_memory_remote_store_set_reachable (JustSyncMemoryRemoteStore *self,
                                             gboolean                   reachable)
{
  g_return_if_fail (JUST_SYNC_IS_MEMORY_REMOTE_STORE (self));

  self->unreachable = !reachable;
}

/*
 * _just_sync_memory_remote_store_set_control:
 * @self: a #JustSyncMemoryRemoteStore
 * @control: (nullable): the hooks, which must outlive @self
 * @user_data: passed to every hook
 * @destroy: (nullable): frees @user_data with @self or the next control
 *
 * Plugs a test's fault injection and clock into the server.
 */
void
_just_sync_memory_remote_store_set_control (JustSyncMemoryRemoteStore         *self,
                                            const JustSyncMemoryRemoteControl *control,
                                            gpointer                           user_data,
                                            GDestroyNotify                     destroy)
{
  g_return_if_fail (JUST_SYNC_IS_MEMORY_REMOTE_STORE (self));

  if (self->control_destroy != NULL)
    g_clear_pointer (&self->control_data, self->control_destroy);
  self->control = control;
  self->control_data = user_data;
  self->control_destroy = destroy;
}

/*
 * _just_sync_memory_remote_store_get_control_data:
 * @self: a #JustSyncMemoryRemoteStore
 * @control: the hooks a test library installs
 *
 * Returns: (nullable): the data installed with @control, or %NULL when
 *   another control, or none, is installed
 */
gpointer
_just_sync_memory_remote_store_get_control_data (JustSyncMemoryRemoteStore         *self,
                                                 const JustSyncMemoryRemoteControl *control)
{
  g_return_val_if_fail (JUST_SYNC_IS_MEMORY_REMOTE_STORE (self), NULL);

  return self->control == control ? self->control_data : NULL;
}

/**
 * just_sync_memory_remote_store_server_upsert:
 * @self: a [class@JustSync.MemoryRemoteStore]
 * @scope: a scope
 * @id: a record id
 * @payload: (nullable): the record's content
 * @updated_at: the stamp to give it, or 0 for the server's clock
 *
 * Writes a record on the server side, as another client would. A stamp
 * older than rows already there makes a late commit, as PostgreSQL's
 * `now()` at transaction start does.
 *
 * Returns: (transfer full): the stored record
 */
JustSyncRecord *
just_sync_memory_remote_store_server_upsert (JustSyncMemoryRemoteStore *self,
                                             JustSyncScope             *scope,
                                             const char                *id,
                                             JsonObject                *payload,
                                             gint64                     updated_at)
{
  g_return_val_if_fail (JUST_SYNC_IS_MEMORY_REMOTE_STORE (self), NULL);
  g_return_val_if_fail (scope != NULL, NULL);
  g_return_val_if_fail (id != NULL && id[0] != '\0', NULL);
  g_return_val_if_fail (just_sync_timestamp_is_valid (updated_at), NULL);

  return store_upsert (self, get_scope (self, scope), id, payload,
                       updated_at != 0 ? updated_at : server_now (self));
}

/**
 * just_sync_memory_remote_store_server_delete:
 * @self: a [class@JustSync.MemoryRemoteStore]
 * @scope: a scope
 * @id: a record id
 *
 * Deletes a record on the server side, soft or hard as configured.
 *
 * Returns: (transfer full): the tombstone, stamped now
 */
JustSyncRecord *
just_sync_memory_remote_store_server_delete (JustSyncMemoryRemoteStore *self,
                                             JustSyncScope             *scope,
                                             const char                *id)
{
  g_return_val_if_fail (JUST_SYNC_IS_MEMORY_REMOTE_STORE (self), NULL);
  g_return_val_if_fail (scope != NULL, NULL);
  g_return_val_if_fail (id != NULL && id[0] != '\0', NULL);

  return store_delete (self, get_scope (self, scope), id, server_now (self));
}

/**
 * just_sync_memory_remote_store_server_get:
 * @self: a [class@JustSync.MemoryRemoteStore]
 * @scope: a scope
 * @id: a record id
 *
 * Reads one record as the in-memory server holds it, without a fetch and
 * whether or not the store is reachable (for tests).
 *
 * Returns: (transfer full) (nullable): the server's record, which may be a
 *   tombstone, or %NULL
 */
JustSyncRecord *
just_sync_memory_remote_store_server_get (JustSyncMemoryRemoteStore *self,
                                          JustSyncScope             *scope,
                                          const char                *id)
{
  JustSyncRecord *record;

  g_return_val_if_fail (JUST_SYNC_IS_MEMORY_REMOTE_STORE (self), NULL);
  g_return_val_if_fail (scope != NULL, NULL);
  g_return_val_if_fail (id != NULL, NULL);

  record = g_hash_table_lookup (get_scope (self, scope)->rows, id);
  return record != NULL ? just_sync_record_ref (record) : NULL;
}

/**
 * just_sync_memory_remote_store_server_list:
 * @self: a [class@JustSync.MemoryRemoteStore]
 * @scope: a scope
 *
 * Lists what the in-memory server holds for @scope, without a fetch and
 * whether or not the store is reachable (for tests).
 *
 * Returns: (transfer container) (element-type JustSyncRecord): every record of
 *   @scope on the server, tombstones included, in (`updated_at`, id) order
 */
GPtrArray *
just_sync_memory_remote_store_server_list (JustSyncMemoryRemoteStore *self,
                                           JustSyncScope             *scope)
{
  GPtrArray *records = g_ptr_array_new_with_free_func ((GDestroyNotify) just_sync_record_unref);
  GHashTableIter iter;
  JustSyncRecord *record;

  g_return_val_if_fail (JUST_SYNC_IS_MEMORY_REMOTE_STORE (self), records);
  g_return_val_if_fail (scope != NULL, records);

  g_hash_table_iter_init (&iter, get_scope (self, scope)->rows);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &record))
    g_ptr_array_add (records, just_sync_record_ref (record));
  g_ptr_array_sort (records, compare_keyset);
  return records;
}
