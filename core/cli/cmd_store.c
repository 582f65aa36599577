/* core/cli/cmd_store.c: the built-in commands over the store: `baton people`,
 * `baton groups`, `baton backup` and `baton restore`.
 *
 * Each handler opens the host's database (created on first use), calls the
 * public store API and prints a table or, with --json, JSON. Exit status:
 * 0 done, 1 failed (nothing written), 2 usage. */
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "builtin.h"

#define N(a) (sizeof(a) / sizeof *(a))
#define N_WHERE 13

/* ---- output helpers ------------------------------------------------------ */

/* Display width of UTF-8 text: code points, not bytes. */
static size_t text_width(const char *s) {
  size_t w = 0;
  for (; s && *s; s++)
    w += ((unsigned char)*s & 0xc0) != 0x80;
  return w;
}

/* A table printed with aligned columns; cells are copied. */
typedef struct {
  size_t ncols;
  char **cells; /* row-major */
  size_t nrows, cap;
  size_t width[16];
} table_t;

static int table_add(table_t *t, const char *const *row) {
  if (t->nrows == t->cap) {
    size_t cap = t->cap ? t->cap * 2 : 64;
    char **c = realloc(t->cells, cap * t->ncols * sizeof *c);
    if (c == NULL)
      return BATON_ENOMEM;
    t->cells = c;
    t->cap = cap;
  }
  for (size_t i = 0; i < t->ncols; i++) {
    char *v = baton__strdup(row[i] ? row[i] : "");
    if (v == NULL)
      return BATON_ENOMEM;
    t->cells[t->nrows * t->ncols + i] = v;
    if (text_width(v) > t->width[i])
      t->width[i] = text_width(v);
  }
  t->nrows++;
  return 0;
}

/* Prints the rows aligned, without trailing blanks. */
static void table_print(table_t *t, FILE *out) {
  for (size_t r = 0; r < t->nrows; r++) {
    char **row = t->cells + r * t->ncols;
    size_t last = t->ncols;
    while (last > 1 && row[last - 1][0] == '\0')
      last--;
    for (size_t i = 0; i < last; i++) {
      if (i + 1 == last)
        fprintf(out, "%s\n", row[i]);
      else
        fprintf(out, "%s%*s  ", row[i], (int)(t->width[i] - text_width(row[i])),
                "");
    }
  }
}

static void table_free(table_t *t) {
  for (size_t i = 0; i < t->nrows * t->ncols; i++)
    free(t->cells[i]);
  free(t->cells);
}

static void print_json(baton_cli_t *cli, json_t *j) {
  char *s = json_dumps(j, JSON_INDENT(2) | JSON_PRESERVE_ORDER |
                              JSON_REAL_PRECISION(15));
  fprintf(cli->out, "%s\n", s ? s : "null");
  free(s);
}

/* Reports a store failure and returns exit status 1. */
static int fail(baton_cli_t *cli, baton_store_t *s, const char *hint) {
  baton__host_report(
      cli->host, NULL,
      s ? baton_store_last_error(s) : baton_host_last_error(cli->host), hint);
  return 1;
}

static baton_format_t format_arg(const baton_value_t *v) {
  if (!v->set || v->v.s == NULL)
    return BATON_FORMAT_AUTO;
  return strcmp(v->v.s, "json") == 0 ? BATON_FORMAT_JSON : BATON_FORMAT_CSV;
}

/* ---- import -------------------------------------------------------------- */

static json_t *report_json(const char *file, const baton_import_report_t *r,
                           int dry_run, const char *counts_of) {
  json_t *o = json_pack(
      "{s:s, s:s, s:b, s:I, s:I, s:I, s:I, s:I, s:I}", "file", file, "counts",
      counts_of, "dry_run", dry_run, "rows", (json_int_t)r->rows, "added",
      (json_int_t)r->added, "updated", (json_int_t)r->updated, "unchanged",
      (json_int_t)r->unchanged, "deactivated", (json_int_t)r->deactivated,
      "rejected", (json_int_t)r->rejected);
  json_t *e = json_array(), *c = json_array();
  for (size_t i = 0; i < r->nerrors; i++)
    json_array_append_new(e, json_string(r->errors[i]));
  for (size_t i = 0; i < r->nchanges; i++)
    json_array_append_new(c, json_string(r->changes[i]));
  json_object_set_new(o, "errors", e);
  json_object_set_new(o, "errors_not_shown",
                      json_integer((json_int_t)r->errors_dropped));
  json_object_set_new(o, "changes", c);
  return o;
}

/* A usage error (exit 2) for a store command: with --json as the JSON
 * error on standard error, like every other usage error. */
