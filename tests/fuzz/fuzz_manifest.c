/* tests/fuzz/fuzz_manifest.c: arbitrary text as a plugin manifest through
 * baton__manifest_load (core/spec/manifest.c): evaluated under its instruction
 * budget and memory cap, then checked against the contract. Whatever the
 * text, the loader returns a manifest or an error with a message, never
 * both and never neither; a manifest it accepts prints its usage and help
 * for every command. */
#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  const char *path = fuzz_write("plugin.lua", data, size);
  baton_manifest_t *m = NULL;
  char *err = NULL;
  int rc = baton__manifest_load(path, &m, &err);
  if (rc == 0) {
    FUZZ_CHECK(m != NULL && err == NULL, "success without a manifest");
    FUZZ_CHECK(m->name != NULL && m->name[0] != '\0', "a manifest without name");
    static FILE *null_out;
    if (null_out == NULL)
      null_out = fopen("/dev/null", "w");
    for (size_t i = 0; i < m->ncmds; i++) {
      const baton_cmdspec_t *c = &m->cmds[i];
      FUZZ_CHECK(baton__manifest_command(m, c->name) == c,
                 "command '%s' not found by name", c->name);
      baton_buf_t b = {0};
      baton__args_usage(c, "baton x", &b);
      baton__buf_free(&b);
      baton__args_help(c, "baton x", null_out);
    }
    baton__manifest_line(path, "commands");
    baton__manifest_free(m);
  } else {
    FUZZ_CHECK(m == NULL, "a failure (%s) with a manifest", baton_err_name(rc));
    FUZZ_CHECK(rc == BATON_ENOMEM || (err != NULL && err[0] != '\0'),
               "a failure (%s) without a message", baton_err_name(rc));
    free(err);
  }
  return 0;
}
