-- scripts/demo.lua: run the three bundled practices on the sample school.
--
--   baton run scripts/demo.lua [--part all|mentoring|rota|change|last-year|last-term|recognition]
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
    values = { "all", "mentoring", "rota", "change", "inquiry", "recognition", "expertise", "coaching", "equity",
      "last-year", "last-term" } },
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

-- The spread of leadership last school year (plugins/equity), kept as a
-- snapshot once last year's mentoring cohort is paired, so the Spread of
-- leadership page and `equity report` compare this year with last. The
-- demo has no school calendar, so the periods are school years (from 1
-- September), named after the demo's real day (a year on). It reads every
-- practice's counts: the run needs `leadership.read`.
local function last_equity()
  local real = date.add(today, 372)
  local y = tonumber(real:sub(1, 4)) - (real:sub(6) < "09-01" and 1 or 0)
  local r, err = baton.plugin("equity").snapshot { term = ("%d-%d"):format(y - 1, y) }
  if not r then
    print("History: no snapshot of the spread of leadership (" .. tostring(err) .. ")")
    return
  end
  print(string.format("History: the spread of leadership in %s kept on %s: %d of %d people held a role, "
    .. "concentration index %.2f", r.period.name, today, r.figures.holders, r.figures.people, r.figures.gini))
end

-- ---- recognition: thanks across every role -----------------------------------

