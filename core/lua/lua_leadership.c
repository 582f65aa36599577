/* core/lua/lua_leadership.c: baton.leadership.collect, the leadership roles
 * every practice counts, read through each practice's own route.
 *
 *   for _, p in ipairs(baton.leadership.collect{ from = "2026-09-01",
 *                                                to = "2026-12-18" }) do
 *     -- p.plugin, p.namespace, p.label, p.role, p.roles, p.period, p.error
 *   end
 *
 * A practice declares `leadership = "/api/NS/leadership"` in plugin.lua
 * (the overview sums the same answers). collect runs that GET route of
 * every such plugin as `baton serve` answers it (baton__route_call in
 * lua_http.c): in the plugin's own sandbox and memory limit, as a task
 * with a time limit of its own, its reach chained to the caller's so it
 * gets no more than the caller holds, asked with ?from=&to= when given.
 * Each answer is checked against the contract here, in C, before anything
 * reaches the caller's state. A plugin that failed to load or makes no
 * such route, a route that raised, answered something else, answered too
 * much or ran out of time: each is one entry with `error`, naming the
 * plugin and, for its code, the file and line; the others go on. A route
 * that collects in turn is a cycle: that inner call raises, so the
 * route's own entry says so. Needs the permission `leadership.read`. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "bindings.h"

/* A larger answer is refused: a leadership route counts per person, not
 * per event, so even a large district's answer is far smaller. */
#define LEADERSHIP_MAX_BYTES (1u << 20)
/* What marks the reach of a route collect runs (cycles). */
#define LEADERSHIP_MARK "leadership"

typedef struct collect_op_s collect_op_t;

typedef struct {
  collect_op_t *op;
  baton_plugin_t *p; /* borrowed; only read while the call starts */
  char *plugin, *ns, *route;
  json_t *answer; /* the checked answer: {label, role, roles, period?} */
  char *error;
} entry_t;

struct collect_op_s {
  baton_op_t op;
  int waited;
  size_t n, pending;
  entry_t *e;
};

static void collect_free(collect_op_t *c) {
  for (size_t i = 0; i < c->n; i++) {
    free(c->e[i].plugin);
    free(c->e[i].ns);
    free(c->e[i].route);
    json_decref(c->e[i].answer);
    free(c->e[i].error);
  }
  free(c->e);
  free(c);
}

/* ---- checking an answer -------------------------------------------------- */

/* 1 if s is a date YYYY-MM-DD. */
static int is_date(const char *s) {
  if (s == NULL || strlen(s) != 10 || s[4] != '-' || s[7] != '-')
    return 0;
  for (int i = 0; i < 10; i++)
    if (i != 4 && i != 7 && (s[i] < '0' || s[i] > '9'))
      return 0;
  return 1;
}

/* The name of a JSON value's kind, for messages. */
static const char *kind(const json_t *j) {
  switch (json_typeof(j)) {
  case JSON_OBJECT:
    return "a table";
  case JSON_ARRAY:
    return "a list";
  case JSON_STRING:
    return "a string";
  case JSON_INTEGER:
  case JSON_REAL:
    return "a number";
  case JSON_TRUE:
  case JSON_FALSE:
    return "a boolean";
  default:
    return "null";
  }
}

/* An optional string field of o: 0 with *out (borrowed, NULL when
 * absent), or -1 with *why (malloc'd) when it is there but not a
 * non-empty string. */
static int opt_string(json_t *o, const char *key, const char *where,
                      const char **out, char **why) {
  json_t *v = json_object_get(o, key);
  *out = NULL;
  if (v == NULL || json_is_null(v))
    return 0;
  if (!json_is_string(v) || json_string_length(v) == 0) {
    *why = baton__asprintf("%s%s is %s; it must be a non-empty string", where,
                           key, json_is_string(v) ? "empty" : kind(v));
    return -1;
  }
  *out = json_string_value(v);
  return 0;
}

/* The contract (docs/plugins.md, "leadership"): a table with `roles`, a
 * list of {person = ID, count = N >= 0, role = ?}, an optional `label`,
 * `role` and `period` = {from, to}. Returns the answer made regular
 * (`role` defaulting to the label, the label to the plugin's name, every
 * entry's `role` filled in), or NULL with *why (malloc'd). */
