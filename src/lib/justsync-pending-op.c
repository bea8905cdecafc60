/* justsync-pending-op.c
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "justsync-enum-types.h"
#include "justsync-error.h"
#include "justsync-json-private.h"
#include "justsync-pending-op.h"

/**
 * JustSyncPendingOp:
 *
 * A local change waiting to be pushed: an upsert or a delete of one record,
 * with the sequence number the local store gave it, the base version it was
 * made on (see [method@JustSync.Record.dup_version]), how often pushing it was
 * attempted, its state and the last error. A failed operation is parked,
 * never dropped, until it is retried or discarded.
 */

struct _JustSyncPendingOp
{
  gatomicrefcount ref_count;
  gint64 seq;
  JustSyncOpKind kind;
  JustSyncRecord *record;
  char *base_version;
  guint attempts;
  JustSyncOpState state;
  char *last_error;
};

G_DEFINE_BOXED_TYPE (JustSyncPendingOp, just_sync_pending_op,
                     just_sync_pending_op_ref, just_sync_pending_op_unref)

/**
 * just_sync_pending_op_new:
 * @seq: the sequence number the local store assigned, or 0 before that
 * @kind: what the operation does
 * @record: the record as written; a tombstone for a delete
 * @base_version: (nullable): the server version the change was made on, or
 *   %NULL for a record the server never had
 * @attempts: how many pushes were attempted
 * @state: the operation's state
 * @last_error: (nullable): the last push error
 *
 * Creates a pending operation. Local stores create them; apps read them.
 *
 * Returns: (transfer full): a new pending operation
 */
JustSyncPendingOp *
just_sync_pending_op_new (gint64           seq,
                          JustSyncOpKind   kind,
                          JustSyncRecord  *record,
                          const char      *base_version,
                          guint            attempts,
                          JustSyncOpState  state,
                          const char      *last_error)
{
  JustSyncPendingOp *self;

  g_return_val_if_fail (seq >= 0, NULL);
  g_return_val_if_fail (kind == JUST_SYNC_OP_UPSERT || kind == JUST_SYNC_OP_DELETE, NULL);
  g_return_val_if_fail (record != NULL, NULL);
  g_return_val_if_fail (state == JUST_SYNC_OP_STATE_QUEUED || state == JUST_SYNC_OP_STATE_FAILED, NULL);

  self = g_new0 (JustSyncPendingOp, 1);
  g_atomic_ref_count_init (&self->ref_count);
  self->seq = seq;
  self->kind = kind;
  self->record = just_sync_record_ref (record);
  self->base_version = g_strdup (base_version);
  self->attempts = attempts;
  self->state = state;
  self->last_error = g_strdup (last_error);
  return self;
}

/**
 * just_sync_pending_op_from_json:
 * @node: a JSON object as [method@JustSync.PendingOp.to_json] writes it
 * @error: return location for an error
 *
 * Reads a PendingOp back from the JSON form that
 * [method@JustSync.PendingOp.to_json] writes.
 *
 * Returns: (transfer full): the operation, or %NULL with
 *   %JUST_SYNC_ERROR_INVALID_ARGUMENT
 */
JustSyncPendingOp *
just_sync_pending_op_from_json (JsonNode  *node,
                                GError   **error)
{
  g_autoptr(JustSyncRecord) record = NULL;
  JsonNode *record_node;
  JsonObject *object;
  const char *base_version, *last_error;
  gint64 seq, attempts;
  int kind, state;

  g_return_val_if_fail (node != NULL, NULL);

  if ((object = _just_sync_json_get_object (node, _("A pending operation"), error)) == NULL ||
      !_just_sync_json_get_int (object, "seq", &seq, error) ||
      !_just_sync_json_get_enum (object, "kind", JUST_SYNC_TYPE_OP_KIND, &kind, error) ||
      !_just_sync_json_get_string (object, "base_version", TRUE, &base_version, error) ||
      !_just_sync_json_get_int (object, "attempts", &attempts, error) ||
      !_just_sync_json_get_enum (object, "state", JUST_SYNC_TYPE_OP_STATE, &state, error) ||
      !_just_sync_json_get_string (object, "last_error", TRUE, &last_error, error))
    return NULL;

  if (seq < 0 || attempts < 0 || attempts > G_MAXUINT)
    {
      g_set_error_literal (error, JUST_SYNC_ERROR, JUST_SYNC_ERROR_INVALID_ARGUMENT,
                           _("A pending operation has a negative sequence or attempt count"));
      return NULL;
    }

  if ((record_node = _just_sync_json_get_member (object, "record", error)) == NULL ||
      (record = just_sync_record_from_json (record_node, error)) == NULL)
    return NULL;

  return just_sync_pending_op_new (seq, kind, record, base_version, (guint) attempts, state, last_error);
}

/**
 * just_sync_pending_op_ref:
 * @self: a pending operation
 *
 * Acquires a reference on @self; release it with
 * [method@JustSync.PendingOp.unref].
 *
 * Returns: (transfer full): @self
 */
JustSyncPendingOp *
just_sync_pending_op_ref (JustSyncPendingOp *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  g_atomic_ref_count_inc (&self->ref_count);
  return self;
}

/**
 * just_sync_pending_op_unref:
 * @self: (transfer full): a pending operation
 *
 * Releases a reference.
 */
void
just_sync_pending_op_unref (JustSyncPendingOp *self)
{
  g_return_if_fail (self != NULL);

  if (g_atomic_ref_count_dec (&self->ref_count))
    {
      just_sync_record_unref (self->record);
      g_free (self->base_version);
      g_free (self->last_error);
      g_free (self);
    }
}

