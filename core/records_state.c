/* State access helpers, key sets and organization records (docs/ledger.md,
 * "Records"). */
#include <string.h>

#include "ledger_internal.h"

void tc__be64(uint8_t out[8], uint64_t v)
{
    for (int i = 0; i < 8; i++) out[i] = (uint8_t)(v >> (56 - 8 * i));
}

uint64_t tc__get_be64(const uint8_t in[8])
{
    uint64_t v = 0;
    for (int i = 0; i < 8; i++) v = (v << 8) | in[i];
    return v;
}

int tc__st_get(tc__rx *rx, uint8_t *val, size_t cap, size_t *len, const uint8_t *key, size_t klen)
{
    int rc = tc_state_get(rx->st, val, cap, len, key, klen);
    if (rc == 0 || rc == TC_ERR_NOT_FOUND) return rc;
    return tc_err_set(rx->err, rc, "state read of a '%c' record", key[0]);
}

int tc__st_put(tc__rx *rx, const uint8_t *key, size_t klen, const uint8_t *val, size_t vlen)
{
    int rc = tc_state_put(rx->st, key, klen, val, vlen);
    return rc ? tc_err_set(rx->err, rc, "state write of a '%c' record", key[0]) : 0;
}

int tc__st_del(tc__rx *rx, const uint8_t *key, size_t klen)
{
    int rc = tc_state_del(rx->st, key, klen);
    if (rc == TC_ERR_NOT_FOUND) return 0;
    return rc ? tc_err_set(rx->err, rc, "state delete of a '%c' record", key[0]) : 0;
}

int tc__st_put_enc(tc__rx *rx, const uint8_t *key, size_t klen, const tc_cbor_enc *e)
{
    size_t n;
    int rc = tc_cbor_enc_finish(e, &n);
    if (rc) return tc_err_set(rx->err, TC_ERR_LEDGER_OVERSIZE, "record '%c' does not fit (%s)", key[0],
                              tc_strerror(rc));
    return tc__st_put(rx, key, klen, e->buf, n);
}

/* ---- key sets ---- */

static const tc__fdesc KEYSET_F[] = {
    {1, TC_F_UINT, 1, 1, TC_TX_SIGS_MAX, "threshold"},
    {2, TC_F_ARRAY, 1, 1, TC_TX_SIGS_MAX, "keys"},
};

/* check_keys: refuse small-order, non-canonical and mixed-order keys. Key
 * sets from transactions are checked; a key set read back from state was
 * checked when the transaction that wrote it was applied, and the check
 * (a scalar multiplication per key) was most of a node's CPU when it ran
 * on every load. */
static int keyset_parse(tc_err *err, tc__keyset *ks, const uint8_t *p, size_t n, int check_keys)
{
    tc__fval v[2];
    tc_cbor_dec d;
    int rc = tc__fields_decode(err, p, n, KEYSET_F, 2, v);
    if (rc) {
        tc_err_wrap(err, "key set");
        return err->code = TC_ERR_LEDGER_KEYSET;
    }
    ks->k = (uint32_t)v[0].u;
    ks->n = (size_t)v[1].u;
    if (ks->k > ks->n)
        return tc_err_set(err, TC_ERR_LEDGER_KEYSET, "threshold %u is larger than the %zu keys", ks->k, ks->n);
    tc__dec_raw(err, &d, v[1].p, v[1].n);
    tc_cbor_get_array(&d, &v[1].u);
    for (size_t i = 0; i < ks->n; i++) {
        if (tc_cbor_get_bytes_fixed(&d, ks->pub[i], TC_ED25519_PUB_LEN))
            return tc_err_set(err, TC_ERR_LEDGER_KEYSET, "key %zu is not a 32-byte Ed25519 key", i);
        if (check_keys && tc_ed25519_check_pub(ks->pub[i]))
            return tc_err_set(err, TC_ERR_LEDGER_BAD_KEY, "key set: key %zu", i);
        for (size_t j = 0; j < i; j++)
            if (memcmp(ks->pub[j], ks->pub[i], TC_ED25519_PUB_LEN) == 0)
                return tc_err_set(err, TC_ERR_LEDGER_KEYSET, "key %zu appears twice", i);
    }
    return 0;
}

int tc__keyset_decode(tc_err *err, tc__keyset *ks, const uint8_t *p, size_t n)
{
    return keyset_parse(err, ks, p, n, 1);
}

void tc__keyset_encode(tc_cbor_enc *e, const tc__keyset *ks)
{
    tc_cbor_put_map(e, 2);
    tc_cbor_put_uint(e, 1);
    tc_cbor_put_uint(e, ks->k);
    tc_cbor_put_uint(e, 2);
    tc_cbor_put_array(e, ks->n);
    for (size_t i = 0; i < ks->n; i++) tc_cbor_put_bytes(e, ks->pub[i], TC_ED25519_PUB_LEN);
}

