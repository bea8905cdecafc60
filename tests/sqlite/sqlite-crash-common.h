/* sqlite-crash-common.h: what the crash child writes, so that the test
 * can tell what must be in the store.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <justsync/justsync.h>

/* 2023-11-14, a fixed clock for both sides. */
#define CRASH_BASE_TIME (G_GINT64_CONSTANT (1700000000) * G_USEC_PER_SEC)
#define CRASH_PAGE_ROWS 4

static inline JustSyncScope *
crash_scope (void)
{
  g_autoptr(JustSyncScope) scope = just_sync_scope_new ("crash", NULL);

  return just_sync_scope_with_key (scope, "user", "u1", NULL);
}

/* Remote page K holds rows sK-0 ... at CRASH_BASE_TIME + 10 K + row. */
static inline gint64
crash_page_time (gint64 page,
                 guint  row)
{
  return CRASH_BASE_TIME + page * 10 + row;
}

static inline char *
crash_page_id (gint64 page,
               guint  row)
{
  return g_strdup_printf ("s%" G_GINT64_FORMAT "-%u", page, row);
}

static inline gint64
crash_page_of (JustSyncSyncPoint *sync_point)
{
  return (just_sync_sync_point_get_updated_at (sync_point) - CRASH_BASE_TIME) / 10;
}
