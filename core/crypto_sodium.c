/* The libsodium crypto port: include/tc/crypto.h on libsodium.
 * Used by nodes, tools and Linux devices (DESIGN.md: core may use libsodium). */
#include "tc/crypto.h"
#include "tc/crypto_accel.h"
#include "tc/errors.h"
#include "sha256_ni.h"

#include <sodium.h>
#include <string.h>

_Static_assert(sizeof(crypto_hash_sha256_state) <= sizeof(tc_sha256_ctx),
               "tc_sha256_ctx too small for libsodium's state");
_Static_assert(crypto_sign_SECRETKEYBYTES == TC_ED25519_SEC_LEN, "ed25519 secret key layout");

int tc_crypto_init(void)
{
    return sodium_init() < 0 ? TC_ERR_CRYPTO_INIT : TC_OK;
}

/* SHA-256: SHA-NI when the CPU has it (core/sha256_ni.c), else libsodium.
 * Both compute FIPS 180-4 exactly (tests/unit/test_crypto.c, test_sha256_ni.c
 * check every vector and cross-check them at every length 0..1024 and split
 * points). The choice is made once, from CPUID; a context remembers which
 * implementation started it (tag at the end of the opaque bytes), so
 * tc_sha256_accel_set between init and final cannot mix them. */
#define SHA_TAG_OFF 120
#define SHA_TAG_NI  0x4e495348u /* "HSIN" */
_Static_assert(sizeof(tc__sha256_ni_ctx) <= SHA_TAG_OFF, "SHA-NI context too large");
_Static_assert(sizeof(crypto_hash_sha256_state) <= SHA_TAG_OFF, "libsodium SHA-256 state too large");

static int sha_ni = -1;   /* -1 unknown, 0 libsodium, 1 SHA-NI */
static int sha_ni_off;    /* forced off by tc_sha256_accel_set(0) */

static int use_ni(void)
{
    int v = __atomic_load_n(&sha_ni, __ATOMIC_RELAXED);
    if (v < 0) {
        v = tc__sha256_ni_available();
        __atomic_store_n(&sha_ni, v, __ATOMIC_RELAXED);
    }
    return v && !__atomic_load_n(&sha_ni_off, __ATOMIC_RELAXED);
}

int tc_sha256_accel(void) { return use_ni(); }

int tc_sha256_accel_set(int on)
{
    __atomic_store_n(&sha_ni_off, !on, __ATOMIC_RELAXED);
    return use_ni();
}

static uint32_t *sha_tag(tc_sha256_ctx *ctx) { return (uint32_t *)(void *)(ctx->opaque + SHA_TAG_OFF); }

void tc_sha256(uint8_t out[TC_SHA256_LEN], const void *in, size_t len)
{
    if (use_ni()) tc__sha256_ni(out, in, len);
    else crypto_hash_sha256(out, in, len);
}

void tc_sha256_init(tc_sha256_ctx *ctx)
{
    if (use_ni()) {
        tc__sha256_ni_init((tc__sha256_ni_ctx *)(void *)ctx);
        *sha_tag(ctx) = SHA_TAG_NI;
    } else {
        crypto_hash_sha256_init((crypto_hash_sha256_state *)(void *)ctx);
        *sha_tag(ctx) = 0;
    }
}

void tc_sha256_update(tc_sha256_ctx *ctx, const void *in, size_t len)
{
    if (*sha_tag(ctx) == SHA_TAG_NI) tc__sha256_ni_update((tc__sha256_ni_ctx *)(void *)ctx, in, len);
    else crypto_hash_sha256_update((crypto_hash_sha256_state *)(void *)ctx, in, len);
}

void tc_sha256_final(tc_sha256_ctx *ctx, uint8_t out[TC_SHA256_LEN])
{
    if (*sha_tag(ctx) == SHA_TAG_NI) tc__sha256_ni_final((tc__sha256_ni_ctx *)(void *)ctx, out);
    else crypto_hash_sha256_final((crypto_hash_sha256_state *)(void *)ctx, out);
    sodium_memzero(ctx, sizeof *ctx);
}

