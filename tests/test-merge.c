/* test-merge.c: the rules of the sync algorithm (justsync-merge.c), with
 * no store: each rule of _just_sync_merge_decide(), then the driver's
 * two-phase apply and push commit over a fake transaction in this file.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "justsync-merge-private.h"
#include "justsync-test-util.h"
#include "test-fixed-resolver.h"

#define T0 G_GINT64_CONSTANT (1700000000000000)
#define MS G_GINT64_CONSTANT (1000)

/* {{{ Building blocks */

static JustSyncPendingOp *
op_new (gint64          seq,
        JustSyncRecord *record,
        const char     *base,
        guint           attempts)
{
  g_autoptr(JustSyncRecord) owned = record;

  return just_sync_pending_op_new (seq, just_sync_record_is_deleted (record) ? JUST_SYNC_OP_DELETE
                                                                            : JUST_SYNC_OP_UPSERT,
                                   record, base, attempts, JUST_SYNC_OP_STATE_QUEUED, NULL);
}

/* A local row: @row (taken, or NULL), based on @base (its version is
 * used, NULL for none), with the ops after it (taken), NULL-terminated. */
static void
local_init (JustSyncMergeLocal *local,
            JustSyncRecord     *row,
            JustSyncRecord     *base,
            ...)
{
  va_list args;

  local->row = row;
  local->base = base != NULL ? just_sync_record_dup_version (base) : NULL;
  local->ops = just_sync_test_ops_new ();
  va_start (args, base);
  for (JustSyncPendingOp *op = va_arg (args, JustSyncPendingOp *); op != NULL;
       op = va_arg (args, JustSyncPendingOp *))
    g_ptr_array_add (local->ops, op);
  va_end (args);
}

static JustSyncMergeDecision
decide (JustSyncRecord     *remote,
        JustSyncMergeLocal *local)
{
  g_autofree char *version = just_sync_record_dup_version (remote);

  return _just_sync_merge_decide (remote, version, local);
}

/* }}} */
/* {{{ The rules, one by one */

static void
test_decide_insert (void)
{
  g_autoptr(JustSyncRecord) remote = just_sync_test_record ("a", "{}", T0);
  g_auto(JustSyncMergeLocal) local = { NULL, };

  local_init (&local, NULL, NULL, NULL);
  g_assert_cmpint (decide (remote, &local).action, ==, JUST_SYNC_MERGE_INSERT);
}

/* No pending op: the base version is skipped (an echo or an overlap
 * re-read), any other version replaces the row, even an older stamp. */
static void
test_decide_without_ops (void)
{
  g_autoptr(JustSyncRecord) base = just_sync_test_record ("a", "{\"v\":1}", T0 + 5 * MS);
  g_autoptr(JustSyncRecord) older = just_sync_test_record ("a", "{\"v\":0}", T0);
  g_autoptr(JustSyncRecord) same_content = just_sync_test_record ("a", "{\"v\":1}", T0 + 6 * MS);
  g_auto(JustSyncMergeLocal) local = { NULL, };

  local_init (&local, just_sync_record_ref (base), base, NULL);
  g_assert_cmpint (decide (base, &local).action, ==, JUST_SYNC_MERGE_SKIP);
  g_assert_cmpint (decide (older, &local).action, ==, JUST_SYNC_MERGE_REPLACE);
  /* Versions are identities: the same content with another stamp is
   * another version. */
  g_assert_cmpint (decide (same_content, &local).action, ==, JUST_SYNC_MERGE_REPLACE);
}

/* The version the pending change was made on is skipped, even when it
 * holds every member of a sent change (which removed a member): the base
 * check comes before the echo check. */
static void
test_decide_base_of_pending_op (void)
{
  g_autoptr(JustSyncRecord) base = just_sync_test_record ("a", "{\"t\":\"x\",\"n\":1}", T0);
  g_autofree char *base_version = just_sync_record_dup_version (base);
  g_auto(JustSyncMergeLocal) local = { NULL, };

  local_init (&local, just_sync_test_record ("a", "{\"t\":\"x\"}", T0 + MS), base,
              op_new (1, just_sync_test_record ("a", "{\"t\":\"x\"}", T0 + MS), base_version, 1),
              NULL);
  g_assert_cmpint (decide (base, &local).action, ==, JUST_SYNC_MERGE_SKIP);
}

