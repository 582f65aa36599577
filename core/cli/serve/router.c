/* core/cli/serve/router.c: what `baton serve` answers to each request:
 * the store's API, plugins, the web app, the event stream, plugin routes;
 * only to its own origin; the sign-in pages (signin.c), and the rest only
 * to whom auth.c lets through. */
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "serve.h"

/* ---- the store ----------------------------------------------------------- */

static int add_person(const baton_person_t *p, void *ud) {
  json_t *o = baton__person_to_json(p);
  if (o == NULL)
    return BATON_ENOMEM;
  if (p->role_in_group)
    json_object_set_new(o, "role_in_group", json_string(p->role_in_group));
  return json_array_append_new(ud, o) == 0 ? 0 : BATON_ENOMEM;
}

static void api_people(serve_t *sv, baton_http_req_t *r,
                       const serve_who_t *who) {
  char *all = baton__http_query_get(baton__http_req_query(r), "all");
  int include_inactive = all && strcmp(all, "0") != 0;
  free(all);
  char *school; /* one school's people (schools.c) */
  if (baton__serve_school_of(sv, r, who, &school) != 0)
    return;
  long long v = baton__serve_known_version(sv);
  answers_t *kept = baton__serve_answers(sv, school);
  if (kept && baton__serve_send_cached(r, &kept->people[include_inactive], v)) {
    free(school);
    return;
  }
  json_t *a = json_array();
  baton_filter_t f = {"school", school};
  if (baton_people_each(sv->store, &f, school ? 1 : 0, include_inactive,
                        add_person, a) != 0) {
    json_decref(a);
    free(school);
    send_error(r, 500, baton_store_last_error(sv->store));
    return;
  }
  if (kept == NULL)
    send_json(r, 200, a);
  else
    baton__serve_send_json_cached(r, &kept->people[include_inactive], v, a);
  free(school);
}

typedef struct {
  serve_t *sv;
  json_t *a;
  const char *school; /* only this school's groups and members; NULL: all */
  json_t *ids;        /* the school's people: id -> true */
} groups_ctx_t;

static int add_id(const baton_person_t *p, void *ud) {
  return json_object_set_new(ud, p->id, json_true()) == 0 ? 0 : BATON_ENOMEM;
}

static int add_group(const baton_group_t *g, void *ud) {
  groups_ctx_t *c = ud;
  int yes = 1;
  if (c->school != NULL &&
      baton_group_in_school(c->sv->store, g->name, c->school, &yes) != 0)
    return BATON_ESTORE;
  if (!yes)
    return 0;
  json_t *members = json_array();
  json_t *o =
      json_pack("{s:s, s:s?, s:I, s:o}", "name", g->name, "kind", g->kind,
                "size", (json_int_t)g->members, "members", members);
  if (o == NULL)
    return BATON_ENOMEM;
  json_array_append_new(c->a, o);
  int err = baton_group_members(c->sv->store, g->name, add_person, members);
  if (err != 0 || c->school == NULL)
    return err;
  /* Of a school: its own members only, and the size it sees. */
  for (size_t i = json_array_size(members); i-- > 0;) {
    const char *id =
        json_string_value(json_object_get(json_array_get(members, i), "id"));
    if (id == NULL || json_object_get(c->ids, id) == NULL)
      json_array_remove(members, i);
  }
  json_object_set_new(o, "size",
                      json_integer((json_int_t)json_array_size(members)));
  return 0;
}

static void api_groups(serve_t *sv, baton_http_req_t *r,
                       const serve_who_t *who) {
  char *school; /* one school's groups (schools.c) */
  if (baton__serve_school_of(sv, r, who, &school) != 0)
    return;
  long long v = baton__serve_known_version(sv);
  answers_t *kept = baton__serve_answers(sv, school);
  if (kept && baton__serve_send_cached(r, &kept->groups, v)) {
    free(school);
    return;
  }
  groups_ctx_t c = {sv, json_array(), school, json_object()};
  baton_filter_t f = {"school", school};
  int err = school ? baton_people_each(sv->store, &f, 1, 1, add_id, c.ids) : 0;
  if (err == 0)
    err = baton_groups_each(sv->store, add_group, &c);
  json_decref(c.ids);
  if (err != 0) {
    json_decref(c.a);
    free(school);
    send_error(r, 500, baton_store_last_error(sv->store));
    return;
  }
  if (kept == NULL)
    send_json(r, 200, c.a);
  else
    baton__serve_send_json_cached(r, &kept->groups, v, c.a);
  free(school);
}