static int usage(baton_cli_t *cli, const baton_cmdspec_t *spec,
                 const char *prefix, const char *msg) {
  baton__usage_error(cli->host, spec, prefix, msg);
  return 2;
}

/* args: FILE, --format, --dry-run, --full, then the kind's own. */
static int run_import(baton_cli_t *cli, baton_import_options_t *o,
                      const char *file, int people) {
  baton_store_t *s = baton__cli_store(cli);
  if (s == NULL)
    return 1;
  baton_import_report_t r;
  int err = people ? baton_people_import(s, file, o, &r)
                   : baton_groups_import(s, file, o, &r);
  const char *what = people ? "people" : "memberships";
  if (cli->opts.json && err == 0) {
    json_t *j = report_json(file, &r, o->dry_run, what);
    if (!people)
      json_object_set_new(j, "kept", json_integer((json_int_t)r.kept));
    print_json(cli, j);
    json_decref(j);
  } else if (cli->opts.json && err == BATON_EPARSE) {
    /* Errors go to standard error, as every --json error does; the
     * report (every error with its line and column) rides along. */
    json_t *rep = report_json(file, &r, o->dry_run, what);
    json_t *j = json_pack(
        "{s:{s:s, s:s, s:o}}", "error", "message", baton_store_last_error(s),
        "hint",
        "every error names the file, line and column; the database is "
        "unchanged",
        "report", rep);
    char *text = json_dumps(j, JSON_COMPACT);
    fflush(cli->out);
    fprintf(cli->err, "%s\n", text ? text : "{}");
    free(text);
    json_decref(j);
  } else if (err == 0) {
    FILE *out = cli->out;
    if (o->dry_run) {
      fprintf(out, "Dry run of %s import from %s: nothing was written.\n",
              people ? "people" : "groups", file);
      for (size_t i = 0; i < r.nchanges; i++)
        fprintf(out, "  %s\n", r.changes[i]);
      if (r.changes_dropped)
        fprintf(out, "  ... and %zu more changes\n", r.changes_dropped);
    } else {
      fprintf(out, "Imported %s from %s into %s.\n", what, file,
              baton_store_path(s));
    }
    fprintf(out, "  added        %zu\n", r.added);
    fprintf(out, "  updated      %zu\n", r.updated);
    fprintf(out, "  unchanged    %zu\n", r.unchanged);
    fprintf(out, "  %-12s %zu\n", people ? "deactivated" : "removed",
            r.deactivated);
    if (!people && r.kept)
      fprintf(out,
              "  kept         %zu (members of these groups the file "
              "does not list; --replace removes them)\n",
              r.kept);
    fprintf(out, "  rejected     %zu\n", r.rejected);
  }
  if (err == BATON_EPARSE && !cli->opts.json) {
    fflush(cli->out);
    for (size_t i = 0; i < r.nerrors; i++)
      fprintf(cli->err, "%s\n", r.errors[i]);
    if (r.errors_dropped)
      fprintf(cli->err, "... and %zu more errors not shown\n",
              r.errors_dropped);
  }
  if (err != 0 && !(err == BATON_EPARSE && cli->opts.json))
    fail(cli, s,
         err == BATON_EPARSE
             ? "every error above names the file, line and column; "
               "the database is unchanged"
             : NULL);
  baton_import_report_free(&r);
  return err == 0 ? 0 : err == BATON_EUSAGE ? 2 : 1;
}

/* The options every import shares: FILE, --format, --dry-run, --full,
 * --delimiter. */
static void import_options(baton_import_options_t *o, baton_value_t *args) {
  baton_import_options_init(o);
  o->format = format_arg(&args[1]);
  o->dry_run = args[2].v.b;
  o->full = args[3].v.b;
  if (args[4].set)
    o->delimiter = strcmp(args[4].v.s, "tab") == 0 ? '\t' : args[4].v.s[0];
}

static int cmd_people_import(baton_cli_t *cli, const baton_cmdspec_t *spec,
                             baton_value_t *args, int argc,
                             const char *const *argv) {
  baton_import_options_t o;
  import_options(&o, args);
  o.map = args[5].set ? args[5].v.s : NULL;
  if (args[6].set)
    o.date_format = strcmp(args[6].v.s, "DD/MM/YYYY") == 0   ? BATON_DATES_DMY
                    : strcmp(args[6].v.s, "MM/DD/YYYY") == 0 ? BATON_DATES_MDY
                                                             : BATON_DATES_ISO;
  o.decimal_comma = args[7].v.b;
  if (args[8].set) {
    const char *sep = args[8].v.s;
    if (*sep == '\0' || strlen(sep) > 8 || strchr(sep, '"'))
      return usage(cli, spec, "baton people import",
                   "--list-sep takes the characters that separate list "
                   "items besides ';', e.g. --list-sep ','");
    o.list_sep = sep;
  }
  o.roles = args[9].set ? args[9].v.s : NULL;
  o.update = args[10].v.b;
  return run_import(cli, &o, args[0].v.s, 1);
}

