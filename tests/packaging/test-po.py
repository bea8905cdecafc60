#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# Checks the translation setup in SOURCE-DIR: po/POTFILES.in lists exactly
# the sources with translatable strings; no msgid is cut short by a format
# macro (xgettext cannot see through G_GSIZE_FORMAT and friends); every
# language in po/LINGUAS has a complete, valid catalog for the strings the
# sources have today.
# Usage: test-po.py SOURCE-DIR

import os
import re
import subprocess
import sys
import tempfile

top = sys.argv[1]
results = []


def check(description, ok, detail=""):
    results.append((description, ok, detail))


MARKED = re.compile(r"\b(?:N?_|C_|NC_|g_d?n?gettext|g_dpgettext2)\s*\(")
STRING = r'"(?:[^"\\\n]|\\.)*"'
# A marked string followed by anything but a string, a comma or ")".
CUT = re.compile(r"\b(?:N?_|C_|NC_)\s*\(\s*" + STRING + r"(?:\s*" + STRING + r")*\s*(?=[A-Za-z_])")

sources = []
for root, _dirs, files in os.walk(os.path.join(top, "src")):
    for name in files:
        if name.endswith(".c"):
            sources.append(os.path.relpath(os.path.join(root, name), top))
marked = set()
cut = []
for path in sorted(sources):
    with open(os.path.join(top, path), encoding="utf-8") as f:
        text = f.read()
    if MARKED.search(text):
        marked.add(path)
    cut += ["%s: %s" % (path, m.group(0).strip()) for m in CUT.finditer(text)]

with open(os.path.join(top, "po", "POTFILES.in"), encoding="utf-8") as f:
    listed = {line.strip() for line in f if line.strip() and not line.startswith("#")}
check("po/POTFILES.in lists every source with translatable strings",
      not marked - listed, "missing: %s" % sorted(marked - listed))
check("po/POTFILES.in lists only sources with translatable strings",
      not listed - marked, "extra: %s" % sorted(listed - marked))
check("no msgid is cut short by a format macro", not cut, "\n".join(cut))

with open(os.path.join(top, "po", "LINGUAS"), encoding="utf-8") as f:
    linguas = [w for line in f if not line.startswith("#") for w in line.split()]
check("po/LINGUAS names at least one language", bool(linguas))

with tempfile.TemporaryDirectory() as tmp:
    pot = os.path.join(tmp, "justsync.pot")
    # The keywords of meson's "glib" preset.
    subprocess.run(["xgettext", "--from-code=UTF-8", "--add-comments",
                    "--keyword=_", "--keyword=N_", "--keyword=C_:1c,2",
                    "--keyword=NC_:1c,2", "--keyword=g_dcgettext:2",
                    "--keyword=g_dngettext:2,3", "--keyword=g_dpgettext2:2c,3",
                    "--flag=N_:1:pass-c-format", "--flag=C_:2:pass-c-format",
                    "--flag=NC_:2:pass-c-format", "--flag=g_dngettext:2:pass-c-format",
                    "--flag=g_strdup_printf:1:c-format", "--flag=g_set_error:4:c-format",
                    "--flag=g_printf:1:c-format", "--flag=g_print:1:c-format",
                    "--flag=g_printerr:1:c-format",
                    "--directory", top, "--files-from", os.path.join(top, "po", "POTFILES.in"),
                    "--output", pot], check=True)
    for lang in linguas:
        po = os.path.join(top, "po", lang + ".po")
        merged = os.path.join(tmp, lang + ".po")
        subprocess.run(["msgmerge", "--quiet", "--no-fuzzy-matching", "--output-file", merged,
                        po, pot], check=True)
        stats = subprocess.run(["msgfmt", "--check", "--statistics", "--output-file", os.devnull,
                                merged], capture_output=True, text=True)
        check("po/%s.po is valid" % lang, stats.returncode == 0, stats.stderr)
        check("po/%s.po translates every message" % lang,
              "untranslated" not in stats.stderr and "fuzzy" not in stats.stderr,
              stats.stderr)

print("1..%d" % len(results))
for i, (description, ok, detail) in enumerate(results, 1):
    print("%s %d - %s" % ("ok" if ok else "not ok", i, description))
    if not ok and detail:
        print("\n".join("# " + line for line in detail.splitlines()))
sys.exit(0 if all(ok for _d, ok, _x in results) else 1)
