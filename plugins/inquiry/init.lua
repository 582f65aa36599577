-- PLC and action-research cycles.
--
-- A professional learning community (any group of the staff list) opens a
-- cycle with a question (`inquiry open`) and works through the phases of
-- an inquiry model: the spiral of inquiry (scanning, focusing, developing
-- a hunch, learning, taking action, checking), plan-do-study-act, or the
-- school's own (`inquiry models import`). Each phase has owners from any
-- role (`inquiry phase`) and evidence: dated notes and links (`inquiry
-- evidence`), CSV data summarised (`inquiry data`) and data reviews, where
-- the group records what it looked at and what it decided (`inquiry
-- review`). Members log their meetings' time and whether it was protected
-- (`inquiry log`). Status (status.lua) says which cycles have gone quiet
-- for school weeks, which phases were passed without evidence, and how
-- much of the time spent was protected. A cycle closes with its findings
-- (`inquiry close`), which may open the next cycle; its lead and its
-- phases' owners are then credited with expertise in its topic (an event
-- the expertise practice listens for).
local models = require("models")
local page = require("page")
local status = require("status")
local store = require("store")
local summary = require("summary")

local M = {}

local function fail(fmt, ...) error(fmt:format(...), 0) end

-- ---- shared checks --------------------------------------------------------------

local function all_models() return models.all(store.models()) end

local function the_cycle(id)
  local c = store.cycle(id)
  if not c then fail("there is no cycle %d; `baton inquiry list` shows the cycles", id) end
  c.phases = store.phases(id)
  return c
end

local function check_open(c)
  if not c.open then
    fail("cycle %d (%s) closed on %s: it takes no more records; open the next one with `baton inquiry open "
      .. "QUESTION --group \"%s\" --from %d`", c.id, c.group, c.closed, c.group, c.id)
  end
end

local function the_phase(c, given, label)
  if not given then
    for _, p in ipairs(c.phases) do
      if p.pos == c.current then return p end
    end
  end
  local p, err = models.phase(c.phases, given, c.model)
  if not p then fail("%s: %s", label or "--phase", err) end
  return p
end

-- A record's date: today unless given; never after today, never before
-- the cycle opened.
local function the_date(given, c)
  local d = given or baton.today()
  if d > baton.today() then fail("--date %s is after today (%s): record what has happened", d, baton.today()) end
  if c and d < c.opened then fail("--date %s is before cycle %d opened (%s)", d, c.id, c.opened) end
  return d
end

local function text_of(s, what, max)
  s = (s or ""):match("^%s*(.-)%s*$")
  if s == "" then fail("%s is empty", what) end
  if utf8.len(s) == nil then fail("%s is not UTF-8 text", what) end
  if utf8.len(s) > max then fail("%s has %d characters; keep it under %d", what, utf8.len(s), max) end
  return s
end

local function member_of(group, person)
  for _, m in ipairs(baton.groups.members(group) or {}) do
    if m.id == person then return true end
  end
  return false
end

