/* justsync-last-write-wins-resolver.c
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include "justsync-last-write-wins-resolver.h"

/**
 * JustSyncLastWriteWinsResolver:
 *
 * The default [iface@JustSync.ConflictResolver]: the version with the later
 * `updated_at` wins. Local changes are stamped with the server-corrected
 * clock, so both sides are on the server's time line. When the times are
 * equal the remote version wins, so every client decides the same way
 * whatever order the versions reached it in.
 */

struct _JustSyncLastWriteWinsResolver
{
  GObject parent_instance;
};

static void resolver_iface_init (JustSyncConflictResolverInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (JustSyncLastWriteWinsResolver, just_sync_last_write_wins_resolver,
                               G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (JUST_SYNC_TYPE_CONFLICT_RESOLVER,
                                                      resolver_iface_init))

static JustSyncResolution
just_sync_last_write_wins_resolver_resolve (JustSyncConflictResolver *resolver,
                                            JustSyncRecord           *local,
                                            JustSyncRecord           *remote)
{
  return just_sync_record_get_updated_at (local) > just_sync_record_get_updated_at (remote)
         ? JUST_SYNC_RESOLUTION_LOCAL
         : JUST_SYNC_RESOLUTION_REMOTE;
}

static void
resolver_iface_init (JustSyncConflictResolverInterface *iface)
{
  iface->resolve = just_sync_last_write_wins_resolver_resolve;
}

static void
just_sync_last_write_wins_resolver_class_init (JustSyncLastWriteWinsResolverClass *klass)
{
}

static void
just_sync_last_write_wins_resolver_init (JustSyncLastWriteWinsResolver *self)
{
}

/**
 * just_sync_last_write_wins_resolver_new:
 *
 * Creates the last-write-wins resolver.
 *
 * Returns: (transfer full): a new resolver
 */
JustSyncConflictResolver *
just_sync_last_write_wins_resolver_new (void)
{
  return g_object_new (JUST_SYNC_TYPE_LAST_WRITE_WINS_RESOLVER, NULL);
}
