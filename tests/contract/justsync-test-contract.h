/* justsync-test-contract.h
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The store-contract test suite: the cases every JustSyncLocalStore and every
 * JustSyncRemoteStore must pass, registered with GTest for a store the caller
 * creates. Also the helper the tests use to wait for an async call.
 */

#pragma once

#include <justsync/justsync.h>

G_BEGIN_DECLS

/**
 * just_sync_test_async_ready:
 *
 * A #GAsyncReadyCallback that keeps the result for just_sync_test_wait().
 * Pass it with a %NULL user_data. One call may be outstanding at a time.
 */
void          just_sync_test_async_ready (GObject      *source,
                                          GAsyncResult *result,
                                          gpointer      user_data);

/**
 * just_sync_test_wait:
 *
 * Runs a #GMainLoop on the thread-default main context until the call
 * started with just_sync_test_async_ready() completes.
 *
 * Returns: (transfer none): its result, valid until the test case ends
 */
GAsyncResult *just_sync_test_wait        (void);

/**
 * JUST_SYNC_TEST_AWAIT:
 * @method: a method name without `_async`/`_finish`, such as
 *   `just_sync_local_store_query`
 * @self: the object
 * @error: a `GError **`
 * @...: the arguments between @self and the #GCancellable
 *
 * Calls `method_async`, waits for it with a main loop, and evaluates to
 * what `method_finish` returns.
 */
#define JUST_SYNC_TEST_AWAIT(method, self, error, ...) \
  (method##_async ((self), ##__VA_ARGS__, NULL, just_sync_test_async_ready, NULL), \
   method##_finish ((self), just_sync_test_wait (), (error)))

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

/**
 * JustSyncTestLocalStoreFactory:
 * @factory_data: what was passed with the factory
 *
 * Creates a new, empty local store for one test case. It is called
 * inside the test, so it may assert.
 *
 * Returns: (transfer full): the store
 */
typedef JustSyncLocalStore *(*JustSyncTestLocalStoreFactory) (gpointer factory_data);

void just_sync_test_add_local_store_contract (const char                    *prefix,
                                              JustSyncTestLocalStoreFactory  factory,
                                              gpointer                       factory_data);

/**
 * JustSyncTestRemoteStoreContract:
 * @scope_name: the scope name the cases use (a collection or table the
 *   server has, with the text fields `title` and `tag`, the number field
 *   `n`, and a text field named @scope_key)
 * @scope_key: the scope key; each case uses fresh random values of it
 * @new_store: creates the store for one test case; the server may hold
 *   other rows already
 * @stop_clock: (nullable): stops the server's clock, so that every write
 *   from then on gets the same stamp; %NULL when the store cannot
 * @user_data: passed to @new_store and @stop_clock
 *
 * How to run the remote contract against one store. The cases use only
 * the public #JustSyncRemoteStore API, ids from
 * just_sync_remote_store_generate_id(), and tolerate servers that add
 * members to what they store, stamp at millisecond resolution and delete
 * hard or soft.
 */
typedef struct
{
  const char *scope_name;
  const char *scope_key;
  JustSyncRemoteStore *(*new_store) (gpointer user_data);
  void (*stop_clock) (JustSyncRemoteStore *store,
                      gpointer             user_data);
  gpointer user_data;
} JustSyncTestRemoteStoreContract;

void just_sync_test_add_remote_store_contract (const char                            *prefix,
                                               const JustSyncTestRemoteStoreContract *contract);

G_END_DECLS
