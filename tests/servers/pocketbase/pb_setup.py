#!/usr/bin/python3
"""Provision a freshly started PocketBase test server for JustSync.

Called by ./pb-harness start, after `superuser upsert` and once /api/health
answers. Talks only to the given loopback URL, using the standard library.

Input (environment):
  JUSTSYNC_PB_URL, JUSTSYNC_PB_ADMIN, JUSTSYNC_PB_PASSWORD,
  JUSTSYNC_PB_ALICE_PASSWORD, JUSTSYNC_PB_BOB_PASSWORD,
  JUSTSYNC_PB_CAROL_PASSWORD

What it does:
  - logs in as the superuser,
  - enables the batch API (disabled by default in PocketBase),
  - imports the base collection `records` (soft delete via `deleted_at`)
    from data/pocketbase/justsync-collections.json, the schema JustSync
    ships for apps, and creates `hard_records`, the same without
    `deleted_at`; both owner-scoped,
  - creates the auth collection `shortusers` (tokens expire after ~2 s, see
    main.go) and the users alice, bob (in the default `users` collection)
    and carol (in `shortusers`).

Output (stdout): shell-sourceable KEY=VALUE lines with the users' ids.
"""

import json
import os
import sys
import urllib.error
import urllib.request

URL = os.environ["JUSTSYNC_PB_URL"].rstrip("/")
# A guest's @request.auth.id is "", so the plain `owner = @request.auth.id`
# would let guests (and clients whose token expired, which PocketBase
# treats as guests) create and list rows with an empty owner.
OWNER_RULE = '@request.auth.id != "" && owner = @request.auth.id'


def api(method, path, body=None, token=None):
    data = None if body is None else json.dumps(body).encode()
    req = urllib.request.Request(URL + path, data=data, method=method)
    if data is not None:
        req.add_header("Content-Type", "application/json")
    if token:
        req.add_header("Authorization", token)
    try:
        with urllib.request.urlopen(req, timeout=15) as resp:
            raw = resp.read()
            return resp.status, (json.loads(raw) if raw else None)
    except urllib.error.HTTPError as err:
        raw = err.read()
        sys.stderr.write("pb_setup: %s %s -> %d %s\n" % (method, path, err.code,
                                                       raw.decode(errors="replace")))
        sys.exit(1)


HERE = os.path.dirname(os.path.abspath(__file__))
# The schema JustSync ships for apps: the `records` collection comes from it,
# so every PocketBase test exercises what the README tells apps to import.
SCHEMA = os.path.join(HERE, "..", "..", "..", "data", "pocketbase", "justsync-collections.json")


def autodate_fields():
    return [
        {"name": "created", "type": "autodate", "onCreate": True, "onUpdate": False},
        {"name": "updated", "type": "autodate", "onCreate": True, "onUpdate": True},
    ]


def shipped_schema():
    with open(SCHEMA) as f:
        schema = json.load(f)
    records = next(c for c in schema["collections"] if c["name"] == "records")
    # The tests rely on these rules and fields; fail loudly if the shipped
    # schema drifts from what they check.
    for rule in ("listRule", "viewRule", "createRule", "updateRule", "deleteRule"):
        if records[rule] != OWNER_RULE:
            sys.exit("pb_setup: %s: records.%s is not %r" % (SCHEMA, rule, OWNER_RULE))
    names = [f["name"] for f in records["fields"]]
    for name in ("title", "n", "done", "owner", "tag", "deleted_at", "created", "updated"):
        if name not in names:
            sys.exit("pb_setup: %s: records has no field %r" % (SCHEMA, name))
    # The scope key's keyset index: without it a user's pull scans.
    if not any("(`owner`, `updated`, `id`)" in index for index in records["indexes"]):
        sys.exit("pb_setup: %s: records has no (owner, updated, id) index" % SCHEMA)
    return schema, records


def hard_collection(records):
    """`records` without its soft-delete field: deletes are hard."""
    hard = json.loads(json.dumps(records).replace("records", "hard_records"))
    hard["fields"] = [f for f in hard["fields"] if f["name"] != "deleted_at"]
    return hard


def main():
    _, auth = api("POST", "/api/collections/_superusers/auth-with-password", {
        "identity": os.environ["JUSTSYNC_PB_ADMIN"],
        "password": os.environ["JUSTSYNC_PB_PASSWORD"],
    })
    su = auth["token"]

    _, settings = api("PATCH", "/api/settings",
                      {"batch": {"enabled": True, "maxRequests": 50, "timeout": 3}}, su)
    if not settings["batch"]["enabled"]:
        sys.exit("pb_setup: batch API still disabled after PATCH /api/settings")

    # The default `users` auth collection comes from PocketBase's initial
    # migrations (listRule/viewRule/updateRule/deleteRule "id = @request.auth.id",
    # createRule ""); it is used as it is.
    _, cols = api("GET", "/api/collections?perPage=200&fields=name,type", None, su)
    names = {c["name"]: c["type"] for c in cols["items"]}
    if names.get("users") != "auth":
        sys.exit("pb_setup: expected a default `users` auth collection, got %r" % names)

    schema, records = shipped_schema()
    api("PUT", "/api/collections/import", schema, su)
    api("POST", "/api/collections", hard_collection(records), su)
    api("POST", "/api/collections", {
        "name": "shortusers",
        "type": "auth",
        "fields": [{"name": "name", "type": "text"}] + autodate_fields(),
        "listRule": "id = @request.auth.id",
        "viewRule": "id = @request.auth.id",
        "createRule": None,
        "updateRule": "id = @request.auth.id",
        "deleteRule": None,
        "passwordAuth": {"enabled": True, "identityFields": ["email"]},
        # 10 s is the smallest value PocketBase accepts; main.go shortens the
        # tokens it actually issues for this collection to ~2 s.
        "authToken": {"duration": 10},
    }, su)

    out = []
    for key, collection, email, name in (
        ("ALICE", "users", "alice@justsync.test", "Alice"),
        ("BOB", "users", "bob@justsync.test", "Bob"),
        ("CAROL", "shortusers", "carol@justsync.test", "Carol"),
    ):
        password = os.environ["JUSTSYNC_PB_%s_PASSWORD" % key]
        _, rec = api("POST", "/api/collections/%s/records" % collection, {
            "email": email,
            "password": password,
            "passwordConfirm": password,
            "verified": True,
            "name": name,
        }, su)
        out += [
            "JUSTSYNC_PB_%s_EMAIL=%s" % (key, email),
            "JUSTSYNC_PB_%s_ID=%s" % (key, rec["id"]),
            "JUSTSYNC_PB_%s_PASSWORD=%s" % (key, password),
            "JUSTSYNC_PB_%s_COLLECTION=%s" % (key, collection),
        ]
    print("\n".join(out))


if __name__ == "__main__":
    main()
