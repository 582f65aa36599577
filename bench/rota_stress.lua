-- bench/rota_stress.lua: a seeded stress set for the rota's exact search.
--
--   build/baton --time-limit 0 run --allow fs.read bench/rota_stress.lua [COUNT] [FIRST_SEED] [-v] [--large]
--
-- COUNT (default 60) rosters, seeds FIRST_SEED.. (default 1): 4-12 people,
-- 2-4 roles, 10-40 meetings; one role needs training; most staff in every
-- week, some on one of two part-time patterns, a few with one absence;
-- uneven history per role and from other groups; minimum gap 0-2. Each is
-- solved by plugins/rotation/scheduler/; the plan is checked against
-- every hard rule. Prints how many met the bound, were proved impossible,
-- or ran out of time ("not reached"), and the CPU time.
--
-- With --json, prints instead one JSON array: each roster (people, roles,
-- eligibility, absences, history, the slots each meeting must fill, every
-- class of the bound) with how it ended, for bench/rota_oracle.py, which
-- asks an independent MILP solver whether the bound is feasible.
-- With --large: 12-25 people, 2-5 roles, 30-40 meetings.
local count, first, flags = nil, nil, {}
for _, a in ipairs { ... } do
  if tonumber(a) then
    if count then first = tonumber(a) else count = tonumber(a) end
  else
    flags[a] = true
  end
end
count, first = count or 60, first or 1
local verbose, json, large = flags["-v"], flags["--json"], flags["--large"]
local dump = {}
-- The scheduler's modules, each loaded once with a `require` that reads
-- plugins/rotation/NAME.lua or NAME/init.lua (dots for folders), as the
-- plugin's own require does.
local function plugin_require(dir)
  local loaded = {}
  local function require(name)
    if loaded[name] == nil then
      local rel = name:gsub("%.", "/")
      local path = ("%s/%s.lua"):format(dir, rel)
      local text = baton.fs.read(path)
      if not text then path = ("%s/%s/init.lua"):format(dir, rel); text = assert(baton.fs.read(path)) end
      local env = setmetatable({ require = require }, { __index = _ENV })
      local module = assert(load(text, "@" .. path, "t", env))(name)
      loaded[name] = module == nil and true or module
    end
    return loaded[name]
  end
  return require
end
local S = plugin_require("plugins/rotation")("scheduler")

local function roster(seed)
  math.randomseed(seed)
  local n, k, m = math.random(4, 12), math.random(2, 4), math.random(10, 40)
  if large then n, k, m = math.random(12, 25), math.random(2, 5), math.random(30, 40) end
  local prob = { people = {}, roles = {}, meetings = {}, eligible = {}, away = {}, history = {},
                 history_total = {}, min_gap = math.random(0, 2) }
  for r = 1, k do prob.roles[r] = "role" .. r end
  for t = 1, m do prob.meetings[t] = ("m%02d"):format(t) end
  local pat = { math.random(2, 3), math.random(2, 4) }
  for p = 1, n do
    local fte = math.random() < 0.8 and 1 or (math.random() < 0.5 and 0.5 or 0.8)
    prob.people[p] = { id = "P" .. p, fte = fte }
    prob.eligible[p], prob.away[p], prob.history[p] = {}, {}, {}
    local trained = math.random() < 0.6
    for r = 1, k do
      prob.eligible[p][r] = (r == 1 and trained) or (r > 1 and math.random() < 0.9) or "not eligible"
      prob.history[p][r] = math.random() < 0.5 and math.random(0, 4) or 0
    end
    local sum = 0
    for r = 1, k do sum = sum + prob.history[p][r] end
    prob.history_total[p] = sum + (math.random() < 0.3 and math.random(1, 3) or 0)
    local u = math.random()
    if u < 0.2 then -- part-time pattern shared with others
      local every = pat[math.random(1, 2)]
      for t = 1, m do if t % every == 0 then prob.away[p][t] = "part-time" end end
    elseif u < 0.3 then -- one absence
      local a = math.random(1, m)
      for t = a, math.min(m, a + math.random(0, 3)) do prob.away[p][t] = "away" end
    end
  end
  return prob, n, k, m
