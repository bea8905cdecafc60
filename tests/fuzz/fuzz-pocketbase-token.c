/* fuzz-pocketbase-token.c: the claims of a PocketBase token
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The input is read twice: as a whole token, and as the JSON claims of a
 * token (base64url-encoded here), which reaches the JSON reader directly.
 * An expiry is always 0 (none) or a time JustSync supports.
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
check_token (const char *token)
{
  g_autofree char *collection_id = NULL;
  gint64 exp = _just_sync_pb_token_get_claims (token, &collection_id, NULL);

  FUZZ_CHECK (exp == 0 || (just_sync_timestamp_is_valid (exp) && exp % G_USEC_PER_SEC == 0));
  FUZZ_CHECK (collection_id == NULL || g_utf8_validate (collection_id, -1, NULL));
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autofree char *text = fuzz_string (data, size);
  g_autofree char *encoded = g_base64_encode (data, size);
  g_autofree char *token = NULL;

  check_token (text);
  g_strdelimit (encoded, "+", '-');
  g_strdelimit (encoded, "/", '_');
  g_strdelimit (encoded, "=", '\0');
  token = g_strconcat ("eyJhbGciOiJIUzI1NiJ9.", encoded, ".c2ln", NULL);
  check_token (token);
  return 0;
}