/* The echo of a sent change (containment: the server adds members) is
 * acknowledged up to the newest op it covers. */
static void
test_decide_echo (void)
{
  g_autoptr(JustSyncRecord) echo1 =
    just_sync_test_record ("a", "{\"t\":\"1\",\"created\":\"today\"}", T0 + 5 * MS);
  g_autoptr(JustSyncRecord) echo2 =
    just_sync_test_record ("a", "{\"t\":\"2\",\"created\":\"today\"}", T0 + 6 * MS);
  g_auto(JustSyncMergeLocal) local = { NULL, };
  JustSyncMergeDecision decision;

  local_init (&local, just_sync_test_record ("a", "{\"t\":\"2\"}", T0 + 2 * MS), NULL,
              op_new (1, just_sync_test_record ("a", "{\"t\":\"1\"}", T0 + MS), NULL, 1),
              op_new (2, just_sync_test_record ("a", "{\"t\":\"2\"}", T0 + 2 * MS), NULL, 1),
              NULL);
  decision = decide (echo1, &local);
  g_assert_cmpint (decision.action, ==, JUST_SYNC_MERGE_ACKNOWLEDGE);
  g_assert_cmpint (decision.seq, ==, 1);
  decision = decide (echo2, &local);
  g_assert_cmpint (decision.action, ==, JUST_SYNC_MERGE_ACKNOWLEDGE);
  g_assert_cmpint (decision.seq, ==, 2);
}

/* Only a sent op (attempts > 0) can have an echo: a version that merely
 * holds an unsent change (which removed a member) is a conflict. */
static void
test_decide_unsent_has_no_echo (void)
{
  g_autoptr(JustSyncRecord) base = just_sync_test_record ("a", "{\"t\":\"x\",\"n\":\"n\"}", T0);
  g_autoptr(JustSyncRecord) other = just_sync_test_record ("a", "{\"t\":\"x\",\"n\":\"m\"}",
                                                           T0 + 3 * MS);
  g_autofree char *base_version = just_sync_record_dup_version (base);
  g_auto(JustSyncMergeLocal) local = { NULL, };

  local_init (&local, just_sync_test_record ("a", "{\"t\":\"x\"}", T0 + MS), base,
              op_new (1, just_sync_test_record ("a", "{\"t\":\"x\"}", T0 + MS), base_version, 0),
              NULL);
  g_assert_cmpint (decide (other, &local).action, ==, JUST_SYNC_MERGE_CONFLICT);

  /* Once sent, the same version is its echo. */
  g_ptr_array_set_size (local.ops, 0);
  g_ptr_array_add (local.ops, op_new (1, just_sync_test_record ("a", "{\"t\":\"x\"}", T0 + MS),
                                      base_version, 1));
  g_assert_cmpint (decide (other, &local).action, ==, JUST_SYNC_MERGE_ACKNOWLEDGE);
}

static void
test_decide_conflict (void)
{
  g_autoptr(JustSyncRecord) base = just_sync_test_record ("a", "{\"t\":\"base\"}", T0);
  g_autoptr(JustSyncRecord) remote = just_sync_test_record ("a", "{\"t\":\"remote\"}", T0 + 3 * MS);
  g_autofree char *base_version = just_sync_record_dup_version (base);
  g_auto(JustSyncMergeLocal) local = { NULL, };

  local_init (&local, just_sync_test_record ("a", "{\"t\":\"local\"}", T0 + MS), base,
              op_new (1, just_sync_test_record ("a", "{\"t\":\"local\"}", T0 + MS), base_version, 1),
              NULL);
  g_assert_cmpint (decide (remote, &local).action, ==, JUST_SYNC_MERGE_CONFLICT);
}

/* Issue 11: an unsent delete meeting another client's delete, and the same
 * content on both sides, are no disagreement: every op is acknowledged. */
