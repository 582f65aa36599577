/* core/lua/lua_timer.c: baton.sleep and baton.timer.
 *
 * baton.sleep(ms) waits inside the running task. baton.timer.after(ms, fn)
 * and baton.timer.every(ms, fn) call fn later, each call as a task of its
 * own (so it may sleep too, and has its own time limit). A timer belongs to
 * its plugin: unloading the plugin stops it. An error in a callback is
 * reported with the plugin's name and stops that timer; the host goes on. */
#include <stdlib.h>

#include "bindings.h"

/* ---- baton.sleep ---------------------------------------------------------- */

typedef struct {
  baton_op_t op;
  uv_timer_t timer;
} sleep_op_t;

static void sleep_close_cb(uv_handle_t *h) { free(h->data); }

static void sleep_cancel(baton_op_t *op) {
  sleep_op_t *s = (sleep_op_t *)op;
  uv_timer_stop(&s->timer);
  uv_close((uv_handle_t *)&s->timer, sleep_close_cb);
}

static void sleep_cb(uv_timer_t *timer) {
  sleep_op_t *s = timer->data;
  baton_task_t *t = s->op.task;
  uv_close((uv_handle_t *)&s->timer, sleep_close_cb);
  if (t != NULL)
    baton__task_resume(t, NULL, NULL);
}

static int l_sleep(lua_State *L) {
  lua_Integer ms =
      baton__lua_checkint(L, 1, "baton.sleep", "ms", 0, LUA_MAXINTEGER);
  baton_task_t *t = baton__task_current(L, "baton.sleep");
  sleep_op_t *s = calloc(1, sizeof *s);
  if (s == NULL)
    return luaL_error(L, "baton.sleep: out of memory");
  s->op.cancel = sleep_cancel;
  uv_timer_init(&t->p->host->loop, &s->timer);
  s->timer.data = s;
  /* Count from now: the loop's clock stands still while Lua runs. */
  uv_update_time(&t->p->host->loop);
  uv_timer_start(&s->timer, sleep_cb, (uint64_t)ms, 0);
  return baton__task_wait(L, &s->op);
}

/* ---- baton.timer ------------------------------------------------------------ */

typedef struct baton_timer_s {
  uv_timer_t handle;
  baton_plugin_t *p; /* NULL once stopped */
  int fn_ref;
  int every;
  baton_reach_t *reach; /* of the code that made it; its callbacks get it */
  struct baton_timer_s *next;
} baton_timer_t;

static const char timer_mt = 't';

static void timer_close_cb(uv_handle_t *h) {
  baton_timer_t *tm = h->data;
  baton__reach_unref(tm->reach);
  free(tm);
}

/* Stops a timer, unlinks it from its plugin and frees it once closed. */
static void timer_stop(baton_timer_t *tm) {
  baton_plugin_t *p = tm->p;
  if (p == NULL)
    return;
  tm->p = NULL;
  for (baton_timer_t **pp = &p->timers; *pp; pp = &(*pp)->next)
    if (*pp == tm) {
      *pp = tm->next;
      break;
    }
  if (p->L != NULL)
    luaL_unref(p->L, LUA_REGISTRYINDEX, tm->fn_ref);
  uv_timer_stop(&tm->handle);
  uv_close((uv_handle_t *)&tm->handle, timer_close_cb);
}

void baton__timer_close_all(baton_plugin_t *p) {
  while (p->timers != NULL)
    timer_stop(p->timers);
}

static void callback_done(baton_task_t *t) {
  baton_timer_t *tm = t->data;
  if (t->status == 0 || t->status == BATON_ECANCELED)
    return;
  /* The timer may be gone already if the callback stopped it. */
  for (baton_timer_t *x = t->p->timers; x; x = x->next)
    if (x == tm) {
      timer_stop(tm);
      break;
    }
  char *msg = baton__asprintf("%s failed: %s; the timer was stopped", t->what,
                              t->error ? t->error : baton_strerror(t->status));
  baton__host_report(t->p->host, t->p->name, msg ? msg : "timer failed",
                     NULL);
  free(msg);
  t->reported = 1;
}

