/* Tests of core/runtime/sandbox.c, core/runtime/task.c and core/runtime/host.c
 * through the public embedding API: a host, a plugin written to a temporary
 * directory, and the command's output and errors captured in files. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "runtime.h"

static char dir[] = "/tmp/baton-sandbox-XXXXXX";

static int setup(void **state) {
  (void)state;
  if (mkdtemp(dir) == NULL)
    return -1;
  char *p = baton__asprintf("%s/t", dir);
  int r = mkdir(p, 0755);
  free(p);
  return r;
}

static int teardown(void **state) {
  (void)state;
  char *cmd = baton__asprintf("rm -rf %s", dir);
  int r = system(cmd);
  free(cmd);
  return r;
}

static void write_file(const char *name, const char *src) {
  char *path = baton__asprintf("%s/t/%s", dir, name);
  assert_int_equal(baton__file_write_atomic(path, src, strlen(src), NULL), 0);
  free(path);
}

/* A plugin "t" with one command `go` whose body is `body`. */
static void plugin(const char *perms, const char *body) {
  char *m = baton__asprintf(
      "return { name = 't', version = '1.0.0', api = 1, summary = 'test',\n"
      "  permissions = { %s },\n"
      "  commands = { go = { summary = 'go', args = {\n"
      "    { '--n', type = 'integer', default = 0 } } } } }\n",
      perms);
  write_file("plugin.lua", m);
  free(m);
  char *code = baton__asprintf("local M = {}\nfunction M.go(args, ctx)\n%s\n"
                               "end\nreturn M\n",
                               body);
  write_file("init.lua", code);
  free(code);
}

typedef struct {
  int status;
  char out[8192];
  char err[8192];
} result_t;

static void slurp(FILE *f, char *buf, size_t n) {
  fflush(f);
  rewind(f);
  size_t got = fread(buf, 1, n - 1, f);
  buf[got] = '\0';
  fclose(f);
}

/* Runs `baton t go ARGS` on a fresh host with the given limits. */
static result_t run(unsigned time_ms, size_t mem, int argc,
                    const char *const *argv) {
  result_t r;
  baton_host_options_t o;
  baton_host_options_init(&o);
  o.out = tmpfile();
  o.err = tmpfile();
  o.time_limit_ms = time_ms;
  o.memory_limit = mem;
  baton_host_t *h;
  assert_int_equal(baton_host_new(&h, &o), 0);
  assert_int_equal(baton_host_add_plugin_dir(h, dir), 0);
  assert_int_equal(baton_host_scan(h), 0);
  r.status = baton_host_run_command(h, "t", "go", argc, argv);
  baton_host_free(h);
  slurp(o.out, r.out, sizeof r.out);
  slurp(o.err, r.err, sizeof r.err);
  return r;
}

static result_t go(const char *perms, const char *body) {
  plugin(perms, body);
  return run(2000, (size_t)64 << 20, 0, NULL);
}

static void expect_err(const result_t *r, const char *needle) {
  if (strstr(r->err, needle) == NULL)
    fail_msg("stderr lacks '%s':\n%s", needle, r->err);
}

static void test_command_receives_typed_args_and_ctx(void **state) {
  (void)state;
  plugin("", "baton.print(args.n + 1, math.type(args.n), ctx.plugin, "
             "ctx.command, ctx.json)");
  const char *argv[] = {"--n", "41"};
  result_t r = run(2000, 64 << 20, 2, argv);
  assert_int_equal(r.status, 0);
  assert_string_equal(r.out, "42\tinteger\tt\tgo\tfalse\n");
}

static void test_allow_list_hides_dangerous_globals(void **state) {
  (void)state;
  result_t r = go("", "baton.print(io, os.execute, os.exit, os.getenv, "
                      "dofile, loadfile, package, debug, string.dump, "
                      "getmetatable(''))");
  assert_int_equal(r.status, 0);
  assert_string_equal(r.out, "nil\tnil\tnil\tnil\tnil\tnil\tnil\tnil\tnil\t"
                             "string\n");
}

static void test_safe_library_parts_remain(void **state) {
  (void)state;
  result_t r = go("", "baton.print(type(os.time()), type(os.date), "
                      "string.format('%03d', 7), math.max(1, 2), "
                      "utf8.len('été'), table.concat({1, 2}, '+'), "
                      "select('#', load('return 1, 2')()))");
  assert_int_equal(r.status, 0);
  assert_string_equal(r.out, "number\tfunction\t007\t2\t3\t1+2\t2\n");
}

static void test_baton_table_is_read_only(void **state) {
  (void)state;
  result_t r = go("", "baton.log = nil");
  assert_int_equal(r.status, 1);
  expect_err(&r, "the baton API is read-only: cannot set 'log'");
  r = go("", "baton.fs.read = print");
  assert_int_equal(r.status, 1);
  expect_err(&r, "read-only");
  r = go("", "rawset(baton, 'print', nil)");
  assert_int_equal(r.status, 1);
  expect_err(&r, "table expected, got userdata");
  r = go("", "setmetatable(baton, {})");
  assert_int_equal(r.status, 1);
}

