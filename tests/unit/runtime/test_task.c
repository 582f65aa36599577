/* Tests of core/runtime/task.c: tasks started with baton__task_start on a
 * loaded plugin, driven by the host's loop, resumed and killed by hand. A fake
 * operation (test.wait, handed to the Lua code as an argument) shows what
 * an async binding sees: its cancel, and the values a resume brings. */
#include <signal.h>
#include <sys/wait.h>

#include "helpers.h"

static const char code[] =
    "local M = {}\n"
    "function M.go() end\n"
    "function M.now(...) return 42, 'x', ... end\n"
    "function M.nap() baton.sleep(10) return 'woke' end\n"
    "function M.long() baton.sleep(60000) M.resumed = true end\n"
    "function M.wait_with(wait) return 'resumed', wait() end\n"
    "function M.own_co(wait)\n"
    "  coroutine.wrap(function() wait() end)()\n"
    "end\n"
    "function M.in_sort(wait)\n"
    "  table.sort({ 3, 1, 2 }, function(a, b) wait() return a < b end)\n"
    "end\n"
    "function M.sleep_in_co()\n"
    "  coroutine.wrap(function() baton.sleep(1) end)()\n"
    "end\n"
    "function M.bare_yield() coroutine.yield() end\n"
    "return M\n";

typedef struct {
  scratch_t *s;
  thost_t *t;
  baton_plugin_t *p;
} fx_task_t;

static fx_task_t *fx_open(unsigned time_ms) {
  fx_task_t *f = calloc(1, sizeof *f);
  f->s = scratch_new();
  char *m = manifest_text("t", "  commands = { go = { summary = 'go' } },\n");
  free(plugin_write(f->s->dir, "t", m, code));
  free(m);
  f->t = host_open(f->s->dir, time_ms);
  f->p = plugin_loaded(f->t, "t");
  return f;
}

static void fx_close(fx_task_t *f) {
  host_close(f->t);
  scratch_free(f->s);
  free(f);
}

static int setup(void **state) {
  *state = fx_open(2000);
  return 0;
}

static int teardown(void **state) {
  fx_close(*state);
  return 0;
}

/* What done_cb saw. */
typedef struct {
  int calls;
  int status;
  char error[1024];
  char results[256]; /* the task's results, tab-separated */
} rec_t;

static void record(baton_task_t *t) {
  rec_t *r = t->data;
  r->calls++;
  r->status = t->status;
  snprintf(r->error, sizeof r->error, "%s", t->error ? t->error : "");
  r->results[0] = '\0';
  for (int i = 1; t->status == 0 && i <= lua_gettop(t->co); i++) {
    size_t n = strlen(r->results);
    snprintf(r->results + n, sizeof r->results - n, "%s%s", i > 1 ? "\t" : "",
             lua_tostring(t->co, i));
  }
  t->reported = 1;
}

/* The fake operation of test.wait. */
static int cancels;
static baton_task_t *cancel_saw_task = (baton_task_t *)1;
static baton_task_t *waiting;

static void fake_cancel(baton_op_t *op) {
  cancels++;
  cancel_saw_task = op->task;
  free(op);
}

static int l_wait(lua_State *L) {
  baton_task_t *t = baton__task_current(L, "test.wait");
  baton_op_t *op = calloc(1, sizeof *op);
  op->cancel = fake_cancel;
  waiting = t;
  return baton__task_wait(L, op);
}

/* Starts M.fn as a task, with test.wait as its argument if `with_wait`. */
static int start(baton_plugin_t *p, const char *fn, int with_wait, rec_t *r) {
  cancels = 0;
  cancel_saw_task = (baton_task_t *)1;
  waiting = NULL;
  memset(r, 0, sizeof *r);
  push_handler(p, fn);
  if (with_wait)
    lua_pushcfunction(p->L, l_wait);
  char what[64];
  snprintf(what, sizeof what, "task %s", fn);
  return baton__task_start(p, with_wait, what, record, r);
}

static void test_task_that_ends_at_once_calls_done_once_with_status_0(
    void **state) {
  fx_task_t *f = *state;
  rec_t r = {0};
  int top = lua_gettop(f->p->L);
  push_handler(f->p, "now");
  lua_pushstring(f->p->L, "arg");
  lua_pushinteger(f->p->L, 7);
  assert_int_equal(baton__task_start(f->p, 2, "task now", record, &r), 0);
  /* Ended before the start returned; the function and values are gone. */
  assert_int_equal(r.calls, 1);
  assert_int_equal(r.status, 0);
  assert_string_equal(r.results, "42\tx\targ\t7");
  assert_null(f->p->tasks);
  assert_int_equal(lua_gettop(f->p->L), top);
  uv_run(&f->t->h->loop, UV_RUN_DEFAULT);
  assert_int_equal(r.calls, 1);
  host_capture(f->t);
  assert_string_equal(f->t->err, "");
}

