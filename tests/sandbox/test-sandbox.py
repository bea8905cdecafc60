#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# justsyncd against a hostile sandboxed app: the app runs in a real bwrap
# sandbox with a /.flatpak-info, and reaches the bus through
# xdg-dbus-proxy, itself sandboxed, as `flatpak run` sets them up. Runs on
# a private bus (private-bus.sh) that starts the daemon on demand.
#
# The same file runs inside the sandbox with the argument "inside".

import json
import os
import random
import select
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import unittest

import gi

gi.require_version("Gio", "2.0")
from gi.repository import Gio, GLib  # noqa: E402

BUS_NAME = "org.justsync.Sync1"
MANAGER = "/org/justsync/Sync1"
STORE_IFACE = "org.justsync.Sync1.Store"
VICTIM = "com.example.Victim"
ATTACKER = "com.example.Attacker"
TIMEOUT_MS = 20000


def remote_error(error):
    return Gio.DBusError.get_remote_error(error)


def call(bus, path, interface, method, signature, args):
    params = GLib.Variant(signature, args) if signature else None
    return bus.call_sync(BUS_NAME, path, interface, method, params, None,
                         Gio.DBusCallFlags.NONE, TIMEOUT_MS, None).unpack()


def call_error(bus, path, interface, method, signature, args):
    """The D-Bus error name of the call, or None when it succeeded."""
    try:
        call(bus, path, interface, method, signature, args)
        return None
    except GLib.Error as error:
        return remote_error(error) or error.message


def open_store(bus, name, options):
    options = dict(options)
    return call(bus, MANAGER, "org.justsync.Sync1.Manager", "OpenStore", "(sa{sv})",
                (name, options))[0]


# Inside the sandbox

def junk_value(rng, junk):
    kind = rng.choice("sub")
    if kind == "s":
        return GLib.Variant("s", rng.choice(junk))
    if kind == "u":
        return GLib.Variant("u", rng.choice([0, 1, 4294967295]))
    return GLib.Variant("b", rng.choice([True, False]))


def inside(victim_path):
    bus = Gio.bus_get_sync(Gio.BusType.SESSION, None)
    results = {}
    memory = {"remote": GLib.Variant("s", "memory")}

    # Listen to everything it may: the proxy and the daemon must keep the
    # victim's signals away.
    signals = []
    bus.signal_subscribe(None, None, None, None, None, Gio.DBusSignalFlags.NONE,
                         lambda *args: signals.append(repr(args)))

    own = open_store(bus, "notes", memory)
    results["own-path"] = own
    results["introspect"] = call(bus, MANAGER + "/store", "org.freedesktop.DBus.Introspectable",
                                 "Introspect", None, None)[0]
    results["open-victim"] = call_error(
        bus, MANAGER, "org.justsync.Sync1.Manager", "OpenStore", "(sa{sv})",
        ("notes", {"app-id": GLib.Variant("s", VICTIM)}))
    results["query-victim"] = call_error(bus, victim_path, STORE_IFACE, "Query", "(ssa{sv})",
                                         ("notes", "offline-only", {}))
    results["get-all-victim"] = call_error(bus, victim_path, "org.freedesktop.DBus.Properties",
                                           "GetAll", "(s)", (STORE_IFACE,))

    # Random calls with bad arguments, to any path.
    rng = random.Random(13)
    paths = [MANAGER, own, victim_path, MANAGER + "/store", MANAGER + "/store/x_2fy", "/"]
    methods = ["Query", "Get", "Create", "Update", "Delete", "Synchronize", "ListPending",
               "RetryFailed", "OpenStore", "Frobnicate", "GetAll", "Set"]
    junk = ["", "notes", "notes?", "?=&", "a" * 70000, "\u00e9", "../..", "{", "{\"a\":" * 200,
            "[]", "null", "notes?a=b&a=c", "%00", "\ufffd" * 10, VICTIM, "memory", "id",
            "app-id", "remote", "offline-only", "online-only", "limit", "url"]
    n_calls = int(os.environ.get("JUSTSYNC_FUZZ_CALLS", "10000"))
    errors = 0
    succeeded_on_victim = 0
    for i in range(n_calls):
        path = rng.choice(paths)
        interface = rng.choice([STORE_IFACE, "org.justsync.Sync1.Manager",
                                "org.freedesktop.DBus.Properties"])
        method = rng.choice(methods)
        args = [rng.choice(junk) for _ in range(rng.randint(0, 3))]
        signature = "s" * len(args)
        if rng.random() < 0.7:
            args.append({rng.choice(junk): junk_value(rng, junk)
                         for _ in range(rng.randint(0, 3))})
            signature += "a{sv}"
        error = call_error(bus, path, interface, method, "(" + signature + ")", tuple(args))
        if error is None and path == victim_path:
            succeeded_on_victim += 1
        errors += error is not None
    results["fuzz-calls"] = n_calls
    results["fuzz-errors"] = errors
    results["fuzz-succeeded-on-victim"] = succeeded_on_victim

    # Stores without end: the app reaches its bound.
    opened = 0
    bound_error = None
    while bound_error is None and opened < 10000:
        try:
            open_store(bus, "many%d" % opened, memory)
            opened += 1
        except GLib.Error as error:
            bound_error = remote_error(error)
    results["opened"] = opened
    results["bound-error"] = bound_error

    # The outside writes to the victim's store now.
    print(json.dumps(results), flush=True)
    sys.stdin.readline()
    context = GLib.MainContext.default()
    deadline = time.monotonic() + 1.5
    while time.monotonic() < deadline:
        context.iteration(False)
        time.sleep(0.01)
    print(json.dumps({"victim-signals": [s for s in signals if "Victim" in s],
                      "signals": len(signals)}), flush=True)
    return 0


