/* core/cli/cmd_demo.c: `baton demo`, the trainer's command: a believable sample
 * school in a fresh database, the three bundled practices run on it, then
 * the dashboard (`baton serve`) unless --no-serve. `--tour` walks through
 * the same steps one practice at a time, pausing for Enter. Before the
 * practices, the school gets a past (demo.lua's history parts, run with
 * baton.today() moved back), so history and fairness over time show.
 *
 * The school and the practices are Lua workflow scripts in scripts/
 * (sample-school.lua, demo.lua), so a trainer changes the school by editing
 * a script. This file only finds the scripts, makes the database, imports
 * what the generator wrote, and talks to the person at the terminal. */
#define _XOPEN_SOURCE 700
#define _DEFAULT_SOURCE /* timegm */
#include <errno.h>
#include <signal.h>
#include <stddef.h>
#include <ftw.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>
#include <uv.h>

#include "baton/store.h"
#include "builtin.h"

#define DEMO_DB "baton-demo.db"
/* scripts/sample-school.lua's school */
#define DEMO_SCHOOL "Kestrel Bay College"

/* ---- where things are ----------------------------------------------------- */

/* The folder of the workflow scripts: $BATON_SCRIPTS, else the bundled
 * ones (baton__bundled_dir). Returns a string the caller frees, or NULL
 * when out of memory. */
static char *scripts_dir(void) {
  const char *env = getenv("BATON_SCRIPTS");
  if (env && *env)
    return baton__strdup(env);
  return baton__bundled_dir("scripts");
}

static int rm_entry(const char *path, const struct stat *st, int flag,
                    struct FTW *ftw) {
  (void)st;
  (void)flag;
  (void)ftw;
  remove(path);
  return 0;
}

/* Whether this binary has `baton serve` (it is being built alongside):
 * asks a child `baton help serve`, its output thrown away. */
static int have_serve(const char *exe) {
  pid_t pid = fork();
  if (pid < 0)
    return 0;
  if (pid == 0) {
    FILE *null = freopen("/dev/null", "w", stdout);
    FILE *null2 = freopen("/dev/null", "w", stderr);
    (void)null;
    (void)null2;
    execl(exe, "baton", "help", "serve", (char *)NULL);
    _exit(127);
  }
  int st = 0;
  if (waitpid(pid, &st, 0) < 0)
    return 0;
  return WIFEXITED(st) && WEXITSTATUS(st) == 0;
}

/* ---- talking to the trainer ----------------------------------------------- */

typedef struct {
  baton_cli_t *cli;
  int pause; /* a terminal, and no --yes */
} tour_t;

static void say(tour_t *t, const char *text) {
  fputs(text, t->cli->out);
  fflush(t->cli->out);
}

/* Waits for Enter when there is a terminal; end of input ends the waiting
 * for good (the rest of the tour runs on). */
static void wait_enter(tour_t *t) {
  if (!t->pause)
    return;
  say(t, "\n  [Enter: go on]");
  int c;
  while ((c = getchar()) != EOF && c != '\n')
    ;
  if (c == EOF)
    t->pause = 0;
  say(t, "\n");
}

/* What the tour's commands name, so that each one works as printed: the
 * database (quoted for a shell when it needs to be), the people and dates
 * of this demo. The stops' texts name them as {db}, {mentee}, {from},
 * {to}, {meeting}, {target}, {principal}, {student}. */
typedef struct {
  char db[PATH_MAX + 8];
  char mentee[64], principal[64], student[64];
  char from[16], to[16], meeting[16], target[16];
} tour_vals_t;

typedef struct {
  const char *part;  /* demo.lua --part */
  const char *title;
  const char *what;  /* the practice, in two or three sentences */
  const char *cmd;   /* what a coordinator types (what the part does) */
  const char *look;  /* what to look at afterwards */
} stop_t;

