/* Device flows 4-6 (include/tcdev/device.h): Noise_KK between proven
 * devices, counter-signed messages, anchoring proofs; and the scenario of
 * issue 7 item 3: two simulated devices boot, prove their enrollment, prove
 * each other, talk over Noise_KK, sign messages, one gets its messages
 * anchored and verifies the anchoring proof, and a node showing a forged or
 * stale answer is refused. Real ledger on SQLite, real certificates
 * (tests/unit/device_fixture.h). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "test.h"
#include "device_fixture.h"
#include "tc/kv.h"

static dx_chain C;
static uint8_t bun[64 * 1024];
static size_t blen;
static char dir[256], path[300];

/* One simulated device: keys, its light client, its persisted counters. */
typedef struct sim_dev {
    lx_dev k;
    uint8_t xsec[32];
    tcdev_light st;
    tcdev_light_work w;
    tcdev_device_record self, peer;
    uint64_t counter, peer_seen;
} sim_dev;
static sim_dev A, B;

static uint64_t now(void) { return C.lx.time_ms + 1000; }

static void dev_init(sim_dev *d, unsigned seed)
{
    memset(d, 0, sizeof *d);
    lx_dev_keys(&d->k, seed);
    memset(d->xsec, (int)(seed & 0xff), 32); /* as lx_dev_keys derives x */
    d->xsec[0] = 1;
}

/* Chain with A (sensors) and B (gateways) claimed by FLEET, a policy
 * allowing sensors <-> gateways; both devices anchored at genesis. */
static int setup(void)
{
    int rc;
    fx_tmpdir(dir, sizeof dir, "devchan");
    snprintf(path, sizeof path, "%s/node.db", dir);
    dev_init(&A, 1);
    dev_init(&B, 2);
    if ((rc = dx_open(&C, path)) || (rc = dx_anchor(&C, &A.st)) || (rc = dx_anchor(&C, &B.st))) return rc;
    if ((rc = lx_manufacture(&C.lx, &A.k, 1, "sensor-v1")) || (rc = lx_manufacture(&C.lx, &B.k, 1, "gw-v1")) ||
        (rc = dx_commit_all(&C)))
        return rc;
    if ((rc = lx_claim(&C.lx, &A.k, LX_FLEET)) || (rc = lx_claim(&C.lx, &B.k, LX_FLEET)) ||
        (rc = dx_set_groups(&C, &A.k, LX_FLEET, "sensors", NULL)) ||
        (rc = dx_set_groups(&C, &B.k, LX_FLEET, "gateways", NULL)) ||
        (rc = dx_policy(&C, LX_FLEET, "sensors", "gateways", 1)) || (rc = dx_commit_all(&C)))
        return rc;
    return 0;
}

static void teardown(void)
{
    dx_close(&C);
    fx_rm(dir);
}

/* d proves its own enrollment and then the other device's record. */
static int boot(sim_dev *d, const sim_dev *other)
{
    int rc = dx_dev_bundle(&C, bun, sizeof bun, &blen, d->k.id, 0);
    if (!rc) rc = tcdev_enroll_verify(&d->st, &d->w, &d->self, d->k.id, d->k.pub, d->k.x, LX_FLEET, bun, blen, now());
    if (!rc) rc = dx_dev_bundle(&C, bun, sizeof bun, &blen, other->k.id, 0);
    if (!rc) rc = tcdev_peer_verify(&d->st, &d->w, &d->peer, other->k.id, bun, blen, now());
    return rc;
}

