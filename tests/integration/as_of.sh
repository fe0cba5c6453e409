#!/usr/bin/env bash
# Reads as of a past date (issue 8): every read with --now T shows the record
# as it was at T. Each read is saved at several dates, later and backdated
# changes are made, and the saved outputs come back byte for byte; a change
# dated before the latest change to its object is refused without --backdate,
# and with it takes its place in order.
# Usage: as_of.sh path/to/stocktake
source "$(dirname "$0")/lib.sh" "$1"

rm=george.dunlap@eu.citrix.com
st() { "$stocktake" --db "$work/s.db" --as "$rm" "$@"; }
pv() { "$stocktake" --db "$work/pv.db" "$@"; }

reads=("report 4.3" "report 4.3 --since 2013-01-15" "report 4.3 --format json" "check 4.3"
  "release show 4.3" "release list" "feature list --release 4.3" "feature list"
  "feature show rationalized-backend-scripts" "feature history rationalized-backend-scripts"
  "feature show vtpm-updates" "person list")
save_reads() {  # save_reads RUNNER DIR DATE READ...: each read as of DATE, text and JSON,
  local runner=$1 dir=$2 date=$3 i=0 read  # with its exit status
  shift 3
  mkdir -p "$work/$dir"
  for read in "$@"; do
    i=$((i + 1))
    # shellcheck disable=SC2086
    { $runner --now "$date" $read; echo "exit $?"; } >"$work/$dir/$i.txt" 2>&1
    # shellcheck disable=SC2086
    { $runner --now "$date" --json $read; echo "exit $?"; } >"$work/$dir/$i.json" 2>&1
  done
}
save() { save_reads st "$1" "$2" "${reads[@]}"; }  # save DIR DATE
same() {  # same DIR DATE: the reads as of DATE are still what DIR saved
  save "$1.again" "$2"
  diff -r "$work/$1" "$work/$1.again" >"$work/diff" || { head -20 "$work/diff"; return 1; }
  rm -rf "$work/$1.again"
}
set_quiet() { st "$@" >/dev/null; }

check "import" exit_is 0 st --now 2013-01-21 import "$root/examples/xen-4.3.yaml"
save d1 2013-01-21T12:00:00Z
check "d1 report is the 2013 mail" cmp <(head -n -1 "$work/d1/1.txt") \
  "$root/tests/data/taking-stock-4.3.txt"

# Changes on 2013-01-24, then the state on the 25th.
check "set at risk" set_quiet --now 2013-01-24 feature set rationalized-backend-scripts \
  --status at-risk --reason "owner on leave"
check "add" set_quiet --now 2013-01-24 feature add "Shiny new thing" --release 4.3 --status fair
save d2 2013-01-25

# Changes on 2013-02-01: a slip, a new release and a feature moved to it,
# must-have and owners.
check "slip" set_quiet --now 2013-02-01 release slip 4.3 --freeze 2013-04-08 --reason "PVH"
check "release add" set_quiet --now 2013-02-01 release add 4.4 --start 2013-06-17 \
  --freeze 2013-10-01 --release 2014-01-15
check "move" set_quiet --now 2013-02-01 feature set vtpm-updates --release 4.4 --reason "too late"
check "must-have" set_quiet --now 2013-02-01 feature set rationalized-backend-scripts \
  --must-have true --owner ian.campbell@citrix.com
save d3 2013-02-02

# Later changes do not rewrite what the earlier dates showed.
check "later status" set_quiet --now 2013-02-10 feature set rationalized-backend-scripts \
  --status on-track --reason "back"
