/* justsync-timestamp.h
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#if !defined(JUST_SYNC_INSIDE) && !defined(JUST_SYNC_COMPILATION)
# error "Only <justsync/justsync.h> can be included directly."
#endif

#include <glib.h>

#include "justsync-enums.h"
#include "justsync-version-macros.h"

G_BEGIN_DECLS

/**
 * JUST_SYNC_TIMESTAMP_MAX:
 *
 * The largest timestamp JustSync accepts: 9999-12-31T23:59:59.999999Z, in
 * microseconds since the Unix epoch. Timestamps are never negative.
 */
#define JUST_SYNC_TIMESTAMP_MAX G_GINT64_CONSTANT (253402300799999999)

JUST_SYNC_AVAILABLE_IN_ALL
gboolean   just_sync_timestamp_parse          (const char               *text,
                                               gint64                   *out_usec,
                                               GError                  **error);
JUST_SYNC_AVAILABLE_IN_ALL
char      *just_sync_timestamp_format         (gint64                    usec,
                                               JustSyncTimestampFormat   format);
JUST_SYNC_AVAILABLE_IN_ALL
gboolean   just_sync_timestamp_is_valid       (gint64                    usec);
JUST_SYNC_AVAILABLE_IN_ALL
GDateTime *just_sync_timestamp_to_date_time   (gint64                    usec);
JUST_SYNC_AVAILABLE_IN_ALL
gint64     just_sync_timestamp_from_date_time (GDateTime                *date_time);
JUST_SYNC_AVAILABLE_IN_ALL
gint64     just_sync_timestamp_now            (void);

G_END_DECLS
