/* Light client (include/tcdev/light.h): a real chain built in-process —
 * real validator keys, real precommit signatures assembled into commit
 * certificates by tc_cons_cert_build, headers encoded by tc_header_encode,
 * a real sparse Merkle tree and history tree on the memory kv — and a device
 * state that must accept what the chain committed and refuse the rest. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "test.h"
#include "tc/bundle.h"
#include "tc/consensus.h"
#include "tc/crypto.h"
#include "tc/history.h"
#include "tc/kv.h"
#include "tc/smt.h"
#include "tcdev/light.h"

#define CHAIN "light-test"
#define T0 1700000000000ull

typedef struct chain {
    const char *id;
    uint8_t genesis[32];
    size_t n;
    uint8_t pub[8][32], sec[8][64];
    tc_valset vs;
    uint8_t vs_hash[32];
    tc_header last;
    uint8_t last_id[32];
    tc_kv *skv, *hkv;
    tc_smt *smt;
    tc_hist *hist;
} chain;

static tcdev_light st;    /* 6.6 KiB each: kept off the stack as a device would */
static tcdev_light_work work;

static void keys(chain *c, size_t n, uint8_t seed)
{
    c->n = n;
    tc_valset_init(&c->vs);
    for (size_t i = 0; i < n; i++) {
        uint8_t s[32];
        memset(s, seed + (uint8_t)i, sizeof s);
        tc_ed25519_keypair(c->pub[i], c->sec[i], s);
        (void)tc_valset_add(&c->vs, c->pub[i], 10);
    }
    (void)tc_valset_hash(&c->vs, c->vs_hash);
}

static int chain_init(chain *c, const char *id, size_t n, uint8_t seed)
{
    memset(c, 0, sizeof *c);
    c->id = id;
    keys(c, n, seed);
    tc_sha256(c->genesis, id, strlen(id)); /* stands for the genesis document hash */
    c->genesis[0] ^= seed;
    if (tc_kv_mem_open(&c->skv) || tc_kv_mem_open(&c->hkv)) return 1;
    if (tc_smt_open(&c->smt, c->skv, 64)) return 1;
    return tc_hist_open(&c->hist, c->hkv, (const uint8_t *)"h", 1);
}

static void chain_free(chain *c)
{
    tc_smt_close(c->smt);
    tc_hist_close(c->hist);
    tc_kv_close(c->skv);
    tc_kv_close(c->hkv);
}

/* Signs a certificate for block id at height with the validators in mask. */
static int certify(uint8_t *cert, size_t cap, size_t *len, const chain *c, const tc_valset *vs,
                   const uint8_t (*secs)[64], uint64_t height, const uint8_t id[32], unsigned mask)
{
    uint8_t have[TC_VALSET_MAX] = {0};
    static uint8_t sigs[TC_VALSET_MAX][TC_ED25519_SIG_LEN];
    for (size_t i = 0; i < vs->n; i++) {
        if (!(mask & (1u << i))) continue;
        tc_cons_msg m;
        memset(&m, 0, sizeof m);
        m.kind = TC_CONS_PRECOMMIT;
        m.height = height;
        m.round = 0;
        m.pol_round = -1;
        m.has_id = 1;
        memcpy(m.block_id, id, 32);
        m.validator = (uint32_t)i;
        if (tc_cons_msg_sign(&m, c->id, secs[i])) return 1;
        memcpy(sigs[i], m.sig, sizeof m.sig);
        have[i] = 1;
    }
    return tc_cons_cert_build(cert, cap, len, vs, height, 0, id, have,
                              (const uint8_t (*)[TC_ED25519_SIG_LEN])sigs);
}

/* A block: apply state writes and history leaves, then the header. */
typedef struct block {
    uint8_t hdr[TC_HEADER_MAX];
    size_t hdr_len;
    uint8_t id[32];
    uint8_t cert[2048];
    size_t cert_len;
    tc_header h;
} block;

