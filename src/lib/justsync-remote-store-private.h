/* justsync-remote-store-private.h
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <json-glib/json-glib.h>

#include "justsync-remote-store.h"

G_BEGIN_DECLS

void   _just_sync_remote_store_note_retry_after (JustSyncRemoteStore *self,
                                                 GTimeSpan            delay);
gint64 _just_sync_remote_store_get_not_before   (JustSyncRemoteStore *self);

void        _just_sync_remote_store_update_auth (JustSyncRemoteStore *self,
                                                 const char          *user_id,
                                                 gboolean             authenticated);
JsonObject *_just_sync_jwt_dup_claims           (const char          *token);
gint64      _just_sync_jwt_claims_get_time      (JsonObject          *claims,
                                                 const char          *name);

G_END_DECLS
