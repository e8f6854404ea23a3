/* GET /v1/anchors/by-digest/HEX (issue 6; docs/api.md "Anchors by message
 * digest"): the anchor whose transaction listed a 32-byte message digest
 * (body key 5, docs/ledger.md "Anchors"), found with
 * tc_query_anchor_by_digest, and what a device needs to prove
 * digest -> anchored root -> state root -> quorum-signed header:
 *   - the RFC 9162 inclusion path of the digest under the root (leaf index,
 *     tree size, hashes leaf end first; also as the CBOR proof
 *     [index, size, [hash...]] that tcdev_anchor_verify takes), and
 *   - the A record ('A' || root) with its state proof (JSON), or its proof
 *     bundle (?format=bundle), as /v1/anchors/ROOT gives them.
 * The bundle format (keys 1..7, docs/light-client.md) has no room for a
 * second proof and the device decoder refuses unknown keys, so the bundle
 * form is JSON carrying the bundle (hex) beside the inclusion path. */
#include <string.h>

#include "api.h"
#include "tc/alloc.h"
#include "tc/hex.h"
#include "tc/history.h"
#include "tc/query.h"
#include "tc/smt.h"

/* The path and where the digest sits: the fields both forms share. */
static json_t *hit_json(const tc_query_anchor_hit *hit, const uint8_t digest[32], const uint8_t *incl, size_t il)
{
    json_t *path = json_array();
    for (size_t i = 0; i < hit->path_len; i++) json_array_append_new(path, api_hexj(hit->path + 32 * i, 32));
    return json_pack("{s:o,s:o,s:o,s:I,s:I,s:I,s:o,s:o}", "digest", api_hexj(digest, 32), "root",
                     api_hexj(hit->root, 32), "anchor_key", api_hexj(hit->key, sizeof hit->key), "anchor_height",
                     (json_int_t)hit->height, "index", (json_int_t)hit->index, "size", (json_int_t)hit->size,
                     "path", path, "inclusion", api_hexj(incl, il));
}

enum MHD_Result api_anchor_by_digest(api *a, struct MHD_Connection *c, uint64_t height, const char *rest)
{
    uint8_t digest[32];
    size_t got = 0, n = strlen(rest);
    if (n != 64 || tc_hex_decode(digest, sizeof digest, &got, rest, n) || got != 32)
        return api_reply_err(c, 400, TC_ERR_API_PARAM,
                             n != 64 ? "expected a message digest: 64 hex digits (SHA-256 of the message)"
                                     : "the message digest is not hex (64 digits 0-9, a-f)");
    tc_query_anchor_hit hit;
    int rc = tc_query_anchor_by_digest(a->nd->store, &hit, height, digest);
    if (rc == TC_ERR_NOT_FOUND)
        return api_reply_err(c, 404, TC_ERR_NOT_FOUND,
                             "no anchor at or below this height lists this digest (anchors that did not list "
                             "their digests are found by root only)");
    if (rc) return api_reply_err(c, 500, rc, "cannot look the digest up");
    uint8_t incl[TC_HIST_PROOF_CBOR_MAX];
    size_t il = 0;
    if ((rc = tc_hist_inclusion_encode(incl, sizeof incl, &il, hit.index, hit.size, hit.path, hit.path_len)))
        return api_reply_err(c, 500, rc, "cannot encode the inclusion path");
    json_t *extra = hit_json(&hit, digest, incl, il);
    if (!api_wants_cbor(c)) return api_record(a, c, height, hit.key, sizeof hit.key, extra);

    /* Bundle form: {height, ..., bundle: hex of the A record's state bundle}. */
    static uint8_t val[TC_STATE_VALUE_MAX], proof[TC_SMT_PROOF_MAX];
    size_t vl = 0, pl = 0, bl = 0;
    uint8_t *b = NULL;
    rc = tc_query_record(a->nd->store, val, sizeof val, &vl, proof, sizeof proof, &pl, height, hit.key,
                         sizeof hit.key);
    if (rc == TC_ERR_SMT_VERSION) {
        json_decref(extra);
        return api_reply_err(c, 410, TC_ERR_API_HEIGHT, "height too old: its state is no longer provable");
    }
    /* The index row comes from an accepted anchor, whose rule wrote the record. */
    if (rc) {
        json_decref(extra);
        return api_reply_err(c, 500, rc == TC_ERR_NOT_FOUND ? TC_ERR_CORRUPT : rc, "cannot read the anchor record");
    }
    if ((rc = api_state_bundle_build(a, &b, &bl, height, hit.key, sizeof hit.key, val, vl, proof, pl))) {
        json_decref(extra);
        return api_reply_err(c, 500, rc, "cannot build the proof bundle");
    }
    json_object_set_new(extra, "height", json_integer((json_int_t)height));
    json_object_set_new(extra, "bundle", api_hexj(b, bl));
    tc_free(b);
    return api_reply_json(c, 200, extra);
}
