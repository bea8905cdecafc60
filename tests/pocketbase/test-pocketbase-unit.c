/* test-pocketbase-unit.c: JustSyncPocketbaseStore against a fake server
 *
 * The behaviours a real PocketBase cannot be made to show on demand
 * (a realtime stream that ends, a login that fails, broken pages), against
 * an in-process SoupServer on 127.0.0.1 that answers as PocketBase does.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <string.h>

#include "justsync-remote-store-private.h"
#include "pb-test-util.h"

typedef struct
{
  SoupServer *server;
  char *url;
  JustSyncPocketbaseStore *store;

  GPtrArray *requests;              /* "METHOD /path" */
  GPtrArray *bodies;                /* request bodies, "" when none */
  GPtrArray *tokens;                /* Authorization headers, "" when none */
  SoupServerMessage *stream;        /* the open realtime stream */
  guint n_streams;
  guint n_subscriptions;
  guint n_changed;
  JustSyncScope *last_changed;

  const char *time_reply;           /* NULL: the time route is missing */
  const char *list_reply;           /* NULL: an empty page */
  GHashTable *list_query;           /* the query of the last list request */
  gboolean login_fails;
  gboolean refresh_fails;           /* auth-refresh answers 401 */
  guint token_lifetime;             /* seconds; 0: an hour */
  gint64 date_offset;               /* added to the Date of every reply */
  const char *fail_path;            /* answered with fail_status */
  guint fail_status;
  const char *fail_retry_after;
} Fixture;

static char *
make_token (gint64 exp)
{
  g_autofree char *payload = g_strdup_printf ("{\"collectionId\":\"_pb_users_auth_\",\"exp\":%" G_GINT64_FORMAT
                                              ",\"id\":\"user1\",\"refreshable\":true,\"type\":\"auth\"}", exp);
  g_autofree char *encoded = g_base64_encode ((const guchar *) payload, strlen (payload));

  g_strdelimit (encoded, "+", '-');
  g_strdelimit (encoded, "/", '_');
  g_strdelimit (encoded, "=", '\0');
  return g_strdup_printf ("eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.%s.c2lnbmF0dXJl", encoded);
}

static void
send_event (Fixture    *fixture,
            const char *event,
            const char *data)
{
  g_autofree char *frame = g_strdup_printf ("id:client\nevent:%s\ndata:%s\n\n", event, data);

  g_assert_nonnull (fixture->stream);
  soup_message_body_append (soup_server_message_get_response_body (fixture->stream),
                            SOUP_MEMORY_COPY, frame, strlen (frame));
  soup_server_message_unpause (fixture->stream);
}

static void
end_stream (Fixture *fixture)
{
  g_autoptr(SoupServerMessage) stream = g_steal_pointer (&fixture->stream);

  soup_message_body_complete (soup_server_message_get_response_body (stream));
  soup_server_message_unpause (stream);
}

static void
handler (SoupServer        *server,
         SoupServerMessage *msg,
         const char        *path,
         GHashTable        *query,
         gpointer           user_data)
{
  Fixture *fixture = user_data;
  const char *method = soup_server_message_get_method (msg);
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);
  const char *token = soup_message_headers_get_one (headers, "Authorization");
  g_autoptr(GBytes) body = soup_message_body_flatten (soup_server_message_get_request_body (msg));

  g_ptr_array_add (fixture->requests, g_strdup_printf ("%s %s", method, path));
  g_ptr_array_add (fixture->bodies, g_strndup (g_bytes_get_data (body, NULL), g_bytes_get_size (body)));
  g_ptr_array_add (fixture->tokens, g_strdup (token != NULL ? token : ""));

  if (g_strcmp0 (path, fixture->fail_path) == 0)
    {
      soup_message_headers_replace (soup_server_message_get_response_headers (msg),
                                    "Retry-After", fixture->fail_retry_after);
      http_test_reply_json (msg, fixture->fail_status,
                            "{\"data\":{},\"message\":\"Slow down.\",\"status\":429}");
    }
  else if (strcmp (path, "/api/realtime") == 0 && strcmp (method, "GET") == 0)
    {
      g_autofree char *connect = NULL;

      fixture->n_streams++;
      connect = g_strdup_printf ("{\"clientId\":\"client%u\"}", fixture->n_streams);
      soup_server_message_set_status (msg, 200, NULL);
      soup_message_headers_set_content_type (soup_server_message_get_response_headers (msg),
                                             "text/event-stream", NULL);
      soup_message_headers_set_encoding (soup_server_message_get_response_headers (msg),
                                         SOUP_ENCODING_CHUNKED);
      g_clear_object (&fixture->stream);
      fixture->stream = g_object_ref (msg);
      send_event (fixture, "PB_CONNECT", connect);
    }
  else if (strcmp (path, "/api/realtime") == 0)
    {
      fixture->n_subscriptions++;
      soup_server_message_set_status (msg, 204, NULL);
    }
  else if (strcmp (path, "/api/justsync/time") == 0 && fixture->time_reply != NULL)
    http_test_reply_json (msg, 200, fixture->time_reply);
  else if (strcmp (path, "/api/health") == 0)
    http_test_reply_json (msg, 200, "{\"message\":\"API is healthy.\",\"code\":200,\"data\":{}}");
  else if (strcmp (path, "/api/collections/users/auth-with-password") == 0 && fixture->login_fails)
    http_test_reply_json (msg, 400, "{\"data\":{},\"message\":\"Failed to authenticate.\",\"status\":400}");
  else if (strcmp (path, "/api/collections/_pb_users_auth_/auth-refresh") == 0 && fixture->refresh_fails)
    http_test_reply_json (msg, 401, "{\"data\":{},\"message\":\"The request requires valid record authorization token.\",\"status\":401}");
  else if (strcmp (path, "/api/collections/users/auth-with-password") == 0 ||
           strcmp (path, "/api/collections/_pb_users_auth_/auth-refresh") == 0)
    {
      guint lifetime = fixture->token_lifetime != 0 ? fixture->token_lifetime : 3600;
      g_autofree char *jwt = make_token (g_get_real_time () / G_USEC_PER_SEC + lifetime);
      g_autofree char *json = g_strdup_printf ("{\"token\":\"%s\",\"record\":{\"id\":\"user1\"}}", jwt);

      http_test_reply_json (msg, 200, json);
    }
  else if (strcmp (path, "/api/collections/records/records") == 0 && strcmp (method, "GET") == 0)
    {
      g_clear_pointer (&fixture->list_query, g_hash_table_unref);
      fixture->list_query = g_hash_table_ref (query);
      http_test_reply_json (msg, 200, fixture->list_reply != NULL ? fixture->list_reply :
                  "{\"items\":[],\"page\":1,\"perPage\":1000,\"totalItems\":-1,\"totalPages\":-1}");
    }
  else
    http_test_reply_json (msg, 404, "{\"data\":{},\"message\":\"The requested resource wasn't found.\",\"status\":404}");

  /* A server clock ahead of ours, which the store learns from Date. */
  if (fixture->date_offset != 0)
    {
      g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
      g_autoptr(GDateTime) then = g_date_time_add (now, fixture->date_offset);
      g_autofree char *date = soup_date_time_to_string (then, SOUP_DATE_HTTP);

      soup_message_headers_replace (soup_server_message_get_response_headers (msg), "Date", date);
    }
}

