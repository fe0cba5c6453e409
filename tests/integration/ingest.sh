#!/usr/bin/env bash
# Evidence ingestion on the real binary and a SQLite file: exit statuses,
# idempotent re-runs, skipped-message reports and the JSON of series, thread
# and stats.
#   tests/integration/ingest.sh path/to/stocktake
# shellcheck source=tests/integration/lib.sh
source "$(dirname "$0")/lib.sh" "$1"
git config --global user.email "ingest@example.org"
git config --global user.name "Ingest Test"
st() { "$stocktake" --db "$work/st.db" --now 2017-03-01 "$@"; }

json() {  # json PYTHON-EXPRESSION: evaluated with `d` = the JSON in $work/out
  python3 -c "import json,sys; d=json.load(open('$work/out')); sys.exit(0 if ($1) else 1)"
}

# An mbox with a patch series, a review and a duplicate Message-ID.
mail() {  # mail ID SUBJECT BODY [IN-REPLY-TO]
  printf 'From dev@example.org Mon Feb  6 10:00:00 2017\nFrom: Dev <dev@example.org>\n'
  printf 'Date: Mon, 6 Feb 2017 10:00:00 +0000\nSubject: %s\nMessage-ID: <%s>\n' "$2" "$1"
  [ -n "${4:-}" ] && printf 'In-Reply-To: <%s>\nReferences: <%s>\n' "$4" "$4"
  printf '\n%b\n\n' "$3"
}
{
  mail c@x "[PATCH v2 0/2] pvcalls: frontend" "cover"
  mail p1@x "[PATCH v2 1/2] pvcalls: skeleton" "one\n\nSigned-off-by: Dev <dev@example.org>" c@x
  mail p2@x "[PATCH v2 2/2] pvcalls: connect" "two\n\nSigned-off-by: Dev <dev@example.org>" c@x
  mail r@x "Re: [PATCH v2 1/2] pvcalls: skeleton" "> one\n\nReviewed-by: Rev <rev@example.org>" p1@x
  mail r@x "Re: [PATCH v2 1/2] pvcalls: skeleton" "duplicate copy" p1@x
} >list.mbox

check "mbox ingests" exit_is 0 st --json ingest mbox list.mbox
check "mbox summary counts" json 'd["messages_added"] == 4 and d["duplicates"] == 1 and d["series"] == 1'
check "mbox again adds nothing" exit_is 0 st --json ingest mbox list.mbox
check "mbox again summary" json 'd["messages_added"] == 0 and d["sources_unchanged"] == 1'
check "summary line" exit_is 0 st ingest mbox list.mbox
check "summary line text" grep -q '^ingest mbox: .* 0 added' "$work/out"
mail n@x "[PATCH] xen: new" "three" >>list.mbox
check "grown mbox" exit_is 0 st --json ingest mbox list.mbox
check "grown mbox adds one" json 'd["messages_added"] == 1'
xz -k list.mbox
check "xz copy is the same messages" exit_is 0 st --json ingest mbox list.mbox.xz
check "xz copy adds nothing" json 'd["messages_added"] == 0 and d["duplicates"] >= 1'

check "series list json" exit_is 0 st --json series list
check "series shape" json 'len(d) == 2 and all(k in s for s in d for k in ("name", "version", "cover_letter", "patches", "received_all", "lineage", "trailers"))'
check "series v2" json '[s for s in d if s["version"] == 2][0]["patches"] == ["p1@x", "p2@x"] and [s for s in d if s["version"] == 2][0]["cover_letter"] == "c@x"'
check "series trailers per patch" json 'any(t["canonical_key"] == "reviewed-by" for s in d for t in s["trailers"][0])'
check "thread show" exit_is 0 st --json thread show "<r@x>"
check "thread json" json 'd["root"] == "c@x" and len(d["messages"]) == 4'
check "thread show unknown" exit_is 3 st thread show nobody@x

# Malformed mail: stored where possible, skipped ones reported with file:offset, exit 8.
printf 'junk\001\n\nFrom a\nFrom: x\nSubject: ok\n\nbody\n' >junk.mbox
check "skipped exit" exit_is 8 st ingest mbox junk.mbox
check "skipped report" grep -q 'skipped .*junk.mbox:0:' "$work/err"