typedef struct {
  serve_t *sv;
  json_t *a;
  const char *school; /* leave out events of another school (shown) */
  json_t *seen;       /* person id -> person_of (one lookup each) */
} events_ctx_t;

/* Of a person id (NULL: none): 1 when a person of c->school, -1 when a
 * person of another school, 0 when no person. One lookup each. */
static int person_of(events_ctx_t *c, const char *id) {
  if (id == NULL)
    return 0;
  json_t *known = json_object_get(c->seen, id);
  if (known != NULL)
    return (int)json_integer_value(known);
  char *of = NULL;
  int err = baton_person_school(c->sv->store, id, &of);
  int v = err != 0 ? 0 : strcmp(of, c->school) == 0 ? 1 : -1;
  free(of);
  json_object_set_new(c->seen, id, json_integer(v));
  return v;
}

/* Whether event e is shown to c->school: it belongs to the school of its
 * subject when that is a person, else of its actor when a person, else
 * to the school '' (the command line; in a district only district
 * accounts see it), as baton.events.list (lua_store.c) decides. */
static int shown(events_ctx_t *c, const baton_event_t *e) {
  if (c->school == NULL)
    return 1;
  int of = person_of(c, e->subject);
  if (of == 0)
    of = person_of(c, e->actor);
  return of == 1 || (of == 0 && *c->school == '\0');
}

static int add_event(const baton_event_t *e, void *ud) {
  events_ctx_t *c = ud;
  if (!shown(c, e))
    return 0;
  json_t *data = NULL;
  if (e->data)
    data = json_loads(e->data, JSON_DECODE_ANY, NULL);
  json_t *o = json_pack("{s:I, s:s, s:s?, s:s?, s:s, s:s?, s:o?}", "id",
                        (json_int_t)e->id, "at", e->at, "actor", e->actor,
                        "plugin", e->plugin, "kind", e->kind, "subject",
                        e->subject, "data", data);
  if (o == NULL)
    return BATON_ENOMEM;
  return json_array_append_new(c->a, o) == 0 ? 0 : BATON_ENOMEM;
}

/* ?kind=&since=&plugin=&subject=&limit= (the newest `limit`, oldest
 * first; default 500): the store reads only those, newest first, as
 * baton.events.list{order = "newest", limit = N} does. */
static void api_events(serve_t *sv, baton_http_req_t *r,
                       const serve_who_t *who) {
  char *school;
  if (baton__serve_school_of(sv, r, who, &school) != 0)
    return;
  const char *q = baton__http_req_query(r);
  char *kind = baton__http_query_get(q, "kind");
  char *since = baton__http_query_get(q, "since");
  char *plugin = baton__http_query_get(q, "plugin");
  char *subject = baton__http_query_get(q, "subject");
  char *limit_s = baton__http_query_get(q, "limit");
  long limit = limit_s ? strtol(limit_s, NULL, 10) : 500;
  if (limit <= 0 || limit > 10000)
    limit = 10000;
  json_t *a = json_array();
  baton_event_query_t eq = {.plugin = plugin && *plugin ? plugin : NULL,
                            .kind = kind && *kind ? kind : NULL,
                            .subject = subject && *subject ? subject : NULL,
                            .since = since && *since ? since : NULL,
                            .newest_first = 1,
                            .limit = (size_t)limit};
  events_ctx_t c = {sv, a, school, json_object()};
  int e = baton_events_query(sv->store, &eq, add_event, &c);
  json_decref(c.seen);
  free(school);
  free(kind);
  free(since);
  free(plugin);
  free(subject);
  free(limit_s);
  if (e != 0) {
    json_decref(a);
    send_error(r, 500, baton_store_last_error(sv->store));
    return;
  }
  /* Oldest first, as the dashboard draws them. */
  for (size_t i = 0, n = json_array_size(a); i < n / 2; i++) {
    json_t *x = json_incref(json_array_get(a, i));
    json_array_set(a, i, json_array_get(a, n - 1 - i));
    json_array_set_new(a, n - 1 - i, x);
  }
  send_json(r, 200, a);
}

