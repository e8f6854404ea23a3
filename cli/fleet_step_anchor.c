/* Step f, second half (docs/fleet.md): anchoring. The fleet, as the
 * devices' gateway, anchors the batch of message digests: one `anchor`
 * transaction (signed by the operator's admin key set) per
 * TC_ANCHOR_DIGESTS_MAX messages, recording the RFC 9162 root (leaf data =
 * the 32-byte digest, docs/device.md §6) and listing the digests. Each
 * sending device then asks a node for its own digest and checks the path
 * AND the proven A record (tcdev_anchor_verify): neither the gateway nor
 * the node is trusted, a wrong path or an unanchored root is refused. */
#include <stdio.h>
#include <string.h>

#include "fleet.h"
#include "tc/alloc.h"
#include "tc/hex.h"
#include <jansson.h>

#include "tc/anchor.h"
#include "tc/history.h"

/* A device's check of its message: the node's answer for the digest
 * (/v1/anchors/by-digest/HEX?format=bundle: the inclusion path and the A
 * record's proof bundle, docs/api.md), verified with tcdev_anchor_verify. */
static void verify_one(fleet *f, size_t i, tcdev_light_work *w)
{
    fdev *d = &f->dev[i];
    if (d->sent_leaf < 0) return;
    double t = fleet_now();
    char path[160], hex[65];
    tc_hex_encode(hex, d->sent_digest, 32);
    snprintf(path, sizeof path, "/v1/anchors/by-digest/%s?format=bundle", hex);
    uint8_t *body = NULL, incl[TC_HIST_PROOF_CBOR_MAX], *bundle = NULL;
    size_t len, il = 0, bl = 0;
    int status = 0;
    tc_err err;
    tc_err_clear(&err);
    int rc = fleet_get(f, &err, &status, &body, &len, d->node, path, NULL);
    if (!rc && status != 200) rc = tc_err_set(&err, TC_ERR_API_ANSWER, "HTTP %d: %.200s", status, (char *)body);
    json_t *j = rc ? NULL : json_loadb((const char *)body, len, 0, NULL);
    tc_free(body);
    const char *ih = json_string_value(json_object_get(j, "inclusion"));
    const char *bh = json_string_value(json_object_get(j, "bundle"));
    if (!rc && (!ih || !bh || strlen(ih) > 2 * sizeof incl || !(bundle = tc_malloc(strlen(bh) / 2 + 1)) ||
                tc_hex_decode(incl, sizeof incl, &il, ih, strlen(ih)) ||
                tc_hex_decode(bundle, strlen(bh) / 2 + 1, &bl, bh, strlen(bh))))
        rc = tc_err_set(&err, TC_ERR_API_ANSWER, "the answer for digest %.16s... has no readable inclusion/bundle", hex);
    json_decref(j);
    if (rc) { tc_free(bundle); fleet_fail(f, ST_ANCHOR, rc, "%s", err.msg); return; }
    tcdev_anchor an;
    rc = tcdev_anchor_verify(&d->st, w, &an, d->sent_digest, incl, il, bundle, bl, fleet_wall_ms());
    tc_free(bundle);
    if (!rc && an.index != (uint64_t)d->sent_leaf % TC_ANCHOR_DIGESTS_MAX) rc = TC_ERR_DEV_ANCHOR_PATH;
    if (rc) { fleet_fail(f, ST_ANCHOR, rc, "anchoring proof of message leaf %ld", d->sent_leaf); return; }
    d->ok_steps |= 1 << ST_ANCHOR;
    fleet_ok(f, ST_ANCHOR, (fleet_now() - t) * 1000.0);
}

int fleet_step_anchor(fleet *f)
{
    size_t n = f->n_digests;
    tc_err err;
    tc_err_clear(&err);
    if (!n) { fleet_fail(f, ST_ANCHOR, TC_ERR_STATE, "no message digest to anchor"); return TC_ERR_STATE; }
    size_t nb = (n + TC_ANCHOR_DIGESTS_MAX - 1) / TC_ANCHOR_DIGESTS_MAX;
    uint8_t (*ids)[32] = tc_calloc(nb, 32);
    static uint8_t body[TC_ANCHOR_DIGESTS_MAX * 34 + 128], tx[TC_ANCHOR_DIGESTS_MAX * 34 + 4096];
    uint8_t signer[TC_SIGNER_ORG_LEN], root[32];
    size_t bl, tl;
    tc_signer_org(signer, FLEET_OPERATOR, TC_KEYS_ADMIN);
    uint64_t code, height;
    double t = fleet_now();
    int rc = ids ? fleet_nonce(f, &err, &f->op_nonce, 0, signer, sizeof signer) : TC_ERR_NOMEM;
    /* One anchor per TC_ANCHOR_DIGESTS_MAX messages, listing them (body key
     * 5), so a node can answer for any one digest; all submitted, then
     * awaited. The block time bound (last <= block time + 5 min) holds: the
     * batch just closed. */
    for (size_t b = 0; b < nb && !rc; b++) {
        size_t at = b * TC_ANCHOR_DIGESTS_MAX, cnt = n - at < TC_ANCHOR_DIGESTS_MAX ? n - at : TC_ANCHOR_DIGESTS_MAX;
        tc_anchor_root(root, f->digests[at], cnt);
        if (b == 0) memcpy(f->anchor_root, root, 32);
        rc = fleet_body_anchor(body, sizeof body, &bl, root, cnt, f->first_ms, f->last_ms,
                               (const uint8_t(*)[32])&f->digests[at]);
        if (!rc) rc = fleet_tx_sign(f, tx, sizeof tx, &tl, TC_TX_ANCHOR, signer, sizeof signer, f->op_nonce + 1 + b,
                                    body, bl, (const uint8_t(*)[64])&f->op_sec, 1, 0);
        if (!rc) rc = fleet_submit(f, &err, ids[b], 0, tx, tl);
    }
    for (size_t b = 0; b < nb && !rc; b++) rc = fleet_wait(f, &err, &code, &height, 0, ids[b]);
    tc_free(ids);
    if (rc) {
        fleet_fail(f, ST_ANCHOR, rc, "anchor transaction: %s", err.code ? err.msg : tc_strerror(rc));
        return rc;
    }
    f->op_nonce += nb;
    f->n_anchors = nb;
    f->anchor_commit_ms = (fleet_now() - t) * 1000.0;
    fleet_par(f, f->n, verify_one);
    return 0;
}