static json_t *check_answer(json_t *a, const char *plugin, char **why) {
  if (!json_is_object(a)) {
    *why = baton__asprintf("it answered %s, not a table", kind(a));
    return NULL;
  }
  const char *label, *role;
  if (opt_string(a, "label", "", &label, why) ||
      opt_string(a, "role", "", &role, why))
    return NULL;
  label = label ? label : plugin;
  role = role ? role : label;
  json_t *roles = json_object_get(a, "roles");
  /* An empty Lua table is sent as {}: no roles yet. */
  if (json_is_object(roles) && json_object_size(roles) == 0)
    roles = NULL;
  else if (!json_is_array(roles)) {
    *why = baton__asprintf("its roles is %s; it must be a list of { person = "
                           "ID, count = N }",
                           roles ? kind(roles) : "missing");
    return NULL;
  }
  json_t *period = json_object_get(a, "period");
  const char *from = NULL, *to = NULL;
  if (period != NULL && !json_is_null(period)) {
    from = json_string_value(json_object_get(period, "from"));
    to = json_string_value(json_object_get(period, "to"));
    if (!is_date(from) || !is_date(to) || strcmp(from, to) > 0) {
      *why = baton__strdup("its period must be { from = \"YYYY-MM-DD\", to = "
                           "\"YYYY-MM-DD\" }, from not after to");
      return NULL;
    }
  }
  json_t *list = json_array();
  json_t *out =
      json_pack("{s:s, s:s, s:o}", "label", label, "role", role, "roles", list);
  if (out == NULL ||
      (from != NULL && json_object_set_new(out, "period",
                                           json_pack("{s:s, s:s}", "from", from,
                                                     "to", to)) != 0)) {
    json_decref(out);
    *why = baton__strdup("out of memory");
    return NULL;
  }
  for (size_t i = 0; i < json_array_size(roles); i++) {
    json_t *r = json_array_get(roles, i);
    char where[48];
    snprintf(where, sizeof where, "roles[%zu].", i + 1);
    const char *person, *own;
    if (!json_is_object(r)) {
      *why = baton__asprintf("its roles[%zu] is %s; it must be { person = ID, "
                             "count = N }",
                             i + 1, kind(r));
      break;
    }
    if (opt_string(r, "person", where, &person, why) ||
        opt_string(r, "role", where, &own, why))
      break;
    json_t *count = json_object_get(r, "count");
    double n = json_number_value(count);
    if (person == NULL || !json_is_number(count) || !isfinite(n) || n < 0) {
      *why =
          baton__asprintf("its %s%s; each entry is { person = ID, count = "
                          "N } with N a number from 0 up",
                          where,
                          person == NULL ? "person is missing"
                                         : "count is not a number from 0 up");
      break;
    }
    if (json_array_append_new(list, json_pack("{s:s, s:O, s:s}", "person",
                                              person, "count", count, "role",
                                              own ? own : role)) != 0) {
      *why = baton__strdup("out of memory");
      break;
    }
  }
  if (*why != NULL) {
    json_decref(out);
    return NULL;
  }
  return out;
}

/* ---- running the routes -------------------------------------------------- */

/* The route of e answered (baton_route_answer_fn). */
static void answered(void *ud, int status, const char *type, const char *body,
                     size_t len, const char *error);

/* [] -> [list]: every entry as the caller sees it. Raises only when out
 * of memory (the caller's limit); runs protected. */
static int push_entries(lua_State *L, void *ud) {
  collect_op_t *c = ud;
  lua_createtable(L, (int)c->n, 0);
  for (size_t i = 0; i < c->n; i++) {
    entry_t *e = &c->e[i];
    if (e->answer != NULL) {
      baton__lua_push_json(L, e->answer);
    } else {
      lua_createtable(L, 0, 4);
      lua_newtable(L);
      lua_setfield(L, -2, "roles");
      lua_pushstring(L, e->error ? e->error : "no answer");
      lua_setfield(L, -2, "error");
    }
    lua_pushstring(L, e->plugin);
    lua_setfield(L, -2, "plugin");
    lua_pushstring(L, e->ns);
    lua_setfield(L, -2, "namespace");
    lua_rawseti(L, -2, (lua_Integer)i + 1);
  }
  return 1;
}

