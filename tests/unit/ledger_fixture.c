/* Test-only ledger fixtures (see ledger_fixture.h). */
#include "ledger_fixture.h"

#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tc/genesis.h"

/* ---- in-memory state: a sorted array, snapshot copy per savepoint ---- */
typedef struct fx_ent {
    uint8_t *k, *v;
    size_t kl, vl;
} fx_ent;
typedef struct fx_state {
    tc_state base;
    fx_ent *e, *snap;
    size_t n, cap, snap_n;
    int in_tx;
} fx_state;

static int fx_cmp(const uint8_t *a, size_t al, const uint8_t *b, size_t bl)
{
    size_t m = al < bl ? al : bl;
    int c = memcmp(a, b, m);
    return c ? c : (al < bl ? -1 : al > bl);
}

static size_t fx_find(fx_state *s, const uint8_t *k, size_t kl, int *found)
{
    size_t lo = 0, hi = s->n;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        int c = fx_cmp(s->e[mid].k, s->e[mid].kl, k, kl);
        if (c == 0) { *found = 1; return mid; }
        if (c < 0) lo = mid + 1; else hi = mid;
    }
    *found = 0;
    return lo;
}

static uint8_t *dup(const uint8_t *p, size_t n)
{
    uint8_t *d = malloc(n ? n : 1);
    assert(d);
    if (n) memcpy(d, p, n);
    return d;
}

static int fx_get(tc_state *st, uint8_t *val, size_t cap, size_t *val_len, const uint8_t *key, size_t kl)
{
    fx_state *s = (fx_state *)st;
    int f;
    size_t i = fx_find(s, key, kl, &f);
    if (!f) return TC_ERR_NOT_FOUND;
    *val_len = s->e[i].vl;
    if (cap < s->e[i].vl) return TC_ERR_BUFFER_TOO_SMALL;
    memcpy(val, s->e[i].v, s->e[i].vl);
    return 0;
}

static int fx_put(tc_state *st, const uint8_t *key, size_t kl, const uint8_t *val, size_t vl)
{
    fx_state *s = (fx_state *)st;
    int f;
    assert(kl > 0 && kl <= TC_STATE_KEY_MAX && vl <= TC_STATE_VALUE_MAX);
    size_t i = fx_find(s, key, kl, &f);
    if (f) {
        free(s->e[i].v);
        s->e[i].v = dup(val, vl);
        s->e[i].vl = vl;
        return 0;
    }
    if (s->n == s->cap) {
        s->cap = s->cap ? 2 * s->cap : 64;
        s->e = realloc(s->e, s->cap * sizeof *s->e);
        assert(s->e);
    }
    memmove(s->e + i + 1, s->e + i, (s->n - i) * sizeof *s->e);
    s->e[i] = (fx_ent){dup(key, kl), dup(val, vl), kl, vl};
    s->n++;
    return 0;
}

static int fx_del(tc_state *st, const uint8_t *key, size_t kl)
{
    fx_state *s = (fx_state *)st;
    int f;
    size_t i = fx_find(s, key, kl, &f);
    if (!f) return TC_ERR_NOT_FOUND;
    free(s->e[i].k);
    free(s->e[i].v);
    memmove(s->e + i, s->e + i + 1, (s->n - i - 1) * sizeof *s->e);
    s->n--;
    return 0;
}

static int fx_scan(tc_state *st, const uint8_t *prefix, size_t pl, tc_state_scan_fn fn, void *ctx)
{
    fx_state *s = (fx_state *)st;
    int f;
    for (size_t i = fx_find(s, prefix, pl, &f); i < s->n; i++) {
        if (s->e[i].kl < pl || memcmp(s->e[i].k, prefix, pl) != 0) break;
        int rc = fn(ctx, s->e[i].k, s->e[i].kl, s->e[i].v, s->e[i].vl);
        if (rc) return rc;
    }
    return 0;
}

static void free_ents(fx_ent *e, size_t n)
{
    for (size_t i = 0; i < n; i++) { free(e[i].k); free(e[i].v); }
    free(e);
}

