/* core/lua/lua_http.c: baton.http.route, a plugin's own answers in `baton
 * serve`.
 *
 * A plugin holding the `http.route` permission makes routes while its
 * init.lua loads:
 *
 *   baton.http.route("GET", "/api/mentoring/pairs/:id", function(req)
 *     return baton.json-able value [, status]
 *   end)
 *
 * A route's path lies under the plugin's own prefix (/api/NAME/ or
 * /api/NAMESPACE/), so plugins cannot answer for each other or for the
 * core. The handler runs as a task, like a command: it may wait
 * (baton.sleep, baton.fs.*, a store query), it has the host's memory
 * limit and a time limit of its own (--route-time-limit, 5 s: the loop
 * answers nobody else while Lua runs), and an error in it answers 500
 * naming the plugin while the server goes on; running out of time
 * answers 503.
 *
 * A GET route's 200 answers are kept, per path and query, for as long as
 * the data's version stays the same (as /api/people is): a dashboard
 * room asking every second runs a slow handler once per change, not once
 * per request. A route whose answer depends on anything else (the time,
 * a file, a request header) is made with {cache = false}. A route made
 * with {type = "text/calendar; charset=utf-8"} answers a string its
 * handler returns as those bytes with that Content-Type (a calendar feed);
 * any other value it returns (an error's table) is still sent as JSON.
 *
 * A handler sets its own status, headers and type by returning a table made
 * with baton.http.response{status, headers, body}: only such a table (its
 * metatable is the mark), so a plain table is JSON whatever its keys. Its
 * headers are checked (RFC 9110 token names, printable values: no CR/LF;
 * the host's own headers refused) when it is made and again when it is
 * sent. A string from a route without a type is an error, not a JSON
 * string. Every answer of a route carries ROUTE_CSP (no script: a plugin's
 * page cannot call another plugin's API). The routes, and the answers kept
 * with them (status 200 only, with their type and headers), belong to the
 * plugin's state: unloading or reloading the plugin drops them with it. */
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "bindings.h"

#define ROUTE_MAX_PATH 256
#define ROUTE_MAX_SEGMENTS 16
#define ROUTE_MAX_QUERY 64
#define ROUTE_CACHE_MAX 16           /* answers kept per route */
#define ROUTE_CACHE_BYTES (4u << 20) /* a larger answer is not kept */
/* Nor kept longer than a minute: an answer may depend on the date
 * (a rota's past meetings), which changes without the data changing. */
#define ROUTE_CACHE_MS 60000

/* A GET answer kept for one path and query at one data version. */
typedef struct baton_route_answer_s {
  char *key; /* "path?query" */
  long long version;
  uint64_t at; /* uv_now when it was made */
  char *type;  /* its Content-Type */
  char *extra; /* its other headers, "Name: value\r\n"... */
  baton_http_shared_t *body;
  struct baton_route_answer_s *next; /* newest first */
} answer_t;

static void answer_free(answer_t *a) {
  free(a->key);
  free(a->type);
  free(a->extra);
  baton__http_shared_unref(a->body);
  free(a);
}

static const char *const methods[] = {"GET", "POST", "PUT", "PATCH", "DELETE"};

/* ---- making routes ------------------------------------------------------- */

void baton__routes_free(baton_plugin_t *p) {
  while (p->routes) {
    baton_route_t *r = p->routes;
    p->routes = r->next;
    while (r->answers) {
      answer_t *a = r->answers;
      r->answers = a->next;
      answer_free(a);
    }
    free(r->path);
    free(r->where);
    free(r->type);
    free(r);
  }
}

/* A segment a route may name: letters, digits and -._~, or :param. */
static int segment_ok(const char *s, size_t n) {
  if (n == 0)
    return 0;
  if (s[0] == ':') {
    if (n == 1 || !(s[1] == '_' || (s[1] >= 'a' && s[1] <= 'z')))
      return 0;
    for (size_t i = 1; i < n; i++)
      if (!(s[i] == '_' || (s[i] >= 'a' && s[i] <= 'z') ||
            (s[i] >= '0' && s[i] <= '9')))
        return 0;
    return 1;
  }
  if ((n == 1 && s[0] == '.') || (n == 2 && s[0] == '.' && s[1] == '.'))
    return 0;
  for (size_t i = 0; i < n; i++) {
    char c = s[i];
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
          (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_' ||
          c == '~'))
      return 0;
  }
  return 1;
}

/* 1 if path starts with /api/WORD and then ends or goes on with '/'. */
static int under(const char *path, const char *word) {
  size_t n = strlen(word);
  return word[0] != '\0' && strncmp(path, "/api/", 5) == 0 &&
         strncmp(path + 5, word, n) == 0 &&
         (path[5 + n] == '\0' || path[5 + n] == '/');
}

/* A Content-Type a route may declare: "type/subtype" and parameters, in
 * printable ASCII (no CR or LF: it goes into the header as it is). */
static int type_ok(const char *t) {
  size_t n = strlen(t);
  if (n == 0 || n > 100 || strchr(t, '/') == NULL)
    return 0;
  for (const char *s = t; *s; s++)
    if (*s < 0x20 || *s > 0x7e)
      return 0;
  return 1;
}

/* ---- responses: baton.http.response{status, headers, body} --------------- */

#define RESPONSE_MT "baton.http.response"
#define RESPONSE_MAX_HEADERS 32
#define RESPONSE_HEADER_BYTES 1024 /* the plugin's header lines, in all */

/* Every answer of a plugin's route carries the host's no-script policy
 * (core/net/http.h), with the X-Content-Type-Options: nosniff that
 * core/net/http.c puts on every answer. */
#define ROUTE_CSP BATON_HTTP_NO_SCRIPT_CSP

/* Headers the host writes itself: framing, caching, cookies and the
 * security headers. A name starting with one ending in '-' is refused as
 * well (Access-Control-*: a plugin may not open the API to other sites). */
