/* Test fixture for the device flows (tests/unit/test_device_*.c,
 * bench/bench_device.c): the real ledger on a real SQLite store
 * (store_fixture.h, lx_*) whose blocks carry the genesis validator set's
 * hash and a REAL commit certificate by the genesis validator, so that
 * tcdev_light_verify_bundle accepts them; proof bundles built from the
 * store exactly as a node serves them (tc_store_state_get/prove +
 * tc_bundle_encode). Prefix dx_. */
#ifndef TC_DEVICE_FIXTURE_H
#define TC_DEVICE_FIXTURE_H

#include "store_fixture.h"
#include "tc/bundle.h"
#include "tc/consensus.h"
#include "tc/history.h"
#include "tcdev/device.h"

#define DX_MAX_BLOCKS 64

typedef struct dx_block {
    uint8_t hdr[TC_HEADER_MAX];
    size_t hdr_len;
    uint8_t cert[512];
    size_t cert_len;
    tc_header h;
} dx_block;

typedef struct dx_chain {
    lx_chain lx;
    uint8_t vpub[32], vsec[64];    /* the one genesis validator (lx seed 2, power 10) */
    tc_valset vs;
    uint8_t vs_hash[32], genesis[32];
    dx_block blk[DX_MAX_BLOCKS + 1];
} dx_chain;

static inline int dx_open(dx_chain *c, const char *path)
{
    int rc = lx_open(&c->lx, path);
    if (rc) return rc;
    lx_key(c->vpub, c->vsec, 2);
    tc_valset_init(&c->vs);
    if ((rc = tc_valset_add(&c->vs, c->vpub, 10)) || (rc = tc_valset_hash(&c->vs, c->vs_hash))) return rc;
    tc_store_last_id(c->lx.s, c->genesis); /* at height 0: the genesis hash */
    return 0;
}

static inline void dx_close(dx_chain *c)
{
    for (size_t i = 0; i < c->lx.nq; i++) tc_free(c->lx.q[i]);
    tc_store_close(c->lx.s);
}

/* Anchors a device's light client at this chain's genesis. */
static inline int dx_anchor(const dx_chain *c, tcdev_light *st)
{
    return tcdev_light_anchor(st, c->genesis, "lx-chain", 8, &c->vs, 5000);
}

/* Queues already signed transaction bytes (e.g. built by the SDK). */
static inline int dx_queue_raw(dx_chain *c, const uint8_t *tx, size_t len)
{
    if (c->lx.nq == LX_QMAX || !(c->lx.q[c->lx.nq] = tc_malloc(len))) return TC_ERR_NOMEM;
    memcpy(c->lx.q[c->lx.nq], tx, len);
    c->lx.qlen[c->lx.nq++] = len;
    return 0;
}

/* Commits the queued transactions as the next block (time + step_ms),
 * certified by the validator. *accepted (may be NULL): accepted count. */
