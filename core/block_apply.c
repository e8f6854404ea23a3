/* Block application (include/tc/block.h; docs/store.md "Block application";
 * issue 4 item 4): identical input gives identical roots on every node. */
#include <assert.h>
#include <string.h>

#include "tc/alloc.h"
#include "tc/block.h"
#include "tc/history.h"
#include "tc/overlay.h"
#include "tc/smt.h"

void tc_block_exec_free(tc_block_exec *x)
{
    if (!x) return;
    tc_overlay_free(x->ov);
    tc_free(x->results);
    memset(x, 0, sizeof *x);
}

typedef struct smt_batch {
    tc_smt_update *ups;
    size_t n;
} smt_batch;

static int to_update(void *ctx, const uint8_t *key, size_t key_len, const uint8_t *val,
                     size_t val_len)
{
    smt_batch *b = ctx;
    tc_smt_update *u = &b->ups[b->n++];
    tc_sha256(u->key, key, key_len);
    if (val) tc_sha256(u->value, val, val_len);
    else memset(u->value, 0, sizeof u->value);
    u->del = val == NULL;
    return 0;
}

/* The write-set as ONE state-tree version. */
int tc_block_exec_state(tc_block_exec *x, struct tc_smt *smt)
{
    smt_batch b = { NULL, 0 };
    size_t n = tc_overlay_count(x->ov);
    if (n > TC_SMT_MAX_BATCH) return TC_ERR_LIMIT;
    if (n) {
        b.ups = tc_malloc(n * sizeof *b.ups);
        if (!b.ups) return TC_ERR_NOMEM;
        tc_overlay_foreach(x->ov, to_update, &b);
        assert(b.n == n);
    }
    int rc = tc_smt_apply(smt, x->state_root, b.ups, b.n);
    tc_free(b.ups);
    return rc;
}

/* After the rules: one history leaf per transaction (with its result),
 * then the write-set as a state-tree version. No rule reads the history
 * tree, so appending after the loop equals appending in it. */
static int exec_tail(tc_block_exec *x, const tc_chain *c, const tc_span *txs)
{
    for (size_t i = 0; i < x->ntx; i++) {
        uint8_t leaf[TC_HIST_LEAF_LEN];
        tc_block_hist_leaf(leaf, txs[i].p, txs[i].len, x->results[i].code);
        int rc = tc_hist_append(c->hist, leaf, sizeof leaf);
        if (rc) return rc;
    }
    tc_hist_root(c->hist, x->history_root);
    x->history_size = tc_hist_size(c->hist);
    return tc_block_exec_state(x, c->smt);
}

int tc_block_exec_replay(tc_block_exec *x, tc_err *err, const tc_chain *c, const tc_span *txs, size_t ntx)
{
    int rc = ntx == x->ntx ? exec_tail(x, c, txs) : TC_ERR_INVALID_ARG;
    if (rc) {
        tc_err_set(err, rc, "block application (replay)");
        tc_block_exec_free(x);
    }
    return rc;
}

int tc_block_execute(tc_block_exec *x, tc_err *err, const tc_chain *c, const tc_block_ctx *ctx,
                     const tc_span *txs, size_t ntx, int sig_checked)
{
    memset(x, 0, sizeof *x);
    if (ntx > TC_BLOCK_MAX_TXS) return tc_err_set(err, TC_ERR_LIMIT, "block has %zu transactions", ntx);
    int rc = tc_overlay_new(&x->ov, c->values);
    if (rc) return tc_err_set(err, rc, NULL);
    x->results = tc_calloc(ntx ? ntx : 1, sizeof *x->results);
    if (!x->results) { tc_block_exec_free(x); return tc_err_set(err, TC_ERR_NOMEM, NULL); }
    x->ntx = ntx;
    rc = tc_block_tx_root(x->tx_root, txs, ntx);
    if (rc) goto fail;

    tc_state *st = tc_overlay_state(x->ov);
    for (size_t i = 0; i < ntx; i++) {
        tc_tx_result *r = &x->results[i];
        tc_err e;
        tc_err_clear(&e);
        if ((rc = tc_state_tx_begin(st))) goto fail;
        int code = c->apply(st, &e, txs[i].p, txs[i].len, ctx, sig_checked);
        if (code == TC_ERR_NOMEM) { tc_state_tx_rollback(st); rc = code; goto fail; }
        if (code == 0) {
            if ((rc = tc_state_tx_commit(st))) goto fail;
            x->accepted++;
        } else {
            /* An overlay limit or a storage error below the rules is the
             * node's problem, not the transaction's: it must not become a
             * recorded rejection that other nodes would not reproduce. */
            tc_state_tx_rollback(st);
            if (code == TC_ERR_LIMIT || (code >= 300 && code < 350) || code == TC_ERR_IO ||
                code == TC_ERR_DISK_FULL || code == TC_ERR_CORRUPT) {
                rc = code;
                tc_err_set(err, code, "transaction %zu: %s", i, e.msg);
                goto fail_msg;
            }
            r->code = code;
            memcpy(r->msg, e.code ? e.msg : tc_strerror(code), sizeof r->msg);
            r->msg[sizeof r->msg - 1] = 0;
        }
    }
    if ((rc = exec_tail(x, c, txs))) goto fail;
    return 0;
fail:
    tc_err_set(err, rc, "block application");
fail_msg:
    tc_block_exec_free(x);
    return rc;
}

