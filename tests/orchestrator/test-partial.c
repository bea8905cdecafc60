/* test-partial.c: patch writes and field merges through the engine
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Each test runs on the memory and the SQLite store, with the built-in
 * JustSyncFieldMergeResolver (asked on the store's thread) and with an
 * app resolver that merges the same way (asked on the caller's context,
 * between the attempts of a two-phase apply).
 */

#include "justsync-pending-op-private.h"
#include "test-support.h"

/* An app resolver: it merges as the built-in one does, and counts. */
#define TEST_TYPE_APP_MERGER (test_app_merger_get_type ())
G_DECLARE_FINAL_TYPE (TestAppMerger, test_app_merger, TEST, APP_MERGER, GObject)

struct _TestAppMerger
{
  GObject parent_instance;
  JustSyncConflictResolver *inner;
  guint merges;
};

static void test_app_merger_iface_init (JustSyncConflictResolverInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (TestAppMerger, test_app_merger, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (JUST_SYNC_TYPE_CONFLICT_RESOLVER,
                                                      test_app_merger_iface_init))

static JustSyncResolution
test_app_merger_resolve (JustSyncConflictResolver *resolver,
                         JustSyncRecord           *local,
                         JustSyncRecord           *remote)
{
  return just_sync_conflict_resolver_resolve (TEST_APP_MERGER (resolver)->inner, local, remote);
}

static JustSyncRecord *
test_app_merger_merge (JustSyncConflictResolver *resolver,
                       JustSyncRecord           *base,
                       JustSyncRecord           *local,
                       JustSyncRecord           *remote)
{
  TestAppMerger *self = TEST_APP_MERGER (resolver);

  /* App code runs on the context that started the apply. */
  g_assert_true (g_main_context_is_owner (g_main_context_default ()));
  self->merges++;
  return just_sync_conflict_resolver_merge (self->inner, base, local, remote);
}

static void
test_app_merger_iface_init (JustSyncConflictResolverInterface *iface)
{
  iface->resolve = test_app_merger_resolve;
  iface->merge = test_app_merger_merge;
}

static void
test_app_merger_finalize (GObject *object)
{
  g_object_unref (TEST_APP_MERGER (object)->inner);
  G_OBJECT_CLASS (test_app_merger_parent_class)->finalize (object);
}

static void
test_app_merger_class_init (TestAppMergerClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = test_app_merger_finalize;
}

static void
test_app_merger_init (TestAppMerger *self)
{
  self->inner = just_sync_field_merge_resolver_new ();
}

typedef JustSyncLocalStore *(*LocalStoreFactory) (void);

typedef struct
{
  LocalStoreFactory new_local_store;
  gboolean app_resolver;
} Params;

typedef struct
{
  JustSyncMemoryRemoteStore *remote;
  JustSyncScope *scope;
  JustSyncConflictResolver *resolver;
  TestClient a;
  TestClient b;
} Fixture;

/* test_client_init() with an engine that uses @resolver. */
static void
client_init (TestClient               *client,
             JustSyncLocalStore       *local,
             JustSyncRemoteStore      *remote,
             JustSyncConflictResolver *resolver)
{
  g_autoptr(TestPowerMonitor) power = test_power_monitor_new ();

  test_client_init (client, local, remote);
  g_clear_object (&client->orchestrator);
  client->orchestrator = g_object_new (JUST_SYNC_TYPE_ORCHESTRATOR,
                                       "local-store", client->local,
                                       "remote-store", client->remote,
                                       "network-monitor", client->monitor,
                                       "power-profile-monitor", power,
                                       "resolver", resolver,
                                       "debounce-interval", 10 * G_TIME_SPAN_MINUTE,
                                       "retry-base-delay", 10 * G_TIME_SPAN_MINUTE,
                                       NULL);
}

static void
fixture_setup (Fixture       *fixture,
               gconstpointer  data)
{
  const Params *params = data;

  fixture->remote = just_sync_test_remote_new ();
  just_sync_test_remote_set_needs_network (fixture->remote, TRUE);
  fixture->scope = just_sync_test_scope ("records", "owner", "u1", NULL);
  fixture->resolver = params->app_resolver ? g_object_new (TEST_TYPE_APP_MERGER, NULL)
                                           : just_sync_field_merge_resolver_new ();
  client_init (&fixture->a, params->new_local_store (), JUST_SYNC_REMOTE_STORE (fixture->remote),
               fixture->resolver);
  client_init (&fixture->b, params->new_local_store (), JUST_SYNC_REMOTE_STORE (fixture->remote),
               fixture->resolver);
}

static void
fixture_teardown (Fixture       *fixture,
                  gconstpointer  data)
{
  test_client_clear (&fixture->a);
  test_client_clear (&fixture->b);
  g_clear_object (&fixture->resolver);
  g_clear_pointer (&fixture->scope, just_sync_scope_unref);
  g_clear_object (&fixture->remote);
}

static void
assert_content (JustSyncRecord *record,
                const char     *json)
{
  g_autoptr(JustSyncRecord) expected = just_sync_test_record ("x", json, 0);
  g_autofree char *actual = NULL;

  g_assert_nonnull (record);
  actual = just_sync_record_dup_payload_data (record);
  g_test_message ("content: %s", actual);
  g_assert_cmpstr (just_sync_record_get_content_hash (record), ==,
                   just_sync_record_get_content_hash (expected));
}

static void
assert_local (TestClient    *client,
              JustSyncScope *scope,
              const char    *json)
{
  g_autoptr(JustSyncRecord) record = just_sync_test_local_get (client->local, scope, "r1");

  assert_content (record, json);
}

static void
assert_server (Fixture    *fixture,
               const char *json)
{
  g_autoptr(JustSyncRecord) record = just_sync_memory_remote_store_server_get (fixture->remote,
                                                                               fixture->scope, "r1");

  assert_content (record, json);
}

static JustSyncRecord *
patch_id (TestClient    *client,
          JustSyncScope *scope,
          const char    *id,
          const char    *set,
          const char    *remove,
          GError       **error)
{
  g_autoptr(JsonObject) payload = just_sync_test_payload (set);
  g_auto(GStrv) names = g_strsplit (remove, ",", -1);

  return JUST_SYNC_TEST_AWAIT (just_sync_orchestrator_patch, client->orchestrator, error, scope,
                               id, payload, (const char * const *) names);
}

static JustSyncRecord *
patch (TestClient    *client,
       JustSyncScope *scope,
       const char    *set,
       const char    *remove,
       GError       **error)
{
  return patch_id (client, scope, "r1", set, remove, error);
}

static void
patch_id_ok (TestClient    *client,
             JustSyncScope *scope,
             const char    *id,
             const char    *set,
             const char    *remove)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JustSyncRecord) record = patch_id (client, scope, id, set, remove, &error);

  g_assert_no_error (error);
  g_assert_nonnull (record);
}

