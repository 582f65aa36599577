-- Rounds: opened for a group and a term, listed, closed by hand or at
-- their closing day, one open per group and term, and their events.
local h = require("tests.helpers")

before_each(h.school)

test("a round asks the group's members, as they are, every statement in use, in the current term", function()
  local v = run_json("open", "--group", "Wellbeing Committee")
  expect(v):to_equal { round = 1, group = "Wellbeing Committee", term = "Autumn 2026", anonymous = true,
    members = 6, items = 10 }
  local list = run_json("list")
  expect(#list):to_equal(1)
  expect(list[1].state):to_equal("open")
  expect(list[1].asked):to_equal(6)
  expect(list[1].answered):to_equal(0)
  local e = baton.events.list { kind = "reflect.open" }
  expect(#e):to_equal(1)
  expect(e[1].data.group):to_equal("Wellbeing Committee")
  expect(e[1].data.anonymous):to_equal(true)
end)

test("the term comes from --term, checked against the calendar, or it is refused with what to do", function()
  expect(run_json("open", "--group", "Maths PLC", "--term", "Spring 2027").term):to_equal("Spring 2027")
  local r = run("open", "--group", "Science PLC", "--term", "Summer 2027")
  expect(r.status):to_equal(1)
  expect(r.err):to_contain("no term 'Summer 2027' in the school calendar; its terms are Autumn 2026, Spring 2027")
  r = run("open", "--group", "Science PLC", "--today", "2026-08-10")
  expect(r.status):to_equal(1)
  expect(r.err):to_contain("no term holds 2026-08-10: give the round's term with --term")
end)

test("without a calendar, --term names the round's term freely", function()
  set_terms {}
  expect(run_json("open", "--group", "Maths PLC", "--term", "Summer 2026").term):to_equal("Summer 2026")
end)

test("one open round per group and term; a closed one makes room", function()
  run_json("open", "--group", "Maths PLC")
  local r = run("open", "--group", "Maths PLC")
  expect(r.status):to_equal(1)
  expect(r.err):to_contain("Maths PLC already has round 1 open for Autumn 2026; close it first (`baton reflect close 1`)")
  expect(run_json("close", "1").answers):to_equal(0)
  expect(run_json("open", "--group", "Maths PLC").round):to_equal(2)
  expect(#baton.events.list { kind = "reflect.close" }):to_equal(1)
end)

test("closing twice, an unknown round, an unknown group, a closing day in the past: each says what is wrong", function()
  run_json("open", "--group", "Maths PLC")
  run_json("close", "1")
  local r = run("close", "1")
  expect(r.status):to_equal(1)
  expect(r.err):to_contain("round 1 closed on 2026-10-05 already")
  expect(run("close", "9").err):to_contain("there is no round 9; `baton reflect list` shows the rounds")
  r = run("open", "--group", "Nobody's Group")
  expect(r.status):to_equal(2) -- the host checks a group argument first
  expect(r.err):to_contain("--group: no group 'Nobody's Group'; see baton groups list")
  expect(run("open", "--group", "Maths PLC", "--closes", "2026-10-01").err)
    :to_contain("--closes 2026-10-01 is in the past (today is 2026-10-05)")
  expect(run("close", "0").status):to_equal(2) -- below the manifest's min
end)

test("a round closes by itself after its closing day, and a new one may then open", function()
  run_json("open", "--group", "Maths PLC", "--closes", "2026-10-09")
  expect(run_json("list", "--open", "--today", "2026-10-09")[1].state):to_equal("open")
  local later = run_json("list", "--today", "2026-10-12")
  expect(later[1].state):to_equal("closed 2026-10-09")
  expect(#run_json("list", "--open", "--today", "2026-10-12")):to_equal(0)
  expect(run_json("open", "--group", "Maths PLC", "--today", "2026-10-12").round):to_equal(2)
  local r = run("answer", "1", "T001", "--item", "1=3", "--today", "2026-10-12")
  expect(r.status):to_equal(1)
  expect(r.err):to_contain("round 1 (Maths PLC, Autumn 2026) closed on 2026-10-09: it takes no more answers")
end)

test("list filters by group and by open rounds, and says how to start when there are none", function()
  expect(run("list").out):to_contain("No rounds. Open one with `baton reflect open --group GROUP`.")
  run_json("open", "--group", "Maths PLC")
  run_json("open", "--group", "Science PLC")
  run_json("close", "2")
  expect(#run_json("list", "--group", "Science PLC")):to_equal(1)
  expect(run_json("list", "--open")[1].group):to_equal("Maths PLC")
end)

test("a group smaller than min_group may reflect, with a warning that its results will never show", function()
  local v, r = run_json("open", "--group", "Maths PLC")
  expect(v.members):to_equal(4)
  expect(r.err):to_contain("Maths PLC has 4 members, fewer than min_group (5): this round's results will never show")
  expect(select(2, run_json("open", "--group", "Wellbeing Committee")).err).never:to_contain("fewer than min_group")
end)

test("the page before any round: the counts, how to start, and the answer forms; no figure", function()
  local page = plugin.routes.page { query = {}, params = {} }
  expect(page.blocks[1].view):to_equal("stats")
  expect(page.blocks[1].items[1]):to_equal { label = "Round", value = "none yet",
    note = "a coordinator opens one with `baton reflect open`" }
  expect(page.blocks[#page.blocks]):to_equal { view = "commands", commands = { "answer", "mine" } }
  expect(#page.blocks):to_equal(2)
end)
