/* justsync-record-object.c
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include "justsync-record-object-private.h"

/**
 * JustSyncRecordObject:
 *
 * A [struct@JustSync.Record] as a #GObject, the item type of a
 * [class@JustSync.LiveQuery], for list widgets and #GListStore.
 *
 * The object keeps its identity while its record changes: a live query
 * replaces the record of the item it already shows and emits
 * #GObject::notify for [property@JustSync.RecordObject:record] (and for
 * `updated-at` and `deleted` when they changed), so a focused row in a list
 * stays focused. Bind to those notifications, for instance with a
 * `GtkExpression` that looks up `record` and passes the item to a closure
 * that calls [method@JustSync.RecordObject.get_string].
 *
 * The field accessors read members of the payload's top level.
 */

struct _JustSyncRecordObject
{
  GObject parent_instance;

  JustSyncRecord *record;
};

enum {
  PROP_0,
  PROP_RECORD,
  PROP_ID,
  PROP_UPDATED_AT,
  PROP_DELETED,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

G_DEFINE_FINAL_TYPE (JustSyncRecordObject, just_sync_record_object, G_TYPE_OBJECT)

static void
just_sync_record_object_get_property (GObject    *object,
                                      guint       prop_id,
                                      GValue     *value,
                                      GParamSpec *pspec)
{
  JustSyncRecordObject *self = JUST_SYNC_RECORD_OBJECT (object);

  switch (prop_id)
    {
    case PROP_RECORD:
      g_value_set_boxed (value, self->record);
      break;

    case PROP_ID:
      g_value_set_string (value, just_sync_record_object_get_id (self));
      break;

    case PROP_UPDATED_AT:
      g_value_set_int64 (value, just_sync_record_object_get_updated_at (self));
      break;

    case PROP_DELETED:
      g_value_set_boolean (value, just_sync_record_object_get_deleted (self));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
just_sync_record_object_set_property (GObject      *object,
                                      guint         prop_id,
                                      const GValue *value,
                                      GParamSpec   *pspec)
{
  JustSyncRecordObject *self = JUST_SYNC_RECORD_OBJECT (object);

  switch (prop_id)
    {
    case PROP_RECORD:
      self->record = g_value_dup_boxed (value);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
just_sync_record_object_finalize (GObject *object)
{
  JustSyncRecordObject *self = (JustSyncRecordObject *) object;

  g_clear_pointer (&self->record, just_sync_record_unref);

  G_OBJECT_CLASS (just_sync_record_object_parent_class)->finalize (object);
}

static void
just_sync_record_object_class_init (JustSyncRecordObjectClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = just_sync_record_object_finalize;
  object_class->get_property = just_sync_record_object_get_property;
  object_class->set_property = just_sync_record_object_set_property;

  /**
   * JustSyncRecordObject:record:
   *
   * The record; replaced, with a notification, when the row changes.
   */
  properties[PROP_RECORD] =
    g_param_spec_boxed ("record", NULL, NULL,
                        JUST_SYNC_TYPE_RECORD,
                        G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY |
                        G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);

  /**
   * JustSyncRecordObject:id:
   *
   * The id of the record; it never changes.
   */
  properties[PROP_ID] =
    g_param_spec_string ("id", NULL, NULL,
                         NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);

  /**
   * JustSyncRecordObject:updated-at:
   *
   * When the record last changed, in microseconds since the epoch.
   */
  properties[PROP_UPDATED_AT] =
    g_param_spec_int64 ("updated-at", NULL, NULL,
                        0, G_MAXINT64, 0,
                        G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);

  /**
   * JustSyncRecordObject:deleted:
   *
   * Whether the record is a tombstone.
   */
  properties[PROP_DELETED] =
    g_param_spec_boolean ("deleted", NULL, NULL,
                          FALSE,
                          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
just_sync_record_object_init (JustSyncRecordObject *self)
{
}

/**
 * just_sync_record_object_new:
 * @record: the record to wrap
 *
 * Wraps @record in an object, as [class@JustSync.LiveQuery] lists them.
 *
 * Returns: (transfer full): a new object holding @record
 */
JustSyncRecordObject *
just_sync_record_object_new (JustSyncRecord *record)
{
  g_return_val_if_fail (record != NULL, NULL);

  return g_object_new (JUST_SYNC_TYPE_RECORD_OBJECT, "record", record, NULL);
}

void
_just_sync_record_object_set_record (JustSyncRecordObject *self,
                                     JustSyncRecord       *record)
{
  g_autoptr(JustSyncRecord) old = NULL;

  if (just_sync_record_equal (self->record, record))
    return;

  old = g_steal_pointer (&self->record);
  self->record = just_sync_record_ref (record);

  g_object_freeze_notify (G_OBJECT (self));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RECORD]);
  if (just_sync_record_get_updated_at (old) != just_sync_record_get_updated_at (record))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_UPDATED_AT]);
  if (just_sync_record_is_deleted (old) != just_sync_record_is_deleted (record))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DELETED]);
  g_object_thaw_notify (G_OBJECT (self));
}

/**
 * just_sync_record_object_get_record:
 * @self: a [class@JustSync.RecordObject]
 *
 * Gets the value of [property@JustSync.RecordObject:record].
 *
 * Returns: (transfer none): the current record
 */
JustSyncRecord *
just_sync_record_object_get_record (JustSyncRecordObject *self)
{
  g_return_val_if_fail (JUST_SYNC_IS_RECORD_OBJECT (self), NULL);

  return self->record;
}

/**
 * just_sync_record_object_get_id:
 * @self: a [class@JustSync.RecordObject]
 *
 * Gets the value of [property@JustSync.RecordObject:id].
 *
 * Returns: the id of the record
 */
const char *
just_sync_record_object_get_id (JustSyncRecordObject *self)
{
  g_return_val_if_fail (JUST_SYNC_IS_RECORD_OBJECT (self), NULL);

  return just_sync_record_get_id (self->record);
}

/**
 * just_sync_record_object_get_updated_at:
 * @self: a [class@JustSync.RecordObject]
 *
 * Gets the value of [property@JustSync.RecordObject:updated-at].
 *
 * Returns: when the record last changed, in microseconds since the epoch
 */
gint64
just_sync_record_object_get_updated_at (JustSyncRecordObject *self)
{
  g_return_val_if_fail (JUST_SYNC_IS_RECORD_OBJECT (self), 0);

  return just_sync_record_get_updated_at (self->record);
}

/**
 * just_sync_record_object_get_deleted:
 * @self: a [class@JustSync.RecordObject]
 *
 * Gets the value of [property@JustSync.RecordObject:deleted].
 *
 * Returns: %TRUE if the record is a tombstone
 */
gboolean
just_sync_record_object_get_deleted (JustSyncRecordObject *self)
{
  g_return_val_if_fail (JUST_SYNC_IS_RECORD_OBJECT (self), FALSE);

  return just_sync_record_is_deleted (self->record);
}

static JsonNode *
record_object_member (JustSyncRecordObject *self,
                      const char           *field)
{
  return json_object_get_member (just_sync_record_get_payload (self->record), field);
}

/**
 * just_sync_record_object_has_field:
 * @self: a [class@JustSync.RecordObject]
 * @field: a member of the payload
 *
 * Tells whether the record's payload has a member named @field.
 *
 * Returns: %TRUE if the payload has @field, even with a `null` value
 */
gboolean
just_sync_record_object_has_field (JustSyncRecordObject *self,
                                   const char           *field)
{
  g_return_val_if_fail (JUST_SYNC_IS_RECORD_OBJECT (self), FALSE);
  g_return_val_if_fail (field != NULL, FALSE);

  return record_object_member (self, field) != NULL;
}

/**
 * just_sync_record_object_get_string:
 * @self: a [class@JustSync.RecordObject]
 * @field: a member of the payload
 *
 * Reads a string member. The string belongs to the current record: it stays
 * valid until [property@JustSync.RecordObject:record] changes.
 *
 * Returns: (nullable): the string, or %NULL when @field is missing or no string
 */
const char *
just_sync_record_object_get_string (JustSyncRecordObject *self,
                                    const char           *field)
{
  JsonNode *node;

  g_return_val_if_fail (JUST_SYNC_IS_RECORD_OBJECT (self), NULL);
  g_return_val_if_fail (field != NULL, NULL);

  node = record_object_member (self, field);
  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) ||
      json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;
  return json_node_get_string (node);
}