/* Runs KK between a (initiator) and b; fills the transport ciphers. */
static int handshake(sim_dev *a, sim_dev *b, tcdev_noise_cipher ab[2], tcdev_noise_cipher ba[2])
{
    tcdev_noise_handshake hi, hr;
    uint8_t e1[32], e2[32], m[256], pl[64];
    size_t ml, pll;
    memset(e1, 0x51, 32);
    memset(e2, 0x52, 32);
    int rc = tcdev_channel_init(&hi, &a->st, &a->self, &a->peer, 1, a->xsec, e1);
    if (!rc) rc = tcdev_channel_init(&hr, &b->st, &b->self, &b->peer, 0, b->xsec, e2);
    if (!rc) rc = tcdev_noise_write_message(&hi, m, sizeof m, &ml, (const uint8_t *)"hi", 2);
    if (!rc) rc = tcdev_noise_read_message(&hr, pl, sizeof pl, &pll, m, ml);
    if (!rc) rc = tcdev_noise_write_message(&hr, m, sizeof m, &ml, NULL, 0);
    if (!rc) rc = tcdev_noise_read_message(&hi, pl, sizeof pl, &pll, m, ml);
    if (!rc) rc = tcdev_noise_split(&hi, &ab[0], &ab[1], NULL);
    if (!rc) rc = tcdev_noise_split(&hr, &ba[0], &ba[1], NULL);
    return rc;
}

static void test_channel(void)
{
    tcdev_noise_cipher ab[2], ba[2];
    uint8_t ct[128], pt[128], xs[32];
    size_t cl, pl;
    tcdev_noise_handshake hs;
    CHECK_OK(setup());
    CHECK_OK(boot(&A, &B));
    CHECK_OK(boot(&B, &A));
    /* Policy: sensors <-> gateways allowed (either order); not for groups
     * the devices are not in, nor for a pair with no policy. */
    uint8_t ck[25] = {'C'}, h[32];
    tc_sha256_ctx s;
    tc_sha256_init(&s);
    tc_sha256_update(&s, "gateways\0sensors", 16);
    tc_sha256_final(&s, h);
    for (int i = 0; i < 8; i++) ck[1 + i] = (uint8_t)((uint64_t)LX_FLEET >> (56 - 8 * i));
    memcpy(ck + 9, h, 16);
    CHECK_OK(dx_bundle(&C, bun, sizeof bun, &blen, ck, sizeof ck, 0));
    CHECK_OK(tcdev_channel_policy(&A.st, &A.w, &A.self, &A.peer, LX_FLEET, "sensors", 7, "gateways", 8, bun,
                                  blen, now()));
    CHECK_OK(tcdev_channel_policy(&B.st, &B.w, &B.self, &B.peer, LX_FLEET, "gateways", 8, "sensors", 7, bun,
                                  blen, now()));
    CHECK_ERR(tcdev_channel_policy(&A.st, &A.w, &A.self, &A.peer, LX_FLEET, "gateways", 8, "sensors", 7, bun,
                                   blen, now()), TC_ERR_DEV_POLICY);
    CHECK_ERR(tcdev_channel_policy(&A.st, &A.w, &A.self, &A.peer, LX_RIVAL, "sensors", 7, "gateways", 8, bun,
                                   blen, now()), TC_ERR_DEV_KEY);
    /* Both sides derive the same prologue from what they proved. */
    uint8_t p1[TCDEV_PROLOGUE_MAX], p2[TCDEV_PROLOGUE_MAX];
    size_t l1, l2;
    CHECK_OK(tcdev_channel_prologue(p1, &l1, &A.st, &A.self, &A.peer));
    CHECK_OK(tcdev_channel_prologue(p2, &l2, &B.st, &B.self, &B.peer));
    CHECK(l1 == l2 && memcmp(p1, p2, l1) == 0);
    CHECK(memcmp(p1, "thingchain-kk-v1\x08lx-chain", 25) == 0);
    /* KK handshake and a transport message each way. */
    CHECK_OK(handshake(&A, &B, ab, ba));
    CHECK_OK(tcdev_noise_encrypt(&ab[0], ct, sizeof ct, &cl, NULL, 0, (const uint8_t *)"21.5C", 5));
    CHECK_OK(tcdev_noise_decrypt(&ba[1], pt, sizeof pt, &pl, NULL, 0, ct, cl));
    CHECK(pl == 5 && memcmp(pt, "21.5C", 5) == 0);
    CHECK_OK(tcdev_noise_encrypt(&ba[0], ct, sizeof ct, &cl, NULL, 0, (const uint8_t *)"ack", 3));
    CHECK_OK(tcdev_noise_decrypt(&ab[1], pt, sizeof pt, &pl, NULL, 0, ct, cl));
    /* The wrong channel key for its own record. */
    memset(xs, 7, 32);
    CHECK_ERR(tcdev_channel_init(&hs, &A.st, &A.self, &A.peer, 1, xs, xs), TC_ERR_DEV_WRONG_KEY);
    /* Different views: A's record changes (attributes set); B proves the new
     * record, A still holds the old one: the prologues differ and the
     * handshake fails (authentication of the first payload). */
    CHECK_OK(lx_set_attr(&C.lx, &A.k, "room", "12"));
    CHECK_OK(dx_commit_all(&C));
    CHECK_OK(dx_dev_bundle(&C, bun, sizeof bun, &blen, A.k.id, 0));
    CHECK_OK(tcdev_peer_verify(&B.st, &B.w, &B.peer, A.k.id, bun, blen, now()));
    CHECK_ERR(handshake(&A, &B, ab, ba), TC_ERR_NOISE_DECRYPT);
    CHECK_OK(tcdev_enroll_verify(&A.st, &A.w, &A.self, A.k.id, A.k.pub, A.k.x, 0, bun, blen, now()));
    CHECK_OK(handshake(&A, &B, ab, ba));
    /* B is revoked: A refuses to prove it, and refuses a channel with the
     * record it held. */
    CHECK_OK(dx_dev_status(&C, &B.k, LX_FLEET, TC_TX_DEV_REVOKE));
    CHECK_OK(dx_commit_all(&C));
    CHECK_OK(dx_dev_bundle(&C, bun, sizeof bun, &blen, B.k.id, 0));
    tcdev_device_record r;
    CHECK_ERR(tcdev_peer_verify(&A.st, &A.w, &r, B.k.id, bun, blen, now()), TC_ERR_DEV_REVOKED);
    CHECK_ERR(tcdev_channel_init(&hs, &A.st, &A.self, &r, 1, A.xsec, A.xsec), TC_ERR_DEV_REVOKED);
    teardown();
}

