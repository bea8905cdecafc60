/* test-pocketbase-hostile.c: a hostile server against the PocketBase store
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Issue 12: an in-process SoupServer that answers as PocketBase would if
 * it were hostile or broken: replies nested a million levels, huge and
 * non-finite numbers, lone surrogates, a Date before 1970, system fields
 * of the wrong type, deep realtime events and tokens whose expiry is no
 * time. The app syncs through an orchestrator into a SQLite store: each
 * reply fails the sync with an error (or is read harmlessly), never
 * crashes, and leaves the store as it was: readable, at the same sync
 * point, and syncing again once the server behaves.
 */

#include "config.h"

#include <string.h>

#include "justsync-json-private.h"
#include "justsync-remote-store-private.h"
#include "pb-test-util.h"
#include "test-support.h"

#define GOOD_RECORD "{\"id\":\"good1\",\"updated\":\"2026-01-01 00:00:00.000Z\",\"title\":\"kept\"}"
#define LATER_RECORD "{\"id\":\"good2\",\"updated\":\"2026-01-02 00:00:00.000Z\",\"title\":\"later\"}"
#define PAGE(items) "{\"items\":[" items "],\"page\":1,\"perPage\":1000}"

typedef struct
{
  SoupServer *server;
  char *url;
  char *reply;                      /* the list reply */
  const char *date;                 /* the Date header, NULL: now */
  SoupServerMessage *stream;        /* the open realtime stream */
  JustSyncPocketbaseStore *store;
  TestClient client;
  JustSyncScope *scope;
  guint n_changed;
} Fixture;

static char *
nested (guint levels)
{
  GString *text = g_string_sized_new (2 * levels);

  for (guint i = 0; i < levels; i++)
    g_string_append_c (text, '[');
  for (guint i = 0; i < levels; i++)
    g_string_append_c (text, ']');
  return g_string_free (text, FALSE);
}

static void
send_event (Fixture    *fixture,
            const char *event,
            const char *data)
{
  g_autofree char *frame = g_strdup_printf ("id:client\nevent:%s\ndata:%s\n\n", event, data);

  g_assert_nonnull (fixture->stream);
  soup_message_body_append (soup_server_message_get_response_body (fixture->stream),
                            SOUP_MEMORY_COPY, frame, strlen (frame));
  soup_server_message_unpause (fixture->stream);
}

static void
handler (SoupServer        *server,
         SoupServerMessage *msg,
         const char        *path,
         GHashTable        *query,
         gpointer           user_data)
{
  Fixture *fixture = user_data;
  SoupMessageHeaders *headers = soup_server_message_get_response_headers (msg);
  const char *method = soup_server_message_get_method (msg);

  if (fixture->date != NULL)
    soup_message_headers_replace (headers, "Date", fixture->date);

  if (strcmp (path, "/api/realtime") == 0 && strcmp (method, "GET") == 0)
    {
      soup_server_message_set_status (msg, 200, NULL);
      soup_message_headers_set_content_type (headers, "text/event-stream", NULL);
      soup_message_headers_set_encoding (headers, SOUP_ENCODING_CHUNKED);
      g_clear_object (&fixture->stream);
      fixture->stream = g_object_ref (msg);
      send_event (fixture, "PB_CONNECT", "{\"clientId\":\"client1\"}");
    }
  else if (strcmp (path, "/api/realtime") == 0)
    soup_server_message_set_status (msg, 204, NULL);
  else if (strcmp (path, "/api/health") == 0)
    http_test_reply_json (msg, 200, "{\"message\":\"API is healthy.\",\"code\":200,\"data\":{}}");
  else if (strcmp (path, "/api/collections/records/records") == 0 && strcmp (method, "GET") == 0)
    http_test_reply_json (msg, 200, fixture->reply);
  else
    http_test_reply_json (msg, 404, "{\"data\":{},\"message\":\"The requested resource wasn't found.\",\"status\":404}");
}

static void
changed_cb (JustSyncRemoteStore *store,
            JustSyncScope       *scope,
            Fixture             *fixture)
{
  fixture->n_changed++;
}

