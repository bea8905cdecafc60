/* justsync-test-contract.c
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The cases are written against the interfaces only, so that every store
 * (memory, SQLite, the HTTP backends) is held to the same rules: those of
 * the doc comments of JustSyncLocalStoreInterface and
 * JustSyncRemoteStoreInterface, and of the sync algorithm in DESIGN.md.
 */

#include "justsync-test-contract.h"

/* A fixed point in time, so local cases can compare stamps exactly. */
#define T0 G_GINT64_CONSTANT (1700000000000000)
#define MS G_GINT64_CONSTANT (1000)

/* {{{ Waiting */

/* Lets every callback that is already due run, without blocking. */
static void
settle (void)
{
  while (g_main_context_iteration (NULL, FALSE))
    ;
}

/* }}} */
/* {{{ Building blocks */

static char *
random_key_value (void)
{
  static const char alphabet[] = "abcdefghijklmnopqrstuvwxyz0123456789";
  char *value = g_new0 (char, 16);

  /* Not g_test_rand_*(): GTest seeds it alike for every case, and cases
   * against one real server must not share scopes. */
  for (guint i = 0; i < 15; i++)
    value[i] = alphabet[g_random_int_range (0, sizeof alphabet - 1)];
  return value;
}

static JustSyncScope *
random_scope (const char *name,
              const char *key)
{
  g_autofree char *value = random_key_value ();

  return just_sync_test_scope (name, key, value, NULL);
}

static void
assert_records_equal (JustSyncRecord *actual,
                      JustSyncRecord *expected)
{
  g_assert_nonnull (actual);
  if (!just_sync_record_equal (actual, expected))
    {
      g_autoptr(JsonNode) a = just_sync_record_to_json (actual);
      g_autoptr(JsonNode) e = just_sync_record_to_json (expected);
      g_autofree char *a_text = json_to_string (a, FALSE);
      g_autofree char *e_text = json_to_string (e, FALSE);

      g_assert_cmpstr (a_text, ==, e_text);
    }
}

static void
assert_ids (GPtrArray  *records,
            const char *first,
            ...)
{
  va_list args;
  guint i = 0;

  va_start (args, first);
  for (const char *id = first; id != NULL; id = va_arg (args, const char *), i++)
    {
      g_assert_cmpuint (i, <, records->len);
      g_assert_cmpstr (just_sync_record_get_id (g_ptr_array_index (records, i)), ==, id);
    }
  va_end (args);
  g_assert_cmpuint (records->len, ==, i);
}

static void
assert_version (const char     *version,
                JustSyncRecord *record)
{
  g_autofree char *expected = just_sync_record_dup_version (record);

  g_assert_cmpstr (version, ==, expected);
}

/* }}} */
/* {{{ Local store fixture */

typedef struct
{
  JustSyncTestLocalStoreFactory factory;
  gpointer factory_data;
} LocalContract;

typedef struct
{
  JustSyncScope *scope;
  GStrv ids;
} Change;

typedef struct
{
  JustSyncLocalStore *store;
  /* Two scopes with the same name and key, and other key values. */
  JustSyncScope *scope;
  JustSyncScope *other;
  JustSyncConflictResolver *lww;
  GPtrArray *changes;               /* Change, as the signal came */
} LocalFixture;

