/* sync-bench.c: the measuring programs of scripts/bench, one per mode, each
 * run in its own process so that its peak RSS is its own. Each prints one
 * JSON object on stdout. Only JustSync's public API is used.
 *
 *   sync     open (or create) a JustSyncSqliteStore at --db and synchronize
 *            one scope with a PocketBase server once: the initial sync on a
 *            fresh file, an incremental one on a synced file. Reports the
 *            time, the records pulled and the main loop's longest stall.
 *   incremental  on a synced --db: a sync with no change on the server and
 *            one after 10 rows changed there (through its API), three
 *            times, medians reported; the sync before, which logs in, is
 *            not timed.
 *   raw      the limit: the same pages fetched with libsoup, parsed with
 *            json-glib and inserted with prepared SQLite statements, one
 *            transaction per page with its checkpoint; the next page is
 *            requested before this one is written (pipelined).
 *   creates  durable single-record creates through JustSyncOrchestrator
 *            with --pending operations already queued, interleaved with raw
 *            SQLite writes of the same row (and its queued op) into a
 *            database holding as many rows; p50 and p99 of both.
 *   idle     the main loop's longest stall over --seconds with nothing to
 *            do: the machine's own scheduling noise, which the stall
 *            measured during a sync includes.
 *   query    a scope of --rows records read in-process with
 *            just_sync_orchestrator_read_async(), interleaved with the same
 *            records read through justsyncd's Query() on the session bus
 *            (run it on a private bus: tests/dbus/private-bus.sh).
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include <string.h>

#include <glib/gstdio.h>
#include <justsync/justsync.h>
#include <libsoup/soup.h>
#include <sqlite3.h>

static char *mode = NULL;
static char *url = NULL;
static char *collection = NULL;
static char *owner = NULL;
static char *auth_collection = NULL;
static char *identity = NULL;
static char *password = NULL;
static char *db_path = NULL;
static int page_size = 500;
static int pending = 0;
static int count = 200;
static int rows = 10000;
static int rounds = 3;
static int server_rows = 0;
static int round_number = 0;
static double idle_seconds = 1.0;

static GOptionEntry entries[] = {
  { "mode", 0, 0, G_OPTION_ARG_STRING, &mode, "sync, raw, incremental, creates, query or idle", "MODE" },
  { "url", 0, 0, G_OPTION_ARG_STRING, &url, "PocketBase base URL", "URL" },
  { "collection", 0, 0, G_OPTION_ARG_STRING, &collection, "Collection to sync (records)", "NAME" },
  { "owner", 0, 0, G_OPTION_ARG_STRING, &owner, "Owner id: the scope key", "ID" },
  { "auth-collection", 0, 0, G_OPTION_ARG_STRING, &auth_collection, "Auth collection (users)", "NAME" },
  { "identity", 0, 0, G_OPTION_ARG_STRING, &identity, "Login e-mail", "EMAIL" },
  { "password", 0, 0, G_OPTION_ARG_STRING, &password, "Login password", "PASSWORD" },
  { "db", 0, 0, G_OPTION_ARG_FILENAME, &db_path, "Database file", "PATH" },
  { "page-size", 0, 0, G_OPTION_ARG_INT, &page_size, "Records per page", "N" },
  { "pending", 0, 0, G_OPTION_ARG_INT, &pending, "Operations queued before the creates", "N" },
  { "count", 0, 0, G_OPTION_ARG_INT, &count, "Creates to time", "N" },
  { "rows", 0, 0, G_OPTION_ARG_INT, &rows, "Records in the queried scope", "N" },
  { "rounds", 0, 0, G_OPTION_ARG_INT, &rounds, "Queries of each kind", "N" },
  { "server-rows", 0, 0, G_OPTION_ARG_INT, &server_rows, "Rows scripts/bench loaded", "N" },
  { "round", 0, 0, G_OPTION_ARG_INT, &round_number, "Round number: which rows change", "N" },
  { "seconds", 0, 0, G_OPTION_ARG_DOUBLE, &idle_seconds, "How long the idle mode runs", "S" },
  { NULL }
};

/* ~200 bytes of JSON, as a notes app might write. */
static char *
make_payload (int i)
{
  return g_strdup_printf ("{\"title\":\"Note %08d: lorem ipsum dolor sit amet, consectetur adipiscing "
                          "elit, sed do eiusmod tempor incididunt ut labore et dolore magna.\","
                          "\"n\":%d,\"done\":%s,\"tag\":\"bench\"}",
                          i, i, i % 2 ? "true" : "false");
}

static gint64
now_us (void)
{
  return g_get_monotonic_time ();
}

