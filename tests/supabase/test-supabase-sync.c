/* test-supabase-sync.c: clients syncing through PostgreSQL + PostgREST
 *
 * Each client has its own SQLite store, its own JustSyncSupabaseStore and
 * its own JustSyncOrchestrator. Client a talks to the server through a
 * fault-injecting proxy. Run under tests/servers/postgrest/pgrst-harness.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <string.h>

#include "sb-test-util.h"
#include "test-support.h"

#define RACE_ROUNDS 20

typedef struct
{
  HttpTestProxy *proxy;
  JustSyncScope *scope;
  TestClient a;                     /* through the proxy */
  TestClient b;
} Fixture;

static void
client_init (TestClient *client,
             const char *url,
             const char *who)
{
  g_autoptr(JustSyncSupabaseStore) remote = sb_store_new (url, who);

  test_client_init (client, test_new_sqlite_store (), JUST_SYNC_REMOTE_STORE (remote));
}

/* Two devices of ALICE's, in a scope of her own. */
static void
fixture_setup (Fixture       *fixture,
               gconstpointer  data)
{
  g_autofree char *tag = g_uuid_string_random ();

  fixture->proxy = http_test_proxy_new (sb_env ("JUSTSYNC_SB_URL"));
  fixture->scope = sb_user_scope ("ALICE", tag);
  client_init (&fixture->a, http_test_proxy_get_url (fixture->proxy), "ALICE");
  client_init (&fixture->b, NULL, "ALICE");
}

static void
fixture_teardown (Fixture       *fixture,
                  gconstpointer  data)
{
  test_client_clear (&fixture->a);
  test_client_clear (&fixture->b);
  g_clear_pointer (&fixture->scope, just_sync_scope_unref);
  g_clear_pointer (&fixture->proxy, http_test_proxy_free);
}

static JustSyncSyncResult *
sync_ok (TestClient    *client,
         JustSyncScope *scope)
{
  return test_sync_ok (client->orchestrator, scope);
}

static void
assert_title (TestClient    *client,
              JustSyncScope *scope,
              const char    *id,
              const char    *title)
{
  g_autoptr(JustSyncRecord) record = just_sync_test_local_get (client->local, scope, id);

  g_assert_nonnull (record);
  g_assert_false (just_sync_record_is_deleted (record));
  g_assert_cmpstr (just_sync_test_payload_string (record, "title"), ==, title);
}

static guint
count (GPtrArray *array)
{
  guint n = array->len;

  g_ptr_array_unref (array);
  return n;
}

/* Both clients hold the same live records, with the same content, and
 * nothing is queued. */
static void
assert_converged (Fixture *fixture,
                  guint    n_live)
{
  g_autoptr(GPtrArray) a = just_sync_test_local_query (fixture->a.local, fixture->scope);
  g_autoptr(GPtrArray) b = just_sync_test_local_query (fixture->b.local, fixture->scope);

  g_assert_cmpuint (a->len, ==, n_live);
  g_assert_cmpuint (b->len, ==, n_live);
  for (guint i = 0; i < a->len; i++)
    {
      JustSyncRecord *mine = g_ptr_array_index (a, i);
      JustSyncRecord *theirs = just_sync_test_find_record (b, just_sync_record_get_id (mine));

      g_assert_nonnull (theirs);
      g_assert_cmpstr (just_sync_record_get_content_hash (mine), ==, just_sync_record_get_content_hash (theirs));
    }
  g_assert_cmpuint (count (just_sync_test_local_list_ops (fixture->a.local, fixture->scope)), ==, 0);
  g_assert_cmpuint (count (just_sync_test_local_list_ops (fixture->b.local, fixture->scope)), ==, 0);
}

