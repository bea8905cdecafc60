/* http-test-util.c: in-process HTTP servers for the HTTP backends' tests
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <string.h>

#include <json-glib/json-glib.h>

#include "http-test-util.h"

SoupServer *
http_test_server_new (char **out_url)
{
  g_autoptr(SoupServer) server = soup_server_new (NULL, NULL);
  g_autoptr(GError) error = NULL;
  GSList *uris;

  soup_server_listen_local (server, 0, SOUP_SERVER_LISTEN_IPV4_ONLY, &error);
  g_assert_no_error (error);
  uris = soup_server_get_uris (server);
  g_assert_nonnull (uris);
  *out_url = g_strdup_printf ("http://127.0.0.1:%d", g_uri_get_port (uris->data));
  g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);
  return g_steal_pointer (&server);
}

void
http_test_reply_json (SoupServerMessage *msg,
                      guint              status,
                      const char        *json)
{
  soup_server_message_set_status (msg, status, NULL);
  soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_COPY, json, strlen (json));
}

void
http_test_reply_raw (SoupServerMessage *msg,
                     const char        *raw)
{
  g_autoptr(GIOStream) stream = soup_server_message_steal_connection (msg);

  if (stream == NULL)
    return;
  if (raw != NULL)
    g_output_stream_write_all (g_io_stream_get_output_stream (stream), raw, strlen (raw),
                               NULL, NULL, NULL);
  g_io_stream_close (stream, NULL, NULL);
}

/* --- a server on its own thread ---------------------------------------- */

struct _HttpTestThreadServer
{
  GThread *thread;
  GMainContext *context;
  GMainLoop *loop;
  SoupServerCallback callback;
  gpointer user_data;
  char *url;
  GMutex lock;
  GCond ready;
};

static gpointer
thread_server_run (gpointer data)
{
  HttpTestThreadServer *self = data;
  g_autoptr(SoupServer) server = NULL;

  g_main_context_push_thread_default (self->context);
  g_mutex_lock (&self->lock);
  server = http_test_server_new (&self->url);
  soup_server_add_handler (server, NULL, self->callback, self->user_data, NULL);
  g_cond_signal (&self->ready);
  g_mutex_unlock (&self->lock);

  g_main_loop_run (self->loop);

  soup_server_disconnect (server);
  g_clear_object (&server);
  /* Let the closed connections finish. */
  while (g_main_context_iteration (self->context, FALSE))
    ;
  g_main_context_pop_thread_default (self->context);
  return NULL;
}

HttpTestThreadServer *
http_test_thread_server_new (SoupServerCallback callback,
                             gpointer           user_data)
{
  HttpTestThreadServer *self = g_new0 (HttpTestThreadServer, 1);

  self->context = g_main_context_new ();
  self->loop = g_main_loop_new (self->context, FALSE);
  self->callback = callback;
  self->user_data = user_data;
  g_mutex_init (&self->lock);
  g_cond_init (&self->ready);

  g_mutex_lock (&self->lock);
  self->thread = g_thread_new ("http-test-server", thread_server_run, self);
  while (self->url == NULL)
    g_cond_wait (&self->ready, &self->lock);
  g_mutex_unlock (&self->lock);
  return self;
}

const char *
http_test_thread_server_get_url (HttpTestThreadServer *self)
{
  return self->url;
}

static gboolean
thread_server_quit_cb (gpointer data)
{
  g_main_loop_quit (data);
  return G_SOURCE_REMOVE;
}

void
http_test_thread_server_free (HttpTestThreadServer *self)
{
  g_main_context_invoke (self->context, thread_server_quit_cb, self->loop);
  g_thread_join (self->thread);
  g_main_loop_unref (self->loop);
  g_main_context_unref (self->context);
  g_free (self->url);
  g_mutex_clear (&self->lock);
  g_cond_clear (&self->ready);
  g_free (self);
}

/* --- the fault-injecting proxy ------------------------------------------ */

struct _HttpTestProxy
{
  SoupServer *server;
  SoupSession *session;
  char *url;
  char *upstream;

  HttpTestFault fault;
  guint fault_skip;
  guint fault_count;
  char *fault_prefix;
  guint fault_status;
  char *fault_retry_after;
  guint fault_delay;

  guint reply_count;
  char *reply_prefix;
  gboolean reply_forward;
  guint reply_status;
  char *reply_type;
  GBytes *reply_body;
  GSList *endless;                  /* GIOStream being sent an endless body */
  GBytes *replay;                   /* HTTP_TEST_FAULT_REPLAY's reply */

