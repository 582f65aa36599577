-- Step 2 of a fair rota: the bound, and the proofs from counts alone.
--
-- The bound: among people who can do the same things, are in on the same
-- days and work the same FTE (a class), the most and least assigned differ
-- by at most 1, per role and in total, history included. Where a rota
-- misses it, the proofs below say whether any rota could meet it: a class
-- is hopeless when history leaves a gap the turns left cannot close, or
-- when its per-role and total counts cannot all come within 1 whatever
-- share of the turns it gets (a small flow per choice of levels:
-- M.counts_feasible); and the classes' shares may fail to add up together
-- (M.shares_feasible). Pure: nothing here reads the store or prints.

local problem = require("scheduler.problem")
local flow = require("scheduler.flow")

local decidable, can, base_counts = problem.decidable, problem.can, problem.base_counts
local possible, max_fill, circulation = problem.open_turns, problem.max_fill, flow.circulation

local M = {}

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

local BIG = 1e6

-- The turns a class (same days, FTE and roles) can still get from each
-- meeting t0 on: rooms[t0] = { lo = { [r] = n }, hi =, tlo =, thi =, least
-- = { [p] = n } }: per role at most hi[r] (slots a member could take) and
-- at least lo[r] (slots that must be filled and only a member can take);
-- in all, at most thi (one per free member per meeting) and at least tlo
-- (what the others cannot fill); least[p]: meetings where every free
-- member must hold a role. fill[t]: the slots meeting t must fill.
function M.class_rooms(prob, members, fill)
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
        local y = M.class_rooms(prob, cl.members, fill)[1]
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
function M.top_and_reach(members, r, c, tot, rem, remt)
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
function M.live_groups(prob)
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
  local groups = M.live_groups(prob)
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
    local y = M.class_rooms(prob, g.members, fill)[1]
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
      local mx, reach = M.top_and_reach(g.members, r, c, tot, rem, remt)
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

return M
