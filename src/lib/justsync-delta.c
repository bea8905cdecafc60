/* justsync-delta.c
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <glib/gi18n-lib.h>

#include "justsync-delta-private.h"
#include "justsync-error.h"
#include "justsync-json-private.h"
#include "justsync-record-private.h"
#include "justsync-timestamp.h"

/**
 * JustSyncDelta:
 *
 * One page of remote changes of a scope, as a [iface@JustSync.RemoteStore] returns
 * it: the changed records in (`updated_at`, id) order, tombstones among
 * them, the server's time when it answered, and whether more pages follow.
 * A remote store builds it with [ctor@JustSync.Delta.new] and
 * [method@JustSync.Delta.add]; after that it is only read.
 */

struct _JustSyncDelta
{
  gatomicrefcount ref_count;
  gint64 server_time;
  GPtrArray *records;
  GPtrArray *refused_ids;          /* (element-type utf8): server rows refused */
  JustSyncSyncPoint *refused_end;  /* the last entry, when it was refused */
  guint n_deletes;
  gboolean has_more;
};

G_DEFINE_BOXED_TYPE (JustSyncDelta, just_sync_delta, just_sync_delta_ref, just_sync_delta_unref)

/**
 * just_sync_delta_new:
 * @server_time: the server's time when it answered, or 0 if unknown
 *
 * Creates an empty page.
 *
 * Returns: (transfer full): a new delta
 */
JustSyncDelta *
just_sync_delta_new (gint64 server_time)
{
  JustSyncDelta *self;

  g_return_val_if_fail (just_sync_timestamp_is_valid (server_time), NULL);

  self = g_new0 (JustSyncDelta, 1);
  g_atomic_ref_count_init (&self->ref_count);
  self->server_time = server_time;
  self->records = g_ptr_array_new_with_free_func ((GDestroyNotify) just_sync_record_unref);
  self->refused_ids = g_ptr_array_new_with_free_func (g_free);
  return self;
}

/**
 * just_sync_delta_from_json:
 * @node: `{"server_time", "has_more", "records": [...]}`
 * @error: return location for an error
 *
 * Reads a Delta back from the JSON form that [method@JustSync.Delta.to_json]
 * writes.
 *
 * Returns: (transfer full): the delta, or %NULL with
 *   %JUST_SYNC_ERROR_INVALID_ARGUMENT
 */
JustSyncDelta *
just_sync_delta_from_json (JsonNode  *node,
                           GError   **error)
{
  g_autoptr(JustSyncDelta) self = NULL;
  JsonObject *object;
  JsonNode *records;
  gint64 server_time;
  gboolean has_more;

  g_return_val_if_fail (node != NULL, NULL);

  if ((object = _just_sync_json_get_object (node, _("A delta"), error)) == NULL ||
      !_just_sync_json_get_timestamp (object, "server_time", &server_time, error) ||
      !_just_sync_json_get_boolean (object, "has_more", FALSE, &has_more, error))
    return NULL;

  self = just_sync_delta_new (server_time);
  self->has_more = has_more;

  records = json_object_get_member (object, "records");
  if (records != NULL && !JSON_NODE_HOLDS_NULL (records))
    {
      JsonArray *array;

      if (!JSON_NODE_HOLDS_ARRAY (records))
        {
          g_set_error_literal (error, JUST_SYNC_ERROR, JUST_SYNC_ERROR_INVALID_ARGUMENT,
                               _("The records of a delta must be an array"));
          return NULL;
        }
      array = json_node_get_array (records);
      for (guint i = 0; i < json_array_get_length (array); i++)
        {
          g_autoptr(JustSyncRecord) record = NULL;

          record = just_sync_record_from_json (json_array_get_element (array, i), error);
          if (record == NULL)
            return NULL;
          just_sync_delta_add (self, record);
        }
    }

  return g_steal_pointer (&self);
}

/**
 * just_sync_delta_ref:
 * @self: a delta
 *
 * Acquires a reference on @self; release it with
 * [method@JustSync.Delta.unref].
 *
 * Returns: (transfer full): @self
 */
JustSyncDelta *
just_sync_delta_ref (JustSyncDelta *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  g_atomic_ref_count_inc (&self->ref_count);
  return self;
}

/**
 * just_sync_delta_unref:
 * @self: (transfer full): a delta
 *
 * Releases a reference.
 */