#define LOCAL(f, method, ...) \
  JUST_SYNC_TEST_AWAIT_OK (just_sync_local_store_##method, (f)->store, ##__VA_ARGS__)

static void
change_free (Change *change)
{
  just_sync_scope_unref (change->scope);
  g_strfreev (change->ids);
  g_free (change);
}

static void
changed_cb (JustSyncLocalStore *store,
            JustSyncScope      *scope,
            const char * const *ids,
            LocalFixture       *f)
{
  Change *change = g_new0 (Change, 1);

  g_assert_nonnull (ids);
  g_assert_nonnull (ids[0]);
  change->scope = just_sync_scope_ref (scope);
  change->ids = g_strdupv ((char **) ids);
  g_ptr_array_add (f->changes, change);
}

static int
compare_strings (gconstpointer a,
                 gconstpointer b)
{
  return g_strcmp0 (*(const char **) a, *(const char **) b);
}

/* Waits for the changed signal of the last write (a store may emit it
 * after the write's callback), then asserts that it named exactly @first
 * and the ids after it, in any order, in @scope. */
static void
assert_changed (LocalFixture  *f,
                JustSyncScope *scope,
                const char    *first,
                ...)
{
  g_autoptr(GPtrArray) expected = g_ptr_array_new ();
  g_autoptr(GPtrArray) actual = g_ptr_array_new ();
  va_list args;

  if (!just_sync_test_wait_count (&f->changes->len, 1, 10000))
    g_error ("No JustSyncLocalStore::changed signal came within 10 s");
  settle ();

  va_start (args, first);
  for (const char *id = first; id != NULL; id = va_arg (args, const char *))
    g_ptr_array_add (expected, (gpointer) id);
  va_end (args);

  for (guint i = 0; i < f->changes->len; i++)
    {
      Change *change = g_ptr_array_index (f->changes, i);

      g_assert_true (just_sync_scope_equal (change->scope, scope));
      for (guint j = 0; change->ids[j] != NULL; j++)
        if (!g_ptr_array_find_with_equal_func (actual, change->ids[j], g_str_equal, NULL))
          g_ptr_array_add (actual, change->ids[j]);
    }

  g_ptr_array_sort (expected, compare_strings);
  g_ptr_array_sort (actual, compare_strings);
  g_assert_cmpuint (actual->len, ==, expected->len);
  for (guint i = 0; i < expected->len; i++)
    g_assert_cmpstr (g_ptr_array_index (actual, i), ==, g_ptr_array_index (expected, i));

  g_ptr_array_set_size (f->changes, 0);
}

static void
assert_unchanged (LocalFixture *f)
{
  settle ();
  g_assert_cmpuint (f->changes->len, ==, 0);
}

static void
local_setup (LocalFixture  *f,
             gconstpointer  data)
{
  const LocalContract *contract = data;

  f->store = contract->factory (contract->factory_data);
  g_assert_true (JUST_SYNC_IS_LOCAL_STORE (f->store));
  f->scope = random_scope ("contract", "owner");
  f->other = random_scope ("contract", "owner");
  f->lww = just_sync_last_write_wins_resolver_new ();
  f->changes = g_ptr_array_new_with_free_func ((GDestroyNotify) change_free);
  g_signal_connect (f->store, "changed", G_CALLBACK (changed_cb), f);
}

static void
local_teardown (LocalFixture  *f,
                gconstpointer  data)
{
  g_signal_handlers_disconnect_by_data (f->store, f);
  settle ();
  g_assert_finalize_object (f->store);
  g_clear_pointer (&f->scope, just_sync_scope_unref);
  g_clear_pointer (&f->other, just_sync_scope_unref);
  g_clear_object (&f->lww);
  g_clear_pointer (&f->changes, g_ptr_array_unref);
}

/* App writes; each asserts success and returns the queued ops. */
static GPtrArray *
upsert (LocalFixture   *f,
        JustSyncScope  *scope,
        JustSyncRecord *first,
        ...)
{
  g_autoptr(GPtrArray) records = g_ptr_array_new_with_free_func ((GDestroyNotify) just_sync_record_unref);
  GPtrArray *ops;
  va_list args;

  va_start (args, first);
  for (JustSyncRecord *r = first; r != NULL; r = va_arg (args, JustSyncRecord *))
    g_ptr_array_add (records, r);
  va_end (args);

  ops = LOCAL (f, upsert_many, scope, records);
  g_assert_cmpuint (ops->len, ==, records->len);
  return ops;
}

static GPtrArray *
delete_ids (LocalFixture       *f,
        JustSyncScope      *scope,
        const char * const *ids,
        gint64              deleted_at)
{
  GPtrArray *ops = LOCAL (f, delete_many, scope, ids, deleted_at);

  g_assert_cmpuint (ops->len, ==, g_strv_length ((char **) ids));
  return ops;
}

static JustSyncApplyResult *
apply (LocalFixture             *f,
       JustSyncScope            *scope,
       JustSyncDelta            *delta,
       JustSyncConflictResolver *resolver)
{
  g_autoptr(JustSyncDelta) owned = delta;

  return LOCAL (f, apply_remote_changes, scope, owned, resolver);
}

/* Applies a page of one server row; takes @record. */
static JustSyncApplyResult *
apply_row (LocalFixture             *f,
           JustSyncScope            *scope,
           JustSyncRecord           *record,
           JustSyncConflictResolver *resolver)
{
  return apply (f, scope, just_sync_test_delta (T0, record, NULL), resolver);
}

/* Applies one server row, as a pull does, and forgets the signal. */
static void
pull_row (LocalFixture   *f,
          JustSyncScope  *scope,
          JustSyncRecord *record)
{
  g_autoptr(JustSyncApplyResult) result = apply_row (f, scope, record, f->lww);

  settle ();
  g_ptr_array_set_size (f->changes, 0);
}

/* What the engine does around a push: marks the ops @results answer for
 * as sent (one attempt each), then commits @results. */
static JustSyncApplyResult *
push_and_commit (LocalFixture  *f,
                 JustSyncScope *scope,
                 GPtrArray     *results)
{
  g_autoptr(GPtrArray) queued = LOCAL (f, list_pending_ops, scope);
  g_autoptr(GPtrArray) sent = g_ptr_array_new ();

  for (guint i = 0; i < queued->len; i++)
    for (guint j = 0; j < results->len; j++)
      if (just_sync_pending_op_get_seq (g_ptr_array_index (queued, i)) ==
          just_sync_push_result_get_seq (g_ptr_array_index (results, j)))
        g_ptr_array_add (sent, g_ptr_array_index (queued, i));
  if (sent->len > 0)
    g_assert_true (LOCAL (f, mark_ops_sent, scope, sent));
  return LOCAL (f, commit_push_results, scope, results);
}

static JustSyncApplyResult *
commit (LocalFixture       *f,
        JustSyncScope      *scope,
        JustSyncPushResult *first,
        ...)
{
  g_autoptr(GPtrArray) results = g_ptr_array_new_with_free_func ((GDestroyNotify) just_sync_push_result_unref);
  va_list args;

  va_start (args, first);
  for (JustSyncPushResult *r = first; r != NULL; r = va_arg (args, JustSyncPushResult *))
    g_ptr_array_add (results, r);
  va_end (args);

  return push_and_commit (f, scope, results);
}

/* Records a push of @ops whose reply was lost: each counts an attempt. */
static void
send_lost (LocalFixture  *f,
           JustSyncScope *scope,
           GPtrArray     *ops)
{
  g_autoptr(GPtrArray) results = g_ptr_array_new_with_free_func ((GDestroyNotify) just_sync_push_result_unref);
  g_autoptr(JustSyncApplyResult) result = NULL;

  for (guint i = 0; i < ops->len; i++)
    g_ptr_array_add (results,
                     just_sync_push_result_new_failed (just_sync_pending_op_get_seq (g_ptr_array_index (ops, i)),
                                                       just_sync_pending_op_get_record_id (g_ptr_array_index (ops, i)),
                                                       JUST_SYNC_PUSH_RETRY, "reply lost", 0));
  result = push_and_commit (f, scope, results);
}

static JustSyncRecord *
get (LocalFixture  *f,
     JustSyncScope *scope,
     const char    *id)
{
  return LOCAL (f, get, scope, id);
}

static GPtrArray *
ops_of (LocalFixture  *f,
        JustSyncScope *scope)
{
  GPtrArray *ops = LOCAL (f, list_pending_ops, scope);

  for (guint i = 1; i < ops->len; i++)
    g_assert_cmpint (just_sync_pending_op_get_seq (g_ptr_array_index (ops, i - 1)), <,
                     just_sync_pending_op_get_seq (g_ptr_array_index (ops, i)));
  return ops;
}

static guint
count_ops (LocalFixture    *f,
           JustSyncScope   *scope,
           JustSyncOpState  state)
{
  return LOCAL (f, count_pending_ops, scope, state);
}

static JustSyncPendingOp *
newest_op (GPtrArray  *ops,
           const char *id)
{
  for (guint i = ops->len; i > 0; i--)
    if (g_strcmp0 (just_sync_pending_op_get_record_id (g_ptr_array_index (ops, i - 1)), id) == 0)
      return g_ptr_array_index (ops, i - 1);
  return NULL;
}

/* The row shows @local, whose change still waits to be pushed, made on
 * top of @base; returns the sequence number of that change. */
static gint64
assert_change_waits (LocalFixture   *f,
                     JustSyncRecord *local,
                     JustSyncRecord *base)
{
  const char *id = just_sync_record_get_id (local);
  g_autoptr(GPtrArray) ops = ops_of (f, f->scope);
  g_autoptr(JustSyncRecord) got = get (f, f->scope, id);
  JustSyncPendingOp *op = newest_op (ops, id);

  g_assert_nonnull (op);
  assert_records_equal (just_sync_pending_op_get_record (op), local);
  assert_version (just_sync_pending_op_get_base_version (op), base);
  assert_records_equal (got, local);
  return just_sync_pending_op_get_seq (op);
}

/* }}} */
/* {{{ Local store cases */

static void
local_empty (LocalFixture  *f,
             gconstpointer  data)
{
  g_autoptr(GPtrArray) records = LOCAL (f, query, f->scope);
  g_autoptr(GPtrArray) since = LOCAL (f, query_since, f->scope, 0);
  g_autoptr(JustSyncRecord) record = get (f, f->scope, "a");
  g_autoptr(JustSyncSyncPoint) point = LOCAL (f, get_sync_point, f->scope);
  g_autoptr(GPtrArray) ops = ops_of (f, f->scope);
  g_autoptr(GPtrArray) conflicts = LOCAL (f, list_conflicts, f->scope);

  g_assert_cmpuint (records->len, ==, 0);
  g_assert_cmpuint (since->len, ==, 0);
  g_assert_null (record);
  g_assert_null (point);
  g_assert_cmpuint (ops->len, ==, 0);
  g_assert_cmpuint (conflicts->len, ==, 0);
  g_assert_cmpuint (count_ops (f, NULL, JUST_SYNC_OP_STATE_QUEUED), ==, 0);
  g_assert_cmpuint (count_ops (f, NULL, JUST_SYNC_OP_STATE_FAILED), ==, 0);
  g_assert_cmpuint (LOCAL (f, retry_failed_ops, f->scope), ==, 0);
  g_assert_cmpuint (LOCAL (f, discard_failed_ops, f->scope), ==, 0);
  assert_unchanged (f);
}

static void
local_upsert_query_get (LocalFixture  *f,
                        gconstpointer  data)
{
  g_autoptr(GPtrArray) written =
    just_sync_test_records (just_sync_test_record ("c", "{\"title\":\"C\",\"n\":3}", T0 + 1 * MS),
                            just_sync_test_record ("a", "{\"title\":\"A\",\"tags\":[1,2]}",
                                                   T0 + 2 * MS),
                            just_sync_test_record ("b", "{}", T0 + 3 * MS),
                            NULL);
  g_autoptr(GPtrArray) ops = LOCAL (f, upsert_many, f->scope, written);
  g_autoptr(GPtrArray) records = NULL;
  g_autoptr(JustSyncRecord) b = NULL;
  g_autoptr(JustSyncRecord) missing = NULL;

  g_assert_cmpuint (ops->len, ==, 3);
  for (guint i = 0; i < ops->len; i++)
    {
      JustSyncPendingOp *op = g_ptr_array_index (ops, i);

      g_assert_cmpint (just_sync_pending_op_get_kind (op), ==, JUST_SYNC_OP_UPSERT);
      g_assert_cmpint (just_sync_pending_op_get_state (op), ==, JUST_SYNC_OP_STATE_QUEUED);
      g_assert_cmpuint (just_sync_pending_op_get_attempts (op), ==, 0);
      g_assert_null (just_sync_pending_op_get_base_version (op));
      g_assert_null (just_sync_pending_op_get_last_error (op));
      assert_records_equal (just_sync_pending_op_get_record (op), g_ptr_array_index (written, i));
      if (i > 0)
        g_assert_cmpint (just_sync_pending_op_get_seq (g_ptr_array_index (ops, i - 1)), <,
                         just_sync_pending_op_get_seq (op));
    }
  assert_changed (f, f->scope, "a", "b", "c", NULL);

  records = LOCAL (f, query, f->scope);
  assert_ids (records, "a", "b", "c", NULL);
  for (guint i = 0; i < written->len; i++)
    {
      JustSyncRecord *w = g_ptr_array_index (written, i);

      assert_records_equal (just_sync_test_find_record (records, just_sync_record_get_id (w)), w);
    }

  b = get (f, f->scope, "b");
  assert_records_equal (b, g_ptr_array_index (written, 2));
  missing = get (f, f->scope, "zz");
  g_assert_null (missing);
}

static void
local_upsert_replaces (LocalFixture  *f,
                       gconstpointer  data)
{
  g_autoptr(JustSyncRecord) v2 = just_sync_test_record ("a", "{\"title\":\"second\"}", T0 + 2 * MS);
  g_autoptr(GPtrArray) ops1 =
    upsert (f, f->scope, just_sync_test_record ("a", "{\"title\":\"first\"}", T0 + MS), NULL);
  g_autoptr(GPtrArray) ops2 = upsert (f, f->scope, just_sync_record_ref (v2), NULL);
  g_autoptr(GPtrArray) records = LOCAL (f, query, f->scope);
  g_autoptr(GPtrArray) ops = ops_of (f, f->scope);
  g_autoptr(JustSyncRecord) got = get (f, f->scope, "a");

  g_assert_cmpint (just_sync_pending_op_get_seq (g_ptr_array_index (ops1, 0)), <,
                   just_sync_pending_op_get_seq (g_ptr_array_index (ops2, 0)));
  assert_ids (records, "a", NULL);
  assert_records_equal (g_ptr_array_index (records, 0), v2);
  assert_records_equal (got, v2);
  g_assert_cmpuint (ops->len, >=, 1);
  assert_records_equal (just_sync_pending_op_get_record (newest_op (ops, "a")), v2);
}

static void
local_delete (LocalFixture  *f,
              gconstpointer  data)
{
  g_autoptr(GPtrArray) upserted = upsert (f, f->scope,
                                          just_sync_test_record ("a", "{\"title\":\"A\"}", T0 + MS),
                                          just_sync_test_record ("b", "{\"title\":\"B\"}", T0 + MS),
                                          NULL);
  g_autoptr(GPtrArray) deleted = NULL;
  g_autoptr(GPtrArray) records = NULL;
  g_autoptr(GPtrArray) since = NULL;
  g_autoptr(GPtrArray) ops = NULL;
  g_autoptr(JustSyncRecord) a = NULL;
  JustSyncPendingOp *op;

  assert_changed (f, f->scope, "a", "b", NULL);
  deleted = delete_ids (f, f->scope, (const char * const[]) { "a", NULL }, T0 + 10 * MS);
  assert_changed (f, f->scope, "a", NULL);

  op = g_ptr_array_index (deleted, 0);
  g_assert_cmpint (just_sync_pending_op_get_kind (op), ==, JUST_SYNC_OP_DELETE);
  g_assert_cmpstr (just_sync_pending_op_get_record_id (op), ==, "a");
  g_assert_true (just_sync_record_is_deleted (just_sync_pending_op_get_record (op)));
  g_assert_cmpint (just_sync_record_get_deleted_at (just_sync_pending_op_get_record (op)), ==,
                   T0 + 10 * MS);

  records = LOCAL (f, query, f->scope);
  assert_ids (records, "b", NULL);

  a = get (f, f->scope, "a");
  g_assert_nonnull (a);
  g_assert_true (just_sync_record_is_deleted (a));
  g_assert_cmpint (just_sync_record_get_deleted_at (a), ==, T0 + 10 * MS);

  since = LOCAL (f, query_since, f->scope, 0);
  assert_ids (since, "b", "a", NULL);
  g_assert_true (just_sync_record_is_deleted (g_ptr_array_index (since, 1)));

  ops = ops_of (f, f->scope);
  g_assert_cmpint (just_sync_pending_op_get_kind (newest_op (ops, "a")), ==, JUST_SYNC_OP_DELETE);
  g_assert_cmpint (just_sync_pending_op_get_kind (newest_op (ops, "b")), ==, JUST_SYNC_OP_UPSERT);
}

static void
local_query_since (LocalFixture  *f,
                   gconstpointer  data)
{
  g_autoptr(GPtrArray) ops = upsert (f, f->scope,
                                     just_sync_test_record ("d", "{}", T0 + 300 * MS),
                                     just_sync_test_record ("c", "{}", T0 + 200 * MS),
                                     just_sync_test_record ("b", "{}", T0 + 200 * MS),
                                     just_sync_test_record ("a", "{}", T0 + 100 * MS),
                                     just_sync_test_record ("e", "{}", T0 + 50 * MS),
                                     NULL);
  g_autoptr(GPtrArray) deleted = delete_ids (f, f->scope, (const char * const[]) { "e", NULL },
                                         T0 + 250 * MS);
  g_autoptr(GPtrArray) later = LOCAL (f, query_since, f->scope, T0 + 150 * MS);
  g_autoptr(GPtrArray) none = LOCAL (f, query_since, f->scope, T0 + 300 * MS);
  g_autoptr(GPtrArray) all = LOCAL (f, query_since, f->scope, 0);

  assert_ids (later, "b", "c", "e", "d", NULL);
  g_assert_true (just_sync_record_is_deleted (g_ptr_array_index (later, 2)));
  g_assert_cmpuint (none->len, ==, 0);
  assert_ids (all, "a", "b", "c", "e", "d", NULL);
}

static void
local_scoping (LocalFixture  *f,
               gconstpointer  data)
{
  g_autoptr(JustSyncRecord) a_in_scope =
    just_sync_test_record ("a", "{\"scope\":\"one\"}", T0 + MS);
  g_autoptr(JustSyncRecord) a_in_other =
    just_sync_test_record ("a", "{\"scope\":\"other\"}", T0 + 2 * MS);
  g_autoptr(JustSyncSyncPoint) saved = just_sync_sync_point_new (T0, "x");
  g_autoptr(GPtrArray) ops1 = upsert (f, f->scope, just_sync_record_ref (a_in_scope),
                                      just_sync_test_record ("only-here", "{}", T0 + MS), NULL);
  g_autoptr(GPtrArray) ops2 = upsert (f, f->other, just_sync_record_ref (a_in_other), NULL);
  g_autoptr(GPtrArray) ops3 = NULL;
  g_autoptr(GPtrArray) records = NULL;
  g_autoptr(GPtrArray) since = NULL;
  g_autoptr(GPtrArray) ops = NULL;
  g_autoptr(GPtrArray) conflicts = NULL;
  g_autoptr(JustSyncRecord) got = NULL;
  g_autoptr(JustSyncRecord) server_row = NULL;
  g_autoptr(JustSyncSyncPoint) point = NULL;
  g_autoptr(JustSyncApplyResult) rejected = NULL;
  g_autoptr(JustSyncApplyResult) conflict = NULL;
  JustSyncPendingOp *only_here;

  g_ptr_array_set_size (f->changes, 0);

  /* Records, reads and tombstones. */
  records = LOCAL (f, query, f->other);
  assert_ids (records, "a", NULL);
  assert_records_equal (g_ptr_array_index (records, 0), a_in_other);
  g_clear_pointer (&records, g_ptr_array_unref);
  records = LOCAL (f, query, f->scope);
  assert_ids (records, "a", "only-here", NULL);
  assert_records_equal (g_ptr_array_index (records, 0), a_in_scope);

  ops3 = delete_ids (f, f->scope, (const char * const[]) { "a", NULL }, T0 + 5 * MS);
  assert_changed (f, f->scope, "a", NULL);
  got = get (f, f->other, "a");
  assert_records_equal (got, a_in_other);
  g_clear_pointer (&got, just_sync_record_unref);
  got = get (f, f->other, "only-here");
  g_assert_null (got);
  since = LOCAL (f, query_since, f->other, 0);
  assert_ids (since, "a", NULL);
  g_assert_false (just_sync_record_is_deleted (g_ptr_array_index (since, 0)));

  /* Pulls, sync points and conflicts. */
  pull_row (f, f->scope, just_sync_test_record ("server", "{\"v\":1}", T0 + 10 * MS));
  got = get (f, f->other, "server");
  g_assert_null (got);
  point = LOCAL (f, get_sync_point, f->other);
  g_assert_null (point);
  g_assert_true (LOCAL (f, save_sync_point, f->other, saved));
  point = LOCAL (f, get_sync_point, f->scope);
  g_assert_nonnull (point);
  g_assert_cmpint (just_sync_sync_point_get_updated_at (point), ==, T0 + 10 * MS);
  g_assert_cmpstr (just_sync_sync_point_get_last_id (point), ==, "server");

  g_clear_pointer (&ops, g_ptr_array_unref);
  ops = upsert (f, f->scope, just_sync_test_record ("server", "{\"v\":2}", T0 + 11 * MS), NULL);
  conflict = apply_row (f, f->scope, just_sync_test_record ("server", "{\"v\":3}", T0 + 12 * MS),
                        f->lww);
  g_assert_cmpuint (just_sync_apply_result_get_conflicts (conflict)->len, ==, 1);
  conflicts = LOCAL (f, list_conflicts, f->other);
  g_assert_cmpuint (conflicts->len, ==, 0);
  g_clear_pointer (&conflicts, g_ptr_array_unref);
  conflicts = LOCAL (f, list_conflicts, f->scope);
  g_assert_cmpuint (conflicts->len, ==, 1);

  /* Pending operations, counts, retries and discards. */
  g_clear_pointer (&ops, g_ptr_array_unref);
  ops = ops_of (f, f->other);
  g_assert_cmpuint (ops->len, ==, 1);
  assert_records_equal (just_sync_pending_op_get_record (g_ptr_array_index (ops, 0)), a_in_other);
  g_clear_pointer (&ops, g_ptr_array_unref);
  ops = ops_of (f, f->scope);
  g_assert_null (newest_op (ops, "server"));
  only_here = newest_op (ops, "only-here");
  g_assert_nonnull (only_here);
  g_assert_cmpuint (count_ops (f, f->other, JUST_SYNC_OP_STATE_QUEUED), ==, 1);
  g_assert_cmpuint (count_ops (f, f->scope, JUST_SYNC_OP_STATE_QUEUED), ==, ops->len);
  g_assert_cmpuint (count_ops (f, NULL, JUST_SYNC_OP_STATE_QUEUED), ==, ops->len + 1);

  rejected = commit (f, f->scope,
                     just_sync_push_result_new_failed (just_sync_pending_op_get_seq (only_here),
                                                       "only-here", JUST_SYNC_PUSH_REJECTED,
                                                       "refused", 0),
                     NULL);
  g_assert_cmpuint (count_ops (f, f->scope, JUST_SYNC_OP_STATE_FAILED), ==, 1);
  g_assert_cmpuint (count_ops (f, f->other, JUST_SYNC_OP_STATE_FAILED), ==, 0);
  g_assert_cmpuint (count_ops (f, NULL, JUST_SYNC_OP_STATE_FAILED), ==, 1);
  g_assert_cmpuint (LOCAL (f, retry_failed_ops, f->other), ==, 0);
  g_assert_cmpuint (LOCAL (f, discard_failed_ops, f->other), ==, 0);
  g_assert_cmpuint (count_ops (f, f->scope, JUST_SYNC_OP_STATE_FAILED), ==, 1);

  /* A prune of the other scope removes none of this scope's rows. */
  pull_row (f, f->other, just_sync_test_record ("other-server", "{}", T0 + 20 * MS));
  g_assert_cmpuint (LOCAL (f, prune_missing, f->other, (const char * const[]) { NULL }), ==, 1);
  server_row = get (f, f->scope, "server");
  g_assert_nonnull (server_row);
  g_clear_pointer (&records, g_ptr_array_unref);
  records = LOCAL (f, query, f->other);
  assert_ids (records, "a", NULL);
}

static void
local_sync_point (LocalFixture  *f,
                  gconstpointer  data)
{
  g_autoptr(JustSyncSyncPoint) later = just_sync_sync_point_new (T0 + 10 * MS, "k");
  g_autoptr(JustSyncSyncPoint) earlier = just_sync_sync_point_new (T0, NULL);
  g_autoptr(JustSyncSyncPoint) got = NULL;

  g_assert_true (LOCAL (f, save_sync_point, f->scope, later));
  got = LOCAL (f, get_sync_point, f->scope);
  g_assert_true (just_sync_sync_point_equal (got, later));
  g_clear_pointer (&got, just_sync_sync_point_unref);

  /* Saving replaces, even with an earlier point: a reconcile rewinds. */
  g_assert_true (LOCAL (f, save_sync_point, f->scope, earlier));
  got = LOCAL (f, get_sync_point, f->scope);
  g_assert_true (just_sync_sync_point_equal (got, earlier));
  g_assert_null (just_sync_sync_point_get_last_id (got));
  g_clear_pointer (&got, just_sync_sync_point_unref);

  g_assert_true (LOCAL (f, save_sync_point, f->scope, NULL));
  got = LOCAL (f, get_sync_point, f->scope);
  g_assert_null (got);
}

static void
local_pending_ops (LocalFixture  *f,
                   gconstpointer  data)
{
  g_autoptr(GPtrArray) upserted = upsert (f, f->scope,
                                          just_sync_test_record ("a", "{}", T0 + MS),
                                          just_sync_test_record ("b", "{}", T0 + MS),
                                          just_sync_test_record ("c", "{}", T0 + MS),
                                          NULL);
  g_autoptr(GPtrArray) deleted = delete_ids (f, f->scope, (const char * const[]) { "d", "e", NULL },
                                         T0 + 2 * MS);
  g_autoptr(GPtrArray) elsewhere = upsert (f, f->other, just_sync_test_record ("a", "{}", T0 + MS),
                                           NULL);
  g_autoptr(GPtrArray) ops = ops_of (f, f->scope);
  static const char *ids[] = { "a", "b", "c", "d", "e" };

  g_assert_cmpuint (ops->len, ==, G_N_ELEMENTS (ids));
  for (guint i = 0; i < ops->len; i++)
    {
      JustSyncPendingOp *op = g_ptr_array_index (ops, i);

      g_assert_cmpstr (just_sync_pending_op_get_record_id (op), ==, ids[i]);
      g_assert_cmpint (just_sync_pending_op_get_kind (op), ==,
                       i < 3 ? JUST_SYNC_OP_UPSERT : JUST_SYNC_OP_DELETE);
      g_assert_true (just_sync_pending_op_equal (op, g_ptr_array_index (i < 3 ? upserted : deleted,
                                                                        i < 3 ? i : i - 3)));
    }

  g_assert_cmpuint (count_ops (f, f->scope, JUST_SYNC_OP_STATE_QUEUED), ==, 5);
  g_assert_cmpuint (count_ops (f, f->scope, JUST_SYNC_OP_STATE_FAILED), ==, 0);
  g_assert_cmpuint (count_ops (f, f->other, JUST_SYNC_OP_STATE_QUEUED), ==, 1);
  g_assert_cmpuint (count_ops (f, NULL, JUST_SYNC_OP_STATE_QUEUED), ==, 6);
}

static void
local_failed_ops (LocalFixture  *f,
                  gconstpointer  data)
{
  g_autoptr(JustSyncRecord) a = just_sync_test_record ("a", "{\"title\":\"refused\"}", T0 + MS);
  g_autoptr(GPtrArray) queued = upsert (f, f->scope, just_sync_record_ref (a),
                                        just_sync_test_record ("b", "{}", T0 + MS), NULL);
  gint64 seq_a = just_sync_pending_op_get_seq (g_ptr_array_index (queued, 0));
  g_autoptr(JustSyncApplyResult) result = NULL;
  g_autoptr(GPtrArray) ops = NULL;
  g_autoptr(JustSyncRecord) got = NULL;
  JustSyncPendingOp *op;

  result = commit (f, f->scope,
                   just_sync_push_result_new_failed (seq_a, "a", JUST_SYNC_PUSH_REJECTED, "nope", 0),
                   NULL);
  ops = ops_of (f, f->scope);
  op = newest_op (ops, "a");
  g_assert_cmpint (just_sync_pending_op_get_state (op), ==, JUST_SYNC_OP_STATE_FAILED);
  g_assert_cmpuint (just_sync_pending_op_get_attempts (op), ==, 1);
  g_assert_cmpstr (just_sync_pending_op_get_last_error (op), ==, "nope");
  g_assert_cmpint (just_sync_pending_op_get_state (newest_op (ops, "b")), ==, JUST_SYNC_OP_STATE_QUEUED);
  g_assert_cmpuint (count_ops (f, f->scope, JUST_SYNC_OP_STATE_FAILED), ==, 1);
  g_assert_cmpuint (count_ops (f, f->scope, JUST_SYNC_OP_STATE_QUEUED), ==, 1);

  /* A parked op is never dropped by itself: a retry queues it again. */
  g_assert_cmpuint (LOCAL (f, retry_failed_ops, f->scope), ==, 1);
  g_clear_pointer (&ops, g_ptr_array_unref);
  ops = ops_of (f, f->scope);
  op = newest_op (ops, "a");
  g_assert_cmpint (just_sync_pending_op_get_state (op), ==, JUST_SYNC_OP_STATE_QUEUED);
  g_assert_cmpuint (just_sync_pending_op_get_attempts (op), ==, 0);
  g_assert_null (just_sync_pending_op_get_last_error (op));
  g_assert_cmpuint (count_ops (f, f->scope, JUST_SYNC_OP_STATE_FAILED), ==, 0);
  g_assert_cmpuint (count_ops (f, f->scope, JUST_SYNC_OP_STATE_QUEUED), ==, 2);

  /* Rejected again, then discarded: the row keeps its local content. */
  g_clear_pointer (&result, just_sync_apply_result_unref);
  result = commit (f, f->scope,
                   just_sync_push_result_new_failed (just_sync_pending_op_get_seq (op), "a",
                                                     JUST_SYNC_PUSH_REJECTED, "still no", 0),
                   NULL);
  g_assert_cmpuint (LOCAL (f, discard_failed_ops, f->scope), ==, 1);
  g_clear_pointer (&ops, g_ptr_array_unref);
  ops = ops_of (f, f->scope);
  g_assert_null (newest_op (ops, "a"));
  g_assert_nonnull (newest_op (ops, "b"));
  got = get (f, f->scope, "a");
  assert_records_equal (got, a);
  g_assert_cmpuint (count_ops (f, f->scope, JUST_SYNC_OP_STATE_FAILED), ==, 0);
}

static void
local_transient_failures (LocalFixture  *f,
                          gconstpointer  data)
{
  g_autoptr(GPtrArray) queued = upsert (f, f->scope, just_sync_test_record ("a", "{}", T0 + MS),
                                        NULL);
  gint64 seq = just_sync_pending_op_get_seq (g_ptr_array_index (queued, 0));
  g_autoptr(JustSyncApplyResult) retry = NULL;
  g_autoptr(JustSyncApplyResult) precondition = NULL;
  g_autoptr(GPtrArray) ops = NULL;

  retry = commit (f, f->scope,
                  just_sync_push_result_new_failed (seq, "a", JUST_SYNC_PUSH_RETRY, "503", G_USEC_PER_SEC),
                  NULL);
  ops = ops_of (f, f->scope);
  g_assert_cmpuint (ops->len, ==, 1);
  g_assert_cmpint (just_sync_pending_op_get_state (g_ptr_array_index (ops, 0)), ==, JUST_SYNC_OP_STATE_QUEUED);
  g_assert_cmpuint (just_sync_pending_op_get_attempts (g_ptr_array_index (ops, 0)), ==, 1);

  precondition = commit (f, f->scope,
                         just_sync_push_result_new_failed (seq, "a", JUST_SYNC_PUSH_PRECONDITION_FAILED,
                                                           NULL, 0),
                         NULL);
  g_clear_pointer (&ops, g_ptr_array_unref);
  ops = ops_of (f, f->scope);
  g_assert_cmpuint (ops->len, ==, 1);
  g_assert_cmpint (just_sync_pending_op_get_state (g_ptr_array_index (ops, 0)), ==, JUST_SYNC_OP_STATE_QUEUED);
  g_assert_cmpuint (count_ops (f, f->scope, JUST_SYNC_OP_STATE_FAILED), ==, 0);
}

static void
local_apply_insert (LocalFixture  *f,
                    gconstpointer  data)
{
  g_autoptr(JustSyncRecord) a = just_sync_test_record ("a", "{\"title\":\"A\"}", T0 + MS);
  g_autoptr(JustSyncRecord) b = just_sync_test_record ("b", "{\"title\":\"B\"}", T0 + 2 * MS);
  g_autoptr(JustSyncApplyResult) result =
    apply (f, f->scope,
           just_sync_test_delta (T0, just_sync_record_ref (a), just_sync_record_ref (b),
                                 just_sync_test_tombstone ("c", T0 + 3 * MS), NULL),
           f->lww);
  g_autoptr(GPtrArray) records = LOCAL (f, query, f->scope);
  g_autoptr(GPtrArray) ops = ops_of (f, f->scope);
  g_autoptr(JustSyncSyncPoint) point = LOCAL (f, get_sync_point, f->scope);
  g_autoptr(JustSyncRecord) c = get (f, f->scope, "c");

  g_assert_cmpuint (just_sync_apply_result_get_count (result, JUST_SYNC_APPLY_INSERTED), ==, 2);
  g_assert_cmpuint (just_sync_apply_result_get_conflicts (result)->len, ==, 0);
  assert_changed (f, f->scope, "a", "b", NULL);
  assert_ids (records, "a", "b", NULL);
  assert_records_equal (g_ptr_array_index (records, 0), a);
  assert_records_equal (g_ptr_array_index (records, 1), b);
  g_assert_true (c == NULL || just_sync_record_is_deleted (c));
  g_assert_cmpuint (ops->len, ==, 0);
  g_assert_nonnull (point);
  g_assert_cmpint (just_sync_sync_point_get_updated_at (point), ==, T0 + 3 * MS);
  g_assert_cmpstr (just_sync_sync_point_get_last_id (point), ==, "c");
}

static void
local_apply_skips_base (LocalFixture  *f,
                        gconstpointer  data)
{
  g_autoptr(JustSyncRecord) a = just_sync_test_record ("a", "{\"title\":\"A\"}", T0 + MS);
  g_autoptr(JustSyncApplyResult) result = NULL;
  g_autoptr(JustSyncRecord) got = NULL;

  pull_row (f, f->scope, just_sync_record_ref (a));
  result = apply_row (f, f->scope, just_sync_record_ref (a), f->lww);
  g_assert_cmpuint (just_sync_apply_result_get_count (result, JUST_SYNC_APPLY_SKIPPED), ==, 1);
  assert_unchanged (f);
  got = get (f, f->scope, "a");
  assert_records_equal (got, a);
}

static void
local_apply_replaces_older (LocalFixture  *f,
                            gconstpointer  data)
{
  g_autoptr(JustSyncRecord) older =
    just_sync_test_record ("a", "{\"title\":\"older\"}", T0 + 100 * MS);
  g_autoptr(JustSyncApplyResult) replaced = NULL;
  g_autoptr(JustSyncApplyResult) deleted = NULL;
  g_autoptr(JustSyncRecord) got = NULL;
  g_autoptr(GPtrArray) records = NULL;

  /* A pull shows the server's current state, even with an older stamp. */
  pull_row (f, f->scope, just_sync_test_record ("a", "{\"title\":\"newer\"}", T0 + 200 * MS));
  replaced = apply_row (f, f->scope, just_sync_record_ref (older), f->lww);
  g_assert_cmpuint (just_sync_apply_result_get_count (replaced, JUST_SYNC_APPLY_REPLACED), ==, 1);
  assert_changed (f, f->scope, "a", NULL);
  got = get (f, f->scope, "a");
  assert_records_equal (got, older);
  g_clear_pointer (&got, just_sync_record_unref);

  deleted = apply_row (f, f->scope, just_sync_test_tombstone ("a", T0 + 300 * MS), f->lww);
  g_assert_cmpuint (just_sync_apply_result_get_count (deleted, JUST_SYNC_APPLY_DELETED), ==, 1);
  assert_changed (f, f->scope, "a", NULL);
  records = LOCAL (f, query, f->scope);
  g_assert_cmpuint (records->len, ==, 0);
  got = get (f, f->scope, "a");
  g_assert_true (got == NULL || just_sync_record_is_deleted (got));
}

/* A re-read of the version a local change was made on is not a conflict
 * and not an echo, even when it holds every member the change has. */
static void
local_apply_skips_base_of_pending_op (LocalFixture  *f,
                                      gconstpointer  data)
{
  g_autoptr(JustSyncRecord) base =
    just_sync_test_record ("a", "{\"title\":\"x\",\"note\":\"n\"}", T0 + MS);
  g_autoptr(JustSyncRecord) edit = just_sync_test_record ("a", "{\"title\":\"y\"}", T0 + 2 * MS);
  g_autoptr(JustSyncRecord) removal = just_sync_test_record ("a", "{\"title\":\"x\"}", T0 + 3 * MS);
  JustSyncRecord *edits[] = { edit, removal };

  pull_row (f, f->scope, just_sync_record_ref (base));

  for (guint i = 0; i < G_N_ELEMENTS (edits); i++)
    {
      JustSyncRecord *local = edits[i];
      g_autoptr(GPtrArray) queued = upsert (f, f->scope, just_sync_record_ref (local), NULL);
      g_autoptr(JustSyncApplyResult) result = NULL;
      g_autoptr(GPtrArray) ops = NULL;
      g_autoptr(GPtrArray) conflicts = NULL;
      g_autoptr(JustSyncRecord) got = NULL;

      assert_version (just_sync_pending_op_get_base_version (g_ptr_array_index (queued, 0)), base);
      g_ptr_array_set_size (f->changes, 0);

      result = apply_row (f, f->scope, just_sync_record_ref (base), f->lww);
      g_assert_cmpuint (just_sync_apply_result_get_count (result, JUST_SYNC_APPLY_SKIPPED), ==, 1);
      g_assert_cmpuint (just_sync_apply_result_get_count (result, JUST_SYNC_APPLY_ACKNOWLEDGED), ==, 0);
      assert_unchanged (f);

      assert_change_waits (f, local, base);
      conflicts = LOCAL (f, list_conflicts, f->scope);
      g_assert_cmpuint (conflicts->len, ==, 0);
    }
}

static void
local_apply_acknowledges_echo (LocalFixture  *f,
                               gconstpointer  data)
{
  /* The server added a member of its own and stamped the write. */
  g_autoptr(JustSyncRecord) echo =
    just_sync_test_record ("a", "{\"title\":\"x\",\"created\":\"today\"}", T0 + 5 * MS);
  g_autoptr(GPtrArray) queued =
    upsert (f, f->scope, just_sync_test_record ("a", "{\"title\":\"x\"}", T0 + 2 * MS), NULL);
  g_autoptr(JustSyncApplyResult) result = NULL;
  g_autoptr(JustSyncApplyResult) again = NULL;
  g_autoptr(GPtrArray) ops = NULL;
  g_autoptr(GPtrArray) conflicts = NULL;
  g_autoptr(JustSyncRecord) got = NULL;

  send_lost (f, f->scope, queued);
  settle ();
  g_ptr_array_set_size (f->changes, 0);
  result = apply_row (f, f->scope, just_sync_record_ref (echo), f->lww);
  g_assert_cmpuint (just_sync_apply_result_get_count (result, JUST_SYNC_APPLY_ACKNOWLEDGED), ==, 1);
  g_assert_cmpuint (just_sync_apply_result_get_conflicts (result)->len, ==, 0);
  assert_changed (f, f->scope, "a", NULL);

  ops = ops_of (f, f->scope);
  g_assert_cmpuint (ops->len, ==, 0);
  got = get (f, f->scope, "a");
  assert_records_equal (got, echo);
  conflicts = LOCAL (f, list_conflicts, f->scope);
  g_assert_cmpuint (conflicts->len, ==, 0);

  again = apply_row (f, f->scope, just_sync_record_ref (echo), f->lww);
  g_assert_cmpuint (just_sync_apply_result_get_count (again, JUST_SYNC_APPLY_SKIPPED), ==, 1);
  assert_unchanged (f);
}

/* The echo of a pushed change arrives after the user changed the record
 * again: the newer change survives, rebased on the echo. */
static void
local_apply_echo_keeps_newer_op (LocalFixture  *f,
                                 gconstpointer  data)
{
  g_autoptr(JustSyncRecord) v2 = just_sync_test_record ("a", "{\"title\":\"2\"}", T0 + 10 * MS);
  g_autoptr(JustSyncRecord) echo1 =
    just_sync_test_record ("a", "{\"title\":\"1\",\"created\":\"today\"}", T0 + 5 * MS);
  g_autoptr(JustSyncRecord) echo2 =
    just_sync_test_record ("a", "{\"title\":\"2\",\"created\":\"today\"}", T0 + 11 * MS);
  g_autoptr(GPtrArray) q1 =
    upsert (f, f->scope, just_sync_test_record ("a", "{\"title\":\"1\"}", T0 + 2 * MS), NULL);
  g_autoptr(GPtrArray) q2 = upsert (f, f->scope, just_sync_record_ref (v2), NULL);
  g_autoptr(JustSyncApplyResult) first = NULL;
  g_autoptr(JustSyncApplyResult) second = NULL;
  g_autoptr(GPtrArray) ops = NULL;
  g_autoptr(JustSyncRecord) got = NULL;

  /* Both were sent (the first, then the second while the first's reply
   * was lost). */
  send_lost (f, f->scope, q1);
  send_lost (f, f->scope, q2);
  first = apply_row (f, f->scope, just_sync_record_ref (echo1), f->lww);
  assert_change_waits (f, v2, echo1);

  second = apply_row (f, f->scope, just_sync_record_ref (echo2), f->lww);
  g_assert_cmpuint (just_sync_apply_result_get_count (second, JUST_SYNC_APPLY_ACKNOWLEDGED), ==, 1);
  ops = ops_of (f, f->scope);
  g_assert_cmpuint (ops->len, ==, 0);
  got = get (f, f->scope, "a");
  assert_records_equal (got, echo2);
}

/* Only a change that was sent can have an echo: a new server version that
 * merely holds every member of an unsent change (which removed a member)
 * is another writer's, and goes to the resolver. */
static void
local_apply_unsent_change_has_no_echo (LocalFixture  *f,
                                       gconstpointer  data)
{
  g_autoptr(JustSyncRecord) base =
    just_sync_test_record ("a", "{\"title\":\"x\",\"note\":\"n\"}", T0 + MS);
  g_autoptr(JustSyncRecord) removal = just_sync_test_record ("a", "{\"title\":\"x\"}", T0 + 2 * MS);
  g_autoptr(JustSyncRecord) other =
    just_sync_test_record ("a", "{\"title\":\"x\",\"note\":\"m\"}", T0 + 3 * MS);
  g_autoptr(GPtrArray) queued = NULL;
  g_autoptr(JustSyncApplyResult) result = NULL;
  g_autoptr(GPtrArray) conflicts = NULL;

  pull_row (f, f->scope, just_sync_record_ref (base));
  queued = upsert (f, f->scope, just_sync_record_ref (removal), NULL);
  result = apply_row (f, f->scope, just_sync_record_ref (other), f->lww);
  g_assert_cmpuint (just_sync_apply_result_get_count (result, JUST_SYNC_APPLY_ACKNOWLEDGED), ==, 0);
  conflicts = LOCAL (f, list_conflicts, f->scope);
  g_assert_cmpuint (conflicts->len, ==, 1);
}

/* A local change made on a pulled base version, then another version of
 * the row from the server: a real conflict. */
static JustSyncApplyResult *
apply_conflicting (LocalFixture             *f,
                   JustSyncRecord           *local,
                   JustSyncRecord           *remote,
                   JustSyncConflictResolver *resolver)
{
  const char *id = just_sync_record_get_id (local);
  g_autoptr(GPtrArray) queued = NULL;

  pull_row (f, f->scope, just_sync_test_record (id, "{\"title\":\"base\"}", T0 + MS));
  queued = upsert (f, f->scope, just_sync_record_ref (local), NULL);
  g_ptr_array_set_size (f->changes, 0);
  return apply_row (f, f->scope, just_sync_record_ref (remote), resolver);
}

/* The store recorded exactly one conflict, with both sides. */
static void
assert_one_conflict (LocalFixture       *f,
                     JustSyncResolution  resolution,
                     JustSyncRecord     *local,
                     JustSyncRecord     *remote)
{
  g_autoptr(GPtrArray) conflicts = LOCAL (f, list_conflicts, f->scope);
  JustSyncConflict *conflict;

  g_assert_cmpuint (conflicts->len, ==, 1);
  conflict = g_ptr_array_index (conflicts, 0);
  g_assert_cmpstr (just_sync_conflict_get_record_id (conflict), ==, just_sync_record_get_id (local));
  g_assert_cmpint (just_sync_conflict_get_resolution (conflict), ==, resolution);
  assert_records_equal (just_sync_conflict_get_local (conflict), local);
  assert_records_equal (just_sync_conflict_get_remote (conflict), remote);
  assert_records_equal (just_sync_conflict_get_loser (conflict),
                        resolution == JUST_SYNC_RESOLUTION_LOCAL ? remote : local);
  g_assert_cmpint (just_sync_conflict_get_resolved_at (conflict), >, 0);
}

static void
local_apply_conflict_remote_wins (LocalFixture  *f,
                                  gconstpointer  data)
{
  g_autoptr(JustSyncRecord) local =
    just_sync_test_record ("a", "{\"title\":\"local\"}", T0 + 2 * MS);
  g_autoptr(JustSyncRecord) remote =
    just_sync_test_record ("a", "{\"title\":\"remote\"}", T0 + 3 * MS);
  g_autoptr(JustSyncApplyResult) result = apply_conflicting (f, local, remote, f->lww);
  g_autoptr(GPtrArray) ops = NULL;
  g_autoptr(JustSyncRecord) got = NULL;

  g_assert_cmpuint (just_sync_apply_result_get_count (result, JUST_SYNC_APPLY_REPLACED), ==, 1);
  g_assert_cmpuint (just_sync_apply_result_get_conflicts (result)->len, ==, 1);
  assert_changed (f, f->scope, "a", NULL);

  ops = ops_of (f, f->scope);
  g_assert_cmpuint (ops->len, ==, 0);
  got = get (f, f->scope, "a");
  assert_records_equal (got, remote);
  assert_one_conflict (f, JUST_SYNC_RESOLUTION_REMOTE, local, remote);
}

static void
local_apply_conflict_local_wins (LocalFixture  *f,
                                 gconstpointer  data)
{
  g_autoptr(JustSyncRecord) local =
    just_sync_test_record ("a", "{\"title\":\"local\"}", T0 + 5 * MS);
  g_autoptr(JustSyncRecord) remote =
    just_sync_test_record ("a", "{\"title\":\"remote\"}", T0 + 3 * MS);
  g_autoptr(JustSyncApplyResult) result = apply_conflicting (f, local, remote, f->lww);
  g_autoptr(JustSyncApplyResult) again = NULL;
  g_autoptr(GPtrArray) ops = NULL;
  g_autoptr(JustSyncRecord) got = NULL;

  g_assert_cmpuint (just_sync_apply_result_get_count (result, JUST_SYNC_APPLY_SKIPPED), ==, 1);
  g_assert_cmpuint (just_sync_apply_result_get_conflicts (result)->len, ==, 1);
  assert_unchanged (f);

  /* The local change waits, now made on top of the remote version. */
  assert_change_waits (f, local, remote);
  assert_one_conflict (f, JUST_SYNC_RESOLUTION_LOCAL, local, remote);

  /* Re-reading the version that lost is not a second conflict. */
  again = apply_row (f, f->scope, just_sync_record_ref (remote), f->lww);
  g_assert_cmpuint (just_sync_apply_result_get_conflicts (again)->len, ==, 0);
  assert_one_conflict (f, JUST_SYNC_RESOLUTION_LOCAL, local, remote);
}

/* The store asks the resolver it is given, with (local, remote). */
static void
local_apply_asks_resolver (LocalFixture  *f,
                           gconstpointer  data)
{
  static const struct {
    JustSyncResolution answer;
    gint64 local_at;
    gint64 remote_at;
  } cases[] = {
    /* Against last-write-wins, both ways. */
    { JUST_SYNC_RESOLUTION_LOCAL, T0 + 2 * MS, T0 + 9 * MS },
    { JUST_SYNC_RESOLUTION_REMOTE, T0 + 9 * MS, T0 + 2 * MS },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *id = g_strdup_printf ("r%u", i);
      g_autoptr(TestFixedResolver) resolver = test_fixed_resolver_new (cases[i].answer);
      g_autoptr(JustSyncRecord) local =
        just_sync_test_record (id, "{\"side\":\"local\"}", cases[i].local_at);
      g_autoptr(JustSyncRecord) remote =
        just_sync_test_record (id, "{\"side\":\"remote\"}", cases[i].remote_at);
      g_autoptr(JustSyncApplyResult) result = NULL;
      g_autoptr(JustSyncRecord) got = NULL;
      g_autoptr(GPtrArray) ops = NULL;
      GPtrArray *conflicts;

      result = apply_conflicting (f, local, remote, JUST_SYNC_CONFLICT_RESOLVER (resolver));
      assert_records_equal (test_fixed_resolver_get_last_local (resolver), local);
      assert_records_equal (test_fixed_resolver_get_last_remote (resolver), remote);
      conflicts = just_sync_apply_result_get_conflicts (result);
      g_assert_cmpuint (conflicts->len, ==, 1);
      g_assert_cmpint (just_sync_conflict_get_resolution (g_ptr_array_index (conflicts, 0)), ==,
                       cases[i].answer);
      got = get (f, f->scope, id);
      assert_records_equal (got, cases[i].answer == JUST_SYNC_RESOLUTION_LOCAL ? local : remote);
      ops = ops_of (f, f->scope);
      g_assert_true ((newest_op (ops, id) != NULL) == (cases[i].answer == JUST_SYNC_RESOLUTION_LOCAL));
    }
}

/* Equal stamps: the remote version wins, on every client alike. */
static void
local_apply_conflict_equal_stamps (LocalFixture  *f,
                                   gconstpointer  data)
{
  g_autoptr(JustSyncRecord) local =
    just_sync_test_record ("a", "{\"title\":\"local\"}", T0 + 3 * MS);
  g_autoptr(JustSyncRecord) remote =
    just_sync_test_record ("a", "{\"title\":\"remote\"}", T0 + 3 * MS);
  g_autoptr(JustSyncApplyResult) result = apply_conflicting (f, local, remote, f->lww);
  g_autoptr(JustSyncRecord) got = get (f, f->scope, "a");

  assert_records_equal (got, remote);
  assert_one_conflict (f, JUST_SYNC_RESOLUTION_REMOTE, local, remote);
}

/* Issue 11: an unsent local delete meeting another client's delete is no
 * disagreement: no conflict is recorded or announced, the delete is done. */
static void
local_apply_both_deleted_is_silent (LocalFixture  *f,
                                    gconstpointer  data)
{
  static const char * const ids[] = { "a", NULL };
  g_autoptr(JustSyncRecord) tombstone = just_sync_test_tombstone ("a", T0 + 7 * MS);
  g_autoptr(GPtrArray) queued = NULL;
  g_autoptr(JustSyncApplyResult) result = NULL;
  g_autoptr(GPtrArray) conflicts = NULL;
  g_autoptr(GPtrArray) ops = NULL;
  g_autoptr(JustSyncRecord) got = NULL;

  pull_row (f, f->scope, just_sync_test_record ("a", "{\"title\":\"base\"}", T0 + MS));
  queued = delete_ids (f, f->scope, ids, T0 + 2 * MS);
  result = apply_row (f, f->scope, just_sync_record_ref (tombstone), f->lww);
  g_assert_cmpuint (just_sync_apply_result_get_conflicts (result)->len, ==, 0);
  g_assert_cmpuint (just_sync_apply_result_get_count (result, JUST_SYNC_APPLY_ACKNOWLEDGED), ==, 1);

  conflicts = LOCAL (f, list_conflicts, f->scope);
  g_assert_cmpuint (conflicts->len, ==, 0);
  ops = ops_of (f, f->scope);
  g_assert_cmpuint (ops->len, ==, 0);
  got = get (f, f->scope, "a");
  g_assert_true (just_sync_record_is_deleted (got));
}

/* Issue 11: the same content on both sides is no disagreement either. */
static void
local_apply_same_content_is_silent (LocalFixture  *f,
                                    gconstpointer  data)
{
  g_autoptr(TestFixedResolver) resolver = test_fixed_resolver_new (JUST_SYNC_RESOLUTION_LOCAL);
  g_autoptr(JustSyncRecord) remote =
    just_sync_test_record ("a", "{\"title\":\"same\",\"n\":1}", T0 + 7 * MS);
  g_autoptr(GPtrArray) queued = NULL;
  g_autoptr(JustSyncApplyResult) result = NULL;
  g_autoptr(GPtrArray) conflicts = NULL;
  g_autoptr(GPtrArray) ops = NULL;
  g_autoptr(JustSyncRecord) got = NULL;

  pull_row (f, f->scope, just_sync_test_record ("a", "{\"title\":\"base\"}", T0 + MS));
  queued = upsert (f, f->scope, just_sync_test_record ("a", "{\"n\":1,\"title\":\"same\"}", T0 + 2 * MS),
                   NULL);
  result = apply_row (f, f->scope, just_sync_record_ref (remote),
                      JUST_SYNC_CONFLICT_RESOLVER (resolver));
  g_assert_cmpuint (test_fixed_resolver_get_calls (resolver), ==, 0);
  g_assert_cmpuint (just_sync_apply_result_get_conflicts (result)->len, ==, 0);

  conflicts = LOCAL (f, list_conflicts, f->scope);
  g_assert_cmpuint (conflicts->len, ==, 0);
  ops = ops_of (f, f->scope);
  g_assert_cmpuint (ops->len, ==, 0);
  got = get (f, f->scope, "a");
  assert_records_equal (got, remote);
}

static void
assert_sync_point (LocalFixture *f,
                   gint64        updated_at,
                   const char   *last_id)
{
  g_autoptr(JustSyncSyncPoint) point = LOCAL (f, get_sync_point, f->scope);

  g_assert_nonnull (point);
  g_assert_cmpint (just_sync_sync_point_get_updated_at (point), ==, updated_at);
  g_assert_cmpstr (just_sync_sync_point_get_last_id (point), ==, last_id);
}

static void
local_apply_sync_point_forward (LocalFixture  *f,
                                gconstpointer  data)
{
  g_autoptr(JustSyncRecord) late = NULL;
  g_autoptr(JustSyncApplyResult) page = NULL;
  g_autoptr(JustSyncApplyResult) empty = NULL;

  pull_row (f, f->scope, just_sync_test_record ("a", "{}", T0 + 100 * MS));
  assert_sync_point (f, T0 + 100 * MS, "a");
  page = apply (f, f->scope,
                just_sync_test_delta (T0, just_sync_test_record ("b", "{}", T0 + 200 * MS),
                                      just_sync_test_record ("c", "{}", T0 + 300 * MS), NULL),
                f->lww);
  assert_sync_point (f, T0 + 300 * MS, "c");

  /* An overlap re-read or a late commit: applied, the point stays. */
  pull_row (f, f->scope, just_sync_test_record ("late", "{}", T0 + 150 * MS));
  assert_sync_point (f, T0 + 300 * MS, "c");
  late = get (f, f->scope, "late");
  g_assert_nonnull (late);

  /* An empty page leaves it too. */
  empty = apply (f, f->scope, just_sync_delta_new (T0 + 400 * MS), f->lww);
  assert_sync_point (f, T0 + 300 * MS, "c");

  /* Same stamp: the id breaks the tie. */
  pull_row (f, f->scope, just_sync_test_record ("b2", "{}", T0 + 300 * MS));
  assert_sync_point (f, T0 + 300 * MS, "c");
  pull_row (f, f->scope, just_sync_test_record ("d", "{}", T0 + 300 * MS));
  assert_sync_point (f, T0 + 300 * MS, "d");
}

static void
local_commit_acknowledges (LocalFixture  *f,
                           gconstpointer  data)
{
  g_autoptr(JustSyncRecord) reply =
    just_sync_test_record ("a", "{\"title\":\"x\",\"created\":\"today\"}", T0 + 5 * MS);
  g_autoptr(GPtrArray) queued =
    upsert (f, f->scope, just_sync_test_record ("a", "{\"title\":\"x\"}", T0 + 2 * MS), NULL);
  gint64 seq = just_sync_pending_op_get_seq (g_ptr_array_index (queued, 0));
  g_autoptr(JustSyncApplyResult) result = NULL;
  g_autoptr(JustSyncApplyResult) echo = NULL;
  g_autoptr(GPtrArray) ops = NULL;
  g_autoptr(JustSyncRecord) got = NULL;

  g_ptr_array_set_size (f->changes, 0);
  result = commit (f, f->scope, just_sync_push_result_new_written (seq, reply), NULL);
  g_assert_cmpuint (just_sync_apply_result_get_count (result, JUST_SYNC_APPLY_ACKNOWLEDGED), ==, 1);
  assert_changed (f, f->scope, "a", NULL);
  ops = ops_of (f, f->scope);
  g_assert_cmpuint (ops->len, ==, 0);
  got = get (f, f->scope, "a");
  assert_records_equal (got, reply);

  /* The echo of our own write in the next pull is a no-op. */
  echo = apply_row (f, f->scope, just_sync_record_ref (reply), f->lww);
  g_assert_cmpuint (just_sync_apply_result_get_count (echo, JUST_SYNC_APPLY_SKIPPED), ==, 1);
  g_assert_cmpuint (just_sync_apply_result_get_conflicts (echo)->len, ==, 0);
  assert_unchanged (f);
}

static void
local_commit_keeps_newer_op (LocalFixture  *f,
                             gconstpointer  data)
{
  g_autoptr(JustSyncRecord) v2 = just_sync_test_record ("a", "{\"title\":\"2\"}", T0 + 3 * MS);
  g_autoptr(JustSyncRecord) reply1 = just_sync_test_record ("a", "{\"title\":\"1\"}", T0 + 5 * MS);
  g_autoptr(JustSyncRecord) reply2 = just_sync_test_record ("a", "{\"title\":\"2\"}", T0 + 6 * MS);
  g_autoptr(GPtrArray) q1 =
    upsert (f, f->scope, just_sync_test_record ("a", "{\"title\":\"1\"}", T0 + 2 * MS), NULL);
  g_autoptr(GPtrArray) q2 = upsert (f, f->scope, just_sync_record_ref (v2), NULL);
  g_autoptr(JustSyncApplyResult) r1 = NULL;
  g_autoptr(JustSyncApplyResult) r2 = NULL;
  g_autoptr(GPtrArray) ops = NULL;
  g_autoptr(JustSyncRecord) got = NULL;
  gint64 seq;

  r1 = commit (f, f->scope,
               just_sync_push_result_new_written (just_sync_pending_op_get_seq (g_ptr_array_index (q1, 0)),
                                                  reply1),
               NULL);
  seq = assert_change_waits (f, v2, reply1);

  r2 = commit (f, f->scope, just_sync_push_result_new_written (seq, reply2), NULL);
  ops = ops_of (f, f->scope);
  g_assert_cmpuint (ops->len, ==, 0);
  got = get (f, f->scope, "a");
  assert_records_equal (got, reply2);
}

static void
local_commit_delete (LocalFixture  *f,
                     gconstpointer  data)
{
  g_autoptr(JustSyncRecord) reply = just_sync_test_tombstone ("a", T0 + 5 * MS);
  g_autoptr(GPtrArray) queued = NULL;
  g_autoptr(JustSyncApplyResult) result = NULL;
  g_autoptr(GPtrArray) ops = NULL;
  g_autoptr(GPtrArray) records = NULL;
  g_autoptr(JustSyncRecord) got = NULL;

  pull_row (f, f->scope, just_sync_test_record ("a", "{\"title\":\"A\"}", T0 + MS));
  queued = delete_ids (f, f->scope, (const char * const[]) { "a", NULL }, T0 + 4 * MS);
  result = commit (f, f->scope,
                   just_sync_push_result_new_written (just_sync_pending_op_get_seq (g_ptr_array_index (queued, 0)),
                                                      reply),
                   NULL);
  ops = ops_of (f, f->scope);
  g_assert_cmpuint (ops->len, ==, 0);
  records = LOCAL (f, query, f->scope);
  g_assert_cmpuint (records->len, ==, 0);
  got = get (f, f->scope, "a");
  g_assert_true (got == NULL || just_sync_record_is_deleted (got));
}

static void
local_prune_missing (LocalFixture  *f,
                     gconstpointer  data)
{
  g_autoptr(JustSyncApplyResult) page =
    apply (f, f->scope,
           just_sync_test_delta (T0,
                                 just_sync_test_record ("a", "{}", T0 + MS),
                                 just_sync_test_record ("b", "{}", T0 + 2 * MS),
                                 just_sync_test_record ("c", "{}", T0 + 3 * MS),
                                 just_sync_test_record ("e", "{}", T0 + 4 * MS),
                                 NULL),
           f->lww);
  g_autoptr(GPtrArray) local_only = upsert (f, f->scope,
                                            just_sync_test_record ("d", "{}", T0 + 5 * MS), NULL);
  g_autoptr(GPtrArray) edited =
    upsert (f, f->scope, just_sync_test_record ("e", "{\"edited\":true}", T0 + 6 * MS), NULL);
  g_autoptr(GPtrArray) records = NULL;
  g_autoptr(JustSyncRecord) b = NULL;

  g_ptr_array_set_size (f->changes, 0);
  g_assert_cmpuint (LOCAL (f, prune_missing, f->scope, (const char * const[]) { "a", NULL }), ==, 2);
  assert_changed (f, f->scope, "b", "c", NULL);

  /* Rows with a pending change stay, whatever the server's list says. */
  records = LOCAL (f, query, f->scope);
  assert_ids (records, "a", "d", "e", NULL);
  b = get (f, f->scope, "b");
  g_assert_null (b);
}

static void
local_bad_input (LocalFixture  *f,
                 gconstpointer  data)
{
  g_autoptr(GPtrArray) written = upsert (f, f->scope, just_sync_test_record ("a", "{}", T0 + MS),
                                         NULL);
  g_autoptr(GPtrArray) with_tombstone =
    just_sync_test_records (just_sync_test_record ("x", "{}", T0 + MS),
                            just_sync_test_tombstone ("y", T0 + MS),
                            NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) ops = NULL;
  g_autoptr(JustSyncRecord) got = NULL;

  g_ptr_array_set_size (f->changes, 0);

  /* A tombstone is written with a delete; nothing of the batch lands. */
  ops = JUST_SYNC_TEST_AWAIT (just_sync_local_store_upsert_many, f->store, &error,
                              f->scope, with_tombstone);
  g_assert_error (error, JUST_SYNC_ERROR, JUST_SYNC_ERROR_INVALID_ARGUMENT);
  g_assert_null (ops);
  g_clear_error (&error);
  got = get (f, f->scope, "x");
  g_assert_null (got);

  /* An empty id: nothing of the batch is deleted. */
  ops = JUST_SYNC_TEST_AWAIT (just_sync_local_store_delete_many, f->store, &error,
                              f->scope, (const char * const[]) { "a", "", NULL }, T0 + 2 * MS);
  g_assert_error (error, JUST_SYNC_ERROR, JUST_SYNC_ERROR_INVALID_ARGUMENT);
  g_assert_null (ops);
  got = get (f, f->scope, "a");
  g_assert_nonnull (got);
  g_assert_false (just_sync_record_is_deleted (got));

  ops = ops_of (f, f->scope);
  g_assert_cmpuint (ops->len, ==, 1);
  assert_unchanged (f);
}

static void
local_empty_writes (LocalFixture  *f,
                    gconstpointer  data)
{
  g_autoptr(GPtrArray) none = g_ptr_array_new ();
  g_autoptr(GPtrArray) upserted = LOCAL (f, upsert_many, f->scope, none);
  g_autoptr(GPtrArray) deleted = LOCAL (f, delete_many, f->scope, (const char * const[]) { NULL }, T0);
  g_autoptr(GPtrArray) ops = ops_of (f, f->scope);

  g_assert_cmpuint (upserted->len, ==, 0);
  g_assert_cmpuint (deleted->len, ==, 0);
  g_assert_cmpuint (ops->len, ==, 0);
  assert_unchanged (f);
}

/* A cancel before a write starts stops it; one that comes once the write
 * started changes nothing: the write is atomic, and its result says what
 * happened, so a caller is never told that a stored write failed. */
/* Marking a batch sent before the push goes out counts one attempt for
 * each of its ops, and no other: then the echo of the push, even when its
 * reply never came back, is recognized as ours. */
static void
local_mark_ops_sent (LocalFixture  *f,
                     gconstpointer  data)
{
  g_autoptr(JustSyncRecord) echo =
    just_sync_test_record ("a", "{\"title\":\"x\",\"created\":\"today\"}", T0 + 5 * MS);
  g_autoptr(GPtrArray) queued =
    upsert (f, f->scope, just_sync_test_record ("a", "{\"title\":\"x\"}", T0 + MS),
            just_sync_test_record ("b", "{\"title\":\"y\"}", T0 + MS), NULL);
  g_autoptr(GPtrArray) batch = just_sync_test_ops_new ();
  g_autoptr(GPtrArray) ops = NULL;
  g_autoptr(GPtrArray) after = NULL;
  g_autoptr(JustSyncApplyResult) result = NULL;
  gboolean ok;

  g_ptr_array_add (batch, just_sync_pending_op_ref (g_ptr_array_index (queued, 0)));
  ok = LOCAL (f, mark_ops_sent, f->scope, batch);
  g_assert_true (ok);

  ops = ops_of (f, f->scope);
  g_assert_cmpuint (ops->len, ==, 2);
  g_assert_cmpuint (just_sync_pending_op_get_attempts (g_ptr_array_index (ops, 0)), ==, 1);
  g_assert_cmpuint (just_sync_pending_op_get_attempts (g_ptr_array_index (ops, 1)), ==, 0);
  g_assert_cmpint (just_sync_pending_op_get_state (g_ptr_array_index (ops, 0)), ==,
                   JUST_SYNC_OP_STATE_QUEUED);

  result = apply_row (f, f->scope, just_sync_record_ref (echo), f->lww);
  g_assert_cmpuint (just_sync_apply_result_get_count (result, JUST_SYNC_APPLY_ACKNOWLEDGED), ==, 1);
  g_assert_cmpuint (just_sync_apply_result_get_conflicts (result)->len, ==, 0);
  after = ops_of (f, f->scope);
  g_assert_cmpuint (after->len, ==, 1);
  g_assert_cmpstr (just_sync_pending_op_get_record_id (g_ptr_array_index (after, 0)), ==, "b");
}

/* Issue 10: a finish checks that the result is its own method's, and a
 * lookup honours a cancel like every other call. */
static void
local_finish_checks_source_tag (LocalFixture  *f,
                                gconstpointer  data)
{
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) ops = NULL;
  g_autoptr(JustSyncRecord) got = NULL;
  GAsyncResult *pending = NULL;

  just_sync_local_store_query_async (f->store, f->scope, NULL, just_sync_test_result_cb, &pending);
  result = just_sync_test_await (&pending);
  g_test_expect_message (G_LOG_DOMAIN, G_LOG_LEVEL_CRITICAL, "*g_async_result_is_tagged*");
  ops = just_sync_local_store_list_pending_ops_finish (f->store, result, &error);
  g_test_assert_expected_messages ();
  g_assert_null (ops);
  g_test_expect_message (G_LOG_DOMAIN, G_LOG_LEVEL_CRITICAL, "*g_async_result_is_tagged*");
  got = just_sync_local_store_get_finish (f->store, result, &error);
  g_test_assert_expected_messages ();
  g_assert_null (got);
  g_assert_no_error (error);

  g_clear_object (&result);
  g_cancellable_cancel (cancellable);
  just_sync_local_store_get_async (f->store, f->scope, "a", cancellable, just_sync_test_result_cb,
                                   &pending);
  result = just_sync_test_await (&pending);
  got = just_sync_local_store_get_finish (f->store, result, &error);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_null (got);
}

