-- Step 1 of a fair rota: meeting by meeting, in date order, give each role
-- to someone who can hold it, preferring whoever has held it least so far
-- (per FTE), then whoever has led least in total, then whoever held it
-- longest ago, avoiding a repeat within the minimum gap. The scarcest role
-- is given first; when that leaves a role empty that had candidates, the
-- meeting is filled again by an exact minimum-cost assignment (the
-- Hungarian method, ties broken in a stated order), so a tight meeting is
-- filled whenever any arrangement fills it.
--
-- The plugin runs this pass in C (baton.rota.first_pass, core/solve/rota.c,
-- through scheduler/first_pass.lua), with or without fixed turns. This Lua
-- pass, with its own Hungarian method, is kept only as the oracle the
-- tests compare the C pass with, slot for slot (tests/exact_test.lua):
-- written separately, from the same description, it catches a C pass that
-- drifts. It is not loaded by the plugin.

local problem = require("scheduler.problem")

local decidable, can, cost = problem.decidable, problem.can, problem.cost
local FORBID, GAP, TOTAL = problem.FORBID, problem.GAP, problem.TOTAL

local M = {}

--- The assignment of one meeting's roles (rows) to people (columns) of
--- least total cost: the Hungarian method with potentials, O(rows^2 x
--- cols).
---@param costs number[][] costs[row][col], rows 1..nrows, cols 1..ncols
---@param nrows integer
---@param ncols integer at least nrows
---@return integer[] col_of_row
function M.hungarian(costs, nrows, ncols)
  local row_pot, col_pot, row_of_col, way = {}, {}, {}, {}
  for j = 0, ncols do col_pot[j] = 0; row_of_col[j] = 0; way[j] = 0 end
  for i = 0, nrows do row_pot[i] = 0 end
  local slack, used = {}, {}
  for i = 1, nrows do
    row_of_col[0] = i
    local j0 = 0
    for j = 0, ncols do slack[j] = math.huge; used[j] = false end
    repeat
      used[j0] = true
      local i0, delta, j1 = row_of_col[j0], math.huge, 0
      local row = costs[i0]
      for j = 1, ncols do
        if not used[j] then
          local cur = row[j] - row_pot[i0] - col_pot[j]
          if cur < slack[j] then slack[j] = cur; way[j] = j0 end
          if slack[j] < delta then delta = slack[j]; j1 = j end
        end
      end
      for j = 0, ncols do
        if used[j] then
          row_pot[row_of_col[j]] = row_pot[row_of_col[j]] + delta
          col_pot[j] = col_pot[j] - delta
        else
          slack[j] = slack[j] - delta
        end
      end
      j0 = j1
    until row_of_col[j0] == 0
    repeat
      local j1 = way[j0]
      row_of_col[j0] = row_of_col[j1]
      j0 = j1
    until j0 == 0
  end
  local col_of_row = {}
  for j = 1, ncols do
    if row_of_col[j] ~= 0 then col_of_row[row_of_col[j]] = j end
  end
  return col_of_row
end

-- Who may hold each role: eligible[r] = { p, ... } in input order.
local function eligible_by_role(prob)
  local by_role = {}
  for r = 1, #prob.roles do
    by_role[r] = {}
    for p = 1, #prob.people do
      if prob.eligible[p][r] == true then table.insert(by_role[r], p) end
    end
  end
  return by_role
end

-- Sorts the roles of `list` scarcest first (fewest free candidates at
-- meeting t; an insertion sort, as a meeting has few roles). Returns the
-- number of candidates of each role.
local function scarcest_first(list, busy, t, eligible, away)
  local ncand = {}
  for i, r in ipairs(list) do
    local n = 0
    for _, p in ipairs(eligible[r]) do
      if not busy[p] and not (away[p] and away[p][t]) then n = n + 1 end
    end
    ncand[r] = n
    local j = i - 1
    while j >= 1 and ncand[list[j]] > n do list[j + 1] = list[j]; j = j - 1 end
    list[j + 1] = r
  end
  return ncand
end

