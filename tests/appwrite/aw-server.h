/* aw-server.h: an in-process Appwrite contract server
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Appwrite runs only under Docker, which the test machines lack. This
 * server reproduces the part of the Appwrite 1.7 REST API the store uses,
 * as the Appwrite docs and SDKs describe it: the Databases document routes
 * (list with JSON queries, create, update, delete, bulk create and bulk
 * upsert), `/health/time`, the Account API's email sessions
 * (`POST /account/sessions/email`, `GET /account`, `PATCH` and `DELETE
 * /account/sessions/current`; the secret in the reply for API-key callers,
 * else in the session cookie), the headers, the permissions of users
 * signed in with a session or a JWT, and error bodies
 * `{"message","code","type","version"}`.
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define AW_PROJECT "justsync-test"
#define AW_DATABASE "main"
#define AW_KEY "standard_server_key"
#define AW_JWT_ALICE "jwt-alice"
#define AW_JWT_BOB "jwt-bob"
#define AW_JWT_EXPIRED "jwt-expired"
#define AW_ALICE_EMAIL "alice@example.com"
#define AW_ALICE_PASSWORD "alice-password"
#define AW_BOB_EMAIL "bob@example.com"
#define AW_BOB_PASSWORD "bob-password"

typedef struct _AwServer AwServer;

AwServer   *aw_server_new           (void);
void        aw_server_free          (AwServer   *self);
/* The endpoint, ending in `/v1`. */
const char *aw_server_get_endpoint  (AwServer   *self);
/* Every write from now on gets one stamp. */
void        aw_server_stop_clock    (AwServer   *self);
void        aw_server_start_clock   (AwServer   *self);
/* FALSE: a server before 1.7, without the bulk routes. */
void        aw_server_set_bulk      (AwServer   *self,
                                     gboolean    bulk);
/* The most documents a list returns, whatever its limit (0: no cap). */
void        aw_server_set_max_limit (AwServer   *self,
                                     guint       max_limit);
/* How many requests "METHOD kind" the server answered, where kind is
 * `list`, `create` (one document made through the collection's route),
 * `bulk`, `document` (one document's route), `time`, `session` (the
 * Account API's session routes) or `account` (`GET /account`). */
guint       aw_server_count         (AwServer   *self,
                                     const char *request);
/* How long new and extended sessions last (a year by default). */
void        aw_server_set_session_length (AwServer   *self,
                                          gint64      usec);
/* TRUE: a new session's secret comes in `X-Fallback-Cookies`, as Appwrite
 * sends it to clients that keep no cookies, instead of `Set-Cookie`. */
void        aw_server_set_fallback_cookies (AwServer *self,
                                            gboolean  fallback);
/* Deletes every session of @user, as the console does; returns how many. */
guint       aw_server_revoke_sessions    (AwServer   *self,
                                          const char *user);
/* Deletes every session of @user once it has made @n_requests more
 * document requests with one: the next is refused. */
void        aw_server_revoke_sessions_after (AwServer   *self,
                                             const char *user,
                                             guint       n_requests);
/* The last query string of a list, as received. */
char       *aw_server_dup_last_list_query (AwServer *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (AwServer, aw_server_free)

G_END_DECLS
