/* offline-demo.c
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Offline writes and a read back with the memory stores: a phone writes
 * notes with no network, reads them back, pushes them when it is online
 * again, and a laptop pulls them. The orchestrator will do the pushing and
 * pulling for an app; here each step is spelled out.
 */

#include <stdio.h>
#include <stdlib.h>

#include <justsync/justsync.h>

/* Every store call is asynchronous; this demo waits for each in turn. */
typedef struct
{
  GMainLoop *loop;
  GAsyncResult *result;
} Wait;

static void
wait_done (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  Wait *wait = user_data;

  wait->result = g_object_ref (result);
  g_main_loop_quit (wait->loop);
}

/* Runs the main loop until wait_done() has the result, which stays
 * valid until wait_reset(). */
static GAsyncResult *
wait_run (Wait *wait)
{
  g_main_loop_run (wait->loop);
  return wait->result;
}

static void
wait_reset (Wait *wait)
{
  g_clear_object (&wait->result);
}

static void
die_on_error (GError *error)
{
  if (error != NULL)
    {
      g_printerr ("offline-demo: %s\n", error->message);
      exit (EXIT_FAILURE);
    }
}

static JustSyncRecord *
note (const char *id,
      const char *json)
{
  GError *error = NULL;
  JustSyncRecord *record = just_sync_record_new_from_data (id, json, just_sync_timestamp_now (), 0,
                                                           &error);

  die_on_error (error);
  return record;
}

static void
print_notes (const char *device,
             GPtrArray  *records)
{
  printf ("  %s has %u note(s):\n", device, records->len);
  for (guint i = 0; i < records->len; i++)
    {
      JustSyncRecord *record = g_ptr_array_index (records, i);
      g_autofree char *data = just_sync_record_dup_payload_data (record);

      printf ("    %s  %s\n", just_sync_record_get_id (record), data);
    }
}

static GPtrArray *
read_notes (JustSyncLocalStore *store,
            JustSyncScope      *scope,
            Wait               *wait)
{
  GError *error = NULL;
  GPtrArray *records;

  just_sync_local_store_query_async (store, scope, NULL, wait_done, wait);
  records = just_sync_local_store_query_finish (store, wait_run (wait), &error);
  wait_reset (wait);
  die_on_error (error);
  return records;
}

static guint
count_pending (JustSyncLocalStore *store,
               Wait               *wait)
{
  GError *error = NULL;
  guint count;

  just_sync_local_store_count_pending_ops_async (store, NULL, JUST_SYNC_OP_STATE_QUEUED, NULL,
                                                 wait_done, wait);
  count = just_sync_local_store_count_pending_ops_finish (store, wait_run (wait), &error);
  wait_reset (wait);
  die_on_error (error);
  return count;
}

/* Sends the queued operations of one kind and records the server's answers. */
static void
push_kind (JustSyncLocalStore  *store,
           JustSyncRemoteStore *remote,
           JustSyncScope       *scope,
           GPtrArray           *ops,
           JustSyncOpKind       kind,
           Wait                *wait)
{
  g_autoptr(GPtrArray) batch = g_ptr_array_new ();
  g_autoptr(GPtrArray) results = NULL;
  g_autoptr(JustSyncApplyResult) committed = NULL;
  GError *error = NULL;

  for (guint i = 0; i < ops->len; i++)
    if (just_sync_pending_op_get_kind (g_ptr_array_index (ops, i)) == kind)
      g_ptr_array_add (batch, g_ptr_array_index (ops, i));
  if (batch->len == 0)
    return;

  if (kind == JUST_SYNC_OP_UPSERT)
    {
      just_sync_remote_store_batch_upsert_async (remote, scope, batch, NULL, wait_done, wait);
      results = just_sync_remote_store_batch_upsert_finish (remote, wait_run (wait), &error);
    }
  else
    {
      just_sync_remote_store_batch_delete_async (remote, scope, batch, NULL, wait_done, wait);
      results = just_sync_remote_store_batch_delete_finish (remote, wait_run (wait), &error);
    }
  wait_reset (wait);
  die_on_error (error);
  printf ("  pushed %u %s(s)\n", results->len, kind == JUST_SYNC_OP_UPSERT ? "upsert" : "delete");

  just_sync_local_store_commit_push_results_async (store, scope, results, NULL, wait_done, wait);
  committed = just_sync_local_store_commit_push_results_finish (store, wait_run (wait), &error);
  wait_reset (wait);
  die_on_error (error);
}

