/* justsync-last-write-wins-resolver.h
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#if !defined(JUST_SYNC_INSIDE) && !defined(JUST_SYNC_COMPILATION)
# error "Only <justsync/justsync.h> can be included directly."
#endif

#include "justsync-conflict-resolver.h"

G_BEGIN_DECLS

#define JUST_SYNC_TYPE_LAST_WRITE_WINS_RESOLVER (just_sync_last_write_wins_resolver_get_type ())

JUST_SYNC_AVAILABLE_IN_ALL
G_DECLARE_FINAL_TYPE (JustSyncLastWriteWinsResolver, just_sync_last_write_wins_resolver,
                      JUST_SYNC, LAST_WRITE_WINS_RESOLVER, GObject)

JUST_SYNC_AVAILABLE_IN_ALL
JustSyncConflictResolver *just_sync_last_write_wins_resolver_new (void);

G_END_DECLS
