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
  int raised; /* a copy raised: its error is on top of the stack */
} decode_t;

/* [rows, lines, decode_t, row] -> []: copies one record onto the lists. */
static int push_row_p(lua_State *L) {
  decode_t *d = lua_touserdata(L, 3);
  const baton_csv_row_t *row = lua_touserdata(L, 4);
  lua_createtable(L, (int)row->ncells, 0);
  for (size_t i = 0; i < row->ncells; i++) {
    lua_pushlstring(L, row->cells[i], row->lens[i]);
    lua_rawseti(L, -2, (lua_Integer)i + 1);
  }
  lua_rawseti(L, 1, d->n + 1);
  lua_pushinteger(L, (lua_Integer)row->line);
  lua_rawseti(L, 2, d->n + 1);
  d->n++;
  return 0;
}

/* The reader's callback. The copy runs protected: an out-of-memory at
 * the plugin's limit must not unwind through libcsv, which would leak the
 * reader. It stops the reader instead, with the error on top of the stack
 * for l_decode to raise once the reader has cleaned up. */
static int on_row(void *ud, const baton_csv_row_t *row) {
  decode_t *d = ud;
  lua_State *L = d->L;
  if (!lua_checkstack(L, 6))
    return BATON_ENOMEM;
  lua_pushcfunction(L, push_row_p);
  lua_pushvalue(L, -3);
  lua_pushvalue(L, -3);
  lua_pushlightuserdata(L, d);
  lua_pushlightuserdata(L, (void *)row);
  if (lua_pcall(L, 4, 0, 0) != LUA_OK) {
    d->raised = 1;
    return BATON_ENOMEM;
  }
  return 0;
}

static void release_msgs(void *data) { baton__msgs_free(data); }

/* baton.csv.decode(text [, name]) -> rows, lines | nil, err, code */
static int l_decode(lua_State *L) {
  size_t len;
  const char *text =
      baton__lua_checklstring(L, 1, "baton.csv.decode", "the text", &len);
  const char *name =
      lua_isnoneornil(L, 2)
          ? "csv"
          : baton__lua_checkcstring(L, 2, "baton.csv.decode", "name");
  lua_settop(L, 2);
  /* The reader's messages, boxed: pushing the failure may raise. */
  baton_msgs_t *errs = baton__lua_box(L, sizeof *errs, release_msgs);
  errs->max = 1;
  lua_newtable(L); /* [text, name, errs, rows] */
  lua_newtable(L); /* [text, name, errs, rows, lines] */
  decode_t d = {L, 0, 0};
  int rc = baton__csv_parse(name, text, len, on_row, &d, errs);
  if (d.raised)
    return lua_error(L); /* push_row_p's, the reader now closed */
  if (rc == 0 && errs->n > 0)
    rc = BATON_EPARSE; /* a cell that is not UTF-8 */
  if (rc != 0 && errs->n > 0)
    return baton__lua_fail(L, baton_err_name(rc), "%s", errs->items[0]);
  if (rc != 0)
    return baton__lua_fail(L, baton_err_name(rc), "%s: %s", name,
                           baton_strerror(rc));
  baton__lua_box_close(L, 3);
  return 2;
}

/* ---- encode ------------------------------------------------------------- */

#define ENCODE "baton.csv.encode"

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
  baton__lua_checktype(L, 1, LUA_TTABLE, ENCODE, "rows");
  if (!lua_isnoneornil(L, 2))
    baton__lua_checktype(L, 2, LUA_TTABLE, ENCODE, "opts");
  lua_settop(L, 2);
  lua_Unsigned nheader = 0;
  if (lua_istable(L, 2)) {
    static const char *const options[] = {"header", NULL};
    baton__lua_checkoptions(L, 2, ENCODE, options);
    lua_getfield(L, 2, "header"); /* [rows, opts, header] */
    if (!lua_isnil(L, 3)) {
      baton__lua_checktype(L, 3, LUA_TTABLE, ENCODE,
                           "opts.header (a list of names)");
      nheader = lua_rawlen(L, 3);
      if (nheader == 0)
        luaL_error(L, ENCODE ": opts.header is empty; give the names");
    }
  }
  lua_settop(L, 3);
  /* The scratch buffer one row is written into, boxed: a bad cell raises
   * half-way. [.., scratch] */
  baton_buf_t *b = baton__lua_box(L, sizeof *b, baton__lua_box_buf);
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
  baton__lua_box_close(L, 4);
  luaL_pushresult(&out);
  return 1;
}

int baton__lua_open_csv(lua_State *L) {
  static const luaL_Reg fns[] = {
      {"decode", l_decode}, {"encode", l_encode}, {NULL, NULL}};
  luaL_newlib(L, fns);
  return 1;
}
