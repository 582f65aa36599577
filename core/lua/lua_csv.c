/* core/lua/lua_csv.c: baton.csv, CSV text to Lua rows, over core/base/csv.c.
 *
 * baton.csv.decode(text [, name]) parses with the same libcsv reader that
 * `baton people import` uses (BOM and CRLF handled, UTF-8 checked, quotes
 * strict), so a plugin reading a CSV file reports errors the same way:
 * nil, "EPARSE: name:line:column: what; fix", "EPARSE". It returns the
 * rows as lists of strings, and the line each row starts on as a second
 * list, for the plugin's own messages.
 *
 * baton.csv.encode(rows [, opts]) is the other way: cells written by
 * csv.c's baton__csv_write_cell, the writer of `baton people export`, so a
 * plugin's CSV is quoted and formula-neutralised as the core's is and
 * `baton people import` reads it back. Nothing here yields. */
#include <stdio.h>
#include <stdlib.h>

#include "bindings.h"

typedef struct {
  lua_State *L; /* [.., rows, lines] */
  lua_Integer n;
} decode_t;

/* Copies one record onto the two lists. lua_createtable and friends may
 * raise on out-of-memory; the reader's buffers are then leaked only if
 * Lua unwinds through libcsv, so memory is checked first. */
static int on_row(void *ud, const baton_csv_row_t *row) {
  decode_t *d = ud;
  lua_State *L = d->L;
  if (!lua_checkstack(L, 3))
    return BATON_ENOMEM;
  lua_createtable(L, (int)row->ncells, 0);
  for (size_t i = 0; i < row->ncells; i++) {
    lua_pushlstring(L, row->cells[i], row->lens[i]);
    lua_rawseti(L, -2, (lua_Integer)i + 1);
  }
  d->n++;
  lua_rawseti(L, -3, d->n);
  lua_pushinteger(L, (lua_Integer)row->line);
  lua_rawseti(L, -2, d->n);
  return 0;
}

/* baton.csv.decode(text [, name]) -> rows, lines | nil, err, code */
static int l_decode(lua_State *L) {
  size_t len;
  const char *text = luaL_checklstring(L, 1, &len);
  const char *name =
      lua_isnoneornil(L, 2)
          ? "csv"
          : baton__lua_checkcstring(L, 2, "baton.csv.decode", "name");
  lua_settop(L, 2);
  lua_newtable(L); /* [text, name, rows] */
  lua_newtable(L); /* [text, name, rows, lines] */
  decode_t d = {L, 0};
  baton_msgs_t errs = {0};
  errs.max = 1;
  int rc = baton__csv_parse(name, text, len, on_row, &d, &errs);
  if (rc == 0 && errs.n > 0)
    rc = BATON_EPARSE; /* a cell that is not UTF-8 */
  if (rc != 0) {
    lua_pushnil(L);
    if (errs.n > 0)
      lua_pushfstring(L, "%s: %s", baton_err_name(rc), errs.items[0]);
    else
      lua_pushfstring(L, "%s: %s: %s", baton_err_name(rc), name,
                      baton_strerror(rc));
    lua_pushstring(L, baton_err_name(rc));
    baton__msgs_free(&errs);
    return 3;
  }
  baton__msgs_free(&errs);
  return 2;
}

/* ---- encode ------------------------------------------------------------- */

#define ENCODE "baton.csv.encode"
#define SCRATCH "baton.csv.scratch"

/* The scratch buffer one row is written into, in a userdata so that an
 * error raised half-way (a bad cell) frees it through __gc. */
static int scratch_gc(lua_State *L) {
  baton__buf_free(lua_touserdata(L, 1));
  return 0;
}

/* Appends the cell at the top of the stack to b, after a comma unless it
 * is the row's first; pops it. what names the cell in errors. */
static void encode_cell(lua_State *L, baton_buf_t *b, int first,
                        const char *what) {
  size_t n = 0;
  const char *s = "";
  switch (lua_type(L, -1)) {
  case LUA_TNIL:
    break;
  case LUA_TBOOLEAN:
    s = lua_toboolean(L, -1) ? "true" : "false";
    n = strlen(s);
    break;
  case LUA_TNUMBER: /* as tostring: 3, 2.5, 3.0 */
  case LUA_TSTRING:
    baton__lua_checkcstring(L, -1, ENCODE, what);
    s = lua_tolstring(L, -1, &n);
    break;
  default:
    luaL_error(L,
               ENCODE ": %s is a %s; a cell is a string, a number, a "
                      "boolean or nil",
               what, luaL_typename(L, -1));
  }
  if ((!first && baton__buf_append(b, ",", 1) != 0) ||
      baton__csv_write_cell(b, s, n) != 0)
    luaL_error(L, ENCODE ": out of memory writing %s", what);
  lua_pop(L, 1);
}

