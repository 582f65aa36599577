-- A school declares its own model from a CSV file (model,phase[,purpose]),
-- all or nothing; a cycle keeps the phases it opened with.
local h = require("tests.helpers")

before_each(h.school)

test("the school's model is imported, listed and followed", function()
  local v = h.ok("models", "import", "--file", fixture_path("tests/models.csv"))
  expect(v.imported):to_equal { "collaborative inquiry (4 phases)" }
  local list = h.ok("models")
  expect(list[3].name):to_equal("collaborative inquiry")
  expect(list[3].builtin):to_equal(false)
  expect(list[3].phases[1]):to_equal { pos = 1, name = "Wonder", purpose = "What puzzles us?" }
  expect(list[3].phases[2].purpose):to_be_nil()
  local c = h.ok("open", "Q", "--group", "Maths PLC", "--model", "Collaborative Inquiry")
  expect(c.model):to_equal("collaborative inquiry")
  expect(c.phase):to_equal("Wonder")
  expect(h.ok("phase", "1", "invest").current_name):to_equal("Investigate")
  expect(run("phase", "1", "scanning").err)
    :to_contain("there is no phase 'scanning' in the collaborative inquiry model; its phases are 1 Wonder, 2 Investigate, 3 Act, 4 Reflect")
end)

test("a cycle keeps its phases when the model is imported again", function()
  h.ok("models", "import", "--file", fixture_path("tests/models.csv"))
  h.ok("open", "Q", "--group", "Maths PLC", "--model", "collaborative inquiry")
  h.ok("models", "import", "--file", fixture_path("tests/models-two.csv"))
  expect(#h.ok("models")[3].phases):to_equal(2)
  expect(#h.ok("show", "1").phases):to_equal(4)
end)

test("a bad models file is refused at its line, and nothing is imported", function()
  local r = run("models", "import", "--file", fixture_path("tests/models-bad.csv"))
  expect(r.status):to_equal(1)
  expect(r.err):to_contain("models-bad.csv:3: model 'mine' has the phase 'look' already (line 2)")
  r = run("models", "import", "--file", fixture_path("tests/exit-tickets.csv"))
  expect(r.err):to_contain("exit-tickets.csv:1: the header must name the columns 'model' and 'phase'")
  r = run("models", "import")
  expect(r.status):to_equal(2)
  expect(r.err):to_contain("import needs --file FILE")
  expect(#h.ok("models")):to_equal(2)
end)

test("a school model named like a built-in one takes its place", function()
  h.ok("models", "import", "--file", fixture_path("tests/models-pdsa.csv"))
  local list = h.ok("models")
  expect(#list):to_equal(2)
  expect(list[2].phases[2].name):to_equal("Test")
  expect(list[2].builtin):to_equal(false)
end)
