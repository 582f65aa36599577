/* tests/fuzz/fuzz_json_import.c: people and groups JSON through the real
 * import (jansson, core/store/import.c) into a real database; a rejected import
 * must change nothing. See fuzz_import.h for the input layout. */
#include "fuzz_import.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  return fuzz_import(data, size, BATON_FORMAT_JSON);
}
