/* The pinned Ed25519 verification rule (DESIGN.md "One verification rule is
 * pinned"; docs/crypto.md): canonical S, canonical A, A and R not of small
 * order, cofactorless equation [S]B = R + [k]A.
 *
 * Each rejection is shown on a signature that the plain cofactorless
 * equation ACCEPTS, so the test fails if the strict check is ever lost
 * (e.g. a port built with ED25519_COMPAT). The signatures are forged here
 * with libsodium's low-level group operations (tests may use them; core
 * may not). */
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "test.h"
#include "tc/crypto.h"
#include "tc/hex.h"

static void hx(uint8_t *buf, size_t cap, const char *s)
{
    if (tc_hex_decode(buf, cap, NULL, s, strlen(s)) != 0) abort();
}

/* The eight points of small order (orders 1, 2, 4, 8) in canonical encoding,
 * and non-canonical encodings of some of them (y + p, or x = 0 with the sign bit). */
static const char *const small_order[] = {
    "0100000000000000000000000000000000000000000000000000000000000000", /* identity */
    "ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f", /* order 2 (y = -1) */
    "0000000000000000000000000000000000000000000000000000000000000000", /* order 4 */
    "0000000000000000000000000000000000000000000000000000000000000080", /* order 4 */
    "26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05", /* order 8 */
    "26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc85", /* order 8 */
    "c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a", /* order 8 */
    "c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac03fa", /* order 8 */
    "0100000000000000000000000000000000000000000000000000000000000080", /* identity, x=0 sign 1 */
    "eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f", /* identity, y = p+1 */
    "edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f", /* order 4, y = p */
    "ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff", /* order 2, x=0 sign 1 */
};
#define N_SMALL (sizeof small_order / sizeof small_order[0])

/* k = SHA-512(R || A || M) mod L (RFC 8032 §5.1.7). */
static void challenge(uint8_t k[32], const uint8_t r[32], const uint8_t a[32], const uint8_t *m,
                      size_t ml)
{
    uint8_t h[64];
    crypto_hash_sha512_state st;
    crypto_hash_sha512_init(&st);
    crypto_hash_sha512_update(&st, r, 32);
    crypto_hash_sha512_update(&st, a, 32);
    crypto_hash_sha512_update(&st, m, ml);
    crypto_hash_sha512_final(&st, h);
    crypto_core_ed25519_scalar_reduce(k, h);
}

/* The secret scalar of a seed: clamp(SHA-512(seed)[0..32]) mod L. */
static void secret_scalar(uint8_t a[32], const uint8_t seed[32])
{
    uint8_t h[64], wide[64] = {0};
    crypto_hash_sha512(h, seed, 32);
    h[0] &= 248; h[31] &= 127; h[31] |= 64;
    memcpy(wide, h, 32);
    crypto_core_ed25519_scalar_reduce(a, wide);
}

static void key(uint8_t pub[32], uint8_t sec[64], uint8_t seed[32], uint8_t fill)
{
    memset(seed, fill, 32);
    tc_ed25519_keypair(pub, sec, seed);
}

/* A public key of small order is refused by check_pub, and by verify even
 * for the trivial signature (R = identity, S = 0) that satisfies the
 * cofactorless equation when A is the identity. */
static void test_small_order_public_keys(void)
{
    const uint8_t msg[] = "anything";
    uint8_t sig[64] = {0};
    sig[0] = 1; /* R = identity encoding, S = 0 */
    for (size_t i = 0; i < N_SMALL; i++) {
        uint8_t pub[32];
        hx(pub, 32, small_order[i]);
        CHECK_MSG(tc_ed25519_check_pub(pub) == TC_ERR_BAD_KEY, "small-order key %zu", i);
        CHECK_MSG(tc_ed25519_verify(sig, msg, sizeof msg, pub) == TC_ERR_BAD_SIGNATURE,
                  "small-order key %zu", i);
    }
}

/* R of small order: with R = identity and S = k*a mod L the equation
 * [S]B = R + [k]A holds exactly; the strict rule still rejects it. */
