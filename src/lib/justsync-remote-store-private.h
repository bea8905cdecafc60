/* justsync-remote-store-private.h
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include "justsync-remote-store.h"

G_BEGIN_DECLS

void   _just_sync_remote_store_note_retry_after (JustSyncRemoteStore *self,
                                                 GTimeSpan            delay);
gint64 _just_sync_remote_store_get_not_before   (JustSyncRemoteStore *self);

G_END_DECLS
