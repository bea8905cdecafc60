/* justsync-merge.c: the rules of the sync algorithm, once
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <string.h>

#include "justsync-field-merge-resolver.h"
#include "justsync-last-write-wins-resolver.h"
#include "justsync-merge-private.h"

/* Every local store applies remote changes by the rules here (DESIGN.md,
 * "The sync algorithm" and "Versions"); a store only gives the driver its
 * transactional primitives (JustSyncMergeStore), as gom separates its merge
 * policy from its adapter.
 *
 * _just_sync_merge_decide() is the pure policy: one remote row, the local
 * row with its base and its pending ops, and a decision. The driver,
 * _just_sync_merge_apply_page(), runs inside one store transaction: it
 * loads and classifies every row of a page first, writing nothing, and
 * only when every real conflict has a resolution for the very local state
 * it saw does it apply the decisions and the sync point. A conflict
 * without one makes the attempt write nothing: the store ends its
 * transaction, runs _just_sync_merge_page_resolve() on its caller's
 * context with no lock held, and tries again. A row that moved meanwhile
 * is classified, and if need be resolved, again. Pure built-in resolvers
 * are asked inline, on the store's thread.
 */

void
_just_sync_merge_local_clear (JustSyncMergeLocal *local)
{
  g_clear_pointer (&local->row, just_sync_record_unref);
  g_clear_pointer (&local->base, g_free);
  g_clear_pointer (&local->ops, g_ptr_array_unref);
}

/* Both sides say the same: both are tombstones, or neither is and their
 * contents are equal. Not a disagreement, whatever the versions. */
static gboolean
sides_agree (JustSyncRecord *remote,
             JustSyncRecord *local)
{
  if (just_sync_record_is_deleted (remote) || just_sync_record_is_deleted (local))
    return just_sync_record_is_deleted (remote) && just_sync_record_is_deleted (local);
  return strcmp (just_sync_record_get_content_hash (remote),
                 just_sync_record_get_content_hash (local)) == 0;
}

/**
 * _just_sync_merge_decide:
 * @remote: a remote row
 * @version: its version identity
 * @local: the local row, its base and its pending ops
 *
 * Decides what @remote does to the local row, by the rules in order:
 * no local row, insert; no pending op, skip the base version (an echo or
 * an overlap re-read) and replace by any other; with pending ops, skip the
 * version the newest op was made on (checked before the echo: a change
 * that removed a member is covered by its base), acknowledge the newest
 * sent op (attempts > 0) that @remote covers with every older one, settle
 * silently when both sides agree, and otherwise a real conflict.
 *
 * Returns: the decision
 */
JustSyncMergeDecision
_just_sync_merge_decide (JustSyncRecord           *remote,
                         const char               *version,
                         const JustSyncMergeLocal *local)
{
  JustSyncMergeDecision decision = { JUST_SYNC_MERGE_SKIP, 0 };
  JustSyncPendingOp *newest;

  if (local->row == NULL)
    {
      decision.action = JUST_SYNC_MERGE_INSERT;
      return decision;
    }

  if (local->ops == NULL || local->ops->len == 0)
    {
      if (g_strcmp0 (local->base, version) != 0)
        decision.action = JUST_SYNC_MERGE_REPLACE;
      return decision;
    }

  newest = g_ptr_array_index (local->ops, local->ops->len - 1);
  if (g_strcmp0 (just_sync_pending_op_get_base_version (newest), version) == 0)
    return decision;

  /* Only an op that was sent can have an echo: a new version that merely
   * holds what an unsent change says (it only removed members, say) is
   * somebody else's. */
  for (guint i = local->ops->len; i > 0; i--)
    {
      JustSyncPendingOp *op = g_ptr_array_index (local->ops, i - 1);

      if (just_sync_pending_op_get_attempts (op) > 0 &&
          just_sync_record_content_covers (remote, just_sync_pending_op_get_record (op)))
        {
          decision.action = JUST_SYNC_MERGE_ACKNOWLEDGE;
          decision.seq = just_sync_pending_op_get_seq (op);
          return decision;
        }
    }

  if (sides_agree (remote, local->row))
    {
      decision.action = JUST_SYNC_MERGE_ACKNOWLEDGE;
      decision.seq = just_sync_pending_op_get_seq (newest);
      return decision;
    }

  decision.action = JUST_SYNC_MERGE_CONFLICT;
  return decision;
}

