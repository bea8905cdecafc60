/* test-appwrite-sync.c: clients syncing through the Appwrite contract server
 *
 * Each client has its own SQLite store, its own JustSyncAppwriteStore and
 * its own JustSyncOrchestrator. Client a talks to the server through a
 * fault-injecting proxy.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <string.h>

#include "aw-server.h"
#include "http-test-util.h"
#include "test-support.h"

#define DOCUMENTS "/v1/databases/"

static AwServer *server;

typedef struct
{
  HttpTestProxy *proxy;
  JustSyncScope *scope;
  TestClient a;                     /* through the proxy */
  TestClient b;
} Fixture;

/* A client of the server at @endpoint (the server's when NULL), as the
 * user of @jwt, or with the API key when it is NULL. */
static void
client_init (TestClient *client,
             const char *endpoint,
             const char *jwt)
{
  g_autoptr(JustSyncAppwriteStore) remote = NULL;

  remote = just_sync_appwrite_store_new (endpoint != NULL ? endpoint : aw_server_get_endpoint (server),
                                         AW_PROJECT, AW_DATABASE);
  just_sync_appwrite_store_set_api_key (remote, AW_KEY);
  just_sync_appwrite_store_set_jwt (remote, jwt);
  just_sync_appwrite_store_set_soft_delete_attribute (remote, "deleted_at");
  test_client_init (client, test_new_sqlite_store (), JUST_SYNC_REMOTE_STORE (remote));
}

