#!/usr/bin/env bash
# e2e: `baton db copy FROM TO`: the demo school (every practice's tables)
# copied into a new database and back, the practices reading the same on
# every copy; a target that holds anything, a missing FROM, a file that is
# not a database, the same database twice; and a disk that fills up in the
# middle of the copy, leaving TO as it was.
#
# On PostgreSQL (BATON_TEST_ENGINE=postgres, tests/pg/e2e.txt), lib.sh sets
# BATON_DB to a fresh database: the school goes SQLite -> PostgreSQL ->
# SQLite. Otherwise the middle copy is another SQLite file.
. "$(dirname "$0")/lib.sh"

# A fixed date makes the practices' answers the same on every day.
at() { "$BATON" --today 2026-09-01 --db "$@"; }

case "${BATON_DB:-}" in
postgresql://* | postgres://*) MID=$BATON_DB ;;
*) MID=$WORK/mid.db ;;
esac

# reads DB NAME: what the practices say about the school, into
# reads-NAME.txt (named by the caller: $(reads ...) runs in a subshell,
# where a counter would not count).
reads() {
  local f=reads-$2.txt
  : >"$f"
  for cmd in "people list --all" "groups list" "groups show mentors" \
    "mentor list" "rota show --group Mathematics PLC" "change status" \
    "change history 1" "thanks history" "expertise map" \
    "inquiry list" "coach list" "equity report" "users list" "terms list"; do
    # shellcheck disable=SC2086
    if [ "$cmd" = "rota show --group Mathematics PLC" ]; then
      run at "$1" --json rota show --group "Mathematics PLC"
    else
      run at "$1" --json $cmd
    fi
    printf '== %s (exit %s)\n' "$cmd" "$STATUS" >>"$f"
    cat out err >>"$f"
  done
  echo "$f"
}

test_case "the demo school copies into a new database, every table verified"
expect_status 0 "$BATON" --today 2026-09-01 --db "$WORK/school.db" demo --no-serve
expect_status 0 "$BATON" db copy "$WORK/school.db" "$MID"
expect_match "^Copied .*school.db to " out
expect_match "^  people +80 rows  blake2b [0-9a-f]{16}$" out
expect_match "^  events +[0-9]+ rows  blake2b [0-9a-f]{16}$" out
expect_match "^  mentoring_pairs +[0-9]+ rows  blake2b [0-9a-f]{16}$" out
expect_match "^  schema_version +[0-9]+ rows " out
expect_match "^Copied [0-9]+ tables \([0-9]+ made from FROM's plugin tables\), [0-9]+ rows; every table's row count and checksum verified on TO\.$" out
cp out first-copy.txt

test_case "every practice reads the same on the copy as on the school"
school=$(reads "$WORK/school.db" school)
mid=$(reads "$MID" mid)
verdict "the reads agree" "the reads differ" "$mid" cmp -s "$school" "$mid"
expect_contains '== mentor list (exit 0)' "$school"
expect_contains '== change history 1 (exit 0)' "$school"
if ! cmp -s "$school" "$mid"; then diff "$school" "$mid" | head -20; fi

test_case "and back again: the copy of the copy holds exactly the school"
expect_status 0 "$BATON" --json db copy "$MID" "$WORK/back.db"
expect_json_true out 'd["tables"][0]["table"] == "schema_version" and all(len(t["checksum"]) == 64 for t in d["tables"])'
# The same rows give the same checksums, whatever the engine in between.
python3 - "$WORK/first-copy.txt" out <<'EOF' >sums.txt
import json, re, sys
first = {m.group(1): m.group(2) for m in re.finditer(r"^  (\S+) +\d+ rows? +blake2b ([0-9a-f]{16})$", open(sys.argv[1]).read(), re.M)}
back = {t["table"]: t["checksum"][:16] for t in json.load(open(sys.argv[2]))["tables"]}
print("same" if first == back and len(first) > 30 else "differ: %s" % sorted(set(first.items()) ^ set(back.items())))
EOF
expect_contains same sums.txt
back=$(reads "$WORK/back.db" back)
verdict "the reads agree" "the reads differ" "$back" cmp -s "$school" "$back"
if [ "$MID" = "$WORK/mid.db" ]; then
  # Between files the plugins' tables keep their very definition.
  sqlite3 "$WORK/school.db" .dump | sort >school.sql
  sqlite3 "$WORK/back.db" .dump | sort >back.sql
  verdict "the SQL dumps of the school and its copy of a copy are equal" \
    "the dumps differ" back.sql cmp -s school.sql back.sql
