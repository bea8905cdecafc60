/* justsync-event-stream.c
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "justsync-error.h"
#include "justsync-event-stream-private.h"

/* An event or a line this large is no change notice: drop the connection. */
#define MAX_EVENT_SIZE (16 * 1024 * 1024)
#define READ_SIZE (16 * 1024)
#define DEFAULT_BACKOFF_MIN_MS 500
#define DEFAULT_BACKOFF_MAX_MS 60000

/* --- the parser --------------------------------------------------------- */

struct _JustSyncEventParser
{
  JustSyncEventFunc func;
  gpointer user_data;

  GString *line;
  GString *type;
  GString *data;
  char *id;                 /* the last event id; persists across events */
  gint64 retry;             /* the server's reconnection time in ms, or -1 */
  gboolean after_cr;        /* an LF right after counts with this CR */
  gboolean first_line;      /* a byte order mark may lead */
};

JustSyncEventParser *
_just_sync_event_parser_new (JustSyncEventFunc func,
                             gpointer          user_data)
{
  JustSyncEventParser *self = g_new0 (JustSyncEventParser, 1);

  self->func = func;
  self->user_data = user_data;
  self->line = g_string_new (NULL);
  self->type = g_string_new (NULL);
  self->data = g_string_new (NULL);
  self->retry = -1;
  self->first_line = TRUE;
  return self;
}

void
_just_sync_event_parser_free (JustSyncEventParser *self)
{
  if (self == NULL)
    return;
  g_string_free (self->line, TRUE);
  g_string_free (self->type, TRUE);
  g_string_free (self->data, TRUE);
  g_free (self->id);
  g_free (self);
}

/* The reconnection time the server asked for with `retry:`, or -1. */
gint64
_just_sync_event_parser_get_retry (JustSyncEventParser *self)
{
  return self->retry;
}

static void
event_parser_dispatch (JustSyncEventParser *self)
{
  /* An event without data lines is no event. */
  if (self->data->len == 0)
    {
      g_string_truncate (self->type, 0);
      return;
    }

  g_string_truncate (self->data, self->data->len - 1);
  self->func (self->type->len > 0 ? self->type->str : "message", self->data->str,
              self->id != NULL && self->id[0] != '\0' ? self->id : NULL, self->user_data);
  g_string_truncate (self->type, 0);
  g_string_truncate (self->data, 0);
}

static gboolean
field_is (const char *line,
          gsize       length,
          const char *name)
{
  return length == strlen (name) && memcmp (line, name, length) == 0;
}

static void
event_parser_handle_line (JustSyncEventParser *self,
                          const char          *line,
                          gsize                length)
{
  const char *colon, *value;
  gsize field_length, value_length;

  if (self->first_line)
    {
      self->first_line = FALSE;
      if (length >= 3 && memcmp (line, "\xEF\xBB\xBF", 3) == 0)
        {
          line += 3;
          length -= 3;
        }
    }

  if (length == 0)
    {
      event_parser_dispatch (self);
      return;
    }
  if (line[0] == ':')
    return;

  colon = memchr (line, ':', length);
  field_length = colon != NULL ? (gsize) (colon - line) : length;
  value = colon != NULL ? colon + 1 : line + length;
  value_length = length - (gsize) (value - line);
  if (value_length > 0 && value[0] == ' ')
    {
      value++;
      value_length--;
    }

  if (field_is (line, field_length, "event"))
    {
      g_string_truncate (self->type, 0);
      g_string_append_len (self->type, value, (gssize) value_length);
    }
  else if (field_is (line, field_length, "data"))
    {
      g_string_append_len (self->data, value, (gssize) value_length);
      g_string_append_c (self->data, '\n');
    }
  else if (field_is (line, field_length, "id") && memchr (value, '\0', value_length) == NULL)
    {
      g_free (self->id);
      self->id = g_strndup (value, value_length);
    }
  else if (field_is (line, field_length, "retry") && value_length > 0 && value_length < 10)
    {
      gint64 retry = 0;

      for (gsize i = 0; i < value_length; i++)
        {
          if (!g_ascii_isdigit (value[i]))
            return;
          retry = retry * 10 + (value[i] - '0');
        }
      self->retry = retry;
    }
}

