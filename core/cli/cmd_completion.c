/* core/cli/cmd_completion.c: `baton completion bash` and the hidden
 * `baton __complete -- WORDS...` it calls at each Tab.
 *
 * The script printed by `completion bash` is small and static: it hands
 * the words typed so far to `baton __complete`, which answers from the
 * same command table and manifests that parse the command line (built-in
 * commands and their groups, plugin namespaces on the plugin search path,
 * every command's flags, enum values, global flags; the people and groups
 * of the store for person and group arguments). So a plugin added
 * after the script was installed completes at once, and the completion can
 * never disagree with what baton accepts. See docs/decisions.md.
 *
 * The answer of __complete is one line saying what kind of completion the
 * word wants ("words", "files" or "dirs"), then the candidates that start
 * with the word being completed, one per line. */
#include <string.h>

#include "builtin.h"

/* ---- global flags -------------------------------------------------------- */

typedef enum { VAL_NONE, VAL_FILE, VAL_DIR, VAL_TEXT } val_kind_t;

/* The global options of core/cli/cli.c (parse_globals): their names and what
 * their value is. tests/e2e/test_completion.sh checks that every option
 * `baton --help` lists is here. */
static const struct {
  const char *name;
  val_kind_t value;
} global_flags[] = {
    {"--json", VAL_NONE},       {"--quiet", VAL_NONE},
    {"--debug", VAL_NONE},      {"--db", VAL_FILE},
    {"--plugins", VAL_DIR},     {"--today", VAL_TEXT},
    {"--time-limit", VAL_TEXT}, {"--memory-limit", VAL_TEXT},
    {"--help", VAL_NONE},       {"--version", VAL_NONE},
};
#define NGLOBAL (sizeof global_flags / sizeof *global_flags)

static int global_flag(const char *w, val_kind_t *kind) {
  if (strcmp(w, "-q") == 0 || strcmp(w, "-h") == 0) {
    *kind = VAL_NONE;
    return 1;
  }
  for (size_t i = 0; i < NGLOBAL; i++)
    if (strcmp(w, global_flags[i].name) == 0) {
      *kind = global_flags[i].value;
      return 1;
    }
  return 0;
}

/* ---- what the words typed so far name ------------------------------------ */

typedef struct {
  baton_cli_t *cli;
  const char *cur; /* the word being completed (maybe "") */
  int stage;       /* 0: a command; 1: a group's or namespace's command;
                    * 2: the command's arguments; 3: nothing to offer */
  int help;        /* after `baton help`: command words only */
  const char *group;             /* a built-in group, at stage 1 */
  const baton_plugin_t *plugin;  /* a plugin namespace, at stage 1 */
  const baton_cmdspec_t *spec;   /* the command, at stage 2 */
  size_t npos;                   /* positionals given so far */
  const baton_argspec_t *want;   /* the flag whose value is `cur` */
  val_kind_t want_global;        /* or the global flag's value kind */
} comp_t;

/* A plugin whose commands can run: a manifest, not failed or shadowed. */
static const baton_plugin_t *usable(const baton_plugin_t *p) {
  return p->m && p->state != BATON_PLUGIN_FAILED &&
                 p->state != BATON_PLUGIN_SHADOWED
             ? p
             : NULL;
}

static const baton_plugin_t *find_ns(baton_host_t *h, const char *word) {
  for (size_t i = 0; i < baton_host_plugin_count(h); i++) {
    const baton_plugin_t *p = usable(baton_host_plugin_at(h, i));
    if (p && strcmp(p->m->ns, word) == 0)
      return p;
  }
  return NULL;
}

typedef struct {
  const char *group;
  const char *name;
  const baton_builtin_t *found;
  int is_group;
} lookup_t;

static int lookup_cb(const baton_builtin_t *b, void *ud) {
  lookup_t *l = ud;
  if (l->group == NULL && b->group && strcmp(b->group, l->name) == 0)
    l->is_group = 1;
  if ((l->group == NULL) == (b->group == NULL) &&
      (l->group == NULL || strcmp(l->group, b->group) == 0) &&
      strcmp(l->name, b->spec.name) == 0)
    l->found = b;
  return 0;
}

