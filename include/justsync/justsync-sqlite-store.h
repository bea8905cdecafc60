/* justsync-sqlite-store.h
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#if !defined(JUST_SYNC_INSIDE) && !defined(JUST_SYNC_COMPILATION)
# error "Only <justsync/justsync.h> can be included directly."
#endif

#include "justsync-local-store.h"

G_BEGIN_DECLS

#define JUST_SYNC_TYPE_SQLITE_STORE (just_sync_sqlite_store_get_type ())

JUST_SYNC_AVAILABLE_IN_ALL
G_DECLARE_FINAL_TYPE (JustSyncSqliteStore, just_sync_sqlite_store, JUST_SYNC, SQLITE_STORE, GObject)

JUST_SYNC_AVAILABLE_IN_ALL
void                 just_sync_sqlite_store_new_async               (const char           *path,
                                                                     gboolean              durable,
                                                                     GCancellable         *cancellable,
                                                                     GAsyncReadyCallback   callback,
                                                                     gpointer              user_data);
JUST_SYNC_AVAILABLE_IN_ALL
JustSyncSqliteStore *just_sync_sqlite_store_new_finish              (GAsyncResult         *result,
                                                                     GError              **error);
JUST_SYNC_AVAILABLE_IN_ALL
JustSyncSqliteStore *just_sync_sqlite_store_new_sync                (const char           *path,
                                                                     gboolean              durable,
                                                                     GCancellable         *cancellable,
                                                                     GError              **error);
JUST_SYNC_AVAILABLE_IN_ALL
const char          *just_sync_sqlite_store_get_path                (JustSyncSqliteStore  *self);
JUST_SYNC_AVAILABLE_IN_ALL
gboolean             just_sync_sqlite_store_get_durable             (JustSyncSqliteStore  *self);
JUST_SYNC_AVAILABLE_IN_ALL
void                 just_sync_sqlite_store_close_async             (JustSyncSqliteStore  *self,
                                                                     GCancellable         *cancellable,
                                                                     GAsyncReadyCallback   callback,
                                                                     gpointer              user_data);
JUST_SYNC_AVAILABLE_IN_ALL
gboolean             just_sync_sqlite_store_close_finish            (JustSyncSqliteStore  *self,
                                                                     GAsyncResult         *result,
                                                                     GError              **error);
JUST_SYNC_AVAILABLE_IN_ALL
void                 just_sync_sqlite_store_count_async             (JustSyncSqliteStore  *self,
                                                                     JustSyncScope        *scope,
                                                                     GCancellable         *cancellable,
                                                                     GAsyncReadyCallback   callback,
                                                                     gpointer              user_data);
JUST_SYNC_AVAILABLE_IN_ALL
guint                just_sync_sqlite_store_count_finish            (JustSyncSqliteStore  *self,
                                                                     GAsyncResult         *result,
                                                                     GError              **error);
JUST_SYNC_AVAILABLE_IN_ALL
void                 just_sync_sqlite_store_query_filter_async      (JustSyncSqliteStore  *self,
                                                                     JustSyncScope        *scope,
                                                                     const char           *field,
                                                                     const char           *value_json,
                                                                     const char           *order_by,
                                                                     gboolean              descending,
                                                                     guint                 limit,
                                                                     GCancellable         *cancellable,
                                                                     GAsyncReadyCallback   callback,
                                                                     gpointer              user_data);
JUST_SYNC_AVAILABLE_IN_ALL
GPtrArray           *just_sync_sqlite_store_query_filter_finish     (JustSyncSqliteStore  *self,
                                                                     GAsyncResult         *result,
                                                                     GError              **error);
JUST_SYNC_AVAILABLE_IN_ALL
void                 just_sync_sqlite_store_purge_tombstones_async  (JustSyncSqliteStore  *self,
                                                                     JustSyncScope        *scope,
                                                                     GTimeSpan             older_than,
                                                                     GCancellable         *cancellable,
                                                                     GAsyncReadyCallback   callback,
                                                                     gpointer              user_data);
JUST_SYNC_AVAILABLE_IN_ALL
guint                just_sync_sqlite_store_purge_tombstones_finish (JustSyncSqliteStore  *self,
                                                                     GAsyncResult         *result,
                                                                     GError              **error);

JUST_SYNC_AVAILABLE_IN_ALL
void                 just_sync_sqlite_store_list_damaged_async      (JustSyncSqliteStore  *self,
                                                                     JustSyncScope        *scope,
                                                                     GCancellable         *cancellable,
                                                                     GAsyncReadyCallback   callback,
                                                                     gpointer              user_data);
JUST_SYNC_AVAILABLE_IN_ALL
GVariant            *just_sync_sqlite_store_list_damaged_finish     (JustSyncSqliteStore  *self,
                                                                     GAsyncResult         *result,
                                                                     GError              **error);
JUST_SYNC_AVAILABLE_IN_ALL
void                 just_sync_sqlite_store_delete_damaged_async    (JustSyncSqliteStore  *self,
                                                                     JustSyncScope        *scope,
                                                                     GCancellable         *cancellable,
                                                                     GAsyncReadyCallback   callback,
                                                                     gpointer              user_data);
JUST_SYNC_AVAILABLE_IN_ALL
guint                just_sync_sqlite_store_delete_damaged_finish   (JustSyncSqliteStore  *self,
                                                                     GAsyncResult         *result,
                                                                     GError              **error);

G_END_DECLS