/*
 * _just_sync_event_parser_feed:
 *
 * Reads @length bytes of the stream, dispatching every event they end.
 * Lines end with CRLF, LF or CR, even when a chunk ends between the CR and
 * the LF of one line ending.
 *
 * Returns: %FALSE with %JUST_SYNC_ERROR_SERVER when an event grows past
 *   what a change notice needs
 */
gboolean
_just_sync_event_parser_feed (JustSyncEventParser  *self,
                              const char           *data,
                              gsize                 length,
                              GError              **error)
{
  const char *p = data, *end = data + length;

  while (p < end)
    {
      const char *eol = p;

      if (self->after_cr)
        {
          self->after_cr = FALSE;
          if (*p == '\n')
            {
              p++;
              continue;
            }
        }

      while (eol < end && *eol != '\r' && *eol != '\n')
        eol++;
      g_string_append_len (self->line, p, eol - p);
      if (self->line->len + self->data->len > MAX_EVENT_SIZE)
        {
          g_set_error (error, JUST_SYNC_ERROR, JUST_SYNC_ERROR_SERVER,
                       _("The server sent an event larger than %u MiB"),
                       MAX_EVENT_SIZE / (1024 * 1024));
          return FALSE;
        }
      if (eol == end)
        break;

      self->after_cr = *eol == '\r';
      p = eol + 1;
      event_parser_handle_line (self, self->line->str, self->line->len);
      g_string_truncate (self->line, 0);
    }
  return TRUE;
}

/* --- the stream --------------------------------------------------------- */

/*
 * One connection, owned by its chain of reads: stopping the stream only
 * cancels it, and the chain frees it when its next callback sees that.
 */
typedef struct
{
  JustSyncEventStream *self;
  GCancellable *cancellable;
  GInputStream *input;
  JustSyncEventParser *parser;
  char buffer[READ_SIZE];
} Connection;

struct _JustSyncEventStream
{
  GObject parent_instance;

  JustSyncHttpClient *client;
  char *path;
  char *query;
  GMainContext *context;            /* where reconnects happen */

  GCancellable *cancellable;        /* the current connection's; NULL when none */
  GSource *reconnect_source;
  guint failures;
  guint min_ms;
  guint max_ms;
  gint64 retry_ms;                  /* the server's `retry:`, or -1 */
  char *last_event_id;
};

G_DEFINE_FINAL_TYPE (JustSyncEventStream, _just_sync_event_stream, G_TYPE_OBJECT)