/* The word names a command (stage 0) or a group's command (stage 1). */
static void take_command_word(comp_t *c, const char *w) {
  lookup_t l = {.group = c->stage == 1 ? c->group : NULL, .name = w};
  if (c->stage == 1 && c->plugin) {
    c->spec = baton__manifest_command(c->plugin->m, w);
    c->stage = c->spec ? 2 : 3;
    return;
  }
  baton__builtin_each(lookup_cb, &l);
  if (l.found) {
    c->spec = &l.found->spec;
    c->stage = 2;
    if (l.found->group == NULL && strcmp(w, "help") == 0) {
      c->help = 1; /* `help WORDS`: WORDS name a command */
      c->stage = 0;
      c->spec = NULL;
    }
  } else if (c->stage == 0 && l.is_group) {
    c->group = w;
    c->stage = 1;
  } else if (c->stage == 0 && (c->plugin = find_ns(c->cli->host, w))) {
    c->stage = 1;
  } else {
    c->stage = 3;
  }
  if (c->help && c->stage == 2)
    c->stage = 3; /* `help CMD SUB`: nothing more to name */
}

static const baton_argspec_t *spec_flag(const baton_cmdspec_t *s,
                                        const char *w) {
  if (s == NULL || strncmp(w, "--", 2) != 0)
    return NULL;
  for (size_t i = 0; i < s->nargs; i++)
    if (s->args[i].flag && strcmp(s->args[i].name, w + 2) == 0)
      return &s->args[i];
  return NULL;
}

/* Walks the words before the one being completed. */
static void walk(comp_t *c, size_t n, const char *const *w) {
  for (size_t i = 0; i + 1 < n; i++) {
    const char *a = w[i];
    c->want = NULL;
    c->want_global = VAL_NONE;
    if (c->stage == 3)
      return;
    val_kind_t kind;
    const baton_argspec_t *f;
    if (a[0] == '-' && a[1] != '\0') {
      if (strchr(a, '=') != NULL)
        continue;
      if (global_flag(a, &kind)) {
        if (kind != VAL_NONE && i + 2 < n)
          i++; /* its value */
        else
          c->want_global = kind;
      } else if ((f = spec_flag(c->spec, a)) != NULL &&
                 f->type != BATON_ARG_BOOLEAN) {
        if (i + 2 < n)
          i++;
        else
          c->want = f;
      }
      continue;
    }
    if (c->stage < 2) {
      take_command_word(c, a);
      continue;
    }
    /* A positional of the command. */
    size_t npos = 0;
    for (size_t k = 0; k < c->spec->nargs; k++)
      npos += !c->spec->args[k].flag;
    c->npos++;
    if (c->spec->passthrough && c->npos >= npos)
      c->stage = 3; /* the rest belongs to the script */
  }
}

/* ---- the candidates ------------------------------------------------------- */

static void offer(comp_t *c, const char *word) {
  if (strncmp(word, c->cur, strlen(c->cur)) == 0)
    fprintf(c->cli->out, "%s\n", word);
}

static void offer_kind(comp_t *c, const char *kind) {
  fprintf(c->cli->out, "%s\n", kind);
}

static int offer_person(const baton_person_t *p, void *ud) {
  offer(ud, p->id);
  return 0;
}

static int offer_group(const baton_group_t *g, void *ud) {
  offer(ud, g->name);
  return 0;
}

/* The people (active ones, unless the argument takes people who left) or
 * the groups of the store, if it exists: a Tab never creates one. */
static void offer_store(comp_t *c, const baton_argspec_t *a) {
  baton_host_t *h = c->cli->host;
  baton_store_t *s;
  if (!baton__store_exists(baton__host_db_path(h)) || baton__host_store(h, &s) != 0)
    return;
  if (a->type == BATON_ARG_PERSON)
    baton_people_each(s, NULL, 0, a->inactive, offer_person, c);
  else
    baton_groups_each(s, offer_group, c);
}

static void offer_value(comp_t *c, const baton_argspec_t *a) {
  if (a->type == BATON_ARG_PATH) {
    offer_kind(c, "files");
    return;
  }
  offer_kind(c, "words");
  if (a->flag && strcmp(a->name, "allow") == 0) /* run, repl: permissions */
    for (size_t i = 0; baton__perm_names[i]; i++)
      offer(c, baton__perm_names[i]);
  if (a->type == BATON_ARG_ENUM)
    for (size_t i = 0; i < a->nvalues; i++)
      offer(c, a->values[i]);
  else if (a->type == BATON_ARG_BOOLEAN) {
    offer(c, "true");
    offer(c, "false");
  } else if (a->type == BATON_ARG_PERSON || a->type == BATON_ARG_GROUP)
    offer_store(c, a);
}

typedef struct {
  comp_t *c;
  const char *group; /* offer this group's commands; NULL: the top level */
  const char *seen[64];
  size_t nseen;
} top_t;

static int top_cb(const baton_builtin_t *b, void *ud) {
  top_t *t = ud;
  if (t->group) {
    if (b->group && strcmp(b->group, t->group) == 0)
      offer(t->c, b->spec.name);
    return 0;
  }
  const char *w = b->group ? b->group : b->spec.name;
  for (size_t i = 0; i < t->nseen; i++)
    if (strcmp(t->seen[i], w) == 0)
      return 0;
  if (t->nseen < 64)
    t->seen[t->nseen++] = w;
  offer(t->c, w);
  return 0;
}

