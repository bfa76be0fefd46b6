#!/usr/bin/env bash
# Webhooks draw from the process's one memory ceiling (--max-memory). At the
# smallest ceiling (32 MiB, the receiver's own cap on kept bodies, webhooks-kept)
# a flood of 1 MiB webhooks that are all kept always reaches the ceiling first,
# whatever else the process holds: a body is drawn as it arrives, before it
# counts toward the receiver's cap, so the kept bodies plus the one arriving
# never exceed what was drawn, and a ceiling passed by a charge refuses every
# draw (test_budget). The bound named is memory-total, fewer than 32 webhooks
# are kept, the flood is answered 503, and the HOOK scenarios end with an error
# naming it (whichever store of theirs, Lua or webhooks, was refused first).
#   bash test_webhook_ceiling.sh PATH/TO/pushspec SOURCE_DIR
ps=${1:?usage: test_webhook_ceiling.sh PUSHSPEC SOURCE_DIR} src=${2:?}
. "$src/harness/tests/hostile/webhook_lib.sh"

hook_flood --max-memory 32
check_has "the run ends with a verdict, not a crash (exit 0 or 1)" "^[01]:" "$rc: $(tail -n 3 "$tmp/err")"
check_has "the result names the ceiling" "memory-total" "$(limits_hit)"
# the 503s come from the ceiling: the receiver's own cap was never reached
check_eq "the receiver's own cap (webhooks-kept) is not what refused" "False" \
    "$(json_get "$tmp/r.json" "'webhooks-kept' in [x['limit'] for x in j.get('limits_hit', [])]")"
check_has "the flood was answered 503 past the ceiling" '"503"' "$(cat "$tmp/flood.out")"
# 32 kept would fill the receiver's own cap: the ceiling must refuse before that
check_below "webhooks kept (answered 200) before the ceiling refused" 32 \
    "$($py -c 'import json,sys; print(json.loads(sys.stdin.read().split(" ", 1)[1]).get("200", 0))' <"$tmp/flood.out" 2>&1)"
check_has "a HOOK rule's failure names the ceiling" "memory-total" "$(hook_texts)"
cat "$tmp/flood.out" >&2; finish
