/* test-pocketbase-sync.c: two clients syncing through a real PocketBase
 *
 * Each client has its own local store, its own JustSyncPocketbaseStore
 * (both log in as alice, as two devices of one user) and its own
 * JustSyncOrchestrator. Run under tests/servers/pocketbase/pb-harness.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <string.h>

#include "pb-test-util.h"
#include "test-support.h"

typedef TestTwoClients Fixture;

/* A client of ALICE's, with its own SQLite store, talking to @url (the
 * harness's server when NULL). */
static void
client_init (TestClient *client,
             const char *url)
{
  g_autoptr(JustSyncPocketbaseStore) remote = pb_store_new (url, "ALICE");

  test_client_init (client, test_new_sqlite_store (), JUST_SYNC_REMOTE_STORE (remote));
}

static void
fixture_setup (Fixture       *fixture,
               gconstpointer  data)
{
  fixture->proxy = http_test_proxy_new (pb_env ("JUSTSYNC_PB_URL"));
  fixture->scope = pb_user_scope ("records", "ALICE", data);
  client_init (&fixture->a, http_test_proxy_get_url (fixture->proxy));
  client_init (&fixture->b, NULL);
}

static void
test_crud (Fixture       *fixture,
           gconstpointer  data)
{
  g_autoptr(JustSyncRecord) r1 = test_two_clients_crud (fixture, 1, G_MAXUINT);

  /* PocketBase ids: the store generated them. */
  g_assert_cmpuint (strlen (just_sync_record_get_id (r1)), ==, 15);
}

/* Last write wins, whichever client syncs first. */
static void
test_conflict_lww (Fixture       *fixture,
                   gconstpointer  data)
{
  g_autoptr(JustSyncRecord) r1 = test_create (fixture->a.orchestrator, fixture->scope, NULL, "{\"title\":\"base 1\"}");
  g_autoptr(JustSyncRecord) r2 = test_create (fixture->a.orchestrator, fixture->scope, NULL, "{\"title\":\"base 2\"}");
  g_autoptr(JustSyncSyncResult) s1 = test_client_sync_ok (&fixture->a, fixture->scope);
  g_autoptr(JustSyncSyncResult) s2 = test_client_sync_ok (&fixture->b, fixture->scope);
  g_autoptr(JustSyncSyncResult) s3 = NULL;
  g_autoptr(JustSyncSyncResult) s4 = NULL;
  g_autoptr(JustSyncSyncResult) s5 = NULL;
  g_autoptr(JustSyncRecord) e1 = NULL, e2 = NULL, e3 = NULL, e4 = NULL;
  g_autoptr(GPtrArray) conflicts = NULL;
  const char *id1 = just_sync_record_get_id (r1), *id2 = just_sync_record_get_id (r2);

  /* r1: A edits and pushes, then B edits later: B's edit is the last write.
   * r2: B edits first, A edits later and pushes: A's edit is the last. */
  e2 = test_update (fixture->b.orchestrator, fixture->scope, id2, "{\"title\":\"2 by B, earlier\"}");
  just_sync_test_sleep (50);
  e1 = test_update (fixture->a.orchestrator, fixture->scope, id1, "{\"title\":\"1 by A, earlier\"}");
  e3 = test_update (fixture->a.orchestrator, fixture->scope, id2, "{\"title\":\"2 by A, later\"}");
  s3 = test_client_sync_ok (&fixture->a, fixture->scope);
  just_sync_test_sleep (50);
  e4 = test_update (fixture->b.orchestrator, fixture->scope, id1, "{\"title\":\"1 by B, later\"}");

  /* B pulls A's versions of both: two real conflicts. */
  s4 = test_client_sync_ok (&fixture->b, fixture->scope);
  g_assert_cmpuint (just_sync_sync_result_get_conflicts (s4)->len, ==, 2);
  s5 = test_client_sync_ok (&fixture->a, fixture->scope);

  test_client_assert_title (&fixture->a, fixture->scope, id1, "1 by B, later");
  test_client_assert_title (&fixture->b, fixture->scope, id1, "1 by B, later");
  test_client_assert_title (&fixture->a, fixture->scope, id2, "2 by A, later");
  test_client_assert_title (&fixture->b, fixture->scope, id2, "2 by A, later");
  test_two_clients_assert_converged (fixture, 2);

  /* The losers are kept where the conflicts were seen. */
  conflicts = just_sync_test_local_list_conflicts (fixture->b.local, fixture->scope);
  g_assert_cmpuint (conflicts->len, ==, 2);
}

