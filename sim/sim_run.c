/* thingchain-sim: one seeded run. The world (network, clock, disks, block
 * stores), honest node behaviour, and the checkers:
 *   agreement  no two honest nodes decide different blocks at one height
 *              (checked at every decision, i.e. after every step that can
 *              change a decision);
 *   validity   every decided block was proposed and is valid, and its
 *              certificate verifies with only the height's validator set;
 *   liveness   after GST (all faults healed) every honest node decides its
 *              next height within LIVENESS_BOUND of virtual time. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "sim_world.h"
#include "tc/errors.h"

static void node_actions(world *w, int i);

void w_push(world *w, sim_ev *e)
{
    if (sim_heap_push(&w->heap, e) != 0) {
        fprintf(stderr, "thingchain-sim: event queue ceiling reached\n");
        exit(3);
    }
}

uint8_t *w_dup(const uint8_t *p, size_t n)
{
    uint8_t *q = malloc(n ? n : 1);
    if (!q) {
        fprintf(stderr, "thingchain-sim: out of memory\n");
        exit(3);
    }
    memcpy(q, p, n);
    return q;
}

static int pre_gst(const world *w) { return w->now < w->gst; }

/* The virtual network: delay, loss, duplication, reordering, partitions.
 * After GST messages between live nodes always arrive within ~60 ms. */
void w_send_kind(world *w, int kind, int from, int to, const uint8_t *d, size_t n,
                 const uint8_t *cert, size_t cert_len, uint64_t height)
{
    if (from == to)
        return;
    unsigned f = w->p.faults;
    if (pre_gst(w)) {
        if (w->partitioned && w->part[from] != w->part[to])
            return;
        if ((f & F_LOSS) && sim_rng_chance(&w->rng, 10))
            return;
    }
    int copies = (f & F_DUP) && sim_rng_chance(&w->rng, 5) ? 2 : 1;
    for (int c = 0; c < copies; c++) {
        uint64_t delay = 1 + sim_rng_below(&w->rng, 10);
        if (f & F_DELAY)
            delay += sim_rng_below(&w->rng, pre_gst(w) ? 300 : 40);
        if ((f & F_REORDER) && sim_rng_chance(&w->rng, 10))
            delay += sim_rng_below(&w->rng, pre_gst(w) ? 800 : 10);
        sim_ev e;
        memset(&e, 0, sizeof e);
        e.kind = kind;
        e.time = w->now + delay;
        e.node = to;
        e.from = from;
        e.height = height;
        e.data = d ? w_dup(d, n) : NULL;
        e.len = n;
        if (cert) {
            e.cert = w_dup(cert, cert_len);
            e.cert_len = cert_len;
        }
        w->res->messages++;
        w_push(w, &e);
    }
}

void w_send(world *w, int from, int to, const uint8_t *d, size_t n)
{
    w_send_kind(w, EV_DELIVER, from, to, d, n, NULL, 0, 0);
}

/* Sim blocks: text "tc-sim h=H r=R by=P nonce=N valid=V"; the id is SHA-256. */
size_t w_make_block(world *w, char *out, size_t cap, uint64_t h, uint32_t r, int by, int valid)
{
    int n = snprintf(out, cap, "tc-sim h=%llu r=%u by=%d nonce=%llu valid=%d",
                     (unsigned long long)h, r, by, (unsigned long long)++w->nonce, valid);
    uint8_t id[TC_BLOCK_ID_LEN];
    tc_sha256(id, out, (size_t)n);
    if (w->nproposed == w->capproposed) {
        w->capproposed = w->capproposed ? w->capproposed * 2 : 256;
        w->proposed = realloc(w->proposed, w->capproposed * sizeof *w->proposed);
        if (!w->proposed)
            exit(3);
    }
    memcpy(w->proposed[w->nproposed++], id, TC_BLOCK_ID_LEN);
    return (size_t)n;
}

int w_block_valid(const uint8_t *b, size_t n, uint64_t height)
{
    char s[160];
    unsigned long long h;
    if (n >= sizeof s)
        return 0;
    memcpy(s, b, n);
    s[n] = 0;
    if (sscanf(s, "tc-sim h=%llu ", &h) != 1 || h != height)
        return 0;
    return n > 8 && strcmp(s + n - 8, " valid=1") == 0;
}

static int was_proposed(const world *w, const uint8_t id[TC_BLOCK_ID_LEN])
{
    for (size_t i = 0; i < w->nproposed; i++)
        if (memcmp(w->proposed[i], id, TC_BLOCK_ID_LEN) == 0)
            return 1;
    return 0;
}

