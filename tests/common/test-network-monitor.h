/* test-network-monitor.h: a GNetworkMonitor whose availability and cost the
 * test sets
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define TEST_TYPE_NETWORK_MONITOR (test_network_monitor_get_type ())
G_DECLARE_FINAL_TYPE (TestNetworkMonitor, test_network_monitor, TEST, NETWORK_MONITOR, GObject)

TestNetworkMonitor *test_network_monitor_new           (gboolean            available);
void                test_network_monitor_set_available (TestNetworkMonitor *self,
                                                        gboolean            available);
void                test_network_monitor_set_metered   (TestNetworkMonitor *self,
                                                        gboolean            metered);

G_END_DECLS
