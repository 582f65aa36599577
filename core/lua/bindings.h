/* core/lua/bindings.h: the baton.* API, one file per module.
 *
 * Each lua_*.c binds one module on the runtime (core/runtime) and the
 * layers below it; lua_init.c is the one table that opens them all (as
 * Lua's linit.c) and what they keep per plugin. Layer: runtime < lua. */
#ifndef BATON_BINDINGS_H
#define BATON_BINDINGS_H

#include <string.h>

#include "binding.h"
#include "http.h"
#include "runtime.h"

/* ---- lua_*.c: the baton.* API, one file per module ----------------------- */

/* The bindings a host gives its plugins (lua_init.c): opens the baton
 * table, stops a plugin's timers, frees its routes. */
extern const baton_bindings_t baton__lua_bindings;

/* core/lua/scripts/, compiled in by web/embed.cmake: the Lua half of
 * baton.output (output.lua) and of `baton test` (test_runner.lua). */
extern const baton_asset_t baton__lua_assets[];
extern const size_t baton__lua_nassets;

/* Each pushes its module table (or sets fields of the baton table at -1). */
void baton__lua_open_api(lua_State *L, baton_plugin_t *p); /* lua_baton.c */
int baton__lua_open_json(lua_State *L);                    /* lua_json.c */
int baton__lua_open_date(lua_State *L);                    /* lua_date.c */
/* 0 if the value at idx is a string that is exactly a date YYYY-MM-DD (its
 * Lua length counts, so a NUL and what follows it are not ignored), with
 * its parts in *y, *m, *d (each may be NULL); BATON_EINVAL otherwise. */
int baton__lua_todate(lua_State *L, int idx, int *y, int *m, int *d);
int baton__lua_open_plugin(lua_State *L);                  /* lua_plugin.c */
int baton__lua_open_timer(lua_State *L);                   /* lua_timer.c */
int baton__lua_open_fs(lua_State *L);                      /* lua_fs.c */
int baton__lua_open_spawn(lua_State *L);                   /* lua_spawn.c */
int baton__lua_open_http(lua_State *L);                    /* lua_http.c */
int baton__lua_open_html(lua_State *L);                    /* lua_html.c */
int baton__lua_open_terms(lua_State *L);                   /* lua_terms.c */
int baton__lua_open_settings(lua_State *L);             /* lua_settings.c */
int baton__lua_open_leadership(lua_State *L);         /* lua_leadership.c */
/* Pushes baton.today(): the date given with --today (or the test
 * runner's set_today), else the local date, as YYYY-MM-DD (lua_baton.c). */
void baton__lua_push_today(lua_State *L);
/* Sets baton.args and baton.exit (lua_script.c). [baton] */
void baton__lua_open_script(lua_State *L);

/* A route made by baton.http.route (lua_http.c); owned by its plugin. */
typedef struct baton_route_s {
  char method[8];
  char *path;  /* "/api/mentoring/pairs/:id" */
  int ref;     /* the handler, in the plugin's registry */
  char *where; /* "plugins/x/init.lua:12", where it was made */
  int nocache; /* made with {cache = false}: GET answers are not kept */
  char *type;  /* {type = "text/calendar"}: a string answer's type; NULL: JSON */
  struct baton_route_answer_s *answers; /* kept GET answers (lua_http.c) */
  struct baton_route_s *next;
} baton_route_t;
/* Drops a plugin's routes (their handlers go with its state). */
void baton__routes_free(baton_plugin_t *p);

/* Converts between Lua values and jansson; defined in lua_json.c. */
struct json_t;
struct json_t *baton__lua_to_json(lua_State *L, int idx, char **err);
void baton__lua_push_json(lua_State *L, struct json_t *j);
/* jansson's allocations counted against a plugin's memory limit, for a
 * conversion made for it outside baton.json: between open and close,
 * jansson's memory on this thread counts as the plugin's, and nothing may
 * raise a Lua error (the budget lives on the C stack). Close returns 1 if
 * an allocation was refused at the limit; free jansson's results first,
 * then raise with baton__json_budget_exceeded. p NULL counts nothing. */