static void answered(void *ud, int status, const char *type, const char *body,
                     size_t len, const char *error) {
  entry_t *e = ud;
  collect_op_t *c = e->op;
  char *why = NULL;
  if (status == 0) {
    e->error = baton__asprintf("plugin '%s': GET %s failed: %s", e->plugin,
                               e->route, error);
  } else if (status != 200) {
    json_t *j = json_loadb(body, len, 0, NULL);
    const char *msg = json_string_value(
        json_object_get(json_object_get(j, "error"), "message"));
    why = baton__asprintf("it answered status %d%s%s", status, msg ? ": " : "",
                          msg ? msg : "");
    json_decref(j);
  } else if (type == NULL || strncmp(type, "application/json", 16) != 0) {
    why = baton__asprintf("it answered %s, not JSON", type ? type : "nothing");
  } else if (len > LEADERSHIP_MAX_BYTES) {
    why = baton__asprintf("its answer is %zu bytes, more than the %u a "
                          "leadership answer may have; count per person, "
                          "not per event",
                          len, LEADERSHIP_MAX_BYTES);
  } else {
    json_error_t je;
    json_t *j = json_loadb(body, len, JSON_DECODE_ANY, &je);
    if (j == NULL)
      why = baton__asprintf("its answer is not JSON (%s)", je.text);
    else
      e->answer = check_answer(j, e->plugin, &why);
    json_decref(j);
  }
  if (why != NULL) {
    e->error = baton__asprintf("plugin '%s': GET %s: %s; a leadership route "
                               "answers { label = ..., roles = { { person = "
                               "ID, count = N } } } (docs/plugins.md)",
                               e->plugin, e->route, why);
    free(why);
  }
  if (--c->pending > 0 || !c->waited)
    return; /* the others still run, or collect is still starting them */
  baton_task_t *waiting = c->op.task;
  if (waiting != NULL) {
    c->op.task = NULL;
    baton__task_resume(waiting, push_entries, c);
  }
  collect_free(c);
}

/* The caller was cancelled: the routes run to their own end (their
 * limits hold) and the last answer frees the op. */
static void collect_cancel(baton_op_t *op) { (void)op; }

/* The release of the box that holds the op until it waits. */
static void release_collect(void *data) {
  collect_op_t **slot = data;
  if (*slot != NULL)
    collect_free(*slot);
  *slot = NULL;
}

/* Each route's time limit: a quarter of the caller's, so that one route
 * that never ends leaves the caller time for the others and for its own
 * work, and never more than the caller has left. */
static unsigned route_limit(const baton_task_t *t, const baton_host_t *h) {
  unsigned ms = t->limit_ms ? t->limit_ms / 4 : h->opts.time_limit_ms;
  if (t->limit_ms && ms == 0)
    ms = 1;
  if (t->deadline != 0) {
    uint64_t now = uv_hrtime();
    uint64_t left = t->deadline > now ? (t->deadline - now) / 1000000u : 0;
    if (ms == 0 || left < ms)
      ms = left > 0 ? (unsigned)left : 1;
  }
  return ms;
}

/* Starts e's route (the plugin loaded first if it is not), or sets
 * e->error; counts it in c->pending while it runs. */
static void start_one(collect_op_t *c, entry_t *e, baton_reach_t *caller,
                      const char *query, unsigned limit_ms) {
  baton_plugin_t *p = e->p;
  if (p->state == BATON_PLUGIN_AVAILABLE)
    baton__plugin_load(p);
  if (p->state != BATON_PLUGIN_LOADED) {
    e->error = baton__asprintf("plugin '%s' failed to load: %s", e->plugin,
                               p->error ? p->error : "see baton plugins");
    return;
  }
  baton_reach_t *reach = baton__reach_new(p, caller);
  if (reach == NULL) {
    e->error = baton__strdup("out of memory");
    return;
  }
  baton__reach_mark(reach, LEADERSHIP_MARK);
  c->pending++;
  int r = baton__route_call(p, e->route, query, reach, limit_ms, answered, e);
  if (r == 0)
    return;
  c->pending--;
  e->error =
      r == BATON_ENOENT
          ? baton__asprintf("plugin '%s' declares leadership = \"%s\" "
                            "in %s but makes no GET route there; make "
                            "it with baton.http.route(\"GET\", \"%s\", "
                            "...) in its init.lua",
                            e->plugin, e->route, p->manifest_path, e->route)
          : baton__strdup("out of memory");
}

