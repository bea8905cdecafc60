/* test-vala.vala
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * A round trip through the generated vapi: scopes, records, the memory
 * local store and the memory remote store, async calls with yield.
 */

static void check (bool condition, string what) {
    if (!condition)
        error ("assertion failed: %s", what);
}

static JustSync.Scope check_scope () throws Error {
    var scope = new JustSync.Scope ("records").with_key ("owner", "u 1&2");
    check (scope.to_string () == "records?owner=u%201%262", "canonical form");
    var back = JustSync.Scope.parse (scope.to_string ());
    check (back.get_key ("owner") == "u 1&2", "parsed key");
    check (scope.equal (back), "parse (to_string (s)) equals s");

    try {
        new JustSync.Scope ("");
        check (false, "an empty scope name was accepted");
    } catch (JustSync.Error.INVALID_ARGUMENT e) {
        /* expected */
    }
    return scope;
}

static GenericArray<JustSync.Record> check_records () throws Error {
    var record = new JustSync.Record.from_data ("a", "{\"title\": \"milk\", \"n\": 2}", 0, 0);
    check (record.get_payload ().get_string_member ("title") == "milk", "payload member");
    check (record.dup_payload_data () == "{\"title\":\"milk\",\"n\":2}", "payload text");

    var payload = new Json.Object ();
    payload.set_string_member ("title", "eggs");
    var other = new JustSync.Record ("b", payload, JustSync.timestamp_now (), 0);
    payload.set_string_member ("title", "changed");
    check (other.get_payload ().get_string_member ("title") == "eggs", "the record keeps its copy");

    try {
        new JustSync.Record.from_data ("c", "[1, 2]", 0, 0);
        check (false, "a payload that is not an object was accepted");
    } catch (JustSync.Error.INVALID_ARGUMENT e) {
        /* expected */
    }

    var records = new GenericArray<JustSync.Record> ();
    records.add (record);
    records.add (other);
    return records;
}

static async JustSync.LocalStore check_local_store (JustSync.Scope scope,
                                                    GenericArray<JustSync.Record> records) throws Error {
    var store = JustSync.MemoryLocalStore.@new ();
    string[] changed = {};
    store.changed.connect ((s, ids) => {
        foreach (unowned string id in ids)
            changed += id;
    });

    var ops = yield store.upsert_many_async (scope, records, null);
    check (ops.length == 2, "two ops");
    check (ops[0].get_record_id () == "a" && ops[1].get_record_id () == "b", "op ids");
    check (ops[0].get_kind () == JustSync.OpKind.UPSERT, "upsert op");
    check (changed.length == 2, "changed signal");

    var listed = yield store.query_async (scope, null);
    check (listed.length == 2, "query");
    check (listed[0].equal (records[0]), "stored record equals the written one");

    var got = yield store.get_async (scope, "b", null);
    check (got != null && got.get_payload ().get_string_member ("title") == "eggs", "get");
    check ((yield store.get_async (scope, "missing", null)) == null, "get of a missing id");

    var deleted = yield store.delete_many_async (scope, { "a" }, JustSync.timestamp_now (), null);
    check (deleted[0].get_kind () == JustSync.OpKind.DELETE, "delete op");
    check ((yield store.query_async (scope, null)).length == 1, "query after delete");
    check ((yield store.get_async (scope, "a", null)).is_deleted (), "tombstone");
    check ((yield store.count_pending_ops_async (null, JustSync.OpState.QUEUED, null)) == 3, "count");
    return store;
}

static async void check_remote_store (JustSync.Scope scope, JustSync.LocalStore store) throws Error {
    var remote = new JustSync.MemoryRemoteStore ();
    var upserts = new GenericArray<JustSync.PendingOp> ();
    foreach (unowned JustSync.PendingOp op in (yield store.list_pending_ops_async (scope, null)).data) {
        if (op.get_kind () == JustSync.OpKind.UPSERT)
            upserts.add (op);
    }

    var results = yield remote.batch_upsert_async (scope, upserts, null);
    check (results.length == upserts.length, "one result per op");
    var written = new GenericArray<JustSync.PushResult> ();
    foreach (unowned JustSync.PushResult result in results.data) {
        check (result.get_status () == JustSync.PushStatus.WRITTEN, "written");
        written.add (result);
    }
    var applied = yield store.commit_push_results_async (scope, written, null);
    check (applied.get_count (JustSync.ApplyAction.ACKNOWLEDGED) >= 1, "acknowledged");

    var delta = yield remote.fetch_since_async (scope, null, 100, null);
    var fetched = delta.get_records ();
    check (fetched.length == 2, "fetched both");
    check (fetched[0].get_payload ().has_member ("title"), "fetched payload");
    check (!delta.get_has_more (), "one page");

    var other = scope.with_key ("owner", "someone else");
    check ((yield remote.fetch_since_async (other, null, 100, null)).get_records ().length == 0,
           "other scope");
    check ((yield remote.get_server_time_async (null)) > 0, "server time");
}

/* Issue 17: the arrays the library returns own their elements, so a copy
 * made with GenericArray.copy() holds references of its own and outlives
 * the original (valac used to read them as arrays of unowned elements, and
 * the copy unreffed every record a second time). A SQLite store makes new
 * records for every read, so the arrays hold their only references. */
static async void check_array_copies (JustSync.Scope scope,
                                      GenericArray<JustSync.Record> records) throws Error {
    var folder = DirUtils.make_tmp ("justsync-vala-XXXXXX");
    var path = Path.build_filename (folder, "copies.db");
    var store = yield new JustSync.SqliteStore (path, false, null);
    yield store.upsert_many_async (scope, records, null);
    var engine = new JustSync.Orchestrator (store, new JustSync.MemoryRemoteStore (), null);

    bool from_cache;
    var read = yield engine.read_async (scope, JustSync.ReadPolicy.OFFLINE_ONLY, null, out from_cache);
    var copies = read.copy ((r) => r);
    read = null;
    check (copies.length == 2 && copies[1].get_id () == "b", "the copy outlives the original");
    check (copies[1].get_payload ().get_string_member ("title") == "eggs", "a copied record reads back");

    var ops = yield store.list_pending_ops_async (scope, null);
    var op_copies = ops.copy ((op) => op);
    ops = null;
    check (op_copies.length == 2 && op_copies[1].get_record_id () == "b", "copied ops read back");

    uint total;
    var page = yield store.query_page_async (scope, 1, 10, null, out total);
    var page_copies = page.copy ((r) => r);
    page = null;
    check (total == 2 && page_copies.length == 1 && page_copies[0].equal (copies[1]),
           "a copied page reads back");

    yield store.close_async (null);
    foreach (var suffix in new string[] { "", "-wal", "-shm" })
        FileUtils.unlink (path + suffix);
    DirUtils.remove (folder);
}

static async void run (MainLoop loop, out int status) {
    status = 1;
    try {
        var scope = check_scope ();
        var records = check_records ();
        var store = yield check_local_store (scope, records);
        yield check_remote_store (scope, store);
        yield check_array_copies (scope, records);
        print ("vala bindings: ok\n");
        status = 0;
    } catch (Error e) {
        printerr ("%s\n", e.message);
    }
    loop.quit ();
}

int main () {
    var loop = new MainLoop ();
    int status = 1;
    run.begin (loop, (obj, res) => run.end (res, out status));
    loop.run ();
    return status;
}
