/* justsync-sqlite-store.c
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <errno.h>
#include <string.h>

#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <sqlite3.h>

#include "justsync-error.h"
#include "justsync-json-private.h"
#include "justsync-local-store-private.h"
#include "justsync-merge-private.h"
#include "justsync-pending-op-private.h"
#include "justsync-query-private.h"
#include "justsync-record-private.h"
#include "justsync-sqlite-store.h"
#include "justsync-sqlite-store-private.h"
#include "justsync-timestamp.h"

/**
 * JustSyncSqliteStore:
 *
 * The persistent [iface@JustSync.LocalStore]: one SQLite database file per store,
 * and the default local store of every app.
 *
 * Records, pending operations, conflicts and sync points of every scope live
 * in one file, by default under `$XDG_DATA_HOME/justsync/`. The database
 * uses a write-ahead log; every app write, every applied page of remote
 * changes (with its sync point) and every acknowledged push is one
 * transaction, so a crash leaves either all of it or none.
 *
 * All SQLite work runs on one thread owned by the store, with cached
 * prepared statements. Every method is asynchronous and completes on the
 * thread-default main context of its caller; [signal@JustSync.LocalStore::changed]
 * is emitted on the main context of the thread that created the store. A
 * [iface@JustSync.ConflictResolver] passed to
 * [method@JustSync.LocalStore.apply_remote_changes_async] is called on the
 * caller's main context too, so resolvers written in any language work,
 * and while it runs no transaction is open: the page is applied in a later
 * transaction that checks the rows it decided for did not move meanwhile.
 * The built-in [class@JustSync.LastWriteWinsResolver] runs on the worker.
 *
 * Open a store with [func@JustSync.SqliteStore.new_async] (or the blocking
 * [ctor@JustSync.SqliteStore.new_sync] outside of a UI thread). Opening fails with
 * %JUST_SYNC_ERROR_STORAGE, and leaves the file untouched, when it is not a
 * SQLite database, belongs to another program, or was written by a newer
 * version of JustSync.
 *
 * Besides the [iface@JustSync.LocalStore] methods it counts records
 * ([method@JustSync.SqliteStore.count_async]), filters them on a JSON member
 * ([method@JustSync.SqliteStore.query_filter_async]) and purges old tombstones
 * ([method@JustSync.SqliteStore.purge_tombstones_async]).
 *
 * A row it can no longer read (written by an older version, damaged on
 * the disk, edited by hand) never takes its scope down: the read that
 * finds it moves it aside and goes on, the store emits
 * [signal@JustSync.SqliteStore::rows-damaged], and the app lists such
 * rows with [method@JustSync.SqliteStore.list_damaged_async] and deletes them
 * with [method@JustSync.SqliteStore.delete_damaged_async].
 */

#define BUSY_TIMEOUT_MS 5000

/* Each entry migrates the schema from its index to the next version; all
 * that run at one open run in one transaction. Never edit a released one:
 * add the next.
 */
static const char * const migrations[] = {
  /* 0 → 1 */
  /* Scopes are stored once: the other tables refer to them by id. */
  "CREATE TABLE scopes ("
  "  id INTEGER PRIMARY KEY,"
  "  name TEXT NOT NULL UNIQUE"
  ");"
  "CREATE TABLE records ("
  "  scope INTEGER NOT NULL REFERENCES scopes (id),"
  "  id TEXT NOT NULL,"
  "  payload TEXT NOT NULL,"
  "  updated_at INTEGER NOT NULL,"
  "  deleted_at INTEGER NOT NULL DEFAULT 0,"
  /* The identity of the server version the row reflects, or NULL. */
  "  base TEXT,"
  /* How many pending operations the row has. */
  "  local_changes INTEGER NOT NULL DEFAULT 0,"
  "  PRIMARY KEY (scope, id)"
  ") WITHOUT ROWID;"
  "CREATE INDEX records_by_time ON records (scope, updated_at, id);"
  "CREATE TABLE pending_ops ("
  "  seq INTEGER PRIMARY KEY AUTOINCREMENT,"
  "  scope INTEGER NOT NULL REFERENCES scopes (id),"
  "  record_id TEXT NOT NULL,"
  "  kind TEXT NOT NULL CHECK (kind IN ('upsert', 'delete')),"
  "  payload TEXT NOT NULL,"
  "  updated_at INTEGER NOT NULL,"
  "  deleted_at INTEGER NOT NULL DEFAULT 0,"
  "  base TEXT,"
  "  attempts INTEGER NOT NULL DEFAULT 0,"
  "  last_error TEXT,"
  "  state TEXT NOT NULL DEFAULT 'queued' CHECK (state IN ('queued', 'failed'))"
  ");"
  "CREATE INDEX pending_ops_by_scope ON pending_ops (scope, seq);"
  "CREATE INDEX pending_ops_by_record ON pending_ops (scope, record_id, seq);"
  "CREATE TABLE conflicts ("
  "  id INTEGER PRIMARY KEY AUTOINCREMENT,"
  "  scope INTEGER NOT NULL REFERENCES scopes (id),"
  "  record_id TEXT NOT NULL,"
  "  local_payload TEXT NOT NULL,"
  "  local_updated_at INTEGER NOT NULL,"
  "  local_deleted_at INTEGER NOT NULL,"
  "  remote_payload TEXT NOT NULL,"
  "  remote_updated_at INTEGER NOT NULL,"
  "  remote_deleted_at INTEGER NOT NULL,"
  "  resolution TEXT NOT NULL CHECK (resolution IN ('local', 'remote')),"
  "  resolved_at INTEGER NOT NULL"
  ");"
  "CREATE INDEX conflicts_by_scope ON conflicts (scope, id);"
  "CREATE TABLE sync_points ("
  "  scope INTEGER NOT NULL PRIMARY KEY REFERENCES scopes (id),"
  "  updated_at INTEGER NOT NULL,"
  "  last_id TEXT"
  ") WITHOUT ROWID;",

  /* 1 → 2 */
  /* The number of ops in each state, kept by triggers: the orchestrator
   * counts them after every write, and counting the queue itself would
   * make each write cost more the longer the queue is. */
  "CREATE TABLE op_counts ("
  "  state TEXT NOT NULL,"
  "  scope INTEGER NOT NULL REFERENCES scopes (id),"
  "  n INTEGER NOT NULL,"
  "  PRIMARY KEY (state, scope)"
  ") WITHOUT ROWID;"
  "INSERT INTO op_counts (state, scope, n) "
  "  SELECT state, scope, count(*) FROM pending_ops GROUP BY state, scope;"
  "CREATE TRIGGER op_counts_insert AFTER INSERT ON pending_ops BEGIN"
  "  INSERT INTO op_counts (state, scope, n) VALUES (NEW.state, NEW.scope, 1)"
  "    ON CONFLICT (state, scope) DO UPDATE SET n = n + 1;"
  " END;"
  "CREATE TRIGGER op_counts_delete AFTER DELETE ON pending_ops BEGIN"
  "  UPDATE op_counts SET n = n - 1 WHERE state = OLD.state AND scope = OLD.scope;"
  " END;"
  "CREATE TRIGGER op_counts_update AFTER UPDATE OF state, scope ON pending_ops"
  "  WHEN OLD.state IS NOT NEW.state OR OLD.scope IS NOT NEW.scope BEGIN"
  "  UPDATE op_counts SET n = n - 1 WHERE state = OLD.state AND scope = OLD.scope;"
  "  INSERT INTO op_counts (state, scope, n) VALUES (NEW.state, NEW.scope, 1)"
  "    ON CONFLICT (state, scope) DO UPDATE SET n = n + 1;"
  " END;",

  /* 2 → 3 */
  /* For field merges: the content of the server version a row's pending
   * changes were made on, captured when a write queues the first of them
   * (payload NULL: no server version), kept by rebases. */
  "CREATE TABLE base_contents ("
  "  scope INTEGER NOT NULL REFERENCES scopes (id),"
  "  id TEXT NOT NULL,"
  "  payload TEXT,"
  "  updated_at INTEGER NOT NULL,"
  "  deleted_at INTEGER NOT NULL,"
  "  PRIMARY KEY (scope, id)"
  ") WITHOUT ROWID;"
  /* Rows dropped by a cache limit, and when: while one has no row again,
   * the scope is a partial copy. */
  "CREATE TABLE evicted ("
  "  scope INTEGER NOT NULL REFERENCES scopes (id),"
  "  id TEXT NOT NULL,"
  "  evicted_at INTEGER NOT NULL,"
  "  PRIMARY KEY (scope, id)"
  ") WITHOUT ROWID;",

  /* 3 → 4 */
  /* Rows that can no longer be read (an older version, a disk error, a hand
   * edit), moved out of their scope's way until the app deletes them. */
  "CREATE TABLE damaged ("
  "  id INTEGER PRIMARY KEY AUTOINCREMENT,"
  "  scope INTEGER NOT NULL REFERENCES scopes (id),"
  "  record_id TEXT,"
  "  what TEXT NOT NULL CHECK (what IN ('record', 'operation')),"
  "  payload TEXT,"
  "  reason TEXT NOT NULL,"
  "  found_at INTEGER NOT NULL"
  ");"
  "CREATE INDEX damaged_by_scope ON damaged (scope, id);",

  /* 4 → 5 */
  /* A patch names the payload members it set or removed (a JSON array of
   * names), so that a push sends only those; NULL: the whole record. */
  "ALTER TABLE pending_ops ADD COLUMN fields TEXT;",
};

#define SCHEMA_VERSION ((int) G_N_ELEMENTS (migrations))

/* One record handed to the worker. json-glib's reference counts are not
 * atomic, so the worker never touches a JsonObject the caller owns: an app
 * write is serialized on the caller's thread. A remote row or push reply
 * is copied there instead (cheaper than serializing it) and the worker,
 * which owns the copy, serializes it canonically once, hashes its version
 * from that text and stores the same text.
 */
typedef struct
{
  JustSyncRecord *record;      /* app writes: only its id and times are read
                                * on the worker; canonical: the worker's copy */
  char *payload;               /* canonical: set on the worker */
  gboolean canonical;          /* remote rows and push replies */
  char *version;               /* ...their version, set on the worker */
  JustSyncPushResult *push;    /* commit_push_results */
} Input;

/* The arguments of a job, owned by it. */
typedef struct
{
  JustSyncScope *scope;
  char *scope_key;             /* the scope's canonical string */
  gint64 scope_id;             /* its id in the database, set by the worker */
  char *id;
  gint64 time;
  JustSyncOpKind kind;
  JustSyncOpState state;
  GPtrArray *inputs;           /* Input */
  JustSyncConflictResolver *resolver;
  JustSyncSyncPoint *sync_point;
  JustSyncMergePage *page;     /* apply_remote_changes, across its attempts */
  GHashTable *payloads;        /* worker's record -> its input's payload text */
  GHashTable *keep;            /* prune_missing: the ids to keep */
  GStrv ids;                   /* evict */
  GStrv fields;                /* patch: the members it changed */
  char *fields_json;           /* ...as the text stored */
  GArray *seqs;                /* mark_ops_sent: gint64 */
  char *filter_path;
  char *filter_types[2];
  GVariant *filter_value;
  char *order_path;
  gboolean descending;
  gint64 limit;
  gint64 offset;               /* query_page */
  char *sql;
} Request;

typedef enum
{
  RESULT_POINTER,
  RESULT_INT,
  RESULT_BOOLEAN,
} ResultKind;

/* What the worker thread owns. It outlives the store: the worker frees it
 * when it stops, after closing the database, so that letting go of a store
 * never waits for SQLite.
 */
typedef struct
{
  char *path;
  gboolean durable;
  GAsyncQueue *jobs;
  sqlite3 *db;
  GHashTable *statements;      /* SQL text -> sqlite3_stmt */
  GHashTable *scope_ids;       /* scope key -> its id in the database */
  GError *open_error;
  gboolean closed;
} Worker;

typedef struct _Job Job;

/* Runs on the worker thread. */
typedef gboolean (*JobFunc) (Worker               *self,
                             Job                  *job,
                             GError              **error);

struct _Job
{
  JobFunc func;                /* NULL stops the worker */
  gboolean write;              /* runs in one BEGIN IMMEDIATE transaction */
  Request *request;
  GTask *task;                 /* NULL for a job its caller waits for */

  /* The outcome, set on the worker and delivered on the task's context. */
  ResultKind result_kind;
  gpointer result;
  GDestroyNotify result_free;
  gssize count;
  char **changed_ids;
  GError *error;
  gboolean needs_resolver;     /* an apply that asks its caller's resolver */
  guint n_damaged;             /* rows the job moved to the damaged table */

  /* A job its caller waits for. */
  GMutex mutex;
  GCond cond;
  gboolean done;
};

struct _JustSyncSqliteStore
{
  GObject parent_instance;

  char *path;
  gboolean durable;
  /* The creator's context: JustSyncLocalStore::changed is emitted there. */
  GMainContext *main_context;

  GThread *thread;
  GAsyncQueue *jobs;
};

