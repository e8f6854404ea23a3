/* History-tree benchmark (issue 3 item 6): appends/s in memory (frontier
 * only) and through the storage interface (mem kv, and SQLite in WAL mode
 * with one transaction per 1,000-leaf block), inclusion and consistency
 * proof generations/s at 10^6 leaves, and verifications/s, beside raw
 * SHA-256 calls/s (64-byte input, the size of a node's two children)
 * measured in the same run. Each append costs one leaf hash and on average
 * one node hash, so ~0.5 of the raw SHA-256 rate is the ceiling.
 * Target: >= 1,000,000 appends/s. Prints figures, never passes or fails. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "tc/crypto.h"
#include "tc/history.h"
#include "tc/kv.h"

#define N 1000000u
#define BLOCK 1000u
#define NPROOF 20000u

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static uint64_t rng = 88172645463325252ull;
static uint64_t rnd(uint64_t bound)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return rng % bound;
}

static volatile uint8_t sink;

static double sha_rate(void)
{
    uint8_t buf[64] = {1}, out[32];
    const uint32_t nsha = 3000000;
    double t0 = now();
    for (uint32_t i = 0; i < nsha; i++) {
        buf[0] = (uint8_t)i;
        tc_sha256(out, buf, sizeof buf);
        sink ^= out[0];
    }
    return nsha / (now() - t0);
}

static void die(const char *what, int rc)
{
    fprintf(stderr, "bench_history: %s failed: %d\n", what, rc);
    exit(1);
}

/* Appends n 32-byte leaves (a "transaction digest" each), flushing every
 * BLOCK leaves inside a kv transaction when kv is set. Returns seconds. */
static double fill(tc_hist *h, tc_kv *kv, uint32_t n)
{
    uint8_t leaf[32] = {0};
    double t0 = now();
    for (uint32_t i = 0; i < n; i += BLOCK) {
        if (kv && tc_kv_begin(kv)) die("begin", -1);
        for (uint32_t j = i; j < i + BLOCK && j < n; j++) {
            memcpy(leaf, &j, sizeof j);
            int rc = tc_hist_append(h, leaf, sizeof leaf);
            if (rc) die("append", rc);
        }
        if (kv) {
            int rc = tc_hist_flush(h);
            if (rc) die("flush", rc);
            if ((rc = tc_kv_commit(kv)) != 0) die("commit", rc);
        }
    }
    return now() - t0;
}

