/* Tests of core/runtime/host.c: the options, the search path, the scan (order,
 * shadowing, namespaces, dependencies), and running a command or a script
 * with its exit status. Plugins are written into a scratch directory. */
#include "helpers.h"

static int setup(void **state) {
  *state = scratch_new();
  return 0;
}

static int teardown(void **state) {
  scratch_free(*state);
  return 0;
}

/* ROOT/SUB as a directory; returns its path (malloc'd). */
static char *subdir(scratch_t *s, const char *sub) {
  char *d = baton__asprintf("%s/%s", s->dir, sub);
  assert_int_equal(mkdir(d, 0755), 0);
  return d;
}

static void expect_plugin(const baton_host_t *h, size_t i, const char *name,
                          const char *state) {
  const baton_plugin_t *p = baton_host_plugin_at(h, i);
  assert_non_null(p);
  assert_string_equal(baton_plugin_name(p), name);
  if (strcmp(baton_plugin_state(p), state) != 0)
    fail_msg("plugin %s is %s, not %s (error: %s)", name,
             baton_plugin_state(p), state,
             baton_plugin_error(p) ? baton_plugin_error(p) : "none");
}

static void test_options_default_to_std_streams_256_mib_and_30_s(void **state) {
  (void)state;
  baton_host_options_t o;
  memset(&o, 0x5a, sizeof o);
  baton_host_options_init(&o);
  assert_ptr_equal(o.out, stdout);
  assert_ptr_equal(o.err, stderr);
  assert_int_equal(o.memory_limit, (size_t)256 * 1024 * 1024);
  assert_int_equal(o.time_limit_ms, 30000);
  assert_false(o.json);
  assert_false(o.quiet);
  assert_false(o.debug);
  assert_null(o.db_path);
  assert_null(o.today);
  /* NULL streams in the options mean the standard ones. */
  o.out = NULL;
  o.err = NULL;
  baton_host_t *h;
  assert_int_equal(baton_host_new(&h, &o), 0);
  assert_ptr_equal(h->opts.out, stdout);
  assert_ptr_equal(h->opts.err, stderr);
  assert_string_equal(baton_host_last_error(h), "");
  assert_int_equal(baton_host_plugin_count(h), 0);
  baton_host_free(h);
}

static void test_free_of_null_host_is_safe(void **state) {
  (void)state;
  baton_host_free(NULL);
}

static void test_add_plugin_dir_searches_a_linked_directory_once(void **state) {
  scratch_t *s = *state;
  char *real = subdir(s, "real");
  plugin_simple(real, "one", NULL, NULL);
  char *link = baton__asprintf("%s/link", s->dir);
  assert_int_equal(symlink(real, link), 0);
  char *dotted = baton__asprintf("%s/./real/", s->dir);
  thost_t *t = host_open(real, 1000);
  assert_int_equal(baton_host_add_plugin_dir(t->h, link), 0);
  assert_int_equal(baton_host_add_plugin_dir(t->h, dotted), 0);
  assert_int_equal(t->h->ndirs, 1);
  /* A directory that does not exist is kept (doctor reports it), once. */
  char *missing = baton__asprintf("%s/missing", s->dir);
  assert_int_equal(baton_host_add_plugin_dir(t->h, missing), 0);
  assert_int_equal(baton_host_add_plugin_dir(t->h, missing), 0);
  assert_int_equal(t->h->ndirs, 2);
  assert_string_equal(t->h->dirs[1], missing);
  assert_int_equal(baton_host_scan(t->h), 0);
  assert_int_equal(baton_host_plugin_count(t->h), 1);
  expect_plugin(t->h, 0, "one", "available");
  host_close(t);
  free(missing);
  free(dotted);
  free(link);
  free(real);
}

