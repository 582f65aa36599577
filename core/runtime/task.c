/* core/runtime/task.c: a plugin coroutine running on the libuv loop.
 *
 * A command handler or a timer callback runs as a task: a coroutine of the
 * plugin's state. It runs until it finishes or waits; an async binding
 * (baton.sleep, baton.fs.*, baton.spawn) starts a libuv request, records it
 * with baton__task_wait() and yields; the request's callback resumes the
 * task. So plugin code reads top to bottom, without callbacks.
 *
 * Each task has a wall-clock deadline (the host's time limit). While its Lua
 * code runs, the watchdog thread enforces it; while it waits, a libuv timer
 * does, and ends the task without resuming it. */
#include <stdlib.h>
#include <string.h>

#include "runtime.h"

static void timer_free_cb(uv_handle_t *h) { free(h); }

baton_task_t *baton__task_of(lua_State *L) {
  baton_plugin_t *p = baton__plugin_of(L);
  for (baton_task_t *t = p->tasks; t; t = t->next)
    if (t->co == L && !t->finished)
      return t;
  return NULL;
}

baton_task_t *baton__task_current(lua_State *L, const char *fn) {
  baton_task_t *t = baton__task_of(L);
  if (t == NULL)
    luaL_error(L, "%s can only wait in a command handler or a timer "
                  "callback, not inside a coroutine of your own or at load "
                  "time", fn);
  else if (!lua_isyieldable(L))
    luaL_error(L, "%s cannot wait here (inside a metamethod, an iterator or "
                  "a sort comparator); call it from plain code", fn);
  return t;
}

int baton__task_wait(lua_State *L, baton_op_t *op) {
  baton_task_t *t = baton__task_of(L);
  if (t == NULL) {
    /* A binding that skipped baton__task_current: refuse, do not crash.
     * The op was never started by a task, so the binding still owns it. */
    return luaL_error(L, "a waiting baton function was called outside a "
                         "command handler or timer callback");
  }
  t->op = op;
  op->task = t;
  return lua_yield(L, 0);
}

/* Unlinks, releases and frees a finished task; runs its done_cb first. */
static void task_finish(baton_task_t *t, int status, char *msg) {
  baton_plugin_t *p = t->p;
  t->finished = 1;
  t->status = status;
  t->error = msg;
  if (t->op != NULL) {
    baton_op_t *op = t->op;
    t->op = NULL;
    op->task = NULL;
    op->cancel(op);
  }
  if (t->timer != NULL) {
    uv_close((uv_handle_t *)t->timer, timer_free_cb);
    t->timer = NULL;
  }
  for (baton_task_t **pp = &p->tasks; *pp; pp = &(*pp)->next)
    if (*pp == t) {
      *pp = t->next;
      break;
    }
  if (p->L != NULL)
    luaL_unref(p->L, LUA_REGISTRYINDEX, t->ref);
  if (status != 0 && t->hook_depth == 0) /* a hook never fails the run */
    p->host->failed = 1;
  if (t->done_cb)
    t->done_cb(t);
  if (status != 0 && !t->reported && status != BATON_ECANCELED)
    baton__host_report(p->host, p->name, msg ? msg : baton_strerror(status),
                       NULL);
  baton__reach_unref(t->reach);
  free(t->what);
  free(t->error);
  free(t);
}

/* Removes the kill from a thread whose call has unwound; a script that
 * called baton.exit stays killed, so its other threads end as they
 * resume. */
static void disarm(baton_plugin_t *p, lua_State *co) {
  baton__sandbox_disarm(p, co);
  if (p->exited)
    __atomic_store_n(&p->kill, BATON_ECANCELED, __ATOMIC_SEQ_CST);
}

/* Is the error value on top of co the one baton.usage_error raises? Reads
 * the metatable raw (no metamethod runs): only the host's own has it. */
static int is_usage_error(lua_State *co) {
  if (lua_type(co, -1) != LUA_TTABLE || !lua_checkstack(co, 2) ||
      !lua_getmetatable(co, -1))
    return 0;
  luaL_getmetatable(co, BATON_USAGE_MT);
  int same = lua_rawequal(co, -1, -2);
  lua_pop(co, 2);
  return same;
}

/* Runs the task's coroutine with nargs values on its stack until it
 * finishes or waits. */
