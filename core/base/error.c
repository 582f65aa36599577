/* core/base/error.c: names and sentences for the BATON_E* codes. */
#include "base.h"

const char *baton_strerror(int err) {
  switch (err) {
#define BATON_ERR_MSG(name, code, msg)                                         \
  case BATON_##name:                                                           \
    return msg;
    BATON_ERRNO_MAP(BATON_ERR_MSG)
#undef BATON_ERR_MSG
  case 0:
    return "success";
  default:
    return "unknown error";
  }
}

const char *baton_err_name(int err) {
  switch (err) {
#define BATON_ERR_NAME(name, code, msg)                                        \
  case BATON_##name:                                                           \
    return #name;
    BATON_ERRNO_MAP(BATON_ERR_NAME)
#undef BATON_ERR_NAME
  default:
    return "UNKNOWN";
  }
}

const char *baton_version(void) { return BATON_VERSION; }
