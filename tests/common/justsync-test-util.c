/* justsync-test-util.c
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "justsync-test-util.h"

/* {{{ Waiting */

static gboolean
set_flag_cb (gpointer user_data)
{
  *(gboolean *) user_data = TRUE;
  return G_SOURCE_REMOVE;
}

typedef gboolean (*Condition) (gpointer data);

/* Runs the thread-default main context until @done returns TRUE or, with a
 * @timeout_ms other than 0, until that many milliseconds passed; returns
 * whether @done held. Without @done, it runs until the timeout. */
static gboolean
iterate_until (Condition done,
               gpointer  data,
               guint     timeout_ms)
{
  GMainContext *context = g_main_context_get_thread_default ();
  g_autoptr(GSource) timeout = NULL;
  gboolean timed_out = FALSE;

  if (timeout_ms > 0)
    {
      timeout = g_timeout_source_new (timeout_ms);
      g_source_set_callback (timeout, set_flag_cb, &timed_out, NULL);
      g_source_attach (timeout, context);
    }
  while ((done == NULL || !done (data)) && !timed_out)
    g_main_context_iteration (context, TRUE);
  if (timeout != NULL)
    g_source_destroy (timeout);
  return done != NULL && done (data);
}

void
just_sync_test_sleep (guint msec)
{
  g_assert_cmpuint (msec, >, 0);
  iterate_until (NULL, NULL, msec);
}

typedef struct
{
  guint *counter;
  guint target;
} Count;

static gboolean
count_reached (gpointer data)
{
  Count *count = data;

  return *count->counter >= count->target;
}

gboolean
just_sync_test_wait_count (guint *counter,
                           guint  target,
                           guint  timeout_ms)
{
  Count count = { counter, target };

  return iterate_until (count_reached, &count, timeout_ms);
}

static gboolean
flag_set (gpointer data)
{
  return *(gboolean *) data;
}

gboolean
just_sync_test_wait_flag (gboolean *flag,
                          guint     timeout_ms)
{
  return iterate_until (flag_set, flag, timeout_ms);
}

void
just_sync_test_result_cb (GObject      *source,
                          GAsyncResult *result,
                          gpointer      user_data)
{
  GAsyncResult **slot = user_data;

  g_assert_nonnull (slot);
  g_assert_null (*slot);
  *slot = g_object_ref (result);
}

static gboolean
slot_filled (gpointer data)
{
  return *(GAsyncResult **) data != NULL;
}

GAsyncResult *
just_sync_test_await (GAsyncResult **slot)
{
  guint timeout_ms = g_test_initialized () ? JUST_SYNC_TEST_AWAIT_TIMEOUT_MS : 0;

  if (!iterate_until (slot_filled, slot, timeout_ms))
    g_error ("An asynchronous call did not complete within %u ms", timeout_ms);
  return g_steal_pointer (slot);
}

/* }}} */
/* {{{ Building blocks */

JsonObject *
just_sync_test_payload (const char *json)
{
  g_autoptr(JsonNode) node = json_from_string (json, NULL);

  g_assert_nonnull (node);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (node));
  return json_node_dup_object (node);
}

JustSyncScope *
just_sync_test_scope (const char *name,
                      ...)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JustSyncScope) scope = just_sync_scope_new (name, &error);
  const char *key;
  va_list args;

  g_assert_no_error (error);
  va_start (args, name);
  while ((key = va_arg (args, const char *)) != NULL)
    {
      const char *value = va_arg (args, const char *);
      JustSyncScope *keyed = just_sync_scope_with_key (scope, key, value, &error);

      g_assert_no_error (error);
      just_sync_scope_unref (scope);
      scope = keyed;
    }
  va_end (args);
  return g_steal_pointer (&scope);
}

JustSyncRecord *
just_sync_test_record (const char *id,
                       const char *json,
                       gint64      updated_at)
{
  g_autoptr(GError) error = NULL;
  JustSyncRecord *record = just_sync_record_new_from_data (id, json, updated_at, 0, &error);

  g_assert_no_error (error);
  g_assert_nonnull (record);
  return record;
}

JustSyncRecord *
just_sync_test_tombstone (const char *id,
                          gint64      deleted_at)
{
  g_autoptr(GError) error = NULL;
  JustSyncRecord *record = just_sync_record_new_tombstone (id, deleted_at, &error);

  g_assert_no_error (error);
  g_assert_nonnull (record);
  return record;
}

GPtrArray *
just_sync_test_records (JustSyncRecord *first,
                        ...)
{
  GPtrArray *records = g_ptr_array_new_with_free_func ((GDestroyNotify) just_sync_record_unref);
  va_list args;

  va_start (args, first);
  for (JustSyncRecord *record = first; record != NULL; record = va_arg (args, JustSyncRecord *))
    g_ptr_array_add (records, record);
  va_end (args);
  return records;
}

JustSyncDelta *
just_sync_test_delta (gint64          server_time,
                      JustSyncRecord *first,
                      ...)
{
  JustSyncDelta *delta = just_sync_delta_new (server_time);
  va_list args;

  va_start (args, first);
  for (JustSyncRecord *record = first; record != NULL; record = va_arg (args, JustSyncRecord *))
    {
      just_sync_delta_add (delta, record);
      just_sync_record_unref (record);
    }
  va_end (args);
  return delta;
}

