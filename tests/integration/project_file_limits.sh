#!/usr/bin/env bash
# Issue 12, items 2 and 6, at the binary: a project file's size is bounded
# before memory is (`import /dev/zero` grew without bound; a 100 MB title took
# 66 s and 1.7 GB), and a file that is not one clean YAML document is refused
# at FILE:LINE:COLUMN, leaving no database behind.
#   tests/integration/project_file_limits.sh path/to/stocktake
# shellcheck source=tests/integration/lib.sh
source "$(dirname "$0")/lib.sh" "$1"
export STOCKTAKE_NOW=2013-01-21
# timeout only guards against a hang (before, /dev/zero never ended); speed
# itself is the benchmarks' business.
st() { timeout 60 "$stocktake" --as george.dunlap@citrix.com "$@"; }
no_file() { [ ! -e "$1" ] || { echo "  $1 exists"; return 1; }; }
check "import /dev/zero: refused" exit_is 2 st --db zero.db import /dev/zero
check "import /dev/zero: says why" err_has \
  "/dev/zero is larger than 33554432 bytes, the most a project file may be (see docs/limits.md)"
check "import /dev/zero: no database left" no_file zero.db

python3 -c '
import sys
sys.stdout.write("releases:\n  - version: \"4.3\"\n    features:\n      - title: ")
sys.stdout.write("x" * (100 * 1024 * 1024))
sys.stdout.write("\n")' >title.yaml
check "a 100 MB title: refused" exit_is 2 st --db title.db import title.yaml
check "a 100 MB title: says why" err_has "title.yaml is larger than 33554432 bytes"
rm -f title.yaml

printf 'releases:\n  - version: "4.3"\n    version: "4.4"\n' >twice.yaml
check "a duplicate key: refused" exit_is 2 st --db twice.db import twice.yaml
check "a duplicate key: where" err_has "twice.yaml:3:5: the key 'version' twice in one mapping"
check "a duplicate key: no database left" no_file twice.db

printf 'releases:\n  - version: "4.3"\n---\nreleases: []\n' >two.yaml
check "a second document: refused" exit_is 2 st --db two.db import two.yaml
check "a second document: where" err_has "two.yaml:3:1: a second YAML document"

printf 'releases:\n  - version: "4.3"\n    features:\n      - title: a\0b\n' >nul.yaml
check "a NUL byte: refused" exit_is 2 st --db nul.db import nul.yaml
check "a NUL byte: where" err_has "nul.yaml:4:17: a NUL byte"

printf 'releases:\n  - version: !!binary NC4z\n' >binary.yaml
check "a !!binary tag: refused" exit_is 2 st --db binary.db import binary.yaml
check "a !!binary tag: where" err_has "binary.yaml:2:14: the tag !!binary"

{
  echo "a0: &a0 [x, x, x, x, x, x, x, x, x, x]"
  for level in 1 2 3 4 5 6 7 8 9; do
    echo "a$level: &a$level [*a$((level - 1)), *a$((level - 1)), *a$((level - 1)), *a$((level - 1)), *a$((level - 1)), *a$((level - 1)), *a$((level - 1)), *a$((level - 1)), *a$((level - 1)), *a$((level - 1))]"
  done
} >laughs.yaml
check "aliases of aliases: refused" exit_is 2 st --db laughs.db import laughs.yaml
check "aliases of aliases: says why" err_has "more than 2000000 YAML nodes"
check "aliases of aliases: no database left" no_file laughs.db

head -c $((16 * 1024 * 1024 + 1)) /dev/zero | tr '\0' 'x' >design.md
check "design-check of a huge file: refused" exit_is 2 st design-check design.md
check "design-check of a huge file: says why" err_has "design.md is larger than 16777216 bytes"

finish