void tc_block_exec_fill(tc_header *h, const tc_block_exec *x)
{
    memcpy(h->tx_root, x->tx_root, TC_HASH_LEN);
    h->tx_count = x->ntx;
    memcpy(h->history_root, x->history_root, TC_HASH_LEN);
    h->history_size = x->history_size;
    memcpy(h->state_root, x->state_root, TC_HASH_LEN);
}

int tc_block_exec_check(tc_err *err, const tc_header *h, const tc_block_exec *x)
{
    const char *field = NULL;
    if (h->tx_count != x->ntx) field = "transaction count";
    else if (memcmp(h->tx_root, x->tx_root, TC_HASH_LEN)) field = "transaction root";
    else if (h->history_size != x->history_size) field = "history size";
    else if (memcmp(h->history_root, x->history_root, TC_HASH_LEN)) field = "history root";
    else if (memcmp(h->state_root, x->state_root, TC_HASH_LEN)) field = "state root";
    if (field) return tc_err_set(err, TC_ERR_BLOCK_MISMATCH, "block %llu: %s differs",
                                 (unsigned long long)h->height, field);
    return 0;
}

static int put_value(void *ctx, const uint8_t *key, size_t key_len, const uint8_t *val,
                     size_t val_len)
{
    tc_kv *kv = ctx;
    return val ? tc_kv_put(kv, key, key_len, val, val_len) : tc_kv_del(kv, key, key_len);
}

int tc_block_exec_write_values(const tc_block_exec *x, tc_kv *values)
{
    return tc_overlay_foreach(x->ov, put_value, values);
}

int tc_header_check_next(tc_err *err, const tc_header *prev, const uint8_t prev_id[TC_HASH_LEN],
                         const tc_header *h)
{
    if (memcmp(h->prev_hash, prev_id, TC_HASH_LEN))
        return tc_err_set(err, TC_ERR_BLOCK_SEQUENCE, "block %llu: previous hash does not match",
                          (unsigned long long)h->height);
    if (!prev) {
        if (h->height != 1)
            return tc_err_set(err, TC_ERR_BLOCK_SEQUENCE, "first block has height %llu",
                              (unsigned long long)h->height);
        return 0;
    }
    if (h->height != prev->height + 1)
        return tc_err_set(err, TC_ERR_BLOCK_SEQUENCE, "height %llu after %llu",
                          (unsigned long long)h->height, (unsigned long long)prev->height);
    if (h->chain_id_len != prev->chain_id_len || memcmp(h->chain_id, prev->chain_id, h->chain_id_len))
        return tc_err_set(err, TC_ERR_BLOCK_SEQUENCE, "block %llu: chain id differs",
                          (unsigned long long)h->height);
    if (h->time_ms <= prev->time_ms)
        return tc_err_set(err, TC_ERR_BLOCK_SEQUENCE, "block %llu: time does not advance",
                          (unsigned long long)h->height);
    if (memcmp(h->valset_hash, prev->next_valset_hash, TC_HASH_LEN))
        return tc_err_set(err, TC_ERR_BLOCK_SEQUENCE,
                          "block %llu: validator set is not the one the previous block named",
                          (unsigned long long)h->height);
    return 0;
}
