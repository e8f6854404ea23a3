/* Firmware chunk tree (include/tc/chunktree.h): the root and paths must be
 * exactly the history tree's (an independent implementation in this repo:
 * core/history*.c on the memory kv) with the chunks as leaves, and every
 * altered chunk, path, index or count must be refused. */
#include <stdlib.h>
#include <string.h>

#include "test.h"
#include "tc/chunktree.h"
#include "tc/history.h"
#include "tc/kv.h"

static uint8_t img[70000];

static void fill(void)
{
    for (size_t i = 0; i < sizeof img; i++) img[i] = (uint8_t)(i * 131u + (i >> 9));
}

static void test_count_and_len(void)
{
    uint64_t n;
    CHECK_OK(tc_chunk_count(&n, 1000, 64));
    CHECK_EQ(n, 16);
    CHECK_EQ(tc_chunk_len(1000, 64, 15), 1000 - 15 * 64);
    CHECK_EQ(tc_chunk_len(1000, 64, 3), 64);
    CHECK_OK(tc_chunk_count(&n, 1024, 64));
    CHECK_EQ(n, 16);
    CHECK_EQ(tc_chunk_len(1024, 64, 15), 64);
    CHECK_ERR(tc_chunk_count(&n, 1024, 63), TC_ERR_INVALID_ARG);
    CHECK_ERR(tc_chunk_count(&n, 1024, TC_CHUNK_MAX + 1), TC_ERR_INVALID_ARG);
    CHECK_ERR(tc_chunk_count(&n, UINT64_MAX, 64), TC_ERR_FW_TOO_LARGE);
}

/* Root and every path equal the history tree's for sizes 1..70 chunks and
 * a few sizes with a short last chunk. */
static void test_matches_history_tree(void)
{
    static const size_t sizes[] = {64, 65, 640, 1000, 4096, 4095, 4097, 64 * 70, 70000};
    fill();
    for (size_t s = 0; s < sizeof sizes / sizeof sizes[0]; s++) {
        size_t len = sizes[s];
        uint32_t cs = len > 10000 ? 1024 : 64;
        uint64_t n;
        tc_kv *kv;
        tc_hist *h;
        uint8_t root[32], want[32];
        CHECK_OK(tc_chunk_count(&n, len, cs));
        CHECK_OK(tc_kv_mem_open(&kv));
        CHECK_OK(tc_hist_open(&h, kv, (const uint8_t *)"c", 1));
        uint8_t *leaves = malloc(n * 32);
        for (uint64_t i = 0; i < n; i++) {
            CHECK_OK(tc_hist_append(h, img + i * cs, tc_chunk_len(len, cs, i)));
            tc_hist_leaf_hash(leaves + i * 32, img + i * cs, tc_chunk_len(len, cs, i));
        }
        CHECK_OK(tc_hist_flush(h));
        tc_hist_root(h, want);
        CHECK_OK(tc_chunktree_image_root(root, img, len, cs));
        CHECK_MEM(root, want, 32);
        for (uint64_t i = 0; i < n; i++) {
            uint8_t p[TC_CHUNK_PATH_CBOR_MAX], q[TC_CHUNK_PATH_CBOR_MAX], hs[TC_HIST_MAX_PROOF * 32], leaf[32];
            size_t pl, ql, hn;
            CHECK_OK(tc_chunk_path(p, sizeof p, &pl, leaves, n, i));
            CHECK_OK(tc_hist_prove_inclusion(h, hs, TC_HIST_MAX_PROOF, &hn, i, n));
            CHECK_OK(tc_hist_inclusion_encode(q, sizeof q, &ql, i, n, hs, hn));
            CHECK_EQ(pl, ql);
            CHECK_MEM(p, q, pl);
            CHECK_OK(tc_chunk_verify(root, i, n, img + i * cs, tc_chunk_len(len, cs, i), p, pl, leaf));
            CHECK_MEM(leaf, leaves + i * 32, 32);
        }
        free(leaves);
        tc_hist_close(h);
        tc_kv_close(kv);
    }
}

