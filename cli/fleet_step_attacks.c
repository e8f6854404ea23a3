/* The attacks every device must refuse (DESIGN.md, "attacks that must
 * fail"; docs/fleet.md): on a sample of devices (every device up to 20,
 * then an even spread), each played against the device's real state:
 *   tampered mirror  its own D bundle with one record byte flipped on the
 *                    way (a lying node or gateway): SMT_PROOF or another
 *                    light-client error, and the view does not move;
 *   stale view       its D bundle as of its first boot, after it has seen
 *                    later headers: LIGHT_STALE (the freeze attack);
 *   config rollback  the config document it applied, offered again:
 *                    DEV_CFG_ROLLBACK (version not above the applied one).
 * A refusal with the expected code counts as "refused"; anything else is a
 * failure (an accepted attack is FLEET_NOT_REFUSED). */
#include <stdio.h>
#include <string.h>

#include "fleet.h"
#include "tc/alloc.h"
#include "tc/hex.h"

#define SAMPLE 20

static void judge(fleet *f, int rc, int want, const char *what, const char *hex, size_t k)
{
    if (rc && k == 0) fleet_story_refusal(f, what, rc);
    if (rc && (want == 0 || rc == want)) fleet_expected(f, ST_ATTACKS);
    else fleet_fail(f, ST_ATTACKS, rc ? rc : TC_ERR_FLEET_NOT_REFUSED, "%s on device %s: %s", what, hex,
                    rc ? "refused with another code" : "accepted");
}

static void attack_one(fleet *f, size_t k, tcdev_light_work *w)
{
    size_t i = f->n <= SAMPLE ? k : k * (f->n / SAMPLE);
    fdev *d = &f->dev[i];
    if (!(d->ok_steps & (1 << ST_BOOT))) return;
    char hex[33], path[256];
    tc_hex_encode(hex, d->id, 16);
    tc_err err;
    tc_err_clear(&err);
    uint8_t *b;
    size_t len;
    double t = fleet_now();
    tcdev_device_record rec;
    tcdev_light before = d->st;

    /* 1. tampered mirror: the record is the bundle's last field. */
    snprintf(path, sizeof path, "/v1/devices/%s?format=bundle", hex);
    int rc = fleet_bundle(f, &err, &b, &len, d->node, path);
    if (rc) { fleet_fail(f, ST_ATTACKS, rc, "%s", err.msg); return; }
    b[len - 3] ^= 0x01;
    rc = tcdev_enroll_verify(&d->st, w, &rec, d->id, d->ed_pub, d->x_pub, FLEET_OPERATOR, b, len, fleet_wall_ms());
    tc_free(b);
    judge(f, rc, 0, "tampered bundle", hex, k);
    if (memcmp(&before, &d->st, sizeof before))
        fleet_fail(f, ST_ATTACKS, TC_ERR_FLEET_NOT_REFUSED, "a refused bundle moved device %s's view", hex);

    /* 2. stale view (only once the device has seen a later header). */
    if (d->st.height > d->boot_height) {
        snprintf(path, sizeof path, "/v1/devices/%s?format=bundle&height=%llu", hex, (unsigned long long)d->boot_height);
        if ((rc = fleet_bundle(f, &err, &b, &len, d->node, path))) { fleet_fail(f, ST_ATTACKS, rc, "%s", err.msg); return; }
        rc = tcdev_enroll_verify(&d->st, w, &rec, d->id, d->ed_pub, d->x_pub, FLEET_OPERATOR, b, len, fleet_wall_ms());
        tc_free(b);
        judge(f, rc, TC_ERR_LIGHT_STALE, "stale bundle", hex, k);
    }

    /* 3. config rollback: the applied document offered again. */
    if (d->ok_steps & (1 << ST_CONFIG)) {
        char key[64];
        tc_hex_encode(key, d->cfg_key, sizeof d->cfg_key);
        snprintf(path, sizeof path, "/v1/state/%s?format=bundle", key);
        if ((rc = fleet_bundle(f, &err, &b, &len, d->node, path))) { fleet_fail(f, ST_ATTACKS, rc, "%s", err.msg); return; }
        tcdev_config cfg;
        rc = tcdev_config_verify(&d->st, w, &cfg, &d->rec, d->cfg_version, b, len, NULL, 0, fleet_wall_ms());
        tc_free(b);
        judge(f, rc, TC_ERR_DEV_CFG_ROLLBACK, "config rollback", hex, k);
    }
    d->ok_steps |= 1 << ST_ATTACKS;
    fleet_ok(f, ST_ATTACKS, (fleet_now() - t) * 1000.0);
}

int fleet_step_attacks(fleet *f)
{
    fleet_par(f, f->n < SAMPLE ? f->n : SAMPLE, attack_one);
    return 0;
}
