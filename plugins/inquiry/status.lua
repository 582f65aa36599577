-- How an open cycle is doing, and the warnings that say when it is
-- losing its way. Each rule has a threshold (a setting, or a flag of
-- `inquiry status`):
--
--   quiet         no meeting logged for quiet_weeks (3) school weeks, counted
--                 in the school calendar's school days (5 a week); a school
--                 without a calendar counts every weekday
--   no evidence   a phase the cycle has passed (or marked done) with no
--                 evidence at all: no note, data or data review
--   protected     less than min_protected (50) % of the meeting time logged
--                 was time set aside for the group
--   no review     past half its phases with no data review recorded
--
-- Pure: it gets the cycle as init.lua loads it and a function counting
-- school days; it neither reads the store nor prints.

local M = {}

local function plural(n, one, many) return ("%d %s"):format(n, n == 1 and one or many) end

--- The figures and warnings of cycle `c` (with c.phases, c.evidence,
--- c.meetings) on `today`. `days(from, to)` counts the school days from
--- `from` to `to`, both included. `rules` = {weeks, min_protected}.
---@return {minutes: integer, protected: integer, share: integer|nil, meetings: integer, last_meeting: string|nil, quiet_days: integer, warnings: table[]}
function M.check(c, today, days, rules)
  local st = { minutes = 0, protected = 0, meetings = #c.meetings, warnings = {}, reviews = 0 }
  for _, m in ipairs(c.meetings) do
    st.minutes = st.minutes + m.minutes
    if m.protected then st.protected = st.protected + m.minutes end
    if not st.last_meeting or m.date > st.last_meeting then st.last_meeting = m.date end
  end
  st.share = st.minutes > 0 and math.floor(st.protected * 100 / st.minutes + 0.5) or nil
  local evidence = {}
  for _, e in ipairs(c.evidence) do
    evidence[e.pos] = (evidence[e.pos] or 0) + 1
    if e.kind == "review" then st.reviews = st.reviews + 1 end
  end
  st.evidence_by_phase = evidence
  if not c.open then return st end

  local function warn(rule, phase, message, command)
    st.warnings[#st.warnings + 1] = { rule = rule, phase = phase, message = message, command = command }
  end

  -- Quiet: the school days since the last meeting (or since the cycle
  -- opened), not counting that day.
  local since = st.last_meeting or c.opened
  st.quiet_days = since < today and days(baton.date.add(since, 1), today) or 0
  if st.quiet_days >= rules.weeks * 5 then
    warn("quiet", c.current, ("no meeting logged for %s (%s %s): when does the group meet next?")
      :format(plural(st.quiet_days // 5, "school week", "school weeks"),
        st.last_meeting and "last meeting" or "opened", since),
      ("baton inquiry log %d --minutes N"):format(c.id))
  end

  for _, p in ipairs(c.phases) do
    if (p.pos < c.current or p.done) and not evidence[p.pos] then
      warn("no_evidence", p.pos, ("phase %d '%s' was %s with no evidence: record what the group saw or did")
        :format(p.pos, p.name, p.done and "marked done" or "passed"),
        ("baton inquiry evidence %d \"...\" --phase %d"):format(c.id, p.pos))
    end
  end

  if rules.min_protected > 0 and st.minutes > 0 and st.protected * 100 < rules.min_protected * st.minutes then
    warn("protected", nil, ("%d%% of the %d minutes logged was protected time (%d of %d), less than %d%%: "
      .. "ask for time set aside for the group"):format(st.share, st.minutes, st.protected, st.minutes,
        rules.min_protected))
  end

  if st.reviews == 0 and c.current > (#c.phases + 1) // 2 then
    warn("no_review", c.current, ("phase %d of %d and no data review yet: record what the group looked at and "
      .. "what it decided"):format(c.current, #c.phases),
      ("baton inquiry review %d --looked-at \"...\" --decided \"...\""):format(c.id))
  end
  return st
end

local labels = { quiet = "quiet", no_evidence = "no evidence", no_review = "no data review" }

--- A phase's status in the dashboard's words: done (marked done, or left
--- behind), in-progress, stalled (the current phase of a quiet cycle),
--- not-started.
function M.phase_status(c, p, st)
  if p.done or p.pos < c.current or (not c.open and p.pos == c.current) then return "done" end
  if c.open and p.pos == c.current then
    for _, w in ipairs(st.warnings) do
      if w.rule == "quiet" then return "stalled" end
    end
    return "in-progress"
  end
  return "not-started"
end

--- A phase's warnings in a word or two, or nil.
function M.health(pos, st)
  local words = {}
  for _, w in ipairs(st.warnings) do
    if w.phase == pos and labels[w.rule] then words[#words + 1] = labels[w.rule] end
  end
  return #words > 0 and table.concat(words, ", ") or nil
end

return M
