/* core/lua/lua_store.c: baton.people, baton.groups, baton.events and
 * baton.store for plugins.
 *
 * People, groups and events go through the public store API and come out
 * as plain tables. baton.store runs a plugin's own SQL with bound
 * parameters; while it is prepared and run, the store's authorizer knows
 * which plugin is asking and refuses anything outside its tables (named
 * `<plugin>_...`) other than reading the core tables.
 *
 * Expected failures (database locked, person not found) return
 * nil, "ECODE: message", "ECODE"; wrong arguments and refused SQL raise an
 * error, since they are mistakes in the plugin. */
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <sqlite3.h>

#include "bindings.h"
#include "portable.h"

/* ---- common -------------------------------------------------------------- */

/* Pushes nil, "ECODE: msg", "ECODE" (msg empty: the code's sentence);
 * returns 3. */
static int push_fail(lua_State *L, int err, const char *msg) {
  return baton__lua_fail(L, baton_err_name(err), "%s",
                         msg && *msg ? msg : baton_strerror(err));
}

/* The running plugin's store; on failure pushes the nil, msg, code triple
 * and returns NULL. */
static baton_store_t *store_of(lua_State *L, baton_plugin_t **pp) {
  baton_plugin_t *p = baton__plugin_of(L);
  baton_store_t *s;
  if (pp)
    *pp = p;
  int err = baton__host_store(p->host, &s);
  if (err != 0) {
    push_fail(L, err, baton_host_last_error(p->host));
    return NULL;
  }
  return s;
}

/* Sets t[k] = v for a non-NULL string. [t] */
static void set_str(lua_State *L, const char *k, const char *v) {
  if (v == NULL)
    return;
  lua_pushstring(L, v);
  lua_setfield(L, -2, k);
}

/* Sets t[k] to the items of a `;` list. [t] */
static void set_list(lua_State *L, const char *k, const char *list) {
  lua_newtable(L);
  lua_Integer i = 0;
  while (list && *list) {
    const char *e = strchr(list, ';');
    size_t n = e ? (size_t)(e - list) : strlen(list);
    lua_pushlstring(L, list, n);
    lua_rawseti(L, -2, ++i);
    list += n + (e != NULL);
  }
  lua_setfield(L, -2, k);
}

/* Pushes JSON text decoded, or nil; jansson's memory counts against the
 * plugin's limit (fn names the call when it is reached). */
static void push_json_text(lua_State *L, const char *text, const char *fn) {
  if (text == NULL ||
      !baton__lua_decode_json(L, text, strlen(text), JSON_DECODE_ANY, NULL, fn))
    lua_pushnil(L);
}

/* Pushes a person as a plain table. */
static void push_person(lua_State *L, const baton_person_t *p) {
  lua_createtable(L, 0, 16);
  set_str(L, "id", p->id);
  set_str(L, "name", p->name);
  set_str(L, "email", p->email);
  set_str(L, "role", p->role);
  set_str(L, "department", p->department);
  set_str(L, "campus", p->campus);
  set_list(L, "subjects", p->subjects);
  set_list(L, "grades", p->grades);
  set_list(L, "languages", p->languages);
  set_str(L, "start_date", p->start_date);
  set_str(L, "manager_id", p->manager_id);
  set_str(L, "role_in_group", p->role_in_group);
  lua_pushboolean(L, p->active);
  lua_setfield(L, -2, "active");
  push_json_text(L, p->attrs, "baton.people");
  if (lua_isnil(L, -1)) {
    lua_pop(L, 1);
    lua_newtable(L);
  }
  lua_setfield(L, -2, "attrs");
}

/* A row the store hands a callback, and how to push it (append_row). */
typedef struct {
  void (*push)(lua_State *L, const void *row);
  const void *row;
} row_t;

/* [array, row_t] -> []: pushes the row and appends it to the array. */
static int append_row_p(lua_State *L) {
  row_t *r = lua_touserdata(L, 2);
  r->push(L, r->row);
  lua_rawseti(L, 1, (lua_Integer)lua_rawlen(L, 1) + 1);
  return 0;
}

/* Appends a row to the array at the top of the stack, for a store
 * callback. Protected: a Lua error (out of memory; the plugin's limit
 * reached by a row's JSON) must not unwind through the store's open
 * statement. It stops the rows instead: returns 1 (the callback's result)
 * with the error on top of the stack, which the caller raises after the
 * store has finished the statement. */
static int append_row(lua_State *L, void (*push)(lua_State *, const void *),
                      const void *row) {
  row_t r = {push, row};
  lua_pushcfunction(L, append_row_p);
  lua_pushvalue(L, -2);
  lua_pushlightuserdata(L, &r);
  return lua_pcall(L, 2, 0, 0) != LUA_OK;
}

static void push_person_row(lua_State *L, const void *row) {
  push_person(L, row);
}

/* Appends each person to the array at the top of the stack. */
static int append_person(const baton_person_t *p, void *ud) {
  return append_row(ud, push_person_row, p);
}

/* ---- the school the running code sees ------------------------------------
 * A route asked by a person of one school, and a command they run from a
 * form, see only that school (baton__reach_school; core/cli/serve/
 * schools.c): baton.people, baton.groups and baton.events leave the other
 * schools out, so a plugin gets the right rows by default. */

/* The school the running code is limited to, or NULL for every school. */
static const char *scope_of(lua_State *L) {
  return baton__reach_school(baton__reach_now(L));
}

/* [set] -> [set]: set[id] = true, for a store callback. Protected, as
 * append_row. */
static int add_id_p(lua_State *L) {
  lua_pushboolean(L, 1);
  lua_setfield(L, 1, lua_touserdata(L, 2));
  return 0;
}

static int add_id(const baton_person_t *p, void *ud) {
  lua_State *L = ud;
  lua_pushcfunction(L, add_id_p);
  lua_pushvalue(L, -2);
  lua_pushlightuserdata(L, (void *)p->id);
  return lua_pcall(L, 2, 0, 0) != LUA_OK;
}

/* Pushes the set of the ids of school's people (active or not): one
 * query. Returns 0, or pushes the nil, msg, code triple instead and
 * returns 3 (an error of the store), or raises. */
static int push_school_ids(lua_State *L, baton_store_t *s, const char *school) {
  baton_filter_t f = {"school", school};
  lua_newtable(L);
  int err = baton_people_each(s, &f, 1, 1, add_id, L);
  if (err > 0)
    lua_error(L); /* add_id's */
  if (err != 0) {
    lua_pop(L, 1);
    return push_fail(L, err, baton_store_last_error(s));
  }
  return 0;
}

/* Whether the string field `field` of the table at row is a key of the
 * set at set. */
static int in_set(lua_State *L, int row, int set, const char *field) {
  lua_getfield(L, row, field);
  int yes = lua_type(L, -1) == LUA_TSTRING && lua_rawget(L, set) != LUA_TNIL;
  lua_pop(L, 1);
  return yes;
}

/* Ends the array at arr (absolute index, n rows long) after its row j: a
 * filter kept rows 1..j in place. */
static void cut_after(lua_State *L, int arr, lua_Integer j, lua_Integer n) {
  for (lua_Integer i = j + 1; i <= n; i++) {
    lua_pushnil(L);
    lua_rawseti(L, arr, i);
  }
}

/* Removes from the array at arr the rows whose field `field` is not a key
 * of the set at set, keeping the order (absolute indexes). */
static void keep_in(lua_State *L, int arr, int set, const char *field) {
  lua_Integer n = (lua_Integer)lua_rawlen(L, arr), j = 0;
  for (lua_Integer i = 1; i <= n; i++) {
    lua_rawgeti(L, arr, i);
    if (in_set(L, lua_gettop(L), set, field))
      lua_rawseti(L, arr, ++j);
    else
      lua_pop(L, 1);
  }
  cut_after(L, arr, j, n);
}

/* Keeps in the array of people on top of the stack those of school. 0, or
 * 3 with the nil, msg, code triple pushed (push_school_ids). */
static int keep_school(lua_State *L, baton_store_t *s, const char *school) {
  int arr = lua_gettop(L);
  if (push_school_ids(L, s, school) != 0)
    return 3;
  keep_in(L, arr, arr + 1, "id");
  lua_pop(L, 1);
  return 0;
}

/* ---- baton.people -------------------------------------------------------- */

/* baton.people.find{role = "teacher", subjects = "Maths", ...} -> array.
 * Keys are fields or attributes; a list field matches when it contains the
 * value. Only active people unless the query names `active`. */
