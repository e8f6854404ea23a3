/* Proof bundle encoder (include/tc/bundle.h; docs/light-client.md "Proof
 * bundle"). Keys ascend, optional keys are left out rather than null: the
 * device's decoder accepts exactly this one encoding. */
#include <assert.h>

#include "tc/bundle.h"
#include "tc/cbor.h"
#include "tc/valset.h"

int tc_bundle_encode(uint8_t *out, size_t cap, size_t *len, const tc_bundle_parts *p)
{
    assert(p && (p->kind == 1 || p->kind == 2));
    tc_cbor_enc e;
    tc_cbor_enc_init(&e, out, cap);
    tc_cbor_put_map(&e, 5u + (p->valset.len > 0) + (p->record != NULL));
    tc_cbor_put_uint(&e, 1);
    tc_cbor_put_bytes(&e, p->header.p, p->header.len);
    tc_cbor_put_uint(&e, 2);
    tc_cbor_put_bytes(&e, p->cert.p, p->cert.len);
    if (p->valset.len > 0) {
        tc_cbor_put_uint(&e, 3);
        tc_cbor_put_bytes(&e, p->valset.p, p->valset.len);
    }
    tc_cbor_put_uint(&e, 4);
    tc_cbor_put_uint(&e, p->kind);
    tc_cbor_put_uint(&e, 5);
    tc_cbor_put_bytes(&e, p->proof.p, p->proof.len);
    tc_cbor_put_uint(&e, 6);
    tc_cbor_put_bytes(&e, p->key.p, p->key.len);
    if (p->record) {
        tc_cbor_put_uint(&e, 7);
        tc_cbor_put_bytes(&e, p->record, p->record_len);
    }
    return tc_cbor_enc_finish(&e, len);
}

int tc_valset_encode(uint8_t *out, size_t cap, size_t *len, const tc_valset *vs)
{
    tc_cbor_enc e;
    tc_cbor_enc_init(&e, out, cap);
    tc_cbor_put_array(&e, vs->n);
    for (size_t i = 0; i < vs->n; i++) {
        tc_cbor_put_array(&e, 2);
        tc_cbor_put_bytes(&e, vs->v[i].pub, TC_ED25519_PUB_LEN);
        tc_cbor_put_uint(&e, vs->v[i].power);
    }
    return tc_cbor_enc_finish(&e, len);
}
