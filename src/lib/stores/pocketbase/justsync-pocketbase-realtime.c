/* justsync-pocketbase-realtime.c: PocketBase's dialect of server-sent events
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * `GET /api/realtime` opens the stream; its first event, `PB_CONNECT`,
 * names the client, which `POST /api/realtime` then subscribes to a
 * `collection/` + `*` topic per watched collection. The shared event stream reconnects with backoff;
 * PocketBase does not replay missed events, so every watched scope is
 * reported changed once a new subscription is live.
 */

#include "config.h"

#include <string.h>

#include "justsync-pocketbase-private.h"

static void pb_realtime_subscribe (JustSyncPocketbaseStore *self);

/* Handlers may unwatch: the scopes are our own references. */
static void
pb_realtime_emit_changed (JustSyncPocketbaseStore *self,
                          GPtrArray               *scopes)
{
  for (guint i = 0; i < scopes->len; i++)
    just_sync_remote_store_emit_remote_changed (JUST_SYNC_REMOTE_STORE (self),
                                                g_ptr_array_index (scopes, i));
}

/* The watched scopes in @collection that the event's @record may be in. */
static GPtrArray *
pb_realtime_scopes_for (JustSyncPocketbaseStore *self,
                        const char              *collection,
                        JsonObject              *record)
{
  GPtrArray *scopes = g_ptr_array_new_with_free_func ((GDestroyNotify) just_sync_scope_unref);
  GHashTableIter iter;
  JustSyncPbWatch *watch;

  g_hash_table_iter_init (&iter, self->watched);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &watch))
    {
      JustSyncPbTarget target = { NULL, NULL };

      _just_sync_pb_resolve_target (self, watch->scope, &target);
      if ((collection == NULL || strcmp (target.collection, collection) == 0) &&
          (record == NULL || _just_sync_pb_item_may_be_in_scope (record, watch->scope)))
        g_ptr_array_add (scopes, just_sync_scope_ref (watch->scope));
      _just_sync_pb_target_clear (&target);
    }
  return scopes;
}

static void
pb_realtime_event_cb (JustSyncEventStream     *stream,
                      const char              *type,
                      const char              *data,
                      const char              *id,
                      JustSyncPocketbaseStore *self)
{
  g_autoptr(GPtrArray) scopes = NULL;
  g_autofree char *client_id = NULL;
  g_autofree char *collection = NULL;
  g_autoptr(JsonObject) record = NULL;

  if (!_just_sync_pb_event_read (type, data, &client_id, &collection, &record))
    return;

  if (client_id != NULL)
    {
      g_free (self->realtime_client_id);
      self->realtime_client_id = g_steal_pointer (&client_id);
      pb_realtime_subscribe (self);
      return;
    }

  scopes = pb_realtime_scopes_for (self, collection, record);
  pb_realtime_emit_changed (self, scopes);
}

/* The connection is gone: events may be lost, so catch up after reconnecting. */
static void
pb_realtime_lost_cb (JustSyncEventStream     *stream,
                     const char              *why,
                     JustSyncPocketbaseStore *self)
{
  g_clear_pointer (&self->realtime_client_id, g_free);
  self->subscribing = FALSE;
  self->resubscribe = FALSE;
  self->needs_catch_up = TRUE;
}

static void
pb_realtime_subscribed_cb (GObject      *object,
                           GAsyncResult *result,
                           gpointer      user_data)
{
  JustSyncPocketbaseStore *self = JUST_SYNC_POCKETBASE_STORE (object);
  g_autoptr(JustSyncHttpResponse) response = NULL;
  g_autoptr(GError) error = NULL;

  response = _just_sync_pb_request_finish (self, result, &error);
  /* The connection ended meanwhile: a new one subscribes again. */
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) || self->realtime == NULL)
    return;

  if (response == NULL || !_just_sync_http_response_is_success (response))
    {
      if (response != NULL)
        _just_sync_pb_set_response_error (&error, response);
      _just_sync_event_stream_reconnect (self->realtime, error->message);
      return;
    }

  self->subscribing = FALSE;
  _just_sync_event_stream_reset_backoff (self->realtime);
  if (self->resubscribe)
    {
      self->resubscribe = FALSE;
      pb_realtime_subscribe (self);
    }

  if (self->needs_catch_up)
    {
      g_autoptr(GPtrArray) scopes = pb_realtime_scopes_for (self, NULL, NULL);

      self->needs_catch_up = FALSE;
      pb_realtime_emit_changed (self, scopes);
    }
}

static void
pb_realtime_subscribe (JustSyncPocketbaseStore *self)
{
  g_autoptr(GPtrArray) topics = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(JsonNode) body = NULL;
  GHashTableIter iter;
  JustSyncPbWatch *watch;

  if (self->realtime_client_id == NULL)
    return;
  if (self->subscribing)
    {
      self->resubscribe = TRUE;
      return;
    }

  g_hash_table_iter_init (&iter, self->watched);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &watch))
    {
      JustSyncPbTarget target = { NULL, NULL };
      g_autofree char *topic = NULL;

      _just_sync_pb_resolve_target (self, watch->scope, &target);
      topic = g_strconcat (target.collection, "/*", NULL);
      _just_sync_pb_target_clear (&target);
      if (!g_ptr_array_find_with_equal_func (topics, topic, g_str_equal, NULL))
        g_ptr_array_add (topics, g_steal_pointer (&topic));
    }

  body = _just_sync_pb_subscribe_body (self->realtime_client_id, topics);
  self->subscribing = TRUE;
  /* The subscription belongs to this connection: it ends with it. */
  _just_sync_pb_request_async (self, "POST", "/api/realtime", NULL, body, JUST_SYNC_PB_REQUEST_DEFAULT,
                               _just_sync_event_stream_get_cancellable (self->realtime),
                               pb_realtime_subscribed_cb, NULL);
}

/* Creates the stream, on the thread-default main context of the caller:
 * the store's context, where reconnects happen. */
void
_just_sync_pb_realtime_init (JustSyncPocketbaseStore *self)
{
  self->realtime = _just_sync_event_stream_new (self->client, "/api/realtime", NULL);
  g_signal_connect (self->realtime, "event", G_CALLBACK (pb_realtime_event_cb), self);
  g_signal_connect (self->realtime, "lost", G_CALLBACK (pb_realtime_lost_cb), self);
}

/* Connects, resubscribes or disconnects as the watched scopes require. */
void
_just_sync_pb_realtime_update (JustSyncPocketbaseStore *self)
{
  if (self->realtime == NULL)
    return;

  if (g_hash_table_size (self->watched) == 0)
    {
      _just_sync_event_stream_stop (self->realtime);
      pb_realtime_lost_cb (self->realtime, NULL, self);
      self->needs_catch_up = FALSE;
    }
  else if (!_just_sync_event_stream_is_active (self->realtime))
    _just_sync_event_stream_start (self->realtime);
  else
    pb_realtime_subscribe (self);
}

void
_just_sync_pb_realtime_dispose (JustSyncPocketbaseStore *self)
{
  if (self->realtime == NULL)
    return;

  g_signal_handlers_disconnect_by_data (self->realtime, self);
  _just_sync_event_stream_stop (self->realtime);
  g_clear_object (&self->realtime);
  g_clear_pointer (&self->realtime_client_id, g_free);
}
