/* Reproducible fleet keys (docs/fleet.md, "Keys"): every device secret is
 * SHA-256("thingchain-fleet/v1" || seed (8, BE) || index (8, BE) || label),
 * so the same --seed gives the same fleet (and a new seed a new one: the
 * ledger never records a key twice). The org keys are the ones
 * `thingchain net init` wrote under DIR/orgs/. */
#include <stdio.h>
#include <string.h>

#include "fleet.h"
#include "tc/crypto.h"
#include "tc/hex.h"
#include "tc/keyfile.h"

static void derive(uint8_t out[32], uint64_t seed, uint64_t i, const char *label)
{
    tc_sha256_ctx c;
    uint8_t b[16];
    for (int k = 0; k < 8; k++) {
        b[k] = (uint8_t)(seed >> (56 - 8 * k));
        b[8 + k] = (uint8_t)(i >> (56 - 8 * k));
    }
    tc_sha256_init(&c);
    tc_sha256_update(&c, "thingchain-fleet/v1", 19);
    tc_sha256_update(&c, b, sizeof b);
    tc_sha256_update(&c, label, strlen(label));
    tc_sha256_final(&c, out);
}

void fleet_keys_device(fdev *d, uint64_t seed, size_t i)
{
    uint8_t s[32];
    derive(s, seed, i, "ed25519");
    tc_ed25519_keypair(d->ed_pub, d->ed_sec, s);
    tc_keyid(d->id, d->ed_pub);
    derive(d->x_sec, seed, i, "x25519");
    tc_x25519_public(d->x_pub, d->x_sec);
    /* 128 bits of claim secret, as printed on the packaging. */
    derive(s, seed, i, "claim");
    tc_hex_encode(d->secret, s, 16);
    snprintf(d->serial, sizeof d->serial, "FS-%llu-%06zu", (unsigned long long)seed, i);
    tc_wipe(s, sizeof s);
}

void fleet_keys_config(uint8_t pub[32], uint8_t sec[64], uint64_t seed)
{
    uint8_t s[32];
    derive(s, seed, UINT64_MAX, "operator-config");
    tc_ed25519_keypair(pub, sec, s);
    tc_wipe(s, sizeof s);
}

void fleet_keys_release(uint8_t pub[32], uint8_t sec[64], uint64_t seed, unsigned r)
{
    uint8_t s[32];
    derive(s, seed, UINT64_MAX - 1 - r, "vendor-release");
    tc_ed25519_keypair(pub, sec, s);
    tc_wipe(s, sizeof s);
}

int fleet_keys_orgs(fleet *f, tc_err *err)
{
    char p[4096];
    uint8_t pub[32];
    static const char *const files[3] = {"orgs/vendor/admin1.key", "orgs/vendor/admin2.key",
                                         "orgs/operator/admin1.key"};
    for (int i = 0; i < 3; i++) {
        snprintf(p, sizeof p, "%s/%s", f->net_dir, files[i]);
        uint8_t *sec = i < 2 ? f->vendor_sec[i] : f->op_sec;
        int rc = tc_keyfile_load(pub, sec, err, p);
        if (rc) return tc_err_wrap(err, "the fleet signs with the keys `thingchain net init` wrote");
    }
    fleet_keys_config(f->cfg_pub, f->cfg_sec, f->seed);
    for (unsigned r = 0; r < 2; r++) fleet_keys_release(f->rel_pub[r], f->rel_sec[r], f->seed, r);
    return 0;
}
