/* justsync-orchestrator.c
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "justsync-enum-types.h"
#include "justsync-error.h"
#include "justsync-last-write-wins-resolver.h"
#include "justsync-orchestrator.h"
#include "justsync-sync-result-private.h"
#include "justsync-timestamp.h"

/**
 * JustSyncOrchestrator:
 *
 * The sync engine: it owns a #JustSyncLocalStore, a #JustSyncRemoteStore
 * and a #JustSyncConflictResolver, takes the app's reads and writes, and
 * keeps the two stores in step on the main loop.
 *
 * Writes (just_sync_orchestrator_create_async() and friends) go to the
 * local store with their pending operation in one transaction, are
 * announced with #JustSyncOrchestrator::changed, and schedule a debounced
 * sync. A sync of a scope (just_sync_orchestrator_synchronize_async()) first
 * pulls the server's changes since the scope's sync point, minus an overlap
 * window, page by page, each page applied atomically with conflicts sent to
 * the resolver; then it pushes the pending operations, the newest change of
 * each record, in batches, and rebases the rows on the server's replies.
 * Pulling first lets the resolver see a newer remote edit before a stale
 * offline edit could overwrite it.
 *
 * One sync per scope runs at a time: a second call joins the running one,
 * or the next one when the running one is already pushing.
 * Transient failures (network, 5xx, 429) are retried with exponential
 * backoff and jitter; operations the server rejects are parked as failed,
 * reported with #JustSyncOrchestrator::op-failed, and never block the
 * others. While the #GNetworkMonitor says the network is down, the engine
 * is %JUST_SYNC_STATE_OFFLINE and makes no attempts; it syncs when the
 * network returns.
 *
 * Local changes are stamped with the server's clock, estimated from
 * just_sync_remote_store_get_server_time_async() and refined by the stamps
 * of push replies, so last-write-wins compares times on one time line.
 *
 * Every signal and property notification is emitted on the main context
 * that was the thread-default when the orchestrator was created.
 */

#define DEFAULT_DEBOUNCE_MS      250
#define DEFAULT_OVERLAP_WINDOW   (10 * G_USEC_PER_SEC)
#define DEFAULT_PAGE_SIZE        500
#define DEFAULT_PUSH_BATCH_SIZE  50
#define DEFAULT_RETRY_BASE_MS    1000
#define DEFAULT_RETRY_MAX_MS     (5 * 60 * 1000)

typedef struct _SyncJob SyncJob;

typedef struct
{
  JustSyncOrchestrator *self;      /* unowned: it owns the state */
  JustSyncScope *scope;
  SyncJob *job;
  guint debounce_id;
  guint retry_id;
  guint failures;
  /* A sync was asked for while one ran: run another when it ends. */
  gboolean dirty;
  gboolean reconcile_needed;
  /* The server's time when the last complete pull began, or 0: no
   * tombstone purged before it was missed. */
  gint64 pulled_at;
  /* Callers waiting for the job after the running one. */
  GPtrArray *next_waiters;
} ScopeState;

struct _JustSyncOrchestrator
{
  GObject parent_instance;

  JustSyncLocalStore *local;
  JustSyncRemoteStore *remote;
  JustSyncConflictResolver *resolver;
  GNetworkMonitor *monitor;
  gboolean remote_needs_network;
  GMainContext *context;

  GHashTable *scopes;              /* canonical scope -> ScopeState */

  JustSyncSyncState state;
  guint pending_count;
  guint failed_count;
  char *last_error;
  gint64 last_sync_time;
  gint64 clock_offset;
  gboolean clock_measured;
  guint n_running;
  gboolean counts_refreshing;
  gboolean counts_dirty;

  guint debounce_interval;
  guint sync_interval;
  gint64 overlap_window;
  guint page_size;
  guint push_batch_size;
  guint retry_base_delay;
  guint retry_max_delay;
  gint64 tombstone_retention;

  guint periodic_id;
  gulong changed_handler;
  gulong remote_changed_handler;
  gulong network_handler;
};

G_DEFINE_FINAL_TYPE (JustSyncOrchestrator, just_sync_orchestrator, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_LOCAL_STORE,
  PROP_REMOTE_STORE,
  PROP_RESOLVER,
  PROP_NETWORK_MONITOR,
  PROP_STATE,
  PROP_PENDING_COUNT,
  PROP_FAILED_COUNT,
  PROP_LAST_ERROR,
  PROP_LAST_SYNC_TIME,
  PROP_CLOCK_OFFSET,
  PROP_DEBOUNCE_INTERVAL,
  PROP_SYNC_INTERVAL,
  PROP_OVERLAP_WINDOW,
  PROP_PAGE_SIZE,
  PROP_PUSH_BATCH_SIZE,
  PROP_RETRY_BASE_DELAY,
  PROP_RETRY_MAX_DELAY,
  PROP_TOMBSTONE_RETENTION,
  N_PROPS
};

enum {
  CHANGED,
  SYNC_STARTED,
  SYNC_FINISHED,
  PROGRESS,
  OP_FAILED,
  CONFLICT,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

static void schedule_sync   (JustSyncOrchestrator *self,
                             ScopeState           *state,
                             guint                 delay_ms);
static void join_or_start   (JustSyncOrchestrator *self,
                             JustSyncScope        *scope,
                             gboolean              reconcile,
                             GTask                *task);
static void refresh_counts  (JustSyncOrchestrator *self);

/* Scope bookkeeping */

static void
scope_state_free (ScopeState *state)
{
  g_clear_handle_id (&state->debounce_id, g_source_remove);
  g_clear_handle_id (&state->retry_id, g_source_remove);
  g_ptr_array_unref (state->next_waiters);
  just_sync_scope_unref (state->scope);
  g_free (state);
}

static ScopeState *
ensure_scope (JustSyncOrchestrator *self,
              JustSyncScope        *scope)
{
  const char *key = just_sync_scope_to_string (scope);
  ScopeState *state = g_hash_table_lookup (self->scopes, key);

  if (state == NULL)
    {
      state = g_new0 (ScopeState, 1);
      state->self = self;
      state->scope = just_sync_scope_ref (scope);
      state->next_waiters = g_ptr_array_new_with_free_func (g_object_unref);
      g_hash_table_insert (self->scopes, g_strdup (key), state);
    }
  return state;
}

/* Offline means: the remote is reached over the network, and there is
 * none. A server on the loopback interface or in the process is always
 * reachable. */
static gboolean
is_online (JustSyncOrchestrator *self)
{
  return !self->remote_needs_network || g_network_monitor_get_network_available (self->monitor);
}

static guint
attach_timeout (JustSyncOrchestrator *self,
                guint                 delay_ms,
                GSourceFunc           func,
                gpointer              data)
{
  g_autoptr(GSource) source = g_timeout_source_new (delay_ms);

  g_source_set_callback (source, func, data, NULL);
  return g_source_attach (source, self->context);
}

/* State, for the UI */

static void
set_state (JustSyncOrchestrator *self,
           JustSyncSyncState     state)
{
  if (self->state == state)
    return;
  self->state = state;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATE]);
}

static void
set_last_error (JustSyncOrchestrator *self,
                const char           *message)
{
  if (g_strcmp0 (self->last_error, message) == 0)
    return;
  g_free (self->last_error);
  self->last_error = g_strdup (message);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LAST_ERROR]);
}

/* The state when no sync runs: offline wins, then a remembered error. */
static void
update_idle_state (JustSyncOrchestrator *self)
{
  if (self->n_running > 0)
    set_state (self, JUST_SYNC_STATE_SYNCING);
  else if (!is_online (self))
    set_state (self, JUST_SYNC_STATE_OFFLINE);
  else if (self->last_error != NULL)
    set_state (self, JUST_SYNC_STATE_ERROR);
  else
    set_state (self, JUST_SYNC_STATE_IDLE);
}

/* Finishes a count of pending operations into @field, notifying @prop_id
 * when it changed. */
static void
take_count (JustSyncOrchestrator *self,
            GObject              *store,
            GAsyncResult         *result,
            guint                *field,
            guint                 prop_id)
{
  g_autoptr(GError) error = NULL;
  guint count;

  count = just_sync_local_store_count_pending_ops_finish (JUST_SYNC_LOCAL_STORE (store), result, &error);
  if (error != NULL)
    g_warning ("Could not count pending operations: %s", error->message);
  else if (count != *field)
    {
      *field = count;
      g_object_notify_by_pspec (G_OBJECT (self), properties[prop_id]);
    }
}

static void
count_failed_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(JustSyncOrchestrator) self = user_data;

  take_count (self, object, result, &self->failed_count, PROP_FAILED_COUNT);
  self->counts_refreshing = FALSE;
  if (self->counts_dirty)
    refresh_counts (self);
}

static void
count_queued_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(JustSyncOrchestrator) self = user_data;

  take_count (self, object, result, &self->pending_count, PROP_PENDING_COUNT);
  just_sync_local_store_count_pending_ops_async (self->local, NULL, JUST_SYNC_OP_STATE_FAILED, NULL,
                                                 count_failed_cb, g_object_ref (self));
}

/* Refreshes pending-count and failed-count; calls that come while a
 * refresh runs are folded into one more refresh after it. */
static void
refresh_counts (JustSyncOrchestrator *self)
{
  if (self->counts_refreshing)
    {
      self->counts_dirty = TRUE;
      return;
    }
  self->counts_refreshing = TRUE;
  self->counts_dirty = FALSE;
  just_sync_local_store_count_pending_ops_async (self->local, NULL, JUST_SYNC_OP_STATE_QUEUED, NULL,
                                                 count_queued_cb, g_object_ref (self));
}

/* The clock */

/**
 * just_sync_orchestrator_now:
 * @self: a #JustSyncOrchestrator
 *
 * Returns the current time on the server's clock, as far as the engine
 * knows it: the local clock plus the measured offset. Local changes are
 * stamped with it.
 *
 * Returns: microseconds since the epoch
 */
gint64
just_sync_orchestrator_now (JustSyncOrchestrator *self)
{
  g_return_val_if_fail (JUST_SYNC_IS_ORCHESTRATOR (self), 0);

  return CLAMP (g_get_real_time () + self->clock_offset, 0, JUST_SYNC_TIMESTAMP_MAX);
}

static void
set_clock_offset (JustSyncOrchestrator *self,
                  gint64                offset)
{
  self->clock_measured = TRUE;
  if (self->clock_offset == offset)
    return;
  self->clock_offset = offset;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CLOCK_OFFSET]);
}

/* A server stamp taken between local times @t0 and @t1 bounds the offset:
 * it lies in [stamp - t1, stamp - t0]. Keep the current estimate when it is
 * inside, else move it to the nearest bound (rule 5 of DESIGN.md). The
 * stamps of servers with coarser clocks only ever widen the interval. */
static void
refine_clock_offset (JustSyncOrchestrator *self,
                     gint64                stamp,
                     gint64                t0,
                     gint64                t1)
{
  gint64 low = stamp - t1, high = stamp - t0;

  if (!self->clock_measured)
    set_clock_offset (self, low + (high - low) / 2);
  else if (self->clock_offset < low)
    set_clock_offset (self, low);
  else if (self->clock_offset > high)
    set_clock_offset (self, high);
}

/* Sync jobs
 *
 * A job syncs (or reconciles) one scope: measure the clock, pull every page
 * since the sync point, push the pending operations, then complete every
 * caller that joined it. It is a chain of async steps on the orchestrator's
 * main context; each step's callback starts the next one or finishes.
 */

struct _SyncJob
{
  JustSyncOrchestrator *self;
  ScopeState *state;
  JustSyncScope *scope;
  gboolean reconcile;
  gboolean pushing;                /* the ops to push are chosen */
  GCancellable *cancellable;
  GPtrArray *waiters;              /* GTask */
  JustSyncSyncResult *result;