typedef struct baton_json_budget_s {
  baton_plugin_t *p;
  size_t held; /* bytes jansson holds now, included in p->mem */
  int over;    /* an allocation was refused at the limit */
  struct baton_json_budget_s *outer;
} baton_json_budget_t;
void baton__json_budget_open(baton_json_budget_t *b, baton_plugin_t *p);
int baton__json_budget_close(baton_json_budget_t *b);
/* Raises "FN: out of memory in plugin 'x' (limit N MiB); ..." and ends
 * the call (pcall cannot swallow it). */
int baton__json_budget_exceeded(lua_State *L, baton_plugin_t *p,
                                const char *fn);
/* Decodes JSON text (jansson's flags) and pushes its value, with jansson's
 * memory counted as the running plugin's; past the limit raises as
 * baton__json_budget_exceeded naming fn. Returns 1, or 0 with nothing
 * pushed when the text is not JSON (*e says where; e may be NULL). */
struct json_error_t;
int baton__lua_decode_json(lua_State *L, const char *text, size_t len,
                           size_t flags, struct json_error_t *e,
                           const char *fn);
/* Marks the table at idx to encode as a JSON object even when empty. */
void baton__lua_mark_object(lua_State *L, int idx);

/* lua_test.c: the globals of a plugin test file (see `baton test`). */
/* The name of a test file's task: test_permissions and baton.exit check
 * it. */
#define BATON_TEST_TASK "test file"
typedef struct {
  FILE *out;
  int passed;
  int failed;
  char current[256]; /* the test running now, "" between tests */
  const char *tmp_dir;      /* the file's scratch folder, removed after it */
  baton_plugin_t **scripts; /* run_script's, freed after the file */
  size_t nscripts;
  char **warned; /* SQL warnings printed (lua_store.c), freed after the run */
  size_t nwarned;
  /* `baton test --db URL`: the URL given (only connected to) and the
   * file's scratch database on its server; NULL on SQLite */
  const char *pg_url;
  const char *pg_scratch;
  /* the first plugin statement refused on PostgreSQL in the running test
   * (malloc'd): the test fails with it, even if it expected the failure */
  char *refused;
} baton_test_counts_t;
/* The registry key of a test file's counts (a light userdata), set by
 * baton__test_start: baton.store warns through it. */
extern const char baton__test_counts_key;
/* Runs a test file in p's (loaded) state as a task: installs test(),
 * expect(), run() and the other test globals, then runs every test and
 * counts them. Returns 0 when started (the end comes through done_cb) or
 * an error code. */
int baton__test_start(baton_plugin_t *p, const char *file,
                      baton_test_counts_t *counts,
                      void (*done_cb)(baton_task_t *));

/* Test globals kept beside their modules: set_terms{...} (lua_terms.c)
 * and set_setting(key, value) (lua_settings.c). */
int baton__test_set_terms(lua_State *L);
int baton__test_set_setting(lua_State *L);

/* Stops and frees every timer of a plugin (on unload). */
void baton__timer_close_all(baton_plugin_t *p);

/* Sets people, groups, events and store on the baton table at -1, bound to
 * plugin p (lua_store.c). */
void baton__lua_open_store(lua_State *L, baton_plugin_t *p);
/* lua_store.c: appends an event, as baton.events.list gives it, to the
 * array at the top of L (ud), for baton_events_query; 1 with the error on
 * top when pushing raised. */
int baton__lua_append_event(const baton_event_t *e, void *ud);
/* lua_hooks.c: baton.events.on(kind, fn), and the runtime's deliver. */
int baton__lua_events_on(lua_State *L);
void baton__lua_hooks_deliver(baton_plugin_t *p, long long id, const char *kind,
                              int depth);

/* ---- assign: lua_assign.c --------------------------------------------- */

/* Sets baton.assign (the solver of include/baton/assign.h) on the baton
 * table at -1. */
void baton__lua_open_assign(lua_State *L);
/* Sets baton.rota (the rota's first pass, core/lua/lua_rota.c) on the baton
 * table at -1. */
void baton__lua_open_rota(lua_State *L);