static int fx_begin(tc_state *st)
{
    fx_state *s = (fx_state *)st;
    assert(!s->in_tx);
    s->snap = malloc((s->n ? s->n : 1) * sizeof *s->snap);
    assert(s->snap);
    for (size_t i = 0; i < s->n; i++)
        s->snap[i] = (fx_ent){dup(s->e[i].k, s->e[i].kl), dup(s->e[i].v, s->e[i].vl), s->e[i].kl, s->e[i].vl};
    s->snap_n = s->n;
    s->in_tx = 1;
    return 0;
}

static int fx_commit(tc_state *st)
{
    fx_state *s = (fx_state *)st;
    assert(s->in_tx);
    free_ents(s->snap, s->snap_n);
    s->snap = NULL;
    s->in_tx = 0;
    return 0;
}

static void fx_rollback(tc_state *st)
{
    fx_state *s = (fx_state *)st;
    assert(s->in_tx);
    free_ents(s->e, s->n);
    s->e = s->snap;
    s->n = s->cap = s->snap_n;
    if (s->cap == 0) { free(s->e); s->e = NULL; }
    s->snap = NULL;
    s->in_tx = 0;
}

static const tc_state_vtbl FX_VT = {fx_get, fx_put, fx_del, fx_scan, fx_begin, fx_commit, fx_rollback};

tc_state *fixture_state_new(void)
{
    fx_state *s = calloc(1, sizeof *s);
    assert(s);
    s->base.v = &FX_VT;
    return &s->base;
}

void fixture_state_free(tc_state *st)
{
    fx_state *s = (fx_state *)st;
    if (!s) return;
    free_ents(s->e, s->n);
    if (s->snap) free_ents(s->snap, s->snap_n);
    free(s);
}

size_t fixture_state_count(tc_state *st)
{
    return ((fx_state *)st)->n;
}

/* ---- keys and chain ---- */
void fixture_key(uint8_t pub[32], uint8_t sec[64], unsigned seed)
{
    uint8_t s[32];
    memset(s, 0, sizeof s);
    snprintf((char *)s, sizeof s, "fixture-key-%u", seed);
    tc_ed25519_keypair(pub, sec, s);
}

int fixture_chain_init(fixture_chain *c)
{
    uint8_t vpub[4][32], vsec[64], mpub[2][32], fpub[32], rpub[32], v2pub[32];
    uint64_t power[4] = {10, 10, 10, 10};
    memset(c, 0, sizeof *c);
    tc_crypto_init();
    snprintf(c->chain_id, sizeof c->chain_id, "test-chain");
    for (unsigned i = 0; i < 4; i++) fixture_key(vpub[i], vsec, 100 + i);
    for (unsigned i = 0; i < 3; i++) fixture_key(c->gov_pub[i], c->gov_sec[i], 1 + i);
    fixture_key(mpub[0], c->maker_sec[0], 10);
    fixture_key(mpub[1], c->maker_sec[1], 11);
    fixture_key(fpub, c->fleet_sec[0], 20);
    fixture_key(rpub, c->rival_sec[0], 30);
    fixture_key(v2pub, c->vendor2_sec[0], 40);
    tc_genesis_org orgs[4] = {
        {FX_MAKER, "acme devices", TC_ROLE_MANUFACTURER, 2, 2, (const uint8_t(*)[32])mpub},
        {FX_FLEET, "fleet operator", TC_ROLE_OPERATOR, 1, 1, (const uint8_t(*)[32])fpub},
        {FX_RIVAL, "rival operator", TC_ROLE_OPERATOR, 1, 1, (const uint8_t(*)[32])rpub},
        {FX_VENDOR2, "second vendor", TC_ROLE_MANUFACTURER, 1, 1, (const uint8_t(*)[32])v2pub},
    };
    tc_genesis_spec spec = {c->chain_id, 900000, 4, (const uint8_t(*)[32])vpub, power,
                            2, 3, (const uint8_t(*)[32])c->gov_pub, 4, orgs};
    int rc = tc_genesis_encode(c->genesis, sizeof c->genesis, &c->genesis_len, &spec);
    if (rc) return rc;
    c->st = fixture_state_new();
    tc_err err;
    tc_state_tx_begin(c->st);
    rc = tc_genesis_apply(c->st, &err, c->genesis, c->genesis_len);
    if (rc) {
        fprintf(stderr, "genesis: %s\n", err.msg);
        tc_state_tx_rollback(c->st);
        return rc;
    }
    tc_state_tx_commit(c->st);
    c->ctx.chain_id = (const uint8_t *)c->chain_id;
    c->ctx.chain_id_len = strlen(c->chain_id);
    c->ctx.height = 5;
    c->ctx.time_ms = 1000000;
    return 0;
}

