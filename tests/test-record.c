/* test-record.c
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include <math.h>
#include <string.h>

#include "justsync-test-util.h"

#define T0 G_GINT64_CONSTANT (1700000000000000)

static void
test_new (void)
{
  g_autoptr(JsonObject) payload = json_object_new ();
  g_autoptr(JustSyncRecord) record = NULL;
  g_autoptr(JustSyncRecord) empty = NULL;
  g_autoptr(GDateTime) updated = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *data = NULL;

  json_object_set_string_member (payload, "title", "milk");
  json_object_set_int_member (payload, "n", 2);
  record = just_sync_record_new ("id-1", payload, T0, 0, &error);
  g_assert_no_error (error);

  g_assert_cmpstr (just_sync_record_get_id (record), ==, "id-1");
  g_assert_cmpint (just_sync_record_get_updated_at (record), ==, T0);
  g_assert_cmpint (just_sync_record_get_deleted_at (record), ==, 0);
  g_assert_false (just_sync_record_is_deleted (record));
  g_assert_cmpstr (json_object_get_string_member (just_sync_record_get_payload (record), "title"), ==, "milk");
  data = just_sync_record_dup_payload_data (record);
  g_assert_cmpstr (data, ==, "{\"title\":\"milk\",\"n\":2}");
  updated = just_sync_record_dup_updated_at_date_time (record);
  g_assert_cmpint (just_sync_timestamp_from_date_time (updated), ==, T0);

  empty = just_sync_record_new ("id-2", NULL, 0, 0, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (json_object_get_size (just_sync_record_get_payload (empty)), ==, 0);
  g_assert_null (just_sync_record_dup_updated_at_date_time (empty));
}

/* The record keeps its own sealed copy: the caller's object stays the
 * caller's, to change as it likes. */
static void
test_payload_copy (void)
{
  g_autoptr(JsonObject) payload = json_object_new ();
  g_autoptr(JsonObject) nested = json_object_new ();
  g_autoptr(JustSyncRecord) record = NULL;
  g_autoptr(JustSyncRecord) shared = NULL;
  JsonObject *stored;

  json_object_set_object_member (nested, "x", json_object_new ());
  json_object_set_object_member (payload, "nested", json_object_ref (nested));
  json_object_set_string_member (payload, "title", "before");
  record = just_sync_record_new ("a", payload, T0, 0, NULL);
  stored = just_sync_record_get_payload (record);

  g_assert_true (json_object_is_immutable (stored));
  g_assert_false (json_object_is_immutable (payload));
  g_assert_true (stored != payload);

  json_object_set_string_member (payload, "title", "after");
  json_object_set_int_member (nested, "added", 1);
  g_assert_cmpstr (json_object_get_string_member (stored, "title"), ==, "before");
  g_assert_false (json_object_has_member (json_object_get_object_member (stored, "nested"), "added"));

  /* A sealed payload is immutable anyway: records share it. */
  shared = just_sync_record_new ("b", stored, T0, 0, NULL);
  g_assert_true (just_sync_record_get_payload (shared) == stored);
}

static void
test_new_from_data_errors (void)
{
  static const char *not_objects[] = {
    "", "{", "{\"a\":}", "nul", "[]", "[{}]", "42", "\"text\"", "null", "true", "{}{}", "\xff",
  };

  for (guint i = 0; i < G_N_ELEMENTS (not_objects); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(JustSyncRecord) record = NULL;

      g_autofree char *shown = g_strescape (not_objects[i], NULL);

      g_test_message ("“%s”", shown);
      record = just_sync_record_new_from_data ("a", not_objects[i], T0, 0, &error);
      g_assert_error (error, JUST_SYNC_ERROR, JUST_SYNC_ERROR_INVALID_ARGUMENT);
      g_assert_null (record);
    }
}

/* json-glib recurses per level: a deeply nested document must be refused
 * before it is parsed, not overflow the stack. 64 levels are fine; brackets
 * inside strings do not count. */
