/* Tests of core/cli/cli.c through baton__cli_main: global flags, built-in
 * commands, help, and exit statuses. stdout and stderr are redirected to
 * files around each call; the working directory is a scratch directory
 * and the bundled plugins (hello) come from the source tree, since the
 * test runs from the build tree. */
#include <fcntl.h>

#include "helpers.h"

typedef struct {
  int status;
  char out[65536];
  char err[16384];
} cli_result_t;

static scratch_t *scratch;
static char *origin; /* the working directory before the tests */

static int group_setup(void **state) {
  (void)state;
  scratch = scratch_new();
  origin = getcwd(NULL, 0);
  unsetenv("BATON_PLUGIN_PATH");
  unsetenv("BATON_TIME_LIMIT");
  unsetenv("BATON_MEMORY_LIMIT");
  unsetenv("BATON_TODAY");
  char *db = baton__asprintf("%s/baton.db", scratch->dir);
  setenv("BATON_DB", db, 1);
  free(db);
  return chdir(scratch->dir);
}

static int group_teardown(void **state) {
  (void)state;
  int r = chdir(origin);
  free(origin);
  scratch_free(scratch);
  return r;
}

/* Reads a whole file into buf (n bytes at most, NUL-terminated). */
static void read_into(const char *path, char *buf, size_t n) {
  FILE *f = fopen(path, "rb");
  assert_non_null(f);
  size_t got = fread(buf, 1, n - 1, f);
  buf[got] = '\0';
  fclose(f);
}

