-- The manifest: plain data, read without running any of the plugin's code.
--
-- Who may run what from the browser: reading is for anyone signed in;
-- recording (a meeting's time, evidence, a data review, moving a phase,
-- closing with findings) is "self": the host fills --by with the signed-in
-- person, and the plugin lets only the group's members (and a phase's
-- owners, for their phase) record into a cycle. A data upload reads a file
-- on the server's machine, so from the browser only a coordinator runs it.
local cycle = { "cycle", type = "integer", min = 1, metavar = "CYCLE", help = "the cycle's number (see `baton inquiry list`)" }
local phase = { "--phase", metavar = "PHASE",
  help = "the phase it belongs to: its number or name in the cycle's model (default: the cycle's current phase)" }
local date = { "--date", type = "date", metavar = "DATE", help = "when it happened (default today; not after today)" }
local by = { "--by", type = "person", metavar = "ID",
  help = "who records it: a member of the cycle's group (in the browser, the signed-in person)" }

return {
  name = "inquiry",
  version = "0.1.0",
  api = 1,
  summary = "PLC and action-research cycles: a question, the phases of an inquiry model, evidence, protected time",
  description = "A professional learning community (a group) opens a cycle with a question and moves it "
    .. "through the phases of an inquiry model (the spiral of inquiry, plan-do-study-act, or the school's "
    .. "own); each phase has owners from any role and dated evidence (notes, links, CSV data summarised, "
    .. "data reviews); members log their meetings with minutes and whether the time was protected. "
    .. "Status shows cycles gone quiet for school weeks, phases passed without evidence and protected "
    .. "time against time spent; a cycle closes with findings that can open the next one. "
    .. "See docs/practices/inquiry.md.",
  namespace = "inquiry",
  permissions = { "fs.read", "http.route" },
  depends = {},
  settings = {
    quiet_weeks = {
      type = "integer", default = 3, min = 1, max = 20,
      help = "school weeks with no meeting logged after which a cycle is called quiet",
    },
    min_protected = {
      type = "integer", default = 50, min = 0, max = 100,
      help = "the share (%) of a cycle's meeting time that should be protected time; less is a warning (0 = off)",
    },
    default_model = {
      type = "string", default = "spiral",
      help = "the model a new cycle follows unless --model says otherwise (see `baton inquiry models`)",
    },
  },
  pages = {
    { name = "inquiry", title = "Inquiry", data = "/api/inquiry/overview" },
    { name = "cycles", title = "Cycle board", data = "/api/inquiry/board" },
  },
  leadership = "/api/inquiry/leadership",
  commands = {
    models = {
      summary = "The inquiry models and their phases; import the school's own from a CSV file",
      help = "Two models come with baton: spiral (the spiral of inquiry: scanning, focusing, developing a "
        .. "hunch, learning, taking action, checking) and pdsa (plan, do, study, act). `models import "
        .. "--file FILE` adds or replaces the school's models from a CSV with the header "
        .. "model,phase[,purpose], one row per phase in order, all or none. A cycle keeps the phases it "
        .. "opened with.",
      access = "any",
      args = {
        { "action", type = "enum", values = { "list", "import" }, default = "list", metavar = "ACTION",
          help = "list (the default) or import --file FILE" },
        { "--file", type = "path", exists = true, metavar = "FILE", help = "with import: model,phase[,purpose] rows" },
      },
    },
    open = {
      summary = "Open an inquiry cycle for a group with its question",
      help = "The cycle starts in its model's first phase. --topic tags what it is about (e.g. 'formative "
        .. "assessment'): when the cycle closes with findings, its lead and phase owners are credited with "
        .. "expertise in it. --from CYCLE links it to the finished cycle whose findings it follows.",
      access = "self",
      self = "by",
      args = {
        { "question", metavar = "QUESTION", help = "what the group wants to find out, e.g. \"How do our Year 9s use feedback?\"" },
        { "--group", type = "group", required = true, metavar = "GROUP", help = "the PLC or team that inquires (see `baton groups list`)" },
        { "--model", metavar = "MODEL", help = "the inquiry model (default: the default_model setting; see `baton inquiry models`)" },
        { "--topic", metavar = "TAG", help = "what the inquiry is about, as an expertise tag, e.g. 'formative assessment'" },
        { "--lead", type = "person", metavar = "ID", help = "who leads the cycle (any role; default: the group's lead, else --by)" },
        { "--from", type = "integer", min = 1, metavar = "CYCLE", help = "the closed cycle whose findings this one follows" },
        date,
        by,
      },
    },
    list = {
      summary = "The cycles, with their phase and time logged",
      access = "any",
      args = {
        { "--group", type = "group", metavar = "GROUP", help = "only this group's cycles" },
        { "--open", type = "boolean", default = false, help = "only the cycles still open" },
      },
    },
    show = {
      summary = "A cycle's board: each phase's owners and evidence, meetings, data reviews, findings",
      access = "any",
      args = { cycle },
    },
    phase = {
      summary = "Move a cycle to a phase, set a phase's owners, or mark a phase done",
      help = "PHASE is a number or a name of the cycle's model. Without --done the cycle moves to PHASE "
        .. "(back or forward: inquiry is a spiral). --done marks PHASE done and moves the cycle on to the "
        .. "next phase. Owners may come from any role and need not be in the group.",
      access = "self",
      self = "by",
      args = {
        cycle,
        { "phase", metavar = "PHASE", help = "a phase of the cycle's model: its number or its name" },
        { "--owner", type = "person", many = true, metavar = "ID", help = "who leads this phase (repeat; replaces the owners)" },
        { "--done", type = "boolean", default = false, help = "mark the phase done and move on to the next" },
        date,
        by,
      },
    },
    log = {
      summary = "Log a meeting's time for a cycle, and whether it was protected time",
      help = "Protected time is time the school set aside for the group (timetabled PLC time, cover "
        .. "provided); --no-protected is time found around teaching. Status compares the two.",
      access = "self",
      self = "by",
      args = {
        cycle,
        { "--minutes", type = "integer", min = 1, max = 1440, required = true, metavar = "N", help = "how long the meeting took" },
        { "--protected", type = "boolean", default = true, help = "it was time set aside for the group (--no-protected: it was not)" },
        { "--notes", metavar = "TEXT", help = "the minutes of the meeting: what was discussed" },
        phase,
        date,
        by,
      },
    },
    evidence = {
      summary = "Record evidence for a phase: a dated note, with a link if there is one",
      access = "self",
      self = "by",
      args = {
        cycle,
        { "text", metavar = "TEXT", help = "what was found or done, e.g. \"interviewed 12 students about feedback\"" },
        { "--link", metavar = "URL", help = "where to see it (a document, a survey, a slide deck)" },
        phase,
        date,
        by,
      },
    },
    data = {
      summary = "Add a CSV data file as evidence, summarised: its rows and each numeric column",
      help = "Only the summary is kept (rows, and count, min, mean and max of each column whose cells are "
        .. "all numbers), never the rows: a file of students' results stays where it is. It reads a file "
        .. "on this machine, so from the browser only a coordinator may run it.",
      access = "coordinator",
      args = {
        cycle,
        { "file", type = "path", exists = true, metavar = "FILE", help = "a CSV file with a header row" },
        { "--note", metavar = "TEXT", help = "what the data is, e.g. \"exit tickets, weeks 1-4\"" },
        phase,
        date,
        by,
      },
    },
    review = {
      summary = "Record a data review: what the group looked at, and what it decided",
      access = "self",
      self = "by",
      args = {
        cycle,
        { "--looked-at", required = true, metavar = "TEXT", help = "the data the group looked at" },
        { "--decided", required = true, metavar = "TEXT", help = "what the group decided from it" },
        phase,
        date,
        by,
      },
    },
    close = {
      summary = "Close a cycle with its findings; --next opens the cycle they lead to",
      access = "self",
      self = "by",
      args = {
        cycle,
        { "--finding", many = true, metavar = "TEXT", help = "what the cycle found (repeat for each)" },
        { "--next", metavar = "QUESTION", help = "open the next cycle with this question, linked to this one" },
        date,
        by,
      },
    },
    status = {
      summary = "Open cycles' health: quiet for school weeks, phases without evidence, protected time",
      access = "any",
      args = {
        { "cycle", type = "integer", min = 1, optional = true, metavar = "CYCLE", help = "one cycle (default: every open cycle)" },
        { "--group", type = "group", metavar = "GROUP", help = "only this group's cycles" },
        { "--weeks", type = "integer", min = 1, max = 20, metavar = "N",
          help = "school weeks without a meeting that make a cycle quiet (default: the quiet_weeks setting)" },
      },
    },
  },
}
