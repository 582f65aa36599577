-- Answers: each person their own, in one go or several; what is refused
-- and how it says so; the events; missing; mine; a named round's answers.
local h = require("tests.helpers")

before_each(function()
  h.school()
  run_json("open", "--group", "Wellbeing Committee")                        -- round 1, anonymous
  run_json("open", "--group", "Maths PLC", "--no-anonymous")                -- round 2, named
end)

test("an answer in two goes counts once every statement has its score; answering again replaces", function()
  local members = baton.groups.members("Wellbeing Committee")
  local id = members[1].id
  local v = run_json("answer", "1", id, "--item", "1=3", "--item", "2=4", "--comment", "2=we share the agenda")
  expect(v):to_equal { round = 1, person = id, answered = 2, of = 10, complete = false }
  expect(run("answer", "1", id, "--item", "1=2").out):to_contain("Saved: 2 of 10 statements of round 1 answered (it counts once all 10 are).")
  expect(run_json("list")[1].answered):to_equal(0)
  h.answer(1, id, 3)
  expect(run_json("list")[1].answered):to_equal(1)
  local mine = run_json("mine", "1", id)
  expect(mine.answers[2].score):to_equal(3)
  expect(mine.answers[2].comment):to_equal("we share the agenda")
  expect(mine.withheld):to_contain("the round is open")
end)

test("a closed round, a person outside the round's group, a score off the scale: refused, saying why", function()
  local r = run("answer", "1", "T001", "--item", "1=3")          -- T001 is in the Maths PLC, not Wellbeing
  expect(r.status):to_equal(1)
  expect(r.err):to_contain("T001 is not in round 1: the round asks the members of 'Wellbeing Committee' as they were when it opened (2026-10-05)")
  local id = baton.groups.members("Wellbeing Committee")[1].id
  r = run("answer", "1", id, "--item", "1=5")
  expect(r.status):to_equal(1)
  expect(r.err):to_contain("--item 1=5: a score is a whole number from 1 to 4 (1 not yet, 2 emerging, 3 established, 4 embedded)")
  expect(run("answer", "1", id, "--item", "1=0").err):to_contain("a score is a whole number from 1 to 4")
  expect(run("answer", "1", id, "--item", "1=2.5").err):to_contain("a score is a whole number from 1 to 4")
  expect(run("answer", "1", id, "--item", "11=2").err):to_contain("--item 11=2: round 1 does not ask statement 11")
  run_json("close", "1")
  r = run("answer", "1", id, "--item", "1=3")
  expect(r.status):to_equal(1)
  expect(r.err):to_contain("round 1 (Wellbeing Committee, Autumn 2026) closed on 2026-10-05: it takes no more answers")
  expect(#assert(baton.store.query("SELECT * FROM reflection_scores"))):to_equal(0)
end)

test("a malformed --item, a score given twice, or no score at all is a usage error (exit 2)", function()
  local id = baton.groups.members("Wellbeing Committee")[1].id
  local r = run("answer", "1", id, "--item", "three")
  expect(r.status):to_equal(2)
  expect(r.err):to_contain("--item 'three': write the statement's number, '=' and a score from 1 to 4, e.g. --item 3=4")
  expect(run("answer", "1", id, "--item", "1=2", "--item", "1=3").err):to_contain("--item 1 is given twice")
  r = run("answer", "1", id)
  expect(r.status):to_equal(2)
  expect(r.err):to_contain("give a score for at least one statement")
  r = run("answer", "1", id, "--comment", "4=nice")
  expect(r.status):to_equal(1)
  expect(r.err):to_contain("--comment 4: a comment goes with a score; give --item 4=SCORE too")
end)

test("an anonymous round's answer event names who answered but carries no score; a named one carries them", function()
  local w = baton.groups.members("Wellbeing Committee")[1].id
  h.answer(1, w, 2)
  h.answer(2, "T001", 4, 10, "--comment", "3=we rotate chairs")
  local anon = baton.events.list { kind = "reflect.answer", data = { round = 1 } }
  expect(#anon):to_equal(1)
  expect(anon[1].subject):to_equal(w)
  expect(anon[1].data):to_equal { round = 1, answered = 10, of = 10 }
  local named = baton.events.list { kind = "reflect.answer", data = { round = 2 } }
  expect(named[1].data.scores[3]):to_equal { item = 3, score = 4 }
  expect(baton.json.encode(named[1].data)).never:to_contain("rotate chairs")
end)

test("missing lists who has not answered every statement, with how far they got", function()
  local ms = baton.groups.members("Wellbeing Committee")
  h.answer(1, ms[1].id, 3)
  run_json("answer", "1", ms[2].id, "--item", "1=2")
  local v = run_json("missing", "1")
  expect(#v.missing):to_equal(5)
  expect(v.missing[1].answered == "1 of 10" or v.missing[2].answered == "1 of 10"):to_be_truthy()
  for _, m in ipairs(v.missing) do expect(m.id).never:to_equal(ms[1].id) end
  for _, m in ipairs(ms) do if m.id ~= ms[1].id then h.answer(1, m.id, 2) end end
  expect(run("missing", "1").out):to_contain("Everyone in round 1 has answered.")
end)

test("who said what: shown for a named round, refused for an anonymous one", function()
  h.answer(2, "T001", 4, 10, "--comment", "3=we rotate chairs")
  local v = run_json("answers", "2")
  expect(#v.answers):to_equal(10)
  expect(v.answers[3]):to_equal { person = "T001", role = "teacher", item = 3, score = 4, comment = "we rotate chairs" }
  local r = run("answers", "1")
  expect(r.status):to_equal(1)
  expect(r.err):to_contain("round 1 is anonymous: its answers are shown to nobody but their authors")
end)

test("mine refuses someone outside the round", function()
  local r = run("mine", "1", "T001")
  expect(r.status):to_equal(1)
  expect(r.err):to_contain("T001 is not in round 1")
end)
