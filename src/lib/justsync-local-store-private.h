/* justsync-local-store-private.h
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include "justsync-local-store.h"

G_BEGIN_DECLS

/* What a query_page_async() task returns. */
typedef struct
{
  GPtrArray *records;  /* JustSyncRecord */
  guint total;
} JustSyncRecordPage;

JustSyncRecordPage *_just_sync_record_page_new   (GPtrArray          *records,
                                                  guint               total);
void                _just_sync_record_page_free  (JustSyncRecordPage *page);
GPtrArray          *_just_sync_record_page_steal (JustSyncRecordPage *page,
                                                  guint              *out_total);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (JustSyncRecordPage, _just_sync_record_page_free)

G_END_DECLS
