-- The spread by role, the coordinator's nudges, hiding, the leadership
-- counts and the CSV files, on the sample school with two terms.
local h = require("tests.helpers")

test_permissions { "fs.read" } -- (to read back the CSV files written, this file's code only)

-- Last term: two thanks; this term: four, one of them hidden later.
local function history()
  h.school()
  h.post("T001", "T002", "for the French evening", "--date", "2026-06-10")
  h.post("A001", "S001", "for fixing the ramp", "--date", "2026-07-01")
  h.post("T001", "A001", "for the reading group", "--date", "2026-09-14")
  h.post("P001", "A001", "for the induction", "--date", "2026-09-21")
  h.post("L001", "T003", "for the science club", "--date", "2026-09-28")
  h.post("T003", "L001", "rude words here", "--date", "2026-10-01")
  expect(run("hide", "6", "--reason", "not kind to the class").status):to_equal(0)
end

test("the spread: who has been thanked this term, by role", function()
  history()
  local s = run_json("spread")
  expect(s.period):to_equal { from = "2026-09-01", to = "2026-12-18", name = "Autumn 2026", term = "Autumn 2026" }
  expect(s.thanks):to_equal(3)
  expect(s.thanked):to_equal(2)
  expect(s.thanking):to_equal(3)
  local by = {}
  for _, r in ipairs(s.roles) do by[r.role] = r end
  expect(by.aide.people):to_equal(4)
  expect(by.aide.thanked):to_equal(1)
  expect(by.aide.received):to_equal(2)
  expect(by.aide.names):to_equal { { id = "A001", name = "Sam Rivera" } }
  expect(by.teacher.thanked):to_equal(1)
  expect(by.teacher.given):to_equal(1)
  expect(by["student leader"].thanked):to_equal(0) -- the hidden one counts nowhere
  expect(by["student leader"].given):to_equal(1)
  expect(s.roles_reached):to_equal(2)
  -- last term, by name; and a period of one's own
  expect(run_json("spread", "--term", "Summer 2026").thanked):to_equal(2)
  expect(run_json("spread", "--from", "2026-09-20", "--to", "2026-09-30").thanks):to_equal(2)
  local r = run("spread")
  expect(r.out):to_contain("Thanks in Autumn 2026: 3, to 2 colleagues from 3; 2 of 7 roles reached.")
end)

test("without a school calendar the spread counts the last 13 weeks, and says so", function()
  history()
  set_terms({})
  local s = run_json("spread")
  expect(s.period.from):to_equal("2026-07-07")
  expect(s.period.name):to_contain("no term in the school calendar")
  expect(s.thanks):to_equal(3)
end)

test("a hidden thank-you leaves the list, the board and the spread, and stays in the history", function()
  history()
  local l = run_json("list")
  expect(#l.thanks):to_equal(3)
  for _, t in ipairs(l.thanks) do expect(t.message).never:to_equal("rude words here") end
  expect(h.call("GET /api/recognition/board").body).never:to_contain("rude words")
  expect(baton.json.encode(h.call("GET /api/recognition/page"))).never:to_contain("rude words")
  expect(h.call("GET /api/recognition/thanks.csv").body).never:to_contain("rude words")
  local all = run_json("history")
  expect(#all):to_equal(6)
  expect(all[1].message):to_equal("rude words here")
  expect(all[1].hidden_reason):to_equal("not kind to the class")
  expect(all[1].hidden_on):to_equal("2026-10-05")
  expect(#run_json("history", "--hidden")):to_equal(1)
  local e = baton.events.list { kind = "recognition.hide" }
  expect(#e):to_equal(1)
  expect(e[1].subject):to_equal("6")
  expect(baton.json.encode(e)).never:to_contain("not kind") -- the reason is the coordinator's
  -- twice is an error; unhide brings it back
  local r = run("hide", "6")
  expect(r.status):to_equal(1)
  expect(r.err):to_contain("thank-you 6 was hidden on 2026-10-05 already")
  expect(run("hide", "99").err):to_contain("there is no thank-you 99")
  expect(run("hide", "5", "--reason", ("x"):rep(281)).err):to_contain("--reason has 281 characters; keep it to 280")
  expect(run("hide", "5", "--reason", "\xff\xfe").err):to_contain("--reason is not UTF-8 text")
  expect(run("unhide", "6").status):to_equal(0)
  expect(#run_json("list").thanks):to_equal(4)
  expect(run("unhide", "6").err):to_contain("thank-you 6 is not hidden")
  expect(#baton.events.list { kind = "recognition.unhide" }):to_equal(1)
end)

test("the coordinator's page: hidden at the terminal says so, and the latest thanks mark the hidden", function()
  history()
  -- from the browser the host gives the hide event the signed-in
  -- coordinator as actor, which the history keeps: test_recognition.sh
  local coord = h.call("GET /api/recognition/coordinator", h.coordinator)
  local hidden = coord.blocks[3].rows
  expect(#hidden):to_equal(1)
  expect(hidden[1].hidden):to_equal("2026-10-05 by the command line")
  expect(hidden[1].reason):to_equal("not kind to the class")
  local latest = coord.blocks[4].rows
  expect(latest[1].id):to_equal(6)
  expect(latest[1].hidden):to_equal("2026-10-05")
  expect(latest[2].hidden):to_equal("")
end)

test("the nudges: not thanked for quiet_weeks weeks, never first, newcomers left out", function()
  history()
  set_setting("quiet_weeks", 2)
  local n = run_json("nudges")
  expect(n.weeks):to_equal(2)
  local by = {}
  for i, q in ipairs(n.quiet) do by[q.id] = { i = i, q = q } end
  expect(by.A001).never:to_be_nil() -- last thanked 2026-09-21, two weeks ago to the day
  expect(by.A001.q.weeks):to_equal(2)
  expect(by.T003):to_be_nil() -- thanked 2026-09-28
  expect(by.L001).never:to_be_nil() -- its only thanks is hidden: it counts for nothing
  expect(by.T002.q.last):to_equal("2026-06-10")
  expect(by.T002.i > by.L001.i):to_be(true) -- never thanked before thanked long ago
  expect(by.S001.i > by.T002.i):to_be(true) -- thanked 2026-07-01, after 2026-06-10: less quiet, later
  expect(#n.quiet):to_equal(39) -- all 40 but T003
  expect(run_json("nudges", "--weeks", "20").quiet[1].last):to_be_nil()
  -- someone who started a week ago has not been quiet for two weeks
  load_people("tests/newcomer.csv")
  local ids = {}
  for _, q in ipairs(run_json("nudges").quiet) do ids[q.id] = true end
  expect(ids.N001):to_be_nil()
  expect(ids.N002):to_be(true) -- started long ago
  local txt = run("nudges")
  expect(txt.out):to_contain("Not thanked for 2 weeks or more (since 2026-09-21), for you alone:")
end)

test("the leadership counts: thanked a colleague, was thanked, by period", function()
  history()
  local l = h.call("GET /api/recognition/leadership", h.viewer, { from = "2026-09-01", to = "2026-12-18" })
  expect(l.period):to_equal { from = "2026-09-01", to = "2026-12-18" }
  expect(l.label):to_equal("thanks given and received")
  expect(l.roles):to_equal {
    { person = "L001", count = 1, role = "thanked a colleague" },
    { person = "P001", count = 1, role = "thanked a colleague" },
    { person = "T001", count = 1, role = "thanked a colleague" },
    { person = "A001", count = 2, role = "was thanked" },
    { person = "T003", count = 1, role = "was thanked" },
  }
  l = h.call("GET /api/recognition/leadership", nil, { from = "2026-06-01", to = "2026-07-31" })
  expect(#l.roles):to_equal(4)
  -- without a period: this term, said back
  l = h.call("GET /api/recognition/leadership")
  expect(l.period):to_equal { from = "2026-09-01", to = "2026-12-18" }
end)

test("the CSV files: the public thanks and the spread, from the command and the routes", function()
  history()
  local r = run("export", "--thanks", tmp_path("thanks.csv"), "--spread", tmp_path("spread.csv"))
  expect(r.status):to_equal(0)
  local thanks = assert(baton.fs.read(tmp_path("thanks.csv")))
  expect(thanks):to_match("^date,from,from_name,to,to_name,to_role,message,link\n")
  expect(thanks):to_contain("2026-09-28,L001,Priya Nair,T003,Jamal Washington,teacher,for the science club,")
  expect(thanks).never:to_contain("rude words")
  expect(thanks).never:to_contain("French evening") -- last term's
  local spread = assert(baton.fs.read(tmp_path("spread.csv")))
  expect(spread):to_contain("aide,4,1,2,0,Sam Rivera")
  expect(h.call("GET /api/recognition/thanks.csv", h.viewer).body):to_equal(thanks)
  local res = h.call("GET /api/recognition/spread.csv", h.viewer)
  expect(res.body):to_equal(spread)
  expect(res.headers["content-disposition"]):to_equal('attachment; filename="spread.csv"')
  expect(run("export").status):to_equal(2)
end)

test("a message starting with = is written so a spreadsheet does not run it", function()
  h.school()
  h.post("T001", "T002", "=HYPERLINK(\"http://x\")")
  local body = h.call("GET /api/recognition/thanks.csv").body
  expect(body).never:to_contain(",=HYPERLINK")
end)
