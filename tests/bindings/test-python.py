#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# A round trip through the typelib from Python: scopes, records, the memory
# local store and the memory remote store, async calls driven by a main loop
# (PyGObject 3.42 cannot await GIO calls, so each call gets a callback).

import copy
import gc
import json
import os
import sys
import tempfile
import threading

import gi

gi.require_version("GLib", "2.0")
gi.require_version("Json", "1.0")
gi.require_version("JustSync", "1")
from gi.repository import GLib, GObject, Json, JustSync  # noqa: E402

from jstest import call  # noqa: E402


def check_scope():
    scope = JustSync.Scope.new("records").with_key("owner", "u 1&2")
    assert scope.to_string() == "records?owner=u%201%262", scope.to_string()
    back = JustSync.Scope.parse(scope.to_string())
    assert back.get_key("owner") == "u 1&2"
    assert JustSync.Scope.equal(scope, back)

    try:
        JustSync.Scope.new("")
    except GLib.Error as error:
        assert error.matches(JustSync.error_quark(), JustSync.Error.INVALID_ARGUMENT), error
    else:
        raise AssertionError("an empty scope name was accepted")
    return scope


def check_records():
    record = JustSync.Record.new_from_data("a", '{"title": "milk", "n": 2}', 0, 0)
    assert record.get_id() == "a"
    assert json.loads(record.dup_payload_data()) == {"title": "milk", "n": 2}
    assert record.get_payload().get_string_member("title") == "milk"

    payload = Json.Object.new()
    payload.set_string_member("title", "eggs")
    other = JustSync.Record.new("b", payload, JustSync.timestamp_now(), 0)
    payload.set_string_member("title", "changed")  # the record keeps its copy
    assert other.get_payload().get_string_member("title") == "eggs"

    try:
        JustSync.Record.new_from_data("c", "[1, 2]", 0, 0)
    except GLib.Error as error:
        assert error.matches(JustSync.error_quark(), JustSync.Error.INVALID_ARGUMENT), error
    else:
        raise AssertionError("a payload that is not an object was accepted")

    # A Query reply of the service, read into records the binding owns.
    listed = JustSync.Record.list_from_data(
        '[{"id": "a", "updated_at": null, "deleted_at": null, "payload": {"title": "milk"}},'
        ' {"id": "b", "updated_at": "2024-01-01T00:00:00Z", "deleted_at": null, "payload": {}}]')
    assert [r.get_id() for r in listed] == ["a", "b"]
    assert listed[0].get_payload().get_string_member("title") == "milk"
    del listed  # freed once
    return [record, other]


def check_local_store(scope, records):
    store = JustSync.MemoryLocalStore.new()
    changes = []
    store.connect("changed", lambda _store, s, ids: changes.append((s.to_string(), sorted(ids))))

    ops = call(store, "upsert_many", scope, records)
    assert [op.get_record_id() for op in ops] == ["a", "b"]
    assert all(op.get_kind() == JustSync.OpKind.UPSERT for op in ops)
    assert changes == [(scope.to_string(), ["a", "b"])], changes

    listed = call(store, "query", scope)
    assert [r.get_id() for r in listed] == ["a", "b"]
    assert JustSync.Record.equal(listed[0], records[0])

    got = call(store, "get", scope, "b")
    assert got.get_payload().get_string_member("title") == "eggs"
    assert call(store, "get", scope, "missing") is None

    deleted = call(store, "delete_many", scope, ["a"], JustSync.timestamp_now())
    assert deleted[0].get_kind() == JustSync.OpKind.DELETE
    assert [r.get_id() for r in call(store, "query", scope)] == ["b"]
    assert call(store, "get", scope, "a").is_deleted()
    assert call(store, "count_pending_ops", None, JustSync.OpState.QUEUED) == 3
    return store


