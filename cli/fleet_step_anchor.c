/* Step f, second half (docs/fleet.md): anchoring. The fleet, as the
 * devices' gateway, builds the RFC 9162 tree over the batch of message
 * digests (leaf data = the 32-byte digest, docs/device.md §6), submits one
 * `anchor` transaction (signed by the operator's admin key set) and keeps
 * the batch: main has no anchor-by-digest query, so the gateway computes
 * each message's inclusion path. Each sending device then checks the path
 * AND the proven A record (tcdev_anchor_verify): the gateway is trusted
 * for nothing, a wrong path or an unanchored root is refused. */
#include <stdio.h>
#include <string.h>

#include "fleet.h"
#include "tc/alloc.h"
#include "tc/hex.h"
#include "tc/history.h"
#include "tc/kv.h"

typedef struct { uint8_t b[TC_HIST_PROOF_CBOR_MAX]; size_t len; } fpath;
static fpath *g_paths;

static void verify_one(fleet *f, size_t i, tcdev_light_work *w)
{
    fdev *d = &f->dev[i];
    if (d->sent_leaf < 0) return;
    double t = fleet_now();
    char path[128], hex[65];
    tc_hex_encode(hex, f->anchor_root, 32);
    snprintf(path, sizeof path, "/v1/anchors/%s?format=bundle", hex);
    uint8_t *b;
    size_t len;
    tc_err err;
    tc_err_clear(&err);
    int rc = fleet_bundle(f, &err, &b, &len, d->node, path);
    if (rc) { fleet_fail(f, ST_ANCHOR, rc, "%s", err.msg); return; }
    tcdev_anchor an;
    const fpath *p = &g_paths[d->sent_leaf];
    rc = tcdev_anchor_verify(&d->st, w, &an, d->sent_digest, p->b, p->len, b, len, fleet_wall_ms());
    tc_free(b);
    if (!rc && an.index != (uint64_t)d->sent_leaf) rc = TC_ERR_DEV_ANCHOR_PATH;
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
    tc_kv *kv = NULL;
    tc_hist *h = NULL;
    g_paths = tc_calloc(n, sizeof *g_paths);
    int rc = g_paths ? tc_kv_mem_open(&kv) : TC_ERR_NOMEM;
    if (!rc) rc = tc_hist_open(&h, kv, (const uint8_t *)"a", 1);
    for (size_t i = 0; i < n && !rc; i++) rc = tc_hist_append(h, f->digests[i], 32);
    if (!rc) rc = tc_hist_flush(h);
    if (!rc) tc_hist_root(h, f->anchor_root);
    for (size_t i = 0; i < n && !rc; i++) {
        uint8_t hp[TC_HIST_MAX_PROOF * 32];
        size_t np;
        rc = tc_hist_prove_inclusion(h, hp, TC_HIST_MAX_PROOF, &np, i, n);
        if (!rc) rc = tc_hist_inclusion_encode(g_paths[i].b, sizeof g_paths[i].b, &g_paths[i].len, i, n, hp, np);
    }
    if (h) tc_hist_close(h);
    if (kv) tc_kv_close(kv);
    uint8_t body[256], tx[4096], signer[TC_SIGNER_ORG_LEN], id[32];
    size_t bl, tl;
    tc_signer_org(signer, FLEET_OPERATOR, TC_KEYS_ADMIN);
    uint64_t code, height;
    double t = fleet_now();
    /* The block time bound (last <= block time + 5 min) holds: the batch just closed. */
    if (!rc) rc = fleet_body_anchor(body, sizeof body, &bl, f->anchor_root, n, f->first_ms, f->last_ms);
    if (!rc) rc = fleet_nonce(f, &err, &f->op_nonce, 0, signer, sizeof signer);
    if (!rc) rc = fleet_tx_sign(f, tx, sizeof tx, &tl, TC_TX_ANCHOR, signer, sizeof signer, f->op_nonce + 1, body, bl,
                                (const uint8_t(*)[64])&f->op_sec, 1, 0);
    if (!rc) rc = fleet_submit(f, &err, id, 0, tx, tl);
    if (!rc) rc = fleet_wait(f, &err, &code, &height, 0, id);
    if (rc) {
        fleet_fail(f, ST_ANCHOR, rc, "anchor transaction: %s", err.code ? err.msg : tc_strerror(rc));
    } else {
        f->op_nonce++;
        f->anchor_commit_ms = (fleet_now() - t) * 1000.0;
        fleet_par(f, f->n, verify_one);
    }
    tc_free(g_paths);
    g_paths = NULL;
    return rc;
}
