/* libFuzzer target for the header and block decoders (core/block*.c):
 * any input either fails cleanly or decodes to something that re-encodes to
 * exactly the input (deterministic CBOR: one encoding per value). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "tc/alloc.h"
#include "tc/block.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    tc_header h;
    if (tc_header_decode(&h, data, size) == 0) {
        uint8_t buf[TC_HEADER_MAX];
        size_t n;
        if (tc_header_encode(buf, sizeof buf, &n, &h) || n != size || memcmp(buf, data, n)) abort();
    }
    tc_block b;
    if (tc_block_decode(&b, data, size) == 0) {
        size_t n;
        if (tc_block_encode(NULL, 0, &n, &b.header, b.txs, b.ntx, b.last_commit, b.evidence,
                            b.nevidence) || n != size)
            abort();
        uint8_t *buf = tc_malloc(n);
        if (buf && (tc_block_encode(buf, n, &n, &b.header, b.txs, b.ntx, b.last_commit, b.evidence,
                                    b.nevidence) || memcmp(buf, data, n)))
            abort();
        tc_free(buf);
        uint8_t id[32], id2[32];
        tc_block_id_of(id, data, size);
        tc_header_id(id2, &b.header);
        if (memcmp(id, id2, 32)) abort();
        tc_block_free(&b);
    }
    return 0;
}
