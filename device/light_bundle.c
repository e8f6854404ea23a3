/* Proof bundles: what a node sends so that a device checks a fact in one
 * call (include/tcdev/light.h; docs/light-client.md "Proof bundle").
 *   {1 header, 2 certificate, ?3 validator set, 4 kind, 5 proof, 6 key,
 *    ?7 record}
 * Deterministic CBOR, keys ascending, no others: one bundle, one encoding. */
#include <assert.h>
#include <string.h>

#include "light_internal.h"
#include "tc/cbor.h"
#include "tc/errors.h"
#include "tc/history.h"

static int fmt(int rc)
{
    return rc == TC_ERR_CBOR_TYPE || rc == TC_ERR_CBOR_LENGTH || rc == TC_ERR_CBOR_RANGE
               ? TC_ERR_LIGHT_BUNDLE
               : rc;
}

int tcdev_bundle_decode(tcdev_bundle *b, const uint8_t *in, size_t len)
{
    assert(b && (in || len == 0));
    tc_cbor_dec d;
    uint64_t pairs, key, prev = 0, kind;
    const uint8_t *p;
    size_t n;
    int rc;
    memset(b, 0, sizeof *b);
    if (len > TCDEV_BUNDLE_MAX)
        return TC_ERR_LIMIT;
    if ((rc = tc_cbor_dec_init(&d, in, len, NULL)) || (rc = tc_cbor_get_map(&d, &pairs)))
        return fmt(rc);
    if (pairs < 5 || pairs > 7)
        return TC_ERR_LIGHT_BUNDLE;
    for (uint64_t i = 0; i < pairs; i++) {
        if ((rc = tc_cbor_get_uint(&d, &key)))
            return fmt(rc);
        /* The canonical decoder already refuses unsorted keys; this also
         * refuses unknown ones. */
        if (key <= prev || key > 7)
            return TC_ERR_LIGHT_BUNDLE;
        prev = key;
        if (key == 4) {
            if ((rc = tc_cbor_get_uint(&d, &kind)))
                return fmt(rc);
            if (kind != TCDEV_BUNDLE_STATE && kind != TCDEV_BUNDLE_HISTORY)
                return TC_ERR_LIGHT_BUNDLE;
            b->kind = (unsigned)kind;
            continue;
        }
        if ((rc = tc_cbor_get_bytes(&d, &p, &n)))
            return fmt(rc);
        switch (key) {
        case 1: b->header = p; b->header_len = n; break;
        case 2: b->cert = p; b->cert_len = n; break;
        case 3: b->valset = p; b->valset_len = n; break;
        case 5: b->proof = p; b->proof_len = n; break;
        case 6: b->key = p; b->key_len = n; break;
        default: b->record = p; b->record_len = n; break;
        }
    }
    if ((rc = tc_cbor_dec_done(&d)))
        return fmt(rc);
    /* Keys 1, 2, 4, 5, 6 are required. */
    if (!b->header || !b->cert || !b->kind || !b->proof || !b->key)
        return TC_ERR_LIGHT_BUNDLE;
    /* No set has empty bytes: an empty key 3 is left out, not sent empty. */
    if (b->valset && b->valset_len == 0)
        return TC_ERR_LIGHT_BUNDLE;
    if (b->kind == TCDEV_BUNDLE_HISTORY && b->key_len != TC_HIST_LEAF_LEN)
        return TC_ERR_LIGHT_BUNDLE;
    return 0;
}

int tcdev_light_verify_bundle(tcdev_light *st, tcdev_light_work *w, tcdev_bundle *out,
                              const uint8_t *in, size_t len, uint64_t now_ms)
{
    tcdev_bundle b;
    tcdev__checked c;
    int rc;
    if ((rc = tcdev_bundle_decode(&b, in, len)))
        return rc;
    if ((rc = tcdev__light_check(&c, st, w, b.header, b.header_len, b.cert, b.cert_len, b.valset,
                                 b.valset_len, now_ms)))
        return rc;
    if (b.kind == TCDEV_BUNDLE_STATE) {
        rc = tcdev__state_check(&c.hdr, b.key, b.key_len, b.record, b.record_len, b.proof,
                                b.proof_len);
    } else {
        uint8_t th[TC_SHA256_LEN];
        /* The leaf opens with SHA-256 of the transaction (docs/store.md). */
        if (b.record) {
            tc_sha256(th, b.record, b.record_len);
            if (memcmp(th, b.key, TC_SHA256_LEN) != 0)
                return TC_ERR_LIGHT_RECORD;
        }
        rc = tcdev__history_check(&c.hdr, NULL, b.key, b.proof, b.proof_len);
    }
    if (rc)
        return rc;
    tcdev__light_commit(st, w, &c);
    if (out)
        *out = b;
    return 0;
}
