-- "Did you mean ...?": the closest of some names to a mistyped word.

--- Edit distance between two strings (insertions, deletions, changes).
local function distance(a, b)
  local prev = {}
  for j = 0, #b do prev[j] = j end
  for i = 1, #a do
    local cur = { [0] = i }
    for j = 1, #b do
      local cost = a:sub(i, i) == b:sub(j, j) and 0 or 1
      cur[j] = math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost)
    end
    prev = cur
  end
  return prev[#b]
end

--- The candidate nearest to `word`, if it is near enough to be a typo.
---@param word string
---@param candidates string[]
---@return string|nil
return function(word, candidates)
  local best, best_d
  for _, c in ipairs(candidates) do
    local d = distance(word, c)
    if not best_d or d < best_d then best, best_d = c, d end
  end
  if best_d and best_d <= math.max(1, #word // 3) then return best end
  return nil
end
