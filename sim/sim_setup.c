/* thingchain-sim: building the world of one seed (keys, validator sets per
 * height, Byzantine strategies, the fault schedule) and running it. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "sim_world.h"

static unsigned pick_strategy(world *w)
{
    unsigned opts[16], k = 0;
    for (unsigned b = F_EQUIVOCATE; b <= F_COLLUDE; b <<= 1)
        if (w->p.faults & b)
            opts[k++] = b;
    return k ? opts[sim_rng_below(&w->rng, k)] : F_SILENCE;
}

/* Validator sets: genesis at height 1, each next height advances the
 * proposer priorities; from height 3 validator 0 (always honest) gets twice
 * the power: a set change decided earlier, taking effect at a later height. */
static void build_valsets(world *w)
{
    int H = w->p.heights;
    tc_valset_init(&w->vs[1]);
    for (int i = 0; i < w->p.n; i++) {
        uint8_t pub[TC_ED25519_PUB_LEN];
        memcpy(pub, w->nodes[i].sec + TC_ED25519_SEED_LEN, sizeof pub);
        tc_valset_add(&w->vs[1], pub, 1);
    }
    for (int h = 2; h <= H + 1; h++) {
        w->vs[h] = w->vs[h - 1];
        if (h == 3 && w->p.n >= 4 && 3 * (uint64_t)w->p.byz < (uint64_t)w->p.n) {
            w->vs[h].v[0].power = 2;
            w->vs[h].total += 1;
        }
        tc_valset_advance(&w->vs[h]);
    }
}

static void schedule(world *w, int kind, int who, uint64_t t)
{
    sim_ev e;
    memset(&e, 0, sizeof e);
    e.kind = kind;
    e.node = who;
    e.time = t;
    w_push(w, &e);
}

static void schedule_faults(world *w)
{
    unsigned f = w->p.faults;
    w->gst = (f & (F_LOSS | F_PARTITION | F_CRASH | F_DELAY | F_REORDER))
                 ? 3000 + sim_rng_below(&w->rng, SIM_MAX_GST - 3000)
                 : 0;
    if (f & F_PARTITION) {
        for (int i = 0; i < w->p.n; i++)
            w->part[i] = (int)sim_rng_below(&w->rng, 2);
        uint64_t t = sim_rng_below(&w->rng, w->gst / 2 + 1);
        schedule(w, EV_PARTITION, -1, t);
        schedule(w, EV_HEAL, -1, t + sim_rng_below(&w->rng, w->gst - t + 1));
    }
    if (f & F_CRASH) {
        int crashes = 1 + (int)sim_rng_below(&w->rng, 2);
        for (int c = 0; c < crashes; c++) {
            int i = (int)sim_rng_below(&w->rng, (uint64_t)w->p.n);
            if (w->nodes[i].byz)
                continue;
            uint64_t t = sim_rng_below(&w->rng, w->gst);
            schedule(w, EV_CRASH, i, t);
            schedule(w, EV_RESTART, i, t + 1 + sim_rng_below(&w->rng, w->gst - t));
        }
    }
}

static void trace_event(sim_trace *t, const sim_ev *e)
{
    static const char *names[] = {"?", "deliver", "timeout", "persisted", "validated", "proposal",
                                  "crash", "restart", "partition", "heal", "gossip", "commit", "syncreq"};
    tc_cons_msg m;
    if (e->kind == EV_DELIVER && tc_cons_msg_decode(&m, e->data, e->len) == 0) {
        static const char *k[] = {"PROPOSAL", "PREVOTE", "PRECOMMIT"};
        sim_trace_add(t, "t=%llu %d->%d %s h=%llu r=%u %s%02x%02x by %u",
                      (unsigned long long)e->time, e->from, e->node, k[m.kind],
                      (unsigned long long)m.height, m.round, m.has_id ? "id=" : "nil",
                      m.has_id ? m.block_id[0] : 0, m.has_id ? m.block_id[1] : 0, m.validator);
        return;
    }
    sim_trace_add(t, "t=%llu node %d %s h=%llu r=%u step=%u seq=%llu", (unsigned long long)e->time,
                  e->node, names[e->kind], (unsigned long long)e->height, e->round, e->step,
                  (unsigned long long)e->seq);
}

static void world_free(world *w)
{
    for (int i = 0; i < w->p.n; i++) {
        node *nd = &w->nodes[i];
        w_crash(w, i);
        free(nd->disk);
        for (int h = 0; h <= w->p.heights + 1; h++) {
            free(nd->blocks[h]);
            free(nd->certs[h]);
        }
        free(nd->blocks); free(nd->certs); free(nd->blen); free(nd->clen);
    }
    sim_heap_free(&w->heap);
    free(w->vs); free(w->decided_by); free(w->decided_id); free(w->proposed);
}

