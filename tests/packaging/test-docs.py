#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# Checks the built API reference: every content page named in the
# gi-docgen configuration was rendered, and "@request.auth.id" (PocketBase's
# rule syntax) reads as written everywhere instead of turning into a
# parameter reference.
# Usage: test-docs.py DOCS-DIR JUSTSYNC-TOML

import glob
import os
import re
import sys

docs, toml = sys.argv[1], sys.argv[2]
results = []

with open(toml, encoding="utf-8") as f:
    config = f.read()
pages = re.findall(r'"([\w-]+)\.md"', config.split("content_files")[1].split("]")[0])
missing = [p for p in pages if not os.path.exists(os.path.join(docs, p + ".html"))]
results.append(("every content page is rendered (%d)" % len(pages), len(pages) >= 10 and not missing,
                "missing: %s" % missing))

mangled = []
seen = 0
for path in sorted(glob.glob(os.path.join(docs, "*.html"))):
    with open(path, encoding="utf-8") as f:
        text = f.read()
    for m in re.finditer(r"request\.auth\.id", text):
        seen += 1
        before = text[max(0, m.start() - 5):m.start()]
        if not (before.endswith("&#64;") or before.endswith("@")):
            mangled.append("%s: …%s…" % (os.path.basename(path), text[max(0, m.start() - 40):m.end()]))
results.append(("@request.auth.id is shown as written (%d times)" % seen, seen >= 3 and not mangled,
                "\n".join(mangled)))

print("1..%d" % len(results))
for i, (description, ok, detail) in enumerate(results, 1):
    print("%s %d - %s" % ("ok" if ok else "not ok", i, description))
    if not ok:
        print("\n".join("# " + line for line in detail.splitlines()))
sys.exit(0 if all(ok for _d, ok, _x in results) else 1)
