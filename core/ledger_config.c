/* Configuration rules (DESIGN.md, Ledger: configuration; docs/ledger.md,
 * "Configuration").
 *
 * An operator's config key set publishes versioned documents (digest, size,
 * inline body or location) for one device, a group or a model; versions of
 * one document only go up. Devices report what they applied, only for
 * documents that target them, never going back in version. */
#include <string.h>

#include "ledger_internal.h"
#include "tc/alloc.h"

#define CFG_BODY_MAX (16u * 1024u)
enum { TGT_DEVICE = 1, TGT_GROUP = 2, TGT_MODEL = 3 };

static const tc__fdesc PUB_F[] = {
    {1, TC_F_UINT, 1, TGT_DEVICE, TGT_MODEL, "target kind"},
    {2, TC_F_BYTES, 1, 1, TC_TX_NAME_MAX, "target"},
    {3, TC_F_TEXT, 1, 1, TC_TX_NAME_MAX, "name"},
    {4, TC_F_UINT, 1, 1, UINT64_MAX, "version"},
    {5, TC_F_BYTES, 1, 32, 32, "digest"},
    {6, TC_F_UINT, 1, 0, UINT64_MAX, "size"},
    {7, TC_F_BYTES, 0, 0, CFG_BODY_MAX, "body"},
    {8, TC_F_TEXT, 0, 1, TC_TX_STR_MAX, "location"},
    {9, TC_F_UINT, 0, 0, UINT64_MAX, "expiry"},
    {10, TC_F_UINT, 0, 0, UINT64_MAX, "height"},
};
#define NPUB 10

/* Document id: SHA-256(kind || len(target) || target || name)[0..16]. */
static void doc_id(uint8_t out[16], uint64_t kind, const uint8_t *t, size_t tl, const uint8_t *name, size_t nl)
{
    tc_sha256_ctx c;
    uint8_t h[32], hdr[2] = {(uint8_t)kind, (uint8_t)tl};
    tc_sha256_init(&c);
    tc_sha256_update(&c, hdr, 2);
    tc_sha256_update(&c, t, tl);
    tc_sha256_update(&c, name, nl);
    tc_sha256_final(&c, h);
    memcpy(out, h, 16);
}

static void cfg_key(uint8_t key[25], uint64_t org, const uint8_t id[16])
{
    key[0] = TC_K_CONFIG;
    tc__be64(key + 1, org);
    memcpy(key + 9, id, 16);
}

