/* justsync-pocketbase-push.c: the push engine of JustSyncPocketbaseStore
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Upserts go through `POST /api/batch` in chunks; one failing request
 * rolls back a whole batch, so it is settled and the others are sent
 * again. Where the batch API is off, records go one by one. A patch of a
 * record the server had is a `PATCH …/records/{id}` with only the fields
 * it changed (a removed one as null); one the server no longer has is
 * sent again whole, which makes it. A superuser's
 * push first looks its ids up, so that it never writes another scope's
 * record.
 */

#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "justsync-pending-op-private.h"
#include "justsync-push-result-private.h"
#include "justsync-pocketbase-private.h"

/* How one operation is sent. */
typedef enum
{
  SEND_UNDECIDED,
  SEND_UPSERT,            /* batch: PUT with the id in the body */
  SEND_CREATE,            /* POST with the id in the body */
  SEND_UPDATE,            /* PATCH .../{id} */
  SEND_SOFT_DELETE,       /* PATCH .../{id} {field: time} */
  SEND_HARD_DELETE,       /* DELETE .../{id} */
} SendMode;

typedef struct
{
  JustSyncScope *scope;
  JustSyncPbTarget target;
  JustSyncPbPushKind kind;
  GPtrArray *todo;        /* JustSyncPendingOp not settled yet, in order */
  GPtrArray *chunk;       /* the operations of the request in flight */
  GPtrArray *results;
  SendMode single_mode;   /* per-record sending: how todo[0] goes out */
  gboolean single_switched;
  gboolean one_per_batch; /* a batch failed without saying which request */
  guint checked;          /* todo[0..checked) were checked for other scopes */
  guint checking;         /* how many the check in flight covers */
  GHashTable *whole;      /* patches to send whole: the server lacks their row */
} PushData;

static void
pb_push_data_free (PushData *data)
{
  just_sync_scope_unref (data->scope);
  _just_sync_pb_target_clear (&data->target);
  g_ptr_array_unref (data->todo);
  g_clear_pointer (&data->chunk, g_ptr_array_unref);
  g_ptr_array_unref (data->results);
  g_hash_table_unref (data->whole);
  g_free (data);
}

/* A patch goes as one where the server has the row. */
static gboolean
pb_push_is_patch (PushData          *data,
                  JustSyncPendingOp *op)
{
  return just_sync_pending_op_get_fields (op) != NULL && !g_hash_table_contains (data->whole, op);
}

static SendMode
pb_push_delete_mode (JustSyncPocketbaseStore *self,
                     PushData                *data)
{
  return _just_sync_pb_effective_soft_field (self, &data->target) != NULL ? SEND_SOFT_DELETE : SEND_HARD_DELETE;
}

/* The method, path and body that send @op in @mode. */
static gboolean
pb_push_build_request (JustSyncPocketbaseStore  *self,
                       PushData                 *data,
                       JustSyncPendingOp        *op,
                       SendMode                  mode,
                       const char              **out_method,
                       char                    **out_path,
                       JsonNode                **out_body,
                       GError                  **error)
{
  const char *id = just_sync_pending_op_get_record_id (op);

  *out_body = NULL;
  switch (mode)
    {
    case SEND_UPSERT:
    case SEND_CREATE:
    case SEND_UPDATE:
      {
        g_autoptr(JustSyncRecord) record = NULL;

        /* An update sends only what a patch changed; a create or an
         * upsert may make the row, so it sends all. */
        record = mode == SEND_UPDATE ? _just_sync_pending_op_dup_pushed_record (op)
                                     : just_sync_record_ref (just_sync_pending_op_get_record (op));
        *out_body = _just_sync_pb_upsert_body (data->scope,
                                               _just_sync_pb_effective_soft_field (self, &data->target),
                                               record, error);
      }
      if (*out_body == NULL)
        return FALSE;
      if (mode == SEND_UPDATE && just_sync_pending_op_get_fields (op) != NULL)
        _just_sync_pending_op_trim_update (data->scope, json_node_get_object (*out_body), "id");
      *out_method = mode == SEND_UPSERT ? "PUT" : mode == SEND_CREATE ? "POST" : "PATCH";
      *out_path = _just_sync_pb_records_path (data->target.collection, mode == SEND_UPDATE ? id : NULL);
      return TRUE;

    case SEND_SOFT_DELETE:
      {
        JustSyncRecord *record = just_sync_pending_op_get_record (op);
        gint64 when = just_sync_record_get_deleted_at (record);

        *out_body = _just_sync_pb_soft_delete_body (_just_sync_pb_effective_soft_field (self, &data->target),
                                                    when != 0 ? when : _just_sync_pb_server_now (self));
        *out_method = "PATCH";
        *out_path = _just_sync_pb_records_path (data->target.collection, id);
        return TRUE;
      }

    case SEND_HARD_DELETE:
    case SEND_UNDECIDED:
    default:
      *out_method = "DELETE";
      *out_path = _just_sync_pb_records_path (data->target.collection, id);
      return TRUE;
    }
}

