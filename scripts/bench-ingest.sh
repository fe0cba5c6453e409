#!/bin/sh
# Runs the ingest benchmarks (mail and git), each with its baseline, in a
# Release build under build-bench/. Fetches nothing; the inputs are named by
# the environment (bench/README.md says how to obtain them):
#   STOCKTAKE_BENCH_MBOX      an mbox, e.g. the virtualization list. When unset
#                             and ../shared/data holds the compressed archive,
#                             it is decompressed once into the build directory.
#   STOCKTAKE_BENCH_XEN_REPO  a clone of the Xen hypervisor's git history.
# A missing input is named with how to get it, the other benchmarks still run,
# and the script exits 2 at the end.
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
build=${BUILD_DIR:-$root/build-bench}
mbox=${STOCKTAKE_BENCH_MBOX:-}
repo=${STOCKTAKE_BENCH_XEN_REPO:-}
archive=$root/../shared/data/mail/virtualization-list/virtualization.lists.linux-foundation.org.0.mbox.xz
missing=0

cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DSTOCKTAKE_BUILD_TESTS=OFF >/dev/null
ninja -C "$build" -j2 stocktake_ingest_mail_bench stocktake_ingest_git_bench stocktake_ingest_store_bench
if [ -z "$mbox" ] && [ -f "$archive" ]; then
  mbox=$build/virtualization.mbox
  if [ ! -f "$mbox" ]; then
    echo "decompressing $archive to $mbox"
    xz -dc "$archive" >"$mbox.part" && mv "$mbox.part" "$mbox"
  fi
fi
if [ -n "$repo" ] && [ ! -d "$repo" ]; then
  echo "bench-ingest: STOCKTAKE_BENCH_XEN_REPO=$repo is not a directory" >&2
  exit 2
fi

if [ -n "$mbox" ]; then
  echo "== mail"
  "$build/bench/stocktake_ingest_mail_bench" "$mbox"
  echo "== mail and git into the store"
  if [ -n "$repo" ]; then
    "$build/bench/stocktake_ingest_store_bench" "$mbox" --git "$repo"
  else
    "$build/bench/stocktake_ingest_store_bench" "$mbox"
  fi
else
  echo "== mail: not run, no mbox: set STOCKTAKE_BENCH_MBOX (see bench/README.md)" >&2
  missing=1
fi
if [ -n "$repo" ]; then
  echo "== git"
  "$build/bench/stocktake_ingest_git_bench" "$repo"
else
  echo "== git: not run, no repository: set STOCKTAKE_BENCH_XEN_REPO to a clone of" \
    "https://xenbits.xen.org/git-http/xen.git (see bench/README.md)" >&2
  missing=1
fi
[ "$missing" -eq 0 ] || exit 2
