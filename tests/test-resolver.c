/* test-resolver.c
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "justsync-test-util.h"

#define T0 G_GINT64_CONSTANT (1700000000000000)

static JustSyncResolution
resolve (gint64 local_at,
         gint64 remote_at)
{
  g_autoptr(JustSyncConflictResolver) lww = just_sync_last_write_wins_resolver_new ();
  g_autoptr(JustSyncRecord) local = just_sync_test_record ("a", "{\"side\":\"local\"}", local_at);
  g_autoptr(JustSyncRecord) remote =
    just_sync_test_record ("a", "{\"side\":\"remote\"}", remote_at);

  return just_sync_conflict_resolver_resolve (lww, local, remote);
}

static void
test_newer_wins (void)
{
  g_assert_cmpint (resolve (T0 + 1, T0), ==, JUST_SYNC_RESOLUTION_LOCAL);
  g_assert_cmpint (resolve (T0, T0 + 1), ==, JUST_SYNC_RESOLUTION_REMOTE);
  g_assert_cmpint (resolve (T0 + G_USEC_PER_SEC, 0), ==, JUST_SYNC_RESOLUTION_LOCAL);
}

/* Equal stamps: the remote version wins, so that the two clients of a
 * conflict decide alike, whichever side each one holds. */
static void
test_equal_stamps (void)
{
  g_autoptr(JustSyncConflictResolver) lww = just_sync_last_write_wins_resolver_new ();
  g_autoptr(JustSyncRecord) x = just_sync_test_record ("a", "{\"v\":\"x\"}", T0);
  g_autoptr(JustSyncRecord) y = just_sync_test_record ("a", "{\"v\":\"y\"}", T0);
  g_autoptr(JustSyncRecord) tomb = just_sync_test_tombstone ("a", T0);

  g_assert_cmpint (resolve (T0, T0), ==, JUST_SYNC_RESOLUTION_REMOTE);
  g_assert_cmpint (just_sync_conflict_resolver_resolve (lww, x, y), ==, JUST_SYNC_RESOLUTION_REMOTE);
  g_assert_cmpint (just_sync_conflict_resolver_resolve (lww, y, x), ==, JUST_SYNC_RESOLUTION_REMOTE);
  g_assert_cmpint (just_sync_conflict_resolver_resolve (lww, tomb, x), ==, JUST_SYNC_RESOLUTION_REMOTE);
  g_assert_cmpint (just_sync_conflict_resolver_resolve (lww, x, tomb), ==, JUST_SYNC_RESOLUTION_REMOTE);
  /* The same two versions give the same answer every time. */
  for (guint i = 0; i < 10; i++)
    g_assert_cmpint (just_sync_conflict_resolver_resolve (lww, x, y), ==, JUST_SYNC_RESOLUTION_REMOTE);
}

static void
test_type (void)
{
  g_autoptr(JustSyncConflictResolver) lww = just_sync_last_write_wins_resolver_new ();

  g_assert_true (JUST_SYNC_IS_CONFLICT_RESOLVER (lww));
  g_assert_true (JUST_SYNC_IS_LAST_WRITE_WINS_RESOLVER (lww));
  g_assert_true (G_TYPE_IS_FINAL (JUST_SYNC_TYPE_LAST_WRITE_WINS_RESOLVER));
}

/* Field merge: what each side changed of the base survives. */
static JustSyncRecord *
merge (const char *base,
       const char *local,
       gint64      local_at,
       const char *remote,
       gint64      remote_at)
{
  g_autoptr(JustSyncConflictResolver) fm = just_sync_field_merge_resolver_new ();
  g_autoptr(JustSyncRecord) b = just_sync_test_record ("a", base, T0);
  g_autoptr(JustSyncRecord) l = just_sync_test_record ("a", local, local_at);
  g_autoptr(JustSyncRecord) r = just_sync_test_record ("a", remote, remote_at);

  return just_sync_conflict_resolver_merge (fm, b, l, r);
}

static void
assert_payload (JustSyncRecord *record,
                const char     *json)
{
  g_autoptr(JustSyncRecord) expected = just_sync_test_record ("a", json, T0);

  g_assert_nonnull (record);
  g_assert_cmpstr (just_sync_record_get_content_hash (record), ==,
                   just_sync_record_get_content_hash (expected));
}

