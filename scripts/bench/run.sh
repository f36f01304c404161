#!/bin/bash
# npm run bench: every performance goal of issue #12 measured side by side in one run and printed as a
# Goals table (goal, figure, ratio, target, met). Servers, all on 127.0.0.1:
#   latchkey         Latchkey as `npm start` runs it (node scripts/start.mjs: a cached esbuild bundle of
#                    server/node.ts, in one process) on PostgreSQL
#   latchkey-pglite  the same on PGlite (DATABASE_URL unset, a data directory made by setup.ts)
#   latchkey-deno    server/deno.ts under node_modules/.bin/deno with start:deno's flags, PostgreSQL
#   hono             the floor: a bare Hono handler on @hono/node-server (floor.ts), one process
#   hono-headers     the same floor sending the response headers Latchkey must send (FLOOR_HEADERS=1)
#   peer             the DRF peer (../shared/bench/peer-django, gunicorn 2 sync workers, PostgreSQL)
#   better-auth      the better-auth peer (../shared/bench/peer-better-auth, one Node process, PostgreSQL)
# Phases: start-up times and memory (spawn -> first 200 from /healthz/), one argon2id hash time, then
# rounds of wrk scenarios (the DRF peer's bench.sh, servers interleaved, order flipped every round) and
# a login storm (test_auth p99 alone, then during 16 connections logging in). A benchmark, not a test:
# it never fails on slow figures. Every server it started is stopped by PID at the end, on Ctrl-C and on
# any error. See scripts/bench/README.md for the knobs and how to read the output.
#
# env (all optional; README.md has the full list):
#   BENCH_ROUNDS=2  BENCH_DURATION=8s  BENCH_WARMUP=2s  BENCH_BUDGET_MIN=14  BENCH_STARTS=3  BENCH_CREATES=1
#   BENCH_VARIANTS="latchkey latchkey-pglite latchkey-deno hono hono-headers peer better-auth"
#                   (also latchkey-nolog, latchkey-tsx, latchkey-2w)
#   BENCH_SCENARIOS="get_valid get_invalid get_forged get_noauth"   (latchkey, hono, peers)
#   BENCH_VARIANT_SCENARIOS="get_valid"   (the other Latchkey variants: pglite, deno, ...)
#   BENCH_STORM=1  BENCH_STORM_CONN=16  BENCH_STORM_LOGIN_CONN=16   BENCH_PORT=8200
#   BENCH_DATABASE_URL  BENCH_STATE_DIR  PEER_DJANGO_DIR  PEER_BETTER_AUTH_DIR
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
HERE="$ROOT/scripts/bench"
log() { echo "bench: $*" >&2; }
find_peer() { # NAME: ../shared/bench/NAME from the checkout, or from a worktree one level deeper
  local d
  for d in "$ROOT/../shared/bench/$1" "$ROOT/../../shared/bench/$1"; do [ -d "$d" ] && { (cd "$d" && pwd); return; }; done
  echo "$ROOT/../shared/bench/$1"
}
PEER=${PEER_DJANGO_DIR:-$(find_peer peer-django)}
BAUTH=${PEER_BETTER_AUTH_DIR:-$(find_peer peer-better-auth)}

ROUNDS=${BENCH_ROUNDS:-2}
export BENCH_DURATION=${BENCH_DURATION:-8s}
SCENARIOS=${BENCH_SCENARIOS:-"get_valid get_invalid get_forged get_noauth"}
VARIANT_SCENARIOS=${BENCH_VARIANT_SCENARIOS:-get_valid}
VARIANTS=${BENCH_VARIANTS:-"latchkey latchkey-pglite latchkey-deno hono hono-headers peer better-auth"}
STARTS=${BENCH_STARTS:-3}
PORT0=${BENCH_PORT:-8200}
STATE=${BENCH_STATE_DIR:-${TMPDIR:-/tmp}/latchkey-bench}
OUT="$STATE/run-$(date -u +%Y%m%dT%H%M%SZ)"
BUILD="$ROOT/node_modules/.cache/latchkey-bench"   # inside the project so the bundle resolves node_modules
PGLITE_DIR="$STATE/pglite"                         # the bench user's PGlite database (setup.ts makes it)
FRESH_DIR="$STATE/pglite-fresh"                    # emptied before and after each "create" start
BUDGET=$(( ${BENCH_BUDGET_MIN:-14} * 60 )); OVER=""
export BENCH_QUIET_MAX_S=${BENCH_QUIET_MAX_S:-20}   # longest wait for a quiet host before one run
mkdir -p "$OUT" "$BUILD"
unset BENCH_SCENARIOS   # bench.sh gets one scenario per call
has() { [[ " $VARIANTS " == *" $1 "* ]]; }
for p in peer:"$PEER/bench.sh" better-auth:"$BAUTH/start.sh"; do
  has "${p%%:*}" && [ ! -x "${p#*:}" ] && { log "${p#*:} is missing (set PEER_DJANGO_DIR / PEER_BETTER_AUTH_DIR)"; exit 2; }