static void test_scan_orders_plugins_by_search_path_then_name(void **state) {
  scratch_t *s = *state;
  char *first = subdir(s, "first");
  char *second = subdir(s, "second");
  plugin_simple(second, "aardvark", NULL, NULL);
  plugin_simple(first, "zebra", NULL, NULL);
  plugin_simple(first, "mole", NULL, NULL);
  plugin_simple(first, "badger", NULL, NULL);
  /* Neither a folder without plugin.lua nor a hidden one is a plugin. */
  char *junk = baton__asprintf("%s/notes", first);
  assert_int_equal(mkdir(junk, 0755), 0);
  plugin_simple(first, ".hidden", NULL, NULL);
  thost_t *t = host_open(first, 1000);
  assert_int_equal(baton_host_add_plugin_dir(t->h, second), 0);
  assert_int_equal(baton_host_scan(t->h), 0);
  assert_int_equal(baton_host_plugin_count(t->h), 4);
  expect_plugin(t->h, 0, "badger", "available");
  expect_plugin(t->h, 1, "mole", "available");
  expect_plugin(t->h, 2, "zebra", "available");
  expect_plugin(t->h, 3, "aardvark", "available");
  assert_null(baton_host_plugin_at(t->h, 4));
  /* A second scan replaces the list rather than adding to it. */
  assert_int_equal(baton_host_scan(t->h), 0);
  assert_int_equal(baton_host_plugin_count(t->h), 4);
  host_close(t);
  free(junk);
  free(second);
  free(first);
}

static void test_scan_marks_second_plugin_of_same_name_shadowed(void **state) {
  scratch_t *s = *state;
  char *first = subdir(s, "first");
  char *second = subdir(s, "second");
  /* The folder names differ: the manifest's name is what counts. */
  char *m = manifest_text("dup", "  commands = { go = { summary = 'one' } },\n");
  char *early = plugin_write(first, "dup-early", m, NULL);
  char *late = plugin_write(second, "dup-late", m, NULL);
  thost_t *t = host_open(first, 1000);
  assert_int_equal(baton_host_add_plugin_dir(t->h, second), 0);
  assert_int_equal(baton_host_scan(t->h), 0);
  assert_int_equal(baton_host_plugin_count(t->h), 2);
  expect_plugin(t->h, 0, "dup", "available");
  expect_plugin(t->h, 1, "dup", "shadowed");
  baton_plugin_t *p = baton_host_plugin_at(t->h, 1);
  assert_string_equal(baton_plugin_path(p), late);
  char *why = baton__asprintf("shadowed by %s, found earlier", early);
  assert_contains(baton_plugin_error(p), why);
  /* The shadowed one does not count as a namespace clash either. */
  assert_null(baton_plugin_error(baton_host_plugin_at(t->h, 0)));
  assert_ptr_equal(baton_host_plugin_find(t->h, "dup"),
                   baton_host_plugin_at(t->h, 0));
  host_close(t);
  free(why);
  free(late);
  free(early);
  free(m);
  free(second);
  free(first);
}

static void test_scan_fails_plugin_whose_namespace_is_a_reserved_word(
    void **state) {
  scratch_t *s = *state;
  plugin_simple(s->dir, "runner", "  namespace = 'run',\n", NULL);
  /* Without a namespace, the name is the word: the error points at it. */
  plugin_simple(s->dir, "help", NULL, NULL);
  plugin_simple(s->dir, "fine", "  namespace = 'running',\n", NULL);
  thost_t *t = host_open(s->dir, 1000);
  assert_int_equal(baton_host_scan(t->h), 0);
  expect_plugin(t->h, 0, "fine", "available");
  expect_plugin(t->h, 1, "help", "failed");
  expect_plugin(t->h, 2, "runner", "failed");
  char *at = baton__asprintf("%s/runner/plugin.lua:3: namespace 'run' is a "
                             "word of baton itself",
                             s->dir);
  assert_contains(baton_plugin_error(baton_host_plugin_at(t->h, 2)), at);
  free(at);
  at = baton__asprintf("%s/help/plugin.lua:2: name 'help' is a word of baton "
                       "itself; give the plugin another name",
                       s->dir);
  assert_contains(baton_plugin_error(baton_host_plugin_at(t->h, 1)), at);
  free(at);
  host_close(t);
}

