-- The fair rota, as a coordinator would draw it up, made exact.
--
--   1. Meeting by meeting, in date order, give each role to someone who
--      can hold it: eligible, in school that day, not already holding
--      another role at this meeting. Among them, prefer whoever has held
--      this role least so far (history included, in proportion to their
--      FTE), then whoever has led least in total, then whoever held it
--      longest ago; avoid anyone who held the same role within the last
--      `min_gap` meetings unless nobody else can (scheduler/first_pass.lua:
--      in C, core/solve/rota.c, for a plan and a repair alike).
--   2. Check the result against the bound: among people in the same
--      position (a class), the most and least assigned differ by at most
--      1, per role and in total. Where it is missed, first the proofs from
--      counts alone (scheduler/bounds.lua).
--   3. Local moves between people at the same meeting while the classes'
--      spreads shrink (scheduler/moves.lua). Then, if the bound is still
--      missed where it can hold: the classes' shares together, and the
--      exact search, which finds a rota, proves that none exists, or stops
--      at its time limit and says so; once fair, it looks for fewer repeats
--      (scheduler/search.lua).
--   4. Say why: why a slot is empty, and where the bound is impossible,
--      what proves it (scheduler/explain.lua).
--
-- Everything here is pure: people, roles, meetings and constraints in
-- (the problem: scheduler/problem.lua), assignments and explanations out.
-- The plugin's init.lua reads and writes the store.

local problem = require("scheduler.problem")
local first_pass = require("scheduler.first_pass")
local bounds = require("scheduler.bounds")
local moves = require("scheduler.moves")
local search = require("scheduler.search")
local explain = require("scheduler.explain")

local M = {}

M.SECONDS = search.SECONDS -- CPU seconds the exact search may take for one group
M.REPEAT_SECONDS = search.REPEAT_SECONDS -- of which, once fair, for fewer repeats

M.classes = bounds.classes
M.hopeless = bounds.hopeless
M.counts_feasible = bounds.counts_feasible
M.shares_feasible = bounds.shares_feasible
M.search = search.search
M.repeats = problem.repeats
M.fairness = explain.fairness
M.why_unfilled = explain.why_unfilled

--- The first pass alone (step 1).
---@param prob table the problem (scheduler/problem.lua)
---@param gap integer the minimum gap
---@return table assign assign[t][r] = p, false, or nil (neither fixed nor open)
---@return integer[] fill fill[t]: the slots meeting t decided and filled
function M.first_pass(prob, gap)
  return first_pass.run(prob, gap)
end

-- Does the rota miss the bound in a class where it can hold?
local function misses(prob, fair)
  for _, check in ipairs(fair.checks) do
    if not check.ok and not bounds.hopeless(prob)[check.class] then return true end
  end
  return false
end

-- The classes that can meet the bound (live) and those proved unable to.
local function live_and_hopeless(prob)
  local live, others, hopeless = {}, {}, bounds.hopeless(prob)
  for i, class in ipairs(bounds.classes(prob)) do
    if hopeless[i] then others[#others + 1] = class else live[#live + 1] = class end
  end
  return live, others
end

-- Steps 3 and 4 for a rota that misses the bound where it could hold:
-- local moves, then the proof from shares or the exact search. Returns
-- the rota to keep and what the search says about it.
local function make_fair(prob, assign, fill, gap)
  local live, others = live_and_hopeless(prob)
  local clock0 = os.clock()
  moves.improve(prob, assign, gap, live, others)
  local opts = { steps = prob.budget, seconds = prob.seconds or M.SECONDS }
  local trial = {}
  local unfair = misses(prob, explain.fairness(prob, assign))
  if unfair and not bounds.shares_feasible(prob, clock0 + opts.seconds / 2) then
    -- the classes' shares cannot add up: impossible, without searching
    return assign, { status = "exhausted", steps = 0, shares = true, repeats = problem.repeats(prob, assign, gap) }
  elseif unfair then
    opts.seconds = math.max(0, opts.seconds - (os.clock() - clock0)) -- (what the proofs left)
    local status, steps, info = search.search(prob, trial, fill, gap, opts)
    if status == "found" then assign = trial end
    return assign, { status = status, steps = steps, repeats = info.repeats or problem.repeats(prob, assign, gap),
                     fewest = status == "found" and info.complete }
  end
  -- fair already: the search only looks for fewer repeats
  local n = problem.repeats(prob, assign, gap)
  local found = { status = "found", steps = 0, repeats = n, fewest = n == 0 }
  if n > 0 then
    opts.limit, opts.seconds = n, math.min(opts.seconds or M.SECONDS, M.REPEAT_SECONDS)
    local status, steps, info = search.search(prob, trial, fill, gap, opts)
    if status == "found" then assign = trial; found.repeats = info.repeats end
    found.steps, found.fewest = steps, info.complete
  end
  return assign, found
end

--- Solves a problem: the four steps.
---@param prob table the problem (scheduler/problem.lua)
---@return table solution { assign = assign[t][r] = p or false, reasons = reasons[t][r] for unfilled slots, search = nil (the first pass met the bound) or { status = "found"|"exhausted"|"budget", steps = n, repeats = repeats of the rota used, fewest = true when no fair rota has fewer }, fair = the fairness of the result (as M.fairness) }
function M.solve(prob)
  local gap = prob.min_gap or 1
  -- 1. meeting by meeting
  local assign, fill = first_pass.run(prob, gap)
  prob._fill = fill
  -- 2. the bound
  local fair = explain.fairness(prob, assign)
  -- 3. where it is missed but could hold: moves, proofs, search
  local found
  if misses(prob, fair) then
    assign, found = make_fair(prob, assign, fill, gap)
    fair = explain.fairness(prob, assign, found)
  end
  -- 4. why each empty slot is empty
  local reasons = {}
  for t = 1, #prob.meetings do
    for r = 1, #prob.roles do
      if assign[t][r] == false then
        reasons[t] = reasons[t] or {}
        reasons[t][r] = explain.why_unfilled(prob, assign, t, r)
      end
    end
  end
  return { assign = assign, reasons = reasons, search = found, fair = fair }
end

return M
