-- Change since the last round and trends across two terms, with a
-- statement retired between them; the statements a school edits.
test_permissions { "fs.read" }
local h = require("tests.helpers")

test("two terms: change since the autumn round, and the trend, with statement 3 retired in between", function()
  h.school()
  run_json("open", "--group", "Whole staff")                         -- round 1, Autumn 2026
  h.answer_roles(1, { teacher = 2, ["student leader"] = 3 })
  run_json("close", "1")
  expect(run_json("items", "retire", "3").retired):to_equal(3)
  set_today("2027-01-11")
  local r2 = run_json("open", "--group", "Whole staff")              -- round 2, Spring 2027
  expect(r2.term):to_equal("Spring 2027")
  expect(r2.items):to_equal(9)
  -- statement 3 is not asked any more; the others are numbered as before
  local r = run("answer", "2", "T001", "--item", "3=4")
  expect(r.err):to_contain("--item 3=4: round 2 does not ask statement 3")
  local score = function(i) return i == 1 and 4 or 3 end
  for _, role in ipairs { "teacher", "student leader", "support staff" } do
    for _, id in ipairs(h.ids(role)) do
      local args = { "answer", "2", id }
      for _, i in ipairs { 1, 2, 4, 5, 6, 7, 8, 9, 10 } do
        args[#args + 1] = "--item"; args[#args + 1] = ("%d=%d"):format(i, score(i))
      end
      expect(run(table.unpack(args)).status):to_equal(0)
    end
  end
  run_json("close", "2")

  local v = run_json("results", "2")
  expect(v.change.previous):to_equal(1)
  expect(v.change.previous_term):to_equal("Autumn 2026")
  expect(#v.change.items):to_equal(9)
  -- round 1: 20 teachers at 2, 5 student leaders at 3: mean 2.2; round 2: 4 on statement 1
  expect(v.change.items[1]):to_equal { item = 1, mean = 4, previous = 2.2, change = 1.8 }
  expect(v.change.items[2]):to_equal { item = 2, mean = 3, previous = 2.2, change = 0.8 }
  local roles = {}
  for _, c in ipairs(v.change.roles) do roles[#roles + 1] = c.role end
  expect(roles):to_equal { "student leader", "teacher" }   -- support staff answered only in spring
  expect(run("results", "2").out):to_contain("Change since round 1 (Autumn 2026).")

  -- the retired statement stays readable in the autumn round
  local old = run_json("results", "1")
  expect(old.items[3].text):to_equal("Roles such as chairing, facilitating and note-taking rotate in our team.")
  expect(old.items[3].retired):to_equal(true)
  expect(old.items[3].mean):to_equal(2.2)
  expect(run("results", "1").out):to_contain("[retired]")

  local t = run_json("trends", "--group", "Whole staff")
  expect(#t.rounds):to_equal(2)
  expect(t.rounds[1].term):to_equal("Autumn 2026")
  expect(t.rounds[2].term):to_equal("Spring 2027")
  expect(#t.items):to_equal(10)
  local out = tmp_path("trends.csv")
  run("trends", "--group", "Whole staff", "--csv", out)
  local rows = baton.csv.decode(assert(baton.fs.read(out)))
  expect(#rows):to_equal(1 + 10 + 9)
  expect(rows[1]):to_equal { "group", "term", "round", "answers", "item", "statement", "mean" }
  expect(rows[12]):to_equal { "Whole staff", "Spring 2027", "2", "30", "1", rows[2][6], "4.00" }
  local text = run("trends", "--group", "Whole staff").out
  expect(text):to_contain("AUTUMN 2026 #1")
  expect(text):to_contain("SPRING 2027 #2")
  -- a third round under the threshold is listed as withheld, with no figure
  set_today("2027-02-01")
  run_json("open", "--group", "Whole staff", "--term", "Spring 2027")
  expect(run("answer", "3", "T001", "--item", "1=1", "--item", "2=1").status):to_equal(0)   -- 1 answer, not complete
  run_json("close", "3")
  t = run_json("trends", "--group", "Whole staff")
  expect(#t.rounds):to_equal(2)
  expect(t.withheld[1].round):to_equal(3)
  expect(run_json("results", "3").change.items):to_equal {}
end)

test("statements: add one, refuse a repeat, retire, list with --all, import a CSV all or none", function()
  h.school()
  local v = run_json("items", "add", "We share the jobs nobody asked for.", "--source", "our staff survey")
  expect(v.added):to_equal(11)
  local r = run("items", "add", "  we share the jobs nobody asked for. ")
  expect(r.status):to_equal(1)
  expect(r.err):to_contain("statement 11 already says that")
  expect(run("items", "add").status):to_equal(2)
  expect(run("items", "retire", "12").err):to_contain("there is no statement '12'")
  run_json("items", "retire", "11")
  expect(run("items", "retire", "11").err):to_contain("statement 11 was retired on 2026-10-05 already")
  expect(#run_json("items")):to_equal(10)
  expect(#run_json("items", "list", "--all")):to_equal(11)

  r = run("items", "import", "--file", fixture_path("tests/items-bad.csv"))
  expect(r.status):to_equal(1)
  expect(r.err):to_contain("items-bad.csv:3: the statement is empty")
  expect(#run_json("items")):to_equal(10)                 -- all or none: line 2 was not added
  v = run_json("items", "import", "--file", fixture_path("tests/items.csv"))
  expect(#v.added):to_equal(2)
  expect(#run_json("items")):to_equal(12)
  r = run("items", "import", "--file", fixture_path("tests/items.csv"))
  expect(r.err):to_contain("items.csv:2: statement 12 already says that")
  expect(run("items", "import").status):to_equal(2)
end)
