/* Consensus: equivocation evidence produced by the engine and checked with
 * tc_cons_evidence_verify, and commit certificates built by hand to probe
 * each check of tc_cons_cert_verify (docs/consensus.md, "Commit
 * certificate": bitmap length, stray bits, one signature per bit, each
 * signature over the precommit sign-bytes, signing power > 2/3). */
#include <stdlib.h>
#include "test.h"
#include "tc/cbor.h"
#include "tc/consensus.h"
#include "tc/crypto.h"

#define N 4
#define CHAIN "test-chain"
static uint8_t sec[N][TC_ED25519_SEC_LEN];
static tc_valset vs;       /* power 1 each */
static tc_valset weighted; /* powers 5, 1, 1, 1 */
static tc_cons_config cfg;

static void setup(void)
{
    tc_crypto_init();
    tc_valset_init(&vs);
    tc_valset_init(&weighted);
    for (int i = 0; i < N; i++) {
        uint8_t seed[32] = {(uint8_t)(i + 1)}, pub[32];
        tc_ed25519_keypair(pub, sec[i], seed);
        tc_valset_add(&vs, pub, 1);
        tc_valset_add(&weighted, pub, i == 0 ? 5 : 1);
    }
    tc_cons_config_default(&cfg, CHAIN);
}

static tc_cons_msg signed_msg(int kind, int who, uint32_t round, const uint8_t *id,
                              const char *chain)
{
    tc_cons_msg m;
    memset(&m, 0, sizeof m);
    m.kind = (uint8_t)kind;
    m.height = 1;
    m.round = round;
    m.pol_round = -1;
    m.validator = (uint32_t)who;
    if (id) {
        m.has_id = 1;
        memcpy(m.block_id, id, 32);
    }
    tc_cons_msg_sign(&m, chain, sec[who]);
    return m;
}

/* Feeds a wire message; returns the step's result and copies the first
 * EVIDENCE action (if any) into ev. */
static int feed(tc_cons *c, const tc_cons_msg *m, uint8_t *ev, size_t *ev_len)
{
    uint8_t wire[1024];
    size_t wl;
    if (tc_cons_msg_encode(wire, sizeof wire, &wl, m) != 0)
        abort();
    tc_cons_event e;
    memset(&e, 0, sizeof e);
    e.kind = TC_CONS_EV_MESSAGE;
    e.data = wire;
    e.len = wl;
    int rc = tc_cons_step(c, &e, 0);
    const tc_cons_action *a;
    size_t n = tc_cons_actions(c, &a);
    *ev_len = 0;
    for (size_t i = 0; i < n; i++)
        if (a[i].kind == TC_CONS_ACT_EVIDENCE && *ev_len == 0) {
            memcpy(ev, a[i].data, a[i].len);
            *ev_len = a[i].len;
        }
    return rc;
}

static void test_vote_equivocation(void)
{
    tc_cons *c;
    CHECK_OK(tc_cons_new(&c, &cfg, sec[3]));
    CHECK_OK(tc_cons_start_height(c, 1, &vs, 0));
    uint8_t x[32] = {1}, y[32] = {2}, ev[2048];
    size_t evl;
    tc_cons_msg m1 = signed_msg(TC_CONS_PREVOTE, 2, 0, x, CHAIN);
    tc_cons_msg m2 = signed_msg(TC_CONS_PREVOTE, 2, 0, y, CHAIN);
    CHECK_OK(feed(c, &m1, ev, &evl));
    CHECK_EQ(evl, 0);
    CHECK_OK(feed(c, &m1, ev, &evl)); /* a copy is not evidence */
    CHECK_EQ(evl, 0);
    CHECK_OK(feed(c, &m2, ev, &evl));
    CHECK(evl > 0);
    uint32_t who = 99;
    CHECK_OK(tc_cons_evidence_verify(&who, ev, evl, CHAIN, &vs));
    CHECK_EQ(who, 2);
    CHECK_ERR(tc_cons_evidence_verify(NULL, ev, evl, "other-chain", &vs), TC_ERR_BAD_SIGNATURE);
    /* one corrupted signature byte (the last byte of the second message) */
    ev[evl - 1] ^= 1;
    CHECK_ERR(tc_cons_evidence_verify(NULL, ev, evl, CHAIN, &vs), TC_ERR_BAD_SIGNATURE);
    /* nil against a value conflicts too (precommits); reported once per slot */
    tc_cons_msg p1 = signed_msg(TC_CONS_PRECOMMIT, 1, 0, NULL, CHAIN);
    tc_cons_msg p2 = signed_msg(TC_CONS_PRECOMMIT, 1, 0, x, CHAIN);
    tc_cons_msg p3 = signed_msg(TC_CONS_PRECOMMIT, 1, 0, y, CHAIN);
    CHECK_OK(feed(c, &p1, ev, &evl));
    CHECK_OK(feed(c, &p2, ev, &evl));
    CHECK(evl > 0);
    CHECK_OK(tc_cons_evidence_verify(&who, ev, evl, CHAIN, &vs));
    CHECK_EQ(who, 1);
    CHECK_OK(feed(c, &p3, ev, &evl));
    CHECK_EQ(evl, 0);
    tc_cons_free(c);
}

