/* Test fixture for the store tests (test_store*.c, test_query*.c): a toy
 * rule set whose transactions write device records in the ledger's format,
 * and a chain builder that proposes, encodes and commits blocks.
 *   'D' || id(16) || record   put 'D'||id -> record (a deterministic CBOR map)
 *   'd' || id(16)             delete 'D'||id
 *   'X' || anything           write junk, then reject (must be rolled back)
 *   'P' || klen(1) || key || value   put any record (benchmarks: services,
 *                             config, rollouts and releases in the ledger's formats) */
#ifndef TC_STORE_FIXTURE_H
#define TC_STORE_FIXTURE_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tc/alloc.h"
#include "tc/block.h"
#include "tc/cbor.h"
#include "tc/store.h"

static inline int fx_apply(tc_state *st, tc_err *err, const uint8_t *tx, size_t len,
                    const tc_block_ctx *ctx, int sig_checked)
{
    (void)ctx;
    (void)sig_checked;
    if (len >= 17 && tx[0] == 'D') {
        uint8_t key[17] = { 'D' };
        memcpy(key + 1, tx + 1, 16);
        return tc_state_put(st, key, 17, tx + 17, len - 17);
    }
    if (len == 17 && tx[0] == 'd') {
        uint8_t key[17] = { 'D' };
        memcpy(key + 1, tx + 1, 16);
        return tc_state_del(st, key, 17);
    }
    if (len >= 2 && tx[0] == 'P' && (size_t)tx[1] + 2 <= len && tx[1] > 0)
        return tc_state_put(st, tx + 2, tx[1], tx + 2 + tx[1], len - 2 - tx[1]);
    if (len >= 1 && tx[0] == 'X') {
        tc_state_put(st, (const uint8_t *)"junk", 4, tx, len);
        return tc_err_set(err, TC_ERR_LEDGER_UNAUTHORIZED, "fixture rejects X");
    }
    return tc_err_set(err, TC_ERR_LEDGER_MALFORMED, "fixture: unknown op");
}

/* Genesis: one record 'M' -> the document bytes. */
static inline int fx_genesis(tc_state *st, tc_err *err, const uint8_t *doc, size_t len)
{
    (void)err;
    return tc_state_put(st, (const uint8_t *)"M", 1, doc, len);
}

static inline void fx_dev_id(uint8_t id[16], uint32_t n)
{
    memset(id, 0, 16);
    id[12] = (uint8_t)(n >> 24);
    id[13] = (uint8_t)(n >> 16);
    id[14] = (uint8_t)(n >> 8);
    id[15] = (uint8_t)n;
}

/* A device record as core/records_device.c writes it (keys 1..12, no claim). */
static inline size_t fx_dev_record(uint8_t *out, size_t cap, uint32_t n, uint64_t owner, const char *model,
                            const char *color, uint64_t height)
{
    tc_cbor_enc e;
    uint8_t k[32];
    memset(k, (int)(n & 0xff), sizeof k);
    char serial[16];
    snprintf(serial, sizeof serial, "SN%u", n);
    tc_cbor_enc_init(&e, out, cap);
    tc_cbor_put_map(&e, 11);
    tc_cbor_put_uint(&e, 1); tc_cbor_put_bytes(&e, k, 32);
    tc_cbor_put_uint(&e, 2); tc_cbor_put_bytes(&e, k, 32);
    tc_cbor_put_uint(&e, 3); tc_cbor_put_cstr(&e, model);
    tc_cbor_put_uint(&e, 4); tc_cbor_put_cstr(&e, serial);
    tc_cbor_put_uint(&e, 6); tc_cbor_put_uint(&e, 1);
    tc_cbor_put_uint(&e, 7); tc_cbor_put_uint(&e, owner);
    tc_cbor_put_uint(&e, 8); tc_cbor_put_uint(&e, 0);
    tc_cbor_put_uint(&e, 9); tc_cbor_put_map(&e, color ? 1 : 0);
    if (color) { tc_cbor_put_cstr(&e, "color"); tc_cbor_put_cstr(&e, color); }
    tc_cbor_put_uint(&e, 10); tc_cbor_put_array(&e, 1); tc_cbor_put_cstr(&e, "fleet");
    tc_cbor_put_uint(&e, 11); tc_cbor_put_uint(&e, height);
    tc_cbor_put_uint(&e, 12); tc_cbor_put_uint(&e, 0);
    size_t len = 0;
    if (tc_cbor_enc_finish(&e, &len)) return 0;
    return len;
}

