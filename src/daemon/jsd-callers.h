/* jsd-callers.h: the identities of the service's clients
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <gio/gio.h>

#include "jsd-app-info.h"

G_BEGIN_DECLS

#define JSD_TYPE_CALLERS (jsd_callers_get_type ())

G_DECLARE_FINAL_TYPE (JsdCallers, jsd_callers, JSD, CALLERS, GObject)

JsdCallers *jsd_callers_new            (GDBusConnection      *connection,
                                        const char           *proc_root);
void        jsd_callers_lookup_async   (JsdCallers           *self,
                                        const char           *sender,
                                        GCancellable         *cancellable,
                                        GAsyncReadyCallback   callback,
                                        gpointer              user_data);
JsdAppInfo *jsd_callers_lookup_finish  (JsdCallers           *self,
                                        GAsyncResult         *result,
                                        GError              **error);
JsdAppInfo *jsd_callers_peek           (JsdCallers           *self,
                                        const char           *sender);
guint       jsd_callers_get_n_callers  (JsdCallers           *self);

G_END_DECLS
