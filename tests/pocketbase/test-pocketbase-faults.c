/* test-pocketbase-faults.c: a proxy between a client and the real
 * PocketBase mangles replies; the client must never report success for
 * changes that did not arrive, never lose one, and converge once the
 * server behaves.
 *
 * Each case: the client writes two records; a sync meets the fault and
 * must fail (a sync that could not pull, or whose pushes were not
 * acknowledged, is no success); both changes stay queued; a sync against
 * the healthy server then puts each on the server exactly once, with no
 * conflict.
 *
 * Run under tests/servers/pocketbase/pb-harness.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <string.h>

#include "pb-test-util.h"
#include "test-support.h"

#define RECORDS_PATH "/api/collections/records/records"
#define BATCH_PATH "/api/batch"

typedef struct
{
  const char *name;
  const char *path;
  HttpTestFault fault;              /* or a replaced reply: */
  gboolean forward;                 /* the server does the work first */
  guint status;
  const char *content_type;
  const char *body;                 /* "@10MB" for a page with a 10 MB field */
  guint count;
  gboolean may_succeed;             /* the reply is odd, not wrong */
} FaultCase;

static const FaultCase cases[] = {
  /* Pages. */
  { "pull-truncated", RECORDS_PATH, HTTP_TEST_FAULT_TRUNCATE, .count = 1 },
  { "pull-items-not-array", RECORDS_PATH, .status = 200, .count = 1,
    .body = "{\"page\":1,\"perPage\":500,\"items\":\"nope\"}" },
  { "pull-wrong-types", RECORDS_PATH, .status = 200, .count = 1,
    .body = "{\"page\":1,\"perPage\":500,\"items\":[{\"id\":5,\"updated\":true,\"deleted_at\":7}]}" },
  { "pull-10mb-field", RECORDS_PATH, .status = 200, .count = 1, .body = "@10MB",
    .may_succeed = TRUE },
  { "pull-500", RECORDS_PATH, HTTP_TEST_FAULT_STATUS, .status = 500, .count = 1 },
  { "pull-502-html", RECORDS_PATH, .status = 502, .content_type = "text/html", .count = 1,
    .body = "<html><body><h1>502 Bad Gateway</h1></body></html>" },
  { "pull-200-html", RECORDS_PATH, .status = 200, .content_type = "text/html", .count = 1,
    .body = "<!DOCTYPE html><html><body>Welcome to nginx!</body></html>" },
  { "pull-200-empty", RECORDS_PATH, .status = 200, .count = 1, .body = "" },
  { "pull-endless", RECORDS_PATH, HTTP_TEST_FAULT_ENDLESS, .count = 1 },
  { "pull-no-answer", RECORDS_PATH, HTTP_TEST_FAULT_DELAY, .count = 1 },
  { "pull-ignores-cursor", RECORDS_PATH, HTTP_TEST_FAULT_REPLAY, .count = 50 },
  /* Push replies, after the server applied the push. */
  { "push-500-after-apply", BATCH_PATH, .forward = TRUE, .status = 500, .count = 1,
    .body = "{\"data\":{},\"message\":\"Something went wrong.\",\"status\":500}" },
  { "push-empty-array", BATCH_PATH, .forward = TRUE, .status = 200, .count = 1, .body = "[]" },
  { "push-entries-without-body", BATCH_PATH, .forward = TRUE, .status = 200, .count = 1,
    .body = "[{\"status\":200},{\"status\":200}]" },
  { "push-swapped-ids", BATCH_PATH, HTTP_TEST_FAULT_REVERSE, .count = 1 },
  { "push-html", BATCH_PATH, .forward = TRUE, .status = 200, .content_type = "text/html",
    .count = 1, .body = "<html>ok</html>" },
  { "push-lost-reply", BATCH_PATH, HTTP_TEST_FAULT_LOSE_REPLY, .count = 1 },
};

typedef struct
{
  HttpTestProxy *proxy;
  JustSyncScope *scope;
  TestClient client;                /* through the proxy */
  char *ids[2];
} Fixture;

