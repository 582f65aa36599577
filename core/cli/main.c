/* core/cli/main.c: the baton program. It only hands the command line to the
 * CLI (core/cli/cli.c); everything else is in the library. */
#include "builtin.h"

int main(int argc, char **argv) { return baton__cli_main(argc - 1, argv + 1); }
