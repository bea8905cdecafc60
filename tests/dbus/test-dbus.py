#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# justsyncd from Python, with Gio.DBusProxy, as a Python app would use it.
# Runs on a private bus (private-bus.sh) that starts the daemon on demand.

import json
import os
import subprocess
import time
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

    def test_replies_are_strict_json(self):
        # json-glib writes 1e17 as "1e+17.0" and U+001F raw: neither reads
        # back. Every reply holding a record must.
        payload = '{"big": 1e17, "tiny": 5e-324, "control": "\\u001f\\u007f"}'
        expected = {"big": 1e17, "tiny": 5e-324, "control": "\x1f\x7f"}
        created = json.loads(self.call("Create", "(ssa{sv})", "strict", payload, {})[0])
        self.assertEqual(created["payload"], expected)
        got = json.loads(self.call("Get", "(ssa{sv})", "strict", created["id"], {})[0])
        self.assertEqual(got, created)
        records, _ = self.call("Query", "(ssa{sv})", "strict", "offline-only", {})
        self.assertEqual(json.loads(records), [created])
        records, = self.call("Watch", "(ssa{sv})", "strict", json.dumps({}), {})
        self.assertEqual(json.loads(records), [created])

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


def daemon_pid(bus):
    return bus.call_sync("org.freedesktop.DBus", "/org/freedesktop/DBus", "org.freedesktop.DBus",
                         "GetConnectionUnixProcessID", GLib.Variant("(s)", (BUS_NAME,)), None,
                         Gio.DBusCallFlags.NONE, TIMEOUT_MS, None).unpack()[0]


def status_kib(pid, field):
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    raise KeyError(field)


def fd_count(pid):
    return len(os.listdir("/proc/%d/fd" % pid))


# A sanitizer's allocator keeps freed memory in quarantine: the daemon's
# memory cannot be measured there.
SANITIZED = os.environ.get("JUSTSYNC_SANITIZED") == "1"


