#!/usr/bin/env bash
# e2e: staff files as school systems write them (issue 15): a UK
# information system's export (quoted, BOM, CRLF, Forename/Surname,
# dd/mm/yyyy, comma lists, manager codes, job titles) and a European Excel
# one (semicolons, decimal-comma FTE); updates without names; groups by
# hand and merging group files; Excel exports; did-you-mean and exit 2.
#
# On PostgreSQL (tests/pg/e2e.txt) every database is one on the test
# cluster (lib.sh's BATON_DB and new_db), and "the database did not
# change" compares pg_dump's data instead of the file's bytes.
. "$(dirname "$0")/lib.sh"
fx="$BATON_FIXTURES/school-exports"
uk="$fx/uk-staff.csv" eu="$fx/eu-staff.csv"
MAP="Staff Code=id,Forename+Surname=name,Job Title=role,Line Manager Code=manager_id"

fail() { echo "FAIL: $*" >&2; exit 1; }
expect() {
  local want=$1; shift
  set +e; "$@" >out 2>err; local got=$?; set -e
  [ "$got" = "$want" ] || { cat out err >&2; fail "'$*' exited $got, wanted $want"; }
}
has() { grep -qF -- "$2" "$1" || { cat "$1" >&2; fail "$1 lacks: $2"; }; }
hasnt() { ! grep -qF -- "$2" "$1" || { cat "$1" >&2; fail "$1 has: $2"; }; }
# same_db: the database is byte-identical to the copy taken by snap (on
# PostgreSQL: its data, sequences included, as pg_dump writes it).
if on_postgres; then
  # data FILE: the data into FILE (less the random key of pg_dump's
  # \restrict line; its hints about the foreign keys go to pg_dump.err).
  data() {
    pg_dump --data-only "$BATON_DB" 2>pg_dump.err | grep -v '^\\\(un\)\?restrict ' >"$1"
    grep -q '^COPY public.people ' "$1" || fail "pg_dump did not dump the people: $(cat pg_dump.err)"
  }
  snap() { data snap.sql; }
  same_db() {
    data now.sql
    cmp -s now.sql snap.sql || { diff snap.sql now.sql | head >&2; fail "a rejected import changed the database"; }
  }
else
  snap() { cp "$BATON_DB" snap.db; }
  same_db() { cmp -s "$BATON_DB" snap.db || fail "a rejected import changed the database"; }
fi
eu_db=$(new_db eu) tab_db=$(new_db tab) fresh_db=$(new_db fresh)

expect 0 "$BATON" people list   # creates the database
snap

# Dates: every date day first -> one error naming --date-format, not 120.
expect 1 "$BATON" people import "$uk" --map "$MAP" --list-sep ,
has err "uk-staff.csv:2:8: start_date '07/01/2021' is not a date baton reads without being told the order"
has err "import with --date-format DD/MM/YYYY"
[ "$(grep -c 'start_date' err)" = 1 ] || fail "one date error expected, got $(grep -c start_date err)"
same_db
# An ambiguous column (no day above 12) is never guessed.
printf 'id,name,start_date\nA1,Ann Ash,03/04/2020\nA2,Bo Birch,05/06/2021\n' > ambiguous.csv
expect 1 "$BATON" people import ambiguous.csv
has err "could be day first or month first"
has err "baton does not guess"
same_db
expect 1 "$BATON" people import ambiguous.csv --date-format ISO
same_db

# Lists: "English, Irish" is never stored as one language silently.
expect 1 "$BATON" people import "$uk" --map "$MAP" --date-format DD/MM/YYYY
has err "languages 'English, Irish' holds a comma"
has err "--list-sep ','"
[ "$(grep -c 'holds a comma' err)" = 1 ] || fail "one list error per column expected"
same_db

# Roles file errors name the file and line.
printf 'Teaching Assistant*,aide\nHLTA\n' > badroles.csv
expect 1 "$BATON" people import "$uk" --map "$MAP" --date-format DD/MM/YYYY --list-sep , --roles badroles.csv
has err "badroles.csv:2: expected PATTERN,ROLE"
same_db

