/* core/cli/serve/demo.c: the trainer's reset of a demo database from the
 * dashboard: POST /api/demo/reset.
 *
 * Only a coordinator, only on a database `baton demo` made (its setting
 * baton.demo, which says the school's size and seed), and like every
 * write only with the session's CSRF token and from the server's own
 * origin (router.c, auth.c). The school is made again by a child `baton
 * demo --no-serve` into a new file beside the database (on PostgreSQL in
 * a folder under /tmp; the loop goes on answering meanwhile), then
 * written into the open database in one transaction: with SQLite's backup
 * API (baton_store_restore), or on PostgreSQL by baton_store_replace,
 * which empties the database and copies the school in, verified, after
 * checking the demo mark again. Every page gets `reset` and fetches
 * everything again; other servers on the same PostgreSQL database hear
 * the commit (LISTEN/NOTIFY) and redraw their pages. Accounts and sessions are
 * the database's, so they go with it (the operator's session of the one-time
 * URL is the server's and stays); a workshop starts again with no one
 * joined. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <limits.h>
#include <unistd.h>

#include "serve.h"

int baton__serve_demo_info(serve_t *sv, long long *size, long long *seed) {
  return baton__demo_info(sv->store, size, seed);
}

/* ---- the child ------------------------------------------------------------
 */

typedef struct {
  uv_process_t proc;
  serve_t *sv;
  char *path;  /* the new school's file */
  char *dir;   /* PostgreSQL: the folder made for it under /tmp */
  char *actor; /* who asked (NULL: the operator or a token) */
} reset_t;

static void reset_free(uv_handle_t *h) {
  reset_t *x = h->data;
  if (x->path)
    baton__demo_remove_db(x->path);
  if (x->dir)
    rmdir(x->dir);
  free(x->path);
  free(x->dir);
  free(x->actor);
  free(x);
}

/* Writes the new school at `path` into the open database: SQLite's backup
 * API for a file; on PostgreSQL baton__demo_replace, which checks the demo
 * mark again inside its transaction. Both are one transaction: the old
 * school stays on any error. Returns NULL, or why not (malloc'd). */
static char *put_school(serve_t *sv, const char *path) {
  if (baton__sql_is_url(baton_store_path(sv->store)))
    return baton__demo_replace(sv->store, path);
  if (baton_store_restore(sv->store, path) == 0)
    return NULL;
  char *why = baton__strdup(baton_store_last_error(sv->store));
  return why ? why : baton__strdup("out of memory");
}

static void on_child_exit(uv_process_t *p, int64_t status, int sig) {
  reset_t *x = p->data;
  serve_t *sv = x->sv;
  char *why = NULL;
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
  } else if ((why = put_school(sv, x->path)) != NULL) {
    fprintf(sv->log, "baton serve: the demo reset failed: %s\n", why);
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
  free(why);
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
  if (baton__sql_is_url(baton_store_path(sv->store))) {
    /* PostgreSQL: the school is made in a file of a folder of its own. */
    char tmp[] = "/tmp/baton-reset.XXXXXX";
    if (mkdtemp(tmp) != NULL && (x->dir = baton__strdup(tmp)) != NULL)
      x->path = baton__asprintf("%s/school.db", tmp);
    else if (x->dir == NULL)
      rmdir(tmp);
  } else {
    x->path = baton__asprintf("%s.reset-%d", baton_store_path(sv->store),
                              (int)getpid());
  }
  if (x->path)
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
      if (x->dir)
        rmdir(x->dir);
      free(x->dir);
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
