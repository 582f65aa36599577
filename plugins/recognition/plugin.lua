-- The manifest: plain data, read without running any of the plugin's code.
--
-- The plugin is named `recognition` (table recognition_thanks, routes
-- /api/recognition/...) and answers `baton thanks`. The small example it
-- grew from is examples/kudos (`baton kudos`), with names of its own, so
-- both can be on the plugin path at once.
local period = {
  { "--term", metavar = "TERM", help = "a term of the school calendar (default: the term holding today)" },
  { "--from", type = "date", metavar = "DATE", help = "count from this day instead of a term" },
  { "--to", type = "date", metavar = "DATE", help = "with --from: the last day counted (default today)" },
}

return {
  name = "recognition",
  version = "0.1.0",
  api = 1,
  summary = "Thanks and celebration across all roles: anyone thanks anyone; a board for the staff room",
  description = "Anyone signed in thanks a colleague in a sentence, optionally linked to the practice "
    .. "it belongs to (a PLC, a change step, a mentoring pair). The board shows the thanks on the staff "
    .. "room screen; the spread shows who has been thanked this term, by role; the coordinator may hide "
    .. "a message (kept in the history) and sees, alone, who has not been thanked for a long time. "
    .. "See docs/practices/recognition.md.",
  namespace = "thanks",
  permissions = { "fs.write", "http.route" },
  depends = {},
  settings = {
    quiet_weeks = {
      type = "integer", default = 8, min = 1, max = 52,
      help = "weeks without a thank-you after which a person is in the coordinator's nudges",
    },
  },
  -- The staff room board (a whole HTML page), the practice's page, and the
  -- coordinator's page (nudges, hidden messages), which the host refuses
  -- to everyone else. What the overview and the equity picture count as
  -- leadership here: thanks given and received, per person, by term.
  pages = {
    { name = "board", title = "Thanks board", html = "/api/recognition/board" },
    { name = "thanks", title = "Recognition", data = "/api/recognition/page" },
    { name = "quiet", title = "Recognition: nudges", data = "/api/recognition/coordinator", access = "coordinator" },
  },
  leadership = "/api/recognition/leadership",
  commands = {
    post = {
      summary = "Thank a colleague for something they did",
      help = "A sentence or two (at most 280 characters). --link ties it to a practice: "
        .. "group:NAME (a PLC, a team), change:INITIATIVE/STEP or pair:MENTOR/MENTEE.",
      -- Anyone thanks anyone, as themselves: in the browser the host fills
      -- FROM with the signed-in person (a coordinator may name anyone).
      access = "self",
      self = "from",
      args = {
        { "from", type = "person", metavar = "FROM", help = "who says thank you (a person id)" },
        { "to", type = "person", metavar = "TO", help = "who is thanked (a person id)" },
        { "message", metavar = "TEXT", help = "what for, in a sentence" },
        { "--link", metavar = "LINK", help = "the practice it belongs to: group:NAME, change:INITIATIVE/STEP, pair:MENTOR/MENTEE" },
        { "--date", type = "date", metavar = "DATE", help = "when (default today; not in the future)" },
      },
    },
    list = {
      summary = "The thanks of a term (or of --from/--to), newest first; hidden ones are not shown",
      access = "any",
      args = period,
    },
    spread = {
      summary = "Who has been thanked this term, by staff role, and the thanks each role gave",
      access = "any",
      args = period,
    },
    nudges = {
      summary = "Who has not been thanked for quiet_weeks weeks or more: for the coordinator alone",
      help = "Never shown to anyone else: not on a page, a route or a CSV anyone else can reach. "
        .. "People who started within that time are left out.",
      access = "coordinator",
      args = {
        { "--weeks", type = "integer", min = 1, max = 52, metavar = "N", help = "weeks of quiet (default: the quiet_weeks setting)" },
      },
    },
    hide = {
      summary = "Hide a thank-you from the board and every public list (it stays in the history)",
      access = "coordinator",
      args = {
        { "id", type = "integer", min = 1, metavar = "ID", help = "the thank-you's number (see `baton thanks history`)" },
        { "--reason", metavar = "TEXT", help = "why, for the history (seen by coordinators only)" },
      },
    },
    unhide = {
      summary = "Show a hidden thank-you again",
      access = "coordinator",
      args = {
        { "id", type = "integer", min = 1, metavar = "ID", help = "the thank-you's number" },
      },
    },
    history = {
      summary = "Every thank-you with its number, hidden ones too, with who hid them and why",
      access = "coordinator",
      args = {
        { "--hidden", type = "boolean", default = false, help = "only the hidden ones" },
      },
    },
    export = {
      summary = "Write the public thanks and the spread of a term as CSV files",
      access = "coordinator", -- it writes files
      args = {
        { "--thanks", type = "path", metavar = "FILE", help = "the thanks (not hidden), one a line" },
        { "--spread", type = "path", metavar = "FILE", help = "the spread, one role a line" },
        period[1], period[2], period[3],
      },
    },
  },
}
