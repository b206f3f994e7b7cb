#!/usr/bin/env bash
# bench/edi_bench.sh [BUILD_DIR] - EDIFACT parser and validator throughput, side by side with
# the npm `edifact` parser on the same files, and peak RSS at 1x, 10x and 100x the stress
# file (one stream). Installs `edifact` into bench/node_modules on first use (npm). Prints
# figures and the machine; never decides pass or fail. Not part of `make test`.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/.." && pwd)
BUILD=${1:-$ROOT/build}
BIN=$BUILD/edi_bench
DATA=$ROOT/tests/data/edifact
if [ ! -x "$BIN" ]; then
  echo "edi_bench: $BIN is missing; build first (make build, or cmake --build $BUILD)" >&2
  exit 2
fi
if [ ! -d "$HERE/node_modules/edifact" ]; then
  npm install --prefix "$HERE" --no-save --no-package-lock --no-audit --no-fund edifact >/dev/null
fi
FILES=(stress/pydifact_huge_file2.edi
       customs/smooks_cusdec_d96b_ncts_cd001a.edi
       customs/smooks_cuscar_d99a_scprbl_2msgs.edi
       customs/milyn_cusrep_d03b_cbp_ace.edi
       syntax-edgecases/phpedifact_orders_d01b_eancom_latin1_ok.edi)
paths=()
for f in "${FILES[@]}"; do paths+=("$DATA/$f"); done

echo "machine: $(nproc) CPU, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ //'),"\
     "load average $(cut -d' ' -f1-3 /proc/loadavg), $(uname -sr), node $(node --version)"
echo "build: $(grep -m1 CMAKE_BUILD_TYPE "$BUILD/CMakeCache.txt" | cut -d= -f2)"
echo
ours=$("$BIN" "${paths[@]}")
npm_out=$(node "$HERE/edi_npm.mjs" "${paths[@]}")
printf '%-50s %9s %12s %12s %12s %8s\n' file bytes "parse MB/s" "+valid MB/s" "npm MB/s" "parse/npm"
while read -r name bytes parse valid; do
  [ "$name" = file ] && continue
  npm=$(awk -v n="$name" '$1 == n { print $2 }' <<<"$npm_out")
  ratio=$(awk -v a="$parse" -v b="$npm" 'BEGIN { if (b > 0) printf "%.1fx", a / b; else print "-" }')
  printf '%-50s %9s %12s %12s %12s %8s\n' "$name" "$bytes" "$parse" "$valid" "${npm:--}" "$ratio"
done <<<"$ours"
echo
echo "memory, parse + validation streamed in 64 KiB reads (the stress file N times, one stream):"
for n in 1 10 100; do "$BIN" --rss "$n" "$DATA/stress/pydifact_huge_file2.edi"; done
