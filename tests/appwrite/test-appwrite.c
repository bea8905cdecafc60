/* test-appwrite.c: JustSyncAppwriteStore's dialect, and the store contract,
 * against the in-process Appwrite contract server
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <string.h>

#include "aw-server.h"
#include "http-test-util.h"
#include "justsync-appwrite-private.h"
#include "justsync-json-private.h"
#include "justsync-test-contract.h"

static AwServer *server;

static JustSyncAppwriteStore *
store_new (const char *jwt)
{
  JustSyncAppwriteStore *store = just_sync_appwrite_store_new (aw_server_get_endpoint (server),
                                                               AW_PROJECT, AW_DATABASE);

  just_sync_appwrite_store_set_api_key (store, AW_KEY);
  just_sync_appwrite_store_set_jwt (store, jwt);
  just_sync_appwrite_store_set_soft_delete_attribute (store, "deleted_at");
  return store;
}

static JustSyncScope *
fresh_scope (const char *name)
{
  g_autofree char *tag = g_uuid_string_random ();

  return just_sync_test_scope (name, "tag", tag, NULL);
}

static JustSyncPendingOp *
upsert_op (gint64      seq,
           const char *id,
           const char *json)
{
  return just_sync_test_op (seq, just_sync_test_record (id, json, just_sync_timestamp_now ()), NULL);
}

static GPtrArray *
push (JustSyncAppwriteStore  *store,
      JustSyncScope          *scope,
      GPtrArray              *ops,
      GError                **error)
{
  return JUST_SYNC_TEST_AWAIT (just_sync_remote_store_batch_upsert, JUST_SYNC_REMOTE_STORE (store),
                               error, scope, ops);
}

/* Pushes @n new records titled @title; returns their ops. */
static GPtrArray *
push_new (JustSyncAppwriteStore *store,
          JustSyncScope         *scope,
          guint                  n,
          const char            *title)
{
  g_autoptr(GPtrArray) ops = just_sync_test_ops_new ();
  g_autoptr(GPtrArray) results = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *json = g_strdup_printf ("{\"title\":\"%s\"}", title);

  for (guint i = 0; i < n; i++)
    {
      g_autofree char *id = g_uuid_string_random ();

      g_ptr_array_add (ops, upsert_op (i + 1, id, json));
    }
  results = push (store, scope, ops, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (results->len, ==, n);
  for (guint i = 0; i < n; i++)
    g_assert_cmpint (just_sync_push_result_get_status (g_ptr_array_index (results, i)), ==,
                     JUST_SYNC_PUSH_WRITTEN);
  return g_steal_pointer (&ops);
}

/* Every record of @scope, paging with @limit. */
static GPtrArray *
fetch_all (JustSyncAppwriteStore  *store,
           JustSyncScope          *scope,
           guint                   limit,
           GError                **error)
{
  g_autoptr(GPtrArray) records = g_ptr_array_new_with_free_func ((GDestroyNotify) just_sync_record_unref);
  g_autoptr(JustSyncSyncPoint) cursor = NULL;
  gboolean more = TRUE;

  while (more)
    {
      g_autoptr(JustSyncDelta) delta = NULL;
      GPtrArray *page;

      delta = JUST_SYNC_TEST_AWAIT (just_sync_remote_store_fetch_since, JUST_SYNC_REMOTE_STORE (store),
                                    error, scope, cursor, limit);
      if (delta == NULL)
        return NULL;
      page = just_sync_delta_get_records (delta);
      more = just_sync_delta_get_has_more (delta);
      g_clear_pointer (&cursor, just_sync_sync_point_unref);
      cursor = just_sync_delta_dup_cursor (delta);
      for (guint i = 0; i < page->len; i++)
        g_ptr_array_add (records, just_sync_record_ref (g_ptr_array_index (page, i)));
    }
  return g_steal_pointer (&records);
}

/* --- codec -------------------------------------------------------------- */

/* The JSON queries of a query string, in order. */
static GPtrArray *
split_queries (const char *query)
{
  g_auto(GStrv) pairs = g_strsplit (query, "&", -1);
  GPtrArray *queries = g_ptr_array_new_with_free_func (g_free);

  for (guint i = 0; pairs[i] != NULL; i++)
    {
      g_assert_true (g_str_has_prefix (pairs[i], "queries%5B%5D="));
      g_ptr_array_add (queries, g_uri_unescape_string (pairs[i] + strlen ("queries%5B%5D="), NULL));
    }
  return queries;
}

static void
test_codec_list_query (void)
{
  g_autoptr(JustSyncScope) scope = just_sync_test_scope ("records", "owner", "u1", NULL);
  g_autoptr(JustSyncSyncPoint) since = just_sync_sync_point_new (1700000000123000, "abc");
  g_autofree char *first = _just_sync_appwrite_list_query (scope, NULL, 50);
  g_autofree char *next = _just_sync_appwrite_list_query (scope, since, 50);
  g_autoptr(GPtrArray) a = split_queries (first);
  g_autoptr(GPtrArray) b = split_queries (next);

  g_assert_cmpuint (a->len, ==, 4);
  g_assert_cmpstr (g_ptr_array_index (a, 0), ==, "{\"method\":\"equal\",\"attribute\":\"owner\",\"values\":[\"u1\"]}");
  g_assert_cmpstr (g_ptr_array_index (a, 1), ==, "{\"method\":\"orderAsc\",\"attribute\":\"$updatedAt\"}");
  g_assert_cmpstr (g_ptr_array_index (a, 2), ==, "{\"method\":\"orderAsc\",\"attribute\":\"$id\"}");
  g_assert_cmpstr (g_ptr_array_index (a, 3), ==, "{\"method\":\"limit\",\"values\":[50]}");

  /* The seekable keyset: >= T, then (> T or id > I). */
  g_assert_cmpuint (b->len, ==, 6);
  g_assert_cmpstr (g_ptr_array_index (b, 1), ==,
                   "{\"method\":\"greaterThanEqual\",\"attribute\":\"$updatedAt\","
                   "\"values\":[\"2023-11-14T22:13:20.123+00:00\"]}");
  g_assert_cmpstr (g_ptr_array_index (b, 2), ==,
                   "{\"method\":\"or\",\"values\":["
                   "{\"method\":\"greaterThan\",\"attribute\":\"$updatedAt\",\"values\":[\"2023-11-14T22:13:20.123+00:00\"]},"
                   "{\"method\":\"greaterThan\",\"attribute\":\"$id\",\"values\":[\"abc\"]}]}");
}

static void
test_codec_documents (void)
{
  g_autoptr(JustSyncScope) scope = just_sync_test_scope ("records", "tag", "t", NULL);
  g_autoptr(JsonNode) live = json_from_string (
    "{\"$id\":\"d1\",\"$sequence\":\"7\",\"$createdAt\":\"2025-01-01T00:00:00.000+00:00\","
    "\"$updatedAt\":\"2025-01-02T03:04:05.678+00:00\",\"$permissions\":[],\"title\":\"x\","
    "\"n\":null,\"tag\":\"t\",\"deleted_at\":null}", NULL);
  g_autoptr(JsonNode) gone = json_from_string (
    "{\"$id\":\"d2\",\"$updatedAt\":\"2025-01-02T03:04:05.678+00:00\",\"deleted_at\":\"2025-01-02T03:04:05.000+00:00\"}", NULL);
  g_autoptr(JsonNode) bad = json_from_string ("{\"$id\":\"d3\",\"title\":\"x\"}", NULL);
  g_autofree char *open = g_strnfill (JUST_SYNC_JSON_MAX_DEPTH, '[');
  g_autofree char *close = g_strnfill (JUST_SYNC_JSON_MAX_DEPTH, ']');
  g_autofree char *deep_json = g_strdup_printf ("{\"$id\":\"d4\",\"$updatedAt\":\"2025-01-02T03:04:05.678+00:00\","
                                                "\"x\":%s%s}", open, close);
  g_autoptr(JsonNode) deep = json_from_string (deep_json, NULL);
  g_autoptr(JustSyncSyncPoint) refused_at = NULL;
  g_autoptr(JustSyncRecord) record = NULL, tombstone = NULL, none = NULL;
  g_autoptr(JustSyncRecord) input = NULL, foreign = NULL, system = NULL;
  g_autoptr(JsonObject) data = NULL;
  g_autoptr(JsonObject) refused = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *payload = NULL;
  gint64 when;

  record = _just_sync_appwrite_record_from_document (live, scope, "deleted_at", NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (just_sync_record_get_id (record), ==, "d1");
  g_assert_true (just_sync_timestamp_parse ("2025-01-02T03:04:05.678Z", &when, NULL));
  g_assert_cmpint (just_sync_record_get_updated_at (record), ==, when);
  g_assert_false (just_sync_record_is_deleted (record));
  /* No system attributes, no scope key, no unset (null) attributes. */
  {
    g_autoptr(JsonNode) node = json_node_new (JSON_NODE_OBJECT);

    json_node_set_object (node, just_sync_record_get_payload (record));
    payload = json_to_string (node, FALSE);
  }
  g_assert_cmpstr (payload, ==, "{\"title\":\"x\"}");

  tombstone = _just_sync_appwrite_record_from_document (gone, scope, "deleted_at", NULL, &error);
  g_assert_no_error (error);
  g_assert_true (just_sync_record_is_deleted (tombstone));

  none = _just_sync_appwrite_record_from_document (bad, scope, NULL, &refused_at, &error);
  g_assert_null (none);
  g_assert_error (error, JUST_SYNC_ERROR, JUST_SYNC_ERROR_SERVER);
  /* A document without a time fails its page: it is not refused alone. */
  g_assert_null (refused_at);
  g_clear_error (&error);

  /* Issue 12: a payload the library refuses (nested deeper than 64
   * levels) is refused alone, at the document's place in the page. */
  none = _just_sync_appwrite_record_from_document (deep, scope, NULL, &refused_at, &error);
  g_assert_null (none);
  g_assert_error (error, JUST_SYNC_ERROR, JUST_SYNC_ERROR_INVALID_ARGUMENT);
  g_assert_nonnull (refused_at);
  g_assert_cmpstr (just_sync_sync_point_get_last_id (refused_at), ==, "d4");
  g_assert_cmpint (just_sync_sync_point_get_updated_at (refused_at), ==, when);
  g_clear_error (&error);

  input = just_sync_test_record ("d1", "{\"title\":\"y\",\"n\":2}", 1);
  data = _just_sync_appwrite_data_from_record (input, scope, "deleted_at", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (json_object_get_string_member (data, "tag"), ==, "t");
  g_assert_cmpint (json_object_get_int_member (data, "n"), ==, 2);
  g_assert_true (json_object_get_null_member (data, "deleted_at"));
  g_assert_false (json_object_has_member (data, "$id"));

  foreign = just_sync_test_record ("d1", "{\"tag\":\"other\"}", 1);
  refused = _just_sync_appwrite_data_from_record (foreign, scope, NULL, &error);
  g_assert_null (refused);
  g_assert_error (error, JUST_SYNC_ERROR, JUST_SYNC_ERROR_REJECTED);
  g_clear_error (&error);
  system = just_sync_test_record ("d1", "{\"$permissions\":[]}", 1);
  g_assert_null (_just_sync_appwrite_data_from_record (system, scope, NULL, &error));
  g_assert_error (error, JUST_SYNC_ERROR, JUST_SYNC_ERROR_REJECTED);
}

static void
test_codec_replies (void)
{
  g_autoptr(JsonNode) error_body = json_from_string (
    "{\"message\":\"Document with the requested ID could not be found.\",\"code\":404,"
    "\"type\":\"document_not_found\",\"version\":\"1.7.4\"}", NULL);
  g_autoptr(JsonNode) time_body = json_from_string (
    "{\"remoteTime\":1639490751,\"localTime\":1639490844,\"diff\":93}", NULL);
  g_autoptr(JsonNode) not_time = json_from_string ("{\"localTime\":\"soon\"}", NULL);
  g_autofree char *message = _just_sync_appwrite_dup_error_message (error_body, 404);
  g_autofree char *bare = _just_sync_appwrite_dup_error_message (NULL, 503);
  gint64 usec = 0;

  g_assert_cmpstr (message, ==, "Document with the requested ID could not be found. (document_not_found)");
  g_assert_cmpstr (_just_sync_appwrite_error_type (error_body), ==, "document_not_found");
  g_assert_nonnull (bare);
  g_assert_true (_just_sync_appwrite_parse_health_time (time_body, &usec));
  g_assert_cmpint (usec, ==, G_GINT64_CONSTANT (1639490844) * G_USEC_PER_SEC + G_USEC_PER_SEC / 2);
  g_assert_false (_just_sync_appwrite_parse_health_time (not_time, &usec));

  g_assert_true (_just_sync_appwrite_is_id ("0b6c6f9e-8f1e-4f7a-9c62-3c2b1f1a2b3c"));
  g_assert_false (_just_sync_appwrite_is_id ("0b6c6f9e-8f1e-4f7a-9c62-3c2b1f1a2b3c-x"));
  g_assert_false (_just_sync_appwrite_is_id ("_leading"));
  g_assert_false (_just_sync_appwrite_is_id ("a/b"));
  g_assert_false (_just_sync_appwrite_is_key ("a.b"));
}

/* --- the store against the server --------------------------------------- */

static void
test_store_bulk (void)
{
  g_autoptr(JustSyncAppwriteStore) store = store_new (NULL);
  g_autoptr(JustSyncScope) scope = fresh_scope ("records");
  g_autoptr(GPtrArray) ops = NULL;
  g_autoptr(GPtrArray) edits = just_sync_test_ops_new ();
  g_autoptr(GPtrArray) results = NULL;
  g_autoptr(GPtrArray) records = NULL;
  g_autoptr(GError) error = NULL;
  guint bulk_posts = aw_server_count (server, "POST bulk");
  guint bulk_puts = aw_server_count (server, "PUT bulk");
  guint creates = aw_server_count (server, "POST create");

  ops = push_new (store, scope, 5, "new");
  g_assert_cmpuint (aw_server_count (server, "POST bulk"), ==, bulk_posts + 1);
  g_assert_cmpuint (aw_server_count (server, "POST create"), ==, creates);

  for (guint i = 0; i < ops->len; i++)
    g_ptr_array_add (edits, upsert_op (10 + i, just_sync_pending_op_get_record_id (g_ptr_array_index (ops, i)),
                                       "{\"title\":\"edited\",\"n\":3}"));
  results = push (store, scope, edits, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (aw_server_count (server, "PUT bulk"), ==, bulk_puts + 1);
  records = fetch_all (store, scope, 100, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (records->len, ==, 5);
  for (guint i = 0; i < records->len; i++)
    g_assert_cmpstr (just_sync_test_payload_string (g_ptr_array_index (records, i), "title"), ==, "edited");
}

/* A server before 1.7 has no bulk routes: the store writes one document a
 * request, and stops trying the bulk upsert once it was refused. */
static void
test_store_no_bulk (void)
{
  g_autoptr(JustSyncAppwriteStore) store = store_new (NULL);
  g_autoptr(JustSyncScope) scope = fresh_scope ("records");
  g_autoptr(GPtrArray) ops = NULL;
  g_autoptr(GPtrArray) records = NULL;
  g_autoptr(GError) error = NULL;
  guint creates = aw_server_count (server, "POST create");
  guint patches = aw_server_count (server, "PATCH document");
  guint bulk_puts = 0;

  aw_server_set_bulk (server, FALSE);
  ops = push_new (store, scope, 3, "old server");
  g_assert_cmpuint (aw_server_count (server, "POST create"), ==, creates + 3);

  for (guint round = 0; round < 2; round++)
    {
      g_autoptr(GPtrArray) edit = just_sync_test_ops_new ();
      g_autoptr(GPtrArray) results = NULL;

      g_ptr_array_add (edit, upsert_op (10, just_sync_pending_op_get_record_id (g_ptr_array_index (ops, 0)),
                                        "{\"title\":\"patched\"}"));
      results = push (store, scope, edit, &error);
      g_assert_no_error (error);
      g_assert_cmpint (just_sync_push_result_get_status (g_ptr_array_index (results, 0)), ==, JUST_SYNC_PUSH_WRITTEN);
      if (round == 0)
        bulk_puts = aw_server_count (server, "PUT bulk");
    }
  /* The second edit went straight to PATCH. */
  g_assert_cmpuint (aw_server_count (server, "PUT bulk"), ==, bulk_puts);
  g_assert_cmpuint (aw_server_count (server, "PATCH document"), ==, patches + 2);
  aw_server_set_bulk (server, TRUE);

  records = fetch_all (store, scope, 100, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (records->len, ==, 3);
  g_assert_cmpstr (just_sync_test_payload_string (just_sync_test_find_record (records,
                     just_sync_pending_op_get_record_id (g_ptr_array_index (ops, 0))), "title"), ==, "patched");
}

/* A document the collection refuses fails alone; the rest of its bulk
 * request is written. */
static void
test_store_invalid_document (void)
{
  g_autoptr(JustSyncAppwriteStore) store = store_new (NULL);
  g_autoptr(JustSyncScope) scope = fresh_scope ("records");
  g_autoptr(GPtrArray) ops = just_sync_test_ops_new ();
  g_autoptr(GPtrArray) results = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *good = g_uuid_string_random ();
  g_autofree char *bad = g_uuid_string_random ();
  JustSyncPushResult *result;

  g_ptr_array_add (ops, upsert_op (1, good, "{\"title\":\"fine\"}"));
  g_ptr_array_add (ops, upsert_op (2, bad, "{\"title\":\"x\",\"colour\":\"red\"}"));
  g_ptr_array_add (ops, upsert_op (3, "not/an/id", "{\"title\":\"x\"}"));
  results = push (store, scope, ops, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (results->len, ==, 3);
  for (guint i = 0; i < results->len; i++)
    {
      result = g_ptr_array_index (results, i);
      if (g_strcmp0 (just_sync_push_result_get_record_id (result), good) == 0)
        g_assert_cmpint (just_sync_push_result_get_status (result), ==, JUST_SYNC_PUSH_WRITTEN);
      else
        g_assert_cmpint (just_sync_push_result_get_status (result), ==, JUST_SYNC_PUSH_REJECTED);
      if (g_strcmp0 (just_sync_push_result_get_record_id (result), bad) == 0)
        g_assert_nonnull (strstr (just_sync_push_result_get_message (result), "document_invalid_structure"));
    }
}

/* A server that returns fewer documents than asked loses none. */
static void
test_store_short_pages (void)
{
  g_autoptr(JustSyncAppwriteStore) store = store_new (NULL);
  g_autoptr(JustSyncScope) scope = fresh_scope ("records");
  g_autoptr(GPtrArray) ops = push_new (store, scope, 5, "capped");
  g_autoptr(GPtrArray) records = NULL;
  g_autoptr(GError) error = NULL;

  aw_server_set_max_limit (server, 2);
  records = fetch_all (store, scope, 100, &error);
  aw_server_set_max_limit (server, 0);
  g_assert_no_error (error);
  g_assert_cmpuint (records->len, ==, 5);
}

static void
test_store_auth (void)
{
  g_autoptr(JustSyncAppwriteStore) expired = store_new (AW_JWT_EXPIRED);
  g_autoptr(JustSyncAppwriteStore) wrong = store_new (NULL);
  g_autoptr(JustSyncAppwriteStore) project = NULL;
  g_autoptr(JustSyncScope) scope = fresh_scope ("records");
  g_autoptr(GPtrArray) ops = just_sync_test_ops_new ();
  g_autoptr(GPtrArray) results = NULL;
  g_autoptr(JustSyncDelta) delta = NULL;
  g_autoptr(GError) error = NULL;

  g_ptr_array_add (ops, upsert_op (1, "kept", "{\"title\":\"queued\"}"));
  results = push (expired, scope, ops, &error);
  g_assert_null (results);
  g_assert_error (error, JUST_SYNC_ERROR, JUST_SYNC_ERROR_AUTH);
  g_assert_nonnull (strstr (error->message, "user_jwt_invalid"));
  g_clear_error (&error);

  just_sync_appwrite_store_set_api_key (wrong, "not-a-key");
  delta = JUST_SYNC_TEST_AWAIT (just_sync_remote_store_fetch_since, JUST_SYNC_REMOTE_STORE (wrong),
                                &error, scope, NULL, 10);
  g_assert_null (delta);
  g_assert_error (error, JUST_SYNC_ERROR, JUST_SYNC_ERROR_AUTH);
  g_clear_error (&error);

  project = just_sync_appwrite_store_new (aw_server_get_endpoint (server), "elsewhere", AW_DATABASE);
  just_sync_appwrite_store_set_api_key (project, AW_KEY);
  delta = JUST_SYNC_TEST_AWAIT (just_sync_remote_store_fetch_since, JUST_SYNC_REMOTE_STORE (project),
                                &error, scope, NULL, 10);
  g_assert_null (delta);
  g_assert_nonnull (error);
  g_assert_nonnull (strstr (error->message, "project_not_found"));
}

/* A lookup refused after other ops were written: the ops it carried are
 * settled too, as retries, and none is left out of the results. */
static void
test_store_lookup_refused (void)
{
  const char *endpoint = aw_server_get_endpoint (server);
  g_autofree char *root = g_strndup (endpoint, strlen (endpoint) - strlen ("/v1"));
  g_autoptr(HttpTestProxy) proxy = http_test_proxy_new (root);
  g_autofree char *proxied = g_strconcat (http_test_proxy_get_url (proxy), "/v1", NULL);
  g_autoptr(JustSyncAppwriteStore) store = just_sync_appwrite_store_new (proxied, AW_PROJECT, AW_DATABASE);
  g_autoptr(JustSyncScope) scope = fresh_scope ("records");
  g_autoptr(GPtrArray) ops = just_sync_test_ops_new ();
  g_autoptr(GPtrArray) results = NULL;
  g_autoptr(GError) error = NULL;
  guint written = 0, retries = 0;

  just_sync_appwrite_store_set_api_key (store, AW_KEY);
  for (guint i = 0; i < 150; i++)
    {
      g_autofree char *id = g_uuid_string_random ();

      g_ptr_array_add (ops, upsert_op (i + 1, id, "{\"title\":\"two lookups\"}"));
    }
  /* The first lookup and its bulk create pass; the second lookup gets 400. */
  http_test_proxy_set_fault (proxy, HTTP_TEST_FAULT_STATUS, 1, "/v1/databases/", 400, NULL, 0);
  http_test_proxy_skip (proxy, 2);
  results = push (store, scope, ops, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (results->len, ==, 150);
  for (guint i = 0; i < results->len; i++)
    {
      JustSyncPushStatus status = just_sync_push_result_get_status (g_ptr_array_index (results, i));

      written += status == JUST_SYNC_PUSH_WRITTEN;
      retries += status == JUST_SYNC_PUSH_RETRY;
    }
  g_assert_cmpuint (written, ==, 100);
  g_assert_cmpuint (retries, ==, 50);
}

static void
test_store_missing_collection (void)
{
  g_autoptr(JustSyncAppwriteStore) store = store_new (NULL);
  g_autoptr(JustSyncScope) scope = fresh_scope ("nowhere");
  g_autoptr(JustSyncDelta) delta = NULL;
  g_autoptr(GPtrArray) results = NULL;
  g_autoptr(GPtrArray) ops = just_sync_test_ops_new ();
  g_autoptr(GError) error = NULL;

  delta = JUST_SYNC_TEST_AWAIT (just_sync_remote_store_fetch_since, JUST_SYNC_REMOTE_STORE (store),
                                &error, scope, NULL, 10);
  g_assert_null (delta);
  g_assert_nonnull (error);
  g_assert_nonnull (strstr (error->message, "collection_not_found"));
  g_clear_error (&error);

  /* The push fails as a whole: nothing is rejected for the setup's fault. */
  g_ptr_array_add (ops, upsert_op (1, "x1", "{\"title\":\"x\"}"));
  results = push (store, scope, ops, &error);
  g_assert_null (results);
  g_assert_nonnull (error);

  just_sync_appwrite_store_set_collection (store, "nowhere", "records");
  g_assert_cmpstr (just_sync_appwrite_store_get_collection (store, "nowhere"), ==, "records");
  g_clear_pointer (&delta, just_sync_delta_unref);
  g_clear_error (&error);
  delta = JUST_SYNC_TEST_AWAIT (just_sync_remote_store_fetch_since, JUST_SYNC_REMOTE_STORE (store),
                                &error, scope, NULL, 10);
  g_assert_no_error (error);
}

/* Signed-in users see and change only their own documents, whatever scope
 * they ask for; a JWT never uses the bulk routes (server keys only). */
static void
test_store_users (void)
{
  g_autoptr(JustSyncAppwriteStore) alice = store_new (AW_JWT_ALICE);
  g_autoptr(JustSyncAppwriteStore) bob = store_new (AW_JWT_BOB);
  g_autofree char *tag = g_uuid_string_random ();
  g_autoptr(JustSyncScope) scope = just_sync_test_scope ("records", "tag", tag, NULL);
  g_autoptr(GPtrArray) theirs = NULL;
  g_autoptr(GPtrArray) seen = NULL;
  g_autoptr(GPtrArray) mine = NULL;
  g_autoptr(GPtrArray) steal = just_sync_test_ops_new ();
  g_autoptr(GPtrArray) results = NULL;
  g_autoptr(GError) error = NULL;
  guint bulk = aw_server_count (server, "POST bulk");

  theirs = push_new (alice, scope, 2, "alice");
  g_assert_cmpuint (aw_server_count (server, "POST bulk"), ==, bulk);
  seen = fetch_all (bob, scope, 10, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (seen->len, ==, 0);

  g_ptr_array_add (steal, upsert_op (1, just_sync_pending_op_get_record_id (g_ptr_array_index (theirs, 0)),
                                     "{\"title\":\"bob was here\"}"));
  results = push (bob, scope, steal, &error);
  g_assert_no_error (error);
  g_assert_cmpint (just_sync_push_result_get_status (g_ptr_array_index (results, 0)), ==, JUST_SYNC_PUSH_REJECTED);

  mine = fetch_all (alice, scope, 10, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (mine->len, ==, 2);
  for (guint i = 0; i < mine->len; i++)
    g_assert_cmpstr (just_sync_test_payload_string (g_ptr_array_index (mine, i), "title"), ==, "alice");
}

static void
test_store_server_time (void)
{
  g_autoptr(JustSyncAppwriteStore) keyed = store_new (NULL);
  g_autoptr(JustSyncAppwriteStore) user = store_new (AW_JWT_ALICE);
  guint asked = aw_server_count (server, "GET time");
  gint64 now = just_sync_timestamp_now ();
  gint64 by_key, by_date;

  by_key = JUST_SYNC_TEST_AWAIT_OK (just_sync_remote_store_get_server_time, JUST_SYNC_REMOTE_STORE (keyed));
  /* A JWT may not read /health/time: the Date header answers instead. */
  by_date = JUST_SYNC_TEST_AWAIT_OK (just_sync_remote_store_get_server_time, JUST_SYNC_REMOTE_STORE (user));
  g_assert_cmpuint (aw_server_count (server, "GET time"), ==, asked + 2);
  g_assert_cmpint (ABS (by_key - now), <, 2 * G_USEC_PER_SEC);
  g_assert_cmpint (ABS (by_date - now), <, 2 * G_USEC_PER_SEC);
}

static void
test_store_needs_network (void)
{
  g_autoptr(JustSyncAppwriteStore) local = store_new (NULL);
  g_autoptr(JustSyncAppwriteStore) cloud = just_sync_appwrite_store_new ("https://cloud.appwrite.io/v1",
                                                                         "p", "db");

  g_assert_false (just_sync_remote_store_needs_network (JUST_SYNC_REMOTE_STORE (local)));
  g_assert_true (just_sync_remote_store_needs_network (JUST_SYNC_REMOTE_STORE (cloud)));
  g_assert_cmpstr (just_sync_appwrite_store_get_response_format (cloud), ==, "1.7.0");
  just_sync_appwrite_store_set_response_format (cloud, "1.8.0");
  g_assert_cmpstr (just_sync_appwrite_store_get_response_format (cloud), ==, "1.8.0");
  just_sync_appwrite_store_set_response_format (cloud, NULL);
  g_assert_cmpstr (just_sync_appwrite_store_get_response_format (cloud), ==, "1.7.0");
}

/* --- the store contract ------------------------------------------------ */

/* --- signing in ----------------------------------------------------------- */

static void
count_cb (guint *count)
{
  (*count)++;
}

/* A store with no API key: only what a signed-in user may do. */
static JustSyncAppwriteStore *
user_store_new (void)
{
  JustSyncAppwriteStore *store = store_new (NULL);

  just_sync_appwrite_store_set_api_key (store, NULL);
  return store;
}

static gboolean
sign_in (JustSyncAppwriteStore  *store,
         const char             *email,
         const char             *password,
         GError                **error)
{
  return JUST_SYNC_TEST_AWAIT (just_sync_remote_store_sign_in, JUST_SYNC_REMOTE_STORE (store),
                               error, email, password);
}

/* An email session (POST /account/sessions/email, its secret from the
 * cookie, the user from GET /account) becomes the credential of every
 * request; a wrong password fails with Appwrite's words and changes
 * nothing. */
static void
test_sign_in (void)
{
  g_autoptr(JustSyncAppwriteStore) store = store_new (NULL);
  JustSyncRemoteStore *remote = JUST_SYNC_REMOTE_STORE (store);
  g_autoptr(JustSyncScope) scope = fresh_scope ("records");
  g_autoptr(JustSyncAppwriteStore) bob = NULL;
  g_autoptr(GPtrArray) ops = NULL;
  g_autoptr(GPtrArray) seen = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *user_id = NULL;
  guint n_user = 0, n_authenticated = 0, n_credentials = 0, n_session = 0;
  guint sessions = aw_server_count (server, "POST session");
  guint accounts = aw_server_count (server, "GET account");
  gboolean authenticated = TRUE;

  g_assert_false (just_sync_remote_store_get_authenticated (remote));
  g_signal_connect_swapped (store, "notify::user-id", G_CALLBACK (count_cb), &n_user);
  g_signal_connect_swapped (store, "notify::authenticated", G_CALLBACK (count_cb), &n_authenticated);
  g_signal_connect_swapped (store, "notify::session", G_CALLBACK (count_cb), &n_session);
  g_signal_connect_swapped (store, "credentials-changed", G_CALLBACK (count_cb), &n_credentials);

  g_assert_true (sign_in (store, AW_ALICE_EMAIL, AW_ALICE_PASSWORD, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (aw_server_count (server, "POST session"), ==, sessions + 1);
  g_assert_cmpuint (aw_server_count (server, "GET account"), ==, accounts + 1);
  g_assert_cmpstr (just_sync_remote_store_get_user_id (remote), ==, "alice");
  g_assert_true (just_sync_remote_store_get_authenticated (remote));
  g_object_get (store, "user-id", &user_id, "authenticated", &authenticated, NULL);
  g_assert_cmpstr (user_id, ==, "alice");
  g_assert_true (authenticated);
  g_assert_nonnull (just_sync_appwrite_store_get_session (store));
  g_assert_cmpuint (n_user, ==, 1);
  g_assert_cmpuint (n_authenticated, ==, 1);
  g_assert_cmpuint (n_session, ==, 1);
  g_assert_cmpuint (n_credentials, ==, 1);

  /* The store writes as alice (her documents, not the server's), though
   * it has an API key: a session and a key never go together. */
  ops = push_new (store, scope, 2, "alice's");
  bob = store_new (AW_JWT_BOB);
  seen = fetch_all (bob, scope, 10, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (seen->len, ==, 0);
  g_clear_pointer (&seen, g_ptr_array_unref);
  seen = fetch_all (store, scope, 10, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (seen->len, ==, 2);

  /* A wrong password: an auth error that says so; the session stays. */
  g_assert_false (sign_in (store, AW_ALICE_EMAIL, "wrong", &error));
  g_assert_error (error, JUST_SYNC_ERROR, JUST_SYNC_ERROR_AUTH);
  g_assert_nonnull (strstr (error->message, "Invalid credentials"));
  g_assert_nonnull (strstr (error->message, "user_invalid_credentials"));
  g_clear_error (&error);
  g_assert_true (just_sync_remote_store_get_authenticated (remote));
  g_assert_cmpstr (just_sync_remote_store_get_user_id (remote), ==, "alice");
  g_assert_cmpuint (n_credentials, ==, 1);
}

/* A session revoked on the server: the call fails whole with an auth
 * error, `authenticated` is unset (the user stays known), and signing in
 * again makes the store work. */
static void
test_session_revoked (void)
{
  g_autoptr(JustSyncAppwriteStore) store = user_store_new ();
  JustSyncRemoteStore *remote = JUST_SYNC_REMOTE_STORE (store);
  g_autoptr(JustSyncScope) scope = fresh_scope ("records");
  g_autoptr(GPtrArray) ops = just_sync_test_ops_new ();
  g_autoptr(GPtrArray) first = NULL;
  g_autoptr(GPtrArray) results = NULL;
  g_autoptr(GError) error = NULL;
  guint n_authenticated = 0;

  g_assert_true (sign_in (store, AW_ALICE_EMAIL, AW_ALICE_PASSWORD, &error));
  g_assert_no_error (error);
  first = push_new (store, scope, 1, "before");
  g_signal_connect_swapped (store, "notify::authenticated", G_CALLBACK (count_cb), &n_authenticated);
  g_assert_cmpuint (aw_server_revoke_sessions (server, "alice"), >=, 1);

  g_ptr_array_add (ops, upsert_op (1, "after-revoke", "{\"title\":\"queued\"}"));
  results = push (store, scope, ops, &error);
  g_assert_null (results);
  g_assert_error (error, JUST_SYNC_ERROR, JUST_SYNC_ERROR_AUTH);
  g_assert_nonnull (strstr (error->message, "general_unauthorized_scope"));
  g_clear_error (&error);
  g_assert_false (just_sync_remote_store_get_authenticated (remote));
  g_assert_cmpstr (just_sync_remote_store_get_user_id (remote), ==, "alice");
  g_assert_cmpuint (n_authenticated, ==, 1);

  g_assert_true (sign_in (store, AW_ALICE_EMAIL, AW_ALICE_PASSWORD, &error));
  g_assert_no_error (error);
  g_assert_true (just_sync_remote_store_get_authenticated (remote));
  results = push (store, scope, ops, &error);
  g_assert_no_error (error);
  g_assert_cmpint (just_sync_push_result_get_status (g_ptr_array_index (results, 0)), ==,
                   JUST_SYNC_PUSH_WRITTEN);
}

/* A sign-out deletes the session on the server and forgets it here; the
 * store then sends nothing, not even with its API key, until the next
 * sign-in. */
static void
test_sign_out (void)
{
  g_autoptr(JustSyncAppwriteStore) store = store_new (NULL);
  g_autoptr(JustSyncAppwriteStore) replay = user_store_new ();
  JustSyncRemoteStore *remote = JUST_SYNC_REMOTE_STORE (store);
  g_autoptr(JustSyncScope) scope = fresh_scope ("records");
  g_autoptr(JustSyncDelta) delta = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *secret = NULL;
  guint deletes = aw_server_count (server, "DELETE session");
  guint lists;
  guint n_user = 0;

  g_assert_true (sign_in (store, AW_ALICE_EMAIL, AW_ALICE_PASSWORD, &error));
  g_assert_no_error (error);
  secret = g_strdup (just_sync_appwrite_store_get_session (store));
  g_signal_connect_swapped (store, "notify::user-id", G_CALLBACK (count_cb), &n_user);

  g_assert_true (JUST_SYNC_TEST_AWAIT (just_sync_remote_store_sign_out, remote, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (aw_server_count (server, "DELETE session"), ==, deletes + 1);
  g_assert_null (just_sync_appwrite_store_get_session (store));
  g_assert_null (just_sync_remote_store_get_user_id (remote));
  g_assert_false (just_sync_remote_store_get_authenticated (remote));
  g_assert_cmpuint (n_user, ==, 1);

  lists = aw_server_count (server, "GET list");
  delta = JUST_SYNC_TEST_AWAIT (just_sync_remote_store_fetch_since, remote, &error, scope, NULL, 10);
  g_assert_null (delta);
  g_assert_error (error, JUST_SYNC_ERROR, JUST_SYNC_ERROR_AUTH);
  g_clear_error (&error);
  g_assert_cmpuint (aw_server_count (server, "GET list"), ==, lists);

  /* The server forgot the session too. */
  just_sync_appwrite_store_set_session (replay, secret);
  g_assert_true (just_sync_remote_store_get_authenticated (JUST_SYNC_REMOTE_STORE (replay)));
  delta = JUST_SYNC_TEST_AWAIT (just_sync_remote_store_fetch_since, JUST_SYNC_REMOTE_STORE (replay),
                                &error, scope, NULL, 10);
  g_assert_null (delta);
  g_assert_error (error, JUST_SYNC_ERROR, JUST_SYNC_ERROR_AUTH);
  g_clear_error (&error);
  g_assert_false (just_sync_remote_store_get_authenticated (JUST_SYNC_REMOTE_STORE (replay)));

  g_assert_true (sign_in (store, AW_BOB_EMAIL, AW_BOB_PASSWORD, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (just_sync_remote_store_get_user_id (remote), ==, "bob");
  delta = JUST_SYNC_TEST_AWAIT_OK (just_sync_remote_store_fetch_since, remote, scope, NULL, 10);
}

/* A refusal of the session a request went out with says nothing of the
 * session the app set while it was under way. */
static void
test_refusal_of_older_session (void)
{
  g_autoptr(JustSyncAppwriteStore) store = user_store_new ();
  JustSyncRemoteStore *remote = JUST_SYNC_REMOTE_STORE (store);
  g_autoptr(JustSyncAppwriteStore) other = user_store_new ();
  g_autoptr(JustSyncScope) scope = fresh_scope ("records");
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(JustSyncDelta) delta = NULL;
  g_autoptr(GError) error = NULL;
  GAsyncResult *slot = NULL;

  g_assert_true (sign_in (store, AW_ALICE_EMAIL, AW_ALICE_PASSWORD, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (aw_server_revoke_sessions (server, "alice"), >=, 1);
  g_assert_true (sign_in (other, AW_ALICE_EMAIL, AW_ALICE_PASSWORD, &error));
  g_assert_no_error (error);

  just_sync_remote_store_fetch_since_async (remote, scope, NULL, 10, NULL,
                                            just_sync_test_result_cb, &slot);
  just_sync_appwrite_store_set_session (store, just_sync_appwrite_store_get_session (other));
  result = just_sync_test_await (&slot);
  delta = just_sync_remote_store_fetch_since_finish (remote, result, &error);
  g_assert_null (delta);
  g_assert_error (error, JUST_SYNC_ERROR, JUST_SYNC_ERROR_AUTH);
  g_assert_true (just_sync_remote_store_get_authenticated (remote));
}

/* A client that keeps no cookies gets the secret in `X-Fallback-Cookies`. */
static void
test_sign_in_fallback_cookies (void)
{
  g_autoptr(JustSyncAppwriteStore) store = user_store_new ();
  g_autoptr(JustSyncScope) scope = fresh_scope ("records");
  g_autoptr(GPtrArray) ops = NULL;
  g_autoptr(GError) error = NULL;
  gboolean signed_in;

  aw_server_set_fallback_cookies (server, TRUE);
  signed_in = sign_in (store, AW_BOB_EMAIL, AW_BOB_PASSWORD, &error);
  aw_server_set_fallback_cookies (server, FALSE);
  g_assert_no_error (error);
  g_assert_true (signed_in);
  g_assert_cmpstr (just_sync_remote_store_get_user_id (JUST_SYNC_REMOTE_STORE (store)), ==, "bob");
  ops = push_new (store, scope, 1, "bob's");
}

/* A session kept from an earlier run (the `session` property, as the
 * keyring restores it) is used as it is and announces new credentials. */
static void
test_session_restored (void)
{
  g_autoptr(JustSyncAppwriteStore) first = user_store_new ();
  g_autoptr(JustSyncAppwriteStore) restored = user_store_new ();
  g_autoptr(JustSyncScope) scope = fresh_scope ("records");
  g_autoptr(GPtrArray) ops = NULL;
  g_autoptr(GPtrArray) seen = NULL;
  g_autoptr(GError) error = NULL;
  guint n_credentials = 0;

  g_assert_true (sign_in (first, AW_ALICE_EMAIL, AW_ALICE_PASSWORD, &error));
  g_assert_no_error (error);
  ops = push_new (first, scope, 3, "kept");

  g_signal_connect_swapped (restored, "credentials-changed", G_CALLBACK (count_cb), &n_credentials);
  just_sync_appwrite_store_set_session (restored, just_sync_appwrite_store_get_session (first));
  g_assert_cmpuint (n_credentials, ==, 1);
  g_assert_true (just_sync_remote_store_get_authenticated (JUST_SYNC_REMOTE_STORE (restored)));
  seen = fetch_all (restored, scope, 2, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (seen->len, ==, 3);
}

static void
sleep_until (gint64 when)
{
  gint64 now = g_get_real_time ();

  if (now < when)
    g_usleep (when - now);
}

/* In the last fifth of its lifetime the session is extended
 * (PATCH /account/sessions/current) without holding the request back,
 * and works past the end it had. */
static void
test_session_extended (void)
{
  g_autoptr(JustSyncAppwriteStore) store = user_store_new ();
  g_autoptr(JustSyncScope) scope = fresh_scope ("records");
  g_autoptr(JustSyncDelta) early = NULL;
  g_autoptr(JustSyncDelta) late = NULL;
  g_autoptr(JustSyncDelta) after = NULL;
  g_autoptr(GError) error = NULL;
  guint patches = aw_server_count (server, "PATCH session");
  gint64 signed_in;

  aw_server_set_session_length (server, 3 * G_USEC_PER_SEC);
  g_assert_true (sign_in (store, AW_ALICE_EMAIL, AW_ALICE_PASSWORD, &error));
  aw_server_set_session_length (server, 365 * G_TIME_SPAN_DAY);
  g_assert_no_error (error);
  /* The session was made before this. */
  signed_in = g_get_real_time ();

  early = JUST_SYNC_TEST_AWAIT_OK (just_sync_remote_store_fetch_since, JUST_SYNC_REMOTE_STORE (store),
                                   scope, NULL, 10);
  g_assert_cmpuint (aw_server_count (server, "PATCH session"), ==, patches);

  /* 2.5 s of 3 gone: within the last fifth. */
  sleep_until (signed_in + 2500 * G_TIME_SPAN_MILLISECOND);
  late = JUST_SYNC_TEST_AWAIT_OK (just_sync_remote_store_fetch_since, JUST_SYNC_REMOTE_STORE (store),
                                  scope, NULL, 10);
  while (aw_server_count (server, "PATCH session") == patches)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpuint (aw_server_count (server, "PATCH session"), ==, patches + 1);

  /* Past the end the session had before it was extended. */
  sleep_until (signed_in + 3200 * G_TIME_SPAN_MILLISECOND);
  after = JUST_SYNC_TEST_AWAIT (just_sync_remote_store_fetch_since, JUST_SYNC_REMOTE_STORE (store),
                                &error, scope, NULL, 10);
  g_assert_no_error (error);
  g_assert_nonnull (after);
  g_assert_true (just_sync_remote_store_get_authenticated (JUST_SYNC_REMOTE_STORE (store)));
}

static JustSyncRemoteStore *
new_soft_store (gpointer user_data)
{
  aw_server_start_clock (server);
  return JUST_SYNC_REMOTE_STORE (store_new (NULL));
}

static JustSyncRemoteStore *
new_hard_store (gpointer user_data)
{
  JustSyncAppwriteStore *store = store_new (NULL);

  aw_server_start_clock (server);
  just_sync_appwrite_store_set_soft_delete_attribute (store, NULL);
  return JUST_SYNC_REMOTE_STORE (store);
}

/* One document a request, as against a server before 1.7. */
static JustSyncRemoteStore *
new_single_store (gpointer user_data)
{
  JustSyncAppwriteStore *store = store_new (NULL);

  aw_server_start_clock (server);
  just_sync_appwrite_store_set_bulk_writes (store, FALSE);
  return JUST_SYNC_REMOTE_STORE (store);
}

static void
stop_clock (JustSyncRemoteStore *store,
            gpointer             user_data)
{
  aw_server_stop_clock (server);
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

static const JustSyncTestRemoteStoreContract single_contract = {
  .scope_name = "records",
  .scope_key = "tag",
  .new_store = new_single_store,
  .stop_clock = stop_clock,
};

int
main (int   argc,
      char *argv[])
{
  int status;

  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
  server = aw_server_new ();

  g_test_add_func ("/appwrite/codec/list-query", test_codec_list_query);
  g_test_add_func ("/appwrite/codec/documents", test_codec_documents);
  g_test_add_func ("/appwrite/codec/replies", test_codec_replies);
  g_test_add_func ("/appwrite/store/bulk", test_store_bulk);
  g_test_add_func ("/appwrite/store/no-bulk", test_store_no_bulk);
  g_test_add_func ("/appwrite/store/invalid-document", test_store_invalid_document);
  g_test_add_func ("/appwrite/store/short-pages", test_store_short_pages);
  g_test_add_func ("/appwrite/store/auth", test_store_auth);
  g_test_add_func ("/appwrite/store/lookup-refused", test_store_lookup_refused);
  g_test_add_func ("/appwrite/store/missing-collection", test_store_missing_collection);
  g_test_add_func ("/appwrite/store/users", test_store_users);
  g_test_add_func ("/appwrite/store/server-time", test_store_server_time);
  g_test_add_func ("/appwrite/store/needs-network", test_store_needs_network);
  g_test_add_func ("/appwrite/auth/sign-in", test_sign_in);
  g_test_add_func ("/appwrite/auth/session-revoked", test_session_revoked);
  g_test_add_func ("/appwrite/auth/sign-out", test_sign_out);
  g_test_add_func ("/appwrite/auth/sign-in-fallback-cookies", test_sign_in_fallback_cookies);
  g_test_add_func ("/appwrite/auth/refusal-of-older-session", test_refusal_of_older_session);
  g_test_add_func ("/appwrite/auth/session-restored", test_session_restored);
  g_test_add_func ("/appwrite/auth/session-extended", test_session_extended);
  just_sync_test_add_remote_store_contract ("/appwrite/soft-deletes", &soft_contract);
  just_sync_test_add_remote_store_contract ("/appwrite/hard-deletes", &hard_contract);
  just_sync_test_add_remote_store_contract ("/appwrite/one-at-a-time", &single_contract);

  status = g_test_run ();
  aw_server_free (server);
  return status;
}
