-- scripts/sample-school.lua: a believable sample school, made up from a seed.
--
--   baton run --allow fs.write scripts/sample-school.lua [--size N] [--seed S] [--out DIR]
--
-- Writes DIR/staff.csv and DIR/groups.csv (default DIR: sample-school), ready
-- for `baton people import` and `baton groups import`. The same size and seed
-- always give the same school, so a trainer can rehearse a workshop and find
-- the same people on the day. Change the lists below to make the school your
-- own: the names, the departments, the committees.
--
-- Kestrel Bay College has two campuses, Harbour and Ridgeway. Everyone here
-- can lead: teachers, aides, counsellors, support staff and student leaders
-- all sit on committees, facilitate meetings and mentor or are mentored.

local opts = baton.args {
  summary = "Writes a believable sample school: DIR/staff.csv and DIR/groups.csv.",
  { "--size", type = "integer", default = 80, min = 30, max = 5000, help = "how many staff" },
  { "--seed", type = "integer", default = 2026, help = "the same seed always gives the same school" },
  { "--out", default = "sample-school", metavar = "DIR", help = "the folder to write" },
  { "--quiet", type = "boolean", help = "print nothing" },
}

-- A small random number generator of our own (a 32-bit xorshift), so the
-- school is the same on every machine and every Lua build.
local state = (opts.seed * 2654435761 + 12345) & 0xffffffff
if state == 0 then state = 1 end
local function rand(n) -- 1..n
  state = state ~ ((state << 13) & 0xffffffff)
  state = state ~ (state >> 17)
  state = state ~ ((state << 5) & 0xffffffff)
  return state % n + 1
