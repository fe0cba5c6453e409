#!/usr/bin/env bash
# Installs what Stocktake needs from Debian's packages (only what is missing)
# and builds it into ./build with Ninja and ccache.
#   scripts/setup.sh                     # RelWithDebInfo build of everything
#   TARGETS=stocktake scripts/setup.sh   # only the binary
#   BUILD_DIR=... scripts/setup.sh
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(
  build-essential cmake ninja-build ccache pkg-config git python3 python3-yaml
  python3-jsonschema xz-utils
  libsqlite3-dev sqlite3 libsoci-dev libboost1.81-dev libpq-dev
  libgmime-3.0-dev libre2-dev liblzma-dev zlib1g-dev
  libcli11-dev libfmt-dev nlohmann-json3-dev libyaml-cpp-dev libexpected-dev libssl-dev libsodium-dev
  libgtest-dev libgmock-dev libbenchmark-dev clang-format-14 universal-ctags
  postgresql curl
)
missing=()
for package in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" ||
    missing+=("$package")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing ${missing[*]}"
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends \
    "${missing[@]}" >/dev/null
fi

build_dir="${BUILD_DIR:-build}"
export CCACHE_DIR="${CCACHE_DIR:-$HOME/.cache/ccache}"
cmake -S . -B "$build_dir" -G Ninja -DCMAKE_CXX_COMPILER_LAUNCHER=ccache \
  -DSTOCKTAKE_WARNINGS_AS_ERRORS="${STOCKTAKE_WARNINGS_AS_ERRORS:-OFF}" "$@" >/dev/null
# shellcheck disable=SC2086
ninja -C "$build_dir" -j"$(nproc)" ${TARGETS:-}
