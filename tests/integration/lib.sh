# Shared by the integration scripts: source it with the binary's path as $1.
# Sets $stocktake, $root (the project), $work (a temporary directory, removed
# on exit, also $HOME so no user configuration leaks in) and the helpers below.
set -uo pipefail
stocktake=$(realpath "$1")
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work" || exit 1
export HOME="$work"
unset STOCKTAKE_DB STOCKTAKE_NOW

passed=0
failed=0
check() {  # check NAME COMMAND... : the command must succeed
  local name=$1
  shift
  if "$@"; then
    passed=$((passed + 1))
  else
    failed=$((failed + 1))
    echo "FAIL: $name"
  fi
}
exit_is() {  # exit_is CODE COMMAND... : stdout kept in $work/out, stderr in $work/err
  local want=$1
  shift
  "$@" >"$work/out" 2>"$work/err"
  local got=$?
  [ "$got" -eq "$want" ] || { echo "  exit $got, wanted $want: $*; stderr: $(cat "$work/err")"; return 1; }
}
json_ok() { python3 -c 'import json,sys; json.load(sys.stdin)' <"$work/out"; }
json_has() { python3 -c "import json,sys; d=json.load(sys.stdin); assert $1, d" <"$work/out"; }
json_get() { python3 -c "import json,sys; print(json.load(sys.stdin)$1)" <"$work/out"; }
err_has() { grep -q -- "$1" "$work/err" || { echo "  stderr lacks '$1': $(cat "$work/err")"; return 1; }; }
out_has() { grep -q -- "$1" "$work/out" || { echo "  stdout lacks '$1'"; return 1; }; }
# The real corpora of ../shared/data (see its README), which only the project's
# own machines have: a script that needs one exits 77, which CTest reports as
# skipped, naming what is missing and where it comes from.
shared="$root/../shared"
require_shared() {  # require_shared RELATIVE-PATH ORIGIN
  [ -e "$shared/$1" ] && return 0
  echo "SKIP: needs ../shared/$1 beside the project: $2, kept outside the repository" \
    "(see ../shared/data/README.md); not present here"
  exit 77
}
finish() {  # prints the closing line CTest logs show and exits with the verdict
  echo "$passed passed, $failed failed"
  [ "$failed" -eq 0 ]
}
