#!/usr/bin/env bash
# e2e: the workflow scripts of scripts/ on the sample school: the generator
# (deterministic, importable), start-of-year (import, match, a rota for
# every team, CSV and iCalendar files) and weekly-digest (meetings, stalls,
# pairs that have not met).
. "$(dirname "$0")/lib.sh"
S="$BATON_SOURCE_DIR/scripts"

test_case "sample-school.lua writes the same importable school for the same seed"
expect_status 0 baton run --allow fs.write "$S/sample-school.lua" --out a --quiet
expect_status 0 baton run --allow fs.write "$S/sample-school.lua" --out b --quiet
verdict "staff.csv is the same twice" "staff.csv differs between two runs" "" cmp -s a/staff.csv b/staff.csv
verdict "groups.csv is the same twice" "groups.csv differs between two runs" "" cmp -s a/groups.csv b/groups.csv
expect_status 0 baton run --allow fs.write "$S/sample-school.lua" --out c --seed 5 --size 150 --quiet
verdict "another seed gives another school" "seed 5 gave the same staff" "" not cmp -s a/staff.csv c/staff.csv
verdict "--size 150 gives 150 people" "--size 150 gave another count" c/staff.csv \
  test "$(($(wc -l <c/staff.csv) - 1))" -eq 150
expect_status 2 baton run --allow fs.write "$S/sample-school.lua" --size 150 --size
expect_contains "--size needs a value: --size N" err
expect_contains "usage: baton run" err
expect_status 2 baton run --allow fs.write "$S/sample-school.lua" --size 20
expect_contains "--size must be at least 30 (from 30 to 5000), got '20'" err
expect_status 1 baton run "$S/sample-school.lua" --out d
expect_status 0 baton people import a/staff.csv
expect_contains "80" out
expect_status 0 baton groups import a/groups.csv

test_case "start-of-year.lua imports a roster, matches, plans every team and writes CSV and iCalendar"
fresh_db
expect_status 0 baton --today 2026-08-20 run --allow fs.write --allow fs.read --allow people.write \
  "$S/start-of-year.lua" --staff a/staff.csv --groups a/groups.csv --from 2026-09-01 --to 2026-12-18 --out soy
expect_contains "Imported people from a/staff.csv: 80 added, 0 updated, 0 unchanged" out
expect_match "^Imported groups from a/groups.csv: [0-9]+ added" out
expect_match "^Mentoring: [0-9]+ pairs saved" out
expect_match "^Rota: Mathematics PLC +[0-9]+ meetings, fair" out
expect_match "^Done: [0-9]+ mentoring pairs, 1[0-9] rotas" out
for f in soy/mentoring.csv soy/rota-mathematics-plc.csv soy/rota-wellbeing-committee.csv; do
  verdict "$f written" "$f missing" "" test -s "$f"
done
expect_status 0 ls soy/ics/mathematics-plc
expect_match "\.ics$" out
expect_status 0 baton --json mentor list --active
expect_json_true out 'len(d) >= 10'
expect_status 2 baton run --allow fs.write "$S/start-of-year.lua" --out soy2
expect_contains "missing --from (the first day of the term)" err
expect_contains "usage: baton run $S/start-of-year.lua --from DATE --to DATE [--staff FILE]" err

test_case "start-of-year.lua with a roster that has errors stops and leaves the database as it was"
"$BATON" --json people list >before.json
sed 's/^T003,\([^,]*\),/T003,\1,/; 3s/,20[0-9][0-9]-[0-9][0-9]-[0-9][0-9],/,2026-02-30,/' a/staff.csv >bad.csv
sed -i 's/^T001,[^,]*,/T001,Changed Name,/' bad.csv
expect_status 1 baton run --allow fs.write --allow fs.read --allow people.write "$S/start-of-year.lua" \
  --staff bad.csv --from 2026-09-01 --to 2026-12-18 --out soy3
expect_match "bad.csv:3:[0-9]+: start_date '2026-02-30' is not a date" err
expect_contains "nothing was imported" err
expect_not_contains "Mentoring:" out
"$BATON" --json people list >after.json
verdict "the people are unchanged (T001's name too)" "the failed import changed the people" after.json \
  cmp -s before.json after.json
expect_status 1 baton run --allow fs.write "$S/start-of-year.lua" --staff a/staff.csv --from 2026-09-01 --to 2026-12-18
expect_contains "needs permission 'people.write'; run the script with --allow people.write" err

