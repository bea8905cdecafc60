/* justsync-supabase-store.h
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#if !defined(JUST_SYNC_INSIDE) && !defined(JUST_SYNC_COMPILATION)
# error "Only <justsync/justsync.h> can be included directly."
#endif

#include "justsync-remote-store.h"

G_BEGIN_DECLS

#define JUST_SYNC_TYPE_SUPABASE_STORE (just_sync_supabase_store_get_type ())

JUST_SYNC_AVAILABLE_IN_ALL
G_DECLARE_FINAL_TYPE (JustSyncSupabaseStore, just_sync_supabase_store,
                      JUST_SYNC, SUPABASE_STORE, GObject)

JUST_SYNC_AVAILABLE_IN_ALL
JustSyncSupabaseStore *just_sync_supabase_store_new                    (const char            *rest_url,
                                                                        const char            *api_key);
JUST_SYNC_AVAILABLE_IN_ALL
const char            *just_sync_supabase_store_get_rest_url           (JustSyncSupabaseStore *self);
JUST_SYNC_AVAILABLE_IN_ALL
const char            *just_sync_supabase_store_get_api_key            (JustSyncSupabaseStore *self);
JUST_SYNC_AVAILABLE_IN_ALL
void                   just_sync_supabase_store_set_api_key            (JustSyncSupabaseStore *self,
                                                                        const char            *api_key);
JUST_SYNC_AVAILABLE_IN_ALL
const char            *just_sync_supabase_store_get_access_token       (JustSyncSupabaseStore *self);
JUST_SYNC_AVAILABLE_IN_ALL
void                   just_sync_supabase_store_set_access_token       (JustSyncSupabaseStore *self,
                                                                        const char            *access_token);
JUST_SYNC_AVAILABLE_IN_ALL
const char            *just_sync_supabase_store_get_refresh_token      (JustSyncSupabaseStore *self);
JUST_SYNC_AVAILABLE_IN_ALL
void                   just_sync_supabase_store_set_refresh_token      (JustSyncSupabaseStore *self,
                                                                        const char            *refresh_token);
JUST_SYNC_AVAILABLE_IN_ALL
const char            *just_sync_supabase_store_get_auth_url           (JustSyncSupabaseStore *self);
JUST_SYNC_AVAILABLE_IN_ALL
void                   just_sync_supabase_store_set_auth_url           (JustSyncSupabaseStore *self,
                                                                        const char            *auth_url);
JUST_SYNC_AVAILABLE_IN_ALL
void                   just_sync_supabase_store_set_table              (JustSyncSupabaseStore *self,
                                                                        const char            *scope_name,
                                                                        const char            *table);
JUST_SYNC_AVAILABLE_IN_ALL
const char            *just_sync_supabase_store_get_table              (JustSyncSupabaseStore *self,
                                                                        const char            *scope_name);
JUST_SYNC_AVAILABLE_IN_ALL
const char            *just_sync_supabase_store_get_soft_delete_column (JustSyncSupabaseStore *self);
JUST_SYNC_AVAILABLE_IN_ALL
void                   just_sync_supabase_store_set_soft_delete_column (JustSyncSupabaseStore *self,
                                                                        const char            *column);
JUST_SYNC_AVAILABLE_IN_ALL
guint                  just_sync_supabase_store_get_page_size          (JustSyncSupabaseStore *self);
JUST_SYNC_AVAILABLE_IN_ALL
void                   just_sync_supabase_store_set_page_size          (JustSyncSupabaseStore *self,
                                                                        guint                  page_size);
JUST_SYNC_AVAILABLE_IN_ALL
guint                  just_sync_supabase_store_get_batch_size         (JustSyncSupabaseStore *self);
JUST_SYNC_AVAILABLE_IN_ALL
void                   just_sync_supabase_store_set_batch_size         (JustSyncSupabaseStore *self,
                                                                        guint                  batch_size);
JUST_SYNC_AVAILABLE_IN_ALL
guint                  just_sync_supabase_store_get_timeout            (JustSyncSupabaseStore *self);
JUST_SYNC_AVAILABLE_IN_ALL
void                   just_sync_supabase_store_set_timeout            (JustSyncSupabaseStore *self,
                                                                        guint                  seconds);

G_END_DECLS
