/* test-results.c
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Pending operations, conflicts, and the results of a push, of applying a
 * page and of a whole sync.
 */

#include "justsync-test-util.h"

#include "justsync-sync-result-private.h"

#define T0 G_GINT64_CONSTANT (1700000000000000)

/* Every member of @json parses to an error; none crashes. */
typedef gpointer (*FromJsonFunc) (JsonNode *node, GError **error);

static void
assert_bad_json (FromJsonFunc        from_json,
                 GDestroyNotify      free_func,
                 const char * const *bad)
{
  for (guint i = 0; bad[i] != NULL; i++)
    {
      g_autoptr(JsonNode) node = json_from_string (bad[i], NULL);
      g_autoptr(GError) error = NULL;
      gpointer parsed;

      g_test_message ("%s", bad[i]);
      g_assert_nonnull (node);
      parsed = from_json (node, &error);
      g_assert_error (error, JUST_SYNC_ERROR, JUST_SYNC_ERROR_INVALID_ARGUMENT);
      if (parsed != NULL)
        free_func (parsed);
      g_assert_null (parsed);
    }
}

static JustSyncPendingOp *
pending_op_round_trip (JustSyncPendingOp *op)
{
  g_autoptr(JsonNode) node = just_sync_pending_op_to_json (op);
  g_autofree char *text = json_to_string (node, FALSE);
  g_autoptr(JsonNode) reparsed = json_from_string (text, NULL);
  g_autoptr(GError) error = NULL;
  JustSyncPendingOp *back = just_sync_pending_op_from_json (reparsed, &error);

  g_test_message ("%s", text);
  g_assert_no_error (error);
  return back;
}

static void
test_pending_op (void)
{
  g_autoptr(JustSyncRecord) record = just_sync_test_record ("a", "{\"t\":1}", T0);
  g_autoptr(JustSyncRecord) tomb = just_sync_test_tombstone ("b", T0);
  g_autoptr(JustSyncPendingOp) upsert = just_sync_pending_op_new (7, JUST_SYNC_OP_UPSERT, record,
                                                                  "1:abc", 3, JUST_SYNC_OP_STATE_FAILED,
                                                                  "refused");
  g_autoptr(JustSyncPendingOp) delete = just_sync_pending_op_new (8, JUST_SYNC_OP_DELETE, tomb, NULL, 0,
                                                                  JUST_SYNC_OP_STATE_QUEUED, NULL);
  g_autoptr(JustSyncPendingOp) upsert_back = pending_op_round_trip (upsert);
  g_autoptr(JustSyncPendingOp) delete_back = pending_op_round_trip (delete);
  g_autoptr(JustSyncPendingOp) other_attempts = just_sync_pending_op_new (7, JUST_SYNC_OP_UPSERT, record,
                                                                          "1:abc", 4, JUST_SYNC_OP_STATE_FAILED,
                                                                          "refused");
  static const char *bad[] = {
    "[]", "{}",
    "{\"seq\":\"1\",\"kind\":\"upsert\",\"attempts\":0,\"state\":\"queued\",\"record\":{\"id\":\"a\"}}",
    "{\"seq\":1,\"kind\":\"bogus\",\"attempts\":0,\"state\":\"queued\",\"record\":{\"id\":\"a\"}}",
    "{\"seq\":1,\"kind\":\"upsert\",\"attempts\":0,\"state\":\"lost\",\"record\":{\"id\":\"a\"}}",
    "{\"seq\":-1,\"kind\":\"upsert\",\"attempts\":0,\"state\":\"queued\",\"record\":{\"id\":\"a\"}}",
    "{\"seq\":1,\"kind\":\"upsert\",\"attempts\":-2,\"state\":\"queued\",\"record\":{\"id\":\"a\"}}",
    "{\"seq\":1,\"kind\":\"upsert\",\"attempts\":99999999999,\"state\":\"queued\",\"record\":{\"id\":\"a\"}}",
    "{\"seq\":1,\"kind\":\"upsert\",\"attempts\":0,\"state\":\"queued\"}",
    "{\"seq\":1,\"kind\":\"upsert\",\"attempts\":0,\"state\":\"queued\",\"record\":null}",
    "{\"seq\":1,\"kind\":\"upsert\",\"attempts\":0,\"state\":\"queued\",\"record\":{\"id\":\"\"}}",
    "{\"seq\":1,\"kind\":\"upsert\",\"attempts\":0,\"state\":\"queued\",\"base_version\":5,\"record\":{\"id\":\"a\"}}",
    NULL
  };

  g_assert_cmpint (just_sync_pending_op_get_seq (upsert), ==, 7);
  g_assert_cmpint (just_sync_pending_op_get_kind (upsert), ==, JUST_SYNC_OP_UPSERT);
  g_assert_true (just_sync_pending_op_get_record (upsert) == record);
  g_assert_cmpstr (just_sync_pending_op_get_record_id (upsert), ==, "a");
  g_assert_cmpstr (just_sync_pending_op_get_base_version (upsert), ==, "1:abc");
  g_assert_cmpuint (just_sync_pending_op_get_attempts (upsert), ==, 3);
  g_assert_cmpint (just_sync_pending_op_get_state (upsert), ==, JUST_SYNC_OP_STATE_FAILED);
  g_assert_cmpstr (just_sync_pending_op_get_last_error (upsert), ==, "refused");
  g_assert_null (just_sync_pending_op_get_base_version (delete));
  g_assert_null (just_sync_pending_op_get_last_error (delete));

  g_assert_true (just_sync_pending_op_equal (upsert, upsert_back));
  g_assert_true (just_sync_pending_op_equal (delete, delete_back));
  g_assert_false (just_sync_pending_op_equal (upsert, delete));
  g_assert_false (just_sync_pending_op_equal (upsert, other_attempts));
  g_assert_null (just_sync_pending_op_get_fields (upsert));

  assert_bad_json ((FromJsonFunc) just_sync_pending_op_from_json,
                   (GDestroyNotify) just_sync_pending_op_unref, bad);
}

