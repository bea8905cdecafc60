/* justsync-orchestrator-private.h
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include "justsync-orchestrator.h"

G_BEGIN_DECLS

void _just_sync_orchestrator_set_system_bus (JustSyncOrchestrator *self,
                                             GDBusConnection      *bus);
guint _just_sync_orchestrator_get_n_scopes  (JustSyncOrchestrator *self);

G_END_DECLS
