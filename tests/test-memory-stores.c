/* test-memory-stores.c
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The store contracts run against JustSyncMemoryLocalStore and
 * JustSyncMemoryRemoteStore, and the memory remote's own test knobs:
 * injected failures, rejections, latency, its clock, page caps and hard
 * deletes.
 */

#include "justsync-test-contract.h"

#define T0 G_GINT64_CONSTANT (1700000000000000)

#define REMOTE(store, method, ...) \
  JUST_SYNC_TEST_AWAIT_OK (just_sync_remote_store_##method, JUST_SYNC_REMOTE_STORE (store), \
                           ##__VA_ARGS__)

static JustSyncLocalStore *
new_local_store (gpointer data)
{
  return just_sync_memory_local_store_new ();
}

static JustSyncRemoteStore *
new_remote_store (gpointer data)
{
  return JUST_SYNC_REMOTE_STORE (just_sync_test_remote_new ());
}

static void
stop_clock (JustSyncRemoteStore *store,
            gpointer             data)
{
  just_sync_test_remote_set_clock (JUST_SYNC_MEMORY_REMOTE_STORE (store), T0);
}

static const JustSyncTestRemoteStoreContract remote_contract = {
  .scope_name = "records",
  .scope_key = "owner",
  .new_store = new_remote_store,
  .stop_clock = stop_clock,
};

typedef struct
{
  JustSyncMemoryRemoteStore *remote;
  JustSyncScope *scope;
} Fixture;

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  f->remote = just_sync_test_remote_new ();
  f->scope = just_sync_test_scope ("records", "owner", "u1", NULL);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  g_assert_finalize_object (f->remote);
  just_sync_scope_unref (f->scope);
}

static JustSyncPendingOp *
new_op (gint64          seq,
        JustSyncOpKind  kind,
        const char     *id)
{
  if (kind == JUST_SYNC_OP_DELETE)
    return just_sync_test_op (seq, just_sync_test_tombstone (id, T0), NULL);
  return just_sync_test_op (seq, just_sync_test_record (id, "{\"title\":\"t\"}", T0), NULL);
}

/* One upsert op for each id, NULL-terminated. */
static GPtrArray *
upserts (const char *first,
         ...)
{
  GPtrArray *ops = just_sync_test_ops_new ();
  va_list args;

  va_start (args, first);
  for (const char *id = first; id != NULL; id = va_arg (args, const char *))
    g_ptr_array_add (ops, new_op (ops->len + 1, JUST_SYNC_OP_UPSERT, id));
  va_end (args);
  return ops;
}

static GPtrArray *
server_list (Fixture *f)
{
  return just_sync_memory_remote_store_server_list (f->remote, f->scope);
}

static void
test_fail_before_write (Fixture       *f,
                        gconstpointer  data)
{
  g_autoptr(GPtrArray) ops = upserts ("a", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) results = NULL;
  g_autoptr(GPtrArray) stored = NULL;

  just_sync_test_remote_fail_calls (f->remote, 1, JUST_SYNC_ERROR_NETWORK, FALSE);
  results = JUST_SYNC_TEST_AWAIT (just_sync_remote_store_batch_upsert, JUST_SYNC_REMOTE_STORE (f->remote),
                                  &error, f->scope, ops);
  g_assert_error (error, JUST_SYNC_ERROR, JUST_SYNC_ERROR_NETWORK);
  g_assert_true (just_sync_error_is_transient (error));
  g_assert_null (results);
  stored = server_list (f);
  g_assert_cmpuint (stored->len, ==, 0);

  /* Only the next call failed. */
  results = REMOTE (f->remote, batch_upsert, f->scope, ops);
  g_assert_cmpuint (results->len, ==, 1);
  g_clear_pointer (&stored, g_ptr_array_unref);
  stored = server_list (f);
  g_assert_cmpuint (stored->len, ==, 1);
  g_assert_cmpuint (just_sync_test_remote_get_call_count (f->remote), ==, 2);
}

