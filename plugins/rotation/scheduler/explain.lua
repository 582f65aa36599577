-- Step 4 of a fair rota: say how fair it is and why, and why a slot is
-- empty. Every sentence a coordinator reads about a plan is written here.

local bounds = require("scheduler.bounds")
local exact = require("scheduler.search")

local M = {}

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

--- Counts per person and role (history + plan) and the bound achieved.
--- `search` is what solve() says about its search (nil: none ran, or the
--- rota was changed by hand). Returns { counts = counts[p][r], plan =
--- plan[p][r], total = total[p], bound = worst spread, checks = { { scope,
--- class, people, spread, ok, why, impossible } } }.
function M.fairness(prob, assign, search)
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
    local at = assign[t]
    for r = 1, nr do
      local p = at[r]
      if p then
        plan[p][r] = plan[p][r] + 1
        c[p][r] = c[p][r] + 1
        tot[p] = tot[p] + 1
        ptot[p] = ptot[p] + 1
      end
    end
  end
  local checks, bound = {}, 0
  local hopeless
  for i, cl in ipairs(bounds.classes(prob)) do
    local r = cl.scope
    local mn, mx, lo, hi = math.huge, -math.huge, nil, nil
    for _, p in ipairs(cl.members) do
      local n = r == 0 and tot[p] or c[p][r]
      if n < mn then mn, lo = n, p end
      if n > mx then mx, hi = n, p end
    end
    local spread = mx - mn
    if spread > bound then bound = spread end
    local entry = { scope = r == 0 and "total" or prob.roles[r], class = i, people = cl.members, spread = spread,
                    ok = spread <= 1 }
    if spread > 1 then
      hopeless = hopeless or bounds.hopeless(prob)
      local hp = hopeless[i]
      local what = r == 0 and "turns in all" or (prob.roles[r] .. " turns")
      if hp and hp.counts then
        entry.impossible = true
        local had = {}
        for _, p in ipairs(hp.members) do
          local parts = {}
          for r2 = 1, nr do
            if prob.eligible[p][r2] == true then
              parts[#parts + 1] = ("%s %d"):format(prob.roles[r2], c[p][r2] - plan[p][r2])
            end
          end
          parts[#parts + 1] = ("in all %d"):format(tot[p] - ptot[p])
          had[#had + 1] = prob.people[p].id .. ": " .. table.concat(parts, ", ")
        end
        entry.why = ("impossible: %s are in the same position (days, FTE, roles), and no share of the %d turns open to them brings every role and the total within 1 at once; before this plan %s")
          :format(names(prob, hp.members, 6), hp.open, table.concat(had, "; "))
      elseif hp then
        entry.impossible = true
        entry.why = ("impossible: before this plan %s had %d %s and %s had %d; the %d meetings left open to %s cannot close a gap of more than 1")
          :format(prob.people[hp.hi].id, hp.had_hi, what, prob.people[hp.lo].id, hp.had_lo, hp.more, prob.people[hp.lo].id)
      elseif search and search.shares then
        entry.impossible = true
        entry.why = ("impossible with the other rules: %s has %d, %s has %d; the turns each group of people in the same position needs to come within 1 add up to more (or fewer) than the meetings can give them (a proof from counts)")
          :format(prob.people[hi].id, mx, prob.people[lo].id, mn)
      elseif search and search.status == "exhausted" then
        entry.impossible = true
        entry.why = ("impossible with the other rules: %s has %d, %s has %d, and an exhaustive search (%d steps) found no rota that keeps every role and the total within 1 while filling every fillable slot")
          :format(prob.people[hi].id, mx, prob.people[lo].id, mn, search.steps)
      elseif search and search.status == "budget" then
        entry.why = ("not reached: %s has %d, %s has %d; the exact search stopped at its time limit (%g s, %d steps) without finding a fairer rota or proving there is none")
          :format(prob.people[hi].id, mx, prob.people[lo].id, mn, prob.seconds or exact.SECONDS, search.steps)
      else
        entry.why = ("not met by this rota: %s has %d, %s has %d (a fixed or hand-made turn)")
          :format(prob.people[hi].id, mx, prob.people[lo].id, mn)
      end
    end
    checks[#checks + 1] = entry
  end
  return { counts = c, plan = plan, total = tot, plan_total = ptot, bound = bound, checks = checks }
end

return M
