/* jsd-app-info.h: who is calling
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* The application id of callers that are not in a sandbox and do not name
 * the application they act for. */
#define JSD_UNSANDBOXED_APP_ID "unsandboxed"

typedef struct _JsdAppInfo JsdAppInfo;

JsdAppInfo *jsd_app_info_new_for_pid   (const char  *proc_root,
                                        guint32      pid,
                                        gint64       connected_before,
                                        GError     **error);
gboolean    jsd_app_info_verify        (JsdAppInfo  *self,
                                        const char  *proc_root,
                                        GError     **error);
JsdAppInfo *jsd_app_info_ref           (JsdAppInfo  *self);
void        jsd_app_info_unref         (JsdAppInfo  *self);
const char *jsd_app_info_get_app_id    (JsdAppInfo  *self);
gboolean    jsd_app_info_is_sandboxed  (JsdAppInfo  *self);
gboolean    jsd_app_info_may_act_for   (JsdAppInfo  *self,
                                        const char  *app_id);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (JsdAppInfo, jsd_app_info_unref)

G_END_DECLS
