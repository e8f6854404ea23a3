/* Device records (docs/ledger.md, "Device record"):
 * 'D' + device id -> {1: Ed25519 identity key, 2: X25519 channel key,
 *   3: model, 4: serial, 5: claim key, Ed25519 public (absent once claimed),
 *   6: manufacturer org, 7: owner org (0 = unclaimed), 8: status
 *   (0 active, 1 suspended, 2 revoked), 9: attributes {text: text},
 *   10: groups [text], 11: recorded at height, 12: key epoch} */
#include <string.h>

#include "ledger_internal.h"

static const tc__fdesc DEV_F[] = {
    {1, TC_F_BYTES, 1, 32, 32, "identity key"},
    {2, TC_F_BYTES, 1, 32, 32, "channel key"},
    {3, TC_F_TEXT, 1, 1, TC_TX_NAME_MAX, "model"},
    {4, TC_F_TEXT, 1, 1, TC_TX_NAME_MAX, "serial"},
    {5, TC_F_BYTES, 0, 32, 32, "claim key"},
    {6, TC_F_UINT, 1, 1, UINT64_MAX, "manufacturer"},
    {7, TC_F_UINT, 1, 0, UINT64_MAX, "owner"},
    {8, TC_F_UINT, 1, 0, 2, "status"},
    {9, TC_F_MAP, 1, 0, TC_TX_LIST_MAX, "attributes"},
    {10, TC_F_ARRAY, 1, 0, TC_TX_LIST_MAX, "groups"},
    {11, TC_F_UINT, 1, 0, UINT64_MAX, "height"},
    {12, TC_F_UINT, 1, 0, UINT64_MAX, "key epoch"},
};
#define NF (sizeof DEV_F / sizeof DEV_F[0])

static void dev_key(uint8_t key[1 + TC_DEVICE_ID_LEN], const uint8_t id[TC_DEVICE_ID_LEN])
{
    key[0] = TC_K_DEVICE;
    memcpy(key + 1, id, TC_DEVICE_ID_LEN);
}

int tc__device_load(tc__rx *rx, tc__device *dv, uint8_t *buf, const uint8_t id[TC_DEVICE_ID_LEN])
{
    uint8_t key[1 + TC_DEVICE_ID_LEN];
    size_t n;
    tc__fval v[NF];
    char hex[9];
    dev_key(key, id);
    int rc = tc__st_get(rx, buf, TC_REC_MAX, &n, key, sizeof key);
    if (rc == TC_ERR_NOT_FOUND) {
        static const char *digits = "0123456789abcdef";
        for (int i = 0; i < 4; i++) {
            hex[2 * i] = digits[id[i] >> 4];
            hex[2 * i + 1] = digits[id[i] & 15];
        }
        hex[8] = 0;
        return tc_err_set(rx->err, TC_ERR_LEDGER_UNKNOWN_DEVICE, "device %s...", hex);
    }
    if (rc) return rc;
    if (tc__fields_decode(rx->err, buf, n, DEV_F, NF, v)) {
        tc_err_wrap(rx->err, "stored device record");
        return rx->err->code = TC_ERR_CORRUPT;
    }
    memcpy(dv->ed, v[0].p, 32);
    memcpy(dv->x, v[1].p, 32);
    dv->model = v[2].p;
    dv->model_len = v[2].n;
    dv->serial = v[3].p;
    dv->serial_len = v[3].n;
    dv->has_claim = v[4].present;
    if (dv->has_claim) memcpy(dv->claim_pub, v[4].p, 32);
    dv->maker = v[5].u;
    dv->owner = v[6].u;
    dv->status = (uint32_t)v[7].u;
    dv->attrs = v[8].p;
    dv->attrs_len = v[8].n;
    dv->groups = v[9].p;
    dv->groups_len = v[9].n;
    dv->height = v[10].u;
    dv->key_epoch = v[11].u;
    return 0;
}

int tc__device_store(tc__rx *rx, const uint8_t id[TC_DEVICE_ID_LEN], const tc__device *dv)
{
    uint8_t key[1 + TC_DEVICE_ID_LEN], buf[TC_REC_MAX];
    tc_cbor_enc e;
    static const uint8_t empty_map = 0xa0, empty_array = 0x80;
    dev_key(key, id);
    tc_cbor_enc_init(&e, buf, sizeof buf);
    tc_cbor_put_map(&e, dv->has_claim ? 12 : 11);
    tc_cbor_put_uint(&e, 1);
    tc_cbor_put_bytes(&e, dv->ed, 32);
    tc_cbor_put_uint(&e, 2);
    tc_cbor_put_bytes(&e, dv->x, 32);
    tc_cbor_put_uint(&e, 3);
    tc_cbor_put_text(&e, (const char *)dv->model, dv->model_len);
    tc_cbor_put_uint(&e, 4);
    tc_cbor_put_text(&e, (const char *)dv->serial, dv->serial_len);
    if (dv->has_claim) {
        tc_cbor_put_uint(&e, 5);
        tc_cbor_put_bytes(&e, dv->claim_pub, 32);
    }
    tc_cbor_put_uint(&e, 6);
    tc_cbor_put_uint(&e, dv->maker);
    tc_cbor_put_uint(&e, 7);
    tc_cbor_put_uint(&e, dv->owner);
    tc_cbor_put_uint(&e, 8);
    tc_cbor_put_uint(&e, dv->status);
    tc_cbor_put_uint(&e, 9);
    if (dv->attrs) tc_cbor_put_raw(&e, dv->attrs, dv->attrs_len);
    else tc_cbor_put_raw(&e, &empty_map, 1);
    tc_cbor_put_uint(&e, 10);
    if (dv->groups) tc_cbor_put_raw(&e, dv->groups, dv->groups_len);
    else tc_cbor_put_raw(&e, &empty_array, 1);
    tc_cbor_put_uint(&e, 11);
    tc_cbor_put_uint(&e, dv->height);
    tc_cbor_put_uint(&e, 12);
    tc_cbor_put_uint(&e, dv->key_epoch);
    return tc__st_put_enc(rx, key, sizeof key, &e);
}

int tc__device_load_active(tc__rx *rx, tc__device *dv, uint8_t *buf, const uint8_t id[TC_DEVICE_ID_LEN])
{
    int rc = tc__device_load(rx, dv, buf, id);
    if (rc) return rc;
    if (dv->status == TC_DEV_REVOKED)
        return tc_err_set(rx->err, TC_ERR_LEDGER_REVOKED, "device is revoked");
    if (dv->status == TC_DEV_SUSPENDED)
        return tc_err_set(rx->err, TC_ERR_LEDGER_SUSPENDED, "device is suspended");
    return 0;
}

int tc__device_signer_or_owner(tc__rx *rx, const tc__device *dv, const uint8_t id[TC_DEVICE_ID_LEN])
{
    if (rx->who.kind == TC_SIGNER_DEVICE && memcmp(rx->who.dev, id, TC_DEVICE_ID_LEN) == 0) return 0;
    if (rx->who.kind == TC_SIGNER_ORG && rx->who.role == TC_KEYS_ADMIN && dv->owner != 0 &&
        rx->who.org == dv->owner)
        return 0;
    return tc_err_set(rx->err, TC_ERR_LEDGER_UNAUTHORIZED,
                      "signer is neither the device nor an admin of its owner org %llu",
                      (unsigned long long)dv->owner);
}
