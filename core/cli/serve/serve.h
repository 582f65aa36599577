/* core/cli/serve/serve.h: what the files of `baton serve` share.
 *
 * serve.c starts and stops the server (the command, signals, reload);
 * router.c answers each request; cache.c keeps answers and their gzipped
 * bytes; live.c polls the database and feeds the event streams; static.c
 * serves the web app; commands.c offers every plugin command as a form
 * (GET /api/commands, POST /api/run/NS/CMD) and decides who may run it;
 * restart.c restarts the server in place when a plugin is stuck in C;
 * auth.c and api_token.c say who is asking; proxy.c reads what a trusted
 * reverse proxy passes on. Private to this folder. */
#ifndef BATON_SERVE_H
#define BATON_SERVE_H

#include <jansson.h>
#include <sqlite3.h>

#include "builtin.h"
#include "http.h"

/* How often the database is checked for changes when nothing signals one
 * (the file watch of live.c wakes a check at once; this poll is the
 * safety net, and the only check where the folder cannot be watched:
 * POLL_UNWATCHED_MS), and how often an idle stream gets a comment so
 * proxies and browsers keep it open. */
#define POLL_MS 1000
#define POLL_UNWATCHED_MS 300
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

/* The cached store answers of one school's pages, or of the whole database
 * (school NULL): /api/people (active; all with ?all=1) and /api/groups. */
typedef struct {
  char *school;
  cached_t people[2];
  cached_t groups;
} answers_t;

/* Schools whose answers are kept at once (cache.c): a district's schools;
 * a district person asking for more names than this (?school=) is answered
 * without keeping. */
#define SERVE_SCHOOL_ANSWERS 256

/* ---- signing in (guard.c, auth.c, signin.c) ------------------------------
 */

#define SESSION_COOKIE "baton_session"
#define SERVE_LIMIT_SLOTS 1024

/* Failed sign-ins per key (an account, a client address) in a fixed window
 * (guard.c): past `max` failures the key waits for the window's end. */
typedef struct {
  char key[72];
  long long start; /* the window's first failure, Unix seconds */
  unsigned count;  /* failures in it; 0: a free slot */
} serve_limit_slot_t;
typedef struct {
  serve_limit_slot_t slots[SERVE_LIMIT_SLOTS];
  unsigned max;
  long long window;
} serve_limit_t;

/* A session kept in memory only: the one-time URL's, which signs in the
 * server's operator (no person). Lost when the server stops. */
typedef struct {
  unsigned char key[32]; /* the id's BLAKE2b hash; all zero: free */
  char csrf[BATON_TOKEN_SIZE];
  long long expires;
} serve_op_session_t;

/* A check of a credential by the store (a session, kind 's'; a person's
 * API token, 't'), kept while the data has not changed
 * (baton__serve_known_version) and for at most SEEN_SECONDS; one slot per
 * first byte of the credential's hash (auth.c). */
typedef struct {
  unsigned char key[32]; /* the credential's BLAKE2b hash */
  char kind;
  char *person; /* NULL: a free slot */
  char role[12];
  char *school; /* where the role holds (schools.c); NULL: not looked up */
  int district; /* the role holds in every school */
  char csrf[BATON_TOKEN_SIZE];
  long long version;
  long long until;
} serve_seen_t;

typedef struct {
  long long session_s;         /* --session-hours, in seconds */
  int links_only;              /* --links-only: no passphrases */
  int allow_remote;            /* --allow-remote: nothing but signing in for
                                  someone not signed in */
  char once[BATON_TOKEN_SIZE]; /* the one-time URL's key; "" when used */
  long long once_until;
  serve_op_session_t ops[8];
  serve_seen_t seen[256];
  serve_seen_t *used; /* the kept check the request being read found or
                         made (who_csrf): its school rides along */
  serve_limit_t accounts, addresses;
  uv_timer_t purge; /* hourly: expired sessions leave the store */
  int purging;      /* the timer was started */
} serve_auth_t;

/* The form runs waiting (POST /api/run/NS/CMD, commands.c), oldest first,
 * and whether one runs now: one at a time, as a captured run takes the
 * host's streams. */
typedef struct {
  struct run_s *head, *tail;
  int busy;     /* a run is under way */
  int starting; /* start_next is on the stack (a run that ended at once) */
} serve_runs_t;