static void test_messages(void)
{
    static uint8_t msg[TCDEV_MSG_MAX(64)], msg2[TCDEV_MSG_MAX(64)], scratch[TCDEV_MSG_SCRATCH(64)],
        vs[TCDEV_MSG_MAX(64) + 64];
    size_t ml, ml2, bl;
    const uint8_t *body;
    uint64_t ctr;
    CHECK_OK(setup());
    CHECK_OK(boot(&A, &B));
    CHECK_OK(boot(&B, &A));
    CHECK_OK(tcdev_msg_sign(msg, sizeof msg, &ml, scratch, sizeof scratch, &A.counter, A.k.id, A.k.sec,
                            (const uint8_t *)"t=21.5", 6));
    CHECK_EQ(A.counter, 1);
    CHECK_OK(tcdev_msg_verify(&body, &bl, &ctr, &B.peer_seen, vs, sizeof vs, &B.peer, msg, ml));
    CHECK(bl == 6 && memcmp(body, "t=21.5", 6) == 0);
    CHECK_EQ(ctr, 1);
    CHECK_EQ(B.peer_seen, 1);
    /* Replayed: refused, also after a newer one. */
    CHECK_ERR(tcdev_msg_verify(&body, &bl, &ctr, &B.peer_seen, vs, sizeof vs, &B.peer, msg, ml),
              TC_ERR_DEV_MSG_REPLAY);
    CHECK_OK(tcdev_msg_sign(msg2, sizeof msg2, &ml2, scratch, sizeof scratch, &A.counter, A.k.id, A.k.sec,
                            (const uint8_t *)"t=21.7", 6));
    CHECK_OK(tcdev_msg_verify(&body, &bl, NULL, &B.peer_seen, vs, sizeof vs, &B.peer, msg2, ml2));
    CHECK_ERR(tcdev_msg_verify(&body, &bl, NULL, &B.peer_seen, vs, sizeof vs, &B.peer, msg, ml),
              TC_ERR_DEV_MSG_REPLAY);
    /* Tampered body; signed by another key; another sender id under A's key. */
    uint64_t seen = 0;
    msg[ml - 70] ^= 1;
    CHECK_ERR(tcdev_msg_verify(&body, &bl, NULL, &seen, vs, sizeof vs, &B.peer, msg, ml), TC_ERR_BAD_SIGNATURE);
    uint64_t c2 = 0;
    CHECK_OK(tcdev_msg_sign(msg, sizeof msg, &ml, scratch, sizeof scratch, &c2, A.k.id, B.k.sec,
                            (const uint8_t *)"x", 1));
    CHECK_ERR(tcdev_msg_verify(&body, &bl, NULL, &seen, vs, sizeof vs, &B.peer, msg, ml), TC_ERR_BAD_SIGNATURE);
    CHECK_OK(tcdev_msg_sign(msg, sizeof msg, &ml, scratch, sizeof scratch, &c2, B.k.id, A.k.sec,
                            (const uint8_t *)"x", 1));
    CHECK_ERR(tcdev_msg_verify(&body, &bl, NULL, &seen, vs, sizeof vs, &B.peer, msg, ml), TC_ERR_DEV_MSG_SENDER);
    CHECK_EQ(seen, 0);
    /* A suspended peer's messages are refused once the device proved it. */
    CHECK_OK(dx_dev_status(&C, &A.k, LX_FLEET, TC_TX_DEV_SUSPEND));
    CHECK_OK(dx_commit_all(&C));
    CHECK_OK(dx_dev_bundle(&C, bun, sizeof bun, &blen, A.k.id, 0));
    CHECK_ERR(tcdev_peer_verify(&B.st, &B.w, &B.peer, A.k.id, bun, blen, now()), TC_ERR_DEV_SUSPENDED);
    CHECK_ERR(tcdev_msg_verify(&body, &bl, NULL, &seen, vs, sizeof vs, &B.peer, msg2, ml2), TC_ERR_DEV_SUSPENDED);
    teardown();
}

