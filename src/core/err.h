/* err.h - the one table of error codes (libuv style). Functions return 0 or -SW_E*. */
#ifndef SW_ERR_H
#define SW_ERR_H

#define SW_ERRNO_MAP(X)                                              \
  X(NOMEM, 1, "out of memory")                                       \
  X(INVAL, 2, "invalid argument")                                    \
  X(NOTFOUND, 3, "not found")                                        \
  X(EXISTS, 4, "already exists")                                     \
  X(CONFLICT, 5, "conflict")                                         \
  X(IO, 6, "input/output error")                                     \
  X(DB, 7, "database error")                                         \
  X(TOOBIG, 8, "too large")                                          \
  X(DENIED, 9, "access denied")                                      \
  X(VALIDATION, 10, "validation failed")                             \
  X(STATE, 11, "operation not allowed in the current state")        \
  X(BUSY, 12, "busy, try again")                                     \
  X(SHUTDOWN, 13, "shutting down")                                   \
  X(CRYPTO, 14, "cryptographic failure")

enum sw_errno {
#define SW_ERR_ENUM(name, val, msg) SW_E##name = (val),
  SW_ERRNO_MAP(SW_ERR_ENUM)
#undef SW_ERR_ENUM
};

/* Returns a static English message for a (negative or positive) error code. */
const char *sw_strerror(int err);

#endif
