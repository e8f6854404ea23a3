/* SHA-256 (FIPS 180-4) on the x86 SHA extensions (SHA-NI), for the
 * libsodium crypto port (core/crypto_sodium.c; docs/crypto.md "SHA-256").
 *
 * Why: libsodium 1.0.18's SHA-256 is portable C. Block application hashes
 * every state-tree node, history node, key and value; the last profile had
 * libsodium's SHA-256 at 38 % of block application. The CPUs nodes run on
 * (x86-64 since Intel Goldmont / Ice Lake, AMD Zen) execute two SHA-256
 * rounds per SHA256RNDS2 instruction.
 *
 * Written from Intel's instruction descriptions (Intel SDM vol. 2,
 * SHA256RNDS2, SHA256MSG1, SHA256MSG2): the working variables live in two
 * registers, ABEF = {A, B, E, F} and CDGH = {C, D, G, H} (A in the highest
 * 32-bit lane); SHA256RNDS2 takes CDGH, ABEF and two message+constant words
 * in the low lanes of a third register and returns the new ABEF, while the
 * old ABEF becomes the new CDGH. MSG1 and MSG2 compute the sigma0 and sigma1
 * parts of the message schedule W[t] = s1(W[t-2]) + W[t-7] + s0(W[t-15]) +
 * W[t-16], four words at a time.
 *
 * Selected at run time by CPUID (an instruction, not an OS call: core stays
 * pure); on any other CPU or compiler the port keeps libsodium. Not part of
 * the device SDK (no tc:device-shared marker). */
#include <string.h>

#include "sha256_ni.h"

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include <cpuid.h>
#include <immintrin.h>

int tc__sha256_ni_available(void)
{
    unsigned a, b, c, d;
    if (!__get_cpuid(1, &a, &b, &c, &d)) return 0;
    int ssse3 = (c >> 9) & 1, sse41 = (c >> 19) & 1;
    if (__get_cpuid_max(0, NULL) < 7) return 0;
    __cpuid_count(7, 0, a, b, c, d);
    int sha = (b >> 29) & 1;
    return ssse3 && sse41 && sha;
}

/* FIPS 180-4 §4.2.2: the first 32 bits of the fractional parts of the cube
 * roots of the first 64 primes. */
static const uint32_t K[64] __attribute__((aligned(16))) = {
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
};

__attribute__((target("sha,sse4.1,ssse3")))
void tc__sha256_ni_blocks(uint32_t h[8], const uint8_t *p, size_t nblocks)
{
    /* Big-endian words: reverse the bytes of each 32-bit lane. */
    const __m128i bswap = _mm_set_epi64x(0x0c0d0e0f08090a0bLL, 0x0405060700010203LL);
    __m128i t = _mm_loadu_si128((const __m128i *)(const void *)h);      /* a b c d (lane 0 first) */
    __m128i cdgh = _mm_loadu_si128((const __m128i *)(const void *)(h + 4)); /* e f g h */
    t = _mm_shuffle_epi32(t, 0xB1);            /* b a d c */
    cdgh = _mm_shuffle_epi32(cdgh, 0x1B);      /* h g f e */
    __m128i abef = _mm_alignr_epi8(t, cdgh, 8); /* f e b a: A in the top lane */
    cdgh = _mm_blend_epi16(cdgh, t, 0xF0);     /* h g d c */
    while (nblocks--) {
        __m128i abef0 = abef, cdgh0 = cdgh, m[4];
        for (int i = 0; i < 4; i++)
            m[i] = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(const void *)(p + 16 * i)), bswap);
        for (int r = 0; r < 16; r++) {
            /* m[r & 3] holds W[4r..4r+3]; the next three hold the words after it. */
            __m128i wk = _mm_add_epi32(m[r & 3], _mm_load_si128((const __m128i *)(const void *)(K + 4 * r)));
            cdgh = _mm_sha256rnds2_epu32(cdgh, abef, wk);   /* rounds 4r, 4r+1: new ABEF */
            wk = _mm_shuffle_epi32(wk, 0x0E);
            abef = _mm_sha256rnds2_epu32(abef, cdgh, wk);   /* rounds 4r+2, 4r+3 */
            if (r < 12) {
                /* W[4r+16..] = s1 part (MSG2) of W[4r..] + s0(W[4r+1..]) (MSG1) + W[4r+9..] */
                __m128i w = _mm_sha256msg1_epu32(m[r & 3], m[(r + 1) & 3]);
                w = _mm_add_epi32(w, _mm_alignr_epi8(m[(r + 3) & 3], m[(r + 2) & 3], 4));
                m[r & 3] = _mm_sha256msg2_epu32(w, m[(r + 3) & 3]);
            }
        }
        abef = _mm_add_epi32(abef, abef0);
        cdgh = _mm_add_epi32(cdgh, cdgh0);
        p += 64;
    }
    t = _mm_shuffle_epi32(abef, 0x1B);           /* a b e f */
    cdgh = _mm_shuffle_epi32(cdgh, 0xB1);        /* g h c d */
    abef = _mm_blend_epi16(t, cdgh, 0xF0);       /* a b c d */
    cdgh = _mm_alignr_epi8(cdgh, t, 8);          /* e f g h */
    _mm_storeu_si128((__m128i *)(void *)h, abef);
    _mm_storeu_si128((__m128i *)(void *)(h + 4), cdgh);
}

