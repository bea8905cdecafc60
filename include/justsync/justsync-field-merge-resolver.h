/* justsync-field-merge-resolver.h
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#if !defined(JUST_SYNC_INSIDE) && !defined(JUST_SYNC_COMPILATION)
# error "Only <justsync/justsync.h> can be included directly."
#endif

#include "justsync-conflict-resolver.h"

G_BEGIN_DECLS

#define JUST_SYNC_TYPE_FIELD_MERGE_RESOLVER (just_sync_field_merge_resolver_get_type ())

JUST_SYNC_AVAILABLE_IN_ALL
G_DECLARE_FINAL_TYPE (JustSyncFieldMergeResolver, just_sync_field_merge_resolver,
                      JUST_SYNC, FIELD_MERGE_RESOLVER, GObject)

JUST_SYNC_AVAILABLE_IN_ALL
JustSyncConflictResolver *just_sync_field_merge_resolver_new (void);

G_END_DECLS
