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
#include "justsync-pending-op-private.h"

/**
 * JustSyncPendingOp:
 *
 * A local change waiting to be pushed: an upsert or a delete of one record,
 * with the sequence number the local store gave it, the base version it was
 * made on (see [method@JustSync.Record.dup_version]), how often pushing it was
 * attempted, its state and the last error. A failed operation is parked,
 * never dropped, until it is retried or discarded.
 *
 * An upsert made by [method@JustSync.Orchestrator.patch_async] names the
 * payload members it changed ([method@JustSync.PendingOp.get_fields]):
 * where the backend allows, only those are pushed, a removed member as a
 * JSON null, so a concurrent change of other members on the server is kept.
 */

struct _JustSyncPendingOp
{
  gatomicrefcount ref_count;
  gint64 seq;
  JustSyncOpKind kind;
  JustSyncRecord *record;
  GStrv fields;              /* a patch: the members it changed; NULL: all */
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
 * just_sync_pending_op_new_patch:
 * @seq: the sequence number the local store assigned, or 0 before that
 * @record: the record as written, all of its payload
 * @fields: (array zero-terminated=1): the names of the payload members the
 *   change set or removed; at least one
 * @base_version: (nullable): the server version the change was made on, or
 *   %NULL for a record the server never had
 * @attempts: how many pushes were attempted
 * @state: the operation's state
 * @last_error: (nullable): the last push error
 *
 * Creates an upsert that changed only some members of its record, as
 * [method@JustSync.Orchestrator.patch_async] queues it. A push sends those
 * members where the backend allows it: a member of @fields that @record's
 * payload lacks was removed and is sent as a JSON null.
 *
 * Returns: (transfer full): a new pending operation
 */
JustSyncPendingOp *
just_sync_pending_op_new_patch (gint64              seq,
                                JustSyncRecord     *record,
                                const char * const *fields,
                                const char         *base_version,
                                guint               attempts,
                                JustSyncOpState     state,
                                const char         *last_error)
{
  JustSyncPendingOp *self;

  g_return_val_if_fail (fields != NULL && fields[0] != NULL, NULL);

  self = just_sync_pending_op_new (seq, JUST_SYNC_OP_UPSERT, record, base_version, attempts,
                                   state, last_error);
  if (self != NULL)
    self->fields = g_strdupv ((GStrv) fields);
  return self;
}

/* @op with another base, attempt count, state and error; its kind, record
 * and fields are kept. */
JustSyncPendingOp *
_just_sync_pending_op_copy_with (JustSyncPendingOp *op,
                                 const char        *base_version,
                                 guint              attempts,
                                 JustSyncOpState    state,
                                 const char        *last_error)
{
  if (op->fields != NULL)
    return just_sync_pending_op_new_patch (op->seq, op->record, (const char * const *) op->fields,
                                           base_version, attempts, state, last_error);
  return just_sync_pending_op_new (op->seq, op->kind, op->record, base_version, attempts, state,
                                   last_error);
}

static void
add_names (GPtrArray          *names,
           const char * const *fields)
{
  for (guint i = 0; fields[i] != NULL; i++)
    if (!g_ptr_array_find_with_equal_func (names, fields[i], g_str_equal, NULL))
      g_ptr_array_add (names, g_strdup (fields[i]));
}

/*
 * What one push of a record's queued changes sends: @ops are the record's
 * operations in sequence order (queued and failed), and the result is the
 * newest, which clears them all when it is acknowledged. It is a patch
 * only when every one of them is a patch of a row the server had: then it
 * changes the union of their members (its record has the latest values,
 * and lacks a member removed after it was set). A delete wins; a full
 * write anywhere in the run, or a record the server never had (a create
 * followed by patches), makes the whole record go.
 */
JustSyncPendingOp *
_just_sync_pending_op_coalesce (GPtrArray *ops)
{
  JustSyncPendingOp *newest;
  g_autoptr(GPtrArray) names = NULL;

  g_return_val_if_fail (ops != NULL && ops->len > 0, NULL);

  newest = g_ptr_array_index (ops, ops->len - 1);
  if (newest->fields == NULL || ops->len == 1)
    return just_sync_pending_op_ref (newest);

  names = g_ptr_array_new_with_free_func (g_free);
  for (guint i = 0; i < ops->len; i++)
    {
      JustSyncPendingOp *op = g_ptr_array_index (ops, i);

      if (op->fields == NULL || op->base_version == NULL)
        return just_sync_pending_op_new (newest->seq, newest->kind, newest->record,
                                         newest->base_version, newest->attempts, newest->state,
                                         newest->last_error);
      add_names (names, (const char * const *) op->fields);
    }
  g_ptr_array_add (names, NULL);
  return just_sync_pending_op_new_patch (newest->seq, newest->record,
                                         (const char * const *) names->pdata,
                                         newest->base_version, newest->attempts, newest->state,
                                         newest->last_error);
}

/*
 * The record a push of @op writes: its record, or for a patch one with
 * only the members it changed, a removed one as null.
 */
JustSyncRecord *
_just_sync_pending_op_dup_pushed_record (JustSyncPendingOp *op)
{
  JsonObject *payload = just_sync_record_get_payload (op->record);
  g_autoptr(JsonObject) changes = NULL;

  if (op->fields == NULL)
    return just_sync_record_ref (op->record);

  changes = json_object_new ();
  for (guint i = 0; op->fields[i] != NULL; i++)
    {
      JsonNode *value = json_object_get_member (payload, op->fields[i]);

      if (value != NULL)
        json_object_set_member (changes, op->fields[i], json_node_copy (value));
      else
        json_object_set_null_member (changes, op->fields[i]);
    }
  return just_sync_record_new (just_sync_record_get_id (op->record), changes,
                               just_sync_record_get_updated_at (op->record),
                               just_sync_record_get_deleted_at (op->record), NULL);
}

/*
 * Trims @body, what a codec made of _just_sync_pending_op_dup_pushed_record()
 * for an update by id, down to the members a patch changed and those the
 * codec adds besides the payload (such as a cleared deletion mark): drops
 * @id_member (when the codec adds one) and the keys of @scope, which such
 * an update keeps.
 */
void
_just_sync_pending_op_trim_update (JustSyncScope *scope,
                                   JsonObject    *body,
                                   const char    *id_member)
{
  g_auto(GStrv) keys = just_sync_scope_dup_keys (scope);

  if (id_member != NULL)
    json_object_remove_member (body, id_member);
  for (guint i = 0; keys[i] != NULL; i++)
    json_object_remove_member (body, keys[i]);
}

/* @fields as a JSON array of strings, or NULL for none (a full write). */
char *
_just_sync_pending_op_fields_to_json (const char * const *fields)
{
  g_autoptr(JsonArray) array = NULL;
  g_autoptr(JsonNode) node = NULL;

  if (fields == NULL)
    return NULL;
  array = json_array_new ();
  for (guint i = 0; fields[i] != NULL; i++)
    json_array_add_string_element (array, fields[i]);
  node = json_node_init_array (json_node_alloc (), array);
  return json_to_string (node, FALSE);
}

/* The names in a JSON array of strings: at least one, as fields are. */
GStrv
_just_sync_pending_op_fields_from_node (JsonNode  *node,
                                        GError   **error)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  JsonArray *array;

