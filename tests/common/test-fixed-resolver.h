/* test-fixed-resolver.h: a conflict resolver with a fixed answer that
 * remembers what it was asked, and where
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <justsync/justsync.h>

G_BEGIN_DECLS

#define TEST_TYPE_FIXED_RESOLVER (test_fixed_resolver_get_type ())
G_DECLARE_FINAL_TYPE (TestFixedResolver, test_fixed_resolver, TEST, FIXED_RESOLVER, GObject)

TestFixedResolver *test_fixed_resolver_new             (JustSyncResolution  answer);
guint              test_fixed_resolver_get_calls       (TestFixedResolver  *self);
/* The thread of the last call, or NULL before the first. */
GThread           *test_fixed_resolver_get_thread      (TestFixedResolver  *self);
/* The sides of the last call, or NULL before the first. */
JustSyncRecord    *test_fixed_resolver_get_last_local  (TestFixedResolver  *self);
JustSyncRecord    *test_fixed_resolver_get_last_remote (TestFixedResolver  *self);

G_END_DECLS
