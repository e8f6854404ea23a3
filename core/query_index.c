/* Index entries of state records (include/tc/query.h): what the store's
 * idx table lists each record under. Pure: a function of (key, value).
 * Device records: docs/ledger.md "Device record" ('D' + id -> {3: model,
 * 5: claim hash?, 6: maker, 7: owner, 8: status, 9: {attr: value},
 * 10: [group], ...}). */
#include <string.h>

#include "tc/cbor.h"
#include "tc/errors.h"
#include "tc/query.h"

#define K_DEVICE 'D'
#define K_SERVICE 'S'  /* + device (16) + name */
#define K_CONFIG 'G'   /* + org (8) + doc id (16) */
#define K_ROLLOUT 'R'  /* + org (8) + rollout id (8) */
#define K_FWREP 'r'    /* + device (16) */

int tc_query_indexed(const uint8_t *key, size_t key_len)
{
    if (key_len == 0) return 0;
    switch (key[0]) {
    case K_DEVICE: case K_FWREP: return key_len == 1 + TC_DEVICE_ID_LEN;
    case K_SERVICE: return key_len > 1 + TC_DEVICE_ID_LEN;
    case K_CONFIG: return key_len == 1 + 8 + 16;
    case K_ROLLOUT: return key_len == 1 + 8 + 8;
    default: return 0;
    }
}

int tc_query_attr_ikey(uint8_t out[TC_QUERY_IKEY_MAX], size_t *n, const char *name,
                       size_t name_len, const char *value, size_t value_len)
{
    if (name_len + 1 + value_len > TC_QUERY_IKEY_MAX) return TC_ERR_LIMIT;
    memcpy(out, name, name_len);
    out[name_len] = 0;
    memcpy(out + name_len + 1, value, value_len);
    *n = name_len + 1 + value_len;
    return 0;
}

static void put_be64(uint8_t b[8], uint64_t v);

static int emit_u64(tc_query_emit_fn emit, void *ctx, uint32_t kind, uint64_t v)
{
    uint8_t b[8];
    put_be64(b, v);
    return emit(ctx, kind, b, 8);
}

static void put_be64(uint8_t b[8], uint64_t v)
{
    for (int i = 0; i < 8; i++) b[i] = (uint8_t)(v >> (56 - 8 * i));
}

/* Emits one TC_IDX_*_ATTR entry per pair of a {text: text} map. */
static int attr_entries(tc_cbor_dec *d, tc_query_emit_fn emit, void *ctx, uint32_t kind)
{
    uint64_t np;
    int rc;
    if (tc_cbor_get_map(d, &np)) return 0;
    for (uint64_t j = 0; j < np; j++) {
        const char *name, *val;
        size_t nl, vl, il;
        uint8_t ik[TC_QUERY_IKEY_MAX];
        if (tc_cbor_get_text(d, &name, &nl) || tc_cbor_get_text(d, &val, &vl)) return 0;
        if (tc_query_attr_ikey(ik, &il, name, nl, val, vl)) continue;
        if ((rc = emit(ctx, kind, ik, il))) return rc;
    }
    return 0;
}

/* Service record {1 type, 2 endpoints, 3 attrs, 4 expiry, 5 height}. */
static int service_entries(tc_cbor_dec *d, tc_query_emit_fn emit, void *ctx)
{
    uint64_t pairs, key;
    const char *t;
    size_t n;
    int rc;
    if (tc_cbor_get_map(d, &pairs)) return 0;
    for (uint64_t i = 0; i < pairs; i++) {
        if (tc_cbor_get_uint(d, &key)) return 0;
        if (key == 1) {
            if (tc_cbor_get_text(d, &t, &n)) return 0;
            if ((rc = emit(ctx, TC_IDX_SVC_TYPE, (const uint8_t *)t, n))) return rc;
        } else if (key == 3) {
            if ((rc = attr_entries(d, emit, ctx, TC_IDX_SVC_ATTR))) return rc;
        } else if (tc_cbor_skip(d)) {
            return 0;
        }
    }
    return 0;
}

/* Config document {1 kind, 2 target, ...} under org || kind || target;
 * rollout {.., 3 model, ..} under org || model; firmware report
 * {1 operator, 2 rollout, ..} under operator || rollout. The org of G and
 * R records is the key's bytes 1..8. */