static void test_scan_fails_plugin_whose_namespace_is_taken(void **state) {
  scratch_t *s = *state;
  plugin_simple(s->dir, "a_first", "  namespace = 'team',\n", NULL);
  plugin_simple(s->dir, "b_second", "  namespace = 'team',\n", NULL);
  thost_t *t = host_open(s->dir, 1000);
  assert_int_equal(baton_host_scan(t->h), 0);
  expect_plugin(t->h, 0, "a_first", "available");
  expect_plugin(t->h, 1, "b_second", "failed");
  char *at = baton__asprintf("%s/b_second/plugin.lua:3: namespace 'team' is "
                             "already used by plugin 'a_first' (%s/a_first)",
                             s->dir, s->dir);
  assert_contains(baton_plugin_error(baton_host_plugin_at(t->h, 1)), at);
  free(at);
  /* The namespace leads to the working plugin. */
  assert_ptr_equal(baton__host_find_ns(t->h, "team"),
                   baton_host_plugin_at(t->h, 0));
  host_close(t);
}

static void test_scan_fails_dependency_cycle_and_keeps_others_available(
    void **state) {
  scratch_t *s = *state;
  plugin_simple(s->dir, "a", "  depends = { 'b' },\n", NULL);
  plugin_simple(s->dir, "b", "  depends = { 'a' },\n", NULL);
  plugin_simple(s->dir, "c", "  depends = { 'd' },\n", NULL);
  plugin_simple(s->dir, "d", NULL, NULL);
  plugin_simple(s->dir, "self", "  depends = { 'self' },\n", NULL);
  thost_t *t = host_open(s->dir, 1000);
  assert_int_equal(baton_host_scan(t->h), 0);
  assert_int_equal(baton_host_plugin_count(t->h), 5);
  expect_plugin(t->h, 0, "a", "failed");
  expect_plugin(t->h, 1, "b", "failed");
  expect_plugin(t->h, 2, "c", "available");
  expect_plugin(t->h, 3, "d", "available");
  expect_plugin(t->h, 4, "self", "failed");
  char *at = baton__asprintf("%s/b/plugin.lua:3: dependency cycle a -> b -> "
                             "a; remove one of these depends",
                             s->dir);
  assert_contains(baton_plugin_error(baton_host_plugin_at(t->h, 1)), at);
  free(at);
  /* a fails through b, and says so. */
  at = baton__asprintf("%s/a/plugin.lua:3: depends on 'b', which failed",
                       s->dir);
  assert_contains(baton_plugin_error(baton_host_plugin_at(t->h, 0)), at);
  free(at);
  assert_contains(baton_plugin_error(baton_host_plugin_at(t->h, 4)),
                  "dependency cycle self -> self");
  host_close(t);
}

static void test_scan_fails_missing_dependency_with_file_and_line(
    void **state) {
  scratch_t *s = *state;
  plugin_simple(s->dir, "needy", "  -- what it needs:\n  depends = { 'ghost' },\n",
                NULL);
  plugin_simple(s->dir, "solo", NULL, NULL);
  thost_t *t = host_open(s->dir, 1000);
  assert_int_equal(baton_host_scan(t->h), 0);
  expect_plugin(t->h, 0, "needy", "failed");
  expect_plugin(t->h, 1, "solo", "available");
  char *at = baton__asprintf("%s/needy/plugin.lua:4: depends on 'ghost', "
                             "which is not installed; install it or remove "
                             "it from depends",
                             s->dir);
  assert_contains(baton_plugin_error(baton_host_plugin_at(t->h, 0)), at);
  free(at);
  host_close(t);
}

/* BUG (core/runtime/host.c, check_deps): a plugin whose dependency already
 * failed during the scan (a broken manifest, a reserved or taken namespace)
 * stays "available" when the scan reaches the dependant first: the first visit
 * of the failed dependency returns `bad` (0, its own depends are fine), not
 * its state. Only a dependency visited earlier (color 2) reports its
 * failure. So the outcome depends on alphabetical order. Fix: end
 * check_deps with `return bad || p->state == BATON_PLUGIN_FAILED;`. */
