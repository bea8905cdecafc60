/* justsync-query.c
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <math.h>
#include <string.h>

#include <glib/gi18n-lib.h>

#include "justsync-error.h"
#include "justsync-query-private.h"

/**
 * JustSyncQuery:
 *
 * Which live records of a scope to list, and in which order: filters on
 * JSON fields, combined with AND, an ordering and a limit.
 *
 * Run a query once with [method@JustSync.Orchestrator.query_async] or
 * [method@JustSync.LocalStore.run_query_async], or watch it with
 * [method@JustSync.Orchestrator.watch]: the [class@JustSync.LiveQuery] it
 * returns is a #GListModel that follows the data.
 *
 * A field is a member of the payload, or a dotted path into nested objects
 * (`address.city`). Records are ordered by the keys added with
 * [method@JustSync.Query.add_order], in turn, then by id; with no key they
 * are ordered by id. Values of different types compare as SQLite compares
 * them, see [enum@JustSync.QueryOperator], so the SQLite store runs a query in SQL
 * and every store returns the same rows in the same order.
 *
 * A query is built, then used: once it has been run or watched, it can no
 * longer be changed.
 *
 * ```c
 * g_autoptr(JustSyncQuery) query = just_sync_query_new (scope);
 *
 * just_sync_query_add_filter_boolean (query, "done", JUST_SYNC_QUERY_EQUAL, FALSE);
 * just_sync_query_add_order (query, "priority", TRUE);
 * just_sync_query_set_limit (query, 50);
 * ```
 */

struct _JustSyncQuery
{
  GObject parent_instance;

  JustSyncScope *scope;
  GPtrArray *filters;          /* JustSyncQueryFilter */
  GPtrArray *orders;           /* JustSyncQueryOrder */
  guint limit;
  gboolean sealed;
};

G_DEFINE_FINAL_TYPE (JustSyncQuery, just_sync_query, G_TYPE_OBJECT)

static void
query_filter_free (JustSyncQueryFilter *filter)
{
  g_free (filter->field);
  g_strfreev (filter->labels);
  g_free ((char *) filter->value.s);
  g_free (filter);
}

static void
query_order_free (JustSyncQueryOrder *order)
{
  g_free (order->field);
  g_strfreev (order->labels);
  g_free (order);
}

static void
just_sync_query_finalize (GObject *object)
{
  JustSyncQuery *self = (JustSyncQuery *) object;

  g_clear_pointer (&self->scope, just_sync_scope_unref);
  g_clear_pointer (&self->filters, g_ptr_array_unref);
  g_clear_pointer (&self->orders, g_ptr_array_unref);

  G_OBJECT_CLASS (just_sync_query_parent_class)->finalize (object);
}

static void
just_sync_query_class_init (JustSyncQueryClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = just_sync_query_finalize;
}

static void
just_sync_query_init (JustSyncQuery *self)
{
  self->filters = g_ptr_array_new_with_free_func ((GDestroyNotify) query_filter_free);
  self->orders = g_ptr_array_new_with_free_func ((GDestroyNotify) query_order_free);
}

/* The rules of the SQLite store's field paths: dot-separated labels, none
 * empty, no quotes or control characters. */
static gboolean
query_field_is_valid (const char *field)
{
  gboolean label_empty = TRUE;

  if (field == NULL || !g_utf8_validate (field, -1, NULL))
    return FALSE;
  for (const char *p = field; *p != '\0'; p++)
    {
      if (*p == '"' || g_ascii_iscntrl (*p))
        return FALSE;
      if (*p == '.')
        {
          if (label_empty)
            return FALSE;
          label_empty = TRUE;
        }
      else
        label_empty = FALSE;
    }
  return !label_empty;
}

/* The member at @labels, or NULL when a label is missing or a step is no
 * object. */
