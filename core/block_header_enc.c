/* Block header encoder and block id (include/tc/block.h; docs/store.md
 * "Header"): node side only. Devices never build headers, they decode the
 * ones they verify (core/block_header.c, device-shared); keeping the
 * encoder out of that file keeps it out of the device SDK's flash. */
#include <string.h>

#include "block_header_keys.h"
#include "tc/block.h"
#include "tc/cbor.h"

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

int tc_header_id(uint8_t id[TC_HASH_LEN], const tc_header *h)
{
    uint8_t buf[TC_HEADER_MAX];
    size_t n;
    int rc = tc_header_encode(buf, sizeof buf, &n, h);
    if (rc) return rc;
    tc_sha256(id, buf, n);
    return 0;
}
