-- The Expertise page of the dashboard (`baton serve`), as blocks
-- (docs/plugins.md, "Pages, forms and access"). Pure: it gets the ranked
-- map, the pockets and the gaps, and neither reads the store nor prints.
--
-- The page is for everyone signed in (viewers too), so it shows what the
-- school shares: strengths, who holds them and why they rank where they
-- do. What a person wants to grow in is theirs: the page shows only how
-- many want each thing, never who.
local rank = require("rank")

local M = {}

local function who(id, name) return name and (id .. " " .. name) or id end

---@param v {tags: table<string, table[]>, pockets: table[], gaps: table[], wanted: table<string, string[]>}
---@return {blocks: table[]}
function M.blocks(v)
  local names, people = {}, {}
  for tag, holders in pairs(v.tags) do
    names[#names + 1] = tag
    for _, h in ipairs(holders) do people[h.person] = true end
  end
  table.sort(names, function(a, b)
    if #v.tags[a] ~= #v.tags[b] then return #v.tags[a] > #v.tags[b] end
    return a < b
  end)
  local holders_n = 0
  for _ in pairs(people) do holders_n = holders_n + 1 end
  local missing = 0
  for _, g in ipairs(v.gaps) do
    if g.state == "nobody" then missing = missing + 1 end
  end

  local rows, bars = {}, {}
  for k, tag in ipairs(names) do
    local hs = v.tags[tag]
    local best = {}
    for i = 1, math.min(3, #hs) do best[#best + 1] = ("%s (%s)"):format(who(hs[i].person, hs[i].name), hs[i].level) end
    rows[#rows + 1] = { expertise = tag, holders = #hs, best = table.concat(best, ", "),
      spread = rank.spread_text(rank.spread(hs)), wanted = #(v.wanted[tag] or {}) }
    if k <= 15 then
      local n = { declared = 0, endorsed = 0, evidenced = 0 }
      for _, h in ipairs(hs) do n[h.level] = n[h.level] + 1 end
      bars[#bars + 1] = { label = tag, values = n }
    end
  end

  local pockets = {}
  for _, p in ipairs(v.pockets) do
    pockets[#pockets + 1] = { expertise = p.tag, person = who(p.person, p.name), role = p.role or "",
      campus = p.campus or "", level = p.level, wanted = p.wanted_by }
  end
  local needs = {}
  for _, g in ipairs(v.gaps) do
    -- one school's need is named with its school when the page shows every school's
    needs[#needs + 1] = { need = (g.school or "") ~= "" and v.all_schools and (g.tag .. " (" .. g.school .. ")") or g.tag, state = g.state, holders = g.holders,
      ["for"] = g.initiative_title or g.initiative or g.why or "" }
  end

  local blocks = {
    { view = "stats", items = {
      { label = "strengths on the map", value = #names, note = ("held by %d people"):format(holders_n) },
      { label = "pockets", value = #v.pockets, note = "held by one person only" },
      { label = "needs nobody holds", value = missing, note = ("of %d the school listed"):format(#v.gaps) },
    } },
  }
  if #bars > 0 then
    blocks[#blocks + 1] = { view = "bars", title = "How strongly each is held",
      caption = "people per level: evidenced (a practice recorded it) > endorsed (a colleague says so) > declared",
      unit = "people", series = { { key = "evidenced", label = "evidenced" }, { key = "endorsed", label = "endorsed" },
        { key = "declared", label = "declared" } }, rows = bars }
  end
  blocks[#blocks + 1] = { view = "table", title = "Who can help with what",
    caption = "the three best holders of each strength, and how many want to grow in it",
    columns = { { key = "expertise", label = "Expertise" }, { key = "holders", label = "Holders" },
      { key = "best", label = "Best placed" }, { key = "spread", label = "Spread" },
      { key = "wanted", label = "Wanted by" } }, rows = rows }
  blocks[#blocks + 1] = { view = "table", title = "Pockets: held by one person only",
    caption = "if this person leaves, the school loses it: grow a second holder",
    columns = { { key = "expertise", label = "Expertise" }, { key = "person", label = "Person" },
      { key = "role", label = "Role" }, { key = "campus", label = "Campus" }, { key = "level", label = "Level" },
      { key = "wanted", label = "Wanted by" } }, rows = pockets }
  blocks[#blocks + 1] = { view = "table", title = "What the school needs",
    caption = "the coordinator's list of needs (expertise needs), against the map",
    columns = { { key = "need", label = "Need" }, { key = "state", label = "Held by" },
      { key = "holders", label = "Holders" }, { key = "for", label = "For" } }, rows = needs }
  blocks[#blocks + 1] = { view = "commands", commands = { "declare", "want", "endorse", "mine", "helpers" } }
  return { blocks = blocks }
end

return M