/*
 * Records what the server did with @op: @status and @body are the reply to
 * its request. Returns FALSE when @op goes back to the queue (a soft delete
 * in a collection without the field is sent again as a hard delete).
 */
static gboolean
pb_push_settle (JustSyncPocketbaseStore *self,
                PushData                *data,
                JustSyncPendingOp       *op,
                SendMode                 mode,
                guint                    status,
                JsonNode                *body,
                gint64                   server_time,
                gint64                   retry_after)
{
  g_autoptr(JustSyncRecord) reply = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *message = NULL;

  if (SOUP_STATUS_IS_SUCCESSFUL (status))
    {
      if (mode == SEND_HARD_DELETE)
        {
          _just_sync_push_results_add_tombstone (data->results, op, server_time);
          return TRUE;
        }

      if (mode == SEND_SOFT_DELETE &&
          (_just_sync_pb_body_get_object (body) == NULL ||
           !json_object_has_member (_just_sync_pb_body_get_object (body), data->target.soft_delete_field)))
        {
          /* PocketBase ignored a field the collection does not have. */
          _just_sync_pb_note_soft_field (self, &data->target, FALSE);
          return FALSE;
        }

      if ((reply = _just_sync_pb_read_record (self, &data->target, data->scope, body, &error)) == NULL)
        _just_sync_push_results_add_failed (data->results, op, JUST_SYNC_PUSH_RETRY, error->message, 0);
      else if (mode == SEND_SOFT_DELETE && !just_sync_record_is_deleted (reply))
        _just_sync_push_results_add_failed (data->results, op, JUST_SYNC_PUSH_REJECTED,
                            _("PocketBase did not keep the deletion time"), 0);
      else
        _just_sync_push_results_add_written (data->results, op, reply);
      return TRUE;
    }

  /* Deleting what the server does not have (or hides from us) is done. */
  if (data->kind == JUST_SYNC_PB_PUSH_DELETE && status == SOUP_STATUS_NOT_FOUND)
    {
      _just_sync_push_results_add_tombstone (data->results, op, server_time);
      return TRUE;
    }

  message = _just_sync_pb_dup_error_message (body, status);
  /* No status at all is a reply we do not understand: try again later. */
  if (status < 100 || status >= 500 || status == 429 || status == SOUP_STATUS_REQUEST_TIMEOUT)
    _just_sync_push_results_add_failed (data->results, op, JUST_SYNC_PUSH_RETRY, message, retry_after);
  else
    _just_sync_push_results_add_failed (data->results, op, JUST_SYNC_PUSH_REJECTED, message, 0);
  return TRUE;
}

/* Settles every operation left (the chunk in flight first) as a retry. */
static void
pb_push_retry_rest (PushData   *data,
                    const char *message,
                    gint64      retry_after)
{
  for (guint i = 0; i < data->todo->len; i++)
    _just_sync_push_results_add_failed (data->results, g_ptr_array_index (data->todo, i), JUST_SYNC_PUSH_RETRY, message, retry_after);
  g_ptr_array_set_size (data->todo, 0);
}