/* A patch names its fields, keeps them through JSON, and differs from a
 * full write of the same record. */
static void
test_pending_op_patch (void)
{
  g_autoptr(JustSyncRecord) record = just_sync_test_record ("a", "{\"t\":1}", T0);
  const char *fields[] = { "t", "gone", NULL };
  const char *other_fields[] = { "t", NULL };
  g_autoptr(JustSyncPendingOp) patch = just_sync_pending_op_new_patch (7, record, fields, "1:abc", 0,
                                                                       JUST_SYNC_OP_STATE_QUEUED, NULL);
  g_autoptr(JustSyncPendingOp) other = just_sync_pending_op_new_patch (7, record, other_fields, "1:abc", 0,
                                                                       JUST_SYNC_OP_STATE_QUEUED, NULL);
  g_autoptr(JustSyncPendingOp) full = just_sync_pending_op_new (7, JUST_SYNC_OP_UPSERT, record, "1:abc", 0,
                                                                JUST_SYNC_OP_STATE_QUEUED, NULL);
  g_autoptr(JustSyncPendingOp) back = pending_op_round_trip (patch);
  static const char *bad[] = {
    "{\"seq\":1,\"kind\":\"upsert\",\"attempts\":0,\"state\":\"queued\",\"record\":{\"id\":\"a\"},\"fields\":[]}",
    "{\"seq\":1,\"kind\":\"upsert\",\"attempts\":0,\"state\":\"queued\",\"record\":{\"id\":\"a\"},\"fields\":[1]}",
    "{\"seq\":1,\"kind\":\"upsert\",\"attempts\":0,\"state\":\"queued\",\"record\":{\"id\":\"a\"},\"fields\":\"t\"}",
    "{\"seq\":1,\"kind\":\"delete\",\"attempts\":0,\"state\":\"queued\",\"record\":{\"id\":\"a\"},\"fields\":[\"t\"]}",
    NULL
  };

  g_assert_cmpint (just_sync_pending_op_get_kind (patch), ==, JUST_SYNC_OP_UPSERT);
  g_assert_true (g_strv_equal (just_sync_pending_op_get_fields (patch), fields));
  g_assert_true (just_sync_pending_op_equal (patch, back));
  g_assert_true (g_strv_equal (just_sync_pending_op_get_fields (back), fields));
  g_assert_false (just_sync_pending_op_equal (patch, full));
  g_assert_false (just_sync_pending_op_equal (patch, other));

  assert_bad_json ((FromJsonFunc) just_sync_pending_op_from_json,
                   (GDestroyNotify) just_sync_pending_op_unref, bad);
}

