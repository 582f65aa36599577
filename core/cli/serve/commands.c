/* core/cli/serve/commands.c: every plugin command as a form of the
 * dashboard: GET /api/commands describes them, POST /api/run/NS/CMD runs
 * one.
 *
 * A run goes the command line's way: each JSON value is turned into the
 * command's type by baton__arg_convert (the same checks and messages),
 * person and group values are checked against the store as the host
 * checks them, then the command runs in the host's sandbox, with the
 * host's limits, as a captured run with --json (core/runtime/capture.h).
 * Captured runs swap the host's output streams, so they never overlap:
 * they wait in one queue, first come first served. Who may run what
 * (`access` and `self` in plugin.lua) is decided here, by the host,
 * before the plugin runs: baton__serve_may_run, the one rule that also
 * gives may_run in the listing. */
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "capture.h"
#include "serve.h"

/* ---- who may run what ---------------------------------------------------- */

const char *baton__serve_may_run(const serve_who_t *who,
                                 const baton_cmdspec_t *spec, const char *given,
                                 const char **fill, int *status) {
  *fill = NULL;
  *status = 403;
  if (who->role[0] == '\0') {
    *status = 401;
    return "sign in to run commands";
  }
  if (!baton__serve_who_at_least(who, "staff"))
    return "a viewer may not run commands (rule: viewers run no command); "
           "ask a coordinator for the staff role";
  int coordinator = baton__serve_who_at_least(who, "coordinator");
  switch (spec->access) {
  case BATON_ACCESS_ANY:
    return NULL;
  case BATON_ACCESS_SELF:
    if (coordinator) { /* may act for anyone; for themselves by default */
      if (given == NULL)
        *fill = who->person;
      return NULL;
    }
    if (who->person == NULL)
      return "this command is for a person's own records (access = "
             "\"self\") and the credential names no person; sign in as "
             "yourself";
    if (given != NULL && strcmp(given, who->person) != 0)
      return "staff may run this command only for themselves (rule: access "
             "= \"self\"); leave the person out, or give your own id";
    *fill = who->person;
    return NULL;
  case BATON_ACCESS_COORDINATOR:
  default:
    if (coordinator)
      return NULL;
    return "this command is for coordinators (rule: access = "
           "\"coordinator\", the default); ask a coordinator to run it";
  }
}

/* ---- GET /api/commands --------------------------------------------------- */

/* The boolean flag `name` of spec, or NULL. */
static const baton_argspec_t *bool_flag(const baton_cmdspec_t *spec,
                                        const char *name) {
  for (size_t i = 0; i < spec->nargs; i++)
    if (spec->args[i].flag && spec->args[i].type == BATON_ARG_BOOLEAN &&
        strcmp(spec->args[i].name, name) == 0)
      return &spec->args[i];
  return NULL;
}

static json_t *arg_json(const baton_argspec_t *a) {
  json_t *values = json_null();
  if (a->type == BATON_ARG_ENUM) {
    values = json_array();
    for (size_t i = 0; i < a->nvalues; i++)
      json_array_append_new(values, json_string(a->values[i]));
  }
  return json_pack("{s:s, s:s, s:b, s:s, s:b, s:b, s:o, s:o, s:o, s:o, s:s?, "
                   "s:s?}",
                   "key", a->key, "name", a->name, "flag", a->flag, "type",
                   baton__argtype_name(a->type), "required", a->required,
                   "many", a->many, "default", baton__value_json(&a->def),
                   "min", baton__value_json(&a->min), "max",
                   baton__value_json(&a->max), "values", values, "help",
                   a->help, "metavar", a->metavar);
}

static json_t *command_json(const baton_plugin_t *p,
                            const baton_cmdspec_t *spec,
                            const serve_who_t *who) {
  json_t *args = json_array();
  for (size_t i = 0; i < spec->nargs; i++)
    json_array_append_new(args, arg_json(&spec->args[i]));
  const char *fill;
  int status;
  int may = baton__serve_may_run(who, spec, NULL, &fill, &status) == NULL;
  const char *preview = bool_flag(spec, "save")      ? "save"
                        : bool_flag(spec, "dry-run") ? "dry-run"
                                                     : NULL;
  return json_pack("{s:s, s:s, s:s, s:s?, s:s?, s:s, s:s?, s:s?, s:b, s:o}",
                   "plugin", p->name, "namespace", p->m->ns, "command",
                   spec->name, "summary", spec->summary, "help", spec->help,
                   "access", baton__access_name(spec->access), "self",
                   spec->self, "preview", preview, "may_run", may, "args",
                   args);
}

