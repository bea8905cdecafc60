/* justsync-record.c
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "justsync-error.h"
#include "justsync-json-private.h"
#include "justsync-record-private.h"
#include "justsync-timestamp.h"

/**
 * JustSyncRecord:
 *
 * One record of a scope: an id, a JSON object payload, the time of its last
 * change (`updated_at`) and, for a tombstone, the time it was deleted
 * (`deleted_at`). Times are UTC microseconds since the epoch; 0 means unset.
 *
 * Records are immutable and reference counted, and the payload is sealed. A
 * record may be handed from one thread to another, but not used from two
 * threads at once: json-glib 1.6 counts references to the payload without
 * atomic operations. A version of a record is identified by
 * [method@JustSync.Record.dup_version]: its `updated_at` plus a hash of its content.
 */

struct _JustSyncRecord
{
  gatomicrefcount ref_count;
  char *id;
  JsonObject *payload;
  gint64 updated_at;
  gint64 deleted_at;
  /* Computed on first use; set once with a compare-and-exchange. */
  char *content_hash;
};

G_DEFINE_BOXED_TYPE (JustSyncRecord, just_sync_record, just_sync_record_ref, just_sync_record_unref)

static gboolean
check_fields (const char  *id,
              gint64       updated_at,
              gint64       deleted_at,
              GError     **error)
{
  if (id[0] == '\0' || !g_utf8_validate (id, -1, NULL))
    {
      g_set_error_literal (error, JUST_SYNC_ERROR, JUST_SYNC_ERROR_INVALID_ARGUMENT,
                           _("A record id must be a non-empty UTF-8 string"));
      return FALSE;
    }
  if (!just_sync_timestamp_is_valid (updated_at) || !just_sync_timestamp_is_valid (deleted_at))
    {
      g_set_error (error, JUST_SYNC_ERROR, JUST_SYNC_ERROR_INVALID_ARGUMENT,
                   _("The record “%s” has a time outside the supported range"), id);
      return FALSE;
    }
  return TRUE;
}

/* Takes @payload, which must not be shared with anyone who may change it. */
static JustSyncRecord *
record_new_take (const char *id,
                 JsonObject *payload,
                 gint64      updated_at,
                 gint64      deleted_at)
{
  JustSyncRecord *self = g_new0 (JustSyncRecord, 1);

  g_atomic_ref_count_init (&self->ref_count);
  self->id = g_strdup (id);
  self->payload = payload;
  json_object_seal (self->payload);
  self->updated_at = updated_at;
  self->deleted_at = deleted_at;
  return self;
}

/* A payload built through the json-glib API must be one that can be
 * written and read back, or its record would poison the store. */
static gboolean
check_payload (JsonObject  *payload,
               GError     **error)
{
  g_autoptr(JsonNode) node = json_node_new (JSON_NODE_OBJECT);

  json_node_set_object (node, payload);
  return _just_sync_json_check_value (node, JUST_SYNC_JSON_MAX_DEPTH, error);
}

/* A sealed object cannot change any more, so it can be shared. */
static JsonObject *
copy_payload (JsonObject *payload)
{
  if (json_object_is_immutable (payload))
    return json_object_ref (payload);
  return _just_sync_json_object_copy (payload);
}

/**
 * just_sync_record_new:
 * @id: the record's id
 * @payload: (nullable): the record's content; %NULL is an empty object
 * @updated_at: time of the last change, microseconds since the epoch, or 0
 * @deleted_at: time of deletion for a tombstone, or 0
 * @error: return location for an error
 *
 * Creates a record. The payload is copied (unless it is already sealed), so
 * the caller may go on changing its own object. It must be a payload that
 * can be stored and read back: nested at most 64 levels deep, with strings
 * and member names in UTF-8, and finite numbers.
 *
 * Returns: (transfer full): a new record, or %NULL with
 *   %JUST_SYNC_ERROR_INVALID_ARGUMENT for an empty id, a time out of range
 *   or a payload that cannot be stored
 */
JustSyncRecord *
just_sync_record_new (const char  *id,
                      JsonObject  *payload,
                      gint64       updated_at,
                      gint64       deleted_at,
                      GError     **error)
{
  g_return_val_if_fail (id != NULL, NULL);

  if (!check_fields (id, updated_at, deleted_at, error) ||
      (payload != NULL && !check_payload (payload, error)))
    return NULL;

  return record_new_take (id, payload != NULL ? copy_payload (payload) : json_object_new (),
                          updated_at, deleted_at);
}

