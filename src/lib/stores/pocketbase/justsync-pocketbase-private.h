/* justsync-pocketbase-private.h: what the parts of JustSyncPocketbaseStore share
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The store is split by role:
 * - justsync-pocketbase-store.c: the GObject, its settings, the remote
 *   store vtable (pull, server time, ids, watch);
 * - justsync-pocketbase-auth.c: token claims, login, and requests that
 *   carry the token;
 * - justsync-pocketbase-codec.c: pure translation between JustSync's types
 *   and PocketBase's JSON, filters and error bodies (no I/O, no store);
 * - justsync-pocketbase-push.c: the push engine (batch, one by one, the
 *   superuser's scope check);
 * - justsync-pocketbase-realtime.c: PocketBase's dialect of the shared
 *   event stream (justsync-event-stream.c).
 */

#pragma once

#include "justsync-event-stream-private.h"
#include "justsync-http-client-private.h"
#include "justsync-pocketbase-store.h"

G_BEGIN_DECLS

#define JUST_SYNC_PB_SUPERUSERS_COLLECTION "_superusers"
/* PocketBase names a collection "pbc_" + crc32 (type + name): the id of
 * `_superusers` in every PocketBase since 0.23. */
#define JUST_SYNC_PB_SUPERUSERS_COLLECTION_ID "pbc_3142635823"

/* What a call works on: copied, so a change of settings mid-call is harmless. */
typedef struct
{
  char *collection;
  char *soft_delete_field;          /* NULL: deletes are hard */
} JustSyncPbTarget;

typedef struct
{
  JustSyncScope *scope;
  guint count;
} JustSyncPbWatch;

typedef enum
{
  JUST_SYNC_PB_REQUEST_DEFAULT = 0,
  /* Public routes: no token, no login. */
  JUST_SYNC_PB_REQUEST_NO_AUTH = 1 << 0,
  /* A 403 is an answer, not a refused token (the disabled batch API). */
  JUST_SYNC_PB_REQUEST_FORBIDDEN_IS_ANSWER = 1 << 1,
} JustSyncPbRequestFlags;

typedef enum
{
  JUST_SYNC_PB_PUSH_UPSERT,
  JUST_SYNC_PB_PUSH_DELETE,
} JustSyncPbPushKind;

typedef enum
{
  JUST_SYNC_PB_FIELD_MATCHES,
  JUST_SYNC_PB_FIELD_DIFFERS,
  JUST_SYNC_PB_FIELD_UNKNOWN,       /* not in the record */
} JustSyncPbFieldMatch;

struct _JustSyncPocketbaseStore
{
  GObject parent_instance;

  char *base_url;
  JustSyncHttpClient *client;       /* NULL when the base URL is unusable */
  GError *client_error;
  guint timeout;

  /* Authentication */
  char *token;
  char *token_collection_id;        /* the auth collection the token is for */
  gint64 token_expires;             /* server clock; 0 when unknown */
  gint64 token_margin;
  char *auth_collection;
  char *identity;
  char *password;
  guint auth_generation;
  gboolean token_refused;           /* expired, or refused when renewed */
  gboolean signed_out;              /* until new credentials or a sign-in */
  GPtrArray *login_waiters;         /* GTask; non-NULL while logging in */
  gint64 clock_skew;                /* server minus local clock, when significant */

  /* Collections */
  GHashTable *mappings;             /* scope name -> JustSyncPbTarget */
  char *soft_delete_field;
  GHashTable *lacking_soft_field;   /* collection names seen without their field */
  guint page_size;
  guint batch_size;
  guint server_batch_limit;         /* learned from a refused batch, or 0 */
  gboolean batch_unavailable;
  gboolean time_route_missing;

  /* Realtime */
  GHashTable *watched;              /* canonical scope -> JustSyncPbWatch */
  JustSyncEventStream *realtime;    /* NULL when the base URL is unusable */
  char *realtime_client_id;
  gboolean subscribing;
  gboolean resubscribe;
  gboolean needs_catch_up;
};

