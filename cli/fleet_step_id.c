/* Steps a-c (docs/fleet.md): manufacture, claim, boot — secure
 * bootstrapping (DESIGN.md, Ledger: bootstrapping & identity).
 *   manufacture  the vendor records the devices in batches of <= 256
 *                (dev.manufacture, 2-of-2 vendor admin keys);
 *   claim        the operator claims each device with the claim secret
 *                printed on it (dev.claim) and puts it in a wave group
 *                (dev.set_groups): 1 % wave-1, 10 % wave-2, the rest wave-3;
 *   boot         each device fetches its own D-record bundle and proves
 *                its enrollment and its owner (tcdev_enroll_verify). */
#include <stdio.h>
#include <string.h>

#include "fleet.h"
#include "tc/alloc.h"
#include "tc/hex.h"

#define TXCAP (TC_TX_MAX + 4096)

/* Submits a list of one signer's transactions to node 0 and accounts
 * per device: owner[i] is the first device transaction i covers, cover[i]
 * how many. */
static int commit_for_devices(fleet *f, int step, uint8_t **txs, size_t *lens, size_t n, const size_t *owner,
                              const size_t *cover)
{
    uint64_t *codes = tc_calloc(n, sizeof *codes);
    double *lat = tc_calloc(n, sizeof *lat);
    if (!codes || !lat) { tc_free(codes); tc_free(lat); return TC_ERR_NOMEM; }
    tc_err err;
    tc_err_clear(&err);
    fleet_commit_all(f, &err, 0, txs, lens, n, codes, lat);
    /* A device counts once: ok when every transaction covering it is. */
    for (size_t i = 0; i < n; i++)
        for (size_t k = 0; k < cover[i]; k++) {
            fdev *d = &f->dev[owner[i] + k];
            if (codes[i] != 0) d->ok_steps |= 1 << 30; /* poisoned for this step */
        }
    for (size_t i = 0; i < n; i++) {
        if (i + 1 < n && owner[i + 1] == owner[i]) continue; /* account on the last tx of the device */
        for (size_t k = 0; k < cover[i]; k++) {
            fdev *d = &f->dev[owner[i] + k];
            if (d->ok_steps & (1 << 30)) {
                fleet_fail(f, step, err.code ? err.code : TC_ERR_FLEET_REJECTED, "%s", err.msg);
                d->ok_steps &= ~(1 << 30);
            } else {
                d->ok_steps |= 1 << step;
                fleet_ok(f, step, lat[i]);
            }
        }
    }
    tc_free(codes);
    tc_free(lat);
    return 0;
}

int fleet_step_manufacture(fleet *f)
{
    uint8_t signer[TC_SIGNER_ORG_LEN];
    tc_signer_org(signer, FLEET_VENDOR, TC_KEYS_ADMIN);
    tc_err err;
    tc_err_clear(&err);
    int rc = fleet_nonce(f, &err, &f->vendor_nonce, 0, signer, sizeof signer);
    if (rc) { fleet_fail(f, ST_MANUFACTURE, rc, "vendor nonce: %s", err.msg); return rc; }
    size_t nb = (f->n + 255) / 256;
    uint8_t **txs = tc_calloc(nb, sizeof *txs);
    size_t *lens = tc_calloc(nb, sizeof *lens), *owner = tc_calloc(nb, sizeof *owner),
           *cover = tc_calloc(nb, sizeof *cover);
    static uint8_t body[TC_TX_BODY_MAX];
    rc = txs && lens && owner && cover ? 0 : TC_ERR_NOMEM;
    for (size_t b = 0; b < nb && !rc; b++) {
        size_t first = b * 256, cnt = f->n - first < 256 ? f->n - first : 256, bl;
        owner[b] = first;
        cover[b] = cnt;
        if (!(txs[b] = tc_malloc(TXCAP))) { rc = TC_ERR_NOMEM; break; }
        rc = fleet_body_manufacture(f, body, sizeof body, &bl, first, cnt);
        if (!rc) rc = fleet_tx_sign(f, txs[b], TXCAP, &lens[b], TC_TX_DEV_MANUFACTURE, signer, sizeof signer,
                                    ++f->vendor_nonce, body, bl, (const uint8_t(*)[64])f->vendor_sec, 2, 0);
    }
    if (!rc) rc = commit_for_devices(f, ST_MANUFACTURE, txs, lens, nb, owner, cover);
    if (rc) fleet_fail(f, ST_MANUFACTURE, rc, "building the batches");
    for (size_t b = 0; txs && b < nb; b++) tc_free(txs[b]);
    tc_free(txs); tc_free(lens); tc_free(owner); tc_free(cover);
    return rc;
}