static JustSyncRecord *
patch (TestClient    *client,
       JustSyncScope *scope,
       const char    *id,
       const char    *set)
{
  g_autoptr(JsonObject) payload = just_sync_test_payload (set);
  const char *none[] = { NULL };

  return JUST_SYNC_TEST_AWAIT_OK (just_sync_orchestrator_patch, client->orchestrator, scope, id,
                                  payload, none);
}

/* Two clients patch different fields of one record; B edits later and
 * wins last-write-wins, yet its push is a PATCH of its one field only, so
 * the server keeps A's edit too. */
static void
test_patch_fields (Fixture       *fixture,
                   gconstpointer  data)
{
  g_autoptr(JustSyncRecord) r1 = test_create (fixture->b.orchestrator, fixture->scope, NULL,
                                              "{\"title\":\"base\",\"n\":1}");
  const char *id = just_sync_record_get_id (r1);
  g_autoptr(JustSyncSyncResult) s1 = test_client_sync_ok (&fixture->b, fixture->scope);
  g_autoptr(JustSyncSyncResult) s2 = test_client_sync_ok (&fixture->a, fixture->scope);
  g_autoptr(JustSyncSyncResult) s3 = NULL;
  g_autoptr(JustSyncSyncResult) s4 = NULL;
  g_autoptr(JustSyncSyncResult) s5 = NULL;
  g_autoptr(JsonNode) sent = NULL;
  g_autofree char *batch = NULL;
  g_autofree char *single = NULL;
  g_autofree char *single_path = g_strconcat ("/api/collections/records/records/", id, NULL);
  JsonObject *body = NULL;

  just_sync_record_unref (patch (&fixture->b, fixture->scope, id, "{\"n\":2}"));
  s3 = test_client_sync_ok (&fixture->b, fixture->scope);
  just_sync_test_sleep (50);
  just_sync_record_unref (patch (&fixture->a, fixture->scope, id, "{\"title\":\"by A\"}"));
  s4 = test_client_sync_ok (&fixture->a, fixture->scope);
  g_assert_cmpuint (just_sync_sync_result_get_conflicts (s4)->len, ==, 1);
  g_assert_cmpuint (just_sync_sync_result_get_pushed (s4), ==, 1);
  s5 = test_client_sync_ok (&fixture->b, fixture->scope);

  test_client_assert_title (&fixture->a, fixture->scope, id, "by A");
  test_client_assert_title (&fixture->b, fixture->scope, id, "by A");
  {
    g_autoptr(JustSyncRecord) a = just_sync_test_local_get (fixture->a.local, fixture->scope, id);

    g_assert_cmpint (json_object_get_int_member (just_sync_record_get_payload (a), "n"), ==, 2);
  }
  test_two_clients_assert_converged (fixture, 1);

  /* What A sent: a PATCH with the one field (in a batch, or alone). */
  batch = http_test_proxy_dup_last_body (fixture->proxy, "POST", "/api/batch");
  single = http_test_proxy_dup_last_body (fixture->proxy, "PATCH", single_path);
  g_test_message ("batch: %s; single: %s", batch, single);
  if (batch != NULL)
    {
      JsonObject *request;

      sent = json_from_string (batch, NULL);
      request = json_array_get_object_element (json_object_get_array_member (json_node_get_object (sent),
                                                                              "requests"), 0);
      g_assert_cmpstr (json_object_get_string_member (request, "method"), ==, "PATCH");
      g_assert_cmpstr (json_object_get_string_member (request, "url"), ==, single_path);
      body = json_object_get_object_member (request, "body");
    }
  else
    {
      g_assert_nonnull (single);
      sent = json_from_string (single, NULL);
      body = json_node_get_object (sent);
    }
  /* The field, and the cleared deletion mark: no id, no scope keys. */
  g_assert_cmpstr (json_object_get_string_member (body, "title"), ==, "by A");
  g_assert_true (json_object_get_null_member (body, "deleted_at"));
  g_assert_cmpuint (json_object_get_size (body), ==, 2);
}

static void
test_paging_5000 (Fixture       *fixture,
                  gconstpointer  data)
{
  g_autoptr(GPtrArray) records = NULL;
  gint64 push_time, pull_time;

  push_time = test_two_clients_push_many (fixture, 5000);
  pull_time = test_two_clients_pull_all (fixture, 5000);

  records = just_sync_test_local_query (fixture->b.local, fixture->scope);
  g_assert_cmpuint (records->len, ==, 5000);
  test_two_clients_assert_converged (fixture, 5000);

  g_printerr ("sync-paging-5000: client A pushed 5000 records in %" G_GINT64_FORMAT " ms, "
              "client B pulled them in %" G_GINT64_FORMAT " ms\n", push_time / 1000, pull_time / 1000);
}

