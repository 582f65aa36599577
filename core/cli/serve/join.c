/* core/cli/serve/join.c: workshop mode of `baton serve` (--workshop, which
 * `baton demo --workshop` passes on): participants join the demo school
 * from their phones.
 *
 *   GET  /join?code=C      the join page (plain HTML, no script): "I am
 *                          ..." (a person of the school no one has claimed)
 *                          or "add me" (name, subjects, interests)
 *   POST /join             joins: an account with the staff role, a
 *                          session (the sign-in machinery's), 303 to /join/me
 *   GET  /join/me          who you joined as, and where to act (the
 *                          dashboard's forms: evidence for the change, your
 *                          rota, your mentoring)
 *   GET  /join/screen      the projector's page (web/join.html): the link,
 *                          its QR code, who joined and what they did
 *   GET  /api/workshop     its data (coordinators)
 *   GET  /api/workshop/qr.svg   the link as a QR code (libqrencode)
 *   POST /api/workshop/code     a new code, valid --workshop-minutes again
 *
 * Bounded: only on a database `baton demo` made (its setting baton.demo;
 * nothing else is touched: participants are people and accounts of that
 * database), a code that expires (--workshop-minutes), at most
 * --workshop-cap participants, wrong codes counted per client address
 * (guard.c's limits; 429 past 10 in 10 minutes), a person already
 * claimed (who has an account) not joinable, and a joined participant is
 * staff: the coordinator's commands stay refused (commands.c). The join
 * form has no CSRF token (no session yet), as the sign-in form: a page of
 * another origin is refused by the router's Origin check. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <unistd.h>

#include <qrencode.h>
#include <sodium.h>

#include "serve.h"

#define CODE_LEN 6
#define JOIN_FAILS 10
#define JOIN_WINDOW (10 * 60)

typedef struct {
  char id[64];
} participant_t;

typedef struct serve_workshop_s {
  char code[CODE_LEN + 1];
  double minutes;
  long long until;
  unsigned cap, joined;
  char since[32]; /* the workshop's start as the events' `at` is written */
  char base[200]; /* the address phones open, without a trailing slash */
  participant_t *people;
  serve_limit_t fails; /* wrong codes per client address */
} serve_workshop_t;

static void new_code(serve_workshop_t *w) {
  static const char alphabet[] = "ABCDEFGHJKMNPQRSTUVWXYZ23456789";
  unsigned char raw[CODE_LEN];
  randombytes_buf(raw, sizeof raw);
  for (size_t i = 0; i < CODE_LEN; i++)
    w->code[i] = alphabet[raw[i] % (sizeof alphabet - 1)];
  w->code[CODE_LEN] = '\0';
  w->until = (long long)time(NULL) + (long long)(w->minutes * 60 + 0.5);
}

const char *baton__serve_workshop_base(serve_t *sv) {
  return sv->workshop ? sv->workshop->base : "";
}

int baton__serve_workshop_start(serve_t *sv, double minutes, long long cap,
                                const char *base) {
  serve_workshop_t *w = calloc(1, sizeof *w);
  participant_t *people = calloc((size_t)cap, sizeof *people);
  if (w == NULL || people == NULL) {
    free(w);
    free(people);
    return 1;
  }
  w->people = people;
  w->minutes = minutes;
  w->cap = (unsigned)cap;
  snprintf(w->base, sizeof w->base, "%s", base);
  time_t now = time(NULL);
  struct tm tm;
  gmtime_r(&now, &tm);
  strftime(w->since, sizeof w->since, "%Y-%m-%dT%H:%M:%S.000Z", &tm);
  baton__serve_limit_init(&w->fails, JOIN_FAILS, JOIN_WINDOW);
  new_code(w);
  sv->workshop = w;
  return 0;
}

void baton__serve_workshop_free(serve_t *sv) {
  if (sv->workshop == NULL)
    return;
  free(sv->workshop->people);
  sodium_memzero(sv->workshop, sizeof *sv->workshop);
  free(sv->workshop);
  sv->workshop = NULL;
}