int main(void)
{
    if (tc_crypto_init()) return 1;

    /* reference: raw SHA-256 calls/s on 64 bytes, measured at the start and
     * again at the end (the machine is shared: the spread shows the noise) */
    double sha = sha_rate();
    printf("raw SHA-256 (64 B)              %12.0f calls/s   (reference, start of run)\n", sha);

    /* appends, memory only */
    tc_hist *h;
    int rc = tc_hist_open(&h, NULL, NULL, 0);
    if (rc) die("open", rc);
    double s = fill(h, NULL, N);
    tc_hist_close(h);
    printf("append, memory only (10^6)      %12.0f appends/s  %.3f x SHA-256  (target 1,000,000)\n",
           N / s, N / s / sha);

    /* appends through the storage interface, mem kv, block of 1000 per txn */
    tc_kv *kv;
    if ((rc = tc_kv_mem_open(&kv)) != 0) die("kv_mem_open", rc);
    if ((rc = tc_hist_open(&h, kv, (const uint8_t *)"h", 1)) != 0) die("open", rc);
    s = fill(h, kv, N);
    printf("append, mem kv (10^6, flush/1000) %10.0f appends/s  %.3f x SHA-256\n", N / s, N / s / sha);

    /* proofs at 10^6 leaves from the mem kv */
    double t0;
    uint8_t proof[TC_HIST_MAX_PROOF * TC_HIST_HASH_LEN], root[32], old_root[32], lh[32];
    size_t n = 0, total = 0;
    t0 = now();
    for (uint32_t i = 0; i < NPROOF; i++) {
        rc = tc_hist_prove_inclusion(h, proof, TC_HIST_MAX_PROOF, &n, rnd(N), N);
        if (rc) die("prove_inclusion", rc);
        total += n;
    }
    s = now() - t0;
    printf("inclusion proof gen (10^6)      %12.0f proofs/s   %.4f x SHA-256  (%.1f hashes each)\n",
           NPROOF / s, NPROOF / s / sha, (double)total / NPROOF);
    total = 0;
    t0 = now();
    for (uint32_t i = 0; i < NPROOF; i++) {
        rc = tc_hist_prove_consistency(h, proof, TC_HIST_MAX_PROOF, &n, 1 + rnd(N - 1), N);
        if (rc) die("prove_consistency", rc);
        total += n;
    }
    s = now() - t0;
    printf("consistency proof gen (10^6)    %12.0f proofs/s   %.4f x SHA-256  (%.1f hashes each)\n",
           NPROOF / s, NPROOF / s / sha, (double)total / NPROOF);

    /* verification (the device-side code) */
    tc_hist_root(h, root);
    uint64_t idx = rnd(N);
    if ((rc = tc_hist_prove_inclusion(h, proof, TC_HIST_MAX_PROOF, &n, idx, N)) != 0) die("prove", rc);
    if ((rc = tc_hist_leaf_at(h, lh, idx)) != 0) die("leaf_at", rc);
    t0 = now();
    for (uint32_t i = 0; i < NPROOF; i++)
        if ((rc = tc_hist_verify_inclusion(root, idx, N, lh, proof, n)) != 0) die("verify", rc);
    s = now() - t0;
    printf("inclusion verify (10^6)         %12.0f verifies/s %.4f x SHA-256\n", NPROOF / s, NPROOF / s / sha);
    uint64_t old = 1 + rnd(N - 1);
    if ((rc = tc_hist_prove_consistency(h, proof, TC_HIST_MAX_PROOF, &n, old, N)) != 0) die("prove", rc);
    if ((rc = tc_hist_root_at(h, old_root, old)) != 0) die("root_at", rc);
    t0 = now();
    for (uint32_t i = 0; i < NPROOF; i++)
        if ((rc = tc_hist_verify_consistency(old, N, old_root, root, proof, n)) != 0) die("verify", rc);
    s = now() - t0;
    printf("consistency verify (10^6)       %12.0f verifies/s %.4f x SHA-256\n", NPROOF / s, NPROOF / s / sha);
    t0 = now();
    for (uint32_t i = 0; i < NPROOF; i++)
        if ((rc = tc_hist_root_at(h, old_root, 1 + rnd(N - 1))) != 0) die("root_at", rc);
    s = now() - t0;
    printf("past root from storage (10^6)   %12.0f roots/s\n", NPROOF / s);
    tc_hist_close(h);
    tc_kv_close(kv);

    /* SQLite (WAL, synchronous=FULL): one transaction and fsync per block */
    char path[512];
    const char *td = getenv("TMPDIR");
    snprintf(path, sizeof path, "%s/bench_history_XXXXXX", td && *td ? td : "/tmp");
    int fd = mkstemp(path);
    if (fd < 0) die("mkstemp", -1);
    close(fd);
    const uint32_t nsql = 100000;
    if ((rc = tc_kv_sqlite_open(&kv, path)) != 0) die("kv_sqlite_open", rc);
    if ((rc = tc_hist_open(&h, kv, (const uint8_t *)"h", 1)) != 0) die("open", rc);
    s = fill(h, kv, nsql);
    printf("append, SQLite (10^5, 1 txn/1000) %10.0f appends/s  %.3f x SHA-256\n", nsql / s, nsql / s / sha);
    t0 = now();
    for (uint32_t i = 0; i < NPROOF; i++) {
        rc = tc_hist_prove_inclusion(h, proof, TC_HIST_MAX_PROOF, &n, rnd(nsql), nsql);
        if (rc) die("prove_inclusion", rc);
    }
    s = now() - t0;
    printf("inclusion proof gen, SQLite (10^5) %9.0f proofs/s\n", NPROOF / s);
    tc_hist_close(h);
    tc_kv_close(kv);
    printf("raw SHA-256 (64 B)              %12.0f calls/s   (reference, end of run)\n", sha_rate());
    unlink(path);
    char side[sizeof path + 8];
    snprintf(side, sizeof side, "%s-wal", path);
    unlink(side);
    snprintf(side, sizeof side, "%s-shm", path);
    unlink(side);
    return 0;
}
