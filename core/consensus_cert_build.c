/* Building commit certificates (docs/consensus.md "Commit certificate"):
 *   [height, round, block_id, signer_bitmap, [sig, ...]]
 * Node side only: devices verify certificates (core/consensus_cert.c,
 * device-shared) and never build them. */
#include <string.h>

#include "tc/cbor.h"
#include "tc/consensus.h"

int tc_cons_cert_build(uint8_t *out, size_t cap, size_t *len, const tc_valset *vs, uint64_t height,
                       uint32_t round, const uint8_t block_id[TC_BLOCK_ID_LEN],
                       const uint8_t *have, const uint8_t (*sigs)[TC_ED25519_SIG_LEN])
{
    uint8_t map[TC_VALSET_MAX / 8];
    size_t maplen = (vs->n + 7) / 8, count = 0;
    memset(map, 0, sizeof map);
    for (size_t i = 0; i < vs->n; i++)
        if (have[i]) {
            map[i / 8] |= (uint8_t)(1u << (i % 8));
            count++;
        }
    tc_cbor_enc e;
    tc_cbor_enc_init(&e, out, cap);
    tc_cbor_put_array(&e, 5);
    tc_cbor_put_uint(&e, height);
    tc_cbor_put_uint(&e, round);
    tc_cbor_put_bytes(&e, block_id, TC_BLOCK_ID_LEN);
    tc_cbor_put_bytes(&e, map, maplen);
    tc_cbor_put_array(&e, count);
    for (size_t i = 0; i < vs->n; i++)
        if (have[i])
            tc_cbor_put_bytes(&e, sigs[i], TC_ED25519_SIG_LEN);
    return tc_cbor_enc_finish(&e, len);
}
