-- scripts/demo.lua: run the three bundled practices on the sample school.
--
--   baton run scripts/demo.lua [--part all|mentoring|rota|change|last-year|last-term]
--
-- `baton demo` runs it on a fresh database after importing the school that
-- scripts/sample-school.lua made; `baton demo --tour` runs it one part at a
-- time. Each part calls a practice's commands through baton.plugin(...),
-- exactly as a coordinator would type them, and prints a short summary.
-- Dates are counted from baton.today(), so the plans are always upcoming
-- (`baton --today 2026-09-01 demo` fixes them, for a rehearsal or a test).
--
-- The school's history comes first, so fairness over time has something to
-- count: `baton demo` runs the part last-year with baton.today() a year
-- back (last year's mentoring cohort is paired) and last-term with it at
-- the end of the last school year (those pairs end; the term that just
-- ended gets its saved rota; the leadership team's reflection round is
-- answered and closed), then `all` on the real day.

local part = baton.args {
  summary = "Runs the three bundled practices on the sample school.",
  { "--part", type = "enum", default = "all", help = "which part to run",
    values = { "all", "mentoring", "rota", "change", "expertise", "coaching", "last-year", "last-term" } },
}.part

local today = baton.today()
local date = baton.date

-- The Monday of this week, then the first given weekday (1 = Monday) on or
-- after `from`.
local function on_or_after(from, weekday)
  local wd = date.weekday(from)
  return date.add(from, (weekday - wd) % 7)
end

-- A person's name; a role nobody could take (a gap, in a small school)
-- says so.
local function name_of(id)
  if id == nil then return "nobody (a gap)" end
  local p = baton.people.get(id)
  return p and p.name or id
end

local function first(query)
  local list = baton.people.find(query)
  return list[1]
end

-- ---- mentoring -------------------------------------------------------------

local function mentoring()
  local r = assert(baton.plugin("mentoring").match { capacity = 2, save = true })
  print(string.format("Mentoring: %d pairs made and saved (mentees and mentors groups), total score %s",
    #r.pairs, tostring(r.total_score)))
  table.sort(r.pairs, function(a, b) return a.score > b.score or (a.score == b.score and a.mentee < b.mentee) end)
  for i = 1, math.min(3, #r.pairs) do
    local p = r.pairs[i]
    print(string.format("  %s %s  <-  %s %s  (%d: %s)", p.mentee, p.mentee_name, p.mentor, p.mentor_name,
      p.score, p.why))
  end
  if #r.pairs > 3 then print(string.format("  ... and %d more: baton mentor list --active", #r.pairs - 3)) end
  if #r.unmatched > 0 then
    print(string.format("  %d mentees without a mentor; baton mentor match says why", #r.unmatched))
  end
  -- The first meetings of a few pairs, as a mentoring lead would log them,
  -- so the weekly digest has pairs that met and pairs that did not yet.
  for i = 1, #r.pairs, 3 do
    baton.events.log { kind = "mentor.meeting", subject = r.pairs[i].mentee,
      data = { mentor = r.pairs[i].mentor, date = date.add(today, -3) } }
  end
end

-- ---- history: last year's cohort and last term's rotas -----------------------

local function last_year()
  local r = assert(baton.plugin("mentoring").match { mentees = "mentees last year", mentors = "mentors last year",
    capacity = 2, save = true })
  print(string.format("History: last year's mentoring cohort, %d pairs made on %s", #r.pairs, today))
end

-- The two teams of the rota part, with their rules.
local teams = {
  { group = { "Mathematics PLC" }, every = "tue", needs = { "facilitator:trained_facilitator=yes" },
    label = " (weekly, Tuesdays; facilitators are trained)" },
  { group = { "Wellbeing Committee" }, every = "thu", every_weeks = 2, label = " (every other Thursday, every role)" },
}

local function plan_teams(from, to)
  local rotation, plans = baton.plugin("rotation"), {}
  for i, t in ipairs(teams) do
    local r = assert(rotation.plan { group = t.group, from = from, to = to, every = t.every,
      every_weeks = t.every_weeks, needs = t.needs, save = true })
    plans[i] = r.groups and r.groups[1] or r
  end
  return plans
end

local function last_term()
  local ended = assert(baton.plugin("mentoring")["end"] { all = true, reason = "end of the school year" })
  local to = date.add(today, -3)
  local from = on_or_after(date.add(to, -7 * 10), 1)
  local plans = plan_teams(from, to)
  print(string.format("History: %d pairs ended on %s; last term's rotas saved, %s to %s: %s %d meetings, %s %d",
    #(ended.ended or {}), today, from, to, plans[1].group, #(plans[1].meetings or {}), plans[2].group,
    #(plans[2].meetings or {})))
end

-- The leadership team's reflection round at the end of last school year
-- (plugins/reflection), closed, so the Reflection page and `reflect
-- trends` have a past to start from. The demo has no school calendar, so
-- the round names its term. Scores follow a fixed pattern per person and
-- statement, so every demo shows the same figures.
local function last_reflection()
  local reflection = baton.plugin("reflection")
  -- The tutorial's example is also named reflection; when it comes first
  -- on the plugin path (--plugins examples) it shadows the practice, and
  -- the demo goes on without this round.
  local has_open = pcall(function() return reflection.open end)
  if not has_open then
    print("History: no reflection round (the plugin named reflection on the plugin path is not the bundled "
      .. "checklist; put the bundled plugins first to see one)")
    return
  end
  local term = "Summer " .. today:sub(1, 4)
  local r = assert(reflection.open { group = "Leadership Team", term = term })
  for k, m in ipairs(baton.groups.members("Leadership Team") or {}) do
    local item = {}
    for i = 1, r.items do
      item[i] = ("%d=%d"):format(i, 1 + (k * 7 + i * i * 3 + (m.role == "teacher" and i or 0)) % 4)
    end
    assert(reflection.answer { round = r.round, person = m.id, item = item })
  end
  local closed = assert(reflection.close { round = r.round })
  print(string.format("History: the leadership team's reflection round (%s), %d of %d answered, closed on %s",
    term, closed.answers, closed.members, today))
end

-- ---- rotation ----------------------------------------------------------------

local function plan_summary(plan, label)
  local meetings = plan.meetings or {}
  print(string.format("  %s: %d meetings, fairness bound %s %s%s", plan.group, #meetings,
    tostring(plan.fairness and plan.fairness.bound), plan.fairness and plan.fairness.met and "met" or "not met",
    label))
  local past, next_one = 0, nil
  for _, m in ipairs(meetings) do
    if m.date < today then past = past + 1 elseif not next_one then next_one = m end
  end
  if next_one then
    local a = next_one.assignments
    print(string.format("    %d past, next meeting %s: facilitator %s, note-taker %s, timekeeper %s", past,
      next_one.date, name_of(a.facilitator), name_of(a.notetaker), name_of(a.timekeeper)))
  end
end

-- This term began four weeks before the coming Monday, so its first
-- meetings are past (history in `rota show` and the dashboard) and the
-- rest upcoming; turns from last term count towards fairness.
local function rota()
  local monday = on_or_after(today, 1)
  local from, to = date.add(monday, -28), date.add(monday, 7 * 12 - 3)
  print(string.format("Rota: this term's meeting roles for two teams, %s to %s, saved (turns from last term count)",
    from, to))
  for i, plan in ipairs(plan_teams(from, to)) do plan_summary(plan, teams[i].label) end
end

-- ---- a change, part-way through Kotter's 8 steps ------------------------------

local function change()
  local kotter = baton.plugin("kotter")
  local principal = first { role = "principal" }
  local student = first { role = "student leader" }
  local aide = first { role = "aide" }
  local counsellor = first { role = "counsellor" }
  local support = first { role = "support staff" }
  local english = baton.groups.members("English PLC") or {}
  local lead = english[1] or first { role = "teacher" }
  for _, m in ipairs(english) do
    if m.role_in_group == "lead" then lead = m end
  end
  local title = "Reading in every subject"
  local init = assert(kotter.new { title = title, target = date.add(today, 240), by = principal.id })
  local id = tostring(init.id)
  local function step(n, status, owners, due)
    assert(kotter.step { initiative = id, step = tostring(n), status = status, owner = owners, due = due,
      by = principal.id })
  end
  local function evidence(n, days_ago, text, metric)
    assert(kotter.evidence { initiative = id, step = tostring(n), text = text, date = date.add(today, -days_ago),
      metric = metric, by = principal.id })
  end
  step(1, "done", { principal.id, student.id })
  evidence(1, 60, "Staff survey: 68% say students struggle with subject texts", { "agree=68" })
  evidence(1, 55, "Student council assembly on reading for every subject")
  assert(kotter.coalition { initiative = id, action = "add",
    ids = { principal.id, lead.id, aide.id, counsellor.id, support.id, student.id }, by = principal.id })
  step(2, "done", { lead.id, counsellor.id })
  evidence(2, 40, "Guiding coalition of six from five roles met for the first time")
  step(3, "in_progress", { lead.id, aide.id }, date.add(today, -3))
  evidence(3, 25, "First draft of the vision: every teacher a reading teacher")
  local s = assert(kotter.status { initiative = id })
  print(string.format("Change: '%s' (initiative %s), %d of 8 steps done, target %s", s.title, id, s.done or 0,
    s.target or "-"))
  for _, st in ipairs(s.steps or {}) do
    if st.status ~= "not_started" then
      print(string.format("  step %d %-32s %-12s %s", st.step, st.name, st.status,
        table.concat(st.owner_names or {}, ", ")))
    end
  end
  for _, w in ipairs(s.warnings or {}) do
    print("  warning: " .. (type(w) == "table" and (w.message or w.text or baton.json.encode(w)) or tostring(w)))
  end
end

-- ---- expertise: the map of who can help with what --------------------------------

-- The areas the demo school talks about, in the vocabulary's words.
local areas = { "formative assessment", "questioning", "classroom management", "literacy", "feedback",
  "differentiation", "wellbeing", "data literacy" }

local function ids_of(group)
  local out = {}
  for _, p in ipairs(baton.groups.members(group) or {}) do
    if p.active then out[#out + 1] = p.id end
  end
  table.sort(out)
  return out
end

-- Last term: the mentors declare strengths (a few two), colleagues endorse
-- them, people of other roles declare theirs (a counsellor's restorative
-- practice is held by nobody else: a pocket), and this year's mentees say
-- what they want to grow in, so the match can find who can help.
local function expertise_past()
  local ex = baton.plugin("expertise")
  local mentors, mentees = ids_of("mentors"), ids_of("mentees")
  local declared, endorsed, wanted = 0, 0, 0
  for k, id in ipairs(mentors) do
    local tags = { areas[(k - 1) % #areas + 1] }
    if k % 3 == 0 then tags[2] = areas[k % #areas + 1] end
    assert(ex.declare { person = id, tag = tags })
    declared = declared + #tags
    local by = mentors[k % #mentors + 1]
    if by ~= id then
      assert(ex.endorse { person = id, tag = tags[1], by = by })
      endorsed = endorsed + 1
    end
  end
  for role, tag in pairs { aide = "inclusion", counsellor = "restorative practice", ["student leader"] = "student voice" } do
    local p = first { role = role }
    if p then
      assert(ex.declare { person = p.id, tag = { tag } })
      declared = declared + 1
    end
  end
  for k, id in ipairs(mentees) do
    assert(ex.want { person = id, tag = { areas[(k - 1) % #areas + 1] } })
    wanted = wanted + 1
  end
  print(string.format("History: %d strengths declared and %d endorsed by colleagues, %d mentees say what they want "
    .. "to grow in (expertise)", declared, endorsed, wanted))
end

-- Now: what the change initiative needs, who can help with formative
-- assessment, the pockets and the gaps.
local function expertise()
  local ex = baton.plugin("expertise")
  local init = baton.plugin("kotter").list {}
  local reading = type(init) == "table" and init[1] and tostring(init[1].id) or nil
  assert(ex.needs { action = "add", tag = "literacy", initiative = reading, why = "every teacher a reading teacher" })
  assert(ex.needs { action = "add", tag = "eal support", initiative = reading, why = "readers new to English" })
  local h = assert(ex.helpers { tag = "formative assessment", limit = 3 })
  local best = {}
  for _, x in ipairs(h.helpers) do best[#best + 1] = string.format("%s (%s)", x.name or x.person, x.level) end
  print(string.format("Expertise: %d people can help with formative assessment, best placed %s", h.holders,
    table.concat(best, ", ")))
  local pockets, gaps = assert(ex.pockets {}), assert(ex.gaps {})
  local nobody = {}
  for _, g in ipairs(gaps) do
    if g.state == "nobody" then nobody[#nobody + 1] = g.tag end
  end
  print(string.format("  %d pockets (held by one person only); needed by the change and held by nobody: %s",
    #pockets, #nobody > 0 and table.concat(nobody, ", ") or "none"))
end

-- ---- coaching: identify, learn, improve ------------------------------------------

-- The teachers who are neither mentors nor mentees, to be coached.
local function coachees()
  local busy = {}
  for _, g in ipairs { "mentors", "mentees" } do
    for _, id in ipairs(ids_of(g)) do busy[id] = true end
  end
  local out = {}
  for _, p in ipairs(baton.people.find { role = "teacher" }) do
    if not busy[p.id] then out[#out + 1] = p.id end
  end
  table.sort(out)
  return out
end

-- Last term: three cycles. One met its goal and its teacher shared it (so
-- it counts as the coach's evidence on the expertise map), one stopped,
-- and one still open, quiet since: stalled now.
local function coaching_past()
  local coach = baton.plugin("coaching")
  local mentors, teachers = ids_of("mentors"), coachees()
  local function cycle(c, t, tag, goal, baseline, target, measures, outcome, shared)
    local id = assert(coach.start { teacher = t, coach = c, tag = tag }).cycle
    assert(coach.identify { cycle = id, person = c, goal = goal, measure = "% of students", baseline = baseline,
      target = target })
    assert(coach.learn { cycle = id, person = t, strategy = "modelled in a lesson, then tried", step = {
      "watch the coach model it", "try it with one class", "video a lesson" }, done = { 1 } })
    assert(coach.session { cycle = id, person = c, minutes = 40, note = "planned the first lesson together" })
    for _, v in ipairs(measures) do assert(coach.measure { cycle = id, person = t, value = v }) end
    if shared then assert(coach.share { cycle = id, person = t }) end
    if outcome then assert(coach.close { cycle = id, person = c, outcome = outcome }) end
  end
  cycle(mentors[1], teachers[1], areas[1], "every student shows an answer on a mini whiteboard", 30, 80,
    { 55, 85 }, "met", true)
  cycle(mentors[2], teachers[2], areas[2], "students ask each other why", 10, 50, { 20 }, "stopped", false)
  cycle(mentors[2], teachers[3], areas[2], "more students answer open questions", 20, 60, { 25 }, nil, false)
  print(string.format("History: 3 coaching cycles last term (one met and shared, one stopped, one still open)"))
end

-- Now: a coach suggested from the expertise map for a teacher who wants to
-- work on formative assessment, the cycle started, and the caseloads.
local function coaching()
  local coach = baton.plugin("coaching")
  local teacher = coachees()[4]
  if not teacher then return end
  local s = assert(coach.suggest { tag = areas[1], teacher = teacher })
  local pick = s.coaches[1]
  if not pick then return end
  local c = assert(coach.start { teacher = teacher, coach = pick.person, tag = s.tag })
  local load = assert(coach.caseload {})
  local stalled = assert(coach.stalled {})
  print(string.format("Coaching: cycle %d opened, %s coaches %s on %s (suggested: %s, caseload %d); %d open cycles, "
    .. "%d stalled", c.cycle, pick.name or pick.person, name_of(teacher), s.tag, pick.level, pick.caseload,
    load.balance.open, #stalled.stalled))
end

if part == "last-year" then last_year() end
if part == "last-term" then last_term() end
if part == "last-term" then last_reflection() end
if part == "all" or part == "mentoring" then mentoring() end
if part == "all" or part == "rota" then rota() end
if part == "all" or part == "change" then change() end
if part == "last-term" then expertise_past() end
if part == "last-term" then coaching_past() end
if part == "all" or part == "expertise" then expertise() end
if part == "all" or part == "coaching" then coaching() end
