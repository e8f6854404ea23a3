/* libFuzzer target for the chunk verifiers (core/chunktree.c): untrusted
 * path bytes and chunk bytes, in any order, through tc_chunk_verify and the
 * in-order cache. Fixed tree: 37 chunks of 64 bytes. Input: records of
 *   [index byte][flags byte][path length byte][path bytes]
 * flags bit 0: send a chunk with one byte changed; bit 1: reset the cache.
 * Property: a chunk is accepted (cached or not) only when its bytes are the
 * real chunk `index`; the cache never accepts what is not; nothing crashes. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "tc/chunktree.h"
#include "tc/crypto.h"
#include "tc/errors.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define N 37

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static int init;
    static uint8_t img[N * 64], root[32];
    static tc_chunk_cache cache;
    if (!init) {
        if (tc_crypto_init()) abort();
        for (int i = 0; i < N * 64; i++) img[i] = (uint8_t)(i * 29 + (i >> 6));
        if (tc_chunktree_image_root(root, img, sizeof img, 64)) abort();
        init = 1;
    }
    tc_chunk_cache_reset(&cache);
    size_t at = 0;
    while (at + 3 <= size) {
        uint64_t idx = data[at] % N;
        uint8_t flags = data[at + 1];
        size_t pl = data[at + 2];
        at += 3;
        if (pl > size - at) pl = size - at;
        const uint8_t *path = data + at;
        at += pl;
        uint8_t chunk[64];
        memcpy(chunk, img + idx * 64, 64);
        if (flags & 1) chunk[flags >> 2 & 63] ^= (uint8_t)(flags | 1);
        if (flags & 2) tc_chunk_cache_reset(&cache);
        int full = tc_chunk_verify(root, idx, N, chunk, 64, path, pl, NULL);
        int cached = tc_chunk_verify_cached(&cache, root, idx, N, chunk, 64, path, pl);
        if ((full && full != TC_ERR_FW_CHUNK) || (cached && cached != TC_ERR_FW_CHUNK)) abort();
        if ((full == 0 || cached == 0) && memcmp(chunk, img + idx * 64, 64) != 0) abort();
        if (full == 0 && cached != 0) abort(); /* the cache never refuses a good path */
    }
    return 0;
}
