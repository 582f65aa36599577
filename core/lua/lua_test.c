/* core/lua/lua_test.c: what a plugin test file sees, inside the real host.
 *
 * `baton test` (core/cli/cmd_test.c) loads the plugin under test in a fresh
 * host with a fresh database, then runs each test file in the plugin's own
 * state as a task. Only there do these globals exist:
 *
 *   test(name, fn)            declare a test (fn runs as part of a task)
 *   expect(v):to_equal(x)     and the other matchers below; .never negates
 *   run(cmd, ...)             `baton NS CMD ...` in this host -> {status, out, err}
 *   run_json(cmd, ...)        the same with --json; must succeed -> decoded, result
 *   plugin                    the plugin's module table
 *   set_today(date)           what baton.today() returns from now on
 *   set_terms{...}            the test database's school calendar
 *   set_setting(key, value)   one of the plugin's settings (nil: unset)
 *   load_people(path)         import a CSV/JSON roster into the test database
 *   load_groups(path)         the same for group memberships
 *   fixture_path(rel)         a path inside the plugin's directory */
#include <stdlib.h>
#include <string.h>

#include "baton/store.h"
#include "capture.h"
#include "bindings.h"

/* ---- run(): a command of the plugin, its output captured ---------------- */

/* The capture itself is core/runtime/capture.c, shared with `baton serve`. */
typedef struct {
  baton_op_t op;
  baton_capture_t cap;
  int waited; /* run() yielded: run_done resumes the test */
} run_op_t;

static void run_free(run_op_t *r) {
  baton__capture_free(&r->cap);
  free(r);
}

static int push_run_result(lua_State *L, void *ud) {
  run_op_t *r = ud;
  lua_createtable(L, 0, 3);
  lua_pushinteger(L, r->cap.status);
  lua_setfield(L, -2, "status");
  lua_pushlstring(L, r->cap.out ? r->cap.out : "", r->cap.out_len);
  lua_setfield(L, -2, "out");
  lua_pushlstring(L, r->cap.err ? r->cap.err : "", r->cap.err_len);
  lua_setfield(L, -2, "err");
  return 1;
}

/* The command ended: hand the result to the waiting test, if it still
 * waits. */
static void run_done(baton_capture_t *c) {
  run_op_t *r = c->data;
  if (!r->waited)
    return; /* finished inside run() itself, which returns the result */
  baton_task_t *waiting = r->op.task;
  if (waiting == NULL) {
    run_free(r); /* the test was cancelled meanwhile */
    return;
  }
  r->op.task = NULL;
  baton__task_resume(waiting, push_run_result, r);
  run_free(r);
}

/* The test was cancelled while its command ran: the command goes on to its
 * end (its own limits hold) and run_done frees the op. */
static void run_cancel(baton_op_t *op) { (void)op; }

static void release_run(void *data) {
  run_op_t **slot = data;
  if (*slot != NULL)
    run_free(*slot);
  *slot = NULL;
}

static int l_run(lua_State *L) {
  baton_plugin_t *p = baton__plugin_of(L);
  baton_host_t *h = p->host;
  const char *cmd = baton__lua_checkcstring(L, 1, "run", "the command");
  int n = lua_gettop(L);
  const char **argv = lua_newuserdatauv(L, sizeof *argv * (size_t)(n + 1), 0);
  int argc = 0, json = h->opts.json, quiet = h->opts.quiet,
      debug = h->opts.debug;
  for (int i = 2; i <= n; i++) {
    char what[32];
    snprintf(what, sizeof what, "argument %d", i - 1);
    const char *a = baton__lua_checkcstring(L, i, "run", what);
    if (strcmp(a, "--json") == 0)
      json = 1;
    else if (strcmp(a, "--quiet") == 0 || strcmp(a, "-q") == 0)
      quiet = 1;
    else if (strcmp(a, "--debug") == 0)
      debug = 1;
    else
      argv[argc++] = a;
  }
  baton__task_current(L, "run");
  /* The op, boxed until it waits: pushing the result may raise. */
  run_op_t **box = baton__lua_box(L, sizeof *box, release_run);
  int boxed = lua_gettop(L);
  run_op_t *r = *box = calloc(1, sizeof *r);
  if (r == NULL)
    return luaL_error(L, "run: out of memory");
  r->op.cancel = run_cancel;
  if (baton__capture_start(&r->cap, h, p->m->ns, cmd, argc, argv, json, quiet,
                           debug, run_done, r) != 0)
    return luaL_error(L, "run: cannot capture output");
  if (r->cap.finished) {
    push_run_result(L, r);
    baton__lua_box_close(L, boxed);
    return 1;
  }
  *box = NULL; /* run_done frees it now */
  r->waited = 1;
  return baton__task_wait(L, &r->op);
}

/* ---- the other helpers ----------------------------------------------------*/

static char *plugin_path(baton_plugin_t *p, const char *rel) {
  return rel[0] == '/' ? baton__strdup(rel)
                       : baton__asprintf("%s/%s", p->dir, rel);
}

static int l_fixture_path(lua_State *L) {
  baton_plugin_t *p = baton__plugin_of(L);
  const char *rel = baton__lua_checkcstring(L, 1, "fixture_path", "path");
  char **path = baton__lua_box(L, sizeof *path, baton__lua_box_free);
  if ((*path = plugin_path(p, rel)) == NULL)
    return luaL_error(L, "fixture_path: out of memory");
  lua_pushstring(L, *path);
  baton__lua_box_close(L, -2);
  return 1;
}

