// SPDX-License-Identifier: LGPL-2.1-or-later
//
// The sync engine from GJS through the typelib: async calls as promises
// (Gio._promisify), a "changed" handler, two clients and one memory server.

imports.gi.versions.JustSync = '1';
const {GLib, Gio, Json, JustSync} = imports.gi;
const System = imports.system;

for (const method of ['create', 'update', 'delete', 'get', 'synchronize', 'reconcile'])
    Gio._promisify(JustSync.Orchestrator.prototype, `${method}_async`, `${method}_finish`);

function assert(condition, message) {
    if (!condition)
        throw new Error(`assertion failed: ${message}`);
}

function payload(text) {
    return Json.from_string(text).get_object();
}

async function main() {
    const server = JustSync.MemoryRemoteStore.new();
    const scope = JustSync.Scope.new('notes').with_key('owner', 'u1');
    const a = JustSync.Orchestrator.new(JustSync.MemoryLocalStore.new(), server, null);
    const b = JustSync.Orchestrator.new(JustSync.MemoryLocalStore.new(), server, null);
    a.debounce_interval = 600 * GLib.TIME_SPAN_SECOND;
    b.debounce_interval = 600 * GLib.TIME_SPAN_SECOND;

    const changed = [];
    b.connect('changed', (engine, sc, ids) => changed.push(...ids));
    const progress = [];
    a.connect('progress', (engine, sc, phase, done, total) => progress.push(phase));

    const created = await a.create_async(scope, null, payload('{"title": "bread"}'), null);
    const id = created.get_id();
    let result = await a.synchronize_async(scope, null);
    assert(result.get_pushed() === 1, `pushed ${result.get_pushed()}`);
    assert(progress.includes(JustSync.SyncPhase.PUSH), 'push progress reported');

    result = await b.synchronize_async(scope, null);
    assert(result.get_pulled() === 1, `pulled ${result.get_pulled()}`);
    assert(changed.includes(id), `changed reported ${changed}`);
    const record = await b.get_async(scope, id, null);
    assert(record.get_payload().get_string_member('title') === 'bread', 'pulled content');

    await b.update_async(scope, id, payload('{"title": "rye bread"}'), null);
    await b.synchronize_async(scope, null);
    result = await a.reconcile_async(scope, null);
    const again = await a.get_async(scope, id, null);
    assert(again.get_payload().get_string_member('title') === 'rye bread', 'reconciled content');

    let threw = false;
    try {
        await a.update_async(scope, 'missing', payload('{}'), null);
    } catch (e) {
        threw = e.matches(JustSync.error_quark(), JustSync.Error.NOT_FOUND);
    }
    assert(threw, 'updating a missing record is NOT_FOUND');
    print('ok - orchestrator from GJS');
}

const loop = GLib.MainLoop.new(null, false);
let failure = null;
main().catch(e => {
    failure = e;
}).finally(() => loop.quit());
GLib.timeout_add_seconds(GLib.PRIORITY_DEFAULT, 30, () => {
    failure = failure ?? new Error('timed out');
    loop.quit();
    return GLib.SOURCE_REMOVE;
});
loop.run();
if (failure) {
    printerr(failure, failure.stack);
    System.exit(1);
}