/**
 * _just_sync_merge_resolver_is_pure:
 * @resolver: a resolver
 *
 * Tells whether @resolver is a built-in one that reads nothing but its
 * arguments' times, so a store may call it on its own thread. App
 * resolvers run on the caller's context.
 *
 * Returns: %TRUE for a pure built-in resolver
 */
gboolean
_just_sync_merge_resolver_is_pure (JustSyncConflictResolver *resolver)
{
  /* The types are final: no app code can hide behind them. */
  return G_OBJECT_TYPE (resolver) == JUST_SYNC_TYPE_LAST_WRITE_WINS_RESOLVER ||
         G_OBJECT_TYPE (resolver) == JUST_SYNC_TYPE_FIELD_MERGE_RESOLVER;
}

/**
 * _just_sync_merge_resolver_merges:
 * @resolver: a resolver
 *
 * Returns: whether @resolver can merge fields, and so wants base contents
 */
gboolean
_just_sync_merge_resolver_merges (JustSyncConflictResolver *resolver)
{
  return JUST_SYNC_CONFLICT_RESOLVER_GET_IFACE (resolver)->merge != NULL;
}

/* Pages and the driver */

typedef struct
{
  JustSyncRecord *remote;      /* NULL: a later row of the page replaced it */
  char *version;

  /* A conflict the last attempt could not decide: the local row as it
   * was, and the state it was in. */
  JustSyncRecord *pending_local;
  JustSyncRecord *pending_base;  /* NULL: no merge to try */
  char *pending_state;

  /* The resolver's answer, for the local state it was given: a merged
   * record, or else a side. */
  char *resolved_state;
  JustSyncRecord *merged;
  JustSyncResolution resolution;
} Entry;

struct _JustSyncMergePage
{
  JustSyncConflictResolver *resolver;
  gboolean pure;
  gboolean merges;
  JustSyncSyncPoint *cursor;
  GArray *entries;             /* Entry */
  GHashTable *index;           /* id -> its position in @entries */
};

static void
entry_clear (Entry *entry)
{
  g_clear_pointer (&entry->remote, just_sync_record_unref);
  g_clear_pointer (&entry->version, g_free);
  g_clear_pointer (&entry->pending_local, just_sync_record_unref);
  g_clear_pointer (&entry->pending_base, just_sync_record_unref);
  g_clear_pointer (&entry->pending_state, g_free);
  g_clear_pointer (&entry->resolved_state, g_free);
  g_clear_pointer (&entry->merged, just_sync_record_unref);
}

/**
 * _just_sync_merge_page_new:
 * @resolver: the resolver of real conflicts
 * @cursor: (nullable): the page's cursor, saved as the sync point
 *
 * Returns: (transfer full): an empty page
 */
JustSyncMergePage *
_just_sync_merge_page_new (JustSyncConflictResolver *resolver,
                           JustSyncSyncPoint        *cursor)
{
  JustSyncMergePage *page = g_new0 (JustSyncMergePage, 1);

  page->resolver = g_object_ref (resolver);
  page->pure = _just_sync_merge_resolver_is_pure (resolver);
  page->merges = _just_sync_merge_resolver_merges (resolver);
  page->cursor = cursor != NULL ? just_sync_sync_point_ref (cursor) : NULL;
  page->entries = g_array_new (FALSE, TRUE, sizeof (Entry));
  g_array_set_clear_func (page->entries, (GDestroyNotify) entry_clear);
  page->index = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  return page;
}

void
_just_sync_merge_page_free (JustSyncMergePage *page)
{
  g_object_unref (page->resolver);
  g_clear_pointer (&page->cursor, just_sync_sync_point_unref);
  g_array_unref (page->entries);
  g_hash_table_unref (page->index);
  g_free (page);
}

/**
 * _just_sync_merge_page_add:
 * @page: a page
 * @remote: a remote row, owned by the thread that applies the page
 * @version: (nullable): its version identity, computed when %NULL
 *
 * Adds a row. A later row with the same id replaces an earlier one: the
 * page then says what a server that kept only the newest would.
 */
