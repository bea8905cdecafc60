#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# justsyncd with an Appwrite remote, set up with the justsync tool:
# `justsync open --remote appwrite:URL --project P --database D` and an
# email session (an identity and a password, or a session's secret as the
# token). Appwrite runs only under Docker, so the remote is the Appwrite
# contract server (tests/appwrite/aw-server-main), which reproduces the
# documented requests and replies: contract-tested only. Runs on a private
# bus (private-bus.sh).

import http.cookies
import json
import os
import subprocess
import time
import unittest
import urllib.request
import uuid

JUSTSYNC = os.environ["JUSTSYNC"]
PROJECT = "justsync-test"
DATABASE = "main"
ALICE_EMAIL = "alice@example.com"
ALICE_PASSWORD = "alice-password"


def justsync(store, *args, stdin=None, check=True):
    result = subprocess.run([JUSTSYNC, "--store", store, *args], input=stdin,
                            capture_output=True, text=True, timeout=120)
    if check and result.returncode != 0:
        raise AssertionError("justsync %s failed (%d): %s" %
                             (" ".join(args), result.returncode, result.stderr))
    return result


class AppwriteTestCase(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.server = subprocess.Popen([os.environ["JUSTSYNC_AW_SERVER"]], stdin=subprocess.PIPE,
                                      stdout=subprocess.PIPE, text=True)
        cls.endpoint = cls.server.stdout.readline().strip()

    @classmethod
    def tearDownClass(cls):
        cls.server.stdin.close()
        cls.server.wait(timeout=30)
        cls.server.stdout.close()

    def setUp(self):
        self.scope = "records?owner=alice&tag=%s" % uuid.uuid4()

    def command(self, line):
        self.server.stdin.write(line + "\n")
        self.server.stdin.flush()
        return self.server.stdout.readline().strip()

    def session_secret(self):
        """Signs alice in over HTTP, as an app would, and returns the
        session's secret from the a_session_<project> cookie."""
        request = urllib.request.Request(
            self.endpoint + "/account/sessions/email", method="POST",
            data=json.dumps({"email": ALICE_EMAIL, "password": ALICE_PASSWORD}).encode(),
            headers={"Content-Type": "application/json", "X-Appwrite-Project": PROJECT,
                     "X-Appwrite-Response-Format": "1.7.0"})
        with urllib.request.urlopen(request, timeout=30) as reply:
            cookies = http.cookies.SimpleCookie()
            for header in reply.headers.get_all("Set-Cookie"):
                cookies.load(header)
        return cookies["a_session_" + PROJECT].value

    def open_store(self, name, *credentials, stdin):
        return justsync(name, "--json", "open", "--remote", "appwrite:" + self.endpoint,
                        "--project", PROJECT, "--database", DATABASE,
                        "--collection", "records=records", *credentials, stdin=stdin)

    def sync_until_ok(self, name):
        # A password signs in in the background: the first syncs may come
        # before the session.
        for _ in range(50):
            result = justsync(name, "--json", "sync", self.scope, check=False)
            if result.returncode == 0:
                return json.loads(result.stdout)
            time.sleep(0.2)
        raise AssertionError("never synced: " + result.stderr)

    def test_two_devices(self):
        opened = json.loads(self.open_store("aw-laptop", "--identity", ALICE_EMAIL,
                                            "--password-stdin",
                                            stdin=ALICE_PASSWORD + "\n").stdout)
        self.assertEqual(opened["remote"], "appwrite")
        secret = self.session_secret()
        self.open_store("aw-phone", "--token-stdin", stdin=secret + "\n")

        created = json.loads(justsync("aw-laptop", "--json", "create", self.scope,
                                      json.dumps({"title": "through Appwrite"})).stdout)
        stats = self.sync_until_ok("aw-laptop")
        pending = json.loads(justsync("aw-laptop", "--json", "pending", self.scope).stdout)
        self.assertEqual(pending, [])
        self.assertEqual(stats["failed"], 0)

        stats = json.loads(justsync("aw-phone", "--json", "sync", self.scope).stdout)
        self.assertEqual(stats["pulled"], 1)
        records = json.loads(justsync("aw-phone", "--json", "query", self.scope).stdout)["records"]
        self.assertEqual([r["id"] for r in records], [created["id"]])
        self.assertEqual(records[0]["payload"]["title"], "through Appwrite")

        # Deletes are soft (deleted_at): the other device's pull sees them.
        justsync("aw-laptop", "delete", self.scope, created["id"])
        justsync("aw-laptop", "sync", self.scope)
        justsync("aw-phone", "sync", self.scope)
        records = json.loads(justsync("aw-phone", "--json", "query", self.scope).stdout)["records"]
        self.assertEqual(records, [])

        # The password and the session are credentials: never on disk. The
        # project and the database are remembered with the remote.
        found_project = False
        for directory, _, files in os.walk(os.environ["XDG_DATA_HOME"]):
            for name in files:
                with open(os.path.join(directory, name), "rb") as f:
                    data = f.read()
                self.assertNotIn(ALICE_PASSWORD.encode(), data, name)
                self.assertNotIn(secret.encode(), data, name)
                found_project = found_project or b"project=" + PROJECT.encode() in data
        self.assertTrue(found_project)

    def test_revoked_session_keeps_changes(self):
        self.open_store("aw-revoked", "--token-stdin", stdin=self.session_secret() + "\n")
        justsync("aw-revoked", "create", self.scope, "{}")
        self.assertTrue(self.command("revoke alice").startswith("revoked "))
        result = justsync("aw-revoked", "sync", self.scope, check=False)
        self.assertNotEqual(result.returncode, 0)
        pending = json.loads(justsync("aw-revoked", "--json", "pending", self.scope).stdout)
        self.assertEqual(len(pending), 1)

        # A new session sends the change.
        self.open_store("aw-revoked", "--token-stdin", stdin=self.session_secret() + "\n")
        stats = json.loads(justsync("aw-revoked", "--json", "sync", self.scope).stdout)
        self.assertEqual(stats["failed"], 0)
        pending = json.loads(justsync("aw-revoked", "--json", "pending", self.scope).stdout)
        self.assertEqual(pending, [])

    def test_wrong_password_keeps_changes(self):
        # The background sign-in fails: the service goes on, syncs fail
        # with "credentials refused" (6), and the change waits for the
        # right password.
        self.open_store("aw-wrong", "--identity", ALICE_EMAIL, "--password-stdin",
                        stdin="not-the-password\n")
        justsync("aw-wrong", "create", self.scope, "{}")
        result = justsync("aw-wrong", "sync", self.scope, check=False)
        self.assertEqual(result.returncode, 6, result.stderr)
        pending = json.loads(justsync("aw-wrong", "--json", "pending", self.scope).stdout)
        self.assertEqual(len(pending), 1)

        self.open_store("aw-wrong", "--identity", ALICE_EMAIL, "--password-stdin",
                        stdin=ALICE_PASSWORD + "\n")
        self.sync_until_ok("aw-wrong")
        pending = json.loads(justsync("aw-wrong", "--json", "pending", self.scope).stdout)
        self.assertEqual(pending, [])

    def test_restart_remembers_remote(self):
        # The project and the database are saved with the remote: after the
        # daemon restarts, a session alone (no remote options) syncs.
        self.open_store("aw-restart", "--token-stdin", stdin=self.session_secret() + "\n")
        created = json.loads(justsync("aw-restart", "--json", "create", self.scope, "{}").stdout)
        pid = subprocess.run(
            ["gdbus", "call", "--session", "--dest", "org.freedesktop.DBus",
             "--object-path", "/org/freedesktop/DBus",
             "--method", "org.freedesktop.DBus.GetConnectionUnixProcessID", "org.justsync.Sync1"],
            capture_output=True, text=True, check=True).stdout
        os.kill(int(pid.strip("()\n, ").split()[-1]), 15)
        for _ in range(200):
            owner = subprocess.run(
                ["gdbus", "call", "--session", "--dest", "org.freedesktop.DBus",
                 "--object-path", "/org/freedesktop/DBus",
                 "--method", "org.freedesktop.DBus.NameHasOwner", "org.justsync.Sync1"],
                capture_output=True, text=True, check=True).stdout
            if "false" in owner:
                break
            time.sleep(0.05)

        opened = json.loads(justsync("aw-restart", "--json", "open", "--token-stdin",
                                     stdin=self.session_secret() + "\n").stdout)
        self.assertEqual(opened["remote"], "appwrite")
        stats = json.loads(justsync("aw-restart", "--json", "sync", self.scope).stdout)
        self.assertEqual(stats["pushed"], 1)
        self.assertEqual(stats["failed"], 0)
        records = json.loads(justsync("aw-restart", "--json", "query", self.scope).stdout)["records"]
        self.assertEqual([r["id"] for r in records], [created["id"]])

    def test_bad_options(self):
        def refused(*args):
            result = justsync("aw-bad", "open", *args, check=False)
            self.assertNotEqual(result.returncode, 0)
            return result.stderr

        host = self.endpoint.split("//", 1)[1]
        self.assertIn("credentials", refused("--remote", "appwrite:http://alice:pw@" + host,
                                             "--project", PROJECT, "--database", DATABASE))
        self.assertIn("Plain http", refused("--remote", "appwrite:http://appwrite.example.org/v1",
                                            "--project", PROJECT, "--database", DATABASE))
        self.assertIn("project", refused("--remote", "appwrite:" + self.endpoint))
        self.assertIn("appwrite", refused("--remote", "pocketbase:" + self.endpoint,
                                          "--project", PROJECT, "--database", DATABASE))
        result = justsync("aw-bad", "open", "--remote", "appwrite:" + self.endpoint,
                          "--url", self.endpoint, check=False)
        self.assertEqual(result.returncode, 2)


if __name__ == "__main__":
    unittest.main(verbosity=2)
