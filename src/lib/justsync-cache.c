/* justsync-cache.c: per-scope cache limits and LRU eviction
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <string.h>

#include "justsync-cache-private.h"
#include "justsync-pending-op.h"

/* The orchestrator's cache limits (README, "Cache limits"). A scope with a
 * limit keeps at most so many live rows, or so many bytes of content; past
 * it, the least recently used rows that are synced (no pending change) and
 * live (a tombstone still stops an older version from coming back) are
 * evicted through just_sync_local_store_evict_async(), which remembers
 * them. Use is counted in memory: a row is used when the app writes it or
 * reads it by id through the engine (a pull is no use: it would make every
 * row an overlap window re-reads the newest); rows not used since the
 * engine started go first, oldest first.
 *
 * An evicted row is not re-sent by an incremental pull, so the scope stays
 * partial until a read with a remote policy refills it: the orchestrator
 * then reconciles the scope (reads it whole, from the start, whatever the
 * sync point) and, once that succeeded, forgets the evictions made before
 * it started.
 */

typedef struct
{
  JustSyncScope *scope;
  guint max_rows;
  guint64 max_bytes;
  GHashTable *used;            /* id -> its last use (gsize, > 0) */
  guint holds;                 /* a refill reads the scope: no eviction */
  gboolean running;
  gboolean again;
  gboolean partial;
} Limit;

struct _JustSyncCache
{
  GObject parent_instance;
  JustSyncLocalStore *local;
  JustSyncCacheEvicted evicted;
  gpointer user_data;
  GHashTable *limits;          /* scope key -> Limit */
  gsize clock;
};

G_DEFINE_FINAL_TYPE (JustSyncCache, _just_sync_cache, G_TYPE_OBJECT)

static void
limit_free (Limit *limit)
{
  just_sync_scope_unref (limit->scope);
  g_hash_table_unref (limit->used);
  g_free (limit);
}

static Limit *
find_limit (JustSyncCache *self,
            JustSyncScope *scope)
{
  return g_hash_table_lookup (self->limits, just_sync_scope_to_string (scope));
}

static void
_just_sync_cache_finalize (GObject *object)
{
  JustSyncCache *self = JUST_SYNC_CACHE (object);

  g_object_unref (self->local);
  g_hash_table_unref (self->limits);
  G_OBJECT_CLASS (_just_sync_cache_parent_class)->finalize (object);
}

static void
_just_sync_cache_class_init (JustSyncCacheClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = _just_sync_cache_finalize;
}

static void
_just_sync_cache_init (JustSyncCache *self)
{
  self->limits = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                        (GDestroyNotify) limit_free);
}

JustSyncCache *
_just_sync_cache_new (JustSyncLocalStore   *local,
                      JustSyncCacheEvicted  evicted,
                      gpointer              user_data)
{
  JustSyncCache *self = g_object_new (JUST_SYNC_TYPE_CACHE, NULL);

  self->local = g_object_ref (local);
  self->evicted = evicted;
  self->user_data = user_data;
  return self;
}

/* The owner goes away; evictions in flight finish without telling it. */
void
_just_sync_cache_disconnect (JustSyncCache *self)
{
  self->evicted = NULL;
  self->user_data = NULL;
}

/* Enforcing a limit: list the live rows, then the pending changes, then
 * evict. One run per scope at a time; a change meanwhile runs it again. */

typedef struct
{
  JustSyncCache *cache;
  JustSyncScope *scope;
  GPtrArray *records;
} Enforce;

static void
enforce_free (Enforce *enforce)
{
  g_object_unref (enforce->cache);
  just_sync_scope_unref (enforce->scope);
  g_clear_pointer (&enforce->records, g_ptr_array_unref);
  g_free (enforce);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Enforce, enforce_free)

static void enforce (JustSyncCache *self,
                     Limit         *limit);

static void
enforce_done (Enforce *data)
{
  Limit *limit = find_limit (data->cache, data->scope);

  if (limit == NULL)
    return;
  limit->running = FALSE;
  if (limit->again && limit->holds == 0)
    {
      limit->again = FALSE;
      enforce (data->cache, limit);
    }
}

static void
report_error (const char *what,
              GError     *error)
{
  if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED))
    g_debug ("Cache limit: %s: %s", what, error->message);
}

