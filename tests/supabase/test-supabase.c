/* test-supabase.c: JustSyncSupabaseStore against real PostgreSQL 15
 *
 * Run under tests/servers/postgrest/pgrst-harness, which starts PostgreSQL
 * and postrust-server (a PostgREST-compatible server) with the tables of
 * tests/servers/postgrest/harness.sql and exports JUSTSYNC_SB_*. Every
 * test works in scopes with its own `tag`, so tests sharing the server
 * never see each other's rows.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <string.h>

#include "justsync-test-contract.h"
#include "sb-test-util.h"

static char *
new_tag (void)
{
  return g_uuid_string_random ();
}

static char *
new_id (void)
{
  return g_uuid_string_random ();
}

static JustSyncPushStatus
status_of (GPtrArray  *results,
           const char *id)
{
  JustSyncPushResult *result = sb_find_result (results, id);

  g_assert_nonnull (result);
  return just_sync_push_result_get_status (result);
}

static JustSyncRecord *
reply_of (GPtrArray  *results,
          const char *id)
{
  g_assert_cmpint (status_of (results, id), ==, JUST_SYNC_PUSH_WRITTEN);
  return just_sync_push_result_get_reply (sb_find_result (results, id));
}

static GPtrArray *
fetch_all (JustSyncSupabaseStore *store,
           JustSyncScope         *scope)
{
  g_autoptr(GError) error = NULL;
  GPtrArray *records = sb_fetch_all (store, scope, 1000, NULL, &error);

  g_assert_no_error (error);
  return records;
}

/* Upserts one new record per id with @json; asserts each was written. */
static GPtrArray *
push_new (JustSyncSupabaseStore *store,
          JustSyncScope         *scope,
          GPtrArray             *ids,
          const char            *json)
{
  g_autoptr(GPtrArray) ops = just_sync_test_ops_new ();
  g_autoptr(GError) error = NULL;
  GPtrArray *results;

  for (guint i = 0; i < ids->len; i++)
    g_ptr_array_add (ops, sb_upsert_op (i + 1, g_ptr_array_index (ids, i), json, NULL));
  results = sb_upsert (store, scope, ops, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (results->len, ==, ids->len);
  for (guint i = 0; i < ids->len; i++)
    reply_of (results, g_ptr_array_index (ids, i));
  return results;
}

static GPtrArray *
new_ids (guint n)
{
  GPtrArray *ids = g_ptr_array_new_with_free_func (g_free);

  for (guint i = 0; i < n; i++)
    g_ptr_array_add (ids, new_id ());
  return ids;
}

static gboolean
is_live (GPtrArray  *records,
         const char *id)
{
  JustSyncRecord *record = just_sync_test_find_record (records, id);

  return record != NULL && !just_sync_record_is_deleted (record);
}

/* A write made on an old version matches no row: the other client's write
 * stays, and the op is told to pull first. */
static void
test_conditional_writes (void)
{
  g_autoptr(JustSyncSupabaseStore) store = sb_store_new (NULL, "SERVICE");
  g_autofree char *tag = new_tag ();
  g_autoptr(JustSyncScope) scope = just_sync_test_scope ("records", "tag", tag, NULL);
  g_autoptr(GPtrArray) ids = new_ids (2);
  g_autoptr(GPtrArray) created = push_new (store, scope, ids, "{\"title\":\"v1\"}");
  const char *id = g_ptr_array_index (ids, 0), *other = g_ptr_array_index (ids, 1);
  g_autofree char *v1 = just_sync_record_dup_version (reply_of (created, id));
  g_autofree char *other_v1 = just_sync_record_dup_version (reply_of (created, other));
  g_autofree char *v2 = NULL;
  g_autoptr(GPtrArray) first = just_sync_test_ops_new ();
  g_autoptr(GPtrArray) late = just_sync_test_ops_new ();
  g_autoptr(GPtrArray) stale_delete = just_sync_test_ops_new ();
  g_autoptr(GPtrArray) deletes = just_sync_test_ops_new ();
  g_autoptr(GPtrArray) r1 = NULL, r2 = NULL, r3 = NULL, r4 = NULL;
  g_autoptr(GPtrArray) records = NULL;
  g_autoptr(GError) error = NULL;

  g_ptr_array_add (first, sb_upsert_op (1, id, "{\"title\":\"first\"}", v1));
  r1 = sb_upsert (store, scope, first, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (just_sync_test_payload_string (reply_of (r1, id), "title"), ==, "first");
  v2 = just_sync_record_dup_version (reply_of (r1, id));

  /* Another client, still on v1. */
  g_ptr_array_add (late, sb_upsert_op (2, id, "{\"title\":\"late\"}", v1));
  r2 = sb_upsert (store, scope, late, &error);
  g_assert_no_error (error);
  g_assert_cmpint (status_of (r2, id), ==, JUST_SYNC_PUSH_PRECONDITION_FAILED);

  g_ptr_array_add (stale_delete, sb_delete_op (3, id, v1));
  r3 = sb_delete (store, scope, stale_delete, &error);
  g_assert_no_error (error);
  g_assert_cmpint (status_of (r3, id), ==, JUST_SYNC_PUSH_PRECONDITION_FAILED);

  records = fetch_all (store, scope);
  g_assert_cmpstr (just_sync_test_payload_string (just_sync_test_find_record (records, id), "title"), ==, "first");

  /* On the current versions both deletes go through, in one request. */
  g_ptr_array_add (deletes, sb_delete_op (4, id, v2));
  g_ptr_array_add (deletes, sb_delete_op (5, other, other_v1));
  r4 = sb_delete (store, scope, deletes, &error);
  g_assert_no_error (error);
  g_assert_true (just_sync_record_is_deleted (reply_of (r4, id)));
  g_assert_true (just_sync_record_is_deleted (reply_of (r4, other)));
  g_clear_pointer (&records, g_ptr_array_unref);
  records = fetch_all (store, scope);
  g_assert_cmpuint (records->len, ==, 2);
  g_assert_false (is_live (records, id));
  g_assert_false (is_live (records, other));
}

/* Two clients write one row at the same moment, both on the version they
 * pulled: PostgreSQL runs both updates, and exactly one matches. */
static void
test_conditional_race (void)
{
  g_autoptr(JustSyncSupabaseStore) one = sb_store_new (NULL, "SERVICE");
  g_autoptr(JustSyncSupabaseStore) two = sb_store_new (NULL, "SERVICE");
  g_autofree char *tag = new_tag ();
  g_autoptr(JustSyncScope) scope = just_sync_test_scope ("records", "tag", tag, NULL);
  g_autoptr(GPtrArray) ids = new_ids (1);
  g_autoptr(GPtrArray) created = push_new (one, scope, ids, "{\"title\":\"start\"}");
  const char *id = g_ptr_array_index (ids, 0);
  g_autofree char *version = just_sync_record_dup_version (reply_of (created, id));

  for (guint round = 0; round < 20; round++)
    {
      g_autoptr(GPtrArray) ops_one = just_sync_test_ops_new ();
      g_autoptr(GPtrArray) ops_two = just_sync_test_ops_new ();
      g_autoptr(GPtrArray) r_one = NULL, r_two = NULL;
      GAsyncResult *slot_one = NULL, *slot_two = NULL;
      g_autoptr(GAsyncResult) res_one = NULL, res_two = NULL;
      JustSyncPushStatus s_one, s_two;
      g_autoptr(GError) error = NULL;

      g_ptr_array_add (ops_one, sb_upsert_op (1, id, "{\"title\":\"one\"}", version));
      g_ptr_array_add (ops_two, sb_upsert_op (1, id, "{\"title\":\"two\"}", version));
      just_sync_remote_store_batch_upsert_async (JUST_SYNC_REMOTE_STORE (one), scope, ops_one, NULL,
                                                 just_sync_test_result_cb, &slot_one);
      just_sync_remote_store_batch_upsert_async (JUST_SYNC_REMOTE_STORE (two), scope, ops_two, NULL,
                                                 just_sync_test_result_cb, &slot_two);
      res_one = just_sync_test_await (&slot_one);
      res_two = just_sync_test_await (&slot_two);
      r_one = just_sync_remote_store_batch_upsert_finish (JUST_SYNC_REMOTE_STORE (one), res_one, &error);
      g_assert_no_error (error);
      r_two = just_sync_remote_store_batch_upsert_finish (JUST_SYNC_REMOTE_STORE (two), res_two, &error);
      g_assert_no_error (error);

      s_one = status_of (r_one, id);
      s_two = status_of (r_two, id);
      g_assert_true ((s_one == JUST_SYNC_PUSH_WRITTEN && s_two == JUST_SYNC_PUSH_PRECONDITION_FAILED) ||
                     (s_two == JUST_SYNC_PUSH_WRITTEN && s_one == JUST_SYNC_PUSH_PRECONDITION_FAILED));
      g_free (version);
      version = just_sync_record_dup_version (reply_of (s_one == JUST_SYNC_PUSH_WRITTEN ? r_one : r_two, id));
    }
}

/* Row-level security: each user reaches only their own rows, whatever
 * scope they name. */
static void
test_rls_isolation (void)
{
  g_autoptr(JustSyncSupabaseStore) alice = sb_store_new (NULL, "ALICE");
  g_autoptr(JustSyncSupabaseStore) bob = sb_store_new (NULL, "BOB");
  g_autofree char *tag = new_tag ();
  g_autoptr(JustSyncScope) alice_scope = sb_user_scope ("ALICE", tag);
  g_autoptr(JustSyncScope) bob_scope = sb_user_scope ("BOB", tag);
  g_autoptr(GPtrArray) alice_ids = new_ids (3);
  g_autoptr(GPtrArray) bob_ids = new_ids (2);
  g_autoptr(GPtrArray) a = push_new (alice, alice_scope, alice_ids, "{\"title\":\"alice's\"}");
  g_autoptr(GPtrArray) b = push_new (bob, bob_scope, bob_ids, "{\"title\":\"bob's\"}");
  const char *target = g_ptr_array_index (alice_ids, 0);
  g_autoptr(GPtrArray) peek = NULL, mine = NULL, theirs = NULL;
  g_autoptr(GPtrArray) takeover = just_sync_test_ops_new ();
  g_autoptr(GPtrArray) forge = just_sync_test_ops_new ();
  g_autoptr(GPtrArray) remove = just_sync_test_ops_new ();
  g_autoptr(GPtrArray) r1 = NULL, r2 = NULL, r3 = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *forged = new_id ();

  /* Bob asking for Alice's scope gets nothing. */
  peek = fetch_all (bob, alice_scope);
  g_assert_cmpuint (peek->len, ==, 0);
  mine = fetch_all (bob, bob_scope);
  g_assert_cmpuint (mine->len, ==, 2);

  /* Bob writing Alice's id into his scope: rejected, her row untouched. */
  g_ptr_array_add (takeover, sb_upsert_op (1, target, "{\"title\":\"bob was here\"}", NULL));
  r1 = sb_upsert (bob, bob_scope, takeover, &error);
  g_assert_no_error (error);
  g_assert_cmpint (status_of (r1, target), ==, JUST_SYNC_PUSH_REJECTED);

  /* Bob writing a row into Alice's scope: the insert policy refuses. */
  g_ptr_array_add (forge, sb_upsert_op (2, forged, "{\"title\":\"forged\"}", NULL));
  r2 = sb_upsert (bob, alice_scope, forge, &error);
  g_assert_no_error (error);
  g_assert_cmpint (status_of (r2, forged), ==, JUST_SYNC_PUSH_REJECTED);
  g_assert_nonnull (strstr (just_sync_push_result_get_message (sb_find_result (r2, forged)), "row-level security"));

  /* Bob deleting Alice's id from his scope: nothing of his to delete. */
  g_ptr_array_add (remove, sb_delete_op (3, target, NULL));
  r3 = sb_delete (bob, bob_scope, remove, &error);
  g_assert_no_error (error);
  g_assert_cmpint (status_of (r3, target), ==, JUST_SYNC_PUSH_WRITTEN);

  theirs = fetch_all (alice, alice_scope);
  g_assert_cmpuint (theirs->len, ==, 3);
  g_assert_true (is_live (theirs, target));
  g_assert_cmpstr (just_sync_test_payload_string (just_sync_test_find_record (theirs, target), "title"), ==,
                   "alice's");
  g_assert_false (is_live (theirs, forged));
}

/* A row Bob can read but not change: deleting it affects no row and no
 * error comes back; the store finds out and rejects the delete. */
static void
test_rls_blocked_delete (void)
{
  g_autoptr(JustSyncSupabaseStore) alice = sb_store_new (NULL, "ALICE");
  g_autoptr(JustSyncSupabaseStore) bob_soft = sb_store_new (NULL, "BOB");
  g_autoptr(JustSyncSupabaseStore) bob_hard = sb_store_new (NULL, "BOB");
  g_autofree char *tag = new_tag ();
  g_autoptr(JustSyncScope) alice_scope = sb_user_scope ("ALICE", tag);
  g_autoptr(JustSyncScope) shared = just_sync_test_scope ("records", "reader", sb_env ("JUSTSYNC_SB_BOB_ID"),
                                                          "tag", tag, NULL);
  g_autofree char *id = new_id ();
  g_autofree char *json = g_strdup_printf ("{\"title\":\"read only\",\"reader\":\"%s\"}",
                                           sb_env ("JUSTSYNC_SB_BOB_ID"));
  g_autoptr(GPtrArray) ids = g_ptr_array_new ();
  g_autoptr(GPtrArray) created = NULL;
  g_autoptr(GPtrArray) seen = NULL, after = NULL;
  g_autoptr(GPtrArray) ops = just_sync_test_ops_new ();
  g_autoptr(GPtrArray) soft = NULL, hard = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *version = NULL;

  g_ptr_array_add (ids, id);
  created = push_new (alice, alice_scope, ids, json);
  seen = fetch_all (bob_soft, shared);
  g_assert_cmpuint (seen->len, ==, 1);
  version = just_sync_record_dup_version (g_ptr_array_index (seen, 0));

  just_sync_supabase_store_set_soft_delete_column (bob_hard, NULL);
  g_ptr_array_add (ops, sb_delete_op (1, id, version));
  soft = sb_delete (bob_soft, shared, ops, &error);
  g_assert_no_error (error);
  g_assert_cmpint (status_of (soft, id), ==, JUST_SYNC_PUSH_REJECTED);
  hard = sb_delete (bob_hard, shared, ops, &error);
  g_assert_no_error (error);
  g_assert_cmpint (status_of (hard, id), ==, JUST_SYNC_PUSH_REJECTED);

  after = fetch_all (alice, alice_scope);
  g_assert_true (is_live (after, id));
}

/* Rows with different columns go in separate inserts; a row the server
 * refuses is found and rejected alone. */
static void
test_insert_rejections (void)
{
  g_autoptr(JustSyncSupabaseStore) store = sb_store_new (NULL, "SERVICE");
  g_autofree char *tag = new_tag ();
  g_autoptr(JustSyncScope) scope = just_sync_test_scope ("records", "tag", tag, NULL);
  g_autoptr(GPtrArray) ids = new_ids (4);
  g_autoptr(GPtrArray) ops = just_sync_test_ops_new ();
  g_autoptr(GPtrArray) results = NULL;
  g_autoptr(GPtrArray) records = NULL;
  g_autoptr(GError) error = NULL;

  g_ptr_array_add (ops, sb_upsert_op (1, g_ptr_array_index (ids, 0), "{\"title\":\"a\"}", NULL));
  g_ptr_array_add (ops, sb_upsert_op (2, g_ptr_array_index (ids, 1), "{\"title\":\"b\",\"n\":2}", NULL));
  g_ptr_array_add (ops, sb_upsert_op (3, g_ptr_array_index (ids, 2), "{\"title\":\"c\",\"n\":\"not a number\"}", NULL));
  g_ptr_array_add (ops, sb_upsert_op (4, g_ptr_array_index (ids, 3), "{\"title\":\"d\",\"n\":4}", NULL));
  results = sb_upsert (store, scope, ops, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (results->len, ==, 4);
  reply_of (results, g_ptr_array_index (ids, 0));
  reply_of (results, g_ptr_array_index (ids, 1));
  g_assert_cmpint (status_of (results, g_ptr_array_index (ids, 2)), ==, JUST_SYNC_PUSH_REJECTED);
  reply_of (results, g_ptr_array_index (ids, 3));

  records = fetch_all (store, scope);
  g_assert_cmpuint (records->len, ==, 3);
}

/* The server caps every reply at 1,000 rows (PGRST_DB_MAX_ROWS, as
 * Supabase does): a pull that asks for more still gets every row. */
static void
test_row_cap (void)
{
  g_autoptr(JustSyncSupabaseStore) store = sb_store_new (NULL, "SERVICE");
  g_autofree char *tag = new_tag ();
  g_autoptr(JustSyncScope) scope = just_sync_test_scope ("records", "tag", tag, NULL);
  g_autoptr(GPtrArray) ids = new_ids (1500);
  g_autoptr(GPtrArray) results = NULL;
  g_autoptr(GPtrArray) records = NULL;
  g_autoptr(JustSyncDelta) first = NULL;
  g_autoptr(GError) error = NULL;
  guint pages = 0;

  results = push_new (store, scope, ids, "{\"title\":\"capped\"}");
  just_sync_supabase_store_set_page_size (store, 5000);

  first = JUST_SYNC_TEST_AWAIT_OK (just_sync_remote_store_fetch_since, JUST_SYNC_REMOTE_STORE (store),
                                   scope, NULL, 5000);
  g_assert_cmpuint (just_sync_delta_get_records (first)->len, ==, 1000);
  g_assert_true (just_sync_delta_get_has_more (first));

  records = sb_fetch_all (store, scope, 5000, &pages, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (records->len, ==, 1500);
  g_assert_cmpuint (pages, ==, 3);
}

static void
test_paging_5000 (void)
{
  g_autoptr(JustSyncSupabaseStore) store = sb_store_new (NULL, "SERVICE");
  g_autofree char *tag = new_tag ();
  g_autoptr(JustSyncScope) scope = just_sync_test_scope ("records", "tag", tag, NULL);
  g_autoptr(GPtrArray) ids = new_ids (5000);
  g_autoptr(GPtrArray) results = NULL;
  g_autoptr(GPtrArray) records = NULL;
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GError) error = NULL;
  gint64 start, push_time, pull_time;
  guint pages = 0;

  start = g_get_monotonic_time ();
  results = push_new (store, scope, ids, "{\"title\":\"bulk\",\"n\":1}");
  push_time = g_get_monotonic_time () - start;

  start = g_get_monotonic_time ();
  records = sb_fetch_all (store, scope, 1000, &pages, &error);
  pull_time = g_get_monotonic_time () - start;
  g_assert_no_error (error);
  g_assert_cmpuint (records->len, ==, 5000);
  for (guint i = 0; i < records->len; i++)
    g_assert_true (g_hash_table_add (seen, (gpointer) just_sync_record_get_id (g_ptr_array_index (records, i))));
  g_assert_cmpuint (pages, ==, 6);
  g_printerr ("supabase paging-5000: pushed 5000 new rows in %" G_GINT64_FORMAT " ms, "
              "pulled them in %u pages in %" G_GINT64_FORMAT " ms\n",
              push_time / 1000, pages, pull_time / 1000);
}

/* The server's clock comes from justsync_server_time(), to the microsecond. */
static void
test_server_time (void)
{
  g_autoptr(JustSyncSupabaseStore) store = sb_store_new (NULL, "ALICE");
  gint64 before = just_sync_timestamp_now ();
  gint64 a = JUST_SYNC_TEST_AWAIT_OK (just_sync_remote_store_get_server_time, JUST_SYNC_REMOTE_STORE (store));
  gint64 b = JUST_SYNC_TEST_AWAIT_OK (just_sync_remote_store_get_server_time, JUST_SYNC_REMOTE_STORE (store));

  g_assert_cmpint (ABS (a - before), <, 5 * G_USEC_PER_SEC);
  g_assert_cmpint (b, >, a);
  /* A Date header would be whole seconds (plus the half the store adds). */
  g_assert_true (a % G_USEC_PER_SEC != G_USEC_PER_SEC / 2 || b % G_USEC_PER_SEC != G_USEC_PER_SEC / 2);
}

/* An expired token fails every call with AUTH: nothing is settled, so the
 * engine keeps every change queued. */
static void
test_expired_token (void)
{
  g_autoptr(JustSyncSupabaseStore) store = sb_store_new (NULL, "EXPIRED");
  g_autofree char *tag = new_tag ();
  g_autoptr(JustSyncScope) scope = sb_user_scope ("ALICE", tag);
  g_autoptr(GPtrArray) ops = just_sync_test_ops_new ();
  g_autoptr(GPtrArray) results = NULL;
  g_autoptr(GPtrArray) records = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *id = new_id ();

  records = sb_fetch_all (store, scope, 10, NULL, &error);
  g_assert_null (records);
  g_assert_error (error, JUST_SYNC_ERROR, JUST_SYNC_ERROR_AUTH);
  g_clear_error (&error);

  g_ptr_array_add (ops, sb_upsert_op (1, id, "{\"title\":\"x\"}", NULL));
  results = sb_upsert (store, scope, ops, &error);
  g_assert_null (results);
  g_assert_error (error, JUST_SYNC_ERROR, JUST_SYNC_ERROR_AUTH);
}

/* --- faults, through an in-process proxy ------------------------------- */

typedef struct
{
  HttpTestProxy *proxy;
  JustSyncSupabaseStore *store;
  JustSyncScope *scope;
} Faults;

static void
faults_setup (Faults        *fixture,
              gconstpointer  data)
{
  g_autofree char *tag = new_tag ();

  fixture->proxy = http_test_proxy_new (sb_env ("JUSTSYNC_SB_URL"));
  fixture->store = sb_store_new (http_test_proxy_get_url (fixture->proxy), "SERVICE");
  fixture->scope = just_sync_test_scope ("records", "tag", tag, NULL);
}

static void
faults_teardown (Faults        *fixture,
                 gconstpointer  data)
{
  g_clear_object (&fixture->store);
  g_clear_pointer (&fixture->scope, just_sync_scope_unref);
  g_clear_pointer (&fixture->proxy, http_test_proxy_free);
}

static GPtrArray *
upsert_ops (GPtrArray  *ids,
            const char *json)
{
  GPtrArray *ops = just_sync_test_ops_new ();

  for (guint i = 0; i < ids->len; i++)
    g_ptr_array_add (ops, sb_upsert_op (i + 1, g_ptr_array_index (ids, i), json, NULL));
  return ops;
}

static void
assert_fetch_fails (Faults        *fixture,
                    JustSyncError  code)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) records = sb_fetch_all (fixture->store, fixture->scope, 100, NULL, &error);

  g_assert_null (records);
  g_assert_error (error, JUST_SYNC_ERROR, (int) code);
  g_assert_true (just_sync_error_is_transient (error));
}

/* 5xx and 429 fail a pull; a push retries every op, as long as the server
 * asked; a failure after a first bulk insert keeps what was written. */
static void
test_fault_server_error (Faults        *fixture,
                         gconstpointer  data)
{
  g_autoptr(GPtrArray) ids = new_ids (4);
  g_autoptr(GPtrArray) ops = upsert_ops (ids, "{\"title\":\"busy\"}");
  g_autoptr(GPtrArray) results = NULL, again = NULL, records = NULL;
  g_autoptr(GError) error = NULL;

  http_test_proxy_set_fault (fixture->proxy, HTTP_TEST_FAULT_STATUS, 1, "/records", 500, NULL, 0);
  assert_fetch_fails (fixture, JUST_SYNC_ERROR_SERVER);

  http_test_proxy_set_fault (fixture->proxy, HTTP_TEST_FAULT_STATUS, 1, "/records", 429, "3", 0);
  results = sb_upsert (fixture->store, fixture->scope, ops, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (results->len, ==, 4);
  for (guint i = 0; i < results->len; i++)
    {
      JustSyncPushResult *result = g_ptr_array_index (results, i);

      g_assert_cmpint (just_sync_push_result_get_status (result), ==, JUST_SYNC_PUSH_RETRY);
      g_assert_cmpint (just_sync_push_result_get_retry_after (result), ==, 3 * G_USEC_PER_SEC);
    }

  /* Two inserts of two rows; the second fails. */
  just_sync_supabase_store_set_batch_size (fixture->store, 2);
  http_test_proxy_set_fault (fixture->proxy, HTTP_TEST_FAULT_STATUS, 1, "/records", 503, NULL, 0);
  http_test_proxy_skip (fixture->proxy, 1);
  again = sb_upsert (fixture->store, fixture->scope, ops, &error);
  g_assert_no_error (error);
  g_assert_cmpint (status_of (again, g_ptr_array_index (ids, 0)), ==, JUST_SYNC_PUSH_WRITTEN);
  g_assert_cmpint (status_of (again, g_ptr_array_index (ids, 1)), ==, JUST_SYNC_PUSH_WRITTEN);
  g_assert_cmpint (status_of (again, g_ptr_array_index (ids, 2)), ==, JUST_SYNC_PUSH_RETRY);
  g_assert_cmpint (status_of (again, g_ptr_array_index (ids, 3)), ==, JUST_SYNC_PUSH_RETRY);
  records = fetch_all (fixture->store, fixture->scope);
  g_assert_cmpuint (records->len, ==, 2);
}

/* No usable reply: the call fails with a transient NETWORK error and
 * nothing is settled. */
static void
test_fault_no_reply (Faults        *fixture,
                     gconstpointer  data)
{
  static const HttpTestFault faults[] = {
    HTTP_TEST_FAULT_DROP, HTTP_TEST_FAULT_TRUNCATE, HTTP_TEST_FAULT_LOSE_REPLY,
  };
  g_autoptr(GPtrArray) ids = new_ids (2);
  g_autoptr(GPtrArray) ops = upsert_ops (ids, "{\"title\":\"lost\"}");

  for (guint i = 0; i < G_N_ELEMENTS (faults); i++)
    {
      g_autoptr(GPtrArray) results = NULL;
      g_autoptr(GError) error = NULL;

      http_test_proxy_set_fault (fixture->proxy, faults[i], 1, "/records", 0, NULL, 0);
      assert_fetch_fails (fixture, JUST_SYNC_ERROR_NETWORK);
      http_test_proxy_set_fault (fixture->proxy, faults[i], 1, "/records", 0, NULL, 0);
      results = sb_upsert (fixture->store, fixture->scope, ops, &error);
      g_assert_null (results);
      g_assert_error (error, JUST_SYNC_ERROR, JUST_SYNC_ERROR_NETWORK);
    }
}

/* A server slower than the store's timeout is a transient failure. */
static void
test_fault_slow (Faults        *fixture,
                 gconstpointer  data)
{
  just_sync_supabase_store_set_timeout (fixture->store, 1);
  http_test_proxy_set_fault (fixture->proxy, HTTP_TEST_FAULT_DELAY, 1, "/records", 0, NULL, 2500);
  assert_fetch_fails (fixture, JUST_SYNC_ERROR_NETWORK);
}

/* --- the store contract ------------------------------------------------ */

/* The service role: the contract's scopes differ only in `tag`, which no
 * policy enforces, so its scoping case checks the store's own filters. */
static JustSyncRemoteStore *
new_soft_store (gpointer user_data)
{
  return JUST_SYNC_REMOTE_STORE (sb_store_new (NULL, "SERVICE"));
}

static JustSyncRemoteStore *
new_hard_store (gpointer user_data)
{
  JustSyncSupabaseStore *store = sb_store_new (NULL, "SERVICE");

  just_sync_supabase_store_set_soft_delete_column (store, NULL);
  return JUST_SYNC_REMOTE_STORE (store);
}

/* The harness's test clock: this token's writes all get one stamp. */
static void
stop_clock (JustSyncRemoteStore *store,
            gpointer             user_data)
{
  just_sync_supabase_store_set_access_token (JUST_SYNC_SUPABASE_STORE (store), sb_env ("JUSTSYNC_SB_FROZEN_KEY"));
}

static const JustSyncTestRemoteStoreContract soft_contract = {
  .scope_name = "records",
  .scope_key = "tag",
  .new_store = new_soft_store,
  .stop_clock = stop_clock,
};

static const JustSyncTestRemoteStoreContract hard_contract = {
  .scope_name = "hard_records",
  .scope_key = "tag",
  .new_store = new_hard_store,
  .stop_clock = stop_clock,
};

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  just_sync_test_add_remote_store_contract ("/supabase/soft-deletes", &soft_contract);
  just_sync_test_add_remote_store_contract ("/supabase/hard-deletes", &hard_contract);

  g_test_add_func ("/supabase/conditional-writes", test_conditional_writes);
  g_test_add_func ("/supabase/conditional-race", test_conditional_race);
  g_test_add_func ("/supabase/rls-isolation", test_rls_isolation);
  g_test_add_func ("/supabase/rls-blocked-delete", test_rls_blocked_delete);
  g_test_add_func ("/supabase/insert-rejections", test_insert_rejections);
  g_test_add_func ("/supabase/row-cap", test_row_cap);
  g_test_add_func ("/supabase/paging-5000", test_paging_5000);
  g_test_add_func ("/supabase/server-time", test_server_time);
  g_test_add_func ("/supabase/expired-token", test_expired_token);

#define FAULT(name, func) \
  g_test_add ("/supabase/fault/" name, Faults, NULL, faults_setup, func, faults_teardown)

  FAULT ("server-error", test_fault_server_error);
  FAULT ("no-reply", test_fault_no_reply);
  FAULT ("slow", test_fault_slow);

#undef FAULT

  return g_test_run ();
}
