/* core/runtime/capture.h: a plugin command run inside the host with its output
 * captured, for the test runner's run() (core/lua/lua_test.c) and the JSON API
 * of `baton serve` (core/cli/serve/).
 *
 * While the command runs, the host's out and err streams are memory
 * streams and its --json, --quiet and --debug flags are the command's own;
 * they are put back when it ends. So two captured commands must not run at
 * the same time: a caller that may start several queues them (`baton
 * serve`'s forms do). If two overlap anyway (a route calling
 * baton.plugin while a form's command waits), their output mixes, but the
 * host's own streams come back whichever ends first. */
#ifndef BATON_CAPTURE_H
#define BATON_CAPTURE_H

#include "runtime.h"

typedef struct baton_capture_s baton_capture_t;

struct baton_capture_s {
  /* The result, valid in done_cb and until baton__capture_free. */
  int status; /* 0, 1 failed, 2 usage, 130 cancelled */
  char *out, *err;
  size_t out_len, err_len;
  int finished;
  void (*done_cb)(baton_capture_t *c);
  void *data;

  /* Private. */
  baton_host_t *h;
  FILE *out_f, *err_f;
  FILE *saved_out, *saved_err;
  int saved_json, saved_quiet, saved_debug, saved_failed;
  int script; /* a workflow script's run: its baton.exit is its status */
  int saved_exit_set, saved_exit_status;
  /* The capture that was the host's newest when this one began: captures
   * form a stack (h->capture), and one that ends under a newer one hands
   * what it saved to that one instead of putting back streams the newer
   * one still uses. */
  baton_capture_t *outer;
};

/* Starts `baton NS CMD argv...` in host h as baton__host_start_command
 * does, output captured, with the given flags. done_cb runs exactly once
 * when it ends, possibly before this returns (c->finished then says so),
 * including when it could not start (a usage error: status 2, the message
 * in c->err). Returns 0, or BATON_ENOMEM / BATON_EIO when the capture
 * could not be set up: nothing ran and done_cb is not called. c belongs to
 * the caller and must stay valid until done_cb; its buffers are freed by
 * baton__capture_free. */
int baton__capture_start(baton_capture_t *c, baton_host_t *h, const char *ns,
                         const char *cmd, int argc, const char *const *argv,
                         int json, int quiet, int debug,
                         void (*done_cb)(baton_capture_t *c), void *data);
/* The same for the workflow script p (baton__host_new_script), run with
 * argc/argv as its arguments; c->status is then its exit status, the one
 * baton.exit gave if it called it. p must outlive the run. */
int baton__capture_start_script(baton_capture_t *c, baton_host_t *h,
                                baton_plugin_t *p, int argc,
                                const char *const *argv, int json, int quiet,
                                int debug, void (*done_cb)(baton_capture_t *c),
                                void *data);
void baton__capture_free(baton_capture_t *c);

#endif
