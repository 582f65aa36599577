/* core/spec/args.c: command-line arguments checked against a command's spec.
 *
 * Plugin commands and built-in commands are both described by a
 * baton_cmdspec_t, so both get the same parsing, type checks, "did you
 * mean" suggestions and generated --help. */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "spec.h"

void baton__value_clear(baton_value_t *v) {
  if (v->items) {
    for (size_t i = 0; i < v->nitems; i++)
      baton__value_clear(&v->items[i]);
    free(v->items);
  } else if (v->set && baton__argtype_is_text(v->type)) {
    free(v->v.s);
  }
  memset(v, 0, sizeof *v);
}

int baton__value_cmp(const baton_value_t *a, const baton_value_t *b) {
  if (a->type == BATON_ARG_INTEGER)
    return a->v.i < b->v.i ? -1 : a->v.i > b->v.i;
  return a->v.n < b->v.n ? -1 : a->v.n > b->v.n;
}

int baton__value_check_range(const baton_argspec_t *a, const baton_value_t *v) {
  if (a->min.set && baton__value_cmp(v, &a->min) < 0)
    return -1;
  if (a->max.set && baton__value_cmp(v, &a->max) > 0)
    return 1;
  return 0;
}

/* An integer or number value as text, for messages and --help. */
static void value_text(const baton_value_t *v, char *buf, size_t n) {
  if (v->type == BATON_ARG_INTEGER)
    snprintf(buf, n, "%lld", v->v.i);
  else
    snprintf(buf, n, "%g", v->v.n);
}

static int usage_err(char **err, const char *fmt, ...) BATON_PRINTF(2, 3);

static int usage_err(char **err, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  *err = baton__vasprintf(fmt, ap);
  va_end(ap);
  return BATON_EUSAGE;
}

void baton__arg_label(const baton_argspec_t *a, char *buf, size_t n) {
  if (a->flag)
    snprintf(buf, n, "--%s", a->name);
  else
    snprintf(buf, n, "%s", a->metavar ? a->metavar : a->name);
}

static int parse_bool(const char *s, int *b) {
  static const char *const yes[] = {"true", "yes", "on", "1"};
  static const char *const no[] = {"false", "no", "off", "0"};
  for (int i = 0; i < 4; i++) {
    if (strcasecmp(s, yes[i]) == 0) {
      *b = 1;
      return 0;
    }
    if (strcasecmp(s, no[i]) == 0) {
      *b = 0;
      return 0;
    }
  }
  return -1;
}

