/* core/cli/cmd_serve.c: `baton serve`, the live dashboard and its JSON API.
 *
 * The server (core/net/http.c) runs on the host's loop; this file routes its
 * requests:
 *
 *   /, /index.html, /app.js, /style.css   the web UI (web/, in the binary)
 *   /api/health                           {"ok": true, "version": ...}
 *   /api/people, /api/groups, /api/events from the store's C API
 *   /api/plugins                          plugins, their state and routes
 *   /api/events/stream                    Server-Sent Events on each change
 *   /api/NAME/...                         plugin routes (core/lua/lua_http.c)
 *
 * The practices' data (/api/mentoring/pairs, /api/rotation/plans,
 * /api/change/status) comes from routes the practice plugins make with
 * baton.http.route; the plugins are watched and reloaded when their files
 * change (core/runtime/reload.c). Reads are open to anyone who can reach the
 * address (loopback unless --allow-remote); every other method needs the
 * token printed at start-up.
 *
 * The server answers only its own origin (same_origin): a request must
 * name it in Host (an IP address, localhost, or a --host-name), so a page
 * whose name an attacker points at this computer (DNS rebinding) gets
 * 421; and a request sent by a page on another origin (its Origin header)
 * gets 403, whatever it carries. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sys/stat.h>
#include <unistd.h>

#include <jansson.h>
#include <sqlite3.h>
#include <zlib.h>

#include "http.h"
#include "builtin.h"

/* How often the database is checked for changes, and how often an idle
 * stream gets a comment so proxies and browsers keep it open. */
#define POLL_MS 300
#define HEARTBEAT_MS 15000

/* An answer's bytes, shared by the cache and the answers being written
 * from them (no copy per request); freed with the last reference. */
typedef baton_http_shared_t shared_t;

/* A store answer kept until the database changes (db_version): a busy
 * dashboard then costs one query per change, not one per request. */
typedef struct {
  shared_t *body;
  shared_t *gz; /* the body gzipped, made on the first request that takes it */
  long long version;
} cached_t;

typedef struct baton_serve_s {
  baton_cli_t *cli;
  baton_host_t *h;
  baton_store_t *store;
  baton_http_server_t *server;
  uv_timer_t poll;
  uv_timer_t heartbeat;
  long long version; /* data_version + our own changes, last seen */
  char token[49];
  char etags[64][24]; /* per web asset */
  shared_t *gz_assets[64]; /* per web asset, gzipped */
  baton_watch_t *watch;
  int stopping;
  int signal;
  FILE *log;
  cached_t people[2]; /* active; all (?all=1) */
  cached_t groups;
  sqlite3_stmt *data_version;
  long long others; /* PRAGMA data_version at the last poll */
  const char *const *host_names; /* --host-name, besides IP addresses and */
  size_t nhost_names;            /* localhost */
  unsigned route_ms;             /* --route-time-limit; 0: --time-limit */
} serve_t;

static serve_t *the_serve; /* for the drain hook, which gets only the host */

/* ---- answers ------------------------------------------------------------- */

static void send_json(baton_http_req_t *r, int status, json_t *j) {
  baton__http_json(r, status, j, NULL);
}

static void send_error(baton_http_req_t *r, int status, const char *msg) {
  baton__http_json_error(r, status, NULL, msg);
}

static void cache_clear(cached_t *c) {
  baton__http_shared_unref(c->body);
  baton__http_shared_unref(c->gz);
  c->body = c->gz = NULL;
}

/* ---- gzip: answers are compressed once and sent many times --------------
 * A browser asks for gzip (Accept-Encoding); the people of a school as
 * JSON shrink about twelvefold, which is what keeps a room of dashboards
 * on a school's Wi-Fi quick. Compressed with zlib, kept beside the plain
 * bytes, so no request compresses anything. */

/* The client takes gzip: "gzip" among Accept-Encoding's codings, not with
 * q=0. */
static int takes_gzip(baton_http_req_t *r) {
  const char *ae = baton__http_req_header(r, "Accept-Encoding");
  for (const char *s = ae; s && *s;) {
    while (*s == ' ' || *s == ',')
      s++;
    size_t n = strcspn(s, ",");
    size_t tok = strcspn(s, " ;,");
    if (tok == 4 && strncasecmp(s, "gzip", 4) == 0) {
      const char *q = memchr(s, ';', n);
      return !(q && strstr(q, "q=0") && !strstr(q, "q=0."));
    }
    s += n;
  }
  return 0;
}

static shared_t *gzip_of(const char *data, size_t len) {
  shared_t *b = calloc(1, sizeof *b);
  z_stream z;
  memset(&z, 0, sizeof z);
  if (b == NULL || deflateInit2(&z, 6, Z_DEFLATED, 15 + 16, 8,
                                Z_DEFAULT_STRATEGY) != Z_OK) {
    free(b);
    return NULL;
  }
  size_t cap = deflateBound(&z, (uLong)len);
  b->data = malloc(cap);
  z.next_in = (Bytef *)data;
  z.avail_in = (uInt)len;
  z.next_out = (Bytef *)b->data;
  z.avail_out = (uInt)cap;
  int ok = b->data && deflate(&z, Z_FINISH) == Z_STREAM_END;
  b->len = z.total_out;
  deflateEnd(&z);
  if (!ok) {
    free(b->data);
    free(b);
    return NULL;
  }
  b->refs = 1;
  return b;
}

