-- What is saved: history across terms, swap, repair, why, show, and the
-- calendar files read back by libical.

local h = require("tests.helpers").new { run = run, load_people = load_people, load_groups = load_groups,
                                         fixture_path = fixture_path }

local function term1()
  h.school()
  set_today("2026-08-20")
  return h.ok("plan", "--group", "Maths PLC", "--roles", "facilitator", "--dates", "2026-09-01,2026-09-08,2026-09-15",
    "--save")
end

test("history across terms: who led last term leads less this term", function()
  local t1 = term1()
  local led = {}
  for _, m in ipairs(t1.meetings) do led[m.assignments.facilitator] = true end
  -- 4 members, 3 turns: the one who did not lead goes first next term
  local missing
  for _, id in ipairs { "R01", "R02", "R03", "R04" } do if not led[id] then missing = id end end
  local t2 = h.ok("plan", "--group", "Maths PLC", "--roles", "facilitator", "--dates", "2027-01-05")
  expect(t2.meetings[1].assignments.facilitator):to_equal(missing)
  expect(t2.history[missing].facilitator):to_equal(0)
  expect(t2.fairness.met):to_be(true)
end)

test("history counts across groups: a turn in another group counts once", function()
  term1()
  local t = h.ok("plan", "--group", "Tight", "--roles", "facilitator", "--dates", "2027-01-05")
  -- R01, R02 are in Maths PLC and led there; R03 too unless R04 was left
  local hist = t.history
  local sum = hist.R01.total + hist.R02.total + hist.R03.total
  expect(sum >= 2):to_be(true)
  expect(hist[t.meetings[1].assignments.facilitator].total):to_equal(math.min(hist.R01.total, hist.R02.total, hist.R03.total))
end)

