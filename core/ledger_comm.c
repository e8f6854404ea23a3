/* Trusted-communication policy rules (DESIGN.md, Ledger: trusted
 * communication; docs/ledger.md, "Communication policy"). Channel keys live
 * in device records; an operator's admin key set says which of its groups
 * may talk. A policy is symmetric: the pair is stored in byte order. */
#include <string.h>

#include "ledger_internal.h"

static const tc__fdesc POL_F[] = {
    {1, TC_F_TEXT, 1, 1, TC_TX_NAME_MAX, "group a"},
    {2, TC_F_TEXT, 1, 1, TC_TX_NAME_MAX, "group b"},
    {3, TC_F_BOOL, 1, 0, 1, "allow"},
    {4, TC_F_UINT, 0, 0, UINT64_MAX, "expiry"},
};

static int before(const tc__fval *a, const tc__fval *b)
{
    size_t m = a->n < b->n ? a->n : b->n;
    int c = memcmp(a->p, b->p, m);
    return c < 0 || (c == 0 && a->n <= b->n);
}

/* 'C' + org + SHA-256(a || 0x00 || b)[0..16] with a <= b. */
static void pol_key(uint8_t key[25], uint64_t org, tc__fval *v)
{
    if (!before(&v[0], &v[1])) {
        tc__fval t = v[0];
        v[0] = v[1];
        v[1] = t;
    }
    tc_sha256_ctx c;
    uint8_t h[32], z = 0;
    tc_sha256_init(&c);
    tc_sha256_update(&c, v[0].p, v[0].n);
    tc_sha256_update(&c, &z, 1);
    tc_sha256_update(&c, v[1].p, v[1].n);
    tc_sha256_final(&c, h);
    key[0] = TC_K_POLICY;
    tc__be64(key + 1, org);
    memcpy(key + 9, h, 16);
}

int tc__comm_apply(tc__rx *rx)
{
    tc__fval v[4];
    uint8_t key[25], buf[TC_REC_MAX];
    size_t n;
    tc_cbor_enc e;
    int del = rx->tx->type == TC_TX_COMM_DEL_POLICY;
    if (!del && rx->tx->type != TC_TX_COMM_SET_POLICY)
        return tc_err_set(rx->err, TC_ERR_LEDGER_UNKNOWN_TYPE, "type %u", rx->tx->type);
    int rc = tc__fields_decode(rx->err, rx->tx->body, rx->tx->body_len, POL_F, del ? 2 : 4, v);
    if (rc) return rc;
    if (rx->who.kind != TC_SIGNER_ORG)
        return tc_err_set(rx->err, TC_ERR_LEDGER_UNAUTHORIZED, "signer is not an operator's admin key set");
    if ((rc = tc__require_org_keys(rx, rx->who.org, TC_KEYS_ADMIN, TC_ROLE_OPERATOR, "policy"))) return rc;
    pol_key(key, rx->who.org, v);
    if (del) {
        rc = tc__st_get(rx, buf, sizeof buf, &n, key, sizeof key);
        if (rc == TC_ERR_NOT_FOUND) return tc_err_set(rx->err, TC_ERR_LEDGER_NOT_FOUND, "no such policy");
        return rc ? rc : tc__st_del(rx, key, sizeof key);
    }
    if (v[3].present && v[3].u <= rx->blk->time_ms)
        return tc_err_set(rx->err, TC_ERR_LEDGER_EXPIRED, "policy expiry is not after the block time");
    tc_cbor_enc_init(&e, buf, sizeof buf);
    tc_cbor_put_map(&e, v[3].present ? 5 : 4);
    tc_cbor_put_uint(&e, 1); tc_cbor_put_text(&e, (const char *)v[0].p, v[0].n);
    tc_cbor_put_uint(&e, 2); tc_cbor_put_text(&e, (const char *)v[1].p, v[1].n);
    tc_cbor_put_uint(&e, 3); tc_cbor_put_bool(&e, (int)v[2].u);
    if (v[3].present) { tc_cbor_put_uint(&e, 4); tc_cbor_put_uint(&e, v[3].u); }
    tc_cbor_put_uint(&e, 5); tc_cbor_put_uint(&e, rx->blk->height);
    return tc__st_put_enc(rx, key, sizeof key, &e);
}
