/* fuzz-scope.c: scopes in their string form (D-Bus, storage keys) and
 * their JSON form
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
  g_autoptr(JustSyncScope) scope = just_sync_scope_parse (text, &error);
  g_autoptr(JsonNode) node = NULL;

  if (scope == NULL)
    fuzz_check_error (error);
  else
    {
      g_autoptr(JustSyncScope) back = just_sync_scope_parse (just_sync_scope_to_string (scope), &error);
      g_autoptr(JsonNode) form = just_sync_scope_to_json (scope);
      g_autoptr(JustSyncScope) from_form = NULL;

      FUZZ_CHECK (back != NULL);
      FUZZ_CHECK (just_sync_scope_equal (scope, back));
      fuzz_check_round_trip (form, JUST_SYNC_JSON_MAX_DEPTH);
      from_form = just_sync_scope_from_json (form, &error);
      FUZZ_CHECK (from_form != NULL);
      FUZZ_CHECK (just_sync_scope_equal (scope, from_form));
    }
  g_clear_error (&error);

  node = _just_sync_json_parse (text, -1, JUST_SYNC_JSON_MAX_DEPTH, NULL);
  if (node != NULL)
    {
      g_autoptr(JustSyncScope) from_json = just_sync_scope_from_json (node, &error);

      if (from_json == NULL)
        fuzz_check_error (error);
    }
  return 0;
}
