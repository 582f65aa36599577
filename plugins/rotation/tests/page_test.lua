-- The rota page of the dashboard (/api/rotation/page), the leadership the
-- overview counts (/api/rotation/leadership), and the self-service
-- commands: a person's own turns (`rota mine`) and a request to hand one
-- over, which the coordinator approves or declines. The routes' handlers
-- are the ones baton serve calls (plugin.routes).

local h = require("tests.helpers").new { run = run, load_people = load_people, load_groups = load_groups,
                                         fixture_path = fixture_path }

test_permissions { "fs.read" } -- (the shared page kit, for this file's code only)

local COMMANDS = { "approve", "decline", "feed", "mine", "plan", "repair", "request", "requests", "show", "swap",
  "why" }

local kit -- the shared page checker and route caller
before_each(function()
  kit = kit or load(assert(baton.fs.read(fixture_path("../../tests/fixtures/pages/kit.lua"))), "=kit.lua")()
end)

-- Maths PLC (R01..R04), one role, three Tuesdays, planned before the term.
local function term()
  reset_db()
  h.school()
  set_today("2026-08-20")
  h.ok("plan", "--group", "Maths PLC", "--roles", "facilitator,notetaker", "--dates",
    "2026-09-01,2026-09-08,2026-09-15", "--save")
  return h.ok("show", "--group", "Maths PLC")
end

-- The turn of `role` on `date` in a `rota show` list.
local function holder(shown, date, role)
  for _, r in ipairs(shown) do
    if r.date == date and r.role == role then return r.person end
  end
end

-- The people around the facilitator turn of 15 September: its holder
-- (me), the notetaker that day (other), a member who may take it without
-- breaking a rule (free: not facilitator on the 8th, the minimum gap),
-- and the last member (spare).
local function around(shown)
  local me, other = holder(shown, "2026-09-15", "facilitator"), holder(shown, "2026-09-15", "notetaker")
  local free, spare
  for _, id in ipairs { "R01", "R02", "R03", "R04" } do
    if id ~= me and id ~= other then
      if not free and holder(shown, "2026-09-08", "facilitator") ~= id then free = id else spare = id end
    end
  end
  return me, other, free, spare
end

test("before any plan the page says what to do and offers the forms; leadership is empty", function()
  local page = kit.get("/api/rotation/page")
  kit.check(page, COMMANDS)
  expect(page.blocks[1].view):to_equal("text")
  expect(page.blocks[2].view):to_equal("commands")
  expect(kit.get("/api/rotation/leadership")):to_equal { label = "rota turns taken (meetings up to today)", roles = {} }
end)

test("the page: the meetings to come with today marked, and turns per person against the bound", function()
  local shown = term()
  set_today("2026-09-08")
  local page = kit.get("/api/rotation/page")
  kit.check(page, COMMANDS)
  local grid = page.blocks[1]
  expect(grid.view):to_equal("table")
  expect(grid.title):to_equal("Maths PLC")
  expect(grid.columns[3]):to_equal { key = "r1", label = "facilitator" }
  expect(#grid.rows):to_equal(2) -- 1 September is past
  expect(grid.rows[1].when):to_equal("today · next meeting")
  expect(grid.rows[1].date):to_equal("Tue 2026-09-08")
  expect(grid.rows[2].when):to_equal("in 7 days")
  local f = holder(shown, "2026-09-08", "facilitator")
  expect(grid.rows[1].r1:sub(1, 3)):to_equal(f)
  expect(grid.caption):to_contain("1 past meeting not shown")
  expect(grid.caption):to_contain("Today is Tue 2026-09-08.")
  local bars = page.blocks[2]
  expect(bars.view):to_equal("bars")
  expect(bars.series):to_equal { { key = "r1", label = "facilitator" }, { key = "r2", label = "notetaker" } }
  expect(#bars.rows):to_equal(4)
  expect(bars.caption):to_contain("Fairness bound 1 met")
  local total = 0
  for _, r in ipairs(bars.rows) do total = total + r.values.r1 + r.values.r2 end
  expect(total):to_equal(6) -- every turn of the term, past and to come
  -- nobody's calendar address is on a page everyone reads
  local store = require("store")
  local token = store.feed_token(f, false)
  h.ok("feed")
  token = store.feed_token(f, false)
  expect(#token):to_equal(32)
  expect(baton.json.encode(kit.get("/api/rotation/page"))).never:to_contain(token)
end)

test("leadership counts the turns taken up to today, not the turns to come", function()
  local shown = term()
  set_today("2026-09-08")
  local roles = kit.get("/api/rotation/leadership").roles
  local sum, want = 0, {}
  for _, r in ipairs(roles) do sum = sum + r.count end
  expect(sum):to_equal(4) -- two meetings of two roles
  for _, r in ipairs(shown) do
    if r.date <= "2026-09-08" then want[r.person] = (want[r.person] or 0) + 1 end
  end
  for _, r in ipairs(roles) do expect(r.count):to_equal(want[r.person]) end
  expect(roles[1].count >= roles[#roles].count):to_be(true)
end)

test("mine lists a person's own turns, upcoming first, and nobody else's", function()
  local shown = term()
  set_today("2026-09-05")
  local me = holder(shown, "2026-09-08", "facilitator")
  local mine = h.ok("mine", me)
  expect(mine.person):to_equal(me)
  for _, t in ipairs(mine.turns) do
    expect(holder(shown, t.date, t.role)):to_equal(me)
  end
  local n = 0
  for _, r in ipairs(shown) do if r.person == me then n = n + 1 end end
  expect(#mine.turns):to_equal(n)
  expect(mine.turns[1].past):to_be(false)
  expect(run("mine", "NOBODY").err):to_contain("no person 'NOBODY' in the staff list")
  expect(run("mine", "R07").out):to_contain("no turn in any saved rota")
end)

test("a request hands over only the asker's own turn; it waits, then the coordinator approves it", function()
  local shown = term()
  set_today("2026-09-05")
  local me, other, free = around(shown)
  -- someone else's turn: refused, naming the rule
  local r = run("request", "--group", "Maths PLC", "--date", "2026-09-15", "--role", "facilitator",
    "--to", free, "--person", other)
  expect(r.status):to_equal(1)
  expect(r.err):to_contain("not " .. other .. "'s: only the person who holds a turn can ask to hand it over")
  -- a rule that refuses is shown to the asker, and nothing waits
  r = run("request", "--group", "Maths PLC", "--date", "2026-09-15", "--role", "facilitator",
    "--to", other, "--person", me)
  expect(r.status):to_equal(1)
  expect(r.err):to_contain("cannot swap: " .. other .. " is already notetaker at this meeting")
  expect(#h.ok("requests")):to_equal(0)
  -- a past meeting cannot be asked for
  expect(run("request", "--group", "Maths PLC", "--date", "2026-09-01", "--role", "facilitator",
    "--to", free, "--person", me).err):to_contain("is past")
  -- a good request waits; the turn has not moved
  local q = h.ok("request", "--group", "Maths PLC", "--date", "2026-09-15", "--role", "facilitator",
    "--to", free, "--person", me, "--note", "I have a parents' evening")
  expect(q.status):to_equal("pending")
  expect(holder(h.ok("show", "--group", "Maths PLC"), "2026-09-15", "facilitator")):to_equal(me)
  expect(h.ok("mine", me).requests[1].id):to_equal(q.request)
  -- one request per turn
  expect(run("request", "--group", "Maths PLC", "--date", "2026-09-15", "--role", "facilitator",
    "--to", free, "--person", me).err):to_contain("already has a request waiting")
  local waiting = h.ok("requests")
  expect(#waiting):to_equal(1)
  expect(waiting[1].note):to_equal("I have a parents' evening")
  -- approved: the turn moves, with its events
  local a = h.ok("approve", tostring(q.request))
  expect(a.from):to_equal(me)
  expect(a.to):to_equal(free)
  expect(holder(h.ok("show", "--group", "Maths PLC"), "2026-09-15", "facilitator")):to_equal(free)
  expect(#h.ok("requests")):to_equal(0)
  expect(h.ok("requests", "--all")[1].status):to_equal("approved")
  expect(run("approve", tostring(q.request)).err):to_contain("was approved on 2026-09-05")
  expect(#baton.events.list { kind = "rota.request" }):to_equal(1)
  expect(#baton.events.list { kind = "rota.decide" }):to_equal(1)
end)

test("a request whose turn moved since cannot be approved; declining keeps the turn", function()
  local shown = term()
  set_today("2026-09-05")
  local me, other, free, spare = around(shown)
  local q = h.ok("request", "--group", "Maths PLC", "--date", "2026-09-15", "--role", "facilitator",
    "--to", free, "--person", me)
  -- the coordinator swaps the turn to someone else meanwhile
  h.ok("swap", "--group", "Maths PLC", "--date", "2026-09-15", "--role", "facilitator", "--to", spare, "--force")
  local r = run("approve", tostring(q.request))
  expect(r.status):to_equal(1)
  expect(r.err):to_contain("is no longer " .. me .. "'s")
  expect(holder(h.ok("show", "--group", "Maths PLC"), "2026-09-15", "facilitator")):to_equal(spare)
  local d = h.ok("decline", tostring(q.request), "--reason", "already covered")
  expect(d.status):to_equal("declined")
  expect(run("decline", tostring(q.request)).err):to_contain("was declined on 2026-09-05: already covered")
  expect(run("approve", "99").err):to_contain("no request '99'")
end)

test("with approve_swaps off, a request that breaks no rule is made at once", function()
  local shown = term()
  set_today("2026-09-05")
  set_setting("approve_swaps", false)
  local me, other, free = around(shown)
  local out = h.ok("request", "--group", "Maths PLC", "--date", "2026-09-15", "--role", "facilitator",
    "--to", free, "--person", me, "--json")
  expect(out.status):to_equal("made")
  expect(holder(h.ok("show", "--group", "Maths PLC"), "2026-09-15", "facilitator")):to_equal(free)
  expect(#h.ok("requests", "--all")):to_equal(0)
  set_setting("approve_swaps", nil)
end)

test("who may run what from the browser: planning is the coordinator's; mine and request are one's own", function()
  local access, m = kit.access()
  expect(access):to_equal { plan = "coordinator", swap = "coordinator", repair = "coordinator", why = "coordinator",
    show = "coordinator", feed = "coordinator", requests = "coordinator", approve = "coordinator",
    decline = "coordinator", mine = "self:person:person", request = "self:person:person" }
  expect(plugin.routes[m.pages[1].data]):to_be_truthy()
  expect(plugin.routes[m.leadership]):to_be_truthy()
end)

test("a rota whose bound is missed says so on the page, with the reason", function()
  local page = require("page")
  local g = { group = "Tight", roles = { "chair" }, meetings = { "2026-09-01" }, slots = { ["2026-09-01"] = {} },
    names = {}, members = { { id = "R01", name = "Ana Silva" } }, counts = { R01 = {} },
    fairness = { bound = 2, why = "impossible: before this plan R01 had 3 chair turns" } }
  local blocks = page.blocks({ g }, "2026-08-20").blocks
  expect(blocks[1].rows[1].r1):to_equal("(unfilled)")
  expect(blocks[2].caption):to_contain("Fairness bound 2, not 1")
  expect(blocks[2].caption):to_contain("(impossible: before this plan R01 had 3 chair turns)")
  expect(blocks[2].rows[1].values):to_equal { r1 = 0 }
end)
