#!/usr/bin/env bash
# The rule table of docs/process.md ("Who may write what"), row by row, on the
# real binary and a real SQLite file: for each action a role that may succeeds,
# and a role that may not, a reader or an unknown address gets exit 4, a
# message naming the role it needs, and a database that is byte for byte what
# it was (sqlite3 .dump). Then the escalations issue 8 names, and the event log
# naming who acted.
#   tests/integration/roles.sh path/to/stocktake
# shellcheck source=tests/integration/lib.sh
source "$(dirname "$0")/lib.sh" "$1"
if ! command -v sqlite3 >/dev/null; then
  echo "SKIP: needs the sqlite3 program (Debian package sqlite3; scripts/setup.sh installs it)"
  exit 77
fi

db="$work/st.db"
# Every command runs an hour after the one before, so each write is dated
# after what it changes, and lazy-consensus windows of a few hours pass.
tick=0
st() {
  tick=$((tick + 1))
  "$stocktake" --db "$db" --now "$(date -u -d "2030-01-01 00:00 UTC + $tick hours" +%FT%TZ)" "$@"
}
digest() { sqlite3 "$db" .dump | sha256sum; }
allowed() {  # allowed NAME ACTOR COMMAND...: exit 0
  local name=$1 actor=$2
  shift 2
  check "$name" exit_is 0 st --as "$actor" "$@"
}
refused() {  # refused NAME NEEDS ACTOR COMMAND...: exit 4, stderr has NEEDS, database unchanged
  local name=$1 needs=$2 actor=$3 before
  shift 3
  before=$(digest)
  check "$name: exit 4" exit_is 4 st --as "$actor" "$@"
  check "$name: names what it needs" err_has "$needs"
  check "$name: changes nothing" test "$(digest)" = "$before"
}

admin=admin@example.org
rm=george.dunlap@eu.citrix.com  # the release manager of examples/xen-4.3.yaml
czar=czar@example.org
maintainer=maintainer@example.org  # owns the protocols of examples/xen-pv-protocols.yaml
dev=dev@example.org
reviewer=reviewer@example.org
reader=reader@example.org
stranger=stranger@example.org  # no person holds this address

# init names the first admin: the person acting, or --admin.
check "init --admin" exit_is 0 "$stocktake" --db "$work/init.db" --as founder@example.org \
  --json init --admin boss@example.org
check "init names the admin" json_has 'd["admin"] == "boss@example.org"'
check "person list" exit_is 0 "$stocktake" --db "$work/init.db" --json person list
check "the admin is the only person" json_has \
  '[(p["email"], p["roles"]) for p in d] == [("boss@example.org", ["admin"])]'
check "init again is a conflict" exit_is 4 "$stocktake" --db "$work/init.db" --as boss@example.org init
check "the founder is no admin" exit_is 4 "$stocktake" --db "$work/init.db" --as founder@example.org \
  person add founder@example.org --role admin

# An import into an empty database initialises it: the importer is its first admin.
check "first import" exit_is 0 st --as "$admin" --json import "$root/examples/xen-4.3.yaml"
check "the import says who the first admin is" json_has 'd["first_admin"] == "'"$admin"'"'
check "protocols import" exit_is 0 st --as "$admin" --json import "$root/examples/xen-pv-protocols.yaml"
check "a second import names no admin" json_has 'd["first_admin"] is None'

# People and roles: the admin's alone.
allowed "admin adds the Czar" "$admin" person add "$czar" --role czar
allowed "admin adds a maintainer" "$admin" person add "$maintainer" --role maintainer
allowed "admin adds a contributor" "$admin" person add "$dev" --role contributor
allowed "admin adds another contributor" "$admin" person add "$reviewer" --role contributor
allowed "admin adds a reader" "$admin" person add "$reader" --role reader
refused "release manager adds a person" "needs the admin role" "$rm" person add x@example.org
refused "a reader adding themselves as Czar" "needs the admin role" "$reader" \
  person add "$reader" --role czar
