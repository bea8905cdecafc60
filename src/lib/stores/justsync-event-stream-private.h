/* justsync-event-stream-private.h
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include "justsync-http-client-private.h"

G_BEGIN_DECLS

/*
 * JustSyncEventParser: the `text/event-stream` format (the WHATWG HTML
 * "server-sent events" parsing rules), fed bytes as they come, in chunks
 * cut anywhere. Pure: no I/O, no main context.
 *
 * @type: the event's type, `message` when the server named none
 * @data: its data lines joined with `\n`
 * @id: (nullable): the last event id the stream set, %NULL when none
 */
typedef void (*JustSyncEventFunc) (const char *type,
                                   const char *data,
                                   const char *id,
                                   gpointer    user_data);

typedef struct _JustSyncEventParser JustSyncEventParser;

JustSyncEventParser *_just_sync_event_parser_new       (JustSyncEventFunc     func,
                                                        gpointer              user_data);
void                 _just_sync_event_parser_free      (JustSyncEventParser  *self);
gboolean             _just_sync_event_parser_feed      (JustSyncEventParser  *self,
                                                        const char           *data,
                                                        gsize                 length,
                                                        GError              **error);
gint64               _just_sync_event_parser_get_retry (JustSyncEventParser  *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (JustSyncEventParser, _just_sync_event_parser_free)

/*
 * JustSyncEventStream: a server-sent event stream that stays open. It
 * reconnects with exponential backoff whenever the connection is lost, on
 * the thread-default main context it was created on, and sends
 * `Last-Event-ID` when the server gave ids. A backend adds only its
 * dialect: what the events mean, and when a connection is healthy enough
 * to reset the backoff.
 *
 * Signals:
 * - `event` (type, data, id): one event;
 * - `lost` (why): the connection ended or failed; a reconnect is scheduled.
 *   A handler may stop the stream.
 */
#define JUST_SYNC_TYPE_EVENT_STREAM (_just_sync_event_stream_get_type ())

G_DECLARE_FINAL_TYPE (JustSyncEventStream, _just_sync_event_stream, JUST_SYNC, EVENT_STREAM, GObject)

JustSyncEventStream *_just_sync_event_stream_new             (JustSyncHttpClient  *client,
                                                              const char          *path,
                                                              const char          *query);
void                 _just_sync_event_stream_set_backoff     (JustSyncEventStream *self,
                                                              guint                min_ms,
                                                              guint                max_ms);
void                 _just_sync_event_stream_start           (JustSyncEventStream *self);
void                 _just_sync_event_stream_stop            (JustSyncEventStream *self);
void                 _just_sync_event_stream_reconnect       (JustSyncEventStream *self,
                                                              const char          *why);
void                 _just_sync_event_stream_reset_backoff   (JustSyncEventStream *self);
gboolean             _just_sync_event_stream_is_active       (JustSyncEventStream *self);
GCancellable        *_just_sync_event_stream_get_cancellable (JustSyncEventStream *self);

G_END_DECLS