static int l_set_today(lua_State *L) {
  baton_plugin_t *p = baton__plugin_of(L);
  const char *d = baton__lua_checkcstring(L, 1, "set_today", "the date");
  if (baton__lua_todate(L, 1, NULL, NULL, NULL) != 0)
    return luaL_error(L, "set_today: '%s' is not a date written YYYY-MM-DD",
                      d);
  snprintf(p->host->today, sizeof p->host->today, "%s", d);
  p->host->opts.today = p->host->today;
  return 0;
}

typedef struct {
  char *path;
  baton_import_report_t rep;
} load_box_t;

static void release_load(void *data) {
  load_box_t *b = data;
  free(b->path);
  baton_import_report_free(&b->rep);
}

/* load_people(path) / load_groups(path) -> rows imported. Raises with the
 * import's own errors (file, line, column) if the file is refused. */
static int l_load(lua_State *L) {
  baton_plugin_t *p = baton__plugin_of(L);
  int groups = (int)lua_tointeger(L, lua_upvalueindex(1));
  const char *fn = groups ? "load_groups" : "load_people";
  const char *rel = baton__lua_checkcstring(L, 1, fn, "path");
  lua_settop(L, 1);
  /* The path and the report, boxed: the message may raise. */
  load_box_t *box = baton__lua_box(L, sizeof *box, release_load);
  struct baton_store_s *s;
  if ((box->path = plugin_path(p, rel)) == NULL ||
      baton__host_store(p->host, &s) != 0)
    return luaL_error(L, "%s: %s", fn, baton_host_last_error(p->host));
  baton_import_options_t o;
  baton_import_options_init(&o);
  baton_import_report_t *rep = &box->rep;
  int r = groups ? baton_groups_import(s, box->path, &o, rep)
                 : baton_people_import(s, box->path, &o, rep);
  if (r != 0) {
    luaL_Buffer b;
    luaL_buffinit(L, &b);
    lua_pushfstring(L, "%s(%s): %s", fn, box->path, baton_strerror(r));
    luaL_addvalue(&b);
    for (size_t i = 0; i < rep->nerrors && i < 5; i++) {
      luaL_addstring(&b, "\n  ");
      luaL_addstring(&b, rep->errors[i]);
    }
    luaL_pushresult(&b);
    return lua_error(L);
  }
  lua_pushinteger(L, (lua_Integer)rep->rows);
  baton__lua_box_close(L, 2);
  return 1;
}

/* ---- the runner, in Lua: core/lua/scripts/test_runner.lua, compiled in ---*/

/* report(name, ok, message): one line per test, counted. */
static int l_report(lua_State *L) {
  baton_test_counts_t *c = lua_touserdata(L, lua_upvalueindex(1));
  const char *name = luaL_optstring(L, 1, "(file)");
  int ok = lua_toboolean(L, 2);
  FILE *out = c->out;
  if (lua_type(L, 2) == LUA_TSTRING) { /* 'begin': the test now running */
    snprintf(c->current, sizeof c->current, "%s", name);
    return 0;
  }
  c->current[0] = '\0';
  if (ok) {
    c->passed++;
    fprintf(out, "  ok    %s\n", name);
  } else {
    c->failed++;
    fprintf(out, "  FAIL  %s\n        %s\n", name, luaL_optstring(L, 3, ""));
  }
  fflush(out);
  return 0;
}

int baton__test_start(baton_plugin_t *p, const char *file,
                      baton_test_counts_t *counts,
                      void (*done_cb)(baton_task_t *)) {
  lua_State *L = p->L;
  if (!lua_checkstack(L, 8))
    return BATON_ENOMEM;
  /* The helpers become globals of the plugin's state, for tests only. */
  static const luaL_Reg fns[] = {{"run", l_run},
                                 {"fixture_path", l_fixture_path},
                                 {"set_today", l_set_today},
                                 {"set_terms", baton__test_set_terms},
                                 {"set_setting", baton__test_set_setting},
                                 {NULL, NULL}};
  for (const luaL_Reg *f = fns; f->name; f++) {
    lua_pushcfunction(L, f->func);
    lua_setglobal(L, f->name);
  }
  lua_pushinteger(L, 0);
  lua_pushcclosure(L, l_load, 1);
  lua_setglobal(L, "load_people");
  lua_pushinteger(L, 1);
  lua_pushcclosure(L, l_load, 1);
  lua_setglobal(L, "load_groups");
  lua_rawgeti(L, LUA_REGISTRYINDEX, p->module_ref);
  lua_setglobal(L, "plugin");

  size_t runner_len;
  const char *runner_src =
      baton__asset_text(baton__lua_assets, "/test_runner.lua", &runner_len);
  if (luaL_loadbufferx(L, runner_src, runner_len, "=baton test", "t") !=
      LUA_OK) {
    lua_pop(L, 1);
    return BATON_EPLUGIN;
  }
  lua_pushlightuserdata(L, counts);
  lua_pushcclosure(L, l_report, 1);
  if (baton__sandbox_loadfile(L, file) != LUA_OK) {
    fprintf(counts->out, "  FAIL  %s\n        %s\n", file, lua_tostring(L, -1));
    counts->failed++;
    lua_pop(L, 3);
    return 0;
  }
  lua_pushstring(L, p->m->ns);
  return baton__task_start(p, 3, "test file", done_cb, counts);
}
