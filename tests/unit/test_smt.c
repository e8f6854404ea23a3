/* State tree (include/tc/smt.h): roots against a naive reference written
 * from the definition, proofs, tampering, determinism. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "test.h"
#include "tc/crypto.h"
#include "tc/kv.h"
#include "tc/smt.h"

/* ---- naive reference: the definition evaluated directly over 256 levels ----
 * H_S(keys at prefix, depth): no key -> 32 zero bytes; one key ->
 * SHA-256(0x02 || key || value); else SHA-256(0x03 || H(bit d = 0) || H(bit d = 1)). */
typedef struct { uint8_t k[32], v[32]; } kvp;

static int bit_of(const uint8_t *k, unsigned i) { return (k[i / 8] >> (7 - i % 8)) & 1; }

static void ref_hash(uint8_t out[32], kvp *const *set, size_t n, unsigned d)
{
    uint8_t buf[65];
    if (n == 0) { memset(out, 0, 32); return; }
    if (n == 1) {
        buf[0] = 2; memcpy(buf + 1, set[0]->k, 32); memcpy(buf + 33, set[0]->v, 32);
        tc_sha256(out, buf, 65);
        return;
    }
    if (d >= 256) { memset(out, 0xee, 32); return; } /* cannot happen: distinct keys */
    kvp **l = malloc(n * sizeof *l), **r = malloc(n * sizeof *r);
    size_t nl = 0, nr = 0;
    for (size_t i = 0; i < n; i++) { if (bit_of(set[i]->k, d)) r[nr++] = set[i]; else l[nl++] = set[i]; }
    buf[0] = 3;
    ref_hash(buf + 1, l, nl, d + 1);
    ref_hash(buf + 33, r, nr, d + 1);
    tc_sha256(out, buf, 65);
    free(l); free(r);
}

static void ref_root(uint8_t out[32], kvp *all, size_t n)
{
    kvp **set = malloc((n ? n : 1) * sizeof *set);
    for (size_t i = 0; i < n; i++) set[i] = &all[i];
    ref_hash(out, set, n, 0);
    free(set);
}

static uint64_t rng_ = 0x9e3779b97f4a7c15ull;
static uint64_t rnd(void) { rng_ ^= rng_ << 13; rng_ ^= rng_ >> 7; rng_ ^= rng_ << 17; return rng_; }
static void rnd_bytes(uint8_t *p, size_t n) { for (size_t i = 0; i < n; i++) p[i] = (uint8_t)rnd(); }

/* Random keys, some sharing long prefixes with earlier ones (deep leaves,
 * down to keys that differ only in bit 255). */
static void make_key(uint8_t k[32], const kvp *prev, size_t nprev)
{
    rnd_bytes(k, 32);
    if (nprev && rnd() % 4 == 0) {
        const uint8_t *p = prev[rnd() % nprev].k;
        unsigned share = (unsigned)(rnd() % 256);
        if (rnd() % 8 == 0) share = 255;
        memcpy(k, p, 32);
        k[share / 8] ^= (uint8_t)(0x80 >> (share % 8)); /* differ at bit `share` */
        for (unsigned i = share + 1; i < 256; i++)
            if (rnd() & 1) k[i / 8] ^= (uint8_t)(0x80 >> (i % 8));
    }
}

static int find(const kvp *s, size_t n, const uint8_t *k)
{
    for (size_t i = 0; i < n; i++) if (memcmp(s[i].k, k, 32) == 0) return (int)i;
    return -1;
}

