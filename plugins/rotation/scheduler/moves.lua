-- Step 3a of a fair rota, local moves: where the first pass misses the
-- bound, turns move between people at the same meeting while the classes'
-- spreads shrink. Pure: the rota is changed in place.

local problem = require("scheduler.problem")

local can, repeats_at = problem.can, problem.repeats_at

local M = {}

--- Step 3a, local moves: when the first pass misses the bound, move single
--- turns for a class more than 1 apart: from one of its most assigned to
--- someone else, or to one of its least assigned from someone else, either
--- to or from someone free at that meeting or by swapping two people's
--- roles there. A move is taken only if it brings the live classes' counts
--- closer together (the sum of squared differences within each falls, so
--- this ends), the one adding fewest repeats first, then the one spreading
--- the classes proved impossible (`others`) least. When no single move
--- helps, a pair does: one that does not, then one that more than makes up
--- for it. It fixes most misses at once; the exact search decides the rest.
---@param prob table the problem (scheduler/problem.lua)
---@param assign table the rota, changed in place
---@param gap integer the minimum gap
---@param live table[] the classes that can meet the bound
---@param others? table[] the classes proved unable to
function M.improve(prob, assign, gap, live, others)
  local np, nr, nt = #prob.people, #prob.roles, #prob.meetings
  local c, tot = {}, {}
  for p = 1, np do
    c[p] = {}
    for r = 1, nr do c[p][r] = prob.history[p] and prob.history[p][r] or 0 end
    tot[p] = prob.history_total[p] or 0
  end
  local holds = {} -- holds[t][p] = r
  for t = 1, nt do
    holds[t] = {}
    for r = 1, nr do
      local p = assign[t][r]
      if p then c[p][r] = c[p][r] + 1; tot[p] = tot[p] + 1; holds[t][p] = r end
    end
  end
  -- Each live class's spread is measured by K x (sum of squares) - sum^2
  -- (the sum of squared differences between its members): it falls when
  -- a turn goes from a most to a least assigned member, or into the class
  -- to its least assigned, or out of it from its most assigned.
  local role_class, total_class = {}, {}
  for p = 1, np do role_class[p] = {} end
  -- (the classes proved impossible are measured too, second: a move for
  -- the others should spread them as little as it can)
  local S1, S2, K, all = {}, {}, {}, table.move(live, 1, #live, 1, {})
  table.move(others or {}, 1, #(others or {}), #all + 1, all)
  for i, cl in ipairs(all) do
    S1[i], S2[i], K[i] = 0, 0, #cl.members
    for _, p in ipairs(cl.members) do
      local n
      if cl.scope == 0 then total_class[p] = i; n = tot[p] else role_class[p][cl.scope] = i; n = c[p][cl.scope] end
      S1[i], S2[i] = S1[i] + n, S2[i] + n * n
    end
  end
  local fixed, open = prob.fixed, prob.open
  local function movable(t, r)
    return not (fixed and fixed[t] and fixed[t][r]) and (open == nil or (open[t] and open[t][r]))
  end
  local d1, d2, touched = {}, {}, {}
  local function bump(i, n, d) -- a member of class i moves from n by d
    if not i then return end
    if not d1[i] then d1[i], d2[i] = 0, 0; touched[#touched + 1] = i end
    d1[i], d2[i] = d1[i] + d, d2[i] + (n + d) * (n + d) - n * n
  end
  local function settle() -- the change of the measure: live, others; resets
    local d, e = 0, 0
    for _, i in ipairs(touched) do
      local x = K[i] * d2[i] - (2 * S1[i] * d1[i] + d1[i] * d1[i])
      if i <= #live then d = d + x else e = e + x end
      d1[i], d2[i] = nil, nil
    end
    touched = {}
    return d, e
  end
  local function delta_give(h, l, r) -- h's turn in role r goes to l
    bump(role_class[h][r], c[h][r], -1)
    bump(role_class[l][r], c[l][r], 1)
    bump(total_class[h], tot[h], -1)
    bump(total_class[l], tot[l], 1)
    return settle()
  end
  local function delta_swap(h, l, r, r2) -- h: r -> r2, l: r2 -> r
    bump(role_class[h][r], c[h][r], -1)
    bump(role_class[h][r2], c[h][r2], 1)
    bump(role_class[l][r2], c[l][r2], -1)
    bump(role_class[l][r], c[l][r], 1)
    return settle()
  end
  local function apply(p, r, d) -- p's count of role r (and total) moves by d
    local i = role_class[p][r]
    if i then S1[i], S2[i] = S1[i] + d, S2[i] + (c[p][r] + d) * (c[p][r] + d) - c[p][r] * c[p][r] end
    c[p][r] = c[p][r] + d
  end
  local function apply_total(p, d)
    local i = total_class[p]
    if i then S1[i], S2[i] = S1[i] + d, S2[i] + (tot[p] + d) * (tot[p] + d) - tot[p] * tot[p] end
    tot[p] = tot[p] + d
  end
  local function free(q, t)
    return not holds[t][q] and not (prob.away[q] and prob.away[q][t])
  end
  -- consider giving (t, r) from h to l (r2 == nil), or swapping h's role
  -- r with l's role r2 at t: the best move whose change of the measure is
  -- below `limit`, fewest added repeats first; every move goes to `pool`
  -- when there is one
  local best, bd, be, bg, limit, pool
  local function consider(t, r, h, l, r2)
    local d, e
    if r2 then d, e = delta_swap(h, l, r, r2) else d, e = delta_give(h, l, r) end
    if pool then pool[#pool + 1] = { m = { t, r, h, l, r2 }, d = d, e = e } end
    if d >= limit then return end
    local g = repeats_at(assign, l, r, t, gap, nt) - repeats_at(assign, h, r, t, gap, nt)
    if r2 then g = g + repeats_at(assign, h, r2, t, gap, nt) - repeats_at(assign, l, r2, t, gap, nt) end
    if g < bg or (g == bg and (e < be or (e == be and d < bd))) then best, bd, be, bg = { t, r, h, l, r2 }, d, e, g end
  end
  local function move(m)
    local t, r, h, l, r2 = m[1], m[2], m[3], m[4], m[5]
    assign[t][r] = l
    apply(h, r, -1)
    apply(l, r, 1)
    holds[t][h], holds[t][l] = r2, r
    if r2 then
      assign[t][r2] = h
      apply(h, r2, 1)
      apply(l, r2, -1)
    else
      apply_total(h, -1)
      apply_total(l, 1)
    end
  end
  local function undo(m)
    local t, r, h, l, r2 = m[1], m[2], m[3], m[4], m[5]
    if r2 then move { t, r2, h, l, r } else move { t, r, l, h } end
  end
  local function scan(below)
    best, bd, be, bg, limit = nil, 0, 0, math.huge, below
    for _, class in ipairs(live) do
      local scope = class.scope
      local highest, lowest = -math.huge, math.huge
      for _, p in ipairs(class.members) do
        local n = scope == 0 and tot[p] or c[p][scope]
        if n > highest then highest = n end
        if n < lowest then lowest = n end
      end
      if highest - lowest > 1 then
        for _, member in ipairs(class.members) do
          local n = scope == 0 and tot[member] or c[member][scope]
          for t = 1, nt do
            local member_role = holds[t][member]
            if n == highest and member_role and (scope == 0 or member_role == scope) and movable(t, member_role) then
              -- a turn of the most assigned goes to someone else
              for other = 1, np do
                if other ~= member then
                  local other_role = holds[t][other]
                  if not other_role then
                    if free(other, t) and can(prob, other, member_role, t) then consider(t, member_role, member, other) end
                  elseif scope ~= 0 and movable(t, other_role) and can(prob, member, other_role, t) and can(prob, other, member_role, t) then
                    consider(t, member_role, member, other, other_role)
                  end
                end
              end
            elseif n == lowest then
              -- the least assigned takes a turn from someone else
              for r = 1, nr do
                local other = assign[t][r]
                if other and other ~= member and (scope == 0 or r == scope) and movable(t, r) and can(prob, member, r, t) then
                  if not member_role then
                    if free(member, t) then consider(t, r, other, member) end
                  elseif scope ~= 0 and movable(t, member_role) and can(prob, other, member_role, t) then
                    consider(t, r, other, member, member_role)
                  end
                end
              end
            end
          end
        end
      end
    end
    return best
  end
  for _ = 1, 4 * nt * nr do
    pool = {}
    local m = scan(0)
    if m then
      move(m)
    else
      -- no single move helps: a move that does not, followed by one that
      -- more than makes up for it (the measure still falls, so this ends)
      local tried = pool
      pool = nil
      table.sort(tried, function(a, b) return a.d < b.d or (a.d == b.d and a.e < b.e) end)
      for i = 1, math.min(#tried, 40) do
        local m1 = tried[i].m
        move(m1)
        local m2 = scan(-tried[i].d)
        if m2 then move(m2); m = m2; break end
        undo(m1)
      end
      if not m then return end
    end
  end
end

return M
