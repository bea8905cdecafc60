/* test-http-client.c: the shared HTTP layer against an in-process server
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <string.h>

#include <justsync/justsync.h>

#include "http-test-util.h"
#include "justsync-test-util.h"
#include "justsync-http-client-private.h"

typedef struct
{
  SoupServer *server;
  char *url;
  JustSyncHttpClient *client;
  GPtrArray *paused;                /* SoupServerMessage never answered */
} Fixture;

static void
reply_html (SoupServerMessage *msg,
            guint              status)
{
  soup_server_message_set_status (msg, status, NULL);
  soup_server_message_set_response (msg, "text/html", SOUP_MEMORY_STATIC, "<html></html>", 13);
}

static void
handler (SoupServer        *server,
         SoupServerMessage *msg,
         const char        *path,
         GHashTable        *query,
         gpointer           user_data)
{
  Fixture *fixture = user_data;
  SoupMessageHeaders *request_headers = soup_server_message_get_request_headers (msg);
  SoupMessageHeaders *response_headers = soup_server_message_get_response_headers (msg);

  if (strcmp (path, "/ok") == 0)
    http_test_reply_json (msg, 200, "{\"hello\":\"world\",\"n\":1}");
  else if (strcmp (path, "/echo") == 0)
    {
      g_autoptr(GBytes) body = soup_message_body_flatten (soup_server_message_get_request_body (msg));
      g_autofree char *json = NULL;
      g_autofree char *body_text = g_strndup (g_bytes_get_data (body, NULL), g_bytes_get_size (body));

      json = g_strdup_printf ("{\"ua\":\"%s\",\"type\":\"%s\",\"accept\":\"%s\",\"query\":\"%s\",\"body\":%s}",
                              soup_message_headers_get_one (request_headers, "User-Agent"),
                              soup_message_headers_get_content_type (request_headers, NULL),
                              soup_message_headers_get_one (request_headers, "Accept"),
                              g_uri_get_query (soup_server_message_get_uri (msg)),
                              body_text);
      http_test_reply_json (msg, 200, json);
    }
  else if (strcmp (path, "/malformed") == 0)
    http_test_reply_json (msg, 200, "{\"items\": [1, 2");
  else if (strcmp (path, "/truncated") == 0)
    http_test_reply_raw (msg, "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                              "Content-Length: 100\r\n\r\n{\"items\": [1, 2, 3,");
  /* libsoup 3.2 reads this one to the end without complaint. */
  else if (strcmp (path, "/truncated-close") == 0)
    http_test_reply_raw (msg, "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                              "Content-Length: 100\r\nConnection: close\r\n\r\n{\"items\": [1, 2, 3,");
  else if (strcmp (path, "/html") == 0)
    reply_html (msg, 200);
  else if (strcmp (path, "/bad-gateway") == 0)
    reply_html (msg, 502);
  else if (strcmp (path, "/bad-error-json") == 0)
    http_test_reply_json (msg, 500, "{\"message\": ");
  else if (strcmp (path, "/empty") == 0)
    soup_server_message_set_status (msg, 204, NULL);
  else if (strcmp (path, "/drop") == 0)
    http_test_reply_raw (msg, NULL);
  else if (strcmp (path, "/slow") == 0)
    {
      soup_server_message_pause (msg);
      g_ptr_array_add (fixture->paused, g_object_ref (msg));
    }
  else if (strcmp (path, "/big") == 0)
    {
      GString *json = g_string_new ("[");

      for (guint i = 0; i < 40000; i++)
        g_string_append_printf (json, "%s{\"id\":\"r%07u\",\"title\":\"a title of some length\",\"n\":%u}",
                                i > 0 ? "," : "", i, i);
      g_string_append_c (json, ']');
      soup_server_message_set_status (msg, 200, NULL);
      soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_TAKE,
                                        json->str, json->len);
      g_string_free (json, FALSE);
    }
  else if (g_str_has_prefix (path, "/status/"))
    {
      guint status = (guint) g_ascii_strtoull (path + strlen ("/status/"), NULL, 10);
      g_autofree char *json = g_strdup_printf ("{\"status\":%u,\"message\":\"server says %u\",\"data\":{}}",
                                               status, status);

      if (status == 503)
        soup_message_headers_replace (response_headers, "Retry-After", "7");
      if (status == 429)
        {
          g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
          g_autoptr(GDateTime) later = g_date_time_add_seconds (now, 30);
          g_autofree char *date = soup_date_time_to_string (later, SOUP_DATE_HTTP);

          soup_message_headers_replace (response_headers, "Retry-After", date);
        }
      http_test_reply_json (msg, status, json);
    }
  else
    http_test_reply_json (msg, 404, "{\"message\":\"no such test route\"}");
}

static void
fixture_setup (Fixture       *fixture,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  fixture->server = http_test_server_new (&fixture->url);
  fixture->paused = g_ptr_array_new_with_free_func (g_object_unref);
  soup_server_add_handler (fixture->server, NULL, handler, fixture, NULL);
  fixture->client = _just_sync_http_client_new (fixture->url, &error);
  g_assert_no_error (error);
}

static void
fixture_teardown (Fixture       *fixture,
                  gconstpointer  data)
{
  for (guint i = 0; i < fixture->paused->len; i++)
    soup_server_message_unpause (g_ptr_array_index (fixture->paused, i));
  g_ptr_array_unref (fixture->paused);
  g_clear_object (&fixture->client);
  soup_server_disconnect (fixture->server);
  g_clear_object (&fixture->server);
  g_free (fixture->url);
}

/* Sends a request; returns the reply or NULL with @error. */
static JustSyncHttpResponse *
send_with (JustSyncHttpClient  *client,
           const char          *method,
           const char          *path,
           const char          *query,
           JsonNode            *body,
           GCancellable        *cancellable,
           GError             **error)
{
  g_autoptr(SoupMessage) message = _just_sync_http_client_new_message (client, method, path, query, body);
  g_autoptr(GAsyncResult) result = NULL;
  GAsyncResult *pending = NULL;

  _just_sync_http_client_send_async (client, message, cancellable, just_sync_test_result_cb,
                                     &pending);
  result = just_sync_test_await (&pending);
  return _just_sync_http_client_send_finish (client, result, error);
}

static JustSyncHttpResponse *
send (Fixture       *fixture,
      const char    *method,
      const char    *path,
      const char    *query,
      JsonNode      *body,
      GCancellable  *cancellable,
      GError       **error)
{
  return send_with (fixture->client, method, path, query, body, cancellable, error);
}

static void
test_success (Fixture       *fixture,
              gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JustSyncHttpResponse) response = send (fixture, "GET", "/ok", NULL, NULL, NULL, &error);
  JsonObject *body;

  g_assert_no_error (error);
  g_assert_cmpuint (response->status, ==, 200);
  g_assert_true (_just_sync_http_response_check (response, &error));
  body = json_node_get_object (response->body);
  g_assert_cmpstr (json_object_get_string_member (body, "hello"), ==, "world");
  g_assert_cmpint (json_object_get_int_member (body, "n"), ==, 1);
  /* SoupServer sends a Date header, as every real server does. */
  g_assert_cmpint (ABS (response->date - g_get_real_time ()), <, 5 * G_USEC_PER_SEC);
  g_assert_cmpint (response->retry_after, ==, 0);
}