static void test_empty_and_single(void)
{
    tc_kv *kv; tc_smt *t;
    uint8_t root[32], zero[32] = { 0 }, k[32], v[32], lh[32];
    CHECK_OK(tc_kv_mem_open(&kv));
    CHECK_OK(tc_smt_open(&t, kv, 4));
    CHECK_OK(tc_smt_root(t, root, 0));
    CHECK_MEM(root, zero, 32);
    rnd_bytes(k, 32); rnd_bytes(v, 32);
    tc_smt_update u; memcpy(u.key, k, 32); memcpy(u.value, v, 32); u.del = 0;
    CHECK_OK(tc_smt_apply(t, root, &u, 1));
    tc_smt_leaf_hash(lh, k, v);
    CHECK_MEM(root, lh, 32);
    uint8_t proof[TC_SMT_PROOF_MAX]; size_t pl;
    CHECK_OK(tc_smt_prove(t, proof, sizeof proof, &pl, 1, k));
    CHECK_OK(tc_smt_verify(root, k, v, proof, pl));
    CHECK_OK(tc_smt_prove(t, proof, sizeof proof, &pl, 0, k)); /* empty tree: absent */
    CHECK_OK(tc_smt_verify(zero, k, NULL, proof, pl));
    u.del = 1;
    CHECK_OK(tc_smt_apply(t, root, &u, 1));
    CHECK_MEM(root, zero, 32);
    tc_smt_close(t); tc_kv_close(kv);
}

/* Random batches of puts and deletes; after each, the root equals the
 * reference, every present key proves its value and absent keys prove absence. */
static void test_random_against_reference(void)
{
    enum { MAXK = 400 };
    static kvp set[MAXK];
    size_t n = 0;
    tc_kv *kv; tc_smt *t;
    CHECK_OK(tc_kv_mem_open(&kv));
    CHECK_OK(tc_smt_open(&t, kv, 3));
    for (int round = 0; round < 12; round++) {
        tc_smt_update ups[120];
        size_t nu = 0, want = 1 + rnd() % 100;
        while (nu < want) {
            tc_smt_update *u = &ups[nu];
            int existing = n && rnd() % 3 == 0;
            if (existing) memcpy(u->key, set[rnd() % n].k, 32);
            else make_key(u->key, set, n);
            int dup = 0;
            for (size_t j = 0; j < nu; j++) if (memcmp(ups[j].key, u->key, 32) == 0) dup = 1;
            if (dup) continue;
            u->del = existing ? (int)(rnd() % 2) : (rnd() % 10 == 0); /* some deletes of absent keys */
            rnd_bytes(u->value, 32);
            nu++;
        }
        for (size_t j = 0; j < nu; j++) {
            int at = find(set, n, ups[j].key);
            if (ups[j].del) { if (at >= 0) set[at] = set[--n]; }
            else if (at >= 0) memcpy(set[at].v, ups[j].value, 32);
            else if (n < MAXK) { memcpy(set[n].k, ups[j].key, 32); memcpy(set[n].v, ups[j].value, 32); n++; }
            else ups[j].del = 1; /* keep the reference in sync at the cap */
        }
        uint8_t root[32], want_root[32];
        CHECK_OK(tc_smt_apply(t, root, ups, nu));
        ref_root(want_root, set, n);
        CHECK_MSG(memcmp(root, want_root, 32) == 0, "round %d, %zu keys", round, n);
        uint8_t proof[TC_SMT_PROOF_MAX]; size_t pl;
        for (size_t i = 0; i < n; i++) {
            uint8_t got[32];
            CHECK_OK(tc_smt_get(t, got, tc_smt_version(t), set[i].k));
            CHECK_MEM(got, set[i].v, 32);
            CHECK_OK(tc_smt_prove(t, proof, sizeof proof, &pl, tc_smt_version(t), set[i].k));
            CHECK_OK(tc_smt_verify(root, set[i].k, set[i].v, proof, pl));
            CHECK_ERR(tc_smt_verify(root, set[i].k, NULL, proof, pl), TC_ERR_SMT_PROOF);
        }
        for (int j = 0; j < 50; j++) {
            uint8_t k[32], got[32];
            make_key(k, set, n);
            if (find(set, n, k) >= 0) continue;
            CHECK_ERR(tc_smt_get(t, got, tc_smt_version(t), k), TC_ERR_NOT_FOUND);
            CHECK_OK(tc_smt_prove(t, proof, sizeof proof, &pl, tc_smt_version(t), k));
            CHECK_OK(tc_smt_verify(root, k, NULL, proof, pl));
            CHECK_ERR(tc_smt_verify(root, k, got, proof, pl), TC_ERR_SMT_PROOF);
        }
    }
    tc_smt_close(t); tc_kv_close(kv);
}

