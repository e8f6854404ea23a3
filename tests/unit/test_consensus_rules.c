/* Consensus engine scenarios, driven directly (no simulator): one engine
 * under test, the other validators played by the test with hand-signed
 * messages. Each scenario asserts the exact messages the engine signs for
 * the rules of Algorithm 1 (Buchman, Kwon, Milosevic 2018): proposer timeout
 * (line 57), re-proposal of the valid value with its POL round (line 15),
 * unlock on a later proof of lock (lines 28-33 against 22-27), round skip
 * on f+1 (line 55), validator-set changes per height, restart with a lock.
 * The harness answers PERSIST and VALIDATE at once and records every
 * message the engine broadcasts. */
#include <stdlib.h>
#include "test.h"
#include "tc/consensus.h"
#include "tc/crypto.h"

#define N 5 /* keys; sets below use 4 of them */
#define CHAIN "test-chain"
static uint8_t sec[N][TC_ED25519_SEC_LEN];
static tc_valset vs; /* keys 0..3, power 1 each */
static tc_cons_config cfg;

/* ---- what the engine did ---- */
#define MAXLOG 256
static struct {
    size_t nsent;
    tc_cons_msg sent[MAXLOG]; /* decoded own broadcasts (block pointers not kept) */
    uint8_t sent_block_id[MAXLOG][32];
    size_t nsched;
    tc_cons_action sched[MAXLOG];
    size_t nneed, ncommit, npersist;
    uint8_t commit_id[32];
    uint8_t rec[8192];
    size_t rec_len;
    uint8_t invalid_id[32]; /* VALIDATE answers ok = 0 for this id */
    int have_invalid;
    int hold_persist; /* do not answer PERSIST (a crash before the write completes) */
} L;

static void log_reset(void)
{
    memset(&L, 0, sizeof L);
}

typedef struct copied {
    tc_cons_action a;
    uint8_t *data;
} copied;

/* Carries out the engine's actions (recursively, as a node would). */
static void process(tc_cons *c)
{
    const tc_cons_action *acts;
    size_t n = tc_cons_actions(c, &acts);
    if (n == 0)
        return;
    copied *cp = calloc(n, sizeof *cp);
    for (size_t i = 0; i < n; i++) {
        cp[i].a = acts[i];
        if (acts[i].len) {
            cp[i].data = malloc(acts[i].len);
            memcpy(cp[i].data, acts[i].data, acts[i].len);
        }
    }
    for (size_t i = 0; i < n; i++) {
        tc_cons_action *a = &cp[i].a;
        tc_cons_event ev;
        memset(&ev, 0, sizeof ev);
        switch (a->kind) {
        case TC_CONS_ACT_BROADCAST:
            if (L.nsent < MAXLOG &&
                tc_cons_msg_decode(&L.sent[L.nsent], cp[i].data, a->len) == 0) {
                L.sent[L.nsent].block = NULL;
                L.nsent++;
            }
            break;
        case TC_CONS_ACT_SCHEDULE:
            if (L.nsched < MAXLOG)
                L.sched[L.nsched++] = *a;
            break;
        case TC_CONS_ACT_PERSIST:
            L.npersist++;
            if (L.hold_persist)
                break;
            memcpy(L.rec, cp[i].data, a->len);
            L.rec_len = a->len;
            ev.kind = TC_CONS_EV_PERSISTED;
            ev.seq = a->seq;
            tc_cons_step(c, &ev, 0);
            process(c);
            break;
        case TC_CONS_ACT_VALIDATE:
            ev.kind = TC_CONS_EV_VALIDATED;
            memcpy(ev.block_id, a->block_id, 32);
            ev.ok = !(L.have_invalid && memcmp(a->block_id, L.invalid_id, 32) == 0);
            tc_cons_step(c, &ev, 0);
            process(c);
            break;
        case TC_CONS_ACT_NEED_PROPOSAL:
            L.nneed++;
            break;
        case TC_CONS_ACT_COMMIT:
            L.ncommit++;
            memcpy(L.commit_id, a->block_id, 32);
            break;
        default:
            break;
        }
    }
    for (size_t i = 0; i < n; i++)
        free(cp[i].data);
    free(cp);
}

