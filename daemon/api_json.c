/* JSON helpers of the API (daemon/api.h): hex strings and headers. CBOR
 * records are turned into JSON by tc_cbor_to_json (io/cbor_json.c). */
#include <stdlib.h>

#include "api.h"
#include "tc/hex.h"

json_t *api_hexj(const uint8_t *p, size_t n)
{
    char *s = malloc(2 * n + 1);
    if (!s)
        return NULL;
    tc_hex_encode(s, p, n);
    json_t *j = json_string(s);
    free(s);
    return j;
}

json_t *api_header_json(const tc_header *h, const uint8_t id[TC_HASH_LEN])
{
    return json_pack("{s:I,s:o,s:s%,s:I,s:o,s:o,s:I,s:o,s:I,s:o,s:o,s:o,s:o}", "height", (json_int_t)h->height,
                     "id", api_hexj(id, TC_HASH_LEN), "chain_id", (const char *)h->chain_id, h->chain_id_len,
                     "time_ms", (json_int_t)h->time_ms, "prev_hash", api_hexj(h->prev_hash, TC_HASH_LEN),
                     "tx_root", api_hexj(h->tx_root, TC_HASH_LEN), "tx_count", (json_int_t)h->tx_count,
                     "history_root", api_hexj(h->history_root, TC_HASH_LEN), "history_size",
                     (json_int_t)h->history_size, "state_root", api_hexj(h->state_root, TC_HASH_LEN),
                     "valset_hash", api_hexj(h->valset_hash, TC_HASH_LEN), "next_valset_hash",
                     api_hexj(h->next_valset_hash, TC_HASH_LEN), "proposer",
                     api_hexj(h->proposer, TC_ED25519_PUB_LEN));
}
