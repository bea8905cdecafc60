/* fuzz-record.c: records from JSON text (D-Bus Create, the SQLite store)
 * and from their JSON form
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "fuzz-common.h"

int
LLVMFuzzerInitialize (int    *argc,
                      char ***argv)
{
  fuzz_init ();
  return 0;
}

static void
check_payload_text (const char *text)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JustSyncRecord) record = just_sync_record_new_from_data ("id", text, 1, 0, &error);
  g_autoptr(JustSyncRecord) back = NULL;
  g_autofree char *data = NULL;

  if (record == NULL)
    {
      fuzz_check_error (error);
      return;
    }
  /* What the store writes, it reads back: no poison rows. */
  data = just_sync_record_dup_payload_data (record);
  back = just_sync_record_new_from_data ("id", data, 1, 0, &error);
  FUZZ_CHECK (back != NULL);
  FUZZ_CHECK (just_sync_record_equal (record, back));
}

static void
check_record_form (const char *text)
{
  g_autoptr(JsonNode) node = _just_sync_json_parse (text, -1, JUST_SYNC_JSON_MAX_ENVELOPE_DEPTH, NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(JustSyncRecord) record = NULL;
  g_autoptr(JsonNode) form = NULL;
  g_autoptr(JustSyncRecord) back = NULL;

  if (node == NULL)
    return;
  record = just_sync_record_from_json (node, &error);
  if (record == NULL)
    {
      fuzz_check_error (error);
      return;
    }
  form = just_sync_record_to_json (record);
  fuzz_check_round_trip (form, JUST_SYNC_JSON_MAX_ENVELOPE_DEPTH);
  back = just_sync_record_from_json (form, &error);
  FUZZ_CHECK (back != NULL);
  FUZZ_CHECK (just_sync_record_equal (record, back));
}

/* A Query or Watch reply of the service: a list of record forms. What it
 * accepts is what the record form reads, one by one. */
static void
check_record_list (const char *text)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) records = just_sync_record_list_from_data (text, &error);
  g_autoptr(JsonNode) node = NULL;

  if (records == NULL)
    {
      fuzz_check_error (error);
      return;
    }
  node = _just_sync_json_parse (text, -1, JUST_SYNC_JSON_MAX_ENVELOPE_DEPTH, NULL);
  FUZZ_CHECK (node != NULL && JSON_NODE_HOLDS_ARRAY (node));
  FUZZ_CHECK (json_array_get_length (json_node_get_array (node)) == records->len);
  for (guint i = 0; i < records->len; i++)
    {
      g_autoptr(JustSyncRecord) one = just_sync_record_from_json (json_array_get_element (json_node_get_array (node), i),
                                                                  NULL);

      FUZZ_CHECK (one != NULL);
      FUZZ_CHECK (just_sync_record_equal (one, g_ptr_array_index (records, i)));
    }
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autofree char *text = fuzz_string (data, size);

  check_payload_text (text);
  check_record_form (text);
  check_record_list (text);
  return 0;
}
