/* Noise CipherState (§5.1) and SymmetricState (§5.2), revision 34, with
 * ChaChaPoly (§12.3) and SHA256 / HMAC-based HKDF (§4.3, §12.5) from the
 * crypto port. Also the public transport functions (encrypt/decrypt/rekey). */
#include <assert.h>
#include <string.h>

#include "noise_internal.h"
#include "tc/crypto.h"
#include "tc/errors.h"

/* §5.1: n = 2^64-1 is reserved for rekey; reaching it means exhaustion. */
#define NONCE_MAX UINT64_C(0xffffffffffffffff)

/* §12.3 ChaChaPoly: 96-bit nonce = 32 bits of zeros || little-endian n. */
static void nonce_bytes(uint8_t out[TC_AEAD_NONCE_LEN], uint64_t n)
{
    unsigned i;
    memset(out, 0, 4);
    for (i = 0; i < 8; i++) out[4 + i] = (uint8_t)(n >> (8 * i));
}

void tcdev__noise_cipher_init(tcdev_noise_cipher *cs, const uint8_t k[TCDEV_NOISE_KEY_LEN])
{
    memcpy(cs->k, k, TCDEV_NOISE_KEY_LEN);
    cs->n = 0;
    cs->has_key = 1;
}

int tcdev__noise_cipher_seal(tcdev_noise_cipher *cs, uint8_t *out, const uint8_t *ad, size_t ad_len,
                             const uint8_t *pt, size_t pt_len)
{
    uint8_t nonce[TC_AEAD_NONCE_LEN];
    if (!cs->has_key) {                       /* §5.1: EncryptWithAd without k returns plaintext */
        if (pt_len) memmove(out, pt, pt_len);
        return 0;
    }
    if (cs->n == NONCE_MAX) return TC_ERR_NOISE_NONCE;
    nonce_bytes(nonce, cs->n);
    tc_aead_encrypt(out, cs->k, nonce, ad, ad_len, pt, pt_len);
    cs->n++;
    return 0;
}

int tcdev__noise_cipher_open(tcdev_noise_cipher *cs, uint8_t *out, const uint8_t *ad, size_t ad_len,
                             const uint8_t *ct, size_t ct_len)
{
    uint8_t nonce[TC_AEAD_NONCE_LEN];
    if (!cs->has_key) {
        if (ct_len) memmove(out, ct, ct_len);
        return 0;
    }
    if (cs->n == NONCE_MAX) return TC_ERR_NOISE_NONCE;
    if (ct_len < TC_AEAD_TAG_LEN) return TC_ERR_NOISE_DECRYPT;
    nonce_bytes(nonce, cs->n);
    /* §5.1: on authentication failure the nonce is not incremented. */
    if (tc_aead_decrypt(out, cs->k, nonce, ad, ad_len, ct, ct_len) != 0) return TC_ERR_NOISE_DECRYPT;
    cs->n++;
    return 0;
}

/* §5.2 InitializeSymmetric: h = name padded to HASHLEN, or HASH(name). */
void tcdev__noise_ss_init(tcdev_noise_symmetric *ss, const char *name, size_t name_len)
{
    memset(ss, 0, sizeof *ss);
    if (name_len <= TCDEV_NOISE_HASH_LEN) memcpy(ss->h, name, name_len);
    else tc_sha256(ss->h, name, name_len);
    memcpy(ss->ck, ss->h, TCDEV_NOISE_HASH_LEN);
}

/* §5.2 MixKey: ck, temp_k = HKDF(ck, ikm, 2). Noise's HKDF (§4.3) is RFC 5869
 * with salt = ck and empty info, so the port's HKDF computes exactly it. */
void tcdev__noise_ss_mix_key(tcdev_noise_symmetric *ss, const uint8_t *ikm, size_t ikm_len)
{
    uint8_t out[2 * TCDEV_NOISE_HASH_LEN];
    int rc = tc_hkdf_sha256(out, sizeof out, ss->ck, sizeof ss->ck, ikm, ikm_len, NULL, 0);
    assert(rc == 0);
    (void)rc;
    memcpy(ss->ck, out, TCDEV_NOISE_HASH_LEN);
    tcdev__noise_cipher_init(&ss->cs, out + TCDEV_NOISE_HASH_LEN);   /* HASHLEN == 32: no truncation */
    tc_wipe(out, sizeof out);
}

/* §5.2 MixHash: h = HASH(h || data). */
void tcdev__noise_ss_mix_hash(tcdev_noise_symmetric *ss, const uint8_t *data, size_t len)
{
    tc_sha256_ctx c;
    tc_sha256_init(&c);
    tc_sha256_update(&c, ss->h, sizeof ss->h);
    if (len) tc_sha256_update(&c, data, len);
    tc_sha256_final(&c, ss->h);
}

