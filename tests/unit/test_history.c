/* History tree against a naive implementation written from the definitions
 * of RFC 9162 §2.1.1 (MTH), §2.1.3.1 (PATH) and §2.1.4.1 (PROOF/SUBPROOF):
 * every size 0..2000 (roots at every size, sampled indices and old sizes),
 * exhaustive proofs for small trees, the RFC's edge cases and tampered
 * proofs rejected with the specific TC_ERR_MERKLE_* code. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "tc/crypto.h"
#include "tc/history.h"
#include "tc/kv.h"
#include "test.h"

#define H 32
#define MAXN 2000

/* ---- the naive reference, straight from the RFC text ---- */

static uint8_t leaves[2 * MAXN + 64][H]; /* leaf hashes of the test data */

static void ref_hash_node(uint8_t out[H], const uint8_t l[H], const uint8_t r[H])
{
    uint8_t buf[1 + 2 * H];
    buf[0] = 1;
    memcpy(buf + 1, l, H);
    memcpy(buf + 1 + H, r, H);
    tc_sha256(out, buf, sizeof buf);
}

/* "k is the largest power of two smaller than n (i.e., k < n <= 2k)" */
static size_t ref_k(size_t n)
{
    size_t k = 1;
    while (2 * k < n) k *= 2;
    return k;
}

static void ref_mth(uint8_t out[H], const uint8_t (*d)[H], size_t n)
{
    if (n == 0) { tc_sha256(out, "", 0); return; }
    if (n == 1) { memcpy(out, d[0], H); return; }
    size_t k = ref_k(n);
    uint8_t l[H], r[H];
    ref_mth(l, d, k);
    ref_mth(r, d + k, n - k);
    ref_hash_node(out, l, r);
}

/* PATH(m, D[n]); returns the number of hashes written to out. */
static size_t ref_path(uint8_t (*out)[H], size_t m, const uint8_t (*d)[H], size_t n)
{
    if (n == 1) return 0;
    size_t k = ref_k(n), c;
    if (m < k) {
        c = ref_path(out, m, d, k);
        ref_mth(out[c], d + k, n - k);
    } else {
        c = ref_path(out, m - k, d + k, n - k);
        ref_mth(out[c], d, k);
    }
    return c + 1;
}

static size_t ref_subproof(uint8_t (*out)[H], size_t m, const uint8_t (*d)[H], size_t n, int b)
{
    if (m == n) {
        if (b) return 0;
        ref_mth(out[0], d, n);
        return 1;
    }
    size_t k = ref_k(n), c;
    if (m <= k) {
        c = ref_subproof(out, m, d, k, b);
        ref_mth(out[c], d + k, n - k);
    } else {
        c = ref_subproof(out, m - k, d + k, n - k, 0);
        ref_mth(out[c], d, k);
    }
    return c + 1;
}

/* PROOF(m, D[n]) for 0 < m < n; the empty proof for m == 0 or m == n. */
static size_t ref_proof(uint8_t (*out)[H], size_t m, const uint8_t (*d)[H], size_t n)
{
    if (m == 0 || m == n) return 0;
    return ref_subproof(out, m, d, n, 1);
}

/* ---- fixtures ---- */

static uint64_t rng = 0x9e3779b97f4a7c15ull;
static uint64_t rnd(uint64_t bound)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return bound ? rng % bound : 0;
}

/* Leaf i's data: its index plus i % 7 extra bytes (lengths vary, incl. 0). */
static size_t leaf_data(uint8_t *buf, size_t i)
{
    if (i % 11 == 3) return 0;
    size_t n = 0;
    buf[n++] = (uint8_t)(i >> 8); /* leaves differ for i < 65536 */
    buf[n++] = (uint8_t)i;
    for (size_t j = 0; j < i % 7; j++) buf[n++] = (uint8_t)(i * 31 + j);
    return n;
}

static void make_leaves(void)
{
    uint8_t buf[1 + 16];
    for (size_t i = 0; i < sizeof leaves / sizeof leaves[0]; i++) {
        buf[0] = 0x00; /* RFC 9162 §2.1.1 leaf prefix, computed independently */
        size_t n = leaf_data(buf + 1, i);
        tc_sha256(leaves[i], buf, n + 1);
    }
}

static tc_kv *kv;
static tc_hist *hist;

static int append_leaf(tc_hist *h, size_t i)
{
    uint8_t buf[16];
    size_t n = leaf_data(buf, i);
    return tc_hist_append(h, buf, n);
}

/* ---- tests ---- */

