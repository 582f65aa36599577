-- The expertise map feeds the match: a mentor who can help with what the
-- mentee wants to grow in gains the setting `expertise` (default 2), shown
-- in the pair's reasons; 0 turns it off. A saved pair is evidence of the
-- mentor's shared subjects on the map.
local h = require("tests.helpers").new { run = run, load_people = load_people, load_groups = load_groups,
  fixture_path = fixture_path }

before_each(function()
  reset_db()
  h.school()
  local ex = baton.plugin("expertise")
  assert(ex.want { person = "N3", tag = { "AfL" } })                    -- formative assessment
  assert(ex.declare { person = "M1", tag = { "formative assessment" } })
end)

test("a mentor who can help with the mentee's growth area scores +2, and the reason says so", function()
  -- M1 scored 3 for N3 without the map (why_test); with it, 5: level with M3.
  local out = h.ok("why", "N3")
  local m1 = out.mentor.id == "M1" and out.mentor or out.other
  expect(m1.id):to_equal("M1")
  expect(m1.score):to_equal(5)
  expect(m1.why):to_equal("shares grade 8 (+2), same campus North (+1), can help with formative assessment (+2)")
end)

test("a higher weight changes the match, and the pair is explained by it", function()
  set_setting("expertise", 3)
  local out = h.ok("match", "--capacity", "2")
  expect(h.pairs(out)):to_equal { "N1-M1", "N2-M2", "N3-M1" }
  for _, p in ipairs(out.pairs) do
    if p.mentee == "N3" then
      expect(p.score):to_equal(6)
      expect(p.why):to_contain("can help with formative assessment (+3)")
    end
  end
end)

test("the setting 0 turns it off: the scores are the map-free ones", function()
  set_setting("expertise", 0)
  local out = h.ok("why", "N3", "M1")
  expect(out.other.score):to_equal(3)
  expect(out.other.why).never:to_contain("can help")
  expect(run("weights").out):to_contain("expertise")
end)

test("a saved pair is evidence of the mentor's shared subjects", function()
  h.ok("match", "--save")
  baton.sleep(10)
  local e = baton.events.list { kind = "mentor.pair", subject = "N1" }[1]
  expect(e.data.expertise[1].person):to_equal("M1")
  local helpers = assert(baton.plugin("expertise").helpers { tag = e.data.expertise[1].tag })
  expect(helpers.helpers[1].person):to_equal("M1")
  expect(helpers.helpers[1].level):to_equal("evidenced")
end)