static void
test_request_shape (Fixture       *fixture,
                    gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) body = json_from_string ("{\"title\":\"t\\\"q\",\"n\":2}", NULL);
  g_autoptr(GString) query = g_string_new (NULL);
  g_autoptr(JustSyncHttpResponse) response = NULL;
  JsonObject *echo;

  _just_sync_http_query_add (query, "filter", "a = \"x y\" && b > 1");
  _just_sync_http_query_add (query, "sort", "updated,id");
  response = send (fixture, "POST", "/echo", query->str, body, NULL, &error);
  g_assert_no_error (error);

  echo = json_node_get_object (response->body);
  g_assert_cmpstr (json_object_get_string_member (echo, "ua"), ==, "JustSync/" PACKAGE_VERSION);
  g_assert_cmpstr (json_object_get_string_member (echo, "type"), ==, "application/json");
  g_assert_cmpstr (json_object_get_string_member (echo, "accept"), ==, "application/json");
  g_assert_cmpstr (json_object_get_string_member (echo, "query"), ==,
                   "filter=a%20%3D%20%22x%20y%22%20%26%26%20b%20%3E%201&sort=updated%2Cid");
  g_assert_true (json_node_equal (json_object_get_member (echo, "body"), body));
}

static void
test_status_mapping (Fixture       *fixture,
                     gconstpointer  data)
{
  static const struct {
    guint status;
    JustSyncError code;
    gboolean transient;
    gint64 retry_after_min, retry_after_max;
  } cases[] = {
    { 400, JUST_SYNC_ERROR_REJECTED, FALSE, 0, 0 },
    { 404, JUST_SYNC_ERROR_REJECTED, FALSE, 0, 0 },
    { 409, JUST_SYNC_ERROR_REJECTED, FALSE, 0, 0 },
    { 401, JUST_SYNC_ERROR_AUTH, FALSE, 0, 0 },
    { 403, JUST_SYNC_ERROR_AUTH, FALSE, 0, 0 },
    { 408, JUST_SYNC_ERROR_NETWORK, TRUE, 0, 0 },
    { 429, JUST_SYNC_ERROR_SERVER, TRUE, 25 * G_USEC_PER_SEC, 31 * G_USEC_PER_SEC },
    { 500, JUST_SYNC_ERROR_SERVER, TRUE, 0, 0 },
    { 503, JUST_SYNC_ERROR_SERVER, TRUE, 7 * G_USEC_PER_SEC, 7 * G_USEC_PER_SEC },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *path = g_strdup_printf ("/status/%u", cases[i].status);
      g_autofree char *expected = g_strdup_printf ("server says %u", cases[i].status);
      g_autoptr(GError) error = NULL;
      g_autoptr(JustSyncHttpResponse) response = send (fixture, "GET", path, NULL, NULL, NULL, &error);

      g_test_message ("HTTP %u", cases[i].status);
      g_assert_no_error (error);
      g_assert_cmpuint (response->status, ==, cases[i].status);
      g_assert_cmpstr (_just_sync_http_response_get_message (response), ==, expected);
      g_assert_cmpint (response->retry_after, >=, cases[i].retry_after_min);
      g_assert_cmpint (response->retry_after, <=, cases[i].retry_after_max);

      g_assert_false (_just_sync_http_response_check (response, &error));
      g_assert_error (error, JUST_SYNC_ERROR, (int) cases[i].code);
      g_assert_nonnull (strstr (error->message, expected));
      g_assert_cmpint (just_sync_error_is_transient (error), ==, cases[i].transient);
    }
}

