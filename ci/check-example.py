#!/usr/bin/env python3
"""Checks ci/examples/github-actions.yml against the pushspec it documents: the YAML
parses, it does what README.md promises (installs pushspec, starts the server, runs with
--junit, --markdown, --html and a baseline, uploads the report, comments the summary,
fails the job on a non-zero status; explore over a matrix of shards, merged by pushspec
report in a job after it), and every pushspec command and flag it runs exists:
the command's help (pushspec help CMD) lists each flag.
    python3 ci/check-example.py PATH/TO/pushspec ci/examples/github-actions.yml"""
import shlex, subprocess, sys
import yaml

pushspec, path = sys.argv[1], sys.argv[2]
doc = yaml.safe_load(open(path))
errors = []
def need(cond, what):
    if not cond:
        errors.append(what)

steps = [s for job in doc["jobs"].values() for s in job["steps"]]
need(doc.get(True, doc.get("on")), "no 'on:' triggers")
scripts = [s["run"] for s in steps if "run" in s]
calls = []
for script in scripts:
    for line in script.replace("\\\n", " ").splitlines():
        lex = shlex.shlex(line, posix=True, punctuation_chars=True)
        lex.whitespace_split, lex.commenters = True, "#"
        words = list(lex)
        for i, w in enumerate(words):   # pushspec in command position only
            first = i == 0 or words[i - 1] in ("&&", "||", ";", "|", "(", "then", "do", "!")
            if first and (w == "pushspec" or w.endswith("/bin/pushspec")):
                end = next((j for j in range(i + 1, len(words)) if words[j] in ("&&", "||", ";", "|", ")")), len(words))
                calls.append(words[i + 1:end])
need(calls, "no pushspec command in any run: step")

def help_of(cmd):
    topic = ["help", cmd] if cmd in ("run", "fuzz", "init", "scenarios") else [cmd, "--help"]
    p = subprocess.run([pushspec] + topic, capture_output=True, text=True, timeout=30)
    return p.returncode, p.stdout

main_help = subprocess.run([pushspec, "--help"], capture_output=True, text=True, timeout=30).stdout
for args in calls:
    if not args:
        continue
    cmd = args[0]
    if cmd.startswith("--"):   # pushspec --version
        need(f"pushspec {cmd}" in main_help, f"pushspec --help does not list {cmd}")
        continue
    need(f"pushspec {cmd} " in main_help, f"pushspec --help does not list the command '{cmd}'")
    rc, text = help_of(cmd)
    need(rc == 0, f"pushspec help {cmd} exits {rc}")
    for a in args[1:]:
        if a.startswith("--"):
            flag = a.split("=")[0]
            need(f"  {flag} " in text or f"  {flag}\n" in text, f"'pushspec {cmd}' has no flag {flag} (pushspec help {cmd})")

run = [a for a in calls if a and a[0] == "run"]
need(run, "no 'pushspec run'")
for flag in ("--junit", "--markdown", "--html", "--expect", "--target"):
    need(any(flag in a for a in run), f"pushspec run without {flag}")
need(any(a == ["--version"] for a in calls), "pushspec --version is not run after installing")
uses = [s.get("uses", "") for s in steps]
need(any(u.startswith("actions/upload-artifact") for u in uses), "no upload-artifact step for the HTML report")
need(any("gh pr comment" in s and "--body-file" in s for s in scripts), "no pull-request comment of the Markdown")
need(any("exit 1" in s.get("run", "") and "status" in str(s.get("if", "")) for s in steps),
     "no step that fails the job on pushspec's exit status")
need(any("apt-get install" in s and ".deb" in s for s in scripts), "pushspec is not installed from its .deb")
always = [s for s in steps if "always()" in str(s.get("if", ""))]
need(len(always) >= 2, "the report upload and the comment must run even when the suite failed (if: always())")

# explore spread over machines (issue 18): a matrix of shards, then one job merging their results
explore = [a for a in calls if a and a[0] == "explore"]
need(any("--shard" in a for a in explore), "no 'pushspec explore --shard I/N' (the explore matrix job)")
matrix = [n for n, job in doc["jobs"].items() if (job.get("strategy") or {}).get("matrix")
          and any("pushspec explore" in s.get("run", "") for s in job["steps"])]
need(matrix, "no job runs pushspec explore over a strategy.matrix of shards")
for n in matrix:
    shards = doc["jobs"][n]["strategy"]["matrix"].get("shard") or []
    runs = " ".join(s.get("run", "") for s in doc["jobs"][n]["steps"])
    need(f"/{len(shards)}" in runs and "matrix.shard" in runs,
         f"job {n}: --shard must take matrix.shard out of the matrix's {len(shards)} shards")
merge = [n for n, job in doc["jobs"].items() if set(matrix) & set([job.get("needs")] if isinstance(job.get("needs"), str)
         else job.get("needs") or []) and any("pushspec report" in s.get("run", "") for s in job["steps"])]
need(merge, "no job after the explore matrix (needs:) merges the shards with pushspec report")
need(all("always()" in str(doc["jobs"][n].get("if", "")) for n in merge),
     "the merge job must run even when a shard failed (if: always())")

for e in errors:
    print("FAIL:", e)
print(f"check-example: {len(calls)} pushspec calls checked, {len(errors)} problems")
sys.exit(1 if errors else 0)
