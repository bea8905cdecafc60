/* justsync-sync-job.c: what one sync of one scope does
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <glib/gi18n-lib.h>

#include "justsync-delta-private.h"
#include "justsync-error.h"
#include "justsync-pending-op-private.h"
#include "justsync-sync-job-private.h"
#include "justsync-sync-result-private.h"

/*
 * A job syncs (or reconciles) one scope, phase by phase, as libsoup's
 * message queue items do: sync_job_advance() runs the current
 * phase, and each asynchronous step's callback records what it got, moves
 * the phase on when the step is complete, and calls it again. Read
 * sync_job_advance() from top to bottom to read a sync.
 *
 * It knows nothing of the orchestrator or the scheduler: it reports
 * through its observer, and ends by calling the function it was started
 * with, then completing every caller that joined it.
 */

struct _JustSyncSyncJob
{
  JustSyncJobPhase phase;
  JustSyncSyncJobConfig config;
  const JustSyncSyncJobObserver *observer;
  GObject *observer_object;
  GMainContext *context;
  JustSyncScope *scope;
  gboolean reconcile;
  GCancellable *cancellable;
  GPtrArray *waiters;              /* GTask */
  JustSyncSyncResult *result;
  GError *error;                   /* why the job failed, once it did */
  JustSyncSyncJobDoneFunc done;
  gpointer done_data;

  gint64 t0;                       /* local time the request out was sent */

  /* Pull: page n is applied while page n + 1 is fetched */
  gint64 pulled_at;
  JustSyncSyncPoint *cursor;       /* where the page after the applied ones starts */
  JustSyncDelta *delta;            /* the page being applied */
  JustSyncDelta *fetched;          /* the next page, fetched and not yet taken */
  GError *fetch_error;             /* why fetching the next page failed */
  gboolean fetching;               /* a fetch is out, holding a reference */
  gint64 first_server_time;
  GPtrArray *seen_ids;             /* reconcile: every id the server has */
  guint pulled;

  /* Push */
  GPtrArray *push_ops;             /* the newest queued op of each record */
  guint push_index;
  GPtrArray *batch;
  GError *push_error;              /* a failed batch, once its attempt is counted */
  gboolean retry_needed;
  GTimeSpan retry_after;           /* the longest wait a server asked for */
  guint n_unacknowledged;          /* sent, and neither written nor rejected */
  gboolean only_preconditions;     /* ...each because another version won */
  char *unacknowledged_message;    /* the server's word on the first */

  /* Count: the operations of every scope as the job leaves them */
  guint n_queued;
  guint n_failed;
  guint n_counted;                 /* 2 once both counts are in */
};

static void sync_job_advance (JustSyncSyncJob *job);

/* Jobs are reference counted (atomically: a waiter's cancellable may be
 * cancelled from another thread) and freed on their context. A started
 * job holds one reference on itself until it is done. */
static void
sync_job_clear (JustSyncSyncJob *job)
{
  g_clear_object (&job->config.local);
  g_clear_object (&job->config.remote);
  g_clear_object (&job->config.resolver);
  g_clear_object (&job->observer_object);
  g_clear_pointer (&job->context, g_main_context_unref);
  g_clear_pointer (&job->scope, just_sync_scope_unref);
  g_clear_object (&job->cancellable);
  g_clear_pointer (&job->waiters, g_ptr_array_unref);
  g_clear_pointer (&job->result, just_sync_sync_result_unref);
  g_clear_error (&job->error);
  g_clear_pointer (&job->cursor, just_sync_sync_point_unref);
  g_clear_pointer (&job->delta, just_sync_delta_unref);
  g_clear_pointer (&job->fetched, just_sync_delta_unref);
  g_clear_error (&job->fetch_error);
  g_clear_pointer (&job->seen_ids, g_ptr_array_unref);
  g_clear_pointer (&job->push_ops, g_ptr_array_unref);
  g_clear_pointer (&job->batch, g_ptr_array_unref);
  g_clear_error (&job->push_error);
  g_clear_pointer (&job->unacknowledged_message, g_free);
}

static void
sync_job_unref (JustSyncSyncJob *job)
{
  g_atomic_rc_box_release_full (job, (GDestroyNotify) sync_job_clear);
}

/*
 * _just_sync_sync_job_new:
 * @scope: the scope to sync
 * @reconcile: whether to reconcile rather than pull since the sync point
 * @pulled_at: the server's time when the last complete pull of @scope
 *   began, or 0
 * @config: the stores and settings
 * @observer: how to report; must outlive the job
 * @observer_object: passed to @observer's functions, kept alive by the job
 *
 * Makes a job on the thread-default main context; it does nothing before
 * _just_sync_sync_job_start().
 */
