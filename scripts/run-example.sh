#!/usr/bin/env bash
# The main job from a fresh clone: set up, build, import the Xen 4.3 release
# into the embedded SQLite default (./stocktake.db) and print its Taking-stock
# report as of 2013-01-21.
set -euo pipefail
cd "$(dirname "$0")/.."
TARGETS=stocktake scripts/setup.sh
export STOCKTAKE_DB="${STOCKTAKE_DB:-stocktake.db}"
build/cli/stocktake --now 2013-01-21 import examples/xen-4.3.yaml
echo
build/cli/stocktake --now 2013-01-21 report 4.3
