/* justsync-scheduler.c: when a sync runs
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <glib/gi18n-lib.h>

#include "justsync-error.h"
#include "justsync-remote-store-private.h"
#include "justsync-scheduler-private.h"

/*
 * The scheduler is the only place that starts sync jobs. Every trigger
 * comes here: the app's explicit syncs (which run at once, joining a
 * running job when they can), and the background ones (local writes,
 * server announcements, reads, the periodic timer, the network coming
 * back, resume from suspend, new credentials), which go through one timer
 * per scope that never fires before the scope's "not before" time: the
 * retry backoff of its last failure, or the pause the server asked for
 * (`Retry-After`).
 *
 * The queue never stalls: a failed job backs off and retries, except when
 * retrying alone cannot help. A protocol error or an authentication error
 * stops retries of the scope until something else asks (a write, a
 * server announcement, an explicit sync, the network's return, a resume,
 * and for an authentication error new credentials); a job that ends
 * offline waits for the network's return; a cancelled one for the next
 * trigger. Background syncs wait while the network is metered or the
 * system saves power, unless the owner allows them.
 */

/* The unwatched scopes whose state is kept while they have nothing to
 * do, the most recently used first: the periodic sync follows them. */
#define MAX_IDLE_SCOPES 256

#define LOGIND_NAME  "org.freedesktop.login1"
#define LOGIND_PATH  "/org/freedesktop/login1"
#define LOGIND_IFACE "org.freedesktop.login1.Manager"

typedef struct
{
  JustSyncScheduler *scheduler;
  JustSyncScope *scope;
  JustSyncSyncJob *job;            /* the running job, which owns itself */
  guint timer_id;
  gint64 due;                      /* monotonic time the timer fires */
  guint failures;
  gint64 backoff_until;            /* monotonic; 0 when not backing off */
  /* A background sync was asked for while one ran: run another after. */
  gboolean dirty;
  /* ...and something changed meanwhile (a write, a server announcement,
   * a request), which a periodic tick is not. */
  gboolean changed;
  /* A background sync waits for the network to be cheap again. */
  gboolean deferred;
  /* The server broke the protocol: the periodic timer leaves the scope
   * alone until something else asks for a sync. */
  gboolean stalled;
  gboolean reconcile_needed;
  /* The server's time when the last complete pull began, or 0: no
   * tombstone purged before it was missed. */
  gint64 pulled_at;
  /* Callers waiting for the job after the running one. */
  GPtrArray *next_waiters;
  /* The owner watches the scope: its state stays. */
  gboolean watched;
  /* Unwatched while busy: the state goes once the scope is idle. */
  gboolean forget;
  /* A sync was asked for and none succeeded since: the state stays. */
  gboolean wants_sync;
  gint64 used_at;                  /* monotonic time the owner last used it */
} ScopeState;

struct _JustSyncScheduler
{
  GObject *owner;                  /* unowned: it owns the scheduler */
  const JustSyncSchedulerHooks *hooks;
  const JustSyncSchedulerSettings *settings;
  const JustSyncSyncJobConfig *job_config;
  const JustSyncSyncJobObserver *job_observer;
  GMainContext *context;

  GNetworkMonitor *network_monitor;
  GPowerProfileMonitor *power_monitor;
  gboolean remote_needs_network;
  gboolean was_online;
  gulong network_handler;
  gulong metered_handler;
  gulong power_handler;

  GCancellable *bus_cancellable;
  GDBusConnection *bus;
  guint sleep_subscription;

  GHashTable *scopes;              /* canonical scope string -> ScopeState */
  guint sweep_at;                  /* the number of scopes that sweeps idle ones */
  guint n_running;
  gboolean shut_down;
  guint periodic_id;
  GTimeSpan periodic_interval;
};

static void scope_schedule (ScopeState *state,
                            GTimeSpan   delay);
static void start_job      (ScopeState *state,
                            gboolean    reconcile);

/* Scopes */

static void
scope_state_free (ScopeState *state)
{
  g_clear_handle_id (&state->timer_id, g_source_remove);
  g_ptr_array_unref (state->next_waiters);
  just_sync_scope_unref (state->scope);
  g_free (state);
}

