-- Peer and cross-role mentoring: pairing newer staff with mentors.
--
-- A coordinator names who is to be mentored and who mentors (two groups),
-- says what makes a good pair (the weights: shared subject, grade, campus,
-- language, ...) and what must never happen (your line manager as mentor,
-- a repeat of last year's pair, a mentor over capacity). baton then finds
-- the best whole cohort, not the best pair first, and explains every pair
-- and every mentee left out (`mentor match`). `mentor why` answers "why
-- not her?"; `mentor rematch` repairs the cohort when people leave or
-- arrive while keeping every pair that still works; `mentor end` and
-- `mentor list` look after the pairs over the year.

local cohort = require("cohort")
local page = require("page")
local settings = require("settings")

local M = {}

local function who(id, name)
  return name and (id .. " " .. name) or id
end

local function pct(n, d)
  return d > 0 and ("%d%%"):format(math.floor(n * 100 / d + 0.5)) or "-"
end

local function pair_rows(list)
  local rows = {}
  for _, p in ipairs(list) do
    rows[#rows + 1] = {
      mentee = who(p.mentee, p.mentee_name), mentor = who(p.mentor, p.mentor_name),
      score = p.score, reasons = p.why .. (p.fixed and " [fixed]" or ""),
    }
  end
  return rows
end

local function show_unmatched(list)
  if #list == 0 then return end
  baton.print("")
  baton.print(("Unmatched (%d):"):format(#list))
  for _, u in ipairs(list) do baton.print(("  %s: %s"):format(who(u.mentee, u.mentee_name), u.reason)) end
end

-- Pairs that share nothing: flagged, each with what to do.
local function show_zero(list)
  if #list == 0 then return end
  baton.print("")
  baton.print(("Score 0 (%d): a pair made only because nobody better was free."):format(#list))
  for _, z in ipairs(list) do baton.print("  ! " .. z.suggestion) end
end

local function show_summary(out)
  local s = out.summary
  baton.print("")
  baton.print(("%d pair%s of %d mentee%s, total score %s, mean %s%s; cross-campus %d of %d (%s); capacity used %d of %d (%s)")
    :format(s.pairs, s.pairs == 1 and "" or "s", s.mentees, s.mentees == 1 and "" or "s", tostring(out.total_score),
      tostring(s.mean_score), s.lowest_score and (", lowest " .. tostring(s.lowest_score)) or "",
      s.cross_campus, s.pairs, pct(s.cross_campus, s.pairs), s.capacity_used, s.capacity, pct(s.capacity_used, s.capacity)))
end

-- CSV for a spreadsheet, written by baton.csv.encode: quoted where needed,
-- and a cell a spreadsheet would run as a formula gets a leading ' (as
-- `baton people export` does).
local function write_csv(path, list)
  local rows = {}
  for k, p in ipairs(list) do
    rows[k] = { mentee_id = p.mentee, mentee_name = p.mentee_name, mentor_id = p.mentor,
      mentor_name = p.mentor_name, score = p.score, reasons = p.why }
  end
  local text = baton.csv.encode(rows,
    { header = { "mentee_id", "mentee_name", "mentor_id", "mentor_name", "score", "reasons" } })
  local ok, err = baton.fs.write(path, text)
  if not ok then error(("cannot write %s: %s"):format(path, err), 0) end
end

-- mentor match ----------------------------------------------------------------

-- "Already N active pairs": match --save makes a whole new cohort, so it
-- starts only when no pair is active. Checked when planning, and again in
-- the save's transaction (through the stamp), so two matches at once
-- cannot both save.
local function none_active(args)
  local active = settings.active()
  if args.save and #active > 0 then
    error(("there %s already %d active pair%s: `baton mentor rematch --save` keeps them and pairs the rest, "
      .. "or `baton mentor end --all` ends them first"):format(#active == 1 and "is" or "are", #active,
      #active == 1 and "" or "s"), 0)
  end
end

function M.match(args, ctx)
  local function plan()
    none_active(args)
    local c = cohort.build(args)
    local out = cohort.outcome(c, cohort.solve(c))
    -- (before the save: a file cannot be written inside its transaction)
    if args.csv then write_csv(args.csv, out.pairs) end
    return { c = c, out = out }
  end
  local planned
  if args.save then
    planned = settings.plan_and_save(plan, function(p)
      none_active(args)
      settings.start(p.out.pairs, args.objective, p.c.today)
      -- why and rematch later plan the same cohort without being told.
      settings.save_cohort(p.c.groups)
    end)
  else
    planned = plan()
  end
  local c, out = planned.c, planned.out
  out.saved = args.save
  out.groups = c.groups
  -- A preview made while pairs are active is a fresh cohort: it avoids
  -- every current pair (they are past pairs) and would not be saved.
  out.active_pairs = args.save and 0 or #settings.active()
  baton.output(out, function(o)
    baton.print(("Mentoring match: %d mentees (%s), %d mentors (%s), objective %s")
      :format(#c.mentees, c.from.mentees, #c.mentors, c.from.mentors, o.objective))
    baton.print("Weights: " .. settings.describe(o.weights))
    if o.active_pairs > 0 then
      baton.print(("Note: %d pair%s already active. This preview is a whole new cohort that leaves them out (they "
        .. "count as past pairs), and --save would be refused: `baton mentor rematch` keeps them and pairs the rest.")
        :format(o.active_pairs, o.active_pairs == 1 and " is" or "s are"))
    end
    baton.print("")
    if #o.pairs > 0 then
      baton.ui.table(pair_rows(o.pairs), { "mentee", "mentor", "score", "reasons" })
    else
      baton.print("No pairs.")
    end
    show_zero(o.zero_score)
    show_unmatched(o.unmatched)
    show_summary(o)
    if args.csv then baton.print("Pairs written to " .. args.csv) end
    if o.saved then
      baton.print(("Saved %d pairs as active (see `baton mentor list --active`)."):format(#o.pairs))
    end
  end)
end

-- mentor why ------------------------------------------------------------------

-- Why an active pair can no longer stand, or nil.
local function invalid(c, p)
  local i, j = c.row_of[p.mentee], c.col_of[p.mentor]
  if not i then return ("%s is no longer an active mentee (%s)"):format(p.mentee, c.from.mentees) end
  if not j then return ("%s is no longer an active mentor (%s)"):format(p.mentor, c.from.mentors) end
  c.kept[p.mentee .. "/" .. p.mentor] = true
  return cohort.forbidden_why(c, i, j)
end

-- The active pairs as the rules see them today: those that still stand
-- (kept) and those that cannot (ended, with the reason). A first cohort
-- without pins tells which stand.
--- Run by a person of one school (a form), a pair whose mentor is of
--- another school is outside the cohort it sees (baton.groups.members
--- is that school's): it is kept as it is while its mentee is still in
--- the cohort, never ended for its mentor's absence.
local function standing_pairs(args)
  local probe = cohort.build(args)
  local keep, ended, per_mentor = {}, {}, {}
  local active = settings.active()
  local ours = {}
  if baton.people.school() then
    for _, p in ipairs(settings.check(baton.people.keep(active, "mentor"))) do ours[p.id] = true end
  end
  for _, p in ipairs(active) do
    local why = invalid(probe, p)
    if why and baton.people.school() and not ours[p.id] and probe.row_of[p.mentee] then why = nil end
    local j = probe.col_of[p.mentor]
    if not why and j then
      per_mentor[j] = (per_mentor[j] or 0) + 1
      if per_mentor[j] > probe.capacity[j] then
        why = ("%s's capacity is now %d"):format(p.mentor, probe.capacity[j])
      end
    end
    if why then ended[#ended + 1] = { pair = p, reason = why } else keep[#keep + 1] = p end
  end
  return keep, ended
end

-- The pairs that keep mentor j's places whatever happens to mentee i: the
-- fixed ones and the active ones that stand.
local function held_places(c, i, j)
  local held = {}
  for k, pj in pairs(c.pins) do
    if pj == j and k ~= i then held[#held + 1] = c.mentees[k].id end
  end
  table.sort(held)
  return held
end

-- What `why` explains: the saved state when pairs are active (each that
-- still stands is kept, as rematch keeps it), else the match these options
-- would make. Returns the cohort, its solution, and the mentee's active
-- pair (standing or ended) if any.
local function planned(args)
  local keep, ended = standing_pairs(args)
  local c = cohort.build(args, keep)
  c.saved = #keep + #ended > 0
  return c, cohort.solve(c), keep, ended
end

function M.why(args, ctx)
  local c, result, keep, ended = planned(args)
  local i = cohort.find(c, "mentee", args.mentee)
  local mentee = c.mentees[i]
  local mine = result.rows[i] or nil
  local out = { mentee = mentee.id, mentee_name = mentee.name, total_score = result.total }

  -- Where the mentee stands in the saved state.
  if not c.saved then
    out.state = "preview" -- no pairs are active: the match these options make
  else
    out.state = "new"     -- pairs are active, none for this mentee: rematch would pair them
    for _, p in ipairs(keep) do
      if p.mentee == mentee.id then out.state, out.pair = "active", { id = p.id, started = p.started } end
    end
    for _, e in ipairs(ended) do
      if e.pair.mentee == mentee.id then
        out.state, out.pair = "ends", { id = e.pair.id, started = e.pair.started, mentor = e.pair.mentor, reason = e.reason }
      end
    end
  end

  if mine then
    local list, line = cohort.reasons(c, i, mine)
    out.mentor = { id = c.mentors[mine].id, name = c.mentors[mine].name, score = c.matrix:get(i, mine), reasons = list, why = line }
  else
    out.unmatched = cohort.unmatched_why(c, i)
  end

  -- The other mentor: the one asked about, else the best-scoring other one
  -- that the rules allow.
  local other
  if args.mentor then
    other = cohort.find(c, "mentor", args.mentor)
    if other == mine then error(("%s is already %s's mentor"):format(c.mentors[other].id, mentee.id), 0) end
  else
    out.full = {}
    for j = 1, #c.mentors do
      local s = c.matrix:get(i, j)
      if j ~= mine and s and c.capacity[j] > 0 then
        if #held_places(c, i, j) >= c.capacity[j] then
          out.full[#out.full + 1] = c.mentors[j].id
        elseif not other or s > c.matrix:get(i, other) then
          other = j
        end
      end
    end
  end
  if other then
    local mentor = c.mentors[other]
    local o = { id = mentor.id, name = mentor.name }
    local held = held_places(c, i, other)
    o.forbidden = cohort.forbidden_why(c, i, other)
    if not o.forbidden and #held >= c.capacity[other] then
      o.forbidden = ("%s has no free place (capacity %d): %s %s %s in %s that stay%s (%s); end one first with "
        .. "`baton mentor end %s`, or raise %s's mentor_capacity"):format(mentor.id, c.capacity[other],
        table.concat(held, ", "), #held == 1 and "keeps" or "keep", mentor.id, #held == 1 and "a pair" or "pairs",
        #held == 1 and "s" or "", c.saved and "active or fixed" or "fixed", held[1], mentor.id)
    end
    if o.forbidden and args.mentor then
      -- The pair asked about cannot be made: a refusal, not an answer.
      error(("%s cannot mentor %s: %s"):format(mentor.id, mentee.id, o.forbidden), 0)
    end
    if not o.forbidden then
      local list, line = cohort.reasons(c, i, other)
      o.score, o.reasons, o.why = c.matrix:get(i, other), list, line
      local forced = cohort.solve(c, { [i] = other })
      o.forced_total, o.forced_assigned = forced.total, forced.assigned
      o.cohort_loss = result.total - forced.total
      o.unmatched_if_forced = result.assigned - forced.assigned
    end
    out.other = o
  end

  baton.output(out, function(w)
    local name = who(w.mentee, w.mentee_name)
    local mentor = w.mentor and who(w.mentor.id, w.mentor.name)
    if w.state == "active" then
      baton.print(("%s is paired with %s (active pair #%d since %s), score %s: %s"):format(name, mentor,
        w.pair.id, w.pair.started, tostring(w.mentor.score), w.mentor.why))
    elseif w.state == "ends" then
      baton.print(("%s's active pair #%d with %s can no longer stand: %s."):format(name, w.pair.id, w.pair.mentor,
        w.pair.reason))
      baton.print(mentor and ("`baton mentor rematch --save` would pair them with %s, score %s: %s"):format(mentor,
        tostring(w.mentor.score), w.mentor.why) or ("A rematch would leave them without a mentor: " .. w.unmatched))
    elseif w.state == "new" then
      baton.print(mentor and ("%s has no active mentor; `baton mentor rematch --save` would pair them with %s, "
        .. "score %s: %s"):format(name, mentor, tostring(w.mentor.score), w.mentor.why)
        or ("%s has no active mentor, and a rematch would find none: %s"):format(name, w.unmatched))
    else
      baton.print(mentor and ("%s would be paired with %s, score %s: %s (no pairs are saved yet: this is the match "
        .. "`baton mentor match` makes with these options)"):format(name, mentor, tostring(w.mentor.score), w.mentor.why)
        or ("%s would have no mentor: %s"):format(name, w.unmatched))
    end
    local o = w.other
    if not o then
      if w.full and #w.full > 0 then
        baton.print(("No other mentor is free for %s: %s %s full with pairs that stay."):format(w.mentee,
          table.concat(w.full, ", "), #w.full == 1 and "is" or "are"))
      else
        baton.print("No other mentor is allowed for " .. w.mentee .. ".")
      end
      return
    end
    local other_name = who(o.id, o.name)
    if o.forbidden then
      baton.print(("%s cannot mentor %s: %s"):format(other_name, w.mentee, o.forbidden))
      return
    end
    baton.print(("%s would score %s: %s"):format(other_name, tostring(o.score), o.why))
    if w.mentor then
      local d = w.mentor.score - o.score
      if d > 0 then
        baton.print(("The chosen mentor scores %s more for %s."):format(tostring(d), w.mentee))
      elseif d == 0 then
        baton.print(("Both score the same for %s."):format(w.mentee))
      else
        baton.print(("%s scores %s more for %s alone."):format(o.id, tostring(-d), w.mentee))
      end
    end
    if o.unmatched_if_forced > 0 then
      baton.print(("Forcing %s with %s would leave %d more mentee%s without a mentor."):format(w.mentee, o.id,
        o.unmatched_if_forced, o.unmatched_if_forced == 1 and "" or "s"))
    elseif o.cohort_loss > 0 then
      baton.print(("Forcing %s with %s would lower the cohort's total from %s to %s (-%s): the other pairs would have to change too.")
        :format(w.mentee, o.id, tostring(w.total_score), tostring(o.forced_total), tostring(o.cohort_loss)))
    else
      baton.print(("Forcing %s with %s would cost the cohort nothing (total %s): an equally good choice.")
        :format(w.mentee, o.id, tostring(o.forced_total)))
    end
  end)
end

-- mentor rematch --------------------------------------------------------------

-- The rematch plan: which active pairs stand, which end and why, and the
-- new pairs for the mentees left without a mentor.
local function rematch_plan(args)
  local keep, ended = standing_pairs(args)
  local c = cohort.build(args, keep)
  local out = cohort.outcome(c, cohort.solve(c))
  local kept_key, kept_mentee = {}, {}
  for _, p in ipairs(keep) do
    kept_key[p.mentee .. "/" .. p.mentor] = p
    kept_mentee[p.mentee] = true
  end
  -- a mentee who keeps a pair gets no second one (a pair kept with a
  -- mentor of another school is not pinned in this school's cohort)
  local new = {}
  for _, p in ipairs(out.pairs) do
    if not kept_key[p.mentee .. "/" .. p.mentor] and not kept_mentee[p.mentee] then new[#new + 1] = p end
  end
  local unmatched = {}
  for _, u in ipairs(out.unmatched) do
    if not kept_mentee[u.mentee] then unmatched[#unmatched + 1] = u end
  end
  out.unmatched = unmatched
  return { c = c, out = out, keep = keep, ended = ended, new = new }
end

-- The pairs that end and the new ones, in one transaction: all or none.
local function rematch_save(args, r)
  for _, e in ipairs(r.ended) do settings.finish({ e.pair }, e.reason, r.c.today) end
  settings.start(r.new, args.objective, r.c.today)
  settings.save_cohort(r.c.groups)
end

function M.rematch(args, ctx)
  local r
  if args.save then
    r = settings.plan_and_save(function() return rematch_plan(args) end,
      function(planned) rematch_save(args, planned) end)
  else
    r = rematch_plan(args)
  end
  local keep, ended, new, out = r.keep, r.ended, r.new, r.out
  local result = {
    kept = #keep, ended = {}, new = new, unmatched = out.unmatched, total_score = out.total_score,
    objective = args.objective, saved = args.save, zero_score = cohort.zero_score(new), groups = r.c.groups,
  }
  for _, e in ipairs(ended) do
    result.ended[#result.ended + 1] = { pair = e.pair.id, mentee = e.pair.mentee, mentor = e.pair.mentor, reason = e.reason }
  end
  baton.output(result, function(r)
    baton.print(("Rematch: %d active pair%s kept, %d ended, %d new."):format(r.kept, r.kept == 1 and "" or "s",
      #r.ended, #r.new))
    for _, e in ipairs(r.ended) do
      baton.print(("  - ends  #%d %s with %s: %s"):format(e.pair, e.mentee, e.mentor, e.reason))
    end
    for _, p in ipairs(r.new) do
      baton.print(("  + new   %s with %s, score %s: %s"):format(who(p.mentee, p.mentee_name),
        who(p.mentor, p.mentor_name), tostring(p.score), p.why))
    end
    if #r.ended == 0 and #r.new == 0 then baton.print("No pair changes.") end
    show_zero(r.zero_score)
    show_unmatched(r.unmatched)
    if r.saved then
      baton.print("Saved.")
    elseif #r.ended + #r.new > 0 then
      baton.print("Nothing saved yet: add --save to make these changes.")
    end
  end)
end

-- mentor end, list ------------------------------------------------------------

-- true when `given` names the person `id`: the id, or their whole name in
-- any case.
local function is(id, given)
  if id == given then return true end
  local function plain(x) return (tostring(x or ""):lower():gsub("%s+", " "):match("^ ?(.-) ?$")) end
  local person = settings.check(baton.people.get(id))
  return plain(id) == plain(given) or (person ~= nil and plain(person.name) == plain(given))
end

-- The active pairs `mentor end` names.
local function chosen_pairs(args)
  local active = settings.active()
  if args.all then return active end
  if not args.pair then
    baton.usage_error("say which pair to end (its number, the mentee's id or MENTEE/MENTOR), or --all")
  end
  local chosen = {}
  local a, b = args.pair:match("^(.-)/(.+)$")
  for _, p in ipairs(active) do
    if tostring(p.id) == args.pair:gsub("^#", "") or is(p.mentee, args.pair)
        or (a and is(p.mentee, a) and is(p.mentor, b)) then
      chosen[#chosen + 1] = p
    end
  end
  if #chosen == 0 then
    error(("no active pair '%s': give the pair's number, the mentee's id or name, or MENTEE/MENTOR "
      .. "(see `baton mentor list --active`)"):format(args.pair), 0)
  end
  return chosen
end

M["end"] = function(args, ctx)
  settings.migrate()
  -- Which pairs are active is read in the transaction that ends them: two
  -- `mentor end` at once end each pair once.
  local chosen = baton.store.transaction(function()
    local list = chosen_pairs(args)
    settings.finish(list, args.reason or "ended by the coordinator", baton.today())
    return list
  end)
  local ids = {}
  for _, p in ipairs(chosen) do ids[#ids + 1] = { pair = p.id, mentee = p.mentee, mentor = p.mentor } end
  baton.output({ ended = ids }, function(o)
    baton.print(("Ended %d pair%s."):format(#o.ended, #o.ended == 1 and "" or "s"))
    for _, p in ipairs(o.ended) do baton.print(("  #%d %s with %s"):format(p.pair, p.mentee, p.mentor)) end
  end)
end

-- The active pairs (or every pair), each with both people's names (of
-- any school: a pair across two schools names the other school's person).
local function named_pairs(list)
  local ids = {}
  for _, p in ipairs(list) do ids[#ids + 1] = p.mentee; ids[#ids + 1] = p.mentor end
  local names = settings.check(baton.people.names(ids)) or {}
  local out = {}
  for i, p in ipairs(list) do
    out[i] = { id = p.id, mentee = p.mentee, mentee_name = names[p.mentee],
      mentor = p.mentor, mentor_name = names[p.mentor],
      score = math.tointeger(p.score) or p.score, started = p.started, ended = p.ended,
      end_reason = p.end_reason, reasons = p.reasons }
  end
  return out
end

--- The pairs as `mentor list` shows them: only the active ones, or all;
--- `open` leaves out why a pair ended (the status says "ended"), for a
--- route that everyone signed in may read.
local function pair_list(active, open)
  local rows = {}
  for _, p in ipairs(named_pairs(settings.shown(active))) do
    rows[#rows + 1] = {
      pair = p.id, mentee = who(p.mentee, p.mentee_name), mentor = who(p.mentor, p.mentor_name),
      score = p.score, started = p.started, ended = p.ended or "",
      status = p.ended and (open and "ended" or ("ended: " .. (p.end_reason or ""))) or "active",
      reasons = p.reasons,
    }
  end
  return rows
end

function M.list(args, ctx)
  local rows = pair_list(args.active)
  baton.output(rows, function(r)
    if #r == 0 then
      baton.print(args.active and "No active pairs." or "No pairs yet: `baton mentor match --save` makes the first ones.")
      return
    end
    baton.ui.table(r, { "pair", "mentee", "mentor", "score", "started", "status" })
  end)
end

-- mentor mine ------------------------------------------------------------------

--- One person's own pairs: their mentor(s) and their mentees, nobody
--- else's. From the browser this is a self-service command: the host
--- fills `person` with the signed-in person (docs/practices/mentoring.md).
function M.mine(args)
  local me = settings.check(baton.people.get(args.person))
  if not me then
    error(("no person '%s' in the staff list; see `baton people list`"):format(args.person), 0)
  end
  local out = { person = me.id, name = me.name, mentors = {}, mentees = {} }
  for _, p in ipairs(named_pairs(settings.shown(not args.all))) do
    local status = p.ended and ("ended " .. p.ended .. (p.end_reason and (": " .. p.end_reason) or "")) or "active"
    if p.mentee == me.id then
      out.mentors[#out.mentors + 1] = { pair = p.id, mentor = who(p.mentor, p.mentor_name), since = p.started,
        score = p.score, reasons = p.reasons, status = status }
    elseif p.mentor == me.id then
      out.mentees[#out.mentees + 1] = { pair = p.id, mentee = who(p.mentee, p.mentee_name), since = p.started,
        score = p.score, reasons = p.reasons, status = status }
    end
  end
  baton.output(out, function(o)
    baton.print(("%s:"):format(who(o.person, o.name)))
    if #o.mentors == 0 and #o.mentees == 0 then
      baton.print(args.all and "  no mentoring pair, now or before." or "  no active mentoring pair.")
    end
    for _, p in ipairs(o.mentors) do
      baton.print(("  your mentor: %s, since %s (%s): %s"):format(p.mentor, p.since, p.status, p.reasons))
    end
    for _, p in ipairs(o.mentees) do
      baton.print(("  you mentor: %s, since %s (%s): %s"):format(p.mentee, p.since, p.status, p.reasons))
    end
  end)
end

-- mentor cohort ---------------------------------------------------------------

function M.cohort(args)
  if args.reset then
    if args.cohort or args.mentees or args.mentors then baton.usage_error("--reset forgets the saved groups: give no group with it") end
    settings.save_cohort(nil)
  elseif args.cohort or args.mentees or args.mentors then
    -- Checked as match would use them, so a wrong name is refused now.
    local c = cohort.build { cohort = args.cohort, mentees = args.mentees, mentors = args.mentors, capacity = 1 }
    settings.save_cohort(c.groups)
  end
  local saved = settings.cohort()
  local g = saved or { mentees = "mentees", mentors = "mentors" }
  local out = { cohort = g.cohort, mentees = g.mentees, mentors = g.mentors, saved = saved ~= nil }
  baton.output(out, function(o)
    baton.print(("The cohort: %s%s."):format(cohort.describe_groups(o),
      o.saved and "" or " (the defaults: nothing saved)"))
  end)
end

-- mentor weights --------------------------------------------------------------

function M.weights(args, ctx)
  if args.reset then
    settings.save_weights(nil)
  elseif args.set then
    local w = settings.parse(args.set, "--set")
    local merged = settings.weights()
    for k, v in pairs(w) do merged[k] = v end
    local parts = {}
    for _, f in ipairs(baton.assign.features()) do parts[#parts + 1] = f.name .. "=" .. tostring(merged[f.name]) end
    settings.save_weights(table.concat(parts, ","))
  end
  local w = settings.weights()
  local rows = {}
  for _, f in ipairs(baton.assign.features()) do
    rows[#rows + 1] = { feature = f.name, weight = w[f.name], default = f.weight, meaning = f.help }
  end
  -- Mentoring's own score in Lua (cohort.expertise_help), a setting of its own.
  rows[#rows + 1] = { feature = "expertise", weight = baton.settings.get("expertise"), default = 2,
    meaning = "the mentor can help with what the mentee wants to grow in (the expertise map; "
      .. "`baton config mentoring expertise N`)" }
  baton.output(rows, function(r) baton.ui.table(r, { "feature", "weight", "default", "meaning" }) end)
end

function M.health()
  if not (baton.assign and baton.assign.score) then
    return false, "this baton has no baton.assign.score (the C scoring)"
  end
  return true
end

-- The dashboard (baton serve). Each route is kept in M.routes too, so
-- that the plugin's tests call the handler the server calls.
M.routes = {}
local function route(path, handler)
  M.routes[path] = handler
  baton.http.route("GET", path, handler)
end

-- The active pairs, as `mentor list --active --json` prints them; ?all=1
-- for ended ones too, without why they ended (kept for the clients
-- written before the page).
route("/api/mentoring/pairs", function(req)
  return pair_list(req.query.all ~= "1", true)
end)

-- The page: the network of pairs, the pairs with their reasons, the
-- mentees still without a mentor, and the forms (page.lua).
route("/api/mentoring/page", function()
  local g = cohort.groups {}
  local mentees, mentors = cohort.pools(g)
  return page.blocks { pairs = named_pairs(settings.shown(true)), mentees = mentees, mentors = mentors,
    groups = cohort.describe_groups(g) }
end)

-- What the overview counts: mentees mentored, per mentor (the mentor's
-- school's, a pair across two schools included).
route("/api/mentoring/leadership", function()
  return page.leadership(settings.check(baton.people.keep(settings.shown(true), "mentor")))
end)

return M