int tc__keyset_load(tc__rx *rx, tc__keyset *ks, const uint8_t *signer, size_t signer_len)
{
    uint8_t key[1 + TC_TX_SIGNER_MAX], buf[TC_REC_MAX];
    size_t n;
    key[0] = TC_K_KEYSET;
    memcpy(key + 1, signer, signer_len);
    int rc = tc__st_get(rx, buf, sizeof buf, &n, key, 1 + signer_len);
    if (rc == TC_ERR_NOT_FOUND)
        return tc_err_set(rx->err, TC_ERR_LEDGER_UNKNOWN_SIGNER, "no such key set");
    if (rc) return rc;
    if (keyset_parse(rx->err, ks, buf, n, 0)) {
        tc_err_wrap(rx->err, "stored key set");
        return rx->err->code = TC_ERR_CORRUPT;
    }
    return 0;
}

int tc__keyset_store(tc__rx *rx, const uint8_t *signer, size_t signer_len, const tc__keyset *ks)
{
    uint8_t key[1 + TC_TX_SIGNER_MAX], buf[TC_REC_MAX];
    tc_cbor_enc e;
    key[0] = TC_K_KEYSET;
    memcpy(key + 1, signer, signer_len);
    tc_cbor_enc_init(&e, buf, sizeof buf);
    tc__keyset_encode(&e, ks);
    return tc__st_put_enc(rx, key, 1 + signer_len, &e);
}

/* ---- organizations: {1: name, 2: roles, 3: registered at height} ---- */

static const tc__fdesc ORG_F[] = {
    {1, TC_F_TEXT, 1, 1, TC_TX_NAME_MAX, "name"},
    {2, TC_F_UINT, 1, 0, 7, "roles"},
    {3, TC_F_UINT, 1, 0, UINT64_MAX, "height"},
};

int tc__org_load(tc__rx *rx, tc__org *o, uint8_t *buf, uint64_t org_id)
{
    uint8_t key[9];
    size_t n;
    tc__fval v[3];
    key[0] = TC_K_ORG;
    tc__be64(key + 1, org_id);
    int rc = tc__st_get(rx, buf, TC_REC_MAX, &n, key, sizeof key);
    if (rc == TC_ERR_NOT_FOUND)
        return tc_err_set(rx->err, TC_ERR_LEDGER_UNKNOWN_ORG, "org %llu", (unsigned long long)org_id);
    if (rc) return rc;
    if (tc__fields_decode(rx->err, buf, n, ORG_F, 3, v)) {
        tc_err_wrap(rx->err, "stored org record");
        return rx->err->code = TC_ERR_CORRUPT;
    }
    o->name = v[0].p;
    o->name_len = v[0].n;
    o->roles = (uint32_t)v[1].u;
    o->height = v[2].u;
    return 0;
}

int tc__org_store(tc__rx *rx, uint64_t org_id, const tc__org *o)
{
    uint8_t key[9], buf[TC_REC_MAX];
    tc_cbor_enc e;
    key[0] = TC_K_ORG;
    tc__be64(key + 1, org_id);
    tc_cbor_enc_init(&e, buf, sizeof buf);
    tc_cbor_put_map(&e, 3);
    tc_cbor_put_uint(&e, 1);
    tc_cbor_put_text(&e, (const char *)o->name, o->name_len);
    tc_cbor_put_uint(&e, 2);
    tc_cbor_put_uint(&e, o->roles);
    tc_cbor_put_uint(&e, 3);
    tc_cbor_put_uint(&e, o->height);
    return tc__st_put_enc(rx, key, sizeof key, &e);
}

static const char *keys_name(uint8_t keys)
{
    return keys == TC_KEYS_ADMIN ? "admin" : keys == TC_KEYS_RELEASE ? "release" : "config";
}

int tc__require_org_keys(tc__rx *rx, uint64_t org, uint8_t keys, uint32_t need, const char *what)
{
    if (rx->who.kind != TC_SIGNER_ORG || rx->who.org != org || rx->who.role != keys)
        return tc_err_set(rx->err, TC_ERR_LEDGER_UNAUTHORIZED, "%s: signer is not the %s key set of org %llu",
                          what, keys_name(keys), (unsigned long long)org);
    uint8_t buf[TC_REC_MAX];
    tc__org o;
    int rc = tc__org_load(rx, &o, buf, org);
    if (rc) return rc;
    if ((o.roles & need) != need)
        return tc_err_set(rx->err, TC_ERR_LEDGER_ROLE, "%s: org %llu lacks role %u", what,
                          (unsigned long long)org, need);
    return 0;
}
