-- The guiding coalition and its spread.
--
-- A coalition that leads a whole school's change needs people from many
-- parts of it: several roles (teachers, aides, counsellors, support staff,
-- student leaders, leaders with titles), several departments and every
-- campus. The spread counts what is represented and names what is not.

local check = require("initiatives").check

local M = {}

local function count_by(people, field)
  local counts, names = {}, {}
  for _, p in ipairs(people) do
    local v = p[field]
    if v and v ~= "" then
      if not counts[v] then names[#names + 1] = v end
      counts[v] = (counts[v] or 0) + 1
    end
  end
  table.sort(names)
  return names, counts
end

--- The spread of a list of person ids: the people, the roles, departments
--- and campuses they come from, and the roles of the school not represented.
function M.spread(ids)
  local people, missing_people = {}, {}
  for _, id in ipairs(ids) do
    local p = check(baton.people.get(id))
    if p then people[#people + 1] = p else missing_people[#missing_people + 1] = id end
  end
  local roles, role_counts = count_by(people, "role")
  local departments = count_by(people, "department")
  local campuses = count_by(people, "campus")
  local school_roles = count_by(check(baton.people.find {}), "role")
  local absent = {}
  for _, r in ipairs(school_roles) do
    if not role_counts[r] then absent[#absent + 1] = r end
  end
  local school_campuses = count_by(check(baton.people.find {}), "campus")
  local inactive = {}
  for _, p in ipairs(people) do
    if not p.active then inactive[#inactive + 1] = p.id end
  end
  return {
    size = #ids,
    people = people,
    roles = roles,
    role_counts = role_counts,
    departments = departments,
    campuses = campuses,
    school_campuses = #school_campuses,
    roles_absent = absent,
    inactive = inactive,
    unknown = missing_people,
  }
end

--- One line: "6 people from 4 roles, 5 departments and 2 campuses".
function M.summary(s)
  if s.size == 0 then return "nobody yet" end
  local function n(k, one, many) return ("%d %s"):format(k, k == 1 and one or many) end
  return ("%s from %s, %s and %s"):format(n(s.size, "person", "people"), n(#s.roles, "role", "roles"),
    n(#s.departments, "department", "departments"), n(#s.campuses, "campus", "campuses"))
end

--- "Maria Okafor (P001, principal)"
function M.who(p)
  return ("%s (%s, %s)"):format(p.name or p.id, p.id, p.role or "no role")
end

return M
