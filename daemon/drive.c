/* Driving the consensus engine (include/tc/consensus.h) from the event
 * loop: events in (peer messages, timer fires, our own answers), actions
 * out. Answers the engine waits for (PERSISTED, VALIDATED,
 * PROPOSAL_READY) are queued and fed after the current action list is
 * carried out, because each step replaces the action list.
 *
 * Persist before send: a PERSIST action is written durably (fsync) before
 * its PERSISTED event is fed; the engine withholds the signed messages
 * that depend on it until then. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "node.h"
#include "tc/alloc.h"
#include "tc/log.h"

struct evq_item {
    evq_item *next;
    tc_cons_event ev;
    uint8_t *data; /* owned copy of ev.data */
};

struct cons_timer {
    uv_timer_t t;
    node *nd;
    uint8_t step;
    uint64_t height;
    uint32_t round;
};

static void push(node *nd, const tc_cons_event *ev, const uint8_t *data, size_t len)
{
    evq_item *it = tc_calloc(1, sizeof *it);
    if (!it || (len && !(it->data = tc_malloc(len)))) {
        TC_LOGE("out of memory queueing a consensus event");
        tc_free(it);
        nd->failed = 1;
        return;
    }
    it->ev = *ev;
    if (len)
        memcpy(it->data, data, len);
    it->ev.data = it->data;
    it->ev.len = len;
    if (nd->q_tail) nd->q_tail->next = it; else nd->q_head = it;
    nd->q_tail = it;
}

static void on_cons_timer_closed(uv_handle_t *h) { tc_free(h->data); }

static void on_cons_timer(uv_timer_t *t)
{
    cons_timer *ct = (cons_timer *)t;
    node *nd = ct->nd;
    tc_cons_event ev;
    memset(&ev, 0, sizeof ev);
    ev.kind = TC_CONS_EV_TIMEOUT;
    ev.step = ct->step;
    ev.height = ct->height;
    ev.round = ct->round;
    uv_close((uv_handle_t *)t, on_cons_timer_closed);
    node_feed(nd, &ev);
}

static void schedule(node *nd, const tc_cons_action *a)
{
    cons_timer *ct = tc_calloc(1, sizeof *ct);
    if (!ct)
        return;
    ct->nd = nd;
    ct->step = a->step;
    ct->height = a->height;
    ct->round = a->round;
    uv_timer_init(nd->loop, &ct->t);
    ct->t.data = ct;
    uv_timer_start(&ct->t, on_cons_timer, a->delay_ms, 0);
}

static void answer_proposal(node *nd, uint64_t height, uint32_t round)
{
    uint8_t *b;
    size_t len;
    int rc = node_build_block(nd, &b, &len, height);
    if (rc) {
        TC_LOGW("cannot build a block for height %llu: %s", (unsigned long long)height, tc_errname(rc));
        return;
    }
    tc_cons_event ev;
    memset(&ev, 0, sizeof ev);
    ev.kind = TC_CONS_EV_PROPOSAL_READY;
    ev.height = height;
    ev.round = round;
    push(nd, &ev, b, len);
    tc_free(b);
}

/* Blocks are paced (docs/node.md, Blocks): a proposer with an empty
 * mempool waits until block_interval_ms after the last commit; with
 * pending transactions it waits until NODE_FILL_MS after the last commit
 * (or a full block), so a steady stream fills blocks instead of paying a
 * block's fsyncs per transaction (measured: 1-validator blocks of 1 tx and
 * 157 tx/s before). */
#define NODE_FILL_MS 20u

static uint64_t proposal_due(const node *nd)
{
    uint64_t wait = nd->mp.n > 0 ? NODE_FILL_MS : nd->cfg.block_interval_ms;
    if (wait > nd->cfg.block_interval_ms) wait = nd->cfg.block_interval_ms;
    if (nd->mp.n >= nd->cfg.block_max_txs) wait = 0;
    return nd->last_commit_ms + wait;
}

static void on_propose_timer(uv_timer_t *t)
{
    node *nd = t->data;
    node_propose_now(nd);
}

