/* thingchain-sim: Byzantine validators. Each runs a real engine (so it
 * follows heights and rounds like everyone) and its key, but what leaves it
 * is rewritten by its strategy:
 *   silence     sends nothing
 *   selective   each message reaches a random subset of peers
 *   badsig      half the peers get the message with a corrupted signature
 *   equivocate  as proposer, a second, different block goes to half the peers
 *   doublevote  every vote is doubled by a conflicting one for half the peers
 *   invalid     proposes invalid blocks and prevotes for anything
 *   collude     all Byzantine validators together: in rounds one of them
 *               proposes, honest nodes are split in two groups; group 1 gets
 *               block A and prevotes+precommits for A from every Byzantine
 *               validator, group 2 the same for block B. With fewer than n/3
 *               Byzantine power no group reaches 2f+1 alone; with n/3 or more
 *               both can decide, and the agreement checker must catch it. */
#include <stdlib.h>
#include <string.h>
#include "sim_world.h"

static void send_msg(world *w, int from, int to, tc_cons_msg *m)
{
    uint8_t buf[512];
    size_t n;
    if (tc_cons_msg_encode(buf, sizeof buf, &n, m) == 0)
        w_send(w, from, to, buf, n);
}

static void resign(world *w, int i, tc_cons_msg *m)
{
    m->validator = (uint32_t)i;
    tc_cons_msg_sign(m, w->cfg.chain_id, w->nodes[i].sec);
}

void byz_broadcast(world *w, int i, const uint8_t *msg, size_t len)
{
    node *nd = &w->nodes[i];
    int n = w->p.n;
    tc_cons_msg m, alt;
    switch (nd->strat) {
    case F_SILENCE:
        return;
    case F_COLLUDE:
        /* Its engine re-proposes a valid value itself: attack then too.
         * Outside attack rounds it votes nil so rounds keep turning (a
         * silent coalition of n/3 would only stall the chain). */
        if (tc_cons_msg_decode(&m, msg, len) != 0)
            return;
        if (m.kind == TC_CONS_PROPOSAL) {
            byz_attack(w, i, m.height, m.round);
        } else if (!(m.height == w->attack_h && m.round == w->attack_r)) {
            m.has_id = 0;
            resign(w, i, &m);
            for (int j = 0; j < n; j++)
                send_msg(w, i, j, &m);
        }
        return;
    case F_SELECTIVE:
        for (int j = 0; j < n; j++)
            if (sim_rng_chance(&w->rng, 50))
                w_send(w, i, j, msg, len);
        return;
    case F_BADSIG:
        for (int j = 0; j < n; j++) {
            uint8_t *c = w_dup(msg, len);
            if (sim_rng_chance(&w->rng, 50))
                c[len - 1 - sim_rng_below(&w->rng, 64)] ^= (uint8_t)(1 + sim_rng_below(&w->rng, 255));
            w_send(w, i, j, c, len);
            free(c);
        }
        return;
    default:
        break;
    }
    if (tc_cons_msg_decode(&m, msg, len) != 0)
        return;
    alt = m;
    char b[160];
    if (nd->strat == F_EQUIVOCATE && m.kind == TC_CONS_PROPOSAL) {
        alt.block_len = w_make_block(w, b, sizeof b, m.height, m.round, i, 1);
        alt.block = (const uint8_t *)b;
        tc_sha256(alt.block_id, b, alt.block_len);
        resign(w, i, &alt);
    } else if (nd->strat == F_DOUBLEVOTE && m.kind != TC_CONS_PROPOSAL) {
        if (alt.has_id) {
            alt.has_id = 0;
        } else {
            alt.has_id = 1;
            size_t bl = w_make_block(w, b, sizeof b, m.height, m.round, i, 1);
            tc_sha256(alt.block_id, b, bl);
        }
        resign(w, i, &alt);
    } else {
        for (int j = 0; j < n; j++)
            w_send(w, i, j, msg, len);
        return;
    }
    for (int j = 0; j < n; j++) {
        if (j < n / 2)
            w_send(w, i, j, msg, len);
        else
            send_msg(w, i, j, &alt);
    }
}

/* The coalition's split attack at (h, r), proposed by Byzantine node i. */
void byz_attack(world *w, int i, uint64_t h, uint32_t r)
{
    if (w->attack_h == h && w->attack_r == r)
        return;
    w->attack_h = h;
    w->attack_r = r;
    int honest[SIM_MAXN], k = 0;
    for (int j = 0; j < w->p.n; j++)
        if (!w->nodes[j].byz)
            honest[k++] = j;
    char blk[2][160];
    size_t blen[2];
    uint8_t id[2][TC_BLOCK_ID_LEN];
    for (int g = 0; g < 2; g++) {
        blen[g] = w_make_block(w, blk[g], sizeof blk[g], h, r, i, 1);
        tc_sha256(id[g], blk[g], blen[g]);
    }
    for (int x = 0; x < k; x++) {
        int to = honest[x], g = x < (k + 1) / 2 ? 0 : 1;
        tc_cons_msg m;
        memset(&m, 0, sizeof m);
        m.kind = TC_CONS_PROPOSAL;
        m.height = h;
        m.round = r;
        m.pol_round = -1;
        m.has_id = 1;
        memcpy(m.block_id, id[g], TC_BLOCK_ID_LEN);
        m.block = (const uint8_t *)blk[g];
        m.block_len = blen[g];
        resign(w, i, &m);
        send_msg(w, i, to, &m);
        for (int b = 0; b < w->p.n; b++) {
            if (!w->nodes[b].byz || !w->nodes[b].up)
                continue;
            for (int kind = TC_CONS_PREVOTE; kind <= TC_CONS_PRECOMMIT; kind++) {
                tc_cons_msg v;
                memset(&v, 0, sizeof v);
                v.kind = (uint8_t)kind;
                v.height = h;
                v.round = r;
                v.pol_round = -1;
                v.has_id = 1;
                memcpy(v.block_id, id[g], TC_BLOCK_ID_LEN);
                resign(w, b, &v);
                send_msg(w, b, to, &v);
            }
        }
    }
}
