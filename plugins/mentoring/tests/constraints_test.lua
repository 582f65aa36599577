-- The hard rules: never yourself, never your line manager, no repeats,
-- capacity, same campus, fixed and forbidden pairs.

local h = require("tests.helpers").new { run = run, load_people = load_people, load_groups = load_groups,
  fixture_path = fixture_path }

test("a mentee's line manager is never their mentor, however well they score", function()
  h.school()
  for _, p in ipairs(h.ok("match").pairs) do
    expect(p.mentee .. "-" .. p.mentor).never:to_equal("N1-M9")
  end
  -- Asked about by name, the pair is refused: exit status 1, the rule named.
  local r = run("why", "N1", "Max Moyo")
  expect(r.status):to_equal(1)
  expect(r.err):to_contain("M9 cannot mentor N1: M9 is N1's line manager")
end)

test("a person in both pools never mentors themself", function()
  h.school()
  local out = h.ok("match", "--mentees", "both", "--mentors", "both_again")
  expect(h.pairs(out)):to_equal({ "Z0-Z1" })
  expect(out.unmatched[1].mentee):to_equal("Z1")
  expect(out.unmatched[1].reason):to_equal("no eligible mentor: a person cannot mentor themself; Z0 has capacity 0")
end)

test("mentor_capacity overrides --capacity, and a full mentor leaves the mentee unmatched with that reason", function()
  h.school()
  -- Everyone else closed: M1 (mentor_capacity 2) takes two, the third is left.
  local out = h.ok("match", "--capacity", "0")
  expect(h.pairs(out)):to_equal({ "N1-M1", "N3-M1" })
  expect(out.unmatched[1].mentee):to_equal("N2")
  expect(out.unmatched[1].reason):to_equal("no eligible mentor left: the only mentor allowed, M1, is full")
  expect(out.summary.capacity):to_equal(2)
end)

test("capacity 0 everywhere: nobody is matched and each says why", function()
  h.school()
  local out = h.ok("match", "--mentors", "nobody")
  expect(#out.pairs):to_equal(0)
  expect(#out.unmatched):to_equal(3)
  expect(out.unmatched[1].reason):to_equal("no eligible mentor: Z0 has capacity 0")
  expect(run("match", "--mentors", "nobody").out):to_contain("No pairs.")
  local r = run("match", "--capacity", "-1")
  expect(r.status):to_equal(1)
  expect(r.err):to_contain("--capacity must be 0 or more")
end)

test("--same-campus keeps pairs on one campus", function()
  h.school()
  local out = h.ok("match", "--same-campus")
  expect(h.pairs(out)):to_equal({ "N1-M1", "N2-M2", "N3-M1" })
  expect(out.summary.cross_campus):to_equal(0)
  local r = run("why", "N3", "M3", "--same-campus")
  expect(r.status):to_equal(1)
  expect(r.err):to_contain("M3 cannot mentor N3: N3 is on campus North, M3 on South (--same-campus)")
end)

test("--forbid never makes the pairs in the file", function()
  h.school()
  local out = h.ok("match", "--forbid", h.file("forbid.csv"))
  expect(h.pairs(out)):to_equal({ "N1-M3", "N2-M2", "N3-M1" })
  expect(out.total_score):to_equal(9)
end)

test("everybody forbidden for a mentee: unmatched, with the rule named", function()
  h.school()
  local out = h.ok("match", "--forbid", h.file("forbid-all-n2.csv"))
  expect(#out.unmatched):to_equal(1)
  expect(out.unmatched[1].mentee):to_equal("N2")
  expect(out.unmatched[1].reason):to_equal("no eligible mentor: 4 are forbidden in the --forbid file")
end)

test("--fixed pins pairs and the rest is optimised around them", function()
  h.school()
  local out = h.ok("match", "--fixed", h.file("fixed.csv"))
  expect(h.pairs(out)):to_equal({ "N1-M1", "N2-M3", "N3-M1" })
  for _, p in ipairs(out.pairs) do
    if p.mentee == "N2" then expect(p.fixed):to_be(true) end
  end
  expect(run("match", "--fixed", h.file("fixed.csv")).out):to_contain("[fixed]")
end)

test("a pin or a pair file that breaks a rule is an error naming the line", function()
  h.school()
  local r = run("match", "--fixed", h.file("fixed.csv"), "--forbid", h.file("forbid-all-n2.csv"))
  expect(r.status):to_equal(1)
  expect(r.err):to_match("fixed%.csv line 2: M3 cannot mentor N2: forbidden in .*forbid%-all%-n2%.csv line 4")
  r = run("match", "--forbid", h.file("bad-header.csv"))
  expect(r.err):to_contain("the first line must be the header mentee_id,mentor_id (found 'mentee,mentor')")
  r = run("match", "--fixed", h.file("no-such.csv"))
  expect(r.status):to_equal(2)
end)

test("an empty or unknown pool is an error that says what to do", function()
  h.school()
  -- A group that does not exist: the host refuses it before the plugin runs.
  local r = run("match", "--mentees", "nosuch")
  expect(r.status):to_equal(2)
  expect(r.err):to_contain("--mentees: no group 'nosuch'")
  expect(r.err):to_contain("baton groups import FILE")
  r = run("match", "--mentors", "nosuch")
  expect(r.err):to_contain("--mentors: no group 'nosuch'")
end)