static void
test_new_from_data_nesting (void)
{
  g_autoptr(GString) deep = g_string_new ("{\"a\":");
  g_autoptr(GString) ok = g_string_new ("{\"s\":\"[[[[[[\",\"a\":");
  g_autoptr(GError) error = NULL;
  g_autoptr(JustSyncRecord) refused = NULL;
  g_autoptr(JustSyncRecord) accepted = NULL;

  for (guint i = 0; i < 200000; i++)
    g_string_append_c (deep, '[');
  refused = just_sync_record_new_from_data ("a", deep->str, T0, 0, &error);
  g_assert_error (error, JUST_SYNC_ERROR, JUST_SYNC_ERROR_INVALID_ARGUMENT);
  g_assert_null (refused);
  g_clear_error (&error);

  for (guint i = 0; i < 62; i++)
    g_string_append_c (ok, '[');
  for (guint i = 0; i < 62; i++)
    g_string_append_c (ok, ']');
  g_string_append_c (ok, '}');
  accepted = just_sync_record_new_from_data ("a", ok->str, T0, 0, &error);
  g_assert_no_error (error);
  g_assert_nonnull (accepted);
}

/* Crash 1 of issue 12, as a D-Bus Create sends it: a quote inside a
 * single-quoted string hid 100,000 brackets from the old bracket counter
 * and json-glib overflowed the stack. */
static void
test_new_from_data_hidden_nesting (void)
{
  g_autoptr(GString) json = g_string_new ("{\"a\":['\"',");
  g_autoptr(GError) error = NULL;
  g_autoptr(JustSyncRecord) record = NULL;

  for (guint i = 0; i < 100000; i++)
    g_string_append_c (json, '[');
  for (guint i = 0; i < 100000; i++)
    g_string_append_c (json, ']');
  g_string_append (json, "]}");
  record = just_sync_record_new_from_data ("a", json->str, T0, 0, &error);
  g_assert_error (error, JUST_SYNC_ERROR, JUST_SYNC_ERROR_INVALID_ARGUMENT);
  g_assert_null (record);
}

/* Items 4 and 5 of issue 12: what would change or could not be read back
 * is refused; what is accepted is written so that it reads back equal. */
static void
test_new_from_data_untrusted_values (void)
{
  static const char *refused[] = {
    "{\"s\":\"a\\u0000b\"}", "{\"n\":9223372036854775808}", "{\"n\":18446744073709551616}",
    "{\"n\":123456789012345678901234}", "{\"n\":1e999}", "{\"n\":-1e999}",
    "{\"s\":\"\\ud800x\"}", "{'s':1}", "{\"s\":1}/**/", "{\"s\":1}x",
  };
  static const char *accepted[] = {
    "{\"n\":1e17}", "{\"n\":1e21}", "{\"n\":1e22}", "{\"n\":1e47}",
    "{\"n\":9223372036854775807,\"m\":-9223372036854775808}", "{\"s\":\"\\ud83d\\ude00\\u0001\"}",
  };

  for (guint i = 0; i < G_N_ELEMENTS (refused); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(JustSyncRecord) record = NULL;

      g_test_message ("refused? %s", refused[i]);
      record = just_sync_record_new_from_data ("a", refused[i], T0, 0, &error);
      g_assert_error (error, JUST_SYNC_ERROR, JUST_SYNC_ERROR_INVALID_ARGUMENT);
      g_assert_null (record);
      g_assert_true (g_utf8_validate (error->message, -1, NULL));
    }

  for (guint i = 0; i < G_N_ELEMENTS (accepted); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(JustSyncRecord) record = NULL;
      g_autoptr(JustSyncRecord) back = NULL;
      g_autofree char *data = NULL;

      record = just_sync_record_new_from_data ("a", accepted[i], T0, 0, &error);
      g_assert_no_error (error);
      data = just_sync_record_dup_payload_data (record);
      g_test_message ("%s → %s", accepted[i], data);
      back = just_sync_record_new_from_data ("a", data, T0, 0, &error);
      g_assert_no_error (error);
      g_assert_true (just_sync_record_equal (record, back));
      g_assert_true (json_object_equal (just_sync_record_get_payload (record),
                                        just_sync_record_get_payload (back)));
    }

  {
    g_autoptr(JustSyncRecord) record = just_sync_record_new_from_data ("a", "{\"n\":1e21,\"i\":9223372036854775807}",
                                                                       T0, 0, NULL);
    JsonObject *payload = just_sync_record_get_payload (record);

    g_assert_cmpfloat (json_object_get_double_member (payload, "n"), ==, 1e21);
    g_assert_cmpint (json_object_get_int_member (payload, "i"), ==, G_MAXINT64);
  }
}