JustSyncSyncJob *
_just_sync_sync_job_new (JustSyncScope                 *scope,
                         gboolean                       reconcile,
                         gint64                         pulled_at,
                         const JustSyncSyncJobConfig   *config,
                         const JustSyncSyncJobObserver *observer,
                         GObject                       *observer_object)
{
  JustSyncSyncJob *job = g_atomic_rc_box_new0 (JustSyncSyncJob);

  job->phase = JUST_SYNC_JOB_CLOCK;
  job->config = *config;
  g_object_ref (job->config.local);
  g_object_ref (job->config.remote);
  g_object_ref (job->config.resolver);
  job->observer = observer;
  job->observer_object = g_object_ref (observer_object);
  job->context = g_main_context_ref_thread_default ();
  job->scope = just_sync_scope_ref (scope);
  job->reconcile = reconcile;
  job->pulled_at = pulled_at;
  job->cancellable = g_cancellable_new ();
  job->waiters = g_ptr_array_new_with_free_func (g_object_unref);
  job->result = just_sync_sync_result_new (scope);
  return job;
}

/*
 * _just_sync_sync_job_start:
 * @job: a new job, whose reference this takes
 * @done: called when the job ends
 * @user_data: for @done
 */
void
_just_sync_sync_job_start (JustSyncSyncJob         *job,
                           JustSyncSyncJobDoneFunc  done,
                           gpointer                 user_data)
{
  g_return_if_fail (job->phase == JUST_SYNC_JOB_CLOCK && job->done == NULL);

  job->done = done;
  job->done_data = user_data;
  sync_job_advance (job);
}

/* Waiters */

static gboolean
all_waiters_cancelled (JustSyncSyncJob *job)
{
  if (job->waiters->len == 0)
    return FALSE;
  for (guint i = 0; i < job->waiters->len; i++)
    if (!g_cancellable_is_cancelled (g_task_get_cancellable (g_ptr_array_index (job->waiters, i))))
      return FALSE;
  return TRUE;
}

static gboolean
waiter_cancelled_idle (gpointer user_data)
{
  JustSyncSyncJob *job = user_data;

  /* The job stops only when nobody waits for it any more; a background
   * sync has no waiter and runs to its end. */
  if (all_waiters_cancelled (job))
    g_cancellable_cancel (job->cancellable);
  return G_SOURCE_REMOVE;
}

static void
waiter_cancelled_cb (GCancellable *cancellable,
                     gpointer      user_data)
{
  JustSyncSyncJob *job = user_data;

  /* May run in any thread: decide on the job's context. */
  g_main_context_invoke_full (job->context, G_PRIORITY_DEFAULT, waiter_cancelled_idle,
                              g_atomic_rc_box_acquire (job), (GDestroyNotify) sync_job_unref);
}

/*
 * _just_sync_sync_job_add_waiter:
 * @job: a running job
 * @task: a caller's task, completed with the job's result or error
 *
 * Cancelling @task's cancellable stops the job once every waiter did.
 */
void
_just_sync_sync_job_add_waiter (JustSyncSyncJob *job,
                                GTask           *task)
{
  GCancellable *cancellable = g_task_get_cancellable (task);

  g_ptr_array_add (job->waiters, g_object_ref (task));
  if (cancellable != NULL)
    {
      gulong id = g_cancellable_connect (cancellable, G_CALLBACK (waiter_cancelled_cb), job, NULL);

      g_object_set_data (G_OBJECT (task), "just-sync-cancel-id", GSIZE_TO_POINTER (id));
    }
}

/*
 * _just_sync_sync_job_can_join:
 * @job: a running job
 * @reconcile: whether the caller wants a reconcile
 *
 * A caller joins a job only while it can still push the caller's changes,
 * and a caller that wants a reconcile only a reconcile.
 */
gboolean
_just_sync_sync_job_can_join (JustSyncSyncJob *job,
                              gboolean         reconcile)
{
  return job->phase < JUST_SYNC_JOB_LIST_OPS && (job->reconcile || !reconcile);
}

/* Stops the job at its next step, whoever waits for it. */
void
_just_sync_sync_job_cancel (JustSyncSyncJob *job)
{
  g_cancellable_cancel (job->cancellable);
}

JustSyncJobPhase
_just_sync_sync_job_get_phase (JustSyncSyncJob *job)
{
  return job->phase;
}

JustSyncScope *
_just_sync_sync_job_get_scope (JustSyncSyncJob *job)
{
  return job->scope;
}