/* The server wrote but the reply was lost: the next sync finds the echoes,
 * nothing is written twice, and no conflict is made up. */
static void
test_lost_reply (Fixture       *fixture,
                 gconstpointer  data)
{
  test_two_clients_lost_reply (fixture, "/api/batch", 0);
}

/* Failures on the way keep every change queued until a sync gets through. */
static void
test_transient_failures (Fixture       *fixture,
                         gconstpointer  data)
{
  test_two_clients_transient_failures (fixture, "/api/collections/records");
}

/* A realtime event makes a watching client pull without being asked. */
static void
test_realtime (Fixture       *fixture,
               gconstpointer  data)
{
  g_autoptr(JustSyncRecord) record = NULL;
  g_autoptr(JustSyncSyncResult) pushed = NULL;
  g_autoptr(JustSyncRecord) arrived = NULL;

  g_object_set (fixture->b.orchestrator, "debounce-interval", 50 * G_TIME_SPAN_MILLISECOND, NULL);
  just_sync_orchestrator_watch_scope (fixture->b.orchestrator, fixture->scope);
  just_sync_test_sleep (500);

  record = test_create (fixture->a.orchestrator, fixture->scope, NULL, "{\"title\":\"live\"}");
  pushed = test_client_sync_ok (&fixture->a, fixture->scope);

  for (guint i = 0; i < 100 && arrived == NULL; i++)
    {
      just_sync_test_sleep (100);
      arrived = just_sync_test_local_get (fixture->b.local, fixture->scope,
                                          just_sync_record_get_id (record));
    }
  g_assert_nonnull (arrived);
  g_assert_cmpstr (just_sync_test_payload_string (arrived, "title"), ==, "live");
}

/* A store that names a user but cannot log in (the password could not be
 * read from the keyring, say) never pushes as a guest, whom PocketBase
 * would answer with a 400 that parks the change as rejected: the sync
 * fails with an authentication error and the change stays queued. When
 * the password is given, it goes out by itself. */
static void
test_named_user_never_guest (Fixture       *fixture,
                             gconstpointer  data)
{
  JustSyncPocketbaseStore *remote = JUST_SYNC_POCKETBASE_STORE (fixture->a.remote);
  JustSyncOrchestrator *engine = fixture->a.orchestrator;
  g_autoptr(JustSyncRecord) record = NULL;
  g_autoptr(JustSyncSyncResult) result = NULL;
  g_autoptr(JustSyncSyncResult) pulled = NULL;
  g_autoptr(GPtrArray) ops = NULL;
  g_autoptr(GError) error = NULL;

  just_sync_pocketbase_store_set_credentials (remote, pb_env ("JUSTSYNC_PB_ALICE_COLLECTION"),
                                              pb_env ("JUSTSYNC_PB_ALICE_EMAIL"), NULL);
  record = test_create (engine, fixture->scope, NULL, "{\"title\":\"waits for alice\"}");

  result = test_sync (engine, fixture->scope, &error);
  g_assert_error (error, JUST_SYNC_ERROR, JUST_SYNC_ERROR_AUTH);
  g_assert_null (result);
  g_assert_cmpint (just_sync_orchestrator_get_state (engine), ==, JUST_SYNC_STATE_ERROR);
  g_assert_nonnull (strstr (just_sync_orchestrator_get_last_error (engine), "credentials"));
  g_assert_cmpuint (just_sync_orchestrator_get_pending_count (engine), ==, 1);
  g_assert_cmpuint (just_sync_orchestrator_get_failed_count (engine), ==, 0);
  ops = just_sync_test_local_list_ops (fixture->a.local, fixture->scope);
  g_assert_cmpuint (ops->len, ==, 1);
  g_assert_cmpint (just_sync_pending_op_get_state (g_ptr_array_index (ops, 0)), ==, JUST_SYNC_OP_STATE_QUEUED);

  just_sync_pocketbase_store_set_credentials (remote, pb_env ("JUSTSYNC_PB_ALICE_COLLECTION"),
                                              pb_env ("JUSTSYNC_PB_ALICE_EMAIL"),
                                              pb_env ("JUSTSYNC_PB_ALICE_PASSWORD"));
  g_assert_true (test_wait_queue_empty (engine, 10000));
  g_assert_null (just_sync_orchestrator_get_last_error (engine));

  pulled = test_client_sync_ok (&fixture->b, fixture->scope);
  test_client_assert_title (&fixture->b, fixture->scope, just_sync_record_get_id (record), "waits for alice");
  test_two_clients_assert_converged (fixture, 1);
}

