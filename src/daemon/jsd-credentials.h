/* jsd-credentials.h: secrets to log in to a remote
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

typedef struct _JsdCredentials JsdCredentials;

JsdCredentials *jsd_credentials_new_from_options (GVariant             *options,
                                                  GError              **error);
void            jsd_credentials_free             (JsdCredentials       *self);
const char     *jsd_credentials_get_password     (JsdCredentials       *self);
const char     *jsd_credentials_get_token        (JsdCredentials       *self);

void            jsd_credentials_store_async      (JsdCredentials       *self,
                                                  const char           *app_id,
                                                  const char           *store_name,
                                                  const char           *url,
                                                  GCancellable         *cancellable,
                                                  GAsyncReadyCallback   callback,
                                                  gpointer              user_data);
gboolean        jsd_credentials_store_finish     (GAsyncResult         *result,
                                                  GError              **error);
void            jsd_credentials_lookup_async     (const char           *app_id,
                                                  const char           *store_name,
                                                  const char           *url,
                                                  GCancellable         *cancellable,
                                                  GAsyncReadyCallback   callback,
                                                  gpointer              user_data);
JsdCredentials *jsd_credentials_lookup_finish    (GAsyncResult         *result,
                                                  GError              **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (JsdCredentials, jsd_credentials_free)

G_END_DECLS
