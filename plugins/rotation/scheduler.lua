-- The fair rota, as a coordinator would draw it up, made exact.
--
--   1. Meeting by meeting, in date order, give each role to someone who
--      can hold it: eligible, in school that day, not already holding
--      another role at this meeting. Among them, prefer whoever has held
--      this role least so far (history included, in proportion to their
--      FTE), then whoever has led least in total, then whoever held it
--      longest ago; avoid anyone who held the same role within the last
--      `min_gap` meetings unless nobody else can.
--      The roles of one meeting are filled together by an exact minimum-
--      cost assignment (the Hungarian method), so a tight meeting where
--      "give each role to its first candidate" would leave a gap is
--      filled whenever any arrangement fills it.
--   2. Even things out: move a role from the person who holds it most to
--      one who holds it least (or trade roles at one meeting) while that
--      makes the counts fairer, without breaking a rule.
--   3. Check the result against the bound: among people who can do the
--      same things, are in on the same days and work the same FTE, the
--      most and least assigned differ by at most 1, per role and in total.
--      Where that is impossible, say why (usually: history).
--
-- Everything here is pure: people, roles, meetings and constraints in,
-- assignments and explanations out. init.lua reads and writes the store.

local M = {}

local FORBID = 1e9 -- a cell the assignment must not use
local GAP = 1e5 -- holding the same role again too soon
local TOTAL = 0.5 -- weight of the total count beside the role's own count

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

local function count_setup(prob)
  local np, nr = #prob.people, #prob.roles
  local c, tot = {}, {}
  for p = 1, np do
    c[p] = {}
    for r = 1, nr do c[p][r] = (prob.history[p] and prob.history[p][r]) or 0 end
    tot[p] = prob.history_total[p] or 0
  end
  return c, tot
end

-- How many times p holds role r within min_gap meetings of t (not t).
local function near(assign, p, r, t, gap, nt)
  if gap <= 0 then return 0 end
  local n = 0
  for s = math.max(1, t - gap), math.min(nt, t + gap) do
    if s ~= t and assign[s][r] == p then n = n + 1 end
  end
  return n
end

--- Solves prob. Returns { assign = assign[t][r] = p or false, reasons =
--- reasons[t][r] for unfilled slots }.
function M.solve(prob)
  local np, nr, nt = #prob.people, #prob.roles, #prob.meetings
  local gap = prob.min_gap or 1
  local c, tot = count_setup(prob)
  local last = {} -- last[p][r]: the meeting index p last held r (this plan)
  for p = 1, np do last[p] = {} end
  local assign, reasons = {}, {}
  local fixed, open = prob.fixed or {}, prob.open
  local fte = {}
  for p = 1, np do fte[p] = prob.people[p].fte end

  -- Step 1: meeting by meeting.
  local ncols = math.max(np, nr)
  local cost = {}
  for r = 1, nr do cost[r] = {} end
  for t = 1, nt do
    local row_fixed = fixed[t] or {}
    local busy = {}
    for r = 1, nr do
      local p = row_fixed[r]
      if p then busy[p] = true end
    end
    local rows, rowrole = 0, {}
    for r = 1, nr do
      if row_fixed[r] == nil and (open == nil or (open[t] and open[t][r])) then
        rows = rows + 1
        rowrole[rows] = r
        local row = cost[rows]
        for p = 1, ncols do
          if p > np or busy[p] or prob.eligible[p][r] ~= true or (prob.away[p] and prob.away[p][t]) then
            row[p] = FORBID
          else
            local cp = c[p][r]
            local held = 0
            if gap > 0 and last[p][r] and t - last[p][r] <= gap then held = 1 end
            -- later meetings (fixed ones, in a repair) count too
            if gap > 0 then
              for s = t + 1, math.min(nt, t + gap) do
                if fixed[s] and fixed[s][r] == p then held = held + 1 end
              end
            end
            row[p] = GAP * held + (2 * cp + 1) / fte[p] + TOTAL * (2 * tot[p] + 1) / fte[p]
              + 1e-3 * ((last[p][r] or -nt) + nt) / (2 * nt + 1) + 1e-7 * p
          end
        end
      end
    end
    assign[t] = {}
    for r = 1, nr do
      local p = row_fixed[r]
      if p then assign[t][r] = p end
    end
    if rows > 0 then
      local col = M.hungarian(cost, rows, ncols)
      for i = 1, rows do
        local r, p = rowrole[i], col[i]
        if p and p <= np and cost[i][p] < FORBID then
          assign[t][r] = p
        else
          assign[t][r] = false
          reasons[t] = reasons[t] or {}
          reasons[t][r] = true -- explained below, with the final plan
        end
      end
    end
    for r = 1, nr do
      local p = assign[t][r]
      if p then
        c[p][r] = c[p][r] + 1
        tot[p] = tot[p] + 1
        last[p][r] = t
      end
    end
  end

  -- Step 2: even out.
  M.balance(prob, assign, c, tot, gap)

  for t, rs in pairs(reasons) do
    for r in pairs(rs) do rs[r] = M.why_unfilled(prob, assign, t, r) end
  end
  return { assign = assign, reasons = reasons }