/* Whether the job reconciles: asked to, or it found it had to. */
gboolean
_just_sync_sync_job_is_reconcile (JustSyncSyncJob *job)
{
  return job->reconcile;
}

/* Returns: (transfer none): what the job did so far */
JustSyncSyncResult *
_just_sync_sync_job_get_result (JustSyncSyncJob *job)
{
  return job->result;
}

/* Returns: the server's time when the job's complete pull began, or the
 * value it was made with when it did not get that far */
gint64
_just_sync_sync_job_get_pulled_at (JustSyncSyncJob *job)
{
  return job->pulled_at;
}

/*
 * _just_sync_sync_job_needs_retry:
 * @job: a job that ended
 * @retry_after: (out): the longest pause the server asked for, or 0
 *
 * Returns: whether some operations failed transiently and wait for a retry
 */
gboolean
_just_sync_sync_job_needs_retry (JustSyncSyncJob *job,
                                 GTimeSpan       *retry_after)
{
  *retry_after = job->retry_after;
  return job->retry_needed;
}

/*
 * _just_sync_sync_job_get_counts:
 * @job: a job that ended
 * @queued: (out): the queued operations of every scope when it ended
 * @failed: (out): the failed ones
 *
 * Returns: whether the local store could count them
 */
gboolean
_just_sync_sync_job_get_counts (JustSyncSyncJob *job,
                                guint           *queued,
                                guint           *failed)
{
  *queued = job->n_queued;
  *failed = job->n_failed;
  return job->n_counted == 2;
}

/* Steps */

/* Ends the job with @error (taken): it counts the queue, then is done. */
static void
job_fail (JustSyncSyncJob *job,
          GError          *error)
{
  g_assert (error != NULL);
  job->error = error;
  job->phase = JUST_SYNC_JOB_COUNT;
  sync_job_advance (job);
}

static void
report_progress (JustSyncSyncJob   *job,
                 JustSyncSyncPhase  phase,
                 guint              done,
                 guint              total)
{
  job->observer->progress (job->observer_object, job->scope, phase, done, total);
}

static void
server_time_cb (GObject      *object,
                GAsyncResult *res,
                gpointer      user_data)
{
  JustSyncSyncJob *job = user_data;
  GError *error = NULL;
  gint64 server_time, t1 = g_get_real_time ();

  server_time = just_sync_remote_store_get_server_time_finish (JUST_SYNC_REMOTE_STORE (object), res, &error);
  if (error != NULL)
    {
      job_fail (job, error);
      return;
    }
  if (server_time > 0)
    job->observer->clock_sample (job->observer_object, server_time, job->t0, t1);
  job->phase = JUST_SYNC_JOB_LOAD_POINT;
  sync_job_advance (job);
}

static void
forget_sync_point_cb (GObject      *object,
                      GAsyncResult *res,
                      gpointer      user_data)
{
  JustSyncSyncJob *job = user_data;
  GError *error = NULL;

  if (!just_sync_local_store_save_sync_point_finish (JUST_SYNC_LOCAL_STORE (object), res, &error))
    {
      job_fail (job, error);
      return;
    }
  job->phase = JUST_SYNC_JOB_PULL;
  sync_job_advance (job);
}

static void
sync_point_cb (GObject      *object,
               GAsyncResult *res,
               gpointer      user_data)
{
  JustSyncSyncJob *job = user_data;
  g_autoptr(JustSyncSyncPoint) point = NULL;
  GError *error = NULL;
  gint64 server_now = job->observer->now (job->observer_object);
  gint64 since;

  point = just_sync_local_store_get_sync_point_finish (JUST_SYNC_LOCAL_STORE (object), res, &error);
  if (error != NULL)
    {
      job_fail (job, error);
      return;
    }

  /* Deltas cannot repair a server clock that stepped back behind our
   * checkpoint, nor tombstones the server purged while we were away: the
   * job turns into a reconcile. Both times are valid timestamps: their
   * difference cannot overflow, a sum with the window (up to G_MAXINT64)
   * could. */
  if (point != NULL)
    {
      since = job->pulled_at != 0 ? job->pulled_at : just_sync_sync_point_get_updated_at (point);
      if (just_sync_sync_point_get_updated_at (point) - server_now > job->config.overlap_window ||
          (job->config.tombstone_retention > 0 && server_now - since > job->config.tombstone_retention))
        {
          job->reconcile = TRUE;
          sync_job_advance (job);
          return;
        }
      job->cursor = just_sync_sync_point_rewind (point, job->config.overlap_window);
    }
  job->phase = JUST_SYNC_JOB_PULL;
  sync_job_advance (job);
}