  GPtrArray *forwarded;             /* paths */
  GPtrArray *requests;              /* "METHOD path\nbody" of every request seen */
  GPtrArray *delayed;               /* Forward waiting to reply */
  GPtrArray *held;                  /* Forward held until release */
  GCancellable *cancellable;        /* forwards in flight */
};

typedef struct
{
  HttpTestProxy *proxy;
  SoupServerMessage *msg;
  SoupMessage *upstream;
  HttpTestFault fault;
  gboolean replace;                 /* answer with the proxy's reply */
  guint delay;
  gboolean disconnected;            /* the client gave up meanwhile */
  guint delay_source;
} Forward;

static void
disconnected_cb (SoupServerMessage *msg,
                 Forward           *forward)
{
  forward->disconnected = TRUE;
}

/* Frees @forward; @proxy is NULL when the proxy is gone. */
static void
forward_discard (Forward       *forward,
                 HttpTestProxy *proxy)
{
  g_signal_handlers_disconnect_by_func (forward->msg, disconnected_cb, forward);
  if (proxy != NULL)
    {
      g_ptr_array_remove (proxy->delayed, forward);
      g_ptr_array_remove (proxy->held, forward);
    }
  g_clear_handle_id (&forward->delay_source, g_source_remove);
  g_object_unref (forward->msg);
  g_object_unref (forward->upstream);
  g_free (forward);
}

static void
forward_free (Forward *forward)
{
  forward_discard (forward, forward->proxy);
}

static gboolean
is_hop_header (const char *name)
{
  static const char * const hop[] = {
    "Host", "Connection", "Content-Length", "Transfer-Encoding", "Keep-Alive",
    "Accept-Encoding", "Content-Encoding",
  };

  for (guint i = 0; i < G_N_ELEMENTS (hop); i++)
    if (g_ascii_strcasecmp (name, hop[i]) == 0)
      return TRUE;
  return FALSE;
}

static void
copy_headers (SoupMessageHeaders *from,
              SoupMessageHeaders *to)
{
  SoupMessageHeadersIter iter;
  const char *name, *value;

  soup_message_headers_iter_init (&iter, from);
  while (soup_message_headers_iter_next (&iter, &name, &value))
    if (!is_hop_header (name))
      soup_message_headers_append (to, name, value);
}

/* One request per connection: a fault then always meets a fresh connection,
 * which libsoup does not quietly retry as it does a stale kept-alive one. */
static void
close_after_reply (SoupServerMessage *msg)
{
  soup_message_headers_replace (soup_server_message_get_response_headers (msg), "Connection", "close");
}

static gboolean
unpause_cb (gpointer user_data)
{
  Forward *forward = user_data;

  forward->delay_source = 0;
  if (!forward->disconnected)
    soup_server_message_unpause (forward->msg);
  forward_free (forward);
  return G_SOURCE_REMOVE;
}

static void
reply_replaced (HttpTestProxy     *self,
                SoupServerMessage *msg)
{
  soup_server_message_set_status (msg, self->reply_status, NULL);
  soup_server_message_set_response (msg, self->reply_type != NULL ? self->reply_type : "application/json",
                                    SOUP_MEMORY_COPY, g_bytes_get_data (self->reply_body, NULL),
                                    g_bytes_get_size (self->reply_body));
  close_after_reply (msg);
}

static gboolean
endless_cb (gpointer user_data)
{
  GIOStream *stream = user_data;
  static const char chunk[] = "400\r\n"
    "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[["
    "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[["
    "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[["
    "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[["
    "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[["
    "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[["
    "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[["
    "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[["
    "\r\n";

  if (!g_output_stream_write_all (g_io_stream_get_output_stream (stream), chunk, sizeof chunk - 1,
                                  NULL, NULL, NULL))
    return G_SOURCE_REMOVE;
  return G_SOURCE_CONTINUE;
}

/* A 200 reply whose chunked body never ends: 1 KiB every millisecond until
 * the client hangs up or the proxy is freed. */
static void
reply_endless (HttpTestProxy     *self,
               SoupServerMessage *msg)
{
  static const char head[] = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                             "Transfer-Encoding: chunked\r\n\r\n";
  GIOStream *stream = soup_server_message_steal_connection (msg);
  GSource *source;

  if (stream == NULL)
    return;
  g_output_stream_write_all (g_io_stream_get_output_stream (stream), head, sizeof head - 1,
                             NULL, NULL, NULL);
  source = g_timeout_source_new (1);
  g_source_set_callback (source, endless_cb, stream, g_object_unref);
  g_source_attach (source, NULL);
  self->endless = g_slist_prepend (self->endless, source);
}