static inline int dx_commit(dx_chain *c, uint64_t step_ms, size_t *accepted)
{
    lx_chain *x = &c->lx;
    tc_header h;
    tc_err err;
    uint64_t height = tc_store_height(x->s) + 1;
    if (height > DX_MAX_BLOCKS) return TC_ERR_LIMIT;
    tc_span *txs = tc_malloc((x->nq ? x->nq : 1) * sizeof *txs);
    for (size_t i = 0; i < x->nq; i++) txs[i] = (tc_span){ x->q[i], x->qlen[i] };
    memset(&h, 0, sizeof h);
    memcpy(h.chain_id, "lx-chain", 8);
    h.chain_id_len = 8;
    h.height = height;
    h.time_ms = x->time_ms + step_ms;
    tc_store_last_id(x->s, h.prev_hash);
    memcpy(h.valset_hash, c->vs_hash, 32);
    memcpy(h.next_valset_hash, c->vs_hash, 32);
    memcpy(h.proposer, c->vpub, 32);
    uint8_t *raw = NULL;
    size_t len = 0;
    tc_span none = { NULL, 0 };
    int rc = tc_store_propose(x->s, &err, &h, txs, x->nq, 0);
    if (!rc) rc = tc_block_encode(NULL, 0, &len, &h, txs, x->nq, none, NULL, 0);
    if (!rc && !(raw = tc_malloc(len))) rc = TC_ERR_NOMEM;
    if (!rc) rc = tc_block_encode(raw, len, &len, &h, txs, x->nq, none, NULL, 0);
    if (!rc) rc = tc_store_commit_block(x->s, &err, raw, len, 0);
    if (rc) fprintf(stderr, "dx_commit: %d %s\n", rc, err.msg);
    if (!rc) {
        /* The header bytes and a precommit certificate for their id. */
        dx_block *b = &c->blk[height];
        uint8_t id[32], sigs[1][TC_ED25519_SIG_LEN], have[1] = {1};
        tc_cons_msg m;
        rc = tc_header_encode(b->hdr, sizeof b->hdr, &b->hdr_len, &h);
        tc_sha256(id, b->hdr, b->hdr_len);
        memset(&m, 0, sizeof m);
        m.kind = TC_CONS_PRECOMMIT;
        m.height = height;
        m.pol_round = -1;
        m.has_id = 1;
        memcpy(m.block_id, id, 32);
        if (!rc) rc = tc_cons_msg_sign(&m, "lx-chain", c->vsec);
        memcpy(sigs[0], m.sig, sizeof m.sig);
        if (!rc) rc = tc_cons_cert_build(b->cert, sizeof b->cert, &b->cert_len, &c->vs, height, 0, id, have,
                                         (const uint8_t (*)[TC_ED25519_SIG_LEN])sigs);
        b->h = h;
        x->time_ms = h.time_ms;
    }
    if (!rc && accepted) {
        *accepted = 0;
        for (size_t i = 0; i < x->nq; i++) {
            uint8_t th[32];
            uint64_t hh;
            uint32_t ix;
            int code;
            char msg[200];
            tc_sha256(th, x->q[i], x->qlen[i]);
            if (tc_store_tx_result(x->s, &hh, &ix, &code, msg, sizeof msg, th) == 0 && code == 0) ++*accepted;
            else fprintf(stderr, "  tx %zu rejected: %s\n", i, msg);
        }
    }
    for (size_t i = 0; i < x->nq; i++) tc_free(x->q[i]);
    x->nq = 0;
    tc_free(raw);
    tc_free(txs);
    return rc;
}

/* Commits and requires every queued transaction to be accepted. */
static inline int dx_commit_all(dx_chain *c)
{
    size_t n = c->lx.nq, acc = 0;
    int rc = dx_commit(c, 1000, &acc);
    return rc ? rc : acc == n ? 0 : TC_ERR_LEDGER_MALFORMED;
}

/* A state bundle for key at height (0: the last), as a node serves it;
 * fork != 0: under another header at that height (time + 1 ms), fully
 * certified by the validator (an equivocating quorum showing a fork). */
static inline int dx_bundle_ex(dx_chain *c, uint8_t *out, size_t cap, size_t *len, const uint8_t *key,
                               size_t key_len, uint64_t height, int fork)
{
    static uint8_t val[64 * 1024], proof[8192];
    size_t vl = 0, pl = 0;
    if (!height) height = tc_store_height(c->lx.s);
    int rc = tc_store_state_get(c->lx.s, val, sizeof val, &vl, height, key, key_len);
    int absent = rc == TC_ERR_NOT_FOUND;
    if (rc && !absent) return rc;
    if ((rc = tc_store_state_prove(c->lx.s, proof, sizeof proof, &pl, height, key, key_len))) return rc;
    tc_bundle_parts p;
    memset(&p, 0, sizeof p);
    p.kind = TCDEV_BUNDLE_STATE;
    dx_block fb, *b = &c->blk[height];
    if (fork) {
        uint8_t id[32], sigs[1][TC_ED25519_SIG_LEN], have[1] = {1};
        tc_cons_msg m;
        fb = *b;
        fb.h.time_ms++;
        if ((rc = tc_header_encode(fb.hdr, sizeof fb.hdr, &fb.hdr_len, &fb.h))) return rc;
        tc_sha256(id, fb.hdr, fb.hdr_len);
        memset(&m, 0, sizeof m);
        m.kind = TC_CONS_PRECOMMIT;
        m.height = height;
        m.pol_round = -1;
        m.has_id = 1;
        memcpy(m.block_id, id, 32);
        if ((rc = tc_cons_msg_sign(&m, "lx-chain", c->vsec))) return rc;
        memcpy(sigs[0], m.sig, sizeof m.sig);
        if ((rc = tc_cons_cert_build(fb.cert, sizeof fb.cert, &fb.cert_len, &c->vs, height, 0, id, have,
                                     (const uint8_t (*)[TC_ED25519_SIG_LEN])sigs)))
            return rc;
        b = &fb;
    }
    p.header.p = b->hdr; p.header.len = b->hdr_len;
    p.cert.p = b->cert; p.cert.len = b->cert_len;
    p.proof.p = proof; p.proof.len = pl;
    p.key.p = key; p.key.len = key_len;
    p.record = absent ? NULL : val; p.record_len = absent ? 0 : vl;
    return tc_bundle_encode(out, cap, len, &p);
}