/*
 * _just_sync_record_new_parsed:
 * @payload: an object whose members are values _just_sync_json_parse()
 *   returned (or parts of them)
 *
 * just_sync_record_new() for a payload read from a server: its strings and
 * numbers already passed the strict parser's rules, so only its depth is
 * checked, not every string again.
 */
JustSyncRecord *
_just_sync_record_new_parsed (const char  *id,
                              JsonObject  *payload,
                              gint64       updated_at,
                              gint64       deleted_at,
                              GError     **error)
{
  g_autoptr(JsonNode) node = json_node_new (JSON_NODE_OBJECT);

  g_return_val_if_fail (id != NULL, NULL);
  g_return_val_if_fail (payload != NULL, NULL);

  json_node_set_object (node, payload);
  if (!check_fields (id, updated_at, deleted_at, error) ||
      !_just_sync_json_check_parsed_value (node, JUST_SYNC_JSON_MAX_DEPTH, error))
    return NULL;
  return record_new_take (id, copy_payload (payload), updated_at, deleted_at);
}

/*
 * _just_sync_record_dup_deep:
 *
 * A record equal to @self whose payload is a deep copy that shares
 * nothing with @self's, for a store's worker to own. It is not checked
 * again: @self's payload was checked when it was made and is sealed.
 *
 * Returns: (transfer full): the copy
 */
JustSyncRecord *
_just_sync_record_dup_deep (JustSyncRecord *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return record_new_take (self->id, _just_sync_json_object_copy (self->payload),
                          self->updated_at, self->deleted_at);
}

/**
 * just_sync_record_new_from_data:
 * @id: the record's id
 * @json: the payload as JSON text; it must be an object
 * @updated_at: time of the last change, or 0
 * @deleted_at: time of deletion for a tombstone, or 0
 * @error: return location for an error
 *
 * Creates a record from a JSON document, as it comes from D-Bus, a file or
 * a language binding. The document must be strict RFC 8259 JSON (no
 * comments, single quotes or trailing text) nesting arrays and objects at
 * most 64 levels deep; strings must not hold `\u0000` or unpaired
 * surrogates, integers must fit in 64 bits and other numbers must be
 * finite. Anything else is refused, never changed.
 *
 * Returns: (transfer full): a new record, or %NULL with
 *   %JUST_SYNC_ERROR_INVALID_ARGUMENT when @json is not a JSON object
 */
JustSyncRecord *
just_sync_record_new_from_data (const char  *id,
                                const char  *json,
                                gint64       updated_at,
                                gint64       deleted_at,
                                GError     **error)
{
  JsonObject *payload;

  g_return_val_if_fail (id != NULL, NULL);
  g_return_val_if_fail (json != NULL, NULL);

  if (!check_fields (id, updated_at, deleted_at, error))
    return NULL;

  if ((payload = _just_sync_json_parse_object (json, -1, error)) == NULL)
    return NULL;

  return record_new_take (id, payload, updated_at, deleted_at);
}

/**
 * just_sync_record_new_tombstone:
 * @id: the record's id
 * @deleted_at: when it was deleted; not 0
 * @error: return location for an error
 *
 * Creates a tombstone: an empty record whose `updated_at` and `deleted_at`
 * are both @deleted_at.
 *
 * Returns: (transfer full): a new record, or %NULL with
 *   %JUST_SYNC_ERROR_INVALID_ARGUMENT
 */
JustSyncRecord *
just_sync_record_new_tombstone (const char  *id,
                                gint64       deleted_at,
                                GError     **error)
{
  g_return_val_if_fail (id != NULL, NULL);

  if (deleted_at == 0)
    {
      g_set_error_literal (error, JUST_SYNC_ERROR, JUST_SYNC_ERROR_INVALID_ARGUMENT,
                           _("A tombstone needs a deletion time"));
      return NULL;
    }
  return just_sync_record_new (id, NULL, deleted_at, deleted_at, error);
}

/* A record from @node, its JSON form; @parsed: its strings and numbers
 * already passed _just_sync_json_parse(), so they are not checked again. */