/* No reply at all: fail the call when nothing was settled, else retry the rest. */
static void
pb_push_fail (GTask  *task,
              GError *error)
{
  PushData *data = g_task_get_task_data (task);

  if (data->results->len == 0 || g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_task_return_error (task, error);
      return;
    }
  pb_push_retry_rest (data, error->message, 0);
  g_error_free (error);
  g_task_return_pointer (task, g_ptr_array_ref (data->results), (GDestroyNotify) g_ptr_array_unref);
}

static void pb_push_next (GTask *task);

/* --- pushes, one record per request (batch API disabled) --- */

static void
pb_push_single_sent_cb (GObject      *object,
                        GAsyncResult *result,
                        gpointer      user_data)
{
  JustSyncPocketbaseStore *self = JUST_SYNC_POCKETBASE_STORE (object);
  g_autoptr(GTask) task = user_data;
  PushData *data = g_task_get_task_data (task);
  g_autoptr(JustSyncHttpResponse) response = NULL;
  JustSyncPendingOp *op = g_ptr_array_index (data->todo, 0);
  GError *error = NULL;
  JsonObject *id_error;

  if ((response = _just_sync_pb_request_finish (self, result, &error)) == NULL)
    {
      pb_push_fail (task, error);
      return;
    }

  if (response->status >= 500 || response->status == 429)
    {
      g_autofree char *message = _just_sync_pb_dup_error_message (response->body, response->status);

      pb_push_retry_rest (data, message, response->retry_after);
      pb_push_next (g_steal_pointer (&task));
      return;
    }

  /* A refused token (the request already logged in again once). A 403 is
   * about this record (a field only superusers may set): it is settled. */
  if (response->status == SOUP_STATUS_UNAUTHORIZED)
    {
      _just_sync_pb_set_response_error (&error, response);
      pb_push_fail (task, error);
      return;
    }

  /* An update of a row the server does not have is a create, and a create
   * of a row it has is an update (another client was first). */
  id_error = _just_sync_pb_object_get_object (_just_sync_pb_object_get_object (_just_sync_pb_body_get_object (response->body), "data"), "id");
  if (!data->single_switched &&
      ((data->single_mode == SEND_UPDATE && response->status == SOUP_STATUS_NOT_FOUND) ||
       (data->single_mode == SEND_CREATE && response->status == SOUP_STATUS_BAD_REQUEST &&
        g_strcmp0 (_just_sync_pb_object_get_string (id_error, "code"), "validation_not_unique") == 0)))
    {
      data->single_switched = TRUE;
      data->single_mode = data->single_mode == SEND_UPDATE ? SEND_CREATE : SEND_UPDATE;
      pb_push_next (g_steal_pointer (&task));
      return;
    }

  if (pb_push_settle (self, data, op, data->single_mode, response->status, response->body,
                      _just_sync_pb_response_time (self, response), response->retry_after))
    g_ptr_array_remove_index (data->todo, 0);
  data->single_switched = FALSE;
  data->single_mode = SEND_UNDECIDED;
  pb_push_next (g_steal_pointer (&task));
}

static void
pb_push_single (GTask *task)
{
  JustSyncPocketbaseStore *self = g_task_get_source_object (task);
  PushData *data = g_task_get_task_data (task);
  JustSyncPendingOp *op = g_ptr_array_index (data->todo, 0);
  g_autoptr(JsonNode) body = NULL;
  g_autofree char *path = NULL;
  g_autoptr(GError) error = NULL;
  GCancellable *cancellable;
  const char *method;

  if (data->single_mode == SEND_UNDECIDED)
    {
      if (data->kind == JUST_SYNC_PB_PUSH_DELETE)
        data->single_mode = pb_push_delete_mode (self, data);
      else
        /* A row the server had is most likely still there. */
        data->single_mode = just_sync_pending_op_get_base_version (op) != NULL ? SEND_UPDATE : SEND_CREATE;
    }

  if (!pb_push_build_request (self, data, op, data->single_mode, &method, &path, &body, &error))
    {
      _just_sync_push_results_add_failed (data->results, op, JUST_SYNC_PUSH_REJECTED, error->message, 0);
      g_ptr_array_remove_index (data->todo, 0);
      pb_push_next (g_steal_pointer (&task));
      return;
    }

  cancellable = g_task_get_cancellable (task);
  _just_sync_pb_request_async (self, method, path, NULL, body, JUST_SYNC_PB_REQUEST_DEFAULT,
                               cancellable, pb_push_single_sent_cb, g_steal_pointer (&task));
}

