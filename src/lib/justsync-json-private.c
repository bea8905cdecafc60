/* justsync-json-private.c
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "justsync-error.h"
#include "justsync-json-private.h"
#include "justsync-timestamp.h"

static JsonObject *copy_object (JsonObject *object);

/* A deep copy: json_node_copy() shares the objects and arrays it holds. */
static JsonNode *
copy_node (JsonNode *node)
{
  if (JSON_NODE_HOLDS_OBJECT (node))
    {
      JsonNode *result = json_node_new (JSON_NODE_OBJECT);

      json_node_take_object (result, copy_object (json_node_get_object (node)));
      return result;
    }

  if (JSON_NODE_HOLDS_ARRAY (node))
    {
      JsonArray *array = json_node_get_array (node);
      g_autoptr(JsonArray) copy = json_array_sized_new (json_array_get_length (array));
      JsonNode *result = json_node_new (JSON_NODE_ARRAY);

      for (guint i = 0; i < json_array_get_length (array); i++)
        json_array_add_element (copy, copy_node (json_array_get_element (array, i)));
      json_node_set_array (result, copy);
      return result;
    }

  return json_node_copy (node);
}

static JsonObject *
copy_object (JsonObject *object)
{
  JsonObject *copy = json_object_new ();
  g_autoptr(GList) members = json_object_get_members (object);

  for (const GList *l = members; l != NULL; l = l->next)
    json_object_set_member (copy, l->data, copy_node (json_object_get_member (object, l->data)));
  return copy;
}

/*
 * _just_sync_json_object_copy:
 *
 * Copies @object and everything in it, keeping the order of its members,
 * so that sealing the copy leaves the original alone. Recursive: only for
 * values whose depth _just_sync_json_check_value() bounded.
 */
JsonObject *
_just_sync_json_object_copy (JsonObject *object)
{
  return copy_object (object);
}

/*
 * _just_sync_json_canonical:
 *
 * Serializes @node compactly with the members of every object sorted, so
 * that two documents with the same content give the same bytes whatever
 * order a server wrote their members in.
 */
char *
_just_sync_json_canonical (JsonNode *node)
{
  return _just_sync_json_to_string (node, TRUE);
}

/*
 * _just_sync_json_object_covers:
 *
 * TRUE when every member of @subset is in @object with an equal value.
 * Servers add members of their own (defaults of columns the client never
 * set), so "the server row holds what we wrote" is containment, not equality.
 */
gboolean
_just_sync_json_object_covers (JsonObject *object,
                               JsonObject *subset)
{
  JsonObjectIter iter;
  const char *name;
  JsonNode *value;

  json_object_iter_init (&iter, subset);
  while (json_object_iter_next (&iter, &name, &value))
    {
      JsonNode *other = json_object_get_member (object, name);

      if (other == NULL || !json_node_equal (value, other))
        return FALSE;
    }
  return TRUE;
}

JsonObject *
_just_sync_json_get_object (JsonNode    *node,
                            const char  *what,
                            GError     **error)
{
  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    {
      g_set_error (error, JUST_SYNC_ERROR, JUST_SYNC_ERROR_INVALID_ARGUMENT,
                   _("%s is not a JSON object"), what);
      return NULL;
    }
  return json_node_get_object (node);
}

/*
 * _just_sync_json_parse_object:
 *
 * Parses, by the strict rules of _just_sync_json_parse(), a document that
 * must be exactly one JSON object at most %JUST_SYNC_JSON_MAX_DEPTH deep.
 */
JsonObject *
_just_sync_json_parse_object (const char  *json,
                              gssize       length,
                              GError     **error)
{
  g_autoptr(JsonNode) root = _just_sync_json_parse (json, length, JUST_SYNC_JSON_MAX_DEPTH, error);
  JsonObject *object;

  if (root == NULL)
    return NULL;
  object = _just_sync_json_get_object (root, _("The payload"), error);
  return object != NULL ? json_object_ref (object) : NULL;
}

/* A member that must be there, whatever its type. */
JsonNode *
_just_sync_json_get_member (JsonObject  *object,
                            const char  *member,
                            GError     **error)
{
  JsonNode *node = json_object_get_member (object, member);

  if (node == NULL)
    g_set_error (error, JUST_SYNC_ERROR, JUST_SYNC_ERROR_INVALID_ARGUMENT,
                 _("The member “%s” is missing"), member);
  return node;
}

