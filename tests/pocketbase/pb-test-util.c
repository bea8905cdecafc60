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

  if (tag == NULL)
    return just_sync_test_scope (collection, "owner", id, NULL);
  return just_sync_test_scope (collection, "owner", id, "tag", tag, NULL);
}

JustSyncPendingOp *
pb_upsert_op (gint64      seq,
              const char *id,
              const char *json,
              const char *base_version)
{
  return just_sync_test_op (seq, just_sync_test_record (id, json, g_get_real_time ()),
                            base_version);
}

JustSyncPendingOp *
pb_delete_op (gint64      seq,
              const char *id)
{
  return just_sync_test_op (seq, just_sync_test_tombstone (id, g_get_real_time ()), NULL);
}

JustSyncPushResult *
pb_find_result (GPtrArray  *results,
                const char *id)
{
  for (guint i = 0; i < results->len; i++)
    if (g_strcmp0 (just_sync_push_result_get_record_id (g_ptr_array_index (results, i)), id) == 0)
      return g_ptr_array_index (results, i);
  return NULL;
}

#define REMOTE(store, method, error, ...) \
  JUST_SYNC_TEST_AWAIT (just_sync_remote_store_##method, store, error, ##__VA_ARGS__)

JustSyncDelta *
pb_fetch (JustSyncRemoteStore  *store,
          JustSyncScope        *scope,
          JustSyncSyncPoint    *since,
          guint                 limit,
          GError              **error)
{
  return REMOTE (store, fetch_since, error, scope, since, limit);
}

GPtrArray *
pb_upsert (JustSyncRemoteStore  *store,
           JustSyncScope        *scope,
           GPtrArray            *ops,
           GError              **error)
{
  return REMOTE (store, batch_upsert, error, scope, ops);
}

GPtrArray *
pb_delete (JustSyncRemoteStore  *store,
           JustSyncScope        *scope,
           GPtrArray            *ops,
           GError              **error)
{
  return REMOTE (store, batch_delete, error, scope, ops);
}

gint64
pb_server_time (JustSyncRemoteStore  *store,
                GError              **error)
{
  return REMOTE (store, get_server_time, error);
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
