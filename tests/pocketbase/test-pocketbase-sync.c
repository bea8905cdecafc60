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

typedef struct
{
  HttpTestProxy *proxy;
  JustSyncScope *scope;
  TestClient a;                     /* through the fault-injecting proxy */
  TestClient b;
} Fixture;

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

/* Both clients hold the same live records, with the same content. */
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
  g_assert_cmpuint (count (just_sync_test_local_list_ops (fixture->a.local, fixture->scope)),
                    ==, 0);
  g_assert_cmpuint (count (just_sync_test_local_list_ops (fixture->b.local, fixture->scope)),
                    ==, 0);
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
  g_autoptr(JustSyncSyncResult) pushed = NULL;
  g_autoptr(JustSyncSyncResult) pulled = NULL;
  g_autoptr(JustSyncSyncResult) echo = NULL;
  g_autoptr(JustSyncSyncResult) b_push = NULL;
  g_autoptr(JustSyncSyncResult) a_pull = NULL;

  /* PocketBase ids: the store generated them. */
  g_assert_cmpuint (strlen (just_sync_record_get_id (r1)), ==, 15);

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
  g_assert_cmpuint (just_sync_sync_result_get_pushed (b_push), >=, 1);

  a_pull = sync_ok (&fixture->a, fixture->scope);
  assert_title (&fixture->a, fixture->scope, just_sync_record_get_id (r1), "one, edited");
  gone = just_sync_test_local_get (fixture->a.local, fixture->scope, just_sync_record_get_id (r2));
  g_assert_true (gone == NULL || just_sync_record_is_deleted (gone));

  assert_converged (fixture, 2);
  g_assert_cmpuint (count (just_sync_test_local_list_conflicts (fixture->a.local, fixture->scope)),
                    ==, 0);
  g_assert_cmpuint (count (just_sync_test_local_list_conflicts (fixture->b.local, fixture->scope)),
                    ==, 0);
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
  s3 = sync_ok (&fixture->a, fixture->scope);
  just_sync_test_sleep (50);
  e4 = test_update (fixture->b.orchestrator, fixture->scope, id1, "{\"title\":\"1 by B, later\"}");

  /* B pulls A's versions of both: two real conflicts. */
  s4 = sync_ok (&fixture->b, fixture->scope);
  g_assert_cmpuint (just_sync_sync_result_get_conflicts (s4)->len, ==, 2);
  s5 = sync_ok (&fixture->a, fixture->scope);

  assert_title (&fixture->a, fixture->scope, id1, "1 by B, later");
  assert_title (&fixture->b, fixture->scope, id1, "1 by B, later");
  assert_title (&fixture->a, fixture->scope, id2, "2 by A, later");
  assert_title (&fixture->b, fixture->scope, id2, "2 by A, later");
  assert_converged (fixture, 2);

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
  g_autoptr(JustSyncSyncResult) s1 = sync_ok (&fixture->b, fixture->scope);
  g_autoptr(JustSyncSyncResult) s2 = sync_ok (&fixture->a, fixture->scope);
  g_autoptr(JustSyncSyncResult) s3 = NULL;
  g_autoptr(JustSyncSyncResult) s4 = NULL;
  g_autoptr(JustSyncSyncResult) s5 = NULL;
  g_autoptr(JsonNode) sent = NULL;
  g_autofree char *batch = NULL;
  g_autofree char *single = NULL;
  g_autofree char *single_path = g_strconcat ("/api/collections/records/records/", id, NULL);
  JsonObject *body = NULL;

  just_sync_record_unref (patch (&fixture->b, fixture->scope, id, "{\"n\":2}"));
  s3 = sync_ok (&fixture->b, fixture->scope);
  just_sync_test_sleep (50);
  just_sync_record_unref (patch (&fixture->a, fixture->scope, id, "{\"title\":\"by A\"}"));
  s4 = sync_ok (&fixture->a, fixture->scope);
  g_assert_cmpuint (just_sync_sync_result_get_conflicts (s4)->len, ==, 1);
  g_assert_cmpuint (just_sync_sync_result_get_pushed (s4), ==, 1);
  s5 = sync_ok (&fixture->b, fixture->scope);

  assert_title (&fixture->a, fixture->scope, id, "by A");
  assert_title (&fixture->b, fixture->scope, id, "by A");
  {
    g_autoptr(JustSyncRecord) a = just_sync_test_local_get (fixture->a.local, fixture->scope, id);

    g_assert_cmpint (json_object_get_int_member (just_sync_record_get_payload (a), "n"), ==, 2);
  }
  assert_converged (fixture, 1);

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
  g_autoptr(JustSyncSyncResult) pushed = NULL;
  g_autoptr(JustSyncSyncResult) pulled = NULL;
  g_autoptr(GPtrArray) records = NULL;
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

  records = just_sync_test_local_query (fixture->b.local, fixture->scope);
  g_assert_cmpuint (records->len, ==, 5000);
  assert_converged (fixture, 5000);

  g_printerr ("sync-paging-5000: client A pushed 5000 records in %" G_GINT64_FORMAT " ms, "
              "client B pulled them in %" G_GINT64_FORMAT " ms\n", push_time / 1000, pull_time / 1000);
}