/* --- waiting for async calls on the default main context --------------- */

static void
store_result (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
  g_main_context_wakeup (NULL);
}

static GAsyncResult *
await (GAsyncResult **slot)
{
  while (*slot == NULL)
    g_main_context_iteration (NULL, TRUE);
  return g_steal_pointer (slot);
}

static void
die_on_error (const char *what,
              GError     *error)
{
  if (error != NULL)
    g_error ("%s: %s", what, error->message);
}

/* --- the main loop's longest stall --------------------------------------- */

/* A high-priority 1 ms timeout: the gap between two of its runs is how long
 * the main loop could not run anything. */
typedef struct
{
  gint64 last;
  gint64 worst;
} Stall;

static gboolean
stall_tick (gpointer user_data)
{
  Stall *stall = user_data;
  gint64 now = now_us ();

  stall->worst = MAX (stall->worst, now - stall->last);
  stall->last = now;
  return G_SOURCE_CONTINUE;
}

static GSource *
stall_watch (Stall *stall)
{
  GSource *ticker = g_timeout_source_new (1);

  g_source_set_priority (ticker, G_PRIORITY_HIGH);
  g_source_set_callback (ticker, stall_tick, stall, NULL);
  stall->last = now_us ();
  g_source_attach (ticker, NULL);
  return ticker;
}

static void
stall_unwatch (Stall   *stall,
               GSource *ticker)
{
  stall_tick (stall);
  g_source_destroy (ticker);
  g_source_unref (ticker);
}

/* --- idle: the stall of a main loop with nothing to do ------------------- */

static gboolean
set_done (gpointer user_data)
{
  *(gboolean *) user_data = TRUE;
  return G_SOURCE_REMOVE;
}

static int
run_idle (void)
{
  Stall stall = { 0, 0 };
  GSource *ticker = stall_watch (&stall);
  gboolean done = FALSE;

  g_timeout_add ((guint) (idle_seconds * 1000), set_done, &done);
  while (!done)
    g_main_context_iteration (NULL, TRUE);
  stall_unwatch (&stall, ticker);
  g_print ("{\"seconds\": %.6f, \"stall_ms\": %.3f}\n", idle_seconds, stall.worst / 1e3);
  return 0;
}

/* --- sync ---------------------------------------------------------------- */

static JustSyncScope *
owner_scope (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *text = g_strdup_printf ("%s?owner=%s", collection, owner);
  JustSyncScope *scope = just_sync_scope_parse (text, &error);

  die_on_error ("scope", error);
  return scope;
}

static void
close_store (JustSyncSqliteStore *store)
{
  GAsyncResult *result = NULL;
  g_autoptr(GAsyncResult) done = NULL;
  g_autoptr(GError) error = NULL;

  just_sync_sqlite_store_close_async (store, NULL, store_result, &result);
  done = await (&result);
  just_sync_sqlite_store_close_finish (store, done, &error);
  die_on_error ("close", error);
}

/* Drops the last reference and lets the orchestrator's work in flight
 * (a refresh of its counts, say) end, before its store is closed. */
static void
drop_orchestrator (JustSyncOrchestrator **orchestrator)
{
  JustSyncOrchestrator *gone = *orchestrator;

  g_object_add_weak_pointer (G_OBJECT (gone), (gpointer *) &gone);
  g_clear_object (orchestrator);
  while (gone != NULL)
    g_main_context_iteration (NULL, TRUE);
}

typedef struct
{
  JustSyncSqliteStore *store;
  JustSyncOrchestrator *orchestrator;
  JustSyncScope *scope;
} Client;

static void
client_open (Client *client)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JustSyncPocketbaseStore) remote = just_sync_pocketbase_store_new (url);

  client->store = just_sync_sqlite_store_new_sync (db_path, FALSE, NULL, &error);
  die_on_error ("open", error);
  just_sync_pocketbase_store_set_credentials (remote, auth_collection, identity, password);
  just_sync_pocketbase_store_set_page_size (remote, page_size);
  client->orchestrator = just_sync_orchestrator_new (JUST_SYNC_LOCAL_STORE (client->store),
                                                     JUST_SYNC_REMOTE_STORE (remote), NULL);
  client->scope = owner_scope ();
}

