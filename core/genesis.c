/* Genesis document: decoding, validation, hash and initial state
 * (DESIGN.md, Trust model; docs/ledger.md, "Genesis"). */
#include "tc/genesis.h"

#include <string.h>

#include "ledger_internal.h"

static const tc__fdesc GEN_F[] = {
    {1, TC_F_TEXT, 1, 1, TC_CHAIN_ID_MAX, "chain id"},
    {2, TC_F_UINT, 1, 0, UINT64_MAX, "genesis time"},
    {3, TC_F_ARRAY, 1, 1, TC_VALSET_MAX, "validators"},
    {4, TC_F_MAP, 1, 2, 2, "governance keys"},
    {5, TC_F_ARRAY, 1, 0, TC_GENESIS_ORGS_MAX, "organizations"},
};

static int gen_fail(tc_err *err, const char *what)
{
    tc_err_wrap(err, "genesis: %s", what);
    if (err->code == TC_ERR_LEDGER_MALFORMED || err->code == TC_ERR_LEDGER_OVERSIZE)
        err->code = TC_ERR_LEDGER_GENESIS;
    return err->code;
}

/* Each org entry has the governance registration body's shape; ids distinct. */
static int check_orgs(tc_err *err, const uint8_t *p, size_t n)
{
    static const tc__fdesc ORG_F[] = {
        {1, TC_F_UINT, 1, 1, UINT64_MAX, "org id"},
        {2, TC_F_TEXT, 1, 1, TC_TX_NAME_MAX, "name"},
        {3, TC_F_UINT, 1, 1, 7, "roles"},
        {4, TC_F_MAP, 1, 2, 2, "admin keys"},
    };
    tc_cbor_dec d;
    uint64_t cnt, ids[TC_GENESIS_ORGS_MAX];
    if (tc__dec_raw(err, &d, p, n) || tc_cbor_get_array(&d, &cnt)) return err->code;
    for (uint64_t i = 0; i < cnt; i++) {
        tc__fval v[4];
        tc__keyset ks;
        int rc = tc__fields_get(err, &d, ORG_F, 4, v);
        if (!rc) rc = tc__keyset_decode(err, &ks, v[3].p, v[3].n);
        if (rc) return tc_err_wrap(err, "organization %llu", (unsigned long long)i);
        ids[i] = v[0].u;
        for (uint64_t j = 0; j < i; j++)
            if (ids[j] == ids[i])
                return tc_err_set(err, TC_ERR_LEDGER_GENESIS, "organization id %llu appears twice",
                                  (unsigned long long)ids[i]);
    }
    return 0;
}

int tc_genesis_decode(tc_genesis *g, tc_err *err, const uint8_t *doc, size_t len)
{
    tc__fval v[5];
    tc__keyset ks;
    memset(g, 0, sizeof *g);
    if (len > TC_GENESIS_MAX)
        return tc_err_set(err, TC_ERR_LEDGER_GENESIS, "document of %zu bytes (limit %u)", len, TC_GENESIS_MAX);
    int rc = tc__fields_decode(err, doc, len, GEN_F, 5, v);
    if (rc) return gen_fail(err, "document");
    if ((rc = tc__valset_check(err, v[2].p, v[2].n))) return gen_fail(err, "validators");
    if ((rc = tc__keyset_decode(err, &ks, v[3].p, v[3].n))) return gen_fail(err, "governance keys");
    if ((rc = check_orgs(err, v[4].p, v[4].n))) return gen_fail(err, "organizations");
    g->chain_id = v[0].p;
    g->chain_id_len = v[0].n;
    g->time_ms = v[1].u;
    g->validators = v[2].p;
    g->validators_len = v[2].n;
    g->gov_keys = v[3].p;
    g->gov_keys_len = v[3].n;
    g->orgs = v[4].p;
    g->orgs_len = v[4].n;
    return 0;
}

void tc_genesis_hash(uint8_t out[TC_SHA256_LEN], const uint8_t *doc, size_t len)
{
    tc_sha256(out, doc, len);
}

int tc_genesis_valset(tc_valset *vs, tc_err *err, const tc_genesis *g)
{
    tc_cbor_dec d;
    uint64_t cnt;
    tc_valset_init(vs);
    if (tc__dec_raw(err, &d, g->validators, g->validators_len) || tc_cbor_get_array(&d, &cnt))
        return tc_err_set(err, TC_ERR_LEDGER_GENESIS, "validators");
    for (uint64_t i = 0; i < cnt; i++) {
        uint8_t pub[32];
        uint64_t power;
        if (tc_cbor_expect_array(&d, 2) || tc_cbor_get_bytes_fixed(&d, pub, 32) ||
            tc_cbor_get_uint(&d, &power) || tc_valset_add(vs, pub, power))
            return tc_err_set(err, TC_ERR_LEDGER_GENESIS, "validator %llu", (unsigned long long)i);
    }
    return 0;
}

