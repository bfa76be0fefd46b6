#!/usr/bin/env bash
# ctest fuzz_cflite_config: the ClusterFuzzLite files under ci/clusterfuzzlite
# parse as YAML, carry the fields ClusterFuzzLite reads, and name only files
# and folders that exist (paths filters, build-integration-path, the
# Dockerfile's COPY sources and the build script it links).
set -uo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
py=""
for p in /usr/bin/python3 python3; do
  if command -v "$p" >/dev/null && "$p" -c 'import yaml' 2>/dev/null; then py="$p"; break; fi
done
[ -n "$py" ] || { echo "FAIL: no python3 with PyYAML (ci/deps.sh installs python3-yaml)"; exit 1; }
exec "$py" - "$root" <<'PY'
import glob, os, re, sys
import yaml

root = sys.argv[1]
cfl = os.path.join(root, "ci", "clusterfuzzlite")
errors = []

def need(cond, msg):
    if not cond:
        errors.append(msg)

def exists(rel, what):
    need(os.path.exists(os.path.join(root, rel)), f"{what} names {rel}, which does not exist")

def load(path):
    try:
        with open(path) as f:
            return yaml.safe_load(f)
    except (OSError, yaml.YAMLError) as e:
        errors.append(f"{os.path.relpath(path, root)}: {e}")
        return None

proj = load(os.path.join(cfl, "project.yaml"))
need(isinstance(proj, dict) and proj.get("language") == "c", "project.yaml: language must be c")

flows = sorted(glob.glob(os.path.join(cfl, "workflows", "*.yml")))
need(len(flows) >= 2, "expected a pull-request and a batch workflow")
modes = set()
for path in flows:
    rel = os.path.relpath(path, root)
    wf = load(path)
    if not isinstance(wf, dict):
        continue
    # YAML 1.1 reads the key `on` as True
    trig = wf.get("on", wf.get(True))
    need(isinstance(trig, dict), f"{rel}: no triggers")
    for ev in (trig or {}).values():
        for p in (ev or {}).get("paths", []) if isinstance(ev, dict) else []:
            exists(p.split("*")[0].rstrip("/") or ".", rel)
    for job in (wf.get("jobs") or {}).values():
        for step in job.get("steps", []):
            uses, args = step.get("uses", ""), step.get("with", {}) or {}
            need(uses.startswith("google/clusterfuzzlite/actions/"), f"{rel}: step uses {uses}")
            if uses.endswith("build_fuzzers@v1"):
                bip = args.get("build-integration-path")
                need(bip == "ci/clusterfuzzlite", f"{rel}: build-integration-path is {bip}")
                for f in ("Dockerfile", "project.yaml"):
                    exists(os.path.join(bip or "?", f), rel)
                need(args.get("language") == "c", f"{rel}: build language is not c")
            if uses.endswith("run_fuzzers@v1"):
                modes.add(args.get("mode"))
                need(int(args.get("fuzz-seconds", 0)) > 0, f"{rel}: no fuzz-seconds")
need({"code-change", "batch"} <= modes, f"workflow modes are {sorted(map(str, modes))}")
batch = [load(p) for p in flows if "batch" in p]
need(any("schedule" in (w.get("on", w.get(True)) or {}) for w in batch if w), "the batch workflow has no schedule")

# The Dockerfile: the usual base image, COPY sources and $SRC/pushspec/... paths exist.
docker = open(os.path.join(cfl, "Dockerfile")).read()
need(re.search(r"^FROM gcr\.io/oss-fuzz-base/base-builder\b", docker, re.M), "Dockerfile: not FROM base-builder")
for m in re.finditer(r"^COPY\s+(\S+)\s+\S+", docker, re.M):
    exists(m.group(1), "Dockerfile COPY")
for m in re.finditer(r"\$SRC/pushspec/(\S+)", docker):
    exists(m.group(1), "Dockerfile")
need("$SRC/build.sh" in docker, "Dockerfile: nothing provides $SRC/build.sh")
exists("fuzz/build.sh", "Dockerfile")

for e in errors:
    print("FAIL:", e)
if not errors:
    print(f"fuzz_cflite_config: project.yaml, Dockerfile and {len(flows)} workflows are consistent")
sys.exit(1 if errors else 0)
PY
