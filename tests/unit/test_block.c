/* Block headers, blocks and block application (core/block*.c): codec
 * round trips and rejections, the transaction root against a hand-built
 * RFC 9162 tree, rollback of rejected transactions, and two independent
 * in-memory chains fed the same blocks agreeing on every root. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tc/block.h"
#include "tc/cbor.h"
#include "tc/history.h"
#include "tc/overlay.h"
#include "tc/smt.h"
#include "test.h"

static void sample_header(tc_header *h)
{
    memset(h, 0, sizeof *h);
    memcpy(h->chain_id, "test-chain", 10);
    h->chain_id_len = 10;
    h->height = 7;
    h->time_ms = 1700000000123ull;
    for (int i = 0; i < 32; i++) {
        h->prev_hash[i] = (uint8_t)i;
        h->tx_root[i] = (uint8_t)(i + 1);
        h->history_root[i] = (uint8_t)(i + 2);
        h->state_root[i] = (uint8_t)(i + 3);
        h->valset_hash[i] = (uint8_t)(i + 4);
        h->next_valset_hash[i] = (uint8_t)(i + 5);
        h->proposer[i] = (uint8_t)(i + 6);
    }
    h->tx_count = 3;
    h->history_size = 40;
}

static void test_header_roundtrip(void)
{
    tc_header h, g;
    uint8_t buf[TC_HEADER_MAX];
    size_t n, m;
    sample_header(&h);
    CHECK_OK(tc_header_encode(NULL, 0, &m, &h));
    CHECK_OK(tc_header_encode(buf, sizeof buf, &n, &h));
    CHECK_EQ(n, m);
    CHECK_EQ(buf[0], 0xac); /* map of 12 */
    CHECK_OK(tc_header_decode(&g, buf, n));
    CHECK_MEM(&g, &h, sizeof h);
    CHECK_ERR(tc_header_encode(buf, 10, &n, &h), TC_ERR_BUFFER_TOO_SMALL);
    /* the id is SHA-256 of exactly those bytes */
    uint8_t id[32], want[32];
    CHECK_OK(tc_header_encode(buf, sizeof buf, &n, &h));
    tc_sha256(want, buf, n);
    CHECK_OK(tc_header_id(id, &h));
    CHECK_MEM(id, want, 32);
    /* any field change changes the id */
    h.history_size++;
    CHECK_OK(tc_header_id(want, &h));
    CHECK(memcmp(id, want, 32) != 0);
}

static void test_header_rejects(void)
{
    tc_header h, g;
    uint8_t buf[TC_HEADER_MAX], bad[TC_HEADER_MAX + 8];
    size_t n;
    sample_header(&h);
    CHECK_OK(tc_header_encode(buf, sizeof buf, &n, &h));
    /* truncated anywhere */
    for (size_t i = 0; i < n; i++) CHECK(tc_header_decode(&g, buf, i) != 0);
    /* trailing byte */
    memcpy(bad, buf, n);
    bad[n] = 0;
    CHECK_ERR(tc_header_decode(&g, bad, n + 1), TC_ERR_CBOR_TRAILING);
    /* 11 pairs claimed */
    memcpy(bad, buf, n);
    bad[0] = 0xab;
    CHECK(tc_header_decode(&g, bad, n) != 0);
    /* height 0 */
    sample_header(&h);
    h.height = 0;
    CHECK_OK(tc_header_encode(buf, sizeof buf, &n, &h));
    CHECK_ERR(tc_header_decode(&g, buf, n), TC_ERR_BLOCK_FORMAT);
    /* a 31-byte hash (hand-built map) */
    tc_cbor_enc e;
    uint8_t z[32] = {0};
    tc_cbor_enc_init(&e, bad, sizeof bad);
    tc_cbor_put_map(&e, 12);
    tc_cbor_put_uint(&e, 1);
    tc_cbor_put_cstr(&e, "c");
    for (unsigned k = 2; k <= 12; k++) {
        tc_cbor_put_uint(&e, k);
        if (k == 2 || k == 3 || k == 6 || k == 8) tc_cbor_put_uint(&e, 1);
        else tc_cbor_put_bytes(&e, z, k == 9 ? 31 : 32);
    }
    CHECK_OK(tc_cbor_enc_finish(&e, &n));
    CHECK_ERR(tc_header_decode(&g, bad, n), TC_ERR_BLOCK_FORMAT);
    /* key 12 replaced by key 13 */
    tc_cbor_enc_init(&e, bad, sizeof bad);
    tc_cbor_put_map(&e, 12);
    tc_cbor_put_uint(&e, 1);
    tc_cbor_put_cstr(&e, "c");
    for (unsigned k = 2; k <= 12; k++) {
        tc_cbor_put_uint(&e, k == 12 ? 13 : k);
        if (k == 2 || k == 3 || k == 6 || k == 8) tc_cbor_put_uint(&e, 1);
        else tc_cbor_put_bytes(&e, z, 32);
    }
    CHECK_OK(tc_cbor_enc_finish(&e, &n));
    CHECK_ERR(tc_header_decode(&g, bad, n), TC_ERR_BLOCK_FORMAT);
}

