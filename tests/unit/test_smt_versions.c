/* State tree versions and pruning, on the mem and SQLite backends, and the
 * same roots on both. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "test.h"
#include "tc/alloc.h"
#include "tc/crypto.h"
#include "tc/kv.h"
#include "tc/smt.h"

static char path_[256];

static void db_path(void)
{
    const char *tmp = getenv("TMPDIR");
    snprintf(path_, sizeof path_, "%s/tc_test_smt_%ld.db", tmp ? tmp : "/tmp", (long)getpid());
}

static void db_remove(void)
{
    char side[300];
    unlink(path_);
    snprintf(side, sizeof side, "%s-wal", path_); unlink(side);
    snprintf(side, sizeof side, "%s-shm", path_); unlink(side);
}

static uint64_t rng_;
static uint64_t rnd(void) { rng_ ^= rng_ << 13; rng_ ^= rng_ >> 7; rng_ ^= rng_ << 17; return rng_; }
static void rnd_bytes(uint8_t *p, size_t n) { for (size_t i = 0; i < n; i++) p[i] = (uint8_t)rnd(); }

enum { VERSIONS = 12, KEEP = 3, PER = 40 };
static uint8_t roots_[2][VERSIONS + 1][32];
static uint8_t keys_[VERSIONS + 1][PER][32], vals_[VERSIONS + 1][PER][32];

static int count_prefix(void *ctx, const uint8_t *k, size_t kl, const uint8_t *v, size_t vl)
{
    (void)k; (void)kl; (void)v; (void)vl;
    (*(size_t *)ctx)++;
    return 0;
}

static void run_versions(int backend)
{
    tc_kv *kv; tc_smt *t;
    rng_ = 12345;
    if (backend) { db_path(); db_remove(); CHECK_OK(tc_kv_sqlite_open(&kv, path_)); }
    else CHECK_OK(tc_kv_mem_open(&kv));
    CHECK_OK(tc_smt_open(&t, kv, KEEP));
    memset(roots_[backend][0], 0, 32);
    for (int v = 1; v <= VERSIONS; v++) {
        tc_smt_update ups[PER];
        for (int i = 0; i < PER; i++) {
            rnd_bytes(ups[i].key, 32); rnd_bytes(ups[i].value, 32); ups[i].del = 0;
            /* rewrite and delete keys of the previous version too */
            if (v > 1 && i < 10) { memcpy(ups[i].key, keys_[v - 1][i], 32); ups[i].del = i < 4; }
            memcpy(keys_[v][i], ups[i].key, 32); memcpy(vals_[v][i], ups[i].value, 32);
        }
        CHECK_OK(tc_kv_begin(kv));
        CHECK_OK(tc_smt_apply(t, roots_[backend][v], ups, PER));
        CHECK_OK(tc_kv_commit(kv));
        CHECK_EQ(tc_smt_version(t), v);
        CHECK_EQ(tc_smt_oldest(t), v + 1 > KEEP ? v + 1 - KEEP : 0);
    }
    if (backend) { /* reopen: versions and roots persist */
        tc_smt_close(t); tc_kv_close(kv);
        CHECK_OK(tc_kv_sqlite_open(&kv, path_));
        CHECK_OK(tc_smt_open(&t, kv, KEEP));
        CHECK_EQ(tc_smt_version(t), VERSIONS);
    }
    uint8_t root[32], proof[TC_SMT_PROOF_MAX], got[32];
    size_t pl;
    for (int v = 0; v <= VERSIONS + 1; v++) {
        int kept = v >= VERSIONS - KEEP + 1 && v <= VERSIONS;
        if (!kept) {
            CHECK_ERR(tc_smt_root(t, root, (uint64_t)v), TC_ERR_SMT_VERSION);
            CHECK_ERR(tc_smt_prove(t, proof, sizeof proof, &pl, (uint64_t)v, keys_[1][0]), TC_ERR_SMT_VERSION);
            CHECK_ERR(tc_smt_get(t, got, (uint64_t)v, keys_[1][0]), TC_ERR_SMT_VERSION);
            continue;
        }
        CHECK_OK(tc_smt_root(t, root, (uint64_t)v));
        CHECK_MEM(root, roots_[backend][v], 32);
        /* keys written at v prove at v (membership or, if deleted, absence) */
        for (int i = 0; i < PER; i++) {
            const uint8_t *val = i < 4 ? NULL : vals_[v][i];
            CHECK_OK(tc_smt_prove(t, proof, sizeof proof, &pl, (uint64_t)v, keys_[v][i]));
            CHECK_OK(tc_smt_verify(root, keys_[v][i], val, proof, pl));
        }
    }
    /* keep 1 and delete everything: only meta and one root record remain */
    tc_smt_close(t);
    CHECK_OK(tc_smt_open(&t, kv, 1));
    size_t all = 0;
    static tc_smt_update dels[(VERSIONS + 1) * PER];
    for (int v = 1; v <= VERSIONS; v++)
        for (int i = 0; i < PER; i++) {
            int dup = 0;
            for (size_t j = 0; j < all; j++) if (memcmp(dels[j].key, keys_[v][i], 32) == 0) dup = 1;
            if (dup) continue;
            memcpy(dels[all].key, keys_[v][i], 32); dels[all].del = 1; all++;
        }
    CHECK_OK(tc_kv_begin(kv));
    CHECK_OK(tc_smt_apply(t, root, dels, all));
    CHECK_OK(tc_kv_commit(kv));
    uint8_t zero[32] = { 0 };
    CHECK_MEM(root, zero, 32);
    size_t n = 0;
    CHECK_OK(tc_kv_scan(kv, (const uint8_t *)"s", 1, (const uint8_t *)"t", 1, count_prefix, &n));
    CHECK_EQ(n, 2);
    tc_smt_close(t); tc_kv_close(kv);
    if (backend) db_remove();
}

