/* core/cli/serve/signin.c: the host's own pages for signing in to `baton
 * serve`, plain HTML with no script (the no-script policy of every plugin
 * page, BATON_HTTP_NO_SCRIPT_CSP):
 *
 *   GET  /signin           the form (person id or email, passphrase), or
 *                          who is signed in and a sign-out button
 *   POST /signin           signs in: a new session, its cookie, 303 to /
 *   GET  /welcome?token=T  an invitation: choose a passphrase, or go on
 *                          with sign-in links only
 *   POST /welcome          uses the invitation and signs in
 *   POST /signout          ends the session
 *   GET  /signin/once?key=K  the one-time URL printed at start-up on
 *                          loopback: signs that browser in as the server's
 *                          operator (a coordinator with no person)
 *   GET  /api/me           who is signed in, and the session's CSRF secret
 *
 * A sign-in always makes a new session id and ends the one the browser
 * brought (session fixation). The forms before a session carry no CSRF
 * token (there is no session to bind one to): a page of another site is
 * refused by the router's Origin check (browsers send Origin with every
 * POST) and cannot read the answer; SameSite=Strict keeps the cookie off
 * its requests. The sign-out form carries the session's secret (field
 * csrf).
 *
 * argon2id (about 0.2 s of CPU and 64 MiB) runs on libuv's threadpool, so
 * the loop goes on answering everyone else: the store is read and written
 * only on the loop, before and after; the worker gets the stored hash and
 * the passphrase, nothing else. Failures are counted per account and per
 * client address (auth->accounts, auth->addresses), past which the answer
 * is 429 with Retry-After. Every sign-in, failure and sign-out is an event
 * (kind account.*; never a passphrase or a token). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sodium.h>

#include "serve.h"

/* ---- pages --------------------------------------------------------------- */

void baton__serve_esc(baton_buf_t *b, const char *s) {
  baton__html_escape(b, s ? s : "", s ? strlen(s) : 0);
}

/* Answers an HTML page: title, then body (HTML already escaped), with the
 * no-script policy, no caching and no Referer (a /welcome address holds a
 * token), then `extra` header lines (may be NULL). */
static void send_page(baton_http_req_t *r, int status, const char *title,
                      const baton_buf_t *body, const char *extra) {
  baton_buf_t b = {0};
  baton__buf_printf(&b, "<!doctype html>\n<html lang=\"en\">\n<head>\n<meta "
                        "charset=\"utf-8\">\n<meta name=\"viewport\" "
                        "content=\"width=device-width, initial-scale=1\">\n"
                        "<title>");
  baton__serve_esc(&b, title);
  baton__buf_printf(&b, " · baton</title>\n<link rel=\"stylesheet\" "
                        "href=\"/style.css\">\n</head>\n<body "
                        "class=\"signin\">\n<main class=\"signin\">\n<h1>");
  baton__serve_esc(&b, title);
  baton__buf_printf(&b, "</h1>\n");
  baton__buf_append(&b, body->data ? body->data : "", body->len);
  baton__buf_printf(&b, "</main>\n</body>\n</html>\n");
  char headers[1024];
  snprintf(headers, sizeof headers,
           "Cache-Control: no-store\r\n" BATON_HTTP_NO_SCRIPT_CSP
           "Referrer-Policy: same-origin\r\n%s",
           extra ? extra : "");
  if (b.data == NULL)
    send_error(r, 500, "out of memory");
  else
    baton__http_respond(r, status, "text/html; charset=utf-8", b.data, b.len,
                        headers);
  baton__buf_free(&b);
}

/* A page with one paragraph of text (escaped) and a link back. */
static void send_message(baton_http_req_t *r, int status, const char *title,
                         const char *text, const char *extra) {
  baton_buf_t b = {0};
  baton__buf_printf(&b, "<p class=\"message\">");
  baton__serve_esc(&b, text);
  baton__buf_printf(&b, "</p>\n<p><a href=\"/signin\">Sign in</a> · <a "
                        "href=\"/\">The dashboard</a></p>\n");
  send_page(r, status, title, &b, extra);
  baton__buf_free(&b);
}

/* 303 to `to`, with `extra` header lines (a cookie). */
static void see_other(baton_http_req_t *r, const char *to, const char *extra) {
  char h[512];
  snprintf(h, sizeof h, "Location: %s\r\nCache-Control: no-store\r\n%s", to,
           extra ? extra : "");
  baton__http_respond(r, 303, "text/plain; charset=utf-8", "", 0, h);
}

