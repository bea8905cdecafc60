/* justsync-appwrite-store.h
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#if !defined(JUST_SYNC_INSIDE) && !defined(JUST_SYNC_COMPILATION)
# error "Only <justsync/justsync.h> can be included directly."
#endif

#include "justsync-remote-store.h"

G_BEGIN_DECLS

#define JUST_SYNC_TYPE_APPWRITE_STORE (just_sync_appwrite_store_get_type ())

JUST_SYNC_AVAILABLE_IN_ALL
G_DECLARE_FINAL_TYPE (JustSyncAppwriteStore, just_sync_appwrite_store,
                      JUST_SYNC, APPWRITE_STORE, GObject)

JUST_SYNC_AVAILABLE_IN_ALL
JustSyncAppwriteStore *just_sync_appwrite_store_new                       (const char            *endpoint,
                                                                           const char            *project,
                                                                           const char            *database);
JUST_SYNC_AVAILABLE_IN_ALL
const char            *just_sync_appwrite_store_get_endpoint              (JustSyncAppwriteStore *self);
JUST_SYNC_AVAILABLE_IN_ALL
const char            *just_sync_appwrite_store_get_project               (JustSyncAppwriteStore *self);
JUST_SYNC_AVAILABLE_IN_ALL
const char            *just_sync_appwrite_store_get_database              (JustSyncAppwriteStore *self);
JUST_SYNC_AVAILABLE_IN_ALL
const char            *just_sync_appwrite_store_get_api_key               (JustSyncAppwriteStore *self);
JUST_SYNC_AVAILABLE_IN_ALL
void                   just_sync_appwrite_store_set_api_key               (JustSyncAppwriteStore *self,
                                                                           const char            *api_key);
JUST_SYNC_AVAILABLE_IN_ALL
const char            *just_sync_appwrite_store_get_jwt                   (JustSyncAppwriteStore *self);
JUST_SYNC_AVAILABLE_IN_ALL
void                   just_sync_appwrite_store_set_jwt                   (JustSyncAppwriteStore *self,
                                                                           const char            *jwt);
JUST_SYNC_AVAILABLE_IN_ALL
const char            *just_sync_appwrite_store_get_session               (JustSyncAppwriteStore *self);
JUST_SYNC_AVAILABLE_IN_ALL
void                   just_sync_appwrite_store_set_session               (JustSyncAppwriteStore *self,
                                                                           const char            *session);
JUST_SYNC_AVAILABLE_IN_ALL
const char            *just_sync_appwrite_store_get_response_format       (JustSyncAppwriteStore *self);
JUST_SYNC_AVAILABLE_IN_ALL
void                   just_sync_appwrite_store_set_response_format       (JustSyncAppwriteStore *self,
                                                                           const char            *version);
JUST_SYNC_AVAILABLE_IN_ALL
void                   just_sync_appwrite_store_set_collection            (JustSyncAppwriteStore *self,
                                                                           const char            *scope_name,
                                                                           const char            *collection);
JUST_SYNC_AVAILABLE_IN_ALL
const char            *just_sync_appwrite_store_get_collection            (JustSyncAppwriteStore *self,
                                                                           const char            *scope_name);
JUST_SYNC_AVAILABLE_IN_ALL
const char            *just_sync_appwrite_store_get_soft_delete_attribute (JustSyncAppwriteStore *self);
JUST_SYNC_AVAILABLE_IN_ALL
void                   just_sync_appwrite_store_set_soft_delete_attribute (JustSyncAppwriteStore *self,
                                                                           const char            *attribute);
JUST_SYNC_AVAILABLE_IN_ALL
gboolean               just_sync_appwrite_store_get_bulk_writes           (JustSyncAppwriteStore *self);
JUST_SYNC_AVAILABLE_IN_ALL
void                   just_sync_appwrite_store_set_bulk_writes           (JustSyncAppwriteStore *self,
                                                                           gboolean               bulk_writes);
JUST_SYNC_AVAILABLE_IN_ALL
guint                  just_sync_appwrite_store_get_page_size             (JustSyncAppwriteStore *self);
JUST_SYNC_AVAILABLE_IN_ALL
void                   just_sync_appwrite_store_set_page_size             (JustSyncAppwriteStore *self,
                                                                           guint                  page_size);
JUST_SYNC_AVAILABLE_IN_ALL
guint                  just_sync_appwrite_store_get_timeout               (JustSyncAppwriteStore *self);
JUST_SYNC_AVAILABLE_IN_ALL
void                   just_sync_appwrite_store_set_timeout               (JustSyncAppwriteStore *self,
                                                                           guint                  seconds);

G_END_DECLS
