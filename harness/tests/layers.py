"""The include graph of harness/: every #include "..." of a .c or .h file must
resolve, never go up a layer (core < net < lua < report < main < tests; man/,
the man page generator, stands with main), and never close a circle between
files (a .c and its .h count as one unit).
    python3 layers.py HARNESS_DIR   -> prints each problem; exit 1 if any
"""
import os
import re
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


def main(root):
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
    # circles: strongly connected components of more than one unit (Tarjan)
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
    for comp in out:
        problems.append("include circle: " + " -> ".join(comp) + " (each includes the next, and back)")
    for p in problems:
        print(p)
    print("layers: %d files, %d problems" % (len(files), len(problems)))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