static int l_people_find(lua_State *L) {
  baton__lua_checktype(L, 1, LUA_TTABLE, "baton.people.find", "the query");
  baton_filter_t f[33]; /* the query's, and the school seen */
  size_t n = 0;
  int with_inactive = 0;
  lua_pushnil(L);
  while (lua_next(L, 1) != 0) { /* [q, key, value] */
    if (lua_type(L, -2) != LUA_TSTRING)
      return luaL_error(L, "baton.people.find: keys must be field names");
    if (n == 32)
      return luaL_error(L, "baton.people.find: at most 32 conditions");
    const char *k =
        baton__lua_checkcstring(L, -2, "baton.people.find", "a field name");
    if (strchr(k, '"') != NULL)
      return luaL_error(L, "baton.people.find: bad field name '%s'", k);
    if (lua_isboolean(L, -1))
      lua_pushstring(L, lua_toboolean(L, -1) ? "1" : "0");
    else if (lua_type(L, -1) == LUA_TNUMBER || lua_type(L, -1) == LUA_TSTRING)
      lua_pushstring(L, baton__lua_checkcstring(L, -1, "baton.people.find", k));
    else
      return luaL_error(L,
                        "baton.people.find: value of '%s' must be a "
                        "string, number or boolean",
                        k);
    /* Keep the string alive in the query table's slot. */
    lua_replace(L, -2);
    f[n].key = k;
    f[n].value = lua_tostring(L, -1);
    with_inactive |= strcmp(k, "active") == 0;
    n++;
    lua_pushvalue(L, -2);
    lua_pushvalue(L, -2);
    lua_rawset(L, lua_upvalueindex(1)); /* anchor: keys/values stay valid */
    lua_pop(L, 1);
  }
  baton_store_t *s = store_of(L, NULL);
  if (s == NULL)
    return 3;
  const char *school = scope_of(L);
  if (school != NULL)
    f[n++] = (baton_filter_t){"school", school};
  lua_newtable(L);
  int err = baton_people_each(s, f, n, with_inactive, append_person, L);
  lua_newtable(L);
  lua_replace(L, lua_upvalueindex(1)); /* drop the anchors */
  if (err > 0)
    return lua_error(L); /* append_row's */
  if (err != 0)
    return push_fail(L, err, baton_store_last_error(s));
  return 1;
}

/* baton.people.get(id) -> person, or nil, "ENOTFOUND: ...", "ENOTFOUND". */
static int l_people_get(lua_State *L) {
  const char *id = baton__lua_checkcstring(L, 1, "baton.people.get", "id");
  baton_store_t *s = store_of(L, NULL);
  if (s == NULL)
    return 3;
  lua_newtable(L);
  int err = baton_people_get(s, id, append_person, L);
  if (err > 0)
    return lua_error(L); /* append_row's */
  if (err != 0)
    return push_fail(L, err, baton_store_last_error(s));
  const char *school = scope_of(L);
  if (school != NULL) {
    char *of = NULL;
    err = baton_person_school(s, id, &of);
    int other = err == 0 && strcmp(of, school) != 0;
    free(of);
    if (err != 0)
      return push_fail(L, err, baton_store_last_error(s));
    if (other)
      return baton__lua_fail(L, "ENOTFOUND",
                             "no person with id '%s' in school '%s' (this "
                             "request sees only its own school)",
                             id, school);
  }
  lua_rawgeti(L, -1, 1);
  return 1;
}

/* The people of the ids at 1, active or not, in one query, keyed by id:
 * of the school seen, whole people (baton.people.get_many); with
 * names_only, of any school, each as their name only (baton.people.names:
 * a row naming two schools names the other school's person, and says
 * nothing more of them). */
static int people_by_ids(lua_State *L, const char *fn, int names_only) {
  if (lua_type(L, 1) != LUA_TTABLE)
    return luaL_error(L,
                      "%s: ids must be a list of people's ids "
                      "({\"T001\", \"T002\"}), not a %s",
                      fn, luaL_typename(L, 1));
  lua_settop(L, 1); /* the anchor table goes at 2 */
  lua_Integer n = (lua_Integer)lua_rawlen(L, 1);
  /* The ids as strings, anchored in a table while C points at them. */
  lua_createtable(L, (int)(n < 1 << 20 ? n : 1 << 20), 0); /* [ids, s] */
  for (lua_Integer i = 1; i <= n; i++) {
    int t = lua_rawgeti(L, 1, i);
    if (t != LUA_TSTRING && t != LUA_TNUMBER)
      return luaL_error(L,
                        "%s: ids[%I] must be a person's id (a string), "
                        "not a %s",
                        fn, i, luaL_typename(L, -1));
    lua_pushstring(L, lua_tostring(L, -1)); /* a number, as text */
    baton__lua_checkcstring(L, -1, fn, "an id");
    lua_rawseti(L, 2, i);
    lua_pop(L, 1);
  }
  void **slot = baton__lua_box(L, sizeof *slot, baton__lua_box_free);
  int boxed = lua_gettop(L);
  *slot = n > 0 ? malloc((size_t)n * sizeof(char *)) : NULL;
  const char **v = *slot;
  if (n > 0 && v == NULL)
    return luaL_error(L, "%s: out of memory for %I ids", fn, n);
  for (lua_Integer i = 1; i <= n; i++) {
    lua_rawgeti(L, 2, i);
    v[i - 1] = lua_tostring(L, -1); /* anchored in the table at 2 */
    lua_pop(L, 1);
  }
  baton_store_t *s = store_of(L, NULL);
  if (s == NULL)
    return 3;
  lua_newtable(L);
  int err = baton_people_get_many(s, v, (size_t)n, append_person, L);
  baton__lua_box_close(L, boxed);
  if (err > 0)
    return lua_error(L); /* append_row's */
  if (err != 0)
    return push_fail(L, err, baton_store_last_error(s));
  /* The array of people, keyed by id instead. */
  const char *school = names_only ? NULL : scope_of(L);
  if (school != NULL && keep_school(L, s, school) != 0)
    return 3;
  lua_Integer found = (lua_Integer)lua_rawlen(L, -1);
  lua_createtable(L, 0, (int)(found < 1 << 20 ? found : 1 << 20));
  for (lua_Integer i = 1; i <= found; i++) {
    lua_rawgeti(L, -2, i);     /* [people, byid, person] */
    lua_getfield(L, -1, "id"); /* [people, byid, person, id] */
    lua_insert(L, -2);         /* [people, byid, id, person] */
    if (names_only) {
      lua_getfield(L, -1, "name"); /* [people, byid, id, person, name] */
      lua_replace(L, -2);          /* [people, byid, id, name] */
    }
    lua_rawset(L, -3);
  }
  return 1;
}

/* baton.people.get_many(ids) -> {[id] = person, ...}: the people of
 * those ids (of the school seen), active or not; ids not found are
 * absent. */
static int l_people_get_many(lua_State *L) {
  return people_by_ids(L, "baton.people.get_many", 0);
}

/* baton.people.names(ids) -> {[id] = name, ...}: the names of the people
 * of those ids, of any school; ids not found are absent. */
static int l_people_names(lua_State *L) {
  return people_by_ids(L, "baton.people.names", 1);
}

/* baton.people.school() -> the school the running code sees (a route
 * asked by a person of one school, a command they run from a form), or
 * nil for every school. */
static int l_people_school(lua_State *L) {
  lua_pushstring(L, scope_of(L));
  return 1;
}

/* baton.people.keep(rows, field, ...) -> the rows (tables) where one of
 * the fields names a person of the school seen; rows itself when the code
 * sees every school. */
static int l_people_keep(lua_State *L) {
  const char *fn = "baton.people.keep";
  baton__lua_checktype(L, 1, LUA_TTABLE, fn, "the rows");
  int nf = lua_gettop(L) - 1;
  if (nf < 1)
    return luaL_error(L,
                      "%s: name the fields that hold people's ids, as in "
                      "baton.people.keep(pairs, \"mentee\", \"mentor\")",
                      fn);
  for (int k = 2; k <= nf + 1; k++)
    if (lua_type(L, k) != LUA_TSTRING)
      return luaL_error(L,
                        "%s: field %d must be a field's name (a string), "
                        "not a %s",
                        fn, k - 1, luaL_typename(L, k));
  const char *school = scope_of(L);
  if (school == NULL) {
    lua_settop(L, 1);
    return 1;
  }
  baton_store_t *s = store_of(L, NULL);
  if (s == NULL || push_school_ids(L, s, school) != 0)
    return 3;
  int set = lua_gettop(L);
  lua_newtable(L);
  lua_Integer n = (lua_Integer)lua_rawlen(L, 1), j = 0;
  for (lua_Integer i = 1; i <= n; i++) {
    if (lua_rawgeti(L, 1, i) == LUA_TTABLE) {
      int yes = 0;
      for (int k = 2; !yes && k <= nf + 1; k++)
        yes = in_set(L, lua_gettop(L), set, lua_tostring(L, k));
      if (yes) {
        lua_rawseti(L, set + 1, ++j);
        continue;
      }
    }
    lua_pop(L, 1);
  }
  return 1;
}

