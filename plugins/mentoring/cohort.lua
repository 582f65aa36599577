-- A mentoring cohort: who is in it, what each pair scores, which pairs the
-- rules forbid, and the best whole set of pairs.
--
--   1. the pools: the mentees and the mentors (two groups, active people);
--   2. the scores: every mentee with every mentor, a weighted sum of what
--      they share (baton.assign.score, in C);
--   3. the rules: never yourself, never your line manager, never a pair you
--      had before, the same campus if asked, the same school or another
--      school if asked (a district database), the coordinator's forbidden
--      and fixed pairs, and each mentor's capacity;
--   4. the match: as many mentees as the rules allow, then the best total
--      (or the fairest lowest score), solved exactly (baton.assign.solve);
--   5. the reasons: for each pair what it shares, for each mentee left out
--      the rule that left them out.

local settings = require("settings")
local pairfile = require("pairfile")

local M = {}

-- 1. The pools --------------------------------------------------------------

-- The active members of a group, and how many members it has in all.
local function active_members(group)
  local members, err, code = baton.groups.members(group)
  if not members and code ~= "ENOTFOUND" then error(("cannot read the group '%s': %s"):format(group, err), 0) end
  members = members or {}
  local people = {}
  for _, p in ipairs(members) do
    if p.active then people[#people + 1] = p end
  end
  return people, #members
end

local function empty(group, flag, what, total)
  local hint = total > 0 and "its members are all inactive"
    or ("no such group, or it is empty: import it with `baton groups import FILE` "
      .. "(group,kind,person_id,role_in_group), or name another with %s GROUP"):format(flag)
  error(("no %s: the group '%s' has no active members (%s)"):format(what, group, hint), 0)
end

local function pool(group, flag, what)
  local people, total = active_members(group)
  if #people == 0 then empty(group, flag, what, total) end
  return people
end

-- The words a groups file may use in role_in_group for each side.
local SIDE = { mentee = "mentee", mentees = "mentee", mentor = "mentor", mentors = "mentor" }

-- One group holding both sides (--cohort, or the same group given to
-- --mentees and --mentors): role_in_group says who is which. A group
-- without those roles is refused, never matched against itself.
-- The members of a cohort group on each side, and those on neither.
local function sides(people)
  local side, other = { mentee = {}, mentor = {} }, {}
  for _, p in ipairs(people) do
    local s = SIDE[(p.role_in_group or ""):lower():match("^%s*(.-)%s*$")]
    if s then table.insert(side[s], p) else other[#other + 1] = p.id end
  end
  return side, other
end

local function split(group)
  local people, total = active_members(group)
  if #people == 0 then empty(group, "--cohort", "cohort", total) end
  local side, other = sides(people)
  if #side.mentee == 0 or #side.mentor == 0 then
    local what = (#side.mentee == 0 and #side.mentor == 0) and "none of its members has role_in_group mentee or mentor"
      or ("none of its members has role_in_group %s"):format(#side.mentee == 0 and "mentee" or "mentor")
    error(("the group '%s' is to hold both the mentees and the mentors, but %s: set role_in_group to mentee "
      .. "or mentor for each member in the groups file (group,kind,person_id,role_in_group) and import it "
      .. "again, or name two groups with --mentees GROUP --mentors GROUP"):format(group, what), 0)
  end
  if #other > 0 then
    baton.log.warn(("%d member%s of the group '%s' %s no role_in_group mentee or mentor and %s left out: %s")
      :format(#other, #other == 1 and "" or "s", group, #other == 1 and "has" or "have", #other == 1 and "is" or "are",
        table.concat(other, ", ", 1, math.min(#other, 10)) .. (#other > 10 and ", ..." or "")))
  end
  return side.mentee, side.mentor
end

--- Which groups the cohort comes from: --cohort, else --mentees and
--- --mentors, each (when not given) the saved choice (`mentor cohort`,
--- or the last `match --save`), else the groups `mentees` and `mentors`.
--- The same group on both sides is a cohort group.
---@return {cohort: string?, mentees: string?, mentors: string?, saved: boolean?}
function M.groups(args)
  if args.cohort and (args.mentees or args.mentors) then
    error("give either --cohort GROUP (one group, role_in_group mentee or mentor) or --mentees GROUP "
      .. "--mentors GROUP (two groups), not both", 0)
  end
  if args.cohort then return { cohort = args.cohort } end
  local saved = settings.cohort()
  if not args.mentees and not args.mentors and saved then
    saved.saved = true
    return saved
  end
  local base = (saved and not saved.cohort) and saved or {}
  local g = { mentees = args.mentees or base.mentees or "mentees", mentors = args.mentors or base.mentors or "mentors" }
  if g.mentees == g.mentors then return { cohort = g.mentees } end
  return g
end

--- The active mentees and mentors of the groups `g` (M.groups), for a
--- page that shows the cohort: empty lists where a group is missing or
--- empty, never an error (the page of a school that has not imported its
--- groups yet is a page, not a failure).
---@return table[] mentees, table[] mentors
function M.pools(g)
  if g.cohort then
    local side = sides((active_members(g.cohort)))
    return side.mentee, side.mentor
  end
  return (active_members(g.mentees)), (active_members(g.mentors))
end

--- The groups in words, as `mentor cohort` shows them.
function M.describe_groups(g)
  local text = g.cohort and ("group '%s' (role_in_group mentee and mentor)"):format(g.cohort)
    or ("mentees from the group '%s', mentors from the group '%s'"):format(g.mentees, g.mentors)
  return text .. (g.saved and ", saved" or "")
end

local function index(people)
  local at = {}
  for i, p in ipairs(people) do at[p.id] = i end
  return at
end

-- A name or id as people type it: no case, single spaces.
local function plain(s)
  return (tostring(s or ""):lower():gsub("%s+", " "):match("^ ?(.-) ?$"))
end

--- Finds a person of the cohort by id or by name: the id as given, else an
--- id or a whole name in any case ("nia newton"), else one word of a name
--- ("Newton") when only one person has it. `side` is "mentee" or
--- "mentor". Returns the row (mentee) or column (mentor) number, or nil
--- and a message that says who is meant or what to type.
function M.lookup(c, side, given)
  local list, at = c[side .. "s"], side == "mentee" and c.row_of or c.col_of
  if at[given] then return at[given] end
  local g = plain(given)
  local hits = {}
  for k, p in ipairs(list) do
    if plain(p.id) == g or plain(p.name) == g then hits[#hits + 1] = k end
  end
  if #hits == 0 and g ~= "" then
    for k, p in ipairs(list) do
      for w in plain(p.name):gmatch("%S+") do
        if w == g then hits[#hits + 1] = k break end
      end
    end
  end
  if #hits == 1 then return hits[1] end
  local function named(ks)
    local out = {}
    for n, k in ipairs(ks) do
      if n > 5 then out[#out + 1] = "..." break end
      out[#out + 1] = ("%s (%s)"):format(list[k].id, list[k].name or "")
    end
    return table.concat(out, ", ")
  end
  if #hits > 1 then
    return nil, ("'%s' could be any of %s: give the id"):format(given, named(hits))
  end
  -- Nobody: suggest the people whose id or a name word starts like it.
  local near, stem = {}, g:sub(1, 3)
  for k, p in ipairs(list) do
    local hit = #stem > 0 and plain(p.id):sub(1, #stem) == stem
    for w in plain(p.name):gmatch("%S+") do
      if #stem > 0 and w:sub(1, #stem) == stem then hit = true end
    end
    if hit then near[#near + 1] = k end
  end
  return nil, ("'%s' is not a %s: no active member of %s has that id or name%s"):format(given, side,
    c.from[side .. "s"], #near > 0 and (" (did you mean %s?)"):format(named(near)) or "")
end

--- M.lookup, raising its message.
function M.find(c, side, given)
  local k, err = M.lookup(c, side, given)
  if not k then error(err, 0) end
  return k
end

-- A mentor's capacity: their mentor_capacity attribute, else --capacity.
local function capacity_of(mentor, default)
  local c = mentor.attrs and mentor.attrs.mentor_capacity
  if c == nil or c == "" then return default end
  local n = math.tointeger(tonumber(c))
  if not n or n < 0 then
    error(("%s %s has mentor_capacity '%s': it must be a whole number 0 or more")
      :format(mentor.id, mentor.name or "", tostring(c)), 0)
  end
  return n
end

-- The pairs of past cohorts, from the event log: mentee/mentor -> true.
function M.past_pairs()
  local past = {}
  for _, e in ipairs(settings.check(baton.events.list { kind = "mentor.pair" })) do
    if type(e.data) == "table" and e.data.mentor then
      past[e.subject .. "/" .. e.data.mentor] = true
    end
  end
  return past
end

-- Schools (a district database: people.school, core migration 7) ------------

--- Every person's school, read from the core table people ('' is the one
--- school of a single-school database).
local function schools_of()
  local rows, err = baton.store.query("SELECT id, school FROM people")
  if not rows then error("cannot read the people's schools: " .. tostring(err), 0) end
  local of = {}
  for _, r in ipairs(rows) do of[r.id] = r.school or "" end
  return of
end

-- The comma-separated schools of an option, as a set and a list.
local function school_set(text)
  local set, list = {}, {}
  for name in (text .. ","):gmatch("%s*(.-)%s*,") do
    if name ~= "" and not set[name] then
      set[name] = true
      list[#list + 1] = name
    end
  end
  return set, list
end

-- The people of `pool` whose school is in `set`; an empty result names the
-- schools the pool has instead.
local function of_schools(pool, set, list, of, flag, from)
  local kept, seen, names = {}, {}, {}
  for _, p in ipairs(pool) do
    local s = of[p.id] or ""
    if set[s] then kept[#kept + 1] = p end
    if not seen[s] then
      seen[s] = true
      names[#names + 1] = s == "" and "(no school)" or s
    end
  end
  if #kept == 0 then
    table.sort(names)
    error(("%s %s: nobody of %s is of that school; its people are of %s (`baton schools list`)")
      :format(flag, table.concat(list, ","), from, table.concat(names, ", ")), 0)
  end
  return kept
end

--- Narrows the cohort to --mentees-school and --mentors-school, and keeps
--- everyone's school for the --same-school and --across-schools rules.
function M.schools(c, args)
  if args.same_school and args.across_schools then
    error("give --same-school (pairs within one school) or --across-schools (each mentee with a mentor of "
      .. "another school), not both", 0)
  end
  if not (args.mentees_school or args.mentors_school or args.same_school or args.across_schools) then return end
  c.school = schools_of()
  if args.mentees_school then
    local set, list = school_set(args.mentees_school)
    c.mentees = of_schools(c.mentees, set, list, c.school, "--mentees-school", c.from.mentees)
  end
  if args.mentors_school then
    local set, list = school_set(args.mentors_school)
    c.mentors = of_schools(c.mentors, set, list, c.school, "--mentors-school", c.from.mentors)
  end
end

-- The school rule that forbids mentee with mentor, in words; nil if none.
local function school_why(c, mentee, mentor)
  if not c.school then return nil end
  local a, b = c.school[mentee.id] or "", c.school[mentor.id] or ""
  if c.args.same_school and a ~= b then
    return ("%s is of %s, %s of %s (--same-school)"):format(mentee.id, a ~= "" and a or "(no school)",
      mentor.id, b ~= "" and b or "(no school)"), "school"
  end
  if c.args.across_schools and a == b then
    return ("%s and %s are both of %s (--across-schools)"):format(mentee.id, mentor.id,
      a ~= "" and a or "the one school"), "across"
  end
  return nil
end

-- 2 and 3. Scores and rules -------------------------------------------------

-- Builds the cohort for the options of match, why and rematch. `keep` is a
-- list of {mentee =, mentor =} pairs to pin (rematch's valid active pairs);
-- they are allowed even though they are "past" pairs.
function M.build(args, keep)
  local g = M.groups(args)
  local c = { args = args, groups = g, today = baton.today(), pins = {} }
  if g.cohort then
    c.mentees, c.mentors = split(g.cohort)
    c.from = {
      mentees = ("the group '%s' with role_in_group mentee"):format(g.cohort),
      mentors = ("the group '%s' with role_in_group mentor"):format(g.cohort),
    }
  else
    c.mentees, c.mentors = pool(g.mentees, "--mentees", "mentees"), pool(g.mentors, "--mentors", "mentors")
    c.from = { mentees = ("the group '%s'"):format(g.mentees), mentors = ("the group '%s'"):format(g.mentors) }
  end
  if args.capacity < 0 then error("--capacity must be 0 or more", 0) end
  M.schools(c, args)
  c.weights = settings.weights(args.weights)
  c.row_of, c.col_of = index(c.mentees), index(c.mentors)
  c.capacity = {}
  for j, mentor in ipairs(c.mentors) do c.capacity[j] = capacity_of(mentor, args.capacity) end
  c.held_elsewhere = M.held_elsewhere(c)

  -- The same school: pairs of two schools are forbidden by the C scorer,
  -- in its loop over the cells (`same`), not one visit per cell in Lua.
  c.matrix = baton.assign.score {
    rows = c.mentees, cols = c.mentors, weights = c.weights, today = c.today,
    require = args.same_campus and { "campus" } or nil,
    same = args.same_school and c.school or nil,
  }
  local m = c.matrix

  -- A shared expertise need: the mentor can help with what the mentee
  -- wants to grow in (the expertise practice's map).
  c.helps = M.expertise_help(c)

  -- Never yourself, never your line manager.
  for i, mentee in ipairs(c.mentees) do
    local j = c.col_of[mentee.id]
    if j then m:forbid(i, j) end
    j = mentee.manager_id and c.col_of[mentee.manager_id]
    if j then m:forbid(i, j) end
  end

  -- Another school, when asked: only the pairs inside each school are
  -- visited (mentors bucketed by school), so a district's cohort costs the
  -- sum of its schools' squares, not mentees x mentors. (The same school
  -- is the scorer's, above.)
  if c.args.across_schools then
    local by = {}
    for j, mentor in ipairs(c.mentors) do
      local s = c.school[mentor.id] or ""
      by[s] = by[s] or {}
      table.insert(by[s], j)
    end
    for i, mentee in ipairs(c.mentees) do
      for _, j in ipairs(by[c.school[mentee.id] or ""] or {}) do m:forbid(i, j) end
    end
  end

  -- Never a pair that was active before, unless kept or allowed.
  c.kept = {}
  for _, k in ipairs(keep or {}) do c.kept[k.mentee .. "/" .. k.mentor] = true end
  c.past = args.allow_repeat and {} or M.past_pairs()
  for key in pairs(c.past) do
    local a, b = key:match("^(.-)/(.*)$")
    local i, j = c.row_of[a], c.col_of[b]
    if i and j and not c.kept[key] then m:forbid(i, j) end
  end

  -- The coordinator's forbidden pairs.
  c.forbidden = {}
  if args.forbid then
    for _, p in ipairs(pairfile.read(args.forbid, c, M.lookup)) do
      c.forbidden[p.mentee .. "/" .. p.mentor] = p.where
      m:forbid(p.i, p.j)
    end
  end

  -- The school's own rule, if any: a Lua function over every allowed pair.
  c.ruled = {}
  if args.rule then M.apply_rule(c, args.rule) end

  -- Pins: the fixed file, then the pairs kept by rematch.
  local function pin(i, j, where)
    local why = M.forbidden_why(c, i, j)
    if why then
      error(("%s: %s cannot mentor %s: %s"):format(where, c.mentors[j].id, c.mentees[i].id, why), 0)
    end
    if c.pins[i] and c.pins[i] ~= j then
      error(("%s: %s is already fixed to %s"):format(where, c.mentees[i].id, c.mentors[c.pins[i]].id), 0)
    end
    c.pins[i] = j
  end
  if args.fixed then
    for _, p in ipairs(pairfile.read(args.fixed, c, M.lookup)) do pin(p.i, p.j, p.where) end
  end
  for _, k in ipairs(keep or {}) do
    local i, j = c.row_of[k.mentee], c.col_of[k.mentor]
    if i and j and not c.pins[i] then
      pin(i, j, "active pair")
    elseif i and not j and not c.pins[i] then
      -- kept with a mentor of another school (outside the cohort a
      -- school sees): the mentee has a mentor, so takes no place here
      for jj = 1, #c.mentors do m:forbid(i, jj) end
    end
  end
  local used = {}
  for _, j in pairs(c.pins) do
    used[j] = (used[j] or 0) + 1
    if used[j] > c.capacity[j] then
      error(("%s is fixed to more mentees than their capacity of %d"):format(c.mentors[j].id, c.capacity[j]), 0)
    end
  end
  return c
end

--- Run for one school (a form: baton.people.school()), the places its
--- mentors hold for mentees of another school: a pair across schools is
--- its mentee's school's (settings.active leaves it out here), yet it
--- fills a place of the mentor. Takes them off c.capacity and returns
--- {[j] = {mentee ids}}; nothing when the code sees every school (every
--- pair is then among the active ones).
function M.held_elsewhere(c)
  local held = {}
  if not baton.people.school() then return held end
  local ours = {}
  for _, p in ipairs(settings.active()) do ours[p.id] = true end
  for _, p in ipairs(settings.shown(true)) do
    local j = c.col_of[p.mentor]
    if j and not ours[p.id] then
      held[j] = held[j] or {}
      table.insert(held[j], p.mentee)
      c.capacity[j] = math.max(0, c.capacity[j] - 1)
    end
  end
  return held
end

--- The shared expertise need, a score of mentoring's own in Lua: for each
--- mentee who wants to grow in a tag (`baton expertise want`) and each
--- mentor who holds it on the expertise map (declared, endorsed or
--- evidenced), the pair gains the setting `expertise` (points, default 2)
--- once, however many tags they share. Returns {[i] = {[j] = {tags}}}
--- and adds the points to c.matrix. Without the expertise plugin, or with
--- the setting 0, nothing changes and the plugin is not called; a map that
--- cannot be read is a warning, never a failed match. One call reads the
--- whole map, and the loop runs over wants x holders, not mentees x
--- mentors.
function M.expertise_help(c)
  local w = baton.settings.get("expertise")
  c.expertise_weight = w
  if not w or w == 0 then return {} end
  local found, ex = pcall(baton.plugin, "expertise")
  if not found then return {} end
  local map, err = ex.map {}
  if type(map) ~= "table" then
    baton.log.warn("the expertise map could not be read, so no pair scores a shared expertise need: " .. tostring(err))
    return {}
  end
  -- Plain data from another plugin: anything but a list of {person, tag}
  -- strings is left out rather than trusted.
  local function list(x) return type(x) == "table" and x or {} end
  local function entry(x) return type(x) == "table" and type(x.person) == "string" and type(x.tag) == "string" end
  local holders = {}
  for _, s in ipairs(list(map.strengths)) do
    local j = entry(s) and c.col_of[s.person]
    if j then
      holders[s.tag] = holders[s.tag] or {}
      table.insert(holders[s.tag], j)
    end
  end
  local helps = {}
  for _, want in ipairs(list(map.wants)) do
    local i = entry(want) and c.row_of[want.person]
    for _, j in ipairs(i and holders[want.tag] or {}) do
      if c.mentors[j].id ~= want.person then
        helps[i] = helps[i] or {}
        if not helps[i][j] then
          helps[i][j] = {}
          local v = c.matrix:get(i, j)
          if v then c.matrix:set(i, j, v + w) end
        end
        table.insert(helps[i][j], want.tag)
      end
    end
  end
  return helps
end

-- Loads a rule file (Lua source returning a function) in an environment of
-- its own that reads the plugin's globals (baton, string, math, ...).
local function load_rule(path)
  local text, err = baton.fs.read(path)
  if not text then error(("cannot read %s: %s"):format(path, err), 0) end
  local chunk, msg = load(text, "@" .. path, "t", setmetatable({}, { __index = _G }))
  if not chunk then error(msg, 0) end
  local fn = chunk()
  if type(fn) ~= "function" then
    error(("%s must return a function(mentee, mentor, score), not %s"):format(path, type(fn)), 0)
  end
  return fn
end

-- Calls the rule on every allowed pair: a number replaces the score, false
-- forbids the pair, nil keeps the score. O(mentees x mentors) calls in Lua:
-- fine for a school, slow for a whole district.
function M.apply_rule(c, path)
  local fn, m = load_rule(path), c.matrix
  c.rule_file = path
  for i, mentee in ipairs(c.mentees) do
    for j, mentor in ipairs(c.mentors) do
      local s = m:get(i, j)
      if s then
        local v = fn(mentee, mentor, s)
        if v == false then
          m:forbid(i, j)
          c.ruled[mentee.id .. "/" .. mentor.id] = true
        elseif type(v) == "number" then
          m:set(i, j, v)
        elseif v ~= nil then
          error(("%s: the rule returned %s for %s and %s; return a number, false or nil")
            :format(path, type(v), mentee.id, mentor.id), 0)
        end
      end
    end
  end
end

-- The rule that forbids mentee i with mentor j, in words, and its kind;
-- nil when the pair is allowed.
function M.forbidden_why(c, i, j)
  local mentee, mentor = c.mentees[i], c.mentors[j]
  local key = mentee.id .. "/" .. mentor.id
  if mentee.id == mentor.id then return "a person cannot mentor themself", "self" end
  if mentee.manager_id == mentor.id then
    return ("%s is %s's line manager"):format(mentor.id, mentee.id), "manager"
  end
  if c.past[key] and not c.kept[key] then
    return ("%s and %s were paired before (--allow-repeat allows it)"):format(mentee.id, mentor.id), "repeat"
  end
  if c.forbidden[key] then return "forbidden in " .. c.forbidden[key], "forbid" end
  if c.ruled[key] then return "forbidden by the rule in " .. c.rule_file, "rule" end
  if c.args.same_campus and (mentee.campus or ""):lower() ~= (mentor.campus or ""):lower() then
    return ("%s is on campus %s, %s on %s (--same-campus)"):format(mentee.id, mentee.campus or "(none)",
      mentor.id, mentor.campus or "(none)"), "campus"
  end
  local why, kind = school_why(c, mentee, mentor)
  if why then return why, kind end
  local held = c.held_elsewhere[j]
  if c.capacity[j] == 0 and held then
    return ("%s's place%s taken by %s of another school (%s)"):format(mentor.id, #held == 1 and " is" or "s are",
      #held == 1 and "a mentee" or "mentees", table.concat(held, ", ")), "capacity"
  end
  if c.capacity[j] == 0 then return ("%s has capacity 0"):format(mentor.id), "capacity" end
  return nil
end

-- The order in which the rules are listed when a mentee has no mentor.
local rank = { self = 1, manager = 2, ["repeat"] = 3, forbid = 4, rule = 5, campus = 6, school = 7, across = 8,
  capacity = 9 }

-- How several mentors ruled out by the same rule are summed up.
local many = {
  ["repeat"] = "%d were paired with them before (--allow-repeat allows it)",
  forbid = "%d are forbidden in the --forbid file",
  rule = "%d are forbidden by the --rule file",
  campus = "%d are on another campus (--same-campus)",
  school = "%d are of another school (--same-school)",
  across = "%d are of the mentee's own school (--across-schools)",
  capacity = "%d have capacity 0",
}

-- 4. The match --------------------------------------------------------------

-- Solves the cohort, with extra pins if given ({[i] = j}). Returns the
-- solver's result: rows[i] = j or false, total, assigned.
function M.solve(c, extra)
  local fixed = {}
  for i, j in pairs(c.pins) do fixed[i] = j end
  for i, j in pairs(extra or {}) do fixed[i] = j end
  local r, err = baton.assign.solve {
    scores = c.matrix, capacity = c.capacity, objective = c.args.objective, fixed = fixed,
  }
  if not r then error(err, 0) end
  return r
end

-- A number to two decimals, whole numbers without ".0".
function M.round(x)
  local r = math.floor(x * 100 + 0.5) / 100
  return math.tointeger(r) or r
end

-- 5. The reasons ------------------------------------------------------------

local function points(p)
  local s = math.type(p) == "float" and ("%g"):format(p) or tostring(p)
  return p >= 0 and ("+" .. s) or s
end

-- The reasons of a pair: { {feature, points, detail} }, and as one line.
function M.reasons(c, i, j)
  local list = baton.assign.reasons(c.mentees[i], c.mentors[j], c.weights, c.today)
  local tags = c.helps and c.helps[i] and c.helps[i][j]
  if tags then
    list[#list + 1] = { feature = "expertise", points = c.expertise_weight,
      detail = "can help with " .. table.concat(tags, ", ") }
  end
  -- What the school's rule added or took away.
  local sum = 0
  for _, r in ipairs(list) do sum = sum + r.points end
  local extra = (c.matrix:get(i, j) or sum) - sum
  if extra ~= 0 then
    list[#list + 1] = { feature = "rule", points = M.round(extra), detail = "the rule in " .. c.rule_file }
  end
  local words = {}
  for _, r in ipairs(list) do words[#words + 1] = ("%s (%s)"):format(r.detail, points(r.points)) end
  return list, #words > 0 and table.concat(words, ", ") or "nothing in common (score 0)"
end

-- Why mentee i has no mentor: the rules that rule each mentor out, or, if
-- some could mentor them, that those are full.
function M.unmatched_why(c, i)
  local counts, order, open = {}, {}, {}
  for j = 1, #c.mentors do
    local why, kind = M.forbidden_why(c, i, j)
    if why then
      if not counts[kind] then
        counts[kind] = { n = 0, text = why }
        order[#order + 1] = kind
      end
      counts[kind].n = counts[kind].n + 1
    else
      open[#open + 1] = c.mentors[j].id
    end
  end
  if #open > 0 then
    local shown = table.concat(open, ", ", 1, math.min(#open, 5)) .. (#open > 5 and ", ..." or "")
    if #open == 1 then
      return ("no eligible mentor left: the only mentor allowed, %s, is full"):format(shown)
    end
    return ("no eligible mentor left: the %d mentors allowed (%s) are full"):format(#open, shown)
  end
  table.sort(order, function(a, b) return rank[a] < rank[b] end)
  local parts = {}
  for _, kind in ipairs(order) do
    local k = counts[kind]
    parts[#parts + 1] = (k.n == 1 or not many[kind]) and k.text or many[kind]:format(k.n)
  end
  return "no eligible mentor: " .. table.concat(parts, "; ")
end

--- The pairs that score 0 or less (nothing in common that the weights
--- count), each with what the coordinator could do about it.
function M.zero_score(list)
  local out = {}
  for _, p in ipairs(list) do
    if p.score <= 0 then
      out[#out + 1] = { mentee = p.mentee, mentor = p.mentor, score = p.score,
        suggestion = ("%s and %s share nothing the weights count: check their subjects, grades, campus and "
          .. "languages in the staff list, fix a better pair with --fixed, or forbid this one with --forbid so "
          .. "that %s is listed as unmatched instead"):format(p.mentee, p.mentor, p.mentee) }
    end
  end
  return out
end

-- The pairs and the unmatched of a result, with reasons and a summary.
function M.outcome(c, result)
  local out = { pairs = {}, unmatched = {}, objective = c.args.objective, total_score = 0 }
  local cross, used, cap = 0, 0, 0
  for j = 1, #c.mentors do cap = cap + c.capacity[j] end
  for i, j in ipairs(result.rows) do
    local mentee = c.mentees[i]
    if j then
      local mentor = c.mentors[j]
      local list, line = M.reasons(c, i, j)
      local score = c.matrix:get(i, j)
      out.pairs[#out.pairs + 1] = {
        mentee = mentee.id, mentee_name = mentee.name, mentor = mentor.id, mentor_name = mentor.name,
        score = score, reasons = list, why = line, fixed = c.pins[i] == j or nil,
        mentee_school = c.school and c.school[mentee.id] or nil,
        mentor_school = c.school and c.school[mentor.id] or nil,
      }
      out.total_score = out.total_score + score
      used = used + 1
      if (mentee.campus or ""):lower() ~= (mentor.campus or ""):lower() then cross = cross + 1 end
    else
      out.unmatched[#out.unmatched + 1] = { mentee = mentee.id, mentee_name = mentee.name, reason = M.unmatched_why(c, i) }
    end
  end
  local n = #out.pairs
  out.zero_score = M.zero_score(out.pairs)
  out.summary = {
    mentees = #c.mentees, mentors = #c.mentors, pairs = n, unmatched = #out.unmatched,
    mean_score = n > 0 and M.round(out.total_score / n) or 0,
    lowest_score = result.worst, cross_campus = cross, capacity = cap, capacity_used = used,
  }
  out.weights = c.weights
  return out
end

return M