/* Whether nothing keeps @state: an unwatched scope with nothing to do. */
static gboolean
scope_is_idle (ScopeState *state)
{
  return !state->watched && !state->wants_sync && state->job == NULL && state->timer_id == 0 &&
         state->next_waiters->len == 0 && !state->reconcile_needed && !state->dirty &&
         !state->deferred && state->failures == 0;
}

static int
compare_used_at (gconstpointer a,
                 gconstpointer b)
{
  const ScopeState *state_a = *(ScopeState * const *) a;
  const ScopeState *state_b = *(ScopeState * const *) b;

  return state_a->used_at < state_b->used_at ? -1 : state_a->used_at > state_b->used_at;
}

/* Drops the idle scopes used longest ago, keeping MAX_IDLE_SCOPES / 2:
 * an app that reads scope after scope must not grow the engine without
 * end. Runs when the table doubled its idle part since the last sweep. */
static void
sweep_idle_scopes (JustSyncScheduler *self)
{
  g_autoptr(GPtrArray) idle = g_ptr_array_new ();
  GHashTableIter iter;
  ScopeState *state;

  g_hash_table_iter_init (&iter, self->scopes);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &state))
    if (scope_is_idle (state))
      g_ptr_array_add (idle, state);
  g_ptr_array_sort (idle, compare_used_at);
  for (guint i = 0; i + MAX_IDLE_SCOPES / 2 < idle->len; i++)
    {
      state = g_ptr_array_index (idle, i);
      g_hash_table_remove (self->scopes, just_sync_scope_to_string (state->scope));
    }
  self->sweep_at = g_hash_table_size (self->scopes) + MAX_IDLE_SCOPES / 2;
}

/* The state of @scope, which the owner uses now. */
static ScopeState *
ensure_scope (JustSyncScheduler *self,
              JustSyncScope     *scope)
{
  const char *key = just_sync_scope_to_string (scope);
  ScopeState *state = g_hash_table_lookup (self->scopes, key);

  if (state == NULL)
    {
      if (g_hash_table_size (self->scopes) >= self->sweep_at)
        sweep_idle_scopes (self);
      state = g_new0 (ScopeState, 1);
      state->scheduler = self;
      state->scope = just_sync_scope_ref (scope);
      state->next_waiters = g_ptr_array_new_with_free_func (g_object_unref);
      g_hash_table_insert (self->scopes, g_strdup (key), state);
    }
  state->forget = FALSE;
  state->used_at = g_get_monotonic_time ();
  return state;
}

/*
 * _just_sync_scheduler_watch:
 * @self: the scheduler
 * @scope: a scope
 *
 * Keeps the state of @scope, and so its periodic sync, until
 * _just_sync_scheduler_unwatch().
 */
void
_just_sync_scheduler_watch (JustSyncScheduler *self,
                            JustSyncScope     *scope)
{
  ensure_scope (self, scope)->watched = TRUE;
}

/*
 * _just_sync_scheduler_unwatch:
 * @self: the scheduler
 * @scope: a scope
 *
 * Forgets @scope as soon as it has nothing to do: it is no longer synced
 * in the background until it is used again.
 *
 * Returns: whether @scope was watched
 */
gboolean
_just_sync_scheduler_unwatch (JustSyncScheduler *self,
                              JustSyncScope     *scope)
{
  ScopeState *state = g_hash_table_lookup (self->scopes, just_sync_scope_to_string (scope));
  gboolean watched;

  if (state == NULL)
    return FALSE;
  watched = state->watched;
  state->watched = FALSE;
  if (scope_is_idle (state))
    g_hash_table_remove (self->scopes, just_sync_scope_to_string (scope));
  else
    state->forget = TRUE;
  return watched;
}

/* For tests: how many scopes the scheduler keeps a state for. */
guint
_just_sync_scheduler_get_n_scopes (JustSyncScheduler *self)
{
  return g_hash_table_size (self->scopes);
}

void
_just_sync_scheduler_add_scope (JustSyncScheduler *self,
                                JustSyncScope     *scope)
{
  ensure_scope (self, scope);
}

/* Conditions */