static int next_block(block *b, chain *c, uint64_t dt, const char *key, const char *val,
                      const uint8_t next_vs[32], unsigned mask)
{
    uint8_t root[32];
    if (key) {
        tc_smt_update u;
        memset(&u, 0, sizeof u);
        tc_sha256(u.key, key, strlen(key));
        if (val) tc_sha256(u.value, val, strlen(val)); else u.del = 1;
        if (tc_smt_apply(c->smt, root, &u, 1)) return 1;
        uint8_t leaf[TC_HIST_LEAF_LEN];
        tc_block_hist_leaf(leaf, (const uint8_t *)key, strlen(key), 0);
        if (tc_hist_append(c->hist, leaf, sizeof leaf) || tc_hist_flush(c->hist)) return 1;
    } else if (tc_smt_root(c->smt, root, tc_smt_version(c->smt))) {
        return 1;
    }
    tc_header *h = &b->h;
    memset(h, 0, sizeof *h);
    memcpy(h->chain_id, c->id, strlen(c->id));
    h->chain_id_len = strlen(c->id);
    h->height = c->last.height + 1;
    h->time_ms = (c->last.height ? c->last.time_ms : T0) + dt;
    memcpy(h->prev_hash, c->last.height ? c->last_id : c->genesis, 32);
    h->tx_count = key ? 1 : 0;
    tc_hist_root(c->hist, h->history_root);
    h->history_size = tc_hist_size(c->hist);
    memcpy(h->state_root, root, 32);
    memcpy(h->valset_hash, c->vs_hash, 32);
    memcpy(h->next_valset_hash, next_vs ? next_vs : c->vs_hash, 32);
    memcpy(h->proposer, c->pub[0], 32);
    if (tc_header_encode(b->hdr, sizeof b->hdr, &b->hdr_len, h)) return 1;
    tc_sha256(b->id, b->hdr, b->hdr_len);
    if (certify(b->cert, sizeof b->cert, &b->cert_len, c, &c->vs,
                (const uint8_t (*)[64])c->sec, h->height, b->id, mask))
        return 1;
    c->last = *h;
    memcpy(c->last_id, b->id, 32);
    return 0;
}

#define ALL 0xffu
static uint64_t now_of(const block *b) { return b->h.time_ms + 1000; }

static int anchor(const chain *c)
{
    return tcdev_light_anchor(&st, c->genesis, c->id, strlen(c->id), &c->vs, 5000);
}

static int accept(const block *b)
{
    return tcdev_light_verify_header(&st, &work, b->hdr, b->hdr_len, b->cert, b->cert_len, NULL, 0,
                                     now_of(b));
}

static void test_valid_header_and_power(void)
{
    chain c;
    block b1, b2;
    CHECK_OK(chain_init(&c, CHAIN, 4, 1));
    CHECK_OK(anchor(&c));
    CHECK_OK(next_block(&b1, &c, 1000, NULL, NULL, NULL, ALL));
    CHECK_OK(accept(&b1));
    CHECK_EQ(st.height, 1);
    CHECK_MEM(st.id, b1.id, 32);
    /* 3 of 4 equal powers: 30/40 > 2/3 — accepted; 2 of 4 (exactly 1/2) and
     * a certificate from validators 0,1 only must not be. */
    CHECK_OK(next_block(&b2, &c, 1000, NULL, NULL, NULL, 0x7));
    CHECK_OK(accept(&b2));
    block b3;
    CHECK_OK(next_block(&b3, &c, 1000, NULL, NULL, NULL, 0x3));
    CHECK_ERR(accept(&b3), TC_ERR_CONS_CERT_POWER);
    CHECK_EQ(st.height, 2);
    chain_free(&c);
}

