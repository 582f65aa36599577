/* core/cli/cmd_config.c: `baton config PLUGIN [KEY [VALUE]] [--unset]`,
 * plugins' settings.
 *
 * A plugin declares its settings in plugin.lua (types, defaults, min and
 * max, as command arguments are declared); this command lists them, sets
 * one (checked with the arguments' own type check, baton__arg_convert) or
 * unsets one, and the store keeps the value (core/store/settings.c). The
 * plugin reads it with baton.settings (core/lua/lua_settings.c). Exit
 * status: 0 done, 1 failed (nothing written), 2 usage (an unknown plugin
 * or key, a value of the wrong type). */
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "builtin.h"

/* baton's own settings, kept and changed as a plugin's are, under the
 * name "baton": `baton config baton school "Kestrel Bay College"`. */
static baton_argspec_t core_settings[] = {
    {.name = "school", .key = "school", .type = BATON_ARG_STRING,
     .metavar = "NAME",
     .help = "the school's name, in the dashboard's header and page titles"},
};
static baton_manifest_t core_manifest = {
    .settings = core_settings,
    .nsettings = sizeof core_settings / sizeof *core_settings};
static baton_plugin_t core_plugin = {.name = (char *)"baton",
                                     .m = &core_manifest};

/* The plugin named `name` (or whose namespace it is), not shadowed; "baton"
 * for baton's own settings. */
static baton_plugin_t *find_plugin(baton_host_t *h, const char *name) {
  if (strcmp(name, "baton") == 0)
    return &core_plugin;
  for (size_t i = 0; i < baton_host_plugin_count(h); i++) {
    baton_plugin_t *p = baton_host_plugin_at(h, i);
    if (p->state != BATON_PLUGIN_SHADOWED && !p->is_script &&
        strcmp(p->name, name) == 0)
      return p;
  }
  return baton__host_find_ns(h, name);
}

/* Prints a usage error naming the closest of `cands` and returns 2. */
static int usage(baton_cli_t *cli, const baton_cmdspec_t *spec,
                 const char *what, const char *given, const char *const *cands,
                 size_t n, const char *rest) {
  const char *s = baton__suggest(given, cands, n);
  char *msg = baton__asprintf("%s '%s'%s%s%s%s", what, given,
                              s ? " (did you mean '" : "", s ? s : "",
                              s ? "'?)" : "", rest ? rest : "");
  baton__usage_error(cli->host, spec, "baton config", msg ? msg : what);
  free(msg);
  return 2;
}

typedef struct {
  const char *key;
  char *value; /* the stored text, malloc'd, or NULL */
} lookup_t;

static int find_value(const char *plugin, const char *key, const char *value,
                      void *ud) {
  (void)plugin;
  lookup_t *l = ud;
  if (strcmp(key, l->key) != 0)
    return 0;
  l->value = baton__strdup(value);
  return 1;
}

/* The stored text of p's setting `key`, malloc'd, or NULL when unset. */
static char *stored(baton_store_t *s, const baton_plugin_t *p,
                    const char *key) {
  lookup_t l = {key, NULL};
  baton_settings_each(s, p->name, find_value, &l);
  return l.value;
}

/* Appends the text of a value, or "(none)". */
static void format_value(const baton_value_t *v, baton_buf_t *b) {
  if (!v->set)
    baton__buf_printf(b, "none");
  else
    baton__value_format(v, b);
}

json_t *baton__value_json(const baton_value_t *v) {
  if (!v->set)
    return json_null();
  switch (v->type) {
  case BATON_ARG_INTEGER:
    return json_integer((json_int_t)v->v.i);
  case BATON_ARG_NUMBER:
    return json_real(v->v.n);
  case BATON_ARG_BOOLEAN:
    return json_boolean(v->v.b);
  default:
    return v->v.s ? json_string(v->v.s) : json_null();
  }
}

/* {key, type, value, default, set, valid, help}: value is what the plugin
 * reads (the default when unset or when the stored text no longer fits). */
static json_t *setting_json(const baton_argspec_t *a, const char *stored) {
  baton_value_t v = {0};
  char *why = NULL;
  int valid = stored == NULL || baton__arg_convert(a, stored, &v, &why) == 0;
  free(why);
  json_t *o = json_pack("{s:s, s:s, s:o, s:o, s:b, s:b, s:s?}", "key", a->name,
                        "type", baton__argtype_name(a->type), "value",
                        baton__value_json(stored && valid ? &v : &a->def),
                        "default", baton__value_json(&a->def), "set",
                        stored != NULL, "valid", valid, "help", a->help);
  baton__value_clear(&v);
  return o;
}