/* A device-write transaction into out; returns its length. */
static inline size_t fx_dev_tx(uint8_t *out, size_t cap, uint32_t n, uint64_t owner, const char *model,
                        const char *color, uint64_t height)
{
    out[0] = 'D';
    fx_dev_id(out + 1, n);
    size_t r = fx_dev_record(out + 17, cap - 17, n, owner, model, color, height);
    return r ? 17 + r : 0;
}

/* Proposes txs on s as the next block, encodes it into *out (tc_malloc'd)
 * and, if commit, commits it. */
/* The header fields a proposer sets for the block after s's last one
 * (the store fills the execution-derived ones). */
static inline void fx_next_header(tc_store *s, tc_header *h)
{
    memset(h, 0, sizeof *h);
    memcpy(h->chain_id, "fixture", 7);
    h->chain_id_len = 7;
    h->height = tc_store_height(s) + 1;
    h->time_ms = 1000000 + h->height * 1000;
    tc_store_last_id(s, h->prev_hash);
    memset(h->proposer, 0x11, 32);
}

static inline int fx_make_block(tc_store *s, uint8_t **out, size_t *out_len, const tc_span *txs,
                         size_t ntx, int commit)
{
    tc_header h;
    tc_err err;
    fx_next_header(s, &h);
    int rc = tc_store_propose(s, &err, &h, txs, ntx, 1);
    if (rc) { fprintf(stderr, "propose: %s\n", err.msg); return rc; }
    tc_span none = { NULL, 0 };
    rc = tc_block_encode(NULL, 0, out_len, &h, txs, ntx, none, NULL, 0);
    if (rc) return rc;
    *out = tc_malloc(*out_len);
    if (!*out) return TC_ERR_NOMEM;
    rc = tc_block_encode(*out, *out_len, out_len, &h, txs, ntx, none, NULL, 0);
    if (!rc && commit) {
        rc = tc_store_commit_block(s, &err, *out, *out_len, 1);
        if (rc) fprintf(stderr, "commit: %s\n", err.msg);
    }
    return rc;
}

static inline int fx_open_genesis(tc_store **s, const char *path)
{
    tc_err err;
    int rc = tc_store_open(s, &err, path, fx_apply);
    if (rc) { fprintf(stderr, "open: %s\n", err.msg); return rc; }
    if (!tc_store_has_genesis(*s))
        rc = tc_store_genesis(*s, &err, (const uint8_t *)"fixture", 7, (const uint8_t *)"genesis-doc", 11,
                              fx_genesis);
    if (rc) fprintf(stderr, "genesis: %s\n", err.msg);
    return rc;
}

static inline void fx_tmpdir(char *dir, size_t cap, const char *tag)
{
    const char *t = getenv("TMPDIR");
    snprintf(dir, cap, "%s/tc_%s_XXXXXX", t ? t : "/tmp", tag);
    if (!mkdtemp(dir)) { perror("mkdtemp"); exit(2); }
}

static inline void fx_rm(const char *dir)
{
    char cmd[600];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    if (system(cmd) != 0) fprintf(stderr, "cleanup of %s failed\n", dir);
}

/* ---- a real ledger on a store (tc_ledger_apply, tc_genesis_apply) ----
 * Chain "lx-chain": org 1 manufacturer+vendor, org 2 and 3 operators, each
 * with a 1-of-1 admin key; governance 1-of-1. Transactions are signed for
 * real and queued (lx_tx) until lx_commit puts them in a block. */
#include "tc/genesis.h"
#include "tc/ledger.h"
#include "tc/tx.h"

#define LX_MAKER 1u
#define LX_FLEET 2u
#define LX_RIVAL 3u
#define LX_QMAX 20000

typedef struct lx_chain {
    tc_store *s;
    uint64_t time_ms;                 /* last block's time */
    uint8_t gov_pub[32], gov_sec[64];
    uint8_t adm_pub[4][32], adm_sec[4][64]; /* [org] */
    struct { uint8_t signer[TC_TX_SIGNER_MAX]; size_t len; uint64_t nonce; } nonces[64];
    size_t nn;
    uint8_t *q[LX_QMAX];              /* queued signed transactions (tc_malloc'd) */
    size_t qlen[LX_QMAX];
    size_t nq;
    double commit_s;                  /* time spent in tc_store_commit_block, summed */
    double commit_cpu_s;              /* the same as process CPU time (shared machines) */
} lx_chain;