int baton__arg_convert(const baton_argspec_t *a, const char *s,
                       baton_value_t *v, char **err) {
  char label[80];
  baton__arg_label(a, label, sizeof label);
  memset(v, 0, sizeof *v);
  v->type = a->type;
  switch (a->type) {
  case BATON_ARG_INTEGER: {
    char *end;
    errno = 0;
    long long i = strtoll(s, &end, 10);
    if (*s == '\0' || *end != '\0' || errno == ERANGE)
      return usage_err(err, "%s expects a whole number, got '%s'", label, s);
    v->v.i = i;
    break;
  }
  case BATON_ARG_NUMBER: {
    char *end;
    double d = strtod(s, &end);
    if (*s == '\0' || *end != '\0' || !isfinite(d))
      return usage_err(err, "%s expects a number, got '%s'", label, s);
    v->v.n = d;
    break;
  }
  case BATON_ARG_BOOLEAN:
    if (parse_bool(s, &v->v.b) != 0)
      return usage_err(err, "%s expects true or false, got '%s'", label, s);
    break;
  case BATON_ARG_DATE:
    if (baton__date_parse(s, NULL, NULL, NULL) != 0)
      return usage_err(err, "%s expects a date written YYYY-MM-DD (e.g. "
                            "2026-09-01), got '%s'", label, s);
    goto copy;
  case BATON_ARG_ENUM: {
    size_t i;
    for (i = 0; i < a->nvalues && strcmp(s, a->values[i]) != 0; i++)
      ;
    if (i == a->nvalues) {
      baton_buf_t b = {0};
      for (size_t j = 0; j < a->nvalues; j++)
        baton__buf_printf(&b, "%s%s", j ? ", " : "", a->values[j]);
      const char *sug =
          baton__suggest(s, (const char *const *)a->values, a->nvalues);
      int r = sug ? usage_err(err, "%s must be one of %s; got '%s' (did you "
                                   "mean '%s'?)",
                              label, b.data, s, sug)
                  : usage_err(err, "%s must be one of %s; got '%s'", label,
                              b.data, s);
      baton__buf_free(&b);
      return r;
    }
    goto copy;
  }
  case BATON_ARG_PATH:
    if (*s == '\0')
      return usage_err(err, "%s expects a file path, got an empty string",
                       label);
    if (a->must_exist && !baton__is_file(s) && !baton__is_dir(s))
      return usage_err(err, "%s: no such file or directory: '%s'", label, s);
    goto copy;
  case BATON_ARG_PERSON:
  case BATON_ARG_GROUP:
    if (*s == '\0')
      return usage_err(err, "%s expects %s, got an empty string", label,
                       a->type == BATON_ARG_PERSON
                           ? "a person's id from the staff list"
                           : "a group's name");
    goto copy;
  case BATON_ARG_STRING:
  copy:
    if ((v->v.s = baton__strdup(s)) == NULL)
      return BATON_ENOMEM;
    break;
  }
  v->set = 1;
  int side = (a->type == BATON_ARG_INTEGER || a->type == BATON_ARG_NUMBER)
                 ? baton__value_check_range(a, v)
                 : 0;
  if (side != 0) {
    /* "--times must be at most 10 (from 1 to 10), got '12'" */
    char lo[40], hi[40];
    value_text(&a->min, lo, sizeof lo);
    value_text(&a->max, hi, sizeof hi);
    if (a->min.set && a->max.set)
      return usage_err(err, "%s must be at %s %s (from %s to %s), got '%s'",
                       label, side < 0 ? "least" : "most", side < 0 ? lo : hi,
                       lo, hi, s);
    return usage_err(err, "%s must be at %s %s, got '%s'", label,
                     side < 0 ? "least" : "most", side < 0 ? lo : hi, s);
  }
  return 0;
}

/* Stores a converted value: appended for `many`, else replacing (the last
 * one given wins, as in git). */
static int store(const baton_argspec_t *a, baton_value_t *slot,
                 baton_value_t *v) {
  if (!a->many) {
    baton__value_clear(slot);
    *slot = *v;
    return 0;
  }
  baton_value_t *items =
      realloc(slot->items, (slot->nitems + 1) * sizeof *items);
  if (items == NULL) {
    baton__value_clear(v);
    return BATON_ENOMEM;
  }
  items[slot->nitems++] = *v;
  slot->items = items;
  slot->set = 1;
  slot->type = a->type;
  return 0;
}

static int copy_default(const baton_argspec_t *a, baton_value_t *v) {
  *v = a->def;
  v->items = NULL;
  v->nitems = 0;
  if (a->def.set && baton__argtype_is_text(a->type))
    if ((v->v.s = baton__strdup(a->def.v.s)) == NULL)
      return BATON_ENOMEM;
  return 0;
}

static int looks_like_number(const char *s) {
  return s[0] == '-' && (isdigit((unsigned char)s[1]) || s[1] == '.');
}