static void offer_flags(comp_t *c) {
  for (size_t i = 0; c->spec && i < c->spec->nargs; i++)
    if (c->spec->args[i].flag) {
      char buf[128];
      snprintf(buf, sizeof buf, "--%s", c->spec->args[i].name);
      offer(c, buf);
    }
  for (size_t i = 0; i < NGLOBAL; i++)
    if (c->spec == NULL || strcmp(global_flags[i].name, "--version") != 0)
      offer(c, global_flags[i].name);
}

/* The next positional argument of the command, or NULL. */
static const baton_argspec_t *next_positional(const comp_t *c) {
  const baton_argspec_t *last = NULL;
  size_t k = 0;
  for (size_t i = 0; i < c->spec->nargs; i++) {
    const baton_argspec_t *a = &c->spec->args[i];
    if (a->flag)
      continue;
    if (k++ == c->npos)
      return a;
    last = a;
  }
  return last && last->many ? last : NULL;
}

static void complete(comp_t *c) {
  if (c->want_global != VAL_NONE) {
    offer_kind(c, c->want_global == VAL_FILE  ? "files"
                  : c->want_global == VAL_DIR ? "dirs"
                                              : "words");
    return;
  }
  if (c->want) {
    offer_value(c, c->want);
    return;
  }
  if (c->stage == 3) {
    offer_kind(c, c->spec && c->spec->passthrough ? "files" : "words");
    return;
  }
  if (c->cur[0] == '-') {
    offer_kind(c, "words");
    if (!c->help)
      offer_flags(c);
    return;
  }
  if (c->stage == 0 || c->stage == 1) {
    offer_kind(c, "words");
    if (c->stage == 1 && c->plugin) {
      for (size_t i = 0; i < c->plugin->m->ncmds; i++)
        offer(c, c->plugin->m->cmds[i].name);
      return;
    }
    top_t t = {.c = c, .group = c->stage == 1 ? c->group : NULL};
    baton__builtin_each(top_cb, &t);
    if (c->stage == 0) {
      baton_host_t *h = c->cli->host;
      for (size_t i = 0; i < baton_host_plugin_count(h); i++) {
        const baton_plugin_t *p = usable(baton_host_plugin_at(h, i));
        if (p)
          offer(c, p->m->ns);
      }
    }
    return;
  }
  const baton_argspec_t *a = next_positional(c);
  if (a)
    offer_value(c, a);
  else
    offer_kind(c, "words");
}

/* `baton __complete -- WORDS...`: WORDS are the words after `baton`, the
 * last one the word being completed. Not in the command table, so neither
 * --help nor "did you mean" shows it. Always exits 0. */
int baton__complete(baton_cli_t *cli, int argc, const char *const *argv) {
  if (argc > 0 && strcmp(argv[0], "--") == 0) {
    argc--;
    argv++;
  }
  size_t n = argc > 0 ? (size_t)argc : 0;
  const char *const *w = argv;
  comp_t c = {.cli = cli, .cur = n ? w[n - 1] : ""};
  walk(&c, n, w);
  complete(&c);
  return 0;
}

/* ---- `baton completion bash` ---------------------------------------------- */

/* The script is core/cli/scripts/completion.bash, compiled in. */
static int cmd_completion(baton_cli_t *cli, const baton_cmdspec_t *spec,
                          baton_value_t *args, int argc,
                          const char *const *argv) {
  /* args[0] is "bash", the only shell so far (an enum: the parser has
   * already refused anything else). */
  fputs(baton__asset_text(baton__cli_assets, "/completion.bash", NULL),
        cli->out);
  return 0;
}

/* ---- the table ------------------------------------------------------------ */

static char *shells[] = {"bash"};

static baton_argspec_t completion_args[] = {
    {.name = "shell", .key = "shell", .type = BATON_ARG_ENUM,
     .required = 1, .values = shells, .nvalues = 1, .metavar = "SHELL",
     .help = "the shell"},
};

const baton_builtin_t baton__completion_commands[] = {
    {NULL,
     {.name = "completion",
      .summary = "Print a shell completion script (bash)",
      .help = "Load it in the running shell with "
              "`source <(baton completion bash)`, or save it as "
              "~/.local/share/bash-completion/completions/baton. It asks "
              "baton at each Tab, so plugins added later complete too.",
      .args = completion_args, .nargs = 1},
     cmd_completion},
};
const size_t baton__completion_ncommands =
    sizeof baton__completion_commands / sizeof *baton__completion_commands;
