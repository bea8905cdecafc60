/* sqlite-test-util.h: blocking helpers for the SQLite store, for its
 * tests, the crash child and the benchmark.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include "justsync-test-util.h"

G_BEGIN_DECLS

JustSyncSqliteStore *util_open  (const char          *path,
                                 gboolean             durable,
                                 GError             **error);
/* Closes the database and drops the store. */
void                 util_close (JustSyncSqliteStore *store);

/* Runs SQL on the store's worker; returns the first row, or NULL. */
char                *util_sql   (JustSyncSqliteStore *store,
                                 const char          *sql);

G_END_DECLS
