/* Tests of core/spec/manifest.c: every malformed manifest is refused with its
 * file, its line and what to write instead. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include <lauxlib.h>
#include <lualib.h>

#include "spec.h"

static char dir[] = "/tmp/baton-manifest-XXXXXX";

static int setup(void **state) {
  (void)state;
  return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state) {
  (void)state;
  char *cmd = baton__asprintf("rm -rf %s", dir);
  int r = system(cmd);
  free(cmd);
  return r;
}

/* Writes `src` as a manifest and loads it. */
static int load(const char *src, baton_manifest_t **m, char **err) {
  char *path = baton__asprintf("%s/plugin.lua", dir);
  assert_int_equal(baton__file_write_atomic(path, src, strlen(src), NULL), 0);
  int r = baton__manifest_load(path, m, err);
  free(path);
  return r;
}

static void expect_error(const char *src, const char *line,
                         const char *needle) {
  baton_manifest_t *m = NULL;
  char *err = NULL;
  assert_int_equal(load(src, &m, &err), BATON_EMANIFEST);
  assert_null(m);
  assert_non_null(err);
  char *where = baton__asprintf("%s/plugin.lua%s", dir, line);
  if (strstr(err, where) == NULL || strstr(err, needle) == NULL)
    fail_msg("error '%s' lacks '%s' or '%s'", err, where, needle);
  free(where);
  free(err);
}

#define HEAD "return {\n  name = \"x\",\n  version = \"0.1.0\",\n  api = 1,\n" \
             "  summary = \"s\",\n"

static void test_good_manifest_is_read_into_plain_data(void **state) {
  (void)state;
  baton_manifest_t *m;
  char *err = NULL;
  assert_int_equal(
      load(HEAD "  namespace = \"ex\",\n  permissions = { \"fs.read\" },\n"
                "  commands = {\n"
                "    zeta = { summary = \"z\" },\n"
                "    greet = { summary = \"g\", args = {\n"
                "      { \"who\", default = \"world\" },\n"
                "      { \"--times\", type = \"integer\", default = 2, short = \"t\" },\n"
                "      { \"--when\", type = \"enum\", values = { \"a\", \"b\" } },\n"
                "      { \"--dry-run\", default = false },\n"
                "    } },\n  },\n}\n",
           &m, &err),
      0);
  assert_null(err);
  assert_string_equal(m->name, "x");
  assert_string_equal(m->ns, "ex");
  assert_int_equal(m->perms, BATON_PERM_FS_READ);
  assert_int_equal(m->ncmds, 2);
  assert_string_equal(m->cmds[0].name, "greet"); /* sorted */
  const baton_cmdspec_t *g = baton__manifest_command(m, "greet");
  assert_int_equal(g->nargs, 4);
  assert_false(g->args[0].required); /* has a default */
  assert_int_equal(g->args[1].type, BATON_ARG_INTEGER);
  assert_int_equal(g->args[1].def.v.i, 2);
  assert_int_equal(g->args[1].short_name, 't');
  assert_int_equal(g->args[3].type, BATON_ARG_BOOLEAN); /* from the default */
  assert_string_equal(g->args[3].key, "dry_run");
  baton__manifest_free(m);
}

static void test_namespace_defaults_to_name(void **state) {
  (void)state;
  baton_manifest_t *m;
  char *err;
  assert_int_equal(load(HEAD "}\n", &m, &err), 0);
  assert_string_equal(m->ns, "x");
  assert_int_equal(m->ncmds, 0);
  baton__manifest_free(m);
}

static void test_rejects_syntax_error_with_line(void **state) {
  (void)state;
  expect_error("return {\n  name = \"x\"\n  version = \"1\"\n}\n", ":3:",
               "fix the syntax");
}

static void test_rejects_function_value_at_its_line(void **state) {
  (void)state;
  expect_error(HEAD "  commands = { go = { summary = \"g\",\n"
                    "    run = function() end } },\n}\n",
               ":7:", "move the code to init.lua");
}

static void test_rejects_missing_version(void **state) {
  (void)state;
  expect_error("return { name = \"x\", api = 1, summary = \"s\" }\n", "",
               "has no 'version'; add version = \"...\"");
}

static void test_rejects_wrong_api_level(void **state) {
  (void)state;
  expect_error("return {\n name = \"x\", version = \"1.0.0\",\n api = 2,\n"
               " summary = \"s\" }\n",
               ":3:", "needs host API level 2 but this baton provides level 1");
}

