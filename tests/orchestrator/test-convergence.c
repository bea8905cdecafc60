/* test-convergence.c: randomized convergence of several clients
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Several clients, each with its own local store and orchestrator, edit a
 * handful of records offline and online, and sync through one shared memory
 * server whose clock stamps equal times, which commits some writes late with
 * older stamps, and which fails calls before or after their writes (lost
 * replies). After a final round of syncs every client must equal the server
 * and hold no pending change, and no acknowledged local write may be lost:
 * each one reached the server, or is recorded as the loser of a conflict,
 * or was replaced by a later write of the same client to the same record.
 *
 * JUSTSYNC_SEEDS sets how many seeds run (default 200); JUSTSYNC_SEED=N runs
 * seed N alone, to replay a failure. Each seed is announced before it runs.
 */

#include "test-support.h"

#define N_CLIENTS 3
#define N_IDS 6
#define N_STEPS 60
#define MS (G_GINT64_CONSTANT (1000))

/* A remote store that forwards to the memory server and logs which local
 * writes reached it, even when the reply was lost. */

#define TEST_TYPE_LOGGING_REMOTE (test_logging_remote_get_type ())
G_DECLARE_FINAL_TYPE (TestLoggingRemote, test_logging_remote, TEST, LOGGING_REMOTE, GObject)

struct _TestLoggingRemote
{
  GObject parent_instance;
  JustSyncMemoryRemoteStore *server;
  GHashTable *written;         /* write identity -> TRUE */
};