/* Sets t[k] to the strings of a list. [t] */
static void set_strings(lua_State *L, const char *k, char **items, size_t n) {
  lua_createtable(L, (int)n, 0);
  for (size_t i = 0; i < n; i++) {
    lua_pushstring(L, items[i]);
    lua_rawseti(L, -2, (lua_Integer)i + 1);
  }
  lua_setfield(L, -2, k);
}

/* Pushes an import's report as the CLI's --json shows it. */
static void push_report(lua_State *L, const char *file,
                        const baton_import_report_t *r, int dry_run) {
  lua_createtable(L, 0, 12);
  set_str(L, "file", file);
  lua_pushboolean(L, dry_run);
  lua_setfield(L, -2, "dry_run");
  static const char *const keys[] = {"rows",      "added",       "updated",
                                     "unchanged", "deactivated", "rejected"};
  const size_t vals[] = {r->rows,      r->added,       r->updated,
                         r->unchanged, r->deactivated, r->rejected};
  for (size_t i = 0; i < sizeof keys / sizeof *keys; i++) {
    lua_pushinteger(L, (lua_Integer)vals[i]);
    lua_setfield(L, -2, keys[i]);
  }
  set_strings(L, "errors", r->errors, r->nerrors);
  set_strings(L, "changes", r->changes, r->nchanges);
  lua_pushinteger(L, (lua_Integer)r->errors_dropped);
  lua_setfield(L, -2, "errors_not_shown");
}

/* What an import leaves to free, in a box. */
typedef struct {
  baton_import_report_t r;
  baton_buf_t msg;
} import_box_t;

static void release_import(void *data) {
  import_box_t *b = data;
  baton_import_report_free(&b->r);
  baton__buf_free(&b->msg);
}

/* baton.people.import(path[, opts]) and baton.groups.import(path[, opts]):
 * the import of `baton people import` / `baton groups import`, all or
 * nothing in one transaction. opts: dry_run, full, format ("csv" or
 * "json"), map (people only). Needs the permissions people.write and
 * fs.read. Returns the report; a file with errors returns nil,
 * "EPARSE: every error, one a line; nothing was imported", "EPARSE", the
 * report (its `errors` list); other failures nil, msg, code. */
static int import(lua_State *L, int people) {
  const char *fn = people ? "baton.people.import" : "baton.groups.import";
  const char *path = baton__lua_checkcstring(L, 1, fn, "path");
  baton_import_options_t o;
  baton_import_options_init(&o);
  if (!lua_isnoneornil(L, 2)) {
    baton__lua_checktype(L, 2, LUA_TTABLE, fn, "the options");
    static const char *const options[] = {"dry_run", "full", "format", "map",
                                          NULL};
    static const char *const group_options[] = {"dry_run", "full", "format",
                                                NULL};
    baton__lua_checkoptions(L, 2, fn, people ? options : group_options);
    lua_pushnil(L);
    while (lua_next(L, 2) != 0) { /* [.., key, value] */
      const char *k = lua_tostring(L, -2);
      if (strcmp(k, "dry_run") == 0 || strcmp(k, "full") == 0) {
        if (!lua_isboolean(L, -1))
          return luaL_error(L, "%s: %s must be true or false, not a %s", fn, k,
                            luaL_typename(L, -1));
        *(k[0] == 'd' ? &o.dry_run : &o.full) = lua_toboolean(L, -1);
      } else if (strcmp(k, "format") == 0) {
        const char *f = lua_tostring(L, -1);
        if (f == NULL || (strcmp(f, "csv") != 0 && strcmp(f, "json") != 0))
          return luaL_error(L, "%s: format must be \"csv\" or \"json\"", fn);
        o.format = f[0] == 'c' ? BATON_FORMAT_CSV : BATON_FORMAT_JSON;
      } else { /* map, for people */
        if (lua_type(L, -1) != LUA_TSTRING)
          return luaL_error(L,
                            "%s: map must be a string like \"Staff "
                            "ID=id,Full Name=name\"",
                            fn);
        /* anchored by the options table */
        o.map = baton__lua_checkcstring(L, -1, fn, "map");
      }
      lua_pop(L, 1);
    }
  }
  baton__lua_need(L, BATON_PERM_PEOPLE_WRITE, fn);
  baton_denied_t denied; /* the import reads `path` itself: in the grant? */
  baton__lua_file(L, BATON_PERM_FS_READ, fn, path, &denied);
  lua_pop(L, 1);
  baton_store_t *s = store_of(L, NULL);
  if (s == NULL)
    return 3;
  if (baton__sql_in_transaction(s->sql))
    return luaL_error(L,
                      "%s cannot run inside baton.store.transaction: an "
                      "import is a transaction of its own; call it "
                      "before or after",
                      fn);
  /* The report and the message, boxed: pushing them may raise. */
  import_box_t *box = baton__lua_box(L, sizeof *box, release_import);
  int boxed = lua_gettop(L);
  int err = people ? baton_people_import(s, path, &o, &box->r)
                   : baton_groups_import(s, path, &o, &box->r);
  baton_import_report_t *r = &box->r;
  if (err == 0) {
    push_report(L, path, r, o.dry_run);
    baton__lua_box_close(L, boxed);
    return 1;
  }
  if (err != BATON_EPARSE) {
    push_fail(L, err, baton_store_last_error(s));
    baton__lua_box_close(L, boxed);
    return 3;
  }
  baton_buf_t *b = &box->msg;
  for (size_t i = 0; i < r->nerrors; i++)
    baton__buf_printf(b, "%s\n", r->errors[i]);
  if (r->errors_dropped)
    baton__buf_printf(b, "... and %zu more errors not shown\n",
                      r->errors_dropped);
  baton__buf_printf(b, "nothing was imported: every error above names the "
                       "file, line and column");
  push_fail(L, err, b->data ? b->data : "the file has errors");
  push_report(L, path, r, o.dry_run);
  baton__lua_box_close(L, boxed);
  return 4;
}

static int l_people_import(lua_State *L) { return import(L, 1); }
static int l_groups_import(lua_State *L) { return import(L, 0); }

/* ---- baton.groups -------------------------------------------------------- */

/* Pushes the members of group name (of school only, when not NULL), or
 * the nil, msg, code triple; returns how many values it pushed. */
static int push_members(lua_State *L, baton_store_t *s, const char *name,
                        const char *school) {
  lua_newtable(L);
  int err = baton_group_members(s, name, append_person, L);
  if (err > 0)
    return lua_error(L); /* append_row's */
  if (err != 0)
    return push_fail(L, err, baton_store_last_error(s));
  if (school != NULL && keep_school(L, s, school) != 0)
    return 3;
  return 1;
}

/* baton.groups.members(name) -> array of people with role_in_group; of
 * the school seen only (scope_of). */
static int l_groups_members(lua_State *L) {
  const char *name =
      baton__lua_checkcstring(L, 1, "baton.groups.members", "name");
  baton_store_t *s = store_of(L, NULL);
  if (s == NULL)
    return 3;
  const char *school = scope_of(L);
  int yes = 1;
  if (school != NULL && baton_group_in_school(s, name, school, &yes) != 0)
    return push_fail(L, BATON_ESTORE, baton_store_last_error(s));
  if (!yes)
    return baton__lua_fail(L, "ENOTFOUND",
                           "no group '%s' in school '%s' (this request sees "
                           "only its own school)",
                           name, school);
  return push_members(L, s, name, school);
}

static void push_group_row(lua_State *L, const void *row) {
  const baton_group_t *g = row;
  lua_createtable(L, 0, 3);
  set_str(L, "name", g->name);
  set_str(L, "kind", g->kind);
  lua_pushinteger(L, (lua_Integer)g->members);
  lua_setfield(L, -2, "members");
}

static int append_group(const baton_group_t *g, void *ud) {
  return append_row(ud, push_group_row, g);
}