void fixture_chain_free(fixture_chain *c)
{
    fixture_state_free(c->st);
    c->st = NULL;
}

uint64_t fixture_next_nonce(fixture_chain *c, const uint8_t *signer, size_t signer_len)
{
    uint8_t key[32], buf[16];
    size_t n;
    uint64_t last = 0;
    tc_cbor_dec d;
    key[0] = 'N';
    memcpy(key + 1, signer, signer_len);
    if (tc_state_get(c->st, buf, sizeof buf, &n, key, 1 + signer_len) == 0 &&
        tc_cbor_dec_init(&d, buf, n, NULL) == 0)
        tc_cbor_get_uint(&d, &last);
    return last + 1;
}

int fixture_apply_raw(fixture_chain *c, tc_err *err, const uint8_t *tx, size_t len)
{
    tc_state_tx_begin(c->st);
    int rc = tc_ledger_apply(c->st, err, tx, len, &c->ctx, 0);
    if (rc) tc_state_tx_rollback(c->st);
    else tc_state_tx_commit(c->st);
    if (rc && getenv("TC_TEST_VERBOSE")) fprintf(stderr, "    rejected: %s\n", err->msg);
    return rc;
}

int fixture_apply(fixture_chain *c, tc_err *err, uint32_t type, const uint8_t *signer,
                  size_t signer_len, uint64_t nonce, const uint8_t *body, size_t body_len,
                  const uint8_t (*secs)[64], size_t n)
{
    static uint8_t payload[TC_TX_MAX], tx[TC_TX_MAX + 4096];
    size_t pl, tl;
    if (nonce == 0) nonce = fixture_next_nonce(c, signer, signer_len);
    int rc = tc_tx_payload_encode(payload, sizeof payload, &pl, c->ctx.chain_id, c->ctx.chain_id_len,
                                  type, signer, signer_len, nonce, body, body_len);
    if (rc) return rc;
    rc = signer[0] == TC_SIGNER_DEVICE ? tc_tx_sign1(tx, sizeof tx, &tl, payload, pl, secs[0])
                                       : tc_tx_sign_multi(tx, sizeof tx, &tl, payload, pl, secs, n);
    if (rc) return rc;
    return fixture_apply_raw(c, err, tx, tl);
}

int fixture_gov(fixture_chain *c, tc_err *err, uint32_t type, const uint8_t *body, size_t len)
{
    uint8_t s[1];
    tc_signer_gov(s);
    return fixture_apply(c, err, type, s, 1, 0, body, len, (const uint8_t(*)[64])c->gov_sec, 2);
}

int fixture_org(fixture_chain *c, tc_err *err, uint32_t type, uint64_t org, uint8_t role,
                const uint8_t *body, size_t len, const uint8_t (*secs)[64], size_t n)
{
    uint8_t s[TC_SIGNER_ORG_LEN];
    tc_signer_org(s, org, role);
    return fixture_apply(c, err, type, s, sizeof s, 0, body, len, secs, n);
}

int fixture_dev(fixture_chain *c, tc_err *err, uint32_t type, const uint8_t id[16],
                const uint8_t sec[64], const uint8_t *body, size_t len)
{
    uint8_t s[TC_SIGNER_DEVICE_LEN];
    tc_signer_device(s, id);
    return fixture_apply(c, err, type, s, sizeof s, 0, body, len, (const uint8_t(*)[64])sec, 1);
}

const uint8_t (*fixture_admin(fixture_chain *c, uint64_t org, size_t *n))[64]
{
    switch (org) {
    case FX_MAKER: *n = 2; return (const uint8_t(*)[64])c->maker_sec;
    case FX_FLEET: *n = 1; return (const uint8_t(*)[64])c->fleet_sec;
    case FX_RIVAL: *n = 1; return (const uint8_t(*)[64])c->rival_sec;
    default: *n = 1; return (const uint8_t(*)[64])c->vendor2_sec;
    }
}