#include <time.h>
static inline double lx_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static inline double lx_cpu(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static inline void lx_key(uint8_t pub[32], uint8_t sec[64], unsigned seed)
{
    uint8_t sd[32];
    memset(sd, 0, sizeof sd);
    snprintf((char *)sd, sizeof sd, "lx-key-%u", seed);
    tc_ed25519_keypair(pub, sec, sd);
}

/* A device: keys from seed, id = keyid(pub), claim secret "claim-<seed>"
 * (its claim key: tc_claim_key of the secret). */
typedef struct lx_dev {
    uint8_t id[16], pub[32], sec[64], x[32];
    char secret[24];
    uint64_t nonce;                   /* last nonce the device signed */
} lx_dev;

static inline void lx_dev_keys(lx_dev *d, unsigned seed)
{
    memset(d, 0, sizeof *d);
    lx_key(d->pub, d->sec, 100000 + seed);
    uint8_t xs[32];
    memset(xs, (int)(seed & 0xff), sizeof xs);
    xs[0] = 1;
    tc_x25519_public(d->x, xs);
    tc_keyid(d->id, d->pub);
    snprintf(d->secret, sizeof d->secret, "claim-%u", seed);
}

static inline int lx_open(lx_chain *c, const char *path)
{
    uint8_t vpub[32], vsec[64], doc[2048];
    uint64_t power = 10;
    size_t dl;
    tc_err err;
    memset(c, 0, sizeof *c);
    lx_key(c->gov_pub, c->gov_sec, 1);
    lx_key(vpub, vsec, 2);
    for (unsigned i = 1; i <= 3; i++) lx_key(c->adm_pub[i], c->adm_sec[i], 10 + i);
    tc_genesis_org orgs[3] = {
        {LX_MAKER, "maker", TC_ROLE_MANUFACTURER, 1, 1, (const uint8_t(*)[32])c->adm_pub[1]},
        {LX_FLEET, "fleet", TC_ROLE_OPERATOR, 1, 1, (const uint8_t(*)[32])c->adm_pub[2]},
        {LX_RIVAL, "rival", TC_ROLE_OPERATOR, 1, 1, (const uint8_t(*)[32])c->adm_pub[3]},
    };
    c->time_ms = 1000000;
    tc_genesis_spec spec = {"lx-chain", c->time_ms, 1, (const uint8_t(*)[32])vpub, &power,
                            1, 1, (const uint8_t(*)[32])c->gov_pub, 3, orgs};
    int rc = tc_genesis_encode(doc, sizeof doc, &dl, &spec);
    if (!rc) rc = tc_store_open(&c->s, &err, path, tc_ledger_apply);
    if (!rc && !tc_store_has_genesis(c->s))
        rc = tc_store_genesis(c->s, &err, (const uint8_t *)"lx-chain", 8, doc, dl, tc_genesis_apply);
    if (rc) fprintf(stderr, "lx_open: %d\n", rc);
    return rc;
}

static inline uint64_t lx_nonce(lx_chain *c, const uint8_t *signer, size_t len)
{
    for (size_t i = 0; i < c->nn; i++)
        if (c->nonces[i].len == len && memcmp(c->nonces[i].signer, signer, len) == 0) return ++c->nonces[i].nonce;
    if (c->nn == 64) { fprintf(stderr, "lx: too many signers\n"); exit(2); }
    memcpy(c->nonces[c->nn].signer, signer, len);
    c->nonces[c->nn].len = len;
    c->nonces[c->nn].nonce = 1;
    return c->nonces[c->nn++].nonce;
}

/* Signs body as signer with secs[0..n) and queues it (nonce 0: the next
 * one from the chain's table of key-set signers). */
static inline int lx_tx_n(lx_chain *c, uint32_t type, const uint8_t *signer, size_t signer_len, uint64_t nonce,
                          const uint8_t *body, size_t body_len, const uint8_t (*secs)[64], size_t n)
{
    static uint8_t payload[TC_TX_MAX], tx[TC_TX_MAX + 2048];
    size_t pl, tl;
    if (c->nq == LX_QMAX) return TC_ERR_LIMIT;
    int rc = tc_tx_payload_encode(payload, sizeof payload, &pl, (const uint8_t *)"lx-chain", 8, type, signer,
                                  signer_len, nonce ? nonce : lx_nonce(c, signer, signer_len), body, body_len);
    if (rc) return rc;
    rc = signer[0] == TC_SIGNER_DEVICE ? tc_tx_sign1(tx, sizeof tx, &tl, payload, pl, secs[0])
                                       : tc_tx_sign_multi(tx, sizeof tx, &tl, payload, pl, secs, n);
    if (rc) return rc;
    c->q[c->nq] = tc_malloc(tl);
    if (!c->q[c->nq]) return TC_ERR_NOMEM;
    memcpy(c->q[c->nq], tx, tl);
    c->qlen[c->nq++] = tl;
    return 0;
}

static inline int lx_tx(lx_chain *c, uint32_t type, const uint8_t *signer, size_t signer_len,
                        const uint8_t *body, size_t body_len, const uint8_t (*secs)[64], size_t n)
{
    return lx_tx_n(c, type, signer, signer_len, 0, body, body_len, secs, n);
}

static inline int lx_org_tx(lx_chain *c, uint32_t type, uint64_t org, uint8_t role, const uint8_t *body,
                            size_t bl, const uint8_t sec[64])
{
    uint8_t sg[TC_SIGNER_ORG_LEN];
    tc_signer_org(sg, org, role);
    return lx_tx(c, type, sg, sizeof sg, body, bl, (const uint8_t(*)[64])sec, 1);
}

static inline int lx_admin_tx(lx_chain *c, uint32_t type, uint64_t org, const tc_cbor_enc *e)
{
    size_t bl;
    tc_cbor_enc f = *e;
    if (tc_cbor_enc_finish(&f, &bl)) return TC_ERR_INVALID_ARG;
    return lx_org_tx(c, type, org, TC_KEYS_ADMIN, f.buf, bl, c->adm_sec[org]);
}

/* org.set_keys: a 1-of-1 key set of role for org, the key from seed
 * (pub and sec receive it; either may be NULL). */
static inline int lx_set_keys(lx_chain *c, uint64_t org, uint8_t role, unsigned seed, uint8_t pub[32],
                              uint8_t sec[64])
{
    uint8_t body[128], p[32], k[64];
    tc_cbor_enc e;
    lx_key(p, k, seed);
    if (pub) memcpy(pub, p, 32);
    if (sec) memcpy(sec, k, 64);
    tc_cbor_enc_init(&e, body, sizeof body);
    tc_cbor_put_map(&e, 2);
    tc_cbor_put_uint(&e, 1); tc_cbor_put_uint(&e, role);
    tc_cbor_put_uint(&e, 2); tc_cbor_put_map(&e, 2);
    tc_cbor_put_uint(&e, 1); tc_cbor_put_uint(&e, 1);
    tc_cbor_put_uint(&e, 2); tc_cbor_put_array(&e, 1); tc_cbor_put_bytes(&e, p, 32);
    return lx_admin_tx(c, TC_TX_ORG_SET_KEYS, org, &e);
}

static inline int lx_dev_tx(lx_chain *c, uint32_t type, lx_dev *d, const tc_cbor_enc *e)
{
    uint8_t sg[TC_SIGNER_DEVICE_LEN];
    size_t bl;
    tc_cbor_enc f = *e;
    if (tc_cbor_enc_finish(&f, &bl)) return TC_ERR_INVALID_ARG;
    tc_signer_device(sg, d->id);
    return lx_tx_n(c, type, sg, sizeof sg, ++d->nonce, f.buf, bl, (const uint8_t(*)[64])d->sec, 1);
}

/* The queued transactions as the next block (time = last + step_ms);
 * results: *accepted (may be NULL) counts accepted transactions. */
static inline int lx_commit(lx_chain *c, uint64_t step_ms, size_t *accepted, int sig_checked)
{
    tc_header h;
    tc_err err;
    tc_span *txs = tc_malloc((c->nq ? c->nq : 1) * sizeof *txs);
    for (size_t i = 0; i < c->nq; i++) txs[i] = (tc_span){ c->q[i], c->qlen[i] };
    memset(&h, 0, sizeof h);
    memcpy(h.chain_id, "lx-chain", 8);
    h.chain_id_len = 8;
    h.height = tc_store_height(c->s) + 1;
    h.time_ms = c->time_ms + step_ms;
    tc_store_last_id(c->s, h.prev_hash);
    memset(h.proposer, 0x11, 32);
    uint8_t *raw = NULL;
    size_t len = 0;
    tc_span none = { NULL, 0 };
    int rc = tc_store_propose(c->s, &err, &h, txs, c->nq, sig_checked);
    if (!rc) rc = tc_block_encode(NULL, 0, &len, &h, txs, c->nq, none, NULL, 0);
    if (!rc && !(raw = tc_malloc(len))) rc = TC_ERR_NOMEM;
    if (!rc) rc = tc_block_encode(raw, len, &len, &h, txs, c->nq, none, NULL, 0);
    double t0 = lx_now(), c0 = lx_cpu();
    if (!rc) rc = tc_store_commit_block(c->s, &err, raw, len, sig_checked);
    c->commit_s += lx_now() - t0;
    c->commit_cpu_s += lx_cpu() - c0;
    if (rc) fprintf(stderr, "lx_commit: %s\n", err.msg);
    if (!rc) c->time_ms = h.time_ms;
    if (!rc && accepted) {
        *accepted = 0;
        for (size_t i = 0; i < c->nq; i++) {
            uint8_t th[32];
            uint64_t hh;
            uint32_t ix;
            int code;
            char msg[200];
            tc_sha256(th, c->q[i], c->qlen[i]);
            if (tc_store_tx_result(c->s, &hh, &ix, &code, msg, sizeof msg, th) == 0 && code == 0) ++*accepted;
            else if (getenv("TC_TEST_VERBOSE")) fprintf(stderr, "  tx %zu rejected: %s\n", i, msg);
        }
    }
    for (size_t i = 0; i < c->nq; i++) tc_free(c->q[i]);
    c->nq = 0;
    tc_free(raw);
    tc_free(txs);
    return rc;
}

/* Queues a manufacture of devices[0..n) (model) by LX_MAKER. */
static inline int lx_manufacture(lx_chain *c, const lx_dev *d, size_t n, const char *model)
{
    static uint8_t body[TC_TX_BODY_MAX];
    tc_cbor_enc e;
    tc_cbor_enc_init(&e, body, sizeof body);
    tc_cbor_put_map(&e, 1);
    tc_cbor_put_uint(&e, 1);
    tc_cbor_put_array(&e, n);
    for (size_t i = 0; i < n; i++) {
        uint8_t h[32], hs[64];
        tc_claim_key(h, hs, (const uint8_t *)d[i].secret, strlen(d[i].secret));
        tc_cbor_put_map(&e, 5);
        tc_cbor_put_uint(&e, 1); tc_cbor_put_bytes(&e, d[i].pub, 32);
        tc_cbor_put_uint(&e, 2); tc_cbor_put_bytes(&e, d[i].x, 32);
        tc_cbor_put_uint(&e, 3); tc_cbor_put_cstr(&e, model);
        tc_cbor_put_uint(&e, 4); tc_cbor_put_cstr(&e, d[i].secret);
        tc_cbor_put_uint(&e, 5); tc_cbor_put_bytes(&e, h, 32);
    }
    return lx_admin_tx(c, TC_TX_DEV_MANUFACTURE, LX_MAKER, &e);
}

static inline int lx_claim(lx_chain *c, const lx_dev *d, uint64_t org)
{
    uint8_t body[128], sig[64];
    tc_cbor_enc e;
    int rc = tc_claim_sign(sig, (const uint8_t *)d->secret, strlen(d->secret), (const uint8_t *)"lx-chain", 8,
                           d->id, org);
    if (rc) return rc;
    tc_cbor_enc_init(&e, body, sizeof body);
    tc_cbor_put_map(&e, 2);
    tc_cbor_put_uint(&e, 1); tc_cbor_put_bytes(&e, d->id, 16);
    tc_cbor_put_uint(&e, 2); tc_cbor_put_bytes(&e, sig, 64);
    return lx_admin_tx(c, TC_TX_DEV_CLAIM, org, &e);
}

/* dev.set_attrs {name: value} signed by the device itself. */
static inline int lx_set_attr(lx_chain *c, lx_dev *d, const char *name, const char *value)
{
    uint8_t body[256];
    tc_cbor_enc e;
    tc_cbor_enc_init(&e, body, sizeof body);
    tc_cbor_put_map(&e, 2);
    tc_cbor_put_uint(&e, 1); tc_cbor_put_bytes(&e, d->id, 16);
    tc_cbor_put_uint(&e, 2); tc_cbor_put_map(&e, 1);
    tc_cbor_put_cstr(&e, name); tc_cbor_put_cstr(&e, value);
    return lx_dev_tx(c, TC_TX_DEV_SET_ATTRS, d, &e);
}

#endif
