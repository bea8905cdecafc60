/* justsync-query.h
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#if !defined(JUST_SYNC_INSIDE) && !defined(JUST_SYNC_COMPILATION)
# error "Only <justsync/justsync.h> can be included directly."
#endif

#include <glib-object.h>

#include "justsync-record.h"
#include "justsync-scope.h"
#include "justsync-version-macros.h"

G_BEGIN_DECLS

/**
 * JustSyncQueryOperator:
 * @JUST_SYNC_QUERY_EQUAL: the field equals the value
 * @JUST_SYNC_QUERY_NOT_EQUAL: the field is missing, null, or differs from the value
 * @JUST_SYNC_QUERY_LESS: the field is less than the value
 * @JUST_SYNC_QUERY_LESS_OR_EQUAL: the field is less than or equal to the value
 * @JUST_SYNC_QUERY_GREATER: the field is greater than the value
 * @JUST_SYNC_QUERY_GREATER_OR_EQUAL: the field is greater than or equal to the value
 * @JUST_SYNC_QUERY_CONTAINS: the field is a string that contains the value
 *   (case-sensitive); only for string values
 *
 * How a filter of a [class@JustSync.Query] compares a JSON field with its
 * value. Values of different types compare as SQLite compares them: a
 * missing or null field (or an object or array) is smaller than any number,
 * and numbers are smaller than strings; booleans are the numbers 0 and 1;
 * strings compare byte by byte. A missing or null field matches no
 * comparison except %JUST_SYNC_QUERY_NOT_EQUAL.
 */
typedef enum
{
  JUST_SYNC_QUERY_EQUAL,
  JUST_SYNC_QUERY_NOT_EQUAL,
  JUST_SYNC_QUERY_LESS,
  JUST_SYNC_QUERY_LESS_OR_EQUAL,
  JUST_SYNC_QUERY_GREATER,
  JUST_SYNC_QUERY_GREATER_OR_EQUAL,
  JUST_SYNC_QUERY_CONTAINS,
} JustSyncQueryOperator;

#define JUST_SYNC_TYPE_QUERY (just_sync_query_get_type ())

JUST_SYNC_AVAILABLE_IN_ALL
G_DECLARE_FINAL_TYPE (JustSyncQuery, just_sync_query, JUST_SYNC, QUERY, GObject)

JUST_SYNC_AVAILABLE_IN_ALL
JustSyncQuery *just_sync_query_new                (JustSyncScope          *scope);
JUST_SYNC_AVAILABLE_IN_ALL
JustSyncQuery *just_sync_query_new_from_json      (JustSyncScope          *scope,
                                                   JsonNode               *node,
                                                   GError                **error);
JUST_SYNC_AVAILABLE_IN_ALL
JsonNode      *just_sync_query_to_json            (JustSyncQuery          *self);
JUST_SYNC_AVAILABLE_IN_ALL
JustSyncScope *just_sync_query_get_scope          (JustSyncQuery          *self);
JUST_SYNC_AVAILABLE_IN_ALL
void           just_sync_query_add_filter_string  (JustSyncQuery          *self,
                                                   const char             *field,
                                                   JustSyncQueryOperator   op,
                                                   const char             *value);
JUST_SYNC_AVAILABLE_IN_ALL
void           just_sync_query_add_filter_int     (JustSyncQuery          *self,
                                                   const char             *field,
                                                   JustSyncQueryOperator   op,
                                                   gint64                  value);
JUST_SYNC_AVAILABLE_IN_ALL
void           just_sync_query_add_filter_double  (JustSyncQuery          *self,
                                                   const char             *field,
                                                   JustSyncQueryOperator   op,
                                                   double                  value);
JUST_SYNC_AVAILABLE_IN_ALL
void           just_sync_query_add_filter_boolean (JustSyncQuery          *self,
                                                   const char             *field,
                                                   JustSyncQueryOperator   op,
                                                   gboolean                value);
JUST_SYNC_AVAILABLE_IN_ALL
void           just_sync_query_add_filter_is_null (JustSyncQuery          *self,
                                                   const char             *field);
JUST_SYNC_AVAILABLE_IN_ALL
void           just_sync_query_add_order          (JustSyncQuery          *self,
                                                   const char             *field,
                                                   gboolean                descending);
JUST_SYNC_AVAILABLE_IN_ALL
void           just_sync_query_set_limit          (JustSyncQuery          *self,
                                                   guint                   limit);
JUST_SYNC_AVAILABLE_IN_ALL
guint          just_sync_query_get_limit          (JustSyncQuery          *self);
JUST_SYNC_AVAILABLE_IN_ALL
gboolean       just_sync_query_matches            (JustSyncQuery          *self,
                                                   JustSyncRecord         *record);
JUST_SYNC_AVAILABLE_IN_ALL
int            just_sync_query_compare            (JustSyncQuery          *self,
                                                   JustSyncRecord         *a,
                                                   JustSyncRecord         *b);

G_END_DECLS
