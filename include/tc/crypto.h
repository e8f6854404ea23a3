/* thingchain crypto: the one interface every hash, signature, key agreement
 * and cipher in the project goes through.
 *
 * This header is also the device SDK's *crypto port* (DESIGN.md, Device SDK):
 * a port is one C file implementing these functions. core/crypto_sodium.c is
 * the libsodium port used by nodes, tools and Linux devices; a microcontroller
 * links another. The port is bound at link time: no function pointers in RAM.
 *
 * C99, no allocation. Outputs come first, then inputs; each length follows
 * its pointer. Buffers of fixed size are documented by the TC_*_LEN macros.
 * Every function is safe to call with overlapping input and output only where
 * stated. Secrets are wiped by the caller with tc_wipe(). */
#ifndef TC_CRYPTO_H
#define TC_CRYPTO_H

#include <stddef.h>
#include <stdint.h>

#define TC_SHA256_LEN        32
#define TC_HMAC_SHA256_LEN   32
#define TC_ED25519_SEED_LEN  32
#define TC_ED25519_PUB_LEN   32
#define TC_ED25519_SEC_LEN   64  /* seed || public key, libsodium layout */
#define TC_ED25519_SIG_LEN   64
#define TC_X25519_LEN        32  /* secret, public and shared values */
#define TC_AEAD_KEY_LEN      32
#define TC_AEAD_NONCE_LEN    12  /* ChaCha20-Poly1305 IETF, RFC 8439 */
#define TC_AEAD_TAG_LEN      16
#define TC_KEYID_LEN         16

/* One-time initialisation (libsodium's sodium_init). Idempotent and
 * thread-safe after the first call returns. TC_ERR_CRYPTO_INIT on failure. */
int tc_crypto_init(void);

/* SHA-256 (FIPS 180-4). The context is opaque and large enough for any port. */
typedef union tc_sha256_ctx {
    uint64_t align_;
    uint8_t opaque[128];
} tc_sha256_ctx;
void tc_sha256(uint8_t out[TC_SHA256_LEN], const void *in, size_t len);
void tc_sha256_init(tc_sha256_ctx *ctx);
void tc_sha256_update(tc_sha256_ctx *ctx, const void *in, size_t len);
/* Writes the digest and wipes ctx. */
void tc_sha256_final(tc_sha256_ctx *ctx, uint8_t out[TC_SHA256_LEN]);

/* HMAC-SHA256 (RFC 2104, RFC 4231), any key length. */
void tc_hmac_sha256(uint8_t out[TC_HMAC_SHA256_LEN], const uint8_t *key, size_t key_len,
                    const uint8_t *msg, size_t msg_len);

/* HKDF-SHA256 (RFC 5869): extract with salt (may be NULL/0 = zero salt),
 * then expand to out_len <= 255*32 bytes (TC_ERR_KDF_LENGTH otherwise). */
int tc_hkdf_sha256(uint8_t *out, size_t out_len, const uint8_t *salt, size_t salt_len,
                   const uint8_t *ikm, size_t ikm_len, const uint8_t *info, size_t info_len);

/* Ed25519 (RFC 8032). Keys are derived from a 32-byte seed: the project never
 * draws randomness itself; callers supply the seed from their entropy source. */
void tc_ed25519_keypair(uint8_t pub[TC_ED25519_PUB_LEN], uint8_t sec[TC_ED25519_SEC_LEN],
                        const uint8_t seed[TC_ED25519_SEED_LEN]);
void tc_ed25519_sign(uint8_t sig[TC_ED25519_SIG_LEN], const uint8_t *msg, size_t msg_len,
                     const uint8_t sec[TC_ED25519_SEC_LEN]);
/* The one pinned verification rule for every node and device (DESIGN.md):
 * libsodium's strict rule — S canonical (S < L), public key canonical and
 * not of small order, R not of small order; cofactorless equation.
 * Returns 0 when valid, TC_ERR_BAD_SIGNATURE otherwise (including bad keys:
 * a verifier must not reveal which part failed). */
int tc_ed25519_verify(const uint8_t sig[TC_ED25519_SIG_LEN], const uint8_t *msg, size_t msg_len,
                      const uint8_t pub[TC_ED25519_PUB_LEN]);
/* A memo of signatures already found valid (docs/node.md, "Mempool"): a
 * node verifies a transaction's signatures on worker threads when it
 * arrives, and block validation and commit then find them here instead of
 * verifying again. The key is SHA-256("tc-sigmemo" || pub || sig || msg):
 * a memo hit is exactly the same cryptographic question answered before.
 * Only valid results are remembered. has/add must be thread-safe; ops is
 * borrowed until replaced (NULL removes the memo). Set it before threads
 * start. */
typedef struct tc_sigmemo_ops {
    void *ctx;
    int (*has)(void *ctx, const uint8_t key[TC_SHA256_LEN]);
    void (*add)(void *ctx, const uint8_t key[TC_SHA256_LEN]);
} tc_sigmemo_ops;
void tc_ed25519_set_memo(const tc_sigmemo_ops *ops);
/* Checks a public key alone under the same rule: 0 or TC_ERR_BAD_KEY.
 * The ledger runs it when a key is registered. */
int tc_ed25519_check_pub(const uint8_t pub[TC_ED25519_PUB_LEN]);

/* X25519 (RFC 7748). tc_x25519 returns TC_ERR_BAD_KEY when the shared value
 * is all zero (a small-order peer key), and then out is zeroed. */
void tc_x25519_public(uint8_t pub[TC_X25519_LEN], const uint8_t sec[TC_X25519_LEN]);
int tc_x25519(uint8_t out[TC_X25519_LEN], const uint8_t sec[TC_X25519_LEN],
              const uint8_t pub[TC_X25519_LEN]);

/* ChaCha20-Poly1305, IETF variant (RFC 8439). ct must hold pt_len + 16.
 * decrypt: pt must hold ct_len - 16; TC_ERR_DECRYPT on a bad tag (pt is then
 * zeroed) or when ct_len < 16. In-place (ct == pt) is allowed. */
void tc_aead_encrypt(uint8_t *ct, const uint8_t key[TC_AEAD_KEY_LEN],
                     const uint8_t nonce[TC_AEAD_NONCE_LEN], const uint8_t *ad, size_t ad_len,
                     const uint8_t *pt, size_t pt_len);
int tc_aead_decrypt(uint8_t *pt, const uint8_t key[TC_AEAD_KEY_LEN],
                    const uint8_t nonce[TC_AEAD_NONCE_LEN], const uint8_t *ad, size_t ad_len,
                    const uint8_t *ct, size_t ct_len);

/* Key id of an Ed25519 public key: the first 16 bytes of
 * SHA-256("thingchain/keyid/v1" || pub). Used as COSE kid and as the signer
 * id in transactions. */
void tc_keyid(uint8_t out[TC_KEYID_LEN], const uint8_t pub[TC_ED25519_PUB_LEN]);

/* Wipes len bytes in a way the compiler may not remove. */
void tc_wipe(void *p, size_t len);
/* Constant-time equality: 1 when equal, 0 otherwise. */
int tc_ct_equal(const void *a, const void *b, size_t len);

#endif
