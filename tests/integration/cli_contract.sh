#!/usr/bin/env bash
# The CLI contract, run on the real binary against a real SQLite file:
#   tests/integration/cli_contract.sh path/to/stocktake
# shellcheck source=tests/integration/lib.sh
source "$(dirname "$0")/lib.sh" "$1"
golden="$root/tests/data/taking-stock-4.3.txt"  # the 2013 seed mail's body
git config --global user.email "ian.campbell@citrix.com"

st() { "$stocktake" --db "$work/st.db" "$@"; }

# The main job and its golden output.
check "import" exit_is 0 st --now 2013-01-21 import "$root/examples/xen-4.3.yaml"
check "import summary" grep -q "41 feature(s) added" "$work/out"
check "the importer is the first admin" \
  grep -q "^ian.campbell@citrix.com is the first admin of $work/st.db" "$work/out"
check "report golden" exit_is 0 st --now 2013-01-21 report 4.3
check "report equals seed" cmp "$work/out" "$golden"
check "STOCKTAKE_DB and STOCKTAKE_NOW" bash -c \
  "STOCKTAKE_DB='$work/st.db' STOCKTAKE_NOW=2013-01-21 '$stocktake' report 4.3 | cmp - '$golden'"

# Export / import / export round trip through files.
check "export" exit_is 0 st export -o "$work/e1.yaml"
check "import export" exit_is 0 "$stocktake" --db "$work/copy.db" --now 2013-01-21 import "$work/e1.yaml"
check "export again" exit_is 0 "$stocktake" --db "$work/copy.db" export -o "$work/e2.yaml"
check "round trip identical" cmp "$work/e1.yaml" "$work/e2.yaml"

# Reads take --json.
for read in "release list" "release show 4.3" "feature list --release 4.3" "feature show blktap3" \
  "feature history blktap3" "person list" "check 4.3"; do
  # shellcheck disable=SC2086
  check "--json $read" exit_is 0 st --now 2013-01-21 --json $read
  check "--json $read parses" json_ok
done
check "report json" exit_is 0 st --now 2013-01-21 report 4.3 --format json
check "report json content" json_has 'd["version"]=="4.3" and len(d["sections"])==4'
check "release show json" exit_is 0 st --now 2013-01-21 --json release show 4.3
check "release show days" json_has 'd["days_to_freeze"]==63 and d["features_by_status"]["at-risk"]==16'

# --as defaults to git's user.email and is recorded. An admin changes no
# feature until they hold a role that may.
check "an admin is no release manager" exit_is 4 st --now 2013-01-22 feature set \
  rationalized-backend-scripts --status at-risk
check "the refusal names the role and how to get it" \
  err_has "needs the release-manager role, or the maintainer or contributor role as one of its owners"
check "the admin grants themselves the role" exit_is 0 st person add ian.campbell@citrix.com \
  --role admin --role release-manager
check "feature set" exit_is 0 st --now 2013-01-22 feature set rationalized-backend-scripts \
  --status at-risk --reason "maintainer on leave"
check "history actor" exit_is 0 st --json feature history rationalized-backend-scripts
check "history has git identity" json_has \
  'd[-1]["actor"]=="ian.campbell@citrix.com" and d[-1]["to"]=="at-risk" and d[-1]["reason"]=="maintainer on leave"'

# check: exit 1 with alerts, naming feature, rule and action.
check "check alerts exit 1" exit_is 1 st --now 2013-01-23 check 4.3
check "check names the chain" grep -q "scripts-for-driver-domains: \[dependency-risk\]" "$work/out"
check "check says what to do" grep -q "what to do:" "$work/out"
check "check json" exit_is 1 st --now 2013-01-23 --json check 4.3
check "check json alert" json_has 'd["alerts"][0]["rule"]=="dependency-risk"'
check "reset status" exit_is 0 st --now 2013-01-24 feature set rationalized-backend-scripts --status on-track
check "check clean exit 0" exit_is 0 st --now 2013-01-24 check 4.3