end
local function pick(list) return list[rand(#list)] end
local function chance(percent) return rand(100) <= percent end

-- ---- what the school is made of -------------------------------------------

local campuses = { "Harbour", "Ridgeway" }

local departments = {
  { name = "Mathematics", subjects = { "Algebra", "Geometry", "Statistics", "Calculus" } },
  { name = "Science", subjects = { "Biology", "Chemistry", "Physics", "Earth Science" } },
  { name = "English", subjects = { "Literature", "Writing", "Drama" } },
  { name = "Humanities", subjects = { "History", "Geography", "Civics" } },
  { name = "Languages", subjects = { "Spanish", "French", "Mandarin", "Te Reo Maori" } },
  { name = "Arts", subjects = { "Visual Art", "Music", "Design" } },
  { name = "Health and PE", subjects = { "Physical Education", "Health" } },
  { name = "Technology", subjects = { "Computing", "Digital Technology", "Food Technology" } },
}

local grade_bands = { { "7", "8" }, { "8", "9" }, { "9", "10" }, { "10", "11" }, { "11", "12" }, { "7", "8", "9" } }

local first_names = {
  "Aroha", "Benedikt", "Chiara", "Darius", "Esi", "Farah", "Gareth", "Hana", "Ibrahim", "Jolene",
  "Kwame", "Lucia", "Mateo", "Nadia", "Oskar", "Priya", "Quentin", "Rosa", "Sione", "Tamsin",
  "Uma", "Viktor", "Wiremu", "Ximena", "Yusuf", "Zofia", "Anaru", "Beatriz", "Callum", "Dilnoza",
  "Emeka", "Freya", "Goran", "Hiroshi", "Ines", "Jamal", "Kalani", "Leilani", "Mikael", "Noor",
  "Olumide", "Pania", "Rafael", "Saoirse", "Tevita", "Valentina", "Wen", "Yara", "Zane", "Amara",
  "Bruno", "Cerys", "Dmitri", "Elif", "Fionn", "Grace", "Hamid", "Isla", "Jun", "Keziah",
}
local last_names = {
  "Abernethy", "Bautista", "Castellano", "Dlamini", "Eriksen", "Fonoti", "Gallagher", "Haddad",
  "Ishikawa", "Jovanovic", "Kaur", "Lindqvist", "Mwangi", "Novak", "Okonkwo", "Petrov", "Quispe",
  "Rahman", "Sandoval", "Tupou", "Underwood", "Varga", "Whitfield", "Xu", "Yilmaz", "Zielinski",
  "Achterberg", "Boateng", "Cho", "Delacroix", "Esposito", "Fitzgerald", "Grabowski", "Horomona",
  "Ivanova", "Jensen", "Kapoor", "Laurent", "Moana", "Nakamura", "O'Sullivan", "Pereira", "Ruiz",
  "Sorensen", "Tanaka", "Van der Berg", "Waititi", "Yamamoto", "Zhou", "Brennan",
}
local home_languages = {
  "Spanish", "Mandarin", "Samoan", "Tongan", "Te Reo Maori", "Arabic", "Hindi", "French",
  "Korean", "Tagalog", "Russian", "Portuguese",
}

-- ---- the people -------------------------------------------------------------

local people, used_names, counters = {}, {}, {}

local function next_id(prefix)
  counters[prefix] = (counters[prefix] or 0) + 1
  return string.format("%s%03d", prefix, counters[prefix])
end

local function new_name()
  for _ = 1, 1000 do
    local n = pick(first_names) .. " " .. pick(last_names)
    if not used_names[n] then
      used_names[n] = true
      return n
    end
  end
  error("ran out of names: add some to first_names or last_names", 0)
end

local function email_of(name)
  local first, last = name:match("^(%S+) (.+)$")
  local e = (first:sub(1, 1) .. "." .. last):lower():gsub("[^a-z.]", "")
  return e .. "@kestrelbay.school.nz"
end

-- A start date: `years` whole school years ago, in late January or early
-- August (when schools take on staff), or mid-year now and then.
local function start_date(years)
  local year = 2026 - years
  local month = chance(15) and pick({ 4, 7, 10 }) or pick({ 1, 8 })
  local day = month == 1 and 24 + rand(5) or 1 + rand(27)
  return string.format("%04d-%02d-%02d", year, month, day)
end

local function languages()
  local l = { "English" }
  if chance(35) then l[#l + 1] = pick(home_languages) end
  return l
end

local function add(p)
  p.name = p.name or new_name()
  p.email = p.email or email_of(p.name)
  p.languages = p.languages or languages()
  p.subjects = p.subjects or {}
  p.grades = p.grades or {}
  p.fte = p.fte or "1.0"
  p.trained_facilitator = p.trained_facilitator or "no"
  people[#people + 1] = p
  return p
end

local size = opts.size
local n_students = math.max(4, size // 10)
local n_aides = math.max(3, size // 9)
local n_counsellors = math.max(2, size // 35)
local n_support = math.max(4, size // 10)
local n_teachers = size - 3 - n_students - n_aides - n_counsellors - n_support

local principal = add { id = "P001", role = "principal", department = "Leadership", campus = "Harbour",
  subjects = { "History" }, start_date = "2011-01-24", trained_facilitator = "yes" }
local aps = {}
for c, campus in ipairs(campuses) do
  aps[campus] = add { id = next_id("AP"), role = "assistant principal", department = "Leadership",
    campus = campus, subjects = { pick(departments[c * 2].subjects) }, grades = { "7", "8", "9", "10", "11", "12" },
    start_date = start_date(8 + rand(6)), manager_id = principal.id, trained_facilitator = "yes" }
end

-- Teachers: spread over the departments in turn, each department's first
-- teacher its head. About one in five is new (this year or last).
local heads, by_dept = {}, {}
for t = 1, n_teachers do
  local d = departments[(t - 1) % #departments + 1]
  local campus = campuses[((t - 1) // #departments) % 2 + 1]
  local head = heads[d.name] == nil
  local new = not head and chance(22)
  local years = head and 8 + rand(12) or (new and rand(2) - 1 or 2 + rand(20))
  local subjects = { pick(d.subjects) }
  if chance(30) then
    local s2 = pick(d.subjects)
    if s2 ~= subjects[1] then subjects[2] = s2 end
  end
  local p = add { id = next_id("T"), role = "teacher", department = d.name, campus = campus,
    subjects = subjects, grades = pick(grade_bands), start_date = start_date(years),
    manager_id = head and aps[campus].id or nil,
    fte = (not head and chance(15)) and pick({ "0.5", "0.6", "0.8" }) or "1.0",
    trained_facilitator = (head or (years >= 5 and chance(45))) and "yes" or "no",
    new = new, years = years, head = head }
  if head then heads[d.name] = p end
  by_dept[d.name] = by_dept[d.name] or {}
  table.insert(by_dept[d.name], p)
end
for _, p in ipairs(people) do
  if p.role == "teacher" and not p.head then p.manager_id = heads[p.department].id end
end

local counsellors = {}
for i = 1, n_counsellors do
  counsellors[i] = add { id = next_id("C"), role = "counsellor", department = "Student Support",
    campus = campuses[(i - 1) % 2 + 1], grades = pick(grade_bands), start_date = start_date(2 + rand(12)),
    manager_id = aps[campuses[(i - 1) % 2 + 1]].id, trained_facilitator = chance(70) and "yes" or "no" }
end

for i = 1, n_aides do
  local d = pick(departments)
  local campus = campuses[(i - 1) % 2 + 1]
  local years = chance(30) and rand(2) - 1 or 1 + rand(10)
  add { id = next_id("A"), role = "aide", department = i % 3 == 0 and "Learning Support" or d.name,
    campus = campus, subjects = i % 3 == 0 and {} or { pick(d.subjects) }, grades = pick(grade_bands),
    start_date = start_date(years), manager_id = counsellors[(i - 1) % #counsellors + 1].id,
    fte = chance(40) and pick({ "0.5", "0.6" }) or "1.0",
    trained_facilitator = chance(20) and "yes" or "no", new = years <= 1, years = years }
end

local support_jobs = { "Office", "IT Services", "Facilities", "Library", "Office", "Facilities" }
for i = 1, n_support do
  local years = chance(25) and rand(2) - 1 or 1 + rand(15)
  add { id = next_id("S"), role = "support staff", department = support_jobs[(i - 1) % #support_jobs + 1],
    campus = campuses[(i - 1) % 2 + 1], start_date = start_date(years), manager_id = aps.Harbour.id,
    fte = chance(30) and "0.8" or "1.0", trained_facilitator = chance(15) and "yes" or "no",
    new = years <= 1, years = years }
end

for i = 1, n_students do
  local campus = campuses[(i - 1) % 2 + 1]
  add { id = next_id("L"), role = "student leader", department = "Student Council", campus = campus,
    grades = { pick({ "11", "12" }) }, start_date = "2026-02-02",
    manager_id = counsellors[(i - 1) % #counsellors + 1].id, fte = "0.2",
    trained_facilitator = i <= 2 and "yes" or "no" }
end

-- ---- the groups -------------------------------------------------------------

local memberships = {}
local function member(group, kind, p, role)
  memberships[#memberships + 1] = { group, kind, p.id, role or "" }
end
local function with_role(role)
  local r = {}
  for _, p in ipairs(people) do
    if p.role == role then r[#r + 1] = p end
  end
  return r
end

-- The leadership team: the principal, the assistant principals, every head
-- of department, a counsellor and a student leader (leadership at all levels).
member("Leadership Team", "team", principal, "chair")
for _, campus in ipairs(campuses) do member("Leadership Team", "team", aps[campus]) end
for _, d in ipairs(departments) do
  if heads[d.name] then member("Leadership Team", "team", heads[d.name]) end
end
member("Leadership Team", "team", counsellors[1])
member("Leadership Team", "team", with_role("student leader")[1])

-- A PLC per department, led by its head; the department's aides join.
for _, d in ipairs(departments) do
  local plc = d.name .. " PLC"
  for _, p in ipairs(by_dept[d.name] or {}) do
    member(plc, "plc", p, p.head and "lead" or nil)
  end
  for _, p in ipairs(with_role("aide")) do
    if p.department == d.name then member(plc, "plc", p) end
  end
end

-- Committees mix every role.
local function committee(name, kind, chair, pools)
  member(name, kind, chair, "chair")
  local seen = { [chair.id] = true }
  for _, pool in ipairs(pools) do
    local list, want = pool[1], pool[2]
    for _ = 1, want do
      local p = list[rand(#list)]
      if p and not seen[p.id] then
        seen[p.id] = true
        member(name, kind, p)
      end
    end
  end
end
local teachers, aides, support, students = with_role("teacher"), with_role("aide"),
    with_role("support staff"), with_role("student leader")
committee("Wellbeing Committee", "committee", counsellors[1],
  { { counsellors, 3 }, { teachers, 4 }, { aides, 2 }, { support, 1 }, { students, 2 } })
committee("Student Voice Council", "committee", students[1],
  { { students, 6 }, { teachers, 2 }, { counsellors, 1 } })
committee("Digital Learning Taskforce", "taskforce", support[2] or support[1],
  { { by_dept.Technology or teachers, 2 }, { teachers, 3 }, { aides, 1 }, { students, 1 } })
committee("Harbour Duty Team", "team", aps.Harbour,
  { { teachers, 6 }, { aides, 2 }, { support, 1 } })

-- Mentoring: everyone new this year or last (any role) is a mentee; the
-- mentors are experienced colleagues of every role, about one for every
-- mentee and a few spare so the match has choices.
local mentees, mentors = {}, {}
for _, p in ipairs(people) do
  if p.new then mentees[#mentees + 1] = p end
end
for _, p in ipairs(people) do
  if not p.new and p.years and p.years >= 4 and p.role ~= "principal" and #mentors < #mentees + 4 then
    if p.trained_facilitator == "yes" or chance(40) then mentors[#mentors + 1] = p end
  end
end
for _, c in ipairs(counsellors) do
  if #mentors < #mentees + 6 then mentors[#mentors + 1] = c end
end
for _, p in ipairs(mentees) do member("mentees", "cohort", p) end
for _, p in ipairs(mentors) do member("mentors", "cohort", p) end

-- Last year's cohort, for the history `baton demo` replays: the people in
-- their first or second year then (now in their second or third), and
-- mentors who mostly mentor again this year, so the rule "no repeat of a
-- past pair" has something to do. No random draws here: the school above
-- stays the same whatever this section does.
local past_mentees, past_mentors, is_mentor = {}, {}, {}
for _, p in ipairs(people) do
  if p.years == 1 or p.years == 2 then past_mentees[#past_mentees + 1] = p end
end
for i, p in ipairs(mentors) do
  is_mentor[p.id] = true
  if i % 3 ~= 0 then past_mentors[#past_mentors + 1] = p end
end
for _, p in ipairs(people) do
  if #past_mentors >= #past_mentees // 2 + 4 then break end
  if p.role == "teacher" and p.years and p.years >= 6 and not is_mentor[p.id] then
    past_mentors[#past_mentors + 1] = p
  end
end
for _, p in ipairs(past_mentees) do member("mentees last year", "cohort", p) end
for _, p in ipairs(past_mentors) do member("mentors last year", "cohort", p) end

-- ---- writing the files ------------------------------------------------------

-- A CSV cell: quoted when it holds a comma, a quote or a line break.
local function cell(v)
  v = v == nil and "" or tostring(v)
  if v:find('[,"\r\n]') then v = '"' .. v:gsub('"', '""') .. '"' end
  return v
end
local function csv(header, rows)
  local out = { table.concat(header, ",") }
  for _, r in ipairs(rows) do
    local cells = {}
    for i = 1, #header do cells[i] = cell(r[i]) end
    out[#out + 1] = table.concat(cells, ",")
  end
  return table.concat(out, "\n") .. "\n"
end

local staff_rows = {}
for _, p in ipairs(people) do
  staff_rows[#staff_rows + 1] = { p.id, p.name, p.email, p.role, p.department, p.campus,
    table.concat(p.subjects, ";"), table.concat(p.grades, ";"), table.concat(p.languages, ";"),
    p.start_date, p.manager_id, p.trained_facilitator, p.fte }
end

assert(baton.fs.mkdir(opts.out))
assert(baton.fs.write(opts.out .. "/staff.csv", csv({ "id", "name", "email", "role", "department",
  "campus", "subjects", "grades", "languages", "start_date", "manager_id", "trained_facilitator", "fte" },
  staff_rows)))
assert(baton.fs.write(opts.out .. "/groups.csv",
  csv({ "group", "kind", "person_id", "role_in_group" }, memberships)))

local roles = {}
for _, p in ipairs(people) do roles[p.role] = (roles[p.role] or 0) + 1 end
local parts = {}
for _, r in ipairs({ "principal", "assistant principal", "teacher", "aide", "counsellor",
  "support staff", "student leader" }) do
  if roles[r] then parts[#parts + 1] = roles[r] .. " " .. r end
end
if opts.quiet then return end
baton.log.info(string.format("Kestrel Bay College (seed %d): %d people (%s), %d memberships, %d mentees, %d mentors; wrote %s/staff.csv and %s/groups.csv",
  opts.seed, #people, table.concat(parts, ", "), #memberships, #mentees, #mentors, opts.out, opts.out))