/* Runs `baton WORDS...` (NULL-terminated) with stdout and stderr caught. */
static cli_result_t *cli(const char *word, ...) {
  static cli_result_t r;
  char *words[32];
  char *argv[32];
  int argc = 0;
  va_list ap;
  va_start(ap, word);
  for (const char *w = word; w != NULL && argc < 31; w = va_arg(ap, const char *))
    argv[argc] = words[argc] = baton__strdup(w), argc++;
  va_end(ap);
  argv[argc] = NULL;
  char *out_path = baton__asprintf("%s/stdout", scratch->dir);
  char *err_path = baton__asprintf("%s/stderr", scratch->dir);
  fflush(stdout);
  fflush(stderr);
  int saved_out = dup(1), saved_err = dup(2);
  int fo = open(out_path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
  int fe = open(err_path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
  assert_true(saved_out >= 0 && saved_err >= 0 && fo >= 0 && fe >= 0);
  dup2(fo, 1);
  dup2(fe, 2);
  close(fo);
  close(fe);
  r.status = baton__cli_main(argc, argv);
  fflush(stdout);
  fflush(stderr);
  dup2(saved_out, 1);
  dup2(saved_err, 2);
  close(saved_out);
  close(saved_err);
  read_into(out_path, r.out, sizeof r.out);
  read_into(err_path, r.err, sizeof r.err);
  free(out_path);
  free(err_path);
  /* The CLI may replace argv entries: free our own copies. */
  for (int i = 0; i < argc; i++)
    free(words[i]);
  return &r;
}

/* A copy of a result, for comparing two runs. */
static cli_result_t *keep(const cli_result_t *r) {
  cli_result_t *c = malloc(sizeof *c);
  memcpy(c, r, sizeof *c);
  return c;
}

static void expect(const cli_result_t *r, int status) {
  if (r->status != status)
    fail_msg("exit status %d, not %d\nstdout: %s\nstderr: %s", r->status,
             status, r->out, r->err);
}

static void test_global_flags_count_anywhere_on_the_line(void **state) {
  (void)state;
  cli_result_t *after = keep(cli("hello", "greet", "--json", NULL));
  expect(after, 0);
  cli_result_t *before = cli("--json", "hello", "greet", NULL);
  expect(before, 0);
  assert_string_equal(after->out, before->out);
  assert_string_equal(after->err, before->err);
  assert_contains(after->out, "\"hello world\"");
  /* Without --json the output differs, so the flag was taken. */
  cli_result_t *plain = cli("hello", "greet", NULL);
  expect(plain, 0);
  assert_string_equal(plain->out, "hello world\n");
  assert_string_not_equal(plain->out, after->out);
  /* Between a command's own arguments too, and with --flag=value. */
  cli_result_t *mid = cli("hello", "greet", "ana", "--json", "--times=2", NULL);
  expect(mid, 0);
  assert_contains(mid->out, "\"hello ana\"");
  free(after);
}

static void test_version_flag_is_the_version_command(void **state) {
  (void)state;
  cli_result_t *cmd = keep(cli("version", NULL));
  expect(cmd, 0);
  char *want = baton__asprintf("baton %s (plugin API %d; ", baton_version(),
                               BATON_API_LEVEL);
  assert_contains(cmd->out, want);
  free(want);
  cli_result_t *flag = cli("--version", NULL);
  expect(flag, 0);
  assert_string_equal(flag->out, cmd->out);
  flag = cli("--version", "--json", NULL);
  expect(flag, 0);
  assert_contains(flag->out, "\"api\": 1");
  free(cmd);
}

static void test_today_must_be_a_real_date(void **state) {
  (void)state;
  cli_result_t *r = cli("--today", "2025-02-30", "version", NULL);
  expect(r, 2);
  assert_string_equal(r->err, "baton: --today expects a date written "
                              "YYYY-MM-DD, got '2025-02-30'\n");
  assert_string_equal(r->out, "");
  r = cli("version", "--today=25-01-01", NULL);
  expect(r, 2);
  r = cli("version", "--today", NULL);
  expect(r, 2);
  assert_contains(r->err, "baton: --today needs a value");
  r = cli("--today", "2024-02-29", "version", NULL);
  expect(r, 0);
}

static void test_limits_must_be_non_negative_numbers(void **state) {
  (void)state;
  cli_result_t *r = cli("--time-limit", "soon", "version", NULL);
  expect(r, 2);
  assert_string_equal(r->err, "baton: --time-limit expects a non-negative "
                              "number, got 'soon'\n");
  r = cli("version", "--time-limit=-1", NULL);
  expect(r, 2);
  r = cli("version", "--time-limit", "", NULL);
  expect(r, 2);
  r = cli("version", "--memory-limit", "lots", NULL);
  expect(r, 2);
  assert_contains(r->err, "--memory-limit expects a non-negative number");
  r = cli("--time-limit", "0.5", "--memory-limit=64", "version", NULL);
  expect(r, 0);
}

static void test_run_passes_flags_after_the_script_to_it(void **state) {
  (void)state;
  char *path = baton__asprintf("%s/args.lua", scratch->dir);
  write_text(path, "baton.print(select('#', ...), ...)\n");
  cli_result_t *r = cli("run", path, "--json", "x", NULL);
  expect(r, 0);
  assert_string_equal(r->out, "2\t--json\tx\n");
  /* Before the script, --json is baton's own. */
  r = cli("--json", "run", path, "x", NULL);
  expect(r, 0);
  assert_string_equal(r->out, "1\tx\n");
  r = cli("run", "--allow", "fs.read", path, "--quiet", NULL);
  expect(r, 0);
  assert_string_equal(r->out, "1\t--quiet\n");
  r = cli("run", "--allow", "fs.rad", path, NULL);
  expect(r, 2);
  assert_contains(r->err, "did you mean 'fs.read'?");
  free(path);
}

static void test_unknown_command_suggests_the_closest(void **state) {
  (void)state;
  cli_result_t *r = cli("helo", NULL);
  expect(r, 2);
  assert_string_equal(r->err, "baton: unknown command 'helo' (did you mean "
                              "'hello'?)\nsee 'baton --help' for the "
                              "commands\n");
  r = cli("peple", "list", NULL);
  expect(r, 2);
  assert_contains(r->err, "(did you mean 'people'?)");
  r = cli("qqqqqqqq", NULL);
  expect(r, 2);
  assert_contains(r->err, "unknown command 'qqqqqqqq'\n");
  r = cli("hello", "gret", NULL);
  expect(r, 2);
  assert_contains(r->err, "did you mean 'baton hello greet'?");
}

static void test_help_words_print_what_help_flag_prints(void **state) {
  (void)state;
  cli_result_t *flag = keep(cli("hello", "greet", "--help", NULL));
  expect(flag, 0);
  assert_contains(flag->out, "usage: baton hello greet");
  assert_contains(flag->out, "--times");
  cli_result_t *help = cli("help", "hello", "greet", NULL);
  expect(help, 0);
  assert_string_equal(help->out, flag->out);
  free(flag);
  flag = keep(cli("run", "--help", NULL));
  expect(flag, 0);
  help = cli("help", "run", NULL);
  expect(help, 0);
  assert_string_equal(help->out, flag->out);
  assert_contains(help->out, "usage: baton run");
  free(flag);
  flag = keep(cli("hello", "--help", NULL));
  expect(flag, 0);
  help = cli("help", "hello", NULL);
  assert_string_equal(help->out, flag->out);
  free(flag);
  help = cli("help", "nosuch", NULL);
  expect(help, 2);
  assert_contains(help->err, "no help for 'nosuch'");
}

static void test_bare_baton_prints_help_on_stdout_and_exits_2(void **state) {
  (void)state;
  cli_result_t *bare = keep(cli(NULL));
  expect(bare, 2);
  assert_contains(bare->out, "usage: baton [options] COMMAND [arguments]");
  assert_contains(bare->out, "hello greet");
  assert_string_equal(bare->err, "");
  cli_result_t *help = cli("--help", NULL);
  expect(help, 0);
  assert_string_equal(help->out, bare->out);
  free(bare);
  /* A namespace alone is a usage error too; with --help it is not. */
  cli_result_t *ns = cli("hello", NULL);
  expect(ns, 2);
  assert_contains(ns->err, "usage: baton hello COMMAND");
  ns = cli("hello", "-h", NULL);
  expect(ns, 0);
  assert_contains(ns->out, "usage: baton hello COMMAND");
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_global_flags_count_anywhere_on_the_line),
      cmocka_unit_test(test_version_flag_is_the_version_command),
      cmocka_unit_test(test_today_must_be_a_real_date),
      cmocka_unit_test(test_limits_must_be_non_negative_numbers),
      cmocka_unit_test(test_run_passes_flags_after_the_script_to_it),
      cmocka_unit_test(test_unknown_command_suggests_the_closest),
      cmocka_unit_test(test_help_words_print_what_help_flag_prints),
      cmocka_unit_test(test_bare_baton_prints_help_on_stdout_and_exits_2),
  };
  return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
