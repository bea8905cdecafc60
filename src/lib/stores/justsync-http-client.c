/* justsync-http-client.c
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "justsync-error.h"
#include "justsync-http-client-private.h"
#include "justsync-json-private.h"
#include "justsync-timestamp.h"

/*
 * JustSyncHttpClient:
 *
 * The HTTP layer every HTTP backend shares; a backend adds only its dialect
 * (paths, queries, auth headers, how its replies read). It owns one
 * #SoupSession, sends JSON bodies, enforces a deadline per request, reads
 * replies from the body stream and maps every failure to one #JustSyncError.
 *
 * A reply body is read asynchronously on the caller's main context into one
 * buffer (sized from `Content-Length`), then parsed on a worker thread; the
 * text is freed as soon as the tree is built, so a large page is never held
 * twice as text and never parsed on the main thread. json-glib 1.6's
 * json_parser_load_from_stream_async() is not used: it buffers the whole
 * body the same way but reads the libsoup stream from a worker thread and
 * parses in its _finish() on the caller's thread. Counting the bytes also
 * catches a body cut short, which libsoup 3.2 does not report when the
 * reply says `Connection: close`.
 *
 * The error mapping:
 *
 * - no answer (connection refused, reset, timed out, truncated body):
 *   %JUST_SYNC_ERROR_NETWORK, transient;
 * - 5xx and 429: %JUST_SYNC_ERROR_SERVER, transient (the reply's
 *   `Retry-After` is in #JustSyncHttpResponse.retry_after);
 * - 401 and 403: %JUST_SYNC_ERROR_AUTH;
 * - 408: %JUST_SYNC_ERROR_NETWORK, transient;
 * - any other 4xx: %JUST_SYNC_ERROR_REJECTED with the server's message;
 * - a success whose body is not JSON, or malformed JSON:
 *   %JUST_SYNC_ERROR_SERVER.
 *
 * Cancellation stays %G_IO_ERROR_CANCELLED. Replies of any status come back
 * as a #JustSyncHttpResponse so a dialect can read its error bodies;
 * _just_sync_http_response_check() applies the mapping.
 */

#define DEFAULT_TIMEOUT_SECONDS 30
#define READ_CHUNK_SIZE (64 * 1024)
/* Preallocate at most this much on a server's word; grow past it as data comes. */
#define MAX_PREALLOCATION (16 * 1024 * 1024)
/* A reply this large is no page of records: refuse it rather than exhaust memory. */
#define MAX_BODY_SIZE (512 * 1024 * 1024)

/* RFC 6585; libsoup 3.2 has no name for it. */
#define STATUS_TOO_MANY_REQUESTS 429

struct _JustSyncHttpClient
{
  GObject parent_instance;

  SoupSession *session;
  char *base_url;
  guint timeout;
};

G_DEFINE_FINAL_TYPE (JustSyncHttpClient, _just_sync_http_client, G_TYPE_OBJECT)

/* --- responses ---------------------------------------------------------- */

void
_just_sync_http_response_free (JustSyncHttpResponse *self)
{
  if (self == NULL)
    return;
  g_clear_pointer (&self->headers, soup_message_headers_unref);
  g_clear_pointer (&self->body, json_node_unref);
  if (self->decoded != NULL)
    self->decoded_free (self->decoded);
  g_free (self);
}

gboolean
_just_sync_http_response_is_success (JustSyncHttpResponse *self)
{
  return SOUP_STATUS_IS_SUCCESSFUL (self->status);
}

/*
 * _just_sync_http_body_get_message:
 * @body: (nullable): a JSON error body
 *
 * The server's own words in an error body: the `message` member that
 * PocketBase, PostgREST and Appwrite send (or `msg`, `error_description`,
 * `error`).
 *
 * Returns: (nullable): the message, owned by @body
 */
const char *
_just_sync_http_body_get_message (JsonNode *body)
{
  static const char * const members[] = { "message", "msg", "error_description", "error" };
  JsonObject *object;

  if (body == NULL || !JSON_NODE_HOLDS_OBJECT (body))
    return NULL;

  object = json_node_get_object (body);
  for (guint i = 0; i < G_N_ELEMENTS (members); i++)
    {
      JsonNode *node = json_object_get_member (object, members[i]);

      if (node != NULL && json_node_get_value_type (node) == G_TYPE_STRING &&
          json_node_get_string (node)[0] != '\0')
        return json_node_get_string (node);
    }
  return NULL;
}

