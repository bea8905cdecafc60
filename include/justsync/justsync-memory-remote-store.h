/* justsync-memory-remote-store.h
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#if !defined(JUST_SYNC_INSIDE) && !defined(JUST_SYNC_COMPILATION)
# error "Only <justsync/justsync.h> can be included directly."
#endif

#include "justsync-remote-store.h"

G_BEGIN_DECLS

#define JUST_SYNC_TYPE_MEMORY_REMOTE_STORE (just_sync_memory_remote_store_get_type ())

JUST_SYNC_AVAILABLE_IN_ALL
G_DECLARE_FINAL_TYPE (JustSyncMemoryRemoteStore, just_sync_memory_remote_store,
                      JUST_SYNC, MEMORY_REMOTE_STORE, GObject)

JUST_SYNC_AVAILABLE_IN_ALL
JustSyncMemoryRemoteStore *just_sync_memory_remote_store_new              (void);
JUST_SYNC_AVAILABLE_IN_ALL
void            just_sync_memory_remote_store_set_latency     (JustSyncMemoryRemoteStore *self,
                                                               guint                      msec);
JUST_SYNC_AVAILABLE_IN_ALL
void            just_sync_memory_remote_store_set_page_limit  (JustSyncMemoryRemoteStore *self,
                                                               guint                      limit);
JUST_SYNC_AVAILABLE_IN_ALL
void            just_sync_memory_remote_store_set_keeps_tombstones (JustSyncMemoryRemoteStore *self,
                                                               gboolean                   keeps_tombstones);
JUST_SYNC_AVAILABLE_IN_ALL
void            just_sync_memory_remote_store_set_reachable   (JustSyncMemoryRemoteStore *self,
                                                               gboolean                   reachable);
JUST_SYNC_AVAILABLE_IN_ALL
JustSyncRecord *just_sync_memory_remote_store_server_upsert   (JustSyncMemoryRemoteStore *self,
                                                               JustSyncScope             *scope,
                                                               const char                *id,
                                                               JsonObject                *payload,
                                                               gint64                     updated_at);
JUST_SYNC_AVAILABLE_IN_ALL
JustSyncRecord *just_sync_memory_remote_store_server_delete   (JustSyncMemoryRemoteStore *self,
                                                               JustSyncScope             *scope,
                                                               const char                *id);
JUST_SYNC_AVAILABLE_IN_ALL
JustSyncRecord *just_sync_memory_remote_store_server_get      (JustSyncMemoryRemoteStore *self,
                                                               JustSyncScope             *scope,
                                                               const char                *id);
JUST_SYNC_AVAILABLE_IN_ALL
GPtrArray      *just_sync_memory_remote_store_server_list     (JustSyncMemoryRemoteStore *self,
                                                               JustSyncScope             *scope);

G_END_DECLS
