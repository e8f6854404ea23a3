/* Decoders of the three ledger records the firmware updater trusts
 * (include/tcdev/firmware.h; docs/ledger.md "State keys and records"):
 *   F + vendor (8) + SHA-256(model)[0..16] + version (8)   release
 *   R + operator (8) + rollout id (8)                      rollout
 *   D + device id (16)                                     device
 * The records arrive proven (state bundle), so these decoders guard against
 * a record that is not the one asked for (the key names vendor, version,
 * operator, device: the caller compares) and against shapes the updater
 * cannot use. C99, no allocation; pointers borrow the input. */
#include <string.h>

#include "tc/cbor.h"
#include "tc/crypto.h"
#include "tcdev/firmware.h"

static uint64_t be64(const uint8_t *p)
{
    uint64_t v = 0;
    for (int i = 0; i < 8; i++) v = (v << 8) | p[i];
    return v;
}

/* One map field: uint, bytes/text (span), or raw (any item as a span). */
enum { F_UINT, F_BYTES, F_TEXT, F_RAW, F_BOOL };
typedef struct fdesc {
    uint8_t key, type, required;
} fdesc;
typedef struct fval {
    uint64_t u;
    const uint8_t *p;
    size_t n;
    int have;
} fval;

/* Reads a map with unsigned keys; fields not in desc are skipped. */
static int fields(fval *v, const fdesc *desc, size_t nd, const uint8_t *rec, size_t len)
{
    tc_cbor_dec d;
    uint64_t pairs, k;
    memset(v, 0, nd * sizeof *v);
    if (tc_cbor_dec_init(&d, rec, len, NULL) || tc_cbor_get_map(&d, &pairs)) return TC_ERR_FW_RECORD;
    while (pairs--) {
        size_t i;
        int rc = 0;
        if (tc_cbor_get_uint(&d, &k)) return TC_ERR_FW_RECORD;
        for (i = 0; i < nd && desc[i].key != k; i++) {}
        if (i == nd) {
            if (tc_cbor_skip(&d)) return TC_ERR_FW_RECORD;
            continue;
        }
        switch (desc[i].type) {
        case F_UINT: rc = tc_cbor_get_uint(&d, &v[i].u); break;
        case F_BYTES: rc = tc_cbor_get_bytes(&d, &v[i].p, &v[i].n); break;
        case F_TEXT: rc = tc_cbor_get_text(&d, (const char **)&v[i].p, &v[i].n); break;
        case F_BOOL: {
            int b = 0;
            rc = tc_cbor_get_bool(&d, &b);
            v[i].u = (uint64_t)b;
            break;
        }
        default: rc = tc_cbor_get_raw(&d, &v[i].p, &v[i].n); break;
        }
        if (rc) return TC_ERR_FW_RECORD;
        v[i].have = 1;
    }
    for (size_t i = 0; i < nd; i++)
        if (desc[i].required && !v[i].have) return TC_ERR_FW_RECORD;
    return 0;
}

static const fdesc REL[] = {
    {1, F_TEXT, 1}, {2, F_UINT, 1}, {3, F_BYTES, 1}, {4, F_UINT, 1}, {5, F_UINT, 1},
    {6, F_BYTES, 1}, {7, F_UINT, 1}, {8, F_UINT, 1}, {9, F_BOOL, 1},
};

int tcdev_fw_decode_release(tcdev_fw_release *r, const uint8_t *key, size_t key_len,
                            const uint8_t *rec, size_t rec_len)
{
    fval v[9];
    uint8_t h[TC_SHA256_LEN];
    if (key_len != 33 || key[0] != 'F' || fields(v, REL, 9, rec, rec_len)) return TC_ERR_FW_RECORD;
    if (v[2].n != 32 || v[5].n != 32 || v[3].u == 0 || v[4].u < 64 || v[4].u > (1u << 20))
        return TC_ERR_FW_RECORD;
    /* The key must name exactly this model and version. */
    tc_sha256(h, v[0].p, v[0].n);
    if (memcmp(key + 9, h, 16) != 0 || be64(key + 25) != v[1].u) return TC_ERR_FW_RECORD;
    r->vendor = be64(key + 1);
    r->model = v[0].p;
    r->model_len = v[0].n;
    r->version = v[1].u;
    r->digest = v[2].p;
    r->size = v[3].u;
    r->chunk_size = v[4].u;
    r->root = v[5].p;
    r->min_prior = v[6].u;
    r->expiry = v[7].u;
    r->revoked = (int)v[8].u;
    return 0;
}

static const fdesc ROLL[] = {
    {1, F_UINT, 1}, {2, F_UINT, 1}, {3, F_TEXT, 1}, {4, F_UINT, 1}, {5, F_RAW, 1},
    {6, F_UINT, 1}, {7, F_UINT, 1},
};

int tcdev_fw_decode_rollout(tcdev_fw_rollout *r, const uint8_t *key, size_t key_len,
                            const uint8_t *rec, size_t rec_len)
{
    fval v[7];
    if (key_len != 17 || key[0] != 'R' || fields(v, ROLL, 7, rec, rec_len) || be64(key + 9) != v[0].u)
        return TC_ERR_FW_RECORD;
    r->operator_org = be64(key + 1);
    r->id = v[0].u;
    r->vendor = v[1].u;
    r->model = v[2].p;
    r->model_len = v[2].n;
    r->version = v[3].u;
    r->waves = v[4].p;
    r->waves_len = v[4].n;
    r->wave = v[5].u;
    r->status = v[6].u;
    return 0;
}

static const fdesc DEV[] = {{3, F_TEXT, 1}, {7, F_UINT, 1}, {8, F_UINT, 1}, {10, F_RAW, 1}};

int tcdev_fw_decode_device(tcdev_fw_device *dv, const uint8_t *key, size_t key_len,
                           const uint8_t *rec, size_t rec_len)
{
    fval v[4];
    if (key_len != 1 + TC_DEVICE_ID_LEN || key[0] != 'D' || fields(v, DEV, 4, rec, rec_len))
        return TC_ERR_FW_RECORD;
    dv->model = v[0].p;
    dv->model_len = v[0].n;
    dv->owner = v[1].u;
    dv->status = v[2].u;
    dv->groups = v[3].p;
    dv->groups_len = v[3].n;
    return 0;
}

/* As the ledger's report rule (core/ledger_firmware.c device_in_waves):
 * waves[0..wave] are started; a group in any of them approves the device. */
int tcdev_fw_in_waves(const tcdev_fw_rollout *r, const tcdev_fw_device *dv)
{
    tc_cbor_dec g, w;
    uint64_t ng, nw, nn;
    const char *t, *u;
    size_t tl, ul;
    if (tc_cbor_dec_init(&g, dv->groups, dv->groups_len, NULL) || tc_cbor_get_array(&g, &ng)) return 0;
    while (ng--) {
        if (tc_cbor_get_text(&g, &t, &tl)) return 0;
        if (tc_cbor_dec_init(&w, r->waves, r->waves_len, NULL) || tc_cbor_get_array(&w, &nw)) return 0;
        for (uint64_t j = 0; j < nw && j <= r->wave; j++) {
            if (tc_cbor_get_array(&w, &nn)) return 0;
            while (nn--) {
                if (tc_cbor_get_text(&w, &u, &ul)) return 0;
                if (ul == tl && memcmp(u, t, tl) == 0) return 1;
            }
        }
    }
    return 0;
}
