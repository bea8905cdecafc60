#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# justsyncd with a real PocketBase remote: two stores (two "devices" of
# alice) sync through the server over D-Bus. Runs under
# tests/servers/pocketbase/pb-harness (which exports JUSTSYNC_PB_*) and on
# a private bus (private-bus.sh).

import json
import os
import time
import unittest

import gi

gi.require_version("Gio", "2.0")
from gi.repository import Gio, GLib  # noqa: E402

BUS_NAME = "org.justsync.Sync1"
TIMEOUT_MS = 60000


def remote_error(error):
    return Gio.DBusError.get_remote_error(error)


class PocketbaseTestCase(unittest.TestCase):
    def setUp(self):
        self.bus = Gio.bus_get_sync(Gio.BusType.SESSION, None)
        self.url = os.environ["JUSTSYNC_PB_URL"]
        self.email = os.environ["JUSTSYNC_PB_ALICE_EMAIL"]
        self.password = os.environ["JUSTSYNC_PB_ALICE_PASSWORD"]
        self.scope = "records?owner=%s&tag=%s" % (os.environ["JUSTSYNC_PB_ALICE_ID"],
                                                  self._testMethodName.replace("_", "-"))

    def open_store(self, name, password, soft_delete_field="deleted_at", extra=None):
        options = {
            "remote": GLib.Variant("s", "pocketbase"),
            "url": GLib.Variant("s", self.url),
            "collections": GLib.Variant("a{ss}", {"records": "records"}),
            "auth-collection": GLib.Variant("s", "users"),
            "identity": GLib.Variant("s", self.email),
            "password": GLib.Variant("s", password),
        }
        options.update(extra or {})
        if soft_delete_field is not None:
            options["soft-delete-field"] = GLib.Variant("s", soft_delete_field)
        # To the bus name, not to a proxy's owner: the daemon may have been
        # replaced since.
        path = self.bus.call_sync(
            BUS_NAME, "/org/justsync/Sync1", "org.justsync.Sync1.Manager", "OpenStore",
            GLib.Variant("(sa{sv})", (name, options)), None,
            Gio.DBusCallFlags.NONE, TIMEOUT_MS, None).unpack()[0]
        return Gio.DBusProxy.new_sync(
            self.bus, Gio.DBusProxyFlags.NONE, None, BUS_NAME, path,
            "org.justsync.Sync1.Store", None)

    @staticmethod
    def call(store, method, signature, *args):
        return store.call_sync(method, GLib.Variant(signature, args),
                               Gio.DBusCallFlags.NONE, TIMEOUT_MS, None).unpack()

    def test_two_devices(self):
        laptop = self.open_store("laptop", self.password)
        phone = self.open_store("phone", self.password)
        self.assertEqual(laptop.get_cached_property("Remote").unpack(), "pocketbase")

        created = json.loads(self.call(laptop, "Create", "(ssa{sv})", self.scope,
                                       json.dumps({"title": "over D-Bus", "n": 7}), {})[0])
        stats = self.call(laptop, "Synchronize", "(sa{sv})", self.scope, {})[0]
        self.assertEqual(stats["pushed"], 1)
        self.assertEqual(stats["failed"], 0)

        stats = self.call(phone, "Synchronize", "(sa{sv})", self.scope, {})[0]
        self.assertEqual(stats["pulled"], 1)
        records = json.loads(self.call(phone, "Query", "(ssa{sv})", self.scope,
                                       "offline-only", {})[0])
        self.assertEqual([r["id"] for r in records], [created["id"]])
        self.assertEqual(records[0]["payload"]["title"], "over D-Bus")

        # A delete on the phone reaches the laptop.
        self.call(phone, "Delete", "(ssa{sv})", self.scope, created["id"], {})
        stats = self.call(phone, "Synchronize", "(sa{sv})", self.scope, {})[0]
        # The phone follows the scope it queried live: a background sync
        # may have pushed the delete before this one.
        self.assertIn(stats["pushed"], (0, 1))
        self.assertEqual(json.loads(self.call(phone, "ListPending", "(sa{sv})", self.scope,
                                              {})[0]), [])
        self.call(laptop, "Synchronize", "(sa{sv})", self.scope, {})
        records = json.loads(self.call(laptop, "Query", "(ssa{sv})", self.scope,
                                       "offline-only", {})[0])
        self.assertEqual(records, [])

        # The password is used, never kept on disk.
        data_home = os.environ["XDG_DATA_HOME"]
        for directory, _, files in os.walk(data_home):
            for name in files:
                with open(os.path.join(directory, name), "rb") as f:
                    self.assertNotIn(self.password.encode(), f.read(), name)

    def test_collection_without_soft_delete_field(self):
        # As the README opens it: a collection map, no soft-delete field.
        laptop = self.open_store("laptop-default", self.password, None)
        phone = self.open_store("phone-default", self.password, None)
        created = json.loads(self.call(laptop, "Create", "(ssa{sv})", self.scope,
                                       json.dumps({"title": "soft"}), {})[0])
        self.call(laptop, "Synchronize", "(sa{sv})", self.scope, {})
        self.call(phone, "Synchronize", "(sa{sv})", self.scope, {})
        records = json.loads(self.call(phone, "Query", "(ssa{sv})", self.scope,
                                       "offline-only", {})[0])
        self.assertEqual(records[0]["payload"]["title"], "soft")
        self.assertNotIn("deleted_at", records[0]["payload"])

        # The delete is soft, so the other device's pull sees it.
        self.call(laptop, "Delete", "(ssa{sv})", self.scope, created["id"], {})
        self.call(laptop, "Synchronize", "(sa{sv})", self.scope, {})
        self.call(phone, "Synchronize", "(sa{sv})", self.scope, {})
        records = json.loads(self.call(phone, "Query", "(ssa{sv})", self.scope,
                                       "offline-only", {})[0])
        self.assertEqual(records, [])

    def test_live(self):
        laptop = self.open_store("laptop-live", self.password)
        phone = self.open_store("phone-live", self.password)
        changed = []
        laptop.connect("g-signal", lambda proxy, sender, name, params:
                       changed.append(name) if name == "Changed" else None)
        context = GLib.MainContext.default()

        def change_arrives(title, seconds):
            del changed[:]
            self.call(phone, "Create", "(ssa{sv})", self.scope, json.dumps({"title": title}), {})
            self.call(phone, "Synchronize", "(sa{sv})", self.scope, {})
            deadline = time.monotonic() + seconds
            while not changed and time.monotonic() < deadline:
                context.iteration(False)
                time.sleep(0.01)
            return "Changed" in changed

        # Reading the scope follows it: once the subscription is up (on a
        # loaded machine it may take a while), a change arrives within 2 s.
        self.call(laptop, "Query", "(ssa{sv})", self.scope, "offline-only", {})
        self.assertTrue(change_arrives("first", 20))
        self.assertTrue(change_arrives("live", 2))
        records = json.loads(self.call(laptop, "Query", "(ssa{sv})", self.scope,
                                       "offline-only", {})[0])
        self.assertEqual(sorted(r["payload"]["title"] for r in records), ["first", "live"])

    def test_wrong_password(self):
        store = self.open_store("wrong-password", "not-the-password")
        self.call(store, "Create", "(ssa{sv})", self.scope, "{}", {})
        with self.assertRaises(GLib.Error) as raised:
            self.call(store, "Synchronize", "(sa{sv})", self.scope, {})
        self.assertEqual(remote_error(raised.exception), "org.justsync.Sync1.Error.Auth")
        # The change waits for better credentials.
        pending = json.loads(self.call(store, "ListPending", "(sa{sv})", self.scope, {})[0])
        self.assertEqual(len(pending), 1)

    def daemon_pid(self):
        return self.bus.call_sync(
            "org.freedesktop.DBus", "/org/freedesktop/DBus", "org.freedesktop.DBus",
            "GetConnectionUnixProcessID", GLib.Variant("(s)", (BUS_NAME,)), None,
            Gio.DBusCallFlags.NONE, TIMEOUT_MS, None).unpack()[0]

    def wait_for_refusal(self, store, scope):
        """Queries @scope until the store refuses it (the fields of its
        collection arrive in the background, after a login, which a loaded
        machine can make slow); returns the error."""
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                self.call(store, "Query", "(ssa{sv})", scope, "offline-only", {})
            except GLib.Error as error:
                return error
            time.sleep(0.05)
        self.fail("%s was never refused" % scope)

    def test_detected_fields(self):
        owner = os.environ["JUSTSYNC_PB_ALICE_ID"]
        bad_scope = "records?owner=%s&colour=red" % owner

        # A superuser reads the collections' schemas.
        admin = self.open_store("fields-admin", os.environ["JUSTSYNC_PB_PASSWORD"], None, {
            "auth-collection": GLib.Variant("s", "_superusers"),
            "identity": GLib.Variant("s", os.environ["JUSTSYNC_PB_ADMIN"]),
            "collections": GLib.Variant("a{ss}", {"records": "records", "hard": "hard_records"}),
        })
        error = self.wait_for_refusal(admin, bad_scope)
        self.assertEqual(remote_error(error), "org.justsync.Sync1.Error.InvalidArgument")
        self.assertIn("colour", error.message)
        self.call(admin, "Query", "(ssa{sv})", self.scope, "offline-only", {})

        # hard_records has no soft-delete field: its deletes are hard.
        hard_scope = self.scope.replace("records?", "hard?")
        created = json.loads(self.call(admin, "Create", "(ssa{sv})", hard_scope,
                                       json.dumps({"title": "hard"}), {})[0])
        self.call(admin, "Synchronize", "(sa{sv})", hard_scope, {})
        self.call(admin, "Delete", "(ssa{sv})", hard_scope, created["id"], {})
        stats = self.call(admin, "Synchronize", "(sa{sv})", hard_scope, {})[0]
        self.assertEqual(stats["failed"], 0)
        self.assertEqual(json.loads(self.call(admin, "ListPending", "(sa{sv})", hard_scope,
                                              {})[0]), [])

        # A user sees the fields of a record of the collection.
        laptop = self.open_store("fields-laptop", self.password)
        self.call(laptop, "Create", "(ssa{sv})", self.scope, json.dumps({"title": "t"}), {})
        self.call(laptop, "Synchronize", "(sa{sv})", self.scope, {})
        phone = self.open_store("fields-phone", self.password)
        error = self.wait_for_refusal(phone, bad_scope)
        self.assertEqual(remote_error(error), "org.justsync.Sync1.Error.InvalidArgument")
        self.call(phone, "Synchronize", "(sa{sv})", self.scope, {})

    def name_has_owner(self):
        return self.bus.call_sync(
            "org.freedesktop.DBus", "/org/freedesktop/DBus", "org.freedesktop.DBus",
            "NameHasOwner", GLib.Variant("(s)", (BUS_NAME,)), None,
            Gio.DBusCallFlags.NONE, TIMEOUT_MS, None).unpack()[0]

    def test_kill_mid_sync(self):
        # The daemon is killed (SIGKILL) while it pushes, again and again,
        # each time a little later; the bus starts a new one for the next
        # call. Every record reaches the server exactly once.
        count = 300
        # Nothing is pushed before the test kills: the server refuses
        # these credentials.
        laptop = self.open_store("laptop-kill", "not-the-password")
        for n in range(count):
            self.call(laptop, "Create", "(ssa{sv})", self.scope, json.dumps({"n": n}), {})

        context = GLib.MainContext.default()
        pending_seen = []
        # Steps of 10 %: the pushes of a round take longer than that, so
        # some kill lands among them however fast this machine is.
        delay = 0.02
        for _ in range(80):
            laptop = self.open_store("laptop-kill", self.password)
            pending = len(json.loads(self.call(laptop, "ListPending", "(sa{sv})", self.scope,
                                               {})[0]))
            pending_seen.append(pending)
            if pending == 0:
                break
            pid = self.daemon_pid()
            laptop.call("Synchronize", GLib.Variant("(sa{sv})", (self.scope, {})),
                        Gio.DBusCallFlags.NONE, TIMEOUT_MS, None, lambda *args: None)
            deadline = time.monotonic() + delay
            while time.monotonic() < deadline:
                context.iteration(False)
                time.sleep(0.005)
            os.kill(pid, 9)
            # The next call must start a new daemon, not reach the dead one.
            while self.name_has_owner():
                time.sleep(0.01)
            delay *= 1.1
        print("pending before each kill:", pending_seen)
        self.assertEqual(pending_seen[-1], 0, pending_seen)
        # At least one kill came in the middle of the pushes.
        self.assertTrue(any(0 < p < count for p in pending_seen), pending_seen)

        phone = self.open_store("phone-kill", self.password)
        self.call(phone, "Synchronize", "(sa{sv})", self.scope, {})
        records = json.loads(self.call(phone, "Query", "(ssa{sv})", self.scope,
                                       "offline-only", {})[0])
        self.assertEqual(sorted(r["payload"]["n"] for r in records), list(range(count)))
        laptop_records = json.loads(self.call(laptop, "Query", "(ssa{sv})", self.scope,
                                              "offline-only", {})[0])
        self.assertEqual(sorted(r["id"] for r in laptop_records), sorted(r["id"] for r in records))


if __name__ == "__main__":
    unittest.main(verbosity=2)