static int cmd_groups_import(baton_cli_t *cli, const baton_cmdspec_t *spec,
                             baton_value_t *args, int argc,
                             const char *const *argv) {
  baton_import_options_t o;
  import_options(&o, args);
  o.replace = args[5].v.b;
  return run_import(cli, &o, args[0].v.s, 0);
}

/* ---- groups add / remove / delete -----------------------------------------
 */

static int cmd_groups_add(baton_cli_t *cli, const baton_cmdspec_t *spec,
                          baton_value_t *args, int argc,
                          const char *const *argv) {
  baton_store_t *s = baton__cli_store(cli);
  if (s == NULL)
    return 1;
  const char *g = args[0].v.s, *p = args[1].v.s;
  const char *role = args[2].set ? args[2].v.s : NULL;
  int added = 0;
  if (baton_group_add(s, g, args[3].set ? args[3].v.s : NULL, p, role,
                      &added) != 0)
    return fail(cli, s, NULL);
  if (cli->opts.json) {
    json_t *j = json_pack("{s:s, s:s, s:s?, s:b}", "group", g, "person", p,
                          "role_in_group", role, "added", added);
    print_json(cli, j);
    json_decref(j);
  } else if (!cli->opts.quiet) {
    fprintf(cli->out, "%s %s %s %s%s%s.\n", added ? "Added" : "Updated", p,
            added ? "to" : "in", g, role ? " as " : "", role ? role : "");
  }
  return 0;
}

static int cmd_groups_remove(baton_cli_t *cli, const baton_cmdspec_t *spec,
                             baton_value_t *args, int argc,
                             const char *const *argv) {
  baton_store_t *s = baton__cli_store(cli);
  if (s == NULL)
    return 1;
  if (baton_group_remove(s, args[0].v.s, args[1].v.s) != 0)
    return fail(cli, s, NULL);
  if (cli->opts.json) {
    json_t *j = json_pack("{s:s, s:s, s:b}", "group", args[0].v.s, "person",
                          args[1].v.s, "removed", 1);
    print_json(cli, j);
    json_decref(j);
  } else if (!cli->opts.quiet) {
    fprintf(cli->out, "Removed %s from %s.\n", args[1].v.s, args[0].v.s);
  }
  return 0;
}

static int cmd_groups_delete(baton_cli_t *cli, const baton_cmdspec_t *spec,
                             baton_value_t *args, int argc,
                             const char *const *argv) {
  baton_store_t *s = baton__cli_store(cli);
  if (s == NULL)
    return 1;
  size_t n = 0;
  if (baton_group_delete(s, args[0].v.s, &n) != 0)
    return fail(cli, s, NULL);
  if (cli->opts.json) {
    json_t *j = json_pack("{s:s, s:I}", "deleted", args[0].v.s,
                          "members_removed", (json_int_t)n);
    print_json(cli, j);
    json_decref(j);
  } else if (!cli->opts.quiet) {
    fprintf(cli->out, "Deleted group %s (%zu member%s; the people stay).\n",
            args[0].v.s, n, n == 1 ? "" : "s");
  }
  return 0;
}

/* ---- people list / show -------------------------------------------------- */

typedef struct {
  baton_cli_t *cli;
  table_t t;
  json_t *a;
} list_t;

static int list_person(const baton_person_t *p, void *ud) {
  list_t *l = ud;
  if (l->a != NULL) {
    json_t *o = baton__person_to_json(p);
    return o && json_array_append_new(l->a, o) == 0 ? 0 : BATON_ENOMEM;
  }
  const char *row[] = {p->id,
                       p->name,
                       p->role,
                       p->department,
                       p->campus,
                       p->role_in_group,
                       p->active ? "" : "inactive"};
  return table_add(&l->t, row);
}

/* Starts a listing: a JSON array with --json, else a table with a header
 * row of ncols columns. */
static void list_init(list_t *l, baton_cli_t *cli, size_t ncols,
                      const char *const *head) {
  memset(l, 0, sizeof *l);
  l->cli = cli;
  l->t.ncols = ncols;
  l->a = cli->opts.json ? json_array() : NULL;
  if (l->a == NULL)
    table_add(&l->t, head);
}

