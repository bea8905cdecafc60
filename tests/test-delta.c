/* test-delta.c
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * A page of remote changes and the keyset cursor it leaves.
 */

#include "justsync-test-util.h"

#define T0 G_GINT64_CONSTANT (1700000000000000)

static JustSyncDelta *
sample_delta (void)
{
  JustSyncDelta *delta = just_sync_delta_new (T0 + 1000);
  g_autoptr(JustSyncRecord) a = just_sync_test_record ("a", "{\"v\":1}", T0);
  g_autoptr(JustSyncRecord) b = just_sync_test_record ("b", "{\"v\":1}", T0);
  g_autoptr(JustSyncRecord) gone = just_sync_test_tombstone ("c", T0 + 5);

  just_sync_delta_add (delta, a);
  just_sync_delta_add (delta, b);
  just_sync_delta_add (delta, gone);
  just_sync_delta_set_has_more (delta, TRUE);
  return delta;
}

static void
test_delta (void)
{
  g_autoptr(JustSyncDelta) empty = just_sync_delta_new (0);
  g_autoptr(JustSyncDelta) delta = sample_delta ();
  g_autoptr(JustSyncSyncPoint) no_cursor = just_sync_delta_dup_cursor (empty);
  g_autoptr(JustSyncSyncPoint) cursor = just_sync_delta_dup_cursor (delta);
  GPtrArray *records = just_sync_delta_get_records (delta);

  g_assert_null (no_cursor);
  g_assert_false (just_sync_delta_get_has_more (empty));
  g_assert_cmpuint (just_sync_delta_get_records (empty)->len, ==, 0);
  g_assert_cmpint (just_sync_delta_get_server_time (empty), ==, 0);

  g_assert_cmpint (just_sync_delta_get_server_time (delta), ==, T0 + 1000);
  g_assert_true (just_sync_delta_get_has_more (delta));
  g_assert_cmpuint (records->len, ==, 3);
  g_assert_cmpstr (just_sync_record_get_id (g_ptr_array_index (records, 0)), ==, "a");
  g_assert_cmpuint (just_sync_delta_get_n_upserts (delta), ==, 2);
  g_assert_cmpuint (just_sync_delta_get_n_deletes (delta), ==, 1);

  /* The cursor is the page's last (updated_at, id). */
  g_assert_cmpint (just_sync_sync_point_get_updated_at (cursor), ==, T0 + 5);
  g_assert_cmpstr (just_sync_sync_point_get_last_id (cursor), ==, "c");
}

static void
test_delta_json (void)
{
  g_autoptr(JustSyncDelta) delta = sample_delta ();
  g_autoptr(JsonNode) node = just_sync_delta_to_json (delta);
  g_autoptr(GError) error = NULL;
  g_autoptr(JustSyncDelta) back = just_sync_delta_from_json (node, &error);
  GPtrArray *a = just_sync_delta_get_records (delta);
  GPtrArray *b;
  static const char *bad[] = {
    "[]", "{\"server_time\":5}", "{\"server_time\":\"soon\"}", "{\"records\":{}}",
    "{\"records\":[{}]}", "{\"records\":[{\"id\":\"a\"},42]}",
  };

  g_assert_no_error (error);
  b = just_sync_delta_get_records (back);
  g_assert_cmpint (just_sync_delta_get_server_time (back), ==, T0 + 1000);
  g_assert_true (just_sync_delta_get_has_more (back));
  g_assert_cmpuint (b->len, ==, a->len);
  for (guint i = 0; i < a->len; i++)
    g_assert_true (just_sync_record_equal (g_ptr_array_index (a, i), g_ptr_array_index (b, i)));
  g_assert_cmpuint (just_sync_delta_get_n_deletes (back), ==, 1);

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(JsonNode) bad_node = json_from_string (bad[i], NULL);
      g_autoptr(JustSyncDelta) parsed = NULL;

      g_test_message ("%s", bad[i]);
      parsed = just_sync_delta_from_json (bad_node, &error);
      g_assert_error (error, JUST_SYNC_ERROR, JUST_SYNC_ERROR_INVALID_ARGUMENT);
      g_assert_null (parsed);
      g_clear_error (&error);
    }

  {
    g_autoptr(JsonNode) minimal = json_from_string ("{\"server_time\":null}", NULL);
    g_autoptr(JustSyncDelta) parsed = just_sync_delta_from_json (minimal, &error);

    g_assert_no_error (error);
    g_assert_cmpuint (just_sync_delta_get_records (parsed)->len, ==, 0);
    g_assert_false (just_sync_delta_get_has_more (parsed));
  }
}

