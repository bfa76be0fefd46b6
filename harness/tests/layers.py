"""The include graph of harness/: every #include "..." of a .c or .h file must
resolve, never go up a layer (core < net < lua < report < main < tests; man/,
the man page generator, stands with main), and never close a circle between
files (a .c and its .h count as one unit).
With OBJECT_DIR (a build tree), the link graph too, read with nm from the object
files of harness/: which file's symbols each file uses. The same two rules hold for
it (a call through an extern declaration is no include), and a file of core may
use no symbol defined outside harness/ (the executable's embedded files): core
links on its own, into unit tests and fuzzers.
    python3 layers.py HARNESS_DIR [OBJECT_DIR]   -> prints each problem; exit 1 if any
"""
import os
import re
import subprocess
import sys

LAYERS = ["core", "net", "lua", "report", "", "tests"]   # "" = harness/main.c and its neighbours
SAME_AS = {"man": ""}
INCLUDE = re.compile(r'^\s*#\s*include\s+"([^"]+)"', re.M)


def layer_of(rel):
    top = rel.split("/")[0] if "/" in rel else ""
    top = SAME_AS.get(top, top)
    return LAYERS.index(top) if top in LAYERS else None


def unit(rel):
    return os.path.splitext(rel)[0]


def main(root, objdir=None):
    problems, edges = [], {}
    files = []
    for d, _, names in os.walk(root):
        for n in names:
            if n.endswith((".c", ".h")):
                files.append(os.path.relpath(os.path.join(d, n), root))
    for rel in sorted(files):
        lf = layer_of(rel)
        if lf is None:
            problems.append("%s: in no layer folder (%s)" % (rel, ", ".join(l or "harness/" for l in LAYERS)))
            continue
        text = open(os.path.join(root, rel), encoding="utf-8", errors="replace").read()
        for inc in INCLUDE.findall(text):
            cands = [inc, os.path.normpath(os.path.join(os.path.dirname(rel), inc))]
            target = next((c for c in cands if os.path.isfile(os.path.join(root, c))), None)
            if target is None:
                problems.append('%s: #include "%s" names no file under %s' % (rel, inc, root))
                continue
            lt = layer_of(target)
            if lt is not None and lt > lf:
                problems.append('%s: #include "%s" goes up a layer (%s may use %s, not %s)' % (
                    rel, inc, LAYERS[lf] or "main", " < ".join(l or "main" for l in LAYERS[:lf + 1]),
                    LAYERS[lt] or "main"))
            if unit(target) != unit(rel):
                edges.setdefault(unit(rel), set()).add(unit(target))
    for comp in circles(edges):
        problems.append("include circle: " + " -> ".join(comp) + " (each includes the next, and back)")
    nobj = 0
    if objdir:
        nobj, link_problems = link_graph(objdir)
        problems += link_problems
    for p in problems:
        print(p)
    print("layers: %d files, %d objects, %d problems" % (len(files), nobj, len(problems)))
    return 1 if problems else 0


def circles(edges):
    """Strongly connected components of more than one unit (Tarjan), each sorted."""
    index, low, stack, on, out = {}, {}, [], set(), []

    def visit(v):
        index[v] = low[v] = len(index)
        stack.append(v)
        on.add(v)
        for w in sorted(edges.get(v, ())):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                out.append(sorted(comp))

    sys.setrecursionlimit(10000)
    for v in sorted(edges):
        if v not in index:
            visit(v)
    return out


OUTSIDE = "(outside harness/) "


def object_unit(path):
    """.../harness/net/ws.c.o anywhere in a build tree -> "net/ws"; objects elsewhere: OUTSIDE + name."""
    parts = path.replace(os.sep, "/").split("/harness/")
    if len(parts) < 2:
        return OUTSIDE + os.path.basename(path)[:-len(".c.o")]
    return parts[-1][:-len(".c.o")]


def nm(args, path):
    out = subprocess.run(["nm"] + args + [path], capture_output=True, text=True)
    if out.returncode != 0:
        sys.exit("layers: nm %s failed: %s" % (path, out.stderr.strip()))
    return out.stdout.splitlines()


def link_graph(objdir):
    """(objects read, problems) of the symbol graph between the object files under objdir."""
    defined, uses = {}, {}
    for d, _, names in sorted(os.walk(objdir)):
        for n in sorted(names):
            if not n.endswith(".c.o"):
                continue
            path = os.path.join(d, n)
            unit = object_unit(path)
            if unit in uses:   # one source compiled into two targets: read once
                continue
            for line in nm(["--defined-only", "-g"], path):
                f = line.split()
                if len(f) >= 3:
                    defined.setdefault(f[2], unit)
            uses[unit] = {line.split()[-1] for line in nm(["-u"], path) if line.strip()}
    problems, edges = [], {}
    for unit in sorted(uses):
        lf = None if unit.startswith(OUTSIDE) else layer_of(unit)
        if lf is None:
            continue
        for sym in sorted(uses[unit]):
            target = defined.get(sym)
            if target is None or target == unit:
                continue   # a library's symbol, or its own
            if target.startswith(OUTSIDE):
                if LAYERS[lf] == "core":
                    problems.append("%s: uses %s, which only %s.c defines (core must link without the "
                                    "executable's own files: unit tests and fuzzers link it alone)"
                                    % (unit, sym, target[len(OUTSIDE):]))
                continue
            lt = layer_of(target)
            if lt is not None and lt > lf:
                problems.append("%s: uses %s of %s, a layer up (at link time)" % (unit, sym, target))
            edges.setdefault(unit, set()).add(target)
    for comp in circles(edges):
        problems.append("link circle: " + " -> ".join(comp) + " (each uses a symbol of the next, and back)")
    return len(uses), problems


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2] if len(sys.argv) > 2 else None))