static void
test_decide_sides_agree (void)
{
  g_autoptr(JustSyncRecord) base = just_sync_test_record ("a", "{\"t\":\"base\"}", T0);
  g_autoptr(JustSyncRecord) remote_delete = just_sync_test_tombstone ("a", T0 + 7 * MS);
  g_autoptr(JustSyncRecord) remote_same = just_sync_test_record ("a", "{\"t\":\"same\"}", T0 + 9 * MS);
  g_autofree char *base_version = just_sync_record_dup_version (base);
  g_auto(JustSyncMergeLocal) deleted = { NULL, };
  g_auto(JustSyncMergeLocal) edited = { NULL, };
  JustSyncMergeDecision decision;

  local_init (&deleted, just_sync_test_tombstone ("a", T0 + 2 * MS), base,
              op_new (1, just_sync_test_record ("a", "{\"t\":\"edit\"}", T0 + MS), base_version, 0),
              op_new (2, just_sync_test_tombstone ("a", T0 + 2 * MS), base_version, 0),
              NULL);
  decision = decide (remote_delete, &deleted);
  g_assert_cmpint (decision.action, ==, JUST_SYNC_MERGE_ACKNOWLEDGE);
  g_assert_cmpint (decision.seq, ==, 2);
  /* Another client's edit still conflicts with the delete. */
  g_assert_cmpint (decide (remote_same, &deleted).action, ==, JUST_SYNC_MERGE_CONFLICT);

  local_init (&edited, just_sync_test_record ("a", "{\"t\":\"same\"}", T0 + MS), base,
              op_new (3, just_sync_test_record ("a", "{\"t\":\"same\"}", T0 + MS), base_version, 0),
              NULL);
  decision = decide (remote_same, &edited);
  g_assert_cmpint (decision.action, ==, JUST_SYNC_MERGE_ACKNOWLEDGE);
  g_assert_cmpint (decision.seq, ==, 3);
  g_assert_cmpint (decide (remote_delete, &edited).action, ==, JUST_SYNC_MERGE_CONFLICT);
}

static void
test_resolver_is_pure (void)
{
  g_autoptr(JustSyncConflictResolver) lww = just_sync_last_write_wins_resolver_new ();
  g_autoptr(TestFixedResolver) app = test_fixed_resolver_new (JUST_SYNC_RESOLUTION_LOCAL);

  g_assert_true (_just_sync_merge_resolver_is_pure (lww));
  g_assert_false (_just_sync_merge_resolver_is_pure (JUST_SYNC_CONFLICT_RESOLVER (app)));
}

/* }}} */
/* {{{ A fake transaction for the driver */

typedef struct
{
  GHashTable *rows;            /* id -> JustSyncRecord */
  GHashTable *bases;           /* id -> base */
  GPtrArray *ops;              /* JustSyncPendingOp */
  GPtrArray *conflicts;
  JustSyncSyncPoint *sync_point;
  guint writes;
} Fake;

static void
fake_init (Fake *fake)
{
  fake->rows = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                      (GDestroyNotify) just_sync_record_unref);
  fake->bases = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  fake->ops = just_sync_test_ops_new ();
  fake->conflicts = g_ptr_array_new_with_free_func ((GDestroyNotify) just_sync_conflict_unref);
}

static void
fake_clear (Fake *fake)
{
  g_hash_table_unref (fake->rows);
  g_hash_table_unref (fake->bases);
  g_ptr_array_unref (fake->ops);
  g_ptr_array_unref (fake->conflicts);
  g_clear_pointer (&fake->sync_point, just_sync_sync_point_unref);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Fake, fake_clear)

static gboolean
op_is_for (JustSyncPendingOp *op,
           const char        *id)
{
  return g_strcmp0 (just_sync_pending_op_get_record_id (op), id) == 0;
}

static gboolean
fake_load (gpointer             tx,
           const char          *id,
           JustSyncMergeLocal  *local,
           GError             **error)
{
  Fake *fake = tx;
  JustSyncRecord *row = g_hash_table_lookup (fake->rows, id);

  local->row = row != NULL ? just_sync_record_ref (row) : NULL;
  local->base = g_strdup (g_hash_table_lookup (fake->bases, id));
  local->ops = just_sync_test_ops_new ();
  for (guint i = 0; i < fake->ops->len; i++)
    if (op_is_for (g_ptr_array_index (fake->ops, i), id))
      g_ptr_array_add (local->ops, just_sync_pending_op_ref (g_ptr_array_index (fake->ops, i)));
  return TRUE;
}

