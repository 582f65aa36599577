/* core/lua/lua_json.c: baton.json, Lua values to JSON and back, with jansson.
 *
 * A table whose keys are exactly 1..n is an array, any other table an
 * object. An empty table is an array unless marked with baton.json.object
 * (lists are what commands print most). JSON null is baton.json.null.
 *
 * jansson allocates outside the plugin's Lua state, so its memory would
 * escape the plugin's limit: a 24 MB text of small numbers decodes into
 * half a gigabyte of json_t. While baton.json.encode or decode runs, a
 * budget routes jansson's allocations to the plugin's count (see
 * json_budget_t); past the limit the call ends as a Lua out-of-memory does. */
#include <malloc.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "bindings.h"

#define JSON_MAX_DEPTH 64

static const char null_key = 'n';   /* the light userdata baton.json.null */
static const char object_mt = 'o';  /* registry: metatable of marked objects */

/* ---- jansson's memory, counted against the plugin ------------------------
 * jansson has one pair of allocation functions for the whole process. Ours
 * are malloc and free unless this thread has a budget open, so the host's
 * own use of jansson (imports, the server, --json output) is unchanged and
 * memory may cross a budget's edges either way. A budget adds what jansson
 * holds to the plugin's count (p->mem, which the Lua allocator checks too)
 * and refuses an allocation that would pass the limit. Sizes come from
 * malloc_usable_size, because jansson's free does not say the size and
 * callers free json_dumps' text with plain free(). */
typedef baton_json_budget_t json_budget_t; /* declared in bindings.h */

static _Thread_local json_budget_t *budget;

static void *budget_malloc(size_t n) {
  json_budget_t *b = budget;
  if (b == NULL)
    return malloc(n);
  baton_plugin_t *p = b->p;
  if (p->mem_limit && (n > p->mem_limit || p->mem > p->mem_limit - n)) {
    b->over = 1;
    return NULL;
  }
  void *ptr = malloc(n);
  if (ptr != NULL) {
    size_t got = malloc_usable_size(ptr);
    b->held += got;
    p->mem += got;
    if (p->mem > p->mem_peak)
      p->mem_peak = p->mem;
  }
  return ptr;
}

static void budget_free(void *ptr) {
  json_budget_t *b = budget;
  if (b != NULL && ptr != NULL) {
    size_t got = malloc_usable_size(ptr);
    if (got > b->held)
      got = b->held; /* allocated before the budget opened */
    b->held -= got;
    b->p->mem -= got;
  }
  free(ptr);
}

static uv_once_t alloc_once = UV_ONCE_INIT;

static void set_alloc_funcs(void) {
  json_set_alloc_funcs(budget_malloc, budget_free);
}

/* Opens a budget for plugin p; with p NULL (a bare Lua state, in the unit
 * tests) nothing is counted. */
void baton__json_budget_open(json_budget_t *b, baton_plugin_t *p) {
  *b = (json_budget_t){p, 0, 0, budget};
  if (p != NULL)
    budget = b;
}

/* Closes the budget; what jansson still holds leaves the plugin's count.
 * Returns 1 if an allocation was refused at the limit while it was open. */
int baton__json_budget_close(json_budget_t *b) {
  if (b->p == NULL)
    return 0;
  b->p->mem -= b->held;
  b->held = 0;
  budget = b->outer;
  return b->over;
}

/* Ends the call at the memory limit, as the Lua allocator does: the kill
 * makes it final (pcall in the plugin cannot swallow it), and the host's
 * message names the plugin and the limit. */
int baton__json_budget_exceeded(lua_State *L, baton_plugin_t *p,
                                const char *fn) {
  if (p->nactive > 0)
    baton__sandbox_kill(p, BATON_ENOMEM);
  return luaL_error(L,
                    "%s: out of memory in plugin '%s' (limit "
                    "%d MiB); use less memory, or raise the limit with "
                    "--memory-limit MIB",
                    fn, p->name, (int)(p->mem_limit >> 20));
}

/* What push_result pushes: the decoded tree, or else the encoded text. */
typedef struct {
  json_t *j;
  const char *text;
} result_t;

/* [result_t] -> [value]: runs protected, so that a Lua error while pushing
 * cannot leave jansson's memory or the budget behind. */
