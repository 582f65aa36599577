-- Pockets, needs and gaps, and what the page (everyone signed in, viewers
-- too) shows: strengths and counts, never who wants to grow in what.
local h = require("tests.helpers")

before_each(h.school)

test("pockets: strengths held by one person only, the most wanted first", function()
  h.ok("declare", "T001", "questioning", "numeracy")
  h.ok("declare", "T002", "questioning")
  h.ok("declare", "C001", "restorative practice")
  h.ok("want", "T005", "restorative practice")
  h.ok("want", "T006", "restorative practice")
  local p = h.ok("pockets")
  expect(#p):to_equal(2)
  expect(p[1].tag):to_equal("restorative practice")
  expect(p[1].person):to_equal("C001")
  expect(p[1].wanted_by):to_equal(2)
  expect(p[2].tag):to_equal("numeracy")
end)

test("needs: tied to a change initiative through the kotter plugin, or a reason; gaps first", function()
  local init = assert(baton.plugin("kotter").new { title = "Restorative behaviour policy" })
  h.ok("declare", "T001", "data literacy")
  h.ok("needs", "add", "restorative justice", "--initiative", tostring(init.id))
  h.ok("needs", "add", "data literacy", "--why", "PLC data reviews")
  local g = h.ok("gaps")
  expect(g[1].tag):to_equal("restorative practice") -- the synonym, as the school's word
  expect(g[1].state):to_equal("nobody")
  expect(g[1].initiative_title):to_equal("Restorative behaviour policy")
  expect(g[2].state):to_equal("one person")
  expect(g[2].best):to_equal("T001")
  expect(h.refused("needs", "add", "feedback", "--initiative", "99")):to_contain("no such change initiative")
  h.ok("needs", "remove", "data literacy")
  expect(#h.ok("gaps")):to_equal(1)
end)

test("the page and the helpers route name strengths but never who wants what", function()
  h.ok("declare", "T001", "questioning")
  h.ok("want", "L003", "questioning")        -- a student leader who wants to grow
  h.ok("want", "S004", "wellbeing")          -- held by nobody
  local page = baton.json.encode(plugin.routes.page { query = {}, params = {} })
  local route = baton.json.encode(plugin.routes.helpers { query = { tag = "questioning" }, params = {} })
  for _, text in ipairs { page, route } do
    expect(text).never:to_contain("L003")
    expect(text).never:to_contain("S004")
    expect(text).never:to_contain("Zara")
    expect(text).never:to_contain("wellbeing")
  end
  expect(page):to_contain("T001 Wei Chen")
  expect(page):to_contain("\"wanted\":1")
  -- the check above can fail: the coordinator's map has them
  expect(baton.json.encode(h.ok("map"))):to_contain("L003")
  -- and the events of a want carry only a count
  for _, e in ipairs(baton.events.list { kind = "expertise.want" }) do
    expect(baton.json.encode(e.data)).never:to_contain("questioning")
  end
end)

test("the helpers route refuses a missing tag with 400", function()
  local body, status = plugin.routes.helpers { query = {}, params = {} }
  expect(status):to_equal(400)
  expect(body.error.message):to_contain("?tag=TAG")
end)

test("mine: a person's strengths, wants with who can help, and endorsements given", function()
  h.ok("declare", "T001", "questioning")
  h.ok("want", "T005", "questioning")
  h.ok("endorse", "T001", "questioning", "--by", "T005")
  local v = h.ok("mine", "T005")
  expect(v.wants[1].helpers):to_equal { "T001 Wei Chen" }
  expect(v.endorsed[1].person):to_equal("T001")
  expect(run("mine", "T005").out):to_contain("wants to grow in questioning: can help: T001 Wei Chen")
end)
