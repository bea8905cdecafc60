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

typedef TestTwoClients Fixture;

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
test_crud (Fixture       *fixture,
           gconstpointer  data)
{
  just_sync_record_unref (test_two_clients_crud (fixture, 2, 2));
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
  test_two_clients_conflict_lww (fixture, CLOCK_RESOLUTION_MS);
}

static void
test_paging_5000 (Fixture       *fixture,
                  gconstpointer  data)
{
  gint64 push_time = test_two_clients_push_many (fixture, 5000);
  guint lists = aw_server_count (server, "GET list");
  gint64 pull_time = test_two_clients_pull_all (fixture, 5000);

  /* Paged: more than one list request. */
  g_assert_cmpuint (aw_server_count (server, "GET list") - lists, >, 2);
  test_two_clients_assert_converged (fixture, 5000);

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
  pushed = test_client_sync_ok (&fixture->b, fixture->scope);
  aw_server_start_clock (server);
  g_assert_cmpuint (just_sync_sync_result_get_pushed (pushed), ==, 7);

  client_init (&reader, NULL, NULL);
  g_object_set (reader.orchestrator, "page-size", 2, NULL);
  pulled = test_client_sync_ok (&reader, fixture->scope);
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
  TestClient alice, bob;

  client_init (&alice, NULL, AW_JWT_ALICE);
  client_init (&bob, NULL, AW_JWT_BOB);
  test_two_users_isolated (&alice, &bob, alice_scope, bob_scope);
  test_client_clear (&alice);
  test_client_clear (&bob);
}

/* The server wrote but the reply was lost: the next sync finds the
 * documents, nothing is written twice, and no conflict is made up. */
static void
test_lost_reply (Fixture       *fixture,
                 gconstpointer  data)
{
  test_two_clients_lost_reply (fixture, DOCUMENTS, 2);
}

/* Failures on the way keep every change queued until a sync gets through. */
static void
test_transient_failures (Fixture       *fixture,
                         gconstpointer  data)
{
  test_two_clients_transient_failures (fixture, DOCUMENTS);
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
  g_assert_cmpuint (test_count (just_sync_test_local_list_ops (fixture->a.local, fixture->scope)), ==, 1);

  done = test_client_sync_ok (&fixture->a, fixture->scope);
  pulled = test_client_sync_ok (&fixture->b, fixture->scope);
  test_client_assert_title (&fixture->b, fixture->scope, just_sync_record_get_id (record), "later");
  test_two_clients_assert_converged (fixture, 1);
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

  pulled = test_client_sync_ok (&fixture->b, scope);
  test_client_assert_title (&fixture->b, scope, just_sync_record_get_id (record), "waits for a session");
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
  g_test_add ("/appwrite-sync/" name, Fixture, NULL, fixture_setup, func, test_two_clients_teardown)

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
