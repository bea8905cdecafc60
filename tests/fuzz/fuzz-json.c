/* fuzz-json.c: the strict JSON boundary and its writer
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "fuzz-common.h"
#include "../common/json-same-tree.h"

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
    FUZZ_CHECK (json_same_tree (node, json_parser_get_root (parser)));
  }
  /* What is accepted is storable, and reads back equal. */
  FUZZ_CHECK (_just_sync_json_check_value (node, JUST_SYNC_JSON_MAX_DEPTH, &error));
  fuzz_check_round_trip (node, JUST_SYNC_JSON_MAX_DEPTH);
  return 0;
}
