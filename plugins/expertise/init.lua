-- The expertise map: turning pockets of excellence into systems of
-- excellence.
--
-- People say what they are good at (`expertise declare`) and what they
-- want to grow in (`expertise want`); colleagues who have seen them do it
-- endorse them (`expertise endorse`); and the other practices add
-- evidence as they go, by logging events whose data carries `expertise`
-- (read from the event log: evidence.lua). Then the school can ask who
-- can help with something (`expertise helpers`), which strengths rest on one person only
-- (`expertise pockets`), and which of the things its initiatives need
-- nobody holds yet (`expertise gaps`). Mentoring reads the map to pair a
-- mentee with a mentor who can help with what they want to grow in;
-- coaching reads it to suggest coaches.
local evidence = require("evidence")
local page = require("page")
local rank = require("rank")
local store = require("store")
local vocab = require("vocab")

local M = {}

local function fail(fmt, ...) error(fmt:format(...), 0) end

local function who(id, name) return name and (id .. " " .. name) or id end

local function person(id)
  local p = baton.people.get(id)
  return p
end

-- The typed tags resolved against the vocabulary, or the first refusal
-- raised. Returns the tags to keep and a note per tag that was changed
-- or kept free.
local function resolve_all(typed, free, where)
  local v = store.vocabulary()
  local out, notes, seen = {}, {}, {}
  for _, t in ipairs(typed) do
    local tag, how = vocab.resolve(v, t, free)
    if not tag then fail("%s: %s", where, how) end
    if not seen[tag] then
      seen[tag] = true
      out[#out + 1] = tag
      if how == "synonym" then
        notes[#notes + 1] = ("'%s' is recorded as '%s' (the school's word for it)"):format(vocab.normal(t), tag)
      elseif how == "free" then
        notes[#notes + 1] = ("'%s' is not in the school's vocabulary: kept as a free tag (the coordinator can add "
          .. "it with `baton expertise vocab add`)"):format(tag)
      end
    end
  end
  return out, notes
end

local function need_tags(args, verb)
  if #args.tag == 0 then
    baton.usage_error(("name at least one tag: baton expertise %s PERSON 'formative assessment' questioning")
      :format(verb))
  end
end

-- expertise declare / want ---------------------------------------------------

local function claim(args, kind, verb)
  store.ready()
  need_tags(args, verb)
  local tags, notes = resolve_all(args.tag, args.free, "expertise " .. verb)
  if args.remove then
    local held = {}
    for _, c in ipairs(store.claims(kind, args.person)) do held[c.tag] = true end
    for _, t in ipairs(tags) do
      if not held[t] then
        fail("%s has no %s '%s' to remove; `baton expertise mine %s` shows theirs", args.person,
          kind == "want" and "growth area" or "strength", t, args.person)
      end
    end
  end
  local changed = store.claim(args.person, tags, kind, args.remove)
  if #changed > 0 then
    -- What people want to grow in is theirs and the coordinator's: its
    -- event says only how many changed.
    baton.events.log { kind = "expertise." .. verb, subject = args.person,
      data = kind == "strength" and { tags = changed, removed = args.remove or nil }
        or { count = #changed, removed = args.remove or nil } }
  end
  local now = {}
  for _, c in ipairs(store.claims(kind, args.person)) do now[#now + 1] = c.tag end
  baton.output({ person = args.person, changed = changed, removed = args.remove, tags = now, notes = notes },
    function(o)
      for _, n in ipairs(o.notes) do baton.print("Note: " .. n .. ".") end
      local what = kind == "want" and "wants to grow in" or "declares"
      if #o.changed == 0 then
        baton.print(("Nothing changed: %s already %s that."):format(o.person, o.removed and "does not hold" or what))
      else
        baton.print(("%s %s: %s."):format(o.person, o.removed and "no longer " .. what or what,
          table.concat(o.changed, ", ")))
      end
      baton.print(("Now: %s."):format(#o.tags > 0 and table.concat(o.tags, ", ") or "none"))
    end)
end

function M.declare(args) claim(args, "strength", "declare") end
function M.want(args) claim(args, "want", "want") end

-- expertise endorse -----------------------------------------------------------

function M.endorse(args)
  store.ready()
  if not args.by then
    baton.usage_error("say who endorses with --by PERSON (from the browser it is you)")
  end
  if args.by == args.person then
    fail("%s cannot endorse their own strength: endorsements come from colleagues who have seen it; declare "
      .. "it yourself with `baton expertise declare %s '%s'`", args.by, args.person, args.tag)
  end
  local tags = resolve_all({ args.tag }, args.free, "expertise endorse")
  local tag = tags[1]
  if args.remove then
    if not store.unendorse(args.person, tag, args.by) then
      fail("%s has not endorsed %s for '%s'; nothing to withdraw", args.by, args.person, tag)
    end
    baton.events.log { kind = "expertise.unendorse", subject = args.person, data = { tag = tag, by = args.by } }
  else
    local new, since = store.endorse(args.person, tag, args.by)
    if not new then
      fail("%s already endorsed %s for '%s' on %s", args.by, args.person, tag, since)
    end
    baton.events.log { kind = "expertise.endorse", subject = args.person, data = { tag = tag, by = args.by } }
  end
  local p = person(args.person)
  baton.output({ person = args.person, tag = tag, by = args.by, removed = args.remove }, function(o)
    baton.print(("%s %s %s for %s."):format(o.by, o.removed and "no longer endorses" or "endorses",
      who(o.person, p and p.name), o.tag))
  end)
end

-- expertise mine ----------------------------------------------------------------

function M.mine(args)
  store.ready(true)
  local all = store.everything(evidence.read)
  local tags = rank.tags(all)
  local strengths = {}
  for tag, holders in pairs(tags) do
    for _, h in ipairs(holders) do
      if h.person == args.person then
        strengths[#strengths + 1] = { tag = tag, level = h.level, why = h.why, declared = h.declared,
          endorsers = h.endorsers, evidence = h.evidence }
      end
    end
  end
  table.sort(strengths, function(a, b) return a.tag < b.tag end)
  local wants = {}
  for _, c in ipairs(store.claims("want", args.person)) do
    local helpers = {}
    for _, h in ipairs(tags[c.tag] or {}) do
      if h.person ~= args.person and #helpers < 3 then helpers[#helpers + 1] = who(h.person, h.name) end
    end
    wants[#wants + 1] = { tag = c.tag, since = c.since, helpers = helpers }
  end
  local given = {}
  for _, e in ipairs(store.endorsements()) do
    if e.by_id == args.person then given[#given + 1] = { person = e.person_id, tag = e.tag, at = e.at } end
  end
  baton.output({ person = args.person, strengths = strengths, wants = wants, endorsed = given }, function(o)
    local p = person(o.person)
    baton.print(who(o.person, p and p.name) .. ":")
    if #o.strengths == 0 then baton.print("  no strengths yet: `baton expertise declare " .. o.person .. " TAG`") end
    for _, s in ipairs(o.strengths) do baton.print(("  %s: %s (%s)"):format(s.tag, s.level, s.why)) end
    for _, w in ipairs(o.wants) do
      baton.print(("  wants to grow in %s: %s"):format(w.tag,
        #w.helpers > 0 and ("can help: " .. table.concat(w.helpers, ", ")) or "nobody holds it yet"))
    end
    for _, g in ipairs(o.endorsed) do baton.print(("  you endorsed %s for %s (%s)"):format(g.person, g.tag, g.at)) end
  end)
end

-- expertise helpers --------------------------------------------------------------

local function helpers_of(args)
  store.ready(true)
  local v = store.vocabulary()
  local tag, how = vocab.resolve(v, args.tag, true)
  if not tag then fail("expertise helpers: %s", how) end
  local all = store.everything(evidence.read)
  local holders = rank.tags(all)[tag] or {}
  local spread = rank.spread(holders)
  local excluded = {}
  for _, id in ipairs(args.exclude or {}) do excluded[id] = true end
  local function plain(s) return (tostring(s or ""):lower()) end
  local list = {}
  for _, h in ipairs(holders) do
    if not excluded[h.person] and (not args.campus or plain(h.campus) == plain(args.campus))
        and (not args.role or plain(h.role) == plain(args.role)) and #list < (args.limit or 10) then
      list[#list + 1] = { person = h.person, name = h.name, role = h.role, campus = h.campus, level = h.level,
        rank = h.rank, evidence = #h.evidence, endorsements = #h.endorsers, declared = h.declared, why = h.why }
    end
  end
  local out = { tag = tag, helpers = list, holders = #holders, spread = spread }
  if #holders == 0 then
    local near = baton.suggest(tag, (function()
      local ts = {}
      for t in pairs(v.terms) do ts[#ts + 1] = t end
      table.sort(ts)
      return ts
    end)())
    out.hint = near and near ~= tag and ("did you mean '%s'?"):format(near) or nil
  end
  return out
end

function M.helpers(args)
  local out = helpers_of(args)
  baton.output(out, function(o)
    if o.holders == 0 then
      baton.print(("Nobody holds '%s' yet%s. Add it to the school's needs with `baton expertise needs add '%s'`.")
        :format(o.tag, o.hint and (" (" .. o.hint .. ")") or "", o.tag))
      return
    end
    baton.print(("Who can help with %s: %s, %s."):format(o.tag, rank.plural(o.holders, "person holds it",
      "people hold it"), rank.spread_text(o.spread)))
    local rows = {}
    for k, h in ipairs(o.helpers) do
      rows[k] = { ["#"] = k, person = who(h.person, h.name), role = h.role or "", campus = h.campus or "",
        level = h.level, why = h.why }
    end
    if #rows == 0 then
      baton.print("Nobody left after --campus, --role and --exclude.")
    else
      baton.ui.table(rows, { "#", "person", "role", "campus", "level", "why" })
    end
    baton.print("Ranked: evidenced (a practice recorded it) > endorsed (a colleague says so) > declared.")
  end)
end

-- expertise pockets / gaps ----------------------------------------------------------

function M.pockets()
  store.ready(true)
  local list = rank.pockets(store.everything(evidence.read))
  baton.output(list, function(l)
    if #l == 0 then
      baton.print("No pockets: every strength on the map is held by at least two people.")
      return
    end
    baton.print(("%d strength%s held by one person only: if they leave, the school loses it."):format(#l,
      #l == 1 and " is" or "s are"))
    local rows = {}
    for k, p in ipairs(l) do
      rows[k] = { tag = p.tag, person = who(p.person, p.name), role = p.role or "", campus = p.campus or "",
        level = p.level, ["wanted by"] = p.wanted_by }
    end
    baton.ui.table(rows, { "tag", "person", "role", "campus", "level", "wanted by" })
    baton.print("Grow a second holder: pair someone who wants it with the holder (`baton mentor match`, coaching).")
  end)
end

-- The change initiatives of the kotter practice, by id and slug, when it
-- is installed: {[id or slug] = title}; nil without it.
local function initiatives()
  local ok, kotter = pcall(baton.plugin, "kotter")
  if not ok then return nil end
  local list = kotter.list {}
  if type(list) ~= "table" then return nil end
  local by = {}
  for _, i in ipairs(list) do
    by[tostring(i.id)] = i
    if i.slug then by[i.slug] = i end
  end
  return by
end

-- The columns of a table of needs: with "school" when a need is of one
-- (a district database).
local function need_columns(rows, list, columns)
  for _, g in ipairs(list) do
    if (g.school or "") ~= "" then
      for j, r in ipairs(rows) do r.school = list[j].school or "(district)" end
      table.insert(columns, 2, "school")
      return columns
    end
  end
  return columns
end

local function gaps()
  store.ready(true)
  local needs = store.needs()
  local inits = initiatives()
  local list = rank.gaps(store.everything(evidence.read), needs)
  for _, g in ipairs(list) do
    local i = g.initiative and inits and inits[g.initiative]
    g.initiative_title = i and i.title or nil
  end
  return list, needs
end

function M.gaps()
  local list = gaps()
  baton.output(list, function(l)
    if #l == 0 then
      baton.print("No needs listed: add what the school's initiatives need with "
        .. "`baton expertise needs add TAG --initiative ID`.")
      return
    end
    local rows = {}
    for k, g in ipairs(l) do
      rows[k] = { need = g.tag, state = g.state, holders = g.holders,
        ["for"] = g.initiative_title or g.initiative or g.why or "", best = g.best or "" }
    end
    baton.ui.table(rows, need_columns(rows, l, { "need", "state", "holders", "best", "for" }))
  end)
end

-- expertise needs / vocab (the coordinator's) -------------------------------------------

-- The school a need is added to or removed from: the school the running
-- code sees (a coordinator's form), else --school, else '' (the
-- district's: every school sees it).
local function need_school(args)
  local seen = baton.people.school()
  if seen then
    if args.school and args.school ~= seen then
      fail("--school %s: you record the needs of %s only (a district account records any school's)", args.school,
        seen == "" and "your school" or seen)
    end
    return seen
  end
  if args.school and #baton.people.find { school = args.school, active = true } == 0 then
    fail("--school %s: nobody active is of that school; `baton schools list` shows the schools", args.school)
  end
  return args.school or ""
end

function M.needs(args)
  store.ready()
  if args.action ~= "list" and not args.tag then
    baton.usage_error(("%s needs a TAG: baton expertise needs %s 'formative assessment'"):format(args.action,
      args.action))
  end
  local school = args.action ~= "list" and need_school(args) or nil
  if args.action == "add" then
    local tag = resolve_all({ args.tag }, args.free, "expertise needs add")[1]
    local initiative = args.initiative
    if initiative then
      local inits = initiatives()
      if not inits then
        fail("--initiative %s: the change practice (plugin kotter) is not installed; give --why TEXT instead",
          initiative)
      end
      local i = inits[initiative]
      if not i then
        local ids, seen = {}, {}
        for _, x in pairs(inits) do
          if not seen[x.id] then
            seen[x.id] = true
            ids[#ids + 1] = tostring(x.id)
          end
        end
        table.sort(ids)
        fail("--initiative %s: no such change initiative; `baton change list` shows them (ids %s)", initiative,
          #ids > 0 and table.concat(ids, ", ") or "none yet")
      end
      initiative = tostring(i.id)
    end
    store.add_need(school, tag, args.why, initiative)
    baton.events.log { kind = "expertise.need", subject = tag,
      data = { tag = tag, initiative = initiative, school = school ~= "" and school or nil } }
  elseif args.action == "remove" then
    local tag = vocab.normal(args.tag)
    local v = store.vocabulary()
    tag = v.synonyms[tag] or tag
    if not store.remove_need(school, tag) then
      local others = store.need_schools(tag)
      for i, o in ipairs(others) do others[i] = o == "" and "the district (no --school)" or o end
      fail("'%s' is not in the needs list%s; %s", tag, school ~= "" and (" of " .. school) or " of the district",
        #others > 0 and ("it is listed for " .. table.concat(others, ", ") .. " (`baton expertise needs` shows them)")
          or "`baton expertise needs` shows it")
    end
  end
  local list = gaps()
  baton.output(list, function(l)
    if #l == 0 then baton.print("No needs listed.") return end
    local rows = {}
    for k, g in ipairs(l) do
      rows[k] = { need = g.tag, ["for"] = g.initiative_title or g.initiative or "", why = g.why or "",
        state = g.state }
    end
    baton.ui.table(rows, need_columns(rows, l, { "need", "for", "why", "state" }))
  end)
end

function M.vocab(args)
  store.ready()
  local action = args.action
  if action ~= "list" and not args.term then
    baton.usage_error(("%s needs a TERM: baton expertise vocab %s 'TERM'"):format(action, action))
  end
  local term = args.term and vocab.normal(args.term)
  if action ~= "list" and not term then baton.usage_error("the term is empty") end
  if action == "add" then
    local syn = store.synonym(term)
    if syn then fail("'%s' is already a synonym of '%s'", term, syn.term) end
    local t = store.term(term)
    if t and not t.retired then fail("'%s' is already in the vocabulary", term) end
    store.add_term(term)
  elseif action == "alias" then
    if #args.synonym == 0 then baton.usage_error("alias needs --synonym WORD: baton expertise vocab alias TERM --synonym WORD") end
    local t = store.term(term)
    if not t or t.retired then
      fail("'%s' is not a term in use; add it first with `baton expertise vocab add '%s'`", term, term)
    end
    baton.store.transaction(function()
      for _, w in ipairs(args.synonym) do
        local word = vocab.normal(w)
        if not word then fail("--synonym: a synonym is empty") end
        local s = store.synonym(word)
        if s then fail("--synonym '%s' already stands for '%s'", word, s.term) end
        if store.term(word) then fail("--synonym '%s' is a term of its own", word) end
        store.add_synonym(word, term)
      end
    end)
  elseif action == "retire" then
    local t = store.term(term)
    if not t or t.retired then fail("'%s' is not a term in use; `baton expertise vocab` lists them", term) end
    store.retire_term(term)
  end
  local rows = {}
  for _, t in ipairs(store.terms(args.all)) do
    rows[#rows + 1] = { term = t.term, synonyms = table.concat(t.synonyms, ", "), origin = t.origin,
      retired = t.retired or "" }
  end
  baton.output(rows, function(r)
    baton.ui.table(r, args.all and { "term", "synonyms", "origin", "retired" } or { "term", "synonyms", "origin" })
  end)
end

-- expertise map (for the other practices) --------------------------------------------------

function M.map()
  store.ready(true)
  local all = store.everything(evidence.read)
  local out = { strengths = {}, wants = {} }
  local tags = rank.tags(all)
  local names = {}
  for tag in pairs(tags) do names[#names + 1] = tag end
  table.sort(names)
  for _, tag in ipairs(names) do
    for _, h in ipairs(tags[tag]) do
      out.strengths[#out.strengths + 1] = { person = h.person, tag = tag, level = h.level, rank = h.rank }
    end
  end
  for _, c in ipairs(all.wants) do
    if all.people[c.person_id] then out.wants[#out.wants + 1] = { person = c.person_id, tag = c.tag } end
  end
  baton.output(out, function(o)
    baton.print(("%d strengths held, %d growth areas wanted."):format(#o.strengths, #o.wants))
    baton.ui.table(o.strengths, { "tag", "person", "level" })
  end)
end

-- expertise evidence (what the practices recorded) ----------------------------------------

function M.evidence(args)
  store.ready(true)
  local all = store.everything(evidence.read)
  local rows = {}
  for _, e in ipairs(all.evidence) do
    if not args.person or e.person_id == args.person then
      rows[#rows + 1] = { person = e.person_id, tag = e.tag, what = e.what, plugin = e.plugin, event = e.event_id,
        at = e.at }
    end
  end
  local skipped = args.person and {} or all.skipped
  baton.output({ evidence = rows, skipped = skipped }, function(o)
    if #o.evidence == 0 then
      baton.print(("No evidence yet: the practices add it as they go (events of the kinds %s whose data carries "
        .. "'expertise')."):format(store.EVIDENCE_KINDS))
    else
      baton.ui.table(o.evidence, { "at", "person", "tag", "what", "plugin", "event" })
    end
    if #o.skipped > 0 then
      baton.print(("%d entr%s not counted:"):format(#o.skipped, #o.skipped == 1 and "y" or "ies"))
      for _, x in ipairs(o.skipped) do baton.print("  " .. x.why) end
    end
  end)
end

-- The page and the routes ----------------------------------------------------------------

local function page_route()
  store.ready(true)
  local all = store.everything(evidence.read)
  local tags = rank.tags(all)
  local list = gaps()
  return page.blocks { tags = tags, pockets = rank.pockets(all, tags), gaps = list, wanted = rank.wanted(all),
    all_schools = baton.people.school() == nil }
end

local function helpers_route(req)
  local tag = req.query.tag
  if not tag or tag == "" then
    return { error = { status = 400, message = "say which expertise: /api/expertise/helpers?tag=TAG" } }, 400
  end
  local ok, out = pcall(helpers_of, { tag = tag, campus = req.query.campus, role = req.query.role, limit = 50 })
  if not ok then return { error = { status = 400, message = tostring(out) } }, 400 end
  return out
end

baton.http.route("GET", "/api/expertise/page", page_route)
baton.http.route("GET", "/api/expertise/helpers", helpers_route)

M.routes = { page = page_route, helpers = helpers_route }

return M