static gboolean
fake_put_row (gpointer         tx,
              JustSyncRecord  *record,
              const char      *base,
              guint            n_ops,
              GError         **error)
{
  Fake *fake = tx;
  const char *id = just_sync_record_get_id (record);

  fake->writes++;
  g_hash_table_replace (fake->rows, g_strdup (id), just_sync_record_ref (record));
  g_hash_table_replace (fake->bases, g_strdup (id), g_strdup (base));
  return TRUE;
}

static gboolean
fake_clear_ops (gpointer     tx,
                const char  *id,
                gint64       seq,
                guint       *remaining,
                GError     **error)
{
  Fake *fake = tx;

  fake->writes++;
  *remaining = 0;
  for (guint i = fake->ops->len; i > 0; i--)
    {
      JustSyncPendingOp *op = g_ptr_array_index (fake->ops, i - 1);

      if (!op_is_for (op, id))
        continue;
      if (just_sync_pending_op_get_seq (op) <= seq)
        g_ptr_array_remove_index (fake->ops, i - 1);
      else
        (*remaining)++;
    }
  return TRUE;
}

static gboolean
fake_rebase (gpointer     tx,
             const char  *id,
             const char  *base,
             guint        n_ops,
             GError     **error)
{
  Fake *fake = tx;

  fake->writes++;
  g_hash_table_replace (fake->bases, g_strdup (id), g_strdup (base));
  for (guint i = 0; i < fake->ops->len; i++)
    {
      JustSyncPendingOp *op = g_ptr_array_index (fake->ops, i);

      if (!op_is_for (op, id))
        continue;
      g_ptr_array_index (fake->ops, i) =
        just_sync_pending_op_new (just_sync_pending_op_get_seq (op), just_sync_pending_op_get_kind (op),
                                  just_sync_pending_op_get_record (op), base,
                                  just_sync_pending_op_get_attempts (op),
                                  just_sync_pending_op_get_state (op), NULL);
      just_sync_pending_op_unref (op);
    }
  return TRUE;
}

static gboolean
fake_mark_ops (gpointer          tx,
               const char       *id,
               gint64            seq,
               JustSyncOpState   state,
               const char       *message,
               GError          **error)
{
  Fake *fake = tx;

  fake->writes++;
  for (guint i = 0; i < fake->ops->len; i++)
    {
      JustSyncPendingOp *op = g_ptr_array_index (fake->ops, i);

      if (!op_is_for (op, id) || just_sync_pending_op_get_seq (op) > seq)
        continue;
      g_ptr_array_index (fake->ops, i) =
        just_sync_pending_op_new (just_sync_pending_op_get_seq (op), just_sync_pending_op_get_kind (op),
                                  just_sync_pending_op_get_record (op),
                                  just_sync_pending_op_get_base_version (op),
                                  just_sync_pending_op_get_attempts (op), state, message);
      just_sync_pending_op_unref (op);
    }
  return TRUE;
}

static gboolean
fake_save_conflict (gpointer           tx,
                    JustSyncConflict  *conflict,
                    GError           **error)
{
  Fake *fake = tx;

  fake->writes++;
  g_ptr_array_add (fake->conflicts, just_sync_conflict_ref (conflict));
  return TRUE;
}

static gboolean
fake_load_sync_point (gpointer             tx,
                      JustSyncSyncPoint  **sync_point,
                      GError             **error)
{
  Fake *fake = tx;

  *sync_point = fake->sync_point != NULL ? just_sync_sync_point_ref (fake->sync_point) : NULL;
  return TRUE;
}

static gboolean
fake_save_sync_point (gpointer            tx,
                      JustSyncSyncPoint  *sync_point,
                      GError            **error)
{
  Fake *fake = tx;

  fake->writes++;
  g_clear_pointer (&fake->sync_point, just_sync_sync_point_unref);
  fake->sync_point = sync_point != NULL ? just_sync_sync_point_ref (sync_point) : NULL;
  return TRUE;
}

static const JustSyncMergeStore fake_store = {
  fake_load,
  fake_put_row,
  fake_clear_ops,
  fake_rebase,
  fake_mark_ops,
  fake_save_conflict,
  fake_load_sync_point,
  fake_save_sync_point,
};

