#include "crypto/crypto.h"

#include <sodium.h>
#include <string.h>

#include "core/err.h"
#include "crypto/sha256_ni.h"

_Static_assert(sizeof(struct crypto_sha256) >= sizeof(crypto_hash_sha256_state),
               "sha256 state too small");
_Static_assert(CRYPTO_PWHASH_LEN >= crypto_pwhash_STRBYTES, "pwhash buffer too small");

static int use_sha_ni; /* decided by crypto_init; libsodium's SHA-256 until then */

int crypto_init(void) {
  use_sha_ni = sha256_ni_available();
  return sodium_init() < 0 ? -SW_ECRYPTO : 0;
}

int crypto_password_hash(const char *password, char out[CRYPTO_PWHASH_LEN]) {
  if (crypto_pwhash_str_alg(out, password, strlen(password), crypto_pwhash_OPSLIMIT_INTERACTIVE,
                            crypto_pwhash_MEMLIMIT_INTERACTIVE, crypto_pwhash_ALG_ARGON2ID13) != 0)
    return -SW_ENOMEM;
  return 0;
}

int crypto_password_verify(const char *stored, const char *password) {
  return crypto_pwhash_str_verify(stored, password, strlen(password)) == 0 ? 0 : -SW_EDENIED;
}

void crypto_token_new(char out[CRYPTO_TOKEN_LEN]) {
  unsigned char raw[32];
  randombytes_buf(raw, sizeof raw);
  sodium_bin2base64(out, CRYPTO_TOKEN_LEN, raw, sizeof raw,
                    sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  sodium_memzero(raw, sizeof raw);
}

void crypto_sha256_hex(const void *data, size_t len, char out[CRYPTO_HEX32_LEN]) {
  unsigned char d[crypto_hash_sha256_BYTES];
  if (use_sha_ni)
    sha256_ni(data, len, d);
  else
    crypto_hash_sha256(d, data, len);
  sodium_bin2hex(out, CRYPTO_HEX32_LEN, d, sizeof d);
}

void crypto_sha256_init(struct crypto_sha256 *h) {
  crypto_hash_sha256_init((crypto_hash_sha256_state *)h->state);
}

void crypto_sha256_update(struct crypto_sha256 *h, const void *data, size_t len) {
  crypto_hash_sha256_update((crypto_hash_sha256_state *)h->state, data, len);
}

void crypto_sha256_final_hex(struct crypto_sha256 *h, char out[CRYPTO_HEX32_LEN]) {
  unsigned char d[crypto_hash_sha256_BYTES];
  crypto_hash_sha256_final((crypto_hash_sha256_state *)h->state, d);
  sodium_bin2hex(out, CRYPTO_HEX32_LEN, d, sizeof d);
}

int crypto_streq(const char *a, const char *b) {
  size_t la = strlen(a), lb = strlen(b);
  if (la != lb) return 0;
  return sodium_memcmp(a, b, la) == 0;
}

int crypto_hmac_sha256_hex(const char *key_hex, const void *data, size_t len,
                           char out[CRYPTO_HEX32_LEN]) {
  unsigned char key[64], mac[crypto_auth_hmacsha256_BYTES];
  size_t klen = 0;
  crypto_auth_hmacsha256_state st;
  if (sodium_hex2bin(key, sizeof key, key_hex, strlen(key_hex), NULL, &klen, NULL) != 0 ||
      klen < 16)
    return -SW_EINVAL;
  crypto_auth_hmacsha256_init(&st, key, klen);
  crypto_auth_hmacsha256_update(&st, data, len);
  crypto_auth_hmacsha256_final(&st, mac);
  sodium_memzero(key, sizeof key);
  sodium_bin2hex(out, CRYPTO_HEX32_LEN, mac, sizeof mac);
  return 0;
}

void crypto_key_new_hex(char out[CRYPTO_HEX32_LEN]) {
  unsigned char key[32];
  randombytes_buf(key, sizeof key);
  sodium_bin2hex(out, CRYPTO_HEX32_LEN, key, sizeof key);
  sodium_memzero(key, sizeof key);
}