void baton__serve_workshop_reset(serve_t *sv) {
  serve_workshop_t *w = sv->workshop;
  memset(w->people, 0, w->cap * sizeof *w->people);
  w->joined = 0;
}

/* The join link, into out. */
static void join_link(const serve_workshop_t *w, char *out, size_t n) {
  snprintf(out, n, "%s/join?code=%s", w->base, w->code);
}

static void until_text(const serve_workshop_t *w, char out[16]) {
  time_t t = (time_t)w->until;
  struct tm tm;
  localtime_r(&t, &tm);
  strftime(out, 16, "%H:%M", &tm);
}

/* NULL if code lets someone join now; else why not, with *status. A wrong
 * code counts against the client's address. */
static const char *refusal(serve_t *sv, baton_http_req_t *r, const char *code,
                           int *status, char *buf, size_t n) {
  serve_workshop_t *w = sv->workshop;
  char typed[CODE_LEN + 1] = "";
  size_t len = strlen(code);
  for (size_t i = 0; i < len && i < CODE_LEN; i++)
    typed[i] =
        (char)(code[i] >= 'a' && code[i] <= 'z' ? code[i] - 32 : code[i]);
  typed[len < CODE_LEN ? len : CODE_LEN] = '\0';
  long long now = (long long)time(NULL);
  *status = 403;
  if (len != CODE_LEN || !baton__serve_same_secret(typed, w->code)) {
    char key[72];
    baton__serve_address_key(sv, r, key);
    baton__serve_limit_fail(&w->fails, key, now);
    return "This join code is not this workshop's. Type the code shown on "
           "the projector (six letters and digits), or scan its QR code.";
  }
  if (now >= w->until) {
    char at[16];
    until_text(w, at);
    snprintf(buf, n,
             "This join code expired at %s. Ask the trainer for a new one "
             "(the projector's page has a New code button).",
             at);
    return buf;
  }
  if (w->joined >= w->cap) {
    snprintf(buf, n,
             "The workshop is full: %u people have joined, the most it "
             "takes (baton serve --workshop-cap). Watch the projector, or "
             "share a phone with someone who joined.",
             w->cap);
    return buf;
  }
  return NULL;
}

/* ---- the join page --------------------------------------------------------
 */

typedef struct {
  json_t *claimed; /* person id -> true: has an account */
  baton_buf_t *b;
  size_t n;
} unclaimed_t;

static int note_account(const baton_user_t *u, void *ud) {
  json_object_set_new(ud, u->person_id, json_true());
  return 0;
}

static int add_option(const baton_person_t *p, void *ud) {
  unclaimed_t *u = ud;
  if (json_object_get(u->claimed, p->id))
    return 0;
  baton__buf_printf(u->b, "<option value=\"");
  baton__serve_esc(u->b, p->id);
  baton__buf_printf(u->b, "\">");
  baton__serve_esc(u->b, p->name);
  baton__buf_printf(u->b, " (");
  baton__serve_esc(u->b, p->role ? p->role : "");
  if (p->subjects && *p->subjects) {
    baton__buf_printf(u->b, ", ");
    baton__serve_esc(u->b, p->subjects);
  }
  baton__buf_printf(u->b, ")</option>\n");
  u->n++;
  return 0;
}