typedef struct baton_serve_s {
  baton_cli_t *cli;
  baton_host_t *h;
  baton_store_t *store;
  baton_http_server_t *server;
  uv_timer_t poll;
  uv_timer_t heartbeat;
  long long version; /* data_version + our own changes, last seen */
  char token[49];
  char etags[64][24];      /* per web asset */
  shared_t *gz_assets[64]; /* per web asset, gzipped */
  baton_watch_t *watch;
  int stopping;
  int signal;
  FILE *log;
  /* the whole database's answers, and each school's as asked (cache.c) */
  answers_t answers;
  answers_t *schools;
  size_t n_schools;
  sqlite3_stmt *data_version;
  long long others; /* PRAGMA data_version at the last poll; on PostgreSQL,
                       the notifications heard */
  long long base;                /* added to every version: raised when the
                                    store is reopened, so versions only grow */
  uv_fs_event_t dbwatch;         /* the database's folder (live.c) */
  int watching;                  /* dbwatch started */
  uv_timer_t settle;             /* re-checks shortly after a file event */
  int settle_left;               /* re-checks still to come */
  unsigned long long db_dev, db_ino; /* the database file opened */
  /* On PostgreSQL (live.c): the LISTEN connection, its socket's poll, the
   * retry timer while it is down, and whether it is. */
  struct baton_listener_s *listener;
  uv_poll_t pgpoll;
  uv_timer_t pgretry;
  int pg_polling; /* pgpoll initialised and not closed */
  int pg_down;
  int reset_running;             /* a demo reset's child runs (demo.c) */
  struct serve_workshop_s *workshop; /* --workshop (join.c); NULL: off */
  const char *const *host_names; /* --host-name, besides IP addresses and */
  size_t nhost_names;            /* localhost */
  unsigned route_ms;             /* --route-time-limit; 0: --time-limit */
  unsigned char proxies[16][17]; /* --trusted-proxy, as proxy.c keeps */
  size_t nproxies;               /* addresses */
  serve_auth_t *auth;            /* sessions and sign-in limits (auth.c) */
  serve_runs_t runs;             /* form runs (commands.c) */
} serve_t;

/* Who is making a request (auth.c). Filled by baton__serve_who; freed
 * with baton__serve_who_clear. */
typedef struct {
  char *person;  /* the signed-in person's id (malloc'd); NULL: nobody, or
                    the server's own start-up token */
  char role[12]; /* "coordinator", "staff", "viewer"; "" when nobody */
  int by_token;  /* came with an API token (Authorization: Bearer), not a
                    browser session: no CSRF token is asked for */
  char *school;  /* where the person's role holds (malloc'd; schools.c);
                    NULL with person NULL */
  int district;  /* the person's role holds in every school */
} serve_who_t;

/* What the old process handed over across an in-place restart. */
typedef struct {
  int fd;          /* the inherited listening socket, or -1 */
  int token;       /* the token came with it (else a new one is made) */
  int restarts;    /* how many restarts led here */
  long long since; /* when the first of them happened (time(NULL)) */
} inherited_t;

/* ---- answers (cache.c) ----------------------------------------------------
 */

static inline void send_json(baton_http_req_t *r, int status, json_t *j) {
  baton__http_json(r, status, j, NULL);
}

static inline void send_error(baton_http_req_t *r, int status,
                              const char *msg) {
  baton__http_json_error(r, status, NULL, msg);
}

/* Drops c's answer (its bytes go with the last answer being written). */
void baton__serve_cache_clear(cached_t *c);
/* The answers kept for school (NULL: the whole database), made on the first
 * ask; NULL when SERVE_SCHOOL_ANSWERS schools are kept or out of memory
 * (then nothing is kept). */
answers_t *baton__serve_answers(serve_t *sv, const char *school);
/* Drops every kept answer (the data changed under them: another file). */
void baton__serve_answers_clear(serve_t *sv);
/* The client takes gzip (Accept-Encoding, not with q=0). */
int baton__serve_takes_gzip(baton_http_req_t *r);
/* data gzipped into a new shared buffer holding one reference; NULL when
 * out of memory. */
shared_t *baton__serve_gzip_of(const char *data, size_t len);
/* Answers 200 with b's bytes (taking a reference of its own), saying
 * Content-Encoding: gzip when gz is set, then the `extra` header lines. */
void baton__serve_send_shared(baton_http_req_t *r, const char *type,
                              shared_t *b, int gz, const char *extra);
/* Sends c's answer if it is of version v; returns 0 if not. */
int baton__serve_send_cached(baton_http_req_t *r, cached_t *c, long long v);
/* Keeps j (taken) as c's answer for version v, and sends it. */
void baton__serve_send_json_cached(baton_http_req_t *r, cached_t *c,
                                   long long v, json_t *j);