refused "a contributor granting admin" "needs the admin role" "$dev" person add "$dev" --role admin
refused "a contributor granting admin to another" "needs the admin role" "$dev" \
  person add "$reviewer" --role admin
refused "a maintainer demoting the release manager" "needs the admin role" "$maintainer" \
  person add "$rm" --role reader
refused "the Czar appointing a Czar" "needs the admin role" "$czar" person add "$dev" --role czar
refused "an unknown address adding a person" "is not a known person" "$stranger" \
  person add "$stranger" --role admin
before=$(digest)
check "the last admin keeps the role" exit_is 4 st --as "$admin" person add "$admin" --role reader
check "saying why" err_has "the only admin"
check "and changing nothing" test "$(digest)" = "$before"

# Passwords for the server: everyone sets their own, only an admin another's.
allowed "a reader sets their own password" "$reader" person passwd "$reader" <<<"a long password"
allowed "admin sets another's password" "$admin" person passwd "$dev" <<<"a long password"
refused "a release manager setting another's password" "needs the admin role" "$rm" \
  person passwd "$dev" <<<"a long password"
refused "an unknown address setting a password" "needs the admin role" "$stranger" \
  person passwd "$reader" <<<"a long password"

# Import: admins only.
check "export" exit_is 0 st export -o "$work/project.yaml"
allowed "admin imports" "$admin" import "$work/project.yaml"
refused "an import by the release manager" "needs the admin role" "$rm" import "$work/project.yaml"
refused "an import by an unknown address" "needs the admin role" "$stranger" import "$work/project.yaml"

# Releases and schedules: the release manager's.
allowed "release manager adds a release" "$rm" release add 9.0 --start 2030-01-01 \
  --freeze 2030-06-01 --release 2030-09-01
refused "an unknown address adding a release" "needs the release-manager role" "$stranger" \
  release add 9.9 --start 2030-01-01 --freeze 2030-06-01 --release 2030-09-01
refused "an admin adding a release" "needs the release-manager role" "$admin" \
  release add 9.9 --start 2030-01-01 --freeze 2030-06-01 --release 2030-09-01
allowed "release manager slips" "$rm" release slip 9.0 --freeze 2030-06-15 --reason "PVH"
refused "a maintainer slipping" "needs the release-manager role" "$maintainer" \
  release slip 9.0 --freeze 2030-07-15 --reason "more time"
refused "an admin slipping" "needs the release-manager role" "$admin" \
  release slip 9.0 --freeze 2030-07-15 --reason "more time"

# Features: anyone who writes adds one; the release manager changes every one,
# a maintainer or contributor the ones they own.
allowed "contributor adds a feature" "$dev" --json feature add "vTPM 2.0" --release 9.0
check "and owns it" json_has 'd["owners"] == ["'"$dev"'"]'
slug=$(json_get '["slug"]')
refused "a reader adding a feature" "needs the release-manager, maintainer or contributor role" \
  "$reader" feature add "Reader's feature" --release 9.0
refused "an unknown address adding a feature" "is not a known person" "$stranger" \
  feature add "Stranger's feature" --release 9.0
allowed "owner changes their feature" "$dev" feature set "$slug" --status fair --reason "half done"
refused "a contributor changing a feature they do not own" "is not one of its owners" "$dev" \
  feature set blktap3 --status fair
refused "the Czar changing a feature" "needs the release-manager role" "$czar" \
  feature set blktap3 --status fair
refused "an owner marking their feature must-have" "needs the release-manager role" "$dev" \
  feature set "$slug" --must-have true
refused "an owner moving their feature to another release" "needs the release-manager role" \
  "$dev" feature set "$slug" --release 4.3
refused "a contributor adding a must-have feature" "needs the release-manager role" "$dev" \
  feature add "Must have" --release 9.0 --must-have
allowed "release manager changes any feature" "$rm" feature set blktap3 --status fair
allowed "release manager marks must-have" "$rm" feature set "$slug" --must-have true

