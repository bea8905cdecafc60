/* jsd-loopback-monitor.c: the network of a remote in the same process
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The memory remote lives in the process that syncs with it, so it is
 * always reachable, even on a machine without a network: an orchestrator
 * syncing with it follows this monitor instead of the system's, which
 * would call such a machine offline.
 */

#include "config.h"

#include "jsd-loopback-monitor.h"

struct _JsdLoopbackMonitor
{
  GObject parent_instance;
};

enum {
  PROP_0,
  PROP_NETWORK_AVAILABLE,
  PROP_NETWORK_METERED,
  PROP_CONNECTIVITY,
};

static void jsd_loopback_monitor_iface_init (GNetworkMonitorInterface *iface);
static void jsd_loopback_monitor_initable_iface_init (GInitableIface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (JsdLoopbackMonitor, jsd_loopback_monitor, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_INITABLE,
                                                      jsd_loopback_monitor_initable_iface_init)
                               G_IMPLEMENT_INTERFACE (G_TYPE_NETWORK_MONITOR,
                                                      jsd_loopback_monitor_iface_init))

static gboolean
jsd_loopback_monitor_can_reach (GNetworkMonitor     *monitor,
                                GSocketConnectable  *connectable,
                                GCancellable        *cancellable,
                                GError             **error)
{
  return TRUE;
}

static void
jsd_loopback_monitor_iface_init (GNetworkMonitorInterface *iface)
{
  iface->can_reach = jsd_loopback_monitor_can_reach;
}

static gboolean
jsd_loopback_monitor_initable_init (GInitable     *initable,
                                    GCancellable  *cancellable,
                                    GError       **error)
{
  return TRUE;
}

static void
jsd_loopback_monitor_initable_iface_init (GInitableIface *iface)
{
  iface->init = jsd_loopback_monitor_initable_init;
}

static void
jsd_loopback_monitor_get_property (GObject    *object,
                                   guint       prop_id,
                                   GValue     *value,
                                   GParamSpec *pspec)
{
  switch (prop_id)
    {
    case PROP_NETWORK_AVAILABLE:
      g_value_set_boolean (value, TRUE);
      break;
    case PROP_NETWORK_METERED:
      g_value_set_boolean (value, FALSE);
      break;
    case PROP_CONNECTIVITY:
      g_value_set_enum (value, G_NETWORK_CONNECTIVITY_FULL);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
jsd_loopback_monitor_class_init (JsdLoopbackMonitorClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->get_property = jsd_loopback_monitor_get_property;

  g_object_class_override_property (object_class, PROP_NETWORK_AVAILABLE, "network-available");
  g_object_class_override_property (object_class, PROP_NETWORK_METERED, "network-metered");
  g_object_class_override_property (object_class, PROP_CONNECTIVITY, "connectivity");
}

static void
jsd_loopback_monitor_init (JsdLoopbackMonitor *self)
{
}

GNetworkMonitor *
jsd_loopback_monitor_new (void)
{
  return g_object_new (JSD_TYPE_LOOPBACK_MONITOR, NULL);
}