# Slips: only the release manager.
check "slip refused" exit_is 4 st --now 2013-02-01 --as ian.jackson@eu.citrix.com release slip 4.3 \
  --freeze 2013-04-08 --reason PVH
check "slip refusal says why" grep -q "stocktake: error: ian.jackson@eu.citrix.com may not slip a release: it needs the release-manager role" "$work/err"
check "slip by RM" exit_is 0 st --now 2013-02-01 --as george.dunlap@eu.citrix.com release slip 4.3 \
  --freeze 2013-04-08 --reason "PVH needs two more weeks"
check "report since" exit_is 0 st --now 2013-02-02 report 4.3 --since 2013-01-22
check "since has slip" grep -q "Schedule slipped: feature freeze 2013-03-25 -> 2013-04-08" "$work/out"

# Features by slug, with their derived names.
check "feature add" exit_is 0 st --now 2013-02-03 feature add "xl shutdown --wait" --release 4.3 \
  --status fair --depends-on "PVH mode"
check "feature add slug" grep -q "slug xl-shutdown-wait" "$work/out"
check "feature show by title" exit_is 0 st feature show "xl shutdown --wait"
check "feature show depends" grep -q "depends on pvh-mode-xen-linux" "$work/out"

# E-mail: a message sendmail -t and git send-email accept.
check "email" exit_is 0 "$stocktake" --now 2013-01-21T09:00:00Z --as george.dunlap@eu.citrix.com \
  --db "$work/copy.db" report 4.3 --format email
check "email parses" python3 - "$work/out" "$golden" <<'PY'
import email, sys
from email import policy
message = email.message_from_bytes(open(sys.argv[1], "rb").read(), policy=policy.default)
assert message["Subject"] == "4.3 Planning: Taking stock", message["Subject"]
assert message["From"] == "George Dunlap <george.dunlap@eu.citrix.com>", message["From"]
assert message["To"] == "xen-devel@lists.xen.org"
assert message["Date"].datetime.isoformat() == "2013-01-21T09:00:00+00:00"
assert message["Message-ID"].startswith("<taking-stock.4-3.")
body = message.get_content()
assert body == open(sys.argv[2]).read(), "body differs"
PY

# Errors: stderr, "stocktake: error:", non-zero, nothing written.
check "unknown release" exit_is 3 st report 9.9
check "unknown release message" grep -q "^stocktake: error: no release '9.9': known releases are 4.3" "$work/err"
check "bad --now" exit_is 2 st --now 2013-13-01 report 4.3
check "bad --now message" grep -q "not a valid date" "$work/err"
check "a usage error exits 2" exit_is 2 st report 4.3 --format bogus
check "and reads like every other error, naming the command's help" \
  grep -qx "stocktake: error: --format: bogus not in {text,markdown,json,email}" "$work/err"
check "with the help of that command" err_has "Run 'stocktake report --help'"
check "a bad --now is refused even by a read that does not use it" \
  exit_is 2 st --now garbage feature list
check "a bad date is refused before the database is opened" \
  exit_is 2 "$stocktake" --db "$work/none.db" release add 9.9 --start 2020-13-01 \
  --freeze 2020-03-01 --release 2020-04-01
check "naming the option" err_has "stocktake: error: --start: '2020-13-01' is not a valid date"
# A subject rule that is no pattern is refused at import, with its place.
printf 'project:\n  name: X\nreleases:\n  - version: "1.0"\n    start: 2020-01-01\n    freeze: 2020-06-01\n    release: 2020-07-01\n    features:\n      - title: W\n        evidence:\n          subjects: ["(unclosed"]\n' >"$work/badrule.yaml"
check "an invalid subject pattern is refused" \
  exit_is 2 "$stocktake" --db "$work/rule.db" import "$work/badrule.yaml"
check "naming its line and the problem" err_has "badrule.yaml:11:22: '(unclosed' is not a valid pattern: missing )"
check "and writing nothing" test ! -e "$work/rule.db"

# Stored text never drives the terminal: escapes show as caret notation.
check "a title with terminal escapes is stored" \
  exit_is 0 st feature add $'Evil\e]0;pwned\a\e[2J title' --release 4.3 --slug evil-title