static void test_versions_mem(void) { run_versions(0); }
static void test_versions_sqlite(void) { run_versions(1); }
static void test_same_roots(void)
{
    for (int v = 0; v <= VERSIONS; v++) CHECK_MEM(roots_[0][v], roots_[1][v], 32);
}

/* A failed batch (allocation failure at every point) inside a kv
 * transaction rolls back to the previous version intact. */
static void test_alloc_failures(void)
{
    tc_kv *kv; tc_smt *t;
    uint8_t root1[32], root[32];
    tc_smt_update ups[30];
    rng_ = 777;
    for (int i = 0; i < 30; i++) { rnd_bytes(ups[i].key, 32); rnd_bytes(ups[i].value, 32); ups[i].del = 0; }
    CHECK_OK(tc_kv_mem_open(&kv));
    CHECK_OK(tc_smt_open(&t, kv, 2));
    CHECK_OK(tc_smt_apply(t, root1, ups, 20));
    int succeeded = 0;
    for (long f = 0; f < 400 && !succeeded; f++) {
        CHECK_OK(tc_kv_begin(kv));
        tc_alloc_fail_after(f);
        int rc = tc_smt_apply(t, root, ups + 10, 20);
        tc_alloc_fail_after(-1);
        if (rc == 0) { CHECK_OK(tc_kv_commit(kv)); succeeded = 1; break; }
        CHECK_EQ(rc, TC_ERR_NOMEM);
        CHECK_OK(tc_kv_rollback(kv));
        CHECK_EQ(tc_smt_version(t), 1);
        uint8_t r[32];
        CHECK_OK(tc_smt_root(t, r, 1));
        CHECK_MEM(r, root1, 32);
    }
    CHECK(succeeded);
    tc_smt_close(t); tc_kv_close(kv);
}

int main(void)
{
    if (tc_crypto_init()) return 1;
    RUN(test_versions_mem);
    RUN(test_versions_sqlite);
    RUN(test_same_roots);
    RUN(test_alloc_failures);
    return test_summary();
}
