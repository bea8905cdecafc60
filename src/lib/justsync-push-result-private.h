/* justsync-push-result-private.h
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include "justsync-pending-op.h"
#include "justsync-push-result.h"

G_BEGIN_DECLS

/* What a remote store's push engine adds to its results, one op at a time:
 * shared by every backend so the shapes of a result stay one. */
void _just_sync_push_results_add_failed    (GPtrArray          *results,
                                            JustSyncPendingOp  *op,
                                            JustSyncPushStatus  status,
                                            const char         *message,
                                            gint64              retry_after);
void _just_sync_push_results_add_written   (GPtrArray          *results,
                                            JustSyncPendingOp  *op,
                                            JustSyncRecord     *reply);
void _just_sync_push_results_add_tombstone (GPtrArray          *results,
                                            JustSyncPendingOp  *op,
                                            gint64              when);

G_END_DECLS