/* baton.groups.list() -> array of {name, kind, members}. */
static int l_groups_list(lua_State *L) {
  baton_store_t *s = store_of(L, NULL);
  if (s == NULL)
    return 3;
  lua_newtable(L);
  int err = baton_groups_each(s, append_group, L);
  if (err > 0)
    return lua_error(L); /* append_row's */
  if (err != 0)
    return push_fail(L, err, baton_store_last_error(s));
  const char *school = scope_of(L);
  if (school == NULL)
    return 1;
  /* The school's groups, each with the number of its members there. */
  int arr = lua_gettop(L);
  lua_Integer n = (lua_Integer)lua_rawlen(L, arr), j = 0;
  for (lua_Integer i = 1; i <= n; i++) {
    lua_rawgeti(L, arr, i);
    lua_getfield(L, -1, "name");
    const char *name = lua_tostring(L, -1); /* anchored in the row */
    int yes = 0;
    if (baton_group_in_school(s, name, school, &yes) != 0)
      return push_fail(L, BATON_ESTORE, baton_store_last_error(s));
    if (yes) {
      if (push_members(L, s, name, school) != 1)
        return 3;
      lua_Integer members = (lua_Integer)lua_rawlen(L, -1);
      lua_pop(L, 2);
      lua_pushinteger(L, members);
      lua_setfield(L, -2, "members");
      lua_rawseti(L, arr, ++j);
    } else {
      lua_pop(L, 2);
    }
  }
  cut_after(L, arr, j, n);
  return 1;
}

/* ---- baton.events -------------------------------------------------------- */

/* An optional string field of the table at idx, or NULL; fn names the
 * call in errors. */
static const char *opt_field(lua_State *L, int idx, const char *k,
                             const char *fn) {
  lua_getfield(L, idx, k);
  const char *v = NULL;
  if (!lua_isnil(L, -1)) {
    if (lua_type(L, -1) != LUA_TSTRING)
      luaL_error(L, "%s: field '%s' must be a string", fn, k);
    v = baton__lua_checkcstring(L, -1, fn, k);
  }
  lua_pop(L, 1); /* the string stays alive in the table */
  return v;
}

typedef struct {
  char *data; /* the event's data as JSON text */
  char *err;  /* why it has none */
} events_box_t;

static void release_events(void *data) {
  events_box_t *b = data;
  free(b->data);
  free(b->err);
}

/* baton.events.log{kind = "mentor.pair", subject = "T001", data = {...},
 * actor = "..."} -> id. The plugin is recorded as the writer. */
static int l_events_log(lua_State *L) {
  const char *fn = "baton.events.log";
  baton__lua_checktype(L, 1, LUA_TTABLE, "baton.events.log", "the event");
  const char *kind = opt_field(L, 1, "kind", fn);
  if (kind == NULL || *kind == '\0')
    return luaL_error(L, "baton.events.log: kind is required, e.g. "
                         "{kind = 'mentor.pair', subject = id}");
  const char *subject = opt_field(L, 1, "subject", fn);
  const char *actor = opt_field(L, 1, "actor", fn);
  /* None given: whom the running code acts for (the signed-in person of
   * baton serve who ran the command or asked the route), if anyone. */
  if (actor == NULL)
    actor = baton__reach_actor(baton__reach_now(L));
  /* The JSON text and jansson's complaint, boxed: a raise below (the
   * message, the store's failure triple) must not leak them. */
  events_box_t *box = baton__lua_box(L, sizeof *box, release_events);
  int boxed = lua_gettop(L);
  if (lua_getfield(L, 1, "data") != LUA_TNIL) {
    /* jansson's copy counts against the plugin's memory. */
    baton_json_budget_t b;
    baton__json_budget_open(&b, baton__plugin_of(L));
    json_t *j = baton__lua_to_json(L, -1, &box->err);
    if (j != NULL)
      box->data =
          json_dumps(j, JSON_COMPACT | JSON_ENCODE_ANY | JSON_SORT_KEYS);
    json_decref(j);
    if (baton__json_budget_close(&b))
      return baton__json_budget_exceeded(L, baton__plugin_of(L), fn);
    if (box->data == NULL)
      return luaL_error(L, "baton.events.log: data cannot be stored: %s",
                        box->err ? box->err : "not JSON");
  }
  lua_pop(L, 1);
  baton_plugin_t *p;
  baton_store_t *s = store_of(L, &p);
  if (s == NULL)
    return 3;
  long long id;
  int err = baton_events_log(s, p->name, actor, kind, subject, box->data, &id);
  baton__lua_box_close(L, boxed);
  if (err != 0)
    return push_fail(L, err, baton_store_last_error(s));
  baton__hooks_logged(L, (long long)id, kind); /* lua_hooks.c */
  lua_pushinteger(L, (lua_Integer)id);
  return 1;
}

static void push_event_row(lua_State *L, const void *row) {
  const baton_event_t *e = row;
  lua_createtable(L, 0, 7);
  lua_pushinteger(L, (lua_Integer)e->id);
  lua_setfield(L, -2, "id");
  set_str(L, "at", e->at);
  set_str(L, "actor", e->actor);
  set_str(L, "plugin", e->plugin);
  set_str(L, "kind", e->kind);
  set_str(L, "subject", e->subject);
  push_json_text(L, e->data, "baton.events.list");
  lua_setfield(L, -2, "data");
}

static int append_event(const baton_event_t *e, void *ud) {
  return append_row(ud, push_event_row, e);
}

int baton__lua_append_event(const baton_event_t *e, void *ud) {
  return append_event(e, ud);
}

/* The most conditions on data one baton.events.list may hold. */
#define EVENT_DATA_MAX 16

/* Reads q.data (the table at idx) into m, raising for a key that is not
 * a field name or a value that is not a string, number or boolean.
 * Returns how many; the strings stay alive in the table. */
