/* justsync-cache-private.h: per-scope cache limits and LRU eviction
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include "justsync-local-store.h"
#include "justsync-scope.h"

G_BEGIN_DECLS

#define JUST_SYNC_TYPE_CACHE (_just_sync_cache_get_type ())
G_DECLARE_FINAL_TYPE (JustSyncCache, _just_sync_cache, JUST_SYNC, CACHE, GObject)

/* Called after an eviction removed @n_evicted rows of @scope. */
typedef void (*JustSyncCacheEvicted) (JustSyncScope *scope,
                                      guint          n_evicted,
                                      gpointer       user_data);

JustSyncCache *_just_sync_cache_new          (JustSyncLocalStore   *local,
                                              JustSyncCacheEvicted  evicted,
                                              gpointer              user_data);
void           _just_sync_cache_disconnect   (JustSyncCache        *self);
void           _just_sync_cache_set_limit    (JustSyncCache        *self,
                                              JustSyncScope        *scope,
                                              guint                 max_rows,
                                              guint64               max_bytes);
void           _just_sync_cache_touch        (JustSyncCache        *self,
                                              JustSyncScope        *scope,
                                              const char           *id);
void           _just_sync_cache_check        (JustSyncCache        *self,
                                              JustSyncScope        *scope);
gboolean       _just_sync_cache_hold         (JustSyncCache        *self,
                                              JustSyncScope        *scope);
void           _just_sync_cache_release      (JustSyncCache        *self,
                                              JustSyncScope        *scope);
gboolean       _just_sync_cache_is_partial   (JustSyncCache        *self,
                                              JustSyncScope        *scope);
void           _just_sync_cache_forget_async (JustSyncCache        *self,
                                              JustSyncScope        *scope,
                                              gint64                before,
                                              GCancellable         *cancellable,
                                              GAsyncReadyCallback   callback,
                                              gpointer              user_data);
gboolean       _just_sync_cache_forget_finish (JustSyncCache       *self,
                                               GAsyncResult        *result,
                                               GError             **error);

G_END_DECLS
