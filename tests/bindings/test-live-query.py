#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# A watched list from Python: a JustSync.LiveQuery is a Gio.ListModel of
# JustSync.RecordObject that fills, then follows writes with small
# items-changed signals and keeps its items' identity.

import sys

import gi

gi.require_version("GLib", "2.0")
gi.require_version("Gio", "2.0")
gi.require_version("JustSync", "1")
from gi.repository import Gio, GLib, JustSync  # noqa: E402

from jstest import call  # noqa: E402


def wait_until(predicate):
    context = GLib.MainContext.default()
    deadline = GLib.get_monotonic_time() + 10 * 1000 * 1000
    while not predicate():
        assert GLib.get_monotonic_time() < deadline, "timed out"
        context.iteration(True)


def titles(model):
    return [model.get_item(i).get_string("title") for i in range(model.get_n_items())]


def record(id_, title, rank, done=False):
    data = '{"title": "%s", "rank": %d, "done": %s}' % (title, rank, "true" if done else "false")
    return JustSync.Record.new_from_data(id_, data, JustSync.timestamp_now(), 0)


def main():
    scope = JustSync.Scope.new("tasks")
    store = JustSync.MemoryLocalStore.new()
    call(store, "upsert_many", scope, [record("a", "milk", 2), record("b", "eggs", 1),
                                       record("c", "done", 3, done=True)])

    query = JustSync.Query.new(scope)
    query.add_filter_boolean("done", JustSync.QueryOperator.EQUAL, False)
    query.add_order("rank", False)

    once = call(store, "run_query", query, None)
    assert [r.get_id() for r in once] == ["b", "a"], [r.get_id() for r in once]

    live = JustSync.LiveQuery.new(store, query)
    assert isinstance(live, Gio.ListModel)
    assert live.get_item_type() == JustSync.RecordObject.__gtype__
    signals = []
    live.connect("items-changed", lambda _m, pos, removed, added: signals.append((pos, removed, added)))
    wait_until(lambda: not live.props.loading)
    assert titles(live) == ["eggs", "milk"], titles(live)
    assert signals == [(0, 0, 2)], signals
    assert live.props.n_items == 2

    # A new row goes where it sorts: one insertion.
    del signals[:]
    call(store, "upsert_many", scope, [record("d", "bread", 0)])
    wait_until(lambda: live.get_n_items() == 3)
    assert titles(live) == ["bread", "eggs", "milk"], titles(live)
    assert signals == [(0, 0, 1)], signals

    # A content change keeps the item: it notifies, the list does not change.
    del signals[:]
    eggs = live.get_item(1)
    notified = []
    eggs.connect("notify::record", lambda item, _pspec: notified.append(item.get_string("title")))
    call(store, "upsert_many", scope, [record("b", "brown eggs", 1)])
    wait_until(lambda: notified)
    assert notified == ["brown eggs"], notified
    assert signals == [], signals
    assert live.get_item(1) == eggs
    assert eggs.props.id == "b" and eggs.get_int("rank") == 1 and not eggs.get_boolean("done")

    # A finished task leaves.
    call(store, "upsert_many", scope, [record("a", "milk", 2, done=True)])
    wait_until(lambda: live.get_n_items() == 2)
    assert titles(live) == ["bread", "brown eggs"], titles(live)
    assert signals == [(2, 1, 0)], signals

    print("python live query: ok")
    return 0


if __name__ == "__main__":
    sys.exit(main())
