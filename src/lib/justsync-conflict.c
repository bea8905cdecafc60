/* justsync-conflict.c
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "justsync-conflict.h"
#include "justsync-enum-types.h"
#include "justsync-error.h"
#include "justsync-json-private.h"

/**
 * JustSyncConflict:
 *
 * A conflict the sync found: a local change and a remote version of the same
 * record that were made independently, the resolver's choice and when it was
 * made. Local stores keep them, so an app can show or undo what lost.
 */

struct _JustSyncConflict
{
  gatomicrefcount ref_count;
  JustSyncRecord *local;
  JustSyncRecord *remote;
  JustSyncResolution resolution;
  gint64 resolved_at;
};

G_DEFINE_BOXED_TYPE (JustSyncConflict, just_sync_conflict, just_sync_conflict_ref, just_sync_conflict_unref)

/**
 * just_sync_conflict_new:
 * @local: the local version
 * @remote: the remote version, with the same id
 * @resolution: which one won
 * @resolved_at: when, in microseconds since the epoch
 *
 * Records a resolved conflict.
 *
 * Returns: (transfer full): a new conflict
 */
JustSyncConflict *
just_sync_conflict_new (JustSyncRecord     *local,
                        JustSyncRecord     *remote,
                        JustSyncResolution  resolution,
                        gint64              resolved_at)
{
  JustSyncConflict *self;

  g_return_val_if_fail (local != NULL, NULL);
  g_return_val_if_fail (remote != NULL, NULL);
  g_return_val_if_fail (strcmp (just_sync_record_get_id (local),
                                just_sync_record_get_id (remote)) == 0, NULL);
  g_return_val_if_fail (resolution == JUST_SYNC_RESOLUTION_LOCAL ||
                        resolution == JUST_SYNC_RESOLUTION_REMOTE, NULL);

  self = g_new0 (JustSyncConflict, 1);
  g_atomic_ref_count_init (&self->ref_count);
  self->local = just_sync_record_ref (local);
  self->remote = just_sync_record_ref (remote);
  self->resolution = resolution;
  self->resolved_at = resolved_at;
  return self;
}

/**
 * just_sync_conflict_from_json:
 * @node: `{"local", "remote", "resolution", "resolved_at"}`
 * @error: return location for an error
 *
 * Reads a Conflict back from the JSON form that
 * [method@JustSync.Conflict.to_json] writes.
 *
 * Returns: (transfer full): the conflict, or %NULL with
 *   %JUST_SYNC_ERROR_INVALID_ARGUMENT
 */
JustSyncConflict *
just_sync_conflict_from_json (JsonNode  *node,
                              GError   **error)
{
  g_autoptr(JustSyncRecord) local = NULL;
  g_autoptr(JustSyncRecord) remote = NULL;
  JsonNode *local_node, *remote_node;
  JsonObject *object;
  gint64 resolved_at;
  int resolution;

  g_return_val_if_fail (node != NULL, NULL);

  if ((object = _just_sync_json_get_object (node, _("A conflict"), error)) == NULL ||
      !_just_sync_json_get_enum (object, "resolution", JUST_SYNC_TYPE_RESOLUTION, &resolution, error) ||
      !_just_sync_json_get_timestamp (object, "resolved_at", &resolved_at, error) ||
      (local_node = _just_sync_json_get_member (object, "local", error)) == NULL ||
      (remote_node = _just_sync_json_get_member (object, "remote", error)) == NULL ||
      (local = just_sync_record_from_json (local_node, error)) == NULL ||
      (remote = just_sync_record_from_json (remote_node, error)) == NULL)
    return NULL;

  if (strcmp (just_sync_record_get_id (local), just_sync_record_get_id (remote)) != 0)
    {
      g_set_error_literal (error, JUST_SYNC_ERROR, JUST_SYNC_ERROR_INVALID_ARGUMENT,
                           _("The two sides of a conflict must be the same record"));
      return NULL;
    }

  return just_sync_conflict_new (local, remote, resolution, resolved_at);
}

/**
 * just_sync_conflict_ref:
 * @self: a conflict
 *
 * Acquires a reference on @self; release it with
 * [method@JustSync.Conflict.unref].
 *
 * Returns: (transfer full): @self
 */
