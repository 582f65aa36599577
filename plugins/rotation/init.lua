-- Rotating leadership roles fairly over a term.
--
-- Rotating who facilitates, takes notes or keeps time gives everyone the
-- experience of leading. A fair rota, as a coordinator draws it up:
--
--   1. Set the calendar: the meeting days of the term, without closures.
--   2. Know the people: who is in the group, who may hold which role
--      (eligibility), who is away when, who works part-time (FTE).
--   3. Count what each person has already done, this term and before,
--      in every group (from baton's event log).
--   4. Share the turns out: each meeting's roles go to those who have
--      held them least, in proportion to FTE, never two roles to one
--      person at a meeting, nobody twice running when someone else can
--      (scheduler/init.lua).
--   5. Check it is fair: per role and in total, people in the same
--      position differ by at most one turn, or say why that cannot be.
--   6. Name every gap and its reason; publish the rota (table, CSV,
--      JSON, one calendar file per person and per group); keep it.
--
-- Afterwards: `swap` one turn (with the compensating swap that keeps it
-- fair), `repair` after new absences (fewest changes), `why` a person
-- holds a turn, `show` the saved rota.

local calendar = require("calendar")
local scheduler = require("scheduler")
local store = require("store")

local M = {}

-- Settings and people -------------------------------------------------------

local function split_list(s)
  local out = {}
  for item in tostring(s or ""):gmatch("[^,]+") do
    item = item:gsub("^%s+", ""):gsub("%s+$", "")
    if item ~= "" then out[#out + 1] = item end
  end
  return out
end

-- A group's members: those a group=NAME need reads (nil for no such
-- group); any other failure of the store (no memory, I/O) raises, saying
-- so, rather than passing for a missing group.
local function group_members(group)
  local list, err, code = baton.groups.members(group)
  if not list and code ~= "ENOTFOUND" then
    error(("cannot read the members of '%s': %s"):format(group, tostring(err)), 0)
  end
  return list
end

local function members_of(group)
  local list = group_members(group)
  if not list then
    local known = {}
    for _, g in ipairs(baton.groups.list() or {}) do known[#known + 1] = g.name end
    error(("no group '%s'%s"):format(group, #known > 0 and ("; the groups are: " .. table.concat(known, ", "))
      or "; import them first: baton groups import FILE"), 0)
  end
  if #list == 0 then error(("group '%s' has no members"):format(group), 0) end
  return list
end

-- "facilitator:trained_facilitator=yes" -> role, key, value
local function parse_need(s)
  local role, key, value = s:match("^%s*([^:]+):%s*([%w_]+)%s*=%s*(.-)%s*$")
  if not role then
    error(("--needs '%s': write ROLE:ATTR=VALUE, e.g. facilitator:trained_facilitator=yes"):format(s), 0)
  end
  return role, key, value
end

-- Does person p meet "key=value"? An attribute, a core field, or the
-- special keys group (member of that group) and role_in_group.
local group_cache = {}
local function meets(p, key, value)
  if key == "group" then
    if not group_cache[value] then
      local set = {}
      for _, m in ipairs(group_members(value) or {}) do set[m.id] = true end
      group_cache[value] = set
    end
    return group_cache[value][p.id] == true
  end
  local v = p[key]
  if v == nil and p.attrs then v = p.attrs[key] end
  if type(v) == "table" then
    for _, x in ipairs(v) do if tostring(x):lower() == value:lower() then return true end end
    return false
  end
  return v ~= nil and tostring(v):lower() == value:lower()
end

-- The problem for the scheduler, from a group's members and settings.
-- Absences by person, worked out once per list of absences.
local absences_by = setmetatable({}, { __mode = "k" })
local function absences_of(list, id)
  local idx = absences_by[list]
  if not idx or idx.n ~= #list then -- (repair adds to a list)
    idx = { n = #list, by = {} }
    for _, a in ipairs(list) do
      idx.by[a.person] = idx.by[a.person] or {}
      table.insert(idx.by[a.person], a)
    end
    absences_by[list] = idx
  end
  return idx.by[id]
end

local function build(group, settings, hist, members)
  local prob = { people = {}, roles = settings.roles, meetings = settings.meetings,
                 eligible = {}, away = {}, history = {}, history_total = {},
                 min_gap = settings.min_gap, needs = {} }
  for role, need in pairs(settings.needs or {}) do prob.needs[role] = need end
  local index = {}
  for i, p in ipairs(members) do
    local fte = tonumber(p.attrs and p.attrs.fte) or 1
    if fte <= 0 then fte = 0.01 end
    prob.people[i] = { id = p.id, name = p.name or p.id, fte = fte, person = p }
    index[p.id] = i
    prob.eligible[i], prob.away[i], prob.history[i] = {}, {}, {}
    for r, role in ipairs(settings.roles) do
      local need = settings.needs and settings.needs[role]
      if need then
        local key, value = need:match("^([%w_]+)=(.*)$")
        prob.eligible[i][r] = meets(p, key, value) or ("not " .. need)
      else
        prob.eligible[i][r] = true
      end
    end
    local mine = absences_of(settings.absences or {}, p.id)
    local days = p.attrs and p.attrs.unavailable_days
    if mine or (days and days ~= "") then
      for t, date in ipairs(settings.meetings) do
        prob.away[i][t] = calendar.away(p, date, mine or {})
      end
    end
    local h = hist[p.id] or { roles = {}, total = 0 }
    for r, role in ipairs(settings.roles) do prob.history[i][r] = h.roles[role] or 0 end
    prob.history_total[i] = h.total
  end
  prob.index = index
  return prob
end

-- Past turns per person: hist[id] = { roles = { role = n }, total = n,
-- last = { role = date } }, leaving out the group's own slots from `from`
-- on (the plan being made replaces them). `list` is store.history(); it
-- is indexed by person once (list.by_person), so that planning many
-- groups reads each member's own turns only.
local function history(group, from, list, members)
  local by = list.by_person
  if not by then
    by = {}
    for _, d in ipairs(list) do
      local l = by[d.person]
      if not l then l = {}; by[d.person] = l end
      l[#l + 1] = d
    end
    list.by_person = by
  end
  local hist = {}
  for _, m in ipairs(members) do
    for _, d in ipairs(by[m.id] or {}) do
      if not (d.group == group and d.date >= from) then
        local h = hist[d.person]
        if not h then h = { roles = {}, total = 0, last = {} }; hist[d.person] = h end
        h.roles[d.role] = (h.roles[d.role] or 0) + 1
        h.total = h.total + 1
        if d.date < from and (h.last[d.role] == nil or d.date > h.last[d.role]) then h.last[d.role] = d.date end
      end
    end
  end
  return hist
end

-- Presenting a plan --------------------------------------------------------

local function short(prob, p)
  return p and prob.people[p].id or "—"
end

-- The plan as data: what --json prints and what is saved.
local function result_of(group, prob, sol, fair)
  local out = { group = group, meetings = {}, counts = {}, unfilled = {}, fairness = {} }
  for t, date in ipairs(prob.meetings) do
    -- role names are strings, so a filled meeting encodes as an object;
    -- only an empty one needs marking (a C call per meeting adds up)
    local a, any = {}, false
    for r, role in ipairs(prob.roles) do
      local p = sol.assign[t][r]
      if p then a[role] = prob.people[p].id; any = true end
    end
    out.meetings[t] = { date = date, assignments = any and a or baton.json.object(a) }
    for r, role in ipairs(prob.roles) do
      if not sol.assign[t][r] then
        out.unfilled[#out.unfilled + 1] = { date = date, role = role, reason = sol.reasons[t][r] }
      end
    end
  end
  local counts = baton.json.object {}
  for p, person in ipairs(prob.people) do
    local c = {} -- at least one role: an object
    for r, role in ipairs(prob.roles) do c[role] = fair.plan[p][r] end
    counts[person.id] = c
  end
  out.counts = counts
  local hist = baton.json.object {}
  for p, person in ipairs(prob.people) do
    local c = {}
    for r, role in ipairs(prob.roles) do c[role] = fair.counts[p][r] - fair.plan[p][r] end
    c.total = fair.total[p] - fair.plan_total[p]
    hist[person.id] = c
  end
  out.history = hist
  local impossible = {}
  for _, c in ipairs(fair.checks) do
    if not c.ok then
      local ids = {}
      for _, p in ipairs(c.people) do ids[#ids + 1] = prob.people[p].id end
      impossible[#impossible + 1] = { scope = c.scope, people = ids, spread = c.spread, why = c.why,
                                      impossible = c.impossible or false }
    end
  end
  out.fairness = { bound = fair.bound, met = fair.bound <= 1, exceptions = impossible }
  local se = sol.search
  if se then
    out.fairness.search = { status = se.status, steps = se.steps, repeats = se.repeats, fewest_repeats = se.fewest or false }
  end
  return out
end

local function render(prob, res, fair, skipped)
  baton.print(("%s: %d meetings, roles %s"):format(res.group, #prob.meetings, table.concat(prob.roles, ", ")))
  if skipped and #skipped > 0 then
    local s = {}
    for _, k in ipairs(skipped) do s[#s + 1] = k.date .. " (" .. k.why .. ")" end
    baton.print("Skipped closures: " .. table.concat(s, ", "))
  end
  baton.print("")
  local rows = {}
  for _, m in ipairs(res.meetings) do
    local row = { date = m.date .. " " .. select(2, baton.date.weekday(m.date)) }
    for _, role in ipairs(prob.roles) do row[role] = m.assignments[role] or "(unfilled)" end
    rows[#rows + 1] = row
  end
  local cols = { "date" }
  for _, role in ipairs(prob.roles) do cols[#cols + 1] = role end
  baton.ui.table(rows, cols)
  baton.print("")
  baton.print("Turns per person (this plan; with history in brackets when there is any):")
  local crow = {}
  for p, person in ipairs(prob.people) do
    local row = { person = person.id, name = person.name, fte = person.fte }
    for r, role in ipairs(prob.roles) do
      local n, all = fair.plan[p][r], fair.counts[p][r]
      row[role] = all ~= n and ("%d (%d)"):format(n, all) or tostring(n)
    end
    local n, all = fair.plan_total[p], fair.total[p]
    row.total = all ~= n and ("%d (%d)"):format(n, all) or tostring(n)
    crow[#crow + 1] = row
  end
  local ccols = { "person", "name", "fte" }
  for _, role in ipairs(prob.roles) do ccols[#ccols + 1] = role end
  ccols[#ccols + 1] = "total"
  baton.ui.table(crow, ccols)
  baton.print("")
  if res.fairness.met then
    baton.print(("Fairness: bound %d met: per role and in total, people with the same availability, eligibility and FTE differ by at most 1 (history included)."):format(res.fairness.bound))
  else
    baton.print(("Fairness: bound 1 not met everywhere (worst difference %d):"):format(res.fairness.bound))
    for _, e in ipairs(res.fairness.exceptions) do
      baton.print(("  ! %s among %s: %s"):format(e.scope, table.concat(e.people, ", "), e.why))
    end
  end
  local se = res.fairness.search
  if se and se.status == "found" then
    baton.print(("Exact search (%d steps): %d repeat%s within the minimum gap, %s."):format(se.steps, se.repeats,
      se.repeats == 1 and "" or "s", se.fewest_repeats and "the fewest any fair rota has"
        or "the fewest found within the time limit"))
  end
  if #res.unfilled == 0 then
    baton.print("Every role at every meeting is filled.")
  else
    baton.print(("%d unfilled:"):format(#res.unfilled))
    for _, u in ipairs(res.unfilled) do
      baton.print(("  ! %s %s: %s"):format(u.date, u.role, u.reason))
    end
  end
end

-- Files: CSV and iCalendar ---------------------------------------------------

local function csv_cell(s)
  s = tostring(s or "")
  if s:match("^[=+%-@\t\r]") then s = "'" .. s end -- a spreadsheet would run it
  if s:find('[,"\r\n]') then s = '"' .. s:gsub('"', '""') .. '"' end
  return s
end

local function write_csv(path, prob, res)
  local lines = { "date,role,person_id,name" }
  for _, m in ipairs(res.meetings) do
    for _, role in ipairs(prob.roles) do
      local id = m.assignments[role]
      local p = id and prob.people[prob.index[id]]
      lines[#lines + 1] = table.concat({ csv_cell(m.date), csv_cell(role), csv_cell(id or ""),
        csv_cell(p and p.name or "") }, ",")
    end
  end
  assert(baton.fs.write(path, table.concat(lines, "\n") .. "\n"))
end

local function slug(s)
  return (s:lower():gsub("[^%w]+", "-"):gsub("^%-+", ""):gsub("%-+$", ""))
end

local function write_ics(dir, group, prob, res)
  local ok, err = baton.fs.mkdir(dir) -- and any missing parents
  if not ok then error(("--ics %s: %s"):format(dir, err), 0) end
  local old = store.slots(group)
  local group_events, per = {}, {}
  for _, m in ipairs(res.meetings) do
    for _, role in ipairs(prob.roles) do
      local id = m.assignments[role]
      if id then
        local p = prob.people[prob.index[id]]
        local seq = store.next_seq(old[m.date] and old[m.date][role], id)
        local uid = ("%s-%s-%s@baton"):format(slug(group), m.date, slug(role))
        group_events[#group_events + 1] = { uid = uid, sequence = seq, date = m.date,
          summary = ("%s: %s"):format(role, p.name), description = group }
        per[id] = per[id] or {}
        table.insert(per[id], { uid = ("%s-%s-%s-%s@baton"):format(slug(group), m.date, slug(role), slug(id)),
          sequence = seq, date = m.date, summary = ("%s, %s"):format(role, group),
          description = ("You are %s at the %s meeting."):format(role, group) })
      end
    end
  end
  local files = {}
  local gpath = ("%s/%s.ics"):format(dir, slug(group))
  assert(baton.fs.write(gpath, baton.ics.calendar { name = group .. " rota", events = group_events }))
  files[#files + 1] = gpath
  for _, p in ipairs(prob.people) do
    if per[p.id] then
      local path = ("%s/%s-%s.ics"):format(dir, slug(group), slug(p.id))
      assert(baton.fs.write(path, baton.ics.calendar { name = ("%s: my turns"):format(group), events = per[p.id] }))
      files[#files + 1] = path
    end
  end
  return files
end

-- rota plan -------------------------------------------------------------------

-- What every group of one `rota plan` shares: roles, meetings, closures
-- and absences, worked out once per run (a district plans hundreds of
-- groups with the same calendar).
local function common_settings(args)
  if args._common then return args._common end
  local roles = split_list(args.roles)
  if #roles == 0 then error("--roles is empty: name at least one role, e.g. --roles facilitator,notetaker", 0) end
  local seen = {}
  for _, r in ipairs(roles) do
    if seen[r] then error(("--roles names '%s' twice"):format(r), 0) end
    seen[r] = true
  end
  if args.dates then
    local list = split_list(args.dates)
    table.sort(list)
    args.from, args.to = args.from or list[1], args.to or list[#list]
  end
  if not args.from or not args.to then
    error("give the term with --from DATE --to DATE (or the meetings with --dates)", 0)
  end
  if args.to < args.from then error(("--to %s is before --from %s"):format(args.to, args.from), 0) end
  if args.every_weeks < 1 then error("--every-weeks must be 1 or more", 0) end
  if args.min_gap < 0 then error("--min-gap must be 0 or more", 0) end
  local closures = calendar.closures(args.holidays)
  local meetings, skipped
  if args.dates then
    meetings, skipped = {}, {}
    for _, d in ipairs(split_list(args.dates)) do
      if not baton.date.valid(d) then error(("--dates: '%s' is not a date (YYYY-MM-DD)"):format(d), 0) end
      local c = calendar.closed(closures, d)
      if c then skipped[#skipped + 1] = { date = d, why = c.name } else meetings[#meetings + 1] = d end
    end
    table.sort(meetings)
  else
    local weekdays = {}
    for _, w in ipairs(split_list(args.every)) do
      local wd = calendar.weekday_word(w)
      if not wd then error(("--every: '%s' is not a weekday (mon, tue, wed, thu, fri, sat, sun)"):format(w), 0) end
      weekdays[#weekdays + 1] = wd
    end
    meetings, skipped = calendar.meetings { weekdays = weekdays, weeks = args.every_weeks, from = args.from,
                                            to = args.to, closures = closures }
  end
  if #meetings == 0 then error("no meetings between " .. args.from .. " and " .. args.to .. ": check --every and --holidays", 0) end
  local needs = {}
  for _, n in ipairs(args.needs or {}) do
    local role, key, value = parse_need(n)
    if not seen[role] then error(("--needs names role '%s', which is not in --roles (%s)"):format(role, table.concat(roles, ", ")), 0) end
    needs[#needs + 1] = { role = role, need = value ~= "" and (key .. "=" .. value) or nil }
  end
  local absences = calendar.absences(args.unavailable)
  for _, a in ipairs(absences) do
    local person, err, code = baton.people.get(a.person)
    if not person then
      if code ~= "ENOTFOUND" then error(("--unavailable line %d: cannot look up '%s': %s"):format(a.line or 0,
        a.person, tostring(err)), 0) end
      error(("--unavailable line %d: no person '%s'"):format(a.line or 0, a.person), 0)
    end
  end
  args._common = { roles = roles, meetings = meetings, skipped = skipped, closures = closures, needs = needs,
                   absences = absences }
  return args._common
end

-- A group's settings for this plan: the shared ones, and eligibility
-- remembered for the group (`saved`, its stored settings) changed by --needs.
local function settings_from(args, saved)
  local c = common_settings(args)
  local needs = {}
  for role, need in pairs(saved and saved.needs or {}) do needs[role] = need end
  for _, n in ipairs(c.needs) do needs[n.role] = n.need end
  return { roles = c.roles, meetings = c.meetings, from = args.from, to = args.to, needs = baton.json.object(needs),
           min_gap = args.min_gap, absences = c.absences, closures = c.closures }, c.skipped
end

--- Plans one group: returns prob, solution, fairness, result.
function M.plan_group(group, settings, hist_list, in_run)
  local members = members_of(group)
  local hist = history(group, settings.from, hist_list, members)
  for _, m in ipairs(members) do
    local x = in_run and in_run[m.id]
    if x then
      local h = hist[m.id]
      if not h then h = { roles = {}, total = 0, last = {} }; hist[m.id] = h end
      for role, n in pairs(x.roles) do h.roles[role] = (h.roles[role] or 0) + n end
      h.total = h.total + x.total
    end
  end
  local prob = build(group, settings, hist, members)
  local sol = scheduler.solve(prob)
  return prob, sol, sol.fair, result_of(group, prob, sol, sol.fair)
end

local function slot_rows(res, roles)
  local rows = {}
  for _, m in ipairs(res.meetings) do
    for _, role in ipairs(roles) do
      rows[#rows + 1] = { date = m.date, role = role, person = m.assignments[role] }
    end
  end
  return rows
end

function M.plan(args, ctx)
  store.migrate()
  local hist_list = store.history()
  local saved = store.all_settings()
  local in_run = {} -- turns given by the groups already planned in this run
  local results = {}
  for _, group in ipairs(args.group) do
    local settings, skipped = settings_from(args, saved[group])
    local prob, _, fair, res = M.plan_group(group, settings, hist_list, in_run)
    -- later groups in this run count this plan's turns
    for _, m in ipairs(res.meetings) do
      for role, id in pairs(m.assignments) do
        local x = in_run[id]
        if not x then x = { roles = {}, total = 0, last = {} }; in_run[id] = x end
        x.roles[role] = (x.roles[role] or 0) + 1
        x.total = x.total + 1
      end
    end
    if args.csv then
      write_csv(#args.group > 1 and args.csv:gsub("%.csv$", "") .. "-" .. slug(group) .. ".csv" or args.csv, prob, res)
    end
    if args.ics then res.ics_files = write_ics(args.ics, group, prob, res) end
    results[#results + 1] = { res = res, prob = prob, fair = fair, skipped = skipped, settings = settings }
  end
  -- Every group planned: save them all in one transaction, so that an
  -- error on any group (a full disk, say) saves none of them.
  if args.save then
    baton.store.transaction(function()
      for _, r in ipairs(results) do
        local settings, res = r.settings, r.res
        res.changed = store.save(res.group, settings, slot_rows(res, r.prob.roles),
          { from = settings.from, to = settings.to },
          { kind = "rota.plan", subject = res.group,
            data = { from = settings.from, to = settings.to, roles = settings.roles, meetings = #settings.meetings,
                     unfilled = #res.unfilled, bound = res.fairness.bound } })
      end
    end)
  end
  local value = #results == 1 and results[1].res or (function()
    local all = {}
    for i, r in ipairs(results) do all[i] = r.res end
    return { groups = all }
  end)()
  baton.output(value, function()
    for i, r in ipairs(results) do
      if i > 1 then baton.print("") end
      if ctx.quiet and #results > 1 then
        baton.print(("%s: %d meetings, bound %d, %d unfilled"):format(r.res.group, #r.prob.meetings,
          r.res.fairness.bound, #r.res.unfilled))
      else
        render(r.prob, r.res, r.fair, r.skipped)
      end
      if r.res.ics_files then baton.print(("Wrote %d calendar files to %s."):format(#r.res.ics_files, args.ics)) end
      if args.save then baton.print(("Saved: %d turns recorded in the event log."):format(r.res.changed)) end
    end
  end)
end

-- The saved plan of a group as a scheduler problem ---------------------------

local function load_saved(group)
  store.migrate()
  local settings = store.settings(group)
  if not settings then
    error(("no saved rota for '%s': run baton rota plan --group \"%s\" ... --save first"):format(group, group), 0)
  end
  local slots = store.slots(group)
  local members = members_of(group)
  local hist = history(group, settings.from, store.history(), members)
  local prob = build(group, settings, hist, members)
  local assign = {}
  for t, date in ipairs(settings.meetings) do
    assign[t] = {}
    for r, role in ipairs(settings.roles) do
      local s = slots[date] and slots[date][role]
      assign[t][r] = (s and s.person and prob.index[s.person]) or false
    end
  end
  return settings, prob, assign, slots, hist
end

local function find_meeting(settings, date)
  for t, d in ipairs(settings.meetings) do
    if d == date then return t end
  end
  error(("no meeting on %s in the saved rota (meetings: %s ... %s)"):format(date,
    settings.meetings[1], settings.meetings[#settings.meetings]), 0)
end

local function find_role(settings, role)
  for r, name in ipairs(settings.roles) do
    if name == role then return r end
  end
  error(("no role '%s' in the saved rota (roles: %s)"):format(role, table.concat(settings.roles, ", ")), 0)
end

-- Problems with giving (t, r) to person q in assign. Hard rules first.
local function check_rules(prob, assign, t, r, q, gap)
  local hard, soft = {}, {}
  local id = prob.people[q].id
  if prob.eligible[q][r] ~= true then hard[#hard + 1] = ("%s is %s"):format(id, prob.eligible[q][r]) end
  if prob.away[q][t] then hard[#hard + 1] = ("%s is unavailable: %s"):format(id, prob.away[q][t]) end
  for r2, role in ipairs(prob.roles) do
    if r2 ~= r and assign[t][r2] == q then hard[#hard + 1] = ("%s is already %s at this meeting"):format(id, role) end
  end
  for s = math.max(1, t - gap), math.min(#prob.meetings, t + gap) do
    if s ~= t and gap > 0 and assign[s][r] == q then
      soft[#soft + 1] = ("%s is also %s on %s (minimum gap %d)"):format(id, prob.roles[r], prob.meetings[s], gap)
    end
  end
  return hard, soft
end

-- rota swap -------------------------------------------------------------------

function M.swap(args)
  store.migrate() -- outside the transaction: a migration is a transaction of its own
  -- The saved turns the rules are checked against are read in the
  -- transaction that saves the swap: another baton's swap at the same
  -- moment is wholly before this one (and checked against) or after it.
  local prob, assign, p, soft, suggestion = baton.store.transaction(function()
    local settings, prob, assign = load_saved(args.group)
    local t, r = find_meeting(settings, args.date), find_role(settings, args.role)
    local q = prob.index[args.to]
    if not q then error(("%s is not a member of %s"):format(args.to, args.group), 0) end
    local p = assign[t][r]
    if p == q then error(("%s is already %s on %s"):format(args.to, args.role, args.date), 0) end
    local hard, soft = check_rules(prob, assign, t, r, q, settings.min_gap)
    if #hard > 0 then error("cannot swap: " .. table.concat(hard, "; "), 0) end
    if #soft > 0 and not args.force then
      error("cannot swap: " .. table.concat(soft, "; ") .. " (add --force to do it anyway)", 0)
    end
    assign[t][r] = q
    -- The compensating swap: a later turn of q's, in the same role, that p
    -- can take, so both counts come back to where they were.
    local suggestion
    if p then
      for s = 1, #prob.meetings do
        if s ~= t and prob.meetings[s] >= baton.today() and assign[s][r] == q then
          local h, so = check_rules(prob, assign, s, r, p, settings.min_gap)
          if #h == 0 and #so == 0 then
            suggestion = { date = prob.meetings[s], role = prob.roles[r], to = prob.people[p].id }
            break
          end
        end
      end
    end
    local rows = slot_rows({ meetings = { { date = args.date, assignments = { [args.role] = args.to } } } }, { args.role })
    store.save(args.group, settings, rows)
    return prob, assign, p, soft, suggestion
  end)
  local fair = scheduler.fairness(prob, assign)
  local out = { group = args.group, date = args.date, role = args.role, from = p and prob.people[p].id or nil,
                to = args.to, warnings = soft, suggestion = suggestion, bound = fair.bound }
  baton.output(out, function(o)
    baton.print(("%s %s: %s -> %s"):format(o.date, o.role, o.from or "(unfilled)", o.to))
    for _, w in ipairs(o.warnings) do baton.print("  ! " .. w) end
    if o.suggestion then
      baton.print(("To keep the counts even, swap back later: baton rota swap --group \"%s\" --date %s --role %s --to %s")
        :format(o.group, o.suggestion.date, o.suggestion.role, o.suggestion.to))
    elseif o.from then
      baton.print(("No later %s turn of %s can go to %s without breaking a rule; fairness bound now %d."):format(
        o.role, o.to, o.from, o.bound))
    end
  end)
end

-- rota repair -----------------------------------------------------------------

function M.repair(args)
  store.migrate() -- outside the transaction: a migration is a transaction of its own
  local new_absences = calendar.absences(args.unavailable) -- (reads a file: before the transaction)
  -- The saved turns are read in the transaction that saves the repair, so
  -- the repair changes the turns as they are, not as they were a moment
  -- before another baton's swap. A dry run writes nothing and takes no
  -- write lock.
  local function repair()
    local settings, _, _, slots = load_saved(args.group)
    for _, a in ipairs(new_absences) do
      settings.absences[#settings.absences + 1] = a
    end
    local _, prob, assign = (function()
      local members = members_of(args.group)
      local hist = history(args.group, settings.from, store.history(), members)
      local pr = build(args.group, settings, hist, members)
      local as = {}
      for t, date in ipairs(settings.meetings) do
        as[t] = {}
        for r, role in ipairs(settings.roles) do
          local s = slots[date] and slots[date][role]
          as[t][r] = (s and s.person and pr.index[s.person]) or false
        end
      end
      return nil, pr, as
    end)()
    -- Keep every turn that still holds; reopen the future ones that broke
    -- (and the future empty ones, which may now be fillable).
    local today = baton.today()
    local fixed, open, broken = {}, {}, {}
    for t, date in ipairs(prob.meetings) do
      fixed[t], open[t] = {}, {}
      for r = 1, #prob.roles do
        local p = assign[t][r]
        if date >= today and (not p or prob.eligible[p][r] ~= true or prob.away[p][t]) then
          open[t][r] = true
          if p then
            broken[#broken + 1] = { t = t, r = r, was = p,
              why = prob.eligible[p][r] ~= true and prob.eligible[p][r] or prob.away[p][t] }
          end
        elseif p then
          fixed[t][r] = p
        end
      end
    end
    prob.fixed, prob.open = fixed, open
    local sol = scheduler.solve(prob)
    local changes, rows = {}, {}
    for _, b in ipairs(broken) do
      local now = sol.assign[b.t][b.r]
      changes[#changes + 1] = { date = prob.meetings[b.t], role = prob.roles[b.r], from = prob.people[b.was].id,
        to = now and prob.people[now].id or nil, why = b.why,
        unfilled = (not now) and sol.reasons[b.t][b.r] or nil }
      rows[#rows + 1] = { date = prob.meetings[b.t], role = prob.roles[b.r], person = now and prob.people[now].id or nil }
    end
    for t, rs in pairs(open) do
      for r in pairs(rs) do
        if not assign[t][r] and sol.assign[t][r] then
          changes[#changes + 1] = { date = prob.meetings[t], role = prob.roles[r], to = prob.people[sol.assign[t][r]].id,
                                    why = "was unfilled" }
          rows[#rows + 1] = { date = prob.meetings[t], role = prob.roles[r], person = prob.people[sol.assign[t][r]].id }
        end
      end
    end
    table.sort(changes, function(a, b) return a.date < b.date or (a.date == b.date and a.role < b.role) end)
    -- the changed turns, and the new absences as part of the group's
    -- settings from now on, in one transaction
    if not args.dry_run then store.save(args.group, settings, rows) end
    return changes, sol
  end
  local changes, sol
  if args.dry_run then
    changes, sol = repair()
  else
    changes, sol = baton.store.transaction(repair)
  end
  local fair = sol.fair
  baton.output({ group = args.group, changes = changes, dry_run = args.dry_run, bound = fair.bound }, function(o)
    if #o.changes == 0 then baton.print("Nothing to change: every future turn still holds."); return end
    baton.print(("%s %d change%s:"):format(o.dry_run and "Would make" or "Made", #o.changes, #o.changes == 1 and "" or "s"))
    for _, c in ipairs(o.changes) do
      baton.print(("  %s %s: %s -> %s  (%s)%s"):format(c.date, c.role, c.from or "(unfilled)", c.to or "(unfilled)",
        c.why, c.unfilled and (" — " .. c.unfilled) or ""))
    end
    baton.print(("Fairness bound now %d."):format(o.bound))
  end)
end

-- rota why ---------------------------------------------------------------------

function M.why(args)
  local settings, prob, assign, _, hist = load_saved(args.group)
  local t, r = find_meeting(settings, args.date), find_role(settings, args.role)
  local role = prob.roles[r]
  -- counts before this meeting: history + this plan's earlier meetings
  local before, last = {}, {}
  for p, person in ipairs(prob.people) do
    before[p] = prob.history[p][r]
    local h = hist[person.id]
    last[p] = h and h.last[role] or nil
  end
  for s = 1, t - 1 do
    local p = assign[s][r]
    if p then before[p] = before[p] + 1; last[p] = prob.meetings[s] end
  end
  local p = assign[t][r]
  local others = {}
  for q = 1, #prob.people do
    if q ~= p then
      local hard, soft = check_rules(prob, assign, t, r, q, settings.min_gap)
      others[#others + 1] = { person = prob.people[q].id, before = before[q], fte = prob.people[q].fte,
        why_not = hard[1] or soft[1] or ("had %d %s turn%s (FTE %s)"):format(before[q], role, before[q] == 1 and "" or "s", prob.people[q].fte) }
    end
  end
  local out = { group = args.group, date = args.date, role = role, others = others }
  if p then
    local avail_counts = {}
    for q = 1, #prob.people do
      local hard = check_rules(prob, assign, t, r, q, 0)
      if #hard == 0 or q == p then avail_counts[#avail_counts + 1] = before[q] / prob.people[q].fte end
    end
    local fewest = true
    for _, n in ipairs(avail_counts) do if n < before[p] / prob.people[p].fte - 1e-9 then fewest = false end end
    out.person = prob.people[p].id
    out.because = ("%s among those available and eligible (%d %s turn%s before this meeting%s); %s"):format(
      fewest and ("fewest " .. role .. " turns so far") or "the fairest choice over the whole term",
      before[p], role, before[p] == 1 and "" or "s",
      prob.people[p].fte ~= 1 and (", FTE " .. prob.people[p].fte) or "",
      last[p] and ("last " .. role .. " " .. last[p]) or ("never " .. role .. " before"))
  else
    out.because = "unfilled: " .. scheduler.why_unfilled(prob, assign, t, r)
  end
  baton.output(out, function(o)
    baton.print(("%s %s: %s"):format(o.date, o.role, o.person and (o.person .. " (" .. prob.people[p].name .. ")") or "nobody"))
    baton.print("  because: " .. o.because)
    for _, x in ipairs(o.others) do baton.print(("  not %s: %s"):format(x.person, x.why_not)) end
  end)
end

-- rota show --------------------------------------------------------------------

--- A group's saved turns as `rota show` lists them: upcoming first, then past.
local function turns_of(group, person)
  local settings, prob = load_saved(group)
  local slots = store.slots(group)
  local today = baton.today()
  if person and not prob.index[person] then
    error(("%s is not a member of %s"):format(person, group), 0)
  end
  local upcoming, past = {}, {}
  for _, date in ipairs(settings.meetings) do
    for _, role in ipairs(settings.roles) do
      local s = slots[date] and slots[date][role]
      local who = s and s.person
      if not person or who == person then
        local row = { date = date, role = role, person = who or "(unfilled)",
                      name = who and prob.people[prob.index[who]] and prob.people[prob.index[who]].name or "",
                      past = date < today }
        if date >= today then upcoming[#upcoming + 1] = row else past[#past + 1] = row end
      end
    end
  end
  local rows = {}
  for _, r in ipairs(upcoming) do rows[#rows + 1] = r end
  for i = #past, 1, -1 do rows[#rows + 1] = past[i] end
  return rows
end

function M.show(args)
  local rows = turns_of(args.group, args.person)
  -- JSON keeps `date` a plain date and says `past`; the table marks it.
  baton.output(rows, function(list)
    if #list == 0 then baton.print("No turns."); return end
    local shown = {}
    for i, r in ipairs(list) do
      shown[i] = { date = r.past and r.date .. " (past)" or r.date, role = r.role,
                   person = r.person, name = r.name }
    end
    baton.ui.table(shown, { "date", "role", "person", "name" })
  end)
end

function M.health()
  if baton.ics == nil or baton.csv == nil then return false, "this baton has no baton.ics or baton.csv" end
  return true, "scheduler ready"
end

-- The dashboard's data (baton serve): every group's saved rota, as
-- `rota show --json` prints it, keyed by group.
baton.http.route("GET", "/api/rotation/plans", function()
  store.migrate()
  local plans = {}
  for group in pairs(store.all_settings()) do plans[group] = turns_of(group) end
  return baton.json.object(plans)
end)

return M