static void
local_cancelled (LocalFixture  *f,
                 gconstpointer  data)
{
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GCancellable) later = g_cancellable_new ();
  g_autoptr(GPtrArray) records = just_sync_test_records (just_sync_test_record ("a", "{}", T0),
                                                         NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) ops = NULL;
  g_autoptr(JustSyncRecord) got = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  GAsyncResult *pending = NULL;

  g_cancellable_cancel (cancellable);
  just_sync_local_store_upsert_many_async (f->store, f->scope, records, cancellable,
                                           just_sync_test_result_cb, &pending);
  result = just_sync_test_await (&pending);
  ops = just_sync_local_store_upsert_many_finish (f->store, result, &error);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_null (ops);
  got = get (f, f->scope, "a");
  g_assert_null (got);
  assert_unchanged (f);
  g_clear_error (&error);

  g_clear_object (&result);
  just_sync_local_store_upsert_many_async (f->store, f->scope, records, later,
                                           just_sync_test_result_cb, &pending);
  g_cancellable_cancel (later);
  result = just_sync_test_await (&pending);
  ops = just_sync_local_store_upsert_many_finish (f->store, result, &error);
  got = get (f, f->scope, "a");
  if (ops == NULL)
    {
      g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
      g_assert_null (got);
    }
  else
    {
      g_assert_no_error (error);
      g_assert_cmpuint (ops->len, ==, 1);
      g_assert_nonnull (got);
    }
  g_ptr_array_set_size (f->changes, 0);
}