/* Through the API an app can build what no JSON text carries: refused,
 * since the record could never be stored and read back. */
static void
test_new_unstorable_payload (void)
{
  static const double not_finite[] = { INFINITY, -INFINITY, NAN };
  g_autoptr(JsonObject) deep = json_object_new ();
  g_autoptr(JsonObject) bad_text = json_object_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(JustSyncRecord) record = NULL;
  JsonObject *inner = deep;

  for (guint i = 0; i < G_N_ELEMENTS (not_finite); i++)
    {
      g_autoptr(JsonObject) payload = json_object_new ();
      g_autoptr(JustSyncRecord) refused = NULL;

      json_object_set_double_member (payload, "n", not_finite[i]);
      refused = just_sync_record_new ("a", payload, T0, 0, &error);
      g_assert_error (error, JUST_SYNC_ERROR, JUST_SYNC_ERROR_INVALID_ARGUMENT);
      g_assert_null (refused);
      g_clear_error (&error);
    }

  /* A server field nested 70 levels. */
  for (guint i = 0; i < 70; i++)
    {
      JsonObject *next = json_object_new ();

      json_object_set_object_member (inner, "x", next);
      inner = next;
    }
  record = just_sync_record_new ("a", deep, T0, 0, &error);
  g_assert_error (error, JUST_SYNC_ERROR, JUST_SYNC_ERROR_INVALID_ARGUMENT);
  g_assert_null (record);
  g_clear_error (&error);

  json_object_set_string_member (bad_text, "s", "\xed\xa0\x80x");
  record = just_sync_record_new ("a", bad_text, T0, 0, &error);
  g_assert_error (error, JUST_SYNC_ERROR, JUST_SYNC_ERROR_INVALID_ARGUMENT);
  g_assert_null (record);
}

static void
test_field_errors (void)
{
  static const struct {
    const char *id;
    gint64 updated_at;
    gint64 deleted_at;
  } bad[] = {
    { "", T0, 0 },
    { "\xc3\x28", T0, 0 },
    { "a", -1, 0 },
    { "a", T0, -5 },
    { "a", JUST_SYNC_TIMESTAMP_MAX + 1, 0 },
    { "a", T0, JUST_SYNC_TIMESTAMP_MAX + 1 },
  };
  g_autoptr(GError) error = NULL;
  g_autoptr(JustSyncRecord) tomb = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(JustSyncRecord) record = NULL;
      g_autoptr(JustSyncRecord) from_json = NULL;

      record = just_sync_record_new (bad[i].id, NULL, bad[i].updated_at, bad[i].deleted_at, &error);
      g_assert_error (error, JUST_SYNC_ERROR, JUST_SYNC_ERROR_INVALID_ARGUMENT);
      g_assert_null (record);
      g_clear_error (&error);

      from_json = just_sync_record_new_from_data (bad[i].id, "{}", bad[i].updated_at, bad[i].deleted_at, &error);
      g_assert_error (error, JUST_SYNC_ERROR, JUST_SYNC_ERROR_INVALID_ARGUMENT);
      g_assert_null (from_json);
      g_clear_error (&error);
    }

  tomb = just_sync_record_new_tombstone ("a", 0, &error);
  g_assert_error (error, JUST_SYNC_ERROR, JUST_SYNC_ERROR_INVALID_ARGUMENT);
  g_assert_null (tomb);
}

