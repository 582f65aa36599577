/* core/lua/lua_spawn.c: baton.spawn, run another program (permission "spawn").
 *
 *   local r = baton.spawn("git", { "log", "-1" }, { cwd = "repo" })
 *   -- r.code, r.signal, r.stdout, r.stderr
 *
 * The task waits until the program has exited and both of its output pipes
 * are closed. The program gets no standard input. If the task is cancelled
 * (time limit, Ctrl-C), the program is sent SIGTERM. */
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include "bindings.h"

#define SPAWN_MAX_OUTPUT (16u << 20)

typedef struct {
  baton_op_t op;
  uv_process_t proc;
  uv_pipe_t pipes[2]; /* stdout, stderr */
  baton_buf_t out[2];
  int truncated[2];
  int open_handles;
  int exited;
  int64_t code;
  int term_signal;
} spawn_op_t;

static void spawn_free(spawn_op_t *s) {
  baton__buf_free(&s->out[0]);
  baton__buf_free(&s->out[1]);
  free(s);
}

static int push_result(lua_State *L, void *ud) {
  spawn_op_t *s = ud;
  lua_createtable(L, 0, 5);
  lua_pushinteger(L, (lua_Integer)s->code);
  lua_setfield(L, -2, "code");
  lua_pushinteger(L, s->term_signal);
  lua_setfield(L, -2, "signal");
  lua_pushlstring(L, s->out[0].data ? s->out[0].data : "", s->out[0].len);
  lua_setfield(L, -2, "stdout");
  lua_pushlstring(L, s->out[1].data ? s->out[1].data : "", s->out[1].len);
  lua_setfield(L, -2, "stderr");
  lua_pushboolean(L, s->truncated[0] || s->truncated[1]);
  lua_setfield(L, -2, "truncated");
  return 1;
}

/* Every handle's close callback comes here; the last one finishes. */
static void handle_closed(uv_handle_t *h) {
  spawn_op_t *s = h->data;
  if (--s->open_handles > 0)
    return;
  baton_task_t *t = s->op.task;
  if (t != NULL)
    baton__task_resume(t, push_result, s);
  spawn_free(s);
}

static void alloc_cb(uv_handle_t *h, size_t suggested, uv_buf_t *buf) {
  (void)h;
  buf->base = malloc(suggested);
  buf->len = buf->base ? suggested : 0;
}

static void read_cb(uv_stream_t *stream, ssize_t n, const uv_buf_t *buf) {
  spawn_op_t *s = stream->data;
  int i = stream == (uv_stream_t *)&s->pipes[0] ? 0 : 1;
  if (n > 0) {
    size_t room = SPAWN_MAX_OUTPUT - s->out[i].len;
    size_t take = (size_t)n < room ? (size_t)n : room;
    if (take < (size_t)n)
      s->truncated[i] = 1;
    if (take > 0 && baton__buf_append(&s->out[i], buf->base, take) != 0)
      s->truncated[i] = 1;
  } else if (n < 0) {
    uv_close((uv_handle_t *)stream, handle_closed);
  }
  free(buf->base);
}

static void exit_cb(uv_process_t *proc, int64_t code, int sig) {
  spawn_op_t *s = proc->data;
  s->exited = 1;
  s->code = code;
  s->term_signal = sig;
  uv_close((uv_handle_t *)proc, handle_closed);
}

static void spawn_cancel(baton_op_t *op) {
  spawn_op_t *s = (spawn_op_t *)op;
  if (!s->exited)
    uv_process_kill(&s->proc, SIGTERM);
}

static int l_spawn(lua_State *L) {
  const char *file = baton__lua_checkcstring(L, 1, "baton.spawn", "program");
  baton__lua_need(L, BATON_PERM_SPAWN, "baton.spawn");
  int nargs = 0;
  if (!lua_isnoneornil(L, 2)) {
    baton__lua_checktype(L, 2, LUA_TTABLE, "baton.spawn", "the arguments");
    nargs = (int)lua_rawlen(L, 2);
  }
  const char *cwd = NULL;
  if (!lua_isnoneornil(L, 3)) {
    baton__lua_checktype(L, 3, LUA_TTABLE, "baton.spawn", "the options");
    static const char *const options[] = {"cwd", NULL};
    baton__lua_checkoptions(L, 3, "baton.spawn", options);
    lua_getfield(L, 3, "cwd");
    if (!lua_isnil(L, -1))
      cwd = baton__lua_checkcstring(L, -1, "baton.spawn", "cwd");
  }
  baton_task_t *t = baton__task_current(L, "baton.spawn");
  /* argv strings stay valid: they (and numbers made strings) are anchored
   * in a table of their own. */
  lua_createtable(L, nargs, 0);
  int anchors = lua_gettop(L);
  const char **argv = lua_newuserdatauv(L, sizeof *argv * ((size_t)nargs + 2), 0);
  argv[0] = file;
  for (int i = 1; i <= nargs; i++) {
    lua_rawgeti(L, 2, i);
    if (lua_tostring(L, -1) == NULL)
      return luaL_error(L, "baton.spawn: argument %d is a %s; arguments are "
                           "strings", i, luaL_typename(L, -1));
    char what[32];
    snprintf(what, sizeof what, "argument %d", i);
    argv[i] = baton__lua_checkcstring(L, -1, "baton.spawn", what);
    lua_rawseti(L, anchors, i);
  }
  argv[nargs + 1] = NULL;

  spawn_op_t *s = calloc(1, sizeof *s);
  if (s == NULL)
    return luaL_error(L, "baton.spawn: out of memory");
  uv_loop_t *loop = &t->p->host->loop;
  uv_stdio_container_t stdio[3];
  stdio[0].flags = UV_IGNORE;
  for (int i = 0; i < 2; i++) {
    uv_pipe_init(loop, &s->pipes[i], 0);
    s->pipes[i].data = s;
    stdio[i + 1].flags = UV_CREATE_PIPE | UV_WRITABLE_PIPE;
    stdio[i + 1].data.stream = (uv_stream_t *)&s->pipes[i];
  }
  uv_process_options_t o;
  memset(&o, 0, sizeof o);
  o.file = file;
  o.args = (char **)argv;
  o.cwd = cwd;
  o.exit_cb = exit_cb;
  o.stdio_count = 3;
  o.stdio = stdio;
  s->proc.data = s;
  s->op.cancel = spawn_cancel;
  int r = uv_spawn(loop, &s->proc, &o);
  if (r != 0) {
    /* The handles were initialised: close them; the op frees itself. */
    s->open_handles = 3;
    s->op.task = NULL;
    uv_close((uv_handle_t *)&s->pipes[0], handle_closed);
    uv_close((uv_handle_t *)&s->pipes[1], handle_closed);
    uv_close((uv_handle_t *)&s->proc, handle_closed);
    return baton__lua_fail(L, uv_err_name(r), "cannot run %s: %s", file,
                           uv_strerror(r));
  }
  s->open_handles = 3;
  uv_read_start((uv_stream_t *)&s->pipes[0], alloc_cb, read_cb);
  uv_read_start((uv_stream_t *)&s->pipes[1], alloc_cb, read_cb);
  return baton__task_wait(L, &s->op);
}

int baton__lua_open_spawn(lua_State *L) {
  lua_pushcfunction(L, l_spawn); /* [baton, spawn] */
  lua_setfield(L, -2, "spawn");
  return 0;
}