static void test_two_thirds_exactly_refused(void)
{
    /* Three equal powers, two sign: exactly 2/3 is not a quorum. */
    chain c;
    block b;
    CHECK_OK(chain_init(&c, CHAIN, 3, 20));
    CHECK_OK(anchor(&c));
    CHECK_OK(next_block(&b, &c, 1000, NULL, NULL, NULL, 0x3));
    CHECK_ERR(accept(&b), TC_ERR_CONS_CERT_POWER);
    CHECK_EQ(st.height, 0);
    chain_free(&c);
}

static void test_forged_signature(void)
{
    chain c;
    block b;
    CHECK_OK(chain_init(&c, CHAIN, 4, 1));
    CHECK_OK(anchor(&c));
    CHECK_OK(next_block(&b, &c, 1000, NULL, NULL, NULL, ALL));
    b.cert[b.cert_len - 10] ^= 1; /* inside the last signature */
    CHECK_ERR(accept(&b), TC_ERR_BAD_SIGNATURE);
    /* Signatures by keys outside the set (a forger with 4 keys of his own). */
    chain f;
    CHECK_OK(chain_init(&f, CHAIN, 4, 90));
    CHECK_OK(certify(b.cert, sizeof b.cert, &b.cert_len, &f, &c.vs, (const uint8_t (*)[64])f.sec,
                     1, b.id, ALL));
    CHECK_ERR(accept(&b), TC_ERR_BAD_SIGNATURE);
    /* A genuine certificate for another block id. */
    uint8_t other[32];
    memcpy(other, b.id, 32);
    other[0] ^= 1;
    CHECK_OK(certify(b.cert, sizeof b.cert, &b.cert_len, &c, &c.vs, (const uint8_t (*)[64])c.sec,
                     1, other, ALL));
    CHECK_ERR(accept(&b), TC_ERR_LIGHT_CERT_BLOCK);
    CHECK_EQ(st.height, 0);
    chain_free(&c);
    chain_free(&f);
}

static void test_other_chain(void)
{
    chain c, o, g;
    block b;
    CHECK_OK(chain_init(&c, CHAIN, 4, 1));
    CHECK_OK(chain_init(&o, "other-chain", 4, 1));
    CHECK_OK(chain_init(&g, CHAIN, 4, 40)); /* same chain id, other genesis and keys */
    CHECK_OK(anchor(&c));
    CHECK_OK(next_block(&b, &o, 1000, NULL, NULL, NULL, ALL));
    CHECK_ERR(accept(&b), TC_ERR_LIGHT_CHAIN);
    CHECK_OK(next_block(&b, &g, 1000, NULL, NULL, NULL, ALL));
    CHECK_ERR(accept(&b), TC_ERR_LIGHT_CHAIN);   /* block 1 links to another genesis */
    CHECK_OK(next_block(&b, &g, 1000, NULL, NULL, NULL, ALL));
    CHECK_ERR(accept(&b), TC_ERR_LIGHT_VALSET);  /* later blocks: signed by strangers */
    CHECK_EQ(st.height, 0);
    chain_free(&c);
    chain_free(&o);
    chain_free(&g);
}

static void test_stale_and_fork(void)
{
    chain c;
    static block b[4];
    CHECK_OK(chain_init(&c, CHAIN, 4, 1));
    CHECK_OK(anchor(&c));
    for (int i = 0; i < 3; i++) CHECK_OK(next_block(&b[i], &c, 1000, NULL, NULL, NULL, ALL));
    CHECK_OK(accept(&b[0]));
    CHECK_OK(accept(&b[2])); /* skipping is fine while the set is the same */
    CHECK_EQ(st.height, 3);
    CHECK_ERR(accept(&b[1]), TC_ERR_LIGHT_STALE);
    CHECK_ERR(accept(&b[0]), TC_ERR_LIGHT_STALE);
    CHECK_OK(accept(&b[2])); /* the same header again */
    /* A fork at height 3: same parent, another time, fully signed. */
    c.last = b[1].h;
    memcpy(c.last_id, b[1].id, 32);
    CHECK_OK(next_block(&b[3], &c, 1500, NULL, NULL, NULL, ALL));
    CHECK_EQ(b[3].h.height, 3);
    CHECK_ERR(accept(&b[3]), TC_ERR_LIGHT_FORK);
    CHECK_MEM(st.id, b[2].id, 32);
    /* Block 4 built on the fork does not link to the verified block 3. */
    block b4;
    CHECK_OK(next_block(&b4, &c, 1000, NULL, NULL, NULL, ALL));
    CHECK_ERR(accept(&b4), TC_ERR_LIGHT_LINK);
    chain_free(&c);
}

