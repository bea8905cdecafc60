/* sqlite-test-util.h: blocking helpers over the asynchronous store API,
 * for the SQLite store's tests, the crash child and the benchmark.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <justsync/justsync.h>

G_BEGIN_DECLS

/* Iterates the thread-default main context until the call completes. */
GAsyncResult        *util_await                (GAsyncResult             **slot);
void                 util_store_result         (GObject                   *source,
                                                GAsyncResult              *result,
                                                gpointer                   user_data);

JustSyncScope       *util_scope                (const char                *name);
JustSyncRecord      *util_record               (const char                *id,
                                                const char                *json,
                                                gint64                     updated_at);
GPtrArray           *util_records              (JustSyncRecord            *first,
                                                ...) G_GNUC_NULL_TERMINATED;
JustSyncSqliteStore *util_open                 (const char                *path,
                                                gboolean                   durable,
                                                GError                   **error);
/* Closes the database and drops the store. */
void                 util_close                (JustSyncSqliteStore       *store);

GPtrArray           *util_query                (JustSyncLocalStore        *store,
                                                JustSyncScope             *scope);
GPtrArray           *util_query_since          (JustSyncLocalStore        *store,
                                                JustSyncScope             *scope,
                                                gint64                     since);
JustSyncRecord      *util_get                  (JustSyncLocalStore        *store,
                                                JustSyncScope             *scope,
                                                const char                *id);
GPtrArray           *util_upsert               (JustSyncLocalStore        *store,
                                                JustSyncScope             *scope,
                                                GPtrArray                 *records,
                                                GError                   **error);
GPtrArray           *util_delete               (JustSyncLocalStore        *store,
                                                JustSyncScope             *scope,
                                                const char * const        *ids,
                                                gint64                     deleted_at,
                                                GError                   **error);
GPtrArray           *util_list_ops             (JustSyncLocalStore        *store,
                                                JustSyncScope             *scope);
guint                util_count_ops            (JustSyncLocalStore        *store,
                                                JustSyncScope             *scope,
                                                JustSyncOpState            state);
JustSyncApplyResult *util_apply                (JustSyncLocalStore        *store,
                                                JustSyncScope             *scope,
                                                JustSyncDelta             *delta,
                                                JustSyncConflictResolver  *resolver,
                                                GError                   **error);
JustSyncApplyResult *util_commit_push          (JustSyncLocalStore        *store,
                                                JustSyncScope             *scope,
                                                GPtrArray                 *results,
                                                GError                   **error);
JustSyncSyncPoint   *util_get_sync_point       (JustSyncLocalStore        *store,
                                                JustSyncScope             *scope);
void                 util_save_sync_point      (JustSyncLocalStore        *store,
                                                JustSyncScope             *scope,
                                                JustSyncSyncPoint         *sync_point);
GPtrArray           *util_list_conflicts       (JustSyncLocalStore        *store,
                                                JustSyncScope             *scope);
guint                util_retry_failed         (JustSyncLocalStore        *store,
                                                JustSyncScope             *scope);
guint                util_discard_failed       (JustSyncLocalStore        *store,
                                                JustSyncScope             *scope);
guint                util_prune_missing        (JustSyncLocalStore        *store,
                                                JustSyncScope             *scope,
                                                const char * const        *keep_ids);

/* Runs SQL on the store's worker; returns the first row, or NULL. */
char                *util_sql                  (JustSyncSqliteStore       *store,
                                                const char                *sql);

G_END_DECLS