/* One synchronization; returns its time in seconds. */
static double
client_sync (Client *client,
             Stall  *stall,
             guint  *out_pulled)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JustSyncSyncResult) synced = NULL;
  g_autoptr(GAsyncResult) done = NULL;
  GAsyncResult *result = NULL;
  GSource *ticker;
  gint64 start, elapsed;

  ticker = stall_watch (stall);
  start = stall->last;
  just_sync_orchestrator_synchronize_async (client->orchestrator, client->scope, NULL,
                                            store_result, &result);
  done = await (&result);
  synced = just_sync_orchestrator_synchronize_finish (client->orchestrator, done, &error);
  elapsed = now_us () - start;
  stall_unwatch (stall, ticker);
  die_on_error ("synchronize", error);
  *out_pulled = just_sync_sync_result_get_pulled (synced);
  return elapsed / 1e6;
}

static void
client_close (Client *client)
{
  drop_orchestrator (&client->orchestrator);
  close_store (client->store);
  g_clear_object (&client->store);
  g_clear_pointer (&client->scope, just_sync_scope_unref);
}

static int
run_sync (void)
{
  Client client = { NULL, };
  Stall stall = { 0, 0 };
  guint pulled;
  double seconds;

  client_open (&client);
  seconds = client_sync (&client, &stall, &pulled);
  g_print ("{\"seconds\": %.6f, \"pulled\": %u, \"stall_ms\": %.3f}\n",
           seconds, pulled, stall.worst / 1e3);
  client_close (&client);
  return 0;
}

/* --- raw: the limit ------------------------------------------------------ */

typedef struct
{
  SoupSession *session;
  sqlite3 *db;
  sqlite3_stmt *insert;
  sqlite3_stmt *checkpoint;
  char *token;
  guint pulled;
  gint64 client_us;                 /* in the page callbacks: parse, insert */
  gboolean finished;
} Raw;

static void
sql_check (sqlite3 *db,
           int      rc,
           int      expected)
{
  if (rc != expected)
    g_error ("SQLite: %s", sqlite3_errmsg (db));
}

static void
sql_exec (sqlite3    *db,
          const char *sql)
{
  sql_check (db, sqlite3_exec (db, sql, NULL, NULL, NULL), SQLITE_OK);
}

static sqlite3 *
sql_open (const char *path,
          const char *synchronous)
{
  g_autofree char *pragma = g_strdup_printf ("PRAGMA journal_mode = WAL; PRAGMA synchronous = %s",
                                             synchronous);
  sqlite3 *db = NULL;

  sql_check (db, sqlite3_open (path, &db), SQLITE_OK);
  sql_exec (db, pragma);
  return db;
}

static sqlite3_stmt *
sql_prepare (sqlite3    *db,
             const char *sql)
{
  sqlite3_stmt *stmt = NULL;

  sql_check (db, sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL), SQLITE_OK);
  return stmt;
}

static void
sql_step (sqlite3      *db,
          sqlite3_stmt *stmt)
{
  sql_check (db, sqlite3_step (stmt), SQLITE_DONE);
  sqlite3_reset (stmt);
}

static JsonNode *
parse_reply (SoupMessage  *message,
             GBytes       *body,
             GError       *error)
{
  g_autoptr(JsonParser) parser = json_parser_new_immutable ();
  gsize size;
  const char *data;

  die_on_error ("HTTP", error);
  data = g_bytes_get_data (body, &size);
  if (soup_message_get_status (message) != SOUP_STATUS_OK)
    g_error ("HTTP %u: %.*s", soup_message_get_status (message), (int) size, data);
  if (!json_parser_load_from_data (parser, data, size, &error))
    die_on_error ("JSON", error);
  return json_node_ref (json_parser_get_root (parser));
}

static void raw_fetch (Raw        *raw,
                       const char *updated,
                       const char *id);

