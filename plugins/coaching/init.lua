-- Instructional coaching cycles.
--
-- A coach and a teacher run a cycle together (Knight's Impact Cycle,
-- cycle.lua): they identify a goal that can be measured, learn a strategy
-- with a checklist, and improve, measuring until the goal is met or
-- revised. Each of them sees and edits their own cycle, from the command
-- line or the browser (`coach show`, `coach mine`, the forms of the
-- Coaching page); nobody else sees its goal unless the teacher shares it
-- (`coach share`). The coordinator suggests coaches from the expertise map
-- (`coach suggest`), keeps caseloads balanced (`coach caseload`) and
-- follows up the cycles that have gone quiet (`coach stalled`).
--
-- Privacy: goals, measures, checklists and session notes stay in the
-- coaching tables. Events (which anyone signed in can read at
-- /api/events) carry the cycle's number, its coach and its phase, never
-- the teacher's goal; the page shows only shared cycles' goals.
local cycle = require("cycle")
local page = require("page")
local store = require("store")

local M = {}

local function fail(fmt, ...) error(fmt:format(...), 0) end

local function who(id, name) return name and (id .. " " .. name) or id end

local function num(x)
  if x == nil then return nil end
  return math.tointeger(x) or x
end

local function text(value, flag, max)
  if value == nil then return nil end
  local t = value:match("^%s*(.-)%s*$")
  if t == "" then fail("%s is empty; write it out, or leave the flag out", flag) end
  if utf8.len(t) == nil then fail("%s is not UTF-8 text", flag) end
  if utf8.len(t) > max then fail("%s has %d characters; keep it under %d", flag, utf8.len(t), max) end
  return t
end

-- The cycle `id`, for `person`: only its coach and teacher may act on it.
-- The refusal does not say who is in the cycle.
local function the_cycle(id, person)
  store.ready()
  local c = store.cycle(id)
  if not c then fail("there is no cycle %d; `baton coach mine %s` lists yours", id, person or "PERSON") end
  if person and person ~= c.coach and person ~= c.teacher then
    fail("cycle %d is not %s's: only its coach and its teacher see and change it; `baton coach mine %s` lists "
      .. "theirs", id, person, person)
  end
  return c
end

local function open_cycle(id, person)
  local c = the_cycle(id, person)
  if not c.open then
    fail("cycle %d closed on %s (%s): it takes no more changes; start a new one with `baton coach start %s --coach %s`",
      c.id, c.closed, c.outcome or "closed", c.teacher, c.coach)
  end
  return c
end

-- What the event log gets: never the goal.
local function log(kind, c, extra)
  local data = { cycle = c.id, coach = c.coach, phase = c.phase }
  for k, v in pairs(extra or {}) do data[k] = v end
  baton.events.log { kind = kind, subject = tostring(c.id), data = data }
end

-- The expertise map's word for a tag, when the practice is installed.
local function expertise()
  local ok, ex = pcall(baton.plugin, "expertise")
  return ok and ex or nil
end

-- coach start ----------------------------------------------------------------------

function M.start(args)
  store.ready()
  if not args.coach then
    baton.usage_error("say who coaches with --coach PERSON (from the browser it is you)")
  end
  if args.coach == args.teacher then
    fail("%s cannot coach themselves: a cycle is a coach and a colleague; `baton coach suggest TAG --teacher %s` "
      .. "proposes a coach from the expertise map", args.coach, args.teacher)
  end
  local c = { coach = args.coach, teacher = args.teacher, day = baton.today(),
    tag = args.tag and args.tag:lower():gsub("%s+", " "):match("^ ?(.-) ?$") or nil, goal = text(args.goal, "--goal", 500) }
  if c.tag == "" then c.tag = nil end
  local id = store.open(c, function()
    for _, x in ipairs(store.cycles { open = true }) do
      if x.coach == c.coach and x.teacher == c.teacher then
        fail("%s already coaches %s in cycle %d (open since %s): go on with it, or close it first with "
          .. "`baton coach close %d %s --outcome met` (or stopped)", c.coach, c.teacher, x.id, x.opened, x.id, c.coach)
      end
    end
  end)
  local made = store.cycle(id)
  log("coach.start", made)
  baton.output({ cycle = id, coach = c.coach, teacher = c.teacher, phase = "identify" }, function(o)
    baton.print(("Cycle %d opened: %s coaches %s, starting at identify."):format(o.cycle,
      who(o.coach, made.coach_name), who(o.teacher, made.teacher_name)))
    baton.print(("Next: the goal, with `baton coach identify %d %s --goal TEXT --measure TEXT --baseline N "
      .. "--target N`."):format(o.cycle, o.coach))
  end)
