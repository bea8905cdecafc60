/* test-fixed-resolver.c
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "test-fixed-resolver.h"

struct _TestFixedResolver
{
  GObject parent_instance;
  JustSyncResolution answer;
  guint calls;
  GThread *thread;
  JustSyncRecord *last_local;
  JustSyncRecord *last_remote;
};

static JustSyncResolution
test_fixed_resolver_resolve (JustSyncConflictResolver *resolver,
                             JustSyncRecord           *local,
                             JustSyncRecord           *remote)
{
  TestFixedResolver *self = TEST_FIXED_RESOLVER (resolver);

  self->calls++;
  self->thread = g_thread_self ();
  g_clear_pointer (&self->last_local, just_sync_record_unref);
  g_clear_pointer (&self->last_remote, just_sync_record_unref);
  self->last_local = just_sync_record_ref (local);
  self->last_remote = just_sync_record_ref (remote);
  return self->answer;
}

static void
test_fixed_resolver_iface_init (JustSyncConflictResolverInterface *iface)
{
  iface->resolve = test_fixed_resolver_resolve;
}

G_DEFINE_FINAL_TYPE_WITH_CODE (TestFixedResolver, test_fixed_resolver, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (JUST_SYNC_TYPE_CONFLICT_RESOLVER,
                                                      test_fixed_resolver_iface_init))

static void
test_fixed_resolver_finalize (GObject *object)
{
  TestFixedResolver *self = TEST_FIXED_RESOLVER (object);

  g_clear_pointer (&self->last_local, just_sync_record_unref);
  g_clear_pointer (&self->last_remote, just_sync_record_unref);

  G_OBJECT_CLASS (test_fixed_resolver_parent_class)->finalize (object);
}

static void
test_fixed_resolver_class_init (TestFixedResolverClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = test_fixed_resolver_finalize;
}

static void
test_fixed_resolver_init (TestFixedResolver *self)
{
}

TestFixedResolver *
test_fixed_resolver_new (JustSyncResolution answer)
{
  TestFixedResolver *self = g_object_new (TEST_TYPE_FIXED_RESOLVER, NULL);

  self->answer = answer;
  return self;
}

guint
test_fixed_resolver_get_calls (TestFixedResolver *self)
{
  return self->calls;
}

GThread *
test_fixed_resolver_get_thread (TestFixedResolver *self)
{
  return self->thread;
}

JustSyncRecord *
test_fixed_resolver_get_last_local (TestFixedResolver *self)
{
  return self->last_local;
}

JustSyncRecord *
test_fixed_resolver_get_last_remote (TestFixedResolver *self)
{
  return self->last_remote;
}