static void setup(void)
{
    tc_crypto_init();
    tc_valset_init(&vs);
    for (int i = 0; i < N; i++) {
        uint8_t seed[32] = {(uint8_t)(i + 1)}, pub[32];
        tc_ed25519_keypair(pub, sec[i], seed);
        if (i < 4)
            tc_valset_add(&vs, pub, 1);
    }
    tc_cons_config_default(&cfg, CHAIN);
}

/* ---- the other validators ---- */
static void deliver(tc_cons *c, const tc_cons_msg *m)
{
    uint8_t wire[1024];
    size_t wl;
    if (tc_cons_msg_encode(wire, sizeof wire, &wl, m) != 0)
        abort();
    tc_cons_event ev;
    memset(&ev, 0, sizeof ev);
    ev.kind = TC_CONS_EV_MESSAGE;
    ev.data = wire;
    ev.len = wl;
    tc_cons_step(c, &ev, 0);
    process(c);
}

/* A vote by key `key` sitting at index `idx` of the height's set. */
static void send_vote_as(tc_cons *c, int kind, int key, uint32_t idx, uint64_t h, uint32_t round,
                         const uint8_t *id)
{
    tc_cons_msg m;
    memset(&m, 0, sizeof m);
    m.kind = (uint8_t)kind;
    m.height = h;
    m.round = round;
    m.pol_round = -1;
    m.validator = idx;
    if (id) {
        m.has_id = 1;
        memcpy(m.block_id, id, 32);
    }
    tc_cons_msg_sign(&m, CHAIN, sec[key]);
    deliver(c, &m);
}

static void send_vote(tc_cons *c, int kind, int who, uint32_t round, const uint8_t *id)
{
    send_vote_as(c, kind, who, (uint32_t)who, 1, round, id);
}

static void send_proposal(tc_cons *c, int who, uint32_t round, int32_t pol, const char *blk)
{
    tc_cons_msg m;
    memset(&m, 0, sizeof m);
    m.kind = TC_CONS_PROPOSAL;
    m.height = 1;
    m.round = round;
    m.pol_round = pol;
    m.has_id = 1;
    m.block = (const uint8_t *)blk;
    m.block_len = strlen(blk);
    tc_sha256(m.block_id, m.block, m.block_len);
    m.validator = (uint32_t)who;
    tc_cons_msg_sign(&m, CHAIN, sec[who]);
    deliver(c, &m);
}

static void timeout(tc_cons *c, uint8_t step, uint32_t round)
{
    tc_cons_event ev;
    memset(&ev, 0, sizeof ev);
    ev.kind = TC_CONS_EV_TIMEOUT;
    ev.step = step;
    ev.height = 1;
    ev.round = round;
    tc_cons_step(c, &ev, 0);
    process(c);
}

static void id_of(uint8_t id[32], const char *blk)
{
    tc_sha256(id, (const uint8_t *)blk, strlen(blk));
}

/* The last message the engine sent, and checks on it. */
static const tc_cons_msg *last_sent(void)
{
    return L.nsent ? &L.sent[L.nsent - 1] : NULL;
}

static int sent_is(const tc_cons_msg *m, int kind, uint32_t round, const uint8_t *id)
{
    if (!m || m->kind != kind || m->round != round)
        return 0;
    return id ? m->has_id && memcmp(m->block_id, id, 32) == 0 : !m->has_id;
}

static tc_cons *engine(int key)
{
    tc_cons *c = NULL;
    if (tc_cons_new(&c, &cfg, sec[key]) != 0)
        abort();
    log_reset();
    tc_cons_start_height(c, 1, &vs, 0);
    process(c);
    return c;
}

static uint32_t round_of(const tc_cons *c)
{
    tc_cons_status st;
    tc_cons_get_status(c, &st);
    return st.round;
}

/* ---- scenarios ---- */

/* Line 57: no proposal before the propose timeout -> prevote nil; 2f+1 nil
 * prevotes -> precommit nil (line 44); precommit timeout (line 65) -> round
 * 1, whose proposer is the next one in rotation (here: the engine). */
