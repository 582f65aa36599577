-- Presenting a rota: the plan as data (what --json prints and what is
-- saved), as tables on the terminal, as CSV and as iCalendar files, and
-- what swap, repair, why and show print. Renderers read what they are
-- given and never the store (store.next_seq is pure arithmetic on a slot
-- passed in).

local publish = require("publish")
local store = require("store")

local M = {}

-- The plan as data: what --json prints and what is saved.
---@param group string
---@param prob table the problem
---@param sol table the scheduler's solution
---@param fair table its fairness (scheduler.fairness)
---@return table result { group, meetings, counts, unfilled, fairness, history }
function M.result(group, prob, sol, fair)
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

--- Prints a plan: the rota, the turns per person, the fairness and the
--- empty slots with their reasons.
---@param prob table
---@param res table M.result
---@param fair table
---@param skipped? {date: string, why: string}[] meeting days that fell on a closure
---@param names? boolean names in the grid instead of ids
function M.plan(prob, res, fair, skipped, names)
  baton.print(("%s: %d meetings, roles %s"):format(res.group, #prob.meetings, table.concat(prob.roles, ", ")))
  if skipped and #skipped > 0 then
    local s = {}
    for _, k in ipairs(skipped) do s[#s + 1] = k.date .. " (" .. k.why .. ")" end
    baton.print("Skipped closures: " .. table.concat(s, ", "))
  end
  if res.not_counted and #res.not_counted > 0 then
    local s, timed = {}, false
    for _, k in ipairs(res.not_counted) do
      s[#s + 1] = ("%s %s (%s)"):format(k.date, k.name, k.why)
      timed = timed or k.why == "timed"
    end
    baton.print("Not counted as closures, on meeting days: " .. table.concat(s, ", ")
      .. (timed and "; add --timed-closures to count timed events" or ""))
  end
  baton.print("")
  local rows = {}
  for _, m in ipairs(res.meetings) do
    local row = { date = m.date .. " " .. select(2, baton.date.weekday(m.date)) }
    for _, role in ipairs(prob.roles) do
      local id = m.assignments[role]
      row[role] = id and (names and prob.people[prob.index[id]].name or id) or "(unfilled)"
    end
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

-- Files: CSV and iCalendar --------------------------------------------------

--- Writes a plan as CSV: date,role,person_id,name, through baton.csv.encode
--- (quoted where needed, a formula neutralised, as `baton people export`).
---@param path string
---@param prob table
---@param res table M.result
function M.csv(path, prob, res)
  local rows = {}
  for _, m in ipairs(res.meetings) do
    for _, role in ipairs(prob.roles) do
      local id = m.assignments[role]
      local p = id and prob.people[prob.index[id]]
      rows[#rows + 1] = { date = m.date, role = role, person_id = id, name = p and p.name }
    end
  end
  M.csv_rows(path, rows, false)
end

M.slug = publish.slug

--- Writes rows { [group,] date, role, person_id, name } as CSV (the saved
--- rota, `rota show --csv`), with a group column when there are several.
---@param path string
---@param rows table[]
---@param with_group boolean
function M.csv_rows(path, rows, with_group)
  local header = { "date", "role", "person_id", "name" }
  if with_group then table.insert(header, 1, "group") end
  local ok, err = baton.fs.write(path, baton.csv.encode(rows, { header = header }))
  if not ok then error(("--csv: cannot write %s: %s"):format(path, err), 0) end
end

--- Writes a plan that is not saved as iCalendar files in `dir`: one for
--- the group and one per person with turns (people/ID.ics). `old` is the
--- group's saved slots (their SEQUENCE numbers rise when a turn changes).
--- A saved plan is published from the store instead (init.lua), with
--- the turns it cancelled.
---@param dir string
---@param group string
---@param prob table
---@param res table M.result
---@param old table store.slots(group)
---@param meeting? table settings.meeting
---@return string[] files the paths written
function M.ics(dir, group, prob, res, old, meeting)
  local slots, names, people = {}, {}, {}
  for _, m in ipairs(res.meetings) do
    slots[m.date] = {}
    for _, role in ipairs(prob.roles) do
      local id = m.assignments[role]
      slots[m.date][role] = { person = id, seq = store.next_seq(old[m.date] and old[m.date][role], id) }
    end
  end
  for _, p in ipairs(prob.people) do names[p.id] = p.name; people[#people + 1] = p.id end
  local g = { group = group, settings = { meeting = meeting }, slots = slots, cancelled = {} }
  local group_events, person_events = publish.events({ g }, names)
  return publish.write(dir, { group }, people, group_events, person_events, names)
end

-- What the commands print (their --json is the value itself) -------------

--- Prints the plans of one `rota plan` run. `quiet` with several groups:
--- one line per group.
---@param results {res: table, prob: table, fair: table, skipped: table}[]
---@param args table the arguments of `rota plan`
---@param quiet boolean
function M.plans(results, args, quiet)
  for i, r in ipairs(results) do
    if i > 1 then baton.print("") end
    if quiet and #results > 1 then
      baton.print(("%s: %d meetings, bound %d, %d unfilled"):format(r.res.group, #r.prob.meetings,
        r.res.fairness.bound, #r.res.unfilled))
    else
      M.plan(r.prob, r.res, r.fair, r.skipped, args.names)
    end
    if r.res.ics_files and not results.ics_files then
      baton.print(("Wrote %d calendar files to %s."):format(#r.res.ics_files, args.ics))
    end
    if args.save then baton.print(("Saved: %d turns recorded in the event log."):format(r.res.changed)) end
  end
  if results.ics_files then
    baton.print(("Wrote %d calendar files to %s (people/ holds one per person, across every group)."):format(
      #results.ics_files, args.ics))
  end
end

--- Prints a swap, and the compensating swap when there is one.
---@param o table what `rota swap --json` prints
function M.swap(o)
  baton.print(("%s %s: %s -> %s"):format(o.date, o.role, o.from or "(unfilled)", o.to))
  for _, w in ipairs(o.warnings) do baton.print("  ! " .. w) end
  if o.suggestion then
    baton.print(("To keep the counts even, swap back later: baton rota swap --group \"%s\" --date %s --role %s --to %s")
      :format(o.group, o.suggestion.date, o.suggestion.role, o.suggestion.to))
  elseif o.from then
    baton.print(("No later %s turn of %s can go to %s without breaking a rule; fairness bound now %d."):format(
      o.role, o.to, o.from, o.bound))
  end
end

--- Prints the changes of a repair.
---@param o table what `rota repair --json` prints
function M.repair(o)
  if #o.changes == 0 then baton.print("Nothing to change: every future turn still holds."); return end
  baton.print(("%s %d change%s:"):format(o.dry_run and "Would make" or "Made", #o.changes, #o.changes == 1 and "" or "s"))
  for _, c in ipairs(o.changes) do
    baton.print(("  %s %s: %s -> %s  (%s)%s"):format(c.date, c.role, c.from or "(unfilled)", c.to or "(unfilled)",
      c.why, c.unfilled and (" — " .. c.unfilled) or ""))
  end
  baton.print(("Fairness bound now %d."):format(o.bound))
end

--- Prints why someone holds a turn, and why each other member does not.
---@param o table what `rota why --json` prints
---@param name? string the holder's name
function M.why(o, name)
  baton.print(("%s %s: %s"):format(o.date, o.role, o.person and (o.person .. " (" .. name .. ")") or "nobody"))
  baton.print("  because: " .. o.because)
  if o.need then baton.print("  " .. o.need) end
  for _, x in ipairs(o.others) do baton.print(("  not %s: %s"):format(x.person, x.why_not)) end
end

--- Prints a group's saved turns; JSON keeps `date` a plain date and says
--- `past`, the table marks it.
---@param list table[] what `rota show --json` prints
function M.show(list)
  if #list == 0 then baton.print("No turns."); return end
  local shown = {}
  for i, r in ipairs(list) do
    shown[i] = { date = r.past and r.date .. " (past)" or r.date, role = r.role,
                 person = r.person, name = r.name }
  end
  baton.ui.table(shown, { "date", "role", "person", "name" })
end

return M