static const stop_t stops[] = {
    {"mentoring", "1. Mentoring: pairing newer staff with mentors",
     "Everyone new this year or last, of any role, is in the group 'mentees';\n"
     "experienced colleagues who offered to help are in 'mentors'. baton scores\n"
     "every possible pair on what they share (subject, grades, campus,\n"
     "language), never pairs someone with their own line manager, and finds\n"
     "the best whole cohort at once, so the last mentee does not get the\n"
     "leftovers. Every pair comes with its reasons.\n",
     "baton --db {db} mentor match --capacity 2\n\n"
     "shows the pairs and their reasons; the tour adds --save, which keeps\n"
     "them (a second match --save is refused: `mentor rematch` changes them).",
     "In the dashboard, open Mentoring: each mentor with their mentees and why\n"
     "each pair was made, and last year's pairs, ended in June (nobody is given\n"
     "last year's mentor again). At the terminal:\n\n"
     "    baton --db {db} mentor why {mentee} --capacity 2 --mentees mentees --mentors mentors\n\n"
     "says what the whole cohort would lose if that mentee had another mentor;\n\n"
     "    baton --db {db} mentor list\n\n"
     "lists every pair, last year's too.\n"},
    {"rota", "2. Rotation: sharing out who leads each meeting",
     "Leading a meeting (facilitator, note-taker, timekeeper) is leadership\n"
     "practice, and it should not always fall to the same people. baton plans a\n"
     "term of meetings so that turns are fair by proof: people with the same\n"
     "availability and FTE differ by at most one turn, counting past terms.\n"
     "A role can need a skill: here only trained facilitators facilitate the\n"
     "Mathematics PLC. The term began four weeks ago; last term's rota is saved.\n",
     "baton --db {db} rota plan --group \"Mathematics PLC\" --every tue \\\n"
     "      --from {from} --to {to} \\\n"
     "      --needs facilitator:trained_facilitator=yes --save",
     "In the dashboard, open Rotating roles: the meetings to come with today and\n"
     "the next meeting marked, and the turns per person against the fairness\n"
     "bound. Turns from last term count, so whoever led most then leads less\n"
     "now; this explains one choice with those counts:\n\n"
     "    baton --db {db} rota why --group \"Mathematics PLC\" --date {meeting} --role facilitator\n\n"
     "and this writes a calendar per person into the folder calendars:\n\n"
     "    baton --db {db} rota show --group \"Mathematics PLC\" --ics calendars\n"},
    {"change", "3. Leading a change: Kotter's 8 steps",
     "A change (here: reading in every subject) goes through Kotter's 8 steps,\n"
     "from a sense of urgency to making it stick. Each step has owners from\n"
     "every level (a student leader shares the urgency step with the\n"
     "principal), dated evidence, a due date, and warnings when it stalls.\n",
     "baton --db {db} change step 1 1 --status done --owner {principal} --owner {student}\n"
     "    baton --db {db} change evidence 1 1 \"Staff survey: 68% say students struggle with subject texts\"\n\n"
     "after starting it as initiative 1 (`change new` with its title and\n"
     "--target {target}); then the coalition, step 2 and step 3 the same way.",
     "In the dashboard, open Change: the 8 steps as chevrons, each with its\n"
     "status in words, its owners with their roles, the guiding coalition and\n"
     "its spread across roles, and the overdue warning on step 3. This makes a\n"
     "page to share:\n\n"
     "    baton --db {db} change report 1 --format html --out change.html\n"},
    {"inquiry", "4. Inquiry: PLCs asking their own questions",
     "A professional learning community runs cycles of inquiry: a question,\n"
     "the phases of a model (here the spiral of inquiry: scanning, focusing,\n"
     "developing a hunch, learning, taking action, checking), evidence and\n"
     "data reviews in each phase, meetings logged with whether their time was\n"
     "protected. Last year the Mathematics PLC's cycle on formative assessment\n"
     "closed with findings that opened this year's, now part-way.\n",
     "baton --db {db} inquiry status\n\n"
     "names the cycles that have gone quiet, phases passed without evidence,\n"
     "and protected time against time spent.",
     "In the dashboard, open Inquiry and Cycle board: each cycle's phases as\n"
     "steps, with owners from every role. Members log their own meetings and\n"
     "evidence there, only into their own PLC's cycles.\n"},
    {"recognition", "5. Recognition: thanks across every role",
     "Anyone signed in thanks a colleague in a sentence, linked if they like\n"
     "to a PLC, a change step or a mentoring pair. The Thanks board shows them\n"
     "on the staff room screen; the spread shows which roles they reach this\n"
     "term. Only the coordinator sees who has not been thanked for a while,\n"
     "and may hide a message, which stays in the history.\n",
     "baton --db {db} thanks spread",
     "In the dashboard, open Thanks board and Recognition. The coordinator's\n"
     "side, at the terminal:\n\n"
     "    baton --db {db} thanks nudges\n"
     "    baton --db {db} thanks history --hidden\n"},
    {"expertise", "6. Expertise: from pockets to systems of excellence",
     "Staff declare their strengths and what they want to grow in, colleagues\n"
     "endorse them, and the practices add evidence as they go (a PLC cycle\n"
     "led, a coaching goal met and shared, a mentoring pair's shared subject).\n"
     "This year's mentoring match scores it: look for pairs explained by\n"
     "\"can help with ... (+2)\".\n",
     "baton --db {db} expertise helpers \"formative assessment\"\n\n"
     "ranks who can help (evidenced, then endorsed, then declared).",
     "In the dashboard, open Expertise. Strengths held by one person only, and\n"
     "what the school's change needs that nobody holds:\n\n"
     "    baton --db {db} expertise pockets\n"
     "    baton --db {db} expertise gaps\n"},
    {"coaching", "7. Coaching: identify, learn, improve",
     "A coach and a teacher run a cycle (Knight's Impact Cycle): a measurable\n"
     "goal with a baseline, a strategy to learn, measures until the goal is\n"
     "met. Coaches come from the expertise map; the goal stays private to the\n"
     "pair unless the teacher shares it.\n",
     "baton --db {db} coach caseload\n\n"
     "shows each coach's cycles and the balance across the school.",
     "In the dashboard, open Coaching: only the goals teachers chose to share.\n"
     "The cycles that have stalled:\n\n"
     "    baton --db {db} coach stalled\n"},
    {"equity", "8. Equity: is leadership spread or concentrated?",
     "Every practice says what it counts as a leadership role (a mentor, rota\n"
     "turns taken, a change step owned, a PLC cycle led, thanks given and\n"
     "received), and every group's leads and chairs count too. Equity puts\n"
     "them together: the share held by the top 10%, a concentration index,\n"
     "who holds none, this year against last.\n",
     "baton --db {db} equity report",
     "In the dashboard, open Spread of leadership; when leadership\n"
     "concentrates past the school's threshold, the Overview says so, without\n"
     "naming anyone.\n"},
};

