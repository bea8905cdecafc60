/* justsync-conflict-resolver.h
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#if !defined(JUST_SYNC_INSIDE) && !defined(JUST_SYNC_COMPILATION)
# error "Only <justsync/justsync.h> can be included directly."
#endif

#include <glib-object.h>

#include "justsync-enums.h"
#include "justsync-record.h"
#include "justsync-version-macros.h"

G_BEGIN_DECLS

#define JUST_SYNC_TYPE_CONFLICT_RESOLVER (just_sync_conflict_resolver_get_type ())

JUST_SYNC_AVAILABLE_IN_ALL
G_DECLARE_INTERFACE (JustSyncConflictResolver, just_sync_conflict_resolver,
                     JUST_SYNC, CONFLICT_RESOLVER, GObject)

/**
 * JustSyncConflictResolverInterface:
 * @resolve: picks the winner of a local and a remote version of one record.
 *   It must be deterministic (the same two versions always give the same
 *   answer, whatever order they arrived in) and quick. JustSync's stores
 *   call it on the main context that started the apply, while the page's
 *   transaction is open, so a resolver written in any language works, but
 *   it must not call back into the store.
 * @merge: (nullable): optionally combines both versions with the version
 *   they both started from, field by field; returns the merged record, or
 *   %NULL to let @resolve pick a side. Called before @resolve, under the
 *   same rules. Since: 0.2
 *
 * The virtual methods of [iface@JustSync.ConflictResolver].
 */
struct _JustSyncConflictResolverInterface
{
  GTypeInterface parent_iface;

  JustSyncResolution (*resolve) (JustSyncConflictResolver *self,
                                 JustSyncRecord           *local,
                                 JustSyncRecord           *remote);
  JustSyncRecord    *(*merge)   (JustSyncConflictResolver *self,
                                 JustSyncRecord           *base,
                                 JustSyncRecord           *local,
                                 JustSyncRecord           *remote);
};

JUST_SYNC_AVAILABLE_IN_ALL
JustSyncResolution just_sync_conflict_resolver_resolve (JustSyncConflictResolver *self,
                                                        JustSyncRecord           *local,
                                                        JustSyncRecord           *remote);

JUST_SYNC_AVAILABLE_IN_ALL
JustSyncRecord    *just_sync_conflict_resolver_merge   (JustSyncConflictResolver *self,
                                                        JustSyncRecord           *base,
                                                        JustSyncRecord           *local,
                                                        JustSyncRecord           *remote);

G_END_DECLS