static void test_task_that_sleeps_waits_then_resumes_on_the_loop(
    void **state) {
  fx_task_t *f = *state;
  rec_t r;
  assert_int_equal(start(f->p, "nap", 0, &r), 0);
  assert_int_equal(r.calls, 0);
  assert_non_null(f->p->tasks);
  assert_non_null(f->p->tasks->op);
  uv_run(&f->t->h->loop, UV_RUN_DEFAULT);
  assert_int_equal(r.calls, 1);
  assert_int_equal(r.status, 0);
  assert_string_equal(r.results, "woke");
  assert_null(f->p->tasks);
}

static int push_two(lua_State *L, void *ud) {
  (void)ud;
  lua_pushstring(L, "x");
  lua_pushinteger(L, 5);
  return 2;
}

static void test_resume_gives_the_pushed_values_to_the_waiting_code(
    void **state) {
  fx_task_t *f = *state;
  rec_t r;
  assert_int_equal(start(f->p, "wait_with", 1, &r), 0);
  assert_int_equal(r.calls, 0);
  assert_non_null(waiting);
  assert_ptr_equal(waiting, f->p->tasks);
  assert_non_null(waiting->op);
  assert_ptr_equal(waiting->op->task, waiting);
  /* The binding's completion frees its op, then resumes. */
  free(waiting->op);
  baton__task_resume(waiting, push_two, NULL);
  assert_int_equal(r.calls, 1);
  assert_int_equal(r.status, 0);
  assert_string_equal(r.results, "resumed\tx\t5");
  assert_int_equal(cancels, 0);
  assert_null(f->p->tasks);
}

static void test_kill_runs_the_ops_cancel_and_done_cb(void **state) {
  fx_task_t *f = *state;
  rec_t r;
  assert_int_equal(start(f->p, "wait_with", 1, &r), 0);
  baton__task_kill(waiting, BATON_ECANCELED, NULL);
  assert_int_equal(cancels, 1);
  /* The op learns the task is gone before it is cancelled. */
  assert_null(cancel_saw_task);
  assert_int_equal(r.calls, 1);
  assert_int_equal(r.status, BATON_ECANCELED);
  assert_string_equal(r.error, "interrupted");
  assert_null(f->p->tasks);
  uv_run(&f->t->h->loop, UV_RUN_DEFAULT);
  assert_int_equal(r.calls, 1);
  host_capture(f->t);
  assert_string_equal(f->t->err, "");
}

static void test_kill_without_done_cb_reports_the_message(void **state) {
  fx_task_t *f = *state;
  cancels = 0;
  push_handler(f->p, "wait_with");
  lua_pushcfunction(f->p->L, l_wait);
  f->t->h->failed = 0;
  assert_int_equal(baton__task_start(f->p, 1, "task w", NULL, NULL), 0);
  assert_non_null(waiting);
  baton__task_kill(waiting, BATON_ETIMEDOUT, baton__strdup("stopped: slow"));
  assert_int_equal(cancels, 1);
  assert_null(f->p->tasks);
  assert_true(f->t->h->failed);
  host_capture(f->t);
  assert_string_equal(f->t->err, "baton: error in plugin 't': stopped: slow\n");
}

static void test_task_current_refuses_a_coroutine_of_the_plugins_own(
    void **state) {
  fx_task_t *f = *state;
  rec_t r;
  assert_int_equal(start(f->p, "own_co", 1, &r), 0);
  assert_int_equal(r.calls, 1);
  assert_int_equal(r.status, BATON_EPLUGIN);
  assert_contains(r.error, "test.wait can only wait in a command handler or "
                           "a timer callback, not inside a coroutine of your "
                           "own");
  assert_int_equal(cancels, 0);
  /* baton.sleep goes through the same check. */
  assert_int_equal(start(f->p, "sleep_in_co", 0, &r), 0);
  assert_int_equal(r.status, BATON_EPLUGIN);
  assert_contains(r.error, "baton.sleep can only wait in a command handler");
  assert_null(f->p->tasks);
}

static void test_task_current_refuses_a_sort_comparator(void **state) {
  fx_task_t *f = *state;
  rec_t r;
  assert_int_equal(start(f->p, "in_sort", 1, &r), 0);
  assert_int_equal(r.calls, 1);
  assert_int_equal(r.status, BATON_EPLUGIN);
  assert_contains(r.error, "test.wait cannot wait here (inside a metamethod, "
                           "an iterator or a sort comparator)");
  assert_contains(r.error, "init.lua:11");
  assert_null(f->p->tasks);
}

static void test_yield_without_an_operation_ends_the_task(void **state) {
  fx_task_t *f = *state;
  rec_t r;
  assert_int_equal(start(f->p, "bare_yield", 0, &r), 0);
  assert_int_equal(r.calls, 1);
  assert_int_equal(r.status, BATON_EPLUGIN);
  assert_string_equal(r.error, "task bare_yield called coroutine.yield() "
                               "outside a coroutine of its own; to wait, use "
                               "baton.sleep or another baton.* function");
  assert_null(f->p->tasks);
}

