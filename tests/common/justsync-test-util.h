/* justsync-test-util.h: what every test program shares
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Waiting on the main context, async calls run to completion, and builders
 * for records, scopes, deltas and operations. Usable outside GTest too: the
 * SQLite crash child and the benchmark link it.
 */

#pragma once

#include <justsync/justsync.h>

#include "justsync-test-remote.h"

G_BEGIN_DECLS

/* 1 in an AddressSanitizer build (gcc or clang), which runs slower: timing
 * bounds widen there. */
#if defined (__SANITIZE_ADDRESS__)
# define JUST_SYNC_TEST_SANITIZED 1
#elif defined (__has_feature)
# if __has_feature (address_sanitizer)
#  define JUST_SYNC_TEST_SANITIZED 1
# endif
#endif
#ifndef JUST_SYNC_TEST_SANITIZED
# define JUST_SYNC_TEST_SANITIZED 0
#endif

/* {{{ Waiting */

/* Runs the thread-default main context for @msec milliseconds. */
void          just_sync_test_sleep         (guint                   msec);
/* Runs the thread-default main context until *@counter reaches @target, at
 * most @timeout_ms milliseconds; returns whether it did. */
gboolean      just_sync_test_wait_count    (guint                  *counter,
                                            guint                   target,
                                            guint                   timeout_ms);
/* Runs the thread-default main context until *@flag is TRUE, at most
 * @timeout_ms milliseconds; returns whether it became TRUE. */
gboolean      just_sync_test_wait_flag     (gboolean               *flag,
                                            guint                   timeout_ms);

/* A GAsyncReadyCallback that keeps a reference to the result in the
 * `GAsyncResult *` that @user_data points to, which must be NULL. */
void          just_sync_test_result_cb     (GObject                *source,
                                            GAsyncResult           *result,
                                            gpointer                user_data);
/* Runs the thread-default main context until just_sync_test_result_cb()
 * filled *@slot, and takes the result from it (transfer full). In a GTest
 * program a call that takes longer than JUST_SYNC_TEST_AWAIT_TIMEOUT_MS
 * fails the test, so that a hang says where; the benchmark and the crash
 * child wait as long as it takes. */
GAsyncResult *just_sync_test_await         (GAsyncResult          **slot);

#define JUST_SYNC_TEST_AWAIT_TIMEOUT_MS 30000

/**
 * JUST_SYNC_TEST_AWAIT:
 * @method: a method name without `_async`/`_finish`, such as
 *   `just_sync_local_store_query`
 * @self: the object
 * @error: a `GError **`
 * @...: the arguments between @self and the #GCancellable
 *
 * Calls `method_async` with no cancellable, waits for it with
 * just_sync_test_await(), and evaluates to what `method_finish` returns.
 */
#define JUST_SYNC_TEST_AWAIT(method, self, error, ...) \
  ({ \
    GAsyncResult *_just_sync_test_slot = NULL; \
    g_autoptr(GAsyncResult) _just_sync_test_result = NULL; \
    method##_async ((self), ##__VA_ARGS__, NULL, just_sync_test_result_cb, \
                    &_just_sync_test_slot); \
    _just_sync_test_result = just_sync_test_await (&_just_sync_test_slot); \
    method##_finish ((self), _just_sync_test_result, (error)); \
  })

/**
 * JUST_SYNC_TEST_AWAIT_OK:
 * @method: as for JUST_SYNC_TEST_AWAIT()
 * @self: the object
 * @...: the arguments between @self and the #GCancellable
 *
 * Like JUST_SYNC_TEST_AWAIT(), and asserts that the call succeeded.
 */