static void test_block_roundtrip(void)
{
    tc_header h;
    sample_header(&h);
    tc_span txs[3] = { { (const uint8_t *)"abc", 3 }, { (const uint8_t *)"d", 1 },
                       { (const uint8_t *)"efgh", 4 } };
    tc_span ev[1] = { { (const uint8_t *)"evidence", 8 } };
    tc_span lc = { (const uint8_t *)"cert", 4 };
    uint8_t buf[1024];
    size_t n;
    tc_block b;
    CHECK_OK(tc_block_encode(buf, sizeof buf, &n, &h, txs, 3, lc, ev, 1));
    CHECK_OK(tc_block_decode(&b, buf, n));
    CHECK_MEM(&b.header, &h, sizeof h);
    CHECK_EQ(b.ntx, 3);
    CHECK(b.txs[2].len == 4 && memcmp(b.txs[2].p, "efgh", 4) == 0);
    CHECK(b.last_commit.len == 4 && memcmp(b.last_commit.p, "cert", 4) == 0);
    CHECK_EQ(b.nevidence, 1);
    uint8_t id[32], id2[32];
    CHECK_OK(tc_header_id(id, &h));
    tc_block_id_of(id2, buf, n);
    CHECK_MEM(id, id2, 32);
    tc_block_free(&b);
    /* tx count in the header must match the body */
    h.tx_count = 2;
    CHECK_OK(tc_block_encode(buf, sizeof buf, &n, &h, txs, 3, lc, ev, 1));
    CHECK_ERR(tc_block_decode(&b, buf, n), TC_ERR_BLOCK_FORMAT);
    CHECK(b.txs == NULL);
    /* an empty transaction is not a transaction */
    h.tx_count = 1;
    tc_span empty = { (const uint8_t *)"", 0 };
    CHECK_OK(tc_block_encode(buf, sizeof buf, &n, &h, &empty, 1, lc, NULL, 0));
    CHECK_ERR(tc_block_decode(&b, buf, n), TC_ERR_BLOCK_FORMAT);
    /* every truncation fails cleanly (ASan checks the frees) */
    h.tx_count = 3;
    CHECK_OK(tc_block_encode(buf, sizeof buf, &n, &h, txs, 3, lc, ev, 1));
    for (size_t i = 0; i < n; i++) CHECK(tc_block_decode(&b, buf, i) != 0);
    tc_block_id_of(id2, buf, n - 1);
    CHECK_MEM(id2, (uint8_t[32]){0}, 32);
}

static void test_tx_root(void)
{
    /* RFC 9162 §2.1.1 by hand for three leaves: root = H(1||H(1||l0||l1)||l2) */
    tc_span txs[3] = { { (const uint8_t *)"tx0", 3 }, { (const uint8_t *)"tx1", 3 },
                       { (const uint8_t *)"tx2", 3 } };
    uint8_t l[3][32], buf[65], a[32], root[32], got[32];
    for (int i = 0; i < 3; i++) {
        buf[0] = 0;
        memcpy(buf + 1, txs[i].p, 3);
        tc_sha256(l[i], buf, 4);
    }
    buf[0] = 1;
    memcpy(buf + 1, l[0], 32);
    memcpy(buf + 33, l[1], 32);
    tc_sha256(a, buf, 65);
    memcpy(buf + 1, a, 32);
    memcpy(buf + 33, l[2], 32);
    tc_sha256(root, buf, 65);
    CHECK_OK(tc_block_tx_root(got, txs, 3));
    CHECK_MEM(got, root, 32);
    CHECK_OK(tc_block_tx_root(got, txs, 0));
    tc_sha256(root, "", 0);
    CHECK_MEM(got, root, 32);
}

/* ---- a toy rule set: "Pkey=value" puts, "Dkey" deletes, "X..." writes and
 * then rejects (the write must vanish), anything else is malformed ---- */