/* --- pushes through /api/batch --- */

/* pb_push_settle() for a request of a batch: a patch of a row the server
 * does not have goes back to the queue, to be sent whole. */
static gboolean
pb_push_settle_batched (JustSyncPocketbaseStore *self,
                        PushData                *data,
                        JustSyncPendingOp       *op,
                        SendMode                 mode,
                        guint                    status,
                        JsonNode                *body,
                        gint64                   server_time,
                        gint64                   retry_after)
{
  if (mode == SEND_UPDATE && status == SOUP_STATUS_NOT_FOUND && pb_push_is_patch (data, op))
    {
      g_hash_table_add (data->whole, op);
      return FALSE;
    }
  return pb_push_settle (self, data, op, mode, status, body, server_time, retry_after);
}

/* Which requests of a refused batch failed: `data.requests["<index>"]`. */
static gboolean
pb_push_settle_batch_failures (JustSyncPocketbaseStore *self,
                               PushData                *data,
                               GPtrArray               *modes,
                               JsonObject              *requests,
                               gint64                   server_time)
{
  g_autoptr(GPtrArray) settled = g_ptr_array_new ();
  JsonObjectIter iter;
  const char *name;
  JsonNode *value;

  json_object_iter_init (&iter, requests);
  while (json_object_iter_next (&iter, &name, &value))
    {
      JsonObject *entry = _just_sync_pb_body_get_object (value);
      JsonObject *response = _just_sync_pb_object_get_object (entry, "response");
      guint64 index;
      JustSyncPendingOp *op;

      if (response == NULL ||
          !g_ascii_string_to_unsigned (name, 10, 0, data->chunk->len - 1, &index, NULL))
        continue;

      op = g_ptr_array_index (data->chunk, index);
      if (pb_push_settle_batched (self, data, op, GPOINTER_TO_UINT (g_ptr_array_index (modes, index)),
                          (guint) _just_sync_pb_object_get_int (response, "status"),
                          json_object_get_member (entry, "response"), server_time, 0))
        g_ptr_array_add (settled, op);
    }

  for (guint i = 0; i < settled->len; i++)
    g_ptr_array_remove (data->todo, g_ptr_array_index (settled, i));
  return settled->len > 0;
}

