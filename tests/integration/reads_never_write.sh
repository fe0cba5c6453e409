#!/usr/bin/env bash
# Issue 12, item 5: read commands never write. A read opens the database
# read-only and refuses a file that is not a Stocktake database or needs a
# migration, leaving it byte for byte as it was; a read-only file in a
# read-only directory can be read; only writes and `migrate` create or change
# the schema; a failed or interrupted command that created a database file
# removes it.
#   tests/integration/reads_never_write.sh path/to/stocktake
# shellcheck source=tests/integration/lib.sh
source "$(dirname "$0")/lib.sh" "$1"
export STOCKTAKE_NOW=2013-01-21 GIT_CONFIG_NOSYSTEM=1
st() { "$stocktake" --as george.dunlap@citrix.com "$@"; }
same_bytes() { [ "$(sha256sum <"$1")" = "$2" ]; }
no_file() { [ ! -e "$1" ] || { echo "  $1 exists"; return 1; }; }
journal_mode() { sqlite3 "$1" "PRAGMA journal_mode"; }

# Someone else's SQLite file: a read refuses it and changes nothing (before,
# `report` added 33 tables and switched it to WAL); so does a write.
sqlite3 foreign.db "CREATE TABLE mine(x); INSERT INTO mine VALUES (1);"
foreign=$(sha256sum <foreign.db)
check "report on a foreign file: refused" exit_is 3 st --db foreign.db report 4.3
check "report on a foreign file: says so" err_has \
  "not a Stocktake database: foreign.db has no stocktake schema; run stocktake init to create one"
check "feature list on a foreign file: refused" exit_is 3 st --db foreign.db feature list
check "stats on a foreign file: refused" exit_is 3 st --db foreign.db stats
check "import into a foreign file: refused" exit_is 3 st --db foreign.db import \
  "$root/examples/xen-4.3.yaml"
check "import into a foreign file: says so" err_has "foreign.db holds other tables and no stocktake schema"
check "migrate of a foreign file: refused" exit_is 3 st --db foreign.db migrate
check "foreign file unchanged" same_bytes foreign.db "$foreign"
check "foreign file keeps its journal mode" test "$(journal_mode foreign.db)" = delete
check "foreign file: no WAL beside it" no_file foreign.db-wal

# An empty file: a read writes no schema into it; a file that is no SQLite
# database at all is named.
: >empty.db
check "report on an empty file: refused" exit_is 3 st --db empty.db report 4.3
check "report on an empty file: says so" err_has "not a Stocktake database: empty.db has no stocktake schema"
check "empty file stays empty" test ! -s empty.db
printf 'release: 4.3\n%.0s' $(seq 300) >text.db
check "report on a text file: malformed" exit_is 5 st --db text.db report 4.3
check "report on a text file: says so" err_has "not a Stocktake database: text.db is not a SQLite database"

# A database of an older schema: reads say to migrate and leave it alone;
# `migrate` brings it up to date, and then it reads.
latest=$(ls "$root"/src/storage/sql/migrations/*.sql | wc -l)
for file in "$root"/src/storage/sql/migrations/*.sql; do
  version=$((10#$(basename "$file" | cut -c1-4)))
  [ "$version" -lt "$latest" ] || break
  sed 's/{{AUTO_ID}}/INTEGER PRIMARY KEY/g' "$file"
done >old-schema.sql
{
  echo "CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL);"
  cat old-schema.sql
  echo "INSERT INTO schema_migrations VALUES ($((latest - 1)), 'old');"
} | sqlite3 old.db
old=$(sha256sum <old.db)
check "report on an older schema: refused" exit_is 4 st --db old.db release list
check "report on an older schema: says to migrate" err_has \
  "old.db has schema version $((latest - 1)), older than this stocktake's ($latest): run stocktake migrate"
check "older schema unchanged by the read" same_bytes old.db "$old"
check "migrate" exit_is 0 st --db old.db migrate
check "migrate: says what it did" out_has \
  "Migrated old.db from schema version $((latest - 1)) to $latest."
check "migrate again" exit_is 0 st --db old.db --json migrate
check "migrate again: nothing to do" json_has "d == {'database': 'old.db', 'from': $latest, 'to': $latest}"
check "after migrate: reads" exit_is 0 st --db old.db release list
check "migrate of no file: not found" exit_is 3 st --db missing.db migrate
check "migrate of no file: creates nothing" no_file missing.db

# A read-only file in a read-only directory reads (as a user who cannot
# write it: root can, so root runs the reads as nobody).
check "import" exit_is 0 st --db plan.db import "$root/examples/xen-4.3.yaml"
check "report" exit_is 0 st --db plan.db report 4.3
cp "$work/out" report.txt
mkdir ro
cp plan.db ro/plan.db
chmod 444 ro/plan.db
chmod 555 ro
chmod 755 "$work"
as_reader=()
if [ "$(id -u)" -eq 0 ]; then
  as_reader=(setpriv --reuid=65534 --regid=65534 --clear-groups)
fi
if "${as_reader[@]}" test -w ro; then
  echo "SKIP: cannot make a directory this user cannot write"
else
  check "read-only directory: report" exit_is 0 "${as_reader[@]}" "$stocktake" --db ro/plan.db report 4.3
  check "read-only directory: the same report" cmp -s "$work/out" report.txt
  check "read-only directory: feature list" exit_is 0 "${as_reader[@]}" "$stocktake" --db ro/plan.db feature list
  check "read-only directory: nothing beside the file" test "$(ls ro)" = plan.db
  check "read-only directory: a write fails" exit_is 6 "${as_reader[@]}" "$stocktake" \
    --db ro/plan.db --as george.dunlap@citrix.com feature set domain-builder --status done
fi
chmod 755 ro

# A failed command that created the database removes it (before, a failed
# `ingest git` left an empty initialised database).
check "ingest git of no repository fails" exit_is 3 st --db new.db ingest git "$work/no-such-repo"
check "failed ingest: no database left" no_file new.db
check "failed import: no database left" exit_is 2 st --db new.db import /dev/null
check "failed import: no database left" no_file new.db

# An interrupted one too: the import waits on a FIFO with its new database
# open, and SIGTERM ends it.
mkfifo project.fifo
"$stocktake" --as george.dunlap@citrix.com --db interrupted.db import project.fifo >/dev/null 2>&1 &
pid=$!
for _ in $(seq 100); do [ -e interrupted.db ] && break; sleep 0.1; done
check "interrupted import: it had created the database" test -e interrupted.db
kill -TERM "$pid"
wait "$pid"
check "interrupted import: died of SIGTERM" test $? -eq 143
for suffix in "" -wal -shm; do
  check "interrupted import: no interrupted.db$suffix left" no_file "interrupted.db$suffix"
done

finish
