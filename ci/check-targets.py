#!/usr/bin/env python3
"""The soketi target files copy what ci/soketi.json sets (apps, their keys and secrets, the
limits each profile names): target files run sandboxed and cannot read the JSON, so the copies
stay, and this check compares each with its source.
    python3 ci/check-targets.py ROOT [FILE ...]     (default: the soketi targets and ci/bench.sh)
Exit 0 when every copy agrees; 1 with one line per disagreement."""
import json, re, sys

root = sys.argv[1] if len(sys.argv) > 1 else "."
files = sys.argv[2:] or [f"{root}/ci/targets/soketi.lua", f"{root}/ci/targets/soketi-cluster.lua",
                         f"{root}/ci/bench.sh"]
apps = {a["id"]: a for a in json.load(open(f"{root}/ci/soketi.json"))["appManager.array.apps"]}

# profile -> (soketi.json setting, the target's field) for the numbers a profile declares
LIMITS = {"max_connections": ("maxConnections", "limit"),
          "client_event_rate": ("maxClientEventsPerSecond", "per_second"),
          "presence_limit": ("maxPresenceMembersPerChannel", "members")}
# profile -> what soketi.json must set for that app, for the profile to mean what it says
FLAGS = {"disabled_app": ("enabled", False), "client_events_disabled": ("enableClientMessages", False),
         "user_authentication": ("enableUserAuthentication", True)}

APP = re.compile(r'app = \{ id = "([^"]+)", key = "([^"]+)", secret = "([^"]+)" \}')
PROFILE = re.compile(r'^\s*([a-z_]+) = \{ app = \{ id = "([^"]+)"[^}]*\}(.*)\},?\s*$')

problems = []
for path in files:
    text = open(path).read()
    found = APP.findall(text)
    if not found:
        problems.append(f"{path}: no app = {{ id, key, secret }} found (has its format changed?)")
    for app_id, key, secret in found:
        a = apps.get(app_id)
        if not a:
            problems.append(f"{path}: app {app_id} is not in ci/soketi.json")
        elif (a["key"], a["secret"]) != (key, secret):
            problems.append(f"{path}: app {app_id} has key/secret {key}/{secret}, ci/soketi.json {a['key']}/{a['secret']}")
    for line in text.splitlines():
        m = PROFILE.match(line)
        if not m or m.group(2) not in apps:
            continue
        name, app_id, rest = m.groups()
        a = apps[app_id]
        if name in LIMITS:
            setting, field = LIMITS[name]
            got = re.search(field + r" = (\d+)", rest)
            if not got or int(got.group(1)) != a.get(setting):
                problems.append(f"{path}: profile {name} says {field} = {got and got.group(1)}, "
                                f"ci/soketi.json's {app_id} has {setting} = {a.get(setting)}")
        if name in FLAGS:
            setting, want = FLAGS[name]
            if a.get(setting, not want) != want:
                problems.append(f"{path}: profile {name} needs {setting} = {want} for {app_id} in ci/soketi.json")
    payload = re.search(r"max_payload = (\d+)", text)
    main_kb = apps["app-main"].get("maxEventPayloadInKb")
    if payload and main_kb is not None and int(payload.group(1)) != main_kb * 1024:
        problems.append(f"{path}: limits.max_payload = {payload.group(1)}, ci/soketi.json's app-main allows "
                        f"{main_kb} KiB = {main_kb * 1024}")

for p in problems:
    print("check-targets: " + p)
print(f"check-targets: {len(files)} files against ci/soketi.json's {len(apps)} apps, {len(problems)} problems")
sys.exit(1 if problems else 0)
