/* test-clock.c: the estimate of the server's clock (rule 5)
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "justsync-clock-private.h"
#include "justsync-test-util.h"

#define T0 (G_GINT64_CONSTANT (1700000000000000))

/* The first sample: the middle of what it allows. */
static void
test_first_sample (void)
{
  JustSyncClock clock = { 0 };

  g_assert_false (clock.measured);
  /* Sent at T0, answered at T0 + 100: the server said T0 + 1050. */
  g_assert_true (_just_sync_clock_add_sample (&clock, T0 + 1050, T0, T0 + 100));
  g_assert_true (clock.measured);
  g_assert_cmpint (clock.offset, ==, 1000);
  g_assert_cmpint (_just_sync_clock_now (&clock, T0), ==, T0 + 1000);
}

/* A sample whose interval holds the estimate keeps it; one that does not
 * moves it to the nearest bound only. */
static void
test_refine (void)
{
  JustSyncClock clock = { 0 };

  _just_sync_clock_add_sample (&clock, T0 + 1050, T0, T0 + 100);

  /* [900, 1100]: 1000 is inside. */
  g_assert_false (_just_sync_clock_add_sample (&clock, T0 + 1100, T0, T0 + 200));
  g_assert_cmpint (clock.offset, ==, 1000);

  /* [1020, 1030]: up to the low bound. */
  g_assert_true (_just_sync_clock_add_sample (&clock, T0 + 1030, T0, T0 + 10));
  g_assert_cmpint (clock.offset, ==, 1020);

  /* [-500, 500]: down to the high bound. */
  g_assert_true (_just_sync_clock_add_sample (&clock, T0 + 500, T0, T0 + 1000));
  g_assert_cmpint (clock.offset, ==, 500);
}

/* A slow reply allows a wide interval: it cannot move a good estimate. */
static void
test_slow_reply (void)
{
  JustSyncClock clock = { 0 };

  _just_sync_clock_add_sample (&clock, T0 + 5000, T0, T0 + 10);
  g_assert_cmpint (clock.offset, ==, 4995);
  /* [4980, 1005000] */
  g_assert_false (_just_sync_clock_add_sample (&clock, T0 + 5000, T0 - 1000000, T0 + 20));
  g_assert_cmpint (clock.offset, ==, 4995);
}

/* The time is clamped to valid timestamps. */
static void
test_now_clamped (void)
{
  JustSyncClock clock = { 0 };

  clock.offset = -T0;
  g_assert_cmpint (_just_sync_clock_now (&clock, T0 - 5), ==, 0);
  clock.offset = JUST_SYNC_TIMESTAMP_MAX;
  g_assert_cmpint (_just_sync_clock_now (&clock, 1), ==, JUST_SYNC_TIMESTAMP_MAX);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/clock/first-sample", test_first_sample);
  g_test_add_func ("/clock/refine", test_refine);
  g_test_add_func ("/clock/slow-reply", test_slow_reply);
  g_test_add_func ("/clock/now-clamped", test_now_clamped);

  return g_test_run ();
}
