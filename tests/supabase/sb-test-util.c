/* sb-test-util.c: helpers for the Supabase store's tests against a server
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <string.h>

#include "sb-test-util.h"

const char *
sb_env (const char *name)
{
  const char *value = g_getenv (name);

  if (value == NULL || value[0] == '\0')
    g_error ("%s is not set: run this test under tests/servers/postgrest/pgrst-harness", name);
  return value;
}

JustSyncSupabaseStore *
sb_store_new (const char *url,
              const char *who)
{
  g_autofree char *token_var = NULL;
  JustSyncSupabaseStore *store;

  store = just_sync_supabase_store_new (url != NULL ? url : sb_env ("JUSTSYNC_SB_URL"),
                                        sb_env ("JUSTSYNC_SB_ANON_KEY"));
  just_sync_supabase_store_set_soft_delete_column (store, "deleted_at");
  if (strcmp (who, "SERVICE") == 0 || strcmp (who, "FROZEN") == 0)
    token_var = g_strdup_printf ("JUSTSYNC_SB_%s_KEY", who);
  else
    token_var = g_strdup_printf ("JUSTSYNC_SB_%s_TOKEN", who);
  just_sync_supabase_store_set_access_token (store, sb_env (token_var));
  return store;
}

JustSyncScope *
sb_user_scope (const char *who,
               const char *tag)
{
  g_autofree char *var = g_strdup_printf ("JUSTSYNC_SB_%s_ID", who);

  return just_sync_test_scope ("records", "owner", sb_env (var), "tag", tag, NULL);
}

JustSyncPendingOp *
sb_upsert_op (gint64      seq,
              const char *id,
              const char *json,
              const char *base_version)
{
  return just_sync_test_op (seq, just_sync_test_record (id, json, just_sync_timestamp_now ()), base_version);
}

JustSyncPendingOp *
sb_delete_op (gint64      seq,
              const char *id,
              const char *base_version)
{
  return just_sync_test_op (seq, just_sync_test_tombstone (id, just_sync_timestamp_now ()), base_version);
}

JustSyncPushResult *
sb_find_result (GPtrArray  *results,
                const char *id)
{
  for (guint i = 0; i < results->len; i++)
    if (g_strcmp0 (just_sync_push_result_get_record_id (g_ptr_array_index (results, i)), id) == 0)
      return g_ptr_array_index (results, i);
  return NULL;
}

GPtrArray *
sb_upsert (JustSyncSupabaseStore  *store,
           JustSyncScope          *scope,
           GPtrArray              *ops,
           GError                **error)
{
  return JUST_SYNC_TEST_AWAIT (just_sync_remote_store_batch_upsert, JUST_SYNC_REMOTE_STORE (store),
                               error, scope, ops);
}

GPtrArray *
sb_delete (JustSyncSupabaseStore  *store,
           JustSyncScope          *scope,
           GPtrArray              *ops,
           GError                **error)
{
  return JUST_SYNC_TEST_AWAIT (just_sync_remote_store_batch_delete, JUST_SYNC_REMOTE_STORE (store),
                               error, scope, ops);
}

GPtrArray *
sb_fetch_all (JustSyncSupabaseStore  *store,
              JustSyncScope          *scope,
              guint                   limit,
              guint                  *out_pages,
              GError                **error)
{
  g_autoptr(GPtrArray) records = g_ptr_array_new_with_free_func ((GDestroyNotify) just_sync_record_unref);
  g_autoptr(JustSyncSyncPoint) cursor = NULL;
  gboolean more = TRUE;
  guint pages = 0;

  while (more)
    {
      g_autoptr(JustSyncDelta) delta = NULL;
      GPtrArray *page;

      delta = JUST_SYNC_TEST_AWAIT (just_sync_remote_store_fetch_since, JUST_SYNC_REMOTE_STORE (store),
                                    error, scope, cursor, limit);
      if (delta == NULL)
        return NULL;
      pages++;
      page = just_sync_delta_get_records (delta);
      more = just_sync_delta_get_has_more (delta);
      g_clear_pointer (&cursor, just_sync_sync_point_unref);
      cursor = just_sync_delta_dup_cursor (delta);
      for (guint i = 0; i < page->len; i++)
        g_ptr_array_add (records, just_sync_record_ref (g_ptr_array_index (page, i)));
      g_assert_true (page->len > 0 || !more);
    }
  if (out_pages != NULL)
    *out_pages = pages;
  return g_steal_pointer (&records);
}