static void test_refusals(void)
{
    uint8_t root[32], p[TC_CHUNK_PATH_CBOR_MAX], leaves[40 * 32], chunk[100];
    size_t pl;
    fill();
    CHECK_OK(tc_chunktree_image_root(root, img, 40 * 100, 100));
    for (int i = 0; i < 40; i++) tc_hist_leaf_hash(leaves + i * 32, img + i * 100, 100);
    CHECK_OK(tc_chunk_path(p, sizeof p, &pl, leaves, 40, 7));
    CHECK_OK(tc_chunk_verify(root, 7, 40, img + 700, 100, p, pl, NULL));
    memcpy(chunk, img + 700, 100);
    chunk[50] ^= 1;
    CHECK_ERR(tc_chunk_verify(root, 7, 40, chunk, 100, p, pl, NULL), TC_ERR_FW_CHUNK);      /* bad byte */
    CHECK_ERR(tc_chunk_verify(root, 7, 40, img + 700, 99, p, pl, NULL), TC_ERR_FW_CHUNK);   /* truncated */
    CHECK_ERR(tc_chunk_verify(root, 8, 40, img + 700, 100, p, pl, NULL), TC_ERR_FW_CHUNK);  /* other index */
    CHECK_ERR(tc_chunk_verify(root, 7, 41, img + 700, 100, p, pl, NULL), TC_ERR_FW_CHUNK);  /* other count */
    CHECK_ERR(tc_chunk_verify(root, 8, 40, img + 800, 100, p, pl, NULL), TC_ERR_FW_CHUNK);  /* other path */
    p[pl - 1] ^= 1;
    CHECK_ERR(tc_chunk_verify(root, 7, 40, img + 700, 100, p, pl, NULL), TC_ERR_FW_CHUNK);  /* bad path hash */
    p[pl - 1] ^= 1;
    CHECK_ERR(tc_chunk_verify(root, 7, 40, img + 700, 100, p, pl - 1, NULL), TC_ERR_FW_CHUNK); /* cut path */
    CHECK_ERR(tc_chunk_path(p, sizeof p, &pl, leaves, 40, 40), TC_ERR_MERKLE_INDEX);
}

/* Streaming root over a frontier equals the one-shot root at every size. */
static void test_streaming_root(void)
{
    static tc_chunktree t;
    uint8_t a[32], b[32];
    fill();
    tc_chunktree_init(&t);
    tc_chunktree_root(&t, a);
    tc_hist_empty_root(b);
    CHECK_MEM(a, b, 32);
    for (size_t n = 1; n <= 300; n++) {
        tc_chunktree_add(&t, img + (n - 1) * 64, 64);
        tc_chunktree_root(&t, a);
        CHECK_OK(tc_chunktree_image_root(b, img, n * 64, 64));
        CHECK_MEM(a, b, 32);
    }
}

/* In-order verification through the cache accepts exactly what the full
 * check accepts, for every tree size 1..70 and every single-bit change of
 * every chunk (the cache warm), and never lends one tree's nodes to another. */