/* Finds the flag `name` (without dashes) or its "no-" form for a boolean. */
static const baton_argspec_t *find_flag(const baton_cmdspec_t *spec,
                                        const char *name, size_t len,
                                        int *negated, size_t *idx) {
  *negated = 0;
  for (size_t i = 0; i < spec->nargs; i++) {
    const baton_argspec_t *a = &spec->args[i];
    if (!a->flag)
      continue;
    if (strlen(a->name) == len && strncmp(a->name, name, len) == 0) {
      *idx = i;
      return a;
    }
    if (a->type == BATON_ARG_BOOLEAN && len == strlen(a->name) + 3 &&
        strncmp(name, "no-", 3) == 0 &&
        strncmp(name + 3, a->name, len - 3) == 0) {
      *negated = 1;
      *idx = i;
      return a;
    }
  }
  return NULL;
}

static int unknown_flag(const baton_cmdspec_t *spec, const char *given,
                        char **err) {
  const char *cands[64];
  char store_[64][72];
  size_t n = 0;
  for (size_t i = 0; i < spec->nargs && n < 63; i++)
    if (spec->args[i].flag) {
      snprintf(store_[n], sizeof store_[n], "--%s", spec->args[i].name);
      cands[n] = store_[n];
      n++;
    }
  cands[n++] = "--help";
  char word[80];
  const char *eq = strchr(given, '=');
  size_t wl = eq ? (size_t)(eq - given) : strlen(given);
  snprintf(word, sizeof word, "%.*s", (int)(wl < 79 ? wl : 79), given);
  const char *s = baton__suggest(word, cands, n);
  if (s)
    return usage_err(err, "unknown flag '%s' (did you mean '%s'?)", word, s);
  return usage_err(err, "unknown flag '%s'; see --help for the flags this "
                        "command takes", word);
}

int baton__args_parse(const baton_cmdspec_t *spec, int argc,
                      const char *const *argv, baton_value_t **out,
                      int *consumed, char **err) {
  *err = NULL;
  *out = NULL;
  baton_value_t *vals = calloc(spec->nargs ? spec->nargs : 1, sizeof *vals);
  if (vals == NULL)
    return BATON_ENOMEM;
  size_t pos[64], npos = 0, pi = 0;
  for (size_t i = 0; i < spec->nargs && npos < 64; i++)
    if (!spec->args[i].flag)
      pos[npos++] = i;

  int r = 0, only_pos = 0, i;
  for (i = 0; i < argc; i++) {
    const char *a = argv[i];
    if (spec->passthrough && pi == npos && npos > 0)
      break;
    if (!only_pos && strcmp(a, "--") == 0) {
      only_pos = 1;
      continue;
    }
    if (!only_pos && (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0)) {
      baton__args_free(spec, vals);
      return 1;
    }
    if (!only_pos && a[0] == '-' && a[1] != '\0' && !looks_like_number(a)) {
      const baton_argspec_t *fs = NULL;
      size_t idx = 0;
      int negated = 0;
      const char *value = NULL;
      if (a[1] == '-') {
        const char *name = a + 2, *eq = strchr(name, '=');
        fs = find_flag(spec, name, eq ? (size_t)(eq - name) : strlen(name),
                       &negated, &idx);
        if (eq)
          value = eq + 1;
      } else if (a[2] == '\0') {
        for (size_t k = 0; k < spec->nargs; k++)
          if (spec->args[k].flag && spec->args[k].short_name == a[1]) {
            fs = &spec->args[k];
            idx = k;
          }
      }
      if (fs == NULL) {
        r = unknown_flag(spec, a, err);
        goto fail;
      }
      baton_value_t v;
      if (fs->type == BATON_ARG_BOOLEAN && value == NULL) {
        memset(&v, 0, sizeof v);
        v.set = 1;
        v.type = BATON_ARG_BOOLEAN;
        v.v.b = !negated;
      } else {
        if (value == NULL) {
          if (i + 1 >= argc) {
            r = usage_err(err, "--%s needs a value: --%s %s", fs->name,
                          fs->name, fs->metavar ? fs->metavar : "VALUE");
            goto fail;
          }
          value = argv[++i];
        }
        if ((r = baton__arg_convert(fs, value, &v, err)) != 0)
          goto fail;
        if (negated)
          v.v.b = !v.v.b;
      }
      if ((r = store(fs, &vals[idx], &v)) != 0)
        goto fail;
      continue;
    }
    if (pi >= npos) {
      r = usage_err(err, "unexpected argument '%s'", a);
      goto fail;
    }
    const baton_argspec_t *ps = &spec->args[pos[pi]];
    baton_value_t v;
    if ((r = baton__arg_convert(ps, a, &v, err)) != 0)
      goto fail;
    if ((r = store(ps, &vals[pos[pi]], &v)) != 0)
      goto fail;
    if (!ps->many)
      pi++;
  }
  if (consumed)
    *consumed = i;

  for (size_t k = 0; k < spec->nargs; k++) {
    const baton_argspec_t *a = &spec->args[k];
    if (vals[k].set)
      continue;
    if (a->required) {
      char label[80];
      baton__arg_label(a, label, sizeof label);
      r = a->help ? usage_err(err, "missing %s (%s)", label, a->help)
                  : usage_err(err, "missing %s", label);
      goto fail;
    }
    if ((r = copy_default(a, &vals[k])) != 0)
      goto fail;
  }
  *out = vals;
  return 0;

fail:
  baton__args_free(spec, vals);
  if (*err == NULL)
    *err = baton__strdup(baton_strerror(r));
  return r;
}

