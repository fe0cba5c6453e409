#!/usr/bin/env bash
# Fails when a function in src/ or cli/ is longer than 100 lines (issue 7),
# printing FILE:LINE NAME LENGTH for each, longest first. Lengths come from
# universal-ctags (its end: field), over C++ files only: lambdas count as
# functions of their own, and SQL or other files are ignored.
#   scripts/check-function-size.sh            # the limit, 100 lines
#   MAX_LINES=60 scripts/check-function-size.sh
set -uo pipefail
cd "$(dirname "$0")/.."
max="${MAX_LINES:-100}"

ctags=$(command -v ctags-universal || command -v universal-ctags || command -v ctags || true)
if [ -z "$ctags" ] || ! "$ctags" --version 2>/dev/null | grep -q "Universal Ctags"; then
  echo "check-function-size: universal-ctags is not installed (apt-get install universal-ctags)"
  exit 2
fi

long=$("$ctags" -x --languages=C++ --kinds-c++=f --fields=+e --_xformat='%{end} %n %F %N' -R \
  cli src | awk -v max="$max" '$1 ~ /^[0-9]+$/ { length_ = $1 - $2 + 1
    if (length_ > max) print $3 ":" $2, $4, length_ }' | sort -k3,3nr -k1,1)

if [ -n "$long" ]; then
  echo "check-function-size: functions over $max lines (FILE:LINE NAME LENGTH):"
  echo "$long"
  exit 1
fi
echo "check-function-size: no function in src/ or cli/ is over $max lines"
