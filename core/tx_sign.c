/* Building the transaction envelope: payload map, signer names, and the
 * signed forms through the shared COSE builders (tc_cose_sign1_create,
 * tc_cose_sign_create; docs/ledger.md, "Envelope"). */
#include "tc/tx.h"

#include <string.h>

#include "tc/alloc.h"
#include "tc/cbor.h"
#include "tc/cose.h"

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

/* Sig_structure scratch for the profile's protected header on either form. */
#define SCRATCH(payload_len) TC_COSE_TBS_SIZE(TC_COSE_PROT_MAX, TC_COSE_PROT_MAX, 0, (payload_len))

/* The shared builders report a too-small output as TC_ERR_BUFFER_TOO_SMALL
 * (their scratch is sized here, so that is the only way they fail). */
int tc_tx_sign1(uint8_t *out, size_t cap, size_t *len, const uint8_t *payload,
                size_t payload_len, const uint8_t sec[TC_ED25519_SEC_LEN])
{
    uint8_t *scratch = tc_malloc(SCRATCH(payload_len));
    if (!scratch) return TC_ERR_NOMEM;
    int rc = tc_cose_sign1_create(out, cap, len, scratch, SCRATCH(payload_len), sec, NULL, 0, NULL,
                                  0, payload, payload_len, 1, NULL);
    tc_free(scratch);
    return rc;
}

int tc_tx_sign_multi(uint8_t *out, size_t cap, size_t *len, const uint8_t *payload,
                     size_t payload_len, const uint8_t (*secs)[TC_ED25519_SEC_LEN], size_t n)
{
    tc_cose_signer signers[TC_TX_SIGS_MAX];
    if (n == 0 || n > TC_TX_SIGS_MAX) return TC_ERR_INVALID_ARG;
    memset(signers, 0, sizeof signers);
    for (size_t i = 0; i < n; i++) signers[i].sec = secs[i]; /* kid: tc_keyid of the key */
    uint8_t *scratch = tc_malloc(SCRATCH(payload_len));
    if (!scratch) return TC_ERR_NOMEM;
    int rc = tc_cose_sign_create(out, cap, len, scratch, SCRATCH(payload_len), signers, n, NULL, 0,
                                 payload, payload_len, 1, NULL);
    tc_free(scratch);
    return rc;
}
