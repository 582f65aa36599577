-- The kudos board, a small example plugin. Leadership at all levels
-- includes noticing what colleagues do: anyone thanks anyone (an aide
-- thanks a principal, a teacher thanks a student leader), and once a week
-- the digest reads the thanks out, with how far they reached across roles.
-- The school's practice grown from it is plugins/recognition (`baton
-- thanks`): hiding, the spread by role, the coordinator's nudges.
local M = {}

-- The plugin's own table: its name starts with the plugin's name.
local function ready()
  assert(baton.store.migrate {
    [[CREATE TABLE kudos_posts (
        id INTEGER PRIMARY KEY,
        date TEXT NOT NULL,
        from_id TEXT NOT NULL,
        to_id TEXT NOT NULL,
        message TEXT NOT NULL)]],
    "CREATE INDEX kudos_posts_date ON kudos_posts(date)",
  })
end

local function person(id, what)
  local p = baton.people.get(id)
  if not p then
    error(string.format("%s '%s' is not in the staff list; see `baton people list`", what, id), 0)
  end
  return p
end

--- Records a thank-you; returns what was recorded.
local function thank(from_id, to_id, message, date)
  ready()
  local from, to = person(from_id, "FROM"), person(to_id, "TO")
  if from.id == to.id then error("thank someone else: FROM and TO are the same person", 0) end
  message = tostring(message or ""):match("^%s*(.-)%s*$")
  if message == "" then error("say what the thanks are for", 0) end
  date = date or baton.today()
  baton.store.transaction(function()
    assert(baton.store.exec("INSERT INTO kudos_posts (date, from_id, to_id, message) VALUES (?, ?, ?, ?)",
      date, from.id, to.id, message))
    assert(baton.events.log { kind = "kudos.thanks", subject = to.id, actor = from.id,
      data = { date = date, message = message } })
  end)
  return { date = date, from = from.id, to = to.id, message = message }, from, to
end

--- Post a thank-you.
---@param args { from: string, to: string, message: string, date?: string }
function M.post(args)
  local posted, from, to = thank(args.from, args.to, args.message, args.date)
  baton.output(posted, function(v)
    baton.print(string.format("%s thanked %s on %s: %s", from.name, to.name, v.date, v.message))
  end)
end

-- Monday and Sunday of the week holding `day`.
local function week(day)
  local monday = baton.date.add(day, 1 - baton.date.weekday(day))
  return monday, baton.date.add(monday, 6)
end

--- The week's thanks, oldest first, and the roles they reached.
local function digest(day)
  ready()
  local monday, sunday = week(day or baton.today())
  local rows = assert(baton.store.query(
    "SELECT date, from_id, to_id, message FROM kudos_posts WHERE date BETWEEN ? AND ? ORDER BY date, id",
    monday, sunday))
  local roles, list = {}, {}
  for _, r in ipairs(rows) do
    local to = baton.people.get(r.to_id)
    local from = baton.people.get(r.from_id)
    local role = to and to.role or "unknown"
    roles[role] = (roles[role] or 0) + 1
    list[#list + 1] = { date = r.date, from = from and from.name or r.from_id, to = to and to.name or r.to_id,
      role = role, message = r.message }
  end
  return { from = monday, to = sunday, thanks = list, roles = baton.json.object(roles) }
end

---@param args { week_of?: string }
function M.digest(args)
  baton.output(digest(args.week_of), function(v)
    baton.print(string.format("Thanks in the week of %s to %s: %d", v.from, v.to, #v.thanks))
    for _, t in ipairs(v.thanks) do
      baton.print(string.format("  %s  %s -> %s (%s): %s", t.date, t.from, t.to, t.role, t.message))
    end
    local names = {}
    for role, n in pairs(v.roles) do names[#names + 1] = role .. " " .. n end
    table.sort(names)
    if #names > 0 then baton.print("Thanked, by role: " .. table.concat(names, ", ")) end
  end)
end

-- The board in `baton serve`: read the week's thanks, or post one (a write:
-- someone signed in, or a script with a token). A person thanks as
-- themselves: the route takes FROM from who is asking (req.user), as the
-- `post` command's form does (access "self"); only a coordinator, or the
-- token baton serve prints (no person), may post for someone else.
local function week_of(req)
  local day = req.query.week_of
  if day and not baton.date.valid(day) then
    return nil, { error = { status = 400, message = "week_of must be a date, YYYY-MM-DD" } }
  end
  return day
end

baton.http.route("GET", "/api/kudos/thanks", function(req)
  local day, bad = week_of(req)
  if bad then return bad, 400 end
  return digest(day)
end)

-- The page in the navigation: the week's thanks as a whole HTML page.
-- Every name and message is put in with {{...}}, which escapes it, so a
-- message with markup in it shows as text and never runs.
local PAGE = [[<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Kudos board</title>
<link rel="stylesheet" href="/style.css"></head>
<body><main><h1>Kudos board</h1>
<p>The week of {{from}} to {{to}}: {{count}}.</p>
{{{list}}}
<p>Thank a colleague: the form <em>kudos post</em> in the dashboard, or <code>baton kudos post FROM TO TEXT</code>.</p>
</main></body></html>
]]

local function board(req)
  local day, bad = week_of(req)
  if bad then return baton.http.response { status = 400, body = bad.error.message } end
  local v = digest(day)
  local items = {}
  for _, t in ipairs(v.thanks) do
    items[#items + 1] = baton.html.render("<li><strong>{{to}}</strong> ({{role}}), thanked by {{from}} on "
      .. "{{date}}: {{message}}</li>", t)
  end
  local list = #items > 0 and ("<ul>" .. table.concat(items, "\n") .. "</ul>") or "<p>No thanks yet this week.</p>"
  return baton.http.response {
    headers = { ["content-type"] = "text/html; charset=utf-8" },
    body = baton.html.render(PAGE, { from = v.from, to = v.to, list = list,
      count = #v.thanks == 1 and "1 thank-you" or (#v.thanks .. " thanks") }),
  }
end
-- (kept in M.routes too, so that the tests call what baton serve calls)
M.routes = { ["/api/kudos/board"] = board }
baton.http.route("GET", "/api/kudos/board", board)

local function post_thanks(req)
  local body = req.json or {}
  local from, user = body.from, req.user
  if user and user.person and user.role ~= "coordinator" then
    if from ~= nil and from ~= user.person then
      return { error = { status = 403, message = ("you thank as yourself: from is who is signed in (%s), "
        .. "not %s; leave from out"):format(user.person, tostring(from)) } }, 403
    end
    from = user.person
  end
  local ok, posted = pcall(thank, from, body.to, body.message)
  if not ok then return { error = { status = 400, message = posted } }, 400 end
  return posted, 201
end
M.routes["POST /api/kudos/thanks"] = post_thanks
baton.http.route("POST", "/api/kudos/thanks", post_thanks)

function M.health()
  return true
end

return M