static void
evict_cb (GObject      *object,
          GAsyncResult *res,
          gpointer      user_data)
{
  g_autoptr(Enforce) data = user_data;
  g_autoptr(GError) error = NULL;
  JustSyncCache *self = data->cache;
  Limit *limit;
  guint n;

  n = just_sync_local_store_evict_finish (JUST_SYNC_LOCAL_STORE (object), res, &error);
  if (error != NULL)
    report_error ("evicting", error);

  limit = find_limit (self, data->scope);
  if (n > 0 && limit != NULL)
    limit->partial = TRUE;
  if (n > 0 && self->evicted != NULL)
    self->evicted (data->scope, n, self->user_data);
  enforce_done (data);
}

typedef struct
{
  const char *id;
  gsize used;
  gint64 updated_at;
  gsize bytes;
} Candidate;

static int
compare_candidates (gconstpointer a,
                    gconstpointer b)
{
  const Candidate *x = a;
  const Candidate *y = b;

  if (x->used != y->used)
    return x->used < y->used ? -1 : 1;
  if (x->updated_at != y->updated_at)
    return x->updated_at < y->updated_at ? -1 : 1;
  return strcmp (x->id, y->id);
}

static gsize
record_bytes (JustSyncRecord *record)
{
  g_autofree char *payload = just_sync_record_dup_payload_data (record);

  return strlen (payload);
}

static void
ops_cb (GObject      *object,
        GAsyncResult *res,
        gpointer      user_data)
{
  g_autoptr(Enforce) data = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) ops = NULL;
  g_autoptr(GHashTable) waiting = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GArray) candidates = g_array_new (FALSE, FALSE, sizeof (Candidate));
  g_autoptr(GStrvBuilder) victims = g_strv_builder_new ();
  g_auto(GStrv) ids = NULL;
  Limit *limit = find_limit (data->cache, data->scope);
  JustSyncLocalStore *local;
  JustSyncScope *scope;
  guint rows;
  guint64 bytes = 0;

  ops = just_sync_local_store_list_pending_ops_finish (JUST_SYNC_LOCAL_STORE (object), res, &error);
  if (ops == NULL || limit == NULL)
    {
      if (error != NULL)
        report_error ("listing changes", error);
      enforce_done (data);
      return;
    }

  for (guint i = 0; i < ops->len; i++)
    {
      JustSyncPendingOp *op = g_ptr_array_index (ops, i);

      g_hash_table_add (waiting, (gpointer) just_sync_pending_op_get_record_id (op));
    }

  rows = data->records->len;
  for (guint i = 0; i < data->records->len; i++)
    {
      JustSyncRecord *record = g_ptr_array_index (data->records, i);
      Candidate candidate = { just_sync_record_get_id (record), 0, 0, 0 };

      candidate.bytes = limit->max_bytes > 0 ? record_bytes (record) : 0;
      bytes += candidate.bytes;
      if (g_hash_table_contains (waiting, candidate.id))
        continue;
      candidate.used = GPOINTER_TO_SIZE (g_hash_table_lookup (limit->used, candidate.id));
      candidate.updated_at = just_sync_record_get_updated_at (record);
      g_array_append_val (candidates, candidate);
    }

  g_array_sort (candidates, compare_candidates);
  for (guint i = 0; i < candidates->len; i++)
    {
      Candidate *candidate = &g_array_index (candidates, Candidate, i);

      if ((limit->max_rows == 0 || rows <= limit->max_rows) &&
          (limit->max_bytes == 0 || bytes <= limit->max_bytes))
        break;
      g_strv_builder_add (victims, candidate->id);
      g_hash_table_remove (limit->used, candidate->id);
      rows--;
      bytes -= candidate->bytes;
    }

  ids = g_strv_builder_end (victims);
  if (ids[0] == NULL)
    {
      enforce_done (data);
      return;
    }
  local = data->cache->local;
  scope = data->scope;
  just_sync_local_store_evict_async (local, scope, (const char * const *) ids, g_get_real_time (),
                                     NULL, evict_cb, g_steal_pointer (&data));
}

static void
rows_cb (GObject      *object,
         GAsyncResult *res,
         gpointer      user_data)
{
  g_autoptr(Enforce) data = user_data;
  g_autoptr(GError) error = NULL;
  JustSyncLocalStore *local;
  JustSyncScope *scope;

  data->records = just_sync_local_store_query_finish (JUST_SYNC_LOCAL_STORE (object), res, &error);
  if (data->records == NULL)
    {
      report_error ("listing rows", error);
      enforce_done (data);
      return;
    }
  local = data->cache->local;
  scope = data->scope;
  just_sync_local_store_list_pending_ops_async (local, scope, NULL, ops_cb,
                                                g_steal_pointer (&data));
}