/* justsync-pocketbase-store.c */
void                 _just_sync_pb_resolve_target       (JustSyncPocketbaseStore  *self,
                                                         JustSyncScope            *scope,
                                                         JustSyncPbTarget         *target);
void                 _just_sync_pb_target_clear         (JustSyncPbTarget         *target);
const char          *_just_sync_pb_effective_soft_field (JustSyncPocketbaseStore  *self,
                                                         const JustSyncPbTarget   *target);
void                 _just_sync_pb_note_soft_field      (JustSyncPocketbaseStore  *self,
                                                         const JustSyncPbTarget   *target,
                                                         gboolean                  present);
JustSyncRecord      *_just_sync_pb_read_record          (JustSyncPocketbaseStore  *self,
                                                         const JustSyncPbTarget   *target,
                                                         JustSyncScope            *scope,
                                                         JsonNode                 *node,
                                                         GError                  **error);
void                 _just_sync_pb_set_token            (JustSyncPocketbaseStore  *self,
                                                         const char               *token);
void                 _just_sync_pb_set_user_id          (JustSyncPocketbaseStore  *self,
                                                         const char               *user_id);
void                 _just_sync_pb_set_token_refused    (JustSyncPocketbaseStore  *self);

/* justsync-pocketbase-auth.c */
gboolean             _just_sync_pb_token_usable         (JustSyncPocketbaseStore  *self);
void                 _just_sync_pb_sign_in_async        (JustSyncRemoteStore      *store,
                                                         const char               *identity,
                                                         const char               *password,
                                                         GCancellable             *cancellable,
                                                         GAsyncReadyCallback       callback,
                                                         gpointer                  user_data);
void                 _just_sync_pb_sign_out_async       (JustSyncRemoteStore      *store,
                                                         GCancellable             *cancellable,
                                                         GAsyncReadyCallback       callback,
                                                         gpointer                  user_data);
gboolean             _just_sync_pb_sign_finish          (JustSyncRemoteStore      *store,
                                                         GAsyncResult             *result,
                                                         GError                  **error);
gboolean             _just_sync_pb_has_credentials      (JustSyncPocketbaseStore  *self);
gboolean             _just_sync_pb_acts_as_superuser    (JustSyncPocketbaseStore  *self);
gint64               _just_sync_pb_server_now           (JustSyncPocketbaseStore  *self);
gint64               _just_sync_pb_response_time        (JustSyncPocketbaseStore  *self,
                                                         JustSyncHttpResponse     *response);
void                 _just_sync_pb_request_async        (JustSyncPocketbaseStore  *self,
                                                         const char               *method,
                                                         const char               *path,
                                                         const char               *query,
                                                         JsonNode                 *body,
                                                         JustSyncPbRequestFlags    flags,
                                                         GCancellable             *cancellable,
                                                         GAsyncReadyCallback       callback,
                                                         gpointer                  user_data);
void                 _just_sync_pb_read_async           (JustSyncPocketbaseStore  *self,
                                                         const char               *path,
                                                         const char               *query,
                                                         JustSyncHttpReadFunc      read_func,
                                                         gpointer                  read_data,
                                                         GDestroyNotify            read_data_free,
                                                         GCancellable             *cancellable,
                                                         GAsyncReadyCallback       callback,
                                                         gpointer                  user_data);
JustSyncHttpResponse *_just_sync_pb_request_finish      (JustSyncPocketbaseStore  *self,
                                                         GAsyncResult             *result,
                                                         GError                  **error);

/* justsync-pocketbase-codec.c: pure */
gboolean             _just_sync_pb_is_field_name        (const char               *name);
gboolean             _just_sync_pb_check_scope          (JustSyncScope            *scope,
                                                         GError                  **error);
char                *_just_sync_pb_format_time          (gint64                    usec);
void                 _just_sync_pb_append_quoted        (GString                  *filter,
                                                         const char               *value);
char                *_just_sync_pb_pull_filter          (JustSyncScope            *scope,
                                                         JustSyncSyncPoint        *since);
