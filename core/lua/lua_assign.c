/* core/lua/lua_assign.c: baton.assign, the assignment solver for plugins.
 *
 * baton.assign.solve{ scores = S, capacity = C, maximize = true,
 * objective = "total" | "fairest", fixed = { [row] = col } } copies the
 * matrix (a list of rows, or a baton.matrix from core/lua/lua_score.c) into C
 * and solves it with baton_assign_solve (include/baton/ assign.h). A large
 * matrix is solved on libuv's thread pool while the task waits, so the loop
 * (timers, later the dashboard) keeps running, and the solver's progress is
 * logged on stderr once a second. Malformed input is a mistake of the calling
 * code and raises, naming the row and column. */
#include <math.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "bindings.h"

/* Above this many cells the solve runs on the thread pool (when the caller
 * can wait); below it, inline: a 500 x 500 solve takes milliseconds. */
#define ASSIGN_ASYNC_CELLS 250000
#define ASSIGN_PROGRESS_MS 1000

static const char *const option_names[] = {"scores",    "capacity", "maximize",
                                           "objective", "fixed",    NULL};

typedef struct {
  baton_op_t op;
  uv_work_t work;
  uv_timer_t timer;
  baton_assign_problem_t prob;
  baton_assign_result_t res;
  double *scores;
  unsigned *cap;
  long *fixed;
  int status;
  volatile int cancel;
  /* Written by the solving thread, read by the progress timer. */
  _Atomic(const char *) stage;
  atomic_size_t done;
  atomic_size_t total;
  uint64_t started; /* uv_hrtime */
  char *plugin;     /* for the log line */
  FILE *err;
  int quiet;
} assign_op_t;

static void op_free(assign_op_t *a) {
  free(a->scores);
  free(a->cap);
  free(a->fixed);
  free(a->plugin);
  baton_assign_result_free(&a->res);
  free(a);
}

/* ---- reading the arguments ---------------------------------------------- */

/* A non-negative integer from the value at idx, or -1. */
static long long nonneg_integer(lua_State *L, int idx) {
  if (lua_isinteger(L, idx)) {
    lua_Integer v = lua_tointeger(L, idx);
    return v >= 0 ? (long long)v : -1;
  }
  if (lua_type(L, idx) == LUA_TNUMBER) {
    lua_Number v = lua_tonumber(L, idx);
    if (v >= 0 && v <= 4e9 && floor(v) == v)
      return (long long)v;
  }
  return -1;
}

/* Reads opts.scores into a->scores. Raises on malformed input; a->scores
 * belongs to a, which l_solve anchors in a userdata so that a raise frees
 * it. [opts, box] */
static void read_scores(lua_State *L, assign_op_t *a) {
  int t = lua_getfield(L, 1, "scores");
  size_t n, m = 0;
  const double *cells = baton__lua_score_matrix(L, -1, &n, &m);
  if (cells != NULL) {
    /* A baton.matrix (baton.assign.score or .matrix): its cells are
     * already checked; copied, since the solve may outlive the plugin's
     * state (an unload while the pool thread still reads). */
    a->scores = malloc((n * m > 0 ? n * m : 1) * sizeof *a->scores);
    if (a->scores == NULL)
      luaL_error(L, "baton.assign.solve: out of memory for a %d x %d "
                    "matrix",
                 (int)n, (int)m);
    if (n * m > 0)
      memcpy(a->scores, cells, n * m * sizeof *a->scores);
    lua_pop(L, 1);
    a->prob.rows = n;
    a->prob.cols = m;
    a->prob.scores = a->scores;
    return;
  }
  if (t != LUA_TTABLE)
    luaL_error(L, "baton.assign.solve: scores must be a baton.matrix or a "
                  "list of rows (one list of numbers or false per row), not "
                  "%s",
               luaL_typename(L, -1));
  n = (size_t)lua_rawlen(L, -1);
  for (size_t i = 0; i < n; i++) {
    if (lua_rawgeti(L, -1, (lua_Integer)i + 1) != LUA_TTABLE)
      luaL_error(L, "baton.assign.solve: scores[%d] must be a list of "
                    "numbers or false, not %s",
                 (int)i + 1, luaL_typename(L, -1));
    size_t len = (size_t)lua_rawlen(L, -1);
    if (i == 0) {
      m = len;
      if (m > 0 && n > SIZE_MAX / sizeof(double) / m)
        luaL_error(L, "baton.assign.solve: the matrix is too large");
      a->scores = malloc((n * m > 0 ? n * m : 1) * sizeof *a->scores);
      if (a->scores == NULL)
        luaL_error(L, "baton.assign.solve: out of memory for a %d x %d "
                      "matrix",
                   (int)n, (int)m);
    } else if (len != m) {
      luaL_error(L, "baton.assign.solve: scores[%d] has %d columns but "
                    "scores[1] has %d; every row needs one value per column "
                    "(false for a forbidden pair)",
                 (int)i + 1, (int)len, (int)m);
    }
    double *row = a->scores + i * m;
    for (size_t j = 0; j < m; j++) {
      int ct = lua_rawgeti(L, -1, (lua_Integer)j + 1);
      if (ct == LUA_TNUMBER) {
        double v = (double)lua_tonumber(L, -1);
        if (!isfinite(v))
          luaL_error(L, "baton.assign.solve: scores[%d][%d] is %s; use a "
                        "finite number, or false to forbid the pair",
                     (int)i + 1, (int)j + 1, v != v ? "nan" : "infinite");
        row[j] = v;
      } else if (ct == LUA_TBOOLEAN && !lua_toboolean(L, -1)) {
        row[j] = BATON_ASSIGN_FORBIDDEN;
      } else {
        luaL_error(L, "baton.assign.solve: scores[%d][%d] is %s%s; expected "
                      "a number, or false for a forbidden pair",
                   (int)i + 1, (int)j + 1, ct == LUA_TBOOLEAN ? "" : "a ",
                   ct == LUA_TBOOLEAN ? "true" : luaL_typename(L, -1));
      }
      lua_pop(L, 1);
    }
    lua_pop(L, 1);
  }
  lua_pop(L, 1);
  a->prob.rows = n;
  a->prob.cols = m;
  a->prob.scores = a->scores;
}