static void
assert_send_fails (Fixture       *fixture,
                   const char    *path,
                   JustSyncError  code,
                   const char    *fragment)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JustSyncHttpResponse) response = send (fixture, "GET", path, NULL, NULL, NULL, &error);

  g_assert_null (response);
  g_assert_error (error, JUST_SYNC_ERROR, (int) code);
  g_test_message ("%s: %s", path, error->message);
  g_assert_nonnull (strstr (error->message, fragment));
  g_assert_true (just_sync_error_is_transient (error));
}

static void
test_malformed_json (Fixture       *fixture,
                     gconstpointer  data)
{
  assert_send_fails (fixture, "/malformed", JUST_SYNC_ERROR_SERVER, "malformed JSON");
}

static void
test_truncated_body (Fixture       *fixture,
                     gconstpointer  data)
{
  assert_send_fails (fixture, "/truncated", JUST_SYNC_ERROR_NETWORK, "reading the server’s reply");
  assert_send_fails (fixture, "/truncated-close", JUST_SYNC_ERROR_NETWORK, "ended after 19 of 100 bytes");
}

static void
test_not_json (Fixture       *fixture,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JustSyncHttpResponse) bad_gateway = NULL;
  g_autoptr(JustSyncHttpResponse) bad_error_json = NULL;

  assert_send_fails (fixture, "/html", JUST_SYNC_ERROR_SERVER, "text/html");

  /* An error status keeps its meaning whatever its body. */
  bad_gateway = send (fixture, "GET", "/bad-gateway", NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_null (bad_gateway->body);
  g_assert_cmpstr (_just_sync_http_response_get_message (bad_gateway), ==, "Bad Gateway");
  g_assert_false (_just_sync_http_response_check (bad_gateway, &error));
  g_assert_error (error, JUST_SYNC_ERROR, JUST_SYNC_ERROR_SERVER);
  g_clear_error (&error);

  bad_error_json = send (fixture, "GET", "/bad-error-json", NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (bad_error_json->status, ==, 500);
  g_assert_null (bad_error_json->body);
}

static void
test_no_content (Fixture       *fixture,
                 gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JustSyncHttpResponse) response = send (fixture, "DELETE", "/empty", NULL, NULL, NULL, &error);

  g_assert_no_error (error);
  g_assert_cmpuint (response->status, ==, 204);
  g_assert_null (response->body);
  g_assert_true (_just_sync_http_response_check (response, &error));
}

