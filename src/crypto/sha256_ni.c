/* sha256_ni.c - SHA-256 (FIPS 180-4) on the x86 SHA extensions (see sha256_ni.h). The
 * compression function follows Intel's SHA-NI reference arrangement: the state is held as
 * ABEF/CDGH, each SHA256RNDS2 does two rounds, SHA256MSG1/MSG2 extend the schedule. */
#include "crypto/sha256_ni.h"

#include <string.h>

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include <immintrin.h>

static const uint32_t K[64] = {
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4,
    0xab1c5ed5, 0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe,
    0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f,
    0x4a7484aa, 0x5cb0a9dc, 0x76f988da, 0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7,
    0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc,
    0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b,
    0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070, 0x19a4c116,
    0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7,
    0xc67178f2};

int sha256_ni_available(void) {
  __builtin_cpu_init();
  return __builtin_cpu_supports("sha") && __builtin_cpu_supports("sse4.1");
}

__attribute__((target("sha,sse4.1"))) static void blocks(uint32_t st[8], const unsigned char *p,
                                                         size_t n) {
  const __m128i bswap = _mm_set_epi64x(0x0c0d0e0f08090a0bULL, 0x0405060700010203ULL);
  __m128i t = _mm_loadu_si128((const __m128i *)&st[0]);
  __m128i s1 = _mm_loadu_si128((const __m128i *)&st[4]);
  t = _mm_shuffle_epi32(t, 0xB1);             /* CDAB */
  s1 = _mm_shuffle_epi32(s1, 0x1B);           /* EFGH */
  __m128i s0 = _mm_alignr_epi8(t, s1, 8);     /* ABEF */
  s1 = _mm_blend_epi16(s1, t, 0xF0);          /* CDGH */
  for (; n; n--, p += 64) {
    __m128i abef = s0, cdgh = s1, m[4];
    for (int i = 0; i < 4; i++)
      m[i] = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(p + 16 * i)), bswap);
    for (int i = 0; i < 16; i++) { /* four rounds of words 4i..4i+3 */
      __m128i msg = _mm_add_epi32(m[i & 3], _mm_loadu_si128((const __m128i *)&K[4 * i]));
      s1 = _mm_sha256rnds2_epu32(s1, s0, msg);
      if (i < 12) { /* words 4i+16..4i+19 replace 4i..4i+3 */
        __m128i w = _mm_sha256msg1_epu32(m[i & 3], m[(i + 1) & 3]);
        w = _mm_add_epi32(w, _mm_alignr_epi8(m[(i + 3) & 3], m[(i + 2) & 3], 4));
        m[i & 3] = _mm_sha256msg2_epu32(w, m[(i + 3) & 3]);
      }
      s0 = _mm_sha256rnds2_epu32(s0, s1, _mm_shuffle_epi32(msg, 0x0E));
    }
    s0 = _mm_add_epi32(s0, abef);
    s1 = _mm_add_epi32(s1, cdgh);
  }
  t = _mm_shuffle_epi32(s0, 0x1B);            /* FEBA */
  s1 = _mm_shuffle_epi32(s1, 0xB1);           /* DCHG */
  s0 = _mm_blend_epi16(t, s1, 0xF0);          /* DCBA */
  s1 = _mm_alignr_epi8(s1, t, 8);             /* HGFE */
  _mm_storeu_si128((__m128i *)&st[0], s0);
  _mm_storeu_si128((__m128i *)&st[4], s1);
}

void sha256_ni(const void *data, size_t len, unsigned char out[32]) {
  uint32_t st[8] = {0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
                    0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19};
  const unsigned char *p = data;
  size_t full = len / 64, rest = len % 64;
  unsigned char tail[128] = {0};
  blocks(st, p, full);
  memcpy(tail, p + full * 64, rest);
  tail[rest] = 0x80;
  size_t tail_len = rest < 56 ? 64 : 128;
  uint64_t bits = (uint64_t)len * 8;
  for (int i = 0; i < 8; i++) tail[tail_len - 1 - i] = (unsigned char)(bits >> (8 * i));
  blocks(st, tail, tail_len / 64);
  for (int i = 0; i < 8; i++) {
    out[4 * i] = (unsigned char)(st[i] >> 24);
    out[4 * i + 1] = (unsigned char)(st[i] >> 16);
    out[4 * i + 2] = (unsigned char)(st[i] >> 8);
    out[4 * i + 3] = (unsigned char)st[i];
  }
}

#else
int sha256_ni_available(void) { return 0; }
void sha256_ni(const void *data, size_t len, unsigned char out[32]) {
  (void)data;
  (void)len;
  memset(out, 0, 32); /* never called: sha256_ni_available() is 0 */
}
#endif