static void
raw_page_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  Raw *raw = user_data;
  gint64 start = now_us ();
  SoupMessage *message = soup_session_get_async_result_message (raw->session, result);
  GError *error = NULL;
  g_autoptr(GBytes) body = soup_session_send_and_read_finish (raw->session, result, &error);
  g_autoptr(JsonNode) root = parse_reply (message, body, error);
  JsonArray *items = json_object_get_array_member (json_node_get_object (root), "items");
  guint n = json_array_get_length (items);
  JsonObject *last = n > 0 ? json_array_get_object_element (items, n - 1) : NULL;

  /* Pipelined: the server works on the next page while this one is written. */
  if (n == (guint) page_size)
    raw_fetch (raw, json_object_get_string_member (last, "updated"),
               json_object_get_string_member (last, "id"));

  sql_exec (raw->db, "BEGIN IMMEDIATE");
  for (guint i = 0; i < n; i++)
    {
      JsonNode *item = json_array_get_element (items, i);
      JsonObject *object = json_node_get_object (item);
      g_autofree char *payload = json_to_string (item, FALSE);

      sqlite3_bind_text (raw->insert, 1, json_object_get_string_member (object, "id"), -1,
                         SQLITE_STATIC);
      sqlite3_bind_text (raw->insert, 2, payload, -1, SQLITE_STATIC);
      sqlite3_bind_text (raw->insert, 3, json_object_get_string_member (object, "updated"), -1,
                         SQLITE_STATIC);
      sql_step (raw->db, raw->insert);
    }
  if (last != NULL)
    {
      sqlite3_bind_text (raw->checkpoint, 1, json_object_get_string_member (last, "updated"), -1,
                         SQLITE_STATIC);
      sqlite3_bind_text (raw->checkpoint, 2, json_object_get_string_member (last, "id"), -1,
                         SQLITE_STATIC);
      sql_step (raw->db, raw->checkpoint);
    }
  sql_exec (raw->db, "COMMIT");
  raw->pulled += n;
  raw->client_us += now_us () - start;
  if (n < (guint) page_size)
    {
      raw->finished = TRUE;
      g_main_context_wakeup (NULL);
    }
}

/* A PocketBase filter string literal. */
static void
append_literal (GString    *filter,
                const char *value)
{
  g_string_append_c (filter, '"');
  for (const char *p = value; *p != '\0'; p++)
    {
      if (*p == '"' || *p == '\\')
        g_string_append_c (filter, '\\');
      g_string_append_c (filter, *p);
    }
  g_string_append_c (filter, '"');
}

/* The keyset page after (@updated, @id), in the seekable form. */
static void
raw_fetch (Raw        *raw,
           const char *updated,
           const char *id)
{
  g_autoptr(GString) filter = g_string_new ("owner = ");
  g_autofree char *escaped = NULL;
  g_autofree char *uri = NULL;
  g_autoptr(SoupMessage) message = NULL;

  append_literal (filter, owner);
  if (updated != NULL)
    {
      g_string_append (filter, " && updated >= ");
      append_literal (filter, updated);
      g_string_append (filter, " && (updated > ");
      append_literal (filter, updated);
      g_string_append (filter, " || id > ");
      append_literal (filter, id);
      g_string_append (filter, ")");
    }
  escaped = g_uri_escape_string (filter->str, NULL, FALSE);
  uri = g_strdup_printf ("%s/api/collections/%s/records?filter=%s&sort=updated,id"
                         "&skipTotal=1&perPage=%d", url, collection, escaped, page_size);
  message = soup_message_new ("GET", uri);
  soup_message_headers_replace (soup_message_get_request_headers (message), "Authorization",
                                raw->token);
  soup_session_send_and_read_async (raw->session, message, G_PRIORITY_DEFAULT, NULL,
                                    raw_page_cb, raw);
}

static char *
raw_login (SoupSession *session)
{
  g_autofree char *uri = g_strdup_printf ("%s/api/collections/%s/auth-with-password",
                                          url, auth_collection);
  g_autoptr(SoupMessage) message = soup_message_new ("POST", uri);
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) request = NULL;
  g_autoptr(JsonNode) reply = NULL;
  g_autoptr(GBytes) body = NULL;
  g_autofree char *json = NULL;
  GError *error = NULL;
  gsize length;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "identity");
  json_builder_add_string_value (builder, identity);
  json_builder_set_member_name (builder, "password");
  json_builder_add_string_value (builder, password);
  json_builder_end_object (builder);
  request = json_builder_get_root (builder);
  json = json_to_string (request, FALSE);
  length = strlen (json);
  soup_message_set_request_body_from_bytes (message, "application/json",
                                            g_bytes_new_take (g_steal_pointer (&json), length));
  body = soup_session_send_and_read (session, message, NULL, &error);
  reply = parse_reply (message, body, error);
  return g_strdup (json_object_get_string_member (json_node_get_object (reply), "token"));
}