static void
test_tombstone (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JustSyncRecord) tomb = just_sync_record_new_tombstone ("a", T0 + 5, &error);
  g_autoptr(JustSyncRecord) live = just_sync_test_record ("a", "{}", T0 + 5);

  g_assert_no_error (error);
  g_assert_true (just_sync_record_is_deleted (tomb));
  g_assert_cmpint (just_sync_record_get_deleted_at (tomb), ==, T0 + 5);
  g_assert_cmpint (just_sync_record_get_updated_at (tomb), ==, T0 + 5);
  g_assert_cmpuint (json_object_get_size (just_sync_record_get_payload (tomb)), ==, 0);

  /* Deletion is content: a tombstone is another version than a live row. */
  g_assert_cmpstr (just_sync_record_get_content_hash (tomb), !=, just_sync_record_get_content_hash (live));
  g_assert_false (just_sync_record_equal (tomb, live));
}

static void
test_content_hash (void)
{
  g_autoptr(JustSyncRecord) a =
    just_sync_test_record ("a", "{\"x\":1,\"y\":{\"p\":[1,{\"q\":2,\"r\":3}],\"s\":\"t\"}}", T0);
  g_autoptr(JustSyncRecord) reordered =
    just_sync_test_record ("b", "{\"y\":{\"s\":\"t\",\"p\":[1,{\"r\":3,\"q\":2}]},\"x\":1}",
                           T0 + 9);
  g_autoptr(JustSyncRecord) array_order =
    just_sync_test_record ("a", "{\"x\":1,\"y\":{\"p\":[{\"q\":2,\"r\":3},1],\"s\":\"t\"}}", T0);
  g_autoptr(JustSyncRecord) other_value =
    just_sync_test_record ("a", "{\"x\":2,\"y\":{\"p\":[1,{\"q\":2,\"r\":3}],\"s\":\"t\"}}", T0);
  g_autoptr(JustSyncRecord) string_one =
    just_sync_test_record ("a", "{\"x\":\"1\",\"y\":{\"p\":[1,{\"q\":2,\"r\":3}],\"s\":\"t\"}}",
                           T0);
  const char *hash = just_sync_record_get_content_hash (a);

  g_assert_cmpuint (strlen (hash), ==, 32);
  g_assert_true (hash == just_sync_record_get_content_hash (a));
  /* Neither the member order, nor the id, nor updated_at count. */
  g_assert_cmpstr (hash, ==, just_sync_record_get_content_hash (reordered));
  /* Array order and value types do. */
  g_assert_cmpstr (hash, !=, just_sync_record_get_content_hash (array_order));
  g_assert_cmpstr (hash, !=, just_sync_record_get_content_hash (other_value));
  g_assert_cmpstr (hash, !=, just_sync_record_get_content_hash (string_one));
}

