/* Transaction admission on all cores (issue 6: "mempool with signature
 * checks on all cores, bounded, duplicates dropped"; docs/node.md,
 * "Mempool").
 *
 * On the loop thread, at arrival: decode, chain id, duplicate check
 * against the pending and the in-flight ids (dropped before any signature
 * work), the ceilings, and the signer's allowed public keys looked up in
 * the pending state (tc_ledger_signer_keys). Then a libuv worker (the pool
 * is sized to the core count in daemon/main.c) verifies the signatures;
 * each valid one lands in the verified-signature memo (daemon/sigmemo.c).
 * Back on the loop thread the finished items are admitted strictly in
 * arrival order (a FIFO: a signer's nonce n+1 never overtakes n) by the
 * usual mempool_add, whose signature checks now hit the memo. A worker
 * that could not verify (keys changed, signer unknown yet) costs nothing
 * but time: admission verifies or refuses as before. */
#include <string.h>

#include "node.h"
#include "tc/alloc.h"
#include "tc/ledger.h"
#include "tc/log.h"
#include "tc/tx.h"

struct admit_item {
    uv_work_t w;
    node *nd;
    admit_item *next;
    uint8_t *b;
    size_t len;
    uint8_t id[TC_SHA256_LEN];
    uint8_t pubs[TC_TX_SIGS_MAX * TC_ED25519_PUB_LEN];
    size_t npub;
    int multi, done, ok;
    tc_net_link *from;  /* gossip: the link it came by, NULL when gone or from the API */
    admit_done_fn cb;
    void *ctx;
};

static void work(uv_work_t *w)
{
    admit_item *it = w->data;
    tc_tx tx;
    tc_err err;
    if (!it->npub || tc_tx_decode(&tx, &err, it->b, it->len) != 0)
        return;
    if (!it->multi)
        it->ok = tc_tx_verify_sig(&tx, 0, it->pubs) == 0;
    else
        it->ok = tc_tx_verify_keyset(&tx, &err, it->pubs, it->npub, 1) == 0;
}

static void finish(node *nd, admit_item *it)
{
    tc_err err;
    tc_err_clear(&err);
    idset_del(&nd->mp.inflight, it->id);
    int rc;
    if (nd->stopping) {
        rc = tc_err_set(&err, TC_ERR_LIMIT, "node is stopping; send the transaction again later");
    } else {
        rc = mempool_add(&nd->mp, &err, it->b, it->len, node_now_ms());
        if (rc == 0)
            p2p_broadcast_tx(nd, it->from, it->b, it->len);
    }
    if (it->ok) nd->adm_verified++; else nd->adm_failed++;
    if (it->cb)
        it->cb(it->ctx, rc, err.msg);
    else if (rc != 0 && rc != 1)
        TC_LOGD("gossiped transaction refused: %s", err.msg);
}

static void after_work(uv_work_t *w, int status)
{
    (void)status;
    admit_item *it = w->data;
    node *nd = it->nd;
    it->done = 1;
    int any = 0;
    while (nd->adm_head && nd->adm_head->done) {
        admit_item *h = nd->adm_head;
        nd->adm_head = h->next;
        if (!nd->adm_head)
            nd->adm_tail = NULL;
        nd->adm_n--;
        finish(nd, h);
        tc_free(h->b);
        tc_free(h);
        any = 1;
    }
    if (any && !nd->stopping)
        node_propose_now(nd);
}

int admit_submit(node *nd, tc_err *err, const uint8_t *buf, size_t len, tc_net_link *from, admit_done_fn done,
                 void *ctx)
{
    mempool *mp = &nd->mp;
    tc_tx tx;
    int rc = tc_tx_decode(&tx, err, buf, len);
    if (rc)
        return rc;
    if (tx.chain_id_len != strlen(mp->chain_id) || memcmp(tx.chain_id, mp->chain_id, tx.chain_id_len) != 0)
        return tc_err_set(err, TC_ERR_LEDGER_CHAIN_ID, "the transaction names another chain than %s", mp->chain_id);
    uint8_t id[TC_SHA256_LEN];
    tc_tx_payload_hash(id, &tx);
    if (idset_has(&mp->idx, id) || idset_has(&mp->inflight, id))
        return 1;
    if (mp->n + nd->adm_n >= mp->max_txs || mp->bytes + len > mp->max_bytes)
        return tc_err_set(err, TC_ERR_LIMIT, "mempool full (%zu pending, %zu being checked)", mp->n, nd->adm_n);
    admit_item *it = tc_calloc(1, sizeof *it);
    if (!it || !(it->b = tc_malloc(len)) || idset_add(&mp->inflight, id)) {
        if (it)
            tc_free(it->b);
        tc_free(it);
        return tc_err_set(err, TC_ERR_NOMEM, "mempool");
    }
    memcpy(it->b, buf, len);
    it->len = len;
    memcpy(it->id, id, sizeof id);
    it->nd = nd;
    it->from = from;
    it->cb = done;
    it->ctx = ctx;
    tc_err kerr;
    if (tc_ledger_signer_keys(tc_overlay_state(mp->ov), &kerr, it->pubs, TC_TX_SIGS_MAX, &it->npub, &it->multi,
                              buf, len) != 0)
        it->npub = 0; /* unknown signer for now: admission decides */
    it->w.data = it;
    if (nd->adm_tail) nd->adm_tail->next = it; else nd->adm_head = it;
    nd->adm_tail = it;
    nd->adm_n++;
    if (uv_queue_work(nd->loop, &it->w, work, after_work) != 0) {
        /* No pool: verify here; the item is admitted in order below. */
        work(&it->w);
        after_work(&it->w, 0);
    }
    return 2;
}

void admit_link_down(node *nd, tc_net_link *l)
{
    for (admit_item *it = nd->adm_head; it; it = it->next)
        if (it->from == l)
            it->from = NULL;
}