static void test_proposer_timeout(void)
{
    CHECK_EQ(tc_valset_proposer(&vs, 0), 0);
    CHECK_EQ(tc_valset_proposer(&vs, 1), 1);
    tc_cons *c = engine(1);
    CHECK_EQ(L.nneed, 0); /* not the proposer of round 0 */
    CHECK_EQ(L.nsched, 1);
    CHECK_EQ(L.sched[0].step, TC_STEP_PROPOSE);
    CHECK_EQ(L.sched[0].delay_ms, 3000);
    timeout(c, TC_STEP_PROPOSE, 0);
    CHECK_EQ(L.nsent, 1);
    CHECK(sent_is(last_sent(), TC_CONS_PREVOTE, 0, NULL));
    send_vote(c, TC_CONS_PREVOTE, 0, 0, NULL);
    CHECK_EQ(L.nsent, 1); /* 2 of 4: not yet 2f+1 */
    send_vote(c, TC_CONS_PREVOTE, 2, 0, NULL);
    CHECK_EQ(L.nsent, 2);
    CHECK(sent_is(last_sent(), TC_CONS_PRECOMMIT, 0, NULL));
    send_vote(c, TC_CONS_PRECOMMIT, 0, 0, NULL);
    send_vote(c, TC_CONS_PRECOMMIT, 2, 0, NULL);
    CHECK_EQ(L.sched[L.nsched - 1].step, TC_STEP_PRECOMMIT); /* line 47 */
    CHECK_EQ(L.sched[L.nsched - 1].delay_ms, 1000);
    timeout(c, TC_STEP_PRECOMMIT, 0);
    CHECK_EQ(round_of(c), 1);
    CHECK_EQ(L.nneed, 1); /* the engine proposes round 1: asks for a value */
    CHECK_EQ(L.sched[L.nsched - 1].step, TC_STEP_PROPOSE);
    CHECK_EQ(L.sched[L.nsched - 1].round, 1);
    CHECK_EQ(L.sched[L.nsched - 1].delay_ms, 3500); /* timeouts grow per round */
    tc_cons_event ev;
    memset(&ev, 0, sizeof ev);
    ev.kind = TC_CONS_EV_PROPOSAL_READY;
    ev.height = 1;
    ev.round = 1;
    ev.data = (const uint8_t *)"fresh";
    ev.len = 5;
    tc_cons_step(c, &ev, 0);
    process(c);
    uint8_t fresh[32];
    id_of(fresh, "fresh");
    /* the proposal, then its own prevote for it (self-delivery) */
    CHECK_EQ(L.nsent, 4);
    CHECK(sent_is(&L.sent[2], TC_CONS_PROPOSAL, 1, fresh));
    CHECK_EQ(L.sent[2].pol_round, -1);
    CHECK(sent_is(&L.sent[3], TC_CONS_PREVOTE, 1, fresh));
    tc_cons_free(c);
}

/* Lines 36-43 then 15: the engine (proposer of round 1) locks A in round 0,
 * round 0 fails, and in round 1 it proposes A again with POL round 0 without
 * asking the caller for a new value. */
static void test_reproposes_valid_value(void)
{
    uint8_t a[32];
    id_of(a, "block-A");
    tc_cons *c = engine(1);
    send_proposal(c, 0, 0, -1, "block-A");
    CHECK(sent_is(last_sent(), TC_CONS_PREVOTE, 0, a));
    send_vote(c, TC_CONS_PREVOTE, 0, 0, a);
    send_vote(c, TC_CONS_PREVOTE, 2, 0, a);
    CHECK(sent_is(last_sent(), TC_CONS_PRECOMMIT, 0, a)); /* locked */
    tc_cons_status st;
    tc_cons_get_status(c, &st);
    CHECK_EQ(st.locked_round, 0);
    CHECK_EQ(st.valid_round, 0);
    send_vote(c, TC_CONS_PRECOMMIT, 0, 0, NULL);
    send_vote(c, TC_CONS_PRECOMMIT, 2, 0, NULL);
    CHECK_EQ(L.ncommit, 0);
    size_t before = L.nsent;
    timeout(c, TC_STEP_PRECOMMIT, 0);
    CHECK_EQ(L.nneed, 0);
    CHECK(L.nsent >= before + 1);
    const tc_cons_msg *p = &L.sent[before];
    CHECK(sent_is(p, TC_CONS_PROPOSAL, 1, a));
    CHECK_EQ(p->pol_round, 0);
    /* its own prevote follows: line 28 holds (POL in round 0, lock round 0) */
    CHECK(sent_is(last_sent(), TC_CONS_PREVOTE, 1, a));
    tc_cons_free(c);
}

