/* Step g (docs/fleet.md): configuration. The operator gives itself a
 * config key set if it has none of the fleet's (org.set_keys role 3,
 * signed by its admin key), then publishes one document per wave group
 * (cfg.publish, inline body, version = the publication second so reruns
 * always go forward). Each device lists its applicable documents (the
 * node's unproven selection), fetches the G-record bundle, and lets the
 * SDK verify and apply it (tcdev_config_apply: its owner's key set, its
 * group, newer version, unexpired, body digest); the apply step checks
 * the body speaks to its wave. It reports the result with a cfg.report
 * transaction it signs itself (tcdev_config_report). */
#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "fleet.h"
#include "tc/alloc.h"
#include "tc/hex.h"

static int apply_cb(void *ctx, const tcdev_config *cfg, const uint8_t *body, size_t len)
{
    const fdev *d = ctx;
    char want[16];
    (void)cfg;
    snprintf(want, sizeof want, "wave=%d\n", d->wave);
    size_t wl = strlen(want);
    return len >= wl && memcmp(body + len - wl, want, wl) == 0 ? 0 : -1;
}

static void device_one(fleet *f, size_t i, tcdev_light_work *w)
{
    fdev *d = &f->dev[i];
    if (!(d->ok_steps & (1 << ST_BOOT))) return;
    char hex[33], path[256];
    tc_hex_encode(hex, d->id, 16);
    snprintf(path, sizeof path, "/v1/config/%s", hex);
    double t = fleet_now();
    tc_err err;
    tc_err_clear(&err);
    int status;
    uint8_t *body, *b = NULL;
    size_t len, bl;
    int rc = fleet_get(f, &err, &status, &body, &len, d->node, path, NULL);
    if (rc) { fleet_fail(f, ST_CONFIG, rc, "%s", err.msg); return; }
    json_error_t je;
    json_t *j = status == 200 ? json_loadb((const char *)body, len, 0, &je) : NULL;
    tc_free(body);
    const char *key = json_string_value(json_array_get(json_object_get(j, "keys"), 0));
    uint64_t height = (uint64_t)json_integer_value(json_object_get(j, "height"));
    size_t kl = 0;
    if (!key || tc_hex_decode(d->cfg_key, sizeof d->cfg_key, &kl, key, strlen(key)) || kl != sizeof d->cfg_key) {
        json_decref(j);
        fleet_fail(f, ST_CONFIG, TC_ERR_DEV_ABSENT, "device %s: no config document listed (HTTP %d)", hex, status);
        return;
    }
    snprintf(path, sizeof path, "/v1/state/%s?format=bundle&height=%llu", key, (unsigned long long)height);
    json_decref(j);
    if ((rc = fleet_bundle(f, &err, &b, &bl, d->node, path))) { fleet_fail(f, ST_CONFIG, rc, "%s", err.msg); return; }
    tcdev_config cfg;
    rc = tcdev_config_apply(&d->st, w, &cfg, &d->cfg_version, &d->rec, b, bl, NULL, 0, fleet_wall_ms(), apply_cb, d);
    if (rc) { tc_free(b); fleet_fail(f, ST_CONFIG, rc, "device %s: config not applied", hex); return; }
    /* The report, signed by the device (its own nonce). */
    size_t cid = strlen(f->chain_id), tl;
    uint8_t tx[TCDEV_CFG_REPORT_MAX(64)], scratch[TCDEV_CFG_REPORT_SCRATCH(64)], id[32];
    uint64_t nonce = d->nonce;
    rc = tcdev_config_report(tx, sizeof tx, &tl, scratch, sizeof scratch, &nonce, f->chain_id, cid, d->id, d->ed_sec,
                             &cfg, TCDEV_CFG_APPLIED);
    tc_free(b);
    if (!rc) rc = fleet_submit(f, &err, id, d->node, tx, tl);
    if (rc) { fleet_fail(f, ST_CONFIG, rc, "cfg.report of %s: %s", hex, err.code ? err.msg : tc_strerror(rc)); return; }
    d->nonce = nonce;
    memcpy(d->tx_id, id, 32);
    d->tx_pending = 1;
    d->t_op = t;
}

/* Second pass: every report was submitted first, now each commit is
 * awaited (the devices do not block one another on their reports). */
static void report_wait(fleet *f, size_t i, tcdev_light_work *w)
{
    (void)w;
    fleet_dev_wait(f, i, ST_CONFIG, "cfg.report");
}

/* Operator side: config key set, then one document per wave. */
static int publish(fleet *f, tc_err *err)
{
    uint8_t admin[TC_SIGNER_ORG_LEN], cfgs[TC_SIGNER_ORG_LEN], body[1024], id[32];
    static uint8_t txb[4][2048];
    uint8_t *txs[4] = {txb[0], txb[1], txb[2], txb[3]};
    size_t lens[4], bl;
    uint64_t codes[4], code, h;
    tc_signer_org(admin, FLEET_OPERATOR, TC_KEYS_ADMIN);
    tc_signer_org(cfgs, FLEET_OPERATOR, TC_KEYS_CONFIG);
    int rc = fleet_nonce(f, err, &f->op_nonce, 0, admin, sizeof admin);
    if (!rc) rc = fleet_body_setkeys(body, sizeof body, &bl, TC_KEYS_CONFIG, 1, (const uint8_t(*)[32])f->cfg_pub, 1);
    if (!rc) rc = fleet_tx_sign(f, txs[0], sizeof txb[0], &lens[0], TC_TX_ORG_SET_KEYS, admin, sizeof admin,
                                f->op_nonce + 1, body, bl, (const uint8_t(*)[64])&f->op_sec, 1, 0);
    if (!rc) rc = fleet_submit(f, err, id, 0, txs[0], lens[0]);
    if (!rc) rc = fleet_wait(f, err, &code, &h, 0, id);
    if (rc) return tc_err_wrap(err, "org.set_keys (config key set)");
    f->op_nonce++;
    if ((rc = fleet_nonce(f, err, &f->cfg_nonce, 0, cfgs, sizeof cfgs))) return rc;
    uint64_t version = fleet_wall_ms() / 1000;
    for (int k = 1; k <= FLEET_WAVES && !rc; k++) {
        char group[24], doc[96];
        snprintf(group, sizeof group, "wave-%d", k);
        snprintf(doc, sizeof doc, "sampling_ms=%d\nreport_every_s=%d\nwave=%d\n", 250 * k, 60 * k, k);
        rc = fleet_body_config(body, sizeof body, &bl, group, "fleet-settings", version, (const uint8_t *)doc,
                               strlen(doc), fleet_wall_ms() + 86400000u);
        if (!rc) rc = fleet_tx_sign(f, txs[k - 1], sizeof txb[0], &lens[k - 1], TC_TX_CFG_PUBLISH, cfgs, sizeof cfgs,
                                    ++f->cfg_nonce, body, bl, (const uint8_t(*)[64])&f->cfg_sec, 1, 0);
    }
    if (rc) return tc_err_set(err, rc, "building cfg.publish");
    if (fleet_commit_all(f, err, 0, txs, lens, FLEET_WAVES, codes, NULL) != FLEET_WAVES)
        return tc_err_wrap(err, "cfg.publish");
    return 0;
}

int fleet_step_config(fleet *f)
{
    tc_err err;
    tc_err_clear(&err);
    int rc = publish(f, &err);
    if (rc) { fleet_fail(f, ST_CONFIG, rc, "%s", err.msg); return rc; }
    fleet_par(f, f->n, device_one);
    fleet_par(f, f->n, report_wait);
    return 0;
}
