-- Is there a circulation in a small graph whose edges carry between a
-- lower and an upper bound? The proofs from counts (scheduler/bounds.lua)
-- ask it, per class and for all classes' shares together.

local M = {}

-- Is there a circulation in the graph of `n` nodes whose edges { u, v,
-- lo, hi } each carry between lo and hi? (Lower bounds moved to a
-- super source and sink, then augmenting paths; the graphs here have a
-- few dozen nodes.)
---@param n integer nodes 1..n
---@param edges integer[][] { from, to, lo, hi }
---@return boolean
function M.circulation(n, edges)
  local S, T = n + 1, n + 2
  local cap, excess = {}, {}
  for i = 1, n + 2 do cap[i] = {}; excess[i] = 0 end
  for _, e in ipairs(edges) do
    local u, v, lo, hi = e[1], e[2], e[3], e[4]
    if lo > hi then return false end
    cap[u][v] = (cap[u][v] or 0) + hi - lo
    cap[v][u] = cap[v][u] or 0
    excess[v] = excess[v] + lo
    excess[u] = excess[u] - lo
  end
  local need = 0
  for i = 1, n do
    if excess[i] > 0 then cap[S][i] = excess[i]; cap[i][S] = 0; need = need + excess[i]
    elseif excess[i] < 0 then cap[i][T] = -excess[i]; cap[T][i] = 0 end
  end
  local flow = 0
  while flow < need do
    local prev, queue, head = { [S] = S }, { S }, 1
    while head <= #queue and not prev[T] do
      local u = queue[head]
      head = head + 1
      for v = 1, n + 2 do
        local x = cap[u][v]
        if x and x > 0 and not prev[v] then prev[v] = u; queue[#queue + 1] = v end
      end
    end
    if not prev[T] then return false end
    local aug, v = math.huge, T
    while v ~= S do local u = prev[v]; if cap[u][v] < aug then aug = cap[u][v] end; v = u end
    v = T
    while v ~= S do local u = prev[v]; cap[u][v] = cap[u][v] - aug; cap[v][u] = cap[v][u] + aug; v = u end
    flow = flow + aug
  end
  return true
end

return M