static JsonNode *
query_lookup (JsonObject  *payload,
              char       **labels)
{
  JsonNode *node = NULL;

  for (guint i = 0; labels[i] != NULL; i++)
    {
      if (i > 0)
        {
          if (!JSON_NODE_HOLDS_OBJECT (node))
            return NULL;
          payload = json_node_get_object (node);
        }
      if ((node = json_object_get_member (payload, labels[i])) == NULL)
        return NULL;
    }
  return node;
}

static JustSyncQueryValue
query_value_of (JsonNode *node)
{
  JustSyncQueryValue value = { JUST_SYNC_QUERY_VALUE_NULL, };

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node))
    return value;

  switch (json_node_get_value_type (node))
    {
    case G_TYPE_BOOLEAN:
      value.kind = JUST_SYNC_QUERY_VALUE_INT;
      value.i = json_node_get_boolean (node) ? 1 : 0;
      break;

    case G_TYPE_INT64:
      value.kind = JUST_SYNC_QUERY_VALUE_INT;
      value.i = json_node_get_int (node);
      break;

    case G_TYPE_DOUBLE:
      value.kind = JUST_SYNC_QUERY_VALUE_DOUBLE;
      value.d = json_node_get_double (node);
      break;

    case G_TYPE_STRING:
      value.kind = JUST_SYNC_QUERY_VALUE_TEXT;
      value.s = json_node_get_string (node);
      break;

    default:
      break;
    }
  return value;
}

static int
query_value_rank (const JustSyncQueryValue *value)
{
  switch (value->kind)
    {
    case JUST_SYNC_QUERY_VALUE_NULL:
      return 0;
    case JUST_SYNC_QUERY_VALUE_TEXT:
      return 2;
    case JUST_SYNC_QUERY_VALUE_INT:
    case JUST_SYNC_QUERY_VALUE_DOUBLE:
    default:
      return 1;
    }
}

/* SQLite's order of the values json_extract() gives: NULL, then numbers by
 * value, then text with the BINARY collation. */
static int
query_value_compare (const JustSyncQueryValue *a,
                     const JustSyncQueryValue *b)
{
  int rank_a = query_value_rank (a), rank_b = query_value_rank (b);

  if (rank_a != rank_b)
    return rank_a < rank_b ? -1 : 1;

  switch (rank_a)
    {
    case 0:
      return 0;

    case 2:
      {
        int c = strcmp (a->s, b->s);
        return c < 0 ? -1 : c > 0;
      }

    default:
      if (a->kind == JUST_SYNC_QUERY_VALUE_INT && b->kind == JUST_SYNC_QUERY_VALUE_INT)
        return a->i < b->i ? -1 : a->i > b->i;
      else
        {
          double da = a->kind == JUST_SYNC_QUERY_VALUE_INT ? (double) a->i : a->d;
          double db = b->kind == JUST_SYNC_QUERY_VALUE_INT ? (double) b->i : b->d;

          return da < db ? -1 : da > db;
        }
    }
}

static gboolean
query_filter_matches (JustSyncQueryFilter *filter,
                      JsonObject          *payload)
{
  JsonNode *node = query_lookup (payload, filter->labels);
  JustSyncQueryValue value;
  int c;

  if (filter->is_null)
    return node == NULL || JSON_NODE_HOLDS_NULL (node);

  value = query_value_of (node);
  if (value.kind == JUST_SYNC_QUERY_VALUE_NULL)
    return filter->op == JUST_SYNC_QUERY_NOT_EQUAL;

  if (filter->op == JUST_SYNC_QUERY_CONTAINS)
    return value.kind == JUST_SYNC_QUERY_VALUE_TEXT && strstr (value.s, filter->value.s) != NULL;

  c = query_value_compare (&value, &filter->value);
  switch (filter->op)
    {
    case JUST_SYNC_QUERY_EQUAL:
      return c == 0;
    case JUST_SYNC_QUERY_NOT_EQUAL:
      return c != 0;
    case JUST_SYNC_QUERY_LESS:
      return c < 0;
    case JUST_SYNC_QUERY_LESS_OR_EQUAL:
      return c <= 0;
    case JUST_SYNC_QUERY_GREATER:
      return c > 0;
    case JUST_SYNC_QUERY_GREATER_OR_EQUAL:
      return c >= 0;
    case JUST_SYNC_QUERY_CONTAINS:
    default:
      g_assert_not_reached ();
    }
}