static void
test_fail_after_write (Fixture       *f,
                       gconstpointer  data)
{
  g_autoptr(GPtrArray) ops = upserts ("a", "b", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) results = NULL;
  g_autoptr(GPtrArray) stored = NULL;
  g_autoptr(JustSyncDelta) delta = NULL;

  /* The write happens, the reply is lost. */
  just_sync_test_remote_fail_calls (f->remote, 2, JUST_SYNC_ERROR_SERVER, TRUE);
  results = JUST_SYNC_TEST_AWAIT (just_sync_remote_store_batch_upsert, JUST_SYNC_REMOTE_STORE (f->remote),
                                  &error, f->scope, ops);
  g_assert_error (error, JUST_SYNC_ERROR, JUST_SYNC_ERROR_SERVER);
  g_assert_null (results);
  g_clear_error (&error);
  stored = server_list (f);
  g_assert_cmpuint (stored->len, ==, 2);

  /* Any kind of call fails the same way. */
  delta = JUST_SYNC_TEST_AWAIT (just_sync_remote_store_fetch_since, JUST_SYNC_REMOTE_STORE (f->remote),
                                &error, f->scope, NULL, 10);
  g_assert_error (error, JUST_SYNC_ERROR, JUST_SYNC_ERROR_SERVER);
  g_assert_null (delta);

  delta = REMOTE (f->remote, fetch_since, f->scope, NULL, 10);
  g_assert_cmpuint (just_sync_delta_get_records (delta)->len, ==, 2);
}

static void
test_reject_id (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GPtrArray) ops = upserts ("good", "bad", NULL);
  g_autoptr(GPtrArray) results = NULL;
  g_autoptr(JustSyncRecord) bad = NULL;

  just_sync_test_remote_reject_id (f->remote, "bad", "title is required");
  results = REMOTE (f->remote, batch_upsert, f->scope, ops);
  g_assert_cmpuint (results->len, ==, 2);
  for (guint i = 0; i < results->len; i++)
    {
      JustSyncPushResult *result = g_ptr_array_index (results, i);

      if (g_str_equal (just_sync_push_result_get_record_id (result), "bad"))
        {
          g_assert_cmpint (just_sync_push_result_get_status (result), ==, JUST_SYNC_PUSH_REJECTED);
          g_assert_cmpstr (just_sync_push_result_get_message (result), ==, "title is required");
          g_assert_null (just_sync_push_result_get_reply (result));
        }
      else
        g_assert_cmpint (just_sync_push_result_get_status (result), ==, JUST_SYNC_PUSH_WRITTEN);
    }
  bad = just_sync_memory_remote_store_server_get (f->remote, f->scope, "bad");
  g_assert_null (bad);

  just_sync_test_remote_reject_id (f->remote, "bad", NULL);
  g_clear_pointer (&results, g_ptr_array_unref);
  results = REMOTE (f->remote, batch_upsert, f->scope, ops);
  for (guint i = 0; i < results->len; i++)
    g_assert_cmpint (just_sync_push_result_get_status (g_ptr_array_index (results, i)), ==,
                     JUST_SYNC_PUSH_WRITTEN);
}

/* A record can fail with any status, transiently too, and not be written. */
static void
test_refuse_id (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GPtrArray) ops = upserts ("a", NULL);
  g_autoptr(GPtrArray) results = NULL;
  g_autoptr(GPtrArray) stored = NULL;
  JustSyncPushResult *result;

  just_sync_test_remote_refuse_id (f->remote, "a", JUST_SYNC_PUSH_PRECONDITION_FAILED, NULL);
  just_sync_test_remote_refuse_id (f->remote, "a", JUST_SYNC_PUSH_RETRY, "busy");
  results = REMOTE (f->remote, batch_upsert, f->scope, ops);
  g_assert_cmpuint (results->len, ==, 1);
  result = g_ptr_array_index (results, 0);
  g_assert_cmpint (just_sync_push_result_get_status (result), ==, JUST_SYNC_PUSH_RETRY);
  g_assert_cmpstr (just_sync_push_result_get_message (result), ==, "busy");
  stored = server_list (f);
  g_assert_cmpuint (stored->len, ==, 0);

  just_sync_test_remote_refuse_id (f->remote, "a", JUST_SYNC_PUSH_WRITTEN, NULL);
  g_clear_pointer (&results, g_ptr_array_unref);
  results = REMOTE (f->remote, batch_upsert, f->scope, ops);
  g_assert_cmpint (just_sync_push_result_get_status (g_ptr_array_index (results, 0)), ==,
                   JUST_SYNC_PUSH_WRITTEN);
}