static void
test_conflict (void)
{
  g_autoptr(JustSyncRecord) local = just_sync_test_record ("a", "{\"side\":\"local\"}", T0 + 2);
  g_autoptr(JustSyncRecord) remote = just_sync_test_record ("a", "{\"side\":\"remote\"}", T0 + 1);
  g_autoptr(JustSyncConflict) local_won = just_sync_conflict_new (local, remote, JUST_SYNC_RESOLUTION_LOCAL, T0 + 9);
  g_autoptr(JustSyncConflict) remote_won = just_sync_conflict_new (local, remote, JUST_SYNC_RESOLUTION_REMOTE, T0 + 9);
  g_autoptr(JsonNode) node = just_sync_conflict_to_json (local_won);
  g_autoptr(GError) error = NULL;
  g_autoptr(JustSyncConflict) back = just_sync_conflict_from_json (node, &error);
  static const char *bad[] = {
    "[]", "{}",
    "{\"resolution\":\"local\",\"resolved_at\":null,\"remote\":{\"id\":\"a\"}}",
    "{\"resolution\":\"local\",\"resolved_at\":null,\"local\":{\"id\":\"a\"}}",
    "{\"resolution\":\"mine\",\"resolved_at\":null,\"local\":{\"id\":\"a\"},\"remote\":{\"id\":\"a\"}}",
    "{\"resolution\":\"local\",\"resolved_at\":\"x\",\"local\":{\"id\":\"a\"},\"remote\":{\"id\":\"a\"}}",
    "{\"resolution\":\"local\",\"resolved_at\":null,\"local\":{\"id\":\"a\"},\"remote\":{\"id\":\"b\"}}",
    "{\"resolution\":\"local\",\"resolved_at\":null,\"local\":[],\"remote\":{\"id\":\"a\"}}",
    NULL
  };

  g_assert_cmpstr (just_sync_conflict_get_record_id (local_won), ==, "a");
  g_assert_true (just_sync_conflict_get_local (local_won) == local);
  g_assert_true (just_sync_conflict_get_remote (local_won) == remote);
  g_assert_true (just_sync_conflict_get_winner (local_won) == local);
  g_assert_true (just_sync_conflict_get_loser (local_won) == remote);
  g_assert_true (just_sync_conflict_get_winner (remote_won) == remote);
  g_assert_true (just_sync_conflict_get_loser (remote_won) == local);
  g_assert_cmpint (just_sync_conflict_get_resolution (remote_won), ==, JUST_SYNC_RESOLUTION_REMOTE);
  g_assert_cmpint (just_sync_conflict_get_resolved_at (remote_won), ==, T0 + 9);

  g_assert_no_error (error);
  g_assert_cmpint (just_sync_conflict_get_resolution (back), ==, JUST_SYNC_RESOLUTION_LOCAL);
  g_assert_cmpint (just_sync_conflict_get_resolved_at (back), ==, T0 + 9);
  g_assert_true (just_sync_record_equal (just_sync_conflict_get_local (back), local));
  g_assert_true (just_sync_record_equal (just_sync_conflict_get_remote (back), remote));

  assert_bad_json ((FromJsonFunc) just_sync_conflict_from_json,
                   (GDestroyNotify) just_sync_conflict_unref, bad);
}

static void
test_push_result (void)
{
  g_autoptr(JustSyncRecord) reply = just_sync_test_record ("a", "{\"t\":1,\"created\":\"x\"}", T0);
  g_autoptr(JustSyncPushResult) written = just_sync_push_result_new_written (4, reply);
  g_autoptr(JustSyncPushResult) rejected = just_sync_push_result_new_failed (5, "b", JUST_SYNC_PUSH_REJECTED,
                                                                             "title is required", 0);
  g_autoptr(JustSyncPushResult) retry = just_sync_push_result_new_failed (6, "c", JUST_SYNC_PUSH_RETRY,
                                                                          NULL, 30 * G_USEC_PER_SEC);
  JustSyncPushResult *copy = g_boxed_copy (JUST_SYNC_TYPE_PUSH_RESULT, written);

  g_assert_true (copy == written);
  g_boxed_free (JUST_SYNC_TYPE_PUSH_RESULT, copy);

  g_assert_cmpint (just_sync_push_result_get_seq (written), ==, 4);
  g_assert_cmpstr (just_sync_push_result_get_record_id (written), ==, "a");
  g_assert_cmpint (just_sync_push_result_get_status (written), ==, JUST_SYNC_PUSH_WRITTEN);
  g_assert_true (just_sync_push_result_get_reply (written) == reply);
  g_assert_null (just_sync_push_result_get_message (written));
  g_assert_cmpint (just_sync_push_result_get_retry_after (written), ==, 0);

  g_assert_cmpint (just_sync_push_result_get_seq (rejected), ==, 5);
  g_assert_cmpstr (just_sync_push_result_get_record_id (rejected), ==, "b");
  g_assert_cmpint (just_sync_push_result_get_status (rejected), ==, JUST_SYNC_PUSH_REJECTED);
  g_assert_null (just_sync_push_result_get_reply (rejected));
  g_assert_cmpstr (just_sync_push_result_get_message (rejected), ==, "title is required");

  g_assert_cmpint (just_sync_push_result_get_status (retry), ==, JUST_SYNC_PUSH_RETRY);
  g_assert_null (just_sync_push_result_get_message (retry));
  g_assert_cmpint (just_sync_push_result_get_retry_after (retry), ==, 30 * G_USEC_PER_SEC);
}

