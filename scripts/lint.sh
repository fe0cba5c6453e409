#!/usr/bin/env bash
# House rules that a compiler does not check: LF line endings, a final
# newline, no trailing white space, every *_test.cc registered in CMake,
# clang-format (the pinned clang-format-14) on every C++ file, includes
# that point down the layers only (scripts/check-includes.sh), and no
# std::regex in the product.
set -uo pipefail
cd "$(dirname "$0")/.."
problems=0
report() {
  echo "lint: $*"
  problems=$((problems + 1))
}

while IFS= read -r -d '' file; do
  case "$file" in
    *.png | *.xz | *.gz) continue ;;
  esac
  [ -s "$file" ] || continue
  if grep -q $'\r' "$file"; then report "$file: CRLF line endings"; fi
  if [ "$(tail -c 1 "$file" | od -An -c | tr -d ' ')" != '\n' ]; then
    report "$file: no newline at the end"
  fi
  if grep -nE '[[:space:]]+$' "$file" | head -1 | grep -q .; then
    report "$file:$(grep -nE '[[:space:]]+$' "$file" | head -1 | cut -d: -f1): trailing white space"
  fi
done < <(git ls-files -z -- '*.cc' '*.h' '*.cmake' '*.txt' '*.md' '*.sh' '*.yaml' '*.sql' '*.py' '.ci/*')

cmake_lists=$(git ls-files -- '*CMakeLists.txt')
for test in $(git ls-files -- '*_test.cc'); do
  name=$(basename "$test")
  # shellcheck disable=SC2086
  grep -q "$name" $cmake_lists || report "$test is not registered in any CMakeLists.txt"
done

format=$(command -v clang-format-14 || command -v clang-format || true)
if [ -n "$format" ]; then
  for file in $(git ls-files -- '*.cc' '*.h'); do
    "$format" --dry-run -Werror "$file" >/dev/null 2>&1 || report "$file: not clang-formatted"
  done
else
  report "clang-format is not installed"
fi

if ! includes=$(scripts/check-includes.sh 2>&1); then
  while IFS= read -r line; do
    report "$line"
  done <<<"${includes:-scripts/check-includes.sh failed}"
fi
# Patterns from files and mail are matched by RE2 in linear time (issue 12):
# std::regex backtracks and recurses, so it stays out of the product.
for file in $(git ls-files -- 'src/*.cc' 'src/*.h' 'include/*.h' 'cli/*.cc' 'cli/*.h' |
  grep -v '_test\.cc$'); do
  if grep -nE 'std::regex|#include <regex>' "$file" | head -1 | grep -q .; then
    report "$file:$(grep -nE 'std::regex|#include <regex>' "$file" | head -1 | cut -d: -f1): std::regex; use RE2 (stocktake/util/pattern.h)"
  fi
done
scripts/check-function-size.sh || report "a function in src/ or cli/ is over 100 lines (listed above)"

if [ "$problems" -eq 0 ]; then
  echo "lint: clean"
fi
exit $((problems > 0))
