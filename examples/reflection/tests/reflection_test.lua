-- Tests of the termly reflection checklist, run inside the real host by
-- `baton test examples/reflection`. Every test starts on an empty database
-- with the sample school and one autumn term with a half term.
before_each(function()
  reset_db()
  load_people("../../samples/staff.csv")
  set_terms {
    { "Autumn 2026", "2026-09-01", "2026-12-18" },
    { "Half term", "2026-10-26", "2026-10-30", closure = true },
  }
end)

test("the term's questions follow the setting", function()
  local v = run_json("prompt", "--today", "2026-09-14")
  expect(v.term):to_equal("Autumn 2026")
  expect(#v.questions):to_equal(3)
  set_setting("questions", 5)
  expect(#run_json("prompt", "--today", "2026-09-14").questions):to_equal(5)
end)

test("an answer is recorded for the current term, and status counts it", function()
  expect(run("answer", "AP01", "1", "I handed the timetable to Wei", "--today", "2026-12-14").status):to_equal(0)
  expect(run("answer", "AP01", "1", "Wei took the timetable", "--today", "2026-12-14").status):to_equal(0)
  local v = run_json("status", "--today", "2026-12-14")
  expect(v.days_left):to_equal(5)
  expect(v.people):to_equal { { id = "AP01", name = "David Kowalski", answered = 1, done = false } }
  local r = run("status", "--today", "2026-12-14")
  expect(r.out):to_contain("Autumn 2026: 5 school days left, 3 questions")
  expect(r.out):to_contain("[ ] David Kowalski")
end)

test("outside a term, answers are refused and say what to do", function()
  local r = run("answer", "AP01", "1", "summer thoughts", "--today", "2026-08-10")
  expect(r.status):to_equal(1)
  expect(r.err):to_contain("no term holds 2026-08-10")
  expect(r.err):to_contain("baton terms import")
end)

test("an unknown person, or a question past the setting, is refused", function()
  -- (the plugin's words, or the host's once it checks type person: "no person 'NOBODY' in the staff list")
  expect(run("answer", "NOBODY", "1", "x", "--today", "2026-09-14").err):to_match("'NOBODY' [%a ]*in the staff list")
  local r = run("answer", "AP01", "4", "x", "--today", "2026-09-14")
  expect(r.status):to_equal(1)
  expect(r.err):to_contain("this term asks 3 questions")
  expect(run("answer", "AP01", "9", "x").status):to_equal(2)   -- past the manifest's max
end)

test("a new mentoring pair is prompted to reflect, by the hook", function()
  set_today("2026-09-14")
  baton.events.log { kind = "mentor.pair", subject = "T020", data = { mentor = "T001" } }
  baton.sleep(10)   -- hooks run on the loop's next turn
  local v = run_json("status")
  expect(#v.people):to_equal(2)
  expect(v.people[1]):to_equal { id = "T001", name = "Wei Chen", answered = 0, done = false }
  expect(v.days_left):to_equal(65)
end)
