/* justsync-sync-result.c
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include "justsync-json-private.h"
#include "justsync-sync-result-private.h"

/**
 * JustSyncSyncResult:
 *
 * What one sync of a scope did: how many records it pulled (inserted or
 * replaced locally), pushed and deleted, the conflicts it resolved with
 * both sides, and the operations the server rejected, which stay parked.
 */

struct _JustSyncSyncResult
{
  gatomicrefcount ref_count;
  JustSyncScope *scope;
  guint pulled;
  guint pushed;
  guint deleted;
  GPtrArray *conflicts;
  GPtrArray *failed_ops;
  gint64 finished_at;
};

G_DEFINE_BOXED_TYPE (JustSyncSyncResult, just_sync_sync_result,
                     just_sync_sync_result_ref, just_sync_sync_result_unref)

/**
 * just_sync_sync_result_new:
 * @scope: the scope that was synced
 *
 * Creates an empty result.
 *
 * Returns: (transfer full): a new result
 */
JustSyncSyncResult *
just_sync_sync_result_new (JustSyncScope *scope)
{
  JustSyncSyncResult *self;

  g_return_val_if_fail (scope != NULL, NULL);

  self = g_new0 (JustSyncSyncResult, 1);
  g_atomic_ref_count_init (&self->ref_count);
  self->scope = just_sync_scope_ref (scope);
  self->conflicts = g_ptr_array_new_with_free_func ((GDestroyNotify) just_sync_conflict_unref);
  self->failed_ops = g_ptr_array_new_with_free_func ((GDestroyNotify) just_sync_pending_op_unref);
  return self;
}

/**
 * just_sync_sync_result_ref:
 * @self: a result
 *
 * Acquires a reference on @self; release it with
 * [method@JustSync.SyncResult.unref].
 *
 * Returns: (transfer full): @self
 */
JustSyncSyncResult *
just_sync_sync_result_ref (JustSyncSyncResult *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  g_atomic_ref_count_inc (&self->ref_count);
  return self;
}

/**
 * just_sync_sync_result_unref:
 * @self: (transfer full): a result
 *
 * Releases a reference.
 */
void
just_sync_sync_result_unref (JustSyncSyncResult *self)
{
  g_return_if_fail (self != NULL);

  if (g_atomic_ref_count_dec (&self->ref_count))
    {
      just_sync_scope_unref (self->scope);
      g_ptr_array_unref (self->conflicts);
      g_ptr_array_unref (self->failed_ops);
      g_free (self);
    }
}

void
_just_sync_sync_result_add_applied (JustSyncSyncResult  *self,
                                    JustSyncApplyResult *applied)
{
  GPtrArray *conflicts = just_sync_apply_result_get_conflicts (applied);

  self->pulled += just_sync_apply_result_get_count (applied, JUST_SYNC_APPLY_INSERTED) +
                  just_sync_apply_result_get_count (applied, JUST_SYNC_APPLY_REPLACED) +
                  just_sync_apply_result_get_count (applied, JUST_SYNC_APPLY_ACKNOWLEDGED);
  self->deleted += just_sync_apply_result_get_count (applied, JUST_SYNC_APPLY_DELETED);
  for (guint i = 0; i < conflicts->len; i++)
    g_ptr_array_add (self->conflicts, just_sync_conflict_ref (g_ptr_array_index (conflicts, i)));
}

void
_just_sync_sync_result_add_pushed (JustSyncSyncResult *self,
                                   guint               n)
{
  self->pushed += n;
}

void
_just_sync_sync_result_add_deleted (JustSyncSyncResult *self,
                                    guint               n)
{
  self->deleted += n;
}

void
_just_sync_sync_result_add_failed_op (JustSyncSyncResult *self,
                                      JustSyncPendingOp  *op)
{
  g_ptr_array_add (self->failed_ops, just_sync_pending_op_ref (op));
}

void
_just_sync_sync_result_finish (JustSyncSyncResult *self,
                               gint64              finished_at)
{
  self->finished_at = finished_at;
}

/**
 * just_sync_sync_result_get_scope:
 * @self: a result
 *
 * Gets the scope that was synced.
 *
 * Returns: (transfer none): the scope that was synced
 */
