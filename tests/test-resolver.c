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

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/last-write-wins/newer-wins", test_newer_wins);
  g_test_add_func ("/last-write-wins/equal-stamps", test_equal_stamps);
  g_test_add_func ("/last-write-wins/type", test_type);

  return g_test_run ();
}
