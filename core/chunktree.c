/* Firmware chunk tree: chunk arithmetic, streaming root, per-chunk check
 * (include/tc/chunktree.h, docs/firmware.md "Chunk tree").
 * tc:device-shared (C99, no allocation, no I/O): the device verifies every
 * chunk with this code as it arrives; the CLI computes a release's root with
 * the same hashing, so the two cannot disagree. */
#include <string.h>

#include "history_internal.h"
#include "tc/chunktree.h"
#include "tc/errors.h"

int tc_chunk_count(uint64_t *n, uint64_t size, uint32_t chunk_size)
{
    if (chunk_size < TC_CHUNK_MIN || chunk_size > TC_CHUNK_MAX) return TC_ERR_INVALID_ARG;
    uint64_t c = size / chunk_size + (size % chunk_size != 0);
    if (c > TC_CHUNK_COUNT_MAX) return TC_ERR_FW_TOO_LARGE;
    *n = c;
    return 0;
}

uint32_t tc_chunk_len(uint64_t size, uint32_t chunk_size, uint64_t index)
{
    uint64_t off = index * chunk_size;
    uint64_t left = size > off ? size - off : 0;
    return left < chunk_size ? (uint32_t)left : chunk_size;
}

void tc_chunktree_init(tc_chunktree *t)
{
    t->n = 0;
}

/* Binary-counter merge: a new leaf joins every complete subtree of equal
 * size to its left (RFC 9162 §2.1.1: k is the largest power of 2 below n,
 * so complete subtrees are always left children). */
void tc_chunktree_add_hash(tc_chunktree *t, const uint8_t leaf[TC_HIST_HASH_LEN])
{
    uint8_t h[TC_HIST_HASH_LEN];
    unsigned k = 0;
    memcpy(h, leaf, sizeof h);
    while (t->n & ((uint64_t)1 << k)) {
        tc_hist_node_hash(h, t->frontier[k], h);
        k++;
    }
    memcpy(t->frontier[k], h, sizeof h);
    t->n++;
}

void tc_chunktree_add(tc_chunktree *t, const uint8_t *chunk, size_t len)
{
    uint8_t leaf[TC_HIST_HASH_LEN];
    tc_hist_leaf_hash(leaf, chunk, len);
    tc_chunktree_add_hash(t, leaf);
}

/* MTH(D[n]) folds the frontier from the smallest (rightmost) subtree up. */
void tc_chunktree_root(const tc_chunktree *t, uint8_t root[TC_HIST_HASH_LEN])
{
    int have = 0;
    for (unsigned k = 0; k < 64; k++) {
        if (!(t->n & ((uint64_t)1 << k))) continue;
        if (have) {
            tc_hist_node_hash(root, t->frontier[k], root);
        } else {
            memcpy(root, t->frontier[k], TC_HIST_HASH_LEN);
            have = 1;
        }
    }
    if (!have) tc_hist_empty_root(root);
}

void tc_chunk_cache_reset(tc_chunk_cache *c)
{
    c->valid = 0;
}

/* Depth of the lowest common ancestor of leaves a and a + 1 in the RFC 9162
 * tree of `count` leaves, and the size of its right child (whose first
 * leaf is a + 1): descend from the root while both go the same way. */
static unsigned lca(uint64_t *right_size, uint64_t a, uint64_t count)
{
    uint64_t lo = 0, sz = count;
    unsigned depth = 0;
    for (;;) {
        uint64_t k = tc__hist_split(sz);
        if (a + 1 < lo + k) {
            sz = k;
        } else if (a >= lo + k) {
            lo += k;
            sz -= k;
        } else {
            *right_size = sz - k;
            return depth;
        }
        depth++;
    }
}

int tc_chunk_verify_cached(tc_chunk_cache *c, const uint8_t root[TC_HIST_HASH_LEN], uint64_t index,
                           uint64_t count, const uint8_t *chunk, size_t chunk_len, const uint8_t *path,
                           size_t path_len)
{
    uint8_t hashes[TC_CHUNK_PATH_MAX * TC_HIST_HASH_LEN], lh[TC_HIST_HASH_LEN];
    uint64_t pi, pn, rsize;
    size_t n, i;
    if (tc_hist_inclusion_decode(&pi, &pn, hashes, TC_CHUNK_PATH_MAX, &n, path, path_len) || pi != index ||
        pn != count)
        return TC_ERR_FW_CHUNK;
    tc_hist_leaf_hash(lh, chunk, chunk_len);
    if (c && c->valid && index > 0 && c->index + 1 == index && c->count == count &&
        memcmp(c->root, root, TC_HIST_HASH_LEN) == 0) {
        unsigned t = lca(&rsize, index - 1, count);
        /* The entries below the ancestor (the first n-1-t, leaf end first)
         * are chunk `index`'s path in the ancestor's right child. */
        if (t < n && tc_hist_verify_inclusion(c->path[t], 0, rsize, lh, hashes, n - 1 - t) == 0) {
            for (i = t + 1; i < n; i++) memcpy(c->path[i], hashes + (n - 1 - i) * TC_HIST_HASH_LEN, TC_HIST_HASH_LEN);
            c->index = index;
            c->n = (uint32_t)n;
            return 0;
        }
    }
    if (tc_hist_verify_inclusion(root, index, count, lh, hashes, n)) return TC_ERR_FW_CHUNK;
    if (c) {
        for (i = 0; i < n; i++) memcpy(c->path[i], hashes + (n - 1 - i) * TC_HIST_HASH_LEN, TC_HIST_HASH_LEN);
        memcpy(c->root, root, TC_HIST_HASH_LEN);
        c->count = count;
        c->index = index;
        c->n = (uint32_t)n;
        c->valid = 1;
    }
    return 0;
}

int tc_chunk_verify(const uint8_t root[TC_HIST_HASH_LEN], uint64_t index, uint64_t count,
                    const uint8_t *chunk, size_t chunk_len, const uint8_t *path, size_t path_len,
                    uint8_t *leaf)
{
    int rc = tc_chunk_verify_cached(NULL, root, index, count, chunk, chunk_len, path, path_len);
    if (!rc && leaf) tc_hist_leaf_hash(leaf, chunk, chunk_len);
    return rc;
}