/* Sends b (its own reference is taken), gzipped when gz is given. */
static void send_shared(baton_http_req_t *r, const char *type, shared_t *b,
                        int gz, const char *extra) {
  char headers[256];
  snprintf(headers, sizeof headers, "%sVary: Accept-Encoding\r\n%s",
           gz ? "Content-Encoding: gzip\r\n" : "", extra);
  b->refs++;
  baton__http_respond_ref(r, 200, type, b->data, b->len, headers,
                          baton__http_shared_unref, b);
}

/* Sends c's answer if it is of version v; returns 0 if not. */
static int send_cached(baton_http_req_t *r, cached_t *c, long long v) {
  if (c->body == NULL || c->version != v)
    return 0;
  int gz = takes_gzip(r);
  if (gz && c->gz == NULL)
    c->gz = gzip_of(c->body->data, c->body->len);
  gz = gz && c->gz != NULL;
  send_shared(r, "application/json", gz ? c->gz : c->body, gz,
              "Cache-Control: no-store\r\n");
  return 1;
}

/* Keeps j (taken) as c's answer for version v, and sends it. */
static void send_json_cached(baton_http_req_t *r, cached_t *c, long long v,
                             json_t *j) {
  char *text = baton__http_json_dump(j);
  shared_t *b = baton__http_shared_new(text, text ? strlen(text) : 0);
  if (b == NULL) {
    send_json(r, 200, j); /* answers 500 when out of memory */
    return;
  }
  json_decref(j);
  cache_clear(c);
  c->body = b;
  c->version = v;
  send_cached(r, c, v);
}

static long long known_version(serve_t *sv);

/* ---- the store ----------------------------------------------------------- */

static int add_person(const baton_person_t *p, void *ud) {
  json_t *o = baton__person_to_json(p);
  if (o == NULL)
    return BATON_ENOMEM;
  if (p->role_in_group)
    json_object_set_new(o, "role_in_group", json_string(p->role_in_group));
  return json_array_append_new(ud, o) == 0 ? 0 : BATON_ENOMEM;
}

static void api_people(serve_t *sv, baton_http_req_t *r) {
  char *all = baton__http_query_get(baton__http_req_query(r), "all");
  int include_inactive = all && strcmp(all, "0") != 0;
  free(all);
  long long v = known_version(sv);
  if (send_cached(r, &sv->people[include_inactive], v))
    return;
  json_t *a = json_array();
  if (baton_people_each(sv->store, NULL, 0, include_inactive, add_person,
                        a) != 0) {
    json_decref(a);
    send_error(r, 500, baton_store_last_error(sv->store));
    return;
  }
  send_json_cached(r, &sv->people[include_inactive], v, a);
}

typedef struct {
  serve_t *sv;
  json_t *a;
} groups_ctx_t;

static int add_group(const baton_group_t *g, void *ud) {
  groups_ctx_t *c = ud;
  json_t *members = json_array();
  json_t *o = json_pack("{s:s, s:s?, s:I, s:o}", "name", g->name, "kind",
                        g->kind, "size", (json_int_t)g->members, "members",
                        members);
  if (o == NULL)
    return BATON_ENOMEM;
  json_array_append_new(c->a, o);
  return baton_group_members(c->sv->store, g->name, add_person, members);
}

static void api_groups(serve_t *sv, baton_http_req_t *r) {
  long long v = known_version(sv);
  if (send_cached(r, &sv->groups, v))
    return;
  groups_ctx_t c = {sv, json_array()};
  if (baton_groups_each(sv->store, add_group, &c) != 0) {
    json_decref(c.a);
    send_error(r, 500, baton_store_last_error(sv->store));
    return;
  }
  send_json_cached(r, &sv->groups, v, c.a);
}

static int add_event(const baton_event_t *e, void *ud) {
  json_t *data = NULL;
  if (e->data)
    data = json_loads(e->data, JSON_DECODE_ANY, NULL);
  json_t *o = json_pack("{s:I, s:s, s:s?, s:s?, s:s, s:s?, s:o?}", "id",
                        (json_int_t)e->id, "at", e->at, "actor", e->actor,
                        "plugin", e->plugin, "kind", e->kind, "subject",
                        e->subject, "data", data);
  if (o == NULL)
    return BATON_ENOMEM;
  return json_array_append_new(ud, o) == 0 ? 0 : BATON_ENOMEM;
}

/* ?kind=&since=&plugin=&subject=&limit= (the newest `limit`, oldest
 * first; default 500). */
static void api_events(serve_t *sv, baton_http_req_t *r) {
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
  int e = baton_events_each(sv->store, plugin && *plugin ? plugin : NULL,
                            kind && *kind ? kind : NULL,
                            subject && *subject ? subject : NULL,
                            since && *since ? since : NULL, 0, add_event, a);
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
  /* Keep the newest: the store counts from the oldest. */
  while (json_array_size(a) > (size_t)limit)
    json_array_remove(a, 0);
  send_json(r, 200, a);
}

/* ---- live updates -------------------------------------------------------- */

/* What changes when anyone writes the database: SQLite's data_version
 * counts other connections' commits, total_changes our own. */
