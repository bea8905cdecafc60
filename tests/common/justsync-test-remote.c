/* justsync-test-remote.c: fault injection and server control for
 * JustSyncMemoryRemoteStore, plugged in through its private control hooks,
 * so the installed library carries none of it.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "justsync-memory-remote-store-private.h"
#include "justsync-test-remote.h"

/* How every push of a record is answered instead of written. */
typedef struct
{
  JustSyncPushStatus status;
  char *message;
} Refusal;

typedef struct
{
  GHashTable *refused;              /* id -> Refusal */
  gboolean needs_network;
  gboolean manual_clock;
  gint64 clock;
  guint n_failing_calls;
  JustSyncError failure_code;
  gboolean fail_after_write;
  guint call_count;
  GCancellable *cancel_on_push;
} TestRemote;

static void
refusal_free (Refusal *refusal)
{
  g_free (refusal->message);
  g_free (refusal);
}

static void
test_remote_free (TestRemote *test)
{
  g_hash_table_unref (test->refused);
  g_clear_object (&test->cancel_on_push);
  g_free (test);
}

static gboolean
test_remote_begin_call (gpointer   user_data,
                        GError   **error)
{
  TestRemote *test = user_data;

  test->call_count++;
  if (test->n_failing_calls == 0)
    return TRUE;

  test->n_failing_calls--;
  g_set_error_literal (error, JUST_SYNC_ERROR, test->failure_code,
                       test->fail_after_write
                         ? "Injected failure of the memory remote store after the write"
                         : "Injected failure of the memory remote store");
  return test->fail_after_write;
}

static JustSyncPushStatus
test_remote_push_status (gpointer     user_data,
                         const char  *id,
                         const char **message)
{
  TestRemote *test = user_data;
  Refusal *refusal = g_hash_table_lookup (test->refused, id);

  /* The server is at work on the push: a cancel now comes too late to
   * stop it, and the client reads no reply. */
  if (test->cancel_on_push != NULL)
    {
      g_autoptr(GCancellable) cancellable = g_steal_pointer (&test->cancel_on_push);

      g_cancellable_cancel (cancellable);
    }
  if (refusal == NULL)
    return JUST_SYNC_PUSH_WRITTEN;
  *message = refusal->message;
  return refusal->status;
}

static gint64
test_remote_now (gpointer user_data)
{
  TestRemote *test = user_data;

  return test->manual_clock ? test->clock : 0;
}

static gboolean
test_remote_needs_network (gpointer user_data)
{
  TestRemote *test = user_data;

  return test->needs_network;
}

static const JustSyncMemoryRemoteControl test_remote_control = {
  .begin_call = test_remote_begin_call,
  .push_status = test_remote_push_status,
  .now = test_remote_now,
  .needs_network = test_remote_needs_network,
};

/* The remote's test state, installed on first use. */
static TestRemote *
test_remote_get (JustSyncMemoryRemoteStore *remote)
{
  TestRemote *test = _just_sync_memory_remote_store_get_control_data (remote, &test_remote_control);

  if (test == NULL)
    {
      test = g_new0 (TestRemote, 1);
      test->refused = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                             (GDestroyNotify) refusal_free);
      test->failure_code = JUST_SYNC_ERROR_NETWORK;
      _just_sync_memory_remote_store_set_control (remote, &test_remote_control, test,
                                                  (GDestroyNotify) test_remote_free);
    }
  return test;
}

/* Makes the engine treat the server as one across the network, so the
 * network monitor's state matters. */
void
just_sync_test_remote_set_needs_network (JustSyncMemoryRemoteStore *remote,
                                         gboolean                   needs_network)
{
  test_remote_get (remote)->needs_network = !!needs_network;
}

/* Stops the server's clock at @now: every write stamps that time until the
 * clock is moved or set again, so tests can make equal stamps or a clock
 * that steps back. */
void
just_sync_test_remote_set_clock (JustSyncMemoryRemoteStore *remote,
                                 gint64                     now)
{
  TestRemote *test = test_remote_get (remote);

  g_return_if_fail (just_sync_timestamp_is_valid (now) && now > 0);

  test->manual_clock = TRUE;
  test->clock = now;
}

/* Moves the stopped clock by @delta microseconds; may be negative. */
void
just_sync_test_remote_advance_clock (JustSyncMemoryRemoteStore *remote,
                                     gint64                     delta)
{
  TestRemote *test = test_remote_get (remote);

  g_return_if_fail (test->manual_clock);
  g_return_if_fail (just_sync_timestamp_is_valid (test->clock + delta));

  test->clock += delta;
}

/* Makes the next @n_calls calls of any kind fail with @code: before any
 * work, or (@after_write) after it, as when a server's reply is lost. */
void
just_sync_test_remote_fail_calls (JustSyncMemoryRemoteStore *remote,
                                  guint                      n_calls,
                                  JustSyncError              code,
                                  gboolean                   after_write)
{
  TestRemote *test = test_remote_get (remote);

  test->n_failing_calls = n_calls;
  test->failure_code = code;
  test->fail_after_write = !!after_write;
}

/* Makes every push of @id fail permanently with @message, or, with a NULL
 * @message, be written again. */
void
just_sync_test_remote_reject_id (JustSyncMemoryRemoteStore *remote,
                                 const char                *id,
                                 const char                *message)
{
  just_sync_test_remote_refuse_id (remote, id,
                                   message != NULL ? JUST_SYNC_PUSH_REJECTED : JUST_SYNC_PUSH_WRITTEN,
                                   message);
}

/* Makes every push of @id be answered with @status, unwritten; a status of
 * JUST_SYNC_PUSH_WRITTEN writes its pushes again. */
void
just_sync_test_remote_refuse_id (JustSyncMemoryRemoteStore *remote,
                                 const char                *id,
                                 JustSyncPushStatus         status,
                                 const char                *message)
{
  TestRemote *test = test_remote_get (remote);
  Refusal *refusal;

  g_return_if_fail (id != NULL);
  g_return_if_fail (status <= JUST_SYNC_PUSH_RETRY);

  if (status == JUST_SYNC_PUSH_WRITTEN)
    {
      g_hash_table_remove (test->refused, id);
      return;
    }
  refusal = g_new0 (Refusal, 1);
  refusal->status = status;
  refusal->message = g_strdup (message);
  g_hash_table_replace (test->refused, g_strdup (id), refusal);
}

/* How many calls the server received since the test control was
 * installed (by just_sync_test_remote_new() or the first call of any
 * function here), failed ones included. */
guint
just_sync_test_remote_get_call_count (JustSyncMemoryRemoteStore *remote)
{
  return test_remote_get (remote)->call_count;
}

/* A new in-memory server with the test control installed, so its call
 * count starts at its first call. */
JustSyncMemoryRemoteStore *
just_sync_test_remote_new (void)
{
  JustSyncMemoryRemoteStore *remote = just_sync_memory_remote_store_new ();

  test_remote_get (remote);
  return remote;
}

/* Cancels @cancellable while the server does the work of the next push,
 * as a cancel that lands while the request is out. */
void
just_sync_test_remote_cancel_on_push (JustSyncMemoryRemoteStore *remote,
                                      GCancellable              *cancellable)
{
  TestRemote *test = test_remote_get (remote);

  g_set_object (&test->cancel_on_push, cancellable);
}
