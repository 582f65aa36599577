-- Fixture: a misspelt permission on line 7.
return {
  name = "bad_perm",
  version = "1.0.0",
  api = 1,
  summary = "asks for a permission that does not exist",
  permissions = { "fs.raed" },
  commands = {},
}