#else

int tc__sha256_ni_available(void) { return 0; }
void tc__sha256_ni_blocks(uint32_t h[8], const uint8_t *p, size_t nblocks)
{
    (void)h; (void)p; (void)nblocks;
}

#endif

/* ---- the streaming layer over the block function (FIPS 180-4 §5.1.1, §6.2) ---- */

static const uint32_t IV[8] = {
    0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19,
};

void tc__sha256_ni_init(tc__sha256_ni_ctx *c)
{
    memcpy(c->h, IV, sizeof IV);
    c->bytes = 0;
    c->fill = 0;
}

void tc__sha256_ni_update(tc__sha256_ni_ctx *c, const uint8_t *in, size_t len)
{
    c->bytes += len;
    if (c->fill) {
        size_t take = 64 - c->fill < len ? 64 - c->fill : len;
        memcpy(c->buf + c->fill, in, take);
        c->fill += (uint32_t)take;
        in += take;
        len -= take;
        if (c->fill < 64) return;
        tc__sha256_ni_blocks(c->h, c->buf, 1);
        c->fill = 0;
    }
    if (len >= 64) {
        tc__sha256_ni_blocks(c->h, in, len / 64);
        in += len & ~(size_t)63;
        len &= 63;
    }
    if (len) memcpy(c->buf, in, len);
    c->fill = (uint32_t)len;
}

/* Padding: 0x80, zeros, then the message length in bits, big endian, so the
 * total is a multiple of 64 bytes. */
void tc__sha256_ni_final(tc__sha256_ni_ctx *c, uint8_t out[32])
{
    uint64_t bits = c->bytes * 8;
    size_t n = c->fill;
    c->buf[n++] = 0x80;
    if (n > 56) {
        memset(c->buf + n, 0, 64 - n);
        tc__sha256_ni_blocks(c->h, c->buf, 1);
        n = 0;
    }
    memset(c->buf + n, 0, 56 - n);
    for (int i = 0; i < 8; i++) c->buf[56 + i] = (uint8_t)(bits >> (56 - 8 * i));
    tc__sha256_ni_blocks(c->h, c->buf, 1);
    for (int i = 0; i < 8; i++) {
        out[4 * i] = (uint8_t)(c->h[i] >> 24);
        out[4 * i + 1] = (uint8_t)(c->h[i] >> 16);
        out[4 * i + 2] = (uint8_t)(c->h[i] >> 8);
        out[4 * i + 3] = (uint8_t)c->h[i];
    }
}

/* One shot: whole blocks straight from the input, the tail padded on the
 * stack (the state tree's 65-byte node hashes are two blocks). */
void tc__sha256_ni(uint8_t out[32], const uint8_t *in, size_t len)
{
    tc__sha256_ni_ctx c;
    memcpy(c.h, IV, sizeof IV);
    c.bytes = len;
    if (len >= 64) tc__sha256_ni_blocks(c.h, in, len / 64);
    c.fill = (uint32_t)(len & 63);
    if (c.fill) memcpy(c.buf, in + (len & ~(size_t)63), c.fill);
    tc__sha256_ni_final(&c, out);
}
