/* test-pocketbase.c: JustSyncPocketbaseStore against a real PocketBase
 *
 * Run under tests/servers/pocketbase/pb-harness, which starts a provisioned
 * server and exports JUSTSYNC_PB_* (see its README). Every test works in
 * scopes with its own `tag`, so tests sharing the server never see each
 * other's rows.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <string.h>

#include "pb-test-util.h"

static const char *
env (const char *name)
{
  const char *value = g_getenv (name);

  if (value == NULL)
    g_error ("%s is not set: run this test under tests/servers/pocketbase/pb-harness", name);
  return value;
}

static const char *
env_for (const char *who,
         const char *what)
{
  g_autofree char *name = g_strdup_printf ("JUSTSYNC_PB_%s_%s", who, what);

  return env (name);
}

/* A store logged in as a harness account (ALICE, BOB, CAROL or ADMIN), at @url. */
static JustSyncPocketbaseStore *
store_at (const char *url,
          const char *who)
{
  JustSyncPocketbaseStore *store = just_sync_pocketbase_store_new (url);

  if (strcmp (who, "ADMIN") == 0)
    just_sync_pocketbase_store_set_credentials (store, "_superusers", env ("JUSTSYNC_PB_ADMIN"),
                                                env ("JUSTSYNC_PB_PASSWORD"));
  else
    just_sync_pocketbase_store_set_credentials (store, env_for (who, "COLLECTION"),
                                                env_for (who, "EMAIL"), env_for (who, "PASSWORD"));
  return store;
}

static JustSyncPocketbaseStore *
store_for (const char *who)
{
  return store_at (env ("JUSTSYNC_PB_URL"), who);
}

static JustSyncRemoteStore *
remote (JustSyncPocketbaseStore *store)
{
  return JUST_SYNC_REMOTE_STORE (store);
}

static char *
new_id (JustSyncPocketbaseStore *store)
{
  g_autoptr(JustSyncScope) scope = pb_scope ("records");

  return just_sync_remote_store_generate_id (remote (store), scope);
}

static GPtrArray *
ops_new (void)
{
  return g_ptr_array_new_with_free_func ((GDestroyNotify) just_sync_pending_op_unref);
}

