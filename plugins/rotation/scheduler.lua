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
--      (In C for plans without fixed turns: core/rota.c.)
--   2. Check the result against the bound: among people who can do the
--      same things, are in on the same days and work the same FTE (a
--      class), the most and least assigned differ by at most 1, per role
--      and in total. Where it is missed, first the proofs from counts
--      alone: a class is hopeless when history leaves a gap the turns
--      left cannot close, or when its per-role and total counts cannot
--      all come within 1 whatever share of the turns it gets (a small
--      flow per choice of levels: M.counts_feasible).
--   3. Local moves: a turn goes from a most assigned member of a class,
--      or to a least assigned one, to or from someone else at that
--      meeting, while the classes' spreads shrink (single moves, then
--      pairs). Then, if the bound is still missed where
--      it can hold: the classes' shares together (M.shares_feasible),
--      and the exact search: depth-first over every arrangement, meeting
--      by meeting, cutting a branch as soon as some class can no longer
--      come within 1, one of each set of interchangeable people tried.
--      It finds a rota, or proves that none exists, or stops at its time
--      limit (M.SECONDS of CPU per group) and says so. Once fair, it
--      looks for the fair rota with the fewest repeats (same person, same
--      role, within the minimum gap) for at most M.REPEAT_SECONDS more.
--   4. Where the bound is impossible, say why: history, counts, shares,
--      or "no arrangement at all" when the search was exhaustive.
--
-- Everything here is pure: people, roles, meetings and constraints in,
-- assignments and explanations out. init.lua reads and writes the store.

local M = {}

local FORBID = 1e9 -- a cell the assignment must not use
local GAP = 1e5 -- holding the same role again too soon
local TOTAL = 0.5 -- weight of the total count beside the role's own count
M.SECONDS = 1 -- CPU seconds the exact search may take for one group
M.REPEAT_SECONDS = 0.2 -- of which, once a fair rota is found, for fewer repeats

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
    + 1e-3 * ((last[p][r] or -nt) + nt) / (2 * nt + 1) + 1e-7 * p, held
end

-- Step 1: meeting by meeting. Fills assign; returns how many slots each
-- meeting filled (the most any arrangement fills there). A plan without
-- fixed turns runs in C (baton.rota.first_pass, core/rota.c: the same
-- steps and arithmetic, about ten times faster); `lua_only` forces this
-- one (the tests compare the two).
local function first_pass(prob, assign, gap, lua_only)
  if not lua_only and prob.fixed == nil and prob.open == nil and baton and baton.rota then
    local a, fill = baton.rota.first_pass(prob, gap)
    for t = 1, #a do assign[t] = a[t] end
    return fill
  end
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

---------------------------------------------------------------------------
-- Proofs from counts alone
---------------------------------------------------------------------------

-- The most slots meeting t can fill (a maximum matching of its decidable
-- roles to the people free to take them).
local function max_fill(prob, t)
  local list, busy = decidable(prob, t)
  local owner = {} -- owner[p] = index in list
  local function augment(i, seen)
    local r = list[i]
    for p = 1, #prob.people do
      if not seen[p] and not busy[p] and can(prob, p, r, t) then
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

