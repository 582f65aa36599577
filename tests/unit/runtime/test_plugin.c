/* Tests of core/runtime/plugin.c: loading a plugin's code (each way it can
 * fail, with the file and line), dependencies loaded first, unloading, and the
 * state names. */
#include "helpers.h"

typedef struct {
  scratch_t *s;
  thost_t *t;
} fx_plugin_t;

static int setup(void **state) {
  fx_plugin_t *f = calloc(1, sizeof *f);
  f->s = scratch_new();
  *state = f;
  return 0;
}

static int teardown(void **state) {
  fx_plugin_t *f = *state;
  if (f->t)
    host_close(f->t);
  scratch_free(f->s);
  free(f);
  return 0;
}

#define GO "  commands = { go = { summary = 'go' } },\n"

/* Writes plugin `name` (command go) with init.lua `code` (NULL: none). */
static void write_plugin(fx_plugin_t *f, const char *name, const char *extra,
                         const char *code) {
  char *fields = baton__asprintf("%s" GO, extra ? extra : "");
  char *m = manifest_text(name, fields);
  free(plugin_write(f->s->dir, name, m, code));
  free(m);
  free(fields);
}

/* Scans the scratch directory and tries to load `name`: returns the load's
 * result, with the plugin in *out. */
static int load(fx_plugin_t *f, const char *name, baton_plugin_t **out) {
  if (f->t == NULL)
    f->t = host_open(f->s->dir, 2000);
  assert_int_equal(baton_host_scan(f->t->h), 0);
  baton_plugin_t *p = baton_host_plugin_find(f->t->h, name);
  assert_non_null(p);
  assert_string_equal(baton_plugin_state(p), "available");
  *out = p;
  return baton__plugin_load(p);
}

/* Asserts that loading `name` fails with `err` and a message holding the
 * plugin's own init.lua path followed by `tail`; the state is closed. */
static void expect_load_failure(fx_plugin_t *f, const char *name, int err,
                                const char *tail) {
  baton_plugin_t *p;
  assert_int_equal(load(f, name, &p), err);
  assert_string_equal(baton_plugin_state(p), "failed");
  assert_null(p->L);
  assert_int_equal(p->module_ref, LUA_NOREF);
  char *want = baton__asprintf("%s/%s/init.lua%s", f->s->dir, name, tail);
  assert_non_null(baton_plugin_error(p));
  assert_contains(baton_plugin_error(p), want);
  free(want);
}

/* Calls M.fn() on the loaded plugin; returns its result as text. */
static const char *call(baton_plugin_t *p, const char *fn) {
  static char buf[256];
  push_handler(p, fn);
  if (baton__sandbox_pcall(p, 0, 1) != LUA_OK)
    fail_msg("M.%s failed: %s", fn, lua_tostring(p->L, -1));
  snprintf(buf, sizeof buf, "%s", luaL_tolstring(p->L, -1, NULL));
  lua_pop(p->L, 2);
  return buf;
}

static void test_load_fails_without_init_lua(void **state) {
  fx_plugin_t *f = *state;
  write_plugin(f, "empty", NULL, NULL);
  expect_load_failure(f, "empty", BATON_ENOENT,
                      "; a plugin's code lives in init.lua beside plugin.lua");
  baton_plugin_t *p = baton_host_plugin_find(f->t->h, "empty");
  assert_contains(baton_plugin_error(p), "plugin 'empty' has no ");
}

static void test_load_fails_on_syntax_error_with_file_and_line(void **state) {
  fx_plugin_t *f = *state;
  write_plugin(f, "syn", NULL, "local M = {}\nlocal x = = 1\nreturn M\n");
  expect_load_failure(f, "syn", BATON_EPLUGIN, ":2:");
}

static void test_load_fails_on_error_raised_by_init_lua(void **state) {
  fx_plugin_t *f = *state;
  write_plugin(f, "raiser", NULL,
               "local M = {}\n\nerror('no config here')\nreturn M\n");
  expect_load_failure(f, "raiser", BATON_EPLUGIN, ":3: no config here");
}

static void test_load_fails_when_init_lua_returns_no_table(void **state) {
  fx_plugin_t *f = *state;
  write_plugin(f, "num", NULL, "return 42\n");
  expect_load_failure(f, "num", BATON_EPLUGIN,
                      " returns number; it must end with `return M`, a "
                      "table of command handlers");
  write_plugin(f, "nothing", NULL, "local M = {}\n");
  expect_load_failure(f, "nothing", BATON_EPLUGIN, " returns nil;");
}

static void test_load_fails_when_a_declared_command_has_no_function(
    void **state) {
  fx_plugin_t *f = *state;
  char *m = manifest_text("half", "  commands = { go = { summary = 'go' },\n"
                                  "    ['list-all'] = { summary = 'all' } "
                                  "},\n");
  free(plugin_write(f->s->dir, "half", m,
                    "local M = {}\nfunction M.go() end\n"
                    "M.list_all = 'not a function'\nreturn M\n"));
  free(m);
  expect_load_failure(f, "half", BATON_EPLUGIN,
                      ": the manifest declares command 'list-all' but "
                      "init.lua has no function for it; add `function "
                      "M.list_all(args, ctx) ... end`");
}