static void logging_remote_iface_init (JustSyncRemoteStoreInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (TestLoggingRemote, test_logging_remote, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (JUST_SYNC_TYPE_REMOTE_STORE, logging_remote_iface_init))

/* A write's identity: the "w" member of an upsert, the deletion time of a
 * delete (unique per client delete). */
static char *
write_identity (JustSyncRecord *record)
{
  JsonObject *payload = just_sync_record_get_payload (record);

  if (just_sync_record_is_deleted (record))
    return g_strdup_printf ("d%" G_GINT64_FORMAT, just_sync_record_get_deleted_at (record));
  if (json_object_has_member (payload, "w"))
    return g_strdup_printf ("w%" G_GINT64_FORMAT, json_object_get_int_member (payload, "w"));
  return NULL;
}

typedef struct
{
  JustSyncScope *scope;
  GPtrArray *ops;
} PushData;

static void
push_data_free (PushData *data)
{
  just_sync_scope_unref (data->scope);
  g_ptr_array_unref (data->ops);
  g_free (data);
}

static void
log_op (TestLoggingRemote *self,
        JustSyncPendingOp *op)
{
  char *id = write_identity (just_sync_pending_op_get_record (op));

  if (id != NULL)
    g_hash_table_replace (self->written, id, GINT_TO_POINTER (TRUE));
}

static void
push_done_cb (GObject      *object,
              GAsyncResult *res,
              gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  TestLoggingRemote *self = g_task_get_source_object (task);
  PushData *data = g_task_get_task_data (task);
  JustSyncRemoteStore *server = JUST_SYNC_REMOTE_STORE (object);
  GError *error = NULL;
  GPtrArray *results;

  if (just_sync_pending_op_get_kind (g_ptr_array_index (data->ops, 0)) == JUST_SYNC_OP_UPSERT)
    results = just_sync_remote_store_batch_upsert_finish (server, res, &error);
  else
    results = just_sync_remote_store_batch_delete_finish (server, res, &error);

  for (guint i = 0; i < data->ops->len; i++)
    {
      JustSyncPendingOp *op = g_ptr_array_index (data->ops, i);
      g_autoptr(JustSyncRecord) now = NULL;

      if (results != NULL)
        {
          for (guint j = 0; j < results->len; j++)
            if (just_sync_push_result_get_seq (g_ptr_array_index (results, j)) == just_sync_pending_op_get_seq (op) &&
                just_sync_push_result_get_status (g_ptr_array_index (results, j)) == JUST_SYNC_PUSH_WRITTEN)
              log_op (self, op);
          continue;
        }

      /* The reply was lost: did the write land? */
      now = just_sync_memory_remote_store_server_get (self->server, data->scope,
                                                      just_sync_pending_op_get_record_id (op));
      if (now != NULL && just_sync_record_content_covers (now, just_sync_pending_op_get_record (op)))
        log_op (self, op);
    }

  if (results == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, results, (GDestroyNotify) g_ptr_array_unref);
}

static void
push_async (JustSyncRemoteStore *store,
            JustSyncScope       *scope,
            GPtrArray           *ops,
            GCancellable        *cancellable,
            GAsyncReadyCallback  callback,
            gpointer             user_data)
{
  TestLoggingRemote *self = TEST_LOGGING_REMOTE (store);
  GTask *task = g_task_new (self, cancellable, callback, user_data);
  PushData *data = g_new0 (PushData, 1);

  data->scope = just_sync_scope_ref (scope);
  data->ops = g_ptr_array_ref (ops);
  g_task_set_task_data (task, data, (GDestroyNotify) push_data_free);
  if (just_sync_pending_op_get_kind (g_ptr_array_index (ops, 0)) == JUST_SYNC_OP_UPSERT)
    just_sync_remote_store_batch_upsert_async (JUST_SYNC_REMOTE_STORE (self->server), scope, ops,
                                               cancellable, push_done_cb, task);
  else
    just_sync_remote_store_batch_delete_async (JUST_SYNC_REMOTE_STORE (self->server), scope, ops,
                                               cancellable, push_done_cb, task);
}

static GPtrArray *
push_finish (JustSyncRemoteStore  *store,
             GAsyncResult         *result,
             GError              **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
fetch_done_cb (GObject      *object,
               GAsyncResult *res,
               gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  TestLoggingRemote *self = g_task_get_source_object (task);
  GError *error = NULL;
  JustSyncDelta *delta;

  delta = just_sync_remote_store_fetch_since_finish (JUST_SYNC_REMOTE_STORE (object), res, &error);
  if (delta == NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  /* A client whose delete meets another client's tombstone takes it as its
   * own echo: the record is deleted on the server either way. */
  for (guint i = 0; i < just_sync_delta_get_records (delta)->len; i++)
    {
      JustSyncRecord *record = g_ptr_array_index (just_sync_delta_get_records (delta), i);

      if (just_sync_record_is_deleted (record))
        g_hash_table_replace (self->written, g_strdup_printf ("tombstone:%s", just_sync_record_get_id (record)),
                              GINT_TO_POINTER (TRUE));
    }
  g_task_return_pointer (task, delta, (GDestroyNotify) just_sync_delta_unref);
}

static void
fetch_since_async (JustSyncRemoteStore *store,
                   JustSyncScope       *scope,
                   JustSyncSyncPoint   *since,
                   guint                limit,
                   GCancellable        *cancellable,
                   GAsyncReadyCallback  callback,
                   gpointer             user_data)
{
  GTask *task = g_task_new (store, cancellable, callback, user_data);

  just_sync_remote_store_fetch_since_async (JUST_SYNC_REMOTE_STORE (TEST_LOGGING_REMOTE (store)->server),
                                            scope, since, limit, cancellable, fetch_done_cb, task);
}

static JustSyncDelta *
fetch_since_finish (JustSyncRemoteStore  *store,
                    GAsyncResult         *result,
                    GError              **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
server_time_async (JustSyncRemoteStore *store,
                   GCancellable        *cancellable,
                   GAsyncReadyCallback  callback,
                   gpointer             user_data)
{
  just_sync_remote_store_get_server_time_async (JUST_SYNC_REMOTE_STORE (TEST_LOGGING_REMOTE (store)->server),
                                                cancellable, callback, user_data);
}

static gint64
server_time_finish (JustSyncRemoteStore  *store,
                    GAsyncResult         *result,
                    GError              **error)
{
  return just_sync_remote_store_get_server_time_finish (JUST_SYNC_REMOTE_STORE (TEST_LOGGING_REMOTE (store)->server),
                                                        result, error);
}

static void
logging_remote_iface_init (JustSyncRemoteStoreInterface *iface)
{
  iface->fetch_since_async = fetch_since_async;
  iface->fetch_since_finish = fetch_since_finish;
  iface->batch_upsert_async = push_async;
  iface->batch_upsert_finish = push_finish;
  iface->batch_delete_async = push_async;
  iface->batch_delete_finish = push_finish;
  iface->get_server_time_async = server_time_async;
  iface->get_server_time_finish = server_time_finish;
}

static void
test_logging_remote_finalize (GObject *object)
{
  TestLoggingRemote *self = TEST_LOGGING_REMOTE (object);

  g_clear_object (&self->server);
  g_clear_pointer (&self->written, g_hash_table_unref);
  G_OBJECT_CLASS (test_logging_remote_parent_class)->finalize (object);
}

static void
test_logging_remote_class_init (TestLoggingRemoteClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = test_logging_remote_finalize;
}

static void
test_logging_remote_init (TestLoggingRemote *self)
{
  self->server = just_sync_test_remote_new ();
  self->written = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
}

/* The simulation */

typedef struct
{
  JustSyncLocalStore *local;
  JustSyncOrchestrator *orchestrator;
  TestNetworkMonitor *monitor;
  /* Identities of this client's acknowledged writes, per record, in order. */
  GPtrArray *writes[N_IDS];
} SimClient;

typedef JustSyncLocalStore *(*LocalStoreFactory) (void);

static const char *
record_id (guint i)
{
  static const char *ids[N_IDS] = { "a", "b", "c", "d", "e", "f" };

  return ids[i];
}

static void
sync_quietly (SimClient     *client,
              JustSyncScope *scope)
{
  g_autoptr(JustSyncSyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  /* Injected failures make syncs fail; the next one repairs. */
  result = test_sync (client->orchestrator, scope, &error);
  if (error != NULL)
    g_assert_true (just_sync_error_is_transient (error));
}

/* Creates or updates @id. A background sync (the network came back, say)
 * may insert or delete the row between our look and our write, so a
 * refused create becomes an update and a refused update a create. */
static JustSyncRecord *
put_record (SimClient     *client,
            JustSyncScope *scope,
            const char    *id,
            const char    *json,
            gboolean       create)
{
  g_autoptr(JsonObject) payload = just_sync_test_payload (json);

  for (guint attempt = 0; attempt < 4; attempt++, create = !create)
    {
      g_autoptr(GError) error = NULL;
      JustSyncRecord *record;

      if (create)
        record = JUST_SYNC_TEST_AWAIT (just_sync_orchestrator_create, client->orchestrator, &error,
                                       scope, id, payload);
      else
        record = JUST_SYNC_TEST_AWAIT (just_sync_orchestrator_update, client->orchestrator, &error,
                                       scope, id, payload);
      if (record != NULL)
        return record;
      g_assert_true (g_error_matches (error, JUST_SYNC_ERROR, JUST_SYNC_ERROR_INVALID_ARGUMENT) ||
                     g_error_matches (error, JUST_SYNC_ERROR, JUST_SYNC_ERROR_NOT_FOUND));
    }
  g_assert_not_reached ();
}

static void
client_write (SimClient     *client,
              JustSyncScope *scope,
              guint          which,
              gint64        *next_write,
              GRand         *rand)
{
  g_autoptr(JustSyncRecord) existing =
    just_sync_test_local_get (client->local, scope, record_id (which));
  gboolean live = existing != NULL && !just_sync_record_is_deleted (existing);

  if (live && g_rand_int_range (rand, 0, 5) == 0)
    {
      g_autoptr(JustSyncRecord) tombstone = NULL;

      test_delete (client->orchestrator, scope, record_id (which));
      tombstone = just_sync_test_local_get (client->local, scope, record_id (which));
      g_ptr_array_add (client->writes[which], write_identity (tombstone));
    }
  else
    {
      gint64 w = (*next_write)++;
      g_autofree char *json = g_strdup_printf ("{\"title\": \"t%" G_GINT64_FORMAT "\", \"w\": %" G_GINT64_FORMAT "}", w, w);
      g_autoptr(JustSyncRecord) record = put_record (client, scope, record_id (which), json, !live);

      g_ptr_array_add (client->writes[which], write_identity (record));
    }
}

static gboolean
is_conflict_loser (SimClient     *clients,
                   JustSyncScope *scope,
                   const char    *identity)
{
  for (guint c = 0; c < N_CLIENTS; c++)
    {
      g_autoptr(GPtrArray) conflicts =
        just_sync_test_local_list_conflicts (clients[c].local, scope);

      for (guint i = 0; i < conflicts->len; i++)
        {
          g_autofree char *loser = write_identity (just_sync_conflict_get_loser (g_ptr_array_index (conflicts, i)));

          if (g_strcmp0 (loser, identity) == 0)
            return TRUE;
        }
    }
  return FALSE;
}

static char *
live_state (GPtrArray *records)
{
  GString *state = g_string_new (NULL);

  for (guint i = 0; i < records->len; i++)
    {
      JustSyncRecord *record = g_ptr_array_index (records, i);
      g_autofree char *payload = NULL;

      if (just_sync_record_is_deleted (record))
        continue;
      payload = just_sync_record_dup_payload_data (record);
      g_string_append_printf (state, "%s=%s\n", just_sync_record_get_id (record), payload);
    }
  return g_string_free (state, FALSE);
}

static int
compare_ids (gconstpointer a,
             gconstpointer b)
{
  return g_strcmp0 (just_sync_record_get_id (*(JustSyncRecord **) a),
                    just_sync_record_get_id (*(JustSyncRecord **) b));
}

static void
run_seed (guint32           seed,
          LocalStoreFactory new_local_store)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (seed);
  g_autoptr(TestLoggingRemote) remote = g_object_new (TEST_TYPE_LOGGING_REMOTE, NULL);
  g_autoptr(JustSyncScope) scope = just_sync_test_scope ("records", "owner", "u1", NULL);
  g_autoptr(GPtrArray) server_rows = NULL;
  g_autofree char *server_state = NULL;
  SimClient clients[N_CLIENTS] = { { 0 } };
  gint64 clock = G_GINT64_CONSTANT (1700000000000000);
  gint64 next_write = 1;

  g_test_message ("seed %u (replay with JUSTSYNC_SEED=%u)", seed, seed);
  just_sync_test_remote_set_clock (remote->server, clock);

  for (guint c = 0; c < N_CLIENTS; c++)
    {
      clients[c].local = new_local_store ();
      clients[c].monitor = test_network_monitor_new (TRUE);
      clients[c].orchestrator = test_orchestrator_new (clients[c].local,
                                                       JUST_SYNC_REMOTE_STORE (remote),
                                                       clients[c].monitor);
      g_object_set (clients[c].orchestrator,
                    "page-size", 1 + g_rand_int_range (rand, 0, 4),
                    "push-batch-size", 1 + g_rand_int_range (rand, 0, 3),
                    NULL);
      for (guint i = 0; i < N_IDS; i++)
        clients[c].writes[i] = g_ptr_array_new_with_free_func (g_free);
    }

  for (guint step = 0; step < N_STEPS; step++)
    {
      SimClient *client = &clients[g_rand_int_range (rand, 0, N_CLIENTS)];
      guint action = g_rand_int_range (rand, 0, 100);
      static const gint64 ticks[] = { 0, 0, 1, 1, 2, 5 };

      clock += ticks[g_rand_int_range (rand, 0, G_N_ELEMENTS (ticks))] * MS;
      just_sync_test_remote_set_clock (remote->server, clock);

      if (action < 45)
        client_write (client, scope, g_rand_int_range (rand, 0, N_IDS), &next_write, rand);
      else if (action < 80)
        {
          if (g_network_monitor_get_network_available (G_NETWORK_MONITOR (client->monitor)))
            sync_quietly (client, scope);
        }
      else if (action < 87)
        just_sync_test_remote_fail_calls (remote->server, 1 + g_rand_int_range (rand, 0, 2),
                                                  g_rand_boolean (rand) ? JUST_SYNC_ERROR_NETWORK
                                                                        : JUST_SYNC_ERROR_SERVER,
                                                  g_rand_boolean (rand));
      else if (action < 94)
        test_network_monitor_set_available (client->monitor,
                                            !g_network_monitor_get_network_available (G_NETWORK_MONITOR (client->monitor)));
      else
        {
          /* Another writer's transaction commits late, stamped earlier. */
          gint64 w = next_write++;
          g_autofree char *json = g_strdup_printf ("{\"title\": \"late%" G_GINT64_FORMAT "\", \"w\": %" G_GINT64_FORMAT "}", w, w);
          g_autoptr(JsonObject) payload = just_sync_test_payload (json);
          g_autoptr(JustSyncRecord) late = NULL;

          late = just_sync_memory_remote_store_server_upsert (remote->server, scope,
                                                              record_id (g_rand_int_range (rand, 0, N_IDS)),
                                                              payload, clock - g_rand_int_range (rand, 1, 6) * MS);
        }
    }

  /* Quiescence: everyone online, no more failures, a few rounds. */
  just_sync_test_remote_fail_calls (remote->server, 0, JUST_SYNC_ERROR_NETWORK, FALSE);
  for (guint c = 0; c < N_CLIENTS; c++)
    test_network_monitor_set_available (clients[c].monitor, TRUE);
  for (guint round = 0; round < 3; round++)
    for (guint c = 0; c < N_CLIENTS; c++)
      {
        clock += MS;
        just_sync_test_remote_set_clock (remote->server, clock);
        sync_quietly (&clients[c], scope);
      }

  server_rows = just_sync_memory_remote_store_server_list (remote->server, scope);
  g_ptr_array_sort (server_rows, compare_ids);
  server_state = live_state (server_rows);

  for (guint c = 0; c < N_CLIENTS; c++)
    {
      g_autoptr(GPtrArray) local_rows = just_sync_test_local_query (clients[c].local, scope);
      g_autoptr(GPtrArray) ops = just_sync_test_local_list_ops (clients[c].local, scope);
      g_autofree char *local_state = live_state (local_rows);

      if (g_strcmp0 (local_state, server_state) != 0 || ops->len != 0)
        g_printerr ("seed %u: client %u diverged (replay with JUSTSYNC_SEED=%u)\n", seed, c, seed);
      g_assert_cmpstr (local_state, ==, server_state);
      g_assert_cmpuint (ops->len, ==, 0);
    }

  /* No acknowledged write lost (rule 6). */
  for (guint c = 0; c < N_CLIENTS; c++)
    for (guint i = 0; i < N_IDS; i++)
      {
        GPtrArray *writes = clients[c].writes[i];
        gboolean later_ok = FALSE;

        for (guint k = writes->len; k > 0; k--)
          {
            const char *identity = g_ptr_array_index (writes, k - 1);
            g_autofree char *tombstone = g_strdup_printf ("tombstone:%s", record_id (i));
            gboolean ok = later_ok ||
                          g_hash_table_contains (remote->written, identity) ||
                          (identity[0] == 'd' && g_hash_table_contains (remote->written, tombstone)) ||
                          is_conflict_loser (clients, scope, identity);

            if (!ok)
              g_printerr ("seed %u: client %u lost write %s of %s (replay with JUSTSYNC_SEED=%u)\n",
                          seed, c, identity, record_id (i), seed);
            g_assert_true (ok);
            later_ok = TRUE;
          }
      }

  for (guint c = 0; c < N_CLIENTS; c++)
    {
      g_clear_object (&clients[c].orchestrator);
      g_clear_object (&clients[c].local);
      g_clear_object (&clients[c].monitor);
      for (guint i = 0; i < N_IDS; i++)
        g_ptr_array_unref (clients[c].writes[i]);
    }
}

static void
test_convergence (gconstpointer data)
{
  const char *one = g_getenv ("JUSTSYNC_SEED");
  const char *count = g_getenv ("JUSTSYNC_SEEDS");
  guint n = count != NULL ? (guint) g_ascii_strtoull (count, NULL, 10) : 200;

  if (one != NULL)
    {
      run_seed ((guint32) g_ascii_strtoull (one, NULL, 10), (LocalStoreFactory) data);
      return;
    }
  for (guint seed = 1; seed <= n; seed++)
    run_seed (seed, (LocalStoreFactory) data);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_data_func ("/convergence/memory", (gconstpointer) just_sync_memory_local_store_new,
                        test_convergence);
  /* What the product runs on: each client its own SQLite file. */
  g_test_add_data_func ("/convergence/sqlite", (gconstpointer) test_new_sqlite_store, test_convergence);

  return g_test_run ();
}
