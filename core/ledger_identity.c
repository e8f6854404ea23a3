/* Bootstrapping and identity rules (DESIGN.md, Ledger: bootstrapping &
 * identity; docs/ledger.md, "Identity").
 *
 * A manufacturer records devices in batches, each with a one-time claim
 * key; an operator claims one by a signature of that key naming itself
 * (core/tx_claim.c: nothing a mempool observer could reuse), or the
 * manufacturer (or current owner) transfers it; key rotation needs the owner's authorization and
 * then the device's own signature; the owner suspends, resumes, revokes. */
#include <string.h>

#include "ledger_internal.h"

static const tc__fdesc DEVID_F[] = {
    {1, TC_F_BYTES, 1, TC_DEVICE_ID_LEN, TC_DEVICE_ID_LEN, "device"},
};

static int require_owner(tc__rx *rx, const tc__device *dv)
{
    if (dv->owner == 0)
        return tc_err_set(rx->err, TC_ERR_LEDGER_UNAUTHORIZED, "device has no owner yet");
    if (rx->who.kind != TC_SIGNER_ORG || rx->who.role != TC_KEYS_ADMIN || rx->who.org != dv->owner)
        return tc_err_set(rx->err, TC_ERR_LEDGER_UNAUTHORIZED, "signer is not an admin of org %llu (the owner)",
                          (unsigned long long)dv->owner);
    return 0;
}

static int put_keyidx(tc__rx *rx, const uint8_t ed[32], const uint8_t id[TC_DEVICE_ID_LEN])
{
    uint8_t key[1 + TC_KEYID_LEN], buf[32];
    size_t n;
    key[0] = TC_K_KEYIDX;
    tc_keyid(key + 1, ed);
    int rc = tc__st_get(rx, buf, sizeof buf, &n, key, sizeof key);
    if (rc == 0) return tc_err_set(rx->err, TC_ERR_LEDGER_DUPLICATE, "identity key already belongs to a device");
    if (rc != TC_ERR_NOT_FOUND) return rc;
    return tc__st_put(rx, key, sizeof key, id, TC_DEVICE_ID_LEN);
}

static int check_x25519(tc__rx *rx, const uint8_t *x)
{
    static const uint8_t zero[32];
    if (memcmp(x, zero, 32) == 0) return tc_err_set(rx->err, TC_ERR_LEDGER_BAD_KEY, "channel key is zero");
    return 0;
}

static const tc__fdesc MFG_F[] = {{1, TC_F_ARRAY, 1, 1, TC_TX_LIST_MAX, "devices"}};
static const tc__fdesc MFG_DEV_F[] = {
    {1, TC_F_BYTES, 1, 32, 32, "identity key"},
    {2, TC_F_BYTES, 1, 32, 32, "channel key"},
    {3, TC_F_TEXT, 1, 1, TC_TX_NAME_MAX, "model"},
    {4, TC_F_TEXT, 1, 1, TC_TX_NAME_MAX, "serial"},
    {5, TC_F_BYTES, 1, 32, 32, "claim key"},
};

static int manufacture(tc__rx *rx)
{
    tc__fval v[1], f[5];
    tc_cbor_dec d;
    uint64_t cnt;
    int rc = tc__fields_decode(rx->err, rx->tx->body, rx->tx->body_len, MFG_F, 1, v);
    if (rc) return rc;
    if (rx->who.kind != TC_SIGNER_ORG)
        return tc_err_set(rx->err, TC_ERR_LEDGER_UNAUTHORIZED, "signer is not an org admin key set");
    if ((rc = tc__require_org_keys(rx, rx->who.org, TC_KEYS_ADMIN, TC_ROLE_MANUFACTURER, "manufacture")))
        return rc;
    tc__dec_raw(rx->err, &d, v[0].p, v[0].n);
    tc_cbor_get_array(&d, &cnt);
    for (uint64_t i = 0; i < cnt; i++) {
        tc__device dv, scratch;
        uint8_t id[TC_DEVICE_ID_LEN], buf[TC_REC_MAX];
        memset(&dv, 0, sizeof dv);
        if ((rc = tc__fields_get(rx->err, &d, MFG_DEV_F, 5, f))) goto fail;
        memcpy(dv.ed, f[0].p, 32);
        memcpy(dv.x, f[1].p, 32);
        if (tc_ed25519_check_pub(dv.ed)) {
            rc = tc_err_set(rx->err, TC_ERR_LEDGER_BAD_KEY, "identity key");
            goto fail;
        }
        if ((rc = check_x25519(rx, dv.x))) goto fail;
        if (tc_ed25519_check_pub(f[4].p)) {
            rc = tc_err_set(rx->err, TC_ERR_LEDGER_BAD_KEY, "claim key");
            goto fail;
        }
        tc_keyid(id, dv.ed);
        rc = tc__device_load(rx, &scratch, buf, id);
        if (rc == 0) {
            rc = tc_err_set(rx->err, TC_ERR_LEDGER_DUPLICATE, "device is already recorded");
            goto fail;
        }
        if (rc != TC_ERR_LEDGER_UNKNOWN_DEVICE) goto fail;
        dv.model = f[2].p;
        dv.model_len = f[2].n;
        dv.serial = f[3].p;
        dv.serial_len = f[3].n;
        dv.has_claim = 1;
        memcpy(dv.claim_pub, f[4].p, 32);
        dv.maker = rx->who.org;
        dv.height = rx->blk->height;
        if ((rc = put_keyidx(rx, dv.ed, id)) || (rc = tc__device_store(rx, id, &dv))) goto fail;
        continue;
    fail:
        return tc_err_wrap(rx->err, "device %llu of the batch", (unsigned long long)i);
    }
    return 0;
}