/* opts.capacity: nil (1 each), a number for every column, or a list with
 * one per column. [opts] */
static void read_capacity(lua_State *L, assign_op_t *a) {
  size_t m = a->prob.cols;
  int t = lua_getfield(L, 1, "capacity");
  if (t == LUA_TNIL) {
    lua_pop(L, 1);
    return;
  }
  a->cap = malloc((m ? m : 1) * sizeof *a->cap);
  if (a->cap == NULL)
    luaL_error(L, "baton.assign.solve: out of memory");
  if (t == LUA_TNUMBER) {
    long long c = nonneg_integer(L, -1);
    if (c < 0)
      luaL_error(L, "baton.assign.solve: capacity must be a whole number "
                    ">= 0 (or a list with one per column)");
    for (size_t j = 0; j < m; j++)
      a->cap[j] = (unsigned)c;
  } else if (t == LUA_TTABLE) {
    size_t len = (size_t)lua_rawlen(L, -1);
    if (len != m)
      luaL_error(L, "baton.assign.solve: capacity has %d entries but scores "
                    "has %d columns",
                 (int)len, (int)m);
    for (size_t j = 0; j < m; j++) {
      lua_rawgeti(L, -1, (lua_Integer)j + 1);
      long long c = nonneg_integer(L, -1);
      if (c < 0)
        luaL_error(L, "baton.assign.solve: capacity[%d] must be a whole "
                      "number >= 0, not %s",
                   (int)j + 1, luaL_tolstring(L, -1, NULL));
      a->cap[j] = (unsigned)c;
      lua_pop(L, 1);
    }
  } else {
    luaL_error(L, "baton.assign.solve: capacity must be a number or a list "
                  "of numbers, not %s",
               luaL_typename(L, -1));
  }
  lua_pop(L, 1);
  a->prob.capacity = a->cap;
}

/* opts.fixed = { [row] = col }: pins, checked here so the error can name
 * them. [opts] */
static void read_fixed(lua_State *L, assign_op_t *a) {
  size_t n = a->prob.rows, m = a->prob.cols;
  int t = lua_getfield(L, 1, "fixed");
  if (t == LUA_TNIL) {
    lua_pop(L, 1);
    return;
  }
  if (t != LUA_TTABLE)
    luaL_error(L, "baton.assign.solve: fixed must be a table { [row] = "
                  "column }, not %s",
               luaL_typename(L, -1));
  a->fixed = malloc((n ? n : 1) * sizeof *a->fixed);
  unsigned *used = calloc(m ? m : 1, sizeof *used);
  if (a->fixed == NULL || used == NULL) {
    free(used);
    luaL_error(L, "baton.assign.solve: out of memory");
  }
  for (size_t i = 0; i < n; i++)
    a->fixed[i] = -1;
  lua_pushnil(L);
  const char *bad = NULL;
  long long row = 0, col = 0;
  while (lua_next(L, -2) != 0) {
    row = lua_isinteger(L, -2) ? (long long)lua_tointeger(L, -2) : 0;
    col = lua_isinteger(L, -1) ? (long long)lua_tointeger(L, -1) : 0;
    lua_pop(L, 1);
    if (row < 1 || (size_t)row > n) {
      bad = "the row is not a row number of scores";
    } else if (col < 1 || (size_t)col > m) {
      bad = "the column is not a column number of scores";
    } else if (isnan(a->scores[(size_t)(row - 1) * m + (size_t)(col - 1)])) {
      bad = "that pair is forbidden (false in scores)";
    } else {
      unsigned cap = a->cap ? a->cap[col - 1] : 1;
      if (++used[col - 1] > cap)
        bad = "more rows are fixed to that column than its capacity";
    }
    if (bad != NULL) {
      lua_pop(L, 1); /* the key */
      break;
    }
    a->fixed[row - 1] = (long)(col - 1);
  }
  free(used);
  if (bad != NULL)
    luaL_error(L, "baton.assign.solve: fixed[%I] = %I: %s",
               (lua_Integer)row, (lua_Integer)col, bad);
  lua_pop(L, 1);
  a->prob.fixed = a->fixed;
}