/* Offline means: the remote is reached over the network, and there is
 * none. A server on the loopback interface or in the process is always
 * reachable. */
gboolean
_just_sync_scheduler_is_online (JustSyncScheduler *self)
{
  return !self->remote_needs_network || g_network_monitor_get_network_available (self->network_monitor);
}

/* Whether background syncs wait: the network costs (and is used), or the
 * system saves power, and the owner did not allow them anyway. */
static gboolean
is_constrained (JustSyncScheduler *self)
{
  if (self->settings->background_when_constrained)
    return FALSE;
  return (self->remote_needs_network && g_network_monitor_get_network_metered (self->network_monitor)) ||
         g_power_profile_monitor_get_power_saver_enabled (self->power_monitor);
}

/* The monotonic time before which @state's scope must not be synced in
 * the background: its own backoff, or the server's pause. */
static gint64
not_before (ScopeState *state)
{
  return MAX (state->backoff_until,
              _just_sync_remote_store_get_not_before (state->scheduler->job_config->remote));
}

guint
_just_sync_scheduler_get_n_running (JustSyncScheduler *self)
{
  return self->n_running;
}

/* The background timer */

static gboolean
scope_timer_cb (gpointer user_data)
{
  ScopeState *state = user_data;
  JustSyncScheduler *self = state->scheduler;

  state->timer_id = 0;
  if (state->job == NULL && _just_sync_scheduler_is_online (self) && !is_constrained (self) &&
      not_before (state) <= g_get_monotonic_time ())
    start_job (state, FALSE);
  else
    /* The conditions changed since the timer was armed: a sync started,
     * the network went, or the server asked for a longer pause. */
    scope_schedule (state, 0);
  return G_SOURCE_REMOVE;
}

/* Asks for a background sync of @state's scope after @delay, or as soon
 * after as its "not before" time allows, unless one is due sooner; a
 * running sync is followed by another. */
static void
scope_schedule (ScopeState *state,
                GTimeSpan   delay)
{
  JustSyncScheduler *self = state->scheduler;
  g_autoptr(GSource) source = NULL;
  gint64 now = g_get_monotonic_time ();
  gint64 due;

  if (self->shut_down)
    return;
  if (state->job != NULL)
    {
      state->dirty = TRUE;
      return;
    }
  if (!_just_sync_scheduler_is_online (self))
    return;
  if (is_constrained (self))
    {
      state->deferred = TRUE;
      g_clear_handle_id (&state->timer_id, g_source_remove);
      return;
    }
  state->deferred = FALSE;

  due = MAX (now + delay, not_before (state));
  if (state->timer_id != 0 && state->due <= due)
    return;
  g_clear_handle_id (&state->timer_id, g_source_remove);
  state->due = due;
  source = g_timeout_source_new ((guint) MIN ((due - now + 999) / 1000, G_MAXUINT));
  g_source_set_callback (source, scope_timer_cb, state, NULL);
  state->timer_id = g_source_attach (source, self->context);
}

/*
 * _just_sync_scheduler_request:
 * @self: the scheduler
 * @scope: a scope
 * @trigger: why
 *
 * Asks for a background sync of @scope. It obeys the backoff and the
 * server's pause, and waits while background syncs are constrained.
 */
void
_just_sync_scheduler_request (JustSyncScheduler *self,
                              JustSyncScope     *scope,
                              JustSyncTrigger    trigger)
{
  ScopeState *state = ensure_scope (self, scope);

  switch (trigger)
    {
    case JUST_SYNC_TRIGGER_WRITE:
    case JUST_SYNC_TRIGGER_REMOTE_CHANGED:
      /* Something changed: a stalled scope may work again. */
      state->stalled = FALSE;
      state->changed = TRUE;
      state->wants_sync = TRUE;
      scope_schedule (state, self->settings->debounce_interval);
      break;

    case JUST_SYNC_TRIGGER_REQUEST:
      state->stalled = FALSE;
      state->changed = TRUE;
      state->wants_sync = TRUE;
      scope_schedule (state, 0);
      break;

    case JUST_SYNC_TRIGGER_PERIODIC:
    default:
      if (!state->stalled)
        scope_schedule (state, 0);
      break;
    }
}

