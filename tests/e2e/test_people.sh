#!/usr/bin/env bash
# e2e: a coordinator's day with the store: import a roster, list, show,
# export, re-import, bad files, --dry-run, --full, --map, groups, backup
# and restore, a locked database and one from a newer baton.
#
# On PostgreSQL (tests/pg/e2e.txt) BATON_DB is the test's own database
# (lib.sh): backup and restore are refused there, naming pg_dump; another
# baton writing holds the write lock (an advisory lock) instead of SQLite's.
. "$(dirname "$0")/lib.sh"
tmp=$WORK
staff="$BATON_SOURCE_DIR/samples/staff.csv"
fx="$BATON_FIXTURES/store"

fail() { echo "FAIL: $*" >&2; exit 1; }
# expect STATUS CMD...: runs CMD, keeps stdout/stderr in out/err, checks status.
expect() {
  local want=$1; shift
  set +e; "$@" >out 2>err; local got=$?; set -e
  [ "$got" = "$want" ] || { cat out err >&2; fail "'$*' exited $got, wanted $want"; }
}
has() { grep -qF -- "$2" "$1" || { cat "$1" >&2; fail "$1 lacks: $2"; }; }
hasre() { grep -qE -- "$2" "$1" || { cat "$1" >&2; fail "$1 lacks a line like: $2"; }; }

# Import the sample roster: 40 people, created on first use.
expect 0 "$BATON" people import "$staff"
has out "added        40"
has out "rejected     0"
if on_postgres; then
  [ "$(sqlite3 "$BATON_DB" "SELECT count(*) FROM people")" = 40 ] || fail "the 40 people are not in the server"
else
  [ -f "$BATON_DB" ] || fail "the database was not created"
fi

# The same file again changes nothing.
expect 0 "$BATON" people import "$staff"
has out "added        0"
has out "unchanged    40"

# Listing: 20 teachers, a header line, aligned columns.
expect 0 "$BATON" people list --where role=teacher
[ "$(wc -l <out)" = 21 ] || fail "expected 20 teachers and a header"
head -1 out | grep -q '^ID  *NAME  *ROLE  *DEPARTMENT  *CAMPUS$' || fail "bad header: $(head -1 out)"
expect 0 "$BATON" --json people list --where role=teacher --where campus=Hillcrest
[ "$(grep -c '"id":' out)" = 9 ] || fail "expected 9 Hillcrest teachers in JSON"
expect 0 "$BATON" people list --where trained_facilitator=yes
[ "$(wc -l <out)" = 18 ] || fail "expected 17 trained facilitators, got $(($(wc -l <out) - 1))"
expect 2 "$BATON" people list --where role
has err "--where expects KEY=VALUE"

expect 0 "$BATON" people show T002
has out "Amélie Durand"
hasre out "^languages +French, English$"
expect 1 "$BATON" people show NOPE
has err "no person with id 'NOPE'"

# Export, and the export reads back without a change.
expect 0 "$BATON" people export roster.csv
[ "$(head -1 roster.csv)" = "id,name,email,role,department,campus,subjects,grades,languages,start_date,manager_id,active,fte,trained_facilitator" ] || fail "export header: $(head -1 roster.csv)"
expect 0 "$BATON" people import roster.csv
has out "unchanged    40"
expect 0 "$BATON" people export roster2.csv
cmp roster.csv roster2.csv || fail "export changed after re-import"
expect 0 "$BATON" people export roster.json
grep -q '"languages": \[' roster.json || fail "JSON export lacks lists"

# A rejected file: every error located, exit 1, database unchanged.
expect 1 "$BATON" people import "$fx/bad_date.csv"
has err "bad_date.csv:2:3: start_date '2023-02-30' is not a date; write it as YYYY-MM-DD"
has err "bad_date.csv:3:3: start_date '28/08/2023'"
has err "nothing was imported"
expect 1 "$BATON" people import "$fx/unterminated_quote.csv"
has err "unterminated_quote.csv:3:2: a quoted cell is never closed"
expect 1 "$BATON" people import "$fx/missing_column.csv"
has err "the required column 'name' is missing"
expect 1 "$BATON" --json people import "$fx/duplicate_id.csv"
has err '"rejected":1'
has err "duplicate_id.csv:4:1: id 'T001' appears again (first at line 2)"
expect 0 "$BATON" people export after-bad.csv
cmp roster.csv after-bad.csv || fail "a rejected import changed the database"