static long long db_version(serve_t *sv) {
  sqlite3 *db = baton__store_db(sv->store);
  long long v = 0;
  /* Asked at every poll: prepared once. */
  if (sv->data_version == NULL &&
      sqlite3_prepare_v3(db, "PRAGMA data_version", -1,
                         SQLITE_PREPARE_PERSISTENT, &sv->data_version,
                         NULL) != SQLITE_OK)
    sv->data_version = NULL;
  if (sv->data_version != NULL) {
    if (sqlite3_step(sv->data_version) == SQLITE_ROW)
      v = sqlite3_column_int64(sv->data_version, 0);
    sqlite3_reset(sv->data_version);
  }
  sv->others = v;
  return v * 1000003 + sqlite3_total_changes64(db);
}

/* The same without asking SQLite about other connections (a read
 * transaction: file locks and a look at the WAL index, the main cost of a
 * cached answer): their commits as last polled, which is what the event
 * stream has told the dashboards; our own changes counted at once. */
static long long known_version(serve_t *sv) {
  return sv->others * 1000003 +
         sqlite3_total_changes64(baton__store_db(sv->store));
}

static void on_poll(uv_timer_t *t) {
  serve_t *sv = t->data;
  long long v = db_version(sv);
  if (v == sv->version)
    return;
  sv->version = v;
  if (baton__http_server_streams(sv->server) == 0)
    return;
  char msg[96];
  int n = snprintf(msg, sizeof msg, "event: change\ndata: {\"version\":%lld}\n\n",
                   v);
  baton__http_broadcast(sv->server, msg, (size_t)n);
}

static void on_heartbeat(uv_timer_t *t) {
  serve_t *sv = t->data;
  static const char ping[] = ": ping\n\n";
  baton__http_broadcast(sv->server, ping, sizeof ping - 1);
}

static void api_stream(serve_t *sv, baton_http_req_t *r) {
  char first[96];
  int n = snprintf(first, sizeof first,
                   "retry: 1000\nevent: hello\ndata: {\"version\":%lld}\n\n",
                   sv->version);
  baton__http_stream(r, "text/event-stream", NULL, first, (size_t)n);
}

/* ---- static files -------------------------------------------------------- */

/* FNV-1a: an ETag that changes when the file does. */
static void make_etag(char out[24], const unsigned char *d, size_t n) {
  unsigned long long h = 1469598103934665603ULL;
  for (size_t i = 0; i < n; i++)
    h = (h ^ d[i]) * 1099511628211ULL;
  snprintf(out, 24, "\"%016llx\"", h);
}

static int serve_asset(serve_t *sv, baton_http_req_t *r, const char *path) {
  if (strcmp(path, "/") == 0)
    path = "/index.html";
  for (size_t i = 0; i < baton__web_nassets; i++) {
    const baton_web_asset_t *a = &baton__web_assets[i];
    if (strcmp(a->path, path) != 0)
      continue;
    shared_t *gz = i < 64 && takes_gzip(r) ? sv->gz_assets[i] : NULL;
    /* The gzipped bytes are another representation: another ETag. */
    char etag[32];
    snprintf(etag, sizeof etag, "%.17s%s\"", i < 64 ? sv->etags[i] : "\"0",
             gz ? "-gz" : "");
    char headers[160];
    /* Revalidate every time (cheap: 304), so a new baton's UI shows at
     * once; the ETag saves sending the file again. */
    snprintf(headers, sizeof headers,
             "Cache-Control: no-cache\r\nETag: %s\r\n", etag);
    const char *inm = baton__http_req_header(r, "If-None-Match");
    if (inm && strcmp(inm, etag) == 0) {
      baton__http_respond(r, 304, a->type, NULL, 0, headers);
    } else if (gz) {
      send_shared(r, a->type, gz, 1, headers);
    } else {
      snprintf(headers + strlen(headers), sizeof headers - strlen(headers),
               "Vary: Accept-Encoding\r\n");
      baton__http_respond_ref(r, 200, a->type, (const char *)a->data, a->len,
                              headers, NULL, NULL); /* in the binary */
    }
    return 1;
  }
  return 0;
}

/* ---- routing ------------------------------------------------------------- */

/* 1 if the request carries the token; else answers 401 or 403. */
static int authorised(serve_t *sv, baton_http_req_t *r) {
  const char *a = baton__http_req_header(r, "Authorization");
  if (a == NULL || strncasecmp(a, "Bearer ", 7) != 0) {
    send_error(r, 401, "writes need the token printed by baton serve: "
                       "Authorization: Bearer TOKEN");
    return 0;
  }
  a += 7;
  /* Compared in constant time. */
  size_t n = strlen(sv->token), m = strlen(a);
  unsigned diff = m != n;
  for (size_t i = 0; i < n; i++)
    diff |= (unsigned)((unsigned char)(i < m ? a[i] : 0) ^
                       (unsigned char)sv->token[i]);
  if (diff) {
    send_error(r, 403, "wrong token: use the one baton serve printed");
    return 0;
  }
  return 1;
}