/* ---- who is asking (auth.c) ----------------------------------------------
 */

/* Who r comes from (a session cookie or an API token), into *who. Returns
 * 0; nobody signed in is not an error (who->role is then ""). */
int baton__serve_who(serve_t *sv, baton_http_req_t *r, serve_who_t *who);
void baton__serve_who_clear(serve_who_t *who);
/* 1 if who's role is at least `role` (viewer < staff < coordinator). */
int baton__serve_who_at_least(const serve_who_t *who, const char *role);

/* ---- schools: what a person sees (core/cli/serve/schools.c) -------------
 * A person's answers show only their school (who->school) unless they have
 * the district role; a district account (or the operator, with no person)
 * sees every school and may pick one with ?school=S. */

/* The school r's answers are limited to: returns 0 with *school (malloc'd;
 * NULL for every school), or answers r (403, 404) and returns -1. */
int baton__serve_school_of(serve_t *sv, baton_http_req_t *r,
                           const serve_who_t *who, char **school);
/* Fills who->school and who->district from the store for who->person;
 * when that fails, who becomes nobody. */
void baton__serve_who_scope(serve_t *sv, serve_who_t *who);
/* GET /api/schools: the schools who sees, with their counts. */
void baton__serve_api_schools(serve_t *sv, baton_http_req_t *r,
                              const serve_who_t *who);
/* NULL if who may act on the person (or group, with group set) `id`, else
 * a sentence why not (malloc'd): someone of another school. */
char *baton__serve_school_refuses(serve_t *sv, const serve_who_t *who,
                                  const char *id, int group);

/* The kept check of the credential whose hash is key, of kind 's' or
 * 't', if still good (the data unchanged since, not too old); else NULL. */
serve_seen_t *baton__serve_seen_find(serve_t *sv, char kind,
                                     const unsigned char key[32]);
/* Keeps a check the store just answered (csrf may be NULL). */
void baton__serve_seen_keep(serve_t *sv, char kind, const unsigned char key[32],
                            const char *person, const char *role,
                            const char *csrf);
/* Forgets the check of key, if kept. */
void baton__serve_seen_drop(serve_t *sv, const unsigned char key[32]);

/* Who an API token (Authorization: Bearer T, not the start-up token)
 * acts for (api_token.c): fills who with the person and their account's
 * role, or leaves it empty when T is not a token in use of an account
 * that may sign in. Returns 0. */
int baton__serve_api_token(serve_t *sv, baton_http_req_t *r, const char *token,
                           serve_who_t *who);

/* ---- behind a reverse proxy (proxy.c) -------------------------------------
 * X-Forwarded-* are believed only from a --trusted-proxy peer. */

/* Takes the --trusted-proxy addresses into sv. Returns 0, or reports a
 * usage error (not an IP address, more than 16, or without --allow-remote:
 * a proxy makes baton reachable from other computers) and returns
 * BATON_EUSAGE. */
int baton__serve_trust_proxies(serve_t *sv, const baton_cmdspec_t *spec,
                               const baton_value_t *addrs, int allow_remote);
/* 1 if r came over TLS: X-Forwarded-Proto https from a trusted proxy. */
int baton__serve_is_tls(serve_t *sv, baton_http_req_t *r);
/* The client's address as text into out: the TCP peer, or from a trusted
 * proxy the right-most X-Forwarded-For address that is not itself a
 * trusted proxy. Returns 0, UV_ENOTCONN (no socket: a pipe) or
 * UV_ENOSPC (n too small; 48 bytes always do). */
int baton__serve_client_addr(serve_t *sv, baton_http_req_t *r, char *out,
                             size_t n);
/* The Host the origin check uses: X-Forwarded-Host from a trusted proxy,
 * else the Host header (NULL when there is none). */
const char *baton__serve_host(serve_t *sv, baton_http_req_t *r);

/* ---- commands as forms (commands.c) ---------------------------------------
 */

/* Whether who may run the command spec from the browser (its `access`
 * and `self`), given the value `given` of its self argument (NULL when
 * none was given). Returns NULL when allowed, with *fill the id the host
 * gives the self argument (NULL: leave it as given); else the refusal
 * message naming the rule, with *status 401 (nobody signed in) or 403.
 * Pure: no store, no request. */
const char *baton__serve_may_run(const serve_who_t *who,
                                 const baton_cmdspec_t *spec, const char *given,
                                 const char **fill, int *status);
