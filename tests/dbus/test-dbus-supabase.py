#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# justsyncd with a Supabase remote, set up with the justsync tool:
# `justsync open --remote supabase:URL --api-key KEY --table SCOPE=TABLE`.
# Two stores (two "devices" of alice, signed in with her access token)
# sync through PostgreSQL behind postrust-server. Runs under
# tests/servers/postgrest/pgrst-harness (which exports JUSTSYNC_SB_*) and
# on a private bus (private-bus.sh).

import json
import os
import subprocess
import unittest
import uuid

JUSTSYNC = os.environ["JUSTSYNC"]


def justsync(store, *args, stdin=None, check=True):
    result = subprocess.run([JUSTSYNC, "--store", store, *args], input=stdin,
                            capture_output=True, text=True, timeout=120)
    if check and result.returncode != 0:
        raise AssertionError("justsync %s failed (%d): %s" %
                             (" ".join(args), result.returncode, result.stderr))
    return result


class SupabaseTestCase(unittest.TestCase):
    def setUp(self):
        self.url = os.environ["JUSTSYNC_SB_URL"]
        self.anon_key = os.environ["JUSTSYNC_SB_ANON_KEY"]
        self.token = os.environ["JUSTSYNC_SB_ALICE_TOKEN"]
        self.scope = "records?owner=%s&tag=%s" % (os.environ["JUSTSYNC_SB_ALICE_ID"],
                                                  uuid.uuid4())

    def open_store(self, name, token):
        return justsync(name, "--json", "open", "--remote", "supabase:" + self.url,
                        "--api-key", self.anon_key, "--table", "records=records",
                        "--token-stdin", stdin=token + "\n")

    def test_two_devices(self):
        opened = json.loads(self.open_store("sb-laptop", self.token).stdout)
        self.assertEqual(opened["remote"], "supabase")
        self.open_store("sb-phone", self.token)

        created = json.loads(justsync("sb-laptop", "--json", "create", self.scope,
                                      json.dumps({"title": "through Supabase"})).stdout)
        stats = json.loads(justsync("sb-laptop", "--json", "sync", self.scope).stdout)
        self.assertEqual(stats["pushed"], 1)
        self.assertEqual(stats["failed"], 0)

        stats = json.loads(justsync("sb-phone", "--json", "sync", self.scope).stdout)
        self.assertEqual(stats["pulled"], 1)
        records = json.loads(justsync("sb-phone", "--json", "query", self.scope).stdout)["records"]
        self.assertEqual([r["id"] for r in records], [created["id"]])
        self.assertEqual(records[0]["payload"]["title"], "through Supabase")

        # The delete is soft (deleted_at, as in the shipped schema), so the
        # other device's pull sees it.
        justsync("sb-laptop", "delete", self.scope, created["id"])
        justsync("sb-laptop", "sync", self.scope)
        justsync("sb-phone", "sync", self.scope)
        records = json.loads(justsync("sb-phone", "--json", "query", self.scope).stdout)["records"]
        self.assertEqual(records, [])

        # The token is a credential: never on disk. The API key (the
        # project's public key) is remembered with the remote.
        found_key = False
        for directory, _, files in os.walk(os.environ["XDG_DATA_HOME"]):
            for name in files:
                with open(os.path.join(directory, name), "rb") as f:
                    data = f.read()
                self.assertNotIn(self.token.encode(), data, name)
                found_key = found_key or self.anon_key.encode() in data
        self.assertTrue(found_key)

    def test_expired_token_keeps_changes(self):
        self.open_store("sb-expired", os.environ["JUSTSYNC_SB_EXPIRED_TOKEN"])
        justsync("sb-expired", "create", self.scope, "{}")
        result = justsync("sb-expired", "sync", self.scope, check=False)
        self.assertNotEqual(result.returncode, 0)
        pending = json.loads(justsync("sb-expired", "--json", "pending", self.scope).stdout)
        self.assertEqual(len(pending), 1)

        # A valid token sends the change.
        self.open_store("sb-expired", self.token)
        stats = json.loads(justsync("sb-expired", "--json", "sync", self.scope).stdout)
        self.assertEqual(stats["failed"], 0)
        pending = json.loads(justsync("sb-expired", "--json", "pending", self.scope).stdout)
        self.assertEqual(pending, [])

    def test_bad_options(self):
        result = justsync("sb-bad", "open", "--remote", "supabase:" + self.url,
                          "--url", self.url, check=False)
        self.assertEqual(result.returncode, 2)
        result = justsync("sb-bad", "open", "--remote", "pocketbase:" + self.url,
                          "--api-key", "k", check=False)
        self.assertNotEqual(result.returncode, 0)
        self.assertIn("api-key", result.stderr)


if __name__ == "__main__":
    unittest.main(verbosity=2)