# The UK export in one command.
expect 0 "$BATON" people import "$uk" --map "$MAP" --date-format DD/MM/YYYY --list-sep , --roles "$fx/roles.csv"
has out "added        120"
expect 0 "$BATON" people show S011
grep -qE '^start_date +2023-08-28$' out || fail "dd/mm/yyyy not read: $(cat out)"
grep -qE '^name +Zofia Walsh$' out || fail "Forename+Surname not joined"
grep -qE '^role +ect$' out || fail "Early Career Teacher (ECT1) did not become ect"
expect 0 "$BATON" --json people show S001
has out '"languages": ['
has out '"English",'
has out '"Irish"'
# Roles from job titles; an unmatched title is kept as it is.
expect 0 "$BATON" --json people list --where role=aide
[ "$(grep -c '"id":' out)" -gt 10 ] || fail "TAs and HLTAs should be aides"
hasnt out "Teaching Assistant"
expect 0 "$BATON" people list --where role=teacher
# Attribute names in any case: the FTE column is fte.
expect 0 "$BATON" people list --where FTE=0.8
cp out upper
expect 0 "$BATON" people list --where fte=0.8
cmp -s out upper || fail "--where FTE and --where fte differ"
[ "$(wc -l <out)" -gt 2 ] || fail "nobody has fte 0.8"
expect 0 "$BATON" people export roster.csv
head -1 roster.csv | grep -q ',fte,' || fail "attribute not stored as fte: $(head -1 roster.csv)"
# Importing it again changes nothing.
expect 0 "$BATON" people import "$uk" --map "$MAP" --date-format DD/MM/YYYY --list-sep , --roles "$fx/roles.csv"
has out "unchanged    120"

# The European export: ';' sniffed, decimal comma read, dd.mm.yyyy dates.
expect 0 "$BATON" --db "$eu_db" people import "$eu" --map "$MAP" --date-format DD/MM/YYYY --list-sep , --roles "$fx/roles.csv"
has out "added        120"
expect 0 "$BATON" --db "$eu_db" people export eu-roster.csv
cmp -s roster.csv eu-roster.csv || { diff roster.csv eu-roster.csv | head >&2; fail "the ; export did not read as the , one"; }
# A header split at the wrong character says so.
expect 1 "$BATON" --db "$eu_db" people import "$eu" --delimiter ,
has err "the header looks split at the wrong character"
has err "--delimiter ';'"
# Tab-separated files are recognised too.
tr ';' '\t' <"$eu" | sed 's/0,\([0-9]\)/0.\1/' > tab.tsv
expect 0 "$BATON" --db "$tab_db" people import tab.tsv --map "$MAP" --date-format DD/MM/YYYY --list-sep , --roles "$fx/roles.csv"
has out "added        120"

# One bad row, one error: a bad date on a manager's row does not make the
# people he manages fail with "names nobody".
sed 's#"S002","Mrs","Liam","Khan","Head of English","English","liam.s002@ashgrove.sch.uk","[0-9/]*"#"S002","Mrs","Liam","Khan","Head of English","English","liam.s002@ashgrove.sch.uk","31/02/2006"#' "$uk" > badmgr.csv
grep -q '31/02/2006' badmgr.csv || fail "fixture edit failed"
snap
expect 1 "$BATON" --db "$fresh_db" people import badmgr.csv --map "$MAP" --date-format DD/MM/YYYY --list-sep ,
has err "badmgr.csv:3:8: start_date '31/02/2006' is not a date"
hasnt err "names nobody"
[ "$(grep -c '^badmgr.csv:' err)" = 1 ] || fail "one error expected: $(cat err)"
expect 0 "$BATON" --db "$fresh_db" people list
has out "No people"

