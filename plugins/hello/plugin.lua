-- The manifest: plain data, read without running any of the plugin's code.
return {
  name = "hello",
  version = "0.1.0",
  api = 1,
  summary = "A small example plugin: greet people, and say who leads what",
  namespace = "hello",
  permissions = {},
  depends = {},
  commands = {
    greet = {
      summary = "Say hello",
      access = "any", -- harmless: anyone signed in (not viewers) may run it from the browser
      args = {
        { "who", type = "string", default = "world", help = "who to greet" },
        { "--times", type = "integer", default = 1, help = "how many times" },
      },
    },
    leaders = {
      summary = "Who leads what: every group's leads, and leadership by role",
      access = "any",
      help = "Reads the people and groups in the database (baton people import, "
        .. "baton groups import) and shows that leadership is spread across roles.",
      args = {
        { "--kind", help = "only groups of this kind (plc, committee, team, ...)" },
      },
    },
  },
}