test("show lists the saved plan, upcoming first, and per person", function()
  term1()
  set_today("2026-09-10")
  local rows = h.ok("show", "--group", "Maths PLC")
  expect(rows[1].date):to_equal("2026-09-15")
  expect(rows[#rows].past):to_be(true)
  expect(baton.date.valid(rows[#rows].date)):to_be(true)
  expect(rows[1].past):to_be(false)
  local who = rows[1].person
  local mine = h.ok("show", "--group", "Maths PLC", "--person", who)
  for _, r in ipairs(mine) do expect(r.person):to_equal(who) end
end)

test("swap checks the rules, applies, and suggests the compensating swap", function()
  term1()
  local shown = h.ok("show", "--group", "Maths PLC")
  local first = shown[1] -- 2026-09-01
  local later = shown[3] -- 2026-09-15
  -- give the 1st to the holder of the 15th; the swap back is the 15th
  local out = h.ok("swap", "--group", "Maths PLC", "--date", first.date, "--role", "facilitator", "--to", later.person)
  expect(out.from):to_equal(first.person)
  expect(out.suggestion):to_equal { date = later.date, role = "facilitator", to = first.person }
  local after = h.ok("show", "--group", "Maths PLC")
  expect(after[1].person):to_equal(later.person)
  local r = run("swap", "--group", "Maths PLC", "--date", "2026-09-08", "--role", "facilitator", "--to", "R07")
  expect(r.status):to_equal(1)
  expect(r.err):to_contain("R07 is not a member of Maths PLC")
  r = run("swap", "--group", "Maths PLC", "--date", "2026-09-09", "--role", "facilitator", "--to", "R01")
  expect(r.err):to_contain("no meeting on 2026-09-09")
end)

test("repair changes only the turns that broke, and says what changed", function()
  term1()
  local before = h.ok("show", "--group", "Maths PLC")
  local victim = before[2] -- 2026-09-08
  local path = h.out("repair-away.csv")
  assert(baton.fs.write(path, ("person_id,from,to,reason\n%s,%s,%s,jury service\n"):format(victim.person, victim.date, victim.date)))
  local out = h.ok("repair", "--group", "Maths PLC", "--unavailable", path)
  expect(#out.changes):to_equal(1)
  expect(out.changes[1].date):to_equal(victim.date)
  expect(out.changes[1].from):to_equal(victim.person)
  expect(out.changes[1].to).never:to_equal(victim.person)
  expect(out.changes[1].why):to_contain("jury service")
  local after = h.ok("show", "--group", "Maths PLC")
  for i = 1, #before do
    if before[i].date ~= victim.date then expect(after[i].person):to_equal(before[i].person) end
  end
  local again = h.ok("repair", "--group", "Maths PLC")
  expect(#again.changes):to_equal(0)
end)

test("why names the reason and the last turn", function()
  term1()
  local out = h.ok("why", "--group", "Maths PLC", "--date", "2026-09-15", "--role", "facilitator")
  expect(out.because):to_contain("fewest facilitator turns so far among those available")
  expect(#out.others):to_equal(3)
end)

test("iCalendar files: one per person and per group, read back by libical, SEQUENCE rises on change", function()
  term1()
  local dir = h.out("ics")
  local p = h.ok("plan", "--group", "Maths PLC", "--roles", "facilitator", "--dates", "2026-09-01,2026-09-08,2026-09-15",
    "--ics", dir)
  expect(#p.ics_files):to_equal(4) -- the group and 3 people
  local text = assert(baton.fs.read(dir .. "/maths-plc.ics"))
  local events = assert(baton.ics.holidays(text))
  expect(#events):to_equal(3)
  expect(events[1].from):to_equal("2026-09-01")
  expect(events[1].name):to_match("^facilitator: ")
  expect(text):to_contain("UID:maths-plc-2026-09-01-facilitator@baton")
  expect(text):to_contain("SEQUENCE:0")
  local mine = assert(baton.fs.read(dir .. "/people/" .. p.meetings[1].assignments.facilitator:lower() .. ".ics"))
  expect(#assert(baton.ics.holidays(mine))):to_equal(1)
  -- change the first occurrence: its SEQUENCE rises by one
  local q = "SELECT seq, person FROM rotation_slots WHERE grp = 'Maths PLC' AND date = '2026-09-01'"
  local seq0 = baton.store.first(q)
  local first = p.meetings[1].assignments.facilitator
  h.ok("swap", "--group", "Maths PLC", "--date", "2026-09-01", "--role", "facilitator",
    "--to", seq0.person == "R04" and "R03" or "R04", "--force")
  expect(baton.store.first(q).seq):to_equal(seq0.seq + 1)
  -- a folder that does not exist yet is made, parents included
  local deep = h.out("ics/new/term2")
  h.ok("plan", "--group", "Maths PLC", "--dates", "2026-09-01", "--ics", deep)
  expect(baton.fs.stat(deep .. "/maths-plc.ics").type):to_equal("file")
  local r = run("plan", "--group", "Maths PLC", "--dates", "2026-09-01", "--ics", dir .. "/maths-plc.ics")
  expect(r.status):to_equal(1)
  expect(r.err):to_contain("a file is in the way")
end)

test("re-planning with other dates removes the old plan's turns in that range", function()
  term1() -- 2026-09-01, 09-08, 09-15
  h.ok("plan", "--group", "Maths PLC", "--roles", "facilitator", "--dates", "2026-09-01,2026-09-10,2026-09-15", "--save")
  local left = {}
  for _, row in ipairs(h.ok("show", "--group", "Maths PLC")) do left[row.date:sub(1, 10)] = true end
  expect(left["2026-09-08"]):to_be_nil()
  expect(left["2026-09-10"]):to_be(true)
  -- the dropped turn no longer counts as history for anyone
  for _, d in ipairs(require("store").history()) do
    if d.group == "Maths PLC" then expect(d.date).never:to_equal("2026-09-08") end
  end
end)

test("a bound impossible from the counts is said so, with the history that makes it so", function()
  h.school()
  set_today("2026-08-20")
  -- R03 kept time nine times in Tight (three each with R01, R02); R04 never
  h.ok("plan", "--group", "Tight", "--roles", "timekeeper", "--dates",
    "2026-09-02,2026-09-09,2026-09-16,2026-09-23,2026-09-30,2026-10-07,2026-10-14,2026-10-21,2026-11-04", "--save")
  -- In Maths PLC R03 and R04 can only take notes: evening out the notes
  -- leaves their totals 3 apart, evening out the totals the notes
  local plan = h.ok("plan", "--group", "Maths PLC", "--roles", "facilitator,notetaker",
    "--needs", "facilitator:trained_facilitator=yes", "--dates", "2027-01-05,2027-01-12,2027-01-19,2027-01-26")
  expect(plan.fairness.met):to_be(false)
  local why
  for _, e in ipairs(plan.fairness.exceptions) do
    expect(e.impossible):to_be(true)
    expect(e.people):to_equal { "R03", "R04" }
    why = e.why
  end
  expect(why):to_contain("impossible: R03, R04 are in the same position (days, FTE, roles)")
  -- (earlier tests of this file may have saved turns too: read them back)
  local h3, h4 = plan.history.R03, plan.history.R04
  expect(h3.total - h4.total >= 3):to_be(true)
  expect(why):to_contain(("R03: notetaker %d, in all %d; R04: notetaker %d, in all %d"):format(h3.notetaker, h3.total,
    h4.notetaker, h4.total))
  local text = run("plan", "--group", "Maths PLC", "--roles", "facilitator,notetaker",
    "--needs", "facilitator:trained_facilitator=yes", "--dates", "2027-01-05,2027-01-12,2027-01-19,2027-01-26")
  expect(text.out):to_contain("Fairness: bound 1 not met everywhere")
  expect(text.out):to_contain("! total among R03, R04: impossible: R03, R04 are in the same position")
end)
