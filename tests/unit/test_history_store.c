/* History tree over storage: batching within the caller's transaction,
 * reopening and continuing, rollback, key prefixes, the memory-only mode
 * and allocation failures. Roots are compared with a second tree fed the
 * same leaves one flush at a time (itself checked against the RFC reference
 * in test_history.c) and with a plain frontier computation. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tc/alloc.h"
#include "tc/crypto.h"
#include "tc/history.h"
#include "tc/kv.h"
#include "test.h"

#define H 32
static const uint8_t PFX[] = "h";

static size_t leaf(uint8_t buf[8], size_t i)
{
    for (int b = 0; b < 8; b++) buf[b] = (uint8_t)(i >> (8 * b));
    return 1 + i % 8;
}

static int append_range(tc_hist *h, size_t from, size_t to)
{
    uint8_t buf[8];
    for (size_t i = from; i < to; i++) {
        int rc = tc_hist_append(h, buf, leaf(buf, i));
        if (rc) return rc;
    }
    return 0;
}

/* Root of leaves [0, n) from a memory-only tree. */
static int mem_root(uint8_t out[H], size_t n)
{
    tc_hist *m;
    int rc = tc_hist_open(&m, NULL, NULL, 0);
    if (rc) return rc;
    rc = append_range(m, 0, n);
    tc_hist_root(m, out);
    tc_hist_close(m);
    return rc;
}

static void test_batches_and_reopen(void)
{
    tc_kv *kv;
    tc_hist *h;
    uint8_t r1[H], r2[H];
    CHECK_OK(tc_kv_mem_open(&kv));
    CHECK_OK(tc_hist_open(&h, kv, PFX, 1));
    size_t n = 0, batch = 1;
    while (n < 3000) {
        CHECK_OK(tc_kv_begin(kv));
        CHECK_OK(append_range(h, n, n + batch));
        /* before the flush: the new size is not stored yet */
        CHECK_EQ(tc_hist_stored_size(h), n);
        if (batch > 1) CHECK_ERR(tc_hist_root_at(h, r1, n + 1), TC_ERR_STATE);
        size_t cnt;
        CHECK_ERR(tc_hist_prove_inclusion(h, r1, 1, &cnt, n, n + batch), TC_ERR_STATE);
        CHECK_OK(tc_hist_flush(h));
        CHECK_OK(tc_kv_commit(kv));
        n += batch;
        batch = batch * 3 % 257 + 1;
        CHECK_EQ(tc_hist_stored_size(h), n);
        tc_hist_root(h, r1);
        CHECK_OK(mem_root(r2, n));
        CHECK_MEM(r1, r2, H);
        if (n > 1000 && n < 1300) {
            /* reopen mid-way: the frontier comes back from storage */
            tc_hist_close(h);
            CHECK_OK(tc_hist_open(&h, kv, PFX, 1));
            CHECK_EQ(tc_hist_size(h), n);
            tc_hist_root(h, r2);
            CHECK_MEM(r1, r2, H);
        }
    }
    /* every past root still answers from storage */
    for (size_t m = 0; m <= n; m += 97) {
        CHECK_OK(tc_hist_root_at(h, r1, m));
        CHECK_OK(mem_root(r2, m));
        CHECK_MEM(r1, r2, H);
    }
    for (size_t i = 0; i < n; i += 101) {
        uint8_t lh[H], buf[8];
        CHECK_OK(tc_hist_leaf_at(h, lh, i));
        tc_hist_leaf_hash(r2, buf, leaf(buf, i));
        CHECK_MEM(lh, r2, H);
    }
    tc_hist_close(h);
    tc_kv_close(kv);
}