static void
enforce (JustSyncCache *self,
         Limit         *limit)
{
  Enforce *data;

  if (limit->running || limit->holds > 0)
    {
      limit->again = TRUE;
      return;
    }
  limit->running = TRUE;
  data = g_new0 (Enforce, 1);
  data->cache = g_object_ref (self);
  data->scope = just_sync_scope_ref (limit->scope);
  just_sync_local_store_query_async (self->local, limit->scope, NULL, rows_cb, data);
}

/* Whether the scope is partial: the store's list of evicted ids, after
 * forgetting the evictions before @before. */

static void
list_evicted_cb (GObject      *object,
                 GAsyncResult *res,
                 gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  JustSyncCache *self = g_task_get_source_object (task);
  JustSyncScope *scope = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) ids = NULL;
  Limit *limit;

  ids = just_sync_local_store_list_evicted_finish (JUST_SYNC_LOCAL_STORE (object), res, &error);
  if (ids == NULL && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  limit = find_limit (self, scope);
  if (limit != NULL)
    limit->partial = ids != NULL && ids[0] != NULL;
  g_task_return_boolean (task, TRUE);
}

void
_just_sync_cache_forget_async (JustSyncCache       *self,
                               JustSyncScope       *scope,
                               gint64               before,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  GTask *task = g_task_new (self, cancellable, callback, user_data);

  g_task_set_source_tag (task, _just_sync_cache_forget_async);
  g_task_set_task_data (task, just_sync_scope_ref (scope), (GDestroyNotify) just_sync_scope_unref);
  just_sync_local_store_list_evicted_async (self->local, scope, before, cancellable,
                                            list_evicted_cb, task);
}

gboolean
_just_sync_cache_forget_finish (JustSyncCache  *self,
                                GAsyncResult   *result,
                                GError        **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
initial_partial_cb (GObject      *object,
                    GAsyncResult *res,
                    gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  if (!_just_sync_cache_forget_finish (JUST_SYNC_CACHE (object), res, &error))
    report_error ("listing evicted rows", error);
}

/* @max_rows and @max_bytes 0: no limit. */
void
_just_sync_cache_set_limit (JustSyncCache *self,
                            JustSyncScope *scope,
                            guint          max_rows,
                            guint64        max_bytes)
{
  Limit *limit = find_limit (self, scope);

  if (max_rows == 0 && max_bytes == 0)
    {
      g_hash_table_remove (self->limits, just_sync_scope_to_string (scope));
      return;
    }
  if (limit == NULL)
    {
      limit = g_new0 (Limit, 1);
      limit->scope = just_sync_scope_ref (scope);
      limit->used = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
      g_hash_table_insert (self->limits, g_strdup (just_sync_scope_to_string (scope)), limit);
      _just_sync_cache_forget_async (self, scope, 0, NULL, initial_partial_cb, NULL);
    }
  limit->max_rows = max_rows;
  limit->max_bytes = max_bytes;
  enforce (self, limit);
}

/* The app wrote or read @id of @scope: it is the most recently used. */
void
_just_sync_cache_touch (JustSyncCache *self,
                        JustSyncScope *scope,
                        const char    *id)
{
  Limit *limit = find_limit (self, scope);

  if (limit != NULL)
    g_hash_table_replace (limit->used, g_strdup (id), GSIZE_TO_POINTER (++self->clock));
}

/* Rows of @scope changed (a write, a pulled page): checks the limit. */
void
_just_sync_cache_check (JustSyncCache *self,
                        JustSyncScope *scope)
{
  Limit *limit = find_limit (self, scope);

  if (limit != NULL)
    enforce (self, limit);
}

/* A read with a remote policy refills @scope: evictions wait until it
 * has read the rows it brought back. Returns whether there is a limit to
 * release with _just_sync_cache_release(). */
gboolean
_just_sync_cache_hold (JustSyncCache *self,
                       JustSyncScope *scope)
{
  Limit *limit = find_limit (self, scope);

  if (limit == NULL)
    return FALSE;
  limit->holds++;
  return TRUE;
}

void
_just_sync_cache_release (JustSyncCache *self,
                          JustSyncScope *scope)
{
  Limit *limit = find_limit (self, scope);

  /* A limit set again meanwhile is a new one, with no holds. */
  if (limit == NULL || limit->holds == 0 || --limit->holds > 0)
    return;
  limit->again = FALSE;
  enforce (self, limit);
}

gboolean
_just_sync_cache_is_partial (JustSyncCache *self,
                             JustSyncScope *scope)
{
  Limit *limit = find_limit (self, scope);

  return limit != NULL && limit->partial;
}
