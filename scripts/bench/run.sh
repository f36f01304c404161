#!/bin/bash
# npm run bench: Latchkey on PostgreSQL and the Django REST Framework peer (../shared/bench/peer-django),
# started side by side on loopback and loaded by the peer's own bench.sh (wrk), scenario by scenario and
# interleaved (round 1: latchkey then peer, round 2: peer then latchkey, ...), then one summary table.
# A benchmark, not a test: it never fails on slow figures. Both servers are stopped at the end, on
# Ctrl-C and on any error. See scripts/bench/README.md for how to read the output.
#
# env (all optional):
#   BENCH_ROUNDS=2            rounds; each runs every scenario once against every variant
#   BENCH_DURATION=8s         measured time per scenario (bench.sh; BENCH_WARMUP=2s before each)
#   BENCH_SCENARIOS="get_valid get_invalid get_forged get_noauth post_valid login_form login_json"
#                             bench.sh's names, plus get_forged (an lk_ key with a wrong checksum)
#   BENCH_VARIANTS="latchkey peer"   also: latchkey-nolog (LOG_REQUESTS=false), latchkey-tsx (tsx
#                             CLI as `npm start` runs it), latchkey-2w (2 node:cluster workers)
#   BENCH_PORT=8200           first port; variants take BENCH_PORT, BENCH_PORT+1, ... (127.0.0.1 only)
#   BENCH_DATABASE_URL        Latchkey's database (must exist); default: role+database latchkey_bench on
#                             the local PostgreSQL, created when missing
#   BENCH_STATE_DIR           logs, pid files, raw outputs (default ${TMPDIR:-/tmp}/latchkey-bench)
#   BENCH_BUDGET_MIN=25       after this many minutes, stop waiting for a quiet machine (bench.sh's
#                             BENCH_QUIET) and stop retrying noisy runs, so a busy host cannot stretch the run
#   other BENCH_* knobs (BENCH_CONN, BENCH_THREADS, BENCH_WARMUP, BENCH_QUIET, ...) go to bench.sh.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
HERE="$ROOT/scripts/bench"
PEER="${PEER_DJANGO_DIR:-$ROOT/../shared/bench/peer-django}"
[ -x "$PEER/bench.sh" ] || { echo "bench: the DRF peer is not at $PEER (set PEER_DJANGO_DIR)" >&2; exit 2; }
PEER=$(cd "$PEER" && pwd)

ROUNDS=${BENCH_ROUNDS:-2}
export BENCH_DURATION=${BENCH_DURATION:-8s}
SCENARIOS=${BENCH_SCENARIOS:-"get_valid get_invalid get_forged get_noauth post_valid login_form login_json"}
VARIANTS=${BENCH_VARIANTS:-"latchkey peer"}
PORT0=${BENCH_PORT:-8200}
STATE=${BENCH_STATE_DIR:-${TMPDIR:-/tmp}/latchkey-bench}
OUT="$STATE/run-$(date -u +%Y%m%dT%H%M%SZ)"
BUILD="$ROOT/node_modules/.cache/latchkey-bench"   # inside the project so the bundle resolves node_modules
export PEER_STATE_DIR="$STATE/peer-django"
mkdir -p "$OUT" "$PEER_STATE_DIR" "$BUILD"
unset BENCH_SCENARIOS   # bench.sh gets one scenario per call

log() { echo "bench: $*" >&2; }

# ---- servers: started once, stopped by the trap whatever happens ----------------------------------
declare -A PID URL
STARTED=()
stop_all() {
  local v p
  for v in "${STARTED[@]}"; do
    p=${PID[$v]}
    kill -0 "$p" 2>/dev/null || continue
    if [ "$v" = peer ]; then "$PEER/stop.sh" -p "$p" 2>/dev/null || true; continue; fi
    kill -TERM "$p" 2>/dev/null || true
    for _ in $(seq 1 50); do kill -0 "$p" 2>/dev/null || break; sleep 0.2; done
    kill -0 "$p" 2>/dev/null && { log "$v (pid $p) still running after 10 s, sending KILL"; kill -KILL "$p"; }
  done
  STARTED=()
}
trap 'stop_all' EXIT
trap 'log "interrupted"; exit 130' INT TERM

