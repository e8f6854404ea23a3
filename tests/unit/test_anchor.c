/* The anchor digest tree (core/anchor_tree.c) against RFC 9162 §2.1.1's
 * recursive definition written out here, and its inclusion paths against
 * the history verifier a device runs (tc_hist_verify_inclusion), for every
 * size 1..TC_ANCHOR_DIGESTS_MAX and every leaf. */
#include <string.h>

#include "test.h"
#include "tc/anchor.h"
#include "tc/crypto.h"
#include "tc/history.h"

static uint8_t DG[TC_ANCHOR_DIGESTS_MAX][32];

/* MTH(D[n]) = SHA-256(0x01 || MTH(D[0:k]) || MTH(D[k:n])), k the largest
 * power of two < n; MTH({d}) = SHA-256(0x00 || d). */
static void mth(uint8_t out[32], size_t lo, size_t n)
{
    if (n == 1) {
        uint8_t b[33];
        b[0] = 0;
        memcpy(b + 1, DG[lo], 32);
        tc_sha256(out, b, sizeof b);
        return;
    }
    size_t k = 1;
    while (k * 2 < n) k *= 2;
    uint8_t b[65];
    b[0] = 1;
    mth(b + 1, lo, k);
    mth(b + 33, lo + k, n - k);
    tc_sha256(out, b, sizeof b);
}

static void test_root_and_paths(void)
{
    for (size_t i = 0; i < TC_ANCHOR_DIGESTS_MAX; i++) tc_sha256(DG[i], &i, sizeof i);
    for (size_t n = 1; n <= TC_ANCHOR_DIGESTS_MAX; n++) {
        uint8_t want[32], got[32], path[TC_ANCHOR_PATH_MAX * 32], leaf[32];
        mth(want, 0, n);
        tc_anchor_root(got, &DG[0][0], n);
        CHECK_MSG(memcmp(want, got, 32) == 0, "root differs at n = %zu", n);
        for (size_t i = 0; i < n; i++) {
            size_t pl, rl;
            tc_anchor_path(path, &pl, &DG[0][0], n, i);
            CHECK_OK(tc_hist_inclusion_len(&rl, i, n));
            CHECK_EQ(pl, rl);
            tc_hist_leaf_hash(leaf, DG[i], 32);
            CHECK_MSG(tc_hist_verify_inclusion(want, i, n, leaf, path, pl) == 0, "path %zu of %zu", i, n);
            /* the path does not prove another digest at that place */
            tc_hist_leaf_hash(leaf, DG[(i + 1) % TC_ANCHOR_DIGESTS_MAX], 32);
            CHECK(tc_hist_verify_inclusion(want, i, n, leaf, path, pl) != 0);
        }
    }
}

int main(void)
{
    tc_crypto_init();
    RUN(test_root_and_paths);
    return test_summary();
}