static void
query_add_filter (JustSyncQuery            *self,
                  const char               *field,
                  gboolean                  is_null,
                  JustSyncQueryOperator     op,
                  const JustSyncQueryValue *value)
{
  JustSyncQueryFilter *filter = g_new0 (JustSyncQueryFilter, 1);

  filter->field = g_strdup (field);
  filter->labels = g_strsplit (field, ".", -1);
  filter->is_null = is_null;
  filter->op = op;
  if (value != NULL)
    {
      filter->value = *value;
      filter->value.s = g_strdup (value->s);
    }
  g_ptr_array_add (self->filters, filter);
}

#define QUERY_CHECK_FILTER(self, field, op) \
  G_STMT_START { \
    g_return_if_fail (JUST_SYNC_IS_QUERY (self)); \
    g_return_if_fail (!(self)->sealed); \
    g_return_if_fail (query_field_is_valid (field)); \
    g_return_if_fail ((op) >= JUST_SYNC_QUERY_EQUAL && (op) <= JUST_SYNC_QUERY_CONTAINS); \
  } G_STMT_END

/**
 * just_sync_query_new:
 * @scope: the scope to list
 *
 * Creates a query that lists every live record of @scope, ordered by id.
 *
 * Returns: (transfer full): a new query
 */
JustSyncQuery *
just_sync_query_new (JustSyncScope *scope)
{
  JustSyncQuery *self;

  g_return_val_if_fail (scope != NULL, NULL);

  self = g_object_new (JUST_SYNC_TYPE_QUERY, NULL);
  self->scope = just_sync_scope_ref (scope);
  return self;
}

static const char * const query_operator_names[] = {
  "equal", "not-equal", "less", "less-or-equal", "greater", "greater-or-equal", "contains",
};

/**
 * just_sync_query_to_json:
 * @self: a [class@JustSync.Query]
 *
 * Describes the query, without its scope, as JSON: what the D-Bus
 * service's `Watch` method takes. For example
 * `{"filters": [{"field": "done", "op": "equal", "value": false},
 * {"field": "due", "op": "is-null"}], "order": [{"field": "rank",
 * "descending": true}, {"field": null, "descending": false}], "limit": 10}`,
 * where a `null` order field is `updated_at`.
 *
 * Returns: (transfer full): a JSON object
 */
JsonNode *
just_sync_query_to_json (JustSyncQuery *self)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  g_return_val_if_fail (JUST_SYNC_IS_QUERY (self), NULL);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "filters");
  json_builder_begin_array (builder);
  for (guint i = 0; i < self->filters->len; i++)
    {
      JustSyncQueryFilter *filter = g_ptr_array_index (self->filters, i);

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "field");
      json_builder_add_string_value (builder, filter->field);
      json_builder_set_member_name (builder, "op");
      json_builder_add_string_value (builder, filter->is_null ? "is-null"
                                                              : query_operator_names[filter->op]);
      if (!filter->is_null)
        {
          json_builder_set_member_name (builder, "value");
          if (filter->value.kind == JUST_SYNC_QUERY_VALUE_TEXT)
            json_builder_add_string_value (builder, filter->value.s);
          else if (filter->value.kind == JUST_SYNC_QUERY_VALUE_DOUBLE)
            json_builder_add_double_value (builder, filter->value.d);
          else
            json_builder_add_int_value (builder, filter->value.i);
        }
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);

  json_builder_set_member_name (builder, "order");
  json_builder_begin_array (builder);
  for (guint i = 0; i < self->orders->len; i++)
    {
      JustSyncQueryOrder *order = g_ptr_array_index (self->orders, i);

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "field");
      if (order->field != NULL)
        json_builder_add_string_value (builder, order->field);
      else
        json_builder_add_null_value (builder);
      json_builder_set_member_name (builder, "descending");
      json_builder_add_boolean_value (builder, order->descending);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);

  json_builder_set_member_name (builder, "limit");
  json_builder_add_int_value (builder, self->limit);
  json_builder_end_object (builder);
  return json_builder_get_root (builder);
}