static void
test_apply_result (void)
{
  g_autoptr(JustSyncApplyResult) result = just_sync_apply_result_new ();
  g_autoptr(JustSyncRecord) local = just_sync_test_record ("x", "{}", T0);
  g_autoptr(JustSyncRecord) remote = just_sync_test_record ("x", "{\"r\":1}", T0 + 1);
  g_autoptr(JustSyncConflict) conflict = just_sync_conflict_new (local, remote, JUST_SYNC_RESOLUTION_REMOTE, T0);
  g_auto(GStrv) none = NULL;
  g_auto(GStrv) ids = NULL;

  none = just_sync_apply_result_dup_changed_ids (result);
  g_assert_cmpuint (g_strv_length (none), ==, 0);

  just_sync_apply_result_add (result, "c", JUST_SYNC_APPLY_INSERTED);
  just_sync_apply_result_add (result, "a", JUST_SYNC_APPLY_REPLACED);
  just_sync_apply_result_add (result, "s", JUST_SYNC_APPLY_SKIPPED);
  just_sync_apply_result_add (result, "c", JUST_SYNC_APPLY_REPLACED);
  just_sync_apply_result_add (result, "d", JUST_SYNC_APPLY_DELETED);
  just_sync_apply_result_add (result, "k", JUST_SYNC_APPLY_ACKNOWLEDGED);
  just_sync_apply_result_add_conflict (result, conflict);

  g_assert_cmpuint (just_sync_apply_result_get_count (result, JUST_SYNC_APPLY_INSERTED), ==, 1);
  g_assert_cmpuint (just_sync_apply_result_get_count (result, JUST_SYNC_APPLY_REPLACED), ==, 2);
  g_assert_cmpuint (just_sync_apply_result_get_count (result, JUST_SYNC_APPLY_SKIPPED), ==, 1);
  g_assert_cmpuint (just_sync_apply_result_get_count (result, JUST_SYNC_APPLY_DELETED), ==, 1);
  g_assert_cmpuint (just_sync_apply_result_get_count (result, JUST_SYNC_APPLY_ACKNOWLEDGED), ==, 1);

  /* Each changed id once, in the order applied; skipped rows did not change. */
  ids = just_sync_apply_result_dup_changed_ids (result);
  g_assert_cmpstrv (ids, ((const char * const[]) { "c", "a", "d", "k", NULL }));

  g_assert_cmpuint (just_sync_apply_result_get_conflicts (result)->len, ==, 1);
  g_assert_true (g_ptr_array_index (just_sync_apply_result_get_conflicts (result), 0) == conflict);
}