done
[ -x "$PEER/bench.sh" ] || { log "the DRF peer's bench.sh (the load script) is not at $PEER"; exit 2; }

# ---- servers: started once, stopped by the trap whatever happens -----------------------------------
declare -A PID URL PORT_OF
STARTED=()
stop_pid() { # PID NAME: TERM, KILL after 10 s
  kill -TERM "$1" 2>/dev/null || return 0
  for _ in $(seq 1 50); do kill -0 "$1" 2>/dev/null || return 0; sleep 0.2; done
  log "$2 (pid $1) still running after 10 s, sending KILL"; kill -KILL "$1" 2>/dev/null || true
}
stop_all() {
  local v p
  [ -f "$STATE/startup.pid" ] && { stop_pid "$(cat "$STATE/startup.pid")" start-up-server; rm -f "$STATE/startup.pid"; }
  for v in "${STARTED[@]}"; do
    p=${PID[$v]}
    kill -0 "$p" 2>/dev/null || continue
    case $v in
      peer) PEER_STATE_DIR="$STATE/peer-django" "$PEER/stop.sh" -p "$p" 2>/dev/null || true ;;
      better-auth) PEER_STATE_DIR="$STATE/peer-better-auth" "$BAUTH/stop.sh" -p "$p" 2>/dev/null || true ;;
      *) stop_pid "$p" "$v" ;;
    esac
  done
  STARTED=()
  rm -rf "$FRESH_DIR"
}
trap 'stop_all' EXIT
trap 'log "interrupted"; exit 130' INT TERM

port_free() { ! curl -s -o /dev/null --max-time 1 "http://127.0.0.1:$1/"; }
over_budget() { # when the runs left would end past BENCH_BUDGET_MIN: no more waiting, no retries
  [ -n "$OVER" ] && return 0
  [ $((SECONDS + LEFT * PER_RUN)) -le "$BUDGET" ] && return 1
  OVER=1; export BENCH_QUIET=100000 BENCH_RETRIES=0
  log "the ${BENCH_BUDGET_MIN:-14} min budget is near: the rest runs without waiting for a quiet machine or retrying"
}
wait_quiet() { # like bench.sh: until the machine is nearly idle for 1 s (at most BENCH_QUIET_MAX_S)
  over_budget && return 0
  local a b hz; hz=$(getconf CLK_TCK)
  for _ in $(seq 1 "$BENCH_QUIET_MAX_S"); do
    a=$(awk '/^cpu /{print $2+$3+$4+$7+$8+$9}' /proc/stat); sleep 1
    b=$(awk '/^cpu /{print $2+$3+$4+$7+$8+$9}' /proc/stat)
    [ $(( (b - a) * 100 / hz )) -lt "${BENCH_QUIET:-15}" ] && return 0
  done
  return 0
}

