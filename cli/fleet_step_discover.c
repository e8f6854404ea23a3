/* Step d (docs/fleet.md): discovery. Every tenth device (at least one)
 * publishes a service, signed by the device itself (svc.publish, its own
 * nonce); every other device lists services of the fleet's type (an
 * unproven selection, docs/api.md) and proves the one it picks: the S
 * record and the provider's D record, both at the list's height
 * (tcdev_discovery_verify: present, unexpired, provider active). The
 * provider it proved becomes its channel peer (step e).
 * The type carries the seed ("thingchain.telemetry.SEED") so that a
 * network reused by several fleet runs lists this run's services only. */
#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "fleet.h"
#include "tc/alloc.h"
#include "tc/hex.h"

#define TXCAP 2048

static void type_of(char *out, size_t cap, const fleet *f)
{
    snprintf(out, cap, "%s.%llu", FLEET_SVC_TYPE, (unsigned long long)f->seed);
}

static void publish_one(fleet *f, size_t i, tcdev_light_work *w)
{
    (void)w;
    fdev *d = &f->dev[i];
    if (!d->provider) return;
    char type[96];
    type_of(type, sizeof type, f);
    uint8_t body[512], tx[TXCAP], signer[TC_SIGNER_DEVICE_LEN], id[32];
    size_t bl, tl;
    tc_signer_device(signer, d->id);
    double t = fleet_now();
    tc_err err;
    tc_err_clear(&err);
    int rc = fleet_body_service(body, sizeof body, &bl, d, type, fleet_wall_ms() + 86400000u);
    if (!rc) rc = fleet_tx_sign(f, tx, sizeof tx, &tl, TC_TX_SVC_PUBLISH, signer, sizeof signer, d->nonce + 1, body,
                                bl, (const uint8_t(*)[64])d->ed_sec, 1, 1);
    if (rc) { fleet_fail(f, ST_DISCOVER, rc, "building svc.publish"); return; }
    if ((rc = fleet_submit(f, &err, id, d->node, tx, tl))) {
        fleet_fail(f, ST_DISCOVER, rc, "svc.publish: %s", err.msg);
        return;
    }
    d->nonce++;
    memcpy(d->tx_id, id, 32);
    d->tx_pending = 1;
    d->t_op = t;
}

static void publish_wait(fleet *f, size_t i, tcdev_light_work *w)
{
    (void)w;
    fleet_dev_wait(f, i, ST_DISCOVER, "svc.publish");
}

static long index_of(const fleet *f, const uint8_t id[16])
{
    for (size_t i = 0; i < f->n; i += 10)
        if (f->dev[i].provider && !memcmp(f->dev[i].id, id, 16)) return (long)i;
    for (size_t i = 0; i < f->n; i++)
        if (f->dev[i].provider && !memcmp(f->dev[i].id, id, 16)) return (long)i;
    return -1;
}

static void query_one(fleet *f, size_t i, tcdev_light_work *w)
{
    fdev *d = &f->dev[i];
    if (d->provider) return;
    char type[96], path[512];
    type_of(type, sizeof type, f);
    snprintf(path, sizeof path, "/v1/services?type=%s&limit=256", type);
    double t = fleet_now();
    tc_err err;
    tc_err_clear(&err);
    int status;
    uint8_t *body, *sb = NULL, *db = NULL;
    size_t len, sl, dl;
    int rc = fleet_get(f, &err, &status, &body, &len, d->node, path, NULL);
    if (rc) { fleet_fail(f, ST_DISCOVER, rc, "%s", err.msg); return; }
    json_error_t je;
    json_t *j = status == 200 ? json_loadb((const char *)body, len, 0, &je) : NULL;
    tc_free(body);
    json_t *keys = json_object_get(j, "keys");
    size_t nk = json_array_size(keys);
    uint64_t height = (uint64_t)json_integer_value(json_object_get(j, "height"));
    if (!nk) {
        json_decref(j);
        fleet_fail(f, ST_DISCOVER, TC_ERR_DEV_ABSENT, "no %s service listed (HTTP %d)", type, status);
        return;
    }
    /* Spread the askers over the providers: the asker's ordinal among the
     * askers (every tenth device is a provider), modulo the list. */
    const char *key = json_string_value(json_array_get(keys, (i - i / 10 - 1) % nk));
    uint8_t kb[128];
    size_t kl = 0;
    if (!key || tc_hex_decode(kb, sizeof kb, &kl, key, strlen(key)) || kl < 17 || kb[0] != 'S') {
        json_decref(j);
        fleet_fail(f, ST_DISCOVER, TC_ERR_API_ANSWER, "malformed service key in the list");
        return;
    }
    char hex[33];
    tc_hex_encode(hex, kb + 1, 16);
    snprintf(path, sizeof path, "/v1/state/%s?format=bundle&height=%llu", key, (unsigned long long)height);
    json_decref(j);
    rc = fleet_bundle(f, &err, &sb, &sl, d->node, path);
    snprintf(path, sizeof path, "/v1/devices/%s?format=bundle&height=%llu", hex, (unsigned long long)height);
    if (!rc) rc = fleet_bundle(f, &err, &db, &dl, d->node, path);
    if (rc) { tc_free(sb); fleet_fail(f, ST_DISCOVER, rc, "%s", err.msg); return; }
    tcdev_service svc;
    rc = tcdev_discovery_verify(&d->st, w, &svc, NULL, NULL, 0, sb, sl, db, dl, fleet_wall_ms());
    if (!rc && (svc.type_len != strlen(type) || memcmp(svc.type, type, svc.type_len))) rc = TC_ERR_DEV_RECORD;
    long p = rc ? -1 : index_of(f, svc.device);
    if (!rc) d->peer_rec = svc.provider;
    tc_free(sb);
    tc_free(db);
    if (rc) { fleet_fail(f, ST_DISCOVER, rc, "device %s's service not proven", hex); return; }
    if (p < 0) { fleet_fail(f, ST_DISCOVER, TC_ERR_NOT_FOUND, "provider %s is not one of this fleet", hex); return; }
    d->peer = p;
    d->ok_steps |= 1 << ST_DISCOVER;
    fleet_ok(f, ST_DISCOVER, (fleet_now() - t) * 1000.0);
}

int fleet_step_discover(fleet *f)
{
    fleet_par(f, f->n, publish_one);
    fleet_par(f, f->n, publish_wait);
    fleet_par(f, f->n, query_one);
    return 0;
}