static void build_evidence(uint8_t *out, size_t cap, size_t *len, const tc_cons_msg *a,
                           const tc_cons_msg *b)
{
    uint8_t wa[256], wb[256];
    size_t la, lb;
    tc_cons_msg_encode(wa, sizeof wa, &la, a);
    tc_cons_msg_encode(wb, sizeof wb, &lb, b);
    tc_cbor_enc e;
    tc_cbor_enc_init(&e, out, cap);
    tc_cbor_put_array(&e, 2);
    tc_cbor_put_bytes(&e, wa, la);
    tc_cbor_put_bytes(&e, wb, lb);
    tc_cbor_enc_finish(&e, len);
}

/* Pairs that are not equivocation are refused. */
static void test_evidence_refused(void)
{
    uint8_t x[32] = {1}, y[32] = {2}, ev[1024];
    size_t evl;
    tc_cons_msg a = signed_msg(TC_CONS_PREVOTE, 2, 0, x, CHAIN);
    tc_cons_msg same = signed_msg(TC_CONS_PREVOTE, 2, 0, x, CHAIN);
    tc_cons_msg other_round = signed_msg(TC_CONS_PREVOTE, 2, 1, y, CHAIN);
    tc_cons_msg other_kind = signed_msg(TC_CONS_PRECOMMIT, 2, 0, y, CHAIN);
    tc_cons_msg other_signer = signed_msg(TC_CONS_PREVOTE, 1, 0, y, CHAIN);
    tc_cons_msg good = signed_msg(TC_CONS_PREVOTE, 2, 0, y, CHAIN);
    build_evidence(ev, sizeof ev, &evl, &a, &good);
    CHECK_OK(tc_cons_evidence_verify(NULL, ev, evl, CHAIN, &vs));
    build_evidence(ev, sizeof ev, &evl, &a, &same);
    CHECK_ERR(tc_cons_evidence_verify(NULL, ev, evl, CHAIN, &vs), TC_ERR_CONS_EVIDENCE);
    build_evidence(ev, sizeof ev, &evl, &a, &other_round);
    CHECK_ERR(tc_cons_evidence_verify(NULL, ev, evl, CHAIN, &vs), TC_ERR_CONS_EVIDENCE);
    build_evidence(ev, sizeof ev, &evl, &a, &other_kind);
    CHECK_ERR(tc_cons_evidence_verify(NULL, ev, evl, CHAIN, &vs), TC_ERR_CONS_EVIDENCE);
    build_evidence(ev, sizeof ev, &evl, &a, &other_signer);
    CHECK_ERR(tc_cons_evidence_verify(NULL, ev, evl, CHAIN, &vs), TC_ERR_CONS_EVIDENCE);
}

/* An equivocating proposer: two signed proposals for one round. */
static void test_proposal_equivocation(void)
{
    tc_cons *c;
    CHECK_OK(tc_cons_new(&c, &cfg, sec[3]));
    CHECK_OK(tc_cons_start_height(c, 1, &vs, 0));
    uint8_t ev[4096];
    size_t evl;
    const char *blk[2] = {"block-A", "block-B"};
    for (int k = 0; k < 2; k++) {
        tc_cons_msg m;
        memset(&m, 0, sizeof m);
        m.kind = TC_CONS_PROPOSAL;
        m.height = 1;
        m.pol_round = -1;
        m.has_id = 1;
        m.block = (const uint8_t *)blk[k];
        m.block_len = strlen(blk[k]);
        tc_sha256(m.block_id, m.block, m.block_len);
        m.validator = (uint32_t)tc_valset_proposer(&vs, 0);
        tc_cons_msg_sign(&m, CHAIN, sec[m.validator]);
        CHECK_OK(feed(c, &m, ev, &evl));
        CHECK_EQ(evl > 0, k == 1);
    }
    uint32_t who;
    CHECK_OK(tc_cons_evidence_verify(&who, ev, evl, CHAIN, &vs));
    CHECK_EQ(who, tc_valset_proposer(&vs, 0));
    tc_cons_free(c);
}

