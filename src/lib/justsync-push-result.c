/* justsync-push-result.c
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include "justsync-push-result-private.h"

/**
 * JustSyncPushResult:
 *
 * What a [iface@JustSync.RemoteStore] did with one pending operation of a push:
 * written (with the server's version of the record), a failed precondition,
 * a permanent rejection with the server's message, or a transient failure
 * to retry, perhaps not before a delay the server asked for.
 */

struct _JustSyncPushResult
{
  gatomicrefcount ref_count;
  gint64 seq;
  char *record_id;
  JustSyncPushStatus status;
  JustSyncRecord *reply;
  char *message;
  gint64 retry_after;
};

G_DEFINE_BOXED_TYPE (JustSyncPushResult, just_sync_push_result,
                     just_sync_push_result_ref, just_sync_push_result_unref)

/**
 * just_sync_push_result_new_written:
 * @seq: the sequence number of the pushed operation
 * @reply: the server's version of the record after the write: a tombstone
 *   with the server's times after a soft delete, or a tombstone stamped with
 *   the server's time after a hard delete
 *
 * Reports a successful write.
 *
 * Returns: (transfer full): a new push result
 */
JustSyncPushResult *
just_sync_push_result_new_written (gint64          seq,
                                   JustSyncRecord *reply)
{
  JustSyncPushResult *self;

  g_return_val_if_fail (reply != NULL, NULL);

  self = g_new0 (JustSyncPushResult, 1);
  g_atomic_ref_count_init (&self->ref_count);
  self->seq = seq;
  self->record_id = g_strdup (just_sync_record_get_id (reply));
  self->status = JUST_SYNC_PUSH_WRITTEN;
  self->reply = just_sync_record_ref (reply);
  return self;
}

/**
 * just_sync_push_result_new_failed:
 * @seq: the sequence number of the pushed operation
 * @record_id: the id of its record
 * @status: %JUST_SYNC_PUSH_PRECONDITION_FAILED, %JUST_SYNC_PUSH_REJECTED or
 *   %JUST_SYNC_PUSH_RETRY
 * @message: (nullable): the server's message
 * @retry_after: for %JUST_SYNC_PUSH_RETRY, how long the server asked to
 *   wait in microseconds, or 0
 *
 * Reports an operation that was not written.
 *
 * Returns: (transfer full): a new push result
 */
JustSyncPushResult *
just_sync_push_result_new_failed (gint64              seq,
                                  const char         *record_id,
                                  JustSyncPushStatus  status,
                                  const char         *message,
                                  gint64              retry_after)
{
  JustSyncPushResult *self;

  g_return_val_if_fail (record_id != NULL, NULL);
  g_return_val_if_fail (status != JUST_SYNC_PUSH_WRITTEN, NULL);
  g_return_val_if_fail (retry_after >= 0, NULL);

  self = g_new0 (JustSyncPushResult, 1);
  g_atomic_ref_count_init (&self->ref_count);
  self->seq = seq;
  self->record_id = g_strdup (record_id);
  self->status = status;
  self->message = g_strdup (message);
  self->retry_after = retry_after;
  return self;
}

/**
 * just_sync_push_result_ref:
 * @self: a push result
 *
 * Acquires a reference on @self; release it with
 * [method@JustSync.PushResult.unref].
 *
 * Returns: (transfer full): @self
 */
JustSyncPushResult *
just_sync_push_result_ref (JustSyncPushResult *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  g_atomic_ref_count_inc (&self->ref_count);
  return self;
}

/**
 * just_sync_push_result_unref:
 * @self: (transfer full): a push result
 *
 * Releases a reference.
 */
void
just_sync_push_result_unref (JustSyncPushResult *self)
{
  g_return_if_fail (self != NULL);

  if (g_atomic_ref_count_dec (&self->ref_count))
    {
      g_free (self->record_id);
      g_clear_pointer (&self->reply, just_sync_record_unref);
      g_free (self->message);
      g_free (self);
    }
}

/**
 * just_sync_push_result_get_seq:
 * @self: a push result
 *
 * Gets the sequence number of the pushed operation (see
 * [method@JustSync.PendingOp.get_seq]).
 *
 * Returns: the sequence number of the operation
 */
gint64
just_sync_push_result_get_seq (JustSyncPushResult *self)
{
  g_return_val_if_fail (self != NULL, 0);

  return self->seq;
}

/**
 * just_sync_push_result_get_record_id:
 * @self: a push result
 *
 * Gets the id of the record the operation changed.
 *
 * Returns: the id of the operation's record
 */
const char *
just_sync_push_result_get_record_id (JustSyncPushResult *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->record_id;
}

/**
 * just_sync_push_result_get_status:
 * @self: a push result
 *
 * Gets the outcome of the push for this operation.
 *
 * Returns: what happened to the operation
 */
JustSyncPushStatus
just_sync_push_result_get_status (JustSyncPushResult *self)
{
  g_return_val_if_fail (self != NULL, JUST_SYNC_PUSH_RETRY);

  return self->status;
}

/**
 * just_sync_push_result_get_reply:
 * @self: a push result
 *
 * Gets the record as the server stored it, with the server's time.
 *
 * Returns: (transfer none) (nullable): the server's version of the record
 *   after a successful write
 */
JustSyncRecord *
just_sync_push_result_get_reply (JustSyncPushResult *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->reply;
}

/**
 * just_sync_push_result_get_message:
 * @self: a push result
 *
 * Gets the server's message for a rejected or failed operation.
 *
 * Returns: (nullable): the server's message for a failure
 */
const char *
just_sync_push_result_get_message (JustSyncPushResult *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->message;
}

/**
 * just_sync_push_result_get_retry_after:
 * @self: a push result
 *
 * Gets how long the server asked the client to wait (HTTP `Retry-After`), in
 * microseconds.
 *
 * Returns: how long the server asked to wait before a retry, in
 *   microseconds, or 0
 */
gint64
just_sync_push_result_get_retry_after (JustSyncPushResult *self)
{
  g_return_val_if_fail (self != NULL, 0);

  return self->retry_after;
}

/* @op failed with @status (not written): its result joins @results. */
void
_just_sync_push_results_add_failed (GPtrArray          *results,
                                    JustSyncPendingOp  *op,
                                    JustSyncPushStatus  status,
                                    const char         *message,
                                    gint64              retry_after)
{
  g_ptr_array_add (results,
                   just_sync_push_result_new_failed (just_sync_pending_op_get_seq (op),
                                                     just_sync_pending_op_get_record_id (op),
                                                     status, message, retry_after));
}

/* @op was written; @reply is the server's copy. */
void
_just_sync_push_results_add_written (GPtrArray         *results,
                                     JustSyncPendingOp *op,
                                     JustSyncRecord    *reply)
{
  g_ptr_array_add (results, just_sync_push_result_new_written (just_sync_pending_op_get_seq (op), reply));
}

/* @op deleted its record at @when (the server's time, or 0 when unknown):
 * written, with a tombstone for a reply. */
void
_just_sync_push_results_add_tombstone (GPtrArray         *results,
                                       JustSyncPendingOp *op,
                                       gint64             when)
{
  g_autoptr(JustSyncRecord) tombstone =
    just_sync_record_new_tombstone (just_sync_pending_op_get_record_id (op), MAX (when, 1), NULL);

  _just_sync_push_results_add_written (results, op, tombstone);
}