static void test_rejects_unknown_permission_with_suggestion(void **state) {
  (void)state;
  expect_error(HEAD "  permissions = { \"fs.reed\" },\n}\n", ":6:",
               "unknown permission 'fs.reed' (did you mean 'fs.read'?)");
}

static void test_file_permissions_may_name_folders(void **state) {
  (void)state;
  baton_manifest_t *m;
  char *err = NULL;
  assert_int_equal(load(HEAD "  permissions = { \"fs.read:exports/\", "
                             "\"fs.write:out/\", \"fs.write:a/b\", "
                             "\"spawn\" },\n}\n",
                        &m, &err),
                   0);
  assert_int_equal(m->perms, BATON_PERM_FS_READ | BATON_PERM_FS_WRITE |
                                 BATON_PERM_SPAWN);
  assert_int_equal(m->scopes.scoped, BATON_PERM_FS_READ | BATON_PERM_FS_WRITE);
  assert_int_equal(m->scopes.npaths[0], 1);
  assert_string_equal(m->scopes.paths[0][0], "exports/");
  assert_int_equal(m->scopes.npaths[1], 2);
  assert_string_equal(m->scopes.paths[1][1], "a/b");
  baton_buf_t b = {0};
  assert_int_equal(baton__grant_describe(m->perms, &m->scopes, &b), 0);
  assert_string_equal(b.data, "fs.read (exports/), fs.write (out/, a/b), spawn");
  baton__buf_free(&b);
  baton__manifest_free(m);
}

static void test_a_bare_file_permission_wins_over_folders(void **state) {
  (void)state;
  unsigned perms = 0;
  baton_scopes_t s = {0};
  char *err = NULL;
  assert_int_equal(baton__grant_add(&perms, &s, "fs.read:x/", "", &err), 0);
  assert_int_equal(baton__grant_add(&perms, &s, "fs.read", "", &err), 0);
  assert_int_equal(baton__grant_add(&perms, &s, "fs.read:y/", "", &err), 0);
  assert_int_equal(perms, BATON_PERM_FS_READ);
  assert_int_equal(s.scoped, 0);
  assert_int_equal(s.npaths[0], 0);
  baton_buf_t b = {0};
  baton__grant_describe(perms, &s, &b);
  assert_string_equal(b.data,
                      "fs.read (anywhere except the database and /proc)");
  baton__buf_free(&b);
  baton__scopes_free(&s);
}

static void test_rejects_a_path_on_a_permission_that_takes_none(void **state) {
  (void)state;
  expect_error(HEAD "  permissions = { \"spawn:/bin\" },\n}\n", ":6:",
               "permission 'spawn:/bin' takes no path (only fs.read and "
               "fs.write do); write spawn");
  expect_error(HEAD "  permissions = { \"fs.write:\" },\n}\n", ":6:",
               "permission 'fs.write:' names no path; write fs.write:DIR/ for "
               "one folder, or fs.write for anywhere");
}

static void test_rejects_unknown_field_with_suggestion(void **state) {
  (void)state;
  expect_error(HEAD "  comands = {},\n}\n", ":6:",
               "unknown field 'comands' in the manifest (did you mean "
               "'commands'?)");
}

static void test_reads_exports_and_hooks_and_checks_them(void **state) {
  (void)state;
  baton_manifest_t *m = NULL;
  char *err = NULL;
  assert_int_equal(load(HEAD "  exports = { \"init\", \"util.dates\" },\n"
                             "  hooks = { \"mentor.*\", \"rota.plan\", \"*\" "
                             "},\n}\n",
                        &m, &err),
                   0);
  assert_int_equal(m->nexports, 2);
  assert_string_equal(m->exports[1], "util.dates");
  assert_int_equal(m->nhooks, 3);
  baton__manifest_free(m);
  expect_error(HEAD "  exports = { \"../up\" },\n}\n",
               ":6:", "exports entry '../up' is not a module name");
  expect_error(HEAD "  exports = { \"a..b\" },\n}\n",
               ":6:", "is not a module name");
  expect_error(HEAD "  hooks = { \"mentor*\" },\n}\n",
               ":6:", "hooks entry 'mentor*' is not an event kind");
  expect_error(HEAD "  hooks = { \"a b\" },\n}\n",
               ":6:", "is not an event kind");
  expect_error(HEAD "  hooks = { \"*.x\" },\n}\n",
               ":6:", "is not an event kind");
}

