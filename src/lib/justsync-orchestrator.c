/* justsync-orchestrator.c
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "justsync-clock-private.h"
#include "justsync-enum-types.h"
#include "justsync-error.h"
#include "justsync-cache-private.h"
#include "justsync-last-write-wins-resolver.h"
#include "justsync-orchestrator-private.h"
#include "justsync-scheduler-private.h"
#include "justsync-sync-job-private.h"
#include "justsync-sync-result-private.h"
#include "justsync-timestamp.h"

/**
 * JustSyncOrchestrator:
 *
 * The sync engine: it owns a [iface@JustSync.LocalStore], a
 * [iface@JustSync.RemoteStore] and a [iface@JustSync.ConflictResolver],
 * takes the app's reads and writes, and keeps the two stores in step on
 * the main loop.
 *
 * Writes ([method@JustSync.Orchestrator.create_async] and friends) go to
 * the local store with their pending operation in one transaction, are
 * announced with [signal@JustSync.Orchestrator::changed], and schedule a
 * debounced sync. A sync of a scope
 * ([method@JustSync.Orchestrator.synchronize_async]) first pulls the
 * server's changes since the scope's sync point, minus an overlap window,
 * page by page, each page applied atomically with conflicts sent to the
 * resolver; then it pushes the pending operations, the newest change of
 * each record, in batches, and rebases the rows on the server's replies.
 * Pulling first lets the resolver see a newer remote edit before a stale
 * offline edit could overwrite it.
 *
 * One sync per scope runs at a time: a second call joins the running one,
 * or the next one when the running one is already pushing. A failed sync
 * (network, 5xx, 429, a change sent but not acknowledged, and any other
 * failure) is retried with exponential backoff and jitter, and never
 * before the pause a server asked for (`Retry-After`); no background
 * trigger can start a sync sooner. Two failures wait for something else to
 * ask for a sync instead: a server that breaks the sync protocol
 * (%JUST_SYNC_ERROR_PROTOCOL), and missing or refused credentials
 * (%JUST_SYNC_ERROR_AUTH), retried at once when the remote store emits
 * [signal@JustSync.RemoteStore::credentials-changed]. The changes stay
 * queued through every failure. Operations the server rejects are parked
 * as failed, reported with [signal@JustSync.Orchestrator::op-failed], and
 * never block the others.
 *
 * Background syncs follow local writes, the server's change
 * announcements, the network coming back, the system resuming from
 * suspend (logind's `PrepareForSleep` on the system bus, when there is
 * one), new credentials and
 * [property@JustSync.Orchestrator:sync-interval]. On a metered
 * network or in power-saver mode they wait, unless
 * [property@JustSync.Orchestrator:background-when-constrained] allows them;
 * explicit syncs always run. While the [iface@Gio.NetworkMonitor] says the
 * network is down, the engine is %JUST_SYNC_STATE_OFFLINE and makes no
 * attempts.
 *
 * Local changes are stamped with the server's clock, estimated from
 * [method@JustSync.RemoteStore.get_server_time_async] and refined by the
 * stamps of push replies, so last-write-wins compares times on one time
 * line.
 *
 * Every duration and time is in microseconds, a [alias@GLib.TimeSpan]
 * (use `G_TIME_SPAN_SECOND` and friends); times are since the epoch.
 *
 * Every signal and property notification is emitted on the main context
 * that was the thread-default when the orchestrator was created.
 */

#define DEFAULT_DEBOUNCE_INTERVAL  (250 * G_TIME_SPAN_MILLISECOND)
#define DEFAULT_OVERLAP_WINDOW     (10 * G_TIME_SPAN_SECOND)
#define DEFAULT_PAGE_SIZE          500
#define DEFAULT_PUSH_BATCH_SIZE    50
#define DEFAULT_RETRY_BASE_DELAY   G_TIME_SPAN_SECOND
#define DEFAULT_RETRY_MAX_DELAY    (5 * G_TIME_SPAN_MINUTE)

struct _JustSyncOrchestrator
{
  GObject parent_instance;

  JustSyncSyncJobConfig job_config;    /* holds the stores and the resolver */
  JustSyncSchedulerSettings settings;
  JustSyncScheduler *scheduler;
  GNetworkMonitor *monitor;
  GPowerProfileMonitor *power_monitor;

  JustSyncSyncState state;
  guint pending_count;
  guint failed_count;
  char *last_error;
  gint64 last_sync_time;
  JustSyncClock clock;
  gboolean counts_refreshing;
  gboolean counts_dirty;

  gulong changed_handler;
  gulong remote_changed_handler;
  gulong credentials_changed_handler;

  JustSyncCache *cache;                /* per-scope cache limits */
};

G_DEFINE_FINAL_TYPE (JustSyncOrchestrator, just_sync_orchestrator, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_LOCAL_STORE,
  PROP_REMOTE_STORE,
  PROP_RESOLVER,
  PROP_NETWORK_MONITOR,
  PROP_POWER_PROFILE_MONITOR,
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
  PROP_BACKGROUND_WHEN_CONSTRAINED,
  N_PROPS
};

enum {
  CHANGED,
  SYNC_STARTED,
  SYNC_FINISHED,
  PROGRESS,
  OP_FAILED,
  CONFLICT,
  EVICTED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

static void refresh_counts (JustSyncOrchestrator *self);

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
  if (_just_sync_scheduler_get_n_running (self->scheduler) > 0)
    set_state (self, JUST_SYNC_STATE_SYNCING);
  else if (!_just_sync_scheduler_is_online (self->scheduler))
    set_state (self, JUST_SYNC_STATE_OFFLINE);
  else if (self->last_error != NULL)
    set_state (self, JUST_SYNC_STATE_ERROR);
  else
    set_state (self, JUST_SYNC_STATE_IDLE);
}

/* Finishes a count of pending operations into @field, notifying @prop_id
 * when it changed. The counts are for display: a store that cannot count
 * (closed, say, while the engine lives on) keeps the last ones, and says
 * so only to those who debug. */
static void
set_count (JustSyncOrchestrator *self,
           guint                *field,
           guint                 count,
           guint                 prop_id)
{
  if (count == *field)
    return;
  *field = count;
  g_object_notify_by_pspec (G_OBJECT (self), properties[prop_id]);
}

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
    g_debug ("Could not count pending operations: %s", error->message);
  else
    set_count (self, field, count, prop_id);
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
  just_sync_local_store_count_pending_ops_async (self->job_config.local, NULL, JUST_SYNC_OP_STATE_FAILED,
                                                 NULL, count_failed_cb, g_object_ref (self));
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
  just_sync_local_store_count_pending_ops_async (self->job_config.local, NULL, JUST_SYNC_OP_STATE_QUEUED,
                                                 NULL, count_queued_cb, g_object_ref (self));
}

/* The clock */

/**
 * just_sync_orchestrator_now:
 * @self: a [class@JustSync.Orchestrator]
 *
 * Returns the current time on the server's clock, as far as the engine
 * knows it: the local clock plus
 * [property@JustSync.Orchestrator:clock-offset]. Local changes are
 * stamped with it.
 *
 * Returns: microseconds since the epoch
 */
gint64
just_sync_orchestrator_now (JustSyncOrchestrator *self)
{
  g_return_val_if_fail (JUST_SYNC_IS_ORCHESTRATOR (self), 0);

  return _just_sync_clock_now (&self->clock, g_get_real_time ());
}

/* What jobs report */

static gint64
job_now (gpointer observer)
{
  return just_sync_orchestrator_now (observer);
}

static void
job_clock_sample (gpointer observer,
                  gint64   stamp,
                  gint64   t0,
                  gint64   t1)
{
  JustSyncOrchestrator *self = observer;

  if (_just_sync_clock_add_sample (&self->clock, stamp, t0, t1))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CLOCK_OFFSET]);
}

static void
job_progress (gpointer           observer,
              JustSyncScope     *scope,
              JustSyncSyncPhase  phase,
              guint              done,
              guint              total)
{
  g_signal_emit (observer, signals[PROGRESS], 0, scope, phase, done, total);
}