/*
 * _just_sync_http_status_get_phrase:
 *
 * Returns: the reason phrase of @status, never %NULL
 */
const char *
_just_sync_http_status_get_phrase (guint status)
{
  const char *phrase = soup_status_get_phrase (status);

  return phrase != NULL ? phrase : _("Unexpected reply");
}

/*
 * _just_sync_http_response_get_message:
 *
 * The server's message in an error reply, else the reason phrase.
 */
const char *
_just_sync_http_response_get_message (JustSyncHttpResponse *self)
{
  const char *message = _just_sync_http_body_get_message (self->body);

  return message != NULL ? message : _just_sync_http_status_get_phrase (self->status);
}

/*
 * _just_sync_http_set_status_error:
 *
 * Sets @error for an HTTP status that is not a success, by the mapping in
 * the description of #JustSyncHttpClient.
 */
void
_just_sync_http_set_status_error (GError     **error,
                                  guint        status,
                                  const char  *message)
{
  JustSyncError code;

  if (status == SOUP_STATUS_UNAUTHORIZED || status == SOUP_STATUS_FORBIDDEN)
    code = JUST_SYNC_ERROR_AUTH;
  else if (status == SOUP_STATUS_REQUEST_TIMEOUT)
    code = JUST_SYNC_ERROR_NETWORK;
  else if (status == STATUS_TOO_MANY_REQUESTS || status >= 500)
    code = JUST_SYNC_ERROR_SERVER;
  else if (status >= 400)
    code = JUST_SYNC_ERROR_REJECTED;
  else
    code = JUST_SYNC_ERROR_SERVER;

  g_set_error (error, JUST_SYNC_ERROR, code, _("%s (HTTP %u)"), message, status);
}

gboolean
_just_sync_http_response_check (JustSyncHttpResponse  *self,
                                GError               **error)
{
  if (_just_sync_http_response_is_success (self))
    return TRUE;

  _just_sync_http_set_status_error (error, self->status,
                                    _just_sync_http_response_get_message (self));
  return FALSE;
}

/*
 * _just_sync_http_response_check_date:
 *
 * Whether the reply's `Date` header, when it has one, is a time JustSync
 * supports (1970 to 9999): a page stamped with any other time would end
 * at a sync point no store can keep.
 *
 * Returns: %TRUE, or %FALSE with %JUST_SYNC_ERROR_PROTOCOL
 */
gboolean
_just_sync_http_response_check_date (JustSyncHttpResponse  *self,
                                     GError               **error)
{
  const char *value;

  if (self->date == 0 || just_sync_timestamp_is_valid (self->date))
    return TRUE;

  value = soup_message_headers_get_one (self->headers, "Date");
  g_set_error (error, JUST_SYNC_ERROR, JUST_SYNC_ERROR_PROTOCOL,
               _("The server sent the date “%s”, outside the supported range (1970 to 9999)"),
               value != NULL && g_utf8_validate (value, -1, NULL) ? value : "?");
  return FALSE;
}

/* Appends `name=value` to a query string, both percent-encoded. */
void
_just_sync_http_query_add (GString    *query,
                           const char *name,
                           const char *value)
{
  if (query->len > 0)
    g_string_append_c (query, '&');
  g_string_append_uri_escaped (query, name, NULL, FALSE);
  g_string_append_c (query, '=');
  g_string_append_uri_escaped (query, value, NULL, FALSE);
}

/*
 * _just_sync_http_parse_retry_after:
 * @value: (nullable): a `Retry-After` header: delay-seconds or an HTTP-date
 * @now: the current time in microseconds since the epoch
 *
 * Returns: the delay in microseconds, at most a day, or 0 when @value is
 *   missing, malformed or in the past
 */
