-- The manifest: plain data, read without running any of the plugin's code.
--
-- Every command on a cycle names the cycle and who runs it (PERSON): from
-- the browser the host fills PERSON with the signed-in person, and the
-- plugin lets only the cycle's coach and teacher in (a coordinator may
-- name either). Goals stay with the pair unless the teacher shares them.
local cycle = { "cycle", type = "integer", min = 1, metavar = "CYCLE", help = "the cycle's number (see `baton coach mine`)" }
local who = { "person", type = "person", metavar = "PERSON",
  help = "who does it: the cycle's coach or teacher (from the browser: you)" }

return {
  name = "coaching",
  version = "0.1.0",
  api = 1,
  summary = "Instructional coaching cycles: identify, learn, improve, with the coach from the expertise map",
  description = "A coach and a teacher run a cycle (Knight's Impact Cycle): identify a goal that can be "
    .. "measured, with a baseline and a target; learn a strategy, with a checklist; improve, measuring until "
    .. "the goal is met or revised. Sessions are logged; the teacher sees and edits their own cycle; goals "
    .. "stay with the pair unless shared. Coaches are suggested from the expertise map; caseloads and stalled "
    .. "cycles are the coordinator's. See docs/practices/coaching.md.",
  namespace = "coach",
  permissions = { "http.route" },
  depends = {},
  settings = {
    stall_weeks = { type = "integer", default = 3, min = 1, max = 20,
      help = "school weeks without a session, a measure or a phase change before an open cycle is stalled" },
    max_caseload = { type = "integer", default = 4, min = 1, max = 30,
      help = "open cycles a coach takes at most before `coach suggest` lists them as full" },
  },
  pages = {
    { name = "cycles", title = "Coaching", data = "/api/coaching/page" },
  },
  leadership = "/api/coaching/leadership",
  commands = {
    start = {
      summary = "Open a coaching cycle: a coach and a teacher, starting at identify",
      help = "From the browser the coach is you. A person cannot coach themselves; a coach and a teacher have "
        .. "one open cycle at a time. `coach suggest TAG --teacher T` proposes coaches from the expertise map.",
      access = "self",
      self = "coach",
      args = {
        { "teacher", type = "person", metavar = "TEACHER", help = "who is coached" },
        { "--coach", type = "person", metavar = "COACH", help = "who coaches (from the browser: you)" },
        { "--tag", metavar = "TAG", help = "the area, as the expertise map names it, e.g. questioning" },
        { "--goal", metavar = "TEXT", help = "the goal, if already known (or later with `coach identify`)" },
      },
    },
    identify = {
      summary = "Identify: the goal, how it is measured, the baseline and the target",
      help = "Run again while improving to revise the goal: the earlier one is kept in the cycle's history.",
      access = "self",
      args = {
        cycle, who,
        { "--goal", metavar = "TEXT", help = "what the teacher wants to change, e.g. 'more students answer open questions'" },
        { "--measure", metavar = "TEXT", help = "how it is measured, e.g. '% of students who answer in a lesson'" },
        { "--baseline", type = "number", metavar = "N", help = "where it stands now" },
        { "--target", type = "number", metavar = "N", help = "where it should get to" },
        { "--tag", metavar = "TAG", help = "the area, as the expertise map names it" },
      },
    },
    learn = {
      summary = "Learn: the strategy and its checklist; tick steps as they are done",
      access = "self",
      args = {
        cycle, who,
        { "--strategy", metavar = "TEXT", help = "the teaching strategy chosen, e.g. 'think-pair-share'" },
        { "--step", many = true, metavar = "TEXT", help = "a checklist step to add (repeat)" },
        { "--done", type = "integer", many = true, metavar = "N", help = "tick step N as done (repeat)" },
      },
    },
    measure = {
      summary = "Improve: record a measure of the goal; the cycle says when the target is reached",
      access = "self",
      args = {
        cycle, who,
        { "value", type = "number", metavar = "VALUE", help = "the measure, in the goal's unit" },
        { "--on", type = "date", metavar = "DATE", help = "the day it was measured (default today)" },
        { "--note", metavar = "TEXT", help = "what was measured, e.g. 'observed lesson, Year 9'" },
      },
    },
    session = {
      summary = "Log a coaching session of the cycle",
      access = "self",
      args = {
        cycle, who,
        { "--on", type = "date", metavar = "DATE", help = "the day (default today)" },
        { "--minutes", type = "integer", min = 1, max = 600, metavar = "N", help = "how long it took" },
        { "--note", metavar = "TEXT", help = "what was done or agreed (seen by the pair only)" },
      },
    },
    phase = {
      summary = "Move the cycle to a phase: identify, learn or improve",
      help = "Back to identify to revise the goal; forward when the phase before is complete. "
        .. "`coach close` ends a cycle.",
      access = "self",
      args = { cycle, who, { "phase", metavar = "PHASE", help = "identify, learn or improve" } },
    },
    close = {
      summary = "End the cycle: the goal met, or stopped",
      access = "self",
      args = {
        cycle, who,
        { "--outcome", type = "enum", values = { "met", "stopped" }, required = true, metavar = "OUTCOME",
          help = "met (the target was reached) or stopped" },
      },
    },
    share = {
      summary = "Share the cycle's goal and progress on the Coaching page (the teacher's choice)",
      help = "Only the teacher shares (or a coordinator naming them). A shared cycle that ends met counts as "
        .. "evidence of the coach's expertise in its tag. --no-share takes it back.",
      access = "self",
      args = {
        cycle, who,
        { "--share", type = "boolean", default = true, help = "share (default), or --no-share to make it private again" },
      },
    },
    show = {
      summary = "The whole cycle: goal, checklist, measures, sessions and revisions (the pair's only)",
      access = "self",
      args = { cycle, who },
    },
    mine = {
      summary = "Your cycles, as coach and as teacher",
      access = "self",
      args = {
        { "person", type = "person", metavar = "PERSON", help = "whose (from the browser: yours)" },
        { "--all", type = "boolean", default = false, help = "closed cycles too" },
      },
    },
    list = {
      summary = "Every cycle with its coach, teacher, phase, goal and last activity (the coordinator's)",
      args = { { "--open", type = "boolean", default = false, help = "only the open cycles" } },
    },
    caseload = {
      summary = "Each coach's caseload and the balance across the school",
      access = "any",
      args = {},
    },
    stalled = {
      summary = "Open cycles with nothing logged for stall_weeks school weeks",
      args = {},
    },
    suggest = {
      summary = "Coaches for a goal, from the expertise map, with room in their caseload",
      help = "Ranked by their expertise in TAG (evidenced > endorsed > declared, see `baton expertise helpers`), "
        .. "then by the smaller caseload. Coaches at max_caseload are listed as full.",
      args = {
        { "tag", metavar = "TAG", help = "the area of the goal, e.g. questioning" },
        { "--teacher", type = "person", metavar = "TEACHER", help = "who is to be coached (never suggested to coach themselves)" },
      },
    },
  },
}