--- Who may record into cycle `c` (phase `p`, if the record has one): the
--- group's members, the cycle's lead and the phase's owners. Without --by
--- (the command line, the coordinator's own terminal) anyone.
local function check_recorder(c, by, p)
  if not by or member_of(c.group, by) or by == c.lead then return end
  if p then
    for _, o in ipairs(p.owners) do
      if o == by then return end
    end
  end
  fail("%s is not in %s, whose cycle %d this is: a cycle takes records from its group's members (see "
    .. "`baton groups list`), its lead%s", by, c.group, c.id, p and (" and the owners of phase '" .. p.name .. "'") or "")
end

local function log_event(kind, c, data, by)
  data.cycle, data.group = c.id, c.group
  baton.events.log { kind = kind, subject = tostring(c.id), data = data, actor = by }
end

-- ---- inquiry models -----------------------------------------------------------------

function M.models(args)
  store.ready()
  if args.action == "import" then
    if not args.file then baton.usage_error("import needs --file FILE (a CSV with the header model,phase[,purpose])") end
    local text, err = baton.fs.read(args.file)
    if not text then fail("cannot read %s: %s", args.file, err) end
    local rows, lines = baton.csv.decode(text, args.file)
    if not rows then fail("%s", lines) end
    local list = models.parse(rows, lines, args.file)
    store.save_models(list)
    local names = {}
    for i, m in ipairs(list) do names[i] = ("%s (%d phases)"):format(m.name, #m.phases) end
    baton.events.log { kind = "inquiry.models", data = { models = names } }
    baton.output({ imported = names }, function(v)
      baton.print(("Imported from %s: %s. New cycles may follow them with --model NAME."):format(args.file,
        table.concat(v.imported, ", ")))
    end)
    return
  end
  local default = baton.settings.get("default_model")
  local out = {}
  for _, m in ipairs(all_models()) do
    local phases = {}
    for i, p in ipairs(m.phases) do phases[i] = { pos = i, name = p.name, purpose = p.purpose } end
    out[#out + 1] = { name = m.name, title = m.title, builtin = m.builtin, default = m.name == default,
      phases = phases }
  end
  baton.output(out, function(v)
    for _, m in ipairs(v) do
      baton.print(("%s: %s%s%s"):format(m.name, m.title, m.builtin and "" or " (the school's)",
        m.default and " (the default)" or ""))
      for _, p in ipairs(m.phases) do
        baton.print(("  %d %-20s %s"):format(p.pos, p.name, p.purpose or ""))
      end
    end
  end)
end

-- ---- inquiry open / list / show ------------------------------------------------------

function M.open(args)
  store.ready()
  local question = text_of(args.question, "the question", 300)
  local name = args.model or baton.settings.get("default_model")
  local model, err = models.find(all_models(), name)
  if not model then fail("%s%s", args.model and "--model: " or "the default_model setting: ", err) end
  local topic = args.topic and text_of(args.topic, "--topic", 60):lower() or nil
  local opened = the_date(args.date)
  local members = baton.groups.members(args.group) or {}
  if #members == 0 then fail("group '%s' has no members; see `baton groups list`", args.group) end
  if args.by and not member_of(args.group, args.by) then
    fail("%s is not in %s: a group's members open its cycles (see `baton groups list`)", args.by, args.group)
  end
  local lead = args.lead
  if not lead then
    for _, m in ipairs(members) do
      if (m.role_in_group or ""):lower() == "lead" and m.active then lead = m.id end
    end
    lead = lead or args.by
  end
  local parent
  if args.from then
    parent = store.cycle(args.from)
    if not parent then fail("--from %d: there is no cycle %d; `baton inquiry list` shows the cycles", args.from, args.from) end
    if parent.open then
      fail("--from %d: cycle %d is still open; close it with its findings first (`baton inquiry close %d --finding "
        .. "TEXT --next QUESTION` opens this one too)", args.from, args.from, args.from)
    end
  end
  local id = store.open({ group = args.group, question = question, topic = topic, model = model.name, lead = lead,
    opened = opened, parent = args.from }, model.phases)
  local c = the_cycle(id)
  log_event("inquiry.open", c, { question = question, model = model.name, topic = topic, lead = lead,
    from = args.from, date = opened }, args.by)
  baton.output({ cycle = id, group = args.group, question = question, model = model.name, topic = topic, lead = lead,
    opened = opened, from = args.from, phase = c.phases[1].name }, function(v)
    baton.print(("Cycle %d opened for %s (%s model%s): %s"):format(v.cycle, v.group, v.model,
      v.topic and (", topic " .. v.topic) or "", v.question))
    baton.print(("It starts in phase 1, %s; lead: %s. Members log their time with `baton inquiry log %d --minutes N`.")
      :format(v.phase, v.lead or "nobody yet (give --lead)", v.cycle))
  end)
end

-- A cycle with everything the status and the board need.
local function full(c)
  c.evidence = store.evidence(c.id)
  c.meetings = store.meetings(c.id)
  c.findings = store.findings(c.id)
  local child = store.child(c.id)
  c.next = child and child.id or nil
  return c
end

-- School days from..to; without a school calendar, every weekday.
local function school_days(from, to)
  local terms = baton.terms.list() or {}
  if #terms > 0 then return (baton.terms.school_days(from, to)) end
  local n, d = 0, from
  while d <= to do
    if baton.date.weekday(d) <= 5 then n = n + 1 end
    d = baton.date.add(d, 1)
  end
  return n
end

local function rules(weeks)
  return { weeks = weeks or baton.settings.get("quiet_weeks"), min_protected = baton.settings.get("min_protected") }
end

--- Cycle `c` with its status (c.st) on today.
local function assess(c, weeks)
  full(c)
  c.st = status.check(c, baton.today(), school_days, rules(weeks))
  return c
end

local function phase_name(c, pos)
  for _, p in ipairs(c.phases) do
    if p.pos == pos then return p.name end
  end
  return tostring(pos)
end

function M.list(args)
  store.ready()
  local rows = {}
  for _, c in ipairs(store.cycles(args.group, args.open)) do
    c.phases = store.phases(c.id)
    assess(c)
    rows[#rows + 1] = { cycle = c.id, group = c.group, question = c.question, topic = c.topic, model = c.model,
      lead = c.lead, opened = c.opened, closed = c.closed,
      phase = c.open and ("%d %s"):format(c.current, phase_name(c, c.current)) or "closed",
      minutes = c.st.minutes, protected = c.st.protected, from = c.parent, next = c.next }
  end
  baton.output(rows, function(v)
    if #v == 0 then
      baton.print("No cycles" .. (args.group and (" for " .. args.group) or "") .. ". Open one with "
        .. "`baton inquiry open QUESTION --group GROUP`.")
      return
    end
    local t = {}
    for _, r in ipairs(v) do
      t[#t + 1] = { ["#"] = r.cycle, group = r.group, phase = r.phase, time = ("%d min (%d protected)"):format(r.minutes,
        r.protected), question = page.shorten(r.question, 50) }
    end
    baton.ui.table(t, { "#", "group", "phase", "time", "question" })
  end)
end

function M.show(args)
  store.ready()
  local c = assess(the_cycle(args.cycle))
  local people = page.people_of({ c })
  baton.output(page.cycle_json(c, people), function(v) page.cycle_text(v) end)
end

-- ---- recording: phase, log, evidence, data, review --------------------------------------

function M.phase(args)
  store.ready()
  local c = the_cycle(args.cycle)
  check_open(c)
  local p = the_phase(c, args.phase, "PHASE")
  check_recorder(c, args.by, p)
  local date = the_date(args.date, c)
  if args.done and p.done then
    fail("phase %d '%s' of cycle %d was marked done on %s already", p.pos, p.name, c.id, p.done)
  end
  local moved_to = p.pos
  if args.done and p.pos < #c.phases then moved_to = p.pos + 1 end
  store.update_phase(c.id, p.pos, { owners = args.owner, done = args.done and date or nil, move_to = moved_to,
    date = date }, function() check_open(store.cycle(c.id)) end)
  c = the_cycle(c.id)
  local owners = c.phases[p.pos].owners
  local data = { phase = p.name, pos = p.pos, owners = owners, done = args.done or nil, now = moved_to, date = date }
  if args.done and c.topic and #owners > 0 then
    data.expertise = {}
    for _, o in ipairs(owners) do
      data.expertise[#data.expertise + 1] = { person = o, tag = c.topic,
        what = ("led the '%s' phase of a PLC inquiry cycle on %s"):format(p.name, c.topic) }
    end
  end
  log_event("inquiry.phase", c, data, args.by)
  baton.output({ cycle = c.id, phase = p.name, pos = p.pos, owners = owners, done = args.done,
    current = moved_to, current_name = phase_name(c, moved_to) }, function(v)
    if v.done then
      baton.print(("Cycle %d: phase %d '%s' done; now in phase %d '%s'."):format(v.cycle, v.pos, v.phase, v.current,
        v.current_name))
    else
      baton.print(("Cycle %d is in phase %d '%s'."):format(v.cycle, v.current, v.current_name))
    end
    if #v.owners > 0 then
      baton.print(("Owners of '%s': %s"):format(v.phase, table.concat(v.owners, ", ")))
    end
  end)
end

function M.log(args)
  store.ready()
  local c = the_cycle(args.cycle)
  check_open(c)
  local p = the_phase(c, args.phase)
  check_recorder(c, args.by, p)
  local date = the_date(args.date, c)
  local notes = args.notes and text_of(args.notes, "--notes", 2000) or nil
  local id = store.add_meeting({ cycle = c.id, pos = p.pos, date = date, minutes = args.minutes,
    protected = args.protected, notes = notes, by = args.by }, function() check_open(store.cycle(c.id)) end)
  log_event("inquiry.log", c, { meeting = id, phase = p.name, date = date, minutes = args.minutes,
    protected = args.protected }, args.by)
  local st = assess(c).st
  baton.output({ cycle = c.id, meeting = id, phase = p.name, date = date, minutes = args.minutes,
    protected = args.protected, total = st.minutes, total_protected = st.protected }, function(v)
    baton.print(("Cycle %d: %d minutes logged on %s (%s), phase '%s'. In all: %d minutes, %d protected.")
      :format(v.cycle, v.minutes, v.date, v.protected and "protected time" or "not protected", v.phase, v.total,
        v.total_protected))
  end)
end

local function record(args, e, label)
  store.ready()
  local c = the_cycle(args.cycle)
  check_open(c)
  local p = the_phase(c, args.phase)
  check_recorder(c, args.by, p)
  e.cycle, e.pos, e.by, e.date = c.id, p.pos, args.by, the_date(args.date, c)
  local id = store.add_evidence(e, function() check_open(store.cycle(c.id)) end)
  log_event("inquiry." .. label, c, { evidence = id, phase = p.name, date = e.date, text = e.text, link = e.link,
    decided = e.decided, summary = e.summary }, args.by)
  return c, p, id, e
end

function M.evidence(args)
  local link = args.link and text_of(args.link, "--link", 500) or nil
  local c, p, id, e = record(args, { kind = "note", text = text_of(args.text, "the evidence", 1000), link = link },
    "evidence")
  if link and not page.safe_link(link) then
    baton.log.warn(("--link %s is not a web or mail address: it is kept as text, not offered as a link"):format(link))
  end
  baton.output({ cycle = c.id, evidence = id, phase = p.name, date = e.date, text = e.text, link = link }, function(v)
    baton.print(("Evidence #%d recorded for cycle %d, phase '%s' (%s)."):format(v.evidence, v.cycle, v.phase, v.date))
  end)
end

function M.data(args)
  local text, err = baton.fs.read(args.file)
  if not text then fail("cannot read %s: %s", args.file, err) end
  local rows, lines = baton.csv.decode(text, args.file)
  if not rows then fail("%s", lines) end
  if #rows < 2 then fail("%s has no rows under its header: nothing to summarise", args.file) end
  local s = summary.of(rows)
  local note = args.note and text_of(args.note, "--note", 300) or nil
  local name = args.file:match("([^/]+)$")
  local c, p, id, e = record(args, { kind = "data", text = note and (note .. " (" .. name .. ")") or name, summary = s },
    "data")
  baton.output({ cycle = c.id, evidence = id, phase = p.name, date = e.date, file = name, summary = s }, function(v)
    baton.print(("Data #%d recorded for cycle %d, phase '%s': %s: %s."):format(v.evidence, v.cycle, v.phase, v.file,
      summary.text(v.summary)))
    if #v.summary.other > 0 then
      baton.print("Not numeric (not summarised): " .. table.concat(v.summary.other, ", "))
    end
  end)
end

function M.review(args)
  local c, p, id, e = record(args, { kind = "review", text = text_of(args.looked_at, "--looked-at", 1000),
    decided = text_of(args.decided, "--decided", 1000) }, "review")
  baton.output({ cycle = c.id, review = id, phase = p.name, date = e.date, looked_at = e.text, decided = e.decided },
    function(v)
      baton.print(("Data review #%d recorded for cycle %d, phase '%s' (%s)."):format(v.review, v.cycle, v.phase, v.date))
    end)
end

-- ---- closing with findings ----------------------------------------------------------------

function M.close(args)
  store.ready()
  local c = the_cycle(args.cycle)
  check_open(c)
  check_recorder(c, args.by)
  if #args.finding == 0 then
    baton.usage_error(("say what cycle %d found: --finding TEXT (repeat for each); --next QUESTION opens the cycle "
      .. "the findings lead to"):format(c.id))
  end
  local findings = {}
  for i, f in ipairs(args.finding) do findings[i] = text_of(f, ("--finding %d"):format(i), 1000) end
  local next_q = args["next"] and text_of(args["next"], "--next", 300) or nil
  local date = the_date(args.date, c)
  full(c)
  local warnings = status.check(c, date, school_days, rules()).warnings
  local next_cycle
  if next_q then
    next_cycle = { group = c.group, question = next_q, topic = c.topic, model = c.model, lead = c.lead, opened = date,
      parent = c.id, phases = {} }
    for i, p in ipairs(c.phases) do next_cycle.phases[i] = { name = p.name, purpose = p.purpose } end
  end
  local next_id = store.close(c.id, date, findings, function() check_open(store.cycle(c.id)) end, next_cycle)
  local data = { findings = findings, date = date, topic = c.topic, lead = c.lead, next = next_id }
  if c.topic and c.lead then
    data.expertise = { { person = c.lead, tag = c.topic, what = "led a PLC inquiry cycle on " .. c.topic } }
  end
  log_event("inquiry.close", c, data, args.by)
  if next_id then
    log_event("inquiry.open", store.cycle(next_id), { question = next_q, model = c.model, topic = c.topic,
      lead = c.lead, from = c.id, date = date }, args.by)
  end
  local unreviewed = {}
  for _, w in ipairs(warnings) do
    if w.rule == "no_evidence" or w.rule == "no_review" then unreviewed[#unreviewed + 1] = w.message end
  end
  baton.output({ cycle = c.id, closed = date, findings = findings, next = next_id, credited = data.expertise,
    gaps = unreviewed }, function(v)
    baton.print(("Cycle %d closed on %s with %d finding%s."):format(v.cycle, v.closed, #v.findings,
      #v.findings == 1 and "" or "s"))
    for _, g in ipairs(v.gaps) do baton.print("  note: " .. g) end
    if v.credited then
      baton.print(("Credited as expertise in '%s': %s (the lead)."):format(c.topic, v.credited[1].person))
    end
    if v.next then
      baton.print(("Cycle %d opened from its findings: %s"):format(v.next, next_q))
    end
  end)
end

-- ---- status -----------------------------------------------------------------------------

function M.status(args)
  store.ready()
  local list
  if args.cycle then
    list = { the_cycle(args.cycle) }
  else
    list = store.cycles(args.group, true)
    for _, c in ipairs(list) do c.phases = store.phases(c.id) end
  end
  local out = {}
  for _, c in ipairs(list) do
    assess(c, args.weeks)
    out[#out + 1] = { cycle = c.id, group = c.group, question = c.question, open = c.open,
      phase = ("%d %s"):format(c.current, phase_name(c, c.current)), of = #c.phases,
      minutes = c.st.minutes, protected = c.st.protected, share = c.st.share, meetings = c.st.meetings,
      last_meeting = c.st.last_meeting, quiet_days = c.st.quiet_days, reviews = c.st.reviews,
      warnings = c.st.warnings }
  end
  local calendar = #(baton.terms.list() or {}) > 0
  baton.output({ today = baton.today(), weeks = args.weeks or baton.settings.get("quiet_weeks"), calendar = calendar,
    cycles = out }, function(v)
    if #v.cycles == 0 then
      baton.print("No open cycles. Open one with `baton inquiry open QUESTION --group GROUP`.")
      return
    end
    if not v.calendar then
      baton.print("(No school calendar: every weekday counts as a school day; `baton terms import FILE` adds one.)")
    end
    for _, s in ipairs(v.cycles) do
      baton.print(("Cycle %d, %s: %s"):format(s.cycle, s.group, s.question))
      baton.print(("  %s; phase %s of %d; %d meeting%s, %d minutes, %d protected%s; last meeting %s; %d data review%s")
        :format(s.open and "open" or "closed", s.phase, s.of, s.meetings, s.meetings == 1 and "" or "s", s.minutes,
          s.protected, s.share and (" (" .. s.share .. "%)") or "", s.last_meeting or "none", s.reviews,
          s.reviews == 1 and "" or "s"))
      for _, w in ipairs(s.warnings) do
        baton.print("  warning: " .. w.message .. (w.command and ("  (" .. w.command .. ")") or ""))
      end
    end
  end)
end

-- ---- the pages and the routes ---------------------------------------------------------------

-- Every cycle, each assessed (open ones with warnings).
local function everything()
  store.ready()
  local all = store.cycles()
  for _, c in ipairs(all) do
    c.phases = store.phases(c.id)
    assess(c)
  end
  return all
end

local function overview()
  local all = everything()
  return page.overview(all, page.people_of(all), rules())
end

-- The board: ?cycle=N, else ?group=NAME's cycles, else the open cycles of
-- the groups the signed-in person is in, else every open cycle.
local function board(req)
  local all = everything()
  local chosen, why = {}, nil
  local wanted = req.query.cycle and math.tointeger(tonumber(req.query.cycle))
  if req.query.cycle then
    for _, c in ipairs(all) do
      if c.id == wanted then chosen[1] = c end
    end
    if #chosen == 0 then
      return { error = { status = 404, message = ("there is no cycle '%s'"):format(req.query.cycle) } }, 404
    end
  elseif req.query.group then
    for _, c in ipairs(all) do
      if c.group == req.query.group then chosen[#chosen + 1] = c end
    end
    why = ("the cycles of %s"):format(req.query.group)
  else
    local mine = req.user and req.user.person
    if mine then
      for _, c in ipairs(all) do
        if c.open and member_of(c.group, mine) then chosen[#chosen + 1] = c end
      end
      why = #chosen > 0 and "the open cycles of your groups" or nil
    end
    if #chosen == 0 then
      for _, c in ipairs(all) do
        if c.open then chosen[#chosen + 1] = c end
      end
      why = "every open cycle"
    end
  end
  return page.board(chosen, page.people_of(chosen), why)
end

-- The leadership held here: leading a cycle, and owning a phase, counted
-- per person; with ?from=&to=, only cycles that were open in that period.
local function leadership(req)
  store.ready()
  local from, to = req.query.from, req.query.to
  local period = nil
  if from and to and baton.date.valid(from) and baton.date.valid(to) and from <= to then
    period = { from = from, to = to }
  end
  local all = store.cycles()
  for _, c in ipairs(all) do c.phases = store.phases(c.id) end
  return page.leadership(all, period, baton.today())
end

M.routes = {}
local function route(path, handler)
  M.routes[path] = handler
  -- Cycles change with every record and with the date (a cycle goes quiet).
  baton.http.route("GET", path, handler, { cache = false })
end
route("/api/inquiry/overview", overview)
route("/api/inquiry/board", board)
route("/api/inquiry/leadership", leadership)

return M