static int push_result(lua_State *L) {
  result_t *r = lua_touserdata(L, 1);
  lua_pop(L, 1);
  if (r->j != NULL)
    baton__lua_push_json(L, r->j);
  else
    lua_pushstring(L, r->text);
  return 1;
}

/* Pushes r protected; frees it and closes b either way, and raises the
 * error if the push failed. */
static void push_and_close(lua_State *L, result_t *r, json_budget_t *b) {
  lua_pushcfunction(L, push_result);
  lua_pushlightuserdata(L, r);
  int st = lua_pcall(L, 1, 1, 0);
  json_decref(r->j);
  budget_free((void *)r->text);
  baton__json_budget_close(b);
  if (st != LUA_OK)
    lua_error(L);
}

static int is_array(lua_State *L, int idx, size_t *n) {
  size_t len = (size_t)lua_rawlen(L, idx), count = 0;
  lua_pushnil(L);
  while (lua_next(L, idx)) {
    lua_pop(L, 1);
    if (!lua_isinteger(L, -1) || lua_tointeger(L, -1) < 1 ||
        (size_t)lua_tointeger(L, -1) > len) {
      lua_pop(L, 1);
      return 0;
    }
    count++;
  }
  *n = len;
  return count == len;
}

/* A key of an object being sorted. */
typedef struct {
  const char *k;
  size_t len;
  json_t *v;
} json_kv_t;

static int cmp_kv(const void *a, const void *b) {
  const json_kv_t *x = a, *y = b;
  int c = memcmp(x->k, y->k, x->len < y->len ? x->len : y->len);
  return c ? c : (x->len > y->len) - (x->len < y->len);
}

/* The object o with its keys in byte order (o is consumed), or NULL when
 * out of memory. A Lua table has no order of its own and lua_next walks it
 * in hash order, which changes from run to run: sorted, the same table
 * gives the same JSON text every time (--json, baton.json.encode, serve's
 * answers). Objects the core builds in C keep the order they are built in. */
static json_t *sorted_object(json_t *o) {
  size_t n = json_object_size(o), i = 0;
  if (n < 2)
    return o;
  json_kv_t *kv = malloc(n * sizeof *kv);
  json_t *s = kv ? json_object() : NULL;
  const char *k;
  size_t klen;
  json_t *v;
  if (s != NULL) {
    json_object_keylen_foreach(o, k, klen, v) kv[i++] = (json_kv_t){k, klen, v};
    qsort(kv, n, sizeof *kv, cmp_kv);
    for (i = 0; i < n; i++)
      if (json_object_setn(s, kv[i].k, kv[i].len, kv[i].v) != 0) {
        json_decref(s);
        s = NULL;
        break;
      }
  }
  free(kv);
  json_decref(o);
  return s;
}