/* baton.leadership.collect([{from = DATE, to = DATE}]) -> list */
static int l_collect(lua_State *L) {
  static const char *const options[] = {"from", "to", NULL};
  const char *fn = "baton.leadership.collect";
  char query[64] = "";
  if (!lua_isnoneornil(L, 1)) {
    baton__lua_checktype(L, 1, LUA_TTABLE, fn, "the options");
    baton__lua_checkoptions(L, 1, fn, options);
    lua_getfield(L, 1, "from");
    lua_getfield(L, 1, "to");
    int has_from = !lua_isnil(L, -2), has_to = !lua_isnil(L, -1);
    if (has_from != has_to)
      return luaL_error(L,
                        "%s: give both from and to (a term: from = "
                        "\"2026-09-01\", to = \"2026-12-18\"), or neither",
                        fn);
    if (has_from) {
      if (baton__lua_todate(L, -2, NULL, NULL, NULL) != 0 ||
          baton__lua_todate(L, -1, NULL, NULL, NULL) != 0)
        return luaL_error(L, "%s: from and to must be dates YYYY-MM-DD", fn);
      const char *from = lua_tostring(L, -2), *to = lua_tostring(L, -1);
      if (strcmp(from, to) > 0)
        return luaL_error(L, "%s: from (%s) is after to (%s)", fn, from, to);
      snprintf(query, sizeof query, "from=%s&to=%s", from, to);
    }
    lua_pop(L, 2);
  }
  baton_reach_t *now = baton__reach_now(L);
  const char *counted = baton__reach_marked(now, LEADERSHIP_MARK);
  if (counted != NULL)
    return luaL_error(L,
                      "%s: called while the leadership route of plugin "
                      "'%s' is being counted, which would count it again "
                      "without end (a cycle); a leadership route answers "
                      "its own plugin's counts only",
                      fn, counted);
  baton__lua_need(L, BATON_PERM_LEADERSHIP_READ, fn);
  baton_task_t *t = baton__task_current(L, fn);
  baton_plugin_t *self = baton__plugin_of(L);
  baton_host_t *h = self->host;

  /* The op, boxed until it waits: pushing the result may raise. */
  collect_op_t **box = baton__lua_box(L, sizeof *box, release_collect);
  int boxed = lua_gettop(L);
  collect_op_t *c = *box = calloc(1, sizeof *c);
  size_t n = baton_host_plugin_count(h);
  if (c == NULL || (c->e = calloc(n ? n : 1, sizeof *c->e)) == NULL)
    return luaL_error(L, "%s: out of memory", fn);
  c->op.cancel = collect_cancel;
  for (size_t i = 0; i < n; i++) {
    baton_plugin_t *p = baton_host_plugin_at(h, i);
    if (p->state == BATON_PLUGIN_SHADOWED || p->m == NULL ||
        p->m->leadership == NULL)
      continue;
    entry_t *e = &c->e[c->n++];
    e->op = c;
    e->p = p;
    e->plugin = baton__strdup(p->name);
    e->ns = baton__strdup(p->m->ns);
    e->route = baton__strdup(p->m->leadership);
    if (e->plugin == NULL || e->ns == NULL || e->route == NULL)
      return luaL_error(L, "%s: out of memory", fn);
  }
  /* From here nothing raises until every route has started: an answer
   * given later refers to the op. */
  unsigned limit = route_limit(t, h);
  for (size_t i = 0; i < c->n; i++)
    start_one(c, &c->e[i], now, query, limit);
  if (c->pending == 0) {
    int nres = push_entries(L, c);
    baton__lua_box_close(L, boxed);
    return nres;
  }
  *box = NULL; /* the last answer frees it now */
  c->waited = 1;
  return baton__task_wait(L, &c->op);
}

int baton__lua_open_leadership(lua_State *L) {
  lua_createtable(L, 0, 1);
  lua_pushcfunction(L, l_collect);
  lua_setfield(L, -2, "collect");
  return 1;
}