/* Pushes one upsert per id with @json and asserts each was written. */
static GPtrArray *
push_ok (JustSyncPocketbaseStore *store,
         JustSyncScope           *scope,
         GPtrArray               *ids,
         const char              *json)
{
  g_autoptr(GPtrArray) ops = ops_new ();
  g_autoptr(GError) error = NULL;
  GPtrArray *results;

  for (guint i = 0; i < ids->len; i++)
    g_ptr_array_add (ops, pb_upsert_op (i + 1, g_ptr_array_index (ids, i), json, NULL));
  results = pb_upsert (remote (store), scope, ops, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (results->len, ==, ids->len);
  for (guint i = 0; i < results->len; i++)
    g_assert_cmpint (just_sync_push_result_get_status (g_ptr_array_index (results, i)), ==,
                     JUST_SYNC_PUSH_WRITTEN);
  return results;
}

static GPtrArray *
new_ids (JustSyncPocketbaseStore *store,
         guint                    n)
{
  GPtrArray *ids = g_ptr_array_new_with_free_func (g_free);

  for (guint i = 0; i < n; i++)
    g_ptr_array_add (ids, new_id (store));
  return ids;
}

static GPtrArray *
fetch_all (JustSyncPocketbaseStore *store,
           JustSyncScope           *scope)
{
  g_autoptr(GError) error = NULL;
  GPtrArray *records = pb_fetch_all (remote (store), scope, 1000, NULL, &error);

  g_assert_no_error (error);
  return records;
}

static void
assert_keyset_order (GPtrArray *records)
{
  for (guint i = 1; i < records->len; i++)
    {
      JustSyncRecord *a = g_ptr_array_index (records, i - 1), *b = g_ptr_array_index (records, i);

      g_assert_true (just_sync_record_get_updated_at (a) < just_sync_record_get_updated_at (b) ||
                     (just_sync_record_get_updated_at (a) == just_sync_record_get_updated_at (b) &&
                      strcmp (just_sync_record_get_id (a), just_sync_record_get_id (b)) < 0));
    }
}

/* --- a superuser's raw requests, to look behind the store's back ------- */

static JsonNode *
raw_request (const char *method,
             const char *path,
             const char *body,
             const char *token,
             guint      *out_status)
{
  g_autoptr(SoupSession) session = soup_session_new ();
  g_autofree char *url = g_strconcat (env ("JUSTSYNC_PB_URL"), path, NULL);
  g_autoptr(SoupMessage) message = soup_message_new (method, url);
  g_autoptr(GBytes) reply = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;

  if (token != NULL)
    soup_message_headers_replace (soup_message_get_request_headers (message), "Authorization", token);
  if (body != NULL)
    soup_message_set_request_body_from_bytes (message, "application/json",
                                              g_bytes_new (body, strlen (body)));
  reply = soup_session_send_and_read (session, message, NULL, &error);
  g_assert_no_error (error);
  if (out_status != NULL)
    *out_status = soup_message_get_status (message);
  if (g_bytes_get_size (reply) == 0)
    return NULL;
  text = g_strndup (g_bytes_get_data (reply, NULL), g_bytes_get_size (reply));
  return json_from_string (text, NULL);
}

static JsonNode *
admin_request (const char *method,
               const char *path,
               const char *body,
               guint      *out_status)
{
  static char *token = NULL;

  if (token == NULL)
    {
      g_autofree char *login = g_strdup_printf ("{\"identity\":\"%s\",\"password\":\"%s\"}",
                                                env ("JUSTSYNC_PB_ADMIN"), env ("JUSTSYNC_PB_PASSWORD"));
      g_autoptr(JsonNode) auth = raw_request ("POST", "/api/collections/_superusers/auth-with-password",
                                              login, NULL, NULL);

      token = g_strdup (json_object_get_string_member (json_node_get_object (auth), "token"));
    }
  return raw_request (method, path, body, token, out_status);
}

/* The raw server row of @id in @collection, or NULL when there is none. */
static JsonObject *
admin_get (const char *collection,
           const char *id)
{
  g_autofree char *path = g_strdup_printf ("/api/collections/%s/records/%s", collection, id);
  g_autoptr(JsonNode) node = NULL;
  guint status;

  node = admin_request ("GET", path, NULL, &status);
  if (status == 404)
    return NULL;
  g_assert_cmpuint (status, ==, 200);
  return json_node_dup_object (node);
}

static void
set_batch_enabled (gboolean enabled)
{
  g_autofree char *body = g_strdup_printf ("{\"batch\":{\"enabled\":%s,\"maxRequests\":50,\"timeout\":3}}",
                                           enabled ? "true" : "false");
  g_autoptr(JsonNode) settings = NULL;
  guint status;

  settings = admin_request ("PATCH", "/api/settings", body, &status);
  g_assert_cmpuint (status, ==, 200);
}

/* --- tests --------------------------------------------------------------- */

static void
test_roundtrip (void)
{
  g_autoptr(JustSyncPocketbaseStore) alice = store_for ("ALICE");
  g_autoptr(JustSyncScope) scope = pb_user_scope ("records", "ALICE", "roundtrip");
  g_autoptr(GPtrArray) ids = new_ids (alice, 3);
  g_autoptr(GPtrArray) ops = ops_new ();
  g_autoptr(GPtrArray) results = NULL;
  g_autoptr(GPtrArray) again = NULL;
  g_autoptr(GPtrArray) update = ops_new ();
  g_autoptr(JustSyncDelta) first = NULL;
  g_autoptr(JustSyncDelta) second = NULL;
  g_autoptr(JustSyncSyncPoint) cursor = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *version = NULL;
  JustSyncRecord *reply;
  GPtrArray *records;
  gint64 now = g_get_real_time ();

  g_ptr_array_add (ops, pb_upsert_op (1, g_ptr_array_index (ids, 0), "{\"title\":\"one\",\"n\":1,\"done\":true}", NULL));
  g_ptr_array_add (ops, pb_upsert_op (2, g_ptr_array_index (ids, 1), "{\"title\":\"two\"}", NULL));
  g_ptr_array_add (ops, pb_upsert_op (3, g_ptr_array_index (ids, 2), "{\"title\":\"th\\\"ree\",\"n\":3.5}", NULL));
  results = pb_upsert (remote (alice), scope, ops, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (results->len, ==, 3);

  for (guint i = 0; i < 3; i++)
    {
      JustSyncPushResult *result = pb_find_result (results, g_ptr_array_index (ids, i));
      JustSyncPendingOp *op = g_ptr_array_index (ops, i);
      g_autoptr(GList) members = NULL;

      g_assert_nonnull (result);
      g_assert_cmpint (just_sync_push_result_get_status (result), ==, JUST_SYNC_PUSH_WRITTEN);
      g_assert_cmpint (just_sync_push_result_get_seq (result), ==, just_sync_pending_op_get_seq (op));
      reply = just_sync_push_result_get_reply (result);
      /* The server's own stamp, and a payload the echo test accepts. */
      g_assert_cmpint (ABS (just_sync_record_get_updated_at (reply) - now), <, 10 * G_USEC_PER_SEC);
      g_assert_false (just_sync_record_is_deleted (reply));
      g_assert_true (just_sync_record_content_covers (reply, just_sync_pending_op_get_record (op)));
      /* Only the app's fields: no system fields, no scope keys, no deleted_at. */
      members = json_object_get_members (just_sync_record_get_payload (reply));
      g_assert_cmpuint (g_list_length (members), ==, 3);
      g_assert_true (json_object_has_member (just_sync_record_get_payload (reply), "done"));
      g_assert_false (json_object_has_member (just_sync_record_get_payload (reply), "owner"));
    }
  /* Fields never set come back with PocketBase's zero values. */
  reply = just_sync_push_result_get_reply (pb_find_result (results, g_ptr_array_index (ids, 1)));
  g_assert_cmpint (json_object_get_int_member (just_sync_record_get_payload (reply), "n"), ==, 0);
  g_assert_false (json_object_get_boolean_member (just_sync_record_get_payload (reply), "done"));

  /* A pull returns exactly the versions the push replies described. */
  first = pb_fetch (remote (alice), scope, NULL, 100, &error);
  g_assert_no_error (error);
  records = just_sync_delta_get_records (first);
  g_assert_cmpuint (records->len, ==, 3);
  g_assert_false (just_sync_delta_get_has_more (first));
  assert_keyset_order (records);
  for (guint i = 0; i < 3; i++)
    {
      JustSyncRecord *pulled = g_ptr_array_index (records, i);
      JustSyncPushResult *result = pb_find_result (results, just_sync_record_get_id (pulled));

      g_assert_true (just_sync_record_equal (pulled, just_sync_push_result_get_reply (result)));
    }

  /* Pushing the same ops again is harmless: same rows, same content. */
  again = pb_upsert (remote (alice), scope, ops, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < 3; i++)
    g_assert_cmpint (just_sync_push_result_get_status (g_ptr_array_index (again, i)), ==,
                     JUST_SYNC_PUSH_WRITTEN);

  /* An update shows up after the cursor, alone. */
  cursor = just_sync_delta_dup_cursor (first);
  http_test_sleep (5);
  reply = just_sync_push_result_get_reply (pb_find_result (again, g_ptr_array_index (ids, 0)));
  version = just_sync_record_dup_version (reply);
  g_ptr_array_add (update, pb_upsert_op (4, g_ptr_array_index (ids, 0), "{\"title\":\"one v2\"}", version));
  g_clear_pointer (&results, g_ptr_array_unref);
  results = pb_upsert (remote (alice), scope, update, &error);
  g_assert_no_error (error);
  g_clear_pointer (&first, just_sync_delta_unref);
  first = pb_fetch (remote (alice), scope, cursor, 100, &error);
  g_assert_no_error (error);
  /* The re-push bumped all three; the update is the newest. */
  records = just_sync_delta_get_records (first);
  g_assert_cmpuint (records->len, >=, 1);
  reply = g_ptr_array_index (records, records->len - 1);
  g_assert_cmpstr (just_sync_record_get_id (reply), ==, g_ptr_array_index (ids, 0));
  g_assert_cmpstr (json_object_get_string_member (just_sync_record_get_payload (reply), "title"), ==, "one v2");
  /* PATCH semantics: fields the update did not send are kept. */
  g_assert_cmpint (json_object_get_int_member (just_sync_record_get_payload (reply), "n"), ==, 1);

  g_clear_pointer (&cursor, just_sync_sync_point_unref);
  cursor = just_sync_delta_dup_cursor (first);
  second = pb_fetch (remote (alice), scope, cursor, 100, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (just_sync_delta_get_records (second)->len, ==, 0);
  g_assert_false (just_sync_delta_get_has_more (second));
}

static void
test_scope_isolation (void)
{
  g_autoptr(JustSyncPocketbaseStore) alice = store_for ("ALICE");
  g_autoptr(JustSyncPocketbaseStore) bob = store_for ("BOB");
  g_autoptr(JustSyncScope) alice_scope = pb_user_scope ("records", "ALICE", "isolation");
  g_autoptr(JustSyncScope) bob_scope = pb_user_scope ("records", "BOB", "isolation");
  g_autoptr(JustSyncScope) alice_all = pb_user_scope ("records", "ALICE", NULL);
  g_autoptr(GPtrArray) alice_ids = new_ids (alice, 4);
  g_autoptr(GPtrArray) bob_ids = new_ids (bob, 4);
  g_autoptr(GPtrArray) r1 = push_ok (alice, alice_scope, alice_ids, "{\"title\":\"alice's\"}");
  g_autoptr(GPtrArray) r2 = push_ok (bob, bob_scope, bob_ids, "{\"title\":\"bob's\"}");
  g_autoptr(GPtrArray) alice_rows = fetch_all (alice, alice_scope);
  g_autoptr(GPtrArray) bob_rows = fetch_all (bob, bob_scope);
  g_autoptr(GPtrArray) alice_every = fetch_all (alice, alice_all);
  g_autoptr(GPtrArray) bob_peeks = fetch_all (bob, alice_scope);

  g_assert_cmpuint (alice_rows->len, ==, 4);
  g_assert_cmpuint (bob_rows->len, ==, 4);
  for (guint i = 0; i < 4; i++)
    {
      g_assert_nonnull (pb_find_record (alice_rows, g_ptr_array_index (alice_ids, i)));
      g_assert_nonnull (pb_find_record (bob_rows, g_ptr_array_index (bob_ids, i)));
      g_assert_nonnull (pb_find_record (alice_every, g_ptr_array_index (alice_ids, i)));
      /* Never another user's row, whatever the scope asks for. */
      g_assert_null (pb_find_record (alice_every, g_ptr_array_index (bob_ids, i)));
    }
  g_assert_cmpuint (bob_peeks->len, ==, 0);
}

/* A superuser passes every collection rule: only the scope keys keep
 * scopes apart. The plugin this store replaces ignored them. */
static void
test_scope_keys_filter (void)
{
  g_autoptr(JustSyncPocketbaseStore) admin = store_for ("ADMIN");
  g_autoptr(JustSyncPocketbaseStore) alice = store_for ("ALICE");
  g_autoptr(JustSyncScope) for_alice = pb_user_scope ("records", "ALICE", "superuser");
  g_autoptr(JustSyncScope) for_bob = pb_user_scope ("records", "BOB", "superuser");
  g_autoptr(JustSyncScope) tag_only = pb_scope ("records?tag=superuser");
  g_autoptr(GPtrArray) alice_ids = new_ids (admin, 3);
  g_autoptr(GPtrArray) bob_ids = new_ids (admin, 2);
  g_autoptr(GPtrArray) r1 = push_ok (admin, for_alice, alice_ids, "{\"title\":\"for alice\"}");
  g_autoptr(GPtrArray) r2 = push_ok (admin, for_bob, bob_ids, "{\"title\":\"for bob\"}");
  g_autoptr(GPtrArray) admin_alice = fetch_all (admin, for_alice);
  g_autoptr(GPtrArray) admin_bob = fetch_all (admin, for_bob);
  g_autoptr(GPtrArray) admin_both = fetch_all (admin, tag_only);
  g_autoptr(GPtrArray) alice_sees = fetch_all (alice, for_alice);
  g_autoptr(JsonObject) raw = admin_get ("records", g_ptr_array_index (alice_ids, 0));

  /* The scope keys were written into the pushed rows... */
  g_assert_cmpstr (json_object_get_string_member (raw, "owner"), ==, env_for ("ALICE", "ID"));
  g_assert_cmpstr (json_object_get_string_member (raw, "tag"), ==, "superuser");
  g_assert_cmpuint (alice_sees->len, ==, 3);

  /* ...and filter every read. */
  g_assert_cmpuint (admin_alice->len, ==, 3);
  g_assert_cmpuint (admin_bob->len, ==, 2);
  for (guint i = 0; i < bob_ids->len; i++)
    g_assert_null (pb_find_record (admin_alice, g_ptr_array_index (bob_ids, i)));
  for (guint i = 0; i < alice_ids->len; i++)
    g_assert_null (pb_find_record (admin_bob, g_ptr_array_index (alice_ids, i)));
  /* Without the owner key, the same superuser sees both users' rows. */
  g_assert_cmpuint (admin_both->len, ==, 5);
}

static void
test_scope_key_escaping (void)
{
  static const char * const tags[] = {
    "we\"ird\\ value",
    "x\" || owner != \"",
    "\") || (id != \"",
    "a'b {:x} \\\" end\\",
    "",
  };
  g_autoptr(JustSyncPocketbaseStore) admin = store_for ("ADMIN");
  g_autoptr(GPtrArray) all_ids = g_ptr_array_new_with_free_func (g_free);

  for (guint i = 0; i < G_N_ELEMENTS (tags); i++)
    {
      g_autoptr(JustSyncScope) owner = pb_user_scope ("records", "BOB", NULL);
      g_autoptr(JustSyncScope) scope = just_sync_scope_with_key (owner, "tag", tags[i], NULL);
      g_autoptr(GPtrArray) ids = new_ids (admin, 2);
      g_autoptr(GPtrArray) results = push_ok (admin, scope, ids, "{\"title\":\"escaping\"}");

      for (guint j = 0; j < ids->len; j++)
        g_ptr_array_add (all_ids, g_strdup (g_ptr_array_index (ids, j)));
    }

  for (guint i = 0; i < G_N_ELEMENTS (tags); i++)
    {
      g_autoptr(JustSyncScope) owner = pb_user_scope ("records", "BOB", NULL);
      g_autoptr(JustSyncScope) scope = just_sync_scope_with_key (owner, "tag", tags[i], NULL);
      g_autoptr(GPtrArray) rows = fetch_all (admin, scope);

      g_test_message ("tag %s", tags[i]);
      /* Exactly the two rows with this literal tag: no filter injection.
       * (The empty tag also matches bob's rows of other tests: count ours.) */
      g_assert_nonnull (pb_find_record (rows, g_ptr_array_index (all_ids, 2 * i)));
      g_assert_nonnull (pb_find_record (rows, g_ptr_array_index (all_ids, 2 * i + 1)));
      for (guint j = 0; j < all_ids->len; j++)
        if (j / 2 != i)
          g_assert_null (pb_find_record (rows, g_ptr_array_index (all_ids, j)));
    }
}

static void
test_keyset_ties (void)
{
  g_autoptr(JustSyncPocketbaseStore) alice = store_for ("ALICE");
  g_autoptr(JustSyncScope) scope = pb_user_scope ("records", "ALICE", "ties");
  g_autoptr(GPtrArray) ids = new_ids (alice, 60);
  g_autoptr(GPtrArray) results = push_ok (alice, scope, ids, "{\"title\":\"tie\"}");
  g_autoptr(GPtrArray) rows = NULL;
  g_autoptr(GError) error = NULL;
  guint pages, ties = 0;

  /* Rows written in one batch share milliseconds: the id breaks the tie. */
  rows = pb_fetch_all (remote (alice), scope, 7, &pages, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (rows->len, ==, 60);
  g_assert_cmpuint (pages, ==, 9);
  assert_keyset_order (rows);
  for (guint i = 1; i < rows->len; i++)
    if (just_sync_record_get_updated_at (g_ptr_array_index (rows, i)) ==
        just_sync_record_get_updated_at (g_ptr_array_index (rows, i - 1)))
      ties++;
  g_test_message ("%u of 60 rows share the stamp of the row before", ties);
}

static void
test_paging_5000 (void)
{
  g_autoptr(JustSyncPocketbaseStore) alice = store_for ("ALICE");
  g_autoptr(JustSyncScope) scope = pb_user_scope ("records", "ALICE", "paging");
  g_autoptr(GPtrArray) ids = new_ids (alice, 5000);
  g_autoptr(GPtrArray) ops = ops_new ();
  g_autoptr(GPtrArray) results = NULL;
  g_autoptr(GPtrArray) rows = NULL;
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(JustSyncDelta) clamped = NULL;
  g_autoptr(GError) error = NULL;
  gint64 start, pushed, pulled;
  guint pages;

  for (guint i = 0; i < ids->len; i++)
    {
      g_autofree char *json = g_strdup_printf ("{\"title\":\"row %u\",\"n\":%u}", i, i);

      g_ptr_array_add (ops, pb_upsert_op (i + 1, g_ptr_array_index (ids, i), json, NULL));
    }

  start = g_get_monotonic_time ();
  results = pb_upsert (remote (alice), scope, ops, &error);
  pushed = g_get_monotonic_time () - start;
  g_assert_no_error (error);
  g_assert_cmpuint (results->len, ==, 5000);
  for (guint i = 0; i < results->len; i++)
    g_assert_cmpint (just_sync_push_result_get_status (g_ptr_array_index (results, i)), ==,
                     JUST_SYNC_PUSH_WRITTEN);

  start = g_get_monotonic_time ();
  rows = pb_fetch_all (remote (alice), scope, 1000, &pages, &error);
  pulled = g_get_monotonic_time () - start;
  g_assert_no_error (error);
  g_assert_cmpuint (rows->len, ==, 5000);
  /* Five full pages, then an empty one that says there is no more. */
  g_assert_cmpuint (pages, ==, 6);
  assert_keyset_order (rows);
  for (guint i = 0; i < rows->len; i++)
    g_assert_true (g_hash_table_add (seen, (gpointer) just_sync_record_get_id (g_ptr_array_index (rows, i))));
  for (guint i = 0; i < ids->len; i++)
    g_assert_true (g_hash_table_contains (seen, g_ptr_array_index (ids, i)));

  /* PocketBase pages hold at most 1,000 records, whatever the limit. */
  clamped = pb_fetch (remote (alice), scope, NULL, 5000, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (just_sync_delta_get_records (clamped)->len, ==, 1000);
  g_assert_true (just_sync_delta_get_has_more (clamped));

  g_printerr ("paging-5000: pushed 5000 records in %" G_GINT64_FORMAT " ms (100 batches), "
              "pulled them in %" G_GINT64_FORMAT " ms (%u pages)\n",
              pushed / 1000, pulled / 1000, pages);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/pocketbase/roundtrip", test_roundtrip);
  g_test_add_func ("/pocketbase/scope-isolation", test_scope_isolation);
  g_test_add_func ("/pocketbase/scope-keys-filter", test_scope_keys_filter);
  g_test_add_func ("/pocketbase/scope-key-escaping", test_scope_key_escaping);
  g_test_add_func ("/pocketbase/keyset-ties", test_keyset_ties);
  g_test_add_func ("/pocketbase/paging-5000", test_paging_5000);

  return g_test_run ();
}