static void
test_crud (Fixture       *fixture,
           gconstpointer  data)
{
  g_autoptr(JustSyncRecord) r1 = test_create (fixture->a.orchestrator, fixture->scope, NULL, "{\"title\":\"one\",\"n\":1}");
  g_autoptr(JustSyncRecord) r2 = test_create (fixture->a.orchestrator, fixture->scope, NULL, "{\"title\":\"two\"}");
  g_autoptr(JustSyncRecord) r3 = test_create (fixture->a.orchestrator, fixture->scope, NULL, "{\"title\":\"three\",\"done\":true}");
  g_autoptr(JustSyncRecord) r1b = NULL;
  g_autoptr(JustSyncRecord) gone = NULL;
  g_autoptr(JustSyncSyncResult) pushed = NULL, pulled = NULL, echo = NULL, b_push = NULL, a_pull = NULL;

  pushed = sync_ok (&fixture->a, fixture->scope);
  g_assert_cmpuint (just_sync_sync_result_get_pushed (pushed), ==, 3);
  pulled = sync_ok (&fixture->b, fixture->scope);
  g_assert_cmpuint (just_sync_sync_result_get_pulled (pulled), ==, 3);
  assert_title (&fixture->b, fixture->scope, just_sync_record_get_id (r3), "three");

  /* A's own writes come back as echoes: nothing to apply, no conflict. */
  echo = sync_ok (&fixture->a, fixture->scope);
  g_assert_cmpuint (just_sync_sync_result_get_pulled (echo), ==, 0);
  g_assert_cmpuint (just_sync_sync_result_get_conflicts (echo)->len, ==, 0);

  r1b = test_update (fixture->b.orchestrator, fixture->scope, just_sync_record_get_id (r1),
                     "{\"title\":\"one, edited\",\"n\":2}");
  test_delete (fixture->b.orchestrator, fixture->scope, just_sync_record_get_id (r2));
  b_push = sync_ok (&fixture->b, fixture->scope);
  g_assert_cmpuint (just_sync_sync_result_get_pushed (b_push), ==, 2);

  a_pull = sync_ok (&fixture->a, fixture->scope);
  assert_title (&fixture->a, fixture->scope, just_sync_record_get_id (r1), "one, edited");
  gone = just_sync_test_local_get (fixture->a.local, fixture->scope, just_sync_record_get_id (r2));
  g_assert_true (gone == NULL || just_sync_record_is_deleted (gone));

  assert_converged (fixture, 2);
  g_assert_cmpuint (count (just_sync_test_local_list_conflicts (fixture->a.local, fixture->scope)), ==, 0);
  g_assert_cmpuint (count (just_sync_test_local_list_conflicts (fixture->b.local, fixture->scope)), ==, 0);
}

/* Last write wins, whichever client syncs first. */
static void
test_conflict_lww (Fixture       *fixture,
                   gconstpointer  data)
{
  g_autoptr(JustSyncRecord) r1 = test_create (fixture->a.orchestrator, fixture->scope, NULL, "{\"title\":\"base 1\"}");
  g_autoptr(JustSyncRecord) r2 = test_create (fixture->a.orchestrator, fixture->scope, NULL, "{\"title\":\"base 2\"}");
  g_autoptr(JustSyncSyncResult) s1 = sync_ok (&fixture->a, fixture->scope);
  g_autoptr(JustSyncSyncResult) s2 = sync_ok (&fixture->b, fixture->scope);
  g_autoptr(JustSyncSyncResult) s3 = NULL, s4 = NULL, s5 = NULL, s6 = NULL;
  g_autoptr(JustSyncRecord) e1 = NULL, e2 = NULL, e3 = NULL, e4 = NULL;
  const char *id1 = just_sync_record_get_id (r1), *id2 = just_sync_record_get_id (r2);

  e2 = test_update (fixture->b.orchestrator, fixture->scope, id2, "{\"title\":\"2 by B, earlier\"}");
  just_sync_test_sleep (50);
  e1 = test_update (fixture->a.orchestrator, fixture->scope, id1, "{\"title\":\"1 by A, earlier\"}");
  e3 = test_update (fixture->a.orchestrator, fixture->scope, id2, "{\"title\":\"2 by A, later\"}");
  s3 = sync_ok (&fixture->a, fixture->scope);
  just_sync_test_sleep (50);
  e4 = test_update (fixture->b.orchestrator, fixture->scope, id1, "{\"title\":\"1 by B, later\"}");

  /* B pulls A's versions of both: two real conflicts. */
  s4 = sync_ok (&fixture->b, fixture->scope);
  g_assert_cmpuint (just_sync_sync_result_get_conflicts (s4)->len, ==, 2);
  s5 = sync_ok (&fixture->a, fixture->scope);
  s6 = sync_ok (&fixture->b, fixture->scope);

  assert_title (&fixture->a, fixture->scope, id1, "1 by B, later");
  assert_title (&fixture->b, fixture->scope, id1, "1 by B, later");
  assert_title (&fixture->a, fixture->scope, id2, "2 by A, later");
  assert_title (&fixture->b, fixture->scope, id2, "2 by A, later");
  assert_converged (fixture, 2);
}

