/* justsync-memory-local-store.h
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#if !defined(JUST_SYNC_INSIDE) && !defined(JUST_SYNC_COMPILATION)
# error "Only <justsync/justsync.h> can be included directly."
#endif

#include "justsync-local-store.h"

G_BEGIN_DECLS

#define JUST_SYNC_TYPE_MEMORY_LOCAL_STORE (just_sync_memory_local_store_get_type ())

JUST_SYNC_AVAILABLE_IN_ALL
G_DECLARE_FINAL_TYPE (JustSyncMemoryLocalStore, just_sync_memory_local_store,
                      JUST_SYNC, MEMORY_LOCAL_STORE, GObject)

JUST_SYNC_AVAILABLE_IN_ALL
JustSyncLocalStore *just_sync_memory_local_store_new (void);

G_END_DECLS