static int
run_raw (void)
{
  Raw raw = { NULL, };
  gint64 start, elapsed;

  g_unlink (db_path);
  raw.session = soup_session_new ();
  raw.db = sql_open (db_path, "NORMAL");
  sql_exec (raw.db, "CREATE TABLE records (id TEXT PRIMARY KEY, payload TEXT NOT NULL, "
                    "updated TEXT NOT NULL);"
                    "CREATE TABLE checkpoint (k INTEGER PRIMARY KEY CHECK (k = 0), "
                    "updated TEXT NOT NULL, id TEXT NOT NULL)");
  raw.insert = sql_prepare (raw.db, "INSERT INTO records (id, payload, updated) VALUES (?1, ?2, ?3) "
                                    "ON CONFLICT (id) DO UPDATE SET payload = excluded.payload, "
                                    "updated = excluded.updated");
  raw.checkpoint = sql_prepare (raw.db, "INSERT OR REPLACE INTO checkpoint (k, updated, id) "
                                        "VALUES (0, ?1, ?2)");

  start = now_us ();
  raw.token = raw_login (raw.session);
  raw_fetch (&raw, NULL, NULL);
  while (!raw.finished)
    g_main_context_iteration (NULL, TRUE);
  elapsed = now_us () - start;

  g_print ("{\"seconds\": %.6f, \"pulled\": %u, \"client_s\": %.6f}\n",
           elapsed / 1e6, raw.pulled, raw.client_us / 1e6);
  sqlite3_finalize (raw.insert);
  sqlite3_finalize (raw.checkpoint);
  sqlite3_close (raw.db);
  g_free (raw.token);
  g_object_unref (raw.session);
  return 0;
}

/* --- incremental -------------------------------------------------------- */

#define CHANGES 10

/* Edits CHANGES rows of the server through its API, as another device
 * would: rows "b%014d" of the @server_rows that scripts/bench loaded. */
static void
change_rows (int round_index)
{
  g_autoptr(SoupSession) session = soup_session_new ();
  g_autofree char *token = raw_login (session);

  for (int k = 0; k < CHANGES; k++)
    {
      int i = (int) (((gint64) k * server_rows / CHANGES + round_index + 1) % server_rows);
      g_autofree char *uri = g_strdup_printf ("%s/api/collections/%s/records/b%014d",
                                              url, collection, i);
      g_autofree char *body = g_strdup_printf ("{\"title\":\"changed in round %d\",\"n\":%d}",
                                               round_index, -i);
      g_autoptr(SoupMessage) message = soup_message_new ("PATCH", uri);
      g_autoptr(GBytes) reply = NULL;
      g_autoptr(JsonNode) root = NULL;
      GError *error = NULL;
      gsize length = strlen (body);

      soup_message_headers_replace (soup_message_get_request_headers (message), "Authorization",
                                    token);
      soup_message_set_request_body_from_bytes (message, "application/json",
                                                g_bytes_new_take (g_steal_pointer (&body), length));
      reply = soup_session_send_and_read (session, message, NULL, &error);
      root = parse_reply (message, reply, error);
    }
}

static int
compare_double (gconstpointer a,
                gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return x < y ? -1 : x > y;
}

#define REPEATS 3

/* A synced store: one untimed sync (it logs in), then REPEATS times a
 * timed sync with no change on the server, CHANGES edits and a timed sync
 * of them; the medians are reported, so that one hiccup of a shared
 * machine does not make the round. */
static int
run_incremental (void)
{
  Client client = { NULL, };
  Stall stall = { 0, 0 };
  guint warm, unchanged = 0, changed = CHANGES;
  double nochange_s[REPEATS], changes_s[REPEATS];

  client_open (&client);
  client_sync (&client, &stall, &warm);
  for (int r = 0; r < REPEATS; r++)
    {
      guint pulled;

      nochange_s[r] = client_sync (&client, &stall, &pulled);
      unchanged = MAX (unchanged, pulled);
      change_rows (round_number * REPEATS + r);
      changes_s[r] = client_sync (&client, &stall, &pulled);
      changed = MIN (changed, pulled);
    }
  qsort (nochange_s, REPEATS, sizeof (double), compare_double);
  qsort (changes_s, REPEATS, sizeof (double), compare_double);
  g_print ("{\"nochange_s\": %.6f, \"changes_s\": %.6f, \"pulled\": [%u, %u, %u]}\n",
           nochange_s[REPEATS / 2], changes_s[REPEATS / 2], warm, unchanged, changed);
  client_close (&client);
  return 0;
}

/* --- creates ------------------------------------------------------------- */

static int
compare_int64 (gconstpointer a,
               gconstpointer b)
{
  gint64 x = *(const gint64 *) a, y = *(const gint64 *) b;

  return x < y ? -1 : x > y;
}

static double
percentile_ms (GArray *latencies,
               int     p)
{
  g_array_sort (latencies, compare_int64);
  return g_array_index (latencies, gint64, (latencies->len - 1) * p / 100) / 1e3;
}

static JustSyncScope *
bench_scope (void)
{
  g_autoptr(GError) error = NULL;
  JustSyncScope *scope = just_sync_scope_new ("notes", &error);

  die_on_error ("scope", error);
  return scope;
}

