-- Everything the coaching practice keeps, and the only module that touches
-- the store. A cycle belongs to a coach and a teacher; its goal, measures,
-- checklist, session notes and revisions live here and nowhere else (the
-- event log, which everyone signed in can read, gets only the cycle's
-- number, its coach and its phase: see init.lua).
local M = {}

local function q(...) return assert(baton.store.query(...)) end
local function first(...)
  local row, err = baton.store.first(...)
  if err then error(err, 0) end
  return row
end
local function exec(...) return assert(baton.store.exec(...)) end

function M.ready()
  assert(baton.store.migrate {
    [[CREATE TABLE coaching_cycles (id INTEGER PRIMARY KEY, coach TEXT NOT NULL, teacher TEXT NOT NULL,
        phase TEXT NOT NULL CHECK (phase IN ('identify', 'learn', 'improve', 'closed')),
        opened TEXT NOT NULL, moved TEXT NOT NULL, closed TEXT, outcome TEXT, shared INTEGER NOT NULL DEFAULT 0,
        tag TEXT, goal TEXT, measure TEXT, baseline REAL, target REAL, strategy TEXT,
        CHECK (coach <> teacher));
      CREATE UNIQUE INDEX coaching_one_open ON coaching_cycles(coach, teacher) WHERE closed IS NULL;
      CREATE TABLE coaching_steps (cycle INTEGER NOT NULL REFERENCES coaching_cycles(id), n INTEGER NOT NULL,
        text TEXT NOT NULL, done TEXT, PRIMARY KEY (cycle, n));
      CREATE TABLE coaching_measures (id INTEGER PRIMARY KEY, cycle INTEGER NOT NULL REFERENCES coaching_cycles(id),
        day TEXT NOT NULL, value REAL NOT NULL, note TEXT);
      CREATE TABLE coaching_sessions (id INTEGER PRIMARY KEY, cycle INTEGER NOT NULL REFERENCES coaching_cycles(id),
        day TEXT NOT NULL, minutes INTEGER, phase TEXT NOT NULL, note TEXT);
      CREATE TABLE coaching_revisions (id INTEGER PRIMARY KEY, cycle INTEGER NOT NULL REFERENCES coaching_cycles(id),
        day TEXT NOT NULL, goal TEXT, measure TEXT, baseline REAL, target REAL);]],
  })
end

local CYCLE = [[SELECT c.*, pc.name AS coach_name, pt.name AS teacher_name,
    (SELECT max(day) FROM coaching_sessions s WHERE s.cycle = c.id) AS last_session,
    (SELECT max(day) FROM coaching_measures m WHERE m.cycle = c.id) AS last_measure,
    (SELECT count(*) FROM coaching_sessions s WHERE s.cycle = c.id) AS sessions
  FROM coaching_cycles c LEFT JOIN people pc ON pc.id = c.coach LEFT JOIN people pt ON pt.id = c.teacher]]

local function shape(c)
  if not c then return nil end
  c.shared = c.shared == 1
  c.open = c.closed == nil
  -- The last day anything happened: a session, a measure, a phase change.
  local last = c.moved
  for _, d in ipairs { c.last_session, c.last_measure } do
    if d and d > last then last = d end
  end
  c.last = last
  return c
end

-- The cycles of the school the code sees (a page asked, or a form run, by
-- a person of one school): a cycle is the school's of its teacher and of
-- its coach; every cycle when it sees every school.
local function seen(rows)
  return assert(baton.people.keep(rows, "teacher", "coach"))
end

function M.cycle(id)
  return shape(seen({ first(CYCLE .. " WHERE c.id = ?", id) })[1])
end

