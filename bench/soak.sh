#!/usr/bin/env bash
# bench/soak.sh BUILD_DIR - load and soak (issue 8; see bench/README.md).
#
# 1. Finds the maximum submission rate: bench/loadgen in closed loop against a fresh swd.
# 2. Starts another fresh swd and holds it at SOAK_PERCENT of that rate with loadgen's
#    open loop (latency from the scheduled send time: no coordinated omission), in
#    consecutive windows of SOAK_INTERVAL seconds for SOAK_DURATION seconds, printing after
#    each window the rate achieved, p50/p99/max latency, errors, swd's RSS and the size of
#    the database. At the end: p99 and RSS at the start and the end, and the RSS growth.
# Each window is a separate loadgen run, so connections are re-opened every window (a gap
# of about 0.1 s between windows).
#
# It prints figures and the machine; it never decides pass or fail.
#
# Settings (environment):
#   SOAK_DURATION   seconds held                      (default 600)
#   SOAK_INTERVAL   seconds per window / report line  (default 10)
#   SOAK_PERCENT    percent of the maximum rate       (default 70)
#   SOAK_RATE       declarations/s; skips step 1      (default: measured)
#   SOAK_CONNS      connections                       (default 64)
#   SOAK_THREADS    swd --threads                     (default: SOAK_CONNS)
#   SOAK_PROBE      seconds of the closed-loop probe  (default 15)
set -euo pipefail

BUILD=${1:?usage: bench/soak.sh BUILD_DIR}
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/.." && pwd)
SWD=$BUILD/swd
SWCTL=$BUILD/swctl
LOADGEN=$BUILD/bench/loadgen
for b in "$SWD" "$SWCTL" "$LOADGEN"; do
  [ -x "$b" ] || { echo "soak: $b is missing; build first" >&2; exit 2; }
done

DURATION=${SOAK_DURATION:-600}
INTERVAL=${SOAK_INTERVAL:-10}
PERCENT=${SOAK_PERCENT:-70}
CONNS=${SOAK_CONNS:-64}
THREADS=${SOAK_THREADS:-$CONNS}
PROBE=${SOAK_PROBE:-15}
WINDOWS=$(( (DURATION + INTERVAL - 1) / INTERVAL ))

TMP=$(mktemp -d "${TMPDIR:-/tmp}/opensw-soak.XXXXXX")
SWD_PID=
stop_swd() {
  if [ -n "$SWD_PID" ] && kill -0 "$SWD_PID" 2>/dev/null; then
    kill -TERM "$SWD_PID" 2>/dev/null || true
    for _ in $(seq 300); do kill -0 "$SWD_PID" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$SWD_PID" 2>/dev/null || true
    wait "$SWD_PID" 2>/dev/null || true
  fi
  SWD_PID=
}
trap 'stop_swd; rm -rf "$TMP"' EXIT
trap 'exit 130' INT TERM

# start_swd NAME: a fresh data directory with the demo data; sets PORT, TOKEN, SWD_PID
start_swd() {
  local dir=$TMP/$1
  mkdir -p "$dir"
  "$SWCTL" --data "$dir" --ref "$ROOT/data" init >/dev/null
  "$SWCTL" --data "$dir" --ref "$ROOT/data" demo --json >"$dir/accounts.json"
  TOKEN=$(sed -n 's/.*"login":"trader1".*"token":"\([^"]*\)".*/\1/p' "$dir/accounts.json")
  ADMIN=$(sed -n 's/.*"login":"admin".*"token":"\([^"]*\)".*/\1/p' "$dir/accounts.json")
  [ -n "$TOKEN" ] || { echo "soak: no token for trader1" >&2; exit 1; }
  "$SWD" --data "$dir" --listen 127.0.0.1 --port 0 --quiet --threads "$THREADS" \
    --web "$ROOT/web" --docs "$ROOT/docs" 2>"$dir/swd.log" &
  SWD_PID=$!
  PORT=
  for _ in $(seq 100); do
    PORT=$(sed -n 's/.*"port":\([0-9]*\).*/\1/p' "$dir/swd.log" | head -1)
    [ -n "$PORT" ] && break
    kill -0 "$SWD_PID" 2>/dev/null || break
    sleep 0.1
  done
  [ -n "$PORT" ] || { echo "soak: swd did not start" >&2; cat "$dir/swd.log" >&2; exit 1; }
  DATA_DIR=$dir
}

json_num() { sed -n "s/.*\"$1\":\([0-9.]*\).*/\1/p" | head -1; }
rss_kb() { awk '/^VmRSS/ { print $2 }' "/proc/$SWD_PID/status" 2>/dev/null || echo 0; }
mib() { awk -v k="$1" 'BEGIN { printf "%.1f", k / 1024 }'; }

