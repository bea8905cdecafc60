/* justsync.h
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#define JUST_SYNC_INSIDE

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "justsync-version.h"
#include "justsync-version-macros.h"

#include "justsync-enums.h"
#include "justsync-enum-types.h"
#include "justsync-error.h"
#include "justsync-timestamp.h"

#include "justsync-scope.h"
#include "justsync-record.h"
#include "justsync-sync-point.h"
#include "justsync-delta.h"
#include "justsync-pending-op.h"
#include "justsync-conflict.h"
#include "justsync-push-result.h"
#include "justsync-apply-result.h"
#include "justsync-sync-result.h"
#include "justsync-query.h"
#include "justsync-record-object.h"

#include "justsync-conflict-resolver.h"
#include "justsync-field-merge-resolver.h"
#include "justsync-last-write-wins-resolver.h"
#include "justsync-local-store.h"
#include "justsync-remote-store.h"
#include "justsync-memory-local-store.h"
#include "justsync-memory-remote-store.h"
#include "justsync-sqlite-store.h"
#include "justsync-pocketbase-store.h"
#include "justsync-supabase-store.h"
#include "justsync-appwrite-store.h"
#include "justsync-live-query.h"
#include "justsync-orchestrator.h"
#ifdef JUST_SYNC_HAS_SECRET
#include "justsync-secret.h"
#endif

#undef JUST_SYNC_INSIDE