static void
test_dropped_connection (Fixture       *fixture,
                         gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JustSyncHttpResponse) response = send (fixture, "GET", "/drop", NULL, NULL, NULL, &error);

  g_assert_null (response);
  g_assert_error (error, JUST_SYNC_ERROR, JUST_SYNC_ERROR_NETWORK);
  g_assert_true (just_sync_error_is_transient (error));
}

static void
test_connection_refused (void)
{
  g_autoptr(GSocket) socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM,
                                            G_SOCKET_PROTOCOL_TCP, NULL);
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) address = g_inet_socket_address_new (loopback, 0);
  g_autoptr(GSocketAddress) bound = NULL;
  g_autoptr(JustSyncHttpClient) client = NULL;
  g_autoptr(JustSyncHttpResponse) response = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *url = NULL;

  /* A port that was free a moment ago and has no listener. */
  g_assert_true (g_socket_bind (socket, address, TRUE, NULL));
  bound = g_socket_get_local_address (socket, NULL);
  url = g_strdup_printf ("http://127.0.0.1:%u",
                         g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound)));
  g_socket_close (socket, NULL);

  client = _just_sync_http_client_new (url, &error);
  g_assert_no_error (error);
  response = send_with (client, "GET", "/ok", NULL, NULL, NULL, &error);
  g_assert_null (response);
  g_assert_error (error, JUST_SYNC_ERROR, JUST_SYNC_ERROR_NETWORK);
  g_assert_nonnull (strstr (error->message, "Could not reach the server"));
}

static void
test_timeout (Fixture       *fixture,
              gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JustSyncHttpResponse) response = NULL;
  gint64 start = g_get_monotonic_time ();
  gint64 elapsed;

  _just_sync_http_client_set_timeout (fixture->client, 1);
  response = send (fixture, "GET", "/slow", NULL, NULL, NULL, &error);
  elapsed = g_get_monotonic_time () - start;

  g_assert_null (response);
  g_assert_error (error, JUST_SYNC_ERROR, JUST_SYNC_ERROR_NETWORK);
  g_assert_nonnull (strstr (error->message, "within 1 seconds"));
  g_assert_cmpint (elapsed, >=, G_USEC_PER_SEC * 9 / 10);
  g_assert_cmpint (elapsed, <, 5 * G_USEC_PER_SEC);
}

static gboolean
cancel_cb (gpointer user_data)
{
  g_cancellable_cancel (user_data);
  return G_SOURCE_REMOVE;
}

static void
test_cancel (Fixture       *fixture,
             gconstpointer  data)
{
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(JustSyncHttpResponse) response = NULL;

  g_timeout_add (100, cancel_cb, cancellable);
  response = send (fixture, "GET", "/slow", NULL, NULL, cancellable, &error);
  g_assert_null (response);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
}

static void
test_big_reply (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JustSyncHttpResponse) response = send (fixture, "GET", "/big", NULL, NULL, NULL, &error);
  JsonArray *array;

  g_assert_no_error (error);
  array = json_node_get_array (response->body);
  g_assert_cmpuint (json_array_get_length (array), ==, 40000);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (array, 39999), "id"),
                   ==, "r0039999");
}

static void
test_stream (Fixture       *fixture,
             gconstpointer  data)
{
  g_autoptr(SoupMessage) ok = _just_sync_http_client_new_message (fixture->client, "GET", "/ok", NULL, NULL);
  g_autoptr(SoupMessage) refused = _just_sync_http_client_new_message (fixture->client, "GET", "/status/401", NULL, NULL);
  g_autoptr(GInputStream) stream = NULL;
  g_autoptr(GError) error = NULL;
  char buffer[64] = { 0 };
  gsize n;

  stream = JUST_SYNC_TEST_AWAIT (_just_sync_http_client_open_stream, fixture->client, &error, ok);
  g_assert_no_error (error);
  g_assert_true (g_input_stream_read_all (stream, buffer, sizeof buffer - 1, &n, NULL, &error));
  g_assert_cmpstr (buffer, ==, "{\"hello\":\"world\",\"n\":1}");
  g_clear_object (&stream);

  stream = JUST_SYNC_TEST_AWAIT (_just_sync_http_client_open_stream, fixture->client, &error,
                                 refused);
  g_assert_null (stream);
  g_assert_error (error, JUST_SYNC_ERROR, JUST_SYNC_ERROR_AUTH);
  g_assert_nonnull (strstr (error->message, "server says 401"));
}