static void test_hook_patterns_cover_kinds_and_narrower_patterns(void **state) {
  (void)state;
  assert_true(baton__hook_covers("*", "mentor.pair"));
  assert_true(baton__hook_covers("*", "mentor.*"));
  assert_true(baton__hook_covers("mentor.*", "mentor.pair"));
  assert_true(baton__hook_covers("mentor.*", "mentor.pair.end"));
  assert_true(baton__hook_covers("mentor.*", "mentor.*"));
  assert_false(baton__hook_covers("mentor.*", "mentoring.pair"));
  assert_false(baton__hook_covers("mentor.*", "mentor"));
  assert_false(baton__hook_covers("mentor.*", "*"));
  assert_true(baton__hook_covers("mentor.pair", "mentor.pair"));
  assert_false(baton__hook_covers("mentor.pair", "mentor.*"));
  assert_false(baton__hook_covers("mentor.pair", "mentor.pairs"));
}

static void test_rejects_bad_version_and_name(void **state) {
  (void)state;
  expect_error("return { name = \"x\", version = \"1.0\", api = 1, summary = "
               "\"s\" }\n", ":1:", "not a semantic version");
  expect_error("return { name = \"Bad Name\", version = \"1.0.0\", api = 1, "
               "summary = \"s\" }\n", ":1:", "name 'Bad Name' is not valid");
}

static void test_rejects_bad_arguments(void **state) {
  (void)state;
  expect_error(HEAD "  commands = { go = { summary = \"g\", args = {\n"
                    "    { \"--n\", type = \"integr\" } } } },\n}\n",
               ":7:", "(did you mean 'integer'?)");
  expect_error(HEAD "  commands = { go = { summary = \"g\", args = {\n"
                    "    { \"--n\", type = \"integer\", default = \"two\" } } } },\n}\n",
               "", "default of argument '--n' of command 'go' is a string");
  expect_error(HEAD "  commands = { go = { summary = \"g\", args = {\n"
                    "    { \"--json\" } } } },\n}\n",
               "", "--json is a flag of baton itself");
  expect_error(HEAD "  commands = { go = { summary = \"g\", args = {\n"
                    "    { \"--w\", type = \"enum\" } } } },\n}\n",
               "", "enum without values");
  expect_error(HEAD "  commands = { go = { args = {} } },\n}\n", "",
               "command 'go' has no 'summary'");
}

static void test_min_and_max_bound_integer_and_number_arguments(void **state) {
  (void)state;
  baton_manifest_t *m = NULL;
  char *err = NULL;
  assert_int_equal(load(HEAD "  commands = { go = { summary = \"g\", args = {\n"
                            "    { \"--n\", default = 2, min = 1, max = 8 },\n"
                            "    { \"--r\", type = \"number\", min = 0.5 } } } },\n}\n",
                        &m, &err),
                   0);
  const baton_argspec_t *n = &m->cmds[0].args[0], *r = &m->cmds[0].args[1];
  assert_true(n->min.set && n->max.set && n->min.v.i == 1 && n->max.v.i == 8);
  assert_true(r->min.set && !r->max.set && r->min.v.n == 0.5);
  baton__manifest_free(m);
  expect_error(HEAD "  commands = { go = { summary = \"g\", args = {\n"
                    "    { \"--w\", min = 1 } } } },\n}\n",
               ":7:", "has min, but its type is string; only integer and "
                      "number arguments take min and max");
  expect_error(HEAD "  commands = { go = { summary = \"g\", args = {\n"
                    "    { \"--n\", type = \"integer\", min = 1.5 } } } },\n}\n",
               ":7:", "min of argument '--n' of command 'go' is a number but "
                      "its type is integer");
  expect_error(HEAD "  commands = { go = { summary = \"g\", args = {\n"
                    "    { \"--n\", min = 5, max = 2, type = \"integer\" } } } },\n}\n",
               ":7:", "has min greater than max");
  expect_error(HEAD "  commands = { go = { summary = \"g\", args = {\n"
                    "    { \"--n\", default = 9, max = 8 } } } },\n}\n",
               ":7:", "default of argument '--n' of command 'go' is outside "
                      "its min and max");
}

/* Each load evaluates the manifest in a new Lua state, whose string hashes
 * have a seed of their own, so walking a table with lua_next meets its
 * keys in another order each time: the first error must not depend on it. */
