-- Data uploads: a CSV file kept as its summary (rows, and each numeric
-- column's count, min, mean, max), never its rows; a bad file is refused
-- naming its line and column, and nothing is saved.
local h = require("tests.helpers")

before_each(function()
  h.school()
  h.maths_cycle()
end)

test("a CSV file is summarised: its rows and each column of numbers", function()
  local v = h.ok("data", "1", fixture_path("tests/exit-tickets.csv"), "--note", "exit tickets, weeks 1-2")
  expect(v.summary.rows):to_equal(4)
  expect(v.summary.columns):to_equal {
    { name = "week", count = 4, min = 1, mean = 1.25, max = 2 },
    { name = "score", count = 3, min = 4, mean = 6.67, max = 9 },
    { name = "change", count = 4, min = -1, mean = 1.13, max = 3 },
  }
  expect(v.summary.other):to_equal { "student" }
  local out = run("data", "1", fixture_path("tests/exit-tickets.csv")).out
  expect(out):to_contain("exit-tickets.csv: 4 rows; week: 4 values, 1 to 2, mean 1.25; score: 3 values, 4 to 9, mean 6.67")
  expect(out):to_contain("Not numeric (not summarised): student")
  local s = h.ok("show", "1")
  expect(s.evidence[1].text):to_equal("exit tickets, weeks 1-2 (exit-tickets.csv)")
  expect(s.evidence[1].summary.rows):to_equal(4)
  -- the rows themselves are kept nowhere: not in the evidence, not in the event log
  local kept = baton.json.encode(assert(baton.store.query("SELECT * FROM inquiry_evidence")))
    .. baton.json.encode(baton.events.list { kind = "inquiry.data" })
  expect(kept).never:to_contain("S01")
end)

test("a broken file, or one with no rows, is refused with its place, and nothing is saved", function()
  local r = run("data", "1", fixture_path("tests/broken.csv"))
  expect(r.status):to_equal(1)
  expect(r.err):to_match("broken%.csv:2:%d+: ")
  expect(#assert(baton.store.query("SELECT * FROM inquiry_evidence"))):to_equal(0)
  r = run("data", "1", "no-such-file.csv")
  expect(r.status):to_equal(2)
  expect(r.err):to_contain("no-such-file.csv")
end)

test("a header with no rows has nothing to summarise", function()
  local r = run("data", "1", fixture_path("tests/header-only.csv"))
  expect(r.status):to_equal(1)
  expect(r.err):to_contain("header-only.csv has no rows under its header: nothing to summarise")
end)
