# Shared by ci/mutants/run.sh, cluster.sh and explore.sh (source it after setting `here`, `root`,
# `out` and `who`, the name errors start with): the binary and peers checks, the mutant list, the
# proxy's start and stop, soketi's target seen through the proxy, and the kill-count loop.

die() { printf '%s: ERROR: %s\n' "$who" "$*" >&2; exit 2; }

# need_binary SCRIPT "$@": sets pushspec from the first argument (the caller then shifts it off).
need_binary() {
  local script=$1
  shift
  [ $# -ge 1 ] || die "usage: bash ci/mutants/$script PUSHSPEC_BINARY [MUTANT...]"
  pushspec="$1"
  [ -x "$pushspec" ] || die "$pushspec is not an executable pushspec binary (build it first)"
}

need_soketi() {
  command -v node >/dev/null || die "node not found (bash ci/deps.sh)"
  [ -d "$root/ci/peers/node_modules/ws" ] || die "ci/peers/node_modules/ws missing: run bash ci/install-peers.sh"
  [ "$(curl -s --max-time 2 http://127.0.0.1:6001/ready || true)" = OK ] ||
    die "soketi is not up on 127.0.0.1:6001: bash ci/soketi.sh start"
}

# soketi_target FILE WRITER: ci/targets/soketi.lua seen through the proxy (7001; soketi's webhooks
# come to the proxy on 6002, pushspec takes them on 6003), without its restart command: restarting
# soketi cures no mutant.
soketi_target() {
  { printf -- '-- Written by %s from ci/targets/soketi.lua: soketi through ci/mutants/proxy.js.\n' "$2"
    sed -e 's#127\.0\.0\.1:6001#127.0.0.1:7001#g' -e 's#listen = "127\.0\.0\.1:6002"#listen = "127.0.0.1:6003"#' \
      -e '/^ *restart = /d' -e 's#^\( *name = "[^"]*\)"#\1 through ci/mutants/proxy.js"#' \
      "$root/ci/targets/soketi.lua"; } >"$1"
  grep -q 'url = "ws://127.0.0.1:7001"' "$1" && grep -q 'listen = "127.0.0.1:6003"' "$1" &&
    ! grep -q -e ':6001' -e ':6002' -e 'restart' "$1" ||
    die "ci/targets/soketi.lua changed shape: could not point $1 at the proxy (see ci/mutants/lib.sh)"
}

# read_mutants: rules[NAME] (comma list), about[NAME] and names, from proxy.js --list
# (PROXY_MUTANTS picks the set).
read_mutants() {
  declare -gA rules about
  names=()
  local name r a
  while IFS=$'\t' read -r name r a; do rules[$name]="$r"; about[$name]="$a"; names+=("$name"); done \
    < <(node "$here/proxy.js" --list)
}

# check_selected HOW_TO_LIST: every name in selected is a mutant.
check_selected() {
  local n
  for n in "${selected[@]}"; do [ -n "${rules[$n]:-}" ] || die "unknown mutant $n ($1)"; done
}

proxy_pid=""
stop_proxy() {
  [ -n "$proxy_pid" ] || return 0
  kill "$proxy_pid" 2>/dev/null || true
  wait "$proxy_pid" 2>/dev/null || true
  proxy_pid=""
}
trap stop_proxy EXIT
# start_proxy MUTANT: proxy.js with MUTANT (none: unmutated), listening once this returns.
start_proxy() {
  local log="$out/$1.proxy.log" i
  : >"$log"
  node "$here/proxy.js" "$1" >"$log" 2>&1 &
  proxy_pid=$!
  for ((i = 0; i < 100; i++)); do
    grep -q '^proxy.js: .* on ' "$log" && return 0
    kill -0 "$proxy_pid" 2>/dev/null || { cat "$log" >&2; die "proxy.js $1 exited at start-up"; }
    sleep 0.05
  done
  die "proxy.js $1 did not listen within 5 s"
}

# score MUTANT REFERENCE: score.py's verdict on $out/MUTANT.json against $out/REFERENCE.json;
# fails when the mutant survived.
score() {
  if [ -s "$out/$1.json" ]; then python3 "$here/score.py" "$out/$2.json" "$out/$1.json"; return; fi
  printf 'survived: pushspec did not run: %s\n' "$(grep -m1 '^pushspec: ' "$out/$1.log")"
  return 1
}

# kill_count MINIMUM_LINE: runs each selected mutant with the caller's run_mutant MUTANT [RESULT
# [FOR]] (FOR: the mutant whose scenarios a reference run takes) and scores it against $out/none.json (the caller's reference run); a survivor gets a second try
# against a fresh reference run of its own, since timing under load can fail a check of the
# reference or pass one of the mutant. Prints "WHO killed K/N" (also in $out/summary.txt, which
# ci/test.sh prints after ctest) and the survivors; sets status 1 when a survivor is not in
# SURVIVORS.md, or, for the whole set, K is below its "MINIMUM_LINE: K killed" line there.
kill_count() {
  local survivors_file="$here/SURVIVORS.md" n t0 verdict total=0 min
  killed=0 lost=() status=0
  for n in "${selected[@]}"; do
    [ "$n" = none ] && continue
    total=$((total + 1))
    t0=$SECONDS
    run_mutant "$n"
    if verdict="$(score "$n" none)"; then
      killed=$((killed + 1))
    else
      run_mutant none "none-for-$n" "$n"
      run_mutant "$n"
      if verdict="$(score "$n" "none-for-$n")"; then
        killed=$((killed + 1)); verdict="$verdict (on the second try)"
      else lost+=("$n"); fi
    fi
    printf '  %-36s %-3ss %s\n' "$n" $((SECONDS - t0)) "${verdict:0:220}"
  done
  {
    printf '%s killed %d/%d (%ds)\n' "$who" "$killed" "$total" $((SECONDS - started))
    for n in "${lost[@]}"; do printf '  survivor %s (%s): %s\n' "$n" "${rules[$n]}" "${about[$n]}"; done
  } | tee "$out/summary.txt"
  for n in "${lost[@]}"; do
    grep -q "^- \`$n\`:" "$survivors_file" || { printf '%s: %s survived and is not in ci/mutants/SURVIVORS.md: give the rule a check that kills it, or list it with the reason\n' "$who" "$n" >&2; status=1; }
  done
  while IFS= read -r n; do
    if printf '%s\n' "${selected[@]}" | grep -qx "$n" && ! printf '%s\n' "${lost[@]}" | grep -qx "$n"; then
      printf '%s: %s is listed in SURVIVORS.md but was killed: remove its line and raise the minimum\n' "$who" "$n"
    fi
  done < <(sed -n 's/^- `\([^`]*\)`:.*/\1/p' "$survivors_file")
  if [ "$total" -eq "${#names[@]}" ]; then
    min="$(sed -n "s/^$1: \\([0-9]*\\) killed.*/\\1/p" "$survivors_file")"
    [ -n "$min" ] || die "ci/mutants/SURVIVORS.md has no '$1: K killed' line"
    if [ "$killed" -lt "$min" ]; then
      printf '%s: the score dropped: %d killed, the committed minimum is %d\n' "$who" "$killed" "$min" >&2
      status=1
    fi
  fi
}