static const tc__fdesc CLAIM_F[] = {
    {1, TC_F_BYTES, 1, TC_DEVICE_ID_LEN, TC_DEVICE_ID_LEN, "device"},
    {2, TC_F_BYTES, 1, TC_ED25519_SIG_LEN, TC_ED25519_SIG_LEN, "claim signature"},
};

static int claim(tc__rx *rx, tc__device *dv, const uint8_t *id, const tc__fval *v)
{
    int rc;
    if (rx->who.kind != TC_SIGNER_ORG)
        return tc_err_set(rx->err, TC_ERR_LEDGER_UNAUTHORIZED, "signer is not an org admin key set");
    if ((rc = tc__require_org_keys(rx, rx->who.org, TC_KEYS_ADMIN, TC_ROLE_OPERATOR, "claim"))) return rc;
    if (dv->owner != 0 || !dv->has_claim)
        return tc_err_set(rx->err, TC_ERR_LEDGER_CLAIM, "device already has an owner");
    /* The signature must name this chain, this device and the signer's own
     * org: a signature lifted from another org's claim does not verify. */
    if (tc_claim_verify(v[1].p, dv->claim_pub, rx->blk->chain_id, rx->blk->chain_id_len, id, rx->who.org))
        return tc_err_set(rx->err, TC_ERR_LEDGER_CLAIM,
                          "claim signature is not by the device's claim key for org %llu",
                          (unsigned long long)rx->who.org);
    dv->owner = rx->who.org;
    dv->has_claim = 0;
    return tc__device_store(rx, id, dv);
}

static const tc__fdesc XFER_F[] = {
    {1, TC_F_BYTES, 1, TC_DEVICE_ID_LEN, TC_DEVICE_ID_LEN, "device"},
    {2, TC_F_UINT, 1, 1, UINT64_MAX, "to org"},
};

static int transfer(tc__rx *rx, tc__device *dv, const uint8_t *id, const tc__fval *v)
{
    uint64_t from = dv->owner ? dv->owner : dv->maker;
    uint8_t buf[TC_REC_MAX], key[1 + TC_DEVICE_ID_LEN];
    tc__org o;
    int rc;
    if (rx->who.kind != TC_SIGNER_ORG || rx->who.role != TC_KEYS_ADMIN || rx->who.org != from)
        return tc_err_set(rx->err, TC_ERR_LEDGER_UNAUTHORIZED, "signer is not an admin of org %llu (%s)",
                          (unsigned long long)from, dv->owner ? "the owner" : "the manufacturer");
    if ((rc = tc__org_load(rx, &o, buf, v[1].u))) return rc;
    if (!(o.roles & TC_ROLE_OPERATOR))
        return tc_err_set(rx->err, TC_ERR_LEDGER_ROLE, "org %llu is not an operator", (unsigned long long)v[1].u);
    dv->owner = v[1].u;
    dv->has_claim = 0;
    key[0] = TC_K_ROTATION;
    memcpy(key + 1, id, TC_DEVICE_ID_LEN);
    if ((rc = tc__st_del(rx, key, sizeof key))) return rc;
    return tc__device_store(rx, id, dv);
}

static const tc__fdesc AUTH_F[] = {
    {1, TC_F_BYTES, 1, TC_DEVICE_ID_LEN, TC_DEVICE_ID_LEN, "device"},
    {2, TC_F_BYTES, 1, 32, 32, "new identity key"},
    {3, TC_F_BYTES, 1, 32, 32, "new channel key"},
    {4, TC_F_UINT, 1, 0, UINT64_MAX, "expiry"},
};