/* Asks for a reconcile of @scope with its next sync. */
void
_just_sync_scheduler_need_reconcile (JustSyncScheduler *self,
                                     JustSyncScope     *scope)
{
  ensure_scope (self, scope)->reconcile_needed = TRUE;
}

typedef enum
{
  ALL_PERIODIC,
  ALL_DEFERRED,    /* the scopes whose background sync waited */
  ALL_FRESH,       /* the network came back or the system resumed */
} AllReason;

static void
schedule_all (JustSyncScheduler *self,
              AllReason          reason)
{
  GHashTableIter iter;
  ScopeState *state;

  g_hash_table_iter_init (&iter, self->scopes);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &state))
    switch (reason)
      {
      case ALL_PERIODIC:
        /* An unwatched scope leaves once its sync ends: no new one. */
        if (!state->stalled && !state->forget)
          scope_schedule (state, 0);
        break;
      case ALL_DEFERRED:
        if (state->deferred)
          scope_schedule (state, 0);
        break;
      case ALL_FRESH:
      default:
        /* What failed before may work now (the network, the system or the
         * credentials are fresh): the scope's own backoff ends, the
         * server's pause does not. */
        state->backoff_until = 0;
        state->stalled = FALSE;
        state->changed = TRUE;
        scope_schedule (state, 0);
        break;
      }
}

/* Jobs */

static GTimeSpan
retry_delay (JustSyncScheduler *self,
             ScopeState        *state,
             GTimeSpan          retry_after)
{
  double delay = self->settings->retry_base_delay;
  double max = self->settings->retry_max_delay;

  for (guint i = 1; i < state->failures && delay < max; i++)
    delay *= 2;
  delay = MIN (delay, max);
  /* Jitter keeps clients that failed together from retrying together. */
  delay *= g_random_double_range (0.75, 1.25);
  return MAX ((GTimeSpan) delay, retry_after);
}

/* One more failure: back off, then retry. */
static void
back_off (ScopeState *state,
          GTimeSpan   retry_after)
{
  state->failures++;
  state->backoff_until = g_get_monotonic_time () + retry_delay (state->scheduler, state, retry_after);
  scope_schedule (state, 0);
}

static void
job_done_cb (JustSyncSyncJob *job,
             const GError    *error,
             gpointer         user_data)
{
  ScopeState *state = user_data;
  JustSyncScheduler *self = state->scheduler;
  GTimeSpan retry_after = 0;
  gboolean needs_retry;

  state->job = NULL;
  self->n_running--;
  state->pulled_at = _just_sync_sync_job_get_pulled_at (job);

  /* A reconcile that did not end repaired nothing for sure (its prune comes
   * last, and it forgot the sync point): the next job reconciles again. */
  if (error != NULL && _just_sync_sync_job_is_reconcile (job))
    state->reconcile_needed = TRUE;

  /* Ops that were not acknowledged (a transient failure, or a newer
   * version on the server) fail the job and back off as a failed sync
   * does, honouring the longest Retry-After their answers carried: the
   * failures count on until a sync leaves nothing to retry. */
  needs_retry = _just_sync_sync_job_needs_retry (job, &retry_after);
  if (error == NULL)
    {
      state->failures = 0;
      state->backoff_until = 0;
      state->wants_sync = FALSE;
    }
  /* Retrying with the same credentials cannot help (and a wrong password
   * tried again and again may lock the account): new credentials
   * (credentials-changed), a write or an explicit sync try again. */
  else if (g_error_matches (error, JUST_SYNC_ERROR, JUST_SYNC_ERROR_AUTH) ||
           (g_error_matches (error, JUST_SYNC_ERROR, JUST_SYNC_ERROR_PROTOCOL) && !needs_retry))
    {
      /* Only a change made while the job ran sends the scope on; a
       * periodic tick that came meanwhile would just ask again. */
      state->stalled = !state->changed;
      state->dirty = state->dirty && state->changed;
    }
  /* Any other failure is retried, so that no queued change waits for a
   * trigger that may never come; a cancel is the app's to repeat, unless
   * it left a sent change unanswered. Offline, the network's return
   * retries. */
  else if ((needs_retry || !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED)) &&
           _just_sync_scheduler_is_online (self))
    back_off (state, retry_after);

  self->hooks->finished (self->owner, job, error);

  if (state->next_waiters->len > 0)
    {
      g_autoptr(GPtrArray) next = g_steal_pointer (&state->next_waiters);

      state->next_waiters = g_ptr_array_new_with_free_func (g_object_unref);
      /* The next job reconciles when one of them asked for it. */
      for (guint i = 0; i < next->len; i++)
        _just_sync_scheduler_join (self, state->scope, FALSE, g_ptr_array_index (next, i));
    }
  /* A reconcile still to do after a failure waits for the retry, as the
   * rest of the failed job does: only new changes come sooner. */
  else if (state->dirty || (error == NULL && state->reconcile_needed))
    {
      state->dirty = FALSE;
      scope_schedule (state, error == NULL ? 0 : self->settings->debounce_interval);
    }
  else if (state->forget && scope_is_idle (state))
    g_hash_table_remove (self->scopes, just_sync_scope_to_string (state->scope));
}