/* Queues @n operations: local upserts, 10,000 to a transaction. */
static void
queue_ops (JustSyncSqliteStore *store,
           JustSyncScope       *scope,
           int                  n)
{
  for (int first = 0; first < n; first += 10000)
    {
      g_autoptr(GPtrArray) records = g_ptr_array_new_with_free_func ((GDestroyNotify) just_sync_record_unref);
      g_autoptr(GPtrArray) ops = NULL;
      g_autoptr(GAsyncResult) done = NULL;
      g_autoptr(GError) error = NULL;
      GAsyncResult *result = NULL;

      for (int i = first; i < MIN (n, first + 10000); i++)
        {
          g_autofree char *id = g_strdup_printf ("queued%09d", i);
          g_autofree char *json = make_payload (i);

          g_ptr_array_add (records, just_sync_record_new_from_data (id, json, g_get_real_time (), 0,
                                                                    &error));
          die_on_error ("record", error);
        }
      just_sync_local_store_upsert_many_async (JUST_SYNC_LOCAL_STORE (store), scope, records, NULL,
                                               store_result, &result);
      done = await (&result);
      ops = just_sync_local_store_upsert_many_finish (JUST_SYNC_LOCAL_STORE (store), done, &error);
      die_on_error ("queue", error);
    }
}

#define WARM_UP 5

/* What a create writes, done by hand: the record and its queued op. */
static void
raw_write (sqlite3      *db,
           sqlite3_stmt *insert_record,
           sqlite3_stmt *insert_op,
           const char   *id,
           const char   *json)
{
  sqlite3_bind_text (insert_record, 1, id, -1, SQLITE_STATIC);
  sqlite3_bind_text (insert_record, 2, json, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (insert_record, 3, g_get_real_time ());
  sql_step (db, insert_record);
  sqlite3_bind_text (insert_op, 1, id, -1, SQLITE_STATIC);
  sqlite3_bind_text (insert_op, 2, json, -1, SQLITE_STATIC);
  sql_step (db, insert_op);
}

static int
run_creates (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JustSyncScope) scope = bench_scope ();
  g_autoptr(JustSyncSqliteStore) store = NULL;
  g_autoptr(JustSyncMemoryRemoteStore) remote = just_sync_memory_remote_store_new ();
  g_autoptr(JustSyncOrchestrator) orchestrator = NULL;
  g_autoptr(GArray) lib = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(GArray) raw = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autofree char *raw_path = g_strconcat (db_path, ".raw", NULL);
  sqlite3 *db;
  sqlite3_stmt *insert_record, *insert_op;

  /* The queue is filled fast, then the store is reopened durable. */
  store = just_sync_sqlite_store_new_sync (db_path, FALSE, NULL, &error);
  die_on_error ("open", error);
  queue_ops (store, scope, pending);
  close_store (store);
  g_clear_object (&store);
  store = just_sync_sqlite_store_new_sync (db_path, TRUE, NULL, &error);
  die_on_error ("open durable", error);
  /* Offline: the queued operations stay queued. */
  just_sync_memory_remote_store_set_reachable (remote, FALSE);
  orchestrator = just_sync_orchestrator_new (JUST_SYNC_LOCAL_STORE (store),
                                             JUST_SYNC_REMOTE_STORE (remote), NULL);

  g_unlink (raw_path);
  db = sql_open (raw_path, "FULL");
  sql_exec (db, "CREATE TABLE records (id TEXT PRIMARY KEY, payload TEXT NOT NULL, updated INTEGER);"
                "CREATE TABLE ops (seq INTEGER PRIMARY KEY, record_id TEXT NOT NULL, "
                "payload TEXT NOT NULL, state TEXT NOT NULL)");
  insert_record = sql_prepare (db, "INSERT INTO records (id, payload, updated) VALUES (?1, ?2, ?3)");
  insert_op = sql_prepare (db, "INSERT INTO ops (record_id, payload, state) VALUES (?1, ?2, 'queued')");
  sql_exec (db, "BEGIN");
  for (int i = 0; i < pending; i++)
    {
      g_autofree char *id = g_strdup_printf ("queued%09d", i);
      g_autofree char *json = make_payload (i);

      raw_write (db, insert_record, insert_op, id, json);
    }
  sql_exec (db, "COMMIT");

  /* The first WARM_UP writes of each are not counted. */
  for (int i = -WARM_UP; i < count; i++)
    {
      g_autofree char *json = make_payload (i);
      g_autofree char *id = g_strdup_printf ("created%09d", i + WARM_UP);
      g_autoptr(JsonNode) node = json_from_string (json, NULL);
      g_autoptr(JustSyncRecord) record = NULL;
      g_autoptr(GAsyncResult) done = NULL;
      GAsyncResult *result = NULL;
      gint64 start, latency;

      start = now_us ();
      just_sync_orchestrator_create_async (orchestrator, scope, NULL, json_node_get_object (node),
                                           NULL, store_result, &result);
      done = await (&result);
      record = just_sync_orchestrator_create_finish (orchestrator, done, &error);
      latency = now_us () - start;
      die_on_error ("create", error);
      if (i >= 0)
        g_array_append_val (lib, latency);

      start = now_us ();
      sql_exec (db, "BEGIN IMMEDIATE");
      raw_write (db, insert_record, insert_op, id, json);
      sql_exec (db, "COMMIT");
      latency = now_us () - start;
      if (i >= 0)
        g_array_append_val (raw, latency);
    }

  g_print ("{\"pending\": %u, \"p50_ms\": %.4f, \"p99_ms\": %.4f, "
           "\"raw_p50_ms\": %.4f, \"raw_p99_ms\": %.4f}\n",
           just_sync_orchestrator_get_pending_count (orchestrator),
           percentile_ms (lib, 50), percentile_ms (lib, 99),
           percentile_ms (raw, 50), percentile_ms (raw, 99));
  sqlite3_finalize (insert_record);
  sqlite3_finalize (insert_op);
  sqlite3_close (db);
  drop_orchestrator (&orchestrator);
  close_store (store);
  return 0;
}

