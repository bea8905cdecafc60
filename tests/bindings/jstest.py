# SPDX-License-Identifier: LGPL-2.1-or-later
#
# What the Python binding tests share: the typelib, and a way to run one
# GIO async call to completion. PyGObject 3.42 cannot await GIO calls, so
# each call gets a callback and a main loop runs until it answers.

import gi

gi.require_version("GLib", "2.0")
gi.require_version("Json", "1.0")
gi.require_version("JustSync", "1")
from gi.repository import GLib  # noqa: E402


def call(obj, method, *args):
    """Runs obj.method_async(*args), waits with a main loop, returns method_finish()."""
    loop = GLib.MainLoop()
    outcome = {}

    def done(source, result):
        try:
            outcome["value"] = getattr(source, method + "_finish")(result)
        except GLib.Error as error:
            outcome["error"] = error
        loop.quit()

    def timed_out():
        outcome.setdefault("error", TimeoutError(method))
        loop.quit()
        return GLib.SOURCE_REMOVE

    getattr(obj, method + "_async")(*args, None, done)
    timeout = GLib.timeout_add_seconds(20, timed_out)
    loop.run()
    if "error" not in outcome or not isinstance(outcome["error"], TimeoutError):
        GLib.source_remove(timeout)
    if "error" in outcome:
        raise outcome["error"]
    return outcome["value"]