int fleet_step_claim(fleet *f)
{
    uint8_t signer[TC_SIGNER_ORG_LEN];
    tc_signer_org(signer, FLEET_OPERATOR, TC_KEYS_ADMIN);
    tc_err err;
    tc_err_clear(&err);
    int rc = fleet_nonce(f, &err, &f->op_nonce, 0, signer, sizeof signer);
    if (rc) { fleet_fail(f, ST_CLAIM, rc, "operator nonce: %s", err.msg); return rc; }
    size_t n = 2 * f->n, bl;
    uint8_t **txs = tc_calloc(n, sizeof *txs);
    size_t *lens = tc_calloc(n, sizeof *lens), *owner = tc_calloc(n, sizeof *owner),
           *cover = tc_calloc(n, sizeof *cover);
    uint8_t body[512];
    rc = txs && lens && owner && cover ? 0 : TC_ERR_NOMEM;
    for (size_t i = 0; i < f->n && !rc; i++) {
        fdev *d = &f->dev[i];
        for (int k = 0; k < 2 && !rc; k++) {
            size_t t = 2 * i + (size_t)k;
            owner[t] = i;
            cover[t] = 1;
            if (!(txs[t] = tc_malloc(1024))) { rc = TC_ERR_NOMEM; break; }
            rc = k == 0 ? fleet_body_claim(f, body, sizeof body, &bl, d) : fleet_body_groups(body, sizeof body, &bl, d);
            if (!rc) rc = fleet_tx_sign(f, txs[t], 1024, &lens[t], k == 0 ? TC_TX_DEV_CLAIM : TC_TX_DEV_SET_GROUPS,
                                        signer, sizeof signer, ++f->op_nonce, body, bl,
                                        (const uint8_t(*)[64])&f->op_sec, 1, 0);
        }
    }
    if (!rc) rc = commit_for_devices(f, ST_CLAIM, txs, lens, n, owner, cover);
    if (rc) fleet_fail(f, ST_CLAIM, rc, "building the claims");
    for (size_t b = 0; txs && b < n; b++) tc_free(txs[b]);
    tc_free(txs); tc_free(lens); tc_free(owner); tc_free(cover);
    return rc;
}

static void boot_one(fleet *f, size_t i, tcdev_light_work *w)
{
    fdev *d = &f->dev[i];
    char path[96], hex[33];
    tc_hex_encode(hex, d->id, 16);
    snprintf(path, sizeof path, "/v1/devices/%s?format=bundle", hex);
    double t = fleet_now();
    uint8_t *b;
    size_t len;
    tc_err err;
    tc_err_clear(&err);
    /* First boot: the device holds only the trust anchor it was built with. */
    d->st = f->anchor;
    int rc = fleet_bundle(f, &err, &b, &len, d->node, path);
    if (rc) { fleet_fail(f, ST_BOOT, rc, "%s", err.msg); return; }
    rc = tcdev_enroll_verify(&d->st, w, &d->rec, d->id, d->ed_pub, d->x_pub, FLEET_OPERATOR, b, len, fleet_wall_ms());
    tc_free(b);
    if (rc) { fleet_fail(f, ST_BOOT, rc, "device %s: enrollment not proven", hex); return; }
    char g[8] = "wave-0";
    g[5] = (char)('0' + d->wave);
    if (!tcdev_device_in_group(&d->rec, g, 6)) {
        fleet_fail(f, ST_BOOT, TC_ERR_DEV_RECORD, "device %s: proven record lacks group %s", hex, g);
        return;
    }
    d->boot_height = d->st.height;
    d->ok_steps |= 1 << ST_BOOT;
    fleet_ok(f, ST_BOOT, (fleet_now() - t) * 1000.0);
}

int fleet_step_boot(fleet *f)
{
    fleet_par(f, f->n, boot_one);
    return 0;
}