void
_just_sync_merge_page_add (JustSyncMergePage *page,
                           JustSyncRecord    *remote,
                           const char        *version)
{
  const char *id = just_sync_record_get_id (remote);
  Entry entry = { NULL, };
  gpointer position;

  if (g_hash_table_lookup_extended (page->index, id, NULL, &position))
    entry_clear (&g_array_index (page->entries, Entry, GPOINTER_TO_UINT (position)));

  entry.remote = just_sync_record_ref (remote);
  entry.version = version != NULL ? g_strdup (version) : just_sync_record_dup_version (remote);
  g_hash_table_insert (page->index, g_strdup (id), GUINT_TO_POINTER (page->entries->len));
  g_array_append_val (page->entries, entry);
}

/* A copy that shares no JSON with @record: json-glib's reference counts
 * are not atomic, and the store's thread goes on using @record. */
static JustSyncRecord *
record_copy (JustSyncRecord *record)
{
  g_autofree char *payload = just_sync_record_dup_payload_data (record);

  return just_sync_record_new_from_data (just_sync_record_get_id (record), payload,
                                         just_sync_record_get_updated_at (record),
                                         just_sync_record_get_deleted_at (record), NULL);
}

/* Asks the resolver for a merge when there is a base, else for a side. */
static void
resolve_entry (JustSyncMergePage *page,
               Entry             *entry,
               JustSyncRecord    *base,
               JustSyncRecord    *local,
               JustSyncRecord    *remote)
{
  g_clear_pointer (&entry->merged, just_sync_record_unref);
  if (base != NULL)
    entry->merged = just_sync_conflict_resolver_merge (page->resolver, base, local, remote);
  if (entry->merged == NULL)
    entry->resolution = just_sync_conflict_resolver_resolve (page->resolver, local, remote);
  else
    entry->resolution = JUST_SYNC_RESOLUTION_LOCAL;
}

/**
 * _just_sync_merge_page_resolve:
 * @page: a page whose last attempt met undecided conflicts
 *
 * Asks the page's resolver about each of them. Runs on the context of
 * the caller of the apply, while no transaction is open.
 */
void
_just_sync_merge_page_resolve (JustSyncMergePage *page)
{
  for (guint i = 0; i < page->entries->len; i++)
    {
      Entry *entry = &g_array_index (page->entries, Entry, i);
      g_autoptr(JustSyncRecord) remote = NULL;

      if (entry->pending_local == NULL)
        continue;

      /* The local row was made for this call and is handed over whole;
       * the remote one is still the store's. */
      remote = record_copy (entry->remote);
      resolve_entry (page, entry, entry->pending_base, entry->pending_local, remote);
      g_clear_pointer (&entry->resolved_state, g_free);
      entry->resolved_state = g_steal_pointer (&entry->pending_state);
      g_clear_pointer (&entry->pending_local, just_sync_record_unref);
      g_clear_pointer (&entry->pending_base, just_sync_record_unref);
    }
}

/* What a resolution is valid for: the local row's version, its base and
 * its ops. */
static char *
local_state (const JustSyncMergeLocal *local)
{
  g_autofree char *version = just_sync_record_dup_version (local->row);
  JustSyncPendingOp *newest = g_ptr_array_index (local->ops, local->ops->len - 1);

  return g_strdup_printf ("%s\n%s\n%" G_GINT64_FORMAT "\n%u", version,
                          local->base != NULL ? local->base : "",
                          just_sync_pending_op_get_seq (newest), local->ops->len);
}

/* Clears the ops of @id up to @seq, acknowledged by @reply (a push reply
 * or its echo in a pull), and takes @reply as the row's content, or only
 * as its base when newer ops wait.
 */
static gboolean
acknowledge (const JustSyncMergeStore  *store,
             gpointer                   tx,
             const char                *id,
             gint64                     seq,
             JustSyncRecord            *reply,
             const char                *version,
             gboolean                   row_exists,
             JustSyncApplyResult       *result,
             GError                   **error)
{
  guint remaining;

  if (!store->clear_ops (tx, id, seq, &remaining, error))
    return FALSE;

  if (remaining == 0 || !row_exists)
    {
      if (!store->put_row (tx, reply, version, remaining, error))
        return FALSE;
      just_sync_apply_result_add (result, id, JUST_SYNC_APPLY_ACKNOWLEDGED);
    }
  else
    {
      if (!store->rebase (tx, id, version, remaining, error) ||
          (store->save_base_content != NULL &&
           !store->save_base_content (tx, id, reply, error)))
        return FALSE;
      just_sync_apply_result_add (result, id, JUST_SYNC_APPLY_SKIPPED);
    }
  return TRUE;
}