static void timer_cb(uv_timer_t *handle) {
  baton_timer_t *tm = handle->data;
  baton_plugin_t *p = tm->p;
  if (p == NULL || p->L == NULL)
    return;
  int ref = tm->fn_ref;
  if (!tm->every)
    tm->fn_ref = LUA_NOREF; /* the task holds the function from now on */
  lua_State *L = p->L;
  if (!lua_checkstack(L, 1))
    return;
  lua_rawgeti(L, LUA_REGISTRYINDEX, ref);
  /* A timer made by a call from another plugin runs with that call's
   * reach, not with more. */
  p->host->next_reach = baton__reach_ref(tm->reach);
  if (!tm->every) {
    luaL_unref(L, LUA_REGISTRYINDEX, ref);
    timer_stop(tm);
    tm = NULL;
  }
  baton__task_start(p, 0, "timer callback", callback_done, tm);
}

static int start_timer(lua_State *L, int every) {
  const char *fn = every ? "baton.timer.every" : "baton.timer.after";
  lua_Integer ms = baton__lua_checkint(
      L, 1, fn, every ? "the interval (ms)" : "ms", every, LUA_MAXINTEGER);
  baton__lua_checktype(L, 2, LUA_TFUNCTION, fn, "the callback");
  baton_plugin_t *p = baton__plugin_of(L);
  baton_timer_t **ud = lua_newuserdatauv(L, sizeof *ud, 0);
  *ud = NULL;
  /* The callback's reference before the timer: luaL_ref may raise (out of
   * memory), and nothing is allocated yet. */
  lua_pushvalue(L, 2);
  int ref = luaL_ref(L, LUA_REGISTRYINDEX);
  baton_timer_t *tm = calloc(1, sizeof *tm);
  if (tm == NULL) {
    luaL_unref(L, LUA_REGISTRYINDEX, ref);
    return luaL_error(L, "%s: out of memory", fn);
  }
  tm->fn_ref = ref;
  tm->p = p;
  tm->every = every;
  tm->reach = baton__reach_ref(baton__reach_now(L));
  uv_timer_init(&p->host->loop, &tm->handle);
  tm->handle.data = tm;
  uv_update_time(&p->host->loop);
  uv_timer_start(&tm->handle, timer_cb, (uint64_t)ms,
                 every ? (uint64_t)ms : 0);
  tm->next = p->timers;
  p->timers = tm;
  *ud = tm;
  lua_rawgetp(L, LUA_REGISTRYINDEX, &timer_mt);
  lua_setmetatable(L, -2);
  return 1;
}

static int l_after(lua_State *L) { return start_timer(L, 0); }
static int l_every(lua_State *L) { return start_timer(L, 1); }

/* timer:stop(): safe to call twice, and after a one-shot timer fired. */
static int l_timer_stop(lua_State *L) {
  baton_timer_t **ud = luaL_checkudata(L, 1, "baton.timer");
  baton_plugin_t *p = baton__plugin_of(L);
  for (baton_timer_t *x = p->timers; *ud && x; x = x->next)
    if (x == *ud) {
      timer_stop(x);
      break;
    }
  *ud = NULL;
  return 0;
}

int baton__lua_open_timer(lua_State *L) {
  /* [baton] */
  lua_pushcfunction(L, l_sleep);
  lua_setfield(L, -2, "sleep");
  luaL_newmetatable(L, "baton.timer");
  lua_newtable(L);
  lua_pushcfunction(L, l_timer_stop);
  lua_setfield(L, -2, "stop");
  lua_setfield(L, -2, "__index");
  lua_pushliteral(L, "baton.timer");
  lua_setfield(L, -2, "__metatable");
  lua_rawsetp(L, LUA_REGISTRYINDEX, &timer_mt);
  lua_createtable(L, 0, 2);
  lua_pushcfunction(L, l_after);
  lua_setfield(L, -2, "after");
  lua_pushcfunction(L, l_every);
  lua_setfield(L, -2, "every");
  lua_setfield(L, -2, "timer");
  return 0;
}
