/* Signing and verifying the transaction envelope; payload builder; signer
 * names (docs/ledger.md, "Envelope").
 *
 * Sig_structure (RFC 9052 §4.4):
 *   COSE_Sign1: ["Signature1", body_protected, external_aad h'', payload]
 *   COSE_Sign:  ["Signature", body_protected, sign_protected, h'', payload] */
#include "tc/tx.h"

#include <string.h>

#include "tc/alloc.h"
#include "tc/cbor.h"

static const uint8_t ALG_HDR[3] = {0xa1, 0x01, 0x27}; /* {1: -8} */

/* Encodes the Sig_structure into a fresh buffer (caller frees). */
static uint8_t *sig_structure(size_t *out_len, int multi, const uint8_t *body_prot,
                              size_t body_prot_len, const uint8_t *sign_prot, size_t sign_prot_len,
                              const uint8_t *payload, size_t payload_len)
{
    size_t cap = payload_len + body_prot_len + sign_prot_len + 64;
    uint8_t *buf = tc_malloc(cap);
    if (!buf) return NULL;
    tc_cbor_enc e;
    tc_cbor_enc_init(&e, buf, cap);
    tc_cbor_put_array(&e, multi ? 5 : 4);
    tc_cbor_put_cstr(&e, multi ? "Signature" : "Signature1");
    tc_cbor_put_bytes(&e, body_prot, body_prot_len);
    if (multi) tc_cbor_put_bytes(&e, sign_prot, sign_prot_len);
    tc_cbor_put_bytes(&e, NULL, 0);
    tc_cbor_put_bytes(&e, payload, payload_len);
    if (tc_cbor_enc_finish(&e, out_len)) {
        tc_free(buf);
        return NULL;
    }
    return buf;
}

int tc_tx_verify_sig(const tc_tx *tx, size_t i, const uint8_t pub[TC_ED25519_PUB_LEN])
{
    uint8_t kid[TC_KEYID_LEN];
    if (i >= tx->nsig) return TC_ERR_LEDGER_SIGNATURE;
    tc_keyid(kid, pub);
    if (memcmp(kid, tx->sigs[i].kid, TC_KEYID_LEN) != 0) return TC_ERR_LEDGER_SIGNATURE;
    size_t n;
    uint8_t *m = sig_structure(&n, tx->multi, tx->prot, tx->prot_len, tx->sigs[i].prot,
                               tx->sigs[i].prot_len, tx->payload, tx->payload_len);
    if (!m) return TC_ERR_NOMEM;
    int rc = tc_ed25519_verify(tx->sigs[i].sig, m, n, pub) ? TC_ERR_LEDGER_SIGNATURE : 0;
    tc_free(m);
    return rc;
}

void tc_signer_device(uint8_t out[TC_SIGNER_DEVICE_LEN], const uint8_t dev_id[TC_DEVICE_ID_LEN])
{
    out[0] = TC_SIGNER_DEVICE;
    memcpy(out + 1, dev_id, TC_DEVICE_ID_LEN);
}

void tc_signer_gov(uint8_t out[TC_SIGNER_GOV_LEN])
{
    out[0] = TC_SIGNER_GOV;
}

void tc_signer_org(uint8_t out[TC_SIGNER_ORG_LEN], uint64_t org, uint8_t role)
{
    out[0] = TC_SIGNER_ORG;
    for (int i = 0; i < 8; i++) out[1 + i] = (uint8_t)(org >> (56 - 8 * i));
    out[9] = role;
}

