/* justsync-test-remote.h: fault injection and server control for
 * JustSyncMemoryRemoteStore, for the project's tests only (not installed).
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <justsync/justsync.h>

G_BEGIN_DECLS

JustSyncMemoryRemoteStore *just_sync_test_remote_new (void);

void  just_sync_test_remote_set_needs_network (JustSyncMemoryRemoteStore *remote,
                                               gboolean                   needs_network);
void  just_sync_test_remote_set_clock         (JustSyncMemoryRemoteStore *remote,
                                               gint64                     now);
void  just_sync_test_remote_advance_clock     (JustSyncMemoryRemoteStore *remote,
                                               gint64                     delta);
void  just_sync_test_remote_fail_calls        (JustSyncMemoryRemoteStore *remote,
                                               guint                      n_calls,
                                               JustSyncError              code,
                                               gboolean                   after_write);
void  just_sync_test_remote_reject_id         (JustSyncMemoryRemoteStore *remote,
                                               const char                *id,
                                               const char                *message);
void  just_sync_test_remote_refuse_id         (JustSyncMemoryRemoteStore *remote,
                                               const char                *id,
                                               JustSyncPushStatus         status,
                                               const char                *message);
void  just_sync_test_remote_cancel_on_push    (JustSyncMemoryRemoteStore *remote,
                                               GCancellable              *cancellable);
guint just_sync_test_remote_get_call_count    (JustSyncMemoryRemoteStore *remote);

G_END_DECLS
