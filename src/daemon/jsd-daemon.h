/* jsd-daemon.h: the org.justsync.Sync1 service
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define JSD_BUS_NAME    "org.justsync.Sync1"
#define JSD_OBJECT_PATH "/org/justsync/Sync1"

#define JSD_TYPE_DAEMON (jsd_daemon_get_type ())

G_DECLARE_FINAL_TYPE (JsdDaemon, jsd_daemon, JSD, DAEMON, GObject)

/* How long the service waits, and how much it serves. */
typedef struct
{
  guint idle_timeout;         /* seconds without clients before exiting; 0: never */
  guint store_idle_timeout;   /* seconds before a store without clients closes */
  guint max_stores;           /* open stores, in all */
  guint max_stores_per_app;
  guint64 quota_per_app;      /* bytes of an application's files; 0: no quota */
} JsdDaemonLimits;

JsdDaemon *jsd_daemon_new          (GDBusConnection        *connection,
                                    const char             *data_dir,
                                    const char             *proc_root,
                                    const JsdDaemonLimits  *limits,
                                    GError                **error);
void       jsd_daemon_close_async  (JsdDaemon           *self,
                                    GAsyncReadyCallback  callback,
                                    gpointer             user_data);
gboolean   jsd_daemon_close_finish (JsdDaemon           *self,
                                    GAsyncResult        *result,
                                    GError             **error);

G_END_DECLS