/* A sync of the race: it succeeds, or its push met the other client's
 * newer version (a failed precondition), which fails it with CONFLICT. */
typedef struct
{
  gboolean done;
  JustSyncSyncResult *result;
} Outcome;

static void
outcome_clear (Outcome *outcome)
{
  g_clear_pointer (&outcome->result, just_sync_sync_result_unref);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Outcome, outcome_clear)

static void
sync_done_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  Outcome *out = user_data;
  g_autoptr(GError) error = NULL;

  out->result = just_sync_orchestrator_synchronize_finish (JUST_SYNC_ORCHESTRATOR (object), result, &error);
  if (out->result == NULL)
    g_assert_error (error, JUST_SYNC_ERROR, JUST_SYNC_ERROR_CONFLICT);
  out->done = TRUE;
}

static guint
n_conflicts (JustSyncSyncResult *result)
{
  return result != NULL ? just_sync_sync_result_get_conflicts (result)->len : 0;
}

static guint
n_pushed (JustSyncSyncResult *result)
{
  return result != NULL ? just_sync_sync_result_get_pushed (result) : 0;
}

/*
 * Two devices edit one row at once and sync at the same moment, over and
 * over: both pull before either pushes, so each pushes a change made on
 * the version the other is replacing. Without conditional writes both
 * pushes succeed and the first is overwritten unseen, a silent overwrite:
 * a round of concurrent edits that leaves no conflict anywhere. With them
 * the second push matches no row, its client pulls the other's version and
 * resolves the conflict: every round records one.
 */
static void
test_conditional_race (Fixture       *fixture,
                       gconstpointer  data)
{
  g_autoptr(JustSyncRecord) row = test_create (fixture->b.orchestrator, fixture->scope, NULL, "{\"title\":\"start\"}");
  g_autoptr(JustSyncSyncResult) s1 = sync_ok (&fixture->b, fixture->scope);
  g_autoptr(JustSyncSyncResult) s2 = sync_ok (&fixture->a, fixture->scope);
  const char *id = just_sync_record_get_id (row);
  guint silent_overwrites = 0, both_pushed = 0;

  for (guint round = 0; round < RACE_ROUNDS; round++)
    {
      g_autofree char *a_json = g_strdup_printf ("{\"title\":\"a %u\"}", round);
      g_autofree char *b_json = g_strdup_printf ("{\"title\":\"b %u\"}", round);
      g_autoptr(JustSyncRecord) a_edit = NULL, b_edit = NULL;
      g_auto(Outcome) a_first = { FALSE, NULL };
      g_auto(Outcome) b_first = { FALSE, NULL };
      guint conflicts;

      a_edit = test_update (fixture->a.orchestrator, fixture->scope, id, a_json);
      b_edit = test_update (fixture->b.orchestrator, fixture->scope, id, b_json);

      just_sync_orchestrator_synchronize_async (fixture->a.orchestrator, fixture->scope, NULL,
                                                sync_done_cb, &a_first);
      just_sync_orchestrator_synchronize_async (fixture->b.orchestrator, fixture->scope, NULL,
                                                sync_done_cb, &b_first);
      while (!a_first.done || !b_first.done)
        g_main_context_iteration (NULL, TRUE);
      conflicts = n_conflicts (a_first.result) + n_conflicts (b_first.result);
      if (n_pushed (a_first.result) > 0 && n_pushed (b_first.result) > 0)
        both_pushed++;

      /* Until both have seen everything: two more syncs each. */
      for (guint i = 0; i < 2; i++)
        {
          g_autoptr(JustSyncSyncResult) a_next = sync_ok (&fixture->a, fixture->scope);
          g_autoptr(JustSyncSyncResult) b_next = sync_ok (&fixture->b, fixture->scope);

          conflicts += n_conflicts (a_next) + n_conflicts (b_next);
        }
      assert_converged (fixture, 1);
      if (conflicts == 0)
        silent_overwrites++;
    }

  g_printerr ("supabase conditional race: %u rounds, both clients pushed at once in %u, "
              "%u silent overwrites\n", RACE_ROUNDS, both_pushed, silent_overwrites);
  g_assert_cmpuint (silent_overwrites, ==, 0);
}