/* The Set-Cookie line for session id (NULL: one that removes it). */
static void cookie_line(serve_t *sv, baton_http_req_t *r, const char *id,
                        char *out, size_t n) {
  snprintf(out, n,
           "Set-Cookie: " SESSION_COOKIE
           "=%s; Path=/; HttpOnly; SameSite=Strict; Max-Age=%lld%s\r\n",
           id ? id : "", id ? sv->auth->session_s : 0LL,
           baton__serve_is_tls(sv, r) ? "; Secure" : "");
}

/* The sign-in form, with `error` (may be NULL) above it and `person` as
 * typed kept. */
static void signin_form(serve_t *sv, baton_http_req_t *r, int status,
                        const char *error, const char *person,
                        const char *extra) {
  baton_buf_t b = {0};
  if (error) {
    baton__buf_printf(&b, "<p class=\"error\" role=\"alert\">");
    baton__serve_esc(&b, error);
    baton__buf_printf(&b, "</p>\n");
  }
  if (sv->auth->links_only) {
    baton__buf_printf(&b,
                      "<p>This server signs people in by link only: open "
                      "the sign-in link a coordinator sent you. Lost it, or "
                      "it expired? Ask a coordinator for a new one (<code>"
                      "baton users invite YOUR-ID</code>).</p>\n");
  } else {
    baton__buf_printf(&b, "<form method=\"post\" action=\"/signin\">\n"
                          "<p><label>Your staff id or email<br><input "
                          "name=\"person\" autocomplete=\"username\" "
                          "required value=\"");
    baton__serve_esc(&b, person);
    baton__buf_printf(
        &b, "\"></label></p>\n<p><label>Passphrase<br><input "
            "type=\"password\" name=\"passphrase\" "
            "autocomplete=\"current-password\" required></label></p>\n"
            "<p><button type=\"submit\">Sign in</button></p>\n</form>\n"
            "<p>No passphrase yet? Open the sign-in link a coordinator sent "
            "you: it lets you choose one.</p>\n");
  }
  send_page(r, status, "Sign in", &b, extra);
  baton__buf_free(&b);
}

/* ---- events -------------------------------------------------------------- */

/* Logs kind with actor (may be NULL) and the client's address; `how`
 * (may be NULL) says how they signed in. Never a secret. */
static void log_event(serve_t *sv, baton_http_req_t *r, const char *actor,
                      const char *kind, const char *subject, const char *how) {
  char peer[64];
  if (baton__serve_client_addr(sv, r, peer, sizeof peer) != 0)
    peer[0] = '\0';
  json_t *d = json_pack("{s:s?, s:s}", "how", how, "address", peer);
  char *data = d ? json_dumps(d, JSON_COMPACT) : NULL;
  if (baton_events_log(sv->store, NULL, actor, kind, subject, data, NULL) != 0)
    fprintf(sv->log, "baton serve: cannot log %s: %s\n", kind,
            baton_store_last_error(sv->store));
  free(data);
  json_decref(d);
}

/* ---- forms --------------------------------------------------------------- */

/* The body of a form post as a NUL-terminated string (malloc'd), or NULL
 * after answering 415 (not a form) or 500. */
static char *form_body(baton_http_req_t *r) {
  const char *type = baton__http_req_header(r, "Content-Type");
  if (type == NULL ||
      strncasecmp(type, "application/x-www-form-urlencoded", 33) != 0) {
    send_error(r, 415,
               "send this form as application/x-www-form-urlencoded (what "
               "a browser's form sends)");
    return NULL;
  }
  size_t n;
  const char *body = baton__http_req_body(r, &n);
  char *s = baton__strndup(body ? body : "", body ? n : 0);
  if (s == NULL)
    send_error(r, 500, "out of memory");
  return s;
}

/* A field of a form body (decoded, malloc'd); "" when missing, NULL when
 * out of memory. */
static char *field(const char *body, const char *name) {
  char *v = baton__http_query_get(body, name);
  return v ? v : baton__strdup("");
}

static void free_secret(char *s) {
  if (s != NULL)
    sodium_memzero(s, strlen(s));
  free(s);
}

/* The key of a client address in the limits: behind a trusted proxy,
 * the address it passed on, so clients do not share one limit. */
