// SPDX-License-Identifier: LGPL-2.1-or-later
//
// JustSync from GJS: open a store, write while offline, sync with a
// PocketBase server, and react to changes and to the sync status. The same
// task is in notes.c, notes.py and notes.vala.
//
// Usage: gjs notes.js URL EMAIL PASSWORD USER-ID (see notes.c)

imports.gi.versions.JustSync = '1';
const {GLib, Gio, Json, JustSync} = imports.gi;
const System = imports.system;

// GIO-style calls become promises.
for (const method of ['create', 'synchronize'])
    Gio._promisify(JustSync.Orchestrator.prototype, `${method}_async`, `${method}_finish`);

function nick(enumType, value) {
    return Object.keys(enumType).find(key => enumType[key] === value).toLowerCase();
}

async function main([url, email, password, userId], directory) {
    // An app keeps its store in GLib.get_user_data_dir(); this one is
    // thrown away at the end.
    const local = JustSync.SqliteStore.new_sync(GLib.build_filenamev([directory, 'notes.db']), true, null);
    const remote = JustSync.PocketbaseStore.new(url);
    remote.set_credentials('users', email, password);
    const engine = JustSync.Orchestrator.new(local, remote, null);
    // Writes start a sync after a short delay; this example syncs itself.
    engine.debounce_interval = 3600 * GLib.TIME_SPAN_SECOND;
    const scope = JustSync.Scope.new('records').with_key('owner', userId);

    // The sync status, for a status icon: idle, syncing, offline or error.
    engine.connect('notify::state', () => {
        if (engine.state === JustSync.SyncState.ERROR)
            print(`status: error (${engine.last_error})`);
        else
            print(`status: ${nick(JustSync.SyncState, engine.state)}`);
    });
    engine.connect('notify::pending-count', () => {
        print(`changes waiting for the server: ${engine.pending_count}`);
    });
    // Every local change, whether the app or a pull made it.
    engine.connect('changed', (_engine, changedScope, ids) => {
        for (const id of ids)
            print(`changed: ${id} in ${changedScope.to_string()}`);
    });
    engine.connect('progress', (_engine, _scope, phase, done, total) => {
        print(`progress: ${nick(JustSync.SyncPhase, phase)} ${done}/${total}`);
    });

    const payload = Json.from_string('{"title": "Buy milk"}').get_object();
    const record = await engine.create_async(scope, null, payload, null);
    // The note is in the local store and queued: no network was needed.
    print(`written: ${record.get_id()}`);

    const sync = await engine.synchronize_async(scope, null);
    print(`synchronized: ${sync.get_pulled()} pulled, ${sync.get_pushed()} pushed`);
    return sync.get_pushed() >= 1 && engine.pending_count === 0;
}

if (ARGV.length !== 4) {
    printerr('Usage: gjs notes.js URL EMAIL PASSWORD USER-ID');
    System.exit(1);
}
const directory = GLib.dir_make_tmp('justsync-notes-XXXXXX');
const loop = GLib.MainLoop.new(null, false);
let ok = false;
main(ARGV, directory).then(result => {
    ok = result;
}).catch(error => {
    printerr(`The example failed: ${error.message}`);
}).finally(() => loop.quit());
loop.run();
for (const name of ['notes.db', 'notes.db-wal', 'notes.db-shm', 'notes.db-journal'])
    GLib.unlink(GLib.build_filenamev([directory, name]));
GLib.rmdir(directory);
System.exit(ok ? 0 : 1);