static void
test_version (void)
{
  g_autoptr(JustSyncRecord) a = just_sync_test_record ("a", "{\"x\":1}", T0);
  g_autoptr(JustSyncRecord) same = just_sync_test_record ("a", "{\"x\":1}", T0);
  g_autoptr(JustSyncRecord) restamped = just_sync_record_with_updated_at (a, T0 + 1);
  g_autoptr(JustSyncRecord) changed = just_sync_test_record ("a", "{\"x\":2}", T0);
  g_autofree char *version = just_sync_record_dup_version (a);
  g_autofree char *same_version = just_sync_record_dup_version (same);
  g_autofree char *restamped_version = just_sync_record_dup_version (restamped);
  g_autofree char *changed_version = just_sync_record_dup_version (changed);
  g_autofree char *expected = g_strdup_printf ("%" G_GINT64_FORMAT ":%s", T0,
                                               just_sync_record_get_content_hash (a));

  g_assert_cmpstr (version, ==, expected);
  g_assert_cmpstr (version, ==, same_version);
  /* Same content, other stamp: another version (servers re-stamp saves). */
  g_assert_cmpstr (version, !=, restamped_version);
  g_assert_cmpstr (just_sync_record_get_content_hash (a), ==, just_sync_record_get_content_hash (restamped));
  g_assert_true (just_sync_record_get_payload (restamped) == just_sync_record_get_payload (a));
  g_assert_cmpint (just_sync_record_get_updated_at (restamped), ==, T0 + 1);
  /* Same stamp, other content: another version (two writes in one ms). */
  g_assert_cmpstr (version, !=, changed_version);
}

static void
test_content_covers (void)
{
  g_autoptr(JustSyncRecord) local =
    just_sync_test_record ("a", "{\"title\":\"x\",\"tags\":[1,2],\"o\":{\"k\":true}}", T0);
  g_autoptr(JustSyncRecord) server =
    just_sync_test_record ("other-id",
                           "{\"o\":{\"k\":true},\"created\":\"2006\",\"tags\":[1,2],"
                           "\"title\":\"x\",\"n\":0}",
                           T0 + 7);
  g_autoptr(JustSyncRecord) changed =
    just_sync_test_record ("a", "{\"title\":\"y\",\"tags\":[1,2],\"o\":{\"k\":true}}", T0);
  g_autoptr(JustSyncRecord) nested =
    just_sync_test_record ("a", "{\"title\":\"x\",\"tags\":[1,2],\"o\":{\"k\":true,\"extra\":1}}",
                           T0);
  g_autoptr(JustSyncRecord) empty = just_sync_test_record ("a", "{}", T0);
  g_autoptr(JustSyncRecord) tomb1 = just_sync_test_tombstone ("a", T0);
  g_autoptr(JustSyncRecord) tomb2 = just_sync_test_tombstone ("a", T0 + 3);

  g_assert_true (just_sync_record_content_covers (local, local));
  g_assert_true (just_sync_record_content_covers (server, local));
  g_assert_false (just_sync_record_content_covers (local, server));
  g_assert_false (just_sync_record_content_covers (changed, local));
  /* Nested values are compared whole. */
  g_assert_false (just_sync_record_content_covers (nested, local));
  g_assert_true (just_sync_record_content_covers (local, empty));
  g_assert_true (just_sync_record_content_covers (tomb1, tomb2));
  g_assert_false (just_sync_record_content_covers (tomb1, empty));
  g_assert_false (just_sync_record_content_covers (empty, tomb1));
}

static void
test_json_round_trip (void)
{
  g_autoptr(JustSyncRecord) live =
    just_sync_test_record ("a", "{\"title\":\"é\",\"n\":1.5,\"l\":[null,true]}", T0 + 123456);
  g_autoptr(JustSyncRecord) tomb = just_sync_test_tombstone ("b", T0);
  g_autoptr(JustSyncRecord) unstamped = just_sync_test_record ("c", "{}", 0);
  JustSyncRecord *records[] = { live, tomb, unstamped };

  for (guint i = 0; i < G_N_ELEMENTS (records); i++)
    {
      g_autoptr(JsonNode) node = just_sync_record_to_json (records[i]);
      g_autofree char *text = json_to_string (node, FALSE);
      g_autoptr(JsonNode) reparsed = json_from_string (text, NULL);
      g_autoptr(GError) error = NULL;
      g_autoptr(JustSyncRecord) back = just_sync_record_from_json (reparsed, &error);

      g_test_message ("%s", text);
      g_assert_no_error (error);
      g_assert_true (just_sync_record_equal (back, records[i]));
      g_assert_cmpuint (just_sync_record_hash (back), ==, just_sync_record_hash (records[i]));
    }

  {
    g_autoptr(JsonNode) node = just_sync_record_to_json (live);
    g_autofree char *text = json_to_string (node, FALSE);

    g_assert_cmpstr (text, ==, "{\"id\":\"a\",\"updated_at\":\"2023-11-14T22:13:20.123456Z\","
                               "\"deleted_at\":null,\"payload\":{\"title\":\"é\",\"n\":1.5,\"l\":[null,true]}}");
  }
}

