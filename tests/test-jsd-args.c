/* test-jsd-args.c
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The daemon's checks of what D-Bus clients send: refused input gets an
 * error whose message is valid UTF-8, since it goes back over the bus,
 * which carries nothing else (GDBus logs a critical and sends
 * "[Invalid UTF-8]").
 */

#include <string.h>

#include "jsd-args.h"

static void
assert_utf8_error (GError *error)
{
  g_assert_error (error, JUST_SYNC_ERROR, JUST_SYNC_ERROR_INVALID_ARGUMENT);
  g_test_message ("%s", error->message);
  g_assert_true (g_utf8_validate (error->message, -1, NULL));
}

/* @n_ascii bytes of "a", then "é" (two bytes) straddling the byte limit,
 * then more. */
static char *
straddling (guint n_ascii)
{
  g_autoptr(GString) text = g_string_new (NULL);

  for (guint i = 0; i < n_ascii; i++)
    g_string_append_c (text, 'a');
  g_string_append (text, "\xc3\xa9!");
  return g_string_free (g_steal_pointer (&text), FALSE);
}

/* Item 8 of issue 12: the quoted input was cut with "%.*s" at a byte
 * count, in the middle of a character. */
static void
test_cut_at_character (void)
{
  g_autofree char *name = straddling (JSD_MAX_NAME_LENGTH - 1);
  g_autofree char *app_id = straddling (JSD_MAX_APP_ID_LENGTH - 1);
  g_autofree char *policy = straddling (63);
  g_autoptr(GError) error = NULL;
  JustSyncReadPolicy out_policy;

  g_assert_false (jsd_args_check_store_name (name, &error));
  assert_utf8_error (error);
  g_assert_nonnull (strstr (error->message, "aaa”"));
  g_clear_error (&error);

  g_assert_false (jsd_args_check_app_id (app_id, &error));
  assert_utf8_error (error);
  g_clear_error (&error);

  g_assert_false (jsd_args_parse_policy (policy, &out_policy, &error));
  assert_utf8_error (error);
  g_clear_error (&error);

  /* Not from D-Bus, so not necessarily UTF-8. */
  g_assert_false (jsd_args_check_store_name ("a\xff", &error));
  assert_utf8_error (error);
  g_clear_error (&error);
  g_assert_false (jsd_args_parse_policy ("\xed\xa0\x80", &out_policy, &error));
  assert_utf8_error (error);
}

/* json-glib quoted a lone surrogate in its error messages. */
static void
test_payload_errors (void)
{
  static const char *bad[] = {
    "{\"a\":\"\\ud800x\"}", "{\"a\":\"\\udc00\"}", "{\"\\ud800\":1}", "{\"a\":'\\ud800'}",
    "{\"a\":1e999}", "{\"a\":\"x\\u0000\"}",
  };

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(JsonObject) payload = jsd_args_parse_payload (bad[i], &error);

      g_assert_null (payload);
      assert_utf8_error (error);
    }
}

static void
test_valid (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) payload = jsd_args_parse_payload ("{\"n\":1e21}", &error);
  JustSyncReadPolicy policy;

  g_assert_no_error (error);
  g_assert_cmpfloat (json_object_get_double_member (payload, "n"), ==, 1e21);
  g_assert_true (jsd_args_check_store_name ("notes.db", &error));
  g_assert_true (jsd_args_check_app_id ("org.example.App", &error));
  g_assert_true (jsd_args_parse_policy ("local-first", &policy, &error));
  g_assert_no_error (error);
  g_assert_cmpint (policy, ==, JUST_SYNC_READ_LOCAL_FIRST);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/jsd-args/cut-at-character", test_cut_at_character);
  g_test_add_func ("/jsd-args/payload-errors", test_payload_errors);
  g_test_add_func ("/jsd-args/valid", test_valid);

  return g_test_run ();
}