int
main (void)
{
  g_autoptr(JustSyncLocalStore) phone = just_sync_memory_local_store_new ();
  g_autoptr(JustSyncLocalStore) laptop = just_sync_memory_local_store_new ();
  g_autoptr(JustSyncMemoryRemoteStore) server = just_sync_memory_remote_store_new ();
  g_autoptr(JustSyncConflictResolver) resolver = just_sync_last_write_wins_resolver_new ();
  g_autoptr(JustSyncScope) scope = just_sync_scope_parse ("notes?user=demo", NULL);
  g_autoptr(GMainLoop) loop = g_main_loop_new (NULL, FALSE);
  g_autoptr(GPtrArray) writes = g_ptr_array_new_with_free_func ((GDestroyNotify) just_sync_record_unref);
  g_autoptr(GPtrArray) edits = g_ptr_array_new_with_free_func ((GDestroyNotify) just_sync_record_unref);
  g_autoptr(GPtrArray) queued = NULL;
  g_autoptr(GPtrArray) ops = NULL;
  g_autoptr(GPtrArray) on_phone = NULL;
  g_autoptr(GPtrArray) on_laptop = NULL;
  g_autoptr(JustSyncDelta) page = NULL;
  g_autoptr(JustSyncApplyResult) applied = NULL;
  JustSyncRemoteStore *remote = JUST_SYNC_REMOTE_STORE (server);
  Wait wait = { loop, NULL };
  GError *error = NULL;

  printf ("Scope: %s\n\n", just_sync_scope_to_string (scope));

  printf ("1. The phone is offline and writes three notes, edits one, deletes one.\n");
  g_ptr_array_add (writes, note ("n1", "{\"title\":\"Buy milk\",\"done\":false}"));
  g_ptr_array_add (writes, note ("n2", "{\"title\":\"Call Ada\",\"done\":false}"));
  g_ptr_array_add (writes, note ("n3", "{\"title\":\"Water the plants\",\"done\":false}"));
  just_sync_local_store_upsert_many_async (phone, scope, writes, NULL, wait_done, &wait);
  queued = just_sync_local_store_upsert_many_finish (phone, wait_run (&wait), &error);
  wait_reset (&wait);
  die_on_error (error);
  g_clear_pointer (&queued, g_ptr_array_unref);

  g_ptr_array_add (edits, note ("n1", "{\"title\":\"Buy milk\",\"done\":true}"));
  just_sync_local_store_upsert_many_async (phone, scope, edits, NULL, wait_done, &wait);
  queued = just_sync_local_store_upsert_many_finish (phone, wait_run (&wait), &error);
  wait_reset (&wait);
  die_on_error (error);
  g_clear_pointer (&queued, g_ptr_array_unref);

  just_sync_local_store_delete_many_async (phone, scope, (const char * const[]) { "n2", NULL },
                                           just_sync_timestamp_now (), NULL, wait_done, &wait);
  queued = just_sync_local_store_delete_many_finish (phone, wait_run (&wait), &error);
  wait_reset (&wait);
  die_on_error (error);

  printf ("\n2. Read back, still offline:\n");
  on_phone = read_notes (phone, scope, &wait);
  print_notes ("the phone", on_phone);
  printf ("  %u change(s) wait to be pushed\n", count_pending (phone, &wait));

  printf ("\n3. The phone is online again and pushes its changes:\n");
  just_sync_local_store_list_pending_ops_async (phone, scope, NULL, wait_done, &wait);
  ops = just_sync_local_store_list_pending_ops_finish (phone, wait_run (&wait), &error);
  wait_reset (&wait);
  die_on_error (error);
  push_kind (phone, remote, scope, ops, JUST_SYNC_OP_UPSERT, &wait);
  push_kind (phone, remote, scope, ops, JUST_SYNC_OP_DELETE, &wait);
  printf ("  %u change(s) wait to be pushed\n", count_pending (phone, &wait));

  printf ("\n4. The laptop pulls the scope from the server:\n");
  just_sync_remote_store_fetch_since_async (remote, scope, NULL, 100, NULL, wait_done, &wait);
  page = just_sync_remote_store_fetch_since_finish (remote, wait_run (&wait), &error);
  wait_reset (&wait);
  die_on_error (error);
  just_sync_local_store_apply_remote_changes_async (laptop, scope, page, resolver, NULL, wait_done, &wait);
  applied = just_sync_local_store_apply_remote_changes_finish (laptop, wait_run (&wait), &error);
  wait_reset (&wait);
  die_on_error (error);
  printf ("  %u inserted, %u tombstone(s) seen\n",
          just_sync_apply_result_get_count (applied, JUST_SYNC_APPLY_INSERTED),
          just_sync_delta_get_n_deletes (page));
  on_laptop = read_notes (laptop, scope, &wait);
  print_notes ("the laptop", on_laptop);

  if (on_laptop->len != on_phone->len)
    {
      g_printerr ("offline-demo: the devices disagree\n");
      return EXIT_FAILURE;
    }
  printf ("\nBoth devices hold the same %u note(s).\n", on_laptop->len);
  return EXIT_SUCCESS;
}