static void
test_json_errors (void)
{
  static const char *bad[] = {
    "[]", "\"a\"", "{}", "{\"id\":1}", "{\"id\":\"\"}",
    "{\"id\":\"a\",\"updated_at\":\"yesterday\"}", "{\"id\":\"a\",\"updated_at\":12}",
    "{\"id\":\"a\",\"deleted_at\":\"1969-01-01T00:00:00Z\"}", "{\"id\":\"a\",\"payload\":[]}",
    "{\"id\":\"a\",\"payload\":\"{}\"}",
  };

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(JsonNode) node = json_from_string (bad[i], NULL);
      g_autoptr(GError) error = NULL;
      g_autoptr(JustSyncRecord) record = NULL;

      g_test_message ("%s", bad[i]);
      record = just_sync_record_from_json (node, &error);
      g_assert_error (error, JUST_SYNC_ERROR, JUST_SYNC_ERROR_INVALID_ARGUMENT);
      g_assert_null (record);
    }
}

static void
test_list_from_data (void)
{
  g_autoptr(JustSyncRecord) live =
    just_sync_test_record ("a", "{\"title\":\"é\",\"n\":1.5,\"l\":[null,true]}", T0 + 123456);
  g_autoptr(JustSyncRecord) tomb = just_sync_test_tombstone ("b", T0);
  g_autoptr(JustSyncRecord) unstamped = just_sync_test_record ("c", "{}", 0);
  JustSyncRecord *records[] = { live, tomb, unstamped };
  g_autoptr(JsonArray) array = json_array_new ();
  g_autoptr(JsonNode) node = json_node_new (JSON_NODE_ARRAY);
  g_autoptr(GPtrArray) back = NULL;
  g_autoptr(GPtrArray) empty = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  g_autofree char *deep = NULL;
  GString *nested = g_string_new ("[{\"id\":\"a\",\"payload\":");
  static const char *bad[] = {
    "", "{}", "[{}]", "[{\"id\":\"a\"},]", "[{\"id\":\"a\"}] []", "[{\"id\":\"a\",\"payload\":[]}]",
    "[{\"id\":\"a\",\"updated_at\":\"yesterday\"}]", "[{\"id\":\"a\",\"payload\":{\"s\":\"\\ud800\"}}]",
  };

  for (guint i = 0; i < G_N_ELEMENTS (records); i++)
    json_array_add_element (array, just_sync_record_to_json (records[i]));
  json_node_set_array (node, array);
  text = json_to_string (node, FALSE);
  back = just_sync_record_list_from_data (text, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (back->len, ==, G_N_ELEMENTS (records));
  for (guint i = 0; i < G_N_ELEMENTS (records); i++)
    g_assert_true (just_sync_record_equal (g_ptr_array_index (back, i), records[i]));

  empty = just_sync_record_list_from_data ("[]", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (empty->len, ==, 0);

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GPtrArray) none = NULL;

      g_test_message ("%s", bad[i]);
      none = just_sync_record_list_from_data (bad[i], &error);
      g_assert_error (error, JUST_SYNC_ERROR, JUST_SYNC_ERROR_INVALID_ARGUMENT);
      g_assert_null (none);
      g_clear_error (&error);
    }

  /* A payload one level deeper than a record may hold. */
  for (guint i = 0; i < 65; i++)
    g_string_append (nested, "{\"x\":");
  g_string_append (nested, "1");
  for (guint i = 0; i < 65; i++)
    g_string_append_c (nested, '}');
  g_string_append (nested, "}]");
  deep = g_string_free (nested, FALSE);
  g_assert_null (just_sync_record_list_from_data (deep, &error));
  g_assert_error (error, JUST_SYNC_ERROR, JUST_SYNC_ERROR_INVALID_ARGUMENT);
}

