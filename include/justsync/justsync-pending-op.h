/* justsync-pending-op.h
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#if !defined(JUST_SYNC_INSIDE) && !defined(JUST_SYNC_COMPILATION)
# error "Only <justsync/justsync.h> can be included directly."
#endif

#include <json-glib/json-glib.h>

#include "justsync-enums.h"
#include "justsync-record.h"
#include "justsync-version-macros.h"

G_BEGIN_DECLS

#define JUST_SYNC_TYPE_PENDING_OP (just_sync_pending_op_get_type ())

typedef struct _JustSyncPendingOp JustSyncPendingOp;

JUST_SYNC_AVAILABLE_IN_ALL
GType              just_sync_pending_op_get_type         (void) G_GNUC_CONST;
JUST_SYNC_AVAILABLE_IN_ALL
JustSyncPendingOp *just_sync_pending_op_new              (gint64              seq,
                                                          JustSyncOpKind      kind,
                                                          JustSyncRecord     *record,
                                                          const char         *base_version,
                                                          guint               attempts,
                                                          JustSyncOpState     state,
                                                          const char         *last_error);
JUST_SYNC_AVAILABLE_IN_ALL
JustSyncPendingOp *just_sync_pending_op_new_patch        (gint64              seq,
                                                          JustSyncRecord     *record,
                                                          const char * const *fields,
                                                          const char         *base_version,
                                                          guint               attempts,
                                                          JustSyncOpState     state,
                                                          const char         *last_error);
JUST_SYNC_AVAILABLE_IN_ALL
JustSyncPendingOp *just_sync_pending_op_from_json        (JsonNode           *node,
                                                          GError            **error);
JUST_SYNC_AVAILABLE_IN_ALL
JustSyncPendingOp *just_sync_pending_op_ref              (JustSyncPendingOp  *self);
JUST_SYNC_AVAILABLE_IN_ALL
void               just_sync_pending_op_unref            (JustSyncPendingOp  *self);
JUST_SYNC_AVAILABLE_IN_ALL
gint64             just_sync_pending_op_get_seq          (JustSyncPendingOp  *self);
JUST_SYNC_AVAILABLE_IN_ALL
JustSyncOpKind     just_sync_pending_op_get_kind         (JustSyncPendingOp  *self);
JUST_SYNC_AVAILABLE_IN_ALL
JustSyncRecord    *just_sync_pending_op_get_record       (JustSyncPendingOp  *self);
JUST_SYNC_AVAILABLE_IN_ALL
const char        *just_sync_pending_op_get_record_id    (JustSyncPendingOp  *self);
JUST_SYNC_AVAILABLE_IN_ALL
const char * const *just_sync_pending_op_get_fields      (JustSyncPendingOp  *self);
JUST_SYNC_AVAILABLE_IN_ALL
const char        *just_sync_pending_op_get_base_version (JustSyncPendingOp  *self);
JUST_SYNC_AVAILABLE_IN_ALL
guint              just_sync_pending_op_get_attempts     (JustSyncPendingOp  *self);
JUST_SYNC_AVAILABLE_IN_ALL
JustSyncOpState    just_sync_pending_op_get_state        (JustSyncPendingOp  *self);
JUST_SYNC_AVAILABLE_IN_ALL
const char        *just_sync_pending_op_get_last_error   (JustSyncPendingOp  *self);
JUST_SYNC_AVAILABLE_IN_ALL
JsonNode          *just_sync_pending_op_to_json          (JustSyncPendingOp  *self);
JUST_SYNC_AVAILABLE_IN_ALL
gboolean           just_sync_pending_op_equal            (gconstpointer       a,
                                                          gconstpointer       b);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (JustSyncPendingOp, just_sync_pending_op_unref)

G_END_DECLS
