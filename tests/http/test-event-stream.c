/* test-event-stream.c: the shared server-sent events reader
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <string.h>

#include <justsync/justsync.h>

#include "http-test-util.h"
#include "justsync-event-stream-private.h"
#include "justsync-test-util.h"

/* --- the parser, fed in every way a stream can be cut -------------------- */

/* A byte order mark, comments, every line ending, multi-line data, an id
 * that is then reset, `retry:`, an event without data and a last event
 * the stream never ends. */
static const char sample[] =
  "\xEF\xBB\xBF: a comment\r\n"
  "event: first\r\n"
  "data: line one\r\n"
  "data:line two\r\n"
  "id: 7\r\n"
  "\r\n"
  "data\n"
  "\n"
  "event: without-data\n"
  "\n"
  "retry: 250\r"
  "data: {\"a\": \"\xC3\xBC\"}\r"
  ":comment: with colons\r"
  "\r"
  "id\n"
  "data: last\n"
  "unknown: field\n"
  "\n"
  "data: unterminated";

static const char sample_events[] =
  "first|line one\nline two|7\n"
  "message||7\n"
  "message|{\"a\": \"\xC3\xBC\"}|7\n"
  "message|last|(null)\n";

static void
log_event_cb (const char *type,
              const char *data,
              const char *id,
              gpointer    user_data)
{
  g_string_append_printf (user_data, "%s|%s|%s\n", type, data, id != NULL ? id : "(null)");
}

/* Feeds @sample in pieces of @step bytes after a first piece of @first. */
static void
assert_parses (gsize first,
               gsize step)
{
  g_autoptr(GString) log = g_string_new (NULL);
  g_autoptr(JustSyncEventParser) parser = _just_sync_event_parser_new (log_event_cb, log);
  gsize length = strlen (sample);
  g_autoptr(GError) error = NULL;

  g_assert_true (_just_sync_event_parser_feed (parser, sample, first, &error));
  for (gsize at = first; at < length; at += step)
    g_assert_true (_just_sync_event_parser_feed (parser, sample + at, MIN (step, length - at), &error));
  g_assert_no_error (error);
  g_assert_cmpstr (log->str, ==, sample_events);
  g_assert_cmpint (_just_sync_event_parser_get_retry (parser), ==, 250);
}

static void
test_parser_splits (void)
{
  gsize length = strlen (sample);

  assert_parses (length, 1);
  for (gsize step = 1; step <= 3; step++)
    assert_parses (0, step);
  /* Cut once at every byte: inside a CRLF, a field name, the BOM, a UTF-8 character. */
  for (gsize first = 0; first <= length; first++)
    assert_parses (first, length);
}

static void
test_parser_limit (void)
{
  g_autoptr(GString) log = g_string_new (NULL);
  g_autoptr(JustSyncEventParser) parser = _just_sync_event_parser_new (log_event_cb, log);
  g_autofree char *chunk = g_malloc (1024 * 1024);
  g_autoptr(GError) error = NULL;
  gboolean fed = TRUE;

  memset (chunk, 'x', 1024 * 1024);
  for (guint i = 0; i < 20 && fed; i++)
    fed = _just_sync_event_parser_feed (parser, chunk, 1024 * 1024, &error);
  g_assert_false (fed);
  g_assert_error (error, JUST_SYNC_ERROR, JUST_SYNC_ERROR_SERVER);
  g_assert_cmpstr (log->str, ==, "");
}

/* --- the stream against an in-process server ----------------------------- */

typedef struct
{
  SoupServer *server;
  char *url;
  JustSyncHttpClient *client;
  JustSyncEventStream *stream;

  GString *events;
  guint n_events;
  guint n_lost;
  guint n_connections;
  GArray *connected_at;             /* gint64, monotonic */
  GPtrArray *last_event_ids;        /* the request headers, "" when none */
  gboolean stop_on_event;
} Fixture;

typedef struct
{
  SoupServerMessage *msg;
  const char * const *chunks;
  guint next;
  gboolean finished;                /* the client went away */
} Chunked;

/* Cut where a reader is most likely to go wrong: between the CR and the LF
 * of one line ending, inside a field name, and in a comment. */
static const char * const awkward_chunks[] = {
  "data: a", "bc\r", "\n\r", "\n: a comment\nda", "ta: x\ndata: y\n", "\n",
  "event: named\ndata", ": z\r\n\r\n", NULL,
};