/* Two clients patch different columns of one row; A edits later and wins
 * last-write-wins, yet its push is a conditional PATCH of its columns
 * only (a removed field as null), so the row keeps B's edit too. */
static void
test_patch_fields (Fixture       *fixture,
                   gconstpointer  data)
{
  g_autoptr(JustSyncRecord) r1 = test_create (fixture->b.orchestrator, fixture->scope, NULL,
                                              "{\"title\":\"base\",\"n\":1,\"done\":false}");
  const char *id = just_sync_record_get_id (r1);
  g_autoptr(JsonObject) done = just_sync_test_payload ("{\"done\":true}");
  g_autoptr(JsonObject) title = just_sync_test_payload ("{\"title\":\"by A\"}");
  const char *none[] = { NULL };
  const char *remove_n[] = { "n", NULL };
  g_autoptr(JustSyncSyncResult) s1 = sync_ok (&fixture->b, fixture->scope);
  g_autoptr(JustSyncSyncResult) s2 = sync_ok (&fixture->a, fixture->scope);
  g_autoptr(JustSyncSyncResult) s3 = NULL, s4 = NULL, s5 = NULL;
  g_autoptr(JustSyncRecord) mine = NULL;
  g_autoptr(JsonNode) sent = NULL;
  g_autofree char *body = NULL;
  JsonObject *columns;

  just_sync_record_unref (JUST_SYNC_TEST_AWAIT_OK (just_sync_orchestrator_patch, fixture->b.orchestrator,
                                                   fixture->scope, id, done, none));
  s3 = sync_ok (&fixture->b, fixture->scope);
  just_sync_test_sleep (50);
  just_sync_record_unref (JUST_SYNC_TEST_AWAIT_OK (just_sync_orchestrator_patch, fixture->a.orchestrator,
                                                   fixture->scope, id, title, remove_n));
  s4 = sync_ok (&fixture->a, fixture->scope);
  g_assert_cmpuint (just_sync_sync_result_get_conflicts (s4)->len, ==, 1);
  g_assert_cmpuint (just_sync_sync_result_get_pushed (s4), ==, 1);
  s5 = sync_ok (&fixture->b, fixture->scope);

  assert_title (&fixture->a, fixture->scope, id, "by A");
  assert_title (&fixture->b, fixture->scope, id, "by A");
  mine = just_sync_test_local_get (fixture->b.local, fixture->scope, id);
  g_assert_true (json_object_get_boolean_member (just_sync_record_get_payload (mine), "done"));
  g_assert_true (json_object_get_null_member (just_sync_record_get_payload (mine), "n") ||
                 !json_object_has_member (just_sync_record_get_payload (mine), "n"));

  /* What A sent: the changed columns, n as null, and the cleared deletion
   * mark; not B's done, no id, no scope keys. */
  body = http_test_proxy_dup_last_body (fixture->proxy, "PATCH", "/records");
  g_test_message ("sent: %s", body);
  g_assert_nonnull (body);
  sent = json_from_string (body, NULL);
  columns = json_node_get_object (sent);
  g_assert_cmpstr (json_object_get_string_member (columns, "title"), ==, "by A");
  g_assert_true (json_object_get_null_member (columns, "n"));
  g_assert_true (json_object_get_null_member (columns, "deleted_at"));
  g_assert_cmpuint (json_object_get_size (columns), ==, 3);
}

