-- Tests of the kudos board, run inside the real host by
-- `baton test examples/kudos`, each file against a fresh database.

test_permissions { "fs.read" } -- (for the test that reads the manifest, this file's code only)

local function school()
  load_people("../../samples/staff.csv")
end

test("a thank-you is posted, stored and logged", function()
  school()
  set_today("2026-09-09")
  local r = run("post", "A001", "P001", "for covering my duty on Friday")
  expect(r.status):to_equal(0)
  expect(r.out):to_contain("thanked")
  expect(r.out):to_contain("2026-09-09: for covering my duty on Friday")
  local events = baton.events.list { kind = "kudos.thanks" }
  expect(#events):to_equal(1)
  expect(events[1].subject):to_equal("P001")
end)

-- (FROM and TO are of type person: the host checks them before the
-- command runs and refuses with its own words, "no person 'NOBODY' in the
-- staff list", and exit 2; the plugin's own check stays for its POST route)
test("someone who is not on the staff list cannot thank or be thanked", function()
  school()
  local r = run("post", "A001", "NOBODY", "thanks")
  expect(r.status ~= 0):to_be(true)
  expect(r.err):to_contain("'NOBODY'")
  expect(r.err):to_contain("in the staff list")
  r = run("post", "A001", "A001", "me")
  expect(r.status):to_equal(1)
  expect(r.err):to_contain("thank someone else")
end)

-- The tests of one file share its database: the digest below also sees
-- the thank-you of the first test (2026-09-09).
test("the digest lists the week's thanks, Monday to Sunday, and the roles thanked", function()
  expect(run("post", "A001", "P001", "duty cover", "--date", "2026-09-07").status):to_equal(0)
  expect(run("post", "T001", "A001", "reading group", "--date", "2026-09-13").status):to_equal(0)
  expect(run("post", "T001", "A001", "last week", "--date", "2026-09-06").status):to_equal(0)
  local r = run("digest", "--week-of", "2026-09-10", "--json")
  expect(r.status):to_equal(0)
  local d = baton.json.decode(r.out)
  expect(d.from):to_equal("2026-09-07")
  expect(d.to):to_equal("2026-09-13")
  expect(#d.thanks):to_equal(3)
  expect(d.thanks[1].message):to_equal("duty cover")
  expect(d.thanks[3].message):to_equal("reading group")
  expect(d.roles.aide):to_equal(1)
  expect(d.roles.principal):to_equal(2)
end)

test("a bad date is refused before the plugin runs", function()
  local r = run("digest", "--week-of", "next week")
  expect(r.status):to_equal(2)
end)

-- The board: a page of its own in the dashboard's navigation, rendered by
-- the plugin (baton.html.render), sent as HTML with baton serve's no-script
-- policy. The handler is the one baton serve calls (plugin.routes).
local function board(query)
  return plugin.routes["/api/kudos/board"]({ method = "GET", path = "/api/kudos/board", params = {},
    query = query or {}, headers = {} })
end

test("the board is a whole HTML page of the week's thanks", function()
  set_today("2026-09-10")
  local r = board()
  expect(r.status or 200):to_equal(200)
  expect(r.headers["content-type"]):to_equal("text/html; charset=utf-8")
  expect(r.body):to_match("^<!doctype html>")
  expect(r.body):to_contain("The week of 2026-09-07 to 2026-09-13: 3 thanks.")
  expect(r.body):to_contain("<li><strong>Maria Okafor</strong> (principal), thanked by Sam Rivera on 2026-09-07: "
    .. "duty cover</li>")
  expect(board({ week_of = "2026-09-20" }).body):to_contain("No thanks yet this week.")
  local bad = board({ week_of = "soon" })
  expect(bad.status):to_equal(400)
  expect(bad.body):to_contain("week_of must be a date")
end)

test("a name or a message with markup shows on the board as text, never as HTML", function()
  load_people("tests/hostile.csv")
  set_today("2026-09-10")
  expect(run("post", "H2", "H1", "<script>alert('x')</script> for \"all\" & more").status):to_equal(0)
  local body = board().body
  expect(body):to_contain("<strong>&lt;b onmouseover=&quot;alert(1)&quot;&gt;Eve&lt;/b&gt; &amp; Co</strong>")
  expect(body):to_contain("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; for &quot;all&quot; &amp; more")
  expect(body).never:to_contain("<script")
  expect(body).never:to_contain("<b onmouseover")
end)

test("post is a person's own thanks: the manifest lets the host fill FROM with the signed-in person", function()
  local m = load(assert(baton.fs.read(fixture_path("plugin.lua"))), "=plugin.lua", "t", {})()
  expect(m.commands.post.access):to_equal("self")
  expect(m.commands.post.self):to_equal("from")
  expect(m.commands.post.args[1][1]):to_equal("from")
  expect(m.commands.post.args[1].type):to_equal("person")
  expect(m.commands.digest.access):to_equal("any")
  expect(m.pages):to_equal { { name = "board", title = "Kudos board", html = "/api/kudos/board" } }
  -- what the host fills is what is recorded: the thanks are from that person
  local posted = run_json("post", "H2", "P001", "for the assembly")
  expect(posted.from):to_equal("H2")
  local events = baton.events.list { kind = "kudos.thanks" }
  expect(events[#events].actor):to_equal("H2")
end)

-- The POST route: a person signed in thanks as themselves, whatever FROM
-- the request names; a coordinator or the server's token may post for
-- someone. The handler is the one baton serve calls, given req.user as the
-- host gives it.
local function post(user, body)
  return plugin.routes["POST /api/kudos/thanks"]({ method = "POST", path = "/api/kudos/thanks",
    params = {}, query = {}, headers = {}, json = body, user = user })
end

test("through the route, staff thank only as themselves; a coordinator or the token for anyone", function()
  school()
  set_today("2026-09-09")
  local before = #baton.events.list { kind = "kudos.thanks" }
  local r, status = post({ person = "A001", role = "staff" }, { to = "P001", message = "for the cover" })
  expect(status):to_equal(201)
  expect(r.from):to_contain("A001")
  r, status = post({ person = "A001", role = "staff" }, { from = "P001", to = "A001", message = "forged" })
  expect(status):to_equal(403)
  expect(r.error.message):to_contain("you thank as yourself: from is who is signed in (A001), not P001")
  expect(#baton.events.list { kind = "kudos.thanks" }):to_equal(before + 1) -- the forged one left nothing
  r, status = post({ person = "P001", role = "coordinator" }, { from = "A001", to = "P001", message = "for them" })
  expect(status):to_equal(201)
  r, status = post({ role = "coordinator" }, { from = "A001", to = "P001", message = "a script's" })
  expect(status):to_equal(201)
  r, status = post(nil, { from = "A001", to = "P001", message = "as before" })
  expect(status):to_equal(201)
end)
