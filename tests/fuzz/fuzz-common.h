/* fuzz-common.h: what the libFuzzer harnesses share
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Every harness turns criticals and warnings into crashes (an app running
 * with G_DEBUG=fatal-criticals would crash on them too) and checks, beyond
 * "no crash", that what a parser accepts reads back equal.
 */

#pragma once

#include <stdint.h>
#include <stdlib.h>

#include "justsync-json-private.h"

#include <justsync/justsync.h>

int LLVMFuzzerInitialize (int *argc, char ***argv);
int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

static inline void
fuzz_init (void)
{
  g_log_set_always_fatal (G_LOG_LEVEL_CRITICAL | G_LOG_LEVEL_WARNING);
  g_log_set_fatal_mask ("GLib", G_LOG_LEVEL_CRITICAL | G_LOG_LEVEL_WARNING);
  g_log_set_fatal_mask ("Json", G_LOG_LEVEL_CRITICAL | G_LOG_LEVEL_WARNING);
  g_log_set_fatal_mask ("JustSync", G_LOG_LEVEL_CRITICAL | G_LOG_LEVEL_WARNING);
}

/* A fuzz input as a nul-terminated string, as the C APIs take it. */
static inline char *
fuzz_string (const uint8_t *data,
             size_t         size)
{
  return g_strndup ((const char *) data, size);
}

/* A failure is an abort, which libFuzzer reports as a crash. */
#define FUZZ_CHECK(expr) \
  G_STMT_START { \
    if (!(expr)) \
      { \
        g_printerr ("%s:%d: check failed: %s\n", __FILE__, __LINE__, #expr); \
        abort (); \
      } \
  } G_STMT_END

/* Errors reach D-Bus clients and logs: always valid UTF-8. */
static inline void
fuzz_check_error (GError *error)
{
  FUZZ_CHECK (error != NULL);
  FUZZ_CHECK (g_utf8_validate (error->message, -1, NULL));
}

/* Writes @node with the strict writer and reads it back: the text must
 * parse, and write the same text again. */
static inline void
fuzz_check_round_trip (JsonNode *node,
                       guint     max_depth)
{
  g_autofree char *text = _just_sync_json_to_string (node, FALSE);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) back = _just_sync_json_parse (text, -1, max_depth, &error);
  g_autofree char *again = NULL;

  if (back == NULL)
    {
      g_printerr ("written text does not read back: %s\n", error->message);
      abort ();
    }
  again = _just_sync_json_to_string (back, FALSE);
  FUZZ_CHECK (g_strcmp0 (text, again) == 0);
  FUZZ_CHECK (json_node_equal (node, back));
}
