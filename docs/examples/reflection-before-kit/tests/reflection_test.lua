-- Tests of the reflection checklist on the kit before issue 18. The tests
-- of a file share one database, so each test clears the plugin's tables by
-- hand (the event log cannot be cleared: the hook test comes last).
local loaded = false
local function fresh()
  if not loaded then load_people("../../../samples/staff.csv"); loaded = true end
  run("config")   -- creates the tables
  for _, t in ipairs { "answers", "settings", "prompts", "seen" } do
    baton.store.exec("DELETE FROM reflection_" .. t)
  end
  expect(run("terms", fixture_path("tests/terms.csv")).status):to_equal(0)
end

test("the term's questions follow the setting", function()
  fresh()
  set_today("2026-09-14")
  local v = run_json("prompt")
  expect(v.term):to_equal("Autumn 2026")
  expect(#v.questions):to_equal(3)
  expect(run("config", "questions", "5").status):to_equal(0)
  expect(#run_json("prompt").questions):to_equal(5)
  expect(run("config", "questions", "9").err):to_contain("from 1 to 5")
end)

test("an answer is recorded for the current term, and status counts it", function()
  fresh()
  set_today("2026-12-14")
  expect(run("answer", "AP01", "1", "I handed the timetable to Wei").status):to_equal(0)
  expect(run("answer", "AP01", "1", "Wei took the timetable").status):to_equal(0)
  local v = run_json("status")
  expect(v.days_left):to_equal(5)
  expect(v.people):to_equal { { id = "AP01", name = "David Kowalski", answered = 1, done = false } }
  local r = run("status")
  expect(r.out):to_contain("Autumn 2026: 5 school days left, 3 questions")
  expect(r.out):to_contain("[ ] David Kowalski")
end)

test("outside a term, answers are refused and say what to do", function()
  fresh()
  set_today("2026-08-10")
  local r = run("answer", "AP01", "1", "summer thoughts")
  expect(r.status):to_equal(1)
  expect(r.err):to_contain("no term holds 2026-08-10")
end)

test("an unknown person, or a question past the setting, is refused", function()
  fresh()
  set_today("2026-09-14")
  expect(run("answer", "NOBODY", "1", "x").err):to_contain("PERSON 'NOBODY' is not in the staff list")
  local r = run("answer", "AP01", "4", "x")
  expect(r.status):to_equal(1)
  expect(r.err):to_contain("this term asks 3 questions")
end)

test("a new mentoring pair is prompted to reflect, when status polls the log", function()
  fresh()
  set_today("2026-09-14")
  baton.events.log { kind = "mentor.pair", subject = "T020", data = { mentor = "T001" } }
  local v = run_json("status")
  expect(#v.people):to_equal(2)
  expect(v.people[1]):to_equal { id = "T001", name = "Wei Chen", answered = 0, done = false }
  expect(v.days_left):to_equal(65)
end)
