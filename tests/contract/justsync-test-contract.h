/* justsync-test-contract.h
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The store-contract test suite: the cases every JustSyncLocalStore and every
 * JustSyncRemoteStore must pass, registered with GTest for a store the caller
 * creates.
 */

#pragma once

#include "justsync-test-util.h"
#include "test-fixed-resolver.h"

G_BEGIN_DECLS

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
