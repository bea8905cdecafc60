/* test-supabase-unit.c: the Supabase store's PostgREST dialect, no server
 *
 * The pure codec (queries, rows, errors, times), and the headers and
 * queries the store sends, seen by an in-process SoupServer.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <string.h>

#include "http-test-util.h"
#include "justsync-json-private.h"
#include "justsync-remote-store-private.h"
#ifdef JUST_SYNC_HAS_SECRET
#include "justsync-secret-private.h"
#endif
#include "justsync-supabase-codec-private.h"
#include "justsync-test-util.h"

/* The decoded parameters of a query string. */
static GHashTable *
params (const char *query)
{
  g_autoptr(GError) error = NULL;
  GHashTable *table = g_uri_parse_params (query, -1, "&", G_URI_PARAMS_NONE, &error);

  g_assert_no_error (error);
  return table;
}

static void
test_quote (void)
{
  g_autofree char *plain = _just_sync_supabase_quote ("a,b.c:(d)");
  g_autofree char *escaped = _just_sync_supabase_quote ("say \"hi\" \\o/");

  g_assert_cmpstr (plain, ==, "\"a,b.c:(d)\"");
  g_assert_cmpstr (escaped, ==, "\"say \\\"hi\\\" \\\\o/\"");
}

static void
test_column_names (void)
{
  g_autoptr(JustSyncScope) good = just_sync_test_scope ("notes", "owner", "u1", "tag", "a,b", NULL);
  g_autoptr(JustSyncScope) bad = just_sync_test_scope ("notes", "bad-key", "x", NULL);
  g_autoptr(JustSyncScope) system = just_sync_test_scope ("notes", "updated_at", "x", NULL);
  g_autoptr(GError) error = NULL;

  g_assert_true (_just_sync_supabase_is_column_name ("owner_2"));
  g_assert_true (_just_sync_supabase_is_column_name ("_x"));
  g_assert_false (_just_sync_supabase_is_column_name ("2x"));
  g_assert_false (_just_sync_supabase_is_column_name ("a.b"));
  g_assert_false (_just_sync_supabase_is_column_name (""));

  g_assert_true (_just_sync_supabase_check_scope (good, &error));
  g_assert_no_error (error);
  g_assert_false (_just_sync_supabase_check_scope (bad, &error));
  g_assert_error (error, JUST_SYNC_ERROR, JUST_SYNC_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);
  g_assert_false (_just_sync_supabase_check_scope (system, &error));
  g_assert_error (error, JUST_SYNC_ERROR, JUST_SYNC_ERROR_INVALID_ARGUMENT);
}

static void
test_select_query (void)
{
  g_autoptr(JustSyncScope) scope = just_sync_test_scope ("notes", "owner", "u1", "tag", "a,b&c", NULL);
  g_autoptr(JustSyncSyncPoint) since = NULL;
  g_autofree char *first = _just_sync_supabase_select_query (scope, NULL, 500);
  g_autofree char *next = NULL;
  g_autoptr(GHashTable) p1 = params (first);
  g_autoptr(GHashTable) p2 = NULL;
  gint64 t;

  /* Every scope key is an eq. filter, taken whole after the operator. */
  g_assert_cmpstr (g_hash_table_lookup (p1, "owner"), ==, "eq.u1");
  g_assert_cmpstr (g_hash_table_lookup (p1, "tag"), ==, "eq.a,b&c");
  g_assert_cmpstr (g_hash_table_lookup (p1, "order"), ==, "updated_at.asc,id.asc");
  g_assert_cmpstr (g_hash_table_lookup (p1, "limit"), ==, "500");
  g_assert_false (g_hash_table_contains (p1, "or"));
  g_assert_cmpuint (g_hash_table_size (p1), ==, 4);
  /* `+` would read as a space: nothing but escapes and safe characters. */
  g_assert_null (strchr (first, '+'));

  g_assert_true (just_sync_timestamp_parse ("2025-01-02T03:04:05.000007Z", &t, NULL));
  since = just_sync_sync_point_new (t, "id,1");
  next = _just_sync_supabase_select_query (scope, since, 3);
  p2 = params (next);
  g_assert_cmpstr (g_hash_table_lookup (p2, "updated_at"), ==, "gte.2025-01-02T03:04:05.000007Z");
  g_assert_cmpstr (g_hash_table_lookup (p2, "or"), ==,
                   "(updated_at.gt.\"2025-01-02T03:04:05.000007Z\","
                   "and(updated_at.eq.\"2025-01-02T03:04:05.000007Z\",id.gt.\"id,1\"))");
  g_assert_cmpstr (g_hash_table_lookup (p2, "limit"), ==, "3");
}

static void
test_id_filters (void)
{
  const char *ids[] = { "a", "b,\"c\"" };
  const gint64 versions[] = { 1, G_GINT64_CONSTANT (1735787045123456) };
  g_autofree char *in = _just_sync_supabase_id_filter (ids, G_N_ELEMENTS (ids));
  g_autofree char *or = _just_sync_supabase_versions_filter (ids, versions, G_N_ELEMENTS (ids));

  g_assert_cmpstr (in, ==, "in.(\"a\",\"b,\\\"c\\\"\")");
  g_assert_cmpstr (or, ==,
                   "(and(id.eq.\"a\",updated_at.eq.\"1970-01-01T00:00:00.000001Z\"),"
                   "and(id.eq.\"b,\\\"c\\\"\",updated_at.eq.\"2025-01-02T03:04:05.123456Z\"))");
}

static void
test_base_version (void)
{
  g_autoptr(JustSyncRecord) record = just_sync_test_record ("r1", "{\"title\":\"x\"}", 1000);
  g_autofree char *version = just_sync_record_dup_version (record);
  g_autoptr(JustSyncPendingOp) based = just_sync_test_op (1, just_sync_record_ref (record), version);
  g_autoptr(JustSyncPendingOp) fresh = just_sync_test_op (2, just_sync_record_ref (record), NULL);
  g_autoptr(JustSyncPendingOp) odd = just_sync_test_op (3, just_sync_record_ref (record), "etag-abc");

  g_assert_cmpint (_just_sync_supabase_base_updated_at (based), ==, 1000);
  g_assert_cmpint (_just_sync_supabase_base_updated_at (fresh), ==, 0);
  g_assert_cmpint (_just_sync_supabase_base_updated_at (odd), ==, 0);
}

static JsonNode *
node (const char *json)
{
  g_autoptr(GError) error = NULL;
  JsonNode *result = json_from_string (json, &error);

  g_assert_no_error (error);
  return result;
}