static void task_run(baton_task_t *t, int nargs) {
  baton_plugin_t *p = t->p;
  baton_host_t *h = p->host;
  if (baton__sandbox_enter(p, t->co) != 0) {
    task_finish(t, BATON_EPLUGIN, baton__strdup("coroutines nest too deep"));
    return;
  }
  baton_plugin_t *outer;
  uint64_t outer_deadline;
  baton__watchdog_get(h, &outer, &outer_deadline);
  baton__watchdog_arm(h, p, t->deadline);
  baton_task_t *outer_task = h->running; /* the caller, in a nested run */
  h->running = t;
  int nres = 0;
  int st = lua_resume(t->co, NULL, nargs, &nres);
  h->running = outer_task;
  baton__watchdog_restore(h, outer, outer_deadline);
  baton__sandbox_leave(p);
  int kill = __atomic_load_n(&p->kill, __ATOMIC_SEQ_CST);
  if (st != LUA_OK && st != LUA_YIELD) {
    if (!kill && st == LUA_ERRRUN && is_usage_error(t->co)) {
      /* usage_error made message a string, but the plugin may have caught
       * the error and changed it before raising it again. */
      lua_pushliteral(t->co, "message");
      int type = lua_rawget(t->co, -2);
      char *msg = type == LUA_TSTRING || type == LUA_TNUMBER
                      ? baton__strdup(lua_tostring(t->co, -1))
                      : baton__asprintf("the plugin changed the message of "
                                        "its baton.usage_error to %s; give "
                                        "baton.usage_error a string",
                                        lua_typename(t->co, type));
      task_finish(t, BATON_EUSAGE, msg);
      return;
    }
    char *msg = baton__sandbox_errmsg(p, t->co, st, t->limit_ms);
    int status = kill ? kill : st == LUA_ERRMEM ? BATON_ENOMEM : BATON_EPLUGIN;
    if (kill)
      disarm(p, t->co);
    task_finish(t, status, msg);
    return;
  }
  /* A kill that landed as the call returned came too late to matter; a
   * waiting task is then ended by its deadline timer. */
  if (kill)
    disarm(p, t->co);
  if (st == LUA_OK) {
    task_finish(t, 0, NULL);
    return;
  }
  lua_pop(t->co, nres);
  if (t->op != NULL) {
    /* What it printed so far reaches a pipe now, not at exit. */
    fflush(h->opts.out);
    return; /* waiting for its libuv request */
  }
  task_finish(t, BATON_EPLUGIN,
              baton__asprintf("%s called coroutine.yield() outside a "
                              "coroutine of its own; to wait, use "
                              "baton.sleep or another baton.* function",
                              t->what));
}

static void deadline_cb(uv_timer_t *timer) {
  baton_task_t *t = timer->data;
  unsigned ms = t->limit_ms;
  baton__task_kill(t, BATON_ETIMEDOUT,
                   baton__asprintf("time limit of %g s exceeded while %s was "
                                   "waiting; raise it with --time-limit "
                                   "SECONDS (0 = none)",
                                   ms / 1000.0, t->what));
}

struct start_ctx {
  int nargs;
  lua_State *co;
  int ref;
};

/* [fn, args..., ctx] -> []: moves fn and args to a new anchored thread. */
static int start_p(lua_State *L) {
  struct start_ctx *c = lua_touserdata(L, -1);
  lua_pop(L, 1);
  lua_State *co = lua_newthread(L);
  lua_insert(L, -(c->nargs + 2)); /* [co, fn, args...] */
  if (!lua_checkstack(co, c->nargs + 1))
    return luaL_error(L, "not enough memory");
  lua_xmove(L, co, c->nargs + 1);
  c->ref = luaL_ref(L, LUA_REGISTRYINDEX);
  c->co = co;
  return 0;
}

int baton__task_start(baton_plugin_t *p, int nargs, const char *what,
                      void (*done_cb)(baton_task_t *), void *data) {
  return baton__task_start_within(p, nargs, what, done_cb, data,
                                  p->host->opts.time_limit_ms);
}

