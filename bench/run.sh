#!/usr/bin/env bash
# bench/run.sh BUILD_DIR - the submission benchmark (see bench/README.md).
#
# Builds nothing: it needs BUILD_DIR/swd, BUILD_DIR/swctl and BUILD_DIR/bench/loadgen.
# For each phase it creates a fresh data directory (swctl init + demo), starts swd on
# 127.0.0.1 with a free port, runs bench/loadgen against it, prints the store's commit
# batch sizes, and stops swd. Everything lives in one temporary directory that is removed
# on exit. It prints figures and the machine; it never decides pass or fail.
#
# Settings (environment):
#   BENCH_DURATION  measured seconds per phase          (default 10)
#   BENCH_WARMUP    warm-up seconds per phase           (default 2)
#   BENCH_CONNS     closed-loop connections             (default 64)
#   BENCH_THREADS   swd --threads                       (default 4)
#   BENCH_RATE      open-loop declarations/s            (default 2000)
#   BENCH_OPEN_CONNS open-loop connections              (default 64)
#   BENCH_PHASES    which phases, any of "closed open"  (default "closed open")
set -euo pipefail

BUILD=${1:?usage: bench/run.sh BUILD_DIR}
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/.." && pwd)
SWD=$BUILD/swd
SWCTL=$BUILD/swctl
LOADGEN=$BUILD/bench/loadgen
for b in "$SWD" "$SWCTL" "$LOADGEN"; do
  if [ ! -x "$b" ]; then
    echo "bench: $b is missing; build first (make build, or cmake --build $BUILD)" >&2
    exit 2
  fi
done

DURATION=${BENCH_DURATION:-10}
WARMUP=${BENCH_WARMUP:-2}
CONNS=${BENCH_CONNS:-64}
THREADS=${BENCH_THREADS:-4}
RATE=${BENCH_RATE:-2000}
OPEN_CONNS=${BENCH_OPEN_CONNS:-64}
PHASES=${BENCH_PHASES:-closed open}
# a hard bound on every loadgen run, so the script always ends by itself
LG_TIMEOUT=$(awk -v d="$DURATION" -v w="$WARMUP" 'BEGIN { printf "%d", d + w + 120 }')

TMP=$(mktemp -d "${TMPDIR:-/tmp}/opensw-bench.XXXXXX")
SWD_PID=

. "$HERE/lib.sh"

stop_swd() {
  stop_pid "$SWD_PID"
  SWD_PID=
}
cleanup() {
  stop_swd
  rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# start_swd NAME: a fresh data directory with the demo data; sets PORT, TOKEN, SWD_PID.
start_swd() {
  local dir=$TMP/$1
  mkdir -p "$dir"
  "$SWCTL" --data "$dir" --ref "$ROOT/data" init >/dev/null
  local accounts
  accounts=$("$SWCTL" --data "$dir" --ref "$ROOT/data" demo --json)
  TOKEN=$(token_of trader1 "$accounts")
  ADMIN_TOKEN=$(token_of admin "$accounts")
  if [ -z "$TOKEN" ]; then
    echo "bench: no token for trader1 from swctl demo" >&2
    exit 1
  fi
  "$SWD" --data "$dir" --listen 127.0.0.1 --port 0 --quiet --threads "$THREADS" \
    2>"$dir/swd.log" &
  SWD_PID=$!
  PORT=$(wait_port "$dir/swd.log" "$SWD_PID")
  if [ -z "$PORT" ]; then
    echo "bench: swd did not start:" >&2
    cat "$dir/swd.log" >&2
    exit 1
  fi
}

batch_sizes() {
  "$LOADGEN" --port "$PORT" --token "$ADMIN_TOKEN" --fetch /metrics | awk '
    /^sw_store_commits_total/ { commits = $2 }
    /^sw_store_write_jobs_total/ { jobs = $2 }
    /^sw_store_commit_batch_size_bucket/ {
      match($0, /le="[^"]*"/); le = substr($0, RSTART + 4, RLENGTH - 5)
      n = $2 - prev; prev = $2
      if (n > 0) hist = hist sprintf(" <=%s:%d", le, n)
    }
    END {
      printf "store commits          %d transactions for %d jobs (mean batch %.1f)\n",
             commits, jobs, commits ? jobs / commits : 0
      printf "commit batch sizes    %s\n", hist
    }'
}

# phase NAME TITLE LOADGEN-ARGS...
phase() {
  local name=$1 title=$2
  shift 2
  echo
  echo "== $title"
  start_swd "$name"
  echo "swd --threads $THREADS, load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
  local m0 p0 m1 p1
  m0=$(cpu_jiffies)
  p0=$(proc_jiffies "$SWD_PID")
  timeout "$LG_TIMEOUT" "$LOADGEN" --port "$PORT" --token "$TOKEN" --duration "$DURATION" \
    --warmup "$WARMUP" "$@" | tee "$TMP/$name/loadgen.out" || echo "bench: loadgen failed"
  m1=$(cpu_jiffies)
  p1=$(proc_jiffies "$SWD_PID")
  batch_sizes
  # CPU seconds over the whole phase (warm-up, window, read-back), per process
  local lg
  lg=$(awk '/^loadgen cpu/ { print $3 }' "$TMP/$name/loadgen.out")
  echo "$m0 $m1 $p0 $p1 $(getconf CLK_TCK) ${lg:-0} $(nproc)" | awk '{
      busy = ($3 - $1) / $7; total = ($4 - $2) / $7; swd = ($6 - $5) / $7; lg = $8
      wall = total / $9; other = busy - swd - lg; if (other < 0) other = 0
      printf "cpu during the phase   %.1f s wall: swd %.2f s, loadgen %.2f s, other processes %.2f s (machine %.0f%% busy)\n",
             wall, swd, lg, other, total ? 100 * busy / total : 0 }'
  stop_swd
}

echo "OpenSW submission benchmark"
machine "$TMP" "$SWD"
for p in $PHASES; do
  case $p in
  closed)
    phase closed "closed loop: $CONNS connections, maximum rate, 10-item green declarations" \
      --conns "$CONNS" --rate 0 ;;
  open)
    phase open "open loop: $RATE declarations/s over $OPEN_CONNS connections, 10-item green declarations" \
      --conns "$OPEN_CONNS" --rate "$RATE" ;;
  *) echo "bench: unknown phase $p" >&2 ;;
  esac
done
