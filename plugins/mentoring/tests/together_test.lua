-- Saves that are safe when two people work at once: what a save depends on
-- ("there are already N active pairs", which pairs still stand) is read in
-- the save's own transaction, and a command that saves several things
-- saves all of them or none.
--
-- Another baton saving at the same moment is played by a write made while
-- this command plans: cohort.solve is wrapped for one call, and the
-- wrapper writes as the other baton would (a pair and its event, or the
-- end of a pair). tests/e2e/test_concurrency.sh runs real processes.

local h = require("tests.helpers").new { run = run, load_people = load_people, load_groups = load_groups,
  fixture_path = fixture_path }
local cohort = require("cohort")
local settings = require("settings")

-- Runs `meanwhile` once, the next time this command solves a cohort.
local function while_planning(meanwhile)
  local solve = cohort.solve
  cohort.solve = function(...)
    cohort.solve = solve
    meanwhile()
    return solve(...)
  end
end

local function active_of(mentee)
  return baton.store.query("SELECT * FROM mentoring_pairs WHERE mentee = ? AND ended IS NULL", mentee)
end

test("match --save: a match saved by another baton while this one plans wins; this one saves nothing", function()
  h.school()
  settings.migrate()
  while_planning(function()
    assert(baton.store.exec("INSERT INTO mentoring_pairs (mentee, mentor, score, reasons, objective, started) "
      .. "VALUES ('N1', 'M9', 7, 'the other baton', 'total', '2026-01-01')"))
    assert(baton.events.log { kind = "mentor.pair", subject = "N1", data = { mentor = "M9", pair = 1 } })
  end)
  local r = run("match", "--save")
  expect(r.status):to_equal(1)
  expect(r.err):to_contain("there is already 1 active pair: `baton mentor rematch --save` keeps them")
  -- N1 has one mentor, the other baton's; nobody else got one.
  local n1 = active_of("N1")
  expect(#n1):to_equal(1)
  expect(n1[1].mentor):to_equal("M9")
  expect(#h.ok("list", "--active")):to_equal(1)
  expect(#baton.events.list { kind = "mentor.pair" }):to_equal(1)
end)

test("the database itself refuses a second active mentor for a mentee", function()
  -- (N1 is paired with M9 by the test before.)
  local n, err = baton.store.exec("INSERT INTO mentoring_pairs (mentee, mentor, score, reasons, objective, started) "
    .. "VALUES ('N1', 'M1', 7, 'x', 'total', '2026-01-01')")
  expect(n):to_be(nil)
  expect(err):to_contain("UNIQUE constraint failed: mentoring_pairs.mentee")
  -- An ended pair does not count: the mentee may have had many.
  assert(baton.store.exec("UPDATE mentoring_pairs SET ended = '2026-02-01' WHERE mentee = 'N1'"))
  assert(baton.store.exec("INSERT INTO mentoring_pairs (mentee, mentor, score, reasons, objective, started) "
    .. "VALUES ('N1', 'M1', 7, 'x', 'total', '2026-02-01')"))
  assert(baton.store.exec("UPDATE mentoring_pairs SET ended = '2026-02-02' WHERE mentee = 'N1' AND ended IS NULL"))
  expect(#h.ok("list", "--active")):to_equal(0)
end)

test("rematch --save plans again when another baton ends a pair meanwhile, and saves for the pairs as they are", function()
  assert(baton.store.exec("DELETE FROM mentoring_pairs"))
  h.ok("match", "--save", "--allow-repeat") -- N1-M1, N2-M2, N3-M3
  local n2 = active_of("N2")[1]
  while_planning(function()
    assert(baton.store.exec("UPDATE mentoring_pairs SET ended = '2026-03-01', end_reason = 'left' WHERE id = ?", n2.id))
    assert(baton.events.log { kind = "mentor.end", subject = "N2", data = { mentor = "M2", pair = n2.id } })
  end)
  local out = h.ok("rematch", "--save", "--allow-repeat")
  -- Planned from the pairs as they are at the save: N2's pair had ended,
  -- so two are kept and N2 is paired again (not "3 kept, no change").
  expect(out.kept):to_equal(2)
  expect(#out.ended):to_equal(0)
  expect(h.pairs(out.new)):to_equal({ "N2-M2" })
  expect(#active_of("N2")):to_equal(1)
  expect(#h.ok("list", "--active")):to_equal(3)
end)

test("rematch --save is all or nothing: a failed new pair leaves the pair it would end active", function()
  -- N1's pair becomes forbidden, so rematch ends it and pairs N1 anew;
  -- the new pair's insert fails (a full disk, say): nothing may change.
  local before = h.ok("list", "--active")
  local forbid = h.file("forbid.csv") -- forbids N1-M1
  -- (plugins may not make triggers: the fault is a constraint that the
  -- new pair, XA with M1, breaks, M1 having one pair so far)
  assert(baton.store.exec("CREATE UNIQUE INDEX mentoring_test_fail ON mentoring_pairs(mentor) "
    .. "WHERE mentor = 'M1'"))
  local r = run("rematch", "--mentees", "mentees_plus", "--forbid", forbid, "--save")
  assert(baton.store.exec("DROP INDEX mentoring_test_fail"))
  expect(r.status):to_equal(1)
  expect(r.err):to_contain("UNIQUE constraint failed")
  expect(h.ok("list", "--active")):to_equal(before)
  expect(#active_of("N1")):to_equal(1)
  expect(#baton.events.list { kind = "mentor.end" }):to_equal(1) -- only the other baton's, above
  -- Without the fault, the same command saves both.
  local out = h.ok("rematch", "--mentees", "mentees_plus", "--forbid", forbid, "--save")
  expect(#out.ended):to_equal(1)
  expect(#baton.events.list { kind = "mentor.end" }):to_equal(2)
end)

test("a pair read as active but ended by another baton since is not ended twice", function()
  local p = active_of("N3")[1]
  assert(baton.store.exec("UPDATE mentoring_pairs SET ended = '2026-03-02', end_reason = 'the other baton' WHERE id = ?",
    p.id))
  local ok, err = pcall(settings.finish, { p }, "ended by the coordinator", "2026-03-03")
  expect(ok):to_be(false)
  expect(tostring(err)):to_contain(("pair #%d (N3 with %s) is no longer active: another baton ended it"):format(p.id,
    p.mentor))
  local row = baton.store.first("SELECT ended, end_reason FROM mentoring_pairs WHERE id = ?", p.id)
  expect(row.end_reason):to_equal("the other baton")
  expect(row.ended):to_equal("2026-03-02")
end)