static void
test_field_merge (void)
{
  g_autoptr(JustSyncRecord) disjoint = NULL;
  g_autoptr(JustSyncRecord) removed = NULL;
  g_autoptr(JustSyncRecord) local_later = NULL;
  g_autoptr(JustSyncRecord) remote_later = NULL;
  g_autoptr(JustSyncRecord) same = NULL;

  /* Disjoint edits: both kept, stamped with the later time. */
  disjoint = merge ("{\"a\":1,\"b\":1,\"c\":1}",
                    "{\"a\":2,\"b\":1,\"c\":1}", T0 + 1,
                    "{\"a\":1,\"b\":3,\"c\":1,\"d\":4}", T0 + 2);
  assert_payload (disjoint, "{\"a\":2,\"b\":3,\"c\":1,\"d\":4}");
  g_assert_cmpint (just_sync_record_get_updated_at (disjoint), ==, T0 + 2);

  /* A member removed on one side stays removed; one added stays. */
  removed = merge ("{\"a\":1,\"b\":1}",
                   "{\"b\":1,\"n\":[1,2]}", T0 + 1,
                   "{\"a\":1,\"b\":{\"x\":true}}", T0 + 2);
  assert_payload (removed, "{\"b\":{\"x\":true},\"n\":[1,2]}");

  /* Both changed one member: the later write has it. */
  local_later = merge ("{\"a\":1,\"b\":1}", "{\"a\":2,\"b\":1}", T0 + 3,
                       "{\"a\":3,\"b\":2}", T0 + 2);
  assert_payload (local_later, "{\"a\":2,\"b\":2}");
  remote_later = merge ("{\"a\":1,\"b\":1}", "{\"a\":2,\"b\":5}", T0 + 1,
                        "{\"a\":3,\"b\":1}", T0 + 2);
  assert_payload (remote_later, "{\"a\":3,\"b\":5}");

  /* Both made the same change: no disagreement. */
  same = merge ("{\"a\":1}", "{\"a\":2}", T0 + 1, "{\"a\":2}", T0 + 2);
  assert_payload (same, "{\"a\":2}");
}

/* A deleted side, or a resolver that cannot merge: no merge, resolve. */
static void
test_field_merge_falls_back (void)
{
  g_autoptr(JustSyncConflictResolver) fm = just_sync_field_merge_resolver_new ();
  g_autoptr(JustSyncConflictResolver) lww = just_sync_last_write_wins_resolver_new ();
  g_autoptr(JustSyncRecord) base = just_sync_test_record ("a", "{\"a\":1}", T0);
  g_autoptr(JustSyncRecord) local = just_sync_test_record ("a", "{\"a\":2}", T0 + 2);
  g_autoptr(JustSyncRecord) remote = just_sync_test_record ("a", "{\"b\":2}", T0 + 1);
  g_autoptr(JustSyncRecord) tomb = just_sync_test_tombstone ("a", T0 + 3);

  g_assert_null (just_sync_conflict_resolver_merge (fm, base, tomb, remote));
  g_assert_null (just_sync_conflict_resolver_merge (fm, base, local, tomb));
  g_assert_null (just_sync_conflict_resolver_merge (lww, base, local, remote));
  g_assert_cmpint (just_sync_conflict_resolver_resolve (fm, local, remote), ==,
                   JUST_SYNC_RESOLUTION_LOCAL);
  g_assert_cmpint (just_sync_conflict_resolver_resolve (fm, tomb, remote), ==,
                   JUST_SYNC_RESOLUTION_LOCAL);
  g_assert_cmpint (just_sync_conflict_resolver_resolve (fm, remote, local), ==,
                   JUST_SYNC_RESOLUTION_REMOTE);
  g_assert_true (G_TYPE_IS_FINAL (JUST_SYNC_TYPE_FIELD_MERGE_RESOLVER));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/last-write-wins/newer-wins", test_newer_wins);
  g_test_add_func ("/last-write-wins/equal-stamps", test_equal_stamps);
  g_test_add_func ("/last-write-wins/type", test_type);
  g_test_add_func ("/field-merge/merge", test_field_merge);
  g_test_add_func ("/field-merge/falls-back", test_field_merge_falls_back);

  return g_test_run ();
}