static void
forwarded_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  Forward *forward = user_data;
  g_autoptr(GBytes) body = NULL;
  g_autoptr(GError) error = NULL;
  SoupMessageHeaders *headers;
  gsize length;
  const char *data;

  body = soup_session_send_and_read_finish (SOUP_SESSION (object), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      forward_discard (forward, NULL);
      return;
    }
  if (body == NULL)
    {
      soup_server_message_set_status (forward->msg, SOUP_STATUS_BAD_GATEWAY, NULL);
      unpause_cb (forward);
      return;
    }

  g_ptr_array_add (forward->proxy->forwarded,
                   g_strdup (g_uri_get_path (soup_message_get_uri (forward->upstream))));
  headers = soup_message_get_response_headers (forward->upstream);
  data = g_bytes_get_data (body, &length);

  if (forward->replace)
    {
      reply_replaced (forward->proxy, forward->msg);
      unpause_cb (forward);
      return;
    }

  switch (forward->fault)
    {
    case HTTP_TEST_FAULT_LOSE_REPLY:
      http_test_reply_raw (forward->msg, NULL);
      forward_free (forward);
      return;

    case HTTP_TEST_FAULT_TRUNCATE:
      {
        g_autoptr(GString) raw = g_string_new (NULL);
        const char *type = soup_message_headers_get_content_type (headers, NULL);

        g_string_append_printf (raw, "HTTP/1.1 %u OK\r\nContent-Type: %s\r\n"
                                "Content-Length: %" G_GSIZE_FORMAT "\r\nConnection: close\r\n\r\n",
                                soup_message_get_status (forward->upstream),
                                type != NULL ? type : "application/json", length);
        g_string_append_len (raw, data, length / 2);
        http_test_reply_raw (forward->msg, raw->str);
        forward_free (forward);
        return;
      }

    case HTTP_TEST_FAULT_REPLAY:
      g_clear_pointer (&forward->proxy->replay, g_bytes_unref);
      forward->proxy->replay = g_bytes_ref (body);
      break;

    case HTTP_TEST_FAULT_REVERSE:
      {
        g_autoptr(JsonParser) parser = json_parser_new ();
        g_autoptr(JsonGenerator) generator = json_generator_new ();
        g_autoptr(JsonNode) reversed = json_node_new (JSON_NODE_ARRAY);
        g_autoptr(JsonArray) items = json_array_new ();
        JsonArray *array;
        char *text;

        g_assert_true (json_parser_load_from_data (parser, data, length, NULL));
        array = json_node_get_array (json_parser_get_root (parser));
        for (guint i = json_array_get_length (array); i > 0; i--)
          json_array_add_element (items, json_node_copy (json_array_get_element (array, i - 1)));
        json_node_set_array (reversed, items);
        json_generator_set_root (generator, reversed);
        text = json_generator_to_data (generator, &length);
        g_clear_pointer (&body, g_bytes_unref);
        body = g_bytes_new_take (text, length);
      }
      break;

    case HTTP_TEST_FAULT_NONE:
    case HTTP_TEST_FAULT_DROP:
    case HTTP_TEST_FAULT_DELAY:
    case HTTP_TEST_FAULT_STATUS:
    case HTTP_TEST_FAULT_HOLD:
    case HTTP_TEST_FAULT_HOLD_REPLY:
    case HTTP_TEST_FAULT_ENDLESS:
    default:
      break;
    }

  soup_server_message_set_status (forward->msg, soup_message_get_status (forward->upstream),
                                  soup_message_get_reason_phrase (forward->upstream));
  copy_headers (headers, soup_server_message_get_response_headers (forward->msg));
  close_after_reply (forward->msg);
  soup_message_body_append_bytes (soup_server_message_get_response_body (forward->msg), body);

  if (forward->fault == HTTP_TEST_FAULT_DELAY)
    {
      forward->delay_source = g_timeout_add (forward->delay, unpause_cb, forward);
      g_ptr_array_add (forward->proxy->delayed, forward);
    }
  else if (forward->fault == HTTP_TEST_FAULT_HOLD_REPLY)
    g_ptr_array_add (forward->proxy->held, forward);
  else
    unpause_cb (forward);
}

static void
forward_send (Forward *forward)
{
  soup_session_send_and_read_async (forward->proxy->session, forward->upstream, G_PRIORITY_DEFAULT,
                                    forward->proxy->cancellable, forwarded_cb, forward);
}