static void
fixture_setup (Fixture       *fixture,
               gconstpointer  data)
{
  fixture->server = http_test_server_new (&fixture->url);
  soup_server_add_handler (fixture->server, NULL, handler, fixture, NULL);
  fixture->store = just_sync_pocketbase_store_new (fixture->url);
  g_signal_connect (fixture->store, "remote-changed", G_CALLBACK (changed_cb), fixture);
  test_client_init (&fixture->client, test_new_sqlite_store (), JUST_SYNC_REMOTE_STORE (fixture->store));
  fixture->scope = pb_scope ("records");
  fixture->reply = g_strdup (PAGE (GOOD_RECORD));
}

static void
fixture_teardown (Fixture       *fixture,
                  gconstpointer  data)
{
  test_client_clear (&fixture->client);
  g_clear_object (&fixture->store);
  if (fixture->stream != NULL)
    {
      soup_message_body_complete (soup_server_message_get_response_body (fixture->stream));
      soup_server_message_unpause (fixture->stream);
      g_clear_object (&fixture->stream);
    }
  soup_server_disconnect (fixture->server);
  g_clear_object (&fixture->server);
  g_free (fixture->url);
  g_free (fixture->reply);
  just_sync_scope_unref (fixture->scope);
}

/* The store holds exactly @n records of the scope, the good one among them. */
static void
assert_store_readable (Fixture *fixture,
                       guint    n)
{
  g_autoptr(GPtrArray) records = just_sync_test_local_query (fixture->client.local, fixture->scope);
  JustSyncRecord *good = just_sync_test_find_record (records, "good1");

  g_assert_cmpuint (records->len, ==, n);
  g_assert_nonnull (good);
  g_assert_cmpstr (just_sync_test_payload_string (good, "title"), ==, "kept");
}

static char *
sync_point_text (Fixture *fixture)
{
  g_autoptr(JustSyncSyncPoint) point = just_sync_test_local_get_sync_point (fixture->client.local, fixture->scope);
  g_autoptr(JsonNode) node = NULL;

  if (point == NULL)
    return g_strdup ("none");
  node = just_sync_sync_point_to_json (point);
  return json_to_string (node, FALSE);
}

/*
 * Syncs a good page, then @reply (with the Date header @date): the sync
 * fails with @code and a message holding @fragment, and the store is as
 * it was. Then the server behaves again and the next sync brings a new
 * record.
 */
static void
assert_refused (Fixture    *fixture,
                const char *reply,
                const char *date,
                int         code,
                const char *fragment)
{
  g_autoptr(JustSyncSyncResult) seeded = NULL, failed = NULL, healed = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *point_before = NULL;
  g_autofree char *point_after = NULL;

  g_test_message ("reply: %.80s%s", reply, strlen (reply) > 80 ? "…" : "");
  g_free (fixture->reply);
  fixture->reply = g_strdup (PAGE (GOOD_RECORD));
  fixture->date = NULL;
  seeded = test_sync_ok (fixture->client.orchestrator, fixture->scope);
  assert_store_readable (fixture, 1);
  point_before = sync_point_text (fixture);

  g_free (fixture->reply);
  fixture->reply = g_strdup (reply);
  fixture->date = date;
  failed = test_sync (fixture->client.orchestrator, fixture->scope, &error);
  g_assert_null (failed);
  g_assert_error (error, JUST_SYNC_ERROR, code);
  g_assert_true (g_utf8_validate (error->message, -1, NULL));
  g_assert_nonnull (strstr (error->message, fragment));
  assert_store_readable (fixture, 1);
  point_after = sync_point_text (fixture);
  g_assert_cmpstr (point_after, ==, point_before);

  g_free (fixture->reply);
  fixture->reply = g_strdup (PAGE (GOOD_RECORD "," LATER_RECORD));
  fixture->date = NULL;
  healed = test_sync_ok (fixture->client.orchestrator, fixture->scope);
  assert_store_readable (fixture, 2);

  /* The next case starts from an empty store again. */
  test_client_clear (&fixture->client);
  test_client_init (&fixture->client, test_new_sqlite_store (), JUST_SYNC_REMOTE_STORE (fixture->store));
}

