/* Tests of core/runtime/hooks.c through the embedding API: two plugins in
 * a temporary directory, "pub" logging events from a command and "sub"
 * listening with baton.events.on; what the hooks print and report is
 * captured in files. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "helpers.h"

typedef struct {
  int status;
  char out[16384];
  char err[16384];
} result_t;

/* Runs `baton pub go` on a fresh host and database, where pub's command
 * runs `body` and sub listens to `hooks` with `init` as its init.lua. */
static result_t run(unsigned time_ms, const char *body, const char *hooks,
                    const char *init) {
  scratch_t *s = scratch_new();
  plugin_simple(s->dir, "pub", NULL, body);
  char *extra = baton__asprintf("  hooks = { %s },\n", hooks);
  char *m = manifest_text("sub", extra);
  char *code = baton__asprintf("%s\nreturn {}\n", init);
  free(plugin_write(s->dir, "sub", m, code));
  free(code);
  free(m);
  free(extra);
  thost_t *t = host_open(s->dir, time_ms);
  t->h->opts.db_path = scratch_path(s, "baton.db");
  assert_int_equal(baton_host_scan(t->h), 0);
  result_t r;
  r.status = baton_host_run_command(t->h, "pub", "go", 0, NULL);
  host_capture(t);
  memcpy(r.out, t->out, sizeof r.out);
  memcpy(r.err, t->err, sizeof r.err);
  host_close(t);
  scratch_free(s);
  return r;
}

static int count(const char *text, const char *needle) {
  int n = 0;
  for (const char *s = strstr(text, needle); s; s = strstr(s + 1, needle))
    n++;
  return n;
}

static void test_a_hook_runs_after_the_command_that_logged(void **state) {
  (void)state;
  result_t r = run(2000,
                   "baton.events.log{kind = 'a.b', data = {x = 1}}\n"
                   "baton.print('command done')",
                   "'a.*'",
                   "baton.events.on('a.*', function(e)\n"
                   "  baton.print('hook ' .. e.kind .. ' ' .. e.data.x .. ' "
                   "' .. e.plugin)\nend)");
  assert_int_equal(r.status, 0);
  assert_string_equal(r.out, "command done\nhook a.b 1 pub\n");
}

static void test_no_listener_no_load(void **state) {
  (void)state;
  /* sub would fail to load (a syntax error): it is never loaded, since
   * it listens to other kinds. */
  result_t r =
      run(2000, "baton.events.log{kind = 'c.d'}", "'a.*'", "this is not Lua");
  assert_int_equal(r.status, 0);
  assert_string_equal(r.err, "");
}

static void test_a_failing_hook_is_reported_and_fails_nothing(void **state) {
  (void)state;
  result_t r =
      run(2000, "baton.events.log{kind = 'a.b'}", "'a.b'",
          "baton.events.on('a.b', function() error('bad hook') end)\n"
          "baton.events.on('a.b', function() baton.print('second ran') "
          "end)");
  assert_int_equal(r.status, 0);
  assert_contains(r.err, "error in plugin 'sub': hook on 'a.b' (");
  assert_contains(r.err, "sub/init.lua:1) for event 'a.b' #1 failed: ");
  assert_contains(r.err, "sub/init.lua:1: bad hook");
  assert_contains(r.out, "second ran");
}

static void test_a_hook_runs_within_its_own_time_limit(void **state) {
  (void)state;
  result_t r = run(300, "baton.events.log{kind = 'a.b'}", "'*'",
                   "baton.events.on('a.b', function() while true do end end)");
  assert_int_equal(r.status, 0);
  assert_contains(r.err, "time limit of 0.3 s exceeded");
}

static void test_a_hook_that_feeds_itself_stops_at_the_depth(void **state) {
  (void)state;
  result_t r = run(2000, "baton.events.log{kind = 'a.b'}", "'a.b'",
                   "baton.events.on('a.b', function(e)\n"
                   "  baton.print('ran')\n"
                   "  baton.events.log{kind = 'a.b'}\nend)");
  assert_int_equal(r.status, 0);
  assert_int_equal(count(r.out, "ran"), BATON_HOOK_DEPTH);
  assert_contains(r.err, "was logged by a hook 4 deep, so its hooks did not "
                         "run");
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_a_hook_runs_after_the_command_that_logged),
      cmocka_unit_test(test_no_listener_no_load),
      cmocka_unit_test(test_a_failing_hook_is_reported_and_fails_nothing),
      cmocka_unit_test(test_a_hook_runs_within_its_own_time_limit),
      cmocka_unit_test(test_a_hook_that_feeds_itself_stops_at_the_depth),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
