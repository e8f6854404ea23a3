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

int tc_query_indexed(const uint8_t *key, size_t key_len)
{
    return key_len == 1 + TC_DEVICE_ID_LEN && key[0] == K_DEVICE;
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

static int emit_u64(tc_query_emit_fn emit, void *ctx, uint32_t kind, uint64_t v)
{
    uint8_t b[8];
    for (int i = 0; i < 8; i++) b[i] = (uint8_t)(v >> (56 - 8 * i));
    return emit(ctx, kind, b, 8);
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
        case 9: {
            uint64_t np;
            if (tc_cbor_get_map(d, &np)) return 0;
            for (uint64_t j = 0; j < np; j++) {
                const char *name, *val;
                size_t nl, vl, il;
                uint8_t ik[TC_QUERY_IKEY_MAX];
                if (tc_cbor_get_text(d, &name, &nl) || tc_cbor_get_text(d, &val, &vl)) return 0;
                if (tc_query_attr_ikey(ik, &il, name, nl, val, vl)) continue;
                if ((rc = emit(ctx, TC_IDX_DEV_ATTR, ik, il))) return rc;
            }
            break;
        }
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
    return device_entries(&d, emit, ctx);
}