/* Writes tpl with its {names} replaced by v's values. */
static void tour_print(FILE *out, const char *tpl, const tour_vals_t *v) {
  static const struct {
    const char *name;
    size_t off;
  } names[] = {
      {"{db}", offsetof(tour_vals_t, db)},
      {"{mentee}", offsetof(tour_vals_t, mentee)},
      {"{principal}", offsetof(tour_vals_t, principal)},
      {"{student}", offsetof(tour_vals_t, student)},
      {"{from}", offsetof(tour_vals_t, from)},
      {"{to}", offsetof(tour_vals_t, to)},
      {"{meeting}", offsetof(tour_vals_t, meeting)},
      {"{target}", offsetof(tour_vals_t, target)},
  };
  for (const char *c = tpl; *c;) {
    size_t i = 0, n = sizeof names / sizeof *names;
    while (i < n && strncmp(c, names[i].name, strlen(names[i].name)) != 0)
      i++;
    if (i < n) {
      fputs((const char *)v + names[i].off, out);
      c += strlen(names[i].name);
    } else {
      fputc(*c++, out);
    }
  }
}

/* ---- the command ------------------------------------------------------------ */

/* What demo.lua may do besides its own work: equity's snapshot and report
 * ask every practice's leadership route (through baton.plugin). */
static const char *const read_leadership[] = {"leadership.read", NULL};

/* Runs scripts/NAME with the given arguments; returns the exit status. */
static int run_script(baton_cli_t *cli, const char *dir, const char *name,
                      int argc, const char *const *argv,
                      const char *const *perms) {
  char *path = baton__asprintf("%s/%s", dir, name);
  if (path == NULL)
    return 1;
  int st = baton_host_run_script(cli->host, path, argc, argv, perms);
  free(path);
  return st;
}

static int import_one(baton_cli_t *cli, baton_store_t *s, const char *path,
                      int people, size_t *count) {
  baton_import_options_t o;
  baton_import_options_init(&o);
  baton_import_report_t r;
  int err = people ? baton_people_import(s, path, &o, &r)
                   : baton_groups_import(s, path, &o, &r);
  if (err != 0) {
    fprintf(cli->err, "baton demo: cannot import %s: %s\n", path,
            r.nerrors ? r.errors[0] : baton_strerror(err));
  }
  *count = r.added + r.updated + r.unchanged;
  baton_import_report_free(&r);
  return err;
}

/* The date `days` days after `from` (YYYY-MM-DD; the local date when NULL
 * or not a date) into out, as YYYY-MM-DD. Counted at noon UTC, so no time
 * zone or daylight-saving change can move it by a day. */
static void date_add(const char *from, int days, char out[16]) {
  struct tm tm = {0};
  int y, m, d;
  if (from && baton__date_parse(from, &y, &m, &d) == 0) {
    tm.tm_year = y - 1900;
    tm.tm_mon = m - 1;
    tm.tm_mday = d;
  } else {
    time_t now = time(NULL);
    struct tm local;
    localtime_r(&now, &local);
    tm.tm_year = local.tm_year;
    tm.tm_mon = local.tm_mon;
    tm.tm_mday = local.tm_mday;
  }
  tm.tm_hour = 12;
  time_t t = timegm(&tm) + (time_t)days * 86400;
  gmtime_r(&t, &tm);
  strftime(out, 16, "%Y-%m-%d", &tm);
}

/* s as a shell word into out (n bytes): as it is when it is plain, else
 * in single quotes ('it'\''s'). */
static void shell_quote(const char *s, char *out, size_t n) {
  if (strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                "0123456789._/+-") == strlen(s)) {
    snprintf(out, n, "%s", s);
    return;
  }
  size_t k = 0;
  out[k++] = '\'';
  for (const char *c = s; *c && k + 6 < n; c++) {
    if (*c == '\'') {
      memcpy(out + k, "'\\''", 4);
      k += 4;
    } else {
      out[k++] = *c;
    }
  }
  out[k++] = '\'';
  out[k] = '\0';
}

/* The weekday of date (YYYY-MM-DD): 1 Monday ... 7 Sunday. */
static int weekday(const char *date) {
  struct tm tm = {0};
  int y, m, d;
  if (baton__date_parse(date, &y, &m, &d) != 0)
    return 1;
  tm.tm_year = y - 1900;
  tm.tm_mon = m - 1;
  tm.tm_mday = d;
  tm.tm_hour = 12;
  time_t t = timegm(&tm);
  gmtime_r(&t, &tm);
  return tm.tm_wday == 0 ? 7 : tm.tm_wday;
}

