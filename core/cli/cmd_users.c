/* core/cli/cmd_users.c: `baton users`, who may sign in to `baton serve`
 * and with what role: invite people (one-time sign-in links, or a CSV of
 * them for a mail merge), list the accounts, change a role, revoke; and
 * the API tokens with which scripts act as a person (core/store/api_tokens.c).
 *
 * The store keeps the accounts (core/store/users.c); a link's token is
 * printed once here and kept there only as a hash, so a lost link is
 * replaced by inviting the person again. Nothing here prints a hash, a
 * passphrase or a token but the new ones. Exit status: 0 done, 1 failed
 * (nothing written), 2 usage (an unknown person or role among them). */
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "builtin.h"

#define DEFAULT_BASE "http://127.0.0.1:8080"

/* Unix seconds as "2027-01-15T08:00:00Z" (buf: at least 21 bytes). */
static const char *utc(long long t, char *buf, size_t size) {
  time_t tt = (time_t)t;
  struct tm tm;
  if (t == 0 || gmtime_r(&tt, &tm) == NULL ||
      strftime(buf, size, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
    snprintf(buf, size, "%s", "");
  return buf;
}

/* Reports the store's failure: exit 2 for what the user named wrong (a
 * person, a role), 1 for the rest. */
static int fail_in(baton_cli_t *cli, const baton_cmdspec_t *spec,
                   const char *group, baton_store_t *s, int err) {
  if (err == BATON_ENOTFOUND || err == BATON_EINVAL) {
    char prefix[64];
    snprintf(prefix, sizeof prefix, "baton %s %s", group, spec->name);
    baton__usage_error(cli->host, spec, prefix, baton_store_last_error(s));
    return 2;
  }
  baton__host_report(
      cli->host, NULL,
      s ? baton_store_last_error(s) : baton_host_last_error(cli->host), NULL);
  return 1;
}

static int fail(baton_cli_t *cli, const baton_cmdspec_t *spec, baton_store_t *s,
                int err) {
  return fail_in(cli, spec, "users", s, err);
}

/* Prints j (taken) as indented JSON, or `empty` when it is NULL. */
static void print_json(baton_cli_t *cli, json_t *j, const char *empty) {
  char *d = j ? json_dumps(j, JSON_INDENT(2) | JSON_PRESERVE_ORDER) : NULL;
  fprintf(cli->out, "%s\n", d ? d : empty);
  free(d);
  json_decref(j);
}

/* ---- invite -------------------------------------------------------------- */

/* The invited people's names and roles, read back after the invitation. */
typedef struct {
  const char *const *ids;
  size_t n;
  char **names, **roles;
} invited_t;

static int find_invited(const baton_user_t *u, void *ud) {
  invited_t *v = ud;
  for (size_t i = 0; i < v->n; i++)
    if (strcmp(v->ids[i], u->person_id) == 0 && v->names[i] == NULL) {
      v->names[i] = baton__strdup(u->name);
      v->roles[i] = baton__strdup(u->role);
    }
  return 0;
}

/* The CSV for a mail merge: person_id,name,role,link,expires. */
static int write_csv(baton_cli_t *cli, const char *file, const invited_t *v,
                     char (*links)[BATON_TOKEN_SIZE + 512], const char *exp) {
  baton_buf_t b = {0};
  const char *head[] = {"person_id", "name", "role", "link", "expires"};
  int err = baton__csv_write_row(&b, head, 5);
  for (size_t i = 0; err == 0 && i < v->n; i++) {
    const char *row[] = {v->ids[i], v->names[i], v->roles[i], links[i], exp};
    err = baton__csv_write_row(&b, row, 5);
  }
  char *why = NULL;
  if (err == 0)
    err = baton__file_write_atomic(file, b.data ? b.data : "", b.len, &why);
  baton__buf_free(&b);
  if (err != 0) {
    char *m = baton__asprintf(
        "%s: %s; the invitations were made, but their links are only in "
        "that file: run the same command again to replace them",
        file, why ? why : baton_strerror(err));
    baton__host_report(cli->host, NULL, m ? m : file, NULL);
    free(m);
  }
  free(why);
  return err != 0;
}

/* Whether the folder of file exists and may be written, checked before
 * inviting anyone so that a CSV that cannot be written leaves no links
 * that nobody will see. */
static int writable_dir(const char *file) {
  const char *slash = strrchr(file, '/');
  char *dir =
      slash ? baton__strndup(file, slash == file ? 1 : (size_t)(slash - file))
            : baton__strdup(".");
  int ok = dir != NULL && baton__is_dir(dir) && access(dir, W_OK | X_OK) == 0;
  free(dir);
  return ok;
}

/* ---- schools: where a role holds (core/store/schools.c) ----------------- */

/* The role the store keeps for ROLE: "district" is a coordinator with the
 * district flag. */
static const char *stored_role(const char *role) {
  return role && strcmp(role, "district") == 0 ? "coordinator" : role;
}

/* Checks --school before anything is written: 0, or the exit status. */
static int school_ok(baton_cli_t *cli, const baton_cmdspec_t *spec,
                     baton_store_t *s, const baton_value_t *school) {
  int err = school->set ? baton_school_check(s, school->v.s) : 0;
  return err != 0 ? fail(cli, spec, s, err) : 0;
}

/* Where a role given on the command line holds: the district flag (1 for
 * "district", 0 for another role, -1 without one) and the school (NULL
 * without --school), written with the role in one transaction. */
static int district_of(const char *role) {
  return role ? strcmp(role, "district") == 0 : -1;
}
static const char *school_of(const baton_value_t *school) {
  return school->set ? school->v.s : NULL;
}

static int cmd_invite(baton_cli_t *cli, const baton_cmdspec_t *spec,
                      baton_value_t *args, int argc, const char *const *argv) {
  (void)argc, (void)argv;
  const baton_value_t *people = &args[0];
  const char *role = args[1].set ? args[1].v.s : NULL;
  const char *csv = args[2].set ? args[2].v.s : NULL;
  const char *base = args[3].set ? args[3].v.s : DEFAULT_BASE;
  size_t n = people->nitems, blen = strlen(base);
  while (blen > 0 && base[blen - 1] == '/')
    blen--;
  if (blen > 400 ||
      (strncmp(base, "http://", 7) != 0 && strncmp(base, "https://", 8) != 0)) {
    baton__usage_error(cli->host, spec, "baton users invite",
                       "--base must be the address people open baton at, "
                       "starting with http:// or https://, e.g. --base "
                       "https://baton.school.example");
    return 2;
  }
  if (csv != NULL && !writable_dir(csv)) {
    char *m = baton__asprintf("--csv %s: cannot write in its folder (missing "
                              "or read-only): choose another file; nobody "
                              "was invited",
                              csv);
    baton__host_report(cli->host, NULL, m ? m : csv, NULL);
    free(m);
    return 1;
  }
  baton_store_t *s = baton__cli_store(cli);
  if (s == NULL)
    return 1;
  const char **ids = calloc(n ? n : 1, sizeof *ids);
  char(*tokens)[BATON_TOKEN_SIZE] = calloc(n ? n : 1, sizeof *tokens);
  char(*links)[BATON_TOKEN_SIZE + 512] = calloc(n ? n : 1, sizeof *links);
  invited_t v = {ids, n, calloc(n ? n : 1, sizeof(char *)),
                 calloc(n ? n : 1, sizeof(char *))};
  int status = 1;
  if (!ids || !tokens || !links || !v.names || !v.roles) {
    baton__host_report(cli->host, NULL, "out of memory", NULL);
    goto done;
  }
  for (size_t i = 0; i < n; i++)
    ids[i] = people->items[i].v.s;
  if ((status = school_ok(cli, spec, s, &args[4])) != 0)
    goto done;
  status = 1;
  long long exp = 0;
  int err = baton_users_invite_scoped(s, ids, n, stored_role(role),
                                      school_of(&args[4]), district_of(role),
                                      (long long)time(NULL), tokens, &exp);
  if (err == 0)
    err = baton_users_each(s, find_invited, &v);
  for (size_t i = 0; err == 0 && role && strcmp(role, "district") == 0 && i < n;
       i++) {
    free(v.roles[i]);
    v.roles[i] = baton__strdup(role);
  }
  if (err != 0) {
    status = fail(cli, spec, s, err);
    goto done;
  }
  char when[32];
  utc(exp, when, sizeof when);
  for (size_t i = 0; i < n; i++)
    snprintf(links[i], sizeof links[i], "%.*s/welcome?token=%s", (int)blen,
             base, tokens[i]);
  if (csv != NULL) {
    if ((status = write_csv(cli, csv, &v, links, when)) == 0)
      fprintf(cli->out,
              "%zu sign-in link%s written to %s (each works once, until "
              "%s)\n",
              n, n == 1 ? "" : "s", csv, when);
    goto done;
  }
  if (cli->opts.json) {
    json_t *a = json_array();
    for (size_t i = 0; i < n; i++)
      json_array_append_new(a, json_pack("{s:s, s:s?, s:s?, s:s, s:s}",
                                         "person_id", ids[i], "name",
                                         v.names[i], "role", v.roles[i], "link",
                                         links[i], "expires", when));
    print_json(cli, a, "[]");
  } else {
    for (size_t i = 0; i < n; i++)
      fprintf(cli->out, "%s (%s, %s): %s\n", v.names[i] ? v.names[i] : ids[i],
              ids[i], v.roles[i] ? v.roles[i] : "?", links[i]);
    fprintf(cli->out,
            "Each link works once, until %s; send each to its person only.\n",
            when);
  }
  status = 0;
done:
  for (size_t i = 0; i < n && v.names && v.roles; i++) {
    free(v.names[i]);
    free(v.roles[i]);
  }
  free(v.names);
  free(v.roles);
  free(ids);
  if (tokens)
    memset(tokens, 0, n * sizeof *tokens);
  free(tokens);
  free(links);
  return status;
}

/* ---- list, role, revoke -------------------------------------------------- */

static int list_user(baton_cli_t *cli, json_t *a, const baton_user_t *u,
                     const char *role, const char *school);

/* ud: {cli, the JSON array or NULL, the store} (baton__cli_list). */
static int list_row(const baton_user_t *u, void *ud) {
  baton_cli_t *cli = ((void **)ud)[0];
  json_t *a = ((void **)ud)[1];
  char *school = NULL;
  int district = 0;
  baton_user_scope(((void **)ud)[2], u->person_id, &school, &district);
  const char *role = district ? "district" : u->role;
  int r = list_user(cli, a, u, role, school);
  free(school);
  return r;
}

static int list_user(baton_cli_t *cli, json_t *a, const baton_user_t *u,
                     const char *role, const char *school) {
  char revoked[32], until[32];
  utc(u->revoked, revoked, sizeof revoked);
  utc(u->invited_until, until, sizeof until);
  const char *sign_in = u->has_passphrase ? "passphrase" : "link";
  if (a != NULL)
    return json_array_append_new(
               a, json_pack("{s:s, s:s, s:s, s:s*, s:s, s:b, s:b, s:s?, s:s?}",
                            "person_id", u->person_id, "name", u->name, "role",
                            role, "school", school && *school ? school : NULL,
                            "sign_in", sign_in, "revoked", u->revoked != 0,
                            "left", u->left, "revoked_at",
                            u->revoked ? revoked : NULL, "invited_until",
                            u->invited_until ? until : NULL)) != 0;
  fprintf(cli->out, "%-10s %-24s %-12s %-10s %s\n", u->person_id, u->name, role,
          sign_in,
          u->revoked         ? "revoked"
          : u->invited_until ? "invited"
                             : "active");
  return 0;
}

int baton__cli_list(baton_cli_t *cli, const baton_cmdspec_t *spec,
                    const char *group, const char *header,
                    int (*each)(baton_store_t *s, const char *arg, void *ud),
                    const char *arg) {
  baton_store_t *s = baton__cli_store(cli);
  if (s == NULL)
    return 1;
  json_t *a = cli->opts.json ? json_array() : NULL;
  void *ud[3] = {cli, a, s};
  if (a == NULL)
    fprintf(cli->out, "%s\n", header);
  int err = each(s, arg, ud);
  if (err != 0) {
    json_decref(a);
    return fail_in(cli, spec, group, s, err);
  }
  if (a != NULL)
    print_json(cli, a, "[]");
  return 0;
}

static int each_user(baton_store_t *s, const char *arg, void *ud) {
  (void)arg;
  return baton_users_each(s, list_row, ud);
}

static int cmd_list(baton_cli_t *cli, const baton_cmdspec_t *spec,
                    baton_value_t *args, int argc, const char *const *argv) {
  (void)args, (void)argc, (void)argv;
  char head[96];
  snprintf(head, sizeof head, "%-10s %-24s %-12s %-10s %s", "PERSON", "NAME",
           "ROLE", "SIGN-IN", "STATE");
  return baton__cli_list(cli, spec, "users", head, each_user, NULL);
}

static int cmd_role(baton_cli_t *cli, const baton_cmdspec_t *spec,
                    baton_value_t *args, int argc, const char *const *argv) {
  (void)argc, (void)argv;
  baton_store_t *s = baton__cli_store(cli);
  if (s == NULL)
    return 1;
  int status = school_ok(cli, spec, s, &args[2]);
  if (status != 0)
    return status;
  int err =
      baton_users_role_scope_set(s, args[0].v.s, stored_role(args[1].v.s),
                                 school_of(&args[2]), district_of(args[1].v.s));
  if (err != 0)
    return fail(cli, spec, s, err);
  fprintf(cli->out, "%s is now %s\n", args[0].v.s, args[1].v.s);
  return 0;
}

static int cmd_revoke(baton_cli_t *cli, const baton_cmdspec_t *spec,
                      baton_value_t *args, int argc, const char *const *argv) {
  (void)argc, (void)argv;
  baton_store_t *s = baton__cli_store(cli);
  if (s == NULL)
    return 1;
  long long now = (long long)time(NULL);
  int err = baton_users_revoke(s, args[0].v.s, now);
  /* Its API tokens too, for good: inviting the person again gives back
   * the account, not the tokens a script may still hold. */
  if (err == 0)
    err = baton_api_token_revoke(s, args[0].v.s, NULL, now, NULL);
  if (err != 0)
    return fail(cli, spec, s, err);
  fprintf(cli->out,
          "%s can no longer sign in: sessions ended, links cancelled, API "
          "tokens revoked (`baton users invite %s` lets them back)\n",
          args[0].v.s, args[0].v.s);
  return 0;
}

/* ---- API tokens for scripts ---------------------------------------------- */

static int cmd_token(baton_cli_t *cli, const baton_cmdspec_t *spec,
                     baton_value_t *args, int argc, const char *const *argv) {
  (void)argc, (void)argv;
  const char *person = args[0].v.s;
  baton_store_t *s = baton__cli_store(cli);
  if (s == NULL)
    return 1;
  char token[BATON_TOKEN_SIZE], label[BATON_API_LABEL_MAX + 1];
  int err = baton_api_token_create(s, person, args[1].set ? args[1].v.s : NULL,
                                   (long long)time(NULL), token, label);
  if (err != 0)
    return fail(cli, spec, s, err);
  if (cli->opts.json) {
    print_json(cli,
               json_pack("{s:s, s:s, s:s}", "person_id", person, "label", label,
                         "token", token),
               "{}");
  } else {
    fprintf(cli->out,
            "%s\n"
            "API token '%s' of %s: a script sends it as Authorization: Bearer "
            "TOKEN and acts as %s, with their role. It is shown only now; "
            "`baton users token-revoke %s '%s'` ends it.\n",
            token, label, person, person, person, label);
  }
  memset(token, 0, sizeof token);
  return 0;
}

static int token_row(const baton_api_token_t *t, void *ud) {
  baton_cli_t *cli = ((void **)ud)[0];
  json_t *a = ((void **)ud)[1];
  char created[32], used[32], revoked[32];
  utc(t->created, created, sizeof created);
  utc(t->last_used, used, sizeof used);
  utc(t->revoked, revoked, sizeof revoked);
  if (a != NULL)
    return json_array_append_new(
               a,
               json_pack("{s:s, s:s, s:s, s:s, s:s?, s:b, s:s?}", "person_id",
                         t->person_id, "name", t->name, "label", t->label,
                         "created", created, "last_used",
                         t->last_used ? used : NULL, "revoked", t->revoked != 0,
                         "revoked_at", t->revoked ? revoked : NULL)) != 0;
  fprintf(cli->out, "%-10s %-24s %-20s %-20s %-20s %s\n", t->person_id, t->name,
          t->label, created, t->last_used ? used : "never",
          t->revoked ? "revoked" : "active");
  return 0;
}

static int each_token(baton_store_t *s, const char *person, void *ud) {
  return baton_api_tokens_each(s, person, token_row, ud);
}

static int cmd_tokens(baton_cli_t *cli, const baton_cmdspec_t *spec,
                      baton_value_t *args, int argc, const char *const *argv) {
  (void)argc, (void)argv;
  char head[128];
  snprintf(head, sizeof head, "%-10s %-24s %-20s %-20s %-20s %s", "PERSON",
           "NAME", "LABEL", "CREATED", "LAST-USED", "STATE");
  return baton__cli_list(cli, spec, "users", head, each_token,
                         args[0].set ? args[0].v.s : NULL);
}

static int cmd_token_revoke(baton_cli_t *cli, const baton_cmdspec_t *spec,
                            baton_value_t *args, int argc,
                            const char *const *argv) {
  (void)argc, (void)argv;
  const char *person = args[0].v.s;
  const char *label = args[1].set ? args[1].v.s : NULL;
  int all = args[2].v.b;
  if ((label != NULL) == all) {
    baton__usage_error(cli->host, spec, "baton users token-revoke",
                       all ? "give a LABEL or --all, not both"
                           : "name the token: its LABEL (`baton users tokens "
                             "PERSON` lists them), or --all for every one");
    return 2;
  }
  baton_store_t *s = baton__cli_store(cli);
  if (s == NULL)
    return 1;
  int n = 0;
  int err = baton_api_token_revoke(s, person, label, (long long)time(NULL), &n);
  if (err != 0)
    return fail(cli, spec, s, err);
  fprintf(cli->out, "%d API token%s of %s revoked; scripts using %s get 403\n",
          n, n == 1 ? "" : "s", person, n == 1 ? "it" : "them");
  return 0;
}

/* ---- the table ----------------------------------------------------------- */

static char *roles[] = {"coordinator", "staff", "viewer", "district"};

/* --school S: where the role holds (default: the person's school). */
#define SCHOOL_ARG                                                             \
  {                                                                            \
    .name = "school", .key = "school", .flag = 1, .type = BATON_ARG_STRING,    \
    .metavar = "SCHOOL",                                                       \
    .help = "the school where the role holds (default: the person's own; "     \
            "`baton schools list`)"                                            \
  }

static baton_argspec_t invite_args[] = {
    {.name = "person",
     .key = "person",
     .type = BATON_ARG_PERSON,
     .required = 1,
     .many = 1,
     .metavar = "PERSON",
     .help = "the person's id in the staff list; several at once"},
    {.name = "role",
     .key = "role",
     .flag = 1,
     .type = BATON_ARG_ENUM,
     .values = roles,
     .nvalues = 4,
     .metavar = "ROLE",
     .help = "coordinator, staff, viewer or district (a coordinator of "
             "every school); by default staff for a new account, else its "
             "role"},
    {.name = "csv",
     .key = "csv",
     .flag = 1,
     .type = BATON_ARG_PATH,
     .metavar = "FILE",
     .help = "write person_id,name,role,link,expires to FILE for a mail "
             "merge instead of printing the links"},
    {.name = "base",
     .key = "base",
     .flag = 1,
     .type = BATON_ARG_STRING,
     .metavar = "URL",
     .help = "the address people open baton at (default " DEFAULT_BASE ")"},
    SCHOOL_ARG,
};

static baton_argspec_t role_args[] = {
    {.name = "person",
     .key = "person",
     .type = BATON_ARG_PERSON,
     .inactive = 1,
     .required = 1,
     .metavar = "PERSON",
     .help = "the person's id"},
    {.name = "role",
     .key = "role",
     .type = BATON_ARG_ENUM,
     .required = 1,
     .values = roles,
     .nvalues = 4,
     .metavar = "ROLE",
     .help = "coordinator, staff, viewer or district (a coordinator of every "
             "school)"},
    SCHOOL_ARG,
};

static baton_argspec_t revoke_args[] = {
    {.name = "person",
     .key = "person",
     .type = BATON_ARG_PERSON,
     .inactive = 1,
     .required = 1,
     .metavar = "PERSON",
     .help = "the person's id"},
};

static baton_argspec_t token_args[] = {
    {.name = "person",
     .key = "person",
     .type = BATON_ARG_PERSON,
     .required = 1,
     .metavar = "PERSON",
     .help = "the person (with an account) the script acts as"},
    {.name = "label",
     .key = "label",
     .flag = 1,
     .type = BATON_ARG_STRING,
     .metavar = "TEXT",
     .help = "what the token is for, unique among the person's tokens; "
             "default token-1, token-2, ..."},
};

static baton_argspec_t tokens_args[] = {
    {.name = "person",
     .key = "person",
     .type = BATON_ARG_PERSON,
     .inactive = 1,
     .metavar = "PERSON",
     .help = "only this person's tokens"},
};

static baton_argspec_t token_revoke_args[] = {
    {.name = "person",
     .key = "person",
     .type = BATON_ARG_PERSON,
     .inactive = 1,
     .required = 1,
     .metavar = "PERSON",
     .help = "the person whose token it is"},
    {.name = "label",
     .key = "label",
     .type = BATON_ARG_STRING,
     .metavar = "LABEL",
     .help = "the token's label (`baton users tokens PERSON`)"},
    {.name = "all",
     .key = "all",
     .flag = 1,
     .type = BATON_ARG_BOOLEAN,
     .help = "every token of the person instead"},
};

#define N(a) (sizeof(a) / sizeof *(a))

const baton_builtin_t baton__users_commands[] = {
    {"users",
     {.name = "invite",
      .summary = "Make one-time sign-in links for people of the staff list",
      .help = "Each link signs its person in once, within 7 days; a new "
              "invitation replaces the person's earlier links. Links are "
              "kept only as hashes: keep the output or the CSV until sent.",
      .args = invite_args,
      .nargs = N(invite_args)},
     cmd_invite},
    {"users",
     {.name = "list",
      .summary = "List the accounts, their roles and how they sign in",
      .args = NULL,
      .nargs = 0},
     cmd_list},
    {"users",
     {.name = "role",
      .summary = "Change an account's role",
      .args = role_args,
      .nargs = N(role_args)},
     cmd_role},
    {"users",
     {.name = "revoke",
      .summary = "Stop a person signing in (ends their sessions)",
      .args = revoke_args,
      .nargs = N(revoke_args)},
     cmd_revoke},
    {"users",
     {.name = "token",
      .summary = "Make an API token with which a script acts as a person",
      .help = "Prints a new token once: a script sends it as "
              "Authorization: Bearer TOKEN to baton serve and acts as the "
              "person, with their account's role (a viewer's token cannot "
              "write). Kept only as a hash: a lost token is revoked and "
              "replaced.",
      .args = token_args,
      .nargs = N(token_args)},
     cmd_token},
    {"users",
     {.name = "tokens",
      .summary = "List the API tokens: labels, when made and last used",
      .help = "Never shows a token. Last use is kept to the hour.",
      .args = tokens_args,
      .nargs = N(tokens_args)},
     cmd_tokens},
    {"users",
     {.name = "token-revoke",
      .summary = "Revoke a person's API token (by label), or --all of them",
      .args = token_revoke_args,
      .nargs = N(token_revoke_args)},
     cmd_token_revoke},
};

const size_t baton__users_ncommands = N(baton__users_commands);