static void test_time(void)
{
    chain c;
    block b1, b2, b3;
    CHECK_OK(chain_init(&c, CHAIN, 4, 1));
    CHECK_OK(anchor(&c));
    CHECK_OK(next_block(&b1, &c, 1000, NULL, NULL, NULL, ALL));
    CHECK_OK(accept(&b1));
    /* Height 2 dated before height 1 (a node lying about time). */
    c.last.time_ms -= 5000;
    CHECK_OK(next_block(&b2, &c, 1000, NULL, NULL, NULL, ALL));
    CHECK_ERR(accept(&b2), TC_ERR_LIGHT_TIME_BACKWARDS);
    /* Too far ahead of the device clock (drift 5 s): 6 s is refused, 4 s is not. */
    c.last = b1.h;
    memcpy(c.last_id, b1.id, 32);
    CHECK_OK(next_block(&b3, &c, 1000, NULL, NULL, NULL, ALL));
    CHECK_ERR(tcdev_light_verify_header(&st, &work, b3.hdr, b3.hdr_len, b3.cert, b3.cert_len,
                                        NULL, 0, b3.h.time_ms - 6000),
              TC_ERR_LIGHT_TIME_FUTURE);
    CHECK_OK(tcdev_light_verify_header(&st, &work, b3.hdr, b3.hdr_len, b3.cert, b3.cert_len, NULL,
                                       0, b3.h.time_ms - 4000));
    chain_free(&c);
}

static void test_valset_change(void)
{
    chain c;
    static block b[5];
    uint8_t vsb[TC_VALSET_MAX * 48];
    size_t vsb_len;
    CHECK_OK(chain_init(&c, CHAIN, 4, 1));
    CHECK_OK(anchor(&c));
    /* The new set: validators 4..6 of a 7-key ring plus validator 0. */
    chain k;
    CHECK_OK(chain_init(&k, CHAIN, 7, 1));
    tc_valset nv;
    uint8_t nsec[8][64], nhash[32];
    tc_valset_init(&nv);
    const size_t pick[4] = {0, 4, 5, 6};
    for (size_t i = 0; i < 4; i++) {
        CHECK_OK(tc_valset_add(&nv, k.pub[pick[i]], 10));
        memcpy(nsec[i], k.sec[pick[i]], 64);
    }
    CHECK_OK(tc_valset_hash(&nv, nhash));
    CHECK_OK(tc_valset_encode(vsb, sizeof vsb, &vsb_len, &nv));
    CHECK_OK(next_block(&b[0], &c, 1000, NULL, NULL, nhash, ALL)); /* announces the change */
    CHECK_OK(accept(&b[0]));
    CHECK_MEM(st.next_valset_hash, nhash, 32);
    /* Height 2 is signed by the new set. */
    c.vs = nv;
    memcpy(c.vs_hash, nhash, 32);
    memcpy(c.sec, nsec, sizeof nsec);
    memcpy(c.pub[0], k.pub[0], 32);
    CHECK_OK(next_block(&b[1], &c, 1000, NULL, NULL, NULL, ALL));
    /* Without the set's bytes, or with bytes of another set: refused. */
    CHECK_ERR(accept(&b[1]), TC_ERR_LIGHT_VALSET);
    uint8_t bad[TC_VALSET_MAX * 48];
    size_t bad_len;
    CHECK_OK(tc_valset_encode(bad, sizeof bad, &bad_len, &k.vs));
    CHECK_ERR(tcdev_light_verify_header(&st, &work, b[1].hdr, b[1].hdr_len, b[1].cert,
                                        b[1].cert_len, bad, bad_len, now_of(&b[1])),
              TC_ERR_LIGHT_VALSET);
    /* The old set's signatures on a header naming the new set: refused. */
    block forged = b[1];
    CHECK_OK(certify(forged.cert, sizeof forged.cert, &forged.cert_len, &c, &k.vs,
                     (const uint8_t (*)[64])k.sec, 2, forged.id, 0xf));
    CHECK_ERR(tcdev_light_verify_header(&st, &work, forged.hdr, forged.hdr_len, forged.cert,
                                        forged.cert_len, vsb, vsb_len, now_of(&b[1])),
              TC_ERR_BAD_SIGNATURE);
    CHECK_OK(tcdev_light_verify_header(&st, &work, b[1].hdr, b[1].hdr_len, b[1].cert,
                                       b[1].cert_len, vsb, vsb_len, now_of(&b[1])));
    CHECK_MEM(st.valset_hash, nhash, 32);
    CHECK_EQ(st.valset.n, 4);
    /* Later headers by the new set need no set bytes. */
    CHECK_OK(next_block(&b[2], &c, 1000, NULL, NULL, NULL, 0xe));
    CHECK_OK(accept(&b[2]));
    CHECK_EQ(st.height, 3);
    chain_free(&c);
    chain_free(&k);
}