/* Prints what a listing collected (or `empty` when it found nothing and
 * empty is not NULL), frees it, and returns the exit status. */
static int list_finish(list_t *l, baton_store_t *s, int err,
                       const char *empty) {
  baton_cli_t *cli = l->cli;
  if (err == 0 && l->a != NULL)
    print_json(cli, l->a);
  else if (err == 0 && l->t.nrows == 1 && empty != NULL)
    fprintf(cli->out, "%s\n", empty);
  else if (err == 0)
    table_print(&l->t, cli->out);
  json_decref(l->a);
  table_free(&l->t);
  return err == 0 ? 0 : fail(cli, s, NULL);
}

/* The fields --where knows besides attributes. */
static const char *const where_fields[] = {
    "id",         "name",     "email",  "role",      "department",
    "campus",     "subjects", "grades", "languages", "start_date",
    "manager_id", "active",   "school"};

/* Parses --where KEY=VALUE items into filters; a KEY that is neither a
 * field nor an attribute anyone has is a usage error with the nearest
 * name. Returns 0, 1 (the store failed) or 2 after reporting. */
static int parse_where(baton_cli_t *cli, const baton_cmdspec_t *spec,
                       const baton_value_t *w, baton_filter_t *f, size_t *n) {
  *n = 0;
  char **attrs = NULL;
  size_t nattrs = 0;
  int loaded = 0, status = 0;
  for (size_t i = 0; i < w->nitems && i < 32 && status == 0; i++) {
    char *item = w->items[i].v.s;
    char *eq = item ? strchr(item, '=') : NULL;
    if (eq == NULL || eq == item) {
      char *m = baton__asprintf("--where expects KEY=VALUE, e.g. --where "
                                "role=teacher; got '%s'",
                                item ? item : "");
      status = usage(cli, spec, "baton people list", m ? m : "--where");
      free(m);
      break;
    }
    *eq = '\0';
    f[(*n)++] = (baton_filter_t){item, eq + 1};
    int known = 0;
    for (size_t k = 0; k < N_WHERE && !known; k++)
      known = strcasecmp(item, where_fields[k]) == 0;
    if (!known && !loaded) {
      baton_store_t *s = baton__cli_store(cli);
      if (s == NULL || baton_people_attr_names(s, &attrs, &nattrs) != 0) {
        status = s ? fail(cli, s, NULL) : 1;
        break;
      }
      loaded = 1;
    }
    for (size_t k = 0; k < nattrs && !known; k++)
      known = strcasecmp(item, attrs[k]) == 0;
    if (known)
      continue;
    const char **cands = malloc((N_WHERE + nattrs) * sizeof *cands);
    size_t nc = 0;
    for (size_t k = 0; cands && k < N_WHERE; k++)
      cands[nc++] = where_fields[k];
    for (size_t k = 0; cands && k < nattrs; k++)
      cands[nc++] = attrs[k];
    const char *near = cands ? baton__suggest(item, cands, nc) : NULL;
    char *m = baton__asprintf(
        "--where %s: nobody has a field or attribute '%s'%s%s%s; `baton "
        "people show ID` lists a person's fields and attributes",
        item, item, near ? " (did you mean '" : "", near ? near : "",
        near ? "'?)" : "");
    status = usage(cli, spec, "baton people list", m ? m : item);
    free(m);
    free(cands);
  }
  baton_names_free(attrs, nattrs);
  return status;
}

static int cmd_people_list(baton_cli_t *cli, const baton_cmdspec_t *spec,
                           baton_value_t *args, int argc,
                           const char *const *argv) {
  baton_filter_t f[32];
  size_t nf;
  int r = parse_where(cli, spec, &args[0], f, &nf);
  if (r != 0)
    return r;
  baton_store_t *s = baton__cli_store(cli);
  if (s == NULL)
    return 1;
  /* --school S: one school of a district database (core/store/schools.c). */
  if (args[2].set) {
    int e = baton_school_check(s, args[2].v.s);
    if (e == BATON_ENOTFOUND)
      return usage(cli, spec, "baton people list", baton_store_last_error(s));
    if (e != 0)
      return fail(cli, s, NULL);
    if (nf < 32)
      f[nf++] = (baton_filter_t){"school", args[2].v.s};
  }
  list_t l;
  static const char *const head[] = {"ID",     "NAME", "ROLE", "DEPARTMENT",
                                     "CAMPUS", "",     ""};
  list_init(&l, cli, 7, head);
  int err = baton_people_each(s, f, nf, args[1].v.b, list_person, &l);
  char *empty = baton__asprintf("No people%s in %s. Import a roster with "
                                "`baton people import FILE`.",
                                nf ? " match" : "", baton_store_path(s));
  int status = list_finish(&l, s, err, empty ? empty : "No people.");
  free(empty);
  return status;
}