/* The member as a number, or FALSE when it is missing or no number. */
static gboolean
record_object_get_number (JustSyncRecordObject *self,
                          const char           *field,
                          JsonNode            **node_out)
{
  JsonNode *node = record_object_member (self, field);
  GType type;

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node))
    return FALSE;
  type = json_node_get_value_type (node);
  *node_out = node;
  return type == G_TYPE_INT64 || type == G_TYPE_DOUBLE;
}

/**
 * just_sync_record_object_get_int:
 * @self: a [class@JustSync.RecordObject]
 * @field: a member of the payload
 *
 * Reads a number member as an integer; a fraction is truncated.
 *
 * Returns: the number, or 0 when @field is missing or no number
 */
gint64
just_sync_record_object_get_int (JustSyncRecordObject *self,
                                 const char           *field)
{
  JsonNode *node;

  g_return_val_if_fail (JUST_SYNC_IS_RECORD_OBJECT (self), 0);
  g_return_val_if_fail (field != NULL, 0);

  return record_object_get_number (self, field, &node) ? json_node_get_int (node) : 0;
}

/**
 * just_sync_record_object_get_double:
 * @self: a [class@JustSync.RecordObject]
 * @field: a member of the payload
 *
 * Reads a number member.
 *
 * Returns: the number, or 0 when @field is missing or no number
 */
double
just_sync_record_object_get_double (JustSyncRecordObject *self,
                                    const char           *field)
{
  JsonNode *node;

  g_return_val_if_fail (JUST_SYNC_IS_RECORD_OBJECT (self), 0.0);
  g_return_val_if_fail (field != NULL, 0.0);

  return record_object_get_number (self, field, &node) ? json_node_get_double (node) : 0.0;
}

/**
 * just_sync_record_object_get_boolean:
 * @self: a [class@JustSync.RecordObject]
 * @field: a member of the payload
 *
 * Reads a boolean member.
 *
 * Returns: the boolean, or %FALSE when @field is missing or no boolean
 */
gboolean
just_sync_record_object_get_boolean (JustSyncRecordObject *self,
                                     const char           *field)
{
  JsonNode *node;

  g_return_val_if_fail (JUST_SYNC_IS_RECORD_OBJECT (self), FALSE);
  g_return_val_if_fail (field != NULL, FALSE);

  node = record_object_member (self, field);
  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) ||
      json_node_get_value_type (node) != G_TYPE_BOOLEAN)
    return FALSE;
  return json_node_get_boolean (node);
}