/* Locked on A in round 0. Round 1: B without POL -> prevote nil (line 22-27:
 * locked on another value). Round 2: B with POL round 1 (2f+1 prevotes for B
 * in round 1, later than the lock) -> prevote B (line 28-33 unlocks). */
static void test_unlock_on_later_pol(void)
{
    uint8_t a[32], b[32];
    id_of(a, "block-A");
    id_of(b, "block-B");
    CHECK_EQ(tc_valset_proposer(&vs, 2), 2);
    tc_cons *c = engine(3);
    send_proposal(c, 0, 0, -1, "block-A");
    send_vote(c, TC_CONS_PREVOTE, 0, 0, a);
    send_vote(c, TC_CONS_PREVOTE, 1, 0, a);
    CHECK(sent_is(last_sent(), TC_CONS_PRECOMMIT, 0, a));
    timeout(c, TC_STEP_PRECOMMIT, 0);
    CHECK_EQ(round_of(c), 1);
    send_proposal(c, 1, 1, -1, "block-B");
    CHECK(sent_is(last_sent(), TC_CONS_PREVOTE, 1, NULL)); /* line 26 */
    timeout(c, TC_STEP_PREVOTE, 1);
    CHECK(sent_is(last_sent(), TC_CONS_PRECOMMIT, 1, NULL));
    /* the POL for B in round 1 arrives late (this engine is past prevote) */
    send_vote(c, TC_CONS_PREVOTE, 0, 1, b);
    send_vote(c, TC_CONS_PREVOTE, 1, 1, b);
    send_vote(c, TC_CONS_PREVOTE, 2, 1, b);
    tc_cons_status st;
    tc_cons_get_status(c, &st);
    CHECK_EQ(st.locked_round, 0); /* still locked on A (line 36 needs step prevote) */
    CHECK_MEM(st.locked_id, a, 32);
    CHECK_EQ(st.valid_round, 1);
    timeout(c, TC_STEP_PRECOMMIT, 1);
    CHECK_EQ(round_of(c), 2);
    /* a proposal for B claiming a POL in round 0 (none exists): no prevote yet */
    size_t before = L.nsent;
    send_proposal(c, 2, 2, 0, "block-B");
    CHECK_EQ(L.nsent, before);
    tc_cons_free(c);

    /* the same history, then B with its real POL round 1 */
    c = engine(3);
    send_proposal(c, 0, 0, -1, "block-A");
    send_vote(c, TC_CONS_PREVOTE, 0, 0, a);
    send_vote(c, TC_CONS_PREVOTE, 1, 0, a);
    timeout(c, TC_STEP_PRECOMMIT, 0);
    send_proposal(c, 1, 1, -1, "block-B");
    timeout(c, TC_STEP_PREVOTE, 1);
    send_vote(c, TC_CONS_PREVOTE, 0, 1, b);
    send_vote(c, TC_CONS_PREVOTE, 1, 1, b);
    send_vote(c, TC_CONS_PREVOTE, 2, 1, b);
    timeout(c, TC_STEP_PRECOMMIT, 1);
    send_proposal(c, 2, 2, 1, "block-B");
    CHECK(sent_is(last_sent(), TC_CONS_PREVOTE, 2, b)); /* line 30: lockedRound 0 <= vr 1 */
    tc_cons_free(c);
}

/* The converse of line 28: a POL older than the lock does not unlock. Locked
 * on B in round 1; round 2 re-proposes A with POL round 0 -> prevote nil. */