gint64
_just_sync_http_parse_retry_after (const char *value,
                                   gint64      now)
{
  const gint64 max_delay = G_GINT64_CONSTANT (86400) * G_USEC_PER_SEC;
  g_autoptr(GDateTime) date = NULL;
  gint64 delay;

  if (value == NULL)
    return 0;

  while (g_ascii_isspace (*value))
    value++;

  if (g_ascii_isdigit (*value))
    {
      guint64 seconds;
      char *end;

      seconds = g_ascii_strtoull (value, &end, 10);
      while (g_ascii_isspace (*end))
        end++;
      if (*end != '\0')
        return 0;
      return seconds >= 86400 ? max_delay : (gint64) seconds * G_USEC_PER_SEC;
    }

  if ((date = soup_date_time_new_from_http_string (value)) == NULL)
    return 0;
  delay = g_date_time_to_unix (date) * G_USEC_PER_SEC - now;
  return CLAMP (delay, 0, max_delay);
}

static gint64
parse_date_header (SoupMessageHeaders *headers)
{
  const char *value = soup_message_headers_get_one (headers, "Date");
  g_autoptr(GDateTime) date = NULL;

  if (value == NULL || (date = soup_date_time_new_from_http_string (value)) == NULL)
    return 0;
  return g_date_time_to_unix (date) * G_USEC_PER_SEC;
}

/* --- sending ------------------------------------------------------------ */

typedef struct
{
  SoupMessage *message;
  GCancellable *cancellable;        /* the caller's, chained to ours */
  GCancellable *request_cancellable;
  gulong cancelled_id;
  GSource *timeout_source;
  guint timeout;
  gboolean timed_out;
  gboolean stream_mode;
  JustSyncHttpReadFunc read_func;   /* run on the worker, for a success */
  gpointer read_data;               /* the caller keeps it alive */
  JustSyncHttpResponse *response;
  GInputStream *stream;
  GByteArray *body;
  goffset expected_length;          /* Content-Length, or -1 */
} SendData;

static void
send_data_free (SendData *data)
{
  if (data->cancelled_id != 0)
    g_cancellable_disconnect (data->cancellable, data->cancelled_id);
  if (data->timeout_source != NULL)
    g_source_destroy (data->timeout_source);
  g_clear_pointer (&data->timeout_source, g_source_unref);
  g_clear_object (&data->cancellable);
  g_clear_object (&data->request_cancellable);
  g_clear_object (&data->message);
  g_clear_pointer (&data->response, _just_sync_http_response_free);
  g_clear_object (&data->stream);
  g_clear_pointer (&data->body, g_byte_array_unref);
  g_free (data);
}

static void
caller_cancelled_cb (GCancellable *cancellable,
                     GCancellable *request_cancellable)
{
  g_cancellable_cancel (request_cancellable);
}

static gboolean
request_timeout_cb (gpointer user_data)
{
  SendData *data = user_data;

  data->timed_out = TRUE;
  g_cancellable_cancel (data->request_cancellable);
  return G_SOURCE_REMOVE;
}

static void
stop_deadline (SendData *data)
{
  if (data->timeout_source != NULL)
    {
      g_source_destroy (data->timeout_source);
      g_clear_pointer (&data->timeout_source, g_source_unref);
    }
}

/* Maps a failure to get or read a reply. @reading: the headers had come. */
static void
return_transport_error (GTask    *task,
                        GError   *error,
                        gboolean  reading)
{
  SendData *data = g_task_get_task_data (task);

  if (data->timed_out)
    g_task_return_new_error (task, JUST_SYNC_ERROR, JUST_SYNC_ERROR_NETWORK,
                             _("The server did not answer within %u seconds"), data->timeout);
  else if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    g_task_return_error (task, g_error_copy (error));
  else if (reading)
    g_task_return_new_error (task, JUST_SYNC_ERROR, JUST_SYNC_ERROR_NETWORK,
                             _("The connection failed while reading the server’s reply: %s"),
                             error->message);
  else
    g_task_return_new_error (task, JUST_SYNC_ERROR, JUST_SYNC_ERROR_NETWORK,
                             _("Could not reach the server: %s"), error->message);
}

