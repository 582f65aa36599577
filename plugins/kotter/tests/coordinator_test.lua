-- What a coordinator runs into (issue 15): short names, evidence that
-- needs correcting or removing (the history keeps both), dates after today,
-- and a report for governors that carries no command lines.

local h = require("tests.helpers").new { run = run, load_people = load_people, load_groups = load_groups }

test("a short name chosen with --slug names the initiative everywhere; a bad or taken one is refused", function()
  h.school()
  set_today("2026-09-01")
  local ini = h.ok("new", "Literacy across the curriculum and beyond, Hillcrest 2026-27", "--slug", "literacy")
  expect(ini.slug):to_equal("literacy")
  expect(run("new", "Attendance matters", "--slug", "literacy").err)
    :to_contain("the short name 'literacy' is taken by initiative 1")
  local r = run("new", "Attendance matters", "--slug", "Attendance Matters")
  expect(r.status):to_equal(1)
  expect(r.err):to_contain("cannot be a short name: use lower-case letters, digits and -, at most 30 characters "
    .. "(e.g. 'attendance-matters')")
  expect(run("new", "Attendance matters", "--slug", "2027").err):to_contain("a number names the initiative")
  expect(h.ok("new", "Attendance matters", "--slug", "attend").slug):to_equal("attend")
  -- A unique start, or a typo with a suggestion.
  expect(h.ok("status", "lit").slug):to_equal("literacy")
  r = run("status", "litracy")
  expect(r.status):to_equal(1)
  expect(r.err):to_contain("did you mean 'literacy'?")
end)

test("evidence dated after today is refused unless --force", function()
  set_today("2026-10-05")
  local r = run("evidence", "literacy", "1", "staff survey: 72% see the need", "--date", "2026-11-05")
  expect(r.status):to_equal(1)
  expect(r.err):to_contain("the evidence is dated 2026-11-05, after today (2026-10-05)")
  expect(r.err):to_contain("--force")
  expect(h.ok("status", "literacy").steps[1].last_evidence):to_be_nil() -- nothing was recorded
  local e, ran = h.ok("evidence", "literacy", "1", "survey booked for the INSET day", "--date", "2026-11-05", "--force")
  expect(e.date):to_equal("2026-11-05")
  expect(ran.err):to_contain("recorded with --force")
end)

test("evidence can be corrected and removed; the history keeps what it said, and replays to the tables", function()
  set_today("2026-10-06")
  local e = h.ok("evidence", "literacy", "1", "staff survey: 27% see the need", "--date", "2026-10-01",
    "--metric", "agree=27")
  expect(run("evidence", "literacy", "1", "x").out):to_match("Evidence #%d+ recorded")
  local fixed = h.ok("amend", tostring(e.id), "--text", "staff survey: 72% see the need", "--metric", "agree=72",
    "--reason", "digits swapped")
  expect(fixed.before.text):to_equal("staff survey: 27% see the need")
  expect(fixed.evidence.text):to_equal("staff survey: 72% see the need")
  expect(fixed.evidence.metrics):to_equal({ agree = 72 })
  expect(fixed.evidence.date):to_equal("2026-10-01") -- what was not given stays
  local st = h.ok("status", "literacy")
  expect(st.steps[1].last_evidence.text):to_equal("survey booked for the INSET day") -- (the newest, dated ahead)
  -- Moved to another step, then removed: gone from status and the report.
  h.ok("amend", "#" .. e.id, "--step", "vision")
  local r = run("amend", tostring(e.id), "--date", "2027-01-01")
  expect(r.status):to_equal(1)
  expect(r.err):to_contain("after today")
  local gone = h.ok("retract", tostring(e.id), "--reason", "recorded on the wrong initiative")
  expect(gone.removed.text):to_equal("staff survey: 72% see the need")
  expect(h.ok("report", "literacy").content).never:to_contain("72% see the need")
  -- The history keeps every version.
  local hist = run("history", "literacy").out
  expect(hist):to_contain(("evidence #%d on step 1 Urgency, dated 2026-10-01: staff survey: 27%% see the need"):format(e.id))
  expect(hist):to_contain(("evidence #%d corrected: text was \"staff survey: 27%% see the need\""):format(e.id))
  expect(hist):to_contain("(digits swapped)")
  expect(hist):to_contain(("evidence #%d corrected: step 1 -> 3"):format(e.id))
  expect(hist):to_contain(("evidence #%d removed (step 3, dated 2026-10-01"):format(e.id))
  expect(hist):to_contain("recorded on the wrong initiative")
  local ini = plugin.initiatives.find("literacy")
  expect(plugin.initiatives.replay(ini)):to_equal(plugin.initiatives.load(ini))
  -- Unknown numbers and empty corrections say what to do.
  r = run("retract", "9999")
  expect(r.status):to_equal(1)
  expect(r.err):to_contain("no evidence #9999")
  r = run("amend", tostring(e.id), "--text", "y")
  expect(r.err):to_contain("no evidence #" .. e.id)
  local other = h.ok("evidence", "literacy", "2", "coalition met")
  expect(run("amend", tostring(other.id)).err):to_contain("nothing to correct")
end)

test("the report for governors carries no command lines; status still gives the coordinator the command", function()
  -- A step in progress for weeks with no evidence, and no coalition: two warnings.
  set_today("2026-10-06")
  h.ok("step", "attend", "1", "--status", "in_progress")
  h.ok("step", "attend", "2", "--status", "in_progress")
  set_today("2026-12-01")
  for _, format in ipairs { "md", "html" } do
    local doc = h.ok("report", "attend", "--format", format).content
    expect(doc):to_contain("has been in progress with no evidence")
    expect(doc):to_contain("no guiding coalition yet")
    expect(doc).never:to_contain("baton change")
    expect(doc).never:to_contain(" --")
  end
  local st = h.ok("status", "attend")
  expect(st.warnings[1].command):to_contain("baton change evidence attend")
  expect(run("status", "attend").out):to_contain("      baton change evidence attend urgency")
end)