/* A sign-in keeps only the token: carol's lasts 1-2 s. Once it has
 * expired (and was not renewed: nothing used it), a push fails with an
 * authentication error and the change stays queued; signing in again
 * announces new credentials and the change goes out by itself. */
static void
test_session_expires (Fixture       *fixture,
                      gconstpointer  data)
{
  g_autoptr(JustSyncPocketbaseStore) remote = just_sync_pocketbase_store_new (pb_env ("JUSTSYNC_PB_URL"));
  g_autoptr(JustSyncScope) scope = pb_user_scope ("records", "CAROL", data);
  g_autoptr(JustSyncRecord) first = NULL;
  g_autoptr(JustSyncRecord) second = NULL;
  g_autoptr(JustSyncSyncResult) result = NULL;
  g_autoptr(JustSyncSyncResult) failed = NULL;
  g_autoptr(GPtrArray) ops = NULL;
  g_autoptr(GError) error = NULL;
  JustSyncRemoteStore *store = JUST_SYNC_REMOTE_STORE (remote);
  TestClient carol;

  just_sync_pocketbase_store_set_credentials (remote, pb_env ("JUSTSYNC_PB_CAROL_COLLECTION"), NULL, NULL);
  test_client_init (&carol, test_new_sqlite_store (), store);
  g_assert_true (JUST_SYNC_TEST_AWAIT (just_sync_remote_store_sign_in, store, &error,
                                       pb_env ("JUSTSYNC_PB_CAROL_EMAIL"),
                                       pb_env ("JUSTSYNC_PB_CAROL_PASSWORD")));
  g_assert_no_error (error);
  g_assert_true (just_sync_remote_store_get_authenticated (store));
  g_assert_cmpstr (just_sync_remote_store_get_user_id (store), ==, pb_env ("JUSTSYNC_PB_CAROL_ID"));

  first = test_create (carol.orchestrator, scope, NULL, "{\"title\":\"signed in\"}");
  result = test_sync_ok (carol.orchestrator, scope);
  g_assert_cmpuint (just_sync_orchestrator_get_pending_count (carol.orchestrator), ==, 0);

  just_sync_test_sleep (3000);
  second = test_create (carol.orchestrator, scope, NULL, "{\"title\":\"after expiry\"}");
  failed = test_sync (carol.orchestrator, scope, &error);
  g_assert_null (failed);
  g_assert_error (error, JUST_SYNC_ERROR, JUST_SYNC_ERROR_AUTH);
  g_clear_error (&error);
  g_assert_false (just_sync_remote_store_get_authenticated (store));
  g_assert_cmpuint (just_sync_orchestrator_get_pending_count (carol.orchestrator), ==, 1);
  g_assert_cmpuint (just_sync_orchestrator_get_failed_count (carol.orchestrator), ==, 0);
  ops = just_sync_test_local_list_ops (carol.local, scope);
  g_assert_cmpuint (ops->len, ==, 1);
  g_assert_cmpint (just_sync_pending_op_get_state (g_ptr_array_index (ops, 0)), ==, JUST_SYNC_OP_STATE_QUEUED);

  g_assert_true (JUST_SYNC_TEST_AWAIT (just_sync_remote_store_sign_in, store, &error,
                                       pb_env ("JUSTSYNC_PB_CAROL_EMAIL"),
                                       pb_env ("JUSTSYNC_PB_CAROL_PASSWORD")));
  g_assert_no_error (error);
  g_assert_true (test_wait_queue_empty (carol.orchestrator, 10000));
  test_client_clear (&carol);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

#define ADD(name, func) \
  g_test_add ("/pocketbase-sync/" name, Fixture, "sync-" name, fixture_setup, func, test_two_clients_teardown)

  ADD ("crud", test_crud);
  ADD ("conflict-lww", test_conflict_lww);
  ADD ("patch-fields", test_patch_fields);
  ADD ("paging-5000", test_paging_5000);
  ADD ("lost-reply", test_lost_reply);
  ADD ("transient-failures", test_transient_failures);
  ADD ("realtime", test_realtime);
  ADD ("auth/named-user-never-guest", test_named_user_never_guest);
  ADD ("auth/session-expires", test_session_expires);

#undef ADD

  return g_test_run ();
}
