#!/usr/bin/env bash
# The protocol lifecycle end to end on the real binary and a real SQLite file:
# register a protocol, propose, object, answer, let the objection lapse, decide,
# with --now for every step and --json checked with python3; then the Xen PV
# protocols example and its support matrix.
#   tests/integration/lifecycle.sh path/to/stocktake
# shellcheck source=tests/integration/lib.sh
source "$(dirname "$0")/lib.sh" "$1"

st() { "$stocktake" --db "$work/st.db" "$@"; }
czar=czar@example.org
dev=dev@example.org
reviewer=reviewer@example.org

check "init" exit_is 0 st --as admin@example.org --now 2017-01-01 init
check "czar" exit_is 0 st --as admin@example.org --now 2017-01-01 person add "$czar" --role czar
for person in "$dev" "$reviewer"; do
  check "contributor $person" exit_is 0 st --as admin@example.org --now 2017-01-01 person add \
    "$person" --role contributor
done
check "protocol add" exit_is 0 st --as "$dev" --now 2017-01-02 protocol add pvcalls --summary "PV Calls"
check "protocol show json" exit_is 0 st --now 2017-01-02 --json protocol show pvcalls
check "protocol show has name and stage" json_has 'd["name"] == "pvcalls" and d["stage"] == "design"'
check "criteria listed as missing" json_has \
  'd["next_stage"]["criteria"][0]["id"] == "design-committed" and not d["next_stage"]["criteria"][0]["met"]'
check "protocol show text" exit_is 0 st --now 2017-01-02 protocol show pvcalls
check "text lists the missing criterion" out_has "\[missing\] design-committed"

# Propose; an objection without a reason is refused and says why.
check "propose" exit_is 0 st --as "$dev" --now 2017-02-01 --json propose pvcalls --to prototype \
  --thread "<pvcalls-1@example.org>"
proposal=$(json_get '["id"]')
check "propose prints the window" json_has 'd["window_ends"] == "2017-02-08T00:00:00Z"'
check "a second proposal is refused" exit_is 4 st --as "$dev" --now 2017-02-01 propose pvcalls
check "wrong target stage refused" exit_is 2 st --as "$dev" --now 2017-02-01 propose pvcalls --to production
check "object without reason refused" exit_is 2 st --as "$reviewer" --now 2017-02-02 object "$proposal" --reason ""
check "refusal says why" err_has "needs a reason"
check "object" exit_is 0 st --as "$reviewer" --now 2017-02-02 --json object "$proposal" \
  --reason "the ring layout is described with C structs"
objection=$(json_get '["id"]')
check "objection has its own number" test "$objection" != "$proposal"
check "unknown proposal refused" exit_is 3 st --as "$reviewer" --now 2017-02-02 object 999 --reason "a b c d"
check "objector cannot answer" exit_is 2 st --as "$reviewer" --now 2017-02-03 answer "$objection" --text "mine"
check "answer" exit_is 0 st --as "$dev" --now 2017-02-03T12:00:00Z answer "$objection" \
  --text "version 2 of the document describes the bytes"

# The answered objection blocks until exactly 7 days after the answer.
check "show before the lapse" exit_is 0 st --now 2017-02-10T11:59:59Z --json proposal show "$proposal"
check "blocked, objection answered" json_has \
  'd["state"] == "blocked" and d["objections"][0]["state"] == "answered" and d["objections"][0]["by"] == "'"$reviewer"'"'
check "objection has a reason" json_has 'd["objections"][0]["reason"].startswith("the ring layout")'
check "lapsing objection flagged" exit_is 1 st --now 2017-02-09 protocol check
check "flag names the rule" out_has "objection-lapsing"
check "show at the lapse" exit_is 0 st --now 2017-02-10T12:00:00Z --json proposal show "$proposal"
check "passed, objection lapsed" json_has 'd["state"] == "passed" and d["objections"][0]["state"] == "lapsed"'
check "the past is still exact" exit_is 0 st --now 2017-02-01T12:00:00Z --json proposal show "$proposal"
check "open in the past" json_has 'd["state"] == "open" and d["objections"] == []'

# Deciding: only the Czar, and only with the criteria met or waived.
check "non-czar decide refused" exit_is 4 st --as "$dev" --now 2017-02-11 decide "$proposal" --accept --rationale ok
check "refusal names the role" err_has "czar role"
check "unmet criteria refused" exit_is 2 st --as "$czar" --now 2017-02-11 decide "$proposal" --accept \
  --rationale "agreed on the list"