static int toy_apply(tc_state *st, tc_err *err, const uint8_t *tx, size_t len,
                     const tc_block_ctx *ctx, int sig_checked)
{
    (void)ctx;
    (void)sig_checked;
    if (len < 2) return tc_err_set(err, TC_ERR_LEDGER_MALFORMED, "too short");
    const uint8_t *eq = memchr(tx, '=', len);
    switch (tx[0]) {
    case 'P':
        if (!eq) return tc_err_set(err, TC_ERR_LEDGER_MALFORMED, "no '='");
        return tc_state_put(st, tx + 1, (size_t)(eq - tx - 1), eq + 1, len - (size_t)(eq - tx) - 1);
    case 'D': {
        uint8_t v[64];
        size_t vl;
        int rc = tc_state_get(st, v, sizeof v, &vl, tx + 1, len - 1);
        if (rc) return tc_err_set(err, TC_ERR_LEDGER_NOT_FOUND, "nothing to delete");
        return tc_state_del(st, tx + 1, len - 1);
    }
    case 'X':
        tc_state_put(st, tx + 1, len - 1, (const uint8_t *)"junk", 4);
        return tc_err_set(err, TC_ERR_LEDGER_UNAUTHORIZED, "toy says no");
    default:
        return tc_err_set(err, TC_ERR_LEDGER_MALFORMED, "unknown op");
    }
}

typedef struct mem_chain {
    tc_kv *values, *nodes;
    tc_smt *smt;
    tc_hist *hist;
    tc_chain c;
    tc_header last;
    uint8_t last_id[32];
} mem_chain;

static int chain_open(mem_chain *m)
{
    memset(m, 0, sizeof *m);
    int rc = tc_kv_mem_open(&m->values);
    if (!rc) rc = tc_kv_mem_open(&m->nodes);
    if (!rc) rc = tc_smt_open(&m->smt, m->nodes, 4);
    if (!rc) rc = tc_hist_open(&m->hist, m->nodes, (const uint8_t *)"h", 1);
    m->c = (tc_chain){ m->values, m->smt, m->hist, toy_apply };
    memset(m->last_id, 0xee, 32); /* "genesis hash" */
    return rc;
}

static void chain_close(mem_chain *m)
{
    tc_hist_close(m->hist);
    tc_smt_close(m->smt);
    tc_kv_close(m->nodes);
    tc_kv_close(m->values);
}

/* Proposer path: execute, fill the header, commit. */
static int chain_propose(mem_chain *m, tc_header *h, const tc_span *txs, size_t n, tc_err *err)
{
    tc_block_exec x;
    tc_block_ctx ctx = { (const uint8_t *)"toy", 3, m->last.height + 1, 1000 * (m->last.height + 1) };
    memset(h, 0, sizeof *h);
    memcpy(h->chain_id, "toy", 3);
    h->chain_id_len = 3;
    h->height = ctx.height;
    h->time_ms = ctx.time_ms;
    memcpy(h->prev_hash, m->last_id, 32);
    tc_kv_begin(m->nodes);
    int rc = tc_block_execute(&x, err, &m->c, &ctx, txs, n, 1);
    if (rc) return rc;
    tc_block_exec_fill(h, &x);
    rc = tc_block_exec_write_values(&x, m->values);
    if (!rc) rc = tc_hist_flush(m->hist);
    if (!rc) rc = tc_kv_commit(m->nodes);
    tc_block_exec_free(&x);
    m->last = *h;
    tc_header_id(m->last_id, h);
    return rc;
}

/* Receiver path: sequencing, execute, compare; on mismatch roll back. */
static int chain_receive(mem_chain *m, const tc_header *h, const tc_span *txs, size_t n, tc_err *err)
{
    int rc = tc_header_check_next(err, m->last.height ? &m->last : NULL, m->last_id, h);
    if (rc) return rc;
    tc_block_exec x;
    tc_block_ctx ctx = { h->chain_id, h->chain_id_len, h->height, h->time_ms };
    tc_kv_begin(m->nodes);
    rc = tc_block_execute(&x, err, &m->c, &ctx, txs, n, 1);
    if (!rc) rc = tc_block_exec_check(err, h, &x);
    if (rc) {
        tc_block_exec_free(&x);
        tc_kv_rollback(m->nodes);
        tc_hist_reload(m->hist);
        tc_smt_close(m->smt);
        tc_smt_open(&m->smt, m->nodes, 4);
        m->c.smt = m->smt;
        return rc;
    }
    rc = tc_block_exec_write_values(&x, m->values);
    if (!rc) rc = tc_hist_flush(m->hist);
    if (!rc) rc = tc_kv_commit(m->nodes);
    tc_block_exec_free(&x);
    m->last = *h;
    tc_header_id(m->last_id, h);
    return rc;
}

