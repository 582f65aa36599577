/* core/runtime/capture.c: a command run with its output captured (see
 * core/runtime/capture.h). Factored out of the test runner's run() so that
 * `baton serve` calls practice commands the same way. */
#include <stdlib.h>
#include <string.h>

#include "capture.h"

/* Puts the host's streams and flags back and closes the captures, which
 * makes out and err final. */
static void capture_restore(baton_capture_t *c) {
  baton_host_t *h = c->h;
  if (h->capture != c) {
    /* A newer capture is still going, and the host's streams are its: it
     * puts back what this one saved when it ends. */
    baton_capture_t *n = h->capture;
    while (n != NULL && n->outer != c)
      n = n->outer;
    if (n != NULL) {
      n->outer = c->outer;
      n->saved_out = c->saved_out;
      n->saved_err = c->saved_err;
      n->saved_json = c->saved_json;
      n->saved_quiet = c->saved_quiet;
      n->saved_debug = c->saved_debug;
      n->saved_failed = c->saved_failed;
    }
    fclose(c->out_f);
    fclose(c->err_f);
    c->out_f = c->err_f = NULL;
    return;
  }
  h->capture = c->outer;
  h->opts.out = c->saved_out;
  h->opts.err = c->saved_err;
  h->opts.json = c->saved_json;
  h->opts.quiet = c->saved_quiet;
  h->opts.debug = c->saved_debug;
  /* A captured command's failure is its caller's to handle (a test checks
   * r.status, a script gets nil, err): it does not fail the host's run. */
  h->failed = c->saved_failed;
  if (c->script) { /* only a script sets them (baton.exit) */
    h->exit_set = c->saved_exit_set;
    h->exit_status = c->saved_exit_status;
  }
  fclose(c->out_f);
  fclose(c->err_f);
  c->out_f = c->err_f = NULL;
}

/* The command's task ended: report as the CLI would (into the capture). */
static void capture_done(baton_task_t *t) {
  baton_capture_t *c = t->data;
  baton__command_done(t);
  c->status = t->status == 0                ? 0
              : t->status == BATON_ECANCELED ? 130
              : t->status == BATON_EUSAGE    ? 2
                                             : 1;
  if (c->script && c->h->exit_set) /* the script's baton.exit(n) */
    c->status = c->h->exit_status;
  capture_restore(c);
  c->finished = 1;
  c->done_cb(c);
}

/* Opens the captures and puts the host's streams and flags in place;
 * BATON_EIO when a capture cannot be opened (nothing changed). */
static int capture_begin(baton_capture_t *c, baton_host_t *h, int json,
                         int quiet, int debug,
                         void (*done_cb)(baton_capture_t *c), void *data) {
  memset(c, 0, sizeof *c);
  c->h = h;
  c->done_cb = done_cb;
  c->data = data;
  c->out_f = open_memstream(&c->out, &c->out_len);
  if (c->out_f == NULL)
    goto fail_out;
  c->err_f = open_memstream(&c->err, &c->err_len);
  if (c->err_f == NULL)
    goto fail_err;
  c->saved_out = h->opts.out;
  c->saved_err = h->opts.err;
  c->saved_json = h->opts.json;
  c->saved_quiet = h->opts.quiet;
  c->saved_debug = h->opts.debug;
  c->saved_failed = h->failed;
  c->outer = h->capture;
  h->capture = c;
  h->opts.out = c->out_f;
  h->opts.err = c->err_f;
  h->opts.json = json;
  h->opts.quiet = quiet;
  h->opts.debug = debug;
  return 0;

fail_err:
  fclose(c->out_f);
  c->out_f = NULL;
fail_out:
  free(c->out);
  c->out = NULL;
  return BATON_EIO;
}

/* What did not start ends here, with its exit status. */
static void capture_end_unstarted(baton_capture_t *c, int status) {
  c->status = status;
  capture_restore(c);
  c->finished = 1;
  c->done_cb(c);
}

int baton__capture_start(baton_capture_t *c, baton_host_t *h, const char *ns,
                         const char *cmd, int argc, const char *const *argv,
                         int json, int quiet, int debug,
                         void (*done_cb)(baton_capture_t *c), void *data) {
  if (capture_begin(c, h, json, quiet, debug, done_cb, data) != 0)
    return BATON_EIO;
  int started;
  int status = baton__host_start_command(h, ns, cmd, argc, argv, capture_done,
                                         c, &started);
  if (!started)
    capture_end_unstarted(c, status);
  return 0;
}

int baton__capture_start_script(baton_capture_t *c, baton_host_t *h,
                                baton_plugin_t *p, int argc,
                                const char *const *argv, int json, int quiet,
                                int debug, void (*done_cb)(baton_capture_t *c),
                                void *data) {
  if (capture_begin(c, h, json, quiet, debug, done_cb, data) != 0)
    return BATON_EIO;
  c->script = 1;
  c->saved_exit_set = h->exit_set;
  c->saved_exit_status = h->exit_status;
  h->exit_set = 0;
  int started;
  int status =
      baton__host_start_script(h, p, argc, argv, capture_done, c, &started);
  if (!started)
    capture_end_unstarted(c, status);
  return 0;
}

void baton__capture_free(baton_capture_t *c) {
  free(c->out);
  free(c->err);
  c->out = c->err = NULL;
}
