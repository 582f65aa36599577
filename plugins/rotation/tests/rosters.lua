-- Random small rosters and brute force over them, shared by the rotation
-- property tests (not a test file itself).

local M = {}

-- A random roster: n people, k roles, m meetings, some eligibility and
-- absences, a little history.
function M.random_problem(seed)
  math.randomseed(seed)
  local n, k, m = math.random(2, 9), math.random(1, 4), math.random(1, 16)
  local prob = { people = {}, roles = {}, meetings = {}, eligible = {}, away = {}, history = {},
                 history_total = {}, min_gap = math.random(0, 2) }
  for r = 1, k do prob.roles[r] = "role" .. r end
  for t = 1, m do prob.meetings[t] = ("2026-09-%02d"):format(t) end
  for p = 1, n do
    prob.people[p] = { id = "P" .. p, fte = math.random() < 0.2 and 0.5 or 1 }
    prob.eligible[p], prob.away[p], prob.history[p] = {}, {}, {}
    for r = 1, k do
      prob.eligible[p][r] = math.random() < 0.8 or "not eligible"
      prob.history[p][r] = math.random() < 0.2 and math.random(0, 3) or 0
    end
    local sum = 0
    for r = 1, k do sum = sum + prob.history[p][r] end
    prob.history_total[p] = sum
    for t = 1, m do prob.away[p][t] = (math.random() < 0.15) and "away" or nil end
  end
  return prob
end

-- Most slots an arrangement can fill, meeting by meeting (exhaustive).
function M.max_fill(prob, t)
  local best, used = 0, {}
  local function go(r, filled)
    if r > #prob.roles then best = math.max(best, filled); return end
    go(r + 1, filled)
    for p = 1, #prob.people do
      if not used[p] and prob.eligible[p][r] == true and not prob.away[p][t] then
        used[p] = true; go(r + 1, filled + 1); used[p] = false
      end
    end
  end
  go(1, 0)
  return best
end

-- Every arrangement of a small roster, meeting by meeting: each meeting's
-- ways of filling its most-filled count, all combined. Calls fn(ok,
-- assign) for each until fn returns true, where ok[i] says whether class
-- check i of scheduler.classes(prob) is within 1 (the counts are kept as
-- the enumeration goes, history included); returns whether fn did, or
-- nil when there are more than `limit` combinations.
function M.every_rota(prob, classes, limit, fn)
  local np, nr, nt = #prob.people, #prob.roles, #prob.meetings
  local per, total = {}, 1
  for t = 1, nt do
    local ways, best, cur, used = {}, M.max_fill(prob, t), {}, {}
    local function go(r, filled)
      if r > nr then
        if filled == best then ways[#ways + 1] = table.move(cur, 1, nr, 1, {}) end
        return
      end
      cur[r] = false; go(r + 1, filled)
      for p = 1, np do
        if not used[p] and prob.eligible[p][r] == true and not prob.away[p][t] then
          used[p] = true; cur[r] = p; go(r + 1, filled + 1); used[p] = false
        end
      end
    end
    go(1, 0)
    per[t] = ways
    total = total * #ways
    if total > limit then return nil end
  end
  local c, tot = {}, {}
  for p = 1, np do
    c[p] = {}
    for r = 1, nr do c[p][r] = prob.history[p][r] or 0 end
    tot[p] = prob.history_total[p] or 0
  end
  local assign, ok = {}, {}
  local function add(w, d)
    for r = 1, nr do
      local p = w[r]
      if p then c[p][r], tot[p] = c[p][r] + d, tot[p] + d end
    end
  end
  local function go(t)
    if t > nt then
      for i, cl in ipairs(classes) do
        local mx, mn = -math.huge, math.huge
        for _, p in ipairs(cl.members) do
          local n = cl.scope == 0 and tot[p] or c[p][cl.scope]
          if n > mx then mx = n end
          if n < mn then mn = n end
        end
        ok[i] = mx - mn <= 1
      end
      return fn(ok, assign)
    end
    for _, w in ipairs(per[t]) do
      assign[t] = w
      add(w, 1)
      local stop = go(t + 1)
      add(w, -1)
      if stop then return true end
    end
    return false
  end
  return go(1)
end

return M
