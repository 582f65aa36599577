-- Kotter's eight steps for leading change, as a school meets them.
--
-- Each step has its number, a short key (the word people type:
-- `baton change step literacy wins ...`), its full name, a one-line purpose,
-- other words people use for it, and the questions a coordinator or a
-- trainer asks the room at that step. The questions are what `baton change
-- guide` shows.

local suggest = require("suggest")

local steps = {
  {
    n = 1, key = "urgency", name = "Create a sense of urgency",
    short = "Urgency",
    purpose = "Help people see, with evidence they trust, why things cannot stay as they are.",
    aliases = { "sense of urgency", "create urgency", "why" },
    questions = {
      "What are our students living with now that we should no longer accept?",
      "Which figures or stories show it, and would a doubtful colleague find them convincing?",
      "Who has not heard the case yet, and who should they hear it from?",
      "What happens a year from now if we change nothing?",
      "How will we know people feel the need, not only that they were told about it?",
    },
  },
  {
    n = 2, key = "coalition", name = "Build a guiding coalition",
    short = "Coalition",
    purpose = "Gather a group with the trust, knowledge and reach to lead together, "
      .. "drawn from every part of the school, not only from those with titles.",
    aliases = { "guiding coalition", "build a coalition", "team" },
    questions = {
      "Who do colleagues already ask for advice, whatever their job title?",
      "Are teachers, aides, counsellors, support staff and students all in the group?",
      "Does the group reach every campus and the departments the change touches most?",
      "Does the group have the time and the mandate to act, and when does it meet?",
      "Who is likely to resist, and would they be better inside the group than outside it?",
    },
  },
  {
    n = 3, key = "vision", name = "Form a strategic vision",
    short = "Vision",
    purpose = "Describe the future plainly enough that anyone can explain it in a minute, "
      .. "and choose the few initiatives that lead there.",
    aliases = { "strategic vision", "form a vision", "strategy" },
    questions = {
      "Could any member of the coalition explain the change to a parent in under a minute?",
      "What will a lesson, a corridor or a staff meeting look like once it has worked?",
      "Which two or three initiatives get us there, and what will we stop doing to make room?",
      "How does the change follow from what the school already says it values?",
    },
  },
  {
    n = 4, key = "volunteers", name = "Enlist a volunteer army",
    short = "Volunteers",
    purpose = "Invite many people to take part because they want to, and give them real ways to help.",
    aliases = { "volunteer army", "enlist", "communicate the vision", "army" },
    questions = {
      "Where has the vision been shared beyond staff meetings: departments, students, families?",
      "What small, concrete thing can a volunteer do this month?",
      "Who has offered to help, and have we thanked them and given them something to do?",
      "Do volunteers come from every role, or only from the usual few?",
    },
  },
  {
    n = 5, key = "barriers", name = "Enable action by removing barriers",
    short = "Barriers",
    purpose = "Clear what stops people acting on the vision: rules, timetables, tools, habits, workload.",
    aliases = { "enable action", "remove barriers", "removing barriers", "empower" },
    questions = {
      "What gets in the way: the timetable, a policy, a tool, a habit, the workload?",
      "Which barrier could the leadership team remove this term with one decision?",
      "Do people have the training and the time the new way needs?",
      "Is anyone with authority holding the change back, and who will talk with them?",
    },
  },
  {
    n = 6, key = "wins", name = "Generate short-term wins",
    short = "Wins",
    purpose = "Plan for early, visible results, show them, and thank the people who made them.",
    aliases = { "short-term wins", "short term wins", "quick wins", "win" },
    questions = {
      "What result can we reach and show within the next six weeks?",
      "Is the win plain to see, so that a sceptic would accept it?",
      "Who made it happen, and how will we thank them in front of their colleagues?",
      "Have we recorded the win as evidence, with its date, its figures and a link?",
    },
  },
  {
    n = 7, key = "acceleration", name = "Sustain acceleration",
    short = "Acceleration",
    purpose = "Use the credibility of early wins to change more: systems, structures, and the next wave of leaders.",
    aliases = { "sustain acceleration", "sustain", "accelerate", "build on the change" },
    questions = {
      "What do the wins make possible now that was not possible before?",
      "Which routines, structures or policies still do not fit the vision?",
      "Who new is stepping up to lead the next stage?",
      "Where are we in danger of declaring victory too soon?",
    },
  },
  {
    n = 8, key = "institute", name = "Institute change",
    short = "Institute",
    purpose = "Make the new way part of how the school works, so it outlasts the people who started it.",
    aliases = { "institute change", "anchor", "embed", "culture" },
    questions = {
      "Is the new way written into how we recruit, induct, appraise and plan?",
      "Would it survive if the people who led it moved on?",
      "Do new staff learn it as simply how things are done here?",
      "How do we keep telling the story of how the new way helps our students?",
    },
  },
}

-- The four states of a step, in the words the command line uses.
local statuses = {
  not_started = { label = "not started", colour = "#d5d9de", text = "#3b4048" },
  in_progress = { label = "in progress", colour = "#f4c152", text = "#3b2f05" },
  done = { label = "done", colour = "#4fae7b", text = "#ffffff" },
  needs_renewal = { label = "needs renewal", colour = "#d9734e", text = "#ffffff" },
}
local status_order = { "not_started", "in_progress", "done", "needs_renewal" }

-- Words are compared lower-case, with punctuation and dashes read as spaces.
local function words(s)
  return (s:lower():gsub("[^%w]+", " "):gsub("^ +", ""):gsub(" +$", ""))
end

local by_word = {}
for _, s in ipairs(steps) do
  by_word[words(s.key)] = s
  by_word[words(s.name)] = s
  by_word[words(s.short)] = s
  for _, a in ipairs(s.aliases) do
    by_word[words(a)] = s
  end
end

local M = { list = steps, statuses = statuses, status_order = status_order }

--- The list of valid ways to name a step, for error messages.
function M.valid_names()
  local keys = {}
  for _, s in ipairs(steps) do
    keys[#keys + 1] = s.key
  end
  return "a number 1-8 or one of: " .. table.concat(keys, ", ")
end

--- Finds a step by its number ("6", "step 6") or a name ("wins",
--- "Generate short-term wins", or the start of one: "vol").
---@return table|nil step, string? err
function M.find(given)
  local w = words(tostring(given or ""))
  local n = tonumber(w:match("^(%d+)$") or w:match("^step (%d+)$"))
  if n then
    if steps[n] then return steps[n] end
    return nil, ("there is no step %d: Kotter's model has 8 steps; use %s"):format(n, M.valid_names())
  end
  if by_word[w] then return by_word[w] end
  local found = {}
  if #w >= 3 then
    for _, s in ipairs(steps) do
      if s.key:sub(1, #w) == w or words(s.name):find(w, 1, true) then
        found[#found + 1] = s
      end
    end
  end
  if #found == 1 then return found[1] end
  local keys = {}
  for _, s in ipairs(steps) do keys[#keys + 1] = s.key end
  local near = suggest(w, keys)
  return nil, ("unknown step '%s'%s: use %s"):format(tostring(given),
    near and (" (did you mean '" .. near .. "'?)") or "", M.valid_names())
end

--- "3 Form a strategic vision"
function M.title(s)
  return ("%d %s"):format(s.n, s.name)
end

return M
