/* core/cli/serve/serve.c: `baton serve`, the live dashboard and its JSON
 * API. This file starts and stops it; serve.h says where the rest is.
 *
 * The server (core/net/http.c) runs on the host's loop; router.c routes its
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
 * change (core/runtime/reload.c). People sign in (signin.c, auth.c): on
 * loopback reads are open and the one-time URL printed at start-up signs
 * the operator in; with --allow-remote only the sign-in pages are open.
 * Writes need a signed-in staff member or coordinator (with the session's
 * CSRF token) or the token printed at start-up.
 *
 * The server answers only its own origin (same_origin): a request must
 * name it in Host (an IP address, localhost, or a --host-name), so a page
 * whose name an attacker points at this computer (DNS rebinding) gets
 * 421; and a request sent by a page on another origin (its Origin header)
 * gets 403, whatever it carries (router.c). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sys/stat.h>
#include <unistd.h>

#include <jansson.h>
#include <sqlite3.h>

#include "listen.h"
#include "serve.h"

static serve_t *the_serve; /* for the drain hook, which gets only the host */

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
  baton__serve_live_stop(sv);
  uv_timer_stop(&sv->heartbeat);
  if (sv->auth && sv->auth->purging)
    uv_timer_stop(&sv->auth->purge);
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
  uv_stdio_container_t stdio[3] = {
      {.flags = UV_IGNORE}, {.flags = UV_IGNORE}, {.flags = UV_IGNORE}};
  o.stdio = stdio;
  o.stdio_count = 3;
  if (proc == NULL || uv_spawn(&sv->h->loop, proc, &o) != 0) {
    fprintf(sv->log,
            "baton serve: could not start a browser (xdg-open); "
            "open %s yourself\n",
            url);
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
    if (p->state == BATON_PLUGIN_AVAILABLE &&
        (p->perms & BATON_PERM_HTTP_ROUTE) && baton__plugin_load(p) != 0)
      fprintf(sv->log,
              "baton serve: plugin '%s' failed to load, so its "
              "routes are missing: %s\n",
              p->name, p->error);
  }
}

/* A plugin's files changed and it was reloaded, or kept its last good
 * version: say so in the log and tell the dashboards. */
static void on_reload(baton_host_t *h, const char *plugin, const char *error,
                      void *ud) {
  (void)h;
  serve_t *sv = ud;
  if (error)
    fprintf(sv->log,
            "baton serve: plugin '%s' failed to reload; its last "
            "good version goes on: %s\n",
            plugin, error);
  else if (!sv->cli->opts.quiet)
    fprintf(sv->log, "baton serve: reloaded plugin '%s'\n", plugin);
  json_t *j = json_pack("{s:s, s:s?}", "plugin", plugin, "error", error);
  char *data = j ? json_dumps(j, JSON_COMPACT) : NULL;
  char *msg =
      data ? baton__asprintf("event: plugins\ndata: %s\n\n", data) : NULL;
  if (msg && sv->server)
    baton__http_broadcast(sv->server, msg, strlen(msg));
  free(msg);
  free(data);
  json_decref(j);
}

/* What the router keeps between requests (the cached answers, the
 * sessions). */
static void serve_clear(serve_t *sv) {
  baton__serve_auth_free(sv);
  baton__serve_workshop_free(sv);
  sqlite3_finalize(sv->data_version);
  sv->data_version = NULL;
  baton__serve_answers_clear(sv);
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
    baton__serve_make_etag(sv->etags[i], baton__web_assets[i].data,
                           baton__web_assets[i].len);
    sv->gz_assets[i] = baton__serve_gzip_of(
        (const char *)baton__web_assets[i].data, baton__web_assets[i].len);
  }
  sv->version = baton__serve_db_version(sv);
}

/* The address participants' phones open: the listening address, or for
 * a wildcard (0.0.0.0, ::) this computer's first address on a network
 * (not loopback). */
