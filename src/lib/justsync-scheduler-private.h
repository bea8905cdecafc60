/* justsync-scheduler-private.h: when a sync runs
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <gio/gio.h>

#include "justsync-sync-job-private.h"

G_BEGIN_DECLS

typedef struct _JustSyncScheduler JustSyncScheduler;

/* Why a background sync is asked for. */
typedef enum
{
  JUST_SYNC_TRIGGER_WRITE,           /* a local write; debounced */
  JUST_SYNC_TRIGGER_REMOTE_CHANGED,  /* the server announced a change; debounced */
  JUST_SYNC_TRIGGER_REQUEST,         /* the app: a local-first read, a watch, retried ops */
  JUST_SYNC_TRIGGER_PERIODIC,        /* the sync interval */
} JustSyncTrigger;

/* Owned by the orchestrator, read by the scheduler; all times in
 * microseconds. Call _just_sync_scheduler_settings_changed() after a
 * change. */
typedef struct
{
  GTimeSpan debounce_interval;
  GTimeSpan sync_interval;           /* 0: no periodic sync */
  GTimeSpan retry_base_delay;
  GTimeSpan retry_max_delay;
  gboolean background_when_constrained;
} JustSyncSchedulerSettings;

/* How the scheduler tells its owner about jobs; every function gets the
 * owner. */
typedef struct
{
  void (*started)            (gpointer         owner,
                              JustSyncScope   *scope);
  void (*finished)           (gpointer         owner,
                              JustSyncSyncJob *job,
                              const GError    *error);
  /* The network came or went. */
  void (*online_changed)     (gpointer         owner);
} JustSyncSchedulerHooks;

JustSyncScheduler *_just_sync_scheduler_new                 (GObject                         *owner,
                                                             const JustSyncSchedulerHooks    *hooks,
                                                             const JustSyncSchedulerSettings *settings,
                                                             const JustSyncSyncJobConfig     *job_config,
                                                             const JustSyncSyncJobObserver   *job_observer,
                                                             GNetworkMonitor                 *network_monitor,
                                                             GPowerProfileMonitor            *power_monitor);
void               _just_sync_scheduler_shutdown            (JustSyncScheduler               *self);
void               _just_sync_scheduler_free                (JustSyncScheduler               *self);

gboolean           _just_sync_scheduler_is_online           (JustSyncScheduler               *self);
guint              _just_sync_scheduler_get_n_running       (JustSyncScheduler               *self);
void               _just_sync_scheduler_add_scope           (JustSyncScheduler               *self,
                                                             JustSyncScope                   *scope);
void               _just_sync_scheduler_watch               (JustSyncScheduler               *self,
                                                             JustSyncScope                   *scope);
gboolean           _just_sync_scheduler_unwatch             (JustSyncScheduler               *self,
                                                             JustSyncScope                   *scope);
guint              _just_sync_scheduler_get_n_scopes        (JustSyncScheduler               *self);
void               _just_sync_scheduler_request             (JustSyncScheduler               *self,
                                                             JustSyncScope                   *scope,
                                                             JustSyncTrigger                  trigger);
void               _just_sync_scheduler_need_reconcile      (JustSyncScheduler               *self,
                                                             JustSyncScope                   *scope);
void               _just_sync_scheduler_join                (JustSyncScheduler               *self,
                                                             JustSyncScope                   *scope,
                                                             gboolean                         reconcile,
                                                             GTask                           *task);
void               _just_sync_scheduler_credentials_changed (JustSyncScheduler               *self);
void               _just_sync_scheduler_settings_changed    (JustSyncScheduler               *self);
void               _just_sync_scheduler_set_system_bus      (JustSyncScheduler               *self,
                                                             GDBusConnection                 *bus);

G_END_DECLS