def check_remote_store(scope, store):
    remote = JustSync.MemoryRemoteStore.new()
    other = scope.with_key("owner", "someone else")
    ops = call(store, "list_pending_ops", scope)
    upserts = [op for op in ops if op.get_kind() == JustSync.OpKind.UPSERT]

    results = call(remote, "batch_upsert", scope, upserts)
    assert len(results) == len(upserts)
    assert all(r.get_status() == JustSync.PushStatus.WRITTEN for r in results)
    applied = call(store, "commit_push_results", scope, results)
    assert applied.get_count(JustSync.ApplyAction.ACKNOWLEDGED) >= 1

    delta = call(remote, "fetch_since", scope, None, 100)
    fetched = {r.get_id(): json.loads(r.dup_payload_data()) for r in delta.get_records()}
    assert fetched == {"a": {"title": "milk", "n": 2}, "b": {"title": "eggs"}}, fetched
    assert not delta.get_has_more()
    assert delta.dup_cursor().get_last_id() in fetched

    assert len(call(remote, "fetch_since", other, None, 100).get_records()) == 0
    assert call(remote, "get_server_time") > 0


class KeepLocal(GObject.Object, JustSync.ConflictResolver):
    """A resolver in Python: the SQLite store must call it on this thread."""

    def __init__(self):
        super().__init__()
        self.threads = []

    def do_resolve(self, local, remote):
        self.threads.append(threading.current_thread())
        return JustSync.Resolution.LOCAL


def check_array_copies(store, scope):
    """Issue 17: the arrays a store returns are (transfer container) and free
    their elements themselves; every Python copy must hold its own references.
    A SQLite store makes new records for every read, so the array held the
    only references to them."""
    records, total = call(store, "query_page", scope, 0, 10)
    listed, shallow = list(records), copy.copy(records)
    ops = copy.copy(call(store, "list_pending_ops", scope))
    del records
    gc.collect()
    assert total == 2
    assert [r.get_payload().get_string_member("title") for r in listed] == ["milk", "eggs"]
    assert [JustSync.Record.equal(a, b) for a, b in zip(listed, shallow)] == [True, True]
    assert [op.get_record().get_id() for op in ops] == ["a", "b"]


def check_sqlite_store(scope, records):
    with tempfile.TemporaryDirectory() as folder:
        check_sqlite_file(scope, records, os.path.join(folder, "py.db"))


def check_sqlite_file(scope, records, path):
    loop = GLib.MainLoop()
    opened = {}

    def done(_source, result):
        opened["store"] = JustSync.SqliteStore.new_finish(result)
        loop.quit()

    JustSync.SqliteStore.new_async(path, True, None, done)
    loop.run()
    store = opened["store"]
    assert store.get_durable() and store.props.supports_soft_delete

    ops = call(store, "upsert_many", scope, records)
    assert [op.get_seq() for op in ops] == [1, 2]
    assert [r.get_id() for r in call(store, "query", scope)] == ["a", "b"]
    assert call(store, "count", scope) == 2
    found = call(store, "query_filter", scope, "title", '"eggs"', None, False, 0)
    assert [r.get_id() for r in found] == ["b"]
    try:
        call(store, "query_filter", scope, 'ti"tle', "1", None, False, 0)
    except GLib.Error as error:
        assert error.matches(JustSync.error_quark(), JustSync.Error.INVALID_ARGUMENT), error
    else:
        raise AssertionError("a field name with a quote was accepted")

    check_array_copies(store, scope)

    resolver = KeepLocal()
    delta = JustSync.Delta.new(JustSync.timestamp_now())
    delta.add(JustSync.Record.new_from_data("a", '{"title": "oat milk"}', 5, 0))
    applied = call(store, "apply_remote_changes", scope, delta, resolver)
    assert resolver.threads == [threading.main_thread()], resolver.threads
    assert len(applied.get_conflicts()) == 1
    assert call(store, "get", scope, "a").get_payload().get_string_member("title") == "milk"

    assert call(store, "close")
    try:
        call(store, "count", scope)
    except GLib.Error as error:
        assert error.matches(JustSync.error_quark(), JustSync.Error.STORAGE), error
    else:
        raise AssertionError("a closed store answered")


def main():
    scope = check_scope()
    records = check_records()
    store = check_local_store(scope, records)
    check_remote_store(scope, store)
    check_sqlite_store(scope, records)
    print("python bindings: ok")
    return 0


if __name__ == "__main__":
    sys.exit(main())
