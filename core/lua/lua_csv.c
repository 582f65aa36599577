/* core/lua/lua_csv.c: baton.csv, CSV text to Lua rows, over core/base/csv.c.
 *
 * baton.csv.decode(text [, name]) parses with the same libcsv reader that
 * `baton people import` uses (BOM and CRLF handled, UTF-8 checked, quotes
 * strict), so a plugin reading a CSV file reports errors the same way:
 * nil, "EPARSE: name:line:column: what; fix", "EPARSE". It returns the
 * rows as lists of strings, and the line each row starts on as a second
 * list, for the plugin's own messages. Nothing here yields. */
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

int baton__lua_open_csv(lua_State *L) {
  static const luaL_Reg fns[] = {{"decode", l_decode}, {NULL, NULL}};
  luaL_newlib(L, fns);
  return 1;
}
