-- Fixture: one command with an argument of every type, for the CLI tests
-- (parsing, type errors, generated --help, --json, --quiet, --debug).
return {
  name = "typed",
  version = "1.2.3",
  api = 1,
  summary = "Arguments of every type",
  permissions = {},
  commands = {
    check = {
      summary = "Echo the parsed arguments back",
      args = {
        { "name", type = "string", help = "who is checked" },
        { "--count", type = "integer", default = 3, help = "how many" },
        { "--ratio", type = "number", default = 0.5, help = "a fraction" },
        { "--when", type = "date", default = "2026-09-01", help = "the day" },
        { "--level", type = "enum", values = { "low", "medium", "high" },
          default = "medium", help = "how much" },
        { "--input", type = "path", exists = true, help = "a file that exists" },
        { "--verbose", type = "boolean", default = false, help = "say more" },
        { "--tag", type = "string", many = true, help = "a label" },
      },
    },
    fail = {
      summary = "Fail with an error from a nested function",
      args = {},
    },
  },
}