static void test_scan_fails_plugin_whose_dependency_failed(void **state) {
  scratch_t *s = *state;
  free(plugin_write(s->dir, "broken", "return {", NULL));
  plugin_simple(s->dir, "a_user", "  depends = { 'z_reserved' },\n", NULL);
  plugin_simple(s->dir, "user", "  depends = { 'broken' },\n", NULL);
  plugin_simple(s->dir, "z_reserved", "  namespace = 'run',\n", NULL);
  plugin_simple(s->dir, "z_user", "  depends = { 'z_reserved' },\n", NULL);
  thost_t *t = host_open(s->dir, 1000);
  assert_int_equal(baton_host_scan(t->h), 0);
  /* Read everything first: a failed check must not leak the host. */
  char got[5][512];
  for (size_t i = 0; i < 5; i++) {
    const baton_plugin_t *p = baton_host_plugin_at(t->h, i);
    snprintf(got[i], sizeof got[i], "%s %s: %s", baton_plugin_name(p),
             baton_plugin_state(p),
             baton_plugin_error(p) ? baton_plugin_error(p) : "");
  }
  host_close(t);
  assert_contains(got[0], "a_user failed: ");
  assert_contains(got[1], "broken failed: ");
  assert_contains(got[2], "user failed: ");
  assert_contains(got[3], "z_reserved failed: ");
  assert_contains(got[4], "z_user failed: ");
  assert_contains(got[2], "depends on 'broken', which failed");
  assert_contains(got[0], "depends on 'z_reserved', which failed");
}

static void test_plugin_find_returns_working_plugins_by_name(void **state) {
  scratch_t *s = *state;
  plugin_simple(s->dir, "alpha", "  namespace = 'al',\n", NULL);
  plugin_simple(s->dir, "beta", NULL, NULL);
  thost_t *t = host_open(s->dir, 1000);
  assert_int_equal(baton_host_scan(t->h), 0);
  assert_ptr_equal(baton_host_plugin_find(t->h, "beta"),
                   baton_host_plugin_at(t->h, 1));
  assert_ptr_equal(baton_host_plugin_find(t->h, "alpha"),
                   baton_host_plugin_at(t->h, 0));
  /* By name, not by namespace. */
  assert_null(baton_host_plugin_find(t->h, "al"));
  assert_null(baton_host_plugin_find(t->h, "gamma"));
  assert_string_equal(baton_plugin_version(baton_host_plugin_at(t->h, 0)),
                      "1.0.0");
  host_close(t);
}

/* A plugin `t` with a command `greet [WHO] [--times N]` and one that fails. */
static void greeter(scratch_t *s) {
  char *m = manifest_text(
      "t", "  commands = {\n"
           "    greet = { summary = 'greet', args = {\n"
           "      { 'who', default = 'world' },\n"
           "      { '--times', type = 'integer', default = 1 } } },\n"
           "    fail = { summary = 'fail' },\n"
           "  },\n");
  free(plugin_write(s->dir, "t", m,
                    "local M = {}\n"
                    "function M.greet(args)\n"
                    "  for i = 1, args.times do baton.print('hi ' .. args.who) "
                    "end\n"
                    "end\n"
                    "function M.fail() error('it broke') end\n"
                    "return M\n"));
  free(m);
}

static void test_run_command_returns_0_on_success_and_1_on_failure(
    void **state) {
  scratch_t *s = *state;
  greeter(s);
  thost_t *t = host_open(s->dir, 2000);
  const char *argv[] = {"ana", "--times", "2"};
  assert_int_equal(baton_host_run_command(t->h, "t", "greet", 3, argv), 0);
  host_capture(t);
  assert_string_equal(t->out, "hi ana\nhi ana\n");
  assert_string_equal(t->err, "");
  assert_string_equal(baton_plugin_state(baton_host_plugin_find(t->h, "t")),
                      "loaded");
  assert_int_equal(baton_host_run_command(t->h, "t", "fail", 0, NULL), 1);
  host_capture(t);
  assert_contains(t->err, "command 't fail' failed:");
  assert_contains(t->err, "init.lua:5: it broke");
  /* A failure does not stick to the next run. */
  assert_int_equal(baton_host_run_command(t->h, "t", "greet", 0, NULL), 0);
  host_capture(t);
  assert_string_equal(t->out, "hi world\n");
  host_close(t);
}