/* GET /api/commands: every command of every plugin, with its arguments
 * and whether who may run it. */
void baton__serve_api_commands(serve_t *sv, baton_http_req_t *r,
                               const serve_who_t *who);
/* POST /api/run/NAMESPACE/COMMAND {"args": {...}}: checks the arguments
 * as the command line does, then runs the command captured with --json,
 * after the runs already waiting (one at a time). */
void baton__serve_api_run(serve_t *sv, baton_http_req_t *r,
                          const serve_who_t *who);
/* The session's CSRF secret goes with who (auth.c): csrf[0] is '\0' when
 * who did not come by a session. id gets the session id (may be NULL). */
int baton__serve_who_csrf(serve_t *sv, baton_http_req_t *r, serve_who_t *who,
                          char csrf[BATON_TOKEN_SIZE],
                          char id[BATON_TOKEN_SIZE]);
/* The sign-in state of sv (allocated; sv->auth NULL when out of memory,
 * and then nobody signs in). Freed with baton__serve_auth_free. */
void baton__serve_auth_new(serve_t *sv, long long session_s, int links_only,
                           int allow_remote);
void baton__serve_auth_free(serve_t *sv);
/* 1 if r may go on to the router's routes, with who (cleared by the
 * caller) saying who asks; else answers it (auth.c): 401
 * or 403 for a write without the right credential, role or CSRF token;
 * with --allow-remote, a 303 to /signin or a 401 for someone not signed
 * in. */
int baton__serve_gate(serve_t *sv, baton_http_req_t *r, const char *path,
                      int read, serve_who_t *who);
/* Forgets session id (cached check or in-memory session). */
void baton__serve_forget(serve_t *sv, const char *id);
/* A new in-memory session of the server's operator: id and csrf. 0 or
 * BATON_ENOMEM (no free place and none expired). */
int baton__serve_op_session_new(serve_t *sv, char id[BATON_TOKEN_SIZE],
                                char csrf[BATON_TOKEN_SIZE]);
/* Makes the one-time URL's key (auth.c). */
void baton__serve_once_new(serve_t *sv);
/* Deletes the store's expired sessions, logging a failure. */
void baton__serve_purge(serve_t *sv);

/* 1 if a and b are equal, in time that depends only on b's length
 * (guard.c). */
int baton__serve_same_secret(const char *a, const char *b);
void baton__serve_limit_init(serve_limit_t *l, unsigned max, long long window);
/* Seconds until key may try again at now (0: it may now). */
long long baton__serve_limit_wait(serve_limit_t *l, const char *key,
                                  long long now);
/* Counts a failure of key at now. */
void baton__serve_limit_fail(serve_limit_t *l, const char *key, long long now);
/* Forgets key's failures (a success). */
void baton__serve_limit_reset(serve_limit_t *l, const char *key);
/* The baton_session cookie of a Cookie header (NULL: none) into id: 1 if
 * there is one of the right form (43 base64url characters), else 0 and
 * id is "". */
int baton__serve_session_cookie(const char *header, char id[BATON_TOKEN_SIZE]);

/* The host's own pages (signin.c): GET/POST /signin, GET /signin/once,
 * GET/POST /welcome, POST /signout and GET /api/me. Returns 1 if r was
 * one of them (and is answered), else 0. */
int baton__serve_signin(serve_t *sv, baton_http_req_t *r, const char *path,
                        int read);

/* The pieces of the host's own pages (signin.c), for join.c: an HTML page
 * (body already escaped) with the no-script policy; a page of one
 * paragraph; a 303; the session's Set-Cookie line (id NULL: removes it);
 * a form post's body (NULL after answering 415 or 500) and one of its
 * fields ("" when missing); an event of the core (account.*, workshop.*);
 * the failure limit of a key (NULL after answering 429); a client
 * address as a limit's key; text appended to an HTML page escaped (NULL:
 * nothing). */
void baton__serve_esc(baton_buf_t *b, const char *s);
void baton__serve_page(baton_http_req_t *r, int status, const char *title,
                       const baton_buf_t *body, const char *extra);
void baton__serve_message(baton_http_req_t *r, int status, const char *title,
                          const char *text, const char *extra);
void baton__serve_see_other(baton_http_req_t *r, const char *to,
                            const char *extra);
void baton__serve_cookie(serve_t *sv, baton_http_req_t *r, const char *id,
                         char *out, size_t n);
char *baton__serve_form_body(baton_http_req_t *r);
char *baton__serve_form_field(const char *body, const char *name);
void baton__serve_log_event(serve_t *sv, baton_http_req_t *r,
                            const char *actor, const char *kind,
                            const char *subject, const char *how);
