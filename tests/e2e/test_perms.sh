#!/usr/bin/env bash
# e2e (issue 13): what a plugin can reach. A call across plugins never
# lends the caller more than it holds (capability attenuation), also from
# a timer the callee leaves behind; fs.read / fs.write reach only the paths
# their grant names; the database, its -wal/-shm/-journal files, /proc and
# /sys are out of reach whatever the grant, by any name (symlink, "..",
# hard link); honest calls (the user's own --csv, a script with --allow)
# still work.
#
# On PostgreSQL (tests/pg/e2e.txt) the database is no file: the checks of
# the file's names are SQLite's only; the rest run against the server,
# whose people must stay as they were.
. "$(dirname "$0")/lib.sh"
use_plugins hostile lender scoped noperm withperm
S="$FIXTURES/scripts"

baton people import "$BATON_SOURCE_DIR/samples/staff.csv" >/dev/null
baton groups import "$BATON_SOURCE_DIR/samples/mentoring-groups.csv" >/dev/null
baton --json people list >people_before.json

# database_intact: the database is still a database with the same people.
database_intact() {
  if on_postgres; then
    verdict "the server still holds the 40 people" "the people are gone from the server" "" \
      test "$(sqlite3 "$BATON_DB" "SELECT count(*) FROM people")" = 40
  else
    verdict "the database still starts with its SQLite header" "the database was overwritten" "" \
      test "$(head -c 15 "$BATON_DB")" = "SQLite format 3"
  fi
  run baton --json people list
  cp out people_after.json
  verdict "the people are unchanged" "the people changed" people_after.json cmp -s people_before.json people_after.json
}

if ! on_postgres; then
test_case "a plugin with no permissions cannot borrow mentoring's fs.write to overwrite the database"
expect_status 0 baton hostile csv "$BATON_DB"
expect_contains "refused: EPLUGIN: baton.fs.write: $BATON_DB is baton's database; no plugin or script may read or write it" out
database_intact
mkdir sub
ln -s "$BATON_DB" dblink
for name in dblink sub/../baton.db "$BATON_DB-wal" "./$(basename "$BATON_DB")-journal"; do
  expect_status 0 baton hostile csv "$name"
  expect_contains "baton's database" out
done
expect_file_absent baton.db-journal
database_intact
fi

test_case "a plugin with no permissions cannot have mentoring write any file for it"
expect_status 0 baton hostile csv pairs.csv
expect_contains "refused: EPLUGIN: plugin 'mentoring' needs fs.write to write pairs.csv (--csv), but it was called by plugin 'hostile', which does not hold fs.write; add permissions = { \"fs.write\" } to $PLUGINS/hostile/plugin.lua, or run the command directly (baton mentor ...)" out
expect_file_absent pairs.csv

test_case "a plugin with no permissions cannot run a Lua file of its choosing in mentoring's sandbox"
cat >rule.lua <<'EOF'
baton.fs.mkdir("plugins/pwn")
baton.fs.write("plugins/pwn/plugin.lua", 'return { name = "pwn", version = "1.0.0", api = 1, summary = "x", permissions = { "spawn" } }')
return function() return nil end
EOF
expect_status 0 baton hostile rule rule.lua
expect_contains "refused: EPLUGIN: plugin 'mentoring' needs fs.read to read rule.lua (--rule), but it was called by plugin 'hostile', which does not hold fs.read" out
expect_file_absent plugins/pwn
database_intact

test_case "a timer left by a called command has the call's reach, not the callee's"
expect_status 1 baton hostile later timer.txt
expect_contains "plugin 'lender' needs fs.write to write timer.txt, but it was called by plugin 'hostile', which does not hold fs.write" err
expect_file_absent timer.txt

test_case "a path argument is the user's grant only on the user's own command line"
echo secret >secret.txt
expect_status 0 baton scoped take "$PWD/secret.txt"
expect_contains "ok secret" out
expect_status 0 baton hostile take "$PWD/secret.txt"
expect_contains "callee said: refused: plugin 'scoped' may not read $PWD/secret.txt (FILE): its fs.read reaches only exports/" out