  JustSyncSyncPoint *cursor;       /* where the next page starts */
  JustSyncDelta *delta;            /* the page being applied */
  gint64 first_server_time;
  GPtrArray *seen_ids;             /* reconcile: every id the server has */
  guint pulled;

  GPtrArray *push_ops;             /* the newest queued op of each record */
  guint push_index;
  guint push_total;
  GPtrArray *batch;
  gint64 batch_t0;
  gint64 retry_after;              /* the longest wait a server asked for */
  gboolean retry_needed;
  GError *push_error;              /* a failed batch, once its attempt is counted */
};

static void job_pull_next_page  (SyncJob *job);
static void job_push_start      (SyncJob *job);
static void job_push_next_batch (SyncJob *job);

/* Jobs are reference counted (atomically: a waiter's cancellable may be
 * cancelled from another thread) and freed on the orchestrator's context. */
static void
sync_job_clear (SyncJob *job)
{
  g_clear_object (&job->cancellable);
  g_clear_pointer (&job->waiters, g_ptr_array_unref);
  g_clear_pointer (&job->result, just_sync_sync_result_unref);
  g_clear_pointer (&job->cursor, just_sync_sync_point_unref);
  g_clear_pointer (&job->delta, just_sync_delta_unref);
  g_clear_pointer (&job->seen_ids, g_ptr_array_unref);
  g_clear_pointer (&job->push_ops, g_ptr_array_unref);
  g_clear_pointer (&job->batch, g_ptr_array_unref);
  g_clear_error (&job->push_error);
  g_clear_pointer (&job->scope, just_sync_scope_unref);
  g_clear_object (&job->self);
}

static void
sync_job_unref (SyncJob *job)
{
  g_atomic_rc_box_release_full (job, (GDestroyNotify) sync_job_clear);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SyncJob, sync_job_unref)

static gboolean
job_all_waiters_cancelled (SyncJob *job)
{
  if (job->waiters == NULL || job->waiters->len == 0)
    return FALSE;
  for (guint i = 0; i < job->waiters->len; i++)
    if (!g_cancellable_is_cancelled (g_task_get_cancellable (g_ptr_array_index (job->waiters, i))))
      return FALSE;
  return TRUE;
}

static gboolean
waiter_cancelled_idle (gpointer user_data)
{
  SyncJob *job = user_data;

  /* The job stops only when nobody waits for it any more; a background
   * sync has no waiter and runs to its end. */
  if (job_all_waiters_cancelled (job))
    g_cancellable_cancel (job->cancellable);
  return G_SOURCE_REMOVE;
}

static void
waiter_cancelled_cb (GCancellable *cancellable,
                     gpointer      user_data)
{
  SyncJob *job = user_data;

  /* May run in any thread: decide on the orchestrator's context. */
  g_main_context_invoke_full (job->self->context, G_PRIORITY_DEFAULT, waiter_cancelled_idle,
                              g_atomic_rc_box_acquire (job), (GDestroyNotify) sync_job_unref);
}

static void
job_add_waiter (SyncJob *job,
                GTask   *task)
{
  GCancellable *cancellable = g_task_get_cancellable (task);

  g_ptr_array_add (job->waiters, g_object_ref (task));
  if (cancellable != NULL)
    {
      gulong id = g_cancellable_connect (cancellable, G_CALLBACK (waiter_cancelled_cb), job, NULL);

      g_object_set_data (G_OBJECT (task), "just-sync-cancel-id", GSIZE_TO_POINTER (id));
    }
}

static void
job_emit_progress (SyncJob           *job,
                   JustSyncSyncPhase  phase,
                   guint              done,
                   guint              total)
{
  g_signal_emit (job->self, signals[PROGRESS], 0, job->scope, phase, done, total);
}

static guint
retry_delay_ms (JustSyncOrchestrator *self,
                ScopeState           *state,
                gint64                retry_after)
{
  double delay = self->retry_base_delay;

  for (guint i = 1; i < state->failures && delay < self->retry_max_delay; i++)
    delay *= 2;
  delay = MIN (delay, self->retry_max_delay);
  /* Jitter keeps clients that failed together from retrying together. */
  delay *= g_random_double_range (0.75, 1.25);
  return (guint) MAX (delay, retry_after / 1000);
}

static gboolean
retry_cb (gpointer user_data)
{
  ScopeState *state = user_data;

  state->retry_id = 0;
  schedule_sync (state->self, state, 0);
  return G_SOURCE_REMOVE;
}

/* Ends a job: updates the state, schedules what comes next, and completes
 * every waiter. Takes @error. */
static void
job_finish (SyncJob *job,
            GError  *error)
{
  JustSyncOrchestrator *self = job->self;
  ScopeState *state = job->state;
  g_autoptr(GPtrArray) waiters = g_steal_pointer (&job->waiters);
  gint64 now = just_sync_orchestrator_now (self);

  job->waiters = g_ptr_array_new ();
  state->job = NULL;
  self->n_running--;

  /* A reconcile that did not end repaired nothing for sure (its prune comes
   * last, and it forgot the sync point): the next job reconciles again. */
  if (error != NULL && job->reconcile)
    state->reconcile_needed = TRUE;

  if (error == NULL)
    {
      _just_sync_sync_result_finish (job->result, now);
      set_last_error (self, NULL);
      self->last_sync_time = now;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LAST_SYNC_TIME]);
      /* Ops that failed transiently back off as a failed sync does: the
       * failures count on until a sync leaves nothing to retry. */
      if (job->retry_needed)
        {
          state->failures++;
          state->retry_id = attach_timeout (self, retry_delay_ms (self, state, job->retry_after),
                                            retry_cb, state);
        }
      else
        state->failures = 0;
    }
  else if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      set_last_error (self, error->message);
      if (just_sync_error_is_transient (error) && is_online (self))
        {
          state->failures++;
          g_clear_handle_id (&state->retry_id, g_source_remove);
          state->retry_id = attach_timeout (self, retry_delay_ms (self, state, 0), retry_cb, state);
        }
    }

  update_idle_state (self);
  refresh_counts (self);
  g_signal_emit (self, signals[SYNC_FINISHED], 0, job->scope,
                 error == NULL ? job->result : NULL, error);

  if (state->next_waiters->len > 0)
    {
      g_autoptr(GPtrArray) next = g_steal_pointer (&state->next_waiters);

      state->next_waiters = g_ptr_array_new_with_free_func (g_object_unref);
      /* The next job reconciles when one of them asked for it. */
      for (guint i = 0; i < next->len; i++)
        join_or_start (self, state->scope, FALSE, g_ptr_array_index (next, i));
    }
  /* A reconcile still to do after a failure waits for the retry, as the
   * rest of the failed job does: only new changes come sooner. */
  else if (state->dirty || (error == NULL && state->reconcile_needed))
    {
      state->dirty = FALSE;
      schedule_sync (self, state, error == NULL ? 0 : self->debounce_interval);
    }

  for (guint i = 0; i < waiters->len; i++)
    {
      GTask *task = g_ptr_array_index (waiters, i);
      GCancellable *cancellable = g_task_get_cancellable (task);
      gulong id = GPOINTER_TO_SIZE (g_object_get_data (G_OBJECT (task), "just-sync-cancel-id"));

      if (id != 0)
        g_cancellable_disconnect (cancellable, id);
      if (error != NULL)
        g_task_return_error (task, g_error_copy (error));
      else
        g_task_return_pointer (task, just_sync_sync_result_ref (job->result),
                               (GDestroyNotify) just_sync_sync_result_unref);
    }

  g_clear_error (&error);
  sync_job_unref (job);
}

static gboolean
job_failed (SyncJob *job,
            GError  *error)
{
  if (error == NULL)
    return FALSE;
  job_finish (job, error);
  return TRUE;
}

/* Pull */

static void
job_apply_cb (GObject      *object,
              GAsyncResult *res,
              gpointer      user_data)
{
  SyncJob *job = user_data;
  g_autoptr(JustSyncApplyResult) applied = NULL;
  g_autoptr(JustSyncDelta) delta = g_steal_pointer (&job->delta);
  GError *error = NULL;
  GPtrArray *conflicts;

  applied = just_sync_local_store_apply_remote_changes_finish (JUST_SYNC_LOCAL_STORE (object), res, &error);
  if (job_failed (job, error))
    return;

  _just_sync_sync_result_add_applied (job->result, applied);
  conflicts = just_sync_apply_result_get_conflicts (applied);
  for (guint i = 0; i < conflicts->len; i++)
    g_signal_emit (job->self, signals[CONFLICT], 0, job->scope, g_ptr_array_index (conflicts, i));

  job->pulled += just_sync_delta_get_records (delta)->len;
  job_emit_progress (job, job->reconcile ? JUST_SYNC_PHASE_RECONCILE : JUST_SYNC_PHASE_PULL,
                     job->pulled, 0);

  if (just_sync_delta_get_has_more (delta))
    {
      g_autoptr(JustSyncSyncPoint) next = just_sync_delta_dup_cursor (delta);

      /* Keyset pages only move forward; a server whose cursor does not
       * would be asked for the same page forever. */
      if (job->cursor != NULL &&
          just_sync_sync_point_compare (job->cursor, just_sync_sync_point_get_updated_at (next),
                                        just_sync_sync_point_get_last_id (next)) >= 0)
        {
          job_failed (job, g_error_new_literal (JUST_SYNC_ERROR, JUST_SYNC_ERROR_SERVER,
                                                _("The server sent a page that does not move past the last one")));
          return;
        }
      g_clear_pointer (&job->cursor, just_sync_sync_point_unref);
      job->cursor = g_steal_pointer (&next);
      job_pull_next_page (job);
    }
  else
    job_push_start (job);
}

static void
job_fetch_cb (GObject      *object,
              GAsyncResult *res,
              gpointer      user_data)
{
  SyncJob *job = user_data;
  GError *error = NULL;
  GPtrArray *records;

  job->delta = just_sync_remote_store_fetch_since_finish (JUST_SYNC_REMOTE_STORE (object), res, &error);
  if (job_failed (job, error))
    return;

  records = just_sync_delta_get_records (job->delta);
  if (job->first_server_time == 0)
    job->first_server_time = just_sync_delta_get_server_time (job->delta);
  if (job->seen_ids != NULL)
    for (guint i = 0; i < records->len; i++)
      g_ptr_array_add (job->seen_ids, g_strdup (just_sync_record_get_id (g_ptr_array_index (records, i))));

  if (records->len == 0)
    {
      gboolean has_more = just_sync_delta_get_has_more (job->delta);

      g_clear_pointer (&job->delta, just_sync_delta_unref);
      /* A page that says "more" but holds nothing cannot move the cursor,
       * and a reconcile must not prune on a list it knows is incomplete. */
      if (has_more)
        job_failed (job, g_error_new_literal (JUST_SYNC_ERROR, JUST_SYNC_ERROR_SERVER,
                                              _("The server announced more changes but sent none")));
      else
        job_push_start (job);
      return;
    }

  just_sync_local_store_apply_remote_changes_async (job->self->local, job->scope, job->delta,
                                                    job->self->resolver, job->cancellable,
                                                    job_apply_cb, job);
}

static void
job_pull_next_page (SyncJob *job)
{
  just_sync_remote_store_fetch_since_async (job->self->remote, job->scope, job->cursor,
                                            job->self->page_size, job->cancellable,
                                            job_fetch_cb, job);
}

static void
job_forget_sync_point_cb (GObject      *object,
                          GAsyncResult *res,
                          gpointer      user_data)
{
  SyncJob *job = user_data;
  GError *error = NULL;

  if (!just_sync_local_store_save_sync_point_finish (JUST_SYNC_LOCAL_STORE (object), res, &error))
    {
      job_failed (job, error);
      return;
    }
  job_pull_next_page (job);
}