void baton__args_free(const baton_cmdspec_t *spec, baton_value_t *vals) {
  if (vals == NULL)
    return;
  for (size_t i = 0; i < spec->nargs; i++)
    baton__value_clear(&vals[i]);
  free(vals);
}

int baton__args_usage(const baton_cmdspec_t *spec, const char *prefix,
                      baton_buf_t *b) {
  int r = baton__buf_printf(b, "%s", prefix);
  for (size_t i = 0; r == 0 && i < spec->nargs; i++) {
    const baton_argspec_t *a = &spec->args[i];
    if (a->flag)
      continue;
    r = baton__buf_printf(b, " %s%s%s%s", a->required ? "" : "[", a->metavar,
                          a->many ? "..." : "", a->required ? "" : "]");
  }
  for (size_t i = 0; r == 0 && i < spec->nargs; i++) {
    const baton_argspec_t *a = &spec->args[i];
    if (!a->flag)
      continue;
    if (a->type == BATON_ARG_BOOLEAN)
      r = baton__buf_printf(b, " [--%s]", a->name);
    else
      r = baton__buf_printf(b, " %s--%s %s%s%s", a->required ? "" : "[",
                            a->name, a->metavar, a->required ? "" : "]",
                            a->many ? "..." : "");
  }
  if (r == 0 && spec->passthrough)
    r = baton__buf_printf(b, " [ARGS...]");
  return r;
}

static void print_value(FILE *out, const baton_value_t *v) {
  baton_buf_t b = {0};
  if (baton__value_format(v, &b) == 0 && b.data)
    fputs(b.data, out);
  baton__buf_free(&b);
}