/* ---- routing ------------------------------------------------------------- */

/* {"ok", "version", "data_version", "tls", "client"}: tls and client as
 * the server sees this request (through a trusted proxy: what it passed
 * on), to check a proxy's set-up. */
/* baton's setting "school" (`baton config baton school NAME`). */
static int school_name(const char *plugin, const char *key, const char *value,
                       void *ud) {
  (void)plugin;
  if (strcmp(key, "school") != 0)
    return 0;
  *(char **)ud = baton__strdup(value);
  return 1;
}

static void api_health(serve_t *sv, baton_http_req_t *r) {
  char client[64];
  if (baton__serve_client_addr(sv, r, client, sizeof client) != 0)
    client[0] = '\0';
  char *school = NULL;
  baton_settings_each(sv->store, "baton", school_name, &school);
  send_json(r, 200,
            json_pack("{s:b, s:s, s:I, s:b, s:s?, s:s?, s:b}", "ok", 1,
                      "version", BATON_VERSION, "data_version",
                      (json_int_t)sv->version, "tls",
                      baton__serve_is_tls(sv, r), "client",
                      client[0] ? client : NULL, "school", school, "demo",
                      baton__serve_demo_info(sv, NULL, NULL)));
  free(school);
}

/* What plugins there are, how they stand and what they answer; a page
 * for coordinators is listed to coordinators only. */
static void api_plugins(serve_t *sv, baton_http_req_t *r,
                        const serve_who_t *who) {
  int coordinator = baton__serve_who_at_least(who, "coordinator");
  json_t *a = json_array();
  for (size_t i = 0; i < baton_host_plugin_count(sv->h); i++) {
    baton_plugin_t *p = baton_host_plugin_at(sv->h, i);
    json_t *routes = json_array();
    for (baton_route_t *rt = p->routes; rt; rt = rt->next)
      json_array_append_new(routes, json_pack("{s:s, s:s}", "method",
                                              rt->method, "path", rt->path));
    json_t *pages = json_array();
    for (size_t j = 0; p->m && j < p->m->npages; j++) {
      const baton_page_t *pg = &p->m->pages[j];
      if (pg->access == BATON_ACCESS_COORDINATOR && !coordinator)
        continue;
      json_array_append_new(
          pages, json_pack("{s:s, s:s, s:s?, s:s?, s:s}", "name", pg->name,
                           "title", pg->title, "data", pg->data, "html",
                           pg->html, "access", baton__access_name(pg->access)));
    }
    json_array_append_new(
        a, json_pack("{s:s, s:s?, s:s, s:s?, s:s?, s:o, s:o, s:s?, s:s?}",
                     "name", p->name, "namespace", p->m ? p->m->ns : NULL,
                     "state", baton_plugin_state(p), "error", p->error,
                     "reload_error", p->reload_error, "routes", routes, "pages",
                     pages, "leadership", p->m ? p->m->leadership : NULL,
                     "notices", p->m ? p->m->notices : NULL));
  }
  send_json(r, 200, a);
}

/* 1 if path is the route of a page for coordinators (access =
 * "coordinator") and who is not one: then answered 401 or 403. The host
 * refuses it, whatever the plugin's handler would do. */
static int page_refused(serve_t *sv, baton_http_req_t *r, const char *path,
                        const serve_who_t *who) {
  if (baton__serve_who_at_least(who, "coordinator"))
    return 0;
  for (size_t i = 0; i < baton_host_plugin_count(sv->h); i++) {
    const baton_plugin_t *p = baton_host_plugin_at(sv->h, i);
    for (size_t j = 0; p->m && j < p->m->npages; j++) {
      const baton_page_t *pg = &p->m->pages[j];
      const char *route = pg->data ? pg->data : pg->html;
      if (pg->access != BATON_ACCESS_COORDINATOR || strcmp(route, path) != 0)
        continue;
      if (who->role[0] == '\0')
        send_error(r, 401,
                   "this page is for coordinators (rule: access = "
                   "\"coordinator\"); sign in");
      else
        send_error(r, 403,
                   "this page is for coordinators (rule: access = "
                   "\"coordinator\")");
      return 1;
    }
  }
  return 0;
}

