-- Where a greedy rota fails and an exact one does not; the infeasible
-- case explained; the fairness bound over many random rosters.

local h = require("tests.helpers").new { run = run, load_people = load_people, load_groups = load_groups,
                                         fixture_path = fixture_path }
local scheduler = require("scheduler")

-- Slot by slot, each role to its first eligible, available, free candidate
-- with the fewest turns: the round-robin of spreadsheets and chat bots.
local function greedy(prob)
  local filled = 0
  for t = 1, #prob.meetings do
    local busy = {}
    for r = 1, #prob.roles do
      for p = 1, #prob.people do
        if not busy[p] and prob.eligible[p][r] == true and not prob.away[p][t] then
          busy[p] = true
          filled = filled + 1
          break
        end
      end
    end
  end
  return filled
end

test("a tight meeting that greedy leaves half-empty is filled", function()
  h.school()
  -- 2026-09-08: R02 is away; the note-taker may be anyone, the facilitator
  -- must be trained (R01 only). Greedy gives the notes to R01 first.
  local plan = h.ok("plan", "--group", "Tight", "--roles", "notetaker,facilitator", "--dates", "2026-09-08",
    "--needs", "facilitator:trained_facilitator=yes", "--unavailable", h.fixture("away-tight.csv"))
  expect(plan.meetings[1].assignments):to_equal { notetaker = "R03", facilitator = "R01" }
  expect(#plan.unfilled):to_equal(0)
  local prob = {
    people = { { id = "R01", fte = 1 }, { id = "R02", fte = 1 }, { id = "R03", fte = 1 } },
    roles = { "notetaker", "facilitator" }, meetings = { "2026-09-08" },
    eligible = { { true, true }, { true, true }, { true, "not trained" } },
    away = { {}, { "trip" }, {} }, history = { {}, {}, {} }, history_total = {},
  }
  expect(greedy(prob)):to_equal(1)
  local sol = scheduler.solve(prob)
  expect(sol.assign[1]):to_equal { 3, 1 }
end)

test("an unfillable slot is named with its reason, never left silently", function()
  h.school()
  local plan, r = h.ok("plan", "--group", "Tight", "--roles", "facilitator,notetaker", "--dates", "2026-11-03,2026-11-10",
    "--needs", "facilitator:trained_facilitator=yes", "--unavailable", h.fixture("away.csv"))
  expect(#plan.unfilled):to_equal(1)
  local u = plan.unfilled[1]
  expect(u.date):to_equal("2026-11-03")
  expect(u.role):to_equal("facilitator")
  expect(u.reason):to_contain("all 2 people with trained_facilitator=yes unavailable")
  expect(u.reason):to_contain("R01 away 2026-11-02..2026-11-06: course")
  local text = run("plan", "--group", "Tight", "--roles", "facilitator,notetaker", "--dates", "2026-11-03",
    "--needs", "facilitator:trained_facilitator=yes", "--unavailable", h.fixture("away.csv"))
  expect(text.out):to_contain("2026-11-03 facilitator: all 2 people with trained_facilitator=yes unavailable")
  expect(text.out):to_contain("(unfilled)")
end)

test("nobody eligible at all is said so", function()
  h.school()
  local plan = h.ok("plan", "--group", "Part Time", "--roles", "facilitator", "--dates", "2026-09-01",
    "--needs", "facilitator:trained_facilitator=yes")
  expect(plan.unfilled[1].reason):to_equal("nobody in the group is eligible (needs trained_facilitator=yes)")
end)

test("where spacing turns out would break the bound, the exact search keeps it fair", function()
  -- A has led 3 times before; B never. Six meetings, minimum gap 1:
  -- alternating (what the first pass does) ends 6 to 3. Fair is A 1-2
  -- more, B 4-5, so B must lead twice running somewhere.
  local prob = {
    people = { { id = "A", fte = 1 }, { id = "B", fte = 1 } }, roles = { "facilitator" },
    meetings = { "d1", "d2", "d3", "d4", "d5", "d6" }, min_gap = 1,
    eligible = { { true }, { true } }, away = { {}, {} }, history = { { 3 }, { 0 } }, history_total = { 3, 0 },
  }
  local sol = scheduler.solve(prob)
  expect(sol.search.status):to_equal("found")
  expect(sol.fair.bound):to_equal(1)
  expect(sol.fair.counts[1][1] + sol.fair.counts[2][1]):to_equal(9)
  -- fairness first, then the gap: A 2 more, B 4 (B twice running once,
  -- e.g. B A B A B B), not A 1 more, B 5 (B twice running three times)
  expect(sol.fair.counts[1][1]):to_equal(5)
  expect(scheduler.repeats(prob, sol.assign, 1)):to_equal(1)
  expect(sol.search.repeats):to_equal(1)
  expect(sol.search.fewest):to_be(true)
  -- one more turn of history makes it impossible, and the proof says why
  prob.history, prob.history_total, prob._classes, prob._hopeless = { { 9 }, { 0 } }, { 9, 0 }, nil, nil
  sol = scheduler.solve(prob)
  expect(sol.search):to_be_nil()
  local why = {}
  for _, c in ipairs(sol.fair.checks) do if not c.ok then why[#why + 1] = c.why end end
  expect(why[1]):to_contain("impossible: before this plan A had 9 facilitator turns and B had 0")
end)

-- A random roster: n people, k roles, m meetings, some eligibility and
-- absences, a little history.
local function random_problem(seed)
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
local function max_fill(prob, t)
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

test("property: 300 random rosters respect every rule, fill every fillable slot, and meet the bound or prove it impossible", function()
  local stats = { fast = 0, found = 0, exhausted = 0, budget = 0, hopeless = 0 }
  for seed = 1, 300 do
    local prob = random_problem(seed)
    local sol = scheduler.solve(prob)
    for t = 1, #prob.meetings do
      local seen, filled = {}, 0
      for r = 1, #prob.roles do
        local p = sol.assign[t][r]
        if p then
          filled = filled + 1
          assert(prob.eligible[p][r] == true, "seed " .. seed .. ": ineligible")
          assert(not prob.away[p][t], "seed " .. seed .. ": away")
          assert(not seen[p], "seed " .. seed .. ": two roles")
          seen[p] = true
        else
          assert(sol.reasons[t][r], "seed " .. seed .. ": a gap without a reason")
        end
      end
      assert(filled == max_fill(prob, t), ("seed %d meeting %d: filled %d of a possible %d"):format(seed, t,
        filled, max_fill(prob, t)))
    end
    local fair = scheduler.fairness(prob, sol.assign, sol.search)
    expect(fair.bound):to_equal(sol.fair.bound)
    local status = sol.search and sol.search.status or "fast"
    stats[status] = stats[status] + 1
    for _, c in ipairs(fair.checks) do
      if not c.ok then
        assert(c.impossible, ("seed %d: %s %s"):format(seed, c.scope, c.why))
        if c.why:find("^impossible: before") then stats.hopeless = stats.hopeless + 1 end
      end
    end
    if status == "found" then
      -- the search's plan misses the bound only where history alone rules it out
      for _, c in ipairs(fair.checks) do
        if not c.ok then expect(c.why):to_match("^impossible: ") end
      end
    end
    if sol.search then stats.steps = math.max(stats.steps or 0, sol.search.steps) end
  end
  -- Every roster either meets the bound or has it proved impossible: no
  -- "not reached". Most are met by the first pass; the search decides the
  -- rest.
  expect(stats.budget):to_equal(0)
  expect(stats.found > 0):to_be(true)
  baton.log.info(("property: %d met by the first pass, %d by the search, %d proved impossible by search, %d classes impossible from history; longest search %d steps")
    :format(stats.fast, stats.found, stats.exhausted, stats.hopeless, stats.steps or 0))
end)

-- Every arrangement of a small roster, meeting by meeting: each meeting's
-- ways of filling its most-filled count, all combined. Calls fn(assign)
-- for each until fn returns true; returns whether one did, or nil when
-- there are more than `limit` combinations.
local function every_rota(prob, limit, fn)
  local per, total = {}, 1
  for t = 1, #prob.meetings do
    local ways, best, cur, used = {}, max_fill(prob, t), {}, {}
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

-- The claims a solution makes that every rota must bear out: sets of
-- class checks that no rota meets all together (a class impossible from
-- history: that one check; from counts: all checks of the class; an
-- exhaustive search: every check not proved impossible otherwise).
local function claims(prob, sol)
  local out, hopeless = {}, scheduler.hopeless(prob)
  local by_members = {}
  for i, cl in ipairs(scheduler.classes(prob)) do
    local hp = hopeless[i]
    if hp and hp.counts then
      local key = table.concat(cl.members, ",")
      if not by_members[key] then
        by_members[key] = { kind = "counts", checks = {} }
        out[#out + 1] = by_members[key]
      end
      table.insert(by_members[key].checks, i)
    elseif hp then
      out[#out + 1] = { kind = "history", checks = { i } }
    end
  end
  if sol.search and sol.search.status == "exhausted" then
    local live = {}
    for i in ipairs(scheduler.classes(prob)) do if not hopeless[i] then live[#live + 1] = i end end
    out[#out + 1] = { kind = "search", checks = live }
  end
  return out
end

test("property: every 'impossible' is confirmed by trying every rota", function()
  local confirmed = { counts = 0, history = 0, search = 0 }
  for seed = 1, 300 do
    local prob = random_problem(seed)
    local sol = scheduler.solve(prob)
    local list = claims(prob, sol)
    if #list > 0 then
      local broken = every_rota(prob, 200000, function(assign)
        local ok = {}
        for _, c in ipairs(scheduler.fairness(prob, assign).checks) do ok[c.class] = c.ok end
        for _, cl in ipairs(list) do
          local all = true
          for _, i in ipairs(cl.checks) do all = all and ok[i] end
          if all then return true end -- a rota meets what was called impossible
        end
        return false
      end)
      if broken ~= nil then
        assert(broken == false, "seed " .. seed .. ": a rota meets a bound called impossible")
        for _, cl in ipairs(list) do confirmed[cl.kind] = confirmed[cl.kind] + 1 end
      end
    end
  end
  baton.log.info(("confirmed by brute force: %d impossible from history, %d from counts, %d by exhaustive search")
    :format(confirmed.history, confirmed.counts, confirmed.search))
  expect(confirmed.counts > 0):to_be(true)
  expect(confirmed.history > 0):to_be(true)
end)

test("property: when the search ends, its fair rota has the fewest repeats of any fair rota", function()
  local compared, with_repeats = 0, 0
  for seed = 1, 300 do
    local prob = random_problem(seed)
    local sol = scheduler.solve(prob)
    if sol.search and sol.search.status == "found" and sol.search.fewest then
      local hopeless = scheduler.hopeless(prob)
      local gap = prob.min_gap
      local fewest = math.huge
      local done = every_rota(prob, 200000, function(assign)
        for _, c in ipairs(scheduler.fairness(prob, assign).checks) do
          if not c.ok and not hopeless[c.class] then return false end
        end
        fewest = math.min(fewest, scheduler.repeats(prob, assign, gap))
        return false
      end)
      if done ~= nil then
        local got = scheduler.repeats(prob, sol.assign, gap)
        expect(got):to_equal(fewest)
        expect(sol.search.repeats):to_equal(got)
        compared = compared + 1
        if got > 0 then with_repeats = with_repeats + 1 end
      end
    end
  end
  baton.log.info(("fewest repeats confirmed on %d rosters (%d where some repeat is unavoidable)"):format(compared, with_repeats))
  expect(compared > 0):to_be(true)
  expect(with_repeats > 0):to_be(true)
end)
