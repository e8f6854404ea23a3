/* Governance rules (DESIGN.md, Trust model; docs/ledger.md, "Governance"):
 * the governance key set (k of n, fixed at genesis) registers organizations
 * with their roles and admin key set, schedules validator-set changes for a
 * later height and replaces itself; an organization's admin key set names
 * its release (vendor) and config (operator) key sets. */
#include <string.h>

#include "ledger_internal.h"
#include "tc/valset.h"

static int require_gov(tc__rx *rx)
{
    if (rx->who.kind != TC_SIGNER_GOV)
        return tc_err_set(rx->err, TC_ERR_LEDGER_UNAUTHORIZED, "signer is not the governance key set");
    return 0;
}

static const tc__fdesc REG_F[] = {
    {1, TC_F_UINT, 1, 1, UINT64_MAX, "org id"},
    {2, TC_F_TEXT, 1, 1, TC_TX_NAME_MAX, "name"},
    {3, TC_F_UINT, 1, 1, 7, "roles"},
    {4, TC_F_MAP, 1, 2, 2, "admin keys"},
};

/* Shared with genesis: writes org record and admin key set. */
static int register_org(tc__rx *rx, const tc__fval *v)
{
    uint8_t buf[TC_REC_MAX], signer[TC_SIGNER_ORG_LEN];
    tc__org o;
    tc__keyset ks;
    int rc = tc__org_load(rx, &o, buf, v[0].u);
    if (rc == 0)
        return tc_err_set(rx->err, TC_ERR_LEDGER_DUPLICATE, "org %llu is already registered",
                          (unsigned long long)v[0].u);
    if (rc != TC_ERR_LEDGER_UNKNOWN_ORG) return rc;
    if ((rc = tc__keyset_decode(rx->err, &ks, v[3].p, v[3].n))) return tc_err_wrap(rx->err, "admin keys");
    o.name = v[1].p;
    o.name_len = v[1].n;
    o.roles = (uint32_t)v[2].u;
    o.height = rx->blk->height;
    if ((rc = tc__org_store(rx, v[0].u, &o))) return rc;
    tc_signer_org(signer, v[0].u, TC_KEYS_ADMIN);
    return tc__keyset_store(rx, signer, sizeof signer, &ks);
}

int tc__gov_register_org_body(tc__rx *rx, const uint8_t *p, size_t n)
{
    tc__fval v[4];
    int rc = tc__fields_decode(rx->err, p, n, REG_F, 4, v);
    return rc ? rc : register_org(rx, v);
}

static const tc__fdesc VAL_F[] = {
    {1, TC_F_UINT, 1, 1, UINT64_MAX, "effective height"},
    {2, TC_F_ARRAY, 1, 1, TC_VALSET_MAX, "validators"},
};

/* Validator list [[pub, power], ...]: keys valid and distinct, power > 0. */
int tc__valset_check(tc_err *err, const uint8_t *p, size_t n)
{
    tc_cbor_dec d;
    uint64_t cnt;
    tc_valset vs;
    tc_valset_init(&vs);
    if (tc__dec_raw(err, &d, p, n) || tc_cbor_get_array(&d, &cnt) || cnt == 0 || cnt > TC_VALSET_MAX)
        return tc_err_set(err, TC_ERR_LEDGER_MALFORMED, "validators must be 1-%u entries", TC_VALSET_MAX);
    for (uint64_t i = 0; i < cnt; i++) {
        uint8_t pub[32];
        uint64_t power;
        if (tc_cbor_expect_array(&d, 2) || tc_cbor_get_bytes_fixed(&d, pub, 32) ||
            tc_cbor_get_uint(&d, &power))
            return tc_err_set(err, TC_ERR_LEDGER_MALFORMED, "validator %llu must be [32-byte key, power]",
                              (unsigned long long)i);
        if (tc_ed25519_check_pub(pub))
            return tc_err_set(err, TC_ERR_LEDGER_BAD_KEY, "validator %llu", (unsigned long long)i);
        if (tc_valset_add(&vs, pub, power))
            return tc_err_set(err, TC_ERR_LEDGER_MALFORMED,
                              "validator %llu: repeated key, zero power or total power too large",
                              (unsigned long long)i);
    }
    return 0;
}