static void test_hash_primitives(void)
{
    uint8_t a[H], b[H];
    tc_hist_empty_root(a);
    tc_sha256(b, "", 0);
    CHECK_MEM(a, b, H);
    uint8_t d[16];
    for (size_t i = 0; i < 20; i++) {
        size_t n = leaf_data(d, i);
        tc_hist_leaf_hash(a, d, n);
        CHECK_MEM(a, leaves[i], H);
    }
    ref_hash_node(b, leaves[0], leaves[1]);
    tc_hist_node_hash(a, leaves[0], leaves[1]);
    CHECK_MEM(a, b, H);
    memcpy(a, leaves[0], H); /* aliasing output and input is allowed */
    tc_hist_node_hash(a, a, leaves[1]);
    CHECK_MEM(a, b, H);
}

/* Every size 0..MAXN: root, a past root, sampled inclusion and consistency
 * proofs compared with the reference, and verified. */
static void test_every_size(void)
{
    uint8_t got[TC_HIST_MAX_PROOF][H], want[TC_HIST_MAX_PROOF][H], root[H], r2[H];
    for (size_t n = 0; n <= MAXN; n++) {
        CHECK_EQ(tc_hist_size(hist), n);
        tc_hist_root(hist, root);
        ref_mth(r2, leaves, n);
        CHECK_MSG(memcmp(root, r2, H) == 0, "root at size %zu", n);

        size_t m = (size_t)rnd(n + 1);
        CHECK_OK(tc_hist_root_at(hist, got[0], m));
        ref_mth(want[0], leaves, m);
        CHECK_MSG(memcmp(got[0], want[0], H) == 0, "past root %zu at size %zu", m, n);

        if (n > 0) {
            size_t idx[4] = {0, n - 1, (size_t)rnd(n), (size_t)rnd(n)};
            for (int t = 0; t < 4; t++) {
                size_t cnt = 0, wn;
                CHECK_OK(tc_hist_prove_inclusion(hist, got[0], TC_HIST_MAX_PROOF, &cnt, idx[t], n));
                CHECK_OK(tc_hist_inclusion_len(&wn, idx[t], n));
                CHECK_EQ(cnt, wn);
                if (t >= 2 || n < 300) {
                    size_t rn = ref_path(want, idx[t], leaves, n);
                    CHECK_EQ(cnt, rn);
                    CHECK_MSG(memcmp(got, want, cnt * H) == 0, "path %zu of %zu", idx[t], n);
                }
                CHECK_OK(tc_hist_verify_inclusion(root, idx[t], n, leaves[idx[t]], got[0], cnt));
            }
        }
        size_t olds[3] = {(size_t)rnd(n + 1), (size_t)rnd(n + 1), n / 2};
        for (int t = 0; t < 3; t++) {
            size_t cnt = 0, wn, o = olds[t];
            CHECK_OK(tc_hist_prove_consistency(hist, got[0], TC_HIST_MAX_PROOF, &cnt, o, n));
            CHECK_OK(tc_hist_consistency_len(&wn, o, n));
            CHECK_EQ(cnt, wn);
            if (t < 2) {
                size_t rn = ref_proof(want, o, leaves, n);
                CHECK_EQ(cnt, rn);
                CHECK_MSG(memcmp(got, want, cnt * H) == 0, "consistency %zu -> %zu", o, n);
            }
            ref_mth(r2, leaves, o);
            CHECK_OK(tc_hist_verify_consistency(o, n, r2, root, got[0], cnt));
        }
        if (n < MAXN) {
            CHECK_OK(append_leaf(hist, n));
            CHECK_OK(tc_hist_flush(hist));
        }
    }
}

/* Every index and every old size for trees up to 70 leaves. */
static void test_exhaustive_small(void)
{
    uint8_t got[TC_HIST_MAX_PROOF][H], want[TC_HIST_MAX_PROOF][H], root[H], old_root[H];
    for (size_t n = 1; n <= 70; n++) {
        ref_mth(root, leaves, n);
        for (size_t i = 0; i < n; i++) {
            size_t cnt;
            CHECK_OK(tc_hist_prove_inclusion(hist, got[0], TC_HIST_MAX_PROOF, &cnt, i, n));
            CHECK_EQ(cnt, ref_path(want, i, leaves, n));
            CHECK_MEM(got, want, cnt * H);
            CHECK_OK(tc_hist_verify_inclusion(root, i, n, leaves[i], got[0], cnt));
        }
        for (size_t m = 0; m <= n; m++) {
            size_t cnt;
            CHECK_OK(tc_hist_prove_consistency(hist, got[0], TC_HIST_MAX_PROOF, &cnt, m, n));
            CHECK_EQ(cnt, ref_proof(want, m, leaves, n));
            CHECK_MEM(got, want, cnt * H);
            ref_mth(old_root, leaves, m);
            CHECK_OK(tc_hist_verify_consistency(m, n, old_root, root, got[0], cnt));
        }
    }
}