-- The school's thanks (plugins/recognition): some from last school year,
-- more from this term (which began four weeks ago, as the rota's did), in
-- every direction between roles, a few linked to a practice, and one the
-- coordinator hid. Each is dated in the past with `date`, so the board,
-- the spread and the nudges have a history on the first day. The people
-- are found by role, so any sample school (--size, --seed) works.
local function recognition()
  local thanks = baton.plugin("recognition")
  local by_role = {}
  for _, p in ipairs(baton.people.find {}) do
    by_role[p.role] = by_role[p.role] or {}
    table.insert(by_role[p.role], p.id)
  end
  local function who(role, n)
    local list = by_role[role] or by_role.teacher
    return list[(n - 1) % #list + 1]
  end
  local plc
  for _, g in ipairs(baton.groups.list()) do
    if g.kind == "plc" and not plc then plc = g.name end
  end
  local pairs_now = assert(baton.plugin("mentoring").list { active = true })
  local pair = pairs_now[1] and ("pair:%s/%s"):format(pairs_now[1].mentor:match("^%S+"), pairs_now[1].mentee:match("^%S+"))
  local posts = {
    -- last school year
    { -330, who("teacher", 3), who("aide", 1), "for the calm start to every lesson in the Learning Support room" },
    { -300, who("principal", 1), who("support staff", 1), "for keeping the heating on through the cold snap" },
    { -260, who("student leader", 1), who("counsellor", 1), "for listening to the student council" },
    { -200, who("teacher", 5), who("teacher", 2), "for sharing your unit plans with the whole PLC", plc and ("group:" .. plc) },
    { -150, who("aide", 2), who("assistant principal", 1), "for the new cover rota" },
    -- this term
    { -25, who("teacher", 1), who("student leader", 2), "for running the Year 7 buddy lunch" },
    { -20, who("counsellor", 1), who("teacher", 4), "for the wellbeing check-ins", plc and ("group:" .. plc) },
    { -16, who("support staff", 2), who("teacher", 6), "for helping move the library" },
    { -12, who("assistant principal", 1), who("aide", 2), "for leading the reading group", "change:reading-in-every-subject/1" },
    { -9, who("teacher", 2), who("teacher", 1), "for a term of Tuesday meetings", pair },
    { -6, who("principal", 1), who("student leader", 1), "for the assembly on reading in every subject" },
    { -4, who("student leader", 3), who("teacher", 7), "for finally doing some work, ha", hide = true },
    { -2, who("aide", 1), who("principal", 1), "for covering my break duty" },
  }
  local last
  for _, p in ipairs(posts) do
    last = assert(thanks.post { from = p[2], to = p[3], message = p[4], link = p[5], date = date.add(today, p[1]) })
    if p.hide then
      assert(thanks.hide { id = last.id, reason = "sarcastic, at a colleague's expense; spoke to the author" })
    end
  end
  local s = assert(thanks.spread { from = date.add(today, -28), to = today })
  local n = assert(thanks.nudges {})
  print(string.format("Recognition: %d thanks (%d last year, %d this term, 1 hidden); this term %d colleagues "
    .. "thanked across %d of %d roles; %d not thanked for %d weeks (the coordinator's nudges)", #posts, 5,
    #posts - 5, s.thanked, s.roles_reached, #s.roles, #n.quiet, n.weeks))
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

-- ---- inquiry: last year's PLC cycle closed with findings, this year's part-way ---

-- The Mathematics PLC's cycle on formative assessment (plugins/inquiry):
-- last year's closed two months ago with findings that opened this
-- year's, now in its third phase with meetings every week or two; the
-- English PLC's plan-do-study-act cycle has gone quiet, mostly in time
-- nobody set aside. Every record is dated back with `date`, so the part
-- runs on the real day (the demo has no school calendar: every weekday
-- counts as a school day).
local function inquiry()
  local plugin = baton.plugin("inquiry")
  local function who(group)
    local lead, others = nil, {}
    for _, m in ipairs(baton.groups.members(group) or {}) do
      if m.role_in_group == "lead" then lead = m else others[#others + 1] = m end
    end
    return lead or others[1], others
  end
  local lead, maths = who("Mathematics PLC")
  if not lead then return print("Inquiry: no Mathematics PLC in this school") end
  local aide = first { role = "aide" }
  for _, m in ipairs(maths) do
    if m.role == "aide" then aide = m end
  end
  local counsellor = first { role = "counsellor" }
  local function ago(days) return date.add(today, -days) end
  local c = assert(plugin.open { question = "How do our Year 9s act on written feedback?", group = "Mathematics PLC",
    topic = "formative assessment", date = ago(300) }).cycle
  local function phase(cycle, name, owners, days) -- marks it done, `days` ago
    assert(plugin.phase { cycle = cycle, phase = name, owner = owners, done = true, date = ago(days) })
  end
  local function log(cycle, days, minutes, protected, notes)
    assert(plugin.log { cycle = cycle, minutes = minutes, protected = protected, notes = notes, date = ago(days) })
  end
  local function note(cycle, days, text, link)
    assert(plugin.evidence { cycle = cycle, text = text, link = link, date = ago(days) })
  end
  log(c, 296, 60, true, "What is going on for our Year 9s? Each brings three students' books")
  note(c, 290, "Student interviews: 9 of 12 read the comment, 2 acted on it")
  phase(c, "scanning", { lead.id, counsellor.id }, 285)
  log(c, 280, 45, true, "Chose feedback uptake as the focus")
  note(c, 278, "Focus agreed: students acting on feedback in Year 9")
  phase(c, "focusing", { lead.id }, 270)
  log(c, 250, 50, false, "Our hunch: comments come too late to use")
  note(c, 245, "Hunch: feedback arrives after the topic has moved on")
  phase(c, "developing a hunch", { maths[1] and maths[1].id or lead.id }, 240)
  assert(plugin.review { cycle = c, looked_at = "Exit tickets of 4 classes, weeks 1-6",
    decided = "Try 10 minutes of feedback time at the start of the next lesson", date = ago(236) })
  phase(c, "learning", { aide.id }, 200)
  log(c, 180, 60, true, "Feedback time in all Year 9 classes; what we saw")
  note(c, 170, "Lesson visits: feedback time in 11 of 12 lessons", "https://example.org/riverhill/feedback-visits")
  phase(c, "taking action", { lead.id, aide.id }, 120)
  assert(plugin.review { cycle = c, looked_at = "End-of-unit results against last year's cohort",
    decided = "Keep feedback time; find out who it helps least", date = ago(75) })
  phase(c, "checking", { lead.id }, 62)
  local closed = assert(plugin.close { cycle = c, date = ago(60),
    finding = { "Students act on feedback when lesson time is given to it", "Written comments alone changed little" },
    next = "Does feedback time help the students who struggle most?" })
  local n = closed.next
  log(n, 33, 45, true, "Who struggles most? Each brings the work of their three lowest scorers")
  note(n, 31, "Counsellor's view: the students who struggle most rarely ask for help in class")
  phase(n, "scanning", { lead.id, counsellor.id }, 30)
  log(n, 23, 50, true, "Focus: the 18 students with the lowest end-of-unit scores")
  note(n, 20, "Tracked 18 students with the lowest scores: 5 used feedback time well")
  phase(n, "focusing", { aide.id }, 16)
  log(n, 16, 40, true)
  log(n, 9, 45, false, "Hunch: the feedback is too long for them to start on")
  log(n, 2, 55, true)
  assert(plugin.phase { cycle = n, phase = "developing a hunch", owner = { maths[2] and maths[2].id or lead.id } })
  local english = who("English PLC")
  local e = assert(plugin.open { question = "Do short retrieval starters help Year 7 recall?", group = "English PLC",
    model = "pdsa", topic = "retrieval practice", lead = english and english.id, date = ago(45) }).cycle
  phase(e, "plan", english and { english.id } or {}, 40)
  log(e, 42, 30, false)
  log(e, 34, 40, false)
  log(e, 30, 20, true)
  local warnings = 0
  for _, x in ipairs(assert(plugin.status {}).cycles) do
    if x.cycle == e then warnings = #x.warnings end
  end
  print(string.format("Inquiry: the Mathematics PLC's cycle %d on formative assessment closed %s with %d findings; "
    .. "cycle %d follows them, in phase 3; the English PLC's cycle %d has %d warnings (quiet, little protected time)",
    c, ago(60), #closed.findings, n, e, warnings))
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

-- ---- equity: the spread of leadership across every practice ------------------

-- Last, once every practice has its present: the picture equity draws from
-- them all, against last year's snapshot (needs `leadership.read`).
local function equity()
  local r, err = baton.plugin("equity").report {}
  if not r then return print("Equity: no report (" .. tostring(err) .. ")") end
  local f = r.figures
  print(string.format("Equity: %d of %d people hold a leadership role this year; the top 10%% hold %d%%; "
    .. "concentration index %.2f%s", f.holders, f.people, math.floor(f.top_share * 100 + 0.5), f.gini,
    f.gini > r.threshold and (" (above the school's threshold, %.2f: the overview warns)"):format(r.threshold) or ""))
end

if part == "last-year" then last_year() end
if part == "last-year" then last_equity() end
if part == "last-term" then last_term() end
if part == "last-term" then last_reflection() end
if part == "all" or part == "mentoring" then mentoring() end
if part == "all" or part == "rota" then rota() end
if part == "all" or part == "change" then change() end
if part == "all" or part == "inquiry" then inquiry() end
if part == "all" or part == "recognition" then recognition() end
if part == "last-term" then expertise_past() end
if part == "last-term" then coaching_past() end
if part == "all" or part == "expertise" then expertise() end
if part == "all" or part == "coaching" then coaching() end
if part == "all" or part == "equity" then equity() end