/* Same batch, different orders -> same root; duplicate keys rejected. */
static void test_order_independent(void)
{
    enum { N = 200 };
    static tc_smt_update ups[N];
    for (size_t i = 0; i < N; i++) { rnd_bytes(ups[i].key, 32); rnd_bytes(ups[i].value, 32); ups[i].del = 0; }
    uint8_t first[32];
    for (int trial = 0; trial < 4; trial++) {
        for (size_t i = N - 1; i > 0; i--) {
            size_t j = rnd() % (i + 1);
            tc_smt_update x = ups[i]; ups[i] = ups[j]; ups[j] = x;
        }
        tc_kv *kv; tc_smt *t; uint8_t root[32];
        CHECK_OK(tc_kv_mem_open(&kv));
        CHECK_OK(tc_smt_open(&t, kv, 1));
        /* apply in two batches split at a random point, also order-free */
        size_t cut = trial == 0 ? N : rnd() % N;
        CHECK_OK(tc_smt_apply(t, root, ups, cut));
        CHECK_OK(tc_smt_apply(t, root, ups + cut, N - cut));
        if (trial == 0) memcpy(first, root, 32);
        CHECK_MEM(root, first, 32);
        tc_smt_update dup[2] = { ups[0], ups[0] };
        CHECK_ERR(tc_smt_apply(t, root, dup, 2), TC_ERR_INVALID_ARG);
        tc_smt_close(t); tc_kv_close(kv);
    }
}

static int count_rec(void *ctx, const uint8_t *k, size_t kl, const uint8_t *v, size_t vl)
{
    (void)k; (void)kl; (void)v; (void)vl;
    ++*(size_t *)ctx;
    return 0;
}

/* Dry run: the same root as the real apply, nothing written, the version
 * unchanged; a real apply afterwards works from the unchanged tree. */
static void test_dry_run(void)
{
    enum { N = 300 };
    static tc_smt_update ups[N];
    for (size_t i = 0; i < N; i++) { rnd_bytes(ups[i].key, 32); rnd_bytes(ups[i].value, 32); ups[i].del = 0; }
    tc_kv *kv; tc_smt *t;
    uint8_t dry[32], real[32], r0[32];
    CHECK_OK(tc_kv_mem_open(&kv));
    CHECK_OK(tc_smt_open(&t, kv, 2));
    CHECK_OK(tc_smt_apply(t, r0, ups, N / 2));
    size_t before = 0, after = 0;
    CHECK_OK(tc_kv_scan(kv, (const uint8_t *)"", 0, NULL, 0, count_rec, &before));
    ups[0].del = 1; /* a delete and an overwrite among the puts */
    rnd_bytes(ups[1].value, 32);
    tc_smt_set_dry_run(t, 1);
    CHECK_OK(tc_smt_apply(t, dry, ups, N));
    CHECK_OK(tc_kv_scan(kv, (const uint8_t *)"", 0, NULL, 0, count_rec, &after));
    CHECK_EQ(after, before);
    CHECK_OK(tc_smt_root(t, real, 1));
    CHECK_MEM(real, r0, 32);
    CHECK_ERR(tc_smt_root(t, real, 2), TC_ERR_SMT_VERSION);
    tc_smt_set_dry_run(t, 0);
    CHECK_OK(tc_smt_apply(t, real, ups, N));
    CHECK_MEM(real, dry, 32);
    CHECK(memcmp(real, r0, 32) != 0);
    tc_smt_close(t); tc_kv_close(kv);
}

