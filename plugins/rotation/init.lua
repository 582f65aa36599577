-- Rotating leadership roles fairly over a term.
--
-- Rotating who facilitates, takes notes or keeps time gives everyone the
-- experience of leading. A fair rota, as a coordinator draws it up:
--
--   1. Set the calendar: the meeting days of the term, without closures
--      (settings.lua, calendar.lua).
--   2. Know the people: who is in the group, who may hold which role
--      (eligibility), who is away when, who works part-time (FTE)
--      (roster.lua).
--   3. Count what each person has already done, this term and before,
--      in every group (from baton's event log: roster.history).
--   4. Share the turns out: each meeting's roles go to those who have
--      held them least, in proportion to FTE, never two roles to one
--      person at a meeting, nobody twice running when someone else can
--      (scheduler/).
--   5. Check it is fair: per role and in total, people in the same
--      position differ by at most one turn, or say why that cannot be
--      (scheduler/bounds.lua, scheduler/explain.lua).
--   6. Name every gap and its reason; publish the rota (table, CSV,
--      JSON: render.lua; a calendar per group and one per person across
--      every group, as files or as a feed baton serve publishes:
--      publish.lua); keep it (store.lua).
--
-- Afterwards: `swap` one turn (with the compensating swap that keeps it
-- fair), `repair` after new absences (fewest changes), `why` a person
-- holds a turn (rules.lua), `show` the saved rota (and publish it again,
-- with every change since), `feed` each person's calendar address.
--
-- This file wires the commands to those modules: it reads and writes the
-- store; the scheduler and the rules are pure, and the renderers print.

local calendar = require("calendar")
local page = require("page")
local publish = require("publish")
local roster = require("roster")
local rules = require("rules")
local render = require("render")
local scheduler = require("scheduler")
local settings_of = require("settings")
local store = require("store")

local M = {}

-- rota plan -------------------------------------------------------------------

--- Plans one group: its members, their turns so far (and those given by
--- the groups planned before it in this run), the scheduler's solution.
---@param group string
---@param settings table the group's settings (settings.for_group)
---@param hist_list table store.history()
---@param in_run? table turns per person given earlier in this run
---@return table prob, table solution, table fairness, table result
function M.plan_group(group, settings, hist_list, in_run)
  local members = roster.members(group)
  local hist = roster.history(group, settings.from, hist_list, members)
  for _, m in ipairs(members) do
    local x = in_run and in_run[m.id]
    if x then
      local h = hist[m.id]
      if not h then h = { roles = {}, total = 0, last = {} }; hist[m.id] = h end
      for role, n in pairs(x.roles) do h.roles[role] = (h.roles[role] or 0) + n end
      h.total = h.total + x.total
    end
  end
  local prob = roster.problem(settings, hist, members)
  local sol = scheduler.solve(prob)
  return prob, sol, sol.fair, render.result(group, prob, sol, sol.fair)
end

-- The slots of a plan as store.save takes them.
local function slot_rows(res, roles)
  local rows = {}
  for _, m in ipairs(res.meetings) do
    for _, role in ipairs(roles) do
      rows[#rows + 1] = { date = m.date, role = role, person = m.assignments[role] }
    end
  end
  return rows
end

-- What the saved rota of some groups is, for publishing: per group its
-- settings, slots and cancelled turns, and everyone's names.
local function saved_groups(groups)
  local out, names = {}, {}
  for _, group in ipairs(groups) do
    local settings = store.settings(group)
    if settings then
      out[#out + 1] = { group = group, settings = settings, slots = store.slots(group),
                        cancelled = store.cancelled(group) }
      for _, m in ipairs(roster.members(group)) do names[m.id] = m.name or m.id end
    end
  end
  return out, names
end

-- Every group with a saved rota, sorted: of the school the code sees (a
-- page asked, or a form run, by a person of one school), the groups
-- baton.groups.list shows it: a rota is its group's schools'.
local function all_groups()
  local seen
  if baton.people.school() then
    seen = {}
    for _, g in ipairs(baton.groups.list()) do seen[g.name] = true end
  end
  local list = {}
  for group in pairs(store.all_settings()) do
    if not seen or seen[group] then list[#list + 1] = group end
  end
  table.sort(list)
  return list
end

-- Writes the saved calendars of `groups` to dir: each group's, and the
-- calendar of each of their members across every saved group.
local function write_calendars(dir, groups)
  local every, names = saved_groups(all_groups())
  local group_events, person_events = publish.events(every, names)
  local people, seen = {}, {}
  for _, group in ipairs(groups) do
    for _, m in ipairs(roster.members(group)) do
      if not seen[m.id] then seen[m.id] = true; people[#people + 1] = m.id end
    end
    for _, g in ipairs(every) do -- and whoever lost a turn in it
      if g.group == group then
        for _, c in ipairs(g.cancelled) do
          if not seen[c.person] then seen[c.person] = true; people[#people + 1] = c.person end
        end
      end
    end
  end
  table.sort(people)
  return publish.write(dir, groups, people, group_events, person_events, names)
end

function M.plan(args, ctx)
  store.migrate()
  local hist_list = store.history()
  local saved = store.all_settings()
  local in_run = {} -- turns given by the groups already planned in this run
  local results = {}
  for i, group in ipairs(args.group) do
    group = roster.group_name(group)
    args.group[i] = group
    local settings, skipped, ignored = settings_of.for_group(args, saved[group])
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
      render.csv(#args.group > 1 and args.csv:gsub("%.csv$", "") .. "-" .. render.slug(group) .. ".csv" or args.csv,
        prob, res)
    end
    res.skipped, res.not_counted = skipped, ignored.on_meetings
    res.meeting = settings.meeting
    if args.ics and not args.save then
      res.ics_files = render.ics(args.ics, group, prob, res, store.slots(group), settings.meeting)
    end
    results[#results + 1] = { res = res, prob = prob, fair = fair, skipped = skipped, settings = settings,
                              ignored = ignored }
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
    -- saved: the calendars are the saved rota's, with the turns it cancelled
    if args.ics then
      local files = write_calendars(args.ics, args.group)
      for _, r in ipairs(results) do r.res.ics_files = files end
      results.ics_files = files
    end
  end
  local value = #results == 1 and results[1].res or (function()
    local all = {}
    for i, r in ipairs(results) do all[i] = r.res end
    return { groups = all }
  end)()
  baton.output(value, function() render.plans(results, args, ctx.quiet) end)
end

-- rota swap -------------------------------------------------------------------

-- Gives the turn of `c.group` on `c.date` as `c.role` to `c.to`, checking
-- every rule against the turns as they are: call it inside the
-- transaction that saves (another baton's swap at the same moment is
-- wholly before this one, and checked against, or after it). `c.holder`,
-- when given, must hold the turn now: a person hands over only their own
-- turn. A rule that refuses raises, saying which (`c.force` overrides the
-- minimum gap only; `c.hint` says how). With `c.check`, nothing is saved.
-- Returns prob, assign, the old holder's number, the soft rules broken
-- and the swap back that keeps the counts even.
local function give_turn(c)
  local settings, prob, assign = roster.saved(c.group)
  local t, r = rules.meeting(settings, c.date), rules.role(settings, c.role)
  c.role = settings.roles[r]
  local q = prob.index[c.to]
  if not q then error(("%s is not a member of %s"):format(c.to, c.group), 0) end
  local p = assign[t][r]
  if c.holder and (not p or prob.people[p].id ~= c.holder) then
    if c.not_holder then error(c.not_holder, 0) end
    error(("the %s turn on %s in %s is %s, not %s's: only the person who holds a turn can ask to hand it over "
      .. "(see `baton rota mine %s`)"):format(c.role, c.date, c.group, p and ("held by " .. prob.people[p].id)
      or "unfilled", c.holder, c.holder), 0)
  end
  if p == q then error(("%s is already %s on %s"):format(c.to, c.role, c.date), 0) end
  local hard, soft = rules.check(prob, assign, t, r, q, settings.min_gap)
  if #hard > 0 then error("cannot swap: " .. table.concat(hard, "; "), 0) end
  if #soft > 0 and not c.force then
    error("cannot swap: " .. table.concat(soft, "; ") .. " (" .. c.hint .. ")", 0)
  end
  if c.check then return prob, assign, p, soft end
  assign[t][r] = q
  local suggestion
  if p then suggestion = rules.compensating_swap(prob, assign, t, r, p, q, settings.min_gap, baton.today()) end
  local rows = slot_rows({ meetings = { { date = c.date, assignments = { [c.role] = c.to } } } }, { c.role })
  rows[1].by = c.by
  store.save(c.group, settings, rows)
  return prob, assign, p, soft, suggestion
end

-- What a swap made, as `rota swap --json` prints it.
local function swapped(c, prob, assign, p, soft, suggestion)
  local fair = scheduler.fairness(prob, assign)
  return { group = c.group, date = c.date, role = c.role, from = p and prob.people[p].id or nil,
           to = c.to, warnings = soft, suggestion = suggestion, bound = fair.bound }
end

function M.swap(args)
  store.migrate() -- outside the transaction: a migration is a transaction of its own
  local c = { group = roster.group_name(args.group), date = args.date, role = args.role, to = args.to,
              force = args.force, hint = "add --force to do it anyway", by = "swap" }
  local out = swapped(c, roster.with_map(c.group, function()
    return baton.store.transaction(function() return give_turn(c) end)
  end))
  baton.output(out, render.swap)
end

-- rota mine, request, requests, approve, decline --------------------------------
--
-- A person's own turns, and handing one over: the holder asks (`request`,
-- a self-service command in the browser), and the coordinator approves
-- or declines; with the setting approve_swaps off, a request that breaks
-- no rule is made at once.

--- A person's turns in every saved group, upcoming first, and their
--- requests still waiting.
function M.mine(args)
  store.migrate()
  local me, err, code = baton.people.get(args.person)
  if not me then
    error(code == "ENOTFOUND" and ("no person '%s' in the staff list; see `baton people list`"):format(args.person)
      or tostring(err), 0)
  end
  local today = baton.today()
  local upcoming, past = {}, {}
  for _, group in ipairs(all_groups()) do
    local settings = store.settings(group)
    local slots = store.slots(group)
    for _, date in ipairs(settings.meetings) do
      for _, role in ipairs(settings.roles) do
        local s = slots[date] and slots[date][role]
        if s and s.person == me.id then
          local row = { group = group, date = date, role = role, past = date < today }
          if row.past then past[#past + 1] = row else upcoming[#upcoming + 1] = row end
        end
      end
    end
  end
  local by_date = function(a, b) return a.date < b.date or (a.date == b.date and a.group < b.group) end
  table.sort(upcoming, by_date)
  table.sort(past, function(a, b) return by_date(b, a) end)
  for _, r in ipairs(past) do upcoming[#upcoming + 1] = r end
  local out = { person = me.id, name = me.name, turns = upcoming, requests = store.requests(false, me.id) }
  baton.output(out, function(o)
    baton.print(("%s %s:"):format(o.person, o.name or ""))
    if #o.turns == 0 then baton.print("  no turn in any saved rota.") end
    for _, t in ipairs(o.turns) do
      baton.print(("  %s  %s, %s%s"):format(t.date, t.role, t.group, t.past and " (past)" or ""))
    end
    for _, q in ipairs(o.requests) do
      baton.print(("  request #%d: the %s turn on %s (%s) from %s to %s, waiting for the coordinator"):format(q.id,
        q.role, q.date, q.group, q.from, q.to))
    end
  end)
end

function M.request(args)
  store.migrate()
  local today = baton.today()
  if args.date < today then error(("the meeting of %s is past: a request is for a turn to come"):format(args.date), 0) end
  local c = { group = roster.group_name(args.group), date = args.date, role = args.role, to = args.to,
              holder = args.person, by = "request",
              hint = "a request cannot break the minimum gap: ask the coordinator, who may swap with --force" }
  local approve = baton.settings.get("approve_swaps")
  c.check = approve
  local out = roster.with_map(c.group, function() return baton.store.transaction(function()
    local prob, assign, p, soft, suggestion = give_turn(c)
    if approve then
      local id = store.add_request({ group = c.group, date = c.date, role = c.role, from = c.holder, to = c.to,
                                     note = args.note }, today)
      return { request = id, status = "pending", group = c.group, date = c.date, role = c.role, from = c.holder,
               to = c.to }
    end
    local o = swapped(c, prob, assign, p, soft, suggestion)
    o.status = "made"
    return o
  end) end)
  baton.output(out, function(o)
    if o.status == "pending" then
      baton.print(("Request #%d: the %s turn on %s (%s) from %s to %s. It breaks no rule; it waits for the "
        .. "coordinator (`baton rota approve %d`)."):format(o.request, o.role, o.date, o.group, o.from, o.to, o.request))
    else
      render.swap(o)
    end
  end)
end

function M.requests(args)
  store.migrate()
  local list = store.requests(args.all)
  baton.output(list, function(l)
    if #l == 0 then baton.print(args.all and "No requests yet." or "No request is waiting."); return end
    baton.ui.table(l, { "id", "group", "date", "role", "from", "to", "status", "asked", "note" })
  end)
end

-- The request as it is now, pending, or an error saying what became of it.
local function pending(id)
  local q = store.request(id)
  if q.status ~= "pending" then
    error(("request #%d was %s on %s%s"):format(q.id, q.status, tostring(q.decided),
      q.reason and (": " .. q.reason) or ""), 0)
  end
  return q
end

function M.approve(args)
  store.migrate()
  local today = baton.today()
  local out = roster.with_map(store.request(args.request).group, function() return baton.store.transaction(function()
    local q = pending(args.request)
    local c = { group = q.group, date = q.date, role = q.role, to = q.to, holder = q.from, force = args.force,
                hint = "add --force to approve it anyway", by = "request",
                not_holder = ("the %s turn on %s in %s is no longer %s's (swapped or repaired since request #%d "
                  .. "was made): decline it with `baton rota decline %d`"):format(q.role, q.date, q.group, q.from,
                  q.id, q.id) }
    local o = swapped(c, give_turn(c))
    store.decide(q, "approved", nil, today)
    o.request = q.id
    return o
  end) end)
  baton.output(out, function(o)
    baton.print(("Request #%d approved."):format(o.request))
    render.swap(o)
  end)
end

function M.decline(args)
  store.migrate()
  local out = baton.store.transaction(function()
    local q = pending(args.request)
    store.decide(q, "declined", args.reason, baton.today())
    return { request = q.id, status = "declined", reason = args.reason }
  end)
  baton.output(out, function(o)
    baton.print(("Request #%d declined%s."):format(o.request, o.reason and (": " .. o.reason) or ""))
  end)
end

-- rota repair -----------------------------------------------------------------

function M.repair(args)
  store.migrate() -- outside the transaction: a migration is a transaction of its own
  args.group = roster.group_name(args.group)
  local new_absences = calendar.absences(args.unavailable) -- (reads a file: before the transaction)
  -- The saved turns are read in the transaction that saves the repair, so
  -- the repair changes the turns as they are, not as they were a moment
  -- before another baton's swap. A dry run writes nothing and takes no
  -- write lock.
  local function repair()
    local settings, prob, assign = roster.saved(args.group, new_absences)
    -- Keep every turn that still holds; reopen the future ones that broke
    -- (and the future empty ones, which may now be fillable).
    local fixed, open, broken = rules.reopen(prob, assign, baton.today())
    prob.fixed, prob.open = fixed, open
    local sol = scheduler.solve(prob)
    local changes, rows = rules.repair_changes(prob, assign, sol, open, broken)
    for _, row in ipairs(rows) do row.by = "repair" end
    -- the changed turns, and the new absences as part of the group's
    -- settings from now on, in one transaction
    if not args.dry_run then store.save(args.group, settings, rows) end
    return changes, sol
  end
  local changes, sol
  if args.dry_run then
    changes, sol = repair()
  else
    changes, sol = roster.with_map(args.group, function() return baton.store.transaction(repair) end)
  end
  local fair = sol.fair
  baton.output({ group = args.group, changes = changes, dry_run = args.dry_run, bound = fair.bound }, render.repair)
end

-- rota why ---------------------------------------------------------------------

-- What an expertise need of the role asks and whether the holder meets
-- it: "facilitator needs formative assessment: held (endorsed)"; nil when
-- the role has no expertise need.
local function expertise_why(prob, t, r, p)
  local tag, min = roster.expertise_need(prob.needs[prob.roles[r]])
  if not tag then return nil end
  local asks = ("%s needs %s%s"):format(prob.roles[r], tag, min ~= "declared" and (" (" .. min .. " or above)") or "")
  if p then
    local level = prob.expertise[p][r]
    return ("%s: %s"):format(asks, prob.eligible[p][r] == true and ("held (" .. level .. ")")
      or (prob.eligible[p][r] .. "; the turn was given before the need or the map changed: rota repair"))
  end
  local n = 0
  for q = 1, #prob.people do if prob.eligible[q][r] == true then n = n + 1 end end
  return ("%s: held by %d in the group"):format(asks, n)
end

function M.why(args)
  args.group = roster.group_name(args.group)
  local settings, prob, assign, _, hist = roster.saved(args.group)
  local t, r = rules.meeting(settings, args.date), rules.role(settings, args.role)
  -- a turn set by hand after the plan says so, and when
  local set_by
  for _, d in ipairs(store.history()) do
    if d.group == args.group and d.date == args.date and d.role == settings.roles[r] and d.by then
      set_by = { by = d.by, on = type(d.at) == "string" and d.at:sub(1, 10) or nil }
    end
  end
  local p, because, others = rules.why(prob, assign, hist, t, r, settings.min_gap, set_by)
  local out = { group = args.group, date = args.date, role = prob.roles[r], others = others }
  if p then out.person = prob.people[p].id end
  out.because = because
  out.need = expertise_why(prob, t, r, p)
  baton.output(out, function(o) render.why(o, p and prob.people[p].name) end)
end

-- rota show --------------------------------------------------------------------

-- The names of the people holding `slots` who are not among prob's (of
-- another school than the one the code sees: a network's rota names them,
-- by name only).
local function others_names(prob, slots)
  local ids = {}
  for _, roles in pairs(slots) do
    for _, s in pairs(roles) do
      if s.person and not prob.index[s.person] then ids[#ids + 1] = s.person end
    end
  end
  return #ids > 0 and assert(baton.people.names(ids)) or {}
end

--- A group's saved turns as `rota show` lists them: upcoming first, then past.
local function turns_of(group, person, hist_list)
  local settings, prob = roster.saved(group, nil, hist_list, true) -- names only: no need is checked
  local slots = store.slots(group)
  local today = baton.today()
  if person and not prob.index[person] then
    error(("%s is not a member of %s"):format(person, group), 0)
  end
  local others = others_names(prob, slots)
  local upcoming, past = {}, {}
  for _, date in ipairs(settings.meetings) do
    for _, role in ipairs(settings.roles) do
      local s = slots[date] and slots[date][role]
      local who = s and s.person
      if not person or who == person then
        local row = { date = date, role = role, person = who or "(unfilled)",
                      name = who and (prob.people[prob.index[who]] and prob.people[prob.index[who]].name
                        or others[who]) or "",
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
  store.migrate()
  local groups = {}
  if args.group then
    groups[1] = roster.group_name(args.group)
  else
    groups = all_groups()
    if #groups == 0 then error("no saved rota yet: run baton rota plan --group GROUP ... --save first", 0) end
  end
  local out, csv_rows, hist_list = {}, {}, store.history()
  for _, group in ipairs(groups) do
    local rows = turns_of(group, args.person, hist_list)
    out[#out + 1] = { group = group, turns = rows }
    for _, r in ipairs(rows) do
      if r.person ~= "(unfilled)" or not args.person then
        csv_rows[#csv_rows + 1] = { group = group, date = r.date, role = r.role,
                                    person_id = r.person ~= "(unfilled)" and r.person or nil, name = r.name }
      end
    end
  end
  if args.csv then
    table.sort(csv_rows, function(a, b)
      return a.group < b.group or (a.group == b.group and (a.date < b.date or (a.date == b.date and a.role < b.role)))
    end)
    render.csv_rows(args.csv, csv_rows, #groups > 1)
  end
  local files = args.ics and write_calendars(args.ics, groups) or nil
  local value = #out == 1 and out[1].turns or { groups = out }
  baton.output(value, function()
    for i, o in ipairs(out) do
      if #out > 1 then
        if i > 1 then baton.print("") end
        baton.print(o.group .. ":")
      end
      render.show(o.turns)
    end
    if args.csv then baton.print(("Wrote %d turns to %s."):format(#csv_rows, args.csv)) end
    if files then baton.print(("Wrote %d calendar files to %s (people/ holds one per person)."):format(#files, args.ics)) end
  end)
end

-- rota feed --------------------------------------------------------------------

-- The people with a turn, or a turn cancelled, in any saved group.
local function people_with_turns()
  local seen, list = {}, {}
  for _, g in ipairs((saved_groups(all_groups()))) do
    for _, roles in pairs(g.slots) do
      for _, s in pairs(roles) do
        if s.person and not seen[s.person] then seen[s.person] = true; list[#list + 1] = s.person end
      end
    end
    for _, c in ipairs(g.cancelled) do
      if not seen[c.person] then seen[c.person] = true; list[#list + 1] = c.person end
    end
  end
  table.sort(list)
  return list
end

function M.feed(args)
  store.migrate()
  local people = args.person and { args.person } or people_with_turns()
  if args.person then
    local p, err, code = baton.people.get(args.person)
    if not p then
      error(code == "ENOTFOUND" and ("no person '%s'"):format(args.person) or tostring(err), 0)
    end
  end
  if args.rotate and not args.person then
    error("--rotate replaces one person's feed address: give --person ID", 0)
  end
  local base = (args.base or ""):gsub("/+$", "")
  local rows = baton.store.transaction(function()
    local rows = {}
    for _, id in ipairs(people) do
      local token = store.feed_token(id, true, args.rotate)
      local p = baton.people.get(id)
      local path = ("/api/rotation/feed/%s.ics"):format(token)
      rows[#rows + 1] = { person = id, name = p and p.name or id, path = path, url = base .. path }
    end
    return rows
  end)
  baton.output(rows, function(list)
    if #list == 0 then baton.print("Nobody has a turn yet: save a plan first (rota plan ... --save)."); return end
    baton.ui.table(list, { "person", "name", base ~= "" and "url" or "path" })
    if args.rotate then baton.print("The old address now answers 404; send the new one.") end
    if base == "" then
      baton.print("Each address is served by baton serve; add --base https://HOST:PORT to print whole addresses.")
    end
  end)
end

function M.health()
  if baton.ics == nil or baton.csv == nil then return false, "this baton has no baton.ics or baton.csv" end
  return true, "scheduler ready"
end

-- Each person's calendar, for a calendar app to subscribe to (baton
-- serve): the address holds a secret token (rota feed), which no other
-- route lists; a wrong token answers 404 like a missing page.
baton.http.route("GET", "/api/rotation/feed/:file", function(req)
  store.migrate()
  local token = req.params.file:match("^(%x+)%.ics$")
  local person = token and #token == 32 and store.feed_person(token:lower())
  if not person then return { error = { status = 404, message = "no such calendar" } }, 404 end
  local p = baton.people.get(person)
  -- signed in as a person of one school, another school's calendar is
  -- not found either (the token alone is for calendar apps)
  if not p and baton.people.school() then return { error = { status = 404, message = "no such calendar" } }, 404 end
  local _, person_events = publish.events(saved_groups(all_groups()))
  return publish.person_calendar(person, p and p.name or person, person_events[person], "PT1H")
end, { type = "text/calendar; charset=utf-8" })

-- The dashboard (baton serve). Each route is kept in M.routes too, so
-- that the plugin's tests call the handler the server calls.
M.routes = {}
local function route(path, handler)
  M.routes[path] = handler
  baton.http.route("GET", path, handler)
end

-- Every group's saved rota, as `rota show --json` prints it, keyed by
-- group (kept for the clients written before the page).
route("/api/rotation/plans", function()
  store.migrate()
  local plans, hist_list = {}, store.history()
  for _, group in ipairs(all_groups()) do plans[group] = turns_of(group, nil, hist_list) end
  return baton.json.object(plans)
end)

-- The page: each group's meetings to come and its turns per person
-- against the fairness bound, and the forms (page.lua).
route("/api/rotation/page", function()
  store.migrate()
  local groups, hist_list = {}, store.history()
  for _, group in ipairs(all_groups()) do
    local settings, prob, assign, slots = roster.saved(group, nil, hist_list)
    local fair = scheduler.fairness(prob, assign)
    local g = { group = group, roles = settings.roles, meetings = settings.meetings, slots = {}, names = {},
                members = {}, counts = {}, fairness = { bound = fair.bound } }
    for date, roles in pairs(slots) do
      g.slots[date] = {}
      for role, s in pairs(roles) do g.slots[date][role] = s.person end
    end
    for id, name in pairs(others_names(prob, slots)) do g.names[id] = name end
    for p, person in ipairs(prob.people) do
      g.names[person.id] = person.name
      g.members[p] = { id = person.id, name = person.name }
      g.counts[person.id] = {}
      for r, role in ipairs(prob.roles) do g.counts[person.id][role] = fair.plan[p][r] end
    end
    for _, check in ipairs(fair.checks) do
      if not check.ok and not g.fairness.why then g.fairness.why = check.why end
    end
    groups[#groups + 1] = g
  end
  return page.blocks(groups, baton.today())
end)

-- What the overview counts: the turns each person has taken so far.
route("/api/rotation/leadership", function()
  store.migrate()
  return page.leadership(assert(baton.people.keep(store.turns_taken(baton.today()), "person")))
end)

return M
