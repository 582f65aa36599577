#!/usr/bin/env bash
# e2e: baton.events.list as a query surface (until, order, a filter on
# data's fields done in SQL, unknown keys refused with did-you-mean), and
# the core tables as a documented read-only surface: baton.people.get_many
# and a join with people from baton.store, which may not write them.
. "$(dirname "$0")/lib.sh"
baton people import "$BATON_SOURCE_DIR/samples/staff.csv" >/dev/null
baton groups import "$BATON_SOURCE_DIR/samples/groups.csv" >/dev/null

cat >q.lua <<'LUA'
for i = 1, 6 do
  baton.events.log{kind = i % 2 == 0 and "q.even" or "q.odd", subject = "T00" .. i,
    data = {mentee = i, name = "n" .. i, flag = i > 3, pair = {mentor = "M" .. i}}}
end
local function ids(list)
  local t = {}
  for _, e in ipairs(list) do t[#t + 1] = e.id end
  return table.concat(t, ",")
end
print("all oldest", ids(baton.events.list{}))
print("newest", ids(baton.events.list{order = "newest"}))
print("newest limit 2", ids(baton.events.list{order = "newest", limit = 2}))
print("oldest limit 2", ids(baton.events.list{order = "oldest", limit = 2}))
print("limit 0 is all", ids(baton.events.list{limit = 0}))
print("data integer", ids(baton.events.list{data = {mentee = 4}}))
print("data text", ids(baton.events.list{data = {name = "n5"}}))
print("data boolean", ids(baton.events.list{data = {flag = true}}))
print("data nested", ids(baton.events.list{data = {["pair.mentor"] = "M2"}}))
print("data and kind", ids(baton.events.list{kind = "q.even", data = {flag = true}}))
print("data type matters", ids(baton.events.list{data = {mentee = "4"}}))
local today = os.date("!%Y-%m-%d")
print("until today", #baton.events.list{["until"] = today})
print("until yesterday", #baton.events.list{["until"] = "2000-01-01"})
print("since today", #baton.events.list{since = today})
for _, bad in ipairs{
  function() baton.events.list{knd = "x"} end,
  function() baton.events.list{order = "sideways"} end,
  function() baton.events.list{limit = -1} end,
  function() baton.events.list{data = {["a'); DROP TABLE people; --"] = 1}} end,
  function() baton.events.list{data = {x = {}}} end,
  function() baton.events.list{data = "mentee"} end,
} do
  print("refused", select(2, pcall(bad)))
end
LUA

test_case "order and limit: newest first keeps the newest; oldest first the oldest"
expect_status 0 baton run q.lua
expect_contains "all oldest	1,2,3,4,5,6" out
expect_contains "newest	6,5,4,3,2,1" out
expect_contains "newest limit 2	6,5" out
expect_contains "oldest limit 2	1,2" out
expect_contains "limit 0 is all	1,2,3,4,5,6" out

test_case "a filter on data's fields, typed, nested, with the other conditions"
expect_contains "data integer	4" out
expect_contains "data text	5" out
expect_contains "data boolean	4,5,6" out
expect_contains "data nested	2" out
expect_contains "data and kind	4,6" out
expect_contains "data type matters	" out
expect_not_contains "data type matters	4" out

test_case "until takes in the whole day it names"
expect_contains "until today	6" out
expect_contains "until yesterday	0" out
expect_contains "since today	6" out

test_case "unknown keys, bad orders, limits and data keys are refused, saying what to write"
expect_contains "baton.events.list: unknown option 'knd' (did you mean 'kind'?)" out
expect_contains "order must be \"oldest\" (oldest first, the default) or \"newest\"" out
expect_contains "limit must be an integer, at least 0" out
expect_contains "is not a field name: write letters, digits and '_'" out
expect_contains "data.x must be a string, number or boolean" out
expect_contains "data must be a table of fields to match" out

test_case "order = \"newest\" with limit keeps what GET /api/events?limit= keeps"
serve_start
get "/api/events?limit=2"
expect_json_true body '[e["id"] for e in d] == [5, 6]'
get "/api/events?limit=2&kind=q.odd"
expect_json_true body '[e["id"] for e in d] == [3, 5]'
interrupt_bg

cat >many.lua <<'LUA'
local got = baton.people.get_many{"T001", "T002", "NOPE", "T001", "L001"}
local ids = {}
for id, p in pairs(got) do ids[#ids + 1] = id .. "=" .. p.name:sub(1, 1) end
table.sort(ids)
print("get_many", #ids, table.concat(ids, " "))
print("same as get", got.T002.name == baton.people.get("T002").name,
  got.T002.subjects[1] == baton.people.get("T002").subjects[1])
print("empty", next(baton.people.get_many{}))
print("extra arguments", baton.people.get_many({"T001"}, "x", {}).T001.id)
print("refused", select(2, pcall(baton.people.get_many, {"T001", {}})))
print("refused", select(2, pcall(baton.people.get_many, "T001")))
LUA

test_case "baton.people.get_many returns people by id in one call, missing ids absent"
expect_status 0 baton run many.lua
expect_match "^get_many	3	L001=. T001=. T002=.$" out
expect_contains "same as get	true	true" out
expect_contains "empty	nil" out
expect_contains "extra arguments	T001" out
expect_contains "ids[2] must be a person's id (a string), not a table" out
expect_contains "baton.people.get_many: ids must be a list of people's ids" out

cat >join.lua <<'LUA'
baton.store.migrate{"CREATE TABLE join_answers (person_id TEXT, answer TEXT)"}
baton.store.exec("INSERT INTO join_answers VALUES ('T001', 'yes'), ('T002', 'no')")
for _, r in ipairs(baton.store.query([[SELECT a.answer, p.name, p.role, p.active
    FROM join_answers a JOIN people p ON p.id = a.person_id ORDER BY p.id]])) do
  print("join", r.answer, r.role, r.active)
end
local g = baton.store.first([[SELECT count(*) AS n FROM memberships m
  JOIN groups g ON g.name = m.group_name JOIN people p ON p.id = m.person_id]])
print("memberships", g.n > 0)
for _, sql in ipairs{
  "UPDATE people SET name = 'x'",
  "DELETE FROM memberships",
  "INSERT INTO groups(name, kind) VALUES ('g', 'team')",
  "INSERT INTO events(kind) VALUES ('forged')",
  "CREATE VIEW join_people AS SELECT * FROM people",
  "DROP TABLE people",
} do
  print("refused", select(2, pcall(baton.store.exec, sql)))
end
LUA

test_case "a plugin with no permissions joins its table with the core tables"
expect_status 0 baton run join.lua
expect_match "^join	yes	.+	1$" out
expect_contains "memberships	true" out

test_case "the core tables are read-only to plugins, through every statement"
expect_contains "may not change core table 'people'" out
expect_contains "may not change core table 'memberships'" out
expect_contains "may not change core table 'groups'" out
expect_contains "may not change core table 'events'" out
expect_contains "may not create view or trigger 'join_people'" out
expect_contains "may not create, alter or drop 'people'" out
expect_status 0 baton people show T001
expect_not_contains "Name: x" out
finish
