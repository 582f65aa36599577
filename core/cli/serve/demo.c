/* core/cli/serve/demo.c: the trainer's reset of a demo database from the
 * dashboard: POST /api/demo/reset.
 *
 * Only a coordinator, only on a database `baton demo` made (its setting
 * baton.demo, which says the school's size and seed), and like every
 * write only with the session's CSRF token and from the server's own
 * origin (router.c, auth.c). The school is made again by a child `baton
 * demo --no-serve` into a new file beside the database (the loop goes on
 * answering meanwhile), then written into the open database with SQLite's
 * backup API (baton_store_restore), in one transaction: every page gets
 * `reset` and fetches everything again. Accounts and sessions are the
 * database's, so they go with it (the operator's session of the one-time
 * URL is the server's and stays); a workshop starts again with no one
 * joined. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <limits.h>
#include <unistd.h>

#include "serve.h"

typedef struct {
  long long size, seed;
  int found;
} demo_info_t;

static int read_info(const char *plugin, const char *key, const char *value,
                     void *ud) {
  (void)plugin;
  demo_info_t *d = ud;
  if (strcmp(key, BATON_DEMO_SETTING_KEY) != 0)
    return 0;
  json_t *j = json_loads(value, 0, NULL);
  json_t *size = json_object_get(j, "size"), *seed = json_object_get(j, "seed");
  if (json_is_integer(size) && json_is_integer(seed)) {
    d->size = json_integer_value(size);
    d->seed = json_integer_value(seed);
    d->found = 1;
  }
  json_decref(j);
  return 0;
}

int baton__serve_demo_info(serve_t *sv, long long *size, long long *seed) {
  demo_info_t d = {0};
  if (baton_settings_each(sv->store, BATON_DEMO_SETTING_PLUGIN, read_info,
                          &d) != 0 ||
      !d.found)
    return 0;
  if (size)
    *size = d.size;
  if (seed)
    *seed = d.seed;
  return 1;
}

/* ---- the child ------------------------------------------------------------
 */

typedef struct {
  uv_process_t proc;
  serve_t *sv;
  char *path;  /* the new school's file */
  char *actor; /* who asked (NULL: the operator or a token) */
} reset_t;

static void reset_free(uv_handle_t *h) {
  reset_t *x = h->data;
  baton__demo_remove_db(x->path);
  free(x->path);
  free(x->actor);
  free(x);
}

static void on_child_exit(uv_process_t *p, int64_t status, int sig) {
  reset_t *x = p->data;
  serve_t *sv = x->sv;
  sv->reset_running = 0;
  if (status != 0 || sig != 0) {
    fprintf(sv->log,
            "baton serve: the demo reset failed: `baton demo` exited %s "
            "%lld (its messages are above); the database is as it was\n",
            sig ? "on signal" : "with",
            sig ? (long long)sig : (long long)status);
    baton__serve_broadcast(sv, "reset_failed",
                           "{\"message\":\"the demo reset failed; the data "
                           "is as it was (see the server's log)\"}");
  } else if (baton_store_restore(sv->store, x->path) != 0) {
    fprintf(sv->log, "baton serve: the demo reset failed: %s\n",
            baton_store_last_error(sv->store));
    baton__serve_broadcast(sv, "reset_failed",
                           "{\"message\":\"the demo reset failed; the data "
                           "is as it was (see the server's log)\"}");
  } else {
    if (sv->workshop)
      baton__serve_workshop_reset(sv);
    baton_events_log(sv->store, NULL, x->actor, "demo.reset", NULL, NULL, NULL);
    sv->version = baton__serve_db_version(sv);
    char data[64];
    snprintf(data, sizeof data, "{\"version\":%lld}", sv->version);
    baton__serve_broadcast(sv, "reset", data);
    fprintf(sv->log, "baton serve: the demo was reset: a fresh school\n");
  }
  uv_close((uv_handle_t *)p, reset_free);
}

/* The command line's options before the command word (--plugins, --today,
 * ...), without --db: the child makes the same school with the same
 * plugins. */
