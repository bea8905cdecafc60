#!/bin/sh
# Runs the CLI, the service and the library under the German locale, with
# the catalogs built in BUILD-DIR/po, and checks they speak German: the
# tool's and the service's own strings, a library message shown by the
# tool, and the very first error of a program that never binds the
# catalog itself (the library does, when it is loaded).
# Usage: test-translations.sh BUILD-DIR
set -u

build="$1"
export LANGUAGE=de LC_ALL=C.UTF-8 JUSTSYNC_LOCALEDIR="$build/po"
n=0
failed=0
check () {
  # check DESCRIPTION EXPECTED OUTPUT
  n=$((n + 1))
  case "$3" in
    *"$2"*) echo "ok $n - $1" ;;
    *) echo "not ok $n - $1: no “$2” in:"; printf '%s\n' "$3" | sed 's/^/# /'; failed=1 ;;
  esac
}

echo "1..5"
check "justsync --help is German" "JustSync-Speicher lesen, schreiben und synchronisieren." \
  "$("$build/src/tool/justsync" --help 2>&1)"
check "justsyncd --help is German" "Der JustSync-D-Bus-Dienst, org.justsync.Sync1" \
  "$("$build/src/daemon/justsyncd" --help 2>&1)"
demo="$(timeout 60 "$build/src/tool/justsync" demo 2>&1)"
check "the demo's plural forms are German" "Änderungen warten im lokalen Speicher." "$demo"
check "a library error shown by the tool is German" \
  "Die Gegenstelle im Arbeitsspeicher ist nicht erreichbar" "$demo"
check "the first library error in a program that binds no catalog is German" \
  "Ein Bereich benötigt einen Namen" \
  "$(GI_TYPELIB_PATH="$build/src/lib" LD_LIBRARY_PATH="$build/src/lib" /usr/bin/python3 -c '
import locale
locale.setlocale(locale.LC_ALL, "")
import gi
gi.require_version("JustSync", "1")
from gi.repository import GLib, JustSync
try:
    JustSync.Scope.parse("")
except GLib.Error as e:
    print(e.message)
' 2>&1)"
exit "$failed"
