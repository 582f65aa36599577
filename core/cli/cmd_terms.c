/* core/cli/cmd_terms.c: `baton terms`, the school calendar: import it from
 * the school's calendar (.ics) or a CSV, add and remove terms and
 * closures by hand, list them.
 *
 * The store keeps and checks the calendar (core/store/terms.c); this file
 * reads files into rows. An .ics is read by baton.ics.holidays (libical,
 * core/lua/lua_ics.c, loaded on first use) and each all-day event's title
 * is sorted by baton_terms_classify: a closure (holiday, half term,
 * break, INSET...), a term (term, semester...), or skipped and listed.
 * "Autumn term starts" and "Autumn term ends" pair into the term "Autumn
 * term". Exit status: 0 done, 1 failed (nothing written), 2 usage. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <jansson.h>

#include "builtin.h"

/* Rows read from a file: terms and closures with where each came from. */
typedef struct {
  baton_term_t *rows;
  char **where;
  size_t n, cap;
  char **skipped; /* titles no rule sorted: "Parents' evening (2026-10-08)" */
  size_t nskipped;
} rows_t;

static void rows_free(rows_t *r) {
  for (size_t i = 0; i < r->n; i++) {
    free((char *)r->rows[i].name);
    free((char *)r->rows[i].from);
    free((char *)r->rows[i].to);
    free(r->where[i]);
  }
  for (size_t i = 0; i < r->nskipped; i++)
    free(r->skipped[i]);
  free(r->rows);
  free(r->where);
  free(r->skipped);
}

/* Appends a row (strings copied; name is n bytes). */
static int rows_add(rows_t *r, int kind, const char *name, size_t n,
                    const char *from, const char *to, char *where) {
  if (where == NULL)
    return BATON_ENOMEM;
  if (r->n == r->cap) {
    size_t cap = r->cap ? r->cap * 2 : 32;
    baton_term_t *rows = realloc(r->rows, cap * sizeof *rows);
    if (rows != NULL)
      r->rows = rows;
    char **w = rows ? realloc(r->where, cap * sizeof *w) : NULL;
    if (w == NULL) {
      free(where);
      return BATON_ENOMEM;
    }
    r->where = w;
    r->cap = cap;
  }
  baton_term_t *t = &r->rows[r->n];
  t->kind = (baton_term_kind_t)kind;
  t->name = baton__strndup(name, n);
  t->from = baton__strdup(from);
  t->to = baton__strdup(to);
  r->where[r->n++] = where;
  return t->name && t->from && t->to ? 0 : BATON_ENOMEM;
}

/* ---- .ics ---------------------------------------------------------------- */

/* If the title ends with a start or end marker ("Autumn term starts",
 * "End of autumn term" is not one), returns the stem's length and sets
 * *start; else returns 0. */
static size_t marker(const char *t, int *start) {
  static const struct {
    const char *word;
    int start;
  } ends[] = {{" starts", 1}, {" begins", 1}, {" start", 1},   {" begin", 1},
              {" ends", 0},   {" end", 0},    {" finishes", 0}};
  size_t n = strlen(t);
  while (n > 0 && isspace((unsigned char)t[n - 1]))
    n--;
  for (size_t i = 0; i < sizeof ends / sizeof *ends; i++) {
    size_t k = strlen(ends[i].word);
    if (n > k && strncasecmp(t + n - k, ends[i].word, k) == 0) {
      *start = ends[i].start;
      return n - k;
    }
  }
  return 0;
}

/* The events of an .ics file ({from, to, name} from baton.ics.holidays at
 * -1 of L) into rows. */