/* What plugins there are, how they stand and what they answer. */
static void api_plugins(serve_t *sv, baton_http_req_t *r) {
  json_t *a = json_array();
  for (size_t i = 0; i < baton_host_plugin_count(sv->h); i++) {
    baton_plugin_t *p = baton_host_plugin_at(sv->h, i);
    json_t *routes = json_array();
    for (baton_route_t *rt = p->routes; rt; rt = rt->next)
      json_array_append_new(routes, json_pack("{s:s, s:s}", "method",
                                              rt->method, "path", rt->path));
    json_array_append_new(
        a, json_pack("{s:s, s:s?, s:s, s:s?, s:s?, s:o}", "name", p->name,
                     "namespace", p->m ? p->m->ns : NULL, "state",
                     baton_plugin_state(p), "error", p->error,
                     "reload_error", p->reload_error, "routes", routes));
  }
  send_json(r, 200, a);
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
    send_error(r, 400, nhost ? "the request has more than one Host header; "
                               "send exactly one"
                             : "the request has no Host header; send the "
                               "address's host, e.g. Host: 127.0.0.1:8080");
    return 0;
  }
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
    baton__buf_printf(&b, "; this request was for '%.*s' (a name that is "
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
    send_error(r, 403, "a page of another origin may not use this server: "
                       "the request's Origin is not this server's address "
                       "(Host); open the dashboard at this server's own "
                       "address");
    return 0;
  }
  return 1;
}

static void handle(baton_http_req_t *r, void *ud) {
  serve_t *sv = ud;
  const char *m = baton__http_req_method(r);
  const char *path = baton__http_req_path(r);
  int read = strcmp(m, "GET") == 0 || strcmp(m, "HEAD") == 0;
  if (!same_origin(sv, r))
    return;
  if (!read && !authorised(sv, r))
    return;
  if (strncmp(path, "/api/", 5) != 0) {
    if (!read)
      send_error(r, 405, "this address is read-only");
    else if (!serve_asset(sv, r, path))
      send_error(r, 404, "no such page");
    return;
  }
  const char *api = path + 4;
  if (read && strcmp(api, "/health") == 0)
    send_json(r, 200,
              json_pack("{s:b, s:s, s:I}", "ok", 1, "version", BATON_VERSION,
                        "data_version", (json_int_t)sv->version));
  else if (read && strcmp(api, "/people") == 0)
    api_people(sv, r);
  else if (read && strcmp(api, "/groups") == 0)
    api_groups(sv, r);
  else if (read && strcmp(api, "/events") == 0)
    api_events(sv, r);
  else if (read && strcmp(api, "/events/stream") == 0)
    api_stream(sv, r);
  else if (read && strcmp(api, "/plugins") == 0)
    api_plugins(sv, r);
  else if (baton__route_dispatch(
               sv->h, r,
               &(baton_route_ctx_t){sv->log, known_version(sv), sv->route_ms}))
    return;
  else if (!read)
    send_error(r, 405, "this address is read-only");
  else
    send_error(r, 404, "no such API; see docs/serve.md");
}

/* ---- start and stop ------------------------------------------------------ */

static void on_server_closed(baton_http_server_t *s, void *ud) {
  serve_t *sv = ud;
  sv->server = NULL;
  uv_stop(&sv->h->loop);
}

/* SIGINT/SIGTERM (through the host's drain hook): stop accepting, let the
 * answers being written finish, then end the loop. */
static void drain(baton_host_t *h) {
  serve_t *sv = the_serve;
  if (sv == NULL || sv->stopping)
    return;
  sv->stopping = 1;
  sv->signal = h->signal;
  h->signal = 0; /* handled: not an interruption of half-done work */
  uv_timer_stop(&sv->poll);
  uv_timer_stop(&sv->heartbeat);
  baton__watch_stop(sv->watch);
  sv->watch = NULL;
  if (sv->server)
    baton__http_server_close(sv->server, on_server_closed, sv);
  else
    uv_stop(&h->loop);
}

static int is_loopback(const struct sockaddr *a) {
  if (a->sa_family == AF_INET)
    return (ntohl(((const struct sockaddr_in *)a)->sin_addr.s_addr) >> 24) ==
           127;
  const struct sockaddr_in6 *a6 = (const struct sockaddr_in6 *)a;
  static const unsigned char lo6[16] = {[15] = 1};
  return memcmp(&a6->sin6_addr, lo6, 16) == 0;
}

/* "HOST:PORT", "[V6]:PORT", ":PORT" or "PORT"; localhost is 127.0.0.1.
 * Returns 0 or BATON_EUSAGE. */
static int parse_listen(const char *s, struct sockaddr_storage *ss) {
  char host[64] = "127.0.0.1";
  const char *port = s;
  if (s[0] == '[') {
    const char *end = strchr(s, ']');
    if (end == NULL || end[1] != ':' || (size_t)(end - s - 1) >= sizeof host)
      return BATON_EUSAGE;
    snprintf(host, sizeof host, "%.*s", (int)(end - s - 1), s + 1);
    port = end + 2;
  } else if (strchr(s, ':') != NULL) {
    const char *colon = strrchr(s, ':');
    if ((size_t)(colon - s) >= sizeof host)
      return BATON_EUSAGE;
    if (colon > s)
      snprintf(host, sizeof host, "%.*s", (int)(colon - s), s);
    port = colon + 1;
  }
  char *end;
  long p = strtol(port, &end, 10);
  if (*port == '\0' || *end != '\0' || p < 0 || p > 65535)
    return BATON_EUSAGE;
  if (strcmp(host, "localhost") == 0)
    snprintf(host, sizeof host, "127.0.0.1");
  if (uv_ip4_addr(host, (int)p, (struct sockaddr_in *)ss) == 0)
    return 0;
  if (uv_ip6_addr(host, (int)p, (struct sockaddr_in6 *)ss) == 0)
    return 0;
  return BATON_EUSAGE;
}

