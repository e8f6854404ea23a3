/* Proven ledger records for the device flows (include/tcdev/device.h,
 * docs/device.md): a bundle is checked to be about the record asked for
 * BEFORE it is verified (so a node cannot move the device's view with an
 * unrelated bundle), then verified by the light client; records are read
 * with one small table-driven reader (docs/ledger.md, "State keys and
 * records"). */
#include <assert.h>
#include <string.h>

#include "device_internal.h"
#include "light_internal.h"
#include "tc/cbor.h"
#include "tc/errors.h"

void tcdev__be64(uint8_t out[8], uint64_t v)
{
    for (int i = 7; i >= 0; i--, v >>= 8)
        out[i] = (uint8_t)v;
}

int tcdev__fields(tcdev__field *f, const char *types, const uint8_t *rec, size_t len)
{
    size_t nt = strlen(types);
    tc_cbor_dec d;
    uint64_t pairs, key;
    memset(f, 0, nt * sizeof *f);
    if (tc_cbor_dec_init(&d, rec, len, NULL) || tc_cbor_get_map(&d, &pairs))
        return TC_ERR_DEV_RECORD;
    while (pairs--) {
        int rc;
        /* The canonical decoder already refuses unsorted and repeated keys. */
        if (tc_cbor_get_uint(&d, &key) || key == 0 || key > nt)
            return TC_ERR_DEV_RECORD;
        tcdev__field *x = &f[key - 1];
        switch (types[key - 1] | 0x20) { /* lower case */
        case 'u': rc = tc_cbor_get_uint(&d, &x->u); break;
        case 'b': rc = tc_cbor_get_bytes(&d, &x->p, &x->n); break;
        case 't': rc = tc_cbor_get_text(&d, (const char **)&x->p, &x->n); break;
        case 'f': { int v = 0; rc = tc_cbor_get_bool(&d, &v); x->u = (uint64_t)v; break; }
        case 'r': rc = tc_cbor_get_raw(&d, &x->p, &x->n); break;
        default: rc = TC_ERR_DEV_RECORD; break;
        }
        if (rc)
            return TC_ERR_DEV_RECORD;
        x->present = 1;
    }
    for (size_t i = 0; i < nt; i++)
        if (types[i] >= 'A' && types[i] <= 'Z' && !f[i].present)
            return TC_ERR_DEV_RECORD;
    return 0;
}

int tcdev__proven(tcdev_light *st, tcdev_light_work *w, const uint8_t **rec, size_t *rec_len,
                  const uint8_t **full_key, size_t *full_key_len, const uint8_t *key,
                  size_t key_len, int prefix, const uint8_t *bundle, size_t bundle_len,
                  uint64_t now_ms)
{
    tcdev_bundle b;
    tcdev__checked c;
    int rc = tcdev_bundle_decode(&b, bundle, bundle_len);
    if (rc)
        return rc;
    if (b.kind != TCDEV_BUNDLE_STATE || b.key_len < key_len || (!prefix && b.key_len != key_len) ||
        memcmp(b.key, key, key_len) != 0)
        return TC_ERR_DEV_KEY;
    if ((rc = tcdev__light_check(&c, st, w, b.header, b.header_len, b.cert, b.cert_len, b.valset,
                                 b.valset_len, now_ms)) ||
        (rc = tcdev__state_check(&c.hdr, b.key, b.key_len, b.record, b.record_len, b.proof,
                                 b.proof_len)))
        return rc;
    tcdev__light_commit(st, w, &c);
    *rec = b.record;
    *rec_len = b.record_len;
    if (full_key) {
        *full_key = b.key;
        *full_key_len = b.key_len;
    }
    return 0;
}