/* A reconcile reads the whole scope from the start and then removes what
 * the server no longer has, so it begins by forgetting the sync point: the
 * full read sets it again, even when the server's clock stepped back. */
static void
job_start_reconcile (SyncJob *job)
{
  job->reconcile = TRUE;
  job->state->reconcile_needed = FALSE;
  g_clear_pointer (&job->cursor, just_sync_sync_point_unref);
  job->seen_ids = g_ptr_array_new_with_free_func (g_free);
  just_sync_local_store_save_sync_point_async (job->self->local, job->scope, NULL, job->cancellable,
                                               job_forget_sync_point_cb, job);
}

static void
job_sync_point_cb (GObject      *object,
                   GAsyncResult *res,
                   gpointer      user_data)
{
  SyncJob *job = user_data;
  JustSyncOrchestrator *self = job->self;
  g_autoptr(JustSyncSyncPoint) point = NULL;
  GError *error = NULL;
  gint64 server_now = just_sync_orchestrator_now (self);

  point = just_sync_local_store_get_sync_point_finish (JUST_SYNC_LOCAL_STORE (object), res, &error);
  if (job_failed (job, error))
    return;

  /* Deltas cannot repair a server clock that stepped back behind our
   * checkpoint, nor tombstones the server purged while we were away. Both
   * times are valid timestamps: their difference cannot overflow, a sum
   * with the window (up to G_MAXINT64) could. */
  if (point != NULL &&
      (just_sync_sync_point_get_updated_at (point) - server_now > self->overlap_window ||
       (self->tombstone_retention > 0 &&
        server_now - (job->state->pulled_at != 0 ? job->state->pulled_at
                                                 : just_sync_sync_point_get_updated_at (point))
        > self->tombstone_retention)))
    {
      job_start_reconcile (job);
      return;
    }

  if (point != NULL)
    job->cursor = just_sync_sync_point_rewind (point, self->overlap_window);
  job_pull_next_page (job);
}

static void
job_server_time_cb (GObject      *object,
                    GAsyncResult *res,
                    gpointer      user_data)
{
  SyncJob *job = user_data;
  GError *error = NULL;
  gint64 server_time, t1 = g_get_real_time ();

  server_time = just_sync_remote_store_get_server_time_finish (JUST_SYNC_REMOTE_STORE (object), res, &error);
  if (job_failed (job, error))
    return;

  if (server_time > 0)
    refine_clock_offset (job->self, server_time, job->batch_t0, t1);

  if (job->reconcile)
    job_start_reconcile (job);
  else
    just_sync_local_store_get_sync_point_async (job->self->local, job->scope, job->cancellable,
                                                job_sync_point_cb, job);
}

/* Push */

static void
job_prune_cb (GObject      *object,
              GAsyncResult *res,
              gpointer      user_data)
{
  SyncJob *job = user_data;
  GError *error = NULL;
  guint pruned;

  pruned = just_sync_local_store_prune_missing_finish (JUST_SYNC_LOCAL_STORE (object), res, &error);
  if (job_failed (job, error))
    return;

  _just_sync_sync_result_add_deleted (job->result, pruned);
  g_clear_pointer (&job->seen_ids, g_ptr_array_unref);
  job_push_start (job);
}