# Updating one attribute: no names needed, other fields untouched.
expect 0 "$BATON" people export before.csv
snap
expect 1 "$BATON" people import "$fx/mentor-capacity.csv"
has err "the required column 'name' is missing"
has err "import with --update"
same_db
expect 0 "$BATON" people import "$fx/mentor-capacity.csv" --update --dry-run
has out "update S001: attrs"
expect 0 "$BATON" people import "$fx/mentor-capacity.csv" --update
has out "updated      3"
expect 0 "$BATON" people show S001
grep -qE '^mentor_capacity +2$' out || fail "mentor_capacity not set"
grep -qE '^name +Siobhán Okafor$' out || fail "the name was blanked"
grep -qE '^fte +0.5$' out || fail "fte was blanked"
expect 0 "$BATON" people export after.csv
diff <(cut -d, -f1-12 before.csv) <(cut -d, -f1-12 after.csv) >/dev/null || fail "core fields changed"
# ... but a new id in such a file is refused, once, with the reason.
snap
printf 'id,mentor_capacity\nS001,2\nNEW1,1\nNEW2,1\n' > newids.csv
expect 1 "$BATON" people import newids.csv --update
has err "newids.csv:3:1: id 'NEW1' (and the ids of more rows of this file) is not in"
has err "--update only changes people already there"
same_db

# Exports for Excel, and what they wrote.
expect 0 "$BATON" people export x.csv --excel
has err "Wrote 120 people to x.csv"
[ "$(head -c 3 x.csv | od -An -tx1 | tr -d ' ')" = efbbbf ] || fail "no BOM"
head -1 x.csv | grep -q $'\r$' || fail "no CRLF"
expect 0 "$BATON" people import x.csv
has out "unchanged    120"
expect 0 "$BATON" people export - 
has err "Wrote 120 people to standard output"
hasnt out "Wrote"

# Groups by hand.
expect 0 "$BATON" groups add "Science PLC" S008 --role lead --kind plc
has out "Added S008 to Science PLC as lead"
expect 0 "$BATON" groups add "Science PLC" S015
expect 0 "$BATON" groups add "Science PLC" S022
expect 0 "$BATON" groups list
grep -qE '^Science PLC +plc +3$' out || fail "groups add: $(cat out)"
expect 0 "$BATON" groups remove "Science PLC" S022
has out "Removed S022 from Science PLC"
expect 1 "$BATON" groups remove "Science PLC" S022
has err "'S022' is not a member of 'Science PLC'"
expect 1 "$BATON" groups add "Science PLC" NOBODY
has err "no person with id 'NOBODY'"
# A one-row groups file merges, says what it keeps, and --replace replaces.
printf 'group,kind,person_id,role_in_group\nScience PLC,plc,S029,\n' > onerow.csv
snap
expect 0 "$BATON" groups import onerow.csv --dry-run
has out "keep S008 in Science PLC: the file does not list them"
same_db
expect 0 "$BATON" groups import onerow.csv
has out "added        1"
has out "kept         2"
expect 0 "$BATON" groups show "Science PLC"
[ "$(wc -l <out)" = 4 ] || fail "merge lost members: $(cat out)"
expect 0 "$BATON" groups import onerow.csv --replace
has out "removed      2"
expect 0 "$BATON" groups delete "Science PLC"
has out "Deleted group Science PLC (1 member"
expect 1 "$BATON" groups show "Science PLC"
expect 0 "$BATON" people show S008   # the people stay

# Did you mean, and exit 2 for usage errors (with --json on stderr).
expect 2 "$BATON" people shwo S001
has err "did you mean 'baton people show'"
expect 2 "$BATON" groups delet X
has err "did you mean 'baton groups delete'"
expect 2 "$BATON" people list --where rol=aide
has err "did you mean 'role'"
expect 2 "$BATON" people list --where mentor_capacty=2
has err "did you mean 'mentor_capacity'"
expect 0 "$BATON" people list --where MENTOR_CAPACITY=2
has out "S001"
expect 2 "$BATON" --json people list --where rol=aide
[ ! -s out ] || fail "--json usage error on stdout"
has err '{"error":'
expect 2 "$BATON" people import "$uk" --date-format 31/12/2000
expect 2 "$BATON" people import "$uk" --delimiter '|'
expect 2 "$BATON" groups add "Science PLC"
expect 2 "$BATON" --json groups remov X Y
has err '{"error":'
# A rejected import with --json: the error and its report on stderr.
snap
expect 1 "$BATON" --json people import ambiguous.csv
[ ! -s out ] || fail "--json import error on stdout"
has err '"report":'
has err "could be day first or month first"
same_db

echo "ok"
