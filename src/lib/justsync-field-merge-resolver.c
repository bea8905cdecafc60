/* justsync-field-merge-resolver.c
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include "justsync-field-merge-resolver.h"
#include "justsync-json-private.h"
#include "justsync-last-write-wins-resolver.h"

/**
 * JustSyncFieldMergeResolver:
 *
 * A [iface@JustSync.ConflictResolver] that keeps the edits of both sides when they
 * touched different top-level fields of the payload. It compares each
 * side with the version both started from (the base, which the local
 * stores keep with a pending change): a field only the local change
 * touched takes the local value (or is removed), a field only the server
 * touched keeps the server's, and a field both changed to different values
 * goes to the later write, as with [class@JustSync.LastWriteWinsResolver].
 * The merged record is stamped with the later of the two times and is
 * pushed as the pending change; the conflict is recorded as resolved for
 * the local side.
 *
 * When a side deleted the record, or no base is known (the record was
 * created locally), it falls back to last-write-wins.
 */

struct _JustSyncFieldMergeResolver
{
  GObject parent_instance;
};

static void resolver_iface_init (JustSyncConflictResolverInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (JustSyncFieldMergeResolver, just_sync_field_merge_resolver,
                               G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (JUST_SYNC_TYPE_CONFLICT_RESOLVER,
                                                      resolver_iface_init))

static JustSyncResolution
just_sync_field_merge_resolver_resolve (JustSyncConflictResolver *resolver,
                                        JustSyncRecord           *local,
                                        JustSyncRecord           *remote)
{
  g_autoptr(JustSyncConflictResolver) lww = just_sync_last_write_wins_resolver_new ();

  return just_sync_conflict_resolver_resolve (lww, local, remote);
}

/* Whether two members (either may be missing) hold the same value. */
static gboolean
same_member (JsonObject *a,
             JsonObject *b,
             const char *name)
{
  JsonNode *x = json_object_get_member (a, name);
  JsonNode *y = json_object_get_member (b, name);
  g_autofree char *cx = NULL;
  g_autofree char *cy = NULL;

  if (x == NULL || y == NULL)
    return x == y;
  cx = _just_sync_json_canonical (x);
  cy = _just_sync_json_canonical (y);
  return g_strcmp0 (cx, cy) == 0;
}

static void
take_local (JsonObject *merged,
            JsonObject *local,
            const char *name)
{
  JsonNode *value = json_object_get_member (local, name);

  if (value == NULL)
    json_object_remove_member (merged, name);
  else
    json_object_set_member (merged, name, json_node_copy (value));
}

static JustSyncRecord *
just_sync_field_merge_resolver_merge (JustSyncConflictResolver *resolver,
                                      JustSyncRecord           *base,
                                      JustSyncRecord           *local,
                                      JustSyncRecord           *remote)
{
  JsonObject *b = just_sync_record_get_payload (base);
  JsonObject *l = just_sync_record_get_payload (local);
  JsonObject *r = just_sync_record_get_payload (remote);
  gboolean local_newer = just_sync_field_merge_resolver_resolve (resolver, local, remote)
                         == JUST_SYNC_RESOLUTION_LOCAL;
  g_autoptr(JsonObject) merged = NULL;
  g_autoptr(GHashTable) names = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GList) base_names = NULL;
  g_autoptr(GList) local_names = NULL;
  GHashTableIter iter;
  const char *name;

  if (just_sync_record_is_deleted (base) || just_sync_record_is_deleted (local) ||
      just_sync_record_is_deleted (remote))
    return NULL;

  merged = _just_sync_json_object_copy (r);
  base_names = json_object_get_members (b);
  local_names = json_object_get_members (l);
  for (GList *n = base_names; n != NULL; n = n->next)
    g_hash_table_add (names, n->data);
  for (GList *n = local_names; n != NULL; n = n->next)
    g_hash_table_add (names, n->data);

  g_hash_table_iter_init (&iter, names);
  while (g_hash_table_iter_next (&iter, (gpointer *) &name, NULL))
    {
      gboolean remote_changed;

      if (same_member (l, b, name))
        continue;
      remote_changed = !same_member (r, b, name) && !same_member (r, l, name);
      if (!remote_changed || local_newer)
        take_local (merged, l, name);
    }

  return just_sync_record_new (just_sync_record_get_id (local), merged,
                               MAX (just_sync_record_get_updated_at (local),
                                    just_sync_record_get_updated_at (remote)),
                               0, NULL);
}

static void
resolver_iface_init (JustSyncConflictResolverInterface *iface)
{
  iface->resolve = just_sync_field_merge_resolver_resolve;
  iface->merge = just_sync_field_merge_resolver_merge;
}

static void
just_sync_field_merge_resolver_class_init (JustSyncFieldMergeResolverClass *klass)
{
}

static void
just_sync_field_merge_resolver_init (JustSyncFieldMergeResolver *self)
{
}

/**
 * just_sync_field_merge_resolver_new:
 *
 * Creates a resolver that merges non-overlapping field edits.
 *
 * Returns: (transfer full): a new resolver
 */
JustSyncConflictResolver *
just_sync_field_merge_resolver_new (void)
{
  return g_object_new (JUST_SYNC_TYPE_FIELD_MERGE_RESOLVER, NULL);
}