/* --- query: in-process and over D-Bus ------------------------------------ */

static GPtrArray *
read_offline (JustSyncOrchestrator *orchestrator,
              JustSyncScope        *scope)
{
  g_autoptr(GAsyncResult) done = NULL;
  g_autoptr(GError) error = NULL;
  GAsyncResult *result = NULL;
  GPtrArray *records;

  just_sync_orchestrator_read_async (orchestrator, scope, JUST_SYNC_READ_OFFLINE_ONLY, NULL,
                                     store_result, &result);
  done = await (&result);
  records = just_sync_orchestrator_read_finish (orchestrator, done, NULL, &error);
  die_on_error ("read", error);
  return records;
}

static guint
dbus_query (GDBusConnection *bus,
            const char      *store_path,
            JustSyncScope   *scope)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) reply = NULL;
  g_autoptr(JsonNode) records = NULL;
  const char *json;

  reply = g_dbus_connection_call_sync (bus, "org.justsync.Sync1", store_path,
                                       "org.justsync.Sync1.Store", "Query",
                                       g_variant_new ("(ssa{sv})", just_sync_scope_to_string (scope),
                                                      "offline-only", NULL),
                                       G_VARIANT_TYPE ("(sa{sv})"), G_DBUS_CALL_FLAGS_NONE,
                                       -1, NULL, &error);
  die_on_error ("Query", error);
  g_variant_get (reply, "(&s@a{sv})", &json, NULL);
  records = json_from_string (json, &error);
  die_on_error ("Query JSON", error);
  return json_array_get_length (json_node_get_array (records));
}

static char *
dbus_open_store (GDBusConnection *bus)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) reply = NULL;
  GVariantBuilder options;
  char *path;

  g_variant_builder_init (&options, G_VARIANT_TYPE_VARDICT);
  g_variant_builder_add (&options, "{sv}", "remote", g_variant_new_string ("memory"));
  g_variant_builder_add (&options, "{sv}", "offline", g_variant_new_boolean (TRUE));
  g_variant_builder_add (&options, "{sv}", "durable", g_variant_new_boolean (FALSE));
  reply = g_dbus_connection_call_sync (bus, "org.justsync.Sync1", "/org/justsync/Sync1",
                                       "org.justsync.Sync1.Manager", "OpenStore",
                                       g_variant_new ("(sa{sv})", "bench", &options),
                                       G_VARIANT_TYPE ("(o)"), G_DBUS_CALL_FLAGS_NONE,
                                       -1, NULL, &error);
  die_on_error ("OpenStore", error);
  g_variant_get (reply, "(o)", &path);
  return path;
}