static int rows_from_events(lua_State *L, const char *file, rows_t *r,
                            char **why) {
  size_t n = (size_t)lua_rawlen(L, -1);
  char *used = calloc(n + 1, 1);
  if (used == NULL)
    return BATON_ENOMEM;
  int err = 0;
  for (size_t i = 1; err == 0 && i <= n; i++) {
    lua_rawgeti(L, -1, (lua_Integer)i);
    lua_getfield(L, -1, "name");
    lua_getfield(L, -2, "from");
    lua_getfield(L, -3, "to");
    const char *name = lua_tostring(L, -3), *from = lua_tostring(L, -2),
               *to = lua_tostring(L, -1);
    int start = 0;
    size_t stem = used[i] ? 0 : marker(name, &start);
    if (used[i]) {
      /* the end of a term paired below */
    } else if (stem > 0 && start && baton_terms_classify(name) == BATON_TERM) {
      /* The next end marker with the same stem ends this term. */
      size_t j;
      const char *last = NULL;
      for (j = i + 1; j <= n && last == NULL; j++) {
        lua_rawgeti(L, -5, (lua_Integer)j);
        lua_getfield(L, -1, "name");
        int s2 = 1;
        const char *n2 = lua_tostring(L, -1);
        size_t k = marker(n2, &s2);
        if (!used[j] && !s2 && k == stem && strncasecmp(n2, name, k) == 0) {
          lua_getfield(L, -2, "to");
          last = lua_tostring(L, -1);
          used[j] = 1;
          err = rows_add(r, BATON_TERM, name, stem, from, last,
                         baton__asprintf("%s: '%s' and '%s'", file, name, n2));
          lua_pop(L, 1);
        }
        lua_pop(L, 2);
      }
      if (last == NULL && err == 0) {
        *why = baton__asprintf("%s: '%s' (%s) has no matching '%.*s ends' "
                               "event",
                               file, name, from, (int)stem, name);
        err = BATON_EINVAL;
      }
    } else if (stem > 0 && baton_terms_classify(name) == BATON_TERM) {
      /* An end with no start before it. */
      *why = baton__asprintf("%s: '%s' (%s) has no '%.*s starts' event "
                             "before it",
                             file, name, from, (int)stem, name);
      err = BATON_EINVAL;
    } else {
      int kind = baton_terms_classify(name);
      if (kind < 0) {
        char **s = realloc(r->skipped, (r->nskipped + 1) * sizeof *s);
        if (s == NULL)
          err = BATON_ENOMEM;
        else {
          r->skipped = s;
          s[r->nskipped] = baton__asprintf("%s (%s)", name, from);
          err = s[r->nskipped++] ? 0 : BATON_ENOMEM;
        }
      } else {
        err =
            rows_add(r, kind, name, strlen(name), from, to,
                     baton__asprintf("%s: event '%s' (%s)", file, name, from));
      }
    }
    lua_pop(L, 4);
  }
  free(used);
  return err;
}

/* Reads an .ics with baton.ics.holidays. Returns 0, or 1 after reporting. */
static int read_ics(baton_cli_t *cli, const char *file, const char *text,
                    size_t len, rows_t *r) {
  lua_State *L = luaL_newstate();
  if (L == NULL)
    return BATON_ENOMEM;
  baton__lua_open_ics_lazy(L);
  lua_getfield(L, -1, "holidays");
  lua_pushlstring(L, text, len);
  int st = lua_pcall(L, 1, 2, 0);
  int err = 0;
  if (st != LUA_OK || lua_isnil(L, -2)) {
    char *msg = baton__asprintf("%s: %s", file, lua_tostring(L, -1));
    baton__host_report(cli->host, NULL, msg ? msg : file,
                       "export the school calendar as iCalendar (.ics), or "
                       "write a CSV with columns name,start,end");
    free(msg);
    err = 1;
  } else {
    lua_pop(L, 1);
    char *why = NULL;
    if (rows_from_events(L, file, r, &why) != 0) {
      baton__host_report(cli->host, NULL, why ? why : "out of memory",
                         "give the term both its start and end events, or "
                         "one event spanning its days; nothing was imported");
      err = 1;
    }
    free(why);
  }
  lua_close(L);
  return err;
}

/* ---- CSV ----------------------------------------------------------------- */

typedef struct {
  const char *file;
  rows_t *r;
  int col[4]; /* name, start, end, kind: the column, or -1 */
  int header;
  baton_msgs_t *errs;
} csv_t;

