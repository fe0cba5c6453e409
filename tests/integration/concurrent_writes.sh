#!/usr/bin/env bash
# Concurrent `feature set`s on one SQLite file: each process changing its own
# field of the same feature, then all changing the same field (a text field,
# then the status): every change must survive, once, in the event log, and the
# final state must hold it, or for one field the last of them (issue 8: the
# row was read outside the transaction and written back whole, losing the
# others' changes). Ingestion against `feature set`: concurrent_writes_ingest.sh.
# A writer that finds the write lock held waits --wait seconds, then fails
# with exit 7 and says so.
# Usage: concurrent_writes.sh path/to/stocktake
source "$(dirname "$0")/lib.sh" "$1"

# The importer is the first admin; the writers below are release managers,
# who may change every field of every feature.
"$stocktake" import "$root/examples/xen-4.3.yaml" >/dev/null || exit 1
for writer in a b c d e f; do
  "$stocktake" person add $writer@example.org --role release-manager >/dev/null || exit 1
done
rm_as=george.dunlap@eu.citrix.com
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
check "each field's every value is in the event log once" json_has "(
  sorted((f, str(v[1])) for e in d if e['kind'] == 'feature.updated' for f, v in e['detail'].items())
  == sorted((f, str(v)) for r in range(1, $rounds + 1) for f, v in [('notes', 'n%d' % r),
     ('remark', 'r%d' % r), ('short_title', 's%d' % r), ('owners', ['o%d@example.org' % r]),
     ('code_bases', ['C%d' % r]), ('freeze_exception', 'e%d' % r)]))"

# The same field from six processes at once, four times: each change is in the
# log once, each read the value the one before it wrote (the old values of
# the log chain, in the order the changes were recorded: their ids), and the
# feature ends with the last value logged. (Ordered by date, two changes of
# one second could swap: a writer reads the clock before it waits its turn.)
rm_as=george.dunlap@eu.citrix.com
by_id() { python3 -c 'import json,sys; print(json.dumps(sorted(json.load(sys.stdin), key=lambda e: e["id"])))'; }
: >"$work/err"
for round in 1 2 3 4; do
  for process in 1 2 3 4 5 6; do
    "$stocktake" --as $rm_as feature set $feature --remark "p$process-r$round" \
      >/dev/null 2>>"$work/err" &
  done
  wait
done
check "no concurrent set of one field failed" test ! -s "$work/err"
"$stocktake" --json feature history $feature | by_id >"$work/out"
check "every change of one field is in the event log once, each from the value before it" json_has "(
  [v[1] for e in d if e['kind'] == 'feature.updated' for f, v in e['detail'].items() if f == 'remark'][$rounds:]
    and sorted([v[1] for e in d if e['kind'] == 'feature.updated' for f, v in e['detail'].items() if f == 'remark'][$rounds:])
      == sorted('p%d-r%d' % (p, r) for p in range(1, 7) for r in range(1, 5))
    and all(a[1] == b[0] for a, b in zip(
      [v for e in d if e['kind'] == 'feature.updated' for f, v in e['detail'].items() if f == 'remark'],
      [v for e in d if e['kind'] == 'feature.updated' for f, v in e['detail'].items() if f == 'remark'][1:])))"
json_eval() { python3 -c "import json,sys; d=json.load(sys.stdin); print($1)" <"$work/out"; }
last_remark=$(json_eval "[v[1] for e in d if e['kind'] == 'feature.updated' for f, v in e['detail'].items() if f == 'remark'][-1]")
"$stocktake" --json feature show $feature >"$work/out"
check "and the field holds the last value logged" json_has "d['remark'] == '$last_remark'"

# The status from four processes at once, each to another one, four times. A
# set to the status the feature already has is refused ("nothing to
# change") and logs nothing; every other is logged once, the log's status
# changes chain, and the feature ends with the last one.
statuses=(finished on-track fair at-risk)
for round in 1 2 3 4; do
  for process in 0 1 2 3; do
    (
      "$stocktake" --as $rm_as feature set $feature --status "${statuses[$process]}" \
        --reason "status p$process-r$round" >/dev/null 2>"$work/status-p$process-r$round.err"
      echo $? >"$work/status-p$process-r$round.exit"
    ) &
  done
  wait
done
succeeded=$(grep -lx 0 "$work"/status-*.exit | sed 's/.*status-\(.*\)\.exit/status \1/' | sort | tr '\n' '|')
refused=$(grep -Lx 0 "$work"/status-*.exit | sed 's/\.exit$/.err/' | xargs -r grep -L "nothing to change" | wc -l)
check "a concurrent status set fails only when the status is already the one asked" \
  test "$refused" -eq 0
"$stocktake" --json feature history $feature | by_id >"$work/out"
check "every status set that succeeded is in the event log once, and the changes chain" json_has "(
  sorted(e['reason'] for e in d if e['kind'] == 'feature.status' and e['reason'].startswith('status '))
    == sorted(r for r in '$succeeded'.split('|') if r)
    and (s := [e for e in d if e['kind'] == 'feature.status'])
    and (i := max(0, [e['reason'].startswith('status ') for e in s].index(True) - 1)) >= 0
    and all(a['to'] == b['from'] for a, b in zip(s[i:], s[i + 1:])))"
