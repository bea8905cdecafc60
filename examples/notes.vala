/* notes.vala
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * JustSync from Vala: open a store, write while offline, sync with a
 * PocketBase server, and react to changes and to the sync status. The same
 * task is in notes.c, notes.py and notes.js.
 *
 * Build: valac --pkg justsync-1 notes.vala
 * Usage: notes URL EMAIL PASSWORD USER-ID (see notes.c)
 */

static string nick (Type enum_type, int value) {
    return ((EnumClass) enum_type.class_ref ()).get_value (value).value_nick;
}

static async bool run (string path, string url, string email, string password,
                       string user_id) throws Error {
    var local = new JustSync.SqliteStore.sync (path, true);
    var remote = new JustSync.PocketbaseStore (url);
    remote.set_credentials ("users", email, password);
    var engine = new JustSync.Orchestrator (local, remote, null);
    // Writes start a sync after a short delay; this example syncs itself.
    engine.debounce_interval = 3600 * TimeSpan.SECOND;
    var scope = new JustSync.Scope ("records").with_key ("owner", user_id);

    // The sync status, for a status icon: idle, syncing, offline or error.
    engine.notify["state"].connect (() => {
        if (engine.state == JustSync.SyncState.ERROR)
            print ("status: error (%s)\n", engine.last_error);
        else
            print ("status: %s\n", nick (typeof (JustSync.SyncState), engine.state));
    });
    engine.notify["pending-count"].connect (() => {
        print ("changes waiting for the server: %u\n", engine.pending_count);
    });
    // Every local change, whether the app or a pull made it.
    engine.changed.connect ((changed_scope, ids) => {
        foreach (unowned string id in ids)
            print ("changed: %s in %s\n", id, changed_scope.to_string ());
    });
    engine.progress.connect ((progress_scope, phase, done, total) => {
        print ("progress: %s %u/%u\n", nick (typeof (JustSync.SyncPhase), phase), done, total);
    });

    var payload = Json.from_string ("""{"title": "Buy milk"}""").get_object ();
    var record = yield engine.create_async (scope, null, payload, null);
    // The note is in the local store and queued: no network was needed.
    print ("written: %s\n", record.get_id ());

    var sync = yield engine.synchronize_async (scope, null);
    print ("synchronized: %u pulled, %u pushed\n", sync.get_pulled (), sync.get_pushed ());
    return sync.get_pushed () >= 1 && engine.pending_count == 0;
}

int main (string[] args) {
    if (args.length != 5) {
        printerr ("Usage: %s URL EMAIL PASSWORD USER-ID\n", args[0]);
        return 1;
    }
    // An app keeps its store in Environment.get_user_data_dir (); this one
    // is thrown away at the end.
    string directory;
    try {
        directory = DirUtils.make_tmp ("justsync-notes-XXXXXX");
    } catch (Error error) {
        printerr ("%s\n", error.message);
        return 1;
    }
    var loop = new MainLoop ();
    var ok = false;
    run.begin (Path.build_filename (directory, "notes.db"), args[1], args[2], args[3], args[4],
               (obj, result) => {
        try {
            ok = run.end (result);
        } catch (Error error) {
            printerr ("The example failed: %s\n", error.message);
        }
        loop.quit ();
    });
    loop.run ();
    foreach (var name in new string[] { "notes.db", "notes.db-wal", "notes.db-shm", "notes.db-journal" })
        FileUtils.unlink (Path.build_filename (directory, name));
    DirUtils.remove (directory);
    return ok ? 0 : 1;
}