static void
job_conflict (gpointer          observer,
              JustSyncScope    *scope,
              JustSyncConflict *conflict)
{
  g_signal_emit (observer, signals[CONFLICT], 0, scope, conflict);
}

static void
job_op_failed (gpointer           observer,
               JustSyncScope     *scope,
               JustSyncPendingOp *op)
{
  g_signal_emit (observer, signals[OP_FAILED], 0, scope, op);
}

static const JustSyncSyncJobObserver job_observer = {
  job_now,
  job_clock_sample,
  job_progress,
  job_conflict,
  job_op_failed,
};

/* What the scheduler reports */

static void
sync_started (gpointer       owner,
              JustSyncScope *scope)
{
  JustSyncOrchestrator *self = owner;

  update_idle_state (self);
  g_signal_emit (self, signals[SYNC_STARTED], 0, scope);
}

static void
sync_finished (gpointer         owner,
               JustSyncSyncJob *job,
               const GError    *error)
{
  JustSyncOrchestrator *self = owner;
  JustSyncSyncResult *result = _just_sync_sync_job_get_result (job);
  guint queued, failed;

  /* The job counted the queue as it left it: the counts are current when
   * sync-finished is emitted and when its callers are completed. */
  if (_just_sync_sync_job_get_counts (job, &queued, &failed))
    {
      set_count (self, &self->pending_count, queued, PROP_PENDING_COUNT);
      set_count (self, &self->failed_count, failed, PROP_FAILED_COUNT);
    }
  else
    refresh_counts (self);

  if (error == NULL)
    {
      set_last_error (self, NULL);
      self->last_sync_time = just_sync_sync_result_get_finished_at (result);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LAST_SYNC_TIME]);
    }
  else if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    set_last_error (self, error->message);

  update_idle_state (self);
  g_signal_emit (self, signals[SYNC_FINISHED], 0, _just_sync_sync_job_get_scope (job),
                 error == NULL ? result : NULL, error);
}

static void
online_changed (gpointer owner)
{
  update_idle_state (owner);
}

static const JustSyncSchedulerHooks scheduler_hooks = {
  sync_started,
  sync_finished,
  online_changed,
};

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
 * @self: a [class@JustSync.Orchestrator]
 * @scope: the scope to sync
 * @cancellable: (nullable): a [class@Gio.Cancellable]
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
  _just_sync_scheduler_join (self->scheduler, scope, FALSE, task);
}

/**
 * just_sync_orchestrator_synchronize_finish:
 * @self: a [class@JustSync.Orchestrator]
 * @result: the [iface@Gio.AsyncResult] passed to the callback
 * @error: return location for an error
 *
 * Finishes [method@JustSync.Orchestrator.synchronize_async].
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
 * @self: a [class@JustSync.Orchestrator]
 * @scope: the scope to reconcile
 * @cancellable: (nullable): a [class@Gio.Cancellable]
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
 * [property@JustSync.Orchestrator:tombstone-retention].
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
  _just_sync_scheduler_join (self->scheduler, scope, TRUE, task);
}

/**
 * just_sync_orchestrator_reconcile_finish:
 * @self: a [class@JustSync.Orchestrator]
 * @result: the [iface@Gio.AsyncResult] passed to the callback
 * @error: return location for an error
 *
 * Finishes [method@JustSync.Orchestrator.reconcile_async].
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
  /* read_page_async(): the page, and the number of records it is from */
  gboolean paged;
  guint offset;
  guint limit;
  guint total;
  gint64 refill_from;          /* > 0: evictions to forget after the sync */
  JustSyncCache *held;         /* a cache whose evictions wait for the read */
} ReadData;