static void test_old_pol_does_not_unlock(void)
{
    uint8_t a[32], b[32];
    id_of(a, "block-A");
    id_of(b, "block-B");
    tc_cons *c = engine(3);
    send_proposal(c, 0, 0, -1, "block-A");
    timeout(c, TC_STEP_PREVOTE, 0); /* prevoted A, then precommit nil on timeout */
    CHECK(sent_is(last_sent(), TC_CONS_PRECOMMIT, 0, NULL));
    send_vote(c, TC_CONS_PREVOTE, 0, 0, a);
    send_vote(c, TC_CONS_PREVOTE, 1, 0, a); /* POL for A in round 0, not locked */
    timeout(c, TC_STEP_PRECOMMIT, 0);
    send_proposal(c, 1, 1, -1, "block-B");
    CHECK(sent_is(last_sent(), TC_CONS_PREVOTE, 1, b));
    send_vote(c, TC_CONS_PREVOTE, 0, 1, b);
    send_vote(c, TC_CONS_PREVOTE, 1, 1, b);
    CHECK(sent_is(last_sent(), TC_CONS_PRECOMMIT, 1, b)); /* locked B, round 1 */
    timeout(c, TC_STEP_PRECOMMIT, 1);
    send_proposal(c, 2, 2, 0, "block-A");
    CHECK(sent_is(last_sent(), TC_CONS_PREVOTE, 2, NULL)); /* line 32 */
    tc_cons_free(c);
}

/* Line 55: f+1 of the power in messages of a higher round -> jump there.
 * One validator (1/4) is not enough; two (1/2 > 1/3) are. */
static void test_round_skip(void)
{
    tc_cons *c = engine(3);
    send_vote(c, TC_CONS_PREVOTE, 0, 5, NULL);
    CHECK_EQ(round_of(c), 0);
    send_vote(c, TC_CONS_PRECOMMIT, 0, 5, NULL); /* same validator again: still 1/4 */
    CHECK_EQ(round_of(c), 0);
    send_vote(c, TC_CONS_PRECOMMIT, 1, 5, NULL);
    CHECK_EQ(round_of(c), 5);
    CHECK_EQ(L.sched[L.nsched - 1].round, 5);
    CHECK_EQ(L.sched[L.nsched - 1].delay_ms, 3000 + 5 * 500);
    /* leaving round 0 with no precommit signed there: precommit nil for it
     * (test_leaving_round_precommits_nil), and nothing for round 5 yet */
    CHECK_EQ(L.nsent, 1);
    CHECK(sent_is(last_sent(), TC_CONS_PRECOMMIT, 0, NULL));
    tc_cons_free(c);
}

/* A set change takes effect at the height the engine is told: key 4
 * replaces key 3 from height 2. */
static void test_valset_change(void)
{
    tc_valset vs2;
    tc_valset_init(&vs2);
    for (int i = 0; i < 5; i++)
        if (i != 3) {
            uint8_t pub[32];
            memcpy(pub, sec[i] + 32, 32);
            tc_valset_add(&vs2, pub, 1);
        }
    tc_cons *c4;
    CHECK_OK(tc_cons_new(&c4, &cfg, sec[4]));
    log_reset();
    CHECK_OK(tc_cons_start_height(c4, 1, &vs, 0));
    process(c4);
    tc_cons_status st;
    tc_cons_get_status(c4, &st);
    CHECK_EQ(st.self, -1);
    timeout(c4, TC_STEP_PROPOSE, 0);
    CHECK_EQ(L.npersist, 0); /* not a validator at height 1: signs nothing */
    CHECK_EQ(L.nsent, 0);
    CHECK_OK(tc_cons_start_height(c4, 2, &vs2, 0));
    process(c4);
    tc_cons_get_status(c4, &st);
    CHECK_EQ(st.self, 3);
    tc_cons_event ev;
    memset(&ev, 0, sizeof ev);
    ev.kind = TC_CONS_EV_TIMEOUT;
    ev.step = TC_STEP_PROPOSE;
    ev.height = 2;
    tc_cons_step(c4, &ev, 0);
    process(c4);
    CHECK_EQ(L.nsent, 1);
    CHECK_EQ(L.sent[0].height, 2);
    CHECK_EQ(L.sent[0].validator, 3);
    /* at height 2, index 3 is key 4: the old key's votes are refused */
    tc_cons_msg m;
    memset(&m, 0, sizeof m);
    m.kind = TC_CONS_PREVOTE;
    m.height = 2;
    m.pol_round = -1;
    m.validator = 3;
    m.has_id = 1; /* not a copy of the engine's own nil prevote */
    m.block_id[0] = 9;
    tc_cons_msg_sign(&m, CHAIN, sec[3]);
    CHECK_ERR(tc_cons_msg_verify(&m, CHAIN, &vs2), TC_ERR_BAD_SIGNATURE);
    CHECK_OK(tc_cons_msg_verify(&m, CHAIN, &vs));
    uint8_t wire[256];
    size_t wl;
    CHECK_OK(tc_cons_msg_encode(wire, sizeof wire, &wl, &m));
    memset(&ev, 0, sizeof ev);
    ev.kind = TC_CONS_EV_MESSAGE;
    ev.data = wire;
    ev.len = wl;
    CHECK_ERR(tc_cons_step(c4, &ev, 0), TC_ERR_BAD_SIGNATURE);
    tc_cons_free(c4);

    /* and key 3 stops signing at height 2 */
    tc_cons *c3;
    CHECK_OK(tc_cons_new(&c3, &cfg, sec[3]));
    CHECK_OK(tc_cons_start_height(c3, 2, &vs2, 0));
    tc_cons_get_status(c3, &st);
    CHECK_EQ(st.self, -1);
    tc_cons_free(c3);
}

