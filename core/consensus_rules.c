/* The rules of Tendermint, Algorithm 1 (Buchman, Kwon, Milosevic 2018).
 * Line numbers in comments refer to the paper's Algorithm 1. "2f+1" is more
 * than 2/3 of the voting power, "f+1" more than 1/3 (tc_valset_is_*). */
#include <assert.h>
#include <string.h>
#include "consensus_priv.h"
#include "tc/errors.h"

static uint64_t timeout_ms(const tc_cons *c, uint8_t step, uint32_t round)
{
    const tc_cons_config *k = &c->cfg;
    switch (step) {
    case TC_STEP_PROPOSE: return k->propose_base + (uint64_t)round * k->propose_delta;
    case TC_STEP_PREVOTE: return k->prevote_base + (uint64_t)round * k->prevote_delta;
    default: return k->precommit_base + (uint64_t)round * k->precommit_delta;
    }
}

static void schedule(tc_cons *c, uint8_t step)
{
    tc_cons_action a;
    memset(&a, 0, sizeof a);
    a.kind = TC_CONS_ACT_SCHEDULE;
    a.step = step;
    a.height = c->height;
    a.round = c->round;
    a.delay_ms = timeout_ms(c, step, c->round);
    tc__cons_emit(c, &a);
}

static void vote(tc_cons *c, int kind, const uint8_t *id)
{
    tc_cons_msg m;
    memset(&m, 0, sizeof m);
    m.kind = (uint8_t)kind;
    m.height = c->height;
    m.round = c->round;
    m.pol_round = -1;
    if (id) {
        m.has_id = 1;
        memcpy(m.block_id, id, TC_BLOCK_ID_LEN);
    }
    tc__cons_sign_send(c, &m);
}

static void propose(tc_cons *c, const uint8_t *v, size_t n, int32_t pol)
{
    tc_cons_msg m;
    memset(&m, 0, sizeof m);
    m.kind = TC_CONS_PROPOSAL;
    m.height = c->height;
    m.round = c->round;
    m.pol_round = pol;
    m.has_id = 1;
    tc__cons_id(c, m.block_id, v, n);
    m.block = v;
    m.block_len = n;
    tc__cons_sign_send(c, &m);
}

/* Deliberate addition to Algorithm 1 (docs/consensus.md, "Leaving a round"):
 * before the engine leaves its round (precommit timeout, line 65, or round
 * skip, line 55) without having signed a precommit there, it signs precommit
 * nil for that round. Otherwise a node that left at the prevote step (it saw
 * 2f+1 precommits first) can leave the nodes still in the round one
 * precommit short of line 47 forever once a relayed Byzantine precommit is
 * lost (thingchain-sim seeds 5372, 7124). Safe: nil commits nothing and
 * touches no lock, and no precommit was signed for (h, r) (the guard's
 * last-signed record says so), so it cannot equivocate. It goes through
 * tc__cons_sign_send like every signature: persisted before it is sent. */
static void precommit_nil_before_leaving(tc_cons *c)
{
    int signed_it = c->ls_height > c->height ||
                    (c->ls_height == c->height &&
                     (c->ls_round > c->round ||
                      (c->ls_round == c->round && c->ls_step >= TC_STEP_PRECOMMIT)));
    if (c->self < 0 || c->step == TC_STEP_DECIDED || signed_it)
        return;
    vote(c, TC_CONS_PRECOMMIT, NULL);
}

static int is_proposer(const tc_cons *c)
{
    return c->self >= 0 && tc_valset_proposer(c->vs, c->round) == (size_t)c->self;
}

/* StartRound (lines 11-21). The proposer also schedules the propose timeout:
 * if its own value never arrives (e.g. the caller is slow), it moves on. */
void tc__cons_start_round(tc_cons *c, uint32_t round)
{
    c->round = round;
    c->step = TC_STEP_PROPOSE;
    if (is_proposer(c)) {
        if (c->valid.round >= 0) {
            propose(c, c->valid.bytes, c->valid.len, c->valid.round); /* line 15 */
        } else {
            tc_cons_action a; /* line 18: getValue() is the caller's */
            memset(&a, 0, sizeof a);
            a.kind = TC_CONS_ACT_NEED_PROPOSAL;
            a.height = c->height;
            a.round = round;
            tc__cons_emit(c, &a);
        }
    }
    schedule(c, TC_STEP_PROPOSE);
}

void tc__cons_on_proposal_ready(tc_cons *c, const tc_cons_event *ev)
{
    if (ev->height != c->height || ev->round != c->round || c->step != TC_STEP_PROPOSE ||
        !is_proposer(c) || c->valid.round >= 0 || ev->len > c->cfg.max_block)
        return;
    propose(c, ev->data, ev->len, -1); /* line 19 */
}

static int same_id(const uint8_t *a, const uint8_t *b)
{
    return memcmp(a, b, TC_BLOCK_ID_LEN) == 0;
}

