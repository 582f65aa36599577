/* core/lua/lua_html.c: baton.html, HTML a plugin's page can send safely.
 *
 *   baton.html.escape(s)               & < > " ' as entities
 *   baton.html.render(template, values)
 *
 * render replaces {{name}} with values[name] escaped, and {{{name}}} with
 * it as it is (HTML the plugin made itself, such as rows it rendered
 * with render). Names are letters, digits and _, spaces around them are
 * allowed. The template is read once, left to right: a value is never read
 * as a template, so "{{" in a person's name stays text. A missing value,
 * a value that is not a string or a number, or a placeholder left open is
 * an error naming the template's line: a typo must not render as nothing.
 * No loops or conditions: build repeated parts with render and join them,
 * then pass them in {{{name}}}. Needs no permission. */
#include "bindings.h"

/* Pushes the box's bytes as a string and empties the box (at idx). */
static int push_box(lua_State *L, baton_buf_t *b, int idx) {
  lua_pushlstring(L, b->data ? b->data : "", b->len);
  baton__lua_box_close(L, idx);
  return 1;
}

/* baton.html.escape(s) -> s with & < > " ' as entities; a number is
 * converted first. */
static int l_escape(lua_State *L) {
  size_t n;
  const char *s =
      baton__lua_checklstring(L, 1, "baton.html.escape", "the text", &n);
  lua_settop(L, 1);
  baton_buf_t *b = baton__lua_box(L, sizeof *b, baton__lua_box_buf); /* 2 */
  if (baton__html_escape(b, s, n) != 0)
    return luaL_error(L, "baton.html.escape: out of memory");
  return push_box(L, b, 2);
}

/* The line of template position at (1-based). */
static int line_of(const char *t, size_t at) {
  int line = 1;
  for (size_t i = 0; i < at; i++)
    line += t[i] == '\n';
  return line;
}

/* baton.html.render(template, values) -> the template with its
 * placeholders filled (see the top of this file). */
static int l_render(lua_State *L) {
  static const char fn[] = "baton.html.render";
  size_t n;
  const char *t = baton__lua_checklstring(L, 1, fn, "the template", &n);
  baton__lua_checktype(L, 2, LUA_TTABLE, fn, "values");
  lua_settop(L, 2);
  baton_buf_t *b = baton__lua_box(L, sizeof *b, baton__lua_box_buf); /* 3 */
  size_t i = 0;
  while (i < n) {
    const char *open = NULL;
    for (size_t j = i; j + 1 < n; j++)
      if (t[j] == '{' && t[j + 1] == '{') {
        open = t + j;
        break;
      }
    size_t lit = open ? (size_t)(open - (t + i)) : n - i;
    if (baton__buf_append(b, t + i, lit) != 0)
      return luaL_error(L, "%s: out of memory", fn);
    if (open == NULL)
      break;
    size_t at = (size_t)(open - t);
    int raw = at + 2 < n && t[at + 2] == '{';
    const char *close = raw ? "}}}" : "}}";
    size_t start = at + 2 + (size_t)raw, end = start;
    while (end < n && (t[end] == ' ' || t[end] == '\t'))
      end++;
    size_t name = end;
    while (end < n && (t[end] == '_' || (t[end] >= 'a' && t[end] <= 'z') ||
                       (t[end] >= 'A' && t[end] <= 'Z') ||
                       (t[end] >= '0' && t[end] <= '9')))
      end++;
    size_t name_len = end - name;
    while (end < n && (t[end] == ' ' || t[end] == '\t'))
      end++;
    size_t clen = strlen(close);
    if (name_len == 0 || (t[name] >= '0' && t[name] <= '9') || n - end < clen ||
        memcmp(t + end, close, clen) != 0)
      return luaL_error(L,
                        "%s: template line %d: '%s' must be followed by a "
                        "name (letters, digits and _) and '%s'; found '%s'",
                        fn, line_of(t, at), raw ? "{{{" : "{{", close,
                        lua_pushlstring(L, t + at, n - at > 24 ? 24 : n - at));
    lua_pushlstring(L, t + name, name_len); /* 4: the name */
    int vt = lua_gettable(L, 2);            /* 4: its value */
    if (vt != LUA_TSTRING && vt != LUA_TNUMBER)
      return luaL_error(L,
                        "%s: template line %d: %s has %s; give a string or a "
                        "number (\"\" for nothing)",
                        fn, line_of(t, at),
                        lua_pushfstring(L, "values.%s",
                                        lua_pushlstring(L, t + name, name_len)),
                        vt == LUA_TNIL ? "no value"
                                       : lua_pushfstring(L, "a %s value",
                                                         lua_typename(L, vt)));
    size_t vlen;
    const char *v = lua_tolstring(L, 4, &vlen);
    if ((raw ? baton__buf_append(b, v, vlen)
             : baton__html_escape(b, v, vlen)) != 0)
      return luaL_error(L, "%s: out of memory", fn);
    lua_settop(L, 3);
    i = end + clen;
  }
  return push_box(L, b, 3);
}

int baton__lua_open_html(lua_State *L) {
  lua_createtable(L, 0, 2);
  lua_pushcfunction(L, l_escape);
  lua_setfield(L, -2, "escape");
  lua_pushcfunction(L, l_render);
  lua_setfield(L, -2, "render");
  return 1;
}
