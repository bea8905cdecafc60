/* sqlite-test-util.c
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "justsync-sqlite-store-private.h"
#include "sqlite-test-util.h"

JustSyncSqliteStore *
util_open (const char  *path,
           gboolean     durable,
           GError     **error)
{
  g_autoptr(GAsyncResult) result = NULL;
  GAsyncResult *pending = NULL;

  just_sync_sqlite_store_new_async (path, durable, NULL, just_sync_test_result_cb, &pending);
  result = just_sync_test_await (&pending);
  return just_sync_sqlite_store_new_finish (result, error);
}

void
util_close (JustSyncSqliteStore *store)
{
  g_assert_true (JUST_SYNC_TEST_AWAIT_OK (just_sync_sqlite_store_close, store));
  g_object_unref (store);
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
