/* Tests of core/lua/lua_timer.c: baton.sleep and baton.timer, run as the
 * command `t go` of a plugin in a scratch directory. (tests/e2e covers
 * their order and the loop's exit; these pin down the timing contract.) */
#include "helpers.h"

static int setup(void **state) {
  *state = scratch_new();
  return 0;
}

static int teardown(void **state) {
  scratch_free(*state);
  return 0;
}

/* Runs `t go` with handler `body`; the host's loop clock is left
 * `stale_ms` behind first, as after a plugin that loads slowly. Returns
 * the exit status; *secs the time the run took. */
static int run_go(scratch_t *s, const char *body, unsigned stale_ms,
                  double *secs, char *out, size_t n) {
  plugin_simple(s->dir, "t", NULL, body);
  thost_t *t = host_open(s->dir, 5000);
  assert_int_equal(baton_host_scan(t->h), 0);
  if (stale_ms)
    uv_sleep(stale_ms);
  uint64_t t0 = uv_hrtime();
  int status = baton_host_run_command(t->h, "t", "go", 0, NULL);
  *secs = (uv_hrtime() - t0) / 1e9;
  host_capture(t);
  char *both = baton__asprintf("%s%s", t->out, t->err);
  snprintf(out, n, "%s", both);
  free(both);
  host_close(t);
  return status;
}

static void test_sleep_resumes_after_the_time_and_refuses_negative(
    void **state) {
  char out[1024];
  double secs;
  assert_int_equal(run_go(*state, "baton.sleep(0) baton.sleep(30) "
                                  "baton.print('woke')",
                          0, &secs, out, sizeof out),
                   0);
  assert_string_equal(out, "woke\n");
  assert_true(secs < 2.0);
  assert_int_equal(run_go(*state, "baton.sleep(-1)", 0, &secs, out,
                          sizeof out),
                   1);
  assert_contains(out,
                  "baton.sleep: ms must be an integer, at least 0, not -1");
}

/* BUG (core/lua/lua_timer.c, l_sleep; also timer.after/every): the libuv
 * timer starts from the loop's cached clock, which stands still while
 * plugin code runs (and while the plugin loads), so baton.sleep(ms)
 * returns early by however long that was: here sleep(200) returns at
 * once. core/lua/lua_assign.c already calls uv_update_time for this reason.
 * Fix: uv_update_time(&t->p->host->loop); before uv_timer_start. */
static void test_sleep_waits_at_least_the_time_asked(void **state) {
  char out[1024];
  double secs;
  assert_int_equal(run_go(*state, "baton.sleep(200) baton.print('woke')", 300,
                          &secs, out, sizeof out),
                   0);
  assert_string_equal(out, "woke\n");
  if (secs < 0.19)
    fail_msg("baton.sleep(200) returned after %.3f s", secs);
}

int main(void) {
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
  const struct CMUnitTest tests[] = {
      T(test_sleep_resumes_after_the_time_and_refuses_negative),
      T(test_sleep_waits_at_least_the_time_asked),
  };
#undef T
  return cmocka_run_group_tests(tests, NULL, NULL);
}
