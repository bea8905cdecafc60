/* test-pocketbase-codec.c: PocketBase's JSON, filters and errors, with no server
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <string.h>

#include "justsync-json-private.h"
#include "justsync-pocketbase-private.h"
#include "justsync-test-util.h"

/* 2006-01-02T15:04:05Z */
#define REF G_GINT64_CONSTANT (1136214245000000)

static JsonNode *
parse (const char *json)
{
  g_autoptr(GError) error = NULL;
  JsonNode *node = json_from_string (json, &error);

  g_assert_no_error (error);
  return node;
}

static char *
to_json (JsonNode *node)
{
  return json_to_string (node, FALSE);
}

static void
test_format_time (void)
{
  g_autofree char *ref = _just_sync_pb_format_time (REF + 123456);
  g_autofree char *epoch = _just_sync_pb_format_time (0);
  g_autofree char *max = _just_sync_pb_format_time (JUST_SYNC_TIMESTAMP_MAX);

  g_assert_cmpstr (ref, ==, "2006-01-02 15:04:05.123Z");
  g_assert_cmpstr (epoch, ==, "1970-01-01 00:00:00.000Z");
  g_assert_cmpstr (max, ==, "9999-12-31 23:59:59.999Z");
}

/* PocketBase's layout reads back, truncated to the millisecond. */
static void
test_format_time_round_trip (void)
{
  gint64 samples[200] = { 0, 1, 999, 1000, REF, REF + 999999, JUST_SYNC_TIMESTAMP_MAX,
                          G_GINT64_CONSTANT (951782400000000) /* 2000-02-29 */ };

  for (guint i = 8; i < G_N_ELEMENTS (samples); i++)
    samples[i] = (gint64) (g_test_rand_double () * (double) JUST_SYNC_TIMESTAMP_MAX);

  for (guint i = 0; i < G_N_ELEMENTS (samples); i++)
    {
      g_autofree char *text = _just_sync_pb_format_time (samples[i]);
      g_autoptr(GError) error = NULL;
      gint64 usec = -1;

      g_assert_cmpuint (strlen (text), ==, 24);
      g_assert_true (just_sync_timestamp_parse (text, &usec, &error));
      g_assert_no_error (error);
      g_assert_cmpint (usec, ==, samples[i] / 1000 * 1000);
    }
}

/* Issue 14: `updated >= T && (updated > T || id > I)` lets SQLite seek the
 * index; `(updated > T || (updated = T && id > I))` scanned all of it. */
static void
test_pull_filter (void)
{
  g_autoptr(JustSyncScope) all = just_sync_scope_parse ("records", NULL);
  g_autoptr(JustSyncScope) owned = just_sync_scope_parse ("records?owner=u%22%5C1", NULL);
  g_autoptr(JustSyncSyncPoint) since = just_sync_sync_point_new (REF + 46999, "abc");
  g_autofree char *none = _just_sync_pb_pull_filter (all, NULL);
  g_autofree char *keys_only = _just_sync_pb_pull_filter (owned, NULL);
  g_autofree char *keyset = _just_sync_pb_pull_filter (all, since);
  g_autofree char *both = _just_sync_pb_pull_filter (owned, since);

  g_assert_cmpstr (none, ==, "");
  g_assert_cmpstr (keys_only, ==, "owner = \"u\\\"\\\\1\"");
  g_assert_cmpstr (keyset, ==,
                   "updated >= \"2006-01-02 15:04:05.046Z\" && "
                   "(updated > \"2006-01-02 15:04:05.046Z\" || id > \"abc\")");
  g_assert_cmpstr (both, ==,
                   "owner = \"u\\\"\\\\1\" && "
                   "updated >= \"2006-01-02 15:04:05.046Z\" && "
                   "(updated > \"2006-01-02 15:04:05.046Z\" || id > \"abc\")");
}

