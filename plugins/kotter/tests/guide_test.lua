-- The guide: Kotter's steps and the questions to ask at each.

test("the guide lists the eight steps with their questions", function()
  local r = run("guide")
  expect(r.status):to_equal(0)
  expect(r.out):to_contain("Step 1: Create a sense of urgency")
  expect(r.out):to_contain("Step 8: Institute change")
  local g = baton.json.decode(run("guide", "--json").out)
  expect(#g):to_equal(8)
  for _, s in ipairs(g) do
    expect(#s.questions >= 4):to_be(true)
    expect(s.purpose):to_match("%.$")
  end
end)

test("one step's guide, by name or number", function()
  local g = baton.json.decode(run("guide", "wins", "--json").out)
  expect(g.step):to_equal(6)
  expect(g.name):to_equal("Generate short-term wins")
  expect(run("guide", "2").out):to_contain("Who do colleagues already ask for advice")
end)

test("the guide needs no database content", function()
  expect(run("guide", "coalition").status):to_equal(0)
end)
