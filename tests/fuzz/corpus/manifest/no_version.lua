-- Fixture: a manifest without its version.
return {
  name = "no_version",
  api = 1,
  summary = "forgot the version",
  commands = {},
}
