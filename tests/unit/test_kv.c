/* Conformance tests for the tc_kv backends (include/tc/kv.h): every test
 * runs over the in-memory backend and over SQLite (a temporary file). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "test.h"
#include "tc/alloc.h"
#include "tc/kv.h"

static int backend_; /* 0 = mem, 1 = sqlite */
static char path_[256];

static int open_kv(tc_kv **kv)
{
    if (backend_ == 0) return tc_kv_mem_open(kv);
    const char *tmp = getenv("TMPDIR");
    snprintf(path_, sizeof path_, "%s/tc_test_kv_%ld.db", tmp ? tmp : "/tmp", (long)getpid());
    unlink(path_);
    char side[300];
    snprintf(side, sizeof side, "%s-wal", path_); unlink(side);
    snprintf(side, sizeof side, "%s-shm", path_); unlink(side);
    return tc_kv_sqlite_open(kv, path_);
}

static void close_kv(tc_kv *kv)
{
    tc_kv_close(kv);
    if (backend_ == 1) {
        char side[300];
        unlink(path_);
        snprintf(side, sizeof side, "%s-wal", path_); unlink(side);
        snprintf(side, sizeof side, "%s-shm", path_); unlink(side);
    }
}

#define K(s) (const uint8_t *)(s), strlen(s)

static int get_str(tc_kv *kv, const char *key, char *out, size_t cap)
{
    size_t n = 0;
    int rc = tc_kv_get(kv, (uint8_t *)out, cap - 1, &n, K(key));
    if (rc == 0) out[n] = 0;
    return rc;
}

static void test_put_get_del(void)
{
    tc_kv *kv;
    char buf[64];
    CHECK_OK(open_kv(&kv));
    CHECK_ERR(get_str(kv, "a", buf, sizeof buf), TC_ERR_NOT_FOUND);
    CHECK_OK(tc_kv_put(kv, K("a"), K("one")));
    CHECK_OK(get_str(kv, "a", buf, sizeof buf));
    CHECK(strcmp(buf, "one") == 0);
    CHECK_OK(tc_kv_put(kv, K("a"), K("longer value")));
    CHECK_OK(get_str(kv, "a", buf, sizeof buf));
    CHECK(strcmp(buf, "longer value") == 0);
    /* buffer too small: length reported, nothing copied */
    uint8_t small[4] = { 9, 9, 9, 9 };
    size_t n = 0;
    CHECK_ERR(tc_kv_get(kv, small, sizeof small, &n, K("a")), TC_ERR_BUFFER_TOO_SMALL);
    CHECK_EQ(n, 12);
    CHECK_EQ(small[0], 9);
    /* empty value */
    CHECK_OK(tc_kv_put(kv, K("e"), (const uint8_t *)"", 0));
    CHECK_OK(tc_kv_get(kv, small, sizeof small, &n, K("e")));
    CHECK_EQ(n, 0);
    CHECK_OK(tc_kv_del(kv, K("a")));
    CHECK_ERR(get_str(kv, "a", buf, sizeof buf), TC_ERR_NOT_FOUND);
    CHECK_OK(tc_kv_del(kv, K("a"))); /* absent: not an error */
    /* binary keys with NUL bytes */
    const uint8_t bk[3] = { 0, 1, 0 }, bv[2] = { 0, 0xff };
    CHECK_OK(tc_kv_put(kv, bk, 3, bv, 2));
    uint8_t got[8];
    CHECK_OK(tc_kv_get(kv, got, sizeof got, &n, bk, 3));
    CHECK_EQ(n, 2);
    CHECK_MEM(got, bv, 2);
    CHECK_ERR(tc_kv_get(kv, got, sizeof got, &n, bk, 2), TC_ERR_NOT_FOUND);
    close_kv(kv);
}

/* Reference: an array of random keys kept sorted by qsort. */
typedef struct { uint8_t k[6]; size_t n; } rkey;

static int rkey_cmp(const void *a, const void *b)
{
    const rkey *x = a, *y = b;
    size_t n = x->n < y->n ? x->n : y->n;
    int c = memcmp(x->k, y->k, n);
    if (c) return c;
    return (x->n > y->n) - (x->n < y->n);
}

typedef struct { rkey *ref; size_t i, n; int bad; size_t stop_after; } scan_ck;

static int scan_cb(void *ctx, const uint8_t *key, size_t key_len, const uint8_t *val, size_t val_len)
{
    scan_ck *c = ctx;
    if (c->i >= c->n || key_len != c->ref[c->i].n || memcmp(key, c->ref[c->i].k, key_len) != 0
        || val_len != 1 || val[0] != (uint8_t)key_len)
        c->bad = 1;
    c->i++;
    if (c->stop_after && c->i == c->stop_after) return 7;
    return 0;
}