JustSyncScope *
just_sync_sync_result_get_scope (JustSyncSyncResult *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->scope;
}

/**
 * just_sync_sync_result_get_pulled:
 * @self: a result
 *
 * Counts the remote records the sync inserted or replaced locally.
 *
 * Returns: how many remote records were inserted or replaced locally
 */
guint
just_sync_sync_result_get_pulled (JustSyncSyncResult *self)
{
  g_return_val_if_fail (self != NULL, 0);

  return self->pulled;
}

/**
 * just_sync_sync_result_get_pushed:
 * @self: a result
 *
 * Counts the local operations the server acknowledged.
 *
 * Returns: how many local operations the server acknowledged
 */
guint
just_sync_sync_result_get_pushed (JustSyncSyncResult *self)
{
  g_return_val_if_fail (self != NULL, 0);

  return self->pushed;
}

/**
 * just_sync_sync_result_get_deleted:
 * @self: a result
 *
 * Counts the records remote deletions removed locally.
 *
 * Returns: how many records remote deletes removed locally
 */
guint
just_sync_sync_result_get_deleted (JustSyncSyncResult *self)
{
  g_return_val_if_fail (self != NULL, 0);

  return self->deleted;
}

/**
 * just_sync_sync_result_get_conflicts:
 * @self: a result
 *
 * Gets the conflicts the sync resolved.
 *
 * Returns: (transfer none) (element-type JustSyncConflict): the conflicts
 *   resolved during the sync
 */
GPtrArray *
just_sync_sync_result_get_conflicts (JustSyncSyncResult *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->conflicts;
}

/**
 * just_sync_sync_result_get_failed_ops:
 * @self: a result
 *
 * Gets the operations the server rejected for good during the sync.
 *
 * Returns: (transfer none) (element-type JustSyncPendingOp): the operations
 *   the server rejected during the sync; they stay parked as failed
 */
GPtrArray *
just_sync_sync_result_get_failed_ops (JustSyncSyncResult *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->failed_ops;
}

/**
 * just_sync_sync_result_get_finished_at:
 * @self: a result
 *
 * Gets the time the sync finished, in microseconds since the Unix epoch.
 *
 * Returns: when the sync finished, in microseconds since the epoch
 */
gint64
just_sync_sync_result_get_finished_at (JustSyncSyncResult *self)
{
  g_return_val_if_fail (self != NULL, 0);

  return self->finished_at;
}

/**
 * just_sync_sync_result_to_json:
 * @self: a result
 *
 * Serializes @self to JSON, for logs, tests and the D-Bus service.
 *
 * Returns: (transfer full): `{"scope", "pulled", "pushed", "deleted",
 *   "conflicts", "failed_ops", "finished_at"}`
 */
JsonNode *
just_sync_sync_result_to_json (JustSyncSyncResult *self)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  g_return_val_if_fail (self != NULL, NULL);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "scope");
  json_builder_add_string_value (builder, just_sync_scope_to_string (self->scope));
  json_builder_set_member_name (builder, "pulled");
  json_builder_add_int_value (builder, self->pulled);
  json_builder_set_member_name (builder, "pushed");
  json_builder_add_int_value (builder, self->pushed);
  json_builder_set_member_name (builder, "deleted");
  json_builder_add_int_value (builder, self->deleted);
  json_builder_set_member_name (builder, "conflicts");
  json_builder_begin_array (builder);
  for (guint i = 0; i < self->conflicts->len; i++)
    json_builder_add_value (builder, just_sync_conflict_to_json (g_ptr_array_index (self->conflicts, i)));
  json_builder_end_array (builder);
  json_builder_set_member_name (builder, "failed_ops");
  json_builder_begin_array (builder);
  for (guint i = 0; i < self->failed_ops->len; i++)
    json_builder_add_value (builder, just_sync_pending_op_to_json (g_ptr_array_index (self->failed_ops, i)));
  json_builder_end_array (builder);
  _just_sync_json_set_timestamp (builder, "finished_at", self->finished_at);
  json_builder_end_object (builder);
  return json_builder_get_root (builder);
}