static void
test_paging_5000 (Fixture       *fixture,
                  gconstpointer  data)
{
  g_autoptr(JustSyncSyncResult) pushed = NULL;
  g_autoptr(JustSyncSyncResult) pulled = NULL;
  gint64 start, push_time, pull_time;

  for (guint i = 0; i < 5000; i++)
    {
      g_autofree char *json = g_strdup_printf ("{\"title\":\"row %u\",\"n\":%u}", i, i);
      g_autoptr(JustSyncRecord) record = test_create (fixture->a.orchestrator, fixture->scope, NULL, json);
    }

  start = g_get_monotonic_time ();
  pushed = sync_ok (&fixture->a, fixture->scope);
  push_time = g_get_monotonic_time () - start;
  g_assert_cmpuint (just_sync_sync_result_get_pushed (pushed), ==, 5000);

  start = g_get_monotonic_time ();
  pulled = sync_ok (&fixture->b, fixture->scope);
  pull_time = g_get_monotonic_time () - start;
  g_assert_cmpuint (just_sync_sync_result_get_pulled (pulled), ==, 5000);
  assert_converged (fixture, 5000);

  g_printerr ("supabase sync-paging-5000: client a pushed 5000 records in %" G_GINT64_FORMAT " ms, "
              "client b pulled them in %" G_GINT64_FORMAT " ms\n", push_time / 1000, pull_time / 1000);
}

/* Rows stamped alike across a page boundary: none is skipped. */
static void
test_equal_stamps (Fixture       *fixture,
                   gconstpointer  data)
{
  g_autoptr(JustSyncSupabaseStore) frozen = sb_store_new (NULL, "FROZEN");
  g_autofree char *tag = g_uuid_string_random ();
  g_autoptr(JustSyncScope) scope = just_sync_test_scope ("records", "tag", tag, NULL);
  g_autoptr(GPtrArray) ops = just_sync_test_ops_new ();
  g_autoptr(GPtrArray) results = NULL;
  g_autoptr(JustSyncSyncResult) pulled = NULL;
  g_autoptr(GPtrArray) local = NULL;
  g_autoptr(GError) error = NULL;
  TestClient reader;

  for (guint i = 0; i < 7; i++)
    {
      g_autofree char *id = g_uuid_string_random ();

      g_ptr_array_add (ops, sb_upsert_op (i + 1, id, "{\"title\":\"tied\"}", NULL));
    }
  results = sb_upsert (frozen, scope, ops, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < results->len; i++)
    g_assert_cmpint (just_sync_push_result_get_status (g_ptr_array_index (results, i)), ==, JUST_SYNC_PUSH_WRITTEN);

  client_init (&reader, NULL, "SERVICE");
  g_object_set (reader.orchestrator, "page-size", 2, NULL);
  pulled = sync_ok (&reader, scope);
  g_assert_cmpuint (just_sync_sync_result_get_pulled (pulled), ==, 7);
  local = just_sync_test_local_query (reader.local, scope);
  g_assert_cmpuint (local->len, ==, 7);
  test_client_clear (&reader);
}

/* Two users syncing the same tag through row-level security: each sees
 * only their own rows, even when asking for the other's scope. */