static void test_run_command_unknown_namespace_is_usage_error(void **state) {
  scratch_t *s = *state;
  greeter(s);
  thost_t *t = host_open(s->dir, 2000);
  assert_int_equal(baton_host_run_command(t->h, "nope", "greet", 0, NULL), 2);
  host_capture(t);
  assert_contains(t->err, "unknown command 'nope'");
  assert_string_equal(baton_host_last_error(t->h), "unknown command 'nope'");
  assert_string_equal(t->out, "");
  host_close(t);
}

static void test_run_command_unknown_command_suggests_the_closest(
    void **state) {
  scratch_t *s = *state;
  greeter(s);
  thost_t *t = host_open(s->dir, 2000);
  assert_int_equal(baton_host_run_command(t->h, "t", "gret", 0, NULL), 2);
  host_capture(t);
  assert_contains(t->err, "unknown command 'baton t gret' (did you mean "
                          "'baton t greet'?)");
  assert_contains(baton_host_last_error(t->h), "did you mean 'baton t greet'");
  assert_int_equal(baton_host_run_command(t->h, "t", "xyzzy", 0, NULL), 2);
  host_capture(t);
  assert_contains(t->err, "unknown command 'baton t xyzzy'");
  assert_null(strstr(t->err, "did you mean"));
  assert_int_equal(baton_host_run_command(t->h, "t", NULL, 0, NULL), 2);
  host_capture(t);
  assert_contains(t->err, "'baton t' needs a command");
  host_close(t);
}

static void test_run_command_bad_flag_is_usage_error(void **state) {
  scratch_t *s = *state;
  greeter(s);
  thost_t *t = host_open(s->dir, 2000);
  const char *argv[] = {"--tims", "2"};
  assert_int_equal(baton_host_run_command(t->h, "t", "greet", 2, argv), 2);
  host_capture(t);
  assert_contains(t->err, "baton t greet: unknown flag '--tims' (did you mean "
                          "'--times'?)");
  assert_contains(t->err, "usage: baton t greet");
  assert_string_equal(t->out, "");
  const char *bad[] = {"--times", "two"};
  assert_int_equal(baton_host_run_command(t->h, "t", "greet", 2, bad), 2);
  /* A usage error never loads the code. */
  assert_string_equal(baton_plugin_state(baton_host_plugin_find(t->h, "t")),
                      "available");
  host_close(t);
}

static void test_run_command_help_prints_usage_and_returns_0(void **state) {
  scratch_t *s = *state;
  greeter(s);
  thost_t *t = host_open(s->dir, 2000);
  const char *argv[] = {"--help"};
  assert_int_equal(baton_host_run_command(t->h, "t", "greet", 1, argv), 0);
  host_capture(t);
  assert_contains(t->out, "usage: baton t greet [WHO] [--times N]");
  assert_string_equal(t->err, "");
  assert_string_equal(baton_plugin_state(baton_host_plugin_find(t->h, "t")),
                      "available");
  host_close(t);
}

static void test_run_command_of_failed_plugin_returns_1(void **state) {
  scratch_t *s = *state;
  plugin_simple(s->dir, "t", "  depends = { 'ghost' },\n", NULL);
  thost_t *t = host_open(s->dir, 2000);
  assert_int_equal(baton_host_run_command(t->h, "t", "go", 0, NULL), 1);
  host_capture(t);
  assert_contains(t->err, "error in plugin 't':");
  assert_contains(t->err, "depends on 'ghost', which is not installed");
  host_close(t);
}