--- Cycles: all, the open ones, or those of a person (as coach or teacher).
function M.cycles(opts)
  opts = opts or {}
  local rows
  if opts.person then
    rows = q(CYCLE .. " WHERE c.coach = ? OR c.teacher = ? ORDER BY c.id", opts.person, opts.person)
  elseif opts.open then
    rows = q(CYCLE .. " WHERE c.closed IS NULL ORDER BY c.id")
  else
    rows = q(CYCLE .. " ORDER BY c.id")
  end
  rows = seen(rows)
  for _, c in ipairs(rows) do shape(c) end
  return rows
end

--- Opens a cycle; `check` runs first inside the transaction (one open
--- cycle per coach and teacher). Returns its id.
function M.open(c, check)
  return baton.store.transaction(function()
    check()
    return assert(baton.store.insert([[INSERT INTO coaching_cycles (coach, teacher, phase, opened, moved, tag, goal)
        VALUES (?, ?, 'identify', ?, ?, ?, ?)]], c.coach, c.teacher, c.day, c.day, c.tag, c.goal))
  end)
end

--- Sets the goal (identify). When `revise` is true the goal as it was is
--- kept as a revision first.
function M.set_goal(id, g, revise)
  baton.store.transaction(function()
    if revise then
      exec([[INSERT INTO coaching_revisions (cycle, day, goal, measure, baseline, target)
          SELECT id, ?, goal, measure, baseline, target FROM coaching_cycles WHERE id = ?]], baton.today(), id)
    end
    exec([[UPDATE coaching_cycles SET goal = coalesce(?, goal), measure = coalesce(?, measure),
        baseline = coalesce(?, baseline), target = coalesce(?, target), tag = coalesce(?, tag) WHERE id = ?]],
      g.goal, g.measure, g.baseline, g.target, g.tag, id)
  end)
end

function M.revisions(id)
  return q("SELECT day, goal, measure, baseline, target FROM coaching_revisions WHERE cycle = ? ORDER BY id", id)
end

function M.set_strategy(id, strategy)
  exec("UPDATE coaching_cycles SET strategy = ? WHERE id = ?", strategy, id)
end

function M.steps(id)
  return q("SELECT n, text, done FROM coaching_steps WHERE cycle = ? ORDER BY n", id)
end

function M.add_steps(id, texts)
  baton.store.transaction(function()
    local row = first("SELECT coalesce(max(n), 0) AS n FROM coaching_steps WHERE cycle = ?", id)
    for k, t in ipairs(texts) do
      exec("INSERT INTO coaching_steps (cycle, n, text) VALUES (?, ?, ?)", id, row.n + k, t)
    end
  end)
end

function M.tick(id, n, day)
  return exec("UPDATE coaching_steps SET done = ? WHERE cycle = ? AND n = ?", day, id, n) > 0
end

function M.move(id, phase)
  exec("UPDATE coaching_cycles SET phase = ?, moved = ? WHERE id = ?", phase, baton.today(), id)
end

function M.close(id, outcome)
  exec("UPDATE coaching_cycles SET phase = 'closed', closed = ?, moved = ?, outcome = ? WHERE id = ?",
    baton.today(), baton.today(), outcome, id)
end

function M.share(id, on)
  exec("UPDATE coaching_cycles SET shared = ? WHERE id = ?", on and 1 or 0, id)
end

function M.add_measure(id, day, value, note)
  return assert(baton.store.insert("INSERT INTO coaching_measures (cycle, day, value, note) VALUES (?, ?, ?, ?)",
    id, day, value, note))
end

function M.measures(id)
  return q("SELECT day, value, note FROM coaching_measures WHERE cycle = ? ORDER BY day, id", id)
end

function M.add_session(id, s)
  return assert(baton.store.insert([[INSERT INTO coaching_sessions (cycle, day, minutes, phase, note)
      VALUES (?, ?, ?, ?, ?)]], id, s.day, s.minutes, s.phase, s.note))
end

function M.sessions(id)
  return q("SELECT day, minutes, phase, note FROM coaching_sessions WHERE cycle = ? ORDER BY day, id", id)
end

return M
