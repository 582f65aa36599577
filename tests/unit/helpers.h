/* tests/unit/helpers.h: what the runtime tests share (host, task, plugin,
 * watchdog, cli): plugins written into a scratch directory, and a host
 * whose output and errors are captured in files. The scratch directory
 * itself comes from store_helpers.h. */
#ifndef BATON_TEST_HELPERS_H
#define BATON_TEST_HELPERS_H

#include <sys/stat.h>

#include "builtin.h"
#include "store_helpers.h"

/* Creates ROOT/NAME holding plugin.lua (`manifest`) and, unless `code` is
 * NULL, init.lua. Returns the plugin's directory (malloc'd). */
static inline char *plugin_write(const char *root, const char *name,
                                 const char *manifest, const char *code) {
  char *pdir = baton__asprintf("%s/%s", root, name);
  if (mkdir(pdir, 0755) != 0 && !baton__is_dir(pdir))
    fail_msg("mkdir %s failed", pdir);
  char *path = baton__asprintf("%s/plugin.lua", pdir);
  write_text(path, manifest);
  free(path);
  if (code != NULL) {
    path = baton__asprintf("%s/init.lua", pdir);
    write_text(path, code);
    free(path);
  }
  return pdir;
}

/* A manifest for plugin `name` with `extra` fields (Lua table fields,
 * each ending with a comma) after the required ones, on lines of their
 * own from line 3. Malloc'd. */
static inline char *manifest_text(const char *name, const char *extra) {
  return baton__asprintf("return {\n  name = '%s', version = '1.0.0', "
                         "api = 1, summary = 'test plugin',\n%s}\n",
                         name, extra);
}

/* A plugin NAME under root with one command `go` (no arguments) whose
 * handler body is `body`; M is the module table. */
static inline void plugin_simple(const char *root, const char *name,
                                 const char *extra, const char *body) {
  char *full = baton__asprintf(
      "%s  commands = { go = { summary = 'go', args = {} } },\n",
      extra ? extra : "");
  char *m = manifest_text(name, full);
  char *code = baton__asprintf("local M = {}\nfunction M.go(args, ctx)\n%s\n"
                               "end\nreturn M\n",
                               body ? body : "");
  free(plugin_write(root, name, m, code));
  free(code);
  free(full);
  free(m);
}

/* A host whose out and err streams are temporary files. */
typedef struct {
  baton_host_t *h;
  baton_host_options_t o;
  char out[16384]; /* filled by host_capture */
  char err[16384];
} thost_t;

/* Reads what a stream got since the last call into buf, and empties it. */
static inline void stream_take(FILE *f, char *buf, size_t n) {
  fflush(f);
  rewind(f);
  size_t got = fread(buf, 1, n - 1, f);
  buf[got] = '\0';
  assert_int_equal(ftruncate(fileno(f), 0), 0);
  rewind(f);
}

/* A host searching `dir` (may be NULL) with the given time limit. */
static inline thost_t *host_open(const char *dir, unsigned time_ms) {
  thost_t *t = calloc(1, sizeof *t);
  assert_non_null(t);
  baton_host_options_init(&t->o);
  t->o.out = tmpfile();
  t->o.err = tmpfile();
  assert_non_null(t->o.out);
  assert_non_null(t->o.err);
  t->o.time_limit_ms = time_ms;
  t->o.memory_limit = (size_t)64 << 20;
  assert_int_equal(baton_host_new(&t->h, &t->o), 0);
  if (dir != NULL)
    assert_int_equal(baton_host_add_plugin_dir(t->h, dir), 0);
  return t;
}

/* Fills t->out and t->err with what the host wrote since the last call. */
static inline void host_capture(thost_t *t) {
  stream_take(t->o.out, t->out, sizeof t->out);
  stream_take(t->o.err, t->err, sizeof t->err);
}

static inline void host_close(thost_t *t) {
  baton_host_free(t->h);
  fclose(t->o.out);
  fclose(t->o.err);
  free(t);
}

/* Fails showing the whole text when `needle` is not in it. */
#define assert_contains(text, needle)                                          \
  do {                                                                         \
    if (strstr((text), (needle)) == NULL)                                      \
      fail_msg("'%s' not found in:\n%s", (needle), (text));                    \
  } while (0)

/* Pushes function `fn` of a loaded plugin's module table onto its state. */
static inline void push_handler(baton_plugin_t *p, const char *fn) {
  lua_rawgeti(p->L, LUA_REGISTRYINDEX, p->module_ref);
  if (lua_getfield(p->L, -1, fn) != LUA_TFUNCTION)
    fail_msg("init.lua of '%s' has no function %s", p->name, fn);
  lua_remove(p->L, -2);
}

/* Scans the host and loads plugin `name`, failing with its error. */
static inline baton_plugin_t *plugin_loaded(thost_t *t, const char *name) {
  assert_int_equal(baton_host_scan(t->h), 0);
  baton_plugin_t *p = baton_host_plugin_find(t->h, name);
  assert_non_null(p);
  if (baton__plugin_load(p) != 0)
    fail_msg("loading %s: %s", name, p->error ? p->error : "?");
  return p;
}

/* ---- binding tests (tests/unit/lua/) ------------------------------------ */

/* Lua put before a binding test's handler: show(...) prints its values
 * as "v1 | v2 | v3" (tostring each, so a failure triple reads "nil |
 * ENOENT: ... | ENOENT"); raises(f, ...) prints the error f raises, or
 * "no error"; in_coroutine(f, ...) runs f in a coroutine of the plugin's
 * own and prints what the resume gives. */