static void test_state_and_history_proofs(void)
{
    chain c;
    static block b[3];
    static uint8_t proof[TC_SMT_PROOF_MAX];
    size_t plen;
    CHECK_OK(chain_init(&c, CHAIN, 4, 1));
    CHECK_OK(anchor(&c));
    CHECK_ERR(tcdev_light_verify_state(&st, (const uint8_t *)"x", 1, NULL, 0, proof, 1),
              TC_ERR_STATE);
    CHECK_OK(next_block(&b[0], &c, 1000, "D/dev-1", "record-of-dev-1", NULL, ALL));
    CHECK_OK(next_block(&b[1], &c, 1000, "D/dev-2", "record-of-dev-2", NULL, ALL));
    CHECK_OK(accept(&b[1]));
    uint8_t k1[32], k9[32];
    tc_sha256(k1, "D/dev-1", 7);
    tc_sha256(k9, "D/dev-9", 7);
    CHECK_OK(tc_smt_prove(c.smt, proof, sizeof proof, &plen, 2, k1));
    CHECK_OK(tcdev_light_verify_state(&st, (const uint8_t *)"D/dev-1", 7,
                                      (const uint8_t *)"record-of-dev-1", 15, proof, plen));
    CHECK_ERR(tcdev_light_verify_state(&st, (const uint8_t *)"D/dev-1", 7,
                                       (const uint8_t *)"record-of-dev-X", 15, proof, plen),
              TC_ERR_SMT_PROOF);
    CHECK_ERR(tcdev_light_verify_state(&st, (const uint8_t *)"D/dev-1", 7, NULL, 0, proof, plen),
              TC_ERR_SMT_PROOF);
    CHECK_OK(tc_smt_prove(c.smt, proof, sizeof proof, &plen, 2, k9));
    CHECK_OK(tcdev_light_verify_state(&st, (const uint8_t *)"D/dev-9", 7, NULL, 0, proof, plen));
    CHECK_ERR(tcdev_light_verify_state(&st, (const uint8_t *)"D/dev-9", 7,
                                       (const uint8_t *)"r", 1, proof, plen),
              TC_ERR_SMT_PROOF);
    /* History: leaf 0 (the tx of block 1) against header 2's tree of 2. */
    uint8_t path[TC_HIST_MAX_PROOF * 32], leaf[TC_HIST_LEAF_LEN], enc[TC_HIST_PROOF_CBOR_MAX];
    size_t n, elen;
    uint64_t idx = 99;
    CHECK_OK(tc_hist_prove_inclusion(c.hist, path, TC_HIST_MAX_PROOF, &n, 0, 2));
    CHECK_OK(tc_hist_inclusion_encode(enc, sizeof enc, &elen, 0, 2, path, n));
    tc_block_hist_leaf(leaf, (const uint8_t *)"D/dev-1", 7, 0);
    CHECK_OK(tcdev_light_verify_history(&st, &idx, leaf, enc, elen));
    CHECK_EQ(idx, 0);
    leaf[TC_HIST_LEAF_LEN - 1] = 1; /* same tx, claimed rejected */
    CHECK_ERR(tcdev_light_verify_history(&st, NULL, leaf, enc, elen), TC_ERR_MERKLE_PROOF);
    /* Consistency from header 1's history (size 1) to header 2's. */
    CHECK_OK(tc_hist_prove_consistency(c.hist, path, TC_HIST_MAX_PROOF, &n, 1, 2));
    CHECK_OK(tc_hist_consistency_encode(enc, sizeof enc, &elen, 1, 2, path, n));
    CHECK_OK(tcdev_light_verify_consistency(&st, 1, b[0].h.history_root, enc, elen));
    CHECK_ERR(tcdev_light_verify_consistency(&st, 1, b[0].h.state_root, enc, elen),
              TC_ERR_MERKLE_PROOF);
    chain_free(&c);
}