else
  test_case "on PostgreSQL a plugin's tables are in its schema, owned by its role"
  sqlite3 "$MID" "SELECT schemaname || ' ' || tableowner FROM pg_tables WHERE tablename IN ('mentoring_pairs', 'coaching_steps') ORDER BY tablename" >where.txt
  expect_lines where.txt "plugin_coaching baton_plugin_coaching" "plugin_mentoring baton_plugin_mentoring"
  sqlite3 "$MID" "SELECT count(*) FROM pg_tables WHERE schemaname = 'public' AND tablename LIKE 'mentoring%'" >public.txt
  expect_lines public.txt 0
  test_case "on PostgreSQL the rows give the same checksums as in a file"
  expect_status 0 "$BATON" db copy "$WORK/school.db" "$WORK/side.db"
  sed 1d first-copy.txt | sort >pg-sums.txt
  sed 1d out | sort >sqlite-sums.txt
  verdict "the same table lines" "other lines" sqlite-sums.txt cmp -s pg-sums.txt sqlite-sums.txt
fi

test_case "the copies take new rows after the copied ones (ids, identity sequences)"
run at "$WORK/school.db" --json thanks history
n=$(python3 -c 'import json; print(max(t["id"] for t in json.load(open("out"))))')
for db in "$MID" "$WORK/back.db"; do
  expect_status 0 "$BATON" --db "$db" thanks post A001 A002 "for the copy"
  expect_contains "(number $((n + 1)))" out
done

test_case "values survive the way there and back: unicode, NULL and '', int64 limits, doubles, blobs, JSON"
expect_status 0 "$BATON" --db "$WORK/values.db" people list
sqlite3 "$WORK/values.db" <<'SQL'
INSERT INTO people(id, name, email, role, attrs) VALUES
  ('T001', 'Zoë Ñandú 日本 👩‍🏫', NULL, '', '{"a":[1,2,{"b":null}],"é":"\u00e9"}'),
  ('T002', 'Ada', '', NULL, '{}');
INSERT INTO events(id, at, kind, data) VALUES (1, '2026-01-05', 'k', '{"x":0.1}'),
  (9223372036854775807, '2026-01-06', 'x', NULL);
INSERT INTO baton_users(person_id, role, passphrase, created, revoked) VALUES ('T001', 'coordinator', NULL, 1, NULL);
INSERT INTO baton_sessions VALUES (randomblob(32), 'T001', 'csrf', 1, 9223372036854775807),
  (zeroblob(32), 'T001', '', 0, 0);
CREATE TABLE demo_values (id INTEGER PRIMARY KEY, t TEXT, i INTEGER, r REAL, b BLOB, j TEXT);
CREATE UNIQUE INDEX demo_values_t ON demo_values(t);
INSERT INTO schema_version(component, version) VALUES ('plugin/demo', 1);
INSERT INTO demo_values VALUES (1, 'ünïcødé ✓ 中文', 9223372036854775807, 0.1, x'00ff00', '{"a":[1,2]}'),
  (2, '', -9223372036854775808, -1.5e300, x'', NULL), (3, NULL, 0, 3.141592653589793, NULL, ''),
  (-4, 'neg', -1, 5e-324, randomblob(32), '[]');
SQL
case "$MID" in
postgresql://* | postgres://*)
  VMID=$(sh "$BATON_SOURCE_DIR/tests/pg/newdb.sh")
  trap 'stop_jobs; cd /; rm -rf "$WORK"; sh "$BATON_SOURCE_DIR/tests/pg/newdb.sh" --drop "$BATON_DB"; sh "$BATON_SOURCE_DIR/tests/pg/newdb.sh" --drop "$VMID"' EXIT ;;
*) VMID=$WORK/values-mid.db ;;
esac
expect_status 0 "$BATON" db copy "$WORK/values.db" "$VMID"
expect_status 0 "$BATON" db copy "$VMID" "$WORK/values-back.db"
for t in people events baton_sessions demo_values; do
  sqlite3 "$WORK/values.db" "SELECT * FROM $t" >v1.txt
  sqlite3 "$WORK/values-back.db" "SELECT * FROM $t" >v2.txt
  verdict "$t is the same, value for value" "$t differs" v2.txt cmp -s v1.txt v2.txt