-- The rows of costs (costs[i][p], FORBID where i may not have p) solved
-- with some pinned first (pin[i] = p, or false: none) and the rest by the
-- Hungarian method, its forbidden cells set to a cost that outweighs any
-- difference in the others. Returns col (col[i] = p or nil), the slots
-- filled, and their total cost, summed in row order.
local function solve_pinned(costs, nrows, np, pin)
  local rows, cols, taken = {}, {}, {}
  for i = 1, nrows do
    if pin[i] then taken[pin[i]] = true elseif pin[i] == nil then rows[#rows + 1] = i end
  end
  for p = 1, np do if not taken[p] then cols[#cols + 1] = p end end
  local most = 0
  for _, i in ipairs(rows) do
    for _, p in ipairs(cols) do
      if costs[i][p] < FORBID and costs[i][p] > most then most = costs[i][p] end
    end
  end
  local forbid, ncols, m = (#rows + 1) * most + 1, math.max(#cols, #rows), {}
  for a, i in ipairs(rows) do
    local row = {}
    for b = 1, ncols do
      local p = cols[b]
      row[b] = (p and costs[i][p] < FORBID) and costs[i][p] or forbid
    end
    m[a] = row
  end
  local col_of = M.hungarian(m, #rows, ncols)
  local col, filled, total = {}, 0, 0
  for i = 1, nrows do if pin[i] then col[i] = pin[i] end end
  for a, i in ipairs(rows) do
    local b = col_of[a]
    if m[a][b] < forbid then col[i] = cols[b] end
  end
  for i = 1, nrows do
    if col[i] then filled = filled + 1; total = total + costs[i][col[i]] end
  end
  return col, filled, total
end

-- Fills meeting t's decidable roles (`list`) again, when the greedy choice
-- left one empty that had candidates: the most slots at the least total
-- cost, and among totals within 1e-9 (plus the rounding of the sum), the
-- first in this order: role by role in `list`, each to the lowest-numbered
-- person it can have, a person before none (as core/solve/rota.c).
local function fill_exactly(prob, list, busy, at, counts, totals, last, assign, t, gap)
  local np, nt = #prob.people, #prob.meetings
  for _, r in ipairs(list) do at[r] = nil end
  local costs = {}
  for i, r in ipairs(list) do
    local row = {}
    for p = 1, np do
      if busy[p] or not can(prob, p, r, t) then row[p] = FORBID
      else row[p] = cost(prob, counts, totals, last, assign, p, r, t, gap, nt) end
    end
    costs[i] = row
  end
  local n, pin = #list, {}
  local col, most, least = solve_pinned(costs, n, np, pin)
  local margin = 1e-9 + 4 * (n + 1) * 2^-52 * math.abs(least)
  for i = 1, n do
    for p = 1, (col[i] or np + 1) - 1 do
      local earlier = false
      for k = 1, i - 1 do if pin[k] == p then earlier = true end end
      if costs[i][p] < FORBID and not earlier then
        pin[i] = p
        local trial, filled, total = solve_pinned(costs, n, np, pin)
        if filled == most and total <= least + margin then col = trial; break end
      end
    end
    pin[i] = col[i] or false
  end
  for i, r in ipairs(list) do at[r] = col[i] end
end

--- The first pass in Lua. Fills assign[t][r] (a person, or false for a
--- slot nobody could take) for every decidable slot, keeping the fixed
--- ones.
---@param prob table the problem (scheduler/problem.lua)
---@param assign table filled in
---@param gap integer the minimum gap
---@return integer[] fill fill[t]: the slots meeting t filled, the most any arrangement fills there
function M.in_lua(prob, assign, gap)
  local np, nt = #prob.people, #prob.meetings
  local counts, totals = problem.base_counts(prob)
  local last = {} -- last[p][r]: the meeting p last held r
  for p = 1, np do last[p] = {} end
  local fill = {}
  local away, fixed, per_fte = prob.away, prob.fixed, {}
  for p = 1, np do per_fte[p] = 1 / prob.people[p].fte end
  local age_weight = 1e-3 / (2 * nt + 1)
  local eligible = eligible_by_role(prob)
  -- A meeting nobody misses, outside a repair, has the same candidates and
  -- the same order of roles as every other such meeting.
  local someone_away = {}
  for p = 1, np do
    for t in pairs(away[p] or {}) do someone_away[t] = true end
  end
  local taken = {} -- taken[p] == t: p holds a role at meeting t
  local plain = fixed == nil and prob.open == nil
  local plain_list, plain_busy, plain_ncand
  if plain then
    plain_list, plain_busy = decidable(prob, 1)
    plain_ncand = scarcest_first(plain_list, plain_busy, 0, eligible, away)
  end
  for t = 1, nt do
    local list, busy, ncand
    if plain and not someone_away[t] then
      list, busy, ncand = plain_list, plain_busy, plain_ncand
    else
      list, busy = decidable(prob, t)
      ncand = scarcest_first(list, busy, t, eligible, away)
    end
    local at = {}
    for r, p in pairs(fixed and fixed[t] or {}) do at[r] = p end
    assign[t] = at
    local short = false
    for _, r in ipairs(list) do
      local best, chosen = math.huge, nil
      for _, p in ipairs(eligible[r]) do
        if not busy[p] and taken[p] ~= t and not (away[p] and away[p][t]) then
          local v
          if fixed then
            v = cost(prob, counts, totals, last, assign, p, r, t, gap, nt)
          else
            -- cost(), inlined: this loop runs for every person, role and meeting
            local l, f = last[p][r], per_fte[p]
            v = ((l and t - l <= gap) and GAP or 0) + (2 * counts[p][r] + 1) * f + TOTAL * (2 * totals[p] + 1) * f
              + age_weight * ((l or -nt) + nt) + 1e-7 * p
          end
          if v < best then best, chosen = v, p end
        end
      end
      if chosen then taken[chosen] = t; at[r] = chosen
      elseif ncand[r] > 0 then short = true end
    end
    if short then fill_exactly(prob, list, busy, at, counts, totals, last, assign, t, gap) end
    local n = 0
    for _, r in ipairs(list) do
      local p = at[r]
      if p then
        n = n + 1
        counts[p][r] = counts[p][r] + 1
        totals[p] = totals[p] + 1
        last[p][r] = t
      else
        at[r] = false
      end
    end
    fill[t] = n
  end
  return fill
end

--- The first pass in Lua, as scheduler.first_pass(prob, gap) returns it.
---@param prob table
---@param gap integer the minimum gap
---@return table assign assign[t][r] = p, false, or nil (neither fixed nor open)
---@return integer[] fill fill[t]: the slots meeting t decided and filled
function M.run(prob, gap)
  local assign = {}
  return assign, M.in_lua(prob, assign, gap)
end

return M