static void
fetch_cb (GObject      *object,
          GAsyncResult *res,
          gpointer      user_data)
{
  JustSyncSyncJob *job = user_data;

  job->fetching = FALSE;
  job->fetched = just_sync_remote_store_fetch_since_finish (JUST_SYNC_REMOTE_STORE (object), res,
                                                           &job->fetch_error);
  /* While a page is applied, its apply_cb takes the next one; a fetch
   * ahead that ends after the job did is dropped with it. */
  if (job->phase == JUST_SYNC_JOB_PULL && job->delta == NULL)
    sync_job_advance (job);
  sync_job_unref (job);
}

static void
start_fetch (JustSyncSyncJob   *job,
             JustSyncSyncPoint *from)
{
  job->fetching = TRUE;
  just_sync_remote_store_fetch_since_async (job->config.remote, job->scope, from,
                                            job->config.page_size, job->cancellable,
                                            fetch_cb, g_atomic_rc_box_acquire (job));
}

/* Keyset pages only move forward; a server whose cursor does not would
 * be asked for the same page forever. */
static gboolean
page_moves_on (JustSyncSyncJob *job,
               JustSyncDelta   *delta)
{
  g_autoptr(JustSyncSyncPoint) next = just_sync_delta_dup_cursor (delta);

  return job->cursor == NULL ||
         just_sync_sync_point_compare (job->cursor, just_sync_sync_point_get_updated_at (next),
                                       just_sync_sync_point_get_last_id (next)) < 0;
}

/* Takes the fetched page as the one to apply. Returns FALSE when it
 * holds nothing: the pull is over, or the job failed. */
static gboolean
take_page (JustSyncSyncJob *job)
{
  GPtrArray *records, *refused;
  gboolean has_more;

  job->delta = g_steal_pointer (&job->fetched);
  records = just_sync_delta_get_records (job->delta);
  refused = _just_sync_delta_get_refused_ids (job->delta);
  if (job->first_server_time == 0)
    job->first_server_time = just_sync_delta_get_server_time (job->delta);
  /* A row the store refused is still on the server: not to be pruned. */
  if (job->seen_ids != NULL)
    {
      for (guint i = 0; i < records->len; i++)
        g_ptr_array_add (job->seen_ids, g_strdup (just_sync_record_get_id (g_ptr_array_index (records, i))));
      for (guint i = 0; i < refused->len; i++)
        g_ptr_array_add (job->seen_ids, g_strdup (g_ptr_array_index (refused, i)));
    }
  /* A page of refused rows only is applied too: it moves the sync point. */
  if (records->len > 0 || refused->len > 0)
    return TRUE;

  has_more = just_sync_delta_get_has_more (job->delta);
  g_clear_pointer (&job->delta, just_sync_delta_unref);
  /* A page that says "more" but holds nothing cannot move the cursor,
   * and a reconcile must not prune on a list it knows is incomplete. */
  if (has_more)
    {
      job->error = g_error_new_literal (JUST_SYNC_ERROR, JUST_SYNC_ERROR_PROTOCOL,
                                        _("The server announced more changes but sent none"));
      job->phase = JUST_SYNC_JOB_DONE;
    }
  else
    job->phase = JUST_SYNC_JOB_PRUNE;
  return FALSE;
}

static void
apply_cb (GObject      *object,
          GAsyncResult *res,
          gpointer      user_data)
{
  JustSyncSyncJob *job = user_data;
  g_autoptr(JustSyncApplyResult) applied = NULL;
  g_autoptr(JustSyncDelta) delta = g_steal_pointer (&job->delta);
  GError *error = NULL;
  GPtrArray *conflicts;

  applied = just_sync_local_store_apply_remote_changes_finish (JUST_SYNC_LOCAL_STORE (object), res, &error);
  if (applied == NULL)
    {
      job_fail (job, error);
      return;
    }

  _just_sync_sync_result_add_applied (job->result, applied);
  conflicts = just_sync_apply_result_get_conflicts (applied);
  for (guint i = 0; i < conflicts->len; i++)
    job->observer->conflict (job->observer_object, job->scope, g_ptr_array_index (conflicts, i));
  job->pulled += just_sync_delta_get_records (delta)->len;
  report_progress (job, job->reconcile ? JUST_SYNC_PHASE_RECONCILE : JUST_SYNC_PHASE_PULL, job->pulled, 0);

  if (!just_sync_delta_get_has_more (delta))
    {
      job->phase = JUST_SYNC_JOB_PRUNE;
      sync_job_advance (job);
      return;
    }

  if (!page_moves_on (job, delta))
    {
      job_fail (job, g_error_new_literal (JUST_SYNC_ERROR, JUST_SYNC_ERROR_PROTOCOL,
                                          _("The server sent a page that does not move past the last one")));
      return;
    }
  g_clear_pointer (&job->cursor, just_sync_sync_point_unref);
  job->cursor = just_sync_delta_dup_cursor (delta);
  sync_job_advance (job);
}