static void join_form(serve_t *sv, baton_http_req_t *r, int status,
                      const char *code, const char *error) {
  baton_buf_t b = {0};
  if (error) {
    baton__buf_printf(&b, "<p class=\"error\" role=\"alert\">");
    baton__serve_esc(&b, error);
    baton__buf_printf(&b, "</p>\n");
  }
  baton__buf_printf(&b, "<p>Join the workshop as a person of the sample "
                        "school, then act as them: record evidence for the "
                        "change, look at your rota and your mentoring. "
                        "Everything you do shows on the projector.</p>\n"
                        "<form method=\"post\" action=\"/join\">\n"
                        "<input type=\"hidden\" name=\"code\" value=\"");
  baton__serve_esc(&b, code);
  baton__buf_printf(&b, "\">\n<h2>I am someone of the school</h2>\n<p><label "
                        "for=\"person\">Who you are</label><br>\n<select "
                        "id=\"person\" name=\"person\">\n");
  unclaimed_t u = {json_object(), &b, 0};
  baton_users_each(sv->store, note_account, u.claimed);
  baton_people_each(sv->store, NULL, 0, 0, add_option, &u);
  json_decref(u.claimed);
  baton__buf_printf(&b, "</select></p>\n<p><button type=\"submit\">Join as "
                        "them</button></p>\n</form>\n"
                        "<form method=\"post\" action=\"/join\">\n"
                        "<input type=\"hidden\" name=\"code\" value=\"");
  baton__serve_esc(&b, code);
  baton__buf_printf(
      &b, "\">\n<h2>Or add me</h2>\n"
          "<p><label for=\"name\">Your name</label><br>\n<input id=\"name\" "
          "name=\"name\" maxlength=\"80\" autocomplete=\"name\"></p>\n"
          "<p><label for=\"subjects\">Subjects you teach or lead (commas "
          "between)</label><br>\n<input id=\"subjects\" name=\"subjects\" "
          "maxlength=\"200\"></p>\n"
          "<p><label for=\"interests\">What you are interested in</label><br>"
          "\n<input id=\"interests\" name=\"interests\" maxlength=\"200\">"
          "</p>\n<p><button type=\"submit\">Add me and join</button></p>\n"
          "</form>\n");
  baton__serve_page(r, status, "Join the workshop", &b, NULL);
  baton__buf_free(&b);
}

static void code_form(baton_http_req_t *r) {
  baton_buf_t b = {0};
  baton__buf_printf(&b, "<form method=\"get\" action=\"/join\">\n<p><label "
                        "for=\"code\">The code on the projector</label><br>\n"
                        "<input id=\"code\" name=\"code\" maxlength=\"6\" "
                        "autocapitalize=\"characters\" autocomplete=\"off\">"
                        "</p>\n<p><button type=\"submit\">Go on</button></p>\n"
                        "</form>\n");
  baton__serve_page(r, 200, "Join the workshop", &b, NULL);
  baton__buf_free(&b);
}

static void join_get(serve_t *sv, baton_http_req_t *r) {
  char *code = baton__http_query_get(baton__http_req_query(r), "code");
  char key[72], buf[320];
  int status;
  baton__serve_address_key(sv, r, key);
  if (code == NULL || *code == '\0')
    code_form(r);
  else if (!baton__serve_may_try(sv, r, &sv->workshop->fails, key,
                                 "this address"))
    ;
  else {
    const char *why = refusal(sv, r, code, &status, buf, sizeof buf);
    if (why)
      baton__serve_message(r, status, "Cannot join", why, NULL);
    else
      join_form(sv, r, 200, code, NULL);
  }
  free(code);
}

/* ---- joining ----------------------------------------------------------------
 */

static int found(const baton_person_t *p, void *ud) {
  (void)p;
  *(int *)ud = 1;
  return 0;
}

static int exists(serve_t *sv, const char *id) {
  int there = 0;
  baton_people_get(sv->store, id, found, &there);
  return there;
}

/* Text a person typed: printable, at most max bytes; else NULL. */
static int fine_text(const char *s, size_t max) {
  size_t n = strlen(s);
  if (n > max)
    return 0;
  for (size_t i = 0; i < n; i++)
    if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
      return 0;
  return 1;
}

static void csv_field(FILE *f, const char *s, int list) {
  fputc('"', f);
  for (; *s; s++) {
    if (*s == '"')
      fputc('"', f);
    fputc(list && *s == ',' ? ';' : *s, f);
  }
  fputc('"', f);
}