static size_t event_data(lua_State *L, int idx, baton_event_match_t *m,
                         const char *fn) {
  size_t n = 0;
  idx = lua_absindex(L, idx);
  for (lua_pushnil(L); lua_next(L, idx) != 0; lua_pop(L, 1)) {
    if (lua_type(L, -2) != LUA_TSTRING)
      luaL_error(L,
                 "%s: the keys of data are field names (data = { mentee "
                 "= 'T001' }); found a %s key",
                 fn, luaL_typename(L, -2));
    if (n == EVENT_DATA_MAX)
      luaL_error(L, "%s: at most %d conditions on data", fn, EVENT_DATA_MAX);
    const char *k = baton__lua_checkcstring(L, -2, fn, "a key of data");
    for (const char *c = k; *c; c++)
      if (!((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') ||
            (*c >= '0' && *c <= '9') || *c == '_' ||
            (*c == '.' && c != k && c[1] != '.' && c[1] != '\0')))
        luaL_error(L,
                   "%s: data key '%s' is not a field name: write letters, "
                   "digits and '_', with dots for a nested field "
                   "(\"pair.mentor\")",
                   fn, k);
    if (*k == '\0')
      luaL_error(L, "%s: data key '' is not a field name", fn);
    m[n] = (baton_event_match_t){.key = k};
    switch (lua_type(L, -1)) {
    case LUA_TSTRING:
      m[n].type = BATON_MATCH_TEXT;
      m[n].text = baton__lua_checkcstring(L, -1, fn, k);
      break;
    case LUA_TNUMBER:
      if (lua_isinteger(L, -1)) {
        m[n].type = BATON_MATCH_INTEGER;
        m[n].integer = (long long)lua_tointeger(L, -1);
      } else {
        m[n].type = BATON_MATCH_NUMBER;
        m[n].number = lua_tonumber(L, -1);
      }
      break;
    case LUA_TBOOLEAN:
      m[n].type = BATON_MATCH_BOOLEAN;
      m[n].integer = lua_toboolean(L, -1);
      break;
    default:
      luaL_error(L,
                 "%s: data.%s must be a string, number or boolean to "
                 "compare with, not a %s",
                 fn, k, luaL_typename(L, -1));
    }
    n++;
  }
  return n;
}

/* Of an event (the table at row), whose id field `field` names: 1 when a
 * person of the school (a key of the set at set), -1 when a person of
 * another school, 0 when no person. others memoises the lookups. */
static int event_person(lua_State *L, baton_store_t *s, int row, int set,
                        int others, const char *field) {
  if (in_set(L, row, set, field))
    return 1;
  if (lua_getfield(L, row, field) != LUA_TSTRING) {
    lua_pop(L, 1);
    return 0;
  }
  const char *id = lua_tostring(L, -1);
  if (lua_getfield(L, others, id) == LUA_TNIL) {
    lua_pop(L, 1);
    char *of = NULL;
    int err = baton_person_school(s, id, &of);
    free(of);
    if (err != 0 && err != BATON_ENOTFOUND)
      return luaL_error(L, "baton.events.list: %s", baton_store_last_error(s));
    lua_pushboolean(L, err == 0);
    lua_pushvalue(L, -1);
    lua_setfield(L, others, id);
  }
  int person = lua_toboolean(L, -1);
  lua_pop(L, 2);
  return person ? -1 : 0;
}

/* [events] -> [events]: only the events of school. An event belongs to
 * the school of its subject when that is a person; else to its actor's
 * (who did it) when a person; else (the command line, about no person)
 * to the school '' (a single-school database's one school, no school of
 * a district's: only district accounts see it). Returns 1, or 3 with the
 * failure triple pushed. */
static int keep_school_events(lua_State *L, baton_store_t *s,
                              const char *school) {
  int arr = lua_gettop(L);
  if (push_school_ids(L, s, school) != 0)
    return 3;
  lua_newtable(L); /* others: id -> is a person (of another school) */
  int set = arr + 1, others = arr + 2;
  lua_Integer n = (lua_Integer)lua_rawlen(L, arr), j = 0;
  for (lua_Integer i = 1; i <= n; i++) {
    lua_rawgeti(L, arr, i);
    int row = lua_gettop(L);
    int of = event_person(L, s, row, set, others, "subject");
    if (of == 0)
      of = event_person(L, s, row, set, others, "actor");
    if (of == 1 || (of == 0 && *school == '\0'))
      lua_rawseti(L, arr, ++j);
    else
      lua_pop(L, 1);
  }
  cut_after(L, arr, j, n);
  lua_settop(L, arr);
  return 1;
}

/* baton.events.list{kind =, subject =, plugin =, since =, until =,
 * data = {field = value}, order = "oldest" | "newest", limit =} -> array
 * of events in that order; limit keeps the first in it (the oldest, or
 * the newest). */
static int l_events_list(lua_State *L) {
  static const char *const options[] = {"kind",  "subject", "plugin",
                                        "since", "until",   "data",
                                        "order", "limit",   NULL};
  const char *fn = "baton.events.list";
  if (lua_isnoneornil(L, 1))
    lua_newtable(L), lua_replace(L, 1);
  baton__lua_checktype(L, 1, LUA_TTABLE, fn, "the query");
  baton__lua_checkoptions(L, 1, fn, options);
  baton_event_query_t q = {0};
  q.kind = opt_field(L, 1, "kind", fn);
  q.subject = opt_field(L, 1, "subject", fn);
  q.plugin = opt_field(L, 1, "plugin", fn);
  q.since = opt_field(L, 1, "since", fn);
  q.until = opt_field(L, 1, "until", fn);
  const char *order = opt_field(L, 1, "order", fn);
  if (order != NULL && strcmp(order, "oldest") != 0 &&
      strcmp(order, "newest") != 0)
    return luaL_error(L,
                      "%s: order must be \"oldest\" (oldest first, the "
                      "default) or \"newest\" (newest first), not '%s'",
                      fn, order);
  q.newest_first = order != NULL && strcmp(order, "newest") == 0;
  if (lua_getfield(L, 1, "limit") != LUA_TNIL)
    q.limit = (size_t)baton__lua_checkint(L, -1, fn, "limit", 0,
                                          LUA_MAXINTEGER); /* 0: all */
  lua_pop(L, 1);
  baton_event_match_t data[EVENT_DATA_MAX];
  int t = lua_getfield(L, 1, "data"); /* stays on the stack: its strings */
  if (t == LUA_TTABLE)
    q.ndata = event_data(L, -1, data, fn);
  else if (t != LUA_TNIL)
    return luaL_error(L,
                      "%s: data must be a table of fields to match "
                      "(data = { mentee = 'T001' }), not a %s",
                      fn, luaL_typename(L, -1));
  q.data = data;
  baton_store_t *s = store_of(L, NULL);
  if (s == NULL)
    return 3;
  lua_newtable(L);
  int err = baton_events_query(s, &q, append_event, L);
  if (err > 0)
    return lua_error(L); /* append_row's */
  if (err != 0)
    return push_fail(L, err, baton_store_last_error(s));
  const char *school = scope_of(L);
  return school == NULL ? 1 : keep_school_events(L, s, school);
}

/* ---- baton.store: a plugin's own SQL ------------------------------------- */

/* The prefix of the running plugin's tables: its name in lower case with
 * anything but letters, digits and _ made _, and a script's ".lua"
 * dropped ("rota" -> rota_*, "term-plan.lua" -> term_plan_*). Kept in the
 * registry so it is computed once per state. */
static const char *table_prefix(lua_State *L, baton_plugin_t *p) {
  static const char key = 0;
  if (lua_rawgetp(L, LUA_REGISTRYINDEX, &key) == LUA_TSTRING) {
    const char *v = lua_tostring(L, -1); /* anchored in the registry */
    lua_pop(L, 1);
    return v;
  }
  lua_pop(L, 1);
  size_t n = strlen(p->name);
  if (n > 4 && strcmp(p->name + n - 4, ".lua") == 0)
    n -= 4;
  luaL_Buffer b;
  luaL_buffinit(L, &b);
  for (size_t i = 0; i < n; i++) {
    char c = p->name[i];
    if (c >= 'A' && c <= 'Z')
      c = (char)(c - 'A' + 'a');
    else if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')))
      c = '_';
    luaL_addchar(&b, c);
  }
  luaL_pushresult(&b);
  lua_pushvalue(L, -1);
  lua_rawsetp(L, LUA_REGISTRYINDEX, &key);
  const char *v = lua_tostring(L, -1);
  lua_pop(L, 1);
  return v;
}

/* The longest text or blob a plugin's SQL may make or store. */
#define PLUGIN_SQL_MAX_LENGTH (16u << 20)
/* SQL gets at least this much memory even when the plugin's Lua code has
 * used nearly all of its limit, so a small query can still run. */
#define PLUGIN_SQL_MIN_HEAP (1u << 20)

/* Asked by the store every 100 steps of a plugin's statement: whether
 * the plugin's call is being ended (time limit, memory, Ctrl-C, unload),
 * so a slow query stops with the call instead of holding the loop. */
static int plugin_stopping(void *ud) {
  baton_plugin_t *p = ud;
  return __atomic_load_n(&p->kill, __ATOMIC_SEQ_CST) != 0;
}

/* What is left of the running call's time limit, in ms (at least 1), for
 * PostgreSQL's statement_timeout: there the loop thread waits in libpq for
 * the server's answer, so neither the progress handler nor the watchdog's
 * kill reaches a statement that never ends. 0 when the call has no limit;
 * PLUGIN_SQL_LOAD_TIMEOUT_MS outside a task (a plugin's load). */
#define PLUGIN_SQL_LOAD_TIMEOUT_MS 60000u
static unsigned time_left_ms(lua_State *L) {
  baton_task_t *t = baton__task_of(L);
  if (t == NULL)
    return PLUGIN_SQL_LOAD_TIMEOUT_MS;
  if (t->deadline == 0)
    return 0;
  uint64_t now = uv_hrtime();
  return now >= t->deadline ? 1u
                            : (unsigned)((t->deadline - now) / 1000000u) + 1u;
}

/* PostgreSQL's work_mem for a plugin's statement: its default, whatever a
 * district's server gives its own work. */
#define PLUGIN_SQL_WORK_MEM (4u << 20)

/* The bounds of a statement of plugin p: SQLite's allocations for it count
 * against what is left of p's memory limit, values are at most
 * PLUGIN_SQL_MAX_LENGTH, it stops when p's call is killed. On PostgreSQL
 * the same limits hold in the client (a result's bytes against the memory
 * left, its values and parameters against the length; a kill cancels the
 * statement on the server), and on the server it ends with the call's
 * time limit, sorts with PLUGIN_SQL_WORK_MEM of memory, and its temporary
 * files may take as much disk as p may take memory (temp_file_limit,
 * when baton's role may set it). */
static baton_store_bounds_t bounds_of(lua_State *L, baton_plugin_t *p) {
  size_t room = p->mem_limit > p->mem ? p->mem_limit - p->mem : 0;
  return (baton_store_bounds_t){
      .heap = p->mem_limit == 0            ? 0
              : room < PLUGIN_SQL_MIN_HEAP ? PLUGIN_SQL_MIN_HEAP
                                           : room,
      .max_length = PLUGIN_SQL_MAX_LENGTH,
      .timeout_ms = time_left_ms(L),
      .work_mem = PLUGIN_SQL_WORK_MEM,
      .temp_bytes = p->mem_limit,
      .stop = plugin_stopping,
      .ud = p,
  };
}

/* After a plugin statement failed with rc: when it ran out of its memory
 * bound, the plugin is out of memory, which is final for the call as in
 * Lua (the kill hook then ends it with the memory-limit message); a
 * statement the progress handler interrupted was stopped by a kill
 * already armed. */
static void sql_limit_hit(baton_plugin_t *p, baton_store_t *s, int rc) {
  if ((rc & 0xff) == SQLITE_NOMEM && s->bounds.heap > 0)
    baton__sandbox_kill(p, BATON_ENOMEM);
}

/* A plugin statement in progress, boxed in a to-be-closed userdata (the
 * idea of lauxlib's UBox): whatever raises between auth_begin and the end
 * of the statement (a refusal, an out-of-memory while rows are pushed, the
 * kill hook of a limit), closing the box finalizes the statement and ends
 * the authorizer's and the bounds' hold on the connection, so the core's
 * next statement never runs as the plugin or under its heap limit. */
typedef struct {
  baton_store_t *s;
  baton__sql_stmt_t *st;
} stmt_box_t;

static void stmt_box_release(void *data) {
  stmt_box_t *b = data;
  baton__sql_finalize(b->st);
  baton__store_auth_end(b->s);
}

/* Pushes an empty box, marked to be closed when the C function returns or
 * raises. [box] */
static stmt_box_t *push_box(lua_State *L, baton_store_t *s) {
  stmt_box_t *b = baton__lua_box(L, sizeof *b, NULL);
  b->s = s;
  lua_toclose(L, -1);
  return b;
}

/* The file and line of the plugin's Lua code that called baton.store (the
 * first frame of a file with a line) and, since that is often a helper
 * (`local function exec(sql, ...)`), the one that called it:
 * "store.lua:19, called from store.lua:207". Into buf. */
static void caller_where(lua_State *L, char *buf, size_t n) {
  lua_Debug ar;
  int found = 0;
  size_t used = 0;
  for (int level = 1; found < 2 && lua_getstack(L, level, &ar); level++)
    if (lua_getinfo(L, "Sl", &ar) && ar.currentline > 0 &&
        ar.source[0] == '@' && used < n) {
      int w = snprintf(buf + used, n - used, "%s%s:%d",
                       found ? ", called from " : "", ar.source + 1,
                       ar.currentline);
      used += w > 0 ? (size_t)w : 0;
      found++;
    }
  if (!found)
    snprintf(buf, n, "(unknown file)");
}

/* Under `baton test` on SQLite: prints the warning for SQL outside the
 * portable subset (why), once per plugin, place and statement in the whole
 * run. */
static void warn_not_portable(lua_State *L, baton_plugin_t *p,
                              baton_test_counts_t *c, const char *sql,
                              const char *what, const char *why) {
  char where[2 * PATH_MAX + 64];
  caller_where(L, where, sizeof where);
  char *key = baton__asprintf("%s\n%s\n%s", p->name, where, sql);
  if (key == NULL)
    return;
  for (size_t i = 0; i < c->nwarned; i++)
    if (strcmp(c->warned[i], key) == 0) {
      free(key);
      return;
    }
  char **w = realloc(c->warned, (c->nwarned + 1) * sizeof *w);
  if (w == NULL) {
    free(key);
    return;
  }
  c->warned = w;
  c->warned[c->nwarned++] = key;
  fprintf(c->out,
          "  warn  plugin '%s', %s: this SQL would be refused on "
          "PostgreSQL: %s%s\n",
          p->name, where, what, why);
}

/* Whether sql is in the portable subset, as the plugin's engine needs
 * it: on PostgreSQL SQL outside it raises (the plugin's mistake) with the
 * sentence, prefixed by `what` (e.g. "step 2 of baton.store.migrate: ");
 * on SQLite it runs, with a warning under `baton test`. Returns 1 on
 * PostgreSQL, 0 on SQLite. */
static int portable_gate(lua_State *L, baton_store_t *s, baton_plugin_t *p,
                         const char *sql, const char *what) {
  int pg = baton__sql_engine(s->sql) == BATON_SQL_POSTGRES;
  baton_test_counts_t *tc = NULL;
  if (lua_rawgetp(L, LUA_REGISTRYINDEX, &baton__test_counts_key) ==
      LUA_TLIGHTUSERDATA)
    tc = lua_touserdata(L, -1);
  lua_pop(L, 1);
  if (!pg && tc == NULL)
    return 0;
  void **slot = baton__lua_box(L, sizeof *slot, baton__lua_box_free);
  *slot = baton__sql_portable_check(sql);
  if (*slot != NULL && pg) {
    char where[2 * PATH_MAX + 64];
    caller_where(L, where, sizeof where);
    if (tc != NULL && tc->refused == NULL) /* baton test --db: fails the test */
      tc->refused = baton__asprintf("plugin '%s' ran SQL that is refused on "
                                    "PostgreSQL (at %s): %s%s",
                                    p->name, where, what, (char *)*slot);
    luaL_error(L,
               "baton.store: plugin '%s' ran SQL that is refused on "
               "PostgreSQL (at %s): %s%s",
               p->name, where, what, (char *)*slot);
  }
  if (*slot != NULL)
    warn_not_portable(L, p, tc, sql, what, *slot);
  lua_pop(L, 1); /* the box frees the sentence */
  return pg;
}

/* The SQL a plugin statement runs as: on SQLite, sql as it is (nothing
 * pushed); on PostgreSQL (after portable_gate, with `what`) rewritten to
 * PostgreSQL's types and, for baton.store.insert, returning the new row;
 * the text is pushed (with its box below it) and anchored there. */
static const char *portable_sql(lua_State *L, baton_store_t *s,
                                baton_plugin_t *p, const char *sql,
                                const char *what, int insert) {
  if (!portable_gate(L, s, p, sql, what))
    return sql;
  void **slot = baton__lua_box(L, sizeof *slot, baton__lua_box_free);
  *slot = baton__sql_portable_rewrite(BATON_SQL_POSTGRES, sql);
  if (*slot != NULL && insert) {
    char *r = baton__sql_portable_returning(*slot);
    free(*slot);
    *slot = r;
  }
  if (*slot == NULL)
    luaL_error(L, "baton.store: out of memory");
  lua_pushstring(L, *slot);
  return lua_tostring(L, -1);
}

/* Prepares sql (at first - 1) as the running plugin, within the plugin's
 * bounds, and binds the arguments from index `first` to the top of the
 * stack. The statement lives in a box pushed on top, which run() closes.
 * Raises a Lua error naming the refused table or the SQL mistake (the box
 * cleans up as the error unwinds). insert: the statement is
 * baton.store.insert's, which must give the new row's id. */
static stmt_box_t *prepare(lua_State *L, baton_store_t *s, baton_plugin_t *p,
                           const char *who, int first, const char *fn,
                           int insert) {
  const char *sql = baton__lua_checkcstring(L, first - 1, fn, "the SQL");
  int n = lua_gettop(L) - first + 1; /* the values to bind */
  sql = portable_sql(L, s, p, sql, "", insert);
  stmt_box_t *box = push_box(L, s);
  baton_store_bounds_t b = bounds_of(L, p);
  baton__store_auth_begin(s, who, &b);
  baton__lua_box_arm(box, stmt_box_release);
  /* The plugin's role or bounds could not be taken (PostgreSQL): its
   * statement never runs without them. */
  if (s->auth_err != NULL)
    luaL_error(L, "baton.store: %s", s->auth_err);
  const char *tail = NULL;
  int rc = baton__sql_prepare_tail(s->sql, sql, &box->st, &tail);
  if (rc != SQLITE_OK || box->st == NULL) {
    sql_limit_hit(p, s, rc);
    luaL_error(L, "baton.store: %s",
               rc != SQLITE_OK || s->auth_err
                   ? baton__store_plugin_errmsg(s, rc)
                   : "empty SQL");
  }
  baton__sql_stmt_t *st = box->st;
  while (*tail == ' ' || *tail == '\n' || *tail == '\t' || *tail == '\r' ||
         *tail == ';')
    tail++;
  if (*tail)
    luaL_error(L, "baton.store: one statement per call (use "
                  "baton.store.migrate for a script of several)");
  if (n != baton__sql_bind_parameter_count(st))
    luaL_error(L,
               "baton.store: the SQL has %d parameters but %d values "
               "were given",
               baton__sql_bind_parameter_count(st), n);
  for (int i = 0; i < n; i++) {
    int idx = first + i, brc = SQLITE_OK;
    switch (lua_type(L, idx)) {
    case LUA_TNIL:
      brc = baton__sql_bind_null(st, i + 1);
      break;
    case LUA_TBOOLEAN:
      brc = baton__sql_bind_int64(st, i + 1, lua_toboolean(L, idx));
      break;
    case LUA_TNUMBER:
      if (lua_isinteger(L, idx))
        brc =
            baton__sql_bind_int64(st, i + 1, (long long)lua_tointeger(L, idx));
      else
        brc = baton__sql_bind_double(st, i + 1, lua_tonumber(L, idx));
      break;
    case LUA_TSTRING: {
      size_t len;
      const char *v = lua_tolstring(L, idx, &len);
      brc = baton__sql_bind_text_copy(st, i + 1, v, (int)len);
      break;
    }
    default:
      luaL_error(L,
                 "baton.store: value %d is a %s; bind strings, numbers, "
                 "booleans or nil (encode tables with baton.json.encode)",
                 i + 1, luaL_typename(L, idx));
    }
    /* A value that could not be copied (out of memory) would be NULL in
     * the row: the statement must not run. */
    if (brc != SQLITE_OK)
      luaL_error(L, "baton.store: cannot bind value %d: %s", i + 1,
                 sqlite3_errstr(brc));
  }
  return box;
}

static void push_column(lua_State *L, baton__sql_stmt_t *st, int i) {
  switch (baton__sql_column_type(st, i)) {
  case SQLITE_INTEGER:
    lua_pushinteger(L, (lua_Integer)baton__sql_column_int64(st, i));
    break;
  case SQLITE_FLOAT:
    lua_pushnumber(L, baton__sql_column_double(st, i));
    break;
  case SQLITE_NULL:
    lua_pushnil(L);
    break;
  default:
    lua_pushlstring(L, (const char *)baton__sql_column_text(st, i),
                    (size_t)baton__sql_column_bytes(st, i));
  }
}

/* A row that baton.store.insert's RETURNING gave on PostgreSQL
 * (baton__sql_portable_returning): when the row is new (not one that ON
 * CONFLICT DO UPDATE changed), *inserted is set and *id is its `id`
 * column, if it has an integer one. The last such row wins, as SQLite's
 * last_insert_rowid. */
static void returned_row(baton__sql_stmt_t *st, long long *id, int *inserted) {
  int nc = baton__sql_column_count(st), fresh = 1;
  long long v = 0;
  for (int i = 0; i < nc; i++) {
    const char *name = baton__sql_column_name(st, i);
    if (strcmp(name, BATON_SQL_INSERTED) == 0)
      fresh = baton__sql_column_int64(st, i) != 0;
    else if (strcmp(name, "id") == 0 &&
             baton__sql_column_type(st, i) == SQLITE_INTEGER)
      v = baton__sql_column_int64(st, i);
  }
  if (fresh) {
    *inserted = 1;
    *id = v;
  }
}

/* Runs the boxed statement (on top of the stack) to the end, collecting
 * rows into an array when rows > 0 (at most `max` rows; 0 = all), then
 * closes the box. Its result: the rows; the number of rows changed (rows
 * 0, exec); the inserted row's id or false (rows -1, insert). Returns 1
 * result, or the nil, msg, code triple for a
 * failure (constraint, busy); an error raised while rows are pushed
 * (out of memory) unwinds through the box, which cleans up. */
static int run(lua_State *L, baton_store_t *s, baton_plugin_t *p,
               stmt_box_t *box, int rows, int max) {
  int boxed = lua_gettop(L);
  baton__sql_stmt_t *st = box->st;
  if (rows > 0)
    lua_newtable(L);
  /* Zero, so that afterwards a non-zero rowid means this statement
   * inserted a row (a trigger's inserts do not change it). */
  if (s->db != NULL)
    sqlite3_set_last_insert_rowid(s->db, 0);
  int rc, n = 0;
  long long returned = 0; /* PostgreSQL's insert: the new row's id */
  int inserted = 0;       /* and whether it inserted one */
  while ((rc = baton__sql_step(st)) == SQLITE_ROW) {
    if (rows < 0)
      returned_row(st, &returned, &inserted);
    if (rows <= 0 || (max && n >= max))
      continue;
    int nc = baton__sql_column_count(st);
    lua_createtable(L, 0, nc);
    for (int i = 0; i < nc; i++) {
      push_column(L, st, i);
      lua_setfield(L, -2, baton__sql_column_name(st, i));
    }
    lua_rawseti(L, -2, ++n);
  }
  if (rc != SQLITE_DONE) {
    sql_limit_hit(p, s, rc);
    if (baton__store_pg(s) && (rc & 0xff) == SQLITE_AUTH) {
      /* a refusal raises on both engines: SQLite's authorizer refuses at
       * prepare (above), PostgreSQL's privileges when the statement runs */
      baton__store_fail_sqlite(s, rc, "baton.store");
      lua_closeslot(L, boxed);
      return luaL_error(L, "%s", baton_store_last_error(s));
    }
    int err = (rc & 0xff) == SQLITE_TOOBIG
                  ? baton__store_fail(s, BATON_EINVAL,
                                      "a value made by the SQL is longer "
                                      "than %u MiB, the limit for a "
                                      "plugin's text and blobs: keep large "
                                      "data in files (baton.fs)",
                                      PLUGIN_SQL_MAX_LENGTH >> 20)
                  : baton__store_fail_sqlite(s, rc, "SQL failed");
    lua_closeslot(L, boxed);
    return push_fail(L, err, baton_store_last_error(s));
  }
  if (rows == 0)
    lua_pushinteger(L, baton__sql_changes(s->sql));
  if (rows < 0 && s->db == NULL) { /* PostgreSQL: what RETURNING gave */
    if (returned != 0)
      lua_pushinteger(L, (lua_Integer)returned);
    else
      lua_pushboolean(L, inserted);
  } else if (rows < 0) { /* insert: the new row's id, or false */
    long long id = sqlite3_last_insert_rowid(s->db);
    if (id != 0 && baton__sql_changes(s->sql) > 0)
      lua_pushinteger(L, (lua_Integer)id);
    else
      lua_pushboolean(L, 0);
  }
  lua_closeslot(L, boxed);
  return 1;
}

/* Runs body, one of the three calls below, in a protected call: an error
 * raised half-way (a refusal, an out-of-memory while rows are pushed)
 * closes the statement's box here, before the error goes on. A task's
 * coroutine that dies by an error does not close its to-be-closed values,
 * so without this the core's next statement would run as the plugin, under
 * its heap bound. The error is raised again with the caller's position. */
static int protected_store_call(lua_State *L, lua_CFunction body) {
  int n = lua_gettop(L);
  lua_pushcfunction(L, body);
  lua_insert(L, 1);
  if (lua_pcall(L, n, LUA_MULTRET, 0) == LUA_OK)
    return lua_gettop(L);
  if (lua_type(L, -1) == LUA_TSTRING) {
    luaL_where(L, 1);
    lua_insert(L, -2);
    lua_concat(L, 2);
  }
  return lua_error(L);
}

static int store_exec(lua_State *L) {
  baton_plugin_t *p;
  baton_store_t *s = store_of(L, &p);
  if (s == NULL)
    return 3;
  return run(L, s, p,
             prepare(L, s, p, table_prefix(L, p), 2, "baton.store.exec", 0), 0,
             0);
}

static int store_insert(lua_State *L) {
  baton_plugin_t *p;
  baton_store_t *s = store_of(L, &p);
  if (s == NULL)
    return 3;
  return run(L, s, p,
             prepare(L, s, p, table_prefix(L, p), 2, "baton.store.insert", 1),
             -1, 0);
}

static int store_query(lua_State *L) {
  baton_plugin_t *p;
  baton_store_t *s = store_of(L, &p);
  if (s == NULL)
    return 3;
  return run(L, s, p,
             prepare(L, s, p, table_prefix(L, p), 2, "baton.store.query", 0), 1,
             0);
}

static int store_first(lua_State *L) {
  baton_plugin_t *p;
  baton_store_t *s = store_of(L, &p);
  if (s == NULL)
    return 3;
  int r = run(L, s, p,
              prepare(L, s, p, table_prefix(L, p), 2, "baton.store.first", 0),
              1, 1);
  if (r != 1)
    return r;
  lua_rawgeti(L, -1, 1);
  return 1;
}

/* baton.store.exec(sql, ...) -> number of rows changed. */
static int l_store_exec(lua_State *L) {
  return protected_store_call(L, store_exec);
}

/* baton.store.insert(sql, ...) -> the rowid of the row the statement
 * inserted, or false when it inserted none (INSERT OR IGNORE, ON CONFLICT
 * DO NOTHING or DO UPDATE). A second result of exec would have been read
 * as an error by plugins that write `local n, err = baton.store.exec(...)`. */
static int l_store_insert(lua_State *L) {
  return protected_store_call(L, store_insert);
}

/* baton.store.query(sql, ...) -> array of rows keyed by column name. */
static int l_store_query(lua_State *L) {
  return protected_store_call(L, store_query);
}

/* baton.store.first(sql, ...) -> the first row, or nil. */
static int l_store_first(lua_State *L) {
  return protected_store_call(L, store_first);
}

/* baton.store.json(column, key) -> the SQL text of "the value of key in
 * the JSON of column, as text" on the store's engine, to put in a
 * statement: CAST(json_extract(data, '$.kind') AS TEXT) on SQLite,
 * (data::jsonb #>> '{kind}') on PostgreSQL. column and key are names, never
 * values from users: anything but letters, digits, '_' and inner dots
 * raises. */
static int l_store_json(lua_State *L) {
  const char *fn = "baton.store.json";
  const char *column = baton__lua_checkcstring(L, 1, fn, "the column");
  const char *key = baton__lua_checkcstring(L, 2, fn, "the key");
  baton_store_t *s = store_of(L, NULL);
  if (s == NULL)
    return 3;
  const char *why;
  void **slot = baton__lua_box(L, sizeof *slot, baton__lua_box_free);
  *slot =
      baton__sql_portable_json(baton__sql_engine(s->sql), column, key, &why);
  if (*slot == NULL)
    return luaL_error(L, "%s: %s (got column '%s', key '%s')", fn,
                      why ? why : "out of memory", column, key);
  lua_pushstring(L, *slot);
  return 1;
}

/* Ends what l_store_transaction began: the outermost transaction with
 * COMMIT or ROLLBACK, a nested one by releasing its savepoint or rolling
 * back to it. Returns 0, or the error of a commit that failed; its writes
 * are then rolled back and the store's last error says why. */
static int tx_end(baton_store_t *s, int outermost, int commit) {
  if (outermost) {
    if (commit)
      return baton__store_commit(s);
    baton__store_rollback(s);
    return 0;
  }
  int err = 0;
  if (commit) {
    err = baton__store_exec(s, "RELEASE baton_plugin_tx", "cannot commit");
    if (err == 0)
      return 0;
  }
  baton__sql_exec(s->sql,
                  "ROLLBACK TO baton_plugin_tx; RELEASE baton_plugin_tx");
  return err;
}

/* baton.store.transaction(fn, ...) -> fn's results. fn runs inside a
 * transaction: all its writes happen, or (if it raises) none. The
 * outermost one begins with BEGIN IMMEDIATE, so it takes the write lock
 * before fn reads anything: another baton writing at the same moment makes
 * it wait (the busy timeout) at the start, never fail half way when a read
 * turns into a write, and what fn reads cannot change before it writes. A
 * nested one is a savepoint. fn cannot yield, so no other code of this
 * host runs in the middle of it. A transaction that cannot start or commit
 * (locked past the busy timeout, disk full, I/O error, read-only) raises:
 * the results are fn's, so a `nil, err` return would read as fn's own and
 * the caller would report success for writes that were rolled back. */
static int l_store_transaction(lua_State *L) {
  baton__lua_checktype(L, 1, LUA_TFUNCTION, "baton.store.transaction", "fn");
  baton_store_t *s = store_of(L, NULL);
  if (s == NULL)
    return 3;
  int outermost = !baton__sql_in_transaction(s->sql);
  int err = outermost ? baton__store_begin(s)
                      : baton__store_exec(s, "SAVEPOINT baton_plugin_tx",
                                          "cannot start a transaction");
  if (err != 0)
    return luaL_error(L, "%s", baton_store_last_error(s));
  /* [fn, args...]: fn is at 1, so its results fill the whole stack. */
  if (lua_pcall(L, lua_gettop(L) - 1, LUA_MULTRET, 0) != LUA_OK) {
    tx_end(s, outermost, 0);
    return lua_error(L);
  }
  if (tx_end(s, outermost, 1) != 0)
    return luaL_error(L, "%s", baton_store_last_error(s));
  return lua_gettop(L);
}

/* baton.store.migrate{"CREATE TABLE p_x (...)", "ALTER TABLE ..."} ->
 * version. Step i runs once ever for this plugin, in order, under the
 * same rules as the plugin's other SQL. Never edit a step that has run:
 * append one. */
static int l_store_migrate(lua_State *L) {
  baton__lua_checktype(L, 1, LUA_TTABLE, "baton.store.migrate", "the steps");
  lua_Integer n = (lua_Integer)lua_rawlen(L, 1);
  if (n > 10000)
    return luaL_error(L, "baton.store.migrate: too many steps");
  const char **steps = lua_newuserdatauv(L, (size_t)(n + 1) * sizeof *steps, 0);
  for (lua_Integer i = 1; i <= n; i++) {
    if (lua_rawgeti(L, 1, i) != LUA_TSTRING)
      return luaL_error(L, "baton.store.migrate: step %d must be SQL text",
                        (int)i);
    char what[32];
    snprintf(what, sizeof what, "step %d", (int)i);
    steps[i - 1] = /* anchored by the table */
        baton__lua_checkcstring(L, -1, "baton.store.migrate", what);
    lua_pop(L, 1);
  }
  baton_plugin_t *p;
  baton_store_t *s = store_of(L, &p);
  if (s == NULL)
    return 3;
  /* Each step checked; on PostgreSQL rewritten to its types (the rewrite
   * is idempotent, so the store may apply it again), the new text
   * anchored in a table. */
  lua_newtable(L);
  for (lua_Integer i = 0; i < n; i++) {
    char what[64];
    snprintf(what, sizeof what, "step %d of baton.store.migrate: ", (int)i + 1);
    /* On PostgreSQL the text and its box are pushed; the text may be the
     * very string of the step (Lua keeps one copy of a short string), so
     * the stack, not the pointer, says whether there was a rewrite. */
    int top = lua_gettop(L);
    steps[i] = portable_sql(L, s, p, steps[i], what, 0);
    if (lua_gettop(L) > top) {
      lua_rawseti(L, -3, i + 1);
      lua_pop(L, 1); /* the box */
    }
  }
  char *component = baton__asprintf("plugin/%s", table_prefix(L, p));
  if (component == NULL)
    return luaL_error(L, "out of memory");
  baton_store_bounds_t b = bounds_of(L, p);
  int err = baton__store_migrate(s, component, table_prefix(L, p), &b, steps,
                                 (int)n, (int)n);
  if (err == BATON_ENOMEM && b.heap > 0)
    baton__sandbox_kill(p, BATON_ENOMEM);
  free(component);
  if (err == BATON_EPERM) /* refused by the authorizer: a plugin mistake */
    return luaL_error(L, "baton.store.migrate: %s", baton_store_last_error(s));
  if (err != 0)
    return push_fail(L, err, baton_store_last_error(s));
  lua_pushinteger(L, n);
  return 1;
}

/* ---- registration -------------------------------------------------------- */

static void set_funcs(lua_State *L, const char *name, const luaL_Reg *fns) {
  lua_newtable(L);
  for (; fns->name; fns++) {
    if (fns->func == l_people_find) {
      lua_newtable(L); /* upvalue: anchors for query strings */
      lua_pushcclosure(L, fns->func, 1);
    } else {
      lua_pushcfunction(L, fns->func);
    }
    lua_setfield(L, -2, fns->name);
  }
  lua_setfield(L, -2, name);
}

void baton__lua_open_store(lua_State *L, baton_plugin_t *p) {
  (void)p;
  static const luaL_Reg people[] = {
      {"find", l_people_find},         {"get", l_people_get},
      {"get_many", l_people_get_many}, {"names", l_people_names},
      {"school", l_people_school},     {"keep", l_people_keep},
      {"import", l_people_import},     {NULL, NULL}};
  static const luaL_Reg groups[] = {{"members", l_groups_members},
                                    {"list", l_groups_list},
                                    {"import", l_groups_import},
                                    {NULL, NULL}};
  static const luaL_Reg events[] = {{"log", l_events_log},
                                    {"list", l_events_list},
                                    {"on", baton__lua_events_on},
                                    {NULL, NULL}};
  static const luaL_Reg store[] = {{"exec", l_store_exec},
                                   {"insert", l_store_insert},
                                   {"query", l_store_query},
                                   {"first", l_store_first},
                                   {"transaction", l_store_transaction},
                                   {"migrate", l_store_migrate},
                                   {"json", l_store_json},
                                   {NULL, NULL}};
  set_funcs(L, "people", people); /* [baton] */
  set_funcs(L, "groups", groups);
  set_funcs(L, "events", events);
  set_funcs(L, "store", store);
}
