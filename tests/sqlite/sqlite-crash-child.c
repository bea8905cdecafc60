/* sqlite-crash-child.c: writes to a SQLite store in a loop until it is
 * killed, acknowledging each committed write on stdout. Driven by
 * test-sqlite-crash, which kills it at random moments.
 *
 * Usage: sqlite-crash-child PATH FIRST-N
 *
 * Lines, each printed once the write's callback ran:
 *   W ID N SEQ      an app upsert of ID with payload {"n": N}, op SEQ
 *   X ID            ID was created and then deleted (two app writes)
 *   p ID SEQ        about to acknowledge a push of op SEQ (printed before)
 *   P ID SEQ        the push acknowledgement committed
 *   A K             remote page K and its sync point committed
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include <stdio.h>
#include <stdlib.h>

#include "sqlite-crash-common.h"
#include "sqlite-test-util.h"

static void
say (const char *format,
     ...) G_GNUC_PRINTF (1, 2);

static void
say (const char *format,
     ...)
{
  va_list args;

  va_start (args, format);
  vprintf (format, args);
  va_end (args);
  putchar ('\n');
  fflush (stdout);
}

static void
upsert (JustSyncLocalStore *store,
        JustSyncScope      *scope,
        const char         *id,
        gint64              n)
{
  g_autofree char *json = g_strdup_printf ("{\"n\": %" G_GINT64_FORMAT ", \"pad\": \"%s\"}", n,
                                           "some padding so that pages fill up a little faster");
  g_autoptr(GPtrArray) records =
    just_sync_test_records (just_sync_test_record (id, json, CRASH_BASE_TIME + n), NULL);
  g_autoptr(GPtrArray) ops = NULL;
  g_autoptr(GError) error = NULL;

  ops = just_sync_test_local_upsert (store, scope, records, &error);
  g_assert_no_error (error);
  say ("W %s %" G_GINT64_FORMAT " %" G_GINT64_FORMAT, id, n,
       just_sync_pending_op_get_seq (g_ptr_array_index (ops, 0)));
}

static void
create_and_delete (JustSyncLocalStore *store,
                   JustSyncScope      *scope,
                   gint64              n)
{
  g_autofree char *id = g_strdup_printf ("x%" G_GINT64_FORMAT, n);
  const char *ids[] = { id, NULL };
  g_autoptr(GPtrArray) records =
    just_sync_test_records (just_sync_test_record (id, "{}", CRASH_BASE_TIME + n), NULL);
  g_autoptr(GPtrArray) ops = NULL, deleted = NULL;
  g_autoptr(GError) error = NULL;

  ops = just_sync_test_local_upsert (store, scope, records, &error);
  g_assert_no_error (error);
  deleted = just_sync_test_local_delete (store, scope, ids, CRASH_BASE_TIME + n + 1, &error);
  g_assert_no_error (error);
  say ("X %s", id);
}

static void
push_oldest (JustSyncLocalStore *store,
             JustSyncScope      *scope,
             gint64              n)
{
  g_autoptr(GPtrArray) ops = just_sync_test_local_list_ops (store, scope);
  g_autoptr(GPtrArray) results = NULL;
  g_autoptr(JustSyncRecord) reply = NULL;
  g_autoptr(JustSyncApplyResult) acked = NULL;
  g_autoptr(GError) error = NULL;
  JustSyncPendingOp *op;
  const char *id;
  gint64 seq;

  if (ops->len == 0)
    return;

  op = g_ptr_array_index (ops, 0);
  id = just_sync_pending_op_get_record_id (op);
  seq = just_sync_pending_op_get_seq (op);
  reply = just_sync_record_with_updated_at (just_sync_pending_op_get_record (op),
                                            CRASH_BASE_TIME + n);
  results = g_ptr_array_new_with_free_func ((GDestroyNotify) just_sync_push_result_unref);
  g_ptr_array_add (results, just_sync_push_result_new_written (seq, reply));

  say ("p %s %" G_GINT64_FORMAT, id, seq);
  acked = just_sync_test_local_commit_push (store, scope, results, &error);
  g_assert_no_error (error);
  say ("P %s %" G_GINT64_FORMAT, id, seq);
}

static void
apply_page (JustSyncLocalStore       *store,
            JustSyncScope            *scope,
            JustSyncConflictResolver *resolver,
            gint64                    page)
{
  g_autoptr(JustSyncDelta) delta = just_sync_delta_new (crash_page_time (page, CRASH_PAGE_ROWS));
  g_autoptr(JustSyncApplyResult) applied = NULL;
  g_autoptr(GError) error = NULL;

  for (guint row = 0; row < CRASH_PAGE_ROWS; row++)
    {
      g_autofree char *id = crash_page_id (page, row);
      g_autofree char *json = g_strdup_printf ("{\"page\": %" G_GINT64_FORMAT "}", page);
      g_autoptr(JustSyncRecord) record =
        just_sync_test_record (id, json, crash_page_time (page, row));

      just_sync_delta_add (delta, record);
    }

  applied = just_sync_test_local_apply (store, scope, delta, resolver, &error);
  g_assert_no_error (error);
  say ("A %" G_GINT64_FORMAT, page);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(JustSyncSqliteStore) store = NULL;
  g_autoptr(JustSyncScope) scope = NULL;
  g_autoptr(JustSyncConflictResolver) resolver = just_sync_last_write_wins_resolver_new ();
  g_autoptr(JustSyncSyncPoint) sync_point = NULL;
  g_autoptr(GError) error = NULL;
  JustSyncLocalStore *local;
  gint64 n, page, deadline;

  if (argc != 3)
    {
      g_printerr ("Usage: %s PATH FIRST-N\n", argv[0]);
      return 2;
    }
  n = g_ascii_strtoll (argv[2], NULL, 10);

  store = util_open (argv[1], FALSE, &error);
  g_assert_no_error (error);
  local = JUST_SYNC_LOCAL_STORE (store);
  scope = crash_scope ();

  /* Go on from the page after the stored sync point. */
  sync_point = just_sync_test_local_get_sync_point (local, scope);
  page = sync_point != NULL ? crash_page_of (sync_point) + 1 : 0;

  /* Never outlive a test that forgot us. */
  deadline = g_get_monotonic_time () + 20 * G_USEC_PER_SEC;
  for (gint64 i = 0; g_get_monotonic_time () < deadline; i++, n++)
    {
      g_autofree char *id = g_strdup_printf ("w%" G_GINT64_FORMAT, i % 20);

      upsert (local, scope, id, n);
      if (i % 3 == 0)
        apply_page (local, scope, resolver, page++);
      if (i % 4 == 0)
        push_oldest (local, scope, n);
      if (i % 5 == 0)
        create_and_delete (local, scope, n);
    }

  return 0;
}
