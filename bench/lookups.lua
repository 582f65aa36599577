-- bench/lookups.lua: an export of N answers, each naming a person, three
-- ways in the same run: one baton.people.get per row, one
-- baton.people.get_many for the distinct ids, and one SQL join with the
-- core table people. Run by bench/lookups.sh, which imports the people.
local n = tonumber(arg[1]) or 252000
local npeople = tonumber(arg[2]) or 2000
baton.store.migrate{
  "CREATE TABLE lookups_answers (id INTEGER PRIMARY KEY, person_id TEXT, answer TEXT)",
}
local have = baton.store.first("SELECT count(*) AS n FROM lookups_answers").n
if have ~= n then
  baton.store.transaction(function()
    baton.store.exec("DELETE FROM lookups_answers")
    for i = 1, n do
      baton.store.exec("INSERT INTO lookups_answers(person_id, answer) VALUES (?, ?)",
        ("P%05d"):format((i * 7919) % npeople + 1), "answer " .. i)
    end
  end)
end

local function time(label, f)
  local t0 = os.clock()
  local rows, named = f()
  local dt = os.clock() - t0
  print(("%-34s %8.2f CPU s  (%d rows, %d named)"):format(label, dt, rows, named))
  return dt
end

local answers = baton.store.query("SELECT person_id, answer FROM lookups_answers ORDER BY id")

local per_row = time("one baton.people.get per row", function()
  local named = 0
  for _, a in ipairs(answers) do
    local p = baton.people.get(a.person_id)
    if p then named = named + 1 end
  end
  return #answers, named
end)

local many = time("baton.people.get_many once", function()
  local ids, seen = {}, {}
  for _, a in ipairs(answers) do
    if not seen[a.person_id] then seen[a.person_id] = true; ids[#ids + 1] = a.person_id end
  end
  local people = baton.people.get_many(ids)
  local named = 0
  for _, a in ipairs(answers) do
    if people[a.person_id] then named = named + 1 end
  end
  return #answers, named
end)

local join = time("one SQL join with people", function()
  local rows = baton.store.query([[
    SELECT a.answer, p.name, p.role FROM lookups_answers a
    JOIN people p ON p.id = a.person_id ORDER BY a.id]])
  return #rows, #rows
end)

print(("get_many is %.0fx faster than per-row lookups; the join %.0fx"):format(
  per_row / many, per_row / join))