static void
fixture_setup (Fixture       *fixture,
               gconstpointer  data)
{
  const char *endpoint = aw_server_get_endpoint (server);
  g_autofree char *root = g_strndup (endpoint, strlen (endpoint) - strlen ("/v1"));
  g_autofree char *tag = g_uuid_string_random ();
  g_autofree char *proxied = NULL;

  fixture->proxy = http_test_proxy_new (root);
  proxied = g_strconcat (http_test_proxy_get_url (fixture->proxy), "/v1", NULL);
  fixture->scope = just_sync_test_scope ("records", "tag", tag, NULL);
  client_init (&fixture->a, proxied, NULL);
  client_init (&fixture->b, NULL, NULL);
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

/* Last write wins, whichever client syncs first. Appwrite tells its time
 * to the second (`/health/time`, `Date`), so a client that has not pushed
 * yet (whose clock no millisecond `$updatedAt` refined) knows the server's
 * clock only to half a second: the edits here are more than a second apart. */
#define CLOCK_RESOLUTION_MS 1100

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
  just_sync_test_sleep (CLOCK_RESOLUTION_MS);
  e1 = test_update (fixture->a.orchestrator, fixture->scope, id1, "{\"title\":\"1 by A, earlier\"}");
  e3 = test_update (fixture->a.orchestrator, fixture->scope, id2, "{\"title\":\"2 by A, later\"}");
  s3 = sync_ok (&fixture->a, fixture->scope);
  just_sync_test_sleep (CLOCK_RESOLUTION_MS);
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

static void
test_paging_5000 (Fixture       *fixture,
                  gconstpointer  data)
{
  g_autoptr(JustSyncSyncResult) pushed = NULL;
  g_autoptr(JustSyncSyncResult) pulled = NULL;
  guint lists = aw_server_count (server, "GET list");
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

  lists = aw_server_count (server, "GET list");
  start = g_get_monotonic_time ();
  pulled = sync_ok (&fixture->b, fixture->scope);
  pull_time = g_get_monotonic_time () - start;
  g_assert_cmpuint (just_sync_sync_result_get_pulled (pulled), ==, 5000);
  /* Paged: more than one list request. */
  g_assert_cmpuint (aw_server_count (server, "GET list") - lists, >, 2);
  assert_converged (fixture, 5000);

  g_printerr ("appwrite sync-paging-5000: client a pushed 5000 records in %" G_GINT64_FORMAT " ms, "
              "client b pulled them in %" G_GINT64_FORMAT " ms (contract server)\n",
              push_time / 1000, pull_time / 1000);
}

/* Documents stamped alike across a page boundary: none is skipped. */
static void
test_equal_stamps (Fixture       *fixture,
                   gconstpointer  data)
{
  g_autoptr(JustSyncSyncResult) pushed = NULL, pulled = NULL;
  g_autoptr(GPtrArray) local = NULL;
  TestClient reader;

  aw_server_stop_clock (server);
  for (guint i = 0; i < 7; i++)
    {
      g_autoptr(JustSyncRecord) record = test_create (fixture->b.orchestrator, fixture->scope, NULL,
                                                      "{\"title\":\"tied\"}");
    }
  pushed = sync_ok (&fixture->b, fixture->scope);
  aw_server_start_clock (server);
  g_assert_cmpuint (just_sync_sync_result_get_pushed (pushed), ==, 7);

  client_init (&reader, NULL, NULL);
  g_object_set (reader.orchestrator, "page-size", 2, NULL);
  pulled = sync_ok (&reader, fixture->scope);
  g_assert_cmpuint (just_sync_sync_result_get_pulled (pulled), ==, 7);
  local = just_sync_test_local_query (reader.local, fixture->scope);
  g_assert_cmpuint (local->len, ==, 7);
  test_client_clear (&reader);
}

/* Two users syncing the same tag, each with a JWT: each sees only their
 * own documents, even when asking for the other's scope. */
static void
test_users_isolated (Fixture       *fixture,
                     gconstpointer  data)
{
  g_autofree char *tag = g_uuid_string_random ();
  g_autoptr(JustSyncScope) alice_scope = just_sync_test_scope ("records", "owner", "alice", "tag", tag, NULL);
  g_autoptr(JustSyncScope) bob_scope = just_sync_test_scope ("records", "owner", "bob", "tag", tag, NULL);
  g_autoptr(JustSyncSyncResult) a1 = NULL, b1 = NULL, peek = NULL, b2 = NULL;
  g_autoptr(GPtrArray) bob_rows = NULL, peeked = NULL;
  TestClient alice, bob;

  client_init (&alice, NULL, AW_JWT_ALICE);
  client_init (&bob, NULL, AW_JWT_BOB);
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

/* The server wrote but the reply was lost: the next sync finds the
 * documents, nothing is written twice, and no conflict is made up. */
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

  /* The pull (one empty page) and the lookup pass; the bulk create's reply
   * is lost. */
  http_test_proxy_set_fault (fixture->proxy, HTTP_TEST_FAULT_LOSE_REPLY, 1, DOCUMENTS, 0, NULL, 0);
  http_test_proxy_skip (fixture->proxy, 2);
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

      http_test_proxy_set_fault (fixture->proxy, faults[i], 1, DOCUMENTS, 503, "1", 0);
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

/* A 503 on the write itself (after the pull and the lookup): the change
 * stays queued and goes through on the next sync. */
static void
test_write_unavailable (Fixture       *fixture,
                        gconstpointer  data)
{
  g_autoptr(JustSyncRecord) record = test_create (fixture->a.orchestrator, fixture->scope, NULL,
                                                  "{\"title\":\"later\"}");
  g_autoptr(JustSyncSyncResult) failed = NULL, done = NULL, pulled = NULL;
  g_autoptr(GError) error = NULL;

  http_test_proxy_set_fault (fixture->proxy, HTTP_TEST_FAULT_STATUS, 1, DOCUMENTS, 503, "1", 0);
  http_test_proxy_skip (fixture->proxy, 2);
  failed = test_sync (fixture->a.orchestrator, fixture->scope, &error);
  g_assert_null (failed);
  g_assert_true (just_sync_error_is_transient (error));
  g_assert_cmpuint (count (just_sync_test_local_list_ops (fixture->a.local, fixture->scope)), ==, 1);

  done = sync_ok (&fixture->a, fixture->scope);
  pulled = sync_ok (&fixture->b, fixture->scope);
  assert_title (&fixture->b, fixture->scope, just_sync_record_get_id (record), "later");
  assert_converged (fixture, 1);
}

/* Alice's session is revoked in the middle of a sync (after its pull,
 * before its push): the sync fails with an authentication error, the
 * change stays queued (not parked), and signing in again announces new
 * credentials, after which the change goes out by itself. */
static void
test_session_revoked_keeps_queue (Fixture       *fixture,
                                  gconstpointer  data)
{
  g_autofree char *tag = g_uuid_string_random ();
  g_autoptr(JustSyncScope) scope = just_sync_test_scope ("records", "owner", "alice", "tag", tag, NULL);
  g_autoptr(JustSyncRecord) record = NULL;
  g_autoptr(JustSyncSyncResult) result = NULL;
  g_autoptr(JustSyncSyncResult) pulled = NULL;
  g_autoptr(GPtrArray) ops = NULL;
  g_autoptr(GError) error = NULL;
  TestClient alice;
  JustSyncRemoteStore *remote;

  client_init (&alice, NULL, NULL);
  remote = alice.remote;
  just_sync_appwrite_store_set_api_key (JUST_SYNC_APPWRITE_STORE (remote), NULL);
  g_assert_true (JUST_SYNC_TEST_AWAIT (just_sync_remote_store_sign_in, remote, &error,
                                       AW_ALICE_EMAIL, AW_ALICE_PASSWORD));
  g_assert_no_error (error);

  record = test_create (alice.orchestrator, scope, NULL, "{\"title\":\"waits for a session\"}");
  /* The pull's one list goes through; the push's lookup is refused. */
  aw_server_revoke_sessions_after (server, "alice", 1);
  result = test_sync (alice.orchestrator, scope, &error);
  g_assert_null (result);
  g_assert_error (error, JUST_SYNC_ERROR, JUST_SYNC_ERROR_AUTH);
  g_clear_error (&error);
  g_assert_false (just_sync_remote_store_get_authenticated (remote));
  g_assert_cmpuint (just_sync_orchestrator_get_pending_count (alice.orchestrator), ==, 1);
  g_assert_cmpuint (just_sync_orchestrator_get_failed_count (alice.orchestrator), ==, 0);
  ops = just_sync_test_local_list_ops (alice.local, scope);
  g_assert_cmpuint (ops->len, ==, 1);
  g_assert_cmpint (just_sync_pending_op_get_state (g_ptr_array_index (ops, 0)), ==,
                   JUST_SYNC_OP_STATE_QUEUED);

  g_assert_true (JUST_SYNC_TEST_AWAIT (just_sync_remote_store_sign_in, remote, &error,
                                       AW_ALICE_EMAIL, AW_ALICE_PASSWORD));
  g_assert_no_error (error);
  g_assert_true (test_wait_queue_empty (alice.orchestrator, 10000));

  pulled = sync_ok (&fixture->b, scope);
  assert_title (&fixture->b, scope, just_sync_record_get_id (record), "waits for a session");
  test_client_clear (&alice);
}

int
main (int   argc,
      char *argv[])
{
  int status;

  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
  server = aw_server_new ();

#define ADD(name, func) \
  g_test_add ("/appwrite-sync/" name, Fixture, NULL, fixture_setup, func, fixture_teardown)

  ADD ("crud", test_crud);
  ADD ("conflict-lww", test_conflict_lww);
  ADD ("paging-5000", test_paging_5000);
  ADD ("equal-stamps", test_equal_stamps);
  ADD ("users-isolated", test_users_isolated);
  ADD ("lost-reply", test_lost_reply);
  ADD ("transient-failures", test_transient_failures);
  ADD ("write-unavailable", test_write_unavailable);
  ADD ("auth/session-revoked-keeps-queue", test_session_revoked_keeps_queue);

#undef ADD

  status = g_test_run ();
  aw_server_free (server);
  return status;
}