enum {
  SIGNAL_EVENT,
  SIGNAL_LOST,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
connection_free (Connection *conn)
{
  g_object_unref (conn->self);
  g_object_unref (conn->cancellable);
  g_clear_object (&conn->input);
  _just_sync_event_parser_free (conn->parser);
  g_free (conn);
}

static gboolean
connection_is_live (Connection *conn)
{
  return !g_cancellable_is_cancelled (conn->cancellable);
}

static void
event_stream_teardown (JustSyncEventStream *self)
{
  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
}

static void event_stream_connect (JustSyncEventStream *self);

static gboolean
event_stream_reconnect_cb (gpointer user_data)
{
  JustSyncEventStream *self = user_data;

  g_clear_pointer (&self->reconnect_source, g_source_unref);
  /* The replies of the new connection come to this context too. */
  g_main_context_push_thread_default (self->context);
  event_stream_connect (self);
  g_main_context_pop_thread_default (self->context);
  return G_SOURCE_REMOVE;
}

/* Exponential from the server's `retry:` or the minimum, with jitter, so
 * that clients cut off together do not come back together. */
static void
event_stream_schedule (JustSyncEventStream *self)
{
  guint64 base = self->retry_ms >= 0 ? (guint64) self->retry_ms : self->min_ms;
  guint64 delay = MIN (base << MIN (self->failures, 16), self->max_ms);

  delay = delay * 3 / 4 + (guint64) g_random_int_range (0, (gint32) (delay / 2) + 1);
  self->failures++;

  self->reconnect_source = g_timeout_source_new ((guint) delay);
  g_source_set_callback (self->reconnect_source, event_stream_reconnect_cb, self, NULL);
  g_source_set_static_name (self->reconnect_source, "[justsync] event stream reconnect");
  g_source_attach (self->reconnect_source, self->context);
}

static void
event_stream_lost (JustSyncEventStream *self,
                   const char          *why)
{
  g_autoptr(JustSyncEventStream) hold = g_object_ref (self);

  g_debug ("Event stream %s lost: %s", self->path, why);
  event_stream_teardown (self);
  if (self->reconnect_source == NULL)
    event_stream_schedule (self);
  g_signal_emit (self, signals[SIGNAL_LOST], 0, why);
}

static void
connection_event_cb (const char *type,
                     const char *data,
                     const char *id,
                     gpointer    user_data)
{
  Connection *conn = user_data;
  JustSyncEventStream *self = conn->self;

  /* A handler of an earlier event of the chunk stopped this connection. */
  if (!connection_is_live (conn))
    return;
  if (g_strcmp0 (self->last_event_id, id) != 0)
    {
      g_free (self->last_event_id);
      self->last_event_id = g_strdup (id);
    }
  g_signal_emit (self, signals[SIGNAL_EVENT], 0, type, data, id);
}

static void connection_read (Connection *conn);

static void
connection_read_cb (GObject      *object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  Connection *conn = user_data;
  g_autoptr(GError) error = NULL;
  gssize n;

  n = g_input_stream_read_finish (G_INPUT_STREAM (object), result, &error);
  if (!connection_is_live (conn))
    {
      connection_free (conn);
      return;
    }

  if (n > 0 && _just_sync_event_parser_feed (conn->parser, conn->buffer, (gsize) n, &error))
    {
      if (_just_sync_event_parser_get_retry (conn->parser) >= 0)
        conn->self->retry_ms = _just_sync_event_parser_get_retry (conn->parser);
      if (connection_is_live (conn))
        connection_read (conn);
      else
        connection_free (conn);
      return;
    }

  event_stream_lost (conn->self, error != NULL ? error->message : _("the server ended the stream"));
  connection_free (conn);
}

static void
connection_read (Connection *conn)
{
  g_input_stream_read_async (conn->input, conn->buffer, sizeof conn->buffer, G_PRIORITY_DEFAULT,
                             conn->cancellable, connection_read_cb, conn);
}

static void
connection_open_cb (GObject      *object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  Connection *conn = user_data;
  g_autoptr(GError) error = NULL;

  conn->input = _just_sync_http_client_open_stream_finish (JUST_SYNC_HTTP_CLIENT (object), result, &error);
  if (!connection_is_live (conn))
    {
      connection_free (conn);
      return;
    }
  if (conn->input == NULL)
    {
      event_stream_lost (conn->self, error->message);
      connection_free (conn);
      return;
    }
  connection_read (conn);
}

static void
event_stream_connect (JustSyncEventStream *self)
{
  g_autoptr(SoupMessage) message = NULL;
  SoupMessageHeaders *headers;
  Connection *conn;

  conn = g_new0 (Connection, 1);
  conn->self = g_object_ref (self);
  conn->cancellable = g_cancellable_new ();
  conn->parser = _just_sync_event_parser_new (connection_event_cb, conn);
  self->cancellable = g_object_ref (conn->cancellable);

  message = _just_sync_http_client_new_message (self->client, "GET", self->path, self->query, NULL);
  headers = soup_message_get_request_headers (message);
  soup_message_headers_replace (headers, "Accept", "text/event-stream");
  soup_message_headers_replace (headers, "Cache-Control", "no-cache");
  if (self->last_event_id != NULL)
    soup_message_headers_replace (headers, "Last-Event-ID", self->last_event_id);
  _just_sync_http_client_open_stream_async (self->client, message, conn->cancellable,
                                            connection_open_cb, conn);
}

/*
 * _just_sync_event_stream_start:
 *
 * Connects, unless the stream is connected or waiting to reconnect. Call
 * it on the context the stream was created on.
 */
void
_just_sync_event_stream_start (JustSyncEventStream *self)
{
  g_return_if_fail (JUST_SYNC_IS_EVENT_STREAM (self));

  if (!_just_sync_event_stream_is_active (self))
    event_stream_connect (self);
}

/* Closes the connection and forgets the backoff; no signal follows. */
void
_just_sync_event_stream_stop (JustSyncEventStream *self)
{
  g_return_if_fail (JUST_SYNC_IS_EVENT_STREAM (self));

  event_stream_teardown (self);
  if (self->reconnect_source != NULL)
    {
      g_source_destroy (self->reconnect_source);
      g_clear_pointer (&self->reconnect_source, g_source_unref);
    }
  self->failures = 0;
}

/*
 * _just_sync_event_stream_reconnect:
 *
 * Gives up on the current connection, for a reason of the dialect (a
 * subscription refused): as if it were lost, with the backoff.
 */
void
_just_sync_event_stream_reconnect (JustSyncEventStream *self,
                                   const char          *why)
{
  g_return_if_fail (JUST_SYNC_IS_EVENT_STREAM (self));

  if (self->cancellable != NULL)
    event_stream_lost (self, why);
}

/* The connection works: the next loss reconnects after the shortest delay. */
void
_just_sync_event_stream_reset_backoff (JustSyncEventStream *self)
{
  g_return_if_fail (JUST_SYNC_IS_EVENT_STREAM (self));

  self->failures = 0;
}

/* Whether the stream is connecting, connected or waiting to reconnect. */
gboolean
_just_sync_event_stream_is_active (JustSyncEventStream *self)
{
  g_return_val_if_fail (JUST_SYNC_IS_EVENT_STREAM (self), FALSE);

  return self->cancellable != NULL || self->reconnect_source != NULL;
}

/*
 * _just_sync_event_stream_get_cancellable:
 *
 * Returns: (nullable): cancelled when the current connection ends, for
 *   requests that belong to it (a subscription); %NULL when not connected
 */
GCancellable *
_just_sync_event_stream_get_cancellable (JustSyncEventStream *self)
{
  g_return_val_if_fail (JUST_SYNC_IS_EVENT_STREAM (self), NULL);

  return self->cancellable;
}

/* The delay before the first reconnect, doubling up to @max_ms. */
void
_just_sync_event_stream_set_backoff (JustSyncEventStream *self,
                                     guint                min_ms,
                                     guint                max_ms)
{
  g_return_if_fail (JUST_SYNC_IS_EVENT_STREAM (self));
  g_return_if_fail (min_ms > 0 && min_ms <= max_ms);

  self->min_ms = min_ms;
  self->max_ms = max_ms;
}

static void
_just_sync_event_stream_dispose (GObject *object)
{
  _just_sync_event_stream_stop (JUST_SYNC_EVENT_STREAM (object));

  G_OBJECT_CLASS (_just_sync_event_stream_parent_class)->dispose (object);
}

static void
_just_sync_event_stream_finalize (GObject *object)
{
  JustSyncEventStream *self = (JustSyncEventStream *) object;

  g_clear_object (&self->client);
  g_free (self->path);
  g_free (self->query);
  g_main_context_unref (self->context);
  g_free (self->last_event_id);

  G_OBJECT_CLASS (_just_sync_event_stream_parent_class)->finalize (object);
}

static void
_just_sync_event_stream_class_init (JustSyncEventStreamClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = _just_sync_event_stream_dispose;
  object_class->finalize = _just_sync_event_stream_finalize;

  signals[SIGNAL_EVENT] =
    g_signal_new ("event", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 3, G_TYPE_STRING, G_TYPE_STRING, G_TYPE_STRING);
  signals[SIGNAL_LOST] =
    g_signal_new ("lost", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_STRING);
}

static void
_just_sync_event_stream_init (JustSyncEventStream *self)
{
  self->min_ms = DEFAULT_BACKOFF_MIN_MS;
  self->max_ms = DEFAULT_BACKOFF_MAX_MS;
  self->retry_ms = -1;
}

/*
 * _just_sync_event_stream_new:
 * @path: the stream's path under the client's base URL
 * @query: (nullable): its encoded query
 *
 * Creates a stream that is not connected yet. Reconnects happen on the
 * thread-default main context of the caller.
 */
JustSyncEventStream *
_just_sync_event_stream_new (JustSyncHttpClient *client,
                             const char         *path,
                             const char         *query)
{
  JustSyncEventStream *self;

  g_return_val_if_fail (JUST_SYNC_IS_HTTP_CLIENT (client), NULL);
  g_return_val_if_fail (path != NULL && path[0] == '/', NULL);

  self = g_object_new (JUST_SYNC_TYPE_EVENT_STREAM, NULL);
  self->client = g_object_ref (client);
  self->path = g_strdup (path);
  self->query = g_strdup (query);
  self->context = g_main_context_ref_thread_default ();
  return self;
}