/* §5.2 EncryptAndHash: ciphertext = EncryptWithAd(h, pt); MixHash(ciphertext). */
int tcdev__noise_ss_encrypt_and_hash(tcdev_noise_symmetric *ss, uint8_t *out, const uint8_t *pt,
                                     size_t pt_len)
{
    int rc = tcdev__noise_cipher_seal(&ss->cs, out, ss->h, sizeof ss->h, pt, pt_len);
    if (rc) return rc;
    tcdev__noise_ss_mix_hash(ss, out, pt_len + (ss->cs.has_key ? TC_AEAD_TAG_LEN : 0));
    return 0;
}

/* §5.2 DecryptAndHash: plaintext = DecryptWithAd(h, ct); MixHash(ct). */
int tcdev__noise_ss_decrypt_and_hash(tcdev_noise_symmetric *ss, uint8_t *out, const uint8_t *ct,
                                     size_t ct_len)
{
    int rc = tcdev__noise_cipher_open(&ss->cs, out, ss->h, sizeof ss->h, ct, ct_len);
    if (rc) return rc;
    tcdev__noise_ss_mix_hash(ss, ct, ct_len);
    return 0;
}

/* §5.2 Split: temp_k1, temp_k2 = HKDF(ck, zerolen, 2). */
void tcdev__noise_ss_split(tcdev_noise_symmetric *ss, tcdev_noise_cipher *c1, tcdev_noise_cipher *c2)
{
    uint8_t out[2 * TCDEV_NOISE_HASH_LEN];
    int rc = tc_hkdf_sha256(out, sizeof out, ss->ck, sizeof ss->ck, NULL, 0, NULL, 0);
    assert(rc == 0);
    (void)rc;
    tcdev__noise_cipher_init(c1, out);
    tcdev__noise_cipher_init(c2, out + TCDEV_NOISE_HASH_LEN);
    tc_wipe(out, sizeof out);
}

/* ---- public transport API ---------------------------------------------- */

int tcdev_noise_encrypt(tcdev_noise_cipher *cs, uint8_t *out, size_t cap, size_t *out_len,
                        const uint8_t *ad, size_t ad_len, const uint8_t *pt, size_t pt_len)
{
    int rc;
    assert(cs && out_len && (out || cap == 0) && (pt || pt_len == 0) && (ad || ad_len == 0));
    if (!cs->has_key) return TC_ERR_NOISE_STATE;
    if (pt_len > TCDEV_NOISE_MAX_PAYLOAD) return TC_ERR_NOISE_MSG_SIZE;
    if (cap < pt_len + TC_AEAD_TAG_LEN) return TC_ERR_BUFFER_TOO_SMALL;
    rc = tcdev__noise_cipher_seal(cs, out, ad, ad_len, pt, pt_len);
    if (rc) return rc;
    *out_len = pt_len + TC_AEAD_TAG_LEN;
    return 0;
}

int tcdev_noise_decrypt(tcdev_noise_cipher *cs, uint8_t *pt, size_t cap, size_t *pt_len,
                        const uint8_t *ad, size_t ad_len, const uint8_t *ct, size_t ct_len)
{
    int rc;
    assert(cs && pt_len && (pt || cap == 0) && (ct || ct_len == 0) && (ad || ad_len == 0));
    if (!cs->has_key) return TC_ERR_NOISE_STATE;
    if (ct_len < TC_AEAD_TAG_LEN || ct_len > TCDEV_NOISE_MAX_MSG) return TC_ERR_NOISE_MSG_SIZE;
    if (cap < ct_len - TC_AEAD_TAG_LEN) return TC_ERR_BUFFER_TOO_SMALL;
    rc = tcdev__noise_cipher_open(cs, pt, ad, ad_len, ct, ct_len);
    if (rc) return rc;
    *pt_len = ct_len - TC_AEAD_TAG_LEN;
    return 0;
}

int tcdev_noise_rekey(tcdev_noise_cipher *cs)
{
    static const uint8_t zeros[TCDEV_NOISE_KEY_LEN];
    uint8_t nonce[TC_AEAD_NONCE_LEN], out[TCDEV_NOISE_KEY_LEN + TC_AEAD_TAG_LEN];
    assert(cs);
    if (!cs->has_key) return TC_ERR_NOISE_STATE;
    nonce_bytes(nonce, NONCE_MAX);
    tc_aead_encrypt(out, cs->k, nonce, NULL, 0, zeros, sizeof zeros);
    memcpy(cs->k, out, TCDEV_NOISE_KEY_LEN);
    tc_wipe(out, sizeof out);
    return 0;
}

void tcdev_noise_cipher_wipe(tcdev_noise_cipher *cs)
{
    assert(cs);
    tc_wipe(cs, sizeof *cs);
}
