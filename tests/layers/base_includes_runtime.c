/* A mistake on purpose (tests/layers/check_includes.sh): code of the base
 * layer including a header of the runtime, above it. Compiled with
 * baton_base's include path, it must not build. */
#include "runtime.h"

int layercheck_base_includes_runtime(void) { return BATON_MAX_ACTIVE; }