static void test_first_error_is_the_same_whatever_the_hash_order(void **state) {
  (void)state;
  for (int i = 0; i < 40; i++) {
    expect_error(HEAD "  zeta = 1, kappa = 2, alpha = 3, omicron = 4,\n}\n",
                 ":6:", "unknown field 'alpha' in the manifest");
    expect_error(HEAD "  commands = {\n"
                      "    zz = { summary = \"z\", bogus = 1 },\n"
                      "    mm = { summary = \"m\", args = { { \"--x\", type = \"nope\" } } },\n"
                      "    aa = { summary = \"a\", wrong = 1, other = 2 },\n  },\n}\n",
                 ":9:", "unknown field 'other' in command 'aa'");
  }
}

static void test_cmdspec_read_takes_a_script_s_arguments(void **state) {
  (void)state;
  lua_State *L = luaL_newstate();
  assert_int_equal(luaL_dostring(L, "return { { 'day', type = 'date' }, "
                                    "{ '--n', default = 3, max = 5 } }"),
                   LUA_OK);
  baton_cmdspec_t cmd;
  char *err = NULL;
  assert_int_equal(baton__cmdspec_read(L, "plan.lua", &cmd, &err), 0);
  assert_null(err);
  assert_int_equal(cmd.nargs, 2);
  assert_true(cmd.args[0].required && cmd.args[0].type == BATON_ARG_DATE);
  assert_true(cmd.args[1].max.set && cmd.args[1].max.v.i == 5);
  baton__cmdspec_clear(&cmd);
  lua_pop(L, 1);
  assert_int_equal(luaL_dostring(L, "return { { '--quiet', type = 'boolean' }, "
                                    "{ '--n', type = 'integr' } }"),
                   LUA_OK);
  assert_int_equal(baton__cmdspec_read(L, "plan.lua", &cmd, &err),
                   BATON_EMANIFEST);
  /* A script's flags follow baton's own: --quiet is the script's. */
  assert_non_null(strstr(err, "baton.args: argument '--n' of script "
                              "'plan.lua' has type 'integr' (did you mean "
                              "'integer'?)"));
  free(err);
  baton__cmdspec_clear(&cmd);
  lua_close(L);
}

static void test_rejects_a_manifest_that_does_not_end(void **state) {
  (void)state;
  expect_error("while true do end\n", "", "runs too long");
}

static void test_rejects_a_manifest_that_allocates_too_much(void **state) {
  (void)state;
  expect_error("local s = 'x' for i = 1, 40 do s = s .. s end return s\n", "",
               "uses more than");
}

static void test_manifest_sees_no_globals(void **state) {
  (void)state;
  /* `os` is nil in the empty environment: indexing it is an error. */
  expect_error("os.execute('touch /tmp/pwned')\nreturn {}\n", ":1:",
               "no globals");
}

static void test_rejects_non_table_result(void **state) {
  (void)state;
  expect_error("return 42\n", ":1:", "returns an integer; it must return a table");
}

static void test_settings_are_read_sorted_and_typed(void **state) {
  (void)state;
  baton_manifest_t *m;
  char *err = NULL;
  assert_int_equal(
      load(HEAD "  settings = {\n"
                "    weight = { type = \"number\", default = 0.5, min = 0, "
                "max = 1 },\n"
                "    capacity = { default = 2, min = 1, help = \"h\" },\n"
                "    motto = { type = \"string\" },\n"
                "  },\n}\n",
           &m, &err),
      0);
  assert_int_equal(m->nsettings, 3);
  assert_string_equal(m->settings[0].name, "capacity");
  assert_int_equal(m->settings[0].type, BATON_ARG_INTEGER); /* from default */
  assert_int_equal(m->settings[0].def.v.i, 2);
  assert_true(m->settings[0].min.set && !m->settings[0].max.set);
  assert_string_equal(m->settings[0].help, "h");
  assert_string_equal(m->settings[1].name, "motto");
  assert_false(m->settings[1].def.set);
  assert_ptr_equal(baton__manifest_setting(m, "weight"), &m->settings[2]);
  assert_null(baton__manifest_setting(m, "nope"));
  baton__manifest_free(m);
}