static void
pb_push_batch_sent_cb (GObject      *object,
                       GAsyncResult *result,
                       gpointer      user_data)
{
  JustSyncPocketbaseStore *self = JUST_SYNC_POCKETBASE_STORE (object);
  g_autoptr(GTask) task = user_data;
  PushData *data = g_task_get_task_data (task);
  GPtrArray *modes = g_object_get_data (G_OBJECT (task), "modes");
  g_autoptr(JustSyncHttpResponse) response = NULL;
  g_autofree char *message = NULL;
  GError *error = NULL;
  gint64 server_time;
  JsonObject *body;
  JsonObject *requests;

  if ((response = _just_sync_pb_request_finish (self, result, &error)) == NULL)
    {
      pb_push_fail (task, error);
      return;
    }

  server_time = _just_sync_pb_response_time (self, response);
  message = _just_sync_pb_dup_error_message (response->body, response->status);
  body = _just_sync_pb_body_get_object (response->body);

  if (_just_sync_http_response_is_success (response))
    {
      JsonArray *replies = response->body != NULL && JSON_NODE_HOLDS_ARRAY (response->body) ?
                           json_node_get_array (response->body) : NULL;
      guint n = data->chunk->len;

      if (replies == NULL || json_array_get_length (replies) != n)
        {
          pb_push_retry_rest (data, _("PocketBase answered a batch with an unexpected reply"), 0);
          pb_push_next (g_steal_pointer (&task));
          return;
        }

      for (guint i = 0; i < n; i++)
        {
          JsonObject *reply = _just_sync_pb_body_get_object (json_array_get_element (replies, i));
          JustSyncPendingOp *op = g_ptr_array_index (data->chunk, i);

          if (pb_push_settle_batched (self, data, op, GPOINTER_TO_UINT (g_ptr_array_index (modes, i)),
                              (guint) _just_sync_pb_object_get_int (reply, "status"),
                              reply != NULL ? json_object_get_member (reply, "body") : NULL,
                              server_time, 0))
            g_ptr_array_remove (data->todo, op);
        }
      pb_push_next (g_steal_pointer (&task));
      return;
    }

  if (response->status >= 500 || response->status == 429)
    {
      pb_push_retry_rest (data, message, response->retry_after);
      pb_push_next (g_steal_pointer (&task));
      return;
    }

  /* 403 "Batch requests are not allowed." (PocketBase's default), or 404
   * from a server too old for /api/batch: send records one by one. */
  if (response->status == SOUP_STATUS_FORBIDDEN || response->status == SOUP_STATUS_NOT_FOUND)
    {
      g_debug ("PocketBase batch API unavailable (%s): sending records one by one", message);
      self->batch_unavailable = TRUE;
      pb_push_next (g_steal_pointer (&task));
      return;
    }

  if (response->status == SOUP_STATUS_UNAUTHORIZED)
    {
      _just_sync_pb_set_response_error (&error, response);
      pb_push_fail (task, error);
      return;
    }

  /* The whole batch was rolled back; pb_push_settle the failing request and send
   * the others again. */
  requests = _just_sync_pb_object_get_object (_just_sync_pb_object_get_object (body, "data"), "requests");
  if (requests != NULL &&
      g_strcmp0 (_just_sync_pb_object_get_string (requests, "code"), "validation_length_too_long") == 0)
    {
      gint64 max = _just_sync_pb_object_get_int (_just_sync_pb_object_get_object (requests, "params"), "max");

      if (max > 0 && (guint) max < data->chunk->len)
        {
          g_debug ("PocketBase takes at most %" G_GINT64_FORMAT " requests per batch", max);
          self->server_batch_limit = (guint) max;
          pb_push_next (g_steal_pointer (&task));
          return;
        }
    }

  if (requests != NULL && pb_push_settle_batch_failures (self, data, modes, requests, server_time))
    {
      pb_push_next (g_steal_pointer (&task));
      return;
    }

  /* A refusal that names no request: find the culprit one at a time. */
  if (data->chunk->len > 1)
    data->one_per_batch = TRUE;
  else
    {
      JustSyncPendingOp *op = g_ptr_array_index (data->chunk, 0);

      if (pb_push_settle_batched (self, data, op, GPOINTER_TO_UINT (g_ptr_array_index (modes, 0)),
                          response->status, response->body, server_time, response->retry_after))
        g_ptr_array_remove (data->todo, op);
    }
  pb_push_next (g_steal_pointer (&task));
}

