/* justsync-live-query-private.h
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include "justsync-live-query.h"

G_BEGIN_DECLS

/* For tests: whether every change announced so far is in the model. */
gboolean _just_sync_live_query_is_settled (JustSyncLiveQuery *self);

G_END_DECLS