int baton__serve_may_try(serve_t *sv, baton_http_req_t *r, serve_limit_t *l,
                         const char *key, const char *who);
void baton__serve_address_key(serve_t *sv, baton_http_req_t *r, char key[72]);

/* ---- the demo and the workshop (demo.c, join.c) ----------------------------
 */

/* 1 if the database is one `baton demo` made (its setting baton.demo),
 * with its size and seed; else 0. */
int baton__serve_demo_info(serve_t *sv, long long *size, long long *seed);
/* POST /api/demo/reset (coordinators, a demo database only): makes the
 * same school again in a child `baton demo` and writes it into the open
 * database; every page gets `reset`. Answers 202 at once. */
void baton__serve_demo_reset(serve_t *sv, baton_http_req_t *r,
                             const serve_who_t *who);
/* Starts workshop mode (--workshop; the caller checked demo_info): a join
 * code valid for `minutes`, at most `cap` participants; base is the
 * address phones open (no trailing slash). Returns 0, or 1 when out of
 * memory. */
int baton__serve_workshop_start(serve_t *sv, double minutes,
                                long long cap, const char *base);
/* That address ("" without a workshop). */
const char *baton__serve_workshop_base(serve_t *sv);
void baton__serve_workshop_free(serve_t *sv);
/* After a demo reset: no one has joined (the accounts went with it). */
void baton__serve_workshop_reset(serve_t *sv);
/* The participants' pages before the gate: GET/POST /join, GET /join/me.
 * Returns 1 if r was one of them (answered), else 0. */
int baton__serve_join(serve_t *sv, baton_http_req_t *r, const char *path,
                      int read);
/* After the gate: GET /join/screen (the projector's page), GET
 * /api/workshop, GET /api/workshop/qr.svg, POST /api/workshop/code (a
 * new code). Returns 1 if r was one of them. */
int baton__serve_workshop_api(serve_t *sv, baton_http_req_t *r,
                              const char *path, const serve_who_t *who);

/* ---- live updates (live.c) ------------------------------------------------
 */

/* The data's version: other connections' commits and our own changes. */
long long baton__serve_db_version(serve_t *sv);
/* The same as last polled, without asking SQLite (cheap, per request). */
long long baton__serve_known_version(serve_t *sv);
/* The poll timer (POLL_MS) and the heartbeat timer (HEARTBEAT_MS). */
void baton__serve_on_poll(uv_timer_t *t);
void baton__serve_on_heartbeat(uv_timer_t *t);
/* Starts the file watch on the database's folder and the timers (poll,
 * settle); returns 0, or non-zero when the folder cannot be watched (the
 * poll then runs every POLL_UNWATCHED_MS). */
int baton__serve_live_start(serve_t *sv);
/* Stops them; live_close closes their handles (run the loop once after). */
void baton__serve_live_stop(serve_t *sv);
void baton__serve_live_close(serve_t *sv);
/* Checks the database now: a change goes to every stream; a file replaced
 * under the same name is reopened and every stream told (reset). */
void baton__serve_live_check(serve_t *sv);
/* Sends `event: KIND\ndata: DATA` to every stream. */
void baton__serve_broadcast(serve_t *sv, const char *kind, const char *data);
/* Records which file (device, inode) the store has open. */
void baton__serve_note_db_file(serve_t *sv);
/* GET /api/events/stream: turns r into an event stream. */
void baton__serve_api_stream(serve_t *sv, baton_http_req_t *r);

/* ---- static files (static.c) ----------------------------------------------
 */

/* FNV-1a of d as a quoted ETag, into out. */
void baton__serve_make_etag(char out[24], const unsigned char *d, size_t n);
/* Answers r with the web asset at path; returns 0 when there is none. */
int baton__serve_asset(serve_t *sv, baton_http_req_t *r, const char *path);

/* ---- restarting (restart.c) -----------------------------------------------
 */

/* Takes what a previous process handed over from the environment: the
 * socket and restart count into *in, the token into sv->token; removes
 * it from the environment. */
void baton__serve_take_inherited(serve_t *sv, inherited_t *in);
/* Frees what respawn_arm prepared. */
void baton__serve_respawn_free(baton_host_t *h);
/* Prepares the host to replace the process with the same command if a
 * plugin gets stuck (unless it restarted too often already). */
void baton__serve_respawn_arm(serve_t *sv, const inherited_t *in);

#endif