int sim_run(sim_result *res, const sim_params *p, uint64_t seed, sim_trace *trace)
{
    world *w = calloc(1, sizeof *w);
    if (!w)
        return -1;
    memset(res, 0, sizeof *res);
    w->p = *p;
    w->res = res;
    w->tr = trace;
    sim_rng_seed(&w->rng, seed);
    int H = p->heights;
    w->vs = calloc((size_t)H + 2, sizeof *w->vs);
    w->decided_by = malloc(((size_t)H + 2) * sizeof *w->decided_by);
    w->decided_id = calloc((size_t)H + 2, sizeof *w->decided_id);
    if (!w->vs || !w->decided_by || !w->decided_id)
        exit(3);
    for (int h = 0; h <= H + 1; h++)
        w->decided_by[h] = -1;
    tc_cons_config_default(&w->cfg, "thingchain-sim");
    w->cfg.propose_base = 1000;  w->cfg.propose_delta = 250;
    w->cfg.prevote_base = 500;   w->cfg.prevote_delta = 250;
    w->cfg.precommit_base = 500; w->cfg.precommit_delta = 250;
    w->cfg.max_block = 4096;
    for (int i = 0; i < p->n; i++) {
        node *nd = &w->nodes[i];
        uint8_t seedkey[TC_ED25519_SEED_LEN] = {0}, pub[TC_ED25519_PUB_LEN];
        memcpy(seedkey, &i, sizeof i); /* keys are a function of the index */
        tc_ed25519_keypair(pub, nd->sec, seedkey);
        nd->byz = i >= p->n - p->byz; /* the last B validators */
        nd->skew = (p->faults & F_SKEW) ? 0.8 + (double)sim_rng_below(&w->rng, 450) / 1000.0 : 1.0;
        nd->blocks = calloc((size_t)H + 2, sizeof *nd->blocks);
        nd->certs = calloc((size_t)H + 2, sizeof *nd->certs);
        nd->blen = calloc((size_t)H + 2, sizeof *nd->blen);
        nd->clen = calloc((size_t)H + 2, sizeof *nd->clen);
        if (!nd->blocks || !nd->certs || !nd->blen || !nd->clen)
            exit(3);
    }
    /* Coalition (needs every Byzantine validator) or one strategy each. */
    int collude = (p->faults & F_COLLUDE) &&
                  ((p->faults & F_BYZ) == F_COLLUDE || sim_rng_chance(&w->rng, 50));
    for (int i = 0; i < p->n; i++)
        if (w->nodes[i].byz) {
            unsigned s = collude ? F_COLLUDE : pick_strategy(w);
            while (s == F_COLLUDE && !collude)
                s = pick_strategy(w);
            w->nodes[i].strat = s;
        }
    build_valsets(w);
    schedule_faults(w);
    for (int i = 0; i < p->n; i++)
        w_boot(w, i);
    uint64_t limit = w->gst + (uint64_t)(H + 1) * LIVENESS_BOUND;
    sim_ev e;
    while (!w->stop && sim_heap_pop(&w->heap, &e) == 0) {
        w->now = e.time;
        if (w->now > limit) {
            free(e.data);
            free(e.cert);
            break;
        }
        if (trace) {
            trace_event(trace, &e);
            if (p->verbose > 1)
                printf("%s\n", trace->line[(trace->next + SIM_TRACE - 1) % SIM_TRACE]);
        }
        w_dispatch(w, &e);
        free(e.data);
        free(e.cert);
        int done = 1;
        for (int i = 0; i < p->n; i++)
            if (!w->nodes[i].byz && w->nodes[i].height < (uint64_t)H)
                done = 0;
        if (done)
            break;
    }
    if (!res->safety && !res->validity) {
        for (int i = 0; i < p->n; i++)
            if (!w->nodes[i].byz && w->nodes[i].height < (uint64_t)H) {
                if (!res->liveness)
                    snprintf(res->what, sizeof res->what,
                             "liveness: node %d stuck at height %llu (t=%llu ms, GST %llu ms)", i,
                             (unsigned long long)w->nodes[i].height + 1,
                             (unsigned long long)w->now, (unsigned long long)w->gst);
                res->liveness++;
                /* Where every engine stands: the first thing to read in a stuck run. */
                for (int k = 0; k < p->n && w->tr; k++) {
                    tc_cons_status st;
                    memset(&st, 0, sizeof st);
                    if (w->nodes[k].eng)
                        tc_cons_get_status(w->nodes[k].eng, &st);
                    sim_trace_add(w->tr, "status node %d%s up=%d h=%llu r=%u step=%u locked=%d valid=%d",
                                  k, w->nodes[k].byz ? " (byz)" : "", w->nodes[k].up,
                                  (unsigned long long)st.height, st.round, st.step, st.locked_round,
                                  st.valid_round);
                }
                break;
            }
    }
    res->end_time = w->now;
    world_free(w);
    free(w);
    return 0;
}