static int
run_query (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JustSyncScope) scope = bench_scope ();
  g_autoptr(JustSyncSqliteStore) store = NULL;
  g_autoptr(JustSyncMemoryRemoteStore) remote = just_sync_memory_remote_store_new ();
  g_autoptr(JustSyncOrchestrator) orchestrator = NULL;
  g_autoptr(JustSyncSyncResult) synced = NULL;
  g_autoptr(GAsyncResult) done = NULL;
  g_autoptr(GDBusConnection) bus = NULL;
  g_autofree char *dir = g_build_filename (g_get_user_data_dir (), "justsync", "unsandboxed", NULL);
  g_autofree char *path = g_build_filename (dir, "bench.db", NULL);
  g_autofree char *store_path = NULL;
  GAsyncResult *result = NULL;

  /* The daemon's database of the store "bench" of unsandboxed callers,
   * filled by a synchronization: records, no queued operations. */
  g_mkdir_with_parents (dir, 0700);
  store = just_sync_sqlite_store_new_sync (path, FALSE, NULL, &error);
  die_on_error ("open", error);
  for (int i = 0; i < rows; i++)
    {
      g_autofree char *id = g_strdup_printf ("q%09d", i);
      g_autofree char *json = make_payload (i);
      g_autoptr(JsonNode) node = json_from_string (json, NULL);
      g_autoptr(JustSyncRecord) record = NULL;

      record = just_sync_memory_remote_store_server_upsert (remote, scope, id,
                                                            json_node_get_object (node),
                                                            g_get_real_time ());
    }
  orchestrator = just_sync_orchestrator_new (JUST_SYNC_LOCAL_STORE (store),
                                             JUST_SYNC_REMOTE_STORE (remote), NULL);
  just_sync_orchestrator_synchronize_async (orchestrator, scope, NULL, store_result, &result);
  done = await (&result);
  synced = just_sync_orchestrator_synchronize_finish (orchestrator, done, &error);
  die_on_error ("fill", error);
  g_clear_object (&done);           /* the task holds the orchestrator */

  bus = g_bus_get_sync (G_BUS_TYPE_SESSION, NULL, &error);
  die_on_error ("session bus", error);
  store_path = dbus_open_store (bus);

  /* Round -1 warms both up and is not reported. */
  g_print ("{\"rows\": %d, \"rounds_ms\": [", rows);
  for (int r = -1; r < rounds; r++)
    {
      g_autoptr(GPtrArray) records = NULL;
      gint64 start = now_us (), inprocess, dbus;
      guint n;

      records = read_offline (orchestrator, scope);
      inprocess = now_us () - start;
      start = now_us ();
      n = dbus_query (bus, store_path, scope);
      dbus = now_us () - start;
      if (records->len != (guint) rows || n != (guint) rows)
        g_error ("Queries found %u and %u records, not %d", records->len, n, rows);
      if (r >= 0)
        g_print ("%s[%.4f, %.4f]", r > 0 ? ", " : "", inprocess / 1e3, dbus / 1e3);
    }
  g_print ("]}\n");
  drop_orchestrator (&orchestrator);
  close_store (store);
  return 0;
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GOptionContext) context = g_option_context_new ("- JustSync benchmark programs");
  g_autoptr(GError) error = NULL;
  gboolean needs_server;

  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("%s\n", error->message);
      return 2;
    }
  if (collection == NULL)
    collection = g_strdup ("records");
  if (auth_collection == NULL)
    auth_collection = g_strdup ("users");
  needs_server = g_strcmp0 (mode, "sync") == 0 || g_strcmp0 (mode, "raw") == 0 ||
                 g_strcmp0 (mode, "incremental") == 0;
  if (mode == NULL || (needs_server && (url == NULL || owner == NULL || identity == NULL ||
                                        password == NULL)) ||
      (g_strcmp0 (mode, "query") != 0 && g_strcmp0 (mode, "idle") != 0 && db_path == NULL) ||
      idle_seconds <= 0 ||
      (g_strcmp0 (mode, "incremental") == 0 && server_rows < CHANGES) || page_size < 1 || pending < 0 || count < 1 || rows < 1 || rounds < 1)
    {
      g_printerr ("Usage: --mode sync|raw --url URL --owner ID --identity E --password P --db PATH\n"
                  "       --mode incremental ... --server-rows N --round N\n"
                  "       --mode creates --db PATH [--pending N] [--count N]\n"
                  "       --mode query [--rows N] [--rounds N]  (on a bus with justsyncd)\n"
                  "       --mode idle [--seconds S]\n");
      return 2;
    }

  if (strcmp (mode, "sync") == 0)
    return run_sync ();
  if (strcmp (mode, "raw") == 0)
    return run_raw ();
  if (strcmp (mode, "incremental") == 0)
    return run_incremental ();
  if (strcmp (mode, "creates") == 0)
    return run_creates ();
  if (strcmp (mode, "query") == 0)
    return run_query ();
  if (strcmp (mode, "idle") == 0)
    return run_idle ();
  g_printerr ("Unknown mode %s\n", mode);
  return 2;
}
