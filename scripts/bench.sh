#!/bin/sh
# Runs every benchmark in a Release build (build-bench/), each printing a ratio
# against its baseline measured in the same run:
#   planning:    10,000 features and 100,000 events: import; report now, as of
#                the middle of the history and with changes since; check
#   concurrency: 2, 4 and 8 processes making 200 `feature set` changes each,
#                writes/s and lost updates
#   ingest:      scripts/bench-ingest.sh (mail archive, Xen git history)
#   serve:       scripts/bench-serve.sh (wrk against stocktake serve and nginx)
# Usage: scripts/bench.sh [planning|concurrency|ingest|serve|all]
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
build=${BUILD_DIR:-$root/build-bench}
what=${1:-all}
cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DSTOCKTAKE_BUILD_TESTS=OFF \
  -DCMAKE_CXX_COMPILER_LAUNCHER=ccache >/dev/null
if [ "$what" = planning ] || [ "$what" = all ]; then
  ninja -C "$build" -j2 stocktake_planning_bench >/dev/null
  echo "== planning"
  "$build/bench/stocktake_planning_bench" 10000 15
fi
if [ "$what" = concurrency ] || [ "$what" = all ]; then
  ninja -C "$build" -j2 stocktake_concurrency_bench >/dev/null
  echo "== concurrency"
  "$build/bench/stocktake_concurrency_bench" 200
fi
if [ "$what" = serve ] || [ "$what" = all ]; then
  echo "== serve"
  BUILD_DIR="$build" "$root/scripts/bench-serve.sh"
fi
if [ "$what" = ingest ] || [ "$what" = all ]; then
  BUILD_DIR="$build" "$root/scripts/bench-ingest.sh"
fi