static void test_load_fails_when_a_dependency_fails(void **state) {
  fx_plugin_t *f = *state;
  write_plugin(f, "base", NULL, "return 'not a table'\n");
  write_plugin(f, "user", "  depends = { 'base' },\n",
               "local M = {}\nfunction M.go() end\nreturn M\n");
  baton_plugin_t *p;
  assert_int_equal(load(f, "user", &p), BATON_EPLUGIN);
  assert_string_equal(baton_plugin_state(p), "failed");
  assert_null(p->L);
  assert_string_equal(baton_plugin_error(p), "plugin 'user' depends on "
                                             "'base', which failed to load");
  baton_plugin_t *base = baton_host_plugin_find(f->t->h, "base");
  assert_string_equal(baton_plugin_state(base), "failed");
  assert_contains(baton_plugin_error(base), "returns string");
}

static void test_load_loads_dependencies_first(void **state) {
  fx_plugin_t *f = *state;
  write_plugin(f, "base", NULL,
               "local M = {}\nfunction M.go() end\nreturn M\n");
  write_plugin(f, "user", "  depends = { 'base' },\n",
               "local M = {}\nfunction M.go() end\nreturn M\n");
  baton_plugin_t *p;
  assert_int_equal(load(f, "user", &p), 0);
  assert_string_equal(baton_plugin_state(p), "loaded");
  assert_string_equal(
      baton_plugin_state(baton_host_plugin_find(f->t->h, "base")), "loaded");
  assert_null(baton_plugin_error(p));
}

static void test_unload_then_load_gives_a_fresh_state(void **state) {
  fx_plugin_t *f = *state;
  write_plugin(f, "fresh", NULL,
               "local M = {}\nlocal n = 0\n"
               "function M.go() end\n"
               "function M.bump() n = n + 1 marker = 'set' return n end\n"
               "function M.marker() return marker end\n"
               "return M\n");
  baton_plugin_t *p;
  assert_int_equal(load(f, "fresh", &p), 0);
  assert_string_equal(baton_plugin_state(p), "loaded");
  assert_ptr_equal(baton__plugin_of(p->L), p);
  assert_string_equal(call(p, "marker"), "nil");
  assert_string_equal(call(p, "bump"), "1");
  assert_string_equal(call(p, "bump"), "2");
  assert_string_equal(call(p, "marker"), "set");
  /* Loading a loaded plugin keeps its state. */
  lua_State *before = p->L;
  assert_int_equal(baton__plugin_load(p), 0);
  assert_ptr_equal(p->L, before);
  assert_string_equal(call(p, "bump"), "3");
  baton__plugin_unload(p);
  assert_null(p->L);
  assert_string_equal(baton_plugin_state(p), "available");
  assert_int_equal(baton__plugin_load(p), 0);
  assert_string_equal(call(p, "marker"), "nil");
  assert_string_equal(call(p, "bump"), "1");
}

static void test_state_names_and_a_failed_load_is_not_retried(void **state) {
  fx_plugin_t *f = *state;
  write_plugin(f, "flaky", NULL, "return nil\n");
  char *m = manifest_text("flaky", GO);
  char *second = baton__asprintf("%s/later", f->s->dir);
  assert_int_equal(mkdir(second, 0755), 0);
  free(plugin_write(second, "flaky", m, "return {}\n"));
  free(m);
  f->t = host_open(f->s->dir, 2000);
  assert_int_equal(baton_host_add_plugin_dir(f->t->h, second), 0);
  baton_plugin_t *p;
  assert_int_equal(load(f, "flaky", &p), BATON_EPLUGIN);
  assert_string_equal(baton_plugin_state(p), "failed");
  baton_plugin_t *shadow = baton_host_plugin_at(f->t->h, 1);
  assert_string_equal(baton_plugin_state(shadow), "shadowed");
  assert_int_equal(baton__plugin_load(shadow), BATON_EPLUGIN);
  assert_null(shadow->L);
  /* Fixed on disk, it stays failed until the next scan. */
  char *path = baton__asprintf("%s/flaky/init.lua", f->s->dir);
  write_text(path, "local M = {}\nfunction M.go() end\nreturn M\n");
  free(path);
  assert_int_equal(baton__plugin_load(p), BATON_EPLUGIN);
  assert_string_equal(baton_plugin_state(p), "failed");
  assert_int_equal(load(f, "flaky", &p), 0);
  assert_string_equal(baton_plugin_state(p), "loaded");
  free(second);
}

static void test_new_plugin_without_manifest_has_no_version(void **state) {
  fx_plugin_t *f = *state;
  f->t = host_open(NULL, 2000);
  baton_plugin_t *p = baton__plugin_new(f->t->h, "loose", f->s->dir);
  assert_non_null(p);
  assert_string_equal(baton_plugin_name(p), "loose");
  assert_string_equal(baton_plugin_version(p), "-");
  assert_string_equal(baton_plugin_path(p), f->s->dir);
  assert_string_equal(baton_plugin_state(p), "available");
  assert_null(baton_plugin_error(p));
  assert_int_equal(p->mem_limit, (size_t)64 << 20);
  baton__plugin_free(p);
  baton__plugin_free(NULL);
}

int main(void) {
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
  const struct CMUnitTest tests[] = {
      T(test_load_fails_without_init_lua),
      T(test_load_fails_on_syntax_error_with_file_and_line),
      T(test_load_fails_on_error_raised_by_init_lua),
      T(test_load_fails_when_init_lua_returns_no_table),
      T(test_load_fails_when_a_declared_command_has_no_function),
      T(test_load_fails_when_a_dependency_fails),
      T(test_load_loads_dependencies_first),
      T(test_unload_then_load_gives_a_fresh_state),
      T(test_state_names_and_a_failed_load_is_not_retried),
      T(test_new_plugin_without_manifest_has_no_version),
  };
#undef T
  return cmocka_run_group_tests(tests, NULL, NULL);
}
