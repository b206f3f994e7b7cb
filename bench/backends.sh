#!/usr/bin/env bash
# bench/backends.sh BUILD_DIR - the submission benchmark (closed loop, 10-item green goods
# declarations, as bench/run.sh) in one run against: SQLite; PostgreSQL with one swd node;
# PostgreSQL with two swd nodes behind nginx. Prints the three figures side by side.
#
# PostgreSQL is a throwaway cluster (tests/pg/cluster.mjs, with PG_DURABLE=1: fsync and
# synchronous_commit on, as in production), removed at the end with everything else.
# Settings (environment): BENCH_DURATION (10), BENCH_WARMUP (2), BENCH_CONNS (64),
# BENCH_THREADS (per node, default BENCH_CONNS).
set -euo pipefail

BUILD=${1:?usage: bench/backends.sh BUILD_DIR}
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/.." && pwd)
SWD=$BUILD/swd
SWCTL=$BUILD/swctl
LOADGEN=$BUILD/bench/loadgen
NGINX=$(command -v nginx || echo /usr/sbin/nginx)
for b in "$SWD" "$SWCTL" "$LOADGEN" "$NGINX"; do
  [ -x "$b" ] || { echo "bench: $b is missing (build first; nginx: scripts/install-deps.sh)" >&2; exit 2; }
done
DURATION=${BENCH_DURATION:-10}
WARMUP=${BENCH_WARMUP:-2}
CONNS=${BENCH_CONNS:-64}
THREADS=${BENCH_THREADS:-$CONNS}
LG_TIMEOUT=$((DURATION + WARMUP + 120))

. "$HERE/lib.sh"
TMP=$(mktemp -d "${TMPDIR:-/tmp}/opensw-backends.XXXXXX")
chmod 755 "$TMP"
PIDS=()
PG_STARTED=
cleanup() {
  for p in "${PIDS[@]}"; do stop_pid "$p"; done
  [ -n "$PG_STARTED" ] && node "$ROOT/tests/pg/cluster.mjs" stop "$TMP/pg" >/dev/null 2>&1 || true
  rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# prepare NAME [DB_URL]: schema and demo data; sets TOKEN.
prepare() {
  local dir=$TMP/$1 db=()
  mkdir -p "$dir"
  [ -n "${2:-}" ] && db=(--db "$2")
  "$SWCTL" --data "$dir" "${db[@]}" --ref "$ROOT/data" init >/dev/null
  TOKEN=$(token_of trader1 "$("$SWCTL" --data "$dir" "${db[@]}" --ref "$ROOT/data" demo --json)")
  [ -n "$TOKEN" ] || { echo "bench: no token for trader1" >&2; exit 1; }
}

# node NAME [DB_URL]: starts one swd; sets PORT.
node_start() {
  local dir=$TMP/$1 db=() log
  [ -n "${2:-}" ] && db=(--db "$2")
  log="$dir/swd-$RANDOM.log"
  "$SWD" --data "$dir" "${db[@]}" --listen 127.0.0.1 --port 0 --quiet --threads "$THREADS" 2>"$log" &
  PIDS+=($!)
  PORT=$(wait_port "$log" "$!")
  [ -n "$PORT" ] || { echo "bench: swd did not start:" >&2; cat "$log" >&2; exit 1; }
}

# balancer PORT...: nginx in front of the given swd ports; sets PORT to its own.
balancer() {
  local dir=$TMP/nginx servers="" p
  mkdir -p "$dir"/{body,proxy,fastcgi,uwsgi,scgi}
  chmod 777 "$dir"/*
  for p in "$@"; do servers+="server 127.0.0.1:$p; "; done
  PORT=$(node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')
  cat >"$dir/nginx.conf" <<CONF
$([ "$(id -u)" -eq 0 ] && echo "user root;")
worker_processes auto;
daemon off;
pid $dir/nginx.pid;
error_log $dir/error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  client_body_temp_path $dir/body; proxy_temp_path $dir/proxy; fastcgi_temp_path $dir/fastcgi;
  uwsgi_temp_path $dir/uwsgi; scgi_temp_path $dir/scgi;
  upstream opensw { $servers keepalive 128; }
  server {
    listen 127.0.0.1:$PORT;
    location / {
      proxy_pass http://opensw;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
    }
  }
}
CONF
  "$NGINX" -p "$dir" -c "$dir/nginx.conf" &
  PIDS+=($!)
  for _ in $(seq 50); do
    curl -fs "http://127.0.0.1:$PORT/healthz" >/dev/null 2>&1 && return
    sleep 0.1
  done
  echo "bench: nginx did not start" >&2
  cat "$dir/error.log" >&2
  exit 1
}

# measure NAME: one closed-loop loadgen run against PORT; the result line goes to RESULTS.
RESULTS=()
measure() {
  local name=$1 out=$TMP/$1.loadgen
  echo
  echo "== $name: closed loop, $CONNS connections, $THREADS threads per node"
  timeout "$LG_TIMEOUT" "$LOADGEN" --port "$PORT" --token "$TOKEN" --duration "$DURATION" \
    --warmup "$WARMUP" --conns "$CONNS" --rate 0 --verify 0 | tee "$out" || echo "bench: loadgen failed"
  RESULTS+=("$(awk -v n="$name" '
    /^declarations\/s/ { rate = $2 }
    /^latency/ { for (i = 1; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] } }
    /^errors/ { err = $2 }
    END { printf "| %s | %s | %s ms | %s ms | %s |", n, rate, v["p50"], v["p99"], err == "" ? 0 : err }' "$out")")
}

echo "OpenSW submission benchmark: SQLite, PostgreSQL 1 node, PostgreSQL 2 nodes"
machine "$TMP" "$SWD"

prepare sqlite
node_start sqlite
measure "SQLite, 1 node"
stop_pid "${PIDS[-1]}"

PG_DURABLE=1 node "$ROOT/tests/pg/cluster.mjs" start "$TMP/pg" >/dev/null
PG_STARTED=1
PGURL=$(cat "$TMP/pg/url")
psql "$PGURL/postgres" -X -q -c "CREATE DATABASE bench1" -c "CREATE DATABASE bench2"

prepare pg1 "$PGURL/bench1"
node_start pg1 "$PGURL/bench1"
measure "PostgreSQL, 1 node"
stop_pid "${PIDS[-1]}"

prepare pg2 "$PGURL/bench2"
node_start pg2 "$PGURL/bench2"
A=$PORT
node_start pg2 "$PGURL/bench2"
balancer "$A" "$PORT"
measure "PostgreSQL, 2 nodes + nginx"

echo
echo "| backend | declarations/s | p50 | p99 | errors |"
echo "|---|---:|---:|---:|---:|"
printf '%s\n' "${RESULTS[@]}"