static json_t *to_json(lua_State *L, int idx, int depth, char **err) {
  idx = lua_absindex(L, idx);
  switch (lua_type(L, idx)) {
  case LUA_TNIL:
    return json_null();
  case LUA_TBOOLEAN:
    return json_boolean(lua_toboolean(L, idx));
  case LUA_TNUMBER:
    if (lua_isinteger(L, idx))
      return json_integer((json_int_t)lua_tointeger(L, idx));
    if (!isfinite(lua_tonumber(L, idx))) {
      *err = baton__strdup("a number that is not finite (nan or inf) has no "
                           "JSON form");
      return NULL;
    }
    return json_real(lua_tonumber(L, idx));
  case LUA_TSTRING: {
    size_t len;
    const char *s = lua_tolstring(L, idx, &len);
    json_t *j = json_stringn(s, len);
    if (j == NULL)
      *err = baton__strdup("a string that is not valid UTF-8 has no JSON "
                           "form");
    return j;
  }
  case LUA_TLIGHTUSERDATA:
    if (lua_touserdata(L, idx) == (void *)&null_key)
      return json_null();
    break;
  case LUA_TTABLE: {
    if (depth >= JSON_MAX_DEPTH) {
      *err = baton__asprintf("tables nest deeper than %d (a table that "
                             "contains itself?)", JSON_MAX_DEPTH);
      return NULL;
    }
    if (!lua_checkstack(L, 4)) {
      *err = baton__strdup("out of memory");
      return NULL;
    }
    int marked = 0;
    if (lua_getmetatable(L, idx)) {
      lua_rawgetp(L, LUA_REGISTRYINDEX, &object_mt);
      marked = lua_rawequal(L, -1, -2);
      lua_pop(L, 2);
    }
    size_t n;
    if (!marked && is_array(L, idx, &n)) {
      json_t *a = json_array();
      for (size_t i = 1; a && i <= n; i++) {
        lua_rawgeti(L, idx, (lua_Integer)i);
        json_t *v = to_json(L, -1, depth + 1, err);
        lua_pop(L, 1);
        if (v == NULL || json_array_append_new(a, v) != 0) {
          json_decref(a);
          return NULL;
        }
      }
      return a;
    }
    json_t *o = json_object();
    lua_pushnil(L);
    while (o && lua_next(L, idx)) {
      char buf[64];
      const char *k;
      size_t klen;
      if (lua_type(L, -2) == LUA_TSTRING)
        k = lua_tolstring(L, -2, &klen); /* a NUL in it is kept */
      else if (lua_type(L, -2) == LUA_TNUMBER) {
        if (lua_isinteger(L, -2))
          snprintf(buf, sizeof buf, "%lld", (long long)lua_tointeger(L, -2));
        else
          snprintf(buf, sizeof buf, "%.14g", lua_tonumber(L, -2));
        k = buf;
        klen = strlen(buf);
      } else {
        *err = baton__asprintf("a table key that is a %s has no JSON form",
                               luaL_typename(L, -2));
        lua_pop(L, 2);
        json_decref(o);
        return NULL;
      }
      json_t *v = to_json(L, -1, depth + 1, err);
      if (v == NULL) {
        lua_pop(L, 2);
        json_decref(o);
        return NULL;
      }
      if (json_object_setn_new(o, k, klen, v) != 0) {
        /* No silent gap: a key jansson refused fails the encode. */
        *err = baton__strdup(budget && budget->over
                                 ? "out of memory"
                                 : "a table key that is not valid UTF-8 "
                                   "has no JSON form");
        lua_pop(L, 2);
        json_decref(o);
        return NULL;
      }
      lua_pop(L, 1);
    }
    if (o != NULL && (o = sorted_object(o)) == NULL)
      *err = baton__strdup("out of memory");
    return o;
  }
  default:
    break;
  }
  *err = baton__asprintf("a %s value has no JSON form", luaL_typename(L, idx));
  return NULL;
}

json_t *baton__lua_to_json(lua_State *L, int idx, char **err) {
  *err = NULL;
  return to_json(L, idx, 0, err);
}

void baton__lua_push_json(lua_State *L, json_t *j) {
  luaL_checkstack(L, 3, "JSON nests too deeply");
  switch (json_typeof(j)) {
  case JSON_OBJECT: {
    lua_createtable(L, 0, (int)json_object_size(j));
    const char *k;
    json_t *v;
    json_object_foreach(j, k, v) {
      baton__lua_push_json(L, v);
      lua_setfield(L, -2, k);
    }
    /* {} read back must write back as {}, not as an empty list. */
    if (json_object_size(j) == 0) {
      lua_rawgetp(L, LUA_REGISTRYINDEX, &object_mt);
      lua_setmetatable(L, -2);
    }
    break;
  }
  case JSON_ARRAY: {
    lua_createtable(L, (int)json_array_size(j), 0);
    size_t i;
    json_t *v;
    json_array_foreach(j, i, v) {
      baton__lua_push_json(L, v);
      lua_rawseti(L, -2, (lua_Integer)i + 1);
    }
    break;
  }
  case JSON_STRING:
    lua_pushlstring(L, json_string_value(j), json_string_length(j));
    break;
  case JSON_INTEGER:
    lua_pushinteger(L, (lua_Integer)json_integer_value(j));
    break;
  case JSON_REAL:
    lua_pushnumber(L, json_real_value(j));
    break;
  case JSON_TRUE:
    lua_pushboolean(L, 1);
    break;
  case JSON_FALSE:
    lua_pushboolean(L, 0);
    break;
  case JSON_NULL:
    lua_pushlightuserdata(L, (void *)&null_key);
    break;
  }
}