static void
patch_ok (TestClient    *client,
          JustSyncScope *scope,
          const char    *set,
          const char    *remove)
{
  patch_id_ok (client, scope, "r1", set, remove);
}

static guint
n_ops (TestClient    *client,
       JustSyncScope *scope)
{
  g_autoptr(GPtrArray) ops = just_sync_test_local_list_ops (client->local, scope);

  return ops->len;
}

/* A patch sets and removes named members and keeps the others. */
static void
test_patch_write (Fixture       *fixture,
                  gconstpointer  data)
{
  g_autoptr(JustSyncRecord) created = NULL;
  g_autoptr(JustSyncRecord) patched = NULL;
  g_autoptr(JustSyncRecord) missing = NULL;
  g_autoptr(GError) error = NULL;

  created = test_create (fixture->a.orchestrator, fixture->scope, "r1",
                         "{\"title\": \"t\", \"done\": false, \"note\": \"n\"}");
  patched = patch (&fixture->a, fixture->scope, "{\"done\": true, \"due\": 3}", "note,absent",
                   &error);
  g_assert_no_error (error);
  assert_content (patched, "{\"title\": \"t\", \"done\": true, \"due\": 3}");
  assert_local (&fixture->a, fixture->scope, "{\"title\": \"t\", \"done\": true, \"due\": 3}");
  g_assert_cmpint (just_sync_record_get_updated_at (patched), >=,
                   just_sync_record_get_updated_at (created));

  just_sync_sync_result_unref (test_sync_ok (fixture->a.orchestrator, fixture->scope));
  assert_server (fixture, "{\"title\": \"t\", \"done\": true, \"due\": 3}");
  g_assert_cmpuint (n_ops (&fixture->a, fixture->scope), ==, 0);

  /* Only a live record can be patched. */
  test_delete (fixture->a.orchestrator, fixture->scope, "r1");
  missing = patch (&fixture->a, fixture->scope, "{\"done\": false}", "", &error);
  g_assert_error (error, JUST_SYNC_ERROR, JUST_SYNC_ERROR_NOT_FOUND);
  g_assert_null (missing);
  g_clear_error (&error);
  missing = patch (&fixture->b, fixture->scope, "{\"done\": false}", "", &error);
  g_assert_error (error, JUST_SYNC_ERROR, JUST_SYNC_ERROR_NOT_FOUND);
  g_assert_null (missing);
}

