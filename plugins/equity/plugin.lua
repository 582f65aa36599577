-- The manifest: plain data, read without running any of the plugin's code.
--
-- equity reads what every practice counts as leadership (their
-- `leadership` routes, through baton.leadership.collect) and the groups'
-- leads and chairs, and shows how evenly leadership is spread.
local term = { "--term", metavar = "TERM", help = "the term (a name from `baton terms list`, or a school year such as 2025-2026; default: today's)" }

return {
  name = "equity",
  version = "0.1.0",
  api = 1,
  summary = "The spread of leadership: who holds which role, across every practice and group",
  description = "One picture of the leadership roles each person holds across every practice that "
    .. "declares them (mentoring, rota, change steps, recognition, a district's own) and every "
    .. "group (leads, chairs, representatives): per person, per role and per department, with the "
    .. "share held by the top 10% of people, a concentration index (Gini), the people with none, "
    .. "and term over term. See docs/practices/equity.md.",
  namespace = "equity",
  permissions = { "leadership.read", "http.route", "fs.write" },
  settings = {
    threshold = {
      type = "number", default = 0.5, min = 0, max = 1,
      help = "the concentration index (Gini, 0 = even, 1 = one person holds all) above which the overview warns",
    },
  },
  pages = {
    { name = "spread", title = "Spread of leadership", data = "/api/equity/page" },
  },
  notices = "/api/equity/notices",
  commands = {
    report = {
      summary = "Who holds which leadership role, and how concentrated leadership is",
      help = "Counts each person's roles across every practice (for the term where a practice counts "
        .. "by term, else as of now) and every group lead or chair, then shows the figures, the roles, "
        .. "the departments, the people and the terms before. --csv writes one row per person and role, "
        .. "--html a page to share.",
      args = {
        term,
        { "--csv", type = "path", metavar = "FILE", help = "also write one row per person and role as CSV" },
        { "--html", type = "path", metavar = "FILE", help = "also write the report as an HTML page" },
        { "--top", type = "integer", default = 10, min = 0, max = 10000, help = "how many people to list (0: all)" },
        { "--school", metavar = "SCHOOL", help = "a district database: the picture of one school (`baton schools list`)" },
        { "--by-school", type = "boolean", default = false,
          help = "a district database: the figures of each school side by side, and the district's" },
      },
    },
    snapshot = {
      summary = "Keep this term's picture, so later terms compare with it",
      help = "Practices that count by term are asked for the term again at any time; the others only know "
        .. "now, and groups change. A snapshot keeps the whole picture of the term as it is today; taking "
        .. "it again replaces it. Take one at the end of each term.",
      args = { term },
    },
  },
}