void
just_sync_delta_unref (JustSyncDelta *self)
{
  g_return_if_fail (self != NULL);

  if (g_atomic_ref_count_dec (&self->ref_count))
    {
      g_ptr_array_unref (self->records);
      g_ptr_array_unref (self->refused_ids);
      g_clear_pointer (&self->refused_end, just_sync_sync_point_unref);
      g_free (self);
    }
}

/**
 * just_sync_delta_add:
 * @self: a delta being built
 * @record: the next changed record, a tombstone for a delete
 *
 * Appends a record. Remote stores add them in (`updated_at`, id) order.
 */
void
just_sync_delta_add (JustSyncDelta  *self,
                     JustSyncRecord *record)
{
  g_return_if_fail (self != NULL);
  g_return_if_fail (record != NULL);

  g_ptr_array_add (self->records, just_sync_record_ref (record));
  if (just_sync_record_is_deleted (record))
    self->n_deletes++;
  g_clear_pointer (&self->refused_end, just_sync_sync_point_unref);
}

/* The server's time, for a store that knows it once the page is read. */
void
_just_sync_delta_set_server_time (JustSyncDelta *self,
                                  gint64         server_time)
{
  g_return_if_fail (self != NULL);
  g_return_if_fail (just_sync_timestamp_is_valid (server_time));

  self->server_time = server_time;
}

/*
 * _just_sync_delta_record_new:
 * @out_refused: (out) (optional): when just_sync_record_new() refuses
 *   the payload of a row whose id and time are fine, where the row stands
 *   in page order, for _just_sync_delta_add_refused()
 *
 * _just_sync_record_new_parsed() for a row of a server page, as a remote
 * store's codec reads it from what the strict parser built.
 */
JustSyncRecord *
_just_sync_delta_record_new (const char         *id,
                             JsonObject         *payload,
                             gint64              updated_at,
                             gint64              deleted_at,
                             JustSyncSyncPoint **out_refused,
                             GError            **error)
{
  JustSyncRecord *record = _just_sync_record_new_parsed (id, payload, updated_at, deleted_at, error);

  if (record == NULL && out_refused != NULL && id[0] != '\0' &&
      just_sync_timestamp_is_valid (updated_at) && just_sync_timestamp_is_valid (deleted_at))
    *out_refused = just_sync_sync_point_new (updated_at, id);
  return record;
}

/*
 * _just_sync_delta_add_row:
 * @record: (nullable): what the remote store's codec made of a row of the
 *   page, in page order
 * @refused: (nullable): when the codec refused the row's payload though its
 *   id and time read, where the row stands (from
 *   _just_sync_delta_record_new())
 * @what: where the row comes from, for the message: "PocketBase collection"
 * @name: the collection's or the scope's name
 * @reason: (inout): why the codec made no record
 *
 * Adds @record; or, for a refused row, notes it in page order and clears
 * @reason: one hostile row must not hold its scope back. A message names
 * it; the page still moves the cursor past it, and a reconcile counts it
 * as present on the server (its local copy, if any, stays). A later
 * version the library can store is pulled as usual.
 *
 * Returns: %FALSE when the row fails the page (no record and not a
 *   refused payload: skipping it would move the sync point past a row
 *   that may read later); @reason then says why
 */
gboolean
_just_sync_delta_add_row (JustSyncDelta      *self,
                          JustSyncRecord     *record,
                          JustSyncSyncPoint  *refused,
                          const char         *what,
                          const char         *name,
                          GError            **reason)
{
  const char *id;

  g_return_val_if_fail (self != NULL, FALSE);

  if (record != NULL)
    {
      just_sync_delta_add (self, record);
      return TRUE;
    }
  if (refused == NULL)
    return FALSE;

  g_return_val_if_fail (reason != NULL && *reason != NULL, FALSE);
  id = just_sync_sync_point_get_last_id (refused);
  /* Bad data from a server is no programmer error: a message, not a
   * warning, which G_DEBUG=fatal-warnings would turn into a crash. */
  g_message ("%s “%s”: the record “%s” is refused, and syncing goes on without it: %s",
             what, name, id, (*reason)->message);
  g_clear_error (reason);
  g_ptr_array_add (self->refused_ids, g_strdup (id));
  g_clear_pointer (&self->refused_end, just_sync_sync_point_unref);
  self->refused_end = just_sync_sync_point_ref (refused);
  return TRUE;
}

