-- What equity shows: the dashboard's blocks, the overview's notices and
-- the HTML report, all from the value report() builds. Pure: no store.
local spread = require("spread")

local M = {}

--- The columns of each table, {key, label}, for the page, the HTML and
--- the text report alike.
M.columns = {
  roles = { { "role", "Role" }, { "source", "Counted by" }, { "holders", "People" }, { "held", "Held" },
    { "share_text", "Share" } },
  departments = { { "department", "Department" }, { "people", "People" }, { "holders", "Hold a role" },
    { "held", "Roles held" }, { "share_of_people_text", "Share of people" }, { "share_held_text", "Share of roles" } },
  top = { { "person", "Person" }, { "department", "Department" }, { "total", "Roles" }, { "held", "Which" } },
  terms = { { "period", "Term" }, { "people", "People" }, { "none", "Hold none" }, { "top_share_text", "Top 10%" },
    { "gini_text", "Index" }, { "counted", "Counted" } },
}

-- A table block of the page.
local function table_block(title, columns, rows, caption)
  local cols = {}
  for i, c in ipairs(columns) do cols[i] = { key = c[1], label = c[2] } end
  return { view = "table", title = title, caption = caption, columns = cols, rows = rows }
end

local function pct(x) return ("%d%%"):format(math.floor(x * 100 + 0.5)) end
M.pct = pct

--- One line saying how concentrated leadership is (`school`: the school
--- the picture is of, to name when it has nobody yet).
function M.summary(f, school)
  if f.people == 0 then
    return ("Nobody active is in the staff list%s yet, so there is no spread to show: import it, with a "
      .. "school column in a district (`baton people import staff.csv`), and the picture fills in as people "
      .. "take on roles."):format((school or "") ~= "" and (" of " .. school) or "")
  end
  if f.held == 0 then return "Nobody holds a leadership role yet." end
  return ("%d of %d people hold at least one leadership role; the top 10%% (%d %s) hold %s of the %s "
    .. "roles held; concentration index %.2f."):format(f.holders, f.people, f.top_people,
    f.top_people == 1 and "person" or "people", pct(f.top_share), tostring(f.held), f.gini)
end

--- How each practice was counted, one line each.
function M.practice_line(p)
  if p.error then return p.plugin .. ": not counted: " .. p.error end
  return ("%s: %s, %s held, %s"):format(p.plugin, p.label or p.plugin, tostring(p.held),
    p.by_term and "counted by term" or "counted now, not by term")
end

--- The blocks of the page /api/equity/page. Names of the people who hold
--- no role go to coordinators only; everyone else sees their number.
function M.blocks(r, coordinator)
  local f = r.figures
  local blocks = {
    { view = "stats", items = {
      { label = "hold at least one role", value = f.holders, note = ("of %d people"):format(f.people) },
      { label = "hold none", value = f.none },
      { label = "held by the top 10%", value = pct(f.top_share), note = ("%d people"):format(f.top_people) },
      { label = "concentration index", value = ("%.2f"):format(f.gini),
        note = ("Gini: 0 even, 1 one person holds all; warning above %.2f"):format(r.threshold) },
    } },
    { view = "text", title = r.period.name .. " (" .. r.period.from .. " to " .. r.period.to .. ")",
      text = r.summary },
  }
  local dept_rows = {}
  for _, d in ipairs(r.departments) do
    dept_rows[#dept_rows + 1] = { label = d.department, values = { per_person = d.per_person } }
  end
  blocks[#blocks + 1] = { view = "bars", title = "Roles held per person, by department",
    caption = "the roles a department's people hold, over how many people it has", unit = "roles per person",
    series = { { key = "per_person", label = "roles per person" } }, rows = dept_rows }
  blocks[#blocks + 1] = table_block("Roles", M.columns.roles, r.roles)
  blocks[#blocks + 1] = table_block("Departments", M.columns.departments, r.departments)
  blocks[#blocks + 1] = table_block("Who holds most", M.columns.top, r.top,
    "the people holding the most roles (everyone who holds one, on the command line: baton equity report --top 0)")
  if coordinator then
    local names = {}
    for _, p in ipairs(r.none) do names[#names + 1] = p.id .. " " .. p.name end
    blocks[#blocks + 1] = { view = "text", title = ("No leadership role (%d)"):format(#r.none),
      text = #names > 0 and table.concat(names, ", ") or "Everyone holds at least one." }
  else
    blocks[#blocks + 1] = { view = "text", title = "No leadership role",
      text = ("%d people hold no leadership role (their names are shown to coordinators)."):format(#r.none) }
  end
  blocks[#blocks + 1] = table_block("Term over term", M.columns.terms, r.terms)
  local lines = {}
  for _, p in ipairs(r.practices) do lines[#lines + 1] = M.practice_line(p) end
  blocks[#blocks + 1] = { view = "text", title = "How each practice was counted", text = table.concat(lines, "\n") }
  return { blocks = blocks }
end

--- The overview's notices: a warning when the index passes the
--- threshold. Text only, and it names nobody, whoever asks.
function M.notices(r)
  local f = r.figures
  if f.held == 0 or f.gini <= r.threshold then return { notices = {} } end
  return { notices = { {
    level = "warning",
    text = ("Leadership is concentrated: the top 10%% of people hold %s of the leadership roles "
      .. "(concentration index %.2f, above the threshold of %.2f); %d of %d people hold none."):format(
      pct(f.top_share), f.gini, r.threshold, f.none, f.people),
    link = "#/equity/spread",
  } } }
end

local function html_table(columns, rows)
  local head, body = {}, {}
  for _, c in ipairs(columns) do head[#head + 1] = baton.html.render("<th>{{l}}</th>", { l = c[2] }) end
  for _, row in ipairs(rows) do
    local cells = {}
    for _, c in ipairs(columns) do cells[#cells + 1] = baton.html.render("<td>{{v}}</td>", { v = tostring(row[c[1]] or "") }) end
    body[#body + 1] = "<tr>" .. table.concat(cells) .. "</tr>"
  end
  return "<table><thead><tr>" .. table.concat(head) .. "</tr></thead><tbody>" .. table.concat(body) .. "</tbody></table>"
end

--- The report as a page of its own (equity report --html FILE).
function M.html(r)
  return baton.html.render([[<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Spread of leadership, {{period}}</title>
<style>body{font-family:sans-serif;max-width:60em;margin:2em auto}table{border-collapse:collapse;margin:1em 0}
td,th{border:1px solid #ccc;padding:.2em .6em;text-align:left}</style></head><body>
<h1>Spread of leadership, {{period}}</h1><p>{{from}} to {{to}}. {{summary}}</p>
<h2>Roles</h2>{{{roles}}}<h2>Departments</h2>{{{departments}}}<h2>Who holds most</h2>{{{top}}}
<h2>Term over term</h2>{{{terms}}}<h2>How each practice was counted</h2><ul>{{{practices}}}</ul>
</body></html>
]], {
    period = r.period.name, from = r.period.from, to = r.period.to, summary = r.summary,
    roles = html_table(M.columns.roles, r.roles),
    departments = html_table(M.columns.departments, r.departments),
    top = html_table(M.columns.top, r.top),
    terms = html_table(M.columns.terms, r.terms),
    practices = (function()
      local items = {}
      for _, p in ipairs(r.practices) do items[#items + 1] = baton.html.render("<li>{{t}}</li>", { t = M.practice_line(p) }) end
      return table.concat(items)
    end)(),
  })
end

M.round = spread.round
return M
