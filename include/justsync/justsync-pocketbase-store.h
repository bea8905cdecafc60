/* justsync-pocketbase-store.h
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#if !defined(JUST_SYNC_INSIDE) && !defined(JUST_SYNC_COMPILATION)
# error "Only <justsync/justsync.h> can be included directly."
#endif

#include "justsync-remote-store.h"

G_BEGIN_DECLS

/**
 * JUST_SYNC_POCKETBASE_MAX_PAGE_SIZE:
 *
 * The most records PocketBase returns in one page (its `perPage` limit).
 */
#define JUST_SYNC_POCKETBASE_MAX_PAGE_SIZE 1000

#define JUST_SYNC_TYPE_POCKETBASE_STORE (just_sync_pocketbase_store_get_type ())

JUST_SYNC_AVAILABLE_IN_ALL
G_DECLARE_FINAL_TYPE (JustSyncPocketbaseStore, just_sync_pocketbase_store,
                      JUST_SYNC, POCKETBASE_STORE, GObject)

JUST_SYNC_AVAILABLE_IN_ALL
JustSyncPocketbaseStore *just_sync_pocketbase_store_new                   (const char              *base_url);
JUST_SYNC_AVAILABLE_IN_ALL
const char              *just_sync_pocketbase_store_get_base_url          (JustSyncPocketbaseStore *self);
JUST_SYNC_AVAILABLE_IN_ALL
const char              *just_sync_pocketbase_store_get_token             (JustSyncPocketbaseStore *self);
JUST_SYNC_AVAILABLE_IN_ALL
void                     just_sync_pocketbase_store_set_token             (JustSyncPocketbaseStore *self,
                                                                           const char              *token);
JUST_SYNC_AVAILABLE_IN_ALL
void                     just_sync_pocketbase_store_set_credentials       (JustSyncPocketbaseStore *self,
                                                                           const char              *auth_collection,
                                                                           const char              *identity,
                                                                           const char              *password);
JUST_SYNC_AVAILABLE_IN_ALL
const char              *just_sync_pocketbase_store_get_auth_collection   (JustSyncPocketbaseStore *self);
JUST_SYNC_AVAILABLE_IN_ALL
const char              *just_sync_pocketbase_store_get_identity          (JustSyncPocketbaseStore *self);
JUST_SYNC_AVAILABLE_IN_ALL
const char              *just_sync_pocketbase_store_get_user_id           (JustSyncPocketbaseStore *self);
JUST_SYNC_AVAILABLE_IN_ALL
void                     just_sync_pocketbase_store_set_collection        (JustSyncPocketbaseStore *self,
                                                                           const char              *scope_name,
                                                                           const char              *collection,
                                                                           const char              *soft_delete_field);
JUST_SYNC_AVAILABLE_IN_ALL
const char              *just_sync_pocketbase_store_get_collection        (JustSyncPocketbaseStore *self,
                                                                           const char              *scope_name);
JUST_SYNC_AVAILABLE_IN_ALL
const char              *just_sync_pocketbase_store_get_soft_delete_field (JustSyncPocketbaseStore *self);
JUST_SYNC_AVAILABLE_IN_ALL
void                     just_sync_pocketbase_store_set_soft_delete_field (JustSyncPocketbaseStore *self,
                                                                           const char              *field);
JUST_SYNC_AVAILABLE_IN_ALL
guint                    just_sync_pocketbase_store_get_page_size         (JustSyncPocketbaseStore *self);
JUST_SYNC_AVAILABLE_IN_ALL
void                     just_sync_pocketbase_store_set_page_size         (JustSyncPocketbaseStore *self,
                                                                           guint                    page_size);
JUST_SYNC_AVAILABLE_IN_ALL
guint                    just_sync_pocketbase_store_get_batch_size        (JustSyncPocketbaseStore *self);
JUST_SYNC_AVAILABLE_IN_ALL
void                     just_sync_pocketbase_store_set_batch_size        (JustSyncPocketbaseStore *self,
                                                                           guint                    batch_size);
JUST_SYNC_AVAILABLE_IN_ALL
guint                    just_sync_pocketbase_store_get_timeout           (JustSyncPocketbaseStore *self);
JUST_SYNC_AVAILABLE_IN_ALL
void                     just_sync_pocketbase_store_set_timeout           (JustSyncPocketbaseStore *self,
                                                                           guint                    seconds);
JUST_SYNC_AVAILABLE_IN_ALL
void                     just_sync_pocketbase_store_detect_fields_async   (JustSyncPocketbaseStore *self,
                                                                           const char              *collection,
                                                                           GCancellable            *cancellable,
                                                                           GAsyncReadyCallback      callback,
                                                                           gpointer                 user_data);
JUST_SYNC_AVAILABLE_IN_ALL
GStrv                    just_sync_pocketbase_store_detect_fields_finish  (JustSyncPocketbaseStore *self,
                                                                           GAsyncResult            *result,
                                                                           GError                 **error);

G_END_DECLS
