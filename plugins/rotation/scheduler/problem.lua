-- The problem every phase of the scheduler reads, and what they all ask
-- of it: who may take which slot, what each person already has, what a
-- turn costs, how many turns are still open to each person.
--
-- A problem (`prob`) is plain data, people, roles and meetings numbered
-- from 1 (p, r and t below):
--
--   prob = {
--     people   = { { id =, name =, fte = } ... },
--     roles    = { "facilitator", ... },
--     meetings = { "2026-09-01", ... },
--     eligible = eligible[p][r]: true, or a string saying why not,
--     away     = away[p][t]: nil, or why p cannot come to meeting t,
--     history  = history[p][r]: times held before this plan,
--     history_total = history_total[p]: roles held before, all groups,
--     min_gap  = 1,   -- no repeat of a role within this many meetings
--     fixed    = fixed[t][r] = p: kept as they are (repair, swap)
--     open     = open[t][r] = true: only these are decided (repair)
--   }
--
-- A rota (`assign`) is assign[t][r] = p, or false for a slot left empty.

local M = {}

local GAP = 1e5 -- holding the same role again too soon
local TOTAL = 0.5 -- weight of the total count beside the role's own count
M.GAP, M.TOTAL = GAP, TOTAL
M.FORBID = 1e9 -- a cell the assignment must not use

--- Counts before any decided slot: history plus the fixed turns.
---@param prob table the problem
---@return integer[][] role_counts role_counts[p][r]
---@return integer[] totals totals[p], every role and group
function M.base_counts(prob)
  local np, nr = #prob.people, #prob.roles
  local c, tot = {}, {}
  for p = 1, np do
    c[p] = {}
    for r = 1, nr do c[p][r] = (prob.history[p] and prob.history[p][r]) or 0 end
    tot[p] = prob.history_total[p] or 0
  end
  for _, rs in pairs(prob.fixed or {}) do
    for r, p in pairs(rs) do
      c[p][r] = c[p][r] + 1
      tot[p] = tot[p] + 1
    end
  end
  return c, tot
end

--- The slots to decide at meeting t (not fixed, inside `open`), and the
--- people fixed to a role at it.
---@param prob table
---@param t integer the meeting
---@return integer[] roles the roles to decide, in role order
---@return table<integer, true> busy busy[p]: p holds a fixed role at t
function M.decidable(prob, t)
  local rf, open = prob.fixed and prob.fixed[t] or {}, prob.open
  local list, busy = {}, {}
  for r = 1, #prob.roles do
    local p = rf[r]
    if p then busy[p] = true
    elseif open == nil or (open[t] and open[t][r]) then list[#list + 1] = r end
  end
  return list, busy
end

--- Whether person p may hold role r at meeting t: eligible and in school.
---@param prob table
---@param p integer
---@param r integer
---@param t integer
---@return boolean
function M.can(prob, p, r, t)
  return prob.eligible[p][r] == true and not (prob.away[p] and prob.away[p][t])
end

--- Cost of giving (t, r) to p, given counts so far: lower is fairer. The
--- minimum gap dominates, then the role's count per FTE, then the total
--- count per FTE, then who held it longest ago, then the input order.
---@param prob table
---@param c integer[][] role counts so far
---@param tot integer[] totals so far
---@param last table<integer, integer>[] last[p][r]: the meeting p last held r
---@param assign table the rota so far
---@param p integer
---@param r integer
---@param t integer
---@param gap integer the minimum gap
---@param nt integer the number of meetings
---@return number cost
---@return integer repeats the turns of p in r within `gap` of t
function M.cost(prob, c, tot, last, assign, p, r, t, gap, nt)
  local held = 0
  if gap > 0 then
    for s = math.max(1, t - gap), t - 1 do
      if assign[s][r] == p then held = held + 1 end
    end
    local fixed = prob.fixed -- later meetings count when they are fixed
    if fixed then
      for s = t + 1, math.min(nt, t + gap) do
        if fixed[s] and fixed[s][r] == p then held = held + 1 end
      end
    end
  end
  local f = prob.people[p].fte
  return GAP * held + (2 * c[p][r] + 1) / f + TOTAL * (2 * tot[p] + 1) / f
    + 1e-3 * ((last[p][r] or -nt) + nt) / (2 * nt + 1) + 1e-7 * p, held
end

--- The most turns each person could still get, per role and in total: the
--- decidable slots where they are eligible, in school and not fixed to
--- another role.
---@param prob table
---@return integer[][] open_roles open_roles[p][r]
---@return integer[] open_total open_total[p]: meetings with such a slot
function M.open_turns(prob)
  local np, nr, nt = #prob.people, #prob.roles, #prob.meetings
  local pr, pt = {}, {}
  for p = 1, np do pr[p] = {}; for r = 1, nr do pr[p][r] = 0 end; pt[p] = 0 end
  for t = 1, nt do
    local list, busy = M.decidable(prob, t)
    for p = 1, np do
      if not busy[p] then
        local any = false
        for _, r in ipairs(list) do
          if M.can(prob, p, r, t) then pr[p][r] = pr[p][r] + 1; any = true end
        end
        if any then pt[p] = pt[p] + 1 end
      end
    end
  end
  return pr, pt
end

--- The most slots meeting t can fill (a maximum matching of its decidable
--- roles to the people free to take them).
---@param prob table
---@param t integer
---@return integer
function M.max_fill(prob, t)
  local list, busy = M.decidable(prob, t)
  local owner = {} -- owner[p] = index in list
  local function augment(i, seen)
    local r = list[i]
    for p = 1, #prob.people do
      if not seen[p] and not busy[p] and M.can(prob, p, r, t) then
        seen[p] = true
        if not owner[p] or augment(owner[p], seen) then owner[p] = i; return true end
      end
    end
    return false
  end
  local n = 0
  for i = 1, #list do if augment(i, {}) then n = n + 1 end end
  return n
end

--- Turns of p in role r within `gap` meetings of t, either side: the
--- repeats the minimum gap asks to avoid, counted at (t, r) for p.
---@param assign table
---@param p integer
---@param r integer
---@param t integer
---@param gap integer
---@param nt integer
---@return integer
function M.repeats_at(assign, p, r, t, gap, nt)
  local n = 0
  for s = math.max(1, t - gap), math.min(nt, t + gap) do
    if s ~= t and assign[s][r] == p then n = n + 1 end
  end
  return n
end

--- The repeats of a rota: pairs of turns of one person in one role at
--- most `gap` meetings apart.
---@param prob table
---@param assign table
---@param gap integer
---@return integer
function M.repeats(prob, assign, gap)
  local n, nt = 0, #prob.meetings
  for t = 1, nt do
    for r = 1, #prob.roles do
      local p = assign[t][r]
      if p then
        for s = t + 1, math.min(nt, t + gap) do
          if assign[s][r] == p then n = n + 1 end
        end
      end
    end
  end
  return n
end

return M