enum {
  PROP_0,
  PROP_PATH,
  PROP_DURABLE,
  PROP_SUPPORTS_SOFT_DELETE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum {
  ROWS_DAMAGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void initable_iface_init       (GInitableIface              *iface);
static void async_initable_iface_init (GAsyncInitableIface         *iface);
static void local_store_iface_init    (JustSyncLocalStoreInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (JustSyncSqliteStore, just_sync_sqlite_store, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_INITABLE, initable_iface_init)
                               G_IMPLEMENT_INTERFACE (G_TYPE_ASYNC_INITABLE,
                                                      async_initable_iface_init)
                               G_IMPLEMENT_INTERFACE (JUST_SYNC_TYPE_LOCAL_STORE,
                                                      local_store_iface_init))

/* Inputs and requests */

static void
input_free (Input *input)
{
  g_clear_pointer (&input->record, just_sync_record_unref);
  g_clear_pointer (&input->push, just_sync_push_result_unref);
  g_free (input->payload);
  g_free (input->version);
  g_free (input);
}

static Input *
input_new (JustSyncRecord *record,
           gboolean        canonical)
{
  Input *input = g_new0 (Input, 1);

  input->canonical = canonical;
  if (canonical)
    input->record = _just_sync_record_dup_deep (record);
  else
    {
      input->record = just_sync_record_ref (record);
      input->payload = just_sync_record_dup_payload_data (record);
    }
  return input;
}

static Request *
request_new (JustSyncScope *scope)
{
  Request *request = g_new0 (Request, 1);

  if (scope != NULL)
    {
      request->scope = just_sync_scope_ref (scope);
      request->scope_key = g_strdup (just_sync_scope_to_string (scope));
    }
  request->inputs = g_ptr_array_new_with_free_func ((GDestroyNotify) input_free);
  return request;
}

static void
request_free (Request *request)
{
  g_clear_pointer (&request->scope, just_sync_scope_unref);
  g_free (request->scope_key);
  g_free (request->id);
  g_ptr_array_unref (request->inputs);
  g_clear_object (&request->resolver);
  g_clear_pointer (&request->sync_point, just_sync_sync_point_unref);
  g_clear_pointer (&request->page, _just_sync_merge_page_free);
  g_clear_pointer (&request->payloads, g_hash_table_unref);
  g_clear_pointer (&request->keep, g_hash_table_unref);
  g_strfreev (request->ids);
  g_strfreev (request->fields);
  g_free (request->fields_json);
  g_clear_pointer (&request->seqs, g_array_unref);
  g_free (request->filter_path);
  g_free (request->filter_types[0]);
  g_free (request->filter_types[1]);
  g_clear_pointer (&request->filter_value, g_variant_unref);
  g_free (request->order_path);
  g_free (request->sql);
  g_free (request);
}

/* Errors */

static gboolean
set_storage_error (Worker               *self,
                   int                   rc,
                   const char           *detail,
                   GError              **error)
{
  switch (rc & 0xff)
    {
    case SQLITE_FULL:
      g_set_error (error, JUST_SYNC_ERROR, JUST_SYNC_ERROR_STORAGE,
                   _("The disk is full: the change was not saved to “%s” (%s)"),
                   self->path, detail);
      break;

    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
      g_set_error (error, JUST_SYNC_ERROR, JUST_SYNC_ERROR_STORAGE,
                   _("“%s” is not a JustSync store: it is damaged or not a SQLite "
                     "database (%s)"),
                   self->path, detail);
      break;

    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      g_set_error (error, JUST_SYNC_ERROR, JUST_SYNC_ERROR_STORAGE,
                   _("“%s” is locked by another program (%s)"), self->path, detail);
      break;

    case SQLITE_CANTOPEN:
    case SQLITE_PERM:
    case SQLITE_READONLY:
      g_set_error (error, JUST_SYNC_ERROR, JUST_SYNC_ERROR_STORAGE,
                   _("“%s” cannot be opened for writing (%s)"), self->path, detail);
      break;

    default:
      g_set_error (error, JUST_SYNC_ERROR, JUST_SYNC_ERROR_STORAGE,
                   _("The store “%s” failed (%s)"), self->path, detail);
      break;
    }
  return FALSE;
}

static gboolean
set_db_error (Worker               *self,
              int                   rc,
              GError              **error)
{
  const char *detail = self->db != NULL ? sqlite3_errmsg (self->db) : sqlite3_errstr (rc);

  return set_storage_error (self, rc, detail, error);
}

static gboolean
set_damaged_error (Worker               *self,
                   const char           *detail,
                   GError              **error)
{
  g_set_error (error, JUST_SYNC_ERROR, JUST_SYNC_ERROR_STORAGE,
               _("The store “%s” holds a damaged row: %s"), self->path, detail);
  return FALSE;
}

static gboolean
set_not_open_error (Worker  *self,
                    GError **error)
{
  if (self->open_error != NULL)
    g_propagate_error (error, g_error_copy (self->open_error));
  else if (self->closed)
    g_set_error (error, JUST_SYNC_ERROR, JUST_SYNC_ERROR_STORAGE,
                 _("The store “%s” is closed"), self->path);
  else
    g_set_error (error, JUST_SYNC_ERROR, JUST_SYNC_ERROR_STORAGE,
                 _("The store “%s” is not open yet"), self->path);
  return FALSE;
}

/* Statements */

/* A statement of the cache: the cleanup resets it and gives it back. */
typedef sqlite3_stmt CachedStmt;

static void
cached_stmt_release (CachedStmt *stmt)
{
  sqlite3_reset (stmt);
  sqlite3_clear_bindings (stmt);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CachedStmt, cached_stmt_release)

static void
stmt_finalize (gpointer stmt)
{
  sqlite3_finalize (stmt);
}

static CachedStmt *
stmt_get (Worker               *self,
          const char           *sql,
          GError              **error)
{
  sqlite3_stmt *stmt = g_hash_table_lookup (self->statements, sql);
  int rc;

  if (stmt != NULL)
    return stmt;

  rc = sqlite3_prepare_v3 (self->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &stmt, NULL);
  if (rc != SQLITE_OK)
    {
      set_db_error (self, rc, error);
      return NULL;
    }
  g_hash_table_insert (self->statements, (gpointer) sql, stmt);
  return stmt;
}

static void
bind_text (sqlite3_stmt *stmt,
           int           index,
           const char   *text)
{
  /* The text outlives the statement's use: the cache resets it after. */
  sqlite3_bind_text (stmt, index, text, -1, SQLITE_STATIC);
}

/* Steps @stmt once: TRUE, with @has_row telling whether a row came, or
 * FALSE with @error.
 */
static gboolean
stmt_step (Worker               *self,
           sqlite3_stmt         *stmt,
           gboolean             *has_row,
           GError              **error)
{
  int rc = sqlite3_step (stmt);

  *has_row = rc == SQLITE_ROW;
  if (rc == SQLITE_ROW || rc == SQLITE_DONE)
    return TRUE;
  return set_db_error (self, rc, error);
}

static gboolean
stmt_run (Worker               *self,
          sqlite3_stmt         *stmt,
          GError              **error)
{
  gboolean has_row;

  return stmt_step (self, stmt, &has_row, error);
}

/* Runs a statement that returns one integer (a count). */
static gboolean
stmt_get_int (Worker               *self,
              sqlite3_stmt         *stmt,
              gint64               *value,
              GError              **error)
{
  gboolean has_row;

  if (!stmt_step (self, stmt, &has_row, error))
    return FALSE;
  *value = has_row ? sqlite3_column_int64 (stmt, 0) : 0;
  return TRUE;
}

static char *
column_dup_text (sqlite3_stmt *stmt,
                 int           column)
{
  return g_strdup ((const char *) sqlite3_column_text (stmt, column));
}

/* Runs SQL text outside the cache: schema and pragmas at open. */
static gboolean
exec_sql (Worker               *self,
          const char           *sql,
          GError              **error)
{
  int rc = sqlite3_exec (self->db, sql, NULL, NULL, NULL);

  return rc == SQLITE_OK || set_db_error (self, rc, error);
}

static gboolean
pragma_get_int (Worker               *self,
                const char           *sql,
                gint64               *value,
                GError              **error)
{
  sqlite3_stmt *stmt = NULL;
  gboolean ok;
  int rc;

  rc = sqlite3_prepare_v2 (self->db, sql, -1, &stmt, NULL);
  if (rc != SQLITE_OK)
    return set_db_error (self, rc, error);
  ok = stmt_get_int (self, stmt, value, error);
  sqlite3_finalize (stmt);
  return ok;
}

static void
rollback (Worker              *self)
{
  /* SQLite rolls some failures (a full disk) back by itself. */
  if (!sqlite3_get_autocommit (self->db))
    sqlite3_exec (self->db, "ROLLBACK", NULL, NULL, NULL);
  /* A scope created in the transaction is gone with it. */
  g_hash_table_remove_all (self->scope_ids);
}

static gboolean
exec_cached (Worker               *self,
             const char           *sql,
             GError              **error)
{
  g_autoptr(CachedStmt) stmt = stmt_get (self, sql, error);

  return stmt != NULL && stmt_run (self, stmt, error);
}

/* Opening */

static char *
default_path (void)
{
  const char *prgname = g_get_prgname ();
  g_autofree char *name = g_strconcat (prgname != NULL && prgname[0] != '\0' ? prgname : "default",
                                       ".db", NULL);

  g_strdelimit (name, G_DIR_SEPARATOR_S, '_');
  return g_build_filename (g_get_user_data_dir (), "justsync", name, NULL);
}

static gboolean
check_version (Worker               *self,
               gint64                version,
               GError              **error)
{
  if (version <= SCHEMA_VERSION)
    return TRUE;

  g_set_error (error, JUST_SYNC_ERROR, JUST_SYNC_ERROR_STORAGE,
               _("“%s” was written by a newer version of JustSync (schema %d; this "
                 "version reads up to %d); it was left untouched"),
               self->path, (int) version, SCHEMA_VERSION);
  return FALSE;
}

/* Reads what the file is without writing anything to it. */
static gboolean
check_file (Worker               *self,
            GError              **error)
{
  gint64 application_id, version, n_objects;

  if (!pragma_get_int (self, "SELECT count(*) FROM sqlite_schema", &n_objects, error) ||
      !pragma_get_int (self, "PRAGMA application_id", &application_id, error) ||
      !pragma_get_int (self, "PRAGMA user_version", &version, error))
    return FALSE;

  if (application_id != _JUST_SYNC_SQLITE_APPLICATION_ID && (application_id != 0 || n_objects != 0))
    {
      g_set_error (error, JUST_SYNC_ERROR, JUST_SYNC_ERROR_STORAGE,
                   _("“%s” is a database of another program; it was left untouched"),
                   self->path);
      return FALSE;
    }
  return check_version (self, version, error);
}

static gboolean
migrate (Worker               *self,
         GError              **error)
{
  g_autofree char *stamp = NULL;
  gboolean ok;
  gint64 version = 0;

  if (!exec_sql (self, "BEGIN IMMEDIATE", error))
    return FALSE;

  /* Read again under the lock: another process may have migrated. */
  ok = pragma_get_int (self, "PRAGMA user_version", &version, error) &&
       check_version (self, version, error);
  for (gint64 v = version; ok && v < SCHEMA_VERSION; v++)
    ok = exec_sql (self, migrations[v], error);

  if (ok && version < SCHEMA_VERSION)
    {
      stamp = g_strdup_printf ("PRAGMA user_version = %d; PRAGMA application_id = %d;",
                               SCHEMA_VERSION, _JUST_SYNC_SQLITE_APPLICATION_ID);
      ok = exec_sql (self, stamp, error);
    }

  if (ok && exec_sql (self, "COMMIT", error))
    return TRUE;
  rollback (self);
  return FALSE;
}

static gboolean
open_database (Worker               *self,
               Job                  *job,
               GError              **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autofree char *dir = NULL;
  int rc;

  if (self->db != NULL)
    return TRUE;
  if (self->open_error != NULL || self->closed)
    return set_not_open_error (self, error);

  dir = g_path_get_dirname (self->path);
  if (g_mkdir_with_parents (dir, 0700) != 0)
    {
      int saved_errno = errno;

      g_set_error (&local_error, JUST_SYNC_ERROR, JUST_SYNC_ERROR_STORAGE,
                   _("Could not create the folder “%s”: %s"), dir, g_strerror (saved_errno));
      goto failed;
    }

  rc = sqlite3_open_v2 (self->path, &self->db,
                        SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
                        NULL);
  if (rc != SQLITE_OK)
    {
      set_db_error (self, rc, &local_error);
      goto failed;
    }
  sqlite3_extended_result_codes (self->db, TRUE);
  sqlite3_busy_timeout (self->db, BUSY_TIMEOUT_MS);

  /* Nothing is written before the file is known to be ours, or new. */
  if (check_file (self, &local_error) &&
      exec_sql (self, "PRAGMA journal_mode = WAL", &local_error) &&
      exec_sql (self, self->durable ? "PRAGMA synchronous = FULL" : "PRAGMA synchronous = NORMAL",
                &local_error) &&
      migrate (self, &local_error))
    return TRUE;

failed:
  g_clear_pointer (&self->db, sqlite3_close);
  self->open_error = g_error_copy (local_error);
  g_propagate_error (error, g_steal_pointer (&local_error));
  return FALSE;
}

/* Checkpoints the write-ahead log into the database and closes it. */
static gboolean
close_database (Worker  *self,
                Job     *job,
                GError **error)
{
  /* SQLite refuses to close with statements left. */
  g_hash_table_remove_all (self->statements);
  g_clear_pointer (&self->db, sqlite3_close);
  self->closed = TRUE;
  return TRUE;
}

/* Jobs */

static Job *
job_new (JobFunc   func,
         gboolean  write,
         Request  *request)
{
  Job *job = g_new0 (Job, 1);

  job->func = func;
  job->write = write;
  job->request = request;
  g_mutex_init (&job->mutex);
  g_cond_init (&job->cond);
  return job;
}

static void
job_clear_result (Job *job)
{
  if (job->result != NULL && job->result_free != NULL)
    job->result_free (job->result);
  job->result = NULL;
  g_clear_pointer (&job->changed_ids, g_strfreev);
}

static void
job_free (Job *job)
{
  job_clear_result (job);
  g_clear_pointer (&job->request, request_free);
  g_clear_object (&job->task);
  g_clear_error (&job->error);
  g_mutex_clear (&job->mutex);
  g_cond_clear (&job->cond);
  g_free (job);
}

static void
job_set_pointer (Job            *job,
                 gpointer        result,
                 GDestroyNotify  result_free)
{
  job->result = result;
  job->result_free = result_free;
}

typedef struct
{
  JustSyncSqliteStore *self;
  JustSyncScope *scope;
  char **ids;
} Changed;

static void
changed_free (Changed *changed)
{
  g_object_unref (changed->self);
  just_sync_scope_unref (changed->scope);
  g_strfreev (changed->ids);
  g_free (changed);
}

static gboolean
emit_changed_cb (gpointer data)
{
  Changed *changed = data;

  just_sync_local_store_emit_changed (JUST_SYNC_LOCAL_STORE (changed->self), changed->scope,
                                      (const char * const *) changed->ids);
  return G_SOURCE_REMOVE;
}

typedef struct
{
  JustSyncSqliteStore *self;
  JustSyncScope *scope;
  guint n_rows;
} Damaged;

static void
damaged_free (Damaged *damaged)
{
  g_object_unref (damaged->self);
  just_sync_scope_unref (damaged->scope);
  g_free (damaged);
}

static gboolean
emit_damaged_cb (gpointer data)
{
  Damaged *damaged = data;

  g_signal_emit (damaged->self, signals[ROWS_DAMAGED], 0, damaged->scope, damaged->n_rows);
  return G_SOURCE_REMOVE;
}

/* Runs on the task's context, after the worker committed: emits
 * JustSyncLocalStore::changed first (right away when the task's context is
 * the creator's), then calls back.
 */
static gboolean
job_return_in_context (gpointer data)
{
  Job *job = data;
  GTask *task = job->task;

  if (job->error != NULL)
    {
      g_task_return_error (task, g_steal_pointer (&job->error));
      return G_SOURCE_REMOVE;
    }

  if (job->needs_resolver)
    {
      JustSyncSqliteStore *self = g_task_get_source_object (task);
      Job *next = job_new (job->func, job->write, g_steal_pointer (&job->request));

      /* No transaction is open: the app's resolver may take its time, and
       * other callers are served meanwhile. The next attempt re-checks
       * every row it decided for. */
      _just_sync_merge_page_resolve (next->request->page);
      next->result_kind = job->result_kind;
      next->task = g_steal_pointer (&job->task);
      g_async_queue_push (self->jobs, next);
      return G_SOURCE_REMOVE;
    }

  if (job->changed_ids != NULL && job->changed_ids[0] != NULL)
    {
      Changed *changed = g_new0 (Changed, 1);

      changed->self = g_object_ref (g_task_get_source_object (task));
      changed->scope = just_sync_scope_ref (job->request->scope);
      changed->ids = g_steal_pointer (&job->changed_ids);
      g_main_context_invoke_full (changed->self->main_context, G_PRIORITY_DEFAULT,
                                  emit_changed_cb, changed, (GDestroyNotify) changed_free);
    }

  if (job->n_damaged > 0)
    {
      Damaged *damaged = g_new0 (Damaged, 1);

      damaged->self = g_object_ref (g_task_get_source_object (task));
      damaged->scope = just_sync_scope_ref (job->request->scope);
      damaged->n_rows = job->n_damaged;
      g_main_context_invoke_full (damaged->self->main_context, G_PRIORITY_DEFAULT,
                                  emit_damaged_cb, damaged, (GDestroyNotify) damaged_free);
    }

  switch (job->result_kind)
    {
    case RESULT_POINTER:
      g_task_return_pointer (task, g_steal_pointer (&job->result), job->result_free);
      break;

    case RESULT_INT:
      g_task_return_int (task, job->count);
      break;

    case RESULT_BOOLEAN:
    default:
      g_task_return_boolean (task, TRUE);
      break;
    }
  return G_SOURCE_REMOVE;
}

/* Finds the id of the job's scope; a write creates it, a read of a scope
 * never written gets 0, which no row has.
 */
static gboolean
resolve_scope (Worker               *self,
               Job                  *job,
               GError              **error)
{
  Request *request = job->request;
  g_autoptr(CachedStmt) find = NULL;
  g_autoptr(CachedStmt) add = NULL;
  gpointer cached;
  gboolean found;

  if (request == NULL || request->scope_key == NULL)
    return TRUE;
  if (g_hash_table_lookup_extended (self->scope_ids, request->scope_key, NULL, &cached))
    {
      request->scope_id = GPOINTER_TO_SIZE (cached);
      return TRUE;
    }

  find = stmt_get (self, "SELECT id FROM scopes WHERE name = ?1", error);
  if (find == NULL)
    return FALSE;
  bind_text (find, 1, request->scope_key);
  if (!stmt_step (self, find, &found, error))
    return FALSE;
  request->scope_id = found ? sqlite3_column_int64 (find, 0) : 0;

  if (!found && job->write)
    {
      add = stmt_get (self, "INSERT INTO scopes (name) VALUES (?1)", error);
      if (add == NULL)
        return FALSE;
      bind_text (add, 1, request->scope_key);
      if (!stmt_run (self, add, error))
        return FALSE;
      request->scope_id = sqlite3_last_insert_rowid (self->db);
      found = TRUE;
    }

  if (found)
    g_hash_table_insert (self->scope_ids, g_strdup (request->scope_key),
                         GSIZE_TO_POINTER (request->scope_id));
  return TRUE;
}

static gboolean
run_in_transaction (Worker               *self,
                    Job                  *job,
                    GError              **error)
{
  if (!exec_cached (self, "BEGIN IMMEDIATE", error))
    return FALSE;
  if (resolve_scope (self, job, error) &&
      job->func (self, job, error) &&
      exec_cached (self, "COMMIT", error))
    return TRUE;
  rollback (self);
  return FALSE;
}

/* Runs on the worker. Cancellation is honoured until the job starts; once
 * started, it is atomic.
 */
static void
job_run (Worker *self,
         Job    *job)
{
  GError *error = NULL;
  gboolean ok;

  if (job->task != NULL &&
      g_cancellable_set_error_if_cancelled (g_task_get_cancellable (job->task), &error))
    ok = FALSE;
  else if (self->db == NULL && job->func != open_database && job->func != close_database)
    ok = set_not_open_error (self, &error);
  else if (job->write)
    ok = run_in_transaction (self, job, &error);
  else
    ok = resolve_scope (self, job, &error) && job->func (self, job, &error);

  if (!ok)
    {
      job_clear_result (job);
      job->error = error;
    }

  if (job->task == NULL)
    {
      /* The waiting caller owns the job: hands it back and lets go. */
      g_mutex_lock (&job->mutex);
      job->done = TRUE;
      g_cond_signal (&job->cond);
      g_mutex_unlock (&job->mutex);
    }
  else
    {
      GSource *source = g_idle_source_new ();

      g_source_set_priority (source, g_task_get_priority (job->task));
      g_source_set_callback (source, job_return_in_context, job, (GDestroyNotify) job_free);
      g_source_set_static_name (source, "[justsync] sqlite store job");
      g_source_attach (source, g_task_get_context (job->task));
      g_source_unref (source);
    }
}

static gpointer
worker_main (gpointer data)
{
  Worker *self = data;

  for (;;)
    {
      Job *job = g_async_queue_pop (self->jobs);

      if (job->func == NULL)
        {
          job_free (job);
          break;
        }
      job_run (self, job);
    }

  close_database (self, NULL, NULL);
  g_hash_table_unref (self->statements);
  g_hash_table_unref (self->scope_ids);
  g_clear_error (&self->open_error);
  g_async_queue_unref (self->jobs);
  g_free (self->path);
  g_free (self);
  return NULL;
}

static void
queue_job (JustSyncSqliteStore *self,
           JobFunc              func,
           gboolean             write,
           ResultKind           result_kind,
           Request             *request,
           GCancellable        *cancellable,
           GAsyncReadyCallback  callback,
           gpointer             user_data,
           gpointer             source_tag)
{
  Job *job = job_new (func, write, request);

  job->result_kind = result_kind;
  job->task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (job->task, source_tag);
  /* job_run() honours a cancel until the job starts; after that the job
   * commits, and its result must say so. */
  g_task_set_check_cancellable (job->task, FALSE);
  g_async_queue_push (self->jobs, job);
}

/* Blocks the calling thread until the worker ran @job. */
static gboolean
run_job_sync (JustSyncSqliteStore  *self,
              Job                  *job,
              GError              **error)
{
  g_async_queue_push (self->jobs, job);

  g_mutex_lock (&job->mutex);
  while (!job->done)
    g_cond_wait (&job->cond, &job->mutex);
  g_mutex_unlock (&job->mutex);

  if (job->error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&job->error));
      return FALSE;
    }
  return TRUE;
}

/* Rows, operations and sync points (worker thread) */

static const char *
kind_to_string (JustSyncOpKind kind)
{
  return kind == JUST_SYNC_OP_DELETE ? "delete" : "upsert";
}

static const char *
state_to_string (JustSyncOpState state)
{
  return state == JUST_SYNC_OP_STATE_FAILED ? "failed" : "queued";
}