static void test_bundles(void)
{
    chain c;
    static block b[3];
    static uint8_t proof[TC_SMT_PROOF_MAX], bun[16384];
    size_t plen, blen;
    CHECK_OK(chain_init(&c, CHAIN, 4, 1));
    CHECK_OK(anchor(&c));
    CHECK_OK(next_block(&b[0], &c, 1000, "D/dev-1", "record-of-dev-1", NULL, ALL));
    uint8_t k1[32];
    tc_sha256(k1, "D/dev-1", 7);
    CHECK_OK(tc_smt_prove(c.smt, proof, sizeof proof, &plen, 1, k1));
    tc_bundle_parts p;
    memset(&p, 0, sizeof p);
    p.kind = TCDEV_BUNDLE_STATE;
    p.header.p = b[0].hdr; p.header.len = b[0].hdr_len;
    p.cert.p = b[0].cert; p.cert.len = b[0].cert_len;
    p.proof.p = proof; p.proof.len = plen;
    p.key.p = (const uint8_t *)"D/dev-1"; p.key.len = 7;
    p.record = (const uint8_t *)"record-of-dev-X"; p.record_len = 15;
    CHECK_OK(tc_bundle_encode(bun, sizeof bun, &blen, &p));
    /* Tampered record: refused, and st does not move (all or nothing). */
    CHECK_ERR(tcdev_light_verify_bundle(&st, &work, NULL, bun, blen, now_of(&b[0])),
              TC_ERR_SMT_PROOF);
    CHECK_EQ(st.height, 0);
    p.record = (const uint8_t *)"record-of-dev-1";
    CHECK_OK(tc_bundle_encode(bun, sizeof bun, &blen, &p));
    tcdev_bundle out;
    CHECK_OK(tcdev_light_verify_bundle(&st, &work, &out, bun, blen, now_of(&b[0])));
    CHECK_EQ(st.height, 1);
    CHECK_EQ(out.record_len, 15);
    CHECK_MEM(out.record, "record-of-dev-1", 15);
    /* History bundle with the transaction bytes. */
    uint8_t path[TC_HIST_MAX_PROOF * 32], leaf[TC_HIST_LEAF_LEN], enc[TC_HIST_PROOF_CBOR_MAX];
    size_t n, elen;
    CHECK_OK(tc_hist_prove_inclusion(c.hist, path, TC_HIST_MAX_PROOF, &n, 0, 1));
    CHECK_OK(tc_hist_inclusion_encode(enc, sizeof enc, &elen, 0, 1, path, n));
    tc_block_hist_leaf(leaf, (const uint8_t *)"D/dev-1", 7, 0);
    p.kind = TCDEV_BUNDLE_HISTORY;
    p.proof.p = enc; p.proof.len = elen;
    p.key.p = leaf; p.key.len = sizeof leaf;
    p.record = (const uint8_t *)"D/dev-2"; p.record_len = 7;
    CHECK_OK(tc_bundle_encode(bun, sizeof bun, &blen, &p));
    CHECK_ERR(tcdev_light_verify_bundle(&st, &work, NULL, bun, blen, now_of(&b[0])),
              TC_ERR_LIGHT_RECORD);
    p.record = (const uint8_t *)"D/dev-1";
    CHECK_OK(tc_bundle_encode(bun, sizeof bun, &blen, &p));
    CHECK_OK(tcdev_light_verify_bundle(&st, &work, NULL, bun, blen, now_of(&b[0])));
    /* Structure: a truncated bundle, a trailing byte. */
    CHECK(tcdev_bundle_decode(&out, bun, blen - 1) != 0);
    bun[blen] = 0;
    CHECK(tcdev_bundle_decode(&out, bun, blen + 1) != 0);
    chain_free(&c);
}

