#!/bin/sh
# Runs the GTK 4 example app under Xvfb against the PocketBase that
# pb-harness started (its env exported): it adds two notes through its
# entry and buttons, presses Sync, and saves a screenshot. Passes when the
# app says everything synced, its status line reads so, and the screenshot
# is a real image of the window.
# With --service the app goes through justsyncd instead of syncing in
# process: run it on a private bus that activates the service.
# Usage (under pb-harness run): test-gtk-app.sh APP SCREENSHOT [--service]
set -u

app="$1"
shot="$2"
mode="${3:-}"
if [ "$mode" = --service ]; then
  bus=""
else
  bus="dbus-run-session --"
fi
dir="$(mktemp -d)"
trap 'rm -rf "$dir"' EXIT
rm -f "$shot"

out="$(printf '%s\n' "$JUSTSYNC_PB_ALICE_PASSWORD" |
  GDK_BACKEND=x11 GSK_RENDERER=cairo xvfb-run -a -s "-screen 0 1024x768x24" \
    $bus "$app" --url "$JUSTSYNC_PB_URL" --email "$JUSTSYNC_PB_ALICE_EMAIL" \
      --user-id "$JUSTSYNC_PB_ALICE_ID" ${mode:---store "$dir/notes.db"} \
      --drive --screenshot "$shot" 2>&1)"
status=$?
# The app's output, as TAP comments.
printf '%s\n' "$out" | sed 's/^/# /'

echo "1..3"
if [ "$status" -eq 0 ]; then echo "ok 1 - the app added two notes and synced them"; else
  echo "not ok 1 - the app exited with $status"; fi
case "$out" in
  *"status: Synced · 2 notes · 0 changes waiting"*) echo "ok 2 - the status indicator reads synced" ;;
  *) echo "not ok 2 - the status indicator does not read synced"; status=1 ;;
esac
if /usr/bin/python3 - "$shot" <<'PY'
import struct, sys
with open(sys.argv[1], "rb") as f:
    head = f.read(24)
assert head[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
width, height = struct.unpack(">II", head[16:24])
assert width >= 300 and height >= 200, (width, height)
PY
then echo "ok 3 - the screenshot is a PNG of the window"; else
  echo "not ok 3 - no usable screenshot at $shot"; status=1; fi
exit "$status"
