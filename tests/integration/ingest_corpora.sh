#!/usr/bin/env bash
# Ingestion of the real corpora in ../shared/data on the real binary: none of
# the malformed mails makes it fail (each is stored or reported, exit 0 or 8),
# and the notmuch threading Maildir threads as notmuch does. Skipped (exit 77)
# in a clone without ../shared.
#   tests/integration/ingest_corpora.sh path/to/stocktake
# shellcheck source=tests/integration/lib.sh
source "$(dirname "$0")/lib.sh" "$1"
require_shared data/mail/malformed \
  "the Patchwork project's fuzzed mails (getpatchwork/patchwork, patchwork/tests/data/fuzz/)"
require_shared data/mail/notmuch-corpus/threading \
  "the notmuch project's test corpora (notmuch/notmuch, test/corpora/)"
data="$shared/data/mail"
st() { "$stocktake" --db "$work/st.db" --now 2017-03-01 "$@"; }
json() {  # json PYTHON-EXPRESSION: evaluated with `d` = the JSON in $work/out
  python3 -c "import json,sys; d=json.load(open('$work/out')); sys.exit(0 if ($1) else 1)"
}

files=0
for file in "$data"/malformed/*.mbox; do
  "$stocktake" --db "$work/bad.db" ingest mbox "$file" >/dev/null 2>"$work/err"
  code=$?
  check "malformed $(basename "$file")" test "$code" = 0 -o "$code" = 8
  files=$((files + 1))
done
check "17 malformed mailboxes" test "$files" -eq 17
check "maildir" exit_is 0 st --json ingest maildir "$data/notmuch-corpus/threading"
check "maildir threads" json 'd["threads"] == 3'

finish
