#!/usr/bin/env bash
# Safe imports, on the real binary and real SQLite files:
#   tests/integration/import_safety.sh path/to/stocktake
# A file is recorded as of the times it gives, whenever it is imported; the
# two examples import into one database in either order; an old export over
# newer data is refused and changes nothing, then --prefer file records every
# overwrite; --dry-run prints the plan (golden) and writes nothing; importing
# an export back changes nothing.
# shellcheck source=tests/integration/lib.sh
source "$(dirname "$0")/lib.sh" "$1"
golden="$root/tests/data/taking-stock-4.3.txt"
plan_golden="$root/tests/data/import-plan-old-export.txt"
xen43="$root/examples/xen-4.3.yaml"
pv="$root/examples/xen-pv-protocols.yaml"
rm_email=george.dunlap@eu.citrix.com
dev=ian.campbell@citrix.com
git config --global user.email "importer@example.org"

db() { "$stocktake" --db "$1" "${@:2}"; }  # relative: the plan names the database
dump() { sqlite3 "$work/$1" .dump; }

# --- The example is recorded as of 2013-01-21, whatever the clock says. ----
check "import with the real clock" exit_is 0 db one.db import "$xen43"
check "report of the day equals the mail" bash -c \
  "'$stocktake' --db '$work/one.db' --now 2013-01-21 report 4.3 | cmp - '$golden'"
check "events dated as of the file" exit_is 0 db one.db --json feature history blktap3
check "feature.added and feature.status at 2013-01-21, recorded now" json_has \
  '([e["kind"] for e in d] == ["feature.added", "feature.status"] and
    all(e["at"] == "2013-01-21T00:00:00Z" and e["recorded_at"] > "2026" for e in d))'
check "the release is added as of 2013-01-21" bash -c \
  "sqlite3 '$work/one.db' \"SELECT at FROM events WHERE kind = 'release.added'\" | grep -qx 1358726400"
check "with --now, events take effect then and are recorded by the clock" \
  exit_is 0 db now.db --now 2020-01-01 import "$pv"
check "recorded_at is the clock" exit_is 0 db now.db --json protocol history pvcalls
check "recorded_at" json_has \
  '([e["at"] for e in d if e["kind"] == "protocol.added"] == ["2020-01-01T00:00:00Z"] and
    all(e["recorded_at"] > "2020-01-02" for e in d))'
check "importing it again changes nothing" exit_is 0 db one.db import "$xen43"
check "and records nothing" out_has "0 event(s) recorded"

# --- The two examples, in either order, give each what it gives alone. ----
check "protocols alone" exit_is 0 db pv.db --now 2026-01-01 import "$pv"
db pv.db support-matrix >"$work/matrix-alone.txt"
db pv.db support-matrix --format json >"$work/matrix-alone.json"
check "4.3 then protocols: 4.3" exit_is 0 db ab.db --now 2026-01-01 import "$xen43"
check "4.3 then protocols: protocols" exit_is 0 db ab.db --now 2026-01-02 import "$pv"
check "protocols then 4.3: protocols" exit_is 0 db ba.db --now 2026-01-01 import "$pv"
check "protocols then 4.3: 4.3" exit_is 0 db ba.db --now 2026-01-02 import "$xen43"
for order in ab ba; do
  check "$order: report 4.3 as the mail" bash -c \
    "'$stocktake' --db '$work/$order.db' --now 2013-01-21 report 4.3 | cmp - '$golden'"
  check "$order: report 4.3 as the 4.3 file alone" bash -c \
    "cmp <('$stocktake' --db '$work/$order.db' --now 2013-02-10 report 4.3) \
         <('$stocktake' --db '$work/one.db' --now 2013-02-10 report 4.3)"
  check "$order: support matrix as the protocols alone" bash -c \
    "'$stocktake' --db '$work/$order.db' support-matrix | cmp - '$work/matrix-alone.txt'"
  check "$order: support matrix JSON too" bash -c \
    "'$stocktake' --db '$work/$order.db' support-matrix --format json | cmp - '$work/matrix-alone.json'"
  check "$order: 4.3 keeps its start, freeze and template" exit_is 0 db $order.db --json release show 4.3
  check "$order: 4.3 schedule" json_has \
    'd["start"] == "2012-09-17" and d["freeze"] == "2013-03-25" and d["release"] == "2013-07-09"'
done
check "the protocols file's date for 4.3 is recorded as a slip" exit_is 0 db ab.db release show 4.3
check "with the import as its reason" out_has "release 2013-06-17 -> 2013-07-09: import of $pv"
check "4.3 after protocols again: newer data, refused" exit_is 4 db ab.db --now 2026-01-03 import "$xen43"
check "naming the slip" err_has "release 4.3: release: the database has \"2013-07-09\" (2026-01-02T00:00:00Z"

# --- An old export imported over newer data. ------------------------------
check "start" exit_is 0 db st.db --as "$rm_email" import "$xen43"
check "old export" exit_is 0 db st.db export -o old.yaml
check "old export is recognisably old" grep -qx "as_of: 2013-01-21T00:00:00Z" old.yaml
check "later: a status" exit_is 0 db st.db --as "$rm_email" --now 2013-02-01 feature set \
  rationalized-backend-scripts --status at-risk --reason "owner on leave"
check "later: a slip" exit_is 0 db st.db --as "$rm_email" --now 2013-02-02 release slip 4.3 \
  --freeze 2013-04-08 --reason "PVH needs two more weeks"
check "later: owners and must-have" exit_is 0 db st.db --as "$rm_email" --now 2013-02-03 feature set \
  pvh-mode-xen-linux --owner "$dev" --must-have true