static int by_name(const void *a, const void *b) {
  return strcmp((*(baton_plugin_t *const *)a)->name,
                (*(baton_plugin_t *const *)b)->name);
}

void baton__serve_api_commands(serve_t *sv, baton_http_req_t *r,
                               const serve_who_t *who) {
  size_t n = baton_host_plugin_count(sv->h), k = 0;
  baton_plugin_t **ps = calloc(n ? n : 1, sizeof *ps);
  if (ps == NULL) {
    send_error(r, 500, "out of memory");
    return;
  }
  for (size_t i = 0; i < n; i++) {
    baton_plugin_t *p = baton_host_plugin_at(sv->h, i);
    if (p->m != NULL && p->state != BATON_PLUGIN_SHADOWED)
      ps[k++] = p;
  }
  qsort(ps, k, sizeof *ps, by_name);
  json_t *a = json_array();
  for (size_t i = 0; i < k; i++)
    for (size_t j = 0; j < ps[i]->m->ncmds; j++) /* sorted by name */
      json_array_append_new(a, command_json(ps[i], &ps[i]->m->cmds[j], who));
  free(ps);
  send_json(r, 200, a);
}

/* ---- POST /api/run/NS/CMD: the arguments ---------------------------------
 */

/* A JSON value as the command line's text for argument a, into buf;
 * NULL with *why (a message) when its JSON type cannot be one. */
