#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# Keeps the man pages and the bash completion in step with --help: every
# command and option that justsync and justsyncd print in their help is
# in the man page, and the completion offers every command of justsync
# and every option of each command. The man pages must format without
# warnings.
# Usage: test-cli-docs.py SOURCE-DIR BUILD-DIR

import os
import re
import subprocess
import sys

top, build = sys.argv[1], sys.argv[2]
tool = os.path.join(build, "src", "tool", "justsync")
daemon = os.path.join(build, "src", "daemon", "justsyncd")
env = dict(os.environ, LC_ALL="C.UTF-8", LANGUAGE="")
results = []


def check(description, ok, detail=""):
    results.append((description, ok, detail))


def help_text(*argv):
    return subprocess.run(argv, capture_output=True, text=True, env=env, check=True).stdout


def options(text):
    """The options a GOption help text lists, long and short."""
    found = set()
    for line in text.splitlines():
        m = re.match(r"\s+(?:(-\w), )?(--[\w-]+)", line)
        if m:
            found.update(o for o in m.groups() if o)
    return found


def man_source(name):
    with open(os.path.join(top, "man", name), encoding="utf-8") as f:
        return f.read().replace("\\-", "-").replace("\\fR", "").replace("\\fI", "")


main_help = help_text(tool, "--help-all")
commands = re.findall(r"^  ([a-z]+)  ", main_help.split("Commands:")[1].split("Exit status:")[0], re.M)
check("justsync --help lists commands", len(commands) >= 10, main_help)
per_command = {c: options(help_text(tool, c, "--help-all")) for c in commands}
global_options = options(main_help) | {"--help-all", "--help-global"}

page = man_source("justsync.1")
missing = [c for c in commands if not re.search(r"^\.BI? %s\b" % c, page, re.M)]
check("justsync.1 describes every command", not missing, "missing: %s" % missing)
documented = set(re.findall(r"--[\w-]+|(?<![\w-])-\w\b", page))
all_options = set().union(global_options, *per_command.values())
missing = sorted(all_options - documented)
check("justsync.1 describes every option", not missing, "missing: %s" % missing)
codes = re.findall(r"^  (\d)  ", main_help.split("Exit status:")[1], re.M)
missing = [c for c in codes if not re.search(r"^\.B %s$" % c, page, re.M)]
check("justsync.1 lists every exit status", codes and not missing, "missing: %s" % missing)

page = man_source("justsyncd.8")
missing = sorted(options(help_text(daemon, "--help-all")) - set(re.findall(r"--[\w-]+|(?<![\w-])-\w\b", page)))
check("justsyncd.8 describes every option", not missing, "missing: %s" % missing)

for name in ("justsync.1", "justsyncd.8"):
    fmt = subprocess.run(["groff", "-man", "-Tutf8", "-ww", "-z", os.path.join(build, "man", name)],
                         capture_output=True, text=True)
    check("%s formats without warnings" % name, fmt.returncode == 0 and not fmt.stderr, fmt.stderr)


def complete(*words):
    """What the completion offers after "justsync WORDS..." (the last is being typed)."""
    script = (". '%s'\nCOMP_WORDS=(justsync %s)\nCOMP_CWORD=%d\n_justsync\nprintf '%%s\\n' \"${COMPREPLY[@]}\"\n"
              % (os.path.join(top, "data", "justsync.bash-completion"),
                 " ".join("'%s'" % w for w in words), len(words)))
    out = subprocess.run(["bash", "-c", script], capture_output=True, text=True, check=True).stdout
    return set(out.split())


missing = sorted(set(commands) - complete(""))
check("the completion offers every command", not missing, "missing: %s" % missing)
missing = sorted(o for o in options(main_help) if o.startswith("--") and o not in complete("--"))
check("the completion offers every global option", not missing, "missing: %s" % missing)
for command, opts in per_command.items():
    missing = sorted(o for o in opts if o.startswith("--") and o not in complete(command, "--"))
    check("the completion offers every option of %s" % command, not missing, "missing: %s" % missing)
check("the completion offers the kinds of remote",
      complete("open", "--remote", "") == {"memory", "pocketbase", "supabase", "appwrite"})
check("the completion offers the read policies",
      complete("--store", "work", "query", "--policy=o") == {"offline-only", "online-only"})

print("1..%d" % len(results))
for i, (description, ok, detail) in enumerate(results, 1):
    print("%s %d - %s" % ("ok" if ok else "not ok", i, description))
    if not ok and detail:
        print("\n".join("# " + line for line in str(detail).splitlines()))
sys.exit(0 if all(ok for _d, ok, _x in results) else 1)