-- Is there a circulation in the graph of `n` nodes whose edges { u, v,
-- lo, hi } each carry between lo and hi? (Lower bounds moved to a
-- super source and sink, then augmenting paths; the graphs here have a
-- few dozen nodes.)
local function circulation(n, edges)
  local S, T = n + 1, n + 2
  local cap, excess = {}, {}
  for i = 1, n + 2 do cap[i] = {}; excess[i] = 0 end
  for _, e in ipairs(edges) do
    local u, v, lo, hi = e[1], e[2], e[3], e[4]
    if lo > hi then return false end
    cap[u][v] = (cap[u][v] or 0) + hi - lo
    cap[v][u] = cap[v][u] or 0
    excess[v] = excess[v] + lo
    excess[u] = excess[u] - lo
  end
  local need = 0
  for i = 1, n do
    if excess[i] > 0 then cap[S][i] = excess[i]; cap[i][S] = 0; need = need + excess[i]
    elseif excess[i] < 0 then cap[i][T] = -excess[i]; cap[T][i] = 0 end
  end
  local flow = 0
  while flow < need do
    local prev, queue, head = { [S] = S }, { S }, 1
    while head <= #queue and not prev[T] do
      local u = queue[head]
      head = head + 1
      for v = 1, n + 2 do
        local x = cap[u][v]
        if x and x > 0 and not prev[v] then prev[v] = u; queue[#queue + 1] = v end
      end
    end
    if not prev[T] then return false end
    local aug, v = math.huge, T
    while v ~= S do local u = prev[v]; if cap[u][v] < aug then aug = cap[u][v] end; v = u end
    v = T
    while v ~= S do local u = prev[v]; cap[u][v] = cap[u][v] - aug; cap[v][u] = cap[v][u] + aug; v = u end
    flow = flow + aug
  end
  return true
end

local BIG = 1e6

-- The turns a class (same days, FTE and roles) can still get from each
-- meeting t0 on: rooms[t0] = { lo = { [r] = n }, hi =, tlo =, thi =, least
-- = { [p] = n } }: per role at most hi[r] (slots a member could take) and
-- at least lo[r] (slots that must be filled and only a member can take);
-- in all, at most thi (one per free member per meeting) and at least tlo
-- (what the others cannot fill); least[p]: meetings where every free
-- member must hold a role. fill[t]: the slots meeting t must fill.
local function class_rooms(prob, members, fill)
  local np, nr, nt = #prob.people, #prob.roles, #prob.meetings
  local inK = {}
  for _, p in ipairs(members) do inK[p] = true end
  local rooms = {}
  local ylo, yhi, tlo, thi, least = {}, {}, 0, 0, {}
  for r = 1, nr do ylo[r], yhi[r] = 0, 0 end
  local function snapshot()
    local l = {}
    for p, n in pairs(least) do l[p] = n end
    return { lo = table.move(ylo, 1, nr, 1, {}), hi = table.move(yhi, 1, nr, 1, {}), tlo = tlo, thi = thi, least = l }
  end
  rooms[nt + 1] = snapshot()
  for t = nt, 1, -1 do
    local list, busy = decidable(prob, t)
    local free = 0
    for _, p in ipairs(members) do
      if not busy[p] and not (prob.away[p] and prob.away[p][t]) then free = free + 1 end
    end
    local kroles, oroles, outsiders = 0, 0, 0
    local ocan = {}
    for p = 1, np do
      if not inK[p] and not busy[p] then
        local any = false
        for _, r in ipairs(list) do
          if can(prob, p, r, t) then ocan[r] = true; any = true end
        end
        if any then outsiders = outsiders + 1 end
      end
    end
    local f = fill[t] or max_fill(prob, t)
    for _, r in ipairs(list) do
      if ocan[r] then oroles = oroles + 1 end
      if free > 0 and prob.eligible[members[1]][r] == true then
        kroles = kroles + 1
        yhi[r] = yhi[r] + 1
        if f == #list and not ocan[r] then ylo[r] = ylo[r] + 1 end
      end
    end
    thi = thi + math.min(free, kroles)
    local must = f - math.min(outsiders, oroles)
    if must > 0 then
      tlo = tlo + must
      if must >= free then -- every free member holds a role at t
        for _, p in ipairs(members) do
          if not busy[p] and not (prob.away[p] and prob.away[p][t]) then least[p] = (least[p] or 0) + 1 end
        end
      end
    end
    rooms[t] = snapshot()
  end
  return rooms
end

-- Can the members of a class end within 1 of each other per role and in
-- total, counting alone? c, tot: counts so far; rem[p][r], remt[p]: the
-- turns still open to p; y: class_room(). Each member's final count of
-- role r is m_r or m_r + 1, and of turns in all m0 or m0 + 1; for each
-- choice of the m's (grouped where they change nothing but the class's
-- share), who gets the "+1"s is a flow with bounds on both sides.
-- Never says no to counts some rota reaches; may say yes to counts no
-- rota reaches (it ignores which meeting each turn falls on).
function M.counts_feasible(prob, members, c, tot, rem, remt, y)
  local K = #members
  local roles = {}
  for r = 1, #prob.roles do
    if prob.eligible[members[1]][r] == true then roles[#roles + 1] = r end
  end
  local nk = #roles
  local tb, sumc = {}, {}
  local tbmin, tbmax = math.huge, -math.huge
  for i, p in ipairs(members) do
    local s = 0
    for _, r in ipairs(roles) do s = s + c[p][r] end
    sumc[i] = s
    tb[i] = tot[p] - s
    if tb[i] < tbmin then tbmin = tb[i] end
    if tb[i] > tbmax then tbmax = tb[i] end
  end
  if tbmax - 1 > tbmin + nk then return false end
  -- the pieces of each role's m_r
  local pieces, rsum = {}, {}
  for j, r in ipairs(roles) do
    local maxc, up, sc = -math.huge, math.huge, 0
    for _, p in ipairs(members) do
      local x = c[p][r]
      sc = sc + x
      if x > maxc then maxc = x end
      if x + rem[p][r] < up then up = x + rem[p][r] end
    end
    rsum[j] = sc
    -- K m_r + k_r lies within sc + [lo, hi], 0 <= k_r <= K
    local ylo, yhi = y.lo[r], y.hi[r]
    local mlo = math.max(maxc - 1, -((-(sc + ylo - K)) // K)) -- ceil((sc + ylo - K) / K)
    local mhi = math.min(up, (sc + yhi) // K)
    local list = {}
    local function add(a, b)
      a, b = math.max(a, mlo), math.min(b, mhi)
      if a <= b then
        local f1, f0 = {}, {}
        for i, p in ipairs(members) do
          if c[p][r] == a + 1 and a == b then f1[i] = true end
          if c[p][r] + rem[p][r] < b + 1 and a == b then f0[i] = true end
        end
        list[#list + 1] = { a = a, b = b, f1 = f1, f0 = f0,
                            klo = math.max(0, sc + ylo - K * b), khi = math.min(K, sc + yhi - K * a) }
      end
    end
    add(maxc - 1, maxc - 1)
    if yhi - ylo + 1 >= K then
      add(maxc, up - 1) -- each k_r in the hull comes with some m_r
    else
      for m = math.max(maxc, mlo), math.min(up - 1, mhi) do add(m, m) end
    end
    if up >= maxc then add(up, up) end
    if #list == 0 then return false end
    pieces[j] = list
  end
  local tsum = 0
  for j = 1, nk do tsum = tsum + rsum[j] end
  local choice = {}
  local S0, T0 = K + nk + 1, K + nk + 2
  -- With the pieces chosen, M = the sum of the m_r lies in [asum, bsum].
  -- Member p's final turns in all are tb + M + s (s: its "+1"s), within
  -- 1 of everyone's: s in {D - tb, D - tb + 1} for a common D. Its added
  -- turns M + s - sumc lie within [least, remt]; where that cannot bind,
  -- one flow covers a whole range of M, elsewhere each M is tried.
  local function flow(D, M1, M2, exact)
    local edges = {}
    for i, p in ipairs(members) do
      local lo, hi = math.max(0, D - tb[i]), math.min(nk, D - tb[i] + 1)
      if exact then
        lo = math.max(lo, (y.least[p] or 0) - M1 + sumc[i])
        hi = math.min(hi, remt[p] - M1 + sumc[i])
      end
      if lo > hi then return false end
      edges[#edges + 1] = { S0, i, lo, hi }
      for j = 1, nk do
        local pc = choice[j]
        if pc.f0[i] then
          if pc.f1[i] then return false end
        else
          edges[#edges + 1] = { i, K + j, pc.f1[i] and 1 or 0, 1 }
        end
      end
    end
    for j = 1, nk do edges[#edges + 1] = { K + j, T0, choice[j].klo, choice[j].khi } end
    edges[#edges + 1] = { T0, S0, math.max(0, y.tlo + tsum - K * M2), math.min(BIG, y.thi + tsum - K * M1) }
    return circulation(T0, edges)
  end
  local function try(asum, bsum)
    for D = tbmax - 1, tbmin + nk do
      local wlo, whi, flo, fhi = asum, bsum, -math.huge, math.huge
      for i, p in ipairs(members) do
        local blo, bhi = math.max(0, D - tb[i]), math.min(nk, D - tb[i] + 1)
        local least, most = (y.least[p] or 0) + sumc[i], remt[p] + sumc[i]
        wlo, whi = math.max(wlo, least - bhi), math.min(whi, most - blo)
        flo, fhi = math.max(flo, least - blo), math.min(fhi, most - bhi)
      end
      if wlo <= whi then
        local a, b = math.max(wlo, flo), math.min(whi, fhi)
        if a <= b and flow(D, a, b, false) then return true end
        local M = wlo
        while M <= whi do
          if M >= a and M <= b then M = b + 1 -- covered by the flow above
          else
            if flow(D, M, M, true) then return true end
            M = M + 1
          end
        end
      end
    end
    return false
  end
  local function pick(j, asum, bsum)
    if j > nk then return try(asum, bsum) end
    for _, pc in ipairs(pieces[j]) do
      choice[j] = pc
      if pick(j + 1, asum + pc.a, bsum + pc.b) then return true end
    end
    return false
  end
  return pick(1, 0, 0)
end

--- Classes the bound cannot hold for, whatever the plan. Two proofs:
--- someone already has more than 1 above what another could reach with
--- every turn still open to them (hopeless[class] = { hi =, lo =, had_hi
--- =, had_lo =, more = }); or the class's members cannot end within 1 per
--- role and in total at once, whatever share of the turns they get
--- (M.counts_feasible; hopeless[class] = { counts = true, members = {..},
--- open = turns still open to the class }, for every scope of the class).
function M.hopeless(prob)
  if prob._hopeless then return prob._hopeless end
  local c, tot = base_counts(prob)
  local pr, pt = possible(prob)
  local out = {}
  local classes = M.classes(prob)
  for i, cl in ipairs(classes) do
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
  local fill = prob._fill or {}
  for _, cl in ipairs(classes) do
    if cl.scope == 0 then
      local scopes, any = {}, false
      for i, other in ipairs(classes) do
        if other.members[1] == cl.members[1] then
          scopes[#scopes + 1] = i
          if out[i] then any = true end
        end
      end
      if not any then
        local y = class_rooms(prob, cl.members, fill)[1]
        if not M.counts_feasible(prob, cl.members, c, tot, pr, pt, y) then
          for _, i in ipairs(scopes) do out[i] = { counts = true, members = cl.members, open = y.thi } end
        end
      end
    end
  end
  prob._hopeless = out
  return out
end

-- The highest count among `members` in role r (0: in all), and the lowest
-- count any of them can still reach with every turn open to them.
local function top_and_reach(members, r, c, tot, rem, remt)
  local mx, reach = -math.huge, math.huge
  for _, p in ipairs(members) do
    local n = r == 0 and tot[p] or c[p][r]
    local far = n + (r == 0 and remt[p] or rem[p][r])
    if n > mx then mx = n end
    if far < reach then reach = far end
  end
  return mx, reach
end

-- The classes that can each meet the bound alone (none of their checks is
-- hopeless), as { members = { p, ... } }.
local function live_groups(prob)
  local classes, hopeless = M.classes(prob), M.hopeless(prob)
  local out = {}
  for _, cl in ipairs(classes) do
    if cl.scope == 0 then
      local any = false
      for i, other in ipairs(classes) do
        if other.members[1] == cl.members[1] and hopeless[i] then any = true end
      end
      if not any then out[#out + 1] = { members = cl.members } end
    end
  end
  return out
end

--- Can every class that can meet the bound alone meet it at once, as far
--- as counts tell? For each class and role, the fewest and most turns of
--- that role (and in all) it can take and still come within 1
--- (M.counts_feasible with its share fixed); then one flow gives each
--- role's slots to the classes and to everyone else, within those
--- shares. False is a proof that no rota meets the bound in all of them
--- (the classes together need more turns of some role than there are,
--- or can absorb fewer than must be given); true proves nothing. Past
--- `deadline` (os.clock()) a share not yet narrowed is taken whole.
function M.shares_feasible(prob, deadline)
  deadline = deadline or math.huge
  local np, nr, nt = #prob.people, #prob.roles, #prob.meetings
  local fill = prob._fill or {}
  local c, tot = base_counts(prob)
  local rem, remt = possible(prob)
  local groups = live_groups(prob)
  if #groups == 0 then return true end
  -- the slots of each role, and how many of them must be filled
  local slots, must, total = {}, {}, 0
  for r = 1, nr do slots[r], must[r] = 0, 0 end
  for t = 1, nt do
    local list = decidable(prob, t)
    local f = fill[t] or max_fill(prob, t)
    total = total + f
    for _, r in ipairs(list) do
      slots[r] = slots[r] + 1
      if f == #list then must[r] = must[r] + 1 end
    end
  end
  local grouped = {}
  local G = #groups
  -- nodes: roles 1..nr, groups nr+1..nr+G, others after, then S, T
  local others = {}
  for _, g in ipairs(groups) do for _, p in ipairs(g.members) do grouped[p] = true end end
  for p = 1, np do if not grouped[p] then others[#others + 1] = p end end
  local S, T = nr + G + #others + 1, nr + G + #others + 2
  local edges = { { T, S, total, total } }
  for r = 1, nr do edges[#edges + 1] = { S, r, must[r], slots[r] } end
  for gi, g in ipairs(groups) do
    local y = class_rooms(prob, g.members, fill)[1]
    local function fits(r, n) -- the class's share of role r (0: in all) fixed at n
      local fixed = { lo = table.move(y.lo, 1, nr, 1, {}), hi = table.move(y.hi, 1, nr, 1, {}), tlo = y.tlo,
                      thi = y.thi, least = y.least }
      if r == 0 then fixed.tlo, fixed.thi = n, n else fixed.lo[r], fixed.hi[r] = n, n end
      return M.counts_feasible(prob, g.members, c, tot, rem, remt, fixed)
    end
    -- the feasible shares of role r (0: in all) between lo and hi: every
    -- member ends at least (highest now) - 1 and at most (lowest it can
    -- reach) + 1, so only shares between those are tried
    local function range(r, lo, hi)
      local mx, reach = top_and_reach(g.members, r, c, tot, rem, remt)
      local need, room = 0, 0
      for _, p in ipairs(g.members) do
        local n = r == 0 and tot[p] or c[p][r]
        need = need + math.max(0, mx - 1 - n)
        room = room + math.max(0, reach + 1 - n)
      end
      lo, hi = math.max(lo, need), math.min(hi, room)
      local a, b = lo, hi
      while a <= hi and not fits(r, a) do
        if os.clock() > deadline then return lo, hi end
        a = a + 1
      end
      if a > hi then return nil end
      while b > a and not fits(r, b) do
        if os.clock() > deadline then return a, hi end
        b = b - 1
      end
      return a, b
    end
    for r = 1, nr do
      if prob.eligible[g.members[1]][r] == true and y.hi[r] > 0 then
        local a, b = range(r, y.lo[r], y.hi[r])
        if not a then return false end
        edges[#edges + 1] = { r, nr + gi, a, b }
      end
    end
    local a, b = range(0, y.tlo, y.thi)
    if not a then return false end
    edges[#edges + 1] = { nr + gi, T, a, b }
  end
  for i, p in ipairs(others) do
    local node = nr + G + i
    for r = 1, nr do
      if rem[p][r] > 0 then edges[#edges + 1] = { r, node, 0, rem[p][r] } end
    end
    edges[#edges + 1] = { node, T, 0, remt[p] }
  end
  return circulation(T, edges)
end

---------------------------------------------------------------------------
-- Step 3: the exact search
---------------------------------------------------------------------------

--- Depth-first over the decidable slots, meeting by meeting, scarcest role
--- first; candidates furthest behind their class first, then in the order
--- of step 1's costs (the minimum gap first, then fewest turns), leaving a
--- slot empty only when the meeting still reaches its most-filled count.
--- A branch is cut when a class that can meet the bound no longer can:
--- someone is more than 1 above what another can reach, those below need
--- more turns than slots are left, or (once the search has had to go
--- back) the class's counts fail M.counts_feasible for the meetings left.
--- After the first fair rota it looks only for ones with fewer repeats.
--- opts: steps (most steps), seconds (CPU time), limit (look only for
--- rotas with fewer repeats than this), repeat_seconds. Returns "found"
--- (assign holds the fair rota with the fewest repeats seen), "exhausted"
--- (none meets the bound in every class that can meet it alone, with
--- fewer than `limit` repeats) or "budget"; the number of steps; and {
--- repeats = of the rota found, complete = true when the search ended
--- by itself (so no fair rota has fewer repeats) }.
function M.search(prob, assign, fill, gap, opts)
  local budget, seconds, limit = opts.steps or math.huge, opts.seconds or M.SECONDS, opts.limit or math.huge
  local deadline = os.clock() + seconds
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
  -- Classes none of whose scopes is hopeless: at the end of each meeting,
  -- their counts must still be able to come within 1 together.
  local groups = live_groups(prob)
  for _, g in ipairs(groups) do g.memo = {} end
  local function room(g, t0)
    if not g.rooms then g.rooms = class_rooms(prob, g.members, fill) end
    return g.rooms[t0]
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
    local r = cl.scope
    local mx, mn = top_and_reach(cl.members, r, c, tot, rem, remt)
    if mx - mn > 1 then return false end
    local need = 0
    for _, p in ipairs(cl.members) do
      local n = r == 0 and tot[p] or c[p][r]
      if n < mx - 1 then need = need + mx - 1 - n end
    end
    return need <= left[r]
  end
  -- sigbase[p]: what makes p interchangeable with others besides counts
  -- (the class, and the turns fixed to p); nil for someone in no class.
  local sigbase = {}
  for _, cl in ipairs(classes) do
    if cl.scope == 0 then
      for _, p in ipairs(cl.members) do
        local f = {}
        for t2 = 1, nt do
          for r2 in pairs(prob.fixed and prob.fixed[t2] or {}) do
            if prob.fixed[t2][r2] == p then f[#f + 1] = t2 .. ":" .. r2 end
          end
        end
        sigbase[p] = cl.members[1] .. "|" .. table.concat(f, ";")
      end
    end
  end
  local function top(cl) -- the highest count in class cl
    local mx, r = -math.huge, cl.scope
    for _, p in ipairs(cl.members) do
      local n = r == 0 and tot[p] or c[p][r]
      if n > mx then mx = n end
    end
    return mx
  end
  local steps, stop = 0, false
  local busy, empties = {}, {}
  for t = 1, nt do busy[t] = {}; empties[t] = 0 end
  local repeats, best, best_repeats = 0, nil, nil
  local go
  go = function(i)
    if i > #slots then
      -- a fair rota: keep it, then look only for one with fewer repeats
      if not best then -- fewer repeats are worth a little more time only
        deadline = math.min(deadline, os.clock() + (opts.repeat_seconds or M.REPEAT_SECONDS))
      end
      best, best_repeats = {}, repeats
      for t = 1, nt do best[t] = table.move(assign[t], 1, nr, 1, {}) end
      limit = repeats
      return repeats == 0 -- none fewer than none
    end
    steps = steps + 1
    if steps > budget or (steps % 64 == 0 and os.clock() > deadline) then stop = true; return false end
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
        local v, held = costf(prob, c, tot, last, assign, p, r, t, gap, nt)
        -- how far p is behind the most assigned of its classes: those
        -- furthest behind first, for they must catch up
        local need = 0
        local cl = role_class[p][r]
        if cl then need = need + math.max(0, top(cl) - c[p][r]) end
        cl = total_class[p]
        if cl then need = need + math.max(0, top(cl) - tot[p]) end
        if repeats + held < limit then cands[#cands + 1] = { p = p, v = v - GAP / 2 * need, held = held } end
      end
    end
    table.sort(cands, function(a, b) return a.v < b.v end)
    -- People in the same class with the same counts are interchangeable
    -- for the bound: try the first (the fairest by cost) of each.
    if #cands > 1 then
      local seen, kept = {}, {}
      for _, cand in ipairs(cands) do
        local p = cand.p
        local sig = sigbase[p]
        if sig then
          local cp = c[p]
          local parts = { sig, tot[p] }
          for r2 = 1, nr do parts[#parts + 1] = cp[r2] end
          for s2 = math.max(1, t - gap), t - 1 do -- and the same recent turns
            for r2 = 1, nr do
              if assign[s2][r2] == p then parts[#parts + 1] = s2 .. ":" .. r2 end
            end
          end
          sig = table.concat(parts, ",")
        end
        if not sig or not seen[sig] then
          if sig then seen[sig] = true end
          kept[#kept + 1] = cand
        end
      end
      cands = kept
    end
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
        repeats = repeats + cand.held
      else
        empties[t] = empties[t] + 1
      end
      if ended then
        for _, cl in ipairs(live) do
          if not within(cl) then fine = false; break end
        end
        if fine and steps > #slots then -- (only once the search has had to go back)
          for _, g in ipairs(groups) do
            -- (the answer depends only on the meeting and the members'
            -- counts: remembered, as the search meets the same ones often)
            local key = { t }
            for _, q in ipairs(g.members) do
              key[#key + 1] = tot[q]
              for r2 = 1, nr do key[#key + 1] = c[q][r2] end
            end
            key = table.concat(key, ",")
            local ok = g.memo[key]
            if ok == nil then
              ok = M.counts_feasible(prob, g.members, c, tot, rem, remt, room(g, t + 1))
              g.memo[key] = ok
            end
            if not ok then fine = false; break end
          end
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
        repeats = repeats - cand.held
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
  go(1)
  if best then
    for t = 1, nt do assign[t] = best[t] end
  end
  return best and "found" or (stop and "budget" or "exhausted"), steps,
    { repeats = best_repeats, complete = not stop }
end

-- Pairs of turns of one person in one role within `gap` meetings: the
-- repeats the minimum gap asks to avoid, counted at (t, r) for p.
local function repeats_at(assign, p, r, t, gap, nt)
  local n = 0
  for s = math.max(1, t - gap), math.min(nt, t + gap) do
    if s ~= t and assign[s][r] == p then n = n + 1 end
  end
  return n
end

--- The repeats of a rota: pairs of turns of one person in one role at
--- most `gap` meetings apart.
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

-- Step 3a, local moves: when the first pass misses the bound, move single
-- turns for a class more than 1 apart: from one of its most assigned to
-- someone else, or to one of its least assigned from someone else, either
-- to or from someone free at that meeting or by swapping two people's
-- roles there. A move is taken only if it brings the live classes' counts
-- closer together (the sum of squared differences within each falls, so
-- this ends), the one adding fewest repeats first, then the one spreading
-- the classes proved impossible (`others`) least. When no single move
-- helps, a pair does: one that does not, then one that more than makes up
-- for it. It fixes most misses at once; the exact search decides the rest.
local function improve(prob, assign, gap, live, others)
  local np, nr, nt = #prob.people, #prob.roles, #prob.meetings
  local c, tot = {}, {}
  for p = 1, np do
    c[p] = {}
    for r = 1, nr do c[p][r] = prob.history[p] and prob.history[p][r] or 0 end
    tot[p] = prob.history_total[p] or 0
  end
  local holds = {} -- holds[t][p] = r
  for t = 1, nt do
    holds[t] = {}
    for r = 1, nr do
      local p = assign[t][r]
      if p then c[p][r] = c[p][r] + 1; tot[p] = tot[p] + 1; holds[t][p] = r end
    end
  end
  -- Each live class's spread is measured by K x (sum of squares) - sum^2
  -- (the sum of squared differences between its members): it falls when
  -- a turn goes from a most to a least assigned member, or into the class
  -- to its least assigned, or out of it from its most assigned.
  local role_class, total_class = {}, {}
  for p = 1, np do role_class[p] = {} end
  -- (the classes proved impossible are measured too, second: a move for
  -- the others should spread them as little as it can)
  local S1, S2, K, all = {}, {}, {}, table.move(live, 1, #live, 1, {})
  table.move(others or {}, 1, #(others or {}), #all + 1, all)
  for i, cl in ipairs(all) do
    S1[i], S2[i], K[i] = 0, 0, #cl.members
    for _, p in ipairs(cl.members) do
      local n
      if cl.scope == 0 then total_class[p] = i; n = tot[p] else role_class[p][cl.scope] = i; n = c[p][cl.scope] end
      S1[i], S2[i] = S1[i] + n, S2[i] + n * n
    end
  end
  local fixed, open = prob.fixed, prob.open
  local function movable(t, r)
    return not (fixed and fixed[t] and fixed[t][r]) and (open == nil or (open[t] and open[t][r]))
  end
  local d1, d2, touched = {}, {}, {}
  local function bump(i, n, d) -- a member of class i moves from n by d
    if not i then return end
    if not d1[i] then d1[i], d2[i] = 0, 0; touched[#touched + 1] = i end
    d1[i], d2[i] = d1[i] + d, d2[i] + (n + d) * (n + d) - n * n
  end
  local function settle() -- the change of the measure: live, others; resets
    local d, e = 0, 0
    for _, i in ipairs(touched) do
      local x = K[i] * d2[i] - (2 * S1[i] * d1[i] + d1[i] * d1[i])
      if i <= #live then d = d + x else e = e + x end
      d1[i], d2[i] = nil, nil
    end
    touched = {}
    return d, e
  end
  local function delta_give(h, l, r) -- h's turn in role r goes to l
    bump(role_class[h][r], c[h][r], -1)
    bump(role_class[l][r], c[l][r], 1)
    bump(total_class[h], tot[h], -1)
    bump(total_class[l], tot[l], 1)
    return settle()
  end
  local function delta_swap(h, l, r, r2) -- h: r -> r2, l: r2 -> r
    bump(role_class[h][r], c[h][r], -1)
    bump(role_class[h][r2], c[h][r2], 1)
    bump(role_class[l][r2], c[l][r2], -1)
    bump(role_class[l][r], c[l][r], 1)
    return settle()
  end
  local function apply(p, r, d) -- p's count of role r (and total) moves by d
    local i = role_class[p][r]
    if i then S1[i], S2[i] = S1[i] + d, S2[i] + (c[p][r] + d) * (c[p][r] + d) - c[p][r] * c[p][r] end
    c[p][r] = c[p][r] + d
  end
  local function apply_total(p, d)
    local i = total_class[p]
    if i then S1[i], S2[i] = S1[i] + d, S2[i] + (tot[p] + d) * (tot[p] + d) - tot[p] * tot[p] end
    tot[p] = tot[p] + d
  end
  local function free(q, t)
    return not holds[t][q] and not (prob.away[q] and prob.away[q][t])
  end
  -- consider giving (t, r) from h to l (r2 == nil), or swapping h's role
  -- r with l's role r2 at t: the best move whose change of the measure is
  -- below `limit`, fewest added repeats first; every move goes to `pool`
  -- when there is one
  local best, bd, be, bg, limit, pool
  local function consider(t, r, h, l, r2)
    local d, e
    if r2 then d, e = delta_swap(h, l, r, r2) else d, e = delta_give(h, l, r) end
    if pool then pool[#pool + 1] = { m = { t, r, h, l, r2 }, d = d, e = e } end
    if d >= limit then return end
    local g = repeats_at(assign, l, r, t, gap, nt) - repeats_at(assign, h, r, t, gap, nt)
    if r2 then g = g + repeats_at(assign, h, r2, t, gap, nt) - repeats_at(assign, l, r2, t, gap, nt) end
    if g < bg or (g == bg and (e < be or (e == be and d < bd))) then best, bd, be, bg = { t, r, h, l, r2 }, d, e, g end
  end
  local function move(m)
    local t, r, h, l, r2 = m[1], m[2], m[3], m[4], m[5]
    assign[t][r] = l
    apply(h, r, -1)
    apply(l, r, 1)
    holds[t][h], holds[t][l] = r2, r
    if r2 then
      assign[t][r2] = h
      apply(h, r2, 1)
      apply(l, r2, -1)
    else
      apply_total(h, -1)
      apply_total(l, 1)
    end
  end
  local function undo(m)
    local t, r, h, l, r2 = m[1], m[2], m[3], m[4], m[5]
    if r2 then move { t, r2, h, l, r } else move { t, r, l, h } end
  end
  local function scan(below)
    best, bd, be, bg, limit = nil, 0, 0, math.huge, below
    for _, cl in ipairs(live) do
      local scope = cl.scope
      local mx, mn = -math.huge, math.huge
      for _, p in ipairs(cl.members) do
        local n = scope == 0 and tot[p] or c[p][scope]
        if n > mx then mx = n end
        if n < mn then mn = n end
      end
      if mx - mn > 1 then
        for _, x in ipairs(cl.members) do
          local n = scope == 0 and tot[x] or c[x][scope]
          for t = 1, nt do
            local rx = holds[t][x]
            if n == mx and rx and (scope == 0 or rx == scope) and movable(t, rx) then
              -- a turn of the most assigned goes to someone else
              for q = 1, np do
                if q ~= x then
                  local rq = holds[t][q]
                  if not rq then
                    if free(q, t) and can(prob, q, rx, t) then consider(t, rx, x, q) end
                  elseif scope ~= 0 and movable(t, rq) and can(prob, x, rq, t) and can(prob, q, rx, t) then
                    consider(t, rx, x, q, rq)
                  end
                end
              end
            elseif n == mn then
              -- the least assigned takes a turn from someone else
              for r = 1, nr do
                local q = assign[t][r]
                if q and q ~= x and (scope == 0 or r == scope) and movable(t, r) and can(prob, x, r, t) then
                  if not rx then
                    if free(x, t) then consider(t, r, q, x) end
                  elseif scope ~= 0 and movable(t, rx) and can(prob, q, rx, t) then
                    consider(t, r, q, x, rx)
                  end
                end
              end
            end
          end
        end
      end
    end
    return best
  end
  for _ = 1, 4 * nt * nr do
    pool = {}
    local m = scan(0)
    if m then
      move(m)
    else
      -- no single move helps: a move that does not, followed by one that
      -- more than makes up for it (the measure still falls, so this ends)
      local tried = pool
      pool = nil
      table.sort(tried, function(a, b) return a.d < b.d or (a.d == b.d and a.e < b.e) end)
      for i = 1, math.min(#tried, 40) do
        local m1 = tried[i].m
        move(m1)
        local m2 = scan(-tried[i].d)
        if m2 then move(m2); m = m2; break end
        undo(m1)
      end
      if not m then return end
    end
  end
end

--- The first pass alone (step 1): assign, fill. `lua_only`: without C.
function M.first_pass(prob, gap, lua_only)
  local assign = {}
  local fill = first_pass(prob, assign, gap, lua_only)
  return assign, fill
end

-- Does the rota miss the bound in a class where it can hold?
local function misses(prob, fair)
  for _, ch in ipairs(fair.checks) do
    if not ch.ok and not M.hopeless(prob)[ch.class] then return true end
  end
  return false
end

--- Solves prob. Returns { assign = assign[t][r] = p or false, reasons =
--- reasons[t][r] for unfilled slots, search = nil (the first pass met the
--- bound) or { status = "found"|"exhausted"|"budget", steps = n, repeats
--- = repeats of the rota used, fewest = true when no fair rota has fewer },
--- fair = the fairness of the result (as M.fairness) }.
function M.solve(prob)
  local gap = prob.min_gap or 1
  local assign = {}
  local fill = first_pass(prob, assign, gap)
  prob._fill = fill
  local search
  local fair = M.fairness(prob, assign)
  if misses(prob, fair) then
    local live, others, hopeless = {}, {}, M.hopeless(prob)
    for i, cl in ipairs(M.classes(prob)) do
      if hopeless[i] then others[#others + 1] = cl else live[#live + 1] = cl end
    end
    local clock0 = os.clock()
    improve(prob, assign, gap, live, others)
    local opts = { steps = prob.budget, seconds = prob.seconds or M.SECONDS }
    local trial = {}
    local unfair = misses(prob, M.fairness(prob, assign))
    if unfair and not M.shares_feasible(prob, clock0 + opts.seconds / 2) then
      -- the classes' shares cannot add up: impossible, without searching
      search = { status = "exhausted", steps = 0, shares = true, repeats = M.repeats(prob, assign, gap) }
    elseif unfair then
      opts.seconds = math.max(0, opts.seconds - (os.clock() - clock0)) -- (what the proofs left)
      local status, steps, info = M.search(prob, trial, fill, gap, opts)
      if status == "found" then assign = trial end
      search = { status = status, steps = steps, repeats = info.repeats or M.repeats(prob, assign, gap),
                 fewest = status == "found" and info.complete }
    else
      -- fair already: the search only looks for fewer repeats
      local n = M.repeats(prob, assign, gap)
      search = { status = "found", steps = 0, repeats = n, fewest = n == 0 }
      if n > 0 then
        opts.limit, opts.seconds = n, math.min(opts.seconds or M.SECONDS, M.REPEAT_SECONDS)
        local status, steps, info = M.search(prob, trial, fill, gap, opts)
        if status == "found" then assign = trial; search.repeats = info.repeats end
        search.steps, search.fewest = steps, info.complete
      end
    end
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
      if hp and hp.counts then
        entry.impossible = true
        local had = {}
        for _, p in ipairs(hp.members) do
          local parts = {}
          for r2 = 1, nr do
            if prob.eligible[p][r2] == true then
              parts[#parts + 1] = ("%s %d"):format(prob.roles[r2], c[p][r2] - plan[p][r2])
            end
          end
          parts[#parts + 1] = ("in all %d"):format(tot[p] - ptot[p])
          had[#had + 1] = prob.people[p].id .. ": " .. table.concat(parts, ", ")
        end
        entry.why = ("impossible: %s are in the same position (days, FTE, roles), and no share of the %d turns open to them brings every role and the total within 1 at once; before this plan %s")
          :format(names(prob, hp.members, 6), hp.open, table.concat(had, "; "))
      elseif hp then
        entry.impossible = true
        entry.why = ("impossible: before this plan %s had %d %s and %s had %d; the %d meetings left open to %s cannot close a gap of more than 1")
          :format(prob.people[hp.hi].id, hp.had_hi, what, prob.people[hp.lo].id, hp.had_lo, hp.more, prob.people[hp.lo].id)
      elseif search and search.shares then
        entry.impossible = true
        entry.why = ("impossible with the other rules: %s has %d, %s has %d; the turns each group of people in the same position needs to come within 1 add up to more (or fewer) than the meetings can give them (a proof from counts)")
          :format(prob.people[hi].id, mx, prob.people[lo].id, mn)
      elseif search and search.status == "exhausted" then
        entry.impossible = true
        entry.why = ("impossible with the other rules: %s has %d, %s has %d, and an exhaustive search (%d steps) found no rota that keeps every role and the total within 1 while filling every fillable slot")
          :format(prob.people[hi].id, mx, prob.people[lo].id, mn, search.steps)
      elseif search and search.status == "budget" then
        entry.why = ("not reached: %s has %d, %s has %d; the exact search stopped at its time limit (%g s, %d steps) without finding a fairer rota or proving there is none")
          :format(prob.people[hi].id, mx, prob.people[lo].id, mn, prob.seconds or M.SECONDS, search.steps)
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