static void
test_latency (Fixture       *f,
              gconstpointer  data)
{
  g_autoptr(GPtrArray) ops = upserts ("a", NULL);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) results = NULL;
  g_autoptr(GPtrArray) stored = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  GAsyncResult *pending = NULL;
  gint64 start;

  just_sync_memory_remote_store_set_latency (f->remote, 50);
  start = g_get_monotonic_time ();
  results = REMOTE (f->remote, batch_upsert, f->scope, ops);
  g_assert_cmpint (g_get_monotonic_time () - start, >=, 50 * 1000);
  g_assert_cmpuint (results->len, ==, 1);

  /* Cancelled while on the way: the server never sees it. */
  g_clear_pointer (&results, g_ptr_array_unref);
  g_ptr_array_set_size (ops, 0);
  g_ptr_array_add (ops, new_op (2, JUST_SYNC_OP_UPSERT, "b"));
  just_sync_remote_store_batch_upsert_async (JUST_SYNC_REMOTE_STORE (f->remote), f->scope, ops,
                                             cancellable, just_sync_test_result_cb, &pending);
  g_cancellable_cancel (cancellable);
  result = just_sync_test_await (&pending);
  results = just_sync_remote_store_batch_upsert_finish (JUST_SYNC_REMOTE_STORE (f->remote), result,
                                                        &error);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_null (results);
  stored = server_list (f);
  g_assert_cmpuint (stored->len, ==, 1);
}

static void
test_manual_clock (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(GPtrArray) ops = upserts ("a", "b", NULL);
  g_autoptr(GPtrArray) results = NULL;
  g_autoptr(JustSyncRecord) late = NULL;
  g_autoptr(JustSyncRecord) deleted = NULL;

  just_sync_test_remote_set_clock (f->remote, T0);
  g_assert_cmpint (REMOTE (f->remote, get_server_time), ==, T0);

  results = REMOTE (f->remote, batch_upsert, f->scope, ops);
  for (guint i = 0; i < results->len; i++)
    g_assert_cmpint (just_sync_record_get_updated_at (just_sync_push_result_get_reply (g_ptr_array_index (results, i))),
                     ==, T0);

  just_sync_test_remote_advance_clock (f->remote, 5 * G_USEC_PER_SEC);
  g_assert_cmpint (REMOTE (f->remote, get_server_time), ==, T0 + 5 * G_USEC_PER_SEC);
  deleted = just_sync_memory_remote_store_server_delete (f->remote, f->scope, "a");
  g_assert_cmpint (just_sync_record_get_updated_at (deleted), ==, T0 + 5 * G_USEC_PER_SEC);
  g_assert_cmpint (just_sync_record_get_deleted_at (deleted), ==, T0 + 5 * G_USEC_PER_SEC);

  /* A clock that steps back, and a late commit with an old stamp. */
  just_sync_test_remote_advance_clock (f->remote, -10 * G_USEC_PER_SEC);
  g_assert_cmpint (REMOTE (f->remote, get_server_time), ==, T0 - 5 * G_USEC_PER_SEC);
  late = just_sync_memory_remote_store_server_upsert (f->remote, f->scope, "late", NULL, T0 - 60 * G_USEC_PER_SEC);
  g_assert_cmpint (just_sync_record_get_updated_at (late), ==, T0 - 60 * G_USEC_PER_SEC);
}