static void open_browser(serve_t *sv, const char *url) {
  uv_process_t *proc = calloc(1, sizeof *proc);
  char *args[] = {"xdg-open", (char *)url, NULL};
  uv_process_options_t o = {0};
  o.file = "xdg-open";
  o.args = args;
  o.flags = UV_PROCESS_DETACHED;
  uv_stdio_container_t stdio[3] = {{.flags = UV_IGNORE},
                                   {.flags = UV_IGNORE},
                                   {.flags = UV_IGNORE}};
  o.stdio = stdio;
  o.stdio_count = 3;
  if (proc == NULL || uv_spawn(&sv->h->loop, proc, &o) != 0) {
    fprintf(sv->log, "baton serve: could not start a browser (xdg-open); "
                     "open %s yourself\n", url);
    if (proc && uv_is_active((uv_handle_t *)proc))
      uv_close((uv_handle_t *)proc, (uv_close_cb)free);
    else if (proc)
      uv_close((uv_handle_t *)proc, (uv_close_cb)free);
    return;
  }
  uv_unref((uv_handle_t *)proc);
  uv_close((uv_handle_t *)proc, (uv_close_cb)free);
}

static void make_token(char *out, size_t n) {
  unsigned char raw[24];
  if (uv_random(NULL, NULL, raw, sizeof raw, 0, NULL) != 0) {
    /* No entropy source: still a token, but say nothing secret of it. */
    unsigned long long x = uv_hrtime() ^ (unsigned long long)(uintptr_t)out;
    for (size_t i = 0; i < sizeof raw; i++, x = x * 6364136223846793005ULL + 1)
      raw[i] = (unsigned char)(x >> 33);
  }
  for (size_t i = 0; i < sizeof raw && 2 * i + 2 < n; i++)
    snprintf(out + 2 * i, 3, "%02x", raw[i]);
}

/* Plugins that answer requests (permission http.route) load now, so
 * their routes exist from the first request; one that fails is logged and
 * shown by /api/plugins, and the others serve. */
static void load_route_plugins(serve_t *sv) {
  baton_host_t *h = sv->h;
  if (!h->scanned && baton_host_scan(h) != 0) {
    fprintf(sv->log, "baton serve: %s\n", baton_host_last_error(h));
    return;
  }
  for (size_t i = 0; i < h->nplugins; i++) {
    baton_plugin_t *p = h->plugins[i];
    if (p->state == BATON_PLUGIN_AVAILABLE && (p->perms & BATON_PERM_HTTP_ROUTE)
        && baton__plugin_load(p) != 0)
      fprintf(sv->log, "baton serve: plugin '%s' failed to load, so its "
                       "routes are missing: %s\n", p->name, p->error);
  }
}

/* A plugin's files changed and it was reloaded, or kept its last good
 * version: say so in the log and tell the dashboards. */
static void on_reload(baton_host_t *h, const char *plugin, const char *error,
                      void *ud) {
  (void)h;
  serve_t *sv = ud;
  if (error)
    fprintf(sv->log, "baton serve: plugin '%s' failed to reload; its last "
                     "good version goes on: %s\n", plugin, error);
  else if (!sv->cli->opts.quiet)
    fprintf(sv->log, "baton serve: reloaded plugin '%s'\n", plugin);
  json_t *j = json_pack("{s:s, s:s?}", "plugin", plugin, "error", error);
  char *data = j ? json_dumps(j, JSON_COMPACT) : NULL;
  char *msg = data ? baton__asprintf("event: plugins\ndata: %s\n\n", data)
                   : NULL;
  if (msg && sv->server)
    baton__http_broadcast(sv->server, msg, strlen(msg));
  free(msg);
  free(data);
  json_decref(j);
}

/* What the router keeps between requests (the cached answers). */
static void serve_clear(serve_t *sv) {
  sqlite3_finalize(sv->data_version);
  sv->data_version = NULL;
  cache_clear(&sv->people[0]);
  cache_clear(&sv->people[1]);
  cache_clear(&sv->groups);
  for (size_t i = 0; i < 64; i++) {
    baton__http_shared_unref(sv->gz_assets[i]);
    sv->gz_assets[i] = NULL;
  }
}

/* Once the store is open: the plugins' routes, the web assets' ETags and
 * the data version. */
static void serve_prepare(serve_t *sv) {
  load_route_plugins(sv);
  for (size_t i = 0; i < baton__web_nassets && i < 64; i++) {
    make_etag(sv->etags[i], baton__web_assets[i].data,
              baton__web_assets[i].len);
    sv->gz_assets[i] = gzip_of((const char *)baton__web_assets[i].data,
                               baton__web_assets[i].len);
  }
  sv->version = db_version(sv);
}

/* ---- restarting after a plugin got stuck ---------------------------------
 * A plugin stuck inside a C call (a string pattern that backtracks without
 * end) cannot be unwound; for a command baton exits. A server instead
 * replaces itself (execve from the watchdog, core/runtime/watchdog.c) with the
 * same command line, keeping its listening socket, token and dashboards' URL:
 * only the stuck request and the open connections are lost, and the
 * dashboards' event streams reconnect. These variables carry the socket
 * and the token across the exec; they are removed from the environment at
 * once so no plugin's program sees them. The token itself is not in the
 * environment, which /proc/PID/environ shows for the whole life of the
 * process whatever unsetenv does: the watchdog writes it into a pipe just
 * before the exec and ENV_TOKEN_FD names the pipe, which the new program
 * reads and closes at start. */
