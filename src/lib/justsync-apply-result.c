/* justsync-apply-result.c
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include "justsync-apply-result.h"

/**
 * JustSyncApplyResult:
 *
 * What a [iface@JustSync.LocalStore] did while applying a page of remote changes or
 * the outcome of a push: a [enum@JustSync.ApplyAction] for each record, and the
 * conflicts it resolved. Stores build it with [method@JustSync.ApplyResult.add];
 * the orchestrator reads it.
 */

struct _JustSyncApplyResult
{
  gatomicrefcount ref_count;
  guint counts[JUST_SYNC_APPLY_ACKNOWLEDGED + 1];
  GPtrArray *changed_ids;
  GHashTable *changed_set;
  GPtrArray *conflicts;
};

G_DEFINE_BOXED_TYPE (JustSyncApplyResult, just_sync_apply_result,
                     just_sync_apply_result_ref, just_sync_apply_result_unref)

/**
 * just_sync_apply_result_new:
 *
 * Creates an empty result.
 *
 * Returns: (transfer full): a new result
 */
JustSyncApplyResult *
just_sync_apply_result_new (void)
{
  JustSyncApplyResult *self = g_new0 (JustSyncApplyResult, 1);

  g_atomic_ref_count_init (&self->ref_count);
  self->changed_ids = g_ptr_array_new_with_free_func (g_free);
  self->changed_set = g_hash_table_new (g_str_hash, g_str_equal);
  self->conflicts = g_ptr_array_new_with_free_func ((GDestroyNotify) just_sync_conflict_unref);
  return self;
}

/**
 * just_sync_apply_result_ref:
 * @self: a result
 *
 * Acquires a reference on @self; release it with
 * [method@JustSync.ApplyResult.unref].
 *
 * Returns: (transfer full): @self
 */
JustSyncApplyResult *
just_sync_apply_result_ref (JustSyncApplyResult *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  g_atomic_ref_count_inc (&self->ref_count);
  return self;
}

/**
 * just_sync_apply_result_unref:
 * @self: (transfer full): a result
 *
 * Releases a reference.
 */
void
just_sync_apply_result_unref (JustSyncApplyResult *self)
{
  g_return_if_fail (self != NULL);

  if (g_atomic_ref_count_dec (&self->ref_count))
    {
      g_hash_table_unref (self->changed_set);
      g_ptr_array_unref (self->changed_ids);
      g_ptr_array_unref (self->conflicts);
      g_free (self);
    }
}

/**
 * just_sync_apply_result_add:
 * @self: a result being built
 * @record_id: the record
 * @action: what was done to it
 *
 * Counts what was done to one record. Every action but
 * %JUST_SYNC_APPLY_SKIPPED changes what the app sees, so the id joins the
 * changed ids.
 */
void
just_sync_apply_result_add (JustSyncApplyResult *self,
                            const char          *record_id,
                            JustSyncApplyAction  action)
{
  g_return_if_fail (self != NULL);
  g_return_if_fail (record_id != NULL);
  g_return_if_fail (action <= JUST_SYNC_APPLY_ACKNOWLEDGED);

  self->counts[action]++;
  if (action != JUST_SYNC_APPLY_SKIPPED && !g_hash_table_contains (self->changed_set, record_id))
    {
      char *id = g_strdup (record_id);

      g_ptr_array_add (self->changed_ids, id);
      g_hash_table_add (self->changed_set, id);
    }
}

/**
 * just_sync_apply_result_add_conflict:
 * @self: a result being built
 * @conflict: a conflict that was resolved
 *
 * Records a resolved conflict.
 */
void
just_sync_apply_result_add_conflict (JustSyncApplyResult *self,
                                     JustSyncConflict    *conflict)
{
  g_return_if_fail (self != NULL);
  g_return_if_fail (conflict != NULL);

  g_ptr_array_add (self->conflicts, just_sync_conflict_ref (conflict));
}

/**
 * just_sync_apply_result_get_count:
 * @self: a result
 * @action: an action
 *
 * Counts the records the apply treated one way: inserted, replaced, deleted,
 * skipped and so on.
 *
 * Returns: how many records had @action done to them
 */
guint
just_sync_apply_result_get_count (JustSyncApplyResult *self,
                                  JustSyncApplyAction  action)
{
  g_return_val_if_fail (self != NULL, 0);
  g_return_val_if_fail (action <= JUST_SYNC_APPLY_ACKNOWLEDGED, 0);

  return self->counts[action];
}

/**
 * just_sync_apply_result_dup_changed_ids:
 * @self: a result
 *
 * Lists the records an apply changed, for a caller that refreshes what it
 * shows of them.
 *
 * Returns: (transfer full) (array zero-terminated=1): the ids of the records
 *   whose local content changed, each once, in the order they were applied
 */
char **
just_sync_apply_result_dup_changed_ids (JustSyncApplyResult *self)
{
  char **ids;

  g_return_val_if_fail (self != NULL, NULL);

  ids = g_new (char *, self->changed_ids->len + 1);
  for (guint i = 0; i < self->changed_ids->len; i++)
    ids[i] = g_strdup (g_ptr_array_index (self->changed_ids, i));
  ids[self->changed_ids->len] = NULL;
  return ids;
}

/**
 * just_sync_apply_result_get_conflicts:
 * @self: a result
 *
 * Gets the conflicts the apply resolved, each with both versions and the
 * winner.
 *
 * Returns: (transfer none) (element-type JustSyncConflict): the conflicts
 */
GPtrArray *
just_sync_apply_result_get_conflicts (JustSyncApplyResult *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->conflicts;
}
