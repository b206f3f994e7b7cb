/* crypto.h - password hashing (argon2id), random tokens and hashes (libsodium). */
#ifndef SW_CRYPTO_H
#define SW_CRYPTO_H
#include <stddef.h>
#include <stdint.h>

#define CRYPTO_PWHASH_LEN 128 /* >= crypto_pwhash_STRBYTES */
#define CRYPTO_TOKEN_LEN 44   /* base64url of 32 random bytes, NUL included */
#define CRYPTO_HEX32_LEN 65   /* hex of a 32-byte digest, NUL included */

/* Initialises libsodium and picks the SHA-256 code for this CPU; call once before anything
 * else here. Returns 0 or -SW_ECRYPTO. */
int crypto_init(void);
/* Hashes a password with argon2id (interactive limits) into out (PHC string). */
int crypto_password_hash(const char *password, char out[CRYPTO_PWHASH_LEN]);
/* Returns 0 when password matches the stored hash, -SW_EDENIED otherwise. */
int crypto_password_verify(const char *stored, const char *password);
/* Writes a fresh random secret (base64url, 43 chars) into out. */
void crypto_token_new(char out[CRYPTO_TOKEN_LEN]);
/* SHA-256 of data as lower-case hex. */
void crypto_sha256_hex(const void *data, size_t len, char out[CRYPTO_HEX32_LEN]);
/* Incremental SHA-256 for hash chains: init, feed, finish into hex. */
struct crypto_sha256 {
  _Alignas(16) unsigned char state[128];
};
void crypto_sha256_init(struct crypto_sha256 *h);
void crypto_sha256_update(struct crypto_sha256 *h, const void *data, size_t len);
void crypto_sha256_final_hex(struct crypto_sha256 *h, char out[CRYPTO_HEX32_LEN]);
/* HMAC-SHA-256 of data under a key given in hex (as registered for banks), as lower-case
 * hex into out. -SW_EINVAL when key_hex is not hex of 16 to 64 bytes. */
int crypto_hmac_sha256_hex(const char *key_hex, const void *data, size_t len,
                           char out[CRYPTO_HEX32_LEN]);
/* A fresh random 32-byte key as hex (65 bytes with the NUL). */
void crypto_key_new_hex(char out[CRYPTO_HEX32_LEN]);
/* Constant-time comparison of two NUL-terminated strings; 1 when equal. */
int crypto_streq(const char *a, const char *b);

#endif
