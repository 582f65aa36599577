/* core/lua/binding.h: the one way to write a baton.* binding.
 *
 * A binding (core/lua/lua_<module>.c) follows four rules, and this header
 * holds the pieces for each:
 *
 * 1. Programmer mistakes raise: a wrong type, an unknown option, a NUL in
 *    a string C would cut, a number out of range. The message starts with
 *    the function's name ("baton.fs.read: ...") and says what to do. Check
 *    every argument before allocating anything.
 * 2. Expected failures (a missing file, a locked database, a parse error)
 *    return nil, "ECODE: message", "ECODE" through baton__lua_fail, never
 *    written by hand.
 * 3. C memory that must outlive a call that may raise (any lua_push* can
 *    raise out of memory at the plugin's limit; so can luaL_check*, a
 *    callback into Lua, a permission check) lives in a box: a userdata
 *    whose release function runs when it is closed or collected, so the
 *    raise frees it (lauxlib's UBox idea). Or it is freed before the next
 *    call that may raise; nothing in between.
 * 4. A call that waits asks baton__task_current first (it raises from a
 *    coroutine the plugin made, before anything is allocated) and gives
 *    its op to baton__task_wait last.
 *
 * Everything here is static inline because the baton.ics module
 * (lua_ics.c) is built apart, as a loadable module that links no layer
 * library. Layer: lua. */
#ifndef BATON_BINDING_H
#define BATON_BINDING_H

#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <lauxlib.h>
#include <lua.h>

#include "base.h"

/* ---- arguments ---------------------------------------------------------- */

/* The string argument at idx, or a field at a negative idx, for use as a
 * C string: raises "FN: WHAT holds a NUL byte ..." if it has one, since C
 * would silently cut it there (a path, a name, SQL text, a program's
 * argument). A number is converted in place, as lua_tostring does. */
static inline const char *baton__lua_checkcstring(lua_State *L, int idx,
                                                  const char *fn,
                                                  const char *what) {
  size_t len;
  if (idx < 0 && !lua_isstring(L, idx)) /* a field, not an argument */
    luaL_error(L, "%s: %s must be a string, not a %s", fn, what,
               luaL_typename(L, idx));
  const char *s = luaL_checklstring(L, idx, &len);
  const char *nul = memchr(s, '\0', len);
  if (nul != NULL)
    luaL_error(L,
               "%s: %s holds a NUL byte (byte %d of %d), where C would "
               "cut it short; remove it",
               fn, what, (int)(nul - s) + 1, (int)len);
  return s;
}

/* Raises "FN: unknown option 'K' (did you mean 'S'?); the options are A,
 * B" unless every key of the options table at idx is one of `names` (a
 * NULL-terminated list), and "FN: options are named ..." for a key that
 * is not a string. The values are the caller's to check. */
static inline void baton__lua_checkoptions(lua_State *L, int idx,
                                           const char *fn,
                                           const char *const *names) {
  idx = lua_absindex(L, idx);
  size_t n = 0;
  while (names[n] != NULL)
    n++;
  for (lua_pushnil(L); lua_next(L, idx) != 0; lua_pop(L, 1)) {
    if (lua_type(L, -2) != LUA_TSTRING)
      luaL_error(L, "%s: options are named (name = value); found a %s key", fn,
                 luaL_typename(L, -2));
    const char *k = lua_tostring(L, -2);
    size_t i = 0;
    while (i < n && strcmp(k, names[i]) != 0)
      i++;
    if (i < n)
      continue;
    const char *s = baton__suggest(k, names, n);
    luaL_Buffer b;
    luaL_buffinit(L, &b);
    for (i = 0; i < n; i++) {
      if (i > 0)
        luaL_addstring(&b, ", ");
      luaL_addstring(&b, names[i]);
    }
    luaL_pushresult(&b);
    luaL_error(L, "%s: unknown option '%s'%s%s%s; the option%s %s %s", fn, k,
               s ? " (did you mean '" : "", s ? s : "", s ? "'?)" : "",
               n == 1 ? "" : "s", n == 1 ? "is" : "are", lua_tostring(L, -1));
  }
}

/* The integer argument at idx (a field at a negative idx), which must be
 * from lo to hi: raises "FN: WHAT must be an integer from LO to HI, not
 * V" otherwise (a float with an integer value counts as one). */
