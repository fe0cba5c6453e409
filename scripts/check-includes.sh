#!/usr/bin/env bash
# Dependencies point one way (STYLE.md section 1, docs/architecture.md). Each
# folder of libstocktake is a layer; a file may include headers of its own
# layer and of the layers below it, never of a layer above or beside it:
#
#   util            util/, result.h, error.h        (below everything)
#   model           value types, no I/O
#   process         process config, lazy consensus  (uses model)
#   analysis        schedule, risk, checks          (uses process)
#   storage         Store interface and back ends
#   ingest | projectfile | report                   (one level: none includes another)
#   service         operations in one transaction
#   view            typed views for every front end (service, report and below;
#                   not projectfile)
#   server          `stocktake serve`: HTTP routes and handlers over views
#   cli             (outside include/ and src/, may include everything)
#
# Checked: every `#include "stocktake/<layer>/..."` in include/ and src/, and
# every private `#include "<layer>/..."` (src/ headers), which only the same
# layer may include. Unit tests (*_test.cc) are exempt: they may drive the
# layer under test through services and stores. Prints FILE:LINE and the rule
# for each upward include and exits 1 when there is one.
#
#   scripts/check-includes.sh            # this repository's tracked and new files
#   scripts/check-includes.sh --root DIR # every file under DIR/include and DIR/src
set -uo pipefail
if [ "${1:-}" = --root ]; then
  cd "$2" || exit 2
  files=$(find include src -name '*.h' -o -name '*.cc' 2>/dev/null | sort | grep -v '_test\.cc$')
else
  cd "$(dirname "$0")/.."
  files=$(git ls-files -co --exclude-standard -- 'include/*.h' 'src/*.h' 'src/*.cc' |
    grep -v '_test\.cc$')
fi
# shellcheck disable=SC2086
awk '
  BEGIN {
    rank["util"] = 0; rank["model"] = 1; rank["process"] = 2; rank["analysis"] = 3
    rank["storage"] = 4; rank["ingest"] = 5; rank["projectfile"] = 5; rank["report"] = 5
    rank["service"] = 6; rank["view"] = 7; rank["server"] = 8; rank["cli"] = 9
    order = "util, model, process, analysis, storage, ingest|projectfile|report, service, view, server, cli"
    # view builds what front ends print from services, reports and the pure
    # algorithms below them (threading a stored thread); it never reads a
    # project file itself.
    denied["view", "projectfile"] = 1
    problems = 0
  }
  FNR == 1 {
    layer = ""
    path = FILENAME
    if (path ~ /^include\/stocktake\/[^\/]+$/) layer = "util"
    else if (match(path, /^include\/stocktake\/[a-z_]+\//)) layer = substr(path, 19, RLENGTH - 19)
    else if (match(path, /^src\/[a-z_]+\//)) layer = substr(path, 5, RLENGTH - 5)
    if (layer != "" && !(layer in rank)) {
      printf "check-includes: %s: folder %s is not a layer: add it to scripts/check-includes.sh and docs/architecture.md\n", path, layer
      problems++
      layer = ""
    }
  }
  layer != "" && /^[ \t]*#[ \t]*include[ \t]*"/ {
    target = $0
    sub(/^[^"]*"/, "", target)
    sub(/".*$/, "", target)
    private = 0
    if (target ~ /^stocktake\/[a-z_]+\.h$/) {
      used = "util"
    } else if (target ~ /^stocktake\/[a-z_]+\//) {
      used = target
      sub(/^stocktake\//, "", used)
      sub(/\/.*$/, "", used)
    } else if (target ~ /^[a-z_]+\// ) {
      used = target
      sub(/\/.*$/, "", used)
      if (!(used in rank)) next
      private = 1
    } else {
      next
    }
    if (!(used in rank)) {
      printf "%s:%d: \"%s\": %s is not a layer (%s)\n", FILENAME, FNR, target, used, order
      problems++
    } else if (private && used != layer) {
      printf "%s:%d: \"%s\": a private header of %s; only %s itself may include it: move what %s needs into a public header of a layer below it\n", FILENAME, FNR, target, used, used, layer
      problems++
    } else if ((layer, used) in denied) {
      printf "%s:%d: \"%s\": %s may not include %s: a view never reads a file itself\n", FILENAME, FNR, target, layer, used
      problems++
    } else if (used != layer && rank[used] >= rank[layer]) {
      printf "%s:%d: \"%s\": %s may not include %s: includes point down only (%s)\n", FILENAME, FNR, target, layer, used, order
      problems++
    }
  }
  END {
    if (problems > 0) printf "check-includes: %d problem(s): includes point down the layers only (docs/architecture.md)\n", problems
    exit problems > 0
  }
' $files