# Raw D-Bus, for the pid-reuse trick: the connecting process says Hello,
# leaves its socket to a child and exits.

def bus_socket_address():
    address = os.environ["DBUS_SESSION_BUS_ADDRESS"].split(";")[0]
    kind, _, params = address.partition(":")
    values = dict(p.split("=", 1) for p in params.split(","))
    if "abstract" in values:
        return "\0" + values["abstract"]
    return values["path"]


class RawBus:
    def __init__(self, sock):
        self.sock = sock
        self.buffer = b""
        self.serial = 0

    def auth(self):
        uid = str(os.getuid()).encode().hex().encode()
        self.sock.sendall(b"\0AUTH EXTERNAL " + uid + b"\r\n")
        line = b""
        while not line.endswith(b"\r\n"):
            line += self.sock.recv(1)
        assert line.startswith(b"OK"), line
        self.sock.sendall(b"BEGIN\r\n")

    def call(self, destination, path, interface, method, body):
        message = Gio.DBusMessage.new_method_call(destination, path, interface, method)
        if body is not None:
            message.set_body(body)
        self.serial += 1
        message.set_serial(self.serial)
        self.sock.sendall(message.to_blob(Gio.DBusCapabilityFlags.NONE))
        while True:
            while len(self.buffer) < 16 or \
                    len(self.buffer) < Gio.DBusMessage.bytes_needed(self.buffer[:16]):
                chunk = self.sock.recv(65536)
                assert chunk, "the bus closed the connection"
                self.buffer += chunk
            size = Gio.DBusMessage.bytes_needed(self.buffer[:16])
            reply = Gio.DBusMessage.new_from_blob(self.buffer[:size],
                                                  Gio.DBusCapabilityFlags.NONE)
            self.buffer = self.buffer[size:]
            if reply.get_reply_serial() == self.serial:
                return reply


def inside_pid_reuse():
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    sock.connect(bus_socket_address())
    raw = RawBus(sock)
    raw.auth()
    raw.call("org.freedesktop.DBus", "/org/freedesktop/DBus", "org.freedesktop.DBus",
             "Hello", None)
    if os.fork() != 0:
        # The connecting process: gone, its pid free.
        print(os.getpid(), flush=True)
        os._exit(0)
    sys.stdin.readline()
    reply = raw.call(BUS_NAME, MANAGER, "org.justsync.Sync1.Manager", "OpenStore",
                     GLib.Variant("(sa{sv})", ("notes", {
                         "app-id": GLib.Variant("s", VICTIM),
                         "remote": GLib.Variant("s", "memory")})))
    print(reply.get_error_name() or "success", flush=True)
    return 0


