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
expect_status 1 baton run --allow fs.write "$S/sample-school.lua" --size 150 --size
expect_contains "--size expects a whole number" err
expect_status 1 baton run "$S/sample-school.lua" --out d
expect_status 0 baton people import a/staff.csv
expect_contains "80" out
expect_status 0 baton groups import a/groups.csv

test_case "start-of-year.lua imports a roster, matches, plans every team and writes CSV and iCalendar"
rm -f "$BATON_DB"
expect_status 0 baton --today 2026-08-20 run --allow fs.write --allow spawn "$S/start-of-year.lua" \
  --staff a/staff.csv --groups a/groups.csv --baton "$BATON" --db "$BATON_DB" \
  --from 2026-09-01 --to 2026-12-18 --out soy
expect_contains "Imported people from a/staff.csv" out
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
expect_status 1 baton run --allow fs.write "$S/start-of-year.lua" --out soy2
expect_contains "--from DATE and --to DATE" err

test_case "weekly-digest.lua lists the week's facilitators, stalls and pairs without a meeting"
rm -f "$BATON_DB"
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
expect_status 1 baton run "$S/weekly-digest.lua" --days many
expect_contains "the options are --from DATE" err

finish