static void
prune_cb (GObject      *object,
          GAsyncResult *res,
          gpointer      user_data)
{
  JustSyncSyncJob *job = user_data;
  GError *error = NULL;
  guint pruned;

  pruned = just_sync_local_store_prune_missing_finish (JUST_SYNC_LOCAL_STORE (object), res, &error);
  if (error != NULL)
    {
      job_fail (job, error);
      return;
    }
  _just_sync_sync_result_add_deleted (job->result, pruned);
  g_clear_pointer (&job->seen_ids, g_ptr_array_unref);
  job->phase = JUST_SYNC_JOB_LIST_OPS;
  sync_job_advance (job);
}

static void
list_ops_cb (GObject      *object,
             GAsyncResult *res,
             gpointer      user_data)
{
  JustSyncSyncJob *job = user_data;
  g_autoptr(GPtrArray) ops = NULL;
  g_autoptr(GHashTable) runs = g_hash_table_new_full (g_str_hash, g_str_equal, NULL,
                                                      (GDestroyNotify) g_ptr_array_unref);
  GError *error = NULL;

  ops = just_sync_local_store_list_pending_ops_finish (JUST_SYNC_LOCAL_STORE (object), res, &error);
  if (ops == NULL)
    {
      job_fail (job, error);
      return;
    }

  /* Compact: only the newest change of each record is pushed (rule 6),
   * carrying what the older ones changed. Its acknowledgement clears the
   * older ones; a record whose newest change was rejected stays parked
   * until it is retried or discarded. */
  for (guint i = 0; i < ops->len; i++)
    {
      JustSyncPendingOp *op = g_ptr_array_index (ops, i);
      const char *id = just_sync_pending_op_get_record_id (op);
      GPtrArray *run = g_hash_table_lookup (runs, id);

      if (run == NULL)
        g_hash_table_insert (runs, (gpointer) id, run = g_ptr_array_new ());
      g_ptr_array_add (run, op);
    }
  job->push_ops = g_ptr_array_new_with_free_func ((GDestroyNotify) just_sync_pending_op_unref);
  for (guint i = 0; i < ops->len; i++)
    {
      JustSyncPendingOp *op = g_ptr_array_index (ops, i);
      GPtrArray *run = g_hash_table_lookup (runs, just_sync_pending_op_get_record_id (op));

      if (g_ptr_array_index (run, run->len - 1) == op &&
          just_sync_pending_op_get_state (op) == JUST_SYNC_OP_STATE_QUEUED)
        g_ptr_array_add (job->push_ops, _just_sync_pending_op_coalesce (run));
    }

  if (job->push_ops->len > 0)
    report_progress (job, JUST_SYNC_PHASE_PUSH, 0, job->push_ops->len);
  job->phase = JUST_SYNC_JOB_PUSH;
  sync_job_advance (job);
}

static void
commit_cb (GObject      *object,
           GAsyncResult *res,
           gpointer      user_data)
{
  JustSyncSyncJob *job = user_data;
  g_autoptr(JustSyncApplyResult) applied = NULL;
  GError *error = NULL;

  applied = just_sync_local_store_commit_push_results_finish (JUST_SYNC_LOCAL_STORE (object), res, &error);
  if (applied == NULL)
    {
      job_fail (job, error);
      return;
    }
  if (job->push_error != NULL)
    {
      job_fail (job, g_steal_pointer (&job->push_error));
      return;
    }
  report_progress (job, JUST_SYNC_PHASE_PUSH, job->push_index, job->push_ops->len);
  sync_job_advance (job);
}

static JustSyncPushResult *
find_result (GPtrArray         *results,
             JustSyncPendingOp *op)
{
  for (guint i = 0; i < results->len; i++)
    {
      JustSyncPushResult *result = g_ptr_array_index (results, i);

      if (just_sync_push_result_get_seq (result) == just_sync_pending_op_get_seq (op) &&
          g_strcmp0 (just_sync_push_result_get_record_id (result),
                     just_sync_pending_op_get_record_id (op)) == 0)
        return result;
    }
  return NULL;
}

