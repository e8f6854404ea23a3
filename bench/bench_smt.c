/* State-tree benchmark (issue 3 item 6): updates/s at 10^4, 10^5 and 10^6
 * keys on the in-memory and SQLite backends, proof bytes and proof
 * generations/s at the largest size, memory and disk bytes per key, each
 * beside raw SHA-256 calls/s (65-byte inputs, the size of one node hash)
 * measured in the same run. Targets (issue 3): >= 100,000 updates/s in
 * memory at 10^6 keys; proof <= 1 KiB at 10^6 keys. Prints figures, never
 * passes or fails. Total time is capped (TC_BENCH_SECONDS, default 165):
 * a phase that runs out of budget reports the size it reached. */
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "tc/crypto.h"
#include "tc/kv.h"
#include "tc/smt.h"

#define BATCH 1000
#define LOAD_BATCH 10000 /* larger batches while growing the tree */
#define KEEP 16

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* Process CPU time: the development machine is shared, so wall-clock rates
 * swing with other jobs; CPU-time rates (and the CPU-time SHA-256
 * reference) are the stable comparison. */
static double cpu_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static uint64_t rng_ = 0x243f6a8885a308d3ull;
static uint64_t rnd(void) { rng_ ^= rng_ << 13; rng_ ^= rng_ >> 7; rng_ ^= rng_ << 17; return rng_; }
static void key_of(uint8_t k[32], uint64_t i) { tc_sha256(k, &i, sizeof i); } /* key i */

static double sha_per_s, sha_cpu_per_s; /* wall and CPU-time references */
static double deadline;

static void bench_sha(double *wall, double *cpu)
{
    uint8_t buf[65] = { 3 }, h[32];
    unsigned long n = 0;
    double t0 = now(), c0 = cpu_now(), t;
    do {
        for (int i = 0; i < 1000; i++) { tc_sha256(h, buf, sizeof buf); buf[1] ^= h[0]; }
        n += 1000;
    } while ((t = now() - t0) < 0.5);
    *wall = (double)n / t;
    *cpu = (double)n / (cpu_now() - c0);
}

static size_t heap_used(void)
{
    struct mallinfo2 m = mallinfo2();
    return m.uordblks + m.hblkhd;
}

static long file_size(const char *p)
{
    struct stat st;
    return stat(p, &st) == 0 ? (long)st.st_size : 0;
}

static int apply_batch(tc_kv *kv, tc_smt *t, tc_smt_update *u, size_t n, int txn)
{
    int rc = txn ? tc_kv_begin(kv) : 0;
    if (!rc) rc = tc_smt_apply(t, NULL, u, n);
    if (txn) { if (!rc) rc = tc_kv_commit(kv); else tc_kv_rollback(kv); }
    return rc;
}

/* Grows the tree to `target` keys (or until budget), then times batches of
 * BATCH updates (half new keys, half overwrites). */
