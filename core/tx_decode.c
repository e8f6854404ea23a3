/* Decoding the transaction envelope (docs/ledger.md, "Envelope").
 *
 * COSE_Sign1 (RFC 9052 §4.2): 18([protected bstr {1: -8}, {4: kid}, payload, sig])
 * COSE_Sign  (RFC 9052 §4.1): 98([protected bstr, {}, payload,
 *                                 [[protected bstr {1: -8}, {4: kid}, sig], ...]])
 * Only attached payloads and EdDSA; every header is checked so that two nodes
 * never accept different sets of bytes. */
#include "tc/tx.h"

#include <string.h>

#include "tc/cbor.h"

#define MALFORMED(e, ...) tc_err_set((e), TC_ERR_LEDGER_MALFORMED, __VA_ARGS__)

/* The protected header of a signature: exactly {1: -8}, encoded a1 01 27. */
static int check_alg_header(tc_err *err, const uint8_t *p, size_t n)
{
    static const uint8_t want[3] = {0xa1, 0x01, 0x27};
    if (n != sizeof want || memcmp(p, want, n) != 0)
        return MALFORMED(err, "cose: protected header must be exactly {1: -8} (EdDSA)");
    return 0;
}

/* Unprotected header {4: kid(16 bytes)}. */
static int get_kid(tc_err *err, tc_cbor_dec *d, uint8_t kid[TC_KEYID_LEN])
{
    uint64_t pairs, label;
    if (tc_cbor_get_map(d, &pairs) || pairs != 1 || tc_cbor_get_uint(d, &label) || label != 4 ||
        tc_cbor_get_bytes_fixed(d, kid, TC_KEYID_LEN))
        return MALFORMED(err, "cose: unprotected header must be exactly {4: 16-byte kid}");
    return 0;
}

static int get_sig(tc_err *err, tc_cbor_dec *d, const uint8_t **sig)
{
    size_t n;
    if (tc_cbor_get_bytes(d, sig, &n) || n != TC_ED25519_SIG_LEN)
        return MALFORMED(err, "cose: signature must be a 64-byte string");
    return 0;
}

static int decode_payload(tc_tx *tx, tc_err *err)
{
    tc_cbor_dec d;
    uint64_t pairs, k, type;
    const char *cid;
    tc_cbor_limits lim;
    tc_cbor_limits_default(&lim);
    lim.max_str = TC_TX_BODY_MAX;
    lim.max_items = 4096;
    int rc = tc_cbor_dec_init(&d, tx->payload, tx->payload_len, &lim);
    if (rc) return tc_err_set(err, TC_ERR_LEDGER_MALFORMED, "payload: %s", tc_strerror(rc));
    if (tc_cbor_get_map(&d, &pairs) || pairs != 5)
        return MALFORMED(err, "payload must be a map of 5 fields");
    if (tc_cbor_get_uint(&d, &k) || k != 1 || tc_cbor_get_text(&d, &cid, &tx->chain_id_len))
        return MALFORMED(err, "payload field 1 (chain id) must be text");
    tx->chain_id = (const uint8_t *)cid;
    if (tx->chain_id_len == 0 || tx->chain_id_len > 64)
        return MALFORMED(err, "chain id must be 1-64 bytes");
    if (tc_cbor_get_uint(&d, &k) || k != 2 || tc_cbor_get_uint(&d, &type) || type > UINT32_MAX)
        return MALFORMED(err, "payload field 2 (type) must be an unsigned integer");
    tx->type = (uint32_t)type;
    if (tc_cbor_get_uint(&d, &k) || k != 3 || tc_cbor_get_bytes(&d, &tx->signer, &tx->signer_len))
        return MALFORMED(err, "payload field 3 (signer) must be a byte string");
    if (tc_cbor_get_uint(&d, &k) || k != 4 || tc_cbor_get_uint(&d, &tx->nonce))
        return MALFORMED(err, "payload field 4 (nonce) must be an unsigned integer");
    tc_cbor_type t;
    if (tc_cbor_get_uint(&d, &k) || k != 5 || tc_cbor_peek(&d, &t) || t != TC_CBOR_MAP ||
        tc_cbor_get_raw(&d, &tx->body, &tx->body_len))
        return MALFORMED(err, "payload field 5 (body) must be a map");
    if (tx->body_len > TC_TX_BODY_MAX)
        return tc_err_set(err, TC_ERR_LEDGER_OVERSIZE, "body of %zu bytes (limit %u)",
                          tx->body_len, TC_TX_BODY_MAX);
    /* Signer shape per kind; its existence is a state question. */
    int ok = tx->signer_len >= 1 &&
             ((tx->signer[0] == TC_SIGNER_DEVICE && tx->signer_len == TC_SIGNER_DEVICE_LEN && !tx->multi) ||
              (tx->signer[0] == TC_SIGNER_GOV && tx->signer_len == TC_SIGNER_GOV_LEN && tx->multi) ||
              (tx->signer[0] == TC_SIGNER_ORG && tx->signer_len == TC_SIGNER_ORG_LEN && tx->multi));
    if (!ok)
        return MALFORMED(err, "signer must be a device (COSE_Sign1) or a key set (COSE_Sign)");
    return 0;
}

static int decode_sign1(tc_tx *tx, tc_err *err, tc_cbor_dec *d)
{
    const uint8_t *prot;
    size_t prot_len;
    if (tc_cbor_expect_array(d, 4) || tc_cbor_get_bytes(d, &prot, &prot_len))
        return MALFORMED(err, "cose: COSE_Sign1 must be an array of 4");
    int rc = check_alg_header(err, prot, prot_len);
    if (rc) return rc;
    tx->prot = prot;
    tx->prot_len = prot_len;
    tx->nsig = 1;
    tx->sigs[0].prot = NULL;
    tx->sigs[0].prot_len = 0;
    if ((rc = get_kid(err, d, tx->sigs[0].kid))) return rc;
    if (tc_cbor_get_bytes(d, &tx->payload, &tx->payload_len))
        return MALFORMED(err, "cose: payload must be attached as a byte string");
    return get_sig(err, d, &tx->sigs[0].sig);
}

