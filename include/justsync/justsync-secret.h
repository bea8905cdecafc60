/* justsync-secret.h
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#if !defined(JUST_SYNC_INSIDE) && !defined(JUST_SYNC_COMPILATION)
# error "Only <justsync/justsync.h> can be included directly."
#endif

#include "justsync-remote-store.h"

G_BEGIN_DECLS

JUST_SYNC_AVAILABLE_IN_ALL
void     just_sync_secret_save_session_async     (JustSyncRemoteStore  *remote,
                                                  const char           *app_id,
                                                  const char           *name,
                                                  GCancellable         *cancellable,
                                                  GAsyncReadyCallback   callback,
                                                  gpointer              user_data);
JUST_SYNC_AVAILABLE_IN_ALL
gboolean just_sync_secret_save_session_finish    (GAsyncResult         *result,
                                                  GError              **error);
JUST_SYNC_AVAILABLE_IN_ALL
void     just_sync_secret_restore_session_async  (JustSyncRemoteStore  *remote,
                                                  const char           *app_id,
                                                  const char           *name,
                                                  GCancellable         *cancellable,
                                                  GAsyncReadyCallback   callback,
                                                  gpointer              user_data);
JUST_SYNC_AVAILABLE_IN_ALL
gboolean just_sync_secret_restore_session_finish (GAsyncResult         *result,
                                                  GError              **error);
JUST_SYNC_AVAILABLE_IN_ALL
void     just_sync_secret_forget_session_async   (const char           *app_id,
                                                  const char           *name,
                                                  GCancellable         *cancellable,
                                                  GAsyncReadyCallback   callback,
                                                  gpointer              user_data);
JUST_SYNC_AVAILABLE_IN_ALL
gboolean just_sync_secret_forget_session_finish  (GAsyncResult         *result,
                                                  GError              **error);

G_END_DECLS
