-- Tests of `baton hello greet`, run inside the real host by `baton test`.

test("greets the world by default", function()
  local r = run("greet")
  expect(r.status):to_equal(0)
  expect(r.out):to_equal("hello world\n")
end)

test("greets someone several times", function()
  local r = run("greet", "Ana", "--times", "2")
  expect(r.out):to_equal("hello Ana\nhello Ana\n")
end)

test("--json prints the list of lines as JSON", function()
  local r = run("greet", "Bo", "--json")
  expect(baton.json.decode(r.out)):to_equal({ "hello Bo" })
end)

test("a non-number for --times is a usage error from the host", function()
  local r = run("greet", "--times", "two")
  expect(r.status):to_equal(2)
  expect(r.err):to_contain("--times expects a whole number, got 'two'")
  expect(r.out):to_equal("")
end)

test("--times below 1 fails with the plugin's own message", function()
  local r = run("greet", "--times", "0")
  expect(r.status):to_equal(1)
  expect(r.err):to_contain("--times must be at least 1")
end)

test("the handler can be called directly too", function()
  expect(plugin.health()):to_be(true)
  expect(function() plugin.greet({ who = "x", times = 0 }, {}) end)
    :to_fail("at least 1")
end)
