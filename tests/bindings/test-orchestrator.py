#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# The sync engine from Python through the typelib: two clients with their
# own stores sync through one memory server, driven by a GLib main loop,
# with a handler for "changed". PyGObject 3.42 cannot await GIO calls, so
# every call gets a callback and a main loop runs until it answers.

import gi

gi.require_version("GLib", "2.0")
gi.require_version("Json", "1.0")
gi.require_version("JustSync", "1")
from gi.repository import GLib, Json, JustSync  # noqa: E402

from jstest import call  # noqa: E402


def payload(text):
    return Json.from_string(text).get_object()


def main():
    server = JustSync.MemoryRemoteStore.new()
    scope = JustSync.Scope.new("notes").with_key("owner", "u1")

    a = JustSync.Orchestrator.new(JustSync.MemoryLocalStore.new(), server, None)
    b = JustSync.Orchestrator.new(JustSync.MemoryLocalStore.new(), server, None)
    for engine in (a, b):
        engine.props.debounce_interval = 600 * GLib.TIME_SPAN_SECOND

    changed = []
    b.connect("changed", lambda engine, sc, ids: changed.append((sc.to_string(), list(ids))))
    states = []
    a.connect("notify::state", lambda engine, pspec: states.append(engine.props.state))

    created = call(a, "create", scope, None, payload('{"title": "milk"}'))
    note_id = created.get_id()
    assert note_id, "the engine made a client id"
    assert a.props.pending_count in (0, 1)

    result = call(a, "synchronize", scope)
    assert result.get_pushed() == 1, result.get_pushed()
    assert JustSync.SyncState.SYNCING in states, states
    assert a.props.state == JustSync.SyncState.IDLE
    assert a.props.last_sync_time > 0

    result = call(b, "synchronize", scope)
    assert result.get_pulled() == 1, result.get_pulled()
    assert (scope.to_string(), [note_id]) in changed, changed

    records, from_cache = call(b, "read", scope, JustSync.ReadPolicy.OFFLINE_ONLY)
    assert from_cache
    assert [r.get_payload().get_string_member("title") for r in records] == ["milk"]

    # A conflict: b's later edit wins over a's earlier one.
    call(a, "update", scope, note_id, payload('{"title": "oat milk"}'))
    GLib.usleep(2000)
    call(b, "update", scope, note_id, payload('{"title": "soy milk"}'))
    call(b, "synchronize", scope)
    conflicts = []
    a.connect("conflict", lambda engine, sc, conflict: conflicts.append(conflict))
    result = call(a, "synchronize", scope)
    assert len(conflicts) == 1 and result.get_conflicts()[0].get_resolution() == JustSync.Resolution.REMOTE
    record = call(a, "get", scope, note_id)
    assert record.get_payload().get_string_member("title") == "soy milk"

    # Deletes travel too, and bad input is an error, not a crash.
    assert call(a, "delete", scope, note_id)
    call(a, "synchronize", scope)
    call(b, "synchronize", scope)
    assert call(b, "get", scope, note_id) is None
    try:
        call(b, "update", scope, "no-such-id", payload("{}"))
    except GLib.Error as error:
        assert error.matches(JustSync.error_quark(), JustSync.Error.NOT_FOUND), error
    else:
        raise AssertionError("updating a missing record succeeded")

    print("ok - orchestrator from Python")


main()