static void test_rollback_reload(void)
{
    tc_kv *kv;
    tc_hist *h;
    uint8_t before[H], after[H];
    CHECK_OK(tc_kv_mem_open(&kv));
    CHECK_OK(tc_hist_open(&h, kv, PFX, 1));
    CHECK_OK(append_range(h, 0, 100));
    CHECK_OK(tc_hist_flush(h));
    tc_hist_root(h, before);
    CHECK_OK(tc_kv_begin(kv));
    CHECK_OK(append_range(h, 100, 164));
    CHECK_OK(tc_hist_flush(h));
    CHECK_OK(tc_kv_rollback(kv));
    CHECK_OK(tc_hist_reload(h));
    CHECK_EQ(tc_hist_size(h), 100);
    tc_hist_root(h, after);
    CHECK_MEM(before, after, H);
    /* unflushed appends are forgotten by reload too */
    CHECK_OK(append_range(h, 100, 105));
    CHECK_OK(tc_hist_reload(h));
    CHECK_EQ(tc_hist_size(h), 100);
    /* and the tree continues as if the rolled-back block never happened */
    CHECK_OK(append_range(h, 100, 300));
    CHECK_OK(tc_hist_flush(h));
    tc_hist_root(h, after);
    CHECK_OK(mem_root(before, 300));
    CHECK_MEM(before, after, H);
    tc_hist_close(h);
    tc_kv_close(kv);
}

typedef struct { size_t total, outside; uint8_t pfx; } scan_ctx;
static int count_keys(void *ctx, const uint8_t *key, size_t key_len, const uint8_t *val, size_t val_len)
{
    scan_ctx *c = ctx;
    (void)val;
    (void)val_len;
    c->total++;
    if (key_len == 0 || key[0] != c->pfx) c->outside++;
    return 0;
}

/* Two trees and a foreign key share one store without touching each other. */
static void test_prefixes(void)
{
    tc_kv *kv;
    tc_hist *a, *b;
    uint8_t ra[H], rb[H], r[H];
    CHECK_OK(tc_kv_mem_open(&kv));
    CHECK_OK(tc_kv_put(kv, (const uint8_t *)"i", 1, (const uint8_t *)"x", 1));
    CHECK_OK(tc_hist_open(&a, kv, (const uint8_t *)"h", 1));
    CHECK_OK(tc_hist_open(&b, kv, (const uint8_t *)"g", 1));
    CHECK_OK(append_range(a, 0, 50));
    CHECK_OK(append_range(b, 0, 77));
    CHECK_OK(tc_hist_flush(a));
    CHECK_OK(tc_hist_flush(b));
    tc_hist_root(a, ra);
    tc_hist_root(b, rb);
    CHECK_OK(mem_root(r, 50));
    CHECK_MEM(ra, r, H);
    CHECK_OK(mem_root(r, 77));
    CHECK_MEM(rb, r, H);
    /* every key of tree a starts with "h": 2n-1 nodes at most, and the size */
    scan_ctx c = {0, 0, 'h'};
    CHECK_OK(tc_kv_scan(kv, (const uint8_t *)"h", 1, (const uint8_t *)"i", 1, count_keys, &c));
    CHECK_EQ(c.outside, 0);
    CHECK(c.total >= 50 && c.total <= 2 * 50);
    tc_hist_close(a);
    tc_hist_close(b);
    CHECK_OK(tc_hist_open(&a, kv, (const uint8_t *)"h", 1));
    CHECK_EQ(tc_hist_size(a), 50);
    tc_hist_close(a);
    tc_kv_close(kv);
}

static void test_corrupt_store(void)
{
    tc_kv *kv;
    tc_hist *h;
    CHECK_OK(tc_kv_mem_open(&kv));
    CHECK_OK(tc_hist_open(&h, kv, PFX, 1));
    CHECK_OK(append_range(h, 0, 10));
    CHECK_OK(tc_hist_flush(h));
    tc_hist_close(h);
    /* size 10 = 8 + 2: delete the level-3 node 0 the frontier needs */
    uint8_t key[10] = {'h', 3, 0, 0, 0, 0, 0, 0, 0, 0};
    CHECK_OK(tc_kv_del(kv, key, sizeof key));
    CHECK_ERR(tc_hist_open(&h, kv, PFX, 1), TC_ERR_CORRUPT);
    /* a size value of the wrong length */
    uint8_t meta[2] = {'h', 0xff};
    CHECK_OK(tc_kv_put(kv, meta, 2, (const uint8_t *)"abc", 3));
    CHECK_ERR(tc_hist_open(&h, kv, PFX, 1), TC_ERR_CORRUPT);
    tc_kv_close(kv);
}

