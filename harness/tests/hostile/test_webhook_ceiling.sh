#!/usr/bin/env bash
# Webhooks draw from the process's one memory ceiling (--max-memory): at the
# smallest ceiling (32 MiB) a flood of 1 MiB webhooks reaches it before the
# receiver's own 32 MiB cap (webhooks-kept), since the rest of the process
# draws too. The bound named is memory-total, the flood is answered 503, and
# the HOOK scenarios end with an error naming it (whichever store of theirs,
# Lua or webhooks, was refused first).
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
check_has "a HOOK rule's failure names the ceiling" "memory-total" "$(hook_texts)"
cat "$tmp/flood.out" >&2; finish
