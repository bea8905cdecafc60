/* jsd-remote-config.h: what a store synchronizes with
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <justsync/justsync.h>

#include "jsd-credentials.h"

G_BEGIN_DECLS

typedef enum
{
  JSD_REMOTE_MEMORY,
  JSD_REMOTE_POCKETBASE,
  JSD_REMOTE_SUPABASE,
  JSD_REMOTE_APPWRITE,
} JsdRemoteKind;

typedef struct _JsdRemoteConfig JsdRemoteConfig;

JsdRemoteConfig     *jsd_remote_config_new_from_options   (GVariant         *options,
                                                           GError          **error);
JsdRemoteConfig     *jsd_remote_config_load               (const char       *path,
                                                           GError          **error);
gboolean             jsd_remote_config_save               (JsdRemoteConfig  *self,
                                                           const char       *path,
                                                           GError          **error);
void                 jsd_remote_config_free               (JsdRemoteConfig  *self);
gboolean             jsd_remote_config_equal              (JsdRemoteConfig  *self,
                                                           JsdRemoteConfig  *other);
JsdRemoteKind        jsd_remote_config_get_kind           (JsdRemoteConfig  *self);
const char          *jsd_remote_config_get_kind_name      (JsdRemoteConfig  *self);
const char          *jsd_remote_config_get_url            (JsdRemoteConfig  *self);
const char * const  *jsd_remote_config_get_collections    (JsdRemoteConfig  *self);
gboolean             jsd_remote_config_names_soft_delete_field (JsdRemoteConfig *self);
gboolean             jsd_remote_config_uses_credentials   (JsdRemoteConfig  *self);
JustSyncRemoteStore *jsd_remote_config_create_remote      (JsdRemoteConfig  *self);
gboolean             jsd_remote_config_apply_credentials  (JsdRemoteConfig      *self,
                                                           JustSyncRemoteStore  *remote,
                                                           JsdCredentials       *credentials,
                                                           GError              **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (JsdRemoteConfig, jsd_remote_config_free)

G_END_DECLS