/* libsodium's crypto_auth_hmacsha256 accepts keys of any length (hashing
 * keys longer than the block, as RFC 2104 says). */
void tc_hmac_sha256(uint8_t out[TC_HMAC_SHA256_LEN], const uint8_t *key, size_t key_len,
                    const uint8_t *msg, size_t msg_len)
{
    crypto_auth_hmacsha256_state st;
    crypto_auth_hmacsha256_init(&st, key, key_len);
    crypto_auth_hmacsha256_update(&st, msg, msg_len);
    crypto_auth_hmacsha256_final(&st, out);
    sodium_memzero(&st, sizeof st);
}

/* RFC 5869 §2.2-2.3. libsodium 1.0.18 has no HKDF, so it is built on HMAC:
 * PRK = HMAC(salt, IKM); T(i) = HMAC(PRK, T(i-1) || info || i). */
int tc_hkdf_sha256(uint8_t *out, size_t out_len, const uint8_t *salt, size_t salt_len,
                   const uint8_t *ikm, size_t ikm_len, const uint8_t *info, size_t info_len)
{
    if (out_len > 255 * TC_SHA256_LEN) return TC_ERR_KDF_LENGTH;
    static const uint8_t zero_salt[TC_SHA256_LEN];
    if (!salt || salt_len == 0) { salt = zero_salt; salt_len = sizeof zero_salt; }
    uint8_t prk[TC_SHA256_LEN], t[TC_SHA256_LEN];
    tc_hmac_sha256(prk, salt, salt_len, ikm, ikm_len);
    size_t done = 0;
    for (uint8_t i = 1; done < out_len; i++) {
        crypto_auth_hmacsha256_state st;
        crypto_auth_hmacsha256_init(&st, prk, sizeof prk);
        if (i > 1) crypto_auth_hmacsha256_update(&st, t, sizeof t);
        if (info_len) crypto_auth_hmacsha256_update(&st, info, info_len);
        crypto_auth_hmacsha256_update(&st, &i, 1);
        crypto_auth_hmacsha256_final(&st, t);
        size_t n = out_len - done < sizeof t ? out_len - done : sizeof t;
        memcpy(out + done, t, n);
        done += n;
    }
    sodium_memzero(prk, sizeof prk);
    sodium_memzero(t, sizeof t);
    return TC_OK;
}

void tc_ed25519_keypair(uint8_t pub[TC_ED25519_PUB_LEN], uint8_t sec[TC_ED25519_SEC_LEN],
                        const uint8_t seed[TC_ED25519_SEED_LEN])
{
    crypto_sign_seed_keypair(pub, sec, seed);
}

void tc_ed25519_sign(uint8_t sig[TC_ED25519_SIG_LEN], const uint8_t *msg, size_t msg_len,
                     const uint8_t sec[TC_ED25519_SEC_LEN])
{
    crypto_sign_detached(sig, NULL, msg, msg_len, sec);
}

/* libsodium 1.0.18 built without ED25519_COMPAT (Debian's build) verifies
 * strictly: S < L, R and A not of small order, A canonical. That rule is
 * pinned here for every node and device; tests/unit/test_crypto.c holds the
 * vectors that show it. */
static const tc_sigmemo_ops *g_memo;

void tc_ed25519_set_memo(const tc_sigmemo_ops *ops) { g_memo = ops; }

