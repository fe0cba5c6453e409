#!/usr/bin/env bash
# scripts/check-includes.sh on a small tree with one include of each kind it
# must refuse (upward, sideways, a private header of another layer, a view
# that reads a project file, a view that includes the server, a folder that
# is no layer) and some it must accept (the server over views and stores);
# the exact lines it prints are compared.
set -uo pipefail
check=$(cd "$(dirname "$0")/../.." && pwd)/scripts/check-includes.sh
tree=$(mktemp -d)
trap 'rm -rf "$tree"' EXIT
cd "$tree" || exit 1
mkdir -p include/stocktake/model include/stocktake/util src/projectfile src/view src/service \
  src/widgets src/server
printf '#include "stocktake/result.h"\n#include "stocktake/util/time.h"\n' >include/stocktake/util/clock.h
printf '#include "stocktake/process/process.h"\n#include "stocktake/util/time.h"\n' \
  >include/stocktake/model/value.h
printf '%s\n' '#include <string>' '#include "projectfile/reader_internal.h"' \
  '#include "report/render_internal.h"' '#include "stocktake/report/taking_stock.h"' \
  '#include "stocktake/storage/store.h"' >src/projectfile/reader.cc
printf '%s\n' '#include "stocktake/projectfile/project_file.h"' '#include "stocktake/report/json_views.h"' \
  '#include "stocktake/service/planning.h"' '#include "stocktake/server/api.h"' >src/view/page.cc
printf '%s\n' '#include "stocktake/view/printer.h"' '#include "stocktake/storage/store.h"' \
  >src/server/routes.cc
printf '#include "stocktake/view/page.h"\n' >src/service/planning.cc
printf '#include "stocktake/cli/cli.h"\n' >src/service/planning_test.cc
printf '#include "stocktake/model/value.h"\n' >src/widgets/widget.cc

expected='include/stocktake/model/value.h:1: "stocktake/process/process.h": model may not include process: includes point down only (util, model, process, analysis, storage, ingest|projectfile|report, service, view, server, cli)
src/projectfile/reader.cc:3: "report/render_internal.h": a private header of report; only report itself may include it: move what projectfile needs into a public header of a layer below it
src/projectfile/reader.cc:4: "stocktake/report/taking_stock.h": projectfile may not include report: includes point down only (util, model, process, analysis, storage, ingest|projectfile|report, service, view, server, cli)
src/service/planning.cc:1: "stocktake/view/page.h": service may not include view: includes point down only (util, model, process, analysis, storage, ingest|projectfile|report, service, view, server, cli)
src/view/page.cc:1: "stocktake/projectfile/project_file.h": view may not include projectfile: a view never reads a file itself
src/view/page.cc:4: "stocktake/server/api.h": view may not include server: includes point down only (util, model, process, analysis, storage, ingest|projectfile|report, service, view, server, cli)
check-includes: src/widgets/widget.cc: folder widgets is not a layer: add it to scripts/check-includes.sh and docs/architecture.md
check-includes: 7 problem(s): includes point down the layers only (docs/architecture.md)'
actual=$(bash "$check" --root "$tree")
status=$?
if [ "$status" -ne 1 ] || [ "$actual" != "$expected" ]; then
  echo "check-includes: exit $status (want 1), output:"
  diff <(echo "$expected") <(echo "$actual")
  exit 1
fi
rm -rf src/widgets src/service/planning.cc src/view include/stocktake/model/value.h \
  src/projectfile/reader.cc
if ! bash "$check" --root "$tree"; then
  echo "check-includes: refused a tree whose includes all point down"
  exit 1
fi
echo "check-includes: ok"