static void
return_response (GTask *task)
{
  SendData *data = g_task_get_task_data (task);

  if (data->stream_mode)
    {
      g_autoptr(GError) error = NULL;

      /* A stream was wanted and the server refused it. */
      _just_sync_http_response_check (data->response, &error);
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  g_task_return_pointer (task, g_steal_pointer (&data->response),
                         (GDestroyNotify) _just_sync_http_response_free);
}

/* On a worker: the tree is built, then the text freed before it is
 * returned; a successful reply is decoded there too when the caller asked. */
static void
parse_thread (GTask        *task,
              gpointer      source_object,
              gpointer      task_data,
              GCancellable *cancellable)
{
  SendData *data = task_data;
  JustSyncHttpResponse *response = data->response;
  g_autoptr(GError) error = NULL;

  /* A reply decoded here is taken apart here: its reader seals what it keeps. */
  if (data->read_func != NULL && _just_sync_http_response_is_success (response))
    response->body = _just_sync_json_parse_unsealed ((const char *) data->body->data, data->body->len,
                                                     JUST_SYNC_JSON_MAX_ENVELOPE_DEPTH, &error);
  else
    response->body = _just_sync_json_parse ((const char *) data->body->data, (gssize) data->body->len,
                                            JUST_SYNC_JSON_MAX_ENVELOPE_DEPTH, &error);
  g_clear_pointer (&data->body, g_byte_array_unref);

  if (response->body == NULL && _just_sync_http_response_is_success (response))
    {
      g_task_return_new_error (task, JUST_SYNC_ERROR, JUST_SYNC_ERROR_SERVER,
                               _("The server sent malformed JSON (HTTP %u): %s"),
                               response->status, error->message);
      return;
    }
  if (data->read_func != NULL && _just_sync_http_response_is_success (response))
    {
      response->decoded = data->read_func (response, data->read_data, &response->decoded_free,
                                           &error);
      /* The tree goes here, not on the caller's thread. */
      g_clear_pointer (&response->body, json_node_unref);
      if (response->decoded == NULL)
        {
          g_task_return_error (task, g_steal_pointer (&error));
          return;
        }
    }
  /* An error status keeps its meaning without a readable body. */
  return_response (task);
}

static void read_body (GTask *task);

static void
read_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  SendData *data = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  gsize filled = data->body->len - READ_CHUNK_SIZE;
  gssize n;

  n = g_input_stream_read_finish (G_INPUT_STREAM (object), result, &error);
  g_byte_array_set_size (data->body, filled + MAX (n, 0));
  if (n < 0)
    {
      stop_deadline (data);
      return_transport_error (task, error, TRUE);
      return;
    }

  if (n > 0)
    {
      if (data->body->len > MAX_BODY_SIZE)
        {
          stop_deadline (data);
          g_task_return_new_error (task, JUST_SYNC_ERROR, JUST_SYNC_ERROR_SERVER,
                                   _("The server’s reply is larger than %u MiB"),
                                   MAX_BODY_SIZE / (1024 * 1024));
          return;
        }
      read_body (g_steal_pointer (&task));
      return;
    }

  stop_deadline (data);
  if (data->expected_length >= 0 && (goffset) data->body->len < data->expected_length)
    {
      g_set_error (&error, G_IO_ERROR, G_IO_ERROR_PARTIAL_INPUT,
                   _("the reply ended after %u of %lld bytes"),
                   data->body->len, (long long) data->expected_length);
      return_transport_error (task, error, TRUE);
      return;
    }

  if (data->body->len == 0)
    {
      return_response (task);
      return;
    }
  g_task_run_in_thread (task, parse_thread);
}

/* Reads the next chunk of the body onto the end of the buffer. */
static void
read_body (GTask *task)
{
  SendData *data = g_task_get_task_data (task);
  gsize filled = data->body->len;

  g_byte_array_set_size (data->body, filled + READ_CHUNK_SIZE);
  g_input_stream_read_async (data->stream, data->body->data + filled, READ_CHUNK_SIZE,
                             G_PRIORITY_DEFAULT, data->request_cancellable, read_cb, task);
}

static gboolean
is_json_content_type (SoupMessageHeaders *headers)
{
  const char *type = soup_message_headers_get_content_type (headers, NULL);

  /* No type at all is read as JSON: these APIs speak nothing else. */
  return type == NULL ||
         g_ascii_strcasecmp (type, "application/json") == 0 ||
         g_str_has_suffix (type, "+json");
}

