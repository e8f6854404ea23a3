/* Block header codec (include/tc/block.h; docs/store.md "Header").
 * A map with keys 1..12 in ascending order, every key present: a header has
 * exactly one encoding, so its hash (the block id) is the same on every node.
 * tc:device-shared (C99, no allocation, no I/O): the device light client
 * decodes the headers it verifies (include/tcdev/light.h). The encoder, which
 * only nodes need, is in core/block_header_enc.c. */
#include <string.h>

#include "tc/block.h"
#include "tc/cbor.h"

#include "block_header_keys.h"

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
