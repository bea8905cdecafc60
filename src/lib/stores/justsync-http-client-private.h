/* justsync-http-client-private.h
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

G_BEGIN_DECLS

/*
 * JustSyncHttpResponse:
 * @status: the HTTP status
 * @headers: the response headers
 * @body: (nullable): the parsed JSON body; %NULL for an empty body or an
 *   error reply that is not JSON
 * @date: the `Date` header in microseconds since the epoch, or 0; a
 *   server may send any date: _just_sync_http_response_check_date()
 * @retry_after: the `Retry-After` header as a delay in microseconds, or 0
 * @decoded: (nullable): what the request's #JustSyncHttpReadFunc made of
 *   a successful reply, on the worker; @body is %NULL then
 * @decoded_free: frees @decoded
 *
 * A reply of any status, as _just_sync_http_client_send_finish() returns it.
 */
typedef struct
{
  guint               status;
  SoupMessageHeaders *headers;
  JsonNode           *body;
  gint64              date;
  gint64              retry_after;
  gpointer            decoded;
  GDestroyNotify      decoded_free;
} JustSyncHttpResponse;

/*
 * JustSyncHttpReadFunc:
 * @response: a successful reply whose @body is parsed
 * @user_data: the data given with the function; read only, on the worker
 * @out_free: (out): how to free the result
 *
 * Decodes a successful reply on the worker thread that parsed it, so that
 * turning a large page into records never runs on the caller's thread. It
 * must touch nothing the caller's thread may use meanwhile. The body is
 * parsed unsealed (_just_sync_json_parse_unsealed()): what the function
 * keeps of it, it seals. The body is freed on the worker right after.
 *
 * Returns: (transfer full) (nullable): the decoded reply, or %NULL with
 *   @error set, which the request then fails with
 */
typedef gpointer (*JustSyncHttpReadFunc) (JustSyncHttpResponse  *response,
                                          gpointer               user_data,
                                          GDestroyNotify        *out_free,
                                          GError               **error);

void        _just_sync_http_response_free        (JustSyncHttpResponse  *self);
gboolean    _just_sync_http_response_is_success  (JustSyncHttpResponse  *self);
const char *_just_sync_http_response_get_message (JustSyncHttpResponse  *self);
gboolean    _just_sync_http_response_check       (JustSyncHttpResponse  *self,
                                                  GError               **error);
gboolean    _just_sync_http_response_check_date  (JustSyncHttpResponse  *self,
                                                  GError               **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (JustSyncHttpResponse, _just_sync_http_response_free)

const char *_just_sync_http_body_get_message     (JsonNode               *body);
const char *_just_sync_http_status_get_phrase    (guint                  status);
void        _just_sync_http_set_status_error     (GError               **error,
                                                  guint                  status,
                                                  const char            *message);
void        _just_sync_http_query_add            (GString               *query,
                                                  const char            *name,
                                                  const char            *value);
gboolean    _just_sync_http_url_is_loopback      (const char            *url);
gint64      _just_sync_http_parse_retry_after    (const char            *value,
                                                  gint64                 now);

#define JUST_SYNC_TYPE_HTTP_CLIENT (_just_sync_http_client_get_type ())

G_DECLARE_FINAL_TYPE (JustSyncHttpClient, _just_sync_http_client, JUST_SYNC, HTTP_CLIENT, GObject)

JustSyncHttpClient   *_just_sync_http_client_new                (const char           *base_url,
                                                                 GError              **error);
const char           *_just_sync_http_client_get_base_url       (JustSyncHttpClient   *self);
void                  _just_sync_http_client_set_timeout        (JustSyncHttpClient   *self,
                                                                 guint                 seconds);
SoupMessage          *_just_sync_http_client_new_message        (JustSyncHttpClient   *self,
                                                                 const char           *method,
                                                                 const char           *path,
                                                                 const char           *query,
                                                                 JsonNode             *body);
void                  _just_sync_http_client_send_async         (JustSyncHttpClient   *self,
                                                                 SoupMessage          *message,
                                                                 GCancellable         *cancellable,
                                                                 GAsyncReadyCallback   callback,
                                                                 gpointer              user_data);
void                  _just_sync_http_client_send_read_async    (JustSyncHttpClient   *self,
                                                                 SoupMessage          *message,
                                                                 JustSyncHttpReadFunc  read_func,
                                                                 gpointer              read_data,
                                                                 GCancellable         *cancellable,
                                                                 GAsyncReadyCallback   callback,
                                                                 gpointer              user_data);
JustSyncHttpResponse *_just_sync_http_client_send_finish        (JustSyncHttpClient   *self,
                                                                 GAsyncResult         *result,
                                                                 GError              **error);
void                  _just_sync_http_client_open_stream_async  (JustSyncHttpClient   *self,
                                                                 SoupMessage          *message,
                                                                 GCancellable         *cancellable,
                                                                 GAsyncReadyCallback   callback,
                                                                 gpointer              user_data);
GInputStream         *_just_sync_http_client_open_stream_finish (JustSyncHttpClient   *self,
                                                                 GAsyncResult         *result,
                                                                 GError              **error);

G_END_DECLS
