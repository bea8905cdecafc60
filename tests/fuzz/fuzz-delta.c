/* fuzz-delta.c: the JSON forms of deltas, sync points, pending operations
 * and conflicts
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "fuzz-common.h"

int
LLVMFuzzerInitialize (int    *argc,
                      char ***argv)
{
  fuzz_init ();
  return 0;
}

/* Reads @node with @from_json; what it accepts must write a form that
 * reads back. */
#define CHECK_FORM(Type, from_json, to_json, free_func) \
  G_STMT_START { \
    g_autoptr(GError) error = NULL; \
    Type *value = from_json (node, &error); \
    \
    if (value == NULL) \
      fuzz_check_error (error); \
    else \
      { \
        g_autoptr(JsonNode) form = to_json (value); \
        Type *back; \
        \
        fuzz_check_round_trip (form, JUST_SYNC_JSON_MAX_ENVELOPE_DEPTH); \
        back = from_json (form, &error); \
        FUZZ_CHECK (back != NULL); \
        free_func (back); \
        free_func (value); \
      } \
  } G_STMT_END

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(JsonNode) node = _just_sync_json_parse ((const char *) data, size,
                                                    JUST_SYNC_JSON_MAX_ENVELOPE_DEPTH, NULL);

  if (node == NULL)
    return 0;
  CHECK_FORM (JustSyncDelta, just_sync_delta_from_json, just_sync_delta_to_json,
              just_sync_delta_unref);
  CHECK_FORM (JustSyncSyncPoint, just_sync_sync_point_from_json, just_sync_sync_point_to_json,
              just_sync_sync_point_unref);
  CHECK_FORM (JustSyncPendingOp, just_sync_pending_op_from_json, just_sync_pending_op_to_json,
              just_sync_pending_op_unref);
  CHECK_FORM (JustSyncConflict, just_sync_conflict_from_json, just_sync_conflict_to_json,
              just_sync_conflict_unref);
  return 0;
}