/* A record from @stmt: its id in column @id_column, its payload and times
 * in the three columns from @column; @error says why it cannot be read.
 */
static JustSyncRecord *
record_decode (sqlite3_stmt  *stmt,
               int            id_column,
               int            column,
               GError       **error)
{
  const char *id = (const char *) sqlite3_column_text (stmt, id_column);
  const char *payload = (const char *) sqlite3_column_text (stmt, column);

  return just_sync_record_new_from_data (id != NULL ? id : "", payload != NULL ? payload : "",
                                         sqlite3_column_int64 (stmt, column + 1),
                                         sqlite3_column_int64 (stmt, column + 2),
                                         error);
}

/* record_decode(), failing with a damaged-store error. */
static JustSyncRecord *
record_from_stmt (Worker               *self,
                  sqlite3_stmt         *stmt,
                  int                   id_column,
                  int                   column,
                  GError              **error)
{
  g_autoptr(GError) local_error = NULL;
  JustSyncRecord *record = record_decode (stmt, id_column, column, &local_error);

  if (record == NULL)
    set_damaged_error (self, local_error->message, error);
  return record;
}

static JustSyncPendingOp *
op_from_stmt (sqlite3_stmt  *stmt,
              GError       **error)
{
  g_autoptr(JustSyncRecord) record = record_decode (stmt, 1, 2, error);
  const char *kind = (const char *) sqlite3_column_text (stmt, 5);
  const char *state = (const char *) sqlite3_column_text (stmt, 8);

  const char *fields_json = (const char *) sqlite3_column_text (stmt, 10);

  if (record == NULL)
    return NULL;

  if (fields_json != NULL)
    {
      g_autoptr(JsonNode) node = _just_sync_json_parse (fields_json, -1, 2, error);
      g_auto(GStrv) fields = NULL;

      if (node == NULL || (fields = _just_sync_pending_op_fields_from_node (node, error)) == NULL)
        return NULL;
      if (g_strcmp0 (kind, "upsert") != 0)
        {
          g_set_error_literal (error, JUST_SYNC_ERROR, JUST_SYNC_ERROR_INVALID_ARGUMENT,
                               _("Only an upsert can change some fields"));
          return NULL;
        }
      return just_sync_pending_op_new_patch (sqlite3_column_int64 (stmt, 0), record,
                                             (const char * const *) fields,
                                             (const char *) sqlite3_column_text (stmt, 6),
                                             (guint) sqlite3_column_int64 (stmt, 7),
                                             g_strcmp0 (state, "failed") == 0 ? JUST_SYNC_OP_STATE_FAILED
                                                                              : JUST_SYNC_OP_STATE_QUEUED,
                                             (const char *) sqlite3_column_text (stmt, 9));
    }

  return just_sync_pending_op_new (sqlite3_column_int64 (stmt, 0),
                                   g_strcmp0 (kind, "delete") == 0 ? JUST_SYNC_OP_DELETE
                                                                    : JUST_SYNC_OP_UPSERT,
                                   record,
                                   (const char *) sqlite3_column_text (stmt, 6),
                                   (guint) sqlite3_column_int64 (stmt, 7),
                                   g_strcmp0 (state, "failed") == 0 ? JUST_SYNC_OP_STATE_FAILED
                                                                    : JUST_SYNC_OP_STATE_QUEUED,
                                   (const char *) sqlite3_column_text (stmt, 9));
}

/* A row collect_rows() could not read. */
typedef struct
{
  char *record_id;
  gint64 seq;                  /* an operation's, or 0 for a record */
  char *reason;
} Damage;

static void
damage_free (Damage *damage)
{
  g_free (damage->record_id);
  g_free (damage->reason);
  g_free (damage);
}

/*
 * Moves a row that cannot be read to the damaged table, in one savepoint
 * (inside the job's transaction, or its own): its scope reads and syncs on
 * without it, and just_sync_sqlite_store_list_damaged_async() reports it.
 * An operation leaves its record's count of local changes.
 */
static gboolean
quarantine (Worker               *self,
            gint64                scope,
            Damage               *damage,
            GError              **error)
{
  g_autoptr(CachedStmt) keep = NULL;
  g_autoptr(CachedStmt) drop = NULL;
  g_autoptr(CachedStmt) count = NULL;

  if (!exec_cached (self, "SAVEPOINT quarantine", error))
    return FALSE;

  if (damage->seq == 0)
    {
      keep = stmt_get (self, "INSERT INTO damaged (scope, record_id, what, payload, reason, found_at) "
                             "SELECT scope, id, 'record', payload, ?3, ?4 FROM records "
                             "WHERE scope = ?1 AND id = ?2", error);
      drop = stmt_get (self, "DELETE FROM records WHERE scope = ?1 AND id = ?2", error);
    }
  else
    {
      keep = stmt_get (self, "INSERT INTO damaged (scope, record_id, what, payload, reason, found_at) "
                             "SELECT scope, record_id, 'operation', payload, ?3, ?4 FROM pending_ops "
                             "WHERE scope = ?1 AND seq = ?2", error);
      count = stmt_get (self, "UPDATE records SET local_changes = local_changes - 1 "
                              "WHERE scope = ?1 AND local_changes > 0 AND id = "
                              "(SELECT record_id FROM pending_ops WHERE scope = ?1 AND seq = ?2)", error);
      drop = stmt_get (self, "DELETE FROM pending_ops WHERE scope = ?1 AND seq = ?2", error);
    }
  if (keep == NULL || drop == NULL || (damage->seq != 0 && count == NULL))
    goto fail;

  sqlite3_bind_int64 (keep, 1, scope);
  if (damage->seq == 0)
    bind_text (keep, 2, damage->record_id);
  else
    sqlite3_bind_int64 (keep, 2, damage->seq);
  bind_text (keep, 3, damage->reason);
  sqlite3_bind_int64 (keep, 4, g_get_real_time ());
  if (!stmt_run (self, keep, error))
    goto fail;

  if (count != NULL)
    {
      sqlite3_bind_int64 (count, 1, scope);
      sqlite3_bind_int64 (count, 2, damage->seq);
      if (!stmt_run (self, count, error))
        goto fail;
    }

  sqlite3_bind_int64 (drop, 1, scope);
  if (damage->seq == 0)
    bind_text (drop, 2, damage->record_id);
  else
    sqlite3_bind_int64 (drop, 2, damage->seq);
  if (!stmt_run (self, drop, error))
    goto fail;

  return exec_cached (self, "RELEASE quarantine", error);

fail:
  exec_cached (self, "ROLLBACK TO quarantine", NULL);
  exec_cached (self, "RELEASE quarantine", NULL);
  return FALSE;
}

/*
 * Collects every row of @stmt, records or operations, of the scope
 * @scope. A row that cannot be read is quarantined, and counted in
 * @job when there is one: it never fails the read.
 */
static GPtrArray *
collect_rows (Worker               *self,
              sqlite3_stmt         *stmt,
              gboolean              ops,
              gint64                scope,
              Job                  *job,
              GError              **error)
{
  g_autoptr(GPtrArray) rows = NULL;
  g_autoptr(GPtrArray) damages = g_ptr_array_new_with_free_func ((GDestroyNotify) damage_free);
  gboolean has_row;

  rows = g_ptr_array_new_with_free_func (ops ? (GDestroyNotify) just_sync_pending_op_unref
                                             : (GDestroyNotify) just_sync_record_unref);
  for (;;)
    {
      g_autoptr(GError) local_error = NULL;
      gpointer row;

      if (!stmt_step (self, stmt, &has_row, error))
        return NULL;
      if (!has_row)
        break;

      row = ops ? (gpointer) op_from_stmt (stmt, &local_error)
                : (gpointer) record_decode (stmt, 0, 1, &local_error);
      if (row != NULL)
        g_ptr_array_add (rows, row);
      else
        {
          Damage *damage = g_new0 (Damage, 1);

          damage->record_id = column_dup_text (stmt, ops ? 1 : 0);
          damage->seq = ops ? sqlite3_column_int64 (stmt, 0) : 0;
          damage->reason = g_strdup (local_error->message);
          g_ptr_array_add (damages, damage);
        }
    }

  /* After the read: the rows move only once @stmt is done with them. */
  sqlite3_reset (stmt);
  for (guint i = 0; i < damages->len; i++)
    {
      if (!quarantine (self, scope, g_ptr_array_index (damages, i), error))
        return NULL;
      if (job != NULL)
        job->n_damaged++;
    }
  return g_steal_pointer (&rows);
}

/* The merge driver's primitives (justsync-merge.c), run on the worker
 * inside the job's transaction. Records they are given or return belong
 * to the worker.
 */
typedef struct
{
  Worker *self;
  gint64 scope;
  GHashTable *payloads;        /* (nullable): Request.payloads */
} Tx;

static gboolean
ops_count (Worker               *self,
           gint64                scope,
           const char           *id,
           gint64               *count,
           GError              **error)
{
  g_autoptr(CachedStmt) stmt = NULL;

  stmt = stmt_get (self, "SELECT count(*) FROM pending_ops WHERE scope = ?1 AND record_id = ?2",
                   error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, scope);
  bind_text (stmt, 2, id);
  return stmt_get_int (self, stmt, count, error);
}

static gboolean
merge_load (gpointer             data,
            const char          *id,
            JustSyncMergeLocal  *local,
            GError             **error)
{
  Tx *tx = data;
  g_autoptr(CachedStmt) row = NULL;
  g_autoptr(CachedStmt) ops = NULL;
  gboolean found;

  row = stmt_get (tx->self, "SELECT id, payload, updated_at, deleted_at, base FROM records "
                            "WHERE scope = ?1 AND id = ?2", error);
  if (row == NULL)
    return FALSE;
  sqlite3_bind_int64 (row, 1, tx->scope);
  bind_text (row, 2, id);
  if (!stmt_step (tx->self, row, &found, error))
    return FALSE;
  if (found)
    {
      g_autoptr(GError) local_error = NULL;

      /* A row that cannot be read is moved aside: the remote version
       * takes its place. */
      if ((local->row = record_decode (row, 0, 1, &local_error)) != NULL)
        local->base = column_dup_text (row, 4);
      else
        {
          Damage damage = { (char *) id, 0, local_error->message };

          sqlite3_reset (row);
          if (!quarantine (tx->self, tx->scope, &damage, error))
            return FALSE;
        }
    }

  ops = stmt_get (tx->self, _JUST_SYNC_SQLITE_SQL_OPS_OF_RECORD, error);
  if (ops == NULL)
    return FALSE;
  sqlite3_bind_int64 (ops, 1, tx->scope);
  bind_text (ops, 2, id);
  local->ops = collect_rows (tx->self, ops, TRUE, tx->scope, NULL, error);
  return local->ops != NULL;
}

static gboolean
merge_load_many (gpointer             data,
                 const char         **ids,
                 guint                n_ids,
                 JustSyncMergeLocal  *locals,
                 GError             **error)
{
  Tx *tx = data;
  g_autoptr(GHashTable) positions = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(JsonArray) array = json_array_new ();
  g_autoptr(JsonNode) node = json_node_new (JSON_NODE_ARRAY);
  g_autofree char *list = NULL;
  g_autoptr(CachedStmt) rows = NULL;
  g_autoptr(CachedStmt) ops = NULL;
  g_autoptr(GPtrArray) damages = g_ptr_array_new_with_free_func ((GDestroyNotify) damage_free);
  g_autoptr(GError) local_error = NULL;
  gboolean has_row, has_ops = FALSE;

  for (guint i = 0; i < n_ids; i++)
    if (ids[i] != NULL)
      {
        json_array_add_string_element (array, ids[i]);
        g_hash_table_insert (positions, (gpointer) ids[i], GUINT_TO_POINTER (i));
        locals[i].ops = g_ptr_array_new_with_free_func ((GDestroyNotify) just_sync_pending_op_unref);
      }
  json_node_set_array (node, array);
  list = json_to_string (node, FALSE);

  rows = stmt_get (tx->self, _JUST_SYNC_SQLITE_SQL_ROWS_OF_LIST, error);
  if (rows == NULL)
    return FALSE;
  sqlite3_bind_int64 (rows, 1, tx->scope);
  bind_text (rows, 2, list);
  for (;;)
    {
      JustSyncMergeLocal *local;
      gpointer position;

      if (!stmt_step (tx->self, rows, &has_row, error))
        return FALSE;
      if (!has_row)
        break;
      if (!g_hash_table_lookup_extended (positions, sqlite3_column_text (rows, 0), NULL, &position))
        continue;
      local = &locals[GPOINTER_TO_UINT (position)];
      if ((local->row = record_from_stmt (tx->self, rows, 0, 1, &local_error)) == NULL)
        {
          /* A row that cannot be read is moved aside, once the rows are
           * read: the remote version takes its place, as in merge_load(). */
          Damage *damage = g_new0 (Damage, 1);

          damage->record_id = g_strdup ((const char *) sqlite3_column_text (rows, 0));
          damage->reason = g_strdup (local_error->message);
          g_ptr_array_add (damages, damage);
          g_clear_error (&local_error);
          continue;
        }
      local->base = column_dup_text (rows, 4);
      has_ops |= sqlite3_column_int64 (rows, 5) != 0;
    }
  sqlite3_reset (rows);
  for (guint i = 0; i < damages->len; i++)
    if (!quarantine (tx->self, tx->scope, g_ptr_array_index (damages, i), error))
      return FALSE;

  /* A record's ops are counted on its row, and no op outlives its row. */
  if (!has_ops)
    return TRUE;
  ops = stmt_get (tx->self, _JUST_SYNC_SQLITE_SQL_OPS_OF_LIST, error);
  if (ops == NULL)
    return FALSE;
  sqlite3_bind_int64 (ops, 1, tx->scope);
  bind_text (ops, 2, list);
  for (;;)
    {
      g_autoptr(JustSyncPendingOp) op = NULL;
      gpointer position;

      if (!stmt_step (tx->self, ops, &has_row, error))
        return FALSE;
      if (!has_row)
        return TRUE;
      if ((op = op_from_stmt (ops, error)) == NULL)
        return FALSE;
      if (g_hash_table_lookup_extended (positions, just_sync_pending_op_get_record_id (op), NULL,
                                        &position))
        g_ptr_array_add (locals[GPOINTER_TO_UINT (position)].ops, g_steal_pointer (&op));
    }
}

static gboolean
merge_put_row (gpointer         data,
               JustSyncRecord  *record,
               const char      *base,
               guint            n_ops,
               GError         **error)
{
  Tx *tx = data;
  g_autoptr(CachedStmt) stmt = NULL;
  const char *text = tx->payloads != NULL ? g_hash_table_lookup (tx->payloads, record) : NULL;
  g_autofree char *payload = text == NULL ? just_sync_record_dup_payload_data (record) : NULL;

  stmt = stmt_get (tx->self,
                   "INSERT INTO records (scope, id, payload, updated_at, deleted_at, base, "
                   "local_changes) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) "
                   "ON CONFLICT (scope, id) DO UPDATE SET payload = excluded.payload, "
                   "updated_at = excluded.updated_at, deleted_at = excluded.deleted_at, "
                   "base = excluded.base, local_changes = excluded.local_changes",
                   error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, tx->scope);
  bind_text (stmt, 2, just_sync_record_get_id (record));
  bind_text (stmt, 3, text != NULL ? text : payload);
  sqlite3_bind_int64 (stmt, 4, just_sync_record_get_updated_at (record));
  sqlite3_bind_int64 (stmt, 5, just_sync_record_get_deleted_at (record));
  bind_text (stmt, 6, base);
  sqlite3_bind_int64 (stmt, 7, n_ops);
  return stmt_run (tx->self, stmt, error);
}

static gboolean
merge_clear_ops (gpointer     data,
                 const char  *id,
                 gint64       seq,
                 guint       *remaining,
                 GError     **error)
{
  Tx *tx = data;
  g_autoptr(CachedStmt) stmt = NULL;
  gint64 count;

  stmt = stmt_get (tx->self, "DELETE FROM pending_ops "
                             "WHERE scope = ?1 AND record_id = ?2 AND seq <= ?3", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, tx->scope);
  bind_text (stmt, 2, id);
  sqlite3_bind_int64 (stmt, 3, seq);
  if (!stmt_run (tx->self, stmt, error) || !ops_count (tx->self, tx->scope, id, &count, error))
    return FALSE;
  *remaining = (guint) count;
  return TRUE;
}

static gboolean
merge_rebase (gpointer     data,
              const char  *id,
              const char  *base,
              guint        n_ops,
              GError     **error)
{
  Tx *tx = data;
  g_autoptr(CachedStmt) row = NULL;
  g_autoptr(CachedStmt) ops = NULL;

  row = stmt_get (tx->self, "UPDATE records SET base = ?3, local_changes = ?4 "
                            "WHERE scope = ?1 AND id = ?2", error);
  if (row == NULL)
    return FALSE;
  sqlite3_bind_int64 (row, 1, tx->scope);
  bind_text (row, 2, id);
  bind_text (row, 3, base);
  sqlite3_bind_int64 (row, 4, n_ops);
  if (!stmt_run (tx->self, row, error))
    return FALSE;

  ops = stmt_get (tx->self, "UPDATE pending_ops SET base = ?3 "
                            "WHERE scope = ?1 AND record_id = ?2", error);
  if (ops == NULL)
    return FALSE;
  sqlite3_bind_int64 (ops, 1, tx->scope);
  bind_text (ops, 2, id);
  bind_text (ops, 3, base);
  return stmt_run (tx->self, ops, error);
}

static gboolean
merge_mark_ops (gpointer          data,
                const char       *id,
                gint64            seq,
                JustSyncOpState   state,
                const char       *message,
                GError          **error)
{
  Tx *tx = data;
  g_autoptr(CachedStmt) stmt = NULL;

  stmt = stmt_get (tx->self, "UPDATE pending_ops SET state = ?4, "
                             "last_error = ?5 WHERE scope = ?1 AND record_id = ?2 AND seq <= ?3",
                   error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, tx->scope);
  bind_text (stmt, 2, id);
  sqlite3_bind_int64 (stmt, 3, seq);
  bind_text (stmt, 4, state_to_string (state));
  bind_text (stmt, 5, message);
  return stmt_run (tx->self, stmt, error);
}

