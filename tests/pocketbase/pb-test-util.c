/* pb-test-util.c: helpers for the PocketBase store's tests
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <string.h>

#include "pb-test-util.h"

const char *
pb_env (const char *name)
{
  const char *value = g_getenv (name);

  if (value == NULL)
    g_error ("%s is not set: run this test under tests/servers/pocketbase/pb-harness", name);
  return value;
}

static const char *
pb_env_for (const char *who,
            const char *what)
{
  g_autofree char *name = g_strdup_printf ("JUSTSYNC_PB_%s_%s", who, what);

  return pb_env (name);
}

JustSyncPocketbaseStore *
pb_store_new (const char *url,
              const char *who)
{
  JustSyncPocketbaseStore *store = just_sync_pocketbase_store_new (url != NULL ? url : pb_env ("JUSTSYNC_PB_URL"));

  if (strcmp (who, "ADMIN") == 0)
    just_sync_pocketbase_store_set_credentials (store, "_superusers", pb_env ("JUSTSYNC_PB_ADMIN"),
                                                pb_env ("JUSTSYNC_PB_PASSWORD"));
  else
    just_sync_pocketbase_store_set_credentials (store, pb_env_for (who, "COLLECTION"),
                                                pb_env_for (who, "EMAIL"), pb_env_for (who, "PASSWORD"));
  return store;
}

JustSyncScope *
pb_scope (const char *text)
{
  g_autoptr(GError) error = NULL;
  JustSyncScope *scope = just_sync_scope_parse (text, &error);

  g_assert_no_error (error);
  return scope;
}

JustSyncScope *
pb_user_scope (const char *collection,
               const char *who,
               const char *tag)
{
  const char *id = pb_env_for (who, "ID");
  g_autoptr(JustSyncScope) base = pb_scope (collection);
  g_autoptr(JustSyncScope) scope = NULL;
  g_autoptr(JustSyncScope) tagged = NULL;
  g_autoptr(GError) error = NULL;

  scope = just_sync_scope_with_key (base, "owner", id, &error);
  g_assert_no_error (error);
  if (tag == NULL)
    return g_steal_pointer (&scope);
  tagged = just_sync_scope_with_key (scope, "tag", tag, &error);
  g_assert_no_error (error);
  return g_steal_pointer (&tagged);
}

JustSyncPendingOp *
pb_upsert_op (gint64      seq,
              const char *id,
              const char *json,
              const char *base_version)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JustSyncRecord) record = just_sync_record_new_from_data (id, json, g_get_real_time (), 0, &error);

  g_assert_no_error (error);
  return just_sync_pending_op_new (seq, JUST_SYNC_OP_UPSERT, record, base_version, 0,
                                   JUST_SYNC_OP_STATE_QUEUED, NULL);
}

JustSyncPendingOp *
pb_delete_op (gint64      seq,
              const char *id)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JustSyncRecord) tombstone = just_sync_record_new_tombstone (id, g_get_real_time (), &error);

  g_assert_no_error (error);
  return just_sync_pending_op_new (seq, JUST_SYNC_OP_DELETE, tombstone, NULL, 0,
                                   JUST_SYNC_OP_STATE_QUEUED, NULL);
}

static gpointer
find_by_id (GPtrArray     *array,
            const char *(*get_id) (gpointer item),
            const char    *id)
{
  for (guint i = 0; i < array->len; i++)
    if (strcmp (get_id (g_ptr_array_index (array, i)), id) == 0)
      return g_ptr_array_index (array, i);
  return NULL;
}

JustSyncPushResult *
pb_find_result (GPtrArray  *results,
                const char *id)
{
  return find_by_id (results, (const char *(*) (gpointer)) just_sync_push_result_get_record_id, id);
}

JustSyncRecord *
pb_find_record (GPtrArray  *records,
                const char *id)
{
  return find_by_id (records, (const char *(*) (gpointer)) just_sync_record_get_id, id);
}

JustSyncDelta *
pb_fetch (JustSyncRemoteStore  *store,
          JustSyncScope        *scope,
          JustSyncSyncPoint    *since,
          guint                 limit,
          GError              **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  just_sync_remote_store_fetch_since_async (store, scope, since, limit, NULL,
                                            http_test_result_cb, &result);
  return just_sync_remote_store_fetch_since_finish (store, http_test_wait (&result), error);
}

GPtrArray *
pb_upsert (JustSyncRemoteStore  *store,
           JustSyncScope        *scope,
           GPtrArray            *ops,
           GError              **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  just_sync_remote_store_batch_upsert_async (store, scope, ops, NULL, http_test_result_cb, &result);
  return just_sync_remote_store_batch_upsert_finish (store, http_test_wait (&result), error);
}

GPtrArray *
pb_delete (JustSyncRemoteStore  *store,
           JustSyncScope        *scope,
           GPtrArray            *ops,
           GError              **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  just_sync_remote_store_batch_delete_async (store, scope, ops, NULL, http_test_result_cb, &result);
  return just_sync_remote_store_batch_delete_finish (store, http_test_wait (&result), error);
}

gint64
pb_server_time (JustSyncRemoteStore  *store,
                GError              **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  just_sync_remote_store_get_server_time_async (store, NULL, http_test_result_cb, &result);
  return just_sync_remote_store_get_server_time_finish (store, http_test_wait (&result), error);
}

GPtrArray *
pb_fetch_all (JustSyncRemoteStore  *store,
              JustSyncScope        *scope,
              guint                 limit,
              guint                *out_pages,
              GError              **error)
{
  g_autoptr(GPtrArray) records = g_ptr_array_new_with_free_func ((GDestroyNotify) just_sync_record_unref);
  g_autoptr(JustSyncSyncPoint) since = NULL;
  guint pages = 0;

  for (;;)
    {
      g_autoptr(JustSyncDelta) delta = pb_fetch (store, scope, since, limit, error);
      GPtrArray *page;

      if (delta == NULL)
        return NULL;
      pages++;
      page = just_sync_delta_get_records (delta);
      for (guint i = 0; i < page->len; i++)
        g_ptr_array_add (records, just_sync_record_ref (g_ptr_array_index (page, i)));
      if (!just_sync_delta_get_has_more (delta))
        break;
      g_clear_pointer (&since, just_sync_sync_point_unref);
      since = just_sync_delta_dup_cursor (delta);
      g_assert_nonnull (since);
    }

  if (out_pages != NULL)
    *out_pages = pages;
  return g_steal_pointer (&records);
}
