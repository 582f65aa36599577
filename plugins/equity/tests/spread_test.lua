-- The figures, counted by hand: the concentration index (Gini) and the
-- top 10%'s share on small cases whose arithmetic is written out, the
-- whole picture of a small school from plain holdings (as collect and the
-- groups give them), and the overview's notice on the sample school.
local spread = require("spread")

test("the Gini index of the worked example in docs/practices/equity.md", function()
  -- 4 people holding 3, 1, 0, 0 (mean 1). |xi - xj| over the 6 unordered
  -- pairs: 3-1 = 2, 3-0 = 3, 3-0 = 3, 1-0 = 1, 1-0 = 1, 0-0 = 0: 10;
  -- over ordered pairs 20; G = 20 / (2 * 4^2 * 1) = 0.625.
  expect(spread.gini({ 3, 1, 0, 0 })):to_equal(0.625)
  -- Everyone the same: 0; one holds all of n = 5: (n - 1) / n = 0.8.
  expect(spread.gini({ 2, 2, 2 })):to_equal(0)
  expect(spread.gini({ 0, 0, 7, 0, 0 })):to_equal(0.8)
  expect(spread.gini({ 0, 0, 0 })):to_equal(0)
  expect(spread.gini({})):to_equal(0)
end)

test("the top 10% is ceil(n / 10) people, at least one", function()
  -- n = 4: 1 person, the one with 3 of 4: 0.75.
  expect(spread.top_share({ 3, 1, 0, 0 }, 0.1)):to_equal(0.75)
  -- n = 11: ceil(1.1) = 2 people, 5 + 4 of 20 = 0.45.
  local v = { 5, 4, 3, 2, 1, 1, 1, 1, 1, 1, 0 }
  local share, k = spread.top_share(v, 0.1)
  expect(k):to_equal(2)
  expect(share):to_equal(0.45)
  expect(spread.top_share({ 0, 0 }, 0.1)):to_equal(0)
end)

test("the picture of a small school matches the hand count", function()
  local people = {
    { id = "A", name = "Ann", role = "teacher", department = "Maths" },
    { id = "B", name = "Bo", role = "teacher", department = "Maths" },
    { id = "C", name = "Cy", role = "aide", department = "Science" },
    { id = "D", name = "Di", role = "teacher" },
  }
  local holdings = {
    { person = "A", role = "mentor", source = "mentoring", count = 2 },
    { person = "A", role = "plc lead", source = "groups", count = 1 },
    { person = "C", role = "was thanked", source = "recognition", count = 1 },
    { person = "Z", role = "mentor", source = "mentoring", count = 5 }, -- not in the staff list
    { person = "B", role = "mentor", source = "mentoring", count = 0 }, -- holds nothing
  }
  local p = spread.picture(people, holdings)
  -- Totals A 3, B 0, C 1, D 0 (Z's 5 left out): held 4, 2 hold a role,
  -- 2 none; top 10% = 1 person, A: 3 / 4 = 0.75; Gini 0.625 (3, 1, 0, 0).
  expect(p.figures):to_equal({ people = 4, holders = 2, none = 2, held = 4, top_people = 1,
    top_share = 0.75, gini = 0.625 })
  expect(p.outside):to_equal(5)
  expect(p.none[1].id):to_equal("B")
  expect(p.none[2].id):to_equal("D")
  -- Roles: mentor 2 of 4 (one holder: B's 0 is no holding), plc lead 1,
  -- was thanked 1.
  expect(p.roles[1]):to_equal({ role = "mentor", source = "mentoring", held = 2, holders = 1, share = 0.5 })
  expect(p.roles[2].role):to_equal("plc lead")
  expect(p.roles[3].role):to_equal("was thanked")
  -- Departments: Maths 3 roles over 2 people (1.5 each, 0.75 of all held,
  -- 0.5 of the people); Science 1 over 1; D's empty department is "(none)".
  expect(p.departments[1]):to_equal({ department = "Maths", people = 2, holders = 1, held = 3,
    per_person = 1.5, share_held = 0.75, share_of_people = 0.5 })
  expect(p.departments[2].department):to_equal("Science")
  expect(p.departments[3].department):to_equal("(none)")
  expect(p.people[1].id):to_equal("A")
  expect(p.people[1].roles):to_equal({ mentor = 2, ["plc lead"] = 1 })
end)

test("on the sample school the overview warns, naming nobody", function()
  reset_db()
  load_people("../../samples/staff.csv")
  load_groups("../../samples/groups.csv")
  set_today("2026-10-05")
  -- Groups only (the practices have no data yet): 10 of 40 people hold
  -- one role each. Top 10% = 4 people: 4 / 10 = 0.4. Gini: sorted, the
  -- ones at positions 31..40: sum i*x = 355; 2 * 355 / (40 * 10) - 41 / 40
  -- = 1.775 - 1.025 = 0.75, above the default threshold 0.5.
  local n = plugin.routes.notices({ query = {} })
  expect(#n.notices):to_equal(1)
  expect(n.notices[1].level):to_equal("warning")
  expect(n.notices[1].text):to_equal("Leadership is concentrated: the top 10% of people hold 40% of the "
    .. "leadership roles (concentration index 0.75, above the threshold of 0.50); 30 of 40 people hold none.")
  for _, p in ipairs(baton.people.find {}) do
    expect(n.notices[1].text).never:to_contain(p.id)
    expect(n.notices[1].text).never:to_contain(p.name)
  end
  set_setting("threshold", 0.8)
  expect(#plugin.routes.notices({ query = {} }).notices):to_equal(0)
end)

test("the page shows who holds no role by name to coordinators only", function()
  reset_db()
  load_people("../../samples/staff.csv")
  load_groups("../../samples/groups.csv")
  local function text_of(user)
    return baton.json.encode(plugin.routes.page({ query = {}, user = user }))
  end
  local viewer, coordinator = text_of({ person = "T002", role = "viewer" }), text_of({ role = "coordinator" })
  expect(viewer):to_contain("30 people hold no leadership role (their names are shown to coordinators).")
  expect(viewer).never:to_contain("Amélie Durand")
  expect(text_of(nil)).never:to_contain("Amélie Durand")
  expect(coordinator):to_contain("T002 Amélie Durand")
end)
