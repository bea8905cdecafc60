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

#include "justsync-json-private.h"
#include "justsync-test-contract.h"
#include "pb-test-util.h"

static JustSyncPocketbaseStore *
store_for (const char *who)
{
  return pb_store_new (NULL, who);
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

/* Pushes one upsert per id with @json and asserts each was written. */
static GPtrArray *
push_ok (JustSyncPocketbaseStore *store,
         JustSyncScope           *scope,
         GPtrArray               *ids,
         const char              *json)
{
  g_autoptr(GPtrArray) ops = just_sync_test_ops_new ();
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

/* The title of the row with @id in @rows. */
static const char *
title_of (GPtrArray  *rows,
          const char *id)
{
  JustSyncRecord *row = just_sync_test_find_record (rows, id);

  g_assert_nonnull (row);
  return just_sync_test_payload_string (row, "title");
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
  g_autofree char *url = g_strconcat (pb_env ("JUSTSYNC_PB_URL"), path, NULL);
  g_autoptr(SoupMessage) message = soup_message_new (method, url);
  g_autoptr(GBytes) reply = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;

  if (token != NULL)
    soup_message_headers_replace (soup_message_get_request_headers (message), "Authorization", token);
  if (body != NULL)
    {
      g_autoptr(GBytes) bytes = g_bytes_new (body, strlen (body));

      soup_message_set_request_body_from_bytes (message, "application/json", bytes);
    }
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
                                                pb_env ("JUSTSYNC_PB_ADMIN"), pb_env ("JUSTSYNC_PB_PASSWORD"));
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
  g_autoptr(GPtrArray) ops = just_sync_test_ops_new ();
  g_autoptr(GPtrArray) results = NULL;
  g_autoptr(GPtrArray) again = NULL;
  g_autoptr(GPtrArray) update = just_sync_test_ops_new ();
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
  just_sync_test_sleep (5);
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
      g_assert_nonnull (just_sync_test_find_record (alice_rows, g_ptr_array_index (alice_ids, i)));
      g_assert_nonnull (just_sync_test_find_record (bob_rows, g_ptr_array_index (bob_ids, i)));
      g_assert_nonnull (just_sync_test_find_record (alice_every, g_ptr_array_index (alice_ids, i)));
      /* Never another user's row, whatever the scope asks for. */
      g_assert_null (just_sync_test_find_record (alice_every, g_ptr_array_index (bob_ids, i)));
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
  g_assert_cmpstr (json_object_get_string_member (raw, "owner"), ==, pb_env ("JUSTSYNC_PB_ALICE_ID"));
  g_assert_cmpstr (json_object_get_string_member (raw, "tag"), ==, "superuser");
  g_assert_cmpuint (alice_sees->len, ==, 3);

  /* ...and filter every read. */
  g_assert_cmpuint (admin_alice->len, ==, 3);
  g_assert_cmpuint (admin_bob->len, ==, 2);
  for (guint i = 0; i < bob_ids->len; i++)
    g_assert_null (just_sync_test_find_record (admin_alice, g_ptr_array_index (bob_ids, i)));
  for (guint i = 0; i < alice_ids->len; i++)
    g_assert_null (just_sync_test_find_record (admin_bob, g_ptr_array_index (alice_ids, i)));
  /* Without the owner key, the same superuser sees both users' rows. */
  g_assert_cmpuint (admin_both->len, ==, 5);
}

static void
assert_status (GPtrArray          *results,
               const char         *id,
               JustSyncPushStatus  status,
               const char         *fragment)
{
  JustSyncPushResult *result = pb_find_result (results, id);

  g_assert_nonnull (result);
  g_assert_cmpint (just_sync_push_result_get_status (result), ==, status);
  if (fragment != NULL)
    g_assert_nonnull (strstr (just_sync_push_result_get_message (result), fragment));
}

/* A superuser passes every rule: writes naming another scope's ids must
 * not reach into it. */
static void
test_scope_crossing_writes (void)
{
  g_autoptr(JustSyncPocketbaseStore) admin = store_for ("ADMIN");
  g_autoptr(JustSyncScope) mine = pb_user_scope ("records", "ALICE", "crossing");
  g_autoptr(JustSyncScope) theirs = pb_user_scope ("records", "BOB", "crossing");
  g_autoptr(GPtrArray) ids = new_ids (admin, 2);
  g_autoptr(GPtrArray) written = push_ok (admin, mine, ids, "{\"title\":\"alice's\"}");
  g_autoptr(GPtrArray) upserts = just_sync_test_ops_new ();
  g_autoptr(GPtrArray) deletes = just_sync_test_ops_new ();
  g_autoptr(GPtrArray) results = NULL;
  g_autoptr(GPtrArray) deleted = NULL;
  g_autoptr(GPtrArray) rows = NULL;
  g_autoptr(GPtrArray) bobs = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *fresh = new_id (admin);

  g_ptr_array_add (upserts, pb_upsert_op (1, g_ptr_array_index (ids, 0), "{\"title\":\"intruder\"}", NULL));
  g_ptr_array_add (upserts, pb_upsert_op (2, fresh, "{\"title\":\"bob's own\"}", NULL));
  results = pb_upsert (remote (admin), theirs, upserts, &error);
  g_assert_no_error (error);
  assert_status (results, g_ptr_array_index (ids, 0), JUST_SYNC_PUSH_REJECTED, "another scope");
  assert_status (results, fresh, JUST_SYNC_PUSH_WRITTEN, NULL);

  g_ptr_array_add (deletes, pb_delete_op (3, g_ptr_array_index (ids, 1)));
  deleted = pb_delete (remote (admin), theirs, deletes, &error);
  g_assert_no_error (error);
  assert_status (deleted, g_ptr_array_index (ids, 1), JUST_SYNC_PUSH_WRITTEN, NULL);

  rows = fetch_all (admin, mine);
  g_assert_cmpuint (rows->len, ==, 2);
  for (guint i = 0; i < rows->len; i++)
    {
      JustSyncRecord *row = g_ptr_array_index (rows, i);

      g_assert_false (just_sync_record_is_deleted (row));
      g_assert_cmpstr (json_object_get_string_member (just_sync_record_get_payload (row), "title"), ==, "alice's");
    }
  bobs = fetch_all (admin, theirs);
  g_assert_cmpuint (bobs->len, ==, 1);
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
      g_assert_nonnull (just_sync_test_find_record (rows, g_ptr_array_index (all_ids, 2 * i)));
      g_assert_nonnull (just_sync_test_find_record (rows, g_ptr_array_index (all_ids, 2 * i + 1)));
      for (guint j = 0; j < all_ids->len; j++)
        if (j / 2 != i)
          g_assert_null (just_sync_test_find_record (rows, g_ptr_array_index (all_ids, j)));
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
  g_autoptr(GPtrArray) ops = just_sync_test_ops_new ();
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

static void
count_cb (GObject    *object,
          GParamSpec *pspec,
          guint      *counter)
{
  (*counter)++;
}

/* PocketBase takes an expired token for a guest: lists come back empty and
 * writes fail with 404. carol's tokens last 1-2 s. */
static void
test_token_expiry (void)
{
  g_autoptr(JustSyncPocketbaseStore) carol = store_for ("CAROL");
  g_autoptr(JustSyncPocketbaseStore) fixed = NULL;
  g_autoptr(JustSyncPocketbaseStore) garbage = NULL;
  g_autoptr(JustSyncScope) scope = pb_user_scope ("records", "CAROL", "expiry");
  g_autoptr(GPtrArray) ids = new_ids (carol, 2);
  g_autoptr(GPtrArray) more = new_ids (carol, 1);
  g_autoptr(GPtrArray) first = push_ok (carol, scope, ids, "{\"title\":\"carol's\"}");
  g_autoptr(GPtrArray) rows = NULL;
  g_autoptr(GPtrArray) later = NULL;
  g_autoptr(GPtrArray) garbage_rows = NULL;
  g_autoptr(JustSyncDelta) refused = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *old_token = g_strdup (just_sync_pocketbase_store_get_token (carol));
  guint renewals = 0;

  g_assert_nonnull (old_token);
  g_assert_cmpstr (just_sync_pocketbase_store_get_user_id (carol), ==, pb_env ("JUSTSYNC_PB_CAROL_ID"));
  g_signal_connect (carol, "notify::token", G_CALLBACK (count_cb), &renewals);

  just_sync_test_sleep (2500);

  /* The store saw the token run out and logged in again. */
  rows = fetch_all (carol, scope);
  g_assert_cmpuint (rows->len, ==, 2);
  g_assert_cmpuint (renewals, >=, 1);
  g_assert_cmpstr (just_sync_pocketbase_store_get_token (carol), !=, old_token);

  just_sync_test_sleep (2500);
  later = push_ok (carol, scope, more, "{\"title\":\"after expiry\"}");
  g_assert_cmpuint (renewals, >=, 2);

  /* A fixed token that ran out is refused before it goes out as a guest. */
  fixed = just_sync_pocketbase_store_new (pb_env ("JUSTSYNC_PB_URL"));
  just_sync_pocketbase_store_set_token (fixed, old_token);
  refused = pb_fetch (remote (fixed), scope, NULL, 100, &error);
  g_assert_null (refused);
  g_assert_error (error, JUST_SYNC_ERROR, JUST_SYNC_ERROR_AUTH);
  g_assert_nonnull (strstr (error->message, "expired"));

  /* A token with no readable expiry is replaced by a login. */
  garbage = store_for ("CAROL");
  just_sync_pocketbase_store_set_token (garbage, "not-a-jwt");
  garbage_rows = fetch_all (garbage, scope);
  g_assert_cmpuint (garbage_rows->len, ==, 3);
}

static void
test_soft_delete (void)
{
  g_autoptr(JustSyncPocketbaseStore) alice = store_for ("ALICE");
  g_autoptr(JustSyncScope) scope = pb_user_scope ("records", "ALICE", "soft");
  g_autoptr(GPtrArray) ids = new_ids (alice, 2);
  g_autoptr(GPtrArray) written = push_ok (alice, scope, ids, "{\"title\":\"to delete\"}");
  g_autoptr(GPtrArray) ops = just_sync_test_ops_new ();
  g_autoptr(GPtrArray) results = NULL;
  g_autoptr(GPtrArray) rows = NULL;
  g_autoptr(GPtrArray) revived = NULL;
  g_autoptr(GPtrArray) after = NULL;
  g_autoptr(JsonObject) raw = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *missing = new_id (alice);
  g_autofree char *victim = g_strdup (g_ptr_array_index (ids, 0));
  JustSyncPushResult *result;
  JustSyncRecord *reply, *pulled;

  g_ptr_array_add (ops, pb_delete_op (10, victim));
  g_ptr_array_add (ops, pb_delete_op (11, missing));
  results = pb_delete (remote (alice), scope, ops, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (results->len, ==, 2);

  /* The server's soft-deleted row comes back as a tombstone. */
  result = pb_find_result (results, victim);
  g_assert_cmpint (just_sync_push_result_get_status (result), ==, JUST_SYNC_PUSH_WRITTEN);
  g_assert_cmpint (just_sync_push_result_get_seq (result), ==, 10);
  reply = just_sync_push_result_get_reply (result);
  g_assert_true (just_sync_record_is_deleted (reply));
  /* The op's deletion time, at PocketBase's millisecond resolution. */
  g_assert_cmpint (just_sync_record_get_deleted_at (reply), ==,
                   just_sync_record_get_deleted_at (just_sync_pending_op_get_record (g_ptr_array_index (ops, 0))) / 1000 * 1000);
  g_assert_false (json_object_has_member (just_sync_record_get_payload (reply), "deleted_at"));
  raw = admin_get ("records", victim);
  g_assert_nonnull (raw);
  g_assert_cmpstr (json_object_get_string_member (raw, "deleted_at"), !=, "");

  /* Deleting what the server does not have is a success. */
  result = pb_find_result (results, missing);
  g_assert_cmpint (just_sync_push_result_get_status (result), ==, JUST_SYNC_PUSH_WRITTEN);
  g_assert_true (just_sync_record_is_deleted (just_sync_push_result_get_reply (result)));

  /* A pull shows the tombstone, the same version as the reply. */
  rows = fetch_all (alice, scope);
  g_assert_cmpuint (rows->len, ==, 2);
  pulled = just_sync_test_find_record (rows, victim);
  g_assert_true (just_sync_record_equal (pulled, reply));
  g_assert_cmpint (just_sync_record_get_updated_at (pulled), >=, just_sync_record_get_deleted_at (pulled) - G_USEC_PER_SEC);

  /* An upsert brings the row back to life. */
  g_clear_pointer (&ids, g_ptr_array_unref);
  ids = g_ptr_array_new ();
  g_ptr_array_add (ids, victim);
  revived = push_ok (alice, scope, ids, "{\"title\":\"back\"}");
  g_assert_false (just_sync_record_is_deleted (just_sync_push_result_get_reply (g_ptr_array_index (revived, 0))));
  after = fetch_all (alice, scope);
  g_assert_false (just_sync_record_is_deleted (just_sync_test_find_record (after, victim)));
}

static void
test_hard_delete (void)
{
  g_autoptr(JustSyncPocketbaseStore) alice = store_for ("ALICE");
  g_autoptr(JustSyncScope) scope = pb_user_scope ("hard_records", "ALICE", "hard");
  g_autoptr(JustSyncScope) mapped = pb_user_scope ("plain", "ALICE", "hard2");
  g_autoptr(JustSyncScope) notes = pb_user_scope ("notes", "ALICE", "soft2");
  g_autoptr(GPtrArray) ids = new_ids (alice, 3);
  g_autoptr(GPtrArray) mapped_ids = new_ids (alice, 1);
  g_autoptr(GPtrArray) note_ids = new_ids (alice, 1);
  g_autoptr(GPtrArray) written = push_ok (alice, scope, ids, "{\"title\":\"hard\"}");
  g_autoptr(GPtrArray) rows = NULL;
  g_autoptr(GError) error = NULL;

  /* `hard_records` has no deleted_at: PocketBase would ignore the field,
   * so the store deletes for real, first noticing, then knowing it. */
  for (guint i = 0; i < 2; i++)
    {
      g_autoptr(GPtrArray) ops = just_sync_test_ops_new ();
      g_autoptr(GPtrArray) results = NULL;
      g_autoptr(JsonObject) raw = NULL;
      JustSyncRecord *reply;

      g_ptr_array_add (ops, pb_delete_op (i + 1, g_ptr_array_index (ids, i)));
      results = pb_delete (remote (alice), scope, ops, &error);
      g_assert_no_error (error);
      g_assert_cmpint (just_sync_push_result_get_status (g_ptr_array_index (results, 0)), ==,
                       JUST_SYNC_PUSH_WRITTEN);
      reply = just_sync_push_result_get_reply (g_ptr_array_index (results, 0));
      g_assert_true (just_sync_record_is_deleted (reply));
      g_assert_cmpint (ABS (just_sync_record_get_deleted_at (reply) - g_get_real_time ()), <, 10 * G_USEC_PER_SEC);
      raw = admin_get ("hard_records", g_ptr_array_index (ids, i));
      g_assert_null (raw);
    }
  rows = fetch_all (alice, scope);
  g_assert_cmpuint (rows->len, ==, 1);
  g_assert_nonnull (just_sync_test_find_record (rows, g_ptr_array_index (ids, 2)));

  /* Mapped scopes: to a hard collection, and to a soft one. */
  just_sync_pocketbase_store_set_collection (alice, "plain", "hard_records", NULL);
  just_sync_pocketbase_store_set_collection (alice, "notes", "records", "deleted_at");
  {
    g_autoptr(GPtrArray) w1 = push_ok (alice, mapped, mapped_ids, "{\"title\":\"mapped\"}");
    g_autoptr(GPtrArray) w2 = push_ok (alice, notes, note_ids, "{\"title\":\"note\"}");
    g_autoptr(GPtrArray) ops1 = just_sync_test_ops_new ();
    g_autoptr(GPtrArray) ops2 = just_sync_test_ops_new ();
    g_autoptr(GPtrArray) r1 = NULL;
    g_autoptr(GPtrArray) r2 = NULL;
    g_autoptr(JsonObject) gone = NULL;
    g_autoptr(JsonObject) kept = NULL;

    g_ptr_array_add (ops1, pb_delete_op (1, g_ptr_array_index (mapped_ids, 0)));
    g_ptr_array_add (ops2, pb_delete_op (2, g_ptr_array_index (note_ids, 0)));
    r1 = pb_delete (remote (alice), mapped, ops1, &error);
    g_assert_no_error (error);
    r2 = pb_delete (remote (alice), notes, ops2, &error);
    g_assert_no_error (error);
    g_assert_cmpint (just_sync_push_result_get_status (g_ptr_array_index (r1, 0)), ==, JUST_SYNC_PUSH_WRITTEN);
    g_assert_cmpint (just_sync_push_result_get_status (g_ptr_array_index (r2, 0)), ==, JUST_SYNC_PUSH_WRITTEN);
    gone = admin_get ("hard_records", g_ptr_array_index (mapped_ids, 0));
    g_assert_null (gone);
    kept = admin_get ("records", g_ptr_array_index (note_ids, 0));
    g_assert_cmpstr (json_object_get_string_member (kept, "deleted_at"), !=, "");
    g_assert_cmpstr (json_object_get_string_member (kept, "tag"), ==, "soft2");
  }
}

static char *
long_title_json (void)
{
  g_autofree char *title = g_strnfill (5001, 'x');

  return g_strdup_printf ("{\"title\":\"%s\"}", title);
}

/* One failing request rolls a whole batch back: the store reports it and
 * sends the others again. */
static void
test_batch_rejections (void)
{
  g_autoptr(JustSyncPocketbaseStore) alice = store_for ("ALICE");
  g_autoptr(JustSyncPocketbaseStore) bob = store_for ("BOB");
  g_autoptr(JustSyncScope) scope = pb_user_scope ("records", "ALICE", "reject");
  g_autoptr(JustSyncScope) bob_scope = pb_user_scope ("records", "BOB", "reject");
  g_autoptr(GPtrArray) ids = new_ids (alice, 4);
  g_autoptr(GPtrArray) ops = just_sync_test_ops_new ();
  g_autoptr(GPtrArray) results = NULL;
  g_autoptr(GPtrArray) bob_ops = just_sync_test_ops_new ();
  g_autoptr(GPtrArray) bob_results = NULL;
  g_autoptr(GPtrArray) rows = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *too_long = long_title_json ();
  g_autofree char *contradiction = g_strdup_printf ("{\"owner\":\"%s\"}", pb_env ("JUSTSYNC_PB_BOB_ID"));

  g_ptr_array_add (ops, pb_upsert_op (1, g_ptr_array_index (ids, 0), "{\"title\":\"fine 1\"}", NULL));
  g_ptr_array_add (ops, pb_upsert_op (2, g_ptr_array_index (ids, 1), too_long, NULL));
  g_ptr_array_add (ops, pb_upsert_op (3, g_ptr_array_index (ids, 2), "{\"title\":\"fine 2\"}", NULL));
  g_ptr_array_add (ops, pb_upsert_op (4, "BAD", "{\"title\":\"bad id\"}", NULL));
  g_ptr_array_add (ops, pb_upsert_op (5, g_ptr_array_index (ids, 3), contradiction, NULL));
  results = pb_upsert (remote (alice), scope, ops, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (results->len, ==, 5);
  assert_status (results, g_ptr_array_index (ids, 0), JUST_SYNC_PUSH_WRITTEN, NULL);
  assert_status (results, g_ptr_array_index (ids, 1), JUST_SYNC_PUSH_REJECTED, "title: Must be no more than 5000");
  assert_status (results, g_ptr_array_index (ids, 2), JUST_SYNC_PUSH_WRITTEN, NULL);
  assert_status (results, "BAD", JUST_SYNC_PUSH_REJECTED, "id: ");
  assert_status (results, g_ptr_array_index (ids, 3), JUST_SYNC_PUSH_REJECTED, "key of the scope");

  rows = fetch_all (alice, scope);
  g_assert_cmpuint (rows->len, ==, 2);

  /* bob cannot take alice's row by its id: the rule hides it (404). */
  g_ptr_array_add (bob_ops, pb_upsert_op (1, g_ptr_array_index (ids, 0), "{\"title\":\"bob was here\"}", NULL));
  bob_results = pb_upsert (remote (bob), bob_scope, bob_ops, &error);
  g_assert_no_error (error);
  assert_status (bob_results, g_ptr_array_index (ids, 0), JUST_SYNC_PUSH_REJECTED, NULL);
  g_clear_pointer (&rows, g_ptr_array_unref);
  rows = fetch_all (alice, scope);
  g_assert_cmpstr (title_of (rows, g_ptr_array_index (ids, 0)), ==, "fine 1");
}

/* A batch size above the server's maxRequests (50) is learned down. */
static void
test_batch_limit (void)
{
  g_autoptr(JustSyncPocketbaseStore) alice = store_for ("ALICE");
  g_autoptr(JustSyncScope) scope = pb_user_scope ("records", "ALICE", "limit");
  g_autoptr(GPtrArray) ids = new_ids (alice, 120);
  g_autoptr(GPtrArray) results = NULL;
  g_autoptr(GPtrArray) rows = NULL;

  just_sync_pocketbase_store_set_batch_size (alice, 80);
  results = push_ok (alice, scope, ids, "{\"title\":\"many\"}");
  rows = fetch_all (alice, scope);
  g_assert_cmpuint (rows->len, ==, 120);
}

/* PocketBase's default: no batch API. Records go one by one. */
static void
test_batch_disabled (void)
{
  g_autoptr(JustSyncPocketbaseStore) alice = store_for ("ALICE");
  g_autoptr(JustSyncScope) scope = pb_user_scope ("records", "ALICE", "nobatch");
  g_autoptr(GPtrArray) ids = new_ids (alice, 5);
  g_autoptr(GPtrArray) ops = just_sync_test_ops_new ();
  g_autoptr(GPtrArray) second = just_sync_test_ops_new ();
  g_autoptr(GPtrArray) deletes = just_sync_test_ops_new ();
  g_autoptr(GPtrArray) results = NULL;
  g_autoptr(GPtrArray) results2 = NULL;
  g_autoptr(GPtrArray) deleted = NULL;
  g_autoptr(GPtrArray) rows = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *too_long = long_title_json ();
  g_autofree char *missing = new_id (alice);
  g_autofree char *version = NULL;
  JustSyncRecord *removed;

  set_batch_enabled (FALSE);

  g_ptr_array_add (ops, pb_upsert_op (1, g_ptr_array_index (ids, 0), "{\"title\":\"new a\"}", NULL));
  g_ptr_array_add (ops, pb_upsert_op (2, g_ptr_array_index (ids, 1), "{\"title\":\"new b\"}", NULL));
  g_ptr_array_add (ops, pb_upsert_op (3, g_ptr_array_index (ids, 2), too_long, NULL));
  results = pb_upsert (remote (alice), scope, ops, &error);
  g_assert_no_error (error);
  assert_status (results, g_ptr_array_index (ids, 0), JUST_SYNC_PUSH_WRITTEN, NULL);
  assert_status (results, g_ptr_array_index (ids, 1), JUST_SYNC_PUSH_WRITTEN, NULL);
  assert_status (results, g_ptr_array_index (ids, 2), JUST_SYNC_PUSH_REJECTED, "title");

  version = just_sync_record_dup_version (just_sync_push_result_get_reply (pb_find_result (results, g_ptr_array_index (ids, 0))));
  /* An update of a row the server has (PATCH), one with a base the server
   * lost (PATCH 404, then POST), and one without a base that exists (POST
   * not unique, then PATCH). */
  g_ptr_array_add (second, pb_upsert_op (4, g_ptr_array_index (ids, 0), "{\"title\":\"a v2\"}", version));
  g_ptr_array_add (second, pb_upsert_op (5, g_ptr_array_index (ids, 3), "{\"title\":\"lost\"}", version));
  g_ptr_array_add (second, pb_upsert_op (6, g_ptr_array_index (ids, 1), "{\"title\":\"b v2\"}", NULL));
  results2 = pb_upsert (remote (alice), scope, second, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < results2->len; i++)
    g_assert_cmpint (just_sync_push_result_get_status (g_ptr_array_index (results2, i)), ==, JUST_SYNC_PUSH_WRITTEN);

  g_ptr_array_add (deletes, pb_delete_op (7, g_ptr_array_index (ids, 1)));
  g_ptr_array_add (deletes, pb_delete_op (8, missing));
  deleted = pb_delete (remote (alice), scope, deletes, &error);
  g_assert_no_error (error);
  assert_status (deleted, g_ptr_array_index (ids, 1), JUST_SYNC_PUSH_WRITTEN, NULL);
  assert_status (deleted, missing, JUST_SYNC_PUSH_WRITTEN, NULL);

  set_batch_enabled (TRUE);

  rows = fetch_all (alice, scope);
  g_assert_cmpuint (rows->len, ==, 3);
  g_assert_cmpstr (title_of (rows, g_ptr_array_index (ids, 0)), ==, "a v2");
  g_assert_cmpstr (title_of (rows, g_ptr_array_index (ids, 3)), ==, "lost");
  removed = just_sync_test_find_record (rows, g_ptr_array_index (ids, 1));
  g_assert_nonnull (removed);
  g_assert_true (just_sync_record_is_deleted (removed));
}

static void
changed_cb (JustSyncRemoteStore *store,
            JustSyncScope       *scope,
            GPtrArray           *seen)
{
  g_ptr_array_add (seen, just_sync_scope_ref (scope));
}

static void
test_realtime (void)
{
  g_autoptr(JustSyncPocketbaseStore) watcher = store_for ("ALICE");
  g_autoptr(JustSyncPocketbaseStore) writer = store_for ("ALICE");
  g_autoptr(JustSyncPocketbaseStore) bob = store_for ("BOB");
  g_autoptr(JustSyncScope) scope = pb_user_scope ("records", "ALICE", "realtime");
  g_autoptr(JustSyncScope) other = pb_user_scope ("records", "ALICE", "realtime-other");
  g_autoptr(JustSyncScope) bob_scope = pb_user_scope ("records", "BOB", "realtime");
  g_autoptr(GPtrArray) seen = g_ptr_array_new_with_free_func ((GDestroyNotify) just_sync_scope_unref);
  g_autoptr(GPtrArray) ids1 = new_ids (writer, 1);
  g_autoptr(GPtrArray) ids2 = new_ids (writer, 1);
  g_autoptr(GPtrArray) ids3 = new_ids (bob, 1);
  g_autoptr(GPtrArray) ids4 = new_ids (writer, 1);
  g_autoptr(GPtrArray) w1 = NULL, w2 = NULL, w3 = NULL, w4 = NULL;

  g_signal_connect (watcher, "remote-changed", G_CALLBACK (changed_cb), seen);
  just_sync_remote_store_watch (remote (watcher), scope);
  /* Once connected and subscribed, the scope is reported once, to catch up
   * on what changed before the subscription was live. */
  g_assert_true (just_sync_test_wait_count (&seen->len, 1, 5000));
  g_assert_true (just_sync_scope_equal (g_ptr_array_index (seen, 0), scope));

  /* Rows of another tag, or another user's rows, are not this scope's. */
  w1 = push_ok (writer, other, ids1, "{\"title\":\"elsewhere\"}");
  w3 = push_ok (bob, bob_scope, ids3, "{\"title\":\"bob's\"}");
  just_sync_test_sleep (500);
  g_assert_cmpuint (seen->len, ==, 1);

  w2 = push_ok (writer, scope, ids2, "{\"title\":\"here\"}");
  g_assert_true (just_sync_test_wait_count (&seen->len, 2, 5000));
  g_assert_true (just_sync_scope_equal (g_ptr_array_index (seen, 1), scope));

  /* Unwatched: no more hints. */
  just_sync_remote_store_unwatch (remote (watcher), scope);
  w4 = push_ok (writer, scope, ids4, "{\"title\":\"unheard\"}");
  just_sync_test_sleep (500);
  g_assert_cmpuint (seen->len, ==, 2);
}

static void
test_server_time (void)
{
  g_autoptr(JustSyncPocketbaseStore) guest = just_sync_pocketbase_store_new (pb_env ("JUSTSYNC_PB_URL"));
  gboolean sub_second = FALSE;

  for (guint i = 0; i < 5; i++)
    {
      g_autoptr(GError) error = NULL;
      gint64 now = pb_server_time (remote (guest), &error);

      g_assert_no_error (error);
      g_assert_cmpint (ABS (now - g_get_real_time ()), <, 2 * G_USEC_PER_SEC);
      /* Milliseconds from /api/justsync/time, not the Date header's seconds. */
      g_assert_cmpint (now % 1000, ==, 0);
      sub_second |= now % G_USEC_PER_SEC != G_USEC_PER_SEC / 2;
      just_sync_test_sleep (3);
    }
  g_assert_true (sub_second);
}

/* Issue 12: a real PocketBase holding a record the library refuses (a JSON
 * field nested 66 levels: within a reply's 72-level envelope, deeper than
 * the 64 a payload may be). A pull reads the other records of its page,
 * a message names the refused one, the page's cursor moves past it when it
 * ends the page, and its fixed version reads as any other. */
static void
test_refused_record (void)
{
  g_autoptr(JustSyncPocketbaseStore) admin = store_for ("ADMIN");
  g_autoptr(JustSyncScope) scope = pb_scope ("deep_records");
  g_autofree char *open = g_strnfill (JUST_SYNC_JSON_MAX_DEPTH + 2, '[');
  g_autofree char *close = g_strnfill (JUST_SYNC_JSON_MAX_DEPTH + 2, ']');
  g_autofree char *deep_body = g_strdup_printf ("{\"data\":%s%s}", open, close);
  const char *ids[] = { "good1aaaaaaaaaa", "deep1aaaaaaaaaa", "good2aaaaaaaaaa", "deep2aaaaaaaaaa" };
  g_autoptr(JustSyncDelta) first = NULL, fixed = NULL;
  g_autoptr(JustSyncSyncPoint) cursor = NULL;
  g_autoptr(JsonNode) collection = NULL;
  g_autoptr(GError) error = NULL;
  GPtrArray *records;
  guint status;

  /* A collection with a JSON field, for superusers only. */
  collection = admin_request ("POST", "/api/collections",
                              "{\"name\":\"deep_records\",\"type\":\"base\",\"fields\":["
                              "{\"name\":\"data\",\"type\":\"json\",\"maxSize\":100000},"
                              "{\"name\":\"created\",\"type\":\"autodate\",\"onCreate\":true,\"onUpdate\":false},"
                              "{\"name\":\"updated\",\"type\":\"autodate\",\"onCreate\":true,\"onUpdate\":true}]}",
                              &status);
  g_assert_cmpuint (status, ==, 200);
  for (guint i = 0; i < G_N_ELEMENTS (ids); i++)
    {
      g_autofree char *body = NULL;
      g_autoptr(JsonNode) created = NULL;

      if (g_str_has_prefix (ids[i], "deep"))
        body = g_strdup_printf ("{\"id\":\"%s\",%s", ids[i], deep_body + 1);
      else
        body = g_strdup_printf ("{\"id\":\"%s\",\"data\":{\"n\":%u}}", ids[i], i);
      created = admin_request ("POST", "/api/collections/deep_records/records", body, &status);
      g_assert_cmpuint (status, ==, 200);
      /* Distinct `updated` times, in this order. */
      just_sync_test_sleep (5);
    }

  g_test_expect_message ("JustSync", G_LOG_LEVEL_MESSAGE,
                         "PocketBase collection “deep_records”: the record “deep1aaaaaaaaaa” is refused*"
                         "more than 64 levels deep");
  g_test_expect_message ("JustSync", G_LOG_LEVEL_MESSAGE,
                         "PocketBase collection “deep_records”: the record “deep2aaaaaaaaaa” is refused*");
  first = pb_fetch (remote (admin), scope, NULL, 100, &error);
  g_test_assert_expected_messages ();
  g_assert_no_error (error);
  records = just_sync_delta_get_records (first);
  g_assert_cmpuint (records->len, ==, 2);
  g_assert_cmpstr (just_sync_record_get_id (g_ptr_array_index (records, 0)), ==, "good1aaaaaaaaaa");
  g_assert_cmpstr (just_sync_record_get_id (g_ptr_array_index (records, 1)), ==, "good2aaaaaaaaaa");
  cursor = just_sync_delta_dup_cursor (first);
  g_assert_cmpstr (just_sync_sync_point_get_last_id (cursor), ==, "deep2aaaaaaaaaa");

  /* Fixed on the server: the next pull from the cursor reads it. */
  g_clear_pointer (&collection, json_node_unref);
  collection = admin_request ("PATCH", "/api/collections/deep_records/records/deep2aaaaaaaaaa",
                              "{\"data\":{\"fixed\":true}}", &status);
  g_assert_cmpuint (status, ==, 200);
  fixed = pb_fetch (remote (admin), scope, cursor, 100, &error);
  g_assert_no_error (error);
  records = just_sync_delta_get_records (fixed);
  g_assert_cmpuint (records->len, ==, 1);
  g_assert_cmpstr (just_sync_record_get_id (g_ptr_array_index (records, 0)), ==, "deep2aaaaaaaaaa");
  g_assert_true (json_object_get_boolean_member (json_object_get_object_member (
                   just_sync_record_get_payload (g_ptr_array_index (records, 0)), "data"), "fixed"));
}

/* --- fault injection: a proxy between the store and PocketBase --------- */

typedef struct
{
  HttpTestProxy *proxy;
  JustSyncPocketbaseStore *store;   /* alice, through the proxy */
  JustSyncPocketbaseStore *direct;  /* alice, straight to the server */
  JustSyncScope *scope;
} Faults;

static void
faults_setup (Faults        *fixture,
              gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JustSyncDelta) delta = NULL;

  fixture->proxy = http_test_proxy_new (pb_env ("JUSTSYNC_PB_URL"));
  fixture->store = pb_store_new (http_test_proxy_get_url (fixture->proxy), "ALICE");
  fixture->direct = store_for ("ALICE");
  fixture->scope = pb_user_scope ("records", "ALICE", data);
  /* Log in through the proxy before any fault. */
  delta = pb_fetch (remote (fixture->store), fixture->scope, NULL, 10, &error);
  g_assert_no_error (error);
}

static void
faults_teardown (Faults        *fixture,
                 gconstpointer  data)
{
  g_clear_object (&fixture->store);
  g_clear_object (&fixture->direct);
  g_clear_pointer (&fixture->scope, just_sync_scope_unref);
  g_clear_pointer (&fixture->proxy, http_test_proxy_free);
}

static GPtrArray *
upsert_ops (GPtrArray  *ids,
            const char *json)
{
  GPtrArray *ops = just_sync_test_ops_new ();

  for (guint i = 0; i < ids->len; i++)
    g_ptr_array_add (ops, pb_upsert_op (i + 1, g_ptr_array_index (ids, i), json, NULL));
  return ops;
}

static void
assert_fetch_fails (Faults        *fixture,
                    JustSyncError  code)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JustSyncDelta) delta = pb_fetch (remote (fixture->store), fixture->scope, NULL, 100, &error);

  g_assert_null (delta);
  g_assert_error (error, JUST_SYNC_ERROR, (int) code);
  g_assert_true (just_sync_error_is_transient (error));
}

static void
test_fault_server_error (Faults        *fixture,
                         gconstpointer  data)
{
  g_autoptr(GPtrArray) ids = new_ids (fixture->store, 3);
  g_autoptr(GPtrArray) ops = upsert_ops (ids, "{\"title\":\"503\"}");
  g_autoptr(GPtrArray) results = NULL;
  g_autoptr(GPtrArray) rows = NULL;
  g_autoptr(GError) error = NULL;

  http_test_proxy_set_fault (fixture->proxy, HTTP_TEST_FAULT_STATUS, 1, "/api/collections/records",
                             500, NULL, 0);
  assert_fetch_fails (fixture, JUST_SYNC_ERROR_SERVER);

  /* 429 with Retry-After: every op waits as long as the server asked. */
  http_test_proxy_set_fault (fixture->proxy, HTTP_TEST_FAULT_STATUS, 1, "/api/batch", 429, "3", 0);
  results = pb_upsert (remote (fixture->store), fixture->scope, ops, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (results->len, ==, 3);
  for (guint i = 0; i < results->len; i++)
    {
      JustSyncPushResult *result = g_ptr_array_index (results, i);

      g_assert_cmpint (just_sync_push_result_get_status (result), ==, JUST_SYNC_PUSH_RETRY);
      g_assert_cmpint (just_sync_push_result_get_retry_after (result), ==, 3 * G_USEC_PER_SEC);
    }
  rows = fetch_all (fixture->direct, fixture->scope);
  g_assert_cmpuint (rows->len, ==, 0);
}

static void
test_fault_partial_push (Faults        *fixture,
                         gconstpointer  data)
{
  g_autoptr(GPtrArray) ids = new_ids (fixture->store, 120);
  g_autoptr(GPtrArray) ops = upsert_ops (ids, "{\"title\":\"partial\"}");
  g_autoptr(GPtrArray) results = NULL;
  g_autoptr(GPtrArray) rows = NULL;
  g_autoptr(GError) error = NULL;
  guint written = 0, retry = 0;

  /* The first batch of 50 goes through, the second meets a 503. */
  http_test_proxy_set_fault (fixture->proxy, HTTP_TEST_FAULT_STATUS, 1, "/api/batch", 503, "1", 0);
  http_test_proxy_skip (fixture->proxy, 1);
  results = pb_upsert (remote (fixture->store), fixture->scope, ops, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (results->len, ==, 120);
  for (guint i = 0; i < results->len; i++)
    {
      JustSyncPushStatus status = just_sync_push_result_get_status (g_ptr_array_index (results, i));

      written += status == JUST_SYNC_PUSH_WRITTEN;
      retry += status == JUST_SYNC_PUSH_RETRY;
    }
  g_assert_cmpuint (written, ==, 50);
  g_assert_cmpuint (retry, ==, 70);
  rows = fetch_all (fixture->direct, fixture->scope);
  g_assert_cmpuint (rows->len, ==, 50);
}

static void
test_fault_dropped (Faults        *fixture,
                    gconstpointer  data)
{
  g_autoptr(GPtrArray) ids = new_ids (fixture->store, 3);
  g_autoptr(GPtrArray) ops = upsert_ops (ids, "{\"title\":\"dropped\"}");
  g_autoptr(GPtrArray) results = NULL;
  g_autoptr(GPtrArray) rows = NULL;
  g_autoptr(GError) error = NULL;

  http_test_proxy_set_fault (fixture->proxy, HTTP_TEST_FAULT_DROP, 1, "/api/collections/records", 0, NULL, 0);
  assert_fetch_fails (fixture, JUST_SYNC_ERROR_NETWORK);

  /* Nothing reached the server: the call fails as a whole, transiently. */
  http_test_proxy_set_fault (fixture->proxy, HTTP_TEST_FAULT_DROP, 1, "/api/batch", 0, NULL, 0);
  results = pb_upsert (remote (fixture->store), fixture->scope, ops, &error);
  g_assert_null (results);
  g_assert_error (error, JUST_SYNC_ERROR, JUST_SYNC_ERROR_NETWORK);
  g_assert_true (just_sync_error_is_transient (error));
  rows = fetch_all (fixture->direct, fixture->scope);
  g_assert_cmpuint (rows->len, ==, 0);
}

/* The server wrote, the reply was lost: pushing again is harmless. */
static void
test_fault_lost_reply (Faults        *fixture,
                       gconstpointer  data)
{
  g_autoptr(GPtrArray) ids = new_ids (fixture->store, 5);
  g_autoptr(GPtrArray) ops = upsert_ops (ids, "{\"title\":\"lost reply\",\"n\":7}");
  g_autoptr(GPtrArray) results = NULL;
  g_autoptr(GPtrArray) before = NULL;
  g_autoptr(GPtrArray) after = NULL;
  g_autoptr(GError) error = NULL;

  http_test_proxy_set_fault (fixture->proxy, HTTP_TEST_FAULT_LOSE_REPLY, 1, "/api/batch", 0, NULL, 0);
  results = pb_upsert (remote (fixture->store), fixture->scope, ops, &error);
  g_assert_null (results);
  g_assert_error (error, JUST_SYNC_ERROR, JUST_SYNC_ERROR_NETWORK);
  g_clear_error (&error);
  before = fetch_all (fixture->direct, fixture->scope);
  g_assert_cmpuint (before->len, ==, 5);

  results = pb_upsert (remote (fixture->store), fixture->scope, ops, &error);
  g_assert_no_error (error);
  after = fetch_all (fixture->direct, fixture->scope);
  g_assert_cmpuint (after->len, ==, 5);
  for (guint i = 0; i < results->len; i++)
    {
      JustSyncPushResult *result = g_ptr_array_index (results, i);
      JustSyncRecord *pulled =
        just_sync_test_find_record (after, just_sync_push_result_get_record_id (result));
      JustSyncRecord *first =
        just_sync_test_find_record (before, just_sync_push_result_get_record_id (result));

      g_assert_cmpint (just_sync_push_result_get_status (result), ==, JUST_SYNC_PUSH_WRITTEN);
      g_assert_true (just_sync_record_equal (pulled, just_sync_push_result_get_reply (result)));
      /* Same content as the first, lost, write. */
      g_assert_cmpstr (just_sync_record_get_content_hash (pulled), ==, just_sync_record_get_content_hash (first));
    }
}

static void
test_fault_truncated (Faults        *fixture,
                      gconstpointer  data)
{
  g_autoptr(GPtrArray) ids = new_ids (fixture->store, 20);
  g_autoptr(GPtrArray) written = push_ok (fixture->store, fixture->scope, ids, "{\"title\":\"a page long enough to cut\"}");
  g_autoptr(GPtrArray) rows = NULL;

  http_test_proxy_set_fault (fixture->proxy, HTTP_TEST_FAULT_TRUNCATE, 1, "/api/collections/records", 0, NULL, 0);
  assert_fetch_fails (fixture, JUST_SYNC_ERROR_NETWORK);
  rows = fetch_all (fixture->store, fixture->scope);
  g_assert_cmpuint (rows->len, ==, 20);
}

static void
test_fault_slow (Faults        *fixture,
                 gconstpointer  data)
{
  g_autoptr(GPtrArray) rows = NULL;
  gint64 start;

  just_sync_pocketbase_store_set_timeout (fixture->store, 1);
  http_test_proxy_set_fault (fixture->proxy, HTTP_TEST_FAULT_DELAY, 1, "/api/collections/records", 0, NULL, 2500);
  start = g_get_monotonic_time ();
  assert_fetch_fails (fixture, JUST_SYNC_ERROR_NETWORK);
  g_assert_cmpint (g_get_monotonic_time () - start, <, 2 * G_USEC_PER_SEC);

  /* A delay within the limit is only a delay. */
  just_sync_pocketbase_store_set_timeout (fixture->store, 5);
  http_test_proxy_set_fault (fixture->proxy, HTTP_TEST_FAULT_DELAY, 1, "/api/collections/records", 0, NULL, 300);
  rows = fetch_all (fixture->store, fixture->scope);
  g_assert_cmpuint (rows->len, ==, 0);
}

static void
test_fault_refused_token (Faults        *fixture,
                          gconstpointer  data)
{
  g_autoptr(JustSyncPocketbaseStore) fixed = just_sync_pocketbase_store_new (http_test_proxy_get_url (fixture->proxy));
  g_autoptr(GPtrArray) rows = NULL;
  g_autoptr(JustSyncDelta) delta = NULL;
  g_autoptr(GError) error = NULL;
  const char *login = "/api/collections/users/auth-with-password";
  guint logins = http_test_proxy_count_forwarded (fixture->proxy, login);

  /* A 401 makes the store log in again, once, and retry. */
  http_test_proxy_set_fault (fixture->proxy, HTTP_TEST_FAULT_STATUS, 1, "/api/collections/records", 401, NULL, 0);
  rows = fetch_all (fixture->store, fixture->scope);
  g_assert_cmpuint (rows->len, ==, 0);
  g_assert_cmpuint (http_test_proxy_count_forwarded (fixture->proxy, login), ==, logins + 1);

  /* Twice in a row is an answer. */
  http_test_proxy_set_fault (fixture->proxy, HTTP_TEST_FAULT_STATUS, 2, "/api/collections/records", 401, NULL, 0);
  delta = pb_fetch (remote (fixture->store), fixture->scope, NULL, 10, &error);
  g_assert_null (delta);
  g_assert_error (error, JUST_SYNC_ERROR, JUST_SYNC_ERROR_AUTH);
  g_clear_error (&error);

  /* Without credentials there is nobody to log in as. */
  just_sync_pocketbase_store_set_token (fixed, just_sync_pocketbase_store_get_token (fixture->store));
  http_test_proxy_set_fault (fixture->proxy, HTTP_TEST_FAULT_STATUS, 1, "/api/collections/records", 401, NULL, 0);
  delta = pb_fetch (remote (fixed), fixture->scope, NULL, 10, &error);
  g_assert_null (delta);
  g_assert_error (error, JUST_SYNC_ERROR, JUST_SYNC_ERROR_AUTH);
}

/* --- the store contract ------------------------------------------------ */

/* A superuser: the contract's scopes differ only in `tag`, which no rule of
 * the harness's collections enforces, so its scoping case checks the
 * store's own guard. PocketBase's clock cannot be stopped. */
static JustSyncRemoteStore *
new_contract_store (gpointer user_data)
{
  return JUST_SYNC_REMOTE_STORE (store_for ("ADMIN"));
}

static const JustSyncTestRemoteStoreContract soft_contract = {
  .scope_name = "records",
  .scope_key = "tag",
  .new_store = new_contract_store,
};

/* Hard deletes: `hard_records` has no deleted_at. */
static const JustSyncTestRemoteStoreContract hard_contract = {
  .scope_name = "hard_records",
  .scope_key = "tag",
  .new_store = new_contract_store,
};

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  just_sync_test_add_remote_store_contract ("/pocketbase/soft-deletes", &soft_contract);
  just_sync_test_add_remote_store_contract ("/pocketbase/hard-deletes", &hard_contract);

  g_test_add_func ("/pocketbase/roundtrip", test_roundtrip);
  g_test_add_func ("/pocketbase/scope-isolation", test_scope_isolation);
  g_test_add_func ("/pocketbase/scope-keys-filter", test_scope_keys_filter);
  g_test_add_func ("/pocketbase/scope-key-escaping", test_scope_key_escaping);
  g_test_add_func ("/pocketbase/scope-crossing-writes", test_scope_crossing_writes);
  g_test_add_func ("/pocketbase/keyset-ties", test_keyset_ties);
  g_test_add_func ("/pocketbase/paging-5000", test_paging_5000);
  g_test_add_func ("/pocketbase/token-expiry", test_token_expiry);
  g_test_add_func ("/pocketbase/soft-delete", test_soft_delete);
  g_test_add_func ("/pocketbase/hard-delete", test_hard_delete);
  g_test_add_func ("/pocketbase/batch-rejections", test_batch_rejections);
  g_test_add_func ("/pocketbase/batch-limit", test_batch_limit);
  g_test_add_func ("/pocketbase/batch-disabled", test_batch_disabled);
  g_test_add_func ("/pocketbase/realtime", test_realtime);
  g_test_add_func ("/pocketbase/server-time", test_server_time);
  g_test_add_func ("/pocketbase/refused-record", test_refused_record);

#define FAULT(name, func) \
  g_test_add ("/pocketbase/fault/" name, Faults, "fault-" name, faults_setup, func, faults_teardown)

  FAULT ("server-error", test_fault_server_error);
  FAULT ("partial-push", test_fault_partial_push);
  FAULT ("dropped", test_fault_dropped);
  FAULT ("lost-reply", test_fault_lost_reply);
  FAULT ("truncated", test_fault_truncated);
  FAULT ("slow", test_fault_slow);
  FAULT ("refused-token", test_fault_refused_token);

#undef FAULT

  return g_test_run ();
}