static void test_apply_and_rollback(void)
{
    mem_chain a;
    tc_err err;
    tc_header h;
    CHECK_OK(chain_open(&a));
    tc_span txs[] = { { (const uint8_t *)"Pa=1", 4 }, { (const uint8_t *)"Xb", 2 },
                      { (const uint8_t *)"Dzz", 3 }, { (const uint8_t *)"Pc=3", 4 },
                      { (const uint8_t *)"Da", 2 } };
    tc_block_exec x;
    tc_block_ctx ctx = { (const uint8_t *)"toy", 3, 1, 1000 };
    CHECK_OK(tc_block_execute(&x, &err, &a.c, &ctx, txs, 5, 1));
    CHECK_EQ(x.accepted, 3);
    CHECK_EQ(x.results[0].code, 0);
    CHECK_EQ(x.results[1].code, TC_ERR_LEDGER_UNAUTHORIZED);
    CHECK(strstr(x.results[1].msg, "toy says no") != NULL);
    CHECK_EQ(x.results[2].code, TC_ERR_LEDGER_NOT_FOUND);
    CHECK_EQ(x.history_size, 5);
    /* write-set: a deleted (written then deleted), c=3; b's junk rolled back */
    CHECK_EQ(tc_overlay_count(x.ov), 2);
    uint8_t v[8];
    size_t vl;
    CHECK_ERR(tc_state_get(tc_overlay_state(x.ov), v, sizeof v, &vl, (const uint8_t *)"b", 1),
              TC_ERR_NOT_FOUND);
    /* state root = SMT with only c -> SHA-256("3") */
    uint8_t kh[32], vh[32], leaf[32];
    tc_sha256(kh, "c", 1);
    tc_sha256(vh, "3", 1);
    tc_smt_leaf_hash(leaf, kh, vh);
    CHECK_MEM(x.state_root, leaf, 32);
    /* history leaf 1 carries the rejection code */
    uint8_t l1[TC_HIST_LEAF_LEN];
    tc_block_hist_leaf(l1, (const uint8_t *)"Xb", 2, TC_ERR_LEDGER_UNAUTHORIZED);
    CHECK_EQ(l1[35], TC_ERR_LEDGER_UNAUTHORIZED & 0xff);
    CHECK_EQ(l1[34], TC_ERR_LEDGER_UNAUTHORIZED >> 8);
    tc_block_exec_free(&x);
    chain_close(&a);
    (void)h;
}

#define NBLOCKS 12
#define MAXTX 40

static void test_two_chains_agree(void)
{
    mem_chain a, b;
    tc_err err;
    CHECK_OK(chain_open(&a));
    CHECK_OK(chain_open(&b));
    char store[NBLOCKS][MAXTX][24];
    srand(42);
    for (int blk = 0; blk < NBLOCKS; blk++) {
        tc_span txs[MAXTX];
        int n = 1 + rand() % MAXTX;
        for (int i = 0; i < n; i++) {
            int k = rand() % 30, op = rand() % 4;
            int len = op == 0 ? snprintf(store[blk][i], 24, "Dk%d", k)
                    : op == 1 ? snprintf(store[blk][i], 24, "Xk%d", k)
                              : snprintf(store[blk][i], 24, "Pk%d=v%d", k, rand() % 1000);
            txs[i] = (tc_span){ (const uint8_t *)store[blk][i], (size_t)len };
        }
        tc_header h;
        CHECK_OK(chain_propose(&a, &h, txs, (size_t)n, &err));
        /* a tampered state root is refused and leaves b untouched */
        tc_header bad = h;
        bad.state_root[0] ^= 1;
        CHECK_ERR(chain_receive(&b, &bad, txs, (size_t)n, &err), TC_ERR_BLOCK_MISMATCH);
        CHECK(strstr(err.msg, "state root") != NULL);
        bad = h;
        bad.height++;
        CHECK_ERR(chain_receive(&b, &bad, txs, (size_t)n, &err), TC_ERR_BLOCK_SEQUENCE);
        CHECK_OK(chain_receive(&b, &h, txs, (size_t)n, &err));
        /* every root agrees, at every height */
        uint8_t ra[32], rb[32];
        CHECK_OK(tc_smt_root(a.smt, ra, tc_smt_version(a.smt)));
        CHECK_OK(tc_smt_root(b.smt, rb, tc_smt_version(b.smt)));
        CHECK_MEM(ra, rb, 32);
        CHECK_MEM(ra, h.state_root, 32);
        tc_hist_root(a.hist, ra);
        tc_hist_root(b.hist, rb);
        CHECK_MEM(ra, rb, 32);
        CHECK_MEM(a.last_id, b.last_id, 32);
        CHECK_EQ(tc_hist_size(b.hist), h.history_size);
    }
    chain_close(&a);
    chain_close(&b);
}

int main(void)
{
    tc_crypto_init();
    RUN(test_header_roundtrip);
    RUN(test_header_rejects);
    RUN(test_block_roundtrip);
    RUN(test_tx_root);
    RUN(test_apply_and_rollback);
    RUN(test_two_chains_agree);
    return test_summary();
}