static gboolean
merge_save_conflict (gpointer           data,
                     JustSyncConflict  *conflict,
                     GError           **error)
{
  Tx *tx = data;
  JustSyncRecord *local = just_sync_conflict_get_local (conflict);
  JustSyncRecord *remote = just_sync_conflict_get_remote (conflict);
  g_autofree char *local_payload = just_sync_record_dup_payload_data (local);
  g_autofree char *remote_payload = just_sync_record_dup_payload_data (remote);
  g_autoptr(CachedStmt) stmt = NULL;

  stmt = stmt_get (tx->self,
                   "INSERT INTO conflicts (scope, record_id, local_payload, local_updated_at, "
                   "local_deleted_at, remote_payload, remote_updated_at, remote_deleted_at, "
                   "resolution, resolved_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
                   error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, tx->scope);
  bind_text (stmt, 2, just_sync_conflict_get_record_id (conflict));
  bind_text (stmt, 3, local_payload);
  sqlite3_bind_int64 (stmt, 4, just_sync_record_get_updated_at (local));
  sqlite3_bind_int64 (stmt, 5, just_sync_record_get_deleted_at (local));
  bind_text (stmt, 6, remote_payload);
  sqlite3_bind_int64 (stmt, 7, just_sync_record_get_updated_at (remote));
  sqlite3_bind_int64 (stmt, 8, just_sync_record_get_deleted_at (remote));
  bind_text (stmt, 9, just_sync_conflict_get_resolution (conflict) == JUST_SYNC_RESOLUTION_LOCAL
                      ? "local" : "remote");
  sqlite3_bind_int64 (stmt, 10, just_sync_conflict_get_resolved_at (conflict));
  return stmt_run (tx->self, stmt, error);
}

static gboolean
sync_point_load (Worker               *self,
                 gint64                scope,
                 JustSyncSyncPoint   **sync_point,
                 GError              **error)
{
  g_autoptr(CachedStmt) stmt = NULL;
  gboolean found;

  stmt = stmt_get (self, "SELECT updated_at, last_id FROM sync_points WHERE scope = ?1", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, scope);
  if (!stmt_step (self, stmt, &found, error))
    return FALSE;
  *sync_point = NULL;
  if (found)
    {
      gint64 updated_at = sqlite3_column_int64 (stmt, 0);

      if (!just_sync_timestamp_is_valid (updated_at))
        return set_damaged_error (self, _("a sync point has a time out of range"), error);
      *sync_point = just_sync_sync_point_new (updated_at,
                                              (const char *) sqlite3_column_text (stmt, 1));
    }
  return TRUE;
}

static gboolean
sync_point_save (Worker               *self,
                 gint64                scope,
                 JustSyncSyncPoint    *sync_point,
                 GError              **error)
{
  g_autoptr(CachedStmt) stmt = NULL;

  if (sync_point == NULL)
    stmt = stmt_get (self, "DELETE FROM sync_points WHERE scope = ?1", error);
  else
    stmt = stmt_get (self, "INSERT INTO sync_points (scope, updated_at, last_id) "
                           "VALUES (?1, ?2, ?3) ON CONFLICT (scope) DO UPDATE SET "
                           "updated_at = excluded.updated_at, last_id = excluded.last_id", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, scope);
  if (sync_point != NULL)
    {
      sqlite3_bind_int64 (stmt, 2, just_sync_sync_point_get_updated_at (sync_point));
      bind_text (stmt, 3, just_sync_sync_point_get_last_id (sync_point));
    }
  return stmt_run (self, stmt, error);
}

static gboolean
merge_load_sync_point (gpointer             data,
                       JustSyncSyncPoint  **sync_point,
                       GError             **error)
{
  Tx *tx = data;

  return sync_point_load (tx->self, tx->scope, sync_point, error);
}

static gboolean
merge_save_sync_point (gpointer            data,
                       JustSyncSyncPoint  *sync_point,
                       GError            **error)
{
  Tx *tx = data;

  return sync_point_save (tx->self, tx->scope, sync_point, error);
}

/* Base contents, for field merges */

/* Before an app write: a row without waiting changes is its base version. */
static gboolean
capture_base_content (Worker               *self,
                      gint64                scope,
                      const char           *id,
                      GError              **error)
{
  g_autoptr(CachedStmt) stmt = NULL;

  stmt = stmt_get (self, "INSERT OR REPLACE INTO base_contents (scope, id, payload, updated_at, "
                         "deleted_at) SELECT scope, id, CASE WHEN base IS NULL THEN NULL "
                         "ELSE payload END, updated_at, deleted_at FROM records "
                         "WHERE scope = ?1 AND id = ?2 AND local_changes = 0", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, scope);
  bind_text (stmt, 2, id);
  return stmt_run (self, stmt, error);
}

static gboolean
merge_load_base_content (gpointer          data,
                         const char       *id,
                         JustSyncRecord  **base,
                         GError          **error)
{
  Tx *tx = data;
  g_autoptr(CachedStmt) stmt = NULL;
  gboolean found;

  *base = NULL;
  stmt = stmt_get (tx->self, "SELECT id, payload, updated_at, deleted_at FROM base_contents "
                             "WHERE scope = ?1 AND id = ?2 AND payload IS NOT NULL", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, tx->scope);
  bind_text (stmt, 2, id);
  if (!stmt_step (tx->self, stmt, &found, error))
    return FALSE;
  return !found || (*base = record_from_stmt (tx->self, stmt, 0, 1, error)) != NULL;
}

static gboolean
merge_save_base_content (gpointer          data,
                         const char       *id,
                         JustSyncRecord   *content,
                         GError          **error)
{
  Tx *tx = data;
  g_autoptr(CachedStmt) stmt = NULL;
  g_autofree char *payload = just_sync_record_dup_payload_data (content);

  stmt = stmt_get (tx->self, "INSERT OR REPLACE INTO base_contents (scope, id, payload, "
                             "updated_at, deleted_at) VALUES (?1, ?2, ?3, ?4, ?5)", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, tx->scope);
  bind_text (stmt, 2, id);
  bind_text (stmt, 3, payload);
  sqlite3_bind_int64 (stmt, 4, just_sync_record_get_updated_at (content));
  sqlite3_bind_int64 (stmt, 5, just_sync_record_get_deleted_at (content));
  return stmt_run (tx->self, stmt, error);
}

static gboolean
merge_put_merged (gpointer          data,
                  JustSyncRecord   *merged,
                  const char       *base,
                  JustSyncRecord   *base_content,
                  guint             n_ops,
                  GError          **error)
{
  Tx *tx = data;
  const char *id = just_sync_record_get_id (merged);
  g_autoptr(CachedStmt) ops = NULL;
  g_autofree char *payload = NULL;

  if (!merge_put_row (data, merged, base, n_ops, error))
    return FALSE;

  payload = just_sync_record_dup_payload_data (merged);
  /* A merge is pushed whole: it may hold members no patch named. */
  ops = stmt_get (tx->self, "UPDATE pending_ops SET kind = 'upsert', payload = ?3, "
                            "updated_at = ?4, deleted_at = 0, base = ?5, fields = NULL "
                            "WHERE scope = ?1 AND record_id = ?2", error);
  if (ops == NULL)
    return FALSE;
  sqlite3_bind_int64 (ops, 1, tx->scope);
  bind_text (ops, 2, id);
  bind_text (ops, 3, payload);
  sqlite3_bind_int64 (ops, 4, just_sync_record_get_updated_at (merged));
  bind_text (ops, 5, base);
  return stmt_run (tx->self, ops, error) &&
         merge_save_base_content (data, id, base_content, error);
}

static const JustSyncMergeStore merge_store = {
  .load = merge_load,
  .put_row = merge_put_row,
  .clear_ops = merge_clear_ops,
  .rebase = merge_rebase,
  .mark_ops = merge_mark_ops,
  .save_conflict = merge_save_conflict,
  .load_sync_point = merge_load_sync_point,
  .save_sync_point = merge_save_sync_point,
  .load_many = merge_load_many,
  .load_base_content = merge_load_base_content,
  .save_base_content = merge_save_base_content,
  .put_merged = merge_put_merged,
};

/* Job functions (worker thread) */

static gboolean
query_job (Worker               *self,
           Job                  *job,
           GError              **error)
{
  Request *request = job->request;
  g_autoptr(CachedStmt) stmt = NULL;
  GPtrArray *records;

  stmt = stmt_get (self, request->time < 0 ? _JUST_SYNC_SQLITE_SQL_QUERY
                                           : _JUST_SYNC_SQLITE_SQL_QUERY_SINCE, error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, request->scope_id);
  if (request->time >= 0)
    sqlite3_bind_int64 (stmt, 2, request->time);
  if ((records = collect_rows (self, stmt, FALSE, request->scope_id, job, error)) == NULL)
    return FALSE;
  job_set_pointer (job, records, (GDestroyNotify) g_ptr_array_unref);
  return TRUE;
}

/* One page of the live records, and their number: the page alone is
 * read into memory. */
static gboolean
query_page_job (Worker               *self,
                Job                  *job,
                GError              **error)
{
  Request *request = job->request;
  g_autoptr(CachedStmt) count = NULL;
  g_autoptr(CachedStmt) stmt = NULL;
  GPtrArray *records;
  gint64 total;

  count = stmt_get (self, "SELECT count(*) FROM records WHERE scope = ?1 AND deleted_at = 0", error);
  if (count == NULL)
    return FALSE;
  sqlite3_bind_int64 (count, 1, request->scope_id);
  if (!stmt_get_int (self, count, &total, error))
    return FALSE;

  stmt = stmt_get (self, _JUST_SYNC_SQLITE_SQL_QUERY " LIMIT ?2 OFFSET ?3", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, request->scope_id);
  sqlite3_bind_int64 (stmt, 2, request->limit);
  sqlite3_bind_int64 (stmt, 3, request->offset);
  if ((records = collect_rows (self, stmt, FALSE, request->scope_id, job, error)) == NULL)
    return FALSE;
  job_set_pointer (job, _just_sync_record_page_new (records, (guint) MIN (total, G_MAXUINT)),
                   (GDestroyNotify) _just_sync_record_page_free);
  return TRUE;
}

static gboolean
get_job (Worker               *self,
         Job                  *job,
         GError              **error)
{
  g_autoptr(CachedStmt) stmt = NULL;
  g_autoptr(GPtrArray) records = NULL;

  stmt = stmt_get (self, "SELECT id, payload, updated_at, deleted_at FROM records "
                         "WHERE scope = ?1 AND id = ?2", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, job->request->scope_id);
  bind_text (stmt, 2, job->request->id);
  if ((records = collect_rows (self, stmt, FALSE, job->request->scope_id, job, error)) == NULL)
    return FALSE;
  if (records->len > 0)
    job_set_pointer (job, just_sync_record_ref (g_ptr_array_index (records, 0)),
                     (GDestroyNotify) just_sync_record_unref);
  return TRUE;
}

static gboolean
count_job (Worker               *self,
           Job                  *job,
           GError              **error)
{
  g_autoptr(CachedStmt) stmt = NULL;
  gint64 count;

  stmt = stmt_get (self, "SELECT count(*) FROM records WHERE scope = ?1 AND deleted_at = 0", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, job->request->scope_id);
  if (!stmt_get_int (self, stmt, &count, error))
    return FALSE;
  job->count = count;
  return TRUE;
}

static gboolean
query_filter_job (Worker               *self,
                  Job                  *job,
                  GError              **error)
{
  Request *request = job->request;
  g_autoptr(CachedStmt) stmt = NULL;
  GPtrArray *records;

#define FILTER_SQL(order) \
  "SELECT id, payload, updated_at, deleted_at FROM records " \
  "WHERE scope = ?1 AND deleted_at = 0 AND (?2 IS NULL OR " \
  "(json_type (payload, ?2) IN (?3, ?4) AND (?5 IS NULL OR json_extract (payload, ?2) = ?5))) " \
  "ORDER BY json_extract (payload, ?6) " order ", id " order " LIMIT ?7"

  stmt = stmt_get (self, request->descending ? FILTER_SQL ("DESC") : FILTER_SQL ("ASC"), error);
#undef FILTER_SQL
  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_int64 (stmt, 1, request->scope_id);
  bind_text (stmt, 2, request->filter_path);
  bind_text (stmt, 3, request->filter_types[0]);
  bind_text (stmt, 4, request->filter_types[1]);
  if (request->filter_value == NULL)
    sqlite3_bind_null (stmt, 5);
  else if (g_variant_is_of_type (request->filter_value, G_VARIANT_TYPE_STRING))
    bind_text (stmt, 5, g_variant_get_string (request->filter_value, NULL));
  else if (g_variant_is_of_type (request->filter_value, G_VARIANT_TYPE_INT64))
    sqlite3_bind_int64 (stmt, 5, g_variant_get_int64 (request->filter_value));
  else
    sqlite3_bind_double (stmt, 5, g_variant_get_double (request->filter_value));
  bind_text (stmt, 6, request->order_path);
  sqlite3_bind_int64 (stmt, 7, request->limit);

  if ((records = collect_rows (self, stmt, FALSE, request->scope_id, job, error)) == NULL)
    return FALSE;
  job_set_pointer (job, records, (GDestroyNotify) g_ptr_array_unref);
  return TRUE;
}

/* An app write: the rows and one queued operation each (a patch: one
 * row, its operation naming the fields it changed). The operation's
 * base is the base of the row, which only pulls and acknowledged pushes
 * move. Operations are not compacted here: the orchestrator does that when
 * it pushes.
 */
static gboolean
app_write_job (Worker               *self,
               Job                  *job,
               GError              **error)
{
  Request *request = job->request;
  g_autoptr(GPtrArray) ops = NULL;
  g_autoptr(JustSyncApplyResult) changed = just_sync_apply_result_new ();
  g_autoptr(CachedStmt) find = NULL;
  g_autoptr(CachedStmt) row = NULL;
  g_autoptr(CachedStmt) op = NULL;

  /* RETURNING would spare the lookup, but costs SQLite a temporary table
   * per row: a separate read of the (cached) page is faster. */
  find = stmt_get (self, "SELECT base FROM records WHERE scope = ?1 AND id = ?2", error);
  row = stmt_get (self,
                  "INSERT INTO records (scope, id, payload, updated_at, deleted_at, local_changes) "
                  "VALUES (?1, ?2, ?3, ?4, ?5, 1) "
                  "ON CONFLICT (scope, id) DO UPDATE SET payload = excluded.payload, "
                  "updated_at = excluded.updated_at, deleted_at = excluded.deleted_at, "
                  "local_changes = local_changes + 1", error);
  op = stmt_get (self,
                 "INSERT INTO pending_ops (scope, record_id, kind, payload, updated_at, "
                 "deleted_at, base, fields) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)", error);
  if (find == NULL || row == NULL || op == NULL)
    return FALSE;

  ops = g_ptr_array_new_full (request->inputs->len, (GDestroyNotify) just_sync_pending_op_unref);
  for (guint i = 0; i < request->inputs->len; i++)
    {
      Input *input = g_ptr_array_index (request->inputs, i);
      const char *id = just_sync_record_get_id (input->record);
      gint64 updated_at = just_sync_record_get_updated_at (input->record);
      gint64 deleted_at = just_sync_record_get_deleted_at (input->record);
      g_autofree char *base = NULL;
      gboolean found;

      sqlite3_bind_int64 (find, 1, request->scope_id);
      bind_text (find, 2, id);
      if (!stmt_step (self, find, &found, error))
        return FALSE;
      base = found ? column_dup_text (find, 0) : NULL;
      sqlite3_reset (find);
      if (found && !capture_base_content (self, request->scope_id, id, error))
        return FALSE;

      sqlite3_bind_int64 (row, 1, request->scope_id);
      bind_text (row, 2, id);
      bind_text (row, 3, input->payload);
      sqlite3_bind_int64 (row, 4, updated_at);
      sqlite3_bind_int64 (row, 5, deleted_at);
      if (!stmt_run (self, row, error))
        return FALSE;
      sqlite3_reset (row);

      sqlite3_bind_int64 (op, 1, request->scope_id);
      bind_text (op, 2, id);
      bind_text (op, 3, kind_to_string (request->kind));
      bind_text (op, 4, input->payload);
      sqlite3_bind_int64 (op, 5, updated_at);
      sqlite3_bind_int64 (op, 6, deleted_at);
      bind_text (op, 7, base);
      bind_text (op, 8, request->fields_json);
      if (!stmt_run (self, op, error))
        return FALSE;
      sqlite3_reset (op);

      if (request->fields != NULL)
        g_ptr_array_add (ops, just_sync_pending_op_new_patch (sqlite3_last_insert_rowid (self->db),
                                                              input->record,
                                                              (const char * const *) request->fields,
                                                              base, 0, JUST_SYNC_OP_STATE_QUEUED, NULL));
      else
        g_ptr_array_add (ops, just_sync_pending_op_new (sqlite3_last_insert_rowid (self->db),
                                                        request->kind, input->record, base, 0,
                                                        JUST_SYNC_OP_STATE_QUEUED, NULL));
      just_sync_apply_result_add (changed, id, request->kind == JUST_SYNC_OP_DELETE
                                               ? JUST_SYNC_APPLY_DELETED
                                               : JUST_SYNC_APPLY_INSERTED);
    }

  job->changed_ids = just_sync_apply_result_dup_changed_ids (changed);
  job_set_pointer (job, g_steal_pointer (&ops), (GDestroyNotify) g_ptr_array_unref);
  return TRUE;
}

static gboolean
list_ops_job (Worker               *self,
              Job                  *job,
              GError              **error)
{
  g_autoptr(CachedStmt) stmt = stmt_get (self, _JUST_SYNC_SQLITE_SQL_OPS_OF_SCOPE, error);
  GPtrArray *ops;

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, job->request->scope_id);
  if ((ops = collect_rows (self, stmt, TRUE, job->request->scope_id, job, error)) == NULL)
    return FALSE;
  job_set_pointer (job, ops, (GDestroyNotify) g_ptr_array_unref);
  return TRUE;
}