/* Restart safety with a lock: locked on A in round 0 (record durable), crash,
 * restart: the lock is back (round 1's fresh B gets a nil prevote), the
 * engine resumes in round 0 and will not sign a different precommit there,
 * and its own precommit for A is gossiped again. */
static void test_restart_keeps_lock(void)
{
    uint8_t a[32], b[32];
    id_of(a, "block-A");
    id_of(b, "block-B");
    tc_cons *c = engine(3);
    send_proposal(c, 0, 0, -1, "block-A");
    send_vote(c, TC_CONS_PREVOTE, 0, 0, a);
    send_vote(c, TC_CONS_PREVOTE, 1, 0, a);
    CHECK(sent_is(last_sent(), TC_CONS_PRECOMMIT, 0, a));
    uint8_t rec[8192];
    size_t rlen = L.rec_len;
    memcpy(rec, L.rec, rlen);
    tc_cons_free(c); /* crash */

    CHECK_OK(tc_cons_new(&c, &cfg, sec[3]));
    CHECK_OK(tc_cons_restore(c, rec, rlen));
    log_reset();
    CHECK_OK(tc_cons_start_height(c, 1, &vs, 0));
    process(c);
    tc_cons_status st;
    tc_cons_get_status(c, &st);
    CHECK_EQ(st.round, 0);
    CHECK_EQ(st.locked_round, 0);
    CHECK_MEM(st.locked_id, a, 32);
    CHECK_EQ(L.nsent, 0);
    /* a nil precommit for round 0 would conflict: refused */
    timeout(c, TC_STEP_PROPOSE, 0);
    timeout(c, TC_STEP_PREVOTE, 0);
    CHECK_EQ(L.nsent, 0);
    tc_cons_get_status(c, &st);
    CHECK(st.sign_refused >= 1);
    /* gossip re-sends the precommit for A */
    CHECK_OK(tc_cons_gossip(c));
    process(c);
    int found = 0;
    for (size_t i = 0; i < L.nsent; i++)
        found |= L.sent[i].validator == 3 && sent_is(&L.sent[i], TC_CONS_PRECOMMIT, 0, a);
    CHECK(found);
    timeout(c, TC_STEP_PRECOMMIT, 0);
    size_t before = L.nsent;
    send_proposal(c, 1, 1, -1, "block-B");
    CHECK_EQ(L.nsent, before + 1);
    CHECK(sent_is(last_sent(), TC_CONS_PREVOTE, 1, NULL));
    tc_cons_free(c);
}

/* Invalid values (the caller's VALIDATE answer 0) get a nil prevote, and a
 * decision needs a valid value even with 2f+1 precommits. */