/* Replies the strict boundary refuses: a server error, no crash. */
static void
test_refused_json (Fixture       *fixture,
                   gconstpointer  data)
{
  g_autofree char *deep_levels = nested (1000000);
  g_autofree char *deep = g_strdup_printf ("{\"items\":[{\"id\":\"d\",\"updated\":\"2026-01-03 00:00:00.000Z\","
                                           "\"x\":%s}],\"perPage\":1000}", deep_levels);
  const char *replies[] = {
    deep,
    PAGE ("{\"id\":\"n\",\"updated\":\"2026-01-03 00:00:00.000Z\",\"n\":1e999}"),
    PAGE ("{\"id\":\"n\",\"updated\":\"2026-01-03 00:00:00.000Z\",\"n\":123456789012345678901234}"),
    PAGE ("{\"id\":\"s\",\"updated\":\"2026-01-03 00:00:00.000Z\",\"t\":\"\\ud800x\"}"),
    PAGE ("{\"id\":\"z\",\"updated\":\"2026-01-03 00:00:00.000Z\",\"t\":\"a\\u0000b\"}"),
    PAGE ("{'id':'q','updated':'2026-01-03 00:00:00.000Z'}"),
    PAGE ("{\"id\":\"c\",\"updated\":\"2026-01-03 00:00:00.000Z\" /* comment */}"),
  };

  for (guint i = 0; i < G_N_ELEMENTS (replies); i++)
    assert_refused (fixture, replies[i], NULL, JUST_SYNC_ERROR_SERVER, "");
}

/* Serves @reply, where each `@X@` is a field nested @levels deep, and
 * expects one message for each record of @refused_ids. */
static void
serve_deep_page (Fixture           *fixture,
                 const char        *reply,
                 guint              levels,
                 const char *const *refused_ids)
{
  g_autofree char *field = nested (levels);
  GString *text = g_string_new (reply);

  g_string_replace (text, "@X@", field, 0);
  g_free (fixture->reply);
  fixture->reply = g_string_free (text, FALSE);
  for (guint i = 0; refused_ids[i] != NULL; i++)
    {
      g_autofree char *pattern = g_strdup_printf ("PocketBase collection “records”: the record “%s” "
                                                  "is refused*more than 64 levels deep", refused_ids[i]);

      g_test_expect_message ("JustSync", G_LOG_LEVEL_MESSAGE, pattern);
    }
}

static JustSyncSyncResult *
sync_deep_page (Fixture           *fixture,
                const char        *reply,
                guint              levels,
                const char *const *refused_ids)
{
  JustSyncSyncResult *result;

  serve_deep_page (fixture, reply, levels, refused_ids);
  result = test_sync_ok (fixture->client.orchestrator, fixture->scope);
  g_test_assert_expected_messages ();
  return result;
}

#define DEEP_RECORD(id, time) "{\"id\":\"" id "\",\"updated\":\"2026-01-0" time "Z\",\"x\":@X@}"

/* Issue 12: a record nested deeper than a payload may be (65 to 72
 * levels), inside a reply the 72-level boundary reads, is refused alone:
 * the page's other records are applied, a warning names it, the sync
 * point moves past it (a page of refused records only, too), a later
 * version the library can store is pulled as usual, and a reconcile does
 * not prune the local copy of a record whose server version is refused. */
