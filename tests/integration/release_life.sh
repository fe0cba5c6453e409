#!/usr/bin/env bash
# Issue 9: the whole life of release 4.3 as its release manager lives it, on
# the real binary: must-haves, confirmations, moves, removals, interventions,
# the refusals of bad input, and the release's end.
#   tests/integration/release_life.sh path/to/stocktake
# shellcheck source=tests/integration/lib.sh
source "$(dirname "$0")/lib.sh" "$1"
golden="$root/tests/data/taking-stock-4.3.txt"
rm_email=george.dunlap@eu.citrix.com

st() { "$stocktake" --db "$work/st.db" "$@"; }
manager() { st --as "$rm_email" "$@"; }

check "import" exit_is 0 st --as admin@example.org --now 2013-01-21 import "$root/examples/xen-4.3.yaml"
check "the seed mail" exit_is 0 st --now 2013-01-21 report 4.3
check "the seed mail, byte for byte" cmp "$work/out" "$golden"

# A new feature starts on track, not finished.
check "add a must-have" exit_is 0 manager --now 2013-01-22 feature add "libxl stable API" \
  --release 4.3 --must-have --owner ian.campbell@citrix.com
check "it starts on-track" out_has "to 4.3 as on-track (slug libxl-stable-api)"

# Refusals name the value, the rule and the fix, exit 2 and write nothing.
before=$(st export | md5sum)
check "--as must be an e-mail" exit_is 2 st --as george --now 2013-01-23 feature set blktap3 \
  --status fair
check "--as refusal says why" err_has "'george' is not an e-mail address"
check "owners must be e-mails" exit_is 2 manager --now 2013-01-23 feature add "Credit2" --release 4.3 \
  --owner "George Dunlap"
check "owner refusal names the fix" err_has "give each owner as --owner name@example.org"
check "a protocol must exist" exit_is 2 manager --now 2013-01-23 feature set blktap3 --protocol nope
check "protocol refusal names it" err_has "'nope' names no protocol"
check "--now must be ISO 8601" exit_is 2 manager --now garbage feature set blktap3 --status fair
check "a date must be ISO 8601" exit_is 2 manager --now 2013-01-23 release add 4.4 --start 2013-7-1 \
  --freeze 2013-10-18 --release 2014-01-15
check "re-affirming without a reason" exit_is 2 manager --now 2013-01-23 feature set blktap3 \
  --status at-risk
check "says to give a reason" err_has "say why with --reason TEXT"
check "nothing was written" test "$(st export | md5sum)" = "$before"

# The stale-feature advice can be followed: a confirmation resets staleness.
check "PVH is stale on 2013-03-01" exit_is 1 st --now 2013-03-01 check 4.3
check "stale alert" out_has "PVH mode (Xen & Linux).*no update for"
check "confirm PVH" exit_is 0 manager --now 2013-03-01 feature set pvh-mode-xen-linux \
  --status on-track --reason "still on track: v5 posted"
check "PVH no longer stale" exit_is 1 st --now 2013-03-01 --json check 4.3
check "no stale PVH alert" json_has \
  'not [a for a in d["alerts"] if a["subject"]=="pvh-mode-xen-linux" and a["rule"]=="stale"]'

# Interventions of the seed's three kinds, shown with their effect.
check "PVH at risk" exit_is 0 manager --now 2013-03-02 feature set pvh-mode-xen-linux \
  --status at-risk --reason "Mukesh is on leave"
check "intervene" exit_is 0 manager --now 2013-03-03 intervene 4.3 --kind effort \
  --feature pvh-mode-xen-linux --text "Konrad takes over the PVH series"
check "unknown kind refused" exit_is 2 manager --now 2013-03-03 intervene 4.3 --kind prayer \
  --feature pvh-mode-xen-linux --text "hope"
check "PVH back on track" exit_is 0 manager --now 2013-03-10 feature set pvh-mode-xen-linux \
  --status on-track --reason "v6 reviewed"
check "release show" exit_is 0 st --now 2013-03-11 release show 4.3
check "the intervention and its effect" out_has "intervention: more effort 2013-03-03"
check "at-risk -> on-track" out_has "PVH mode (Xen & Linux): at-risk -> on-track"