static void
send_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  SoupSession *session = SOUP_SESSION (object);
  g_autoptr(GTask) task = user_data;
  SendData *data = g_task_get_task_data (task);
  g_autoptr(GInputStream) stream = NULL;
  g_autoptr(GError) error = NULL;
  SoupMessageHeaders *headers;

  if ((stream = soup_session_send_finish (session, result, &error)) == NULL)
    {
      stop_deadline (data);
      return_transport_error (task, error, FALSE);
      return;
    }

  headers = soup_message_get_response_headers (data->message);
  data->response = g_new0 (JustSyncHttpResponse, 1);
  data->response->status = soup_message_get_status (data->message);
  data->response->headers = soup_message_headers_ref (headers);
  data->response->date = parse_date_header (headers);
  data->response->retry_after =
    _just_sync_http_parse_retry_after (soup_message_headers_get_one (headers, "Retry-After"),
                                       g_get_real_time ());

  if (data->stream_mode && _just_sync_http_response_is_success (data->response))
    {
      /* A stream stays open as long as the server keeps it: no deadline. */
      stop_deadline (data);
      g_task_return_pointer (task, g_steal_pointer (&stream), g_object_unref);
      return;
    }

  if (data->response->status == SOUP_STATUS_NO_CONTENT ||
      data->response->status == SOUP_STATUS_NOT_MODIFIED ||
      (soup_message_headers_get_encoding (headers) == SOUP_ENCODING_CONTENT_LENGTH &&
       soup_message_headers_get_content_length (headers) == 0))
    {
      stop_deadline (data);
      return_response (task);
      return;
    }

  if (!is_json_content_type (headers))
    {
      stop_deadline (data);
      if (_just_sync_http_response_is_success (data->response))
        g_task_return_new_error (task, JUST_SYNC_ERROR, JUST_SYNC_ERROR_SERVER,
                                 _("The server sent “%s” where JSON was expected (HTTP %u)"),
                                 soup_message_headers_get_content_type (headers, NULL),
                                 data->response->status);
      else
        return_response (task);
      return;
    }

  data->expected_length = -1;
  if (soup_message_headers_get_encoding (headers) == SOUP_ENCODING_CONTENT_LENGTH)
    data->expected_length = soup_message_headers_get_content_length (headers);
  data->body = g_byte_array_sized_new (CLAMP (data->expected_length, 0, MAX_PREALLOCATION) +
                                       READ_CHUNK_SIZE);
  data->stream = g_steal_pointer (&stream);
  read_body (g_steal_pointer (&task));
}

static void
start_send (JustSyncHttpClient  *self,
            SoupMessage         *message,
            gboolean             stream_mode,
            JustSyncHttpReadFunc read_func,
            gpointer             read_data,
            GCancellable        *cancellable,
            GAsyncReadyCallback  callback,
            gpointer             user_data,
            gpointer             source_tag)
{
  g_autoptr(GTask) task = NULL;
  SendData *data;

  g_return_if_fail (JUST_SYNC_IS_HTTP_CLIENT (self));
  g_return_if_fail (SOUP_IS_MESSAGE (message));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, source_tag);

  data = g_new0 (SendData, 1);
  data->message = g_object_ref (message);
  data->request_cancellable = g_cancellable_new ();
  data->stream_mode = stream_mode;
  data->read_func = read_func;
  data->read_data = read_data;
  data->timeout = self->timeout;
  g_task_set_task_data (task, data, (GDestroyNotify) send_data_free);

  if (cancellable != NULL)
    {
      data->cancellable = g_object_ref (cancellable);
      data->cancelled_id = g_cancellable_connect (cancellable, G_CALLBACK (caller_cancelled_cb),
                                                  data->request_cancellable, NULL);
    }

  /* One deadline for the whole exchange, connecting and reading the body
   * included; SoupSession:timeout would also cut idle event streams. A
   * millisecond source, since a seconds source may fire early to
   * coalesce with others. */
  if (self->timeout > 0)
    {
      data->timeout_source = g_timeout_source_new (self->timeout * 1000);
      g_source_set_callback (data->timeout_source, request_timeout_cb, data, NULL);
      g_source_set_static_name (data->timeout_source, "[justsync] http request deadline");
      g_source_attach (data->timeout_source, g_main_context_get_thread_default ());
    }

  soup_session_send_async (self->session, message, G_PRIORITY_DEFAULT,
                           data->request_cancellable, send_cb, g_steal_pointer (&task));
}

