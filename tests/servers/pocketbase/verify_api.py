#!/usr/bin/python3
"""Self-test of the PocketBase test server and of the API facts in README.md.

Run it under the harness:

    tests/servers/pocketbase/pb-harness run /usr/bin/python3 \
        tests/servers/pocketbase/verify_api.py [-v]

Every check makes real requests against the server started by pb-harness.
With -v the (trimmed) status lines, headers and bodies are printed, which is
where the samples in README.md come from. Ends with "N passed, N failed".
"""

import base64
import email.utils
import http.client
import json
import os
import re
import socket
import sys
import threading
import time
import urllib.parse

URL = os.environ["JUSTSYNC_PB_URL"].rstrip("/")
HOST = urllib.parse.urlsplit(URL)
VERBOSE = "-v" in sys.argv[1:]
E = os.environ
DATE_RE = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3}Z$")
C = "/api/collections/records/records"
H = "/api/collections/hard_records/records"

passed = 0
failed = 0


def check(name, cond, detail=""):
    global passed, failed
    if cond:
        passed += 1
        print("ok - %s" % name)
    else:
        failed += 1
        print("FAIL - %s %s" % (name, detail))


def show(text):
    if VERBOSE:
        print("    " + text.replace("\n", "\n    "))


class Resp:
    def __init__(self, status, headers, raw):
        self.status = status
        self.headers = headers
        self.raw = raw
        self.json = json.loads(raw) if raw else None


def req(method, path, body=None, token=None, headers=False):
    conn = http.client.HTTPConnection(HOST.hostname, HOST.port, timeout=15)
    hdrs = {}
    data = None
    if body is not None:
        data = json.dumps(body).encode()
        hdrs["Content-Type"] = "application/json"
    if token:
        hdrs["Authorization"] = token
    conn.request(method, path, body=data, headers=hdrs)
    r = conn.getresponse()
    raw = r.read()
    conn.close()
    resp = Resp(r.status, r.headers, raw)
    show("%s %s -> %d" % (method, urllib.parse.unquote(path), r.status))
    if headers:
        show(str(r.headers).strip())
    if raw:
        show(raw.decode(errors="replace")[:700])
    return resp


def login(collection, email, password):
    r = req("POST", "/api/collections/%s/auth-with-password" % collection,
            {"identity": email, "password": password})
    assert r.status == 200, r.raw
    return r.json["token"]


def jwt_claims(token):
    part = token.split(".")[1]
    part += "=" * (-len(part) % 4)
    return json.loads(base64.urlsafe_b64decode(part))


def q(s):
    return urllib.parse.quote(s, safe="")


class SSE:
    """Minimal reader of PocketBase's /api/realtime stream."""

    def __init__(self):
        self.conn = http.client.HTTPConnection(HOST.hostname, HOST.port, timeout=10)
        self.conn.request("GET", "/api/realtime")
        self.sock = self.conn.sock
        self.resp = self.conn.getresponse()
        self.events = []
        self.lock = threading.Lock()
        self.thread = threading.Thread(target=self._read, daemon=True)
        self.thread.start()

    def _read(self):
        frame = {}
        try:
            while True:
                line = self.resp.readline()
                if not line:
                    return
                line = line.decode().rstrip("\r\n")
                if line == "":
                    if frame:
                        with self.lock:
                            self.events.append(frame)
                        frame = {}
                    continue
                key, _, value = line.partition(":")
                frame[key] = value
        except Exception:
            return

    def wait_for(self, pred, timeout=5.0):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self.lock:
                for ev in self.events:
                    if pred(ev):
                        return ev
            time.sleep(0.05)
        return None

    def close(self):
        # Shut the socket down first: the reader thread is blocked in
        # readline() and would otherwise keep close() waiting.
        try:
            self.sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        self.thread.join(5)
        self.conn.close()