/* 1 if a plugin's route took r: its handler sees who asks and their
 * school (req.user; the school limits what baton.people, baton.groups and
 * baton.events return to it: schools.c), or r was refused for naming
 * another school with ?school=. */
static int plugin_route(serve_t *sv, baton_http_req_t *r,
                        const serve_who_t *who) {
  if (!baton__route_exists(sv->h, baton__http_req_path(r)))
    return 0;
  char *school;
  if (baton__serve_school_of(sv, r, who, &school) != 0)
    return 1;
  int took = baton__route_dispatch(
      sv->h, r,
      &(baton_route_ctx_t){sv->log, baton__serve_known_version(sv),
                           sv->route_ms, who->person, who->role, school,
                           who->person != NULL && who->district});
  free(school);
  return took;
}

/* ---- the server's own origin ------------------------------------------- */

/* 1 if name (a Host without its port) is one this server answers to: an
 * IP address (a page can only be served under an address by whoever
 * listens there, so no other page can borrow one), localhost, or a name
 * given with --host-name. Any other name is one that some DNS server
 * pointed here, which is how a page on the web reaches a server on the
 * reader's own computer (DNS rebinding). */
static int host_name_ok(const serve_t *sv, const char *name, size_t n) {
  char buf[256];
  unsigned char addr[16];
  if (n == 0 || n >= sizeof buf)
    return 0;
  memcpy(buf, name, n);
  buf[n] = '\0';
  if (buf[0] == '[' && buf[n - 1] == ']') {
    buf[n - 1] = '\0';
    return uv_inet_pton(AF_INET6, buf + 1, addr) == 0;
  }
  if (uv_inet_pton(AF_INET, buf, addr) == 0 ||
      strcasecmp(buf, "localhost") == 0)
    return 1;
  for (size_t i = 0; i < sv->nhost_names; i++)
    if (strcasecmp(buf, sv->host_names[i]) == 0)
      return 1;
  return 0;
}

/* The length of host's name part: host without ":PORT". -1 when what
 * follows the name is not a port. */
static int host_name_len(const char *host) {
  const char *end = host[0] == '[' ? strchr(host, ']') : NULL;
  end = end ? end + 1 : host + strcspn(host, ":");
  if (*end == ':') {
    size_t digits = strspn(end + 1, "0123456789");
    if (digits == 0 || digits > 5 || end[1 + digits] != '\0')
      return -1;
  } else if (*end != '\0') {
    return -1;
  }
  return (int)(end - host);
}

/* 1 if origin ("http://HOST[:PORT]") is the page's own: the scheme is
 * http or https and the rest is the request's Host, as a browser sends it
 * for a page of this server. */
static int origin_is(const char *origin, const char *host) {
  const char *rest = strncasecmp(origin, "http://", 7) == 0    ? origin + 7
                     : strncasecmp(origin, "https://", 8) == 0 ? origin + 8
                                                               : NULL;
  return rest != NULL && strcasecmp(rest, host) == 0;
}

/* 1 if r may be answered; else answers it: 400 without exactly one Host,
 * 421 for a Host this server does not answer to, 403 for a request sent
 * by a page of another origin. */