static int publish(tc__rx *rx)
{
    tc__fval v[NPUB], old[NPUB];
    uint8_t id[16], key[25], dbuf[TC_REC_MAX];
    size_t n;
    tc__device dv;
    int rc = tc__fields_decode(rx->err, rx->tx->body, rx->tx->body_len, PUB_F, 9, v);
    if (rc) return rc;
    if (rx->who.kind != TC_SIGNER_ORG || rx->who.role != TC_KEYS_CONFIG)
        return tc_err_set(rx->err, TC_ERR_LEDGER_UNAUTHORIZED, "signer is not an operator's config key set");
    if ((rc = tc__require_org_keys(rx, rx->who.org, TC_KEYS_CONFIG, TC_ROLE_OPERATOR, "config"))) return rc;
    if (v[6].present == v[7].present)
        return tc_err_set(rx->err, TC_ERR_LEDGER_MALFORMED, "give exactly one of body and location");
    if (v[6].present) {
        uint8_t h[32];
        tc_sha256(h, v[6].p, v[6].n);
        if (v[5].u != v[6].n || memcmp(h, v[4].p, 32) != 0)
            return tc_err_set(rx->err, TC_ERR_LEDGER_MALFORMED, "inline body does not match digest and size");
    }
    if (v[8].present && v[8].u <= rx->blk->time_ms)
        return tc_err_set(rx->err, TC_ERR_LEDGER_EXPIRED, "document expiry is not after the block time");
    if (v[0].u == TGT_DEVICE) {
        if (v[1].n != TC_DEVICE_ID_LEN)
            return tc_err_set(rx->err, TC_ERR_LEDGER_MALFORMED, "a device target is a 16-byte device id");
        if ((rc = tc__device_load(rx, &dv, dbuf, v[1].p))) return rc;
        if (dv.owner != rx->who.org)
            return tc_err_set(rx->err, TC_ERR_LEDGER_UNAUTHORIZED, "device is not owned by org %llu",
                              (unsigned long long)rx->who.org);
    }
    doc_id(id, v[0].u, v[1].p, v[1].n, v[2].p, v[2].n);
    cfg_key(key, rx->who.org, id);
    /* The record can hold a 16 KiB body: a heap buffer with that ceiling. */
    size_t cap = CFG_BODY_MAX + TC_REC_MAX;
    uint8_t *buf = tc_malloc(cap);
    if (!buf) return tc_err_set(rx->err, TC_ERR_NOMEM, "config record");
    rc = tc_state_get(rx->st, buf, cap, &n, key, sizeof key);
    if (rc == 0) {
        if (tc__fields_decode(rx->err, buf, n, PUB_F, NPUB, old)) rc = TC_ERR_CORRUPT;
        else if (v[3].u <= old[3].u)
            rc = tc_err_set(rx->err, TC_ERR_LEDGER_VERSION_ROLLBACK, "version %llu is not above %llu",
                            (unsigned long long)v[3].u, (unsigned long long)old[3].u);
        if (rc) goto out;
    } else if (rc != TC_ERR_NOT_FOUND) {
        goto out;
    }
    tc_cbor_enc e;
    tc_cbor_enc_init(&e, buf, cap);
    tc_cbor_put_map(&e, 8 + (v[8].present ? 1 : 0));
    tc_cbor_put_uint(&e, 1); tc_cbor_put_uint(&e, v[0].u);
    tc_cbor_put_uint(&e, 2); tc_cbor_put_bytes(&e, v[1].p, v[1].n);
    tc_cbor_put_uint(&e, 3); tc_cbor_put_text(&e, (const char *)v[2].p, v[2].n);
    tc_cbor_put_uint(&e, 4); tc_cbor_put_uint(&e, v[3].u);
    tc_cbor_put_uint(&e, 5); tc_cbor_put_bytes(&e, v[4].p, 32);
    tc_cbor_put_uint(&e, 6); tc_cbor_put_uint(&e, v[5].u);
    if (v[6].present) { tc_cbor_put_uint(&e, 7); tc_cbor_put_bytes(&e, v[6].p, v[6].n); }
    else { tc_cbor_put_uint(&e, 8); tc_cbor_put_text(&e, (const char *)v[7].p, v[7].n); }
    if (v[8].present) { tc_cbor_put_uint(&e, 9); tc_cbor_put_uint(&e, v[8].u); }
    tc_cbor_put_uint(&e, 10); tc_cbor_put_uint(&e, rx->blk->height);
    rc = tc__st_put_enc(rx, key, sizeof key, &e);
out:
    tc_free(buf);
    return rc;
}

static const tc__fdesc REP_F[] = {
    {1, TC_F_UINT, 1, 1, UINT64_MAX, "operator"},
    {2, TC_F_BYTES, 1, 16, 16, "document id"},
    {3, TC_F_UINT, 1, 1, UINT64_MAX, "version"},
    {4, TC_F_UINT, 1, 0, 1, "status"},
};

static int targets(const tc__device *dv, const uint8_t *dev_id, const tc__fval *doc)
{
    switch (doc[0].u) {
    case TGT_DEVICE: return doc[1].n == TC_DEVICE_ID_LEN && memcmp(doc[1].p, dev_id, TC_DEVICE_ID_LEN) == 0;
    case TGT_GROUP: return tc__names_contain(dv->groups, dv->groups_len, doc[1].p, doc[1].n);
    default: return doc[1].n == dv->model_len && memcmp(doc[1].p, dv->model, dv->model_len) == 0;
    }
}