# Protocols: contributors add them at the first stage; the Czar alone records
# a later one; evidence is the owners'.
allowed "contributor adds a protocol" "$dev" --json protocol add pvfoo --summary "PV foo"
check "and owns it" json_has 'd["owners"] == ["'"$dev"'"] and d["stage"] == "design"'
refused "a contributor adding a protocol in production" "needs the czar role" "$dev" \
  protocol add pvbar --stage production
refused "a reader adding a protocol" "needs the maintainer or contributor role" "$reader" \
  protocol add pvbaz
allowed "the Czar records a protocol already in prototype" "$czar" protocol add pvqux --stage prototype
allowed "owner records evidence" "$maintainer" protocol set pvcalls \
  --compat "Backward compatible from version 1 on; OS agnostic"
allowed "owner records an implementation" "$maintainer" protocol impl pvcalls --code-base Linux \
  --role frontend --state committed --ref "linux.git 2195046bfd69"
refused "a contributor recording evidence of a protocol they do not own" "is not one of its owners" \
  "$dev" protocol set pvcalls --version 2
refused "the Czar recording evidence" "as one of its owners" "$czar" protocol set pvcalls --version 2
before=$(digest)
check "protocol set takes no stage" exit_is 2 st --as "$czar" protocol set pvcalls --stage production
check "protocol set --stage changes nothing" test "$(digest)" = "$before"

# A stage moved by import with no decided proposal.
check "export with protocols" exit_is 0 st export -o "$work/moved.yaml"
check "the file moves pvcalls to production" python3 - "$work/moved.yaml" <<'PY'
import sys
path = sys.argv[1]
lines = open(path).read().split("\n")
at = lines.index("  - name: pvcalls")
end = next(i for i in range(at + 1, len(lines)) if lines[i].startswith("  - name: ") or not lines[i].startswith("  "))
history = next(i for i in range(at, end) if lines[i] == "    history:")
last = max(i for i in range(history, end) if lines[i].startswith("      - at: "))
entry = ["      - at: 2030-06-01", "        to: production", "        by: czar@example.org"]
stage = [i for i in range(at, end) if lines[i].startswith("    stage: ")]
if stage:
    lines[stage[0]] = "    stage: production"
following = next(i for i in range(last + 1, end + 1) if i == end or not lines[i].startswith("        "))
lines[following:following] = entry
open(path, "w").write("\n".join(lines))
PY
refused "an import moving a protocol to production with no proposal" \
  "changes stage only when the Czar accepts a proposal" "$admin" import "$work/moved.yaml"

# Lazy consensus: contributors propose, object and answer; the Czar resolves,
# waives and decides.
allowed "contributor proposes" "$dev" --json propose pvcalls --to production --window 3h \
  --thread "<prop@x>"
proposal=$(json_get '["id"]')
refused "a release manager proposing" "needs the maintainer or contributor role" "$rm" \
  propose pvfoo --to prototype
refused "a reader proposing" "needs the maintainer or contributor role" "$reader" \
  propose pvfoo --to prototype
allowed "contributor objects" "$reviewer" --json object "$proposal" \
  --reason "the ring size is not negotiated"
objection=$(json_get '["id"]')
refused "a reader objecting" "needs the maintainer or contributor role" "$reader" \
  object "$proposal" --reason "I do not like the ring at all"
refused "an unknown address objecting" "is not a known person" "$stranger" \
  object "$proposal" --reason "I do not like the ring at all"
allowed "contributor answers" "$dev" answer "$objection" --text "it is: see section 4"
refused "a reader answering" "needs the maintainer or contributor role" "$reader" \
  answer "$objection" --text "it is not"
allowed "the objector replies" "$reviewer" reply "$objection" --text "section 4 is silent on it"
refused "a maintainer resolving" "needs the czar role" "$maintainer" resolve "$objection"
allowed "the Czar resolves" "$czar" resolve "$objection" --text "section 4 covers it"

