-- Migration 2 (one active mentor per mentee) on a database that already
-- holds duplicates, as two `mentor match --save` at once could leave them
-- before issue 13: each mentee keeps the earliest pair, the later ones end
-- with a reason and a "mentor.end" event, and the coordinator is told.
-- Its own file: it needs a database that no command has migrated yet.

local h = require("tests.helpers").new { run = run, load_people = load_people, load_groups = load_groups,
  fixture_path = fixture_path }
local settings = require("settings")

local function pair(mentee, mentor)
  assert(baton.store.exec("INSERT INTO mentoring_pairs (mentee, mentor, score, reasons, objective, started) "
    .. "VALUES (?, ?, 1, 'x', 'total', '2026-01-05')", mentee, mentor))
end

test("duplicates from two saves at once: the earliest pair of each mentee is kept, the later ones end", function()
  h.school()
  -- The database as the old version left it: migration 1 only, and two
  -- whole cohorts saved at once (ids 1-3, then 4-6), plus an ended pair.
  expect(baton.store.migrate { settings.MIGRATIONS[1] }):to_equal(1)
  pair("N1", "M1"); pair("N2", "M2"); pair("N3", "M3")
  pair("N1", "M9"); pair("N2", "M2"); pair("N3", "M1")
  pair("XA", "M1")
  assert(baton.store.exec("UPDATE mentoring_pairs SET ended = '2026-01-06' WHERE mentee = 'XA'"))
  pair("XA", "M2") -- XA's only active pair: kept
  local n, err = baton.store.exec("INSERT INTO mentoring_pairs (mentee, mentor, score, reasons, objective, started) "
    .. "VALUES ('N1', 'M3', 1, 'x', 'total', '2026-01-05')")
  expect(n):to_equal(1) -- (no index yet: the old version let this in too)
  expect(err):to_be(nil)

  -- The first command after the upgrade migrates, repairs and says so.
  local r = run("list", "--active")
  expect(r.status):to_equal(0)
  expect(r.err):to_contain("4 pairs ended: their mentees had a second active mentor, made by two saves at once")
  expect(r.err):to_contain("#4 N1 with M9, #5 N2 with M2, #6 N3 with M1, #9 N1 with M3")
  local active = h.ok("list", "--active")
  local ids = {}
  for _, p in ipairs(active) do ids[#ids + 1] = p.pair end
  expect(ids):to_equal({ 1, 2, 3, 8 })
  for _, id in ipairs { 4, 5, 6, 9 } do
    local row = baton.store.first("SELECT ended, end_reason FROM mentoring_pairs WHERE id = ?", id)
    expect(row.ended).never:to_be(nil)
    expect(row.end_reason):to_contain("a second active mentor for the same mentee, made by two saves at once")
  end
  local ends = baton.events.list { kind = "mentor.end" }
  expect(#ends):to_equal(4)
  expect(ends[1].data.pair):to_equal(4)

  -- Once: the next command neither repairs nor warns again.
  r = run("list", "--active")
  expect(r.err):to_equal("")
  expect(#baton.events.list { kind = "mentor.end" }):to_equal(4)
  -- And the index now holds.
  n, err = baton.store.exec("INSERT INTO mentoring_pairs (mentee, mentor, score, reasons, objective, started) "
    .. "VALUES ('N1', 'M3', 1, 'x', 'total', '2026-01-05')")
  expect(n):to_be(nil)
  expect(err):to_contain("UNIQUE constraint failed")
end)

test("weights saved by an older version move to the plugin's `weights` setting, once (issue 18)", function()
  reset_db()
  assert(baton.store.migrate(settings.MIGRATIONS))
  assert(baton.store.exec("INSERT INTO mentoring_settings (key, value) VALUES ('weights', 'subject=5,campus=0')"))
  local w = run_json("weights")
  local by = {}
  for _, row in ipairs(w) do by[row.feature] = row.weight end
  expect(by.subject):to_equal(5)
  expect(by.campus):to_equal(0)
  expect(baton.settings.get("weights")):to_equal("subject=5,campus=0")
  expect(baton.store.first("SELECT 1 FROM mentoring_settings WHERE key = 'weights'")):to_be_nil()
end)

test("the weights are a setting: baton config and mentor weights --set change the same value", function()
  reset_db()
  set_setting("weights", "grade=7") -- as `baton config mentoring weights grade=7` would
  local by = {}
  for _, row in ipairs(run_json("weights")) do by[row.feature] = row.weight end
  expect(by.grade):to_equal(7)
  expect(by.subject):to_equal(3) -- the default
  expect(run("weights", "--set", "subject=4").status):to_equal(0)
  expect(baton.settings.get("weights")):to_contain("subject=4")
  expect(baton.settings.get("weights")):to_contain("grade=7")
  expect(run("weights", "--reset").status):to_equal(0)
  expect(baton.settings.get("weights")):to_be_nil()
end)