static JustSyncRecord *
record_from_json (JsonNode  *node,
                  gboolean   parsed,
                  GError   **error)
{
  JsonObject *object, *payload = NULL;
  JsonNode *payload_node;
  const char *id;
  gint64 updated_at, deleted_at;

  if ((object = _just_sync_json_get_object (node, _("A record"), error)) == NULL ||
      !_just_sync_json_get_string (object, "id", FALSE, &id, error) ||
      !_just_sync_json_get_timestamp (object, "updated_at", &updated_at, error) ||
      !_just_sync_json_get_timestamp (object, "deleted_at", &deleted_at, error))
    return NULL;

  payload_node = json_object_get_member (object, "payload");
  if (payload_node != NULL &&
      (payload = _just_sync_json_get_object (payload_node, _("The payload"), error)) == NULL)
    return NULL;

  if (parsed && payload != NULL)
    return _just_sync_record_new_parsed (id, payload, updated_at, deleted_at, error);
  return just_sync_record_new (id, payload, updated_at, deleted_at, error);
}

/**
 * just_sync_record_from_json:
 * @node: a JSON object as [method@JustSync.Record.to_json] writes it
 * @error: return location for an error
 *
 * Reads a record from its JSON form.
 *
 * Returns: (transfer full): the record, or %NULL with
 *   %JUST_SYNC_ERROR_INVALID_ARGUMENT
 */
JustSyncRecord *
just_sync_record_from_json (JsonNode  *node,
                            GError   **error)
{
  g_return_val_if_fail (node != NULL, NULL);

  return record_from_json (node, FALSE, error);
}

/**
 * just_sync_record_list_from_data:
 * @json: a JSON array of records, each as
 *   [method@JustSync.Record.to_json] writes it
 * @error: return location for an error
 *
 * Reads a list of records from JSON text, such as the records the
 * service's `Query` and `Watch` methods return over D-Bus. The text must
 * be strict JSON, as for [ctor@JustSync.Record.new_from_data]; it is read
 * in one pass, without the json-glib parser, so a large list costs about
 * what reading it from the local store does.
 *
 * Returns: (transfer container) (element-type JustSyncRecord): the
 *   records, in their order, or %NULL with %JUST_SYNC_ERROR_INVALID_ARGUMENT
 */
GPtrArray *
just_sync_record_list_from_data (const char  *json,
                                 GError     **error)
{
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(GPtrArray) records = NULL;
  JsonArray *array;
  guint n;

  g_return_val_if_fail (json != NULL, NULL);

  /* The array and a record around payloads at the limit. */
  if ((node = _just_sync_json_parse (json, -1, JUST_SYNC_JSON_MAX_DEPTH + 2, error)) == NULL)
    return NULL;
  if (!JSON_NODE_HOLDS_ARRAY (node))
    {
      g_set_error_literal (error, JUST_SYNC_ERROR, JUST_SYNC_ERROR_INVALID_ARGUMENT,
                           _("A list of records must be a JSON array"));
      return NULL;
    }

  array = json_node_get_array (node);
  n = json_array_get_length (array);
  records = g_ptr_array_new_full (n, (GDestroyNotify) just_sync_record_unref);
  for (guint i = 0; i < n; i++)
    {
      JustSyncRecord *record = record_from_json (json_array_get_element (array, i), TRUE, error);

      if (record == NULL)
        return NULL;
      g_ptr_array_add (records, record);
    }
  return g_steal_pointer (&records);
}

/**
 * just_sync_record_ref:
 * @self: a record
 *
 * Acquires a reference.
 *
 * Returns: (transfer full): @self
 */
JustSyncRecord *
just_sync_record_ref (JustSyncRecord *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  g_atomic_ref_count_inc (&self->ref_count);
  return self;
}

/**
 * just_sync_record_unref:
 * @self: (transfer full): a record
 *
 * Releases a reference; the last one frees the record.
 */
void
just_sync_record_unref (JustSyncRecord *self)
{
  g_return_if_fail (self != NULL);

  if (g_atomic_ref_count_dec (&self->ref_count))
    {
      g_free (self->id);
      json_object_unref (self->payload);
      g_free (self->content_hash);
      g_free (self);
    }
}

/**
 * just_sync_record_get_id:
 * @self: a record
 *
 * Gets the record's id, unique within its scope.
 *
 * Returns: the record's id
 */
const char *
just_sync_record_get_id (JustSyncRecord *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->id;
}

/**
 * just_sync_record_get_payload:
 * @self: a record
 *
 * Returns the content of the record. The object is sealed: copy it to
 * change it, and make a new record with the copy.
 *
 * Returns: (transfer none): the payload
 */
JsonObject *
just_sync_record_get_payload (JustSyncRecord *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->payload;
}

/**
 * just_sync_record_dup_payload_data:
 * @self: a record
 *
 * Serializes the record's payload to JSON text.
 *
 * Returns: (transfer full): the payload as compact JSON text, which
 *   [ctor@JustSync.Record.new_from_data] reads back to an equal payload
 */