/* RFC edge cases: size 0 and 1, powers of two, m == n, m == 0. */
static void test_edge_cases(void)
{
    uint8_t empty[H], root[H], r[H], proof[TC_HIST_MAX_PROOF * H];
    size_t cnt = 99;
    tc_sha256(empty, "", 0);
    CHECK_OK(tc_hist_root_at(hist, r, 0));
    CHECK_MEM(r, empty, H);
    CHECK_OK(tc_hist_root_at(hist, r, 1));
    CHECK_MEM(r, leaves[0], H);
    /* size 1: the proof of leaf 0 is empty and the root is the leaf hash */
    CHECK_OK(tc_hist_prove_inclusion(hist, proof, TC_HIST_MAX_PROOF, &cnt, 0, 1));
    CHECK_EQ(cnt, 0);
    CHECK_OK(tc_hist_verify_inclusion(leaves[0], 0, 1, leaves[0], NULL, 0));
    CHECK_ERR(tc_hist_verify_inclusion(leaves[1], 0, 1, leaves[0], NULL, 0), TC_ERR_MERKLE_PROOF);
    /* size 0: no leaf can be in it */
    CHECK_ERR(tc_hist_prove_inclusion(hist, proof, TC_HIST_MAX_PROOF, &cnt, 0, 0), TC_ERR_MERKLE_INDEX);
    CHECK_ERR(tc_hist_verify_inclusion(empty, 0, 0, leaves[0], NULL, 0), TC_ERR_MERKLE_INDEX);
    /* m == 0 and m == n: empty proofs */
    for (size_t n = 0; n <= 1024; n = n ? n * 2 : 1) {
        ref_mth(root, leaves, n);
        CHECK_OK(tc_hist_prove_consistency(hist, proof, TC_HIST_MAX_PROOF, &cnt, 0, n));
        CHECK_EQ(cnt, 0);
        CHECK_OK(tc_hist_verify_consistency(0, n, empty, root, NULL, 0));
        CHECK_OK(tc_hist_prove_consistency(hist, proof, TC_HIST_MAX_PROOF, &cnt, n, n));
        CHECK_EQ(cnt, 0);
        CHECK_OK(tc_hist_verify_consistency(n, n, root, root, NULL, 0));
        if (n > 0) {
            /* m == n needs equal roots; m == 0 needs the empty root */
            CHECK_ERR(tc_hist_verify_consistency(n, n, root, empty, NULL, 0), TC_ERR_MERKLE_PROOF);
            CHECK_ERR(tc_hist_verify_consistency(0, n, root, root, NULL, 0), TC_ERR_MERKLE_PROOF);
            /* powers of two: the proof from n/2 is the one right subtree */
            if (n >= 2) {
                CHECK_OK(tc_hist_prove_consistency(hist, proof, TC_HIST_MAX_PROOF, &cnt, n / 2, n));
                CHECK_EQ(cnt, 1);
                ref_mth(r, leaves + n / 2, n / 2);
                CHECK_MEM(proof, r, H);
                /* the last leaf of a power-of-two tree: log2(n) hashes */
                CHECK_OK(tc_hist_prove_inclusion(hist, proof, TC_HIST_MAX_PROOF, &cnt, n - 1, n));
                size_t lg = 0;
                while (((size_t)1 << lg) < n) lg++;
                CHECK_EQ(cnt, lg);
            }
        }
    }
    CHECK_ERR(tc_hist_prove_consistency(hist, proof, TC_HIST_MAX_PROOF, &cnt, 5, 4), TC_ERR_MERKLE_INDEX);
    CHECK_ERR(tc_hist_verify_consistency(5, 4, empty, empty, NULL, 0), TC_ERR_MERKLE_INDEX);
    CHECK_ERR(tc_hist_root_at(hist, r, MAXN + 1), TC_ERR_MERKLE_INDEX);
    CHECK_ERR(tc_hist_prove_inclusion(hist, proof, TC_HIST_MAX_PROOF, &cnt, 0, MAXN + 1), TC_ERR_MERKLE_INDEX);
    /* a short output buffer */
    CHECK_ERR(tc_hist_prove_inclusion(hist, proof, 3, &cnt, 5, 1000), TC_ERR_BUFFER_TOO_SMALL);
    /* maximal lengths: 64 for inclusion, 65 for consistency */
    CHECK_OK(tc_hist_inclusion_len(&cnt, 0, UINT64_MAX));
    CHECK_EQ(cnt, 64);
    CHECK_OK(tc_hist_inclusion_len(&cnt, UINT64_MAX - 1, UINT64_MAX)); /* right edge: 63 */
    CHECK_EQ(cnt, 63);
    CHECK_OK(tc_hist_consistency_len(&cnt, UINT64_MAX - 1, UINT64_MAX));
    CHECK(cnt <= TC_HIST_MAX_PROOF);
    CHECK_OK(tc_hist_consistency_len(&cnt, ((uint64_t)1 << 63) - 1, ((uint64_t)1 << 63) + 1));
    CHECK(cnt <= TC_HIST_MAX_PROOF);
}

