#!/usr/bin/env bash
# bench/crash.sh BUILD_DIR - the long crash-durability run (issue 8; see bench/README.md).
#
# Runs tests/api/reliability-crash.test.mjs with many rounds: each round, concurrent
# keep-alive clients submit declarations (then: draw on a permit while officers approve
# and traders cancel; then: a bank confirms payments), swd is killed with SIGKILL at a
# random moment, the files are checked as the crash left them (PRAGMA integrity_check,
# foreign_key_check, swctl audit verify) and swd is restarted on the same data directory.
# After every round every acknowledged declaration must be there, identical; nothing
# unsent, nothing twice; the permit ledger and the payment books must balance.
#
# Unlike the other benchmarks this one does decide: it exits non-zero when anything was
# lost or doubled (the test fails). It prints the figures for bench/README.md.
#
# Settings (environment):
#   CRASH_ROUNDS       kills per scenario                 (default 20)
#   CRASH_CLIENTS      submitting clients, first scenario (default 8)
#   CRASH_KILL_MAX_MS  latest kill, ms after the first acknowledgement (default 2000)
set -euo pipefail

BUILD=${1:?usage: bench/crash.sh BUILD_DIR}
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/.." && pwd)
BUILD=$(cd "$BUILD" && pwd)
for b in "$BUILD/swd" "$BUILD/swctl"; do
  [ -x "$b" ] || { echo "crash: $b is missing; build first" >&2; exit 2; }
done
command -v sqlite3 >/dev/null || { echo "crash: sqlite3 is missing (scripts/install-deps.sh)" >&2; exit 2; }

export SWD=$BUILD/swd SWCTL=$BUILD/swctl SW_SOURCE_DIR=$ROOT
export SW_CRASH_ROUNDS=${CRASH_ROUNDS:-20}
export SW_CRASH_CLIENTS=${CRASH_CLIENTS:-8}
export SW_CRASH_KILL_MAX_MS=${CRASH_KILL_MAX_MS:-2000}

OUT=$(mktemp "${TMPDIR:-/tmp}/opensw-crash.XXXXXX")
trap 'rm -f "$OUT"' EXIT

echo "OpenSW crash durability: $SW_CRASH_ROUNDS SIGKILL rounds per scenario, $SW_CRASH_CLIENTS clients"
echo "machine: $(nproc) CPUs ($(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)), $(awk '/^MemTotal/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo) RAM, Linux $(uname -r)"
echo "storage: $(df -P "${TMPDIR:-/tmp}" | awk 'NR == 2 { print $1 }') $(findmnt -no FSTYPE -T "${TMPDIR:-/tmp}" 2>/dev/null)"
echo "swd: $("$SWD" --version 2>/dev/null || echo unknown); date: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
echo
rc=0
# a hard bound on the whole run (each round is seconds; the test's own timeout is 10 min)
timeout 3600 node --test --test-reporter=spec --test-timeout=1800000 \
  "$ROOT/tests/api/reliability-crash.test.mjs" >"$OUT" 2>&1 || rc=$?
grep -E '^(crash:|✔|✖)' "$OUT" || true
if [ "$rc" -ne 0 ]; then
  echo
  echo "crash: FAILED (exit $rc); the test's output:"
  cat "$OUT"
fi
exit "$rc"