static void
read_data_free (ReadData *data)
{
  if (data->held != NULL)
    {
      _just_sync_cache_release (data->held, data->scope);
      g_object_unref (data->held);
    }
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
read_page_cb (GObject      *object,
              GAsyncResult *res,
              gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  ReadData *data = g_task_get_task_data (task);
  GError *error = NULL;
  GPtrArray *records;

  records = just_sync_local_store_query_page_finish (JUST_SYNC_LOCAL_STORE (object), res, &data->total,
                                                     &error);
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

  if (data->paged)
    just_sync_local_store_query_page_async (self->job_config.local, data->scope, data->offset, data->limit,
                                            g_task_get_cancellable (task), read_page_cb, task);
  else
    just_sync_local_store_query_async (self->job_config.local, data->scope, g_task_get_cancellable (task),
                                       read_query_cb, task);
}

static void
read_forget_cb (GObject      *object,
                GAsyncResult *res,
                gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;

  if (!_just_sync_cache_forget_finish (JUST_SYNC_CACHE (object), res, &error))
    {
      g_task_return_error (task, error);
      return;
    }
  read_local (g_steal_pointer (&task));
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

  if (data->refill_from > 0)
    result = just_sync_orchestrator_reconcile_finish (self, res, &error);
  else
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

  if (result != NULL && data->refill_from > 0)
    {
      GCancellable *cancellable = g_task_get_cancellable (task);

      _just_sync_cache_forget_async (self->cache, data->scope, data->refill_from, cancellable,
                                     read_forget_cb, g_steal_pointer (&task));
      return;
    }
  read_local (g_steal_pointer (&task));
}

/* Starts @task, a read of @scope by @policy whose @data has its page
 * set, if any. */
static void
read_start (JustSyncOrchestrator *self,
            JustSyncScope        *scope,
            JustSyncReadPolicy    policy,
            GTask                *owned_task,
            gpointer              source_tag,
            ReadData             *data)
{
  g_autoptr(GTask) task = owned_task;
  GCancellable *cancellable = g_task_get_cancellable (task);

  g_task_set_source_tag (task, source_tag);
  data->scope = just_sync_scope_ref (scope);
  data->policy = policy;
  data->from_cache = policy == JUST_SYNC_READ_OFFLINE_ONLY || policy == JUST_SYNC_READ_LOCAL_FIRST;
  g_task_set_task_data (task, data, (GDestroyNotify) read_data_free);

  _just_sync_scheduler_add_scope (self->scheduler, scope);

  switch (policy)
    {
    case JUST_SYNC_READ_LOCAL_FIRST:
      _just_sync_scheduler_request (self->scheduler, scope, JUST_SYNC_TRIGGER_REQUEST);
      read_local (g_steal_pointer (&task));
      break;

    case JUST_SYNC_READ_REMOTE_FIRST:
      if (!_just_sync_scheduler_is_online (self->scheduler))
        {
          data->from_cache = TRUE;
          read_local (g_steal_pointer (&task));
          break;
        }
      G_GNUC_FALLTHROUGH;

    case JUST_SYNC_READ_ONLINE_ONLY:
      /* Evicted rows are not in the deltas after the sync point: a scope
       * that misses some is read whole, and its evictions until now are
       * forgotten once that succeeded. */
      if (_just_sync_cache_is_partial (self->cache, scope))
        {
          if (_just_sync_cache_hold (self->cache, scope))
            data->held = g_object_ref (self->cache);
          data->refill_from = g_get_real_time ();
          just_sync_orchestrator_reconcile_async (self, scope, cancellable, read_sync_cb,
                                                  g_steal_pointer (&task));
        }
      else
        just_sync_orchestrator_synchronize_async (self, scope, cancellable, read_sync_cb,
                                                  g_steal_pointer (&task));
      break;

    case JUST_SYNC_READ_OFFLINE_ONLY:
    default:
      read_local (g_steal_pointer (&task));
      break;
    }
}

/* The records of a finished read, and whether they are from the cache. */
static GPtrArray *
read_propagate (GTask     *task,
                gboolean  *out_from_cache,
                GError   **error)
{
  ReadData *data = g_task_get_task_data (task);
  GPtrArray *records = g_task_propagate_pointer (task, error);

  if (out_from_cache != NULL)
    *out_from_cache = records != NULL && data->from_cache;
  return records;
}

/**
 * just_sync_orchestrator_read_async:
 * @self: a [class@JustSync.Orchestrator]
 * @scope: the scope to read
 * @policy: where to read from
 * @cancellable: (nullable): a [class@Gio.Cancellable]
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
  g_return_if_fail (JUST_SYNC_IS_ORCHESTRATOR (self));
  g_return_if_fail (scope != NULL);
  g_return_if_fail (policy <= JUST_SYNC_READ_ONLINE_ONLY);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  read_start (self, scope, policy, g_task_new (self, cancellable, callback, user_data),
              just_sync_orchestrator_read_async, g_new0 (ReadData, 1));
}

/**
 * just_sync_orchestrator_read_page_async:
 * @self: a [class@JustSync.Orchestrator]
 * @scope: the scope to read
 * @policy: where to read from
 * @offset: how many records to skip
 * @limit: how many records to read at most, or 0 for all of them
 * @cancellable: (nullable): a [class@Gio.Cancellable]
 * @callback: (scope async): called with the records
 * @user_data: data for @callback
 *
 * Reads one page of the live records of @scope, in the order of
 * [method@JustSync.Orchestrator.read_async] and by @policy as it does. The
 * local store reads the page alone where it can
 * ([method@JustSync.LocalStore.query_page_async]), so a small page of a
 * large scope costs little memory.
 */
void
just_sync_orchestrator_read_page_async (JustSyncOrchestrator *self,
                                        JustSyncScope        *scope,
                                        JustSyncReadPolicy    policy,
                                        guint                 offset,
                                        guint                 limit,
                                        GCancellable         *cancellable,
                                        GAsyncReadyCallback   callback,
                                        gpointer              user_data)
{
  ReadData *data;

  g_return_if_fail (JUST_SYNC_IS_ORCHESTRATOR (self));
  g_return_if_fail (scope != NULL);
  g_return_if_fail (policy <= JUST_SYNC_READ_ONLINE_ONLY);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  data = g_new0 (ReadData, 1);
  data->paged = TRUE;
  data->offset = offset;
  data->limit = limit;
  read_start (self, scope, policy, g_task_new (self, cancellable, callback, user_data),
              just_sync_orchestrator_read_page_async, data);
}

/**
 * just_sync_orchestrator_read_page_finish:
 * @self: a [class@JustSync.Orchestrator]
 * @result: the [iface@Gio.AsyncResult] passed to the callback
 * @out_total: (out) (optional): the number of live records in the scope
 * @out_from_cache: (out) (optional): as for
 *   [method@JustSync.Orchestrator.read_finish]
 * @error: return location for an error
 *
 * Finishes [method@JustSync.Orchestrator.read_page_async].
 *
 * Returns: (transfer container) (element-type JustSyncRecord): the page's
 *   records, ordered by id
 */
GPtrArray *
just_sync_orchestrator_read_page_finish (JustSyncOrchestrator  *self,
                                         GAsyncResult          *result,
                                         guint                 *out_total,
                                         gboolean              *out_from_cache,
                                         GError               **error)
{
  GPtrArray *records;

  g_return_val_if_fail (JUST_SYNC_IS_ORCHESTRATOR (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == just_sync_orchestrator_read_page_async,
                        NULL);

  records = read_propagate (G_TASK (result), out_from_cache, error);
  if (out_total != NULL)
    *out_total = records != NULL ? ((ReadData *) g_task_get_task_data (G_TASK (result)))->total : 0;
  return records;
}

/**
 * just_sync_orchestrator_read_finish:
 * @self: a [class@JustSync.Orchestrator]
 * @result: the [iface@Gio.AsyncResult] passed to the callback
 * @out_from_cache: (out) (optional): set to %TRUE when the records come
 *   from the local store without a successful sync just before (offline,
 *   a fallback, or a local-first read)
 * @error: return location for an error
 *
 * Finishes [method@JustSync.Orchestrator.read_async].
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
  g_return_val_if_fail (JUST_SYNC_IS_ORCHESTRATOR (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == just_sync_orchestrator_read_async, NULL);

  return read_propagate (G_TASK (result), out_from_cache, error);
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
    {
      JustSyncOrchestrator *self = g_task_get_source_object (task);

      _just_sync_cache_touch (self->cache, g_task_get_task_data (task),
                              just_sync_record_get_id (record));
      g_task_return_pointer (task, g_steal_pointer (&record),
                             (GDestroyNotify) just_sync_record_unref);
    }
}

/**
 * just_sync_orchestrator_get_async:
 * @self: a [class@JustSync.Orchestrator]
 * @scope: the record's scope
 * @id: the record's id
 * @cancellable: (nullable): a [class@Gio.Cancellable]
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
  g_task_set_task_data (task, just_sync_scope_ref (scope), (GDestroyNotify) just_sync_scope_unref);
  if (g_task_return_error_if_cancelled (task))
    {
      g_object_unref (task);
      return;
    }
  just_sync_local_store_get_async (self->job_config.local, scope, id, cancellable, get_cb, task);
}

/**
 * just_sync_orchestrator_get_finish:
 * @self: a [class@JustSync.Orchestrator]
 * @result: the [iface@Gio.AsyncResult] passed to the callback
 * @error: return location for an error
 *
 * Finishes [method@JustSync.Orchestrator.get_async].
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
  g_return_val_if_fail (g_async_result_is_tagged (result, just_sync_orchestrator_get_async), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/* Queries */

static void
query_cb (GObject      *object,
          GAsyncResult *res,
          gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GPtrArray *records;
  GError *error = NULL;

  records = just_sync_local_store_run_query_finish (JUST_SYNC_LOCAL_STORE (object), res, &error);
  if (records == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, records, (GDestroyNotify) g_ptr_array_unref);
}

/**
 * just_sync_orchestrator_query_async:
 * @self: a [class@JustSync.Orchestrator]
 * @query: what to list; it can no longer be changed afterwards
 * @cancellable: (nullable): a [class@Gio.Cancellable]
 * @callback: (scope async): called with the records
 * @user_data: data for @callback
 *
 * Runs @query once on the local store. To follow its result as it changes,
 * use [method@JustSync.Orchestrator.watch].
 */
void
just_sync_orchestrator_query_async (JustSyncOrchestrator *self,
                                    JustSyncQuery        *query,
                                    GCancellable         *cancellable,
                                    GAsyncReadyCallback   callback,
                                    gpointer              user_data)
{
  GTask *task;

  g_return_if_fail (JUST_SYNC_IS_ORCHESTRATOR (self));
  g_return_if_fail (JUST_SYNC_IS_QUERY (query));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, just_sync_orchestrator_query_async);
  just_sync_local_store_run_query_async (self->job_config.local, query, NULL, cancellable,
                                         query_cb, task);
}

/**
 * just_sync_orchestrator_query_finish:
 * @self: a [class@JustSync.Orchestrator]
 * @result: the [iface@Gio.AsyncResult] passed to the callback
 * @error: return location for an error
 *
 * Finishes [method@JustSync.Orchestrator.query_async].
 *
 * Returns: (transfer container) (element-type JustSyncRecord): the live
 *   records that match, in the order of the query
 */
GPtrArray *
just_sync_orchestrator_query_finish (JustSyncOrchestrator  *self,
                                     GAsyncResult          *result,
                                     GError               **error)
{
  g_return_val_if_fail (JUST_SYNC_IS_ORCHESTRATOR (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/**
 * just_sync_orchestrator_watch:
 * @self: a [class@JustSync.Orchestrator]
 * @query: what to list; it can no longer be changed afterwards
 *
 * Watches @query: the [class@JustSync.LiveQuery] it returns is a
 * [iface@Gio.ListModel] of [class@JustSync.RecordObject] that fills
 * without blocking, then follows app writes and synced changes alike.
 *
 * Returns: (transfer full): a live query
 */
JustSyncLiveQuery *
just_sync_orchestrator_watch (JustSyncOrchestrator *self,
                              JustSyncQuery        *query)
{
  g_return_val_if_fail (JUST_SYNC_IS_ORCHESTRATOR (self), NULL);
  g_return_val_if_fail (JUST_SYNC_IS_QUERY (query), NULL);

  return just_sync_live_query_new (self->job_config.local, query);
}

/* Writes */

typedef enum {
  WRITE_CREATE,
  WRITE_UPDATE,
  WRITE_PATCH,
  WRITE_DELETE,
} WriteKind;

typedef struct
{
  JustSyncScope *scope;
  char *id;
  JsonObject *payload;         /* a patch: the members to set */
  GStrv remove;                /* a patch: the members to remove */
  GStrv fields;                /* a patch: the members set or removed */
  WriteKind kind;
  JustSyncRecord *written;
} WriteData;

static void
write_data_free (WriteData *data)
{
  just_sync_scope_unref (data->scope);
  g_free (data->id);
  g_clear_pointer (&data->payload, json_object_unref);
  g_strfreev (data->remove);
  g_strfreev (data->fields);
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
  else if (data->fields != NULL)
    {
      JustSyncPendingOp *op = just_sync_local_store_patch_finish (JUST_SYNC_LOCAL_STORE (object), res, &error);

      if (op != NULL)
        {
          ops = g_ptr_array_new_with_free_func ((GDestroyNotify) just_sync_pending_op_unref);
          g_ptr_array_add (ops, op);
        }
    }
  else
    ops = just_sync_local_store_upsert_many_finish (JUST_SYNC_LOCAL_STORE (object), res, &error);
  if (ops == NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  refresh_counts (self);
  _just_sync_cache_touch (self->cache, data->scope, data->id);
  _just_sync_scheduler_request (self->scheduler, data->scope, JUST_SYNC_TRIGGER_WRITE);

  if (data->kind == WRITE_DELETE)
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_pointer (task, just_sync_record_ref (data->written),
                           (GDestroyNotify) just_sync_record_unref);
}

/* @old with the members of @set set and those named in @remove removed. */
static JsonObject *
patch_payload (JsonObject         *old,
               JsonObject         *set,
               const char * const *remove)
{
  JsonObject *payload = json_object_new ();
  JsonObjectIter iter;
  const char *name;
  JsonNode *value;

  json_object_iter_init (&iter, old);
  while (json_object_iter_next (&iter, &name, &value))
    if (remove == NULL || !g_strv_contains (remove, name))
      json_object_set_member (payload, name, json_node_copy (value));
  if (set != NULL)
    {
      json_object_iter_init (&iter, set);
      while (json_object_iter_next (&iter, &name, &value))
        json_object_set_member (payload, name, json_node_copy (value));
    }
  return payload;
}

/* The names a patch sets or removes, or NULL when it names none (then
 * the record goes whole, as after an update). */
static GStrv
patch_fields (JsonObject         *set,
              const char * const *remove)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_auto(GStrv) fields = NULL;
  JsonObjectIter iter;
  const char *name;
  JsonNode *value;

  if (set != NULL)
    {
      json_object_iter_init_ordered (&iter, set);
      while (json_object_iter_next_ordered (&iter, &name, &value))
        g_strv_builder_add (builder, name);
    }
  for (guint i = 0; remove != NULL && remove[i] != NULL; i++)
    if (set == NULL || !json_object_has_member (set, remove[i]))
      g_strv_builder_add (builder, remove[i]);
  fields = g_strv_builder_end (builder);
  return fields[0] != NULL ? g_steal_pointer (&fields) : NULL;
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
  if ((data->kind == WRITE_UPDATE || data->kind == WRITE_PATCH) && !live)
    {
      g_task_return_new_error (task, JUST_SYNC_ERROR, JUST_SYNC_ERROR_NOT_FOUND,
                               _("The record “%s” was deleted"), data->id);
      return;
    }

  if (data->kind == WRITE_DELETE)
    {
      const char *ids[] = { data->id, NULL };

      just_sync_local_store_delete_many_async (self->job_config.local, data->scope, ids,
                                               just_sync_orchestrator_now (self), cancellable,
                                               write_done_cb, g_steal_pointer (&task));
    }
  else
    {
      g_autoptr(GPtrArray) records = g_ptr_array_new ();
      const char * const *remove = (const char * const *) data->remove;
      g_autoptr(JsonObject) payload = data->kind == WRITE_PATCH
                                      ? patch_payload (just_sync_record_get_payload (existing),
                                                       data->payload, remove)
                                      : json_object_ref (data->payload);

      data->written = just_sync_record_new (data->id, payload, just_sync_orchestrator_now (self),
                                            0, &error);
      if (data->written == NULL)
        {
          g_task_return_error (task, error);
          return;
        }
      if (data->kind == WRITE_PATCH)
        data->fields = patch_fields (data->payload, remove);
      if (data->fields != NULL)
        {
          just_sync_local_store_patch_async (self->job_config.local, data->scope, data->written,
                                             (const char * const *) data->fields, cancellable,
                                             write_done_cb, g_steal_pointer (&task));
          return;
        }
      g_ptr_array_add (records, data->written);
      just_sync_local_store_upsert_many_async (self->job_config.local, data->scope, records, cancellable,
                                               write_done_cb, g_steal_pointer (&task));
    }
}

static void
start_write (JustSyncOrchestrator *self,
             WriteKind             kind,
             JustSyncScope        *scope,
             const char           *id,
             JsonObject           *payload,
             const char * const   *remove,
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
  data->id = id != NULL ? g_strdup (id) : just_sync_remote_store_generate_id (self->job_config.remote, scope);
  data->payload = payload != NULL ? json_object_ref (payload) : NULL;
  data->remove = g_strdupv ((GStrv) remove);
  g_task_set_task_data (task, data, (GDestroyNotify) write_data_free);

  if (data->id == NULL || data->id[0] == '\0' || !g_utf8_validate (data->id, -1, NULL))
    {
      g_task_return_new_error (task, JUST_SYNC_ERROR, JUST_SYNC_ERROR_INVALID_ARGUMENT,
                               _("A record id must be a non-empty UTF-8 string"));
      g_object_unref (task);
      return;
    }

  just_sync_local_store_get_async (self->job_config.local, scope, data->id, cancellable, write_lookup_cb, task);
}

/**
 * just_sync_orchestrator_create_async:
 * @self: a [class@JustSync.Orchestrator]
 * @scope: the scope of the new record
 * @id: (nullable): the new record's id, or %NULL for a new client id from
 *   the remote store ([method@JustSync.RemoteStore.generate_id])
 * @payload: the record's content
 * @cancellable: (nullable): a [class@Gio.Cancellable]
 * @callback: (scope async): called when the record is stored locally
 * @user_data: data for @callback
 *
 * Creates a record: it is written to the local store with its pending
 * operation in one transaction, [signal@JustSync.Orchestrator::changed] is emitted,
 * and a sync is scheduled. Works offline. The record is stamped with
 * [method@JustSync.Orchestrator.now].
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

  start_write (self, WRITE_CREATE, scope, id, payload, NULL, cancellable, callback, user_data,
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
 * @self: a [class@JustSync.Orchestrator]
 * @result: the [iface@Gio.AsyncResult] passed to the callback
 * @error: return location for an error
 *
 * Finishes [method@JustSync.Orchestrator.create_async].
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
 * @self: a [class@JustSync.Orchestrator]
 * @scope: the record's scope
 * @id: the record's id
 * @payload: the record's new content, replacing the old
 * @cancellable: (nullable): a [class@Gio.Cancellable]
 * @callback: (scope async): called when the change is stored locally
 * @user_data: data for @callback
 *
 * Replaces the content of a record, as [method@JustSync.Orchestrator.create_async]
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

  start_write (self, WRITE_UPDATE, scope, id, payload, NULL, cancellable, callback, user_data,
               just_sync_orchestrator_update_async);
}

/**
 * just_sync_orchestrator_update_finish:
 * @self: a [class@JustSync.Orchestrator]
 * @result: the [iface@Gio.AsyncResult] passed to the callback
 * @error: return location for an error
 *
 * Finishes [method@JustSync.Orchestrator.update_async].
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
 * just_sync_orchestrator_patch_async:
 * @self: a [class@JustSync.Orchestrator]
 * @scope: the record's scope
 * @id: the record's id
 * @set: (nullable): the members to set, with their new values
 * @remove: (nullable) (array zero-terminated=1): the names of members to
 *   remove
 * @cancellable: (nullable): a [class@Gio.Cancellable]
 * @callback: (scope async): called when the change is stored locally
 * @user_data: data for @callback
 *
 * Changes some members of a record's content and keeps the others, as
 * [method@JustSync.Orchestrator.update_async] replaces it whole (a member
 * both set and removed is set). The change is queued naming the members it
 * changed, and a push sends only those where the backend allows it
 * (PocketBase, Supabase and Appwrite do): a removed member is sent as a
 * JSON null, which the server stores as its empty value for the column or
 * field. Patches of one record queued before a push are sent as one, with
 * the members of all of them; an update or a create still queued makes the
 * whole record go. So another client's change of other members is kept on
 * the server even with [class@JustSync.LastWriteWinsResolver]; with a
 * [class@JustSync.FieldMergeResolver] it is kept in the local copy too when
 * the two conflict. Fails with %JUST_SYNC_ERROR_NOT_FOUND when there
 * is no live record with @id.
 */
void
just_sync_orchestrator_patch_async (JustSyncOrchestrator *self,
                                    JustSyncScope        *scope,
                                    const char           *id,
                                    JsonObject           *set,
                                    const char * const   *remove,
                                    GCancellable         *cancellable,
                                    GAsyncReadyCallback   callback,
                                    gpointer              user_data)
{
  g_return_if_fail (JUST_SYNC_IS_ORCHESTRATOR (self));
  g_return_if_fail (scope != NULL);
  g_return_if_fail (id != NULL);

  start_write (self, WRITE_PATCH, scope, id, set, remove, cancellable, callback, user_data,
               just_sync_orchestrator_patch_async);
}

/**
 * just_sync_orchestrator_patch_finish:
 * @self: a [class@JustSync.Orchestrator]
 * @result: the [iface@Gio.AsyncResult] passed to the callback
 * @error: return location for an error
 *
 * Finishes [method@JustSync.Orchestrator.patch_async].
 *
 * Returns: (transfer full): the record as stored
 */
JustSyncRecord *
just_sync_orchestrator_patch_finish (JustSyncOrchestrator  *self,
                                     GAsyncResult          *result,
                                     GError               **error)
{
  return propagate_record (self, result, just_sync_orchestrator_patch_async, error);
}

/**
 * just_sync_orchestrator_delete_async:
 * @self: a [class@JustSync.Orchestrator]
 * @scope: the record's scope
 * @id: the record's id
 * @cancellable: (nullable): a [class@Gio.Cancellable]
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

  start_write (self, WRITE_DELETE, scope, id, NULL, NULL, cancellable, callback, user_data,
               just_sync_orchestrator_delete_async);
}

/**
 * just_sync_orchestrator_delete_finish:
 * @self: a [class@JustSync.Orchestrator]
 * @result: the [iface@Gio.AsyncResult] passed to the callback
 * @error: return location for an error
 *
 * Finishes [method@JustSync.Orchestrator.delete_async].
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
 * @self: a [class@JustSync.Orchestrator]
 * @scope: a scope
 * @cancellable: (nullable): a [class@Gio.Cancellable]
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
  just_sync_local_store_list_pending_ops_async (self->job_config.local, scope, cancellable, list_pending_cb, task);
}

/**
 * just_sync_orchestrator_list_pending_finish:
 * @self: a [class@JustSync.Orchestrator]
 * @result: the [iface@Gio.AsyncResult] passed to the callback
 * @error: return location for an error
 *
 * Finishes [method@JustSync.Orchestrator.list_pending_async].
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
  g_return_val_if_fail (g_async_result_is_tagged (result, just_sync_orchestrator_list_pending_async), NULL);

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
        _just_sync_scheduler_need_reconcile (self->scheduler, scope);
      _just_sync_scheduler_request (self->scheduler, scope, JUST_SYNC_TRIGGER_REQUEST);
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
    just_sync_local_store_discard_failed_ops_async (self->job_config.local, scope, cancellable, failed_ops_cb, task);
  else
    just_sync_local_store_retry_failed_ops_async (self->job_config.local, scope, cancellable, failed_ops_cb, task);
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
 * @self: a [class@JustSync.Orchestrator]
 * @scope: a scope
 * @cancellable: (nullable): a [class@Gio.Cancellable]
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
 * @self: a [class@JustSync.Orchestrator]
 * @result: the [iface@Gio.AsyncResult] passed to the callback
 * @error: return location for an error
 *
 * Finishes [method@JustSync.Orchestrator.retry_failed_async].
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
 * @self: a [class@JustSync.Orchestrator]
 * @scope: a scope
 * @cancellable: (nullable): a [class@Gio.Cancellable]
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
 * @self: a [class@JustSync.Orchestrator]
 * @result: the [iface@Gio.AsyncResult] passed to the callback
 * @error: return location for an error
 *
 * Finishes [method@JustSync.Orchestrator.discard_failed_async].
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
 * @self: a [class@JustSync.Orchestrator]
 * @scope: a scope
 *
 * Keeps @scope in sync in the background until
 * [method@JustSync.Orchestrator.unwatch_scope]: it is synced when the
 * network returns, at every [property@JustSync.Orchestrator:sync-interval],
 * and when the remote store reports changes for it (which it is asked to
 * watch).
 *
 * Scopes the app writes to, syncs or reads are kept in sync by the
 * network's return and the sync interval too, until their changes are
 * pushed and they are among the 128 to 256 unwatched scopes it used most
 * recently: the engine keeps no state for the others, so reading scope
 * after scope costs no memory that stays.
 */
void
just_sync_orchestrator_watch_scope (JustSyncOrchestrator *self,
                                    JustSyncScope        *scope)
{
  g_return_if_fail (JUST_SYNC_IS_ORCHESTRATOR (self));
  g_return_if_fail (scope != NULL);

  just_sync_remote_store_watch (self->job_config.remote, scope);
  _just_sync_scheduler_watch (self->scheduler, scope);
  _just_sync_scheduler_request (self->scheduler, scope, JUST_SYNC_TRIGGER_REQUEST);
}

/**
 * just_sync_orchestrator_unwatch_scope:
 * @self: a [class@JustSync.Orchestrator]
 * @scope: a scope
 *
 * Undoes [method@JustSync.Orchestrator.watch_scope]: the remote store
 * stops reporting changes of @scope, and the engine forgets it once its
 * running sync, if any, ended and its changes are pushed. Using it again
 * (a read, a write, a sync) brings it back as any unwatched scope. Does
 * nothing when @scope is not watched.
 */
void
just_sync_orchestrator_unwatch_scope (JustSyncOrchestrator *self,
                                      JustSyncScope        *scope)
{
  g_return_if_fail (JUST_SYNC_IS_ORCHESTRATOR (self));
  g_return_if_fail (scope != NULL);

  if (_just_sync_scheduler_unwatch (self->scheduler, scope))
    just_sync_remote_store_unwatch (self->job_config.remote, scope);
}

/*
 * _just_sync_orchestrator_get_n_scopes:
 * @self: an orchestrator
 *
 * For tests: the number of scopes the engine keeps a state for.
 */
guint
_just_sync_orchestrator_get_n_scopes (JustSyncOrchestrator *self)
{
  g_return_val_if_fail (JUST_SYNC_IS_ORCHESTRATOR (self), 0);

  return _just_sync_scheduler_get_n_scopes (self->scheduler);
}

/* Triggers from the stores */

static void
local_changed_cb (JustSyncLocalStore   *local,
                  JustSyncScope        *scope,
                  const char * const   *ids,
                  JustSyncOrchestrator *self)
{
  _just_sync_cache_check (self->cache, scope);
  g_signal_emit (self, signals[CHANGED], 0, scope, ids);
}

static void
cache_evicted_cb (JustSyncScope *scope,
                  guint          n_evicted,
                  gpointer       user_data)
{
  g_signal_emit (user_data, signals[EVICTED], 0, scope, n_evicted);
}

static void
remote_changed_cb (JustSyncRemoteStore  *remote,
                   JustSyncScope        *scope,
                   JustSyncOrchestrator *self)
{
  _just_sync_scheduler_request (self->scheduler, scope, JUST_SYNC_TRIGGER_REMOTE_CHANGED);
}

static void
credentials_changed_cb (JustSyncRemoteStore  *remote,
                        JustSyncOrchestrator *self)
{
  _just_sync_scheduler_credentials_changed (self->scheduler);
}

/*
 * _just_sync_orchestrator_set_system_bus:
 * @self: an orchestrator
 * @bus: (nullable): the bus to follow logind's `PrepareForSleep` on
 *
 * For tests: replaces the system bus, where the engine learns that the
 * system resumed from suspend.
 */
void
_just_sync_orchestrator_set_system_bus (JustSyncOrchestrator *self,
                                        GDBusConnection      *bus)
{
  g_return_if_fail (JUST_SYNC_IS_ORCHESTRATOR (self));
  g_return_if_fail (bus == NULL || G_IS_DBUS_CONNECTION (bus));

  _just_sync_scheduler_set_system_bus (self->scheduler, bus);
}

/* GObject */

static void
just_sync_orchestrator_constructed (GObject *object)
{
  JustSyncOrchestrator *self = (JustSyncOrchestrator *) object;

  G_OBJECT_CLASS (just_sync_orchestrator_parent_class)->constructed (object);

  g_assert (JUST_SYNC_IS_LOCAL_STORE (self->job_config.local));
  g_assert (JUST_SYNC_IS_REMOTE_STORE (self->job_config.remote));

  if (self->job_config.resolver == NULL)
    self->job_config.resolver = just_sync_last_write_wins_resolver_new ();
  if (self->monitor == NULL)
    self->monitor = g_object_ref (g_network_monitor_get_default ());
  if (self->power_monitor == NULL)
    self->power_monitor = g_power_profile_monitor_dup_default ();

  self->scheduler = _just_sync_scheduler_new (object, &scheduler_hooks, &self->settings, &self->job_config,
                                              &job_observer, self->monitor, self->power_monitor);
  self->cache = _just_sync_cache_new (self->job_config.local, cache_evicted_cb, self);
  self->changed_handler = g_signal_connect_object (self->job_config.local, "changed",
                                                   G_CALLBACK (local_changed_cb), self, 0);
  self->remote_changed_handler = g_signal_connect_object (self->job_config.remote, "remote-changed",
                                                          G_CALLBACK (remote_changed_cb), self, 0);
  self->credentials_changed_handler = g_signal_connect_object (self->job_config.remote, "credentials-changed",
                                                               G_CALLBACK (credentials_changed_cb), self, 0);
  update_idle_state (self);
  refresh_counts (self);
}

static void
just_sync_orchestrator_dispose (GObject *object)
{
  JustSyncOrchestrator *self = (JustSyncOrchestrator *) object;

  g_clear_signal_handler (&self->changed_handler, self->job_config.local);
  g_clear_signal_handler (&self->remote_changed_handler, self->job_config.remote);
  g_clear_signal_handler (&self->credentials_changed_handler, self->job_config.remote);
  if (self->cache != NULL)
    _just_sync_cache_disconnect (self->cache);
  g_clear_object (&self->cache);
  if (self->scheduler != NULL)
    _just_sync_scheduler_shutdown (self->scheduler);

  G_OBJECT_CLASS (just_sync_orchestrator_parent_class)->dispose (object);
}

static void
just_sync_orchestrator_finalize (GObject *object)
{
  JustSyncOrchestrator *self = (JustSyncOrchestrator *) object;

  g_clear_pointer (&self->scheduler, _just_sync_scheduler_free);
  g_clear_object (&self->job_config.local);
  g_clear_object (&self->job_config.remote);
  g_clear_object (&self->job_config.resolver);
  g_clear_object (&self->monitor);
  g_clear_object (&self->power_monitor);
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
      g_value_set_object (value, self->job_config.local);
      break;
    case PROP_REMOTE_STORE:
      g_value_set_object (value, self->job_config.remote);
      break;
    case PROP_RESOLVER:
      g_value_set_object (value, self->job_config.resolver);
      break;
    case PROP_NETWORK_MONITOR:
      g_value_set_object (value, self->monitor);
      break;
    case PROP_POWER_PROFILE_MONITOR:
      g_value_set_object (value, self->power_monitor);
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
      g_value_set_int64 (value, self->clock.offset);
      break;
    case PROP_DEBOUNCE_INTERVAL:
      g_value_set_int64 (value, self->settings.debounce_interval);
      break;
    case PROP_SYNC_INTERVAL:
      g_value_set_int64 (value, self->settings.sync_interval);
      break;
    case PROP_OVERLAP_WINDOW:
      g_value_set_int64 (value, self->job_config.overlap_window);
      break;
    case PROP_PAGE_SIZE:
      g_value_set_uint (value, self->job_config.page_size);
      break;
    case PROP_PUSH_BATCH_SIZE:
      g_value_set_uint (value, self->job_config.push_batch_size);
      break;
    case PROP_RETRY_BASE_DELAY:
      g_value_set_int64 (value, self->settings.retry_base_delay);
      break;
    case PROP_RETRY_MAX_DELAY:
      g_value_set_int64 (value, self->settings.retry_max_delay);
      break;
    case PROP_TOMBSTONE_RETENTION:
      g_value_set_int64 (value, self->job_config.tombstone_retention);
      break;
    case PROP_BACKGROUND_WHEN_CONSTRAINED:
      g_value_set_boolean (value, self->settings.background_when_constrained);
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

/* Returns whether the value changed. */
static gboolean
set_int64_prop (JustSyncOrchestrator *self,
                gint64               *field,
                const GValue         *value,
                guint                 prop_id)
{
  if (*field == g_value_get_int64 (value))
    return FALSE;
  *field = g_value_get_int64 (value);
  g_object_notify_by_pspec (G_OBJECT (self), properties[prop_id]);
  return TRUE;
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
      self->job_config.local = g_value_dup_object (value);
      break;
    case PROP_REMOTE_STORE:
      self->job_config.remote = g_value_dup_object (value);
      break;
    case PROP_RESOLVER:
      self->job_config.resolver = g_value_dup_object (value);
      break;
    case PROP_NETWORK_MONITOR:
      self->monitor = g_value_dup_object (value);
      break;
    case PROP_POWER_PROFILE_MONITOR:
      self->power_monitor = g_value_dup_object (value);
      break;
    case PROP_DEBOUNCE_INTERVAL:
      set_int64_prop (self, &self->settings.debounce_interval, value, prop_id);
      break;
    case PROP_SYNC_INTERVAL:
      if (set_int64_prop (self, &self->settings.sync_interval, value, prop_id))
        _just_sync_scheduler_settings_changed (self->scheduler);
      break;
    case PROP_OVERLAP_WINDOW:
      set_int64_prop (self, &self->job_config.overlap_window, value, prop_id);
      break;
    case PROP_PAGE_SIZE:
      set_uint_prop (self, &self->job_config.page_size, value, prop_id);
      break;
    case PROP_PUSH_BATCH_SIZE:
      set_uint_prop (self, &self->job_config.push_batch_size, value, prop_id);
      break;
    case PROP_RETRY_BASE_DELAY:
      set_int64_prop (self, &self->settings.retry_base_delay, value, prop_id);
      break;
    case PROP_RETRY_MAX_DELAY:
      set_int64_prop (self, &self->settings.retry_max_delay, value, prop_id);
      break;
    case PROP_TOMBSTONE_RETENTION:
      set_int64_prop (self, &self->job_config.tombstone_retention, value, prop_id);
      break;
    case PROP_BACKGROUND_WHEN_CONSTRAINED:
      if (self->settings.background_when_constrained != g_value_get_boolean (value))
        {
          self->settings.background_when_constrained = g_value_get_boolean (value);
          _just_sync_scheduler_settings_changed (self->scheduler);
          g_object_notify_by_pspec (object, pspec);
        }
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
   * The store the app's records live in. Construct-only.
   */
  properties[PROP_LOCAL_STORE] =
    g_param_spec_object ("local-store", NULL, NULL, JUST_SYNC_TYPE_LOCAL_STORE, co);

  /**
   * JustSyncOrchestrator:remote-store:
   *
   * The backend the records are synced with. Construct-only.
   */
  properties[PROP_REMOTE_STORE] =
    g_param_spec_object ("remote-store", NULL, NULL, JUST_SYNC_TYPE_REMOTE_STORE, co);

  /**
   * JustSyncOrchestrator:resolver:
   *
   * Picks the winner of conflicts. Construct-only; by default a
   * [class@JustSync.LastWriteWinsResolver].
   */
  properties[PROP_RESOLVER] =
    g_param_spec_object ("resolver", NULL, NULL, JUST_SYNC_TYPE_CONFLICT_RESOLVER, co);

  /**
   * JustSyncOrchestrator:network-monitor:
   *
   * Says whether the network is up, and whether it is metered.
   * Construct-only; by default [func@Gio.NetworkMonitor.get_default].
   */
  properties[PROP_NETWORK_MONITOR] =
    g_param_spec_object ("network-monitor", NULL, NULL, G_TYPE_NETWORK_MONITOR, co);

  /**
   * JustSyncOrchestrator:power-profile-monitor:
   *
   * Says whether the system is in power-saver mode. Construct-only; by
   * default [func@Gio.PowerProfileMonitor.dup_default].
   */
  properties[PROP_POWER_PROFILE_MONITOR] =
    g_param_spec_object ("power-profile-monitor", NULL, NULL, G_TYPE_POWER_PROFILE_MONITOR, co);

  /**
   * JustSyncOrchestrator:state:
   *
   * What the engine is doing: idle, syncing, offline (no network: reads and
   * writes work locally and are pushed later), or error (the last sync
   * failed; [property@JustSync.Orchestrator:last-error] says why, and
   * the class's description says when it is retried). Read-only; starts
   * idle or offline.
   */
  properties[PROP_STATE] =
    g_param_spec_enum ("state", NULL, NULL, JUST_SYNC_TYPE_SYNC_STATE, JUST_SYNC_STATE_IDLE, ro);

  /**
   * JustSyncOrchestrator:pending-count:
   *
   * How many local changes wait to be pushed, in every scope: it counts
   * operations, not records, so three edits of one record offline count
   * three (only the newest is pushed, and its acknowledgement clears all
   * three); [method@JustSync.Orchestrator.list_pending_async] lists them
   * with their records. Current when
   * [signal@JustSync.Orchestrator::sync-finished] is emitted and when the
   * callback of a sync runs, and updated after every write. Read-only.
   */
  properties[PROP_PENDING_COUNT] =
    g_param_spec_uint ("pending-count", NULL, NULL, 0, G_MAXUINT, 0, ro);

  /**
   * JustSyncOrchestrator:failed-count:
   *
   * How many local changes the server rejected and are parked, in every
   * scope; see [method@JustSync.Orchestrator.retry_failed_async]. Like
   * [property@JustSync.Orchestrator:pending-count], it counts operations
   * and is current when a sync ends. Read-only.
   */
  properties[PROP_FAILED_COUNT] =
    g_param_spec_uint ("failed-count", NULL, NULL, 0, G_MAXUINT, 0, ro);

  /**
   * JustSyncOrchestrator:last-error:
   *
   * The message of the last failed sync, or %NULL after a successful one.
   * Read-only.
   */
  properties[PROP_LAST_ERROR] =
    g_param_spec_string ("last-error", NULL, NULL, NULL, ro);

  /**
   * JustSyncOrchestrator:last-sync-time:
   *
   * When the last successful sync ended, in server-corrected microseconds
   * since the epoch, or 0 (the default) before the first. Read-only.
   */
  properties[PROP_LAST_SYNC_TIME] =
    g_param_spec_int64 ("last-sync-time", NULL, NULL, 0, G_MAXINT64, 0, ro);

  /**
   * JustSyncOrchestrator:clock-offset:
   *
   * The measured offset of the server's clock from the local one, in
   * microseconds; local changes are stamped with the local clock plus it
   * ([method@JustSync.Orchestrator.now]). Read-only; 0 until measured.
   */
  properties[PROP_CLOCK_OFFSET] =
    g_param_spec_int64 ("clock-offset", NULL, NULL, G_MININT64, G_MAXINT64, 0, ro);

  /**
   * JustSyncOrchestrator:debounce-interval:
   *
   * How long after a local change or a change announced by the server the
   * background sync starts, in microseconds; changes within it are synced
   * together. Default: 250 ms (`250 * G_TIME_SPAN_MILLISECOND`).
   */
  properties[PROP_DEBOUNCE_INTERVAL] =
    g_param_spec_int64 ("debounce-interval", NULL, NULL, 0, G_MAXINT64, DEFAULT_DEBOUNCE_INTERVAL, rw);

  /**
   * JustSyncOrchestrator:sync-interval:
   *
   * The time between periodic syncs of every known scope, in
   * microseconds, or 0 for none. Whole seconds let the system group the
   * wake-ups. Default: 0.
   */
  properties[PROP_SYNC_INTERVAL] =
    g_param_spec_int64 ("sync-interval", NULL, NULL, 0, G_MAXINT64, 0, rw);

  /**
   * JustSyncOrchestrator:overlap-window:
   *
   * How far before the sync point pulls start again, in microseconds, so
   * rows that committed late with older stamps are not missed. It should
   * exceed the longest write transaction of the backend plus the
   * uncertainty of its clock. Default: 10 s.
   */
  properties[PROP_OVERLAP_WINDOW] =
    g_param_spec_int64 ("overlap-window", NULL, NULL, 0, G_MAXINT64, DEFAULT_OVERLAP_WINDOW, rw);

  /**
   * JustSyncOrchestrator:page-size:
   *
   * The most records asked for in one pull request. Default: 500.
   */
  properties[PROP_PAGE_SIZE] =
    g_param_spec_uint ("page-size", NULL, NULL, 1, G_MAXUINT, DEFAULT_PAGE_SIZE, rw);

  /**
   * JustSyncOrchestrator:push-batch-size:
   *
   * The most operations sent in one push request. Default: 50.
   */
  properties[PROP_PUSH_BATCH_SIZE] =
    g_param_spec_uint ("push-batch-size", NULL, NULL, 1, G_MAXUINT, DEFAULT_PUSH_BATCH_SIZE, rw);

  /**
   * JustSyncOrchestrator:retry-base-delay:
   *
   * The first retry delay after a transient failure, in microseconds; it
   * doubles with every further failure, with ±25% jitter, and is never
   * shorter than the pause the server asked for. No background sync of
   * the scope starts before it ends. Default: 1 s.
   */
  properties[PROP_RETRY_BASE_DELAY] =
    g_param_spec_int64 ("retry-base-delay", NULL, NULL, 1, G_MAXINT64, DEFAULT_RETRY_BASE_DELAY, rw);

  /**
   * JustSyncOrchestrator:retry-max-delay:
   *
   * The cap of the retry delay, in microseconds. Default: 5 minutes.
   */
  properties[PROP_RETRY_MAX_DELAY] =
    g_param_spec_int64 ("retry-max-delay", NULL, NULL, 1, G_MAXINT64, DEFAULT_RETRY_MAX_DELAY, rw);

  /**
   * JustSyncOrchestrator:tombstone-retention:
   *
   * How long the server keeps tombstones, in microseconds, or 0 for
   * forever. A scope not pulled in full for longer than that is reconciled
   * instead of pulled, since deletes may have been purged meanwhile. Before
   * its first pull by this engine, the age of its sync point counts.
   * Default: 0.
   */
  properties[PROP_TOMBSTONE_RETENTION] =
    g_param_spec_int64 ("tombstone-retention", NULL, NULL, 0, G_MAXINT64, 0, rw);

  /**
   * JustSyncOrchestrator:background-when-constrained:
   *
   * Whether background syncs (after writes, server announcements, the
   * network's return, a resume, or the
   * [property@JustSync.Orchestrator:sync-interval]) run on a metered
   * network ([property@Gio.NetworkMonitor:network-metered]) and in
   * power-saver mode ([property@Gio.PowerProfileMonitor:power-saver-enabled]).
   * When %FALSE they wait until neither holds; explicit syncs
   * ([method@JustSync.Orchestrator.synchronize_async]) always run.
   * Default: %FALSE.
   */
  properties[PROP_BACKGROUND_WHEN_CONSTRAINED] =
    g_param_spec_boolean ("background-when-constrained", NULL, NULL, FALSE, rw);

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
   * JustSyncOrchestrator::evicted:
   * @self: the orchestrator
   * @scope: the scope
   * @n_evicted: how many rows were evicted
   *
   * The cache limit of @scope (see
   * [method@JustSync.Orchestrator.set_cache_limit]) evicted rows; the
   * scope is now partial ([method@JustSync.Orchestrator.is_partial]).
   * [signal@JustSync.Orchestrator::changed] names them.
   */
  signals[EVICTED] =
    g_signal_new ("evicted", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL,
                  G_TYPE_NONE, 2,
                  JUST_SYNC_TYPE_SCOPE, G_TYPE_UINT);

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
   * A sync or reconcile of @scope ended. It is emitted before the sync's
   * callers are completed, with [property@JustSync.Orchestrator:state],
   * [property@JustSync.Orchestrator:last-error],
   * [property@JustSync.Orchestrator:pending-count] and
   * [property@JustSync.Orchestrator:failed-count] already current.
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
   * blocks nothing else, until it is retried or discarded
   * ([method@JustSync.Orchestrator.retry_failed_async],
   * [method@JustSync.Orchestrator.discard_failed_async]).
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
  self->settings.debounce_interval = DEFAULT_DEBOUNCE_INTERVAL;
  self->settings.retry_base_delay = DEFAULT_RETRY_BASE_DELAY;
  self->settings.retry_max_delay = DEFAULT_RETRY_MAX_DELAY;
  self->job_config.overlap_window = DEFAULT_OVERLAP_WINDOW;
  self->job_config.page_size = DEFAULT_PAGE_SIZE;
  self->job_config.push_batch_size = DEFAULT_PUSH_BATCH_SIZE;
}

/**
 * just_sync_orchestrator_new:
 * @local: the local store
 * @remote: the remote store
 * @resolver: (nullable): the conflict resolver, or %NULL for last-write-wins
 *
 * Creates a sync engine on the thread-default main context, following the
 * default [iface@Gio.NetworkMonitor].
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
 * @self: a [class@JustSync.Orchestrator]
 *
 * Gets the value of [property@JustSync.Orchestrator:local-store].
 *
 * Returns: (transfer none): the local store
 */
JustSyncLocalStore *
just_sync_orchestrator_get_local_store (JustSyncOrchestrator *self)
{
  g_return_val_if_fail (JUST_SYNC_IS_ORCHESTRATOR (self), NULL);

  return self->job_config.local;
}

/**
 * just_sync_orchestrator_get_remote_store:
 * @self: a [class@JustSync.Orchestrator]
 *
 * Gets the value of [property@JustSync.Orchestrator:remote-store].
 *
 * Returns: (transfer none): the remote store
 */
JustSyncRemoteStore *
just_sync_orchestrator_get_remote_store (JustSyncOrchestrator *self)
{
  g_return_val_if_fail (JUST_SYNC_IS_ORCHESTRATOR (self), NULL);

  return self->job_config.remote;
}

/**
 * just_sync_orchestrator_get_resolver:
 * @self: a [class@JustSync.Orchestrator]
 *
 * Gets the value of [property@JustSync.Orchestrator:resolver].
 *
 * Returns: (transfer none): the conflict resolver
 */
JustSyncConflictResolver *
just_sync_orchestrator_get_resolver (JustSyncOrchestrator *self)
{
  g_return_val_if_fail (JUST_SYNC_IS_ORCHESTRATOR (self), NULL);

  return self->job_config.resolver;
}

/**
 * just_sync_orchestrator_get_state:
 * @self: a [class@JustSync.Orchestrator]
 *
 * Gets the value of [property@JustSync.Orchestrator:state].
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
 * @self: a [class@JustSync.Orchestrator]
 *
 * Gets the value of [property@JustSync.Orchestrator:pending-count].
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
 * @self: a [class@JustSync.Orchestrator]
 *
 * Gets the value of [property@JustSync.Orchestrator:failed-count].
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
 * @self: a [class@JustSync.Orchestrator]
 *
 * Gets the value of [property@JustSync.Orchestrator:last-error].
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
 * @self: a [class@JustSync.Orchestrator]
 *
 * Gets the value of [property@JustSync.Orchestrator:last-sync-time].
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
 * @self: a [class@JustSync.Orchestrator]
 *
 * Gets the value of [property@JustSync.Orchestrator:clock-offset].
 *
 * Returns: the measured offset of the server's clock, in microseconds
 */
gint64
just_sync_orchestrator_get_clock_offset (JustSyncOrchestrator *self)
{
  g_return_val_if_fail (JUST_SYNC_IS_ORCHESTRATOR (self), 0);

  return self->clock.offset;
}

/**
 * just_sync_orchestrator_set_cache_limit:
 * @self: a [class@JustSync.Orchestrator]
 * @scope: the scope
 * @max_rows: the most live rows to keep, or 0 for no row limit
 * @max_bytes: the most bytes of content (serialized JSON) to keep, or 0
 *   for no byte limit
 *
 * Limits the local copy of @scope. Past the limit, the least recently used
 * rows are evicted from the local store (used: written, pulled, or read by
 * id with [method@JustSync.Orchestrator.get_async] since the engine
 * started; the others go first, oldest first), but never a row whose change
 * waits to be pushed, and never a tombstone. Eviction runs after every
 * change of the scope, during syncs too, and is announced by
 * [signal@JustSync.Orchestrator::evicted] and
 * [signal@JustSync.Orchestrator::changed], so watched lists drop the rows.
 *
 * While evicted rows are missing the scope is partial
 * ([method@JustSync.Orchestrator.is_partial]): a read with
 * %JUST_SYNC_READ_REMOTE_FIRST or %JUST_SYNC_READ_ONLINE_ONLY then pulls the
 * scope whole and brings them back. The local store keeps the evicted ids;
 * a store that cannot evict keeps everything. Both limits 0 remove the
 * limit.
 */
void
just_sync_orchestrator_set_cache_limit (JustSyncOrchestrator *self,
                                        JustSyncScope        *scope,
                                        guint                 max_rows,
                                        guint64               max_bytes)
{
  g_return_if_fail (JUST_SYNC_IS_ORCHESTRATOR (self));
  g_return_if_fail (scope != NULL);

  _just_sync_cache_set_limit (self->cache, scope, max_rows, max_bytes);
}

/**
 * just_sync_orchestrator_is_partial:
 * @self: a [class@JustSync.Orchestrator]
 * @scope: the scope
 *
 * Tells whether the local copy of @scope misses rows its cache limit
 * evicted: a query or a local read of @scope may then leave out records
 * the server has. Known once the limit was set and the store answered.
 *
 * Returns: %TRUE when rows of @scope are evicted
 */
gboolean
just_sync_orchestrator_is_partial (JustSyncOrchestrator *self,
                                   JustSyncScope        *scope)
{
  g_return_val_if_fail (JUST_SYNC_IS_ORCHESTRATOR (self), FALSE);
  g_return_val_if_fail (scope != NULL, FALSE);

  return _just_sync_cache_is_partial (self->cache, scope);
}
