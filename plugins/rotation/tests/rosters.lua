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
-- ways of filling its most-filled count, all combined. Calls fn(assign)
-- for each until fn returns true; returns whether one did, or nil when
-- there are more than `limit` combinations.
function M.every_rota(prob, limit, fn)
  local per, total = {}, 1
  for t = 1, #prob.meetings do
    local ways, best, cur, used = {}, M.max_fill(prob, t), {}, {}
    local function go(r, filled)
      if r > #prob.roles then
        if filled == best then ways[#ways + 1] = table.move(cur, 1, #prob.roles, 1, {}) end
        return
      end
      cur[r] = false; go(r + 1, filled)
      for p = 1, #prob.people do
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
  local assign = {}
  local function go(t)
    if t > #prob.meetings then return fn(assign) end
    for _, w in ipairs(per[t]) do
      assign[t] = w
      if go(t + 1) then return true end
    end
    return false
  end
  return go(1)
end

return M