/* 'T' + device -> {1: new identity key, 2: new channel key, 3: expiry ms} */
static int authorize_rotation(tc__rx *rx, tc__device *dv, const uint8_t *id, const tc__fval *v)
{
    uint8_t key[1 + TC_DEVICE_ID_LEN], buf[128];
    tc_cbor_enc e;
    int rc;
    if ((rc = require_owner(rx, dv))) return rc;
    if (v[3].u <= rx->blk->time_ms)
        return tc_err_set(rx->err, TC_ERR_LEDGER_EXPIRED, "authorization expiry is not after the block time");
    if (tc_ed25519_check_pub(v[1].p)) return tc_err_set(rx->err, TC_ERR_LEDGER_BAD_KEY, "new identity key");
    if ((rc = check_x25519(rx, v[2].p))) return rc;
    key[0] = TC_K_ROTATION;
    memcpy(key + 1, id, TC_DEVICE_ID_LEN);
    tc_cbor_enc_init(&e, buf, sizeof buf);
    tc_cbor_put_map(&e, 3);
    tc_cbor_put_uint(&e, 1);
    tc_cbor_put_bytes(&e, v[1].p, 32);
    tc_cbor_put_uint(&e, 2);
    tc_cbor_put_bytes(&e, v[2].p, 32);
    tc_cbor_put_uint(&e, 3);
    tc_cbor_put_uint(&e, v[3].u);
    return tc__st_put_enc(rx, key, sizeof key, &e);
}

static const tc__fdesc ROT_F[] = {
    {1, TC_F_BYTES, 1, 32, 32, "new identity key"},
    {2, TC_F_BYTES, 1, 32, 32, "new channel key"},
};
static const tc__fdesc AUTHREC_F[] = {
    {1, TC_F_BYTES, 1, 32, 32, "identity key"},
    {2, TC_F_BYTES, 1, 32, 32, "channel key"},
    {3, TC_F_UINT, 1, 0, UINT64_MAX, "expiry"},
};

static int rotate(tc__rx *rx)
{
    tc__fval v[2], a[3];
    tc__device dv;
    uint8_t buf[TC_REC_MAX], abuf[128], key[1 + TC_DEVICE_ID_LEN], old[1 + TC_KEYID_LEN];
    size_t an;
    int rc = tc__fields_decode(rx->err, rx->tx->body, rx->tx->body_len, ROT_F, 2, v);
    if (rc) return rc;
    if (rx->who.kind != TC_SIGNER_DEVICE)
        return tc_err_set(rx->err, TC_ERR_LEDGER_UNAUTHORIZED, "a rotation must be signed by the device itself");
    if ((rc = tc__device_load_active(rx, &dv, buf, rx->who.dev))) return rc;
    key[0] = TC_K_ROTATION;
    memcpy(key + 1, rx->who.dev, TC_DEVICE_ID_LEN);
    rc = tc__st_get(rx, abuf, sizeof abuf, &an, key, sizeof key);
    if (rc == TC_ERR_NOT_FOUND)
        return tc_err_set(rx->err, TC_ERR_LEDGER_NOT_APPROVED, "the owner has not authorized a rotation");
    if (rc) return rc;
    if (tc__fields_decode(rx->err, abuf, an, AUTHREC_F, 3, a))
        return tc_err_set(rx->err, TC_ERR_CORRUPT, "stored rotation authorization");
    if (memcmp(a[0].p, v[0].p, 32) != 0 || memcmp(a[1].p, v[1].p, 32) != 0)
        return tc_err_set(rx->err, TC_ERR_LEDGER_NOT_APPROVED, "new keys differ from the ones the owner authorized");
    if (a[2].u <= rx->blk->time_ms)
        return tc_err_set(rx->err, TC_ERR_LEDGER_EXPIRED, "the owner's rotation authorization has expired");
    old[0] = TC_K_KEYIDX;
    tc_keyid(old + 1, dv.ed);
    if ((rc = put_keyidx(rx, v[0].p, rx->who.dev))) return rc;
    if ((rc = tc__st_del(rx, old, sizeof old)) || (rc = tc__st_del(rx, key, sizeof key))) return rc;
    memcpy(dv.ed, v[0].p, 32);
    memcpy(dv.x, v[1].p, 32);
    dv.key_epoch++;
    return tc__device_store(rx, rx->who.dev, &dv);
}

static const tc__fdesc ATTR_F[] = {
    {1, TC_F_BYTES, 1, TC_DEVICE_ID_LEN, TC_DEVICE_ID_LEN, "device"},
    {2, TC_F_MAP, 1, 0, 32, "attributes"},
};
static const tc__fdesc GROUP_F[] = {
    {1, TC_F_BYTES, 1, TC_DEVICE_ID_LEN, TC_DEVICE_ID_LEN, "device"},
    {2, TC_F_ARRAY, 1, 0, 16, "groups"},
};

