/* The mempool (DESIGN.md, Node: "admission checks the signature and nonce
 * once; bounded size; duplicates dropped").
 *
 * Admitted transactions are applied, in arrival order, to an overlay over
 * the committed state, so the next transaction of a signer is checked
 * against the nonce its pending predecessor leaves (nonces are strictly
 * sequential, docs/ledger.md). A transaction the rules reject is not
 * admitted: a proposer only includes transactions that were valid when
 * they arrived. After each commit the overlay is rebuilt on the new state
 * and the remaining transactions are re-checked (signatures are not checked
 * twice). Duplicate checks use a hash set of payload ids (idx), so
 * admission and the after-commit sweep stay linear in the work done. */
#include <string.h>

#include "node.h"
#include "tc/alloc.h"
#include "tc/ledger.h"
#include "tc/tx.h"

int mempool_init(mempool *mp, tc_store *store, const char *chain_id, uint64_t max_txs,
                 uint64_t max_bytes)
{
    memset(mp, 0, sizeof *mp);
    mp->store = store;
    mp->chain_id = chain_id;
    mp->max_txs = max_txs;
    mp->max_bytes = max_bytes;
    return tc_overlay_new(&mp->ov, tc_store_values(store));
}

void mempool_free(mempool *mp)
{
    for (size_t i = 0; i < mp->n; i++)
        tc_free(mp->v[i].b);
    tc_free(mp->v);
    idset_free(&mp->idx);
    idset_free(&mp->inflight);
    if (mp->ov)
        tc_overlay_free(mp->ov);
    memset(mp, 0, sizeof *mp);
}

static int check(mempool *mp, tc_err *err, const uint8_t *tx, size_t len, uint64_t now_ms, int sig_checked)
{
    tc_block_ctx ctx;
    ctx.chain_id = (const uint8_t *)mp->chain_id;
    ctx.chain_id_len = strlen(mp->chain_id);
    ctx.height = tc_store_height(mp->store) + 1;
    ctx.time_ms = now_ms;
    tc_state *st = tc_overlay_state(mp->ov);
    int rc = tc_state_tx_begin(st);
    if (rc)
        return tc_err_set(err, rc, "mempool state");
    rc = tc_ledger_apply(st, err, tx, len, &ctx, sig_checked);
    if (rc) {
        tc_state_tx_rollback(st);
        return rc;
    }
    return tc_state_tx_commit(st);
}


int mempool_add(mempool *mp, tc_err *err, const uint8_t *buf, size_t len, uint64_t now_ms)
{
    tc_tx tx;
    int rc = tc_tx_decode(&tx, err, buf, len);
    if (rc)
        return rc;
    if (tx.chain_id_len != strlen(mp->chain_id) || memcmp(tx.chain_id, mp->chain_id, tx.chain_id_len) != 0)
        return tc_err_set(err, TC_ERR_LEDGER_CHAIN_ID, NULL);
    uint8_t id[TC_SHA256_LEN];
    tc_tx_payload_hash(id, &tx);
    if (idset_has(&mp->idx, id))
        return 1;
    if (mp->n >= mp->max_txs || mp->bytes + len > mp->max_bytes)
        return tc_err_set(err, TC_ERR_LIMIT, "mempool full (%zu transactions)", mp->n);
    if (mp->n == mp->cap) {
        size_t cap = mp->cap ? mp->cap * 2 : 256;
        mp_tx *v = tc_realloc(mp->v, cap * sizeof *v);
        if (!v)
            return tc_err_set(err, TC_ERR_NOMEM, "mempool");
        mp->v = v;
        mp->cap = cap;
    }
    uint8_t *copy = tc_malloc(len);
    if (!copy)
        return tc_err_set(err, TC_ERR_NOMEM, "mempool");
    if ((rc = check(mp, err, buf, len, now_ms, 0))) {
        tc_free(copy);
        return rc;
    }
    if (idset_add(&mp->idx, id)) {
        tc_free(copy);
        return tc_err_set(err, TC_ERR_NOMEM, "mempool");
    }
    memcpy(copy, buf, len);
    mp->v[mp->n].b = copy;
    mp->v[mp->n].len = len;
    memcpy(mp->v[mp->n].id, id, TC_SHA256_LEN);
    mp->n++;
    mp->bytes += len;
    return 0;
}

void mempool_after_commit(mempool *mp, const tc_span *txs, size_t ntx, uint64_t now_ms)
{
    idset done = {0};
    for (size_t i = 0; i < ntx; i++) {
        tc_tx tx;
        tc_err err;
        uint8_t id[TC_SHA256_LEN];
        if (tc_tx_decode(&tx, &err, txs[i].p, txs[i].len) != 0)
            continue;
        tc_tx_payload_hash(id, &tx);
        if (idset_has(&mp->idx, id))
            idset_add(&done, id);
    }
    tc_overlay_free(mp->ov);
    mp->ov = NULL;
    if (tc_overlay_new(&mp->ov, tc_store_values(mp->store)) != 0) {
        idset_free(&done);
        mempool_free(mp); /* out of memory: start empty */
        return;
    }
    /* Drop the block's transactions, re-check the rest on the new state. */
    size_t keep = 0;
    for (size_t i = 0; i < mp->n; i++) {
        tc_err err;
        if (!idset_has(&done, mp->v[i].id) && check(mp, &err, mp->v[i].b, mp->v[i].len, now_ms, 1) == 0) {
            mp->v[keep++] = mp->v[i];
        } else {
            mp->bytes -= mp->v[i].len;
            idset_del(&mp->idx, mp->v[i].id);
            tc_free(mp->v[i].b);
        }
    }
    mp->n = keep;
    idset_free(&done);
}
