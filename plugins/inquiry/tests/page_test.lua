-- The pages and the leadership route, called as baton serve calls them.
local h = require("tests.helpers")

before_each(function()
  h.school()
  h.maths_cycle()
  h.ok("phase", "1", "scanning", "--owner", "T006", "--owner", "A001", "--done")
  h.ok("log", "1", "--minutes", "60", "--notes", "looked at exit tickets")
  h.ok("evidence", "1", "Exit tickets", "--link", "javascript:alert(1)")
  h.ok("close", "1", "--finding", "Students rarely act on comments", "--next", "Does feedback time help?", "--date", "2026-09-14")
  h.ok("open", "Do retrieval starters help?", "--group", "Science PLC", "--model", "pdsa")
end)

local function req(query, user) return { method = "GET", path = "/", params = {}, query = query or {}, user = user } end

local function block(page, view, title)
  for _, b in ipairs(page.blocks) do
    if b.view == view and (not title or b.title == title) then return b end
  end
end

test("the overview: stats, the open cycles as steps, time, findings, and the forms", function()
  local p = plugin.routes["/api/inquiry/overview"](req())
  local stats = block(p, "stats").items
  expect(stats[1]):to_equal { label = "open cycles", value = 2, note = "2 groups inquiring" }
  expect(stats[2].value):to_equal(1)
  expect(stats[3]):to_equal { label = "hours of inquiry", value = 1, note = "100% protected" }
  local steps = block(p, "steps")
  expect(#steps.items):to_equal(2)
  expect(steps.items[1].title):to_equal("#2 Maths PLC: Does feedback time help?")
  expect(steps.items[1].subtitle):to_contain("follows #1")
  expect(steps.items[2].steps[1]):to_equal { name = "1. plan", status = "in-progress", owners = {} }
  local findings = block(p, "table", "Findings")
  expect(findings.rows[1]):to_equal { cycle = "#1 Maths PLC", question = "How do our Year 9s act on feedback?",
    closed = "2026-09-14", findings = "Students rarely act on comments", next = "#2" }
  expect(block(p, "table", "Protected time against time spent").rows[1].share):to_equal("100%")
  expect(block(p, "commands").commands):to_equal { "open", "status" }
end)

test("the board shows the signed-in person's groups' cycles; ?cycle and ?group choose others", function()
  local p = plugin.routes["/api/inquiry/board"](req({}, { person = "T003", role = "staff" }))
  expect(block(p, "text").text):to_contain("Showing the open cycles of your groups.")
  expect(block(p, "steps").items[1].title):to_equal("#3 Science PLC: Do retrieval starters help?")
  expect(block(p, "commands").commands):to_equal { "log", "evidence", "review", "phase", "close" }
  p = plugin.routes["/api/inquiry/board"](req({}, { person = "P001", role = "coordinator" }))
  expect(block(p, "text").text):to_contain("Showing every open cycle.")
  p = plugin.routes["/api/inquiry/board"](req { cycle = "1" })
  local ev = block(p, "table", "Evidence of #1").rows[1]
  expect(ev.evidence):to_equal("Exit tickets")
  expect(ev.link):to_equal("(not a web address)")
  expect(block(p, "table", "Meetings of #1").rows[1].notes):to_equal("looked at exit tickets")
  expect(block(p, "text", "Findings of #1").text):to_equal("Students rarely act on comments\nThey led to cycle #2.")
  local body, code = plugin.routes["/api/inquiry/board"](req { cycle = "99" })
  expect(code):to_equal(404)
  expect(body.error.message):to_equal("there is no cycle '99'")
  p = plugin.routes["/api/inquiry/board"](req { group = "Maths PLC" })
  expect(#block(p, "steps").items):to_equal(1)
  expect(block(p, "text").text):to_contain("Showing the cycles of Maths PLC.")
end)

test("leadership: cycles led and phases owned per person, by period when asked", function()
  local l = plugin.routes["/api/inquiry/leadership"](req())
  expect(l.label):to_equal("inquiry cycles led and phases owned")
  expect(l.role):to_equal("PLC inquiry lead")
  expect(l.period):to_be_nil()
  expect(l.roles):to_equal { { person = "T001", count = 2 }, { person = "A001", count = 1 }, { person = "T003", count = 1 },
    { person = "T006", count = 1 } }
  l = plugin.routes["/api/inquiry/leadership"](req { from = "2026-09-01", to = "2026-09-10" })
  expect(l.period):to_equal { from = "2026-09-01", to = "2026-09-10" }
  expect(l.roles):to_equal { { person = "A001", count = 1 }, { person = "T001", count = 1 }, { person = "T006", count = 1 } }
  l = plugin.routes["/api/inquiry/leadership"](req { from = "2027-01-01", to = "2027-03-01" })
  expect(l.roles):to_equal {}
  -- a period it cannot read is ignored: counted now, and said so by leaving period out
  l = plugin.routes["/api/inquiry/leadership"](req { from = "soon", to = "2027-03-01" })
  expect(l.period):to_be_nil()
  expect(#l.roles):to_equal(4)
end)

test("an empty school's pages say what to do", function()
  h.school()
  local p = plugin.routes["/api/inquiry/overview"](req())
  expect(block(p, "text", "No inquiry cycle yet").text):to_contain("baton inquiry open QUESTION --group GROUP")
  p = plugin.routes["/api/inquiry/board"](req())
  expect(block(p, "text", "No cycle to show")):to_be_truthy()
end)
