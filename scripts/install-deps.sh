#!/usr/bin/env bash
# Installs the Debian 12 packages OpenSW needs to build, run and test, when missing.
set -euo pipefail
pkgs=(build-essential cmake pkg-config libmicrohttpd-dev libjansson-dev libsqlite3-dev
      libsodium-dev libcmocka-dev sqlite3 curl chromium
      libjemalloc-dev  # swd's allocator (many worker threads allocate at once)
      libpq-dev postgresql-client postgresql-15  # the PostgreSQL backend and its api-pg tests
      nginx-light  # the load balancer of the multi-node test (tests/api/multinode.test.mjs)
      clang libclang-rt-14-dev)  # clang + libFuzzer runtime: the fuzz targets (tests/fuzz)
missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
command -v node >/dev/null 2>&1 || missing+=(nodejs)
command -v npm >/dev/null 2>&1 || missing+=(npm)
[ ${#missing[@]} -eq 0 ] && exit 0
echo "installing: ${missing[*]}"
sudo=""
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null || { echo "need root or sudo to install: ${missing[*]}" >&2; exit 1; }
  sudo="sudo"
fi
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