static void test_deadline_ends_a_waiting_task_without_resuming_it(
    void **state) {
  (void)state;
  fx_task_t *f = fx_open(50);
  rec_t r;
  uint64_t t0 = uv_hrtime();
  assert_int_equal(start(f->p, "long", 0, &r), 0);
  assert_int_equal(r.calls, 0);
  uv_run(&f->t->h->loop, UV_RUN_DEFAULT);
  double secs = (uv_hrtime() - t0) / 1e9;
  assert_int_equal(r.calls, 1);
  assert_int_equal(r.status, BATON_ETIMEDOUT);
  assert_string_equal(r.error, "time limit of 0.05 s exceeded while task long "
                               "was waiting; raise it with --time-limit "
                               "SECONDS (0 = none)");
  assert_true(secs < 2.0);
  assert_null(f->p->tasks);
  lua_rawgeti(f->p->L, LUA_REGISTRYINDEX, f->p->module_ref);
  assert_int_equal(lua_getfield(f->p->L, -1, "resumed"), LUA_TNIL);
  lua_pop(f->p->L, 2);
  fx_close(f);
}

/* BUG (core/runtime/task.c, baton__task_start): the deadline timer starts from
 * the loop's cached clock, which stood still while the plugin loaded and
 * ran; so a task that waits is killed as soon as the stale time plus the
 * limit has passed, before its time limit has really elapsed (here: at
 * once, though the limit is 0.2 s). core/lua/lua_assign.c already calls
 * uv_update_time for this reason. Fix: uv_update_time(&p->host->loop);
 * before uv_timer_start(t->timer, ...). */
static void test_deadline_counts_from_the_start_of_the_task(void **state) {
  (void)state;
  fx_task_t *f = fx_open(200);
  uv_sleep(300); /* the loop's clock is now 0.3 s behind */
  rec_t r;
  uint64_t t0 = uv_hrtime();
  assert_int_equal(start(f->p, "long", 0, &r), 0);
  uv_run(&f->t->h->loop, UV_RUN_DEFAULT);
  double secs = (uv_hrtime() - t0) / 1e9;
  int status = r.status;
  fx_close(f);
  assert_int_equal(status, BATON_ETIMEDOUT);
  if (secs < 0.19)
    fail_msg("a 0.2 s time limit ended the waiting task after %.3f s", secs);
}

/* Runs M.own_co with a binding that calls baton__task_wait without
 * baton__task_current, in a child process (a crash must not take the
 * other tests with it). Exits 0 when the task ended with a Lua error. */
static int l_wait_unchecked(lua_State *L) {
  baton_op_t *op = calloc(1, sizeof *op);
  op->cancel = fake_cancel;
  return baton__task_wait(L, op);
}

/* BUG (core/runtime/task.c, baton__task_wait): runtime.h promises "Raises a
 * Lua error if L is not a task's coroutine (e.g. inside a coroutine of the
 * plugin's own)", but baton__task_wait dereferences the NULL that
 * baton__task_of returns there (t->op = op): a segfault. Every binding
 * in the tree calls baton__task_current first, so only a new binding that
 * forgets it is hit. Fix: `if (t == NULL) return luaL_error(L, "...");`
 * (or call baton__task_current(L, "this function") in it). */
static void test_task_wait_outside_a_task_raises_a_lua_error(void **state) {
  (void)state;
  fflush(NULL);
  pid_t pid = fork();
  assert_true(pid >= 0);
  if (pid == 0) {
    /* cmocka catches crashes to go on with the next test: not here. */
    signal(SIGSEGV, SIG_DFL);
    signal(SIGBUS, SIG_DFL);
    signal(SIGABRT, SIG_DFL);
    fx_task_t *f = fx_open(2000);
    rec_t r;
    memset(&r, 0, sizeof r);
    push_handler(f->p, "own_co");
    lua_pushcfunction(f->p->L, l_wait_unchecked);
    baton__task_start(f->p, 1, "task own_co", record, &r);
    int ok = r.calls == 1 && r.status == BATON_EPLUGIN && r.error[0] != '\0';
    fx_close(f);
    _exit(ok ? 0 : 3);
  }
  int st;
  assert_int_equal(waitpid(pid, &st, 0), pid);
  if (WIFSIGNALED(st))
    fail_msg("baton__task_wait outside a task killed the host with signal %d",
             WTERMSIG(st));
  assert_true(WIFEXITED(st));
  assert_int_equal(WEXITSTATUS(st), 0);
}

int main(void) {
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
  const struct CMUnitTest tests[] = {
      T(test_task_that_ends_at_once_calls_done_once_with_status_0),
      T(test_task_that_sleeps_waits_then_resumes_on_the_loop),
      T(test_resume_gives_the_pushed_values_to_the_waiting_code),
      T(test_kill_runs_the_ops_cancel_and_done_cb),
      T(test_kill_without_done_cb_reports_the_message),
      T(test_task_current_refuses_a_coroutine_of_the_plugins_own),
      T(test_task_current_refuses_a_sort_comparator),
      T(test_yield_without_an_operation_ends_the_task),
      cmocka_unit_test(test_deadline_ends_a_waiting_task_without_resuming_it),
      cmocka_unit_test(test_deadline_counts_from_the_start_of_the_task),
      cmocka_unit_test(test_task_wait_outside_a_task_raises_a_lua_error),
  };
#undef T
  return cmocka_run_group_tests(tests, NULL, NULL);
}
