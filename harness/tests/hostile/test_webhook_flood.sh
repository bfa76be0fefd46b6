#!/usr/bin/env bash
# A webhook sender floods the receiver with 1 MiB webhooks while the HOOK
# scenarios run: pushspec keeps a bounded number (net/limits.h), says so in the
# result, stays under the memory ceiling, and listens only where it was told.
#   bash test_webhook_flood.sh PATH/TO/pushspec SOURCE_DIR
ps=${1:?usage: test_webhook_flood.sh PUSHSPEC SOURCE_DIR} src=${2:?}
. "$src/harness/tests/hostile/webhook_lib.sh"

# the HOOK scenarios wait 30 s (x 3) for their webhooks, so the bound is hit while they
# wait even on a loaded machine (the flood stops once past it)
hook_flood
check_eq "webhooks.listen 127.0.0.1:$hp binds only that address" "127.0.0.1:$hp " "$listen"
check_has "the run ends with a verdict, not a crash (exit 0 or 1)" "^[01]:" "$rc: $(tail -n 3 "$tmp/err")"
check_below "peak RSS under the ceiling (kB)" "$ceiling_kb" "$(cat "$tmp/hwm" 2>/dev/null)"
check_has "the result names the webhook limit" "webhooks-kept" "$(limits_hit)"
check_has "stderr says the limit was reached" 'limit webhooks-kept reached: .*at most [0-9]+ webhooks' "$(cat "$tmp/err")"
check_has "the flood was answered 503 past the bound" '"503"' "$(cat "$tmp/flood.out")"
check_has "a HOOK rule's failure names the bound" "webhooks-kept: " "$(hook_texts)"
cat "$tmp/flood.out" "$tmp/hwm" >&2; finish
