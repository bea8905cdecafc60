/* justsync-clock.c: the estimate of the server's clock
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include "justsync-clock-private.h"
#include "justsync-timestamp.h"

/*
 * _just_sync_clock_add_sample:
 * @clock: the estimate
 * @stamp: a server time, in microseconds since the epoch, taken by the
 *   server while a request was out
 * @t0: the local time (g_get_real_time()) the request was sent
 * @t1: the local time its reply came
 *
 * A stamp taken between @t0 and @t1 bounds the offset: it lies in
 * [@stamp - @t1, @stamp - @t0]. The first sample sets the middle of that
 * interval; later ones keep the estimate when it is inside and move it to
 * the nearest bound when not. The stamps of servers with coarser clocks
 * only ever widen the interval, so they never pull a good estimate away.
 *
 * Returns: whether the offset changed
 */
gboolean
_just_sync_clock_add_sample (JustSyncClock *clock,
                             gint64         stamp,
                             gint64         t0,
                             gint64         t1)
{
  GTimeSpan low = stamp - t1, high = stamp - t0, offset = clock->offset;

  g_return_val_if_fail (t0 <= t1, FALSE);

  if (!clock->measured)
    offset = low + (high - low) / 2;
  else if (offset < low)
    offset = low;
  else if (offset > high)
    offset = high;

  clock->measured = TRUE;
  if (offset == clock->offset)
    return FALSE;
  clock->offset = offset;
  return TRUE;
}

/*
 * _just_sync_clock_now:
 * @clock: the estimate
 * @local_now: the local time, g_get_real_time()
 *
 * Returns: the server's time at @local_now, in microseconds since the
 *   epoch, clamped to valid timestamps
 */
gint64
_just_sync_clock_now (const JustSyncClock *clock,
                      gint64               local_now)
{
  return CLAMP (local_now + clock->offset, 0, JUST_SYNC_TIMESTAMP_MAX);
}
