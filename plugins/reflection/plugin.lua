-- The manifest: plain data, read without running any of the plugin's code.
--
-- The plugin is named `reflection` (tables reflection_*, routes
-- /api/reflection/...) and answers `baton reflect`: the tutorial's small
-- example (examples/reflection) has the same name, so when a trainer puts
-- it earlier on the plugin path (`--plugins examples`) it shadows this one
-- cleanly instead of failing on the shared command word.
local round = { "round", type = "integer", min = 1, metavar = "ROUND", help = "the round's number (see `baton reflect list`)" }

return {
  name = "reflection",
  version = "0.1.0",
  api = 1,
  summary = "The leadership reflection checklist: teams rate how leadership is shared, in rounds, anonymously",
  description = "A checklist of statements on distributed leadership, each rated 1 (not yet) to 4 (embedded) "
    .. "with an optional comment, answered by every member of a group (a faculty, a PLC, the whole "
    .. "staff) in rounds per term. Results per statement and per role, change since the last round "
    .. "and trends across terms; no figure is shown for fewer than min_group answers, anywhere. "
    .. "See docs/practices/reflect.md.",
  namespace = "reflect",
  permissions = { "fs.read", "fs.write", "http.route" },
  depends = {},
  settings = {
    min_group = {
      type = "integer", default = 5, min = 2, max = 100,
      help = "the fewest answers a figure may rest on: a round, or a role, with fewer shows no results",
    },
  },
  pages = {
    { name = "reflect", title = "Reflection", data = "/api/reflection/page" },
  },
  commands = {
    items = {
      summary = "The checklist's statements: list, add, retire, or import them from a CSV file",
      help = "A new round asks the statements in use when it opens. Retiring a statement keeps every "
        .. "answer to it readable in past rounds' results; its number is never given to another. "
        .. "`items import --file FILE` adds the statements of a CSV file (header text[,source]), all or none.",
      args = {
        { "action", type = "enum", values = { "list", "add", "retire", "import" }, default = "list",
          metavar = "ACTION", help = "list (the default), add TEXT, retire N, import --file FILE" },
        { "what", optional = true, metavar = "TEXT|N", help = "the statement to add, or the number to retire" },
        { "--source", metavar = "TEXT", help = "with add: the idea it comes from, e.g. 'Spillane 2006'" },
        { "--file", type = "path", exists = true, metavar = "FILE", help = "with import: a CSV with the header text[,source]" },
        { "--all", type = "boolean", default = false, help = "with list: show retired statements too" },
      },
    },
    open = {
      summary = "Open a round of the checklist for a group",
      help = "Everyone in the group, as it is now, is asked every statement in use. Answers are "
        .. "anonymous unless --no-anonymous (then the coordinator may see who said what with "
        .. "`reflect answers`). Results show once the round is closed, by `reflect close` or at --closes.",
      args = {
        { "--group", type = "group", required = true, metavar = "GROUP", help = "who reflects: a team, a PLC, a committee, the whole staff" },
        { "--term", metavar = "TERM", help = "the term it belongs to (default: the term holding today, see `baton terms`)" },
        { "--anonymous", type = "boolean", default = true, help = "answers shown to nobody but their author (--no-anonymous: named)" },
        { "--closes", type = "date", metavar = "DATE", help = "the last day answers are taken (default: until `reflect close`)" },
      },
    },
    close = {
      summary = "Close a round: no more answers, and its results show",
      args = { round },
    },
    list = {
      summary = "The rounds, with how many have answered",
      args = {
        { "--group", type = "group", metavar = "GROUP", help = "only this group's rounds" },
        { "--open", type = "boolean", default = false, help = "only the rounds still taking answers" },
      },
    },
    answer = {
      summary = "Answer a round: your score for each statement, and a comment if you like",
      help = "Scores run from 1 to 4: 1 not yet, 2 emerging, 3 established, 4 embedded. Answer in one "
        .. "go or several; answering a statement again replaces the score. Your answer counts once "
        .. "every statement of the round has a score.",
      access = "self",
      self = "person",
      args = {
        round,
        { "person", type = "person", metavar = "PERSON", help = "who answers (their id)" },
        { "--item", many = true, metavar = "N=SCORE", help = "a statement's number and its score 1-4, e.g. 3=4; repeat for each" },
        { "--comment", many = true, metavar = "N=TEXT", help = "a comment on statement N, e.g. '3=we rotate chairs now'" },
      },
    },
    mine = {
      summary = "Your own answers to a round, and the round's results when they show",
      access = "self",
      self = "person",
      args = {
        round,
        { "person", type = "person", metavar = "PERSON", help = "whose answers (their id)" },
      },
    },
    missing = {
      summary = "Who in the round has not answered yet (for the coordinator's reminder)",
      args = { round },
    },
    results = {
      summary = "A round's results per statement and per role, and the change since the group's last round",
      help = "Shown once the round is closed and only for at least min_group answers; a role with fewer "
        .. "is not shown, and neither is a second role when the first could be worked out from the "
        .. "total (see docs/practices/reflect.md, 'Privacy').",
      args = {
        round,
        { "--csv", type = "path", metavar = "FILE", help = "also write the results as CSV" },
      },
    },
    trends = {
      summary = "A group's scores per statement across its rounds and terms",
      args = {
        { "--group", type = "group", required = true, metavar = "GROUP", help = "the group" },
        { "--csv", type = "path", metavar = "FILE", help = "also write the trends as CSV" },
      },
    },
    answers = {
      summary = "Who said what in a named round (--no-anonymous); refused for an anonymous one",
      args = { round },
    },
  },
}
