#!/bin/sh
# An adapter for the runtime tests (cli_runtime.sh). It says hello, and its
# sdk name says whether the adapter started before it has gone (within 2 s):
# a scenario's adapter must end with its scenario, not with the run.
#   sh adapter.sh PID_LOG
log="$1"
gone() { [ ! -e "/proc/$1" ] || grep -q ') Z' "/proc/$1/stat" 2>/dev/null; }
prev=$(tail -n 1 "$log" 2>/dev/null)
state=none
if [ -n "$prev" ]; then
  state=alive
  for i in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20; do
    if gone "$prev"; then state=gone; break; fi
    sleep 0.1
  done
fi
echo $$ >> "$log"
printf '{"type":"hello","sdk":"rt-prev-%s","version":"0.0.0","kind":"client"}\n' "$state"
while IFS= read -r line; do :; done
