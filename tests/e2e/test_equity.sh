#!/usr/bin/env bash
# e2e: plugins/equity, the spread of leadership, on a small school counted
# by hand (tests/fixtures/equity/): the figures of `equity report` match
# the hand count; a practice declaring roles like recognition's (per-entry
# role, counted by term: fixture plugin `thanks`) flows into them; term
# over term from a practice that counts by term and from a snapshot; the
# page and the overview's notice in baton serve, names of people with no
# role for coordinators only, and the notice naming nobody.
. "$(dirname "$0")/lib.sh"
cp -R "$FIXTURES"/equity/plugins/* "$PLUGINS/"
F="$FIXTURES/equity"
expect_status 0 baton people import "$F/staff.csv"
expect_status 0 baton groups import "$F/groups.csv"
expect_status 0 baton terms add "Summer 2026" 2026-04-13 2026-07-17
expect_status 0 baton terms add "Autumn 2026" 2026-09-01 2026-12-18

# The hand count, Autumn 2026 (today 2026-12-01), 10 people:
#   thanks (by term, 2026-09-01..2026-12-18): E01 thanked 2 (E02, E05),
#     E06 thanked 1 (E07); E02, E05, E07 were thanked 1 each.
#     (E01 -> E09 on 2026-06-01 is Summer's, not counted.)
#   groups: E01 plc lead, E03 plc lead ("Lead": case is ignored), E08 team
#     chair, E01 team teacher representative; the cohort's mentee and
#     mentor are not leadership roles (mentoring counts mentors).
#   the bundled practices have no data: 0.
#   totals: E01 2+1+1 = 4; E02, E03, E05, E06, E07, E08 1 each; E04, E09,
#     E10 0. Held 4 + 6 = 10; 7 hold a role, 3 none.
#   top 10%: ceil(0.1 * 10) = 1 person, E01: 4 / 10 = 0.40.
#   Gini: sorted 0,0,0,1,1,1,1,1,1,4; |xi - xj| over unordered pairs:
#     zeros-ones 3*6*1 = 18, zeros-four 3*4 = 12, ones-four 6*3 = 18, so 48;
#     ordered pairs 96; G = 96 / (2 * 10^2 * mean 1) = 0.48.
#   Maths: E01 4 + E02 1 = 5 of 10 held (0.5), 2 of 10 people (0.2).
test_case "the figures match the hand count, recognition-like roles included"
expect_status 0 baton --today 2026-12-01 --json equity report --top 0
expect_json_true out 'd["period"] == {"name": "Autumn 2026", "from": "2026-09-01", "to": "2026-12-18"}'
expect_json_true out 'd["figures"] == {"people": 10, "holders": 7, "none": 3, "held": 10, "top_people": 1, "top_share": 0.4, "gini": 0.48}'
expect_json_true out '[p["id"] for p in d["none"]] == ["E04", "E09", "E10"]'
expect_json_true out '[(r["role"], r["source"], r["holders"], r["held"], r["share"]) for r in d["roles"]] == [("thanked a colleague", "thanks", 2, 3, 0.3), ("was thanked", "thanks", 3, 3, 0.3), ("plc lead", "groups", 2, 2, 0.2), ("team chair", "groups", 1, 1, 0.1), ("team teacher representative", "groups", 1, 1, 0.1)]'
expect_json_true out '[(x["department"], x["people"], x["holders"], x["held"], x["share_held"], x["share_of_people"]) for x in d["departments"]][0] == ("Maths", 2, 2, 5, 0.5, 0.2)'
expect_json_true out '[(p["id"], p["total"]) for p in d["top"]][0] == ("E01", 4) and len(d["top"]) == 7'
expect_json_true out '[p for p in d["practices"] if p["plugin"] == "thanks"][0]["by_term"] is True'
expect_json_true out '[p for p in d["practices"] if p["plugin"] == "mentoring"][0]["by_term"] is False'

# Summer 2026, counted again from the practices that count by term (thanks
# only; groups and the rest only know now): E01 thanked 1, E09 was thanked
# 1, 8 people none; top 1 person holds 1 of 2 = 0.5; Gini: zeros-ones
# 8*2 = 16 unordered, 32 ordered, / (2 * 100 * mean 0.2) = 0.8.
test_case "term over term: the term before, from the practices that count by term"
expect_json_true out '[(t["period"], t["none"], t["top_share"], t["gini"]) for t in d["terms"]] == [("Summer 2026", 8, 0.5, 0.8), ("Autumn 2026", 3, 0.4, 0.48)]'
# Every practice that counts by term is asked for it (the fixture's thanks,
# and bundled ones such as recognition and inquiry, which hold nothing here).
expect_json_true out 'd["terms"][0]["counted"].endswith(" practices, by term; no snapshot") and int(d["terms"][0]["counted"].split(" of ")[0]) == sum(1 for p in d["practices"] if p["by_term"])'

test_case "the text report says the same, and how each practice was counted"
expect_status 0 baton --today 2026-12-01 equity report
expect_contains "7 of 10 people hold at least one leadership role; the top 10% (1 person) hold 40% of the 10 roles held; concentration index 0.48." out
expect_contains "thanks: thanks given and received, 6 held, counted by term" out
expect_contains "mentoring: mentees mentored, 0 held, counted now, not by term" out
expect_contains "No leadership role (3): E04 Di Moss, E09 Ivy Chu, E10 Jo Kerr" out
expect_match "^thanked a colleague +thanks +2 +3 +30%$" out
expect_match "^Maths +2 +2 +5 +20% +50%$" out
expect_match "^E01 Ana Ruiz +Maths +4 +thanked a colleague 2, plc lead 1, team teacher representative 1$" out
expect_match "^Summer 2026 +10 +8 +50% +0.80 +[0-9]+ of [0-9]+ practices, by term; no snapshot$" out

test_case "CSV: one row per person and role, one per person with none; HTML escapes"
expect_status 0 baton --today 2026-12-01 equity report --csv spread.csv --html spread.html
# the header, E01's 3 roles, 6 people with 1 role, 3 with none: 13 lines
expect_status 0 grep -c . spread.csv
expect_lines out 13
expect_status 0 grep -F "Autumn 2026,E01,Ana Ruiz,Maths,teacher,thanked a colleague,2" spread.csv
expect_status 0 grep -F "Autumn 2026,E04,Di Moss,Science,teacher,,0" spread.csv
expect_status 0 grep -F "<td>E01 Ana Ruiz</td>" spread.html

test_case "a snapshot keeps the term; the next term compares with it"
expect_status 0 baton --today 2026-12-18 equity snapshot
expect_contains "Kept the picture of Autumn 2026 (2026-09-01 to 2026-12-18) as of 2026-12-18" out
expect_status 0 baton terms add "Spring 2027" 2027-01-05 2027-03-26
expect_status 0 baton --today 2027-01-10 --json equity report
expect_json_true out '[(t["period"], t["gini"], t["counted"]) for t in d["terms"]][-2] == ("Autumn 2026", 0.48, "snapshot of 2026-12-18")'
expect_json_true out 'd["terms"][-1]["period"] == "Spring 2027" and d["figures"]["held"] == 4'

test_case "an unknown term is named, with what to give"
expect_status 1 baton --today 2026-12-01 equity report --term "Autum 2026"
expect_contains "--term: no term 'Autum 2026' in the school calendar (see \`baton terms list\`)" err

test_case "the overview's notice: none at 0.48 under the default threshold 0.5, a warning naming nobody above 0.4"
expect_status 0 baton --today 2026-12-01 --json equity report
expect_json_true out 'd["threshold"] == 0.5'
expect_status 0 baton config equity threshold 0.4
if BATON_TODAY=2026-12-01 serve_start; then
  get /api/plugins
  expect_json_true body '[p["notices"] for p in d if p["name"] == "equity"] == ["/api/equity/notices"]'
  get /api/equity/notices
  expect_code 200
  expect_json_true body 'd["notices"][0]["level"] == "warning" and d["notices"][0]["link"] == "#/equity/spread"'
  expect_json_true body '"concentration index 0.48, above the threshold of 0.40" in d["notices"][0]["text"]'
  for id in E01 E04 E09 E10 Ana "Di Moss"; do
    expect_not_contains "$id" body
  done
  test_case "the page: figures for everyone, names of people with no role for coordinators only"
  get /api/equity/page
  expect_code 200
  expect_contains "3 people hold no leadership role (their names are shown to coordinators)." body
  expect_not_contains "E04 Di Moss" body
  get /api/equity/page -H "Authorization: Bearer $TOKEN"
  expect_contains "E04 Di Moss, E09 Ivy Chu, E10 Jo Kerr" body
  interrupt_bg
fi

finish