/*
 * _just_sync_http_client_send_async:
 *
 * Sends @message and reads its JSON reply. Completes with a
 * #JustSyncHttpResponse for any HTTP status, or with an error when no
 * reply came (%JUST_SYNC_ERROR_NETWORK), a successful reply is not JSON
 * (%JUST_SYNC_ERROR_SERVER), or @cancellable was cancelled.
 */
void
_just_sync_http_client_send_async (JustSyncHttpClient  *self,
                                   SoupMessage         *message,
                                   GCancellable        *cancellable,
                                   GAsyncReadyCallback  callback,
                                   gpointer             user_data)
{
  start_send (self, message, FALSE, NULL, NULL, cancellable, callback, user_data,
              _just_sync_http_client_send_async);
}

/*
 * _just_sync_http_client_send_read_async:
 * @read_func: decodes a successful reply on the worker that parsed it
 * @read_data: (nullable): its data, alive until the request completes and
 *   unchanged meanwhile
 *
 * As _just_sync_http_client_send_async(), but a successful reply comes
 * back with #JustSyncHttpResponse.decoded set and no body, or the request
 * fails with @read_func's error. Finish it with
 * _just_sync_http_client_send_finish().
 */
void
_just_sync_http_client_send_read_async (JustSyncHttpClient   *self,
                                        SoupMessage          *message,
                                        JustSyncHttpReadFunc  read_func,
                                        gpointer              read_data,
                                        GCancellable         *cancellable,
                                        GAsyncReadyCallback   callback,
                                        gpointer              user_data)
{
  g_return_if_fail (read_func != NULL);

  start_send (self, message, FALSE, read_func, read_data, cancellable, callback, user_data,
              _just_sync_http_client_send_async);
}

