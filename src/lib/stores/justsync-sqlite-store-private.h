/* justsync-sqlite-store-private.h
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include "justsync-sqlite-store.h"

G_BEGIN_DECLS

/* `PRAGMA application_id` of a JustSync store: "JSYN". */
#define _JUST_SYNC_SQLITE_APPLICATION_ID 0x4A53594E

/* The reads whose query plans the tests check (index scans, no sort). */
#define _JUST_SYNC_SQLITE_SQL_QUERY \
  "SELECT id, payload, updated_at, deleted_at FROM records " \
  "WHERE scope = ?1 AND deleted_at = 0 ORDER BY id"
#define _JUST_SYNC_SQLITE_SQL_QUERY_SINCE \
  "SELECT id, payload, updated_at, deleted_at FROM records " \
  "WHERE scope = ?1 AND updated_at > ?2 ORDER BY updated_at, id"
#define _JUST_SYNC_SQLITE_OP_COLUMNS \
  "SELECT seq, record_id, payload, updated_at, deleted_at, kind, base, attempts, state, last_error, " \
  "fields " \
  "FROM pending_ops "
#define _JUST_SYNC_SQLITE_SQL_OPS_OF_SCOPE \
  _JUST_SYNC_SQLITE_OP_COLUMNS "WHERE scope = ?1 ORDER BY seq"
#define _JUST_SYNC_SQLITE_SQL_OPS_OF_RECORD \
  _JUST_SYNC_SQLITE_OP_COLUMNS "WHERE scope = ?1 AND record_id = ?2 ORDER BY seq"
/* The local side of a page of remote rows, ?2 a JSON array of ids. */
#define _JUST_SYNC_SQLITE_SQL_ROWS_OF_LIST \
  "SELECT id, payload, updated_at, deleted_at, base, local_changes FROM records " \
  "WHERE scope = ?1 AND id IN (SELECT value FROM json_each (?2))"
#define _JUST_SYNC_SQLITE_SQL_OPS_OF_LIST \
  _JUST_SYNC_SQLITE_OP_COLUMNS \
  "WHERE scope = ?1 AND record_id IN (SELECT value FROM json_each (?2)) ORDER BY record_id, seq"
#define _JUST_SYNC_SQLITE_SQL_COUNT_OPS \
  "SELECT coalesce(sum(n), 0) FROM op_counts WHERE state = ?1"
#define _JUST_SYNC_SQLITE_SQL_COUNT_OPS_OF_SCOPE \
  "SELECT coalesce(sum(n), 0) FROM op_counts WHERE state = ?1 AND scope = ?2"

int        _just_sync_sqlite_store_get_schema_version (void);
GPtrArray *_just_sync_sqlite_store_run_sql            (JustSyncSqliteStore  *self,
                                                       const char           *sql,
                                                       GError              **error);

G_END_DECLS
