-- Recognition: thanks and celebration across all roles.
--
-- Leadership at every level includes noticing what colleagues do. Anyone
-- signed in thanks anyone (`thanks post`, a form for everyone: an aide
-- thanks the principal, a teacher a student leader), in a sentence,
-- linked if they like to the practice it belongs to (link.lua). The board
-- shows the thanks on the staff room screen; the spread shows how far
-- they reached this term, role by role (spread.lua). The coordinator may
-- hide a message (it leaves the board and every public list and stays in
-- the history) and alone sees who has not been thanked for a long time:
-- a nudge, never published. The grown-up form of examples/kudos.
local link = require("link")
local page = require("page")
local spread = require("spread")
local store = require("store")

local M = {}

local function fail(fmt, ...) error(fmt:format(...), 0) end

local MESSAGE_MAX = 280

local function person(id, what)
  local p = id and baton.people.get(id)
  if not p then fail("%s '%s' is not in the staff list; see `baton people list`", what, tostring(id)) end
  return p
end

local function check_message(message)
  message = tostring(message or ""):match("^%s*(.-)%s*$")
  if message == "" then fail("say what the thanks are for: the message is empty") end
  local n = utf8.len(message)
  if not n then fail("the message is not UTF-8 text") end
  if n > MESSAGE_MAX then
    fail("the message has %d characters; keep it to %d (a sentence or two)", n, MESSAGE_MAX)
  end
  if message:find("[%c]") then fail("keep the message on one line (it has a line break or a control character)") end
  return message
end

--- Records a thank-you; returns what was recorded. Every way in (the
--- command, the POST route, another plugin) comes here.
local function thank(t)
  store.ready()
  local from, to = person(t.from, "FROM"), person(t.to, "TO")
  if from.id == to.id then fail("thank someone else: FROM and TO are the same person (%s)", from.id) end
  local message = check_message(t.message)
  local linked = link.check(t.link)
  local date = t.date or baton.today()
  if date > baton.today() then fail("--date %s is in the future (today is %s)", date, baton.today()) end
  local id
  baton.store.transaction(function()
    id = store.add { date = date, from = from.id, to = to.id, message = message, link = linked }
    -- The log is append-only and open to readers, so it records that
    -- someone thanked someone, never the words: a message hidden later
    -- leaves no text behind in it.
    assert(baton.events.log { kind = "recognition.thanks", subject = to.id, actor = from.id,
      data = { thanks = id, date = date, link = linked } })
  end)
  return { id = id, date = date, from = from.id, to = to.id, message = message, link = linked }, from, to
end

-- thanks post ----------------------------------------------------------------------

function M.post(args)
  local posted, from, to = thank { from = args.from, to = args.to, message = args.message, link = args.link,
    date = args.date }
  local label = page.named({ { id = posted.id, date = posted.date, from_id = posted.from, to_id = posted.to,
    message = posted.message, link = posted.link } })[1].link_label
  baton.output(posted, function(v)
    baton.print(("%s thanked %s on %s: %s%s (number %d)"):format(from.name, to.name, v.date, v.message,
      label and (" [" .. label .. "]") or "", v.id))
  end)
end

-- thanks list / spread / export ------------------------------------------------------

local function period_of(args)
  return spread.period { term = args.term, from = args.from, to = args.to }
end

local function public(p, limit)
  store.ready()
  return page.named(store.public(p.from, p.to, limit))
end