#define BINDING_PRELUDE                                                        \
  "local function show(...)\n"                                                 \
  "  local t = table.pack(...)\n"                                              \
  "  for i = 1, t.n do t[i] = tostring(t[i]) end\n"                            \
  "  baton.print(table.concat(t, ' | '))\n"                                    \
  "end\n"                                                                      \
  "local function raises(f, ...)\n"                                            \
  "  local ok, e = pcall(f, ...)\n"                                            \
  "  baton.print(ok and 'no error' or tostring(e))\n"                          \
  "end\n"                                                                      \
  "local function in_coroutine(f, ...)\n"                                      \
  "  show(coroutine.resume(coroutine.create(f), ...))\n"                       \
  "end\n"

/* Runs `t go` of a plugin t (in s->dir, made afresh) whose manifest has
 * `extra` fields (permissions, ...) and whose handler is `body` after
 * BINDING_PRELUDE. out gets what it printed, then what it reported.
 * Returns the exit status. */
static inline int binding_run(scratch_t *s, const char *extra, const char *body,
                              char *out, size_t n) {
  char *code = baton__asprintf("%s%s", BINDING_PRELUDE, body);
  plugin_simple(s->dir, "t", extra, code);
  free(code);
  char *db = baton__asprintf("%s/baton.db", s->dir);
  setenv("BATON_DB", db, 1);
  free(db);
  thost_t *t = host_open(s->dir, 10000);
  assert_int_equal(baton_host_scan(t->h), 0);
  int status = baton_host_run_command(t->h, "t", "go", 0, NULL);
  host_capture(t);
  /* The scratch directory's name changes every run: shown as $DIR. */
  char *both = baton__asprintf("%s%s", t->out, t->err);
  size_t dl = strlen(s->dir), o = 0;
  for (const char *c = both; *c && o + 1 < n;) {
    if (strncmp(c, s->dir, dl) == 0 && o + 5 < n) {
      memcpy(out + o, "$DIR", 4);
      o += 4;
      c += dl;
    } else {
      out[o++] = *c++;
    }
  }
  out[o] = '\0';
  free(both);
  host_close(t);
  return status;
}

/* Runs body as binding_run does and checks that it exits 0 and printed
 * exactly `want` (lines, each ending with a newline). */
#define expect_binding(s, extra, body, want)                                   \
  do {                                                                         \
    char out_[16384];                                                          \
    int st_ = binding_run((s), (extra), (body), out_, sizeof out_);            \
    if (getenv("BINDING_PROBE") != NULL)                                       \
      printf("PROBE %s\n%s\nEND\n", __func__, out_);                           \
    else if (st_ != 0 || strcmp(out_, (want)) != 0)                            \
      fail_msg("exit %d, printed:\n%s\nexpected:\n%s", st_, out_, (want));     \
  } while (0)

/* ---- out of memory in a binding ----------------------------------------- */

#include <malloc.h>

#include <lualib.h>

/* A Lua allocator that refuses growing allocations from the at-th on (0:
 * none). */
typedef struct {
  long at, count;
} oom_t;

static inline void *oom_alloc(void *ud, void *ptr, size_t osize, size_t nsize) {
  oom_t *o = ud;
  if (nsize == 0) {
    free(ptr);
    return NULL;
  }
  /* From the at-th on, every growing allocation fails: Lua tries again
   * after a full collection, so a single refusal would not surface. */
  if (nsize > (ptr ? osize : 0) && o->at > 0 && ++o->count >= o->at)
    return NULL;
  return realloc(ptr, nsize);
}

/* Restarts the test program with glibc's per-thread cache off, so that
 * mallinfo2 counts exactly what is in use; call first in main. */
static inline void oom_exact_heap(char **argv) {
  const char *t = getenv("GLIBC_TUNABLES");
  if (t != NULL && strstr(t, "glibc.malloc.tcache_count=0") != NULL)
    return;
  setenv("GLIBC_TUNABLES", "glibc.malloc.tcache_count=0", 1);
  execv("/proc/self/exe", argv);
}

/* Runs Lua `code` (with the standard libraries and global M made by
 * open) once with allocations failing from the Nth on, for N = 1, 2, ... until
 * a run completes; returns the number of runs that failed. The C heap in use
 * (mallinfo2) must be the same after the sweep as before it, so memory a
 * binding allocated and lost when Lua raised out of memory fails the test
 * here, and under LeakSanitizer in the ASan build. */
static inline int oom_sweep(int (*open)(lua_State *), const char *code) {
  size_t before = 0;
  int failed = 0;
  for (long at = -1;; at++) { /* -1: a warm-up run, for lazy caches */
    if (at == 0)
      before = mallinfo2().uordblks;
    oom_t o = {0, 0};
    lua_State *L = lua_newstate(oom_alloc, &o);
    assert_non_null(L);
    /* A plugin with no limit, for the bindings that ask which one runs. */
    static baton_plugin_t p;
    p.name = "t";
    *(baton_plugin_t **)lua_getextraspace(L) = &p;
    luaL_openlibs(L);
    open(L);
    lua_setglobal(L, "M");
    o.at = at > 0 ? at : 0;
    int st = luaL_loadstring(L, code);
    if (st == LUA_OK)
      st = lua_pcall(L, 0, 0, 0);
    if (at <= 0 && st != LUA_OK)
      fail_msg("the code fails with no fault: %s", lua_tostring(L, -1));
    o.at = 0;
    lua_close(L);
    if (at > 0 && st == LUA_OK)
      break;
    failed += at > 0;
    if (at > 100000)
      fail_msg("the code never completes");
  }
  size_t after = mallinfo2().uordblks;
  /* glibc's per-thread cache keeps freed blocks counted as in use: the
   * count is exact only with it off (oom_exact_heap). */
  if (after != before)
    fail_msg("the C heap grew by %ld bytes over %d runs out of memory",
             (long)after - (long)before, failed);
  return failed;
}

#endif