JustSyncHttpResponse *
_just_sync_http_client_send_finish (JustSyncHttpClient  *self,
                                    GAsyncResult        *result,
                                    GError             **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == _just_sync_http_client_send_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/*
 * _just_sync_http_client_open_stream_async:
 *
 * Sends @message and completes with its body stream when the status is a
 * success (the deadline covers only the wait for the headers), or with
 * the mapped error otherwise. For event streams.
 */
void
_just_sync_http_client_open_stream_async (JustSyncHttpClient  *self,
                                          SoupMessage         *message,
                                          GCancellable        *cancellable,
                                          GAsyncReadyCallback  callback,
                                          gpointer             user_data)
{
  start_send (self, message, TRUE, NULL, NULL, cancellable, callback, user_data,
              _just_sync_http_client_open_stream_async);
}

GInputStream *
_just_sync_http_client_open_stream_finish (JustSyncHttpClient  *self,
                                           GAsyncResult        *result,
                                           GError             **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == _just_sync_http_client_open_stream_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/* --- the client --------------------------------------------------------- */

/*
 * _just_sync_http_client_new_message:
 * @path: the path under the base URL, starting with `/`, already escaped
 * @query: (nullable): an encoded query string without the `?`
 * @body: (nullable): a JSON body
 */
SoupMessage *
_just_sync_http_client_new_message (JustSyncHttpClient *self,
                                    const char         *method,
                                    const char         *path,
                                    const char         *query,
                                    JsonNode           *body)
{
  g_autofree char *url = NULL;
  SoupMessage *message;

  g_return_val_if_fail (JUST_SYNC_IS_HTTP_CLIENT (self), NULL);
  g_return_val_if_fail (method != NULL, NULL);
  g_return_val_if_fail (path != NULL && path[0] == '/', NULL);

  url = g_strconcat (self->base_url, path, query != NULL && query[0] != '\0' ? "?" : NULL, query, NULL);
  message = soup_message_new (method, url);
  g_return_val_if_fail (message != NULL, NULL);

  soup_message_headers_replace (soup_message_get_request_headers (message),
                                "Accept", "application/json");
  if (body != NULL)
    {
      g_autofree char *text = json_to_string (body, FALSE);
      gsize length = strlen (text);
      g_autoptr(GBytes) bytes = g_bytes_new_take (g_steal_pointer (&text), length);

      soup_message_set_request_body_from_bytes (message, "application/json", bytes);
    }
  return message;
}

const char *
_just_sync_http_client_get_base_url (JustSyncHttpClient *self)
{
  g_return_val_if_fail (JUST_SYNC_IS_HTTP_CLIENT (self), NULL);

  return self->base_url;
}

/* @seconds: the deadline of each request, or 0 for none. */
void
_just_sync_http_client_set_timeout (JustSyncHttpClient *self,
                                    guint               seconds)
{
  g_return_if_fail (JUST_SYNC_IS_HTTP_CLIENT (self));

  self->timeout = seconds;
}

static void
_just_sync_http_client_finalize (GObject *object)
{
  JustSyncHttpClient *self = (JustSyncHttpClient *) object;

  g_clear_object (&self->session);
  g_clear_pointer (&self->base_url, g_free);

  G_OBJECT_CLASS (_just_sync_http_client_parent_class)->finalize (object);
}

static void
_just_sync_http_client_class_init (JustSyncHttpClientClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = _just_sync_http_client_finalize;
}

static void
_just_sync_http_client_init (JustSyncHttpClient *self)
{
  self->timeout = DEFAULT_TIMEOUT_SECONDS;
  /* An event stream holds one connection for as long as it is open, and
   * with libsoup's default of two per host a subscription request sent
   * beside it could wait for good (a realtime test stalled 4 runs in 10):
   * leave room for the stream, a pull, a push and a login. */
  self->session = soup_session_new_with_options ("user-agent", "JustSync/" PACKAGE_VERSION,
                                                 "timeout", 0,
                                                 "idle-timeout", 60,
                                                 "max-conns-per-host", 6,
                                                 NULL);
}

/*
 * _just_sync_http_client_new:
 * @base_url: an `http` or `https` URL; paths are appended to it
 *
 * Returns: a new client, or %NULL with %JUST_SYNC_ERROR_INVALID_ARGUMENT
 */
JustSyncHttpClient *
_just_sync_http_client_new (const char  *base_url,
                            GError     **error)
{
  g_autoptr(GUri) uri = NULL;
  g_autoptr(GError) local_error = NULL;
  JustSyncHttpClient *self;
  const char *scheme;
  gsize length;

  g_return_val_if_fail (base_url != NULL, NULL);

  uri = g_uri_parse (base_url, SOUP_HTTP_URI_FLAGS, &local_error);
  scheme = uri != NULL ? g_uri_get_scheme (uri) : NULL;
  if (uri == NULL ||
      (g_ascii_strcasecmp (scheme, "http") != 0 && g_ascii_strcasecmp (scheme, "https") != 0) ||
      g_uri_get_host (uri) == NULL || g_uri_get_host (uri)[0] == '\0' ||
      g_uri_get_query (uri) != NULL || g_uri_get_fragment (uri) != NULL)
    {
      g_set_error (error, JUST_SYNC_ERROR, JUST_SYNC_ERROR_INVALID_ARGUMENT,
                   _("“%s” is not an http or https server URL"), base_url);
      return NULL;
    }

  self = g_object_new (JUST_SYNC_TYPE_HTTP_CLIENT, NULL);
  length = strlen (base_url);
  while (length > 0 && base_url[length - 1] == '/')
    length--;
  self->base_url = g_strndup (base_url, length);
  return self;
}

/* Whether @url names a server on this machine's loopback interface, which
 * is reachable with no network: `localhost`, 127.0.0.0/8 or ::1. */
gboolean
_just_sync_http_url_is_loopback (const char *url)
{
  g_autoptr(GUri) uri = url != NULL ? g_uri_parse (url, G_URI_FLAGS_NONE, NULL) : NULL;
  g_autoptr(GInetAddress) address = NULL;
  const char *host;

  if (uri == NULL || (host = g_uri_get_host (uri)) == NULL)
    return FALSE;
  if (g_ascii_strcasecmp (host, "localhost") == 0)
    return TRUE;
  address = g_inet_address_new_from_string (host);
  return address != NULL && g_inet_address_get_is_loopback (address);
}
