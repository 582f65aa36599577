-- The mentoring page of the dashboard (/api/mentoring/page), the
-- leadership the overview counts (/api/mentoring/leadership), and each
-- person's own pairs (`mentor mine`, a self-service command). The routes'
-- handlers are the ones baton serve calls (plugin.routes).

local h = require("tests.helpers").new { run = run, load_people = load_people, load_groups = load_groups,
  fixture_path = fixture_path }

test_permissions { "fs.read" } -- (the shared page kit, for this file's code only)

local COMMANDS = { "cohort", "end", "list", "match", "mine", "rematch", "weights", "why" }

local kit -- the shared page checker and route caller
before_each(function()
  kit = kit or load(assert(baton.fs.read(fixture_path("../../tests/fixtures/pages/kit.lua"))), "=kit.lua")()
end)


test("before any pair, and before the groups exist, the page says what to do and offers the forms", function()
  local page = kit.get("/api/mentoring/page")
  kit.check(page, COMMANDS)
  local stats = kit.block(page, "stats").items
  expect(stats[1]):to_equal { label = "active pairs", value = 0, note = "none yet" }
  expect(stats[2].value):to_equal(0)
  expect(kit.block(page, "text").text):to_contain("match")
  expect(kit.block(page, "network")):to_be_nil()
  expect(kit.block(page, "commands").commands):to_equal { "match", "rematch", "end", "mine" }
  expect(kit.get("/api/mentoring/leadership")):to_equal { label = "mentees mentored", roles = {} }
  expect(baton.json.encode(kit.get("/api/mentoring/leadership").roles)):to_equal("[]")
end)

test("after a saved match: the network with reasons, the table of pairs, the stats and the unmatched", function()
  h.school()
  h.ok("match", "--save")
  h.ok("end", "N3", "--reason", "private: on leave for health reasons")
  local page = kit.get("/api/mentoring/page")
  kit.check(page, COMMANDS)
  local net = kit.block(page, "network")
  expect(#net.nodes):to_equal(4)
  expect(net.nodes[1]):to_equal { id = "M1", label = "Mona Mills", group = "mentor" }
  expect(net.nodes[3]):to_equal { id = "N1", label = "Nia Newton", group = "mentee" }
  expect(net.links[1].source):to_equal("M1")
  expect(net.links[1].target):to_equal("N1")
  expect(net.links[1].label):to_contain("subject")
  local pairs = kit.block(page, "table", "Active pairs").rows
  expect(#pairs):to_equal(2)
  expect(pairs[1].mentor):to_equal("M1 Mona Mills")
  expect(pairs[1].mentee):to_equal("N1 Nia Newton")
  expect(pairs[1].score):to_equal(7)
  expect(pairs[1].reasons):to_equal(net.links[1].label)
  local stats = kit.block(page, "stats").items
  expect(stats[1].value):to_equal(2)
  expect(stats[1].note):to_equal("mean score 6.5")
  expect(stats[2]):to_equal { label = "mentees without a mentor", value = 1, note = "of 3 in the cohort" }
  expect(stats[3]):to_equal { label = "mentors with a mentee", value = 2, note = "of 4 in the cohort" }
  expect(kit.block(page, "table", "Without a mentor").rows):to_equal { { mentee = "N3 Ned Novak" } }
  expect(net.source_label):to_equal("mentor")
  expect(net.target_label):to_equal("mentee")
  -- The ended pair is shown, with its dates and not why it ended.
  local ended = kit.block(page, "table", "Pairs that have ended").rows
  expect(#ended):to_equal(1)
  expect(ended[1].mentee):to_equal("N3 Ned Novak")
  expect(ended[1].ended):to_equal(baton.today())
  -- The page is for everyone signed in: an ended pair's reason stays out.
  expect(baton.json.encode(page)).never:to_contain("health")
  expect(baton.json.encode(page)).never:to_contain("#3")
end)

test("leadership counts the mentees each mentor mentors now, most first", function()
  local roles = kit.get("/api/mentoring/leadership").roles
  expect(roles):to_equal { { person = "M1", count = 1 }, { person = "M2", count = 1 } }
  local page = require("page")
  expect(page.leadership { { mentor = "B" }, { mentor = "A" }, { mentor = "B" }, { mentor = "C" } }.roles)
    :to_equal { { person = "B", count = 2 }, { person = "A", count = 1 }, { person = "C", count = 1 } }
end)

test("mine shows a person's own mentor and mentees, and nobody else's pairs", function()
  local n1 = h.ok("mine", "N1")
  expect(n1.person):to_equal("N1")
  expect(#n1.mentors):to_equal(1)
  expect(n1.mentors[1].mentor):to_equal("M1 Mona Mills")
  expect(n1.mentors[1].status):to_equal("active")
  expect(#n1.mentees):to_equal(0)
  expect(baton.json.encode(n1)).never:to_contain("N2")
  local m2 = h.ok("mine", "M2")
  expect(#m2.mentors):to_equal(0)
  expect(m2.mentees[1].mentee):to_equal("N2 Noor Nasser")
  local r = run("mine", "N1")
  expect(r.out):to_contain("your mentor: M1 Mona Mills")
end)

test("mine keeps an ended pair's reason to the people of that pair", function()
  local n3 = h.ok("mine", "N3")
  expect(#n3.mentors):to_equal(0)
  expect(run("mine", "N3").out):to_contain("no active mentoring pair")
  n3 = h.ok("mine", "N3", "--all")
  expect(n3.mentors[1].status):to_contain("on leave for health reasons")
  expect(#h.ok("mine", "M3", "--all").mentees):to_equal(1)
  -- another person's history does not show it
  expect(baton.json.encode((h.ok("mine", "N1", "--all")))).never:to_contain("health")
end)

-- (PERSON is of type person: a host that checks it before the command
-- runs refuses with the same words and exit 2; the plugin's check is 1)
test("mine names a person who is not in the staff list", function()
  local r = run("mine", "NOBODY")
  expect(r.status ~= 0):to_be(true)
  expect(r.err):to_contain("no person 'NOBODY' in the staff list")
end)

test("the old /api/mentoring/pairs route still answers the active pairs, and with all=1 not why one ended", function()
  local rows = kit.get("/api/mentoring/pairs")
  expect(#rows):to_equal(2)
  expect(rows[1].mentor):to_equal("M1 Mona Mills")
  rows = kit.get("/api/mentoring/pairs", { all = "1" })
  expect(#rows):to_equal(3)
  expect(rows[3].status):to_equal("ended")
  expect(baton.json.encode(rows)).never:to_contain("health")
  -- the coordinator's list still says why
  expect(h.ok("list")[3].status):to_contain("on leave for health reasons")
end)

test("each mentor.pair event names its pair's number (it was 0 for every pair)", function()
  local events = baton.events.list { kind = "mentor.pair" }
  expect(#events):to_equal(3)
  for _, e in ipairs(events) do
    local row = baton.store.first("SELECT id FROM mentoring_pairs WHERE mentee = ?", e.subject)
    expect(e.data.pair):to_equal(row.id)
  end
end)

test("who may run what from the browser: the coordinator's commands, and mine for oneself", function()
  local access, m = kit.access()
  expect(access):to_equal { match = "coordinator", why = "coordinator", rematch = "coordinator",
    ["end"] = "coordinator", list = "coordinator", cohort = "coordinator", weights = "coordinator",
    mine = "self:person:person" }
  expect(m.pages):to_equal { { name = "pairs", title = "Mentoring", data = "/api/mentoring/page" } }
  expect(plugin.routes[m.pages[1].data]):to_be_truthy()
  expect(plugin.routes[m.leadership]):to_be_truthy()
end)