/* The member @name of @object if it is a JSON value of @type, else NULL:
 * json-glib's typed getters are critical about other types, and this
 * reads what D-Bus clients send. */
static JsonNode *
query_member_of_type (JsonObject *object,
                      const char *name,
                      GType       type)
{
  JsonNode *node = json_object_get_member (object, name);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != type)
    return NULL;
  return node;
}

static gboolean
query_parse_filter (JustSyncQuery  *self,
                    JsonNode       *node,
                    GError        **error)
{
  JsonObject *object;
  JsonNode *value, *field_node, *op_node;
  const char *field, *op_name;
  JustSyncQueryValue v = { JUST_SYNC_QUERY_VALUE_NULL, };

  if (!JSON_NODE_HOLDS_OBJECT (node))
    goto invalid;
  object = json_node_get_object (node);
  value = json_object_get_member (object, "value");
  field_node = query_member_of_type (object, "field", G_TYPE_STRING);
  op_node = query_member_of_type (object, "op", G_TYPE_STRING);
  if (field_node == NULL || op_node == NULL)
    goto invalid;
  field = json_node_get_string (field_node);
  op_name = json_node_get_string (op_node);
  if (!query_field_is_valid (field))
    goto invalid;

  if (g_str_equal (op_name, "is-null"))
    {
      query_add_filter (self, field, TRUE, JUST_SYNC_QUERY_EQUAL, NULL);
      return TRUE;
    }

  if (value == NULL || !JSON_NODE_HOLDS_VALUE (value))
    goto invalid;
  switch (json_node_get_value_type (value))
    {
    case G_TYPE_STRING:
      v.kind = JUST_SYNC_QUERY_VALUE_TEXT;
      v.s = json_node_get_string (value);
      if (!g_utf8_validate (v.s, -1, NULL))
        goto invalid;
      break;
    case G_TYPE_DOUBLE:
      v.kind = JUST_SYNC_QUERY_VALUE_DOUBLE;
      v.d = json_node_get_double (value);
      break;
    case G_TYPE_BOOLEAN:
      v.kind = JUST_SYNC_QUERY_VALUE_INT;
      v.i = json_node_get_boolean (value) ? 1 : 0;
      break;
    default:
      v.kind = JUST_SYNC_QUERY_VALUE_INT;
      v.i = json_node_get_int (value);
      break;
    }

  for (guint op = 0; op < G_N_ELEMENTS (query_operator_names); op++)
    if (g_str_equal (op_name, query_operator_names[op]))
      {
        if (op == JUST_SYNC_QUERY_CONTAINS && v.kind != JUST_SYNC_QUERY_VALUE_TEXT)
          goto invalid;
        query_add_filter (self, field, FALSE, op, &v);
        return TRUE;
      }

invalid:
  g_set_error (error, JUST_SYNC_ERROR, JUST_SYNC_ERROR_INVALID_ARGUMENT,
               _("A query filter needs a field name, an operator and a value it can compare"));
  return FALSE;
}

/**
 * just_sync_query_new_from_json:
 * @scope: the scope to list
 * @node: a query as [method@JustSync.Query.to_json] describes it
 * @error: return location for an error
 *
 * Reads a query from JSON. Every member is optional.
 *
 * Returns: (transfer full) (nullable): a new query, or %NULL with
 *   %JUST_SYNC_ERROR_INVALID_ARGUMENT
 */
