-- bench/assign_district.lua: a whole district match end to end, timed:
-- 3,000 new staff x 5,000 mentors, scores computed in C by
-- baton.assign.score (the mentoring plugin's features and default weights),
-- then baton.assign.solve with capacity 3 (on the thread pool).
--
--   build/baton --memory-limit 1024 run bench/assign_district.lua [ROWS COLS CAP]
local args = { ... }
local n, m, cap = tonumber(args[1]) or 3000, tonumber(args[2]) or 5000, tonumber(args[3]) or 3

local seed = 2024
local function pick(list)
  seed = (seed * 1103515245 + 12345) % 2147483648
  return list[seed % #list + 1]
end
local subjects = { "Mathematics", "English", "Science", "History", "Art", "Music", "PE",
  "French", "Spanish", "Computing", "Geography", "Drama" }
local grades = { "K-2", "3-5", "6-8", "9-12" }
local campuses = { "North", "South", "East", "West", "Central" }
local languages = { "English", "Spanish", "Mandarin" }
local roles = { "teacher", "aide", "counsellor", "support" }
local function person(k)
  return { id = tostring(k), subjects = { pick(subjects) }, grades = { pick(grades) },
    campus = pick(campuses), languages = { pick(languages) }, role = pick(roles),
    start_date = "2015-09-01" }
end

local t0 = os.clock()
local mentees, mentors = {}, {}
for i = 1, n do mentees[i] = person(i) end
for j = 1, m do mentors[j] = person(n + j) end
local t1 = os.clock()
local scores = baton.assign.score { rows = mentees, cols = mentors, today = "2025-09-01" }
local t2 = os.clock()
local r = assert(baton.assign.solve { scores = scores, capacity = cap })
local t3 = os.clock()
baton.print(string.format(
  "district %dx%d cap %d: people %.2f s, scoring %.2f s, solve %.2f s (CPU, all threads); assigned %d, total %s",
  n, m, cap, t1 - t0, t2 - t1, t3 - t2, r.assigned, r.total))
