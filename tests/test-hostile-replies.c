/* test-hostile-replies.c
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Issue 12, crash 2: a server reply goes through the strict JSON boundary
 * like every other input. A reply nested a million levels killed the app
 * on the worker thread; now it, and every reply json-glib would misread,
 * is a clear server error.
 */

#include "config.h"

#include <string.h>

#include "http-test-util.h"
#include "justsync-http-client-private.h"
#include "justsync-json-private.h"
#include "justsync-test-util.h"

static void
handler (SoupServer        *server,
         SoupServerMessage *msg,
         const char        *path,
         GHashTable        *query,
         gpointer           user_data)
{
  GHashTable *replies = user_data;

  http_test_reply_json (msg, 200, g_hash_table_lookup (replies, path + 1));
}

static char *
nested (guint levels)
{
  GString *text = g_string_sized_new (2 * levels);

  for (guint i = 0; i < levels; i++)
    g_string_append_c (text, '[');
  for (guint i = 0; i < levels; i++)
    g_string_append_c (text, ']');
  return g_string_free (text, FALSE);
}

static JustSyncHttpResponse *
get (JustSyncHttpClient  *client,
     const char          *path,
     GError             **error)
{
  g_autoptr(SoupMessage) message = _just_sync_http_client_new_message (client, "GET", path, NULL, NULL);

  return JUST_SYNC_TEST_AWAIT (_just_sync_http_client_send, client, error, message);
}

static void
test_hostile_replies (void)
{
  static const char *refused[] = {
    "deep", "comment", "single-quote", "trailing", "surrogate", "nul", "huge-integer", "infinity",
  };
  g_autoptr(GHashTable) replies = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, g_free);
  g_autoptr(SoupServer) server = NULL;
  g_autofree char *url = NULL;
  g_autoptr(JustSyncHttpClient) client = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JustSyncHttpResponse) fine = NULL;
  g_autofree char *at_limit = nested (JUST_SYNC_JSON_MAX_DEPTH - 1);

  g_hash_table_insert (replies, (gpointer) "deep", nested (1000000));
  g_hash_table_insert (replies, (gpointer) "comment", g_strdup ("{\"items\":[]/* \" */}"));
  g_hash_table_insert (replies, (gpointer) "single-quote", g_strdup ("{'items':[]}"));
  g_hash_table_insert (replies, (gpointer) "trailing", g_strdup ("{\"items\":[]} {}"));
  g_hash_table_insert (replies, (gpointer) "surrogate", g_strdup ("{\"s\":\"\\ud800x\"}"));
  g_hash_table_insert (replies, (gpointer) "nul", g_strdup ("{\"s\":\"a\\u0000b\"}"));
  g_hash_table_insert (replies, (gpointer) "huge-integer", g_strdup ("{\"n\":123456789012345678901234}"));
  g_hash_table_insert (replies, (gpointer) "infinity", g_strdup ("{\"n\":1e999}"));
  /* A payload at the depth limit inside a page envelope still reads. */
  g_hash_table_insert (replies, (gpointer) "page", g_strdup_printf ("{\"items\":[{\"id\":\"a\",\"f\":%s}]}",
                                                         at_limit));

  server = http_test_server_new (&url);
  soup_server_add_handler (server, NULL, handler, replies, NULL);
  client = _just_sync_http_client_new (url, &error);
  g_assert_no_error (error);

  for (guint i = 0; i < G_N_ELEMENTS (refused); i++)
    {
      g_autofree char *path = g_strconcat ("/", refused[i], NULL);
      g_autoptr(JustSyncHttpResponse) response = get (client, path, &error);

      g_test_message ("%s: %s", refused[i], error != NULL ? error->message : "accepted");
      g_assert_error (error, JUST_SYNC_ERROR, JUST_SYNC_ERROR_SERVER);
      g_assert_null (response);
      g_assert_nonnull (strstr (error->message, "malformed JSON"));
      g_assert_true (g_utf8_validate (error->message, -1, NULL));
      g_clear_error (&error);
    }

  fine = get (client, "/page", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (fine->status, ==, 200);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (fine->body));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/hostile-replies/strict-boundary", test_hostile_replies);

  return g_test_run ();
}
