-- `baton hello leaders` on the sample school, in a fresh database.

test("refuses to run on an empty database and says what to do", function()
  local r = run("leaders")
  expect(r.status):to_equal(1)
  expect(r.err):to_contain("baton people import FILE")
end)

test("lists every group's leads and the spread across staff roles", function()
  expect(load_people("../../samples/staff.csv")):to_equal(40)
  load_groups("../../samples/groups.csv")
  local r = run("leaders", "--json")
  expect(r.status):to_equal(0)
  local v = baton.json.decode(r.out)
  expect(#v.leaders):to_equal(10)
  expect(v.spread[1]):to_equal({ ["staff role"] = "teacher", ["leadership roles"] = 4 })
  -- Leadership is not only for title-holders: student leaders lead too.
  local roles = {}
  for _, s in ipairs(v.spread) do roles[#roles + 1] = s["staff role"] end
  expect(roles):to_contain("student leader")
  expect(roles):to_contain("support staff")
end)

test("--kind keeps only that kind of group", function()
  local r = run("leaders", "--kind", "plc")
  expect(r.status):to_equal(0)
  expect(r.out):to_contain("Maths PLC")
  expect(r.out).never:to_contain("Wellbeing Committee")
end)

test("the matchers report what differed", function()
  expect(function() expect(1):to_equal(2) end):to_fail("expected 1 to equal 2")
  expect(function() expect("abc").never:to_contain("b") end)
    :to_fail('expected "abc" not to contain "b"')
  expect({ a = { 1, 2 } }):to_equal({ a = { 1, 2 } })
  expect(0.1 + 0.2):to_be_near(0.3, 1e-12)
end)
