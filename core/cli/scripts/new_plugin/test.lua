-- Tests of the %s plugin, run inside the real host by
-- `baton test plugins/%s`, each file against a fresh database.

test("hello greets and counts the people", function()
  local r = run("hello", "Ana", "--times", "2")
  expect(r.status):to_equal(0)
  expect(r.out):to_equal("hello Ana\nhello Ana\n0 people in the database\n")
end)

test("a bad --times is refused before the plugin runs", function()
  local r = run("hello", "--times", "two")
  expect(r.status):to_equal(2)
  expect(r.err):to_contain("expects a whole number")
end)

test("--times 0 fails with the plugin's message", function()
  local r = run("hello", "--times", "0")
  expect(r.status):to_equal(1)
  expect(r.err):to_contain("--times must be at least 1")
end)