static guint
count_requests (Fixture    *fixture,
                const char *request)
{
  guint n = 0;

  for (guint i = 0; i < fixture->requests->len; i++)
    if (strcmp (g_ptr_array_index (fixture->requests, i), request) == 0)
      n++;
  return n;
}

static void
changed_cb (JustSyncRemoteStore *store,
            JustSyncScope       *scope,
            Fixture             *fixture)
{
  fixture->n_changed++;
  g_clear_pointer (&fixture->last_changed, just_sync_scope_unref);
  fixture->last_changed = just_sync_scope_ref (scope);
}

static void
fixture_setup (Fixture       *fixture,
               gconstpointer  data)
{
  fixture->server = http_test_server_new (&fixture->url);
  soup_server_add_handler (fixture->server, NULL, handler, fixture, NULL);
  fixture->requests = g_ptr_array_new_with_free_func (g_free);
  fixture->bodies = g_ptr_array_new_with_free_func (g_free);
  fixture->tokens = g_ptr_array_new_with_free_func (g_free);
  fixture->store = just_sync_pocketbase_store_new (fixture->url);
  g_signal_connect (fixture->store, "remote-changed", G_CALLBACK (changed_cb), fixture);
}

static void
fixture_teardown (Fixture       *fixture,
                  gconstpointer  data)
{
  g_clear_object (&fixture->store);
  if (fixture->stream != NULL)
    end_stream (fixture);
  soup_server_disconnect (fixture->server);
  g_clear_object (&fixture->server);
  g_free (fixture->url);
  g_ptr_array_unref (fixture->requests);
  g_ptr_array_unref (fixture->bodies);
  g_ptr_array_unref (fixture->tokens);
  g_clear_pointer (&fixture->last_changed, just_sync_scope_unref);
  g_clear_pointer (&fixture->list_query, g_hash_table_unref);
}

static JsonObject *
last_body (Fixture *fixture)
{
  g_autoptr(JsonNode) node = json_from_string (g_ptr_array_index (fixture->bodies, fixture->bodies->len - 1), NULL);

  g_assert_nonnull (node);
  return json_node_dup_object (node);
}

static void
test_realtime (Fixture       *fixture,
               gconstpointer  data)
{
  JustSyncRemoteStore *store = JUST_SYNC_REMOTE_STORE (fixture->store);
  g_autoptr(JustSyncScope) u1 = pb_scope ("records?owner=u1");
  g_autoptr(JustSyncScope) notes = pb_scope ("notes");
  g_autoptr(JsonObject) subscription = NULL;
  JsonArray *topics;
  guint n_streams;

  just_sync_remote_store_watch (store, u1);
  g_assert_true (just_sync_test_wait_count (&fixture->n_subscriptions, 1, 5000));
  subscription = last_body (fixture);
  g_assert_cmpstr (json_object_get_string_member (subscription, "clientId"), ==, "client1");
  topics = json_object_get_array_member (subscription, "subscriptions");
  g_assert_cmpuint (json_array_get_length (topics), ==, 1);
  g_assert_cmpstr (json_array_get_string_element (topics, 0), ==, "records/*");
  /* Changes made before the subscription went live sent no event: once it
   * is live, the watched scope is reported, so the engine catches up. */
  g_assert_true (just_sync_test_wait_count (&fixture->n_changed, 1, 5000));
  g_assert_true (just_sync_scope_equal (fixture->last_changed, u1));

  /* An event for the scope's rows is a hint for that scope. */
  send_event (fixture, "records/*",
              "{\"action\":\"create\",\"record\":{\"id\":\"abc\",\"owner\":\"u1\",\"updated\":\"2026-01-01 00:00:00.000Z\"}}");
  g_assert_true (just_sync_test_wait_count (&fixture->n_changed, 2, 5000));
  g_assert_true (just_sync_scope_equal (fixture->last_changed, u1));

  /* Another owner's row, or another collection, is not. */
  send_event (fixture, "records/*", "{\"action\":\"update\",\"record\":{\"id\":\"def\",\"owner\":\"u2\"}}");
  send_event (fixture, "tasks/*", "{\"action\":\"update\",\"record\":{\"id\":\"ghi\",\"owner\":\"u1\"}}");
  g_assert_false (just_sync_test_wait_count (&fixture->n_changed, 3, 300));

  /* A second watched collection joins the subscription, and once it is
   * live both watched scopes are reported. */
  just_sync_remote_store_watch (store, notes);
  g_assert_true (just_sync_test_wait_count (&fixture->n_subscriptions, 2, 5000));
  g_clear_pointer (&subscription, json_object_unref);
  subscription = last_body (fixture);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (subscription, "subscriptions")), ==, 2);
  g_assert_true (just_sync_test_wait_count (&fixture->n_changed, 4, 5000));

  /* The server ends the stream: the store reconnects, subscribes again
   * and, as events may have been missed, reports every watched scope. */
  end_stream (fixture);
  g_assert_true (just_sync_test_wait_count (&fixture->n_subscriptions, 3, 5000));
  g_assert_cmpuint (fixture->n_streams, ==, 2);
  g_clear_pointer (&subscription, json_object_unref);
  subscription = last_body (fixture);
  g_assert_cmpstr (json_object_get_string_member (subscription, "clientId"), ==, "client2");
  g_assert_true (just_sync_test_wait_count (&fixture->n_changed, 6, 5000));

  /* Unwatching everything closes the stream for good. */
  just_sync_remote_store_unwatch (store, u1);
  just_sync_remote_store_unwatch (store, notes);
  n_streams = fixture->n_streams;
  end_stream (fixture);
  just_sync_test_sleep (1500);
  g_assert_cmpuint (fixture->n_streams, ==, n_streams);
  g_assert_cmpuint (fixture->n_changed, ==, 6);
}