static void test_cached_matches_full(void)
{
    static uint8_t leaves[70 * 32], p[TC_CHUNK_PATH_CBOR_MAX], chunk[64];
    static tc_chunk_cache c;
    uint8_t root[32];
    size_t pl;
    fill();
    for (int k = 0; k < 1000; k++) img[k * 64] = (uint8_t)k, img[k * 64 + 1] = (uint8_t)(k >> 8); /* no two chunks alike */
    for (uint64_t n = 1; n <= 70; n++) {
        CHECK_OK(tc_chunktree_image_root(root, img, n * 64, 64));
        for (uint64_t i = 0; i < n; i++) tc_hist_leaf_hash(leaves + i * 32, img + i * 64, 64);
        tc_chunk_cache_reset(&c);
        for (uint64_t i = 0; i < n; i++) {
            CHECK_OK(tc_chunk_path(p, sizeof p, &pl, leaves, n, i));
            memcpy(chunk, img + i * 64, 64);
            chunk[i % 64] ^= 0x10;                 /* a bad copy first: refused, cache untouched */
            CHECK_ERR(tc_chunk_verify_cached(&c, root, i, n, chunk, 64, p, pl), TC_ERR_FW_CHUNK);
            CHECK_ERR(tc_chunk_verify_cached(&c, root, i, n, img + (i + 1) % n * 64, n > 1 ? 64 : 63, p, pl),
                      TC_ERR_FW_CHUNK);            /* the neighbour's bytes */
            if (n > 1) {                           /* the leaf-end path hash altered */
                size_t at = 1 + (i < 24 ? 1 : 2) + (n < 24 ? 1 : 2) + 1 + 2 + 7;
                p[at] ^= 1;
                if (i == 0 || (i % 2 == 0 && i != n - 1)) {
                    CHECK_ERR(tc_chunk_verify_cached(&c, root, i, n, img + i * 64, 64, p, pl), TC_ERR_FW_CHUNK);
                } else {
                    /* that entry is the common ancestor's left child (i-1's
                     * side), which a warm cache never needs: proof that the
                     * cache is in use (the full check refuses) */
                    CHECK_OK(tc_chunk_verify_cached(&c, root, i, n, img + i * 64, 64, p, pl));
                    CHECK_ERR(tc_chunk_verify(root, i, n, img + i * 64, 64, p, pl, NULL), TC_ERR_FW_CHUNK);
                }
                p[at] ^= 1;
            }
            CHECK_OK(tc_chunk_verify_cached(&c, root, i, n, img + i * 64, 64, p, pl));
            CHECK_EQ(c.index, i);
        }
    }
    /* a cache warm from one tree, the next chunk of another tree of the same size */
    static uint8_t other[64 * 8];
    uint8_t root2[32], leaves2[8 * 32];
    memcpy(other, img, sizeof other);
    other[64 * 5 + 3] ^= 1;                      /* chunk 5 differs */
    CHECK_OK(tc_chunktree_image_root(root, img, 64 * 8, 64));
    CHECK_OK(tc_chunktree_image_root(root2, other, 64 * 8, 64));
    for (int i = 0; i < 8; i++) {
        tc_hist_leaf_hash(leaves + i * 32, img + i * 64, 64);
        tc_hist_leaf_hash(leaves2 + i * 32, other + i * 64, 64);
    }
    tc_chunk_cache_reset(&c);
    CHECK_OK(tc_chunk_path(p, sizeof p, &pl, leaves2, 8, 4));
    CHECK_OK(tc_chunk_verify_cached(&c, root2, 4, 8, other + 4 * 64, 64, p, pl));
    /* chunk 5 of the first tree against the first root: its bytes, its path */
    CHECK_OK(tc_chunk_path(p, sizeof p, &pl, leaves, 8, 5));
    CHECK_OK(tc_chunk_verify_cached(&c, root, 5, 8, img + 5 * 64, 64, p, pl));
    /* chunk 5 of the first tree presented for the second root: refused */
    tc_chunk_cache_reset(&c);
    CHECK_OK(tc_chunk_path(p, sizeof p, &pl, leaves, 8, 4));
    CHECK_OK(tc_chunk_verify_cached(&c, root, 4, 8, img + 4 * 64, 64, p, pl));
    CHECK_OK(tc_chunk_path(p, sizeof p, &pl, leaves, 8, 5));
    CHECK_ERR(tc_chunk_verify_cached(&c, root2, 5, 8, img + 5 * 64, 64, p, pl), TC_ERR_FW_CHUNK);
}

int main(void)
{
    RUN(test_count_and_len);
    RUN(test_matches_history_tree);
    RUN(test_refusals);
    RUN(test_streaming_root);
    RUN(test_cached_matches_full);
    return test_summary();
}
