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
function M.search(prob, assign, fill, gap, opts)
  local budget, seconds, limit = opts.steps or math.huge, opts.seconds or M.SECONDS, opts.limit or math.huge
  local deadline = os.clock() + seconds
  local np, nr, nt = #prob.people, #prob.roles, #prob.meetings
  local c, tot = base_counts(prob)
  local classes, hopeless = bounds.classes(prob), bounds.hopeless(prob)
  local live = {} -- the classes to keep within 1
  local role_class, total_class = {}, {}
  for p = 1, np do role_class[p] = {} end
  for i, cl in ipairs(classes) do
    if not hopeless[i] then
      live[#live + 1] = cl
      for _, p in ipairs(cl.members) do
        if cl.scope == 0 then total_class[p] = cl else role_class[p][cl.scope] = cl end
      end
    end
  end
  -- Classes none of whose scopes is hopeless: at the end of each meeting,
  -- their counts must still be able to come within 1 together.
  local groups = bounds.live_groups(prob)
  for _, g in ipairs(groups) do g.memo = {} end
  local function room(g, t0)
    if not g.rooms then g.rooms = bounds.class_rooms(prob, g.members, fill) end
    return g.rooms[t0]
  end
  -- rem[p][r], remt[p]: slots still ahead that p could take (upper bounds)
  local rem, remt = possible(prob)
  local slots, busy0, meet_end = {}, {}, {}
  for t = 1, nt do
    local list, busy = decidable(prob, t)
    busy0[t] = busy
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
        local tc = {}
        for p = 1, np do
          if not busy[p] then
            for _, r2 in ipairs(list) do
              if can(prob, p, r2, t) then tc[#tc + 1] = p; break end
            end
          end
        end
        meet_end[#slots] = tc
      end
    end
    local at = {}
    for r, p in pairs(prob.fixed and prob.fixed[t] or {}) do at[r] = p end
    for _, r in ipairs(list) do at[r] = false end
    assign[t] = at
  end
  local last = {}
  for p = 1, np do last[p] = {} end
  -- left[r]: slots of role r still ahead; left[0]: all slots still ahead
  local left = { [0] = #slots }
  for r = 1, nr do left[r] = 0 end
  for _, sl in ipairs(slots) do left[sl.r] = left[sl.r] + 1 end
  -- Can class cl still come within 1? Not if someone is more than 1 above
  -- what another can reach, nor if those below max - 1 need more turns
  -- between them than there are slots left.
  local function within(cl)
    local r = cl.scope
    local mx, mn = bounds.top_and_reach(cl.members, r, c, tot, rem, remt)
    if mx - mn > 1 then return false end
    local need = 0
    for _, p in ipairs(cl.members) do
      local n = r == 0 and tot[p] or c[p][r]
      if n < mx - 1 then need = need + mx - 1 - n end
    end
    return need <= left[r]
  end
  -- sigbase[p]: what makes p interchangeable with others besides counts
  -- (the class, and the turns fixed to p); nil for someone in no class.
  local sigbase = {}
  for _, cl in ipairs(classes) do
    if cl.scope == 0 then
      for _, p in ipairs(cl.members) do
        local f = {}
        for t2 = 1, nt do
          for r2 in pairs(prob.fixed and prob.fixed[t2] or {}) do
            if prob.fixed[t2][r2] == p then f[#f + 1] = t2 .. ":" .. r2 end
          end
        end
        sigbase[p] = cl.members[1] .. "|" .. table.concat(f, ";")
      end
    end
  end
  local function top(cl) -- the highest count in class cl
    local mx, r = -math.huge, cl.scope
    for _, p in ipairs(cl.members) do
      local n = r == 0 and tot[p] or c[p][r]
      if n > mx then mx = n end
    end
    return mx
  end
  local steps, stop = 0, false
  local busy, empties = {}, {}
  for t = 1, nt do busy[t] = {}; empties[t] = 0 end
  local repeats, best, best_repeats = 0, nil, nil
  local go
  go = function(i)
    if i > #slots then
      -- a fair rota: keep it, then look only for one with fewer repeats
      if not best then -- fewer repeats are worth a little more time only
        deadline = math.min(deadline, os.clock() + (opts.repeat_seconds or M.REPEAT_SECONDS))
      end
      best, best_repeats = {}, repeats
      for t = 1, nt do best[t] = table.move(assign[t], 1, nr, 1, {}) end
      limit = repeats
      return repeats == 0 -- none fewer than none
    end
    steps = steps + 1
    if steps > budget or (steps % 64 == 0 and os.clock() > deadline) then stop = true; return false end
    local s = slots[i]
    local t, r = s.t, s.r
    -- this slot is now behind: nobody can count on it any more
    local could = {}
    for p = 1, np do
      if not busy0[t][p] and can(prob, p, r, t) then could[#could + 1] = p; rem[p][r] = rem[p][r] - 1 end
    end
    left[r], left[0] = left[r] - 1, left[0] - 1
    local ended = meet_end[i] -- the last slot of its meeting
    local tcould = ended or {}
    for _, p in ipairs(tcould) do remt[p] = remt[p] - 1 end
    local cands = {}
    for _, p in ipairs(could) do
      if not busy[t][p] then
        local v, held = cost(prob, c, tot, last, assign, p, r, t, gap, nt)
        -- how far p is behind the most assigned of its classes: those
        -- furthest behind first, for they must catch up
        local need = 0
        local cl = role_class[p][r]
        if cl then need = need + math.max(0, top(cl) - c[p][r]) end
        cl = total_class[p]
        if cl then need = need + math.max(0, top(cl) - tot[p]) end
        if repeats + held < limit then cands[#cands + 1] = { p = p, v = v - GAP / 2 * need, held = held } end
      end
    end
    table.sort(cands, function(a, b) return a.v < b.v end)
    -- People in the same class with the same counts are interchangeable
    -- for the bound: try the first (the fairest by cost) of each.
    if #cands > 1 then
      local seen, kept = {}, {}
      for _, cand in ipairs(cands) do
        local p = cand.p
        local sig = sigbase[p]
        if sig then
          local cp = c[p]
          local parts = { sig, tot[p] }
          for r2 = 1, nr do parts[#parts + 1] = cp[r2] end
          for s2 = math.max(1, t - gap), t - 1 do -- and the same recent turns
            for r2 = 1, nr do
              if assign[s2][r2] == p then parts[#parts + 1] = s2 .. ":" .. r2 end
            end
          end
          sig = table.concat(parts, ",")
        end
        if not sig or not seen[sig] then
          if sig then seen[sig] = true end
          kept[#kept + 1] = cand
        end
      end
      cands = kept
    end
    if empties[t] < s.empties then cands[#cands + 1] = { p = false } end
    local ok = false
    for _, cand in ipairs(cands) do
      local p = cand.p
      local fine = true
      local prev
      if p then
        assign[t][r] = p
        busy[t][p] = true
        c[p][r] = c[p][r] + 1
        tot[p] = tot[p] + 1
        prev = last[p][r]
        last[p][r] = t
        repeats = repeats + cand.held
      else
        empties[t] = empties[t] + 1
      end
      if ended then
        for _, cl in ipairs(live) do
          if not within(cl) then fine = false; break end
        end
        if fine and steps > #slots then -- (only once the search has had to go back)
          for _, g in ipairs(groups) do
            -- (the answer depends only on the meeting and the members'
            -- counts: remembered, as the search meets the same ones often)
            local key = { t }
            for _, q in ipairs(g.members) do
              key[#key + 1] = tot[q]
              for r2 = 1, nr do key[#key + 1] = c[q][r2] end
            end
            key = table.concat(key, ",")
            local ok = g.memo[key]
            if ok == nil then
              ok = bounds.counts_feasible(prob, g.members, c, tot, rem, remt, room(g, t + 1))
              g.memo[key] = ok
            end
            if not ok then fine = false; break end
          end
        end
      else
        for _, q in ipairs(could) do
          local cl = role_class[q][r]
          if cl and not within(cl) then fine = false; break end
        end
        if fine and p and total_class[p] and not within(total_class[p]) then fine = false end
      end
      if fine and go(i + 1) then ok = true; break end
      if p then
        assign[t][r] = false
        busy[t][p] = nil
        c[p][r] = c[p][r] - 1
        tot[p] = tot[p] - 1
        last[p][r] = prev
        repeats = repeats - cand.held
      else
        empties[t] = empties[t] - 1
      end
      if stop then break end
    end
    if not ok then
      left[r], left[0] = left[r] + 1, left[0] + 1
      for _, p in ipairs(could) do rem[p][r] = rem[p][r] + 1 end
      for _, p in ipairs(tcould) do remt[p] = remt[p] + 1 end
    end
    return ok
  end
  go(1)
  if best then
    for t = 1, nt do assign[t] = best[t] end
  end
  return best and "found" or (stop and "budget" or "exhausted"), steps,
    { repeats = best_repeats, complete = not stop }
end

return M