static void read_options(lua_State *L, assign_op_t *a) {
  baton__lua_checkoptions(L, 1, "baton.assign.solve", option_names);
  read_scores(L, a);
  read_capacity(L, a);
  int t = lua_getfield(L, 1, "maximize");
  if (t != LUA_TNIL && t != LUA_TBOOLEAN)
    luaL_error(L, "baton.assign.solve: maximize must be true or false, not %s",
               luaL_typename(L, -1));
  a->prob.maximize = t == LUA_TNIL ? 1 : lua_toboolean(L, -1);
  lua_pop(L, 1);
  t = lua_getfield(L, 1, "objective");
  const char *obj =
      t == LUA_TNIL ? "total"
      : t == LUA_TSTRING
          ? baton__lua_checkcstring(L, -1, "baton.assign.solve", "objective")
          : "";
  if (strcmp(obj, "total") == 0)
    a->prob.objective = BATON_ASSIGN_TOTAL;
  else if (strcmp(obj, "fairest") == 0)
    a->prob.objective = BATON_ASSIGN_FAIREST;
  else
    luaL_error(L, "baton.assign.solve: objective must be \"total\" or "
                  "\"fairest\", not %s",
               t == LUA_TSTRING ? lua_tostring(L, -1) : luaL_typename(L, -1));
  lua_pop(L, 1);
  read_fixed(L, a);
}

/* ---- the result ---------------------------------------------------------- */

/* Integral values as Lua integers (12, not 12.0), others as floats. */
static void push_num(lua_State *L, double v) {
  if (floor(v) == v && fabs(v) < 9007199254740992.0)
    lua_pushinteger(L, (lua_Integer)v);
  else
    lua_pushnumber(L, v);
}

static void push_list(lua_State *L, const double *v, size_t n) {
  lua_createtable(L, (int)n, 0);
  for (size_t i = 0; i < n; i++) {
    push_num(L, v[i]);
    lua_rawseti(L, -2, (lua_Integer)i + 1);
  }
}

/* Pushes { rows, total, assigned, worst, duals = { rows, cols } }, or
 * nil, "ECODE: message", "ECODE" when the solve failed. */
static int push_result(lua_State *L, void *ud) {
  assign_op_t *a = ud;
  if (a->status != 0) {
    return baton__lua_fail(L, baton_err_name(a->status),
                           "baton.assign.solve: %s", baton_strerror(a->status));
  }
  const baton_assign_result_t *r = &a->res;
  lua_createtable(L, 0, 5);
  lua_createtable(L, (int)r->rows, 0);
  for (size_t i = 0; i < r->rows; i++) {
    if (r->col_of_row[i] >= 0)
      lua_pushinteger(L, (lua_Integer)r->col_of_row[i] + 1);
    else
      lua_pushboolean(L, 0);
    lua_rawseti(L, -2, (lua_Integer)i + 1);
  }
  lua_setfield(L, -2, "rows");
  push_num(L, r->total);
  lua_setfield(L, -2, "total");
  lua_pushinteger(L, (lua_Integer)r->assigned);
  lua_setfield(L, -2, "assigned");
  if (r->assigned > 0) {
    push_num(L, r->worst);
    lua_setfield(L, -2, "worst");
  }
  lua_createtable(L, 0, 2);
  push_list(L, r->row_dual, r->rows);
  lua_setfield(L, -2, "rows");
  push_list(L, r->col_dual, r->cols);
  lua_setfield(L, -2, "cols");
  lua_setfield(L, -2, "duals");
  return 1;
}

/* ---- solving on the thread pool ------------------------------------------ */

static void on_progress(void *ud, const char *stage, size_t done,
                        size_t total) {
  assign_op_t *a = ud;
  atomic_store(&a->stage, stage);
  atomic_store(&a->done, done);
  atomic_store(&a->total, total);
}