check "and listed without an escape byte" exit_is 0 st feature list --release 4.3
check "shown as ^[ and ^G" out_has 'Evil^\[\]0;pwned^G^\[\[2J title'
check "no ESC reaches the terminal" bash -c "! grep -q $'\e' '$work/out'"
check "the Markdown report shows it too" exit_is 0 st --now 2013-01-21 report 4.3 --format markdown
check "without an escape byte" bash -c "! grep -q $'\e' '$work/out'"
check "unknown feature" exit_is 3 st feature show "no such thing"
check "missing database" exit_is 3 "$stocktake" --db "$work/none.db" report 4.3
check "missing database hint" grep -q "stocktake init" "$work/err"
check "missing database not created" test ! -e "$work/none.db"
st export -o "$work/before.yaml"
events_before=$(sqlite3 "$work/st.db" "SELECT COUNT(*) FROM events" 2>/dev/null || echo na)
printf 'releases:\n  - version: "5.0"\n    start: 2013-01-01\n    freeze: 2012-06-01\n    release: 2013-09-01\n' >"$work/bad.yaml"
check "bad import refused" exit_is 2 st import "$work/bad.yaml"
check "bad import names place" grep -q "bad.yaml:4:13: the feature freeze 2012-06-01 of 5.0 is before its start" "$work/err"
printf 'releases:\n  - version: "5.0"\n    start: 2013-01-01\n    freeze: 2013-06-01\n    release: 2013-09-01\n    features:\n      - title: A\n        status: on-track\n      - title: B\n        status: fair\n        depends_on: [missing]\n' >"$work/bad2.yaml"
check "bad import 2 refused" exit_is 2 st import "$work/bad2.yaml"
st export -o "$work/after.yaml"
check "database untouched" cmp "$work/before.yaml" "$work/after.yaml"
if command -v sqlite3 >/dev/null; then
  check "no events written" test "$(sqlite3 "$work/st.db" "SELECT COUNT(*) FROM events")" = "$events_before"
fi
check "failed import into a new database" exit_is 2 "$stocktake" --db "$work/new.db" import "$work/bad.yaml"
check "failed import leaves no database file" test ! -e "$work/new.db"
check "import of a directory" exit_is 2 st import "$work"
check "import of a directory says so" err_has "is a directory: name a file"
check "unknown subcommand" exit_is 2 st frobnicate
check "help" exit_is 0 st --help
check "help lists commands" grep -q "report" "$work/out"
check "help groups commands in order" python3 -c "
t = open('$work/out').read()
at = [t.index('\n' + h + ':\n') for h in
      ('Planning', 'Protocols and lazy consensus', 'Evidence', 'Administration')]
assert at == sorted(at), at"
check "version" exit_is 0 st --version
check "version names the schemas" out_has "database schema"

# Arguments that are not UTF-8 are refused before anything runs.
st export -o "$work/before-utf8.yaml"
check "non-UTF-8 argument refused" exit_is 2 st --now 2013-02-04 feature add $'bad\xffname' --release 4.3
check "non-UTF-8 argument named" err_has "^stocktake: error: argument 7: not valid UTF-8"
check "non-UTF-8 argument prints nothing" test ! -s "$work/out"
st export -o "$work/after-utf8.yaml"
check "non-UTF-8 argument wrote nothing" cmp "$work/before-utf8.yaml" "$work/after-utf8.yaml"

# JSON never aborts on bytes that are not UTF-8 in data stored by older versions.
if command -v sqlite3 >/dev/null; then
  sqlite3 "$work/st.db" "UPDATE events SET reason = CAST(x'6f6e20ff206c65617665' AS TEXT)
    WHERE reason = 'maintainer on leave'"
  check "--json history with a stored \\xff" exit_is 0 st --json feature history rationalized-backend-scripts
  check "\\xff printed as U+FFFD" json_has 'any(e["reason"] == "on \ufffd leave" for e in d)'
  check "--json show with a stored \\xff" exit_is 0 st --json feature show rationalized-backend-scripts
  check "--json show parses" json_ok
fi

finish