static void
test_sync_result (void)
{
  g_autoptr(JustSyncScope) scope = just_sync_scope_parse ("records?owner=u1", NULL);
  g_autoptr(JustSyncSyncResult) result = just_sync_sync_result_new (scope);
  g_autoptr(JustSyncApplyResult) applied = just_sync_apply_result_new ();
  g_autoptr(JustSyncRecord) local = just_sync_test_record ("x", "{}", T0);
  g_autoptr(JustSyncRecord) remote = just_sync_test_record ("x", "{\"r\":1}", T0 + 1);
  g_autoptr(JustSyncConflict) conflict = just_sync_conflict_new (local, remote, JUST_SYNC_RESOLUTION_REMOTE, T0);
  g_autoptr(JustSyncPendingOp) failed = just_sync_pending_op_new (3, JUST_SYNC_OP_UPSERT, local, NULL, 1,
                                                                  JUST_SYNC_OP_STATE_FAILED, "no");
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(JsonNode) empty_node = NULL;
  JsonObject *object;

  empty_node = just_sync_sync_result_to_json (result);
  g_assert_true (json_object_get_null_member (json_node_get_object (empty_node), "finished_at"));

  just_sync_apply_result_add (applied, "a", JUST_SYNC_APPLY_INSERTED);
  just_sync_apply_result_add (applied, "b", JUST_SYNC_APPLY_REPLACED);
  just_sync_apply_result_add (applied, "k", JUST_SYNC_APPLY_ACKNOWLEDGED);
  just_sync_apply_result_add (applied, "d", JUST_SYNC_APPLY_DELETED);
  just_sync_apply_result_add (applied, "s", JUST_SYNC_APPLY_SKIPPED);
  just_sync_apply_result_add_conflict (applied, conflict);
  _just_sync_sync_result_add_applied (result, applied);
  _just_sync_sync_result_add_applied (result, applied);
  _just_sync_sync_result_add_pushed (result, 4);
  _just_sync_sync_result_add_failed_op (result, failed);
  _just_sync_sync_result_finish (result, T0 + 100);

  g_assert_true (just_sync_sync_result_get_scope (result) == scope);
  g_assert_cmpuint (just_sync_sync_result_get_pulled (result), ==, 6);
  g_assert_cmpuint (just_sync_sync_result_get_deleted (result), ==, 2);
  g_assert_cmpuint (just_sync_sync_result_get_pushed (result), ==, 4);
  g_assert_cmpuint (just_sync_sync_result_get_conflicts (result)->len, ==, 2);
  g_assert_cmpuint (just_sync_sync_result_get_failed_ops (result)->len, ==, 1);
  g_assert_cmpint (just_sync_sync_result_get_finished_at (result), ==, T0 + 100);

  node = just_sync_sync_result_to_json (result);
  object = json_node_get_object (node);
  g_assert_cmpstr (json_object_get_string_member (object, "scope"), ==, "records?owner=u1");
  g_assert_cmpint (json_object_get_int_member (object, "pulled"), ==, 6);
  g_assert_cmpint (json_object_get_int_member (object, "pushed"), ==, 4);
  g_assert_cmpint (json_object_get_int_member (object, "deleted"), ==, 2);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (object, "conflicts")), ==, 2);
  g_assert_cmpstr (json_object_get_string_member (object, "finished_at"), ==, "2023-11-14T22:13:20.000100Z");

  /* Every member reads back with the types' own parsers. */
  {
    JsonArray *ops = json_object_get_array_member (object, "failed_ops");
    JsonArray *conflicts = json_object_get_array_member (object, "conflicts");
    g_autoptr(JustSyncPendingOp) op = just_sync_pending_op_from_json (json_array_get_element (ops, 0), NULL);
    g_autoptr(JustSyncConflict) c = just_sync_conflict_from_json (json_array_get_element (conflicts, 0), NULL);
    g_autoptr(JustSyncScope) s = just_sync_scope_parse (json_object_get_string_member (object, "scope"), NULL);

    g_assert_true (just_sync_pending_op_equal (op, failed));
    g_assert_cmpint (just_sync_conflict_get_resolution (c), ==, JUST_SYNC_RESOLUTION_REMOTE);
    g_assert_true (just_sync_scope_equal (s, scope));
  }
}

static void
test_error_domain (void)
{
  g_autoptr(GError) network = g_error_new_literal (JUST_SYNC_ERROR, JUST_SYNC_ERROR_NETWORK, "down");
  g_autoptr(GError) server = g_error_new_literal (JUST_SYNC_ERROR, JUST_SYNC_ERROR_SERVER, "503");
  g_autoptr(GError) auth = g_error_new_literal (JUST_SYNC_ERROR, JUST_SYNC_ERROR_AUTH, "401");
  g_autoptr(GError) rejected = g_error_new_literal (JUST_SYNC_ERROR, JUST_SYNC_ERROR_REJECTED, "400");
  g_autoptr(GError) cancelled = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CANCELLED, "cancelled");

  g_assert_true (just_sync_error_is_transient (network));
  g_assert_true (just_sync_error_is_transient (server));
  g_assert_false (just_sync_error_is_transient (auth));
  g_assert_false (just_sync_error_is_transient (rejected));
  g_assert_false (just_sync_error_is_transient (cancelled));
  g_assert_cmpstr (g_quark_to_string (JUST_SYNC_ERROR), !=, NULL);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/pending-op", test_pending_op);
  g_test_add_func ("/pending-op-patch", test_pending_op_patch);
  g_test_add_func ("/conflict", test_conflict);
  g_test_add_func ("/push-result", test_push_result);
  g_test_add_func ("/apply-result", test_apply_result);
  g_test_add_func ("/sync-result", test_sync_result);
  g_test_add_func ("/error", test_error_domain);

  return g_test_run ();
}
