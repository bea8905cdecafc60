/* justsync-conflict-resolver.c
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include "justsync-conflict-resolver.h"

/**
 * JustSyncConflictResolver:
 *
 * Picks the winner when a pull finds that a record changed on the server
 * while a local change of it was waiting to be pushed. The default is
 * [class@JustSync.LastWriteWinsResolver]; apps with domain rules implement their own.
 */

G_DEFINE_INTERFACE (JustSyncConflictResolver, just_sync_conflict_resolver, G_TYPE_OBJECT)

static void
just_sync_conflict_resolver_default_init (JustSyncConflictResolverInterface *iface)
{
}

/**
 * just_sync_conflict_resolver_resolve:
 * @self: a [iface@JustSync.ConflictResolver]
 * @local: the local version, with its pending change
 * @remote: the server's version
 *
 * Picks the version to keep. The loser is recorded as a [struct@JustSync.Conflict].
 *
 * Returns: which version wins
 */
JustSyncResolution
just_sync_conflict_resolver_resolve (JustSyncConflictResolver *self,
                                     JustSyncRecord           *local,
                                     JustSyncRecord           *remote)
{
  g_return_val_if_fail (JUST_SYNC_IS_CONFLICT_RESOLVER (self), JUST_SYNC_RESOLUTION_REMOTE);
  g_return_val_if_fail (local != NULL, JUST_SYNC_RESOLUTION_REMOTE);
  g_return_val_if_fail (remote != NULL, JUST_SYNC_RESOLUTION_REMOTE);

  return JUST_SYNC_CONFLICT_RESOLVER_GET_IFACE (self)->resolve (self, local, remote);
}

/**
 * just_sync_conflict_resolver_merge:
 * @self: a [iface@JustSync.ConflictResolver]
 * @base: the version both sides started from
 * @local: the local version, with its pending change
 * @remote: the server's version
 *
 * Asks @self to combine the two versions field by field, when it can.
 * Resolvers without a merge return %NULL, and so does one that finds no
 * merge (a side deleted the record, say); the store then calls
 * [method@JustSync.ConflictResolver.resolve].
 *
 * Returns: (transfer full) (nullable): the merged record, or %NULL
 */
JustSyncRecord *
just_sync_conflict_resolver_merge (JustSyncConflictResolver *self,
                                   JustSyncRecord           *base,
                                   JustSyncRecord           *local,
                                   JustSyncRecord           *remote)
{
  JustSyncConflictResolverInterface *iface;

  g_return_val_if_fail (JUST_SYNC_IS_CONFLICT_RESOLVER (self), NULL);
  g_return_val_if_fail (base != NULL, NULL);
  g_return_val_if_fail (local != NULL, NULL);
  g_return_val_if_fail (remote != NULL, NULL);

  iface = JUST_SYNC_CONFLICT_RESOLVER_GET_IFACE (self);
  return iface->merge != NULL ? iface->merge (self, base, local, remote) : NULL;
}