/* baton.csv.encode(rows [, opts]) -> text
 * rows: a list of lists of cells, or with opts.header = {names} a list of
 * records read by those names (the header is the first line). */
static int l_encode(lua_State *L) {
  luaL_checktype(L, 1, LUA_TTABLE);
  if (!lua_isnoneornil(L, 2))
    luaL_checktype(L, 2, LUA_TTABLE);
  lua_settop(L, 2);
  lua_Unsigned nheader = 0;
  if (lua_istable(L, 2)) {
    for (lua_pushnil(L); lua_next(L, 2) != 0; lua_pop(L, 1))
      if (lua_type(L, -2) != LUA_TSTRING ||
          strcmp(lua_tostring(L, -2), "header") != 0)
        luaL_error(L, ENCODE ": unknown option %s; the one option is header",
                   lua_type(L, -2) == LUA_TSTRING ? lua_tostring(L, -2)
                                                  : luaL_typename(L, -2));
    lua_getfield(L, 2, "header"); /* [rows, opts, header] */
    if (!lua_isnil(L, 3)) {
      luaL_argexpected(L, lua_istable(L, 3), 2, "opts.header, a list of names");
      nheader = lua_rawlen(L, 3);
      luaL_argcheck(L, nheader > 0, 2, "opts.header is empty; give the names");
    }
  }
  lua_settop(L, 3);
  baton_buf_t *b = lua_newuserdatauv(L, sizeof *b, 0); /* [.., scratch] */
  memset(b, 0, sizeof *b);
  if (luaL_newmetatable(L, SCRATCH)) {
    lua_pushcfunction(L, scratch_gc);
    lua_setfield(L, -2, "__gc");
  }
  lua_setmetatable(L, -2);
  char what[160];
  luaL_Buffer out;
  luaL_buffinit(L, &out);
  if (nheader > 0) {
    b->len = 0;
    for (lua_Unsigned c = 1; c <= nheader; c++) {
      lua_rawgeti(L, 3, (lua_Integer)c);
      snprintf(what, sizeof what, "opts.header[%llu]", (unsigned long long)c);
      if (lua_type(L, -1) != LUA_TSTRING)
        luaL_error(L, ENCODE ": %s is a %s; a name is a string", what,
                   luaL_typename(L, -1));
      encode_cell(L, b, c == 1, what);
    }
    if (baton__buf_append(b, "\n", 1) != 0)
      luaL_error(L, ENCODE ": out of memory writing the header");
    luaL_addlstring(&out, b->data, b->len);
  }
  lua_Unsigned nrows = lua_rawlen(L, 1);
  for (lua_Unsigned r = 1; r <= nrows; r++) {
    b->len = 0;
    lua_rawgeti(L, 1, (lua_Integer)r); /* [.., row] */
    if (!lua_istable(L, -1))
      luaL_error(L, ENCODE ": row %I is a %s; a row is a %s", (lua_Integer)r,
                 luaL_typename(L, -1),
                 nheader > 0 ? "record keyed by opts.header's names"
                             : "list of cells");
    if (nheader > 0) {
      for (lua_Unsigned c = 1; c <= nheader; c++) {
        lua_rawgeti(L, 3, (lua_Integer)c);
        snprintf(what, sizeof what, "row %llu, field '%s'",
                 (unsigned long long)r, lua_tostring(L, -1));
        lua_rawget(L, -2); /* the header's names are strings, checked */
        encode_cell(L, b, c == 1, what);
      }
    } else {
      lua_Unsigned ncells = lua_rawlen(L, -1);
      for (lua_Unsigned c = 1; c <= ncells; c++) {
        lua_rawgeti(L, -1, (lua_Integer)c);
        snprintf(what, sizeof what, "row %llu, cell %llu",
                 (unsigned long long)r, (unsigned long long)c);
        encode_cell(L, b, c == 1, what);
      }
    }
    lua_pop(L, 1);
    if (baton__buf_append(b, "\n", 1) != 0)
      luaL_error(L, ENCODE ": out of memory writing row %I", (lua_Integer)r);
    luaL_addlstring(&out, b->data, b->len);
  }
  luaL_pushresult(&out);
  return 1;
}

int baton__lua_open_csv(lua_State *L) {
  static const luaL_Reg fns[] = {
      {"decode", l_decode}, {"encode", l_encode}, {NULL, NULL}};
  luaL_newlib(L, fns);
  return 1;
}