static inline lua_Integer baton__lua_checkint(lua_State *L, int idx,
                                              const char *fn, const char *what,
                                              lua_Integer lo, lua_Integer hi) {
  int isint;
  lua_Integer v = lua_tointegerx(L, idx, &isint);
  if (!isint || v < lo || v > hi) {
    if (lua_type(L, idx) == LUA_TNUMBER)
      luaL_error(L, "%s: %s must be an integer from %I to %I, not %s", fn, what,
                 lo, hi, luaL_tolstring(L, idx, NULL));
    luaL_error(L, "%s: %s must be an integer from %I to %I, not a %s", fn, what,
               lo, hi, luaL_typename(L, idx));
  }
  return v;
}

/* ---- expected failures -------------------------------------------------- */

/* Pushes nil, "CODE: message", "CODE" and returns 3, for `return
 * baton__lua_fail(L, baton_err_name(err), "%s", msg)`. code is an error's
 * name (baton_err_name, or libuv's uv_err_name for a libuv call); fmt is
 * lua_pushfstring's (%s %d %I %f %p %c %%). Raises only when out of
 * memory, so free C memory first, or box it. */
static inline int baton__lua_fail(lua_State *L, const char *code,
                                  const char *fmt, ...) {
  va_list ap;
  lua_pushnil(L);
  lua_pushstring(L, code);
  lua_pushliteral(L, ": ");
  va_start(ap, fmt);
  lua_pushvfstring(L, fmt, ap);
  va_end(ap);
  lua_concat(L, 3);
  lua_pushstring(L, code);
  return 3;
}

/* ---- boxes: C memory an error may unwind past --------------------------- */

#define BATON_LUA_BOX "baton.box"

/* A box's header; its bytes follow, aligned for any type. */
typedef union {
  void (*release)(void *data); /* NULL once released */
  max_align_t align;
} baton_lua_box_t;

/* Runs the release of the box at idx now (once); the box stays on the
 * stack, empty. */
static inline void baton__lua_box_close(lua_State *L, int idx) {
  baton_lua_box_t *b = luaL_checkudata(L, idx, BATON_LUA_BOX);
  if (b->release != NULL) {
    void (*release)(void *) = b->release;
    b->release = NULL;
    release(b + 1);
  }
}

/* The box's __gc and __close. */
static inline int baton__lua_box_gc(lua_State *L) {
  baton__lua_box_close(L, 1);
  return 0;
}

/* Pushes a box: a userdata of `size` zeroed bytes, which hold a C struct
 * or pointer that owns memory (a baton_buf_t, a malloc'd array, an
 * icalcomponent *), and returns the bytes. release(bytes) runs once: at
 * baton__lua_box_close, when the box is a to-be-closed slot that closes
 * (lua_toclose; lua_closeslot), or when it is collected after an error.
 * Allocate into the box only after pushing it: pushing may raise.
 * release may be NULL, and set later with baton__lua_box_arm. */
static inline void *baton__lua_box(lua_State *L, size_t size,
                                   void (*release)(void *data)) {
  baton_lua_box_t *b = lua_newuserdatauv(L, sizeof *b + size, 0);
  b->release = NULL;
  memset(b + 1, 0, size);
  if (luaL_newmetatable(L, BATON_LUA_BOX)) {
    lua_pushcfunction(L, baton__lua_box_gc);
    lua_setfield(L, -2, "__gc");
    lua_pushcfunction(L, baton__lua_box_gc);
    lua_setfield(L, -2, "__close");
    lua_pushliteral(L, "baton.box");
    lua_setfield(L, -2, "__metatable");
  }
  lua_setmetatable(L, -2);
  b->release = release;
  return b + 1;
}

/* Sets the release of a box from its bytes, for a box pushed with none
 * because what it will own is taken later (a statement prepared once the
 * box is on the stack, so that the push cannot raise in between). */
static inline void baton__lua_box_arm(void *data, void (*release)(void *)) {
  ((baton_lua_box_t *)data - 1)->release = release;
}

/* A release for a box holding one malloc'd pointer: frees it. */
static inline void baton__lua_box_free(void *data) {
  void **slot = data;
  free(*slot);
  *slot = NULL;
}

/* A release for a box holding a baton_buf_t. */
static inline void baton__lua_box_buf(void *data) { baton__buf_free(data); }

#endif