/* (element-type utf8) (transfer none): the ids of the rows _just_sync_delta_add_row() refused. */
GPtrArray *
_just_sync_delta_get_refused_ids (JustSyncDelta *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->refused_ids;
}

/**
 * just_sync_delta_set_has_more:
 * @self: a delta being built
 * @has_more: whether another page follows
 *
 * Says whether the server has more changes after this page.
 */
void
just_sync_delta_set_has_more (JustSyncDelta *self,
                              gboolean       has_more)
{
  g_return_if_fail (self != NULL);

  self->has_more = !!has_more;
}

/**
 * just_sync_delta_get_has_more:
 * @self: a delta
 *
 * Tells whether the server has more changes after this page.
 *
 * Returns: %TRUE if another page follows this one
 */
gboolean
just_sync_delta_get_has_more (JustSyncDelta *self)
{
  g_return_val_if_fail (self != NULL, FALSE);

  return self->has_more;
}

/**
 * just_sync_delta_get_server_time:
 * @self: a delta
 *
 * Gets the server's time when it sent the page, in microseconds since the
 * Unix epoch.
 *
 * Returns: the server's time when it answered, or 0 if unknown
 */
gint64
just_sync_delta_get_server_time (JustSyncDelta *self)
{
  g_return_val_if_fail (self != NULL, 0);

  return self->server_time;
}

/**
 * just_sync_delta_get_records:
 * @self: a delta
 *
 * Gets the records of the page.
 *
 * Returns: (transfer none) (element-type JustSyncRecord): the records of
 *   the page in (`updated_at`, id) order, tombstones included
 */
GPtrArray *
just_sync_delta_get_records (JustSyncDelta *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->records;
}

/**
 * just_sync_delta_get_n_upserts:
 * @self: a delta
 *
 * Counts the records of the page that are not tombstones.
 *
 * Returns: how many records of the page are not tombstones
 */
guint
just_sync_delta_get_n_upserts (JustSyncDelta *self)
{
  g_return_val_if_fail (self != NULL, 0);

  return self->records->len - self->n_deletes;
}

/**
 * just_sync_delta_get_n_deletes:
 * @self: a delta
 *
 * Counts the tombstones of the page.
 *
 * Returns: how many records of the page are tombstones
 */
guint
just_sync_delta_get_n_deletes (JustSyncDelta *self)
{
  g_return_val_if_fail (self != NULL, 0);

  return self->n_deletes;
}

/**
 * just_sync_delta_dup_cursor:
 * @self: a delta
 *
 * Returns the keyset cursor after this page: the (`updated_at`, id) of its
 * last record, or of a later row the remote store had to refuse (a
 * payload the library cannot store). The next page is fetched from there,
 * and once the page is applied it becomes the scope's sync point.
 *
 * Returns: (transfer full) (nullable): the cursor, or %NULL for an empty page
 */
JustSyncSyncPoint *
just_sync_delta_dup_cursor (JustSyncDelta *self)
{
  JustSyncRecord *last;

  g_return_val_if_fail (self != NULL, NULL);

  if (self->refused_end != NULL)
    return just_sync_sync_point_ref (self->refused_end);
  if (self->records->len == 0)
    return NULL;

  last = g_ptr_array_index (self->records, self->records->len - 1);
  return just_sync_sync_point_new (just_sync_record_get_updated_at (last),
                                   just_sync_record_get_id (last));
}

/**
 * just_sync_delta_to_json:
 * @self: a delta
 *
 * Serializes @self to JSON, the form [func@JustSync.Delta.from_json] reads
 * back.
 *
 * Returns: (transfer full): `{"server_time", "has_more", "records"}`
 */
JsonNode *
just_sync_delta_to_json (JustSyncDelta *self)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  g_return_val_if_fail (self != NULL, NULL);

  json_builder_begin_object (builder);
  _just_sync_json_set_timestamp (builder, "server_time", self->server_time);
  json_builder_set_member_name (builder, "has_more");
  json_builder_add_boolean_value (builder, self->has_more);
  json_builder_set_member_name (builder, "records");
  json_builder_begin_array (builder);
  for (guint i = 0; i < self->records->len; i++)
    json_builder_add_value (builder, just_sync_record_to_json (g_ptr_array_index (self->records, i)));
  json_builder_end_array (builder);
  json_builder_end_object (builder);
  return json_builder_get_root (builder);
}