int tc_tx_payload_encode(uint8_t *out, size_t cap, size_t *len, const uint8_t *chain_id,
                         size_t chain_id_len, uint32_t type, const uint8_t *signer,
                         size_t signer_len, uint64_t nonce, const uint8_t *body, size_t body_len)
{
    tc_cbor_enc e;
    tc_cbor_enc_init(&e, out, cap);
    tc_cbor_put_map(&e, 5);
    tc_cbor_put_uint(&e, 1);
    tc_cbor_put_text(&e, (const char *)chain_id, chain_id_len);
    tc_cbor_put_uint(&e, 2);
    tc_cbor_put_uint(&e, type);
    tc_cbor_put_uint(&e, 3);
    tc_cbor_put_bytes(&e, signer, signer_len);
    tc_cbor_put_uint(&e, 4);
    tc_cbor_put_uint(&e, nonce);
    tc_cbor_put_uint(&e, 5);
    tc_cbor_put_raw(&e, body, body_len);
    return tc_cbor_enc_finish(&e, len);
}

static int sign_one(uint8_t sig[TC_ED25519_SIG_LEN], int multi, const uint8_t *body_prot,
                    size_t body_prot_len, const uint8_t *payload, size_t payload_len,
                    const uint8_t sec[TC_ED25519_SEC_LEN])
{
    size_t n;
    uint8_t *m = sig_structure(&n, multi, body_prot, body_prot_len, ALG_HDR, sizeof ALG_HDR,
                               payload, payload_len);
    if (!m) return TC_ERR_NOMEM;
    tc_ed25519_sign(sig, m, n, sec);
    tc_free(m);
    return 0;
}

/* The public key is the second half of libsodium's secret key layout. */
static void put_kid_header(tc_cbor_enc *e, const uint8_t sec[TC_ED25519_SEC_LEN])
{
    uint8_t kid[TC_KEYID_LEN];
    tc_keyid(kid, sec + 32);
    tc_cbor_put_map(e, 1);
    tc_cbor_put_uint(e, 4);
    tc_cbor_put_bytes(e, kid, sizeof kid);
}

int tc_tx_sign1(uint8_t *out, size_t cap, size_t *len, const uint8_t *payload,
                size_t payload_len, const uint8_t sec[TC_ED25519_SEC_LEN])
{
    uint8_t sig[TC_ED25519_SIG_LEN];
    int rc = sign_one(sig, 0, ALG_HDR, sizeof ALG_HDR, payload, payload_len, sec);
    if (rc) return rc;
    tc_cbor_enc e;
    tc_cbor_enc_init(&e, out, cap);
    tc_cbor_put_tag(&e, 18);
    tc_cbor_put_array(&e, 4);
    tc_cbor_put_bytes(&e, ALG_HDR, sizeof ALG_HDR);
    put_kid_header(&e, sec);
    tc_cbor_put_bytes(&e, payload, payload_len);
    tc_cbor_put_bytes(&e, sig, sizeof sig);
    return tc_cbor_enc_finish(&e, len);
}

int tc_tx_sign_multi(uint8_t *out, size_t cap, size_t *len, const uint8_t *payload,
                     size_t payload_len, const uint8_t (*secs)[TC_ED25519_SEC_LEN], size_t n)
{
    if (n == 0 || n > TC_TX_SIGS_MAX) return TC_ERR_INVALID_ARG;
    tc_cbor_enc e;
    tc_cbor_enc_init(&e, out, cap);
    tc_cbor_put_tag(&e, 98);
    tc_cbor_put_array(&e, 4);
    tc_cbor_put_bytes(&e, NULL, 0);
    tc_cbor_put_map(&e, 0);
    tc_cbor_put_bytes(&e, payload, payload_len);
    tc_cbor_put_array(&e, n);
    for (size_t i = 0; i < n; i++) {
        uint8_t sig[TC_ED25519_SIG_LEN];
        int rc = sign_one(sig, 1, NULL, 0, payload, payload_len, secs[i]);
        if (rc) return rc;
        tc_cbor_put_array(&e, 3);
        tc_cbor_put_bytes(&e, ALG_HDR, sizeof ALG_HDR);
        put_kid_header(&e, secs[i]);
        tc_cbor_put_bytes(&e, sig, sizeof sig);
    }
    return tc_cbor_enc_finish(&e, len);
}
