#!/usr/bin/env bash
# Issue 12, item 7: kill -9 at random points of an import, a mail ingest and
# a write (20 kills each), then PRAGMA integrity_check and a check that the
# database is exactly its before- or its after-state. Label `slow`: run it
# with `ctest --test-dir build -L slow` (the nightly set), not by
# scripts/test.sh.
#   tests/integration/kill9.sh path/to/stocktake [KILLS-PER-OPERATION]
# shellcheck source=tests/integration/lib.sh
source "$(dirname "$0")/lib.sh" "$1"
kills=${2:-20}
export STOCKTAKE_NOW=2013-01-21
admin=admin@example.org
manager=george.dunlap@eu.citrix.com

# What a reader sees, without the clock times of the run.
state() {  # state DATABASE
  "$stocktake" --db "$1" export 2>&1
  sqlite3 "$1" "
    SELECT kind, subject, from_value, to_value, reason, detail FROM events ORDER BY id;
    SELECT message_id, thread_root FROM messages ORDER BY message_id;
    SELECT source_id, ordinal, trailer_key, value FROM trailers ORDER BY 1, 2;
    SELECT id, name FROM series ORDER BY id;
    SELECT source, size, last_offset FROM ingest_sources ORDER BY source;"
}
fresh() {  # fresh FROM TO: a copy of a closed database
  rm -f "$2" "$2-wal" "$2-shm"
  cp "$1" "$2"
}

"$stocktake" --db empty.db --as "$admin" init >/dev/null || exit 1
fresh empty.db planned.db
"$stocktake" --db planned.db --as "$admin" import "$root/examples/xen-4.3.yaml" >/dev/null || exit 1

# Each operation execs the binary, so that in the background $! is its pid
# and kill -9 reaches it; run in the foreground, it is called in a subshell.
import() { exec "$stocktake" --db "$1" --as "$admin" import "$root/examples/xen-4.3.yaml"; }
ingest() { exec "$stocktake" --db "$1" --as "$admin" ingest mbox "$root/tests/data/truncation.mbox"; }
write() {
  exec "$stocktake" --db "$1" --as "$manager" feature set pci-pass-thru --status at-risk \
    --reason "no reviewer"
}

corrupt=0
partial=0
# kill_during OPERATION BEFORE-DATABASE: KILLS runs of OPERATION on copies of
# BEFORE, each killed after a random delay within the time one run takes.
kill_during() {
  local operation=$1 before=$2 befores=0 afters=0
  fresh "$before" after.db
  local start=$(date +%s%N)
  ("$operation" after.db >/dev/null 2>&1) || { echo "FAIL: $operation does not run"; return 1; }
  # Kills land anywhere in the run: a delay up to as long as a whole run took.
  local span=$((($(date +%s%N) - start) / 1000000 + 1))
  state "$before" >before.txt
  state after.db >after.txt
  check "$operation changes something" bash -c '! cmp -s before.txt after.txt'
  for round in $(seq "$kills"); do
    fresh "$before" run.db
    "$operation" run.db >/dev/null 2>&1 &
    local pid=$!
    local delay=$((RANDOM % span))
    sleep "$((delay / 1000)).$(printf '%03d' $((delay % 1000)))"
    kill -9 "$pid" 2>/dev/null
    wait "$pid" 2>/dev/null
    if [ "$(sqlite3 run.db 'PRAGMA integrity_check')" != ok ]; then
      corrupt=$((corrupt + 1))
      cp run.db "corrupt-$operation-$round.db"
      continue
    fi
    state run.db >run.txt
    if cmp -s run.txt before.txt; then
      befores=$((befores + 1))
    elif cmp -s run.txt after.txt; then
      afters=$((afters + 1))
    else
      partial=$((partial + 1))
      echo "partial after killing $operation (round $round):"
      diff before.txt run.txt | head -5
    fi
  done
  echo "$operation: $kills kills, $befores before-state, $afters after-state"
}
kill_during import empty.db
kill_during ingest planned.db
kill_during write planned.db

echo "kill -9: $corrupt corrupt, $partial partial"
check "no corrupt database after kill -9" test "$corrupt" -eq 0
check "no partial state after kill -9" test "$partial" -eq 0
finish
