-- Calendars in (Google and Outlook exports) and the saved rota out:
-- `show --ics` after swaps, cancelled turns, one calendar per person,
-- meeting time and room, feed tokens, and `why` for a turn set by hand.

local h = require("tests.helpers").new { run = run, load_people = load_people, load_groups = load_groups,
                                         fixture_path = fixture_path }
local store = require("store")

local function calendar(name)
  return h.fixture("../calendars/" .. name)
end

-- Events of a calendar text: { uid = { status, sequence, dtstart } }.
local function events_of(text)
  local out = {}
  for block in text:gmatch("BEGIN:VEVENT(.-)END:VEVENT") do
    local uid = block:match("UID:([^\r\n]+)")
    out[uid] = { status = block:match("STATUS:(%u+)") or "CONFIRMED", sequence = tonumber(block:match("SEQUENCE:(%d+)")),
                 start = block:match("DTSTART[^:]*:([^\r\n]+)"), location = block:match("LOCATION:([^\r\n]+)") }
  end
  return out
end

local TERM = { "--every", "tue", "--from", "2026-09-01", "--to", "2026-12-15" }

local function plan(...)
  local args = { "plan", "--group", "Maths PLC", "--roles", "facilitator" }
  for _, a in ipairs(TERM) do args[#args + 1] = a end
  for _, a in ipairs { ... } do args[#args + 1] = a end
  return h.ok(table.unpack(args))
end

test("a Google export is read: empty LOCATION lines, cancelled events are not closures, timed ones are reported", function()
  h.school()
  set_today("2026-08-20")
  local p = plan("--holidays", calendar("google.ics"))
  local skipped = {}
  for _, s in ipairs(p.skipped) do skipped[s.date] = s.why end
  expect(skipped["2026-09-01"]):to_equal("INSET day")
  expect(skipped["2026-10-27"]):to_equal("Half term")
  expect(skipped["2026-12-01"]):to_equal("Mock exams")
  expect(skipped["2026-11-10"]):to_be_nil() -- STATUS:CANCELLED
  expect(skipped["2026-12-08"]):to_be_nil() -- EXDATE
  expect(skipped["2026-12-15"]):to_be_nil() -- a cancelled occurrence (RECURRENCE-ID)
  expect(#p.meetings):to_equal(13)
  local nc = {}
  for _, n in ipairs(p.not_counted) do nc[n.date] = n end
  expect(nc["2026-10-06"].name):to_equal("Twilight CPD, no meetings")
  expect(nc["2026-10-06"].why):to_equal("timed")
  expect(nc["2026-11-24"].name):to_equal("Parents' evening")
  expect(nc["2026-11-10"].why):to_equal("cancelled")
  local text = run("plan", "--group", "Maths PLC", "--roles", "facilitator", "--every", "tue", "--from",
    "2026-09-01", "--to", "2026-12-15", "--holidays", calendar("google.ics"))
  expect(text.out):to_contain("add --timed-closures to count timed events")
  -- counted on request
  local t = plan("--holidays", calendar("google.ics"), "--timed-closures")
  expect(#t.meetings):to_equal(11)
end)

test("an Outlook export is read: midnight-to-midnight all-day events, GMT Standard Time, CRLF", function()
  h.school()
  set_today("2026-08-20")
  local p = plan("--holidays", calendar("outlook.ics"))
  local skipped = {}
  for _, s in ipairs(p.skipped) do skipped[s.date] = s.why end
  expect(skipped["2026-10-27"]):to_equal("Half term")
  expect(skipped["2026-11-10"]):to_be_nil()
  expect(#p.meetings):to_equal(13)
end)

test("an empty DTSTART is refused naming its line; an empty LOCATION is not", function()
  local list, err = baton.ics.holidays("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nBEGIN:VEVENT\r\nLOCATION:\r\n"
    .. "DTSTART;VALUE=DATE:\r\nSUMMARY:x\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n")
  expect(list):to_be_nil()
  expect(err):to_equal("EPARSE: line 5: DTSTART has no value; give it one or remove the line")
  local ok = baton.ics.holidays("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nBEGIN:VEVENT\r\nLOCATION:\r\nDESCRIPTION:\r\n"
    .. "DTSTART;VALUE=DATE:20261001\r\nSUMMARY:x\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n")
  expect(#ok):to_equal(1)
end)

test("show --ics publishes the saved rota: a swapped turn is cancelled for its old holder, SEQUENCE higher", function()
  h.school()
  set_today("2026-08-20")
  local p = h.ok("plan", "--group", "Maths PLC", "--roles", "facilitator", "--dates",
    "2026-09-01,2026-09-08,2026-09-15", "--save", "--time", "15:30", "--duration", "45", "--location", "Library")
  local dir = h.out("published")
  local first = p.meetings[1].assignments.facilitator
  local to = first == "R04" and "R03" or "R04"
  h.ok("swap", "--group", "maths plc", "--date", "2026-09-01", "--role", "Facilitator", "--to", to, "--force")
  h.ok("show", "--ics", dir)
  local old = events_of(assert(baton.fs.read(dir .. "/people/" .. first:lower() .. ".ics")))
  local uid = ("maths-plc-2026-09-01-facilitator-%s@baton"):format(first:lower())
  expect(old[uid].status):to_equal("CANCELLED")
  expect(old[uid].sequence):to_equal(1)
  local new = events_of(assert(baton.fs.read(dir .. "/people/" .. to:lower() .. ".ics")))
  local nuid = ("maths-plc-2026-09-01-facilitator-%s@baton"):format(to:lower())
  expect(new[nuid].status):to_equal("CONFIRMED")
  expect(new[nuid].sequence):to_equal(1)
  expect(new[nuid].start):to_equal("20260901T153000") -- floating local time
  expect(new[nuid].location):to_equal("Library")
  -- the group calendar shows the new holder, at a higher SEQUENCE
  local g = events_of(assert(baton.fs.read(dir .. "/maths-plc.ics")))
  expect(g["maths-plc-2026-09-01-facilitator@baton"].sequence):to_equal(1)
  -- swapping back confirms the first holder again, higher still
  h.ok("swap", "--group", "Maths PLC", "--date", "2026-09-01", "--role", "facilitator", "--to", first, "--force")
  h.ok("show", "--group", "Maths PLC", "--ics", dir)
  local back = events_of(assert(baton.fs.read(dir .. "/people/" .. first:lower() .. ".ics")))
  expect(back[uid].status):to_equal("CONFIRMED")
  expect(back[uid].sequence):to_equal(2)
  -- a new room raises every turn's SEQUENCE
  local before = baton.store.first("SELECT seq FROM rotation_slots WHERE grp = 'Maths PLC' AND date = '2026-09-08'").seq
  h.ok("plan", "--group", "Maths PLC", "--roles", "facilitator", "--dates", "2026-09-01,2026-09-08,2026-09-15",
    "--save", "--location", "Room 12")
  local after = baton.store.first("SELECT seq FROM rotation_slots WHERE grp = 'Maths PLC' AND date = '2026-09-08'").seq
  expect(after > before):to_be(true)
end)

test("one calendar per person across every group", function()
  h.school()
  set_today("2026-08-20")
  h.ok("plan", "--group", "Maths PLC", "--group", "Tight", "--roles", "facilitator", "--dates",
    "2026-09-01,2026-09-08", "--save")
  local dir = h.out("across")
  h.ok("show", "--ics", dir)
  local groups = {}
  for _, id in ipairs { "R01", "R02", "R03" } do
    local text = baton.fs.read(dir .. "/people/" .. id:lower() .. ".ics")
    for uid in (text or ""):gmatch("UID:([^\r\n]+)") do groups[uid:match("^(%a+)")] = true end
  end
  expect(groups.maths):to_be(true)
  expect(groups.tight):to_be(true)
  expect(baton.fs.stat(dir .. "/maths-plc-r01.ics")):to_be_nil() -- no file per person per group any more
end)

test("show --csv writes the saved rota, swaps included", function()
  h.school()
  set_today("2026-08-20")
  local p = h.ok("plan", "--group", "Maths PLC", "--roles", "facilitator", "--dates", "2026-09-01,2026-09-08",
    "--save")
  local first = p.meetings[1].assignments.facilitator
  local to = first == "R04" and "R03" or "R04"
  h.ok("swap", "--group", "Maths PLC", "--date", "2026-09-01", "--role", "facilitator", "--to", to, "--force")
  local path = h.out("saved.csv")
  h.ok("show", "--group", "Maths PLC", "--csv", path)
  local rows = baton.csv.decode(assert(baton.fs.read(path)))
  expect(rows[1][3]):to_equal("person_id")
  expect(rows[2][1]):to_equal("2026-09-01")
  expect(rows[2][3]):to_equal(to)
end)

test("why tells the truth about a turn set by hand, and never gives 0 turns as a reason against", function()
  h.school()
  set_today("2026-08-20")
  local p = h.ok("plan", "--group", "Maths PLC", "--roles", "facilitator", "--dates",
    "2026-09-01,2026-09-08,2026-09-15", "--save")
  local first = p.meetings[1].assignments.facilitator
  local to = first == "R04" and "R03" or "R04"
  h.ok("swap", "--group", "Maths PLC", "--date", "2026-09-01", "--role", "facilitator", "--to", to, "--force")
  local w = h.ok("why", "--group", "MATHS PLC", "--date", "2026-09-01", "--role", "facilitator")
  expect(w.because):to_match("^set by hand with rota swap on %d%d%d%d%-%d%d%-%d%d")
  for _, o in ipairs(w.others) do expect(o.why_not).never:to_match("^had 0 ") end
end)

test("a group or role in another case is accepted; a near miss gets 'did you mean'", function()
  h.school()
  set_today("2026-08-20")
  h.ok("plan", "--group", "Maths PLC", "--roles", "facilitator", "--dates", "2026-09-01", "--save")
  local r = run("show", "--group", "Math PLC")
  expect(r.status):to_equal(1)
  expect(r.err):to_contain("did you mean 'Maths PLC'?")
  r = run("why", "--group", "Maths PLC", "--date", "2026-09-01", "--role", "facilitater")
  expect(r.err):to_contain("did you mean 'facilitator'?")
  expect(#h.ok("show", "--group", "maths plc") >= 1):to_be(true)
end)

test("names in the grid with --names", function()
  h.school()
  set_today("2026-08-20")
  local r = run("plan", "--group", "Maths PLC", "--roles", "facilitator", "--dates", "2026-09-01", "--names")
  expect(r.out):to_match("2026%-09%-01 tue%s+%a+ %a+")
end)

test("feed tokens: 32 hex digits, found only by the whole token, renewed on request", function()
  h.school()
  store.migrate()
  local t = store.feed_token("R01", true)
  expect(t):to_match("^%x+$")
  expect(#t):to_equal(32)
  expect(store.feed_token("R01", true)):to_equal(t) -- kept
  expect(store.feed_person(t)):to_equal("R01")
  expect(store.feed_person(t:sub(1, 31) .. (t:sub(32) == "0" and "1" or "0"))):to_be_nil()
  expect(store.feed_person("")):to_be_nil()
  local t2 = store.feed_token("R01", true, true)
  expect(t2 ~= t):to_be(true)
  expect(store.feed_person(t)):to_be_nil()
  expect(store.feed_person(t2)):to_equal("R01")
end)
