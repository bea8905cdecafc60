#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# Makes a gi-docgen content page of a Markdown file kept elsewhere in the
# tree (data/pocketbase/README.md): adds the Title and Slug header, and
# writes code spans that hold an "@" as HTML, with the "@" escaped, since
# gi-docgen would turn `@request.auth.id` into a parameter reference.
# Usage: md-page.py TITLE SLUG INPUT OUTPUT

import html
import re
import sys

title, slug, source, output = sys.argv[1:]
CODE_SPAN = re.compile(r"`([^`\n]*@[^`\n]*)`")

lines = ["Title: %s\n" % title, "Slug: %s\n" % slug, "\n"]
in_block = False
with open(source, encoding="utf-8") as f:
    for line in f:
        if line.startswith("```"):
            in_block = not in_block
        elif not in_block:
            line = CODE_SPAN.sub(lambda m: "<code>%s</code>" % html.escape(m.group(1), quote=False)
                                 .replace("@", "&#64;"), line)
        lines.append(line)
with open(output, "w", encoding="utf-8") as f:
    f.writelines(lines)
