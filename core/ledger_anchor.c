/* Message anchors (DESIGN.md, Ledger: messages; docs/ledger.md, "Anchors"):
 * a Merkle root over a batch of message digests, their count and time
 * range, recorded once with its submitter so anyone can later prove a
 * message existed, unaltered, by the block's time.
 *
 * Optional body key 5 lists the anchored digests themselves (at most 256):
 * then the count must be their number, no digest may repeat and the root
 * must be the RFC 9162 root over them (include/tc/anchor.h), so the store
 * can answer "which anchor holds this digest" with a path that verifies.
 * The digests stay in the transaction, not in the 'A' record: the record
 * (and every state proof of it) keeps its size whatever the batch. */
#include <string.h>

#include "tc/anchor.h"
#include "ledger_internal.h"

/* Device clocks may run a little ahead of the block time. */
#define ANCHOR_SKEW_MS (5u * 60u * 1000u)

static const tc__fdesc ANC_F[] = {
    {1, TC_F_BYTES, 1, 32, 32, "root"},
    {2, TC_F_UINT, 1, 1, UINT32_MAX, "count"},
    {3, TC_F_UINT, 1, 0, UINT64_MAX, "first time"},
    {4, TC_F_UINT, 1, 0, UINT64_MAX, "last time"},
    {5, TC_F_ARRAY, 0, 1, TC_ANCHOR_DIGESTS_MAX, "digests"},
};

/* Body key 5 against keys 1 (root) and 2 (count). */
static int check_digests(tc__rx *rx, const tc__fval *v)
{
    uint8_t dg[TC_ANCHOR_DIGESTS_MAX][32], root[32];
    tc_cbor_dec d;
    uint64_t cnt;
    int rc = tc__dec_raw(rx->err, &d, v[4].p, v[4].n);
    if (rc) return rc;
    if (tc_cbor_get_array(&d, &cnt)) return tc_err_set(rx->err, TC_ERR_LEDGER_MALFORMED, "digests must be an array");
    if (cnt != v[1].u)
        return tc_err_set(rx->err, TC_ERR_LEDGER_ANCHOR_DIGESTS,
                          "count is %llu but %llu digests are listed",
                          (unsigned long long)v[1].u, (unsigned long long)cnt);
    for (uint64_t i = 0; i < cnt; i++) {
        const uint8_t *p;
        size_t n;
        if (tc_cbor_get_bytes(&d, &p, &n) || n != 32)
            return tc_err_set(rx->err, TC_ERR_LEDGER_MALFORMED,
                              "digest %llu must be a 32-byte byte string", (unsigned long long)i);
        for (uint64_t j = 0; j < i; j++)
            if (memcmp(dg[j], p, 32) == 0)
                return tc_err_set(rx->err, TC_ERR_LEDGER_ANCHOR_DIGESTS,
                                  "digest %llu repeats digest %llu: each message is anchored once",
                                  (unsigned long long)i, (unsigned long long)j);
        memcpy(dg[i], p, 32);
    }
    tc_anchor_root(root, &dg[0][0], (size_t)cnt);
    if (memcmp(root, v[0].p, 32))
        return tc_err_set(rx->err, TC_ERR_LEDGER_ANCHOR_DIGESTS,
                          "root is not the RFC 9162 Merkle root over the listed digests");
    return 0;
}

int tc__anchor_apply(tc__rx *rx)
{
    tc__fval v[5];
    uint8_t key[33], buf[TC_REC_MAX];
    size_t n;
    tc_cbor_enc e;
    if (rx->tx->type != TC_TX_ANCHOR)
        return tc_err_set(rx->err, TC_ERR_LEDGER_UNKNOWN_TYPE, "type %u", rx->tx->type);
    int rc = tc__fields_decode(rx->err, rx->tx->body, rx->tx->body_len, ANC_F, 5, v);
    if (rc) return rc;
    /* Devices are authenticated (and active) by the dispatcher; any org key
     * set of a registered org may anchor too. Governance may not. */
    if (rx->who.kind == TC_SIGNER_GOV)
        return tc_err_set(rx->err, TC_ERR_LEDGER_UNAUTHORIZED, "governance does not submit anchors");
    if (v[2].u > v[3].u)
        return tc_err_set(rx->err, TC_ERR_LEDGER_TIME, "first time is after last time");
    if (v[3].u > rx->blk->time_ms + ANCHOR_SKEW_MS)
        return tc_err_set(rx->err, TC_ERR_LEDGER_TIME, "last time is in the future of the block");
    if (v[4].present && (rc = check_digests(rx, v))) return rc;
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