echo "OpenSW soak: ${PERCENT}% of the maximum submission rate for ${DURATION} s, reported every ${INTERVAL} s"
echo "machine: $(nproc) CPUs ($(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)), $(awk '/^MemTotal/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo) RAM, Linux $(uname -r)"
echo "storage: $(df -P "$TMP" | awk 'NR == 2 { print $1 }') $(findmnt -no FSTYPE -T "$TMP" 2>/dev/null)"
echo "swd: $("$SWD" --version 2>/dev/null || echo unknown), --threads $THREADS; loadgen: $CONNS connections, 10-item green declarations, same machine"
echo "date: $(date -u +%Y-%m-%dT%H:%M:%SZ)"

if [ -n "${SOAK_RATE:-}" ]; then
  RATE=$SOAK_RATE
  echo "rate: $RATE declarations/s (SOAK_RATE)"
else
  start_swd probe
  MAX=$(timeout $((PROBE + 120)) "$LOADGEN" --port "$PORT" --token "$TOKEN" --conns "$CONNS" \
    --rate 0 --duration "$PROBE" --warmup 3 --verify 0 --json | json_num decl_per_s)
  stop_swd
  [ -n "$MAX" ] || { echo "soak: the closed-loop probe gave no rate" >&2; exit 1; }
  RATE=$(awk -v m="$MAX" -v p="$PERCENT" 'BEGIN { printf "%d", m * p / 100 }')
  echo "maximum: $MAX declarations/s (closed loop, $PROBE s); soak rate: $RATE declarations/s"
fi

start_swd soak
# Declarations are released only when their duty bill is paid or secured: the demo
# guarantee (10 billion CNY) is used up after about 200,000 of loadgen's declarations, and
# from then on they would wait for payment (loadgen counts that as "green not released").
# A guarantee of 10^14 CNY keeps every one of them in the green channel for the whole run.
curl -sf -o /dev/null -X POST "http://127.0.0.1:$PORT/v1/guarantees" \
  -H "Authorization: Bearer $ADMIN" -H 'Content-Type: application/json' \
  -d '{"number":"G-SOAK","party":"91310000MA1FL0001X","kind":"bank","issuer":"Soak Bank",
       "amount":"100000000000000.00","valid_from":"2026-01-01","valid_to":"2030-12-31"}' ||
  echo "soak: could not add the soak guarantee; declarations may end up awaiting payment"
RSS0=$(rss_kb)
echo
printf '%7s %9s %9s %9s %9s %7s %10s %10s\n' "t (s)" "decl/s" "p50 ms" "p99 ms" "max ms" "errors" "RSS MiB" "db MiB"
printf '%7s %9s %9s %9s %9s %7s %10s %10s\n' 0 - - - - - "$(mib "$RSS0")" \
  "$(du -sk "$DATA_DIR" | awk '{ printf "%.1f", $1 / 1024 }')"
FIRST_P99= LAST_P99= FIRST_RSS= LAST_RSS= PEAK_RSS=0 ERRORS=0 SENT=0
for i in $(seq "$WINDOWS"); do
  line=$(timeout $((INTERVAL + 120)) "$LOADGEN" --port "$PORT" --token "$TOKEN" --conns "$CONNS" \
    --rate "$RATE" --duration "$INTERVAL" --warmup 0 --verify 0 --max-lag "$INTERVAL" --json |
    grep '^{' || true)
  rss=$(rss_kb)
  db=$(du -sk "$DATA_DIR" | awk '{ printf "%.1f", $1 / 1024 }')
  if [ -z "$line" ]; then
    printf '%7s  loadgen gave no figures (swd alive: %s)\n' $((i * INTERVAL)) \
      "$(kill -0 "$SWD_PID" 2>/dev/null && echo yes || echo no)"
    continue
  fi
  rate=$(echo "$line" | json_num decl_per_s)
  p50=$(echo "$line" | json_num p50_ms)
  p99=$(echo "$line" | json_num p99_ms)
  max=$(echo "$line" | json_num max_ms)
  err=$(echo "$line" | json_num errors)
  printf '%7s %9s %9s %9s %9s %7s %10s %10s\n' $((i * INTERVAL)) "$rate" "$p50" "$p99" "$max" \
    "$err" "$(mib "$rss")" "$db"
  [ -n "$FIRST_P99" ] || { FIRST_P99=$p99; FIRST_RSS=$rss; }
  LAST_P99=$p99
  LAST_RSS=$rss
  [ "$rss" -gt "$PEAK_RSS" ] && PEAK_RSS=$rss
  ERRORS=$((ERRORS + ${err%.*}))
  SENT=$(awk -v s="$SENT" -v r="$rate" -v t="$INTERVAL" 'BEGIN { printf "%d", s + r * t }')
done
echo
echo "summary: ${RATE} declarations/s target for ${DURATION} s, about ${SENT} declarations, ${ERRORS} errors"
echo "summary: p99 ${FIRST_P99} ms in the first window, ${LAST_P99} ms in the last"
echo "summary: swd RSS $(mib "$RSS0") MiB idle at start, $(mib "${FIRST_RSS:-0}") MiB after the first window, $(mib "${LAST_RSS:-0}") MiB at the end (peak $(mib "$PEAK_RSS") MiB)"
echo "summary: database $(du -sk "$DATA_DIR" | awk '{ printf "%.1f", $1 / 1024 }') MiB at the end"