# Latchkey's command and environment per variant (also used by the start-up measurements)
DENO_FLAGS=$(cd "$ROOT" && node -p "require('./package.json').scripts['start:deno']" | grep -o -- '--[a-z0-9-]*\(=[^ ]*\)\?' | tr '\n' ' ')
# `npm start`'s code without npm: scripts/start.mjs runs a cached esbuild bundle that keeps each module's
# import.meta.url (files beside the sources are found); before it existed, our own bundle of node.ts.
if [ -f "$ROOT/scripts/start.mjs" ]; then LATCHKEY_NODE=(node "$ROOT/scripts/start.mjs"); else LATCHKEY_NODE=(node "$BUILD/node.mjs"); fi
server_cmd() { # VARIANT -> sets CMD and ENVS
  ENVS=(LOG_REQUESTS=true DATABASE_URL="$DBURL")
  CMD=("${LATCHKEY_NODE[@]}")
  case $1 in
    latchkey) ;;
    latchkey-pglite) ENVS=(LOG_REQUESTS=true LATCHKEY_DATA_DIR="$PGLITE_DIR") ;;
    latchkey-pglite-create) ENVS=(LOG_REQUESTS=true LATCHKEY_DATA_DIR="$FRESH_DIR") ;;
    latchkey-deno) CMD=("$ROOT/node_modules/.bin/deno" run $DENO_FLAGS "$ROOT/server/deno.ts") ;;
    latchkey-nolog) ENVS=(LOG_REQUESTS=false DATABASE_URL="$DBURL") ;;
    latchkey-tsx) CMD=("$ROOT/node_modules/.bin/tsx" "$ROOT/server/node.ts") ;;
    latchkey-2w) CMD=("$ROOT/node_modules/.bin/tsx" "$HERE/cluster.ts"); ENVS+=(LATCHKEY_WORKERS=2) ;;
    hono) CMD=(node "$BUILD/floor.mjs"); ENVS=() ;;
    hono-headers) CMD=(node "$BUILD/floor.mjs"); ENVS=(FLOOR_HEADERS=1) ;;
    *) log "unknown variant $1"; exit 2 ;;
  esac
  # Login throttling stays on (its counters cost a database upsert per login, as in production) with
  # limits no run reaches: the peers have none, and the logins would measure 429s otherwise.
  ENVS+=(HOST=127.0.0.1 DEMO_USER=false LOGIN_THROTTLE_USER=1000000 LOGIN_THROTTLE_IP=1000000)
}
UNSET=(-u DATABASE_URL -u LATCHKEY_DATA_DIR)   # a DATABASE_URL in the caller's shell must not leak in

start_server() { # VARIANT PORT
  local v=$1 port=$2 out
  port_free "$port" || { log "port $port is in use"; exit 1; }
  case $v in
    peer)
      out=$(PEER_STATE_DIR="$STATE/peer-django" PEER_DB=postgres PEER_CONN_MAX_AGE=60 "$PEER/start.sh" "$port" 2>>"$OUT/start.log") \
        || { log "the DRF peer did not start; see $OUT/start.log"; exit 1; }
      PID[$v]=$(echo "$out" | tail -1) ;;
    better-auth)
      out=$(PEER_STATE_DIR="$STATE/peer-better-auth" "$BAUTH/start.sh" "$port" 2>>"$OUT/start.log") \
        || { log "the better-auth peer did not start; see $OUT/start.log"; tail -3 "$OUT/start.log" >&2; exit 1; }
      PID[$v]=$(echo "$out" | tail -1) ;;
    *)
      server_cmd "$v"
      (cd "$ROOT" && exec env "${UNSET[@]}" "${ENVS[@]}" PORT="$port" nohup "${CMD[@]}" >"$STATE/$v.log" 2>&1 </dev/null) &
      PID[$v]=$! ;;
  esac
  URL[$v]=http://127.0.0.1:$port; STARTED+=("$v")
  for _ in $(seq 1 300); do   # up to a minute: a busy host makes start-ups slow
    curl -sf -o /dev/null --max-time 1 "${URL[$v]}/$( [[ $v == peer || $v == better-auth ]] && echo ping || echo healthz)/" && return 0
    kill -0 "${PID[$v]}" 2>/dev/null || break
    sleep 0.2
  done
  log "$v did not come up; the end of $STATE/$v.log:"; tail -5 "$STATE/$v.log" >&2; exit 1
}

# ---- 1. the DRF peer first: its start.sh installs wrk and PostgreSQL (Debian), starts the cluster ----
port=$PORT0
for v in $VARIANTS; do PORT_OF[$v]=$port; port=$((port + 1)); done
SPORT=$((PORT0 + 50))   # start-up measurements
for v in peer better-auth; do has $v && { log "starting $v on ${PORT_OF[$v]}"; start_server $v "${PORT_OF[$v]}"; }; done
if ! command -v wrk >/dev/null; then   # without the DRF peer in the run, install what it would have
  log "installing wrk"; DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends wrk >&2 \
    || { apt-get update >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends wrk >&2; }
