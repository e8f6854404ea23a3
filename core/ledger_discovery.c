/* Discovery rules (DESIGN.md, Ledger: discovery; docs/ledger.md,
 * "Discovery"): a device, or its owner, publishes and withdraws service
 * records (type, endpoints, attributes, expiry). Expiry is bounded so a
 * forgotten record does not advertise a service forever. */
#include <string.h>

#include "ledger_internal.h"

#define SVC_NAME_MAX 32u
#define SVC_TTL_MAX_MS (366ull * 24 * 3600 * 1000)

static const tc__fdesc PUB_F[] = {
    {1, TC_F_BYTES, 1, TC_DEVICE_ID_LEN, TC_DEVICE_ID_LEN, "device"},
    {2, TC_F_TEXT, 1, 1, SVC_NAME_MAX, "name"},
    {3, TC_F_TEXT, 1, 1, TC_TX_NAME_MAX, "type"},
    {4, TC_F_ARRAY, 1, 1, 8, "endpoints"},
    {5, TC_F_MAP, 1, 0, 16, "attributes"},
    {6, TC_F_UINT, 1, 0, UINT64_MAX, "expiry"},
};

static size_t svc_key(uint8_t key[1 + 16 + SVC_NAME_MAX], const uint8_t *dev, const uint8_t *name, size_t nl)
{
    key[0] = TC_K_SERVICE;
    memcpy(key + 1, dev, 16);
    memcpy(key + 17, name, nl);
    return 17 + nl;
}

static int publish(tc__rx *rx)
{
    tc__fval v[6];
    tc__device dv;
    uint8_t dbuf[TC_REC_MAX], buf[TC_REC_MAX], key[1 + 16 + SVC_NAME_MAX];
    tc_cbor_enc e;
    int rc = tc__fields_decode(rx->err, rx->tx->body, rx->tx->body_len, PUB_F, 6, v);
    if (rc) return rc;
    if ((rc = tc__device_load_active(rx, &dv, dbuf, v[0].p))) return rc;
    if ((rc = tc__device_signer_or_owner(rx, &dv, v[0].p))) return rc;
    if ((rc = tc__check_texts(rx->err, v[3].p, v[3].n, "endpoints", TC_TX_STR_MAX))) return rc;
    if ((rc = tc__check_attrs(rx->err, v[4].p, v[4].n, "attributes"))) return rc;
    if (v[5].u <= rx->blk->time_ms)
        return tc_err_set(rx->err, TC_ERR_LEDGER_EXPIRED, "service expiry is not after the block time");
    if (v[5].u - rx->blk->time_ms > SVC_TTL_MAX_MS)
        return tc_err_set(rx->err, TC_ERR_LEDGER_TIME, "service expiry is more than 366 days ahead");
    size_t kl = svc_key(key, v[0].p, v[1].p, v[1].n);
    tc_cbor_enc_init(&e, buf, sizeof buf);
    tc_cbor_put_map(&e, 5);
    tc_cbor_put_uint(&e, 1); tc_cbor_put_text(&e, (const char *)v[2].p, v[2].n);
    tc_cbor_put_uint(&e, 2); tc_cbor_put_raw(&e, v[3].p, v[3].n);
    tc_cbor_put_uint(&e, 3); tc_cbor_put_raw(&e, v[4].p, v[4].n);
    tc_cbor_put_uint(&e, 4); tc_cbor_put_uint(&e, v[5].u);
    tc_cbor_put_uint(&e, 5); tc_cbor_put_uint(&e, rx->blk->height);
    return tc__st_put_enc(rx, key, kl, &e);
}

static int withdraw(tc__rx *rx)
{
    tc__fval v[2];
    tc__device dv;
    uint8_t dbuf[TC_REC_MAX], buf[TC_REC_MAX], key[1 + 16 + SVC_NAME_MAX];
    size_t n;
    int rc = tc__fields_decode(rx->err, rx->tx->body, rx->tx->body_len, PUB_F, 2, v);
    if (rc) return rc;
    /* A revoked device's owner may still clean up its records. */
    if ((rc = tc__device_load(rx, &dv, dbuf, v[0].p))) return rc;
    if ((rc = tc__device_signer_or_owner(rx, &dv, v[0].p))) return rc;
    size_t kl = svc_key(key, v[0].p, v[1].p, v[1].n);
    rc = tc__st_get(rx, buf, sizeof buf, &n, key, kl);
    if (rc == TC_ERR_NOT_FOUND) return tc_err_set(rx->err, TC_ERR_LEDGER_NOT_FOUND, "no such service record");
    if (rc) return rc;
    return tc__st_del(rx, key, kl);
}

int tc__discovery_apply(tc__rx *rx)
{
    switch (rx->tx->type) {
    case TC_TX_SVC_PUBLISH: return publish(rx);
    case TC_TX_SVC_WITHDRAW: return withdraw(rx);
    default: return tc_err_set(rx->err, TC_ERR_LEDGER_UNKNOWN_TYPE, "type %u", rx->tx->type);
    }
}
