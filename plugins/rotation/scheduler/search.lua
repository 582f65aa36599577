-- Step 3b of a fair rota: the exact search. Where the first pass and the
-- local moves miss the bound in a class that could meet it, try every
-- arrangement, meeting by meeting, cutting a branch as soon as some class
-- can no longer come within 1 and trying one of each set of
-- interchangeable people. It finds a rota, or proves that none exists, or
-- stops at its time limit (M.SECONDS of CPU per group) and says so. Once
-- fair, it looks for the fair rota with the fewest repeats (same person,
-- same role, within the minimum gap) for at most M.REPEAT_SECONDS more.

local problem = require("scheduler.problem")
local bounds = require("scheduler.bounds")

local base_counts, decidable, can, cost = problem.base_counts, problem.decidable, problem.can, problem.cost
local possible, GAP = problem.open_turns, problem.GAP

local M = {}

M.SECONDS = 1 -- CPU seconds the exact search may take for one group
M.REPEAT_SECONDS = 0.2 -- of which, once a fair rota is found, for fewer repeats

-- The slots to decide, in the order the search takes them: meeting by
-- meeting, scarcest role first (fewest people free to take it). Each is {
-- t, r, empties = how many of its meeting's slots may stay empty }. Also
-- the people fixed to a role at each meeting (busy_fixed[t][p]), and at
-- the last slot of each meeting, who could have held a role there
-- (meeting_end[i]). Sets assign to the fixed turns, every decidable slot
-- empty.
local function plan_slots(prob, assign, fill)
  local np = #prob.people
  local slots, busy_fixed, meeting_end = {}, {}, {}
  for t = 1, #prob.meetings do
    local list, busy = decidable(prob, t)
    busy_fixed[t] = busy
    local ncand = {}
    for _, r in ipairs(list) do
      local n = 0
      for p = 1, np do if not busy[p] and can(prob, p, r, t) then n = n + 1 end end
      ncand[r] = n
    end
    table.sort(list, function(a, b) return ncand[a] < ncand[b] or (ncand[a] == ncand[b] and a < b) end)
    for i, r in ipairs(list) do
      slots[#slots + 1] = { t = t, r = r, empties = #list - fill[t] }
      if i == #list then
        local here = {}
        for p = 1, np do
          if not busy[p] then
            for _, r2 in ipairs(list) do
              if can(prob, p, r2, t) then here[#here + 1] = p; break end
            end
          end
        end
        meeting_end[#slots] = here
      end
    end
    local at = {}
    for r, p in pairs(prob.fixed and prob.fixed[t] or {}) do at[r] = p end
    for _, r in ipairs(list) do at[r] = false end
    assign[t] = at
  end
  return slots, busy_fixed, meeting_end
end

-- The classes to keep within 1 (those not proved hopeless), and each
-- person's class per role (role_class[p][r]) and in total (total_class[p]).
local function live_classes(prob, classes, hopeless)
  local live, role_class, total_class = {}, {}, {}
  for p = 1, #prob.people do role_class[p] = {} end
  for i, class in ipairs(classes) do
    if not hopeless[i] then
      live[#live + 1] = class
      for _, p in ipairs(class.members) do
        if class.scope == 0 then total_class[p] = class else role_class[p][class.scope] = class end
      end
    end
  end
  return live, role_class, total_class
end

-- What makes each person interchangeable with others besides counts: the
-- class, and the turns fixed to them; nil for someone in no class.
local function interchange_keys(prob, classes)
  local keys = {}
  for _, class in ipairs(classes) do
    if class.scope == 0 then
      for _, p in ipairs(class.members) do
        local fixed = {}
        for t = 1, #prob.meetings do
          for r in pairs(prob.fixed and prob.fixed[t] or {}) do
            if prob.fixed[t][r] == p then fixed[#fixed + 1] = t .. ":" .. r end
          end
        end
        keys[p] = class.members[1] .. "|" .. table.concat(fixed, ";")
      end
    end
  end
  return keys
end

-- People in the same class with the same counts and the same recent turns
-- are interchangeable for the bound: of `cands` (sorted, fairest first)
-- keeps the first of each.
local function one_of_each(cands, keys, counts, totals, assign, t, gap, nroles)
  local seen, kept = {}, {}
  for _, cand in ipairs(cands) do
    local p = cand.p
    local key = keys[p]
    if key then
      local mine = counts[p]
      local parts = { key, totals[p] }
      for r = 1, nroles do parts[#parts + 1] = mine[r] end
      for s = math.max(1, t - gap), t - 1 do -- and the same recent turns
        for r = 1, nroles do
          if assign[s][r] == p then parts[#parts + 1] = s .. ":" .. r end
        end
      end
      key = table.concat(parts, ",")
    end
    if not key or not seen[key] then
      if key then seen[key] = true end
      kept[#kept + 1] = cand
    end
  end
  return kept
end

-- The highest count in a class.
local function top(class, counts, totals)
  local highest, r = -math.huge, class.scope
  for _, p in ipairs(class.members) do
    local n = r == 0 and totals[p] or counts[p][r]
    if n > highest then highest = n end
  end
  return highest
end

--- Depth-first over the decidable slots, meeting by meeting, scarcest role
--- first; candidates furthest behind their class first, then in the order
--- of step 1's costs (the minimum gap first, then fewest turns), leaving a
--- slot empty only when the meeting still reaches its most-filled count.
--- A branch is cut when a class that can meet the bound no longer can:
--- someone is more than 1 above what another can reach, those below need
--- more turns than slots are left, or (once the search has had to go
--- back) the class's counts fail M.counts_feasible for the meetings left.
--- After the first fair rota it looks only for ones with fewer repeats.
--- opts: steps (most steps), seconds (CPU time), limit (look only for
--- rotas with fewer repeats than this), repeat_seconds. Returns "found"
--- (assign holds the fair rota with the fewest repeats seen), "exhausted"
--- (none meets the bound in every class that can meet it alone, with
--- fewer than `limit` repeats) or "budget"; the number of steps; and {
--- repeats = of the rota found, complete = true when the search ended
--- by itself (so no fair rota has fewer repeats) }.
---@param prob table the problem (scheduler/problem.lua)
---@param assign table filled in: the rota found, if any
---@param fill integer[] fill[t]: the slots meeting t must fill (the first pass's)
---@param gap integer the minimum gap
---@param opts {steps?: integer, seconds?: number, limit?: integer, repeat_seconds?: number}
---@return "found"|"exhausted"|"budget" status
---@return integer steps
---@return {repeats: integer?, complete: boolean} info
function M.search(prob, assign, fill, gap, opts)
  local budget, seconds, limit = opts.steps or math.huge, opts.seconds or M.SECONDS, opts.limit or math.huge
  local deadline = os.clock() + seconds
  local np, nr, nt = #prob.people, #prob.roles, #prob.meetings
  local counts, totals = base_counts(prob)
  local classes, hopeless = bounds.classes(prob), bounds.hopeless(prob)
  local live, role_class, total_class = live_classes(prob, classes, hopeless)
  -- Classes none of whose scopes is hopeless: at the end of each meeting,
  -- their counts must still be able to come within 1 together.
  local groups = bounds.live_groups(prob)
  for _, g in ipairs(groups) do g.memo = {} end
  local function room(g, t0)
    if not g.rooms then g.rooms = bounds.class_rooms(prob, g.members, fill) end
    return g.rooms[t0]
  end
  -- open_roles[p][r], open_total[p]: slots still ahead that p could take
  -- (upper bounds)
  local open_roles, open_total = possible(prob)
  local slots, busy_fixed, meeting_end = plan_slots(prob, assign, fill)
  local last = {} -- last[p][r]: the meeting p last held r
  for p = 1, np do last[p] = {} end
  -- left[r]: slots of role r still ahead; left[0]: all slots still ahead
  local left = { [0] = #slots }
  for r = 1, nr do left[r] = 0 end
  for _, slot in ipairs(slots) do left[slot.r] = left[slot.r] + 1 end
  -- Can a class still come within 1? Not if someone is more than 1 above
  -- what another can reach, nor if those below max - 1 need more turns
  -- between them than there are slots left.
  local function within(class)
    local r = class.scope
    local highest, lowest_reach = bounds.top_and_reach(class.members, r, counts, totals, open_roles, open_total)
    if highest - lowest_reach > 1 then return false end
    local need = 0
    for _, p in ipairs(class.members) do
      local n = r == 0 and totals[p] or counts[p][r]
      if n < highest - 1 then need = need + highest - 1 - n end
    end
    return need <= left[r]
  end
  local keys = interchange_keys(prob, classes)
  local steps, stop = 0, false
  local busy, empties = {}, {} -- busy[t][p]: p holds a role at t; empties[t]: slots left empty
  for t = 1, nt do busy[t] = {}; empties[t] = 0 end
  local repeats, best, best_repeats = 0, nil, nil

  -- Who may take slot (t, r), in the order to try them: furthest behind
  -- the most assigned of their classes first (they must catch up), then
  -- by step 1's cost; none whose repeats reach the limit; one of each
  -- interchangeable set; and "nobody" last when the meeting may leave a
  -- slot empty.
  local function candidates(slot, could)
    local t, r = slot.t, slot.r
    local cands = {}
    for _, p in ipairs(could) do
      if not busy[t][p] then
        local v, held = cost(prob, counts, totals, last, assign, p, r, t, gap, nt)
        local behind = 0
        local class = role_class[p][r]
        if class then behind = behind + math.max(0, top(class, counts, totals) - counts[p][r]) end
        class = total_class[p]
        if class then behind = behind + math.max(0, top(class, counts, totals) - totals[p]) end
        if repeats + held < limit then cands[#cands + 1] = { p = p, v = v - GAP / 2 * behind, held = held } end
      end
    end
    table.sort(cands, function(a, b) return a.v < b.v end)
    if #cands > 1 then cands = one_of_each(cands, keys, counts, totals, assign, t, gap, nr) end
    if empties[t] < slot.empties then cands[#cands + 1] = { p = false } end
    return cands
  end

  -- After slot (t, r) went to p (or nobody): can every live class still
  -- come within 1? At the end of a meeting all of them, and (once the
  -- search has had to go back) each group's counts for the meetings left;
  -- within a meeting, only the classes this slot touched.
  local function still_possible(t, r, p, could, ended)
    if not ended then
      for _, q in ipairs(could) do
        local class = role_class[q][r]
        if class and not within(class) then return false end
      end
      return not (p and total_class[p] and not within(total_class[p]))
    end
    for _, class in ipairs(live) do
      if not within(class) then return false end
    end
    if steps > #slots then
      for _, g in ipairs(groups) do
        -- (the answer depends only on the meeting and the members'
        -- counts: remembered, as the search meets the same ones often)
        local key = { t }
        for _, q in ipairs(g.members) do
          key[#key + 1] = totals[q]
          for r2 = 1, nr do key[#key + 1] = counts[q][r2] end
        end
        key = table.concat(key, ",")
        local ok = g.memo[key]
        if ok == nil then
          ok = bounds.counts_feasible(prob, g.members, counts, totals, open_roles, open_total, room(g, t + 1))
          g.memo[key] = ok
        end
        if not ok then return false end
      end
    end
    return true
  end

  -- A fair rota: keep it, then look only for one with fewer repeats.
  local function keep()
    if not best then -- fewer repeats are worth a little more time only
      deadline = math.min(deadline, os.clock() + (opts.repeat_seconds or M.REPEAT_SECONDS))
    end
    best, best_repeats = {}, repeats
    for t = 1, nt do best[t] = table.move(assign[t], 1, nr, 1, {}) end
    limit = repeats
    return repeats == 0 -- none fewer than none
  end

  -- Decides slot i and every slot after it; true when the search is done.
  local function decide(i)
    if i > #slots then return keep() end
    steps = steps + 1
    if steps > budget or (steps % 64 == 0 and os.clock() > deadline) then stop = true; return false end
    local slot = slots[i]
    local t, r = slot.t, slot.r
    -- this slot is now behind: nobody can count on it any more
    local could = {}
    for p = 1, np do
      if not busy_fixed[t][p] and can(prob, p, r, t) then could[#could + 1] = p; open_roles[p][r] = open_roles[p][r] - 1 end
    end
    left[r], left[0] = left[r] - 1, left[0] - 1
    local ended = meeting_end[i] -- the last slot of its meeting
    local here = ended or {}
    for _, p in ipairs(here) do open_total[p] = open_total[p] - 1 end
    local done = false
    for _, cand in ipairs(candidates(slot, could)) do
      local p = cand.p
      local previous
      if p then
        assign[t][r] = p
        busy[t][p] = true
        counts[p][r] = counts[p][r] + 1
        totals[p] = totals[p] + 1
        previous = last[p][r]
        last[p][r] = t
        repeats = repeats + cand.held
      else
        empties[t] = empties[t] + 1
      end
      if still_possible(t, r, p, could, ended) and decide(i + 1) then done = true; break end
      if p then
        assign[t][r] = false
        busy[t][p] = nil
        counts[p][r] = counts[p][r] - 1
        totals[p] = totals[p] - 1
        last[p][r] = previous
        repeats = repeats - cand.held
      else
        empties[t] = empties[t] - 1
      end
      if stop then break end
    end
    if not done then
      left[r], left[0] = left[r] + 1, left[0] + 1
      for _, p in ipairs(could) do open_roles[p][r] = open_roles[p][r] + 1 end
      for _, p in ipairs(here) do open_total[p] = open_total[p] + 1 end
    end
    return done
  end

  decide(1)
  if best then
    for t = 1, nt do assign[t] = best[t] end
  end
  return best and "found" or (stop and "budget" or "exhausted"), steps,
    { repeats = best_repeats, complete = not stop }
end

return M