/* Every single-bit flip, truncation and extension of a proof is rejected
 * with one of the two proof errors, as are wrong key/value/root. */
static void tamper_all(const uint8_t root[32], const uint8_t key[32], const uint8_t *val,
                       const uint8_t *proof, size_t pl, int *bad)
{
    uint8_t buf[TC_SMT_PROOF_MAX + 1];
    for (size_t i = 0; i < pl; i++)
        for (int b = 0; b < 8; b++) {
            memcpy(buf, proof, pl);
            buf[i] ^= (uint8_t)(1 << b);
            int rc = tc_smt_verify(root, key, val, buf, pl);
            if (rc != TC_ERR_SMT_PROOF && rc != TC_ERR_SMT_PROOF_FORMAT) { *bad = 1; return; }
        }
    for (size_t l = 0; l < pl; l++)
        if (tc_smt_verify(root, key, val, proof, l) != TC_ERR_SMT_PROOF_FORMAT) { *bad = 2; return; }
    memcpy(buf, proof, pl); buf[pl] = 0;
    if (tc_smt_verify(root, key, val, buf, pl + 1) != TC_ERR_SMT_PROOF_FORMAT) { *bad = 3; return; }
    uint8_t k2[32], v2[32], r2[32];
    /* (an absence proof also proves absence of other keys on the same
     * path, so the last-bit change is only a wrong key for membership) */
    memcpy(k2, key, 32); k2[31] ^= 1;
    if (val && tc_smt_verify(root, k2, val, proof, pl) != TC_ERR_SMT_PROOF) { *bad = 4; return; }
    memcpy(k2, key, 32); k2[0] ^= 0x80;
    if (tc_smt_verify(root, k2, val, proof, pl) != TC_ERR_SMT_PROOF) { *bad = 5; return; }
    if (val) {
        memcpy(v2, val, 32); v2[5] ^= 4;
        if (tc_smt_verify(root, key, v2, proof, pl) != TC_ERR_SMT_PROOF) { *bad = 6; return; }
    }
    memcpy(r2, root, 32); r2[9] ^= 1;
    if (tc_smt_verify(r2, key, val, proof, pl) != TC_ERR_SMT_PROOF) { *bad = 7; return; }
}

