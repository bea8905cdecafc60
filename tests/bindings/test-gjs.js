// SPDX-License-Identifier: LGPL-2.1-or-later
//
// A round trip through the typelib from GJS: scopes, records, the memory
// local store and the memory remote store, async calls as promises.

imports.gi.versions.JustSync = '1';
const {GLib, Gio, Json, JustSync} = imports.gi;
const System = imports.system;

for (const method of ['upsert_many', 'delete_many', 'query', 'get', 'list_pending_ops',
    'count_pending_ops', 'commit_push_results'])
    Gio._promisify(JustSync.LocalStore.prototype, `${method}_async`, `${method}_finish`);
for (const method of ['batch_upsert', 'fetch_since', 'get_server_time'])
    Gio._promisify(JustSync.RemoteStore.prototype, `${method}_async`, `${method}_finish`);

function assert(condition, message) {
    if (!condition)
        throw new Error(`assertion failed: ${message}`);
}

function assertEquals(actual, expected, what) {
    const a = JSON.stringify(actual), e = JSON.stringify(expected);
    assert(a === e, `${what}: ${a} != ${e}`);
}

function checkScope() {
    const scope = JustSync.Scope.new('records').with_key('owner', 'u 1&2');
    assertEquals(scope.to_string(), 'records?owner=u%201%262', 'canonical form');
    const back = JustSync.Scope.parse(scope.to_string());
    assertEquals(back.get_key('owner'), 'u 1&2', 'parsed key');
    assert(scope.equal(back), 'parse(to_string(s)) equals s');

    let threw = false;
    try {
        JustSync.Scope.new('');
    } catch (e) {
        threw = e.matches(JustSync.error_quark(), JustSync.Error.INVALID_ARGUMENT);
    }
    assert(threw, 'an empty scope name is an INVALID_ARGUMENT error');
    return scope;
}

function checkRecords() {
    const record = JustSync.Record.new_from_data('a', '{"title": "milk", "n": 2}', 0, 0);
    assertEquals(JSON.parse(record.dup_payload_data()), {title: 'milk', n: 2}, 'payload');
    assertEquals(record.get_payload().get_string_member('title'), 'milk', 'payload member');

    const payload = new Json.Object();
    payload.set_string_member('title', 'eggs');
    const other = JustSync.Record.new('b', payload, JustSync.timestamp_now(), 0);
    payload.set_string_member('title', 'changed');
    assertEquals(other.get_payload().get_string_member('title'), 'eggs', 'the record keeps its copy');

    let threw = false;
    try {
        JustSync.Record.new_from_data('c', '[1, 2]', 0, 0);
    } catch (e) {
        threw = e.matches(JustSync.error_quark(), JustSync.Error.INVALID_ARGUMENT);
    }
    assert(threw, 'a payload that is not an object is an INVALID_ARGUMENT error');

    // A Query reply of the service, read into records the binding owns.
    const listed = JustSync.Record.list_from_data(
        '[{"id": "a", "updated_at": null, "deleted_at": null, "payload": {"title": "milk"}},' +
        ' {"id": "b", "updated_at": "2024-01-01T00:00:00Z", "deleted_at": null, "payload": {}}]');
    assertEquals(listed.map(r => r.get_id()), ['a', 'b'], 'listed ids');
    assertEquals(listed[0].get_payload().get_string_member('title'), 'milk', 'listed payload');
    return [record, other];
}

async function checkLocalStore(scope, records) {
    const store = JustSync.MemoryLocalStore.new();
    const changes = [];
    store.connect('changed', (_store, s, ids) => changes.push([s.to_string(), [...ids].sort()]));

    const ops = await store.upsert_many_async(scope, records, null);
    assertEquals(ops.map(op => op.get_record_id()), ['a', 'b'], 'queued ops');
    assert(ops.every(op => op.get_kind() === JustSync.OpKind.UPSERT), 'upsert ops');
    assertEquals(changes, [[scope.to_string(), ['a', 'b']]], 'changed signal');

    const listed = await store.query_async(scope, null);
    assertEquals(listed.map(r => r.get_id()), ['a', 'b'], 'query');
    assert(listed[0].equal(records[0]), 'stored record equals the written one');

    const got = await store.get_async(scope, 'b', null);
    assertEquals(got.get_payload().get_string_member('title'), 'eggs', 'get');
    assertEquals(await store.get_async(scope, 'missing', null), null, 'get of a missing id');

    const deleted = await store.delete_many_async(scope, ['a'], JustSync.timestamp_now(), null);
    assert(deleted[0].get_kind() === JustSync.OpKind.DELETE, 'delete op');
    assertEquals((await store.query_async(scope, null)).map(r => r.get_id()), ['b'], 'query after delete');
    assert((await store.get_async(scope, 'a', null)).is_deleted(), 'tombstone');
    assertEquals(await store.count_pending_ops_async(null, JustSync.OpState.QUEUED, null), 3, 'count');
    return store;
}

async function checkRemoteStore(scope, store) {
    const remote = JustSync.MemoryRemoteStore.new();
    const ops = await store.list_pending_ops_async(scope, null);
    const upserts = ops.filter(op => op.get_kind() === JustSync.OpKind.UPSERT);

    const results = await remote.batch_upsert_async(scope, upserts, null);
    assertEquals(results.length, upserts.length, 'one result per op');
    assert(results.every(r => r.get_status() === JustSync.PushStatus.WRITTEN), 'written');
    const applied = await store.commit_push_results_async(scope, results, null);
    assert(applied.get_count(JustSync.ApplyAction.ACKNOWLEDGED) >= 1, 'acknowledged');

    const delta = await remote.fetch_since_async(scope, null, 100, null);
    const fetched = {};
    for (const r of delta.get_records())
        fetched[r.get_id()] = JSON.parse(r.dup_payload_data());
    assertEquals(fetched, {a: {title: 'milk', n: 2}, b: {title: 'eggs'}}, 'fetched');
    assert(!delta.get_has_more(), 'one page');

    const other = scope.with_key('owner', 'someone else');
    assertEquals((await remote.fetch_since_async(other, null, 100, null)).get_records().length, 0,
        'other scope');
    assert(await remote.get_server_time_async(null) > 0, 'server time');
}

const loop = new GLib.MainLoop(null, false);
let status = 1;

GLib.idle_add(GLib.PRIORITY_DEFAULT, () => {
    main();
    return GLib.SOURCE_REMOVE;
});
loop.run();
System.exit(status);

async function main() {
    try {
        const scope = checkScope();
        const records = checkRecords();
        const store = await checkLocalStore(scope, records);
        await checkRemoteStore(scope, store);
        print('gjs bindings: ok');
        status = 0;
    } catch (e) {
        logError(e);
    } finally {
        loop.quit();
    }
}