static void
test_users_isolated (Fixture       *fixture,
                     gconstpointer  data)
{
  g_autofree char *tag = g_uuid_string_random ();
  g_autoptr(JustSyncScope) alice_scope = sb_user_scope ("ALICE", tag);
  g_autoptr(JustSyncScope) bob_scope = sb_user_scope ("BOB", tag);
  g_autoptr(JustSyncSyncResult) a1 = NULL, b1 = NULL, peek = NULL, b2 = NULL;
  g_autoptr(GPtrArray) bob_rows = NULL, peeked = NULL;
  TestClient alice, bob;

  client_init (&alice, NULL, "ALICE");
  client_init (&bob, NULL, "BOB");
  for (guint i = 0; i < 3; i++)
    {
      g_autoptr(JustSyncRecord) r = test_create (alice.orchestrator, alice_scope, NULL, "{\"title\":\"alice\"}");
    }
  for (guint i = 0; i < 2; i++)
    {
      g_autoptr(JustSyncRecord) r = test_create (bob.orchestrator, bob_scope, NULL, "{\"title\":\"bob\"}");
    }
  a1 = sync_ok (&alice, alice_scope);
  b1 = sync_ok (&bob, bob_scope);
  g_assert_cmpuint (just_sync_sync_result_get_pushed (a1), ==, 3);
  g_assert_cmpuint (just_sync_sync_result_get_pushed (b1), ==, 2);

  peek = sync_ok (&bob, alice_scope);
  g_assert_cmpuint (just_sync_sync_result_get_pulled (peek), ==, 0);
  peeked = just_sync_test_local_query (bob.local, alice_scope);
  g_assert_cmpuint (peeked->len, ==, 0);

  b2 = sync_ok (&bob, bob_scope);
  bob_rows = just_sync_test_local_query (bob.local, bob_scope);
  g_assert_cmpuint (bob_rows->len, ==, 2);
  for (guint i = 0; i < bob_rows->len; i++)
    g_assert_cmpstr (just_sync_test_payload_string (g_ptr_array_index (bob_rows, i), "title"), ==, "bob");

  test_client_clear (&alice);
  test_client_clear (&bob);
}

/* The server wrote but the reply was lost: the next sync finds the echoes,
 * nothing is written twice, and no conflict is made up. */
static void
test_lost_reply (Fixture       *fixture,
                 gconstpointer  data)
{
  g_autoptr(JustSyncSyncResult) failed = NULL, retried = NULL, pulled = NULL;
  g_autoptr(GError) error = NULL;

  for (guint i = 0; i < 10; i++)
    {
      g_autoptr(JustSyncRecord) record = test_create (fixture->a.orchestrator, fixture->scope, NULL,
                                                      "{\"title\":\"written once\"}");
    }

  /* The pull (one empty page) passes; the insert's reply is lost. */
  http_test_proxy_set_fault (fixture->proxy, HTTP_TEST_FAULT_LOSE_REPLY, 1, "/records", 0, NULL, 0);
  http_test_proxy_skip (fixture->proxy, 1);
  failed = test_sync (fixture->a.orchestrator, fixture->scope, &error);
  g_assert_error (error, JUST_SYNC_ERROR, JUST_SYNC_ERROR_NETWORK);
  g_assert_cmpuint (count (just_sync_test_local_list_ops (fixture->a.local, fixture->scope)), ==, 10);

  retried = sync_ok (&fixture->a, fixture->scope);
  g_assert_cmpuint (count (just_sync_test_local_list_conflicts (fixture->a.local, fixture->scope)), ==, 0);
  pulled = sync_ok (&fixture->b, fixture->scope);
  g_assert_cmpuint (just_sync_sync_result_get_pulled (pulled), ==, 10);
  assert_converged (fixture, 10);
}