check "later title" set_quiet --now 2013-02-10 feature set vtpm-updates --title "vTPM 2.0"
check "later slip" set_quiet --now 2013-02-10 release slip 4.3 --release 2013-07-01 --reason "QA"
check "d1 unchanged" same d1 2013-01-21T12:00:00Z
check "d2 unchanged" same d2 2013-01-25
check "d3 unchanged" same d3 2013-02-02
check "since stops at --now" exit_is 0 st --now 2013-02-02 report 4.3 --since 2013-01-22
check "since has the 02-01 slip" out_has "Schedule slipped: feature freeze 2013-03-25 -> 2013-04-08"
check "since lacks the 02-10 change" bash -c "! grep -q 'on-track (2013-02-10' '$work/out'"
check "moved feature back in 4.3 then" exit_is 0 st --now 2013-01-25 feature list --release 4.3
check "moved feature listed" out_has "vtpm-updates"
check "moved feature gone later" exit_is 0 st --now 2013-02-02 feature list --release 4.3
check "moved feature not listed" bash -c "! grep -q 'vtpm-updates' '$work/out'"
check "added feature absent before" exit_is 3 st --now 2013-01-22 feature show shiny-new-thing

# A sub-item and its parent stay in one release (checked in the write's
# transaction).
check "a sub-item cannot leave its parent's release" exit_is 2 st --now 2013-02-11 feature set \
  pci-pass-thru --release 4.4
check "saying why" err_has "a sub-item belongs to its parent's release"
check "a parent cannot leave its sub-items" exit_is 2 st --now 2013-02-11 feature set \
  default-to-qemu-upstream --release 4.4
check "saying how" err_has "move the sub-items first"
check "nor take a parent in another release" exit_is 2 st --now 2013-02-11 feature set \
  shiny-new-thing --parent vtpm-updates

# A change dated before the latest change to its object is refused, names
# that change, and changes nothing.
sha() { sha256sum "$work/s.db" | cut -d' ' -f1; }
before=$(sha)
check "backdated refused" exit_is 4 st --now 2013-01-28 feature set rationalized-backend-scripts \
  --status fair --reason "re-rated"
check "refusal names the latest change" \
  err_has "was last changed at 2013-02-10T00:00:00Z (feature.status by $rm)"
check "refusal says --backdate" err_has "--backdate"
check "slip refused" exit_is 4 st --now 2013-01-28 release slip 4.3 --freeze 2013-04-01 --reason x
check "nothing written" test "$before" = "$(sha)"

# With --backdate the change takes its place: dates before it read as they
# did, dates after it show it until a later change overrides it.
sleep 1  # the backdated change is recorded a second after the later ones
check "backdated" set_quiet --now 2013-01-28 --backdate feature set rationalized-backend-scripts \
  --status fair --notes "re-rated on the 28th" --reason "re-rated"
check "backdated slip" set_quiet --now 2013-01-28 --backdate release slip 4.3 \
  --release 2013-06-24 --reason "backdated"
check "d1 still unchanged" same d1 2013-01-21T12:00:00Z
check "d2 still unchanged" same d2 2013-01-25
check "in effect after it" exit_is 0 st --now 2013-01-30 feature show rationalized-backend-scripts
check "status fair on the 30th" out_has "status     fair"
check "notes on the 30th" out_has "re-rated on the 28th"
check "now: the later status wins" exit_is 0 st feature show rationalized-backend-scripts
check "status on-track now" out_has "status     on-track"
check "now: the untouched notes hold" out_has "re-rated on the 28th"
check "history in effect order" bash -c "'$stocktake' --db '$work/s.db' feature show \
  rationalized-backend-scripts | grep -E '^    2013' | sed 's/  */ /g' | cut -d' ' -f4-6 >'$work/h'"
check "history chain" diff - "$work/h" <<'EOF'
(new) -> on-track
on-track -> at-risk:
at-risk -> fair:
fair -> on-track:
EOF
check "feature history shows both dates" exit_is 0 st feature history rationalized-backend-scripts
check "backdated marked" out_has "(backdated: recorded 20"
check "release dates replayed" exit_is 0 st --now 2013-01-30 --json release list
check "release 06-24 then" json_has '[r for r in d if r["version"]=="4.3"][0]["release"]=="2013-06-24"'
check "release 07-01 now" exit_is 0 st --json release list
check "release 07-01 now value" json_has '[r for r in d if r["version"]=="4.3"][0]["release"]=="2013-07-01"'