static int group_of_person(const char *person, baton_store_t *s, json_t *out);

static int show_person(const baton_person_t *p, void *ud) {
  list_t *l = ud;
  json_t *o = baton__person_to_json(p);
  if (o == NULL)
    return BATON_ENOMEM;
  json_array_append_new(l->a, o);
  return 0;
}

static int cmd_people_show(baton_cli_t *cli, const baton_cmdspec_t *spec,
                           baton_value_t *args, int argc,
                           const char *const *argv) {
  baton_store_t *s = baton__cli_store(cli);
  if (s == NULL)
    return 1;
  list_t l = {
      cli,
      {0},
      json_array(),
  };
  int err = baton_people_get(s, args[0].v.s, show_person, &l);
  json_t *p = json_array_get(l.a, 0);
  json_t *groups = json_array();
  if (err == 0)
    err = group_of_person(args[0].v.s, s, groups);
  if (err == 0 && cli->opts.json) {
    json_object_set(p, "groups", groups);
    print_json(cli, p);
  } else if (err == 0) {
    const char *k;
    json_t *v;
    int w = 12; /* the widest key, so values line up */
    json_object_foreach(p, k, v) {
      if ((int)strlen(k) > w)
        w = (int)strlen(k);
    }
    json_object_foreach(p, k, v) {
      if (json_is_null(v) || (json_is_array(v) && json_array_size(v) == 0))
        continue;
      char *text = NULL;
      if (json_is_string(v)) {
        text = baton__strdup(json_string_value(v));
      } else if (json_is_array(v)) { /* subjects: Maths, Science */
        baton_buf_t b = {0};
        size_t j;
        json_t *item;
        json_array_foreach(v, j, item) {
          baton__buf_printf(&b, "%s%s", j ? ", " : "",
                            json_is_string(item) ? json_string_value(item)
                                                 : "?");
        }
        text = b.data;
      } else {
        text = json_dumps(v, JSON_ENCODE_ANY | JSON_COMPACT);
      }
      fprintf(cli->out, "%-*s %s\n", w, k, text ? text : "");
      free(text);
    }
    size_t i;
    json_array_foreach(groups, i, v) {
      fprintf(cli->out, "%-*s %s", w, i == 0 ? "groups" : "",
              json_string_value(json_object_get(v, "group")));
      json_t *role = json_object_get(v, "role_in_group");
      if (json_is_string(role))
        fprintf(cli->out, " (%s)", json_string_value(role));
      fputc('\n', cli->out);
    }
  }
  json_decref(groups);
  json_decref(l.a);
  return err == 0 ? 0 : fail(cli, s, NULL);
}

/* ---- groups list / show -------------------------------------------------- */

typedef struct {
  const char *person;
  baton_store_t *s;
  json_t *out;
  char *group;
} member_of_t;

static int check_member(const baton_person_t *p, void *ud) {
  member_of_t *m = ud;
  if (strcmp(p->id, m->person) == 0) {
    json_t *o = json_pack("{s:s}", "group", m->group);
    if (p->role_in_group)
      json_object_set_new(o, "role_in_group", json_string(p->role_in_group));
    json_array_append_new(m->out, o);
  }
  return 0;
}

static int collect_group(const baton_group_t *g, void *ud) {
  return json_array_append_new(ud, json_string(g->name)) == 0 ? 0
                                                              : BATON_ENOMEM;
}

/* Appends {group, role_in_group} for every group the person belongs to. */
static int group_of_person(const char *person, baton_store_t *s, json_t *out) {
  json_t *names = json_array();
  int err = baton_groups_each(s, collect_group, names);
  size_t i;
  json_t *n;
  json_array_foreach(names, i, n) {
    if (err != 0)
      break;
    member_of_t m = {person, s, out, (char *)json_string_value(n)};
    err = baton_group_members(s, m.group, check_member, &m);
  }
  json_decref(names);
  return err;
}

static int list_group(const baton_group_t *g, void *ud) {
  list_t *l = ud;
  if (l->a != NULL)
    return json_array_append_new(
               l->a, json_pack("{s:s, s:s, s:I}", "name", g->name, "kind",
                               g->kind, "members", (json_int_t)g->members)) == 0
               ? 0
               : BATON_ENOMEM;
  char n[32];
  snprintf(n, sizeof n, "%zu", g->members);
  const char *row[] = {g->name, g->kind, n};
  return table_add(&l->t, row);
}