/* The first day of weekday wd (1 Monday) on or after from, into out. */
static void on_or_after(const char *from, int wd, char out[16]) {
  date_add(from, ((wd - weekday(from)) % 7 + 7) % 7, out);
}

static int first_id(const baton_person_t *p, void *ud) {
  snprintf(ud, 64, "%s", p->id);
  return 1;
}

/* What the tour's commands name (tour_vals_t), as scripts/demo.lua
 * chooses them: the first mentee and the first principal and student
 * leader by id, this term's dates (it began four weeks before the coming
 * Monday and runs twelve weeks from it), the next Tuesday's meeting. */
static void tour_values(baton_store_t *s, const char *db, const char *today,
                        tour_vals_t *v) {
  memset(v, 0, sizeof *v);
  shell_quote(db, v->db, sizeof v->db);
  baton_group_members(s, "mentees", first_id, v->mentee);
  baton_filter_t principal = {"role", "principal"}, student = {"role",
                                                               "student leader"};
  baton_people_each(s, &principal, 1, 0, first_id, v->principal);
  baton_people_each(s, &student, 1, 0, first_id, v->student);
  char now[16], monday[16];
  date_add(today, 0, now);
  on_or_after(now, 1, monday);
  date_add(monday, -28, v->from);
  date_add(monday, 7 * 12 - 3, v->to);
  on_or_after(now, 2, v->meeting);
  date_add(now, 240, v->target);
}

/* ---- the dashboard during the tour ---------------------------------------- */

/* `baton serve` started before the tour's first step, so the room watches
 * each practice arrive; the tour then waits for it, passing Ctrl-C (and a
 * TERM) on to it. */
static pid_t dashboard = -1;

static void pass_on(int sig) {
  if (dashboard > 0)
    kill(dashboard, sig);
}

/* Starts `baton --db DB serve --listen LISTEN`; returns its pid or -1. */
static pid_t start_dashboard(baton_cli_t *cli, const char *exe, const char *db,
                             const char *listen) {
  fflush(cli->out);
  fflush(cli->err);
  pid_t pid = fork();
  if (pid == 0) {
    execl(exe, "baton", "--db", db, "serve", "--listen", listen, (char *)NULL);
    _exit(127);
  }
  if (pid < 0)
    return -1;
  dashboard = pid;
  struct sigaction sa = {0};
  sa.sa_handler = pass_on;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGINT, &sa, NULL);
  sigaction(SIGTERM, &sa, NULL);
  /* Half a second for it to print its address and sign-in link before the
   * tour's first step, or to fail (a port in use). */
  for (int i = 0; i < 5; i++) {
    struct timespec ts = {0, 100 * 1000 * 1000};
    nanosleep(&ts, NULL);
    int st;
    if (waitpid(pid, &st, WNOHANG) == pid) {
      fprintf(cli->err, "baton demo: the dashboard did not start (see "
                        "above); the tour goes on without it\n");
      dashboard = -1;
      return -1;
    }
  }
  return pid;
}

/* Waits for the dashboard to stop; its exit status. */
static int wait_dashboard(baton_cli_t *cli) {
  fprintf(cli->out, "\nThe dashboard is still running (Ctrl-C to stop).\n");
  fflush(cli->out);
  int st = 0;
  while (waitpid(dashboard, &st, 0) < 0 && errno == EINTR)
    ;
  dashboard = -1;
  return WIFEXITED(st) ? WEXITSTATUS(st) : 0;
}

/* The school's past, so that fairness over time and history have
 * something to show: scripts/demo.lua's history parts, each run with
 * baton.today() moved back to the day it happened. */
static const struct {
  const char *part;
  int days; /* from the demo's today */
} history[] = {
    {"last-year", -372}, /* last year's mentoring cohort is paired */
    {"last-term", -73},  /* it ends; the term just ended gets its rota */
};

static int run_history(baton_cli_t *cli, const char *dir) {
  const char *today = cli->host->opts.today;
  int st = 0;
  for (size_t i = 0; st == 0 && i < sizeof history / sizeof *history; i++) {
    char then[16];
    date_add(today, history[i].days, then);
    cli->host->opts.today = then;
    const char *part_argv[] = {"--part", history[i].part};
    st = run_script(cli, dir, "demo.lua", 2, part_argv, read_leadership);
    cli->host->opts.today = today;
  }
  return st;
}

void baton__demo_remove_db(const char *db) {
  static const char *const ext[] = {"", "-wal", "-shm", "-journal"};
  for (size_t i = 0; i < sizeof ext / sizeof *ext; i++) {
    char *p = baton__asprintf("%s%s", db, ext[i]);
    if (p)
      unlink(p);
    free(p);
  }
}

/* A new database's path beside db (DB.new-XXXXXX, no file there yet), or
 * NULL after saying why. */
static char *new_db_beside(baton_cli_t *cli, const char *db) {
  char *path = baton__asprintf("%s.new-XXXXXX", db);
  int fd = path ? mkstemp(path) : -1;
  if (fd < 0) {
    fprintf(cli->err, "baton demo: cannot make a file beside %s: %s\n", db,
            path ? strerror(errno) : "out of memory");
    free(path);
    return NULL;
  }
  close(fd);
  unlink(path);
  return path;
}

