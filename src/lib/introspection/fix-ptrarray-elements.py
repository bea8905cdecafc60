#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Marks the records and classes held in GPtrArrays as pointers.

g-ir-scanner 1.74 drops the C type of an (element-type) annotation, and
without one g-ir-compiler takes a record element for a struct held by value.
GJS 1.74 then marshals a JS array of records to a GPtrArray of NULLs. The
elements are always pointers: say so with their C type.

Usage: fix-ptrarray-elements.py INPUT.gir OUTPUT.gir
"""

import re
import sys


def main(source, target):
    with open(source, encoding="utf-8") as f:
        gir = f.read()

    prefix = re.search(r'<namespace[^>]*\sc:identifier-prefixes="([A-Za-z0-9_]+)"', gir).group(1)
    local_types = set(re.findall(r'<(?:record|class|interface) name="([A-Za-z0-9_]+)"', gir))
    element = re.compile(r'(<array name="GLib\.PtrArray"[^>]*>\s*<type name="([A-Za-z0-9_]+)")\s*/>')

    def add_ctype(match):
        if match.group(2) not in local_types:
            return match.group(0)
        return '%s c:type="%s%s*"/>' % (match.group(1), prefix, match.group(2))

    gir, count = element.subn(add_ctype, gir)
    if count == 0:
        sys.exit("fix-ptrarray-elements: no GPtrArray element found in %s" % source)

    with open(target, "w", encoding="utf-8") as f:
        f.write(gir)


if __name__ == "__main__":
    main(*sys.argv[1:])
