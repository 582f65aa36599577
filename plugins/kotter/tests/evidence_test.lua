-- Evidence: dated entries on a step, read back oldest first.

local h = require("tests.helpers").new { run = run, load_people = load_people, load_groups = load_groups }

test("evidence is dated today unless --date says otherwise, with link and metrics", function()
  set_today("2026-10-05")
  h.ok("new", "Reading for pleasure")
  local e = h.ok("evidence", "reading", "1", "staff survey: 72% see the need",
    "--link", "https://forms.example.org/r/123", "--metric", "agree=72", "--metric", "responses = 58")
  expect(e.date):to_equal("2026-10-05")
  expect(e.step):to_equal(1)
  expect(e.link):to_equal("https://forms.example.org/r/123")
  expect(e.metrics):to_equal({ agree = 72, responses = 58 })
end)

test("the timeline is ordered by date, then by the order it was recorded", function()
  h.ok("evidence", "reading", "wins", "library loans up 30% on last term", "--date", "2026-03-10")
  h.ok("evidence", "reading", "vision", "vision agreed at staff meeting", "--date", "2026-02-01")
  h.ok("evidence", "reading", "wins", "first book club for Year 8", "--date", "2026-03-10")
  h.ok("evidence", "reading", "urgency", "reading age data shared", "--date", "2026-01-15")
  local st = plugin.standing(plugin.initiatives.find("reading"), "2026-10-05", plugin.stalls.rules({}))
  local texts = {}
  for _, e in ipairs(st.evidence) do texts[#texts + 1] = e.text end
  expect(texts):to_equal({
    "reading age data shared",
    "vision agreed at staff meeting",
    "library loans up 30% on last term",
    "first book club for Year 8",
    "staff survey: 72% see the need",
  })
end)

test("status shows each step's newest evidence", function()
  local st = h.ok("status", "reading")
  expect(st.steps[1].last_evidence):to_equal({ date = "2026-10-05", text = "staff survey: 72% see the need" })
  -- Two wins on the same day: the one recorded last is the newest.
  expect(st.steps[6].last_evidence.text):to_equal("first book club for Year 8")
  expect(st.steps[4].last_evidence):to_be_nil()
end)

test("the report's timeline keeps that order", function()
  local md = h.ok("report", "reading").content:match("## Timeline of evidence(.-)## Guiding coalition")
  local a = md:find("reading age data shared", 1, true)
  local b = md:find("vision agreed", 1, true)
  local c = md:find("library loans", 1, true)
  local d = md:find("first book club", 1, true)
  expect(a < b and b < c and c < d):to_be(true)
  expect(md):to_contain("**2026-03-10** · step 6 Wins (short-term win): library loans up 30% on last term")
end)

test("a metric that is not NAME=VALUE is refused", function()
  local r = run("evidence", "reading", "1", "x", "--metric", "agree72")
  expect(r.status):to_equal(1)
  expect(r.err):to_contain("--metric expects NAME=VALUE")
end)

test("empty evidence text is refused", function()
  local r = run("evidence", "reading", "1", "   ")
  expect(r.status):to_equal(1)
  expect(r.err):to_contain("what happened?")
end)

test("evidence on a step not started suggests starting it", function()
  local _, r = h.ok("evidence", "reading", "barriers", "timetable change agreed for 2027")
  expect(r.err):to_contain("--status in_progress")
end)
