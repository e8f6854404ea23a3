/* The block overlay (core/overlay*.c): reads through to the base, per-
 * transaction rollback, merged scans and the ordered write-set, checked
 * against a simple reference model under random operations. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "tc/overlay.h"
#include "test.h"

static void put_s(tc_kv *kv, const char *k, const char *v)
{
    tc_kv_put(kv, (const uint8_t *)k, strlen(k), (const uint8_t *)v, strlen(v));
}

static int get_s(tc_state *st, const char *k, char *out)
{
    size_t n = 0;
    int rc = tc_state_get(st, (uint8_t *)out, 63, &n, (const uint8_t *)k, strlen(k));
    out[rc ? 0 : n] = 0;
    return rc;
}

static void test_read_through_and_rollback(void)
{
    tc_kv *kv;
    tc_overlay *ov;
    char buf[64];
    CHECK_OK(tc_kv_mem_open(&kv));
    put_s(kv, "a", "1");
    put_s(kv, "b", "2");
    CHECK_OK(tc_overlay_new(&ov, kv));
    tc_state *st = tc_overlay_state(ov);
    CHECK_OK(get_s(st, "a", buf));
    CHECK(strcmp(buf, "1") == 0);
    CHECK_ERR(get_s(st, "zz", buf), TC_ERR_NOT_FOUND);

    CHECK_OK(tc_state_tx_begin(st));
    CHECK_OK(tc_state_put(st, (const uint8_t *)"a", 1, (const uint8_t *)"9", 1));
    CHECK_OK(tc_state_del(st, (const uint8_t *)"b", 1));
    CHECK_OK(tc_state_put(st, (const uint8_t *)"c", 1, (const uint8_t *)"3", 1));
    CHECK_OK(get_s(st, "a", buf));
    CHECK(strcmp(buf, "9") == 0);
    CHECK_ERR(get_s(st, "b", buf), TC_ERR_NOT_FOUND);
    tc_state_tx_rollback(st);
    CHECK_OK(get_s(st, "a", buf));
    CHECK(strcmp(buf, "1") == 0);
    CHECK_OK(get_s(st, "b", buf));
    CHECK_ERR(get_s(st, "c", buf), TC_ERR_NOT_FOUND);
    CHECK_EQ(tc_overlay_count(ov), 0);

    CHECK_OK(tc_state_tx_begin(st));
    CHECK_OK(tc_state_put(st, (const uint8_t *)"c", 1, (const uint8_t *)"3", 1));
    CHECK_OK(tc_state_put(st, (const uint8_t *)"c", 1, (const uint8_t *)"4", 1));
    CHECK_OK(tc_state_tx_commit(st));
    CHECK_OK(tc_state_tx_begin(st));
    CHECK_OK(tc_state_put(st, (const uint8_t *)"c", 1, (const uint8_t *)"5", 1));
    tc_state_tx_rollback(st);
    CHECK_OK(get_s(st, "c", buf));
    CHECK(strcmp(buf, "4") == 0);
    CHECK_EQ(tc_overlay_count(ov), 1);
    /* the base is never written */
    size_t n;
    CHECK_ERR(tc_kv_get(kv, (uint8_t *)buf, sizeof buf, &n, (const uint8_t *)"c", 1), TC_ERR_NOT_FOUND);
    /* too-small buffer reports the length */
    CHECK_ERR(tc_state_get(st, (uint8_t *)buf, 0, &n, (const uint8_t *)"c", 1), TC_ERR_BUFFER_TOO_SMALL);
    CHECK_EQ(n, 1);
    tc_overlay_free(ov);
    tc_kv_close(kv);
}

/* ---- reference model: an array of (key, value or absent) ---- */
#define NK 24
typedef struct model { int has[NK]; uint8_t val[NK]; } model;

typedef struct collect { uint8_t keys[NK][4]; size_t lens[NK]; uint8_t vals[NK]; int n; int dels[NK]; } collect;

static int on_scan(void *c, const uint8_t *k, size_t kl, const uint8_t *v, size_t vl)
{
    collect *s = c;
    if (s->n >= NK || vl != 1) return 99;
    memcpy(s->keys[s->n], k, kl);
    s->lens[s->n] = kl;
    s->vals[s->n] = v[0];
    s->dels[s->n] = 0;
    s->n++;
    return 0;
}

static int on_write(void *c, const uint8_t *k, size_t kl, const uint8_t *v, size_t vl)
{
    collect *s = c;
    if (s->n >= NK) return 99;
    memcpy(s->keys[s->n], k, kl);
    s->lens[s->n] = kl;
    s->vals[s->n] = v ? v[0] : 0;
    s->dels[s->n] = v == NULL;
    (void)vl;
    s->n++;
    return 0;
}

static int cmp_key(const uint8_t *a, size_t al, const uint8_t *b, size_t bl)
{
    size_t n = al < bl ? al : bl;
    int c = memcmp(a, b, n);
    return c ? c : (al < bl ? -1 : al > bl);
}