static void
start_job (ScopeState *state,
           gboolean    reconcile)
{
  JustSyncScheduler *self = state->scheduler;
  JustSyncSyncJob *job;

  g_assert (state->job == NULL);

  reconcile = reconcile || state->reconcile_needed;
  state->reconcile_needed = FALSE;
  job = _just_sync_sync_job_new (state->scope, reconcile, state->pulled_at, self->job_config,
                                 self->job_observer, self->owner);
  state->job = job;
  state->dirty = FALSE;
  state->changed = FALSE;
  state->deferred = FALSE;
  g_clear_handle_id (&state->timer_id, g_source_remove);
  self->n_running++;

  self->hooks->started (self->owner, state->scope);
  _just_sync_sync_job_start (job, job_done_cb, state);
}

/*
 * _just_sync_scheduler_join:
 * @self: the scheduler
 * @scope: the scope to sync
 * @reconcile: whether to reconcile it
 * @task: completed with the sync's result
 *
 * An explicit sync: it runs now, whatever the backoff or the network's
 * cost, joining the running job when that can still push every change
 * made before the call, else completed by the next one. Fails at once
 * when offline.
 */
void
_just_sync_scheduler_join (JustSyncScheduler *self,
                           JustSyncScope     *scope,
                           gboolean           reconcile,
                           GTask             *task)
{
  ScopeState *state = ensure_scope (self, scope);

  if (self->shut_down)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_CANCELLED,
                               _("The sync engine was shut down"));
      return;
    }
  if (!_just_sync_scheduler_is_online (self))
    {
      g_task_return_new_error (task, JUST_SYNC_ERROR, JUST_SYNC_ERROR_OFFLINE,
                               _("The network is not available"));
      return;
    }

  state->stalled = FALSE;
  if (state->job != NULL && !_just_sync_sync_job_can_join (state->job, reconcile))
    {
      if (reconcile)
        state->reconcile_needed = TRUE;
      g_ptr_array_add (state->next_waiters, g_object_ref (task));
      return;
    }

  if (state->job == NULL)
    start_job (state, reconcile);
  _just_sync_sync_job_add_waiter (state->job, task);
}

/* Triggers */

/*
 * _just_sync_scheduler_credentials_changed:
 * @self: the scheduler
 *
 * The remote store has new credentials: every scope syncs soon, its
 * backoff and an authentication failure forgotten (the server's pause is
 * not).
 */
void
_just_sync_scheduler_credentials_changed (JustSyncScheduler *self)
{
  schedule_all (self, ALL_FRESH);
}

static void
network_changed_cb (GNetworkMonitor   *monitor,
                    gboolean           available,
                    JustSyncScheduler *self)
{
  gboolean online = _just_sync_scheduler_is_online (self);
  gboolean returned = online && !self->was_online;

  self->was_online = online;
  self->hooks->online_changed (self->owner);
  if (returned)
    schedule_all (self, ALL_FRESH);
  else if (online)
    schedule_all (self, ALL_PERIODIC);
}

