/* Consensus engine: restart safety, certificates, proposer rotation, and a
 * 4-validator happy path driven by a tiny in-test network. The simulator
 * (tests/sh/test_sim.sh) covers faults and Byzantine strategies. */
#include <stdlib.h>
#include "test.h"
#include "tc/consensus.h"
#include "tc/crypto.h"

#define N 4
static uint8_t sec[N][TC_ED25519_SEC_LEN];
static tc_valset vs;
static tc_cons_config cfg;

static void setup(void)
{
    tc_crypto_init();
    tc_valset_init(&vs);
    for (int i = 0; i < N; i++) {
        uint8_t seed[32] = {(uint8_t)(i + 1)}, pub[32];
        tc_ed25519_keypair(pub, sec[i], seed);
        tc_valset_add(&vs, pub, 1);
    }
    tc_cons_config_default(&cfg, "test-chain");
}

static tc_cons_msg vote(int kind, int who, uint32_t round, const uint8_t *id)
{
    tc_cons_msg m;
    memset(&m, 0, sizeof m);
    m.kind = (uint8_t)kind; m.height = 1; m.round = round; m.pol_round = -1;
    m.validator = (uint32_t)who;
    if (id) { m.has_id = 1; memcpy(m.block_id, id, 32); }
    tc_cons_msg_sign(&m, "test-chain", sec[who]);
    return m;
}

static int count(tc_cons *c, int kind)
{
    const tc_cons_action *a; size_t n = tc_cons_actions(c, &a); int k = 0;
    for (size_t i = 0; i < n; i++) k += a[i].kind == kind;
    return k;
}

static void test_cert(void)
{
    uint8_t id[32] = {7}, have[N] = {1, 1, 1, 0}, sigs[N][64], cert[1024];
    size_t len;
    for (int i = 0; i < N; i++) { tc_cons_msg m = vote(TC_CONS_PRECOMMIT, i, 2, id); memcpy(sigs[i], m.sig, 64); }
    CHECK_OK(tc_cons_cert_build(cert, sizeof cert, &len, &vs, 1, 2, id, have, (const uint8_t (*)[64])sigs));
    tc_cons_cert_info info;
    CHECK_OK(tc_cons_cert_verify(&info, cert, len, "test-chain", &vs, 1));
    CHECK_EQ(info.signers, 3);
    CHECK_ERR(tc_cons_cert_verify(NULL, cert, len, "other-chain", &vs, 1), TC_ERR_BAD_SIGNATURE);
    CHECK_ERR(tc_cons_cert_verify(NULL, cert, len, "test-chain", &vs, 2), TC_ERR_CONS_HEIGHT);
    uint8_t two[N] = {1, 1, 0, 0};
    CHECK_OK(tc_cons_cert_build(cert, sizeof cert, &len, &vs, 1, 2, id, two, (const uint8_t (*)[64])sigs));
    CHECK_ERR(tc_cons_cert_verify(NULL, cert, len, "test-chain", &vs, 1), TC_ERR_CONS_CERT_POWER);
    /* duplicate signer: one signer's signature twice under a 2-bit bitmap is
     * still 2 signers; a third signature without a bit is a format error */
    cert[len - 65]++; /* not a valid sig anymore */
    CHECK(tc_cons_cert_verify(NULL, cert, len, "test-chain", &vs, 1) != 0);
    uint8_t pub0[32];
    memcpy(pub0, sec[0] + 32, 32);
    CHECK_ERR(tc_valset_add(&vs, pub0, 5), TC_ERR_CONS_VALSET); /* a key only once */
}

static void test_proposer_weighted(void)
{
    tc_valset w;
    tc_valset_init(&w);
    uint8_t p[3][32] = {{1}, {2}, {3}};
    tc_valset_add(&w, p[0], 3); tc_valset_add(&w, p[1], 1); tc_valset_add(&w, p[2], 1);
    int cnt[3] = {0};
    for (uint32_t r = 0; r < 50; r++) cnt[tc_valset_proposer(&w, r)]++;
    CHECK_EQ(cnt[0], 30); CHECK_EQ(cnt[1], 10); CHECK_EQ(cnt[2], 10);
}

/* Crash between persist and send; restart from the last durable record;
 * the engine refuses a different vote for the same (h, r, step). */
