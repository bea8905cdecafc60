#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# JustSync from Python: open a store, write while offline, sync with a
# PocketBase server, and react to changes and to the sync status. The same
# task is in notes.c, notes.js and notes.vala.
#
# Usage: notes.py URL EMAIL PASSWORD USER-ID (see notes.c)

import os
import shutil
import sys
import tempfile

import gi

gi.require_version("GLib", "2.0")
gi.require_version("Json", "1.0")
gi.require_version("JustSync", "1")
from gi.repository import GLib, Json, JustSync  # noqa: E402


def main(url, email, password, user_id):
    # An app keeps its store in GLib.get_user_data_dir(); this one is
    # thrown away at the end.
    directory = tempfile.mkdtemp(prefix="justsync-notes-")
    try:
        return run(os.path.join(directory, "notes.db"), url, email, password, user_id)
    finally:
        shutil.rmtree(directory)


def run(path, url, email, password, user_id):
    local = JustSync.SqliteStore.new_sync(path, True, None)
    remote = JustSync.PocketbaseStore.new(url)
    remote.set_credentials("users", email, password)
    engine = JustSync.Orchestrator.new(local, remote, None)
    # Writes start a sync after a short delay; this example syncs itself.
    engine.props.debounce_interval = 3600 * GLib.TIME_SPAN_SECOND
    scope = JustSync.Scope.new("records").with_key("owner", user_id)
    loop = GLib.MainLoop()
    status = 1

    # The sync status, for a status icon: idle, syncing, offline or error.
    def on_state(engine, _pspec):
        state = engine.props.state
        if state == JustSync.SyncState.ERROR:
            print("status: error (%s)" % engine.props.last_error)
        else:
            print("status:", state.value_nick)

    def on_pending(engine, _pspec):
        print("changes waiting for the server:", engine.props.pending_count)

    # Every local change, whether the app or a pull made it.
    def on_changed(_engine, scope, ids):
        for record_id in ids:
            print("changed: %s in %s" % (record_id, scope.to_string()))

    def on_progress(_engine, _scope, phase, done, total):
        print("progress: %s %u/%u" % (phase.value_nick, done, total))

    engine.connect("notify::state", on_state)
    engine.connect("notify::pending-count", on_pending)
    engine.connect("changed", on_changed)
    engine.connect("progress", on_progress)

    def on_synchronized(engine, result):
        nonlocal status
        try:
            sync = engine.synchronize_finish(result)
        except GLib.Error as error:
            print("The sync failed:", error.message, file=sys.stderr)
        else:
            print("synchronized: %u pulled, %u pushed" % (sync.get_pulled(), sync.get_pushed()))
            if sync.get_pushed() >= 1 and engine.props.pending_count == 0:
                status = 0
        loop.quit()

    def on_created(engine, result):
        try:
            record = engine.create_finish(result)
        except GLib.Error as error:
            print("Could not write the note:", error.message, file=sys.stderr)
            loop.quit()
            return
        # The note is in the local store and queued: no network was needed.
        print("written:", record.get_id())
        engine.synchronize_async(scope, None, on_synchronized)

    payload = Json.from_string('{"title": "Buy milk"}').get_object()
    # PyGObject 3.42 cannot await GIO calls: each call gets a callback.
    engine.create_async(scope, None, payload, None, on_created)
    loop.run()
    return status


if __name__ == "__main__":
    if len(sys.argv) != 5:
        print("Usage: %s URL EMAIL PASSWORD USER-ID" % sys.argv[0], file=sys.stderr)
        sys.exit(1)
    sys.exit(main(*sys.argv[1:]))