gboolean
_just_sync_json_get_string (JsonObject   *object,
                            const char   *member,
                            gboolean      nullable,
                            const char  **out_value,
                            GError      **error)
{
  JsonNode *node = json_object_get_member (object, member);

  if ((node == NULL || JSON_NODE_HOLDS_NULL (node)) && nullable)
    {
      *out_value = NULL;
      return TRUE;
    }

  if (node == NULL || json_node_get_value_type (node) != G_TYPE_STRING)
    {
      g_set_error (error, JUST_SYNC_ERROR, JUST_SYNC_ERROR_INVALID_ARGUMENT,
                   _("The member “%s” is missing or not a string"), member);
      return FALSE;
    }

  *out_value = json_node_get_string (node);
  return TRUE;
}

gboolean
_just_sync_json_get_int (JsonObject  *object,
                         const char  *member,
                         gint64      *out_value,
                         GError     **error)
{
  JsonNode *node = json_object_get_member (object, member);

  if (node == NULL || json_node_get_value_type (node) != G_TYPE_INT64)
    {
      g_set_error (error, JUST_SYNC_ERROR, JUST_SYNC_ERROR_INVALID_ARGUMENT,
                   _("The member “%s” is missing or not an integer"), member);
      return FALSE;
    }

  *out_value = json_node_get_int (node);
  return TRUE;
}

/* A missing member or null is @default_value. */
gboolean
_just_sync_json_get_boolean (JsonObject  *object,
                             const char  *member,
                             gboolean     default_value,
                             gboolean    *out_value,
                             GError     **error)
{
  JsonNode *node = json_object_get_member (object, member);

  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    {
      *out_value = default_value;
      return TRUE;
    }
  if (json_node_get_value_type (node) != G_TYPE_BOOLEAN)
    {
      g_set_error (error, JUST_SYNC_ERROR, JUST_SYNC_ERROR_INVALID_ARGUMENT,
                   _("The member “%s” is not a boolean"), member);
      return FALSE;
    }
  *out_value = json_node_get_boolean (node);
  return TRUE;
}

/* Timestamps are written as RFC 3339 strings; null or a missing member is 0. */
gboolean
_just_sync_json_get_timestamp (JsonObject  *object,
                               const char  *member,
                               gint64      *out_value,
                               GError     **error)
{
  const char *text;

  if (!_just_sync_json_get_string (object, member, TRUE, &text, error))
    return FALSE;

  if (text == NULL)
    {
      *out_value = 0;
      return TRUE;
    }

  return just_sync_timestamp_parse (text, out_value, error);
}

void
_just_sync_json_set_timestamp (JsonBuilder *builder,
                               const char  *member,
                               gint64       usec)
{
  json_builder_set_member_name (builder, member);
  if (usec == 0)
    json_builder_add_null_value (builder);
  else
    {
      g_autofree char *text = just_sync_timestamp_format (usec, JUST_SYNC_TIMESTAMP_RFC3339);
      json_builder_add_string_value (builder, text);
    }
}

gboolean
_just_sync_json_get_enum (JsonObject  *object,
                          const char  *member,
                          GType        enum_type,
                          int         *out_value,
                          GError     **error)
{
  g_autoptr(GEnumClass) klass = g_type_class_ref (enum_type);
  const char *nick;
  GEnumValue *value;

  if (!_just_sync_json_get_string (object, member, FALSE, &nick, error))
    return FALSE;

  if ((value = g_enum_get_value_by_nick (klass, nick)) == NULL)
    {
      g_set_error (error, JUST_SYNC_ERROR, JUST_SYNC_ERROR_INVALID_ARGUMENT,
                   _("“%s” is not a valid value for “%s”"), nick, member);
      return FALSE;
    }
  *out_value = value->value;
  return TRUE;
}

/* Enum classes of the library are never unloaded, so the nick outlives the
 * class reference. */
const char *
_just_sync_enum_to_nick (GType enum_type,
                         int   value)
{
  g_autoptr(GEnumClass) klass = g_type_class_ref (enum_type);
  GEnumValue *enum_value = g_enum_get_value (klass, value);

  return enum_value != NULL ? enum_value->value_nick : NULL;
}