# The log is the record as a feed: in the order of writing, each event once,
# page by page; the backdated change comes last and says so.
check "log" exit_is 0 st --json log
cp "$work/out" "$work/log.json"
check "log ends" json_has 'd["next"] is None and len(d["events"]) > 20'
check "log in the order of writing" json_has \
  '[e["id"] for e in d["events"]] == sorted(e["id"] for e in d["events"])'
pages() {  # every page of 7, joined: the same events as the whole log
  local after=0 next
  : >"$work/paged"
  while :; do
    st --json log --limit 7 --after "$after" >"$work/page" || return 1
    python3 -c 'import json,sys; [print(json.dumps(e)) for e in json.load(sys.stdin)["events"]]' \
      <"$work/page" >>"$work/paged"
    next=$(python3 -c 'import json,sys; n=json.load(sys.stdin)["next"]; print("" if n is None else n)' \
      <"$work/page")
    [ -n "$next" ] || break
    after=$next
  done
  python3 -c 'import json,sys; [print(json.dumps(e)) for e in json.load(sys.stdin)["events"]]' \
    <"$work/log.json" | diff - "$work/paged"
}
check "pages of 7 make the log" pages
check "text log pages" exit_is 0 st log --limit 2
check "text log names the next page" out_has "more: stocktake log --after "
check "backdated in the log" exit_is 0 st log --subject rationalized-backend-scripts \
  --kind feature.status
check "backdated marked in the log" bash -c "tail -1 '$work/out' | grep -q 'fair.*(backdated: recorded 20'"
check "log as of a date" exit_is 0 st --now 2013-01-25 --json log
check "log as of a date stops there" json_has 'all(e["at"] <= "2013-01-25T" for e in d["events"])'
check "unknown release" exit_is 3 st log --release 9.9

# Protocols and proposals: stage, objections, evidence and the support
# matrix as they were.
protocol_reads=("protocol show pvcalls" "proposal show 1" "proposal list" "protocol list"
  "support-matrix")
psave() { save_reads pv "$1" "$2" "${protocol_reads[@]}"; }
check "pv import" exit_is 0 pv --as admin@example.org --now 2026-10-01 import \
  "$root/examples/xen-pv-protocols.yaml"
for who in czar@example.org:czar dev@example.org:contributor reviewer@example.org:contributor \
  maintainer@example.org:maintainer; do
  check "person ${who%%:*}" exit_is 0 pv --as admin@example.org --now 2026-10-01 person add \
    "${who%%:*}" --role "${who##*:}"
done
check "propose" exit_is 0 pv --now 2026-11-01 --as dev@example.org propose pvcalls --to production
check "object" exit_is 0 pv --now 2026-11-02 --as reviewer@example.org object 1 \
  --reason "the ring size is not negotiated"
psave p1 2026-11-02T12:00:00Z
check "answer" exit_is 0 pv --now 2026-11-03 --as dev@example.org answer 2 --text "see section 4"
check "compat" exit_is 0 pv --now 2026-11-04 --as maintainer@example.org protocol set pvcalls \
  --compat "Backward compatible from version 1 on"
check "decide" exit_is 0 pv --now 2026-11-12 --as czar@example.org decide 1 --accept \
  --rationale "lazy consensus"
psave p1.again 2026-11-02T12:00:00Z
check "p1 unchanged" diff -r "$work/p1" "$work/p1.again"
check "stage then" exit_is 0 pv --now 2026-11-02 --json protocol show pvcalls
check "prototype then" json_has 'd["stage"]=="prototype"'
check "stage now" exit_is 0 pv --json protocol show pvcalls
check "production now" json_has 'd["stage"]=="production"'

finish