int baton__task_start_within(baton_plugin_t *p, int nargs, const char *what,
                             void (*done_cb)(baton_task_t *), void *data,
                             unsigned ms) {
  lua_State *L = p->L;
  baton_host_t *h = p->host;
  /* Its reach: the one made for it, or its plugin's grant attenuated by
   * the task whose code starts it (baton.plugin, the test runner's run). */
  baton_reach_t *reach = h->next_reach;
  h->next_reach = NULL;
  if (reach == NULL) {
    reach = baton__reach_new(p, h->running ? h->running->reach : NULL);
    /* A hook's task acts for whom the code that logged its event did,
     * and sees the school that code saw (a form run by a coordinator of
     * one school: its hooks read that school's people only). */
    if (reach != NULL &&
        (baton__reach_set_actor(reach, h->next_actor) != 0 ||
         baton__reach_set_school(reach, h->next_school) != 0)) {
      baton__reach_unref(reach);
      reach = NULL;
    }
  }
  baton_task_t *t = calloc(1, sizeof *t);
  struct start_ctx c = {.nargs = nargs};
  if (reach == NULL || t == NULL || (t->what = baton__strdup(what)) == NULL ||
      !lua_checkstack(L, 3)) {
    baton__reach_unref(reach);
    if (t)
      free(t->what);
    free(t);
    lua_pop(L, nargs + 1);
    return BATON_ENOMEM;
  }
  t->reach = reach;
  /* A hook's task (hooks.c) and everything it starts count as hooks. */
  t->hook_depth = h->next_hook_depth
                      ? h->next_hook_depth
                      : (h->running ? h->running->hook_depth : 0);
  h->next_hook_depth = 0;
  lua_pushcfunction(L, start_p);
  lua_insert(L, -(nargs + 2));
  lua_pushlightuserdata(L, &c);
  if (baton__sandbox_pcall(p, nargs + 2, 0) != LUA_OK) {
    lua_pop(L, 1);
    baton__reach_unref(t->reach);
    free(t->what);
    free(t);
    return BATON_ENOMEM;
  }
  t->p = p;
  t->co = c.co;
  t->ref = c.ref;
  t->done_cb = done_cb;
  t->data = data;
  t->next = p->tasks;
  p->tasks = t;
  t->limit_ms = ms;
  if (ms > 0) {
    t->deadline = uv_hrtime() + (uint64_t)ms * 1000000u;
    t->timer = malloc(sizeof *t->timer);
    if (t->timer != NULL) {
      /* The loop's clock stood still while the plugin loaded and ran. */
      uv_update_time(&p->host->loop);
      uv_timer_init(&p->host->loop, t->timer);
      t->timer->data = t;
      uv_timer_start(t->timer, deadline_cb, ms, 0);
      uv_unref((uv_handle_t *)t->timer);
    }
  }
  task_run(t, nargs);
  return 0;
}

struct push_ctx {
  int (*push)(lua_State *L, void *ud);
  void *ud;
  int n;
};

static int push_p(lua_State *L) {
  struct push_ctx *c = lua_touserdata(L, 1);
  lua_pop(L, 1);
  c->n = c->push ? c->push(L, c->ud) : 0;
  return c->n;
}

void baton__task_resume(baton_task_t *t, int (*push)(lua_State *L, void *ud),
                        void *ud) {
  baton_plugin_t *p = t->p;
  lua_State *L = p->L;
  t->op = NULL;
  struct push_ctx c = {push, ud, 0};
  int top = lua_gettop(L);
  if (!lua_checkstack(L, 2)) {
    task_finish(t, BATON_ENOMEM, baton__asprintf("out of memory in plugin "
                                                 "'%s'", p->name));
    return;
  }
  lua_pushcfunction(L, push_p);
  lua_pushlightuserdata(L, &c);
  if (baton__sandbox_pcall(p, 1, LUA_MULTRET) != LUA_OK ||
      !lua_checkstack(t->co, c.n + 1)) {
    lua_settop(L, top);
    task_finish(t, BATON_ENOMEM,
                baton__asprintf("out of memory in plugin '%s' (limit %zu "
                                "MiB) while resuming %s",
                                p->name, p->mem_limit >> 20, t->what));
    return;
  }
  int n = lua_gettop(L) - top;
  lua_xmove(L, t->co, n);
  task_run(t, n);
}

void baton__task_kill(baton_task_t *t, int status, const char *msg) {
  /* msg is always ours to free (callers pass a fresh string or NULL). */
  task_finish(t, status, msg ? (char *)msg : baton__strdup(baton_strerror(status)));
}