static void
test_deep_record (Fixture       *fixture,
                  gconstpointer  data)
{
  const char *none[] = { NULL };
  const char *deep[] = { "deep", NULL };
  const char *deep_only[] = { "deep2", "deep3", NULL };
  const char *deep2[] = { "deep2", NULL };
  g_autoptr(JustSyncSyncResult) mixed = NULL, refused_only = NULL, fixed = NULL, reconciled = NULL;
  g_autoptr(GPtrArray) records = NULL;
  g_autofree char *point = NULL;
  JustSyncRecord *record;

  /* 64 levels is a payload the library takes; 65 is not. */
  mixed = sync_deep_page (fixture, PAGE (GOOD_RECORD "," DEEP_RECORD ("deep", "1 12:00:00.000") ","
                                         LATER_RECORD "," DEEP_RECORD ("at-limit", "2 06:00:00.000")),
                          JUST_SYNC_JSON_MAX_DEPTH - 1, none);
  g_assert_cmpuint (just_sync_sync_result_get_pulled (mixed), ==, 4);
  g_clear_pointer (&mixed, just_sync_sync_result_unref);
  test_client_clear (&fixture->client);
  test_client_init (&fixture->client, test_new_sqlite_store (), JUST_SYNC_REMOTE_STORE (fixture->store));

  mixed = sync_deep_page (fixture, PAGE (GOOD_RECORD "," DEEP_RECORD ("deep", "1 12:00:00.000") ","
                                         LATER_RECORD),
                          JUST_SYNC_JSON_MAX_DEPTH, deep);
  g_assert_cmpuint (just_sync_sync_result_get_pulled (mixed), ==, 2);
  assert_store_readable (fixture, 2);
  point = sync_point_text (fixture);
  g_assert_nonnull (strstr (point, "good2"));
  g_clear_pointer (&point, g_free);

  /* The last rows of the page refused, and the deepest a reply may be. */
  refused_only = sync_deep_page (fixture, PAGE (DEEP_RECORD ("deep2", "3 00:00:00.000") ","
                                                DEEP_RECORD ("deep3", "3 00:00:01.000")),
                                 JUST_SYNC_JSON_MAX_ENVELOPE_DEPTH - 3, deep_only);
  g_assert_cmpuint (just_sync_sync_result_get_pulled (refused_only), ==, 0);
  assert_store_readable (fixture, 2);
  point = sync_point_text (fixture);
  g_assert_nonnull (strstr (point, "deep3"));

  /* The server fixes the record: pulled as any other. */
  fixed = sync_deep_page (fixture, PAGE ("{\"id\":\"deep2\",\"updated\":\"2026-01-04 00:00:00.000Z\","
                                         "\"x\":\"fine\"}"), 0, none);
  g_assert_cmpuint (just_sync_sync_result_get_pulled (fixed), ==, 1);
  assert_store_readable (fixture, 3);
  records = just_sync_test_local_query (fixture->client.local, fixture->scope);
  record = just_sync_test_find_record (records, "deep2");
  g_assert_nonnull (record);
  g_assert_cmpstr (just_sync_test_payload_string (record, "x"), ==, "fine");
  g_clear_pointer (&records, g_ptr_array_unref);

  /* A reconcile that meets a refused version keeps the local one: the
   * record is still on the server, so it is not pruned. */
  serve_deep_page (fixture, PAGE (GOOD_RECORD "," LATER_RECORD "," DEEP_RECORD ("deep2", "5 00:00:00.000")),
                   JUST_SYNC_JSON_MAX_DEPTH, deep2);
  reconciled = JUST_SYNC_TEST_AWAIT_OK (just_sync_orchestrator_reconcile, fixture->client.orchestrator,
                                        fixture->scope);
  g_test_assert_expected_messages ();
  assert_store_readable (fixture, 3);
  records = just_sync_test_local_query (fixture->client.local, fixture->scope);
  g_assert_cmpstr (just_sync_test_payload_string (just_sync_test_find_record (records, "deep2"), "x"), ==,
                   "fine");
}

/* Issue 12, crash 3: an empty page dated before 1970 failed with a NULL
 * delta that the engine then used. */
static void
test_bad_date (Fixture       *fixture,
               gconstpointer  data)
{
  assert_refused (fixture, PAGE (""), "Sun, 06 Nov 1960 08:49:37 GMT", JUST_SYNC_ERROR_PROTOCOL, "1960");
  assert_refused (fixture, PAGE (LATER_RECORD), "Thu, 01 Jan 1920 00:00:00 GMT", JUST_SYNC_ERROR_PROTOCOL,
                  "1920");
}

/* Issue 12, item 10: system fields of the wrong type. */
static void
test_wrong_types (Fixture       *fixture,
                  gconstpointer  data)
{
  /* A numeric deletion time was read as a live row. */
  just_sync_pocketbase_store_set_soft_delete_field (fixture->store, "deleted_at");
  assert_refused (fixture, PAGE ("{\"id\":\"good1\",\"updated\":\"2026-01-03 00:00:00.000Z\",\"deleted_at\":1767225600}"),
                  NULL, JUST_SYNC_ERROR_PROTOCOL, "“deleted_at”");
  assert_refused (fixture, PAGE ("{\"id\":\"w\",\"updated\":1767225600}"), NULL, JUST_SYNC_ERROR_PROTOCOL,
                  "“w” of “records” with a field “updated”");
  assert_refused (fixture, PAGE ("{\"id\":12,\"updated\":\"2026-01-03 00:00:00.000Z\"}"), NULL,
                  JUST_SYNC_ERROR_PROTOCOL, "“id” is not text");
}