static int cmd_groups_list(baton_cli_t *cli, const baton_cmdspec_t *spec,
                           baton_value_t *args, int argc,
                           const char *const *argv) {
  baton_store_t *s = baton__cli_store(cli);
  if (s == NULL)
    return 1;
  list_t l;
  static const char *const head[] = {"GROUP", "KIND", "MEMBERS"};
  list_init(&l, cli, 3, head);
  int err = baton_groups_each(s, list_group, &l);
  return list_finish(&l, s, err,
                     "No groups yet. Import them with `baton groups import "
                     "FILE`.");
}

static int cmd_groups_show(baton_cli_t *cli, const baton_cmdspec_t *spec,
                           baton_value_t *args, int argc,
                           const char *const *argv) {
  baton_store_t *s = baton__cli_store(cli);
  if (s == NULL)
    return 1;
  list_t l;
  static const char *const head[] = {
      "ID", "NAME", "ROLE", "DEPARTMENT", "CAMPUS", "ROLE IN GROUP", ""};
  list_init(&l, cli, 7, head);
  int err = baton_group_members(s, args[0].v.s, list_person, &l);
  return list_finish(&l, s, err, NULL);
}

/* ---- export, backup, restore --------------------------------------------- */

/* args: FILE, --format, --excel. Says on standard error what it wrote,
 * so the message never mixes with a file written to standard output. */
static int run_export(baton_cli_t *cli, baton_value_t *args,
                      int (*fn)(baton_store_t *, const char *, baton_format_t,
                                int, size_t *),
                      const char *what) {
  baton_store_t *s = baton__cli_store(cli);
  if (s == NULL)
    return 1;
  size_t rows = 0;
  const char *file = args[0].v.s;
  if (fn(s, file, format_arg(&args[1]), args[2].v.b, &rows) != 0)
    return fail(cli, s, NULL);
  if (!cli->opts.quiet && !cli->opts.json)
    fprintf(cli->err, "Wrote %zu %s to %s%s.\n", rows, what,
            strcmp(file, "-") == 0 ? "standard output" : file,
            args[2].v.b ? " (for Excel: UTF-8 with a byte order mark, CRLF)"
                        : "");
  return 0;
}

static int cmd_people_export(baton_cli_t *cli, const baton_cmdspec_t *spec,
                             baton_value_t *args, int argc,
                             const char *const *argv) {
  return run_export(cli, args, baton_people_export_ex, "people");
}

static int cmd_groups_export(baton_cli_t *cli, const baton_cmdspec_t *spec,
                             baton_value_t *args, int argc,
                             const char *const *argv) {
  return run_export(cli, args, baton_groups_export_ex, "memberships");
}

static int cmd_backup(baton_cli_t *cli, const baton_cmdspec_t *spec,
                      baton_value_t *args, int argc, const char *const *argv) {
  baton_store_t *s = baton__cli_store(cli);
  if (s == NULL)
    return 1;
  if (baton_store_backup(s, args[0].v.s) != 0)
    return fail(cli, s, NULL);
  if (!cli->opts.quiet)
    fprintf(cli->out, "Backed up %s to %s.\n", baton_store_path(s),
            args[0].v.s);
  return 0;
}

static int cmd_restore(baton_cli_t *cli, const baton_cmdspec_t *spec,
                       baton_value_t *args, int argc, const char *const *argv) {
  baton_store_t *s = baton__cli_store(cli);
  if (s == NULL)
    return 1;
  if (baton_store_restore(s, args[0].v.s) != 0)
    return fail(cli, s, "the database was not changed");
  if (!cli->opts.quiet)
    fprintf(cli->out, "Restored %s from %s.\n", baton_store_path(s),
            args[0].v.s);
  return 0;
}

/* ---- the command table --------------------------------------------------- */

static char *format_values[] = {"csv", "json"};

#define FILE_ARG(what)                                                         \
  {                                                                            \
    .name = "file", .key = "file", .type = BATON_ARG_PATH, .required = 1,      \
    .metavar = "FILE", .help = what                                            \
  }
#define FORMAT_ARG                                                             \
  {                                                                            \
    .name = "format", .key = "format", .flag = 1, .type = BATON_ARG_ENUM,      \
    .values = format_values, .nvalues = 2, .metavar = "FORMAT",                \
    .help = "csv or json; by default from the file's extension"                \
  }

static char *delimiter_values[] = {",", ";", "tab"};
static char *date_values[] = {"DD/MM/YYYY", "MM/DD/YYYY", "ISO"};

#define DRY_RUN_ARG                                                            \
  {                                                                            \
    .name = "dry-run", .key = "dry_run", .flag = 1, .type = BATON_ARG_BOOLEAN, \
    .help = "show what would change and write nothing"                         \
  }