/* One result per operation sent, whatever the store answered: a missing
 * answer is a transient failure, an answer for something not sent is
 * ignored. Nothing is dropped on the store's word alone. */
static JustSyncPushResult *
check_result (JustSyncSyncJob   *job,
              GPtrArray         *results,
              JustSyncPendingOp *op)
{
  JustSyncPushResult *result = find_result (results, op);

  if (result != NULL && (just_sync_push_result_get_status (result) != JUST_SYNC_PUSH_WRITTEN ||
                         just_sync_push_result_get_reply (result) != NULL))
    return just_sync_push_result_ref (result);

  return just_sync_push_result_new_failed (just_sync_pending_op_get_seq (op),
                                           just_sync_pending_op_get_record_id (op),
                                           JUST_SYNC_PUSH_RETRY,
                                           job->push_error != NULL
                                           ? job->push_error->message
                                           : _("The server did not answer for this record"), 0);
}

static void
batch_cb (GObject      *object,
          GAsyncResult *res,
          gpointer      user_data)
{
  JustSyncSyncJob *job = user_data;
  JustSyncRemoteStore *remote = JUST_SYNC_REMOTE_STORE (object);
  g_autoptr(GPtrArray) results = NULL;
  g_autoptr(GPtrArray) checked = NULL;
  GError *error = NULL;
  gint64 t1 = g_get_real_time ();

  if (just_sync_pending_op_get_kind (g_ptr_array_index (job->batch, 0)) == JUST_SYNC_OP_UPSERT)
    results = just_sync_remote_store_batch_upsert_finish (remote, res, &error);
  else
    results = just_sync_remote_store_batch_delete_finish (remote, res, &error);

  /* The whole batch failed: it may still have reached the server (a lost
   * reply, or a cancel while the request was out), so count the attempt of
   * every op before failing the sync. */
  if (results == NULL)
    {
      job->push_error = error;
      results = g_ptr_array_new ();
    }

  checked = g_ptr_array_new_with_free_func ((GDestroyNotify) just_sync_push_result_unref);
  for (guint i = 0; i < job->batch->len; i++)
    {
      JustSyncPendingOp *op = g_ptr_array_index (job->batch, i);
      JustSyncPushResult *result = check_result (job, results, op);
      JustSyncRecord *reply;

      g_ptr_array_add (checked, result);
      switch (just_sync_push_result_get_status (result))
        {
        case JUST_SYNC_PUSH_WRITTEN:
          _just_sync_sync_result_add_pushed (job->result, 1);
          reply = just_sync_push_result_get_reply (result);
          if (just_sync_record_get_updated_at (reply) > 0)
            job->observer->clock_sample (job->observer_object, just_sync_record_get_updated_at (reply),
                                         job->t0, t1);
          break;

        case JUST_SYNC_PUSH_REJECTED:
          {
            g_autoptr(JustSyncPendingOp) failed = NULL;

            failed = _just_sync_pending_op_copy_with (op, just_sync_pending_op_get_base_version (op),
                                                      just_sync_pending_op_get_attempts (op) + 1,
                                                      JUST_SYNC_OP_STATE_FAILED,
                                                      just_sync_push_result_get_message (result));
            _just_sync_sync_result_add_failed_op (job->result, failed);
            job->observer->op_failed (job->observer_object, job->scope, failed);
          }
          break;

        case JUST_SYNC_PUSH_PRECONDITION_FAILED:
          /* Another version is on the server: the next sync pulls and
           * resolves it, then pushes. It waits as a retry does, so that a
           * version no pull shows cannot make the engine spin. */
        case JUST_SYNC_PUSH_RETRY:
        default:
          job->retry_needed = TRUE;
          job->retry_after = MAX (job->retry_after, just_sync_push_result_get_retry_after (result));
          if (job->n_unacknowledged++ == 0)
            {
              job->only_preconditions = TRUE;
              job->unacknowledged_message = g_strdup (just_sync_push_result_get_message (result));
            }
          if (just_sync_push_result_get_status (result) != JUST_SYNC_PUSH_PRECONDITION_FAILED)
            job->only_preconditions = FALSE;
          break;
        }
    }

  /* Not cancellable: what the server may have done must be recorded. */
  just_sync_local_store_commit_push_results_async (job->config.local, job->scope, checked, NULL,
                                                   commit_cb, job);
}

