/* tests/fuzz/fuzz_args.c: arbitrary argv through baton__args_parse
 * (core/spec/args.c) against a fixed command spec with an argument of every
 * type, short flags, a repeated flag and a trailing `many` positional. The
 * first byte picks the command and whether it passes the rest through (as
 * `baton run` does); the rest, split at NUL bytes, is argv. The parser
 * returns 0, 1 (--help) or BATON_EUSAGE with a message; parsed values push
 * onto a Lua table. */
#include "fuzz_common.h"

static const char spec_text[] =
    "return {\n"
    "  name = 'fz', version = '1.0.0', api = 1, summary = 'fuzz',\n"
    "  commands = {\n"
    "    every = { summary = 'every type', args = {\n"
    "      { 'name', type = 'string', help = 'who' },\n"
    "      { '--count', short = 'c', type = 'integer', default = 3 },\n"
    "      { '--ratio', type = 'number', default = 0.5 },\n"
    "      { '--when', type = 'date', default = '2026-09-01' },\n"
    "      { '--level', short = 'l', type = 'enum',\n"
    "        values = { 'low', 'medium', 'high' }, default = 'medium' },\n"
    "      { '--input', type = 'path' },\n"
    "      { '--verbose', short = 'v', type = 'boolean', default = false },\n"
    "      { '--tag', type = 'string', many = true },\n"
    "      { '--need', type = 'integer', required = true },\n"
    "    } },\n"
    "    rest = { summary = 'many positionals', args = {\n"
    "      { 'first', type = 'date' },\n"
    "      { 'more', type = 'number', many = true, optional = true },\n"
    "      { '--dry-run', type = 'boolean', default = false },\n"
    "    } },\n"
    "    none = { summary = 'no arguments', args = {} },\n"
    "  },\n"
    "}\n";

static baton_manifest_t *m_;
static lua_State *L_;

static void cleanup(void) {
  baton__manifest_free(m_);
  lua_close(L_);
}

static int push_vals(lua_State *L) {
  const baton_cmdspec_t *spec = lua_touserdata(L, 1);
  const baton_value_t *vals = lua_touserdata(L, 2);
  baton__args_push(L, spec, vals);
  return 1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (m_ == NULL) {
    const char *path = fuzz_write("args.lua", (const uint8_t *)spec_text,
                                  sizeof spec_text - 1);
    char *err = NULL;
    int rc = baton__manifest_load(path, &m_, &err);
    FUZZ_CHECK(rc == 0, "the fixed spec: %s", err ? err : "?");
    L_ = luaL_newstate();
    atexit(cleanup);
  }
  if (size < 1)
    return 0;
  baton_cmdspec_t spec = m_->cmds[data[0] % m_->ncmds];
  spec.passthrough = (data[0] & 0x80) != 0;
  data++;
  size--;

  /* argv: the rest split at NUL bytes, at most 64 words. */
  char *copy = malloc(size + 1);
  memcpy(copy, data, size);
  copy[size] = '\0';
  const char *argv[64];
  int argc = 0;
  size_t start = 0;
  for (size_t i = 0; i <= size && argc < 64; i++) {
    if (i == size || copy[i] == '\0') {
      if (i == size && start == size && argc > 0)
        break;
      argv[argc++] = copy + start;
      start = i + 1;
    }
  }
  if (size == 0)
    argc = 0;

  baton_value_t *vals = NULL;
  int consumed = -1;
  char *err = NULL;
  int rc = baton__args_parse(&spec, argc, argv, &vals, &consumed, &err);
  FUZZ_CHECK(rc == 0 || rc == 1 || rc == BATON_EUSAGE || rc == BATON_ENOMEM,
             "unexpected result %d", rc);
  if (rc == BATON_EUSAGE)
    FUZZ_CHECK(err != NULL && err[0] != '\0', "a usage error without message");
  if (rc == 0) {
    FUZZ_CHECK(!spec.passthrough || (consumed >= 0 && consumed <= argc),
               "consumed %d of %d", consumed, argc);
    lua_pushcfunction(L_, push_vals);
    lua_pushlightuserdata(L_, &spec);
    lua_pushlightuserdata(L_, vals);
    FUZZ_CHECK(lua_pcall(L_, 2, 1, 0) == LUA_OK, "push: %s",
               lua_tostring(L_, -1));
    lua_settop(L_, 0);
  }
  if (vals != NULL)
    baton__args_free(&spec, vals);
  free(err);
  free(copy);
  return 0;
}
