/* Decoding the transaction envelope (docs/ledger.md, "Envelope").
 *
 * The COSE structure and headers are parsed by the shared COSE code
 * (core/cose_*.c: COSE_Sign1 tag 18, COSE_Sign tag 98, RFC 9052 §4.1-4.2,
 * attached payloads, EdDSA only, deterministic CBOR) so that the envelope,
 * firmware manifests and device messages accept exactly the same bytes.
 * This file adds only the envelope's own rules and the payload map. */
#include "tc/tx.h"

#include <string.h>

#include "tc/cbor.h"
#include "tc/cose.h"

#define MALFORMED(e, ...) tc_err_set((e), TC_ERR_LEDGER_MALFORMED, __VA_ARGS__)

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

/* A COSE parse failure becomes the ledger's one "malformed" code, keeping
 * the COSE detail (the ledger's rejection codes are what clients match). */
static int malformed_cose(tc_err *err, int rc)
{
    if (!err) return TC_ERR_LEDGER_MALFORMED;
    char why[TC_ERR_MSG_MAX];
    memcpy(why, err->msg, sizeof why);
    return tc_err_set(err, TC_ERR_LEDGER_MALFORMED, "envelope (%s): %s", tc_errname(rc), why);
}

/* The envelope's own rule on a kid: the 16-byte key id of the signing key. */
static int take_kid(tc_err *err, uint8_t out[TC_KEYID_LEN], const uint8_t *kid, size_t kid_len,
                    size_t i)
{
    if (!kid || kid_len != TC_KEYID_LEN)
        return MALFORMED(err, "signature %zu: kid must be a 16-byte key id", i);
    memcpy(out, kid, TC_KEYID_LEN);
    return 0;
}

static int decode_sign1(tc_tx *tx, tc_err *err)
{
    tc_cose_sign1 m;
    int rc = tc_cose_sign1_parse(&m, tx->env, tx->env_len, err);
    if (rc) return malformed_cose(err, rc);
    tx->payload = m.payload;
    tx->payload_len = m.payload_len;
    tx->nsig = 1;
    return take_kid(err, tx->sigs[0].kid, m.kid, m.kid_len, 0);
}

static int decode_sign(tc_tx *tx, tc_err *err)
{
    /* tc_cose_sign is ~3 KB: fine on a node's stack, and no allocation. */
    tc_cose_sign m;
    int rc = tc_cose_sign_parse(&m, tx->env, tx->env_len, err);
    if (rc) return malformed_cose(err, rc);
    if (m.nsigs > TC_TX_SIGS_MAX)
        return MALFORMED(err, "cose: COSE_Sign has %zu signatures (limit %u)", m.nsigs, TC_TX_SIGS_MAX);
    tx->payload = m.payload;
    tx->payload_len = m.payload_len;
    tx->nsig = m.nsigs;
    for (size_t i = 0; i < tx->nsig; i++) {
        if ((rc = take_kid(err, tx->sigs[i].kid, m.sigs[i].kid, m.sigs[i].kid_len, i))) return rc;
        /* One key, one vote: a repeated signer is refused outright rather
         * than counted once, so a transaction has one canonical signer list. */
        for (size_t j = 0; j < i; j++)
            if (memcmp(tx->sigs[j].kid, tx->sigs[i].kid, TC_KEYID_LEN) == 0)
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
    /* The tag is required and chooses the form. Deterministic CBOR has one
     * encoding of each tag: 18 is d2, 98 is d8 62. */
    tx->env = buf;
    tx->env_len = len;
    int rc;
    if (len >= 1 && buf[0] == 0xd2) {
        rc = decode_sign1(tx, err);
    } else if (len >= 2 && buf[0] == 0xd8 && buf[1] == 0x62) {
        tx->multi = 1;
        rc = decode_sign(tx, err);
    } else {
        return MALFORMED(err, "cose: expected tag 18 (COSE_Sign1) or 98 (COSE_Sign)");
    }
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
