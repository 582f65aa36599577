-- The leadership reflection checklist.
--
-- A team looks at how leadership is shared among its members: everyone in
-- the group rates the same statements ("staff in every role have a real
-- say in decisions", "roles rotate in our team", ...) from 1 (not yet) to
-- 4 (embedded), in a round the coordinator opens for the term (`reflect
-- open`). Each person answers their own (`reflect answer`, from the
-- browser too); the coordinator reminds those who have not (`reflect
-- missing`) and closes the round. The team then reads its results per
-- statement and per role, the change since its last round and the trend
-- across terms (`reflect results`, `reflect trends`, the page), where no
-- figure ever rests on fewer than min_group answers (privacy.lua).
local checklist = require("checklist")
local privacy = require("privacy")
local report = require("report")
local store = require("store")

local M = {}

local function fail(fmt, ...) error(fmt:format(...), 0) end

local function write_csv(path, rows, header)
  local ok, err = baton.fs.write(path, baton.csv.encode(rows, { header = header }))
  if not ok then fail("cannot write %s: %s", path, err) end
end

local function the_round(id)
  local r = store.round(id)
  if not r then fail("there is no round %d; `baton reflect list` shows the rounds", id) end
  return r
end

--- What may be shown of round `r`: privacy.visible on everything the round
--- holds. Every output of a round's figures starts here.
local function visible(r)
  return privacy.visible({ round = r, items = store.round_items(r.id), members = store.members(r.id),
    scores = store.scores(r.id) }, baton.settings.get("min_group"))
end

-- The round's figures and their change since the group's last closed round.
local function results_of(r)
  local v = visible(r)
  local earlier = store.earlier(r)
  local before = earlier[#earlier] and visible(earlier[#earlier]) or nil
  return v, privacy.change(v, before)
end

-- reflect items -------------------------------------------------------------------

local function check_text(text, where)
  text = (text or ""):match("^%s*(.-)%s*$")
  if text == "" then fail("%s: the statement is empty; write it as a sentence a team can rate from 1 to 4", where) end
  if utf8.len(text) == nil then fail("%s: the statement is not UTF-8 text", where) end
  if utf8.len(text) > 300 then fail("%s: the statement has %d characters; keep it under 300", where, utf8.len(text)) end
  local same = store.item_by_text(text)
  if same then
    fail("%s: statement %d already says that%s", where, same.id, same.retired and " (retired)" or "")
  end
  return text
end

local function import_items(path)
  local text, err = baton.fs.read(path)
  if not text then fail("cannot read %s: %s", path, err) end
  local rows, lines = baton.csv.decode(text, path)
  if not rows then fail("%s", lines) end
  local header = rows[1] or {}
  local col = {}
  for k, name in ipairs(header) do col[name:lower():match("^%s*(.-)%s*$")] = k end
  if not col.text then
    fail("%s:1: the header must name a column 'text' (and may name 'source'); found '%s'", path,
      table.concat(header, ","))
  end
  local added, seen = {}, {}
  baton.store.transaction(function()
    for i = 2, #rows do
      local where = ("%s:%d"):format(path, lines[i])
      local t = check_text(rows[i][col.text], where)
      if seen[t:lower()] then fail("%s: the same statement as line %d", where, seen[t:lower()]) end
      seen[t:lower()] = lines[i]
      local source = col.source and rows[i][col.source] or nil
      added[#added + 1] = { id = store.add_item(t, source ~= "" and source or nil), text = t }
    end
  end)
  return added
end

function M.items(args)
  store.ready()
  local action = args.action
  if action ~= "list" and action ~= "import" and not args.what then
    baton.usage_error(("%s needs %s: baton reflect items %s %s"):format(action,
      action == "add" and "the statement" or "its number", action, action == "add" and "\"TEXT\"" or "N"))
  end
  if action == "import" and not args.file then baton.usage_error("import needs --file FILE (a CSV with the header text[,source])") end
  if action == "add" then
    local text = check_text(args.what, "reflect items add")
    local id = store.add_item(text, args.source)
    baton.output({ added = id, text = text }, function(v)
      baton.print(("Statement %d added: %s\nRounds opened from now on ask it."):format(v.added, v.text))
    end)
  elseif action == "retire" then
    local id = math.tointeger(tonumber(args.what))
    local it = id and store.item(id)
    if not it then fail("there is no statement '%s'; `baton reflect items list --all` shows their numbers", args.what) end
    if it.retired then fail("statement %d was retired on %s already", id, it.retired) end
    store.retire_item(id)
    baton.output({ retired = id, text = it.text }, function(v)
      baton.print(("Statement %d retired: new rounds no longer ask it; past rounds keep their answers to it."):format(v.retired))
    end)
  elseif action == "import" then
    local added = import_items(args.file)
    baton.output({ added = added }, function(v)
      baton.print(("%d statement%s added from %s."):format(#v.added, #v.added == 1 and "" or "s", args.file))
    end)
  else
    local rows = {}
    for _, it in ipairs(store.items(args.all)) do
      rows[#rows + 1] = { ["#"] = it.id, statement = it.text, source = it.source or "",
        retired = it.retired or "" }
    end
    baton.output(rows, function(v)
      baton.print("Scale: " .. checklist.describe())
      baton.ui.table(v, args.all and { "#", "statement", "retired" } or { "#", "statement" })
    end)
  end
end

-- reflect open / close / list ---------------------------------------------------------

local function term_of(args)
  local terms = baton.terms.list() or {}
  if args.term then
    if #terms == 0 then return args.term end
    local names = {}
    for _, t in ipairs(terms) do
      if t.name == args.term then return t.name end
      names[#names + 1] = t.name
    end
    fail("--term: no term '%s' in the school calendar; its terms are %s", args.term, table.concat(names, ", "))
  end
  local t = baton.terms.current()
  if not t then
    fail("no term holds %s: give the round's term with --term, or import the school calendar with "
      .. "`baton terms import FILE`", baton.today())
  end
  return t.name
end

function M.open(args)
  store.ready()
  local term = term_of(args)
  if args.closes and args.closes < baton.today() then
    fail("--closes %s is in the past (today is %s); give the last day answers are taken", args.closes, baton.today())
  end
  local people, err = baton.groups.members(args.group)
  if not people or #people == 0 then
    fail("group '%s' has no members%s; see `baton groups list`", args.group, err and (": " .. err) or "")
  end
  local members = {}
  for _, p in ipairs(people) do
    if p.active then members[#members + 1] = { id = p.id, role = p.role ~= "" and p.role or "(no role)" } end
  end
  local items = store.items(false)
  if #items == 0 then fail("every statement is retired; add one with `baton reflect items add TEXT`") end
  local min = baton.settings.get("min_group")
  if #members < min then
    baton.log.warn(("%s has %d members, fewer than min_group (%d): this round's results will never show; "
      .. "reflect with a larger group, or lower the setting (`baton config reflection min_group N`)")
      :format(args.group, #members, min))
  end
  local id = store.open({ group = args.group, term = term, anonymous = args.anonymous, closes = args.closes },
    items, members, function()
      local already = store.open_round(args.group, term)
      if already then
        fail("%s already has round %d open for %s; close it first (`baton reflect close %d`)", args.group,
          already.id, term, already.id)
      end
    end)
  baton.events.log { kind = "reflect.open", subject = tostring(id),
    data = { round = id, group = args.group, term = term, anonymous = args.anonymous, closes = args.closes,
      members = #members, items = #items } }
  baton.output({ round = id, group = args.group, term = term, anonymous = args.anonymous, closes = args.closes,
    members = #members, items = #items }, function(v)
    baton.print(("Round %d opened for %s (%s): %d people asked %d statements, %s%s."):format(v.round, v.group,
      v.term, v.members, v.items, v.anonymous and "anonymously" or "with names",
      v.closes and (", until " .. v.closes) or ""))
    baton.print(("Each answers with `baton reflect answer %d PERSON --item 1=3 --item 2=4 ...`, or on the "
      .. "Reflection page."):format(v.round))
  end)
end

function M.close(args)
  store.ready()
  local r = the_round(args.round)
  if not r.open then fail("round %d closed on %s already", r.id, r.closed_on) end
  store.close(r.id)
  r = store.round(r.id)
  local v = visible(r)
  baton.events.log { kind = "reflect.close", subject = tostring(r.id),
    data = { round = r.id, group = r.group, term = r.term, answers = v.answers, members = v.members } }
  baton.output({ round = r.id, answers = v.answers, members = v.members, shown = v.shown }, function(o)
    baton.print(("Round %d closed: %d of %d answered."):format(o.round, o.answers, o.members))
    baton.print(o.shown and ("Results: `baton reflect results %d`."):format(o.round) or ("No results: " .. v.withheld .. "."))
  end)
end

function M.list(args)
  store.ready()
  local rows = {}
  for _, r in ipairs(store.rounds(args.group)) do
    if r.open or not args.open then
      local v = visible(r)
      rows[#rows + 1] = { round = r.id, group = r.group, term = r.term,
        anonymous = r.anonymous, opened = r.opened, closes = r.closes or "",
        state = r.open and "open" or ("closed " .. r.closed_on), answered = v.answers, asked = v.members }
    end
  end
  baton.output(rows, function(v)
    if #v == 0 then
      baton.print("No rounds" .. (args.group and (" for " .. args.group) or "") .. ". Open one with "
        .. "`baton reflect open --group GROUP`.")
      return
    end
    baton.ui.table(v, { "round", "group", "term", "state", "answered", "asked" })
  end)
end

-- reflect answer / mine ---------------------------------------------------------------

-- "N=VALUE" pairs of a flag into {[N] = VALUE}; a malformed one is a usage error.
local function pairs_of(list, flag, what)
  local out = {}
  for _, s in ipairs(list) do
    local n, value = s:match("^%s*(%d+)%s*=(.*)$")
    if not n then
      baton.usage_error(("%s '%s': write the statement's number, '=' and %s, e.g. %s 3=%s"):format(flag, s, what,
        flag, flag == "--item" and "4" or "we rotate chairs now"))
    end
    n = math.tointeger(tonumber(n))
    if out[n] then baton.usage_error(("%s %d is given twice"):format(flag, n)) end
    out[n] = value
  end
  return out
end

local function check_open(r)
  if not r.open then
    fail("round %d (%s, %s) closed on %s: it takes no more answers", r.id, r.group, r.term, r.closed_on)
  end
end

function M.answer(args)
  store.ready()
  local r = the_round(args.round)
  local raw_scores = pairs_of(args.item, "--item", "a score from 1 to 4")
  local comments = pairs_of(args.comment, "--comment", "the comment")
  if next(raw_scores) == nil and next(comments) == nil then
    baton.usage_error("give a score for at least one statement: --item N=SCORE (1 to 4), e.g. --item 1=3")
  end
  check_open(r)
  if not store.member(r.id, args.person) then
    fail("%s is not in round %d: the round asks the members of '%s' as they were when it opened (%s)",
      args.person, r.id, r.group, r.opened)
  end
  local asked = {}
  for _, it in ipairs(store.round_items(r.id)) do asked[it.id] = true end
  local scores = {}
  for n, value in pairs(raw_scores) do
    if not asked[n] then fail("--item %d=%s: round %d does not ask statement %d; see `baton reflect mine %d %s`",
      n, value, r.id, n, r.id, args.person) end
    local score = math.tointeger(tonumber(value))
    if not score or score < checklist.lowest or score > checklist.highest then
      fail("--item %d=%s: a score is a whole number from %d to %d (%s)", n, value, checklist.lowest,
        checklist.highest, checklist.describe())
    end
    scores[n] = score
  end
  local own = store.own(r.id, args.person)
  for n, text in pairs(comments) do
    if not asked[n] then fail("--comment %d: round %d does not ask statement %d", n, r.id, n) end
    if not scores[n] and not own[n] then
      fail("--comment %d: a comment goes with a score; give --item %d=SCORE too", n, n)
    end
    if utf8.len(text) == nil then fail("--comment %d: the comment is not UTF-8 text", n) end
    if utf8.len(text) > 1000 then fail("--comment %d: %d characters; keep a comment under 1000", n, utf8.len(text)) end
  end
  store.answer(r.id, args.person, scores, comments, function() check_open(store.round(r.id)) end)
  own = store.own(r.id, args.person)
  local given, total = 0, 0
  for id in pairs(asked) do
    total = total + 1
    if own[id] then given = given + 1 end
  end
  -- In an anonymous round the event says only that this person answered.
  local data = { round = r.id, answered = given, of = total }
  if not r.anonymous then
    data.scores = {}
    for n, s in pairs(scores) do data.scores[#data.scores + 1] = { item = n, score = s } end
    table.sort(data.scores, function(a, b) return a.item < b.item end)
  end
  baton.events.log { kind = "reflect.answer", subject = args.person, data = data }
  baton.output({ round = r.id, person = args.person, answered = given, of = total, complete = given == total },
    function(v)
      baton.print(("Saved: %d of %d statements of round %d answered%s"):format(v.answered, v.of, v.round,
        v.complete and "; your answer counts." or (" (it counts once all %d are)."):format(v.of)))
    end)
end

function M.mine(args)
  store.ready()
  local r = the_round(args.round)
  local own = store.own(r.id, args.person)
  if not store.member(r.id, args.person) then
    fail("%s is not in round %d (the members of '%s' when it opened)", args.person, r.id, r.group)
  end
  local rows = {}
  for _, it in ipairs(store.round_items(r.id)) do
    local o = own[it.id]
    rows[#rows + 1] = { item = it.id, statement = it.text, score = o and o.score or nil,
      comment = o and o.comment or nil }
  end
  local v = visible(r)
  baton.output({ round = r.id, person = args.person, open = r.open, answers = rows,
    results = v.shown and v.items or nil, withheld = v.withheld }, function(o)
    baton.print(report.round_line(v))
    local t = {}
    for _, a in ipairs(o.answers) do
      t[#t + 1] = { ["#"] = a.item, statement = a.statement, ["you"] = a.score or "-", comment = a.comment or "" }
    end
    baton.ui.table(t, { "#", "statement", "you", "comment" })
    if o.withheld then baton.print("Results: " .. o.withheld .. ".") end
  end)
end

-- reflect missing / answers (the coordinator's) ---------------------------------------

function M.missing(args)
  store.ready()
  local r = the_round(args.round)
  local given, total = {}, #store.round_items(r.id)
  for _, s in ipairs(store.scores(r.id)) do given[s.person_id] = (given[s.person_id] or 0) + 1 end
  local rows = {}
  for _, m in ipairs(store.members(r.id)) do
    local n = given[m.id] or 0
    if n < total then
      rows[#rows + 1] = { id = m.id, name = m.name or "", role = m.role, answered = ("%d of %d"):format(n, total) }
    end
  end
  baton.output({ round = r.id, open = r.open, missing = rows }, function(v)
    if #v.missing == 0 then
      baton.print(("Everyone in round %d has answered."):format(v.round))
      return
    end
    baton.print(("Round %d: %d %s not answered every statement%s:"):format(v.round, #v.missing,
      #v.missing == 1 and "has" or "have", v.open and "" or " (the round is closed)"))
    baton.ui.table(v.missing, { "id", "name", "role", "answered" })
  end)
end

function M.answers(args)
  store.ready()
  local r = the_round(args.round)
  if r.anonymous then
    fail("round %d is anonymous: its answers are shown to nobody but their authors (each sees theirs with "
      .. "`baton reflect mine %d PERSON`); `baton reflect results %d` shows the figures", r.id, r.id, r.id)
  end
  local rows = {}
  for _, s in ipairs(store.scores(r.id)) do
    rows[#rows + 1] = { person = s.person_id, role = s.role, item = s.item, score = s.score, comment = s.comment or "" }
  end
  baton.output({ round = r.id, answers = rows }, function(v)
    baton.print(("Round %d (named): every score given"):format(v.round))
    baton.ui.table(v.answers, { "person", "role", "item", "score", "comment" })
  end)
end

-- reflect results / trends ---------------------------------------------------------------

function M.results(args)
  store.ready()
  local v, change = results_of(the_round(args.round))
  if args.csv then write_csv(args.csv, report.results_csv(v, change), report.results_header) end
  v.change = change
  baton.output(v, function(o)
    report.results_text(o, change)
    if args.csv then baton.print(("Written to %s%s."):format(args.csv, o.shown and "" or " (the header only)")) end
  end)
end

--- A group's closed rounds, each as far as privacy.visible shows it.
local function trends(group)
  local t = { group = group, rounds = {}, withheld = {}, items = {} }
  local seen = {}
  for _, r in ipairs(store.rounds(group)) do
    if not r.open then
      local v = visible(r)
      if v.shown then
        for _, it in ipairs(v.items) do
          if not seen[it.item] then
            seen[it.item] = true
            t.items[#t.items + 1] = { item = it.item, text = it.text }
          end
        end
        t.rounds[#t.rounds + 1] = { round = v.round, term = v.term, answers = v.answers, items = v.items }
      else
        t.withheld[#t.withheld + 1] = { round = v.round, term = v.term, why = v.withheld }
      end
    end
  end
  table.sort(t.items, function(a, b) return a.item < b.item end)
  return t
end

function M.trends(args)
  store.ready()
  local t = trends(args.group)
  if args.csv then write_csv(args.csv, report.trends_csv(t), report.trends_header) end
  baton.output(t, function(o)
    report.trends_text(o)
    if args.csv then baton.print("Written to " .. args.csv .. ".") end
  end)
end

-- the page and the routes ------------------------------------------------------------------

-- The round the page shows: ?round=N, else the last one closed (the one a
-- team talks about), else the last one opened.
local function page(req)
  store.ready()
  local rounds, open, chosen = store.rounds(), 0, nil
  for _, r in ipairs(rounds) do
    if r.open then open = open + 1 end
  end
  local wanted = req.query.round and math.tointeger(tonumber(req.query.round))
  if req.query.round then
    chosen = wanted and store.round(wanted)
    if not chosen then return { error = { status = 404, message = ("there is no round '%s'"):format(req.query.round) } }, 404 end
  else
    for _, r in ipairs(rounds) do
      if not r.open then chosen = r end
    end
    chosen = chosen or rounds[#rounds]
  end
  local v, change
  if chosen then v, change = results_of(chosen) end
  return report.page(v, change, open, baton.settings.get("min_group"))
end

local function results_route(req)
  store.ready()
  local id = math.tointeger(tonumber(req.params.round))
  local r = id and store.round(id)
  if not r then return { error = { status = 404, message = ("there is no round '%s'"):format(req.params.round) } }, 404 end
  local v, change = results_of(r)
  v.change = change
  return v
end

local function trends_route(req)
  store.ready()
  local group = req.query.group
  if not group or group == "" then
    return { error = { status = 400, message = "say which group: /api/reflection/trends?group=NAME" } }, 400
  end
  return trends(group)
end

-- Answers change with every answer and with the date (a round closes at
-- its --closes day), so none is kept.
baton.http.route("GET", "/api/reflection/page", page, { cache = false })
baton.http.route("GET", "/api/reflection/results/:round", results_route, { cache = false })
baton.http.route("GET", "/api/reflection/trends", trends_route, { cache = false })

-- The handlers, for the plugin's tests to call without a server.
M.routes = { page = page, results = results_route, trends = trends_route }

return M