static void test_small_order_r(void)
{
    uint8_t seed[32], pub[32], sec[64], a[32], k[32], sig[64] = {0};
    const uint8_t msg[] = "transfer 100 to mallory";
    key(pub, sec, seed, 0x42);
    secret_scalar(a, seed);
    sig[0] = 1; /* R = identity */
    challenge(k, sig, pub, msg, sizeof msg);
    crypto_core_ed25519_scalar_mul(sig + 32, k, a);
    /* Check the forgery is "valid" under the bare equation: [S]B == [k]A. */
    uint8_t sb[32], ka[32];
    CHECK(crypto_scalarmult_ed25519_base_noclamp(sb, sig + 32) == 0);
    CHECK(crypto_scalarmult_ed25519_noclamp(ka, k, pub) == 0);
    CHECK_MEM(sb, ka, 32);
    CHECK_ERR(tc_ed25519_verify(sig, msg, sizeof msg, pub), TC_ERR_BAD_SIGNATURE);
    /* Every other small-order R is rejected as well. */
    for (size_t i = 0; i < N_SMALL; i++) {
        hx(sig, 32, small_order[i]);
        CHECK_ERR(tc_ed25519_verify(sig, msg, sizeof msg, pub), TC_ERR_BAD_SIGNATURE);
    }
    tc_wipe(sec, sizeof sec);
}

/* Adds L to the little-endian 256-bit S (S < L < 2^253, so no overflow). */
static void add_l(uint8_t s[32])
{
    static const uint8_t l[32] = {0xed, 0xd3, 0xf5, 0x5c, 0x1a, 0x63, 0x12, 0x58, 0xd6, 0x9c, 0xf7,
                                  0xa2, 0xde, 0xf9, 0xde, 0x14, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
                                  0, 0, 0, 0x10};
    unsigned carry = 0;
    for (int i = 0; i < 32; i++) {
        unsigned t = s[i] + l[i] + carry;
        s[i] = (uint8_t)t;
        carry = t >> 8;
    }
}

/* Non-canonical S (S + L is the same scalar mod L: the malleability RFC 8032
 * §5.1.7 forbids). Also S = L exactly and S with the top bits set. */
static void test_noncanonical_s(void)
{
    uint8_t seed[32], pub[32], sec[64], sig[64];
    const uint8_t msg[] = "hello";
    key(pub, sec, seed, 0x07);
    tc_ed25519_sign(sig, msg, sizeof msg, sec);
    CHECK_OK(tc_ed25519_verify(sig, msg, sizeof msg, pub));
    uint8_t mal[64];
    memcpy(mal, sig, 64);
    add_l(mal + 32);
    CHECK(memcmp(mal, sig, 64) != 0);
    /* Same scalar: reducing S + L gives S back. */
    uint8_t wide[64] = {0}, red[32];
    memcpy(wide, mal + 32, 32);
    crypto_core_ed25519_scalar_reduce(red, wide);
    CHECK_MEM(red, sig + 32, 32);
    CHECK_ERR(tc_ed25519_verify(mal, msg, sizeof msg, pub), TC_ERR_BAD_SIGNATURE);
    memcpy(mal, sig, 64);
    mal[63] |= 0xe0;
    CHECK_ERR(tc_ed25519_verify(mal, msg, sizeof msg, pub), TC_ERR_BAD_SIGNATURE);
    memset(mal + 32, 0, 32);
    add_l(mal + 32); /* S = L */
    CHECK_ERR(tc_ed25519_verify(mal, msg, sizeof msg, pub), TC_ERR_BAD_SIGNATURE);
    tc_wipe(sec, sizeof sec);
}

/* Non-canonical A: y >= p. Only y + p for y in 0..18 fit in 255 bits; of
 * those y on the curve (0, 1, 3, 4, 5, 6, 9, 10, 14, 15, 16, 18) every
 * non-canonical encoding is refused, while canonical y = 3 decodes. */