static gboolean
count_ops_job (Worker               *self,
               Job                  *job,
               GError              **error)
{
  Request *request = job->request;
  g_autoptr(CachedStmt) stmt = NULL;
  gint64 count;

  stmt = stmt_get (self, request->scope_key == NULL ? _JUST_SYNC_SQLITE_SQL_COUNT_OPS
                                                   : _JUST_SYNC_SQLITE_SQL_COUNT_OPS_OF_SCOPE,
                   error);
  if (stmt == NULL)
    return FALSE;
  bind_text (stmt, 1, state_to_string (request->state));
  if (request->scope_key != NULL)
    sqlite3_bind_int64 (stmt, 2, request->scope_id);
  if (!stmt_get_int (self, stmt, &count, error))
    return FALSE;
  job->count = count;
  return TRUE;
}

/* The worker's record of a remote row or push reply handed over as
 * @input: serialized and hashed here, off the caller's thread, once; its
 * text is kept for put_row. */
static JustSyncRecord *
input_take_record (Request *request,
                   Input   *input)
{
  g_assert (input->canonical);

  if (input->payload == NULL)
    {
      input->payload = _just_sync_record_dup_canonical_payload (input->record);
      _just_sync_record_set_canonical_payload (input->record, input->payload);
      input->version = just_sync_record_dup_version (input->record);
      if (request->payloads == NULL)
        request->payloads = g_hash_table_new (NULL, NULL);
      g_hash_table_insert (request->payloads, input->record, input->payload);
    }
  return just_sync_record_ref (input->record);
}

/* One attempt of the two-phase apply (justsync-merge.c). When a conflict
 * waits for an app resolver, it writes nothing and asks for the resolver:
 * job_return_in_context() runs it on the caller's context, after this
 * transaction ended, and queues the next attempt.
 */
static gboolean
apply_remote_changes_job (Worker               *self,
                          Job                  *job,
                          GError              **error)
{
  Request *request = job->request;
  Tx tx = { self, request->scope_id, NULL };
  JustSyncApplyResult *result;

  if (request->page == NULL)
    {
      g_autoptr(JustSyncMergePage) page = _just_sync_merge_page_new (request->resolver,
                                                                     request->sync_point);

      for (guint i = 0; i < request->inputs->len; i++)
        {
          Input *input = g_ptr_array_index (request->inputs, i);
          g_autoptr(JustSyncRecord) remote = input_take_record (request, input);

          _just_sync_merge_page_add (page, remote, input->version);
        }
      request->page = g_steal_pointer (&page);
    }

  tx.payloads = request->payloads;
  if (!_just_sync_merge_apply_page (&merge_store, &tx, request->page, &result, error))
    return FALSE;

  job->needs_resolver = result == NULL;
  if (result != NULL)
    {
      job->changed_ids = just_sync_apply_result_dup_changed_ids (result);
      job_set_pointer (job, result, (GDestroyNotify) just_sync_apply_result_unref);
    }
  return TRUE;
}

static gboolean
commit_push_results_job (Worker               *self,
                         Job                  *job,
                         GError              **error)
{
  Request *request = job->request;
  GPtrArray *inputs = request->inputs;
  Tx tx = { self, request->scope_id, NULL };
  g_autoptr(JustSyncApplyResult) result = just_sync_apply_result_new ();

  for (guint i = 0; i < inputs->len; i++)
    {
      Input *input = g_ptr_array_index (inputs, i);
      g_autoptr(JustSyncRecord) reply = NULL;

      if (input->record != NULL)
        reply = input_take_record (request, input);
      tx.payloads = request->payloads;
      if (!_just_sync_merge_commit_push (&merge_store, &tx, input->push, reply, input->version,
                                         result, error))
        return FALSE;
    }

  job->changed_ids = just_sync_apply_result_dup_changed_ids (result);
  job_set_pointer (job, g_steal_pointer (&result), (GDestroyNotify) just_sync_apply_result_unref);
  return TRUE;
}

static gboolean
get_sync_point_job (Worker               *self,
                    Job                  *job,
                    GError              **error)
{
  JustSyncSyncPoint *sync_point;

  if (!sync_point_load (self, job->request->scope_id, &sync_point, error))
    return FALSE;
  job_set_pointer (job, sync_point, (GDestroyNotify) just_sync_sync_point_unref);
  return TRUE;
}

static gboolean
save_sync_point_job (Worker               *self,
                     Job                  *job,
                     GError              **error)
{
  return sync_point_save (self, job->request->scope_id, job->request->sync_point, error);
}

static gboolean
list_conflicts_job (Worker               *self,
                    Job                  *job,
                    GError              **error)
{
  g_autoptr(CachedStmt) stmt = NULL;
  g_autoptr(GPtrArray) conflicts = NULL;
  gboolean has_row;

  stmt = stmt_get (self, "SELECT record_id, local_payload, local_updated_at, local_deleted_at, "
                         "remote_payload, remote_updated_at, remote_deleted_at, resolution, "
                         "resolved_at FROM conflicts WHERE scope = ?1 ORDER BY id", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, job->request->scope_id);

  conflicts = g_ptr_array_new_with_free_func ((GDestroyNotify) just_sync_conflict_unref);
  for (;;)
    {
      g_autoptr(JustSyncRecord) local = NULL;
      g_autoptr(JustSyncRecord) remote = NULL;
      const char *resolution;

      if (!stmt_step (self, stmt, &has_row, error))
        return FALSE;
      if (!has_row)
        break;
      if ((local = record_from_stmt (self, stmt, 0, 1, error)) == NULL ||
          (remote = record_from_stmt (self, stmt, 0, 4, error)) == NULL)
        return FALSE;
      resolution = (const char *) sqlite3_column_text (stmt, 7);
      g_ptr_array_add (conflicts,
                       just_sync_conflict_new (local, remote,
                                               g_strcmp0 (resolution, "local") == 0
                                               ? JUST_SYNC_RESOLUTION_LOCAL
                                               : JUST_SYNC_RESOLUTION_REMOTE,
                                               sqlite3_column_int64 (stmt, 8)));
    }

  job_set_pointer (job, g_steal_pointer (&conflicts), (GDestroyNotify) g_ptr_array_unref);
  return TRUE;
}

static gboolean
retry_failed_ops_job (Worker               *self,
                      Job                  *job,
                      GError              **error)
{
  g_autoptr(CachedStmt) stmt = NULL;

  stmt = stmt_get (self, "UPDATE pending_ops SET state = 'queued', attempts = 0, last_error = NULL "
                         "WHERE scope = ?1 AND state = 'failed'", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, job->request->scope_id);
  if (!stmt_run (self, stmt, error))
    return FALSE;
  job->count = sqlite3_changes (self->db);
  return TRUE;
}

/* Collects the first column of every row of @stmt. */
static GPtrArray *
collect_strings (Worker               *self,
                 sqlite3_stmt         *stmt,
                 GError              **error)
{
  g_autoptr(GPtrArray) strings = g_ptr_array_new_with_free_func (g_free);
  gboolean has_row;

  for (;;)
    {
      if (!stmt_step (self, stmt, &has_row, error))
        return NULL;
      if (!has_row)
        return g_steal_pointer (&strings);
      g_ptr_array_add (strings, column_dup_text (stmt, 0));
    }
}

static gboolean
discard_failed_ops_job (Worker               *self,
                        Job                  *job,
                        GError              **error)
{
  gint64 scope = job->request->scope_id;
  g_autoptr(CachedStmt) find = NULL;
  g_autoptr(CachedStmt) drop = NULL;
  g_autoptr(CachedStmt) forget = NULL;
  g_autoptr(GPtrArray) ids = NULL;

  find = stmt_get (self, "SELECT DISTINCT record_id FROM pending_ops "
                         "WHERE scope = ?1 AND state = 'failed'", error);
  drop = stmt_get (self, "DELETE FROM pending_ops WHERE scope = ?1 AND state = 'failed'", error);
  /* With no change left to push, the row must come back from the server:
   * forgetting its base makes the next reconcile replace it. */
  forget = stmt_get (self, "UPDATE records SET local_changes = ?3, "
                           "base = iif (?3 = 0, NULL, base) WHERE scope = ?1 AND id = ?2", error);
  if (find == NULL || drop == NULL || forget == NULL)
    return FALSE;

  sqlite3_bind_int64 (find, 1, scope);
  if ((ids = collect_strings (self, find, error)) == NULL)
    return FALSE;

  sqlite3_bind_int64 (drop, 1, scope);
  if (!stmt_run (self, drop, error))
    return FALSE;
  job->count = sqlite3_changes (self->db);

  for (guint i = 0; i < ids->len; i++)
    {
      const char *id = g_ptr_array_index (ids, i);
      gint64 remaining;

      if (!ops_count (self, scope, id, &remaining, error))
        return FALSE;
      sqlite3_bind_int64 (forget, 1, scope);
      bind_text (forget, 2, id);
      sqlite3_bind_int64 (forget, 3, remaining);
      if (!stmt_run (self, forget, error))
        return FALSE;
      sqlite3_reset (forget);
    }
  return TRUE;
}

static gboolean
prune_missing_job (Worker               *self,
                   Job                  *job,
                   GError              **error)
{
  gint64 scope = job->request->scope_id;
  g_autoptr(CachedStmt) find = NULL;
  g_autoptr(CachedStmt) drop = NULL;
  g_autoptr(JustSyncApplyResult) result = just_sync_apply_result_new ();
  g_autoptr(GPtrArray) doomed = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GArray) was_deleted = g_array_new (FALSE, FALSE, sizeof (gboolean));
  gboolean has_row;

  find = stmt_get (self, "SELECT id, deleted_at FROM records "
                         "WHERE scope = ?1 AND local_changes = 0", error);
  drop = stmt_get (self, "DELETE FROM records WHERE scope = ?1 AND id = ?2", error);
  if (find == NULL || drop == NULL)
    return FALSE;

  sqlite3_bind_int64 (find, 1, scope);
  for (;;)
    {
      const char *id;
      gboolean deleted;

      if (!stmt_step (self, find, &has_row, error))
        return FALSE;
      if (!has_row)
        break;
      id = (const char *) sqlite3_column_text (find, 0);
      if (id == NULL || g_hash_table_contains (job->request->keep, id))
        continue;
      deleted = sqlite3_column_int64 (find, 1) != 0;
      g_ptr_array_add (doomed, g_strdup (id));
      g_array_append_val (was_deleted, deleted);
    }

  for (guint i = 0; i < doomed->len; i++)
    {
      const char *id = g_ptr_array_index (doomed, i);

      sqlite3_bind_int64 (drop, 1, scope);
      bind_text (drop, 2, id);
      if (!stmt_run (self, drop, error))
        return FALSE;
      sqlite3_reset (drop);
      /* A row the server never had but with no op either can only be a
       * discarded change: the server has no copy, so it goes too. */
      just_sync_apply_result_add (result, id, g_array_index (was_deleted, gboolean, i)
                                              ? JUST_SYNC_APPLY_SKIPPED
                                              : JUST_SYNC_APPLY_DELETED);
    }

  job->changed_ids = just_sync_apply_result_dup_changed_ids (result);
  job->count = doomed->len;
  return TRUE;
}

/* Cache eviction */

static gboolean
evict_job (Worker               *self,
           Job                  *job,
           GError              **error)
{
  Request *request = job->request;
  g_autoptr(CachedStmt) drop = NULL;
  g_autoptr(CachedStmt) mark = NULL;
  g_autoptr(JustSyncApplyResult) result = just_sync_apply_result_new ();

  drop = stmt_get (self, "DELETE FROM records WHERE scope = ?1 AND id = ?2 "
                         "AND local_changes = 0 AND deleted_at = 0", error);
  mark = stmt_get (self, "INSERT OR REPLACE INTO evicted (scope, id, evicted_at) "
                         "VALUES (?1, ?2, ?3)", error);
  if (drop == NULL || mark == NULL)
    return FALSE;

  for (guint i = 0; request->ids[i] != NULL; i++)
    {
      sqlite3_bind_int64 (drop, 1, request->scope_id);
      bind_text (drop, 2, request->ids[i]);
      if (!stmt_run (self, drop, error))
        return FALSE;
      sqlite3_reset (drop);
      if (sqlite3_changes (self->db) == 0)
        continue;

      sqlite3_bind_int64 (mark, 1, request->scope_id);
      bind_text (mark, 2, request->ids[i]);
      sqlite3_bind_int64 (mark, 3, request->time);
      if (!stmt_run (self, mark, error))
        return FALSE;
      sqlite3_reset (mark);
      just_sync_apply_result_add (result, request->ids[i], JUST_SYNC_APPLY_DELETED);
    }

  job->changed_ids = just_sync_apply_result_dup_changed_ids (result);
  job->count = just_sync_apply_result_get_count (result, JUST_SYNC_APPLY_DELETED);
  return TRUE;
}

static gboolean
list_evicted_job (Worker               *self,
                  Job                  *job,
                  GError              **error)
{
  Request *request = job->request;
  g_autoptr(CachedStmt) forget = NULL;
  g_autoptr(CachedStmt) list = NULL;
  g_autoptr(GStrvBuilder) ids = g_strv_builder_new ();
  gboolean has_row;

  forget = stmt_get (self, "DELETE FROM evicted WHERE scope = ?1 AND evicted_at < ?2", error);
  list = stmt_get (self, "SELECT id FROM evicted e WHERE scope = ?1 AND NOT EXISTS "
                         "(SELECT 1 FROM records r WHERE r.scope = e.scope AND r.id = e.id) "
                         "ORDER BY id", error);
  if (forget == NULL || list == NULL)
    return FALSE;

  sqlite3_bind_int64 (forget, 1, request->scope_id);
  sqlite3_bind_int64 (forget, 2, request->time);
  if (!stmt_run (self, forget, error))
    return FALSE;

  sqlite3_bind_int64 (list, 1, request->scope_id);
  for (;;)
    {
      if (!stmt_step (self, list, &has_row, error))
        return FALSE;
      if (!has_row)
        break;
      g_strv_builder_add (ids, (const char *) sqlite3_column_text (list, 0));
    }

  job_set_pointer (job, g_strv_builder_end (ids), (GDestroyNotify) g_strfreev);
  return TRUE;
}

static gboolean
mark_ops_sent_job (Worker               *self,
                   Job                  *job,
                   GError              **error)
{
  g_autoptr(CachedStmt) stmt = NULL;
  GArray *seqs = job->request->seqs;

  stmt = stmt_get (self, "UPDATE pending_ops SET attempts = attempts + 1 "
                         "WHERE scope = ?1 AND seq = ?2", error);
  if (stmt == NULL)
    return FALSE;
  for (guint i = 0; i < seqs->len; i++)
    {
      sqlite3_bind_int64 (stmt, 1, job->request->scope_id);
      sqlite3_bind_int64 (stmt, 2, g_array_index (seqs, gint64, i));
      if (!stmt_run (self, stmt, error))
        return FALSE;
      sqlite3_reset (stmt);
    }
  return TRUE;
}

static gboolean
purge_tombstones_job (Worker               *self,
                      Job                  *job,
                      GError              **error)
{
  g_autoptr(CachedStmt) stmt = NULL;

  stmt = stmt_get (self, "DELETE FROM records WHERE scope = ?1 AND deleted_at != 0 "
                         "AND deleted_at < ?2 AND local_changes = 0", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, job->request->scope_id);
  sqlite3_bind_int64 (stmt, 2, job->request->time);
  if (!stmt_run (self, stmt, error))
    return FALSE;
  job->count = sqlite3_changes (self->db);
  return TRUE;
}

static gboolean
list_damaged_job (Worker               *self,
                  Job                  *job,
                  GError              **error)
{
  g_autoptr(CachedStmt) stmt = NULL;
  GVariantBuilder rows;
  gboolean has_row;

  stmt = stmt_get (self, "SELECT record_id, what, payload, reason, found_at FROM damaged "
                         "WHERE scope = ?1 ORDER BY id", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, job->request->scope_id);

  g_variant_builder_init (&rows, G_VARIANT_TYPE ("a(ssssx)"));
  for (;;)
    {
      char *texts[4];

      if (!stmt_step (self, stmt, &has_row, error))
        {
          g_variant_builder_clear (&rows);
          return FALSE;
        }
      if (!has_row)
        break;
      /* What cannot be read may not even be UTF-8. */
      for (int i = 0; i < 4; i++)
        {
          const char *text = (const char *) sqlite3_column_text (stmt, i);

          texts[i] = g_utf8_make_valid (text != NULL ? text : "", -1);
        }
      g_variant_builder_add (&rows, "(ssssx)", texts[0], texts[1], texts[2], texts[3],
                             sqlite3_column_int64 (stmt, 4));
      for (int i = 0; i < 4; i++)
        g_clear_pointer (&texts[i], g_free);
    }

  job_set_pointer (job, g_variant_ref_sink (g_variant_builder_end (&rows)),
                   (GDestroyNotify) g_variant_unref);
  return TRUE;
}

static gboolean
delete_damaged_job (Worker               *self,
                    Job                  *job,
                    GError              **error)
{
  g_autoptr(CachedStmt) stmt = stmt_get (self, "DELETE FROM damaged WHERE scope = ?1", error);

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, job->request->scope_id);
  if (!stmt_run (self, stmt, error))
    return FALSE;
  job->count = sqlite3_changes (self->db);
  return TRUE;
}

static gboolean
run_sql_job (Worker               *self,
             Job                  *job,
             GError              **error)
{
  g_autoptr(GPtrArray) rows = g_ptr_array_new_with_free_func (g_free);
  sqlite3_stmt *stmt = NULL;
  gboolean has_row;
  gboolean ok;
  int rc;

  rc = sqlite3_prepare_v2 (self->db, job->request->sql, -1, &stmt, NULL);
  if (rc != SQLITE_OK)
    return set_db_error (self, rc, error);

  while ((ok = stmt_step (self, stmt, &has_row, error)) && has_row)
    {
      GString *line = g_string_new (NULL);

      for (int i = 0; i < sqlite3_column_count (stmt); i++)
        {
          const char *text = (const char *) sqlite3_column_text (stmt, i);

          if (i > 0)
            g_string_append_c (line, '|');
          g_string_append (line, text != NULL ? text : "");
        }
      g_ptr_array_add (rows, g_string_free (line, FALSE));
    }
  sqlite3_finalize (stmt);

  if (ok)
    job_set_pointer (job, g_steal_pointer (&rows), (GDestroyNotify) g_ptr_array_unref);
  return ok;
}

