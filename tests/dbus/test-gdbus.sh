#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# justsyncd from the shell: with `gdbus call`, and with the justsync tool.
# Runs on a private bus (private-bus.sh) that starts the daemon on demand.
set -eu

: "${JUSTSYNC:?the justsync tool to test}"
failures=0

fail () {
  echo "not ok - $*"
  failures=$((failures + 1))
}

ok () {
  echo "ok - $*"
}

# check DESCRIPTION EXPECTED ACTUAL: substring match
check () {
  case "$3" in
    *"$2"*) ok "$1" ;;
    *) fail "$1: expected “$2” in: $3" ;;
  esac
}

# status DESCRIPTION EXPECTED_STATUS COMMAND...: runs COMMAND, checks its
# exit status, and leaves its output in $out and its errors in $err.
status () {
  description="$1"; expected="$2"; shift 2
  set +e
  out="$("$@" 2>"$tmp_err")"
  code=$?
  set -e
  err="$(cat "$tmp_err")"
  if [ "$code" -eq "$expected" ]; then
    ok "$description (exit $code)"
  else
    fail "$description: exit $code, expected $expected; stderr: $err"
  fi
}

tmp_err="$(mktemp)"
trap 'rm -f "$tmp_err"' EXIT

bus="--session --dest org.justsync.Sync1"
manager="/org/justsync/Sync1"

# gdbus call

reply="$(gdbus call $bus --object-path $manager \
  --method org.justsync.Sync1.Manager.OpenStore notes "{'remote': <'memory'>}")"
path="$(echo "$reply" | sed -n "s/^(objectpath '\(.*\)',)$/\1/p")"
check "OpenStore returns a store path" "/org/justsync/Sync1/store/" "$path"

store="$bus --object-path $path"

reply="$(gdbus call $store --method org.justsync.Sync1.Store.Create \
  'notes?user=u1' '{"title": "from gdbus"}' "{'id': <'g1'>}")"
check "Create returns the record" '"id":"g1"' "$reply"

reply="$(gdbus call $store --method org.justsync.Sync1.Store.Get 'notes?user=u1' g1 '{}')"
check "Get returns the payload" '"title":"from gdbus"' "$reply"

reply="$(gdbus call $store --method org.justsync.Sync1.Store.Update \
  'notes?user=u1' g1 '{"title": "edited"}' '{}')"
check "Update replaces the payload" '"title":"edited"' "$reply"

reply="$(gdbus call $store --method org.justsync.Sync1.Store.Query \
  'notes?user=u1' offline-only '{}')"
check "Query lists the record" '"id":"g1"' "$reply"
check "Query reports the total" "'total': <uint32 1>" "$reply"

reply="$(gdbus call $store --method org.justsync.Sync1.Store.ListPending 'notes?user=u1' '{}')"
check "ListPending shows the queued change" '"kind":"upsert"' "$reply"

reply="$(gdbus call $store --method org.justsync.Sync1.Store.Synchronize 'notes?user=u1' '{}')"
check "Synchronize pushes" "'pushed': <uint32 1>" "$reply"

reply="$(gdbus call $store --method org.freedesktop.DBus.Properties.Get \
  org.justsync.Sync1.Store PendingCount)"
check "nothing is pending after the sync" "(<uint32 0>,)" "$reply"

reply="$(gdbus call $store --method org.justsync.Sync1.Store.RetryFailed 'notes?user=u1' '{}')"
check "RetryFailed has nothing to retry" "(uint32 0,)" "$reply"

reply="$(gdbus call $store --method org.justsync.Sync1.Store.Delete 'notes?user=u1' g1 '{}')"
check "Delete succeeds" "()" "$reply"

status "Get of a deleted record fails" 1 \
  gdbus call $store --method org.justsync.Sync1.Store.Get 'notes?user=u1' g1 '{}'
check "... with NotFound" "org.justsync.Sync1.Error.NotFound" "$err"

status "Create with a non-object payload fails" 1 \
  gdbus call $store --method org.justsync.Sync1.Store.Create notes '[1]' '{}'
check "... with InvalidArgument" "org.justsync.Sync1.Error.InvalidArgument" "$err"

status "a malformed scope fails" 1 \
  gdbus call $store --method org.justsync.Sync1.Store.Query '' offline-only '{}'
check "... with InvalidArgument" "org.justsync.Sync1.Error.InvalidArgument" "$err"

reply="$(gdbus call $bus --object-path $manager \
  --method org.freedesktop.DBus.Properties.Get org.justsync.Sync1.Manager version)"
check "the Manager has a version" "(<uint32 1>,)" "$reply"

# The justsync tool

# Offline until the sync below, so nothing pushes in the background and
# the writes wait in the queue for "justsync pending".
status "justsync open sets up a remote" 0 "$JUSTSYNC" --store cli open --remote memory --offline
check "... and shows the state" "Remote:   memory" "$out"

status "justsync create" 0 \
  "$JUSTSYNC" --store cli --json create tasks '{"todo": "test the tool"}' --id t1
check "... prints the record" '"id":"t1"' "$out"