static void run(const char *name, tc_kv *kv, int txn, const uint64_t *sizes, int nsizes, double budget,
                const char *path)
{
    static tc_smt_update u[LOAD_BATCH];
    tc_smt *t;
    if (tc_smt_open(&t, kv, KEEP)) { printf("%s: open failed\n", name); return; }
    uint64_t have = 0;
    double stop = now() + budget;
    if (stop > deadline) stop = deadline;
    size_t heap0 = heap_used();
    for (int s = 0; s < nsizes; s++) {
        double t0 = now();
        uint64_t have0 = have;
        while (have < sizes[s] && now() < stop) {
            for (size_t i = 0; i < LOAD_BATCH; i++) { key_of(u[i].key, have + i); memset(u[i].value, (int)i, 32); u[i].del = 0; }
            if (apply_batch(kv, t, u, LOAD_BATCH, txn)) { printf("%s: apply failed\n", name); goto out; }
            have += LOAD_BATCH;
        }
        double load = now() - t0;
        if (have < sizes[s]) {
            printf("%-6s %8llu keys: budget reached while loading (%.0f inserts/s during load)\n", name,
                   (unsigned long long)have, (double)(have - have0) / (load > 0 ? load : 1));
            break;
        }
        /* steady state: batches of updates. The first KEEP batches are not
         * timed: each prunes one of the (10x larger) load batches. */
        unsigned long n = 0;
        double t1 = 0, c1 = 0, el = 0;
        uint64_t fresh = have;
        int warm = KEEP;
        for (;;) {
            if (warm-- == 0) { t1 = now(); c1 = cpu_now(); }
            /* old keys: BATCH/2 consecutive indices < have from a random base;
             * new keys: indices >= have. All distinct by construction. */
            uint64_t base = rnd() % have;
            for (size_t i = 0; i < BATCH; i++) {
                if (i % 2) key_of(u[i].key, fresh++);
                else key_of(u[i].key, (base + i / 2) % have);
                memset(u[i].value, (int)rnd(), 32); u[i].del = 0;
            }
            if (apply_batch(kv, t, u, BATCH, txn)) { printf("%s: apply failed\n", name); goto out; }
            if (warm >= 0) { if (now() >= stop) break; continue; }
            n += BATCH;
            if ((el = now() - t1) >= 1.0 || now() >= stop) break;
        }
        if (n == 0) {
            have = fresh;
            printf("%-6s %8llu keys: budget reached before the timed batches\n", name,
                   (unsigned long long)sizes[s]);
            break;
        }
        double cel = cpu_now() - c1;
        have = fresh;
        double ups = (double)n / el, cups = (double)n / cel;
        printf("%-6s %8llu keys: %9.0f updates/s wall, %9.0f/s CPU (batches of %d) = %.3f x SHA-256"
               " calls/s (CPU), %.1f SHA-256 times per update\n", name, (unsigned long long)sizes[s], ups,
               cups, BATCH, cups / sha_cpu_per_s, sha_cpu_per_s / cups);
    }
    if (path) {
        char wal[300];
        snprintf(wal, sizeof wal, "%s-wal", path);
        long bytes = file_size(path) + file_size(wal);
        printf("%-6s disk: %ld bytes for %llu keys = %.0f bytes/key (keep %d versions)\n", name, bytes,
               (unsigned long long)have, (double)bytes / (double)have, KEEP);
    } else {
        printf("%-6s heap: %.0f bytes/key for %llu keys (keep %d versions)\n", name,
               (double)(heap_used() - heap0) / (double)have, (unsigned long long)have, KEEP);
    }
    /* proofs at the reached size */
    if (have) {
        uint8_t proof[TC_SMT_PROOF_MAX];
        size_t len, total = 0, max = 0;
        unsigned long np = 0;
        double t2 = now(), el2 = 0;
        do {
            uint8_t k[32];
            key_of(k, rnd() % have);
            if (tc_smt_prove(t, proof, sizeof proof, &len, tc_smt_version(t), k)) { printf("prove failed\n"); break; }
            total += len; if (len > max) max = len;
            np++;
        } while ((el2 = now() - t2) < 0.5);
        printf("%-6s %8llu keys: %9.0f proofs/s, proof bytes avg %.0f max %zu (target <= 1024)\n", name,
               (unsigned long long)have, (double)np / el2, (double)total / (double)np, max);
    }
out:
    tc_smt_close(t);
}

int main(void)
{
    if (tc_crypto_init()) return 1;
    const char *env = getenv("TC_BENCH_SECONDS");
    double total = env ? atof(env) : 165; /* with the references: about 3 minutes */
    deadline = now() + total;
    bench_sha(&sha_per_s, &sha_cpu_per_s);
    printf("reference: SHA-256 (65-byte input) %.0f calls/s wall, %.0f calls/s CPU\n", sha_per_s,
           sha_cpu_per_s);
    static const uint64_t sizes[] = { 10000, 100000, 1000000 };
    tc_kv *kv;
    if (tc_kv_mem_open(&kv) == 0) {
        run("mem", kv, 0, sizes, 3, total * 0.55, NULL);
        tc_kv_close(kv);
    }
    char path[256];
    const char *tmp = getenv("TMPDIR");
    snprintf(path, sizeof path, "%s/tc_bench_smt_%ld.db", tmp ? tmp : "/tmp", (long)getpid());
    if (tc_kv_sqlite_open(&kv, path) == 0) {
        run("sqlite", kv, 1, sizes, 3, deadline - now(), path);
        tc_kv_close(kv);
    }
    char side[300];
    unlink(path);
    snprintf(side, sizeof side, "%s-wal", path); unlink(side);
    snprintf(side, sizeof side, "%s-shm", path); unlink(side);
    double w, c;
    bench_sha(&w, &c);
    printf("reference at end: SHA-256 %.0f calls/s wall, %.0f calls/s CPU\n", w, c);
    return 0;
}
