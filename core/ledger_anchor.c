/* Message anchors (DESIGN.md, Ledger: messages; docs/ledger.md, "Anchors"):
 * a Merkle root over a batch of message digests, their count and time
 * range, recorded once with its submitter so anyone can later prove a
 * message existed, unaltered, by the block's time. */
#include <string.h>

#include "ledger_internal.h"

/* Device clocks may run a little ahead of the block time. */
#define ANCHOR_SKEW_MS (5u * 60u * 1000u)

static const tc__fdesc ANC_F[] = {
    {1, TC_F_BYTES, 1, 32, 32, "root"},
    {2, TC_F_UINT, 1, 1, UINT32_MAX, "count"},
    {3, TC_F_UINT, 1, 0, UINT64_MAX, "first time"},
    {4, TC_F_UINT, 1, 0, UINT64_MAX, "last time"},
};

int tc__anchor_apply(tc__rx *rx)
{
    tc__fval v[4];
    uint8_t key[33], buf[TC_REC_MAX];
    size_t n;
    tc_cbor_enc e;
    if (rx->tx->type != TC_TX_ANCHOR)
        return tc_err_set(rx->err, TC_ERR_LEDGER_UNKNOWN_TYPE, "type %u", rx->tx->type);
    int rc = tc__fields_decode(rx->err, rx->tx->body, rx->tx->body_len, ANC_F, 4, v);
    if (rc) return rc;
    /* Devices are authenticated (and active) by the dispatcher; any org key
     * set of a registered org may anchor too. Governance may not. */
    if (rx->who.kind == TC_SIGNER_GOV)
        return tc_err_set(rx->err, TC_ERR_LEDGER_UNAUTHORIZED, "governance does not submit anchors");
    if (v[2].u > v[3].u)
        return tc_err_set(rx->err, TC_ERR_LEDGER_TIME, "first time is after last time");
    if (v[3].u > rx->blk->time_ms + ANCHOR_SKEW_MS)
        return tc_err_set(rx->err, TC_ERR_LEDGER_TIME, "last time is in the future of the block");
    key[0] = TC_K_ANCHOR;
    memcpy(key + 1, v[0].p, 32);
    rc = tc__st_get(rx, buf, sizeof buf, &n, key, sizeof key);
    if (rc == 0) return tc_err_set(rx->err, TC_ERR_LEDGER_DUPLICATE, "root already anchored");
    if (rc != TC_ERR_NOT_FOUND) return rc;
    tc_cbor_enc_init(&e, buf, sizeof buf);
    tc_cbor_put_map(&e, 6);
    tc_cbor_put_uint(&e, 1); tc_cbor_put_uint(&e, v[1].u);
    tc_cbor_put_uint(&e, 2); tc_cbor_put_uint(&e, v[2].u);
    tc_cbor_put_uint(&e, 3); tc_cbor_put_uint(&e, v[3].u);
    tc_cbor_put_uint(&e, 4); tc_cbor_put_bytes(&e, rx->tx->signer, rx->tx->signer_len);
    tc_cbor_put_uint(&e, 5); tc_cbor_put_uint(&e, rx->blk->height);
    tc_cbor_put_uint(&e, 6); tc_cbor_put_uint(&e, rx->blk->time_ms);
    return tc__st_put_enc(rx, key, sizeof key, &e);
}