extern char **environ;

#define ENV_FD "BATON_SERVE_FD"
#define ENV_TOKEN_FD "BATON_SERVE_TOKEN_FD"
#define ENV_RESTART "BATON_SERVE_RESTART" /* "N START": Nth restart since */
#define MAX_RESTARTS 5                    /* in RESTART_WINDOW s, then exit */
#define RESTART_WINDOW 60

typedef struct {
  int fd;          /* the inherited listening socket, or -1 */
  int token;       /* the token came with it (else a new one is made) */
  int restarts;    /* how many restarts led here */
  long long since; /* when the first of them happened (time(NULL)) */
} inherited_t;

/* Reads the token from the pipe at fd (see give_up in core/runtime/watchdog.c)
 * and closes it. Returns 0, or -1 when fd is not a pipe holding a token
 * (sv->token is then untouched). */
static int read_token(serve_t *sv, int fd) {
  struct stat st;
  char buf[sizeof sv->token];
  size_t n = 0;
  if (fd < 0 || fstat(fd, &st) != 0 || !S_ISFIFO(st.st_mode))
    return -1;
  for (ssize_t k; n < sizeof buf - 1; n += (size_t)k)
    if ((k = read(fd, buf + n, sizeof buf - 1 - n)) <= 0)
      break;
  close(fd);
  buf[n] = '\0';
  if (n != sizeof buf - 1 || strspn(buf, "0123456789abcdef") != n)
    return -1;
  memcpy(sv->token, buf, sizeof buf);
  return 0;
}

static void take_inherited(serve_t *sv, inherited_t *in) {
  in->fd = -1;
  in->token = 0;
  in->restarts = 0;
  in->since = 0;
  const char *fd = getenv(ENV_FD), *token_fd = getenv(ENV_TOKEN_FD);
  const char *restart = getenv(ENV_RESTART);
  if (fd) {
    in->fd = atoi(fd);
    in->token = token_fd && read_token(sv, atoi(token_fd)) == 0;
    if (restart == NULL ||
        sscanf(restart, "%d %lld", &in->restarts, &in->since) != 2)
      in->restarts = 1, in->since = (long long)time(NULL);
  }
  unsetenv(ENV_FD);
  unsetenv(ENV_TOKEN_FD);
  unsetenv(ENV_RESTART);
}

static void respawn_free(baton_host_t *h) {
  for (char **e = h->respawn.envp; e && *e; e++)
    if (strncmp(*e, "BATON_SERVE_", 12) == 0)
      free(*e);
  free(h->respawn.envp);
  free(h->respawn.argv);
  free(h->respawn.path);
  memset(&h->respawn, 0, sizeof h->respawn);
}

/* Prepares everything the watchdog needs to exec, so that it then calls
 * only async-signal-safe functions. Not armed once MAX_RESTARTS happened
 * within RESTART_WINDOW seconds: a plugin that keeps getting stuck ends
 * the server, as it ends a command. */
static void respawn_arm(serve_t *sv, const inherited_t *in) {
  baton_host_t *h = sv->h;
  long long now = (long long)time(NULL);
  int next = in->restarts + 1;
  long long since = in->since;
  if (in->restarts == 0 || now - in->since > RESTART_WINDOW)
    next = 1, since = now;
  if (next > MAX_RESTARTS)
    return;
  char path[4096];
  size_t len = sizeof path;
  if (uv_exepath(path, &len) != 0)
    return;
  size_t nenv = 0;
  while (environ[nenv])
    nenv++;
  h->respawn.path = baton__strdup(path);
  h->respawn.argv = calloc((size_t)sv->cli->argc + 2, sizeof(char *));
  h->respawn.envp = calloc(nenv + 4, sizeof(char *));
  if (h->respawn.path == NULL || h->respawn.argv == NULL ||
      h->respawn.envp == NULL) {
    respawn_free(h);
    return;
  }
  h->respawn.argv[0] = "baton";
  for (int i = 0; i < sv->cli->argc; i++)
    h->respawn.argv[i + 1] = sv->cli->argv[i];
  memcpy(h->respawn.envp, environ, nenv * sizeof(char *));
  int fd = baton__http_server_fd(sv->server);
  h->respawn.envp[nenv] = baton__asprintf(ENV_FD "=%d", fd);
  /* The watchdog writes the pipe's number over the "-1". */
  h->respawn.envp[nenv + 1] = baton__asprintf(ENV_TOKEN_FD "=-1%10s", "");
  h->respawn.token_env = h->respawn.envp[nenv + 1];
  memcpy(h->respawn.token, sv->token, sizeof h->respawn.token);
  h->respawn.envp[nenv + 2] =
      baton__asprintf(ENV_RESTART "=%d %lld", next, since);
  if (fd < 0 || !h->respawn.envp[nenv] || !h->respawn.envp[nenv + 1] ||
      !h->respawn.envp[nenv + 2]) {
    respawn_free(h);
    return;
  }
  h->respawn.fd = fd;
}

/* NULL if every --host-name is a host name (letters, digits, '-' and
 * '.'), else the first that is not. */
static const char *bad_host_name(const baton_value_t *names) {
  for (size_t i = 0; i < names->nitems; i++) {
    const char *n = names->items[i].v.s;
    size_t len = strlen(n);
    if (len == 0 || len > 253 || n[0] == '-' || n[0] == '.' ||
        strspn(n, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                  "0123456789-.") != len)
      return n;
  }
  return NULL;
}

