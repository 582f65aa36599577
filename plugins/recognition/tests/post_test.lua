-- Posting a thank-you: who may, what a message may be, and the links.
local h = require("tests.helpers")

test_permissions { "fs.read" } -- (for the test that reads the manifest, this file's code only)

test("a thank-you is posted, stored and logged without its words", function()
  h.school()
  local r = run("post", "A001", "P001", "for covering my duty on Friday")
  expect(r.status):to_equal(0)
  expect(r.out):to_contain("Sam Rivera thanked Maria Okafor on 2026-10-05: for covering my duty on Friday (number 1)")
  local events = baton.events.list { kind = "recognition.thanks" }
  expect(#events):to_equal(1)
  expect(events[1].subject):to_equal("P001")
  expect(events[1].actor):to_equal("A001")
  expect(baton.json.encode(events[1].data)).never:to_contain("duty")
end)

test("nobody thanks themselves, and both must be on the staff list", function()
  h.school()
  local r = run("post", "T001", "T001", "for me")
  expect(r.status):to_equal(1)
  expect(r.err):to_contain("thank someone else: FROM and TO are the same person (T001)")
  r = run("post", "T001", "NOBODY", "x")
  expect(r.status):to_equal(2)
  expect(r.err):to_contain("'NOBODY'")
  expect(#baton.events.list { kind = "recognition.thanks" }):to_equal(0)
end)

test("a message is one line of at most 280 characters, not empty", function()
  h.school()
  local r = run("post", "T001", "T002", "   ")
  expect(r.status):to_equal(1)
  expect(r.err):to_contain("say what the thanks are for: the message is empty")
  r = run("post", "T001", "T002", ("é"):rep(281))
  expect(r.status):to_equal(1)
  expect(r.err):to_contain("the message has 281 characters; keep it to 280")
  expect(run("post", "T001", "T002", ("é"):rep(280)).status):to_equal(0)
  r = run("post", "T001", "T002", "bad \xff bytes")
  expect(r.status):to_equal(1)
  expect(r.err):to_contain("the message is not UTF-8 text")
  r = run("post", "T001", "T002", "two\nlines")
  expect(r.status):to_equal(1)
  expect(r.err):to_contain("keep the message on one line")
  r = run("post", "T001", "T002", "later", "--date", "2026-10-06")
  expect(r.status):to_equal(1)
  expect(r.err):to_contain("--date 2026-10-06 is in the future (today is 2026-10-05)")
end)

test("a link names a group of the store, a change step or a mentoring pair", function()
  h.school()
  local t = h.post("T006", "T001", "for leading the inquiry cycle", "--link", "group:Maths PLC")
  expect(t.link):to_equal("group:Maths PLC")
  t = h.post("A001", "T005", "for the reading corner", "--link", "change:Literacy/3")
  expect(t.link):to_equal("change:literacy/3")
  t = h.post("T020", "T006", "for every Tuesday", "--link", "pair:T006/T020")
  expect(t.link):to_equal("pair:T006/T020")
  local l = run_json("list")
  expect(l.thanks[1].link_label):to_equal("mentoring pair Hiroshi Tanaka and " .. baton.people.get("T020").name)
  expect(l.thanks[2].link_label):to_equal("change literacy, step 3")
  expect(l.thanks[3].link_label):to_equal("Maths PLC")
end)

test("a wrong link is refused, naming what was wrong and the forms", function()
  h.school()
  local cases = {
    { "group:Math PLC", "there is no group 'Math PLC' (did you mean 'Maths PLC'?)" },
    { "change:literacy/9", "step 9: a change has steps 1 to 8" },
    { "change:lit eracy", "write change:INITIATIVE/STEP" },
    { "pair:T006/NOBODY", "'NOBODY' is not in the staff list" },
    { "pair:T006/T006", "a pair is two people; T006 is named twice" },
    { "https://example.org", "write group:NAME (a PLC, a team), change:INITIATIVE/STEP (step 1 to 8) or pair:MENTOR/MENTEE" },
    { ("group:" .. ("x"):rep(130)), "a link is at most 120" },
  }
  for _, c in ipairs(cases) do
    local r = run("post", "T001", "T002", "thanks", "--link", c[1])
    expect(r.status):to_equal(1)
    expect(r.err):to_contain(c[2])
  end
  expect(#baton.events.list { kind = "recognition.thanks" }):to_equal(0)
end)

test("post is a person's own: the manifest lets the host fill FROM with the signed-in person", function()
  local m = load(assert(baton.fs.read(fixture_path("plugin.lua"))), "=plugin.lua", "t", {})()
  expect(m.commands.post.access):to_equal("self")
  expect(m.commands.post.self):to_equal("from")
  expect(m.commands.post.args[1].type):to_equal("person")
  -- what only the coordinator may run
  for _, c in ipairs { "nudges", "hide", "unhide", "history", "export" } do
    expect(m.commands[c].access):to_equal("coordinator")
  end
  expect(m.commands.list.access):to_equal("any")
  expect(m.commands.spread.access):to_equal("any")
  expect(m.pages[3]):to_equal { name = "quiet", title = "Recognition: nudges", data = "/api/recognition/coordinator",
    access = "coordinator" }
  expect(m.pages[1].access):to_be_nil()
  expect(m.pages[2].access):to_be_nil()
end)