done
sqlite3 "$WORK/values-back.db" "SELECT group_concat(typeof(b) || coalesce(length(b), '') || typeof(t), ' ') FROM (SELECT * FROM demo_values ORDER BY id)" >types.txt
expect_lines types.txt "blob32text blob3text blob0text nullnull"
sqlite3 "$WORK/values-back.db" "SELECT r = 5e-324, r = 0.1, i FROM demo_values WHERE id IN (-4, 1, 2) ORDER BY id" >reals.txt
expect_lines reals.txt "1|0|-1" "0|1|9223372036854775807" "0|0|-9223372036854775808"

test_case "a target with something in it is refused, untouched"
run at "$MID" people list --all
cp out mid-before.txt
expect_status 1 "$BATON" db copy "$WORK/school.db" "$MID"
expect_contains "is not empty" err
expect_contains "nothing was written" err
run at "$MID" people list --all
verdict "TO lists the same people" "TO changed" out cmp -s out mid-before.txt
printf 'id,name\nT0001,Ann\n' >one.csv
expect_status 0 "$BATON" --db "$WORK/one.db" people import one.csv
expect_status 1 "$BATON" db copy "$WORK/school.db" "$WORK/one.db"
expect_contains "table 'people' has 1 row" err

test_case "a missing FROM, a FROM or TO that is not a database, the same database twice"
expect_status 1 "$BATON" db copy "$WORK/nothere.db" "$WORK/new1.db"
expect_contains "FROM $WORK/nothere.db is not a baton database: no such file" err
expect_file_absent "$WORK/nothere.db"
expect_file_absent "$WORK/new1.db"
printf 'not a database, just text\n%.0s' $(seq 200) >"$WORK/notes.db"
cp "$WORK/notes.db" notes-before
expect_status 1 "$BATON" db copy "$WORK/school.db" "$WORK/notes.db"
expect_contains "TO: $WORK/notes.db is not a database" err
verdict "the text file is unchanged" "the text file changed" "" cmp -s notes-before "$WORK/notes.db"
expect_status 1 "$BATON" db copy "$WORK/notes.db" "$WORK/new2.db"
expect_contains "FROM: $WORK/notes.db is not a database" err
expect_file_absent "$WORK/new2.db"
expect_status 2 "$BATON" db copy "$WORK/school.db" "$WORK/./school.db"
expect_contains "FROM and TO are the same database" err
expect_status 2 "$BATON" db copy "$WORK/school.db"
expect_status 0 "$BATON" db copy --help
expect_contains "usage: baton db copy FROM TO" out

test_case "the disk fills up in the middle of the copy: TO is as it was, and the copy works once there is room"
expect_status 0 "$BATON" --db "$WORK/empty.db" people list
sqlite3 "$WORK/empty.db" .dump >empty-before.sql
# A file may grow to 100 KiB: TO itself is smaller and not written until
# the commit, but the copy's journal (TO's -wal, 400 KiB) fills the disk
# at the commit. SIGXFSZ ignored, so the write fails with EFBIG instead
# of killing baton.
verdict "the school is big enough" "school.db is small" "" test "$(stat -c %s "$WORK/school.db")" -gt 400000
verdict "an empty database is small enough" "empty.db is big" "" test "$(stat -c %s "$WORK/empty.db")" -lt 100000
STATUS=0
(trap '' XFSZ; ulimit -f 100; exec timeout 20 "$BATON" db copy "$WORK/school.db" "$WORK/empty.db") >out 2>err || STATUS=$?
verdict "the copy failed (exit 1)" "exit $STATUS" err test "$STATUS" = 1
expect_match "TO .*empty.db" err
expect_contains "TO was left as it was" err
sqlite3 "$WORK/empty.db" .dump >empty-after.sql
verdict "TO holds what it held" "TO changed" empty-after.sql cmp -s empty-before.sql empty-after.sql
expect_status 0 "$BATON" db copy "$WORK/school.db" "$WORK/empty.db"
run at "$WORK/empty.db" --json people list --all
verdict "and then holds the school" "it does not" out test "$(python3 -c 'import json,sys; print(len(json.load(open("out"))))')" = 80

finish