static gboolean
send_chunk_cb (gpointer user_data)
{
  Chunked *chunked = user_data;
  SoupMessageBody *body = soup_server_message_get_response_body (chunked->msg);
  const char *chunk = chunked->chunks[chunked->next++];

  if (chunked->finished || chunk == NULL)
    {
      if (!chunked->finished)
        {
          soup_message_body_complete (body);
          soup_server_message_unpause (chunked->msg);
        }
      g_signal_handlers_disconnect_by_data (chunked->msg, chunked);
      g_object_unref (chunked->msg);
      g_free (chunked);
      return G_SOURCE_REMOVE;
    }
  soup_message_body_append (body, SOUP_MEMORY_STATIC, chunk, strlen (chunk));
  soup_server_message_unpause (chunked->msg);
  return G_SOURCE_CONTINUE;
}

static void
chunked_finished_cb (SoupServerMessage *msg,
                     Chunked           *chunked)
{
  chunked->finished = TRUE;
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
  SoupMessageHeaders *headers = soup_server_message_get_response_headers (msg);
  const char *last_event_id = soup_message_headers_get_one (request_headers, "Last-Event-ID");
  gint64 now = g_get_monotonic_time ();

  fixture->n_connections++;
  g_array_append_val (fixture->connected_at, now);
  g_ptr_array_add (fixture->last_event_ids, g_strdup (last_event_id != NULL ? last_event_id : ""));
  g_assert_cmpstr (soup_message_headers_get_one (request_headers, "Accept"), ==, "text/event-stream");

  soup_server_message_set_status (msg, 200, NULL);
  if (strcmp (path, "/chunked") == 0)
    {
      Chunked *chunked = g_new0 (Chunked, 1);

      soup_message_headers_set_content_type (headers, "text/event-stream", NULL);
      soup_message_headers_set_encoding (headers, SOUP_ENCODING_CHUNKED);
      chunked->msg = g_object_ref (msg);
      g_signal_connect (msg, "finished", G_CALLBACK (chunked_finished_cb), chunked);
      chunked->chunks = awkward_chunks;
      /* Apart in time, so each chunk is a read of its own. */
      g_timeout_add (20, send_chunk_cb, chunked);
      soup_server_message_pause (msg);
    }
  else if (strcmp (path, "/ends") == 0)
    soup_server_message_set_response (msg, "text/event-stream", SOUP_MEMORY_STATIC,
                                      "id: 1\ndata: hi\n\n", 16);
  else if (strcmp (path, "/two") == 0)
    soup_server_message_set_response (msg, "text/event-stream", SOUP_MEMORY_STATIC,
                                      "data: 1\n\ndata: 2\n\n", 18);
  else
    soup_server_message_set_status (msg, 404, NULL);
}

static void
event_cb (JustSyncEventStream *stream,
          const char          *type,
          const char          *data,
          const char          *id,
          Fixture             *fixture)
{
  log_event_cb (type, data, id, fixture->events);
  fixture->n_events++;
  if (fixture->stop_on_event)
    _just_sync_event_stream_stop (stream);
}

static void
lost_cb (JustSyncEventStream *stream,
         const char          *why,
         Fixture             *fixture)
{
  g_assert_nonnull (why);
  fixture->n_lost++;
}

static void
fixture_open (Fixture    *fixture,
              const char *path)
{
  fixture->stream = _just_sync_event_stream_new (fixture->client, path, NULL);
  g_signal_connect (fixture->stream, "event", G_CALLBACK (event_cb), fixture);
  g_signal_connect (fixture->stream, "lost", G_CALLBACK (lost_cb), fixture);
}

static void
fixture_setup (Fixture       *fixture,
               gconstpointer  data)
{
  fixture->server = http_test_server_new (&fixture->url);
  soup_server_add_handler (fixture->server, NULL, handler, fixture, NULL);
  fixture->client = _just_sync_http_client_new (fixture->url, NULL);
  fixture->events = g_string_new (NULL);
  fixture->connected_at = g_array_new (FALSE, FALSE, sizeof (gint64));
  fixture->last_event_ids = g_ptr_array_new_with_free_func (g_free);
}

static void
fixture_teardown (Fixture       *fixture,
                  gconstpointer  data)
{
  if (fixture->stream != NULL)
    {
      _just_sync_event_stream_stop (fixture->stream);
      g_signal_handlers_disconnect_by_data (fixture->stream, fixture);
      g_clear_object (&fixture->stream);
    }
  /* Cancelled reads finish, and free their connections. */
  just_sync_test_sleep (50);
  g_clear_object (&fixture->client);
  soup_server_disconnect (fixture->server);
  g_clear_object (&fixture->server);
  g_free (fixture->url);
  g_string_free (fixture->events, TRUE);
  g_array_unref (fixture->connected_at);
  g_ptr_array_unref (fixture->last_event_ids);
}

