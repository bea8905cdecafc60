/* sqlite-test-util.c
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "justsync-sqlite-store-private.h"
#include "sqlite-test-util.h"

void
util_store_result (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  GAsyncResult **slot = user_data;

  g_assert_null (*slot);
  *slot = g_object_ref (result);
}

GAsyncResult *
util_await (GAsyncResult **slot)
{
  GMainContext *context = g_main_context_get_thread_default ();

  while (*slot == NULL)
    g_main_context_iteration (context, TRUE);
  return g_steal_pointer (slot);
}

JustSyncScope *
util_scope (const char *name)
{
  g_autoptr(GError) error = NULL;
  JustSyncScope *scope = just_sync_scope_new (name, &error);

  g_assert_no_error (error);
  return scope;
}

JustSyncRecord *
util_record (const char *id,
             const char *json,
             gint64      updated_at)
{
  g_autoptr(GError) error = NULL;
  JustSyncRecord *record = just_sync_record_new_from_data (id, json, updated_at, 0, &error);

  g_assert_no_error (error);
  return record;
}

/* Takes the records. */
GPtrArray *
util_records (JustSyncRecord *first,
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

#define AWAIT_CALL(call) \
  g_autoptr(GAsyncResult) result = NULL; \
  GAsyncResult *pending = NULL; \
  call; \
  result = util_await (&pending)

JustSyncSqliteStore *
util_open (const char  *path,
           gboolean     durable,
           GError     **error)
{
  AWAIT_CALL (just_sync_sqlite_store_new_async (path, durable, NULL, util_store_result, &pending));

  return just_sync_sqlite_store_new_finish (result, error);
}

void
util_close (JustSyncSqliteStore *store)
{
  g_autoptr(GError) error = NULL;
  AWAIT_CALL (just_sync_sqlite_store_close_async (store, NULL, util_store_result, &pending));

  g_assert_true (just_sync_sqlite_store_close_finish (store, result, &error));
  g_assert_no_error (error);
  g_object_unref (store);
}

GPtrArray *
util_query (JustSyncLocalStore *store,
            JustSyncScope      *scope)
{
  g_autoptr(GError) error = NULL;
  GPtrArray *records;
  AWAIT_CALL (just_sync_local_store_query_async (store, scope, NULL, util_store_result, &pending));

  records = just_sync_local_store_query_finish (store, result, &error);
  g_assert_no_error (error);
  return records;
}

GPtrArray *
util_query_since (JustSyncLocalStore *store,
                  JustSyncScope      *scope,
                  gint64              since)
{
  g_autoptr(GError) error = NULL;
  GPtrArray *records;
  AWAIT_CALL (just_sync_local_store_query_since_async (store, scope, since, NULL,
                                                       util_store_result, &pending));

  records = just_sync_local_store_query_since_finish (store, result, &error);
  g_assert_no_error (error);
  return records;
}

JustSyncRecord *
util_get (JustSyncLocalStore *store,
          JustSyncScope      *scope,
          const char         *id)
{
  g_autoptr(GError) error = NULL;
  JustSyncRecord *record;
  AWAIT_CALL (just_sync_local_store_get_async (store, scope, id, NULL,
                                               util_store_result, &pending));

  record = just_sync_local_store_get_finish (store, result, &error);
  g_assert_no_error (error);
  return record;
}

GPtrArray *
util_upsert (JustSyncLocalStore  *store,
             JustSyncScope       *scope,
             GPtrArray           *records,
             GError             **error)
{
  AWAIT_CALL (just_sync_local_store_upsert_many_async (store, scope, records, NULL,
                                                       util_store_result, &pending));

  return just_sync_local_store_upsert_many_finish (store, result, error);
}

GPtrArray *
util_delete (JustSyncLocalStore  *store,
             JustSyncScope       *scope,
             const char * const  *ids,
             gint64               deleted_at,
             GError             **error)
{
  AWAIT_CALL (just_sync_local_store_delete_many_async (store, scope, ids, deleted_at, NULL,
                                                       util_store_result, &pending));

  return just_sync_local_store_delete_many_finish (store, result, error);
}

GPtrArray *
util_list_ops (JustSyncLocalStore *store,
               JustSyncScope      *scope)
{
  g_autoptr(GError) error = NULL;
  GPtrArray *ops;
  AWAIT_CALL (just_sync_local_store_list_pending_ops_async (store, scope, NULL,
                                                            util_store_result, &pending));

  ops = just_sync_local_store_list_pending_ops_finish (store, result, &error);
  g_assert_no_error (error);
  return ops;
}

guint
util_count_ops (JustSyncLocalStore *store,
                JustSyncScope      *scope,
                JustSyncOpState     state)
{
  g_autoptr(GError) error = NULL;
  guint count;
  AWAIT_CALL (just_sync_local_store_count_pending_ops_async (store, scope, state, NULL,
                                                             util_store_result, &pending));

  count = just_sync_local_store_count_pending_ops_finish (store, result, &error);
  g_assert_no_error (error);
  return count;
}

JustSyncApplyResult *
util_apply (JustSyncLocalStore        *store,
            JustSyncScope             *scope,
            JustSyncDelta             *delta,
            JustSyncConflictResolver  *resolver,
            GError                   **error)
{
  AWAIT_CALL (just_sync_local_store_apply_remote_changes_async (store, scope, delta, resolver, NULL,
                                                                util_store_result, &pending));

  return just_sync_local_store_apply_remote_changes_finish (store, result, error);
}

JustSyncApplyResult *
util_commit_push (JustSyncLocalStore  *store,
                  JustSyncScope       *scope,
                  GPtrArray           *results,
                  GError             **error)
{
  AWAIT_CALL (just_sync_local_store_commit_push_results_async (store, scope, results, NULL,
                                                               util_store_result, &pending));

  return just_sync_local_store_commit_push_results_finish (store, result, error);
}

JustSyncSyncPoint *
util_get_sync_point (JustSyncLocalStore *store,
                     JustSyncScope      *scope)
{
  g_autoptr(GError) error = NULL;
  JustSyncSyncPoint *sync_point;
  AWAIT_CALL (just_sync_local_store_get_sync_point_async (store, scope, NULL,
                                                          util_store_result, &pending));

  sync_point = just_sync_local_store_get_sync_point_finish (store, result, &error);
  g_assert_no_error (error);
  return sync_point;
}

void
util_save_sync_point (JustSyncLocalStore *store,
                      JustSyncScope      *scope,
                      JustSyncSyncPoint  *sync_point)
{
  g_autoptr(GError) error = NULL;
  AWAIT_CALL (just_sync_local_store_save_sync_point_async (store, scope, sync_point, NULL,
                                                           util_store_result, &pending));

  g_assert_true (just_sync_local_store_save_sync_point_finish (store, result, &error));
  g_assert_no_error (error);
}

GPtrArray *
util_list_conflicts (JustSyncLocalStore *store,
                     JustSyncScope      *scope)
{
  g_autoptr(GError) error = NULL;
  GPtrArray *conflicts;
  AWAIT_CALL (just_sync_local_store_list_conflicts_async (store, scope, NULL,
                                                          util_store_result, &pending));

  conflicts = just_sync_local_store_list_conflicts_finish (store, result, &error);
  g_assert_no_error (error);
  return conflicts;
}

guint
util_retry_failed (JustSyncLocalStore *store,
                   JustSyncScope      *scope)
{
  g_autoptr(GError) error = NULL;
  guint count;
  AWAIT_CALL (just_sync_local_store_retry_failed_ops_async (store, scope, NULL,
                                                            util_store_result, &pending));

  count = just_sync_local_store_retry_failed_ops_finish (store, result, &error);
  g_assert_no_error (error);
  return count;
}

guint
util_discard_failed (JustSyncLocalStore *store,
                     JustSyncScope      *scope)
{
  g_autoptr(GError) error = NULL;
  guint count;
  AWAIT_CALL (just_sync_local_store_discard_failed_ops_async (store, scope, NULL,
                                                              util_store_result, &pending));

  count = just_sync_local_store_discard_failed_ops_finish (store, result, &error);
  g_assert_no_error (error);
  return count;
}

guint
util_prune_missing (JustSyncLocalStore *store,
                    JustSyncScope      *scope,
                    const char * const *keep_ids)
{
  g_autoptr(GError) error = NULL;
  guint count;
  AWAIT_CALL (just_sync_local_store_prune_missing_async (store, scope, keep_ids, NULL,
                                                         util_store_result, &pending));

  count = just_sync_local_store_prune_missing_finish (store, result, &error);
  g_assert_no_error (error);
  return count;
}

char *
util_sql (JustSyncSqliteStore *store,
          const char          *sql)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) rows = _just_sync_sqlite_store_run_sql (store, sql, &error);

  g_assert_no_error (error);
  return rows->len > 0 ? g_strdup (g_ptr_array_index (rows, 0)) : NULL;
}