static gboolean
apply_conflict (const JustSyncMergeStore  *store,
                gpointer                   tx,
                Entry                     *entry,
                const JustSyncMergeLocal  *local,
                JustSyncApplyResult       *result,
                GError                   **error)
{
  const char *id = just_sync_record_get_id (entry->remote);
  g_autoptr(JustSyncConflict) conflict = NULL;
  guint remaining;

  conflict = just_sync_conflict_new (local->row, entry->remote, entry->resolution,
                                     g_get_real_time ());
  if (entry->merged != NULL)
    {
      /* The merge waits as the change, on top of the remote version. */
      if (!store->put_merged (tx, entry->merged, entry->version, entry->remote,
                              local->ops->len, error))
        return FALSE;
      just_sync_apply_result_add (result, id, JUST_SYNC_APPLY_REPLACED);
    }
  else if (entry->resolution == JUST_SYNC_RESOLUTION_LOCAL)
    {
      /* The change waits, now made on top of the remote version. */
      if (!store->rebase (tx, id, entry->version, local->ops->len, error) ||
          (store->save_base_content != NULL &&
           !store->save_base_content (tx, id, entry->remote, error)))
        return FALSE;
      just_sync_apply_result_add (result, id, JUST_SYNC_APPLY_SKIPPED);
    }
  else
    {
      if (!store->clear_ops (tx, id, G_MAXINT64, &remaining, error) ||
          !store->put_row (tx, entry->remote, entry->version, remaining, error))
        return FALSE;
      just_sync_apply_result_add (result, id, just_sync_record_is_deleted (entry->remote)
                                              ? JUST_SYNC_APPLY_DELETED
                                              : JUST_SYNC_APPLY_REPLACED);
    }

  if (!store->save_conflict (tx, conflict, error))
    return FALSE;
  just_sync_apply_result_add_conflict (result, conflict);
  return TRUE;
}

static gboolean
apply_entry (const JustSyncMergeStore  *store,
             gpointer                   tx,
             Entry                     *entry,
             JustSyncMergeDecision      decision,
             const JustSyncMergeLocal  *local,
             JustSyncApplyResult       *result,
             GError                   **error)
{
  JustSyncRecord *remote = entry->remote;
  const char *id = just_sync_record_get_id (remote);
  gboolean deleted = just_sync_record_is_deleted (remote);

  switch (decision.action)
    {
    case JUST_SYNC_MERGE_INSERT:
      if (!store->put_row (tx, remote, entry->version, 0, error))
        return FALSE;
      just_sync_apply_result_add (result, id, deleted ? JUST_SYNC_APPLY_SKIPPED
                                                      : JUST_SYNC_APPLY_INSERTED);
      return TRUE;

    case JUST_SYNC_MERGE_SKIP:
      just_sync_apply_result_add (result, id, JUST_SYNC_APPLY_SKIPPED);
      return TRUE;

    case JUST_SYNC_MERGE_REPLACE:
      if (!store->put_row (tx, remote, entry->version, 0, error))
        return FALSE;
      just_sync_apply_result_add (result, id,
                                  deleted && just_sync_record_is_deleted (local->row)
                                  ? JUST_SYNC_APPLY_SKIPPED
                                  : deleted ? JUST_SYNC_APPLY_DELETED : JUST_SYNC_APPLY_REPLACED);
      return TRUE;

    case JUST_SYNC_MERGE_ACKNOWLEDGE:
      return acknowledge (store, tx, id, decision.seq, remote, entry->version, TRUE, result,
                          error);

    case JUST_SYNC_MERGE_CONFLICT:
    default:
      return apply_conflict (store, tx, entry, local, result, error);
    }
}

