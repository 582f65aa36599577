-- The threshold in every output: a round, or a role, with fewer than
-- min_group answers shows no figure in the text, --json, the CSV files,
-- the page or the routes; a hidden role cannot be worked out from the
-- total minus the roles shown; nothing shows while the round is open.
test_permissions { "fs.read" }
local h = require("tests.helpers")

before_each(function()
  h.school()
  run_json("open", "--group", "Whole staff")   -- round 1
end)

-- Lower case, so a role is found however an output writes it.
local function everything(round) return h.every_output(round or 1, "Whole staff"):lower() end

test("4 answers: a closed round shows no figure in any output, only how many answered", function()
  for i, id in ipairs(h.ids("teacher")) do
    if i <= 4 then h.answer(1, id, 4) end
  end
  run_json("close", "1")
  local v = run_json("results", "1")
  expect(v.shown):to_equal(false)
  expect(v.answers):to_equal(4)
  expect(v.withheld):to_equal("4 answers, fewer than 5: no results are shown (the setting min_group)")
  for _, it in ipairs(v.items) do expect(it.mean):to_be_nil() end
  expect(#v.roles):to_equal(0)
  local all = everything()
  expect(all).never:to_contain("teacher")
  expect(all).never:to_contain("mean\":")
  expect(all).never:to_contain("4.00")
  expect(all).never:to_contain("\"bars\"")
  local csv = tmp_path("results.csv")
  expect(baton.fs.read(csv)):to_equal("round,group,term,scope,answers,item,statement,mean,n1,n2,n3,n4,previous,change\n")
  expect(run("results", "1").out):to_contain("No results: 4 answers, fewer than 5")
  -- the fifth answer is too late: the round is closed
  expect(run("answer", "1", h.ids("teacher")[5], "--item", "1=4").status):to_equal(1)
end)

test("while the round is open nothing but the count shows, however many have answered", function()
  h.answer_roles(1, { teacher = 3 })
  local v = run_json("results", "1")
  expect(v.shown):to_equal(false)
  expect(v.withheld):to_equal("the round is open: results show once it closes (20 of 40 answered)")
  local all = everything()
  expect(all).never:to_contain("teacher")
  expect(all).never:to_contain("3.00")
  expect(all).never:to_contain("\"bars\"")
end)

test("a role of 4 never appears, and neither does the role it could be worked out from by subtraction", function()
  -- 20 teachers score 3, 5 student leaders 2, 4 aides 1 (distinct, so a leak shows)
  h.answer_roles(1, { teacher = 3, ["student leader"] = 2, aide = 1 })
  run_json("close", "1")
  local v = run_json("results", "1")
  expect(v.shown):to_equal(true)
  expect(v.answers):to_equal(29)
  expect(#v.roles):to_equal(1)
  expect(v.roles[1].role):to_equal("teacher")
  expect(v.other_roles):to_equal(9)
  -- the subtraction: the total minus the roles shown is the 9 others together, never the 4 aides
  local total = v.items[1].mean * v.answers
  local rest = total - v.roles[1].items[1].mean * v.roles[1].answers
  expect(rest / v.other_roles):to_be_near((5 * 2 + 4 * 1) / 9, 0.02)
  expect(v.other_roles >= v.min_group):to_be_truthy()
  local all = everything()
  expect(all).never:to_contain("aide")
  expect(all).never:to_contain("student leader")
  expect(all):to_contain("teacher")
  expect(run("results", "1").out):to_contain("9 answers come from roles not shown on their own")
end)

test("with min_group 4 the same round shows the aides: the check above can fail", function()
  set_setting("min_group", 4)
  h.answer_roles(1, { teacher = 3, ["student leader"] = 2, aide = 1 })
  run_json("close", "1")
  local v = run_json("results", "1")
  expect(#v.roles):to_equal(3)
  local all = everything()
  expect(all):to_contain("aide")
  expect(all):to_contain("student leader")
end)

test("the whole staff answers: the roles under 5 (aides, counsellors, 2 APs, the principal) show nowhere", function()
  h.answer_roles(1, { teacher = 3, ["student leader"] = 2, ["support staff"] = 4, aide = 1, counsellor = 2,
    ["assistant principal"] = 4, principal = 1 })
  run_json("close", "1")
  local v = run_json("results", "1")
  local shown = {}
  for _, r in ipairs(v.roles) do shown[#shown + 1] = r.role end
  expect(shown):to_equal { "student leader", "support staff", "teacher" }
  expect(v.other_roles):to_equal(10)
  local all = everything()
  for _, role in ipairs { "aide", "counsellor", "principal" } do expect(all).never:to_contain(role) end
  -- the page: a bars block per statement, its rows the total and the roles shown
  local page = plugin.routes.page { query = {}, params = {} }
  local bars = 0
  for _, b in ipairs(page.blocks) do
    if b.view == "bars" then
      bars = bars + 1
      expect(#b.rows):to_equal(4)
      expect(b.rows[1].label):to_equal("All (40)")
      expect(#b.series):to_equal(4)
    end
  end
  expect(bars):to_equal(10)
end)

test("roles_shown: the hidden roles hold at least min answers together, or none is hidden", function()
  local privacy = require("privacy")
  local cases = {
    { { a = 4, b = 5, c = 20 }, { "c" }, 9 },
    { { a = 4, b = 6, c = 5 }, { "b" }, 9 },           -- the smallest shown (c, 5) joins the hidden
    { { a = 1, b = 2, c = 30 }, {}, 33 },              -- total minus c would give a and b: only the total
    { { a = 5, b = 5 }, { "a", "b" }, 0 },
    { { a = 3, b = 3 }, {}, 6 },
    { { a = 9, b = 3, c = 3 }, { "a" }, 6 },
  }
  for _, c in ipairs(cases) do
    local shown, hidden = privacy.roles_shown(c[1], 5)
    expect(shown):to_equal(c[2])
    expect(hidden):to_equal(c[3])
  end
end)

test("hostile input: a statement a spreadsheet would run is neutralised in the CSV; a bad ?round is a 404", function()
  reset_db()
  load_people("../../samples/staff.csv")
  load_groups("tests/whole-staff.csv")
  set_terms(h.terms)
  set_today("2026-10-05")
  run_json("items", "add", "=HYPERLINK(\"http://x.example\",\"click\")")
  run_json("open", "--group", "Whole staff")
  h.answer_roles(1, { teacher = 3 }, 11)
  run_json("close", "1")
  local out = tmp_path("hostile.csv")
  expect(run("results", "1", "--csv", out).status):to_equal(0)
  local text = assert(baton.fs.read(out))
  expect(text):to_contain("\"'=HYPERLINK(\"\"http://x.example\"\",\"\"click\"\")\"")
  expect(text).never:to_contain(",=HYPERLINK")
  local body, status = plugin.routes.page { query = { round = "1 OR 1=1" }, params = {} }
  expect(status):to_equal(404)
  expect(body.error.message):to_equal("there is no round '1 OR 1=1'")
  body, status = plugin.routes.results { query = {}, params = { round = "-1" } }
  expect(status):to_equal(404)
end)
