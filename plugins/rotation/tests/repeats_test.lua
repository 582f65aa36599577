-- Fairness first, then the minimum gap: on small random rosters, the
-- search's fair rota has the fewest repeats of any fair rota.

local scheduler = require("scheduler")
local rosters = require("tests.rosters")
local random_problem, every_rota = rosters.random_problem, rosters.every_rota

test("property: when the search ends, its fair rota has the fewest repeats of any fair rota", function()
  local compared, with_repeats = 0, 0
  for seed = 1, 300 do
    local prob = random_problem(seed)
    local sol = scheduler.solve(prob)
    if sol.search and sol.search.status == "found" and sol.search.fewest then
      local hopeless = scheduler.hopeless(prob)
      local gap = prob.min_gap
      local fewest = math.huge
      local done = every_rota(prob, scheduler.classes(prob), 200000, function(ok, assign)
        for i in ipairs(ok) do
          if not ok[i] and not hopeless[i] then return false end
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

