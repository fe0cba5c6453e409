#!/usr/bin/env bash
# Concurrent `feature set`s on one SQLite file, each process changing its own
# field of the same feature: every change must survive, once, in the final
# state and in the event log (issue 8: the row was read outside the
# transaction and written back whole, losing the others' changes).
# Usage: concurrent_writes.sh path/to/stocktake
source "$(dirname "$0")/lib.sh" "$1"

"$stocktake" import "$root/examples/xen-4.3.yaml" >/dev/null || exit 1
feature=rationalized-backend-scripts
rounds=6
for round in $(seq "$rounds"); do
  "$stocktake" --as a@example.org feature set $feature --notes "n$round" >/dev/null 2>>"$work/err" &
  "$stocktake" --as b@example.org feature set $feature --remark "r$round" >/dev/null 2>>"$work/err" &
  "$stocktake" --as c@example.org feature set $feature --short-title "s$round" >/dev/null 2>>"$work/err" &
  "$stocktake" --as d@example.org feature set $feature --owner "o$round@example.org" \
    >/dev/null 2>>"$work/err" &
  "$stocktake" --as e@example.org feature set $feature --code-base "C$round" >/dev/null 2>>"$work/err" &
  "$stocktake" --as f@example.org feature set $feature --freeze-exception "e$round" \
    >/dev/null 2>>"$work/err" &
  wait
done
check "no concurrent feature set failed" test ! -s "$work/err"
"$stocktake" --json feature show $feature >"$work/out"
check "every field holds its last round's value" json_has \
  "d['notes'] == 'n$rounds' and d['remark'] == 'r$rounds' and d['short_title'] == 's$rounds' and d['owners'] == ['o$rounds@example.org'] and d['code_bases'] == ['C$rounds'] and d['freeze_exception'] == 'e$rounds'"
"$stocktake" --json feature history $feature >"$work/out"
check "every change is in the event log once" json_has \
  "sum(1 for e in d if e['kind'] == 'feature.updated') == 6 * $rounds"

finish