/* A batch tree over message digests (the anchor service's side). */
static int batch(uint8_t root[32], uint8_t *proof, size_t cap, size_t *plen, const uint8_t (*dig)[32], size_t n,
                 uint64_t index)
{
    tc_kv *kv;
    tc_hist *h;
    uint8_t hp[TC_HIST_MAX_PROOF * 32];
    size_t np;
    int rc = tc_kv_mem_open(&kv);
    if (rc) return rc;
    if (!(rc = tc_hist_open(&h, kv, (const uint8_t *)"a", 1))) {
        for (size_t i = 0; i < n && !rc; i++) rc = tc_hist_append(h, dig[i], 32);
        if (!rc) rc = tc_hist_flush(h);
        tc_hist_root(h, root);
        if (!rc) rc = tc_hist_prove_inclusion(h, hp, TC_HIST_MAX_PROOF, &np, index, n);
        if (!rc) rc = tc_hist_inclusion_encode(proof, cap, plen, index, n, hp, np);
        tc_hist_close(h);
    }
    tc_kv_close(kv);
    return rc;
}

/* The scenario (issue 7 item 3), end to end. */
static void test_scenario(void)
{
    tcdev_noise_cipher ab[2], ba[2];
    static uint8_t msg[5][TCDEV_MSG_MAX(32)], scratch[TCDEV_MSG_SCRATCH(32)], ct[256], pt[256],
        vs[TCDEV_MSG_MAX(32) + 64], proof[TC_HIST_PROOF_CBOR_MAX], other[TC_HIST_PROOF_CBOR_MAX];
    size_t ml[5], cl, pl, bl, prl, ol;
    uint8_t dig[5][32], root[32], root2[32];
    const uint8_t *body;
    CHECK_OK(setup());
    /* 1. Both boot and prove enrollment and each other. */
    CHECK_OK(boot(&A, &B));
    CHECK_OK(boot(&B, &A));
    /* 2. Noise_KK; 3. A sends signed readings through the channel; B
     * checks the signature against A's proven key and the counter. */
    CHECK_OK(handshake(&A, &B, ab, ba));
    for (int i = 0; i < 5; i++) {
        char reading[16];
        snprintf(reading, sizeof reading, "t=%d.5", 20 + i);
        CHECK_OK(tcdev_msg_sign(msg[i], sizeof msg[i], &ml[i], scratch, sizeof scratch, &A.counter, A.k.id,
                                A.k.sec, (const uint8_t *)reading, strlen(reading)));
        tc_sha256(dig[i], msg[i], ml[i]);
        CHECK_OK(tcdev_noise_encrypt(&ab[0], ct, sizeof ct, &cl, NULL, 0, msg[i], ml[i]));
        CHECK_OK(tcdev_noise_decrypt(&ba[1], pt, sizeof pt, &pl, NULL, 0, ct, cl));
        CHECK_OK(tcdev_msg_verify(&body, &bl, NULL, &B.peer_seen, vs, sizeof vs, &B.peer, pt, pl));
        CHECK(bl == strlen("t=20.5") && body[3] == (uint8_t)('0' + i));
    }
    /* A replay through the channel is refused. */
    CHECK_OK(tcdev_noise_encrypt(&ab[0], ct, sizeof ct, &cl, NULL, 0, msg[1], ml[1]));
    CHECK_OK(tcdev_noise_decrypt(&ba[1], pt, sizeof pt, &pl, NULL, 0, ct, cl));
    CHECK_ERR(tcdev_msg_verify(&body, &bl, NULL, &B.peer_seen, vs, sizeof vs, &B.peer, pt, pl),
              TC_ERR_DEV_MSG_REPLAY);
    /* 4. A's five messages are anchored (A submits the batch root). */
    CHECK_OK(batch(root, proof, sizeof proof, &prl, (const uint8_t (*)[32])dig, 5, 2));
    CHECK_OK(dx_anchor_tx(&C, &A.k, root, 5, C.lx.time_ms - 5000, C.lx.time_ms));
    CHECK_OK(dx_commit_all(&C));
    uint8_t akey[33] = {'A'};
    memcpy(akey + 1, root, 32);
    CHECK_OK(dx_bundle(&C, bun, sizeof bun, &blen, akey, sizeof akey, 0));
    tcdev_anchor an;
    /* A path that does not lead to the root: another message's digest, a
     * path for another index, a path from another batch. */
    CHECK_ERR(tcdev_anchor_verify(&A.st, &A.w, &an, dig[3], proof, prl, bun, blen, now()),
              TC_ERR_DEV_ANCHOR_PATH);
    CHECK_OK(batch(root2, other, sizeof other, &ol, (const uint8_t (*)[32])dig, 5, 3));
    CHECK_ERR(tcdev_anchor_verify(&A.st, &A.w, &an, dig[2], other, ol, bun, blen, now()),
              TC_ERR_DEV_ANCHOR_PATH);
    CHECK_OK(batch(root2, other, sizeof other, &ol, (const uint8_t (*)[32])dig, 4, 2));
    CHECK_ERR(tcdev_anchor_verify(&A.st, &A.w, &an, dig[2], other, ol, bun, blen, now()),
              TC_ERR_DEV_ANCHOR_PATH);
    uint64_t h_before = A.st.height;
    CHECK_OK(tcdev_anchor_verify(&A.st, &A.w, &an, dig[2], proof, prl, bun, blen, now()));
    CHECK(A.st.height > h_before);
    CHECK_EQ(an.index, 2);
    CHECK_EQ(an.count, 5);
    CHECK_EQ(an.height, tc_store_height(C.lx.s));
    CHECK(an.submitter_len == 17 && an.submitter[0] == TC_SIGNER_DEVICE && memcmp(an.submitter + 1, A.k.id, 16) == 0);
    CHECK_MEM(an.root, root, 32);
    /* A batch that was never anchored (root2 of the first four): its path
     * is right, the ledger proves its A record absent. */
    memcpy(akey + 1, root2, 32);
    CHECK_OK(dx_bundle(&C, bun, sizeof bun, &blen, akey, sizeof akey, 0));
    CHECK_ERR(tcdev_anchor_verify(&A.st, &A.w, &an, dig[2], other, ol, bun, blen, now()), TC_ERR_DEV_ABSENT);
    memcpy(akey + 1, root, 32);
    /* 5. A node showing a forged answer (the A record's count changed) or
     * a stale one (B's record from before the anchor block) is refused. */
    CHECK_OK(dx_bundle(&C, bun, sizeof bun, &blen, akey, sizeof akey, 0));
    uint8_t *p = memmem(bun, blen, "\xa6\x01\x05", 3);
    CHECK(p != NULL);
    p[2] = 4;
    CHECK_ERR(tcdev_anchor_verify(&A.st, &A.w, &an, dig[2], proof, prl, bun, blen, now()), TC_ERR_SMT_PROOF);
    CHECK_OK(dx_dev_bundle(&C, bun, sizeof bun, &blen, B.k.id, tc_store_height(C.lx.s) - 1));
    CHECK_ERR(tcdev_peer_verify(&A.st, &A.w, &A.peer, B.k.id, bun, blen, now()), TC_ERR_LIGHT_STALE);
    teardown();
}

