/* justsync-memory-remote-store-private.h
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include "justsync-memory-remote-store.h"

G_BEGIN_DECLS

/*
 * JustSyncMemoryRemoteControl:
 * @begin_call: called before every call does any work. Return %FALSE with
 *   @error set to fail the call at once; return %TRUE with @error set to do
 *   the call's work and then fail it (a lost reply)
 * @push_status: how a push of @id is answered: %JUST_SYNC_PUSH_WRITTEN to
 *   write it, any other status (with @message) to refuse it unwritten
 * @now: the server clock in microseconds, or 0 for the real clock
 * @needs_network: whether the engine must treat the server as remote
 *
 * The hooks of the tests' fault injection (tests/common/justsync-test-remote.c).
 * Every hook may be %NULL.
 */
typedef struct
{
  gboolean           (*begin_call)    (gpointer     user_data,
                                       GError     **error);
  JustSyncPushStatus (*push_status)   (gpointer     user_data,
                                       const char  *id,
                                       const char **message);
  gint64             (*now)           (gpointer     user_data);
  gboolean           (*needs_network) (gpointer     user_data);
} JustSyncMemoryRemoteControl;

void     _just_sync_memory_remote_store_set_control      (JustSyncMemoryRemoteStore         *self,
                                                          const JustSyncMemoryRemoteControl *control,
                                                          gpointer                           user_data,
                                                          GDestroyNotify                     destroy);
gpointer _just_sync_memory_remote_store_get_control_data (JustSyncMemoryRemoteStore         *self,
                                                          const JustSyncMemoryRemoteControl *control);

G_END_DECLS