static uint64_t rng_ = 88172645463325252ull;
static uint64_t rnd(void) { rng_ ^= rng_ << 13; rng_ ^= rng_ >> 7; rng_ ^= rng_ << 17; return rng_; }

static void test_scan_order(void)
{
    enum { N = 600 };
    static rkey ref[N];
    size_t nref = 0;
    tc_kv *kv;
    CHECK_OK(open_kv(&kv));
    CHECK_OK(tc_kv_begin(kv));
    for (size_t i = 0; i < N; i++) {
        rkey r;
        r.n = 1 + rnd() % 5; /* short keys over a small alphabet: many prefixes */
        for (size_t j = 0; j < r.n; j++) r.k[j] = (uint8_t)(rnd() % 3 == 0 ? 0xff : rnd() % 4);
        int dup = 0;
        for (size_t j = 0; j < nref; j++) if (rkey_cmp(&ref[j], &r) == 0) dup = 1;
        uint8_t v = (uint8_t)r.n;
        CHECK_OK(tc_kv_put(kv, r.k, r.n, &v, 1));
        if (!dup) ref[nref++] = r;
    }
    CHECK_OK(tc_kv_commit(kv));
    qsort(ref, nref, sizeof ref[0], rkey_cmp);
    scan_ck c = { ref, 0, nref, 0, 0 };
    CHECK_OK(tc_kv_scan(kv, NULL, 0, NULL, 0, scan_cb, &c));
    CHECK(!c.bad);
    CHECK_EQ(c.i, nref);
    /* bounded ranges: [ref[a], ref[b]) and from a key not in the set */
    for (int t = 0; t < 40; t++) {
        size_t a = rnd() % nref, b = rnd() % (nref + 1);
        if (b < a) { size_t x = a; a = b; b = x; }
        scan_ck d = { ref + a, 0, b - a, 0, 0 };
        if (b == nref) CHECK_OK(tc_kv_scan(kv, ref[a].k, ref[a].n, NULL, 0, scan_cb, &d));
        else CHECK_OK(tc_kv_scan(kv, ref[a].k, ref[a].n, ref[b].k, ref[b].n, scan_cb, &d));
        CHECK(!d.bad);
        CHECK_EQ(d.i, b - a);
    }
    /* early stop returns the callback's value */
    scan_ck e = { ref, 0, nref, 0, 5 };
    CHECK_EQ(tc_kv_scan(kv, NULL, 0, NULL, 0, scan_cb, &e), 7);
    CHECK_EQ(e.i, 5);
    CHECK(!e.bad);
    close_kv(kv);
}

static int count_cb(void *ctx, const uint8_t *k, size_t kl, const uint8_t *v, size_t vl)
{
    (void)k; (void)kl; (void)v; (void)vl;
    (*(size_t *)ctx)++;
    return 0;
}

static void test_txn(void)
{
    tc_kv *kv;
    char buf[64];
    CHECK_OK(open_kv(&kv));
    CHECK_OK(tc_kv_put(kv, K("keep"), K("1")));
    CHECK_OK(tc_kv_put(kv, K("gone"), K("2")));
    CHECK_OK(tc_kv_put(kv, K("chg"), K("3")));
    CHECK_OK(tc_kv_begin(kv));
    CHECK_OK(tc_kv_put(kv, K("new"), K("4")));
    CHECK_OK(tc_kv_del(kv, K("gone")));
    CHECK_OK(tc_kv_put(kv, K("chg"), K("33")));
    CHECK_OK(tc_kv_put(kv, K("chg"), K("333")));
    CHECK_OK(tc_kv_put(kv, K("gone"), K("again")));
    CHECK_OK(tc_kv_del(kv, K("gone")));
    CHECK_OK(get_str(kv, "chg", buf, sizeof buf)); /* reads see own writes */
    CHECK(strcmp(buf, "333") == 0);
    CHECK_OK(tc_kv_rollback(kv));
    CHECK_ERR(get_str(kv, "new", buf, sizeof buf), TC_ERR_NOT_FOUND);
    CHECK_OK(get_str(kv, "gone", buf, sizeof buf));
    CHECK(strcmp(buf, "2") == 0);
    CHECK_OK(get_str(kv, "chg", buf, sizeof buf));
    CHECK(strcmp(buf, "3") == 0);
    size_t cnt = 0;
    CHECK_OK(tc_kv_scan(kv, NULL, 0, NULL, 0, count_cb, &cnt));
    CHECK_EQ(cnt, 3);
    /* commit keeps */
    CHECK_OK(tc_kv_begin(kv));
    CHECK_OK(tc_kv_put(kv, K("new"), K("4")));
    CHECK_OK(tc_kv_del(kv, K("keep")));
    CHECK_OK(tc_kv_commit(kv));
    CHECK_OK(get_str(kv, "new", buf, sizeof buf));
    CHECK_ERR(get_str(kv, "keep", buf, sizeof buf), TC_ERR_NOT_FOUND);
    /* misuse: commit/rollback without begin, nested begin */
    CHECK_ERR(tc_kv_commit(kv), TC_ERR_STATE);
    CHECK_ERR(tc_kv_rollback(kv), TC_ERR_STATE);
    CHECK_OK(tc_kv_begin(kv));
    CHECK_ERR(tc_kv_begin(kv), TC_ERR_STATE);
    CHECK_OK(tc_kv_rollback(kv));
    close_kv(kv);
}