static void
test_equal_hash (void)
{
  g_autoptr(JustSyncRecord) a = just_sync_test_record ("a", "{\"x\":1,\"y\":2}", T0);
  g_autoptr(JustSyncRecord) same = just_sync_test_record ("a", "{\"y\":2,\"x\":1}", T0);
  g_autoptr(JustSyncRecord) other_id = just_sync_test_record ("b", "{\"x\":1,\"y\":2}", T0);
  g_autoptr(JustSyncRecord) other_time = just_sync_test_record ("a", "{\"x\":1,\"y\":2}", T0 + 1);
  g_autoptr(JustSyncRecord) other_content = just_sync_test_record ("a", "{\"x\":1}", T0);
  g_autoptr(GHashTable) set = g_hash_table_new_full (just_sync_record_hash, just_sync_record_equal,
                                                     (GDestroyNotify) just_sync_record_unref, NULL);

  g_assert_true (just_sync_record_equal (a, same));
  g_assert_cmpuint (just_sync_record_hash (a), ==, just_sync_record_hash (same));
  g_assert_false (just_sync_record_equal (a, other_id));
  g_assert_false (just_sync_record_equal (a, other_time));
  g_assert_false (just_sync_record_equal (a, other_content));

  g_hash_table_add (set, just_sync_record_ref (a));
  g_assert_true (g_hash_table_contains (set, same));
  g_assert_false (g_hash_table_contains (set, other_content));
}

/* Records are shared between threads: the lazily computed hash must be
 * the same whichever thread computes it first. */
static gpointer
hash_in_thread (gpointer data)
{
  return (gpointer) just_sync_record_get_content_hash (data);
}

static void
test_threads (void)
{
  g_autoptr(JustSyncRecord) record = just_sync_test_record ("a", "{\"x\":1}", T0);
  GThread *threads[4];
  const char *hashes[G_N_ELEMENTS (threads)];

  for (guint i = 0; i < G_N_ELEMENTS (threads); i++)
    threads[i] = g_thread_new ("hash", hash_in_thread, record);
  for (guint i = 0; i < G_N_ELEMENTS (threads); i++)
    hashes[i] = g_thread_join (threads[i]);
  for (guint i = 0; i < G_N_ELEMENTS (threads); i++)
    g_assert_true (hashes[i] == just_sync_record_get_content_hash (record));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/record/new", test_new);
  g_test_add_func ("/record/payload-copy", test_payload_copy);
  g_test_add_func ("/record/new-from-data-errors", test_new_from_data_errors);
  g_test_add_func ("/record/new-from-data-nesting", test_new_from_data_nesting);
  g_test_add_func ("/record/new-from-data-hidden-nesting", test_new_from_data_hidden_nesting);
  g_test_add_func ("/record/new-from-data-untrusted-values", test_new_from_data_untrusted_values);
  g_test_add_func ("/record/new-unstorable-payload", test_new_unstorable_payload);
  g_test_add_func ("/record/field-errors", test_field_errors);
  g_test_add_func ("/record/tombstone", test_tombstone);
  g_test_add_func ("/record/content-hash", test_content_hash);
  g_test_add_func ("/record/version", test_version);
  g_test_add_func ("/record/content-covers", test_content_covers);
  g_test_add_func ("/record/json-round-trip", test_json_round_trip);
  g_test_add_func ("/record/json-errors", test_json_errors);
  g_test_add_func ("/record/list-from-data", test_list_from_data);
  g_test_add_func ("/record/equal-hash", test_equal_hash);
  g_test_add_func ("/record/threads", test_threads);

  return g_test_run ();
}