check "later: a release" exit_is 0 db st.db --as "$rm_email" --now 2013-02-04 release add 4.4 \
  --start 2013-06-17 --freeze 2013-10-18 --release 2014-01-21
check "later: a feature moved to it" exit_is 0 db st.db --as "$rm_email" --now 2013-02-05 \
  feature set blktap3 --release 4.4
before=$(sha256sum <"$work/st.db")
dump st.db >"$work/before.sql"
check "the old export is refused" exit_is 4 db st.db --as "$rm_email" --now 2013-03-01 import old.yaml
check "naming each conflict: the status, its date and who" err_has \
  "feature rationalized-backend-scripts: status: the database has \"at-risk\" (2013-02-01T00:00:00Z, by $rm_email), the file \"on-track\" (as of 2013-01-21T00:00:00Z)"
check "the slip" err_has "release 4.3: freeze: the database has \"2013-04-08\" (2013-02-02T00:00:00Z, by $rm_email)"
check "the owners" err_has "feature pvh-mode-xen-linux: owners: the database has \\[\"$dev\"\\]"
check "the must-have flag" err_has "feature pvh-mode-xen-linux: must_have: the database has true"
check "the move" err_has "feature blktap3: release: the database has \"4.4\" (2013-02-05T00:00:00Z"
check "saying how to go on" err_has "with --prefer file"
check "the database is byte-identical" test "$(sha256sum <"$work/st.db")" = "$before"
check "and its dump too" bash -c "sqlite3 '$work/st.db' .dump | cmp - '$work/before.sql'"
check "the example after later work is refused too" exit_is 4 db st.db --as "$rm_email" import "$xen43"
check "still byte-identical" test "$(sha256sum <"$work/st.db")" = "$before"

# --dry-run prints the plan and writes nothing.
check "dry run" exit_is 0 db st.db --as "$rm_email" --now 2013-03-01 import old.yaml --dry-run --prefer file
check "dry run golden" cmp "$work/out" "$plan_golden"
cp "$work/out" "$work/plan.txt"
check "dry run without --prefer says it would be refused" exit_is 0 \
  db st.db --as "$rm_email" --now 2013-03-01 import old.yaml --dry-run
check "would be refused" out_has "The import would be refused"
check "dry run --json" exit_is 0 db st.db --as "$rm_email" --now 2013-03-01 --json import old.yaml --dry-run
check "dry run JSON" json_has \
  '(d["written"] is False and d["refused"] and len(d["conflicts"]) == 5 and
    {c["field"] for c in d["conflicts"]} == {"status", "freeze", "owners", "must_have", "release"}
    and d["untouched"]["releases"] == 1 and len(d["items"]) == 44)'
cp "$work/out" "$work/plan.json"
check "dry runs wrote nothing" test "$(sha256sum <"$work/st.db")" = "$before"
check "dry run into a new database" exit_is 0 db new.db import "$xen43" --dry-run
check "plans the additions" out_has "add     feature blktap3 (as of 2013-01-21T00:00:00Z)"
check "and leaves no database behind" test ! -e "$work/new.db"

# --prefer file: every overwrite is an event naming the import.
check "--prefer file" exit_is 0 db st.db --as "$rm_email" --now 2013-03-01 import old.yaml --prefer file
check "every conflict overwritten by an event with the import as reason" python3 - \
  "$work/plan.json" "$work/st.db" <<'PY'
import json, sqlite3, sys
plan = json.load(open(sys.argv[1]))
db = sqlite3.connect(sys.argv[2])
for conflict in plan["conflicts"]:
    rows = db.execute(
        "SELECT kind, detail, from_value, to_value FROM events WHERE subject = ? AND reason = ?",
        (conflict["name"], "import of old.yaml")).fetchall()
    field, value = conflict["field"], conflict["file"]["value"]
    found = [r for r in rows
             if (field == "status" and r[0] == "feature.status" and r[3] == value)
             or (field == "freeze" and r[0] == "release.slipped" and r[3] == value)
             or (r[0] == "feature.updated" and json.loads(r[1]).get(field, [None, None])[1] == value)]
    assert found, (conflict, rows)
PY
check "feature history shows it" exit_is 0 db st.db feature history rationalized-backend-scripts
check "status put back by the import" out_has "at-risk -> on-track: import of old.yaml"
check "the slip is a slip" exit_is 0 db st.db release show 4.3
check "with the import as reason" out_has "freeze 2013-04-08 -> 2013-03-25, .*: import of old.yaml"
check "blktap3 is back in 4.3" exit_is 0 db st.db --json feature show blktap3
check "blktap3 release" json_has 'd["release"] == "4.3"'
check "the same import again changes nothing" exit_is 0 db st.db --as "$rm_email" --now 2013-03-02 import old.yaml
check "no events" out_has "0 event(s) recorded"

# --- Importing an export back changes nothing. ----------------------------
check "export now" exit_is 0 db st.db export -o "$work/now.yaml"
dump st.db >"$work/before.sql"
check "re-import the export" exit_is 0 db st.db --as "$rm_email" --now 2014-01-01 import "$work/now.yaml"
check "records nothing" out_has "0 event(s) recorded"
check "the database is the same" bash -c "sqlite3 '$work/st.db' .dump | cmp - '$work/before.sql'"
check "into a new database and out again" bash -c \
  "'$stocktake' --db '$work/copy.db' import '$work/now.yaml' >/dev/null &&
   '$stocktake' --db '$work/copy.db' export | cmp - '$work/now.yaml'"
check "the copy reports 4.3 as the original" bash -c \
  "cmp <('$stocktake' --db '$work/copy.db' --now 2013-03-05 report 4.3) \
       <('$stocktake' --db '$work/st.db' --now 2013-03-05 report 4.3)"

finish