end

-- Each roster ends one way: the bound met everywhere; proved impossible
-- where it is missed (every class missing it has a proof: from history,
-- from counts, or an exhaustive search); or not reached (the search's time
-- limit ran out first).
local stats = { met = 0, impossible = 0, budget = 0, searched = 0, fewest = 0 }
local total, worst, worst_seed = 0, 0, nil
for seed = first, first + count - 1 do
  local prob, n, k, m = roster(seed)
  local t0 = os.clock()
  local sol = S.solve(prob)
  local dt = os.clock() - t0
  total = total + dt
  if dt > worst then worst, worst_seed = dt, seed end
  for t = 1, m do
    local seen = {}
    for r = 1, k do
      local p = sol.assign[t][r]
      if p then
        assert(prob.eligible[p][r] == true and not prob.away[p][t] and not seen[p], "seed " .. seed .. ": a rule broken")
        seen[p] = true
      end
    end
  end
  local status = sol.search and sol.search.status or "first pass"
  local ending = "met"
  if status == "budget" then ending = "budget"
  elseif sol.fair.bound > 1 then
    ending = "impossible"
    for _, c in ipairs(sol.fair.checks) do
      if not c.ok then assert(c.impossible, "seed " .. seed .. ": a miss without a proof: " .. c.why) end
    end
  end
  stats[ending] = stats[ending] + 1
  if sol.search then
    stats.searched = stats.searched + 1
    if sol.search.fewest then stats.fewest = stats.fewest + 1 end
  end
  if json then
    local el, aw = {}, {}
    for p = 1, n do
      el[p], aw[p] = {}, {}
      for r = 1, k do el[p][r] = prob.eligible[p][r] == true end
      for t = 1, m do aw[p][t] = prob.away[p][t] and true or false end
    end
    local _, fill = S.first_pass(prob, prob.min_gap)
    -- every claim, as the sets of class checks no rota meets together: a
    -- class hopeless from history (that check), from counts (all checks
    -- of the class), and the search's or the shares' "none at all" (every
    -- check not hopeless); and the checks the rota had to meet (live)
    local classes, claims, live, units = {}, {}, {}, {}
    local hopeless = S.hopeless(prob)
    for i, cl in ipairs(S.classes(prob)) do
      classes[i] = { scope = cl.scope, members = cl.members }
      local hp = hopeless[i]
      if hp and hp.counts then
        local key = table.concat(cl.members, ",")
        if not units[key] then units[key] = { kind = "counts", checks = {} }; claims[#claims + 1] = units[key] end
        table.insert(units[key].checks, i)
      elseif hp then
        claims[#claims + 1] = { kind = "history", checks = { i } }
      else
        live[#live + 1] = i
      end
    end
    if sol.search and sol.search.status == "exhausted" then
      claims[#claims + 1] = { kind = sol.search.shares and "shares" or "search", checks = live }
    end
    dump[#dump + 1] = { seed = seed, ending = ending, people = n, roles = k, meetings = m, eligible = el, away = aw,
      history = prob.history, history_total = prob.history_total, fill = fill, classes = classes, claims = claims,
      live = live }
  end
  if verbose then
    print(("seed %3d: %2d people %d roles %2d meetings gap %d: %-10s %-10s %6s steps %7.3f s bound %d"):format(seed, n,
      k, m, prob.min_gap, ending, status, sol.search and sol.search.steps or "-", dt, sol.fair.bound))
  end
end
if json then print(baton.json.encode(dump)); return end
print(("rota stress%s: %d rosters (seeds %d..%d): bound met %d, proved impossible %d, not reached %d (decided %d/%d); the search ran on %d, %d of them with the fewest repeats proved; %.2f s CPU in all, slowest %.3f s (seed %d)")
  :format(large and " (large)" or "", count, first, first + count - 1, stats.met, stats.impossible, stats.budget, count - stats.budget, count,
    stats.searched, stats.fewest, total, worst, worst_seed or 0))