/* ---- certificates ---- */
static uint8_t sig_of[N][64]; /* precommit signatures for (1, 2, cid) */
static const uint8_t cid[32] = {7, 7, 7};

/* A certificate with an explicit bitmap and signature list. */
static size_t cert(uint8_t *out, size_t cap, const uint8_t *map, size_t maplen, const int *sigs,
                   size_t nsigs, const uint8_t *id)
{
    tc_cbor_enc e;
    size_t len = 0;
    tc_cbor_enc_init(&e, out, cap);
    tc_cbor_put_array(&e, 5);
    tc_cbor_put_uint(&e, 1);
    tc_cbor_put_uint(&e, 2);
    tc_cbor_put_bytes(&e, id, 32);
    tc_cbor_put_bytes(&e, map, maplen);
    tc_cbor_put_array(&e, nsigs);
    for (size_t i = 0; i < nsigs; i++)
        tc_cbor_put_bytes(&e, sig_of[sigs[i]], 64);
    if (tc_cbor_enc_finish(&e, &len) != 0)
        abort();
    return len;
}

static void test_cert_checks(void)
{
    for (int i = 0; i < N; i++) {
        tc_cons_msg m = signed_msg(TC_CONS_PRECOMMIT, i, 2, cid, CHAIN);
        memcpy(sig_of[i], m.sig, 64);
    }
    uint8_t buf[1024], map;
    size_t len;
    tc_cons_cert_info info;
    /* the reference: signers 0, 1, 2 */
    map = 0x07;
    int s012[] = {0, 1, 2};
    len = cert(buf, sizeof buf, &map, 1, s012, 3, cid);
    CHECK_OK(tc_cons_cert_verify(&info, buf, len, CHAIN, &vs, 1));
    CHECK_EQ(info.signers, 3);
    CHECK_EQ(info.power, 3);
    CHECK_EQ(info.round, 2);
    CHECK_MEM(info.block_id, cid, 32);
    /* the same built by tc_cons_cert_build is byte-identical */
    uint8_t have[N] = {1, 1, 1, 0}, built[1024];
    size_t blen;
    CHECK_OK(tc_cons_cert_build(built, sizeof built, &blen, &vs, 1, 2, cid, have,
                                (const uint8_t (*)[64])sig_of));
    CHECK_EQ(blen, len);
    CHECK_MEM(built, buf, len);
    /* wrong chain id, wrong height */
    CHECK_ERR(tc_cons_cert_verify(NULL, buf, len, "other-chain", &vs, 1), TC_ERR_BAD_SIGNATURE);
    CHECK_ERR(tc_cons_cert_verify(NULL, buf, len, CHAIN, &vs, 2), TC_ERR_CONS_HEIGHT);
    /* wrong block id: the signatures are over another id */
    uint8_t other[32] = {8};
    len = cert(buf, sizeof buf, &map, 1, s012, 3, other);
    CHECK_ERR(tc_cons_cert_verify(NULL, buf, len, CHAIN, &vs, 1), TC_ERR_BAD_SIGNATURE);
    /* duplicate signature: signer 0's twice under bits 0 and 1 */
    int s002[] = {0, 0, 2};
    len = cert(buf, sizeof buf, &map, 1, s002, 3, cid);
    CHECK_ERR(tc_cons_cert_verify(NULL, buf, len, CHAIN, &vs, 1), TC_ERR_BAD_SIGNATURE);
    /* duplicate signer: bits 0, 1 and a third signature (1 again) */
    map = 0x03;
    int s011[] = {0, 1, 1};
    len = cert(buf, sizeof buf, &map, 1, s011, 3, cid);
    CHECK_ERR(tc_cons_cert_verify(NULL, buf, len, CHAIN, &vs, 1), TC_ERR_CONS_CERT_FORMAT);
    /* insufficient power: 2 of 4 */
    len = cert(buf, sizeof buf, &map, 1, s012, 2, cid);
    CHECK_ERR(tc_cons_cert_verify(NULL, buf, len, CHAIN, &vs, 1), TC_ERR_CONS_CERT_POWER);
    /* power, not head count: 3 of 4 signers with 3 of 8 power fail, 2 with 6 pass */
    map = 0x0e;
    int s123[] = {1, 2, 3};
    len = cert(buf, sizeof buf, &map, 1, s123, 3, cid);
    CHECK_ERR(tc_cons_cert_verify(NULL, buf, len, CHAIN, &weighted, 1), TC_ERR_CONS_CERT_POWER);
    CHECK_OK(tc_cons_cert_verify(NULL, buf, len, CHAIN, &vs, 1));
    map = 0x03;
    len = cert(buf, sizeof buf, &map, 1, s012, 2, cid);
    CHECK_OK(tc_cons_cert_verify(&info, buf, len, CHAIN, &weighted, 1));
    CHECK_EQ(info.power, 6);
    /* exactly 2/3 is not enough: 4 of 6 */
    tc_valset six;
    tc_valset_init(&six);
    for (int i = 0; i < N; i++)
        tc_valset_add(&six, weighted.v[i].pub, i < 2 ? 2 : 1);
    CHECK_ERR(tc_cons_cert_verify(NULL, buf, len, CHAIN, &six, 1), TC_ERR_CONS_CERT_POWER);
    /* a stray bit past n, a bitmap of the wrong length */
    map = 0x17;
    int s0123[] = {0, 1, 2, 3};
    len = cert(buf, sizeof buf, &map, 1, s0123, 4, cid);
    CHECK_ERR(tc_cons_cert_verify(NULL, buf, len, CHAIN, &vs, 1), TC_ERR_CONS_CERT_FORMAT);
    uint8_t map2[2] = {0x07, 0};
    len = cert(buf, sizeof buf, map2, 2, s012, 3, cid);
    CHECK_ERR(tc_cons_cert_verify(NULL, buf, len, CHAIN, &vs, 1), TC_ERR_CONS_CERT_FORMAT);
    /* fewer signatures than bits */
    map = 0x07;
    len = cert(buf, sizeof buf, &map, 1, s012, 2, cid);
    CHECK_ERR(tc_cons_cert_verify(NULL, buf, len, CHAIN, &vs, 1), TC_ERR_CONS_CERT_FORMAT);
}