/* Bundles written by an independent encoder (tests/fuzz/corpus/bundle,
 * made with Python cbor2 + PyNaCl for the fuzz target's anchor): the header,
 * sign-bytes and certificate layout agree byte for byte with docs. */
static int read_seed(uint8_t *buf, size_t cap, size_t *len, const char *name)
{
    char path[256];
    snprintf(path, sizeof path, "tests/fuzz/corpus/bundle/%s", name);
    FILE *f = fopen(path, "rb");
    if (!f) return 1;
    *len = fread(buf, 1, cap, f);
    fclose(f);
    return 0;
}

static void test_independent_bundles(void)
{
    uint8_t seed[32], pub[32], sec[64], genesis[32];
    static uint8_t buf[8192];
    size_t len;
    tc_valset vs;
    memset(seed, 1, sizeof seed);
    memset(genesis, 0x11, sizeof genesis);
    tc_ed25519_keypair(pub, sec, seed);
    tc_valset_init(&vs);
    CHECK_OK(tc_valset_add(&vs, pub, 1));
    const uint64_t now = 1800000000000ull;
    CHECK_OK(tcdev_light_anchor(&st, genesis, "fuzz", 4, &vs, 1000));
    CHECK_OK(read_seed(buf, sizeof buf, &len, "forged_sig"));
    CHECK_ERR(tcdev_light_verify_bundle(&st, &work, NULL, buf, len, now), TC_ERR_BAD_SIGNATURE);
    CHECK_OK(read_seed(buf, sizeof buf, &len, "future"));
    CHECK_ERR(tcdev_light_verify_bundle(&st, &work, NULL, buf, len, 1700000000000ull),
              TC_ERR_LIGHT_TIME_FUTURE);
    CHECK_OK(read_seed(buf, sizeof buf, &len, "history_badtx"));
    CHECK_ERR(tcdev_light_verify_bundle(&st, &work, NULL, buf, len, now), TC_ERR_LIGHT_RECORD);
    CHECK_EQ(st.height, 0);
    CHECK_OK(read_seed(buf, sizeof buf, &len, "history_ok"));
    CHECK_OK(tcdev_light_verify_bundle(&st, &work, NULL, buf, len, now));
    CHECK_EQ(st.height, 1);
}

int main(void)
{
    if (tc_crypto_init()) return 1;
    RUN(test_valid_header_and_power);
    RUN(test_two_thirds_exactly_refused);
    RUN(test_forged_signature);
    RUN(test_other_chain);
    RUN(test_stale_and_fork);
    RUN(test_time);
    RUN(test_valset_change);
    RUN(test_state_and_history_proofs);
    RUN(test_bundles);
    RUN(test_independent_bundles);
    return test_summary();
}
