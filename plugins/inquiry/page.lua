-- What the practice shows: a cycle as `inquiry show` prints it and as
-- JSON, the school's inquiry overview and a PLC's cycle board as the
-- dashboard's blocks (docs/plugins.md, "Pages, forms and access"), and
-- the leadership it counts. Renderers only: they get cycles as init.lua
-- assembles them (phases, evidence, meetings, findings, status `st`) and
-- read no store, except people's names through people_of.

local status = require("status")
local summary = require("summary")

local M = {}

--- s cut to n characters, with "…" when cut.
function M.shorten(s, n)
  s = tostring(s or "")
  if (utf8.len(s) or #s) <= n then return s end
  return s:sub(1, utf8.offset(s, n) - 1):gsub("%s+$", "") .. "…"
end

--- Only a web or mail address is offered as a link: anyone in a group
--- may record evidence.
function M.safe_link(url)
  return url and (url:match("^https?://") or url:match("^mailto:")) and url or nil
end

--- The people cycles name (leads, owners, who recorded), by id, in one query.
function M.people_of(cycles)
  local ids, seen = {}, {}
  local function add(id)
    if id and not seen[id] then
      seen[id] = true
      ids[#ids + 1] = id
    end
  end
  for _, c in ipairs(cycles) do
    add(c.lead)
    for _, p in ipairs(c.phases or {}) do
      for _, o in ipairs(p.owners) do add(o) end
    end
    for _, e in ipairs(c.evidence or {}) do add(e.by) end
    for _, m in ipairs(c.meetings or {}) do add(m.by) end
  end
  if #ids == 0 then return {} end
  return baton.people.get_many(ids) or {}
end

local function person(id, people)
  if not id then return nil end
  local p = people[id]
  if not p then return id end
  return ("%s %s%s"):format(id, p.name or "", p.role and (" (" .. p.role .. ")") or "")
end

local function phase_label(c, pos)
  for _, p in ipairs(c.phases) do
    if p.pos == pos then return ("%d %s"):format(p.pos, p.name) end
  end
  return tostring(pos)
end

-- ---- one cycle ------------------------------------------------------------------------

--- A cycle as `inquiry show --json` gives it.
function M.cycle_json(c, people)
  local phases = {}
  for i, p in ipairs(c.phases) do
    local owners = {}
    for k, o in ipairs(p.owners) do owners[k] = person(o, people) end
    phases[i] = { pos = p.pos, name = p.name, purpose = p.purpose, started = p.started, done = p.done,
      owners = p.owners, owner_names = owners, status = status.phase_status(c, p, c.st),
      evidence = c.st.evidence_by_phase[p.pos] or 0 }
  end
  local evidence, reviews = {}, {}
  for _, e in ipairs(c.evidence) do
    local row = { id = e.id, phase = phase_label(c, e.pos), date = e.date, kind = e.kind, text = e.text, link = e.link,
      by = e.by, summary = e.summary }
    if e.kind == "review" then
      reviews[#reviews + 1] = { id = e.id, phase = row.phase, date = e.date, looked_at = e.text, decided = e.decided,
        by = e.by }
    else
      evidence[#evidence + 1] = row
    end
  end
  local meetings = {}
  for i, m in ipairs(c.meetings) do
    meetings[i] = { id = m.id, phase = phase_label(c, m.pos), date = m.date, minutes = m.minutes,
      protected = m.protected, notes = m.notes, by = m.by }
  end
  local findings = {}
  for i, f in ipairs(c.findings) do findings[i] = f.text end
  return { cycle = c.id, group = c.group, question = c.question, topic = c.topic, model = c.model, lead = c.lead,
    lead_name = person(c.lead, people), opened = c.opened, closed = c.closed, open = c.open, current = c.current,
    from = c.parent, next = c.next, phases = phases, evidence = evidence, reviews = reviews, meetings = meetings,
    findings = findings, minutes = c.st.minutes, protected = c.st.protected, share = c.st.share,
    warnings = c.st.warnings }
end

--- `inquiry show` as text.
function M.cycle_text(v)
  baton.print(("Cycle %d, %s: %s"):format(v.cycle, v.group, v.question))
  baton.print(("  model %s%s; lead %s; opened %s%s%s%s"):format(v.model, v.topic and (", topic " .. v.topic) or "",
    v.lead_name or "nobody", v.opened, v.closed and (", closed " .. v.closed) or "",
    v.from and (", follows cycle " .. v.from) or "", v["next"] and (", led to cycle " .. v["next"]) or ""))
  baton.print(("  time: %d minutes in %d meeting%s, %d protected%s"):format(v.minutes, #v.meetings,
    #v.meetings == 1 and "" or "s", v.protected,
    v.share and (" (" .. v.share .. "%)") or ""))
  local t = {}
  for _, p in ipairs(v.phases) do
    t[#t + 1] = { ["#"] = p.pos, phase = p.name, status = p.status, owners = table.concat(p.owner_names, ", "),
      evidence = p.evidence }
  end
  baton.ui.table(t, { "#", "phase", "status", "owners", "evidence" })
  if #v.evidence > 0 then
    baton.print("Evidence:")
    for _, e in ipairs(v.evidence) do
      baton.print(("  %s [%s] %s%s%s"):format(e.date, e.phase, e.text, e.link and (" <" .. e.link .. ">") or "",
        e.summary and (": " .. summary.text(e.summary)) or ""))
    end
  end
  if #v.reviews > 0 then
    baton.print("Data reviews:")
    for _, r in ipairs(v.reviews) do
      baton.print(("  %s [%s] looked at: %s; decided: %s"):format(r.date, r.phase, r.looked_at, r.decided))
    end
  end
  if #v.meetings > 0 then
    baton.print("Meetings:")
    for _, m in ipairs(v.meetings) do
      baton.print(("  %s [%s] %d min, %s%s"):format(m.date, m.phase, m.minutes,
        m.protected and "protected" or "not protected", m.notes and (": " .. m.notes) or ""))
    end
  end
  if #v.findings > 0 then
    baton.print("Findings:")
    for i, f in ipairs(v.findings) do baton.print(("  %d. %s"):format(i, f)) end
  end
  for _, w in ipairs(v.warnings) do baton.print("warning: " .. w.message) end
end

-- ---- the dashboard's blocks -------------------------------------------------------------

-- A cycle as an item of the steps view.
local function item(c, people)
  local list = {}
  for _, p in ipairs(c.phases) do
    local owners = {}
    for k, o in ipairs(p.owners) do owners[k] = person(o, people) end
    local note = {}
    local n = c.st.evidence_by_phase[p.pos]
    if n then note[#note + 1] = ("%d piece%s of evidence"):format(n, n == 1 and "" or "s") end
    if p.done then note[#note + 1] = "done " .. p.done end
    local health = status.health(p.pos, c.st)
    if health then note[#note + 1] = health end
    list[#list + 1] = { name = ("%d. %s"):format(p.pos, p.name), status = status.phase_status(c, p, c.st),
      owners = owners, note = #note > 0 and table.concat(note, " · ") or nil }
  end
  return {
    title = ("#%d %s: %s"):format(c.id, c.group, c.question),
    subtitle = ("%s model%s · lead %s · %s · %d min logged, %d protected%s"):format(c.model,
      c.topic and (" · topic " .. c.topic) or "", person(c.lead, people) or "nobody",
      c.open and ("opened " .. c.opened) or ("closed " .. c.closed), c.st.minutes, c.st.protected,
      c.parent and (" · follows #" .. c.parent) or ""),
    steps = list,
  }
end

local function warnings_rows(cycles)
  local rows = {}
  for _, c in ipairs(cycles) do
    for _, w in ipairs(c.st.warnings) do
      rows[#rows + 1] = { cycle = ("#%d %s"):format(c.id, c.group), warning = w.message }
    end
  end
  return rows
end

local WARNINGS = { { key = "cycle", label = "Cycle" }, { key = "warning", label = "Warning" } }

--- The school's inquiry overview.
function M.overview(all, people, rules)
  local open, groups, minutes, protected, closed = {}, {}, 0, 0, {}
  local ngroups = 0
  for _, c in ipairs(all) do
    minutes, protected = minutes + c.st.minutes, protected + c.st.protected
    if c.open then
      open[#open + 1] = c
      if not groups[c.group] then
        groups[c.group] = true
        ngroups = ngroups + 1
      end
    else
      closed[#closed + 1] = c
    end
  end
  local warnings = warnings_rows(open)
  local blocks = {
    { view = "stats", items = {
      { label = "open cycles", value = #open, note = ("%d group%s inquiring"):format(ngroups, ngroups == 1 and "" or "s") },
      { label = "closed with findings", value = #closed },
      { label = "hours of inquiry", value = math.floor(minutes / 6 + 0.5) / 10,
        note = minutes > 0 and ("%d%% protected"):format(math.floor(protected * 100 / minutes + 0.5)) or "none logged" },
      { label = "warnings", value = #warnings,
        note = ("quiet after %d school weeks"):format(rules.weeks) },
    } },
  }
  if #all == 0 then
    blocks[#blocks + 1] = { view = "text", title = "No inquiry cycle yet",
      text = "A PLC opens one with its question (`baton inquiry open QUESTION --group GROUP`, or the form below); "
        .. "its members then log their meetings and evidence phase by phase." }
  end
  if #open > 0 then
    local items = {}
    for i, c in ipairs(open) do items[i] = item(c, people) end
    blocks[#blocks + 1] = { view = "steps", title = "Open cycles",
      caption = "Each cycle's phases, owners and evidence; the current phase of a cycle with no meeting for "
        .. rules.weeks .. " school weeks is stalled.", items = items }
  end
  if #warnings > 0 then
    blocks[#blocks + 1] = { view = "table", title = "Warnings", caption = "Where an inquiry is losing its way.",
      columns = WARNINGS, rows = warnings }
  end
  local time = {}
  for _, c in ipairs(all) do
    if c.st.minutes > 0 then
      time[#time + 1] = { cycle = ("#%d %s"):format(c.id, c.group), meetings = c.st.meetings,
        minutes = c.st.minutes, protected = c.st.protected, share = c.st.share .. "%" }
    end
  end
  if #time > 0 then
    blocks[#blocks + 1] = { view = "table", title = "Protected time against time spent",
      caption = "Minutes of meetings logged per cycle, and how many were time set aside for the group.",
      columns = { { key = "cycle", label = "Cycle" }, { key = "meetings", label = "Meetings" },
        { key = "minutes", label = "Minutes" }, { key = "protected", label = "Protected" },
        { key = "share", label = "Share" } }, rows = time }
  end
  if #closed > 0 then
    local rows = {}
    for _, c in ipairs(closed) do
      local f = {}
      for i, x in ipairs(c.findings) do f[i] = x.text end
      rows[#rows + 1] = { cycle = ("#%d %s"):format(c.id, c.group), question = c.question, closed = c.closed,
        findings = table.concat(f, " · "), next = c.next and ("#" .. c.next) or "" }
    end
    blocks[#blocks + 1] = { view = "table", title = "Findings",
      caption = "Closed cycles, what they found, and the cycle each led to.",
      columns = { { key = "cycle", label = "Cycle" }, { key = "question", label = "Question" },
        { key = "closed", label = "Closed" }, { key = "findings", label = "Findings" },
        { key = "next", label = "Next cycle" } }, rows = rows }
  end
  blocks[#blocks + 1] = { view = "commands", commands = { "open", "status" } }
  return { blocks = blocks }
end

--- A PLC's cycle board: for each cycle, its phases, evidence, data
--- reviews, meetings and findings, then the forms members record with.
function M.board(cycles, people, why)
  local blocks = {}
  if #cycles == 0 then
    blocks[1] = { view = "text", title = "No cycle to show",
      text = "No open inquiry cycle yet: a PLC opens one with `baton inquiry open QUESTION --group GROUP`." }
  else
    blocks[1] = { view = "text", title = "Cycle board", text = ("Showing %s. Add ?cycle=N or ?group=NAME to the "
      .. "page's data address for another."):format(why or ("cycle #" .. cycles[1].id)) }
  end
  for _, c in ipairs(cycles) do
    local v = M.cycle_json(c, people)
    blocks[#blocks + 1] = { view = "steps", title = ("Cycle #%d"):format(c.id), items = { item(c, people) } }
    local rows = {}
    for _, e in ipairs(v.evidence) do
      rows[#rows + 1] = { date = e.date, phase = e.phase, evidence = e.text .. (e.summary and (": " .. summary.text(e.summary)) or ""),
        link = M.safe_link(e.link) or (e.link and "(not a web address)") or "", by = person(e.by, people) or "" }
    end
    for _, r in ipairs(v.reviews) do
      rows[#rows + 1] = { date = r.date, phase = r.phase, evidence = ("data review: looked at %s; decided %s"):format(
        r.looked_at, r.decided), link = "", by = person(r.by, people) or "" }
    end
    table.sort(rows, function(a, b) return a.date > b.date end)
    if #rows > 0 then
      blocks[#blocks + 1] = { view = "table", title = ("Evidence of #%d"):format(c.id),
        caption = "Notes, links, data and data reviews, newest first.",
        columns = { { key = "date", label = "Date" }, { key = "phase", label = "Phase" },
          { key = "evidence", label = "Evidence" }, { key = "link", label = "Link" }, { key = "by", label = "By" } },
        rows = rows }
    end
    local meetings = {}
    for i = #v.meetings, 1, -1 do
      local m = v.meetings[i]
      meetings[#meetings + 1] = { date = m.date, phase = m.phase, minutes = m.minutes,
        protected = m.protected and "yes" or "no", notes = m.notes or "", by = person(m.by, people) or "" }
    end
    if #meetings > 0 then
      blocks[#blocks + 1] = { view = "table", title = ("Meetings of #%d"):format(c.id),
        caption = ("%d minutes, %d of them protected time."):format(v.minutes, v.protected),
        columns = { { key = "date", label = "Date" }, { key = "phase", label = "Phase" },
          { key = "minutes", label = "Minutes" }, { key = "protected", label = "Protected" },
          { key = "notes", label = "Minutes of the meeting" }, { key = "by", label = "By" } }, rows = meetings }
    end
    if #v.findings > 0 then
      blocks[#blocks + 1] = { view = "text", title = ("Findings of #%d"):format(c.id),
        text = table.concat(v.findings, "\n") .. (c.next and ("\nThey led to cycle #" .. c.next .. ".") or "") }
    end
    local warnings = warnings_rows({ c })
    if #warnings > 0 then
      blocks[#blocks + 1] = { view = "table", title = ("Warnings of #%d"):format(c.id), columns = WARNINGS,
        rows = warnings }
    end
  end
  blocks[#blocks + 1] = { view = "commands", commands = { "log", "evidence", "review", "phase", "close" } }
  return { blocks = blocks }
end

--- What the practice counts as leadership: leading a cycle, and owning a
--- phase, per person, most first; with `period`, only the cycles open at
--- some time in it (opened by its end, and not closed, or still open on
--- `today`, before its start).
function M.leadership(all, period, today)
  local count, order = {}, {}
  local function add(id)
    if not count[id] then order[#order + 1] = id end
    count[id] = (count[id] or 0) + 1
  end
  for _, c in ipairs(all) do
    if not period or (c.opened <= period.to and (c.closed or today) >= period.from) then
      if c.lead then add(c.lead) end
      for _, p in ipairs(c.phases) do
        for _, o in ipairs(p.owners) do add(o) end
      end
    end
  end
  table.sort(order, function(a, b) return count[a] > count[b] or (count[a] == count[b] and a < b) end)
  local roles = {}
  for i, id in ipairs(order) do roles[i] = { person = id, count = count[id] } end
  return { label = "inquiry cycles led and phases owned", role = "PLC inquiry lead", roles = roles, period = period }
end

return M