static void test_memory_only(void)
{
    tc_hist *h;
    uint8_t r[H], e[H];
    CHECK_OK(tc_hist_open(&h, NULL, NULL, 0));
    tc_hist_root(h, r);
    tc_hist_empty_root(e);
    CHECK_MEM(r, e, H);
    CHECK_OK(append_range(h, 0, 10));
    CHECK_OK(tc_hist_flush(h));
    size_t cnt;
    CHECK_ERR(tc_hist_prove_inclusion(h, r, 1, &cnt, 0, 10), TC_ERR_STATE);
    CHECK_ERR(tc_hist_root_at(h, r, 5), TC_ERR_STATE);
    CHECK_OK(tc_hist_root_at(h, r, 10));
    tc_hist_close(h);
}

/* Fail each allocation in turn: an append either succeeds or leaves the
 * tree exactly as it was. */
static void test_alloc_failures(void)
{
    tc_kv *kv;
    tc_hist *h;
    uint8_t r1[H], r2[H], buf[8];
    CHECK_OK(tc_kv_mem_open(&kv));
    CHECK_OK(tc_hist_open(&h, kv, PFX, 1));
    size_t failures = 0;
    for (size_t i = 0; i < 2000; i++) {
        tc_alloc_fail_after(0);
        int rc = tc_hist_append(h, buf, leaf(buf, i));
        tc_alloc_fail_after(-1);
        if (rc) {
            CHECK_ERR(rc, TC_ERR_NOMEM);
            CHECK_EQ(tc_hist_size(h), i);
            failures++;
            CHECK_OK(tc_hist_append(h, buf, leaf(buf, i)));
        }
    }
    CHECK(failures > 0);
    CHECK_OK(tc_hist_flush(h));
    tc_hist_root(h, r1);
    CHECK_OK(mem_root(r2, 2000));
    CHECK_MEM(r1, r2, H);
    tc_hist_close(h);
    tc_alloc_fail_after(0);
    CHECK_ERR(tc_hist_open(&h, kv, PFX, 1), TC_ERR_NOMEM);
    tc_alloc_fail_after(-1);
    tc_kv_close(kv);
}

/* A kv that counts reads, wrapped around a mem kv. */
typedef struct counting_kv {
    tc_kv base;
    tc_kv *inner;
    size_t gets;
} counting_kv;
static int c_get(tc_kv *kv, uint8_t *val, size_t cap, size_t *val_len, const uint8_t *key, size_t key_len)
{
    counting_kv *c = (counting_kv *)kv;
    c->gets++;
    return tc_kv_get(c->inner, val, cap, val_len, key, key_len);
}
static int c_put(tc_kv *kv, const uint8_t *key, size_t key_len, const uint8_t *val, size_t val_len)
{ return tc_kv_put(((counting_kv *)kv)->inner, key, key_len, val, val_len); }
static int c_del(tc_kv *kv, const uint8_t *key, size_t key_len)
{ return tc_kv_del(((counting_kv *)kv)->inner, key, key_len); }
static int c_scan(tc_kv *kv, const uint8_t *a, size_t al, const uint8_t *b, size_t bl, tc_kv_scan_fn fn, void *ctx)
{ return tc_kv_scan(((counting_kv *)kv)->inner, a, al, b, bl, fn, ctx); }
static int c_begin(tc_kv *kv) { return tc_kv_begin(((counting_kv *)kv)->inner); }
static int c_commit(tc_kv *kv) { return tc_kv_commit(((counting_kv *)kv)->inner); }
static int c_rollback(tc_kv *kv) { return tc_kv_rollback(((counting_kv *)kv)->inner); }
static void c_close(tc_kv *kv) { tc_kv_close(((counting_kv *)kv)->inner); }
static const tc_kv_vtbl counting_vtbl = {c_get, c_put, c_del, c_scan, c_begin, c_commit, c_rollback, c_close, NULL};

static size_t popcount(uint64_t v)
{
    size_t n = 0;
    for (; v; v &= v - 1) n++;
    return n;
}

/* The O(log n) contract: reads per proof <= ceil(log2 n) + 1 + popcount(n),
 * per past root <= popcount(m), per reopen = popcount(size) + 1. */
