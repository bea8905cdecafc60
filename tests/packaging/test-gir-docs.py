#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# Fails on any public symbol without a description in the GIR (what
# gi-docgen shows and what bindings' help texts use): every class,
# interface, record, enum, callable, property and signal, and every
# parameter of a callable.
# Usage: test-gir-docs.py JustSync-1.gir

import sys
import xml.etree.ElementTree as ET

CORE = "{http://www.gtk.org/introspection/core/1.0}"
GLIB = "{http://www.gtk.org/introspection/glib/1.0}"
C_ID = "{http://www.gtk.org/introspection/c/1.0}identifier"
TYPES = {CORE + t for t in ("class", "interface", "record", "enumeration", "bitfield", "callback")}
CALLABLES = {CORE + t for t in ("function", "method", "constructor", "virtual-method")}
DOCUMENTED = TYPES | CALLABLES | {CORE + "property", GLIB + "signal", CORE + "member"}


def has_doc(element):
    doc = element.find(CORE + "doc")
    return doc is not None and bool((doc.text or "").strip())


def name(element, parent):
    what = element.tag.split("}")[1]
    return "%s %s%s" % (what, parent + "." if parent else "", element.get(C_ID) or element.get("name"))


namespace = ET.parse(sys.argv[1]).getroot().find(CORE + "namespace")
undocumented = []
checked = 0


def visit(element, parent):
    global checked
    for child in element:
        if child.tag not in DOCUMENTED:
            continue
        # GObject's private structs and the class structs need no prose.
        if child.tag == CORE + "record" and (child.get(GLIB + "is-gtype-struct-for")
                                             or child.get("disguised") == "1"):
            continue
        checked += 1
        if not has_doc(child):
            undocumented.append(name(child, parent))
        if child.tag in CALLABLES:
            params = child.find(CORE + "parameters")
            for param in params if params is not None else []:
                if param.tag == CORE + "parameter" and not has_doc(param):
                    undocumented.append("parameter %s of %s" % (param.get("name"), name(child, parent)))
        if child.tag in TYPES:
            visit(child, child.get("name"))


visit(namespace, "")
print("1..2")
print("%s 1 - the GIR has public symbols (%d)" % ("ok" if checked > 100 else "not ok", checked))
if undocumented:
    print("not ok 2 - %d public symbols have no description" % len(undocumented))
    for entry in undocumented:
        print("# " + entry)
    sys.exit(1)
print("ok 2 - every public symbol has a description")