/* The first violation of a run names it; the run stops there. */
#define VIOLATION(w, counter, ...) do { \
        if (!(w)->res->safety && !(w)->res->validity) \
            snprintf((w)->res->what, sizeof (w)->res->what, __VA_ARGS__); \
        (counter)++; (w)->stop = 1; } while (0)

/* A decision of an honest node: the three checkers. */
static void on_decide(world *w, int i, const tc_cons_action *a)
{
    node *nd = &w->nodes[i];
    uint64_t h = a->height;
    w->res->decisions++;
    if (!w_block_valid(a->data, a->len, h) || !was_proposed(w, a->block_id))
        VIOLATION(w, w->res->validity, "validity: node %d decided an invalid or unproposed block at height %llu",
                  i, (unsigned long long)h);
    if (tc_cons_cert_verify(NULL, a->cert, a->cert_len, w->cfg.chain_id, &w->vs[h], h) != 0)
        VIOLATION(w, w->res->validity, "validity: node %d produced a bad certificate at height %llu",
                  i, (unsigned long long)h);
    if (w->decided_by[h] >= 0 && memcmp(w->decided_id[h], a->block_id, TC_BLOCK_ID_LEN) != 0)
        VIOLATION(w, w->res->safety, "agreement: nodes %d and %d decided different blocks at height %llu",
                  w->decided_by[h], i, (unsigned long long)h);
    if (w->decided_by[h] < 0) {
        w->decided_by[h] = i;
        memcpy(w->decided_id[h], a->block_id, TC_BLOCK_ID_LEN);
    }
    uint64_t since = nd->last_progress > w->gst ? nd->last_progress : w->gst;
    if (w->now > w->gst && w->now - since > LIVENESS_BOUND && !w->res->liveness) {
        w->res->liveness++;
        snprintf(w->res->what, sizeof w->res->what,
                 "liveness: node %d took %llu ms after GST to decide height %llu", i,
                 (unsigned long long)(w->now - since), (unsigned long long)h);
    }
    nd->last_progress = w->now;
    if (w->p.verbose > 1)
        printf("t=%llu node %d decides h=%llu\n", (unsigned long long)w->now, i, (unsigned long long)h);
    sim_trace_add(w->tr, "t=%llu node %d DECIDES h=%llu r=%u id=%02x%02x%02x%02x",
                  (unsigned long long)w->now, i, (unsigned long long)h, a->round, a->block_id[0],
                  a->block_id[1], a->block_id[2], a->block_id[3]);
}

static void store_commit(node *nd, const tc_cons_action *a)
{
    uint64_t h = a->height;
    free(nd->blocks[h]);
    free(nd->certs[h]);
    nd->blocks[h] = w_dup(a->data, a->len);
    nd->blen[h] = a->len;
    nd->certs[h] = w_dup(a->cert, a->cert_len);
    nd->clen[h] = a->cert_len;
    nd->height = h;
}

static void push_node_ev(world *w, int kind, int i, uint64_t delay, sim_ev *e)
{
    e->kind = kind;
    e->node = i;
    e->inc = w->nodes[i].inc;
    e->time = w->now + delay;
    w_push(w, e);
}