char *
just_sync_record_dup_payload_data (JustSyncRecord *self)
{
  g_autoptr(JsonNode) node = json_node_new (JSON_NODE_OBJECT);

  g_return_val_if_fail (self != NULL, NULL);

  json_node_set_object (node, self->payload);
  return _just_sync_json_to_string (node, FALSE);
}

/*
 * _just_sync_record_dup_canonical_payload:
 * @self: a record
 *
 * Returns: (transfer full): the payload as compact JSON text with the
 *   members of every object sorted, the text its content hash is made of
 */
char *
_just_sync_record_dup_canonical_payload (JustSyncRecord *self)
{
  g_autoptr(JsonNode) node = json_node_new (JSON_NODE_OBJECT);

  json_node_set_object (node, self->payload);
  return _just_sync_json_canonical (node);
}

/**
 * just_sync_record_get_updated_at:
 * @self: a record
 *
 * Gets the time of the record's last change, in microseconds since the Unix
 * epoch.
 *
 * Returns: the time of the last change in microseconds since the epoch, or 0
 */
gint64
just_sync_record_get_updated_at (JustSyncRecord *self)
{
  g_return_val_if_fail (self != NULL, 0);

  return self->updated_at;
}

/**
 * just_sync_record_dup_updated_at_date_time:
 * @self: a record
 *
 * Gets the time of the record's last change as a #GDateTime in UTC.
 *
 * Returns: (transfer full) (nullable): the time of the last change, or
 *   %NULL when it is unset
 */
GDateTime *
just_sync_record_dup_updated_at_date_time (JustSyncRecord *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->updated_at != 0 ? just_sync_timestamp_to_date_time (self->updated_at) : NULL;
}

/**
 * just_sync_record_get_deleted_at:
 * @self: a record
 *
 * Gets the time the record was deleted, in microseconds since the Unix
 * epoch.
 *
 * Returns: the deletion time of a tombstone, or 0
 */
gint64
just_sync_record_get_deleted_at (JustSyncRecord *self)
{
  g_return_val_if_fail (self != NULL, 0);

  return self->deleted_at;
}

/**
 * just_sync_record_is_deleted:
 * @self: a record
 *
 * Tells whether the record is a tombstone: a deletion kept so that it syncs.
 *
 * Returns: %TRUE if the record is a tombstone
 */
gboolean
just_sync_record_is_deleted (JustSyncRecord *self)
{
  g_return_val_if_fail (self != NULL, FALSE);

  return self->deleted_at != 0;
}

/* A record's content hash, from the canonical text of its payload. */
static char *
hash_canonical (const char *canonical,
                gint64      deleted_at)
{
  g_autoptr(GChecksum) checksum = g_checksum_new (G_CHECKSUM_SHA256);
  char deleted[32];

  g_snprintf (deleted, sizeof deleted, "\n%" G_GINT64_FORMAT, deleted_at);
  g_checksum_update (checksum, (const guchar *) canonical, -1);
  g_checksum_update (checksum, (const guchar *) deleted, -1);
  /* 128 bits are plenty to tell versions of one record apart. */
  return g_strndup (g_checksum_get_string (checksum), 32);
}

/**
 * just_sync_record_get_content_hash:
 * @self: a record
 *
 * Returns a hash of the record's content (its payload with members in any
 * order, and its `deleted_at`), not of its id or `updated_at`.
 *
 * Returns: the hash as hexadecimal text, owned by @self
 */
const char *
just_sync_record_get_content_hash (JustSyncRecord *self)
{
  char *hash;

  g_return_val_if_fail (self != NULL, NULL);

  hash = g_atomic_pointer_get (&self->content_hash);
  if (hash == NULL)
    {
      g_autofree char *canonical = _just_sync_record_dup_canonical_payload (self);

      hash = hash_canonical (canonical, self->deleted_at);
      if (!g_atomic_pointer_compare_and_exchange (&self->content_hash, NULL, hash))
        {
          g_free (hash);
          hash = g_atomic_pointer_get (&self->content_hash);
        }
    }
  return hash;
}

/*
 * _just_sync_record_set_canonical_payload:
 * @self: a record without a content hash yet
 * @canonical: its payload as _just_sync_record_dup_canonical_payload()
 *   gives it
 *
 * Computes the content hash from @canonical, a text a store already has,
 * rather than from the payload again.
 */
