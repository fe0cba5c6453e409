#!/bin/sh
# Runs the ingest benchmarks (mail and git), each with its baseline, in a
# Release build under build-bench/. Fetches nothing: the mail archive is
# decompressed from ../shared/data to /tmp if missing, and the git benchmark
# reads the Xen mirror brought by the `fetch` tool (skipped when absent).
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
build=${BUILD_DIR:-$root/build-bench}
mbox=${MBOX:-/tmp/virtualization.mbox}
repo=${XEN_REPO:-/work/.mirror/xen-project+xen/repo}
archive=$root/../shared/data/mail/virtualization-list/virtualization.lists.linux-foundation.org.0.mbox.xz

if [ ! -f "$mbox" ]; then
  echo "decompressing $archive to $mbox"
  xz -dc "$archive" > "$mbox.part" && mv "$mbox.part" "$mbox"
fi
cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DSTOCKTAKE_BUILD_TESTS=OFF >/dev/null
ninja -C "$build" -j2 stocktake_ingest_mail_bench stocktake_ingest_git_bench stocktake_ingest_store_bench
echo "== mail"
"$build/bench/stocktake_ingest_mail_bench" "$mbox"
echo "== mail and git into the store"
if [ -d "$repo" ]; then
  "$build/bench/stocktake_ingest_store_bench" "$mbox" --git "$repo"
else
  "$build/bench/stocktake_ingest_store_bench" "$mbox"
fi
if [ -d "$repo" ]; then
  echo "== git"
  "$build/bench/stocktake_ingest_git_bench" "$repo"
else
  echo "== git: skipped, no repository at $repo (fetch github:xen-project/xen)"
fi