/* Carries out node i's actions; loops when a decision starts the next height. */
static void node_actions(world *w, int i)
{
    node *nd = &w->nodes[i];
    for (;;) {
        const tc_cons_action *acts;
        size_t n = tc_cons_actions(nd->eng, &acts);
        int next = 0;
        for (size_t k = 0; k < n; k++) {
            const tc_cons_action *a = &acts[k];
            sim_ev e;
            memset(&e, 0, sizeof e);
            switch (a->kind) {
            case TC_CONS_ACT_BROADCAST:
                if (nd->byz)
                    byz_broadcast(w, i, a->data, a->len);
                else
                    for (int j = 0; j < w->p.n; j++)
                        w_send(w, i, j, a->data, a->len);
                break;
            case TC_CONS_ACT_SCHEDULE:
                e.step = a->step;
                e.height = a->height;
                e.round = a->round;
                push_node_ev(w, EV_TIMEOUT, i, (uint64_t)((double)a->delay_ms * nd->skew), &e);
                break;
            case TC_CONS_ACT_PERSIST:
                if (nd->nwq < SIM_MAX_WQ) { /* the engine never has more in flight */
                    nd->wq[nd->nwq].seq = a->seq;
                    nd->wq[nd->nwq].rec = w_dup(a->data, a->len);
                    nd->wq[nd->nwq].len = a->len;
                    nd->nwq++;
                }
                e.seq = a->seq;
                push_node_ev(w, EV_PERSISTED, i, 1 + sim_rng_below(&w->rng, 3), &e);
                break;
            case TC_CONS_ACT_VALIDATE:
                e.ok = (nd->byz && (nd->strat & F_INVALID)) || w_block_valid(a->data, a->len, a->height);
                memcpy(e.id, a->block_id, TC_BLOCK_ID_LEN);
                push_node_ev(w, EV_VALIDATED, i, 0, &e);
                break;
            case TC_CONS_ACT_NEED_PROPOSAL:
                if (nd->byz && (nd->strat & F_COLLUDE)) {
                    byz_attack(w, i, a->height, a->round);
                    break;
                }
                {
                    char b[160];
                    int valid = !(nd->byz && (nd->strat & F_INVALID));
                    e.len = w_make_block(w, b, sizeof b, a->height, a->round, i, valid);
                    e.data = w_dup((uint8_t *)b, e.len);
                    e.height = a->height;
                    e.round = a->round;
                    push_node_ev(w, EV_PROPOSAL, i, 0, &e);
                }
                break;
            case TC_CONS_ACT_COMMIT:
                if (!nd->byz)
                    on_decide(w, i, a);
                store_commit(nd, a);
                next = a->height < (uint64_t)w->p.heights;
                break;
            case TC_CONS_ACT_EVIDENCE: {
                uint32_t who;
                w->res->evidence++;
                if (tc_cons_evidence_verify(&who, a->data, a->len, w->cfg.chain_id, &w->vs[a->height]) != 0 ||
                    !w->nodes[who].byz)
                    VIOLATION(w, w->res->validity, "evidence: node %d reported bad evidence at height %llu",
                              i, (unsigned long long)a->height);
                break;
            }
            }
        }
        if (!next)
            return;
        tc_cons_start_height(nd->eng, nd->height + 1, &w->vs[nd->height + 1], w->now);
    }
}

/* Starts (or restarts from its disk) node i's engine. */
void w_boot(world *w, int i)
{
    node *nd = &w->nodes[i];
    nd->up = 1;
    nd->inc++;
    sim_ev g;
    memset(&g, 0, sizeof g);
    push_node_ev(w, EV_GOSSIP, i, SIM_GOSSIP_MS / 2 + sim_rng_below(&w->rng, SIM_GOSSIP_MS), &g);
    if (nd->height >= (uint64_t)w->p.heights)
        return; /* done: it only serves its block store */
    if (tc_cons_new(&nd->eng, &w->cfg, nd->sec) != 0)
        exit(3);
    if (nd->disk && tc_cons_restore(nd->eng, nd->disk, nd->disk_len) != 0) {
        fprintf(stderr, "thingchain-sim: node %d cannot read its own record\n", i);
        exit(3);
    }
    tc_cons_start_height(nd->eng, nd->height + 1, &w->vs[nd->height + 1], w->now);
    node_actions(w, i);
}

void w_crash(world *w, int i)
{
    node *nd = &w->nodes[i];
    if (!nd->up)
        return;
    nd->up = 0;
    nd->inc++; /* its timers and unfinished writes die with it */
    if (nd->eng) {
        tc_cons_status st;
        tc_cons_get_status(nd->eng, &st);
        w->res->sig_checks += st.sigs_verified;
        tc_cons_free(nd->eng);
        nd->eng = NULL;
    }
    for (int k = 0; k < nd->nwq; k++)
        free(nd->wq[k].rec);
    nd->nwq = 0;
}

static void on_persisted(world *w, int i, uint64_t seq)
{
    node *nd = &w->nodes[i];
    int keep = 0;
    for (int k = 0; k < nd->nwq; k++) {
        if (nd->wq[k].seq <= seq) {
            if (nd->wq[k].seq == seq) { /* now durable */
                free(nd->disk);
                nd->disk = nd->wq[k].rec;
                nd->disk_len = nd->wq[k].len;
            } else {
                free(nd->wq[k].rec);
            }
        } else {
            nd->wq[keep++] = nd->wq[k];
        }
    }
    nd->nwq = keep;
}