static int incl_expect(size_t plen, uint64_t index, uint64_t size)
{
    size_t want;
    if (tc_hist_inclusion_len(&want, index, size)) return TC_ERR_MERKLE_INDEX;
    return want == plen ? TC_ERR_MERKLE_PROOF : TC_ERR_MERKLE_PROOF_LEN;
}

static int cons_expect(size_t plen, uint64_t old, uint64_t size)
{
    size_t want;
    if (tc_hist_consistency_len(&want, old, size)) return TC_ERR_MERKLE_INDEX;
    return want == plen ? TC_ERR_MERKLE_PROOF : TC_ERR_MERKLE_PROOF_LEN;
}

static void test_tampered_inclusion(void)
{
    static const size_t cases[][2] = {{0, 2}, {1, 2}, {2, 3}, {5, 8}, {6, 7}, {0, 1000},
                                      {999, 1000}, {513, 1000}, {1023, 1025}, {1024, 1025}};
    uint8_t p[TC_HIST_MAX_PROOF + 1][H], root[H];
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        size_t i = cases[c][0], n = cases[c][1], cnt;
        ref_mth(root, leaves, n);
        CHECK_OK(tc_hist_prove_inclusion(hist, p[0], TC_HIST_MAX_PROOF, &cnt, i, n));
        CHECK_OK(tc_hist_verify_inclusion(root, i, n, leaves[i], p[0], cnt));
        /* every bit of every hash, of the leaf and of the root */
        for (size_t b = 0; b < cnt * H * 8; b += 7) {
            p[b / (H * 8)][b / 8 % H] ^= (uint8_t)(1u << (b % 8));
            CHECK_ERR(tc_hist_verify_inclusion(root, i, n, leaves[i], p[0], cnt), TC_ERR_MERKLE_PROOF);
            p[b / (H * 8)][b / 8 % H] ^= (uint8_t)(1u << (b % 8));
        }
        CHECK_ERR(tc_hist_verify_inclusion(root, i, n, leaves[i + 1], p[0], cnt), TC_ERR_MERKLE_PROOF);
        root[31] ^= 0x80;
        CHECK_ERR(tc_hist_verify_inclusion(root, i, n, leaves[i], p[0], cnt), TC_ERR_MERKLE_PROOF);
        root[31] ^= 0x80;
        /* wrong index; wrong size, with that size's genuine root (a header
         * binds size and root: the size alone is not what the proof proves) */
        for (size_t j = 0; j < n && j < 40; j++) {
            if (j == i) continue;
            CHECK_ERR(tc_hist_verify_inclusion(root, j, n, leaves[i], p[0], cnt), incl_expect(cnt, j, n));
        }
        CHECK_ERR(tc_hist_verify_inclusion(root, n, n, leaves[i], p[0], cnt), TC_ERR_MERKLE_INDEX);
        uint8_t other[H];
        ref_mth(other, leaves, n + 1);
        CHECK_ERR(tc_hist_verify_inclusion(other, i, n + 1, leaves[i], p[0], cnt), incl_expect(cnt, i, n + 1));
        if (i < n - 1) {
            ref_mth(other, leaves, n - 1);
            CHECK_ERR(tc_hist_verify_inclusion(other, i, n - 1, leaves[i], p[0], cnt), incl_expect(cnt, i, n - 1));
        }
        ref_mth(other, leaves, n * 2);
        CHECK_ERR(tc_hist_verify_inclusion(other, i, n * 2, leaves[i], p[0], cnt), incl_expect(cnt, i, n * 2));
        /* extra and missing hashes */
        memcpy(p[cnt], p[0], H);
        CHECK_ERR(tc_hist_verify_inclusion(root, i, n, leaves[i], p[0], cnt + 1), TC_ERR_MERKLE_PROOF_LEN);
        if (cnt > 0) {
            CHECK_ERR(tc_hist_verify_inclusion(root, i, n, leaves[i], p[0], cnt - 1), TC_ERR_MERKLE_PROOF_LEN);
            CHECK_ERR(tc_hist_verify_inclusion(root, i, n, leaves[i], p[1], cnt - 1), TC_ERR_MERKLE_PROOF_LEN);
        }
    }
}

