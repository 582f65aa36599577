-- Leading a change through Kotter's 8 steps.
--
--   1 create a sense of urgency      5 enable action by removing barriers
--   2 build a guiding coalition      6 generate short-term wins
--   3 form a strategic vision        7 sustain acceleration
--   4 enlist a volunteer army        8 institute change
--
-- A school starts an initiative (`change new`), moves each step along with
-- its owners and due date (`change step`), records what happened as dated
-- evidence (`change evidence`; short-term wins are evidence on step 6),
-- gathers a guiding coalition from every role (`change coalition`), and
-- looks at where it stands (`change status`, `change report`). In the
-- classic, sequential model the steps are done in order; in the concurrent
-- model (Kotter's "Accelerate") they run side by side and are renewed
-- again and again. The stall rules (stalls.lua) say when a change is losing
-- momentum. Every change is written to baton's event log too, so an
-- initiative's history can be read back (`change history`) and replayed.

local steps = require("steps")
local dates = require("dates")
local initiatives = require("initiatives")
local coalition = require("coalition")
local stalls = require("stalls")
local report = require("report")
local page = require("page")

local M = {}

-- Helpers for the text people read ------------------------------------------

local shorten = page.shorten

local function names_of(ids)
  local out = {}
  for _, id in ipairs(ids) do
    local p = initiatives.check(baton.people.get(id))
    out[#out + 1] = p and p.name or id
  end
  return out
end

-- Everyone who makes a change can be named with --by; it must be a person.
local function actor(args)
  if args.by then initiatives.people { args.by } end
  return args.by
end

-- Where an initiative stands today: what `status`, `list` and `report` show.
local function standing(ini, today, rules)
  local state = initiatives.load(ini)
  local spread = coalition.spread(state.coalition)
  local warnings = stalls.check(state, spread, today, rules)
  local rows, done = {}, 0
  for _, s in ipairs(state.steps) do
    local step = steps.list[s.n]
    local last = stalls.newest(state, s.n)
    if s.status == "done" then done = done + 1 end
    rows[#rows + 1] = {
      step = s.n, key = step.key, name = step.name, status = s.status,
      since = s.since, owners = s.owners, owner_names = names_of(s.owners), due = s.due,
      last_evidence = last and { date = last.date, text = last.text } or nil,
      health = stalls.health(s, warnings),
    }
  end
  return {
    id = state.id, slug = state.slug, title = state.title, mode = state.mode,
    target = state.target, created = state.created, today = today, done = done,
    steps = rows, evidence = state.evidence,
    coalition = {
      people = state.coalition, summary = coalition.summary(spread), roles = spread.roles,
      departments = spread.departments, campuses = spread.campuses, roles_absent = spread.roles_absent,
      members = spread.people,
    },
    warnings = warnings,
  }
end

-- Where the work is now: sequential, the first step not done; concurrent,
-- every step under way.
local function now_at(st)
  if st.mode == "sequential" then
    for _, s in ipairs(st.steps) do
      if s.status ~= "done" then
        return ("%d %s (%s)"):format(s.step, steps.list[s.step].short, steps.statuses[s.status].label)
      end
    end
    return "all 8 done"
  end
  local busy = {}
  for _, s in ipairs(st.steps) do
    if s.status == "in_progress" or s.status == "needs_renewal" then busy[#busy + 1] = steps.list[s.step].short end
  end
  return #busy > 0 and table.concat(busy, ", ") or "nothing under way"
end

local function show_standing(st)
  baton.print(("%s  (#%d %s)"):format(st.title, st.id, st.slug))
  baton.print(("%s mode · %d of 8 steps done · %s%s"):format(st.mode, st.done,
    st.target and ("target " .. st.target .. " · ") or "", "today " .. st.today))
  baton.print("")
  local rows = {}
  for _, s in ipairs(st.steps) do
    rows[#rows + 1] = {
      ["#"] = s.step, step = steps.list[s.step].short, status = steps.statuses[s.status].label,
      owners = table.concat(s.owner_names, ", "), due = s.due or "",
      ["last evidence"] = s.last_evidence and (s.last_evidence.date .. " " .. shorten(s.last_evidence.text, 36)) or "",
      health = s.health,
    }
  end
  baton.ui.table(rows, { "#", "step", "status", "owners", "due", "last evidence", "health" })
  baton.print("")
  baton.print("Guiding coalition: " .. st.coalition.summary)
  if #st.warnings == 0 then
    baton.print("No warnings.")
  else
    baton.print(("%d warning%s:"):format(#st.warnings, #st.warnings == 1 and "" or "s"))
    for _, w in ipairs(st.warnings) do
      baton.print("  ! " .. w.message)
      if w.command then baton.print("      " .. w.command) end
    end
  end
end

-- Start an initiative --------------------------------------------------------

function M.new(args)
  initiatives.migrate()
  local title = args.title:gsub("^%s+", ""):gsub("%s+$", "")
  if title == "" then error("the initiative needs a title, e.g. \"Literacy across the curriculum\"", 0) end
  local today = dates.today()
  local ini = initiatives.create { title = title, mode = args.mode, target = args.target, today = today, by = actor(args),
    slug = args.slug }
  if ini.target and ini.target < today then
    baton.log.warn(("the target date %s is already past"):format(ini.target))
  end
  baton.output(ini, function(i)
    baton.print(("Started initiative #%d: %s (%s mode%s)"):format(i.id, i.title, i.mode,
      i.target and (", target " .. i.target) or ""))
    baton.print(("Name it in other commands as %d or %s."):format(i.id, i.slug))
    baton.print(("Next: step 1, %s. The questions to ask: baton change guide 1"):format(steps.list[1].name))
  end)
end

function M.list(args)
  initiatives.migrate()
  local today, rules = dates.today(), stalls.rules(args)
  local rows = {}
  for _, ini in ipairs(initiatives.all()) do
    local st = standing(ini, today, rules)
    rows[#rows + 1] = {
      id = st.id, slug = st.slug, title = st.title, mode = st.mode, target = st.target,
      done = st.done, now = now_at(st), warnings = #st.warnings,
    }
  end
  baton.output(rows, function(list)
    if #list == 0 then
      baton.print("No change initiatives yet. Start one: baton change new \"Literacy across the curriculum\"")
      return
    end
    local view = {}
    for _, r in ipairs(list) do
      view[#view + 1] = { ["#"] = r.id, ["short name"] = r.slug, mode = r.mode, target = r.target or "",
        done = r.done .. "/8", now = r.now, warnings = r.warnings }
    end
    baton.ui.table(view, { "#", "short name", "mode", "target", "done", "now", "warnings" })
  end)
end

-- Move a step along ----------------------------------------------------------

-- In the classic model a step is done only once the steps before it are.
local function earlier_not_done(state, n)
  local open = {}
  for k = 1, n - 1 do
    if state.steps[k].status ~= "done" then open[#open + 1] = k end
  end
  return open
end

function M.step(args)
  initiatives.migrate()
  local ini = initiatives.find(args.initiative)
  local step, err = steps.find(args.step)
  if not step then error(err, 0) end
  local owners = args.owner and #args.owner > 0 and args.owner or nil
  if not args.status and not owners and not args.due then
    baton.usage_error("nothing to change: give --status, --owner or --due")
  end
  local by = actor(args)
  if owners then initiatives.people(owners) end

  -- The sequential rule reads the other steps' state in the transaction
  -- that saves this step: a step reopened by another baton at the same
  -- moment is seen, never saved past.
  local today = dates.today()
  local before, after, forced, which = baton.store.transaction(function()
    local forced, which
    if args.status == "done" and ini.mode == "sequential" then
      local open = earlier_not_done(initiatives.load(ini), step.n)
      if #open > 0 then
        which = ("step%s %s"):format(#open > 1 and "s" or "", table.concat(open, ", "))
        if not args.force then
          error(("step %s cannot be done yet: %s runs the steps in order (sequential mode) and %s %s not done. "
            .. "Finish %s first, or record it anyway with --force (the history will say it was forced)")
            :format(steps.title(step), ini.slug, which, #open > 1 and "are" or "is", #open > 1 and "them" or "it"), 0)
        end
        forced = ("done before %s, with --force"):format(which)
      end
    end
    local before, after = initiatives.set_step(ini, step.n,
      { status = args.status, owners = owners, due = args.due }, today, by, forced)
    return before, after, forced, which
  end)
  if forced then baton.log.warn(("step %d marked done before %s: recorded with --force"):format(step.n, which)) end
  local result = {
    initiative = ini.slug, step = step.n, name = step.name, status = after.status, was = before.status,
    owners = after.owners, due = after.due, forced = forced,
  }
  baton.output(result, function(r)
    local change = r.status == r.was and steps.statuses[r.status].label
      or ("%s (was %s)"):format(steps.statuses[r.status].label, steps.statuses[r.was].label)
    baton.print(("%s, step %s: %s"):format(ini.title, steps.title(step), change))
    if #r.owners > 0 then baton.print("  owners: " .. table.concat(names_of(r.owners), ", ")) end
    if r.due then baton.print("  due: " .. r.due) end
    if r.forced then baton.print("  note: " .. r.forced) end
  end)
end

-- Record what happened --------------------------------------------------------

local function parse_metrics(list)
  local metrics = {}
  for _, m in ipairs(list or {}) do
    local name, value = m:match("^%s*([^=]-)%s*=%s*(.-)%s*$")
    if not name or name == "" or value == "" then
      error(("--metric expects NAME=VALUE (e.g. --metric agree=72), got '%s'"):format(m), 0)
    end
    metrics[name] = tonumber(value) or value
  end
  return metrics
end

-- Evidence records what has happened: a date after today is a typo
-- (2026 for 2025, a US-style date) unless --force says otherwise.
local function not_future(date, today, force)
  if date <= today then return end
  if not force then
    error(("the evidence is dated %s, after today (%s): evidence records what has already happened. Check the "
      .. "date (YYYY-MM-DD), or give --force to record it anyway"):format(date, today), 0)
  end
  baton.log.warn(("the evidence is dated %s, after today (%s): recorded with --force"):format(date, today))
end

function M.evidence(args)
  initiatives.migrate()
  local ini = initiatives.find(args.initiative)
  local step, err = steps.find(args.step)
  if not step then error(err, 0) end
  local text = args.text:gsub("^%s+", ""):gsub("%s+$", "")
  if text == "" then error("the evidence needs some text: what happened?", 0) end
  local today = dates.today()
  local date = args.date or today
  not_future(date, today, args.force)
  local entry = initiatives.add_evidence(ini, {
    step = step.n, date = date, text = text, link = args.link, metrics = parse_metrics(args.metric),
  }, today, actor(args))
  local state = initiatives.load(ini)
  if state.steps[step.n].status == "not_started" then
    baton.log.info(("step %d is not started; when work on it begins: baton change step %s %s --status in_progress")
      :format(step.n, ini.slug, step.key))
  end
  entry.initiative = ini.slug
  baton.output(entry, function(e)
    local kind = step.n == 6 and "Short-term win" or "Evidence"
    baton.print(("%s #%d recorded for %s, step %s, dated %s:"):format(kind, e.id, ini.title, steps.title(step), e.date))
    baton.print("  " .. e.text)
    if e.link then baton.print("  link: " .. e.link) end
    if e.metrics then
      local parts = {}
      for k, v in pairs(e.metrics) do parts[#parts + 1] = k .. " = " .. tostring(v) end
      table.sort(parts)
      baton.print("  " .. table.concat(parts, ", "))
    end
  end)
end

-- Correct or remove evidence --------------------------------------------------

local function show_entry(e)
  baton.print(("  #%d step %s, dated %s: %s"):format(e.id, steps.title(steps.list[e.step]), e.date, e.text))
  if e.link then baton.print("  link: " .. e.link) end
end

function M.amend(args)
  initiatives.migrate()
  local found, ini = initiatives.find_evidence(args.evidence)
  local change = {}
  if args.text then
    change.text = args.text:gsub("^%s+", ""):gsub("%s+$", "")
    if change.text == "" then error("--text needs some text: what happened?", 0) end
  end
  if args.step then
    local step, err = steps.find(args.step)
    if not step then error(err, 0) end
    change.step = step.n
  end
  local today = dates.today()
  if args.date then
    not_future(args.date, today, args.force)
    change.date = args.date
  end
  if args.link then change.link = args.link == "" and false or args.link end
  if args.metric and #args.metric > 0 then change.metrics = parse_metrics(args.metric) end
  if next(change) == nil then
    baton.usage_error(("nothing to correct in evidence #%d: give --text, --date, --step, --link or --metric (or "
      .. "remove it with baton change retract %d)"):format(found.id, found.id))
  end
  local before, after = initiatives.amend_evidence(ini, found.id, change, args.reason, today, actor(args))
  baton.output({ initiative = ini.slug, before = before, evidence = after }, function(r)
    baton.print(("Evidence #%d of %s corrected (the history keeps what it said before):"):format(r.evidence.id, ini.title))
    show_entry(r.evidence)
  end)
end

function M.retract(args)
  initiatives.migrate()
  local found, ini = initiatives.find_evidence(args.evidence)
  local e = initiatives.retract_evidence(ini, found.id, args.reason, dates.today(), actor(args))
  baton.output({ initiative = ini.slug, removed = e, reason = args.reason }, function(r)
    baton.print(("Evidence #%d removed from %s (the history keeps it%s):"):format(r.removed.id, ini.title,
      r.reason and (", with the reason: " .. r.reason) or ""))
    show_entry(r.removed)
  end)
end

-- The guiding coalition ------------------------------------------------------

function M.coalition(args)
  initiatives.migrate()
  local ini = initiatives.find(args.initiative)
  local ids = args.ids or {}
  local changed = {}
  if args.action == "show" then
    if #ids > 0 then error("to change the coalition say add or remove: baton change coalition "
      .. ini.slug .. " add " .. table.concat(ids, " "), 0) end
  else
    if #ids == 0 then baton.usage_error(("whom to %s? give person ids: baton change coalition %s %s ID ...")
      :format(args.action, ini.slug, args.action)) end
    initiatives.people(ids)
    local by = actor(args)
    changed = initiatives.change_coalition(ini, args.action, ids, dates.today(), by)
  end

  local state = initiatives.load(ini)
  local spread = coalition.spread(state.coalition)
  local rules = stalls.rules { min_roles = args.min_roles }
  local warnings = {}
  for _, w in ipairs(stalls.check(state, spread, dates.today(), rules)) do
    if w.rule == "narrow" then warnings[#warnings + 1] = w end
  end
  local members = {}
  for _, p in ipairs(spread.people) do
    members[#members + 1] = { id = p.id, name = p.name, role = p.role, department = p.department,
      campus = p.campus, active = p.active }
  end
  local result = {
    initiative = ini.slug, action = args.action, changed = changed, members = members,
    spread = { size = spread.size, roles = spread.roles, departments = spread.departments,
      campuses = spread.campuses, roles_absent = spread.roles_absent },
    warnings = warnings,
  }
  baton.output(result, function(r)
    if r.action ~= "show" then
      local verb = r.action == "add" and "Added" or "Removed"
      local unchanged = #ids - #r.changed
      baton.print(("%s %d %s%s."):format(verb, #r.changed, #r.changed == 1 and "person" or "people",
        unchanged > 0 and (" (%d already %s)"):format(unchanged, r.action == "add" and "in" or "out") or ""))
    end
    baton.print(("Guiding coalition of %s: %s"):format(ini.title, coalition.summary(spread)))
    if #r.members > 0 then
      baton.ui.table(r.members, { "id", "name", "role", "department", "campus" })
      baton.print("roles: " .. table.concat(r.spread.roles, ", "))
      if #r.spread.roles_absent > 0 then
        baton.print("roles not represented: " .. table.concat(r.spread.roles_absent, ", "))
      end
    end
    for _, id in ipairs(spread.inactive) do
      baton.print(("  ! %s is no longer active in the staff list"):format(id))
    end
    for _, w in ipairs(r.warnings) do
      baton.print("  ! " .. w.message)
      if w.command then baton.print("      " .. w.command) end
    end
  end)
end

-- Where it stands ------------------------------------------------------------

--- Where each initiative (or the one named) stands, as `change status` shows it.
local function status_of(args)
  initiatives.migrate()
  local today, rules = dates.today(), stalls.rules(args)
  local chosen = args.initiative and { initiatives.find(args.initiative) } or initiatives.all()
  local all = {}
  for _, ini in ipairs(chosen) do
    local st = standing(ini, today, rules)
    st.evidence, st.coalition.members = nil, nil
    all[#all + 1] = st
  end
  return all
end

function M.status(args)
  local all = status_of(args)
  local value = args.initiative and all[1] or all
  baton.output(value, function()
    if #all == 0 then
      baton.print("No change initiatives yet. Start one: baton change new \"Literacy across the curriculum\"")
    end
    for i, st in ipairs(all) do
      if i > 1 then baton.print("") end
      show_standing(st)
    end
  end)
end

function M.report(args)
  initiatives.migrate()
  local ini = initiatives.find(args.initiative)
  local st = standing(ini, dates.today(), stalls.rules(args))
  local doc = args.format == "html" and report.html(st) or report.markdown(st)
  if args.out then
    local ok, err = baton.fs.write(args.out, doc)
    if not ok then error(("cannot write the report to %s: %s"):format(args.out, err), 0) end
    baton.output({ initiative = ini.slug, format = args.format, out = args.out, bytes = #doc }, function(r)
      baton.print(("Wrote the %s report on %s to %s (%d bytes)."):format(r.format == "html" and "HTML" or "Markdown",
        ini.title, r.out, r.bytes))
    end)
  else
    baton.output({ initiative = ini.slug, format = args.format, content = doc }, function(r)
      baton.print((r.content:gsub("\n$", "")))
    end)
  end
end

-- Teach the model ------------------------------------------------------------

function M.guide(args)
  local chosen = steps.list
  if args.step then
    local step, err = steps.find(args.step)
    if not step then error(err, 0) end
    chosen = { step }
  end
  local out = {}
  for _, s in ipairs(chosen) do
    out[#out + 1] = { step = s.n, key = s.key, name = s.name, purpose = s.purpose, questions = s.questions }
  end
  baton.output(args.step and out[1] or out, function()
    if not args.step then
      baton.print("Kotter's 8 steps for leading change. In sequential mode they are done in order; in")
      baton.print("concurrent mode they run side by side and are renewed as the change goes on.")
    end
    for _, s in ipairs(out) do
      baton.print("")
      baton.print(("Step %d: %s  (%s)"):format(s.step, s.name, s.key))
      baton.print("  " .. s.purpose)
      for _, q in ipairs(s.questions) do baton.print("  - " .. q) end
    end
  end)
end

-- The history, from the event log ---------------------------------------------

local function describe(e)
  local d = e.data
  if e.kind == "change.new" then
    return ("started: %s (%s mode%s)"):format(d.title, d.mode, d.target and (", target " .. d.target) or "")
  elseif e.kind == "change.step" then
    local parts = {}
    local b, a = d.before, d.after
    if a.status ~= b.status then
      parts[#parts + 1] = ("%s -> %s"):format(steps.statuses[b.status].label, steps.statuses[a.status].label)
    end
    if table.concat(a.owners, ",") ~= table.concat(b.owners, ",") then
      parts[#parts + 1] = "owners " .. (#a.owners > 0 and table.concat(a.owners, ", ") or "none")
    end
    if a.due ~= b.due then parts[#parts + 1] = "due " .. tostring(a.due) end
    if d.forced then parts[#parts + 1] = "FORCED: " .. d.forced end
    return ("step %d %s: %s"):format(d.step, steps.list[d.step].short,
      #parts > 0 and table.concat(parts, "; ") or "no change")
  elseif e.kind == "change.evidence" then
    local ev = d.evidence
    return ("evidence #%s on step %d %s, dated %s: %s"):format(tostring(ev.id), ev.step, steps.list[ev.step].short,
      ev.date, shorten(ev.text, 60))
  elseif e.kind == "change.amend" then
    local b, a, parts = d.before, d.evidence, {}
    if a.step ~= b.step then parts[#parts + 1] = ("step %d -> %d"):format(b.step, a.step) end
    if a.date ~= b.date then parts[#parts + 1] = ("date %s -> %s"):format(b.date, a.date) end
    if a.text ~= b.text then parts[#parts + 1] = ("text was \"%s\"; now \"%s\""):format(shorten(b.text, 40), shorten(a.text, 40)) end
    if a.link ~= b.link then parts[#parts + 1] = "link " .. (a.link or "removed") end
    if baton.json.encode(a.metrics or {}) ~= baton.json.encode(b.metrics or {}) then parts[#parts + 1] = "measures changed" end
    return ("evidence #%d corrected: %s%s"):format(a.id, #parts > 0 and table.concat(parts, "; ") or "no change",
      d.reason and (" (" .. d.reason .. ")") or "")
  elseif e.kind == "change.retract" then
    local ev = d.evidence
    return ("evidence #%d removed (step %d, dated %s: %s)%s"):format(ev.id, ev.step, ev.date, shorten(ev.text, 40),
      d.reason and (": " .. d.reason) or "")
  elseif e.kind == "change.coalition" then
    return ("coalition: %s %s"):format(d.action == "add" and "added" or "removed", table.concat(d.people, ", "))
  end
  return e.kind
end

function M.history(args)
  initiatives.migrate()
  local ini = initiatives.find(args.initiative)
  local rows = {}
  for _, e in ipairs(initiatives.history(ini)) do
    -- `date` is the school day of the change (baton.today(), which --today
    -- can set for a rehearsal); `at` is when it was written, by the clock.
    rows[#rows + 1] = { id = e.id, date = e.data.date, at = e.at, by = e.actor, kind = e.kind,
      what = describe(e), data = e.data }
  end
  baton.output(rows, function(list)
    local view = {}
    for _, r in ipairs(list) do
      view[#view + 1] = { date = r.date or r.at:sub(1, 10), by = r.by or "", what = r.what }
    end
    baton.ui.table(view, { "date", "by", "what" })
  end)
end

--- baton doctor calls this.
function M.health()
  return true, "8 steps, stall rules ready"
end

-- For tests and scripts: the parts, and the replay of a history.
M.steps, M.dates, M.initiatives, M.coalition_spread, M.stalls, M.report_of = steps, dates, initiatives,
  coalition.spread, stalls, report
M.standing = standing

-- The dashboard (baton serve). Each route is kept in M.routes too, so
-- that the plugin's tests call the handler the server calls.
M.routes = {}
local function route(path, handler)
  M.routes[path] = handler
  baton.http.route("GET", path, handler)
end

-- Every initiative's standing, as `change status --json` prints it;
-- /api/change/status/SLUG for one (kept for the clients written before
-- the page).
route("/api/change/status", function()
  return status_of({})
end)
route("/api/change/status/:initiative", function(req)
  local ok, all = pcall(status_of, { initiative = req.params.initiative })
  if not ok then return { error = { status = 404, message = tostring(all) } }, 404 end
  return all[1]
end)

-- Every initiative's standing with its evidence, for the page and the
-- leadership count.
local function standings()
  initiatives.migrate()
  local today, rules = dates.today(), stalls.rules({})
  local all = {}
  for _, ini in ipairs(initiatives.all()) do all[#all + 1] = standing(ini, today, rules) end
  return all
end

-- The page: each initiative's steps with status and owners, the
-- warnings, the evidence, and the forms (page.lua).
route("/api/change/page", function()
  local all, ids = standings(), {}
  for _, st in ipairs(all) do
    for _, s in ipairs(st.steps) do
      for _, id in ipairs(s.owners) do ids[#ids + 1] = id end
    end
  end
  return page.blocks(all, initiatives.check(baton.people.get_many(ids)) or {})
end)

-- What the overview counts: the change steps each person owns.
route("/api/change/leadership", function()
  return page.leadership(standings())
end)

return M