static void test_restart_safety(void)
{
    tc_cons *c;
    CHECK_OK(tc_cons_new(&c, &cfg, sec[2]));
    CHECK_OK(tc_cons_start_height(c, 1, &vs, 0));
    tc_cons_event ev; memset(&ev, 0, sizeof ev);
    ev.kind = TC_CONS_EV_TIMEOUT; ev.step = TC_STEP_PROPOSE; ev.height = 1; ev.round = 0;
    CHECK_OK(tc_cons_step(c, &ev, 10)); /* prevote nil: persist first, no broadcast yet */
    CHECK_EQ(count(c, TC_CONS_ACT_PERSIST), 1);
    CHECK_EQ(count(c, TC_CONS_ACT_BROADCAST), 0);
    const tc_cons_action *a; size_t n = tc_cons_actions(c, &a);
    uint8_t rec[4096]; size_t rlen = 0;
    for (size_t i = 0; i < n; i++) if (a[i].kind == TC_CONS_ACT_PERSIST) { memcpy(rec, a[i].data, a[i].len); rlen = a[i].len; }
    tc_cons_free(c); /* crash: the write completed, the message never left */
    CHECK_OK(tc_cons_new(&c, &cfg, sec[2]));
    CHECK_OK(tc_cons_restore(c, rec, rlen));
    CHECK_OK(tc_cons_start_height(c, 1, &vs, 20));
    /* the proposer's block arrives now: a prevote for it would conflict */
    uint8_t blk[] = "block-1";
    tc_cons_msg p; memset(&p, 0, sizeof p);
    p.kind = TC_CONS_PROPOSAL; p.height = 1; p.round = 0; p.pol_round = -1; p.has_id = 1;
    tc_sha256(p.block_id, blk, sizeof blk); p.block = blk; p.block_len = sizeof blk;
    p.validator = (uint32_t)tc_valset_proposer(&vs, 0);
    tc_cons_msg_sign(&p, "test-chain", sec[p.validator]);
    uint8_t wire[512]; size_t wl;
    CHECK_OK(tc_cons_msg_encode(wire, sizeof wire, &wl, &p));
    memset(&ev, 0, sizeof ev); ev.kind = TC_CONS_EV_MESSAGE; ev.data = wire; ev.len = wl;
    CHECK_OK(tc_cons_step(c, &ev, 30));
    memset(&ev, 0, sizeof ev); ev.kind = TC_CONS_EV_VALIDATED; memcpy(ev.block_id, p.block_id, 32); ev.ok = 1;
    CHECK_OK(tc_cons_step(c, &ev, 31));
    CHECK_EQ(count(c, TC_CONS_ACT_PERSIST), 0); /* nothing signed */
    tc_cons_status st; tc_cons_get_status(c, &st);
    CHECK_EQ(st.sign_refused, 1);
    tc_cons_free(c);
}

/* Happy path: 4 engines, messages and persists delivered at once. */
static void test_happy_path(void)
{
    tc_cons *c[N];
    int decided[N] = {0};
    uint8_t did[N][32];
    for (int i = 0; i < N; i++) CHECK_OK(tc_cons_new(&c[i], &cfg, sec[i]));
    typedef struct { int to; tc_cons_event ev; uint8_t *buf; } item;
    item *q = calloc(100000, sizeof *q); size_t qh = 0, qt = 0;
    for (int i = 0; i < N; i++) CHECK_OK(tc_cons_start_height(c[i], 1, &vs, 0));
    for (int i = 0; i >= 0;) {
        const tc_cons_action *a; size_t n = tc_cons_actions(c[i], &a);
        for (size_t k = 0; k < n; k++) {
            item it; memset(&it, 0, sizeof it); it.to = i;
            switch (a[k].kind) {
            case TC_CONS_ACT_BROADCAST:
                for (int j = 0; j < N; j++) if (j != i) {
                    item m; memset(&m, 0, sizeof m); m.to = j; m.buf = malloc(a[k].len); memcpy(m.buf, a[k].data, a[k].len);
                    m.ev.kind = TC_CONS_EV_MESSAGE; m.ev.data = m.buf; m.ev.len = a[k].len; q[qt++] = m;
                }
                continue;
            case TC_CONS_ACT_PERSIST: it.ev.kind = TC_CONS_EV_PERSISTED; it.ev.seq = a[k].seq; break;
            case TC_CONS_ACT_VALIDATE: it.ev.kind = TC_CONS_EV_VALIDATED; memcpy(it.ev.block_id, a[k].block_id, 32); it.ev.ok = 1; break;
            case TC_CONS_ACT_NEED_PROPOSAL: it.buf = (uint8_t *)strdup("the block"); it.ev.kind = TC_CONS_EV_PROPOSAL_READY;
                it.ev.data = it.buf; it.ev.len = 9; it.ev.height = a[k].height; it.ev.round = a[k].round; break;
            case TC_CONS_ACT_COMMIT:
                decided[i] = 1; memcpy(did[i], a[k].block_id, 32);
                if (tc_cons_cert_verify(NULL, a[k].cert, a[k].cert_len, "test-chain", &vs, 1) != 0) decided[i] = -1;
                continue;
            default: continue;
            }
            q[qt++] = it;
        }
        if (qh == qt || qt > 99000) break;
        item it = q[qh++];
        tc_cons_step(c[it.to], &it.ev, 1);
        free(it.buf);
        i = it.to;
    }
    for (int i = 0; i < N; i++) {
        CHECK_EQ(decided[i], 1);
        CHECK_MEM(did[i], did[0], 32);
        tc_cons_free(c[i]);
    }
    while (qh < qt) free(q[qh++].buf);
    free(q);
}

int main(void)
{
    setup();
    RUN(test_cert);
    RUN(test_proposer_weighted);
    RUN(test_restart_safety);
    RUN(test_happy_path);
    return test_summary();
}