static void
test_chunked (Fixture       *fixture,
              gconstpointer  data)
{
  fixture_open (fixture, "/chunked");
  _just_sync_event_stream_start (fixture->stream);
  g_assert_true (_just_sync_event_stream_is_active (fixture->stream));
  g_assert_true (just_sync_test_wait_count (&fixture->n_lost, 1, 5000));
  g_assert_cmpstr (fixture->events->str, ==, "message|abc|(null)\nmessage|x\ny|(null)\nnamed|z|(null)\n");
  /* The end of the stream is a loss: a reconnect is due. */
  g_assert_true (_just_sync_event_stream_is_active (fixture->stream));
  g_assert_null (_just_sync_event_stream_get_cancellable (fixture->stream));
}

/* Each loss doubles the delay before the next attempt (timers never fire
 * early, so the lower bounds hold), and the reconnect says which event
 * came last. */
static void
test_reconnect_backoff (Fixture       *fixture,
                        gconstpointer  data)
{
  fixture_open (fixture, "/ends");
  _just_sync_event_stream_set_backoff (fixture->stream, 200, 10000);
  _just_sync_event_stream_start (fixture->stream);
  g_assert_true (just_sync_test_wait_count (&fixture->n_connections, 4, 10000));

  for (guint i = 1; i < 4; i++)
    {
      gint64 gap = g_array_index (fixture->connected_at, gint64, i) -
                   g_array_index (fixture->connected_at, gint64, i - 1);

      /* 200 ms << (i - 1), less a quarter of jitter. */
      g_assert_cmpint (gap, >=, (gint64) (150 << (i - 1)) * 1000);
    }
  g_assert_cmpstr (g_ptr_array_index (fixture->last_event_ids, 0), ==, "");
  g_assert_cmpstr (g_ptr_array_index (fixture->last_event_ids, 1), ==, "1");
  g_assert_cmpuint (fixture->n_lost, >=, 3);
  g_assert_cmpuint (fixture->n_events, >=, 3);

  /* Stopping cancels the reconnect for good. */
  _just_sync_event_stream_stop (fixture->stream);
  g_assert_false (_just_sync_event_stream_is_active (fixture->stream));
  just_sync_test_sleep (1000);
  g_assert_cmpuint (fixture->n_connections, ==, 4);
}

/* A dialect that gives up on a connection (a refused subscription)
 * reconnects with the backoff. */
static void
test_reconnect_by_dialect (Fixture       *fixture,
                           gconstpointer  data)
{
  gint64 gap;

  fixture_open (fixture, "/chunked");
  _just_sync_event_stream_set_backoff (fixture->stream, 100, 10000);
  _just_sync_event_stream_start (fixture->stream);
  g_assert_true (just_sync_test_wait_count (&fixture->n_events, 1, 5000));
  _just_sync_event_stream_reconnect (fixture->stream, "subscription refused");
  g_assert_cmpuint (fixture->n_lost, ==, 1);
  g_assert_true (just_sync_test_wait_count (&fixture->n_connections, 2, 5000));
  gap = g_array_index (fixture->connected_at, gint64, 1) - g_array_index (fixture->connected_at, gint64, 0);
  g_assert_cmpint (gap, >=, 75 * 1000);
}

/* A handler that stops the stream sees no later event of the same read. */
static void
test_stop_in_handler (Fixture       *fixture,
                      gconstpointer  data)
{
  fixture->stop_on_event = TRUE;
  fixture_open (fixture, "/two");
  _just_sync_event_stream_start (fixture->stream);
  g_assert_true (just_sync_test_wait_count (&fixture->n_events, 1, 5000));
  just_sync_test_sleep (800);
  g_assert_cmpstr (fixture->events->str, ==, "message|1|(null)\n");
  g_assert_cmpuint (fixture->n_lost, ==, 0);
  g_assert_cmpuint (fixture->n_connections, ==, 1);
}

static void
test_refused (Fixture       *fixture,
              gconstpointer  data)
{
  fixture_open (fixture, "/missing");
  _just_sync_event_stream_start (fixture->stream);
  g_assert_true (just_sync_test_wait_count (&fixture->n_lost, 1, 5000));
  g_assert_cmpuint (fixture->n_events, ==, 0);
  g_assert_true (_just_sync_event_stream_is_active (fixture->stream));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/event-stream/parser-splits", test_parser_splits);
  g_test_add_func ("/event-stream/parser-limit", test_parser_limit);

#define ADD(name, func) \
  g_test_add ("/event-stream/" name, Fixture, NULL, fixture_setup, func, fixture_teardown)

  ADD ("chunked", test_chunked);
  ADD ("reconnect-backoff", test_reconnect_backoff);
  ADD ("reconnect-by-dialect", test_reconnect_by_dialect);
  ADD ("stop-in-handler", test_stop_in_handler);
  ADD ("refused", test_refused);

#undef ADD

  return g_test_run ();
}
