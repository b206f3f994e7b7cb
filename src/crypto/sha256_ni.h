/* sha256_ni.h - one-shot SHA-256 with the x86 SHA extensions (SHA-NI), several times
 * faster than libsodium's portable code on CPUs that have them. crypto.c uses it when
 * sha256_ni_available() and libsodium otherwise; both give the same digest. */
#ifndef SW_SHA256_NI_H
#define SW_SHA256_NI_H
#include <stddef.h>
#include <stdint.h>

/* 1 when this CPU (and build) can run sha256_ni. Asks the CPU: call it once, at start. */
int sha256_ni_available(void);
/* The SHA-256 digest of data[0..len) into out. Only when sha256_ni_available(). */
void sha256_ni(const void *data, size_t len, unsigned char out[32]);

#endif