static void
job_commit_cb (GObject      *object,
               GAsyncResult *res,
               gpointer      user_data)
{
  SyncJob *job = user_data;
  g_autoptr(JustSyncApplyResult) applied = NULL;
  GError *error = NULL;

  applied = just_sync_local_store_commit_push_results_finish (JUST_SYNC_LOCAL_STORE (object), res, &error);
  if (job_failed (job, error) || job_failed (job, g_steal_pointer (&job->push_error)))
    return;

  job_emit_progress (job, JUST_SYNC_PHASE_PUSH, job->push_index, job->push_total);
  job_push_next_batch (job);
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

static void
job_batch_cb (GObject      *object,
              GAsyncResult *res,
              gpointer      user_data)
{
  SyncJob *job = user_data;
  JustSyncOrchestrator *self = job->self;
  JustSyncPendingOp *first = g_ptr_array_index (job->batch, 0);
  g_autoptr(GPtrArray) results = NULL;
  g_autoptr(GPtrArray) checked = NULL;
  GError *error = NULL;
  gint64 t1 = g_get_real_time ();

  if (just_sync_pending_op_get_kind (first) == JUST_SYNC_OP_UPSERT)
    results = just_sync_remote_store_batch_upsert_finish (self->remote, res, &error);
  else
    results = just_sync_remote_store_batch_delete_finish (self->remote, res, &error);

  /* The whole batch failed: it may still have reached the server (a lost
   * reply, or a cancel while the request was out), so count the attempt of
   * every op before failing the sync. */
  if (results == NULL)
    {
      job->push_error = error;
      results = g_ptr_array_new ();
    }

  /* One result per operation sent, whatever the store answered: a missing
   * answer is a transient failure, an answer for something not sent is
   * ignored. Nothing is dropped on the store's word alone. */
  checked = g_ptr_array_new_with_free_func ((GDestroyNotify) just_sync_push_result_unref);
  for (guint i = 0; i < job->batch->len; i++)
    {
      JustSyncPendingOp *op = g_ptr_array_index (job->batch, i);
      JustSyncPushResult *result = find_result (results, op);
      JustSyncRecord *reply;

      if (result == NULL || (just_sync_push_result_get_status (result) == JUST_SYNC_PUSH_WRITTEN &&
                             just_sync_push_result_get_reply (result) == NULL))
        result = just_sync_push_result_new_failed (just_sync_pending_op_get_seq (op),
                                                   just_sync_pending_op_get_record_id (op),
                                                   JUST_SYNC_PUSH_RETRY,
                                                   job->push_error != NULL
                                                   ? job->push_error->message
                                                   : _("The server did not answer for this record"), 0);
      else
        just_sync_push_result_ref (result);
      g_ptr_array_add (checked, result);

      switch (just_sync_push_result_get_status (result))
        {
        case JUST_SYNC_PUSH_WRITTEN:
          _just_sync_sync_result_add_pushed (job->result, 1);
          reply = just_sync_push_result_get_reply (result);
          if (just_sync_record_get_updated_at (reply) > 0)
            refine_clock_offset (self, just_sync_record_get_updated_at (reply), job->batch_t0, t1);
          break;

        case JUST_SYNC_PUSH_REJECTED:
          {
            g_autoptr(JustSyncPendingOp) failed = NULL;

            failed = just_sync_pending_op_new (just_sync_pending_op_get_seq (op),
                                               just_sync_pending_op_get_kind (op),
                                               just_sync_pending_op_get_record (op),
                                               just_sync_pending_op_get_base_version (op),
                                               just_sync_pending_op_get_attempts (op) + 1,
                                               JUST_SYNC_OP_STATE_FAILED,
                                               just_sync_push_result_get_message (result));
            _just_sync_sync_result_add_failed_op (job->result, failed);
            g_signal_emit (self, signals[OP_FAILED], 0, job->scope, failed);
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
          break;
        }
    }

  /* Not cancellable: what the server may have done must be recorded. */
  just_sync_local_store_commit_push_results_async (self->local, job->scope, checked, NULL,
                                                   job_commit_cb, job);
}

static void
job_push_next_batch (SyncJob *job)
{
  JustSyncOrchestrator *self = job->self;
  JustSyncOpKind kind;
  GError *error = NULL;

  if (job->push_index >= job->push_ops->len)
    {
      job_finish (job, NULL);
      return;
    }

  /* A batch sent after a cancel would count attempts it never made. */
  if (g_cancellable_set_error_if_cancelled (job->cancellable, &error))
    {
      job_failed (job, error);
      return;
    }

  /* A batch holds operations of one kind, in queue order. */
  g_clear_pointer (&job->batch, g_ptr_array_unref);
  job->batch = g_ptr_array_new_with_free_func ((GDestroyNotify) just_sync_pending_op_unref);
  kind = just_sync_pending_op_get_kind (g_ptr_array_index (job->push_ops, job->push_index));
  while (job->push_index < job->push_ops->len && job->batch->len < self->push_batch_size)
    {
      JustSyncPendingOp *op = g_ptr_array_index (job->push_ops, job->push_index);

      if (just_sync_pending_op_get_kind (op) != kind)
        break;
      g_ptr_array_add (job->batch, just_sync_pending_op_ref (op));
      job->push_index++;
    }

  job->batch_t0 = g_get_real_time ();
  if (kind == JUST_SYNC_OP_UPSERT)
    just_sync_remote_store_batch_upsert_async (self->remote, job->scope, job->batch, job->cancellable,
                                               job_batch_cb, job);
  else
    just_sync_remote_store_batch_delete_async (self->remote, job->scope, job->batch, job->cancellable,
                                               job_batch_cb, job);
}

static void
job_list_ops_cb (GObject      *object,
                 GAsyncResult *res,
                 gpointer      user_data)
{
  SyncJob *job = user_data;
  g_autoptr(GPtrArray) ops = NULL;
  g_autoptr(GHashTable) newest = g_hash_table_new (g_str_hash, g_str_equal);
  GError *error = NULL;

  ops = just_sync_local_store_list_pending_ops_finish (JUST_SYNC_LOCAL_STORE (object), res, &error);
  if (job_failed (job, error))
    return;

  /* Compact: only the newest change of each record is pushed (rule 6). Its
   * acknowledgement clears the older ones; a record whose newest change
   * was rejected stays parked until it is retried or discarded. */
  for (guint i = 0; i < ops->len; i++)
    {
      JustSyncPendingOp *op = g_ptr_array_index (ops, i);

      g_hash_table_replace (newest, (gpointer) just_sync_pending_op_get_record_id (op), op);
    }

  job->push_ops = g_ptr_array_new_with_free_func ((GDestroyNotify) just_sync_pending_op_unref);
  for (guint i = 0; i < ops->len; i++)
    {
      JustSyncPendingOp *op = g_ptr_array_index (ops, i);

      if (g_hash_table_lookup (newest, just_sync_pending_op_get_record_id (op)) == op &&
          just_sync_pending_op_get_state (op) == JUST_SYNC_OP_STATE_QUEUED)
        g_ptr_array_add (job->push_ops, just_sync_pending_op_ref (op));
    }

  job->push_total = job->push_ops->len;
  if (job->push_total > 0)
    job_emit_progress (job, JUST_SYNC_PHASE_PUSH, 0, job->push_total);
  job_push_next_batch (job);
}

static void
job_push_start (SyncJob *job)
{
  /* Every page is in: a quiet scope is not a scope we were away from. */
  if (job->first_server_time > 0)
    job->state->pulled_at = job->first_server_time;

  if (job->seen_ids != NULL)
    {
      g_ptr_array_add (job->seen_ids, NULL);
      just_sync_local_store_prune_missing_async (job->self->local, job->scope,
                                                 (const char * const *) job->seen_ids->pdata,
                                                 job->cancellable, job_prune_cb, job);
      return;
    }

  job->pushing = TRUE;
  just_sync_local_store_list_pending_ops_async (job->self->local, job->scope, job->cancellable,
                                                job_list_ops_cb, job);
}

static SyncJob *
start_job (JustSyncOrchestrator *self,
           ScopeState           *state,
           gboolean              reconcile)
{
  SyncJob *job = g_atomic_rc_box_new0 (SyncJob);

  g_assert (state->job == NULL);

  job->self = g_object_ref (self);
  job->state = state;
  job->scope = just_sync_scope_ref (state->scope);
  job->reconcile = reconcile || state->reconcile_needed;
  job->cancellable = g_cancellable_new ();
  job->waiters = g_ptr_array_new_with_free_func (g_object_unref);
  job->result = just_sync_sync_result_new (state->scope);
  state->job = job;
  state->dirty = FALSE;
  g_clear_handle_id (&state->debounce_id, g_source_remove);
  g_clear_handle_id (&state->retry_id, g_source_remove);

  self->n_running++;
  update_idle_state (self);
  g_signal_emit (self, signals[SYNC_STARTED], 0, state->scope);

  job->batch_t0 = g_get_real_time ();
  just_sync_remote_store_get_server_time_async (self->remote, job->cancellable, job_server_time_cb, job);
  return job;
}

static gboolean
debounce_cb (gpointer user_data)
{
  ScopeState *state = user_data;
  JustSyncOrchestrator *self = state->self;

  state->debounce_id = 0;
  if (!is_online (self))
    return G_SOURCE_REMOVE;
  if (state->job != NULL)
    state->dirty = TRUE;
  else
    start_job (self, state, FALSE);
  return G_SOURCE_REMOVE;
}

/* Asks for a background sync of @state's scope after @delay_ms, unless one
 * is due sooner; a running sync is followed by another. */
static void
schedule_sync (JustSyncOrchestrator *self,
               ScopeState           *state,
               guint                 delay_ms)
{
  if (state->job != NULL)
    {
      state->dirty = TRUE;
      return;
    }
  g_clear_handle_id (&state->debounce_id, g_source_remove);
  state->debounce_id = attach_timeout (self, delay_ms, debounce_cb, state);
}

static void
join_or_start (JustSyncOrchestrator *self,
               JustSyncScope        *scope,
               gboolean              reconcile,
               GTask                *task)
{
  ScopeState *state = ensure_scope (self, scope);

  if (!is_online (self))
    {
      g_task_return_new_error (task, JUST_SYNC_ERROR, JUST_SYNC_ERROR_OFFLINE,
                               _("The network is not available"));
      return;
    }

  /* A caller joins the running job only while it can still push the
   * caller's changes; a reconcile asked for while a plain sync runs starts
   * after it too. */
  if (state->job != NULL && (state->job->pushing || (reconcile && !state->job->reconcile)))
    {
      if (reconcile)
        state->reconcile_needed = TRUE;
      g_ptr_array_add (state->next_waiters, g_object_ref (task));
      return;
    }

  if (state->job == NULL)
    start_job (self, state, reconcile);
  job_add_waiter (state->job, task);
}

/* Public sync API */

static JustSyncSyncResult *
propagate_sync_result (JustSyncOrchestrator  *self,
                       GAsyncResult          *result,
                       gpointer               source_tag,
                       GError               **error)
{
  g_return_val_if_fail (JUST_SYNC_IS_ORCHESTRATOR (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == source_tag, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/**
 * just_sync_orchestrator_synchronize_async:
 * @self: a #JustSyncOrchestrator
 * @scope: the scope to sync
 * @cancellable: (nullable): a #GCancellable
 * @callback: (scope async): called when the sync is done
 * @user_data: data for @callback
 *
 * Syncs @scope now: pulls the server's changes, then pushes the pending
 * operations. When a sync of @scope is already running, the call joins it,
 * unless that sync already chose what to push: then the call is completed
 * by the next sync, so that every change made before the call is pushed.
 * Cancelling stops the sync once every caller waiting for it has cancelled;
 * the stores stay consistent, since every step is a transaction.
 *
 * Fails at once with %JUST_SYNC_ERROR_OFFLINE when the network is down.
 */
void
just_sync_orchestrator_synchronize_async (JustSyncOrchestrator *self,
                                          JustSyncScope        *scope,
                                          GCancellable         *cancellable,
                                          GAsyncReadyCallback   callback,
                                          gpointer              user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (JUST_SYNC_IS_ORCHESTRATOR (self));
  g_return_if_fail (scope != NULL);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, just_sync_orchestrator_synchronize_async);
  join_or_start (self, scope, FALSE, task);
}

/**
 * just_sync_orchestrator_synchronize_finish:
 * @self: a #JustSyncOrchestrator
 * @result: the #GAsyncResult passed to the callback
 * @error: return location for an error
 *
 * Finishes just_sync_orchestrator_synchronize_async().
 *
 * Returns: (transfer full): what the sync did
 */
JustSyncSyncResult *
just_sync_orchestrator_synchronize_finish (JustSyncOrchestrator  *self,
                                           GAsyncResult          *result,
                                           GError               **error)
{
  return propagate_sync_result (self, result, just_sync_orchestrator_synchronize_async, error);
}

/**
 * just_sync_orchestrator_reconcile_async:
 * @self: a #JustSyncOrchestrator
 * @scope: the scope to reconcile
 * @cancellable: (nullable): a #GCancellable
 * @callback: (scope async): called when the reconcile is done
 * @user_data: data for @callback
 *
 * Compares the whole of @scope with the server and repairs what deltas
 * cannot show: rows deleted hard on the server, a server clock that
 * stepped back behind the sync point, tombstones the server purged while
 * this client was away. It re-reads every row of the scope, removes the
 * local rows the server no longer has (never rows with pending changes),
 * then pushes as a sync does. The engine also starts one by itself when it
 * notices a clock step or a gap longer than
 * #JustSyncOrchestrator:tombstone-retention.
 */
void
just_sync_orchestrator_reconcile_async (JustSyncOrchestrator *self,
                                        JustSyncScope        *scope,
                                        GCancellable         *cancellable,
                                        GAsyncReadyCallback   callback,
                                        gpointer              user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (JUST_SYNC_IS_ORCHESTRATOR (self));
  g_return_if_fail (scope != NULL);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, just_sync_orchestrator_reconcile_async);
  join_or_start (self, scope, TRUE, task);
}

/**
 * just_sync_orchestrator_reconcile_finish:
 * @self: a #JustSyncOrchestrator
 * @result: the #GAsyncResult passed to the callback
 * @error: return location for an error
 *
 * Finishes just_sync_orchestrator_reconcile_async().
 *
 * Returns: (transfer full): what the reconcile did
 */
JustSyncSyncResult *
just_sync_orchestrator_reconcile_finish (JustSyncOrchestrator  *self,
                                         GAsyncResult          *result,
                                         GError               **error)
{
  return propagate_sync_result (self, result, just_sync_orchestrator_reconcile_async, error);
}

/* Reads */

typedef struct
{
  JustSyncScope *scope;
  JustSyncReadPolicy policy;
  gboolean from_cache;
} ReadData;

static void
read_data_free (ReadData *data)
{
  just_sync_scope_unref (data->scope);
  g_free (data);
}

static void
read_query_cb (GObject      *object,
               GAsyncResult *res,
               gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;
  GPtrArray *records;

  records = just_sync_local_store_query_finish (JUST_SYNC_LOCAL_STORE (object), res, &error);
  if (records == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, records, (GDestroyNotify) g_ptr_array_unref);
}

static void
read_local (GTask *task)
{
  JustSyncOrchestrator *self = g_task_get_source_object (task);
  ReadData *data = g_task_get_task_data (task);

  just_sync_local_store_query_async (self->local, data->scope, g_task_get_cancellable (task),
                                     read_query_cb, task);
}

static void
read_sync_cb (GObject      *object,
              GAsyncResult *res,
              gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  JustSyncOrchestrator *self = JUST_SYNC_ORCHESTRATOR (object);
  ReadData *data = g_task_get_task_data (task);
  g_autoptr(JustSyncSyncResult) result = NULL;
  GError *error = NULL;

  result = just_sync_orchestrator_synchronize_finish (self, res, &error);
  if (result == NULL)
    {
      /* REMOTE_FIRST falls back to the local copy when the server cannot be
       * reached, and says so; ONLINE_ONLY and other errors fail. */
      if (data->policy == JUST_SYNC_READ_REMOTE_FIRST &&
          just_sync_error_is_transient (error))
        {
          g_clear_error (&error);
          data->from_cache = TRUE;
        }
      else
        {
          g_task_return_error (task, error);
          return;
        }
    }

  read_local (g_steal_pointer (&task));
}

/**
 * just_sync_orchestrator_read_async:
 * @self: a #JustSyncOrchestrator
 * @scope: the scope to read
 * @policy: where to read from
 * @cancellable: (nullable): a #GCancellable
 * @callback: (scope async): called with the records
 * @user_data: data for @callback
 *
 * Reads the live records of @scope by @policy:
 * %JUST_SYNC_READ_OFFLINE_ONLY reads the local store; %JUST_SYNC_READ_LOCAL_FIRST
 * reads it and refreshes it in the background; %JUST_SYNC_READ_REMOTE_FIRST
 * syncs first and falls back to the local store when offline or when the
 * server cannot be reached; %JUST_SYNC_READ_ONLINE_ONLY syncs first and fails
 * when that is impossible.
 */
void
just_sync_orchestrator_read_async (JustSyncOrchestrator *self,
                                   JustSyncScope        *scope,
                                   JustSyncReadPolicy    policy,
                                   GCancellable         *cancellable,
                                   GAsyncReadyCallback   callback,
                                   gpointer              user_data)
{
  g_autoptr(GTask) task = NULL;
  ReadData *data;

  g_return_if_fail (JUST_SYNC_IS_ORCHESTRATOR (self));
  g_return_if_fail (scope != NULL);
  g_return_if_fail (policy <= JUST_SYNC_READ_ONLINE_ONLY);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, just_sync_orchestrator_read_async);
  data = g_new0 (ReadData, 1);
  data->scope = just_sync_scope_ref (scope);
  data->policy = policy;
  data->from_cache = policy == JUST_SYNC_READ_OFFLINE_ONLY || policy == JUST_SYNC_READ_LOCAL_FIRST;
  g_task_set_task_data (task, data, (GDestroyNotify) read_data_free);

  ensure_scope (self, scope);

  switch (policy)
    {
    case JUST_SYNC_READ_LOCAL_FIRST:
      if (is_online (self))
        schedule_sync (self, ensure_scope (self, scope), 0);
      read_local (g_steal_pointer (&task));
      break;

    case JUST_SYNC_READ_REMOTE_FIRST:
      if (!is_online (self))
        {
          data->from_cache = TRUE;
          read_local (g_steal_pointer (&task));
          break;
        }
      G_GNUC_FALLTHROUGH;

    case JUST_SYNC_READ_ONLINE_ONLY:
      just_sync_orchestrator_synchronize_async (self, scope, cancellable, read_sync_cb,
                                                g_steal_pointer (&task));
      break;

    case JUST_SYNC_READ_OFFLINE_ONLY:
    default:
      read_local (g_steal_pointer (&task));
      break;
    }
}

/**
 * just_sync_orchestrator_read_finish:
 * @self: a #JustSyncOrchestrator
 * @result: the #GAsyncResult passed to the callback
 * @out_from_cache: (out) (optional): set to %TRUE when the records come
 *   from the local store without a successful sync just before (offline,
 *   a fallback, or a local-first read)
 * @error: return location for an error
 *
 * Finishes just_sync_orchestrator_read_async().
 *
 * Returns: (transfer container) (element-type JustSyncRecord): the live records,
 *   ordered by id
 */
GPtrArray *
just_sync_orchestrator_read_finish (JustSyncOrchestrator  *self,
                                    GAsyncResult          *result,
                                    gboolean              *out_from_cache,
                                    GError               **error)
{
  ReadData *data;
  GPtrArray *records;

  g_return_val_if_fail (JUST_SYNC_IS_ORCHESTRATOR (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == just_sync_orchestrator_read_async, NULL);

  data = g_task_get_task_data (G_TASK (result));
  records = g_task_propagate_pointer (G_TASK (result), error);
  if (out_from_cache != NULL)
    *out_from_cache = records != NULL && data->from_cache;
  return records;
}

static void
get_cb (GObject      *object,
        GAsyncResult *res,
        gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(JustSyncRecord) record = NULL;
  GError *error = NULL;

  record = just_sync_local_store_get_finish (JUST_SYNC_LOCAL_STORE (object), res, &error);
  if (error != NULL)
    g_task_return_error (task, error);
  else if (record == NULL || just_sync_record_is_deleted (record))
    g_task_return_pointer (task, NULL, NULL);
  else
    g_task_return_pointer (task, g_steal_pointer (&record), (GDestroyNotify) just_sync_record_unref);
}

/**
 * just_sync_orchestrator_get_async:
 * @self: a #JustSyncOrchestrator
 * @scope: the record's scope
 * @id: the record's id
 * @cancellable: (nullable): a #GCancellable
 * @callback: (scope async): called with the record
 * @user_data: data for @callback
 *
 * Reads one record from the local store.
 */
void
just_sync_orchestrator_get_async (JustSyncOrchestrator *self,
                                  JustSyncScope        *scope,
                                  const char           *id,
                                  GCancellable         *cancellable,
                                  GAsyncReadyCallback   callback,
                                  gpointer              user_data)
{
  GTask *task;

  g_return_if_fail (JUST_SYNC_IS_ORCHESTRATOR (self));
  g_return_if_fail (scope != NULL);
  g_return_if_fail (id != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, just_sync_orchestrator_get_async);
  just_sync_local_store_get_async (self->local, scope, id, cancellable, get_cb, task);
}

/**
 * just_sync_orchestrator_get_finish:
 * @self: a #JustSyncOrchestrator
 * @result: the #GAsyncResult passed to the callback
 * @error: return location for an error
 *
 * Finishes just_sync_orchestrator_get_async().
 *
 * Returns: (transfer full) (nullable): the record, or %NULL without an
 *   error when there is none or it was deleted
 */
JustSyncRecord *
just_sync_orchestrator_get_finish (JustSyncOrchestrator  *self,
                                   GAsyncResult          *result,
                                   GError               **error)
{
  g_return_val_if_fail (JUST_SYNC_IS_ORCHESTRATOR (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/* Writes */

typedef enum {
  WRITE_CREATE,
  WRITE_UPDATE,
  WRITE_DELETE,
} WriteKind;

typedef struct
{
  JustSyncScope *scope;
  char *id;
  JsonObject *payload;
  WriteKind kind;
  JustSyncRecord *written;
} WriteData;

static void
write_data_free (WriteData *data)
{
  just_sync_scope_unref (data->scope);
  g_free (data->id);
  g_clear_pointer (&data->payload, json_object_unref);
  g_clear_pointer (&data->written, just_sync_record_unref);
  g_free (data);
}

static void
write_done_cb (GObject      *object,
               GAsyncResult *res,
               gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  JustSyncOrchestrator *self = g_task_get_source_object (task);
  WriteData *data = g_task_get_task_data (task);
  g_autoptr(GPtrArray) ops = NULL;
  GError *error = NULL;

  if (data->kind == WRITE_DELETE)
    ops = just_sync_local_store_delete_many_finish (JUST_SYNC_LOCAL_STORE (object), res, &error);
  else
    ops = just_sync_local_store_upsert_many_finish (JUST_SYNC_LOCAL_STORE (object), res, &error);
  if (ops == NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  refresh_counts (self);
  if (is_online (self))
    schedule_sync (self, ensure_scope (self, data->scope), self->debounce_interval);
  else
    ensure_scope (self, data->scope);

  if (data->kind == WRITE_DELETE)
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_pointer (task, just_sync_record_ref (data->written),
                           (GDestroyNotify) just_sync_record_unref);
}

static void
write_lookup_cb (GObject      *object,
                 GAsyncResult *res,
                 gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  JustSyncOrchestrator *self = g_task_get_source_object (task);
  WriteData *data = g_task_get_task_data (task);
  g_autoptr(JustSyncRecord) existing = NULL;
  GCancellable *cancellable = g_task_get_cancellable (task);
  gboolean live;
  GError *error = NULL;

  existing = just_sync_local_store_get_finish (JUST_SYNC_LOCAL_STORE (object), res, &error);
  if (error != NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  live = existing != NULL && !just_sync_record_is_deleted (existing);
  if (data->kind == WRITE_CREATE && live)
    {
      g_task_return_new_error (task, JUST_SYNC_ERROR, JUST_SYNC_ERROR_INVALID_ARGUMENT,
                               _("A record with the id “%s” already exists"), data->id);
      return;
    }
  if (data->kind != WRITE_CREATE && existing == NULL)
    {
      g_task_return_new_error (task, JUST_SYNC_ERROR, JUST_SYNC_ERROR_NOT_FOUND,
                               _("There is no record with the id “%s”"), data->id);
      return;
    }
  if (data->kind == WRITE_UPDATE && !live)
    {
      g_task_return_new_error (task, JUST_SYNC_ERROR, JUST_SYNC_ERROR_NOT_FOUND,
                               _("The record “%s” was deleted"), data->id);
      return;
    }

  if (data->kind == WRITE_DELETE)
    {
      const char *ids[] = { data->id, NULL };

      just_sync_local_store_delete_many_async (self->local, data->scope, ids,
                                               just_sync_orchestrator_now (self), cancellable,
                                               write_done_cb, g_steal_pointer (&task));
    }
  else
    {
      g_autoptr(GPtrArray) records = g_ptr_array_new ();

      data->written = just_sync_record_new (data->id, data->payload, just_sync_orchestrator_now (self),
                                            0, &error);
      if (data->written == NULL)
        {
          g_task_return_error (task, error);
          return;
        }
      g_ptr_array_add (records, data->written);
      just_sync_local_store_upsert_many_async (self->local, data->scope, records, cancellable,
                                               write_done_cb, g_steal_pointer (&task));
    }
}

static void
start_write (JustSyncOrchestrator *self,
             WriteKind             kind,
             JustSyncScope        *scope,
             const char           *id,
             JsonObject           *payload,
             GCancellable         *cancellable,
             GAsyncReadyCallback   callback,
             gpointer              user_data,
             gpointer              source_tag)
{
  GTask *task = g_task_new (self, cancellable, callback, user_data);
  WriteData *data = g_new0 (WriteData, 1);

  g_task_set_source_tag (task, source_tag);
  data->scope = just_sync_scope_ref (scope);
  data->kind = kind;
  data->id = id != NULL ? g_strdup (id) : just_sync_remote_store_generate_id (self->remote, scope);
  data->payload = payload != NULL ? json_object_ref (payload) : NULL;
  g_task_set_task_data (task, data, (GDestroyNotify) write_data_free);

  if (data->id == NULL || data->id[0] == '\0' || !g_utf8_validate (data->id, -1, NULL))
    {
      g_task_return_new_error (task, JUST_SYNC_ERROR, JUST_SYNC_ERROR_INVALID_ARGUMENT,
                               _("A record id must be a non-empty UTF-8 string"));
      g_object_unref (task);
      return;
    }

  just_sync_local_store_get_async (self->local, scope, data->id, cancellable, write_lookup_cb, task);
}

/**
 * just_sync_orchestrator_create_async:
 * @self: a #JustSyncOrchestrator
 * @scope: the scope of the new record
 * @id: (nullable): the new record's id, or %NULL for a new client id from
 *   the remote store (just_sync_remote_store_generate_id())
 * @payload: the record's content
 * @cancellable: (nullable): a #GCancellable
 * @callback: (scope async): called when the record is stored locally
 * @user_data: data for @callback
 *
 * Creates a record: it is written to the local store with its pending
 * operation in one transaction, #JustSyncOrchestrator::changed is emitted,
 * and a sync is scheduled. Works offline. The record is stamped with
 * just_sync_orchestrator_now().
 */
void
just_sync_orchestrator_create_async (JustSyncOrchestrator *self,
                                     JustSyncScope        *scope,
                                     const char           *id,
                                     JsonObject           *payload,
                                     GCancellable         *cancellable,
                                     GAsyncReadyCallback   callback,
                                     gpointer              user_data)
{
  g_return_if_fail (JUST_SYNC_IS_ORCHESTRATOR (self));
  g_return_if_fail (scope != NULL);
  g_return_if_fail (payload != NULL);

  start_write (self, WRITE_CREATE, scope, id, payload, cancellable, callback, user_data,
               just_sync_orchestrator_create_async);
}

static JustSyncRecord *
propagate_record (JustSyncOrchestrator  *self,
                  GAsyncResult          *result,
                  gpointer               source_tag,
                  GError               **error)
{
  g_return_val_if_fail (JUST_SYNC_IS_ORCHESTRATOR (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == source_tag, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/**
 * just_sync_orchestrator_create_finish:
 * @self: a #JustSyncOrchestrator
 * @result: the #GAsyncResult passed to the callback
 * @error: return location for an error
 *
 * Finishes just_sync_orchestrator_create_async().
 *
 * Returns: (transfer full): the record as stored, with its id
 */
JustSyncRecord *
just_sync_orchestrator_create_finish (JustSyncOrchestrator  *self,
                                      GAsyncResult          *result,
                                      GError               **error)
{
  return propagate_record (self, result, just_sync_orchestrator_create_async, error);
}

/**
 * just_sync_orchestrator_update_async:
 * @self: a #JustSyncOrchestrator
 * @scope: the record's scope
 * @id: the record's id
 * @payload: the record's new content, replacing the old
 * @cancellable: (nullable): a #GCancellable
 * @callback: (scope async): called when the change is stored locally
 * @user_data: data for @callback
 *
 * Replaces the content of a record, as just_sync_orchestrator_create_async()
 * creates one. Fails with %JUST_SYNC_ERROR_NOT_FOUND when there is no live
 * record with @id.
 */
void
just_sync_orchestrator_update_async (JustSyncOrchestrator *self,
                                     JustSyncScope        *scope,
                                     const char           *id,
                                     JsonObject           *payload,
                                     GCancellable         *cancellable,
                                     GAsyncReadyCallback   callback,
                                     gpointer              user_data)
{
  g_return_if_fail (JUST_SYNC_IS_ORCHESTRATOR (self));
  g_return_if_fail (scope != NULL);
  g_return_if_fail (id != NULL);
  g_return_if_fail (payload != NULL);

  start_write (self, WRITE_UPDATE, scope, id, payload, cancellable, callback, user_data,
               just_sync_orchestrator_update_async);
}

/**
 * just_sync_orchestrator_update_finish:
 * @self: a #JustSyncOrchestrator
 * @result: the #GAsyncResult passed to the callback
 * @error: return location for an error
 *
 * Finishes just_sync_orchestrator_update_async().
 *
 * Returns: (transfer full): the record as stored
 */
JustSyncRecord *
just_sync_orchestrator_update_finish (JustSyncOrchestrator  *self,
                                      GAsyncResult          *result,
                                      GError               **error)
{
  return propagate_record (self, result, just_sync_orchestrator_update_async, error);
}

/**
 * just_sync_orchestrator_delete_async:
 * @self: a #JustSyncOrchestrator
 * @scope: the record's scope
 * @id: the record's id
 * @cancellable: (nullable): a #GCancellable
 * @callback: (scope async): called when the delete is stored locally
 * @user_data: data for @callback
 *
 * Deletes a record: the local row becomes a tombstone and a delete is
 * queued, in one transaction. Deleting a deleted record succeeds; deleting
 * an unknown id fails with %JUST_SYNC_ERROR_NOT_FOUND.
 */
void
just_sync_orchestrator_delete_async (JustSyncOrchestrator *self,
                                     JustSyncScope        *scope,
                                     const char           *id,
                                     GCancellable         *cancellable,
                                     GAsyncReadyCallback   callback,
                                     gpointer              user_data)
{
  g_return_if_fail (JUST_SYNC_IS_ORCHESTRATOR (self));
  g_return_if_fail (scope != NULL);
  g_return_if_fail (id != NULL);

  start_write (self, WRITE_DELETE, scope, id, NULL, cancellable, callback, user_data,
               just_sync_orchestrator_delete_async);
}

/**
 * just_sync_orchestrator_delete_finish:
 * @self: a #JustSyncOrchestrator
 * @result: the #GAsyncResult passed to the callback
 * @error: return location for an error
 *
 * Finishes just_sync_orchestrator_delete_async().
 *
 * Returns: %TRUE on success
 */
gboolean
just_sync_orchestrator_delete_finish (JustSyncOrchestrator  *self,
                                      GAsyncResult          *result,
                                      GError               **error)
{
  g_return_val_if_fail (JUST_SYNC_IS_ORCHESTRATOR (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == just_sync_orchestrator_delete_async, FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/* Pending operations */

static void
list_pending_cb (GObject      *object,
                 GAsyncResult *res,
                 gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;
  GPtrArray *ops;

  ops = just_sync_local_store_list_pending_ops_finish (JUST_SYNC_LOCAL_STORE (object), res, &error);
  if (ops == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, ops, (GDestroyNotify) g_ptr_array_unref);
}

/**
 * just_sync_orchestrator_list_pending_async:
 * @self: a #JustSyncOrchestrator
 * @scope: a scope
 * @cancellable: (nullable): a #GCancellable
 * @callback: (scope async): called with the operations
 * @user_data: data for @callback
 *
 * Lists the local changes of @scope not yet on the server, queued and
 * failed, in the order they were made.
 */
void
just_sync_orchestrator_list_pending_async (JustSyncOrchestrator *self,
                                           JustSyncScope        *scope,
                                           GCancellable         *cancellable,
                                           GAsyncReadyCallback   callback,
                                           gpointer              user_data)
{
  GTask *task;

  g_return_if_fail (JUST_SYNC_IS_ORCHESTRATOR (self));
  g_return_if_fail (scope != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, just_sync_orchestrator_list_pending_async);
  just_sync_local_store_list_pending_ops_async (self->local, scope, cancellable, list_pending_cb, task);
}

/**
 * just_sync_orchestrator_list_pending_finish:
 * @self: a #JustSyncOrchestrator
 * @result: the #GAsyncResult passed to the callback
 * @error: return location for an error
 *
 * Finishes just_sync_orchestrator_list_pending_async().
 *
 * Returns: (transfer container) (element-type JustSyncPendingOp): the operations
 */
GPtrArray *
just_sync_orchestrator_list_pending_finish (JustSyncOrchestrator  *self,
                                            GAsyncResult          *result,
                                            GError               **error)
{
  g_return_val_if_fail (JUST_SYNC_IS_ORCHESTRATOR (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
failed_ops_cb (GObject      *object,
               GAsyncResult *res,
               gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  JustSyncOrchestrator *self = g_task_get_source_object (task);
  JustSyncScope *scope = g_task_get_task_data (task);
  gboolean discard = g_task_get_source_tag (task) == just_sync_orchestrator_discard_failed_async;
  ScopeState *state = ensure_scope (self, scope);
  GError *error = NULL;
  guint count;

  if (discard)
    count = just_sync_local_store_discard_failed_ops_finish (JUST_SYNC_LOCAL_STORE (object), res, &error);
  else
    count = just_sync_local_store_retry_failed_ops_finish (JUST_SYNC_LOCAL_STORE (object), res, &error);
  if (error != NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  refresh_counts (self);
  if (count > 0)
    {
      /* Discarded rows keep their local content until a reconcile brings
       * the server's version back. */
      if (discard)
        state->reconcile_needed = TRUE;
      if (is_online (self))
        schedule_sync (self, state, 0);
    }
  g_task_return_int (task, count);
}

static void
start_failed_ops (JustSyncOrchestrator *self,
                  JustSyncScope        *scope,
                  gboolean              discard,
                  GCancellable         *cancellable,
                  GAsyncReadyCallback   callback,
                  gpointer              user_data,
                  gpointer              source_tag)
{
  GTask *task = g_task_new (self, cancellable, callback, user_data);

  g_task_set_source_tag (task, source_tag);
  g_task_set_task_data (task, just_sync_scope_ref (scope), (GDestroyNotify) just_sync_scope_unref);
  if (discard)
    just_sync_local_store_discard_failed_ops_async (self->local, scope, cancellable, failed_ops_cb, task);
  else
    just_sync_local_store_retry_failed_ops_async (self->local, scope, cancellable, failed_ops_cb, task);
}

static guint
propagate_count (JustSyncOrchestrator  *self,
                 GAsyncResult          *result,
                 gpointer               source_tag,
                 GError               **error)
{
  g_return_val_if_fail (JUST_SYNC_IS_ORCHESTRATOR (self), 0);
  g_return_val_if_fail (g_task_is_valid (result, self), 0);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == source_tag, 0);

  gssize count = g_task_propagate_int (G_TASK (result), error);

  return (guint) MAX (count, 0);
}

/**
 * just_sync_orchestrator_retry_failed_async:
 * @self: a #JustSyncOrchestrator
 * @scope: a scope
 * @cancellable: (nullable): a #GCancellable
 * @callback: (scope async): called when done
 * @user_data: data for @callback
 *
 * Puts the operations of @scope that the server rejected back in the queue
 * (after the app fixed what the server complained about, say) and
 * schedules a sync.
 */
void
just_sync_orchestrator_retry_failed_async (JustSyncOrchestrator *self,
                                           JustSyncScope        *scope,
                                           GCancellable         *cancellable,
                                           GAsyncReadyCallback   callback,
                                           gpointer              user_data)
{
  g_return_if_fail (JUST_SYNC_IS_ORCHESTRATOR (self));
  g_return_if_fail (scope != NULL);

  start_failed_ops (self, scope, FALSE, cancellable, callback, user_data,
                    just_sync_orchestrator_retry_failed_async);
}

/**
 * just_sync_orchestrator_retry_failed_finish:
 * @self: a #JustSyncOrchestrator
 * @result: the #GAsyncResult passed to the callback
 * @error: return location for an error
 *
 * Finishes just_sync_orchestrator_retry_failed_async().
 *
 * Returns: how many operations were queued again
 */
guint
just_sync_orchestrator_retry_failed_finish (JustSyncOrchestrator  *self,
                                            GAsyncResult          *result,
                                            GError               **error)
{
  return propagate_count (self, result, just_sync_orchestrator_retry_failed_async, error);
}

/**
 * just_sync_orchestrator_discard_failed_async:
 * @self: a #JustSyncOrchestrator
 * @scope: a scope
 * @cancellable: (nullable): a #GCancellable
 * @callback: (scope async): called when done
 * @user_data: data for @callback
 *
 * Drops the operations of @scope that the server rejected, and schedules a
 * reconcile that gives their records back the server's version. This is
 * the only way a local change is ever given up, and only on request.
 */
void
just_sync_orchestrator_discard_failed_async (JustSyncOrchestrator *self,
                                             JustSyncScope        *scope,
                                             GCancellable         *cancellable,
                                             GAsyncReadyCallback   callback,
                                             gpointer              user_data)
{
  g_return_if_fail (JUST_SYNC_IS_ORCHESTRATOR (self));
  g_return_if_fail (scope != NULL);

  start_failed_ops (self, scope, TRUE, cancellable, callback, user_data,
                    just_sync_orchestrator_discard_failed_async);
}

/**
 * just_sync_orchestrator_discard_failed_finish:
 * @self: a #JustSyncOrchestrator
 * @result: the #GAsyncResult passed to the callback
 * @error: return location for an error
 *
 * Finishes just_sync_orchestrator_discard_failed_async().
 *
 * Returns: how many operations were dropped
 */
guint
just_sync_orchestrator_discard_failed_finish (JustSyncOrchestrator  *self,
                                              GAsyncResult          *result,
                                              GError               **error)
{
  return propagate_count (self, result, just_sync_orchestrator_discard_failed_async, error);
}

/**
 * just_sync_orchestrator_watch_scope:
 * @self: a #JustSyncOrchestrator
 * @scope: a scope
 *
 * Keeps @scope in sync in the background: it is synced when the network
 * returns, at every #JustSyncOrchestrator:sync-interval, and when the remote
 * store reports changes for it (which it is asked to watch). Scopes the app
 * writes to or reads are kept in sync this way too; this call starts it
 * before the first read or write.
 */
void
just_sync_orchestrator_watch_scope (JustSyncOrchestrator *self,
                                    JustSyncScope        *scope)
{
  g_return_if_fail (JUST_SYNC_IS_ORCHESTRATOR (self));
  g_return_if_fail (scope != NULL);

  ensure_scope (self, scope);
  just_sync_remote_store_watch (self->remote, scope);
  if (is_online (self))
    schedule_sync (self, ensure_scope (self, scope), 0);
}

/* Background triggers */

static void
schedule_all (JustSyncOrchestrator *self,
              guint                 delay_ms)
{
  GHashTableIter iter;
  ScopeState *state;

  g_hash_table_iter_init (&iter, self->scopes);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &state))
    schedule_sync (self, state, delay_ms);
}

static void
network_changed_cb (GNetworkMonitor      *monitor,
                    gboolean              available,
                    JustSyncOrchestrator *self)
{
  update_idle_state (self);
  if (available)
    schedule_all (self, 0);
}

static gboolean
periodic_cb (gpointer user_data)
{
  JustSyncOrchestrator *self = user_data;

  if (is_online (self))
    schedule_all (self, 0);
  return G_SOURCE_CONTINUE;
}

static void
local_changed_cb (JustSyncLocalStore   *local,
                  JustSyncScope        *scope,
                  const char * const   *ids,
                  JustSyncOrchestrator *self)
{
  g_signal_emit (self, signals[CHANGED], 0, scope, ids);
}

static void
remote_changed_cb (JustSyncRemoteStore  *remote,
                   JustSyncScope        *scope,
                   JustSyncOrchestrator *self)
{
  ScopeState *state = g_hash_table_lookup (self->scopes, just_sync_scope_to_string (scope));

  if (state != NULL && is_online (self))
    schedule_sync (self, state, self->debounce_interval);
}

static void
set_sync_interval (JustSyncOrchestrator *self,
                   guint                 seconds)
{
  if (self->sync_interval == seconds)
    return;
  self->sync_interval = seconds;
  g_clear_handle_id (&self->periodic_id, g_source_remove);
  if (seconds > 0)
    {
      g_autoptr(GSource) source = g_timeout_source_new_seconds (seconds);

      g_source_set_callback (source, periodic_cb, self, NULL);
      self->periodic_id = g_source_attach (source, self->context);
    }
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SYNC_INTERVAL]);
}

/* GObject */

/* Stops every scope: timers go, and so do the scopes that are not
 * syncing. A running job (only g_object_run_dispose() can meet one, since
 * a job holds a reference) is cancelled and keeps its scope until it ends;
 * nothing starts after it. */
static void
stop_scopes (JustSyncOrchestrator *self)
{
  GHashTableIter iter;
  ScopeState *state;

  g_hash_table_iter_init (&iter, self->scopes);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &state))
    {
      g_autoptr(GPtrArray) next = NULL;

      if (state->job == NULL)
        {
          g_hash_table_iter_remove (&iter);
          continue;
        }

      g_clear_handle_id (&state->debounce_id, g_source_remove);
      g_clear_handle_id (&state->retry_id, g_source_remove);
      state->dirty = FALSE;
      next = g_steal_pointer (&state->next_waiters);
      state->next_waiters = g_ptr_array_new_with_free_func (g_object_unref);
      for (guint i = 0; i < next->len; i++)
        g_task_return_new_error (g_ptr_array_index (next, i), G_IO_ERROR, G_IO_ERROR_CANCELLED,
                                 _("The sync engine was shut down"));
      g_cancellable_cancel (state->job->cancellable);
    }
}

static void
just_sync_orchestrator_constructed (GObject *object)
{
  JustSyncOrchestrator *self = (JustSyncOrchestrator *) object;

  G_OBJECT_CLASS (just_sync_orchestrator_parent_class)->constructed (object);

  g_assert (JUST_SYNC_IS_LOCAL_STORE (self->local));
  g_assert (JUST_SYNC_IS_REMOTE_STORE (self->remote));

  if (self->resolver == NULL)
    self->resolver = just_sync_last_write_wins_resolver_new ();
  if (self->monitor == NULL)
    self->monitor = g_object_ref (g_network_monitor_get_default ());
  self->remote_needs_network = just_sync_remote_store_needs_network (self->remote);

  self->changed_handler = g_signal_connect_object (self->local, "changed",
                                                   G_CALLBACK (local_changed_cb), self, 0);
  self->remote_changed_handler = g_signal_connect_object (self->remote, "remote-changed",
                                                          G_CALLBACK (remote_changed_cb), self, 0);
  self->network_handler = g_signal_connect_object (self->monitor, "network-changed",
                                                   G_CALLBACK (network_changed_cb), self, 0);
  update_idle_state (self);
  refresh_counts (self);
}

static void
just_sync_orchestrator_dispose (GObject *object)
{
  JustSyncOrchestrator *self = (JustSyncOrchestrator *) object;

  g_clear_handle_id (&self->periodic_id, g_source_remove);
  g_clear_signal_handler (&self->changed_handler, self->local);
  g_clear_signal_handler (&self->remote_changed_handler, self->remote);
  g_clear_signal_handler (&self->network_handler, self->monitor);
  if (self->scopes != NULL)
    stop_scopes (self);

  G_OBJECT_CLASS (just_sync_orchestrator_parent_class)->dispose (object);
}

static void
just_sync_orchestrator_finalize (GObject *object)
{
  JustSyncOrchestrator *self = (JustSyncOrchestrator *) object;

  g_clear_pointer (&self->scopes, g_hash_table_unref);
  g_clear_object (&self->local);
  g_clear_object (&self->remote);
  g_clear_object (&self->resolver);
  g_clear_object (&self->monitor);
  g_clear_pointer (&self->context, g_main_context_unref);
  g_clear_pointer (&self->last_error, g_free);

  G_OBJECT_CLASS (just_sync_orchestrator_parent_class)->finalize (object);
}

static void
just_sync_orchestrator_get_property (GObject    *object,
                                     guint       prop_id,
                                     GValue     *value,
                                     GParamSpec *pspec)
{
  JustSyncOrchestrator *self = JUST_SYNC_ORCHESTRATOR (object);

  switch (prop_id)
    {
    case PROP_LOCAL_STORE:
      g_value_set_object (value, self->local);
      break;
    case PROP_REMOTE_STORE:
      g_value_set_object (value, self->remote);
      break;
    case PROP_RESOLVER:
      g_value_set_object (value, self->resolver);
      break;
    case PROP_NETWORK_MONITOR:
      g_value_set_object (value, self->monitor);
      break;
    case PROP_STATE:
      g_value_set_enum (value, self->state);
      break;
    case PROP_PENDING_COUNT:
      g_value_set_uint (value, self->pending_count);
      break;
    case PROP_FAILED_COUNT:
      g_value_set_uint (value, self->failed_count);
      break;
    case PROP_LAST_ERROR:
      g_value_set_string (value, self->last_error);
      break;
    case PROP_LAST_SYNC_TIME:
      g_value_set_int64 (value, self->last_sync_time);
      break;
    case PROP_CLOCK_OFFSET:
      g_value_set_int64 (value, self->clock_offset);
      break;
    case PROP_DEBOUNCE_INTERVAL:
      g_value_set_uint (value, self->debounce_interval);
      break;
    case PROP_SYNC_INTERVAL:
      g_value_set_uint (value, self->sync_interval);
      break;
    case PROP_OVERLAP_WINDOW:
      g_value_set_int64 (value, self->overlap_window);
      break;
    case PROP_PAGE_SIZE:
      g_value_set_uint (value, self->page_size);
      break;
    case PROP_PUSH_BATCH_SIZE:
      g_value_set_uint (value, self->push_batch_size);
      break;
    case PROP_RETRY_BASE_DELAY:
      g_value_set_uint (value, self->retry_base_delay);
      break;
    case PROP_RETRY_MAX_DELAY:
      g_value_set_uint (value, self->retry_max_delay);
      break;
    case PROP_TOMBSTONE_RETENTION:
      g_value_set_int64 (value, self->tombstone_retention);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
set_uint_prop (JustSyncOrchestrator *self,
               guint                *field,
               const GValue         *value,
               guint                 prop_id)
{
  if (*field == g_value_get_uint (value))
    return;
  *field = g_value_get_uint (value);
  g_object_notify_by_pspec (G_OBJECT (self), properties[prop_id]);
}

static void
set_int64_prop (JustSyncOrchestrator *self,
                gint64               *field,
                const GValue         *value,
                guint                 prop_id)
{
  if (*field == g_value_get_int64 (value))
    return;
  *field = g_value_get_int64 (value);
  g_object_notify_by_pspec (G_OBJECT (self), properties[prop_id]);
}

static void
just_sync_orchestrator_set_property (GObject      *object,
                                     guint         prop_id,
                                     const GValue *value,
                                     GParamSpec   *pspec)
{
  JustSyncOrchestrator *self = JUST_SYNC_ORCHESTRATOR (object);

  switch (prop_id)
    {
    case PROP_LOCAL_STORE:
      self->local = g_value_dup_object (value);
      break;
    case PROP_REMOTE_STORE:
      self->remote = g_value_dup_object (value);
      break;
    case PROP_RESOLVER:
      self->resolver = g_value_dup_object (value);
      break;
    case PROP_NETWORK_MONITOR:
      self->monitor = g_value_dup_object (value);
      break;
    case PROP_DEBOUNCE_INTERVAL:
      set_uint_prop (self, &self->debounce_interval, value, prop_id);
      break;
    case PROP_SYNC_INTERVAL:
      set_sync_interval (self, g_value_get_uint (value));
      break;
    case PROP_OVERLAP_WINDOW:
      set_int64_prop (self, &self->overlap_window, value, prop_id);
      break;
    case PROP_PAGE_SIZE:
      set_uint_prop (self, &self->page_size, value, prop_id);
      break;
    case PROP_PUSH_BATCH_SIZE:
      set_uint_prop (self, &self->push_batch_size, value, prop_id);
      break;
    case PROP_RETRY_BASE_DELAY:
      set_uint_prop (self, &self->retry_base_delay, value, prop_id);
      break;
    case PROP_RETRY_MAX_DELAY:
      set_uint_prop (self, &self->retry_max_delay, value, prop_id);
      break;
    case PROP_TOMBSTONE_RETENTION:
      set_int64_prop (self, &self->tombstone_retention, value, prop_id);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
just_sync_orchestrator_class_init (JustSyncOrchestratorClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags rw = G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;
  GParamFlags ro = G_PARAM_READABLE | G_PARAM_STATIC_STRINGS;
  GParamFlags co = G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS;

  object_class->constructed = just_sync_orchestrator_constructed;
  object_class->dispose = just_sync_orchestrator_dispose;
  object_class->finalize = just_sync_orchestrator_finalize;
  object_class->get_property = just_sync_orchestrator_get_property;
  object_class->set_property = just_sync_orchestrator_set_property;

  /**
   * JustSyncOrchestrator:local-store:
   *
   * The store the app's records live in.
   */
  properties[PROP_LOCAL_STORE] =
    g_param_spec_object ("local-store", NULL, NULL, JUST_SYNC_TYPE_LOCAL_STORE, co);

  /**
   * JustSyncOrchestrator:remote-store:
   *
   * The backend the records are synced with.
   */
  properties[PROP_REMOTE_STORE] =
    g_param_spec_object ("remote-store", NULL, NULL, JUST_SYNC_TYPE_REMOTE_STORE, co);

  /**
   * JustSyncOrchestrator:resolver:
   *
   * Picks the winner of conflicts; a #JustSyncLastWriteWinsResolver when
   * none is given.
   */
  properties[PROP_RESOLVER] =
    g_param_spec_object ("resolver", NULL, NULL, JUST_SYNC_TYPE_CONFLICT_RESOLVER, co);

  /**
   * JustSyncOrchestrator:network-monitor:
   *
   * The monitor that says whether the network is up; the default one when
   * none is given.
   */
  properties[PROP_NETWORK_MONITOR] =
    g_param_spec_object ("network-monitor", NULL, NULL, G_TYPE_NETWORK_MONITOR, co);

  /**
   * JustSyncOrchestrator:state:
   *
   * What the engine is doing: idle, syncing, offline (no network: reads and
   * writes work locally and are pushed later), or error (the last sync
   * failed; #JustSyncOrchestrator:last-error says why, and transient
   * failures are retried).
   */
  properties[PROP_STATE] =
    g_param_spec_enum ("state", NULL, NULL, JUST_SYNC_TYPE_SYNC_STATE, JUST_SYNC_STATE_IDLE, ro);

  /**
   * JustSyncOrchestrator:pending-count:
   *
   * How many local changes wait to be pushed, in every scope.
   */
  properties[PROP_PENDING_COUNT] =
    g_param_spec_uint ("pending-count", NULL, NULL, 0, G_MAXUINT, 0, ro);

  /**
   * JustSyncOrchestrator:failed-count:
   *
   * How many local changes the server rejected and are parked, in every
   * scope; see just_sync_orchestrator_retry_failed_async().
   */
  properties[PROP_FAILED_COUNT] =
    g_param_spec_uint ("failed-count", NULL, NULL, 0, G_MAXUINT, 0, ro);

  /**
   * JustSyncOrchestrator:last-error:
   *
   * The message of the last failed sync, or %NULL after a successful one.
   */
  properties[PROP_LAST_ERROR] =
    g_param_spec_string ("last-error", NULL, NULL, NULL, ro);

  /**
   * JustSyncOrchestrator:last-sync-time:
   *
   * When the last successful sync ended, in server-corrected microseconds
   * since the epoch, or 0.
   */
  properties[PROP_LAST_SYNC_TIME] =
    g_param_spec_int64 ("last-sync-time", NULL, NULL, 0, G_MAXINT64, 0, ro);

  /**
   * JustSyncOrchestrator:clock-offset:
   *
   * The measured offset of the server's clock from the local one, in
   * microseconds; local changes are stamped with the local clock plus it.
   */
  properties[PROP_CLOCK_OFFSET] =
    g_param_spec_int64 ("clock-offset", NULL, NULL, G_MININT64, G_MAXINT64, 0, ro);

  /**
   * JustSyncOrchestrator:debounce-interval:
   *
   * How long after a local change the background sync starts, in
   * milliseconds; changes within it are pushed together.
   */
  properties[PROP_DEBOUNCE_INTERVAL] =
    g_param_spec_uint ("debounce-interval", NULL, NULL, 0, G_MAXUINT, DEFAULT_DEBOUNCE_MS, rw);

  /**
   * JustSyncOrchestrator:sync-interval:
   *
   * Seconds between periodic syncs of every known scope, or 0 for none.
   */
  properties[PROP_SYNC_INTERVAL] =
    g_param_spec_uint ("sync-interval", NULL, NULL, 0, G_MAXUINT, 0, rw);

  /**
   * JustSyncOrchestrator:overlap-window:
   *
   * How far before the sync point pulls start again, in microseconds, so
   * rows that committed late with older stamps are not missed. It should
   * exceed the longest write transaction of the backend plus the
   * uncertainty of its clock.
   */
  properties[PROP_OVERLAP_WINDOW] =
    g_param_spec_int64 ("overlap-window", NULL, NULL, 0, G_MAXINT64, DEFAULT_OVERLAP_WINDOW, rw);

  /**
   * JustSyncOrchestrator:page-size:
   *
   * The most records asked for in one pull request.
   */
  properties[PROP_PAGE_SIZE] =
    g_param_spec_uint ("page-size", NULL, NULL, 1, G_MAXUINT, DEFAULT_PAGE_SIZE, rw);

  /**
   * JustSyncOrchestrator:push-batch-size:
   *
   * The most operations sent in one push request.
   */
  properties[PROP_PUSH_BATCH_SIZE] =
    g_param_spec_uint ("push-batch-size", NULL, NULL, 1, G_MAXUINT, DEFAULT_PUSH_BATCH_SIZE, rw);

  /**
   * JustSyncOrchestrator:retry-base-delay:
   *
   * The first retry delay after a transient failure, in milliseconds; it
   * doubles with every further failure, with ±25% jitter.
   */
  properties[PROP_RETRY_BASE_DELAY] =
    g_param_spec_uint ("retry-base-delay", NULL, NULL, 1, G_MAXUINT, DEFAULT_RETRY_BASE_MS, rw);

  /**
   * JustSyncOrchestrator:retry-max-delay:
   *
   * The cap of the retry delay, in milliseconds.
   */
  properties[PROP_RETRY_MAX_DELAY] =
    g_param_spec_uint ("retry-max-delay", NULL, NULL, 1, G_MAXUINT, DEFAULT_RETRY_MAX_MS, rw);

  /**
   * JustSyncOrchestrator:tombstone-retention:
   *
   * How long the server keeps tombstones, in microseconds, or 0 for
   * forever. A scope not pulled in full for longer than that is reconciled
   * instead of pulled, since deletes may have been purged meanwhile. Before
   * its first pull by this engine, the age of its sync point counts.
   */
  properties[PROP_TOMBSTONE_RETENTION] =
    g_param_spec_int64 ("tombstone-retention", NULL, NULL, 0, G_MAXINT64, 0, rw);

  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * JustSyncOrchestrator::changed:
   * @self: the orchestrator
   * @scope: the scope whose records changed
   * @ids: the ids of the changed records
   *
   * Records changed locally: an app write, a pulled change, a resolved
   * conflict, or a row rebased on the server's reply.
   */
  signals[CHANGED] =
    g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL,
                  G_TYPE_NONE, 2,
                  JUST_SYNC_TYPE_SCOPE, G_TYPE_STRV);

  /**
   * JustSyncOrchestrator::sync-started:
   * @self: the orchestrator
   * @scope: the scope being synced
   *
   * A sync or reconcile of @scope started.
   */
  signals[SYNC_STARTED] =
    g_signal_new ("sync-started", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL,
                  G_TYPE_NONE, 1,
                  JUST_SYNC_TYPE_SCOPE);

  /**
   * JustSyncOrchestrator::sync-finished:
   * @self: the orchestrator
   * @scope: the scope that was synced
   * @result: (nullable): what the sync did, or %NULL when it failed
   * @error: (nullable): why it failed, or %NULL
   *
   * A sync or reconcile of @scope ended.
   */
  signals[SYNC_FINISHED] =
    g_signal_new ("sync-finished", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL,
                  G_TYPE_NONE, 3,
                  JUST_SYNC_TYPE_SCOPE,
                  JUST_SYNC_TYPE_SYNC_RESULT,
                  G_TYPE_ERROR);

  /**
   * JustSyncOrchestrator::progress:
   * @self: the orchestrator
   * @scope: the scope being synced
   * @phase: the phase of the sync
   * @done: records pulled, or operations pushed, so far
   * @total: operations to push, or 0 when unknown (pulls)
   *
   * Progress of a running sync, for a progress bar or a status line.
   */
  signals[PROGRESS] =
    g_signal_new ("progress", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL,
                  G_TYPE_NONE, 4,
                  JUST_SYNC_TYPE_SCOPE,
                  JUST_SYNC_TYPE_SYNC_PHASE, G_TYPE_UINT, G_TYPE_UINT);

  /**
   * JustSyncOrchestrator::op-failed:
   * @self: the orchestrator
   * @scope: the operation's scope
   * @op: the operation, parked as failed, with the server's message
   *
   * The server rejected a local change for good. It stays parked, and
   * blocks nothing else, until it is retried or discarded.
   */
  signals[OP_FAILED] =
    g_signal_new ("op-failed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL,
                  G_TYPE_NONE, 2,
                  JUST_SYNC_TYPE_SCOPE,
                  JUST_SYNC_TYPE_PENDING_OP);

  /**
   * JustSyncOrchestrator::conflict:
   * @self: the orchestrator
   * @scope: the record's scope
   * @conflict: both versions and the resolver's choice
   *
   * A pull found a remote change of a record with a local change waiting;
   * the resolver picked a winner and the loser is recorded.
   */
  signals[CONFLICT] =
    g_signal_new ("conflict", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL,
                  G_TYPE_NONE, 2,
                  JUST_SYNC_TYPE_SCOPE,
                  JUST_SYNC_TYPE_CONFLICT);
}

static void
just_sync_orchestrator_init (JustSyncOrchestrator *self)
{
  self->context = g_main_context_ref_thread_default ();
  self->scopes = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                        (GDestroyNotify) scope_state_free);
  self->debounce_interval = DEFAULT_DEBOUNCE_MS;
  self->overlap_window = DEFAULT_OVERLAP_WINDOW;
  self->page_size = DEFAULT_PAGE_SIZE;
  self->push_batch_size = DEFAULT_PUSH_BATCH_SIZE;
  self->retry_base_delay = DEFAULT_RETRY_BASE_MS;
  self->retry_max_delay = DEFAULT_RETRY_MAX_MS;
}

/**
 * just_sync_orchestrator_new:
 * @local: the local store
 * @remote: the remote store
 * @resolver: (nullable): the conflict resolver, or %NULL for last-write-wins
 *
 * Creates a sync engine on the thread-default main context, following the
 * default #GNetworkMonitor.
 *
 * Returns: (transfer full): a new orchestrator
 */
JustSyncOrchestrator *
just_sync_orchestrator_new (JustSyncLocalStore       *local,
                            JustSyncRemoteStore      *remote,
                            JustSyncConflictResolver *resolver)
{
  return just_sync_orchestrator_new_with_monitor (local, remote, resolver, NULL);
}

/**
 * just_sync_orchestrator_new_with_monitor:
 * @local: the local store
 * @remote: the remote store
 * @resolver: (nullable): the conflict resolver, or %NULL for last-write-wins
 * @monitor: (nullable): the network monitor to follow, or %NULL for the
 *   default one
 *
 * Creates a sync engine that follows @monitor, so tests and embedders can
 * say when the network is up.
 *
 * Returns: (transfer full): a new orchestrator
 */
JustSyncOrchestrator *
just_sync_orchestrator_new_with_monitor (JustSyncLocalStore       *local,
                                         JustSyncRemoteStore      *remote,
                                         JustSyncConflictResolver *resolver,
                                         GNetworkMonitor          *monitor)
{
  g_return_val_if_fail (JUST_SYNC_IS_LOCAL_STORE (local), NULL);
  g_return_val_if_fail (JUST_SYNC_IS_REMOTE_STORE (remote), NULL);
  g_return_val_if_fail (resolver == NULL || JUST_SYNC_IS_CONFLICT_RESOLVER (resolver), NULL);
  g_return_val_if_fail (monitor == NULL || G_IS_NETWORK_MONITOR (monitor), NULL);

  return g_object_new (JUST_SYNC_TYPE_ORCHESTRATOR,
                       "local-store", local,
                       "remote-store", remote,
                       "resolver", resolver,
                       "network-monitor", monitor,
                       NULL);
}

/**
 * just_sync_orchestrator_get_local_store:
 * @self: a #JustSyncOrchestrator
 *
 * Returns: (transfer none): the local store
 */
JustSyncLocalStore *
just_sync_orchestrator_get_local_store (JustSyncOrchestrator *self)
{
  g_return_val_if_fail (JUST_SYNC_IS_ORCHESTRATOR (self), NULL);

  return self->local;
}

/**
 * just_sync_orchestrator_get_remote_store:
 * @self: a #JustSyncOrchestrator
 *
 * Returns: (transfer none): the remote store
 */
JustSyncRemoteStore *
just_sync_orchestrator_get_remote_store (JustSyncOrchestrator *self)
{
  g_return_val_if_fail (JUST_SYNC_IS_ORCHESTRATOR (self), NULL);

  return self->remote;
}

/**
 * just_sync_orchestrator_get_resolver:
 * @self: a #JustSyncOrchestrator
 *
 * Returns: (transfer none): the conflict resolver
 */
JustSyncConflictResolver *
just_sync_orchestrator_get_resolver (JustSyncOrchestrator *self)
{
  g_return_val_if_fail (JUST_SYNC_IS_ORCHESTRATOR (self), NULL);

  return self->resolver;
}

/**
 * just_sync_orchestrator_get_state:
 * @self: a #JustSyncOrchestrator
 *
 * Returns: the engine's state
 */
JustSyncSyncState
just_sync_orchestrator_get_state (JustSyncOrchestrator *self)
{
  g_return_val_if_fail (JUST_SYNC_IS_ORCHESTRATOR (self), JUST_SYNC_STATE_IDLE);

  return self->state;
}

/**
 * just_sync_orchestrator_get_pending_count:
 * @self: a #JustSyncOrchestrator
 *
 * Returns: how many local changes wait to be pushed
 */
guint
just_sync_orchestrator_get_pending_count (JustSyncOrchestrator *self)
{
  g_return_val_if_fail (JUST_SYNC_IS_ORCHESTRATOR (self), 0);

  return self->pending_count;
}

/**
 * just_sync_orchestrator_get_failed_count:
 * @self: a #JustSyncOrchestrator
 *
 * Returns: how many local changes the server rejected
 */
guint
just_sync_orchestrator_get_failed_count (JustSyncOrchestrator *self)
{
  g_return_val_if_fail (JUST_SYNC_IS_ORCHESTRATOR (self), 0);

  return self->failed_count;
}

/**
 * just_sync_orchestrator_get_last_error:
 * @self: a #JustSyncOrchestrator
 *
 * Returns: (nullable): the message of the last failed sync
 */
const char *
just_sync_orchestrator_get_last_error (JustSyncOrchestrator *self)
{
  g_return_val_if_fail (JUST_SYNC_IS_ORCHESTRATOR (self), NULL);

  return self->last_error;
}

/**
 * just_sync_orchestrator_get_last_sync_time:
 * @self: a #JustSyncOrchestrator
 *
 * Returns: when the last successful sync ended, or 0
 */
gint64
just_sync_orchestrator_get_last_sync_time (JustSyncOrchestrator *self)
{
  g_return_val_if_fail (JUST_SYNC_IS_ORCHESTRATOR (self), 0);

  return self->last_sync_time;
}

/**
 * just_sync_orchestrator_get_clock_offset:
 * @self: a #JustSyncOrchestrator
 *
 * Returns: the measured offset of the server's clock, in microseconds
 */
gint64
just_sync_orchestrator_get_clock_offset (JustSyncOrchestrator *self)
{
  g_return_val_if_fail (JUST_SYNC_IS_ORCHESTRATOR (self), 0);

  return self->clock_offset;
}
