# bench/lib.sh - shell helpers shared by the benchmark scripts (sourced, not run).

# stop_pid PID: SIGTERM, up to 15 s for a clean exit, then SIGKILL.
stop_pid() {
  local pid=$1
  if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 150); do
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.1
    done
    kill -KILL "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  fi
}

# Busy and total jiffies of the whole machine, from /proc/stat.
cpu_jiffies() { awk '/^cpu / { b = $2 + $3 + $4 + $7 + $8; print b, b + $5 + $6 }' /proc/stat; }
proc_jiffies() { awk '{ print $14 + $15 }' "/proc/$1/stat" 2>/dev/null || echo 0; }

# machine DIR SWD: what the figures were measured on.
machine() {
  local model mem
  model=$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)
  mem=$(awk '/^MemTotal/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo)
  echo "machine: $(nproc) CPUs ($model), $mem RAM, Linux $(uname -r), $(uname -m)"
  echo "storage: $(df -P "$1" | awk 'NR == 2 { print $1 }') $(findmnt -no FSTYPE,OPTIONS -T "$1" 2>/dev/null | cut -c1-60)"
  echo "swd: $("$2" --version 2>/dev/null || echo unknown), loadgen on the same machine"
  echo "date: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
}

# wait_port LOG PID: the port swd printed in its log ("port":N), empty if it died first.
wait_port() {
  local port=
  for _ in $(seq 100); do
    port=$(sed -n 's/.*"port":\([0-9]*\).*/\1/p' "$1" | head -1)
    [ -n "$port" ] && break
    kill -0 "$2" 2>/dev/null || break
    sleep 0.1
  done
  echo "$port"
}

# token_of LOGIN ACCOUNTS_JSON: a demo account's API token from `swctl demo --json`.
token_of() { echo "$2" | sed -n "s/.*\"login\":\"$1\".*\"token\":\"\([^\"]*\)\".*/\1/p"; }