static int other_entries(const uint8_t *key, tc_cbor_dec *d, tc_query_emit_fn emit, void *ctx)
{
    uint8_t ik[TC_QUERY_IKEY_MAX];
    size_t il = 0;
    uint64_t pairs, k, u, kind = 0, op = 0, ro = 0;
    const uint8_t *p = NULL;
    size_t pn = 0;
    const char *t = NULL;
    if (tc_cbor_get_map(d, &pairs)) return 0;
    for (uint64_t i = 0; i < pairs; i++) {
        if (tc_cbor_get_uint(d, &k)) return 0;
        if (key[0] == K_CONFIG && k == 1) { if (tc_cbor_get_uint(d, &kind)) return 0; }
        else if (key[0] == K_CONFIG && k == 2) { if (tc_cbor_get_bytes(d, &p, &pn)) return 0; }
        else if (key[0] == K_ROLLOUT && k == 3) { if (tc_cbor_get_text(d, &t, &pn)) return 0; p = (const uint8_t *)t; }
        else if (key[0] == K_FWREP && (k == 1 || k == 2)) {
            if (tc_cbor_get_uint(d, &u)) return 0;
            if (k == 1) op = u; else ro = u;
        } else if (tc_cbor_skip(d)) {
            return 0;
        }
    }
    if (key[0] == K_FWREP) {
        put_be64(ik, op);
        put_be64(ik + 8, ro);
        return emit(ctx, TC_IDX_FW_REPORT, ik, 16);
    }
    if (!p || pn > TC_TX_NAME_MAX || kind > 255) return 0;
    memcpy(ik, key + 1, 8);
    il = 8;
    if (key[0] == K_CONFIG) ik[il++] = (uint8_t)kind;
    memcpy(ik + il, p, pn);
    return emit(ctx, key[0] == K_CONFIG ? TC_IDX_CFG_TARGET : TC_IDX_ROLLOUT_MODEL, ik, il + pn);
}

static int device_entries(tc_cbor_dec *d, tc_query_emit_fn emit, void *ctx)
{
    uint64_t pairs, key, u;
    const char *t;
    size_t n;
    int rc = tc_cbor_get_map(d, &pairs);
    if (rc) return 0;
    for (uint64_t i = 0; i < pairs; i++) {
        if (tc_cbor_get_uint(d, &key)) return 0;
        switch (key) {
        case 3:
            if (tc_cbor_get_text(d, &t, &n)) return 0;
            if ((rc = emit(ctx, TC_IDX_DEV_MODEL, (const uint8_t *)t, n))) return rc;
            break;
        case 6: case 7: case 8:
            if (tc_cbor_get_uint(d, &u)) return 0;
            if (key == 8) {
                uint8_t b = (uint8_t)u;
                rc = emit(ctx, TC_IDX_DEV_STATUS, &b, 1);
            } else {
                rc = emit_u64(emit, ctx, key == 6 ? TC_IDX_DEV_MAKER : TC_IDX_DEV_OWNER, u);
            }
            if (rc) return rc;
            break;
        case 9:
            if ((rc = attr_entries(d, emit, ctx, TC_IDX_DEV_ATTR))) return rc;
            break;
        case 10: {
            uint64_t ng;
            if (tc_cbor_get_array(d, &ng)) return 0;
            for (uint64_t j = 0; j < ng; j++) {
                if (tc_cbor_get_text(d, &t, &n)) return 0;
                if ((rc = emit(ctx, TC_IDX_DEV_GROUP, (const uint8_t *)t, n))) return rc;
            }
            break;
        }
        default:
            if (tc_cbor_skip(d)) return 0;
        }
    }
    return 0;
}

int tc_query_index_record(const uint8_t *key, size_t key_len, const uint8_t *val, size_t val_len,
                          tc_query_emit_fn emit, void *ctx)
{
    tc_cbor_dec d;
    if (!tc_query_indexed(key, key_len)) return 0;
    if (tc_cbor_dec_init(&d, val, val_len, NULL)) return 0;
    if (key[0] == K_DEVICE) return device_entries(&d, emit, ctx);
    if (key[0] == K_SERVICE) return service_entries(&d, emit, ctx);
    return other_entries(key, &d, emit, ctx);
}