/* Adds a person from the form (the store's import: its checks, one
 * transaction) with the first free id W001...; id gets it. Returns 0, or
 * non-zero with *why. */
static int add_person(serve_t *sv, const char *name, const char *subjects,
                      const char *interests, char id[16], char **why) {
  *why = NULL;
  int i;
  for (i = 1; i < 1000; i++) {
    snprintf(id, 16, "W%03d", i);
    if (!exists(sv, id))
      break;
  }
  if (i == 1000) {
    *why = baton__strdup("no free id left for a new person (W001-W999)");
    return 1;
  }
  char path[] = "/tmp/baton-join-XXXXXX.csv";
  int fd = mkstemps(path, 4);
  FILE *f = fd >= 0 ? fdopen(fd, "w") : NULL;
  if (f == NULL) {
    if (fd >= 0)
      close(fd);
    *why = baton__strdup("cannot write a file in /tmp");
    return 1;
  }
  fprintf(f, "id,name,role,subjects,interests,workshop\n%s,", id);
  csv_field(f, name, 0);
  fputs(",participant,", f);
  csv_field(f, subjects, 1);
  fputc(',', f);
  csv_field(f, interests, 0);
  fputs(",yes\n", f);
  fclose(f);
  baton_import_options_t o;
  baton_import_options_init(&o);
  baton_import_report_t rep;
  int e = baton_people_import(sv->store, path, &o, &rep);
  unlink(path);
  if (e != 0)
    *why = baton__strdup(rep.nerrors ? rep.errors[0] : baton_strerror(e));
  baton_import_report_free(&rep);
  return e;
}

static void join_post(serve_t *sv, baton_http_req_t *r) {
  serve_workshop_t *w = sv->workshop;
  char key[72], buf[320];
  baton__serve_address_key(sv, r, key);
  if (!baton__serve_may_try(sv, r, &w->fails, key, "this address"))
    return;
  char *body = baton__serve_form_body(r);
  if (body == NULL)
    return;
  char *code = baton__serve_form_field(body, "code");
  char *person = baton__serve_form_field(body, "person");
  char *name = baton__serve_form_field(body, "name");
  char *subjects = baton__serve_form_field(body, "subjects");
  char *interests = baton__serve_form_field(body, "interests");
  char id[64] = "", *why = NULL;
  int status;
  const char *no = NULL;
  if (!code || !person || !name || !subjects || !interests) {
    send_error(r, 500, "out of memory");
    goto done;
  }
  if ((no = refusal(sv, r, code, &status, buf, sizeof buf)) != NULL) {
    baton__serve_message(r, status, "Cannot join", no, NULL);
    goto done;
  }
  char role[16];
  const char *how = person[0] ? "claimed" : "added";
  if (person[0]) {
    if (!exists(sv, person)) {
      join_form(sv, r, 400, code,
                "No such person in the school: choose "
                "one from the list.");
      goto done;
    }
    if (baton_users_role_get(sv->store, person, role, sizeof role) == 0) {
      join_form(sv, r, 403, code,
                "That person has already joined (or has an account of "
                "their own): choose someone else, or add yourself.");
      goto done;
    }
    snprintf(id, sizeof id, "%s", person);
  } else if (name[0] == '\0' || !fine_text(name, 80) ||
             !fine_text(subjects, 200) || !fine_text(interests, 200)) {
    join_form(sv, r, 400, code,
              name[0] == '\0'
                  ? "Choose who you are from the list, or give your name "
                    "to be added."
                  : "Names, subjects and interests are one line of text "
                    "each (a name at most 80 characters).");
    goto done;
  } else if (add_person(sv, name, subjects, interests, id, &why) != 0) {
    join_form(sv, r, 400, code, why);
    goto done;
  }
  /* An account (the staff role) by the invitation machinery, used at
   * once, then a session as signing in makes. */
  const char *persons[] = {id};
  char tokens[1][BATON_TOKEN_SIZE], *redeemed = NULL;
  char sid[BATON_TOKEN_SIZE], csrf[BATON_TOKEN_SIZE], cookie[256];
  long long now = (long long)time(NULL);
  if (baton_users_invite(sv->store, persons, 1, "staff", now, tokens, NULL) !=
          0 ||
      baton_users_redeem(sv->store, tokens[0], now, &redeemed) != 0 ||
      baton_session_create(sv->store, id, now, sv->auth->session_s, sid,
                           csrf) != 0) {
    sodium_memzero(tokens, sizeof tokens);
    free(redeemed);
    baton__serve_message(r, 500, "Cannot join",
                         baton_store_last_error(sv->store), NULL);
    goto done;
  }
  sodium_memzero(tokens, sizeof tokens);
  free(redeemed);
  participant_t *p = &w->people[w->joined++];
  snprintf(p->id, sizeof p->id, "%s", id);
  baton__serve_log_event(sv, r, id, "workshop.join", id, how);
  baton__serve_cookie(sv, r, sid, cookie, sizeof cookie);
  sodium_memzero(sid, sizeof sid);
  baton__serve_see_other(r, "/join/me", cookie);
  char data[48];
  snprintf(data, sizeof data, "{\"joined\":%u}", w->joined);
  baton__serve_broadcast(sv, "workshop", data);
done:
  free(body);
  free(code);
  free(person);
  free(name);
  free(subjects);
  free(interests);
  free(why);
}

