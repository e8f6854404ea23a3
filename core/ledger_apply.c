/* The ledger's entry point: envelope checks common to every transaction,
 * then dispatch to the capability's rules (DESIGN.md, Ledger;
 * docs/ledger.md, "Processing order").
 *
 * Order: decode -> chain id -> known type -> signer resolved and
 * authenticated (device key, or k of n of a key set) -> nonce == last + 1
 * -> rules. The nonce is written before the rules run; a rejected
 * transaction's writes (nonce included) are rolled back by the caller. */
#include <string.h>

#include "ledger_internal.h"

static int auth_device(tc__rx *rx, int sig_checked)
{
    const tc_tx *tx = rx->tx;
    uint8_t buf[TC_REC_MAX], kid[TC_KEYID_LEN];
    tc__device dv;
    memcpy(rx->who.dev, tx->signer + 1, TC_DEVICE_ID_LEN);
    int rc = tc__device_load_active(rx, &dv, buf, rx->who.dev);
    if (rc) return tc_err_wrap(rx->err, "signer");
    tc_keyid(kid, dv.ed);
    if (memcmp(kid, tx->sigs[0].kid, TC_KEYID_LEN) != 0)
        return tc_err_set(rx->err, TC_ERR_LEDGER_UNAUTHORIZED,
                          "signed with a key that is not the device's current identity key");
    if (!sig_checked && (rc = tc_tx_verify_sig(tx, 0, dv.ed)))
        return tc_err_set(rx->err, rc, "device signature");
    return 0;
}

static int auth_keyset(tc__rx *rx, int sig_checked)
{
    const tc_tx *tx = rx->tx;
    tc__keyset ks;
    int rc = tc__keyset_load(rx, &ks, tx->signer, tx->signer_len);
    if (rc) return rc;
    if (tx->signer[0] == TC_SIGNER_ORG) {
        rx->who.org = tc__get_be64(tx->signer + 1);
        rx->who.role = tx->signer[9];
    }
    /* Every signature must be by a member of the set (an outsider's
     * signature is refused, not ignored: the signer list is part of what a
     * transaction claims). The decoder already refused repeated kids. */
    for (size_t i = 0; i < tx->nsig; i++) {
        size_t j;
        uint8_t kid[TC_KEYID_LEN];
        for (j = 0; j < ks.n; j++) {
            tc_keyid(kid, ks.pub[j]);
            if (memcmp(kid, tx->sigs[i].kid, TC_KEYID_LEN) == 0) break;
        }
        if (j == ks.n)
            return tc_err_set(rx->err, TC_ERR_LEDGER_UNAUTHORIZED,
                              "signature %zu is by a key outside the signer's key set", i);
    }
    if (tx->nsig < ks.k)
        return tc_err_set(rx->err, TC_ERR_LEDGER_THRESHOLD, "%zu of the %u signatures needed", tx->nsig, ks.k);
    /* k of n through the shared COSE_Sign verification. */
    if (!sig_checked && (rc = tc_tx_verify_keyset(tx, rx->err, ks.pub[0], ks.n, ks.k)))
        return rc;
    return 0;
}

static int check_nonce(tc__rx *rx)
{
    const tc_tx *tx = rx->tx;
    uint8_t key[1 + TC_TX_SIGNER_MAX], buf[16];
    size_t n;
    uint64_t last = 0;
    key[0] = TC_K_NONCE;
    memcpy(key + 1, tx->signer, tx->signer_len);
    int rc = tc__st_get(rx, buf, sizeof buf, &n, key, 1 + tx->signer_len);
    if (rc == 0) {
        tc_cbor_dec d;
        if (tc_cbor_dec_init(&d, buf, n, NULL) || tc_cbor_get_uint(&d, &last))
            return tc_err_set(rx->err, TC_ERR_CORRUPT, "stored nonce");
    } else if (rc != TC_ERR_NOT_FOUND) {
        return rc;
    }
    if (tx->nonce <= last)
        return tc_err_set(rx->err, TC_ERR_LEDGER_NONCE, "nonce %llu replayed (last used %llu)",
                          (unsigned long long)tx->nonce, (unsigned long long)last);
    if (tx->nonce != last + 1)
        return tc_err_set(rx->err, TC_ERR_LEDGER_NONCE, "nonce %llu skips ahead (next is %llu)",
                          (unsigned long long)tx->nonce, (unsigned long long)(last + 1));
    tc_cbor_enc e;
    tc_cbor_enc_init(&e, buf, sizeof buf);
    tc_cbor_put_uint(&e, tx->nonce);
    return tc__st_put_enc(rx, key, 1 + tx->signer_len, &e);
}