static void
constraints_changed_cb (GObject           *object,
                        GParamSpec        *pspec,
                        JustSyncScheduler *self)
{
  if (!is_constrained (self))
    schedule_all (self, ALL_DEFERRED);
}

static gboolean
periodic_cb (gpointer user_data)
{
  schedule_all (user_data, ALL_PERIODIC);
  return G_SOURCE_CONTINUE;
}

static void
prepare_for_sleep_cb (GDBusConnection *connection,
                      const char      *sender_name,
                      const char      *object_path,
                      const char      *interface_name,
                      const char      *signal_name,
                      GVariant        *parameters,
                      gpointer         user_data)
{
  gboolean going_to_sleep;

  if (!g_variant_is_of_type (parameters, G_VARIANT_TYPE ("(b)")))
    return;
  g_variant_get (parameters, "(b)", &going_to_sleep);
  /* Timers on the monotonic clock stood still while the system slept. */
  if (!going_to_sleep)
    schedule_all (user_data, ALL_FRESH);
}

static void
unsubscribe_bus (JustSyncScheduler *self)
{
  if (self->bus_cancellable != NULL)
    g_cancellable_cancel (self->bus_cancellable);
  g_clear_object (&self->bus_cancellable);
  if (self->sleep_subscription != 0)
    g_dbus_connection_signal_unsubscribe (self->bus, self->sleep_subscription);
  self->sleep_subscription = 0;
  g_clear_object (&self->bus);
}

/*
 * _just_sync_scheduler_set_system_bus:
 * @self: the scheduler
 * @bus: (nullable): the bus logind is on
 *
 * Follows logind's `PrepareForSleep` on @bus instead of the system bus:
 * a resume syncs every scope.
 */
void
_just_sync_scheduler_set_system_bus (JustSyncScheduler *self,
                                     GDBusConnection   *bus)
{
  unsubscribe_bus (self);
  if (bus == NULL)
    return;
  self->bus = g_object_ref (bus);
  self->sleep_subscription =
    g_dbus_connection_signal_subscribe (bus, LOGIND_NAME, LOGIND_IFACE, "PrepareForSleep", LOGIND_PATH,
                                        NULL, G_DBUS_SIGNAL_FLAGS_NONE, prepare_for_sleep_cb, self, NULL);
}

static void
system_bus_cb (GObject      *object,
               GAsyncResult *res,
               gpointer      user_data)
{
  g_autoptr(GDBusConnection) bus = NULL;
  g_autoptr(GError) error = NULL;

  bus = g_bus_get_finish (res, &error);
  /* Cancelled: the scheduler may be gone. No system bus (a container, a
   * build machine): no resume trigger, and nothing wrong. */
  if (bus == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_debug ("No resume trigger without a system bus: %s", error->message);
      return;
    }
  _just_sync_scheduler_set_system_bus (user_data, bus);
}

/* Settings */

/* Re-reads the settings: the periodic timer, and background syncs that
 * waited for a constraint the owner now allows. */
void
_just_sync_scheduler_settings_changed (JustSyncScheduler *self)
{
  GTimeSpan interval = self->settings->sync_interval;

  if (interval != self->periodic_interval)
    {
      g_autoptr(GSource) source = NULL;

      self->periodic_interval = interval;
      g_clear_handle_id (&self->periodic_id, g_source_remove);
      if (interval > 0)
        {
          /* Whole seconds let the system wake up once for many timers. */
          if (interval % G_USEC_PER_SEC == 0)
            source = g_timeout_source_new_seconds ((guint) MIN (interval / G_USEC_PER_SEC, G_MAXUINT));
          else
            source = g_timeout_source_new ((guint) MIN ((interval + 999) / 1000, G_MAXUINT));
          g_source_set_callback (source, periodic_cb, self, NULL);
          self->periodic_id = g_source_attach (source, self->context);
        }
    }
  if (!is_constrained (self))
    schedule_all (self, ALL_DEFERRED);
}

/* Life cycle */