static void
fixture_setup (Fixture       *fixture,
               gconstpointer  data)
{
  const FaultCase *fault = data;
  g_autofree char *tag = g_strdup_printf ("%s-%" G_GINT64_FORMAT, fault->name, g_get_real_time ());
  g_autoptr(JustSyncPocketbaseStore) remote = NULL;

  fixture->proxy = http_test_proxy_new (pb_env ("JUSTSYNC_PB_URL"));
  fixture->scope = pb_user_scope ("records", "ALICE", tag);
  remote = pb_store_new (http_test_proxy_get_url (fixture->proxy), "ALICE");
  /* Bounded waits for the endless body and the server that never answers. */
  g_object_set (remote, "timeout", 2, NULL);
  test_client_init (&fixture->client, test_new_sqlite_store (), JUST_SYNC_REMOTE_STORE (remote));
}

static void
fixture_teardown (Fixture       *fixture,
                  gconstpointer  data)
{
  test_client_clear (&fixture->client);
  g_clear_pointer (&fixture->scope, just_sync_scope_unref);
  g_clear_pointer (&fixture->proxy, http_test_proxy_free);
  g_free (fixture->ids[0]);
  g_free (fixture->ids[1]);
}

static guint
count_ops (Fixture *fixture)
{
  g_autoptr(GPtrArray) ops = just_sync_test_local_list_ops (fixture->client.local, fixture->scope);

  return ops->len;
}

static guint
count_conflicts (Fixture *fixture)
{
  g_autoptr(GPtrArray) conflicts = just_sync_test_local_list_conflicts (fixture->client.local,
                                                                       fixture->scope);

  return conflicts->len;
}

/* A page holding a record of the scope that the server does not have, with
 * a 10 MB title. */
static GBytes *
huge_page (Fixture *fixture)
{
  g_autoptr(GString) page = g_string_new (NULL);
  const char *owner = just_sync_scope_get_key (fixture->scope, "owner");
  const char *tag = just_sync_scope_get_key (fixture->scope, "tag");

  g_string_append_printf (page, "{\"page\":1,\"perPage\":500,\"items\":[{\"id\":\"%s\","
                          "\"owner\":\"%s\",\"tag\":\"%s\",\"deleted_at\":\"\","
                          "\"updated\":\"2030-01-01 00:00:00.000Z\",\"title\":\"",
                          "zzzzzzzzzzzzzzz", owner, tag);
  for (guint i = 0; i < 10 * 1024 * 1024 / 16; i++)
    g_string_append (page, "0123456789abcdef");
  g_string_append (page, "\"}]}");
  return g_string_free_to_bytes (g_steal_pointer (&page));
}

static void
arm_fault (Fixture         *fixture,
           const FaultCase *fault)
{
  if (fault->body != NULL)
    {
      g_autoptr(GBytes) body = NULL;

      if (strcmp (fault->body, "@10MB") == 0)
        body = huge_page (fixture);
      else
        body = g_bytes_new_static (fault->body, strlen (fault->body));
      http_test_proxy_set_reply (fixture->proxy, fault->count, fault->path, fault->forward,
                                 fault->status, fault->content_type, body);
    }
  else
    http_test_proxy_set_fault (fixture->proxy, fault->fault, fault->count, fault->path,
                               fault->status, NULL, 5000);
}