static void
pb_push_batch (GTask *task)
{
  JustSyncPocketbaseStore *self = g_task_get_source_object (task);
  PushData *data = g_task_get_task_data (task);
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) body = NULL;
  g_autoptr(GPtrArray) modes = g_ptr_array_new ();
  GCancellable *cancellable;
  guint limit = self->batch_size;

  if (self->server_batch_limit > 0)
    limit = MIN (limit, self->server_batch_limit);
  if (data->one_per_batch)
    limit = 1;

  g_clear_pointer (&data->chunk, g_ptr_array_unref);
  data->chunk = g_ptr_array_new_with_free_func ((GDestroyNotify) just_sync_pending_op_unref);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "requests");
  json_builder_begin_array (builder);
  for (guint i = 0; i < data->todo->len && data->chunk->len < limit; )
    {
      JustSyncPendingOp *op = g_ptr_array_index (data->todo, i);
      SendMode mode = data->kind == JUST_SYNC_PB_PUSH_DELETE ? pb_push_delete_mode (self, data)
                      : pb_push_is_patch (data, op) ? SEND_UPDATE : SEND_UPSERT;
      g_autoptr(JsonNode) request_body = NULL;
      g_autoptr(GError) error = NULL;
      g_autofree char *path = NULL;
      const char *method;

      if (!pb_push_build_request (self, data, op, mode, &method, &path, &request_body, &error))
        {
          _just_sync_push_results_add_failed (data->results, op, JUST_SYNC_PUSH_REJECTED, error->message, 0);
          g_ptr_array_remove_index (data->todo, i);
          continue;
        }

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "method");
      json_builder_add_string_value (builder, method);
      json_builder_set_member_name (builder, "url");
      json_builder_add_string_value (builder, path);
      if (request_body != NULL)
        {
          json_builder_set_member_name (builder, "body");
          json_builder_add_value (builder, g_steal_pointer (&request_body));
        }
      json_builder_end_object (builder);

      g_ptr_array_add (data->chunk, just_sync_pending_op_ref (op));
      g_ptr_array_add (modes, GUINT_TO_POINTER (mode));
      i++;
    }
  json_builder_end_array (builder);
  json_builder_end_object (builder);

  if (data->chunk->len == 0)
    {
      pb_push_next (g_steal_pointer (&task));
      return;
    }

  body = json_builder_get_root (builder);
  g_object_set_data_full (G_OBJECT (task), "modes", g_steal_pointer (&modes),
                          (GDestroyNotify) g_ptr_array_unref);
  cancellable = g_task_get_cancellable (task);
  _just_sync_pb_request_async (self, "POST", "/api/batch", NULL, body, JUST_SYNC_PB_REQUEST_FORBIDDEN_IS_ANSWER,
                               cancellable, pb_push_batch_sent_cb, g_steal_pointer (&task));
}

/* --- the scope check before a push --- */

/* Ids looked up in one check; well under PocketBase's 200 filter terms. */
#define CHECK_CHUNK_SIZE 50

static void
pb_push_check_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  JustSyncPocketbaseStore *self = JUST_SYNC_POCKETBASE_STORE (object);
  g_autoptr(GTask) task = user_data;
  PushData *data = g_task_get_task_data (task);
  g_autoptr(JustSyncHttpResponse) response = NULL;
  g_autoptr(GPtrArray) foreign = g_ptr_array_new ();
  GError *error = NULL;
  JsonArray *array;

  if ((response = _just_sync_pb_request_finish (self, result, &error)) == NULL)
    {
      pb_push_fail (task, error);
      return;
    }
  if (response->status >= 500 || response->status == 429)
    {
      g_autofree char *message = _just_sync_pb_dup_error_message (response->body, response->status);

      pb_push_retry_rest (data, message, response->retry_after);
      pb_push_next (g_steal_pointer (&task));
      return;
    }
  if ((array = _just_sync_pb_list_get_items (response, data->target.collection, &error)) == NULL)
    {
      pb_push_fail (task, error);
      return;
    }

  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonObject *item = _just_sync_pb_body_get_object (json_array_get_element (array, i));
      const char *id = _just_sync_pb_object_get_string (item, "id");

      if (id == NULL || _just_sync_pb_item_in_scope (item, data->scope))
        continue;
      for (guint j = data->checked; j < data->checked + data->checking; j++)
        {
          JustSyncPendingOp *op = g_ptr_array_index (data->todo, j);

          if (strcmp (just_sync_pending_op_get_record_id (op), id) == 0)
            g_ptr_array_add (foreign, op);
        }
    }

  /* Another scope's record is not ours to overwrite; deleting it from this
   * scope is done, since this scope does not have it. */
  for (guint i = 0; i < foreign->len; i++)
    {
      JustSyncPendingOp *op = g_ptr_array_index (foreign, i);

      if (data->kind == JUST_SYNC_PB_PUSH_DELETE)
        _just_sync_push_results_add_tombstone (data->results, op, _just_sync_pb_response_time (self, response));
      else
        {
          g_autofree char *message =
            g_strdup_printf (_("The record “%s” belongs to another scope"),
                             just_sync_pending_op_get_record_id (op));

          _just_sync_push_results_add_failed (data->results, op, JUST_SYNC_PUSH_REJECTED, message, 0);
        }
    }
  data->checked += data->checking - foreign->len;
  data->checking = 0;
  for (guint i = 0; i < foreign->len; i++)
    g_ptr_array_remove (data->todo, g_ptr_array_index (foreign, i));
  pb_push_next (g_steal_pointer (&task));
}

