/* justsync-sync-point.c
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <glib/gi18n-lib.h>

#include "justsync-error.h"
#include "justsync-json-private.h"
#include "justsync-sync-point.h"
#include "justsync-timestamp.h"

/**
 * JustSyncSyncPoint:
 *
 * The checkpoint of a scope: the server time (`updated_at`) of the newest
 * change applied and the id of that row, which break ties between rows
 * stamped in the same instant. Pulls continue after it, keyset style:
 * rows whose (`updated_at`, id) is greater.
 */

struct _JustSyncSyncPoint
{
  gatomicrefcount ref_count;
  gint64 updated_at;
  char *last_id;
};

G_DEFINE_BOXED_TYPE (JustSyncSyncPoint, just_sync_sync_point,
                     just_sync_sync_point_ref, just_sync_sync_point_unref)

/**
 * just_sync_sync_point_new:
 * @updated_at: a server time in microseconds since the epoch
 * @last_id: (nullable): the id of the last row at that time, or %NULL for
 *   "before every row of that time"
 *
 * Creates a sync point.
 *
 * Returns: (transfer full): a new sync point
 */
JustSyncSyncPoint *
just_sync_sync_point_new (gint64      updated_at,
                          const char *last_id)
{
  JustSyncSyncPoint *self;

  g_return_val_if_fail (just_sync_timestamp_is_valid (updated_at), NULL);

  self = g_new0 (JustSyncSyncPoint, 1);
  g_atomic_ref_count_init (&self->ref_count);
  self->updated_at = updated_at;
  self->last_id = g_strdup (last_id != NULL && last_id[0] != '\0' ? last_id : NULL);
  return self;
}

/**
 * just_sync_sync_point_from_json:
 * @node: `{"updated_at": "RFC 3339", "last_id": "…" | null}`
 * @error: return location for an error
 *
 * Reads a SyncPoint back from the JSON form that
 * [method@JustSync.SyncPoint.to_json] writes.
 *
 * Returns: (transfer full): the sync point, or %NULL with
 *   %JUST_SYNC_ERROR_INVALID_ARGUMENT
 */
JustSyncSyncPoint *
just_sync_sync_point_from_json (JsonNode  *node,
                                GError   **error)
{
  JsonObject *object;
  const char *last_id;
  gint64 updated_at;

  g_return_val_if_fail (node != NULL, NULL);

  if ((object = _just_sync_json_get_object (node, _("A sync point"), error)) == NULL ||
      !_just_sync_json_get_timestamp (object, "updated_at", &updated_at, error) ||
      !_just_sync_json_get_string (object, "last_id", TRUE, &last_id, error))
    return NULL;

  return just_sync_sync_point_new (updated_at, last_id);
}

/**
 * just_sync_sync_point_ref:
 * @self: a sync point
 *
 * Acquires a reference on @self; release it with
 * [method@JustSync.SyncPoint.unref].
 *
 * Returns: (transfer full): @self
 */
JustSyncSyncPoint *
just_sync_sync_point_ref (JustSyncSyncPoint *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  g_atomic_ref_count_inc (&self->ref_count);
  return self;
}

/**
 * just_sync_sync_point_unref:
 * @self: (transfer full): a sync point
 *
 * Releases a reference.
 */
void
just_sync_sync_point_unref (JustSyncSyncPoint *self)
{
  g_return_if_fail (self != NULL);

  if (g_atomic_ref_count_dec (&self->ref_count))
    {
      g_free (self->last_id);
      g_free (self);
    }
}

/**
 * just_sync_sync_point_get_updated_at:
 * @self: a sync point
 *
 * Gets the server time up to which changes were pulled, in microseconds
 * since the Unix epoch.
 *
 * Returns: the server time of the checkpoint
 */
gint64
just_sync_sync_point_get_updated_at (JustSyncSyncPoint *self)
{
  g_return_val_if_fail (self != NULL, 0);

  return self->updated_at;
}

/**
 * just_sync_sync_point_get_last_id:
 * @self: a sync point
 *
 * Gets the id of the last record pulled at the sync point's time: the second
 * half of the keyset cursor.
 *
 * Returns: (nullable): the id of the last row at the checkpoint's time
 */
const char *
just_sync_sync_point_get_last_id (JustSyncSyncPoint *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->last_id;
}

/**
 * just_sync_sync_point_rewind:
 * @self: a sync point
 * @window: the overlap window in microseconds
 *
 * Returns the point @window before @self, before every row of that time,
 * from which a pull re-reads rows that committed late with older stamps.
 *
 * Returns: (transfer full): the rewound sync point
 */
JustSyncSyncPoint *
just_sync_sync_point_rewind (JustSyncSyncPoint *self,
                             gint64             window)
{
  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (window >= 0, NULL);

  if (window == 0)
    return just_sync_sync_point_ref (self);
  return just_sync_sync_point_new (MAX (self->updated_at - window, 0), NULL);
}

/**
 * just_sync_sync_point_compare:
 * @self: a sync point
 * @updated_at: a row's time
 * @id: a row's id
 *
 * Compares the checkpoint with a row's (`updated_at`, @id) in keyset order.
 *
 * Returns: negative if the row comes after the checkpoint (a pull from
 *   @self returns it), 0 if it is the checkpoint's row, positive if before
 */
int
just_sync_sync_point_compare (JustSyncSyncPoint *self,
                              gint64             updated_at,
                              const char        *id)
{
  g_return_val_if_fail (self != NULL, 0);
  g_return_val_if_fail (id != NULL, 0);

  if (self->updated_at != updated_at)
    return self->updated_at < updated_at ? -1 : 1;
  if (self->last_id == NULL)
    return -1;
  return g_strcmp0 (self->last_id, id);
}

/**
 * just_sync_sync_point_to_json:
 * @self: a sync point
 *
 * Serializes @self to JSON, the form [func@JustSync.SyncPoint.from_json]
 * reads back.
 *
 * Returns: (transfer full): `{"updated_at", "last_id"}`
 */
JsonNode *
just_sync_sync_point_to_json (JustSyncSyncPoint *self)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  g_return_val_if_fail (self != NULL, NULL);

  json_builder_begin_object (builder);
  _just_sync_json_set_timestamp (builder, "updated_at", self->updated_at);
  json_builder_set_member_name (builder, "last_id");
  if (self->last_id != NULL)
    json_builder_add_string_value (builder, self->last_id);
  else
    json_builder_add_null_value (builder);
  json_builder_end_object (builder);
  return json_builder_get_root (builder);
}

/**
 * just_sync_sync_point_equal:
 * @a: (type JustSyncSyncPoint): a sync point
 * @b: (type JustSyncSyncPoint): another
 *
 * Compares two sync points.
 *
 * Returns: %TRUE if both name the same point
 */
gboolean
just_sync_sync_point_equal (gconstpointer a,
                            gconstpointer b)
{
  const JustSyncSyncPoint *pa = a, *pb = b;

  g_return_val_if_fail (a != NULL && b != NULL, FALSE);

  return pa->updated_at == pb->updated_at && g_strcmp0 (pa->last_id, pb->last_id) == 0;
}
