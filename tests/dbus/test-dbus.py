#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# justsyncd from Python, with Gio.DBusProxy, as a Python app would use it.
# Runs on a private bus (private-bus.sh) that starts the daemon on demand.

import json
import unittest

import gi

gi.require_version("Gio", "2.0")
from gi.repository import Gio, GLib  # noqa: E402

BUS_NAME = "org.justsync.Sync1"
STORE_IFACE = "org.justsync.Sync1.Store"
TIMEOUT_MS = 20000


def remote_error(error):
    return Gio.DBusError.get_remote_error(error)


class StoreTestCase(unittest.TestCase):
    def setUp(self):
        self.bus = Gio.bus_get_sync(Gio.BusType.SESSION, None)
        self.manager = Gio.DBusProxy.new_sync(
            self.bus, Gio.DBusProxyFlags.NONE, None, BUS_NAME,
            "/org/justsync/Sync1", "org.justsync.Sync1.Manager", None)
        self.store = self.open_store(self._testMethodName.replace("_", "-"),
                                     {"remote": GLib.Variant("s", "memory")})

    def open_store(self, name, options):
        path = self.manager.call_sync(
            "OpenStore", GLib.Variant("(sa{sv})", (name, options)),
            Gio.DBusCallFlags.NONE, TIMEOUT_MS, None).unpack()[0]
        return Gio.DBusProxy.new_sync(
            self.bus, Gio.DBusProxyFlags.NONE, None, BUS_NAME, path, STORE_IFACE, None)

    def call(self, method, signature, *args):
        return self.store.call_sync(method, GLib.Variant(signature, args),
                                    Gio.DBusCallFlags.NONE, TIMEOUT_MS, None).unpack()

    def wait_for(self, condition, seconds=10):
        context = GLib.MainContext.default()
        deadline = GLib.get_monotonic_time() + seconds * 1000000
        ticker = GLib.timeout_add(50, lambda: True)
        try:
            while not condition() and GLib.get_monotonic_time() < deadline:
                context.iteration(True)
        finally:
            GLib.source_remove(ticker)
        return condition()

    def test_crud(self):
        record = json.loads(self.call("Create", "(ssa{sv})", "notes?user=py",
                                      json.dumps({"title": "from Python", "n": 1}), {})[0])
        record_id = record["id"]
        self.assertEqual(record["payload"], {"title": "from Python", "n": 1})

        got = json.loads(self.call("Get", "(ssa{sv})", "notes?user=py", record_id, {})[0])
        self.assertEqual(got["payload"]["title"], "from Python")

        updated = json.loads(self.call("Update", "(sssa{sv})", "notes?user=py", record_id,
                                       json.dumps({"title": "changed"}), {})[0])
        self.assertEqual(updated["payload"], {"title": "changed"})

        records, results = self.call("Query", "(ssa{sv})", "notes?user=py", "offline-only", {})
        self.assertEqual([r["id"] for r in json.loads(records)], [record_id])
        self.assertEqual(results["total"], 1)
        self.assertTrue(results["from-cache"])

        self.call("Delete", "(ssa{sv})", "notes?user=py", record_id, {})
        with self.assertRaises(GLib.Error) as raised:
            self.call("Get", "(ssa{sv})", "notes?user=py", record_id, {})
        self.assertEqual(remote_error(raised.exception), "org.justsync.Sync1.Error.NotFound")

    def test_sync_and_signals(self):
        events = []
        self.store.connect("g-signal", lambda proxy, sender, name, params:
                           events.append((name, params.unpack())))

        for i in range(4):
            self.call("Create", "(ssa{sv})", "tasks", json.dumps({"i": i}), {})
        stats = self.call("Synchronize", "(sa{sv})", "tasks", {})[0]
        self.assertEqual(stats["pushed"], 4)
        self.assertEqual(stats["failed"], 0)
        self.assertGreater(stats["finished-at"], 0)

        self.assertTrue(self.wait_for(lambda: any(n == "SyncFinished" for n, _ in events)))
        changed_ids = [i for n, p in events if n == "Changed" for i in p[1]]
        self.assertEqual(len(set(changed_ids)), 4)

        # The proxy's cached properties follow the daemon's PropertiesChanged.
        self.assertTrue(self.wait_for(
            lambda: self.store.get_cached_property("PendingCount").unpack() == 0))
        self.assertEqual(self.store.get_cached_property("State").unpack(), "idle")
        self.assertGreater(self.store.get_cached_property("LastSync").unpack(), 0)
        self.assertEqual(self.store.get_cached_property("LastError").unpack(), "")

    def test_offline_then_online(self):
        name = "test-offline-then-online"
        self.open_store(name, {"offline": GLib.Variant("b", True)})
        self.call("Create", "(ssa{sv})", "notes", "{}", {"id": GLib.Variant("s", "kept")})

        with self.assertRaises(GLib.Error) as raised:
            self.call("Synchronize", "(sa{sv})", "notes", {})
        self.assertEqual(remote_error(raised.exception), "org.justsync.Sync1.Error.Network")

        pending = json.loads(self.call("ListPending", "(sa{sv})", "notes", {})[0])
        self.assertEqual([op["record"]["id"] for op in pending], ["kept"])

        self.open_store(name, {"offline": GLib.Variant("b", False)})
        stats = self.call("Synchronize", "(sa{sv})", "notes", {})[0]
        self.assertEqual(stats["pushed"], 1)
        self.assertEqual(json.loads(self.call("ListPending", "(sa{sv})", "notes", {})[0]), [])

    def test_bad_input(self):
        cases = [
            ("Create", "(ssa{sv})", ("notes", "{not json", {})),
            ("Create", "(ssa{sv})", ("notes", "[]", {})),
            ("Create", "(ssa{sv})", ("notes", "{}", {"id": GLib.Variant("u", 3)})),
            ("Query", "(ssa{sv})", ("", "offline-only", {})),
            ("Query", "(ssa{sv})", ("notes", "whenever", {})),
            ("Get", "(ssa{sv})", ("notes", "", {})),
            ("Update", "(sssa{sv})", ("notes", "x", "null", {})),
            ("Delete", "(ssa{sv})", ("notes?k", "x", {})),
            ("Synchronize", "(sa{sv})", ("", {})),
            ("ListPending", "(sa{sv})", ("", {})),
            ("RetryFailed", "(sa{sv})", ("", {})),
        ]
        for method, signature, args in cases:
            with self.subTest(method=method, args=args):
                with self.assertRaises(GLib.Error) as raised:
                    self.call(method, signature, *args)
                self.assertEqual(remote_error(raised.exception),
                                 "org.justsync.Sync1.Error.InvalidArgument")
                self.assertTrue(raised.exception.message)

        with self.assertRaises(GLib.Error) as raised:
            self.open_store("bad/name", {})
        self.assertEqual(remote_error(raised.exception),
                         "org.justsync.Sync1.Error.InvalidArgument")

        # Still serving.
        self.assertEqual(self.call("RetryFailed", "(sa{sv})", "notes", {})[0], 0)


if __name__ == "__main__":
    unittest.main(verbosity=2)
