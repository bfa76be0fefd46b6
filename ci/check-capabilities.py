#!/usr/bin/env python3
"""The capabilities an adapter may declare have one source, harness/lua/capabilities.lua
(M.list). This compares every copy with it and prints each disagreement (exit 1):
  - ci/adapters/PROTOCOL.md's table (section 2.1): the same (kind, name) rows, and the
    command column naming the command the Lua table gives;
  - each adapter's CAPABILITIES list (ci/adapters/*.js, ci/adapters/lib/*.js): names of one kind;
  - the adapter tests (ci/adapters/test/*.test.js): a capability list written there must be
    its adapter's own list, every name known;
  - the CLI tests' `$wrap --capabilities a,b` (harness/tests/*.sh): known names.
    python3 ci/check-capabilities.py SOURCE_DIR
"""
import glob
import os
import re
import subprocess
import sys

DUMP = r'''
local M = assert(loadfile(arg[1]))({ core = {} })
for kind, caps in pairs(M.list) do
  for _, c in ipairs(caps) do print(kind .. "\t" .. c[1] .. "\t" .. (c[3] or "")) end
end
'''


ON_PURPOSE = "frobnicate"   # the one unknown name harness/tests/cli_capabilities.sh declares, to see it refused


def lua_table(root):
    out = subprocess.run(["lua5.4", "-", os.path.join(root, "harness/lua/capabilities.lua")], input=DUMP,
                         capture_output=True, text=True)
    if out.returncode != 0:
        sys.exit("check-capabilities: could not read harness/lua/capabilities.lua: " + out.stderr.strip())
    caps = {}
    for line in out.stdout.splitlines():
        kind, name, cmd = line.split("\t")
        caps[(kind, name)] = cmd
    return caps


def doc_table(root):
    rows, path = {}, os.path.join(root, "ci/adapters/PROTOCOL.md")
    for n, line in enumerate(open(path, encoding="utf-8"), 1):
        m = re.match(r"^\| (client|http) \| `([a-z_]+)` \|[^|]*\|([^|]*)\|\s*$", line)
        if m:
            cmd = re.match(r"\s*`([a-z_]+)`", m.group(3))
            rows[(m.group(1), m.group(2))] = (cmd.group(1) if cmd else "", n)
    return rows


def names_in(text):
    return re.findall(r"""['"]([a-z_]+)['"]""", text)


def main(root):
    caps = lua_table(root)
    if not caps:
        return ["harness/lua/capabilities.lua: M.list holds no capability"]
    problems = []
    doc = doc_table(root)
    for key, cmd in sorted(caps.items()):
        if key not in doc:
            problems.append("ci/adapters/PROTOCOL.md: section 2.1's table has no row for %s `%s` "
                            "(add: | %s | `%s` | ... | %s |)" % (key[0], key[1], key[0], key[1],
                                                                   "`%s`; ..." % cmd if cmd else "..."))
        elif cmd and doc[key][0] != cmd:
            problems.append("ci/adapters/PROTOCOL.md:%d: %s `%s` is needed by command `%s` "
                            "(capabilities.lua), the table names `%s`" % (doc[key][1], key[0], key[1], cmd,
                                                                          doc[key][0] or "none"))
    for key in sorted(set(doc) - set(caps)):
        problems.append("ci/adapters/PROTOCOL.md:%d: %s `%s` is no capability of harness/lua/capabilities.lua"
                        % (doc[key][1], key[0], key[1]))

    kinds = {}
    for kind, name in caps:
        kinds.setdefault(kind, set()).add(name)
    lists = {}
    files = sorted(glob.glob(os.path.join(root, "ci/adapters/*.js")) + glob.glob(os.path.join(root, "ci/adapters/lib/*.js")))
    for path in files:
        rel = os.path.relpath(path, root)
        text = open(path, encoding="utf-8").read()
        for m in re.finditer(r"CAPABILITIES\s*=\s*\[([^\]]*)\]", text):
            names = names_in(m.group(1))
            lists[os.path.basename(path)] = names
            fits = [k for k in sorted(kinds) if set(names) <= kinds[k]]
            declared = re.search(r"kind:\s*'(client|http)'", text)
            if declared and declared.group(1) not in fits or not fits:
                want = declared.group(1) if declared else " or ".join(sorted(kinds))
                bad = sorted(set(names) - kinds.get(want, set())) if declared else names
                problems.append("%s: CAPABILITIES names %s, not capabilities of kind %s in harness/lua/capabilities.lua"
                                % (rel, ", ".join(bad), want))
            if len(set(names)) != len(names):
                problems.append("%s: CAPABILITIES names a capability twice" % rel)
    if not lists:
        problems.append("ci/adapters: no adapter declares a CAPABILITIES list (the scan found nothing)")

    known = {n for _, n in caps}
    for path in sorted(glob.glob(os.path.join(root, "ci/adapters/test/*.test.js"))):
        rel = os.path.relpath(path, root)
        own = lists.get(os.path.basename(path).replace(".test.js", ".js"))
        text = open(path, encoding="utf-8").read()
        for m in re.finditer(r"\[((?:\s*'[a-z_]+'\s*,?)+)\]", text):
            names = names_in(m.group(1))
            if not set(names) & known:
                continue
            line = text.count("\n", 0, m.start()) + 1
            unknown = sorted(set(names) - known)
            if unknown:
                problems.append("%s:%d: %s is no capability of harness/lua/capabilities.lua" % (rel, line, ", ".join(unknown)))
            elif own is not None and names != own:
                problems.append("%s:%d: this capability list differs from its adapter's CAPABILITIES (%s)"
                                % (rel, line, ", ".join(own)))
    for path in sorted(glob.glob(os.path.join(root, "harness/tests/*.sh"))):
        rel = os.path.relpath(path, root)
        for n, line in enumerate(open(path, encoding="utf-8"), 1):
            for m in re.finditer(r"\$wrap --capabilities ([a-z_,]+)", line):
                for name in m.group(1).split(","):
                    if name not in known and name != ON_PURPOSE:
                        problems.append("%s:%d: --capabilities names %s, no capability of harness/lua/capabilities.lua"
                                        % (rel, n, name))
    print("capabilities: %d in harness/lua/capabilities.lua, %d table rows, %d adapter lists, %d problems"
          % (len(caps), len(doc), len(lists), len(problems)))
    return problems


if __name__ == "__main__":
    problems = main(sys.argv[1] if len(sys.argv) > 1 else ".")
    for p in problems:
        print(p)
    sys.exit(1 if problems else 0)