/* baton serve [--listen ADDR] [--open] [--allow-remote] [--host-name NAME]...
 * [--route-time-limit SECONDS] [--streams-per-client N] */
static int cmd_serve(baton_cli_t *cli, const baton_cmdspec_t *spec,
                     baton_value_t *args, int argc, const char *const *argv) {
  baton_host_t *h = cli->host;
  const char *listen = args[0].v.s;
  int open = args[1].v.b, allow_remote = args[2].v.b;
  struct sockaddr_storage ss;
  memset(&ss, 0, sizeof ss);
  if (parse_listen(listen, &ss) != 0) {
    baton__usage_error(h, spec, "baton serve",
                       "--listen expects HOST:PORT, e.g. 127.0.0.1:8080");
    return 2;
  }
  const char *bad = bad_host_name(&args[3]);
  if (bad != NULL) {
    char *m = baton__asprintf("--host-name expects a host name such as "
                              "baton.school.lan (letters, digits, '-' and "
                              "'.', no port), not '%s'", bad);
    baton__usage_error(h, spec, "baton serve", m ? m : "bad --host-name");
    free(m);
    return 2;
  }
  long long per_client = args[5].v.i;
  if (per_client < 0 || per_client > 100000) {
    baton__usage_error(h, spec, "baton serve",
                       "--streams-per-client expects a count from 0 (no "
                       "limit) up");
    return 2;
  }
  double route_s = args[4].v.n;
  if (!(route_s >= 0 && route_s <= 86400)) {
    baton__usage_error(h, spec, "baton serve",
                       "--route-time-limit expects seconds from 0 (the "
                       "--time-limit only) to 86400");
    return 2;
  }
  if (!is_loopback((struct sockaddr *)&ss) && !allow_remote) {
    baton__host_report(h, NULL,
                       "--listen names an address other computers can reach",
                       "add --allow-remote if that is what you want (anyone "
                       "on the network can then read the dashboard)");
    return 2;
  }
  serve_t *sv = calloc(1, sizeof *sv);
  if (sv == NULL) {
    baton__host_report(h, NULL, "out of memory", NULL);
    return 1;
  }
  sv->cli = cli;
  sv->h = h;
  sv->log = cli->err;
  sv->route_ms = (unsigned)(route_s * 1000);
  const char **names = calloc(args[3].nitems + 1, sizeof *names);
  for (size_t i = 0; names && i < args[3].nitems; i++)
    names[i] = args[3].items[i].v.s;
  sv->host_names = names;
  sv->nhost_names = names ? args[3].nitems : 0;
  int status = 1;
  if (baton__host_store(h, &sv->store) != 0) {
    baton__host_report(h, NULL, baton_host_last_error(h), NULL);
    goto fail_store;
  }
  inherited_t in;
  take_inherited(sv, &in);
  if (!in.token)
    make_token(sv->token, sizeof sv->token);
  serve_prepare(sv);
  int port = 0;
  baton_http_limits_t limits;
  baton__http_limits_init(&limits);
  limits.max_client_streams = (unsigned)per_client;
  int e = baton__http_server_adopt(&sv->server, &h->loop,
                                   (struct sockaddr *)&ss, in.fd, &limits,
                                   handle, sv, &port);
  if (e != 0) {
    char *m = baton__asprintf("cannot listen on %s: %s", listen,
                              uv_strerror(e));
    baton__host_report(h, NULL, m,
                       e == UV_EADDRINUSE
                           ? "another program uses that port: choose another "
                             "with --listen 127.0.0.1:PORT"
                           : NULL);
    free(m);
    goto fail_listen;
  }
  if (baton__watch_start(&sv->watch, h, on_reload, sv) != 0)
    fprintf(sv->log, "baton serve: cannot watch the plugins' files, so "
                     "changes to them need a restart\n");
  uv_timer_init(&h->loop, &sv->poll);
  sv->poll.data = sv;
  uv_timer_start(&sv->poll, on_poll, POLL_MS, POLL_MS);
  uv_timer_init(&h->loop, &sv->heartbeat);
  sv->heartbeat.data = sv;
  uv_timer_start(&sv->heartbeat, on_heartbeat, HEARTBEAT_MS, HEARTBEAT_MS);

  char hostbuf[64];
  if (ss.ss_family == AF_INET6) {
    char a[48];
    uv_ip6_name((struct sockaddr_in6 *)&ss, a, sizeof a);
    snprintf(hostbuf, sizeof hostbuf, "[%s]", a);
  } else {
    uv_ip4_name((struct sockaddr_in *)&ss, hostbuf, sizeof hostbuf);
  }
  char url[128];
  snprintf(url, sizeof url, "http://%s:%d/", hostbuf, port);
  if (!is_loopback((struct sockaddr *)&ss))
    fprintf(cli->err,
            "baton serve: warning: listening on %s, which other computers "
            "can reach; anyone who can reach it can read the dashboard\n",
            hostbuf);
  respawn_arm(sv, &in);
  if (in.fd >= 0 && in.token)
    fprintf(cli->err, "baton serve: restarted (%d in the last minute); "
                      "dashboard at %s, same token\n", in.restarts, url);
  else if (in.fd >= 0)
    fprintf(cli->err, "baton serve: restarted (%d in the last minute); "
                      "dashboard at %s; the token was lost, the new write "
                      "token is %s\n", in.restarts, url, sv->token);
  else if (cli->opts.json)
    fprintf(cli->out, "{\"url\":\"%s\",\"token\":\"%s\",\"db\":\"%s\"}\n", url,
            sv->token, baton_store_path(sv->store));
  else
    fprintf(cli->out,
            "baton serve: dashboard at %s\n"
            "baton serve: database %s\n"
            "baton serve: write token %s (send as Authorization: Bearer "
            "TOKEN)\n"
            "baton serve: press Ctrl-C to stop\n",
            url, baton_store_path(sv->store), sv->token);
  fflush(cli->out);
  if (open && in.fd < 0)
    open_browser(sv, url);

  the_serve = sv;
  baton__host_set_drain(h, drain);
  baton__host_signals(h, 1);
  uv_run(&h->loop, UV_RUN_DEFAULT);
  baton__host_signals(h, 0);
  baton__host_set_drain(h, NULL);
  the_serve = NULL;
  if (!cli->opts.quiet)
    fprintf(cli->err, "baton serve: stopped%s\n",
            sv->signal ? " (signal); every answer in progress was sent" : "");
  status = 0;
  if (sv->server) /* the loop ended without a signal: close it now */
    baton__http_server_close(sv->server, NULL, NULL);
  baton__watch_stop(sv->watch);
  uv_close((uv_handle_t *)&sv->poll, NULL);
  uv_close((uv_handle_t *)&sv->heartbeat, NULL);
  /* Let the close callbacks run before sv goes. */
  uv_run(&h->loop, UV_RUN_NOWAIT);
  respawn_free(h);
  serve_clear(sv);
fail_listen:
fail_store:
  free(names);
  free(sv);
  return status;
}

