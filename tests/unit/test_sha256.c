/* test_sha256.c - SHA-256: crypto_sha256_hex against FIPS 180-4 vectors, and the SHA-NI
 * path against libsodium at every length that exercises the padding. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <sodium.h>

#include "crypto/crypto.h"
#include "crypto/sha256_ni.h"

static void test_fips_vectors(void **state) {
  (void)state;
  char hex[CRYPTO_HEX32_LEN];
  crypto_sha256_hex("", 0, hex);
  assert_string_equal(hex, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  crypto_sha256_hex("abc", 3, hex);
  assert_string_equal(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  const char *m448 = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
  crypto_sha256_hex(m448, strlen(m448), hex);
  assert_string_equal(hex, "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
  char *million = malloc(1000000);
  assert_non_null(million);
  memset(million, 'a', 1000000);
  crypto_sha256_hex(million, 1000000, hex);
  assert_string_equal(hex, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
  free(million);
}

static void test_ni_equals_libsodium(void **state) {
  (void)state;
  if (!sha256_ni_available()) {
    printf("this CPU has no SHA extensions: only the libsodium path runs here\n");
    return;
  }
  unsigned char buf[4200], a[32], b[32];
  for (size_t i = 0; i < sizeof buf; i++) buf[i] = (unsigned char)(i * 131 + (i >> 7));
  for (size_t len = 0; len <= sizeof buf; len += len < 300 ? 1 : 97) {
    sha256_ni(buf, len, a);
    crypto_hash_sha256(b, buf, len);
    if (memcmp(a, b, 32) != 0) fail_msg("SHA-NI and libsodium differ at length %zu", len);
  }
}

int main(void) {
  if (crypto_init() < 0) return 1;
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_fips_vectors),
      cmocka_unit_test(test_ni_equals_libsodium),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
