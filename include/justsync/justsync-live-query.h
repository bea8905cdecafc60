/* justsync-live-query.h
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#if !defined(JUST_SYNC_INSIDE) && !defined(JUST_SYNC_COMPILATION)
# error "Only <justsync/justsync.h> can be included directly."
#endif

#include <gio/gio.h>

#include "justsync-local-store.h"
#include "justsync-query.h"
#include "justsync-version-macros.h"

G_BEGIN_DECLS

#define JUST_SYNC_TYPE_LIVE_QUERY (just_sync_live_query_get_type ())

JUST_SYNC_AVAILABLE_IN_ALL
G_DECLARE_FINAL_TYPE (JustSyncLiveQuery, just_sync_live_query, JUST_SYNC, LIVE_QUERY, GObject)

JUST_SYNC_AVAILABLE_IN_ALL
JustSyncLiveQuery  *just_sync_live_query_new         (JustSyncLocalStore *store,
                                                      JustSyncQuery      *query);
JUST_SYNC_AVAILABLE_IN_ALL
JustSyncLiveQuery  *just_sync_live_query_new_for_bus (GDBusConnection    *connection,
                                                      const char         *bus_name,
                                                      const char         *object_path,
                                                      JustSyncQuery      *query);
JUST_SYNC_AVAILABLE_IN_ALL
JustSyncLocalStore *just_sync_live_query_get_store   (JustSyncLiveQuery  *self);
JUST_SYNC_AVAILABLE_IN_ALL
JustSyncQuery      *just_sync_live_query_get_query   (JustSyncLiveQuery  *self);
JUST_SYNC_AVAILABLE_IN_ALL
gboolean            just_sync_live_query_get_loading (JustSyncLiveQuery  *self);
JUST_SYNC_AVAILABLE_IN_ALL
const GError       *just_sync_live_query_get_error   (JustSyncLiveQuery  *self);

G_END_DECLS