static baton_argspec_t serve_args[] = {
    {.name = "listen", .key = "listen", .flag = 1, .type = BATON_ARG_STRING,
     .def = {.set = 1, .type = BATON_ARG_STRING, .v.s = "127.0.0.1:8080"},
     .help = "address and port to listen on (port 0: any free port)",
     .metavar = "HOST:PORT"},
    {.name = "open", .key = "open", .flag = 1, .type = BATON_ARG_BOOLEAN,
     .help = "open the dashboard in the default browser"},
    {.name = "allow-remote", .key = "allow_remote", .flag = 1,
     .type = BATON_ARG_BOOLEAN,
     .help = "allow --listen on an address other computers can reach"},
    {.name = "host-name", .key = "host_name", .flag = 1, .many = 1,
     .type = BATON_ARG_STRING, .metavar = "NAME",
     .help = "a name the server is reached under besides its IP addresses "
             "and localhost (baton.school.lan); requests for any other "
             "name get 421"},
    {.name = "route-time-limit", .key = "route_time_limit", .flag = 1,
     .type = BATON_ARG_NUMBER, .metavar = "SECONDS",
     .def = {.set = 1, .type = BATON_ARG_NUMBER, .v.n = 5},
     .help = "how long a plugin's route may take before it is answered "
             "503 (0: only --time-limit)"},
    {.name = "streams-per-client", .key = "streams_per_client", .flag = 1,
     .type = BATON_ARG_INTEGER, .metavar = "N",
     .def = {.set = 1, .type = BATON_ARG_INTEGER, .v.i = 8},
     .help = "live-update streams one client address may hold (429 past "
             "it); 0: no limit, for a proxy in front, through which every "
             "client comes from one address"},
};

const baton_builtin_t baton__serve_commands[] = {
    {NULL,
     {.name = "serve",
      .summary = "Serve the live dashboard and JSON API in the browser",
      .help = "Prints the dashboard's address and a write token, then serves "
              "until Ctrl-C. Read-only for anyone who can reach the address "
              "(this computer only, unless --allow-remote); writes to plugins' "
              "routes need the token. The page updates within a second when "
              "the database changes, and a plugin is reloaded when its files "
              "change (a broken one keeps its last good version). It answers "
              "only requests for its own addresses (Host: an IP address, "
              "localhost or a --host-name) from its own pages (Origin). See "
              "docs/serve.md.",
      .args = serve_args,
      .nargs = sizeof serve_args / sizeof *serve_args},
     cmd_serve},
};
const size_t baton__serve_ncommands = 1;

/* ---- the router alone (tests/fuzz/fuzz_http.c) ---------------------------
 * The handler of `baton serve` with its store and plugins' routes, for a
 * server started without an address (requests come through
 * baton__http_pipe_open): no listener, timers, watcher or signals. */

baton_serve_t *baton__serve_router_new(baton_host_t *h, FILE *log,
                                       const char *token) {
  serve_t *sv = calloc(1, sizeof *sv);
  if (sv == NULL)
    return NULL;
  sv->h = h;
  sv->log = log;
  if (baton__host_store(h, &sv->store) != 0) {
    free(sv);
    return NULL;
  }
  sv->route_ms = 5000;
  if (token != NULL)
    snprintf(sv->token, sizeof sv->token, "%s", token);
  else
    make_token(sv->token, sizeof sv->token);
  serve_prepare(sv);
  return sv;
}

void baton__serve_router_handle(baton_http_req_t *r, void *router) {
  handle(r, router);
}

void baton__serve_router_free(baton_serve_t *sv) {
  if (sv == NULL)
    return;
  serve_clear(sv);
  free(sv);
}
