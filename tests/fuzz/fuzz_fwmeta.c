/* libFuzzer target for the image declaration parser (io/fwmeta.c): any
 * bytes. Whatever parses has a leaf count matching size and chunk size,
 * and the leaves it owns can be read and freed. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "tc/alloc.h"
#include "tc/errors.h"
#include "tc/fwimage.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    tc_fwmeta m;
    tc_err err;
    int rc = tc_fwmeta_parse(&m, &err, data, size);
    if (rc == 0) {
        if (m.n != tc_fwimage_nchunks(m.size, m.chunk_size) || !m.leaves || m.chunk_size < TC_FW_CHUNK_MIN) abort();
        volatile uint8_t x = 0;
        for (uint64_t i = 0; i < m.n * 32; i++) x ^= m.leaves[i];
        (void)x;
        tc_free(m.leaves);
    } else if (m.leaves || (rc != TC_ERR_FW_IMAGE_META && rc != TC_ERR_NOMEM)) {
        abort();
    }
    return 0;
}