/* Keyset order: rows strictly after the point are pulled from it. */
static void
test_sync_point_compare (void)
{
  g_autoptr(JustSyncSyncPoint) point = just_sync_sync_point_new (T0, "m");
  g_autoptr(JustSyncSyncPoint) before_all = just_sync_sync_point_new (T0, NULL);
  g_autoptr(JustSyncSyncPoint) empty_id = just_sync_sync_point_new (T0, "");

  g_assert_cmpint (just_sync_sync_point_compare (point, T0, "m"), ==, 0);
  g_assert_cmpint (just_sync_sync_point_compare (point, T0, "n"), <, 0);
  g_assert_cmpint (just_sync_sync_point_compare (point, T0, "a"), >, 0);
  g_assert_cmpint (just_sync_sync_point_compare (point, T0 + 1, "a"), <, 0);
  g_assert_cmpint (just_sync_sync_point_compare (point, T0 - 1, "z"), >, 0);

  /* Without an id, every row of that time comes after. */
  g_assert_null (just_sync_sync_point_get_last_id (before_all));
  g_assert_cmpint (just_sync_sync_point_compare (before_all, T0, "a"), <, 0);
  g_assert_cmpint (just_sync_sync_point_compare (before_all, T0 - 1, "z"), >, 0);
  g_assert_null (just_sync_sync_point_get_last_id (empty_id));
  g_assert_true (just_sync_sync_point_equal (empty_id, before_all));
}

static void
test_sync_point_rewind (void)
{
  g_autoptr(JustSyncSyncPoint) point = just_sync_sync_point_new (T0, "m");
  g_autoptr(JustSyncSyncPoint) same = just_sync_sync_point_rewind (point, 0);
  g_autoptr(JustSyncSyncPoint) back = just_sync_sync_point_rewind (point, 10 * G_USEC_PER_SEC);
  g_autoptr(JustSyncSyncPoint) early = just_sync_sync_point_new (5, "a");
  g_autoptr(JustSyncSyncPoint) clamped = just_sync_sync_point_rewind (early, 10 * G_USEC_PER_SEC);

  g_assert_true (just_sync_sync_point_equal (same, point));
  g_assert_cmpint (just_sync_sync_point_get_updated_at (back), ==, T0 - 10 * G_USEC_PER_SEC);
  g_assert_null (just_sync_sync_point_get_last_id (back));
  /* The rewound point re-reads the rows at the original point too. */
  g_assert_cmpint (just_sync_sync_point_compare (back, T0, "m"), <, 0);
  g_assert_cmpint (just_sync_sync_point_get_updated_at (clamped), ==, 0);
}

static void
test_sync_point_json (void)
{
  g_autoptr(JustSyncSyncPoint) with_id = just_sync_sync_point_new (T0 + 7, "row");
  g_autoptr(JustSyncSyncPoint) without_id = just_sync_sync_point_new (T0, NULL);
  JustSyncSyncPoint *points[] = { with_id, without_id };
  static const char *bad[] = {
    "[]", "{\"updated_at\":\"bad\"}", "{\"updated_at\":7}", "{\"updated_at\":null,\"last_id\":3}",
  };
  g_autoptr(GError) error = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (points); i++)
    {
      g_autoptr(JsonNode) node = just_sync_sync_point_to_json (points[i]);
      g_autoptr(JustSyncSyncPoint) back = just_sync_sync_point_from_json (node, &error);

      g_assert_no_error (error);
      g_assert_true (just_sync_sync_point_equal (back, points[i]));
    }
  g_assert_false (just_sync_sync_point_equal (with_id, without_id));

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(JsonNode) node = json_from_string (bad[i], NULL);
      g_autoptr(JustSyncSyncPoint) parsed = NULL;

      g_test_message ("%s", bad[i]);
      parsed = just_sync_sync_point_from_json (node, &error);
      g_assert_error (error, JUST_SYNC_ERROR, JUST_SYNC_ERROR_INVALID_ARGUMENT);
      g_assert_null (parsed);
      g_clear_error (&error);
    }
}

/* A wrong-typed has_more is an error, not a json-glib critical (which
 * fatal-criticals turns into a crash). */
static void
test_delta_json_wrong_types (void)
{
  static const char *bad[] = {
    "{\"server_time\":null,\"has_more\":{}}", "{\"server_time\":null,\"has_more\":[]}",
    "{\"server_time\":null,\"has_more\":1}", "{\"server_time\":null,\"has_more\":\"true\"}",
    "{\"server_time\":\"1960-01-01T00:00:00Z\"}",
  };
  g_autoptr(JsonNode) ok = json_from_string ("{\"server_time\":null,\"has_more\":null}", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(JustSyncDelta) delta = just_sync_delta_from_json (ok, &error);

  g_assert_no_error (error);
  g_assert_false (just_sync_delta_get_has_more (delta));

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(JsonNode) node = json_from_string (bad[i], NULL);
      g_autoptr(JustSyncDelta) refused = NULL;

      g_test_message ("%s", bad[i]);
      refused = just_sync_delta_from_json (node, &error);
      g_assert_error (error, JUST_SYNC_ERROR, JUST_SYNC_ERROR_INVALID_ARGUMENT);
      g_assert_null (refused);
      g_clear_error (&error);
    }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/delta/basics", test_delta);
  g_test_add_func ("/delta/json", test_delta_json);
  g_test_add_func ("/delta/json-wrong-types", test_delta_json_wrong_types);
  g_test_add_func ("/sync-point/compare", test_sync_point_compare);
  g_test_add_func ("/sync-point/rewind", test_sync_point_rewind);
  g_test_add_func ("/sync-point/json", test_sync_point_json);

  return g_test_run ();
}
