/* jsd-loopback-monitor.h: the network of a remote in the same process
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define JSD_TYPE_LOOPBACK_MONITOR (jsd_loopback_monitor_get_type ())

G_DECLARE_FINAL_TYPE (JsdLoopbackMonitor, jsd_loopback_monitor, JSD, LOOPBACK_MONITOR, GObject)

GNetworkMonitor *jsd_loopback_monitor_new (void);

G_END_DECLS
