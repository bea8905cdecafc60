/* justsync-scope.h
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#if !defined(JUST_SYNC_INSIDE) && !defined(JUST_SYNC_COMPILATION)
# error "Only <justsync/justsync.h> can be included directly."
#endif

#include <json-glib/json-glib.h>

#include "justsync-version-macros.h"

G_BEGIN_DECLS

#define JUST_SYNC_TYPE_SCOPE (just_sync_scope_get_type ())

typedef struct _JustSyncScope JustSyncScope;

JUST_SYNC_AVAILABLE_IN_ALL
GType          just_sync_scope_get_type  (void) G_GNUC_CONST;
JUST_SYNC_AVAILABLE_IN_ALL
JustSyncScope *just_sync_scope_new       (const char           *name,
                                          GError              **error);
JUST_SYNC_AVAILABLE_IN_ALL
JustSyncScope *just_sync_scope_new_with_keys (const char       *name,
                                          GHashTable           *keys,
                                          GError              **error);
JUST_SYNC_AVAILABLE_IN_ALL
JustSyncScope *just_sync_scope_parse     (const char           *text,
                                          GError              **error);
JUST_SYNC_AVAILABLE_IN_ALL
JustSyncScope *just_sync_scope_from_json (JsonNode             *node,
                                          GError              **error);
JUST_SYNC_AVAILABLE_IN_ALL
JustSyncScope *just_sync_scope_ref       (JustSyncScope        *self);
JUST_SYNC_AVAILABLE_IN_ALL
void           just_sync_scope_unref     (JustSyncScope        *self);
JUST_SYNC_AVAILABLE_IN_ALL
JustSyncScope *just_sync_scope_with_key  (JustSyncScope        *self,
                                          const char           *key,
                                          const char           *value,
                                          GError              **error);
JUST_SYNC_AVAILABLE_IN_ALL
const char    *just_sync_scope_get_name  (JustSyncScope        *self);
JUST_SYNC_AVAILABLE_IN_ALL
const char    *just_sync_scope_get_key   (JustSyncScope        *self,
                                          const char           *key);
JUST_SYNC_AVAILABLE_IN_ALL
char         **just_sync_scope_dup_keys  (JustSyncScope        *self);
JUST_SYNC_AVAILABLE_IN_ALL
guint          just_sync_scope_get_n_keys (JustSyncScope       *self);
JUST_SYNC_AVAILABLE_IN_ALL
const char    *just_sync_scope_to_string (JustSyncScope        *self);
JUST_SYNC_AVAILABLE_IN_ALL
JsonNode      *just_sync_scope_to_json   (JustSyncScope        *self);
JUST_SYNC_AVAILABLE_IN_ALL
gboolean       just_sync_scope_equal     (gconstpointer         a,
                                          gconstpointer         b);
JUST_SYNC_AVAILABLE_IN_ALL
guint          just_sync_scope_hash      (gconstpointer         self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (JustSyncScope, just_sync_scope_unref)

G_END_DECLS
