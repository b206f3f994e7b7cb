#include "err.h"

const char *sw_strerror(int err) {
  if (err < 0) err = -err;
  switch (err) {
  case 0: return "ok";
#define SW_ERR_CASE(name, val, msg) \
  case val: return msg;
    SW_ERRNO_MAP(SW_ERR_CASE)
#undef SW_ERR_CASE
  }
  return "unknown error";
}