static void address_key(serve_t *sv, baton_http_req_t *r, char key[72]) {
  if (baton__serve_client_addr(sv, r, key, 72) != 0)
    key[0] = '\0';
}

/* 1 if key (of limit l) may try now; else answers 429 with Retry-After. */
static int may_try(serve_t *sv, baton_http_req_t *r, serve_limit_t *l,
                   const char *key, const char *who) {
  long long wait = baton__serve_limit_wait(l, key, (long long)time(NULL));
  if (wait <= 0)
    return 1;
  char extra[64], msg[320];
  snprintf(extra, sizeof extra, "Retry-After: %lld\r\n", wait);
  snprintf(msg, sizeof msg,
           "Too many failed sign-ins from %s: wait %lld minute%s and try "
           "again, or ask a coordinator for a sign-in link.",
           who, (wait + 59) / 60, (wait + 59) / 60 == 1 ? "" : "s");
  (void)sv;
  send_message(r, 429, "Too many attempts", msg, extra);
  return 0;
}

/* ---- the work of argon2id ------------------------------------------------ */

typedef struct {
  uv_work_t work;
  serve_t *sv;
  baton_http_req_t *r;
  int welcome;      /* 0: check a sign-in; 1: hash a new passphrase */
  char *person;     /* sign-in: the account found, or NULL */
  char *typed;      /* sign-in: the person as typed */
  char *token;      /* welcome: the invitation */
  char *passphrase; /* NULL: welcome without one */
  char hash[BATON_PASSPHRASE_HASH_SIZE];
  char old[BATON_TOKEN_SIZE]; /* the session the browser brought */
  int ok;                     /* sign-in: the passphrase matched */
  int err;                    /* welcome: baton_passphrase_hash's answer */
  char *why;                  /* welcome: its message */
} job_t;

static void job_free(job_t *j) {
  free(j->person);
  free(j->typed);
  free_secret(j->token);
  free_secret(j->passphrase);
  free(j->why);
  sodium_memzero(j, sizeof *j);
  free(j);
}

static void job_work(uv_work_t *w) {
  job_t *j = w->data;
  if (j->welcome)
    j->err = j->passphrase
                 ? baton_passphrase_hash(j->passphrase, j->hash, &j->why)
                 : 0;
  else
    j->ok = baton_passphrase_verify(j->hash, j->passphrase);
}

/* Starts a session for person (an account) and answers 303 to / with its
 * cookie, ending the session the browser brought. */
static void start_session(serve_t *sv, baton_http_req_t *r, const char *person,
                          const char *old, const char *how) {
  char id[BATON_TOKEN_SIZE], csrf[BATON_TOKEN_SIZE], cookie[256];
  if (old[0] != '\0') {
    baton_session_end(sv->store, old);
    baton__serve_forget(sv, old);
  }
  if (baton_session_create(sv->store, person, (long long)time(NULL),
                           sv->auth->session_s, id, csrf) != 0) {
    send_message(r, 403, "Cannot sign in", baton_store_last_error(sv->store),
                 NULL);
    return;
  }
  log_event(sv, r, person, "account.signin", person, how);
  cookie_line(sv, r, id, cookie, sizeof cookie);
  sodium_memzero(id, sizeof id);
  see_other(r, "/", cookie);
}

static void signin_done(job_t *j) {
  serve_t *sv = j->sv;
  baton_http_req_t *r = j->r;
  serve_auth_t *a = sv->auth;
  const char *account = j->person ? j->person : j->typed;
  char addr[72];
  address_key(sv, r, addr);
  if (j->ok) {
    baton__serve_limit_reset(&a->accounts, account);
    start_session(sv, r, j->person, j->old, "passphrase");
    return;
  }
  long long now = (long long)time(NULL);
  baton__serve_limit_fail(&a->accounts, account, now);
  baton__serve_limit_fail(&a->addresses, addr, now);
  log_event(sv, r, j->person, "account.signin_failed",
            j->person ? j->person : NULL, "passphrase");
  signin_form(sv, r, 401,
              "Wrong staff id, email or passphrase. Try again, or ask a "
              "coordinator for a sign-in link.",
              j->typed, NULL);
}