static void test_run_script_sets_arg_and_varargs(void **state) {
  scratch_t *s = *state;
  char *path = baton__asprintf("%s/flow.lua", s->dir);
  write_text(path, "baton.print(arg[0], arg[1], arg[2], #arg)\n"
                   "baton.print(select('#', ...), ...)\n");
  thost_t *t = host_open(NULL, 2000);
  const char *argv[] = {"one", "--two"};
  assert_int_equal(baton_host_run_script(t->h, path, 2, argv, NULL), 0);
  host_capture(t);
  char *want = baton__asprintf("%s\tone\t--two\t2\n2\tone\t--two\n", path);
  assert_string_equal(t->out, want);
  free(want);
  assert_string_equal(t->err, "");
  host_close(t);
  free(path);
}

static void test_run_script_refuses_unknown_permission_with_2(void **state) {
  scratch_t *s = *state;
  char *path = baton__asprintf("%s/flow.lua", s->dir);
  write_text(path, "baton.print('ran')\n");
  thost_t *t = host_open(NULL, 2000);
  const char *perms[] = {"fs.read", "fs.reed", NULL};
  assert_int_equal(baton_host_run_script(t->h, path, 0, NULL, perms), 2);
  host_capture(t);
  assert_string_equal(t->out, "");
  assert_contains(t->err, "unknown permission 'fs.reed' for --allow (did you "
                          "mean 'fs.read'?); known permissions are fs.read, "
                          "fs.write, spawn");
  /* Known permissions are granted. */
  const char *good[] = {"fs.read", "spawn", NULL};
  assert_int_equal(baton_host_run_script(t->h, path, 0, NULL, good), 0);
  host_capture(t);
  assert_string_equal(t->out, "ran\n");
  assert_int_equal(t->h->script->perms, BATON_PERM_FS_READ | BATON_PERM_SPAWN);
  host_close(t);
  free(path);
}

static void test_run_script_missing_or_failing_returns_1(void **state) {
  scratch_t *s = *state;
  char *path = baton__asprintf("%s/absent.lua", s->dir);
  thost_t *t = host_open(NULL, 2000);
  assert_int_equal(baton_host_run_script(t->h, path, 0, NULL, NULL), 1);
  host_capture(t);
  char *want = baton__asprintf("no such script: %s", path);
  assert_contains(t->err, want);
  free(want);
  write_text(path, "local x = nil\nreturn x.y\n");
  assert_int_equal(baton_host_run_script(t->h, path, 0, NULL, NULL), 1);
  host_capture(t);
  assert_contains(t->err, "error in script 'absent.lua'");
  assert_contains(t->err, "absent.lua:2: attempt to index a nil value");
  host_close(t);
  free(path);
}

int main(void) {
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
  const struct CMUnitTest tests[] = {
      T(test_options_default_to_std_streams_256_mib_and_30_s),
      T(test_free_of_null_host_is_safe),
      T(test_add_plugin_dir_searches_a_linked_directory_once),
      T(test_scan_orders_plugins_by_search_path_then_name),
      T(test_scan_marks_second_plugin_of_same_name_shadowed),
      T(test_scan_fails_plugin_whose_namespace_is_a_reserved_word),
      T(test_scan_fails_plugin_whose_namespace_is_taken),
      T(test_scan_fails_dependency_cycle_and_keeps_others_available),
      T(test_scan_fails_missing_dependency_with_file_and_line),
      T(test_scan_fails_plugin_whose_dependency_failed),
      T(test_plugin_find_returns_working_plugins_by_name),
      T(test_run_command_returns_0_on_success_and_1_on_failure),
      T(test_run_command_unknown_namespace_is_usage_error),
      T(test_run_command_unknown_command_suggests_the_closest),
      T(test_run_command_bad_flag_is_usage_error),
      T(test_run_command_help_prints_usage_and_returns_0),
      T(test_run_command_of_failed_plugin_returns_1),
      T(test_run_script_sets_arg_and_varargs),
      T(test_run_script_refuses_unknown_permission_with_2),
      T(test_run_script_missing_or_failing_returns_1),
  };
#undef T
  return cmocka_run_group_tests(tests, NULL, NULL);
}
