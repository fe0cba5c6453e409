#!/bin/sh
# Builds the libFuzzer targets with clang-14 (ASan + UBSan) in build-fuzz/ and
# runs each for SECONDS (default 60) on its seeds, plus the malformed mails of
# ../shared/data when present (read in place, never copied). New corpus
# entries go to build-fuzz/corpus/<name>; crashes to build-fuzz/crashes/.
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
build=${BUILD_DIR:-$root/build-fuzz}
seconds=${SECONDS_PER_TARGET:-${1:-60}}
cmake -S "$root" -B "$build" -G Ninja -DCMAKE_C_COMPILER=clang-14 -DCMAKE_CXX_COMPILER=clang++-14 \
  -DCMAKE_BUILD_TYPE=RelWithDebInfo -DSTOCKTAKE_BUILD_FUZZERS=ON -DSTOCKTAKE_BUILD_TESTS=OFF \
  -DSTOCKTAKE_BUILD_BENCHMARKS=OFF >/dev/null
# Every fuzz/<name>_fuzzer.cc is a target, with its seeds in fuzz/seeds/<name>.
names=$(cd "$root/fuzz" && ls ./*_fuzzer.cc | sed -e 's|^\./||' -e 's|\.cc$||')
targets=$(for name in $names; do printf 'stocktake_fuzz_%s ' "$name"; done)
# shellcheck disable=SC2086
ninja -C "$build" -j2 $targets
malformed=$root/../shared/data/mail/malformed
[ -d "$malformed" ] || echo "run-fuzzers: no $malformed (Patchwork's malformed mails," \
  "see ../shared/data/README.md); fuzzing from fuzz/seeds only"
status=0
for name in $names; do
  seeds=$root/fuzz/seeds/${name%_fuzzer}
  corpus=$build/corpus/$name
  mkdir -p "$corpus" "$build/crashes"
  extra=""
  case $name in
    mbox_fuzzer | mail_message_fuzzer) [ -d "$malformed" ] && extra=$malformed ;;
  esac
  echo "== $name for ${seconds}s"
  "$build/fuzz/stocktake_fuzz_$name" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
    -max_len=65536 -print_final_stats=1 -artifact_prefix="$build/crashes/$name-" \
    "$corpus" "$seeds" $extra 2>&1 | tail -n 25 || status=1
done
exit $status