/* Catch-up (EV_COMMIT): the value must hash to the certificate's block id. */
static void test_commit_event(void)
{
    const char *blk = "the block";
    uint8_t id[32], cbuf[1024];
    tc_sha256(id, (const uint8_t *)blk, strlen(blk));
    uint8_t have[N] = {1, 1, 1, 0}, sigs[N][64];
    for (int i = 0; i < N; i++) {
        tc_cons_msg m = signed_msg(TC_CONS_PRECOMMIT, i, 0, id, CHAIN);
        memcpy(sigs[i], m.sig, 64);
    }
    size_t cl;
    CHECK_OK(tc_cons_cert_build(cbuf, sizeof cbuf, &cl, &vs, 1, 0, id, have,
                                (const uint8_t (*)[64])sigs));
    tc_cons *c;
    CHECK_OK(tc_cons_new(&c, &cfg, sec[3]));
    CHECK_OK(tc_cons_start_height(c, 1, &vs, 0));
    tc_cons_event ev;
    memset(&ev, 0, sizeof ev);
    ev.kind = TC_CONS_EV_COMMIT;
    ev.data = (const uint8_t *)"another block";
    ev.len = 13;
    ev.cert = cbuf;
    ev.cert_len = cl;
    CHECK_ERR(tc_cons_step(c, &ev, 0), TC_ERR_CONS_BLOCK_ID);
    ev.data = (const uint8_t *)blk;
    ev.len = strlen(blk);
    CHECK_OK(tc_cons_step(c, &ev, 0));
    const tc_cons_action *a;
    size_t n = tc_cons_actions(c, &a), commits = 0;
    for (size_t i = 0; i < n; i++)
        if (a[i].kind == TC_CONS_ACT_COMMIT) {
            commits++;
            CHECK_MEM(a[i].block_id, id, 32);
        }
    CHECK_EQ(commits, 1);
    tc_cons_free(c);
}

int main(void)
{
    setup();
    RUN(test_vote_equivocation);
    RUN(test_evidence_refused);
    RUN(test_proposal_equivocation);
    RUN(test_cert_checks);
    RUN(test_commit_event);
    return test_summary();
}
