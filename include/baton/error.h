/* baton/error.h: error codes shared by every public function.
 *
 * A function that returns int returns 0 on success or one of the negative
 * BATON_E* codes below. baton_strerror() gives the sentence for a code and
 * baton_err_name() its symbolic name; the details of a particular failure
 * (which file, which line, what to do) are kept by the object that failed,
 * e.g. baton_host_last_error(). */
#ifndef BATON_ERROR_H
#define BATON_ERROR_H

#define BATON_ERRNO_MAP(XX)                                                    \
  XX(ENOMEM, -1, "out of memory")                                              \
  XX(EINVAL, -2, "invalid argument")                                           \
  XX(ENOENT, -3, "no such file or directory")                                  \
  XX(EIO, -4, "input/output error")                                            \
  XX(EPERM, -5, "permission denied")                                           \
  XX(EUSAGE, -6, "usage error")                                                \
  XX(EMANIFEST, -7, "invalid plugin manifest")                                 \
  XX(EPLUGIN, -8, "plugin failed")                                             \
  XX(ETIMEDOUT, -9, "time limit exceeded")                                     \
  XX(ECANCELED, -10, "interrupted")                                            \
  XX(ENOTFOUND, -11, "not found")                                              \
  XX(ESTORE, -12, "database error")                                            \
  XX(EPARSE, -13, "malformed input")                                           \
  XX(EBUSY, -14, "resource busy or locked")                                    \
  XX(EVERSION, -15, "unsupported version")                                     \
  XX(EEXIST, -16, "already exists")                                            \
  XX(EREADONLY, -17, "read-only")                                              \
  XX(EFULL, -18, "disk full")

typedef enum {
#define BATON_ERR_ENUM(name, code, msg) BATON_##name = (code),
  BATON_ERRNO_MAP(BATON_ERR_ENUM)
#undef BATON_ERR_ENUM
  BATON_ERRNO_MAX = -19
} baton_errno_t;

/* The sentence for an error code; "unknown error" for anything else. */
const char *baton_strerror(int err);

/* The symbolic name of an error code ("ENOENT"); "UNKNOWN" for anything else. */
const char *baton_err_name(int err);

#endif