/**
 * just_sync_pending_op_get_seq:
 * @self: a pending operation
 *
 * Gets the operation's place in the queue: operations are pushed in
 * increasing sequence.
 *
 * Returns: the sequence number; later changes have larger ones
 */
gint64
just_sync_pending_op_get_seq (JustSyncPendingOp *self)
{
  g_return_val_if_fail (self != NULL, 0);

  return self->seq;
}

/**
 * just_sync_pending_op_get_kind:
 * @self: a pending operation
 *
 * Gets what the operation does: upsert or delete.
 *
 * Returns: whether it upserts or deletes
 */
JustSyncOpKind
just_sync_pending_op_get_kind (JustSyncPendingOp *self)
{
  g_return_val_if_fail (self != NULL, JUST_SYNC_OP_UPSERT);

  return self->kind;
}

/**
 * just_sync_pending_op_get_record:
 * @self: a pending operation
 *
 * Gets the record as the operation writes it (a tombstone for a delete).
 *
 * Returns: (transfer none): the record as written
 */
JustSyncRecord *
just_sync_pending_op_get_record (JustSyncPendingOp *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->record;
}

/**
 * just_sync_pending_op_get_record_id:
 * @self: a pending operation
 *
 * Gets the id of the record the operation changes.
 *
 * Returns: the id of the record it changes
 */
const char *
just_sync_pending_op_get_record_id (JustSyncPendingOp *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return just_sync_record_get_id (self->record);
}

/**
 * just_sync_pending_op_get_base_version:
 * @self: a pending operation
 *
 * Gets the version of the server's record the local change was made on,
 * which tells a later conflict from an echo.
 *
 * Returns: (nullable): the server version the change was made on
 */
const char *
just_sync_pending_op_get_base_version (JustSyncPendingOp *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->base_version;
}

/**
 * just_sync_pending_op_get_attempts:
 * @self: a pending operation
 *
 * Gets how many times the operation was pushed without an answer that
 * settled it.
 *
 * Returns: how many pushes were attempted
 */
guint
just_sync_pending_op_get_attempts (JustSyncPendingOp *self)
{
  g_return_val_if_fail (self != NULL, 0);

  return self->attempts;
}

/**
 * just_sync_pending_op_get_state:
 * @self: a pending operation
 *
 * Gets whether the operation is queued, or failed and parked until it is
 * queued again.
 *
 * Returns: queued, or failed (parked after a permanent rejection)
 */
JustSyncOpState
just_sync_pending_op_get_state (JustSyncPendingOp *self)
{
  g_return_val_if_fail (self != NULL, JUST_SYNC_OP_STATE_QUEUED);

  return self->state;
}

/**
 * just_sync_pending_op_get_last_error:
 * @self: a pending operation
 *
 * Gets the message of the operation's last failed push.
 *
 * Returns: (nullable): the message of the last failed push
 */
const char *
just_sync_pending_op_get_last_error (JustSyncPendingOp *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->last_error;
}

/**
 * just_sync_pending_op_to_json:
 * @self: a pending operation
 *
 * Serializes @self to JSON, the form [func@JustSync.PendingOp.from_json]
 * reads back.
 *
 * Returns: (transfer full): `{"seq", "kind", "record", "base_version",
 *   "attempts", "state", "last_error"}`, enums by nick
 */
JsonNode *
just_sync_pending_op_to_json (JustSyncPendingOp *self)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  g_return_val_if_fail (self != NULL, NULL);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "seq");
  json_builder_add_int_value (builder, self->seq);
  json_builder_set_member_name (builder, "kind");
  json_builder_add_string_value (builder, _just_sync_enum_to_nick (JUST_SYNC_TYPE_OP_KIND, self->kind));
  json_builder_set_member_name (builder, "record");
  json_builder_add_value (builder, just_sync_record_to_json (self->record));
  json_builder_set_member_name (builder, "base_version");
  if (self->base_version != NULL)
    json_builder_add_string_value (builder, self->base_version);
  else
    json_builder_add_null_value (builder);
  json_builder_set_member_name (builder, "attempts");
  json_builder_add_int_value (builder, self->attempts);
  json_builder_set_member_name (builder, "state");
  json_builder_add_string_value (builder, _just_sync_enum_to_nick (JUST_SYNC_TYPE_OP_STATE, self->state));
  json_builder_set_member_name (builder, "last_error");
  if (self->last_error != NULL)
    json_builder_add_string_value (builder, self->last_error);
  else
    json_builder_add_null_value (builder);
  json_builder_end_object (builder);
  return json_builder_get_root (builder);
}

/**
 * just_sync_pending_op_equal:
 * @a: (type JustSyncPendingOp): an operation
 * @b: (type JustSyncPendingOp): another
 *
 * Compares two pending operations field by field.
 *
 * Returns: %TRUE if both have the same fields and equal records
 */
gboolean
just_sync_pending_op_equal (gconstpointer a,
                            gconstpointer b)
{
  const JustSyncPendingOp *oa = a, *ob = b;

  g_return_val_if_fail (a != NULL && b != NULL, FALSE);

  return oa->seq == ob->seq && oa->kind == ob->kind &&
         oa->attempts == ob->attempts && oa->state == ob->state &&
         g_strcmp0 (oa->base_version, ob->base_version) == 0 &&
         g_strcmp0 (oa->last_error, ob->last_error) == 0 &&
         just_sync_record_equal (oa->record, ob->record);
}