/* Two clients patch different members of one record: both edits survive
 * the conflict, on both clients and the server, twice over (the base
 * moves with each acknowledged change). Last-write-wins would drop the
 * older client's member. */
static void
test_disjoint_edits_merge (Fixture       *fixture,
                           gconstpointer  data)
{
  g_autoptr(JustSyncSyncResult) result = NULL;
  g_autoptr(GPtrArray) conflicts = NULL;
  const char *merged = "{\"title\": \"B\", \"done\": true, \"tags\": \"x\"}";
  const char *merged2 = "{\"title\": \"B\", \"done\": false, \"tags\": \"y\"}";

  just_sync_record_unref (test_create (fixture->a.orchestrator, fixture->scope, "r1",
                                       "{\"title\": \"v1\", \"done\": false, \"tags\": \"x\"}"));
  just_sync_sync_result_unref (test_sync_ok (fixture->a.orchestrator, fixture->scope));
  just_sync_sync_result_unref (test_sync_ok (fixture->b.orchestrator, fixture->scope));

  /* A patches offline; B patches another member later and syncs first. */
  test_network_monitor_set_available (fixture->a.monitor, FALSE);
  patch_ok (&fixture->a, fixture->scope, "{\"done\": true}", "");
  just_sync_test_sleep (5);
  patch_ok (&fixture->b, fixture->scope, "{\"title\": \"B\"}", "");
  just_sync_sync_result_unref (test_sync_ok (fixture->b.orchestrator, fixture->scope));

  test_network_monitor_set_available (fixture->a.monitor, TRUE);
  result = test_sync_ok (fixture->a.orchestrator, fixture->scope);
  g_assert_cmpuint (just_sync_sync_result_get_conflicts (result)->len, ==, 1);
  g_assert_cmpuint (just_sync_sync_result_get_pushed (result), ==, 1);
  assert_local (&fixture->a, fixture->scope, merged);
  assert_server (fixture, merged);
  g_assert_cmpuint (n_ops (&fixture->a, fixture->scope), ==, 0);

  conflicts = just_sync_test_local_list_conflicts (fixture->a.local, fixture->scope);
  g_assert_cmpuint (conflicts->len, ==, 1);
  g_assert_cmpint (just_sync_conflict_get_resolution (g_ptr_array_index (conflicts, 0)), ==,
                   JUST_SYNC_RESOLUTION_LOCAL);

  just_sync_sync_result_unref (test_sync_ok (fixture->b.orchestrator, fixture->scope));
  assert_local (&fixture->b, fixture->scope, merged);

  /* Again, the other way round, with a removed-and-set member. */
  g_clear_pointer (&result, just_sync_sync_result_unref);
  test_network_monitor_set_available (fixture->b.monitor, FALSE);
  patch_ok (&fixture->b, fixture->scope, "{\"tags\": \"y\"}", "");
  just_sync_test_sleep (5);
  patch_ok (&fixture->a, fixture->scope, "{\"done\": false}", "");
  just_sync_sync_result_unref (test_sync_ok (fixture->a.orchestrator, fixture->scope));
  test_network_monitor_set_available (fixture->b.monitor, TRUE);
  result = test_sync_ok (fixture->b.orchestrator, fixture->scope);
  g_assert_cmpuint (just_sync_sync_result_get_conflicts (result)->len, ==, 1);
  assert_local (&fixture->b, fixture->scope, merged2);
  assert_server (fixture, merged2);
  just_sync_sync_result_unref (test_sync_ok (fixture->a.orchestrator, fixture->scope));
  assert_local (&fixture->a, fixture->scope, merged2);

  if (TEST_IS_APP_MERGER (fixture->resolver))
    g_assert_cmpuint (TEST_APP_MERGER (fixture->resolver)->merges, ==, 2);
}