# Must-haves: dropped, and a sub-item at risk, are alerts with the three
# interventions.
check "drop the must-have" exit_is 0 manager --now 2013-03-12 feature set libxl-stable-api \
  --status dropped --reason "no one has time"
check "check says so" exit_is 1 st --now 2013-03-12 check 4.3
check "dropped must-have" out_has "must-have 'libxl stable API' is dropped"
check "three interventions" out_has "more effort.*outside resources.*slip the schedule"
check "stubdom at risk" exit_is 0 manager --now 2013-03-13 feature set linux-based-qemu-stubdom \
  --status at-risk --reason "needs a maintainer"
check "check names the sub-item" exit_is 1 st --now 2013-03-13 check 4.3
check "sub-item named" out_has "needs 'linux-based qemu stubdom' (sub-item, at-risk)"

# A move shows in both releases' changes; a removal leaves the report.
check "add 4.4" exit_is 0 manager --now 2013-03-14 release add 4.4 --start 2013-07-01 \
  --freeze 2013-10-18 --release 2014-01-15
check "move blktap3" exit_is 0 manager --now 2013-03-15 feature set blktap3 --release 4.4 \
  --reason "will not make the freeze"
check "remove a duplicate" exit_is 0 manager --now 2013-03-16 feature remove "Guest EFI booting" \
  --reason "a duplicate of the EFI item"
check "report 4.3 since" exit_is 0 st --now 2013-03-17 report 4.3 --since 2013-03-14
check "moved to" out_has "^\* Moved to 4.4: blktap3 (2013-03-15, $rm_email): will not"
check "removed" out_has "^\* Removed: Guest EFI booting (2013-03-16"
check "removed from the lists" bash -c "! grep -q '^\* Guest EFI booting' '$work/out'"
check "report 4.4 since" exit_is 0 st --now 2013-03-17 report 4.4 --since 2013-03-14
check "moved from" out_has "^\* Moved from 4.3: blktap3"
check "restore" exit_is 0 manager --now 2013-03-18 feature restore "Guest EFI booting"
check "back in the lists" exit_is 0 st --now 2013-03-18 report 4.3
check "listed again" out_has "^\* Guest EFI booting"
check "report json carries must-have and owners" exit_is 0 st --now 2013-03-18 report 4.3 \
  --format json
check "must-have and owners" json_has \
  'all("owners" in i for s in d["sections"] for i in s["items"]) and any(i["must_have"] and i["slug"]=="default-to-qemu-upstream" for s in d["sections"] for i in s["items"])'

# The end: at 2014-01-01 an unshipped 4.3 still alerts; once shipped it does
# not, and its show says when it was released against the plan.
check "alerts before shipping" exit_is 1 st --now 2014-01-01 check 4.3
check "carry over" exit_is 0 manager --now 2013-07-10 release carry-over 4.3 --to 4.4
check "PVH went to 4.4" out_has "^pvh-mode-xen-linux  *4.4 "
check "nothing left to carry" exit_is 2 manager --now 2013-07-10 release carry-over 4.3 --to 4.4
check "ship" exit_is 0 manager --now 2013-07-10 release ship 4.3 --date 2013-07-09
check "ship says when" out_has "4.3 was released on 2013-07-09, 3 weeks after its planned"
check "no alerts once shipped" exit_is 0 st --now 2014-01-01 check 4.3
check "still alerts before the shipment" exit_is 1 st --now 2013-07-01 check 4.3
check "show after" exit_is 0 st --now 2014-01-01 release show 4.3
check "released on" out_has "as of 2014-01-01: 4.3 was released on 2013-07-09"
check "report since 2013-01-21" exit_is 0 st --now 2013-07-10 report 4.3 --since 2013-01-21
check "the intervention in changes" out_has "Intervention (more effort) for PVH mode"

# Everything round-trips.
check "export" exit_is 0 st export -o "$work/e1.yaml"
check "import the export" exit_is 0 "$stocktake" --db "$work/copy.db" --as admin@example.org \
  --now 2014-01-01 import "$work/e1.yaml"
check "export again" exit_is 0 "$stocktake" --db "$work/copy.db" export -o "$work/e2.yaml"
check "identical" cmp "$work/e1.yaml" "$work/e2.yaml"
finish