static int person_name(const baton_person_t *p, void *ud) {
  snprintf(ud, 128, "%s", p->name);
  return 0;
}

static void join_me(serve_t *sv, baton_http_req_t *r) {
  serve_who_t who;
  baton__serve_who(sv, r, &who);
  if (who.person == NULL) {
    baton__serve_who_clear(&who);
    baton__serve_see_other(r, "/join", NULL);
    return;
  }
  char name[128] = "";
  baton_people_get(sv->store, who.person, person_name, name);
  baton_buf_t b = {0};
  baton__buf_printf(&b, "<p class=\"message\">You are <strong>");
  baton__serve_esc(&b, name);
  baton__buf_printf(&b, "</strong> (");
  baton__serve_esc(&b, who.person);
  baton__buf_printf(
      &b, "), with a staff member's rights in the sample school.</p>\n"
          "<ul>\n<li><a href=\"/#/commands\">Act</a>: record evidence for "
          "the change (<em>change evidence</em>), ask to hand over a rota "
          "turn (<em>rota request</em>), see your rota and your mentoring "
          "(<em>rota mine</em>, <em>mentor mine</em>).</li>\n"
          "<li><a href=\"/\">The dashboard</a>: what the room sees.</li>\n"
          "</ul>\n");
  baton__serve_page(r, 200, "You have joined", &b, NULL);
  baton__buf_free(&b);
  baton__serve_who_clear(&who);
}

int baton__serve_join(serve_t *sv, baton_http_req_t *r, const char *path,
                      int read) {
  int get;
  if (strcmp(path, "/join") == 0)
    get = read;
  else if (strcmp(path, "/join/me") == 0)
    get = 1;
  else
    return 0;
  if (sv->workshop == NULL || sv->auth == NULL) {
    baton__serve_message(r, 404, "No workshop",
                         "No workshop is running here: the trainer starts "
                         "one with `baton demo --workshop`.",
                         NULL);
    return 1;
  }
  if (get != read || (!read && strcmp(baton__http_req_method(r), "POST"))) {
    send_error(r, 405, "this address takes GET (or POST for /join)");
    return 1;
  }
  if (strcmp(path, "/join/me") == 0)
    join_me(sv, r);
  else if (read)
    join_get(sv, r);
  else
    join_post(sv, r);
  return 1;
}

/* ---- the projector ----------------------------------------------------------
 */

