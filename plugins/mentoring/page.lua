-- The mentoring page of the dashboard (`baton serve`), as the blocks the
-- dashboard draws (docs/plugins.md, "Pages, forms and access"): what a
-- coordinator looks at in the room and any colleague may see. Pure: it
-- gets the pairs and the cohort, and neither reads the store nor prints.
--
-- Only what the page's readers (everyone signed in, viewers too) may
-- see goes in: the active pairs and their reasons, who is still without a
-- mentor, and the pairs that have ended (last year's), with their dates
-- but never why they ended: that stays with `mentor list` (a
-- coordinator's command) and each person's own `mentor mine`.

local M = {}

local function who(id, name)
  return name and (id .. " " .. name) or id
end

local function mean(list)
  if #list == 0 then return nil end
  local sum = 0
  for _, p in ipairs(list) do sum = sum + p.score end
  return math.floor(sum / #list * 10 + 0.5) / 10
end

--- The page's blocks.
-- The pairs that have ended, newest first, each with both names: v.ended
-- when given, else read from the store (the route gives only the active).
local function ended_pairs(v)
  if v.ended then return v.ended end
  local all = require("settings").shown(false) or {}
  local list, ids = {}, {}
  for _, p in ipairs(all) do
    if p.ended then
      list[#list + 1] = p
      ids[#ids + 1] = p.mentee; ids[#ids + 1] = p.mentor
    end
  end
  local names = #ids > 0 and baton.people.names(ids) or {}
  local out = {}
  for i, p in ipairs(list) do
    out[i] = { mentee = p.mentee, mentee_name = names[p.mentee], mentor = p.mentor,
      mentor_name = names[p.mentor], started = p.started, ended = p.ended }
  end
  table.sort(out, function(a, b) return a.ended > b.ended end)
  return out
end

---@param v {pairs: table[], mentees: table[], mentors: table[], groups: string, ended?: table[]}
---  pairs: the active pairs {id, mentee, mentee_name, mentor, mentor_name,
---  score, started, reasons}; mentees, mentors: the cohort's active people
---  {id, name}; groups: the cohort's groups in words; ended: the ended
---  pairs {mentee, mentee_name, mentor, mentor_name, started, ended}
---  (default: read from the store)
---@return {blocks: table[]}
function M.blocks(v)
  local paired, mentoring = {}, {}
  for _, p in ipairs(v.pairs) do
    paired[p.mentee] = true
    mentoring[p.mentor] = (mentoring[p.mentor] or 0) + 1
  end
  local unmatched = {}
  for _, p in ipairs(v.mentees) do
    if not paired[p.id] then unmatched[#unmatched + 1] = { mentee = who(p.id, p.name) } end
  end
  local busy = 0
  for _, p in ipairs(v.mentors) do
    if mentoring[p.id] then busy = busy + 1 end
  end
  local m = mean(v.pairs)
  local blocks = {
    { view = "stats", items = {
      { label = "active pairs", value = #v.pairs, note = m and ("mean score " .. m) or "none yet" },
      { label = "mentees without a mentor", value = #unmatched,
        note = ("of %d in the cohort"):format(#v.mentees) },
      { label = "mentors with a mentee", value = busy, note = ("of %d in the cohort"):format(#v.mentors) },
    } },
  }
  if #v.pairs == 0 then
    blocks[#blocks + 1] = { view = "text", title = "No active pairs",
      text = "Run a match (the form below, or `baton mentor match`), look at the pairs and their reasons, "
        .. "then save it to make them active." }
  else
    local nodes, links, seen = {}, {}, {}
    local function node(id, name, group)
      if seen[id] then return end
      seen[id] = true
      nodes[#nodes + 1] = { id = id, label = name or id, group = group }
    end
    for _, p in ipairs(v.pairs) do node(p.mentor, p.mentor_name, "mentor") end
    for _, p in ipairs(v.pairs) do node(p.mentee, p.mentee_name, "mentee") end
    local rows = {}
    for _, p in ipairs(v.pairs) do
      links[#links + 1] = { source = p.mentor, target = p.mentee, label = p.reasons }
      rows[#rows + 1] = { pair = p.id, mentor = who(p.mentor, p.mentor_name), mentee = who(p.mentee, p.mentee_name),
        since = p.started, score = p.score, reasons = p.reasons }
    end
    blocks[#blocks + 1] = { view = "network", title = "Who mentors whom",
      caption = "Each mentor with their mentees, and what each pair shares (the reasons it was made).",
      source_label = "mentor", target_label = "mentee", nodes = nodes, links = links }
    blocks[#blocks + 1] = { view = "table", title = "Active pairs",
      caption = "Every pair with its score and the reasons it was made.",
      columns = { { key = "pair", label = "#" }, { key = "mentor", label = "Mentor" },
        { key = "mentee", label = "Mentee" }, { key = "since", label = "Since" },
        { key = "score", label = "Score" }, { key = "reasons", label = "Reasons" } },
      rows = rows }
  end
  if #unmatched > 0 then
    blocks[#blocks + 1] = { view = "table", title = "Without a mentor",
      caption = ("Mentees of the cohort (%s) with no active pair: a rematch pairs them where the rules allow, "
        .. "and `baton mentor why MENTEE` says what stands in the way."):format(v.groups),
      columns = { { key = "mentee", label = "Mentee" } }, rows = unmatched }
  end
  local ended = ended_pairs(v)
  if #ended > 0 then
    local rows = {}
    for i, p in ipairs(ended) do
      rows[i] = { mentor = who(p.mentor, p.mentor_name), mentee = who(p.mentee, p.mentee_name), since = p.started,
        ended = p.ended }
    end
    blocks[#blocks + 1] = { view = "table", title = "Pairs that have ended",
      caption = "Last year's pairs and any pair ended since, newest first: a match never gives a mentee their "
        .. "last mentor again. Why a pair ended stays with the coordinator (`baton mentor list`).",
      columns = { { key = "mentor", label = "Mentor" }, { key = "mentee", label = "Mentee" },
        { key = "since", label = "Since" }, { key = "ended", label = "Ended" } }, rows = rows }
  end
  blocks[#blocks + 1] = { view = "commands", commands = { "match", "rematch", "end", "mine" } }
  return { blocks = blocks }
end

--- What the practice counts as leadership: the mentees each mentor
--- mentors now (active pairs), most first.
---@param pairs table[] the active pairs
---@return {label: string, roles: {person: string, count: integer}[]}
function M.leadership(pairs)
  local count, order = {}, {}
  for _, p in ipairs(pairs) do
    if not count[p.mentor] then order[#order + 1] = p.mentor end
    count[p.mentor] = (count[p.mentor] or 0) + 1
  end
  table.sort(order, function(a, b) return count[a] > count[b] or (count[a] == count[b] and a < b) end)
  local roles = {}
  for i, id in ipairs(order) do roles[i] = { person = id, count = count[id] } end
  return { label = "mentees mentored", roles = roles }
end

return M