  if (node == NULL || !JSON_NODE_HOLDS_ARRAY (node) ||
      json_array_get_length (array = json_node_get_array (node)) == 0)
    goto invalid;
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *element = json_array_get_element (array, i);

      if (json_node_get_value_type (element) != G_TYPE_STRING)
        goto invalid;
      g_strv_builder_add (builder, json_node_get_string (element));
    }
  return g_strv_builder_end (builder);

invalid:
  g_set_error_literal (error, JUST_SYNC_ERROR, JUST_SYNC_ERROR_INVALID_ARGUMENT,
                       _("The fields of a patch must be a non-empty list of names"));
  return NULL;
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
  g_auto(GStrv) fields = NULL;
  JsonNode *record_node, *fields_node;
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

  /* Only a patch has fields. */
  fields_node = json_object_get_member (object, "fields");
  if (fields_node != NULL && !JSON_NODE_HOLDS_NULL (fields_node))
    {
      if (kind != JUST_SYNC_OP_UPSERT)
        {
          g_set_error_literal (error, JUST_SYNC_ERROR, JUST_SYNC_ERROR_INVALID_ARGUMENT,
                               _("Only an upsert can change some fields"));
          return NULL;
        }
      if ((fields = _just_sync_pending_op_fields_from_node (fields_node, error)) == NULL)
        return NULL;
      return just_sync_pending_op_new_patch (seq, record, (const char * const *) fields, base_version,
                                             (guint) attempts, state, last_error);
    }

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
      g_strfreev (self->fields);
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
 * just_sync_pending_op_get_fields:
 * @self: a pending operation
 *
 * Gets the names of the payload members a patch changed, which a push
 * sends alone where the backend allows it; a name the record's payload
 * lacks was removed.
 *
 * Returns: (nullable) (array zero-terminated=1) (transfer none): the
 *   changed members, or %NULL when the operation writes the whole record
 */
const char * const *
just_sync_pending_op_get_fields (JustSyncPendingOp *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return (const char * const *) self->fields;
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
 *   "attempts", "state", "last_error"}`, enums by nick, and for a patch
 *   `"fields"`, the array of changed member names
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
  if (self->fields != NULL)
    {
      json_builder_set_member_name (builder, "fields");
      json_builder_begin_array (builder);
      for (guint i = 0; self->fields[i] != NULL; i++)
        json_builder_add_string_value (builder, self->fields[i]);
      json_builder_end_array (builder);
    }
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
         (oa->fields == NULL) == (ob->fields == NULL) &&
         (oa->fields == NULL || g_strv_equal ((const char * const *) oa->fields,
                                              (const char * const *) ob->fields)) &&
         just_sync_record_equal (oa->record, ob->record);
}