end

--- Local moves that lower sum(count^2 / fte) per role and in total (the
--- fair share in proportion to FTE minimises it), never adding a repeat
--- within the gap and never touching fixed slots or slots outside `open`.
function M.balance(prob, assign, c, tot, gap)
  local np, nr, nt = #prob.people, #prob.roles, #prob.meetings
  local fixed, open = prob.fixed or {}, prob.open
  local el, away = prob.eligible, prob.away
  local f = {}
  for p = 1, np do f[p] = prob.people[p].fte end
  local function movable(t, r)
    return not (fixed[t] and fixed[t][r]) and (open == nil or (open[t] and open[t][r]))
  end
  local function free(q, t)
    for r = 1, nr do if assign[t][r] == q then return false end end
    return true
  end
  local function can(q, r, t)
    return el[q][r] == true and not (away[q] and away[q][t])
  end
  for _ = 1, 50 do
    local improved = false
    for t = 1, nt do
      for r = 1, nr do
        local p = assign[t][r]
        if p and movable(t, r) then
          local best, bq, bkind, br2 = -1e-9, nil, nil, nil
          local gp = near(assign, p, r, t, gap, nt)
          for q = 1, np do
            if q ~= p and can(q, r, t) then
              if free(q, t) then
                local d = (2 * c[q][r] + 1) / f[q] - (2 * c[p][r] - 1) / f[p]
                  + TOTAL * ((2 * tot[q] + 1) / f[q] - (2 * tot[p] - 1) / f[p])
                  + GAP * (near(assign, q, r, t, gap, nt) - gp)
                if d < best then best, bq, bkind = d, q, "move" end
              else
                -- q holds another role r2 here: trade, if p can hold r2
                for r2 = 1, nr do
                  if assign[t][r2] == q and r2 ~= r and movable(t, r2) and can(p, r2, t) then
                    local d = (2 * c[q][r] + 1) / f[q] - (2 * c[p][r] - 1) / f[p]
                      + (2 * c[p][r2] + 1) / f[p] - (2 * c[q][r2] - 1) / f[q]
                    assign[t][r], assign[t][r2] = q, p
                    d = d + GAP * (near(assign, q, r, t, gap, nt) + near(assign, p, r2, t, gap, nt))
                    assign[t][r], assign[t][r2] = p, q
                    d = d - GAP * (gp + near(assign, q, r2, t, gap, nt))
                    if d < best then best, bq, bkind, br2 = d, q, "trade", r2 end
                  end
                end
              end
            end
          end
          if bq then
            improved = true
            if bkind == "move" then
              assign[t][r] = bq
              c[p][r], c[bq][r] = c[p][r] - 1, c[bq][r] + 1
              tot[p], tot[bq] = tot[p] - 1, tot[bq] + 1
            else
              assign[t][r], assign[t][br2] = bq, p
              c[p][r], c[bq][r] = c[p][r] - 1, c[bq][r] + 1
              c[bq][br2], c[p][br2] = c[bq][br2] - 1, c[p][br2] + 1
            end
          end
        end
      end
    end
    if not improved then break end
  end
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

