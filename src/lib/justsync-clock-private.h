/* justsync-clock-private.h: the estimate of the server's clock
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* The offset of the server's clock from the local one, in microseconds,
 * learnt from server stamps taken at known local times (rule 5 of
 * DESIGN.md). Plain data: zero-initialise it. */
typedef struct
{
  GTimeSpan offset;
  gboolean measured;
} JustSyncClock;

gboolean _just_sync_clock_add_sample (JustSyncClock *clock,
                                      gint64         stamp,
                                      gint64         t0,
                                      gint64         t1);
gint64   _just_sync_clock_now        (const JustSyncClock *clock,
                                      gint64               local_now);

G_END_DECLS
