/* Block codec, transaction root and history leaves (include/tc/block.h;
 * docs/store.md "Block", "History leaf"). */
#include <string.h>

#include "tc/alloc.h"
#include "tc/block.h"
#include "tc/cbor.h"
#include "tc/history.h"

int tc_block_encode(uint8_t *out, size_t cap, size_t *len, const tc_header *h,
                    const tc_span *txs, size_t ntx, tc_span last_commit,
                    const tc_span *evidence, size_t nevidence)
{
    if (ntx > TC_BLOCK_MAX_TXS || nevidence > TC_BLOCK_MAX_EVIDENCE) return TC_ERR_LIMIT;
    tc_cbor_enc e;
    tc_cbor_enc_init(&e, out, cap);
    tc_cbor_put_array(&e, 4);
    /* The header is encoded in place: its bytes inside the block are the
     * bytes whose hash is the block id. */
    uint8_t hb[TC_HEADER_MAX];
    size_t hn;
    int rc = tc_header_encode(hb, sizeof hb, &hn, h);
    if (rc) return rc;
    tc_cbor_put_raw(&e, hb, hn);
    tc_cbor_put_array(&e, ntx);
    for (size_t i = 0; i < ntx; i++) tc_cbor_put_bytes(&e, txs[i].p, txs[i].len);
    tc_cbor_put_bytes(&e, last_commit.p, last_commit.len);
    tc_cbor_put_array(&e, nevidence);
    for (size_t i = 0; i < nevidence; i++) tc_cbor_put_bytes(&e, evidence[i].p, evidence[i].len);
    rc = tc_cbor_enc_finish(&e, len);
    if (!rc && *len > TC_BLOCK_MAX_BYTES) return TC_ERR_LIMIT;
    return rc;
}

static int get_spans(tc_cbor_dec *d, tc_span **out, size_t *n, uint64_t max)
{
    uint64_t cnt;
    int rc = tc_cbor_get_array(d, &cnt);
    if (rc) return rc;
    if (cnt > max) return TC_ERR_LIMIT;
    *n = 0;
    *out = NULL;
    if (cnt == 0) return 0;
    tc_span *v = tc_calloc((size_t)cnt, sizeof *v);
    if (!v) return TC_ERR_NOMEM;
    *out = v;
    for (uint64_t i = 0; i < cnt; i++) {
        if ((rc = tc_cbor_get_bytes(d, &v[i].p, &v[i].len))) return rc;
        if (v[i].len == 0) return TC_ERR_BLOCK_FORMAT;
        *n = (size_t)i + 1;
    }
    return 0;
}

int tc_block_decode(tc_block *b, const uint8_t *in, size_t len)
{
    memset(b, 0, sizeof *b);
    if (len > TC_BLOCK_MAX_BYTES) return TC_ERR_LIMIT;
    tc_cbor_limits lim;
    tc_cbor_limits_default(&lim);
    lim.max_items = TC_BLOCK_MAX_TXS;
    tc_cbor_dec d;
    int rc = tc_cbor_dec_init(&d, in, len, &lim);
    if (rc) return rc;
    if ((rc = tc_cbor_expect_array(&d, 4))) goto fail;
    if ((rc = tc_cbor_get_raw(&d, &b->header_raw, &b->header_raw_len))) goto fail;
    if ((rc = tc_header_decode(&b->header, b->header_raw, b->header_raw_len))) goto fail;
    if ((rc = get_spans(&d, &b->txs, &b->ntx, TC_BLOCK_MAX_TXS))) goto fail;
    if ((rc = tc_cbor_get_bytes(&d, &b->last_commit.p, &b->last_commit.len))) goto fail;
    if ((rc = get_spans(&d, &b->evidence, &b->nevidence, TC_BLOCK_MAX_EVIDENCE))) goto fail;
    if ((rc = tc_cbor_dec_done(&d))) goto fail;
    if (b->ntx != b->header.tx_count) { rc = TC_ERR_BLOCK_FORMAT; goto fail; }
    return 0;
fail:
    tc_block_free(b);
    return rc == TC_ERR_CBOR_TYPE || rc == TC_ERR_CBOR_LENGTH ? TC_ERR_BLOCK_FORMAT : rc;
}

void tc_block_free(tc_block *b)
{
    if (!b) return;
    tc_free(b->txs);
    tc_free(b->evidence);
    memset(b, 0, sizeof *b);
}

void tc_block_id_of(uint8_t id[TC_HASH_LEN], const uint8_t *block, size_t len)
{
    tc_cbor_dec d;
    const uint8_t *h;
    size_t hn;
    tc_header hdr;
    memset(id, 0, TC_HASH_LEN);
    /* Only the header is needed: skip the full block decode (and its
     * allocation); the header must still be a valid header. */
    tc_cbor_limits lim;
    tc_cbor_limits_default(&lim);
    lim.max_items = TC_BLOCK_MAX_TXS;
    if (tc_cbor_dec_init(&d, block, len, &lim) || tc_cbor_expect_array(&d, 4) ||
        tc_cbor_get_raw(&d, &h, &hn) || tc_header_decode(&hdr, h, hn))
        return;
    tc_sha256(id, h, hn);
}

int tc_block_tx_root(uint8_t root[TC_HASH_LEN], const tc_span *txs, size_t ntx)
{
    /* A memory-only RFC 9162 tree (no storage): the frontier gives the root. */
    tc_hist *h;
    int rc = tc_hist_open(&h, NULL, NULL, 0);
    if (rc) return rc;
    for (size_t i = 0; i < ntx && !rc; i++) rc = tc_hist_append(h, txs[i].p, txs[i].len);
    if (!rc) tc_hist_root(h, root);
    tc_hist_close(h);
    return rc;
}

void tc_block_hist_leaf(uint8_t out[TC_HIST_LEAF_LEN], const uint8_t *tx, size_t tx_len, int code)
{
    uint32_t c = (uint32_t)code;
    tc_sha256(out, tx, tx_len);
    out[32] = (uint8_t)(c >> 24);
    out[33] = (uint8_t)(c >> 16);
    out[34] = (uint8_t)(c >> 8);
    out[35] = (uint8_t)c;
}