static int csv_row(void *ud, const baton_csv_row_t *row) {
  csv_t *c = ud;
  if (!c->header) {
    static const char *const names[4][3] = {{"name", "term", NULL},
                                            {"start", "from", "first"},
                                            {"end", "to", "last"},
                                            {"kind", "type", NULL}};
    c->header = 1;
    for (int k = 0; k < 4; k++) {
      c->col[k] = -1;
      for (size_t i = 0; i < row->ncells; i++)
        for (int a = 0; a < 3 && names[k][a]; a++)
          if (strcasecmp(row->cells[i], names[k][a]) == 0)
            c->col[k] = (int)i;
    }
    for (int k = 0; k < 3; k++)
      if (c->col[k] < 0)
        return baton__msgs_add(c->errs,
                               "%s:%zu: the header has no '%s' column; the "
                               "columns are name,start,end and optionally "
                               "kind (term or closure)",
                               c->file, row->line, names[k][0])
                   ? BATON_ENOMEM
                   : BATON_EPARSE;
    return 0;
  }
  if (row->invalid)
    return 0;
  const char *cell[4] = {"", "", "", ""};
  for (int k = 0; k < 4; k++)
    if (c->col[k] >= 0 && (size_t)c->col[k] < row->ncells)
      cell[k] = row->cells[c->col[k]];
  if (!*cell[0] && !*cell[1] && !*cell[2])
    return 0; /* a blank line */
  for (int k = 1; k < 3; k++)
    if (baton__date_parse(cell[k], NULL, NULL, NULL) != 0)
      return baton__msgs_add(c->errs,
                             "%s:%zu:%d: '%s' is not a date; write "
                             "YYYY-MM-DD, e.g. 2026-09-03",
                             c->file, row->line, c->col[k] + 1, cell[k])
                 ? BATON_ENOMEM
                 : 0;
  int kind;
  if (*cell[3] == '\0')
    kind = baton_terms_classify(cell[0]) == BATON_CLOSURE ? BATON_CLOSURE
                                                          : BATON_TERM;
  else if (strcasecmp(cell[3], "term") == 0)
    kind = BATON_TERM;
  else if (strcasecmp(cell[3], "closure") == 0)
    kind = BATON_CLOSURE;
  else
    return baton__msgs_add(c->errs,
                           "%s:%zu:%d: kind '%s' is neither term nor closure",
                           c->file, row->line, c->col[3] + 1, cell[3])
               ? BATON_ENOMEM
               : 0;
  return rows_add(c->r, kind, cell[0], strlen(cell[0]), cell[1], cell[2],
                  baton__asprintf("%s:%zu", c->file, row->line));
}

static int read_csv(baton_cli_t *cli, const char *file, const char *text,
                    size_t len, rows_t *r) {
  baton_msgs_t errs = {.max = 20};
  csv_t c = {.file = file, .r = r, .errs = &errs};
  int err = baton__csv_parse(file, text, len, csv_row, &c, &errs);
  if (err == 0 && errs.n > 0)
    err = BATON_EPARSE;
  if (err != 0) {
    for (size_t i = 0; i + 1 < errs.n; i++)
      baton__host_report(cli->host, NULL, errs.items[i], NULL);
    baton__host_report(cli->host, NULL,
                       errs.n ? errs.items[errs.n - 1] : baton_strerror(err),
                       "nothing was imported");
  }
  baton__msgs_free(&errs);
  return err != 0;
}

/* ---- commands ------------------------------------------------------------ */

static int is_ics(const char *file, const char *text) {
  size_t n = strlen(file);
  if (n > 4 && strcasecmp(file + n - 4, ".ics") == 0)
    return 1;
  while (*text == ' ' || *text == '\r' || *text == '\n')
    text++;
  return strncasecmp(text, "BEGIN:VCALENDAR", 15) == 0;
}

