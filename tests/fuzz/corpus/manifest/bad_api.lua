-- Fixture: a manifest asking for a host API level this host lacks (line 5).
return {
  name = "bad_api",
  version = "1.0.0",
  api = 99,
  summary = "from the future",
  commands = {},
}