check "refusal names the criterion" err_has "design-committed"
check "record design" exit_is 0 st --as "$dev" --now 2017-02-11 protocol set pvcalls \
  --design-doc docs/misc/pvcalls.pandoc --design-commit 1a0ab02e342c --version 1
check "criterion met now" exit_is 0 st --now 2017-02-11 --json protocol show pvcalls
check "met with evidence" json_has \
  'd["next_stage"]["criteria"][0]["met"] and "1a0ab02e342c" in d["next_stage"]["criteria"][0]["detail"]'
check "accept" exit_is 0 st --as "$czar" --now 2017-02-12 decide "$proposal" --accept --rationale "agreed on the list"
check "stage moved" exit_is 0 st --now 2017-02-12 --json protocol show pvcalls
check "at prototype with history" json_has \
  'd["stage"] == "prototype" and d["history"][-1]["proposal"] == '"$proposal"
check "decided proposal takes no action" exit_is 2 st --as "$reviewer" --now 2017-02-13 object "$proposal" \
  --reason "too late for this one"
check "history" exit_is 0 st protocol history pvcalls
check "history has the stage change" out_has "protocol.stage"

# Production needs implementations; the Czar may waive what cannot be met.
check "impl" exit_is 0 st --as "$dev" --now 2017-03-01 protocol impl pvcalls --code-base Linux \
  --role frontend --state committed --ref "linux.git 3f5f5a4b"
check "impl without ref refused" exit_is 2 st --as "$dev" --now 2017-03-01 protocol impl pvcalls \
  --code-base QEMU --role backend --state committed
check "propose production" exit_is 0 st --as "$dev" --now 2017-03-02 --json propose pvcalls --window 72h
second=$(json_get '["id"]')
check "withdraw" exit_is 0 st --as "$dev" --now 2017-03-03 withdraw "$second"
check "propose again" exit_is 0 st --as "$dev" --now 2017-03-04 --json propose pvcalls --window 72h
third=$(json_get '["id"]')
check "waive all and accept" exit_is 0 st --as "$czar" --now 2017-03-07 decide "$third" --accept \
  --rationale "backends live outside the tracked code bases" --waive all
check "production with waivers" exit_is 0 st --now 2017-03-07 --json protocol show pvcalls
check "waivers recorded" json_has 'd["stage"] == "production" and len(d["waivers"]) == 2'
check "proposal list" exit_is 0 st --now 2017-03-07 --json proposal list
check "three proposals" json_has '[p["state"] for p in d] == ["accepted", "withdrawn", "accepted"]'

# The Czar may waive a criterion outside a decision; nobody else may.
check "add pvscsi" exit_is 0 st --as "$dev" --now 2017-04-01 protocol add pvscsi --summary "PV SCSI"
check "propose pvscsi" exit_is 0 st --as "$dev" --now 2017-04-02 --json propose pvscsi \
  --thread "<pvscsi-1@example.org>"
open=$(json_get '["id"]')
check "object pvscsi" exit_is 0 st --as "$reviewer" --now 2017-04-03 --json object "$open" \
  --reason "the ring size is not negotiated"
open_objection=$(json_get '["id"]')
check "answer pvscsi" exit_is 0 st --as "$dev" --now 2017-04-04 answer "$open_objection" \
  --text "section 4 negotiates it"
check "waive refused for a non-czar" exit_is 4 st --as "$dev" --now 2017-04-05 protocol waive pvscsi \
  --criterion design-committed --reason "the design is in the wiki"
check "waive refusal says why" err_has "czar role"
check "waive without a reason refused" exit_is 2 st --as "$czar" --now 2017-04-05 protocol waive pvscsi \
  --criterion design-committed
check "waive an unknown criterion refused" exit_is 3 st --as "$czar" --now 2017-04-05 protocol waive \
  pvscsi --criterion no-such --reason "because"
check "waive" exit_is 0 st --as "$czar" --now 2017-04-05 --json protocol waive pvscsi \
  --criterion design-committed --reason "the design is in the wiki"
check "waiver shown" json_has \
  'd["waivers"][0]["criterion"] == "design-committed" and d["waivers"][0]["by"] == "'"$czar"'"'