void
_just_sync_record_set_canonical_payload (JustSyncRecord *self,
                                         const char     *canonical)
{
  char *hash = hash_canonical (canonical, self->deleted_at);

  if (!g_atomic_pointer_compare_and_exchange (&self->content_hash, NULL, hash))
    g_free (hash);
}

/**
 * just_sync_record_dup_version:
 * @self: a record
 *
 * Returns the identity of this version of the record: its `updated_at` and
 * its content hash, as `UPDATED:HASH`. Versions are compared by identity
 * (same or not), never by order: servers do not stamp in commit order.
 *
 * Returns: (transfer full): the version identity
 */
char *
just_sync_record_dup_version (JustSyncRecord *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return g_strdup_printf ("%" G_GINT64_FORMAT ":%s",
                          self->updated_at, just_sync_record_get_content_hash (self));
}

/**
 * just_sync_record_content_covers:
 * @self: a record, usually the server's version
 * @other: another record, usually a local change
 *
 * Tells whether @self holds everything @other says: both are tombstones,
 * or neither is and every member of @other's payload is in @self's with an
 * equal value. Servers add members of their own (defaults of fields a
 * client never set), so this is how a server row is recognized as the echo
 * of a local write. Ids and times are not compared.
 *
 * Returns: %TRUE if @self covers @other
 */
gboolean
just_sync_record_content_covers (JustSyncRecord *self,
                                 JustSyncRecord *other)
{
  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (other != NULL, FALSE);

  if ((self->deleted_at != 0) != (other->deleted_at != 0))
    return FALSE;
  if (self->deleted_at != 0)
    return TRUE;
  return _just_sync_json_object_covers (self->payload, other->payload);
}

/**
 * just_sync_record_with_updated_at:
 * @self: a record
 * @updated_at: a valid time
 *
 * Copies the record with another modification time.
 *
 * Returns: (transfer full): a copy of @self with another `updated_at`
 */
JustSyncRecord *
just_sync_record_with_updated_at (JustSyncRecord *self,
                                  gint64          updated_at)
{
  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (just_sync_timestamp_is_valid (updated_at), NULL);

  return record_new_take (self->id, json_object_ref (self->payload), updated_at,
                          self->deleted_at);
}

/**
 * just_sync_record_to_json:
 * @self: a record
 *
 * Serializes @self to JSON, for logs, tests and the D-Bus service.
 *
 * Returns: (transfer full): `{"id", "updated_at", "deleted_at", "payload"}`,
 *   times as RFC 3339 strings or null
 */
JsonNode *
just_sync_record_to_json (JustSyncRecord *self)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) payload = json_node_new (JSON_NODE_OBJECT);

  g_return_val_if_fail (self != NULL, NULL);

  json_node_set_object (payload, self->payload);
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "id");
  json_builder_add_string_value (builder, self->id);
  _just_sync_json_set_timestamp (builder, "updated_at", self->updated_at);
  _just_sync_json_set_timestamp (builder, "deleted_at", self->deleted_at);
  json_builder_set_member_name (builder, "payload");
  json_builder_add_value (builder, g_steal_pointer (&payload));
  json_builder_end_object (builder);
  return json_builder_get_root (builder);
}

/**
 * just_sync_record_equal:
 * @a: (type JustSyncRecord): a record
 * @b: (type JustSyncRecord): another record
 *
 * Compares two records: id, times and payload.
 *
 * Returns: %TRUE if both have the same id, times and content
 */
gboolean
just_sync_record_equal (gconstpointer a,
                        gconstpointer b)
{
  JustSyncRecord *ra = (JustSyncRecord *) a, *rb = (JustSyncRecord *) b;

  g_return_val_if_fail (a != NULL && b != NULL, FALSE);

  return ra == rb ||
         (strcmp (ra->id, rb->id) == 0 &&
          ra->updated_at == rb->updated_at &&
          ra->deleted_at == rb->deleted_at &&
          strcmp (just_sync_record_get_content_hash (ra),
                  just_sync_record_get_content_hash (rb)) == 0);
}

/**
 * just_sync_record_hash:
 * @self: (type JustSyncRecord): a record
 *
 * Hashes the record.
 *
 * Returns: a hash for #GHashTable, consistent with [method@JustSync.Record.equal]
 */
guint
just_sync_record_hash (gconstpointer self)
{
  const JustSyncRecord *record = self;

  g_return_val_if_fail (self != NULL, 0);

  return g_str_hash (record->id) ^ (guint) (record->updated_at ^ (record->updated_at >> 32));
}
