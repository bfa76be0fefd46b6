#!/usr/bin/env python3
"""Every file and C function a document or a code comment names exists.

Documents: every tracked *.md (not node_modules). Comments: // and /* */ in C,
-- in Lua, # in shell, Python and CMake, under harness/, ci/, fuzz/. A file
name (word.c, dir/word.lua, ...) must be a tracked file: the path from the
repository root or from the naming file's folder, or a tracked file whose path
ends with it. A C name ps_xxx must occur in code (not only in comments or
documents). Names that are made at build time are listed below with why.
  python3 docs_names.py SOURCE_DIR        exit 0 clean, 1 with the stale names
"""
import os, re, subprocess, sys

# The kinds of file this project writes (outputs such as .json or .txt, and other projects'
# .js files, are named by documents without being here).
EXTS = "c|h|lua|sh|py|js|md|cmake|expect"
# Not followed by a word, a path, a call or a method (self.h:pop() is Lua, not a header).
FILE_RE = re.compile(r"(?<![\w./$@{-])((?:[\w.-]+/)*[\w-]+(?:\.[\w-]+)*\.(?:%s))(?![\w/(\[]|:\w)" % EXTS)
FUNC_RE = re.compile(r"\bps_[a-z0-9_]*[a-z0-9]\b")
# Made at build time or at run time, never tracked: the name is right though no file has it.
GENERATED = {
    "embedded_rules.c", "embedded_clauses.c", "embedded_lua.c", "embedded_files.c",   # embed.cmake, embedfs.cmake
    "pushspec-target.lua",   # written by pushspec init
}
# Files of the reader's own project in examples, and files a test plants on purpose.
EXAMPLES = {
    "adapter.py": "ci/adapters/PROTOCOL.md: how a reader's own adapter is started",
    "ci/pushspec.expect": "README.md: the baseline in a reader's own repository",
    "reports/pr.md": "reports/README.md: a report the example command writes",
    "lua/gone.h": "cli_layers.sh: an include of no file, planted",
    "all.lua": "cli_clauses.sh: the scenario file the test writes in its temporary tree",
}
GENERATED_PREFIX = ("explore-min-", "./explore-min-", "explore.scenarios/")   # written by pushspec explore
# Words shaped like a file name that stand for any file of a kind (FILE.lua, NAME.json).
PLACEHOLDER = re.compile(r"(^|/)([A-Z][A-Z0-9_-]*|x|a|b|foo|my-[\w-]+)(\.|/)|\*|<|\.\.\.|^build[\w-]*/")

def tracked(root):
    out = subprocess.run(["git", "ls-files", "-co", "--exclude-standard"], cwd=root, capture_output=True,
                         text=True)
    if out.returncode != 0:
        sys.exit("FAIL: docs_names needs a git checkout (git ls-files: %s)" % out.stderr.strip())
    return [f for f in out.stdout.splitlines() if "node_modules" not in f and os.path.exists(os.path.join(root, f))]

def comments(path, text):
    """(line, comment text) of each comment of a source file."""
    ext = path.rsplit(".", 1)[-1]
    if ext in ("c", "h"):
        for m in re.finditer(r"/\*.*?\*/|//[^\n]*|\"(?:\\.|[^\"\\\n])*\"", text, re.S):
            if not m.group().startswith('"'):
                yield text.count("\n", 0, m.start()) + 1, m.group()
    else:
        mark = "--" if ext == "lua" else "#"
        for n, line in enumerate(text.splitlines(), 1):
            if ext == "lua":
                i = line.find("--")
            else:
                i = line.find(" #") + 1 if not line.lstrip().startswith("#") else line.find("#")
            if i >= 0 and (ext != "lua" or i == 0 or line[i - 1] != "-"):
                if line[i:].startswith(mark) and not line[i:].startswith("#!"):
                    yield n, line[i:]

def code_of(path, text):
    """The text of a source file without its comments."""
    ext = path.rsplit(".", 1)[-1]
    if ext in ("c", "h"):
        return re.sub(r"/\*.*?\*/|//[^\n]*", " ", text, flags=re.S)
    mark = "--" if ext == "lua" else "#"
    return "\n".join(l.split(mark, 1)[0] for l in text.splitlines())

def main():
    root = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else ".")
    files = tracked(root)
    fileset = set(files)
    code_ids = set()
    sources, docs = [], []
    for f in files:
        ext = f.rsplit(".", 1)[-1] if "." in f else ""
        if f.endswith(".md"):
            docs.append(f)
        elif ext in ("c", "h", "lua", "sh", "py", "cmake") or f.endswith("CMakeLists.txt"):
            if f.split("/")[0] in ("harness", "ci", "fuzz") or f == "CMakeLists.txt":
                sources.append(f)
            # code: C, Lua and CMake (a test script's strings, this checker's test among them, are not)
            if ext in ("c", "h", "cmake", "lua") or f.endswith("CMakeLists.txt"):
                try:
                    code_ids.update(FUNC_RE.findall(code_of(f, open(os.path.join(root, f), encoding="utf-8",
                                                                    errors="replace").read())))
                except IsADirectoryError:
                    pass

    def file_exists(name, where):
        if name in GENERATED or os.path.basename(name) in GENERATED or name in EXAMPLES or \
                name.startswith(GENERATED_PREFIX) or PLACEHOLDER.search(name):
            return True
        here = os.path.dirname(where)
        for cand in (name, os.path.normpath(os.path.join(here, name))):
            if cand in fileset or os.path.isdir(os.path.join(root, cand)):
                return True
        return any(f == name or f.endswith("/" + name) for f in fileset)

    bad = []
    seen = [0, 0]   # file names, C names checked
    def scan(where, line, text):
        for m in FILE_RE.finditer(text):
            seen[0] += 1
            name = m.group(1)
            if name.endswith(".js") and not name.startswith(("ci/", "harness/")):
                continue   # a file of another project (soketi, an SDK's dist/) or Node.js itself
            if "://" in text[max(0, m.start() - 40):m.start()] and not text[m.start() - 1:m.start()] in " `(":
                continue   # part of a URL
            if re.search(r"\.(%s)/" % EXTS, name):   # rules.c/clauses.c: two names
                parts = re.findall(r"[\w.-]+\.(?:%s)(?=/|$)" % EXTS, name)
            else:
                parts = [name]
            for name in (p for p in parts if not file_exists(p, where)):
                bad.append("%s:%d: names the file %s, which does not exist" % (where, line, name))
        for name in FUNC_RE.findall(text):
            seen[1] += 1
            if name not in code_ids:
                bad.append("%s:%d: names %s, which no code defines or uses" % (where, line, name))

    for d in docs:
        for n, text in enumerate(open(os.path.join(root, d), encoding="utf-8", errors="replace"), 1):
            scan(d, n, text)
    for s in sources:
        text = open(os.path.join(root, s), encoding="utf-8", errors="replace").read()
        for n, c in comments(s, text):
            scan(s, n, c)
    for b in bad:
        print("FAIL: " + b)
    print("docs_names: %d documents and %d source files read, %d file names and %d C names checked, %d stale"
          % (len(docs), len(sources), seen[0], seen[1], len(bad)))
    return 1 if bad else 0

if __name__ == "__main__":
    sys.exit(main())
