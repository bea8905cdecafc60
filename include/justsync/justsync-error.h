/* justsync-error.h
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#if !defined(JUST_SYNC_INSIDE) && !defined(JUST_SYNC_COMPILATION)
# error "Only <justsync/justsync.h> can be included directly."
#endif

#include <glib.h>

#include "justsync-version-macros.h"

G_BEGIN_DECLS

/**
 * JUST_SYNC_ERROR:
 *
 * The error domain of JustSync. Errors in it carry a [error@JustSync.Error] code.
 * Cancellation is reported as %G_IO_ERROR_CANCELLED, not in this domain.
 */
#define JUST_SYNC_ERROR (just_sync_error_quark ())

/**
 * JustSyncError:
 * @JUST_SYNC_ERROR_FAILED: a failure with no more specific code
 * @JUST_SYNC_ERROR_INVALID_ARGUMENT: bad input: a malformed scope, record,
 *   JSON document or timestamp
 * @JUST_SYNC_ERROR_NOT_FOUND: no such record, store or object
 * @JUST_SYNC_ERROR_STORAGE: the local store failed (a corrupt or unsupported
 *   database, a full disk, an I/O error)
 * @JUST_SYNC_ERROR_NETWORK: the server could not be reached, or the
 *   connection failed or timed out; transient
 * @JUST_SYNC_ERROR_SERVER: the server failed (5xx), is overloaded (429) or
 *   sent a reply that cannot be understood; transient
 * @JUST_SYNC_ERROR_AUTH: the server refused the credentials (401, 403)
 * @JUST_SYNC_ERROR_CONFLICT: a conditional write found a newer version
 * @JUST_SYNC_ERROR_REJECTED: the server refused the request permanently
 *   (another 4xx); the message is the server's
 * @JUST_SYNC_ERROR_OFFLINE: the operation needs the network and there is none
 * @JUST_SYNC_ERROR_PROTOCOL: the server broke the sync protocol: a page that
 *   does not move past the last one, a field of the wrong type, a reply that
 *   contradicts the request. Permanent: retrying the same request cannot
 *   help, so the engine waits for something to change (a new sync request,
 *   a new server reply) instead of backing off for ever
 *
 * Error codes in the %JUST_SYNC_ERROR domain. Over D-Bus they are the named
 * errors `org.justsync.Sync1.Error.Failed`, `….InvalidArgument`, and so on.
 */
typedef enum
{
  JUST_SYNC_ERROR_FAILED,
  JUST_SYNC_ERROR_INVALID_ARGUMENT,
  JUST_SYNC_ERROR_NOT_FOUND,
  JUST_SYNC_ERROR_STORAGE,
  JUST_SYNC_ERROR_NETWORK,
  JUST_SYNC_ERROR_SERVER,
  JUST_SYNC_ERROR_AUTH,
  JUST_SYNC_ERROR_CONFLICT,
  JUST_SYNC_ERROR_REJECTED,
  JUST_SYNC_ERROR_OFFLINE,
  JUST_SYNC_ERROR_PROTOCOL,
} JustSyncError;

JUST_SYNC_AVAILABLE_IN_ALL
GQuark   just_sync_error_quark        (void);
JUST_SYNC_AVAILABLE_IN_ALL
gboolean just_sync_error_is_transient (const GError *error);

G_END_DECLS