/* The welcome page's form for token, with `error` (may be NULL). */
static void welcome_form(serve_t *sv, baton_http_req_t *r, int status,
                         const char *token, const char *error) {
  baton_buf_t b = {0};
  if (error) {
    baton__buf_printf(&b, "<p class=\"error\" role=\"alert\">");
    baton__serve_esc(&b, error);
    baton__buf_printf(&b, "</p>\n");
  }
  baton__buf_printf(&b, "<p>This link signs you in to baton once.</p>\n"
                        "<form method=\"post\" action=\"/welcome\">\n"
                        "<input type=\"hidden\" name=\"token\" value=\"");
  baton__serve_esc(&b, token);
  baton__buf_printf(&b, "\">\n");
  if (sv->auth->links_only) {
    baton__buf_printf(&b, "<p>This server signs people in by link only: "
                          "next time, ask a coordinator for a new link.</p>\n"
                          "<p><button type=\"submit\" name=\"choice\" "
                          "value=\"links\">Sign in</button></p>\n");
  } else {
    baton__buf_printf(
        &b,
        "<p>Choose a passphrase to sign in with from now on (at least %d "
        "characters; a few words you will remember make a good one):</p>\n"
        "<p><label>Passphrase<br><input type=\"password\" "
        "name=\"passphrase\" autocomplete=\"new-password\" "
        "minlength=\"%d\"></label></p>\n"
        "<p><label>The same again<br><input type=\"password\" "
        "name=\"again\" autocomplete=\"new-password\"></label></p>\n"
        "<p><button type=\"submit\" name=\"choice\" "
        "value=\"passphrase\">Set the passphrase and sign in</button></p>\n"
        "<p>Or sign in without one, and next time ask a coordinator for a "
        "new link:</p>\n<p><button type=\"submit\" name=\"choice\" "
        "value=\"links\">Continue without a passphrase</button></p>\n",
        BATON_PASSPHRASE_MIN, BATON_PASSPHRASE_MIN);
  }
  baton__buf_printf(&b, "</form>\n");
  send_page(r, status, "Welcome", &b, NULL);
  baton__buf_free(&b);
}

static void welcome_done(job_t *j) {
  serve_t *sv = j->sv;
  baton_http_req_t *r = j->r;
  if (j->err != 0) { /* too short, or no memory: the link is still good */
    welcome_form(sv, r, j->err == BATON_EINVAL ? 400 : 500, j->token,
                 j->why ? j->why : "cannot hash the passphrase");
    return;
  }
  char *person = NULL;
  if (baton_users_redeem(sv->store, j->token, (long long)time(NULL), &person) !=
      0) {
    char addr[72];
    address_key(sv, r, addr);
    baton__serve_limit_fail(&sv->auth->addresses, addr, (long long)time(NULL));
    log_event(sv, r, NULL, "account.signin_failed", NULL, "invitation");
    send_message(r, 403, "This link does not work",
                 baton_store_last_error(sv->store), NULL);
    return;
  }
  if (j->passphrase) {
    if (baton_users_set_passphrase_hash(sv->store, person, j->hash) != 0) {
      send_message(r, 500, "Cannot set the passphrase",
                   baton_store_last_error(sv->store), NULL);
      free(person);
      return;
    }
    log_event(sv, r, person, "account.passphrase_set", person, NULL);
  }
  start_session(sv, r, person, j->old, "invitation");
  free(person);
}

static void job_after(uv_work_t *w, int status) {
  job_t *j = w->data;
  (void)status; /* never cancelled: nothing calls uv_cancel */
  if (j->welcome)
    welcome_done(j);
  else
    signin_done(j);
  job_free(j);
}

/* Queues j (taken) on the threadpool; answers 503 if it cannot. */
static void queue(serve_t *sv, job_t *j) {
  j->work.data = j;
  if (uv_queue_work(&sv->h->loop, &j->work, job_work, job_after) != 0) {
    send_error(j->r, 503, "cannot check the passphrase now: try again");
    job_free(j);
  }
}

/* The session id the browser brought, if any, into old. */
static void brought(baton_http_req_t *r, char old[BATON_TOKEN_SIZE]) {
  baton__serve_session_cookie(baton__http_req_header(r, "Cookie"), old);
}

/* ---- the pages ----------------------------------------------------------- */