/* The row @record (taken), pulled as its own base. */
static void
fake_pull (Fake           *fake,
           JustSyncRecord *record)
{
  g_autoptr(JustSyncRecord) owned = record;
  g_autofree char *version = just_sync_record_dup_version (record);

  fake_put_row (fake, record, version, 0, NULL);
}

/* An app write of @record (taken) on the row's base; returns its seq. */
static gint64
fake_write (Fake           *fake,
            JustSyncRecord *record,
            guint           attempts)
{
  g_autoptr(JustSyncRecord) owned = record;
  const char *id = just_sync_record_get_id (record);
  gint64 seq = fake->ops->len + 1;

  g_ptr_array_add (fake->ops, op_new (seq, just_sync_record_ref (record),
                                      g_hash_table_lookup (fake->bases, id), attempts));
  g_hash_table_replace (fake->rows, g_strdup (id), just_sync_record_ref (record));
  return seq;
}

static JustSyncMergePage *
page_of (JustSyncConflictResolver *resolver,
         gint64                    cursor_at,
         JustSyncRecord           *first,
         ...)
{
  g_autoptr(JustSyncSyncPoint) cursor = NULL;
  JustSyncMergePage *page;
  JustSyncRecord *last = NULL;
  va_list args;

  va_start (args, first);
  for (JustSyncRecord *r = first; r != NULL; r = va_arg (args, JustSyncRecord *))
    last = r;
  va_end (args);
  if (last != NULL)
    cursor = just_sync_sync_point_new (cursor_at, just_sync_record_get_id (last));
  page = _just_sync_merge_page_new (resolver, cursor);

  va_start (args, first);
  for (JustSyncRecord *r = first; r != NULL; r = va_arg (args, JustSyncRecord *))
    {
      _just_sync_merge_page_add (page, r, NULL);
      just_sync_record_unref (r);
    }
  va_end (args);
  return page;
}

/* }}} */
/* {{{ The driver */

/* An app resolver is never called inside the transaction: the first
 * attempt writes nothing, the resolver runs, the second applies. */