static inline int dx_bundle(dx_chain *c, uint8_t *out, size_t cap, size_t *len, const uint8_t *key,
                            size_t key_len, uint64_t height)
{
    return dx_bundle_ex(c, out, cap, len, key, key_len, height, 0);
}

static inline int dx_dev_bundle(dx_chain *c, uint8_t *out, size_t cap, size_t *len, const uint8_t id[16],
                                uint64_t height)
{
    uint8_t key[17] = {'D'};
    memcpy(key + 1, id, 16);
    return dx_bundle(c, out, cap, len, key, sizeof key, height);
}

/* ---- ledger transactions the flows need (docs/ledger.md bodies) ---- */
static inline int dx_set_groups(dx_chain *c, const lx_dev *d, uint64_t org, const char *g1, const char *g2)
{
    uint8_t body[256];
    tc_cbor_enc e;
    tc_cbor_enc_init(&e, body, sizeof body);
    tc_cbor_put_map(&e, 2);
    tc_cbor_put_uint(&e, 1); tc_cbor_put_bytes(&e, d->id, 16);
    tc_cbor_put_uint(&e, 2); tc_cbor_put_array(&e, g2 ? 2 : 1);
    tc_cbor_put_cstr(&e, g1);
    if (g2) tc_cbor_put_cstr(&e, g2);
    return lx_admin_tx(&c->lx, TC_TX_DEV_SET_GROUPS, org, &e);
}

/* dev.suspend / resume / revoke by the owner's admin. */
static inline int dx_dev_status(dx_chain *c, const lx_dev *d, uint64_t org, uint32_t type)
{
    uint8_t body[64];
    tc_cbor_enc e;
    tc_cbor_enc_init(&e, body, sizeof body);
    tc_cbor_put_map(&e, 1);
    tc_cbor_put_uint(&e, 1); tc_cbor_put_bytes(&e, d->id, 16);
    return lx_admin_tx(&c->lx, type, org, &e);
}

/* svc.publish by the device itself: one endpoint. */
static inline int dx_publish(dx_chain *c, lx_dev *d, const char *name, const char *type, const char *ep,
                             uint64_t expiry)
{
    uint8_t body[512];
    tc_cbor_enc e;
    tc_cbor_enc_init(&e, body, sizeof body);
    tc_cbor_put_map(&e, 6);
    tc_cbor_put_uint(&e, 1); tc_cbor_put_bytes(&e, d->id, 16);
    tc_cbor_put_uint(&e, 2); tc_cbor_put_cstr(&e, name);
    tc_cbor_put_uint(&e, 3); tc_cbor_put_cstr(&e, type);
    tc_cbor_put_uint(&e, 4); tc_cbor_put_array(&e, 1); tc_cbor_put_cstr(&e, ep);
    tc_cbor_put_uint(&e, 5); tc_cbor_put_map(&e, 0);
    tc_cbor_put_uint(&e, 6); tc_cbor_put_uint(&e, expiry);
    return lx_dev_tx(&c->lx, TC_TX_SVC_PUBLISH, d, &e);
}

static inline int dx_policy(dx_chain *c, uint64_t org, const char *a, const char *b, int allow)
{
    uint8_t body[256];
    tc_cbor_enc e;
    tc_cbor_enc_init(&e, body, sizeof body);
    tc_cbor_put_map(&e, 3);
    tc_cbor_put_uint(&e, 1); tc_cbor_put_cstr(&e, a);
    tc_cbor_put_uint(&e, 2); tc_cbor_put_cstr(&e, b);
    tc_cbor_put_uint(&e, 3); tc_cbor_put_bool(&e, allow);
    return lx_admin_tx(&c->lx, TC_TX_COMM_SET_POLICY, org, &e);
}