static void
test_queries (void)
{
  g_autoptr(JustSyncScope) scope = just_sync_scope_parse ("records?owner=u1&tag=t", NULL);
  const char * const ids[] = { "aaa", "b\"b" };
  g_autofree char *pull = _just_sync_pb_pull_query (scope, NULL, 300);
  g_autofree char *lookup = _just_sync_pb_ids_query (scope, ids, G_N_ELEMENTS (ids));
  g_autoptr(GHashTable) pull_form = soup_form_decode (pull);
  g_autoptr(GHashTable) lookup_form = soup_form_decode (lookup);
  g_autofree char *path = _just_sync_pb_records_path ("my notes", "a/b");

  g_assert_cmpstr (g_hash_table_lookup (pull_form, "filter"), ==, "owner = \"u1\" && tag = \"t\"");
  g_assert_cmpstr (g_hash_table_lookup (pull_form, "sort"), ==, "updated,id");
  g_assert_cmpstr (g_hash_table_lookup (pull_form, "skipTotal"), ==, "1");
  g_assert_cmpstr (g_hash_table_lookup (pull_form, "perPage"), ==, "300");

  g_assert_cmpstr (g_hash_table_lookup (lookup_form, "filter"), ==, "id = \"aaa\" || id = \"b\\\"b\"");
  g_assert_cmpstr (g_hash_table_lookup (lookup_form, "fields"), ==, "id,owner,tag");
  g_assert_cmpstr (g_hash_table_lookup (lookup_form, "perPage"), ==, "2");

  g_assert_cmpstr (path, ==, "/api/collections/my%20notes/records/a%2Fb");
}

static void
test_check_scope (void)
{
  g_autoptr(JustSyncScope) good = just_sync_scope_parse ("records?owner=x&_tag2=y", NULL);
  g_autoptr(JustSyncScope) bad = just_sync_scope_parse ("records?a%20b=1", NULL);
  g_autoptr(GError) error = NULL;

  g_assert_true (_just_sync_pb_check_scope (good, &error));
  g_assert_no_error (error);
  g_assert_false (_just_sync_pb_check_scope (bad, &error));
  g_assert_error (error, JUST_SYNC_ERROR, JUST_SYNC_ERROR_INVALID_ARGUMENT);
  g_assert_false (_just_sync_pb_is_field_name ("1st"));
  g_assert_false (_just_sync_pb_is_field_name ("a.b"));
}

