-- The fair rota, as a coordinator would draw it up, made exact.
--
--   1. Meeting by meeting, in date order, give each role to someone who
--      can hold it: eligible, in school that day, not already holding
--      another role at this meeting. Among them, prefer whoever has held
--      this role least so far (history included, in proportion to their
--      FTE), then whoever has led least in total, then whoever held it
--      longest ago; avoid anyone who held the same role within the last
--      `min_gap` meetings unless nobody else can. The scarcest role is
--      given first; when that leaves a role empty, the meeting is filled
--      again by an exact minimum-cost assignment (the Hungarian method),
--      so a tight meeting is filled whenever any arrangement fills it.
--   2. Check the result against the bound: among people who can do the
--      same things, are in on the same days and work the same FTE, the
--      most and least assigned differ by at most 1, per role and in total.
--   3. Only when step 1 misses the bound: search every arrangement
--      (depth-first, meeting by meeting, cutting off a branch as soon as
--      some class can no longer come within 1) for one that meets it,
--      fairness first and the minimum gap where it can. The search either
--      finds one, or proves that none exists, or (past a step budget,
--      which the random rosters of the tests never reach) says so.
--   4. Where the bound is impossible, say why: history that the turns
--      left cannot even out (a proof from counts alone), or "no
--      arrangement at all" when the search was exhaustive.
--
-- Everything here is pure: people, roles, meetings and constraints in,
-- assignments and explanations out. init.lua reads and writes the store.

local M = {}

local FORBID = 1e9 -- a cell the assignment must not use
local GAP = 1e5 -- holding the same role again too soon
local TOTAL = 0.5 -- weight of the total count beside the role's own count
M.BUDGET = 20000 -- search steps (about 1 s) before the exact search gives up

---------------------------------------------------------------------------
-- The assignment of one meeting's roles (rows) to people (columns):
-- Hungarian method with potentials, O(rows^2 x cols), rows <= cols.
---------------------------------------------------------------------------

--- cost[i][j] for i = 1..k, j = 1..n (k <= n). Returns col_of_row.
function M.hungarian(cost, k, n)
  local u, v, p, way = {}, {}, {}, {}
  for j = 0, n do v[j] = 0; p[j] = 0; way[j] = 0 end
  for i = 0, k do u[i] = 0 end
  local minv, used = {}, {}
  for i = 1, k do
    p[0] = i
    local j0 = 0
    for j = 0, n do minv[j] = math.huge; used[j] = false end
    repeat
      used[j0] = true
      local i0, delta, j1 = p[j0], math.huge, 0
      local row = cost[i0]
      for j = 1, n do
        if not used[j] then
          local cur = row[j] - u[i0] - v[j]
          if cur < minv[j] then minv[j] = cur; way[j] = j0 end
          if minv[j] < delta then delta = minv[j]; j1 = j end
        end
      end
      for j = 0, n do
        if used[j] then u[p[j]] = u[p[j]] + delta; v[j] = v[j] - delta
        else minv[j] = minv[j] - delta end
      end
      j0 = j1
    until p[j0] == 0
    repeat
      local j1 = way[j0]
      p[j0] = p[j1]
      j0 = j1
    until j0 == 0
  end
  local col = {}
  for j = 1, n do
    if p[j] ~= 0 then col[p[j]] = j end
  end
  return col
end

---------------------------------------------------------------------------
-- The problem
---------------------------------------------------------------------------
-- prob = {
--   people   = { { id =, name =, fte = } ... },
--   roles    = { "facilitator", ... },
--   meetings = { "2026-09-01", ... },
--   eligible = eligible[p][r]: true, or a string saying why not,
--   away     = away[p][t]: nil, or why p cannot come to meeting t,
--   history  = history[p][r]: times held before this plan,
--   history_total = history_total[p]: roles held before, all groups,
--   min_gap  = 1,   -- no repeat of a role within this many meetings
--   fixed    = fixed[t][r] = p: kept as they are (repair, swap)
--   open     = open[t][r] = true: only these are decided (repair)
-- }

-- Counts before any decided slot: history plus the fixed turns.
local function base_counts(prob)
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