/* anchor {1 root, 2 count, 3 first, 4 last} signed by the device. */
static inline int dx_anchor_tx(dx_chain *c, lx_dev *d, const uint8_t root[32], uint64_t count, uint64_t first,
                               uint64_t last)
{
    uint8_t body[128];
    tc_cbor_enc e;
    tc_cbor_enc_init(&e, body, sizeof body);
    tc_cbor_put_map(&e, 4);
    tc_cbor_put_uint(&e, 1); tc_cbor_put_bytes(&e, root, 32);
    tc_cbor_put_uint(&e, 2); tc_cbor_put_uint(&e, count);
    tc_cbor_put_uint(&e, 3); tc_cbor_put_uint(&e, first);
    tc_cbor_put_uint(&e, 4); tc_cbor_put_uint(&e, last);
    return lx_dev_tx(&c->lx, TC_TX_ANCHOR, d, &e);
}

/* The operator's config key set (org.set_keys role 3, 1-of-1 from seed). */
static inline int dx_config_keys(dx_chain *c, uint64_t org, uint8_t pub[32], uint8_t sec[64], unsigned seed)
{
    return lx_set_keys(&c->lx, org, TC_KEYS_CONFIG, seed, pub, sec);
}

/* cfg.publish: inline body (location NULL) or a location; expiry 0 = none. */
static inline int dx_cfg_publish(dx_chain *c, uint64_t org, const uint8_t sec[64], unsigned kind,
                                 const uint8_t *target, size_t tl, const char *name, uint64_t version,
                                 const uint8_t *body, size_t bl, const char *location, uint64_t expiry)
{
    static uint8_t buf[24 * 1024];
    uint8_t h[32];
    tc_cbor_enc e;
    tc_sha256(h, body, bl);
    tc_cbor_enc_init(&e, buf, sizeof buf);
    tc_cbor_put_map(&e, 7 + (expiry ? 1 : 0));
    tc_cbor_put_uint(&e, 1); tc_cbor_put_uint(&e, kind);
    tc_cbor_put_uint(&e, 2); tc_cbor_put_bytes(&e, target, tl);
    tc_cbor_put_uint(&e, 3); tc_cbor_put_cstr(&e, name);
    tc_cbor_put_uint(&e, 4); tc_cbor_put_uint(&e, version);
    tc_cbor_put_uint(&e, 5); tc_cbor_put_bytes(&e, h, 32);
    tc_cbor_put_uint(&e, 6); tc_cbor_put_uint(&e, bl);
    if (location) { tc_cbor_put_uint(&e, 8); tc_cbor_put_cstr(&e, location); }
    else { tc_cbor_put_uint(&e, 7); tc_cbor_put_bytes(&e, body, bl); }
    if (expiry) { tc_cbor_put_uint(&e, 9); tc_cbor_put_uint(&e, expiry); }
    size_t len;
    if (tc_cbor_enc_finish(&e, &len)) return TC_ERR_INVALID_ARG;
    return lx_org_tx(&c->lx, TC_TX_CFG_PUBLISH, org, TC_KEYS_CONFIG, buf, len, sec);
}

/* G key of a document: 'G' || org || SHA-256(kind || len || target || name)[0..16]. */
static inline void dx_cfg_key(uint8_t key[25], uint64_t org, unsigned kind, const uint8_t *t, size_t tl,
                              const char *name)
{
    tc_sha256_ctx s;
    uint8_t h[32], hdr[2] = {(uint8_t)kind, (uint8_t)tl};
    tc_sha256_init(&s);
    tc_sha256_update(&s, hdr, 2);
    tc_sha256_update(&s, t, tl);
    tc_sha256_update(&s, name, strlen(name));
    tc_sha256_final(&s, h);
    key[0] = 'G';
    for (int i = 0; i < 8; i++) key[1 + i] = (uint8_t)(org >> (56 - 8 * i));
    memcpy(key + 9, h, 16);
}

#endif