static HttpTestFault
take_fault (HttpTestProxy *self,
            const char    *path)
{
  if (self->fault_count == 0 ||
      (self->fault_prefix != NULL && !g_str_has_prefix (path, self->fault_prefix)))
    return HTTP_TEST_FAULT_NONE;
  if (self->fault_skip > 0)
    {
      self->fault_skip--;
      return HTTP_TEST_FAULT_NONE;
    }
  self->fault_count--;
  return self->fault;
}

static gboolean
take_reply (HttpTestProxy *self,
            const char    *path)
{
  if (self->reply_count == 0 ||
      (self->reply_prefix != NULL && !g_str_has_prefix (path, self->reply_prefix)))
    return FALSE;
  self->reply_count--;
  return TRUE;
}

static void
proxy_handler (SoupServer        *server,
               SoupServerMessage *msg,
               const char        *path,
               GHashTable        *query,
               gpointer           user_data)
{
  HttpTestProxy *self = user_data;
  HttpTestFault fault = take_fault (self, path);
  GUri *uri = soup_server_message_get_uri (msg);
  g_autofree char *url = NULL;
  g_autoptr(GBytes) body = NULL;
  SoupMessageHeaders *request_headers = soup_server_message_get_request_headers (msg);
  Forward *forward;
  gboolean replace = FALSE;

  if (fault == HTTP_TEST_FAULT_DROP)
    {
      http_test_reply_raw (msg, NULL);
      return;
    }
  if (fault == HTTP_TEST_FAULT_STATUS)
    {
      static const char injected[] = "{\"data\":{},\"message\":\"Injected failure.\",\"status\":0}";

      http_test_reply_json (msg, self->fault_status, injected);
      if (self->fault_retry_after != NULL)
        soup_message_headers_replace (soup_server_message_get_response_headers (msg),
                                      "Retry-After", self->fault_retry_after);
      close_after_reply (msg);
      return;
    }

  if (fault == HTTP_TEST_FAULT_ENDLESS)
    {
      reply_endless (self, msg);
      return;
    }
  if (fault == HTTP_TEST_FAULT_REPLAY && self->replay != NULL)
    {
      soup_server_message_set_status (msg, SOUP_STATUS_OK, NULL);
      soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_COPY,
                                        g_bytes_get_data (self->replay, NULL),
                                        g_bytes_get_size (self->replay));
      close_after_reply (msg);
      return;
    }
  if (take_reply (self, path))
    {
      if (!self->reply_forward)
        {
          reply_replaced (self, msg);
          return;
        }
      replace = TRUE;
    }

  url = g_strconcat (self->upstream, path, g_uri_get_query (uri) != NULL ? "?" : NULL,
                     g_uri_get_query (uri), NULL);
  forward = g_new0 (Forward, 1);
  forward->proxy = self;
  forward->msg = g_object_ref (msg);
  forward->fault = fault;
  forward->replace = replace;
  forward->delay = self->fault_delay;
  forward->upstream = soup_message_new (soup_server_message_get_method (msg), url);
  g_signal_connect (msg, "disconnected", G_CALLBACK (disconnected_cb), forward);
  copy_headers (request_headers, soup_message_get_request_headers (forward->upstream));

  body = soup_message_body_flatten (soup_server_message_get_request_body (msg));
  g_ptr_array_add (self->requests,
                   g_strdup_printf ("%s %s\n%.*s", soup_server_message_get_method (msg), path,
                                    (int) g_bytes_get_size (body),
                                    (const char *) g_bytes_get_data (body, NULL)));
  if (g_bytes_get_size (body) > 0)
    soup_message_set_request_body_from_bytes (forward->upstream,
                                              soup_message_headers_get_content_type (request_headers, NULL),
                                              body);

  soup_server_message_pause (msg);
  if (fault == HTTP_TEST_FAULT_HOLD)
    g_ptr_array_add (self->held, forward);
  else
    forward_send (forward);
}

HttpTestProxy *
http_test_proxy_new (const char *upstream_url)
{
  HttpTestProxy *self = g_new0 (HttpTestProxy, 1);

  self->server = http_test_server_new (&self->url);
  self->session = soup_session_new ();
  self->upstream = g_strdup (upstream_url);
  self->forwarded = g_ptr_array_new_with_free_func (g_free);
  self->requests = g_ptr_array_new_with_free_func (g_free);
  self->delayed = g_ptr_array_new ();
  self->held = g_ptr_array_new ();
  self->cancellable = g_cancellable_new ();
  soup_server_add_handler (self->server, NULL, proxy_handler, self, NULL);
  return self;
}

