/* Tests of core/runtime/capture.c: captured runs that overlap (a route
 * calling baton.plugin while a form's command of `baton serve` waits)
 * give the host its own streams and flags back whichever ends first;
 * before, the one that ended last put back the other's closed stream. */
#include "capture.h"
#include "helpers.h"

static int setup(void **state) {
  *state = scratch_new();
  return 0;
}

static int teardown(void **state) {
  scratch_free(*state);
  return 0;
}

static int ended;

static void done(baton_capture_t *c) {
  (void)c;
  ended++;
}

/* A starts, B starts, A ends (under B), B ends: the host's streams are
 * its own again; and the other way round (B ends first). */
static void test_overlapping_captures_put_the_streams_back(void **state) {
  scratch_t *s = *state;
  char *m = manifest_text(
      "t", "  commands = { fast = { summary = 'f', args = {} },\n"
           "               slow = { summary = 's', args = {} } },\n");
  free(plugin_write(s->dir, "t", m,
                    "local M = {}\n"
                    "function M.fast() baton.sleep(20) baton.print('fast') "
                    "end\n"
                    "function M.slow() baton.sleep(80) baton.print('slow') "
                    "end\n"
                    "return M\n"));
  free(m);
  char *db = baton__asprintf("%s/baton.db", s->dir);
  setenv("BATON_DB", db, 1);
  free(db);
  thost_t *t = host_open(s->dir, 10000);
  assert_int_equal(baton_host_scan(t->h), 0);
  FILE *out = t->h->opts.out, *err = t->h->opts.err;
  for (int order = 0; order < 2; order++) {
    baton_capture_t a, b;
    ended = 0;
    assert_int_equal(baton__capture_start(&a, t->h, "t",
                                          order ? "slow" : "fast", 0, NULL, 1,
                                          0, 0, done, NULL),
                     0);
    assert_int_equal(baton__capture_start(&b, t->h, "t",
                                          order ? "fast" : "slow", 0, NULL, 0,
                                          0, 0, done, NULL),
                     0);
    while (ended < 2)
      uv_run(&t->h->loop, UV_RUN_ONCE);
    assert_ptr_equal(t->h->opts.out, out);
    assert_ptr_equal(t->h->opts.err, err);
    assert_int_equal(t->h->opts.json, 0);
    assert_null(t->h->capture);
    assert_int_equal(a.status, 0);
    assert_int_equal(b.status, 0);
    baton__capture_free(&a);
    baton__capture_free(&b);
  }
  baton__host_signals(t->h, 0);
  host_close(t);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup_teardown(
          test_overlapping_captures_put_the_streams_back, setup, teardown),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