#define JUST_SYNC_TEST_AWAIT_OK(method, self, ...) \
  ({ \
    g_autoptr(GError) _just_sync_test_error = NULL; \
    __auto_type _just_sync_test_value = \
      JUST_SYNC_TEST_AWAIT (method, self, &_just_sync_test_error, ##__VA_ARGS__); \
    g_assert_no_error (_just_sync_test_error); \
    _just_sync_test_value; \
  })

/* }}} */
/* {{{ Building blocks; each asserts that what it builds is valid */

JsonObject        *just_sync_test_payload        (const char     *json);
/* The scope @name with the keys and values after it, a NULL-terminated
 * list of pairs. */
JustSyncScope     *just_sync_test_scope          (const char     *name,
                                                  ...) G_GNUC_NULL_TERMINATED;
JustSyncRecord    *just_sync_test_record         (const char     *id,
                                                  const char     *json,
                                                  gint64          updated_at);
JustSyncRecord    *just_sync_test_tombstone      (const char     *id,
                                                  gint64          deleted_at);
/* Takes the records, a NULL-terminated list. */
GPtrArray         *just_sync_test_records        (JustSyncRecord *first,
                                                  ...) G_GNUC_NULL_TERMINATED;
/* A page of remote changes; takes the records, a NULL-terminated list. */
JustSyncDelta     *just_sync_test_delta          (gint64          server_time,
                                                  JustSyncRecord *first,
                                                  ...) G_GNUC_NULL_TERMINATED;
/* A queued operation that writes @record, a delete when it is a tombstone;
 * takes @record. */
JustSyncPendingOp *just_sync_test_op             (gint64          seq,
                                                  JustSyncRecord *record,
                                                  const char     *base_version);
/* An empty array of JustSyncPendingOp. */
GPtrArray         *just_sync_test_ops_new        (void);
/* The record with @id, or NULL. */
JustSyncRecord    *just_sync_test_find_record    (GPtrArray      *records,
                                                  const char     *id);
/* The string @member of the payload of @record, or NULL. */
const char        *just_sync_test_payload_string (JustSyncRecord *record,
                                                  const char     *member);

/* }}} */
/* {{{ Local store calls run to completion; those without a GError assert
 * that they succeed */

GPtrArray           *just_sync_test_local_query           (JustSyncLocalStore        *store,
                                                           JustSyncScope             *scope);
GPtrArray           *just_sync_test_local_query_since     (JustSyncLocalStore        *store,
                                                           JustSyncScope             *scope,
                                                           gint64                     since);
JustSyncRecord      *just_sync_test_local_get             (JustSyncLocalStore        *store,
                                                           JustSyncScope             *scope,
                                                           const char                *id);
GPtrArray           *just_sync_test_local_upsert          (JustSyncLocalStore        *store,
                                                           JustSyncScope             *scope,
                                                           GPtrArray                 *records,
                                                           GError                   **error);
GPtrArray           *just_sync_test_local_delete          (JustSyncLocalStore        *store,
                                                           JustSyncScope             *scope,
                                                           const char * const        *ids,
                                                           gint64                     deleted_at,
                                                           GError                   **error);
GPtrArray           *just_sync_test_local_list_ops        (JustSyncLocalStore        *store,
                                                           JustSyncScope             *scope);
guint                just_sync_test_local_count_ops       (JustSyncLocalStore        *store,
                                                           JustSyncScope             *scope,
                                                           JustSyncOpState            state);
JustSyncApplyResult *just_sync_test_local_apply           (JustSyncLocalStore        *store,
                                                           JustSyncScope             *scope,
                                                           JustSyncDelta             *delta,
                                                           JustSyncConflictResolver  *resolver,
                                                           GError                   **error);
JustSyncApplyResult *just_sync_test_local_commit_push     (JustSyncLocalStore        *store,
                                                           JustSyncScope             *scope,
                                                           GPtrArray                 *results,
                                                           GError                   **error);
JustSyncSyncPoint   *just_sync_test_local_get_sync_point  (JustSyncLocalStore        *store,
                                                           JustSyncScope             *scope);
void                 just_sync_test_local_save_sync_point (JustSyncLocalStore        *store,
                                                           JustSyncScope             *scope,
                                                           JustSyncSyncPoint         *sync_point);
GPtrArray           *just_sync_test_local_list_conflicts  (JustSyncLocalStore        *store,
                                                           JustSyncScope             *scope);
guint                just_sync_test_local_retry_failed    (JustSyncLocalStore        *store,
                                                           JustSyncScope             *scope);
guint                just_sync_test_local_discard_failed  (JustSyncLocalStore        *store,
                                                           JustSyncScope             *scope);
guint                just_sync_test_local_prune_missing   (JustSyncLocalStore        *store,
                                                           JustSyncScope             *scope,
                                                           const char * const        *keep_ids);

/* }}} */

G_END_DECLS