/* ---- ics, csv: lua_ics.c, lua_csv.c ------------------------------------ */

/* Push baton.ics (iCalendar through libical) and baton.csv (CSV through
 * csv.c's libcsv reader); the caller sets them on the baton table. */
int baton__lua_open_ics(lua_State *L);
/* baton.ics for plugins: loads the module with baton__lua_open_ics (core/
 * lua_ics.c, built as baton_ics.so) on first call. lua_ics_lazy.c */
int baton__lua_open_ics_lazy(lua_State *L);
int baton__lua_open_csv(lua_State *L);

/* ---- score: score.c, lua_score.c ---------------------------------------- */

/* Sets score, reasons, features and matrix (the mentoring scores of
 * core/solve/solve.h) on the table at the top of the stack, the
 * baton.assign table. Returns 0. */
int baton__lua_open_score(lua_State *L);
/* The cells of the baton.matrix userdata at idx (row-major, NaN for a
 * forbidden cell) and its size, or NULL when the value is not a matrix.
 * The cells belong to the userdata. */
const double *baton__lua_score_matrix(lua_State *L, int idx, size_t *rows,
                                      size_t *cols);

/* ---- plugin routes (lua_http.c) ----------------------------------------- */

/* What the server tells the routes about a request. */
typedef struct {
  FILE *log;          /* where a handler's failure is logged */
  long long version;  /* the data's version: a GET answer kept for an
                         older one is not used */
  unsigned time_ms;   /* a handler's time limit (--route-time-limit), or 0
                         for the host's alone; the shorter one holds */
  const char *person; /* who asks: the signed-in person's id, or NULL */
  const char *role;   /* their role ("coordinator", "staff", "viewer"), or
                         NULL for nobody; the handler sees both as
                         req.user, and events it logs have person as actor */
  const char *school; /* the school the answer is limited to (the person's,
                         or the one a district account picked with
                         ?school=), or NULL for every school: req.user.school,
                         and what baton.people, baton.groups and
                         baton.events return in the handler */
  int district;       /* the person has the district role:
                         req.user.district */
} baton_route_ctx_t;

/* Answers r with the route of a loaded plugin that matches its path (405
 * with Allow when only another method matches). Returns 1 when r was taken
 * (answered now or when the handler ends), 0 when no route has its path.
 * A GET route's 200 answer is kept per path and query and sent again
 * without running the handler while the data's version stays the same,
 * unless the route was made with {cache = false}. A handler's failure is
 * logged to ctx->log and answered 500 naming the plugin; one that runs
 * past the time limit is stopped and answered 503. Answers are kept per
 * person, role and school too, since a handler may answer each their
 * own. */
int baton__route_dispatch(baton_host_t *h, baton_http_req_t *r,
                          const baton_route_ctx_t *ctx);
/* 1 if a loaded plugin has a route (of any method) for path. */
int baton__route_exists(baton_host_t *h, const char *path);

/* What a route called from inside the host answered: status (200..599)
 * with the body it would have sent (JSON text unless type says otherwise;
 * borrowed for the call), or status 0 with error, why the handler could
 * not answer (naming the plugin's file and line when its code failed). */
typedef void (*baton_route_answer_fn)(void *ud, int status, const char *type,
                                      const char *body, size_t len,
                                      const char *error);
/* Runs loaded plugin p's GET route for `path` with `query` ("k=v&...",
 * may be NULL) as baton serve would answer a request for it, from inside
 * the host: in p's own sandbox and memory limit, as a task with reach
 * `reach` (taken; its chain is the caller's, so the route gets no more
 * than the caller holds) and time limit limit_ms (0: none), with no
 * req.user, no headers and no kept answer. A failure of the handler does
 * not fail the host's run. answer runs exactly once, possibly before
 * this returns. Returns 0; BATON_ENOENT when p has no GET route for path
 * (answer is not called), or BATON_ENOMEM. */
int baton__route_call(baton_plugin_t *p, const char *path, const char *query,
                      baton_reach_t *reach, unsigned limit_ms,
                      baton_route_answer_fn answer, void *ud);

#endif