/* GET /signin: the form, or who is signed in. */
static void get_signin(serve_t *sv, baton_http_req_t *r) {
  char *token = baton__http_query_get(baton__http_req_query(r), "token");
  if (token != NULL) { /* a link made before /welcome existed */
    baton_buf_t to = {0};
    baton__buf_printf(&to, "/welcome?token=%s", token);
    free_secret(token);
    if (to.data && strcspn(to.data, "\r\n") == to.len)
      see_other(r, to.data, NULL);
    else
      send_error(r, 400, "the sign-in link is damaged: open the whole link");
    baton__buf_free(&to);
    return;
  }
  serve_who_t who;
  char csrf[BATON_TOKEN_SIZE];
  baton__serve_who_csrf(sv, r, &who, csrf, NULL);
  if (who.role[0] == '\0' || who.by_token) {
    baton__serve_who_clear(&who);
    signin_form(sv, r, 200, NULL, NULL, NULL);
    return;
  }
  baton_buf_t b = {0};
  baton__buf_printf(&b, "<p>You are signed in as ");
  baton__serve_esc(&b, who.person ? who.person : "the server's operator");
  baton__buf_printf(&b, " (");
  baton__serve_esc(&b, who.role);
  baton__buf_printf(&b, ").</p>\n<p><a href=\"/\">Go to the "
                        "dashboard</a></p>\n<form method=\"post\" "
                        "action=\"/signout\">\n<input type=\"hidden\" "
                        "name=\"csrf\" value=\"");
  baton__serve_esc(&b, csrf);
  baton__buf_printf(&b, "\">\n<p><button type=\"submit\">Sign "
                        "out</button></p>\n</form>\n");
  send_page(r, 200, "Signed in", &b, NULL);
  baton__buf_free(&b);
  baton__serve_who_clear(&who);
}

/* POST /signin: person and passphrase. */
static void post_signin(serve_t *sv, baton_http_req_t *r) {
  serve_auth_t *a = sv->auth;
  if (a->links_only) {
    signin_form(sv, r, 403, "Passphrases are off on this server.", NULL, NULL);
    return;
  }
  char addr[72];
  address_key(sv, r, addr);
  if (!may_try(sv, r, &a->addresses, addr, "this address"))
    return;
  char *body = form_body(r);
  if (body == NULL)
    return;
  job_t *j = calloc(1, sizeof *j);
  if (j == NULL || (j->typed = field(body, "person")) == NULL ||
      (j->passphrase = field(body, "passphrase")) == NULL) {
    free_secret(body);
    if (j)
      job_free(j);
    send_error(r, 500, "out of memory");
    return;
  }
  free_secret(body);
  if (j->typed[0] == '\0' || j->passphrase[0] == '\0') {
    signin_form(sv, r, 400, "Type your staff id (or email) and passphrase.",
                j->typed, NULL);
    job_free(j);
    return;
  }
  int err =
      baton_users_passphrase_get(sv->store, j->typed, &j->person, j->hash);
  if (err != 0 && err != BATON_EPERM) {
    send_message(r, 500, "Cannot sign in", baton_store_last_error(sv->store),
                 NULL);
    job_free(j);
    return;
  }
  if (!may_try(sv, r, &a->accounts, j->person ? j->person : j->typed,
               "this account")) {
    job_free(j);
    return;
  }
  j->sv = sv;
  j->r = r;
  brought(r, j->old);
  queue(sv, j);
}

/* POST /welcome: token, choice (passphrase or links), passphrase, again. */
static void post_welcome(serve_t *sv, baton_http_req_t *r) {
  char addr[72];
  address_key(sv, r, addr);
  if (!may_try(sv, r, &sv->auth->addresses, addr, "this address"))
    return;
  char *body = form_body(r);
  if (body == NULL)
    return;
  char *choice = field(body, "choice");
  char *again = field(body, "again");
  job_t *j = calloc(1, sizeof *j);
  if (j == NULL || choice == NULL || again == NULL ||
      (j->token = field(body, "token")) == NULL ||
      (j->passphrase = field(body, "passphrase")) == NULL) {
    free_secret(body);
    free(choice);
    free_secret(again);
    if (j)
      job_free(j);
    send_error(r, 500, "out of memory");
    return;
  }
  free_secret(body);
  int links = sv->auth->links_only || strcmp(choice, "links") == 0;
  const char *error = NULL;
  if (j->token[0] == '\0')
    error = "This form has no invitation: open the whole link from the "
            "invitation.";
  else if (sv->auth->links_only && j->passphrase[0] != '\0')
    error = "Passphrases are off on this server: sign in without one.";
  else if (!links && strcmp(j->passphrase, again) != 0)
    error = "The two passphrases differ: type the same one twice.";
  free(choice);
  free_secret(again);
  if (error) {
    welcome_form(sv, r, 400, j->token, error);
    job_free(j);
    return;
  }
  if (links) {
    free_secret(j->passphrase);
    j->passphrase = NULL;
  }
  j->welcome = 1;
  j->sv = sv;
  j->r = r;
  brought(r, j->old);
  if (links) { /* no hashing: no need for the threadpool */
    welcome_done(j);
    job_free(j);
  } else {
    queue(sv, j);
  }
}