int tc_ed25519_verify(const uint8_t sig[TC_ED25519_SIG_LEN], const uint8_t *msg, size_t msg_len,
                      const uint8_t pub[TC_ED25519_PUB_LEN])
{
    const tc_sigmemo_ops *m = g_memo;
    uint8_t key[TC_SHA256_LEN];
    if (m) {
        static const char tag[] = "tc-sigmemo";
        tc_sha256_ctx h;
        tc_sha256_init(&h);
        tc_sha256_update(&h, tag, sizeof tag - 1);
        tc_sha256_update(&h, pub, TC_ED25519_PUB_LEN);
        tc_sha256_update(&h, sig, TC_ED25519_SIG_LEN);
        tc_sha256_update(&h, msg, msg_len);
        tc_sha256_final(&h, key);
        if (m->has(m->ctx, key))
            return TC_OK;
    }
    if (crypto_sign_verify_detached(sig, msg, msg_len, pub) != 0)
        return TC_ERR_BAD_SIGNATURE;
    if (m)
        m->add(m->ctx, key);
    return TC_OK;
}

/* A key is acceptable when it is canonical, on the curve, not of small
 * order, and in the prime-order subgroup. That is verify's rule plus the
 * subgroup check: verify (libsodium strict) accepts mixed-order keys
 * A + T8 for signatures whose challenge is a multiple of 8, so the ledger
 * refuses to register them at all (tests/unit/test_crypto_strict.c shows
 * both; docs/crypto.md). libsodium's is_valid_point checks exactly this. */
int tc_ed25519_check_pub(const uint8_t pub[TC_ED25519_PUB_LEN])
{
    return crypto_core_ed25519_is_valid_point(pub) == 1 ? TC_OK : TC_ERR_BAD_KEY;
}

void tc_x25519_public(uint8_t pub[TC_X25519_LEN], const uint8_t sec[TC_X25519_LEN])
{
    crypto_scalarmult_curve25519_base(pub, sec);
}

int tc_x25519(uint8_t out[TC_X25519_LEN], const uint8_t sec[TC_X25519_LEN],
              const uint8_t pub[TC_X25519_LEN])
{
    if (crypto_scalarmult_curve25519(out, sec, pub) != 0) {
        sodium_memzero(out, TC_X25519_LEN);
        return TC_ERR_BAD_KEY;
    }
    return TC_OK;
}

void tc_aead_encrypt(uint8_t *ct, const uint8_t key[TC_AEAD_KEY_LEN],
                     const uint8_t nonce[TC_AEAD_NONCE_LEN], const uint8_t *ad, size_t ad_len,
                     const uint8_t *pt, size_t pt_len)
{
    crypto_aead_chacha20poly1305_ietf_encrypt(ct, NULL, pt, pt_len, ad, ad_len, NULL, nonce, key);
}

int tc_aead_decrypt(uint8_t *pt, const uint8_t key[TC_AEAD_KEY_LEN],
                    const uint8_t nonce[TC_AEAD_NONCE_LEN], const uint8_t *ad, size_t ad_len,
                    const uint8_t *ct, size_t ct_len)
{
    if (ct_len < TC_AEAD_TAG_LEN) return TC_ERR_DECRYPT;
    if (crypto_aead_chacha20poly1305_ietf_decrypt(pt, NULL, NULL, ct, ct_len, ad, ad_len, nonce,
                                                  key) != 0) {
        sodium_memzero(pt, ct_len - TC_AEAD_TAG_LEN);
        return TC_ERR_DECRYPT;
    }
    return TC_OK;
}

void tc_keyid(uint8_t out[TC_KEYID_LEN], const uint8_t pub[TC_ED25519_PUB_LEN])
{
    static const char domain[] = "thingchain/keyid/v1";
    uint8_t buf[sizeof domain - 1 + TC_ED25519_PUB_LEN], h[TC_SHA256_LEN];
    memcpy(buf, domain, sizeof domain - 1);
    memcpy(buf + sizeof domain - 1, pub, TC_ED25519_PUB_LEN);
    tc_sha256(h, buf, sizeof buf);
    memcpy(out, h, TC_KEYID_LEN);
}

void tc_wipe(void *p, size_t len)
{
    sodium_memzero(p, len);
}

int tc_ct_equal(const void *a, const void *b, size_t len)
{
    return sodium_memcmp(a, b, len) == 0;
}
