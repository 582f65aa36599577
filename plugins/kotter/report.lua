-- The report a principal can share: the eight steps as a row of chevrons
-- coloured by status, each step's owners and health, the open warnings, the
-- timeline of evidence, and the guiding coalition with its spread.
--
-- Two forms: Markdown (for a wiki or an email) and one self-contained HTML
-- page whose chevrons are an SVG drawn here, so the file needs nothing else.

local steps = require("steps")

local M = {}

-- HTML --------------------------------------------------------------------------

local function esc(s)
  return (tostring(s == nil and "" or s):gsub("[&<>\"']", {
    ["&"] = "&amp;", ["<"] = "&lt;", [">"] = "&gt;", ['"'] = "&quot;", ["'"] = "&#39;",
  }))
end
M.escape = esc

-- Only web and mail addresses become links; anything else stays text.
local function safe_link(url)
  return url and (url:match("^https?://") or url:match("^mailto:")) and url or nil
end
M.safe_link = safe_link

local CHEVRON = { width = 118, tip = 16, gap = 4, height = 64 }

--- The eight steps as chevrons, coloured by status, with a legend. A step
--- with a warning carries a red mark.
function M.svg(st)
  local c = CHEVRON
  local total = 8 * c.width + 7 * c.gap + c.tip
  local out = {
    ('<svg xmlns="http://www.w3.org/2000/svg" class="chevrons" viewBox="0 0 %d 104" width="100%%" '
      .. 'role="img" aria-label="Kotter\'s 8 steps and their status">'):format(total),
  }
  for i, s in ipairs(st.steps) do
    local x = (i - 1) * (c.width + c.gap)
    local h, mid = c.height, c.height // 2
    local pts = { { x, 0 }, { x + c.width, 0 }, { x + c.width + c.tip, mid }, { x + c.width, h }, { x, h } }
    if i > 1 then pts[#pts + 1] = { x + c.tip, mid } end
    local coords = {}
    for k, p in ipairs(pts) do coords[k] = p[1] .. "," .. p[2] end
    local look = steps.statuses[s.status]
    local cx = x + c.width // 2 + (i > 1 and c.tip // 2 or c.tip // 4)
    out[#out + 1] = ('<g class="step status-%s"><title>%s: %s (%s)</title>'):format(s.status,
      esc(steps.title(steps.list[s.step])), esc(look.label), esc(s.health))
    out[#out + 1] = ('<polygon class="chevron" points="%s" fill="%s"/>'):format(table.concat(coords, " "), look.colour)
    out[#out + 1] = ('<text x="%d" y="28" text-anchor="middle" fill="%s" font-size="11">Step %d</text>')
      :format(cx, look.text, s.step)
    out[#out + 1] = ('<text x="%d" y="45" text-anchor="middle" fill="%s" font-size="13" font-weight="bold">%s</text>')
      :format(cx, look.text, esc(steps.list[s.step].short))
    if s.health ~= "ok" and s.health ~= "-" then
      out[#out + 1] = ('<circle class="warning-mark" cx="%d" cy="12" r="6" fill="#c0392b"/>'):format(x + c.width - 8)
    end
    out[#out + 1] = "</g>"
  end
  local lx = 0
  for _, key in ipairs(steps.status_order) do
    local look = steps.statuses[key]
    out[#out + 1] = ('<rect x="%d" y="82" width="14" height="14" fill="%s"/>'):format(lx, look.colour)
    out[#out + 1] = ('<text x="%d" y="94" font-size="12" fill="#333333">%s</text>'):format(lx + 20, esc(look.label))
    lx = lx + 130
  end
  out[#out + 1] = ('<circle cx="%d" cy="89" r="6" fill="#c0392b"/>'):format(lx + 6)
  out[#out + 1] = ('<text x="%d" y="94" font-size="12" fill="#333333">has a warning</text>'):format(lx + 20)
  out[#out + 1] = "</svg>"
  return table.concat(out, "\n")
end

local STYLE = [[
body { font-family: system-ui, -apple-system, "Segoe UI", sans-serif; color: #222; max-width: 1060px; margin: 2em auto; padding: 0 1em; line-height: 1.45; }
h1 { margin-bottom: 0.2em; }
.meta { color: #555; margin-top: 0; }
table { border-collapse: collapse; width: 100%; margin: 1em 0; }
th, td { text-align: left; padding: 0.35em 0.6em; border-bottom: 1px solid #ddd; vertical-align: top; }
th { background: #f3f4f6; }
.status { display: inline-block; padding: 0 0.5em; border-radius: 0.6em; font-size: 0.9em; }
.warnings li { color: #8a1f11; }
.timeline li { margin-bottom: 0.4em; }
.date { font-variant-numeric: tabular-nums; font-weight: bold; }
footer { color: #777; font-size: 0.85em; margin-top: 3em; }
]]

local function person(p)
  return ("%s (%s)"):format(p.name or p.id, p.id)
end

local function metrics_text(m)
  if not m then return nil end
  local parts = {}
  for k, v in pairs(m) do parts[#parts + 1] = ("%s = %s"):format(k, tostring(v)) end
  table.sort(parts)
  return #parts > 0 and table.concat(parts, ", ") or nil
end

local function meta_line(st)
  return ("%s mode · %d of 8 steps done · %sreport of %s"):format(st.mode, st.done,
    st.target and ("target " .. st.target .. " · ") or "", st.today)
end

--- The report as one HTML page.
function M.html(st)
  local h = {}
  local function add(fmt, ...) h[#h + 1] = select("#", ...) > 0 and fmt:format(...) or fmt end
  add('<!DOCTYPE html>')
  add('<html lang="en">')
  add('<head>')
  add('<meta charset="utf-8">')
  add('<meta name="viewport" content="width=device-width, initial-scale=1">')
  add('<title>Change report: %s</title>', esc(st.title))
  add('<style>%s</style>', STYLE)
  add('</head>')
  add('<body>')
  add('<header>')
  add('<h1>%s</h1>', esc(st.title))
  add('<p class="meta">%s</p>', esc(meta_line(st)))
  add('</header>')

  add('<section id="steps">')
  add('<h2>The eight steps</h2>')
  add(M.svg(st))
  add('<table>')
  add('<thead><tr><th>#</th><th>Step</th><th>Status</th><th>Owners</th><th>Due</th><th>Last evidence</th><th>Health</th></tr></thead>')
  add('<tbody>')
  for _, s in ipairs(st.steps) do
    local look = steps.statuses[s.status]
    add('<tr><td>%d</td><td>%s</td><td><span class="status" style="background:%s;color:%s">%s</span></td>'
      .. '<td>%s</td><td>%s</td><td>%s</td><td>%s</td></tr>',
      s.step, esc(s.name), look.colour, look.text, esc(look.label), esc(table.concat(s.owner_names, ", ")),
      esc(s.due or ""), s.last_evidence and esc(s.last_evidence.date .. ": " .. s.last_evidence.text) or "",
      esc(s.health))
  end
  add('</tbody>')
  add('</table>')
  add('</section>')

  add('<section id="warnings">')
  add('<h2>Open warnings</h2>')
  if #st.warnings == 0 then
    add('<p>None: nothing has stalled.</p>')
  else
    add('<ul class="warnings">')
    for _, w in ipairs(st.warnings) do add('<li>%s</li>', esc(w.message)) end
    add('</ul>')
  end
  add('</section>')

  add('<section id="timeline">')
  add('<h2>Timeline of evidence</h2>')
  if #st.evidence == 0 then
    add('<p>No evidence recorded yet.</p>')
  else
    add('<ol class="timeline">')
    for _, e in ipairs(st.evidence) do
      local link = safe_link(e.link)
      local extra = {}
      if link then extra[#extra + 1] = ('<a href="%s">source</a>'):format(esc(link))
      elseif e.link then extra[#extra + 1] = esc(e.link) end
      local m = metrics_text(e.metrics)
      if m then extra[#extra + 1] = esc(m) end
      add('<li><span class="date">%s</span> · step %d %s%s: %s%s</li>', esc(e.date), e.step,
        esc(steps.list[e.step].short), e.step == 6 and " (short-term win)" or "", esc(e.text),
        #extra > 0 and (" (" .. table.concat(extra, "; ") .. ")") or "")
    end
    add('</ol>')
  end
  add('</section>')

  add('<section id="coalition">')
  add('<h2>Guiding coalition</h2>')
  add('<p>%s.</p>', esc(st.coalition.summary))
  if #st.coalition.members > 0 then
    add('<table>')
    add('<thead><tr><th>Name</th><th>Role</th><th>Department</th><th>Campus</th></tr></thead>')
    add('<tbody>')
    for _, p in ipairs(st.coalition.members) do
      add('<tr><td>%s</td><td>%s</td><td>%s</td><td>%s</td></tr>', esc(person(p)), esc(p.role or ""),
        esc(p.department or ""), esc(p.campus or ""))
    end
    add('</tbody>')
    add('</table>')
    add('<p>Roles: %s.%s</p>', esc(table.concat(st.coalition.roles, ", ")),
      #st.coalition.roles_absent > 0
        and (" Not yet represented: " .. esc(table.concat(st.coalition.roles_absent, ", ")) .. ".") or "")
  end
  add('</section>')

  add('<footer>Made with baton on %s.</footer>', esc(st.today))
  add('</body>')
  add('</html>')
  return table.concat(h, "\n") .. "\n"
end

-- Markdown ----------------------------------------------------------------------

local function cell(s)
  return (tostring(s or ""):gsub("|", "\\|"):gsub("\n", " "))
end

--- The report as Markdown.
function M.markdown(st)
  local m = {}
  local function add(s) m[#m + 1] = s end
  add("# Change report: " .. st.title)
  add("")
  add(meta_line(st))
  add("")
  add("## The eight steps")
  add("")
  local chain = {}
  for _, s in ipairs(st.steps) do
    chain[#chain + 1] = ("[%d %s: %s]"):format(s.step, steps.list[s.step].short, steps.statuses[s.status].label)
  end
  add(table.concat(chain, " → "))
  add("")
  add("| # | Step | Status | Owners | Due | Last evidence | Health |")
  add("|---|------|--------|--------|-----|---------------|--------|")
  for _, s in ipairs(st.steps) do
    add(("| %d | %s | %s | %s | %s | %s | %s |"):format(s.step, cell(s.name), steps.statuses[s.status].label,
      cell(table.concat(s.owner_names, ", ")), s.due or "",
      s.last_evidence and cell(s.last_evidence.date .. ": " .. s.last_evidence.text) or "", s.health))
  end
  add("")
  add("## Open warnings")
  add("")
  if #st.warnings == 0 then add("None: nothing has stalled.") end
  for _, w in ipairs(st.warnings) do add("- " .. w.message) end
  add("")
  add("## Timeline of evidence")
  add("")
  if #st.evidence == 0 then add("No evidence recorded yet.") end
  for _, e in ipairs(st.evidence) do
    local extra = {}
    if e.link then extra[#extra + 1] = safe_link(e.link) and ("[source](%s)"):format(e.link) or e.link end
    local mt = metrics_text(e.metrics)
    if mt then extra[#extra + 1] = mt end
    add(("- **%s** · step %d %s%s: %s%s"):format(e.date, e.step, steps.list[e.step].short,
      e.step == 6 and " (short-term win)" or "", e.text, #extra > 0 and (" (" .. table.concat(extra, "; ") .. ")") or ""))
  end
  add("")
  add("## Guiding coalition")
  add("")
  add(st.coalition.summary .. ".")
  if #st.coalition.members > 0 then
    add("")
    add("| Name | Role | Department | Campus |")
    add("|------|------|------------|--------|")
    for _, p in ipairs(st.coalition.members) do
      add(("| %s | %s | %s | %s |"):format(cell(person(p)), cell(p.role), cell(p.department), cell(p.campus)))
    end
    add("")
    add("Roles: " .. table.concat(st.coalition.roles, ", ") .. "."
      .. (#st.coalition.roles_absent > 0 and (" Not yet represented: " .. table.concat(st.coalition.roles_absent, ", ") .. ".") or ""))
  end
  return table.concat(m, "\n") .. "\n"
end

return M