/* baton.json.encode(value [, {pretty = true}]) -> string. Raises on values
 * that have no JSON form: that is a mistake in the calling code. */
static int l_encode(lua_State *L) {
  luaL_checkany(L, 1);
  int pretty = 0;
  if (lua_istable(L, 2)) {
    static const char *const options[] = {"pretty", NULL};
    baton__lua_checkoptions(L, 2, "baton.json.encode", options);
    lua_getfield(L, 2, "pretty");
    pretty = lua_toboolean(L, -1);
    lua_pop(L, 1);
  }
  baton_plugin_t *p = baton__plugin_of(L);
  /* Why the value has no JSON form, boxed: the message may raise. */
  char **err = baton__lua_box(L, sizeof *err, baton__lua_box_free);
  json_budget_t b;
  baton__json_budget_open(&b, p);
  json_t *j = to_json(L, 1, 0, err);
  char *s = NULL;
  if (j != NULL) {
    size_t flags = JSON_ENCODE_ANY | JSON_REAL_PRECISION(15) |
                   (pretty ? JSON_INDENT(2) : JSON_COMPACT);
    s = json_dumps(j, flags);
    json_decref(j);
  }
  if (s == NULL) {
    int over = b.over;
    baton__json_budget_close(&b);
    if (over)
      return baton__json_budget_exceeded(L, p, "baton.json.encode");
    return luaL_error(L, "baton.json.encode: %s",
                      *err ? *err : "out of memory");
  }
  result_t r = {NULL, s};
  push_and_close(L, &r, &b);
  return 1;
}

int baton__lua_decode_json(lua_State *L, const char *text, size_t len,
                           size_t flags, json_error_t *e, const char *fn) {
  baton_plugin_t *p = baton__plugin_of(L);
  json_error_t ignored;
  json_budget_t b;
  baton__json_budget_open(&b, p);
  json_t *j = json_loadb(text, len, flags, e ? e : &ignored);
  if (j == NULL && b.over) {
    /* As Lua does before it gives up: collect the garbage, try again. */
    baton__json_budget_close(&b);
    lua_gc(L, LUA_GCCOLLECT);
    baton__json_budget_open(&b, p);
    j = json_loadb(text, len, flags, e ? e : &ignored);
  }
  if (j == NULL) {
    if (baton__json_budget_close(&b))
      return baton__json_budget_exceeded(L, p, fn);
    return 0;
  }
  result_t r = {j, NULL};
  push_and_close(L, &r, &b);
  return 1;
}

/* baton.json.decode(text) -> value, or nil, "EPARSE: line L, column C: why",
 * "EPARSE": bad input is an expected failure, not an error. */
static int l_decode(lua_State *L) {
  size_t len;
  const char *s =
      baton__lua_checklstring(L, 1, "baton.json.decode", "the text", &len);
  json_error_t e;
  if (baton__lua_decode_json(
          L, s, len, JSON_DECODE_ANY | JSON_REJECT_DUPLICATES | JSON_ALLOW_NUL,
          &e, "baton.json.decode"))
    return 1;
  return baton__lua_fail(L, "EPARSE", "line %d, column %d: %s", e.line,
                         e.column, e.text);
}

void baton__lua_mark_object(lua_State *L, int idx) {
  idx = lua_absindex(L, idx);
  lua_rawgetp(L, LUA_REGISTRYINDEX, &object_mt);
  lua_setmetatable(L, idx);
}

/* baton.json.object(t) -> t, marked to encode as an object even if empty. */
static int l_object(lua_State *L) {
  baton__lua_checktype(L, 1, LUA_TTABLE, "baton.json.object", "the argument");
  lua_settop(L, 1);
  baton__lua_mark_object(L, 1);
  return 1;
}

int baton__lua_open_json(lua_State *L) {
  uv_once(&alloc_once, set_alloc_funcs);
  lua_newtable(L);
  lua_rawsetp(L, LUA_REGISTRYINDEX, &object_mt);
  static const luaL_Reg fns[] = {{"encode", l_encode},
                                 {"decode", l_decode},
                                 {"object", l_object},
                                 {NULL, NULL}};
  luaL_newlib(L, fns);
  lua_pushlightuserdata(L, (void *)&null_key);
  lua_setfield(L, -2, "null");
  return 1;
}