int tcdev__device_decode(tcdev_device_record *out, const uint8_t id[TCDEV_ID_LEN],
                         const uint8_t *rec, size_t len)
{
    /* D: {1 ed25519, 2 x25519, 3 model, 4 serial, 5? claim key,
     *     6 manufacturer, 7 owner, 8 status, 9 attrs, 10 groups,
     *     11 height, 12 key epoch} */
    tcdev__field f[12];
    int rc = tcdev__fields(f, "BBTTbUUURRUU", rec, len);
    if (rc)
        return rc;
    if (f[0].n != 32 || f[1].n != 32 || f[2].n > TCDEV_MODEL_MAX || f[7].u > TCDEV_REVOKED)
        return TC_ERR_DEV_RECORD;
    if (f[9].n > TCDEV_GROUPS_MAX)
        return TC_ERR_LIMIT;
    memset(out, 0, sizeof *out);
    memcpy(out->id, id, TCDEV_ID_LEN);
    memcpy(out->ed25519, f[0].p, 32);
    memcpy(out->x25519, f[1].p, 32);
    tc_sha256(out->digest, rec, len);
    out->manufacturer = f[5].u;
    out->owner = f[6].u;
    out->status = f[7].u;
    out->height = f[10].u;
    out->epoch = f[11].u;
    out->model_len = (uint8_t)f[2].n;
    memcpy(out->model, f[2].p, f[2].n);
    out->groups_len = (uint8_t)f[9].n;
    memcpy(out->groups, f[9].p, f[9].n);
    /* Groups must be a list of names: checked once here. */
    const char *p;
    size_t n;
    size_t i = 0;
    while ((rc = tcdev_text_at(&p, &n, out->groups, out->groups_len, i)) == 0)
        i++;
    return rc == TC_ERR_NOT_FOUND ? 0 : rc;
}

int tcdev__active(const tcdev_device_record *rec)
{
    return rec->status == TCDEV_REVOKED     ? TC_ERR_DEV_REVOKED
           : rec->status == TCDEV_SUSPENDED ? TC_ERR_DEV_SUSPENDED
                                            : 0;
}

int tcdev__device_proven(tcdev_light *st, tcdev_light_work *w, tcdev_device_record *out,
                         const uint8_t id[TCDEV_ID_LEN], const uint8_t *bundle, size_t bundle_len,
                         uint64_t now_ms)
{
    assert(st && out && id && bundle);
    uint8_t key[1 + TCDEV_ID_LEN] = {'D'};
    const uint8_t *rec;
    size_t rec_len;
    memcpy(key + 1, id, TCDEV_ID_LEN);
    int rc = tcdev__proven(st, w, &rec, &rec_len, NULL, NULL, key, sizeof key, 0, bundle,
                           bundle_len, now_ms);
    if (rc)
        return rc;
    return rec ? tcdev__device_decode(out, id, rec, rec_len) : TC_ERR_DEV_ABSENT;
}

int tcdev_peer_verify(tcdev_light *st, tcdev_light_work *w, tcdev_device_record *out,
                      const uint8_t peer_id[TCDEV_ID_LEN], const uint8_t *bundle,
                      size_t bundle_len, uint64_t now_ms)
{
    int rc = tcdev__device_proven(st, w, out, peer_id, bundle, bundle_len, now_ms);
    return rc ? rc : tcdev__active(out);
}

int tcdev_text_at(const char **p, size_t *n, const uint8_t *list, size_t list_len, size_t i)
{
    assert(p && n && (list || list_len == 0));
    tc_cbor_dec d;
    uint64_t count;
    if (tc_cbor_dec_init(&d, list, list_len, NULL) || tc_cbor_get_array(&d, &count))
        return TC_ERR_DEV_RECORD;
    for (uint64_t k = 0; k < count; k++)
        if (tc_cbor_get_text(&d, p, n))
            return TC_ERR_DEV_RECORD;
        else if (k == i)
            return 0;
    return TC_ERR_NOT_FOUND;
}

int tcdev_device_in_group(const tcdev_device_record *rec, const char *name, size_t len)
{
    assert(rec && (name || len == 0));
    const char *p;
    size_t n;
    for (size_t i = 0; tcdev_text_at(&p, &n, rec->groups, rec->groups_len, i) == 0; i++)
        if (n == len && memcmp(p, name, len) == 0)
            return 1;
    return 0;
}