/* Both clients change the same member: the later write has it, and the
 * older client's other member is kept. */
static void
test_overlapping_edit (Fixture       *fixture,
                       gconstpointer  data)
{
  const char *merged = "{\"title\": \"B\", \"done\": true}";

  just_sync_record_unref (test_create (fixture->a.orchestrator, fixture->scope, "r1",
                                       "{\"title\": \"v1\", \"done\": false}"));
  just_sync_sync_result_unref (test_sync_ok (fixture->a.orchestrator, fixture->scope));
  just_sync_sync_result_unref (test_sync_ok (fixture->b.orchestrator, fixture->scope));

  test_network_monitor_set_available (fixture->a.monitor, FALSE);
  patch_ok (&fixture->a, fixture->scope, "{\"title\": \"A\", \"done\": true}", "");
  just_sync_test_sleep (5);
  patch_ok (&fixture->b, fixture->scope, "{\"title\": \"B\"}", "");
  just_sync_sync_result_unref (test_sync_ok (fixture->b.orchestrator, fixture->scope));

  test_network_monitor_set_available (fixture->a.monitor, TRUE);
  just_sync_sync_result_unref (test_sync_ok (fixture->a.orchestrator, fixture->scope));
  assert_local (&fixture->a, fixture->scope, merged);
  assert_server (fixture, merged);
}

/* A record created on this client has no server version to merge on: the
 * conflict goes to last-write-wins. */
static void
test_no_base_falls_back (Fixture       *fixture,
                         gconstpointer  data)
{
  test_network_monitor_set_available (fixture->a.monitor, FALSE);
  just_sync_record_unref (test_create (fixture->a.orchestrator, fixture->scope, "r1",
                                       "{\"a\": 1}"));
  just_sync_test_sleep (5);
  just_sync_record_unref (test_create (fixture->b.orchestrator, fixture->scope, "r1",
                                       "{\"b\": 2}"));
  just_sync_sync_result_unref (test_sync_ok (fixture->b.orchestrator, fixture->scope));
  test_network_monitor_set_available (fixture->a.monitor, TRUE);
  just_sync_sync_result_unref (test_sync_ok (fixture->a.orchestrator, fixture->scope));
  assert_local (&fixture->a, fixture->scope, "{\"b\": 2}");
  assert_server (fixture, "{\"b\": 2}");
}

/* The op a push sends for @id: the record's queued ops, compacted. */
static JustSyncPendingOp *
pushed_op (TestClient    *client,
           JustSyncScope *scope,
           const char    *id)
{
  g_autoptr(GPtrArray) ops = just_sync_test_local_list_ops (client->local, scope);
  g_autoptr(GPtrArray) run = g_ptr_array_new ();

  for (guint i = 0; i < ops->len; i++)
    if (g_strcmp0 (just_sync_pending_op_get_record_id (g_ptr_array_index (ops, i)), id) == 0)
      g_ptr_array_add (run, g_ptr_array_index (ops, i));
  g_assert_cmpuint (run->len, >, 0);
  return _just_sync_pending_op_coalesce (run);
}

static void
assert_fields (JustSyncPendingOp *op,
               const char        *fields)
{
  const char * const *actual = just_sync_pending_op_get_fields (op);
  g_autofree char *joined = actual != NULL ? g_strjoinv (",", (GStrv) actual) : NULL;

  g_assert_cmpstr (joined, ==, fields);
}