/* The server wrote but the reply was lost: the next sync finds the echoes,
 * nothing is written twice, and no conflict is made up. */
static void
test_lost_reply (Fixture       *fixture,
                 gconstpointer  data)
{
  g_autoptr(JustSyncSyncResult) failed = NULL;
  g_autoptr(JustSyncSyncResult) retried = NULL;
  g_autoptr(JustSyncSyncResult) pulled = NULL;
  g_autoptr(GError) error = NULL;

  for (guint i = 0; i < 10; i++)
    {
      g_autoptr(JustSyncRecord) record = test_create (fixture->a.orchestrator, fixture->scope, NULL,
                                                      "{\"title\":\"written once\"}");
    }

  http_test_proxy_set_fault (fixture->proxy, HTTP_TEST_FAULT_LOSE_REPLY, 1, "/api/batch", 0, NULL, 0);
  failed = test_sync (fixture->a.orchestrator, fixture->scope, &error);
  g_assert_error (error, JUST_SYNC_ERROR, JUST_SYNC_ERROR_NETWORK);
  g_assert_cmpuint (count (just_sync_test_local_list_ops (fixture->a.local, fixture->scope)),
                    ==, 10);

  retried = sync_ok (&fixture->a, fixture->scope);
  g_assert_cmpuint (count (just_sync_test_local_list_conflicts (fixture->a.local, fixture->scope)),
                    ==, 0);
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
  g_autoptr(JustSyncSyncResult) done = NULL;
  g_autoptr(JustSyncSyncResult) pulled = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (faults); i++)
    {
      g_autoptr(JustSyncSyncResult) result = NULL;
      g_autoptr(GError) error = NULL;

      http_test_proxy_set_fault (fixture->proxy, faults[i], 1, "/api/collections/records", 503, "1", 0);
      result = test_sync (fixture->a.orchestrator, fixture->scope, &error);
      g_assert_null (result);
      g_assert_true (just_sync_error_is_transient (error));
      g_assert_cmpuint (count (just_sync_test_local_list_ops (fixture->a.local, fixture->scope)),
                        ==, 1);
    }

  done = sync_ok (&fixture->a, fixture->scope);
  g_assert_cmpuint (just_sync_sync_result_get_pushed (done), ==, 1);
  pulled = sync_ok (&fixture->b, fixture->scope);
  assert_title (&fixture->b, fixture->scope, just_sync_record_get_id (record), "patient");
  assert_converged (fixture, 1);
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
  pushed = sync_ok (&fixture->a, fixture->scope);

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

  pulled = sync_ok (&fixture->b, fixture->scope);
  assert_title (&fixture->b, fixture->scope, just_sync_record_get_id (record), "waits for alice");
  assert_converged (fixture, 1);
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
  g_test_add ("/pocketbase-sync/" name, Fixture, "sync-" name, fixture_setup, func, fixture_teardown)

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
