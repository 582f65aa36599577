-- Tags against the school's vocabulary: synonyms become the school's word,
-- a near miss is refused with "did you mean", anything else is kept as a
-- free tag and said so; the coordinator edits the vocabulary.
local h = require("tests.helpers")

before_each(h.school)

test("a synonym is recorded as the school's word, in any case and spacing", function()
  local v = h.ok("declare", "T001", "  AfL ", "Behaviour   Management")
  expect(v.tags):to_equal { "classroom management", "formative assessment" }
  expect(run("declare", "T002", "ESL").out):to_contain("'esl' is recorded as 'eal support'")
end)

test("a near miss of a term is refused with did you mean, and nothing is saved", function()
  local err = h.refused("declare", "T001", "questioning", "formative asesment")
  expect(err):to_contain("'formative asesment' is not in the school's vocabulary: did you mean 'formative assessment'?")
  expect(err):to_contain("--free")
  expect(#h.ok("mine", "T001").strengths):to_equal(0)
  -- --free keeps it as written
  expect(h.ok("declare", "T001", "formative asesment", "--free").tags):to_equal { "formative asesment" }
end)

test("a word far from every term is kept as a free tag, and the output says so", function()
  local r = run("declare", "T001", "beekeeping club")
  expect(r.status):to_equal(0)
  expect(r.out):to_contain("'beekeeping club' is not in the school's vocabulary: kept as a free tag")
  expect(h.ok("mine", "T001").strengths[1].tag):to_equal("beekeeping club")
end)

test("subjects of the staff list are known words", function()
  local r = run("declare", "T003", "Chemistry")
  expect(r.status):to_equal(0)
  expect(r.out).never:to_contain("free tag")
end)

test("the coordinator adds a term, aliases a synonym and retires a term", function()
  h.ok("vocab", "add", "Outdoor learning")
  h.ok("vocab", "alias", "outdoor learning", "--synonym", "Forest school")
  expect(h.ok("declare", "T010", "forest school").tags):to_equal { "outdoor learning" }
  expect(h.refused("vocab", "alias", "outdoor learning", "--synonym", "forest school"))
    :to_contain("'forest school' already stands for 'outdoor learning'")
  expect(h.refused("vocab", "alias", "nothing here", "--synonym", "x")):to_contain("add it first")
  h.ok("vocab", "retire", "oracy")
  local r = run("declare", "T009", "talk for learning")
  expect(r.out):to_contain("kept as a free tag") -- the synonym went with its term
  local listed = {}
  for _, t in ipairs(h.ok("vocab")) do listed[t.term] = true end
  expect(listed["oracy"]):to_be_nil()
  expect(listed["outdoor learning"]):to_be_truthy()
end)

test("hostile tags: empty, too long, and an injection-looking one kept as plain text", function()
  expect(h.refused("declare", "T001", "   ")):to_contain("a tag is empty")
  expect(h.refused("declare", "T001", string.rep("x", 61))):to_contain("keep a tag under 60")
  local v = h.ok("declare", "T001", "'); DROP TABLE expertise_claims; --", "--free")
  expect(v.tags[1]):to_equal("'); drop table expertise_claims; --")
  expect(#h.ok("mine", "T001").strengths):to_equal(1)
  expect(run("declare", "T001").status):to_equal(2)
end)

test("remove takes a tag away; removing one not held says what to do", function()
  h.ok("declare", "T001", "questioning", "feedback")
  expect(h.ok("declare", "T001", "feedback", "--remove").tags):to_equal { "questioning" }
  expect(h.refused("declare", "T001", "feedback", "--remove")):to_contain("has no strength 'feedback' to remove")
end)
