-- The manifest: plain data, read without running any of the plugin's code.
-- The stall rules are flags shared by every command that shows warnings.
local rules = {
  { "--stale-days", type = "integer", default = 21, metavar = "N",
    help = "warn when an in-progress step has had no evidence for N days (0 = off)" },
  { "--win-weeks", type = "integer", default = 6, metavar = "N",
    help = "warn when there has been no short-term win (step 6 evidence) for N weeks once step 6 started (0 = off)" },
  { "--overdue-days", type = "integer", default = 1, metavar = "N",
    help = "warn when a step is still not done N days after its due date (1 = the day after; 0 = off)" },
  { "--renew-months", type = "integer", default = 6, metavar = "N",
    help = "concurrent mode: suggest needs_renewal when a done step's newest evidence is N months old (0 = off)" },
  { "--min-roles", type = "integer", default = 3, metavar = "N",
    help = "warn when the guiding coalition has people from fewer than N roles (0 = off)" },
}

local function with_rules(args)
  for i = 1, #rules do
    args[#args + 1] = rules[i]
  end
  return args
end

local initiative = { "initiative", help = "the initiative: its number, its short name or its title" }
local by = { "--by", type = "person", metavar = "ID",
  help = "who is making this change (a person id), recorded in the history" }

return {
  name = "kotter",
  version = "0.1.0",
  api = 1,
  summary = "Lead a change through Kotter's 8 steps: owners, evidence, stall warnings, reports",
  description = "Tracks change initiatives step by step (in order, or all steps at once as in "
    .. "Kotter's Accelerate model), ties each step to the people who lead it at every level, "
    .. "and warns when the change stalls. See docs/practices/change.md.",
  namespace = "change",
  permissions = { "fs.write", "http.route" },
  depends = {},
  -- The dashboard's page (blocks from the route) and what the overview
  -- counts as leadership here: the change steps each person owns.
  pages = {
    { name = "change", title = "Change", data = "/api/change/page" },
  },
  leadership = "/api/change/leadership",
  commands = {
    new = {
      summary = "Start a change initiative",
      help = "Creates the initiative with its eight steps, all not started. Its short name "
        .. "(made from the title) and its number both name it in other commands.",
      access = "coordinator",
      args = {
        { "title", help = "what the change is, e.g. \"Literacy across the curriculum\"" },
        { "--mode", type = "enum", values = { "sequential", "concurrent" }, default = "sequential",
          help = "sequential: the steps in order; concurrent: all steps at once, renewed again and again" },
        { "--target", type = "date", metavar = "DATE", help = "when the change should be in place" },
        { "--slug", metavar = "NAME",
          help = "its short name, e.g. literacy (default: made from the title); letters, digits and -, at most 30" },
        by,
      },
    },
    list = {
      summary = "List change initiatives and how far each has come",
      access = "any",
      args = with_rules({}),
    },
    step = {
      summary = "Set a step's status, owners or due date",
      help = "STEP is a number 1-8 or a name (urgency, coalition, vision, volunteers, barriers, "
        .. "wins, acceleration, institute). In sequential mode a step can be done only after "
        .. "the steps before it; --force records it anyway, with a warning in the history.",
      access = "coordinator",
      args = {
        initiative,
        { "step", help = "1-8 or a step's name" },
        { "--status", type = "enum", values = { "not_started", "in_progress", "done", "needs_renewal" },
          help = "the step's new status" },
        { "--owner", type = "person", many = true, metavar = "ID", help = "a person who leads this step (repeat for several; replaces the owners)" },
        { "--due", type = "date", metavar = "DATE", help = "when the step should be done" },
        { "--force", type = "boolean", default = false, help = "sequential mode: mark done even though an earlier step is not" },
        by,
      },
    },
    evidence = {
      summary = "Record dated evidence for a step (short-term wins are evidence on step 6)",
      help = "Anyone may record what happened, as themselves: in the browser the host fills --by with "
        .. "the signed-in person (a coordinator may name anyone).",
      access = "self",
      self = "by",
      args = {
        initiative,
        { "step", help = "1-8 or a step's name" },
        { "text", help = "what happened, e.g. \"staff survey: 72% see the need\"" },
        { "--date", type = "date", metavar = "DATE", help = "when it happened (default today)" },
        { "--link", metavar = "URL", help = "where to see it (a document, a survey, a slide deck)" },
        { "--metric", many = true, metavar = "NAME=VALUE", help = "a measure, e.g. --metric agree=72 (repeatable)" },
        { "--force", type = "boolean", default = false, help = "record evidence dated after today anyway" },
        by,
      },
    },
    amend = {
      summary = "Correct a piece of evidence: its text, date, step, link or measures",
      help = "EVIDENCE is the number `change evidence` printed (also in `change history`). Only "
        .. "what is given changes; the history keeps what it said before.",
      access = "coordinator",
      args = {
        { "evidence", metavar = "EVIDENCE", help = "the evidence's number, e.g. 12 or #12" },
        { "--text", metavar = "TEXT", help = "what happened, corrected" },
        { "--date", type = "date", metavar = "DATE", help = "when it happened, corrected" },
        { "--step", metavar = "STEP", help = "the step it belongs to: 1-8 or a step's name" },
        { "--link", metavar = "URL", help = "where to see it (\"\" removes the link)" },
        { "--metric", many = true, metavar = "NAME=VALUE", help = "the measures (replace all of them; repeatable)" },
        { "--reason", metavar = "TEXT", help = "why it is corrected, kept in the history" },
        { "--force", type = "boolean", default = false, help = "accept a date after today" },
        by,
      },
    },
    retract = {
      summary = "Remove a piece of evidence recorded by mistake (the history keeps it)",
      access = "coordinator",
      args = {
        { "evidence", metavar = "EVIDENCE", help = "the evidence's number, e.g. 12 or #12" },
        { "--reason", metavar = "TEXT", help = "why it is removed, kept in the history" },
        by,
      },
    },
    coalition = {
      summary = "Show, add to or remove from the guiding coalition, and its spread",
      help = "Without ACTION, shows the coalition. The spread is how many roles, departments "
        .. "and campuses its people come from; fewer roles than --min-roles is a warning.",
      access = "coordinator",
      args = {
        initiative,
        { "action", type = "enum", values = { "show", "add", "remove" }, default = "show",
          help = "show, add or remove" },
        { "ids", type = "person", many = true, optional = true, metavar = "ID", help = "person ids" },
        { "--min-roles", type = "integer", default = 3, metavar = "N",
          help = "warn when the coalition has people from fewer than N roles (0 = off)" },
        by,
      },
    },
    status = {
      summary = "Each step's status, owners, last evidence, due date and health, with warnings",
      access = "any",
      args = with_rules({
        { "initiative", optional = true, help = "one initiative (default: all of them)" },
      }),
    },
    report = {
      summary = "A shareable report: the 8 steps as chevrons, evidence timeline, coalition, warnings",
      access = "coordinator", -- it may write a file (--out)
      args = with_rules({
        initiative,
        { "--format", type = "enum", values = { "md", "html" }, default = "md", help = "Markdown or HTML" },
        { "--out", type = "path", metavar = "FILE", help = "write the report to FILE (default: print it)" },
      }),
    },
    guide = {
      summary = "Kotter's 8 steps and the questions to ask at each",
      access = "any",
      args = {
        { "step", optional = true, help = "one step: 1-8 or its name (default: all)" },
      },
    },
    history = {
      summary = "Every change made to an initiative, oldest first, from the event log",
      access = "any",
      args = {
        initiative,
      },
    },
  },
}
