/* justsync-enums.h
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#if !defined(JUST_SYNC_INSIDE) && !defined(JUST_SYNC_COMPILATION)
# error "Only <justsync/justsync.h> can be included directly."
#endif

#include <glib.h>

G_BEGIN_DECLS

/**
 * JustSyncOpKind:
 * @JUST_SYNC_OP_UPSERT: create or replace the record
 * @JUST_SYNC_OP_DELETE: delete the record (a tombstone where the backend keeps them)
 *
 * What a pending operation does to its record.
 */
typedef enum
{
  JUST_SYNC_OP_UPSERT,
  JUST_SYNC_OP_DELETE,
} JustSyncOpKind;

/**
 * JustSyncOpState:
 * @JUST_SYNC_OP_STATE_QUEUED: waiting to be pushed
 * @JUST_SYNC_OP_STATE_FAILED: the server rejected it permanently; it stays
 *   parked until retried or discarded
 *
 * The state of a pending operation.
 */
typedef enum
{
  JUST_SYNC_OP_STATE_QUEUED,
  JUST_SYNC_OP_STATE_FAILED,
} JustSyncOpState;

/**
 * JustSyncPushStatus:
 * @JUST_SYNC_PUSH_WRITTEN: the server stored the operation; the reply holds
 *   the server's version of the record
 * @JUST_SYNC_PUSH_PRECONDITION_FAILED: a conditional write found another
 *   version on the server; pull and resolve before pushing again
 * @JUST_SYNC_PUSH_REJECTED: the server refused the operation permanently
 *   (a 4xx answer); the message says why
 * @JUST_SYNC_PUSH_RETRY: a transient failure (network, 5xx, 429); try again later
 *
 * What happened to one pending operation in a push.
 */
typedef enum
{
  JUST_SYNC_PUSH_WRITTEN,
  JUST_SYNC_PUSH_PRECONDITION_FAILED,
  JUST_SYNC_PUSH_REJECTED,
  JUST_SYNC_PUSH_RETRY,
} JustSyncPushStatus;

/**
 * JustSyncResolution:
 * @JUST_SYNC_RESOLUTION_REMOTE: the remote version wins
 * @JUST_SYNC_RESOLUTION_LOCAL: the local version wins
 *
 * The choice of a [iface@JustSync.ConflictResolver].
 */
typedef enum
{
  JUST_SYNC_RESOLUTION_REMOTE,
  JUST_SYNC_RESOLUTION_LOCAL,
} JustSyncResolution;

/**
 * JustSyncReadPolicy:
 * @JUST_SYNC_READ_OFFLINE_ONLY: read the local store only
 * @JUST_SYNC_READ_LOCAL_FIRST: read the local store now and refresh it in the
 *   background
 * @JUST_SYNC_READ_REMOTE_FIRST: synchronize first; when offline or the server
 *   is unreachable, fall back to the local store and say so
 * @JUST_SYNC_READ_ONLINE_ONLY: synchronize first; fail when that is impossible
 *
 * How a read chooses between the local store and the server.
 */
typedef enum
{
  JUST_SYNC_READ_OFFLINE_ONLY,
  JUST_SYNC_READ_LOCAL_FIRST,
  JUST_SYNC_READ_REMOTE_FIRST,
  JUST_SYNC_READ_ONLINE_ONLY,
} JustSyncReadPolicy;

/**
 * JustSyncSyncState:
 * @JUST_SYNC_STATE_IDLE: nothing to do, or waiting for the next sync
 * @JUST_SYNC_STATE_SYNCING: a sync is running
 * @JUST_SYNC_STATE_OFFLINE: the network is down; local reads and writes
 *   still work and are pushed when it returns
 * @JUST_SYNC_STATE_ERROR: the last sync failed; it is retried with backoff
 *
 * The state of a [class@JustSync.Orchestrator], for the UI.
 */
typedef enum
{
  JUST_SYNC_STATE_IDLE,
  JUST_SYNC_STATE_SYNCING,
  JUST_SYNC_STATE_OFFLINE,
  JUST_SYNC_STATE_ERROR,
} JustSyncSyncState;

/**
 * JustSyncSyncPhase:
 * @JUST_SYNC_PHASE_PULL: pulling remote changes
 * @JUST_SYNC_PHASE_PUSH: pushing pending operations
 * @JUST_SYNC_PHASE_RECONCILE: comparing the whole scope with the server
 *
 * The phase a sync reports progress for.
 */
typedef enum
{
  JUST_SYNC_PHASE_PULL,
  JUST_SYNC_PHASE_PUSH,
  JUST_SYNC_PHASE_RECONCILE,
} JustSyncSyncPhase;

/**
 * JustSyncTimestampFormat:
 * @JUST_SYNC_TIMESTAMP_RFC3339: RFC 3339 in UTC with microseconds,
 *   `2006-01-02T15:04:05.000000Z` (PostgREST)
 * @JUST_SYNC_TIMESTAMP_RFC3339_MILLIS: RFC 3339 with milliseconds and a
 *   `+00:00` offset, `2006-01-02T15:04:05.000+00:00` (Appwrite)
 *
 * The textual forms of a timestamp that JustSync writes. A backend's own
 * layout (PocketBase's `2006-01-02 15:04:05.000Z`) belongs to its codec.
 */
typedef enum
{
  JUST_SYNC_TIMESTAMP_RFC3339,
  JUST_SYNC_TIMESTAMP_RFC3339_MILLIS,
} JustSyncTimestampFormat;

G_END_DECLS