/* Each patch queues an op naming its members; a push of a record's queued
 * ops sends the union of their members, or the whole record when a create
 * or an update is among them, and a delete wins. */
static void
test_patch_coalescing (Fixture       *fixture,
                       gconstpointer  data)
{
  TestClient *a = &fixture->a;
  JustSyncScope *scope = fixture->scope;
  const char *ids[] = { "p", "c", "pu", "up", "pd", NULL };
  g_autoptr(JustSyncPendingOp) op = NULL;
  g_autoptr(JustSyncRecord) pushed = NULL;
  g_autoptr(GPtrArray) ops = NULL;
  g_autoptr(JsonObject) update = just_sync_test_payload ("{\"x\": 9}");

  for (guint i = 0; ids[i] != NULL; i++)
    just_sync_record_unref (test_create (a->orchestrator, scope, ids[i], "{\"x\": 1, \"y\": 1}"));
  just_sync_sync_result_unref (test_sync_ok (a->orchestrator, scope));
  test_network_monitor_set_available (a->monitor, FALSE);

  /* patch + patch: the union; a member set and then removed is removed. */
  patch_id_ok (a, scope, "p", "{\"x\": 2, \"z\": 2}", "");
  patch_id_ok (a, scope, "p", "{\"y\": 3}", "z");
  ops = just_sync_test_local_list_ops (a->local, scope);
  g_assert_cmpuint (ops->len, ==, 2);
  assert_fields (g_ptr_array_index (ops, 0), "x,z");
  assert_fields (g_ptr_array_index (ops, 1), "y,z");
  op = pushed_op (a, scope, "p");
  assert_fields (op, "x,z,y");
  g_assert_cmpint (just_sync_pending_op_get_seq (op), ==,
                   just_sync_pending_op_get_seq (g_ptr_array_index (ops, 1)));
  pushed = _just_sync_pending_op_dup_pushed_record (op);
  assert_content (pushed, "{\"x\": 2, \"y\": 3, \"z\": null}");
  g_clear_pointer (&op, just_sync_pending_op_unref);

  /* A record the server never had goes whole. */
  just_sync_record_unref (test_create (a->orchestrator, scope, "c2", "{\"x\": 1}"));
  patch_id_ok (a, scope, "c2", "{\"y\": 2}", "");
  op = pushed_op (a, scope, "c2");
  assert_fields (op, NULL);
  g_clear_pointer (&op, just_sync_pending_op_unref);

  /* An update after a patch, or a patch after an update: whole. */
  patch_id_ok (a, scope, "pu", "{\"y\": 2}", "");
  just_sync_record_unref (JUST_SYNC_TEST_AWAIT_OK (just_sync_orchestrator_update, a->orchestrator,
                                                   scope, "pu", update));
  op = pushed_op (a, scope, "pu");
  assert_fields (op, NULL);
  g_clear_pointer (&op, just_sync_pending_op_unref);
  just_sync_record_unref (JUST_SYNC_TEST_AWAIT_OK (just_sync_orchestrator_update, a->orchestrator,
                                                   scope, "up", update));
  patch_id_ok (a, scope, "up", "{\"y\": 2}", "");
  op = pushed_op (a, scope, "up");
  assert_fields (op, NULL);
  g_clear_pointer (&op, just_sync_pending_op_unref);

  /* A delete wins. */
  patch_id_ok (a, scope, "pd", "{\"y\": 2}", "");
  test_delete (a->orchestrator, scope, "pd");
  op = pushed_op (a, scope, "pd");
  g_assert_cmpint (just_sync_pending_op_get_kind (op), ==, JUST_SYNC_OP_DELETE);
  assert_fields (op, NULL);
  g_clear_pointer (&op, just_sync_pending_op_unref);

  /* What went to the server. */
  test_network_monitor_set_available (a->monitor, TRUE);
  just_sync_sync_result_unref (test_sync_ok (a->orchestrator, scope));
  g_assert_cmpuint (n_ops (a, scope), ==, 0);
  {
    g_autoptr(JustSyncRecord) p = just_sync_memory_remote_store_server_get (fixture->remote, scope, "p");
    g_autoptr(JustSyncRecord) pd = just_sync_memory_remote_store_server_get (fixture->remote, scope, "pd");

    assert_content (p, "{\"x\": 2, \"y\": 3}");
    g_assert_true (pd == NULL || just_sync_record_is_deleted (pd));
  }
}