static int same_origin(serve_t *sv, baton_http_req_t *r) {
  const char *host = NULL;
  int nhost = 0;
  for (size_t i = 0, n = baton__http_req_nheaders(r); i < n; i++) {
    const char *name, *value;
    baton__http_req_header_at(r, i, &name, &value);
    if (strcasecmp(name, "Host") == 0)
      host = value, nhost++;
  }
  if (nhost != 1) {
    send_error(r, 400,
               nhost ? "the request has more than one Host header; "
                       "send exactly one"
                     : "the request has no Host header; send the "
                       "address's host, e.g. Host: 127.0.0.1:8080");
    return 0;
  }
  host = baton__serve_host(sv, r); /* X-Forwarded-Host from a proxy */
  int len = host_name_len(host);
  if (len <= 0) {
    send_error(r, 400, "the Host header is not HOST or HOST:PORT");
    return 0;
  }
  if (!host_name_ok(sv, host, (size_t)len)) {
    baton_buf_t b = {0};
    baton__buf_printf(&b, "this server answers only to its IP addresses, "
                          "localhost");
    for (size_t i = 0; i < sv->nhost_names; i++)
      baton__buf_printf(&b, ", %s", sv->host_names[i]);
    baton__buf_printf(&b,
                      "; this request was for '%.*s' (a name that is "
                      "not baton's may be a web page that pointed its "
                      "name at this computer). If baton is reached "
                      "under that name, start it with --host-name %.*s",
                      len, host, len, host);
    baton__http_json(r, 421,
                     json_pack("{s:{s:i, s:s, s:s#}}", "error", "status", 421,
                               "message", b.data ? b.data : "out of memory",
                               "host", host, (int)len),
                     NULL);
    baton__buf_free(&b);
    return 0;
  }
  const char *origin = baton__http_req_header(r, "Origin");
  if (origin != NULL && !origin_is(origin, host)) {
    send_error(r, 403,
               "a page of another origin may not use this server: "
               "the request's Origin is not this server's address "
               "(Host); open the dashboard at this server's own "
               "address");
    return 0;
  }
  return 1;
}

void baton__serve_router_handle(baton_http_req_t *r, void *ud) {
  serve_t *sv = ud;
  const char *m = baton__http_req_method(r);
  const char *path = baton__http_req_path(r);
  int read = strcmp(m, "GET") == 0 || strcmp(m, "HEAD") == 0;
  if (!same_origin(sv, r))
    return;
  /* The sign-in pages and /api/me (signin.c), then the one check of who
   * may have the rest (auth.c): writes need staff or a token, and the
   * session's CSRF token; with --allow-remote, reads need someone signed
   * in. The gate says who is asking for the handlers below. */
  serve_who_t who;
  if (baton__serve_signin(sv, r, path, read) ||
      baton__serve_join(sv, r, path, read) ||
      !baton__serve_gate(sv, r, path, read, &who))
    return;
  if (baton__serve_workshop_api(sv, r, path, &who)) {
    baton__serve_who_clear(&who);
    return;
  }
  if (strncmp(path, "/api/", 5) != 0) {
    if (!read)
      send_error(r, 405, "this address is read-only");
    else if (!baton__serve_asset(sv, r, path))
      send_error(r, 404, "no such page");
    baton__serve_who_clear(&who);
    return;
  }
  const char *api = path + 4;
  if (read && strcmp(api, "/health") == 0)
    api_health(sv, r);
  else if (read && strcmp(api, "/people") == 0)
    api_people(sv, r, &who);
  else if (read && strcmp(api, "/groups") == 0)
    api_groups(sv, r, &who);
  else if (read && strcmp(api, "/schools") == 0)
    baton__serve_api_schools(sv, r, &who);
  else if (read && strcmp(api, "/events") == 0)
    api_events(sv, r, &who);
  else if (read && strcmp(api, "/events/stream") == 0)
    baton__serve_api_stream(sv, r);
  else if (read && strcmp(api, "/plugins") == 0)
    api_plugins(sv, r, &who);
  else if (strcmp(api, "/demo/reset") == 0 && !read)
    baton__serve_demo_reset(sv, r, &who);
  else if (read && strcmp(api, "/commands") == 0)
    baton__serve_api_commands(sv, r, &who);
  else if (strncmp(api, "/run/", 5) == 0 && strcmp(m, "POST") == 0)
    baton__serve_api_run(sv, r, &who);
  else if (strncmp(api, "/run/", 5) == 0)
    baton__http_json(r, 405,
                     json_pack("{s:{s:i, s:s}}", "error", "status", 405,
                               "message", "a command runs with POST"),
                     "Allow: POST\r\n");
  else if (page_refused(sv, r, path, &who))
    ;
  else if (plugin_route(sv, r, &who))
    ;
  else if (!read)
    send_error(r, 405, "this address is read-only");
  else
    send_error(r, 404, "no such API; see docs/serve.md");
  baton__serve_who_clear(&who);
}