# Formula cells are neutralised on export and restored on import.
printf 'id,name,motto\nX1,Xavier Formula,"=HYPERLINK(""http://evil"")"\nX2,Yan Plus,+1 555\n' > formula.csv
expect 0 "$BATON" people import formula.csv
expect 0 "$BATON" people export f.csv
has f.csv "\"'=HYPERLINK(\"\"http://evil\"\")\""
has f.csv ",'+1 555"
expect 0 "$BATON" people import f.csv
has out "unchanged    42"

# --dry-run shows the change and writes nothing; --full deactivates.
printf 'id,name,role\nT001,Wei Chen,head of mathematics\n' > one.csv
expect 0 "$BATON" people import --dry-run --full one.csv
has out "Dry run"
has out "update T001: role 'teacher' -> 'head of mathematics'"
has out "deactivated  41"
expect 0 "$BATON" people show T001
hasre out "^role +teacher$"
expect 0 "$BATON" people import --full one.csv
has out "deactivated  41"
expect 0 "$BATON" people list
[ "$(wc -l <out)" = 2 ] || fail "only T001 should be active"
expect 0 "$BATON" people list --all
[ "$(wc -l <out)" = 43 ] || fail "inactive people must be kept"

# --map: the school's own column names.
expect 0 "$BATON" people import "$fx/roster.csv" --map "Staff ID=id,Full Name=name,Start Date=start_date,Manager ID=manager_id" --db "$(new_db mapped)"
has out "added        5"

# Groups.
expect 0 "$BATON" people import "$staff"
expect 0 "$BATON" groups import "$BATON_SOURCE_DIR/samples/groups.csv"
has out "added        27"
expect 0 "$BATON" groups list
has out "Wellbeing Committee         committee  6"
expect 0 "$BATON" groups show "Maths PLC"
has out "T001  Wei Chen"
expect 1 "$BATON" groups import "$fx/groups_bad.csv"
has err "groups_bad.csv:5:3: person_id 'X999' names nobody"
expect 0 "$BATON" groups export groups.csv
[ "$(wc -l <groups.csv)" = 28 ] || fail "groups export: $(wc -l <groups.csv) lines"

# Backup and restore (SQLite files); on PostgreSQL both are refused,
# naming PostgreSQL's tools, and nothing changes.
expect 0 "$BATON" people export before.csv
if on_postgres; then
  expect 0 "$BATON" --db "$tmp/file.db" people import "$staff"
  expect 0 "$BATON" --db "$tmp/file.db" backup backup.db
  expect 1 "$BATON" backup other.db
  has err "is a PostgreSQL database: baton backup works on SQLite files; use PostgreSQL's tools (pg_dump -Fc to back up, pg_restore to restore)"
  [ ! -e other.db ] || fail "a refused backup wrote other.db"
  expect 0 "$BATON" people import --full one.csv
  expect 0 "$BATON" people export changed.csv
  expect 1 "$BATON" restore backup.db
  has err "is a PostgreSQL database: baton restore works on SQLite files; use PostgreSQL's tools"
  has err "the database was not changed"
  expect 0 "$BATON" people export restored.csv
  cmp changed.csv restored.csv || fail "a refused restore changed the database"
  expect 0 "$BATON" people import "$staff"
else
  expect 0 "$BATON" backup backup.db
  has out "Backed up"
  expect 0 "$BATON" people import --full one.csv
  expect 0 "$BATON" restore backup.db
  expect 0 "$BATON" people export restored.csv
  cmp before.csv restored.csv || fail "restore did not bring the roster back"
  expect 1 "$BATON" restore formula.csv
  has err "is not a baton backup"
fi

# Another baton writing: a clear error after the busy timeout, not a hang.
# On PostgreSQL it holds baton's write lock (store.c's advisory lock).
mkfifo hold
if on_postgres; then
  ( psql -X -q "$BATON_DB" <hold >/dev/null 2>&1 & )
  exec 3>hold
  echo "BEGIN; SELECT pg_advisory_xact_lock(418581342062); INSERT INTO events(kind) VALUES ('lock');" >&3
else
  ( sqlite3 "$BATON_DB" <hold >/dev/null 2>&1 & )
  exec 3>hold
  echo "BEGIN IMMEDIATE; INSERT INTO events(kind) VALUES ('lock');" >&3
fi
sleep 0.5
BATON_BUSY_TIMEOUT_MS=200 expect 1 "$BATON" people import "$staff"
has err "another baton is writing to it"
echo "ROLLBACK;" >&3
exec 3>&-
sleep 0.3

# A database from a newer baton is refused with a clear error.
sqlite3 "$BATON_DB" "INSERT INTO schema_version(component, version) VALUES ('baton', 99)"
expect 1 "$BATON" people list
has err "was written by a newer baton (schema version 99"

echo "ok"