/* Two clients patch different members of one record; with last-write-wins
 * the later, offline one wins the conflict, yet it pushes only its member,
 * so the server keeps both edits, and so do both clients. A full push
 * would have put back the member the other client changed. */
static void
test_disjoint_edits_lww (Fixture       *fixture,
                         gconstpointer  data)
{
  g_autoptr(JustSyncConflictResolver) lww = just_sync_last_write_wins_resolver_new ();
  const char *both = "{\"title\": \"B\", \"done\": true}";
  g_autoptr(JustSyncSyncResult) result = NULL;

  test_client_clear (&fixture->a);
  test_client_clear (&fixture->b);
  client_init (&fixture->a, ((const Params *) data)->new_local_store (),
               JUST_SYNC_REMOTE_STORE (fixture->remote), lww);
  client_init (&fixture->b, ((const Params *) data)->new_local_store (),
               JUST_SYNC_REMOTE_STORE (fixture->remote), lww);

  just_sync_record_unref (test_create (fixture->a.orchestrator, fixture->scope, "r1",
                                       "{\"title\": \"v1\", \"done\": false}"));
  just_sync_sync_result_unref (test_sync_ok (fixture->a.orchestrator, fixture->scope));
  just_sync_sync_result_unref (test_sync_ok (fixture->b.orchestrator, fixture->scope));

  /* B, offline, edits after A's edit reached the server. */
  test_network_monitor_set_available (fixture->b.monitor, FALSE);
  patch_ok (&fixture->a, fixture->scope, "{\"done\": true}", "");
  just_sync_sync_result_unref (test_sync_ok (fixture->a.orchestrator, fixture->scope));
  just_sync_test_sleep (5);
  patch_ok (&fixture->b, fixture->scope, "{\"title\": \"B\"}", "");
  test_network_monitor_set_available (fixture->b.monitor, TRUE);
  result = test_sync_ok (fixture->b.orchestrator, fixture->scope);
  g_assert_cmpuint (just_sync_sync_result_get_conflicts (result)->len, ==, 1);
  g_assert_cmpuint (just_sync_sync_result_get_pushed (result), ==, 1);
  assert_server (fixture, both);
  assert_local (&fixture->b, fixture->scope, both);
  just_sync_sync_result_unref (test_sync_ok (fixture->a.orchestrator, fixture->scope));
  assert_local (&fixture->a, fixture->scope, both);
}

int
main (int   argc,
      char *argv[])
{
  static const struct
  {
    const char *name;
    Params params;
  } variants[] = {
    { "memory", { just_sync_memory_local_store_new, FALSE } },
    { "memory-app", { just_sync_memory_local_store_new, TRUE } },
    { "sqlite", { test_new_sqlite_store, FALSE } },
    { "sqlite-app", { test_new_sqlite_store, TRUE } },
  };

  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  for (guint i = 0; i < G_N_ELEMENTS (variants); i++)
    {
#define ADD(test_name, func) \
  G_STMT_START { \
    g_autofree char *path = g_strdup_printf ("/partial/%s/%s", variants[i].name, test_name); \
    g_test_add (path, Fixture, &variants[i].params, fixture_setup, func, fixture_teardown); \
  } G_STMT_END
      ADD ("patch-write", test_patch_write);
      ADD ("disjoint-edits-merge", test_disjoint_edits_merge);
      ADD ("overlapping-edit", test_overlapping_edit);
      ADD ("no-base-falls-back", test_no_base_falls_back);
      ADD ("patch-coalescing", test_patch_coalescing);
      ADD ("disjoint-edits-lww", test_disjoint_edits_lww);
#undef ADD
    }

  return g_test_run ();
}