int tc_genesis_apply(tc_state *st, tc_err *err, const uint8_t *doc, size_t len)
{
    tc_genesis g;
    tc_block_ctx blk = {0};
    tc__rx rx;
    uint8_t key[9], buf[TC_REC_MAX], hash[32], gov[1];
    tc_cbor_enc e;
    tc__keyset ks;
    tc_cbor_dec d;
    uint64_t cnt;
    int rc = tc_genesis_decode(&g, err, doc, len);
    if (rc) return rc;
    memset(&rx, 0, sizeof rx);
    rx.st = st;
    rx.err = err;
    rx.blk = &blk;
    blk.chain_id = g.chain_id;
    blk.chain_id_len = g.chain_id_len;
    blk.time_ms = g.time_ms;
    /* 'M': {1: chain id, 2: genesis time, 3: genesis hash} */
    tc_genesis_hash(hash, doc, len);
    tc_cbor_enc_init(&e, buf, sizeof buf);
    tc_cbor_put_map(&e, 3);
    tc_cbor_put_uint(&e, 1);
    tc_cbor_put_text(&e, (const char *)g.chain_id, g.chain_id_len);
    tc_cbor_put_uint(&e, 2);
    tc_cbor_put_uint(&e, g.time_ms);
    tc_cbor_put_uint(&e, 3);
    tc_cbor_put_bytes(&e, hash, sizeof hash);
    key[0] = TC_K_META;
    if ((rc = tc__st_put_enc(&rx, key, 1, &e))) return rc;
    key[0] = TC_K_VALSET;
    tc__be64(key + 1, 1);
    if ((rc = tc__st_put(&rx, key, 9, g.validators, g.validators_len))) return rc;
    tc__keyset_decode(err, &ks, g.gov_keys, g.gov_keys_len);
    tc_signer_gov(gov);
    if ((rc = tc__keyset_store(&rx, gov, 1, &ks))) return rc;
    tc__dec_raw(err, &d, g.orgs, g.orgs_len);
    tc_cbor_get_array(&d, &cnt);
    for (uint64_t i = 0; i < cnt; i++) {
        const uint8_t *p;
        size_t n;
        tc_cbor_get_raw(&d, &p, &n);
        if ((rc = tc__gov_register_org_body(&rx, p, n)))
            return tc_err_wrap(err, "genesis organization %llu", (unsigned long long)i);
    }
    tc_err_clear(err);
    return 0;
}

static void put_keyset(tc_cbor_enc *e, uint32_t k, size_t n, const uint8_t (*pubs)[32])
{
    tc_cbor_put_map(e, 2);
    tc_cbor_put_uint(e, 1);
    tc_cbor_put_uint(e, k);
    tc_cbor_put_uint(e, 2);
    tc_cbor_put_array(e, n);
    for (size_t i = 0; i < n; i++) tc_cbor_put_bytes(e, pubs[i], 32);
}

int tc_genesis_encode(uint8_t *out, size_t cap, size_t *len, const tc_genesis_spec *s)
{
    tc_cbor_enc e;
    tc_cbor_enc_init(&e, out, cap);
    tc_cbor_put_map(&e, 5);
    tc_cbor_put_uint(&e, 1);
    tc_cbor_put_cstr(&e, s->chain_id);
    tc_cbor_put_uint(&e, 2);
    tc_cbor_put_uint(&e, s->time_ms);
    tc_cbor_put_uint(&e, 3);
    tc_cbor_put_array(&e, s->nval);
    for (size_t i = 0; i < s->nval; i++) {
        tc_cbor_put_array(&e, 2);
        tc_cbor_put_bytes(&e, s->val_pubs[i], 32);
        tc_cbor_put_uint(&e, s->val_power[i]);
    }
    tc_cbor_put_uint(&e, 4);
    put_keyset(&e, s->gov_k, s->gov_n, s->gov_pubs);
    tc_cbor_put_uint(&e, 5);
    tc_cbor_put_array(&e, s->norgs);
    for (size_t i = 0; i < s->norgs; i++) {
        const tc_genesis_org *o = &s->orgs[i];
        tc_cbor_put_map(&e, 4);
        tc_cbor_put_uint(&e, 1);
        tc_cbor_put_uint(&e, o->id);
        tc_cbor_put_uint(&e, 2);
        tc_cbor_put_cstr(&e, o->name);
        tc_cbor_put_uint(&e, 3);
        tc_cbor_put_uint(&e, o->roles);
        tc_cbor_put_uint(&e, 4);
        put_keyset(&e, o->k, o->n, o->pubs);
    }
    return tc_cbor_enc_finish(&e, len);
}