/* POST /signout: ends the session the cookie names, if the form (or the
 * header) carries its CSRF secret. */
static void post_signout(serve_t *sv, baton_http_req_t *r) {
  serve_who_t who;
  char csrf[BATON_TOKEN_SIZE], id[BATON_TOKEN_SIZE], cookie[256];
  baton__serve_who_csrf(sv, r, &who, csrf, id);
  cookie_line(sv, r, NULL, cookie, sizeof cookie);
  if (csrf[0] == '\0') { /* no session: nothing to end */
    baton__serve_who_clear(&who);
    see_other(r, "/signin", cookie);
    return;
  }
  const char *sent = baton__http_req_header(r, "X-CSRF-Token");
  char *form = NULL, *body = NULL;
  if (sent == NULL) {
    const char *type = baton__http_req_header(r, "Content-Type");
    size_t n;
    const char *raw = baton__http_req_body(r, &n);
    if (type &&
        strncasecmp(type, "application/x-www-form-urlencoded", 33) == 0 &&
        (body = baton__strndup(raw ? raw : "", raw ? n : 0)) != NULL)
      form = baton__http_query_get(body, "csrf");
    sent = form;
  }
  int ok = sent != NULL && baton__serve_same_secret(sent, csrf);
  free(form);
  free(body);
  if (!ok) {
    baton__serve_who_clear(&who);
    send_message(r, 403, "Not signed out",
                 "This sign-out came without the session's CSRF token (a "
                 "form field csrf, or the header X-CSRF-Token): use the "
                 "Sign out button of /signin.",
                 NULL);
    return;
  }
  baton_session_end(sv->store, id);
  baton__serve_forget(sv, id);
  log_event(sv, r, who.person, "account.signout", who.person, NULL);
  baton__serve_who_clear(&who);
  see_other(r, "/signin", cookie);
}

/* GET /signin/once?key=K: the start-up's one-time URL. */
static void get_once(serve_t *sv, baton_http_req_t *r) {
  serve_auth_t *a = sv->auth;
  char addr[72];
  address_key(sv, r, addr);
  if (!may_try(sv, r, &a->addresses, addr, "this address"))
    return;
  char *key = baton__http_query_get(baton__http_req_query(r), "key");
  int ok = key != NULL && a->once[0] != '\0' &&
           (long long)time(NULL) < a->once_until &&
           baton__serve_same_secret(key, a->once);
  free_secret(key);
  if (!ok) {
    baton__serve_limit_fail(&a->addresses, addr, (long long)time(NULL));
    log_event(sv, r, NULL, "account.signin_failed", NULL, "one-time URL");
    send_message(r, 403, "This address does not work",
                 "This one-time address was used already, expired (after 10 "
                 "minutes) or is not the one baton serve printed: sign in "
                 "with your staff id, or restart baton serve for a new "
                 "one.",
                 NULL);
    return;
  }
  sodium_memzero(a->once, sizeof a->once);
  char id[BATON_TOKEN_SIZE], csrf[BATON_TOKEN_SIZE], cookie[256], old[44];
  brought(r, old);
  if (old[0] != '\0') {
    baton_session_end(sv->store, old);
    baton__serve_forget(sv, old);
  }
  if (baton__serve_op_session_new(sv, id, csrf) != 0) {
    send_message(r, 503, "Cannot sign in",
                 "Too many operator sessions are open: sign out of one.", NULL);
    return;
  }
  log_event(sv, r, NULL, "account.signin", NULL, "one-time URL");
  cookie_line(sv, r, id, cookie, sizeof cookie);
  sodium_memzero(id, sizeof id);
  see_other(r, "/", cookie);
}

/* GET /api/me. */
static int add_name(const baton_person_t *p, void *ud) {
  json_object_set_new(ud, "name", json_string(p->name));
  return 0;
}