fi

# ---- 2. Latchkey's databases, the bench user, the builds ----------------------------------------------
PGVER=$(ls /usr/lib/postgresql 2>/dev/null | sort -n | tail -1)
DBPID=$(head -1 "/var/lib/postgresql/$PGVER/main/postmaster.pid" 2>/dev/null || true)
if [ -n "${BENCH_DATABASE_URL:-}" ]; then DBURL=$BENCH_DATABASE_URL
else
  DBURL=postgres://latchkey_bench:latchkey-bench-pw@127.0.0.1:5432/latchkey_bench
  if [ "$(id -u)" = 0 ]; then psql_su() { runuser -u postgres -- psql -qAtX "$@"; }
  else psql_su() { psql -h 127.0.0.1 -U postgres -qAtX "$@"; }; fi
  [ "$(psql_su -c "SELECT 1 FROM pg_roles WHERE rolname='latchkey_bench'")" = 1 ] \
    || psql_su -c "CREATE ROLE latchkey_bench LOGIN PASSWORD 'latchkey-bench-pw'"
  [ "$(psql_su -c "SELECT 1 FROM pg_database WHERE datname='latchkey_bench'")" = 1 ] \
    || psql_su -c "CREATE DATABASE latchkey_bench OWNER latchkey_bench"
fi
log "migrating $(echo "$DBURL" | sed 's#//[^@]*@#//#') and $PGLITE_DIR, resetting the bench user"
setup() { (cd "$ROOT" && env -u DATABASE_URL -u LATCHKEY_DATA_DIR "$@" "$ROOT/node_modules/.bin/tsx" scripts/bench/setup.ts 2>>"$OUT/start.log") \
  || { log "setup failed; see $OUT/start.log"; tail -3 "$OUT/start.log" >&2; exit 1; }; }
FORGED=$(setup DATABASE_URL="$DBURL")
mkdir -p "$PGLITE_DIR"; setup LATCHKEY_DATA_DIR="$PGLITE_DIR" >/dev/null
# Plain node processes running esbuild bundles of our code (dependencies stay in node_modules): what a
# deployment would run, without tsx's loader and its extra process (the latchkey-tsx variant has them).
rm -rf "$BUILD" && mkdir -p "$BUILD"   # never start a stale build
(cd "$ROOT" && node_modules/.bin/esbuild server/node.ts scripts/bench/floor.ts \
  scripts/bench/startup.ts scripts/bench/hash-time.ts --bundle --platform=node --format=esm --target=node20 \
  --packages=external --out-extension:.js=.mjs --outdir="$BUILD" --entry-names='[name]' --log-level=warning)
cp -r "$ROOT/server/db/migrations" "$BUILD/migrations"   # open.ts looks for them beside itself
if [ -f "$ROOT/scripts/pglite-template.ts" ]; then   # npm install's prepare step makes it; idempotent
  (cd "$ROOT" && "$ROOT/node_modules/.bin/tsx" scripts/pglite-template.ts >>"$OUT/start.log" 2>&1) || log "no PGlite template (see start.log)"
fi

runs_for() { # VARIANT -> the scenarios it runs
  case $1 in
    latchkey | peer) echo "$SCENARIOS" ;;
    hono | hono-headers) echo "${SCENARIOS//get_invalid/}" ;;   # forged and invalid are one code path there
    better-auth) echo "${SCENARIOS//get_forged/}" ;;     # its keys have another format: no forged case
    *) echo "$VARIANT_SCENARIOS" ;;
  esac
}
# The budget counts the wrk runs still to come (the storm as 2) at PER_RUN seconds each, and one round
# of start-up measurements (4-5 starts, one of them maybe a PGlite creation) as 3.
n_runs=0; for v in $VARIANTS; do n_runs=$((n_runs + $(echo $(runs_for "$v") | wc -w))); done
dur=${BENCH_DURATION%s}; warm=${BENCH_WARMUP:-2s}; warm=${warm%s}; PER_RUN=$((dur + warm + 4))
LEFT=$(( ROUNDS * (n_runs + 2) + 3 * STARTS ))