static void
marked_sent_cb (GObject      *object,
                GAsyncResult *res,
                gpointer      user_data)
{
  JustSyncSyncJob *job = user_data;
  JustSyncRemoteStore *remote = job->config.remote;
  GError *error = NULL;

  if (!just_sync_local_store_mark_ops_sent_finish (JUST_SYNC_LOCAL_STORE (object), res, &error))
    {
      job_fail (job, error);
      return;
    }

  job->t0 = g_get_real_time ();
  if (just_sync_pending_op_get_kind (g_ptr_array_index (job->batch, 0)) == JUST_SYNC_OP_UPSERT)
    just_sync_remote_store_batch_upsert_async (remote, job->scope, job->batch, job->cancellable,
                                               batch_cb, job);
  else
    just_sync_remote_store_batch_delete_async (remote, job->scope, job->batch, job->cancellable,
                                               batch_cb, job);
}

/* Takes the next batch off the operations to push: operations of one
 * kind, in queue order. */
static void
take_batch (JustSyncSyncJob *job)
{
  JustSyncOpKind kind = just_sync_pending_op_get_kind (g_ptr_array_index (job->push_ops, job->push_index));

  g_clear_pointer (&job->batch, g_ptr_array_unref);
  job->batch = g_ptr_array_new_with_free_func ((GDestroyNotify) just_sync_pending_op_unref);
  while (job->push_index < job->push_ops->len && job->batch->len < job->config.push_batch_size)
    {
      JustSyncPendingOp *op = g_ptr_array_index (job->push_ops, job->push_index);

      if (just_sync_pending_op_get_kind (op) != kind)
        break;
      g_ptr_array_add (job->batch, just_sync_pending_op_ref (op));
      job->push_index++;
    }
}

static void
count_cb (GObject      *object,
          GAsyncResult *res,
          gpointer      user_data)
{
  JustSyncSyncJob *job = user_data;
  g_autoptr(GError) error = NULL;
  guint count;

  count = just_sync_local_store_count_pending_ops_finish (JUST_SYNC_LOCAL_STORE (object), res, &error);
  /* The counts are for display: a store that cannot count them leaves
   * the owner to count later, and does not fail the job. */
  if (error != NULL)
    g_debug ("Could not count pending operations: %s", error->message);
  else if (job->n_counted++ == 0)
    job->n_queued = count;
  else
    job->n_failed = count;

  if (error != NULL || job->n_counted == 2)
    job->phase = JUST_SYNC_JOB_DONE;
  sync_job_advance (job);
}

/* The end: report, then complete every waiter, then drop the job's own
 * reference. */
static void
job_done (JustSyncSyncJob *job)
{
  g_autoptr(GPtrArray) waiters = g_steal_pointer (&job->waiters);

  /* Late cancels find nobody to stop; a fetch ahead is not needed any more. */
  job->waiters = g_ptr_array_new ();
  if (job->fetching)
    g_cancellable_cancel (job->cancellable);
  if (job->error == NULL)
    _just_sync_sync_result_finish (job->result, job->observer->now (job->observer_object));

  job->done (job, job->error, job->done_data);

  for (guint i = 0; i < waiters->len; i++)
    {
      GTask *task = g_ptr_array_index (waiters, i);
      gulong id = GPOINTER_TO_SIZE (g_object_get_data (G_OBJECT (task), "just-sync-cancel-id"));

      if (id != 0)
        g_cancellable_disconnect (g_task_get_cancellable (task), id);
      if (job->error != NULL)
        g_task_return_error (task, g_error_copy (job->error));
      else
        g_task_return_pointer (task, just_sync_sync_result_ref (job->result),
                               (GDestroyNotify) just_sync_sync_result_unref);
    }

  sync_job_unref (job);
}

/* Why a sync whose pushes were not all answered failed. */
static GError *
unacknowledged_error (JustSyncSyncJob *job)
{
  const char *why = job->unacknowledged_message != NULL ? job->unacknowledged_message : "";

  if (job->only_preconditions)
    return g_error_new (JUST_SYNC_ERROR, JUST_SYNC_ERROR_CONFLICT,
                        g_dngettext (GETTEXT_PACKAGE,
                                     "%u change met a newer version on the server; the next sync resolves it first",
                                     "%u changes met a newer version on the server; the next sync resolves them first",
                                     job->n_unacknowledged),
                        job->n_unacknowledged);
  return g_error_new (JUST_SYNC_ERROR, JUST_SYNC_ERROR_SERVER,
                      g_dngettext (GETTEXT_PACKAGE,
                                   "%u change was sent but not acknowledged by the server; it stays queued: %s",
                                   "%u changes were sent but not acknowledged by the server; they stay queued: %s",
                                   job->n_unacknowledged),
                      job->n_unacknowledged, why);
}

/* Runs the current phase: starts its next asynchronous step, whose
 * callback comes back here, or moves on to the next phase at once. */