static int report(tc__rx *rx)
{
    tc__fval b[4], doc[NPUB];
    tc__device dv;
    uint8_t dbuf[TC_REC_MAX], key[25], rkey[41], rbuf[64];
    size_t n;
    int rc = tc__fields_decode(rx->err, rx->tx->body, rx->tx->body_len, REP_F, 4, b);
    if (rc) return rc;
    if (rx->who.kind != TC_SIGNER_DEVICE)
        return tc_err_set(rx->err, TC_ERR_LEDGER_UNAUTHORIZED, "config reports are signed by the device");
    if ((rc = tc__device_load_active(rx, &dv, dbuf, rx->who.dev))) return rc;
    if (dv.owner != b[0].u)
        return tc_err_set(rx->err, TC_ERR_LEDGER_UNAUTHORIZED, "org %llu does not own this device",
                          (unsigned long long)b[0].u);
    cfg_key(key, b[0].u, b[1].p);
    size_t cap = CFG_BODY_MAX + TC_REC_MAX;
    uint8_t *buf = tc_malloc(cap);
    if (!buf) return tc_err_set(rx->err, TC_ERR_NOMEM, "config record");
    rc = tc_state_get(rx->st, buf, cap, &n, key, sizeof key);
    if (rc == TC_ERR_NOT_FOUND) {
        rc = tc_err_set(rx->err, TC_ERR_LEDGER_NOT_FOUND, "no such config document");
        goto out;
    }
    if (rc || (rc = tc__fields_decode(rx->err, buf, n, PUB_F, NPUB, doc))) goto out;
    if (!targets(&dv, rx->who.dev, doc)) {
        rc = tc_err_set(rx->err, TC_ERR_LEDGER_UNAUTHORIZED, "the document does not target this device");
        goto out;
    }
    if (b[2].u > doc[3].u) {
        rc = tc_err_set(rx->err, TC_ERR_LEDGER_NOT_FOUND, "version %llu was never published",
                        (unsigned long long)b[2].u);
        goto out;
    }
    rkey[0] = TC_K_CFGREP;
    memcpy(rkey + 1, rx->who.dev, 16);
    memcpy(rkey + 17, key + 1, 24);
    rc = tc__st_get(rx, rbuf, sizeof rbuf, &n, rkey, sizeof rkey);
    if (rc == 0) {
        tc_cbor_dec d;
        uint64_t pairs, k, last = 0;
        if (!tc_cbor_dec_init(&d, rbuf, n, NULL) && !tc_cbor_get_map(&d, &pairs) && !tc_cbor_get_uint(&d, &k))
            tc_cbor_get_uint(&d, &last);
        if (b[2].u < last) {
            rc = tc_err_set(rx->err, TC_ERR_LEDGER_VERSION_ROLLBACK, "reported version %llu is below %llu",
                            (unsigned long long)b[2].u, (unsigned long long)last);
            goto out;
        }
    } else if (rc != TC_ERR_NOT_FOUND) {
        goto out;
    }
    tc_cbor_enc e;
    tc_cbor_enc_init(&e, rbuf, sizeof rbuf);
    tc_cbor_put_map(&e, 4);
    tc_cbor_put_uint(&e, 1); tc_cbor_put_uint(&e, b[2].u);
    tc_cbor_put_uint(&e, 2); tc_cbor_put_uint(&e, b[3].u);
    tc_cbor_put_uint(&e, 3); tc_cbor_put_uint(&e, rx->blk->height);
    tc_cbor_put_uint(&e, 4); tc_cbor_put_uint(&e, rx->blk->time_ms);
    rc = tc__st_put_enc(rx, rkey, sizeof rkey, &e);
out:
    tc_free(buf);
    return rc;
}

int tc__config_apply(tc__rx *rx)
{
    switch (rx->tx->type) {
    case TC_TX_CFG_PUBLISH: return publish(rx);
    case TC_TX_CFG_REPORT: return report(rx);
    default: return tc_err_set(rx->err, TC_ERR_LEDGER_UNKNOWN_TYPE, "type %u", rx->tx->type);
    }
}