end

-- coach identify / learn / measure / session / phase -------------------------------------

function M.identify(args)
  local c = open_cycle(args.cycle, args.person)
  if not (args.goal or args.measure or args.baseline or args.target or args.tag) then
    baton.usage_error(("give the goal: --goal TEXT --measure TEXT --baseline N --target N (e.g. baton coach "
      .. "identify %d %s --goal 'more students answer open questions' --measure '%% who answer' --baseline 20 "
      .. "--target 60)"):format(c.id, args.person))
  end
  local g = { goal = text(args.goal, "--goal", 500), measure = text(args.measure, "--measure", 200),
    baseline = args.baseline, target = args.target, tag = args.tag and text(args.tag, "--tag", 60):lower() }
  local nb, nt = g.baseline or c.baseline, g.target or c.target
  if nb ~= nil and nt ~= nil and nb == nt then
    fail("--target %s is the baseline: a goal moves something; give a target above or below %s", tostring(num(nt)),
      tostring(num(nb)))
  end
  -- A goal changed once measures exist is a revision: the earlier one is kept.
  local revise = #store.measures(c.id) > 0 and (g.goal or g.measure or g.baseline or g.target) ~= nil
  store.set_goal(c.id, g, revise)
  if revise and c.phase == "improve" then store.move(c.id, "identify") end
  c = store.cycle(c.id)
  log("coach.identify", c, { revised = revise or nil })
  local missing = cycle.goal_missing(c)
  baton.output({ cycle = c.id, goal = c.goal, measure = c.measure, baseline = num(c.baseline), target = num(c.target),
    tag = c.tag, revised = revise, complete = missing == nil, phase = c.phase }, function(o)
    baton.print(("Cycle %d%s: %s"):format(o.cycle, o.revised and " (goal revised; the earlier one is kept)" or "",
      o.goal or "(no goal yet)"))
    if o.measure then
      baton.print(("Measured by %s: from %s to %s."):format(o.measure, tostring(o.baseline or "?"),
        tostring(o.target or "?")))
    end
    baton.print(missing and ("Still missing: " .. missing .. ".")
      or ("Next: the strategy, with `baton coach learn %d %s --strategy TEXT --step TEXT`."):format(o.cycle, args.person))
  end)
end

