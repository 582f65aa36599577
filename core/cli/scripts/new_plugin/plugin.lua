-- The manifest of the %s plugin: plain data, read without running any
-- code. The contract is in docs/plugins.md.
return {
  name = "%s",
  version = "0.1.0",
  api = %d,
  summary = "TODO: what this practice does, in one line",
  namespace = "%s",
  permissions = {},
  depends = {},
  commands = {
    hello = {
      summary = "Say who leads what (replace with your first command)",
      args = {
        { "who", default = "everyone", help = "who to greet" },
        { "--times", type = "integer", default = 1, help = "how many times" },
      },
    },
  },
}