/* Loads the device named by field 1 of the body after decoding with desc. */
static int load_target(tc__rx *rx, const tc__fdesc *desc, size_t nd, tc__fval *v, tc__device *dv,
                       uint8_t *buf)
{
    int rc = tc__fields_decode(rx->err, rx->tx->body, rx->tx->body_len, desc, nd, v);
    if (rc) return rc;
    return tc__device_load(rx, dv, buf, v[0].p);
}

static int status_change(tc__rx *rx, tc__device *dv, const uint8_t *id)
{
    uint8_t key[1 + TC_DEVICE_ID_LEN];
    int rc = require_owner(rx, dv);
    if (rc) return rc;
    switch (rx->tx->type) {
    case TC_TX_DEV_SUSPEND:
        if (dv->status != TC_DEV_ACTIVE) return tc_err_set(rx->err, TC_ERR_LEDGER_STATE, "device is not active");
        dv->status = TC_DEV_SUSPENDED;
        break;
    case TC_TX_DEV_RESUME:
        if (dv->status != TC_DEV_SUSPENDED)
            return tc_err_set(rx->err, TC_ERR_LEDGER_STATE, "device is not suspended");
        dv->status = TC_DEV_ACTIVE;
        break;
    default: /* revoke: terminal; the record stays so revocation is provable */
        dv->status = TC_DEV_REVOKED;
        key[0] = TC_K_ROTATION;
        memcpy(key + 1, id, TC_DEVICE_ID_LEN);
        if ((rc = tc__st_del(rx, key, sizeof key))) return rc;
        break;
    }
    return tc__device_store(rx, id, dv);
}

int tc__identity_apply(tc__rx *rx)
{
    tc__fval v[4];
    tc__device dv;
    uint8_t buf[TC_REC_MAX];
    int rc;
    switch (rx->tx->type) {
    case TC_TX_DEV_MANUFACTURE:
        return manufacture(rx);
    case TC_TX_DEV_ROTATE:
        return rotate(rx);
    case TC_TX_DEV_CLAIM:
        if ((rc = load_target(rx, CLAIM_F, 2, v, &dv, buf))) return rc;
        if (dv.status == TC_DEV_REVOKED) return tc_err_set(rx->err, TC_ERR_LEDGER_REVOKED, "device is revoked");
        return claim(rx, &dv, v[0].p, v);
    case TC_TX_DEV_TRANSFER:
        if ((rc = load_target(rx, XFER_F, 2, v, &dv, buf))) return rc;
        if (dv.status == TC_DEV_REVOKED) return tc_err_set(rx->err, TC_ERR_LEDGER_REVOKED, "device is revoked");
        return transfer(rx, &dv, v[0].p, v);
    case TC_TX_DEV_AUTHORIZE_ROTATION:
        if ((rc = load_target(rx, AUTH_F, 4, v, &dv, buf))) return rc;
        if (dv.status == TC_DEV_REVOKED) return tc_err_set(rx->err, TC_ERR_LEDGER_REVOKED, "device is revoked");
        return authorize_rotation(rx, &dv, v[0].p, v);
    case TC_TX_DEV_SET_ATTRS:
        if ((rc = load_target(rx, ATTR_F, 2, v, &dv, buf))) return rc;
        if (dv.status == TC_DEV_REVOKED) return tc_err_set(rx->err, TC_ERR_LEDGER_REVOKED, "device is revoked");
        if ((rc = tc__device_signer_or_owner(rx, &dv, v[0].p))) return rc;
        if ((rc = tc__check_attrs(rx->err, v[1].p, v[1].n, "attributes"))) return rc;
        dv.attrs = v[1].p;
        dv.attrs_len = v[1].n;
        return tc__device_store(rx, v[0].p, &dv);
    case TC_TX_DEV_SET_GROUPS:
        if ((rc = load_target(rx, GROUP_F, 2, v, &dv, buf))) return rc;
        if (dv.status == TC_DEV_REVOKED) return tc_err_set(rx->err, TC_ERR_LEDGER_REVOKED, "device is revoked");
        if ((rc = require_owner(rx, &dv))) return rc;
        if ((rc = tc__check_names(rx->err, v[1].p, v[1].n, "groups"))) return rc;
        dv.groups = v[1].p;
        dv.groups_len = v[1].n;
        return tc__device_store(rx, v[0].p, &dv);
    default: /* suspend, resume, revoke */
        if ((rc = load_target(rx, DEVID_F, 1, v, &dv, buf))) return rc;
        if (dv.status == TC_DEV_REVOKED) return tc_err_set(rx->err, TC_ERR_LEDGER_REVOKED, "device is revoked");
        return status_change(rx, &dv, v[0].p);
    }
}