static void test_tampered_consistency(void)
{
    static const size_t cases[][2] = {{1, 2}, {2, 3}, {3, 4}, {4, 8}, {3, 7}, {6, 8},
                                      {1, 1000}, {999, 1000}, {512, 1000}, {700, 1025}};
    uint8_t p[TC_HIST_MAX_PROOF + 1][H], o_root[H], n_root[H], other[H];
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        size_t m = cases[c][0], n = cases[c][1], cnt;
        ref_mth(o_root, leaves, m);
        ref_mth(n_root, leaves, n);
        CHECK_OK(tc_hist_prove_consistency(hist, p[0], TC_HIST_MAX_PROOF, &cnt, m, n));
        CHECK_OK(tc_hist_verify_consistency(m, n, o_root, n_root, p[0], cnt));
        for (size_t b = 0; b < cnt * H * 8; b += 5) {
            p[b / (H * 8)][b / 8 % H] ^= (uint8_t)(1u << (b % 8));
            CHECK_ERR(tc_hist_verify_consistency(m, n, o_root, n_root, p[0], cnt), TC_ERR_MERKLE_PROOF);
            p[b / (H * 8)][b / 8 % H] ^= (uint8_t)(1u << (b % 8));
        }
        /* the roots swapped, or of other sizes */
        CHECK_ERR(tc_hist_verify_consistency(m, n, n_root, o_root, p[0], cnt), TC_ERR_MERKLE_PROOF);
        ref_mth(other, leaves, m + 1);
        CHECK_ERR(tc_hist_verify_consistency(m, n, other, n_root, p[0], cnt), TC_ERR_MERKLE_PROOF);
        ref_mth(other, leaves, n - 1);
        CHECK_ERR(tc_hist_verify_consistency(m, n, o_root, other, p[0], cnt), TC_ERR_MERKLE_PROOF);
        /* wrong sizes */
        for (size_t mm = 1; mm <= n + 1 && mm < 50; mm++) {
            if (mm == m) continue;
            CHECK_ERR(tc_hist_verify_consistency(mm, n, o_root, n_root, p[0], cnt), cons_expect(cnt, mm, n));
            if (mm > n) continue;
            ref_mth(other, leaves, mm);
            CHECK_ERR(tc_hist_verify_consistency(mm, n, other, n_root, p[0], cnt), cons_expect(cnt, mm, n));
        }
        ref_mth(other, leaves, n + 1);
        CHECK_ERR(tc_hist_verify_consistency(m, n + 1, o_root, other, p[0], cnt), cons_expect(cnt, m, n + 1));
        if (m < n - 1) {
            ref_mth(other, leaves, n - 1);
            CHECK_ERR(tc_hist_verify_consistency(m, n - 1, o_root, other, p[0], cnt), cons_expect(cnt, m, n - 1));
        }
        CHECK_ERR(tc_hist_verify_consistency(m, m - 1, o_root, n_root, p[0], cnt), TC_ERR_MERKLE_INDEX);
        memcpy(p[cnt], p[0], H);
        CHECK_ERR(tc_hist_verify_consistency(m, n, o_root, n_root, p[0], cnt + 1), TC_ERR_MERKLE_PROOF_LEN);
        CHECK_ERR(tc_hist_verify_consistency(m, n, o_root, n_root, p[0], cnt - 1), TC_ERR_MERKLE_PROOF_LEN);
        CHECK_ERR(tc_hist_verify_consistency(m, n, o_root, n_root, p[1], cnt - 1), TC_ERR_MERKLE_PROOF_LEN);
    }
}

int main(void)
{
    if (tc_crypto_init()) return 1;
    make_leaves();
    if (tc_kv_mem_open(&kv) || tc_hist_open(&hist, kv, (const uint8_t *)"h", 1)) return 1;
    RUN(test_hash_primitives);
    RUN(test_every_size); /* leaves the tree at MAXN leaves for the rest */
    RUN(test_exhaustive_small);
    RUN(test_edge_cases);
    RUN(test_tampered_inclusion);
    RUN(test_tampered_consistency);
    tc_hist_close(hist);
    tc_kv_close(kv);
    return test_summary();
}
