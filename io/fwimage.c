/* Firmware chunk tree on the node (include/tc/fwimage.h): the root by the
 * device-shared chunk tree (core/chunktree.c), and paths to serve from the
 * history tree (core/history*.c) over an in-memory kv, so each path comes
 * from stored complete subtrees in O(log n) (tc_chunk_path recomputes the
 * subtrees, O(n) per path: fine for the CLI, not for serving). */
#include "tc/fwimage.h"

#include <string.h>

#include "tc/alloc.h"
#include "tc/chunktree.h"
#include "tc/errors.h"
#include "tc/kv.h"

struct tc_fwtree {
    tc_kv *kv;
    tc_hist *h;
};

uint64_t tc_fwimage_nchunks(uint64_t size, uint32_t chunk_size)
{
    return chunk_size ? (size + chunk_size - 1) / chunk_size : 0;
}

void tc_fwimage_leaves(uint8_t *leaves, const uint8_t *img, size_t size, uint32_t chunk_size)
{
    uint64_t n = tc_fwimage_nchunks(size, chunk_size);
    for (uint64_t i = 0; i < n; i++) {
        size_t off = (size_t)i * chunk_size, len = size - off < chunk_size ? size - off : chunk_size;
        tc_hist_leaf_hash(leaves + 32 * i, img + off, len);
    }
}

void tc_fwtree_free(tc_fwtree *t)
{
    if (!t) return;
    tc_hist_close(t->h);
    tc_kv_close(t->kv);
    tc_free(t);
}

int tc_fwtree_build(tc_fwtree **out, const uint8_t *leaves, uint64_t n)
{
    *out = NULL;
    if (n == 0) return TC_ERR_INVALID_ARG;
    tc_fwtree *t = tc_calloc(1, sizeof *t);
    if (!t) return TC_ERR_NOMEM;
    int rc = tc_kv_mem_open(&t->kv);
    if (!rc) rc = tc_hist_open(&t->h, t->kv, (const uint8_t *)"c", 1);
    for (uint64_t i = 0; !rc && i < n; i++) rc = tc_hist_append_hash(t->h, leaves + 32 * i);
    if (!rc) rc = tc_hist_flush(t->h);
    if (rc) { tc_fwtree_free(t); return rc; }
    *out = t;
    return 0;
}

void tc_fwtree_root(const tc_fwtree *t, uint8_t root[TC_HIST_HASH_LEN]) { tc_hist_root(t->h, root); }

uint64_t tc_fwtree_size(const tc_fwtree *t) { return tc_hist_size(t->h); }

int tc_fwtree_path(tc_fwtree *t, uint8_t *out, size_t cap, size_t *out_len, uint64_t i)
{
    uint8_t path[TC_HIST_MAX_PROOF * TC_HIST_HASH_LEN];
    size_t n;
    uint64_t size = tc_hist_size(t->h);
    if (i >= size) return TC_ERR_MERKLE_INDEX;
    int rc = tc_hist_prove_inclusion(t->h, path, TC_HIST_MAX_PROOF, &n, i, size);
    if (rc) return rc;
    return tc_hist_inclusion_encode(out, cap, out_len, i, size, path, n);
}

int tc_fwimage_root(uint8_t root[TC_HIST_HASH_LEN], const uint8_t *leaves, uint64_t n)
{
    tc_chunktree t; /* the device-shared chunk tree: one definition of the root */
    tc_chunktree_init(&t);
    for (uint64_t i = 0; i < n; i++) tc_chunktree_add_hash(&t, leaves + 32 * i);
    tc_chunktree_root(&t, root);
    return 0;
}