static void
test_real_clock (Fixture       *f,
                 gconstpointer  data)
{
  gint64 before = just_sync_timestamp_now ();
  gint64 server = REMOTE (f->remote, get_server_time);

  /* Millisecond resolution, as PocketBase and Appwrite stamp. */
  g_assert_cmpint (server % 1000, ==, 0);
  g_assert_cmpint (server, >=, before / 1000 * 1000);
  g_assert_cmpint (server, <=, just_sync_timestamp_now ());
}

static void
test_page_limit (Fixture       *f,
                 gconstpointer  data)
{
  g_autoptr(GPtrArray) ops = upserts ("a", "b", "c", NULL);
  g_autoptr(GPtrArray) results = REMOTE (f->remote, batch_upsert, f->scope, ops);
  g_autoptr(JustSyncDelta) capped = NULL;
  g_autoptr(JustSyncDelta) asked = NULL;

  just_sync_memory_remote_store_set_page_limit (f->remote, 2);
  capped = REMOTE (f->remote, fetch_since, f->scope, NULL, 100);
  g_assert_cmpuint (just_sync_delta_get_records (capped)->len, ==, 2);
  g_assert_true (just_sync_delta_get_has_more (capped));

  /* A client asking for less gets less. */
  asked = REMOTE (f->remote, fetch_since, f->scope, NULL, 1);
  g_assert_cmpuint (just_sync_delta_get_records (asked)->len, ==, 1);
  g_assert_true (just_sync_delta_get_has_more (asked));
}

static void
test_hard_deletes (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(GPtrArray) ops = upserts ("a", "b", NULL);
  g_autoptr(GPtrArray) written = REMOTE (f->remote, batch_upsert, f->scope, ops);
  g_autoptr(GPtrArray) deletes = just_sync_test_ops_new ();
  g_autoptr(GPtrArray) results = NULL;
  g_autoptr(JustSyncDelta) delta = NULL;
  g_autoptr(JustSyncRecord) a = NULL;
  JustSyncRecord *reply;

  just_sync_memory_remote_store_set_keeps_tombstones (f->remote, FALSE);
  g_ptr_array_add (deletes, new_op (3, JUST_SYNC_OP_DELETE, "a"));
  results = REMOTE (f->remote, batch_delete, f->scope, deletes);
  reply = just_sync_push_result_get_reply (g_ptr_array_index (results, 0));
  g_assert_true (just_sync_record_is_deleted (reply));

  /* Gone without a trace: a pull cannot see it. */
  a = just_sync_memory_remote_store_server_get (f->remote, f->scope, "a");
  g_assert_null (a);
  delta = REMOTE (f->remote, fetch_since, f->scope, NULL, 10);
  g_assert_cmpuint (just_sync_delta_get_records (delta)->len, ==, 1);
  g_assert_cmpuint (just_sync_delta_get_n_deletes (delta), ==, 0);
}

static void
test_soft_deletes (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(GPtrArray) ops = upserts ("a", NULL);
  g_autoptr(GPtrArray) written = REMOTE (f->remote, batch_upsert, f->scope, ops);
  g_autoptr(GPtrArray) deletes = just_sync_test_ops_new ();
  g_autoptr(GPtrArray) results = NULL;
  g_autoptr(JustSyncDelta) delta = NULL;

  g_ptr_array_add (deletes, new_op (2, JUST_SYNC_OP_DELETE, "a"));
  results = REMOTE (f->remote, batch_delete, f->scope, deletes);
  delta = REMOTE (f->remote, fetch_since, f->scope, NULL, 10);
  g_assert_cmpuint (just_sync_delta_get_records (delta)->len, ==, 1);
  g_assert_cmpuint (just_sync_delta_get_n_deletes (delta), ==, 1);
  g_assert_true (just_sync_record_is_deleted (g_ptr_array_index (just_sync_delta_get_records (delta), 0)));
}