void node_propose_now(node *nd)
{
    if (!nd->propose_pending)
        return;
    uint64_t now = node_now_ms(), due = proposal_due(nd);
    if (now < due) { /* not yet: the timer fires at the (possibly earlier) due time */
        uv_timer_start(&nd->propose_timer, on_propose_timer, due - now, 0);
        return;
    }
    nd->propose_pending = 0;
    uv_timer_stop(&nd->propose_timer);
    tc_cons_status st;
    tc_cons_get_status(nd->eng, &st);
    if (st.height != nd->propose_height || st.round != nd->propose_round)
        return;
    answer_proposal(nd, nd->propose_height, nd->propose_round);
    node_feed(nd, NULL);
}

static void need_proposal(node *nd, const tc_cons_action *a)
{
    uint64_t now = node_now_ms(), due = proposal_due(nd);
    if (now >= due || a->round > 0) {
        answer_proposal(nd, a->height, a->round);
        return;
    }
    nd->propose_pending = 1;
    nd->propose_height = a->height;
    nd->propose_round = a->round;
    uv_timer_start(&nd->propose_timer, on_propose_timer, due - now, 0);
}

static int commit(node *nd, const tc_cons_action *a)
{
    tc_err err;
    tc_err_clear(&err);
    /* The certificate first: a crash between the two leaves a certificate
     * for a block the store does not have, which is ignored at start. */
    int rc = node_save_cert(nd, a->height, a->cert, a->cert_len);
    if (!rc)
        rc = tc_store_commit_block(nd->store, &err, a->data, a->len, 0);
    if (rc) {
        TC_LOGE("commit of height %llu failed: %s (%s)", (unsigned long long)a->height, tc_errname(rc), err.msg);
        nd->failed = 1;
        return rc;
    }
    tc_block b;
    if (tc_block_decode(&b, a->data, a->len) == 0) {
        nd->committed_txs += b.ntx;
        mempool_after_commit(&nd->mp, b.txs, b.ntx, node_now_ms());
        TC_LOGI("committed height %llu: %zu txs, id %02x%02x%02x%02x, mempool %zu", (unsigned long long)a->height,
                b.ntx, a->block_id[0], a->block_id[1], a->block_id[2], a->block_id[3], nd->mp.n);
        tc_block_free(&b);
    }
    api_after_commit(nd, a->height, a->block_id, a->data, a->len);
    nd->last_commit_ms = node_now_ms();
    return 0;
}

/* Carries out the engine's current actions; returns 1 if a height was
 * decided (the caller then starts the next one). */
static int carry_out(node *nd)
{
    const tc_cons_action *acts;
    size_t n = tc_cons_actions(nd->eng, &acts);
    int decided = 0;
    for (size_t k = 0; k < n && !nd->failed; k++) {
        const tc_cons_action *a = &acts[k];
        tc_cons_event ev;
        memset(&ev, 0, sizeof ev);
        switch (a->kind) {
        case TC_CONS_ACT_BROADCAST:
            p2p_broadcast_cons(nd, a->data, a->len);
            break;
        case TC_CONS_ACT_SCHEDULE:
            schedule(nd, a);
            break;
        case TC_CONS_ACT_PERSIST:
            if (node_persist_record(nd, a->data, a->len) != 0) {
                TC_LOGE("cannot write the signing record %s: stopping (never sign unrecorded)", nd->rec_path);
                nd->failed = 1;
                break;
            }
            ev.kind = TC_CONS_EV_PERSISTED;
            ev.seq = a->seq;
            push(nd, &ev, NULL, 0);
            break;
        case TC_CONS_ACT_VALIDATE: {
            tc_cons_status st;
            tc_cons_get_status(nd->eng, &st);
            ev.kind = TC_CONS_EV_VALIDATED;
            memcpy(ev.block_id, a->block_id, TC_BLOCK_ID_LEN);
            ev.ok = node_validate_block(nd, a->data, a->len, st.height) == 0;
            push(nd, &ev, NULL, 0);
            break;
        }
        case TC_CONS_ACT_NEED_PROPOSAL:
            need_proposal(nd, a);
            break;
        case TC_CONS_ACT_COMMIT:
            if (commit(nd, a) == 0)
                decided = 1;
            break;
        case TC_CONS_ACT_EVIDENCE:
            TC_LOGW("equivocation evidence at height %llu (kept in the log only for now)", (unsigned long long)a->height);
            break;
        default:
            break;
        }
    }
    return decided;
}

