/* Block header codec (include/tc/block.h; docs/store.md "Header").
 * A map with keys 1..12 in ascending order, every key present: a header has
 * exactly one encoding, so its hash (the block id) is the same on every node.
 * tc:device-shared (C99, no allocation, no I/O): the device light client
 * decodes the headers it verifies (include/tcdev/light.h). */
#include <string.h>

#include "tc/block.h"
#include "tc/cbor.h"

enum {
    H_CHAIN = 1, H_HEIGHT, H_TIME, H_PREV, H_TXROOT, H_TXCOUNT, H_HISTROOT, H_HISTSIZE,
    H_STATEROOT, H_VALSET, H_NEXTVALSET, H_PROPOSER, H_NKEYS = H_PROPOSER
};

int tc_header_encode(uint8_t *out, size_t cap, size_t *len, const tc_header *h)
{
    tc_cbor_enc e;
    tc_cbor_enc_init(&e, out, cap);
    tc_cbor_put_map(&e, H_NKEYS);
    tc_cbor_put_uint(&e, H_CHAIN);
    tc_cbor_put_text(&e, (const char *)h->chain_id, h->chain_id_len);
    tc_cbor_put_uint(&e, H_HEIGHT);
    tc_cbor_put_uint(&e, h->height);
    tc_cbor_put_uint(&e, H_TIME);
    tc_cbor_put_uint(&e, h->time_ms);
    tc_cbor_put_uint(&e, H_PREV);
    tc_cbor_put_bytes(&e, h->prev_hash, TC_HASH_LEN);
    tc_cbor_put_uint(&e, H_TXROOT);
    tc_cbor_put_bytes(&e, h->tx_root, TC_HASH_LEN);
    tc_cbor_put_uint(&e, H_TXCOUNT);
    tc_cbor_put_uint(&e, h->tx_count);
    tc_cbor_put_uint(&e, H_HISTROOT);
    tc_cbor_put_bytes(&e, h->history_root, TC_HASH_LEN);
    tc_cbor_put_uint(&e, H_HISTSIZE);
    tc_cbor_put_uint(&e, h->history_size);
    tc_cbor_put_uint(&e, H_STATEROOT);
    tc_cbor_put_bytes(&e, h->state_root, TC_HASH_LEN);
    tc_cbor_put_uint(&e, H_VALSET);
    tc_cbor_put_bytes(&e, h->valset_hash, TC_HASH_LEN);
    tc_cbor_put_uint(&e, H_NEXTVALSET);
    tc_cbor_put_bytes(&e, h->next_valset_hash, TC_HASH_LEN);
    tc_cbor_put_uint(&e, H_PROPOSER);
    tc_cbor_put_bytes(&e, h->proposer, TC_ED25519_PUB_LEN);
    return tc_cbor_enc_finish(&e, len);
}

static int get_hash(tc_cbor_dec *d, uint8_t out[TC_HASH_LEN])
{
    int rc = tc_cbor_get_bytes_fixed(d, out, TC_HASH_LEN);
    return rc == TC_ERR_CBOR_LENGTH ? TC_ERR_BLOCK_FORMAT : rc;
}

int tc_header_decode(tc_header *h, const uint8_t *in, size_t len)
{
    tc_cbor_dec d;
    uint64_t pairs, key;
    const char *s;
    size_t n;
    memset(h, 0, sizeof *h);
    int rc = tc_cbor_dec_init(&d, in, len, NULL);
    if (rc) return rc;
    if ((rc = tc_cbor_get_map(&d, &pairs))) return rc;
    if (pairs != H_NKEYS) return TC_ERR_BLOCK_FORMAT;
    for (uint64_t want = 1; want <= H_NKEYS; want++) {
        if ((rc = tc_cbor_get_uint(&d, &key))) return rc;
        if (key != want) return TC_ERR_BLOCK_FORMAT;
        switch (key) {
        case H_CHAIN:
            if ((rc = tc_cbor_get_text(&d, &s, &n))) return rc;
            if (n == 0 || n > TC_CHAIN_ID_MAX) return TC_ERR_BLOCK_FORMAT;
            memcpy(h->chain_id, s, n);
            h->chain_id_len = n;
            break;
        case H_HEIGHT: rc = tc_cbor_get_uint(&d, &h->height); break;
        case H_TIME: rc = tc_cbor_get_uint(&d, &h->time_ms); break;
        case H_PREV: rc = get_hash(&d, h->prev_hash); break;
        case H_TXROOT: rc = get_hash(&d, h->tx_root); break;
        case H_TXCOUNT: rc = tc_cbor_get_uint(&d, &h->tx_count); break;
        case H_HISTROOT: rc = get_hash(&d, h->history_root); break;
        case H_HISTSIZE: rc = tc_cbor_get_uint(&d, &h->history_size); break;
        case H_STATEROOT: rc = get_hash(&d, h->state_root); break;
        case H_VALSET: rc = get_hash(&d, h->valset_hash); break;
        case H_NEXTVALSET: rc = get_hash(&d, h->next_valset_hash); break;
        default: rc = get_hash(&d, h->proposer); break;
        }
        if (rc) return rc == TC_ERR_CBOR_TYPE ? TC_ERR_BLOCK_FORMAT : rc;
    }
    if (h->height == 0 || h->tx_count > TC_BLOCK_MAX_TXS || h->tx_count > h->history_size)
        return TC_ERR_BLOCK_FORMAT;
    return tc_cbor_dec_done(&d);
}

int tc_header_id(uint8_t id[TC_HASH_LEN], const tc_header *h)
{
    uint8_t buf[TC_HEADER_MAX];
    size_t n;
    int rc = tc_header_encode(buf, sizeof buf, &n, h);
    if (rc) return rc;
    tc_sha256(id, buf, n);
    return 0;
}