static size_t global_options(baton_cli_t *cli, const char **out, size_t max) {
  size_t n = 0;
  for (int i = 0; cli && i < cli->argc && n + 1 < max; i++) {
    const char *a = cli->argv[i];
    if (a[0] != '-')
      break; /* the command word */
    if (strcmp(a, "--db") == 0) {
      i++;
      continue;
    }
    if (strncmp(a, "--db=", 5) == 0)
      continue;
    out[n++] = a;
    if (strchr(a, '=') == NULL && i + 1 < cli->argc &&
        (strcmp(a, "--plugins") == 0 || strcmp(a, "--today") == 0 ||
         strcmp(a, "--time-limit") == 0 || strcmp(a, "--memory-limit") == 0))
      out[n++] = cli->argv[++i];
  }
  return n;
}

void baton__serve_demo_reset(serve_t *sv, baton_http_req_t *r,
                             const serve_who_t *who) {
  long long size, seed;
  if (!baton__serve_who_at_least(who, "coordinator")) {
    send_error(r, 403, "only a coordinator may reset the demo");
    return;
  }
  if (!baton__serve_demo_info(sv, &size, &seed)) {
    send_error(r, 409,
               "this database was not made by baton demo, so it is not "
               "reset from here (a reset replaces everything in it); "
               "start a demo with `baton demo` for a sample school");
    return;
  }
  if (baton__sql_is_url(baton_store_path(sv->store))) {
    send_error(r, 409,
               "the reset works on a demo's SQLite file, and this demo is in "
               "PostgreSQL: drop and make the database again (dropdb, "
               "createdb), then run `baton demo --db URL` once more");
    return;
  }
  if (sv->reset_running) {
    send_error(r, 409,
               "a reset is already running; the page updates when it "
               "is done");
    return;
  }
  char exe[PATH_MAX];
  size_t exe_len = sizeof exe;
  reset_t *x = calloc(1, sizeof *x);
  if (x == NULL || sv->cli == NULL || uv_exepath(exe, &exe_len) != 0) {
    free(x);
    send_error(r, 503, "cannot start baton demo here");
    return;
  }
  x->sv = sv;
  x->actor = who->person ? baton__strdup(who->person) : NULL;
  x->path = baton__asprintf("%s.reset-%d", baton_store_path(sv->store),
                            (int)getpid());
  baton__demo_remove_db(x->path);
  char size_s[24], seed_s[24];
  snprintf(size_s, sizeof size_s, "%lld", size);
  snprintf(seed_s, sizeof seed_s, "%lld", seed);
  const char *argv[48];
  size_t n = 0;
  argv[n++] = "baton";
  n += global_options(sv->cli, argv + n, 32);
  const char *tail[] = {"--db",       x->path, "--quiet", "demo",
                        "--size",     size_s,  "--seed",  seed_s,
                        "--no-serve", "--yes", NULL};
  for (size_t i = 0; i < sizeof tail / sizeof *tail; i++)
    argv[n++] = tail[i];
  uv_process_options_t o = {0};
  o.file = exe;
  o.args = (char **)argv;
  o.exit_cb = on_child_exit;
  /* Its output is the trainer's terminal's (the server's own stderr). */
  uv_stdio_container_t stdio[3] = {{.flags = UV_IGNORE},
                                   {.flags = UV_IGNORE},
                                   {.flags = UV_INHERIT_FD, .data.fd = 2}};
  o.stdio = stdio;
  o.stdio_count = 3;
  x->proc.data = x;
  int e = x->path ? uv_spawn(&sv->h->loop, &x->proc, &o) : UV_ENOMEM;
  if (e != 0) {
    char *m = baton__asprintf("cannot start baton demo: %s", uv_strerror(e));
    send_error(r, 503, m ? m : "cannot start baton demo");
    free(m);
    if (x->path) { /* initialised even when the spawn failed */
      uv_close((uv_handle_t *)&x->proc, reset_free);
    } else {
      free(x->path);
      free(x->actor);
      free(x);
    }
    return;
  }
  sv->reset_running = 1;
  baton__serve_log_event(sv, r, who->person, "demo.reset_started", NULL, NULL);
  send_json(r, 202,
            json_pack("{s:b, s:s}", "started", 1, "message",
                      "a fresh school is being made; every page updates "
                      "when it is in place (a few seconds)"));
}