last_status=$(json_eval "[e['to'] for e in d if e['kind'] == 'feature.status'][-1]")
"$stocktake" --json feature show $feature >"$work/out"
check "and the feature ends with the last status logged" json_has "d['status'] == '$last_status'"

# Opposite dependencies at once: one is refused as a cycle, never both kept.
other=xl-pvusb-pass-through-for-pv-guests
cycles=0
for round in 1 2 3 4 5 6 7 8 9 10; do
  "$stocktake" --as a@example.org feature set $feature --depends-on $other >/dev/null 2>&1 &
  "$stocktake" --as b@example.org feature set $other --depends-on $feature >/dev/null 2>&1 &
  wait
  mine=$("$stocktake" --json feature show $feature | python3 -c 'import json,sys; print(len(json.load(sys.stdin)["depends_on"]))')
  theirs=$("$stocktake" --json feature show $other | python3 -c 'import json,sys; print(len(json.load(sys.stdin)["depends_on"]))')
  [ "$mine" -eq 1 ] && [ "$theirs" -eq 1 ] && cycles=$((cycles + 1))
  [ "$mine" -eq 1 ] && "$stocktake" --as $rm_as feature set $feature --no-depends-on $other >/dev/null
  [ "$theirs" -eq 1 ] && "$stocktake" --as $rm_as feature set $other --no-depends-on $feature >/dev/null
done
check "opposite concurrent dependencies never make a cycle" test "$cycles" -eq 0

# Two adds of one slug at once: one is added, the other refused, none overwritten.
"$stocktake" --as a@example.org feature add "First twin" --release 4.3 --slug twin >"$work/add1" 2>&1 &
"$stocktake" --as b@example.org feature add "Second twin" --release 4.3 --slug twin >"$work/add2" 2>&1 &
wait
check "two adds of one slug: exactly one is refused" \
  test "$(grep -l 'already exists' "$work/add1" "$work/add2" | wc -l)" -eq 1
"$stocktake" --json feature history twin >"$work/out"
check "and the feature was added once" json_has \
  "sum(1 for e in d if e['kind'] == 'feature.added') == 1"

# Two slips at once, one of the freeze and one of the release date: both hold.
"$stocktake" --as $rm_as release slip 4.3 --freeze 2013-04-08 --reason "PVH" >/dev/null &
"$stocktake" --as $rm_as release slip 4.3 --release 2013-07-01 --reason "QA" >/dev/null &
wait
"$stocktake" --json release show 4.3 >"$work/out"
check "two concurrent slips both hold" json_has \
  "d['freeze'] == '2013-04-08' and d['release'] == '2013-07-01' and len(d['schedule_changes']) == 2"

# The Czar's accept and reject of one proposal at once: exactly one is recorded.
pv="--db pv.db"
"$stocktake" $pv import "$root/examples/xen-pv-protocols.yaml" >/dev/null
"$stocktake" $pv person add czar@example.org --name Czar --role czar >/dev/null
"$stocktake" $pv person add dev@example.org --role contributor >/dev/null
"$stocktake" $pv person add maintainer@example.org --role maintainer >/dev/null  # owns pvcalls
"$stocktake" $pv --now 2026-11-01 --as dev@example.org propose pvcalls --to production >/dev/null
"$stocktake" $pv --as maintainer@example.org protocol set pvcalls \
  --compat "Backward compatible from version 1 on" >/dev/null
"$stocktake" $pv --now 2026-11-12 --as czar@example.org decide 1 --accept --rationale "ok" \
  >/dev/null 2>&1 &
"$stocktake" $pv --now 2026-11-12 --as czar@example.org decide 1 --reject --rationale "no" \
  >/dev/null 2>&1 &
wait
"$stocktake" $pv --json proposal show 1 >"$work/out"
check "two concurrent decisions: exactly one is recorded" json_has \
  "[a['kind'] for a in d['actions']].count('accept') + [a['kind'] for a in d['actions']].count('reject') == 1"

# sqlite3 holds the write lock for 3 seconds; a 1-second wait gives up.
(printf 'BEGIN IMMEDIATE;\nSELECT 1;\n'; sleep 3; printf 'COMMIT;\n') | sqlite3 stocktake.db >/dev/null &
holder=$!
sleep 0.5
check "a write that waits 1 s for a held lock exits 7" \
  exit_is 7 "$stocktake" --wait 1 --as $rm_as feature set $feature --notes "while busy"
check "and says the database is busy" err_has "database is busy: another stocktake command holds"
wait "$holder"
check "once the lock is free, the same write succeeds" \
  exit_is 0 "$stocktake" --wait 1 --as $rm_as feature set $feature --notes "after busy"
check "--wait takes seconds, not a negative number" exit_is 2 "$stocktake" --wait -1 stats

finish