/* }}} */
/* {{{ Remote store fixture */

typedef struct
{
  const JustSyncTestRemoteStoreContract *contract;
  JustSyncRemoteStore *store;
  JustSyncScope *scope;
  JustSyncScope *other;
  gint64 next_seq;
} RemoteFixture;

#define REMOTE(f, method, ...) \
  JUST_SYNC_TEST_AWAIT_OK (just_sync_remote_store_##method, (f)->store, ##__VA_ARGS__)

/* Enough pages for every case; a store that never stops paging fails. */
#define MAX_PAGES 100

static void
remote_setup (RemoteFixture *f,
              gconstpointer  data)
{
  f->contract = data;
  f->store = f->contract->new_store (f->contract->user_data);
  g_assert_true (JUST_SYNC_IS_REMOTE_STORE (f->store));
  f->scope = random_scope (f->contract->scope_name, f->contract->scope_key);
  f->other = random_scope (f->contract->scope_name, f->contract->scope_key);
  f->next_seq = 1;
}

static void
remote_teardown (RemoteFixture *f,
                 gconstpointer  data)
{
  settle ();
  g_assert_finalize_object (f->store);
  g_clear_pointer (&f->scope, just_sync_scope_unref);
  g_clear_pointer (&f->other, just_sync_scope_unref);
}

static char *
new_id (RemoteFixture *f)
{
  char *id = just_sync_remote_store_generate_id (f->store, f->scope);

  g_assert_nonnull (id);
  g_assert_cmpstr (id, !=, "");
  return id;
}

/* An operation of the kind, on a record with the fields every contract
 * collection has. */
static JustSyncPendingOp *
remote_op (RemoteFixture  *f,
           JustSyncOpKind  kind,
           const char     *id,
           const char     *title,
           int             n)
{
  gint64 now = just_sync_timestamp_now ();
  g_autofree char *json = NULL;

  if (kind == JUST_SYNC_OP_DELETE)
    return just_sync_test_op (f->next_seq++, just_sync_test_tombstone (id, now), NULL);
  json = g_strdup_printf ("{\"title\":\"%s\",\"n\":%d}", title, n);
  return just_sync_test_op (f->next_seq++, just_sync_test_record (id, json, now), NULL);
}

static JustSyncPushResult *
result_for (GPtrArray         *results,
            JustSyncPendingOp *op)
{
  JustSyncPushResult *found = NULL;

  for (guint i = 0; i < results->len; i++)
    {
      JustSyncPushResult *result = g_ptr_array_index (results, i);

      if (just_sync_push_result_get_seq (result) != just_sync_pending_op_get_seq (op))
        continue;
      g_assert_null (found);
      found = result;
    }
  g_assert_nonnull (found);
  g_assert_cmpstr (just_sync_push_result_get_record_id (found), ==, just_sync_pending_op_get_record_id (op));
  return found;
}

/* Pushes @ops and asserts one result for each; with @written, that each was
 * written and the server's reply holds what was sent. */
static GPtrArray *
push (RemoteFixture *f,
      JustSyncScope *scope,
      GPtrArray     *ops,
      gboolean       written)
{
  JustSyncOpKind kind = ops->len > 0 ? just_sync_pending_op_get_kind (g_ptr_array_index (ops, 0))
                                     : JUST_SYNC_OP_UPSERT;
  GPtrArray *results;

  if (kind == JUST_SYNC_OP_UPSERT)
    results = REMOTE (f, batch_upsert, scope, ops);
  else
    results = REMOTE (f, batch_delete, scope, ops);

  g_assert_cmpuint (results->len, ==, ops->len);
  for (guint i = 0; i < ops->len && written; i++)
    {
      JustSyncPendingOp *op = g_ptr_array_index (ops, i);
      JustSyncPushResult *result = result_for (results, op);
      JustSyncRecord *reply = just_sync_push_result_get_reply (result);

      g_assert_cmpint (just_sync_push_result_get_status (result), ==, JUST_SYNC_PUSH_WRITTEN);
      g_assert_nonnull (reply);
      g_assert_cmpstr (just_sync_record_get_id (reply), ==, just_sync_pending_op_get_record_id (op));
      g_assert_cmpint (just_sync_record_get_updated_at (reply), >, 0);
      g_assert_true (just_sync_record_content_covers (reply, just_sync_pending_op_get_record (op)));
    }
  return results;
}

/* Pages through everything after @since, asserting keyset order. */
static GPtrArray *
fetch_all (RemoteFixture     *f,
           JustSyncScope     *scope,
           JustSyncSyncPoint *since,
           guint              limit,
           guint             *out_pages)
{
  GPtrArray *records = g_ptr_array_new_with_free_func ((GDestroyNotify) just_sync_record_unref);
  g_autoptr(JustSyncSyncPoint) cursor = since != NULL ? just_sync_sync_point_ref (since) : NULL;
  gboolean more = TRUE;
  guint pages = 0;

  while (more)
    {
      g_autoptr(JustSyncDelta) delta = REMOTE (f, fetch_since, scope, cursor, limit);
      GPtrArray *page = just_sync_delta_get_records (delta);

      g_assert_cmpuint (++pages, <=, MAX_PAGES);
      g_assert_cmpuint (page->len, <=, limit);
      more = just_sync_delta_get_has_more (delta);
      g_assert_true (page->len > 0 || !more);

      for (guint i = 0; i < page->len; i++)
        {
          JustSyncRecord *record = g_ptr_array_index (page, i);

          if (cursor != NULL)
            g_assert_cmpint (just_sync_sync_point_compare (cursor, just_sync_record_get_updated_at (record),
                                                           just_sync_record_get_id (record)), <, 0);
          g_clear_pointer (&cursor, just_sync_sync_point_unref);
          cursor = just_sync_sync_point_new (just_sync_record_get_updated_at (record),
                                             just_sync_record_get_id (record));
          g_ptr_array_add (records, just_sync_record_ref (record));
        }
    }

  if (out_pages != NULL)
    *out_pages = pages;
  return records;
}

/* Upserts @n records with fresh ids in @scope; returns the ops. */
static GPtrArray *
push_new (RemoteFixture *f,
          JustSyncScope *scope,
          guint          n)
{
  g_autoptr(GPtrArray) ops = just_sync_test_ops_new ();
  g_autoptr(GPtrArray) results = NULL;

  for (guint i = 0; i < n; i++)
    {
      g_autofree char *id = new_id (f);
      g_autofree char *title = g_strdup_printf ("row %u", i);

      g_ptr_array_add (ops, remote_op (f, JUST_SYNC_OP_UPSERT, id, title, (int) i));
    }
  results = push (f, scope, ops, TRUE);
  return g_steal_pointer (&ops);
}

static void
assert_live (GPtrArray      *records,
             JustSyncRecord *expected)
{
  JustSyncRecord *found = just_sync_test_find_record (records, just_sync_record_get_id (expected));

  g_assert_nonnull (found);
  g_assert_false (just_sync_record_is_deleted (found));
  g_assert_true (just_sync_record_content_covers (found, expected));
}

static void
assert_not_live (GPtrArray  *records,
                 const char *id)
{
  JustSyncRecord *found = just_sync_test_find_record (records, id);

  g_assert_true (found == NULL || just_sync_record_is_deleted (found));
}

/* }}} */
/* {{{ Remote store cases */

static void
remote_upsert_fetch (RemoteFixture *f,
                     gconstpointer  data)
{
  g_autoptr(GPtrArray) ops = push_new (f, f->scope, 3);
  g_autoptr(GPtrArray) records = fetch_all (f, f->scope, NULL, 100, NULL);

  g_assert_cmpuint (records->len, ==, 3);
  for (guint i = 0; i < ops->len; i++)
    assert_live (records, just_sync_pending_op_get_record (g_ptr_array_index (ops, i)));
}

static void
remote_idempotent_push (RemoteFixture *f,
                        gconstpointer  data)
{
  g_autoptr(GPtrArray) ops = push_new (f, f->scope, 2);
  g_autoptr(GPtrArray) again = push (f, f->scope, ops, TRUE);
  g_autoptr(GPtrArray) changed = just_sync_test_ops_new ();
  g_autoptr(GPtrArray) changed_results = NULL;
  g_autoptr(GPtrArray) records = NULL;
  const char *id = just_sync_pending_op_get_record_id (g_ptr_array_index (ops, 0));
  JustSyncPendingOp *op;

  records = fetch_all (f, f->scope, NULL, 100, NULL);
  g_assert_cmpuint (records->len, ==, 2);

  /* An upsert of an id the server has replaces its content. */
  op = remote_op (f, JUST_SYNC_OP_UPSERT, id, "changed", 42);
  g_ptr_array_add (changed, op);
  changed_results = push (f, f->scope, changed, TRUE);
  g_clear_pointer (&records, g_ptr_array_unref);
  records = fetch_all (f, f->scope, NULL, 100, NULL);
  g_assert_cmpuint (records->len, ==, 2);
  assert_live (records, just_sync_pending_op_get_record (op));
}

/* A patch writes only the fields it names: the server keeps the others,
 * whatever the op's record holds for them. */
static void
remote_patch_keeps_other_fields (RemoteFixture *f,
                                 gconstpointer  data)
{
  g_autoptr(GPtrArray) ops = push_new (f, f->scope, 1);
  JustSyncRecord *created = just_sync_pending_op_get_record (g_ptr_array_index (ops, 0));
  const char *id = just_sync_record_get_id (created);
  g_autoptr(GPtrArray) records = fetch_all (f, f->scope, NULL, 100, NULL);
  g_autofree char *base = just_sync_record_dup_version (just_sync_test_find_record (records, id));
  g_autoptr(JustSyncRecord) stale = just_sync_test_record (id, "{\"title\":\"patched\",\"n\":99}",
                                                           just_sync_timestamp_now ());
  g_autoptr(JustSyncRecord) expected = just_sync_test_record (id, "{\"title\":\"patched\",\"n\":0}", 1);
  g_autoptr(GPtrArray) patches = just_sync_test_ops_new ();
  g_autoptr(GPtrArray) results = NULL;
  const char *fields[] = { "title", NULL };
  JustSyncRecord *reply;

  g_ptr_array_add (patches, just_sync_pending_op_new_patch (f->next_seq++, stale, fields, base, 0,
                                                            JUST_SYNC_OP_STATE_QUEUED, NULL));
  results = REMOTE (f, batch_upsert, f->scope, patches);
  g_assert_cmpuint (results->len, ==, 1);
  g_assert_cmpint (just_sync_push_result_get_status (g_ptr_array_index (results, 0)), ==,
                   JUST_SYNC_PUSH_WRITTEN);
  reply = just_sync_push_result_get_reply (g_ptr_array_index (results, 0));
  g_assert_true (just_sync_record_content_covers (reply, expected));

  g_clear_pointer (&records, g_ptr_array_unref);
  records = fetch_all (f, f->scope, NULL, 100, NULL);
  assert_live (records, expected);
}

static void
remote_delete (RemoteFixture *f,
               gconstpointer  data)
{
  g_autoptr(GPtrArray) ops = push_new (f, f->scope, 2);
  const char *gone = just_sync_pending_op_get_record_id (g_ptr_array_index (ops, 0));
  g_autoptr(GPtrArray) deletes = just_sync_test_ops_new ();
  g_autoptr(GPtrArray) results = NULL;
  g_autoptr(GPtrArray) records = NULL;
  JustSyncRecord *reply;

  g_ptr_array_add (deletes, remote_op (f, JUST_SYNC_OP_DELETE, gone, NULL, 0));
  results = push (f, f->scope, deletes, FALSE);
  g_assert_cmpint (just_sync_push_result_get_status (g_ptr_array_index (results, 0)), ==,
                   JUST_SYNC_PUSH_WRITTEN);
  reply = just_sync_push_result_get_reply (g_ptr_array_index (results, 0));
  g_assert_nonnull (reply);
  g_assert_cmpstr (just_sync_record_get_id (reply), ==, gone);
  g_assert_true (just_sync_record_is_deleted (reply));

  records = fetch_all (f, f->scope, NULL, 100, NULL);
  assert_not_live (records, gone);
  assert_live (records, just_sync_pending_op_get_record (g_ptr_array_index (ops, 1)));

  /* Deleting again, or deleting what the server never had, succeeds. */
  g_clear_pointer (&results, g_ptr_array_unref);
  results = push (f, f->scope, deletes, FALSE);
  g_assert_cmpint (just_sync_push_result_get_status (g_ptr_array_index (results, 0)), ==,
                   JUST_SYNC_PUSH_WRITTEN);
}

static void
remote_delete_missing (RemoteFixture *f,
                       gconstpointer  data)
{
  g_autofree char *id = new_id (f);
  g_autoptr(GPtrArray) deletes = just_sync_test_ops_new ();
  g_autoptr(GPtrArray) results = NULL;
  g_autoptr(GPtrArray) records = NULL;

  g_ptr_array_add (deletes, remote_op (f, JUST_SYNC_OP_DELETE, id, NULL, 0));
  results = push (f, f->scope, deletes, FALSE);
  g_assert_cmpint (just_sync_push_result_get_status (g_ptr_array_index (results, 0)), ==,
                   JUST_SYNC_PUSH_WRITTEN);
  records = fetch_all (f, f->scope, NULL, 100, NULL);
  assert_not_live (records, id);
}

static void
remote_per_op_results (RemoteFixture *f,
                       gconstpointer  data)
{
  g_autoptr(GPtrArray) ops = push_new (f, f->scope, 5);
  g_autoptr(GPtrArray) mixed = just_sync_test_ops_new ();
  g_autoptr(GPtrArray) results = NULL;

  /* Two ops on new ids and one on an existing id, out of seq order. */
  for (guint i = 0; i < 2; i++)
    {
      g_autofree char *id = new_id (f);

      g_ptr_array_add (mixed, remote_op (f, JUST_SYNC_OP_UPSERT, id, "new", 7));
    }
  g_ptr_array_insert (mixed, 0, remote_op (f, JUST_SYNC_OP_UPSERT,
                                           just_sync_pending_op_get_record_id (g_ptr_array_index (ops, 2)),
                                           "old", 3));
  results = push (f, f->scope, mixed, TRUE);
  for (guint i = 0; i < mixed->len; i++)
    result_for (results, g_ptr_array_index (mixed, i));

  /* An empty batch asks nothing and answers nothing. */
  g_ptr_array_set_size (mixed, 0);
  g_clear_pointer (&results, g_ptr_array_unref);
  results = push (f, f->scope, mixed, FALSE);
  g_assert_cmpuint (results->len, ==, 0);
}

static void
remote_scoping (RemoteFixture *f,
                gconstpointer  data)
{
  g_autoptr(GPtrArray) mine = push_new (f, f->scope, 2);
  g_autoptr(GPtrArray) theirs = push_new (f, f->other, 1);
  JustSyncPendingOp *target = g_ptr_array_index (mine, 0);
  const char *id = just_sync_pending_op_get_record_id (target);
  g_autoptr(GPtrArray) other_records = fetch_all (f, f->other, NULL, 100, NULL);
  g_autoptr(GPtrArray) records = NULL;
  g_autoptr(GPtrArray) foreign = just_sync_test_ops_new ();
  g_autoptr(GPtrArray) results = NULL;

  g_assert_cmpuint (other_records->len, ==, 1);
  assert_live (other_records, just_sync_pending_op_get_record (g_ptr_array_index (theirs, 0)));

  /* Writes that name this scope's ids from the other scope may fail or
   * land in the other scope, but never touch this one. */
  g_ptr_array_add (foreign, remote_op (f, JUST_SYNC_OP_UPSERT, id, "intruder", 666));
  results = push (f, f->other, foreign, FALSE);
  g_clear_pointer (&results, g_ptr_array_unref);
  g_ptr_array_set_size (foreign, 0);
  g_ptr_array_add (foreign, remote_op (f, JUST_SYNC_OP_DELETE, id, NULL, 0));
  results = push (f, f->other, foreign, FALSE);

  records = fetch_all (f, f->scope, NULL, 100, NULL);
  g_assert_cmpuint (records->len, ==, 2);
  for (guint i = 0; i < mine->len; i++)
    assert_live (records, just_sync_pending_op_get_record (g_ptr_array_index (mine, i)));
}

static void
remote_paging (RemoteFixture *f,
               gconstpointer  data)
{
  g_autoptr(GPtrArray) ops = push_new (f, f->scope, 7);
  guint pages = 0;
  g_autoptr(GPtrArray) records = fetch_all (f, f->scope, NULL, 3, &pages);

  g_assert_cmpuint (records->len, ==, 7);
  g_assert_cmpuint (pages, >=, 3);
  for (guint i = 0; i < ops->len; i++)
    assert_live (records, just_sync_pending_op_get_record (g_ptr_array_index (ops, i)));
}

/* Rows sharing one stamp across a page boundary are neither skipped nor
 * repeated: the id breaks the tie. */
static void
remote_paging_equal_stamps (RemoteFixture *f,
                            gconstpointer  data)
{
  g_autoptr(GPtrArray) ops = NULL;
  g_autoptr(GPtrArray) records = NULL;
  guint pages = 0;

  f->contract->stop_clock (f->store, f->contract->user_data);
  ops = push_new (f, f->scope, 5);
  records = fetch_all (f, f->scope, NULL, 2, &pages);

  g_assert_cmpuint (records->len, ==, 5);
  g_assert_cmpuint (pages, >=, 3);
  for (guint i = 1; i < records->len; i++)
    g_assert_cmpint (just_sync_record_get_updated_at (g_ptr_array_index (records, i)), ==,
                     just_sync_record_get_updated_at (g_ptr_array_index (records, 0)));
  for (guint i = 0; i < ops->len; i++)
    assert_live (records, just_sync_pending_op_get_record (g_ptr_array_index (ops, i)));
}

static void
wait_for_server_time_after (RemoteFixture *f,
                            gint64         stamp)
{
  /* Servers stamp at millisecond resolution: a few milliseconds suffice;
   * a server clock that does not move in 5 s is an error. */
  for (guint i = 0; i < 500; i++)
    {
      if (REMOTE (f, get_server_time) > stamp)
        return;
      g_usleep (10 * 1000);
    }
  g_error ("The server's clock did not pass %" G_GINT64_FORMAT, stamp);
}

static void
remote_fetch_since (RemoteFixture *f,
                    gconstpointer  data)
{
  g_autoptr(GPtrArray) first = push_new (f, f->scope, 3);
  g_autoptr(GPtrArray) seen = fetch_all (f, f->scope, NULL, 100, NULL);
  JustSyncRecord *last = g_ptr_array_index (seen, seen->len - 1);
  g_autoptr(JustSyncSyncPoint) cursor = just_sync_sync_point_new (just_sync_record_get_updated_at (last),
                                                                  just_sync_record_get_id (last));
  g_autoptr(GPtrArray) second = NULL;
  g_autoptr(GPtrArray) after = NULL;
  g_autoptr(GPtrArray) nothing = NULL;

  nothing = fetch_all (f, f->scope, cursor, 100, NULL);
  g_assert_cmpuint (nothing->len, ==, 0);

  wait_for_server_time_after (f, just_sync_record_get_updated_at (last));
  second = push_new (f, f->scope, 2);
  after = fetch_all (f, f->scope, cursor, 100, NULL);
  g_assert_cmpuint (after->len, ==, 2);
  for (guint i = 0; i < second->len; i++)
    assert_live (after, just_sync_pending_op_get_record (g_ptr_array_index (second, i)));
}

static void
remote_server_time (RemoteFixture *f,
                    gconstpointer  data)
{
  gint64 now = just_sync_timestamp_now ();
  gint64 server = REMOTE (f, get_server_time);
  g_autofree char *a = just_sync_remote_store_generate_id (f->store, f->scope);
  g_autofree char *b = just_sync_remote_store_generate_id (f->store, f->scope);

  g_assert_true (just_sync_timestamp_is_valid (server));
  /* The server runs on this machine: its clock is close to ours. */
  g_assert_cmpint (ABS (server - now), <, 60 * G_USEC_PER_SEC);
  g_assert_cmpstr (a, !=, b);
}

/* }}} */
/* {{{ Registration */

typedef void (*LocalCase) (LocalFixture *, gconstpointer);
typedef void (*RemoteCase) (RemoteFixture *, gconstpointer);

static const struct {
  const char *name;
  LocalCase func;
} local_cases[] = {
  { "empty", local_empty },
  { "upsert-query-get", local_upsert_query_get },
  { "upsert-replaces", local_upsert_replaces },
  { "delete-tombstones", local_delete },
  { "query-since", local_query_since },
  { "scoping", local_scoping },
  { "sync-point", local_sync_point },
  { "pending-ops", local_pending_ops },
  { "failed-ops", local_failed_ops },
  { "transient-failures", local_transient_failures },
  { "mark-ops-sent", local_mark_ops_sent },
  { "apply/insert", local_apply_insert },
  { "apply/skips-base", local_apply_skips_base },
  { "apply/replaces-older", local_apply_replaces_older },
  { "apply/skips-base-of-pending-op", local_apply_skips_base_of_pending_op },
  { "apply/acknowledges-echo", local_apply_acknowledges_echo },
  { "apply/echo-keeps-newer-op", local_apply_echo_keeps_newer_op },
  { "apply/unsent-change-has-no-echo", local_apply_unsent_change_has_no_echo },
  { "apply/conflict-remote-wins", local_apply_conflict_remote_wins },
  { "apply/conflict-local-wins", local_apply_conflict_local_wins },
  { "apply/conflict-equal-stamps", local_apply_conflict_equal_stamps },
  { "apply/asks-resolver", local_apply_asks_resolver },
  { "apply/sync-point-forward", local_apply_sync_point_forward },
  { "apply/both-deleted-is-silent", local_apply_both_deleted_is_silent },
  { "apply/same-content-is-silent", local_apply_same_content_is_silent },
  { "commit/acknowledges", local_commit_acknowledges },
  { "commit/keeps-newer-op", local_commit_keeps_newer_op },
  { "commit/delete", local_commit_delete },
  { "prune-missing", local_prune_missing },
  { "bad-input", local_bad_input },
  { "empty-writes", local_empty_writes },
  { "cancelled", local_cancelled },
  { "finish-checks-source-tag", local_finish_checks_source_tag },
};

static const struct {
  const char *name;
  RemoteCase func;
  gboolean needs_stopped_clock;
} remote_cases[] = {
  { "upsert-fetch", remote_upsert_fetch, FALSE },
  { "idempotent-push", remote_idempotent_push, FALSE },
  { "patch-keeps-other-fields", remote_patch_keeps_other_fields, FALSE },
  { "delete", remote_delete, FALSE },
  { "delete-missing", remote_delete_missing, FALSE },
  { "per-op-results", remote_per_op_results, FALSE },
  { "scoping", remote_scoping, FALSE },
  { "paging", remote_paging, FALSE },
  { "paging-equal-stamps", remote_paging_equal_stamps, TRUE },
  { "fetch-since", remote_fetch_since, FALSE },
  { "server-time", remote_server_time, FALSE },
};

/**
 * just_sync_test_add_local_store_contract:
 * @prefix: the test path prefix, such as `/memory-local-store`
 * @factory: creates a new, empty store for each case
 * @factory_data: passed to @factory
 *
 * Adds the local store contract cases under `@prefix/contract/`.
 */
void
just_sync_test_add_local_store_contract (const char                    *prefix,
                                         JustSyncTestLocalStoreFactory  factory,
                                         gpointer                       factory_data)
{
  /* The cases point at it until the program ends. */
  static GPtrArray *contracts = NULL;
  LocalContract *contract = g_new0 (LocalContract, 1);

  contract->factory = factory;
  contract->factory_data = factory_data;
  if (contracts == NULL)
    contracts = g_ptr_array_new_with_free_func (g_free);
  g_ptr_array_add (contracts, contract);

  for (guint i = 0; i < G_N_ELEMENTS (local_cases); i++)
    {
      g_autofree char *path = g_strdup_printf ("%s/contract/%s", prefix, local_cases[i].name);

      g_test_add (path, LocalFixture, contract, local_setup, local_cases[i].func, local_teardown);
    }
}

/**
 * just_sync_test_add_remote_store_contract:
 * @prefix: the test path prefix, such as `/memory-remote-store`
 * @contract: how to create the store; it must stay valid while the tests run
 *
 * Adds the remote store contract cases under `@prefix/contract/`. The cases
 * that need a stopped clock are left out when @contract has no way to stop
 * it.
 */
void
just_sync_test_add_remote_store_contract (const char                            *prefix,
                                          const JustSyncTestRemoteStoreContract *contract)
{
  g_return_if_fail (contract->scope_name != NULL && contract->scope_key != NULL);
  g_return_if_fail (contract->new_store != NULL);

  for (guint i = 0; i < G_N_ELEMENTS (remote_cases); i++)
    {
      g_autofree char *path = g_strdup_printf ("%s/contract/%s", prefix, remote_cases[i].name);

      if (remote_cases[i].needs_stopped_clock && contract->stop_clock == NULL)
        continue;
      g_test_add (path, RemoteFixture, contract, remote_setup, remote_cases[i].func, remote_teardown);
    }
}

/* }}} */