# ---- 3. one argon2id hash, start-up times and memory (no load running) ---------------------------------
wait_quiet; node "$BUILD/hash-time.mjs" 20 >"$OUT/hash.txt"; log "argon2id: $(cat "$OUT/hash.txt")"
measure_start() { # NAME VARIANT [OUTPUT]
  local to=${3:-$OUT/startup.txt}
  server_cmd "$2"; wait_quiet
  (cd "$ROOT" && exec env "${UNSET[@]}" "${ENVS[@]}" PORT="$SPORT" node "$BUILD/startup.mjs" "$1" "$STATE/startup.pid" "$OUT/startup-servers.log" -- "${CMD[@]}") \
    >>"$to" || echo "startup name=$1 ms=failed" >>"$to"
  log "$(tail -1 "$to")"
}
port_free "$SPORT" || { log "port $SPORT (start-up measurements) is in use"; exit 1; }
measure_start warm-up latchkey "$OUT/startup-warm-up.txt"   # not counted: builds start.mjs's cached bundle
for i in $(seq 1 "$STARTS"); do
  measure_start postgres latchkey
  measure_start pglite-reopen latchkey-pglite
  if [ "$i" -le "${BENCH_CREATES:-1}" ]; then   # slow (tens of seconds on a busy host) and its peak barely moves
    rm -rf "$FRESH_DIR"; mkdir -p "$FRESH_DIR"; measure_start pglite-create latchkey-pglite-create; rm -rf "$FRESH_DIR"
  fi
  has latchkey-deno && measure_start deno-postgres latchkey-deno
  if ! grep -q 'name=testing ms=absent' "$OUT/startup.txt" 2>/dev/null; then   # once is enough to tell
    wait_quiet
    (cd "$ROOT" && "$ROOT/node_modules/.bin/tsx" --conditions latchkey-source scripts/bench/testing-start.ts >>"$OUT/startup.txt" 2>>"$OUT/start.log") \
      || echo "startup name=testing ms=failed" >>"$OUT/startup.txt"
    log "$(tail -1 "$OUT/startup.txt")"
  fi
  LEFT=$((LEFT - 3))
done

for v in $VARIANTS; do
  [[ $v == peer || $v == better-auth ]] && continue
  log "starting $v on ${PORT_OF[$v]}"
  start_server "$v" "${PORT_OF[$v]}"
done

# A copy of the DRF peer's bench.sh (same measurement code) with two knobs: BENCH_BADTOKEN, the bad key of
# get_invalid (get_forged is get_invalid with the forged key), and BENCH_QUIET_MAX_S, the longest wait for
# a quiet host (90 s there), so a busy host cannot stretch the run past its budget.
sed -e 's/^BADTOKEN=\(.*\)$/BADTOKEN=${BENCH_BADTOKEN:-\1}/' -e 's/for i in $(seq 1 90); do/for i in $(seq 1 ${BENCH_QUIET_MAX_S:-90}); do/' \
  "$PEER/bench.sh" >"$OUT/bench.sh"