static void test_random_against_model(void)
{
    uint8_t keys[NK][4];
    size_t lens[NK];
    /* Unique keys under two prefixes, of lengths 2 and 3 ("pa" < "pa0"...). */
    for (int i = 0; i < NK; i++) {
        keys[i][0] = (uint8_t)(i < NK / 2 ? 'p' : 'q');
        keys[i][1] = (uint8_t)('a' + i / 3);
        keys[i][2] = (uint8_t)('0' + i % 3);
        lens[i] = (size_t)(i % 3 == 0 ? 2 : 3);
        if (i % 3 == 0) keys[i][2] = 0;
    }
    for (int i = 0; i < NK; i++)
        for (int j = 0; j < i; j++)
            CHECK(cmp_key(keys[i], lens[i], keys[j], lens[j]) != 0);

    srand(7);
    for (int round = 0; round < 40; round++) {
        tc_kv *kv;
        tc_overlay *ov;
        model base = {0}, cur, saved;
        CHECK_OK(tc_kv_mem_open(&kv));
        for (int i = 0; i < NK; i++)
            if (rand() % 2) {
                base.has[i] = 1;
                base.val[i] = (uint8_t)rand();
                CHECK_OK(tc_kv_put(kv, keys[i], lens[i], &base.val[i], 1));
            }
        cur = base;
        CHECK_OK(tc_overlay_new(&ov, kv));
        tc_state *st = tc_overlay_state(ov);
        int touched[NK] = {0}, saved_touched[NK];
        for (int t = 0; t < 30; t++) {
            saved = cur;
            memcpy(saved_touched, touched, sizeof touched);
            CHECK_OK(tc_state_tx_begin(st));
            for (int op = 0; op < 5; op++) {
                int i = rand() % NK;
                if (rand() % 3 == 0) {
                    CHECK_OK(tc_state_del(st, keys[i], lens[i]));
                    cur.has[i] = 0;
                } else {
                    uint8_t v = (uint8_t)rand();
                    CHECK_OK(tc_state_put(st, keys[i], lens[i], &v, 1));
                    cur.has[i] = 1;
                    cur.val[i] = v;
                }
                touched[i] = 1;
            }
            if (rand() % 3 == 0) {
                tc_state_tx_rollback(st);
                cur = saved;
                memcpy(touched, saved_touched, sizeof touched);
            } else {
                CHECK_OK(tc_state_tx_commit(st));
            }
            /* point reads */
            for (int i = 0; i < NK; i++) {
                uint8_t v;
                size_t n;
                int rc = tc_state_get(st, &v, 1, &n, keys[i], lens[i]);
                if (cur.has[i]) { CHECK_OK(rc); CHECK_EQ(v, cur.val[i]); }
                else CHECK_ERR(rc, TC_ERR_NOT_FOUND);
            }
            /* merged scan under prefix "p" and under "" */
            for (int pf = 0; pf < 2; pf++) {
                collect c = {0};
                CHECK_OK(tc_state_scan(st, (const uint8_t *)"p", (size_t)pf, on_scan, &c));
                int expect = 0;
                for (int i = 0; i < NK; i++) {
                    if (!cur.has[i] || (pf && keys[i][0] != 'p')) continue;
                    expect++;
                    int found = 0;
                    for (int j = 0; j < c.n; j++)
                        if (cmp_key(c.keys[j], c.lens[j], keys[i], lens[i]) == 0) {
                            found = 1;
                            CHECK_EQ(c.vals[j], cur.val[i]);
                        }
                    CHECK(found);
                }
                CHECK_EQ(c.n, expect);
                for (int j = 1; j < c.n; j++)
                    CHECK(cmp_key(c.keys[j - 1], c.lens[j - 1], c.keys[j], c.lens[j]) < 0);
            }
        }
        /* the write-set: exactly the touched keys, sorted, with final values */
        collect w = {0};
        CHECK_OK(tc_overlay_foreach(ov, on_write, &w));
        int nt = 0;
        for (int i = 0; i < NK; i++) nt += touched[i];
        CHECK_EQ(w.n, nt);
        CHECK_EQ(tc_overlay_count(ov), nt);
        for (int j = 1; j < w.n; j++)
            CHECK(cmp_key(w.keys[j - 1], w.lens[j - 1], w.keys[j], w.lens[j]) < 0);
        for (int j = 0; j < w.n; j++)
            for (int i = 0; i < NK; i++)
                if (cmp_key(w.keys[j], w.lens[j], keys[i], lens[i]) == 0) {
                    CHECK_EQ(w.dels[j], !cur.has[i]);
                    if (cur.has[i]) CHECK_EQ(w.vals[j], cur.val[i]);
                }
        tc_overlay_free(ov);
        tc_kv_close(kv);
    }
}

static void test_scan_stop_value(void)
{
    tc_overlay *ov;
    CHECK_OK(tc_overlay_new(&ov, NULL));
    tc_state *st = tc_overlay_state(ov);
    for (int i = 0; i < 30; i++) {
        uint8_t k[2] = { 'k', (uint8_t)i };
        CHECK_OK(tc_state_put(st, k, 2, k, 2));
    }
    collect c = {0};
    CHECK_EQ(tc_state_scan(st, (const uint8_t *)"k", 1, on_scan, &c), 99); /* vl != 1 stops */
    CHECK_EQ(c.n, 0);
    tc_overlay_free(ov);
}

int main(void)
{
    RUN(test_read_through_and_rollback);
    RUN(test_random_against_model);
    RUN(test_scan_stop_value);
    return test_summary();
}