JustSyncQuery *
just_sync_query_new_from_json (JustSyncScope  *scope,
                               JsonNode       *node,
                               GError        **error)
{
  g_autoptr(JustSyncQuery) self = NULL;
  JsonObject *object;
  JsonNode *member;

  g_return_val_if_fail (scope != NULL, NULL);
  g_return_val_if_fail (node != NULL, NULL);

  self = just_sync_query_new (scope);
  if (!JSON_NODE_HOLDS_OBJECT (node))
    goto invalid;
  object = json_node_get_object (node);

  if ((member = json_object_get_member (object, "filters")) != NULL)
    {
      if (!JSON_NODE_HOLDS_ARRAY (member))
        goto invalid;
      for (guint i = 0; i < json_array_get_length (json_node_get_array (member)); i++)
        if (!query_parse_filter (self, json_array_get_element (json_node_get_array (member), i),
                                 error))
          return NULL;
    }

  if ((member = json_object_get_member (object, "order")) != NULL)
    {
      if (!JSON_NODE_HOLDS_ARRAY (member))
        goto invalid;
      for (guint i = 0; i < json_array_get_length (json_node_get_array (member)); i++)
        {
          JsonNode *element = json_array_get_element (json_node_get_array (member), i);
          JsonObject *order;
          JsonNode *field, *descending;

          if (!JSON_NODE_HOLDS_OBJECT (element))
            goto invalid;
          order = json_node_get_object (element);
          field = json_object_get_member (order, "field");
          descending = query_member_of_type (order, "descending", G_TYPE_BOOLEAN);
          if (field != NULL && JSON_NODE_HOLDS_NULL (field))
            field = NULL;
          else if ((field = query_member_of_type (order, "field", G_TYPE_STRING)) == NULL ||
                   !query_field_is_valid (json_node_get_string (field)))
            goto invalid;
          just_sync_query_add_order (self, field != NULL ? json_node_get_string (field) : NULL,
                                     descending != NULL && json_node_get_boolean (descending));
        }
    }

  if ((member = json_object_get_member (object, "limit")) != NULL)
    {
      if ((member = query_member_of_type (object, "limit", G_TYPE_INT64)) == NULL ||
          json_node_get_int (member) < 0 || json_node_get_int (member) > G_MAXUINT)
        goto invalid;
      self->limit = json_node_get_int (member);
    }
  return g_steal_pointer (&self);

invalid:
  g_set_error (error, JUST_SYNC_ERROR, JUST_SYNC_ERROR_INVALID_ARGUMENT,
               _("A query is a JSON object with “filters”, “order” and “limit”"));
  return NULL;
}

/**
 * just_sync_query_get_scope:
 * @self: a [class@JustSync.Query]
 *
 * Gets the scope whose records the query lists.
 *
 * Returns: (transfer none): the scope the query lists
 */
JustSyncScope *
just_sync_query_get_scope (JustSyncQuery *self)
{
  g_return_val_if_fail (JUST_SYNC_IS_QUERY (self), NULL);

  return self->scope;
}

/**
 * just_sync_query_add_filter_string:
 * @self: a [class@JustSync.Query]
 * @field: a payload member, or a dotted path
 * @op: how to compare
 * @value: the string to compare with
 *
 * Keeps only the records whose @field compares to @value as @op says.
 */
void
just_sync_query_add_filter_string (JustSyncQuery         *self,
                                   const char            *field,
                                   JustSyncQueryOperator  op,
                                   const char            *value)
{
  JustSyncQueryValue v = { JUST_SYNC_QUERY_VALUE_TEXT, 0, 0, value };

  QUERY_CHECK_FILTER (self, field, op);
  g_return_if_fail (value != NULL && g_utf8_validate (value, -1, NULL));

  query_add_filter (self, field, FALSE, op, &v);
}

/**
 * just_sync_query_add_filter_int:
 * @self: a [class@JustSync.Query]
 * @field: a payload member, or a dotted path
 * @op: how to compare; not %JUST_SYNC_QUERY_CONTAINS
 * @value: the number to compare with
 *
 * Keeps only the records whose @field compares to @value as @op says.
 */
void
just_sync_query_add_filter_int (JustSyncQuery         *self,
                                const char            *field,
                                JustSyncQueryOperator  op,
                                gint64                 value)
{
  JustSyncQueryValue v = { JUST_SYNC_QUERY_VALUE_INT, value, 0, NULL };

  QUERY_CHECK_FILTER (self, field, op);
  g_return_if_fail (op != JUST_SYNC_QUERY_CONTAINS);

  query_add_filter (self, field, FALSE, op, &v);
}

