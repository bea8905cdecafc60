#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# Validates the Flatpak manifest of the GTK example app, which cannot be
# built here (no Flatpak runtime can be fetched): its JSON and required
# keys; permissions no broader than displaying a window and talking to
# org.justsync.Sync1; its meson options cross-checked with the options this
# build knows (names, types and choices); its app id, command and desktop
# file matching what meson builds and installs.
# Usage: test-flatpak.py SOURCE-DIR BUILD-DIR

import json
import os
import subprocess
import sys

top, build = sys.argv[1], sys.argv[2]
manifest_path = os.path.join(top, "build-aux", "flatpak", "org.justsync.Notes.json")
results = []


def check(description, ok, detail=""):
    results.append((description, ok, detail))


with open(manifest_path, encoding="utf-8") as f:
    manifest = json.load(f)
check("the manifest is JSON with app-id, runtime, sdk, command and modules",
      all(k in manifest for k in ("app-id", "runtime", "runtime-version", "sdk", "command", "modules")))
check("it builds against the GNOME runtime",
      manifest.get("runtime") == "org.gnome.Platform" and manifest.get("sdk") == "org.gnome.Sdk")

# Displaying a window, and the service: nothing else (no network, files,
# whole buses or other names).
DISPLAY = {"--share=ipc", "--socket=fallback-x11", "--socket=wayland", "--device=dri"}
args = manifest.get("finish-args", [])
check("it may talk to org.justsync.Sync1", "--talk-name=org.justsync.Sync1" in args)
broader = [a for a in args if a not in DISPLAY | {"--talk-name=org.justsync.Sync1"}]
check("no permission beyond a window and org.justsync.Sync1", not broader, "broader: %s" % broader)

modules = [m for m in manifest["modules"] if isinstance(m, dict)]
justsync = [m for m in modules if m.get("name") == "justsync"]
check("JustSync is bundled as a meson module built from this tree",
      len(justsync) == 1 and justsync[0].get("buildsystem") == "meson"
      and any(s.get("type") == "dir" and
              os.path.realpath(os.path.join(os.path.dirname(manifest_path), s.get("path", "")))
              == os.path.realpath(top) for s in justsync[0].get("sources", [])))

options = {o["name"]: o for o in json.loads(subprocess.run(
    ["meson", "introspect", "--buildoptions", build], capture_output=True, text=True, check=True).stdout)}
bad = []
given = {}
for opt in justsync[0].get("config-opts", []) if justsync else []:
    name, _, value = opt[2:].partition("=") if opt.startswith("-D") else (opt, "", "")
    given[name] = value
    known = options.get(name)
    if known is None or known["section"] != "user":
        bad.append("%s: not an option of this project" % opt)
    elif known["type"] == "boolean" and value not in ("true", "false"):
        bad.append("%s: not a boolean" % opt)
    elif known["type"] in ("combo", "feature") and value not in known["choices"]:
        bad.append("%s: not one of %s" % (opt, known["choices"]))
check("every config-opt is an option of meson_options.txt with a valid value", not bad, "\n".join(bad))
check("the module installs the example app (-Dgtk_example=enabled) and leaves the service out",
      given.get("gtk_example") == "enabled" and given.get("daemon") == "false"
      and given.get("tests") == "false")

targets = json.loads(subprocess.run(["meson", "introspect", "--targets", build],
                                    capture_output=True, text=True, check=True).stdout)
check("the command is the GTK example app's executable",
      any(t["name"] == manifest["command"] and t["type"] == "executable" for t in targets))
with open(os.path.join(top, "examples", "gtk", "notes-gtk.c"), encoding="utf-8") as f:
    source = f.read()
check("the app id is the GtkApplication id and names the desktop file",
      '"%s"' % manifest["app-id"] in source
      and os.path.exists(os.path.join(top, "examples", "gtk", manifest["app-id"] + ".desktop")))

print("1..%d" % len(results))
for i, (description, ok, detail) in enumerate(results, 1):
    print("%s %d - %s" % ("ok" if ok else "not ok", i, description))
    if not ok and detail:
        print("\n".join("# " + line for line in detail.splitlines()))
sys.exit(0 if all(ok for _d, ok, _x in results) else 1)