static void
test_retry_after (void)
{
  gint64 now = g_get_real_time ();
  g_autoptr(GDateTime) base = g_date_time_new_from_unix_utc (now / G_USEC_PER_SEC);
  g_autoptr(GDateTime) later = g_date_time_add_seconds (base, 90);
  g_autoptr(GDateTime) earlier = g_date_time_add_seconds (base, -90);
  g_autofree char *later_text = soup_date_time_to_string (later, SOUP_DATE_HTTP);
  g_autofree char *earlier_text = soup_date_time_to_string (earlier, SOUP_DATE_HTTP);
  gint64 delay;

  g_assert_cmpint (_just_sync_http_parse_retry_after (NULL, now), ==, 0);
  g_assert_cmpint (_just_sync_http_parse_retry_after ("120", now), ==, 120 * G_USEC_PER_SEC);
  g_assert_cmpint (_just_sync_http_parse_retry_after (" 5 ", now), ==, 5 * G_USEC_PER_SEC);
  g_assert_cmpint (_just_sync_http_parse_retry_after ("0", now), ==, 0);
  g_assert_cmpint (_just_sync_http_parse_retry_after ("5s", now), ==, 0);
  g_assert_cmpint (_just_sync_http_parse_retry_after ("soon", now), ==, 0);
  g_assert_cmpint (_just_sync_http_parse_retry_after ("99999999999999999999", now), ==,
                   G_GINT64_CONSTANT (86400) * G_USEC_PER_SEC);
  delay = _just_sync_http_parse_retry_after (later_text, now);
  g_assert_cmpint (delay, >, 88 * G_USEC_PER_SEC);
  g_assert_cmpint (delay, <=, 90 * G_USEC_PER_SEC);
  g_assert_cmpint (_just_sync_http_parse_retry_after (earlier_text, now), ==, 0);
}

/* Servers on the loopback interface need no network. */
static void
test_loopback (void)
{
  static const struct {
    const char *url;
    gboolean loopback;
  } cases[] = {
    { "http://127.0.0.1:8090", TRUE },
    { "http://127.3.4.5/pb", TRUE },
    { "http://localhost:8090/", TRUE },
    { "http://LOCALHOST", TRUE },
    { "http://[::1]:8090", TRUE },
    { "https://pb.example.com", FALSE },
    { "http://192.168.1.10:8090", FALSE },
    { "http://127.0.0.1.example.com", FALSE },
    { "not a url", FALSE },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_test_message ("%s", cases[i].url);
      g_assert_cmpint (_just_sync_http_url_is_loopback (cases[i].url), ==, cases[i].loopback);
    }
}

static void
test_base_url (void)
{
  static const char * const bad[] = {
    "", "not a url", "ftp://example.com", "http://", "http://example.com/?q=1", "file:///tmp",
  };
  g_autoptr(JustSyncHttpClient) client = NULL;
  g_autoptr(SoupMessage) message = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *url = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(JustSyncHttpClient) refused = _just_sync_http_client_new (bad[i], &error);

      g_assert_null (refused);
      g_assert_error (error, JUST_SYNC_ERROR, JUST_SYNC_ERROR_INVALID_ARGUMENT);
      g_clear_error (&error);
    }

  client = _just_sync_http_client_new ("https://example.com/pb//", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (_just_sync_http_client_get_base_url (client), ==, "https://example.com/pb");
  message = _just_sync_http_client_new_message (client, "GET", "/api/health", "a=1", NULL);
  url = g_uri_to_string (soup_message_get_uri (message));
  g_assert_cmpstr (url, ==, "https://example.com/pb/api/health?a=1");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

#define ADD(name, func) \
  g_test_add ("/http-client/" name, Fixture, NULL, fixture_setup, func, fixture_teardown)

  ADD ("success", test_success);
  ADD ("request-shape", test_request_shape);
  ADD ("status-mapping", test_status_mapping);
  ADD ("malformed-json", test_malformed_json);
  ADD ("truncated-body", test_truncated_body);
  ADD ("not-json", test_not_json);
  ADD ("no-content", test_no_content);
  ADD ("dropped-connection", test_dropped_connection);
  ADD ("timeout", test_timeout);
  ADD ("cancel", test_cancel);
  ADD ("big-reply", test_big_reply);
  ADD ("stream", test_stream);
  g_test_add_func ("/http-client/connection-refused", test_connection_refused);
  g_test_add_func ("/http-client/retry-after", test_retry_after);
  g_test_add_func ("/http-client/base-url", test_base_url);
  g_test_add_func ("/http-client/loopback", test_loopback);

#undef ADD

  return g_test_run ();
}