-- The slots to decide at meeting t (not fixed, inside `open`), the people
-- fixed at it, and whether p can take role r at t.
local function decidable(prob, t)
  local rf, open = prob.fixed and prob.fixed[t] or {}, prob.open
  local list, busy = {}, {}
  for r = 1, #prob.roles do
    local p = rf[r]
    if p then busy[p] = true
    elseif open == nil or (open[t] and open[t][r]) then list[#list + 1] = r end
  end
  return list, busy
end

local function can(prob, p, r, t)
  return prob.eligible[p][r] == true and not (prob.away[p] and prob.away[p][t])
end

-- Cost of giving (t, r) to p, given counts so far: lower is fairer. The
-- minimum gap dominates, then the role's count per FTE, then the total
-- count per FTE, then who held it longest ago, then the input order.
local function costf(prob, c, tot, last, assign, p, r, t, gap, nt)
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
    + 1e-3 * ((last[p][r] or -nt) + nt) / (2 * nt + 1) + 1e-7 * p
end

-- Step 1: meeting by meeting. Fills assign; returns how many slots each
-- meeting filled (the most any arrangement fills there).
local function first_pass(prob, assign, gap)
  local np, nt = #prob.people, #prob.meetings
  local c, tot = base_counts(prob)
  local last = {}
  for p = 1, np do last[p] = {} end
  local fill = {}
  local el, away, fixed, inv = prob.eligible, prob.away, prob.fixed, {}
  for p = 1, np do inv[p] = 1 / prob.people[p].fte end
  local kl = 1e-3 / (2 * nt + 1)
  -- Who may hold each role, and the meetings someone is away from: a
  -- meeting nobody misses, outside a repair, has the same candidates and
  -- the same order of roles as every other such meeting.
  local elig, anyaway = {}, {}
  for r = 1, #prob.roles do
    elig[r] = {}
    for p = 1, np do if el[p][r] == true then table.insert(elig[r], p) end end
  end
  for p = 1, np do
    for t in pairs(away[p] or {}) do anyaway[t] = true end
  end
  local function order(list, busy, t)
    -- the scarcest role first (an insertion sort: a meeting has few roles)
    local ncand = {}
    for i, r in ipairs(list) do
      local n = 0
      for _, p in ipairs(elig[r]) do
        if not busy[p] and not (away[p] and away[p][t]) then n = n + 1 end
      end
      ncand[r] = n
      local j = i - 1
      while j >= 1 and ncand[list[j]] > n do list[j + 1] = list[j]; j = j - 1 end
      list[j + 1] = r
    end
    return ncand
  end
  local taken = {} -- taken[p] == t: p holds a role at meeting t
  local plain = fixed == nil and prob.open == nil
  local plain_list, plain_busy, plain_ncand
  if plain then
    plain_list, plain_busy = decidable(prob, 1)
    plain_ncand = order(plain_list, plain_busy, 0)
  end
  for t = 1, nt do
    local list, busy, ncand
    if plain and not anyaway[t] then
      list, busy, ncand = plain_list, plain_busy, plain_ncand
    else
      list, busy = decidable(prob, t)
      ncand = order(list, busy, t)
    end
    local at = {}
    for r, p in pairs(fixed and fixed[t] or {}) do at[r] = p end
    assign[t] = at
    local short = false
    for _, r in ipairs(list) do
      local best, bq = math.huge, nil
      for _, p in ipairs(elig[r]) do
        if not busy[p] and taken[p] ~= t and not (away[p] and away[p][t]) then
          -- costf, inlined: this loop runs for every person, role and meeting
          local v
          if fixed then
            v = costf(prob, c, tot, last, assign, p, r, t, gap, nt)
          else
            local l, f = last[p][r], inv[p]
            v = ((l and t - l <= gap) and GAP or 0) + (2 * c[p][r] + 1) * f + TOTAL * (2 * tot[p] + 1) * f
              + kl * ((l or -nt) + nt) + 1e-7 * p
          end
          if v < best then best, bq = v, p end
        end
      end
      if bq then taken[bq] = t; at[r] = bq
      elseif ncand[r] > 0 then short = true end
    end
    if short then
      -- a role left empty that had candidates: fill the meeting exactly
      for _, r in ipairs(list) do at[r] = nil end
      local k, ncols, cost = #list, math.max(np, #list), {}
      for i, r in ipairs(list) do
        local row = {}
        for p = 1, ncols do
          if p > np or busy[p] or not can(prob, p, r, t) then row[p] = FORBID
          else row[p] = costf(prob, c, tot, last, assign, p, r, t, gap, nt) end
        end
        cost[i] = row
      end
      local col = M.hungarian(cost, k, ncols)
      for i, r in ipairs(list) do
        local p = col[i]
        if p and p <= np and cost[i][p] < FORBID then at[r] = p end
      end
    end
    local n = 0
    for _, r in ipairs(list) do
      local p = at[r]
      if p then
        n = n + 1
        c[p][r] = c[p][r] + 1
        tot[p] = tot[p] + 1
        last[p][r] = t
      else
        at[r] = false
      end
    end
    fill[t] = n
  end
  return fill
end

---------------------------------------------------------------------------
-- Classes of people in the same position, and what each could still get
---------------------------------------------------------------------------

--- The comparisons the bound makes: { scope = r (a role) or 0 (the
--- total), members = { p, ... } } for every class of two or more people
--- who are in on the same meetings, work the same FTE and may hold the
--- same roles (for a role: only those eligible for it). Only then can any
--- turn of one be given to the other.
function M.classes(prob)
  if prob._classes then return prob._classes end
  local np, nr, nt = #prob.people, #prob.roles, #prob.meetings
  local key = {}
  for p = 1, np do
    local b, e = {}, {}
    if prob.away[p] and next(prob.away[p]) then
      for t = 1, nt do b[t] = prob.away[p][t] and "0" or "1" end
    end
    for r = 1, nr do e[r] = prob.eligible[p][r] == true and "1" or "0" end
    key[p] = prob.people[p].fte .. "|" .. table.concat(b) .. "|" .. table.concat(e)
  end
  local out = {}
  local function group(scope, ok)
    local by, order = {}, {}
    for p = 1, np do
      if ok(p) then
        local k = key[p]
        if not by[k] then by[k] = {}; order[#order + 1] = k end
        table.insert(by[k], p)
      end
    end
    for _, k in ipairs(order) do
      if #by[k] >= 2 then out[#out + 1] = { scope = scope, members = by[k] } end
    end
  end
  for r = 1, nr do group(r, function(p) return prob.eligible[p][r] == true end) end
  group(0, function() return true end)
  prob._classes = out
  return out
end

-- The most turns p could still get, per role and in total: the decidable
-- slots where p is eligible, in school and not fixed to another role.
local function possible(prob)
  local np, nr, nt = #prob.people, #prob.roles, #prob.meetings
  local pr, pt = {}, {}
  for p = 1, np do pr[p] = {}; for r = 1, nr do pr[p][r] = 0 end; pt[p] = 0 end
  for t = 1, nt do
    local list, busy = decidable(prob, t)
    for p = 1, np do
      if not busy[p] then
        local any = false
        for _, r in ipairs(list) do
          if can(prob, p, r, t) then pr[p][r] = pr[p][r] + 1; any = true end
        end
        if any then pt[p] = pt[p] + 1 end
      end
    end
  end
  return pr, pt
end

--- Classes the bound cannot hold for, whatever the plan: someone already
--- has more than 1 above what another could reach with every turn still
--- open to them. Returns hopeless[class] = { hi =, lo =, had_hi =, had_lo
--- =, more = } for each such class.
function M.hopeless(prob)
  if prob._hopeless then return prob._hopeless end
  local c, tot = base_counts(prob)
  local pr, pt = possible(prob)
  local out = {}
  for i, cl in ipairs(M.classes(prob)) do
    local hi, lo, mx, mn = nil, nil, -math.huge, math.huge
    for _, p in ipairs(cl.members) do
      local n = cl.scope == 0 and tot[p] or c[p][cl.scope]
      local reach = n + (cl.scope == 0 and pt[p] or pr[p][cl.scope])
      if n > mx then mx, hi = n, p end
      if reach < mn then mn, lo = reach, p end
    end
    if mx - mn > 1 then
      local had = cl.scope == 0 and tot[lo] or c[lo][cl.scope]
      out[i] = { hi = hi, lo = lo, had_hi = mx, had_lo = had, more = mn - had }
    end
  end
  prob._hopeless = out
  return out
end

---------------------------------------------------------------------------
-- Step 3: the exact search
---------------------------------------------------------------------------

-- Depth-first over the decidable slots, meeting by meeting, scarcest role
-- first; candidates in the order of step 1's costs (the minimum gap first,
-- then fewest turns), leaving a slot empty only when the meeting still
-- reaches its most-filled count. A branch is cut when a class that can
-- meet the bound no longer can: its highest count (counts only grow) is
-- more than 1 above the lowest count plus every slot still open to that
-- person. Returns "found" (assign holds the plan), "exhausted" (no
-- arrangement meets the bound in every class that can meet it alone) or
-- "budget", and the number of steps.
function M.search(prob, assign, fill, gap, budget)
  local np, nr, nt = #prob.people, #prob.roles, #prob.meetings
  local c, tot = base_counts(prob)
  local classes, hopeless = M.classes(prob), M.hopeless(prob)
  local live = {} -- the classes to keep within 1
  local role_class, total_class = {}, {}
  for p = 1, np do role_class[p] = {} end
  for i, cl in ipairs(classes) do
    if not hopeless[i] then
      live[#live + 1] = cl
      for _, p in ipairs(cl.members) do
        if cl.scope == 0 then total_class[p] = cl else role_class[p][cl.scope] = cl end
      end
    end
  end
  -- rem[p][r], remt[p]: slots still ahead that p could take (upper bounds)
  local rem, remt = possible(prob)
  local slots, busy0, meet_end = {}, {}, {}
  for t = 1, nt do
    local list, busy = decidable(prob, t)
    busy0[t] = busy
    local ncand = {}
    for _, r in ipairs(list) do
      local n = 0
      for p = 1, np do if not busy[p] and can(prob, p, r, t) then n = n + 1 end end
      ncand[r] = n
    end
    table.sort(list, function(a, b) return ncand[a] < ncand[b] or (ncand[a] == ncand[b] and a < b) end)
    for i, r in ipairs(list) do
      slots[#slots + 1] = { t = t, r = r, empties = #list - fill[t] }
      if i == #list then
        local tc = {}
        for p = 1, np do
          if not busy[p] then
            for _, r2 in ipairs(list) do
              if can(prob, p, r2, t) then tc[#tc + 1] = p; break end
            end
          end
        end
        meet_end[#slots] = tc
      end
    end
    local at = {}
    for r, p in pairs(prob.fixed and prob.fixed[t] or {}) do at[r] = p end
    for _, r in ipairs(list) do at[r] = false end
    assign[t] = at
  end
  local last = {}
  for p = 1, np do last[p] = {} end
  -- left[r]: slots of role r still ahead; left[0]: all slots still ahead
  local left = { [0] = #slots }
  for r = 1, nr do left[r] = 0 end
  for _, sl in ipairs(slots) do left[sl.r] = left[sl.r] + 1 end
  -- Can class cl still come within 1? Not if someone is more than 1 above
  -- what another can reach, nor if those below max - 1 need more turns
  -- between them than there are slots left.
  local function within(cl)
    local mx, mn = -math.huge, math.huge
    local r = cl.scope
    for _, p in ipairs(cl.members) do
      local n = r == 0 and tot[p] or c[p][r]
      local reach = n + (r == 0 and remt[p] or rem[p][r])
      if n > mx then mx = n end
      if reach < mn then mn = reach end
    end
    if mx - mn > 1 then return false end
    local need = 0
    for _, p in ipairs(cl.members) do
      local n = r == 0 and tot[p] or c[p][r]
      if n < mx - 1 then need = need + mx - 1 - n end
    end
    return need <= left[r]
  end
  local steps, stop = 0, false
  local busy, empties = {}, {}
  for t = 1, nt do busy[t] = {}; empties[t] = 0 end
  local go
  go = function(i)
    if i > #slots then return true end
    steps = steps + 1
    if steps > budget then stop = true; return false end
    local s = slots[i]
    local t, r = s.t, s.r
    -- this slot is now behind: nobody can count on it any more
    local could = {}
    for p = 1, np do
      if not busy0[t][p] and can(prob, p, r, t) then could[#could + 1] = p; rem[p][r] = rem[p][r] - 1 end
    end
    left[r], left[0] = left[r] - 1, left[0] - 1
    local ended = meet_end[i] -- the last slot of its meeting
    local tcould = ended or {}
    for _, p in ipairs(tcould) do remt[p] = remt[p] - 1 end
    local cands = {}
    for _, p in ipairs(could) do
      if not busy[t][p] then
        cands[#cands + 1] = { p = p, v = costf(prob, c, tot, last, assign, p, r, t, gap, nt) }
      end
    end
    table.sort(cands, function(a, b) return a.v < b.v end)
    if empties[t] < s.empties then cands[#cands + 1] = { p = false } end
    local ok = false
    for _, cand in ipairs(cands) do
      local p = cand.p
      local fine = true
      local prev
      if p then
        assign[t][r] = p
        busy[t][p] = true
        c[p][r] = c[p][r] + 1
        tot[p] = tot[p] + 1
        prev = last[p][r]
        last[p][r] = t
      else
        empties[t] = empties[t] + 1
      end
      if ended then
        for _, cl in ipairs(live) do
          if not within(cl) then fine = false; break end
        end
      else
        for _, q in ipairs(could) do
          local cl = role_class[q][r]
          if cl and not within(cl) then fine = false; break end
        end
        if fine and p and total_class[p] and not within(total_class[p]) then fine = false end
      end
      if fine and go(i + 1) then ok = true; break end
      if p then
        assign[t][r] = false
        busy[t][p] = nil
        c[p][r] = c[p][r] - 1
        tot[p] = tot[p] - 1
        last[p][r] = prev
      else
        empties[t] = empties[t] - 1
      end
      if stop then break end
    end
    if not ok then
      left[r], left[0] = left[r] + 1, left[0] + 1
      for _, p in ipairs(could) do rem[p][r] = rem[p][r] + 1 end
      for _, p in ipairs(tcould) do remt[p] = remt[p] + 1 end
    end
    return ok
  end
  local found = go(1)
  return found and "found" or (stop and "budget" or "exhausted"), steps
end

--- Solves prob. Returns { assign = assign[t][r] = p or false, reasons =
--- reasons[t][r] for unfilled slots, search = nil (step 1 met the bound)
--- or { status = "found"|"exhausted"|"budget", steps = n }, fair = the
--- fairness of the result (as M.fairness) }.
function M.solve(prob)
  local gap = prob.min_gap or 1
  local assign = {}
  local fill = first_pass(prob, assign, gap)
  local search
  local fair = M.fairness(prob, assign)
  local need = false
  for _, ch in ipairs(fair.checks) do
    if not ch.ok and not M.hopeless(prob)[ch.class] then need = true; break end
  end
  if need then
    local trial = {}
    local status, steps = M.search(prob, trial, fill, gap, prob.budget or M.BUDGET)
    if status == "found" then assign = trial end
    search = { status = status, steps = steps }
  end
  local reasons = {}
  for t = 1, #prob.meetings do
    for r = 1, #prob.roles do
      if assign[t][r] == false then
        reasons[t] = reasons[t] or {}
        reasons[t][r] = M.why_unfilled(prob, assign, t, r)
      end
    end
  end
  if search then fair = M.fairness(prob, assign, search) end
  return { assign = assign, reasons = reasons, search = search, fair = fair }
end

---------------------------------------------------------------------------
-- Explanations
---------------------------------------------------------------------------

local function names(prob, list, max)
  local out = {}
  for i, p in ipairs(list) do
    if i > (max or 4) then out[#out + 1] = ("and %d more"):format(#list - i + 1); break end
    out[#out + 1] = prob.people[p].id
  end
  return table.concat(out, ", ")
end

--- Why slot (t, r) is empty: nobody eligible, everyone eligible away, or
--- the ones in school hold roles that nobody else could take.
function M.why_unfilled(prob, assign, t, r)
  local role = prob.roles[r]
  local eligible, here, details = {}, {}, {}
  for p = 1, #prob.people do
    if prob.eligible[p][r] == true then
      eligible[#eligible + 1] = p
      local why = prob.away[p] and prob.away[p][t]
      if why then details[#details + 1] = prob.people[p].id .. " " .. why
      else here[#here + 1] = p end
    end
  end
  local need = prob.needs and prob.needs[role]
  local who = need and ("people with " .. need) or ("people who can be " .. role)
  if #eligible == 0 then
    return ("nobody in the group is eligible%s"):format(need and (" (needs " .. need .. ")") or "")
  end
  if #here == 0 then
    return ("all %d %s unavailable (%s)"):format(#eligible, #eligible == 1 and who:gsub("^people", "person") or who,
      table.concat(details, "; "))
  end
  local held = {}
  for _, p in ipairs(here) do
    for r2 = 1, #prob.roles do
      if assign[t][r2] == p then held[#held + 1] = prob.people[p].id .. " is " .. prob.roles[r2] end
    end
  end
  return ("the %d %s in school (%s) are needed for other roles at this meeting (%s)%s"):format(
    #here, who, names(prob, here), table.concat(held, ", "),
    #details > 0 and ("; away: " .. table.concat(details, "; ")) or "")
end

---------------------------------------------------------------------------
-- The fairness bound
---------------------------------------------------------------------------

--- Counts per person and role (history + plan) and the bound achieved.
--- `search` is what solve() says about its search (nil: none ran, or the
--- rota was changed by hand). Returns { counts = counts[p][r], plan =
--- plan[p][r], total = total[p], bound = worst spread, checks = { { scope,
--- class, people, spread, ok, why, impossible } } }.
function M.fairness(prob, assign, search)
  local np, nr, nt = #prob.people, #prob.roles, #prob.meetings
  local plan, c, tot, ptot = {}, {}, {}, {}
  for p = 1, np do
    plan[p], c[p] = {}, {}
    for r = 1, nr do
      plan[p][r] = 0
      c[p][r] = prob.history[p] and prob.history[p][r] or 0
    end
    tot[p] = prob.history_total[p] or 0
    ptot[p] = 0
  end
  for t = 1, nt do
    local at = assign[t]
    for r = 1, nr do
      local p = at[r]
      if p then
        plan[p][r] = plan[p][r] + 1
        c[p][r] = c[p][r] + 1
        tot[p] = tot[p] + 1
        ptot[p] = ptot[p] + 1
      end
    end
  end
  local checks, bound = {}, 0
  local hopeless
  for i, cl in ipairs(M.classes(prob)) do
    local r = cl.scope
    local mn, mx, lo, hi = math.huge, -math.huge, nil, nil
    for _, p in ipairs(cl.members) do
      local n = r == 0 and tot[p] or c[p][r]
      if n < mn then mn, lo = n, p end
      if n > mx then mx, hi = n, p end
    end
    local spread = mx - mn
    if spread > bound then bound = spread end
    local entry = { scope = r == 0 and "total" or prob.roles[r], class = i, people = cl.members, spread = spread,
                    ok = spread <= 1 }
    if spread > 1 then
      hopeless = hopeless or M.hopeless(prob)
      local hp = hopeless[i]
      local what = r == 0 and "turns in all" or (prob.roles[r] .. " turns")
      if hp then
        entry.impossible = true
        entry.why = ("impossible: before this plan %s had %d %s and %s had %d; the %d meetings left open to %s cannot close a gap of more than 1")
          :format(prob.people[hp.hi].id, hp.had_hi, what, prob.people[hp.lo].id, hp.had_lo, hp.more, prob.people[hp.lo].id)
      elseif search and search.status == "exhausted" then
        entry.impossible = true
        entry.why = ("impossible with the other rules: %s has %d, %s has %d, and an exhaustive search (%d steps) found no rota that keeps every role and the total within 1 while filling every fillable slot")
          :format(prob.people[hi].id, mx, prob.people[lo].id, mn, search.steps)
      elseif search and search.status == "budget" then
        entry.why = ("not reached: %s has %d, %s has %d; the exact search stopped after %d steps without finding a fairer rota or proving there is none")
          :format(prob.people[hi].id, mx, prob.people[lo].id, mn, search.steps)
      else
        entry.why = ("not met by this rota: %s has %d, %s has %d (a fixed or hand-made turn)")
          :format(prob.people[hi].id, mx, prob.people[lo].id, mn)
      end
    end
    checks[#checks + 1] = entry
  end
  return { counts = c, plan = plan, total = tot, plan_total = ptot, bound = bound, checks = checks }
end

return M