static void test_invalid_value(void)
{
    uint8_t x[32];
    id_of(x, "bad-block");
    tc_cons *c = engine(3);
    memcpy(L.invalid_id, x, 32);
    L.have_invalid = 1;
    send_proposal(c, 0, 0, -1, "bad-block");
    CHECK(sent_is(last_sent(), TC_CONS_PREVOTE, 0, NULL));
    send_vote(c, TC_CONS_PRECOMMIT, 0, 0, x);
    send_vote(c, TC_CONS_PRECOMMIT, 1, 0, x);
    send_vote(c, TC_CONS_PRECOMMIT, 2, 0, x);
    CHECK_EQ(L.ncommit, 0);
    tc_cons_free(c);
    /* the same with a valid value decides it */
    uint8_t a[32];
    id_of(a, "block-A");
    c = engine(3);
    send_proposal(c, 0, 0, -1, "block-A");
    send_vote(c, TC_CONS_PRECOMMIT, 0, 0, a);
    send_vote(c, TC_CONS_PRECOMMIT, 1, 0, a);
    CHECK_EQ(L.ncommit, 0);
    send_vote(c, TC_CONS_PRECOMMIT, 2, 0, a);
    CHECK_EQ(L.ncommit, 1);
    CHECK_MEM(L.commit_id, a, 32);
    tc_cons_free(c);
}

/* thingchain-sim seed 2944 (n=4, B=1, all faults) was stuck forever: a node
 * prevoted in round 1, moved to round 2 and prevoted there, crashed and
 * restarted; its record kept only its LAST prevote, so its round-1 prevote,
 * lost by the network before GST, was gone for good, and the two honest
 * nodes left in round 1 never saw 2f+1 prevotes there (line 34). After a
 * restart, gossip must re-send every vote the node signed at the height. */
static void test_restart_regossips_all_own_votes(void)
{
    tc_cons *c = engine(3);
    timeout(c, TC_STEP_PROPOSE, 0);   /* prevote nil r0 */
    timeout(c, TC_STEP_PREVOTE, 0);   /* precommit nil r0 */
    timeout(c, TC_STEP_PRECOMMIT, 0); /* round 1 */
    timeout(c, TC_STEP_PROPOSE, 1);   /* prevote nil r1 */
    timeout(c, TC_STEP_PREVOTE, 1);   /* precommit nil r1 */
    timeout(c, TC_STEP_PRECOMMIT, 1); /* round 2 */
    timeout(c, TC_STEP_PROPOSE, 2);   /* prevote nil r2 */
    CHECK(sent_is(last_sent(), TC_CONS_PREVOTE, 2, NULL));
    uint8_t rec[8192];
    size_t rlen = L.rec_len;
    memcpy(rec, L.rec, rlen);
    tc_cons_free(c);
    CHECK_OK(tc_cons_new(&c, &cfg, sec[3]));
    CHECK_OK(tc_cons_restore(c, rec, rlen));
    log_reset();
    CHECK_OK(tc_cons_start_height(c, 1, &vs, 0));
    process(c);
    CHECK_EQ(round_of(c), 2);
    CHECK_OK(tc_cons_gossip(c));
    process(c);
    int seen[3][3] = {{0}}; /* [round][kind] */
    for (size_t i = 0; i < L.nsent; i++)
        if (L.sent[i].validator == 3 && L.sent[i].round < 3)
            seen[L.sent[i].round][L.sent[i].kind] = 1;
    CHECK(seen[1][TC_CONS_PREVOTE]);
    CHECK(seen[1][TC_CONS_PRECOMMIT]);
    CHECK(seen[2][TC_CONS_PREVOTE]);
    tc_cons_free(c);
}

/* thingchain-sim seeds 5372 and 7124 (n=4, B=1, all faults) were stuck
 * forever: a node saw 2f+1 precommits of round r while still at the prevote
 * step, left r on its precommit timeout (line 65) without ever precommitting
 * there, then crashed and lost the Byzantine precommit it had relayed; the
 * honest nodes still in r held 2 of the 3 precommits line 47 needs, and one
 * node in r+1 is not f+1 for line 55. Deliberate addition to Algorithm 1
 * (docs/consensus.md): an engine leaving a round in which it signed no
 * precommit first signs precommit nil for it, persisted before it is sent. */