static void test_binary_chunks_are_refused(void **state) {
  (void)state;
  result_t r = go("", "local f, e = load('\\27Lua', 'x', 'bt') print(f, e)");
  assert_int_equal(r.status, 1);
  expect_err(&r, "binary chunks are not allowed");
  /* Mode forced to text: a binary chunk without a mode is refused too. */
  r = go("", "local f, e = load('\\27LuaT') baton.print(f, e)");
  assert_int_equal(r.status, 0);
  assert_non_null(strstr(r.out, "attempt to load a binary chunk"));
}

static void test_require_stays_in_the_plugin_directory(void **state) {
  (void)state;
  write_file("helper.lua", "return { answer = 42 }\n");
  result_t r = go("", "baton.print(require('helper').answer, "
                      "require('helper') == require('helper'))");
  assert_int_equal(r.status, 0);
  assert_string_equal(r.out, "42\ttrue\n");
  r = go("", "require('..etc.passwd')");
  assert_int_equal(r.status, 1);
  expect_err(&r, "own directory, or from a library plugin it depends on");
  /* A link that leads outside is refused. */
  char *link = baton__asprintf("%s/t/outside.lua", dir);
  char *target = baton__asprintf("%s/outside-target.lua", dir);
  assert_int_equal(baton__file_write_atomic(target, "return 1", 8, NULL), 0);
  unlink(link);
  assert_int_equal(symlink(target, link), 0);
  r = go("", "require('outside')");
  assert_int_equal(r.status, 1);
  expect_err(&r, "lies outside the plugin's directory");
  unlink(link);
  free(link);
  free(target);
}

static void test_time_limit_kills_loops_pcall_cannot_swallow(void **state) {
  (void)state;
  plugin("", "while true do pcall(function() while true do end end) end");
  uint64_t t0 = uv_hrtime();
  result_t r = run(300, 64 << 20, 0, NULL);
  double secs = (uv_hrtime() - t0) / 1e9;
  assert_int_equal(r.status, 1);
  expect_err(&r, "time limit of 0.3 s exceeded");
  expect_err(&r, "init.lua:3");
  assert_true(secs < 10.0); /* stopped, not hung; the limit's figure is above */
}

static void test_time_limit_reaches_plugin_coroutines(void **state) {
  (void)state;
  plugin("", "local co = coroutine.wrap(function() while true do end end)\n"
             "co()");
  result_t r = run(300, 64 << 20, 0, NULL);
  assert_int_equal(r.status, 1);
  expect_err(&r, "time limit");
}

static void test_time_limit_ends_a_waiting_task(void **state) {
  (void)state;
  plugin("", "baton.sleep(60000) baton.print('woke')");
  result_t r = run(300, 64 << 20, 0, NULL);
  assert_int_equal(r.status, 1);
  assert_string_equal(r.out, "");
  expect_err(&r, "time limit of 0.3 s exceeded while command 't go' was waiting");
}

static void test_memory_limit_fails_the_call_not_the_host(void **state) {
  (void)state;
  plugin("", "local t = {} for i = 1, 1e9 do t[i] = {i} end");
  result_t r = run(10000, 16 << 20, 0, NULL);
  assert_int_equal(r.status, 1);
  expect_err(&r, "out of memory in plugin 't' (limit 16 MiB)");
  /* Swallowed by pcall, it still ends the call. */
  plugin("", "for k = 1, 1e9 do pcall(function() local s = {} "
             "for i = 1, 1e9 do s[i] = i end end) end");
  r = run(10000, 16 << 20, 0, NULL);
  assert_int_equal(r.status, 1);
  expect_err(&r, "out of memory in plugin 't'");
}

static void test_hostile_tostring_is_not_run_unbounded(void **state) {
  (void)state;
  result_t r = go("", "error(setmetatable({}, { __tostring = function() "
                      "while true do end end }))");
  assert_int_equal(r.status, 1);
  expect_err(&r, "whose __tostring failed");
  r = go("", "error(setmetatable({}, { __tostring = function() "
             "return 'custom message' end }))");
  assert_int_equal(r.status, 1);
  expect_err(&r, "custom message");
}

static void test_errors_name_plugin_file_and_line(void **state) {
  (void)state;
  result_t r = go("", "local x = nil\nreturn x.field");
  assert_int_equal(r.status, 1);
  expect_err(&r, "error in plugin 't': command 't go' failed:");
  expect_err(&r, "t/init.lua:4: attempt to index a nil value");
  expect_err(&r, "--debug");
  /* error("...", 0) speaks to the user: shown as written, no position and
   * no hint about tracebacks. An error table gets its position. */
  r = go("", "error('no people yet: import a roster first', 0)");
  assert_int_equal(r.status, 1);
  expect_err(&r, "failed: no people yet: import a roster first\n");
  assert_null(strstr(r.err, "--debug"));
  r = go("", "error({ code = 7 })");
  expect_err(&r, "(error object is a table value) (at ");
  plugin("", "local function f() return 1 + f() end return f()");
  r = run(20000, (size_t)256 << 20, 0, NULL); /* slow under ASan */
  assert_int_equal(r.status, 1);
  expect_err(&r, "stack overflow");
}