/* A message arrives at node i: block-sync answer for peers behind, then the engine. */
static void on_deliver(world *w, sim_ev *e)
{
    node *nd = &w->nodes[e->node];
    tc_cons_msg m;
    if (!nd->byz && tc_cons_msg_decode(&m, e->data, e->len) == 0 && m.height <= nd->height &&
        nd->blocks[m.height] && w->now >= nd->last_reply[e->from] + 300) {
        nd->last_reply[e->from] = w->now;
        w_send_kind(w, EV_COMMIT, e->node, e->from, nd->blocks[m.height], nd->blen[m.height],
                    nd->certs[m.height], nd->clen[m.height], m.height);
    }
    /* A message from a later height: this node is behind, ask for the block. */
    if (!nd->byz && tc_cons_msg_decode(&m, e->data, e->len) == 0 && m.height > nd->height + 1 &&
        w->now >= nd->last_ask + 300) {
        nd->last_ask = w->now;
        w_send_kind(w, EV_SYNCREQ, e->node, e->from, NULL, 0, NULL, 0, nd->height + 1);
    }
    if (!nd->eng)
        return;
    tc_cons_event ev;
    memset(&ev, 0, sizeof ev);
    ev.kind = TC_CONS_EV_MESSAGE;
    ev.data = e->data;
    ev.len = e->len;
    tc_cons_step(nd->eng, &ev, w->now);
    node_actions(w, e->node);
}

/* Gossip: a node that made no progress since its last tick re-sends what it holds. */
static void on_gossip(world *w, int i)
{
    node *nd = &w->nodes[i];
    sim_ev e;
    memset(&e, 0, sizeof e);
    push_node_ev(w, EV_GOSSIP, i, SIM_GOSSIP_MS, &e);
    if (!nd->eng || nd->byz)
        return;
    tc_cons_status st;
    tc_cons_get_status(nd->eng, &st);
    uint64_t mark = st.height * 1000003u + st.round * 7u + st.step;
    if (mark != nd->gossip_mark) {
        nd->gossip_mark = mark;
        return;
    }
    tc_cons_gossip(nd->eng);
    node_actions(w, i);
}

void w_dispatch(world *w, sim_ev *e)
{
    node *nd = e->node >= 0 ? &w->nodes[e->node] : NULL;
    tc_cons_event ev;
    memset(&ev, 0, sizeof ev);
    switch (e->kind) {
    case EV_DELIVER:
        if (nd->up)
            on_deliver(w, e);
        return;
    case EV_COMMIT:
        if (!nd->up || !nd->eng || e->height != nd->height + 1)
            return;
        ev.kind = TC_CONS_EV_COMMIT;
        ev.data = e->data; ev.len = e->len;
        ev.cert = e->cert; ev.cert_len = e->cert_len;
        tc_cons_step(nd->eng, &ev, w->now);
        node_actions(w, e->node);
        return;
    case EV_SYNCREQ: /* block sync: answer from the block store */
        if (nd->up && !nd->byz && e->height <= nd->height && nd->blocks[e->height])
            w_send_kind(w, EV_COMMIT, e->node, e->from, nd->blocks[e->height], nd->blen[e->height],
                        nd->certs[e->height], nd->clen[e->height], e->height);
        return;
    case EV_CRASH: w_crash(w, e->node); return;
    case EV_RESTART: if (!nd->up) w_boot(w, e->node); return;
    case EV_PARTITION: w->partitioned = 1; return;
    case EV_HEAL: w->partitioned = 0; return;
    case EV_GOSSIP: if (nd->up && e->inc == nd->inc) on_gossip(w, e->node); return;
    default: break;
    }
    if (!nd->up || !nd->eng || e->inc != nd->inc)
        return; /* a timer or disk write of a previous incarnation */
    switch (e->kind) {
    case EV_TIMEOUT:
        ev.kind = TC_CONS_EV_TIMEOUT;
        ev.step = e->step; ev.height = e->height; ev.round = e->round;
        break;
    case EV_PERSISTED:
        on_persisted(w, e->node, e->seq);
        ev.kind = TC_CONS_EV_PERSISTED;
        ev.seq = e->seq;
        break;
    case EV_VALIDATED:
        ev.kind = TC_CONS_EV_VALIDATED;
        memcpy(ev.block_id, e->id, TC_BLOCK_ID_LEN);
        ev.ok = e->ok;
        break;
    case EV_PROPOSAL:
        ev.kind = TC_CONS_EV_PROPOSAL_READY;
        ev.data = e->data; ev.len = e->len; ev.height = e->height; ev.round = e->round;
        break;
    }
    tc_cons_step(nd->eng, &ev, w->now);
    node_actions(w, e->node);
}
