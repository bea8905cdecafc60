/* json-same-tree.h: whether the strict reader built what JsonParser builds
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The strict JSON reader builds its own tree for speed (issue 14); the
 * unit test and the fuzz target both check it against JsonParser's with
 * this one comparison.
 */

#pragma once

#include <string.h>

#include <json-glib/json-glib.h>

/* Node by node, @ours (from _just_sync_json_parse()) is @theirs (from
 * JsonParser): the same types (an integer stays an int64), values (doubles
 * bit for bit), member order, parent links, and sealed. */
static inline gboolean
json_same_tree (JsonNode *ours,
                JsonNode *theirs)
{
  if (json_node_get_node_type (ours) != json_node_get_node_type (theirs) ||
      !json_node_is_immutable (ours))
    return FALSE;

  switch (json_node_get_node_type (ours))
    {
    case JSON_NODE_OBJECT:
      {
        JsonObjectIter a, b;
        const char *name_a, *name_b;
        JsonNode *value_a, *value_b;

        if (!json_object_is_immutable (json_node_get_object (ours)) ||
            json_object_get_size (json_node_get_object (ours)) !=
            json_object_get_size (json_node_get_object (theirs)))
          return FALSE;
        json_object_iter_init_ordered (&a, json_node_get_object (ours));
        json_object_iter_init_ordered (&b, json_node_get_object (theirs));
        while (json_object_iter_next_ordered (&a, &name_a, &value_a))
          if (!json_object_iter_next_ordered (&b, &name_b, &value_b) ||
              g_strcmp0 (name_a, name_b) != 0 ||
              json_node_get_parent (value_a) != ours ||
              !json_same_tree (value_a, value_b))
            return FALSE;
        return TRUE;
      }
    case JSON_NODE_ARRAY:
      {
        JsonArray *a = json_node_get_array (ours);
        JsonArray *b = json_node_get_array (theirs);

        if (json_array_get_length (a) != json_array_get_length (b))
          return FALSE;
        for (guint i = 0; i < json_array_get_length (a); i++)
          if (!json_same_tree (json_array_get_element (a, i), json_array_get_element (b, i)))
            return FALSE;
        return TRUE;
      }
    case JSON_NODE_VALUE:
      if (json_node_get_value_type (ours) != json_node_get_value_type (theirs))
        return FALSE;
      if (json_node_get_value_type (ours) == G_TYPE_DOUBLE)
        {
          double x = json_node_get_double (ours), y = json_node_get_double (theirs);

          return memcmp (&x, &y, sizeof x) == 0;
        }
      return json_node_equal (ours, theirs);
    case JSON_NODE_NULL:
    default:
      return TRUE;
    }
}