# Outside

def bwrap_available():
    try:
        subprocess.run(["bwrap", "--ro-bind", "/", "/", "--unshare-pid", "true"], check=True,
                       capture_output=True)
        return None
    except (OSError, subprocess.CalledProcessError) as error:
        return str(getattr(error, "stderr", b"") or error)


class SandboxTestCase(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        why = bwrap_available()
        if why is not None:
            raise RuntimeError("bwrap cannot create namespaces here: %s" % why)
        cls.tmp = tempfile.mkdtemp(prefix="justsync-sandbox-")
        cls.info = os.path.join(cls.tmp, "flatpak-info")
        with open(cls.info, "w") as f:
            # [Runtime] comes from the runtime; the portals read only
            # [Application].
            f.write("[Application]\nname=%s\nruntime=runtime/org.gnome.Platform/x86_64/46\n"
                    "\n[Runtime]\nname=%s\n\n[Instance]\ninstance-id=1\n" % (ATTACKER, VICTIM))
        cls.proxy_dir = os.path.join(cls.tmp, "proxy")
        os.mkdir(cls.proxy_dir)
        cls.bus = Gio.bus_get_sync(Gio.BusType.SESSION, None)

        # As flatpak does it: the proxy runs in a sandbox of the app's, so
        # that the bus names it by the app's /.flatpak-info.
        cls.proxy = subprocess.Popen(
            cls.sandbox_args(False) + [
                "--bind", cls.proxy_dir, cls.proxy_dir, "--",
                "xdg-dbus-proxy", os.environ["DBUS_SESSION_BUS_ADDRESS"],
                os.path.join(cls.proxy_dir, "bus"), "--filter", "--talk=" + BUS_NAME])
        deadline = time.monotonic() + 10
        while not os.path.exists(os.path.join(cls.proxy_dir, "bus")):
            assert time.monotonic() < deadline, "xdg-dbus-proxy did not start"
            time.sleep(0.05)

    @classmethod
    def tearDownClass(cls):
        cls.proxy.terminate()
        cls.proxy.wait()
        shutil.rmtree(cls.tmp)

    @classmethod
    def sandbox_args(cls, unshare_pid, bus_access=True):
        args = ["bwrap", "--ro-bind", "/usr", "/usr", "--symlink", "usr/lib", "/lib",
                "--symlink", "usr/lib64", "/lib64", "--symlink", "usr/bin", "/bin",
                "--ro-bind", "/etc", "/etc", "--proc", "/proc", "--dev", "/dev",
                "--tmpfs", "/tmp", "--ro-bind", cls.info, "/.flatpak-info",
                "--ro-bind", os.path.abspath(__file__), "/app/test.py", "--die-with-parent"]
        if unshare_pid:
            args.append("--unshare-pid")
        # The bus socket (an abstract one needs nothing: bwrap keeps the
        # network namespace).
        bus = bus_socket_address()
        if bus_access and not bus.startswith("\0"):
            args += ["--bind", bus, bus]
        return args

    def run_app(self, *args, proxy=True):
        command = self.sandbox_args(proxy, bus_access=not proxy)
        if proxy:
            command += ["--ro-bind", os.path.join(self.proxy_dir, "bus"), "/run/flatpak/bus",
                        "--setenv", "DBUS_SESSION_BUS_ADDRESS", "unix:path=/run/flatpak/bus"]
        return subprocess.Popen(command + ["--", sys.executable, "/app/test.py"] + list(args),
                                stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)

    def victim_store(self):
        path = open_store(self.bus, "notes", {"app-id": GLib.Variant("s", VICTIM),
                                              "remote": GLib.Variant("s", "memory")})
        return path

    def victim_records(self, path):
        # Its own changes pushed first.
        call(self.bus, path, STORE_IFACE, "Synchronize", "(sa{sv})", ("notes", {}))
        return call(self.bus, path, STORE_IFACE, "Query", "(ssa{sv})",
                    ("notes", "offline-only", {}))[0]

    def test_hostile_app(self):
        victim = self.victim_store()
        call(self.bus, victim, STORE_IFACE, "Create", "(ssa{sv})",
             ("notes", json.dumps({"secret": "of the victim"}), {}))
        before = self.victim_records(victim)

        app = self.run_app("inside", victim)
        line = app.stdout.readline()
        self.assertTrue(line, "the sandboxed app failed")
        results = json.loads(line)

        self.assertIn("Attacker", results["own-path"])
        self.assertNotIn("Victim", results["introspect"])
        self.assertEqual(results["open-victim"], "org.freedesktop.DBus.Error.AccessDenied")
        self.assertEqual(results["query-victim"], "org.freedesktop.DBus.Error.UnknownObject")
        self.assertEqual(results["get-all-victim"], "org.freedesktop.DBus.Error.UnknownObject")
        self.assertEqual(results["fuzz-succeeded-on-victim"], 0)
        self.assertGreater(results["fuzz-errors"], results["fuzz-calls"] * 9 // 10)
        # "notes" and any the random calls opened count among the 64.
        self.assertGreater(results["opened"], 0)
        self.assertLess(results["opened"], 64)
        self.assertEqual(results["bound-error"], "org.freedesktop.DBus.Error.LimitsExceeded")

        # Another app keeps working while the attacker holds its all.
        other = open_store(self.bus, "notes", {"app-id": GLib.Variant("s", "com.example.Other"),
                                               "remote": GLib.Variant("s", "memory")})
        self.assertIn("Other", other)

        # The victim's store is as it was, and its signals stay its own.
        self.assertEqual(self.victim_records(victim), before)
        call(self.bus, victim, STORE_IFACE, "Create", "(ssa{sv})",
             ("notes", json.dumps({"more": "of the victim"}), {}))
        app.stdin.write("go\n")
        app.stdin.flush()
        signals = json.loads(app.stdout.readline())
        self.assertEqual(signals["victim-signals"], [])
        app.stdin.close()
        app.stdout.close()
        self.assertEqual(app.wait(), 0)

    def take_pid(self, pid):
        """Starts an unsandboxed process with the pid @pid."""
        for _ in range(50):
            try:
                with open("/proc/sys/kernel/ns_last_pid", "w") as f:
                    f.write(str(pid - 1))
            except OSError:
                # Without the right to set it, go round the pids.
                while True:
                    child = os.fork()
                    if child == 0:
                        os._exit(0)
                    os.waitpid(child, 0)
                    if child % 32768 == (pid - 1) % 32768 or child == pid - 1:
                        break
            taker = subprocess.Popen(["sleep", "60"])
            if taker.pid == pid:
                return taker
            taker.kill()
            taker.wait()
        self.fail("could not reuse pid %d" % pid)

    def test_pid_reuse(self):
        victim = self.victim_store()
        before = self.victim_records(victim)
        # Straight on the bus, as with --socket=session-bus, where the bus
        # sees the app's own pid.
        app = self.run_app("inside-pid-reuse", proxy=False)
        pid = int(app.stdout.readline())
        # The connecting process is gone once bwrap returned.
        self.assertEqual(app.wait(), 0)
        # A real reuse waits for the pids to wrap around, far longer than
        # this: the service has heard of the connection by then.
        time.sleep(0.2)
        taker = self.take_pid(pid)
        try:
            app.stdin.write("go\n")
            app.stdin.flush()
            ready, _, _ = select.select([app.stdout], [], [], 20)
            self.assertTrue(ready)
            self.assertEqual(app.stdout.readline().strip(),
                             "org.freedesktop.DBus.Error.AccessDenied")
        finally:
            taker.kill()
            taker.wait()
            app.stdin.close()
            app.stdout.close()
        self.assertEqual(self.victim_records(victim), before)


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "inside":
        sys.exit(inside(sys.argv[2]))
    if len(sys.argv) > 1 and sys.argv[1] == "inside-pid-reuse":
        sys.exit(inside_pid_reuse())
    unittest.main(verbosity=2)
