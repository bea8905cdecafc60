/* aw-server.h: an in-process Appwrite contract server
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Appwrite runs only under Docker, which the test machines lack. This
 * server reproduces the part of the Appwrite 1.7 REST API the store uses,
 * as the Appwrite docs and SDKs describe it: the Databases document routes
 * (list with JSON queries, create, update, delete, bulk create and bulk
 * upsert), `/health/time`, the headers, the permissions of users signed in
 * with a JWT, and error bodies `{"message","code","type","version"}`.
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
 * `bulk`, `document` (one document's route) or `time`. */
guint       aw_server_count         (AwServer   *self,
                                     const char *request);
/* The last query string of a list, as received. */
char       *aw_server_dup_last_list_query (AwServer *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (AwServer, aw_server_free)

G_END_DECLS