JustSyncPendingOp *
just_sync_test_op (gint64          seq,
                   JustSyncRecord *record,
                   const char     *base_version)
{
  g_autoptr(JustSyncRecord) owned = record;
  JustSyncOpKind kind = just_sync_record_is_deleted (record) ? JUST_SYNC_OP_DELETE
                                                             : JUST_SYNC_OP_UPSERT;

  return just_sync_pending_op_new (seq, kind, record, base_version, 0, JUST_SYNC_OP_STATE_QUEUED,
                                   NULL);
}

GPtrArray *
just_sync_test_ops_new (void)
{
  return g_ptr_array_new_with_free_func ((GDestroyNotify) just_sync_pending_op_unref);
}

JustSyncRecord *
just_sync_test_find_record (GPtrArray  *records,
                            const char *id)
{
  for (guint i = 0; i < records->len; i++)
    if (g_strcmp0 (just_sync_record_get_id (g_ptr_array_index (records, i)), id) == 0)
      return g_ptr_array_index (records, i);
  return NULL;
}

const char *
just_sync_test_payload_string (JustSyncRecord *record,
                               const char     *member)
{
  JsonObject *payload = just_sync_record_get_payload (record);

  if (!json_object_has_member (payload, member))
    return NULL;
  return json_object_get_string_member (payload, member);
}

/* }}} */
/* {{{ Local store calls */

#define LOCAL(store, method, error, ...) \
  JUST_SYNC_TEST_AWAIT (just_sync_local_store_##method, store, error, ##__VA_ARGS__)
#define LOCAL_OK(store, method, ...) \
  JUST_SYNC_TEST_AWAIT_OK (just_sync_local_store_##method, store, ##__VA_ARGS__)

GPtrArray *
just_sync_test_local_query (JustSyncLocalStore *store,
                            JustSyncScope      *scope)
{
  return LOCAL_OK (store, query, scope);
}

GPtrArray *
just_sync_test_local_query_since (JustSyncLocalStore *store,
                                  JustSyncScope      *scope,
                                  gint64              since)
{
  return LOCAL_OK (store, query_since, scope, since);
}

JustSyncRecord *
just_sync_test_local_get (JustSyncLocalStore *store,
                          JustSyncScope      *scope,
                          const char         *id)
{
  return LOCAL_OK (store, get, scope, id);
}

GPtrArray *
just_sync_test_local_upsert (JustSyncLocalStore  *store,
                             JustSyncScope       *scope,
                             GPtrArray           *records,
                             GError             **error)
{
  return LOCAL (store, upsert_many, error, scope, records);
}

GPtrArray *
just_sync_test_local_delete (JustSyncLocalStore  *store,
                             JustSyncScope       *scope,
                             const char * const  *ids,
                             gint64               deleted_at,
                             GError             **error)
{
  return LOCAL (store, delete_many, error, scope, ids, deleted_at);
}

GPtrArray *
just_sync_test_local_list_ops (JustSyncLocalStore *store,
                               JustSyncScope      *scope)
{
  return LOCAL_OK (store, list_pending_ops, scope);
}

guint
just_sync_test_local_count_ops (JustSyncLocalStore *store,
                                JustSyncScope      *scope,
                                JustSyncOpState     state)
{
  return LOCAL_OK (store, count_pending_ops, scope, state);
}

JustSyncApplyResult *
just_sync_test_local_apply (JustSyncLocalStore        *store,
                            JustSyncScope             *scope,
                            JustSyncDelta             *delta,
                            JustSyncConflictResolver  *resolver,
                            GError                   **error)
{
  return LOCAL (store, apply_remote_changes, error, scope, delta, resolver);
}

JustSyncApplyResult *
just_sync_test_local_commit_push (JustSyncLocalStore  *store,
                                  JustSyncScope       *scope,
                                  GPtrArray           *results,
                                  GError             **error)
{
  return LOCAL (store, commit_push_results, error, scope, results);
}

JustSyncSyncPoint *
just_sync_test_local_get_sync_point (JustSyncLocalStore *store,
                                     JustSyncScope      *scope)
{
  return LOCAL_OK (store, get_sync_point, scope);
}

void
just_sync_test_local_save_sync_point (JustSyncLocalStore *store,
                                      JustSyncScope      *scope,
                                      JustSyncSyncPoint  *sync_point)
{
  g_assert_true (LOCAL_OK (store, save_sync_point, scope, sync_point));
}

GPtrArray *
just_sync_test_local_list_conflicts (JustSyncLocalStore *store,
                                     JustSyncScope      *scope)
{
  return LOCAL_OK (store, list_conflicts, scope);
}

guint
just_sync_test_local_retry_failed (JustSyncLocalStore *store,
                                   JustSyncScope      *scope)
{
  return LOCAL_OK (store, retry_failed_ops, scope);
}

guint
just_sync_test_local_discard_failed (JustSyncLocalStore *store,
                                     JustSyncScope      *scope)
{
  return LOCAL_OK (store, discard_failed_ops, scope);
}

guint
just_sync_test_local_prune_missing (JustSyncLocalStore *store,
                                    JustSyncScope      *scope,
                                    const char * const *keep_ids)
{
  return LOCAL_OK (store, prune_missing, scope, keep_ids);
}

/* }}} */
