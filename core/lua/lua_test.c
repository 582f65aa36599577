/* core/lua/lua_test.c: what a plugin test file sees, inside the real host.
 *
 * `baton test` (core/cli/cmd_test.c) loads the plugin under test in a fresh
 * host with a fresh database, then runs each test file in the plugin's own
 * state as a task. Only there do these globals exist:
 *
 *   test(name, fn)            declare a test (fn runs as part of a task)
 *   expect(v):to_equal(x)     and the other matchers below; .never negates
 *   run(cmd, ...)             `baton NS CMD ...` in this host -> {status,
 *                             out, err}; --json, --quiet, --debug and
 *                             --today DATE among the arguments are baton's,
 *                             for this run (a script's test: run(NS, CMD))
 *   run_script(...)           `baton run SCRIPT ...`, captured, in a test of
 *                             workflow scripts
 *   run_json(cmd, ...)        the same with --json; must succeed -> decoded, result
 *   before_each(fn), after_each(fn)   run around every test (test_runner.lua)
 *   reset_db()                a fresh, empty database from here on
 *   tmp_path(name)            a scratch path, removed after the file
 *   test_permissions{...}     extra grants for the test file's own code only
 *   plugin                    the plugin's module table
 *   set_today(date)           what baton.today() returns from now on
 *   set_terms{...}            the test database's school calendar
 *   set_setting(key, value)   one of the plugin's settings (nil: unset)
 *   load_people(path)         import a CSV/JSON roster into the test database
 *   load_groups(path)         the same for group memberships
 *   fixture_path(rel)         a path inside the plugin's directory */
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sqlite3.h>

#include "baton/store.h"
#include "capture.h"
#include "bindings.h"

/* A path relative to the plugin's folder (a script test's: the scripts'
 * folder); malloc'd, NULL when out of memory. */
static char *plugin_path(baton_plugin_t *p, const char *rel) {
  return rel[0] == '/' ? baton__strdup(rel)
                       : baton__asprintf("%s/%s", p->dir, rel);
}


/* ---- run(): a command of the plugin, its output captured ---------------- */

/* The capture itself is core/runtime/capture.c, shared with `baton serve`. */
typedef struct {
  baton_op_t op;
  baton_capture_t cap;
  int waited; /* run() yielded: run_done resumes the test */
  baton_host_t *h;
  const char *saved_today; /* the host's --today, put back at the end */
  char today[16];          /* run(..., "--today", DATE) */
} run_op_t;

static void run_free(run_op_t *r) {
  baton__capture_free(&r->cap);
  free(r);
}

