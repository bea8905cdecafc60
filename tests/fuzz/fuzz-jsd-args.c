/* fuzz-jsd-args.c: the daemon's checks of D-Bus arguments
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The first byte picks the check; the rest is the argument. D-Bus strings
 * are UTF-8 without NUL, so inputs that are not are skipped: the bus
 * refuses them before the daemon sees them.
 */

#include <stdint.h>
#include <stdlib.h>

#include "jsd-args.h"

int LLVMFuzzerInitialize (int *argc, char ***argv);
int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerInitialize (int    *argc,
                      char ***argv)
{
  g_log_set_always_fatal (G_LOG_LEVEL_CRITICAL | G_LOG_LEVEL_WARNING);
  return 0;
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autofree char *text = NULL;
  g_autoptr(GError) error = NULL;
  gboolean ok;

  if (size == 0 || !g_utf8_validate_len ((const char *) data + 1, size - 1, NULL))
    return 0;
  text = g_strndup ((const char *) data + 1, size - 1);

  switch (data[0] % 7)
    {
    case 0:
      {
        g_autoptr(JustSyncScope) scope = jsd_args_parse_scope (text, &error);
        ok = scope != NULL;
      }
      break;
    case 1:
      ok = jsd_args_check_id (text, &error);
      break;
    case 2:
      {
        g_autoptr(JsonObject) payload = jsd_args_parse_payload (text, &error);
        ok = payload != NULL;
      }
      break;
    case 3:
      ok = jsd_args_check_store_name (text, &error);
      break;
    case 4:
      ok = jsd_args_check_app_id (text, &error);
      break;
    case 5:
      {
        /* A Patch's removed fields, one a line. */
        g_auto(GStrv) names = g_strsplit (text, "\n", -1);
        ok = jsd_args_check_field_names ((const char * const *) names, &error);
      }
      break;
    default:
      {
        JustSyncReadPolicy policy;
        ok = jsd_args_parse_policy (text, &policy, &error);
      }
      break;
    }

  /* An error goes back over the bus: it must be valid UTF-8. */
  if (!ok && (error == NULL || !g_utf8_validate (error->message, -1, NULL)))
    abort ();
  return 0;
}
