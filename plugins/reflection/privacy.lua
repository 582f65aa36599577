-- What of a round may be shown: the one function every output goes through.
--
-- The command line's text, --json, the CSV files, the page and every route
-- are made from what `visible` returns and from nothing else, so a figure
-- it leaves out cannot appear anywhere. It reads no store and prints
-- nothing: it is given the round, its statements, its members and every
-- score, and the threshold.
--
-- The rules (docs/practices/reflect.md, "Privacy"):
--  1. An answer counts once every statement of the round has its score;
--     the unit of privacy is the person, so every figure of a round rests
--     on the same people.
--  2. Nothing but the number of answers shows while the round is open:
--     watching the figures move between two answers would give away the
--     second one.
--  3. A closed round with fewer than `min` answers shows no figure.
--  4. A role with fewer than `min` answers is not shown, not even by name.
--  5. The total minus the roles shown must not give away a hidden role:
--     the roles not shown must hold at least `min` answers between them.
--     While they hold fewer, the smallest role still shown (fewest
--     answers, then by name) is hidden too; if none is left, only the
--     total shows.
--  6. Comments show with the round's figures, sorted, without their
--     author, role or score.
local checklist = require("checklist")

local M = {}

local function round2(x) return math.floor(x * 100 + 0.5) / 100 end

-- Mean and counts per scale point of the answers given, for each item.
local function figures(items, answers)
  local out = {}
  for _, it in ipairs(items) do
    local counts, sum = {}, 0
    for s = checklist.lowest, checklist.highest do counts[s] = 0 end
    for _, a in ipairs(answers) do
      local s = a.scores[it.id]
      counts[s] = counts[s] + 1
      sum = sum + s
    end
    out[#out + 1] = { item = it.id, mean = round2(sum / #answers), counts = counts }
  end
  return out
end

--- Which roles may be shown (rules 4 and 5): a sorted list of role names.
--- `counts` maps each role to its number of answers.
function M.roles_shown(counts, min)
  local shown, hidden_total = {}, 0
  for role, n in pairs(counts) do
    if n >= min then shown[#shown + 1] = role else hidden_total = hidden_total + n end
  end
  table.sort(shown, function(a, b)
    if counts[a] ~= counts[b] then return counts[a] < counts[b] end
    return a < b
  end)
  while hidden_total > 0 and hidden_total < min and #shown > 0 do
    hidden_total = hidden_total + counts[table.remove(shown, 1)]
  end
  table.sort(shown)
  return shown, hidden_total
end

--- What may be shown of a round. `input` = {round, items, members, scores}
--- as store.lua gives them; `min` the threshold. Returns a plain table:
---   {round, group, term, anonymous, open, closed_on, members, answers,
---    min_group, shown (boolean), withheld (why not, or nil),
---    items = {{item, text, retired, mean?, counts?}}          figures only when shown
---    roles = {{role, answers, items = {{item, mean, counts}}}}  only the roles shown
---    other_roles = n   answers in roles not shown separately (0 or at least min)
---    comments = {{item, texts = {...}}}}
function M.visible(input, min)
  local r = input.round
  local role_of, per_person = {}, {}
  for _, m in ipairs(input.members) do role_of[m.id] = m.role end
  local asked = {}
  for _, it in ipairs(input.items) do asked[it.id] = true end
  for _, s in ipairs(input.scores) do
    if asked[s.item] then
      local a = per_person[s.person_id]
      if not a then
        a = { role = role_of[s.person_id] or s.role, scores = {}, comments = {}, n = 0 }
        per_person[s.person_id] = a
      end
      a.scores[s.item], a.n = s.score, a.n + 1
      if s.comment then a.comments[s.item] = s.comment end
    end
  end
  local answers = {}
  for _, a in pairs(per_person) do
    if a.n == #input.items then answers[#answers + 1] = a end
  end

  local v = {
    round = r.id, group = r.group, term = r.term, anonymous = r.anonymous, open = r.open,
    opened = r.opened, closes = r.closes, closed_on = r.closed_on,
    members = #input.members, answers = #answers, min_group = min, shown = false,
    items = {}, roles = {}, other_roles = 0, comments = {},
  }
  for _, it in ipairs(input.items) do
    v.items[#v.items + 1] = { item = it.id, text = it.text, retired = it.retired ~= nil }
  end
  if r.open then
    v.withheld = ("the round is open: results show once it closes (%d of %d answered)"):format(#answers, v.members)
    return v
  end
  if #answers < min then
    v.withheld = ("%d answer%s, fewer than %d: no results are shown (the setting min_group)")
      :format(#answers, #answers == 1 and "" or "s", min)
    return v
  end
  v.shown = true
  for k, f in ipairs(figures(input.items, answers)) do
    v.items[k].mean, v.items[k].counts = f.mean, f.counts
  end

  local by_role, counts = {}, {}
  for _, a in ipairs(answers) do
    by_role[a.role] = by_role[a.role] or {}
    table.insert(by_role[a.role], a)
    counts[a.role] = (counts[a.role] or 0) + 1
  end
  local shown, other = M.roles_shown(counts, min)
  for _, role in ipairs(shown) do
    v.roles[#v.roles + 1] = { role = role, answers = counts[role], items = figures(input.items, by_role[role]) }
  end
  v.other_roles = other

  for _, it in ipairs(input.items) do
    local texts = {}
    for _, a in ipairs(answers) do
      if a.comments[it.id] then texts[#texts + 1] = a.comments[it.id] end
    end
    table.sort(texts)
    if #texts > 0 then v.comments[#v.comments + 1] = { item = it.id, texts = texts } end
  end
  return v
end

--- The change of each figure both rounds show, from `before` to `now`
--- (two results of `visible`): {item, mean, previous, change} per item
--- and per role shown in both. Built only from what they show.
function M.change(now, before)
  local out = { round = now.round, previous = before and before.round or nil,
    previous_term = before and before.term or nil, items = {}, roles = {} }
  if not before or not now.shown or not before.shown then return out end
  local function diff(a, b)
    local was = {}
    for _, f in ipairs(b) do was[f.item] = f.mean end
    local rows = {}
    for _, f in ipairs(a) do
      if was[f.item] then
        rows[#rows + 1] = { item = f.item, mean = f.mean, previous = was[f.item], change = round2(f.mean - was[f.item]) }
      end
    end
    return rows
  end
  out.items = diff(now.items, before.items)
  local prev_roles = {}
  for _, r in ipairs(before.roles) do prev_roles[r.role] = r end
  for _, r in ipairs(now.roles) do
    if prev_roles[r.role] then
      out.roles[#out.roles + 1] = { role = r.role, items = diff(r.items, prev_roles[r.role].items) }
    end
  end
  return out
end

return M