static void test_tampering(void)
{
    enum { N = 300 };
    static tc_smt_update ups[N];
    tc_kv *kv; tc_smt *t; uint8_t root[32], old_root[32];
    CHECK_OK(tc_kv_mem_open(&kv));
    CHECK_OK(tc_smt_open(&t, kv, 2));
    for (size_t i = 0; i < N; i++) { rnd_bytes(ups[i].key, 32); rnd_bytes(ups[i].value, 32); ups[i].del = 0; }
    /* a key sharing 200 bits with ups[0]: its absence proof ends at ups[0]'s leaf or deeper */
    uint8_t near[32];
    memcpy(near, ups[0].key, 32); near[25] ^= 0x80;
    CHECK_OK(tc_smt_apply(t, old_root, ups, N - 1));
    CHECK_OK(tc_smt_apply(t, root, ups + N - 1, 1));
    uint8_t proof[TC_SMT_PROOF_MAX]; size_t pl;
    int kinds_seen[3] = { 0, 0, 0 };
    for (int c = 0; c < 6; c++) {
        uint8_t k[32]; const uint8_t *v = NULL;
        if (c < 3) { memcpy(k, ups[c * 7].key, 32); v = ups[c * 7].value; }
        else if (c == 3) memcpy(k, near, 32);
        else rnd_bytes(k, 32);
        CHECK_OK(tc_smt_prove(t, proof, sizeof proof, &pl, 2, k));
        tc_smt_proof p;
        CHECK_OK(tc_smt_proof_decode(&p, proof, pl));
        kinds_seen[p.kind] = 1;
        CHECK_OK(tc_smt_verify(root, k, v, proof, pl));
        int bad = 0;
        tamper_all(root, k, v, proof, pl, &bad);
        CHECK_MSG(bad == 0, "case %d: tampering %d accepted", c, bad);
        /* the previous version's root does not accept this version's proof of the new key */
        /* wrong bitmap: move a set bit to another level, re-encode */
        if (p.depth >= 2) {
            tc_smt_proof q = p;
            unsigned a = 0;
            while (a + 1 < p.depth && !((q.bitmap[a / 8] >> (7 - a % 8)) & 1)) a++;
            unsigned z = 0;
            while (z + 1 < p.depth && ((q.bitmap[z / 8] >> (7 - z % 8)) & 1)) z++;
            if (a + 1 < p.depth && z + 1 < p.depth && !((q.bitmap[z / 8] >> (7 - z % 8)) & 1)) {
                q.bitmap[a / 8] ^= (uint8_t)(0x80 >> (a % 8));
                q.bitmap[z / 8] ^= (uint8_t)(0x80 >> (z % 8));
                uint8_t enc[TC_SMT_PROOF_MAX]; size_t el;
                CHECK_OK(tc_smt_proof_encode(enc, sizeof enc, &el, &q));
                CHECK_ERR(tc_smt_verify(root, k, v, enc, el), TC_ERR_SMT_PROOF);
            }
        }
    }
    CHECK(kinds_seen[0] && kinds_seen[2]);
    /* proof for the other root: the last key was added in version 2 */
    CHECK_OK(tc_smt_prove(t, proof, sizeof proof, &pl, 2, ups[N - 1].key));
    CHECK_ERR(tc_smt_verify(old_root, ups[N - 1].key, ups[N - 1].value, proof, pl), TC_ERR_SMT_PROOF);
    CHECK_OK(tc_smt_prove(t, proof, sizeof proof, &pl, 1, ups[N - 1].key));
    CHECK_OK(tc_smt_verify(old_root, ups[N - 1].key, NULL, proof, pl));
    CHECK_ERR(tc_smt_verify(root, ups[N - 1].key, NULL, proof, pl), TC_ERR_SMT_PROOF);
    /* buffer too small reports the size */
    size_t need = 0;
    CHECK_ERR(tc_smt_prove(t, proof, 3, &need, 2, ups[0].key), TC_ERR_BUFFER_TOO_SMALL);
    CHECK_OK(tc_smt_prove(t, NULL, 0, &pl, 2, ups[0].key));
    CHECK_EQ(need, pl);
    tc_smt_close(t); tc_kv_close(kv);
}