class ResourceTestCase(unittest.TestCase):
    """What the service costs, and that it gives it back."""

    def setUp(self):
        self.bus = Gio.bus_get_sync(Gio.BusType.SESSION, None)

    def open_store(self, connection, name, options):
        return connection.call_sync(
            BUS_NAME, "/org/justsync/Sync1", "org.justsync.Sync1.Manager", "OpenStore",
            GLib.Variant("(sa{sv})", (name, options)), None, Gio.DBusCallFlags.NONE,
            TIMEOUT_MS, None).unpack()[0]

    @staticmethod
    def call(connection, path, method, signature, *args):
        return connection.call_sync(BUS_NAME, path, STORE_IFACE, method,
                                    GLib.Variant(signature, args), None,
                                    Gio.DBusCallFlags.NONE, TIMEOUT_MS, None).unpack()

    @unittest.skipIf(SANITIZED, "memory is not measurable under a sanitizer")
    def test_small_page_of_a_large_scope(self):
        # About 24 MiB of records in one scope; a page of one costs the
        # daemon far less than the scope.
        path = self.open_store(self.bus, "large-scope", {"remote": GLib.Variant("s", "memory")})
        text = "x" * (96 * 1024)
        for i in range(256):
            self.call(self.bus, path, "Create", "(ssa{sv})", "big",
                      json.dumps({"text": text}), {"id": GLib.Variant("s", "r%03d" % i)})
        # No background push may run while the page is read.
        self.call(self.bus, path, "Synchronize", "(sa{sv})", "big", {})
        pid = daemon_pid(self.bus)
        # Resets the peak of the resident set size (VmHWM).
        with open("/proc/%d/clear_refs" % pid, "w") as f:
            f.write("5")
        before = status_kib(pid, "VmRSS")
        records, results = self.call(self.bus, path, "Query", "(ssa{sv})", "big", "offline-only",
                                     {"offset": GLib.Variant("u", 10),
                                      "limit": GLib.Variant("u", 1)})
        self.assertEqual([r["id"] for r in json.loads(records)], ["r010"])
        self.assertEqual(results["total"], 256)
        peak = status_kib(pid, "VmHWM")
        self.assertLess(peak - before, 8 * 1024, "a page of one record cost %d KiB" % (peak - before))

    def start_daemon(self, *args):
        """A daemon of our own, with @args, that replaces the activated one."""
        daemon = subprocess.Popen([os.environ["JUSTSYNCD"], "--replace", "--no-idle-exit"] +
                                  list(args))
        self.addCleanup(daemon.wait)
        self.addCleanup(daemon.terminate)
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            try:
                if daemon_pid(self.bus) == daemon.pid:
                    break
            except GLib.Error:
                pass
            time.sleep(0.05)
        self.assertEqual(daemon_pid(self.bus), daemon.pid)
        return daemon

    def test_disk_quota(self):
        self.start_daemon("--quota=1")
        memory = {"remote": GLib.Variant("s", "memory")}
        path = self.open_store(self.bus, "quota", memory)
        text = "z" * (64 * 1024)
        ids = []
        with self.assertRaises(GLib.Error) as raised:
            for i in range(64):
                ids.append(json.loads(self.call(self.bus, path, "Create", "(ssa{sv})", "notes",
                                                json.dumps({"text": text}), {})[0])["id"])
        self.assertEqual(remote_error(raised.exception),
                         "org.freedesktop.DBus.Error.LimitsExceeded")
        self.assertIn("quota is 1 MiB", raised.exception.message)
        self.assertNotIn("/", raised.exception.message.replace("justsyncd --quota", ""))
        self.assertGreater(len(ids), 2)
        self.assertLess(len(ids), 40)

        # Updates, syncs and new stores wait; reads, deletes and the store
        # itself still work, and other applications are not affected.
        for method, signature, args in [
                ("Update", "(sssa{sv})", ("notes", ids[0], "{}", {})),
                ("Synchronize", "(sa{sv})", ("notes", {}))]:
            with self.assertRaises(GLib.Error) as raised:
                self.call(self.bus, path, method, signature, *args)
            self.assertEqual(remote_error(raised.exception),
                             "org.freedesktop.DBus.Error.LimitsExceeded")
        with self.assertRaises(GLib.Error) as raised:
            self.open_store(self.bus, "quota-2", memory)
        self.assertEqual(remote_error(raised.exception),
                         "org.freedesktop.DBus.Error.LimitsExceeded")
        self.assertEqual(self.open_store(self.bus, "quota", {}), path)
        records, results = self.call(self.bus, path, "Query", "(ssa{sv})", "notes",
                                     "offline-only", {"limit": GLib.Variant("u", 1)})
        self.assertEqual(results["total"], len(ids))
        self.call(self.bus, path, "Delete", "(ssa{sv})", "notes", ids[0], {})

        other = self.open_store(self.bus, "quota", dict(memory, **{
            "app-id": GLib.Variant("s", "org.example.Other")}))
        self.call(self.bus, other, "Create", "(ssa{sv})", "notes", json.dumps({"text": text}), {})

    @unittest.skipIf(SANITIZED, "memory is not measurable under a sanitizer")
    def test_resources_return_after_clients_leave(self):
        # Idle stores close at once.
        daemon = self.start_daemon("--store-idle-timeout=1")
        address = Gio.dbus_address_get_for_bus_sync(Gio.BusType.SESSION, None)

        def client_round(stores, scopes):
            client = Gio.DBusConnection.new_for_address_sync(
                address, Gio.DBusConnectionFlags.AUTHENTICATION_CLIENT |
                Gio.DBusConnectionFlags.MESSAGE_BUS_CONNECTION, None, None)
            for n in range(stores):
                path = self.open_store(client, "round-%d" % n,
                                       {"remote": GLib.Variant("s", "memory")})
                for i in range(scopes):
                    scope = "notes?page=%d" % i
                    if i % 50 == 0:
                        self.call(client, path, "Create", "(ssa{sv})", scope,
                                  json.dumps({"text": "y" * 1000}), {})
                    self.call(client, path, "Query", "(ssa{sv})", scope, "offline-only", {})
            busy = (status_kib(daemon.pid, "VmRSS"), fd_count(daemon.pid))
            client.close_sync(None)
            return busy

        def settled(rss_limit, fds_limit):
            deadline = time.monotonic() + 20
            while time.monotonic() < deadline:
                rss, fds = status_kib(daemon.pid, "VmRSS"), fd_count(daemon.pid)
                if rss <= rss_limit and fds <= fds_limit:
                    return rss, fds
                time.sleep(0.2)
            return rss, fds

        # The first round loads what stays loaded (libraries, caches).
        client_round(2, 100)
        time.sleep(3)
        base_rss, base_fds = status_kib(daemon.pid, "VmRSS"), fd_count(daemon.pid)

        busy_rss, busy_fds = client_round(16, 400)
        self.assertGreater(busy_fds, base_fds + 16)
        rss, fds = settled(base_rss + 4 * 1024, base_fds)
        self.assertLessEqual(fds, base_fds)
        self.assertLessEqual(rss, base_rss + 4 * 1024,
                             "RSS %d KiB, %d KiB at the baseline and %d KiB busy" %
                             (rss, base_rss, busy_rss))


if __name__ == "__main__":
    unittest.main(verbosity=2)