static void api_me(serve_t *sv, baton_http_req_t *r) {
  serve_who_t who;
  char csrf[BATON_TOKEN_SIZE];
  baton__serve_who_csrf(sv, r, &who, csrf, NULL);
  json_t *o = json_pack(
      "{s:s?, s:s?, s:s?, s:s?}", "person", who.person, "name",
      who.role[0] && !who.person && !who.by_token ? "the server's operator"
                                                  : NULL,
      "role", who.role[0] ? who.role : NULL, "csrf", csrf[0] ? csrf : NULL);
  if (o && who.person)
    baton_people_get(sv->store, who.person, add_name, o);
  if (o && who.school) /* where the role holds (schools.c) */
    json_object_set_new(o, "school",
                        who.district ? json_null() : json_string(who.school));
  if (o && who.person)
    json_object_set_new(o, "district", json_boolean(who.district));
  baton__serve_who_clear(&who);
  send_json(r, 200, o);
}

int baton__serve_signin(serve_t *sv, baton_http_req_t *r, const char *path,
                        int read) {
  void (*page)(serve_t *, baton_http_req_t *) = NULL;
  int get = -1; /* the method the page takes: 1 GET, 0 POST */
  if (strcmp(path, "/api/me") == 0)
    page = api_me, get = 1;
  else if (strcmp(path, "/signin") == 0)
    page = read ? get_signin : post_signin, get = read;
  else if (strcmp(path, "/welcome") == 0)
    page = read ? NULL : post_welcome, get = read;
  else if (strcmp(path, "/signout") == 0)
    page = post_signout, get = 0;
  else if (strcmp(path, "/signin/once") == 0)
    page = get_once, get = 1;
  else
    return 0;
  const char *m = baton__http_req_method(r);
  if (sv->auth == NULL) {
    send_error(r, 503, "signing in is off: the server ran out of memory");
  } else if (get != read || (!read && strcmp(m, "POST") != 0)) {
    char h[64];
    snprintf(h, sizeof h, "Allow: %s\r\n", get ? "GET, HEAD" : "POST");
    baton__http_json(r, 405,
                     json_pack("{s:{s:i, s:s}}", "error", "status", 405,
                               "message",
                               get ? "this address takes GET only"
                                   : "this address takes POST only (a form)"),
                     h);
  } else if (page == NULL) { /* GET /welcome */
    char *token = baton__http_query_get(baton__http_req_query(r), "token");
    if (token == NULL || *token == '\0')
      send_message(r, 400, "No invitation",
                   "This address needs the whole link from your invitation "
                   "(it ends with ?token=...).",
                   NULL);
    else if (baton_users_invitation_check(sv->store, token,
                                          (long long)time(NULL)) == 0)
      welcome_form(sv, r, 200, token, NULL);
    else /* said now, before anyone types a passphrase for nothing */
      send_message(r, 403, "This link cannot sign you in",
                   baton_store_last_error(sv->store), NULL);
    free_secret(token);
  } else {
    page(sv, r);
  }
  return 1;
}

/* ---- the pieces join.c shares (serve.h) ---------------------------------- */

void baton__serve_page(baton_http_req_t *r, int status, const char *title,
                       const baton_buf_t *body, const char *extra) {
  send_page(r, status, title, body, extra);
}
void baton__serve_message(baton_http_req_t *r, int status, const char *title,
                          const char *text, const char *extra) {
  send_message(r, status, title, text, extra);
}
void baton__serve_see_other(baton_http_req_t *r, const char *to,
                            const char *extra) {
  see_other(r, to, extra);
}
void baton__serve_cookie(serve_t *sv, baton_http_req_t *r, const char *id,
                         char *out, size_t n) {
  cookie_line(sv, r, id, out, n);
}
char *baton__serve_form_body(baton_http_req_t *r) { return form_body(r); }
char *baton__serve_form_field(const char *body, const char *name) {
  return field(body, name);
}
void baton__serve_log_event(serve_t *sv, baton_http_req_t *r, const char *actor,
                            const char *kind, const char *subject,
                            const char *how) {
  log_event(sv, r, actor, kind, subject, how);
}
int baton__serve_may_try(serve_t *sv, baton_http_req_t *r, serve_limit_t *l,
                         const char *key, const char *who) {
  return may_try(sv, r, l, key, who);
}
void baton__serve_address_key(serve_t *sv, baton_http_req_t *r, char key[72]) {
  address_key(sv, r, key);
}