/* JustSyncLocalStore */

#define QUEUE(self, func, write, kind, request, source_tag) \
  queue_job (self, func, write, kind, request, cancellable, callback, user_data, source_tag)

static void
just_sync_sqlite_store_query_async (JustSyncLocalStore  *store,
                                    JustSyncScope       *scope,
                                    GCancellable        *cancellable,
                                    GAsyncReadyCallback  callback,
                                    gpointer             user_data)
{
  Request *request = request_new (scope);

  request->time = -1;
  QUEUE (JUST_SYNC_SQLITE_STORE (store), query_job, FALSE, RESULT_POINTER, request,
         just_sync_sqlite_store_query_async);
}

/* Each finish checks that @result came from its own start: the result of
 * another method would hand back another type. */
static gpointer
propagate_pointer (gpointer       self,
                   GAsyncResult  *result,
                   gpointer       source_tag,
                   GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_async_result_is_tagged (result, source_tag), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

static gboolean
propagate_boolean (gpointer       self,
                   GAsyncResult  *result,
                   gpointer       source_tag,
                   GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_async_result_is_tagged (result, source_tag), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

static guint
propagate_count (gpointer       self,
                 GAsyncResult  *result,
                 gpointer       source_tag,
                 GError       **error)
{
  gssize count;

  g_return_val_if_fail (g_task_is_valid (result, self), 0);
  g_return_val_if_fail (g_async_result_is_tagged (result, source_tag), 0);

  count = g_task_propagate_int (G_TASK (result), error);
  return (guint) MAX (count, 0);
}

static void
just_sync_sqlite_store_query_since_async (JustSyncLocalStore  *store,
                                          JustSyncScope       *scope,
                                          gint64               since,
                                          GCancellable        *cancellable,
                                          GAsyncReadyCallback  callback,
                                          gpointer             user_data)
{
  Request *request = request_new (scope);

  request->time = since;
  QUEUE (JUST_SYNC_SQLITE_STORE (store), query_job, FALSE, RESULT_POINTER, request,
         just_sync_sqlite_store_query_since_async);
}

static void
just_sync_sqlite_store_query_page_async (JustSyncLocalStore  *store,
                                         JustSyncScope       *scope,
                                         guint                offset,
                                         guint                limit,
                                         GCancellable        *cancellable,
                                         GAsyncReadyCallback  callback,
                                         gpointer             user_data)
{
  Request *request = request_new (scope);

  request->offset = offset;
  /* SQLite's LIMIT -1: no limit. */
  request->limit = limit > 0 ? (gint64) limit : -1;
  QUEUE (JUST_SYNC_SQLITE_STORE (store), query_page_job, FALSE, RESULT_POINTER, request,
         just_sync_sqlite_store_query_page_async);
}

static GPtrArray *
just_sync_sqlite_store_query_page_finish (JustSyncLocalStore  *store,
                                          GAsyncResult        *result,
                                          guint               *out_total,
                                          GError             **error)
{
  JustSyncRecordPage *page;

  page = propagate_pointer (store, result, just_sync_sqlite_store_query_page_async, error);
  return page != NULL ? _just_sync_record_page_steal (page, out_total) : NULL;
}

static void
just_sync_sqlite_store_get_async (JustSyncLocalStore  *store,
                                  JustSyncScope       *scope,
                                  const char          *id,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  Request *request = request_new (scope);

  request->id = g_strdup (id);
  QUEUE (JUST_SYNC_SQLITE_STORE (store), get_job, FALSE, RESULT_POINTER, request,
         just_sync_sqlite_store_get_async);
}

static void
just_sync_sqlite_store_upsert_many_async (JustSyncLocalStore  *store,
                                          JustSyncScope       *scope,
                                          GPtrArray           *records,
                                          GCancellable        *cancellable,
                                          GAsyncReadyCallback  callback,
                                          gpointer             user_data)
{
  Request *request;

  for (guint i = 0; i < records->len; i++)
    if (just_sync_record_is_deleted (g_ptr_array_index (records, i)))
      {
        g_task_report_new_error (store, callback, user_data,
                                 just_sync_sqlite_store_upsert_many_async,
                                 JUST_SYNC_ERROR, JUST_SYNC_ERROR_INVALID_ARGUMENT,
                                 _("Write a tombstone with a delete, not an upsert"));
        return;
      }

  request = request_new (scope);
  request->kind = JUST_SYNC_OP_UPSERT;
  for (guint i = 0; i < records->len; i++)
    g_ptr_array_add (request->inputs, input_new (g_ptr_array_index (records, i), FALSE));
  QUEUE (JUST_SYNC_SQLITE_STORE (store), app_write_job, TRUE, RESULT_POINTER, request,
         just_sync_sqlite_store_upsert_many_async);
}

static void
just_sync_sqlite_store_patch_async (JustSyncLocalStore  *store,
                                    JustSyncScope       *scope,
                                    JustSyncRecord      *record,
                                    const char * const  *fields,
                                    GCancellable        *cancellable,
                                    GAsyncReadyCallback  callback,
                                    gpointer             user_data)
{
  Request *request;

  if (just_sync_record_is_deleted (record))
    {
      g_task_report_new_error (store, callback, user_data, just_sync_sqlite_store_patch_async,
                               JUST_SYNC_ERROR, JUST_SYNC_ERROR_INVALID_ARGUMENT,
                               _("Write a tombstone with a delete, not an upsert"));
      return;
    }

  request = request_new (scope);
  request->kind = JUST_SYNC_OP_UPSERT;
  request->fields = g_strdupv ((GStrv) fields);
  request->fields_json = _just_sync_pending_op_fields_to_json (fields);
  g_ptr_array_add (request->inputs, input_new (record, FALSE));
  QUEUE (JUST_SYNC_SQLITE_STORE (store), app_write_job, TRUE, RESULT_POINTER, request,
         just_sync_sqlite_store_patch_async);
}

static JustSyncPendingOp *
just_sync_sqlite_store_patch_finish (JustSyncLocalStore  *store,
                                     GAsyncResult        *result,
                                     GError             **error)
{
  g_autoptr(GPtrArray) ops = propagate_pointer (store, result, just_sync_sqlite_store_patch_async,
                                                 error);

  return ops != NULL ? just_sync_pending_op_ref (g_ptr_array_index (ops, 0)) : NULL;
}

static void
just_sync_sqlite_store_delete_many_async (JustSyncLocalStore  *store,
                                          JustSyncScope       *scope,
                                          const char * const  *ids,
                                          gint64               deleted_at,
                                          GCancellable        *cancellable,
                                          GAsyncReadyCallback  callback,
                                          gpointer             user_data)
{
  Request *request = request_new (scope);

  request->kind = JUST_SYNC_OP_DELETE;
  /* Every id is checked before anything is written: all or nothing. */
  for (guint i = 0; ids[i] != NULL; i++)
    {
      GError *error = NULL;
      g_autoptr(JustSyncRecord) tombstone = NULL;

      tombstone = just_sync_record_new_tombstone (ids[i], deleted_at, &error);

      if (tombstone == NULL)
        {
          request_free (request);
          g_task_report_error (store, callback, user_data, just_sync_sqlite_store_delete_many_async,
                               error);
          return;
        }
      g_ptr_array_add (request->inputs, input_new (tombstone, FALSE));
    }
  QUEUE (JUST_SYNC_SQLITE_STORE (store), app_write_job, TRUE, RESULT_POINTER, request,
         just_sync_sqlite_store_delete_many_async);
}

static void
just_sync_sqlite_store_list_pending_ops_async (JustSyncLocalStore  *store,
                                               JustSyncScope       *scope,
                                               GCancellable        *cancellable,
                                               GAsyncReadyCallback  callback,
                                               gpointer             user_data)
{
  QUEUE (JUST_SYNC_SQLITE_STORE (store), list_ops_job, FALSE, RESULT_POINTER, request_new (scope),
         just_sync_sqlite_store_list_pending_ops_async);
}

static void
just_sync_sqlite_store_count_pending_ops_async (JustSyncLocalStore  *store,
                                                JustSyncScope       *scope,
                                                JustSyncOpState      state,
                                                GCancellable        *cancellable,
                                                GAsyncReadyCallback  callback,
                                                gpointer             user_data)
{
  Request *request = request_new (scope);

  request->state = state;
  QUEUE (JUST_SYNC_SQLITE_STORE (store), count_ops_job, FALSE, RESULT_INT, request,
         just_sync_sqlite_store_count_pending_ops_async);
}

static void
just_sync_sqlite_store_apply_remote_changes_async (JustSyncLocalStore       *store,
                                                   JustSyncScope            *scope,
                                                   JustSyncDelta            *delta,
                                                   JustSyncConflictResolver *resolver,
                                                   GCancellable             *cancellable,
                                                   GAsyncReadyCallback       callback,
                                                   gpointer                  user_data)
{
  Request *request = request_new (scope);
  GPtrArray *records = just_sync_delta_get_records (delta);

  for (guint i = 0; i < records->len; i++)
    g_ptr_array_add (request->inputs, input_new (g_ptr_array_index (records, i), TRUE));
  request->resolver = g_object_ref (resolver);
  request->sync_point = just_sync_delta_dup_cursor (delta);
  QUEUE (JUST_SYNC_SQLITE_STORE (store), apply_remote_changes_job, TRUE, RESULT_POINTER, request,
         just_sync_sqlite_store_apply_remote_changes_async);
}

static void
just_sync_sqlite_store_commit_push_results_async (JustSyncLocalStore  *store,
                                                  JustSyncScope       *scope,
                                                  GPtrArray           *results,
                                                  GCancellable        *cancellable,
                                                  GAsyncReadyCallback  callback,
                                                  gpointer             user_data)
{
  Request *request = request_new (scope);

  for (guint i = 0; i < results->len; i++)
    {
      JustSyncPushResult *push = g_ptr_array_index (results, i);
      JustSyncRecord *reply = just_sync_push_result_get_reply (push);
      Input *input;

      if (just_sync_push_result_get_status (push) == JUST_SYNC_PUSH_WRITTEN && reply != NULL)
        input = input_new (reply, TRUE);
      else
        input = g_new0 (Input, 1);
      input->push = just_sync_push_result_ref (push);
      g_ptr_array_add (request->inputs, input);
    }
  QUEUE (JUST_SYNC_SQLITE_STORE (store), commit_push_results_job, TRUE, RESULT_POINTER, request,
         just_sync_sqlite_store_commit_push_results_async);
}

static void
just_sync_sqlite_store_get_sync_point_async (JustSyncLocalStore  *store,
                                             JustSyncScope       *scope,
                                             GCancellable        *cancellable,
                                             GAsyncReadyCallback  callback,
                                             gpointer             user_data)
{
  QUEUE (JUST_SYNC_SQLITE_STORE (store), get_sync_point_job, FALSE, RESULT_POINTER,
         request_new (scope), just_sync_sqlite_store_get_sync_point_async);
}

static void
just_sync_sqlite_store_save_sync_point_async (JustSyncLocalStore  *store,
                                              JustSyncScope       *scope,
                                              JustSyncSyncPoint   *sync_point,
                                              GCancellable        *cancellable,
                                              GAsyncReadyCallback  callback,
                                              gpointer             user_data)
{
  Request *request = request_new (scope);

  if (sync_point != NULL)
    request->sync_point = just_sync_sync_point_ref (sync_point);
  QUEUE (JUST_SYNC_SQLITE_STORE (store), save_sync_point_job, TRUE, RESULT_BOOLEAN, request,
         just_sync_sqlite_store_save_sync_point_async);
}

static void
just_sync_sqlite_store_list_conflicts_async (JustSyncLocalStore  *store,
                                             JustSyncScope       *scope,
                                             GCancellable        *cancellable,
                                             GAsyncReadyCallback  callback,
                                             gpointer             user_data)
{
  QUEUE (JUST_SYNC_SQLITE_STORE (store), list_conflicts_job, FALSE, RESULT_POINTER,
         request_new (scope), just_sync_sqlite_store_list_conflicts_async);
}

static void
just_sync_sqlite_store_retry_failed_ops_async (JustSyncLocalStore  *store,
                                               JustSyncScope       *scope,
                                               GCancellable        *cancellable,
                                               GAsyncReadyCallback  callback,
                                               gpointer             user_data)
{
  QUEUE (JUST_SYNC_SQLITE_STORE (store), retry_failed_ops_job, TRUE, RESULT_INT,
         request_new (scope), just_sync_sqlite_store_retry_failed_ops_async);
}

static void
just_sync_sqlite_store_discard_failed_ops_async (JustSyncLocalStore  *store,
                                                 JustSyncScope       *scope,
                                                 GCancellable        *cancellable,
                                                 GAsyncReadyCallback  callback,
                                                 gpointer             user_data)
{
  QUEUE (JUST_SYNC_SQLITE_STORE (store), discard_failed_ops_job, TRUE, RESULT_INT,
         request_new (scope), just_sync_sqlite_store_discard_failed_ops_async);
}

static void
just_sync_sqlite_store_prune_missing_async (JustSyncLocalStore  *store,
                                            JustSyncScope       *scope,
                                            const char * const  *keep_ids,
                                            GCancellable        *cancellable,
                                            GAsyncReadyCallback  callback,
                                            gpointer             user_data)
{
  Request *request = request_new (scope);

  request->keep = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  for (guint i = 0; keep_ids[i] != NULL; i++)
    g_hash_table_add (request->keep, g_strdup (keep_ids[i]));
  QUEUE (JUST_SYNC_SQLITE_STORE (store), prune_missing_job, TRUE, RESULT_INT, request,
         just_sync_sqlite_store_prune_missing_async);
}

static void
just_sync_sqlite_store_mark_ops_sent_async (JustSyncLocalStore  *store,
                                            JustSyncScope       *scope,
                                            GPtrArray           *ops,
                                            GCancellable        *cancellable,
                                            GAsyncReadyCallback  callback,
                                            gpointer             user_data)
{
  Request *request = request_new (scope);

  request->seqs = g_array_sized_new (FALSE, FALSE, sizeof (gint64), ops->len);
  for (guint i = 0; i < ops->len; i++)
    {
      gint64 seq = just_sync_pending_op_get_seq (g_ptr_array_index (ops, i));

      g_array_append_val (request->seqs, seq);
    }
  QUEUE (JUST_SYNC_SQLITE_STORE (store), mark_ops_sent_job, TRUE, RESULT_BOOLEAN, request,
         just_sync_sqlite_store_mark_ops_sent_async);
}

static void
just_sync_sqlite_store_evict_async (JustSyncLocalStore  *store,
                                    JustSyncScope       *scope,
                                    const char * const  *ids,
                                    gint64               evicted_at,
                                    GCancellable        *cancellable,
                                    GAsyncReadyCallback  callback,
                                    gpointer             user_data)
{
  Request *request = request_new (scope);

  request->ids = g_strdupv ((GStrv) ids);
  request->time = evicted_at;
  QUEUE (JUST_SYNC_SQLITE_STORE (store), evict_job, TRUE, RESULT_INT, request,
         just_sync_sqlite_store_evict_async);
}

static void
just_sync_sqlite_store_list_evicted_async (JustSyncLocalStore  *store,
                                           JustSyncScope       *scope,
                                           gint64               forget_before,
                                           GCancellable        *cancellable,
                                           GAsyncReadyCallback  callback,
                                           gpointer             user_data)
{
  Request *request = request_new (scope);

  request->time = forget_before;
  QUEUE (JUST_SYNC_SQLITE_STORE (store), list_evicted_job, TRUE, RESULT_POINTER, request,
         just_sync_sqlite_store_list_evicted_async);
}

#define DEFINE_FINISH(method, type, propagate) \
  static type \
  just_sync_sqlite_store_##method##_finish (JustSyncLocalStore  *store, \
                                            GAsyncResult        *result, \
                                            GError             **error) \
  { \
    return propagate (store, result, just_sync_sqlite_store_##method##_async, error); \
  }

DEFINE_FINISH (query, GPtrArray *, propagate_pointer)
DEFINE_FINISH (query_since, GPtrArray *, propagate_pointer)
DEFINE_FINISH (get, JustSyncRecord *, propagate_pointer)
DEFINE_FINISH (upsert_many, GPtrArray *, propagate_pointer)
DEFINE_FINISH (delete_many, GPtrArray *, propagate_pointer)
DEFINE_FINISH (list_pending_ops, GPtrArray *, propagate_pointer)
DEFINE_FINISH (count_pending_ops, guint, propagate_count)
DEFINE_FINISH (apply_remote_changes, JustSyncApplyResult *, propagate_pointer)
DEFINE_FINISH (commit_push_results, JustSyncApplyResult *, propagate_pointer)
DEFINE_FINISH (get_sync_point, JustSyncSyncPoint *, propagate_pointer)
DEFINE_FINISH (save_sync_point, gboolean, propagate_boolean)
DEFINE_FINISH (list_conflicts, GPtrArray *, propagate_pointer)
DEFINE_FINISH (retry_failed_ops, guint, propagate_count)
DEFINE_FINISH (discard_failed_ops, guint, propagate_count)
DEFINE_FINISH (prune_missing, guint, propagate_count)
DEFINE_FINISH (mark_ops_sent, gboolean, propagate_boolean)
DEFINE_FINISH (evict, guint, propagate_count)
DEFINE_FINISH (list_evicted, GStrv, propagate_pointer)

#undef DEFINE_FINISH

static void       sqlite_store_run_query_async  (JustSyncLocalStore   *store,
                                                 JustSyncQuery        *query,
                                                 const char * const   *ids,
                                                 GCancellable         *cancellable,
                                                 GAsyncReadyCallback   callback,
                                                 gpointer              user_data);
static GPtrArray *sqlite_store_run_query_finish (JustSyncLocalStore   *store,
                                                 GAsyncResult         *result,
                                                 GError              **error);

static void
local_store_iface_init (JustSyncLocalStoreInterface *iface)
{
  iface->query_async = just_sync_sqlite_store_query_async;
  iface->query_finish = just_sync_sqlite_store_query_finish;
  iface->query_since_async = just_sync_sqlite_store_query_since_async;
  iface->query_since_finish = just_sync_sqlite_store_query_since_finish;
  iface->get_async = just_sync_sqlite_store_get_async;
  iface->get_finish = just_sync_sqlite_store_get_finish;
  iface->upsert_many_async = just_sync_sqlite_store_upsert_many_async;
  iface->patch_async = just_sync_sqlite_store_patch_async;
  iface->patch_finish = just_sync_sqlite_store_patch_finish;
  iface->upsert_many_finish = just_sync_sqlite_store_upsert_many_finish;
  iface->delete_many_async = just_sync_sqlite_store_delete_many_async;
  iface->delete_many_finish = just_sync_sqlite_store_delete_many_finish;
  iface->list_pending_ops_async = just_sync_sqlite_store_list_pending_ops_async;
  iface->list_pending_ops_finish = just_sync_sqlite_store_list_pending_ops_finish;
  iface->count_pending_ops_async = just_sync_sqlite_store_count_pending_ops_async;
  iface->count_pending_ops_finish = just_sync_sqlite_store_count_pending_ops_finish;
  iface->apply_remote_changes_async = just_sync_sqlite_store_apply_remote_changes_async;
  iface->apply_remote_changes_finish = just_sync_sqlite_store_apply_remote_changes_finish;
  iface->commit_push_results_async = just_sync_sqlite_store_commit_push_results_async;
  iface->commit_push_results_finish = just_sync_sqlite_store_commit_push_results_finish;
  iface->get_sync_point_async = just_sync_sqlite_store_get_sync_point_async;
  iface->get_sync_point_finish = just_sync_sqlite_store_get_sync_point_finish;
  iface->save_sync_point_async = just_sync_sqlite_store_save_sync_point_async;
  iface->save_sync_point_finish = just_sync_sqlite_store_save_sync_point_finish;
  iface->list_conflicts_async = just_sync_sqlite_store_list_conflicts_async;
  iface->list_conflicts_finish = just_sync_sqlite_store_list_conflicts_finish;
  iface->retry_failed_ops_async = just_sync_sqlite_store_retry_failed_ops_async;
  iface->retry_failed_ops_finish = just_sync_sqlite_store_retry_failed_ops_finish;
  iface->discard_failed_ops_async = just_sync_sqlite_store_discard_failed_ops_async;
  iface->discard_failed_ops_finish = just_sync_sqlite_store_discard_failed_ops_finish;
  iface->prune_missing_async = just_sync_sqlite_store_prune_missing_async;
  iface->prune_missing_finish = just_sync_sqlite_store_prune_missing_finish;
  iface->mark_ops_sent_async = just_sync_sqlite_store_mark_ops_sent_async;
  iface->mark_ops_sent_finish = just_sync_sqlite_store_mark_ops_sent_finish;
  iface->run_query_async = sqlite_store_run_query_async;
  iface->run_query_finish = sqlite_store_run_query_finish;
  iface->query_page_async = just_sync_sqlite_store_query_page_async;
  iface->query_page_finish = just_sync_sqlite_store_query_page_finish;
  iface->evict_async = just_sync_sqlite_store_evict_async;
  iface->evict_finish = just_sync_sqlite_store_evict_finish;
  iface->list_evicted_async = just_sync_sqlite_store_list_evicted_async;
  iface->list_evicted_finish = just_sync_sqlite_store_list_evicted_finish;
}

/* GInitable and GAsyncInitable: opening runs on the worker. */

static gboolean
just_sync_sqlite_store_initable_init (GInitable     *initable,
                                      GCancellable  *cancellable,
                                      GError       **error)
{
  JustSyncSqliteStore *self = JUST_SYNC_SQLITE_STORE (initable);
  Job *job;
  gboolean ok;

  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return FALSE;

  job = job_new (open_database, FALSE, NULL);
  ok = run_job_sync (self, job, error);
  job_free (job);
  return ok;
}

static void
initable_iface_init (GInitableIface *iface)
{
  iface->init = just_sync_sqlite_store_initable_init;
}

static void
just_sync_sqlite_store_init_async (GAsyncInitable      *initable,
                                   int                  io_priority,
                                   GCancellable        *cancellable,
                                   GAsyncReadyCallback  callback,
                                   gpointer             user_data)
{
  queue_job (JUST_SYNC_SQLITE_STORE (initable), open_database, FALSE, RESULT_BOOLEAN, NULL,
             cancellable, callback, user_data, just_sync_sqlite_store_init_async);
}

static gboolean
just_sync_sqlite_store_init_finish (GAsyncInitable  *initable,
                                    GAsyncResult    *result,
                                    GError         **error)
{
  return propagate_boolean (initable, result, just_sync_sqlite_store_init_async, error);
}

static void
async_initable_iface_init (GAsyncInitableIface *iface)
{
  iface->init_async = just_sync_sqlite_store_init_async;
  iface->init_finish = just_sync_sqlite_store_init_finish;
}

/* GObject */

static void
just_sync_sqlite_store_constructed (GObject *object)
{
  JustSyncSqliteStore *self = (JustSyncSqliteStore *) object;
  Worker *worker = g_new0 (Worker, 1);

  G_OBJECT_CLASS (just_sync_sqlite_store_parent_class)->constructed (object);

  if (self->path == NULL)
    self->path = default_path ();
  self->main_context = g_main_context_ref_thread_default ();
  self->jobs = g_async_queue_new ();

  worker->path = g_strdup (self->path);
  worker->durable = self->durable;
  worker->jobs = g_async_queue_ref (self->jobs);
  worker->statements = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, stmt_finalize);
  worker->scope_ids = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->thread = g_thread_new ("justsync-sqlite", worker_main, worker);
}

static void
just_sync_sqlite_store_finalize (GObject *object)
{
  JustSyncSqliteStore *self = (JustSyncSqliteStore *) object;

  /* Every job holds a reference through its task: the queue is empty
   * but for this stop. The worker closes the database on its own. */
  g_async_queue_push (self->jobs, job_new (NULL, FALSE, NULL));
  g_thread_unref (self->thread);
  g_async_queue_unref (self->jobs);
  g_main_context_unref (self->main_context);
  g_free (self->path);

  G_OBJECT_CLASS (just_sync_sqlite_store_parent_class)->finalize (object);
}

static void
just_sync_sqlite_store_get_property (GObject    *object,
                                     guint       prop_id,
                                     GValue     *value,
                                     GParamSpec *pspec)
{
  JustSyncSqliteStore *self = JUST_SYNC_SQLITE_STORE (object);

  switch (prop_id)
    {
    case PROP_PATH:
      g_value_set_string (value, self->path);
      break;

    case PROP_DURABLE:
      g_value_set_boolean (value, self->durable);
      break;

    case PROP_SUPPORTS_SOFT_DELETE:
      g_value_set_boolean (value, TRUE);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
just_sync_sqlite_store_set_property (GObject      *object,
                                     guint         prop_id,
                                     const GValue *value,
                                     GParamSpec   *pspec)
{
  JustSyncSqliteStore *self = JUST_SYNC_SQLITE_STORE (object);

  switch (prop_id)
    {
    case PROP_PATH:
      self->path = g_value_dup_string (value);
      break;

    case PROP_DURABLE:
      self->durable = g_value_get_boolean (value);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
just_sync_sqlite_store_class_init (JustSyncSqliteStoreClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->constructed = just_sync_sqlite_store_constructed;
  object_class->finalize = just_sync_sqlite_store_finalize;
  object_class->get_property = just_sync_sqlite_store_get_property;
  object_class->set_property = just_sync_sqlite_store_set_property;

  /**
   * JustSyncSqliteStore:path:
   *
   * The database file. When %NULL at construction, a file named after the
   * program in `$XDG_DATA_HOME/justsync/`; the folder is created if needed.
   */
  properties[PROP_PATH] =
    g_param_spec_string ("path", NULL, NULL,
                         NULL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS |
                         G_PARAM_EXPLICIT_NOTIFY);

  /**
   * JustSyncSqliteStore:durable:
   *
   * Whether every commit is flushed to the disk before it completes
   * (`synchronous=FULL`). Without it (`synchronous=NORMAL`) a commit
   * survives a crash of the program but may be lost with the last few if
   * the whole system loses power; the database stays consistent either way.
   */
  properties[PROP_DURABLE] =
    g_param_spec_boolean ("durable", NULL, NULL,
                          FALSE,
                          G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS |
                          G_PARAM_EXPLICIT_NOTIFY);

  g_object_class_install_properties (object_class, PROP_SUPPORTS_SOFT_DELETE, properties);

  /**
   * JustSyncSqliteStore::rows-damaged:
   * @self: the store
   * @scope: the scope the rows belonged to
   * @n_rows: how many rows were moved aside
   *
   * Emitted, on the main context of the thread that created the store,
   * when a query or a listing of pending operations found rows of @scope
   * it could no longer read: written by an older version, damaged on the
   * disk, edited by hand. They were moved aside, and the scope reads and
   * syncs on without them;
   * [method@JustSync.SqliteStore.list_damaged_async] lists them and
   * [method@JustSync.SqliteStore.delete_damaged_async] deletes them. A
   * pull that meets a damaged row moves it aside too, with no signal, and
   * writes the server's version in its place.
   */
  signals[ROWS_DAMAGED] =
    g_signal_new ("rows-damaged",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 2,
                  JUST_SYNC_TYPE_SCOPE | G_SIGNAL_TYPE_STATIC_SCOPE,
                  G_TYPE_UINT);
  g_object_class_override_property (object_class, PROP_SUPPORTS_SOFT_DELETE,
                                    "supports-soft-delete");
}

static void
just_sync_sqlite_store_init (JustSyncSqliteStore *self)
{
}

/* Public API */

/**
 * just_sync_sqlite_store_new_async:
 * @path: (nullable) (type filename): the database file, or %NULL for the
 *   default one of the program
 * @durable: whether every commit is flushed to the disk (see
 *   [property@JustSync.SqliteStore:durable])
 * @cancellable: (nullable): a #GCancellable
 * @callback: (scope async): called when the store is open
 * @user_data: data for @callback
 *
 * Opens (or creates) a store without blocking the calling thread: the file
 * is opened, checked and migrated to the current schema on the store's
 * worker thread.
 */
void
just_sync_sqlite_store_new_async (const char          *path,
                                  gboolean             durable,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  g_async_initable_new_async (JUST_SYNC_TYPE_SQLITE_STORE, G_PRIORITY_DEFAULT, cancellable,
                              callback, user_data,
                              "path", path,
                              "durable", durable,
                              NULL);
}

/**
 * just_sync_sqlite_store_new_finish:
 * @result: the #GAsyncResult passed to the callback
 * @error: return location for an error
 *
 * Finishes [func@JustSync.SqliteStore.new_async].
 *
 * Returns: (transfer full): the open store, or %NULL with
 *   %JUST_SYNC_ERROR_STORAGE when the file is not a SQLite database, is
 *   damaged, belongs to another program or has a newer schema (the file is
 *   then left untouched)
 */
JustSyncSqliteStore *
just_sync_sqlite_store_new_finish (GAsyncResult  *result,
                                   GError       **error)
{
  g_autoptr(GObject) source = NULL;
  GObject *object;

  g_return_val_if_fail (G_IS_ASYNC_RESULT (result), NULL);

  source = g_async_result_get_source_object (result);
  object = g_async_initable_new_finish (G_ASYNC_INITABLE (source), result, error);
  return object != NULL ? JUST_SYNC_SQLITE_STORE (object) : NULL;
}

/**
 * just_sync_sqlite_store_new_sync:
 * @path: (nullable) (type filename): the database file, or %NULL for the
 *   default one of the program
 * @durable: whether every commit is flushed to the disk
 * @cancellable: (nullable): a #GCancellable
 * @error: return location for an error
 *
 * Opens (or creates) a store, blocking until the file is open. Prefer
 * [func@JustSync.SqliteStore.new_async] in a UI thread.
 *
 * Returns: (transfer full): the open store, or %NULL with
 *   %JUST_SYNC_ERROR_STORAGE
 */
JustSyncSqliteStore *
just_sync_sqlite_store_new_sync (const char    *path,
                                 gboolean       durable,
                                 GCancellable  *cancellable,
                                 GError       **error)
{
  g_return_val_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable), NULL);

  return g_initable_new (JUST_SYNC_TYPE_SQLITE_STORE, cancellable, error,
                         "path", path,
                         "durable", durable,
                         NULL);
}

/**
 * just_sync_sqlite_store_get_path:
 * @self: a [class@JustSync.SqliteStore]
 *
 * Gets the value of [property@JustSync.SqliteStore:path].
 *
 * Returns: (type filename): the database file
 */
const char *
just_sync_sqlite_store_get_path (JustSyncSqliteStore *self)
{
  g_return_val_if_fail (JUST_SYNC_IS_SQLITE_STORE (self), NULL);

  return self->path;
}

/**
 * just_sync_sqlite_store_get_durable:
 * @self: a [class@JustSync.SqliteStore]
 *
 * Gets the value of [property@JustSync.SqliteStore:durable].
 *
 * Returns: whether every commit is flushed to the disk
 */
gboolean
just_sync_sqlite_store_get_durable (JustSyncSqliteStore *self)
{
  g_return_val_if_fail (JUST_SYNC_IS_SQLITE_STORE (self), FALSE);

  return self->durable;
}

/**
 * just_sync_sqlite_store_close_async:
 * @self: a [class@JustSync.SqliteStore]
 * @cancellable: (nullable): a #GCancellable
 * @callback: (scope async): called when the database is closed
 * @user_data: data for @callback
 *
 * Closes the database once the calls made before this one are done: the
 * write-ahead log is folded into the database file, and every later call
 * fails with %JUST_SYNC_ERROR_STORAGE.
 *
 * Dropping the last reference to a store closes it too, in the background;
 * close it explicitly when something else opens the file next.
 */
void
just_sync_sqlite_store_close_async (JustSyncSqliteStore *self,
                                    GCancellable        *cancellable,
                                    GAsyncReadyCallback  callback,
                                    gpointer             user_data)
{
  g_return_if_fail (JUST_SYNC_IS_SQLITE_STORE (self));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  QUEUE (self, close_database, FALSE, RESULT_BOOLEAN, NULL, just_sync_sqlite_store_close_async);
}

/**
 * just_sync_sqlite_store_close_finish:
 * @self: a [class@JustSync.SqliteStore]
 * @result: the #GAsyncResult passed to the callback
 * @error: return location for an error
 *
 * Finishes [method@JustSync.SqliteStore.close_async].
 *
 * Returns: %TRUE once the database is closed
 */
gboolean
just_sync_sqlite_store_close_finish (JustSyncSqliteStore  *self,
                                     GAsyncResult         *result,
                                     GError              **error)
{
  g_return_val_if_fail (JUST_SYNC_IS_SQLITE_STORE (self), FALSE);

  return propagate_boolean (self, result, just_sync_sqlite_store_close_async, error);
}

/**
 * just_sync_sqlite_store_count_async:
 * @self: a [class@JustSync.SqliteStore]
 * @scope: the scope
 * @cancellable: (nullable): a #GCancellable
 * @callback: (scope async): called when the operation completes
 * @user_data: data for @callback
 *
 * Counts the live (not deleted) records of @scope.
 */
void
just_sync_sqlite_store_count_async (JustSyncSqliteStore *self,
                                    JustSyncScope       *scope,
                                    GCancellable        *cancellable,
                                    GAsyncReadyCallback  callback,
                                    gpointer             user_data)
{
  g_return_if_fail (JUST_SYNC_IS_SQLITE_STORE (self));
  g_return_if_fail (scope != NULL);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  QUEUE (self, count_job, FALSE, RESULT_INT, request_new (scope),
         just_sync_sqlite_store_count_async);
}

/**
 * just_sync_sqlite_store_count_finish:
 * @self: a [class@JustSync.SqliteStore]
 * @result: the #GAsyncResult passed to the callback
 * @error: return location for an error
 *
 * Finishes [method@JustSync.SqliteStore.count_async].
 *
 * Returns: the number of live records, or 0 with @error set
 */
guint
just_sync_sqlite_store_count_finish (JustSyncSqliteStore  *self,
                                     GAsyncResult         *result,
                                     GError              **error)
{
  g_return_val_if_fail (JUST_SYNC_IS_SQLITE_STORE (self), 0);

  return propagate_count (self, result, just_sync_sqlite_store_count_async, error);
}

/* Turns a member name or dotted path ("address.city") into a SQLite JSON
 * path with every label quoted. The path is bound as a parameter, never
 * spliced into SQL; the check keeps it a well-formed path.
 */
static char *
field_to_json_path (const char  *field,
                    GError     **error)
{
  g_auto(GStrv) labels = NULL;
  GString *path;

  if (field[0] == '\0' || !g_utf8_validate (field, -1, NULL))
    goto invalid;
  for (const char *p = field; *p != '\0'; p++)
    if (*p == '"' || g_ascii_iscntrl (*p))
      goto invalid;

  labels = g_strsplit (field, ".", -1);
  path = g_string_new ("$");
  for (guint i = 0; labels[i] != NULL; i++)
    {
      if (labels[i][0] == '\0')
        {
          g_string_free (path, TRUE);
          goto invalid;
        }
      g_string_append_printf (path, ".\"%s\"", labels[i]);
    }
  return g_string_free (path, FALSE);

invalid:
  g_set_error (error, JUST_SYNC_ERROR, JUST_SYNC_ERROR_INVALID_ARGUMENT,
               _("“%s” is not a field name: use member names separated by dots, without "
                 "quotes or control characters"), field);
  return NULL;
}

/* Queries (JustSyncQuery) in SQL. The SQL is written on the caller's
 * thread, with every field path and value a bound parameter: ?1 is the
 * scope, the values of request->filter_value (an `av`) follow from ?2.
 * The order and the comparisons are those of just_sync_query_compare() and
 * just_sync_query_matches(), which the memory store uses.
 */

/* Adds @value as the next parameter; returns its number. */
static guint
sqlite_store_query_param (GVariantBuilder *params,
                          guint           *n_params,
                          GVariant        *value)
{
  g_variant_builder_add (params, "v", value);
  return ++*n_params + 1;
}

/* The SQL value of a field, NULL for objects and arrays as in the query's
 * own comparisons. */
static void
sqlite_store_query_append_field (GString         *sql,
                                 guint            path)
{
  g_string_append_printf (sql, "(CASE json_type (payload, ?%u) WHEN 'object' THEN NULL "
                          "WHEN 'array' THEN NULL ELSE json_extract (payload, ?%u) END)",
                          path, path);
}

static GVariant *
sqlite_store_query_value (const JustSyncQueryValue *value)
{
  switch (value->kind)
    {
    case JUST_SYNC_QUERY_VALUE_INT:
      return g_variant_new_int64 (value->i);
    case JUST_SYNC_QUERY_VALUE_DOUBLE:
      return g_variant_new_double (value->d);
    case JUST_SYNC_QUERY_VALUE_TEXT:
      return g_variant_new_string (value->s);
    case JUST_SYNC_QUERY_VALUE_NULL:
    default:
      g_assert_not_reached ();
    }
}

static char *
sqlite_store_query_sql (JustSyncQuery       *query,
                        const char * const  *ids,
                        GVariant           **params_out)
{
  static const char * const operators[] = { "=", "IS NOT", "<", "<=", ">", ">=" };
  GString *sql = g_string_new ("SELECT id, payload, updated_at, deleted_at FROM records "
                               "WHERE scope = ?1 AND deleted_at = 0");
  GPtrArray *filters = _just_sync_query_get_filters (query);
  GPtrArray *orders = _just_sync_query_get_orders (query);
  GVariantBuilder params;
  guint n_params = 0;

  g_variant_builder_init (&params, G_VARIANT_TYPE ("av"));

  if (ids != NULL)
    {
      g_autoptr(JsonBuilder) builder = json_builder_new ();
      g_autoptr(JsonNode) array = NULL;
      g_autofree char *text = NULL;

      json_builder_begin_array (builder);
      for (guint i = 0; ids[i] != NULL; i++)
        json_builder_add_string_value (builder, ids[i]);
      json_builder_end_array (builder);
      array = json_builder_get_root (builder);
      text = json_to_string (array, FALSE);
      g_string_append_printf (sql, " AND id IN (SELECT value FROM json_each (?%u))",
                              sqlite_store_query_param (&params, &n_params,
                                                        g_variant_new_string (text)));
    }

  for (guint i = 0; i < filters->len; i++)
    {
      JustSyncQueryFilter *filter = g_ptr_array_index (filters, i);
      g_autofree char *path = field_to_json_path (filter->field, NULL);
      guint path_param = sqlite_store_query_param (&params, &n_params,
                                                   g_variant_new_string (path));

      if (filter->is_null)
        g_string_append_printf (sql, " AND coalesce (json_type (payload, ?%u), 'null') = 'null'",
                                path_param);
      else if (filter->op == JUST_SYNC_QUERY_CONTAINS)
        g_string_append_printf (sql, " AND (json_type (payload, ?%u) = 'text' AND "
                                "instr (json_extract (payload, ?%u), ?%u) > 0)",
                                path_param, path_param,
                                sqlite_store_query_param (&params, &n_params,
                                                          sqlite_store_query_value (&filter->value)));
      else
        {
          g_string_append (sql, " AND ");
          sqlite_store_query_append_field (sql, path_param);
          g_string_append_printf (sql, " %s ?%u", operators[filter->op],
                                  sqlite_store_query_param (&params, &n_params,
                                                            sqlite_store_query_value (&filter->value)));
        }
    }

  g_string_append (sql, " ORDER BY ");
  for (guint i = 0; i < orders->len; i++)
    {
      JustSyncQueryOrder *order = g_ptr_array_index (orders, i);

      if (order->field == NULL)
        g_string_append (sql, "updated_at");
      else
        {
          g_autofree char *path = field_to_json_path (order->field, NULL);

          sqlite_store_query_append_field (sql, sqlite_store_query_param (&params, &n_params,
                                                                          g_variant_new_string (path)));
        }
      g_string_append (sql, order->descending ? " DESC, " : " ASC, ");
    }
  g_string_append (sql, "id ASC");

  if (ids == NULL && just_sync_query_get_limit (query) > 0)
    g_string_append_printf (sql, " LIMIT %u", just_sync_query_get_limit (query));

  *params_out = g_variant_ref_sink (g_variant_builder_end (&params));
  return g_string_free (sql, FALSE);
}

static gboolean
sqlite_store_run_query_job (Worker               *self,
                            Job                  *job,
                            GError              **error)
{
  Request *request = job->request;
  sqlite3_stmt *stmt = NULL;
  GPtrArray *records;
  int rc;

  /* Not cached: each query has its own SQL, and apps make up new ones. */
  rc = sqlite3_prepare_v2 (self->db, request->sql, -1, &stmt, NULL);
  if (rc != SQLITE_OK)
    return set_db_error (self, rc, error);

  sqlite3_bind_int64 (stmt, 1, request->scope_id);
  for (gsize i = 0; i < g_variant_n_children (request->filter_value); i++)
    {
      g_autoptr(GVariant) boxed = g_variant_get_child_value (request->filter_value, i);
      g_autoptr(GVariant) value = g_variant_get_variant (boxed);
      int index = (int) i + 2;

      if (g_variant_is_of_type (value, G_VARIANT_TYPE_INT64))
        sqlite3_bind_int64 (stmt, index, g_variant_get_int64 (value));
      else if (g_variant_is_of_type (value, G_VARIANT_TYPE_DOUBLE))
        sqlite3_bind_double (stmt, index, g_variant_get_double (value));
      else
        sqlite3_bind_text (stmt, index, g_variant_get_string (value, NULL), -1, SQLITE_TRANSIENT);
    }

  records = collect_rows (self, stmt, FALSE, request->scope_id, job, error);
  sqlite3_finalize (stmt);
  if (records == NULL)
    return FALSE;
  job_set_pointer (job, records, (GDestroyNotify) g_ptr_array_unref);
  return TRUE;
}

static void
sqlite_store_run_query_async (JustSyncLocalStore  *store,
                              JustSyncQuery       *query,
                              const char * const  *ids,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  JustSyncSqliteStore *self = JUST_SYNC_SQLITE_STORE (store);
  Request *request = request_new (just_sync_query_get_scope (query));

  request->sql = sqlite_store_query_sql (query, ids, &request->filter_value);
  QUEUE (self, sqlite_store_run_query_job, FALSE, RESULT_POINTER, request,
         sqlite_store_run_query_async);
}

static GPtrArray *
sqlite_store_run_query_finish (JustSyncLocalStore  *store,
                               GAsyncResult        *result,
                               GError             **error)
{
  return propagate_pointer (store, result, sqlite_store_run_query_async, error);
}

/* Reads the JSON scalar to compare with: the json_type() names it may have
 * and the SQL value json_extract() gives for it (none for true, false and
 * null, which the type alone tells).
 */
static gboolean
parse_filter_value (Request     *request,
                    const char  *value_json,
                    GError     **error)
{
  g_autoptr(JsonNode) node = json_from_string (value_json, NULL);
  const char *type = NULL;
  GVariant *value = NULL;

  if (node == NULL || (!JSON_NODE_HOLDS_VALUE (node) && !JSON_NODE_HOLDS_NULL (node)))
    {
      g_set_error (error, JUST_SYNC_ERROR, JUST_SYNC_ERROR_INVALID_ARGUMENT,
                   _("“%s” is not a JSON string, number, boolean or null"), value_json);
      return FALSE;
    }

  if (JSON_NODE_HOLDS_NULL (node))
    type = "null";
  else if (json_node_get_value_type (node) == G_TYPE_BOOLEAN)
    type = json_node_get_boolean (node) ? "true" : "false";
  else if (json_node_get_value_type (node) == G_TYPE_STRING)
    {
      type = "text";
      value = g_variant_new_string (json_node_get_string (node));
    }
  else if (json_node_get_value_type (node) == G_TYPE_INT64)
    value = g_variant_new_int64 (json_node_get_int (node));
  else
    value = g_variant_new_double (json_node_get_double (node));

  if (value != NULL)
    request->filter_value = g_variant_ref_sink (value);
  /* A number matches a number of equal value, integer or not. */
  request->filter_types[0] = g_strdup (type != NULL ? type : "integer");
  request->filter_types[1] = g_strdup (type != NULL ? type : "real");
  return TRUE;
}

/**
 * just_sync_sqlite_store_query_filter_async:
 * @self: a [class@JustSync.SqliteStore]
 * @scope: the scope
 * @field: (nullable): a payload member, or a dotted path to a nested one
 *   (`address.city`), to filter on; %NULL keeps every live record
 * @value_json: (nullable): the value @field must equal, as JSON text: a
 *   string (`"\"done\""`), a number (`42`, equal to `42.0`), `true`,
 *   `false` or `null`; required with @field
 * @order_by: (nullable): a payload member or dotted path to order by, or
 *   %NULL to order by id; records are ordered by id among equals
 * @descending: whether to order from the largest value down
 * @limit: the most records to return, or 0 for all of them
 * @cancellable: (nullable): a #GCancellable
 * @callback: (scope async): called when the operation completes
 * @user_data: data for @callback
 *
 * Lists the live records of @scope whose payload member @field equals
 * @value_json, in order. A record without @field does not match. Values of
 * different types order as SQLite does: missing and null first, then
 * numbers, then strings.
 *
 * Field names are checked (no quotes or control characters, no empty
 * labels) and are always passed to SQLite as bound parameters.
 */
void
just_sync_sqlite_store_query_filter_async (JustSyncSqliteStore *self,
                                           JustSyncScope       *scope,
                                           const char          *field,
                                           const char          *value_json,
                                           const char          *order_by,
                                           gboolean             descending,
                                           guint                limit,
                                           GCancellable        *cancellable,
                                           GAsyncReadyCallback  callback,
                                           gpointer             user_data)
{
  Request *request;
  GError *error = NULL;

  g_return_if_fail (JUST_SYNC_IS_SQLITE_STORE (self));
  g_return_if_fail (scope != NULL);
  g_return_if_fail (field == NULL || value_json != NULL);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  request = request_new (scope);
  request->descending = descending;
  request->limit = limit > 0 ? (gint64) limit : -1;
  if ((field != NULL &&
       ((request->filter_path = field_to_json_path (field, &error)) == NULL ||
        !parse_filter_value (request, value_json, &error))) ||
      (order_by != NULL && (request->order_path = field_to_json_path (order_by, &error)) == NULL))
    {
      request_free (request);
      g_task_report_error (self, callback, user_data, just_sync_sqlite_store_query_filter_async,
                           error);
      return;
    }

  QUEUE (self, query_filter_job, FALSE, RESULT_POINTER, request,
         just_sync_sqlite_store_query_filter_async);
}

/**
 * just_sync_sqlite_store_query_filter_finish:
 * @self: a [class@JustSync.SqliteStore]
 * @result: the #GAsyncResult passed to the callback
 * @error: return location for an error
 *
 * Finishes [method@JustSync.SqliteStore.query_filter_async].
 *
 * Returns: (transfer container) (element-type JustSyncRecord): the matching
 *   records, or %NULL with %JUST_SYNC_ERROR_INVALID_ARGUMENT for a bad
 *   field or value
 */
GPtrArray *
just_sync_sqlite_store_query_filter_finish (JustSyncSqliteStore  *self,
                                            GAsyncResult         *result,
                                            GError              **error)
{
  g_return_val_if_fail (JUST_SYNC_IS_SQLITE_STORE (self), NULL);

  return propagate_pointer (self, result, just_sync_sqlite_store_query_filter_async, error);
}

/**
 * just_sync_sqlite_store_purge_tombstones_async:
 * @self: a [class@JustSync.SqliteStore]
 * @scope: the scope
 * @older_than: an age in microseconds: tombstones deleted longer ago go
 * @cancellable: (nullable): a #GCancellable
 * @callback: (scope async): called when the operation completes
 * @user_data: data for @callback
 *
 * Removes the tombstones of @scope deleted more than @older_than ago that
 * have no pending operation. Pick an age longer than the longest time a
 * client may stay offline: a purged tombstone can no longer tell a late
 * client that the record was deleted.
 */
void
just_sync_sqlite_store_purge_tombstones_async (JustSyncSqliteStore *self,
                                               JustSyncScope       *scope,
                                               GTimeSpan            older_than,
                                               GCancellable        *cancellable,
                                               GAsyncReadyCallback  callback,
                                               gpointer             user_data)
{
  Request *request;

  g_return_if_fail (JUST_SYNC_IS_SQLITE_STORE (self));
  g_return_if_fail (scope != NULL);
  g_return_if_fail (older_than >= 0);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  request = request_new (scope);
  request->time = g_get_real_time () - older_than;
  QUEUE (self, purge_tombstones_job, TRUE, RESULT_INT, request,
         just_sync_sqlite_store_purge_tombstones_async);
}

/**
 * just_sync_sqlite_store_purge_tombstones_finish:
 * @self: a [class@JustSync.SqliteStore]
 * @result: the #GAsyncResult passed to the callback
 * @error: return location for an error
 *
 * Finishes [method@JustSync.SqliteStore.purge_tombstones_async].
 *
 * Returns: how many tombstones were removed
 */
guint
just_sync_sqlite_store_purge_tombstones_finish (JustSyncSqliteStore  *self,
                                                GAsyncResult         *result,
                                                GError              **error)
{
  g_return_val_if_fail (JUST_SYNC_IS_SQLITE_STORE (self), 0);

  return propagate_count (self, result, just_sync_sqlite_store_purge_tombstones_async, error);
}

/* Private API for tests */

int
_just_sync_sqlite_store_get_schema_version (void)
{
  return SCHEMA_VERSION;
}

/*
 * _just_sync_sqlite_store_run_sql:
 *
 * Runs one SQL statement on the worker, blocking, and returns its rows
 * with their columns joined by `|`. For tests: query plans, integrity
 * checks, pragmas.
 */
GPtrArray *
_just_sync_sqlite_store_run_sql (JustSyncSqliteStore  *self,
                                 const char           *sql,
                                 GError              **error)
{
  Request *request = request_new (NULL);
  Job *job;
  GPtrArray *rows = NULL;

  request->sql = g_strdup (sql);
  job = job_new (run_sql_job, FALSE, request);
  if (run_job_sync (self, job, error))
    rows = g_steal_pointer (&job->result);
  job_free (job);
  return rows;
}

/**
 * just_sync_sqlite_store_list_damaged_async:
 * @self: a [class@JustSync.SqliteStore]
 * @scope: the scope
 * @cancellable: (nullable): a #GCancellable
 * @callback: (scope async): called when the operation completes
 * @user_data: data for @callback
 *
 * Lists the rows of @scope that could no longer be read and were moved
 * aside (see [signal@JustSync.SqliteStore::rows-damaged]).
 */
void
just_sync_sqlite_store_list_damaged_async (JustSyncSqliteStore *self,
                                           JustSyncScope       *scope,
                                           GCancellable        *cancellable,
                                           GAsyncReadyCallback  callback,
                                           gpointer             user_data)
{
  g_return_if_fail (JUST_SYNC_IS_SQLITE_STORE (self));
  g_return_if_fail (scope != NULL);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  QUEUE (self, list_damaged_job, FALSE, RESULT_POINTER, request_new (scope),
         just_sync_sqlite_store_list_damaged_async);
}

/**
 * just_sync_sqlite_store_list_damaged_finish:
 * @self: a [class@JustSync.SqliteStore]
 * @result: the #GAsyncResult passed to the callback
 * @error: return location for an error
 *
 * Finishes [method@JustSync.SqliteStore.list_damaged_async].
 *
 * Returns: (transfer full): the damaged rows, oldest first, as a
 *   `a(ssssx)` variant: the record id, `record` or `operation`, the
 *   stored payload text, why it cannot be read, and when it was moved
 *   aside (microseconds since the epoch); texts that are not UTF-8 are
 *   shown with U+FFFD. %NULL with @error set on failure.
 */
GVariant *
just_sync_sqlite_store_list_damaged_finish (JustSyncSqliteStore  *self,
                                            GAsyncResult         *result,
                                            GError              **error)
{
  g_return_val_if_fail (JUST_SYNC_IS_SQLITE_STORE (self), NULL);

  return propagate_pointer (self, result, just_sync_sqlite_store_list_damaged_async, error);
}

/**
 * just_sync_sqlite_store_delete_damaged_async:
 * @self: a [class@JustSync.SqliteStore]
 * @scope: the scope
 * @cancellable: (nullable): a #GCancellable
 * @callback: (scope async): called when the operation completes
 * @user_data: data for @callback
 *
 * Deletes for good the rows of @scope that were moved aside as damaged.
 */
void
just_sync_sqlite_store_delete_damaged_async (JustSyncSqliteStore *self,
                                             JustSyncScope       *scope,
                                             GCancellable        *cancellable,
                                             GAsyncReadyCallback  callback,
                                             gpointer             user_data)
{
  g_return_if_fail (JUST_SYNC_IS_SQLITE_STORE (self));
  g_return_if_fail (scope != NULL);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  QUEUE (self, delete_damaged_job, TRUE, RESULT_INT, request_new (scope),
         just_sync_sqlite_store_delete_damaged_async);
}

/**
 * just_sync_sqlite_store_delete_damaged_finish:
 * @self: a [class@JustSync.SqliteStore]
 * @result: the #GAsyncResult passed to the callback
 * @error: return location for an error
 *
 * Finishes [method@JustSync.SqliteStore.delete_damaged_async].
 *
 * Returns: how many damaged rows were deleted, or 0 with @error set
 */
guint
just_sync_sqlite_store_delete_damaged_finish (JustSyncSqliteStore  *self,
                                              GAsyncResult         *result,
                                              GError              **error)
{
  g_return_val_if_fail (JUST_SYNC_IS_SQLITE_STORE (self), 0);

  return propagate_count (self, result, just_sync_sqlite_store_delete_damaged_async, error);
}