/* The mark of a database `baton demo` made (setting baton.demo): what
 * `baton serve` checks before it offers a reset or a workshop, and how it
 * makes the same school again. */
static int mark_demo(baton_cli_t *cli, baton_store_t *s, long long size,
                     long long seed) {
  char value[96];
  snprintf(value, sizeof value, "{\"size\":%lld,\"seed\":%lld}", size, seed);
  if (baton_settings_set(s, BATON_DEMO_SETTING_PLUGIN, BATON_DEMO_SETTING_KEY,
                         value) == 0)
    return 0;
  fprintf(cli->err, "baton demo: cannot mark the database as a demo: %s\n",
          baton_store_last_error(s));
  return 1;
}

typedef struct {
  long long size, seed;
  int found;
} demo_info_t;

static int read_info(const char *plugin, const char *key, const char *value,
                     void *ud) {
  (void)plugin;
  demo_info_t *d = ud;
  if (strcmp(key, BATON_DEMO_SETTING_KEY) != 0)
    return 0;
  json_t *j = json_loads(value, 0, NULL);
  json_t *size = json_object_get(j, "size"), *seed = json_object_get(j, "seed");
  if (json_is_integer(size) && json_is_integer(seed)) {
    d->size = json_integer_value(size);
    d->seed = json_integer_value(seed);
    d->found = 1;
  }
  json_decref(j);
  return 0;
}

int baton__demo_info(baton_store_t *s, long long *size, long long *seed) {
  demo_info_t d = {0};
  if (baton_settings_each(s, BATON_DEMO_SETTING_PLUGIN, read_info, &d) != 0 ||
      !d.found)
    return 0;
  if (size)
    *size = d.size;
  if (seed)
    *seed = d.seed;
  return 1;
}

/* baton_store_replace's question: only a demo's database is replaced. */
static int only_a_demo(baton_store_t *to, void *ud) {
  (void)ud;
  return baton__demo_info(to, NULL, NULL) ? 0 : BATON_EPERM;
}

/* Why the database at path (not a demo's) is not reset. Malloc'd. */
static char *not_a_demo(const char *path) {
  int pg = baton__sql_is_url(path);
  return baton__asprintf(
      "%s holds data that `baton demo` did not put there (it has no demo "
      "mark, the setting baton.demo), so it is not reset, and it is as it "
      "was. A demo needs a database of its own: %s",
      path,
      pg ? "make one (createdb NAME) and run `baton --db "
           "postgresql://.../NAME demo`"
         : "run `baton --db demo.db demo` (a new file), or remove the file "
           "yourself if it is a demo an older baton made");
}

char *baton__demo_replace(baton_store_t *to, const char *from) {
  baton_store_t *f = NULL;
  char *msg = NULL;
  int e = baton_store_open(&f, from, &msg);
  if (e != 0) {
    char *why = baton__asprintf("cannot open the new school (%s): %s", from,
                                msg ? msg : baton_strerror(e));
    free(msg);
    return why ? why : baton__strdup("out of memory");
  }
  e = baton_store_replace(f, to, only_a_demo, NULL);
  baton_store_close(f);
  if (e == BATON_EPERM)
    msg = not_a_demo(baton_store_path(to));
  else if (e != 0)
    msg = baton__asprintf("cannot put the new school into the database: %s",
                          baton_store_last_error(to));
  return e == 0 ? NULL : msg ? msg : baton__strdup("out of memory");
}

static int stop_at_one(const baton_person_t *p, void *ud) {
  (void)p;
  (void)ud;
  return 1;
}

/* Before anything is built: 1 (after saying why) when db holds people and
 * is not a demo's, or holds a demo and this is not a --reset, so a trainer
 * is told at once, not after the new school is built. The copy or the
 * replace checks again, in its transaction. */
static int refused_early(baton_cli_t *cli, const char *db, int reset) {
  baton_store_t *s = NULL;
  char *msg = NULL;
  if (baton_store_open(&s, db, &msg) != 0) { /* said by what follows */
    free(msg);
    return 0;
  }
  int demo = baton__demo_info(s, NULL, NULL);
  int refuse = demo ? !reset
                    : baton_people_each(s, NULL, 0, 1, stop_at_one, NULL) == 1;
  char *why = !refuse ? NULL
              : demo  ? baton__asprintf("%s holds an earlier demo: `baton "
                                        "demo --reset` replaces it with a "
                                        "fresh school",
                                        baton_store_path(s))
                      : not_a_demo(baton_store_path(s));
  if (refuse)
    fprintf(cli->err, "baton demo: %s\n", why ? why : "out of memory");
  free(why);
  baton_store_close(s);
  return refuse;
}

/* PostgreSQL: the school built in the file `from` is copied into the
 * database of the URL db (baton_store_copy, one transaction, verified),
 * which must be empty; with --reset it replaces what a demo's database
 * holds (baton__demo_replace). 0, or 1 after saying why (db left as it
 * was). */