static int dispatch(tc__rx *rx)
{
    uint32_t t = rx->tx->type;
    if (t <= 9) return tc__gov_apply(rx);
    if (t <= 19) return tc__identity_apply(rx);
    if (t <= 29) return tc__discovery_apply(rx);
    if (t <= 39) return tc__comm_apply(rx);
    if (t <= 49) return tc__anchor_apply(rx);
    if (t <= 59) return tc__config_apply(rx);
    return tc__firmware_apply(rx);
}

int tc_ledger_apply(tc_state *st, tc_err *err, const uint8_t *txb, size_t tx_len,
                    const tc_block_ctx *ctx, int sig_checked)
{
    tc_tx tx;
    tc__rx rx;
    int rc = tc_tx_decode(&tx, err, txb, tx_len);
    if (rc) return rc;
    if (tx.chain_id_len != ctx->chain_id_len || memcmp(tx.chain_id, ctx->chain_id, tx.chain_id_len) != 0) {
        char name[TC_CHAIN_ID_MAX + 1];
        memcpy(name, tx.chain_id, tx.chain_id_len); /* <= 64 bytes: checked by the decoder */
        name[tx.chain_id_len] = 0;
        return tc_err_set(err, TC_ERR_LEDGER_CHAIN_ID, "transaction names chain \"%s\"", name);
    }
    const char *tname = tc_tx_type_name(tx.type);
    if (!tname) return tc_err_set(err, TC_ERR_LEDGER_UNKNOWN_TYPE, "type %u", tx.type);
    memset(&rx, 0, sizeof rx);
    rx.st = st;
    rx.err = err;
    rx.tx = &tx;
    rx.blk = ctx;
    rx.who.kind = tx.signer[0];
    rc = tx.signer[0] == TC_SIGNER_DEVICE ? auth_device(&rx, sig_checked) : auth_keyset(&rx, sig_checked);
    if (!rc) rc = check_nonce(&rx);
    if (!rc) rc = dispatch(&rx);
    if (rc) return tc_err_wrap(err, "%s", tname);
    tc_err_clear(err);
    return 0;
}

int tc_ledger_signer_keys(tc_state *st, tc_err *err, uint8_t *pubs, size_t cap, size_t *n, int *multi,
                          const uint8_t *txb, size_t tx_len)
{
    tc_tx tx;
    tc__rx rx;
    tc_block_ctx ctx;
    *n = 0;
    int rc = tc_tx_decode(&tx, err, txb, tx_len);
    if (rc) return rc;
    memset(&rx, 0, sizeof rx);
    memset(&ctx, 0, sizeof ctx);
    rx.st = st;
    rx.err = err;
    rx.tx = &tx;
    rx.blk = &ctx;
    *multi = tx.signer[0] != TC_SIGNER_DEVICE;
    if (!*multi) {
        uint8_t buf[TC_REC_MAX];
        tc__device dv;
        if ((rc = tc__device_load_active(&rx, &dv, buf, tx.signer + 1))) return rc;
        if (cap < 1) return tc_err_set(err, TC_ERR_BUFFER_TOO_SMALL, "signer keys");
        memcpy(pubs, dv.ed, TC_ED25519_PUB_LEN);
        *n = 1;
        return 0;
    }
    tc__keyset ks;
    if ((rc = tc__keyset_load(&rx, &ks, tx.signer, tx.signer_len))) return rc;
    if (ks.n > cap) return tc_err_set(err, TC_ERR_BUFFER_TOO_SMALL, "signer keys");
    for (size_t i = 0; i < ks.n; i++)
        memcpy(pubs + i * TC_ED25519_PUB_LEN, ks.pub[i], TC_ED25519_PUB_LEN);
    *n = ks.n;
    return 0;
}
