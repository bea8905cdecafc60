/* fuzz-pocketbase-page.c: a PocketBase list reply, as fetch_since reads it
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The reply goes through the strict boundary with the envelope depth; each
 * item becomes a record or a UTF-8 error, and an accepted record's payload
 * writes text that reads back as the same record.
 */

#include "fuzz-common.h"

#include "justsync-pocketbase-private.h"

int
LLVMFuzzerInitialize (int    *argc,
                      char ***argv)
{
  fuzz_init ();
  return 0;
}

static void
check_item (JsonNode      *item,
            JustSyncScope *scope)
{
  static const JustSyncPbTarget target = { (char *) "records", (char *) "deleted_at" };
  g_autoptr(JustSyncRecord) record = NULL;
  g_autoptr(JustSyncRecord) back = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *data = NULL;
  gboolean has_soft_field;

  if (JSON_NODE_HOLDS_OBJECT (item))
    (void) _just_sync_pb_item_in_scope (json_node_get_object (item), scope);
  record = _just_sync_pb_record_from_json (&target, scope, item, &has_soft_field, NULL, &error);
  if (record == NULL)
    {
      fuzz_check_error (error);
      return;
    }
  FUZZ_CHECK (just_sync_timestamp_is_valid (just_sync_record_get_updated_at (record)));
  data = just_sync_record_dup_payload_data (record);
  back = just_sync_record_new_from_data (just_sync_record_get_id (record), data,
                                         just_sync_record_get_updated_at (record),
                                         just_sync_record_get_deleted_at (record), &error);
  FUZZ_CHECK (back != NULL);
  FUZZ_CHECK (json_object_equal (just_sync_record_get_payload (record), just_sync_record_get_payload (back)));
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(JustSyncScope) scope = just_sync_scope_parse ("records?owner=u1", NULL);
  g_autoptr(GError) error = NULL;
  g_autofree char *message = NULL;
  JustSyncHttpResponse response = { 200, NULL, NULL, 0, 0 };
  JsonArray *items;

  response.body = _just_sync_pb_parse_reply ((const char *) data, (gssize) size, &error);
  if (response.body == NULL)
    {
      fuzz_check_error (error);
      return 0;
    }

  (void) _just_sync_pb_object_get_int (_just_sync_pb_body_get_object (response.body), "perPage");
  message = _just_sync_pb_dup_error_message (response.body, 400);
  FUZZ_CHECK (g_utf8_validate (message, -1, NULL));

  items = _just_sync_pb_list_get_items (&response, "records", &error);
  if (items == NULL)
    fuzz_check_error (error);
  else
    for (guint i = 0; i < json_array_get_length (items); i++)
      check_item (json_array_get_element (items, i), scope);
  json_node_unref (response.body);
  return 0;
}