/* Failures on the way keep every change queued until a sync gets through. */
static void
test_transient_failures (Fixture       *fixture,
                         gconstpointer  data)
{
  static const HttpTestFault faults[] = {
    HTTP_TEST_FAULT_DROP, HTTP_TEST_FAULT_TRUNCATE, HTTP_TEST_FAULT_STATUS,
  };
  g_autoptr(JustSyncRecord) record = test_create (fixture->a.orchestrator, fixture->scope, NULL,
                                                  "{\"title\":\"patient\"}");
  g_autoptr(JustSyncSyncResult) done = NULL, pulled = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (faults); i++)
    {
      g_autoptr(JustSyncSyncResult) result = NULL;
      g_autoptr(GError) error = NULL;

      http_test_proxy_set_fault (fixture->proxy, faults[i], 1, "/records", 503, "1", 0);
      result = test_sync (fixture->a.orchestrator, fixture->scope, &error);
      g_assert_null (result);
      g_assert_true (just_sync_error_is_transient (error));
      g_assert_cmpuint (count (just_sync_test_local_list_ops (fixture->a.local, fixture->scope)), ==, 1);
    }

  done = sync_ok (&fixture->a, fixture->scope);
  g_assert_cmpuint (just_sync_sync_result_get_pushed (done), ==, 1);
  pulled = sync_ok (&fixture->b, fixture->scope);
  assert_title (&fixture->b, fixture->scope, just_sync_record_get_id (record), "patient");
  assert_converged (fixture, 1);
}

/* An expired token (PostgREST answers 401) stops pushes with an
 * authentication error and keeps the change queued, not parked; a valid
 * token announces new credentials and the change goes out by itself. */
static void
test_expired_token_keeps_queue (Fixture       *fixture,
                                gconstpointer  data)
{
  g_autoptr(JustSyncRecord) record = NULL;
  g_autoptr(JustSyncSyncResult) result = NULL;
  g_autoptr(JustSyncSyncResult) pulled = NULL;
  g_autoptr(GPtrArray) ops = NULL;
  g_autoptr(GError) error = NULL;
  JustSyncOrchestrator *engine = fixture->a.orchestrator;
  JustSyncRemoteStore *remote = fixture->a.remote;

  just_sync_supabase_store_set_access_token (JUST_SYNC_SUPABASE_STORE (remote),
                                             sb_env ("JUSTSYNC_SB_EXPIRED_TOKEN"));
  g_assert_false (just_sync_remote_store_get_authenticated (remote));
  record = test_create (engine, fixture->scope, NULL, "{\"title\":\"waits for a token\"}");

  result = test_sync (engine, fixture->scope, &error);
  g_assert_null (result);
  g_assert_error (error, JUST_SYNC_ERROR, JUST_SYNC_ERROR_AUTH);
  g_assert_cmpuint (just_sync_orchestrator_get_pending_count (engine), ==, 1);
  g_assert_cmpuint (just_sync_orchestrator_get_failed_count (engine), ==, 0);
  ops = just_sync_test_local_list_ops (fixture->a.local, fixture->scope);
  g_assert_cmpuint (ops->len, ==, 1);
  g_assert_cmpint (just_sync_pending_op_get_state (g_ptr_array_index (ops, 0)), ==, JUST_SYNC_OP_STATE_QUEUED);

  just_sync_supabase_store_set_access_token (JUST_SYNC_SUPABASE_STORE (remote),
                                             sb_env ("JUSTSYNC_SB_ALICE_TOKEN"));
  g_assert_true (just_sync_remote_store_get_authenticated (remote));
  g_assert_cmpstr (just_sync_remote_store_get_user_id (remote), ==, sb_env ("JUSTSYNC_SB_ALICE_ID"));
  g_assert_true (test_wait_queue_empty (engine, 10000));

  pulled = sync_ok (&fixture->b, fixture->scope);
  assert_title (&fixture->b, fixture->scope, just_sync_record_get_id (record), "waits for a token");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

#define ADD(name, func) \
  g_test_add ("/supabase-sync/" name, Fixture, NULL, fixture_setup, func, fixture_teardown)

  ADD ("crud", test_crud);
  ADD ("conflict-lww", test_conflict_lww);
  ADD ("conditional-race", test_conditional_race);
  ADD ("patch-fields", test_patch_fields);
  ADD ("paging-5000", test_paging_5000);
  ADD ("equal-stamps", test_equal_stamps);
  ADD ("users-isolated", test_users_isolated);
  ADD ("lost-reply", test_lost_reply);
  ADD ("transient-failures", test_transient_failures);
  ADD ("auth/expired-token-keeps-queue", test_expired_token_keeps_queue);

#undef ADD

  return g_test_run ();
}