static const char *json_text(const baton_argspec_t *a, const json_t *v,
                             char *buf, size_t n, const char **why) {
  switch (json_typeof(v)) {
  case JSON_STRING:
    return json_string_value(v);
  case JSON_INTEGER:
    snprintf(buf, n, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
    return buf;
  case JSON_REAL:
    snprintf(buf, n, "%.17g", json_real_value(v));
    return buf;
  case JSON_TRUE:
  case JSON_FALSE:
    if (a->type == BATON_ARG_BOOLEAN)
      return json_is_true(v) ? "true" : "false";
    *why = "a boolean";
    return NULL;
  case JSON_ARRAY:
    *why = "a list";
    return NULL;
  default:
    *why = json_is_object(v) ? "an object" : "null";
    return NULL;
  }
}

/* The most values a `many` argument takes from a form: each person or
 * group among them is a query, made while nothing else is answered. */
#define RUN_MAX_ITEMS 1000
#define RUN_MAX_ITEMS_TEXT "1000"

/* What the run takes from one request. */
typedef struct run_s {
  struct run_s *next;
  serve_t *sv; /* whose queue */
  baton_http_req_t *req;
  baton_host_t *h;
  char ns[64], cmd[64];
  char *actor;      /* the signed-in person, or NULL */
  char *school;     /* the school the command sees; NULL: every school */
  baton_buf_t line; /* the command line, NUL-separated */
  char **argv;
  int argc;
  baton_capture_t cap;
} run_t;

static void run_free(run_t *run) {
  baton__capture_free(&run->cap);
  baton__buf_free(&run->line);
  free(run->argv);
  free(run->actor);
  free(run->school);
  free(run);
}

/* Appends one word to the command line. */
static int add_word(run_t *run, const char *w) {
  run->argc++;
  return baton__buf_append(&run->line, w, strlen(w) + 1);
}

/* The command line of the given values: flags, then `--`, then
 * positionals (so a value starting with '-' is not read as a flag); a
 * boolean flag as --name or --no-name. */
static int make_line(run_t *run, const baton_cmdspec_t *spec,
                     const baton_value_t *vals) {
  int r = 0;
  for (int pass = 0; r == 0 && pass < 2; pass++) {
    if (pass == 1)
      r = add_word(run, "--");
    for (size_t i = 0; r == 0 && i < spec->nargs; i++) {
      const baton_argspec_t *a = &spec->args[i];
      const baton_value_t *v = &vals[i];
      if (a->flag != (pass == 0) || !v->set)
        continue;
      char flag[96];
      if (a->flag && a->type == BATON_ARG_BOOLEAN) {
        snprintf(flag, sizeof flag, "--%s%s", v->v.b ? "" : "no-", a->name);
        r = add_word(run, flag);
        continue;
      }
      snprintf(flag, sizeof flag, "--%s", a->name);
      for (size_t k = 0; r == 0 && k < (a->many ? v->nitems : 1); k++) {
        baton_buf_t t = {0};
        if (a->flag)
          r = add_word(run, flag);
        if (r == 0)
          r = baton__value_format(a->many ? &v->items[k] : v, &t);
        if (r == 0)
          r = add_word(run, t.data ? t.data : "");
        baton__buf_free(&t);
      }
    }
  }
  if (r != 0 ||
      (run->argv = calloc((size_t)run->argc + 1, sizeof *run->argv)) == NULL)
    return BATON_ENOMEM;
  char *w = run->line.data;
  for (int i = 0; i < run->argc; i++, w += strlen(w) + 1)
    run->argv[i] = w;
  return 0;
}

/* Converts one JSON value (a list for `many`) into *v, as the command
 * line would; on a mistake, sets fields[key] and returns BATON_EUSAGE. */
static int convert(baton_host_t *h, const baton_argspec_t *a, const json_t *j,
                   baton_value_t *v, json_t *fields) {
  char label[80], buf[64];
  baton__arg_label(a, label, sizeof label);
  const char *why = NULL;
  char *err = NULL;
  int r = 0;
  size_t n = json_is_array(j) ? json_array_size(j) : 1;
  if (json_is_array(j) && !a->many) {
    why = "a list";
    n = 0;
  } else if (n > RUN_MAX_ITEMS) {
    why = "a list of more than " RUN_MAX_ITEMS_TEXT " values";
    n = 0;
  }
  memset(v, 0, sizeof *v);
  v->type = a->type;
  for (size_t k = 0; r == 0 && why == NULL && k < n; k++) {
    const json_t *x = json_is_array(j) ? json_array_get(j, k) : j;
    const char *s = json_text(a, x, buf, sizeof buf, &why);
    baton_value_t one;
    if (s == NULL)
      break;
    if ((r = baton__arg_convert(a, s, &one, &err)) != 0)
      break;
    if (!a->many) {
      *v = one;
      continue;
    }
    baton_value_t *items = realloc(v->items, (v->nitems + 1) * sizeof *items);
    if (items == NULL) {
      baton__value_clear(&one);
      r = BATON_ENOMEM;
      break;
    }
    v->items = items;
    v->items[v->nitems++] = one;
    v->set = 1;
  }
  baton_store_t *s = NULL;
  if (r == 0 && why == NULL &&
      (a->type == BATON_ARG_PERSON || a->type == BATON_ARG_GROUP)) {
    r = baton__host_store(h, &s);
    r = r != 0 ? r : baton__arg_check_store(s, a, v, &err);
  }
  if (why != NULL) {
    baton_buf_t want = {0};
    if (a->type == BATON_ARG_ENUM)
      for (size_t i = 0; i < a->nvalues; i++)
        baton__buf_printf(&want, "%s'%s'", i ? ", " : "one of ", a->values[i]);
    else
      baton__buf_printf(
          &want, "%s",
          a->type == BATON_ARG_BOOLEAN ? "true or false"
          : a->type == BATON_ARG_INTEGER || a->type == BATON_ARG_NUMBER
              ? "a number"
          : a->type == BATON_ARG_DATE   ? "a date \"YYYY-MM-DD\""
          : a->type == BATON_ARG_PERSON ? "a person's id (a string)"
          : a->type == BATON_ARG_GROUP  ? "a group's name"
                                        : "a string");
    err = baton__asprintf("%s expects %s%s, not %s", label,
                          a->many ? "a list of values or one value: " : "",
                          want.data ? want.data : "a value", why);
    baton__buf_free(&want);
    r = BATON_EUSAGE;
  }
  if (r != 0) {
    json_object_set_new(fields, a->key,
                        json_string(err ? err : baton_strerror(r)));
    baton__value_clear(v);
  }
  free(err);
  return r;
}

/* The JSON body's `args` checked against spec into vals (spec->nargs,
 * given values only): every mistake goes to fields (KEY: message); the
 * self argument is given as who may run it (fill). Returns 0, or 400
 * with *msg (static) for a body that is not {"args": {...}}, or 403 with
 * *msg when who may not run it with these arguments. */
static int read_args(serve_t *sv, baton_http_req_t *r,
                     const baton_cmdspec_t *spec, const serve_who_t *who,
                     baton_value_t *vals, json_t *fields, char **msg) {
  size_t blen;
  const char *body = baton__http_req_body(r, &blen);
  json_t *root = NULL, *args = NULL;
  json_error_t je;
  if (body != NULL && blen > 0) {
    root = json_loadb(body, blen, JSON_REJECT_DUPLICATES, &je);
    if (root == NULL || !json_is_object(root)) {
      *msg = root ? baton__strdup("the body must be a JSON object: "
                                  "{\"args\": {\"KEY\": value}}")
                  : baton__asprintf("the body is not a JSON object: line %d, "
                                    "column %d: %s; send {\"args\": "
                                    "{\"KEY\": value}}",
                                    je.line, je.column, je.text);
      json_decref(root);
      return 400;
    }
    const char *k;
    json_t *x;
    json_object_foreach(root, k, x) {
      if (strcmp(k, "args") != 0) {
        static const char *const top[] = {"args"};
        const char *sug = baton__suggest(k, top, 1);
        *msg = baton__asprintf("the body has a key '%s'%s; it takes only "
                               "\"args\": {\"args\": {\"KEY\": value}}",
                               k, sug ? " (did you mean 'args'?)" : "");
        json_decref(root);
        return 400;
      }
    }
    args = json_object_get(root, "args");
    if (args != NULL && !json_is_object(args) && !json_is_null(args)) {
      *msg = baton__strdup("\"args\" must be an object: {\"args\": "
                           "{\"KEY\": value}}");
      json_decref(root);
      return 400;
    }
  }
  /* Keys the command does not take, each with the closest one. */
  const char *keys[256];
  size_t nkeys = 0;
  for (size_t i = 0; i < spec->nargs && nkeys < 256; i++)
    keys[nkeys++] = spec->args[i].key;
  const char *k;
  json_t *x;
  json_object_foreach(args, k, x) {
    size_t i;
    for (i = 0; i < spec->nargs && strcmp(spec->args[i].key, k) != 0; i++)
      ;
    if (i < spec->nargs)
      continue;
    const char *sug = baton__suggest(k, keys, nkeys);
    char *m = sug ? baton__asprintf("the command takes no argument '%s' (did "
                                    "you mean '%s'?)",
                                    k, sug)
                  : baton__asprintf("the command takes no argument '%s'", k);
    json_object_set_new(fields, k, json_string(m ? m : "unknown argument"));
    free(m);
  }
  /* The given values, each converted (every mistake reported). */
  const char *given_self = NULL;
  for (size_t i = 0; i < spec->nargs; i++) {
    const baton_argspec_t *a = &spec->args[i];
    json_t *j = json_object_get(args, a->key);
    if (j == NULL || json_is_null(j))
      continue;
    if (spec->self && strcmp(a->key, spec->self) == 0)
      given_self = json_is_string(j) ? json_string_value(j) : "";
    convert(sv->h, a, j, &vals[i], fields);
  }
  /* Who may run it with these: the host fills the self argument. */
  const char *fill;
  int status;
  const char *refusal =
      baton__serve_may_run(who, spec, given_self, &fill, &status);
  if (refusal != NULL) {
    *msg = baton__strdup(refusal);
    json_decref(root);
    return status;
  }
  for (size_t i = 0; fill && i < spec->nargs; i++)
    if (strcmp(spec->args[i].key, spec->self) == 0 && !vals[i].set) {
      json_t *j = json_string(fill);
      convert(sv->h, &spec->args[i], j, &vals[i], fields);
      json_decref(j);
    }
  /* Of a school: the people and groups given are of that school. */
  for (size_t i = 0; i < spec->nargs; i++) {
    const baton_argspec_t *a = &spec->args[i];
    const baton_value_t *v = &vals[i];
    if (!v->set || (a->type != BATON_ARG_PERSON && a->type != BATON_ARG_GROUP))
      continue;
    for (size_t n = 0; n < (a->many ? v->nitems : 1); n++) {
      char *why = baton__serve_school_refuses(
          sv, who, a->many ? v->items[n].v.s : v->v.s,
          a->type == BATON_ARG_GROUP);
      if (why != NULL) {
        *msg = why;
        json_decref(root);
        return 403;
      }
    }
  }
  /* What is required and not given. */
  for (size_t i = 0; i < spec->nargs; i++) {
    const baton_argspec_t *a = &spec->args[i];
    if (a->required && !vals[i].set &&
        json_object_get(fields, a->key) == NULL) {
      char label[80];
      baton__arg_label(a, label, sizeof label);
      char *m = a->help ? baton__asprintf("missing %s (%s)", label, a->help)
                        : baton__asprintf("missing %s", label);
      json_object_set_new(fields, a->key, json_string(m ? m : "missing"));
      free(m);
    }
  }
  json_decref(root);
  return 0;
}

/* ---- POST /api/run/NS/CMD: the queue --------------------------------------
 */

/* text[0..n) as a JSON string, each byte that is not UTF-8 as U+FFFD. */
static json_t *text_json(const char *text, size_t n) {
  size_t bad;
  if (text == NULL)
    return json_string("");
  if (baton__utf8_check(text, n, &bad))
    return json_stringn(text, n);
  baton_buf_t b = {0};
  while (!baton__utf8_check(text, n, &bad)) {
    baton__buf_append(&b, text, bad);
    baton__buf_append(&b, "\xEF\xBF\xBD", 3);
    text += bad + 1;
    n -= bad + 1;
  }
  baton__buf_append(&b, text, n);
  json_t *j = json_stringn(b.data ? b.data : "", b.len);
  baton__buf_free(&b);
  return j;
}

/* The last JSON value out holds, or null: what the command gave with
 * --json (baton.output prints each value it is given). */
static json_t *last_json(const char *out, size_t n) {
  json_t *last = json_null();
  size_t at = 0;
  while (out != NULL && at < n) {
    while (at < n && strchr(" \t\r\n", out[at]) != NULL)
      at++;
    if (at == n)
      break;
    json_error_t je;
    json_t *j = json_loadb(out + at, n - at,
                           JSON_DECODE_ANY | JSON_DISABLE_EOF_CHECK, &je);
    if (j == NULL) /* text, not JSON: what came before it stands */
      break;
    json_decref(last);
    last = j;
    at += je.position;
  }
  return last;
}

static void start_next(serve_runs_t *q);

static void run_done(baton_capture_t *c) {
  run_t *run = c->data;
  serve_runs_t *q = &run->sv->runs;
  json_t *a = json_pack("{s:i, s:o, s:o, s:o}", "status", c->status, "result",
                        last_json(c->out, c->out_len), "output",
                        text_json(c->out, c->out_len), "errors",
                        text_json(c->err, c->err_len));
  /* If the client went away, the answer is dropped (core/net/http.h). */
  send_json(run->req, 200, a);
  run_free(run);
  q->busy = 0;
  if (!q->starting)
    start_next(q);
}

/* Starts the runs waiting, one at a time: each next one when the one
 * before ends (run_done), here at once for one that ends as it starts. */
static void start_next(serve_runs_t *q) {
  q->starting = 1;
  while (!q->busy && q->head != NULL) {
    run_t *run = q->head;
    q->head = run->next;
    if (q->head == NULL)
      q->tail = NULL;
    q->busy = 1;
    /* A run of its own, whatever task's end started it (run_done): no
     * caller's reach, the person's actor. run may be freed by the time
     * capture_start returns (a command that ends at once). */
    baton_host_t *h = run->h;
    baton_task_t *running = h->running;
    h->running = NULL;
    h->next_actor = run->actor;
    h->next_school = run->school;
    int r = baton__capture_start(&run->cap, h, run->ns, run->cmd, run->argc,
                                 (const char *const *)run->argv, 1, 0, 0,
                                 run_done, run);
    h->next_actor = NULL;
    h->next_school = NULL;
    h->running = running;
    if (r != 0) {
      send_error(run->req, 500, "cannot capture the command's output");
      run_free(run);
      q->busy = 0;
    }
  }
  q->starting = 0;
}

/* The NS and CMD of "/api/run/NS/CMD" into ns and cmd; 0 if the path is
 * not of that form. */
static int run_path(const char *path, char *ns, size_t nns, char *cmd,
                    size_t ncmd) {
  const char *p = path + strlen("/api/run/");
  const char *slash = strchr(p, '/');
  if (slash == NULL || slash == p || (size_t)(slash - p) >= nns ||
      slash[1] == '\0' || strchr(slash + 1, '/') != NULL ||
      strlen(slash + 1) >= ncmd)
    return 0;
  snprintf(ns, nns, "%.*s", (int)(slash - p), p);
  snprintf(cmd, ncmd, "%s", slash + 1);
  return 1;
}

/* 400 naming every wrong field. */
static void send_fields(baton_http_req_t *r, json_t *fields) {
  baton_buf_t b = {0};
  const char *k;
  json_t *x;
  baton__buf_printf(&b, "%zu argument%s %s wrong: ", json_object_size(fields),
                    json_object_size(fields) == 1 ? "" : "s",
                    json_object_size(fields) == 1 ? "is" : "are");
  int first = 1;
  json_object_foreach(fields, k, x) {
    baton__buf_printf(&b, "%s%s", first ? "" : "; ", json_string_value(x));
    first = 0;
  }
  send_json(r, 400,
            json_pack("{s:{s:i, s:s, s:O}}", "error", "status", 400, "message",
                      b.data ? b.data : "arguments are wrong", "fields",
                      fields));
  baton__buf_free(&b);
}

void baton__serve_api_run(serve_t *sv, baton_http_req_t *r,
                          const serve_who_t *who) {
  char ns[64], cmd[64];
  if (who->role[0] == '\0') {
    send_error(r, 401, "sign in to run commands");
    return;
  }
  const baton_plugin_t *p =
      run_path(baton__http_req_path(r), ns, sizeof ns, cmd, sizeof cmd)
          ? baton__host_find_ns(sv->h, ns)
          : NULL;
  const baton_cmdspec_t *spec =
      p && p->m ? baton__manifest_command(p->m, cmd) : NULL;
  if (spec == NULL) {
    send_error(r, 404,
               "no such command: POST /api/run/NAMESPACE/COMMAND "
               "runs one GET /api/commands lists");
    return;
  }
  /* The role rules first: a refused person learns nothing of the form. */
  const char *fill;
  int status;
  const char *refusal = baton__serve_may_run(who, spec, NULL, &fill, &status);
  if (refusal != NULL) {
    send_error(r, status, refusal);
    return;
  }
  baton_value_t *vals = calloc(spec->nargs ? spec->nargs : 1, sizeof *vals);
  json_t *fields = json_object();
  run_t *run = calloc(1, sizeof *run);
  char *msg = NULL;
  int code = vals && fields && run
                 ? read_args(sv, r, spec, who, vals, fields, &msg)
                 : 500;
  if (code == 0 && json_object_size(fields) > 0)
    code = -1;
  if (code == 0) {
    run->sv = sv;
    run->req = r;
    run->h = sv->h;
    snprintf(run->ns, sizeof run->ns, "%s", ns);
    snprintf(run->cmd, sizeof run->cmd, "%s", spec->name);
    /* A person of one school runs the command on that school only: it
     * reads that school's people, groups and events (schools.c). */
    if ((who->person && (run->actor = baton__strdup(who->person)) == NULL) ||
        (who->person && !who->district && who->school &&
         (run->school = baton__strdup(who->school)) == NULL) ||
        make_line(run, spec, vals) != 0)
      code = 500;
  }
  for (size_t i = 0; vals && i < spec->nargs; i++)
    baton__value_clear(&vals[i]);
  free(vals);
  if (code == -1)
    send_fields(r, fields);
  else if (code != 0)
    send_error(r, code, msg ? msg : "out of memory");
  json_decref(fields);
  free(msg);
  if (code != 0) {
    if (run)
      run_free(run);
    return;
  }
  serve_runs_t *q = &sv->runs;
  if (q->tail)
    q->tail->next = run;
  else
    q->head = run;
  q->tail = run;
  start_next(q);
}