static int print_report(baton_cli_t *cli, const char *file, const rows_t *r,
                        const baton_terms_report_t *rep, int dry_run) {
  size_t nterms = 0;
  for (size_t i = 0; i < r->n; i++)
    nterms += r->rows[i].kind == BATON_TERM;
  if (cli->opts.json) {
    json_t *sk = json_array();
    for (size_t i = 0; i < r->nskipped; i++)
      json_array_append_new(sk, json_string(r->skipped[i]));
    json_t *o = json_pack(
        "{s:s, s:b, s:I, s:I, s:I, s:I, s:I, s:I, s:o}", "file", file,
        "dry_run", dry_run, "terms", (json_int_t)nterms, "closures",
        (json_int_t)(r->n - nterms), "added", (json_int_t)rep->added, "updated",
        (json_int_t)rep->updated, "unchanged", (json_int_t)rep->unchanged,
        "removed", (json_int_t)rep->removed, "skipped", sk);
    char *s = json_dumps(o, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
    fprintf(cli->out, "%s\n", s ? s : "{}");
    free(s);
    json_decref(o);
    return 0;
  }
  if (cli->opts.quiet)
    return 0;
  fprintf(cli->out,
          "%s%s: %zu term%s and %zu closure%s; %zu added, %zu updated, %zu "
          "unchanged, %zu removed%s\n",
          dry_run ? "Dry run, nothing written. " : "", file, nterms,
          nterms == 1 ? "" : "s", r->n - nterms, r->n - nterms == 1 ? "" : "s",
          rep->added, rep->updated, rep->unchanged, rep->removed,
          dry_run ? " (would be)" : "");
  if (r->nskipped > 0) {
    fprintf(cli->out,
            "Skipped %zu event%s that name%s no term or closure "
            "(add one by hand with `baton terms add` if it is):\n",
            r->nskipped, r->nskipped == 1 ? "" : "s",
            r->nskipped == 1 ? "s" : "");
    for (size_t i = 0; i < r->nskipped; i++)
      fprintf(cli->out, "  %s\n", r->skipped[i]);
  }
  return 0;
}

/* args: FILE, --dry-run, --replace */
static int cmd_import(baton_cli_t *cli, const baton_cmdspec_t *spec,
                      baton_value_t *args, int argc, const char *const *argv) {
  const char *file = args[0].v.s;
  char *text = NULL, *why = NULL;
  size_t len = 0;
  if (baton__file_read(file, &text, &len, &why) != 0) {
    baton__host_report(cli->host, NULL, why ? why : file, NULL);
    free(why);
    return 1;
  }
  rows_t r = {0};
  int status = is_ics(file, text) ? read_ics(cli, file, text, len, &r)
                                  : read_csv(cli, file, text, len, &r);
  free(text);
  baton_store_t *s = status == 0 ? baton__cli_store(cli) : NULL;
  baton_terms_report_t rep;
  if (status == 0 && s == NULL)
    status = 1;
  if (status == 0 &&
      baton_terms_apply(s, r.rows, (const char *const *)r.where, r.n,
                        args[2].v.b, args[1].v.b, &rep) != 0) {
    baton__host_report(cli->host, NULL, baton_store_last_error(s),
                       args[2].v.b ? "nothing was imported"
                                   : "nothing was imported; to make the "
                                     "file the whole calendar, add "
                                     "--replace");
    status = 1;
  }
  if (status == 0)
    print_report(cli, file, &r, &rep, args[1].v.b);
  rows_free(&r);
  return status;
}

/* args: NAME, FROM, TO, --closure */
static int cmd_add(baton_cli_t *cli, const baton_cmdspec_t *spec,
                   baton_value_t *args, int argc, const char *const *argv) {
  baton_store_t *s = baton__cli_store(cli);
  if (s == NULL)
    return 1;
  baton_term_t t = {args[3].v.b ? BATON_CLOSURE : BATON_TERM, args[0].v.s,
                    args[1].v.s, args[2].v.s};
  baton_terms_report_t rep;
  if (baton_terms_apply(s, &t, NULL, 1, 0, 0, &rep) != 0) {
    baton__host_report(cli->host, NULL, baton_store_last_error(s),
                       "the calendar was not changed");
    return 1;
  }
  if (!cli->opts.quiet)
    fprintf(cli->out, "%s %s '%s': %s to %s.\n",
            rep.added     ? "Added"
            : rep.updated ? "Updated"
                          : "Kept",
            t.kind == BATON_CLOSURE ? "closure" : "term", t.name, t.from, t.to);
  return 0;
}

/* args: NAME, [FROM] */
static int cmd_remove(baton_cli_t *cli, const baton_cmdspec_t *spec,
                      baton_value_t *args, int argc, const char *const *argv) {
  baton_store_t *s = baton__cli_store(cli);
  if (s == NULL)
    return 1;
  size_t n;
  if (baton_terms_remove(s, args[0].v.s, args[1].set ? args[1].v.s : NULL,
                         &n) != 0) {
    baton__host_report(cli->host, NULL, baton_store_last_error(s), NULL);
    return 1;
  }
  if (!cli->opts.quiet)
    fprintf(cli->out, "Removed %zu entr%s named '%s'.\n", n,
            n == 1 ? "y" : "ies", args[0].v.s);
  return 0;
}

static int list_row(const baton_term_t *t, void *ud) {
  baton_cli_t *cli = ((void **)ud)[0];
  json_t *a = ((void **)ud)[1];
  if (a != NULL) {
    json_array_append_new(
        a, json_pack("{s:s, s:s, s:s, s:s}", "kind",
                     t->kind == BATON_CLOSURE ? "closure" : "term", "name",
                     t->name, "from", t->from, "to", t->to));
    return 0;
  }
  fprintf(cli->out, "%-8s %s  %s  %s\n",
          t->kind == BATON_CLOSURE ? "closure" : "term", t->from, t->to,
          t->name);
  return 0;
}

static int each_term(baton_store_t *s, const char *arg, void *ud) {
  (void)arg;
  return baton_terms_each(s, list_row, ud);
}

static int cmd_list(baton_cli_t *cli, const baton_cmdspec_t *spec,
                    baton_value_t *args, int argc, const char *const *argv) {
  char head[64];
  snprintf(head, sizeof head, "%-8s %-10s  %-10s  %s", "KIND", "FROM", "TO",
           "NAME");
  return baton__cli_list(cli, spec, "terms", head, each_term, NULL);
}

/* ---- the table ----------------------------------------------------------- */

static baton_argspec_t import_args[] = {
    {.name = "file",
     .key = "file",
     .type = BATON_ARG_PATH,
     .required = 1,
     .must_exist = 1,
     .metavar = "FILE",
     .help = "the school calendar: .ics, or CSV with name,start,end[,kind]"},
    {.name = "dry-run",
     .key = "dry_run",
     .flag = 1,
     .type = BATON_ARG_BOOLEAN,
     .help = "check and report, write nothing"},
    {.name = "replace",
     .key = "replace",
     .flag = 1,
     .type = BATON_ARG_BOOLEAN,
     .help = "remove the terms and closures the file does not hold"},
};

static baton_argspec_t add_args[] = {
    {.name = "name",
     .key = "name",
     .type = BATON_ARG_STRING,
     .required = 1,
     .metavar = "NAME",
     .help = "the term's name, e.g. \"Autumn 2026\""},
    {.name = "from",
     .key = "from",
     .type = BATON_ARG_DATE,
     .required = 1,
     .metavar = "FROM",
     .help = "its first day"},
    {.name = "to",
     .key = "to",
     .type = BATON_ARG_DATE,
     .required = 1,
     .metavar = "TO",
     .help = "its last day"},
    {.name = "closure",
     .key = "closure",
     .flag = 1,
     .type = BATON_ARG_BOOLEAN,
     .help = "days without school (half term, a holiday), not a term"},
};

static baton_argspec_t remove_args[] = {
    {.name = "name",
     .key = "name",
     .type = BATON_ARG_STRING,
     .required = 1,
     .metavar = "NAME",
     .help = "the term or closure to remove"},
    {.name = "from",
     .key = "from",
     .type = BATON_ARG_DATE,
     .metavar = "FROM",
     .help = "of closures sharing the name, only the one starting that day"},
};

#define N(a) (sizeof(a) / sizeof *(a))

const baton_builtin_t baton__terms_commands[] = {
    {"terms",
     {.name = "import",
      .summary = "Import the school calendar from .ics or "
                 "CSV (all or nothing)",
      .help = "An .ics: each all-day event whose title names a holiday, half "
              "term, break, closure, vacation, recess, INSET or training day "
              "is a closure; one whose title names a term, semester, "
              "trimester or quarter is a term (\"Autumn term starts\" and "
              "\"Autumn term ends\" make one term); others are skipped and "
              "listed. A CSV: columns name,start,end and optionally kind "
              "(term or closure). A term of the same name is updated.",
      .args = import_args,
      .nargs = N(import_args)},
     cmd_import},
    {"terms",
     {.name = "list",
      .summary = "List the terms and closures",
      .args = NULL,
      .nargs = 0},
     cmd_list},
    {"terms",
     {.name = "add",
      .summary = "Add a term (or with --closure, a closure), "
                 "or change a term's dates",
      .args = add_args,
      .nargs = N(add_args)},
     cmd_add},
    {"terms",
     {.name = "remove",
      .summary = "Remove a term or closure",
      .args = remove_args,
      .nargs = N(remove_args)},
     cmd_remove},
};

const size_t baton__terms_ncommands = N(baton__terms_commands);
