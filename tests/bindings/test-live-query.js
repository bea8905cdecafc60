// SPDX-License-Identifier: LGPL-2.1-or-later
//
// A watched list from GJS: a JustSync.LiveQuery is a Gio.ListModel of
// JustSync.RecordObject that fills, then follows writes.

imports.gi.versions.JustSync = '1';
const {GLib, Gio, JustSync} = imports.gi;
const System = imports.system;

Gio._promisify(JustSync.LocalStore.prototype, 'upsert_many_async', 'upsert_many_finish');
Gio._promisify(JustSync.LocalStore.prototype, 'delete_many_async', 'delete_many_finish');

function assert(condition, message) {
    if (!condition)
        throw new Error(`assertion failed: ${message}`);
}

function assertEquals(actual, expected, what) {
    const a = JSON.stringify(actual), e = JSON.stringify(expected);
    assert(a === e, `${what}: ${a} != ${e}`);
}

function record(id, title, rank) {
    return JustSync.Record.new_from_data(id, JSON.stringify({title, rank}),
        JustSync.timestamp_now(), 0);
}

function titles(model) {
    const list = [];
    for (let i = 0; i < model.get_n_items(); i++)
        list.push(model.get_item(i).get_string('title'));
    return list;
}

function waitUntil(predicate) {
    return new Promise((resolve, reject) => {
        const deadline = GLib.get_monotonic_time() + 10 * 1000 * 1000;
        GLib.timeout_add(GLib.PRIORITY_DEFAULT, 5, () => {
            if (predicate()) {
                resolve();
                return GLib.SOURCE_REMOVE;
            }
            if (GLib.get_monotonic_time() > deadline) {
                reject(new Error('timed out'));
                return GLib.SOURCE_REMOVE;
            }
            return GLib.SOURCE_CONTINUE;
        });
    });
}

async function main() {
    const scope = JustSync.Scope.new('tasks');
    const store = JustSync.MemoryLocalStore.new();
    await store.upsert_many_async(scope, [record('a', 'milk', 2), record('b', 'eggs', 1)], null);

    const query = JustSync.Query.new(scope);
    query.add_order('rank', true);
    const live = JustSync.LiveQuery.new(store, query);
    assert(live instanceof Gio.ListModel, 'a Gio.ListModel');
    const signals = [];
    live.connect('items-changed', (_m, pos, removed, added) => signals.push([pos, removed, added]));
    await waitUntil(() => !live.loading);
    assertEquals(titles(live), ['milk', 'eggs'], 'first load');
    assertEquals(signals, [[0, 0, 2]], 'one signal for the first load');

    signals.length = 0;
    await store.upsert_many_async(scope, [record('c', 'bread', 5)], null);
    await waitUntil(() => live.get_n_items() === 3);
    assertEquals(titles(live), ['bread', 'milk', 'eggs'], 'inserted where it sorts');
    assertEquals(signals, [[0, 0, 1]], 'one insertion');

    signals.length = 0;
    await store.delete_many_async(scope, ['a'], JustSync.timestamp_now(), null);
    await waitUntil(() => live.get_n_items() === 2);
    assertEquals(titles(live), ['bread', 'eggs'], 'deleted row left');
    assertEquals(signals, [[1, 1, 0]], 'one removal');
    assertEquals(live.get_item(1).id, 'b', 'id property');
    assertEquals(live.get_item(1).get_int('rank'), 1, 'typed field');
}

const loop = new GLib.MainLoop(null, false);
let status = 1;

GLib.idle_add(GLib.PRIORITY_DEFAULT, () => {
    main().then(() => {
        print('gjs live query: ok');
        status = 0;
    }).catch(e => logError(e)).finally(() => loop.quit());
    return GLib.SOURCE_REMOVE;
});
loop.run();
System.exit(status);