static void test_rejects_bad_settings_at_their_line(void **state) {
  (void)state;
  expect_error(HEAD "  settings = {\n    size = { defualt = 2 },\n  },\n}\n",
               ":7:", "unknown field 'defualt' in setting 'size' (did you "
                      "mean 'default'?)");
  expect_error(HEAD "  settings = {\n    size = { type = \"integer\", "
                    "default = 1.5 },\n  },\n}\n",
               ":7:", "default of setting 'size' is a number but its type "
                      "is integer");
  expect_error(HEAD "  settings = {\n    size = { default = 0, min = 1 },\n"
                    "  },\n}\n",
               ":7:", "default of setting 'size' is outside its min and "
                      "max");
  expect_error(HEAD "  settings = {\n    size = { default = 5, min = 9, "
                    "max = 1 },\n  },\n}\n",
               ":7:", "setting 'size' has min greater than max");
  expect_error(HEAD "  settings = {\n    size = { type = \"date\", "
                    "default = \"2026-02-30\" },\n  },\n}\n",
               ":7:", "default of setting 'size' is not a date");
  expect_error(HEAD "  settings = {\n    Size = { default = 1 },\n  },\n}\n",
               ":6:", "settings must be named in lower case");
  expect_error(HEAD "  settings = 3,\n}\n", ":6:",
               "settings is an integer; it must be a table");
}

static void test_reads_access_pages_and_leadership(void **state) {
  (void)state;
  baton_manifest_t *m = NULL;
  char *err = NULL;
  assert_int_equal(
      load(HEAD "  pages = {\n"
                "    { name = \"pairs\", title = \"Pairs\", data = "
                "\"/api/x/page\" },\n"
                "    { name = \"board\", title = \"Board\", html = "
                "\"/api/x/board\", access = \"coordinator\" },\n"
                "  },\n"
                "  leadership = \"/api/x/lead\",\n"
                "  notices = \"/api/x/notices\",\n"
                "  permissions = { \"leadership.read\" },\n"
                "  commands = {\n"
                "    mine = { summary = \"s\", access = \"self\", args = {\n"
                "      { \"person\", type = \"person\" },\n"
                "      { \"--team\", type = \"group\" } } },\n"
                "    all = { summary = \"s\", access = \"any\" },\n"
                "    plan = { summary = \"s\" },\n"
                "  },\n}\n",
           &m, &err),
      0);
  assert_int_equal(m->npages, 2);
  assert_string_equal(m->pages[0].name, "pairs");
  assert_string_equal(m->pages[0].data, "/api/x/page");
  assert_null(m->pages[0].html);
  assert_int_equal(m->pages[0].access, BATON_ACCESS_ANY);
  assert_string_equal(m->pages[1].html, "/api/x/board");
  assert_int_equal(m->pages[1].access, BATON_ACCESS_COORDINATOR);
  assert_string_equal(m->leadership, "/api/x/lead");
  assert_string_equal(m->notices, "/api/x/notices");
  assert_int_equal(m->perms, BATON_PERM_LEADERSHIP_READ);
  const baton_cmdspec_t *mine = baton__manifest_command(m, "mine");
  assert_int_equal(mine->access, BATON_ACCESS_SELF);
  assert_string_equal(mine->self, "person");
  assert_int_equal(mine->args[0].type, BATON_ARG_PERSON);
  assert_string_equal(mine->args[0].metavar, "PERSON");
  assert_int_equal(mine->args[1].type, BATON_ARG_GROUP);
  assert_false(mine->args[0].inactive);
  assert_int_equal(baton__manifest_command(m, "all")->access,
                   BATON_ACCESS_ANY);
  assert_int_equal(baton__manifest_command(m, "plan")->access,
                   BATON_ACCESS_COORDINATOR);
  assert_null(baton__manifest_command(m, "plan")->self);
  baton__manifest_free(m);
}