static void start_height(node *nd)
{
    uint64_t h = tc_store_height(nd->store) + 1;
    if (node_sets_at(nd, h) != 0) {
        nd->failed = 1;
        return;
    }
    nd->propose_pending = 0;
    uv_timer_stop(&nd->propose_timer);
    tc_cons_start_height(nd->eng, h, &nd->vs, node_now_ms());
}

/* Steps the engine with the oldest queued answer; 0 if there is none. */
static int step_queued(node *nd)
{
    evq_item *it = nd->q_head;
    if (!it)
        return 0;
    nd->q_head = it->next;
    if (!nd->q_head)
        nd->q_tail = NULL;
    tc_cons_step(nd->eng, &it->ev, node_now_ms());
    tc_free(it->data);
    tc_free(it);
    return 1;
}

/* Carries out the engine's actions and the queued answers until quiet. */
void node_drain(node *nd)
{
    for (;;) {
        int decided = carry_out(nd);
        if (nd->failed) {
            uv_stop(nd->loop);
            return;
        }
        if (decided) {
            /* Answers queued for the decided height are stale now. */
            while (nd->q_head) {
                evq_item *it = nd->q_head;
                nd->q_head = it->next;
                tc_free(it->data);
                tc_free(it);
            }
            nd->q_tail = NULL;
            start_height(nd);
            p2p_after_commit(nd);
            continue;
        }
        if (!step_queued(nd))
            break;
    }
}

/* Feeds one event (ev NULL: only the queued answers), then drains. */
void node_feed(node *nd, const tc_cons_event *ev)
{
    if (!nd->eng || nd->stopping)
        return;
    if (ev) {
        tc_cons_step(nd->eng, ev, node_now_ms());
        node_drain(nd);
        return;
    }
    if (step_queued(nd))
        node_drain(nd);
}

int node_start_engine(node *nd)
{
    /* A validator node gives the engine its key even when it is not in the
     * set of this height: the engine votes at the heights whose set holds
     * it (validator-set changes). A full node never gives it a key. */
    int voting = nd->cfg.validator && !nd->cfg.full;
    int rc = tc_cons_new(&nd->eng, &nd->ccfg, voting ? nd->sec : NULL);
    if (rc)
        return rc;
    uint8_t *rec;
    size_t n;
    tc_err err;
    if ((rc = tc_recfile_open(&nd->rec_file, &err, nd->rec_path, NODE_REC_MAX, &rec, &n)) != 0) {
        TC_LOGE("cannot read the signing record: %s", err.msg);
        return rc;
    }
    if (rec) {
        rc = tc_cons_restore(nd->eng, rec, n);
        tc_free(rec);
        if (rc != 0) {
            TC_LOGE("cannot restore the signing record %s: %s", nd->rec_path, tc_errname(rc));
            return rc;
        }
        TC_LOGI("restored the signing record");
    }
    TC_LOGI("consensus at height %llu as %s", (unsigned long long)tc_store_height(nd->store) + 1,
            nd->cfg.full ? "a full node (never signs)" : voting ? "a validator" : "a non-voting node");
    nd->last_commit_ms = node_now_ms();
    start_height(nd);
    node_drain(nd);
    return 0;
}

void node_stop_engine(node *nd)
{
    while (nd->q_head) {
        evq_item *it = nd->q_head;
        nd->q_head = it->next;
        tc_free(it->data);
        tc_free(it);
    }
    nd->q_tail = NULL;
    if (nd->eng)
        tc_cons_free(nd->eng);
    nd->eng = NULL;
}