void
http_test_proxy_free (HttpTestProxy *self)
{
  /* Forwards in flight and replies held back go with the proxy. */
  g_cancellable_cancel (self->cancellable);
  g_object_unref (self->cancellable);
  while (self->delayed->len > 0)
    forward_free (g_ptr_array_index (self->delayed, 0));
  g_ptr_array_unref (self->delayed);
  while (self->held->len > 0)
    forward_free (g_ptr_array_index (self->held, 0));
  g_ptr_array_unref (self->held);
  for (GSList *l = self->endless; l != NULL; l = l->next)
    g_source_destroy (l->data);
  g_slist_free_full (self->endless, (GDestroyNotify) g_source_unref);
  g_free (self->reply_prefix);
  g_free (self->reply_type);
  g_clear_pointer (&self->reply_body, g_bytes_unref);
  g_clear_pointer (&self->replay, g_bytes_unref);
  soup_server_disconnect (self->server);
  g_object_unref (self->server);
  soup_session_abort (self->session);
  g_object_unref (self->session);
  g_free (self->url);
  g_free (self->upstream);
  g_free (self->fault_prefix);
  g_free (self->fault_retry_after);
  g_ptr_array_unref (self->forwarded);
  g_ptr_array_unref (self->requests);
  g_free (self);
}

const char *
http_test_proxy_get_url (HttpTestProxy *self)
{
  return self->url;
}

void
http_test_proxy_set_fault (HttpTestProxy *self,
                           HttpTestFault  fault,
                           guint          count,
                           const char    *path_prefix,
                           guint          status,
                           const char    *retry_after,
                           guint          delay_ms)
{
  self->fault = fault;
  self->fault_skip = 0;
  self->fault_count = count;
  g_free (self->fault_prefix);
  self->fault_prefix = g_strdup (path_prefix);
  self->fault_status = status;
  g_free (self->fault_retry_after);
  self->fault_retry_after = g_strdup (retry_after);
  self->fault_delay = delay_ms;
}

void
http_test_proxy_skip (HttpTestProxy *self,
                      guint          count)
{
  self->fault_skip = count;
}

guint
http_test_proxy_count_forwarded (HttpTestProxy *self,
                                 const char    *path_prefix)
{
  guint n = 0;

  for (guint i = 0; i < self->forwarded->len; i++)
    if (g_str_has_prefix (g_ptr_array_index (self->forwarded, i), path_prefix))
      n++;
  return n;
}

char *
http_test_proxy_dup_last_body (HttpTestProxy *self,
                               const char    *method,
                               const char    *path_prefix)
{
  g_autofree char *start = g_strconcat (method, " ", path_prefix, NULL);

  for (guint i = self->requests->len; i > 0; i--)
    {
      const char *request = g_ptr_array_index (self->requests, i - 1);

      if (g_str_has_prefix (request, start))
        return g_strdup (strchr (request, '\n') + 1);
    }
  return NULL;
}

guint
http_test_proxy_count_held (HttpTestProxy *self)
{
  return self->held->len;
}

void
http_test_proxy_release (HttpTestProxy *self)
{
  g_autoptr(GPtrArray) held = g_ptr_array_copy (self->held, NULL, NULL);

  g_ptr_array_set_size (self->held, 0);
  for (guint i = 0; i < held->len; i++)
    {
      Forward *forward = g_ptr_array_index (held, i);

      /* A held request was never sent; a held reply has its body. */
      if (forward->fault == HTTP_TEST_FAULT_HOLD)
        {
          forward->fault = HTTP_TEST_FAULT_NONE;
          forward_send (forward);
        }
      else
        unpause_cb (forward);
    }
}

void
http_test_proxy_set_reply (HttpTestProxy *self,
                           guint          count,
                           const char    *path_prefix,
                           gboolean       forward,
                           guint          status,
                           const char    *content_type,
                           GBytes        *body)
{
  self->reply_count = count;
  g_free (self->reply_prefix);
  self->reply_prefix = g_strdup (path_prefix);
  self->reply_forward = forward;
  self->reply_status = status;
  g_free (self->reply_type);
  self->reply_type = g_strdup (content_type);
  g_clear_pointer (&self->reply_body, g_bytes_unref);
  self->reply_body = body != NULL ? g_bytes_ref (body) : NULL;
}