static const char *const host_headers[] = {
    "content-length",
    "transfer-encoding",
    "connection",
    "keep-alive",
    "upgrade",
    "te",
    "trailer",
    "set-cookie",
    "cache-control",
    "content-encoding",
    "content-security-policy",
    "content-security-policy-report-only",
    "x-content-type-options",
    "access-control-",
    NULL};

/* 1 if name (n bytes) is an RFC 9110 token. */
static int token_ok(const char *name, size_t n) {
  if (n == 0 || n > 64)
    return 0;
  for (size_t i = 0; i < n; i++) {
    unsigned char ch = (unsigned char)name[i];
    if (ch == '\0' ||
        !((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
          (ch >= '0' && ch <= '9') || strchr("!#$%&'*+-.^_`|~", ch) != NULL))
      return 0;
  }
  return 1;
}

/* The host's header name matches (ignoring case), or NULL. */
static const char *host_header(const char *name) {
  for (size_t i = 0; host_headers[i]; i++) {
    size_t n = strlen(host_headers[i]);
    if (host_headers[i][n - 1] == '-'
            ? strncasecmp(name, host_headers[i], n) == 0
            : strcasecmp(name, host_headers[i]) == 0)
      return host_headers[i];
  }
  return NULL;
}

/* Checks the response table at idx (absolute) and pushes its header
 * lines ("Name: value\r\n"..., "" for none) and its Content-Type (nil if
 * it gives none); returns its status. Raises "WHO: ..." naming what is
 * wrong. The body is the caller's to check. */
static int response_check(lua_State *L, int idx, const char *who) {
  static const char *const fields[] = {"body", "headers", "status", NULL};
  for (lua_pushnil(L); lua_next(L, idx) != 0; lua_pop(L, 1)) {
    size_t i = 0;
    while (lua_type(L, -2) == LUA_TSTRING && fields[i] &&
           strcmp(lua_tostring(L, -2), fields[i]) != 0)
      i++;
    if (lua_type(L, -2) != LUA_TSTRING || fields[i] == NULL)
      return luaL_error(L,
                        "%s: a response has only the fields status, "
                        "headers and body; found '%s'",
                        who, luaL_tolstring(L, -2, NULL));
  }
  int status = 200;
  if (lua_getfield(L, idx, "status") != LUA_TNIL) {
    int isint;
    lua_Integer s = lua_tointegerx(L, -1, &isint);
    if (lua_type(L, -1) != LUA_TNUMBER || !isint || s < 200 || s > 599)
      return luaL_error(L,
                        "%s: a response's status must be an integer from "
                        "200 to 599, not %s",
                        who,
                        lua_type(L, -1) == LUA_TNUMBER
                            ? luaL_tolstring(L, -1, NULL)
                            : lua_pushfstring(L, "a %s", luaL_typename(L, -1)));
    status = (int)s;
  }
  lua_pop(L, 1);
  lua_pushliteral(L, "");                  /* [lines] */
  lua_pushnil(L);                          /* [lines, type] */
  int t = lua_getfield(L, idx, "headers"); /* [lines, type, headers] */
  if (t == LUA_TNIL)
    return lua_pop(L, 1), status;
  if (t != LUA_TTABLE)
    return luaL_error(L,
                      "%s: a response's headers must be a table of "
                      "name = value, not a %s",
                      who, luaL_typename(L, -1));
  int n = 0;
  size_t bytes = 0;
  for (lua_pushnil(L); lua_next(L, -2) != 0; lua_pop(L, 1)) {
    size_t klen = 0, vlen;
    const char *k =
        lua_type(L, -2) == LUA_TSTRING ? lua_tolstring(L, -2, &klen) : NULL;
    if (k == NULL || !token_ok(k, klen))
      return luaL_error(L,
                        "%s: a response header's name must be a token "
                        "(letters, digits and !#$%%&'*+-.^_`|~), not %s",
                        who, luaL_tolstring(L, -2, NULL));
    if (lua_type(L, -1) != LUA_TSTRING)
      return luaL_error(L,
                        "%s: response header '%s' must be a string, not "
                        "a %s",
                        who, k, luaL_typename(L, -1));
    const char *v = lua_tolstring(L, -1, &vlen);
    for (size_t i = 0; i < vlen; i++)
      if (((unsigned char)v[i] < 0x20 && v[i] != '\t') ||
          (unsigned char)v[i] > 0x7e)
        return luaL_error(L,
                          "%s: response header '%s' holds byte %d, a "
                          "control character or not ASCII (CR and LF would "
                          "start a header of their own); use printable "
                          "ASCII",
                          who, k, (int)(unsigned char)v[i]);
    const char *host = host_header(k);
    if (host != NULL)
      return luaL_error(L,
                        "%s: response header '%s' is written by baton "
                        "itself and cannot be set by a plugin (refused: "
                        "Content-Length, Transfer-Encoding, Connection, "
                        "Keep-Alive, Upgrade, TE, Trailer, Set-Cookie, "
                        "Cache-Control, Content-Encoding, "
                        "Content-Security-Policy, X-Content-Type-Options, "
                        "Access-Control-*)",
                        who, k);
    for (lua_pushnil(L); lua_next(L, -4) != 0; lua_pop(L, 1))
      if (lua_type(L, -2) == LUA_TSTRING && !lua_rawequal(L, -2, -4) &&
          strcasecmp(lua_tostring(L, -2), k) == 0)
        return luaL_error(
            L,
            "%s: response headers '%s' and '%s' are the "
            "same header (names ignore case); give it once",
            who, strcmp(k, lua_tostring(L, -2)) < 0 ? k : lua_tostring(L, -2),
            strcmp(k, lua_tostring(L, -2)) < 0 ? lua_tostring(L, -2) : k);
    if (strcasecmp(k, "content-type") == 0) {
      if (!type_ok(v))
        return luaL_error(L,
                          "%s: a response's content-type must be a type "
                          "such as \"text/html; charset=utf-8\" (with a "
                          "'/', at most 100 bytes)",
                          who);
      lua_pushvalue(L, -1);
      lua_replace(L, -5); /* [lines, type, headers, k, v] */
      continue;
    }
    bytes += klen + vlen + 4;
    if (++n > RESPONSE_MAX_HEADERS || bytes > RESPONSE_HEADER_BYTES)
      return luaL_error(L,
                        "%s: a response may have at most %d headers of %d "
                        "bytes in all",
                        who, RESPONSE_MAX_HEADERS, RESPONSE_HEADER_BYTES);
    lua_pushfstring(L, "%s: %s\r\n", k, v);
    lua_pushvalue(L, -6);
    lua_insert(L, -2);
    lua_concat(L, 2);
    lua_replace(L, -6);
  }
  lua_pop(L, 1);
  return status;
}

/* 1 if the value at idx is a table made by baton.http.response. */
static int is_response(lua_State *L, int idx) {
  if (lua_type(L, idx) != LUA_TTABLE || !lua_getmetatable(L, idx))
    return 0;
  luaL_getmetatable(L, RESPONSE_MT);
  int same = lua_rawequal(L, -1, -2);
  lua_pop(L, 2);
  return same;
}

/* baton.http.response{status = 200, headers = {...}, body = ...}: the same
 * fields, checked, in a table marked as an answer (a plain table a
 * handler returns is still sent as JSON). They are checked again when
 * it is sent. */
static int l_response(lua_State *L) {
  baton__lua_checktype(L, 1, LUA_TTABLE, "baton.http.response", "the response");
  lua_settop(L, 1);
  response_check(L, 1, "baton.http.response");
  int t = lua_getfield(L, 1, "body");
  if (t != LUA_TNIL && t != LUA_TSTRING && t != LUA_TTABLE)
    return luaL_error(L,
                      "baton.http.response: body must be a string (sent "
                      "as it is), a table (sent as JSON) or nil, not a %s",
                      luaL_typename(L, -1));
  lua_settop(L, 1);
  lua_createtable(L, 0, 3);
  static const char *const fields[] = {"body", "headers", "status"};
  for (int i = 0; i < 3; i++) {
    lua_getfield(L, 1, fields[i]);
    lua_setfield(L, -2, fields[i]);
  }
  if (luaL_newmetatable(L, RESPONSE_MT)) {
    lua_pushliteral(L, RESPONSE_MT);
    lua_setfield(L, -2, "__metatable");
    lua_pushliteral(L, RESPONSE_MT);
    lua_setfield(L, -2, "__name");
  }
  lua_setmetatable(L, -2);
  return 1;
}

/* The options table at index 4 ({cache = false, type = "..."}); raises
 * for an unknown key or a wrong type. Returns nocache; *type gets the
 * type option (owned by the table) or NULL. */
static int route_options(lua_State *L, const char *method, const char **type) {
  *type = NULL;
  if (lua_isnoneornil(L, 4))
    return 0;
  baton__lua_checktype(L, 4, LUA_TTABLE, "baton.http.route", "the options");
  static const char *const options[] = {"cache", "type", NULL};
  baton__lua_checkoptions(L, 4, "baton.http.route", options);
  int nocache = 0;
  lua_pushnil(L);
  while (lua_next(L, 4) != 0) {
    const char *k = lua_tostring(L, -2); /* checked above */
    if (strcmp(k, "type") == 0) {
      if (lua_type(L, -1) != LUA_TSTRING || !type_ok(lua_tostring(L, -1)))
        return luaL_error(L, "baton.http.route: option type must be a "
                             "Content-Type such as \"text/calendar; "
                             "charset=utf-8\" (printable ASCII, at most 100 "
                             "bytes)");
      *type = lua_tostring(L, -1);
      lua_pop(L, 1);
      continue;
    }
    if (!lua_isboolean(L, -1))
      return luaL_error(L,
                        "baton.http.route: option cache must be true or "
                        "false, not %s",
                        luaL_typename(L, -1));
    nocache = !lua_toboolean(L, -1);
    if (!nocache && strcmp(method, "GET") != 0)
      return luaL_error(L,
                        "baton.http.route: cache = true is for GET "
                        "routes; a %s answer is never kept",
                        method);
    lua_pop(L, 1);
  }
  return nocache;
}

/* baton.http.route(method, path, handler [, options]) */
static int l_route(lua_State *L) {
  baton_plugin_t *p = baton__plugin_of(L);
  baton__lua_need(L, BATON_PERM_HTTP_ROUTE, "baton.http.route");
  const char *method =
      baton__lua_checkcstring(L, 1, "baton.http.route", "method");
  const char *path = baton__lua_checkcstring(L, 2, "baton.http.route", "path");
  baton__lua_checktype(L, 3, LUA_TFUNCTION, "baton.http.route", "the handler");
  const char *type;
  int nocache = route_options(L, method, &type);
  if (!p->loading)
    return luaL_error(L, "baton.http.route: routes are made while init.lua "
                         "loads; call it at the top level of init.lua (or of "
                         "a module it requires), not inside a command");
  size_t m = 0;
  while (m < sizeof methods / sizeof *methods && strcmp(methods[m], method))
    m++;
  if (m == sizeof methods / sizeof *methods)
    return luaL_error(L,
                      "baton.http.route: method '%s' is not one of GET, "
                      "POST, PUT, PATCH, DELETE (in capitals; HEAD is "
                      "answered by the GET route)",
                      method);
  const char *ns = p->m ? p->m->ns : p->name;
  if (!under(path, p->name) && !under(path, ns))
    return luaL_error(L,
                      "baton.http.route: path '%s' must start with "
                      "/api/%s/ or /api/%s/ (a plugin answers only under "
                      "its own name)",
                      path, p->name, ns);
  if (strlen(path) > ROUTE_MAX_PATH)
    return luaL_error(L, "baton.http.route: path is longer than %d bytes",
                      ROUTE_MAX_PATH);
  int nseg = 0;
  for (const char *s = path + 1; *s;) {
    const char *e = strchr(s, '/');
    size_t n = e ? (size_t)(e - s) : strlen(s);
    if (!segment_ok(s, n) || (e && e[1] == '\0'))
      return luaL_error(L,
                        "baton.http.route: path '%s' has a bad part "
                        "'%.*s'; use letters, digits and -._~ between "
                        "slashes, :name for a parameter, and no slash at "
                        "the end",
                        path, (int)n, s);
    if (++nseg > ROUTE_MAX_SEGMENTS)
      return luaL_error(L,
                        "baton.http.route: path '%s' has more than %d "
                        "parts",
                        path, ROUTE_MAX_SEGMENTS);
    s += n + (e != NULL);
  }
  for (baton_route_t *r = p->routes; r; r = r->next)
    if (strcmp(r->method, method) == 0 && strcmp(r->path, path) == 0)
      return luaL_error(L, "baton.http.route: %s %s is already made at %s",
                        method, path, r->where);
  lua_Debug ar;
  char where[256] = "init.lua";
  if (lua_getstack(L, 1, &ar) && lua_getinfo(L, "Sl", &ar))
    snprintf(where, sizeof where, "%s:%d", ar.short_src, ar.currentline);
  /* The handler's reference first: luaL_ref may raise (out of memory),
   * and nothing is allocated yet. */
  lua_pushvalue(L, 3);
  int ref = luaL_ref(L, LUA_REGISTRYINDEX);
  baton_route_t *r = calloc(1, sizeof *r);
  if (r == NULL || (r->path = baton__strdup(path)) == NULL ||
      (r->where = baton__strdup(where)) == NULL ||
      (type != NULL && (r->type = baton__strdup(type)) == NULL)) {
    if (r) {
      free(r->path);
      free(r->where);
    }
    free(r);
    luaL_unref(L, LUA_REGISTRYINDEX, ref);
    return luaL_error(L, "baton.http.route: out of memory");
  }
  snprintf(r->method, sizeof r->method, "%s", method);
  r->nocache = nocache;
  r->ref = ref;
  baton_route_t **tail = &p->routes;
  while (*tail)
    tail = &(*tail)->next;
  *tail = r;
  return 0;
}

/* baton.http.token() -> 32 hex digits from the system's random source
 * (128 bits), for an address nobody can guess (a calendar feed's). Raises
 * if the system has no random source to give. */
static int l_token(lua_State *L) {
  unsigned char raw[16];
  char hex[2 * sizeof raw + 1];
  int rc = uv_random(NULL, NULL, raw, sizeof raw, 0, NULL);
  if (rc != 0)
    return luaL_error(L,
                      "baton.http.token: the system's random source "
                      "failed: %s",
                      uv_strerror(rc));
  for (size_t i = 0; i < sizeof raw; i++)
    snprintf(hex + 2 * i, 3, "%02x", raw[i]);
  lua_pushlstring(L, hex, 2 * sizeof raw);
  return 1;
}

int baton__lua_open_http(lua_State *L) {
  lua_createtable(L, 0, 3);
  lua_pushcfunction(L, l_route);
  lua_setfield(L, -2, "route");
  lua_pushcfunction(L, l_response);
  lua_setfield(L, -2, "response");
  lua_pushcfunction(L, l_token);
  lua_setfield(L, -2, "token");
  return 1;
}

/* ---- matching ------------------------------------------------------------ */

typedef struct {
  const char *name; /* in the route's path, after ':' */
  size_t name_len;
  const char *value; /* in the request's path, still %-encoded */
  size_t value_len;
} param_t;

/* Matches a request path against a route's. Returns the number of
 * parameters (>= 0) or -1. */
static int match(const char *pattern, const char *path, param_t *params) {
  int np = 0;
  const char *a = pattern, *b = path;
  while (*a && *b) {
    if (*a != '/' || *b != '/')
      return -1;
    a++, b++;
    const char *ae = strchr(a, '/'), *be = strchr(b, '/');
    size_t an = ae ? (size_t)(ae - a) : strlen(a);
    size_t bn = be ? (size_t)(be - b) : strlen(b);
    if (a[0] == ':') {
      if (bn == 0 || np == ROUTE_MAX_SEGMENTS)
        return -1;
      params[np++] = (param_t){a + 1, an - 1, b, bn};
    } else if (an != bn || memcmp(a, b, an) != 0) {
      return -1;
    }
    a += an, b += bn;
  }
  return *a == '\0' && *b == '\0' ? np : -1;
}

/* ---- answering ----------------------------------------------------------- */

typedef struct {
  baton_http_req_t *req; /* NULL once answered */
  /* A call from inside the host (baton__route_call) has no request: the
   * answer goes to `answer` (NULL once given) and the path is its own. */
  baton_route_answer_fn answer;
  void *answer_ud;
  char *path;
  int saved_failed; /* the host's failed flag when the call began */
  baton_plugin_t *p;
  baton_route_t *route;
  int nparams, nquery;
  /* Decoded names and values: the path's parameters, then the query's. */
  char *values[2 * (ROUTE_MAX_SEGMENTS + ROUTE_MAX_QUERY)];
  json_t *body_json;
  FILE *log;
  char *key;                 /* "path?query" when a 200 answer is to be kept */
  long long version;         /* the data's version when the request came */
  unsigned limit_ms;         /* the handler's time limit */
  const char *person, *role; /* who asks (borrowed while dispatching) */
  char *school;              /* the school they see; NULL: every school */
  int district;              /* they have the district role */
  char what[ROUTE_MAX_PATH + 64];
} call_t;

static void call_free(call_t *c) {
  for (int i = 0; i < 2 * (c->nparams + c->nquery); i++)
    free(c->values[i]);
  json_decref(c->body_json);
  free(c->key);
  free(c->path);
  free(c->school);
  free(c);
}

/* Answers a call that could not run its handler: an HTTP error for a
 * request (status, naming plugin when not NULL), the message for a call
 * from inside the host; then frees the call. */
static void call_refuse(call_t *c, int status, const char *plugin,
                        const char *msg) {
  if (c->req != NULL)
    baton__http_json_error(c->req, status, plugin, msg);
  else if (c->answer != NULL)
    c->answer(c->answer_ud, 0, NULL, NULL, 0, msg);
  c->req = NULL;
  c->answer = NULL;
  call_free(c);
}

/* ---- kept answers -------------------------------------------------------- */

/* The answer kept for key at version, made less than ROUTE_CACHE_MS
 * before now, or NULL. */
static answer_t *answer_find(baton_route_t *rt, const char *key,
                             long long version, uint64_t now) {
  for (answer_t *a = rt->answers; a; a = a->next)
    if (a->version == version && now - a->at < ROUTE_CACHE_MS &&
        strcmp(a->key, key) == 0)
      return a;
  return NULL;
}

/* Keeps body (a reference is taken) as the answer for key at version.
 * Answers of other versions go, as does the oldest past ROUTE_CACHE_MAX:
 * a client varying the query cannot make the cache grow. Out of memory:
 * nothing is kept. */
static void answer_keep(baton_route_t *rt, const char *key, long long version,
                        uint64_t now, const char *type, const char *extra,
                        baton_http_shared_t *body) {
  answer_t **pp = &rt->answers;
  size_t n = 0;
  while (*pp) {
    answer_t *a = *pp;
    if (a->version != version || strcmp(a->key, key) == 0 ||
        ++n >= ROUTE_CACHE_MAX) {
      *pp = a->next;
      answer_free(a);
    } else {
      pp = &a->next;
    }
  }
  answer_t *a = calloc(1, sizeof *a);
  if (a == NULL || (a->key = baton__strdup(key)) == NULL ||
      (a->type = baton__strdup(type)) == NULL ||
      (a->extra = baton__strdup(extra)) == NULL) {
    if (a) {
      free(a->key);
      free(a->type);
    }
    free(a);
    return;
  }
  a->version = version;
  a->at = now;
  a->body = body;
  body->refs++;
  a->next = rt->answers;
  rt->answers = a;
}

/* Sends a 200 answer from shared bytes, with its type and headers (a kept
 * answer is sent again exactly as it was sent the first time). */
static void answer_send(baton_http_req_t *r, const char *type,
                        const char *extra, baton_http_shared_t *body) {
  body->refs++;
  baton__http_respond_ref(r, 200, type, body->data, body->len, extra,
                          baton__http_shared_unref, body);
}

/* Decodes the path's parameters and the query (k=v&...; '+' is a space;
 * the last of a repeated key wins in Lua). Returns 0, or BATON_EINVAL for
 * an encoded NUL byte, or BATON_ENOMEM. */
static int decode(call_t *c, const param_t *params, int np, const char *q) {
  for (int i = 0; i < np; i++) {
    c->values[2 * i] = baton__strndup(params[i].name, params[i].name_len);
    c->values[2 * i + 1] =
        baton__http_unescape(params[i].value, params[i].value_len, 0);
    c->nparams++;
    if (c->values[2 * i] == NULL)
      return BATON_ENOMEM;
    if (c->values[2 * i + 1] == NULL)
      return BATON_EINVAL;
  }
  while (*q && c->nquery < ROUTE_MAX_QUERY) {
    const char *amp = strchr(q, '&');
    size_t len = amp ? (size_t)(amp - q) : strlen(q);
    const char *eq = memchr(q, '=', len);
    size_t klen = eq ? (size_t)(eq - q) : len;
    if (klen > 0) {
      int i = c->nparams + c->nquery++;
      c->values[2 * i] = baton__http_unescape(q, klen, 1);
      c->values[2 * i + 1] =
          eq ? baton__http_unescape(eq + 1, len - klen - 1, 1)
             : baton__strdup("");
      if (c->values[2 * i] == NULL || c->values[2 * i + 1] == NULL)
        return BATON_EINVAL;
    }
    q += len + (amp != NULL);
  }
  return 0;
}

/* Answers the request with text (len bytes, freed here) as type, with the
 * plugin's header lines `lines` ("" for none) after the host's; a 200
 * answer of a cached GET route is kept. Returns 0. */
static int route_send(call_t *c, int status, char *text, size_t len,
                      const char *type, const char *lines) {
  if (c->answer != NULL) { /* a call from inside the host */
    baton_route_answer_fn answer = c->answer;
    c->answer = NULL;
    answer(c->answer_ud, status, type, text, len, NULL);
    free(text);
    return 0;
  }
  baton_http_req_t *r = c->req;
  c->req = NULL;
  /* Fits: lines is at most RESPONSE_HEADER_BYTES (response_check). */
  char extra[RESPONSE_HEADER_BYTES + 256];
  snprintf(extra, sizeof extra, "Cache-Control: no-store\r\n" ROUTE_CSP "%s",
           lines);
  if (status == 204) {
    baton__http_respond(r, 204, type, NULL, 0, extra);
    free(text);
  } else if (status == 200 && c->key != NULL) {
    baton_http_shared_t *body = baton__http_shared_new(text, len);
    if (body == NULL) { /* out of memory; text is freed: answer 500 */
      baton__http_json(r, 500, NULL, NULL);
      return 0;
    }
    if (body->len <= ROUTE_CACHE_BYTES)
      answer_keep(c->route, c->key, c->version, uv_now(&c->p->host->loop), type,
                  extra, body);
    answer_send(r, type, extra, body);
    baton__http_shared_unref(body);
  } else {
    baton__http_respond(r, status, type, text, len, extra);
    free(text);
  }
  return 0;
}

/* A malloc'd copy of the string at idx (it may hold NUL bytes), in *len. */
static char *copy_bytes(lua_State *L, int idx, size_t *len, const char *what) {
  const char *s = lua_tolstring(L, idx, len);
  char *text = malloc(*len + 1);
  if (text == NULL)
    luaL_error(L, "%s: out of memory", what);
  memcpy(text, s, *len);
  text[*len] = '\0';
  return text;
}

/* The value at -2 as JSON text (malloc'd; NULL for 204), counted against
 * the plugin's memory; raises naming c->what if it has no JSON form. */
static char *json_text(lua_State *L, call_t *c, int status) {
  /* Why the value has no JSON form, boxed: the message may raise. */
  lua_pushvalue(L, -2); /* [value, x, value] */
  char **err = baton__lua_box(L, sizeof *err, baton__lua_box_free);
  char *text = NULL;
  /* jansson's copy of the answer and its text count against the plugin's
   * memory, as the value itself does. */
  baton_json_budget_t b;
  baton__json_budget_open(&b, c->p);
  json_t *j = status == 204 ? NULL : baton__lua_to_json(L, -2, err);
  if (j != NULL)
    text = baton__http_json_dump(j);
  json_decref(j);
  if (baton__json_budget_close(&b)) {
    free(text);
    baton__json_budget_exceeded(L, c->p, c->what);
  }
  if (status != 204 && text == NULL)
    luaL_error(L, "%s returned a value that cannot be sent as JSON: %s",
               c->what, *err ? *err : "out of memory");
  baton__lua_box_close(L, -1);
  lua_pop(L, 2);
  return text;
}

/* [response, status] -> the answer a baton.http.response table gives. */
static int response_send(lua_State *L, call_t *c) {
  if (!lua_isnil(L, -1))
    return luaL_error(L,
                      "%s returned a response and a status; put the status "
                      "in the response (status = %s)",
                      c->what, luaL_tolstring(L, -1, NULL));
  lua_pop(L, 1);
  int idx = lua_absindex(L, -1);
  char who[sizeof c->what + 32];
  snprintf(who, sizeof who, "%s returned a bad response", c->what);
  int status = response_check(L, idx, who);  /* [resp, lines, type] */
  int body_t = lua_getfield(L, idx, "body"); /* [resp, lines, type, body] */
  const char *type = lua_tostring(L, -2);
  if (status == 204 && body_t != LUA_TNIL &&
      !(body_t == LUA_TSTRING && lua_rawlen(L, -1) == 0))
    return luaL_error(L,
                      "%s: a 204 answer has no body; give status 200 or "
                      "no body",
                      who);
  char *text = NULL;
  size_t len = 0;
  if (body_t == LUA_TSTRING || body_t == LUA_TNIL) {
    if (type == NULL)
      type = c->route->type ? c->route->type : "text/plain; charset=utf-8";
    if (body_t == LUA_TSTRING)
      text = copy_bytes(L, -1, &len, c->what);
  } else if (body_t == LUA_TTABLE) {
    if (type == NULL)
      type = "application/json";
    lua_pushnil(L); /* [..., body, nil]: json_text reads -2 */
    text = json_text(L, c, status);
    len = text ? strlen(text) : 0;
  } else {
    return luaL_error(L,
                      "%s: body must be a string (sent as it is), a table "
                      "(sent as JSON) or nil, not a %s",
                      who, luaL_typename(L, -1));
  }
  /* Nothing raises from here on: text is sent (and freed) at once. */
  return route_send(c, status, text, len, type, lua_tostring(L, idx + 1));
}

/* After the handler returned: [value, status] -> the answer. */
static int route_k(lua_State *L, int st, lua_KContext ctx) {
  (void)st;
  call_t *c = (call_t *)ctx;
  if (is_response(L, -2))
    return response_send(L, c);
  int status = 200;
  if (!lua_isnil(L, -1)) {
    int ok;
    lua_Integer s = lua_tointegerx(L, -1, &ok);
    if (!ok || s < 200 || s > 599)
      return luaL_error(L,
                        "%s returned status %s; return a value and, if "
                        "not 200, an HTTP status from 200 to 599",
                        c->what, luaL_tolstring(L, -1, NULL));
    status = (int)s;
  }
  if (lua_isnil(L, -2) && lua_isnil(L, -1))
    status = 204;
  size_t len = 0;
  /* A string from a route with a type is sent as that type; from any other
   * route it stays a JSON string, as plugins written before
   * baton.http.response expect (HTML goes through baton.http.response). */
  if (lua_type(L, -2) == LUA_TSTRING && status != 204 &&
      c->route->type != NULL) {
    /* the handler's own bytes, as the route's type (a NUL may be in them) */
    char *text = copy_bytes(L, -2, &len, c->what);
    return route_send(c, status, text, len, c->route->type, "");
  }
  char *text = json_text(L, c, status);
  return route_send(c, status, text, text ? strlen(text) : 0,
                    "application/json", "");
}

/* [handler, req] -> calls the handler and answers. Upvalue: the call. */
static int route_body(lua_State *L) {
  call_t *c = lua_touserdata(L, lua_upvalueindex(1));
  lua_callk(L, 1, 2, (lua_KContext)c, route_k);
  return route_k(L, LUA_OK, (lua_KContext)c);
}

/* [call] -> [body, handler, req] (runs protected on the plugin's state). */
static int push_call(lua_State *L) {
  call_t *c = lua_touserdata(L, 1);
  lua_pop(L, 1);
  lua_pushlightuserdata(L, c);
  lua_pushcclosure(L, route_body, 1);
  lua_rawgeti(L, LUA_REGISTRYINDEX, c->route->ref);
  baton_http_req_t *r = c->req; /* NULL for a call from inside the host */
  lua_createtable(L, 0, 8);
  lua_pushstring(L, c->route->method);
  lua_setfield(L, -2, "method");
  lua_pushstring(L, r ? baton__http_req_path(r) : c->path);
  lua_setfield(L, -2, "path");
  lua_createtable(L, 0, c->nparams);
  for (int i = 0; i < c->nparams; i++) {
    lua_pushstring(L, c->values[2 * i + 1]);
    lua_setfield(L, -2, c->values[2 * i]);
  }
  baton__lua_mark_object(L, -1);
  lua_setfield(L, -2, "params");
  lua_createtable(L, 0, c->nquery);
  for (int i = c->nparams; i < c->nparams + c->nquery; i++) {
    lua_pushstring(L, c->values[2 * i + 1]);
    lua_setfield(L, -2, c->values[2 * i]);
  }
  baton__lua_mark_object(L, -1);
  lua_setfield(L, -2, "query");
  lua_createtable(L, 0, 8);
  for (size_t i = 0, n = r ? baton__http_req_nheaders(r) : 0; i < n; i++) {
    const char *name, *value;
    baton__http_req_header_at(r, i, &name, &value);
    luaL_Buffer b;
    luaL_buffinit(L, &b);
    for (const char *s = name; *s; s++)
      luaL_addchar(&b, (char)(*s >= 'A' && *s <= 'Z' ? *s + 32 : *s));
    luaL_pushresult(&b);
    lua_pushstring(L, value ? value : "");
    lua_rawset(L, -3);
  }
  baton__lua_mark_object(L, -1);
  lua_setfield(L, -2, "headers");
  size_t blen = 0;
  const char *body = r ? baton__http_req_body(r, &blen) : NULL;
  if (body && blen) {
    lua_pushlstring(L, body, blen);
    lua_setfield(L, -2, "body");
  }
  if (c->body_json) {
    baton__lua_push_json(L, c->body_json);
    lua_setfield(L, -2, "json");
  }
  if (c->role != NULL) { /* req.user: who asks; nil when nobody */
    lua_createtable(L, 0, 4);
    lua_pushstring(L, c->person);
    lua_setfield(L, -2, "person");
    lua_pushstring(L, c->role);
    lua_setfield(L, -2, "role");
    lua_pushstring(L, c->school); /* nil: every school */
    lua_setfield(L, -2, "school");
    lua_pushboolean(L, c->district);
    lua_setfield(L, -2, "district");
    lua_setfield(L, -2, "user");
  }
  return 3;
}

static void call_done(baton_task_t *t) {
  call_t *c = t->data;
  if (c->answer != NULL) {
    /* A call from inside the host: its caller reports the failure, which
     * does not fail the caller's run (as a captured command's does not). */
    t->reported = 1;
    c->p->host->failed = c->saved_failed;
    const char *m = t->status == BATON_ECANCELED
                        ? "the plugin was reloaded or stopped while answering"
                    : t->error ? t->error
                               : baton_strerror(t->status);
    c->answer(c->answer_ud, 0, NULL, NULL, 0, m);
    c->answer = NULL;
    call_free(c);
    return;
  }
  if (c->req != NULL) {
    const char *msg = t->error ? t->error : baton_strerror(t->status);
    char *late = NULL;
    int status = 500;
    if (t->status == BATON_ECANCELED) {
      status = 503;
      msg = "the plugin was reloaded or stopped while answering; ask again";
    } else if (t->status == BATON_ETIMEDOUT) {
      /* The server answered nobody else while the handler ran: say so. */
      status = 503;
      late = baton__asprintf(
          "%s took longer than its time limit of %g s and was stopped (%s); "
          "make it faster (a GET route's answer is kept until the data "
          "changes, so only the first request after a change runs it), or "
          "raise the limit with baton serve --route-time-limit SECONDS",
          c->what, c->limit_ms / 1000.0, msg);
      if (late)
        msg = late;
    }
    fprintf(c->log, "baton serve: plugin '%s': %s failed: %s\n", c->p->name,
            c->what, msg);
    baton__http_json_error(c->req, status, c->p->name, msg);
    free(late);
    c->req = NULL;
  }
  t->reported = 1; /* logged above, not on the terminal as a command's */
  call_free(c);
}

/* Starts c's handler as a task of its plugin with `reach` (taken); what
 * cannot start is answered through call_refuse. */
static void call_start(call_t *c, baton_reach_t *reach) {
  baton_plugin_t *p = c->p;
  lua_State *L = p->L;
  snprintf(c->what, sizeof c->what, "route %s %s (%s)", c->route->method,
           c->route->path, c->route->where);
  lua_pushcfunction(L, push_call);
  lua_pushlightuserdata(L, c);
  if (baton__sandbox_pcall(p, 1, 3) != LUA_OK) {
    baton__reach_unref(reach);
    call_refuse(c, 500, p->name, lua_tostring(L, -1));
    lua_pop(L, 1);
    return;
  }
  p->host->next_reach = reach; /* taken by baton__task_start_within */
  if (baton__task_start_within(p, 2, c->what, call_done, c, c->limit_ms) != 0)
    call_refuse(c, 500, p->name, "out of memory starting the handler");
}

int baton__route_call(baton_plugin_t *p, const char *path, const char *query,
                      baton_reach_t *reach, unsigned limit_ms,
                      baton_route_answer_fn answer, void *ud) {
  param_t params[ROUTE_MAX_SEGMENTS];
  baton_route_t *rt = p->state == BATON_PLUGIN_LOADED ? p->routes : NULL;
  int np = -1;
  for (; rt; rt = rt->next)
    if (strcmp(rt->method, "GET") == 0 &&
        (np = match(rt->path, path, params)) >= 0)
      break;
  if (rt == NULL) {
    baton__reach_unref(reach);
    return BATON_ENOENT;
  }
  call_t *c = calloc(1, sizeof *c);
  if (c == NULL || (c->path = baton__strdup(path)) == NULL) {
    free(c);
    baton__reach_unref(reach);
    return BATON_ENOMEM;
  }
  c->p = p;
  c->route = rt;
  c->limit_ms = limit_ms;
  c->answer = answer;
  c->answer_ud = ud;
  c->saved_failed = p->host->failed;
  int d = decode(c, params, np, query ? query : "");
  if (d != 0) {
    baton__reach_unref(reach);
    call_refuse(c, 0, NULL,
                d == BATON_ENOMEM ? "out of memory"
                                  : "the query has a bad %-escape");
    return 0;
  }
  call_start(c, reach);
  return 0;
}

/* The shorter of the route limit and the host's; 0 means none. */
static unsigned route_limit(const baton_host_t *h, unsigned route_ms) {
  unsigned host_ms = h->opts.time_limit_ms;
  if (route_ms == 0 || (host_ms != 0 && host_ms < route_ms))
    return host_ms;
  return route_ms;
}

int baton__route_exists(baton_host_t *h, const char *path) {
  param_t params[ROUTE_MAX_SEGMENTS];
  for (size_t i = 0; i < h->nplugins; i++) {
    baton_plugin_t *p = h->plugins[i];
    if (p->state != BATON_PLUGIN_LOADED)
      continue;
    for (baton_route_t *rt = p->routes; rt; rt = rt->next)
      if (match(rt->path, path, params) >= 0)
        return 1;
  }
  return 0;
}

int baton__route_dispatch(baton_host_t *h, baton_http_req_t *r,
                          const baton_route_ctx_t *ctx) {
  const char *path = baton__http_req_path(r);
  const char *method = baton__http_req_method(r);
  if (strcmp(method, "HEAD") == 0)
    method = "GET";
  char allow[64] = "";
  param_t params[ROUTE_MAX_SEGMENTS];
  for (size_t i = 0; i < h->nplugins; i++) {
    baton_plugin_t *p = h->plugins[i];
    if (p->state != BATON_PLUGIN_LOADED)
      continue;
    for (baton_route_t *rt = p->routes; rt; rt = rt->next) {
      int np = match(rt->path, path, params);
      if (np < 0)
        continue;
      if (strcmp(rt->method, method) != 0) {
        size_t n = strlen(allow);
        if (strstr(allow, rt->method) == NULL)
          snprintf(allow + n, sizeof allow - n, "%s%s", n ? ", " : "",
                   rt->method);
        continue;
      }
      call_t *c = calloc(1, sizeof *c);
      if (c == NULL) {
        baton__http_json_error(r, 500, p->name, "out of memory");
        return 1;
      }
      c->req = r;
      c->p = p;
      c->route = rt;
      c->log = ctx->log;
      c->version = ctx->version;
      c->limit_ms = route_limit(h, ctx->time_ms);
      c->role = ctx->role && *ctx->role ? ctx->role : NULL;
      c->person = c->role ? ctx->person : NULL;
      c->district = c->role && ctx->district;
      if (ctx->school && (c->school = baton__strdup(ctx->school)) == NULL) {
        baton__http_json_error(r, 500, p->name, "out of memory");
        call_free(c);
        return 1;
      }
      if (strcmp(rt->method, "GET") == 0 && !rt->nocache) {
        /* Kept per person, role and school: a handler may answer each
         * their own (req.user); "\n" cannot be in a path, a role or a
         * school's name. */
        const char *q = baton__http_req_query(r);
        c->key =
            baton__asprintf("%s\n%s\n%c%s\n%s%s%s", c->person ? c->person : "",
                            c->role ? c->role : "", c->school ? '=' : '*',
                            c->school ? c->school : "", path, *q ? "?" : "", q);
        answer_t *a =
            c->key ? answer_find(rt, c->key, c->version, uv_now(&h->loop))
                   : NULL;
        if (a != NULL) {
          answer_send(r, a->type, a->extra, a->body);
          call_free(c);
          return 1;
        }
      }
      int d = decode(c, params, np, baton__http_req_query(r));
      if (d != 0) {
        baton__http_json_error(r, d == BATON_ENOMEM ? 500 : 400, NULL,
                               d == BATON_ENOMEM
                                   ? "out of memory"
                                   : "the address has a bad %-escape");
        call_free(c);
        return 1;
      }
      size_t blen;
      const char *body = baton__http_req_body(r, &blen);
      const char *type = baton__http_req_header(r, "Content-Type");
      if (body && blen && type &&
          strncasecmp(type, "application/json", 16) == 0) {
        json_error_t je;
        c->body_json = json_loadb(body, blen, JSON_DECODE_ANY, &je);
        if (c->body_json == NULL) {
          char msg[300];
          snprintf(msg, sizeof msg,
                   "the request body is not JSON: line %d, column %d: %s",
                   je.line, je.column, je.text);
          baton__http_json_error(r, 400, NULL, msg);
          call_free(c);
          return 1;
        }
      }
      /* Events the handler logs have who asks as their actor. */
      baton_reach_t *reach = baton__reach_new(p, NULL);
      /* ... and see the school of who asks (baton__reach_school). */
      if (reach == NULL || baton__reach_set_actor(reach, c->person) != 0 ||
          baton__reach_set_school(reach, c->school) != 0) {
        baton__reach_unref(reach);
        call_refuse(c, 500, p->name, "out of memory starting the handler");
        return 1;
      }
      call_start(c, reach);
      return 1;
    }
  }
  if (allow[0] == '\0')
    return 0;
  char headers[96], msg[160];
  snprintf(headers, sizeof headers, "Allow: %s\r\n", allow);
  snprintf(msg, sizeof msg, "%s is not answered here; this address takes %s",
           baton__http_req_method(r), allow);
  baton__http_json(
      r, 405,
      json_pack("{s:{s:i, s:s}}", "error", "status", 405, "message", msg),
      headers);
  return 1;
}