/* Issue 12, item 7: `perPage` far out of range is read as no number. */
static void
test_huge_per_page (Fixture       *fixture,
                    gconstpointer  data)
{
  const char *replies[] = {
    "{\"items\":[" GOOD_RECORD "],\"perPage\":1e300}",
    "{\"items\":[" GOOD_RECORD "],\"perPage\":-1e300}",
  };

  for (guint i = 0; i < G_N_ELEMENTS (replies); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(JustSyncDelta) delta = NULL;

      g_free (fixture->reply);
      fixture->reply = g_strdup (replies[i]);
      delta = pb_fetch (JUST_SYNC_REMOTE_STORE (fixture->store), fixture->scope, NULL, 10, &error);
      g_assert_no_error (error);
      g_assert_cmpuint (just_sync_delta_get_records (delta)->len, ==, 1);
      /* One record of a page of 10: the end. */
      g_assert_false (just_sync_delta_get_has_more (delta));
    }
}

static char *
make_token (const char *claims)
{
  g_autofree char *encoded = g_base64_encode ((const guchar *) claims, strlen (claims));

  g_strdelimit (encoded, "+", '-');
  g_strdelimit (encoded, "/", '_');
  g_strdelimit (encoded, "=", '\0');
  return g_strdup_printf ("eyJhbGciOiJIUzI1NiJ9.%s.c2ln", encoded);
}

/* Issue 12, item 7: a token whose `exp` is no time (before 1970, past
 * 9999, out of range) is a token with no known expiry, not one that
 * "expired at (null)". */
static void
test_token_expiry (Fixture       *fixture,
                   gconstpointer  data)
{
  const char *claims[] = {
    "{\"collectionId\":\"users\",\"exp\":-5}",
    "{\"collectionId\":\"users\",\"exp\":253402300800}",
    "{\"collectionId\":\"users\",\"exp\":1e300}",
  };

  for (guint i = 0; i < G_N_ELEMENTS (claims); i++)
    {
      g_autofree char *token = make_token (claims[i]);
      g_autoptr(JustSyncDelta) delta = NULL;
      g_autoptr(GError) error = NULL;

      just_sync_pocketbase_store_set_token (fixture->store, token);
      delta = pb_fetch (JUST_SYNC_REMOTE_STORE (fixture->store), fixture->scope, NULL, 10, &error);
      g_assert_no_error (error);
      g_assert_nonnull (delta);
    }
}

/* Issue 12, crash 2: realtime events nested a million levels, or not
 * JSON by the strict rules, are hints: the watched scope is reported
 * changed and nothing crashes. */
static void
test_hostile_events (Fixture       *fixture,
                     gconstpointer  data)
{
  g_autofree char *levels = nested (1000000);
  g_autofree char *deep = g_strdup_printf ("{\"action\":\"update\",\"record\":%s}", levels);
  const char *events[] = {
    deep,
    "{'action':'update','record':{'id':'a'}}",
    "{\"action\":\"update\",\"record\":{\"id\":\"a\",\"n\":1e999}}",
    "{\"action\":\"update\",\"record\":{\"id\":\"\\udc00\"}}",
  };
  guint expected;

  just_sync_remote_store_watch (JUST_SYNC_REMOTE_STORE (fixture->store), fixture->scope);
  /* The catch-up after the first subscription. */
  g_assert_true (just_sync_test_wait_count (&fixture->n_changed, 1, 10000));
  expected = fixture->n_changed;
  for (guint i = 0; i < G_N_ELEMENTS (events); i++)
    {
      send_event (fixture, "records/a", events[i]);
      expected++;
      g_assert_true (just_sync_test_wait_count (&fixture->n_changed, expected, 10000));
    }
  /* A PB_CONNECT whose data does not parse names no client. */
  send_event (fixture, "PB_CONNECT", deep);
  send_event (fixture, "records/b", "{\"action\":\"create\",\"record\":{\"id\":\"b\"}}");
  g_assert_true (just_sync_test_wait_count (&fixture->n_changed, expected + 1, 10000));
  just_sync_remote_store_unwatch (JUST_SYNC_REMOTE_STORE (fixture->store), fixture->scope);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

#define ADD(name, func) \
  g_test_add ("/pocketbase-hostile/" name, Fixture, NULL, fixture_setup, func, fixture_teardown)
  ADD ("refused-json", test_refused_json);
  ADD ("deep-record", test_deep_record);
  ADD ("bad-date", test_bad_date);
  ADD ("wrong-types", test_wrong_types);
  ADD ("huge-per-page", test_huge_per_page);
  ADD ("token-expiry", test_token_expiry);
  ADD ("hostile-events", test_hostile_events);
#undef ADD

  return g_test_run ();
}