/* The command ended: its --today, if it had one, ends with it. */
static void run_restore(run_op_t *r) {
  if (r->h->opts.today == r->today)
    r->h->opts.today = r->saved_today;
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
  run_restore(r);
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

/* baton's own flags among run()'s arguments, for this run only. */
typedef struct {
  int json, quiet, debug;
  const char *today;
  int nallow;
  const char **allow; /* run_script's --allow grants (a userdata) */
} run_flags_t;

/* If argument i (of n) is one of baton's flags, records it and returns
 * how many arguments it took (1 or 2); 0 if it is not one. Messages count
 * the arguments after the first `skip`. */
static int run_flag(lua_State *L, int i, int n, int skip, const char *fn,
                    run_flags_t *f) {
  char what[32];
  snprintf(what, sizeof what, "argument %d", i - skip);
  const char *a = baton__lua_checkcstring(L, i, fn, what);
  if (strcmp(a, "--json") == 0)
    f->json = 1;
  else if (strcmp(a, "--quiet") == 0 || strcmp(a, "-q") == 0)
    f->quiet = 1;
  else if (strcmp(a, "--debug") == 0)
    f->debug = 1;
  else if (strncmp(a, "--today=", 8) == 0)
    f->today = a + 8;
  else if (f->allow && strncmp(a, "--allow=", 8) == 0)
    f->allow[f->nallow++] = a + 8;
  else if (strcmp(a, "--today") == 0 ||
           (f->allow && strcmp(a, "--allow") == 0)) {
    if (i == n)
      luaL_error(L, "%s: %s needs a value: %s", fn, a,
                 a[2] == 't' ? "--today 2026-09-01" : "--allow fs.write");
    const char *v = baton__lua_checkcstring(L, i + 1, fn, a);
    if (a[2] == 't')
      f->today = v;
    else
      f->allow[f->nallow++] = v;
    return 2;
  } else
    return 0;
  return 1;
}

/* Starts what `start` starts under the flags, captured, and waits for its
 * end: -> {status, out, err}. */
static void release_run(void *data) {
  run_op_t **slot = data;
  if (*slot != NULL)
    run_free(*slot);
  *slot = NULL;
}

static int run_captured(lua_State *L, const char *fn, const run_flags_t *f,
                        int (*start)(run_op_t *r, void *ctx), void *ctx) {
  baton_host_t *h = baton__plugin_of(L)->host;
  if (f->today != NULL && baton__date_parse(f->today, NULL, NULL, NULL) != 0)
    return luaL_error(L, "%s: --today expects a date written YYYY-MM-DD, "
                         "got '%s'", fn, f->today);
  baton__task_current(L, fn);
  /* The op, boxed until it waits: pushing the result may raise. */
  run_op_t **box = baton__lua_box(L, sizeof *box, release_run);
  int boxed = lua_gettop(L);
  run_op_t *r = *box = calloc(1, sizeof *r);
  if (r == NULL)
    return luaL_error(L, "%s: out of memory", fn);
  r->op.cancel = run_cancel;
  r->h = h;
  r->saved_today = h->opts.today;
  if (f->today != NULL) {
    snprintf(r->today, sizeof r->today, "%s", f->today);
    h->opts.today = r->today;
  }
  if (start(r, ctx) != 0) {
    *box = NULL;
    run_restore(r);
    free(r);
    return luaL_error(L, "%s: cannot capture output", fn);
  }
  if (r->cap.finished) {
    push_run_result(L, r);
    baton__lua_box_close(L, boxed);
    return 1;
  }
  *box = NULL; /* run_done frees it now */
  r->waited = 1;
  return baton__task_wait(L, &r->op);
}

typedef struct {
  const char *ns, *cmd;
  int argc;
  const char **argv;
  const run_flags_t *f;
  baton_plugin_t *script;
} run_ctx_t;

static int start_command(run_op_t *r, void *ctx) {
  run_ctx_t *c = ctx;
  return baton__capture_start(&r->cap, r->h, c->ns, c->cmd, c->argc, c->argv,
                              c->f->json, c->f->quiet, c->f->debug, run_done,
                              r);
}

static int start_script(run_op_t *r, void *ctx) {
  run_ctx_t *c = ctx;
  return baton__capture_start_script(&r->cap, r->h, c->script, c->argc,
                                     c->argv, c->f->json, c->f->quiet,
                                     c->f->debug, run_done, r);
}

/* run(cmd, ...) in a plugin's tests; run(ns, cmd, ...) in a script's,
 * which belong to no plugin. */
static int l_run(lua_State *L) {
  baton_plugin_t *p = baton__plugin_of(L);
  baton_host_t *h = p->host;
  int first = p->m ? 1 : 2;
  const char *ns = p->m ? p->m->ns
                        : baton__lua_checkcstring(L, 1, "run", "the command");
  const char *cmd = lua_gettop(L) >= first
                        ? baton__lua_checkcstring(L, first, "run",
                                                  "the command")
                        : NULL;
  int n = lua_gettop(L);
  const char **argv = lua_newuserdatauv(L, sizeof *argv * (size_t)(n + 1), 0);
  run_flags_t f = {h->opts.json, h->opts.quiet, h->opts.debug, NULL, 0, NULL};
  run_ctx_t c = {ns, cmd, 0, argv, &f, NULL};
  for (int i = first + 1; i <= n; i++) {
    int took = run_flag(L, i, n, first, "run", &f);
    if (took == 0)
      argv[c.argc++] = lua_tostring(L, i);
    else
      i += took - 1;
  }
  return run_captured(L, "run", &f, start_command, &c);
}

/* run_script([flags...,] path, args...): `baton [flags] run path args` in
 * this host, captured -> {status, out, err}. The flags are baton's
 * (--json, --quiet, --debug, --today DATE, --allow PERM), before the
 * path as on the command line; path is relative to the scripts' folder. */
static int l_run_script(lua_State *L) {
  baton_test_counts_t *counts = lua_touserdata(L, lua_upvalueindex(1));
  baton_plugin_t *p = baton__plugin_of(L);
  baton_host_t *h = p->host;
  int n = lua_gettop(L);
  const char **argv = lua_newuserdatauv(L, sizeof *argv * (size_t)(n + 1), 0);
  const char **allow = lua_newuserdatauv(L, sizeof *allow * (size_t)(n + 1), 0);
  run_flags_t f = {h->opts.json, h->opts.quiet, h->opts.debug, NULL, 0, allow};
  int i = 1, took;
  while (i <= n && (took = run_flag(L, i, n, 0, "run_script", &f)) > 0)
    i += took;
  if (i > n)
    return luaL_error(L, "run_script: which script? run_script(\"name.lua\", "
                         "args...)");
  const char *rel = baton__lua_checkcstring(L, i, "run_script", "the script");
  run_ctx_t c = {NULL, NULL, 0, argv, &f, NULL};
  for (i++; i <= n; i++)
    argv[c.argc++] = baton__lua_checkcstring(L, i, "run_script", "an argument");
  baton_plugin_t **list =
      realloc(counts->scripts, (counts->nscripts + 1) * sizeof *list);
  if (list == NULL)
    return luaL_error(L, "run_script: out of memory");
  counts->scripts = list;
  char *path = plugin_path(p, rel);
  int status = 0;
  c.script = path ? baton__host_new_script(h, path, NULL, &status) : NULL;
  free(path);
  if (c.script == NULL)
    return luaL_error(L, "run_script: out of memory");
  /* Freed after the test file: its task may end inside a callback of the
   * host, which still uses it when the test goes on. */
  counts->scripts[counts->nscripts++] = c.script;
  for (int k = 0; k < f.nallow; k++) {
    char *why = NULL;
    int e = baton__grant_add(&c.script->perms, &c.script->scopes, allow[k],
                             " for --allow", &why);
    if (e != 0) {
      lua_pushfstring(L, "run_script: %s", why ? why : baton_strerror(e));
      free(why);
      return lua_error(L);
    }
  }
  return run_captured(L, "run_script", &f, start_script, &c);
}

/* ---- the other helpers ----------------------------------------------------*/

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

const char baton__test_counts_key = 0;

/* reset_db(): the database is closed and removed; the next use opens a
 * fresh, empty one (core tables only; a plugin's tables come back when its
 * code runs baton.store.migrate again). `before_each(reset_db)` gives each
 * test a database of its own. */
static int l_reset_db(lua_State *L) {
  baton_plugin_t *p = baton__plugin_of(L);
  baton_host_t *h = p->host;
  for (baton_task_t *t = p->tasks; t != NULL; t = t->next)
    if (t != h->running)
      return luaL_error(L, "reset_db: a command or timer of the plugin is "
                           "still running; call it between tests (in "
                           "before_each) or after run() returns");
  if (h->store != NULL && baton__sql_in_transaction(h->store->sql))
    return luaL_error(L, "reset_db: cannot run inside "
                         "baton.store.transaction; call it between tests");
  baton__host_store_close(h);
  lua_rawgetp(L, LUA_REGISTRYINDEX, &baton__test_counts_key);
  baton_test_counts_t *c = lua_touserdata(L, -1);
  lua_pop(L, 1);
  if (c != NULL && c->pg_scratch != NULL) { /* baton test --db URL */
    char *err = NULL;
    if (baton_store_scratch_reset(c->pg_url, c->pg_scratch, &err) != 0) {
      lua_pushfstring(L, "reset_db: %s", err ? err : "out of memory");
      free(err);
      return lua_error(L);
    }
    return 0;
  }
  const char *db = baton__host_db_path(h);
  static const char *const ends[] = {"", "-wal", "-shm", "-journal"};
  for (size_t i = 0; i < sizeof ends / sizeof *ends; i++) {
    char *f = baton__asprintf("%s%s", db, ends[i]);
    if (f == NULL)
      return luaL_error(L, "reset_db: out of memory");
    int gone = remove(f) == 0 || !baton__is_file(f);
    free(f);
    if (!gone)
      return luaL_error(L, "reset_db: cannot remove the test database %s%s",
                        db, ends[i]);
  }
  return 0;
}

/* tmp_path(name) -> a path in the test file's scratch folder, which `baton
 * test` removes after the file. The file is not created. */
static int l_tmp_path(lua_State *L) {
  baton_test_counts_t *c = lua_touserdata(L, lua_upvalueindex(1));
  const char *name = baton__lua_checkcstring(L, 1, "tmp_path", "the name");
  if (name[0] == '\0' || name[0] == '/' || strcmp(name, "..") == 0 ||
      strncmp(name, "../", 3) == 0 || strstr(name, "/../") != NULL ||
      (strlen(name) >= 3 && strcmp(name + strlen(name) - 3, "/..") == 0))
    return luaL_error(L, "tmp_path: '%s' must be a relative name inside the "
                         "scratch folder, e.g. tmp_path(\"out.csv\")", name);
  char *dir = baton__asprintf("%s/files", c->tmp_dir);
  if (dir == NULL)
    return luaL_error(L, "tmp_path: out of memory");
  if (!baton__is_dir(dir) && mkdir(dir, 0700) != 0) {
    lua_pushfstring(L, "tmp_path: cannot make %s", dir);
    free(dir);
    return lua_error(L);
  }
  lua_pushfstring(L, "%s/%s", dir, name);
  free(dir);
  return 1;
}

/* test_permissions{"fs.read", "fs.write:out/", ...}: grants for the test
 * file's own code (its task), not for the plugin: a command started with
 * run() keeps exactly its manifest's grant, since a command's reach is its
 * plugin's grant attenuated by its caller's. Only `baton test` defines it,
 * and the runner allows it only before the first test runs. */
static int l_test_permissions(lua_State *L) {
  luaL_checktype(L, 1, LUA_TTABLE);
  /* Only the test file's own task: plugin code that a command started with
   * run() calls must not widen its command's reach. */
  baton_task_t *t = baton__plugin_of(L)->host->running;
  baton_reach_t *r = baton__reach_now(L);
  if (r == NULL || strcmp(t->what, BATON_TEST_TASK) != 0)
    return luaL_error(L, "test_permissions: only the test file itself may "
                         "call it, at its top");
  lua_Integer n = luaL_len(L, 1);
  for (lua_Integer i = 1; i <= n; i++) {
    lua_geti(L, 1, i);
    char what[32];
    snprintf(what, sizeof what, "permission %d", (int)i);
    const char *perm = baton__lua_checkcstring(L, -1, "test_permissions", what);
    char *why = NULL;
    int e = baton__reach_grant(r, perm, " in test_permissions", &why);
    if (e != 0) {
      lua_pushfstring(L, "test_permissions: %s",
                      why ? why : baton_strerror(e));
      free(why);
      return lua_error(L);
    }
    lua_pop(L, 1);
  }
  return 0;
}

/* load_people(path) / load_groups(path) -> rows imported. Raises with the
 * import's own errors (file, line, column) if the file is refused. */
typedef struct {
  char *path;
  baton_import_report_t rep;
} load_box_t;

static void release_load(void *data) {
  load_box_t *b = data;
  free(b->path);
  baton_import_report_free(&b->rep);
}

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
    free(c->refused);
    c->refused = NULL;
    return 0;
  }
  c->current[0] = '\0';
  if (c->refused != NULL) { /* SQL refused on PostgreSQL: never a pass */
    c->failed++;
    fprintf(out, "  FAIL  %s\n        %s%s%s\n", name, c->refused,
            ok ? "" : "\n        ", ok ? "" : luaL_optstring(L, 3, ""));
    free(c->refused);
    c->refused = NULL;
  } else if (ok) {
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
                                 {"reset_db", l_reset_db},
                                 {NULL, NULL}};
  for (const luaL_Reg *f = fns; f->name; f++) {
    lua_pushcfunction(L, f->func);
    lua_setglobal(L, f->name);
  }
  lua_pushlightuserdata(L, counts); /* baton.store's warnings go there */
  lua_rawsetp(L, LUA_REGISTRYINDEX, &baton__test_counts_key);
  lua_pushlightuserdata(L, counts);
  lua_pushcclosure(L, l_tmp_path, 1);
  lua_setglobal(L, "tmp_path");
  lua_pushlightuserdata(L, counts);
  lua_pushcclosure(L, l_run_script, 1);
  lua_setglobal(L, "run_script");
  lua_pushinteger(L, 0);
  lua_pushcclosure(L, l_load, 1);
  lua_setglobal(L, "load_people");
  lua_pushinteger(L, 1);
  lua_pushcclosure(L, l_load, 1);
  lua_setglobal(L, "load_groups");
  if (p->is_script)
    lua_pushnil(L); /* a script test belongs to no plugin */
  else
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
  lua_pushstring(L, p->m ? p->m->ns : p->name);
  lua_pushcfunction(L, l_test_permissions);
  return baton__task_start(p, 4, BATON_TEST_TASK, done_cb, counts);
}