-- Lowest possible spread when x more turns go to people whose counts are
-- h (each turn to whoever has fewest), ignoring every other rule.
local function waterfill(h, x)
  local v = {}
  for i, n in ipairs(h) do v[i] = n end
  for _ = 1, x do
    local lo = 1
    for i = 2, #v do if v[i] < v[lo] then lo = i end end
    v[lo] = v[lo] + 1
  end
  local mn, mx = math.huge, -math.huge
  for _, n in ipairs(v) do mn = math.min(mn, n); mx = math.max(mx, n) end
  return mx - mn
end

--- Counts per person and role (history + plan) and the bound achieved.
--- Returns { counts = counts[p][r], plan = plan[p][r], total = total[p],
--- bound = worst spread, checks = { { scope, people, spread, ok, why } } }.
function M.fairness(prob, assign)
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
    for r = 1, nr do
      local p = assign[t][r]
      if p then
        plan[p][r] = plan[p][r] + 1
        c[p][r] = c[p][r] + 1
        tot[p] = tot[p] + 1
        ptot[p] = ptot[p] + 1
      end
    end
  end
  -- People are comparable when they are in on the same meetings and work
  -- the same FTE (and, for a role, are eligible for it).
  local avail = {}
  for p = 1, np do
    local b = {}
    for t = 1, nt do b[t] = (prob.away[p] and prob.away[p][t]) and "0" or "1" end
    avail[p] = table.concat(b)
  end
  local checks, bound = {}, 0
  local function check(scope, key_of, count_of, plan_of)
    local classes, order = {}, {}
    for p = 1, np do
      local key = key_of(p)
      if key then
        if not classes[key] then classes[key] = {}; order[#order + 1] = key end
        table.insert(classes[key], p)
      end
    end
    for _, key in ipairs(order) do
      local ps = classes[key]
      if #ps >= 2 then
        local mn, mx, lo, hi, h, x = math.huge, -math.huge, nil, nil, {}, 0
        for _, p in ipairs(ps) do
          local n = count_of(p)
          if n < mn then mn, lo = n, p end
          if n > mx then mx, hi = n, p end
          h[#h + 1] = n - plan_of(p)
          x = x + plan_of(p)
        end
        local spread = mx - mn
        bound = math.max(bound, spread)
        local entry = { scope = scope, people = ps, spread = spread, ok = spread <= 1 }
        if spread > 1 then
          local best = waterfill(h, x)
          if best > 1 then
            entry.why = ("impossible: before this plan %s had %d and %s had %d; the %d turns this plan gives them can bring the gap down to %d at best")
              :format(prob.people[hi].id, count_of(hi) - plan_of(hi), prob.people[lo].id,
                count_of(lo) - plan_of(lo), x, best)
            entry.impossible = true
          else
            entry.why = ("not reached: %s has %d, %s has %d; the rules (one role per meeting, the minimum gap, the other roles) left no fairer arrangement that this planner found")
              :format(prob.people[hi].id, mx, prob.people[lo].id, mn)
          end
        end
        checks[#checks + 1] = entry
      end
    end
  end
  -- People are in the same position when they are in on the same
  -- meetings, work the same FTE and may hold the same roles: only then can
  -- any turn of one be given to the other.
  local function position(p)
    local e = {}
    for r = 1, nr do e[r] = prob.eligible[p][r] == true and "1" or "0" end
    return prob.people[p].fte .. "|" .. avail[p] .. "|" .. table.concat(e)
  end
  for r = 1, nr do
    check(prob.roles[r], function(p)
      return prob.eligible[p][r] == true and position(p) or nil
    end, function(p) return c[p][r] end, function(p) return plan[p][r] end)
  end
  check("total", position, function(p) return tot[p] end, function(p) return ptot[p] end)
  return { counts = c, plan = plan, total = tot, plan_total = ptot, bound = bound, checks = checks }
end

return M