status "justsync create from standard input" 0 \
  sh -c "echo '{\"todo\": \"read stdin\"}' |
         \"$JUSTSYNC\" --store cli create tasks - --id t2 --json"
check "... reads it" '"todo":"read stdin"' "$out"

status "justsync query --json" 0 "$JUSTSYNC" --store cli query tasks --json
check "... lists both" '"total":2' "$out"

status "justsync query" 0 "$JUSTSYNC" --store cli query tasks
check "... for people" "2 records" "$out"

status "justsync get" 0 "$JUSTSYNC" --store cli get tasks t1 --json
check "... the record" '"todo":"test the tool"' "$out"

status "justsync update" 0 "$JUSTSYNC" --store cli update tasks t1 '{"todo": "done"}' --json
check "... the new content" '"todo":"done"' "$out"

status "justsync patch" 0 "$JUSTSYNC" --store cli patch tasks t1 '{"due": 3}' --remove todo --json
check "... sets a field" '"due":3' "$out"
case "$out" in *'"todo"'*) fail "justsync patch kept the removed field: $out" ;; esac

status "justsync pending" 0 "$JUSTSYNC" --store cli pending tasks --json
check "... shows the queue" '"state":"queued"' "$out"
status "justsync open --online" 0 "$JUSTSYNC" --store cli open --online

status "justsync sync" 0 "$JUSTSYNC" --store cli sync tasks --json
check "... pushes" '"failed":0' "$out"
# Going online may have started a background push before: together they
# pushed everything.
status "justsync pending, after the sync" 0 "$JUSTSYNC" --store cli pending tasks --json
check "... nothing left" '[]' "$out"

# Nothing runs in the background now: the first event is the delete's.
"$JUSTSYNC" --store cli watch --json --count 1 --timeout 20 > "$tmp_err.watch" 2>&1 &
watch_pid=$!
# The watch is in place once it opened the store: give it a moment.
sleep 1
status "justsync delete" 0 "$JUSTSYNC" --store cli delete tasks t2
check "... says so" "Deleted “t2”" "$out"
wait "$watch_pid" || fail "justsync watch exited with $?"
check "justsync watch sees the change" \
  '{"signal":"Changed","scope":"tasks","details":["t2"]}' "$(cat "$tmp_err.watch")"
rm -f "$tmp_err.watch"

# For people: one readable line per event.
"$JUSTSYNC" --store cli watch --count 1 --timeout 20 > "$tmp_err.watch" 2>/dev/null &
watch_pid=$!
sleep 1
status "justsync create, watched" 0 "$JUSTSYNC" --store cli create tasks '{}' --id t3
wait "$watch_pid" || fail "justsync watch exited with $?"
watched="$(cat "$tmp_err.watch")"
# The create's first event may be its Changed, a State change or the
# background push's Progress, whichever the bus delivers first.
if printf '%s\n' "$watched" | grep -Eq "^(Changed|PropertiesChanged|Progress|SyncFinished)	[^	]*	[^	]+$"; then
  ok "justsync watch prints readable lines"
else
  fail "justsync watch prints readable lines: got “$watched”"
fi
case "$watched" in
  *"<"*) fail "... not GVariant text: $watched" ;;
  *) ok "... not GVariant text" ;;
esac
rm -f "$tmp_err.watch"

status "justsync status --json" 0 "$JUSTSYNC" --store cli status --json
check "... shows the store" '"name":"cli","app-id":"unsandboxed","remote":"memory"' "$out"

# Exit codes
status "a missing record exits 4" 4 "$JUSTSYNC" --store cli get tasks nope
check "... with a message" "justsync:" "$err"
status "bad JSON exits 3" 3 "$JUSTSYNC" --store cli create tasks '{oops'
status "a bad scope exits 3" 3 "$JUSTSYNC" --store cli query 'tasks?broken'
status "an unknown command exits 2" 2 "$JUSTSYNC" frobnicate
status "a missing argument exits 2" 2 "$JUSTSYNC" get tasks
status "an unknown option exits 2" 2 "$JUSTSYNC" query tasks --frobnicate
status "a store without a remote exits 4" 4 "$JUSTSYNC" --store never-opened status
check "... and says how to create it" "justsync open --remote" "$err"
status "plain http to another machine exits 3" 3 \
  "$JUSTSYNC" --store web open --remote pocketbase --url http://example.com
status "... unless allowed" 0 "$JUSTSYNC" --store web open --remote pocketbase \
  --url http://example.com --allow-insecure-http
status "an unknown policy exits 2" 2 "$JUSTSYNC" --store cli query tasks --policy sometimes
status "offline sync exits 5" 0 "$JUSTSYNC" --store cli open --offline
status "... " 5 "$JUSTSYNC" --store cli sync tasks
status "back online" 0 "$JUSTSYNC" --store cli open --online
status "--help of a command" 0 "$JUSTSYNC" sync --help
check "... documents the exit codes" "Exit status" "$out"

if [ "$failures" -gt 0 ]; then
  echo "$failures check(s) failed"
  exit 1
fi