test_case "honest calls still work: the user's own --csv, a script given --allow"
expect_status 0 baton mentor match --csv "$WORK/direct.csv"
verdict "mentor match --csv wrote the file the user named" "direct.csv missing" err test -s direct.csv
expect_status 0 baton run --allow fs.write "$S/match_csv.lua" script.csv
expect_match "^matched [0-9]+$" out
verdict "the script's call wrote script.csv" "script.csv missing" err test -s script.csv
mkdir made
expect_status 0 baton run --allow fs.write:made/ "$S/match_csv.lua" made/pairs.csv
expect_match "^matched [0-9]+$" out
verdict "a script granted fs.write:out/ gets made/pairs.csv written" "made/pairs.csv missing" err test -s made/pairs.csv
expect_status 0 baton run --allow fs.write:made/ "$S/match_csv.lua" elsewhere.csv
expect_contains "refused: EPLUGIN: plugin 'mentoring' needs fs.write to write elsewhere.csv (--csv), but it was called by script 'match_csv.lua', whose fs.write reaches only made/; run the script with --allow fs.write:DIR" out
expect_file_absent elsewhere.csv
expect_status 0 baton run "$S/match_csv.lua" none.csv
expect_contains "called by script 'match_csv.lua', which does not hold fs.write; run the script with --allow fs.write" out
expect_file_absent none.csv

test_case "fs.read:exports/ and fs.write:out/ reach those folders only, by any name"
mkdir -p exports
echo shared >exports/a.txt
ln -s ../secret.txt exports/link.txt
expect_status 0 baton scoped read exports/a.txt
expect_contains "ok shared" out
expect_status 0 baton scoped read "$PWD/exports/a.txt"
expect_contains "ok shared" out
expect_status 0 baton scoped list exports
expect_lines out "ok 2"
for f in secret.txt exports/../secret.txt exports/link.txt; do
  expect_status 0 baton scoped read "$f"
  expect_contains "refused: " out
  expect_contains "plugin 'scoped' may not read $f: its fs.read reaches only exports/; add permissions = { \"fs.read:DIR\" } to $PLUGINS/scoped/plugin.lua for a folder that holds it, or give the path on the command line" out
done
expect_status 0 baton scoped write made/a.txt
expect_lines out "ok true"
expect_status 0 baton scoped mkdir made/deep/er
expect_lines out "ok true"
expect_status 0 baton scoped write exports/b.txt
expect_contains "plugin 'scoped' may not write exports/b.txt: its fs.write reaches only made/" out
expect_file_absent exports/b.txt
expect_status 0 baton scoped write made/../x.txt
expect_contains "may not write made/../x.txt" out
expect_file_absent x.txt
expect_status 0 baton scoped mkdir nope/deeper
expect_contains "may not write nope/deeper" out
expect_file_absent nope

test_case "a bare fs.read reaches anywhere but the database, its files, /proc and /sys"
expect_status 0 baton withperm read secret.txt
expect_contains "read: secret" out
if ! on_postgres; then
  expect_status 1 baton withperm read "$BATON_DB"
  expect_contains "baton's database; no plugin or script may read or write it, whatever its permissions" err
  ln "$BATON_DB" hardlink.db 2>/dev/null && {
    expect_status 1 baton withperm read hardlink.db
    expect_contains "hardlink.db is baton's database" err
  }
fi
for f in /proc/self/environ /proc/1/cmdline /sys/kernel/hostname; do
  expect_status 1 baton withperm read "$f"
  expect_contains "is under /${f:1:3}" err
  expect_contains "which no plugin or script may reach, whatever its permissions" err
done
mkfifo fifo
expect_status 0 baton withperm read fifo
expect_contains "read: EINVAL: cannot read fifo: not a regular file" out
if ! on_postgres; then
  expect_status 1 baton run --allow fs.read "$S/read.lua" "$BATON_DB"
  expect_contains "baton's database" err
fi

test_case "a script given --allow fs.read:DIR reads under DIR only"
expect_status 0 baton run --allow fs.read:exports "$S/read.lua" exports/a.txt
expect_contains "read: shared" out
expect_status 1 baton run --allow fs.read:exports "$S/read.lua" secret.txt
expect_contains "script 'read.lua' may not read secret.txt: its fs.read reaches only exports; run the script with --allow fs.read:DIR for a folder that holds it" err
expect_status 2 baton run --allow spawn:/bin "$S/read.lua" secret.txt
expect_contains "permission 'spawn:/bin' for --allow takes no path (only fs.read and fs.write do); write spawn" err
expect_status 2 baton run --allow fs.read: "$S/read.lua" secret.txt
expect_contains "permission 'fs.read:' for --allow names no path" err

test_case "baton plugins shows where each plugin's files reach"
expect_status 0 baton plugins
expect_match "^  scoped +fs.read \(exports/\), fs.write \(made/\)$" out
expect_match "^  withperm +fs.read \(anywhere except the database and /proc\), fs.write \(anywhere except the database and /proc\), spawn$" out
expect_match "^  hostile +none$" out
expect_status 0 baton --json plugins
expect_json_true out "[p['permissions'] for p in d if p['name'] == 'scoped'] == [['fs.read:exports/', 'fs.write:made/']]"

database_intact
finish