static void qr_svg(serve_t *sv, baton_http_req_t *r) {
  char link[256];
  join_link(sv->workshop, link, sizeof link);
  QRcode *q = QRcode_encodeString(link, 0, QR_ECLEVEL_M, QR_MODE_8, 1);
  if (q == NULL) {
    send_error(r, 500, "cannot make the QR code (libqrencode)");
    return;
  }
  int m = 4, size = q->width + 2 * m;
  baton_buf_t b = {0};
  baton__buf_printf(&b,
                    "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 "
                    "%d %d\" shape-rendering=\"crispEdges\"><title>",
                    size, size);
  baton__serve_esc(&b, link);
  baton__buf_printf(&b,
                    "</title><rect width=\"%d\" height=\"%d\" "
                    "fill=\"#fff\"/><path fill=\"#000\" d=\"",
                    size, size);
  for (int y = 0; y < q->width; y++)
    for (int x = 0; x < q->width; x++)
      if (q->data[y * q->width + x] & 1)
        baton__buf_printf(&b, "M%d %dh1v1h-1z", x + m, y + m);
  baton__buf_printf(&b, "\"/></svg>\n");
  QRcode_free(q);
  if (b.data == NULL)
    send_error(r, 500, "out of memory");
  else
    baton__http_respond(r, 200, "image/svg+xml", b.data, b.len,
                        "Cache-Control: no-store\r\n");
  baton__buf_free(&b);
}

static void workshop_json(serve_t *sv, baton_http_req_t *r) {
  serve_workshop_t *w = sv->workshop;
  char link[256], until[16];
  join_link(w, link, sizeof link);
  until_text(w, until);
  json_t *people = json_array();
  for (unsigned i = 0; i < w->joined; i++) {
    char name[128] = "";
    baton_people_get(sv->store, w->people[i].id, person_name, name);
    json_array_append_new(
        people, json_pack("{s:s, s:s}", "id", w->people[i].id, "name", name));
  }
  send_json(r, 200,
            json_pack("{s:s, s:s, s:I, s:s, s:b, s:i, s:i, s:s, s:o}", "code",
                      w->code, "link", link, "expires", (json_int_t)w->until,
                      "expires_at", until, "expired",
                      (long long)time(NULL) >= w->until, "cap", (int)w->cap,
                      "joined", (int)w->joined, "since", w->since,
                      "participants", people));
}

int baton__serve_workshop_api(serve_t *sv, baton_http_req_t *r,
                              const char *path, const serve_who_t *who) {
  int read = strcmp(baton__http_req_method(r), "GET") == 0 ||
             strcmp(baton__http_req_method(r), "HEAD") == 0;
  if (strcmp(path, "/join/screen") == 0 && read)
    return baton__serve_asset(sv, r, "/join.html");
  if (strncmp(path, "/api/workshop", 13) != 0)
    return 0;
  const char *rest = path + 13;
  if (strcmp(rest, "") && strcmp(rest, "/qr.svg") && strcmp(rest, "/code"))
    return 0;
  if (sv->workshop == NULL)
    send_error(r, 404,
               "no workshop is running: start one with `baton demo "
               "--workshop` (or baton serve --workshop)");
  else if (!baton__serve_who_at_least(who, "coordinator"))
    send_error(r, who->role[0] ? 403 : 401,
               "the workshop's code is for the trainer (a coordinator): "
               "sign in");
  else if (strcmp(rest, "/code") == 0 && !read) {
    new_code(sv->workshop);
    baton__serve_broadcast(sv, "workshop", "{\"code\":\"new\"}");
    workshop_json(sv, r);
  } else if (!read)
    send_error(r, 405, "this address is read-only");
  else if (strcmp(rest, "/qr.svg") == 0)
    qr_svg(sv, r);
  else if (strcmp(rest, "") == 0)
    workshop_json(sv, r);
  else
    send_error(r, 405, "a new code is made with POST");
  return 1;
}