function M.list(args)
  local p = period_of(args)
  local rows = public(p)
  baton.output({ period = p, thanks = rows }, function(v)
    baton.print(("Thanks in %s: %d"):format(v.period.name, #v.thanks))
    for _, t in ipairs(v.thanks) do
      baton.print(("  %s  %s -> %s (%s): %s%s"):format(t.date, t.from_name, t.to_name, t.to_role, t.message,
        t.link_label and (" [" .. t.link_label .. "]") or ""))
    end
  end)
end

local function print_spread(s)
  baton.print(("Thanks in %s: %d, to %d colleague%s from %d; %d of %d roles reached."):format(s.period.name,
    s.thanks, s.thanked, s.thanked == 1 and "" or "s", s.thanking, s.roles_reached, #s.roles))
  local rows = {}
  for _, r in ipairs(s.roles) do
    local names = {}
    for k, p in ipairs(r.names) do names[k] = p.name end
    rows[#rows + 1] = { role = r.role, thanked = ("%d of %d"):format(r.thanked, r.people), received = r.received,
      given = r.given, who = table.concat(names, ", ") }
  end
  baton.ui.table(rows, { "role", "thanked", "received", "given", "who" })
end

function M.spread(args)
  store.ready()
  baton.output(spread.spread(period_of(args)), print_spread)
end

local function write(path, text)
  local ok, err = baton.fs.write(path, text)
  if not ok then fail("cannot write %s: %s", path, err) end
end

function M.export(args)
  if not args.thanks and not args.spread then
    baton.usage_error("say what to write: --thanks FILE, --spread FILE, or both")
  end
  local p = period_of(args)
  local out = { period = p }
  if args.thanks then
    local rows = public(p)
    write(args.thanks, page.thanks_csv(rows))
    out.thanks = { file = args.thanks, rows = #rows }
  end
  if args.spread then
    store.ready()
    local s = spread.spread(p)
    write(args.spread, page.spread_csv(s))
    out.spread = { file = args.spread, rows = #s.roles }
  end
  baton.output(out, function(v)
    if v.thanks then baton.print(("%s: %d thanks of %s (hidden ones left out)"):format(v.thanks.file, v.thanks.rows, v.period.name)) end
    if v.spread then baton.print(("%s: %d roles, %s"):format(v.spread.file, v.spread.rows, v.period.name)) end
  end)
end

-- thanks nudges / hide / unhide / history (the coordinator's) ----------------------------

function M.nudges(args)
  store.ready()
  local n = spread.nudges(args.weeks or baton.settings.get("quiet_weeks"))
  baton.output(n, function(v)
    if #v.quiet == 0 then
      baton.print(("Everyone has been thanked in the last %d weeks."):format(v.weeks))
      return
    end
    baton.print(("Not thanked for %d weeks or more (since %s), for you alone:"):format(v.weeks, v.since))
    local rows = {}
    for _, q in ipairs(v.quiet) do
      rows[#rows + 1] = { id = q.id, name = q.name, role = q.role, last = q.last or "never",
        weeks = q.weeks or "" }
    end
    baton.ui.table(rows, { "id", "name", "role", "last", "weeks" })
  end)
end

local function the_thanks(id)
  local t = store.get(id)
  if not t then fail("there is no thank-you %d; `baton thanks history` shows their numbers", id) end
  return t
end

function M.hide(args)
  store.ready()
  local reason = args.reason and args.reason:match("^%s*(.-)%s*$") or nil
  if reason and not utf8.len(reason) then fail("--reason is not UTF-8 text") end
  if reason and utf8.len(reason) > MESSAGE_MAX then
    fail("--reason has %d characters; keep it to %d", utf8.len(reason), MESSAGE_MAX)
  end
  local by
  baton.store.transaction(function()
    local t = the_thanks(args.id)
    if t.hidden_on then fail("thank-you %d was hidden on %s already", t.id, t.hidden_on) end
    -- who hides it is who the host says runs this (the signed-in
    -- coordinator), as the event log records it: never a value typed in
    local ev = assert(baton.events.log { kind = "recognition.hide", subject = tostring(t.id),
      data = { thanks = t.id } })
    local e = baton.events.list { kind = "recognition.hide", subject = tostring(t.id), order = "newest", limit = 1 }[1]
    by = e and e.id == ev and e.actor or nil
    store.hide(t.id, baton.today(), by, reason ~= "" and reason or nil)
  end)
  baton.output({ hidden = args.id, on = baton.today(), by = by, reason = reason }, function(v)
    baton.print(("Thank-you %d hidden: it is off the board and every public list, and stays in "
      .. "`baton thanks history`."):format(v.hidden))
  end)
end

function M.unhide(args)
  store.ready()
  baton.store.transaction(function()
    local t = the_thanks(args.id)
    if not t.hidden_on then fail("thank-you %d is not hidden", t.id) end
    assert(baton.events.log { kind = "recognition.unhide", subject = tostring(t.id), data = { thanks = t.id } })
    store.unhide(t.id)
  end)
  baton.output({ shown = args.id }, function(v)
    baton.print(("Thank-you %d is shown again."):format(v.shown))
  end)
end

function M.history(args)
  store.ready()
  local rows = page.named(store.history(args.hidden))
  baton.output(rows, function(v)
    local t = {}
    for _, r in ipairs(v) do
      t[#t + 1] = { ["#"] = r.id, date = r.date, from = r.from_name, to = r.to_name, message = r.message,
        hidden = r.hidden_on and (r.hidden_on .. " by " .. (r.hidden_by or "the command line")
          .. (r.hidden_reason and (": " .. r.hidden_reason) or "")) or "" }
    end
    baton.ui.table(t, { "#", "date", "from", "to", "message", "hidden" })
  end)
end

-- the routes ---------------------------------------------------------------------------

local function bad(status, message) return { error = { status = status, message = message } }, status end

-- The query's period: ?from=&to= (dates), ?term=NAME, or the term holding
-- today; a wrong one is the caller's mistake (400).
local function period_query(req)
  local q = req.query or {}
  for _, k in ipairs { "from", "to" } do
    if q[k] and not baton.date.valid(q[k]) then return nil, ("%s must be a date, YYYY-MM-DD"):format(k) end
  end
  local ok, p = pcall(spread.period, { from = q.from, to = q.to, term = q.term })
  if not ok then return nil, (tostring(p):gsub("^%-%-", "")) end
  return p
end

-- Only a coordinator (signed in, or the server's own token) reads what is
-- the coordinator's alone; the host already refuses the coordinator's
-- page to anyone else, and these checks hold for every route of it.
local function coordinator_only(req)
  local u = req.user
  if not u then return bad(401, "sign in as a coordinator: this is the coordinator's alone") end
  if u.role ~= "coordinator" then return bad(403, "only a coordinator sees this (you are signed in as " .. u.role .. ")") end
end

local routes = {}
M.routes = routes

routes["GET /api/recognition/board"] = function()
  store.ready()
  local s = spread.spread(spread.period())
  return page.board(page.named(store.public(nil, nil, 12)), s)
end

routes["GET /api/recognition/board.css"] = function()
  return baton.http.response { headers = { ["content-type"] = "text/css; charset=utf-8" }, body = page.CSS }
end

routes["GET /api/recognition/page"] = function()
  store.ready()
  local p = spread.period()
  return page.page(spread.spread(p), page.named(store.public(p.from, p.to, 30)))
end

routes["GET /api/recognition/coordinator"] = function(req)
  local no, status = coordinator_only(req)
  if no then return no, status end
  store.ready()
  return page.coordinator(spread.nudges(baton.settings.get("quiet_weeks")), page.named(store.history(true)),
    page.named(store.history(false, 20)))
end

routes["GET /api/recognition/nudges"] = function(req)
  local no, status = coordinator_only(req)
  if no then return no, status end
  store.ready()
  return spread.nudges(baton.settings.get("quiet_weeks"))
end

routes["GET /api/recognition/history"] = function(req)
  local no, status = coordinator_only(req)
  if no then return no, status end
  store.ready()
  return page.named(store.history(req.query.hidden == "1"))
end

routes["GET /api/recognition/thanks"] = function(req)
  local p, err = period_query(req)
  if not p then return bad(400, err) end
  return { period = p, thanks = public(p) }
end

routes["GET /api/recognition/spread"] = function(req)
  local p, err = period_query(req)
  if not p then return bad(400, err) end
  store.ready()
  return spread.spread(p)
end

local function csv(name, body)
  return baton.http.response { headers = { ["content-type"] = "text/csv; charset=utf-8",
    ["content-disposition"] = ('attachment; filename="%s"'):format(name) }, body = body }
end

routes["GET /api/recognition/thanks.csv"] = function(req)
  local p, err = period_query(req)
  if not p then return bad(400, err) end
  return csv("thanks.csv", page.thanks_csv(public(p)))
end

routes["GET /api/recognition/spread.csv"] = function(req)
  local p, err = period_query(req)
  if not p then return bad(400, err) end
  store.ready()
  return csv("spread.csv", page.spread_csv(spread.spread(p)))
end

-- The leadership contract: with ?from=&to= the counts of that period, and
-- the period said back; without, the term holding today (or the last 13
-- weeks with no calendar), said back too.
routes["GET /api/recognition/leadership"] = function(req)
  local q = req.query or {}
  if (q.from == nil) ~= (q.to == nil) then return bad(400, "give both from and to (YYYY-MM-DD), or neither") end
  local p, err = period_query(req)
  if not p then return bad(400, err) end
  store.ready()
  return spread.leadership(p)
end

-- A person thanks as themselves: FROM is who is signed in, whatever the
-- body says (a different one is refused); a coordinator, or the server's
-- token (no person), may name FROM. A viewer reads only, as for commands.
routes["POST /api/recognition/thanks"] = function(req)
  local body, u = type(req.json) == "table" and req.json or {}, req.user
  if not u then return bad(401, "sign in to thank a colleague") end
  if u.role == "viewer" then return bad(403, "a viewer reads only: ask the coordinator for a staff account to thank someone") end
  local from = body.from
  if u.person and u.role ~= "coordinator" then
    if from ~= nil and from ~= u.person then
      return bad(403, ("you thank as yourself: from is who is signed in (%s), not %s; leave from out")
        :format(u.person, tostring(from)))
    end
    from = u.person
  elseif from == nil then
    from = u.person
  end
  if from == nil then return bad(400, "say who thanks: from (a person id)") end
  for _, k in ipairs { "from", "to", "message", "link" } do
    local v = k == "from" and from or body[k]
    if v ~= nil and type(v) ~= "string" then return bad(400, k .. " must be a string") end
  end
  local ok, posted = pcall(thank, { from = from, to = body.to, message = body.message, link = body.link })
  if not ok then return bad(400, tostring(posted)) end
  return posted, 201
end

-- Registered in one place so that the tests call what baton serve calls.
for key, handler in pairs(routes) do
  local method, path = key:match("^(%u+) (.+)$")
  -- the board and the pages follow the date (the term, the weeks of
  -- quiet), so they are never kept past a change of day: none is kept
  baton.http.route(method, path, handler, method == "GET" and { cache = false } or nil)
end

function M.health()
  return true
end

return M