port_free() { ! curl -s -o /dev/null --max-time 1 "http://127.0.0.1:$1/"; }

start_peer() { # PORT
  local out
  port_free "$1" || { log "port $1 is in use"; exit 1; }
  out=$(PEER_DB=postgres PEER_CONN_MAX_AGE=60 "$PEER/start.sh" "$1" 2>>"$OUT/start.log") \
    || { log "the peer did not start; see $OUT/start.log"; exit 1; }
  PID[peer]=$(echo "$out" | tail -1); URL[peer]=http://127.0.0.1:$1; STARTED+=(peer)
}

start_latchkey() { # VARIANT PORT
  local v=$1 port=$2 cmd=(node "$BUILD/node.mjs") envs=(LOG_REQUESTS=true)
  case $v in
    latchkey) ;;
    latchkey-nolog) envs=(LOG_REQUESTS=false) ;;
    latchkey-tsx) cmd=("$ROOT/node_modules/.bin/tsx" "$ROOT/server/node.ts") ;;
    latchkey-2w) cmd=(node "$BUILD/cluster.mjs"); envs+=(LATCHKEY_WORKERS=2) ;;
    *) log "unknown variant $v"; exit 2 ;;
  esac
  port_free "$port" || { log "port $port is in use"; exit 1; }
  # Login throttling stays on (its counters cost a database upsert per login, as in production) with
  # limits no run reaches: the peer has none, and login_* would measure 429s otherwise.
  (cd "$ROOT" && exec env "${envs[@]}" DATABASE_URL="$DBURL" HOST=127.0.0.1 PORT="$port" DEMO_USER=false \
    LOGIN_THROTTLE_USER=1000000 LOGIN_THROTTLE_IP=1000000 \
    nohup "${cmd[@]}" >"$STATE/$v.log" 2>&1 </dev/null) &
  PID[$v]=$!; URL[$v]=http://127.0.0.1:$port; STARTED+=("$v")
  for _ in $(seq 1 300); do   # up to a minute: a busy host makes tsx and cluster start-ups slow
    curl -sf -o /dev/null --max-time 1 "${URL[$v]}/healthz/" && return 0
    kill -0 "${PID[$v]}" 2>/dev/null || break
    sleep 0.2
  done
  log "$v did not come up; the end of $STATE/$v.log:"; tail -5 "$STATE/$v.log" >&2; exit 1
}

# ---- 1. the peer first: its start.sh installs wrk and PostgreSQL (Debian) and starts the cluster ----
port=$PORT0
declare -A PORT_OF
for v in $VARIANTS; do PORT_OF[$v]=$port; port=$((port + 1)); done
if [[ " $VARIANTS " == *" peer "* ]]; then
  log "starting the DRF peer (PostgreSQL, CONN_MAX_AGE=60, gunicorn 2 sync workers) on ${PORT_OF[peer]}"
  start_peer "${PORT_OF[peer]}"
fi
command -v wrk >/dev/null || { log "wrk is missing (apt-get install wrk)"; exit 1; }

# ---- 2. Latchkey's database, the bench user, the server build ---------------------------------------
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
log "migrating $(echo "$DBURL" | sed 's#//[^@]*@#//#') and resetting the bench user"
FORGED=$(cd "$ROOT" && DATABASE_URL="$DBURL" "$ROOT/node_modules/.bin/tsx" scripts/bench/setup.ts 2>>"$OUT/start.log") \
  || { log "setup failed; see $OUT/start.log"; tail -3 "$OUT/start.log" >&2; exit 1; }
# The test server's start-up (latchkey/testing: in-memory PGlite + migrations + app): printed, not judged.
TESTSERVER=$(cd "$ROOT" && "$ROOT/node_modules/.bin/tsx" --conditions=latchkey-source scripts/bench/test-server-startup.ts 3 2>>"$OUT/start.log") \
  && log "$TESTSERVER" || log "test server start-up not measured; see $OUT/start.log"