/* The sync point only moves forward. */
static gboolean
advance_sync_point (const JustSyncMergeStore  *store,
                    gpointer                   tx,
                    JustSyncSyncPoint         *cursor,
                    GError                   **error)
{
  g_autoptr(JustSyncSyncPoint) stored = NULL;

  if (cursor == NULL)
    return TRUE;
  if (!store->load_sync_point (tx, &stored, error))
    return FALSE;
  if (stored != NULL &&
      just_sync_sync_point_compare (stored, just_sync_sync_point_get_updated_at (cursor),
                                    just_sync_sync_point_get_last_id (cursor)) >= 0)
    return TRUE;
  return store->save_sync_point (tx, cursor, error);
}

/* Loads the local side of every row of @page. */
static gboolean
load_locals (const JustSyncMergeStore  *store,
             gpointer                   tx,
             JustSyncMergePage         *page,
             JustSyncMergeLocal        *locals,
             GError                   **error)
{
  guint n = page->entries->len;
  g_autofree const char **ids = g_new0 (const char *, n);

  for (guint i = 0; i < n; i++)
    {
      Entry *entry = &g_array_index (page->entries, Entry, i);

      if (entry->remote != NULL)
        ids[i] = just_sync_record_get_id (entry->remote);
    }
  if (store->load_many != NULL)
    return store->load_many (tx, ids, n, locals, error);

  for (guint i = 0; i < n; i++)
    if (ids[i] != NULL && !store->load (tx, ids[i], &locals[i], error))
      return FALSE;
  return TRUE;
}

/**
 * _just_sync_merge_apply_page:
 * @store: the store's primitives
 * @tx: the store's open transaction
 * @page: the page
 * @result: (out) (transfer full) (optional): what was done to each row, or
 *   %NULL when the page's resolver must be asked first
 * @error: return location for an error
 *
 * One attempt at applying @page in the store's transaction. It either
 * applies every row and the sync point and sets @result, or, when a real
 * conflict has no resolution for the local row as it is now, writes
 * nothing and leaves @result %NULL: call _just_sync_merge_page_resolve()
 * with no transaction open, then try again.
 *
 * Returns: %FALSE on a storage failure
 */
gboolean
_just_sync_merge_apply_page (const JustSyncMergeStore  *store,
                             gpointer                   tx,
                             JustSyncMergePage         *page,
                             JustSyncApplyResult      **result,
                             GError                   **error)
{
  guint n = page->entries->len;
  g_autofree JustSyncMergeLocal *locals = g_new0 (JustSyncMergeLocal, n);
  g_autofree JustSyncMergeDecision *decisions = g_new0 (JustSyncMergeDecision, n);
  g_autoptr(JustSyncApplyResult) applied = NULL;
  gboolean undecided = FALSE;
  gboolean ok = FALSE;

  *result = NULL;

  /* Classify: reads only. */
  if (!load_locals (store, tx, page, locals, error))
    goto out;
  for (guint i = 0; i < n; i++)
    {
      Entry *entry = &g_array_index (page->entries, Entry, i);
      g_autoptr(JustSyncRecord) base = NULL;
      g_autofree char *state = NULL;

      if (entry->remote == NULL)
        continue;
      decisions[i] = _just_sync_merge_decide (entry->remote, entry->version, &locals[i]);
      if (decisions[i].action != JUST_SYNC_MERGE_CONFLICT)
        continue;

      state = local_state (&locals[i]);
      if (g_strcmp0 (state, entry->resolved_state) == 0)
        continue;
      g_clear_pointer (&entry->resolved_state, g_free);
      g_clear_pointer (&entry->merged, just_sync_record_unref);
      if (page->merges && store->load_base_content != NULL &&
          !store->load_base_content (tx, just_sync_record_get_id (entry->remote), &base, error))
        goto out;
      if (page->pure)
        {
          resolve_entry (page, entry, base, locals[i].row, entry->remote);
          entry->resolved_state = g_steal_pointer (&state);
        }
      else
        {
          g_clear_pointer (&entry->pending_local, just_sync_record_unref);
          g_clear_pointer (&entry->pending_base, just_sync_record_unref);
          g_clear_pointer (&entry->pending_state, g_free);
          entry->pending_local = just_sync_record_ref (locals[i].row);
          entry->pending_base = g_steal_pointer (&base);
          entry->pending_state = g_steal_pointer (&state);
          undecided = TRUE;
        }
    }

  if (undecided)
    {
      ok = TRUE;
      goto out;
    }

  /* Apply: every row is distinct, so each decision still holds. */
  applied = just_sync_apply_result_new ();
  for (guint i = 0; i < n; i++)
    {
      Entry *entry = &g_array_index (page->entries, Entry, i);

      if (entry->remote != NULL &&
          !apply_entry (store, tx, entry, decisions[i], &locals[i], applied, error))
        goto out;
    }
  if (!advance_sync_point (store, tx, page->cursor, error))
    goto out;

  *result = g_steal_pointer (&applied);
  ok = TRUE;

out:
  for (guint i = 0; i < n; i++)
    _just_sync_merge_local_clear (&locals[i]);
  return ok;
}