static void
test_record_from_row (void)
{
  g_autoptr(JustSyncScope) scope = just_sync_test_scope ("notes", "owner", "u1", NULL);
  g_autoptr(JsonNode) live = node ("{\"id\":\"r1\",\"owner\":\"u1\",\"title\":\"hi\",\"n\":2,"
                                   "\"updated_at\":\"2025-01-02T03:04:05.123456+00:00\",\"deleted_at\":null,\"done\":null}");
  g_autoptr(JsonNode) dead = node ("{\"id\":\"r2\",\"updated_at\":\"2025-01-02T03:04:06+01:00\","
                                   "\"deleted_at\":\"2025-01-02T02:04:05.5+00:00\"}");
  g_autoptr(JsonNode) number_id = node ("{\"id\":42,\"updated_at\":\"2025-01-02T03:04:05Z\"}");
  g_autoptr(JsonNode) stampless = node ("{\"id\":\"r3\",\"title\":\"x\"}");
  g_autoptr(JsonNode) idless = node ("{\"updated_at\":\"2025-01-02T03:04:05Z\"}");
  g_autoptr(JustSyncRecord) a = NULL, b = NULL, c = NULL, hard = NULL, none = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *data = NULL;
  gint64 t;

  a = _just_sync_supabase_record_from_row (live, scope, "deleted_at", NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (just_sync_record_get_id (a), ==, "r1");
  g_assert_true (just_sync_timestamp_parse ("2025-01-02T03:04:05.123456Z", &t, NULL));
  g_assert_cmpint (just_sync_record_get_updated_at (a), ==, t);
  g_assert_false (just_sync_record_is_deleted (a));
  /* The system columns and the scope keys are not the app's. */
  data = just_sync_record_dup_payload_data (a);
  g_assert_cmpstr (data, ==, "{\"title\":\"hi\",\"n\":2,\"done\":null}");

  b = _just_sync_supabase_record_from_row (dead, scope, "deleted_at", NULL, &error);
  g_assert_no_error (error);
  g_assert_true (just_sync_record_is_deleted (b));
  g_assert_cmpint (just_sync_record_get_updated_at (b), ==, just_sync_record_get_deleted_at (b) + G_USEC_PER_SEC / 2);

  /* Without soft deletes the column is the app's own. */
  hard = _just_sync_supabase_record_from_row (dead, scope, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_false (just_sync_record_is_deleted (hard));
  g_assert_nonnull (json_object_get_member (just_sync_record_get_payload (hard), "deleted_at"));

  c = _just_sync_supabase_record_from_row (number_id, scope, "deleted_at", NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (just_sync_record_get_id (c), ==, "42");

  none = _just_sync_supabase_record_from_row (stampless, scope, "deleted_at", NULL, &error);
  g_assert_null (none);
  g_assert_error (error, JUST_SYNC_ERROR, JUST_SYNC_ERROR_SERVER);
  g_clear_error (&error);
  none = _just_sync_supabase_record_from_row (idless, scope, "deleted_at", NULL, &error);
  g_assert_null (none);
  g_assert_error (error, JUST_SYNC_ERROR, JUST_SYNC_ERROR_SERVER);
}

static void
test_row_from_record (void)
{
  g_autoptr(JustSyncScope) scope = just_sync_test_scope ("notes", "owner", "u1", NULL);
  g_autoptr(JustSyncRecord) record = just_sync_test_record ("r1", "{\"title\":\"hi\",\"owner\":\"u1\","
                                                            "\"updated_at\":\"x\",\"n\":[1]}", 5);
  g_autoptr(JustSyncRecord) intruder = just_sync_test_record ("r2", "{\"owner\":\"u2\"}", 5);
  g_autoptr(JsonObject) row = NULL;
  g_autoptr(JsonObject) hard_row = NULL;
  g_autoptr(JsonObject) none = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *columns = NULL;

  row = _just_sync_supabase_row_from_record (record, scope, "deleted_at", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (json_object_get_string_member (row, "id"), ==, "r1");
  g_assert_cmpstr (json_object_get_string_member (row, "owner"), ==, "u1");
  g_assert_cmpstr (json_object_get_string_member (row, "title"), ==, "hi");
  /* updated_at is the server's; an upsert makes the row live again. */
  g_assert_false (json_object_has_member (row, "updated_at"));
  g_assert_true (json_object_get_null_member (row, "deleted_at"));
  columns = _just_sync_supabase_dup_columns (row);
  g_assert_cmpstr (columns, ==, "deleted_at,id,n,owner,title");

  hard_row = _just_sync_supabase_row_from_record (record, scope, NULL, &error);
  g_assert_no_error (error);
  g_assert_false (json_object_has_member (hard_row, "deleted_at"));

  none = _just_sync_supabase_row_from_record (intruder, scope, NULL, &error);
  g_assert_null (none);
  g_assert_error (error, JUST_SYNC_ERROR, JUST_SYNC_ERROR_REJECTED);
}

static void
test_error_message (void)
{
  g_autoptr(JsonNode) full = node ("{\"code\":\"42501\",\"details\":null,\"hint\":\"check the policy\","
                                   "\"message\":\"new row violates row-level security policy\"}");
  g_autoptr(JsonNode) bare = node ("[1]");
  g_autofree char *a = _just_sync_supabase_dup_error_message (full, 403);
  g_autofree char *b = _just_sync_supabase_dup_error_message (bare, 404);
  g_autofree char *c = _just_sync_supabase_dup_error_message (NULL, 500);

  g_assert_cmpstr (a, ==, "new row violates row-level security policy (hint: check the policy) (code: 42501)");
  g_assert_cmpstr (b, ==, "Not Found");
  g_assert_cmpstr (c, ==, "Internal Server Error");
}

static void
test_time_reply (void)
{
  g_autoptr(JsonNode) text = node ("\"2025-01-02T03:04:05.123456+00:00\"");
  g_autoptr(JsonNode) array = node ("[\"2025-01-02T03:04:05.123456Z\"]");
  g_autoptr(JsonNode) object = node ("{\"justsync_server_time\":\"2025-01-02T03:04:05.123456Z\"}");
  g_autoptr(JsonNode) bad = node ("{\"a\":1,\"b\":2}");
  g_autoptr(JsonNode) garbage = node ("\"soon\"");
  gint64 expected, t = 0;

  g_assert_true (just_sync_timestamp_parse ("2025-01-02T03:04:05.123456Z", &expected, NULL));
  g_assert_true (_just_sync_supabase_parse_time_reply (text, &t));
  g_assert_cmpint (t, ==, expected);
  t = 0;
  g_assert_true (_just_sync_supabase_parse_time_reply (array, &t));
  g_assert_cmpint (t, ==, expected);
  t = 0;
  g_assert_true (_just_sync_supabase_parse_time_reply (object, &t));
  g_assert_cmpint (t, ==, expected);
  g_assert_false (_just_sync_supabase_parse_time_reply (bad, &t));
  g_assert_false (_just_sync_supabase_parse_time_reply (garbage, &t));
  g_assert_false (_just_sync_supabase_parse_time_reply (NULL, &t));
}

/* --- the store against a fake server ------------------------------------ */

typedef struct
{
  SoupServer *server;
  char *url;
  GPtrArray *requests;              /* "METHOD /path?query apikey|authorization|prefer" */
  const char *reply;                /* the JSON every request gets */
  guint status;
  const char *date;                 /* the Date header, when not now */
} Fake;

static void
fake_handler (SoupServer        *server,
              SoupServerMessage *msg,
              const char        *path,
              GHashTable        *query,
              gpointer           user_data)
{
  Fake *fake = user_data;
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);
  GUri *uri = soup_server_message_get_uri (msg);

  g_ptr_array_add (fake->requests,
                   g_strdup_printf ("%s %s?%s %s|%s|%s", soup_server_message_get_method (msg), path,
                                    g_uri_get_query (uri) != NULL ? g_uri_get_query (uri) : "",
                                    soup_message_headers_get_one (headers, "apikey"),
                                    soup_message_headers_get_one (headers, "Authorization"),
                                    soup_message_headers_get_one (headers, "Prefer")));
  if (fake->date != NULL)
    soup_message_headers_replace (soup_server_message_get_response_headers (msg), "Date", fake->date);
  http_test_reply_json (msg, fake->status, fake->reply);
}

static void
fake_setup (Fake          *fake,
            gconstpointer  data)
{
  fake->server = http_test_server_new (&fake->url);
  soup_server_add_handler (fake->server, NULL, fake_handler, fake, NULL);
  fake->requests = g_ptr_array_new_with_free_func (g_free);
  fake->reply = "[]";
  fake->status = 200;
}

static void
fake_teardown (Fake          *fake,
               gconstpointer  data)
{
  soup_server_disconnect (fake->server);
  g_clear_object (&fake->server);
  g_free (fake->url);
  g_ptr_array_unref (fake->requests);
}

static void
test_store_headers (Fake          *fake,
                    gconstpointer  data)
{
  g_autoptr(JustSyncSupabaseStore) store = just_sync_supabase_store_new (fake->url, "the-key");
  g_autoptr(JustSyncScope) scope = just_sync_test_scope ("things", "owner", "u1", NULL);
  g_autoptr(JustSyncDelta) delta = NULL;
  g_autoptr(GPtrArray) ops = just_sync_test_ops_new ();
  g_autoptr(GPtrArray) results = NULL;
  const char *request;

  just_sync_supabase_store_set_table (store, "things", "notes");
  delta = JUST_SYNC_TEST_AWAIT_OK (just_sync_remote_store_fetch_since, JUST_SYNC_REMOTE_STORE (store),
                                   scope, NULL, 10);
  g_assert_false (just_sync_delta_get_has_more (delta));
  request = g_ptr_array_index (fake->requests, 0);
  /* Without a user token the API key is the bearer token too. */
  g_assert_true (g_str_has_prefix (request, "GET /notes?owner=eq.u1&order="));
  g_assert_true (g_str_has_suffix (request, " the-key|Bearer the-key|(null)"));

  just_sync_supabase_store_set_access_token (store, "user-jwt");
  g_ptr_array_add (ops, just_sync_test_op (1, just_sync_test_record ("r1", "{\"title\":\"x\"}", 1), NULL));
  fake->reply = "[{\"id\":\"r1\",\"owner\":\"u1\",\"title\":\"x\",\"updated_at\":\"2025-01-02T03:04:05Z\"}]";
  results = JUST_SYNC_TEST_AWAIT_OK (just_sync_remote_store_batch_upsert, JUST_SYNC_REMOTE_STORE (store),
                                     scope, ops);
  g_assert_cmpuint (results->len, ==, 1);
  g_assert_cmpint (just_sync_push_result_get_status (g_ptr_array_index (results, 0)), ==, JUST_SYNC_PUSH_WRITTEN);
  request = g_ptr_array_index (fake->requests, 1);
  g_assert_cmpstr (request, ==, "POST /notes?on_conflict=id the-key|Bearer user-jwt|"
                                "resolution=ignore-duplicates,return=representation");
}

/* A 401 fails the call, keeping everything queued; a short page is
 * followed by another; an unusable URL fails every call. */
static void
test_store_errors (Fake          *fake,
                   gconstpointer  data)
{
  g_autoptr(JustSyncSupabaseStore) store = just_sync_supabase_store_new (fake->url, NULL);
  g_autoptr(JustSyncSupabaseStore) broken = just_sync_supabase_store_new ("ftp://nowhere", NULL);
  g_autoptr(JustSyncScope) scope = just_sync_test_scope ("notes", NULL);
  g_autoptr(JustSyncScope) keyed = just_sync_test_scope ("notes", "owner", "u1", NULL);
  g_autoptr(GPtrArray) ops = just_sync_test_ops_new ();
  g_autoptr(GPtrArray) rejected_first = just_sync_test_ops_new ();
  g_autoptr(GPtrArray) results = NULL;
  g_autoptr(JustSyncDelta) delta = NULL;
  g_autoptr(GError) error = NULL;

  fake->reply = "[{\"id\":\"r1\",\"updated_at\":\"2025-01-02T03:04:05Z\"}]";
  delta = JUST_SYNC_TEST_AWAIT_OK (just_sync_remote_store_fetch_since, JUST_SYNC_REMOTE_STORE (store),
                                   scope, NULL, 10);
  g_assert_cmpuint (just_sync_delta_get_records (delta)->len, ==, 1);
  g_assert_true (just_sync_delta_get_has_more (delta));

  fake->status = 401;
  fake->reply = "{\"code\":\"PGRST301\",\"message\":\"JWT expired\"}";
  g_ptr_array_add (ops, just_sync_test_op (1, just_sync_test_record ("r1", "{\"title\":\"x\"}", 1), NULL));
  results = JUST_SYNC_TEST_AWAIT (just_sync_remote_store_batch_upsert, JUST_SYNC_REMOTE_STORE (store),
                                  &error, scope, ops);
  g_assert_null (results);
  g_assert_error (error, JUST_SYNC_ERROR, JUST_SYNC_ERROR_AUTH);
  g_clear_error (&error);

  /* Even after an op was settled (rejected before any request). */
  g_ptr_array_add (rejected_first, just_sync_test_op (1, just_sync_test_record ("r0", "{\"owner\":\"u2\"}", 1), NULL));
  g_ptr_array_add (rejected_first, just_sync_test_op (2, just_sync_test_record ("r1", "{\"title\":\"x\"}", 1), NULL));
  results = JUST_SYNC_TEST_AWAIT (just_sync_remote_store_batch_upsert, JUST_SYNC_REMOTE_STORE (store),
                                  &error, keyed, rejected_first);
  g_assert_null (results);
  g_assert_error (error, JUST_SYNC_ERROR, JUST_SYNC_ERROR_AUTH);
  g_assert_nonnull (strstr (error->message, "JWT expired"));
  g_clear_error (&error);

  /* A transient status makes every op retry, with the server's words. */
  fake->status = 503;
  fake->reply = "{\"message\":\"busy\"}";
  results = JUST_SYNC_TEST_AWAIT_OK (just_sync_remote_store_batch_upsert, JUST_SYNC_REMOTE_STORE (store),
                                     scope, ops);
  g_assert_cmpint (just_sync_push_result_get_status (g_ptr_array_index (results, 0)), ==, JUST_SYNC_PUSH_RETRY);
  g_assert_nonnull (strstr (just_sync_push_result_get_message (g_ptr_array_index (results, 0)), "busy"));

  g_clear_pointer (&delta, just_sync_delta_unref);
  delta = JUST_SYNC_TEST_AWAIT (just_sync_remote_store_fetch_since, JUST_SYNC_REMOTE_STORE (broken),
                                &error, scope, NULL, 10);
  g_assert_null (delta);
  g_assert_error (error, JUST_SYNC_ERROR, JUST_SYNC_ERROR_INVALID_ARGUMENT);
}

/* The clock: justsync_server_time() when the server has it, else the Date
 * header of its 404 (the middle of that second). */
static void
test_store_server_time (Fake          *fake,
                        gconstpointer  data)
{
  g_autoptr(JustSyncSupabaseStore) store = just_sync_supabase_store_new (fake->url, "k");
  gint64 expected, before, t;

  g_assert_true (just_sync_timestamp_parse ("2025-01-02T03:04:05.123456Z", &expected, NULL));
  fake->reply = "\"2025-01-02T03:04:05.123456+00:00\"";
  t = JUST_SYNC_TEST_AWAIT_OK (just_sync_remote_store_get_server_time, JUST_SYNC_REMOTE_STORE (store));
  g_assert_cmpint (t, ==, expected);
  g_assert_true (g_str_has_prefix (g_ptr_array_index (fake->requests, 0), "POST /rpc/justsync_server_time? "));

  fake->status = 404;
  fake->reply = "{\"code\":\"PGRST202\",\"message\":\"Could not find the function\"}";
  before = just_sync_timestamp_now ();
  t = JUST_SYNC_TEST_AWAIT_OK (just_sync_remote_store_get_server_time, JUST_SYNC_REMOTE_STORE (store));
  g_assert_cmpint (t % G_USEC_PER_SEC, ==, G_USEC_PER_SEC / 2);
  g_assert_cmpint (ABS (t - before), <, 5 * G_USEC_PER_SEC);
}

/* Issue 12, crash 3: a page dated before 1970 is a protocol error, not a
 * NULL delta; a row does not make a bad date good. */
static void
test_store_bad_date (Fake          *fake,
                     gconstpointer  data)
{
  g_autoptr(JustSyncSupabaseStore) store = just_sync_supabase_store_new (fake->url, "k");
  g_autoptr(JustSyncScope) scope = just_sync_test_scope ("notes", NULL);
  const char *replies[] = { "[]", "[{\"id\":\"r1\",\"updated_at\":\"2025-01-02T03:04:05Z\"}]" };

  fake->date = "Sun, 06 Nov 1960 08:49:37 GMT";
  for (guint i = 0; i < G_N_ELEMENTS (replies); i++)
    {
      g_autoptr(JustSyncDelta) delta = NULL;
      g_autoptr(GError) error = NULL;

      fake->reply = replies[i];
      delta = JUST_SYNC_TEST_AWAIT (just_sync_remote_store_fetch_since, JUST_SYNC_REMOTE_STORE (store),
                                    &error, scope, NULL, 10);
      g_assert_null (delta);
      g_assert_error (error, JUST_SYNC_ERROR, JUST_SYNC_ERROR_PROTOCOL);
      g_assert_nonnull (strstr (error->message, "1960"));
    }
}

/* Issue 12: a row whose payload the library refuses (a column nested
 * deeper than 64 levels, inside a reply the 72-level boundary reads) is
 * left out of its page alone: the other rows stay, a warning names it, and
 * the page's cursor moves past it. */
static void
test_store_refused_row (Fake          *fake,
                        gconstpointer  data)
{
  g_autoptr(JustSyncSupabaseStore) store = just_sync_supabase_store_new (fake->url, "k");
  g_autoptr(JustSyncScope) scope = just_sync_test_scope ("notes", NULL);
  g_autofree char *open = g_strnfill (JUST_SYNC_JSON_MAX_DEPTH, '[');
  g_autofree char *close = g_strnfill (JUST_SYNC_JSON_MAX_DEPTH, ']');
  g_autofree char *reply = g_strdup_printf ("[{\"id\":\"r1\",\"updated_at\":\"2025-01-02T03:04:05Z\",\"t\":\"ok\"},"
                                            "{\"id\":\"r2\",\"updated_at\":\"2025-01-02T03:04:06Z\",\"x\":%s%s}]",
                                            open, close);
  g_autoptr(JustSyncDelta) delta = NULL;
  g_autoptr(JustSyncSyncPoint) cursor = NULL;
  gint64 refused_at;

  fake->reply = reply;
  g_test_expect_message ("JustSync", G_LOG_LEVEL_MESSAGE,
                         "Supabase scope “notes”: the record “r2” is refused*more than 64 levels deep");
  delta = JUST_SYNC_TEST_AWAIT_OK (just_sync_remote_store_fetch_since, JUST_SYNC_REMOTE_STORE (store),
                                   scope, NULL, 10);
  g_test_assert_expected_messages ();
  g_assert_cmpuint (just_sync_delta_get_records (delta)->len, ==, 1);
  g_assert_cmpstr (just_sync_record_get_id (g_ptr_array_index (just_sync_delta_get_records (delta), 0)), ==, "r1");
  cursor = just_sync_delta_dup_cursor (delta);
  g_assert_true (just_sync_timestamp_parse ("2025-01-02T03:04:06Z", &refused_at, NULL));
  g_assert_cmpstr (just_sync_sync_point_get_last_id (cursor), ==, "r2");
  g_assert_cmpint (just_sync_sync_point_get_updated_at (cursor), ==, refused_at);
}

static void
assert_row_protocol_error (const char *json,
                           const char *fragment)
{
  g_autoptr(JustSyncScope) scope = just_sync_test_scope ("notes", NULL);
  g_autoptr(JsonNode) row = node (json);
  g_autoptr(JustSyncRecord) record = NULL;
  g_autoptr(GError) error = NULL;

  record = _just_sync_supabase_record_from_row (row, scope, "deleted_at", NULL, &error);
  g_assert_null (record);
  g_assert_error (error, JUST_SYNC_ERROR, JUST_SYNC_ERROR_PROTOCOL);
  g_assert_nonnull (strstr (error->message, fragment));
}

/* Issue 12, item 10: wrong-typed system columns are protocol errors that
 * name the column and the row; a fraction or a bool is no id. */
static void
test_record_wrong_types (void)
{
  assert_row_protocol_error ("{\"id\":\"r1\",\"updated_at\":1735787045}", "“r1” with a “updated_at”");
  assert_row_protocol_error ("{\"id\":\"r1\",\"updated_at\":\"2025-01-02T03:04:05Z\",\"deleted_at\":1}",
                             "“r1” with a “deleted_at”");
  assert_row_protocol_error ("{\"id\":\"r1\",\"updated_at\":\"2025-01-02T03:04:05Z\",\"deleted_at\":{}}",
                             "“deleted_at”");
  assert_row_protocol_error ("{\"id\":1.5,\"updated_at\":\"2025-01-02T03:04:05Z\"}", "“id”");
  assert_row_protocol_error ("{\"id\":true,\"updated_at\":\"2025-01-02T03:04:05Z\"}", "“id”");
  assert_row_protocol_error ("{\"id\":[1],\"updated_at\":\"2025-01-02T03:04:05Z\"}", "“id”");
}

static void
test_store_properties (void)
{
  g_autoptr(JustSyncSupabaseStore) local = just_sync_supabase_store_new ("http://127.0.0.1:54321", "k");
  g_autoptr(JustSyncSupabaseStore) cloud = just_sync_supabase_store_new ("https://abc.supabase.co/rest/v1", "k");

  g_assert_false (just_sync_remote_store_needs_network (JUST_SYNC_REMOTE_STORE (local)));
  g_assert_true (just_sync_remote_store_needs_network (JUST_SYNC_REMOTE_STORE (cloud)));
  g_assert_cmpstr (just_sync_supabase_store_get_rest_url (cloud), ==, "https://abc.supabase.co/rest/v1");
  g_assert_cmpstr (just_sync_supabase_store_get_table (cloud, "notes"), ==, "notes");
  just_sync_supabase_store_set_table (cloud, "notes", "my_notes");
  g_assert_cmpstr (just_sync_supabase_store_get_table (cloud, "notes"), ==, "my_notes");
  g_assert_null (just_sync_supabase_store_get_soft_delete_column (cloud));
  just_sync_supabase_store_set_soft_delete_column (cloud, "deleted_at");
  g_assert_cmpstr (just_sync_supabase_store_get_soft_delete_column (cloud), ==, "deleted_at");
  g_assert_cmpuint (just_sync_supabase_store_get_page_size (cloud), ==, 1000);
  just_sync_supabase_store_set_batch_size (cloud, 7);
  g_assert_cmpuint (just_sync_supabase_store_get_batch_size (cloud), ==, 7);
}

/* --- signing in: a contract server for Supabase Auth (GoTrue) ---------- */

/* GoTrue is not here (it needs the Supabase stack): this server answers
 * as its documented API does, next to a REST endpoint that refuses an
 * expired token with PostgREST's 401. */
typedef struct
{
  SoupServer *server;
  char *url;                        /* …/rest/v1 */
  JustSyncSupabaseStore *store;
  GPtrArray *requests;              /* "METHOD /path?query apikey|authorization" */
  GPtrArray *bodies;
  gint64 iat_offset;                /* seconds, for the next token */
  gint64 exp_offset;
  gboolean refuse;                  /* the token grants answer 400 */
  guint n_tokens;
} GoTrue;

static char *
mint_token (gint64 iat,
            gint64 exp)
{
  g_autofree char *claims = g_strdup_printf ("{\"aud\":\"authenticated\",\"exp\":%" G_GINT64_FORMAT
                                             ",\"iat\":%" G_GINT64_FORMAT ",\"role\":\"authenticated\","
                                             "\"sub\":\"6f1d3c1e-0000-4000-8000-00000000a11c\"}",
                                             exp, iat);
  g_autofree char *encoded = g_base64_encode ((const guchar *) claims, strlen (claims));

  g_strdelimit (encoded, "+", '-');
  g_strdelimit (encoded, "/", '_');
  g_strdelimit (encoded, "=", '\0');
  return g_strdup_printf ("eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.%s.c2lnbmF0dXJl", encoded);
}

static void
gotrue_handler (SoupServer        *server,
                SoupServerMessage *msg,
                const char        *path,
                GHashTable        *query,
                gpointer           user_data)
{
  GoTrue *fake = user_data;
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);
  const char *authorization = soup_message_headers_get_one (headers, "Authorization");
  const char *grant = query != NULL ? g_hash_table_lookup (query, "grant_type") : NULL;
  GUri *uri = soup_server_message_get_uri (msg);
  g_autoptr(GBytes) body = soup_message_body_flatten (soup_server_message_get_request_body (msg));
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;

  g_ptr_array_add (fake->requests,
                   g_strdup_printf ("%s %s?%s %s|%s", soup_server_message_get_method (msg), path,
                                    g_uri_get_query (uri) != NULL ? g_uri_get_query (uri) : "",
                                    soup_message_headers_get_one (headers, "apikey"), authorization));
  g_ptr_array_add (fake->bodies, g_strndup (g_bytes_get_data (body, NULL), g_bytes_get_size (body)));

  if (strcmp (path, "/auth/v1/token") == 0 && fake->refuse)
    http_test_reply_json (msg, 400, g_strcmp0 (grant, "password") == 0 ?
                          "{\"code\":400,\"error_code\":\"invalid_credentials\",\"msg\":\"Invalid login credentials\"}" :
                          "{\"code\":400,\"error_code\":\"refresh_token_not_found\",\"msg\":\"Invalid Refresh Token: Refresh Token Not Found\"}");
  else if (strcmp (path, "/auth/v1/token") == 0)
    {
      g_autofree char *jwt = mint_token (now + fake->iat_offset, now + fake->exp_offset);
      g_autofree char *reply = NULL;

      fake->n_tokens++;
      reply = g_strdup_printf ("{\"access_token\":\"%s\",\"token_type\":\"bearer\",\"expires_in\":%" G_GINT64_FORMAT
                               ",\"expires_at\":%" G_GINT64_FORMAT ",\"refresh_token\":\"refresh-%u\","
                               "\"user\":{\"id\":\"6f1d3c1e-0000-4000-8000-00000000a11c\","
                               "\"aud\":\"authenticated\",\"email\":\"alice@example.com\"}}",
                               jwt, fake->exp_offset, now + fake->exp_offset, fake->n_tokens);
      http_test_reply_json (msg, 200, reply);
    }
  else if (strcmp (path, "/auth/v1/logout") == 0)
    soup_server_message_set_status (msg, 204, NULL);
  else if (g_str_has_prefix (path, "/rest/v1/"))
    {
      g_autoptr(JsonObject) claims = NULL;
      gint64 exp;

      /* PostgREST checks the JWT's expiry. */
      if (authorization != NULL && g_str_has_prefix (authorization, "Bearer ") &&
          (claims = _just_sync_jwt_dup_claims (authorization + strlen ("Bearer "))) != NULL &&
          (exp = _just_sync_jwt_claims_get_time (claims, "exp")) != 0 && exp < g_get_real_time ())
        http_test_reply_json (msg, 401, "{\"code\":\"PGRST301\",\"details\":null,\"hint\":null,\"message\":\"JWT expired\"}");
      else
        http_test_reply_json (msg, 200, "[]");
    }
  else
    http_test_reply_json (msg, 404, "{\"message\":\"not found\"}");
}

static void
gotrue_setup (GoTrue        *fake,
              gconstpointer  data)
{
  g_autofree char *root = NULL;

  fake->server = http_test_server_new (&root);
  soup_server_add_handler (fake->server, NULL, gotrue_handler, fake, NULL);
  fake->url = g_strconcat (root, "/rest/v1", NULL);
  fake->store = just_sync_supabase_store_new (fake->url, "the-key");
  fake->requests = g_ptr_array_new_with_free_func (g_free);
  fake->bodies = g_ptr_array_new_with_free_func (g_free);
  fake->exp_offset = 3600;
}

static void
gotrue_teardown (GoTrue        *fake,
                 gconstpointer  data)
{
  g_clear_object (&fake->store);
  soup_server_disconnect (fake->server);
  g_clear_object (&fake->server);
  g_free (fake->url);
  g_ptr_array_unref (fake->requests);
  g_ptr_array_unref (fake->bodies);
}

static void
count_cb (guint *count)
{
  (*count)++;
}

static const char *
last_request (GoTrue *fake)
{
  return g_ptr_array_index (fake->requests, fake->requests->len - 1);
}

/* The password grant, as GoTrue documents it: the session's access token
 * becomes the bearer of every request, its `sub` the user id. */
static void
test_sign_in (GoTrue        *fake,
              gconstpointer  data)
{
  JustSyncRemoteStore *store = JUST_SYNC_REMOTE_STORE (fake->store);
  g_autoptr(JustSyncScope) scope = just_sync_test_scope ("notes", NULL);
  g_autoptr(JustSyncDelta) delta = NULL;
  g_autoptr(JsonObject) login = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *bearer = NULL;
  guint n_user = 0, n_authenticated = 0, n_credentials = 0;

  g_assert_true (g_str_has_suffix (just_sync_supabase_store_get_auth_url (fake->store), "/auth/v1"));
  g_signal_connect_swapped (store, "notify::user-id", G_CALLBACK (count_cb), &n_user);
  g_signal_connect_swapped (store, "notify::authenticated", G_CALLBACK (count_cb), &n_authenticated);
  g_signal_connect_swapped (store, "credentials-changed", G_CALLBACK (count_cb), &n_credentials);

  g_assert_true (JUST_SYNC_TEST_AWAIT (just_sync_remote_store_sign_in, store, &error,
                                       "alice@example.com", "secret"));
  g_assert_no_error (error);
  g_assert_cmpstr (last_request (fake), ==, "POST /auth/v1/token?grant_type=password the-key|Bearer the-key");
  login = _just_sync_json_parse_object (g_ptr_array_index (fake->bodies, 0), -1, NULL);
  g_assert_nonnull (login);
  g_assert_cmpstr (json_object_get_string_member (login, "email"), ==, "alice@example.com");
  g_assert_cmpstr (json_object_get_string_member (login, "password"), ==, "secret");
  g_assert_true (just_sync_remote_store_get_authenticated (store));
  g_assert_cmpstr (just_sync_remote_store_get_user_id (store), ==, "6f1d3c1e-0000-4000-8000-00000000a11c");
  g_assert_cmpstr (just_sync_supabase_store_get_refresh_token (fake->store), ==, "refresh-1");
  g_assert_cmpuint (n_user, ==, 1);
  g_assert_cmpuint (n_authenticated, ==, 1);
  g_assert_cmpuint (n_credentials, ==, 1);

  delta = JUST_SYNC_TEST_AWAIT_OK (just_sync_remote_store_fetch_since, store, scope, NULL, 10);
  bearer = g_strdup_printf ("the-key|Bearer %s", just_sync_supabase_store_get_access_token (fake->store));
  g_assert_true (g_str_has_suffix (last_request (fake), bearer));
  g_assert_cmpuint (fake->n_tokens, ==, 1);

  /* A wrong password: an auth error with GoTrue's words; the session stays. */
  fake->refuse = TRUE;
  g_assert_false (JUST_SYNC_TEST_AWAIT (just_sync_remote_store_sign_in, store, &error,
                                        "alice@example.com", "wrong"));
  g_assert_error (error, JUST_SYNC_ERROR, JUST_SYNC_ERROR_AUTH);
  g_assert_nonnull (strstr (error->message, "Invalid login credentials"));
  g_assert_true (just_sync_remote_store_get_authenticated (store));
  g_assert_cmpuint (n_credentials, ==, 1);
}

/* In the last fifth of its lifetime (from `iat`) the access token is
 * renewed with the refresh_token grant before the request goes out;
 * with more left, it is not. */
static void
test_refresh (GoTrue        *fake,
              gconstpointer  data)
{
  JustSyncRemoteStore *store = JUST_SYNC_REMOTE_STORE (fake->store);
  g_autoptr(JustSyncScope) scope = just_sync_test_scope ("notes", NULL);
  g_autoptr(JustSyncDelta) first = NULL;
  g_autoptr(JustSyncDelta) second = NULL;
  g_autoptr(JsonObject) grant = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *bearer = NULL;

  /* Issued 90 s ago, 10 s left of 100. */
  fake->iat_offset = -90;
  fake->exp_offset = 10;
  g_assert_true (JUST_SYNC_TEST_AWAIT (just_sync_remote_store_sign_in, store, &error,
                                       "alice@example.com", "secret"));
  g_assert_no_error (error);
  g_assert_true (just_sync_remote_store_get_authenticated (store));

  fake->iat_offset = 0;
  fake->exp_offset = 3600;
  first = JUST_SYNC_TEST_AWAIT_OK (just_sync_remote_store_fetch_since, store, scope, NULL, 10);
  g_assert_cmpuint (fake->requests->len, ==, 3);
  g_assert_cmpstr (g_ptr_array_index (fake->requests, 1), ==,
                   "POST /auth/v1/token?grant_type=refresh_token the-key|Bearer the-key");
  grant = _just_sync_json_parse_object (g_ptr_array_index (fake->bodies, 1), -1, NULL);
  g_assert_cmpstr (json_object_get_string_member (grant, "refresh_token"), ==, "refresh-1");
  g_assert_cmpstr (just_sync_supabase_store_get_refresh_token (fake->store), ==, "refresh-2");
  bearer = g_strdup_printf ("the-key|Bearer %s", just_sync_supabase_store_get_access_token (fake->store));
  g_assert_true (g_str_has_suffix (last_request (fake), bearer));

  /* A fresh token is not renewed. */
  second = JUST_SYNC_TEST_AWAIT_OK (just_sync_remote_store_fetch_since, store, scope, NULL, 10);
  g_assert_cmpuint (fake->n_tokens, ==, 2);
  g_assert_cmpuint (fake->requests->len, ==, 4);
}

/* An expired session whose renewal GoTrue refuses (the refresh token was
 * revoked) fails calls with an auth error: the request goes out with the
 * old token and PostgREST answers 401. A new token brings it back. */
static void
test_refresh_refused (GoTrue        *fake,
                      gconstpointer  data)
{
  JustSyncRemoteStore *store = JUST_SYNC_REMOTE_STORE (fake->store);
  g_autoptr(JustSyncScope) scope = just_sync_test_scope ("notes", NULL);
  g_autoptr(JustSyncDelta) delta = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *fresh = mint_token (g_get_real_time () / G_USEC_PER_SEC,
                                       g_get_real_time () / G_USEC_PER_SEC + 3600);
  guint n_credentials = 0;

  fake->iat_offset = -200;
  fake->exp_offset = -100;
  g_assert_true (JUST_SYNC_TEST_AWAIT (just_sync_remote_store_sign_in, store, &error,
                                       "alice@example.com", "secret"));
  g_assert_no_error (error);
  /* Already expired: not a session to act with. */
  g_assert_false (just_sync_remote_store_get_authenticated (store));

  fake->refuse = TRUE;
  delta = JUST_SYNC_TEST_AWAIT (just_sync_remote_store_fetch_since, store, &error, scope, NULL, 10);
  g_assert_null (delta);
  g_assert_error (error, JUST_SYNC_ERROR, JUST_SYNC_ERROR_AUTH);
  g_assert_nonnull (strstr (error->message, "JWT expired"));
  g_clear_error (&error);
  g_assert_true (g_str_has_prefix (g_ptr_array_index (fake->requests, 1),
                                   "POST /auth/v1/token?grant_type=refresh_token "));
  g_assert_null (just_sync_supabase_store_get_refresh_token (fake->store));
  g_assert_false (just_sync_remote_store_get_authenticated (store));

  g_signal_connect_swapped (store, "credentials-changed", G_CALLBACK (count_cb), &n_credentials);
  just_sync_supabase_store_set_access_token (fake->store, fresh);
  g_assert_cmpuint (n_credentials, ==, 1);
  g_assert_true (just_sync_remote_store_get_authenticated (store));
  delta = JUST_SYNC_TEST_AWAIT_OK (just_sync_remote_store_fetch_since, store, scope, NULL, 10);
}

/* A sign-out ends the session at GoTrue (/logout with its token) and
 * sends nothing more, not even with the API key alone, until a new token
 * or a sign-in. */
static void
test_sign_out (GoTrue        *fake,
               gconstpointer  data)
{
  JustSyncRemoteStore *store = JUST_SYNC_REMOTE_STORE (fake->store);
  g_autoptr(JustSyncScope) scope = just_sync_test_scope ("notes", NULL);
  g_autoptr(JustSyncDelta) delta = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *logout = NULL;
  guint n_requests;

  g_assert_true (JUST_SYNC_TEST_AWAIT (just_sync_remote_store_sign_in, store, &error,
                                       "alice@example.com", "secret"));
  logout = g_strdup_printf ("POST /auth/v1/logout? the-key|Bearer %s",
                            just_sync_supabase_store_get_access_token (fake->store));
  g_assert_true (JUST_SYNC_TEST_AWAIT (just_sync_remote_store_sign_out, store, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (last_request (fake), ==, logout);
  g_assert_false (just_sync_remote_store_get_authenticated (store));
  g_assert_null (just_sync_remote_store_get_user_id (store));
  g_assert_null (just_sync_supabase_store_get_access_token (fake->store));
  g_assert_null (just_sync_supabase_store_get_refresh_token (fake->store));

  n_requests = fake->requests->len;
  delta = JUST_SYNC_TEST_AWAIT (just_sync_remote_store_fetch_since, store, &error, scope, NULL, 10);
  g_assert_null (delta);
  g_assert_error (error, JUST_SYNC_ERROR, JUST_SYNC_ERROR_AUTH);
  g_assert_cmpuint (fake->requests->len, ==, n_requests);
  g_clear_error (&error);

  g_assert_true (JUST_SYNC_TEST_AWAIT (just_sync_remote_store_sign_in, store, &error,
                                       "alice@example.com", "secret"));
  delta = JUST_SYNC_TEST_AWAIT_OK (just_sync_remote_store_fetch_since, store, scope, NULL, 10);
}

/* Without an auth URL (a REST URL not ending in /rest/v1) there is
 * nowhere to sign in; backends without accounts say so too. */
static void
test_sign_in_unsupported (void)
{
  g_autoptr(JustSyncSupabaseStore) plain = just_sync_supabase_store_new ("http://127.0.0.1:1", "k");
  g_autoptr(JustSyncSupabaseStore) cloud = just_sync_supabase_store_new ("https://abc.supabase.co/rest/v1/", "k");
  g_autoptr(JustSyncMemoryRemoteStore) memory = just_sync_memory_remote_store_new ();
  g_autoptr(GError) error = NULL;

  g_assert_cmpstr (just_sync_supabase_store_get_auth_url (cloud), ==, "https://abc.supabase.co/auth/v1");
  g_assert_null (just_sync_supabase_store_get_auth_url (plain));
  g_assert_false (JUST_SYNC_TEST_AWAIT (just_sync_remote_store_sign_in, JUST_SYNC_REMOTE_STORE (plain),
                                        &error, "a@example.com", "pw"));
  g_assert_error (error, JUST_SYNC_ERROR, JUST_SYNC_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);

  g_assert_false (JUST_SYNC_TEST_AWAIT (just_sync_remote_store_sign_in, JUST_SYNC_REMOTE_STORE (memory),
                                        &error, "a@example.com", "pw"));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED);
  g_assert_false (just_sync_remote_store_get_authenticated (JUST_SYNC_REMOTE_STORE (memory)));
  g_assert_true (JUST_SYNC_TEST_AWAIT (just_sync_remote_store_sign_out, JUST_SYNC_REMOTE_STORE (memory), NULL));
}

#ifdef JUST_SYNC_HAS_SECRET
/* What the keyring helper keeps: the tokens of a store, never a password,
 * and they make a session again on another store (which announces it). */
static void
test_secret_session (void)
{
  g_autoptr(JustSyncSupabaseStore) signed_in = just_sync_supabase_store_new ("https://abc.supabase.co/rest/v1", "k");
  g_autoptr(JustSyncSupabaseStore) restored = just_sync_supabase_store_new ("https://abc.supabase.co/rest/v1", "k");
  g_autoptr(JustSyncPocketbaseStore) pb = just_sync_pocketbase_store_new ("https://pb.example.com");
  g_autoptr(JustSyncPocketbaseStore) pb_restored = just_sync_pocketbase_store_new ("https://pb.example.com");
  g_autofree char *access = mint_token (g_get_real_time () / G_USEC_PER_SEC, g_get_real_time () / G_USEC_PER_SEC + 3600);
  g_autofree char *session = NULL;
  g_autofree char *pb_session = NULL;
  g_autoptr(GError) error = NULL;
  guint n_credentials = 0;

  g_assert_null (_just_sync_secret_dup_session (JUST_SYNC_REMOTE_STORE (signed_in)));
  just_sync_supabase_store_set_refresh_token (signed_in, "refresh \"1\"");
  just_sync_supabase_store_set_access_token (signed_in, access);
  session = _just_sync_secret_dup_session (JUST_SYNC_REMOTE_STORE (signed_in));
  g_assert_nonnull (session);
  g_assert_null (strstr (session, "\"k\""));

  g_signal_connect_swapped (restored, "credentials-changed", G_CALLBACK (count_cb), &n_credentials);
  g_assert_true (_just_sync_secret_apply_session (JUST_SYNC_REMOTE_STORE (restored), session, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (just_sync_supabase_store_get_access_token (restored), ==, access);
  g_assert_cmpstr (just_sync_supabase_store_get_refresh_token (restored), ==, "refresh \"1\"");
  g_assert_true (just_sync_remote_store_get_authenticated (JUST_SYNC_REMOTE_STORE (restored)));
  g_assert_cmpstr (just_sync_remote_store_get_user_id (JUST_SYNC_REMOTE_STORE (restored)), ==,
                   "6f1d3c1e-0000-4000-8000-00000000a11c");
  g_assert_cmpuint (n_credentials, ==, 1);

  /* PocketBase: the token; the password is not part of a session. */
  just_sync_pocketbase_store_set_credentials (pb, "users", "u@example.com", "the-password");
  just_sync_pocketbase_store_set_token (pb, access);
  pb_session = _just_sync_secret_dup_session (JUST_SYNC_REMOTE_STORE (pb));
  g_assert_null (strstr (pb_session, "the-password"));
  g_assert_true (_just_sync_secret_apply_session (JUST_SYNC_REMOTE_STORE (pb_restored), pb_session, &error));
  g_assert_cmpstr (just_sync_pocketbase_store_get_token (pb_restored), ==, access);

  g_assert_false (_just_sync_secret_apply_session (JUST_SYNC_REMOTE_STORE (pb_restored), "[1", &error));
  g_assert_error (error, JUST_SYNC_ERROR, JUST_SYNC_ERROR_STORAGE);
}
#endif

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/supabase-unit/codec/quote", test_quote);
  g_test_add_func ("/supabase-unit/codec/column-names", test_column_names);
  g_test_add_func ("/supabase-unit/codec/select-query", test_select_query);
  g_test_add_func ("/supabase-unit/codec/id-filters", test_id_filters);
  g_test_add_func ("/supabase-unit/codec/base-version", test_base_version);
  g_test_add_func ("/supabase-unit/codec/record-from-row", test_record_from_row);
  g_test_add_func ("/supabase-unit/codec/row-from-record", test_row_from_record);
  g_test_add_func ("/supabase-unit/codec/record-wrong-types", test_record_wrong_types);
  g_test_add_func ("/supabase-unit/codec/error-message", test_error_message);
  g_test_add_func ("/supabase-unit/codec/time-reply", test_time_reply);
  g_test_add ("/supabase-unit/store/headers", Fake, NULL, fake_setup, test_store_headers, fake_teardown);
  g_test_add ("/supabase-unit/store/errors", Fake, NULL, fake_setup, test_store_errors, fake_teardown);
  g_test_add ("/supabase-unit/store/server-time", Fake, NULL, fake_setup, test_store_server_time, fake_teardown);
  g_test_add ("/supabase-unit/store/bad-date", Fake, NULL, fake_setup, test_store_bad_date, fake_teardown);
  g_test_add ("/supabase-unit/store/refused-row", Fake, NULL, fake_setup, test_store_refused_row, fake_teardown);
  g_test_add_func ("/supabase-unit/store/properties", test_store_properties);
  g_test_add ("/supabase-unit/auth/sign-in", GoTrue, NULL, gotrue_setup, test_sign_in, gotrue_teardown);
  g_test_add ("/supabase-unit/auth/refresh", GoTrue, NULL, gotrue_setup, test_refresh, gotrue_teardown);
  g_test_add ("/supabase-unit/auth/refresh-refused", GoTrue, NULL, gotrue_setup, test_refresh_refused, gotrue_teardown);
  g_test_add ("/supabase-unit/auth/sign-out", GoTrue, NULL, gotrue_setup, test_sign_out, gotrue_teardown);
  g_test_add_func ("/supabase-unit/auth/unsupported", test_sign_in_unsupported);
#ifdef JUST_SYNC_HAS_SECRET
  g_test_add_func ("/supabase-unit/auth/secret-session", test_secret_session);
#endif

  return g_test_run ();
}