/**
 * just_sync_query_add_filter_double:
 * @self: a [class@JustSync.Query]
 * @field: a payload member, or a dotted path
 * @op: how to compare; not %JUST_SYNC_QUERY_CONTAINS
 * @value: the finite number to compare with
 *
 * Keeps only the records whose @field compares to @value as @op says.
 */
void
just_sync_query_add_filter_double (JustSyncQuery         *self,
                                   const char            *field,
                                   JustSyncQueryOperator  op,
                                   double                 value)
{
  JustSyncQueryValue v = { JUST_SYNC_QUERY_VALUE_DOUBLE, 0, value, NULL };

  QUERY_CHECK_FILTER (self, field, op);
  g_return_if_fail (op != JUST_SYNC_QUERY_CONTAINS);
  g_return_if_fail (isfinite (value));

  query_add_filter (self, field, FALSE, op, &v);
}

/**
 * just_sync_query_add_filter_boolean:
 * @self: a [class@JustSync.Query]
 * @field: a payload member, or a dotted path
 * @op: how to compare; not %JUST_SYNC_QUERY_CONTAINS
 * @value: the boolean to compare with
 *
 * Keeps only the records whose @field compares to @value as @op says. A
 * boolean is the number 1 (true) or 0 (false).
 */
void
just_sync_query_add_filter_boolean (JustSyncQuery         *self,
                                    const char            *field,
                                    JustSyncQueryOperator  op,
                                    gboolean               value)
{
  JustSyncQueryValue v = { JUST_SYNC_QUERY_VALUE_INT, value ? 1 : 0, 0, NULL };

  QUERY_CHECK_FILTER (self, field, op);
  g_return_if_fail (op != JUST_SYNC_QUERY_CONTAINS);

  query_add_filter (self, field, FALSE, op, &v);
}

/**
 * just_sync_query_add_filter_is_null:
 * @self: a [class@JustSync.Query]
 * @field: a payload member, or a dotted path
 *
 * Keeps only the records where @field is missing or JSON `null`.
 */
void
just_sync_query_add_filter_is_null (JustSyncQuery *self,
                                    const char    *field)
{
  QUERY_CHECK_FILTER (self, field, JUST_SYNC_QUERY_EQUAL);

  query_add_filter (self, field, TRUE, JUST_SYNC_QUERY_EQUAL, NULL);
}

/**
 * just_sync_query_add_order:
 * @self: a [class@JustSync.Query]
 * @field: (nullable): a payload member, or a dotted path; %NULL orders by
 *   the records' `updated_at`
 * @descending: whether the largest values come first
 *
 * Adds a sort key, used where the keys added before it are equal. Missing
 * and null fields come first in ascending order, last in descending order.
 */
void
just_sync_query_add_order (JustSyncQuery *self,
                           const char    *field,
                           gboolean       descending)
{
  JustSyncQueryOrder *order;

  g_return_if_fail (JUST_SYNC_IS_QUERY (self));
  g_return_if_fail (!self->sealed);
  g_return_if_fail (field == NULL || query_field_is_valid (field));

  order = g_new0 (JustSyncQueryOrder, 1);
  order->field = g_strdup (field);
  order->labels = field != NULL ? g_strsplit (field, ".", -1) : NULL;
  order->descending = descending;
  g_ptr_array_add (self->orders, order);
}

/**
 * just_sync_query_set_limit:
 * @self: a [class@JustSync.Query]
 * @limit: the most records to list, or 0 for all of them
 *
 * Lists only the first @limit records.
 */
void
just_sync_query_set_limit (JustSyncQuery *self,
                           guint          limit)
{
  g_return_if_fail (JUST_SYNC_IS_QUERY (self));
  g_return_if_fail (!self->sealed);

  self->limit = limit;
}

