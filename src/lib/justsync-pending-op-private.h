/* justsync-pending-op-private.h
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include "justsync-pending-op.h"
#include "justsync-scope.h"

G_BEGIN_DECLS

JustSyncPendingOp *_just_sync_pending_op_copy_with         (JustSyncPendingOp  *op,
                                                            const char         *base_version,
                                                            guint               attempts,
                                                            JustSyncOpState     state,
                                                            const char         *last_error);
JustSyncPendingOp *_just_sync_pending_op_coalesce          (GPtrArray          *ops);
JustSyncRecord    *_just_sync_pending_op_dup_pushed_record (JustSyncPendingOp  *op);
void               _just_sync_pending_op_trim_update       (JustSyncScope      *scope,
                                                            JsonObject         *body,
                                                            const char         *id_member);
char              *_just_sync_pending_op_fields_to_json    (const char * const *fields);
GStrv              _just_sync_pending_op_fields_from_node  (JsonNode           *node,
                                                            GError            **error);

G_END_DECLS
