-- How results look: text lines, CSV rows and the page's blocks. Renderers
-- only: they are given what privacy.visible returned (and changes and
-- trends built from it), never the store, so they cannot show more.
local checklist = require("checklist")

local M = {}

local function fmt(x) return x and ("%.2f"):format(x) or "-" end
local function signed(x) return x and ("%+.2f"):format(x) or "-" end

local function short(text, n)
  n = n or 60
  if utf8.len(text) and utf8.len(text) > n then
    return text:sub(1, utf8.offset(text, n) - 1) .. "..."
  end
  return text
end

function M.round_line(v)
  local state = v.open and ("open" .. (v.closes and (" until " .. v.closes) or ""))
    or ("closed " .. (v.closed_on or ""))
  return ("Round %d: %s, %s, %s, %s; %d of %d answered"):format(v.round, v.group, v.term,
    v.anonymous and "anonymous" or "named", state, v.answers, v.members)
end

--- The results of `reflect results` as text.
function M.results_text(v, change)
  baton.print(M.round_line(v))
  baton.print("Scale: " .. checklist.describe())
  if not v.shown then
    baton.print("")
    baton.print("No results: " .. v.withheld .. ".")
    return
  end
  local was = {}
  for _, c in ipairs(change.items) do was[c.item] = c end
  local rows = {}
  for _, it in ipairs(v.items) do
    local c = was[it.item]
    rows[#rows + 1] = {
      ["#"] = it.item, statement = short(it.text) .. (it.retired and " [retired]" or ""),
      mean = fmt(it.mean), ["1/2/3/4"] = table.concat(it.counts, "/"),
      change = c and signed(c.change) or "-",
    }
  end
  baton.print("")
  baton.ui.table(rows, { "#", "statement", "mean", "1/2/3/4", "change" })
  if change.previous then
    baton.print(("Change since round %d (%s)."):format(change.previous, change.previous_term))
  else
    baton.print("No earlier closed round of this group to compare with.")
  end
  baton.print("")
  if #v.roles == 0 then
    baton.print(("By role: no role has %d answers or more apart from the rest, so only the total shows.")
      :format(v.min_group))
  else
    local header, rrows = { "#" }, {}
    for _, r in ipairs(v.roles) do header[#header + 1] = ("%s (%d)"):format(r.role, r.answers) end
    for k, it in ipairs(v.items) do
      local row = { ["#"] = it.item }
      for j, r in ipairs(v.roles) do row[header[j + 1]] = fmt(r.items[k].mean) end
      rrows[#rrows + 1] = row
    end
    baton.print("By role (mean score, answers in brackets):")
    baton.ui.table(rrows, header)
    if v.other_roles > 0 then
      baton.print(("%d answers come from roles not shown on their own (each role needs %d, and the rest "
        .. "together too, so none can be worked out from the total)."):format(v.other_roles, v.min_group))
    end
  end
  if #v.comments > 0 then
    baton.print("")
    baton.print("Comments" .. (v.anonymous and " (anonymous)" or "") .. ":")
    for _, c in ipairs(v.comments) do
      for _, t in ipairs(c.texts) do baton.print(("  %d. %s"):format(c.item, t)) end
    end
  end
end

--- CSV rows of a round's results: one per statement for the whole round
--- and one per statement for each role shown.
function M.results_csv(v, change)
  local rows = {}
  if not v.shown then return rows end
  local was = {}
  for _, c in ipairs(change.items) do was[c.item] = c end
  local function add(scope, answers, it, f, c)
    rows[#rows + 1] = { round = v.round, group = v.group, term = v.term, scope = scope, answers = answers,
      item = it.item, statement = it.text, mean = fmt(f.mean), n1 = f.counts[1], n2 = f.counts[2],
      n3 = f.counts[3], n4 = f.counts[4], previous = c and fmt(c.previous), change = c and fmt(c.change) }
  end
  for _, it in ipairs(v.items) do add("all", v.answers, it, it, was[it.item]) end
  for _, r in ipairs(v.roles) do
    for k, it in ipairs(v.items) do add("role: " .. r.role, r.answers, it, r.items[k]) end
  end
  return rows
end
M.results_header = { "round", "group", "term", "scope", "answers", "item", "statement", "mean", "n1", "n2", "n3",
  "n4", "previous", "change" }

--- CSV rows of a group's trends: one per round and statement shown.
function M.trends_csv(t)
  local rows = {}
  for _, r in ipairs(t.rounds) do
    for _, it in ipairs(r.items) do
      rows[#rows + 1] = { group = t.group, term = r.term, round = r.round, answers = r.answers,
        item = it.item, statement = it.text, mean = fmt(it.mean) }
    end
  end
  return rows
end
M.trends_header = { "group", "term", "round", "answers", "item", "statement", "mean" }

function M.trends_text(t)
  baton.print(("Trends for %s: %d closed round%s"):format(t.group, #t.rounds, #t.rounds == 1 and "" or "s"))
  if #t.withheld > 0 then
    for _, w in ipairs(t.withheld) do baton.print(("  round %d (%s): %s"):format(w.round, w.term, w.why)) end
  end
  if #t.rounds == 0 then return end
  local header, rows = { "#", "statement" }, {}
  for _, r in ipairs(t.rounds) do header[#header + 1] = ("%s #%d"):format(r.term, r.round) end
  for _, it in ipairs(t.items) do
    local row = { ["#"] = it.item, statement = short(it.text, 40) }
    for j, r in ipairs(t.rounds) do
      local mean
      for _, x in ipairs(r.items) do
        if x.item == it.item then mean = x.mean end
      end
      row[header[j + 2]] = fmt(mean)
    end
    rows[#rows + 1] = row
  end
  baton.print("")
  baton.ui.table(rows, header)
end

--- The page: a round's figures as blocks the dashboard draws.
function M.page(v, change, rounds_open, min)
  local blocks = {}
  local items = {
    { label = "Round", value = v and ("%d: %s, %s"):format(v.round, v.group, v.term) or "none yet",
      note = v and (v.anonymous and "anonymous" or "named") or "a coordinator opens one with `baton reflect open`" },
    { label = "Open rounds", value = rounds_open },
    { label = "Fewest answers shown", value = min, note = "the setting min_group" },
  }
  if v then
    table.insert(items, 2, { label = "Answered", value = v.answers, note = ("of %d asked"):format(v.members) })
  end
  blocks[#blocks + 1] = { view = "stats", items = items }
  if v and not v.shown then
    blocks[#blocks + 1] = { view = "text", title = "Results", text = "No results: " .. v.withheld .. "." }
  end
  if v and v.shown then
    local series = {}
    for _, s in ipairs(checklist.scale) do
      series[#series + 1] = { key = tostring(s.score), label = ("%d %s"):format(s.score, s.label) }
    end
    for k, it in ipairs(v.items) do
      local rows = { { label = ("All (%d)"):format(v.answers), values = {} } }
      for s = 1, #checklist.scale do rows[1].values[tostring(s)] = it.counts[s] end
      for _, r in ipairs(v.roles) do
        local row = { label = ("%s (%d)"):format(r.role, r.answers), values = {} }
        for s = 1, #checklist.scale do row.values[tostring(s)] = r.items[k].counts[s] end
        rows[#rows + 1] = row
      end
      blocks[#blocks + 1] = { view = "bars", title = ("%d. %s"):format(it.item, it.text),
        caption = ("mean %s on the scale %s"):format(fmt(it.mean), checklist.describe()),
        unit = "answers", series = series, rows = rows }
    end
    local crows = {}
    for _, c in ipairs(change.items) do
      crows[#crows + 1] = { item = tostring(c.item), mean = fmt(c.mean), previous = fmt(c.previous),
        change = signed(c.change) }
    end
    blocks[#blocks + 1] = { view = "table", title = "Change since the last round",
      caption = change.previous and ("against round %d (%s)"):format(change.previous, change.previous_term)
        or "no earlier closed round of this group",
      columns = { { key = "item", label = "#" }, { key = "mean", label = "Now" },
        { key = "previous", label = "Before" }, { key = "change", label = "Change" } },
      rows = crows }
    if v.other_roles > 0 then
      blocks[#blocks + 1] = { view = "text", title = "Roles not shown",
        text = ("%d answers come from roles not shown on their own: each role needs %d answers, and the rest "
          .. "together too."):format(v.other_roles, v.min_group) }
    end
  end
  blocks[#blocks + 1] = { view = "commands", commands = { "answer", "mine" } }
  return { blocks = blocks }
end

return M
