-- What the practice shows: the staff room board (a whole HTML page and
-- its stylesheet), the Recognition page and the coordinator's page
-- (blocks the dashboard draws), and the CSV files. Everything a person
-- typed goes into HTML through baton.html.render's {{...}}, which escapes
-- it, and into blocks as plain values, which the dashboard never reads as
-- HTML.
local link = require("link")

local M = {}

--- Thanks rows as people read them: names, roles and the link's label.
function M.named(rows)
  local ids = {}
  for _, t in ipairs(rows) do
    ids[#ids + 1] = t.from_id
    ids[#ids + 1] = t.to_id
    local a, b = (t.link or ""):match("^pair:(.-)/(.*)$")
    if a then ids[#ids + 1], ids[#ids + 2] = a, b end
  end
  local people = #ids > 0 and baton.people.get_many(ids) or {}
  local out = {}
  for i, t in ipairs(rows) do
    local from, to = people[t.from_id], people[t.to_id]
    out[i] = { id = t.id, date = t.date, from = t.from_id, from_name = from and from.name or t.from_id,
      to = t.to_id, to_name = to and to.name or t.to_id,
      to_role = to and to.role and to.role ~= "" and to.role or "(no role)", message = t.message,
      link = t.link, link_label = link.label(t.link, people),
      hidden_on = t.hidden_on, hidden_by = t.hidden_by, hidden_reason = t.hidden_reason }
  end
  return out
end

-- ---- the staff room board --------------------------------------------------------

-- Shown on a screen in the staff room: large type, high contrast, one card
-- per thank-you, reloaded every minute without any script (the page's
-- policy allows none).
local BOARD = [[<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="refresh" content="60">
<title>Thanks board</title>
<link rel="stylesheet" href="/api/recognition/board.css"></head>
<body><main>
<h1>Thank you</h1>
<p class="summary">{{summary}}</p>
{{{cards}}}
<p class="how">Thank a colleague: <em>Recognition</em> in the dashboard, or <code>baton thanks post FROM TO "TEXT"</code>.</p>
</main></body></html>
]]

local CARD = [[<li><p class="to">{{to}} <span class="role">{{role}}</span></p>
<blockquote>{{message}}</blockquote>
<p class="from">from {{from}}, {{date}}{{{link}}}</p></li>]]

M.CSS = [[
html { background: #10243e; color: #fdfdf8; }
body { margin: 0; font: 1.6rem/1.4 system-ui, sans-serif; }
main { max-width: 110rem; margin: 0 auto; padding: 2rem 3rem; }
h1 { font-size: 4rem; margin: 0 0 .5rem; color: #ffd166; }
.summary { font-size: 1.8rem; margin: 0 0 2rem; }
ol.cards { list-style: none; margin: 0; padding: 0; display: grid;
  grid-template-columns: repeat(auto-fill, minmax(26rem, 1fr)); gap: 1.5rem; }
ol.cards li { background: #fdfdf8; color: #10243e; border-radius: .8rem; padding: 1.2rem 1.5rem;
  overflow-wrap: anywhere; }
.to { font-size: 2.2rem; font-weight: 700; margin: 0; }
.role { font-size: 1.3rem; font-weight: 400; color: #4a5a70; }
blockquote { font-size: 1.9rem; margin: .6rem 0; }
.from { font-size: 1.3rem; margin: 0; color: #4a5a70; }
.link { font-weight: 600; }
.empty, .how { font-size: 1.5rem; }
.how code { color: #ffd166; }
]]

--- The board: `recent` (named rows, newest first) and the spread's
--- summary of the period.
function M.board(recent, s)
  local cards = {}
  for _, t in ipairs(recent) do
    cards[#cards + 1] = baton.html.render(CARD, { to = t.to_name, role = t.to_role, message = t.message,
      from = t.from_name, date = t.date,
      link = t.link_label and baton.html.render(" &middot; <span class=\"link\">{{l}}</span>", { l = t.link_label }) or "" })
  end
  local summary = ("%s: %d thank-you%s to %d colleague%s, reaching %d of %d roles."):format(s.period.name, s.thanks,
    s.thanks == 1 and "" or "s", s.thanked, s.thanked == 1 and "" or "s", s.roles_reached, #s.roles)
  return baton.http.response {
    headers = { ["content-type"] = "text/html; charset=utf-8" },
    body = baton.html.render(BOARD, { summary = summary,
      cards = #cards > 0 and ("<ol class=\"cards\">" .. table.concat(cards, "\n") .. "</ol>")
        or "<p class=\"empty\">No thanks yet: be the first.</p>" }),
  }
end

-- ---- the pages' blocks ----------------------------------------------------------------

local THANKS_COLUMNS = {
  { key = "date", label = "Date" }, { key = "to", label = "Thanked" }, { key = "from", label = "By" },
  { key = "message", label = "For" }, { key = "link", label = "Practice" },
}

local function thanks_rows(named, with_id)
  local rows = {}
  for i, t in ipairs(named) do
    rows[i] = { id = with_id and t.id or nil, date = t.date, to = t.to_name, from = t.from_name,
      message = t.message, link = t.link_label or "", hidden = with_id and (t.hidden_on or "") or nil }
  end
  return rows
end

--- The Recognition page (anyone signed in): the period's figures, the
--- spread by role, the latest thanks and the form to thank someone.
function M.page(s, recent)
  local bars = {}
  for _, r in ipairs(s.roles) do
    bars[#bars + 1] = { label = r.role, values = { thanked = r.thanked, people = r.people } }
  end
  return { blocks = {
    { view = "stats", items = {
      { label = "thanks", value = s.thanks, note = s.period.name },
      { label = "colleagues thanked", value = s.thanked },
      { label = "colleagues who thanked", value = s.thanking },
      { label = "roles reached", value = s.roles_reached, note = ("of %d"):format(#s.roles) },
    } },
    { view = "bars", title = "Thanked, by role", caption = "People thanked at least once in " .. s.period.name
      .. ", against the people in each role", unit = "people",
      series = { { key = "thanked", label = "thanked" }, { key = "people", label = "in the role" } }, rows = bars },
    { view = "table", title = "The latest thanks", columns = THANKS_COLUMNS, rows = thanks_rows(recent) },
    { view = "text", title = "The staff room screen",
      text = "The board for the staff room screen is at /api/recognition/board (it reloads every minute). "
        .. "The thanks and the spread as CSV: /api/recognition/thanks.csv and /api/recognition/spread.csv." },
    { view = "commands", commands = { "post" } },
  } }
end

--- The coordinator's page: the quiet nudges, the hidden messages and the
--- latest thanks with their numbers (hidden ones marked), with the forms
--- to hide and unhide.
function M.coordinator(n, hidden, latest)
  local quiet = {}
  for i, q in ipairs(n.quiet) do
    quiet[i] = { person = q.id .. " " .. q.name, role = q.role, last = q.last or "never",
      weeks = q.weeks and tostring(q.weeks) or "" }
  end
  local hid = {}
  for i, t in ipairs(hidden) do
    hid[i] = { id = t.id, date = t.date, to = t.to_name, from = t.from_name, message = t.message,
      hidden = t.hidden_on .. " by " .. (t.hidden_by or "the command line"), reason = t.hidden_reason or "" }
  end
  return { blocks = {
    { view = "text", title = "For you alone",
      text = ("Nobody else sees this page. The people below have not been thanked for %d weeks or more "
        .. "(the quiet_weeks setting), or never: a nudge to notice what they do, not a list to publish."):format(n.weeks) },
    { view = "table", title = "Not thanked for a while", columns = {
      { key = "person", label = "Person" }, { key = "role", label = "Role" },
      { key = "last", label = "Last thanked" }, { key = "weeks", label = "Weeks" } }, rows = quiet },
    { view = "table", title = "Hidden messages", caption = "Off the board and every public list; kept here.",
      columns = { { key = "id", label = "#" }, { key = "date", label = "Date" }, { key = "to", label = "Thanked" },
        { key = "from", label = "By" }, { key = "message", label = "Message" },
        { key = "hidden", label = "Hidden" }, { key = "reason", label = "Why" } }, rows = hid },
    { view = "table", title = "The latest thanks, with their numbers",
      columns = { { key = "id", label = "#" }, THANKS_COLUMNS[1], THANKS_COLUMNS[2], THANKS_COLUMNS[3],
        THANKS_COLUMNS[4], THANKS_COLUMNS[5], { key = "hidden", label = "Hidden on" } }, rows = thanks_rows(latest, true) },
    { view = "commands", commands = { "hide", "unhide" } },
  } }
end

-- ---- CSV ------------------------------------------------------------------------------

M.THANKS_HEADER = { "date", "from", "from_name", "to", "to_name", "to_role", "message", "link" }
M.SPREAD_HEADER = { "role", "people", "thanked", "received", "given", "thanked_people" }

function M.thanks_csv(named)
  local rows = {}
  for i, t in ipairs(named) do
    rows[i] = { date = t.date, from = t.from, from_name = t.from_name, to = t.to, to_name = t.to_name,
      to_role = t.to_role, message = t.message, link = t.link or "" }
  end
  return baton.csv.encode(rows, { header = M.THANKS_HEADER })
end

function M.spread_csv(s)
  local rows = {}
  for i, r in ipairs(s.roles) do
    local names = {}
    for k, p in ipairs(r.names) do names[k] = p.name end
    rows[i] = { role = r.role, people = r.people, thanked = r.thanked, received = r.received, given = r.given,
      thanked_people = table.concat(names, "; ") }
  end
  return baton.csv.encode(rows, { header = M.SPREAD_HEADER })
end

return M