#define DELIMITER_ARG                                                          \
  {                                                                            \
    .name = "delimiter", .key = "delimiter", .flag = 1,                        \
    .type = BATON_ARG_ENUM, .values = delimiter_values, .nvalues = 3,          \
    .metavar = "SEP",                                                          \
    .help = "what separates the cells: , ; or tab; by default the one the "    \
            "header line uses"                                                 \
  }

static baton_argspec_t people_import_args[] = {
    FILE_ARG("the roster: CSV with a header row, or JSON"),
    FORMAT_ARG,
    DRY_RUN_ARG,
    {.name = "full",
     .key = "full",
     .flag = 1,
     .type = BATON_ARG_BOOLEAN,
     .help = "the file is the whole roster: mark people missing from it "
             "inactive (never deleted)"},
    DELIMITER_ARG,
    {.name = "map",
     .key = "map",
     .flag = 1,
     .type = BATON_ARG_STRING,
     .metavar = "MAP",
     .help = "rename the school's columns: \"Staff Code=id,Forename+Surname="
             "name\" (A+B joins columns with a space)"},
    {.name = "date-format",
     .key = "date_format",
     .flag = 1,
     .type = BATON_ARG_ENUM,
     .values = date_values,
     .nvalues = 3,
     .metavar = "FORMAT",
     .help = "how start_date is written: DD/MM/YYYY, MM/DD/YYYY or ISO "
             "(YYYY-MM-DD, the default, always read)"},
    {.name = "decimal-comma",
     .key = "decimal_comma",
     .flag = 1,
     .type = BATON_ARG_BOOLEAN,
     .help = "read numbers written 0,8 as 0.8 (on by itself for ; files)"},
    {.name = "list-sep",
     .key = "list_sep",
     .flag = 1,
     .type = BATON_ARG_STRING,
     .metavar = "CHARS",
     .help = "more characters that separate list items besides ;, e.g. ,"},
    {.name = "roles",
     .key = "roles",
     .flag = 1,
     .type = BATON_ARG_PATH,
     .must_exist = 1,
     .metavar = "FILE",
     .help = "turn job titles into roles: a CSV of PATTERN,ROLE lines "
             "(\"Teaching Assistant*,aide\"); the first match wins"},
    {.name = "update",
     .key = "update",
     .flag = 1,
     .type = BATON_ARG_BOOLEAN,
     .help = "only change people already in baton: the name column may be "
             "left out (id,mentor_capacity), other fields keep their values"},
};

static baton_argspec_t groups_import_args[] = {
    FILE_ARG("memberships: columns group, kind, person_id, role_in_group"),
    FORMAT_ARG,
    DRY_RUN_ARG,
    {.name = "full",
     .key = "full",
     .flag = 1,
     .type = BATON_ARG_BOOLEAN,
     .help = "the file lists every group: groups missing from it lose "
             "their members"},
    DELIMITER_ARG,
    {.name = "replace",
     .key = "replace",
     .flag = 1,
     .type = BATON_ARG_BOOLEAN,
     .help = "each group in the file gets exactly the members listed (by "
             "default members it does not list are kept)"},
};

static baton_argspec_t group_member_args[] = {
    {.name = "group",
     .key = "group",
     .type = BATON_ARG_STRING,
     .required = 1,
     .metavar = "GROUP",
     .help = "the group's name (created if new)"},
    {.name = "person",
     .key = "person",
     .type = BATON_ARG_STRING,
     .required = 1,
     .metavar = "PERSON",
     .help = "the person's id"},
    {.name = "role",
     .key = "role",
     .flag = 1,
     .type = BATON_ARG_STRING,
     .metavar = "ROLE",
     .help = "their role in the group (mentor, chair, ...)"},
    {.name = "kind",
     .key = "kind",
     .flag = 1,
     .type = BATON_ARG_STRING,
     .metavar = "KIND",
     .help = "the group's kind if it is new: team, committee, plc, ..."},
};

static baton_argspec_t people_list_args[] = {
    {.name = "where",
     .key = "where",
     .flag = 1,
     .type = BATON_ARG_STRING,
     .many = 1,
     .metavar = "KEY=VALUE",
     .help = "only people whose field or attribute KEY is VALUE (a list "
             "field: contains VALUE); repeat to narrow"},
    {.name = "all",
     .key = "all",
     .flag = 1,
     .type = BATON_ARG_BOOLEAN,
     .help = "include inactive people"},
    {.name = "school",
     .key = "school",
     .flag = 1,
     .type = BATON_ARG_STRING,
     .metavar = "SCHOOL",
     .help = "only the people of this school (`baton schools list`)"},
};