static void progress_cb(uv_timer_t *t) {
  assign_op_t *a = t->data;
  if (a->quiet || a->op.task == NULL)
    return;
  const char *stage = atomic_load(&a->stage);
  size_t done = atomic_load(&a->done), total = atomic_load(&a->total);
  double secs = (double)(uv_hrtime() - a->started) / 1e9;
  if (stage == NULL)
    fprintf(a->err, "[%s] info: baton.assign: starting (%.0f s)\n", a->plugin,
            secs);
  else if (total > 0)
    fprintf(a->err, "[%s] info: baton.assign: %s, %zu of %zu rows (%.0f s)\n",
            a->plugin, stage, done, total, secs);
  else
    fprintf(a->err, "[%s] info: baton.assign: %s, step %zu (%.0f s)\n",
            a->plugin, stage, done + 1, secs);
  fflush(a->err);
}

static void work_cb(uv_work_t *w) {
  assign_op_t *a = w->data;
  a->status = baton_assign_solve(&a->prob, &a->res);
}

static void close_cb(uv_handle_t *h) { op_free(h->data); }

static void after_cb(uv_work_t *w, int status) {
  assign_op_t *a = w->data;
  uv_timer_stop(&a->timer);
  baton_task_t *t = a->op.task;
  if (t != NULL) {
    if (status == UV_ECANCELED)
      a->status = BATON_ECANCELED;
    baton__task_resume(t, push_result, a);
  }
  uv_close((uv_handle_t *)&a->timer, close_cb);
}

/* A started solve cannot be interrupted by libuv; the flag makes the
 * solver return within a few rows, and after_cb then only frees. */
static void op_cancel(baton_op_t *op) {
  assign_op_t *a = (assign_op_t *)op;
  a->cancel = 1;
  uv_cancel((uv_req_t *)&a->work);
}

/* ---- baton.assign.solve -------------------------------------------------- */

/* The release of the box that holds the op while the options are read
 * and the result is pushed (either may raise). */
static void release_op(void *data) {
  assign_op_t **slot = data;
  if (*slot != NULL)
    op_free(*slot);
  *slot = NULL;
}

static int l_solve(lua_State *L) {
  baton__lua_checktype(L, 1, LUA_TTABLE, "baton.assign.solve", "the options");
  lua_settop(L, 1);
  assign_op_t **box = baton__lua_box(L, sizeof *box, release_op);
  /* [opts, box] */
  assign_op_t *a = calloc(1, sizeof *a);
  if (a == NULL)
    return luaL_error(L, "baton.assign.solve: out of memory");
  *box = a;
  read_options(L, a);

  baton_task_t *t = baton__task_of(L);
  int async = a->prob.rows * a->prob.cols > ASSIGN_ASYNC_CELLS && t != NULL &&
              lua_isyieldable(L);
  if (!async) {
    a->status = baton_assign_solve(&a->prob, &a->res);
    if (a->status == BATON_EINVAL)
      return luaL_error(L, "baton.assign.solve: invalid problem");
    int nres = push_result(L, a); /* if this raises, the box frees a */
    baton__lua_box_close(L, 2);
    return nres;
  }

  baton_plugin_t *p = baton__plugin_of(L);
  a->plugin = baton__strdup(p->name);
  if (a->plugin == NULL)
    return luaL_error(L, "baton.assign.solve: out of memory");
  a->err = p->host->opts.err ? p->host->opts.err : stderr;
  a->quiet = p->host->opts.quiet;
  a->started = uv_hrtime();
  a->prob.progress = on_progress;
  a->prob.progress_ud = a;
  a->prob.cancel = &a->cancel;
  a->op.cancel = op_cancel;
  a->work.data = a;
  uv_loop_t *loop = &p->host->loop;
  if (uv_timer_init(loop, &a->timer) != 0)
    return luaL_error(L, "baton.assign.solve: cannot start the progress timer");
  a->timer.data = a;
  if (uv_queue_work(loop, &a->work, work_cb, after_cb) != 0) {
    /* The timer is initialised: it must be closed, and its close frees a. */
    *box = NULL;
    uv_close((uv_handle_t *)&a->timer, close_cb);
    return luaL_error(L, "baton.assign.solve: cannot queue the work");
  }
  *box = NULL; /* from here the op owns itself; after_cb frees it */
  uv_update_time(loop); /* the loop's clock stood still while Lua ran */
  uv_timer_start(&a->timer, progress_cb, ASSIGN_PROGRESS_MS,
                 ASSIGN_PROGRESS_MS);
  return baton__task_wait(L, &a->op);
}

void baton__lua_open_assign(lua_State *L) {
  static const luaL_Reg fns[] = {{"solve", l_solve}, {NULL, NULL}};
  luaL_newlib(L, fns); /* [baton, assign] */
  baton__lua_open_score(L); /* score, reasons, features, matrix */
  lua_setfield(L, -2, "assign");
}