JustSyncConflict *
just_sync_conflict_ref (JustSyncConflict *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  g_atomic_ref_count_inc (&self->ref_count);
  return self;
}

/**
 * just_sync_conflict_unref:
 * @self: (transfer full): a conflict
 *
 * Releases a reference.
 */
void
just_sync_conflict_unref (JustSyncConflict *self)
{
  g_return_if_fail (self != NULL);

  if (g_atomic_ref_count_dec (&self->ref_count))
    {
      just_sync_record_unref (self->local);
      just_sync_record_unref (self->remote);
      g_free (self);
    }
}

/**
 * just_sync_conflict_get_record_id:
 * @self: a conflict
 *
 * Gets the id of the record in conflict.
 *
 * Returns: the id of the record both versions belong to
 */
const char *
just_sync_conflict_get_record_id (JustSyncConflict *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return just_sync_record_get_id (self->local);
}

/**
 * just_sync_conflict_get_local:
 * @self: a conflict
 *
 * Gets the local side of the conflict: the version on this device when the
 * remote one arrived.
 *
 * Returns: (transfer none): the local version
 */
JustSyncRecord *
just_sync_conflict_get_local (JustSyncConflict *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->local;
}

/**
 * just_sync_conflict_get_remote:
 * @self: a conflict
 *
 * Gets the remote side of the conflict: the server's version.
 *
 * Returns: (transfer none): the remote version
 */
JustSyncRecord *
just_sync_conflict_get_remote (JustSyncConflict *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->remote;
}

/**
 * just_sync_conflict_get_winner:
 * @self: a conflict
 *
 * Gets the version that was kept, in the local store and on the server.
 *
 * Returns: (transfer none): the version that was kept
 */
JustSyncRecord *
just_sync_conflict_get_winner (JustSyncConflict *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->resolution == JUST_SYNC_RESOLUTION_LOCAL ? self->local : self->remote;
}

/**
 * just_sync_conflict_get_loser:
 * @self: a conflict
 *
 * Gets the version that lost; it is kept in the conflict log only.
 *
 * Returns: (transfer none): the version that lost
 */
JustSyncRecord *
just_sync_conflict_get_loser (JustSyncConflict *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->resolution == JUST_SYNC_RESOLUTION_LOCAL ? self->remote : self->local;
}

/**
 * just_sync_conflict_get_resolution:
 * @self: a conflict
 *
 * Tells which side the [iface@JustSync.ConflictResolver] chose.
 *
 * Returns: which side won
 */
JustSyncResolution
just_sync_conflict_get_resolution (JustSyncConflict *self)
{
  g_return_val_if_fail (self != NULL, JUST_SYNC_RESOLUTION_REMOTE);

  return self->resolution;
}

/**
 * just_sync_conflict_get_resolved_at:
 * @self: a conflict
 *
 * Gets the time the conflict was resolved, in microseconds since the Unix
 * epoch.
 *
 * Returns: when the conflict was resolved, in microseconds since the epoch
 */
gint64
just_sync_conflict_get_resolved_at (JustSyncConflict *self)
{
  g_return_val_if_fail (self != NULL, 0);

  return self->resolved_at;
}

/**
 * just_sync_conflict_to_json:
 * @self: a conflict
 *
 * Serializes @self to JSON, the form [func@JustSync.Conflict.from_json]
 * reads back.
 *
 * Returns: (transfer full): `{"local", "remote", "resolution", "resolved_at"}`
 */
JsonNode *
just_sync_conflict_to_json (JustSyncConflict *self)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  g_return_val_if_fail (self != NULL, NULL);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "local");
  json_builder_add_value (builder, just_sync_record_to_json (self->local));
  json_builder_set_member_name (builder, "remote");
  json_builder_add_value (builder, just_sync_record_to_json (self->remote));
  json_builder_set_member_name (builder, "resolution");
  json_builder_add_string_value (builder,
                                 _just_sync_enum_to_nick (JUST_SYNC_TYPE_RESOLUTION, self->resolution));
  _just_sync_json_set_timestamp (builder, "resolved_at", self->resolved_at);
  json_builder_end_object (builder);
  return json_builder_get_root (builder);
}