/* Prints setting_json(a, stored). */
static void print_setting(baton_cli_t *cli, const baton_argspec_t *a,
                          const char *stored) {
  json_t *o = setting_json(a, stored);
  char *j = json_dumps(o, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
  fprintf(cli->out, "%s\n", j ? j : "{}");
  free(j);
  json_decref(o);
}

/* Whether a stored text still fits the declaration. */
static int fits(const baton_argspec_t *a, const char *value) {
  baton_value_t v;
  char *why = NULL;
  int ok = baton__arg_convert(a, value, &v, &why) == 0;
  baton__value_clear(&v);
  free(why);
  return ok;
}

/* `baton config PLUGIN`: every setting with its value. */
static int list(baton_cli_t *cli, baton_store_t *s, const baton_plugin_t *p) {
  const baton_manifest_t *m = p->m;
  json_t *a = cli->opts.json ? json_array() : NULL;
  if (a == NULL && m->nsettings == 0)
    fprintf(cli->out, "Plugin '%s' declares no settings.\n", p->name);
  for (size_t i = 0; i < m->nsettings; i++) {
    const baton_argspec_t *st = &m->settings[i];
    char *v = stored(s, p, st->name);
    int ok = v == NULL || fits(st, v);
    if (a != NULL) {
      json_array_append_new(a, setting_json(st, v));
    } else {
      baton_buf_t def = {0};
      format_value(&st->def, &def);
      fprintf(cli->out, "%s.%s = %s", p->name, st->name, v ? v : def.data);
      if (v != NULL)
        fprintf(cli->out, "  (default %s%s)", def.data,
                ok ? ""
                   : "; the value set no longer fits: the default is "
                     "used");
      fprintf(cli->out, "  [%s]%s%s\n", baton__argtype_name(st->type),
              st->help ? "  " : "", st->help ? st->help : "");
      baton__buf_free(&def);
    }
    free(v);
  }
  if (a != NULL) {
    json_t *o = json_pack("{s:s, s:o}", "plugin", p->name, "settings", a);
    char *j = json_dumps(o, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
    fprintf(cli->out, "%s\n", j ? j : "{}");
    free(j);
    json_decref(o);
  }
  return 0;
}

/* args: PLUGIN, [KEY], [VALUE], --unset */
static int cmd_config(baton_cli_t *cli, const baton_cmdspec_t *spec,
                      baton_value_t *args, int argc, const char *const *argv) {
  baton_host_t *h = cli->host;
  const char *name = args[0].v.s;
  baton_plugin_t *p = find_plugin(h, name);
  if (p == NULL) {
    const char *cands[256];
    size_t n = 0;
    for (size_t i = 0; i < baton_host_plugin_count(h) && n < 256; i++)
      if (!baton_host_plugin_at(h, i)->is_script)
        cands[n++] = baton_host_plugin_at(h, i)->name;
    return usage(cli, spec, "no plugin named", name, cands, n,
                 "; `baton plugins` lists them");
  }
  if (p->m == NULL) {
    baton__host_report(h, p->name, p->error ? p->error : "failed to load",
                       "fix its plugin.lua first");
    return 1;
  }
  const int unset = args[3].v.b;
  if (args[2].set && unset) {
    baton__usage_error(h, spec, "baton config",
                       "give a VALUE or --unset, not both");
    return 2;
  }
  if (unset && !args[1].set) {
    baton__usage_error(h, spec, "baton config", "--unset needs a KEY");
    return 2;
  }
  const baton_argspec_t *a = NULL;
  if (args[1].set && (a = baton__manifest_setting(p->m, args[1].v.s)) == NULL) {
    const char *cands[128];
    size_t n = 0;
    baton_buf_t known = {0};
    for (size_t i = 0; i < p->m->nsettings && n < 128; i++) {
      cands[n++] = p->m->settings[i].name;
      baton__buf_printf(&known, "%s%s", i ? ", " : "", p->m->settings[i].name);
    }
    char *rest = n ? baton__asprintf("; its settings are %s", known.data)
                   : baton__strdup("; it declares no settings");
    char *what = baton__asprintf("plugin '%s' has no setting", p->name);
    int r = usage(cli, spec, what ? what : "no setting", args[1].v.s, cands, n,
                  rest);
    free(what);
    free(rest);
    baton__buf_free(&known);
    return r;
  }
  baton_value_t v = {0};
  baton_buf_t text = {0};
  if (args[2].set) {
    char *why = NULL;
    int r = baton__arg_convert(a, args[2].v.s, &v, &why);
    if (r != 0) {
      char *msg = baton__asprintf("plugin '%s': %s", p->name,
                                  why ? why : baton_strerror(r));
      baton__usage_error(h, spec, "baton config", msg ? msg : "bad value");
      free(msg);
      free(why);
      return 2;
    }
    /* Kept as baton writes it: "yes" is stored as "true". */
    baton__value_format(&v, &text);
    baton__value_clear(&v);
  }
  baton_store_t *s = baton__cli_store(cli);
  if (s == NULL) {
    baton__buf_free(&text);
    return 1;
  }
  if (a == NULL)
    return list(cli, s, p);
  if (!args[2].set && !unset) { /* show one */
    char *cur = stored(s, p, a->name);
    baton_buf_t def = {0};
    format_value(&a->def, &def);
    if (cli->opts.json) {
      print_setting(cli, a, cur);
    } else {
      fprintf(cli->out, "%s\n", cur ? cur : def.data);
    }
    baton__buf_free(&def);
    free(cur);
    return 0;
  }
  int err = baton_settings_set(s, p->name, a->name, unset ? NULL : text.data);
  if (err != 0) {
    baton__host_report(h, NULL, baton_store_last_error(s),
                       "the setting was not changed");
    baton__buf_free(&text);
    return 1;
  }
  if (cli->opts.json) {
    char *now = unset ? NULL : baton__strdup(text.data);
    print_setting(cli, a, now);
    free(now);
  } else if (!cli->opts.quiet) {
    baton_buf_t def = {0};
    format_value(&a->def, &def);
    if (unset)
      fprintf(cli->out, "%s.%s is unset (the default, %s, applies).\n", p->name,
              a->name, def.data);
    else
      fprintf(cli->out, "%s.%s = %s (default %s).\n", p->name, a->name,
              text.data, def.data);
    baton__buf_free(&def);
  }
  baton__buf_free(&text);
  return 0;
}

char *baton__config_doctor(baton_host_t *h, const baton_plugin_t *p,
                           int *problem) {
  *problem = 0;
  baton_store_t *s;
  if (p->m == NULL || p->m->nsettings == 0 ||
      !baton__store_exists(baton__host_db_path(h)) || baton__host_store(h, &s) != 0)
    return NULL;
  baton_buf_t b = {0};
  for (size_t i = 0; i < p->m->nsettings; i++) {
    const baton_argspec_t *a = &p->m->settings[i];
    char *v = stored(s, p, a->name);
    if (v == NULL)
      continue;
    int ok = fits(a, v);
    *problem |= !ok;
    baton_buf_t def = {0};
    format_value(&a->def, &def);
    baton__buf_printf(&b, "%s%s = %s (default %s%s)", b.len ? ", " : "",
                      a->name, v, def.data,
                      ok ? ""
                         : "; no longer fits the manifest, so the "
                           "default is used: `baton config` it again");
    baton__buf_free(&def);
    free(v);
  }
  return b.data;
}

static baton_argspec_t config_args[] = {
    {.name = "plugin",
     .key = "plugin",
     .type = BATON_ARG_STRING,
     .required = 1,
     .metavar = "PLUGIN",
     .help = "the plugin"},
    {.name = "key",
     .key = "key",
     .type = BATON_ARG_STRING,
     .metavar = "KEY",
     .help = "a setting it declares; without one, list them all"},
    {.name = "value",
     .key = "value",
     .type = BATON_ARG_STRING,
     .metavar = "VALUE",
     .help = "the new value; without one, show it"},
    {.name = "unset",
     .key = "unset",
     .flag = 1,
     .type = BATON_ARG_BOOLEAN,
     .help = "go back to the default"},
};

const baton_builtin_t baton__config_commands[] = {
    {NULL,
     {.name = "config",
      .summary = "Show or change a plugin's settings",
      .help = "Settings are declared in the plugin's plugin.lua (`settings "
              "= { ... }`), with a type and a default; a value is checked "
              "against its type, as a command's argument is. The plugin "
              "reads them with baton.settings.",
      .args = config_args,
      .nargs = sizeof config_args / sizeof *config_args},
     cmd_config},
};

const size_t baton__config_ncommands =
    sizeof baton__config_commands / sizeof *baton__config_commands;
