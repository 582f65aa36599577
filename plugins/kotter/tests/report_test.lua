-- The report: Markdown and HTML, the HTML well formed and carrying the SVG
-- of eight chevrons coloured by status.

local h = require("tests.helpers").new { run = run, load_people = load_people, load_groups = load_groups }

-- The plugin writes files but never reads them (no fs.read in its
-- manifest); this file reads back what --out wrote.
test_permissions { "fs.read" }

-- Elements that have no closing tag in HTML.
local VOID = { meta = true, br = true, hr = true, img = true, input = true, link = true }

-- Checks that every tag the report emits is closed, in order. Returns the
-- list of problems (empty when the page is well formed).
local function tag_problems(html)
  local stack, problems = {}, {}
  for slash, name, rest in html:gmatch("<(/?)([%a][%w-]*)([^>]*)>") do
    name = name:lower()
    if slash == "/" then
      if stack[#stack] == name then
        stack[#stack] = nil
      else
        problems[#problems + 1] = ("</%s> closes <%s>"):format(name, tostring(stack[#stack]))
      end
    elseif not VOID[name] and not rest:match("/$") then
      stack[#stack + 1] = name
    end
  end
  for _, open in ipairs(stack) do problems[#problems + 1] = "<" .. open .. "> never closed" end
  return problems
end

local function count(s, pattern)
  local n = 0
  for _ in s:gmatch(pattern) do n = n + 1 end
  return n
end

local function sample_initiative()
  h.school()
  set_today("2026-09-01")
  h.ok("new", "Literacy across the curriculum", "--target", "2027-06-30")
  h.ok("step", "literacy", "1", "--status", "in_progress", "--owner", "P001", "--owner", "C001", "--due", "2026-09-30")
  set_today("2026-09-15")
  h.ok("evidence", "literacy", "1", "staff survey: 72% see the need", "--date", "2026-09-15",
    "--link", "https://forms.example.org/s/1", "--metric", "agree=72")
  set_today("2026-09-01") -- (the rest of the sample's changes on its first day)
  h.ok("step", "literacy", "1", "--status", "done")
  h.ok("coalition", "literacy", "add", "AP01", "T005", "A002", "L003")
  h.ok("step", "literacy", "2", "--status", "done")
  h.ok("step", "literacy", "3", "--status", "in_progress")
  set_today("2026-11-02")
end

test("the HTML report is well formed and holds one SVG with eight chevrons", function()
  sample_initiative()
  local html = h.ok("report", "literacy", "--format", "html").content
  expect(html):to_match("^<!DOCTYPE html>")
  expect(tag_problems(html)):to_equal({})
  expect(count(html, "<svg[ >]")):to_equal(1)
  expect(count(html, "</svg>")):to_equal(1)
  local svg = html:match("<svg.-</svg>")
  expect(count(svg, '<polygon class="chevron"')):to_equal(8)
  -- Coloured by status: two done, one in progress, five not started.
  expect(count(svg, 'class="step status%-done"')):to_equal(2)
  expect(count(svg, 'class="step status%-in_progress"')):to_equal(1)
  expect(count(svg, 'class="step status%-not_started"')):to_equal(5)
  for n = 1, 8 do
    expect(svg):to_contain(">Step " .. n .. "<")
  end
end)

test("the HTML report has the timeline, the coalition and the open warnings", function()
  local html = h.ok("report", "literacy", "--format", "html").content
  expect(html):to_contain('<section id="timeline">')
  expect(html):to_contain("staff survey: 72% see the need")
  expect(html):to_contain('<a href="https://forms.example.org/s/1">source</a>')
  expect(html):to_contain("4 people from 4 roles")
  expect(html):to_contain("Zara Ahmed (L003)")
  -- Step 3 has been in progress since 2026-09-01 with no evidence.
  expect(html):to_contain("step 3 Form a strategic vision has been in progress with no evidence for 62 days")
  -- A warning puts a red mark on its chevron.
  expect(count(html:match("<svg.-</svg>"), 'class="warning%-mark"')):to_equal(1)
end)

test("text from people is escaped in the HTML, and only web links become links", function()
  h.ok("new", "Maths & <Science> \"together\"")
  h.ok("evidence", "maths", "1", "<script>alert(1)</script> survey", "--link", "javascript:alert(1)")
  local html = h.ok("report", "maths", "--format", "html").content
  expect(html).never:to_contain("<script>")
  expect(html):to_contain("&lt;script&gt;alert(1)&lt;/script&gt; survey")
  expect(html):to_contain("Maths &amp; &lt;Science&gt; &quot;together&quot;")
  expect(html).never:to_contain('href="javascript')
  expect(tag_problems(html)):to_equal({})
end)

test("the Markdown report shows the steps as a row, a table, the timeline and the coalition", function()
  local r = run("report", "literacy")
  expect(r.status):to_equal(0)
  local md = r.out
  expect(md):to_contain("# Change report: Literacy across the curriculum")
  expect(md):to_contain("[1 Urgency: done] → [2 Coalition: done] → [3 Vision: in progress] → [4 Volunteers: not started]")
  expect(md):to_contain("| 1 | Create a sense of urgency | done | Ruth Adeyemi, Maria Okafor | 2026-09-30 |")
  expect(md):to_contain("- **2026-09-15** · step 1 Urgency: staff survey: 72% see the need ([source](https://forms.example.org/s/1); agree = 72)")
  expect(md):to_contain("| Zara Ahmed (L003) | student leader | Peer Mentoring | Hillcrest |")
  expect(md):to_contain("## Open warnings")
end)

test("--out writes the report with baton.fs.write and says where", function()
  local path = tmp_path("report.html")
  local r = h.ok("report", "literacy", "--format", "html", "--out", path)
  expect(r.out):to_equal(path)
  expect(r.format):to_equal("html")
  local whole = h.ok("report", "literacy", "--format", "html").content
  expect(r.bytes):to_equal(#whole)
  expect(baton.fs.read(path)):to_equal(whole)
  local text = run("report", "literacy", "--format", "html", "--out", path)
  expect(text.out):to_contain("Wrote the HTML report on Literacy across the curriculum to " .. path)
end)

test("the SVG alone, drawn from a made-up standing", function()
  local st = { steps = {} }
  local statuses = { "done", "done", "needs_renewal", "in_progress", "not_started", "in_progress", "not_started", "not_started" }
  for n = 1, 8 do st.steps[n] = { step = n, status = statuses[n], health = "ok" } end
  local svg = plugin.report_of.svg(st)
  expect(count(svg, "<polygon")):to_equal(8)
  expect(count(svg, 'status%-needs_renewal')):to_equal(1)
  expect(svg):to_contain('fill="#d9734e"')
  expect(tag_problems(svg)):to_equal({})
end)
