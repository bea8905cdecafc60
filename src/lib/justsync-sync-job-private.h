/* justsync-sync-job-private.h: what one sync of one scope does
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <gio/gio.h>

#include "justsync-conflict-resolver.h"
#include "justsync-local-store.h"
#include "justsync-remote-store.h"
#include "justsync-sync-result.h"

G_BEGIN_DECLS

/* The phases of a job, in the order they run. */
typedef enum
{
  JUST_SYNC_JOB_CLOCK,        /* ask the server's time */
  JUST_SYNC_JOB_LOAD_POINT,   /* read the sync point, or forget it to reconcile */
  JUST_SYNC_JOB_PULL,         /* fetch and apply pages until the last */
  JUST_SYNC_JOB_PRUNE,        /* reconcile: drop rows the server no longer has */
  JUST_SYNC_JOB_LIST_OPS,     /* choose the operations to push */
  JUST_SYNC_JOB_PUSH,         /* send them in batches, record the replies */
  JUST_SYNC_JOB_COUNT,        /* count the queue as the job leaves it, failed or not */
  JUST_SYNC_JOB_DONE,
} JustSyncJobPhase;

typedef struct _JustSyncSyncJob JustSyncSyncJob;

/* What a job works with; copied when the job is made. */
typedef struct
{
  JustSyncLocalStore *local;
  JustSyncRemoteStore *remote;
  JustSyncConflictResolver *resolver;
  GTimeSpan overlap_window;
  GTimeSpan tombstone_retention;   /* 0: forever */
  guint page_size;
  guint push_batch_size;
} JustSyncSyncJobConfig;

/* How a job reports what it sees, on the context it was made on. Every
 * function gets the observer object the job was given. */
typedef struct
{
  /* The server-corrected time now. */
  gint64 (*now)          (gpointer            observer);
  /* A server stamp taken between local times @t0 and @t1. */
  void   (*clock_sample) (gpointer            observer,
                          gint64              stamp,
                          gint64              t0,
                          gint64              t1);
  void   (*progress)     (gpointer            observer,
                          JustSyncScope      *scope,
                          JustSyncSyncPhase   phase,
                          guint               done,
                          guint               total);
  void   (*conflict)     (gpointer            observer,
                          JustSyncScope      *scope,
                          JustSyncConflict   *conflict);
  void   (*op_failed)    (gpointer            observer,
                          JustSyncScope      *scope,
                          JustSyncPendingOp  *op);
} JustSyncSyncJobObserver;

/* Called once when the job is done, before its waiters are completed;
 * @error is %NULL on success. */
typedef void (*JustSyncSyncJobDoneFunc) (JustSyncSyncJob *job,
                                         const GError    *error,
                                         gpointer         user_data);

JustSyncSyncJob    *_just_sync_sync_job_new            (JustSyncScope                 *scope,
                                                        gboolean                       reconcile,
                                                        gint64                         pulled_at,
                                                        const JustSyncSyncJobConfig   *config,
                                                        const JustSyncSyncJobObserver *observer,
                                                        GObject                       *observer_object);
void                _just_sync_sync_job_start          (JustSyncSyncJob               *job,
                                                        JustSyncSyncJobDoneFunc        done,
                                                        gpointer                       user_data);
void                _just_sync_sync_job_add_waiter     (JustSyncSyncJob               *job,
                                                        GTask                         *task);
gboolean            _just_sync_sync_job_can_join       (JustSyncSyncJob               *job,
                                                        gboolean                       reconcile);
void                _just_sync_sync_job_cancel         (JustSyncSyncJob               *job);
JustSyncJobPhase    _just_sync_sync_job_get_phase      (JustSyncSyncJob               *job);
JustSyncScope      *_just_sync_sync_job_get_scope      (JustSyncSyncJob               *job);
gboolean            _just_sync_sync_job_is_reconcile   (JustSyncSyncJob               *job);
JustSyncSyncResult *_just_sync_sync_job_get_result     (JustSyncSyncJob               *job);
gint64              _just_sync_sync_job_get_pulled_at  (JustSyncSyncJob               *job);
gboolean            _just_sync_sync_job_needs_retry    (JustSyncSyncJob               *job,
                                                        GTimeSpan                     *retry_after);
gboolean            _just_sync_sync_job_get_counts     (JustSyncSyncJob               *job,
                                                        guint                         *queued,
                                                        guint                         *failed);

G_END_DECLS