static int copy_in(baton_cli_t *cli, const char *from, const char *db,
                   int reset) {
  baton_store_t *f = NULL, *to = NULL;
  char *msg = NULL;
  int e = baton_store_open(&to, db, &msg);
  if (e == 0 && reset) {
    msg = baton__demo_replace(to, from);
    e = msg ? BATON_ESTORE : 0;
    if (msg)
      fprintf(cli->err, "baton demo: %s\n", msg);
  } else if (e == 0 && (e = baton_store_open(&f, from, &msg)) == 0 &&
             (e = baton_store_copy(f, to, NULL, NULL)) != 0) {
    fprintf(cli->err,
            "baton demo: cannot put the new school into the database: %s\n",
            baton_store_last_error(to));
    if (e == BATON_EEXIST && baton__demo_info(to, NULL, NULL))
      fprintf(cli->err, "baton demo: it holds an earlier demo: `baton demo "
                        "--reset` replaces it with a fresh school\n");
  } else if (e != 0)
    fprintf(cli->err, "baton demo: %s\n", msg ? msg : baton_strerror(e));
  baton_store_close(f);
  baton_store_close(to);
  free(msg);
  return e == 0 ? 0 : 1;
}

/* Puts the school built at `from` in place at db: a new file is moved
 * there; an existing database (--reset) gets it through SQLite's backup
 * API, in one transaction, so a `baton serve` using db sees one more
 * change (not a file replaced under it) and shows the new school at once.
 * A file at db that is not a database is replaced. */
static int put_in_place(baton_cli_t *cli, const char *from, const char *db,
                        int reset) {
  baton__host_store_close(cli->host); /* the last connection: no -wal left */
  if (baton__sql_is_url(db))
    return copy_in(cli, from, db, reset);
  if (baton__is_file(db)) {
    baton_store_t *to = NULL;
    char *msg = NULL;
    int e = baton_store_open(&to, db, &msg);
    if (e == 0 && !baton__demo_info(to, NULL, NULL)) {
      char *why = not_a_demo(db);
      fprintf(cli->err, "baton demo: %s\n", why ? why : "out of memory");
      free(why);
      baton_store_close(to);
      return 1;
    }
    if (e == 0)
      e = baton_store_restore(to, from);
    if (e != 0 && to == NULL)
      fprintf(cli->err, "baton demo: %s is not a database baton can open "
                        "(%s): replacing it\n",
              db, msg ? msg : baton_strerror(e));
    else if (e != 0)
      fprintf(cli->err, "baton demo: cannot write the new school into %s: "
                        "%s\n",
              db, baton_store_last_error(to));
    baton_store_close(to);
    free(msg);
    if (e == 0 || to != NULL)
      return e == 0 ? 0 : 1;
    baton__demo_remove_db(db);
  }
  if (rename(from, db) != 0) {
    fprintf(cli->err, "baton demo: cannot move the new school to %s: %s\n",
            db, strerror(errno));
    return 1;
  }
  return 0;
}

/* 1 if a --listen address is this computer's own (127.x, localhost, ::1,
 * or a bare port). */
static int loopback_listen(const char *listen) {
  return strncmp(listen, "127.", 4) == 0 ||
         strncmp(listen, "localhost:", 10) == 0 ||
         strncmp(listen, "[::1]:", 6) == 0 || strchr(listen, ':') == NULL ||
         listen[0] == ':';
}