void fixture_device_keys(fixture_device *d, unsigned seed)
{
    uint8_t xs[32];
    memset(d, 0, sizeof *d);
    fixture_key(d->pub, d->sec, 1000 + seed);
    memset(xs, (int)(seed & 0xff), sizeof xs);
    xs[0] = 1;
    tc_x25519_public(d->x, xs);
    tc_keyid(d->id, d->pub);
    snprintf(d->secret, sizeof d->secret, "claim-%u", seed);
}

int fixture_device_new(fixture_chain *c, fixture_device *d, unsigned seed, uint64_t owner)
{
    uint8_t body[512], cpub[32], csec[64], sig[64];
    size_t bl, n;
    tc_cbor_enc e;
    tc_err err;
    fixture_device_keys(d, seed);
    tc_claim_key(cpub, csec, (const uint8_t *)d->secret, strlen(d->secret));
    tc_cbor_enc_init(&e, body, sizeof body);
    tc_cbor_put_map(&e, 1);
    tc_cbor_put_uint(&e, 1);
    tc_cbor_put_array(&e, 1);
    tc_cbor_put_map(&e, 5);
    tc_cbor_put_uint(&e, 1); tc_cbor_put_bytes(&e, d->pub, 32);
    tc_cbor_put_uint(&e, 2); tc_cbor_put_bytes(&e, d->x, 32);
    tc_cbor_put_uint(&e, 3); tc_cbor_put_cstr(&e, "sensor-1");
    tc_cbor_put_uint(&e, 4); tc_cbor_put_cstr(&e, d->secret);
    tc_cbor_put_uint(&e, 5); tc_cbor_put_bytes(&e, cpub, 32);
    if (tc_cbor_enc_finish(&e, &bl)) return TC_ERR_INVALID_ARG;
    int rc = fixture_org(c, &err, TC_TX_DEV_MANUFACTURE, FX_MAKER, TC_KEYS_ADMIN, body, bl,
                         fixture_admin(c, FX_MAKER, &n), 2);
    if (rc || owner == 0) return rc;
    tc_cbor_enc_init(&e, body, sizeof body);
    tc_cbor_put_map(&e, 2);
    tc_cbor_put_uint(&e, 1); tc_cbor_put_bytes(&e, d->id, 16);
    if (tc_claim_sign(sig, (const uint8_t *)d->secret, strlen(d->secret), c->ctx.chain_id,
                      c->ctx.chain_id_len, d->id, owner))
        return TC_ERR_INVALID_ARG;
    tc_cbor_put_uint(&e, 2); tc_cbor_put_bytes(&e, sig, sizeof sig);
    if (tc_cbor_enc_finish(&e, &bl)) return TC_ERR_INVALID_ARG;
    const uint8_t (*adm)[64] = fixture_admin(c, owner, &n);
    return fixture_org(c, &err, TC_TX_DEV_CLAIM, owner, TC_KEYS_ADMIN, body, bl, adm, n);
}

int fixture_org_keyset(fixture_chain *c, uint64_t org, uint8_t role, uint32_t k, size_t nkeys,
                       const unsigned *seeds, uint8_t (*secs)[64])
{
    uint8_t body[1024], pub[32], sec[64];
    size_t bl, n;
    tc_cbor_enc e;
    tc_err err;
    tc_cbor_enc_init(&e, body, sizeof body);
    tc_cbor_put_map(&e, 2);
    tc_cbor_put_uint(&e, 1); tc_cbor_put_uint(&e, role);
    tc_cbor_put_uint(&e, 2);
    tc_cbor_put_map(&e, 2);
    tc_cbor_put_uint(&e, 1); tc_cbor_put_uint(&e, k);
    tc_cbor_put_uint(&e, 2); tc_cbor_put_array(&e, nkeys);
    for (size_t i = 0; i < nkeys; i++) {
        fixture_key(pub, secs ? secs[i] : sec, seeds[i]);
        tc_cbor_put_bytes(&e, pub, 32);
    }
    if (tc_cbor_enc_finish(&e, &bl)) return TC_ERR_INVALID_ARG;
    const uint8_t (*adm)[64] = fixture_admin(c, org, &n);
    return fixture_org(c, &err, TC_TX_ORG_SET_KEYS, org, TC_KEYS_ADMIN, body, bl, adm, n);
}

int fixture_org_keys(fixture_chain *c, uint64_t org, uint8_t role, unsigned seed)
{
    return fixture_org_keyset(c, org, role, 1, 1, &seed, NULL);
}
