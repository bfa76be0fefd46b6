#!/usr/bin/env bash
# Cascade (issue 20): a server without POST /batch_events (404). HTTP-8 fails on it; HTTP-5's
# batch check depends on that endpoint, so it is an error naming HTTP-8 (its control), not a
# fail; HTTP-5's /events check is judged and passes.
#   bash test_cascade_no_batch.sh PATH/TO/pushspec SOURCE_DIR
ps=${1:?usage: test_cascade_no_batch.sh PUSHSPEC SOURCE_DIR} src=${2:?}
. "$src/harness/tests/hostile/cascade_lib.sh"

cascade no-batch --filter 'http-body-md5,http-batch-limit'
check_eq "a failing rule: exit status" 1 "$rc"
check_has "HTTP-8 fails on the 404" "^fail 404" "$(verdict HTTP-8)"
check_has "HTTP-5 is an error naming HTTP-8's control and its Actual" \
    "^error control failed: HTTP-8:ten-ok \(a correctly signed POST /batch_events is accepted \(2xx\)\): 404" "$(verdict HTTP-5)"
check_eq "HTTP-5's batch check is no fail" not-failing "$(label HTTP-5:batch)"
check_has "HTTP-5's events check was judged" "check failed|control HTTP-1:status-200: passed" "$(transcript http-body-md5)"
check_eq "no fail but HTTP-8's" "['HTTP-8']" "$(fails)"
# the failed control is evidence against its own clause: an incidental finding of it there
check_eq "the failed control fails HTTP-8:ten-ok in http-body-md5 (incidental)" "['HTTP-8']" \
    "$(incidental http-body-md5 ten-ok)"
finish