static void
sync_job_advance (JustSyncSyncJob *job)
{
  JustSyncSyncJobConfig *config = &job->config;
  GError *error = NULL;

  for (;;)
    switch (job->phase)
      {
      case JUST_SYNC_JOB_CLOCK:
        job->t0 = g_get_real_time ();
        just_sync_remote_store_get_server_time_async (config->remote, job->cancellable,
                                                      server_time_cb, job);
        return;

      case JUST_SYNC_JOB_LOAD_POINT:
        if (!job->reconcile)
          {
            just_sync_local_store_get_sync_point_async (config->local, job->scope, job->cancellable,
                                                        sync_point_cb, job);
            return;
          }
        /* A reconcile reads the whole scope from the start and then
         * removes what the server no longer has, so it begins by
         * forgetting the sync point: the full read sets it again, even
         * when the server's clock stepped back. */
        g_clear_pointer (&job->cursor, just_sync_sync_point_unref);
        job->seen_ids = g_ptr_array_new_with_free_func (g_free);
        just_sync_local_store_save_sync_point_async (config->local, job->scope, NULL, job->cancellable,
                                                     forget_sync_point_cb, job);
        return;

      case JUST_SYNC_JOB_PULL:
        /* Page n is applied while page n + 1 is fetched, so a pull costs
         * the slower of the server and the store rather than their sum.
         * The pages still act one by one: the next is taken, or its
         * failed fetch fails the job, only once the one before it is in. */
        if (job->delta != NULL || job->fetching)
          return;
        if (job->fetch_error != NULL)
          {
            job->error = g_steal_pointer (&job->fetch_error);
            job->phase = JUST_SYNC_JOB_DONE;
            continue;
          }
        if (job->fetched == NULL)
          {
            start_fetch (job, job->cursor);
            return;
          }
        if (!take_page (job))
          continue;
        just_sync_local_store_apply_remote_changes_async (config->local, job->scope, job->delta,
                                                          config->resolver, job->cancellable,
                                                          apply_cb, job);
        if (just_sync_delta_get_has_more (job->delta) && page_moves_on (job, job->delta))
          {
            g_autoptr(JustSyncSyncPoint) next = just_sync_delta_dup_cursor (job->delta);

            start_fetch (job, next);
          }
        return;

      case JUST_SYNC_JOB_PRUNE:
        /* Every page is in: a quiet scope is not a scope we were away from. */
        if (job->first_server_time > 0)
          job->pulled_at = job->first_server_time;
        if (job->seen_ids == NULL)
          {
            job->phase = JUST_SYNC_JOB_LIST_OPS;
            continue;
          }
        g_ptr_array_add (job->seen_ids, NULL);
        just_sync_local_store_prune_missing_async (config->local, job->scope,
                                                   (const char * const *) job->seen_ids->pdata,
                                                   job->cancellable, prune_cb, job);
        return;

      case JUST_SYNC_JOB_LIST_OPS:
        just_sync_local_store_list_pending_ops_async (config->local, job->scope, job->cancellable,
                                                      list_ops_cb, job);
        return;

      case JUST_SYNC_JOB_PUSH:
        if (job->push_index >= job->push_ops->len)
          {
            /* A sync is no success while a change it sent has no answer:
             * the app must see that its changes are stuck. */
            if (job->n_unacknowledged > 0)
              job->error = unacknowledged_error (job);
            job->phase = JUST_SYNC_JOB_COUNT;
            continue;
          }
        /* A batch sent after a cancel would count attempts it never made. */
        if (g_cancellable_set_error_if_cancelled (job->cancellable, &error))
          {
            job->error = error;
            job->phase = JUST_SYNC_JOB_COUNT;
            continue;
          }
        /* Marked as sent before it goes out: if the server applies the
         * batch and we die before its reply is committed, the next pull
         * still knows the echo for our own write (rule 4). */
        take_batch (job);
        just_sync_local_store_mark_ops_sent_async (config->local, job->scope, job->batch, NULL,
                                                   marked_sent_cb, job);
        return;

      case JUST_SYNC_JOB_COUNT:
        /* Not cancellable: the owner shows these counts when the job's
         * callers are completed, so they must be current then. */
        just_sync_local_store_count_pending_ops_async (config->local, NULL,
                                                       job->n_counted == 0 ? JUST_SYNC_OP_STATE_QUEUED
                                                                           : JUST_SYNC_OP_STATE_FAILED,
                                                       NULL, count_cb, job);
        return;

      case JUST_SYNC_JOB_DONE:
      default:
        job_done (job);
        return;
      }
}