test_case "baton.people.import and baton.groups.import: the report, dry runs, errors and permissions"
fresh_db
cat >imp.lua <<'LUA'
local r, err, code, rep = baton.people.import(arg[1], { dry_run = arg[2] == "dry", map = arg[3] })
if not r then
  print("failed", code, rep and #rep.errors or "-")
  print(err)
  return
end
print("people", r.rows, r.added, r.updated, r.unchanged, r.dry_run, #r.changes)
if arg[4] then
  local g = assert(baton.groups.import(arg[4]))
  print("groups", g.added, #baton.groups.members("mentees"))
end
LUA
expect_status 0 baton run --allow fs.read --allow people.write imp.lua a/staff.csv dry
expect_lines out "people	80	80	0	0	true	80"
expect_status 0 "$BATON" --json people list
expect_json_true out 'len(d) == 0'
expect_status 0 baton run --allow fs.read --allow people.write imp.lua a/staff.csv no "" a/groups.csv
expect_match "^people	80	80	0	0	false	80$" out
expect_match "^groups	[0-9]+	[0-9]+$" out
expect_status 0 "$BATON" --json people list
expect_json_true out 'len(d) == 80'
"$BATON" --json people list >before.json
expect_status 0 baton run --allow fs.read --allow people.write imp.lua bad.csv
expect_match "^failed	EPARSE	1$" out
expect_match "^EPARSE: bad.csv:3:[0-9]+: start_date '2026-02-30' is not a date" out
"$BATON" --json people list >after.json
verdict "a file with errors leaves the people as they were" "the failed import changed the people" after.json \
  cmp -s before.json after.json
expect_status 0 baton run --allow fs.read --allow people.write imp.lua missing.csv
expect_match "^failed	ENOENT	-$" out
expect_contains "ENOENT: cannot read missing.csv" out
printf 'Staff ID,Full Name,role\nN900,Nia Vale,aide\n' >mapped.csv
expect_status 0 baton run --allow fs.read --allow people.write imp.lua mapped.csv no "Staff ID=id,Full Name=name"
expect_lines out "people	1	1	0	0	false	1"
expect_status 1 baton run --allow fs.read imp.lua a/staff.csv
expect_contains "baton.people.import needs permission 'people.write'; run the script with --allow people.write" err
expect_status 1 baton run --allow people.write imp.lua a/staff.csv
expect_contains "needs permission 'fs.read'" err
printf 'baton.people.import("a/staff.csv", { dryrun = true })\n' >typo.lua
expect_status 1 baton run --allow fs.read --allow people.write typo.lua
expect_contains "unknown option 'dryrun' (did you mean 'dry_run'?); the options are dry_run, full, format, map" err
printf 'baton.store.transaction(function() baton.people.import("a/staff.csv") end)\n' >intx.lua
expect_status 1 baton run --allow fs.read --allow people.write intx.lua
expect_contains "cannot run inside baton.store.transaction" err

test_case "a plugin imports with permissions = { \"fs.read\", \"people.write\" } in its manifest"
mkdir -p "$PLUGINS/roster"
cat >"$PLUGINS/roster/plugin.lua" <<'LUA'
return { name = "roster", version = "0.1.0", api = 1, summary = "Imports a roster",
  permissions = { "fs.read", "people.write" },
  commands = { load = { summary = "Import FILE", args = { { "file", type = "path" } } } } }
LUA
cat >"$PLUGINS/roster/init.lua" <<'LUA'
return { load = function(args)
  local r = assert(baton.people.import(args.file))
  baton.print(("%d added, %d updated, %d unchanged"):format(r.added, r.updated, r.unchanged))
end }
LUA
printf 'id,name,role\nN900,Nia Vale,aide\nN901,Ora Tane,counsellor\n' >two.csv
expect_status 0 baton roster load two.csv
expect_lines out "1 added, 0 updated, 1 unchanged"
sed -i 's/"fs.read", "people.write"/"fs.read"/' "$PLUGINS/roster/plugin.lua"
expect_status 1 baton roster load two.csv
expect_contains "plugin 'roster' needs permission 'people.write' to call baton.people.import" err

test_case "weekly-digest.lua lists the week's facilitators, stalls and pairs without a meeting"
fresh_db
expect_status 0 baton --today 2026-09-01 demo --no-serve --db "$BATON_DB"
expect_status 0 baton --today 2026-09-07 run "$S/weekly-digest.lua"
expect_contains "# The week of 2026-09-07 to 2026-09-13" out
expect_match "^- 2026-09-08 Mathematics PLC: .+ facilitates; notetaker " out
expect_match "^- 2026-09-10 Wellbeing Committee: .+ facilitates" out
expect_contains "- Reading in every subject: step 3 Form a strategic vision was due" out
expect_match "^- [A-Z]+[0-9]+ .+ with [A-Z]+[0-9]+ .+ \(since 2026-09-01\)" out
# The demo logged meetings for every third pair: those are not listed.
pairs=$(grep -c " with " out)
verdict "some pairs have met ($pairs listed)" "$pairs pairs listed" out test "$pairs" -ge 5 -a "$pairs" -le 14
expect_status 0 baton --today 2026-09-07 run --allow fs.write "$S/weekly-digest.lua" --out digest.md --days 14
verdict "digest.md written" "digest.md missing" "" test -s digest.md
expect_status 2 baton run "$S/weekly-digest.lua" --days many
expect_contains "--days expects a whole number, got 'many'" err
expect_contains "usage: baton run $S/weekly-digest.lua [--from DATE] [--days N] [--out FILE]" err
expect_status 2 baton run "$S/weekly-digest.lua" --day 3
expect_contains "unknown flag '--day' (did you mean '--days'?)" err
expect_status 0 baton run "$S/weekly-digest.lua" --help
expect_contains "--days N" out
expect_contains "how many days (integer, default 7, at least 1)" out

finish
