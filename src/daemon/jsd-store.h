/* jsd-store.h: one application's store, exported on the bus
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define JSD_STORE_INTERFACE "org.justsync.Sync1.Store"

#define JSD_TYPE_STORE (jsd_store_get_type ())

G_DECLARE_FINAL_TYPE (JsdStore, jsd_store, JSD, STORE, GObject)

JsdStore   *jsd_store_new                 (GDBusConnection        *connection,
                                           const char             *object_path,
                                           const char             *app_id,
                                           const char             *name,
                                           const char             *directory);
const char *jsd_store_get_object_path     (JsdStore               *self);
gboolean    jsd_store_get_open            (JsdStore               *self);
gboolean    jsd_store_get_busy            (JsdStore               *self);
gint64      jsd_store_get_unused_since    (JsdStore               *self);
void        jsd_store_add_client          (JsdStore               *self,
                                           const char             *sender);
void        jsd_store_remove_client       (JsdStore               *self,
                                           const char             *sender);
void        jsd_store_open_async          (JsdStore               *self,
                                           GVariant               *options,
                                           GCancellable           *cancellable,
                                           GAsyncReadyCallback     callback,
                                           gpointer                user_data);
gboolean    jsd_store_open_finish         (JsdStore               *self,
                                           GAsyncResult           *result,
                                           GError                **error);
void        jsd_store_close_async         (JsdStore               *self,
                                           GCancellable           *cancellable,
                                           GAsyncReadyCallback     callback,
                                           gpointer                user_data);
gboolean    jsd_store_close_finish        (JsdStore               *self,
                                           GAsyncResult           *result,
                                           GError                **error);
void        jsd_store_set_over_quota      (JsdStore               *self,
                                           gboolean                over_quota);
void        jsd_store_handle_method_call  (JsdStore               *self,
                                           GDBusMethodInvocation  *invocation);
void        jsd_store_return_error        (GDBusMethodInvocation  *invocation,
                                           const GError           *error);

G_END_DECLS
