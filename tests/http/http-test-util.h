/* http-test-util.h: in-process HTTP servers for the HTTP backends' tests
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <libsoup/soup.h>

G_BEGIN_DECLS

/* A SoupServer listening on 127.0.0.1 at a free port; its URL without a
 * trailing slash. */
SoupServer   *http_test_server_new        (char              **out_url);

/* Answers @msg with @status and the JSON text @json. */
void          http_test_reply_json        (SoupServerMessage  *msg,
                                           guint               status,
                                           const char         *json);

/* Takes the connection of @msg, writes @raw to it as it is and closes it:
 * for replies a well-behaved server never sends. @msg is gone after. */
void          http_test_reply_raw         (SoupServerMessage  *msg,
                                           const char         *raw);

/*
 * HttpTestThreadServer: a SoupServer on 127.0.0.1 that runs on its own
 * thread and main context, so that a test can iterate only a context of
 * its own. @callback runs on the server's thread.
 */
typedef struct _HttpTestThreadServer HttpTestThreadServer;

HttpTestThreadServer *http_test_thread_server_new     (SoupServerCallback    callback,
                                                       gpointer              user_data);
const char           *http_test_thread_server_get_url (HttpTestThreadServer *self);
void                  http_test_thread_server_free    (HttpTestThreadServer *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (HttpTestThreadServer, http_test_thread_server_free)

/*
 * HttpTestProxy: a SoupServer on 127.0.0.1 that forwards every request
 * to an upstream server and can misbehave on the next requests.
 */
typedef enum
{
  HTTP_TEST_FAULT_NONE,
  HTTP_TEST_FAULT_DROP,         /* close the connection, forward nothing */
  HTTP_TEST_FAULT_LOSE_REPLY,   /* forward, then close instead of replying */
  HTTP_TEST_FAULT_TRUNCATE,     /* forward, then send half the body */
  HTTP_TEST_FAULT_DELAY,        /* forward, reply after the fault's delay */
  HTTP_TEST_FAULT_STATUS,       /* reply with the fault's status, forward nothing */
  HTTP_TEST_FAULT_HOLD,         /* hold the request, forward it on release */
  HTTP_TEST_FAULT_HOLD_REPLY,   /* forward, hold the reply until release */
  HTTP_TEST_FAULT_ENDLESS,      /* reply 200 with a JSON body that never ends */
  HTTP_TEST_FAULT_REPLAY,       /* forward the first, answer the rest with its reply */
  HTTP_TEST_FAULT_REVERSE,      /* forward, reverse the reply's top-level JSON array */
} HttpTestFault;

typedef struct _HttpTestProxy HttpTestProxy;

HttpTestProxy *http_test_proxy_new        (const char         *upstream_url);
void           http_test_proxy_free       (HttpTestProxy      *self);
const char    *http_test_proxy_get_url    (HttpTestProxy      *self);
/* Misbehaves on the next @count requests whose path starts with @path_prefix
 * (NULL: any). @status and @retry_after (NULL: none) are for
 * HTTP_TEST_FAULT_STATUS, @delay_ms for HTTP_TEST_FAULT_DELAY. */
void           http_test_proxy_set_fault  (HttpTestProxy      *self,
                                           HttpTestFault       fault,
                                           guint               count,
                                           const char         *path_prefix,
                                           guint               status,
                                           const char         *retry_after,
                                           guint               delay_ms);
/* Lets the next @count requests the fault applies to pass first. */
void           http_test_proxy_skip       (HttpTestProxy      *self,
                                           guint               count);
/* How many requests with a path starting with @path_prefix were forwarded. */
guint          http_test_proxy_count_forwarded  (HttpTestProxy *self,
                                                 const char    *path_prefix);

/* The body of the last request with @method whose path starts with
 * @path_prefix that the proxy passed on to the server, or NULL. */
char          *http_test_proxy_dup_last_body    (HttpTestProxy *self,
                                                 const char    *method,
                                                 const char    *path_prefix);

/* Answers the next @count requests whose path starts with @path_prefix
 * with @status and @body (of @content_type, "application/json" when NULL)
 * instead of the server's reply. With @forward the server gets the request
 * first and does its work; without it the server never sees it. */
void           http_test_proxy_set_reply  (HttpTestProxy      *self,
                                           guint               count,
                                           const char         *path_prefix,
                                           gboolean            forward,
                                           guint               status,
                                           const char         *content_type,
                                           GBytes             *body);

/* How many requests (HTTP_TEST_FAULT_HOLD) or replies
 * (HTTP_TEST_FAULT_HOLD_REPLY) are held back now. A held reply means the
 * server has done the request's work. */
guint          http_test_proxy_count_held (HttpTestProxy *self);
/* Forwards the held requests and sends the held replies, whether or not
 * their clients are still there: a request already sent reaches the server
 * even when its client dies. */
void           http_test_proxy_release    (HttpTestProxy *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (HttpTestProxy, http_test_proxy_free)

G_END_DECLS