static void test_rejects_bad_access_and_pages_at_their_line(void **state) {
  (void)state;
  expect_error(HEAD "  commands = {\n    a = { summary = \"s\",\n"
                    "      access = \"sefl\" } },\n}\n",
               ":8:", "access of command 'a' is 'sefl' (did you mean 'self'?)");
  expect_error(HEAD "  commands = {\n    a = { summary = \"s\",\n"
                    "      access = \"self\" } },\n}\n",
               ":8:", "has access = \"self\" but no argument 'person'");
  expect_error(HEAD "  commands = {\n    a = { summary = \"s\",\n"
                    "      self = \"who\", args = { { \"who\" } } } },\n}\n",
               ":8:", "but its access is not \"self\"");
  expect_error(HEAD "  commands = {\n    a = { summary = \"s\", access = "
                    "\"self\",\n      args = { { \"person\", type = "
                    "\"integer\" } } } },\n}\n",
               ":7:", "its self argument 'person' is of type integer");
  expect_error(HEAD "  pages = { { name = \"a\", title = \"A\" } },\n}\n",
               ":6:", "page 'a' must have exactly one of data");
  expect_error(HEAD "  pages = { { name = \"a\", title = \"A\", data = "
                    "\"/x\" } },\n}\n",
               ":6:", "data of page 1 is '/x'; it must be the path");
  expect_error(HEAD "  pages = { { name = \"a\", title = \"A\", data = "
                    "\"/api/a\" }, { name = \"a\", title = \"B\", data = "
                    "\"/api/b\" } },\n}\n",
               ":6:", "two pages are named 'a'");
  expect_error(HEAD "  pages = { { name = \"a\", title = \"A\", data = "
                    "\"/api/a\", access = \"self\" } },\n}\n",
               ":6:", "access of page 1 is 'self'");
  expect_error(HEAD "  pages = { x = 1 },\n}\n", ":6:",
               "pages must be a list of pages");
  expect_error(HEAD "  leadership = \"/api/a?b\",\n}\n", ":6:",
               "leadership of the manifest is '/api/a?b'");
  expect_error(HEAD "  notices = \"notices\",\n}\n", ":6:",
               "notices of the manifest is 'notices'; it must be the path "
               "of one of the plugin's GET routes");
  expect_error(HEAD "  permissions = { \"leadership.reed\" },\n}\n", ":6:",
               "did you mean 'leadership.read'?");
  expect_error(HEAD "  commands = {\n    a = { summary = \"s\", args = {\n"
                    "      { \"who\", type = \"persn\" } } } },\n}\n",
               ":8:", "(did you mean 'person'?)");
  expect_error(HEAD "  commands = {\n    a = { summary = \"s\", args = {\n"
                    "      { \"who\", inactive = true } } } },\n}\n",
               ":8:", "inactive = true is for a person argument");
}

static void test_a_person_argument_may_take_people_who_left(void **state) {
  (void)state;
  baton_manifest_t *m = NULL;
  char *err = NULL;
  assert_int_equal(load(HEAD "  commands = {\n    a = { summary = \"s\", "
                             "args = {\n      { \"who\", type = \"person\", "
                             "inactive = true } } } },\n}\n",
                        &m, &err),
                   0);
  assert_true(baton__manifest_command(m, "a")->args[0].inactive);
  baton__manifest_free(m);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_settings_are_read_sorted_and_typed),
      cmocka_unit_test(test_rejects_bad_settings_at_their_line),
      cmocka_unit_test(test_good_manifest_is_read_into_plain_data),
      cmocka_unit_test(test_namespace_defaults_to_name),
      cmocka_unit_test(test_reads_exports_and_hooks_and_checks_them),
      cmocka_unit_test(test_hook_patterns_cover_kinds_and_narrower_patterns),
      cmocka_unit_test(test_rejects_syntax_error_with_line),
      cmocka_unit_test(test_rejects_function_value_at_its_line),
      cmocka_unit_test(test_rejects_missing_version),
      cmocka_unit_test(test_rejects_wrong_api_level),
      cmocka_unit_test(test_rejects_unknown_permission_with_suggestion),
      cmocka_unit_test(test_file_permissions_may_name_folders),
      cmocka_unit_test(test_a_bare_file_permission_wins_over_folders),
      cmocka_unit_test(test_rejects_a_path_on_a_permission_that_takes_none),
      cmocka_unit_test(test_rejects_unknown_field_with_suggestion),
      cmocka_unit_test(test_rejects_bad_version_and_name),
      cmocka_unit_test(test_rejects_bad_arguments),
      cmocka_unit_test(test_rejects_a_manifest_that_does_not_end),
      cmocka_unit_test(test_rejects_a_manifest_that_allocates_too_much),
      cmocka_unit_test(test_manifest_sees_no_globals),
      cmocka_unit_test(test_rejects_non_table_result),
      cmocka_unit_test(test_min_and_max_bound_integer_and_number_arguments),
      cmocka_unit_test(test_first_error_is_the_same_whatever_the_hash_order),
      cmocka_unit_test(test_cmdspec_read_takes_a_script_s_arguments),
      cmocka_unit_test(test_a_person_argument_may_take_people_who_left),
      cmocka_unit_test(test_reads_access_pages_and_leadership),
      cmocka_unit_test(test_rejects_bad_access_and_pages_at_their_line),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