static void test_noncanonical_a(void)
{
    static const int on_curve[] = {0, 1, 3, 4, 5, 6, 9, 10, 14, 15, 16, 18};
    const uint8_t msg[] = "m";
    uint8_t sig[64] = {0};
    sig[0] = 0x58; /* R = B's encoding prefix; any sig must fail before the equation */
    for (size_t i = 0; i < sizeof on_curve / sizeof on_curve[0]; i++) {
        uint8_t pub[32];
        memset(pub, 0xff, 32);
        pub[0] = (uint8_t)(0xed + on_curve[i]); /* p + y, p = 2^255 - 19 */
        pub[31] = 0x7f;
        CHECK_MSG(crypto_core_ed25519_is_valid_point(pub) == 0, "y=%d", on_curve[i]);
        CHECK_MSG(tc_ed25519_check_pub(pub) == TC_ERR_BAD_KEY, "y=%d", on_curve[i]);
        CHECK_ERR(tc_ed25519_verify(sig, msg, 1, pub), TC_ERR_BAD_SIGNATURE);
    }
    /* Not on the curve at all (y = 2). */
    uint8_t bad[32] = {2};
    CHECK_ERR(tc_ed25519_check_pub(bad), TC_ERR_BAD_KEY);
}

/* A mixed-order key A' = A + T (T of order 8): canonical and not of small
 * order, so the pinned verify rule accepts a signature whose challenge k is
 * a multiple of 8 (then [k]T vanishes) — libsodium's strict rule does not
 * check the subgroup. tc_ed25519_check_pub is deliberately stricter and
 * refuses such keys, so they can never be registered on the ledger. */
static void test_mixed_order_key(void)
{
    uint8_t seed[32], pub[32], sec[64], a[32], t8[32], mixed[32];
    key(pub, sec, seed, 0x33);
    secret_scalar(a, seed);
    hx(t8, 32, "c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a");
    CHECK(crypto_core_ed25519_add(mixed, pub, t8) == 0);
    CHECK_ERR(tc_ed25519_check_pub(mixed), TC_ERR_BAD_KEY);
    CHECK_OK(tc_ed25519_check_pub(pub));
    /* Grind the nonce r until k = H(R || A' || M) is a multiple of 8. */
    uint8_t msg[8] = "mixedkey", r[32], k[32], sig[64];
    int found = 0;
    for (unsigned i = 0; i < 4096 && !found; i++) {
        uint8_t wide[64] = {0};
        wide[0] = (uint8_t)i; wide[1] = (uint8_t)(i >> 8); wide[2] = 0x5a;
        crypto_core_ed25519_scalar_reduce(r, wide);
        if (crypto_scalarmult_ed25519_base_noclamp(sig, r) != 0) continue;
        challenge(k, sig, mixed, msg, sizeof msg);
        uint8_t ka[32];
        crypto_core_ed25519_scalar_mul(ka, k, a);
        crypto_core_ed25519_scalar_add(sig + 32, r, ka);
        /* k mod 8 == 0 is not visible from k mod L's low bits alone, so
         * test the equation directly: the rule decides. */
        if (crypto_sign_verify_detached(sig, msg, sizeof msg, mixed) == 0) found = 1;
    }
    CHECK(found);
    CHECK_OK(tc_ed25519_verify(sig, msg, sizeof msg, mixed));
    tc_wipe(sec, sizeof sec);
    tc_wipe(a, sizeof a);
}

/* Honest keys always pass check_pub. */
static void test_check_pub_honest_keys(void)
{
    for (int i = 0; i < 64; i++) {
        uint8_t seed[32], pub[32], sec[64];
        key(pub, sec, seed, (uint8_t)(i * 13 + 1));
        CHECK_OK(tc_ed25519_check_pub(pub));
        tc_wipe(sec, sizeof sec);
    }
}

int main(void)
{
    if (tc_crypto_init() != 0) return 1;
    RUN(test_small_order_public_keys);
    RUN(test_small_order_r);
    RUN(test_noncanonical_s);
    RUN(test_noncanonical_a);
    RUN(test_mixed_order_key);
    RUN(test_check_pub_honest_keys);
    return test_summary();
}