static int set_validators(tc__rx *rx)
{
    tc__fval v[2];
    uint8_t key[9];
    int rc = tc__fields_decode(rx->err, rx->tx->body, rx->tx->body_len, VAL_F, 2, v);
    if (rc) return rc;
    /* Block h's header already names the set of h+1, so h+2 is the earliest. */
    if (v[0].u < rx->blk->height + 2)
        return tc_err_set(rx->err, TC_ERR_LEDGER_HEIGHT, "effective height %llu must be at least %llu",
                          (unsigned long long)v[0].u, (unsigned long long)(rx->blk->height + 2));
    if ((rc = tc__valset_check(rx->err, v[1].p, v[1].n))) return rc;
    key[0] = TC_K_VALSET;
    tc__be64(key + 1, v[0].u);
    return tc__st_put(rx, key, sizeof key, v[1].p, v[1].n);
}

static const tc__fdesc KEYS_F[] = {
    {1, TC_F_MAP, 1, 2, 2, "keys"},
};

static int set_gov_keys(tc__rx *rx)
{
    tc__fval v[1];
    tc__keyset ks;
    uint8_t signer[1];
    int rc = tc__fields_decode(rx->err, rx->tx->body, rx->tx->body_len, KEYS_F, 1, v);
    if (rc) return rc;
    if ((rc = tc__keyset_decode(rx->err, &ks, v[0].p, v[0].n))) return rc;
    tc_signer_gov(signer);
    return tc__keyset_store(rx, signer, 1, &ks);
}

static const tc__fdesc ORGKEYS_F[] = {
    {1, TC_F_UINT, 1, TC_KEYS_ADMIN, TC_KEYS_CONFIG, "role"},
    {2, TC_F_MAP, 1, 2, 2, "keys"},
};

static int org_set_keys(tc__rx *rx)
{
    tc__fval v[2];
    tc__keyset ks;
    uint8_t signer[TC_SIGNER_ORG_LEN];
    int rc = tc__fields_decode(rx->err, rx->tx->body, rx->tx->body_len, ORGKEYS_F, 2, v);
    if (rc) return rc;
    if (rx->who.kind != TC_SIGNER_ORG)
        return tc_err_set(rx->err, TC_ERR_LEDGER_UNAUTHORIZED, "signer is not an org admin key set");
    uint32_t need = v[0].u == TC_KEYS_RELEASE ? TC_ROLE_MANUFACTURER
                  : v[0].u == TC_KEYS_CONFIG ? TC_ROLE_OPERATOR : 0;
    if ((rc = tc__require_org_keys(rx, rx->who.org, TC_KEYS_ADMIN, need, "set keys"))) return rc;
    if ((rc = tc__keyset_decode(rx->err, &ks, v[1].p, v[1].n))) return rc;
    tc_signer_org(signer, rx->who.org, (uint8_t)v[0].u);
    return tc__keyset_store(rx, signer, sizeof signer, &ks);
}

int tc__gov_apply(tc__rx *rx)
{
    int rc;
    switch (rx->tx->type) {
    case TC_TX_GOV_REGISTER_ORG:
        if ((rc = require_gov(rx))) return rc;
        return tc__gov_register_org_body(rx, rx->tx->body, rx->tx->body_len);
    case TC_TX_GOV_SET_VALIDATORS:
        if ((rc = require_gov(rx))) return rc;
        return set_validators(rx);
    case TC_TX_GOV_SET_KEYS:
        if ((rc = require_gov(rx))) return rc;
        return set_gov_keys(rx);
    case TC_TX_ORG_SET_KEYS:
        return org_set_keys(rx);
    default:
        return tc_err_set(rx->err, TC_ERR_LEDGER_UNKNOWN_TYPE, "type %u", rx->tx->type);
    }
}