/* Persistence (SQLite only): committed data survives close/reopen,
 * an open transaction at close is discarded. */
static void test_reopen(void)
{
    if (backend_ != 1) return;
    tc_kv *kv;
    char buf[64];
    CHECK_OK(open_kv(&kv));
    CHECK_OK(tc_kv_begin(kv));
    CHECK_OK(tc_kv_put(kv, K("a"), K("1")));
    CHECK_OK(tc_kv_commit(kv));
    CHECK_OK(tc_kv_begin(kv));
    CHECK_OK(tc_kv_put(kv, K("b"), K("2")));
    tc_kv_close(kv);
    CHECK_OK(tc_kv_sqlite_open(&kv, path_));
    CHECK_OK(get_str(kv, "a", buf, sizeof buf));
    CHECK(strcmp(buf, "1") == 0);
    CHECK_ERR(get_str(kv, "b", buf, sizeof buf), TC_ERR_NOT_FOUND);
    close_kv(kv);
    /* a path in a directory that does not exist */
    CHECK_ERR(tc_kv_sqlite_open(&kv, "/nonexistent-dir-tc/x.db"), TC_ERR_STORE_OPEN);
}

/* Every allocation fails in turn (mem backend): no crash, no leak, and
 * the store stays consistent. */
static void test_alloc_failures(void)
{
    if (backend_ != 0) return;
    for (long fail = 0; fail < 40; fail++) {
        tc_kv *kv = NULL;
        tc_alloc_fail_after(fail);
        int rc = tc_kv_mem_open(&kv);
        if (rc) { CHECK_EQ(rc, TC_ERR_NOMEM); continue; }
        rc = tc_kv_put(kv, K("x"), K("1"));
        if (rc == 0) rc = tc_kv_begin(kv);
        if (rc == 0) rc = tc_kv_put(kv, K("x"), K("2"));
        if (rc == 0) rc = tc_kv_put(kv, K("y"), K("3"));
        if (rc == 0) rc = tc_kv_del(kv, K("x"));
        if (rc == 0) rc = tc_kv_rollback(kv);
        tc_alloc_fail_after(-1);
        CHECK(rc == 0 || rc == TC_ERR_NOMEM);
        tc_kv_close(kv);
    }
    tc_alloc_fail_after(-1);
}

/* put_many: groups below, at and above the SQLite backend's 32 rows per
 * statement, a key repeated in one group (the later value wins, as with
 * single puts), an empty value; inside and outside a transaction. */
static void test_put_many(void)
{
    tc_kv *kv;
    CHECK_OK(open_kv(&kv));
    static const size_t sizes[] = { 1, 31, 32, 33, 70 };
    uint8_t keys[70][4], vals[70][8];
    tc_kv_item it[70];
    for (size_t z = 0; z < sizeof sizes / sizeof sizes[0]; z++) {
        size_t n = sizes[z];
        for (size_t i = 0; i < n; i++) {
            keys[i][0] = 'm'; keys[i][1] = (uint8_t)z; keys[i][2] = (uint8_t)i; keys[i][3] = 0;
            memset(vals[i], (int)(i + z), sizeof vals[i]);
            it[i] = (tc_kv_item){ keys[i], vals[i], 4, 1 + i % 8 };
        }
        if (n == 70) {
            memcpy(keys[65], keys[3], 4); /* same key later in the group */
            it[10].val_len = 0;
        }
        if (z % 2) CHECK_OK(tc_kv_begin(kv));
        CHECK_OK(tc_kv_put_many(kv, it, n));
        if (z % 2) CHECK_OK(tc_kv_commit(kv));
        for (size_t i = 0; i < n; i++) {
            uint8_t got[8];
            size_t len = 99;
            size_t want = i == 3 && n == 70 ? 65 : i;
            CHECK_OK(tc_kv_get(kv, got, sizeof got, &len, keys[i], 4));
            CHECK_EQ(len, it[want].val_len);
            CHECK(len == 0 || memcmp(got, vals[want], len) == 0);
        }
    }
    close_kv(kv);
}

int main(void)
{
    for (backend_ = 0; backend_ < 2; backend_++) {
        fprintf(stderr, "backend %s\n", backend_ ? "sqlite" : "mem");
        RUN(test_put_get_del);
        RUN(test_scan_order);
        RUN(test_txn);
        RUN(test_reopen);
        RUN(test_put_many);
        RUN(test_alloc_failures);
    }
    return test_summary();
}