cp "$PEER/scenario.lua" "$OUT/scenario.lua"
grep -q 'BENCH_BADTOKEN' "$OUT/bench.sh" || { log "bench.sh changed: get_forged skipped"; SCENARIOS=${SCENARIOS//get_forged/}; }

# ---- 4. the interleaved runs -------------------------------------------------------------------------
one_run() { # ROUND SCENARIO VARIANT
  local r=$1 s=$2 v=$3 f="$OUT/$3-$1-$2.txt"
  over_budget || true; LEFT=$((LEFT - 1))
  if [ "$s" = get_forged ]; then
    BENCH_BADTOKEN=$FORGED BENCH_SCENARIOS=get_invalid BENCH_DB_PID=$DBPID \
      bash "$OUT/bench.sh" "${URL[$v]}" "${PID[$v]}" | sed 's/^get_invalid /get_forged  /' >"$f"
  else
    BENCH_SCENARIOS=$s BENCH_DB_PID=$DBPID bash "$OUT/bench.sh" "${URL[$v]}" "${PID[$v]}" >"$f"
  fi
  log "round $r  $(printf '%-15s' "$v") $(grep -E "^$s " "$f" | cut -c1-80 || echo "$s: no result")"
}
storm() { # ROUND: test_auth alone, then test_auth and logins at once (two wrk processes, same duration)
  LEFT=$((LEFT - 2))
  local f="$OUT/storm-$1.txt" url=${URL[latchkey]} key c=${BENCH_STORM_CONN:-16} lc=${BENCH_STORM_LOGIN_CONN:-16}
  local lua=(-s "$OUT/scenario.lua" --latency --timeout 30s) json='{"username":"bench","password":"bench-password-123"}'
  key=$(curl -sf -X POST -H 'Content-Type: application/json' -d "$json" "$url/rest-auth/login/" | sed -n 's/.*"key" *: *"\([^"]*\)".*/\1/p' || true)
  [ -n "$key" ] || { log "storm: could not log in"; return 0; }
  wait_quiet
  wrk -t1 -c"$c" -d"${BENCH_WARMUP:-2s}" "${lua[@]}" -H "Authorization: Token $key" "$url/test_auth/" -- GET >/dev/null || true
  echo "duration_s=${BENCH_DURATION%s} conn=$c login_conn=$lc" >"$f"
  wrk -t1 -c"$c" -d"$BENCH_DURATION" "${lua[@]}" -H "Authorization: Token $key" "$url/test_auth/" -- GET |
    sed -n 's/^RESULT/alone/p' >>"$f" || true
  wrk -t1 -c"$lc" -d"$BENCH_DURATION" "${lua[@]}" "$url/rest-auth/login/" -- POST "$json" application/json |
    sed -n 's/^RESULT/login/p' >"$f.login" || true &
  local login=$!
  wrk -t1 -c"$c" -d"$BENCH_DURATION" "${lua[@]}" -H "Authorization: Token $key" "$url/test_auth/" -- GET |
    sed -n 's/^RESULT/storm/p' >>"$f" || true
  wait "$login" || true; cat "$f.login" >>"$f"; rm -f "$f.login"
  log "round $1  storm: $(awk '{print $1, $2, $4}' "$f" | tail -3 | tr '\n' ' ')"
}
log "$ROUNDS round(s) x $n_runs runs + the storm, ${dur}s + ${warm}s warm-up each:" \
  "about $(( ROUNDS * (n_runs + 2) * PER_RUN / 60 + 1 )) min more; raw outputs in $OUT"
for r in $(seq 1 "$ROUNDS"); do
  order=$VARIANTS
  [ $((r % 2)) = 0 ] && order=$(echo $VARIANTS | tr ' ' '\n' | tac | tr '\n' ' ')   # alternate who goes first
  for s in $(echo $SCENARIOS $VARIANT_SCENARIOS | tr ' ' '\n' | awk '!seen[$0]++'); do   # get_valid: all at once
    for v in $order; do
      [[ " $(runs_for "$v") " == *" $s "* ]] || continue
      [ -f "$OUT/$v-$r-$s.txt" ] || one_run "$r" "$s" "$v"
    done
  done
  [ "${BENCH_STORM:-1}" = 1 ] && has latchkey && storm "$r"
done

# ---- 5. peak memory, stop, summary ---------------------------------------------------------------------
tree_pids() { local p=$1; echo "$p"; for c in $(cat /proc/"$p"/task/*/children 2>/dev/null); do tree_pids "$c"; done; }
for v in $VARIANTS; do
  for p in $(tree_pids "${PID[$v]}"); do awk '/^VmHWM:/{print $2}' "/proc/$p/status" 2>/dev/null; done |
    awk -v n="$(tree_pids "${PID[$v]}" | wc -l)" '{s+=$1} END{printf "peak_rss_mb=%d procs=%d\n", s/1024, n}' >"$OUT/$v-peak.txt"
done
stop_all
log "servers stopped"
for v in $VARIANTS; do   # LOG_REQUESTS writes a line per request: keep only the end of it
  [ -f "$STATE/$v.log" ] && tail -n 200 "$STATE/$v.log" >"$OUT/$v-server.log" && rm -f "$STATE/$v.log"
done
echo "# npm run bench  $(date -u +%FT%TZ)  $(nproc) cores  node $(node --version)  deno $("$ROOT/node_modules/.bin/deno" --version | head -1 | cut -d' ' -f2)  wrk -t${BENCH_THREADS:-2} -c${BENCH_CONN:-32} -d$BENCH_DURATION  rounds=$ROUNDS  $((SECONDS / 60)) min" |
  tee "$OUT/header.txt"
"$ROOT/node_modules/.bin/tsx" "$HERE/summarize.ts" "$OUT" $VARIANTS
