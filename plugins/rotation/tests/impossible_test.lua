-- Brute force over small random rosters: every impossibility the
-- scheduler claims, and the fewest repeats its search claims, are checked
-- against every rota there is.

local scheduler = require("scheduler")
local rosters = require("tests.rosters")
local random_problem, every_rota = rosters.random_problem, rosters.every_rota

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
    out[#out + 1] = { kind = sol.search.shares and "shares" or "search", checks = live }
  end
  return out
end

test("property: every 'impossible' is confirmed by trying every rota", function()
  local confirmed = { counts = 0, history = 0, search = 0, shares = 0 }
  -- seeds 1-300, and some further ones where the search or the classes'
  -- shares prove the bound impossible (found by scanning seeds to 20,000)
  local seeds = {}
  for seed = 1, 300 do seeds[#seeds + 1] = seed end
  for _, seed in ipairs { 311, 392, 478, 745, 1117, 2983, 3199, 4256, 5217, 5500, 6319, 6742 } do
    seeds[#seeds + 1] = seed
  end
  for _, seed in ipairs(seeds) do
    local prob = random_problem(seed)
    local sol = scheduler.solve(prob)
    local list = claims(prob, sol)
    if #list > 0 then
      local broken = every_rota(prob, scheduler.classes(prob), 200000, function(ok)
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
  baton.log.info(("confirmed by brute force: %d impossible from history, %d from counts, %d from the classes' shares, %d by exhaustive search")
    :format(confirmed.history, confirmed.counts, confirmed.shares, confirmed.search))
  expect(confirmed.counts > 0):to_be(true)
  expect(confirmed.history > 0):to_be(true)
  expect(confirmed.search > 0):to_be(true)
  expect(confirmed.shares > 0):to_be(true)
end)

