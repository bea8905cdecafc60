/* justsync-query-private.h
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include "justsync-query.h"

G_BEGIN_DECLS

/* A JSON value as SQLite sees it after json_extract(): objects and arrays
 * count as NULL, booleans as the integers 0 and 1. */
typedef enum
{
  JUST_SYNC_QUERY_VALUE_NULL,
  JUST_SYNC_QUERY_VALUE_INT,
  JUST_SYNC_QUERY_VALUE_DOUBLE,
  JUST_SYNC_QUERY_VALUE_TEXT,
} JustSyncQueryValueKind;

typedef struct
{
  JustSyncQueryValueKind kind;
  gint64 i;
  double d;
  const char *s;
} JustSyncQueryValue;

typedef struct
{
  char *field;
  char **labels;               /* @field split at its dots */
  gboolean is_null;            /* a null test: @op and @value are unused */
  JustSyncQueryOperator op;
  JustSyncQueryValue value;    /* its string is owned by @field's filter */
} JustSyncQueryFilter;

typedef struct
{
  char *field;                 /* NULL orders by updated_at */
  char **labels;
  gboolean descending;
} JustSyncQueryOrder;

/* JustSyncQueryFilter, in the order they were added. */
GPtrArray *_just_sync_query_get_filters (JustSyncQuery *self);
/* JustSyncQueryOrder; the id ascending breaks every tie. */
GPtrArray *_just_sync_query_get_orders  (JustSyncQuery *self);
/* Forbids further changes: a store or a live query uses the query. */
void       _just_sync_query_seal        (JustSyncQuery *self);
/* The live records of @records that match, sorted, and limited if
 * @with_limit: what a store without a query engine returns. */
GPtrArray *_just_sync_query_select      (JustSyncQuery *self,
                                         GPtrArray     *records,
                                         gboolean       with_limit);

G_END_DECLS