/*
 * PocketBase writes by id are not conditional: a superuser, whom no
 * collection rule restricts, could overwrite or delete another scope's
 * record that has the same id. So a superuser's push first looks its ids
 * up, and those found in another scope are settled without being sent. (A
 * record created elsewhere between the check and the write slips through;
 * ids are random.) For other tokens the collection rules must tie records
 * to their scope, as `owner = @request.auth.id` does: the lookup would cost
 * them a scan, since SQLite then prefers the rule's index to the ids.
 */
static void
pb_push_check (GTask *task)
{
  JustSyncPocketbaseStore *self = g_task_get_source_object (task);
  PushData *data = g_task_get_task_data (task);
  g_autofree char *path = _just_sync_pb_records_path (data->target.collection, NULL);
  const char *ids[CHECK_CHUNK_SIZE];
  g_autofree char *query = NULL;
  GCancellable *cancellable;

  data->checking = MIN (data->todo->len - data->checked, CHECK_CHUNK_SIZE);
  for (guint i = 0; i < data->checking; i++)
    ids[i] = just_sync_pending_op_get_record_id (g_ptr_array_index (data->todo, data->checked + i));
  query = _just_sync_pb_ids_query (data->scope, ids, data->checking);

  cancellable = g_task_get_cancellable (task);
  _just_sync_pb_request_async (self, "GET", path, query, NULL, JUST_SYNC_PB_REQUEST_DEFAULT,
                               cancellable, pb_push_check_cb, g_steal_pointer (&task));
}

static void
pb_push_next (GTask *task)
{
  JustSyncPocketbaseStore *self = g_task_get_source_object (task);
  PushData *data = g_task_get_task_data (task);

  if (data->todo->len == 0)
    {
      g_task_return_pointer (task, g_ptr_array_ref (data->results), (GDestroyNotify) g_ptr_array_unref);
      g_object_unref (task);
      return;
    }

  /* A scope without keys spans the whole collection: nothing to check. */
  if (data->checked < data->todo->len && just_sync_scope_get_n_keys (data->scope) > 0 &&
      _just_sync_pb_acts_as_superuser (self))
    pb_push_check (task);
  else if (self->batch_unavailable)
    pb_push_single (task);
  else
    pb_push_batch (task);
}

void
_just_sync_pb_push_async (JustSyncPocketbaseStore *self,
                          JustSyncPbPushKind       kind,
                          JustSyncScope           *scope,
                          GPtrArray               *ops,
                          GCancellable            *cancellable,
                          GAsyncReadyCallback      callback,
                          gpointer                 user_data,
                          gpointer                 source_tag)
{
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);
  GError *error = NULL;
  PushData *data;

  g_task_set_source_tag (task, source_tag);

  if (!_just_sync_pb_check_scope (scope, &error))
    {
      g_task_return_error (task, error);
      return;
    }

  data = g_new0 (PushData, 1);
  data->scope = just_sync_scope_ref (scope);
  data->kind = kind;
  _just_sync_pb_resolve_target (self, scope, &data->target);
  data->todo = g_ptr_array_copy (ops, (GCopyFunc) just_sync_pending_op_ref, NULL);
  g_ptr_array_set_free_func (data->todo, (GDestroyNotify) just_sync_pending_op_unref);
  data->results = g_ptr_array_new_with_free_func ((GDestroyNotify) just_sync_push_result_unref);
  data->single_mode = SEND_UNDECIDED;
  data->whole = g_hash_table_new (NULL, NULL);
  g_task_set_task_data (task, data, (GDestroyNotify) pb_push_data_free);

  pb_push_next (g_steal_pointer (&task));
}