# A NAK in the proposal's thread: ingested by a maintainer, settled by the Czar.
{
  printf 'From dev@example.org Mon Jan  7 10:00:00 2030\nFrom: Dev <dev@example.org>\n'
  printf 'Date: Mon, 7 Jan 2030 10:00:00 +0000\nSubject: [PROPOSAL] pvcalls to Production\n'
  printf 'Message-ID: <prop@x>\n\nLet us move on.\n\n'
  printf 'From nak@example.org Mon Jan  7 11:00:00 2030\nFrom: Nak <nak@example.org>\n'
  printf 'Date: Mon, 7 Jan 2030 11:00:00 +0000\nSubject: Re: [PROPOSAL] pvcalls to Production\n'
  printf 'Message-ID: <nak@x>\nIn-Reply-To: <prop@x>\nReferences: <prop@x>\n\n'
  printf '> Let us move on.\n\nNAK: the ring layout is not specified.\n\n'
} >"$work/thread.mbox"
refused "a contributor ingesting" "needs the admin or maintainer role" "$dev" \
  ingest mbox "$work/thread.mbox"
refused "the Czar ingesting" "needs the admin or maintainer role" "$czar" \
  ingest mbox "$work/thread.mbox"
allowed "a maintainer ingests" "$maintainer" --json ingest mbox "$work/thread.mbox"
check "the NAK is a draft objection" json_has 'd["draft_objections"] == 1'
allowed "an admin ingests (relink)" "$admin" ingest relink
refused "a contributor confirming a draft objection" "needs the czar role" "$dev" \
  draft-objection confirm "<nak@x>"
refused "a reader dismissing a draft objection" "needs the czar role" "$reader" \
  draft-objection dismiss "<nak@x>"
allowed "the Czar dismisses it" "$czar" draft-objection dismiss "<nak@x>"

# Deciding: the Czar alone, and the only way a stored protocol changes stage.
refused "an admin deciding" "needs the czar role" "$admin" \
  decide "$proposal" --accept --rationale "lazy consensus"
refused "a maintainer deciding" "needs the czar role" "$maintainer" \
  decide "$proposal" --accept --rationale "lazy consensus"
allowed "the Czar decides" "$czar" decide "$proposal" --accept --rationale "lazy consensus" \
  --waive all
check "pvcalls moved" exit_is 0 st --json protocol show pvcalls
check "to production, citing the proposal" json_has \
  'd["stage"] == "production" and d["history"][-1]["proposal"] == '"$proposal"
allowed "contributor proposes again" "$dev" --json propose pvfoo --to prototype
second=$(json_get '["id"]')
refused "a reader withdrawing" "needs the maintainer or contributor role" "$reader" withdraw "$second"
allowed "the proposer withdraws" "$dev" withdraw "$second"
refused "a maintainer waiving" "needs the czar role" "$maintainer" protocol waive pvfoo \
  --criterion design-committed --reason "the design is in the wiki"
allowed "the Czar waives" "$czar" protocol waive pvfoo --criterion design-committed \
  --reason "the design is in the wiki"

# The event log names who acted.
check "feature history" exit_is 0 st --json feature history "$slug"
check "names the owner and the release manager" json_has \
  '[e["actor"] for e in d] == ["'"$dev"'", "'"$dev"'", "'"$dev"'", "'"$rm"'"]'
check "protocol history" exit_is 0 st --json protocol history pvcalls
check "names the Czar's decision and the proposer" json_has \
  'any(e["kind"] == "protocol.stage" and e["actor"] == "'"$czar"'" for e in d) and any(e["kind"] == "proposal.opened" and e["actor"] == "'"$dev"'" for e in d)'
check "person.saved events name the admin" test "$(sqlite3 "$db" \
  "SELECT DISTINCT actor FROM events WHERE kind = 'person.saved'")" = "$admin"
check "the draft's dismissal names the Czar" test "$(sqlite3 "$db" \
  "SELECT actor FROM events WHERE kind = 'draft-objection.dismissed'")" = "$czar"

finish