static int cmd_demo(baton_cli_t *cli, const baton_cmdspec_t *spec,
                    baton_value_t *args, int argc, const char *const *argv) {
  (void)spec;
  (void)argc;
  (void)argv;
  long long size = args[0].v.i, seed = args[1].v.i;
  int reset = args[2].v.b, no_serve = args[3].v.b, tour = args[4].v.b;
  int yes = args[5].v.b;
  const char *listen = args[6].v.s;
  int workshop = args[7].v.b;
  const char *db = cli->opts.db_path ? cli->opts.db_path : DEMO_DB;
  tour_t t = {cli, tour && !yes && isatty(STDIN_FILENO)};
  int status = 1;
  char tmp[] = "/tmp/baton-demo.XXXXXX";
  int made_tmp = 0;
  char *dir = scripts_dir();
  char *staff = NULL, *groups = NULL, *building = NULL;
  int placed = 0; /* the new school is in db (the tour puts it early) */

  if (size < 30 || size > 5000) {
    fprintf(cli->err, "baton demo: --size expects 30 to 5000 people, got "
                      "%lld\n", size);
    free(dir);
    return 2;
  }
  if (dir == NULL)
    goto done;
  int pg = baton__sql_is_url(db);
  if (baton__is_file(db) && !reset) {
    fprintf(cli->err, "baton demo: %s already exists (an earlier demo?). "
                      "Run `baton demo --reset` to start again from a "
                      "fresh school, or give another --db PATH.\n", db);
    goto done;
  }
  if ((pg || (reset && baton__is_file(db))) && refused_early(cli, db, reset))
    goto done;
  /* The school is made in a new file beside db, then put in place
   * (put_in_place): a failure leaves db as it was. */
  if (mkdtemp(tmp) == NULL) {
    fprintf(cli->err, "baton demo: cannot make a folder in /tmp: %s\n",
            strerror(errno));
    goto done;
  }
  made_tmp = 1;
  /* On PostgreSQL the school is made in a file, then copied in
   * (copy_in), which refuses a database that holds anything. */
  building = pg ? baton__asprintf("%s/school.db", tmp) : new_db_beside(cli, db);
  if (building == NULL)
    goto done;
  cli->host->opts.db_path = building;

  /* 1. The school. */
  char size_s[24], seed_s[24];
  snprintf(size_s, sizeof size_s, "%lld", size);
  snprintf(seed_s, sizeof seed_s, "%lld", seed);
  const char *gen_argv[] = {"--size", size_s, "--seed", seed_s,
                            "--out",  tmp,    "--quiet"};
  const char *const write_perm[] = {"fs.write", NULL};
  if (tour) {
    say(&t, "Welcome to baton. This tour builds a made-up school, Kestrel Bay "
            "College,\nruns eight leadership practices on it, and shows where "
            "to look in the\ndashboard. Everyone in the school can lead: "
            "teachers, aides, counsellors,\nsupport staff and student "
            "leaders.\n");
    wait_enter(&t);
    say(&t, "\n== The school ==\n\n");
  }
  if (run_script(cli, dir, "sample-school.lua", 7, gen_argv, write_perm) != 0) {
    fprintf(cli->err, "baton demo: the sample school script failed (%s/"
                      "sample-school.lua)\n", dir);
    goto done;
  }
  baton_store_t *s;
  if (baton__host_store(cli->host, &s) != 0) {
    fprintf(cli->err, "baton demo: cannot open %s: %s\n", db,
            baton_host_last_error(cli->host));
    goto done;
  }
  staff = baton__asprintf("%s/staff.csv", tmp);
  groups = baton__asprintf("%s/groups.csv", tmp);
  size_t npeople = 0, nmembers = 0;
  if (!staff || !groups || import_one(cli, s, staff, 1, &npeople) != 0 ||
      import_one(cli, s, groups, 0, &nmembers) != 0)
    goto done;
  /* The school's name, in the dashboard's header (`baton config baton
   * school` changes it). */
  if (baton_settings_set(s, "baton", "school", DEMO_SCHOOL) != 0) {
    fprintf(cli->err, "baton demo: cannot store the school's name in %s: %s\n",
            db, baton_store_last_error(s));
    goto done;
  }
  fprintf(cli->out, "School: %zu people and %zu group memberships in %s "
                    "(size %lld, seed %lld)\n", npeople, nmembers, db, size,
          seed);
  if (run_history(cli, dir) != 0)
    goto done;

  /* 2. The practices. */
  if (!tour) {
    if (run_script(cli, dir, "demo.lua", 0, NULL, read_leadership) != 0)
      goto done;
  } else {
    tour_vals_t v;
    tour_values(s, db, cli->host->opts.today, &v);
    /* The school and its past go in place now, so the dashboard the room
     * watches shows each practice arrive; the stops then work on db. */
    if (mark_demo(cli, s, size, seed) != 0 ||
        put_in_place(cli, building, db, reset) != 0)
      goto done;
    placed = 1;
    cli->host->opts.db_path = db;
    char exe[PATH_MAX];
    size_t n = sizeof exe;
    if (!no_serve && uv_exepath(exe, &n) == 0 && have_serve(exe)) {
      say(&t, "\nThe dashboard starts now, before the practices, so the room "
              "sees each one\narrive (open the address below):\n\n");
      start_dashboard(cli, exe, db, listen);
    }
    tour_print(cli->out, "\nSee the people and groups at the terminal:\n\n"
                         "    baton --db {db} people list\n"
                         "    baton --db {db} groups list\n\n"
                         "The dashboard's Overview counts who leads what among "
                         "them.\n", &v);
    wait_enter(&t);
    for (size_t i = 0; i < sizeof stops / sizeof *stops; i++) {
      const stop_t *st = &stops[i];
      fprintf(cli->out, "\n== %s ==\n\n%s\nWhat a coordinator types (the "
                        "tour does it now):\n\n    ", st->title, st->what);
      tour_print(cli->out, st->cmd, &v);
      fputc('\n', cli->out);
      wait_enter(&t);
      say(&t, "\n");
      const char *part_argv[] = {"--part", st->part};
      if (run_script(cli, dir, "demo.lua", 2, part_argv, read_leadership) !=
          0)
        goto done;
      fputc('\n', cli->out);
      tour_print(cli->out, st->look, &v);
      wait_enter(&t);
    }
    tour_print(cli->out, "\n== That is the tour ==\n\nEverything you saw is in "
                         "the event log:\n\n    baton --db {db} change history 1"
                         "\n\nEach practice is a Lua plugin in plugins/ that a "
                         "school can change.\nThe school itself comes from "
                         "scripts/sample-school.lua: `--size` and\n`--seed` make "
                         "another one; `baton demo --reset` starts again.\n", &v);
  }
  if (!placed &&
      (mark_demo(cli, s, size, seed) != 0 || put_in_place(cli, building, db, reset) != 0))
    goto done;
  status = 0;

done:
  if (building) {
    baton__host_store_close(cli->host);
    baton__demo_remove_db(building); /* gone already when put in place */
    free(building);
  }
  cli->host->opts.db_path = db;
  if (made_tmp)
    nftw(tmp, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
  free(staff);
  free(groups);
  free(dir);
  if (status != 0) {
    if (dashboard > 0) {
      kill(dashboard, SIGTERM);
      wait_dashboard(cli);
    }
    return status;
  }
  if (dashboard > 0)
    return wait_dashboard(cli);

  /* 3. The dashboard: `baton serve` replaces this process, so Ctrl-C ends
   * it as it ends any serve. */
  char exe[PATH_MAX];
  size_t n = sizeof exe;
  if (workshop && no_serve)
    fprintf(cli->out, "\n--workshop with --no-serve: start the workshop "
                      "with `baton --db %s serve --workshop --listen "
                      "0.0.0.0:8080 --allow-remote`\n",
            db);
  if (no_serve || uv_exepath(exe, &n) != 0 || !have_serve(exe)) {
    char q[PATH_MAX + 8];
    shell_quote(db, q, sizeof q);
    fprintf(cli->out, "\nTry: baton --db %s people list; baton --db %s mentor "
                      "list --active;\n     baton --db %s rota show --group "
                      "\"Mathematics PLC\"; baton --db %s change status 1\n",
            q, q, q, q);
    if (!no_serve)
      fprintf(cli->out, "(This baton has no `baton serve` yet: no "
                        "dashboard.)\n");
    return 0;
  }
  fprintf(cli->out, "\nStarting the dashboard (Ctrl-C to stop):\n");
  fflush(cli->out);
  fflush(cli->err);
  baton__host_store_close(cli->host);
  /* --workshop: phones join from the room's network, so serve listens
   * where they reach it (--allow-remote) unless told loopback. */
  const char *serve_argv[] = {"baton",        "--db",       db,
                              "serve",        "--listen",   listen,
                              workshop ? "--workshop" : NULL,
                              workshop && !loopback_listen(listen)
                                  ? "--allow-remote"
                                  : NULL,
                              NULL};
  execv(exe, (char *const *)serve_argv);
  fprintf(cli->err, "baton demo: cannot start baton serve: %s\n",
          strerror(errno));
  return 1;
}

/* ---- the table ------------------------------------------------------------ */

static baton_argspec_t demo_args[] = {
    {.name = "size", .key = "size", .flag = 1, .type = BATON_ARG_INTEGER,
     .metavar = "N", .help = "about how many people the school has (30-5000)",
     .def = {.set = 1, .type = BATON_ARG_INTEGER, .v.i = 80}},
    {.name = "seed", .key = "seed", .flag = 1, .type = BATON_ARG_INTEGER,
     .metavar = "S", .help = "another seed makes another school",
     .def = {.set = 1, .type = BATON_ARG_INTEGER, .v.i = 2026}},
    {.name = "reset", .key = "reset", .flag = 1, .type = BATON_ARG_BOOLEAN,
     .help = "remove an earlier demo database first"},
    {.name = "no-serve", .key = "no_serve", .flag = 1,
     .type = BATON_ARG_BOOLEAN,
     .help = "print the results and exit (no dashboard)"},
    {.name = "tour", .key = "tour", .flag = 1, .type = BATON_ARG_BOOLEAN,
     .help = "a guided walk, one practice at a time, pausing for Enter"},
    {.name = "yes", .key = "yes", .flag = 1, .type = BATON_ARG_BOOLEAN,
     .help = "never pause (the tour pauses only at a terminal anyway)"},
    {.name = "listen", .key = "listen", .flag = 1, .type = BATON_ARG_STRING,
     .metavar = "HOST:PORT", .help = "where the dashboard listens",
     .def = {.set = 1, .type = BATON_ARG_STRING, .v.s = "127.0.0.1:8080"}},
    {.name = "workshop", .key = "workshop", .flag = 1,
     .type = BATON_ARG_BOOLEAN,
     .help = "a workshop: the dashboard shows a join link and its QR code "
             "(/join/screen) for participants' phones; give --listen "
             "0.0.0.0:8080 so the room's network reaches it (docs/serve.md)"},
};

const baton_builtin_t baton__demo_commands[] = {
    {NULL,
     {.name = "demo", .summary = "A sample school with the three practices "
                                 "run on it, and the dashboard",
      .help = "Makes a believable school (scripts/sample-school.lua) in a "
              "fresh database (default ./baton-demo.db, or --db), gives it "
              "a past (last year's mentoring pairs, last term's rota), runs "
              "mentoring, this term's rota for two teams and a change "
              "initiative on it (scripts/demo.lua), prints what each did, "
              "then starts `baton serve`. See docs/demo.md.",
      .args = demo_args, .nargs = sizeof demo_args / sizeof *demo_args},
     cmd_demo},
};
const size_t baton__demo_ncommands =
    sizeof baton__demo_commands / sizeof *baton__demo_commands;