# A plain node process running one esbuild bundle of our code (dependencies stay in node_modules): what
# a deployment would run, without tsx's loader and its extra process (the latchkey-tsx variant has them).
rm -rf "$BUILD" && mkdir -p "$BUILD"   # never start a stale build
(cd "$ROOT" && node_modules/.bin/esbuild server/node.ts scripts/bench/cluster.ts --bundle --platform=node \
  --format=esm --target=node20 --packages=external --out-extension:.js=.mjs --outdir="$BUILD" \
  --entry-names='[name]' --log-level=warning)
cp -r "$ROOT/server/db/migrations" "$BUILD/migrations"   # open.ts looks for them beside itself

for v in $VARIANTS; do
  [ "$v" = peer ] && continue
  log "starting $v on ${PORT_OF[$v]}"
  start_latchkey "$v" "${PORT_OF[$v]}"
done

# get_forged: bench.sh's get_invalid with another key, from a copy of bench.sh that reads it from the env.
sed 's/^BADTOKEN=\(.*\)$/BADTOKEN=${BENCH_BADTOKEN:-\1}/' "$PEER/bench.sh" >"$OUT/bench-forged.sh"
cp "$PEER/scenario.lua" "$OUT/scenario.lua"
grep -q 'BENCH_BADTOKEN' "$OUT/bench-forged.sh" || { log "bench.sh changed: get_forged skipped"; SCENARIOS=${SCENARIOS//get_forged/}; }

# ---- 3. the interleaved runs -----------------------------------------------------------------------
n_var=$(echo $VARIANTS | wc -w); n_scen=$(echo $SCENARIOS | wc -w)
dur=${BENCH_DURATION%s}; warm=${BENCH_WARMUP:-2s}; warm=${warm%s}
log "$ROUNDS round(s) x $n_scen scenarios x $n_var servers, ${dur}s + ${warm}s warm-up each:" \
  "about $(( ROUNDS * n_scen * n_var * (dur + warm + 5) / 60 + 1 )) min; raw outputs in $OUT"
BUDGET=$(( ${BENCH_BUDGET_MIN:-25} * 60 )); START=$SECONDS; OVER=""
for r in $(seq 1 "$ROUNDS"); do
  order=$VARIANTS
  [ $((r % 2)) = 0 ] && order=$(echo $VARIANTS | tr ' ' '\n' | tac | tr '\n' ' ')   # alternate who goes first
  for s in $SCENARIOS; do
    for v in $order; do
      f="$OUT/$v-$r-$s.txt"
      if [ -z "$OVER" ] && [ $((SECONDS - START)) -gt "$BUDGET" ]; then   # a busy machine makes bench.sh wait
        OVER=1; export BENCH_QUIET=100000 BENCH_RETRIES=0
        log "over the ${BENCH_BUDGET_MIN:-25} min budget: the rest runs without waiting for a quiet machine or retrying"
      fi
      if [ "$s" = get_forged ]; then
        BENCH_BADTOKEN=$FORGED BENCH_SCENARIOS=get_invalid BENCH_DB_PID=$DBPID \
          bash "$OUT/bench-forged.sh" "${URL[$v]}" "${PID[$v]}" | sed 's/^get_invalid /get_forged  /' >"$f"
      else
        BENCH_SCENARIOS=$s BENCH_DB_PID=$DBPID "$PEER/bench.sh" "${URL[$v]}" "${PID[$v]}" >"$f"
      fi
      log "round $r  $(printf '%-15s' "$v") $(grep -E "^$s " "$f" | cut -c1-80 || echo "$s: no result")"
    done
  done
done

# ---- 4. peak memory, stop, summary ------------------------------------------------------------------
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
echo "# npm run bench  $(date -u +%FT%TZ)  $(nproc) cores  node $(node --version)  wrk -t${BENCH_THREADS:-2} -c${BENCH_CONN:-32} -d$BENCH_DURATION  rounds=$ROUNDS"
"$ROOT/node_modules/.bin/tsx" "$HERE/summarize.ts" "$OUT" $VARIANTS
