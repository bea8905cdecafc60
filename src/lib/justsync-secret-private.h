/* justsync-secret-private.h
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include "justsync-secret.h"

G_BEGIN_DECLS

char     *_just_sync_secret_dup_session   (JustSyncRemoteStore  *remote);
gboolean  _just_sync_secret_apply_session (JustSyncRemoteStore  *remote,
                                           const char           *session,
                                           GError              **error);

G_END_DECLS