static void test_sleep_and_timers_run_on_the_loop(void **state) {
  (void)state;
  result_t r = go("", "local n = 0\n"
                      "local t = baton.timer.every(5, function()\n"
                      "  n = n + 1\n"
                      "end)\n"
                      "baton.timer.after(1, function() baton.print('after') end)\n"
                      "baton.sleep(60)\n"
                      "t:stop() t:stop()\n"
                      "baton.print(n >= 3 and n <= 13, 'slept')");
  assert_int_equal(r.status, 0);
  assert_string_equal(r.out, "after\ntrue\tslept\n");
}

static void test_timer_callback_error_is_contained(void **state) {
  (void)state;
  result_t r = go("", "baton.timer.after(1, function() error('tick failed') end)\n"
                      "baton.print('scheduled')");
  assert_int_equal(r.status, 1);
  assert_string_equal(r.out, "scheduled\n");
  expect_err(&r, "timer callback failed: ");
  expect_err(&r, "tick failed; the timer was stopped");
}

static void test_yield_outside_own_coroutine_is_an_error(void **state) {
  (void)state;
  result_t r = go("", "coroutine.yield()");
  assert_int_equal(r.status, 1);
  expect_err(&r, "called coroutine.yield() outside a coroutine of its own");
  r = go("", "coroutine.wrap(function() baton.sleep(1) end)()");
  assert_int_equal(r.status, 1);
  expect_err(&r, "baton.sleep can only wait in a command handler");
}

static void test_permissions_gate_fs_and_spawn(void **state) {
  (void)state;
  result_t r = go("", "baton.fs.read('/etc/hostname')");
  assert_int_equal(r.status, 1);
  expect_err(&r, "needs permission 'fs.read' to call baton.fs.read; add "
                 "permissions = { \"fs.read\" }");
  r = go("", "baton.spawn('true')");
  assert_int_equal(r.status, 1);
  expect_err(&r, "needs permission 'spawn'");
  char *body = baton__asprintf(
      "assert(baton.fs.write('%s/w.txt', 'data'))\n"
      "baton.print(baton.fs.read('%s/w.txt'))\n"
      "baton.print(baton.fs.read('%s/missing'))\n"
      "local r = baton.spawn('sh', { '-c', 'echo out; echo err >&2; exit 3' })\n"
      "baton.print(r.code, r.stdout, r.stderr)",
      dir, dir, dir);
  r = go("'fs.read', 'fs.write', 'spawn'", body);
  free(body);
  assert_int_equal(r.status, 0);
  char *expect = baton__asprintf("data\nnil\tENOENT: cannot read %s/missing: "
                                 "No such file or directory\tENOENT\n"
                                 "3\tout\n\terr\n\n", dir);
  assert_string_equal(r.out, expect);
  free(expect);
}

static void test_output_honours_json_mode(void **state) {
  (void)state;
  plugin("", "baton.output({ { name = 'Ana', role = 'aide' }, "
             "{ name = 'Bo', role = 'principal' } })");
  result_t r = run(2000, 64 << 20, 0, NULL);
  assert_int_equal(r.status, 0);
  assert_string_equal(r.out, "NAME  ROLE\nAna   aide\nBo    principal\n");
}

static void test_unknown_command_and_bad_flag_are_usage_errors(void **state) {
  (void)state;
  plugin("", "");
  const char *argv[] = {"--m", "1"};
  result_t r = run(2000, 64 << 20, 2, argv);
  assert_int_equal(r.status, 2);
  expect_err(&r, "unknown flag '--m' (did you mean '--n'?)");
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_command_receives_typed_args_and_ctx),
      cmocka_unit_test(test_allow_list_hides_dangerous_globals),
      cmocka_unit_test(test_safe_library_parts_remain),
      cmocka_unit_test(test_baton_table_is_read_only),
      cmocka_unit_test(test_binary_chunks_are_refused),
      cmocka_unit_test(test_require_stays_in_the_plugin_directory),
      cmocka_unit_test(test_time_limit_kills_loops_pcall_cannot_swallow),
      cmocka_unit_test(test_time_limit_reaches_plugin_coroutines),
      cmocka_unit_test(test_time_limit_ends_a_waiting_task),
      cmocka_unit_test(test_memory_limit_fails_the_call_not_the_host),
      cmocka_unit_test(test_hostile_tostring_is_not_run_unbounded),
      cmocka_unit_test(test_errors_name_plugin_file_and_line),
      cmocka_unit_test(test_sleep_and_timers_run_on_the_loop),
      cmocka_unit_test(test_timer_callback_error_is_contained),
      cmocka_unit_test(test_yield_outside_own_coroutine_is_an_error),
      cmocka_unit_test(test_permissions_gate_fs_and_spawn),
      cmocka_unit_test(test_output_honours_json_mode),
      cmocka_unit_test(test_unknown_command_and_bad_flag_are_usage_errors),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