static void test_read_counts(void)
{
    counting_kv c = {{&counting_vtbl}, NULL, 0};
    tc_hist *h;
    uint8_t proof[TC_HIST_MAX_PROOF * H], r[H];
    CHECK_OK(tc_kv_mem_open(&c.inner));
    CHECK_OK(tc_hist_open(&h, &c.base, PFX, 1));
    const size_t n = 100003; /* 17 bits, popcount 8 */
    CHECK_OK(append_range(h, 0, n));
    CHECK_OK(tc_hist_flush(h));
    size_t lg = 0;
    while (((size_t)1 << lg) < n) lg++;
    for (size_t i = 0; i < n; i += 997) {
        size_t cnt, before = c.gets;
        CHECK_OK(tc_hist_prove_inclusion(h, proof, TC_HIST_MAX_PROOF, &cnt, i, n));
        CHECK(c.gets - before <= lg + popcount(n));
        before = c.gets;
        CHECK_OK(tc_hist_prove_consistency(h, proof, TC_HIST_MAX_PROOF, &cnt, i, n));
        CHECK(c.gets - before <= lg + 1 + popcount(n));
        before = c.gets;
        CHECK_OK(tc_hist_root_at(h, r, i));
        CHECK(c.gets - before <= popcount(i));
    }
    tc_hist_close(h);
    size_t before = c.gets;
    CHECK_OK(tc_hist_open(&h, &c.base, PFX, 1));
    CHECK_EQ(c.gets - before, popcount(n) + 1);
    tc_hist_close(h);
    tc_kv_close(c.inner);
}

static void remove_db(const char *path)
{
    char side[300];
    unlink(path);
    snprintf(side, sizeof side, "%s-wal", path);
    unlink(side);
    snprintf(side, sizeof side, "%s-shm", path);
    unlink(side);
}

/* The product backend: close the database file, reopen it, continue; the
 * roots match a tree that was never interrupted. */
static void test_sqlite_reopen(void)
{
    char path[256];
    const char *tmp = getenv("TMPDIR");
    snprintf(path, sizeof path, "%s/tc_test_history_%ld.db", tmp ? tmp : "/tmp", (long)getpid());
    remove_db(path);
    tc_kv *kv;
    tc_hist *h;
    uint8_t r1[H], r2[H];
    size_t n = 0;
    for (int session = 0; session < 4; session++) {
        CHECK_OK(tc_kv_sqlite_open(&kv, path));
        CHECK_OK(tc_hist_open(&h, kv, PFX, 1));
        CHECK_EQ(tc_hist_size(h), n);
        tc_hist_root(h, r1);
        CHECK_OK(mem_root(r2, n));
        CHECK_MEM(r1, r2, H);
        for (int block = 0; block < 5; block++) {
            size_t add = 37 + (size_t)session * 11 + (size_t)block;
            CHECK_OK(tc_kv_begin(kv));
            CHECK_OK(append_range(h, n, n + add));
            CHECK_OK(tc_hist_flush(h));
            CHECK_OK(tc_kv_commit(kv));
            n += add;
        }
        /* a block that never commits: gone after the reopen */
        CHECK_OK(tc_kv_begin(kv));
        CHECK_OK(append_range(h, n, n + 9));
        CHECK_OK(tc_hist_flush(h));
        CHECK_OK(tc_kv_rollback(kv));
        /* proofs from the file */
        size_t cnt;
        uint8_t proof[TC_HIST_MAX_PROOF * H], lh[H], buf[8];
        CHECK_OK(tc_hist_reload(h));
        tc_hist_root(h, r1);
        CHECK_OK(tc_hist_prove_inclusion(h, proof, TC_HIST_MAX_PROOF, &cnt, n / 3, n));
        tc_hist_leaf_hash(lh, buf, leaf(buf, n / 3));
        CHECK_OK(tc_hist_verify_inclusion(r1, n / 3, n, lh, proof, cnt));
        tc_hist_close(h);
        tc_kv_close(kv);
    }
    remove_db(path);
}

int main(void)
{
    if (tc_crypto_init()) return 1;
    RUN(test_batches_and_reopen);
    RUN(test_rollback_reload);
    RUN(test_prefixes);
    RUN(test_corrupt_store);
    RUN(test_memory_only);
    RUN(test_alloc_failures);
    RUN(test_sqlite_reopen);
    RUN(test_read_counts);
    return test_summary();
}