static void workshop_base(const struct sockaddr_storage *ss,
                          const char *hostbuf, int port, char *out, size_t n) {
  int wildcard =
      strcmp(hostbuf, "0.0.0.0") == 0 || strcmp(hostbuf, "[::]") == 0;
  char ip[64] = "";
  uv_interface_address_t *ifs = NULL;
  int count = 0;
  if (wildcard && uv_interface_addresses(&ifs, &count) == 0) {
    for (int i = 0; i < count && ip[0] == '\0'; i++)
      if (!ifs[i].is_internal && ifs[i].address.address4.sin_family == AF_INET)
        uv_ip4_name(&ifs[i].address.address4, ip, sizeof ip);
    uv_free_interface_addresses(ifs, count);
  }
  (void)ss;
  snprintf(out, n, "http://%s:%d",
           ip[0]      ? ip
           : wildcard ? "127.0.0.1"
                      : hostbuf,
           port);
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

/* Hourly: the store's expired sessions go. */
static void on_purge(uv_timer_t *t) { baton__serve_purge(t->data); }

/* baton serve [--listen ADDR] [--open] [--allow-remote] [--host-name NAME]...
 * [--route-time-limit SECONDS] [--streams-per-client N] [--session-hours N]
 * [--links-only] */
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
                              "'.', no port), not '%s'",
                              bad);
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
  int workshop = args[9].v.b;
  double ws_minutes = args[10].v.n;
  long long ws_cap = args[11].v.i;
  if (workshop && !(ws_minutes > 0 && ws_minutes <= 24 * 60)) {
    baton__usage_error(h, spec, "baton serve",
                       "--workshop-minutes expects minutes, more than 0 and "
                       "at most 1440: how long the join code works");
    return 2;
  }
  if (workshop && (ws_cap < 1 || ws_cap > 500)) {
    baton__usage_error(h, spec, "baton serve",
                       "--workshop-cap expects a number of participants "
                       "from 1 to 500");
    return 2;
  }
  long long session_h = args[6].v.i;
  if (session_h < 1 || session_h > 24 * 366) {
    baton__usage_error(h, spec, "baton serve",
                       "--session-hours expects hours from 1 to 8784 (a "
                       "year): how long a sign-in lasts");
    return 2;
  }
  if (!is_loopback((struct sockaddr *)&ss) && !allow_remote) {
    baton__host_report(h, NULL,
                       "--listen names an address other computers can reach",
                       "add --allow-remote if that is what you want (people "
                       "on the network then sign in first: baton users "
                       "invite)");
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
  if (baton__serve_trust_proxies(sv, spec, &args[8], allow_remote) != 0) {
    free(sv);
    return 2;
  }
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
  if (workshop && !baton__serve_demo_info(sv, NULL, NULL)) {
    baton__host_report(h, NULL,
                       "--workshop works only on a database `baton demo` "
                       "made, so that participants never touch a school's "
                       "real data",
                       "start the workshop with `baton demo --workshop` (or "
                       "give --db the demo's database)");
    status = 2;
    goto fail_store;
  }
  inherited_t in;
  baton__serve_take_inherited(sv, &in);
  if (!in.token)
    make_token(sv->token, sizeof sv->token);
  serve_prepare(sv);
  int loopback = is_loopback((struct sockaddr *)&ss);
  baton__serve_auth_new(sv, session_h * 3600, args[7].v.b, allow_remote);
  /* A workshop's trainer signs in with the one-time URL too, on any
   * address: the participants' phones need another computer's address. */
  if (loopback || workshop)
    baton__serve_once_new(sv);
  baton__serve_purge(sv);
  int port = 0;
  baton_http_limits_t limits;
  baton__http_limits_init(&limits);
  limits.max_client_streams = (unsigned)per_client;
  int e = baton__http_server_adopt(&sv->server, &h->loop,
                                   (struct sockaddr *)&ss, in.fd, &limits,
                                   baton__serve_router_handle, sv, &port);
  if (e != 0) {
    char *m =
        baton__asprintf("cannot listen on %s: %s", listen, uv_strerror(e));
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
  if (baton__serve_live_start(sv) != 0)
    fprintf(sv->log,
            "baton serve: cannot watch the database's folder, so "
            "changes show within %d ms instead of at once\n",
            POLL_UNWATCHED_MS);
  uv_timer_init(&h->loop, &sv->heartbeat);
  sv->heartbeat.data = sv;
  uv_timer_start(&sv->heartbeat, baton__serve_on_heartbeat, HEARTBEAT_MS,
                 HEARTBEAT_MS);
  if (sv->auth) {
    uv_timer_init(&h->loop, &sv->auth->purge);
    sv->auth->purge.data = sv;
    uv_timer_start(&sv->auth->purge, on_purge, 3600 * 1000, 3600 * 1000);
    uv_unref((uv_handle_t *)&sv->auth->purge);
    sv->auth->purging = 1;
  }

  char hostbuf[64];
  if (ss.ss_family == AF_INET6) {
    char a[48];
    uv_ip6_name((struct sockaddr_in6 *)&ss, a, sizeof a);
    snprintf(hostbuf, sizeof hostbuf, "[%s]", a);
  } else {
    uv_ip4_name((struct sockaddr_in *)&ss, hostbuf, sizeof hostbuf);
  }
  char url[128], once[192] = "";
  snprintf(url, sizeof url, "http://%s:%d/", hostbuf, port);
  if (workshop) {
    char base[200];
    workshop_base(&ss, hostbuf, port, base, sizeof base);
    if (baton__serve_workshop_start(sv, ws_minutes, ws_cap, base) != 0)
      fprintf(sv->log, "baton serve: out of memory: no workshop\n");
  }
  if (sv->auth && sv->auth->once[0])
    snprintf(once, sizeof once, "%ssignin/once?key=%s", url, sv->auth->once);
  if (!is_loopback((struct sockaddr *)&ss))
    fprintf(cli->err,
            "baton serve: warning: listening on %s, which other computers "
            "can reach; only people signed in (baton users invite) see "
            "the dashboard\n",
            hostbuf);
  baton__serve_respawn_arm(sv, &in);
  if (in.fd >= 0 && in.token)
    fprintf(cli->err,
            "baton serve: restarted (%d in the last minute); "
            "dashboard at %s, same token\n",
            in.restarts, url);
  else if (in.fd >= 0)
    fprintf(cli->err,
            "baton serve: restarted (%d in the last minute); "
            "dashboard at %s; the token was lost, the new write "
            "token is %s\n",
            in.restarts, url, sv->token);
  else if (cli->opts.json) {
    json_t *j = json_pack("{s:s, s:s, s:s, s:s?}", "url", url, "token",
                          sv->token, "db", baton_store_path(sv->store),
                          "signin_url", once[0] ? once : NULL);
    char *line = j ? json_dumps(j, JSON_COMPACT | JSON_PRESERVE_ORDER) : NULL;
    fprintf(cli->out, "%s\n", line ? line : "{}");
    free(line);
    json_decref(j);
  } else {
    fprintf(cli->out,
            "baton serve: dashboard at %s\n"
            "baton serve: database %s\n"
            "baton serve: write token %s (send as Authorization: Bearer "
            "TOKEN)\n",
            url, baton_store_path(sv->store), sv->token);
    if (once[0])
      fprintf(cli->out,
              "baton serve: sign in as the operator (a coordinator) at %s "
              "(works once, for 10 minutes)\n",
              once);
    if (sv->workshop)
      fprintf(cli->out,
              "baton serve: workshop: show %sjoin/screen on the projector "
              "(sign in first at the address above); phones join at "
              "%s/join (the code is on that page; it works for %g "
              "minutes, for at most %lld people)\n",
              url, baton__serve_workshop_base(sv), ws_minutes, ws_cap);
    fprintf(cli->out, "baton serve: press Ctrl-C to stop\n");
  }
  fflush(cli->out);
  if (open && in.fd < 0)
    open_browser(sv, once[0] ? once : url);

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
  baton__serve_live_stop(sv);
  baton__serve_live_close(sv);
  uv_close((uv_handle_t *)&sv->heartbeat, NULL);
  if (sv->auth && sv->auth->purging)
    uv_close((uv_handle_t *)&sv->auth->purge, NULL);
  /* Let the close callbacks run before sv goes. */
  uv_run(&h->loop, UV_RUN_NOWAIT);
  baton_listener_close(sv->listener); /* its socket is no longer polled */
  baton__serve_respawn_free(h);
  serve_clear(sv);
fail_listen:
fail_store:
  free(names);
  free(sv);
  return status;
}

static baton_argspec_t serve_args[] = {
    {.name = "listen",
     .key = "listen",
     .flag = 1,
     .type = BATON_ARG_STRING,
     .def = {.set = 1, .type = BATON_ARG_STRING, .v.s = "127.0.0.1:8080"},
     .help = "address and port to listen on (port 0: any free port)",
     .metavar = "HOST:PORT"},
    {.name = "open",
     .key = "open",
     .flag = 1,
     .type = BATON_ARG_BOOLEAN,
     .help = "open the dashboard in the default browser"},
    {.name = "allow-remote",
     .key = "allow_remote",
     .flag = 1,
     .type = BATON_ARG_BOOLEAN,
     .help = "allow --listen on an address other computers can reach"},
    {.name = "host-name",
     .key = "host_name",
     .flag = 1,
     .many = 1,
     .type = BATON_ARG_STRING,
     .metavar = "NAME",
     .help = "a name the server is reached under besides its IP addresses "
             "and localhost (baton.school.lan); requests for any other "
             "name get 421"},
    {.name = "route-time-limit",
     .key = "route_time_limit",
     .flag = 1,
     .type = BATON_ARG_NUMBER,
     .metavar = "SECONDS",
     .def = {.set = 1, .type = BATON_ARG_NUMBER, .v.n = 5},
     .help = "how long a plugin's route may take before it is answered "
             "503 (0: only --time-limit)"},
    {.name = "streams-per-client",
     .key = "streams_per_client",
     .flag = 1,
     .type = BATON_ARG_INTEGER,
     .metavar = "N",
     .def = {.set = 1, .type = BATON_ARG_INTEGER, .v.i = 8},
     .help = "live-update streams one client address may hold (429 past "
             "it); 0: no limit, for a proxy in front, through which every "
             "client comes from one address"},
    {.name = "session-hours",
     .key = "session_hours",
     .flag = 1,
     .type = BATON_ARG_INTEGER,
     .metavar = "N",
     .def = {.set = 1, .type = BATON_ARG_INTEGER, .v.i = 12},
     .help = "how long a browser stays signed in (expired sessions are "
             "deleted at start and every hour)"},
    {.name = "links-only",
     .key = "links_only",
     .flag = 1,
     .type = BATON_ARG_BOOLEAN,
     .help = "no passphrases: people sign in only with the one-time links "
             "of baton users invite"},
    {.name = "trusted-proxy",
     .key = "trusted_proxy",
     .flag = 1,
     .many = 1,
     .type = BATON_ARG_STRING,
     .metavar = "ADDR",
     .help = "the IP address of a reverse proxy in front (nginx): only from "
             "it are X-Forwarded-For, -Proto and -Host believed; may be "
             "repeated (docs/serve.md)"},
    {.name = "workshop",
     .key = "workshop",
     .flag = 1,
     .type = BATON_ARG_BOOLEAN,
     .help = "workshop mode, on a database baton demo made: participants "
             "join from their phones at /join with the code shown on "
             "/join/screen (baton demo --workshop starts it)"},
    {.name = "workshop-minutes",
     .key = "workshop_minutes",
     .flag = 1,
     .type = BATON_ARG_NUMBER,
     .metavar = "N",
     .def = {.set = 1, .type = BATON_ARG_NUMBER, .v.n = 120},
     .help = "how long a workshop's join code works"},
    {.name = "workshop-cap",
     .key = "workshop_cap",
     .flag = 1,
     .type = BATON_ARG_INTEGER,
     .metavar = "N",
     .def = {.set = 1, .type = BATON_ARG_INTEGER, .v.i = 40},
     .help = "how many participants may join a workshop"},
};

const baton_builtin_t baton__serve_commands[] = {
    {NULL,
     {.name = "serve",
      .summary = "Serve the live dashboard and JSON API in the browser",
      .help = "Prints the dashboard's address, a write token for scripts "
              "and, on this computer's own address, a one-time sign-in URL, "
              "then serves until Ctrl-C. People sign in at /signin (accounts: "
              "baton users invite); writes need a signed-in staff member or "
              "coordinator, or the token. On this computer only (the "
              "default) anyone may read; with --allow-remote nothing but "
              "the sign-in page is served to someone not signed in. The page "
              "updates within a second when "
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
  baton__serve_auth_new(sv, 12 * 3600, 0, 0);
  return sv;
}

void baton__serve_router_free(baton_serve_t *sv) {
  if (sv == NULL)
    return;
  serve_clear(sv);
  free(sv);
}
