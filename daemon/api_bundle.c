/* Proof bundles (docs/light-client.md "Proof bundle"; docs/api.md): the
 * state bundle of one record (kind 1) and the history bundle of one
 * committed transaction (kind 2), each with the answering height's header,
 * its commit certificate and, when the set changed at that height, the
 * validator-set bytes. */
#include <string.h>

#include "api.h"
#include "tc/alloc.h"
#include "tc/bundle.h"
#include "tc/history.h"

int api_state_bundle_build(api *a, uint8_t **out, size_t *n, uint64_t height, const uint8_t *key, size_t kl,
                           const uint8_t *val, size_t vl, const uint8_t *proof, size_t pl)
{
    tc_header h;
    uint8_t id[TC_HASH_LEN], hb[TC_HEADER_MAX];
    size_t hl, cl = 0, vsl = 0;
    uint8_t *cert = NULL, *vs = NULL;
    *out = NULL;
    *n = 0;
    int rc = tc_store_header(a->nd->store, &h, id, height);
    if (!rc) rc = tc_header_encode(hb, sizeof hb, &hl, &h);
    if (!rc) rc = api_cert_for(a, &cert, &cl, height);
    if (!rc && api_valset_changed(a, height)) rc = api_valset_bytes(a, &vs, &vsl, height);
    if (!rc) {
        tc_bundle_parts p = {1 /* state */, {hb, hl}, {cert, cl}, {vs, vsl}, {proof, pl}, {key, kl}, val, vl};
        rc = tc_bundle_encode(NULL, 0, n, &p);
        if (rc == TC_ERR_BUFFER_TOO_SMALL || rc == 0) {
            *out = tc_malloc(*n);
            rc = *out ? tc_bundle_encode(*out, *n, n, &p) : TC_ERR_NOMEM;
        }
    }
    if (rc) {
        tc_free(*out);
        *out = NULL;
    }
    tc_free(cert);
    tc_free(vs);
    return rc;
}

/* Builds and sends the bundle of (key, value?) at height. */
enum MHD_Result api_state_bundle(api *a, struct MHD_Connection *c, unsigned status, uint64_t height,
                                   const uint8_t *key, size_t kl, const uint8_t *val, size_t vl,
                                   const uint8_t *proof, size_t pl)
{
    uint8_t *out;
    size_t n;
    int rc = api_state_bundle_build(a, &out, &n, height, key, kl, val, vl, proof, pl);
    enum MHD_Result res = rc ? api_reply_err(c, 500, rc, "cannot build the proof bundle")
                             : api_reply(c, status, "application/cbor", out, n);
    tc_free(out);
    return res;
}

/* GET /v1/tx/ID?format=bundle: the history bundle (kind 2) proving that
 * the transaction was committed with its result code: leaf data
 * SHA-256(tx) || code (big endian) in the history tree of the answering
 * height's header (docs/light-client.md, "Proof bundle"). */
enum MHD_Result api_tx_bundle(api *a, struct MHD_Connection *c, const uint8_t id[TC_SHA256_LEN])
{
    uint64_t hx, height;
    uint32_t idx;
    int code;
    char msg[TC_ERR_MSG_MAX];
    enum MHD_Result res;
    if (api_height_arg(a, c, &height, &res))
        return res;
    if (tc_store_tx_result(a->nd->store, &hx, &idx, &code, msg, sizeof msg, id) || hx > height)
        return api_reply_err(c, 404, TC_ERR_NOT_FOUND, "transaction not committed at this height (yet)");
    tc_header hb, h;
    uint8_t bid[TC_HASH_LEN], hdr[TC_HEADER_MAX], proof[TC_HIST_MAX_PROOF * TC_HIST_HASH_LEN + 64],
        leaf[TC_HIST_LEAF_LEN];
    static uint8_t path[TC_HIST_MAX_PROOF * TC_HIST_HASH_LEN];
    size_t hl, pl = 0, np = 0, n = 0, cl = 0, vsl = 0;
    uint64_t gidx = 0;
    uint8_t *cert = NULL, *vs = NULL, *out = NULL;
    int rc = tc_store_header(a->nd->store, &hb, bid, hx);
    if (!rc) rc = tc_store_header(a->nd->store, &h, bid, height);
    /* tc_store_history_prove gives the path's hashes (cap counted in
     * hashes); the bundle carries the CBOR proof [index, size, [* hash]]. */
    if (!rc) {
        gidx = hb.history_size - hb.tx_count + idx;
        rc = tc_store_history_prove(a->nd->store, path, TC_HIST_MAX_PROOF, &np, gidx, h.history_size);
    }
    if (!rc) rc = tc_hist_inclusion_encode(proof, sizeof proof, &pl, gidx, h.history_size, path, np);
    if (!rc) rc = tc_header_encode(hdr, sizeof hdr, &hl, &h);
    if (!rc) rc = api_cert_for(a, &cert, &cl, height);
    if (!rc && api_valset_changed(a, height)) rc = api_valset_bytes(a, &vs, &vsl, height);
    if (!rc) {
        memcpy(leaf, id, TC_SHA256_LEN);
        for (int k = 0; k < 4; k++) leaf[TC_SHA256_LEN + k] = (uint8_t)((uint32_t)code >> (24 - 8 * k));
        tc_bundle_parts p = {2 /* history */, {hdr, hl}, {cert, cl}, {vs, vsl}, {proof, pl}, {leaf, sizeof leaf}, NULL, 0};
        rc = tc_bundle_encode(NULL, 0, &n, &p);
        if (rc == TC_ERR_BUFFER_TOO_SMALL || rc == 0) {
            out = tc_malloc(n);
            rc = out ? tc_bundle_encode(out, n, &n, &p) : TC_ERR_NOMEM;
        }
    }
    res = rc ? api_reply_err(c, 500, rc, "cannot build the history bundle")
             : api_reply(c, 200, "application/cbor", out, n);
    tc_free(out);
    tc_free(cert);
    tc_free(vs);
    return res;
}