def main():
    aid, bid, cid = E["JUSTSYNC_PB_ALICE_ID"], E["JUSTSYNC_PB_BOB_ID"], E["JUSTSYNC_PB_CAROL_ID"]

    # --- health, Date header, server clock --------------------------------
    r = req("GET", "/api/health", headers=True)
    check("health 200", r.status == 200 and r.json.get("message") == "API is healthy.", r.raw)
    date = r.headers.get("Date")
    check("Date header is an HTTP-date", date is not None
          and email.utils.parsedate_to_datetime(date) is not None, date)
    r = req("GET", "/api/justsync/time")
    check("justsync time route", r.status == 200 and DATE_RE.match(r.json["now"]), r.raw)
    server_ms = time.mktime(time.strptime(r.json["now"][:19], "%Y-%m-%d %H:%M:%S")) \
        - time.timezone
    check("server clock within 5 s of ours", abs(server_ms - time.time()) < 5)

    # --- auth ---------------------------------------------------------------
    su = login("_superusers", E["JUSTSYNC_PB_ADMIN"], E["JUSTSYNC_PB_PASSWORD"])
    r = req("POST", "/api/collections/users/auth-with-password",
            {"identity": E["JUSTSYNC_PB_ALICE_EMAIL"], "password": E["JUSTSYNC_PB_ALICE_PASSWORD"]})
    check("alice login 200 {record, token}", r.status == 200
          and set(r.json) == {"record", "token"} and r.json["record"]["id"] == aid, r.raw)
    alice = r.json["token"]
    bob = login("users", E["JUSTSYNC_PB_BOB_EMAIL"], E["JUSTSYNC_PB_BOB_PASSWORD"])
    r = req("POST", "/api/collections/users/auth-with-password",
            {"identity": E["JUSTSYNC_PB_ALICE_EMAIL"], "password": "wrong-password"})
    check("wrong password -> 400", r.status == 400
          and r.json == {"data": {}, "message": "Failed to authenticate.", "status": 400}, r.raw)
    check("Bearer prefix accepted", req("GET", C + "?fields=id", None, "Bearer " + alice).status == 200)

    # --- rules ----------------------------------------------------------------
    r = req("POST", C, {"title": "a1", "n": 1, "done": True, "owner": aid, "tag": "t"}, alice)
    check("alice create 200", r.status == 200 and r.json["owner"] == aid, r.raw)
    check("id is 15 [a-z0-9]", re.match(r"^[a-z0-9]{15}$", r.json["id"]) is not None, r.json["id"])
    check("updated format", DATE_RE.match(r.json["updated"]) is not None, r.json["updated"])
    check("created == updated on create", r.json["created"] == r.json["updated"])
    check("unset date field is \"\"", r.json["deleted_at"] == "")
    a1 = r.json
    r = req("POST", C, {"id": "bobrecord000001", "title": "b1", "owner": bid}, bob)
    check("bob create with client id 200", r.status == 200 and r.json["id"] == "bobrecord000001")
    r = req("POST", C, {"title": "evil", "owner": bid}, alice)
    check("create for another owner -> 400", r.status == 400
          and r.json["message"] == "Failed to create record.", r.raw)
    r = req("GET", C + "?skipTotal=1", None, alice)
    check("alice lists only own rows", r.status == 200
          and [i["id"] for i in r.json["items"]] == [a1["id"]], r.raw)
    check("skipTotal -> totalItems -1", r.json["totalItems"] == -1 and r.json["totalPages"] == -1)
    r = req("GET", C, None, su)
    check("superuser lists all rows", r.status == 200 and r.json["totalItems"] == 2, r.raw)
    r = req("GET", C, None, None)
    check("guest lists nothing (200, empty)", r.status == 200 and r.json["items"] == [], r.raw)
    r = req("POST", C, {"title": "guest"}, None)
    check("guest create -> 400", r.status == 400, r.raw)
    r = req("GET", C + "/bobrecord000001", None, alice)
    check("view other's row -> 404", r.status == 404, r.raw)
    r = req("PATCH", C + "/bobrecord000001", {"title": "x"}, alice)
    check("patch other's row -> 404", r.status == 404, r.raw)
    r = req("DELETE", C + "/bobrecord000001", None, alice)
    check("delete other's row -> 404", r.status == 404, r.raw)
    r = req("POST", C, {"id": "bobrecord000001", "owner": aid}, alice)
    check("duplicate id -> 400 validation_not_unique", r.status == 400
          and r.json["data"]["id"]["code"] == "validation_not_unique", r.raw)

    # --- batch --------------------------------------------------------------
    r = req("POST", "/api/batch", {"requests": [
        {"method": "PUT", "url": C, "body": {"id": "aliceupsert0001", "title": "u1", "owner": aid}},
        {"method": "PUT", "url": C, "body": {"id": "aliceupsert0002", "title": "u2", "owner": aid}},
        {"method": "POST", "url": C, "body": {"title": "p3", "owner": aid}},
    ]}, alice)
    check("batch upsert-create 200 [{status, body}]", r.status == 200 and len(r.json) == 3
          and all(x["status"] == 200 and "body" in x for x in r.json), r.raw)
    first = r.json[0]["body"]
    time.sleep(0.01)
    r = req("POST", "/api/batch", {"requests": [
        {"method": "PUT", "url": C, "body": {"id": "aliceupsert0001", "title": "u1b", "owner": aid}},
        {"method": "PATCH", "url": C + "/aliceupsert0002",
         "body": {"deleted_at": "2026-01-02 03:04:05.678Z"}},
    ]}, alice)
    check("batch upsert-update 200", r.status == 200 and r.json[0]["body"]["title"] == "u1b"
          and r.json[0]["body"]["created"] == first["created"]
          and r.json[0]["body"]["updated"] > first["updated"], r.raw)
    check("batch PATCH deleted_at", r.json[1]["body"]["deleted_at"] == "2026-01-02 03:04:05.678Z")
    r = req("POST", "/api/batch", {"requests": [
        {"method": "PUT", "url": C, "body": {"id": "aliceupsert0003", "title": "u3", "owner": aid}},
        {"method": "DELETE", "url": C + "/doesnotexist123"},
    ]}, alice)
    resp1 = (r.json or {}).get("data", {}).get("requests", {}).get("1", {})
    check("batch with failing request -> 400 with data.requests[idx].response", r.status == 400
          and r.json["message"] == "Batch transaction failed."
          and resp1.get("code") == "batch_request_failed"
          and resp1.get("response", {}).get("status") == 404
          and "0" not in r.json["data"]["requests"], r.raw)
    r = req("GET", C + "/aliceupsert0003", None, alice)
    check("failed batch rolled back", r.status == 404, r.raw)
    r = req("POST", "/api/batch", {"requests": [
        {"method": "PUT", "url": C, "body": {"id": "bobrecord000001", "title": "mine", "owner": aid}},
    ]}, alice)
    check("batch upsert of other's id -> 400 / inner 404", r.status == 400
          and r.json["data"]["requests"]["0"]["response"]["status"] == 404, r.raw)
    r = req("POST", "/api/batch", {"requests": [
        {"method": "PUT", "url": C, "body": {"id": "BAD", "owner": aid}},
    ]}, alice)
    check("batch validation error -> inner 400 with field errors", r.status == 400
          and "id" in r.json["data"]["requests"]["0"]["response"]["data"], r.raw)
    r = req("POST", "/api/batch",
            {"requests": [{"method": "DELETE", "url": C + "/doesnotexist123"}] * 51}, alice)
    check("batch > maxRequests -> 400", r.status == 400
          and r.json["message"] == "Invalid batch request data.", r.raw)
    r = req("POST", "/api/batch", {"requests": [
        {"method": "PUT", "url": C, "body": {"title": "no id", "owner": aid}},
    ]}, alice)
    check("batch PUT without id creates with generated id", r.status == 200
          and len(r.json[0]["body"]["id"]) == 15, r.raw)
    r = req("POST", "/api/batch", {"requests": [
        {"method": "DELETE", "url": C + "/" + r.json[0]["body"]["id"]},
    ]}, alice)
    check("batch DELETE entry -> {body: null, status: 204}", r.status == 200
          and r.json == [{"body": None, "status": 204}], r.raw)

    # --- keyset delta pull ----------------------------------------------------
    r = req("POST", "/api/batch", {"requests": [
        {"method": "PUT", "url": C, "body": {"id": "keyset%09d" % i, "owner": aid, "n": i}}
        for i in range(7)]}, alice)
    check("batch of 7 creates", r.status == 200 and len(r.json) == 7)
    r = req("GET", C + "?sort=updated,id&skipTotal=1&perPage=1000&fields=id,updated", None, alice)
    everything = [(i["updated"], i["id"]) for i in r.json["items"]]
    check("sort=updated,id is ascending", everything == sorted(everything))
    dup = len(everything) - len({u for u, _ in everything})
    # Rows written in one batch usually share one `updated` millisecond; the
    # id tiebreak is what keeps the keyset exact. Not asserted (timing).
    print("# %d of %d rows share an `updated` value with another row" % (dup, len(everything)))
    seen = []
    t, last = "", ""
    for _ in range(50):
        f = '(updated > "%s" || (updated = "%s" && id > "%s"))' % (t, t, last)
        r = req("GET", C + "?filter=" + q(f) + "&sort=updated,id&skipTotal=1&perPage=2"
                "&fields=id,updated", None, alice)
        if r.status != 200 or not r.json["items"]:
            break
        for i in r.json["items"]:
            seen.append((i["updated"], i["id"]))
        t, last = seen[-1]
    check("keyset pages of 2 return every row once, in order", seen == everything,
          "%r vs %r" % (seen, everything))
    r = req("GET", C + "?perPage=5000&skipTotal=1&fields=id", None, alice)
    check("perPage clamped to 1000", r.json["perPage"] == 1000)
    r = req("GET", C + "?filter=" + q("nosuchfield = 1"), None, alice)
    check("bad filter -> 400", r.status == 400 and r.json["status"] == 400, r.raw)

    # --- values ---------------------------------------------------------------
    r = req("POST", C, {"id": "valuetest000001", "owner": aid, "title": "t", "n": 3, "done": True,
                        "created": "2000-01-01 00:00:00.000Z",
                        "updated": "2000-01-01 00:00:00.000Z", "bogus": 1}, alice)
    v = r.json
    check("client cannot set created/updated; unknown keys ignored", r.status == 200
          and not v["updated"].startswith("2000") and not v["created"].startswith("2000")
          and "bogus" not in v, r.raw)
    r = req("PATCH", C + "/valuetest000001", {"title": None, "n": None, "done": None}, alice)
    check("null stores zero values", r.status == 200 and r.json["title"] == ""
          and r.json["n"] == 0 and r.json["done"] is False, r.raw)
    prev = r.json["updated"]
    time.sleep(0.005)
    r = req("PATCH", C + "/valuetest000001", {}, alice)
    check("PATCH {} still bumps updated", r.status == 200 and r.json["updated"] > prev, r.raw)
    r = req("PATCH", C + "/valuetest000001", {"n": "12"}, alice)
    check("number from string \"12\" -> 12", r.status == 200 and r.json["n"] == 12, r.raw)
    r = req("PATCH", C + "/valuetest000001", {"n": "abc"}, alice)
    check("number from \"abc\" -> 0 without error", r.status == 200 and r.json["n"] == 0, r.raw)
    r = req("PATCH", C + "/valuetest000001", {"title": "x" * 5001}, alice)
    check("text capped at 5000 chars -> 400", r.status == 400
          and r.json["data"]["title"]["code"] == "validation_max_text_constraint", r.raw)
    r = req("HEAD", "/api/health")
    check("HEAD /api/health 200", r.status == 200)
    r = req("POST", "/api/batch", {"requests": []}, alice)
    check("empty batch -> 400", r.status == 400
          and r.json["data"]["requests"]["code"] == "validation_required", r.raw)
    r = req("GET", "/api/collections/nope/records", None, alice)
    check("unknown collection -> 404", r.status == 404
          and r.json["message"] == "Missing collection context.", r.raw)
    r = req("GET", "/api/collections", None, alice)
    check("superuser route with user token -> 403", r.status == 403, r.raw)
    r = req("GET", "/api/collections", None, None)
    check("superuser route without token -> 401", r.status == 401, r.raw)

    # --- soft and hard delete -------------------------------------------------
    r = req("PATCH", C + "/" + a1["id"], {"deleted_at": "2026-11-25T10:00:00Z"}, alice)
    check("PATCH deleted_at (ISO input normalised)", r.status == 200
          and r.json["deleted_at"] == "2026-11-25 10:00:00.000Z"
          and r.json["updated"] > a1["updated"], r.raw)
    r = req("PATCH", C + "/" + a1["id"], {"deleted_at": "not a date"}, alice)
    check("PATCH unparsable date clears it (200, \"\")", r.status == 200
          and r.json["deleted_at"] == "", r.raw)
    r = req("DELETE", C + "/" + a1["id"], None, alice, headers=True)
    check("DELETE -> 204, empty body", r.status == 204 and r.raw == b"")
    r = req("DELETE", C + "/" + a1["id"], None, alice)
    check("DELETE missing -> 404", r.status == 404 and r.json == {
        "data": {}, "message": "The requested resource wasn't found.", "status": 404}, r.raw)
    r = req("POST", H, {"id": "hardrecord00001", "owner": aid, "deleted_at": "2026-11-25 10:00:00.000Z"},
            alice)
    check("hard_records has no deleted_at (ignored)", r.status == 200 and "deleted_at" not in r.json)
    r = req("DELETE", H + "/hardrecord00001", None, alice)
    check("hard_records DELETE 204", r.status == 204)

    # --- realtime -------------------------------------------------------------
    sse = SSE()
    check("realtime 200 text/event-stream", sse.resp.status == 200
          and sse.resp.getheader("Content-Type") == "text/event-stream")
    ev = sse.wait_for(lambda e: e.get("event") == "PB_CONNECT")
    check("PB_CONNECT frame", ev is not None and json.loads(ev["data"])["clientId"] == ev["id"], ev)
    client_id = json.loads(ev["data"])["clientId"]
    show("SSE frame: %r" % ev)
    r = req("POST", "/api/realtime", {"clientId": client_id,
                                      "subscriptions": ["records/*", "hard_records/*"]}, alice)
    check("subscribe -> 204", r.status == 204, r.raw)
    r = req("POST", "/api/realtime", {"clientId": client_id, "subscriptions": ["records/*"]}, bob)
    check("subscribe with another auth -> 403", r.status == 403, r.raw)
    req("POST", C, {"id": "rtbob0000000001", "owner": bid}, bob)
    req("POST", C, {"id": "rtalice00000001", "owner": aid}, alice)
    req("PATCH", C + "/rtalice00000001", {"title": "x"}, alice)
    req("DELETE", C + "/rtalice00000001", None, alice)
    got = sse.wait_for(lambda e: e.get("event") == "records/*"
                       and json.loads(e["data"])["action"] == "delete")
    time.sleep(0.3)
    with sse.lock:
        recs = [(json.loads(e["data"])["action"], json.loads(e["data"])["record"]["id"])
                for e in sse.events if e.get("event") == "records/*"]
    show("SSE record frames: %r" % recs)
    if got:
        show("SSE frame: %r" % got)
    check("record events create/update/delete for own row only", recs == [
        ("create", "rtalice00000001"), ("update", "rtalice00000001"),
        ("delete", "rtalice00000001")], recs)
    sse.close()

    # --- token expiry ---------------------------------------------------------
    r = req("POST", "/api/collections/shortusers/auth-with-password",
            {"identity": E["JUSTSYNC_PB_CAROL_EMAIL"], "password": E["JUSTSYNC_PB_CAROL_PASSWORD"]})
    carol = r.json["token"]
    exp = jwt_claims(carol)["exp"]
    sse = SSE()
    ev = sse.wait_for(lambda e: e.get("event") == "PB_CONNECT")
    carol_client = json.loads(ev["data"])["clientId"]
    r = req("POST", "/api/realtime", {"clientId": carol_client, "subscriptions": ["records/*"]},
            carol)
    check("carol subscribes with fresh token", r.status == 204, r.raw)
    check("shortusers token lifetime <= %s s" % E.get("JUSTSYNC_PB_SHORT_TOKEN_SECONDS", "2"),
          exp - time.time() <= int(E.get("JUSTSYNC_PB_SHORT_TOKEN_SECONDS", "2")) + 0.5)
    r = req("POST", C, {"id": "carolrecord0001", "owner": cid}, carol)
    check("carol create with fresh token 200", r.status == 200, r.raw)
    time.sleep(max(0.0, exp - time.time()) + 1.1)
    r = req("GET", C + "?fields=id", None, carol)
    check("expired token on list -> 200 empty (treated as guest!)", r.status == 200
          and r.json["items"] == [], r.raw)
    r = req("PATCH", C + "/carolrecord0001", {"title": "x"}, carol)
    check("expired token on update -> 404", r.status == 404, r.raw)
    r = req("POST", "/api/collections/shortusers/auth-refresh", None, carol)
    check("expired token on auth-refresh -> 401", r.status == 401 and r.json == {
        "data": {}, "message": "The request requires valid record authorization token.",
        "status": 401}, r.raw)
    r = req("POST", "/api/realtime", {"clientId": carol_client, "subscriptions": ["records/*"]},
            carol)
    check("re-subscribe with expired token -> 403", r.status == 403, r.raw)
    carol = login("shortusers", E["JUSTSYNC_PB_CAROL_EMAIL"], E["JUSTSYNC_PB_CAROL_PASSWORD"])
    r = req("GET", C + "?fields=id", None, carol)
    check("re-auth sees own rows again", r.status == 200
          and [i["id"] for i in r.json["items"]] == ["carolrecord0001"], r.raw)
    req("POST", C, {"id": "carolrecord0002", "owner": cid}, carol)
    ev = sse.wait_for(lambda e: e.get("event") == "records/*"
                      and json.loads(e["data"])["record"]["id"] == "carolrecord0002")
    check("subscription keeps delivering after its token expired", ev is not None)
    r = req("POST", "/api/realtime", {"clientId": carol_client, "subscriptions": ["records/*"]},
            carol)
    check("re-subscribe with a new token of the same user -> 204", r.status == 204, r.raw)
    sse.close()

    # --- batch disabled (restored afterwards) ---------------------------------
    req("PATCH", "/api/settings", {"batch": {"enabled": False}}, su)
    r = req("POST", "/api/batch", {"requests": [{"method": "DELETE", "url": C + "/x"}]}, alice)
    check("batch disabled -> 403", r.status == 403 and r.json["message"]
          == "Batch requests are not allowed.", r.raw)
    r = req("PATCH", "/api/settings", {"batch": {"enabled": True}}, su)
    check("batch re-enabled", r.status == 200 and r.json["batch"]["enabled"])

    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