# A Maildir, with the colons and commas of real file names (the real corpora: ingest_corpora.sh).
mkdir -p maildir/cur maildir/new
mail m1@x "threads: root" "root" | tail -n +2 >"maildir/cur/1:2,S"
mail m2@x "Re: threads: root" "reply" m1@x | tail -n +2 >"maildir/new/2"
check "maildir" exit_is 0 "$stocktake" --db "$work/maildir.db" --json ingest maildir maildir
check "maildir threads" json 'd["messages_added"] == 2 and d["threads"] == 1'

# Git: only new commits on a re-run; trailers counted per commit.
git init -q repo
commit() { echo "$1" >>"repo/$1" && git -C repo add -A && git -C repo commit -q -m "$2"; }
commit a "one

Acked-by: Ann <ann@example.org>
Signed-off-by: Dev <dev@example.org>"
commit b "two

Signed-off-by: Dev <dev@example.org>"
check "git ingests" exit_is 0 st --json ingest git repo
check "git two commits" json 'd["commits_added"] == 2'
check "git again" exit_is 0 st --json ingest git repo
check "git again nothing" json 'd["commits_read"] == 0 and d["commits_added"] == 0'
commit c "three

Acked-by: Ann <ann@example.org>"
check "git new commit" exit_is 0 st --json ingest git repo
check "git one new" json 'd["commits_read"] == 1 and d["commits_added"] == 1'
check "stats" exit_is 0 st --json stats
check "stats shape" json 'd["commits"] == 3 and d["commits_with_trailer"]["acked-by"] == 2 and d["commits_with_trailer"]["signed-off-by"] == 2 and d["messages"] >= 5 and d["series"] >= 1 and d["threads"] >= 1 and "trailers" in d'
# A NAK in a proposal's thread: a draft objection the Czar confirms.
"$stocktake" --db "$work/st.db" --as czar@example.org --now 2017-01-01 init >/dev/null  # ingest needed no project
# Once initialised, the database has people and roles: the Czar (its first
# admin) names who proposes and who ingests.
"$stocktake" --db "$work/st.db" --as czar@example.org person add czar@example.org --role admin \
  --role czar >/dev/null
"$stocktake" --db "$work/st.db" --as czar@example.org person add dev@example.org \
  --role contributor >/dev/null
check "a contributor may not ingest" exit_is 4 st --as dev@example.org ingest mbox list.mbox
check "the refusal names the roles" err_has "needs the admin or maintainer role"
"$stocktake" --db "$work/st.db" --as czar@example.org person add ingest@example.org \
  --role maintainer >/dev/null
"$stocktake" --db "$work/st.db" --as dev@example.org --now 2017-01-02 protocol add pvcalls >/dev/null
# The maintainer proposes: the NAK below is dev's, and a proposer does not
# object to their own proposal.
"$stocktake" --db "$work/st.db" --as ingest@example.org --now 2017-02-01 propose pvcalls --thread "<prop@x>" >/dev/null
{
  mail prop@x "[PROPOSAL] pvcalls to Prototype" "Let us move on."
  mail nak@x "Re: [PROPOSAL] pvcalls to Prototype" "> Let us move on.\n\nNAK: the ring layout is not specified." prop@x
} >proposal.mbox
check "nak ingest" exit_is 0 st --json ingest mbox proposal.mbox
check "nak drafted" json 'd["draft_objections"] == 1'
check "draft list" exit_is 0 st --json draft-objection list
check "draft listed" json 'len(d) == 1 and d[0]["state"] == "draft" and d[0]["message_id"] == "nak@x"'
check "draft confirm by a non-czar refused" exit_is 4 st --as dev@example.org draft-objection confirm "<nak@x>"
check "draft still a draft" exit_is 0 st --json draft-objection list
check "draft unchanged" json 'd[0]["state"] == "draft"'
check "draft confirm" exit_is 0 st --as czar@example.org --json draft-objection confirm "<nak@x>"
check "draft confirmed" json 'd["state"] == "confirmed" and d["objection"] > 0'
check "confirm twice refused" exit_is 4 st --as czar@example.org draft-objection confirm nak@x
check "help lists exit 8" sh -c "'$stocktake' --help | grep -q '8 ingest skipped'"

finish