static int decode_sign(tc_tx *tx, tc_err *err, tc_cbor_dec *d)
{
    uint64_t pairs, n;
    if (tc_cbor_expect_array(d, 4) || tc_cbor_get_bytes(d, &tx->prot, &tx->prot_len))
        return MALFORMED(err, "cose: COSE_Sign must be an array of 4");
    /* Body headers carry nothing: protected empty, unprotected {}. */
    if (tx->prot_len != 0 || tc_cbor_get_map(d, &pairs) || pairs != 0)
        return MALFORMED(err, "cose: COSE_Sign body headers must be empty");
    if (tc_cbor_get_bytes(d, &tx->payload, &tx->payload_len))
        return MALFORMED(err, "cose: payload must be attached as a byte string");
    if (tc_cbor_get_array(d, &n) || n == 0 || n > TC_TX_SIGS_MAX)
        return MALFORMED(err, "cose: COSE_Sign needs 1-%u signatures", TC_TX_SIGS_MAX);
    tx->nsig = (size_t)n;
    for (size_t i = 0; i < tx->nsig; i++) {
        tc_tx_sig *s = &tx->sigs[i];
        int rc;
        if (tc_cbor_expect_array(d, 3) || tc_cbor_get_bytes(d, &s->prot, &s->prot_len))
            return MALFORMED(err, "cose: COSE_Signature %zu must be an array of 3", i);
        if ((rc = check_alg_header(err, s->prot, s->prot_len)) ||
            (rc = get_kid(err, d, s->kid)) || (rc = get_sig(err, d, &s->sig)))
            return tc_err_wrap(err, "signature %zu", i);
        for (size_t j = 0; j < i; j++)
            if (memcmp(tx->sigs[j].kid, s->kid, TC_KEYID_LEN) == 0)
                return MALFORMED(err, "cose: two signatures by the same key");
    }
    return 0;
}

int tc_tx_decode(tc_tx *tx, tc_err *err, const uint8_t *buf, size_t len)
{
    memset(tx, 0, sizeof *tx);
    if (len > TC_TX_MAX)
        return tc_err_set(err, TC_ERR_LEDGER_OVERSIZE, "transaction of %zu bytes (limit %u)", len,
                          TC_TX_MAX);
    tc_cbor_dec d;
    tc_cbor_limits lim;
    tc_cbor_limits_default(&lim);
    lim.max_str = TC_TX_MAX;
    lim.max_items = 4096;
    int rc = tc_cbor_dec_init(&d, buf, len, &lim);
    if (rc) return tc_err_set(err, TC_ERR_LEDGER_MALFORMED, "envelope: %s", tc_strerror(rc));
    uint64_t tag;
    if (tc_cbor_get_tag(&d, &tag) || (tag != 18 && tag != 98))
        return MALFORMED(err, "cose: expected tag 18 (COSE_Sign1) or 98 (COSE_Sign)");
    tx->multi = tag == 98;
    rc = tx->multi ? decode_sign(tx, err, &d) : decode_sign1(tx, err, &d);
    if (rc) return rc;
    return decode_payload(tx, err);
}

void tc_tx_payload_hash(uint8_t out[TC_SHA256_LEN], const tc_tx *tx)
{
    tc_sha256(out, tx->payload, tx->payload_len);
}

const char *tc_tx_type_name(uint32_t type)
{
    switch (type) {
    case TC_TX_GOV_REGISTER_ORG: return "gov.register_org";
    case TC_TX_GOV_SET_VALIDATORS: return "gov.set_validators";
    case TC_TX_GOV_SET_KEYS: return "gov.set_keys";
    case TC_TX_ORG_SET_KEYS: return "org.set_keys";
    case TC_TX_DEV_MANUFACTURE: return "dev.manufacture";
    case TC_TX_DEV_CLAIM: return "dev.claim";
    case TC_TX_DEV_TRANSFER: return "dev.transfer";
    case TC_TX_DEV_AUTHORIZE_ROTATION: return "dev.authorize_rotation";
    case TC_TX_DEV_ROTATE: return "dev.rotate";
    case TC_TX_DEV_SET_ATTRS: return "dev.set_attrs";
    case TC_TX_DEV_SET_GROUPS: return "dev.set_groups";
    case TC_TX_DEV_SUSPEND: return "dev.suspend";
    case TC_TX_DEV_RESUME: return "dev.resume";
    case TC_TX_DEV_REVOKE: return "dev.revoke";
    case TC_TX_SVC_PUBLISH: return "svc.publish";
    case TC_TX_SVC_WITHDRAW: return "svc.withdraw";
    case TC_TX_COMM_SET_POLICY: return "comm.set_policy";
    case TC_TX_COMM_DEL_POLICY: return "comm.del_policy";
    case TC_TX_ANCHOR: return "anchor";
    case TC_TX_CFG_PUBLISH: return "cfg.publish";
    case TC_TX_CFG_REPORT: return "cfg.report";
    case TC_TX_FW_RELEASE: return "fw.release";
    case TC_TX_FW_REVOKE: return "fw.revoke";
    case TC_TX_FW_ROLLOUT: return "fw.rollout";
    case TC_TX_FW_ROLLOUT_CONTROL: return "fw.rollout_control";
    case TC_TX_FW_REPORT: return "fw.report";
    default: return NULL;
    }
}
