-- The manifest of the kudos board: plain data, read without running
-- any of the plugin's code. docs/plugins.md, "Tutorial", builds it step by step.
return {
  name = "kudos",
  version = "0.1.0",
  api = 1,
  summary = "A kudos board (the small example; the practice is plugins/recognition): staff thank a colleague; a weekly digest lists the thanks",
  namespace = "kudos",
  permissions = { "http.route" },
  depends = {},
  -- The board in the dashboard's navigation: a whole page the plugin
  -- renders (baton.html.render), for everyone signed in.
  pages = {
    { name = "board", title = "Kudos board", html = "/api/kudos/board" },
  },
  commands = {
    post = {
      summary = "Thank a colleague for something they did",
      -- Anyone thanks anyone, as themselves: in the browser the host fills
      -- FROM with the signed-in person (a coordinator may name anyone).
      access = "self",
      self = "from",
      args = {
        { "from", type = "person", metavar = "FROM", help = "who says thank you (a person id)" },
        { "to", type = "person", metavar = "TO", help = "who is thanked (a person id)" },
        { "message", metavar = "TEXT", help = "what for, in a sentence" },
        { "--date", type = "date", metavar = "DATE", help = "when (default today)" },
      },
    },
    digest = {
      summary = "The thanks of a week, and how they spread across roles",
      access = "any",
      args = {
        { "--week-of", type = "date", metavar = "DATE", help = "any day of the week (default today)" },
      },
    },
  },
}