static void
test_apply_two_phases (void)
{
  g_auto(Fake) fake = { NULL, };
  g_autoptr(TestFixedResolver) resolver = test_fixed_resolver_new (JUST_SYNC_RESOLUTION_LOCAL);
  g_autoptr(JustSyncRecord) remote = just_sync_test_record ("a", "{\"t\":\"remote\"}", T0 + 5 * MS);
  g_autoptr(JustSyncMergePage) page = NULL;
  g_autoptr(JustSyncApplyResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *version = just_sync_record_dup_version (remote);

  fake_init (&fake);
  fake_pull (&fake, just_sync_test_record ("a", "{\"t\":\"base\"}", T0));
  fake_write (&fake, just_sync_test_record ("a", "{\"t\":\"local\"}", T0 + MS), 0);
  fake.writes = 0;

  page = page_of (JUST_SYNC_CONFLICT_RESOLVER (resolver), T0 + 6 * MS,
                  just_sync_record_ref (remote), just_sync_test_record ("b", "{}", T0 + 6 * MS),
                  NULL);
  g_assert_true (_just_sync_merge_apply_page (&fake_store, &fake, page, &result, &error));
  g_assert_no_error (error);
  g_assert_null (result);
  g_assert_cmpuint (fake.writes, ==, 0);
  g_assert_cmpuint (test_fixed_resolver_get_calls (resolver), ==, 0);
  g_assert_null (fake.sync_point);

  _just_sync_merge_page_resolve (page);
  g_assert_cmpuint (test_fixed_resolver_get_calls (resolver), ==, 1);
  g_assert_cmpstr (just_sync_test_payload_string (test_fixed_resolver_get_last_local (resolver), "t"),
                   ==, "local");

  g_assert_true (_just_sync_merge_apply_page (&fake_store, &fake, page, &result, &error));
  g_assert_nonnull (result);
  g_assert_cmpuint (test_fixed_resolver_get_calls (resolver), ==, 1);
  g_assert_cmpuint (just_sync_apply_result_get_conflicts (result)->len, ==, 1);
  g_assert_cmpuint (just_sync_apply_result_get_count (result, JUST_SYNC_APPLY_INSERTED), ==, 1);
  g_assert_cmpuint (fake.conflicts->len, ==, 1);
  /* Local won: the op waits on the remote version. */
  g_assert_cmpuint (fake.ops->len, ==, 1);
  g_assert_cmpstr (just_sync_pending_op_get_base_version (g_ptr_array_index (fake.ops, 0)), ==,
                   version);
  g_assert_nonnull (fake.sync_point);
  g_assert_cmpstr (just_sync_sync_point_get_last_id (fake.sync_point), ==, "b");
}

/* The row moved between the attempts: the answer was for another state. */
static void
test_apply_row_moved (void)
{
  g_auto(Fake) fake = { NULL, };
  g_autoptr(TestFixedResolver) resolver = test_fixed_resolver_new (JUST_SYNC_RESOLUTION_REMOTE);
  g_autoptr(JustSyncMergePage) page = NULL;
  g_autoptr(JustSyncApplyResult) result = NULL;
  g_autoptr(GError) error = NULL;

  fake_init (&fake);
  fake_pull (&fake, just_sync_test_record ("a", "{\"t\":\"base\"}", T0));
  fake_write (&fake, just_sync_test_record ("a", "{\"t\":\"local\"}", T0 + MS), 0);
  page = page_of (JUST_SYNC_CONFLICT_RESOLVER (resolver), T0 + 5 * MS,
                  just_sync_test_record ("a", "{\"t\":\"remote\"}", T0 + 5 * MS), NULL);

  g_assert_true (_just_sync_merge_apply_page (&fake_store, &fake, page, &result, &error));
  g_assert_null (result);
  _just_sync_merge_page_resolve (page);

  fake_write (&fake, just_sync_test_record ("a", "{\"t\":\"newer\"}", T0 + 2 * MS), 0);
  g_assert_true (_just_sync_merge_apply_page (&fake_store, &fake, page, &result, &error));
  g_assert_null (result);
  g_assert_cmpuint (fake.conflicts->len, ==, 0);
  _just_sync_merge_page_resolve (page);
  g_assert_cmpuint (test_fixed_resolver_get_calls (resolver), ==, 2);
  g_assert_cmpstr (just_sync_test_payload_string (test_fixed_resolver_get_last_local (resolver), "t"),
                   ==, "newer");

  g_assert_true (_just_sync_merge_apply_page (&fake_store, &fake, page, &result, &error));
  g_assert_no_error (error);
  g_assert_nonnull (result);
  g_assert_cmpuint (just_sync_apply_result_get_count (result, JUST_SYNC_APPLY_REPLACED), ==, 1);
  g_assert_cmpuint (fake.ops->len, ==, 0);
  g_assert_cmpuint (fake.conflicts->len, ==, 1);
}

/* Last-write-wins is pure: one attempt, decided inline. */
static void
test_apply_pure_resolver_inline (void)
{
  g_auto(Fake) fake = { NULL, };
  g_autoptr(JustSyncConflictResolver) lww = just_sync_last_write_wins_resolver_new ();
  g_autoptr(JustSyncMergePage) page = NULL;
  g_autoptr(JustSyncApplyResult) result = NULL;
  g_autoptr(GError) error = NULL;
  JustSyncConflict *conflict;

  fake_init (&fake);
  fake_pull (&fake, just_sync_test_record ("a", "{\"t\":\"base\"}", T0));
  fake_write (&fake, just_sync_test_record ("a", "{\"t\":\"local\"}", T0 + 9 * MS), 0);
  page = page_of (lww, T0 + 5 * MS,
                  just_sync_test_record ("a", "{\"t\":\"remote\"}", T0 + 5 * MS), NULL);

  g_assert_true (_just_sync_merge_apply_page (&fake_store, &fake, page, &result, &error));
  g_assert_nonnull (result);
  g_assert_cmpuint (just_sync_apply_result_get_conflicts (result)->len, ==, 1);
  conflict = g_ptr_array_index (fake.conflicts, 0);
  g_assert_cmpint (just_sync_conflict_get_resolution (conflict), ==, JUST_SYNC_RESOLUTION_LOCAL);
}

/* Both sides agree: no conflict, no resolver, the ops are acknowledged. */
static void
test_apply_sides_agree_silently (void)
{
  g_auto(Fake) fake = { NULL, };
  g_autoptr(TestFixedResolver) resolver = test_fixed_resolver_new (JUST_SYNC_RESOLUTION_LOCAL);
  g_autoptr(JustSyncRecord) remote_same = just_sync_test_record ("s", "{\"t\":\"same\"}", T0 + 5 * MS);
  g_autoptr(JustSyncMergePage) page = NULL;
  g_autoptr(JustSyncApplyResult) result = NULL;
  g_autoptr(GError) error = NULL;

  fake_init (&fake);
  fake_pull (&fake, just_sync_test_record ("d", "{\"t\":\"base\"}", T0));
  fake_pull (&fake, just_sync_test_record ("s", "{\"t\":\"base\"}", T0));
  fake_write (&fake, just_sync_test_tombstone ("d", T0 + MS), 0);
  fake_write (&fake, just_sync_test_record ("s", "{\"t\":\"same\"}", T0 + MS), 0);
  page = page_of (JUST_SYNC_CONFLICT_RESOLVER (resolver), T0 + 5 * MS,
                  just_sync_test_tombstone ("d", T0 + 4 * MS), just_sync_record_ref (remote_same),
                  NULL);

  g_assert_true (_just_sync_merge_apply_page (&fake_store, &fake, page, &result, &error));
  g_assert_nonnull (result);
  g_assert_cmpuint (test_fixed_resolver_get_calls (resolver), ==, 0);
  g_assert_cmpuint (just_sync_apply_result_get_conflicts (result)->len, ==, 0);
  g_assert_cmpuint (just_sync_apply_result_get_count (result, JUST_SYNC_APPLY_ACKNOWLEDGED), ==, 2);
  g_assert_cmpuint (fake.ops->len, ==, 0);
  g_assert_cmpuint (fake.conflicts->len, ==, 0);
  g_assert_true (just_sync_record_equal (g_hash_table_lookup (fake.rows, "s"), remote_same));
}

/* A page with the same id twice says what a server that kept only the
 * newest would; the sync point only moves forward. */
static void
test_apply_duplicates_and_sync_point (void)
{
  g_auto(Fake) fake = { NULL, };
  g_autoptr(JustSyncConflictResolver) lww = just_sync_last_write_wins_resolver_new ();
  g_autoptr(JustSyncMergePage) page = NULL;
  g_autoptr(JustSyncMergePage) late = NULL;
  g_autoptr(JustSyncApplyResult) result = NULL;
  g_autoptr(JustSyncApplyResult) again = NULL;
  g_autoptr(GError) error = NULL;

  fake_init (&fake);
  page = page_of (lww, T0 + 9 * MS, just_sync_test_record ("a", "{\"v\":\"1\"}", T0 + MS),
                  just_sync_test_record ("a", "{\"v\":\"2\"}", T0 + 9 * MS), NULL);
  g_assert_true (_just_sync_merge_apply_page (&fake_store, &fake, page, &result, &error));
  g_assert_cmpuint (just_sync_apply_result_get_count (result, JUST_SYNC_APPLY_INSERTED), ==, 1);
  g_assert_cmpstr (just_sync_test_payload_string (g_hash_table_lookup (fake.rows, "a"), "v"), ==,
                   "2");
  g_assert_cmpint (just_sync_sync_point_get_updated_at (fake.sync_point), ==, T0 + 9 * MS);

  late = page_of (lww, T0 + 2 * MS, just_sync_test_record ("b", "{}", T0 + 2 * MS), NULL);
  g_assert_true (_just_sync_merge_apply_page (&fake_store, &fake, late, &again, &error));
  g_assert_nonnull (g_hash_table_lookup (fake.rows, "b"));
  g_assert_cmpint (just_sync_sync_point_get_updated_at (fake.sync_point), ==, T0 + 9 * MS);
}

/* A push reply acknowledges its op and the older ones; a newer op waits,
 * rebased; a rejection parks; a transient failure counts an attempt. */
static void
test_commit_push (void)
{
  g_auto(Fake) fake = { NULL, };
  g_autoptr(JustSyncRecord) reply = just_sync_test_record ("a", "{\"t\":\"1\",\"x\":0}", T0 + 5 * MS);
  g_autofree char *version = just_sync_record_dup_version (reply);
  g_autoptr(JustSyncPushResult) written = NULL;
  g_autoptr(JustSyncPushResult) rejected = NULL;
  g_autoptr(JustSyncPushResult) retry = NULL;
  g_autoptr(JustSyncApplyResult) result = just_sync_apply_result_new ();
  g_autoptr(GError) error = NULL;
  gint64 seq_a, seq_b, seq_c;
  JustSyncPendingOp *op;

  fake_init (&fake);
  seq_a = fake_write (&fake, just_sync_test_record ("a", "{\"t\":\"1\"}", T0 + MS), 0);
  fake_write (&fake, just_sync_test_record ("a", "{\"t\":\"2\"}", T0 + 2 * MS), 0);
  /* Sent, so their attempt is counted; the outcome counts none. */
  seq_b = fake_write (&fake, just_sync_test_record ("b", "{}", T0 + MS), 1);
  seq_c = fake_write (&fake, just_sync_test_record ("c", "{}", T0 + MS), 1);

  written = just_sync_push_result_new_written (seq_a, reply);
  rejected = just_sync_push_result_new_failed (seq_b, "b", JUST_SYNC_PUSH_REJECTED, "no", 0);
  retry = just_sync_push_result_new_failed (seq_c, "c", JUST_SYNC_PUSH_RETRY, "later", 0);
  g_assert_true (_just_sync_merge_commit_push (&fake_store, &fake, written, reply, version, result,
                                               &error));
  g_assert_true (_just_sync_merge_commit_push (&fake_store, &fake, rejected, NULL, NULL, result,
                                               &error));
  g_assert_true (_just_sync_merge_commit_push (&fake_store, &fake, retry, NULL, NULL, result,
                                               &error));
  g_assert_no_error (error);

  g_assert_cmpuint (fake.ops->len, ==, 3);
  op = g_ptr_array_index (fake.ops, 0);
  g_assert_cmpstr (just_sync_pending_op_get_record_id (op), ==, "a");
  g_assert_cmpstr (just_sync_pending_op_get_base_version (op), ==, version);
  g_assert_cmpstr (g_hash_table_lookup (fake.bases, "a"), ==, version);
  op = g_ptr_array_index (fake.ops, 1);
  g_assert_cmpint (just_sync_pending_op_get_state (op), ==, JUST_SYNC_OP_STATE_FAILED);
  g_assert_cmpuint (just_sync_pending_op_get_attempts (op), ==, 1);
  op = g_ptr_array_index (fake.ops, 2);
  g_assert_cmpint (just_sync_pending_op_get_state (op), ==, JUST_SYNC_OP_STATE_QUEUED);
  g_assert_cmpuint (just_sync_pending_op_get_attempts (op), ==, 1);
  g_assert_cmpuint (just_sync_apply_result_get_count (result, JUST_SYNC_APPLY_ACKNOWLEDGED), ==, 0);
}

/* }}} */

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/merge/decide/insert", test_decide_insert);
  g_test_add_func ("/merge/decide/without-ops", test_decide_without_ops);
  g_test_add_func ("/merge/decide/base-of-pending-op", test_decide_base_of_pending_op);
  g_test_add_func ("/merge/decide/echo", test_decide_echo);
  g_test_add_func ("/merge/decide/unsent-has-no-echo", test_decide_unsent_has_no_echo);
  g_test_add_func ("/merge/decide/conflict", test_decide_conflict);
  g_test_add_func ("/merge/decide/sides-agree", test_decide_sides_agree);
  g_test_add_func ("/merge/resolver-is-pure", test_resolver_is_pure);
  g_test_add_func ("/merge/apply/two-phases", test_apply_two_phases);
  g_test_add_func ("/merge/apply/row-moved", test_apply_row_moved);
  g_test_add_func ("/merge/apply/pure-resolver-inline", test_apply_pure_resolver_inline);
  g_test_add_func ("/merge/apply/sides-agree-silently", test_apply_sides_agree_silently);
  g_test_add_func ("/merge/apply/duplicates-and-sync-point", test_apply_duplicates_and_sync_point);
  g_test_add_func ("/merge/commit-push", test_commit_push);

  return g_test_run ();
}
