#!/usr/bin/env bash
# e2e: `baton mentor match --same-school` (plugins/mentoring) is a rule of
# the C scorer (baton.assign.score's `same`, core/solve/score.c), no longer
# a visit per cell in Lua: its pairs, scores and summary are exactly those
# of the same rule written in Lua (a --rule file forbidding every pair of
# two schools, what the plugin did before), on a small district of four
# schools and people of none, at capacity 1 and 2; and the rule holds.
. "$BATON_SOURCE_DIR/tests/e2e/lib.sh"
use_only_plugins
cp -R "$BATON_SOURCE_DIR/plugins/mentoring" "$PLUGINS/"

# 60 mentees and 100 mentors; every ninth person has no school.
awk 'BEGIN {
  srand(5);
  ns = split("Mathematics English Science History Art Music", subj, " ");
  print "id,name,role,department,campus,subjects,grades,languages,start_date,school" > "staff.csv";
  print "group,kind,person_id,role_in_group" > "groups.csv";
  for (i = 0; i < 160; i++) {
    id = sprintf("%s%03d", i < 60 ? "N" : "M", i);
    s1 = subj[int(rand() * ns) + 1]; s2 = subj[int(rand() * ns) + 1];
    g = int(rand() * 13);
    sch = i % 9 == 8 ? "" : sprintf("school-%d", i % 4);
    printf "%s,Person %d,teacher,%s,Campus %d,%s;%s,%d;%d,English,20%02d-09-01,%s\n",
      id, i, s1, i % 3, s1, s2, g, (g + 1) % 13, 5 + i % 19, sch >> "staff.csv";
    printf "%s,cohort,%s,\n", i < 60 ? "New Staff" : "Mentors", id >> "groups.csv";
  }
}'
# The rule in Lua, as the plugin applied it before: (school or "") differs.
cat >same.lua <<'LUA'
local of = {}
for _, r in ipairs(assert(baton.store.query("SELECT id, school FROM people"))) do
  of[r.id] = r.school or ""
end
return function(mentee, mentor)
  if (of[mentee.id] or "") ~= (of[mentor.id] or "") then return false end
end
LUA

test_case "the district's people and the cohort"
expect_status 0 baton people import staff.csv
expect_status 0 baton groups import groups.csv

test_case "without a school rule, some pairs cross schools (so the rule has work to do)"
expect_status 0 baton --json mentor match --mentees "New Staff" --mentors Mentors --capacity 1
school_of='{r["id"]: r["school"] for r in __import__("csv").DictReader(open("staff.csv"))}'
expect_json_true out "any($school_of[p['mentee']] != $school_of[p['mentor']] for p in d['pairs'])"

# same_as_lua CAP: --same-school and the Lua rule give the same match.
same_as_lua() {
  test_case "--same-school at capacity $1 equals the rule in Lua, and holds"
  expect_status 0 baton --json mentor match --mentees "New Staff" --mentors Mentors --capacity "$1" --same-school
  cp out c.json
  expect_status 0 baton --json mentor match --mentees "New Staff" --mentors Mentors --capacity "$1" --rule same.lua
  cp out lua.json
  verdict "the same pairs, scores, total and summary" "--same-school and the Lua rule differ" c.json \
    python3 -c '
import json, sys
a, b = (json.load(open(f)) for f in sys.argv[1:])
pairs = lambda d: sorted((p["mentee"], p["mentor"], p["score"]) for p in d["pairs"])
sys.exit(0 if pairs(a) == pairs(b) and pairs(a) and a["total_score"] == b["total_score"]
         and a["summary"] == b["summary"] else 1)' c.json lua.json
  expect_json_true c.json "all($school_of[p['mentee']] == $school_of[p['mentor']] for p in d['pairs'])"
}
same_as_lua 1
same_as_lua 2

test_case "why names the school rule for a pair of two schools"
expect_status 1 baton mentor why N001 M102 --mentees "New Staff" --mentors Mentors --same-school
expect_contains "(--same-school)" err

finish