/*
 * _just_sync_scheduler_new:
 * @owner: the orchestrator, passed to @hooks and to the jobs' observer
 * @hooks: how to tell @owner about jobs
 * @settings: read when needed, owned by @owner
 * @job_config: the stores and settings of new jobs, owned by @owner
 * @job_observer: the observer of new jobs
 * @network_monitor: says whether the network is up, and metered
 * @power_monitor: says whether the system saves power
 *
 * Makes a scheduler on the thread-default main context; it listens to
 * logind on the system bus when there is one.
 */
JustSyncScheduler *
_just_sync_scheduler_new (GObject                         *owner,
                          const JustSyncSchedulerHooks    *hooks,
                          const JustSyncSchedulerSettings *settings,
                          const JustSyncSyncJobConfig     *job_config,
                          const JustSyncSyncJobObserver   *job_observer,
                          GNetworkMonitor                 *network_monitor,
                          GPowerProfileMonitor            *power_monitor)
{
  JustSyncScheduler *self = g_new0 (JustSyncScheduler, 1);

  self->owner = owner;
  self->hooks = hooks;
  self->settings = settings;
  self->job_config = job_config;
  self->job_observer = job_observer;
  self->context = g_main_context_ref_thread_default ();
  self->scopes = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                        (GDestroyNotify) scope_state_free);
  self->sweep_at = MAX_IDLE_SCOPES;
  self->network_monitor = g_object_ref (network_monitor);
  self->power_monitor = g_object_ref (power_monitor);
  self->remote_needs_network = just_sync_remote_store_needs_network (job_config->remote);
  self->was_online = _just_sync_scheduler_is_online (self);

  self->network_handler = g_signal_connect (network_monitor, "network-changed",
                                            G_CALLBACK (network_changed_cb), self);
  self->metered_handler = g_signal_connect (network_monitor, "notify::network-metered",
                                            G_CALLBACK (constraints_changed_cb), self);
  self->power_handler = g_signal_connect (power_monitor, "notify::power-saver-enabled",
                                          G_CALLBACK (constraints_changed_cb), self);

  self->bus_cancellable = g_cancellable_new ();
  g_bus_get (G_BUS_TYPE_SYSTEM, self->bus_cancellable, system_bus_cb, self);

  _just_sync_scheduler_settings_changed (self);
  return self;
}

/*
 * _just_sync_scheduler_shutdown:
 * @self: the scheduler
 *
 * Stops every scope: triggers and timers go, and so do the scopes that are
 * not syncing. A running job (only g_object_run_dispose() on the owner
 * can meet one, since a job holds a reference on it) is cancelled and
 * keeps its scope until it ends; nothing starts after it.
 */
void
_just_sync_scheduler_shutdown (JustSyncScheduler *self)
{
  GHashTableIter iter;
  ScopeState *state;

  self->shut_down = TRUE;
  unsubscribe_bus (self);
  g_clear_handle_id (&self->periodic_id, g_source_remove);
  self->periodic_interval = 0;
  g_clear_signal_handler (&self->network_handler, self->network_monitor);
  g_clear_signal_handler (&self->metered_handler, self->network_monitor);
  g_clear_signal_handler (&self->power_handler, self->power_monitor);

  g_hash_table_iter_init (&iter, self->scopes);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &state))
    {
      g_autoptr(GPtrArray) next = NULL;

      if (state->job == NULL)
        {
          g_hash_table_iter_remove (&iter);
          continue;
        }

      g_clear_handle_id (&state->timer_id, g_source_remove);
      state->dirty = FALSE;
      next = g_steal_pointer (&state->next_waiters);
      state->next_waiters = g_ptr_array_new_with_free_func (g_object_unref);
      for (guint i = 0; i < next->len; i++)
        g_task_return_new_error (g_ptr_array_index (next, i), G_IO_ERROR, G_IO_ERROR_CANCELLED,
                                 _("The sync engine was shut down"));
      _just_sync_sync_job_cancel (state->job);
    }
}

void
_just_sync_scheduler_free (JustSyncScheduler *self)
{
  _just_sync_scheduler_shutdown (self);
  g_hash_table_unref (self->scopes);
  g_object_unref (self->network_monitor);
  g_object_unref (self->power_monitor);
  g_main_context_unref (self->context);
  g_free (self);
}