/* Messages written by an independent encoder (cbor2 + PyNaCl,
 * tests/fuzz/mk_device_corpus.py): the layout in include/tcdev/device.h
 * agrees byte for byte. First byte of each seed: the fuzz selector. */
static void test_independent_messages(void)
{
    static uint8_t buf[4096], vs[4096];
    const char *names[] = {"m_ok", "m_replay", "m_sender", "m_badsig"};
    const int want[] = {0, TC_ERR_DEV_MSG_REPLAY, TC_ERR_DEV_MSG_SENDER, TC_ERR_BAD_SIGNATURE};
    tcdev_device_record peer;
    uint8_t seed[32], sec[64];
    memset(&peer, 0, sizeof peer);
    memset(seed, 3, sizeof seed);
    tc_ed25519_keypair(peer.ed25519, sec, seed);
    memset(peer.id, 0x22, sizeof peer.id);
    for (int i = 0; i < 4; i++) {
        char p[256];
        snprintf(p, sizeof p, "tests/fuzz/corpus/device/%s", names[i]);
        FILE *f = fopen(p, "rb");
        CHECK(f != NULL);
        size_t n = fread(buf, 1, sizeof buf, f);
        fclose(f);
        const uint8_t *body;
        size_t bl;
        uint64_t seen = 5;
        CHECK_ERR(tcdev_msg_verify(&body, &bl, NULL, &seen, vs, sizeof vs, &peer, buf + 1, n - 1), want[i]);
        if (i == 0) CHECK(seen == 6 && bl == 6 && memcmp(body, "t=21.5", 6) == 0);
    }
}

int main(void)
{
    if (tc_crypto_init()) return 1;
    RUN(test_channel);
    RUN(test_messages);
    RUN(test_scenario);
    RUN(test_independent_messages);
    return test_summary();
}