/* Lines 22-33: prevote for the round's proposal, or nil. */
static int rule_prevote(tc_cons *c, cons_round *r)
{
    if (c->step != TC_STEP_PROPOSE || !r || !r->has_prop)
        return 0;
    int valid = tc__cons_validity(c, r->prop_id, r->block, r->block_len);
    if (valid == 0)
        return 0; /* wait for the caller's answer */
    int ok;
    if (r->pol < 0) { /* line 22 */
        ok = valid > 0 && (c->locked.round < 0 || same_id(c->locked.id, r->prop_id));
    } else { /* line 28: needs 2f+1 prevotes for v in round vr < r */
        cons_round *p = tc__cons_round(c, (uint32_t)r->pol, 0);
        if (!tc_valset_is_quorum(c->vs, tc__cons_power(c, p, TC_CONS_PREVOTE, r->prop_id, 0)))
            return 0;
        ok = valid > 0 && (c->locked.round <= r->pol || same_id(c->locked.id, r->prop_id));
    }
    c->step = TC_STEP_PREVOTE;
    vote(c, TC_CONS_PREVOTE, ok ? r->prop_id : NULL);
    return 1;
}

/* Lines 36-43: 2f+1 prevotes for the proposal: lock, precommit, valid value. */
static int rule_lock(tc_cons *c, cons_round *r)
{
    if (!r || !r->has_prop || r->did_l36 || c->step < TC_STEP_PREVOTE || c->step == TC_STEP_DECIDED)
        return 0;
    if (!tc_valset_is_quorum(c->vs, tc__cons_power(c, r, TC_CONS_PREVOTE, r->prop_id, 0)))
        return 0;
    if (tc__cons_validity(c, r->prop_id, r->block, r->block_len) <= 0)
        return 0;
    r->did_l36 = 1;
    if (tc__cons_value_set(&c->valid, (int32_t)r->round, r->block, r->block_len, r->prop_id)) {
        c->err = TC_ERR_NOMEM;
        return 0;
    }
    if (c->step == TC_STEP_PREVOTE) {
        if (tc__cons_value_set(&c->locked, (int32_t)r->round, r->block, r->block_len, r->prop_id)) {
            c->err = TC_ERR_NOMEM;
            return 0;
        }
        c->step = TC_STEP_PRECOMMIT;
        vote(c, TC_CONS_PRECOMMIT, r->prop_id);
    }
    return 1;
}

static void decide(tc_cons *c, cons_round *r)
{
    const tc_valset *vs = c->vs;
    uint8_t have[TC_VALSET_MAX];
    uint8_t (*sigs)[TC_ED25519_SIG_LEN] = (uint8_t (*)[TC_ED25519_SIG_LEN])tc__cons_arena(
        c, vs->n * TC_ED25519_SIG_LEN);
    if (!sigs)
        return;
    for (size_t i = 0; i < vs->n; i++) {
        have[i] = 0;
        for (size_t k = 0; k < r->pc[i].present; k++)
            if (r->pc[i].v[k].has_id && same_id(r->pc[i].v[k].id, r->prop_id)) {
                have[i] = 1;
                memcpy(sigs[i], r->pc[i].v[k].sig, TC_ED25519_SIG_LEN);
            }
    }
    size_t n;
    if (tc_cons_cert_build(NULL, 0, &n, vs, c->height, r->round, r->prop_id, have,
                           (const uint8_t (*)[TC_ED25519_SIG_LEN])sigs))
        return;
    uint8_t *cert = tc__cons_arena(c, n);
    if (!cert)
        return;
    tc_cons_cert_build(cert, n, &n, vs, c->height, r->round, r->prop_id, have,
                       (const uint8_t (*)[TC_ED25519_SIG_LEN])sigs);
    tc_cons_action a;
    memset(&a, 0, sizeof a);
    a.kind = TC_CONS_ACT_COMMIT;
    a.data = r->block;
    a.len = r->block_len;
    a.cert = cert;
    a.cert_len = n;
    a.height = c->height;
    a.round = r->round;
    memcpy(a.block_id, r->prop_id, TC_BLOCK_ID_LEN);
    tc__cons_emit(c, &a);
    c->step = TC_STEP_DECIDED;
}

/* Lines 49-54: a proposal and 2f+1 precommits for it in any round: decide. */
static int rule_decide(tc_cons *c)
{
    for (size_t i = 0; i < TC_CONS_MAX_ROUND_RECS; i++) {
        cons_round *r = c->rounds[i];
        if (!r || !r->has_prop)
            continue;
        if (!tc_valset_is_quorum(c->vs, tc__cons_power(c, r, TC_CONS_PRECOMMIT, r->prop_id, 0)))
            continue;
        if (tc__cons_validity(c, r->prop_id, r->block, r->block_len) <= 0)
            continue;
        decide(c, r);
        return 1;
    }
    return 0;
}

