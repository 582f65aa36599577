-- The routes as baton serve calls them, with req.user as the host gives
-- it: who may post as whom, what a non-coordinator is refused, and the
-- board showing what people typed as text.
local h = require("tests.helpers")

test("staff thank only as themselves through the route; a coordinator or the token for anyone", function()
  h.school()
  local r, status = h.call("POST /api/recognition/thanks", h.staff, nil, { to = "P001", message = "for the cover" })
  expect(status):to_equal(201)
  expect(r.from):to_equal("T001")
  r, status = h.call("POST /api/recognition/thanks", h.staff, nil, { from = "P001", to = "T002", message = "forged" })
  expect(status):to_equal(403)
  expect(r.error.message):to_contain("you thank as yourself: from is who is signed in (T001), not P001")
  r, status = h.call("POST /api/recognition/thanks", h.coordinator, nil, { from = "A001", to = "T002", message = "for them" })
  expect(status):to_equal(201)
  expect(r.from):to_equal("A001")
  r, status = h.call("POST /api/recognition/thanks", h.coordinator, nil, { to = "T002", message = "mine" })
  expect(status):to_equal(201)
  expect(r.from):to_equal("P001")
  r, status = h.call("POST /api/recognition/thanks", h.token, nil, { to = "T002", message = "whose?" })
  expect(status):to_equal(400)
  expect(r.error.message):to_contain("say who thanks: from")
  local events = baton.events.list { kind = "recognition.thanks" }
  expect(#events):to_equal(3) -- the forged one left nothing
  expect(events[1].actor):to_equal("T001")
end)

test("a viewer, and nobody signed in, cannot post; nor can anyone thank themselves", function()
  h.school()
  local r, status = h.call("POST /api/recognition/thanks", h.viewer, nil, { to = "P001", message = "x" })
  expect(status):to_equal(403)
  expect(r.error.message):to_contain("a viewer reads only")
  r, status = h.call("POST /api/recognition/thanks", nil, nil, { from = "T001", to = "P001", message = "x" })
  expect(status):to_equal(401)
  r, status = h.call("POST /api/recognition/thanks", h.staff, nil, { to = "T001", message = "me" })
  expect(status):to_equal(400)
  expect(r.error.message):to_contain("thank someone else")
  r, status = h.call("POST /api/recognition/thanks", h.staff, nil, { to = { "P001" }, message = "x" })
  expect(status):to_equal(400)
  expect(r.error.message):to_contain("to must be a string")
  r, status = h.call("POST /api/recognition/thanks", h.staff, nil, "not an object")
  expect(status):to_equal(400)
  expect(#baton.events.list { kind = "recognition.thanks" }):to_equal(0)
end)

test("the nudges, the history and the coordinator's page: refused to staff, viewers and nobody", function()
  h.school()
  h.post("T001", "T002", "for the timetable")
  for _, key in ipairs { "GET /api/recognition/nudges", "GET /api/recognition/history",
    "GET /api/recognition/coordinator" } do
    for _, who in ipairs { { h.staff, 403 }, { h.viewer, 403 }, { nil, 401 } } do
      local r, status = h.call(key, who[1])
      expect(status):to_equal(who[2])
      expect(baton.json.encode(r)).never:to_contain("T003") -- no name of the quiet leaks in a refusal
    end
    local r, status = h.call(key, h.coordinator)
    expect(status):to_be_nil()
    expect(r.error):to_be_nil()
    r = h.call(key, h.token)
    expect(r.error):to_be_nil()
  end
end)

-- Every public output, each a route anyone signed in (or anyone, on
-- loopback) may read; none may carry a quiet person's nudge.
local PUBLIC = { "GET /api/recognition/board", "GET /api/recognition/page", "GET /api/recognition/thanks",
  "GET /api/recognition/spread", "GET /api/recognition/thanks.csv", "GET /api/recognition/spread.csv",
  "GET /api/recognition/leadership" }

local function body_of(r)
  if type(r) == "table" and type(r.body) == "string" then return r.body end
  return baton.json.encode(r)
end

test("no public output says who has not been thanked, nor how long", function()
  h.school()
  h.post("T001", "T002", "for the timetable")
  local nudges = h.call("GET /api/recognition/nudges", h.coordinator)
  expect(#nudges.quiet):to_equal(39) -- everyone but Amélie, thanked today
  for _, key in ipairs(PUBLIC) do
    local body = body_of(h.call(key, h.staff))
    expect(body).never:to_contain("never")
    expect(body).never:to_contain("quiet")
    expect(body).never:to_contain("Jamal Washington") -- in the nudges, thanked by nobody
  end
end)

test("the board is a whole HTML page; a name or a message with markup shows as text", function()
  h.school()
  load_people("tests/hostile.csv")
  expect(run("post", "H2", "H1", "<script>alert('x')</script> for \"all\" & more").status):to_equal(0)
  local r = h.call("GET /api/recognition/board", h.viewer)
  expect(r.headers["content-type"]):to_equal("text/html; charset=utf-8")
  expect(r.body):to_match("^<!doctype html>")
  expect(r.body):to_contain('<meta http-equiv="refresh" content="60">')
  expect(r.body):to_contain("&lt;b onmouseover=&quot;alert(1)&quot;&gt;Eve&lt;/b&gt; &amp; Co")
  expect(r.body):to_contain("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; for &quot;all&quot; &amp; more")
  expect(r.body).never:to_contain("<script")
  expect(r.body).never:to_contain("<b onmouseover")
  expect(r.body):to_contain("Autumn 2026: 1 thank-you to 1 colleague, reaching 1 of 7 roles.")
  local css = h.call("GET /api/recognition/board.css")
  expect(css.headers["content-type"]):to_equal("text/css; charset=utf-8")
end)

test("a bad period in a query is the caller's mistake, named", function()
  h.school()
  local r, status = h.call("GET /api/recognition/thanks", h.staff, { from = "soon" })
  expect(status):to_equal(400)
  expect(r.error.message):to_contain("from must be a date, YYYY-MM-DD")
  r, status = h.call("GET /api/recognition/spread", h.staff, { term = "Winter" })
  expect(status):to_equal(400)
  expect(r.error.message):to_contain("no term 'Winter' in the school calendar; its terms are Summer 2026, Autumn 2026")
  r, status = h.call("GET /api/recognition/leadership", h.staff, { from = "2026-09-01" })
  expect(status):to_equal(400)
  expect(r.error.message):to_contain("give both from and to")
  r, status = h.call("GET /api/recognition/thanks.csv", h.staff, { from = "2026-10-01", to = "2026-09-01" })
  expect(status):to_equal(400)
  expect(r.error.message):to_contain("is after")
end)
