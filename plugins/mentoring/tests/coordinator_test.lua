-- What a coordinator runs into (issue 15): one cohort group with
-- role_in_group, the same group on both sides, the cohort's groups
-- remembered, names instead of ids, `why` on the saved state in plain
-- words, score-0 pairs, and a preview while pairs are active.

local h = require("tests.helpers").new { run = run, load_people = load_people, load_groups = load_groups,
  fixture_path = fixture_path }

test("one cohort group: role_in_group says who mentors whom (any case), others are left out with a warning", function()
  h.school()
  local out, r = run_json("match", "--cohort", "year1")
  expect(h.pairs(out)):to_equal({ "N1-M1", "N2-M2", "N3-M3" })
  expect(out.groups.cohort):to_equal("year1")
  expect(r.err):to_contain("1 member of the group 'year1' has no role_in_group mentee or mentor and is left out: Z1")
  expect(run("match", "--cohort", "year1").out):to_contain("3 mentees (the group 'year1' with role_in_group mentee), "
    .. "4 mentors (the group 'year1' with role_in_group mentor)")
  -- The same group given to both flags is the same thing.
  expect(h.pairs(h.ok("match", "--mentees", "year1", "--mentors", "year1"))):to_equal({ "N1-M1", "N2-M2", "N3-M3" })
end)

test("the same group on both sides without roles is refused, never matched against itself", function()
  h.school()
  for _, args in ipairs { { "--mentees", "both", "--mentors", "both" }, { "--cohort", "both" } } do
    local r = run("match", table.unpack(args))
    expect(r.status):to_equal(1)
    expect(r.err):to_contain("the group 'both' is to hold both the mentees and the mentors, but none of its "
      .. "members has role_in_group mentee or mentor")
    expect(r.err):to_contain("--mentees GROUP --mentors GROUP")
  end
  local r = run("match", "--cohort", "year1", "--mentees", "mentees")
  expect(r.status):to_equal(1)
  expect(r.err):to_contain("not both")
end)

test("score-0 pairs are flagged with a suggestion", function()
  h.school()
  local out = h.ok("match", "--forbid", h.file("forbid-n2-good.csv"))
  expect(#out.zero_score):to_equal(1)
  expect(out.zero_score[1].mentee):to_equal("N2")
  expect(out.zero_score[1].suggestion):to_contain("share nothing the weights count")
  local r = run("match", "--forbid", h.file("forbid-n2-good.csv"))
  expect(r.out):to_contain("Score 0 (1)")
  expect(r.out):to_contain("! N2 and M")
  -- A school with good pairs only has nothing to flag.
  expect(#h.ok("match").zero_score):to_equal(0)
  expect(run("match").out).never:to_contain("Score 0")
end)

test("names are accepted wherever a person is named", function()
  h.school()
  local out = h.ok("why", "ned novak", "Mona Mills")
  expect(out.mentee):to_equal("N3")
  expect(out.other.id):to_equal("M1")
  expect(h.ok("why", "Novak").mentee):to_equal("N3") -- one word of one name
  local r = run("why", "Nia Newtown")
  expect(r.status):to_equal(1)
  expect(r.err):to_contain("'Nia Newtown' is not a mentee: no active member of the group 'mentees' has that id or name "
    .. "(did you mean N1 (Nia Newton)?)")
  -- The forbid file names people by name as well as by id.
  expect(h.pairs(h.ok("match", "--forbid", h.file("forbid-n2-good.csv")))).never:to_contain("N2-M2")
end)

test("the cohort's groups are remembered by match --save and `mentor cohort`, like the weights", function()
  h.school()
  expect(h.ok("cohort").saved):to_be(false)
  h.ok("match", "--cohort", "year1", "--save")
  local saved = h.ok("cohort")
  expect(saved.cohort):to_equal("year1")
  expect(saved.saved):to_be(true)
  -- why and rematch plan the saved cohort without being told: Z1 (only
  -- in year1 as an observer) is not a mentee, N1 is.
  expect(h.ok("why", "N1").state):to_equal("active")
  expect(h.ok("rematch").kept):to_equal(3)
  h.ok("cohort", "--mentees", "mentees", "--mentors", "mentors")
  expect(h.ok("cohort").mentees):to_equal("mentees")
  local r = run("cohort", "--cohort", "no_such_group")
  expect(r.status):to_equal(2) -- the host checks a group argument first
  expect(r.err):to_contain("no group 'no_such_group'")
  expect(h.ok("cohort").mentees):to_equal("mentees") -- a refused name is not saved
  h.ok("cohort", "--reset")
  expect(h.ok("cohort").saved):to_be(false)
  h.ok("end", "--all")
end)

test("why describes the saved state, never shows the solver's internals, and a refusal exits 1", function()
  h.school()
  h.ok("match", "--save", "--allow-repeat")
  -- Active pairs: N1-M1, N2-M2, N3-M3.
  local w = h.ok("why", "N3")
  expect(w.state):to_equal("active")
  expect(run("why", "N3").out):to_match("N3 Ned Novak is paired with M3 Mei Ma %(active pair #%d+ since %d+%-%d+%-%d+%)")
  -- M2's one place is held by the active pair N2-M2: a refusal in words.
  local r = run("why", "N1", "M2")
  expect(r.status):to_equal(1)
  expect(r.err):to_contain("M2 cannot mentor N1: M2 has no free place (capacity 1): N2 keeps M2 in a pair that stays")
  expect(r.err).never:to_contain("baton.assign")
  expect(r.err).never:to_contain("fixed[")
  -- Without a mentor named, only a mentor with a free place is compared:
  -- here none (M9 is N1's line manager, M2 and M3 are full).
  w = h.ok("why", "N1")
  expect(w.other):to_be_nil()
  expect(w.full):to_equal({ "M2", "M3" })
  expect(run("why", "N1").out):to_contain("No other mentor is free for N1: M2, M3 are full with pairs that stay.")
  -- An active pair the rules now refuse: said so, with what a rematch does.
  r = run("why", "N2", "--forbid", h.file("forbid-n2-good.csv"))
  expect(r.status):to_equal(0)
  expect(r.out):to_match("N2 Noor Nasser's active pair #%d+ with M2 can no longer stand: forbidden in .*forbid%-n2%-good%.csv line 2")
  expect(h.ok("why", "N2", "--forbid", h.file("forbid-n2-good.csv")).state):to_equal("ends")
end)

test("the preview says when active pairs exist", function()
  h.school()
  -- (the pairs saved by the test above are still active)
  local out = h.ok("match")
  expect(out.active_pairs):to_equal(3)
  expect(run("match").out):to_contain("Note: 3 pairs are already active. This preview is a whole new cohort")
  h.ok("end", "Noor Nasser") -- by name
  h.ok("end", "n1/mona mills")
  expect(#h.ok("list", "--active")):to_equal(1)
  h.ok("end", "--all")
  expect(h.ok("match").active_pairs):to_equal(0)
  expect(run("match").out).never:to_contain("Note:")
end)

test("end without a pair or --all is a usage error (exit 2, with the usage line)", function()
  local r = run("end")
  expect(r.status):to_equal(2)
  expect(r.err):to_contain("say which pair to end")
  expect(r.err):to_contain("usage: baton mentor end")
  r = run("cohort", "--reset", "--cohort", "year1")
  expect(r.status):to_equal(2)
  expect(r.err):to_contain("--reset forgets the saved groups")
end)