function M.learn(args)
  local c = open_cycle(args.cycle, args.person)
  if not args.strategy and #args.step == 0 and #args.done == 0 then
    baton.usage_error(("give --strategy TEXT, --step TEXT (a checklist step) or --done N, e.g. baton coach learn %d "
      .. "%s --strategy 'think-pair-share' --step 'model it in a lesson'"):format(c.id, args.person))
  end
  local ok, why = cycle.may_enter(c, "learn")
  if not ok then fail("%s", why) end
  local steps = {}
  for _, s in ipairs(args.step) do steps[#steps + 1] = text(s, "--step", 200) end
  local have = {}
  for _, s in ipairs(store.steps(c.id)) do have[s.n] = s end
  for _, n in ipairs(args.done) do
    if not have[n] and n > #have + #steps then
      fail("--done %d: cycle %d's checklist has %d step%s; `baton coach show %d %s` lists them", n, c.id,
        #store.steps(c.id) + #steps, (#store.steps(c.id) + #steps) == 1 and "" or "s", c.id, args.person)
    end
  end
  baton.store.transaction(function()
    if args.strategy then store.set_strategy(c.id, text(args.strategy, "--strategy", 300)) end
    if #steps > 0 then store.add_steps(c.id, steps) end
    for _, n in ipairs(args.done) do store.tick(c.id, n, baton.today()) end
    if c.phase == "identify" then store.move(c.id, "learn") end
  end)
  c = store.cycle(c.id)
  log("coach.learn", c, { steps = #steps, done = #args.done })
  local list = store.steps(c.id)
  baton.output({ cycle = c.id, phase = c.phase, strategy = c.strategy, steps = list }, function(o)
    baton.print(("Cycle %d (%s): strategy %s"):format(o.cycle, o.phase, o.strategy or "(none yet)"))
    for _, s in ipairs(o.steps) do baton.print(("  [%s] %d. %s"):format(s.done and "x" or " ", s.n, s.text)) end
    if o.strategy and o.phase == "learn" then
      baton.print(("Next: measure, with `baton coach measure %d %s VALUE`."):format(o.cycle, args.person))
    end
  end)
end

function M.measure(args)
  local c = open_cycle(args.cycle, args.person)
  local ok, why = cycle.may_enter(c, "improve")
  if not ok then fail("%s", why) end
  local day = args.on or baton.today()
  if day > baton.today() then fail("--on %s is in the future (today is %s)", day, baton.today()) end
  local met = cycle.reached(c, args.value)
  baton.store.transaction(function()
    store.add_measure(c.id, day, args.value, text(args.note, "--note", 300))
    if c.phase ~= "improve" then store.move(c.id, "improve") end
  end)
  c = store.cycle(c.id)
  log("coach.measure", c)
  local p = cycle.progress(c, args.value)
  baton.output({ cycle = c.id, value = num(args.value), day = day, baseline = num(c.baseline), target = num(c.target),
    reached = met, progress = p and math.floor(p * 100 + 0.5) or nil }, function(o)
    baton.print(("Cycle %d: %s on %s (baseline %s, target %s)%s."):format(o.cycle, tostring(o.value), o.day,
      tostring(o.baseline), tostring(o.target), o.progress and (", " .. o.progress .. "% of the way") or ""))
    if o.reached then
      baton.print(("The target is reached: close the cycle with `baton coach close %d %s --outcome met`, or revise "
        .. "the goal with `baton coach identify %d %s --target N`."):format(o.cycle, args.person, o.cycle, args.person))
    end
  end)
end

function M.session(args)
  local c = open_cycle(args.cycle, args.person)
  local day = args.on or baton.today()
  if day > baton.today() then fail("--on %s is in the future (today is %s): log a session once it has happened", day,
    baton.today()) end
  if day < c.opened then fail("--on %s is before cycle %d opened (%s)", day, c.id, c.opened) end
  store.add_session(c.id, { day = day, minutes = args.minutes, phase = c.phase, note = text(args.note, "--note", 1000) })
  log("coach.session", c, { minutes = args.minutes })
  baton.output({ cycle = c.id, day = day, minutes = args.minutes, phase = c.phase, sessions = c.sessions + 1 }, function(o)
    baton.print(("Session logged for cycle %d on %s (%s phase); %d so far."):format(o.cycle, o.day, o.phase, o.sessions))
  end)
end

function M.phase(args)
  local c = open_cycle(args.cycle, args.person)
  local phase, why = cycle.phase(args.phase)
  if not phase then fail("%s", why) end
  local ok, need = cycle.may_enter(c, phase)
  if not ok then fail("%s", need) end
  if phase == c.phase then fail("cycle %d is already at %s", c.id, phase) end
  store.move(c.id, phase)
  c = store.cycle(c.id)
  log("coach.phase", c)
  baton.output({ cycle = c.id, phase = phase }, function(o)
    baton.print(("Cycle %d is now at %s."):format(o.cycle, o.phase))
  end)
end

function M.close(args)
  local c = open_cycle(args.cycle, args.person)
  local last = store.measures(c.id)
  last = last[#last]
  if args.outcome == "met" and not (last and cycle.reached(c, last.value)) then
    fail("cycle %d's goal is not met yet: %s; record the measure that reaches the target with `baton coach measure "
      .. "%d %s VALUE`, or close it with --outcome stopped", c.id, last and ("the last measure is %s, the target %s")
      :format(tostring(num(last.value)), tostring(num(c.target))) or "no measure recorded", c.id, args.person)
  end
  store.close(c.id, args.outcome)
  c = store.cycle(c.id)
  -- A shared cycle that met its goal is evidence of the coach's expertise
  -- in its tag (docs/plugins.md, "Evidence of expertise"). A private one
  -- is not: the tag would tell everyone what the teacher worked on.
  local extra = { outcome = args.outcome }
  local evidence = c.shared and args.outcome == "met" and c.tag ~= nil
  if evidence then
    extra.expertise = { { person = c.coach, tag = c.tag,
      what = ("coached a colleague to a met goal in coaching cycle %d"):format(c.id) } }
  end
  log("coach.close", c, extra)
  baton.output({ cycle = c.id, outcome = args.outcome, closed = c.closed, evidence = evidence }, function(o)
    baton.print(("Cycle %d closed on %s: %s."):format(o.cycle, o.closed, o.outcome == "met" and "the goal was met" or
      "stopped"))
    if o.outcome == "met" then
      baton.print(o.evidence and ("It counts as evidence of %s's expertise in %s (`baton expertise helpers '%s'`)."):format(
        c.coach, c.tag, c.tag) or "Not counted as expertise evidence: the cycle is private (or has no tag).")
    end
  end)
end

function M.share(args)
  local c = the_cycle(args.cycle, args.person)
  if args.person ~= c.teacher then
    fail("only the teacher of cycle %d shares its goal (it is theirs): ask %s", c.id, c.teacher)
  end
  store.share(c.id, args.share)
  log("coach.share", c, { shared = args.share })
  baton.output({ cycle = c.id, shared = args.share }, function(o)
    baton.print(o.shared and ("Cycle %d's goal and progress now show on the Coaching page."):format(o.cycle)
      or ("Cycle %d is private to its coach and teacher again."):format(o.cycle))
  end)
end

-- coach show / mine ------------------------------------------------------------------

local function full(c)
  local measures = store.measures(c.id)
  for _, m in ipairs(measures) do m.value = num(m.value) end
  local last = measures[#measures]
  local p = last and cycle.progress(c, last.value)
  return { cycle = c.id, coach = c.coach, coach_name = c.coach_name, teacher = c.teacher, teacher_name = c.teacher_name,
    phase = c.phase, opened = c.opened, closed = c.closed, outcome = c.outcome, shared = c.shared, tag = c.tag,
    goal = c.goal, measure = c.measure, baseline = num(c.baseline), target = num(c.target), strategy = c.strategy,
    steps = store.steps(c.id), measures = measures, sessions = store.sessions(c.id), revisions = store.revisions(c.id),
    last = c.last, progress = p and math.floor(p * 100 + 0.5) or nil,
    reached = last and cycle.reached(c, last.value) or false }
end

function M.show(args)
  local c = the_cycle(args.cycle, args.person)
  baton.output(full(c), function(o)
    baton.print(("Cycle %d: %s coaches %s, %s since %s%s"):format(o.cycle, who(o.coach, o.coach_name),
      who(o.teacher, o.teacher_name), o.closed and ("closed (" .. (o.outcome or "") .. ")") or ("at " .. o.phase),
      o.opened, o.shared and ", shared" or ", private to the pair"))
    baton.print(("  goal: %s%s"):format(o.goal or "(not yet)", o.tag and (" [" .. o.tag .. "]") or ""))
    if o.measure then
      baton.print(("  measured by %s: baseline %s, target %s"):format(o.measure, tostring(o.baseline), tostring(o.target)))
    end
    for _, r in ipairs(o.revisions) do
      baton.print(("  revised on %s from: %s (target %s)"):format(r.day, r.goal or "-", tostring(num(r.target))))
    end
    baton.print(("  strategy: %s"):format(o.strategy or "(not yet)"))
    for _, s in ipairs(o.steps) do baton.print(("    [%s] %d. %s"):format(s.done and "x" or " ", s.n, s.text)) end
    for _, m in ipairs(o.measures) do
      baton.print(("  measure %s: %s%s"):format(m.day, tostring(m.value), m.note and (" (" .. m.note .. ")") or ""))
    end
    for _, s in ipairs(o.sessions) do
      baton.print(("  session %s, %s%s%s"):format(s.day, s.phase, s.minutes and (", " .. s.minutes .. " min") or "",
        s.note and (": " .. s.note) or ""))
    end
    if o.reached and not o.closed then baton.print("  The target is reached.") end
  end)
end

function M.mine(args)
  store.ready()
  local rows = {}
  for _, c in ipairs(store.cycles { person = args.person }) do
    if c.open or args.all then
      rows[#rows + 1] = { cycle = c.id, as = c.coach == args.person and "coach" or "teacher",
        with = c.coach == args.person and who(c.teacher, c.teacher_name) or who(c.coach, c.coach_name),
        phase = c.open and c.phase or ("closed (" .. (c.outcome or "") .. ")"), goal = c.goal or "", last = c.last,
        shared = c.shared }
    end
  end
  baton.output({ person = args.person, cycles = rows }, function(o)
    if #o.cycles == 0 then
      baton.print(("%s has no %scoaching cycle."):format(o.person, args.all and "" or "open "))
      return
    end
    baton.ui.table(o.cycles, { "cycle", "as", "with", "phase", "goal", "last" })
  end)
end

-- coach list / caseload / stalled / suggest (the school's view) ------------------------------

function M.list(args)
  store.ready()
  local rows = {}
  for _, c in ipairs(store.cycles { open = args.open }) do
    rows[#rows + 1] = { cycle = c.id, coach = who(c.coach, c.coach_name), teacher = who(c.teacher, c.teacher_name),
      phase = c.open and c.phase or ("closed (" .. (c.outcome or "") .. ")"), goal = c.goal or "", tag = c.tag or "",
      opened = c.opened, last = c.last, sessions = c.sessions, shared = c.shared }
  end
  baton.output(rows, function(r)
    if #r == 0 then baton.print("No cycles yet: `baton coach start TEACHER --coach COACH` opens one.") return end
    baton.ui.table(r, { "cycle", "coach", "teacher", "phase", "tag", "goal", "last", "sessions" })
  end)
end

local function caseload()
  store.ready()
  local cycles = store.cycles()
  local list, balance = cycle.caseload(cycles, baton.settings.get("max_caseload"))
  local stalled = 0
  local weeks, today = baton.settings.get("stall_weeks"), baton.today()
  for _, c in ipairs(cycles) do
    if c.open and cycle.quiet(c, weeks, today).stalled then stalled = stalled + 1 end
  end
  balance.stalled = stalled
  return { coaches = list, balance = balance }
end

function M.caseload()
  local v = caseload()
  baton.output(v, function(o)
    local b = o.balance
    if b.coaches == 0 then baton.print("No coaching cycles yet.") return end
    baton.print(("%d open cycle%s with %d coach%s: mean %s, most %d (max_caseload %d)%s."):format(b.open,
      b.open == 1 and "" or "s", b.active, b.active == 1 and "" or "es", tostring(b.mean), b.max, b.limit,
      b.stalled > 0 and ("; %d stalled (`baton coach stalled`)"):format(b.stalled) or ""))
    local rows = {}
    for k, c in ipairs(o.coaches) do
      rows[k] = { coach = who(c.coach, c.name), open = c.open, closed = c.closed, met = c.met, sessions = c.sessions }
    end
    baton.ui.table(rows, { "coach", "open", "closed", "met", "sessions" })
    if #b.over > 0 then
      baton.print(("Over max_caseload: %s. Share the load: `baton coach suggest TAG` lists coaches with room.")
        :format(table.concat(b.over, ", ")))
    end
  end)
end

function M.stalled()
  store.ready()
  local weeks, today = baton.settings.get("stall_weeks"), baton.today()
  local rows, unit = {}, nil
  for _, c in ipairs(store.cycles { open = true }) do
    local q = cycle.quiet(c, weeks, today)
    unit = q.unit
    if q.stalled then
      rows[#rows + 1] = { cycle = c.id, coach = who(c.coach, c.coach_name), teacher = who(c.teacher, c.teacher_name),
        phase = c.phase, last = c.last, quiet = q.quiet, unit = q.unit }
    end
  end
  baton.output({ stall_weeks = weeks, stalled = rows }, function(o)
    if #o.stalled == 0 then
      baton.print(("No open cycle has been quiet for %d school weeks."):format(weeks))
      return
    end
    baton.print(("%d open cycle%s quiet for %d weeks or more (the setting stall_weeks)%s:"):format(#o.stalled,
      #o.stalled == 1 and "" or "s", weeks, unit == "days" and
        " (calendar weeks: import the school calendar with `baton terms import` to count school weeks)" or ""))
    local t = {}
    for k, r in ipairs(o.stalled) do
      t[k] = { cycle = r.cycle, coach = r.coach, teacher = r.teacher, phase = r.phase, ["last activity"] = r.last,
        quiet = ("%d %s"):format(r.quiet, r.unit) }
    end
    baton.ui.table(t, { "cycle", "coach", "teacher", "phase", "last activity", "quiet" })
    baton.print("A session or a measure restarts the clock: `baton coach session CYCLE PERSON`.")
  end)
end

function M.suggest(args)
  store.ready()
  local ex = expertise()
  if not ex then
    fail("coach suggest reads the expertise map, and the expertise practice (plugin expertise) is not installed; "
      .. "choose a coach yourself (`baton coach caseload` shows who has room)")
  end
  local h, err = ex.helpers { tag = args.tag, exclude = args.teacher and { args.teacher } or nil, limit = 50 }
  if not h then fail("%s", tostring(err):gsub("^EPLUGIN: ", "")) end
  local load = {}
  for _, c in ipairs(store.cycles { open = true }) do load[c.coach] = (load[c.coach] or 0) + 1 end
  local max = baton.settings.get("max_caseload")
  local list, full = {}, {}
  for _, x in ipairs(h.helpers) do
    local n = load[x.person] or 0
    local row = { person = x.person, name = x.name, role = x.role, campus = x.campus, level = x.level, rank = x.rank,
      why = x.why, caseload = n, evidence = x.evidence, endorsements = x.endorsements }
    if n >= max then full[#full + 1] = row else list[#list + 1] = row end
  end
  -- The expertise level first (evidenced > endorsed > declared), then the
  -- smaller caseload, then the map's own order.
  local order = {}
  for k, r in ipairs(list) do order[r.person] = k end
  table.sort(list, function(a, b)
    if a.rank ~= b.rank then return a.rank > b.rank end
    if a.caseload ~= b.caseload then return a.caseload < b.caseload end
    return order[a.person] < order[b.person]
  end)
  baton.output({ tag = h.tag, coaches = list, full = full, max_caseload = max }, function(o)
    if #o.coaches == 0 and #o.full == 0 then
      baton.print(("Nobody on the expertise map holds '%s' yet%s: `baton expertise helpers` and `baton expertise "
        .. "gaps` say more."):format(o.tag, args.teacher and (" (besides " .. args.teacher .. ")") or ""))
      return
    end
    baton.print(("Coaches for %s%s, by expertise then caseload:"):format(o.tag,
      args.teacher and (" (for " .. args.teacher .. ")") or ""))
    local rows = {}
    for k, r in ipairs(o.coaches) do
      rows[k] = { ["#"] = k, coach = who(r.person, r.name), role = r.role or "", campus = r.campus or "",
        level = r.level, caseload = r.caseload, why = r.why }
    end
    if #rows > 0 then baton.ui.table(rows, { "#", "coach", "role", "campus", "level", "caseload", "why" }) end
    if #o.full > 0 then
      local names = {}
      for _, r in ipairs(o.full) do names[#names + 1] = ("%s (%d open)"):format(r.person, r.caseload) end
      baton.print(("Full (max_caseload %d): %s."):format(o.max_caseload, table.concat(names, ", ")))
    end
    if #rows > 0 and args.teacher then
      baton.print(("Start: `baton coach start %s --coach %s --tag '%s'`."):format(args.teacher, o.coaches[1].person, o.tag))
    end
  end)
end

-- The page and the routes -------------------------------------------------------------------

local function page_route()
  local v = caseload()
  local shared = {}
  for _, c in ipairs(store.cycles()) do
    if c.shared then shared[#shared + 1] = full(c) end
  end
  return page.blocks { coaches = v.coaches, balance = v.balance, shared = shared }
end

-- Colleagues coached, per coach: cycles open at any time in ?from..?to
-- when given (then `period` says so), else the open ones now.
local function leadership_route(req)
  store.ready()
  local from, to = req.query.from, req.query.to
  local period = from and to and baton.date.valid(from) and baton.date.valid(to) and from <= to
  local list = {}
  for _, c in ipairs(store.cycles()) do
    if period then
      if c.opened <= to and (c.closed == nil or c.closed >= from) then list[#list + 1] = c end
    elseif c.open then
      list[#list + 1] = c
    end
  end
  return page.leadership(list, period and { from = from, to = to } or nil)
end

-- The stall count moves with the date, so the page is never kept.
baton.http.route("GET", "/api/coaching/page", page_route, { cache = false })
baton.http.route("GET", "/api/coaching/leadership", leadership_route)

M.routes = { page = page_route, leadership = leadership_route }

return M