# Proposals round-trip through the project file: numbers, actions, states.
p2() { "$stocktake" --db "$work/p2.db" "$@"; }
check "export with proposals" exit_is 0 st export -o "$work/p1.yaml"
check "export lists the proposals" grep -q "^proposals:" "$work/p1.yaml"
check "import proposals" exit_is 0 p2 --as "$czar" --now 2017-05-01 --json import "$work/p1.yaml"
check "import counts protocols and proposals" json_has \
  'd["proposals_added"] == 4 and d["protocols_added"] == 2 and d["events_written"] > 0'
check "export again" exit_is 0 p2 export -o "$work/p2.yaml"
check "identical export" cmp "$work/p1.yaml" "$work/p2.yaml"
# The export names its admin, so the importer did not become one.
check "only the admin re-imports" exit_is 4 p2 --as "$czar" --now 2017-05-02 import "$work/p1.yaml"
check "re-import" exit_is 0 p2 --as admin@example.org --now 2017-05-02 --json import "$work/p1.yaml"
check "re-import writes nothing" json_has \
  'd["events_written"] == 0 and d["proposals_added"] == 0 and d["protocols_updated"] == 0'
check "text summary" exit_is 0 p2 --as admin@example.org --now 2017-05-02 import "$work/p1.yaml"
check "text summary counts proposals" out_has " 0 proposal(s) added, 0 updated; 0 event(s)"
for when in 2017-02-05 2017-03-05 2017-04-10 2017-04-12; do
  st --now "$when" --json proposal list >"$work/before.json"
  p2 --now "$when" --json proposal list >"$work/after.json"
  check "same states at $when" python3 -c "import json,sys; a, b = (json.load(open(f)) for f in sys.argv[1:]); assert a == b and a, (a, b)" \
    "$work/before.json" "$work/after.json"
done
check "numbers continue above the imported" exit_is 0 p2 --as "$reviewer" --now 2017-04-10 --json object \
  "$open" --reason "the ring size is still not negotiated"
check "next number" json_has "d['id'] == $open_objection + 1"
sed 's/^    protocol: pvscsi$/    protocol: nosuch/' "$work/p1.yaml" >"$work/bad.yaml"
check "bad proposal refused" exit_is 2 "$stocktake" --db "$work/p3.db" --as "$czar" import "$work/bad.yaml"
check "refusal names file:line:column" err_has "bad.yaml:[0-9]*:[0-9]*: .*unknown protocol 'nosuch'"
check "nothing written" exit_is 3 "$stocktake" --db "$work/p3.db" export

# A design document check.
cat >"$work/good.md" <<'EOF'
# Foo protocol
## Xenstore handshake
The frontend writes ring-ref and event-channel.
## ABI
Requests and responses on a shared ring.
## How the protocol works
EOF
printf '# Foo\nstruct foo_request {\n  uint32_t id;\n};\n' >"$work/bad.md"
check "design-check passes" exit_is 0 st design-check "$work/good.md"
check "design-check fails" exit_is 1 st --json design-check "$work/bad.md"
check "design-check json" json_has 'd["passes"] == False and d["structs"][0]["line"] == 2'

# The Xen PV protocols example loads and gives its support matrix.
ex() { "$stocktake" --db "$work/xen.db" "$@"; }
check "import example" exit_is 0 ex --as "$czar" --now 2026-01-01 import "$root/examples/xen-pv-protocols.yaml"
check "support matrix" exit_is 0 ex support-matrix
check "matrix rows" out_has "^pvcalls "
check "matrix json" exit_is 0 ex support-matrix --format json
check "sndif in production by 4.13" json_has \
  '[c for p in d["protocols"] if p["name"] == "sndif" for c in p["cells"] if c["release"] == "4.13"][0]["stage"] == "production"'
check "export round trip" bash -c "'$stocktake' --db '$work/xen.db' export -o '$work/e1.yaml' &&
  '$stocktake' --db '$work/xen2.db' --now 2026-01-02 import '$work/e1.yaml' >/dev/null &&
  '$stocktake' --db '$work/xen2.db' export -o '$work/e2.yaml' && cmp '$work/e1.yaml' '$work/e2.yaml'"
check "stalled protocols flagged" exit_is 1 ex --now 2026-01-01 protocol check

finish