static baton_argspec_t id_args[] = {
    {.name = "id",
     .key = "id",
     .type = BATON_ARG_STRING,
     .required = 1,
     .metavar = "ID",
     .help = "the person's id"},
};

static baton_argspec_t name_args[] = {
    {.name = "name",
     .key = "name",
     .type = BATON_ARG_STRING,
     .required = 1,
     .metavar = "NAME",
     .help = "the group's name"},
};

static baton_argspec_t export_args[] = {
    FILE_ARG("where to write: .csv or .json, or - for standard output"),
    FORMAT_ARG,
    {.name = "excel",
     .key = "excel",
     .flag = 1,
     .type = BATON_ARG_BOOLEAN,
     .help = "for Excel on Windows: a UTF-8 byte order mark and CRLF line "
             "ends, so accents open correctly"},
};

static baton_argspec_t backup_args[] = {
    FILE_ARG("the backup file to write"),
};

static baton_argspec_t restore_args[] = {
    {.name = "file",
     .key = "file",
     .type = BATON_ARG_PATH,
     .required = 1,
     .must_exist = 1,
     .metavar = "FILE",
     .help = "a file written by `baton backup`"},
};

const baton_builtin_t baton__store_commands[] = {
    {"people",
     {.name = "import",
      .summary = "Import people from CSV or JSON (all or "
                 "nothing)",
      .help = "Columns (any order, any case): id and name are required "
              "(with --update, only id: it changes people already in baton); "
              "email, role, department, campus, subjects, grades, languages "
              "(lists separated by ;), start_date (YYYY-MM-DD), manager_id "
              "and active are understood; any other column is kept as an "
              "attribute (its name in lower case). Every error names the "
              "file, line and column; if any row is wrong, nothing is "
              "imported.",
      .args = people_import_args,
      .nargs = N(people_import_args)},
     cmd_people_import},
    {"people",
     {.name = "list",
      .summary = "List people (active ones unless --all)",
      .args = people_list_args,
      .nargs = N(people_list_args)},
     cmd_people_list},
    {"people",
     {.name = "show",
      .summary = "Show one person, their attributes and groups",
      .args = id_args,
      .nargs = N(id_args)},
     cmd_people_show},
    {"people",
     {.name = "export",
      .summary = "Export every person to CSV or JSON",
      .help = "The CSV reads back with `baton people import`. Cells that a "
              "spreadsheet would run as a formula (starting with =, +, -, @, "
              "tab or carriage return) get a leading ', which the import "
              "removes again.",
      .args = export_args,
      .nargs = N(export_args)},
     cmd_people_export},
    {"groups",
     {.name = "import",
      .summary = "Import group memberships from CSV or JSON",
      .help = "Columns: group, kind (team, committee, plc, department, "
              "taskforce, cohort or any word), person_id, role_in_group. "
              "Members are added or updated; members a group already has "
              "and the file does not list are kept and counted, unless "
              "--replace.",
      .args = groups_import_args,
      .nargs = N(groups_import_args)},
     cmd_groups_import},
    {"groups",
     {.name = "add",
      .summary = "Add a person to a group (creating it)",
      .args = group_member_args,
      .nargs = N(group_member_args)},
     cmd_groups_add},
    {"groups",
     {.name = "remove",
      .summary = "Take a person out of a group",
      .args = group_member_args,
      .nargs = 2},
     cmd_groups_remove},
    {"groups",
     {.name = "delete",
      .summary = "Delete a group and its memberships (the "
                 "people stay)",
      .args = name_args,
      .nargs = N(name_args)},
     cmd_groups_delete},
    {"groups",
     {.name = "list", .summary = "List groups with their kind and size"},
     cmd_groups_list},
    {"groups",
     {.name = "show",
      .summary = "List a group's members",
      .args = name_args,
      .nargs = N(name_args)},
     cmd_groups_show},
    {"groups",
     {.name = "export",
      .summary = "Export every membership to CSV or JSON",
      .args = export_args,
      .nargs = N(export_args)},
     cmd_groups_export},
    {NULL,
     {.name = "backup",
      .summary = "Copy the database to FILE (safe while "
                 "baton runs)",
      .args = backup_args,
      .nargs = N(backup_args)},
     cmd_backup},
    {NULL,
     {.name = "restore",
      .summary = "Replace the database's content with a "
                 "backup",
      .args = restore_args,
      .nargs = N(restore_args)},
     cmd_restore},
};

const size_t baton__store_ncommands = N(baton__store_commands);
