/* fuzz-json.c: the strict JSON boundary and its writer
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include <string.h>

#include "fuzz-common.h"

/* Node by node, the tree JsonParser builds from the same accepted text:
 * the strict reader builds its own tree for speed (issue 14), so the two
 * must never differ in types, values, member order or double bits. */
static void
fuzz_check_same_tree (JsonNode *ours,
                      JsonNode *theirs)
{
  FUZZ_CHECK (json_node_get_node_type (ours) == json_node_get_node_type (theirs));
  switch (json_node_get_node_type (ours))
    {
    case JSON_NODE_OBJECT:
      {
        JsonObjectIter a, b;
        const char *name_a, *name_b;
        JsonNode *value_a, *value_b;

        FUZZ_CHECK (json_object_get_size (json_node_get_object (ours)) ==
                    json_object_get_size (json_node_get_object (theirs)));
        json_object_iter_init_ordered (&a, json_node_get_object (ours));
        json_object_iter_init_ordered (&b, json_node_get_object (theirs));
        while (json_object_iter_next_ordered (&a, &name_a, &value_a))
          {
            FUZZ_CHECK (json_object_iter_next_ordered (&b, &name_b, &value_b));
            FUZZ_CHECK (g_strcmp0 (name_a, name_b) == 0);
            fuzz_check_same_tree (value_a, value_b);
          }
      }
      break;
    case JSON_NODE_ARRAY:
      {
        JsonArray *a = json_node_get_array (ours);
        JsonArray *b = json_node_get_array (theirs);

        FUZZ_CHECK (json_array_get_length (a) == json_array_get_length (b));
        for (guint i = 0; i < json_array_get_length (a); i++)
          fuzz_check_same_tree (json_array_get_element (a, i), json_array_get_element (b, i));
      }
      break;
    case JSON_NODE_VALUE:
      FUZZ_CHECK (json_node_get_value_type (ours) == json_node_get_value_type (theirs));
      if (json_node_get_value_type (ours) == G_TYPE_DOUBLE)
        {
          double x = json_node_get_double (ours), y = json_node_get_double (theirs);

          FUZZ_CHECK (memcmp (&x, &y, sizeof x) == 0);
        }
      else
        FUZZ_CHECK (json_node_equal (ours, theirs));
      break;
    case JSON_NODE_NULL:
    default:
      break;
    }
}

int
LLVMFuzzerInitialize (int    *argc,
                      char ***argv)
{
  fuzz_init ();
  return 0;
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = _just_sync_json_parse ((const char *) data, size,
                                                    JUST_SYNC_JSON_MAX_DEPTH, &error);

  if (node == NULL)
    {
      fuzz_check_error (error);
      return 0;
    }
  /* What is accepted builds the tree json-glib would build. */
  {
    g_autoptr(JsonParser) parser = json_parser_new_immutable ();

    FUZZ_CHECK (json_parser_load_from_data (parser, (const char *) data, size, NULL));
    fuzz_check_same_tree (node, json_parser_get_root (parser));
  }
  /* What is accepted is storable, and reads back equal. */
  FUZZ_CHECK (_just_sync_json_check_value (node, JUST_SYNC_JSON_MAX_DEPTH, &error));
  fuzz_check_round_trip (node, JUST_SYNC_JSON_MAX_DEPTH);
  return 0;
}
