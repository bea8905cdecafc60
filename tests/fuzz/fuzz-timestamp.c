/* fuzz-timestamp.c: RFC 3339 times as servers send them
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

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autofree char *text = fuzz_string (data, size);
  g_autoptr(GError) error = NULL;
  g_autofree char *formatted = NULL;
  gint64 usec, back;

  if (!just_sync_timestamp_parse (text, &usec, &error))
    {
      fuzz_check_error (error);
      return 0;
    }
  FUZZ_CHECK (just_sync_timestamp_is_valid (usec));
  formatted = just_sync_timestamp_format (usec, JUST_SYNC_TIMESTAMP_RFC3339);
  FUZZ_CHECK (just_sync_timestamp_parse (formatted, &back, &error));
  FUZZ_CHECK (back == usec);
  return 0;
}