/* An absence proof whose terminal is another key's leaf (kind 2). */
static void test_absent_other_leaf(void)
{
    tc_kv *kv; tc_smt *t; uint8_t root[32];
    tc_smt_update u[2];
    memset(u, 0, sizeof u);
    u[0].key[0] = 0x00; u[1].key[0] = 0x80; /* split at bit 0 */
    u[0].value[0] = 1; u[1].value[0] = 2;
    CHECK_OK(tc_kv_mem_open(&kv));
    CHECK_OK(tc_smt_open(&t, kv, 1));
    CHECK_OK(tc_smt_apply(t, root, u, 2));
    uint8_t k[32] = { 0x40 }; /* shares bit 0 with u[0] */
    uint8_t proof[TC_SMT_PROOF_MAX]; size_t pl;
    CHECK_OK(tc_smt_prove(t, proof, sizeof proof, &pl, 1, k));
    tc_smt_proof p;
    CHECK_OK(tc_smt_proof_decode(&p, proof, pl));
    CHECK_EQ(p.kind, TC_SMT_ABSENT_OTHER);
    CHECK_EQ(p.depth, 1);
    CHECK_OK(tc_smt_verify(root, k, NULL, proof, pl));
    /* claiming the other leaf for a key off its path is rejected */
    uint8_t k2[32] = { 0xc0 };
    CHECK_ERR(tc_smt_proof_check(root, k2, NULL, &p), TC_ERR_SMT_PROOF);
    /* the other leaf's own key cannot be "absent" through it */
    CHECK_ERR(tc_smt_proof_check(root, u[0].key, NULL, &p), TC_ERR_SMT_PROOF);
    int bad = 0;
    tamper_all(root, k, NULL, proof, pl, &bad);
    CHECK_MSG(bad == 0, "tampering %d accepted", bad);
    /* add 0x20..: {0x00, 0x20} split at bit 2, so the slot 01.. is empty (kind 1) */
    tc_smt_update u3;
    memset(&u3, 0, sizeof u3);
    u3.key[0] = 0x20; u3.value[0] = 3;
    CHECK_OK(tc_smt_apply(t, root, &u3, 1));
    CHECK_OK(tc_smt_prove(t, proof, sizeof proof, &pl, 2, k));
    CHECK_OK(tc_smt_proof_decode(&p, proof, pl));
    CHECK_EQ(p.kind, TC_SMT_ABSENT_EMPTY);
    CHECK_EQ(p.depth, 2);
    CHECK_OK(tc_smt_verify(root, k, NULL, proof, pl));
    tamper_all(root, k, NULL, proof, pl, &bad);
    CHECK_MSG(bad == 0, "tampering %d accepted (empty slot)", bad);
    tc_smt_close(t); tc_kv_close(kv);
}

static void test_decoder_rejects(void)
{
    /* hand-made encodings: each must be TC_ERR_SMT_PROOF_FORMAT */
    static const uint8_t cases[][12] = {
        { 0x83, 0x00, 0x00, 0x40 },             /* 3 items */
        { 0x84, 0x03, 0x00, 0x40, 0x40 },       /* kind 3 */
        { 0x84, 0x02, 0x00, 0x40, 0x40 },       /* kind 2 with 4 items */
        { 0x84, 0x01, 0x01, 0x40, 0x40 },       /* depth 1, no bitmap byte */
        { 0x84, 0x01, 0x01, 0x41, 0x00, 0x40 }, /* last level's sibling missing */
        { 0x84, 0x01, 0x01, 0x41, 0xc0, 0x40 }, /* unused bitmap bit set */
        { 0x84, 0x01, 0x01, 0x41, 0x80, 0x40 }, /* sibling count mismatch */
        { 0x84, 0x01, 0x19, 0x01, 0x01, 0x40, 0x40 }, /* depth 257 */
        { 0x84, 0x01, 0x18, 0x00, 0x40, 0x40 }, /* non-shortest depth */
        { 0x84, 0x01, 0x00, 0x40, 0x40, 0x00 }, /* trailing byte */
        { 0x84, 0x01, 0x00, 0x40, 0x60 },       /* text, not bytes */
    };
    static const size_t lens[] = { 4, 5, 5, 5, 6, 6, 6, 7, 6, 6, 5 };
    tc_smt_proof p;
    for (size_t i = 0; i < sizeof lens / sizeof lens[0]; i++)
        CHECK_MSG(tc_smt_proof_decode(&p, cases[i], lens[i]) == TC_ERR_SMT_PROOF_FORMAT, "case %zu", i);
    static const uint8_t ok[] = { 0x84, 0x01, 0x00, 0x40, 0x40 }; /* empty tree, absent */
    CHECK_OK(tc_smt_proof_decode(&p, ok, sizeof ok));
    uint8_t zero[32] = { 0 }, k[32] = { 7 };
    CHECK_OK(tc_smt_verify(zero, k, NULL, ok, sizeof ok));
}

int main(void)
{
    if (tc_crypto_init()) return 1;
    RUN(test_empty_and_single);
    RUN(test_random_against_reference);
    RUN(test_order_independent);
    RUN(test_dry_run);
    RUN(test_tampering);
    RUN(test_absent_other_leaf);
    RUN(test_decoder_rejects);
    return test_summary();
}