static void
test_realtime_dispose (Fixture       *fixture,
                       gconstpointer  data)
{
  g_autoptr(JustSyncScope) u1 = pb_scope ("records?owner=u1");

  just_sync_remote_store_watch (JUST_SYNC_REMOTE_STORE (fixture->store), u1);
  g_assert_true (just_sync_test_wait_count (&fixture->n_subscriptions, 1, 5000));

  /* Dropping a store with an open stream cancels it; late callbacks are harmless. */
  g_clear_object (&fixture->store);
  end_stream (fixture);
  just_sync_test_sleep (200);
}

static void
test_fixed_token (Fixture       *fixture,
                  gconstpointer  data)
{
  JustSyncRemoteStore *store = JUST_SYNC_REMOTE_STORE (fixture->store);
  g_autoptr(JustSyncScope) scope = pb_scope ("records");
  g_autofree char *expired = make_token (g_get_real_time () / G_USEC_PER_SEC - 10);
  g_autofree char *valid = make_token (g_get_real_time () / G_USEC_PER_SEC + 3600);
  g_autoptr(JustSyncDelta) delta = NULL;
  g_autoptr(GError) error = NULL;

  /* PocketBase would take an expired token for a guest: never send it. */
  just_sync_pocketbase_store_set_token (fixture->store, expired);
  delta = pb_fetch (store, scope, NULL, 100, &error);
  g_assert_null (delta);
  g_assert_error (error, JUST_SYNC_ERROR, JUST_SYNC_ERROR_AUTH);
  g_assert_cmpuint (fixture->requests->len, ==, 0);
  g_clear_error (&error);

  just_sync_pocketbase_store_set_token (fixture->store, valid);
  delta = pb_fetch (store, scope, NULL, 100, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (fixture->requests->len, ==, 1);
  g_assert_cmpstr (g_ptr_array_index (fixture->tokens, 0), ==, valid);
}

static void
count_emission_cb (guint *count)
{
  (*count)++;
}

/* An identity without its password names a user the store cannot act as:
 * it sends nothing (a guest's request would be answered as if the user
 * had no rights) and fails with an auth error. New credentials or a new
 * token are announced with credentials-changed; the token makes the
 * store work again. */
static void
test_named_user_without_password (Fixture       *fixture,
                                  gconstpointer  data)
{
  JustSyncRemoteStore *store = JUST_SYNC_REMOTE_STORE (fixture->store);
  g_autoptr(JustSyncScope) scope = pb_scope ("records");
  g_autofree char *valid = make_token (g_get_real_time () / G_USEC_PER_SEC + 3600);
  g_autoptr(JustSyncDelta) delta = NULL;
  g_autoptr(GError) error = NULL;
  guint changed = 0;

  g_signal_connect_swapped (store, "credentials-changed", G_CALLBACK (count_emission_cb), &changed);
  just_sync_pocketbase_store_set_credentials (fixture->store, "users", "alice@example.com", NULL);
  g_assert_cmpuint (changed, >, 0);
  delta = pb_fetch (store, scope, NULL, 100, &error);
  g_assert_null (delta);
  g_assert_error (error, JUST_SYNC_ERROR, JUST_SYNC_ERROR_AUTH);
  g_assert_nonnull (strstr (error->message, "credentials"));
  g_assert_cmpuint (fixture->requests->len, ==, 0);
  g_clear_error (&error);

  changed = 0;
  just_sync_pocketbase_store_set_token (fixture->store, valid);
  g_assert_cmpuint (changed, ==, 1);
  just_sync_pocketbase_store_set_token (fixture->store, valid);
  g_assert_cmpuint (changed, ==, 1);
  delta = pb_fetch (store, scope, NULL, 100, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (fixture->requests->len, ==, 1);
  g_assert_cmpstr (g_ptr_array_index (fixture->tokens, 0), ==, valid);
}

static void
test_login (Fixture       *fixture,
            gconstpointer  data)
{
  JustSyncRemoteStore *store = JUST_SYNC_REMOTE_STORE (fixture->store);
  g_autoptr(JustSyncScope) scope = pb_scope ("records");
  g_autoptr(GAsyncResult) first = NULL;
  g_autoptr(GAsyncResult) second = NULL;
  g_autoptr(JustSyncDelta) delta1 = NULL;
  g_autoptr(JustSyncDelta) delta2 = NULL;
  g_autoptr(JsonNode) login_node = NULL;
  g_autoptr(JsonObject) login = NULL;
  g_autoptr(GError) error = NULL;
  GAsyncResult *pending_first = NULL, *pending_second = NULL;

  just_sync_pocketbase_store_set_credentials (fixture->store, NULL, "u@example.com", "secret");
  g_assert_cmpstr (just_sync_pocketbase_store_get_auth_collection (fixture->store), ==, "users");

  /* Two calls at once share one login. */
  just_sync_remote_store_fetch_since_async (store, scope, NULL, 10, NULL, just_sync_test_result_cb,
                                            &pending_first);
  just_sync_remote_store_fetch_since_async (store, scope, NULL, 10, NULL, just_sync_test_result_cb,
                                            &pending_second);
  first = just_sync_test_await (&pending_first);
  delta1 = just_sync_remote_store_fetch_since_finish (store, first, &error);
  g_assert_no_error (error);
  second = just_sync_test_await (&pending_second);
  delta2 = just_sync_remote_store_fetch_since_finish (store, second, &error);
  g_assert_no_error (error);

  g_assert_cmpuint (count_requests (fixture, "POST /api/collections/users/auth-with-password"), ==, 1);
  g_assert_cmpuint (count_requests (fixture, "GET /api/collections/records/records"), ==, 2);
  login_node = json_from_string (g_ptr_array_index (fixture->bodies, 0), NULL);
  login = json_node_dup_object (login_node);
  g_assert_cmpstr (json_object_get_string_member (login, "identity"), ==, "u@example.com");
  g_assert_cmpstr (json_object_get_string_member (login, "password"), ==, "secret");
  g_assert_cmpstr (just_sync_pocketbase_store_get_user_id (fixture->store), ==, "user1");
  g_assert_cmpstr (g_ptr_array_index (fixture->tokens, 1), ==,
                   just_sync_pocketbase_store_get_token (fixture->store));
}

static void
test_login_refused (Fixture       *fixture,
                    gconstpointer  data)
{
  g_autoptr(JustSyncScope) scope = pb_scope ("records");
  g_autoptr(JustSyncDelta) delta = NULL;
  g_autoptr(GError) error = NULL;

  fixture->login_fails = TRUE;
  just_sync_pocketbase_store_set_credentials (fixture->store, "users", "u@example.com", "wrong");
  delta = pb_fetch (JUST_SYNC_REMOTE_STORE (fixture->store), scope, NULL, 10, &error);
  g_assert_null (delta);
  g_assert_error (error, JUST_SYNC_ERROR, JUST_SYNC_ERROR_AUTH);
  g_assert_nonnull (strstr (error->message, "Failed to authenticate."));
  g_assert_false (just_sync_error_is_transient (error));
  /* The list was never asked for as a guest. */
  g_assert_cmpuint (count_requests (fixture, "GET /api/collections/records/records"), ==, 0);
}

typedef struct
{
  guint user_id;
  guint authenticated;
  guint credentials;
} AuthNotes;

static void
auth_notes_connect (JustSyncPocketbaseStore *store,
                    AuthNotes               *notes)
{
  g_signal_connect_swapped (store, "notify::user-id", G_CALLBACK (count_emission_cb), &notes->user_id);
  g_signal_connect_swapped (store, "notify::authenticated", G_CALLBACK (count_emission_cb), &notes->authenticated);
  g_signal_connect_swapped (store, "credentials-changed", G_CALLBACK (count_emission_cb), &notes->credentials);
}

/* A sign-in logs in once, keeps the token and not the password, tells
 * who signed in, and announces it so queued changes go out. */
static void
test_sign_in (Fixture       *fixture,
              gconstpointer  data)
{
  JustSyncRemoteStore *store = JUST_SYNC_REMOTE_STORE (fixture->store);
  g_autoptr(JustSyncScope) scope = pb_scope ("records");
  g_autoptr(JustSyncDelta) delta = NULL;
  g_autoptr(JsonObject) login = NULL;
  g_autoptr(GError) error = NULL;
  AuthNotes notes = { 0, };
  gboolean authenticated = TRUE;

  auth_notes_connect (fixture->store, &notes);
  g_assert_false (just_sync_remote_store_get_authenticated (store));
  g_assert_null (just_sync_remote_store_get_user_id (store));

  g_assert_true (JUST_SYNC_TEST_AWAIT (just_sync_remote_store_sign_in, store, &error,
                                       "u@example.com", "secret"));
  g_assert_no_error (error);
  g_assert_cmpuint (count_requests (fixture, "POST /api/collections/users/auth-with-password"), ==, 1);
  login = last_body (fixture);
  g_assert_cmpstr (json_object_get_string_member (login, "identity"), ==, "u@example.com");
  g_assert_cmpstr (json_object_get_string_member (login, "password"), ==, "secret");
  g_assert_true (just_sync_remote_store_get_authenticated (store));
  g_object_get (fixture->store, "authenticated", &authenticated, NULL);
  g_assert_true (authenticated);
  g_assert_cmpstr (just_sync_remote_store_get_user_id (store), ==, "user1");
  g_assert_cmpstr (just_sync_pocketbase_store_get_user_id (fixture->store), ==, "user1");
  g_assert_cmpstr (just_sync_pocketbase_store_get_identity (fixture->store), ==, "u@example.com");
  g_assert_cmpuint (notes.user_id, ==, 1);
  g_assert_cmpuint (notes.authenticated, ==, 1);
  g_assert_cmpuint (notes.credentials, ==, 1);

  /* Requests carry the token; nothing logs in again. */
  delta = pb_fetch (store, scope, NULL, 10, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (g_ptr_array_index (fixture->tokens, fixture->tokens->len - 1), ==,
                   just_sync_pocketbase_store_get_token (fixture->store));
  g_assert_cmpuint (count_requests (fixture, "POST /api/collections/users/auth-with-password"), ==, 1);

  /* A wrong password is an auth error and keeps the session. */
  fixture->login_fails = TRUE;
  g_assert_false (JUST_SYNC_TEST_AWAIT (just_sync_remote_store_sign_in, store, &error,
                                        "u@example.com", "wrong"));
  g_assert_error (error, JUST_SYNC_ERROR, JUST_SYNC_ERROR_AUTH);
  g_assert_nonnull (strstr (error->message, "Failed to authenticate."));
  g_assert_true (just_sync_remote_store_get_authenticated (store));
  g_assert_cmpuint (notes.credentials, ==, 1);
}

/* Signing out forgets the token and sends nothing, not even as a guest,
 * until the next sign-in. */
static void
test_sign_out (Fixture       *fixture,
               gconstpointer  data)
{
  JustSyncRemoteStore *store = JUST_SYNC_REMOTE_STORE (fixture->store);
  g_autoptr(JustSyncScope) scope = pb_scope ("records");
  g_autoptr(JustSyncDelta) delta = NULL;
  g_autoptr(GError) error = NULL;
  AuthNotes notes = { 0, };
  guint n_requests;

  g_assert_true (JUST_SYNC_TEST_AWAIT (just_sync_remote_store_sign_in, store, &error,
                                       "u@example.com", "secret"));
  g_assert_no_error (error);
  auth_notes_connect (fixture->store, &notes);

  g_assert_true (JUST_SYNC_TEST_AWAIT (just_sync_remote_store_sign_out, store, &error));
  g_assert_no_error (error);
  g_assert_false (just_sync_remote_store_get_authenticated (store));
  g_assert_null (just_sync_remote_store_get_user_id (store));
  g_assert_null (just_sync_pocketbase_store_get_token (fixture->store));
  g_assert_cmpuint (notes.authenticated, ==, 1);
  g_assert_cmpuint (notes.user_id, ==, 1);

  n_requests = fixture->requests->len;
  delta = pb_fetch (store, scope, NULL, 10, &error);
  g_assert_null (delta);
  g_assert_error (error, JUST_SYNC_ERROR, JUST_SYNC_ERROR_AUTH);
  g_assert_cmpuint (fixture->requests->len, ==, n_requests);
  g_clear_error (&error);

  g_assert_true (JUST_SYNC_TEST_AWAIT (just_sync_remote_store_sign_in, store, &error,
                                       "u@example.com", "secret"));
  delta = pb_fetch (store, scope, NULL, 10, &error);
  g_assert_no_error (error);
  g_assert_nonnull (delta);
}

/* In the last fifth of its lifetime the token is renewed with
 * auth-refresh (the password is not kept); the server's clock, learned
 * from Date, decides. */
static void
test_refresh (Fixture       *fixture,
              gconstpointer  data)
{
  JustSyncRemoteStore *store = JUST_SYNC_REMOTE_STORE (fixture->store);
  g_autoptr(JustSyncScope) scope = pb_scope ("records");
  g_autoptr(JustSyncDelta) first = NULL;
  g_autoptr(JustSyncDelta) second = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *old_token = NULL;

  fixture->token_lifetime = 100;
  g_assert_true (JUST_SYNC_TEST_AWAIT (just_sync_remote_store_sign_in, store, &error,
                                       "u@example.com", "secret"));
  g_assert_no_error (error);
  old_token = g_strdup (just_sync_pocketbase_store_get_token (fixture->store));

  /* The server is 90 s ahead: 10 s of the token are left, less than 20. */
  fixture->date_offset = 90 * G_TIME_SPAN_SECOND;
  first = pb_fetch (store, scope, NULL, 10, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (count_requests (fixture, "POST /api/collections/_pb_users_auth_/auth-refresh"), ==, 0);

  fixture->token_lifetime = 3600;
  second = pb_fetch (store, scope, NULL, 10, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (count_requests (fixture, "POST /api/collections/_pb_users_auth_/auth-refresh"), ==, 1);
  g_assert_cmpuint (count_requests (fixture, "POST /api/collections/users/auth-with-password"), ==, 1);
  /* The renewal carried the old token; the list, the new one. */
  g_assert_cmpstr (g_ptr_array_index (fixture->tokens, fixture->tokens->len - 2), ==, old_token);
  g_assert_cmpstr (g_ptr_array_index (fixture->tokens, fixture->tokens->len - 1), !=, old_token);
  g_assert_cmpstr (g_ptr_array_index (fixture->tokens, fixture->tokens->len - 1), ==,
                   just_sync_pocketbase_store_get_token (fixture->store));
  g_assert_true (just_sync_remote_store_get_authenticated (store));
}

/* A token the server refuses to renew (revoked) ends the session: calls
 * fail with an auth error, without sending anything as a guest, until
 * the app signs in again. */
static void
test_refresh_refused (Fixture       *fixture,
                      gconstpointer  data)
{
  JustSyncRemoteStore *store = JUST_SYNC_REMOTE_STORE (fixture->store);
  g_autoptr(JustSyncScope) scope = pb_scope ("records");
  g_autoptr(GPtrArray) ops = just_sync_test_ops_new ();
  g_autoptr(GPtrArray) results = NULL;
  g_autoptr(JustSyncDelta) delta = NULL;
  g_autoptr(GError) error = NULL;
  AuthNotes notes = { 0, };
  guint n_requests;

  fixture->token_lifetime = 100;
  g_assert_true (JUST_SYNC_TEST_AWAIT (just_sync_remote_store_sign_in, store, &error,
                                       "u@example.com", "secret"));
  g_assert_no_error (error);
  fixture->date_offset = 90 * G_TIME_SPAN_SECOND;
  delta = pb_fetch (store, scope, NULL, 10, &error);
  g_assert_no_error (error);
  auth_notes_connect (fixture->store, &notes);

  fixture->refresh_fails = TRUE;
  g_ptr_array_add (ops, pb_upsert_op (1, "abcdefghijklmno", "{\"title\":\"x\"}", NULL));
  results = JUST_SYNC_TEST_AWAIT (just_sync_remote_store_batch_upsert, store, &error, scope, ops);
  g_assert_null (results);
  g_assert_error (error, JUST_SYNC_ERROR, JUST_SYNC_ERROR_AUTH);
  g_assert_nonnull (strstr (error->message, "sign in again"));
  g_clear_error (&error);
  g_assert_cmpuint (count_requests (fixture, "POST /api/collections/_pb_users_auth_/auth-refresh"), ==, 1);
  g_assert_false (just_sync_remote_store_get_authenticated (store));
  g_assert_cmpuint (notes.authenticated, ==, 1);

  /* No second try, and nothing goes out as a guest. */
  n_requests = fixture->requests->len;
  results = JUST_SYNC_TEST_AWAIT (just_sync_remote_store_batch_upsert, store, &error, scope, ops);
  g_assert_null (results);
  g_assert_error (error, JUST_SYNC_ERROR, JUST_SYNC_ERROR_AUTH);
  g_clear_error (&error);
  g_assert_cmpuint (fixture->requests->len, ==, n_requests);

  fixture->date_offset = 0;
  g_assert_true (JUST_SYNC_TEST_AWAIT (just_sync_remote_store_sign_in, store, &error,
                                       "u@example.com", "secret"));
  g_assert_true (just_sync_remote_store_get_authenticated (store));
  g_assert_cmpuint (notes.credentials, ==, 1);
}

static void
test_bad_input (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(JustSyncPocketbaseStore) unusable = just_sync_pocketbase_store_new ("ftp://example.com");
  g_autoptr(JustSyncScope) scope = pb_scope ("records");
  g_autoptr(JustSyncScope) bad_key = pb_scope ("records?a%20b=1");
  g_autoptr(GPtrArray) ops = just_sync_test_ops_new ();
  g_autoptr(JustSyncDelta) delta = NULL;
  g_autoptr(GPtrArray) results = NULL;
  g_autoptr(GError) error = NULL;

  delta = pb_fetch (JUST_SYNC_REMOTE_STORE (unusable), scope, NULL, 10, &error);
  g_assert_null (delta);
  g_assert_error (error, JUST_SYNC_ERROR, JUST_SYNC_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);

  /* A scope key that is not a field name could change the filter's meaning. */
  delta = pb_fetch (JUST_SYNC_REMOTE_STORE (fixture->store), bad_key, NULL, 10, &error);
  g_assert_null (delta);
  g_assert_error (error, JUST_SYNC_ERROR, JUST_SYNC_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);

  g_ptr_array_add (ops, pb_upsert_op (1, "abcdefghijklmno", "{}", NULL));
  results = pb_upsert (JUST_SYNC_REMOTE_STORE (fixture->store), bad_key, ops, &error);
  g_assert_null (results);
  g_assert_error (error, JUST_SYNC_ERROR, JUST_SYNC_ERROR_INVALID_ARGUMENT);
  g_assert_cmpuint (fixture->requests->len, ==, 0);
}

static void
assert_page_fails (Fixture    *fixture,
                   const char *list_reply,
                   const char *fragment)
{
  g_autoptr(JustSyncScope) scope = pb_scope ("records");
  g_autoptr(JustSyncDelta) delta = NULL;
  g_autoptr(GError) error = NULL;

  fixture->list_reply = list_reply;
  delta = pb_fetch (JUST_SYNC_REMOTE_STORE (fixture->store), scope, NULL, 10, &error);
  g_assert_null (delta);
  g_assert_error (error, JUST_SYNC_ERROR, JUST_SYNC_ERROR_SERVER);
  g_assert_nonnull (strstr (error->message, fragment));
}

static void
test_bad_pages (Fixture       *fixture,
                gconstpointer  data)
{
  assert_page_fails (fixture, "{\"page\":1}", "without items");
  assert_page_fails (fixture, "{\"items\":[{\"id\":\"a\",\"title\":\"x\"}]}", "no “updated” autodate field");
  assert_page_fails (fixture, "{\"items\":[{\"id\":\"a\",\"updated\":\"yesterday\"}]}", "bad “updated” time");
  assert_page_fails (fixture, "{\"items\":[{\"updated\":\"2026-01-01 00:00:00.000Z\"}]}", "without an id");
  assert_page_fails (fixture, "{\"items\":[{\"id\":\"a\",\"updated\":\"2026-01-01 00:00:00.000Z\","
                              "\"deleted_at\":\"soon\"}]}", "bad “deleted_at” time");
}

static void
test_page_shape (Fixture       *fixture,
                 gconstpointer  data)
{
  g_autoptr(JustSyncScope) scope = pb_scope ("records?owner=u1");
  g_autoptr(JustSyncSyncPoint) since = just_sync_sync_point_new (1764083014046000, "abc\"def");
  g_autoptr(JustSyncDelta) delta = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *payload = NULL;
  GPtrArray *records;
  JustSyncRecord *live, *dead;

  fixture->list_reply =
    "{\"items\":["
    "{\"collectionId\":\"pbc_1\",\"collectionName\":\"records\",\"created\":\"2025-11-25 15:03:34.046Z\","
    "\"deleted_at\":\"\",\"done\":false,\"id\":\"aaa\",\"n\":1,\"owner\":\"u1\",\"tag\":\"x\",\"title\":\"a1\","
    "\"updated\":\"2025-11-25 15:03:34.046Z\",\"expand\":{}},"
    "{\"collectionId\":\"pbc_1\",\"collectionName\":\"records\",\"created\":\"2025-11-25 15:03:34.046Z\","
    "\"deleted_at\":\"2025-11-25 16:00:00.500Z\",\"done\":true,\"id\":\"bbb\",\"n\":2,\"owner\":\"u1\","
    "\"tag\":\"\",\"title\":\"b\",\"updated\":\"2025-11-25 16:00:00.512Z\"}"
    "],\"page\":1,\"perPage\":2,\"totalItems\":-1,\"totalPages\":-1}";

  delta = pb_fetch (JUST_SYNC_REMOTE_STORE (fixture->store), scope, since, 2, &error);
  g_assert_no_error (error);

  records = just_sync_delta_get_records (delta);
  g_assert_cmpuint (records->len, ==, 2);
  /* A full page: more may follow. */
  g_assert_true (just_sync_delta_get_has_more (delta));

  live = g_ptr_array_index (records, 0);
  g_assert_cmpstr (just_sync_record_get_id (live), ==, "aaa");
  g_assert_cmpint (just_sync_record_get_updated_at (live), ==, 1764083014046000);
  g_assert_false (just_sync_record_is_deleted (live));
  payload = just_sync_record_dup_payload_data (live);
  /* System fields, the soft-delete field and the scope key are gone. */
  g_assert_cmpstr (payload, ==, "{\"done\":false,\"n\":1,\"tag\":\"x\",\"title\":\"a1\"}");

  dead = g_ptr_array_index (records, 1);
  g_assert_true (just_sync_record_is_deleted (dead));
  g_assert_cmpint (just_sync_record_get_deleted_at (dead), ==, 1764086400500000);
  g_assert_cmpint (just_sync_record_get_updated_at (dead), ==, 1764086400512000);
  g_assert_cmpint (just_sync_delta_get_server_time (delta), >=, 1764086400512000);
}

static void
test_query (Fixture       *fixture,
            gconstpointer  data)
{
  /* owner = u"\1: a quote and a backslash to escape. */
  g_autoptr(JustSyncScope) scope = pb_scope ("records?owner=u%22%5C1&tag=t");
  g_autoptr(JustSyncSyncPoint) since = just_sync_sync_point_new (1764083014046999, "abc\"def");
  g_autoptr(JustSyncDelta) delta = NULL;
  g_autoptr(GError) error = NULL;

  just_sync_pocketbase_store_set_page_size (fixture->store, 300);
  delta = pb_fetch (JUST_SYNC_REMOTE_STORE (fixture->store), scope, since, 500, &error);
  g_assert_no_error (error);
  g_assert_false (just_sync_delta_get_has_more (delta));
  g_assert_cmpuint (just_sync_delta_get_n_upserts (delta), ==, 0);

  /* Every scope key is a filter term, then the seekable keyset; the
   * cursor's microseconds are cut to PocketBase's milliseconds. */
  g_assert_cmpstr (g_hash_table_lookup (fixture->list_query, "filter"), ==,
                   "owner = \"u\\\"\\\\1\" && tag = \"t\" && "
                   "updated >= \"2025-11-25 15:03:34.046Z\" && "
                   "(updated > \"2025-11-25 15:03:34.046Z\" || id > \"abc\\\"def\")");
  g_assert_cmpstr (g_hash_table_lookup (fixture->list_query, "sort"), ==, "updated,id");
  g_assert_cmpstr (g_hash_table_lookup (fixture->list_query, "skipTotal"), ==, "1");
  /* The smaller of the caller's limit and the page size. */
  g_assert_cmpstr (g_hash_table_lookup (fixture->list_query, "perPage"), ==, "300");
}

static void
test_server_time (Fixture       *fixture,
                  gconstpointer  data)
{
  JustSyncRemoteStore *store = JUST_SYNC_REMOTE_STORE (fixture->store);
  g_autoptr(GError) error = NULL;
  gint64 now;

  /* With the route: its millisecond time, past what a 32-bit gssize
   * holds (the store returned it through g_task_return_int). */
  fixture->time_reply = "{\"now\":\"2030-01-02 03:04:05.678Z\"}";
  g_assert_cmpint (pb_server_time (store, &error), ==, 1893553445678000);
  g_assert_no_error (error);

  /* Stock PocketBase: the Date header of the 404, then of /api/health. */
  g_clear_object (&fixture->store);
  fixture->store = just_sync_pocketbase_store_new (fixture->url);
  store = JUST_SYNC_REMOTE_STORE (fixture->store);
  fixture->time_reply = NULL;
  now = pb_server_time (store, &error);
  g_assert_no_error (error);
  g_assert_cmpint (ABS (now - g_get_real_time ()), <, 2 * G_USEC_PER_SEC);
  g_assert_cmpint (now % G_USEC_PER_SEC, ==, G_USEC_PER_SEC / 2);
  now = pb_server_time (store, &error);
  g_assert_no_error (error);
  g_assert_cmpint (ABS (now - g_get_real_time ()), <, 2 * G_USEC_PER_SEC);
  g_assert_cmpuint (count_requests (fixture, "GET /api/justsync/time"), ==, 2);
  g_assert_cmpuint (count_requests (fixture, "GET /api/health"), ==, 1);
}

/* The pause a 429 or 503 asks for, on any request, reaches the scheduler. */
static void
test_retry_after (Fixture       *fixture,
                  gconstpointer  data)
{
  JustSyncRemoteStore *store = JUST_SYNC_REMOTE_STORE (fixture->store);
  g_autoptr(JustSyncScope) scope = pb_scope ("records");
  g_autoptr(GPtrArray) ops = just_sync_test_ops_new ();
  g_autoptr(JustSyncDelta) delta = NULL;
  g_autoptr(GPtrArray) results = NULL;
  g_autoptr(GError) error = NULL;
  gint64 start = g_get_monotonic_time ();

  g_assert_cmpint (_just_sync_remote_store_get_not_before (store), ==, 0);

  /* A page. */
  fixture->fail_path = "/api/collections/records/records";
  fixture->fail_status = 429;
  fixture->fail_retry_after = "30";
  delta = pb_fetch (store, scope, NULL, 10, &error);
  g_assert_null (delta);
  g_assert_error (error, JUST_SYNC_ERROR, JUST_SYNC_ERROR_SERVER);
  g_clear_error (&error);
  g_assert_cmpint (_just_sync_remote_store_get_not_before (store), >=, start + 30 * G_USEC_PER_SEC);
  g_assert_cmpint (_just_sync_remote_store_get_not_before (store), <, start + 32 * G_USEC_PER_SEC);

  /* The time. */
  fixture->fail_path = "/api/justsync/time";
  fixture->fail_status = 503;
  fixture->fail_retry_after = "60";
  fixture->time_reply = "{\"now\":\"2030-01-02 03:04:05.678Z\"}";
  g_assert_cmpint (pb_server_time (store, &error), ==, 0);
  g_assert_error (error, JUST_SYNC_ERROR, JUST_SYNC_ERROR_SERVER);
  g_clear_error (&error);
  g_assert_cmpint (_just_sync_remote_store_get_not_before (store), >=, start + 60 * G_USEC_PER_SEC);
  g_assert_cmpint (_just_sync_remote_store_get_not_before (store), <, start + 62 * G_USEC_PER_SEC);

  /* A push: the operations retry later, and the remote waits. */
  fixture->fail_path = "/api/batch";
  fixture->fail_status = 429;
  fixture->fail_retry_after = "120";
  g_ptr_array_add (ops, pb_upsert_op (1, "abcdefghijklmno", "{}", NULL));
  results = pb_upsert (store, scope, ops, &error);
  g_assert_no_error (error);
  g_assert_cmpint (just_sync_push_result_get_status (g_ptr_array_index (results, 0)), ==,
                   JUST_SYNC_PUSH_RETRY);
  g_assert_cmpint (_just_sync_remote_store_get_not_before (store), >=, start + 120 * G_USEC_PER_SEC);
  g_assert_cmpint (_just_sync_remote_store_get_not_before (store), <, start + 122 * G_USEC_PER_SEC);
}

/* --- a store on a main context of its own ------------------------------- */

static guint context_streams;

/* On the server's thread: every stream says who the client is and ends. */
static void
context_handler (SoupServer        *server,
                 SoupServerMessage *msg,
                 const char        *path,
                 GHashTable        *query,
                 gpointer           user_data)
{
  static const char connect[] = "event:PB_CONNECT\ndata:{\"clientId\":\"c\"}\n\n";

  if (strcmp (path, "/api/realtime") == 0 && strcmp (soup_server_message_get_method (msg), "GET") == 0)
    {
      g_atomic_int_inc (&context_streams);
      soup_server_message_set_status (msg, 200, NULL);
      soup_server_message_set_response (msg, "text/event-stream", SOUP_MEMORY_STATIC,
                                        connect, strlen (connect));
    }
  else if (strcmp (path, "/api/realtime") == 0)
    soup_server_message_set_status (msg, 204, NULL);
  else
    http_test_reply_json (msg, 404, "{\"data\":{},\"message\":\"Not found.\",\"status\":404}");
}

static gboolean
wake_cb (gpointer data)
{
  return G_SOURCE_CONTINUE;
}

/* Defect: the realtime reconnect went to the global default main context,
 * which an app that runs the store on a context of its own never
 * iterates, so the store never reconnected. */
static void
test_realtime_own_context (void)
{
  g_autoptr(HttpTestThreadServer) server = http_test_thread_server_new (context_handler, NULL);
  g_autoptr(GMainContext) context = g_main_context_new ();
  g_autoptr(JustSyncPocketbaseStore) store = NULL;
  g_autoptr(JustSyncScope) scope = pb_scope ("records?owner=u1");
  g_autoptr(GSource) wake = g_timeout_source_new (20);
  gint64 deadline;

  g_main_context_push_thread_default (context);
  /* The stream count changes on the server's thread: look now and then. */
  g_source_set_callback (wake, wake_cb, NULL, NULL);
  g_source_attach (wake, context);

  store = just_sync_pocketbase_store_new (http_test_thread_server_get_url (server));
  just_sync_remote_store_watch (JUST_SYNC_REMOTE_STORE (store), scope);
  deadline = g_get_monotonic_time () + 5 * G_USEC_PER_SEC;
  while (g_atomic_int_get (&context_streams) < 3 && g_get_monotonic_time () < deadline)
    g_main_context_iteration (context, TRUE);
  g_assert_cmpuint (g_atomic_int_get (&context_streams), >=, 3);

  just_sync_remote_store_unwatch (JUST_SYNC_REMOTE_STORE (store), scope);
  g_clear_object (&store);
  g_source_destroy (wake);
  while (g_main_context_iteration (context, FALSE))
    ;
  g_main_context_pop_thread_default (context);
}

static void
test_generate_id (void)
{
  g_autoptr(JustSyncPocketbaseStore) store = just_sync_pocketbase_store_new ("http://127.0.0.1:9");
  g_autoptr(JustSyncScope) scope = pb_scope ("records");
  g_autoptr(GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  for (guint i = 0; i < 1000; i++)
    {
      char *id = just_sync_remote_store_generate_id (JUST_SYNC_REMOTE_STORE (store), scope);

      g_assert_cmpuint (strlen (id), ==, 15);
      for (const char *p = id; *p != '\0'; p++)
        g_assert_true (g_ascii_islower (*p) || g_ascii_isdigit (*p));
      g_assert_true (g_hash_table_add (seen, id));
    }
}

static void
test_properties (void)
{
  g_autoptr(JustSyncPocketbaseStore) store = just_sync_pocketbase_store_new ("http://127.0.0.1:9/");
  g_autofree char *base_url = NULL;
  guint page_size, batch_size, timeout;

  g_object_get (store, "base-url", &base_url, "page-size", &page_size, "batch-size", &batch_size,
                "timeout", &timeout, NULL);
  g_assert_cmpstr (base_url, ==, "http://127.0.0.1:9/");
  g_assert_cmpuint (page_size, ==, JUST_SYNC_POCKETBASE_MAX_PAGE_SIZE);
  g_assert_cmpuint (batch_size, ==, 50);
  g_assert_cmpuint (timeout, ==, 30);
  g_assert_cmpstr (just_sync_pocketbase_store_get_soft_delete_field (store), ==, "deleted_at");

  just_sync_pocketbase_store_set_collection (store, "notes", "app_notes", NULL);
  g_assert_cmpstr (just_sync_pocketbase_store_get_collection (store, "notes"), ==, "app_notes");
  g_assert_cmpstr (just_sync_pocketbase_store_get_collection (store, "tasks"), ==, "tasks");
  just_sync_pocketbase_store_set_collection (store, "notes", NULL, NULL);
  g_assert_cmpstr (just_sync_pocketbase_store_get_collection (store, "notes"), ==, "notes");

  g_object_set (store, "soft-delete-field", "", "token", "tok", NULL);
  g_assert_null (just_sync_pocketbase_store_get_soft_delete_field (store));
  g_assert_cmpstr (just_sync_pocketbase_store_get_token (store), ==, "tok");
  /* New credentials drop the token of the old ones. */
  just_sync_pocketbase_store_set_credentials (store, "_superusers", "admin@example.com", "pw");
  g_assert_null (just_sync_pocketbase_store_get_token (store));
  g_assert_cmpstr (just_sync_pocketbase_store_get_identity (store), ==, "admin@example.com");
  g_assert_cmpstr (just_sync_pocketbase_store_get_auth_collection (store), ==, "_superusers");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

#define ADD(name, func) \
  g_test_add ("/pocketbase-unit/" name, Fixture, NULL, fixture_setup, func, fixture_teardown)

  ADD ("realtime", test_realtime);
  ADD ("realtime-dispose", test_realtime_dispose);
  ADD ("fixed-token", test_fixed_token);
  ADD ("sign-in", test_sign_in);
  ADD ("sign-out", test_sign_out);
  ADD ("refresh", test_refresh);
  ADD ("refresh-refused", test_refresh_refused);
  ADD ("named-user-without-password", test_named_user_without_password);
  ADD ("login", test_login);
  ADD ("login-refused", test_login_refused);
  ADD ("bad-input", test_bad_input);
  ADD ("bad-pages", test_bad_pages);
  ADD ("page-shape", test_page_shape);
  ADD ("query", test_query);
  ADD ("server-time", test_server_time);
  ADD ("retry-after", test_retry_after);
  g_test_add_func ("/pocketbase-unit/realtime-own-context", test_realtime_own_context);
  g_test_add_func ("/pocketbase-unit/generate-id", test_generate_id);
  g_test_add_func ("/pocketbase-unit/properties", test_properties);

#undef ADD

  return g_test_run ();
}