static void test_leaving_round_precommits_nil(void)
{
    uint8_t x[32];
    id_of(x, "block-X");
    tc_cons *c = engine(3);
    timeout(c, TC_STEP_PROPOSE, 0); /* prevote nil r0: now at the prevote step */
    CHECK(sent_is(last_sent(), TC_CONS_PREVOTE, 0, NULL));
    send_vote(c, TC_CONS_PRECOMMIT, 0, 0, x);
    send_vote(c, TC_CONS_PRECOMMIT, 1, 0, NULL);
    send_vote(c, TC_CONS_PRECOMMIT, 2, 0, NULL); /* 2f+1 precommits: line 47 */
    CHECK_EQ(L.sched[L.nsched - 1].step, TC_STEP_PRECOMMIT);
    CHECK_EQ(L.nsent, 1); /* still at the prevote step: no precommit yet */
    size_t persists = L.npersist;
    timeout(c, TC_STEP_PRECOMMIT, 0);
    CHECK_EQ(round_of(c), 1);
    CHECK_EQ(L.nsent, 2);
    CHECK(sent_is(&L.sent[1], TC_CONS_PRECOMMIT, 0, NULL));
    CHECK_EQ(L.sent[1].validator, 3);
    CHECK_OK(tc_cons_msg_verify(&L.sent[1], CHAIN, &vs));
    /* persisted before it left: the record names it as the last signed */
    CHECK_EQ(L.npersist, persists + 1);
    tc_cons_record rec;
    CHECK_OK(tc_cons_record_decode(&rec, L.rec, L.rec_len));
    CHECK_EQ(rec.round, 0);
    CHECK_EQ(rec.step, TC_STEP_PRECOMMIT);
    CHECK_EQ(rec.has_id, 0);
    /* leaving round 1 at the precommit step after precommitting: nothing more */
    timeout(c, TC_STEP_PROPOSE, 1);
    CHECK(sent_is(last_sent(), TC_CONS_PREVOTE, 1, NULL));
    timeout(c, TC_STEP_PREVOTE, 1);
    CHECK(sent_is(last_sent(), TC_CONS_PRECOMMIT, 1, NULL));
    size_t before = L.nsent;
    timeout(c, TC_STEP_PRECOMMIT, 1);
    CHECK_EQ(round_of(c), 2);
    CHECK_EQ(L.nsent, before);
    tc_cons_status st;
    tc_cons_get_status(c, &st);
    CHECK_EQ(st.sign_refused, 0);
    tc_cons_free(c);

    /* a locked engine: the lock stays, the nil precommit is still signed */
    c = engine(3);
    send_proposal(c, 0, 0, -1, "block-X");
    send_vote(c, TC_CONS_PREVOTE, 0, 0, x);
    send_vote(c, TC_CONS_PREVOTE, 1, 0, x);
    CHECK(sent_is(last_sent(), TC_CONS_PRECOMMIT, 0, x)); /* locked X in r0 */
    timeout(c, TC_STEP_PRECOMMIT, 0);
    send_proposal(c, 1, 1, -1, "block-Y"); /* prevote nil (locked on X) */
    CHECK(sent_is(last_sent(), TC_CONS_PREVOTE, 1, NULL));
    send_vote(c, TC_CONS_PRECOMMIT, 0, 1, NULL);
    send_vote(c, TC_CONS_PRECOMMIT, 1, 1, NULL);
    send_vote(c, TC_CONS_PRECOMMIT, 2, 1, NULL);
    timeout(c, TC_STEP_PRECOMMIT, 1);
    CHECK(sent_is(last_sent(), TC_CONS_PRECOMMIT, 1, NULL));
    tc_cons_get_status(c, &st);
    CHECK_EQ(st.round, 2);
    CHECK_EQ(st.locked_round, 0);
    CHECK_MEM(st.locked_id, x, 32);
    tc_cons_free(c);
}

int main(void)
{
    setup();
    RUN(test_proposer_timeout);
    RUN(test_reproposes_valid_value);
    RUN(test_unlock_on_later_pol);
    RUN(test_old_pol_does_not_unlock);
    RUN(test_round_skip);
    RUN(test_valset_change);
    RUN(test_restart_keeps_lock);
    RUN(test_invalid_value);
    RUN(test_restart_regossips_all_own_votes);
    RUN(test_leaving_round_precommits_nil);
    return test_summary();
}
