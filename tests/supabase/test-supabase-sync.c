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

typedef TestTwoClients Fixture;

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
test_crud (Fixture       *fixture,
           gconstpointer  data)
{
  just_sync_record_unref (test_two_clients_crud (fixture, 2, 2));
}

/* Last write wins, whichever client syncs first. */
static void
test_conflict_lww (Fixture       *fixture,
                   gconstpointer  data)
{
  test_two_clients_conflict_lww (fixture, 50);
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
  g_autoptr(JustSyncSyncResult) s1 = test_client_sync_ok (&fixture->b, fixture->scope);
  g_autoptr(JustSyncSyncResult) s2 = test_client_sync_ok (&fixture->a, fixture->scope);
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
          g_autoptr(JustSyncSyncResult) a_next = test_client_sync_ok (&fixture->a, fixture->scope);
          g_autoptr(JustSyncSyncResult) b_next = test_client_sync_ok (&fixture->b, fixture->scope);

          conflicts += n_conflicts (a_next) + n_conflicts (b_next);
        }
      test_two_clients_assert_converged (fixture, 1);
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
  g_autoptr(JustSyncSyncResult) s1 = test_client_sync_ok (&fixture->b, fixture->scope);
  g_autoptr(JustSyncSyncResult) s2 = test_client_sync_ok (&fixture->a, fixture->scope);
  g_autoptr(JustSyncSyncResult) s3 = NULL, s4 = NULL, s5 = NULL;
  g_autoptr(JustSyncRecord) mine = NULL;
  g_autoptr(JsonNode) sent = NULL;
  g_autofree char *body = NULL;
  JsonObject *columns;

  just_sync_record_unref (JUST_SYNC_TEST_AWAIT_OK (just_sync_orchestrator_patch, fixture->b.orchestrator,
                                                   fixture->scope, id, done, none));
  s3 = test_client_sync_ok (&fixture->b, fixture->scope);
  just_sync_test_sleep (50);
  just_sync_record_unref (JUST_SYNC_TEST_AWAIT_OK (just_sync_orchestrator_patch, fixture->a.orchestrator,
                                                   fixture->scope, id, title, remove_n));
  s4 = test_client_sync_ok (&fixture->a, fixture->scope);
  g_assert_cmpuint (just_sync_sync_result_get_conflicts (s4)->len, ==, 1);
  g_assert_cmpuint (just_sync_sync_result_get_pushed (s4), ==, 1);
  s5 = test_client_sync_ok (&fixture->b, fixture->scope);

  test_client_assert_title (&fixture->a, fixture->scope, id, "by A");
  test_client_assert_title (&fixture->b, fixture->scope, id, "by A");
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
  gint64 push_time = test_two_clients_push_many (fixture, 5000);
  gint64 pull_time = test_two_clients_pull_all (fixture, 5000);

  test_two_clients_assert_converged (fixture, 5000);
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
  pulled = test_client_sync_ok (&reader, scope);
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
  TestClient alice, bob;

  client_init (&alice, NULL, "ALICE");
  client_init (&bob, NULL, "BOB");
  test_two_users_isolated (&alice, &bob, alice_scope, bob_scope);
  test_client_clear (&alice);
  test_client_clear (&bob);
}

/* The server wrote but the reply was lost: the next sync finds the echoes,
 * nothing is written twice, and no conflict is made up. */
static void
test_lost_reply (Fixture       *fixture,
                 gconstpointer  data)
{
  test_two_clients_lost_reply (fixture, "/records", 1);
}

/* Failures on the way keep every change queued until a sync gets through. */
static void
test_transient_failures (Fixture       *fixture,
                         gconstpointer  data)
{
  test_two_clients_transient_failures (fixture, "/records");
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

  pulled = test_client_sync_ok (&fixture->b, fixture->scope);
  test_client_assert_title (&fixture->b, fixture->scope, just_sync_record_get_id (record), "waits for a token");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

#define ADD(name, func) \
  g_test_add ("/supabase-sync/" name, Fixture, NULL, fixture_setup, func, test_two_clients_teardown)

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