/**
 * _just_sync_merge_apply_delta:
 * @store: the store's primitives
 * @tx: the store's handle
 * @delta: a page of remote changes
 * @resolver: the resolver of real conflicts
 * @error: return location for an error
 *
 * Applies @delta for a store that runs on its caller's context and writes
 * nothing until it has decided everything (the memory store): the
 * resolver runs between the attempts, as it would with a store that holds
 * a transaction.
 *
 * Returns: (transfer full): what was done to each row, or %NULL with @error
 */
JustSyncApplyResult *
_just_sync_merge_apply_delta (const JustSyncMergeStore  *store,
                              gpointer                   tx,
                              JustSyncDelta             *delta,
                              JustSyncConflictResolver  *resolver,
                              GError                   **error)
{
  g_autoptr(JustSyncSyncPoint) cursor = just_sync_delta_dup_cursor (delta);
  g_autoptr(JustSyncMergePage) page = _just_sync_merge_page_new (resolver, cursor);
  GPtrArray *records = just_sync_delta_get_records (delta);
  JustSyncApplyResult *result = NULL;

  for (guint i = 0; i < records->len; i++)
    _just_sync_merge_page_add (page, g_ptr_array_index (records, i), NULL);

  while (_just_sync_merge_apply_page (store, tx, page, &result, error) && result == NULL)
    _just_sync_merge_page_resolve (page);
  return result;
}

/**
 * _just_sync_merge_commit_push:
 * @store: the store's primitives
 * @tx: the store's open transaction
 * @push: the outcome of one pushed op
 * @reply: (nullable): for a written op, the server's reply, owned by the
 *   store's thread
 * @version: (nullable): the reply's version identity
 * @result: collects what was done
 * @error: return location for an error
 *
 * Records the outcome of one pushed op: a written op is acknowledged with
 * every older op of its record, a rejected one parked as failed, and any
 * other outcome leaves the op queued with the server's message (a failed
 * precondition waits for the next pull to resolve it). The attempt itself
 * was counted before the op went out, by mark_ops_sent, so that a crash
 * between the server's work and this commit still finds the op sent.
 *
 * Returns: %FALSE on a storage failure
 */
gboolean
_just_sync_merge_commit_push (const JustSyncMergeStore  *store,
                              gpointer                   tx,
                              JustSyncPushResult        *push,
                              JustSyncRecord            *reply,
                              const char                *version,
                              JustSyncApplyResult       *result,
                              GError                   **error)
{
  const char *id = just_sync_push_result_get_record_id (push);
  gint64 seq = just_sync_push_result_get_seq (push);
  const char *message = just_sync_push_result_get_message (push);
  g_auto(JustSyncMergeLocal) local = { NULL, };

  switch (just_sync_push_result_get_status (push))
    {
    case JUST_SYNC_PUSH_WRITTEN:
      g_return_val_if_fail (reply != NULL && version != NULL, FALSE);
      return store->load (tx, id, &local, error) &&
             acknowledge (store, tx, id, seq, reply, version, local.row != NULL, result, error);

    case JUST_SYNC_PUSH_REJECTED:
      just_sync_apply_result_add (result, id, JUST_SYNC_APPLY_SKIPPED);
      return store->mark_ops (tx, id, seq, JUST_SYNC_OP_STATE_FAILED, message, error);

    case JUST_SYNC_PUSH_RETRY:
    case JUST_SYNC_PUSH_PRECONDITION_FAILED:
    default:
      just_sync_apply_result_add (result, id, JUST_SYNC_APPLY_SKIPPED);
      return store->mark_ops (tx, id, seq, JUST_SYNC_OP_STATE_QUEUED, message, error);
    }
}