static void
test_fault (Fixture       *fixture,
            gconstpointer  data)
{
  const FaultCase *fault = data;
  g_autoptr(JustSyncPocketbaseStore) direct = pb_store_new (NULL, "ALICE");
  g_autoptr(JustSyncSyncResult) failed = NULL;
  g_autoptr(JustSyncSyncResult) healed = NULL;
  g_autoptr(GPtrArray) server = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GError) fetch_error = NULL;

  /* For the replayed page: rows on the server, more than a page of them. */
  if (fault->fault == HTTP_TEST_FAULT_REPLAY)
    {
      g_autoptr(JustSyncSyncResult) seeded = NULL;

      g_object_set (fixture->client.orchestrator, "page-size", 2, NULL);
      for (guint i = 0; i < 5; i++)
        {
          g_autoptr(JustSyncRecord) record = test_create (fixture->client.orchestrator, fixture->scope,
                                                          NULL, "{\"title\":\"seed\"}");
        }
      seeded = test_sync_ok (fixture->client.orchestrator, fixture->scope);
      /* Pull from the start again, as a new device would. */
      test_client_clear (&fixture->client);
      {
        g_autoptr(JustSyncPocketbaseStore) remote = pb_store_new (http_test_proxy_get_url (fixture->proxy),
                                                                  "ALICE");

        test_client_init (&fixture->client, test_new_sqlite_store (), JUST_SYNC_REMOTE_STORE (remote));
        g_object_set (fixture->client.orchestrator, "page-size", 2, NULL);
      }
    }

  for (guint i = 0; i < 2; i++)
    {
      g_autofree char *json = g_strdup_printf ("{\"title\":\"change %u\"}", i);
      g_autoptr(JustSyncRecord) record = test_create (fixture->client.orchestrator, fixture->scope,
                                                      NULL, json);

      fixture->ids[i] = g_strdup (just_sync_record_get_id (record));
    }

  arm_fault (fixture, fault);
  failed = test_sync (fixture->client.orchestrator, fixture->scope, &error);
  g_test_message ("%s: %s", fault->name, error != NULL ? error->message : "no error");
  if (!fault->may_succeed)
    {
      g_assert_null (failed);
      g_assert_nonnull (error);
      g_assert_cmpstr (just_sync_orchestrator_get_last_error (fixture->client.orchestrator), !=, NULL);
      g_assert_cmpuint (count_ops (fixture), ==, 2);
    }

  /* The server behaves again. */
  http_test_proxy_set_fault (fixture->proxy, HTTP_TEST_FAULT_NONE, 0, NULL, 0, NULL, 0);
  http_test_proxy_set_reply (fixture->proxy, 0, NULL, FALSE, 0, NULL, NULL);
  healed = test_sync_ok (fixture->client.orchestrator, fixture->scope);
  g_clear_pointer (&healed, just_sync_sync_result_unref);
  healed = test_sync_ok (fixture->client.orchestrator, fixture->scope);
  if (fault->may_succeed)
    {
      /* Whatever the odd page held goes with a full comparison. */
      g_clear_pointer (&healed, just_sync_sync_result_unref);
      healed = JUST_SYNC_TEST_AWAIT_OK (just_sync_orchestrator_reconcile, fixture->client.orchestrator,
                                        fixture->scope);
      g_assert_null (just_sync_test_local_get (fixture->client.local, fixture->scope,
                                               "zzzzzzzzzzzzzzz"));
    }

  g_assert_cmpuint (count_ops (fixture), ==, 0);
  g_assert_cmpuint (count_conflicts (fixture), ==, 0);
  server = pb_fetch_all (JUST_SYNC_REMOTE_STORE (direct), fixture->scope, 500, NULL, &fetch_error);
  g_assert_no_error (fetch_error);
  for (guint i = 0; i < 2; i++)
    {
      g_autofree char *title = g_strdup_printf ("change %u", i);
      JustSyncRecord *record = just_sync_test_find_record (server, fixture->ids[i]);
      g_autoptr(JustSyncRecord) mine = just_sync_test_local_get (fixture->client.local, fixture->scope,
                                                                 fixture->ids[i]);

      g_assert_nonnull (record);
      g_assert_cmpstr (just_sync_test_payload_string (record, "title"), ==, title);
      g_assert_nonnull (mine);
      g_assert_cmpstr (just_sync_test_payload_string (mine, "title"), ==, title);
    }
  /* Exactly once: client ids, so a second copy would be a second id. */
  g_assert_cmpuint (server->len, ==, fault->fault == HTTP_TEST_FAULT_REPLAY ? 7 : 2);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *path = g_strdup_printf ("/pocketbase-faults/%s", cases[i].name);

      g_test_add (path, Fixture, &cases[i], fixture_setup, test_fault, fixture_teardown);
    }
  g_test_set_nonfatal_assertions ();
  return g_test_run ();
}
