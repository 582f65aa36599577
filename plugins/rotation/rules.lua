-- The rules of a saved rota, for the commands that change or explain one
-- turn (swap, repair, why): what a change would break, the compensating
-- swap, which turns a repair reopens, and why someone holds a turn. Pure:
-- nothing here reads the store or prints.

local scheduler = require("scheduler")

local M = {}

--- The number of the meeting on `date` in a saved rota; raises if none.
---@param settings table
---@param date string
---@return integer
function M.meeting(settings, date)
  for t, d in ipairs(settings.meetings) do
    if d == date then return t end
  end
  error(("no meeting on %s in the saved rota (meetings: %s ... %s)"):format(date,
    settings.meetings[1], settings.meetings[#settings.meetings]), 0)
end

--- The number of `role` in a saved rota; raises if none.
---@param settings table
---@param role string
---@return integer
function M.role(settings, role)
  local lower = {}
  for r, name in ipairs(settings.roles) do
    if name == role then return r end
    lower[r] = name:lower()
  end
  for r, name in ipairs(lower) do
    if name == role:lower() then return r end -- "Facilitator" for facilitator
  end
  local near = baton.suggest(role:lower(), lower)
  error(("no role '%s' in the saved rota%s (roles: %s)"):format(role, near and ("; did you mean '" .. near .. "'?") or "",
    table.concat(settings.roles, ", ")), 0)
end

--- What giving (t, r) to person q in the rota would break: the hard rules
--- (eligibility, absence, one role per meeting) and the soft one (the
--- minimum gap), as sentences.
---@param prob table
---@param assign table
---@param t integer
---@param r integer
---@param q integer
---@param gap integer the minimum gap
---@return string[] hard
---@return string[] soft
function M.check(prob, assign, t, r, q, gap)
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

--- The compensating swap after (t, r) went from p to q: a later turn of
--- q's in the same role, from `today` on, that p can take without
--- breaking any rule, so both counts come back to where they were.
---@param prob table
---@param assign table the rota with the swap made
---@param t integer
---@param r integer
---@param p integer who held the turn
---@param q integer who holds it now
---@param gap integer the minimum gap
---@param today string
---@return {date: string, role: string, to: string}|nil
function M.compensating_swap(prob, assign, t, r, p, q, gap, today)
  for s = 1, #prob.meetings do
    if s ~= t and prob.meetings[s] >= today and assign[s][r] == q then
      local hard, soft = M.check(prob, assign, s, r, p, gap)
      if #hard == 0 and #soft == 0 then
        return { date = prob.meetings[s], role = prob.roles[r], to = prob.people[p].id }
      end
    end
  end
  return nil
end

--- What a repair keeps and what it decides again: every turn that still
--- holds is fixed; future turns that broke (and future empty ones, which
--- may now be fillable) are open.
---@param prob table
---@param assign table the saved rota
---@param today string
---@return table fixed fixed[t][r] = p
---@return table open open[t][r] = true
---@return {t: integer, r: integer, was: integer, why: string}[] broken
function M.reopen(prob, assign, today)
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
  return fixed, open, broken
end

--- The changes a repair makes: each broken turn's new holder (or why it
--- stays empty), and each open empty slot it fills; in date order, with
--- the slot rows to save.
---@param prob table
---@param assign table the saved rota
---@param sol table the scheduler's solution
---@param open table open[t][r] = true
---@param broken table[] from M.reopen
---@return table[] changes { date, role, from, to, why, unfilled }
---@return table[] rows { date, role, person } for store.save
function M.repair_changes(prob, assign, sol, open, broken)
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
  return changes, rows
end

--- Why the holder of (t, r) holds it, and why each other member does not:
--- counts before this meeting are the history and this plan's earlier
--- meetings. A turn set after the plan (`set_by`: { by = "swap" or
--- "repair", on = DATE }) says so: the counts are not why.
---@param prob table
---@param assign table the saved rota
---@param hist table past turns per person (roster.history)
---@param t integer
---@param r integer
---@param gap integer the minimum gap
---@param set_by? {by: string, on?: string}
---@return integer|nil holder
---@return string because
---@return {person: string, before: integer, fte: number, why_not: string}[] others
function M.why(prob, assign, hist, t, r, gap, set_by)
  local role = prob.roles[r]
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
  local by_hand = set_by and set_by.by == "swap"
  local function turns(n) return ("%d %s turn%s"):format(n, role, n == 1 and "" or "s") end
  -- Why q, who breaks no rule here, does not hold it: a reason only when
  -- it is one (more turns so far); never "had 0 turns" against someone.
  local function not_chosen(q)
    if by_hand then return ("could have held it (%s so far); the turn was set by hand"):format(turns(before[q])) end
    if not p then return ("had %s so far"):format(turns(before[q])) end
    local mine, theirs = before[q] / prob.people[q].fte, before[p] / prob.people[p].fte
    if mine > theirs + 1e-9 then
      return ("had more %s turns so far (%d, against %d%s)"):format(role, before[q], before[p],
        prob.people[q].fte ~= 1 and (", FTE " .. prob.people[q].fte) or "")
    end
    local later
    for s = t + 1, #prob.meetings do
      if assign[s][r] == q then later = prob.meetings[s]; break end
    end
    return ("had %s %s turns so far (%d, against %d) but %s: the plan balances the whole term"):format(
      mine < theirs - 1e-9 and "fewer" or "as many", role, before[q], before[p],
      later and ("takes it on " .. later) or "holds other turns")
  end
  local others = {}
  for q = 1, #prob.people do
    if q ~= p then
      local hard, soft = M.check(prob, assign, t, r, q, gap)
      others[#others + 1] = { person = prob.people[q].id, before = before[q], fte = prob.people[q].fte,
        why_not = hard[1] or soft[1] or not_chosen(q) }
    end
  end
  if not p then
    return nil, "unfilled: " .. scheduler.why_unfilled(prob, assign, t, r), others
  end
  if by_hand then
    return p, ("set by hand with rota swap%s (%s before this meeting)"):format(
      set_by.on and (" on " .. set_by.on) or "", turns(before[p])), others
  end
  local per_fte = {} -- turns per FTE of everyone who could have held it
  for q = 1, #prob.people do
    local hard = M.check(prob, assign, t, r, q, 0)
    if #hard == 0 or q == p then per_fte[#per_fte + 1] = before[q] / prob.people[q].fte end
  end
  local fewest = true
  for _, n in ipairs(per_fte) do if n < before[p] / prob.people[p].fte - 1e-9 then fewest = false end end
  return p, ("%s%s among those available and eligible (%s before this meeting%s); %s"):format(
    set_by and set_by.by == "repair" and ("given by rota repair" .. (set_by.on and (" on " .. set_by.on) or "") .. ": ") or "",
    fewest and ("fewest " .. role .. " turns so far") or "the fairest choice over the whole term",
    turns(before[p]),
    prob.people[p].fte ~= 1 and (", FTE " .. prob.people[p].fte) or "",
    last[p] and ("last " .. role .. " " .. last[p]) or ("never " .. role .. " before")), others
end

return M