static void
test_record_from_json (void)
{
  JustSyncPbTarget target = { (char *) "records", (char *) "deleted_at" };
  JustSyncPbTarget hard = { (char *) "records", NULL };
  g_autoptr(JustSyncScope) scope = just_sync_scope_parse ("records?owner=u1", NULL);
  g_autoptr(JsonNode) live_json = parse ("{\"collectionId\":\"pbc_1\",\"collectionName\":\"records\","
                                         "\"created\":\"2006-01-02 15:04:05.000Z\",\"deleted_at\":\"\","
                                         "\"id\":\"aaa\",\"owner\":\"u1\",\"title\":\"a\",\"n\":1,"
                                         "\"updated\":\"2006-01-02 15:04:05.046Z\",\"expand\":{}}");
  g_autoptr(JsonNode) dead_json = parse ("{\"id\":\"bbb\",\"owner\":\"u1\",\"title\":\"b\","
                                         "\"deleted_at\":\"2006-01-02 15:04:06.500Z\","
                                         "\"updated\":\"2006-01-02 15:04:06.512Z\"}");
  g_autoptr(JustSyncRecord) live = NULL;
  g_autoptr(JustSyncRecord) dead = NULL;
  g_autoptr(JustSyncRecord) hard_record = NULL;
  g_autofree char *payload = NULL;
  g_autofree char *hard_payload = NULL;
  g_autoptr(GError) error = NULL;
  gboolean has_field = FALSE;

  live = _just_sync_pb_record_from_json (&target, scope, live_json, &has_field, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (has_field);
  g_assert_cmpstr (just_sync_record_get_id (live), ==, "aaa");
  g_assert_cmpint (just_sync_record_get_updated_at (live), ==, REF + 46000);
  g_assert_false (just_sync_record_is_deleted (live));
  payload = just_sync_record_dup_payload_data (live);
  /* System fields, the soft-delete field and the scope key are gone, in the server's order. */
  g_assert_cmpstr (payload, ==, "{\"title\":\"a\",\"n\":1}");

  dead = _just_sync_pb_record_from_json (&target, scope, dead_json, &has_field, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (just_sync_record_get_deleted_at (dead), ==, REF + 1500000);

  /* A collection without the field: the member is payload, deletes are hard. */
  hard_record = _just_sync_pb_record_from_json (&hard, scope, dead_json, &has_field, NULL, &error);
  g_assert_no_error (error);
  g_assert_false (has_field);
  g_assert_false (just_sync_record_is_deleted (hard_record));
  hard_payload = just_sync_record_dup_payload_data (hard_record);
  g_assert_cmpstr (hard_payload, ==, "{\"title\":\"b\",\"deleted_at\":\"2006-01-02 15:04:06.500Z\"}");
}

static void
assert_record_fails (const char *json,
                     const char *fragment)
{
  JustSyncPbTarget target = { (char *) "records", (char *) "deleted_at" };
  g_autoptr(JustSyncScope) scope = just_sync_scope_parse ("records", NULL);
  g_autoptr(JsonNode) node = parse (json);
  g_autoptr(JustSyncRecord) record = NULL;
  g_autoptr(GError) error = NULL;
  gboolean has_field;

  record = _just_sync_pb_record_from_json (&target, scope, node, &has_field, NULL, &error);
  g_assert_null (record);
  g_assert_error (error, JUST_SYNC_ERROR, JUST_SYNC_ERROR_SERVER);
  g_assert_nonnull (strstr (error->message, fragment));
}

static void
test_record_errors (void)
{
  assert_record_fails ("[]", "without an id");
  assert_record_fails ("{\"updated\":\"2006-01-02 15:04:05.000Z\"}", "without an id");
  assert_record_fails ("{\"id\":\"a\"}", "no “updated” autodate field");
  assert_record_fails ("{\"id\":\"a\",\"updated\":\"yesterday\"}", "bad “updated” time");
  assert_record_fails ("{\"id\":\"a\",\"updated\":\"2006-01-02 15:04:05.000Z\",\"deleted_at\":\"soon\"}",
                       "bad “deleted_at” time");
}

static void
test_upsert_body (void)
{
  g_autoptr(JustSyncScope) scope = just_sync_scope_parse ("records?owner=u1", NULL);
  g_autoptr(JustSyncRecord) record = just_sync_test_record ("aaa", "{\"title\":\"x\",\"updated\":\"no\","
                                                                "\"owner\":\"u1\",\"deleted_at\":\"x\"}", 1);
  g_autoptr(JustSyncRecord) foreign = just_sync_test_record ("bbb", "{\"owner\":\"u2\"}", 1);
  g_autoptr(JsonNode) soft = NULL;
  g_autoptr(JsonNode) hard = NULL;
  g_autoptr(JsonNode) refused = NULL;
  g_autoptr(JsonNode) deletion = NULL;
  g_autofree char *soft_text = NULL;
  g_autofree char *hard_text = NULL;
  g_autofree char *deletion_text = NULL;
  g_autoptr(GError) error = NULL;

  soft = _just_sync_pb_upsert_body (scope, "deleted_at", record, &error);
  g_assert_no_error (error);
  soft_text = to_json (soft);
  /* The payload without system fields, then the id, the keys and a live row. */
  g_assert_cmpstr (soft_text, ==, "{\"title\":\"x\",\"owner\":\"u1\",\"id\":\"aaa\",\"deleted_at\":null}");

  hard = _just_sync_pb_upsert_body (scope, NULL, record, &error);
  g_assert_no_error (error);
  hard_text = to_json (hard);
  g_assert_cmpstr (hard_text, ==, "{\"title\":\"x\",\"owner\":\"u1\",\"deleted_at\":\"x\",\"id\":\"aaa\"}");

  refused = _just_sync_pb_upsert_body (scope, "deleted_at", foreign, &error);
  g_assert_null (refused);
  g_assert_error (error, JUST_SYNC_ERROR, JUST_SYNC_ERROR_REJECTED);

  deletion = _just_sync_pb_soft_delete_body ("deleted_at", REF + 7000);
  deletion_text = to_json (deletion);
  g_assert_cmpstr (deletion_text, ==, "{\"deleted_at\":\"2006-01-02 15:04:05.007Z\"}");
}

static void
test_error_message (void)
{
  g_autoptr(JsonNode) detailed = parse ("{\"message\":\"Failed to create record.\",\"status\":400,"
                                        "\"data\":{\"title\":{\"code\":\"validation_required\","
                                        "\"message\":\"Cannot be blank.\"},"
                                        "\"requests\":{\"message\":\"ignored\"}}}");
  g_autoptr(JsonNode) plain = parse ("{\"message\":\"Nope.\",\"data\":{}}");
  g_autofree char *detailed_text = _just_sync_pb_dup_error_message (detailed, 400);
  g_autofree char *plain_text = _just_sync_pb_dup_error_message (plain, 400);
  g_autofree char *none_text = _just_sync_pb_dup_error_message (NULL, 404);

  g_assert_cmpstr (detailed_text, ==, "Failed to create record. (title: Cannot be blank.)");
  g_assert_cmpstr (plain_text, ==, "Nope.");
  g_assert_cmpstr (none_text, ==, "Not Found");
}

static void
test_scope_match (void)
{
  g_autoptr(JustSyncScope) scope = just_sync_scope_parse ("records?owner=u1&n=2", NULL);
  g_autoptr(JsonNode) match = parse ("{\"owner\":\"u1\",\"n\":2}");
  g_autoptr(JsonNode) partial = parse ("{\"owner\":\"u1\"}");
  g_autoptr(JsonNode) differs = parse ("{\"owner\":\"u2\"}");
  JsonObject *match_object = json_node_get_object (match);
  JsonObject *partial_object = json_node_get_object (partial);
  JsonObject *differs_object = json_node_get_object (differs);

  g_assert_true (_just_sync_pb_item_in_scope (match_object, scope));
  /* A key missing from an event does not rule the record out; for a push check it does. */
  g_assert_false (_just_sync_pb_item_in_scope (partial_object, scope));
  g_assert_true (_just_sync_pb_item_may_be_in_scope (partial_object, scope));
  g_assert_false (_just_sync_pb_item_may_be_in_scope (differs_object, scope));
}

static void
test_small_bodies (void)
{
  g_autoptr(GPtrArray) topics = g_ptr_array_new ();
  g_autoptr(JsonNode) subscribe = NULL;
  g_autoptr(JsonNode) login = _just_sync_pb_login_body ("u@example.com", "pw");
  g_autoptr(JsonNode) time = parse ("{\"now\":\"2030-01-02 03:04:05.678Z\"}");
  g_autoptr(JsonNode) no_time = parse ("{\"now\":42}");
  g_autofree char *subscribe_text = NULL;
  g_autofree char *login_text = NULL;
  g_autofree char *all = _just_sync_pb_event_collection ("records/*");
  g_autofree char *one = _just_sync_pb_event_collection ("notes/abc");
  gint64 usec = 0;

  g_ptr_array_add (topics, (gpointer) "records/*");
  subscribe = _just_sync_pb_subscribe_body ("client1", topics);
  subscribe_text = to_json (subscribe);
  g_assert_cmpstr (subscribe_text, ==, "{\"clientId\":\"client1\",\"subscriptions\":[\"records/*\"]}");
  login_text = to_json (login);
  g_assert_cmpstr (login_text, ==, "{\"identity\":\"u@example.com\",\"password\":\"pw\"}");

  g_assert_true (_just_sync_pb_time_from_json (time, &usec));
  g_assert_cmpint (usec, ==, 1893553445678000);
  g_assert_false (_just_sync_pb_time_from_json (no_time, &usec));
  g_assert_cmpstr (all, ==, "records");
  g_assert_cmpstr (one, ==, "notes");
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

static void
test_token_claims (void)
{
  g_autofree char *superuser = make_token ("{\"collectionId\":\"pbc_3142635823\",\"exp\":1893553445}");
  g_autofree char *no_exp = make_token ("{\"collectionId\":\"users\"}");
  g_autofree char *collection = NULL;
  g_autofree char *other = NULL;
  g_autofree char *none = NULL;

  g_assert_cmpint (_just_sync_pb_token_get_claims (superuser, &collection, NULL), ==, G_GINT64_CONSTANT (1893553445) * G_USEC_PER_SEC);
  g_assert_cmpstr (collection, ==, JUST_SYNC_PB_SUPERUSERS_COLLECTION_ID);
  g_assert_cmpint (_just_sync_pb_token_get_claims (no_exp, &other, NULL), ==, 0);
  g_assert_cmpstr (other, ==, "users");
  g_assert_cmpint (_just_sync_pb_token_get_claims ("not-a-token", &none, NULL), ==, 0);
  g_assert_null (none);
}

/* A JSON text nested @depth arrays deep. */
static char *
nested (guint depth)
{
  GString *text = g_string_sized_new (2 * depth);

  for (guint i = 0; i < depth; i++)
    g_string_append_c (text, '[');
  for (guint i = 0; i < depth; i++)
    g_string_append_c (text, ']');
  return g_string_free (text, FALSE);
}

/* Issue 12, items 2 and 7: claims are parsed strictly, and an `exp` that
 * is no supported time (negative, past 9999, out of gint64's range, not a
 * number) is no expiry, with no undefined cast and no critical. */
static void
test_token_claims_hostile (void)
{
  const char *claims[] = {
    "{\"collectionId\":\"users\",\"exp\":-1}",
    "{\"collectionId\":\"users\",\"exp\":-62135596800}",
    "{\"collectionId\":\"users\",\"exp\":253402300800}",
    "{\"collectionId\":\"users\",\"exp\":1e300}",
    "{\"collectionId\":\"users\",\"exp\":-1e300}",
    "{\"collectionId\":\"users\",\"exp\":9223372036854775807}",
    "{\"collectionId\":\"users\",\"exp\":\"1893553445\"}",
  };
  g_autofree char *levels = nested (1000000);
  g_autofree char *deep_claims = g_strdup_printf ("{\"collectionId\":\"users\",\"exp\":1,\"x\":%s}",
                                                  levels);
  g_autofree char *deep = make_token (deep_claims);
  /* json-glib reads single quotes and comments; the strict reader does not. */
  g_autofree char *lax = make_token ("{'collectionId':'users', /* c */ \"exp\":1893553445}");
  g_autofree char *last = make_token ("{\"collectionId\":\"users\",\"exp\":253402300799}");
  g_autofree char *fraction = make_token ("{\"collectionId\":\"users\",\"exp\":2340230.88}");
  g_autofree char *collection = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (claims); i++)
    {
      g_autofree char *token = make_token (claims[i]);
      g_autofree char *id = NULL;

      g_assert_cmpint (_just_sync_pb_token_get_claims (token, &id, NULL), ==, 0);
      g_assert_cmpstr (id, ==, "users");
    }
  g_assert_cmpint (_just_sync_pb_token_get_claims (last, &collection, NULL), ==,
                   G_GINT64_CONSTANT (253402300799) * G_USEC_PER_SEC);
  g_clear_pointer (&collection, g_free);
  /* A NumericDate with a fraction counts in whole seconds (found by
   * fuzz-pocketbase-token). */
  g_assert_cmpint (_just_sync_pb_token_get_claims (fraction, &collection, NULL), ==,
                   G_GINT64_CONSTANT (2340230) * G_USEC_PER_SEC);
  g_clear_pointer (&collection, g_free);
  g_assert_cmpint (_just_sync_pb_token_get_claims (deep, &collection, NULL), ==, 0);
  g_assert_null (collection);
  g_assert_cmpint (_just_sync_pb_token_get_claims (lax, &collection, NULL), ==, 0);
  g_assert_null (collection);
}

/* Issue 12, item 7: `"perPage": 1e300` is no number of rows, and casting
 * it is undefined behaviour; integers are read exactly. */
static void
test_object_get_int (void)
{
  g_autoptr(JsonNode) node = parse ("{\"huge\":1e300,\"tiny\":-1e300,\"big\":9007199254740993,"
                                    "\"float\":1000.0,\"text\":\"5\",\"list\":[1]}");
  JsonObject *object = json_node_get_object (node);

  g_assert_cmpint (_just_sync_pb_object_get_int (object, "huge"), ==, 0);
  g_assert_cmpint (_just_sync_pb_object_get_int (object, "tiny"), ==, 0);
  g_assert_cmpint (_just_sync_pb_object_get_int (object, "big"), ==, G_GINT64_CONSTANT (9007199254740993));
  g_assert_cmpint (_just_sync_pb_object_get_int (object, "float"), ==, 1000);
  g_assert_cmpint (_just_sync_pb_object_get_int (object, "text"), ==, 0);
  g_assert_cmpint (_just_sync_pb_object_get_int (object, "list"), ==, 0);
  g_assert_cmpint (_just_sync_pb_object_get_int (object, "missing"), ==, 0);
}

/* Issue 12, item 2: realtime events are read strictly and as deep as a
 * reply; what does not parse is a hint with no record. */
static void
test_event_read (void)
{
  g_autofree char *levels = nested (1000000);
  g_autofree char *deep = g_strdup_printf ("{\"action\":\"update\",\"record\":%s}", levels);
  g_autofree char *client_id = NULL;
  g_autofree char *collection = NULL;
  g_autoptr(JsonObject) record = NULL;

  g_assert_true (_just_sync_pb_event_read ("PB_CONNECT", "{\"clientId\":\"c1\"}",
                                           &client_id, &collection, &record));
  g_assert_cmpstr (client_id, ==, "c1");
  g_assert_null (collection);
  g_clear_pointer (&client_id, g_free);

  g_assert_false (_just_sync_pb_event_read ("PB_CONNECT", "{'clientId':'c1'}", &client_id, &collection, &record));
  g_assert_null (client_id);

  g_assert_true (_just_sync_pb_event_read ("notes/abc", "{\"action\":\"update\",\"record\":{\"id\":\"abc\"}}",
                                           &client_id, &collection, &record));
  g_assert_cmpstr (collection, ==, "notes");
  g_assert_nonnull (record);
  g_assert_cmpstr (_just_sync_pb_object_get_string (record, "id"), ==, "abc");
  g_clear_pointer (&collection, g_free);
  g_clear_pointer (&record, json_object_unref);

  g_assert_true (_just_sync_pb_event_read ("notes/abc", deep, &client_id, &collection, &record));
  g_assert_cmpstr (collection, ==, "notes");
  g_assert_null (record);
  g_clear_pointer (&collection, g_free);

  g_assert_true (_just_sync_pb_event_read ("notes/abc", "{\"record\":{\"id\":\"a\"}} /* more */",
                                           &client_id, &collection, &record));
  g_assert_null (record);
}

/* A page's envelope may nest deeper than a payload (72 against 64): the
 * codec, which no longer checks a parsed payload's strings again (issue 14),
 * still refuses a payload nested past 64 levels. */
static void
test_record_depth (void)
{
  JustSyncPbTarget target = { (char *) "records", NULL };
  g_autoptr(JustSyncScope) scope = just_sync_scope_parse ("records", NULL);

  for (guint arrays = 62; arrays <= 66; arrays++)
    {
      g_autofree char *levels = nested (arrays);
      g_autofree char *text = g_strdup_printf ("{\"items\":[{\"id\":\"r1\",\"updated\":"
                                               "\"2006-01-02 15:04:05.000Z\",\"x\":%s}]}", levels);
      g_autoptr(JsonNode) page = _just_sync_json_parse (text, -1, JUST_SYNC_JSON_MAX_ENVELOPE_DEPTH, NULL);
      JsonNode *item = json_array_get_element (json_object_get_array_member (json_node_get_object (page),
                                                                              "items"), 0);
      g_autoptr(JustSyncRecord) record = NULL;
      g_autoptr(GError) error = NULL;
      gboolean has_field;

      g_assert_nonnull (page);
      record = _just_sync_pb_record_from_json (&target, scope, item, &has_field, NULL, &error);
      /* The payload object is a level, so 63 arrays in it make 64. */
      if (arrays <= 63)
        {
          g_assert_no_error (error);
          g_assert_nonnull (record);
        }
      else
        {
          g_assert_error (error, JUST_SYNC_ERROR, JUST_SYNC_ERROR_INVALID_ARGUMENT);
          g_assert_null (record);
        }
    }
}

static void
assert_record_protocol_error (const char *json,
                              const char *fragment)
{
  JustSyncPbTarget target = { (char *) "records", (char *) "deleted_at" };
  g_autoptr(JustSyncScope) scope = just_sync_scope_parse ("records", NULL);
  g_autoptr(JsonNode) node = parse (json);
  g_autoptr(JustSyncRecord) record = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JustSyncSyncPoint) refused = NULL;
  gboolean has_field;

  record = _just_sync_pb_record_from_json (&target, scope, node, &has_field, &refused, &error);
  g_assert_null (record);
  /* It fails its page: not a record that is refused alone. */
  g_assert_null (refused);
  g_assert_error (error, JUST_SYNC_ERROR, JUST_SYNC_ERROR_PROTOCOL);
  g_assert_nonnull (strstr (error->message, fragment));
}

/* Issue 12, item 10: a system field of the wrong type is a protocol error
 * that names the field and the record, never a reinterpretation (a
 * numeric deletion time read as a live row). */
static void
test_record_wrong_types (void)
{
  assert_record_protocol_error ("{\"id\":7,\"updated\":\"2006-01-02 15:04:05.000Z\"}", "“id” is not text");
  assert_record_protocol_error ("{\"id\":{\"a\":1},\"updated\":\"2006-01-02 15:04:05.000Z\"}", "“id”");
  assert_record_protocol_error ("{\"id\":\"r1\",\"updated\":1136214245}", "“r1” of “records” with a field “updated”");
  assert_record_protocol_error ("{\"id\":\"r1\",\"updated\":\"2006-01-02 15:04:05.000Z\",\"deleted_at\":1136214245}",
                                "“r1” of “records” with a field “deleted_at”");
  assert_record_protocol_error ("{\"id\":\"r1\",\"updated\":\"2006-01-02 15:04:05.000Z\",\"deleted_at\":true}",
                                "“deleted_at”");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/pocketbase-codec/format-time", test_format_time);
  g_test_add_func ("/pocketbase-codec/format-time-round-trip", test_format_time_round_trip);
  g_test_add_func ("/pocketbase-codec/pull-filter", test_pull_filter);
  g_test_add_func ("/pocketbase-codec/queries", test_queries);
  g_test_add_func ("/pocketbase-codec/check-scope", test_check_scope);
  g_test_add_func ("/pocketbase-codec/record-from-json", test_record_from_json);
  g_test_add_func ("/pocketbase-codec/record-errors", test_record_errors);
  g_test_add_func ("/pocketbase-codec/upsert-body", test_upsert_body);
  g_test_add_func ("/pocketbase-codec/error-message", test_error_message);
  g_test_add_func ("/pocketbase-codec/scope-match", test_scope_match);
  g_test_add_func ("/pocketbase-codec/small-bodies", test_small_bodies);
  g_test_add_func ("/pocketbase-codec/token-claims", test_token_claims);
  g_test_add_func ("/pocketbase-codec/token-claims-hostile", test_token_claims_hostile);
  g_test_add_func ("/pocketbase-codec/object-get-int", test_object_get_int);
  g_test_add_func ("/pocketbase-codec/event-read", test_event_read);
  g_test_add_func ("/pocketbase-codec/record-wrong-types", test_record_wrong_types);
  g_test_add_func ("/pocketbase-codec/record-depth", test_record_depth);

  return g_test_run ();
}