/* Line 55: f+1 of the power sent messages for a higher round: go there. */
static int rule_skip(tc_cons *c)
{
    uint32_t best = c->round;
    for (size_t i = 0; i < TC_CONS_MAX_ROUND_RECS; i++) {
        cons_round *r = c->rounds[i];
        if (!r || r->round <= best)
            continue;
        uint64_t p = 0;
        for (size_t v = 0; v < c->vs->n; v++)
            if (r->pv[v].present || r->pc[v].present || (r->has_prop && r->prop_from == v))
                p += c->vs->v[v].power;
        if (tc_valset_is_third(c->vs, p))
            best = r->round;
    }
    if (best == c->round)
        return 0;
    precommit_nil_before_leaving(c);
    tc__cons_start_round(c, best);
    return 1;
}

void tc__cons_evaluate(tc_cons *c)
{
    /* Each pass applies every "upon" rule once; repeat until nothing fires.
     * Every rule moves (round, step) forward or sets a once-only flag, so
     * this ends. */
    for (int changed = 1; changed && !c->err && c->step != TC_STEP_DECIDED;) {
        changed = 0;
        if (rule_decide(c))
            return;
        cons_round *r = tc__cons_round(c, c->round, 0);
        changed |= rule_prevote(c, r);
        if (c->step == TC_STEP_PREVOTE && r && !r->did_prevote_timeout && /* line 34 */
            tc_valset_is_quorum(c->vs, tc__cons_power(c, r, TC_CONS_PREVOTE, NULL, 1))) {
            r->did_prevote_timeout = 1;
            schedule(c, TC_STEP_PREVOTE);
        }
        changed |= rule_lock(c, r);
        if (c->step == TC_STEP_PREVOTE && r && /* line 44 */
            tc_valset_is_quorum(c->vs, tc__cons_power(c, r, TC_CONS_PREVOTE, NULL, 0))) {
            c->step = TC_STEP_PRECOMMIT;
            vote(c, TC_CONS_PRECOMMIT, NULL);
            changed = 1;
        }
        if (r && !r->did_precommit_timeout && /* line 47 */
            tc_valset_is_quorum(c->vs, tc__cons_power(c, r, TC_CONS_PRECOMMIT, NULL, 1))) {
            r->did_precommit_timeout = 1;
            schedule(c, TC_STEP_PRECOMMIT);
        }
        changed |= rule_skip(c);
    }
}

/* Lines 57-66. */
void tc__cons_on_timeout(tc_cons *c, const tc_cons_event *ev)
{
    if (ev->height != c->height || ev->round != c->round || c->step == TC_STEP_DECIDED)
        return;
    if (ev->step == TC_STEP_PROPOSE && c->step == TC_STEP_PROPOSE) {
        c->step = TC_STEP_PREVOTE;
        vote(c, TC_CONS_PREVOTE, NULL);
    } else if (ev->step == TC_STEP_PREVOTE && c->step == TC_STEP_PREVOTE) {
        c->step = TC_STEP_PRECOMMIT;
        vote(c, TC_CONS_PRECOMMIT, NULL);
    } else if (ev->step == TC_STEP_PRECOMMIT) {
        precommit_nil_before_leaving(c);
        tc__cons_start_round(c, c->round + 1);
    }
}

/* Catch-up: a value with a certificate for this height decides it directly
 * (> 2/3 of the power precommitted it, so at least one honest validator
 * checked it: the same guarantee as line 49). */
int tc__cons_on_commit(tc_cons *c, const tc_cons_event *ev)
{
    if (c->step == TC_STEP_DECIDED)
        return 0;
    tc_cons_cert_info info;
    int rc = tc_cons_cert_verify(&info, ev->cert, ev->cert_len, c->cfg.chain_id, c->vs, c->height);
    if (rc)
        return rc;
    c->sigs_verified += info.signers;
    uint8_t id[TC_BLOCK_ID_LEN];
    tc__cons_id(c, id, ev->data, ev->len);
    if (!same_id(id, info.block_id))
        return TC_ERR_CONS_BLOCK_ID;
    uint8_t *v = tc__cons_arena(c, ev->len);
    uint8_t *cert = tc__cons_arena(c, ev->cert_len);
    if (!v || !cert)
        return c->err;
    memcpy(v, ev->data, ev->len);
    memcpy(cert, ev->cert, ev->cert_len);
    tc_cons_action a;
    memset(&a, 0, sizeof a);
    a.kind = TC_CONS_ACT_COMMIT;
    a.data = v;
    a.len = ev->len;
    a.cert = cert;
    a.cert_len = ev->cert_len;
    a.height = c->height;
    a.round = info.round;
    memcpy(a.block_id, id, TC_BLOCK_ID_LEN);
    tc__cons_emit(c, &a);
    c->step = TC_STEP_DECIDED;
    return 0;
}