static void help_row(FILE *out, const baton_argspec_t *a) {
  char left[96], sh[8] = "    ";
  if (a->short_name)
    snprintf(sh, sizeof sh, "-%c, ", a->short_name);
  if (a->flag && a->type == BATON_ARG_BOOLEAN)
    snprintf(left, sizeof left, "%s--%s", sh, a->name);
  else if (a->flag)
    snprintf(left, sizeof left, "%s--%s %s", sh, a->name, a->metavar);
  else
    snprintf(left, sizeof left, "%s%s", a->metavar, a->many ? "..." : "");
  /* Keep columns: a long left part gets its own line. */
  if (strlen(left) > 24)
    fprintf(out, "  %s\n  %-24s  ", left, "");
  else
    fprintf(out, "  %-24s  ", left);
  fprintf(out, "%s", a->help ? a->help : "");
  fprintf(out, " (%s", a->type == BATON_ARG_ENUM ? "one of" : baton__argtype_name(a->type));
  if (a->type == BATON_ARG_ENUM)
    for (size_t i = 0; i < a->nvalues; i++)
      fprintf(out, "%s%s", i ? "|" : " ", a->values[i]);
  if (a->def.set && !(a->type == BATON_ARG_BOOLEAN && !a->def.v.b)) {
    fprintf(out, ", default ");
    print_value(out, &a->def);
  }
  char bound[40];
  if (a->min.set) {
    value_text(&a->min, bound, sizeof bound);
    fprintf(out, ", at least %s", bound);
  }
  if (a->max.set) {
    value_text(&a->max, bound, sizeof bound);
    fprintf(out, ", at most %s", bound);
  }
  if (a->required && a->flag)
    fprintf(out, ", required");
  if (a->many)
    fprintf(out, ", %s", a->flag ? "may be repeated" : "one or more");
  fprintf(out, ")\n");
}

void baton__args_help(const baton_cmdspec_t *spec, const char *prefix,
                      FILE *out) {
  baton_buf_t b = {0};
  baton__args_usage(spec, prefix, &b);
  fprintf(out, "usage: %s\n\n", b.data ? b.data : prefix);
  baton__buf_free(&b);
  if (spec->summary)
    fprintf(out, "%s\n", spec->summary);
  if (spec->help)
    fprintf(out, "\n%s\n", spec->help);
  int any = 0;
  for (size_t i = 0; i < spec->nargs; i++)
    if (!spec->args[i].flag) {
      if (!any++)
        fprintf(out, "\nArguments:\n");
      help_row(out, &spec->args[i]);
    }
  fprintf(out, "\nOptions:\n");
  for (size_t i = 0; i < spec->nargs; i++)
    if (spec->args[i].flag)
      help_row(out, &spec->args[i]);
  fprintf(out, "  %-24s  show this help\n", "-h, --help");
  fprintf(out, "\nGlobal options (--json, --quiet, --debug, --db PATH, "
               "--plugins DIR) work with every command; see baton --help.\n");
}

int baton__value_format(const baton_value_t *v, baton_buf_t *b) {
  switch (v->type) {
  case BATON_ARG_INTEGER:
    return baton__buf_printf(b, "%lld", v->v.i);
  case BATON_ARG_NUMBER:
    return baton__buf_printf(b, "%.15g", v->v.n);
  case BATON_ARG_BOOLEAN:
    return baton__buf_printf(b, "%s", v->v.b ? "true" : "false");
  default:
    return baton__buf_printf(b, "%s", v->v.s ? v->v.s : "");
  }
}

void baton__value_push(lua_State *L, const baton_value_t *v) {
  switch (v->type) {
  case BATON_ARG_INTEGER:
    lua_pushinteger(L, (lua_Integer)v->v.i);
    break;
  case BATON_ARG_NUMBER:
    lua_pushnumber(L, (lua_Number)v->v.n);
    break;
  case BATON_ARG_BOOLEAN:
    lua_pushboolean(L, v->v.b);
    break;
  default:
    lua_pushstring(L, v->v.s);
  }
}

void baton__args_push(lua_State *L, const baton_cmdspec_t *spec,
                      const baton_value_t *vals) {
  lua_createtable(L, 0, (int)spec->nargs);
  for (size_t i = 0; i < spec->nargs; i++) {
    const baton_value_t *v = &vals[i];
    if (spec->args[i].many) {
      lua_createtable(L, (int)v->nitems, 0);
      for (size_t k = 0; k < v->nitems; k++) {
        baton__value_push(L, &v->items[k]);
        lua_rawseti(L, -2, (lua_Integer)k + 1);
      }
    } else if (v->set) {
      baton__value_push(L, v);
    } else {
      continue;
    }
    lua_setfield(L, -2, spec->args[i].key);
  }
}
