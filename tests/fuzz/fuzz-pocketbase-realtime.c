/* fuzz-pocketbase-realtime.c: a PocketBase realtime event
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The input's first line is the event's name (`PB_CONNECT`, or
 * `collection/id`), the rest its data, as the event stream hands them over.
 */

#include <string.h>

#include "fuzz-common.h"

#include "justsync-pocketbase-private.h"

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
  g_autoptr(JustSyncScope) scope = just_sync_scope_parse ("records?owner=u1", NULL);
  g_autofree char *text = fuzz_string (data, size);
  g_autofree char *client_id = NULL;
  g_autofree char *collection = NULL;
  g_autoptr(JsonObject) record = NULL;
  char *newline = strchr (text, '\n');
  const char *event_data = "";

  if (newline != NULL)
    {
      *newline = '\0';
      event_data = newline + 1;
    }

  if (!_just_sync_pb_event_read (text, event_data, &client_id, &collection, &record))
    {
      FUZZ_CHECK (client_id == NULL && record == NULL);
      return 0;
    }
  FUZZ_CHECK ((client_id != NULL) != (collection != NULL));
  if (client_id != NULL)
    FUZZ_CHECK (client_id[0] != '\0');
  if (record != NULL)
    (void) _just_sync_pb_item_may_be_in_scope (record, scope);
  return 0;
}
