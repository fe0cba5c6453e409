#!/usr/bin/env bash
# Issue 12, item 4, at the binary: a line break in an argument that becomes a
# one-line field (a title, a version, a reason, who acts) is refused before
# anything is written, so it can forge no report line and no mail header.
#   tests/integration/hostile_arguments.sh path/to/stocktake
# shellcheck source=tests/integration/lib.sh
source "$(dirname "$0")/lib.sh" "$1"
export STOCKTAKE_NOW=2013-01-21 STOCKTAKE_DB="$work/st.db"
manager=george.dunlap@eu.citrix.com
check "import" exit_is 0 "$stocktake" --as admin@example.org import "$root/examples/xen-4.3.yaml"
before=$(sha256sum <st.db)

check "--as with a line break: refused" exit_is 2 "$stocktake" --as $'a@example.org\nBcc: x@example.org' \
  report 4.3 --format email
check "--as with a line break: says so" err_has "--as: an e-mail address is one line"
check "a title with a line break: refused" exit_is 2 "$stocktake" --as "$manager" feature add \
  $'New\n== Finished features ==' --release 4.3
check "a title with a line break: says so" err_has "the title is one line: remove the line break"
check "a reason with a line break: refused" exit_is 2 "$stocktake" --as "$manager" feature set \
  pci-pass-thru --status at-risk --reason $'late\nBcc: x@example.org'
check "a reason with a line break: says so" err_has "the reason is one line"
check "a version with a line break: refused" exit_is 2 "$stocktake" --as "$manager" release add \
  $'4.4\nBcc: x@example.org' --start 2013-07-01 --freeze 2013-12-01 --release 2014-03-01
check "a version with a line break: says so" err_has "the version is one line"
check "nothing written" test "$(sha256sum <st.db)" = "$before"
finish