/**
 * just_sync_query_get_limit:
 * @self: a [class@JustSync.Query]
 *
 * Gets the most records the query lists.
 *
 * Returns: the most records the query lists, or 0 for all of them
 */
guint
just_sync_query_get_limit (JustSyncQuery *self)
{
  g_return_val_if_fail (JUST_SYNC_IS_QUERY (self), 0);

  return self->limit;
}

/**
 * just_sync_query_matches:
 * @self: a [class@JustSync.Query]
 * @record: a record of the query's scope
 *
 * Checks @record against the filters; the limit plays no part.
 *
 * Returns: %TRUE if @record is live and passes every filter
 */
gboolean
just_sync_query_matches (JustSyncQuery  *self,
                         JustSyncRecord *record)
{
  JsonObject *payload;

  g_return_val_if_fail (JUST_SYNC_IS_QUERY (self), FALSE);
  g_return_val_if_fail (record != NULL, FALSE);

  if (just_sync_record_is_deleted (record))
    return FALSE;

  payload = just_sync_record_get_payload (record);
  for (guint i = 0; i < self->filters->len; i++)
    if (!query_filter_matches (g_ptr_array_index (self->filters, i), payload))
      return FALSE;
  return TRUE;
}

/**
 * just_sync_query_compare:
 * @self: a [class@JustSync.Query]
 * @a: a record
 * @b: another record
 *
 * Compares two records in the query's order, which is total: only records
 * with the same id are equal.
 *
 * Returns: a negative number if @a comes first, a positive one if @b does, 0
 *   if they have the same id
 */
int
just_sync_query_compare (JustSyncQuery  *self,
                         JustSyncRecord *a,
                         JustSyncRecord *b)
{
  int c;

  g_return_val_if_fail (JUST_SYNC_IS_QUERY (self), 0);
  g_return_val_if_fail (a != NULL && b != NULL, 0);

  for (guint i = 0; i < self->orders->len; i++)
    {
      JustSyncQueryOrder *order = g_ptr_array_index (self->orders, i);

      if (order->labels == NULL)
        {
          gint64 ta = just_sync_record_get_updated_at (a), tb = just_sync_record_get_updated_at (b);

          c = ta < tb ? -1 : ta > tb;
        }
      else
        {
          JustSyncQueryValue va = query_value_of (query_lookup (just_sync_record_get_payload (a),
                                                                order->labels));
          JustSyncQueryValue vb = query_value_of (query_lookup (just_sync_record_get_payload (b),
                                                                order->labels));

          c = query_value_compare (&va, &vb);
        }
      if (c != 0)
        return order->descending ? -c : c;
    }

  c = strcmp (just_sync_record_get_id (a), just_sync_record_get_id (b));
  return c < 0 ? -1 : c > 0;
}

GPtrArray *
_just_sync_query_get_filters (JustSyncQuery *self)
{
  return self->filters;
}

GPtrArray *
_just_sync_query_get_orders (JustSyncQuery *self)
{
  return self->orders;
}

void
_just_sync_query_seal (JustSyncQuery *self)
{
  self->sealed = TRUE;
}

static int
query_compare_indirect (gconstpointer a,
                        gconstpointer b,
                        gpointer      self)
{
  return just_sync_query_compare (self, *(JustSyncRecord **) a, *(JustSyncRecord **) b);
}

GPtrArray *
_just_sync_query_select (JustSyncQuery *self,
                         GPtrArray     *records,
                         gboolean       with_limit)
{
  GPtrArray *selected = g_ptr_array_new_with_free_func ((GDestroyNotify) just_sync_record_unref);

  for (guint i = 0; i < records->len; i++)
    if (just_sync_query_matches (self, g_ptr_array_index (records, i)))
      g_ptr_array_add (selected, just_sync_record_ref (g_ptr_array_index (records, i)));
  g_ptr_array_sort_with_data (selected, query_compare_indirect, self);
  if (with_limit && self->limit > 0 && selected->len > self->limit)
    g_ptr_array_set_size (selected, self->limit);
  return selected;
}
