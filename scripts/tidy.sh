#!/usr/bin/env bash
# Runs clang-tidy-14 with the project's .clang-tidy over the C++ files of
# src/ and cli/ (or the folders given), using build/compile_commands.json,
# which CMake writes (CMAKE_EXPORT_COMPILE_COMMANDS). Not part of test.sh:
# it takes minutes. Exits non-zero when clang-tidy reports anything; the full
# output is kept in build/tidy.log and the findings in build/tidy.log.findings.
#   scripts/tidy.sh                 # src/ and cli/
#   scripts/tidy.sh tests bench     # other folders
#   JOBS=1 BUILD_DIR=... scripts/tidy.sh
set -euo pipefail
cd "$(dirname "$0")/.."
build=${BUILD_DIR:-build}
tidy=$(command -v clang-tidy-14 || true)
runner=$(command -v run-clang-tidy-14 || true)
if [ -z "$tidy" ] || [ -z "$runner" ]; then
  echo "tidy: clang-tidy-14 is not installed (apt-get install clang-tidy-14)" >&2
  exit 2
fi
if [ ! -f "$build/compile_commands.json" ]; then
  echo "tidy: no $build/compile_commands.json: configure first (scripts/setup.sh)" >&2
  exit 2
fi
folders=("$@")
[ ${#folders[@]} -gt 0 ] || folders=(src cli)
# run-clang-tidy takes regular expressions of file paths.
pattern=$(printf '|%s/' "${folders[@]}")
pattern="$(pwd)/(${pattern:1}).*\\.cc$"
# The whole output, colour codes removed, stays in $build/tidy.log.
log=$build/tidy.log
"$runner" -clang-tidy-binary "$tidy" -p "$build" -j "${JOBS:-$(nproc)}" -quiet "$pattern" 2>&1 |
  sed 's/\x1b\[[0-9;]*m//g' >"$log" || true
# Print each finding once (a header's findings repeat for every file that includes it).
grep -E '^/.*: (warning|error): ' "$log" | sort -u >"$log.findings" || true
cat "$log.findings"
count=$(wc -l <"$log.findings")
if grep -q 'error: .*\[clang-diagnostic-error\]' "$log"; then
  echo "tidy: clang-tidy could not compile some files; see above" >&2
fi
echo "tidy: $count finding(s) in ${folders[*]}"
[ "$count" -eq 0 ]