/* Offline writes on one device reach another through the server. */
static void
test_round_trip (Fixture       *f,
                 gconstpointer  data)
{
  g_autoptr(JustSyncLocalStore) phone = just_sync_memory_local_store_new ();
  g_autoptr(JustSyncLocalStore) laptop = just_sync_memory_local_store_new ();
  g_autoptr(JustSyncConflictResolver) lww = just_sync_last_write_wins_resolver_new ();
  g_autoptr(GPtrArray) records =
    just_sync_test_records (just_sync_test_record ("n1", "{\"title\":\"milk\"}", T0),
                            just_sync_test_record ("n2", "{\"title\":\"eggs\"}", T0), NULL);
  g_autoptr(GPtrArray) ops = NULL;
  g_autoptr(GPtrArray) results = NULL;
  g_autoptr(JustSyncApplyResult) committed = NULL;
  g_autoptr(JustSyncDelta) delta = NULL;
  g_autoptr(JustSyncApplyResult) applied = NULL;
  g_autoptr(GPtrArray) on_phone = NULL;
  g_autoptr(GPtrArray) on_laptop = NULL;

  ops = JUST_SYNC_TEST_AWAIT_OK (just_sync_local_store_upsert_many, phone, f->scope, records);

  results = REMOTE (f->remote, batch_upsert, f->scope, ops);
  committed = JUST_SYNC_TEST_AWAIT_OK (just_sync_local_store_commit_push_results, phone, f->scope, results);
  g_assert_cmpuint (JUST_SYNC_TEST_AWAIT_OK (just_sync_local_store_count_pending_ops, phone, NULL,
                                             JUST_SYNC_OP_STATE_QUEUED), ==, 0);

  delta = REMOTE (f->remote, fetch_since, f->scope, NULL, 100);
  applied = JUST_SYNC_TEST_AWAIT_OK (just_sync_local_store_apply_remote_changes, laptop, f->scope, delta, lww);
  g_assert_cmpuint (just_sync_apply_result_get_count (applied, JUST_SYNC_APPLY_INSERTED), ==, 2);

  on_phone = JUST_SYNC_TEST_AWAIT_OK (just_sync_local_store_query, phone, f->scope);
  on_laptop = JUST_SYNC_TEST_AWAIT_OK (just_sync_local_store_query, laptop, f->scope);
  g_assert_cmpuint (on_phone->len, ==, 2);
  g_assert_cmpuint (on_laptop->len, ==, 2);
  for (guint i = 0; i < on_phone->len; i++)
    g_assert_true (just_sync_record_equal (g_ptr_array_index (on_phone, i), g_ptr_array_index (on_laptop, i)));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  just_sync_test_add_local_store_contract ("/memory-local-store", new_local_store, NULL);
  just_sync_test_add_remote_store_contract ("/memory-remote-store", &remote_contract);

  g_test_add ("/memory-remote-store/fail-before-write", Fixture, NULL, fixture_setup, test_fail_before_write, fixture_teardown);
  g_test_add ("/memory-remote-store/fail-after-write", Fixture, NULL, fixture_setup, test_fail_after_write, fixture_teardown);
  g_test_add ("/memory-remote-store/reject-id", Fixture, NULL, fixture_setup, test_reject_id, fixture_teardown);
  g_test_add ("/memory-remote-store/refuse-id", Fixture, NULL, fixture_setup, test_refuse_id, fixture_teardown);
  g_test_add ("/memory-remote-store/latency", Fixture, NULL, fixture_setup, test_latency, fixture_teardown);
  g_test_add ("/memory-remote-store/manual-clock", Fixture, NULL, fixture_setup, test_manual_clock, fixture_teardown);
  g_test_add ("/memory-remote-store/real-clock", Fixture, NULL, fixture_setup, test_real_clock, fixture_teardown);
  g_test_add ("/memory-remote-store/page-limit", Fixture, NULL, fixture_setup, test_page_limit, fixture_teardown);
  g_test_add ("/memory-remote-store/hard-deletes", Fixture, NULL, fixture_setup, test_hard_deletes, fixture_teardown);
  g_test_add ("/memory-remote-store/soft-deletes", Fixture, NULL, fixture_setup, test_soft_deletes, fixture_teardown);
  g_test_add ("/memory-stores/round-trip", Fixture, NULL, fixture_setup, test_round_trip, fixture_teardown);

  return g_test_run ();
}