char                *_just_sync_pb_pull_query           (JustSyncScope            *scope,
                                                         JustSyncSyncPoint        *since,
                                                         guint                     per_page);
char                *_just_sync_pb_ids_query            (JustSyncScope            *scope,
                                                         const char * const       *ids,
                                                         guint                     n_ids);
char                *_just_sync_pb_records_path         (const char               *collection,
                                                         const char               *id);
JsonObject          *_just_sync_pb_body_get_object      (JsonNode                 *body);
JsonObject          *_just_sync_pb_object_get_object    (JsonObject               *object,
                                                         const char               *member);
const char          *_just_sync_pb_object_get_string    (JsonObject               *object,
                                                         const char               *member);
gint64               _just_sync_pb_object_get_int       (JsonObject               *object,
                                                         const char               *member);
JsonNode            *_just_sync_pb_parse_reply          (const char               *data,
                                                         gssize                    length,
                                                         GError                  **error);
gint64               _just_sync_pb_token_get_claims     (const char               *token,
                                                         char                    **out_collection_id,
                                                         char                    **out_user_id);
char                *_just_sync_pb_dup_error_message    (JsonNode                 *body,
                                                         guint                     status);
void                 _just_sync_pb_set_response_error   (GError                  **error,
                                                         JustSyncHttpResponse     *response);
JsonArray           *_just_sync_pb_list_get_items       (JustSyncHttpResponse     *response,
                                                         const char               *collection,
                                                         GError                  **error);
JustSyncPbFieldMatch _just_sync_pb_scope_field_matches  (JsonObject               *record,
                                                         JustSyncScope            *scope,
                                                         const char               *key);
gboolean             _just_sync_pb_item_in_scope        (JsonObject               *item,
                                                         JustSyncScope            *scope);
gboolean             _just_sync_pb_item_may_be_in_scope (JsonObject               *item,
                                                         JustSyncScope            *scope);
JustSyncRecord      *_just_sync_pb_record_from_json     (const JustSyncPbTarget   *target,
                                                         JustSyncScope            *scope,
                                                         JsonNode                 *node,
                                                         gboolean                 *out_has_soft_field,
                                                         JustSyncSyncPoint       **out_refused,
                                                         GError                  **error);
JsonNode            *_just_sync_pb_upsert_body          (JustSyncScope            *scope,
                                                         const char               *soft_delete_field,
                                                         JustSyncRecord           *record,
                                                         GError                  **error);
JsonNode            *_just_sync_pb_soft_delete_body     (const char               *soft_delete_field,
                                                         gint64                    when);
JsonNode            *_just_sync_pb_login_body           (const char               *identity,
                                                         const char               *password);
JsonNode            *_just_sync_pb_subscribe_body       (const char               *client_id,
                                                         GPtrArray                *topics);
gboolean             _just_sync_pb_time_from_json       (JsonNode                 *body,
                                                         gint64                   *out_usec);
char                *_just_sync_pb_event_collection     (const char               *event_name);
gboolean             _just_sync_pb_event_read           (const char               *type,
                                                         const char               *data,
                                                         char                    **out_client_id,
                                                         char                    **out_collection,
                                                         JsonObject              **out_record);

/* justsync-pocketbase-push.c */
void                 _just_sync_pb_push_async           (JustSyncPocketbaseStore  *self,
                                                         JustSyncPbPushKind        kind,
                                                         JustSyncScope            *scope,
                                                         GPtrArray                *ops,
                                                         GCancellable             *cancellable,
                                                         GAsyncReadyCallback       callback,
                                                         gpointer                  user_data,
                                                         gpointer                  source_tag);

/* justsync-pocketbase-realtime.c */
void                 _just_sync_pb_realtime_init        (JustSyncPocketbaseStore  *self);
void                 _just_sync_pb_realtime_update      (JustSyncPocketbaseStore  *self);
void                 _just_sync_pb_realtime_dispose     (JustSyncPocketbaseStore  *self);

G_END_DECLS
