/* Device-to-device channel (include/tcdev/device.h flow 4; DESIGN.md
 * Formats: "Device to device: Noise_KK (both static keys are known from the
 * ledger; the ledger records are bound into the prologue)"). The peer's
 * X25519 key comes from its proven, active D record; the prologue makes both
 * sides prove they saw the same two records on the same chain (Noise §6: a
 * prologue mismatch fails the handshake). */
#include <assert.h>
#include <string.h>

#include "device_internal.h"
#include "tc/crypto.h"
#include "tc/errors.h"

#define KK_LABEL "thingchain-kk-v1"

int tcdev_channel_prologue(uint8_t out[TCDEV_PROLOGUE_MAX], size_t *out_len,
                           const tcdev_light *st, const tcdev_device_record *self,
                           const tcdev_device_record *peer)
{
    assert(out && out_len && st && self && peer);
    size_t cl = strlen(st->chain_id), n = sizeof KK_LABEL - 1;
    /* Canonical order: the device with the bytewise smaller id first, so
     * initiator and responder build the same bytes. */
    int self_first = memcmp(self->id, peer->id, TCDEV_ID_LEN) < 0;
    const tcdev_device_record *lo = self_first ? self : peer, *hi = self_first ? peer : self;
    memcpy(out, KK_LABEL, n);
    out[n++] = (uint8_t)cl;
    memcpy(out + n, st->chain_id, cl);
    n += cl;
    tcdev__be64(out + n, lo->height > hi->height ? lo->height : hi->height);
    n += 8;
    memcpy(out + n, lo->digest, 32);
    memcpy(out + n + 32, hi->digest, 32);
    *out_len = n + 64;
    return 0;
}

int tcdev_channel_policy(tcdev_light *st, tcdev_light_work *w, const tcdev_device_record *self,
                         const tcdev_device_record *peer, uint64_t org, const char *a,
                         size_t a_len, const char *b, size_t b_len, const uint8_t *pol_bundle,
                         size_t pol_len, uint64_t now_ms)
{
    assert(st && self && peer && a && b && pol_bundle);
    if (!tcdev_device_in_group(self, a, a_len) || !tcdev_device_in_group(peer, b, b_len))
        return TC_ERR_DEV_POLICY;
    /* docs/ledger.md: 'C' || org || SHA-256(x || 0x00 || y)[0..16], x <= y
     * bytewise (a policy is symmetric). */
    size_t m = a_len < b_len ? a_len : b_len;
    int c = memcmp(a, b, m);
    if (c > 0 || (c == 0 && a_len > b_len)) {
        const char *t = a; size_t tl = a_len;
        a = b; a_len = b_len; b = t; b_len = tl;
    }
    uint8_t key[25] = {'C'}, h[32], z = 0;
    tc_sha256_ctx s;
    tc_sha256_init(&s);
    tc_sha256_update(&s, a, a_len);
    tc_sha256_update(&s, &z, 1);
    tc_sha256_update(&s, b, b_len);
    tc_sha256_final(&s, h);
    tcdev__be64(key + 1, org);
    memcpy(key + 9, h, 16);
    const uint8_t *rec;
    size_t rec_len;
    tcdev__field f[5];
    int rc = tcdev__proven(st, w, &rec, &rec_len, NULL, NULL, key, sizeof key, 0, pol_bundle,
                           pol_len, now_ms);
    if (rc)
        return rc;
    if (!rec)
        return TC_ERR_DEV_POLICY;
    if ((rc = tcdev__fields(f, "TTFuU", rec, rec_len)))
        return rc;
    if (!f[2].u || (f[3].present && now_ms >= f[3].u))
        return TC_ERR_DEV_POLICY;
    return 0;
}

int tcdev_channel_init(tcdev_noise_handshake *hs, const tcdev_light *st,
                       const tcdev_device_record *self, const tcdev_device_record *peer,
                       int initiator, const uint8_t x_sec[32], const uint8_t ephemeral[32])
{
    assert(hs && st && self && peer && x_sec && ephemeral);
    uint8_t pro[TCDEV_PROLOGUE_MAX], xp[32];
    size_t n;
    int rc = tcdev__active(peer);
    if (rc)
        return rc;
    tc_x25519_public(xp, x_sec);
    if (memcmp(xp, self->x25519, 32) != 0)
        return TC_ERR_DEV_WRONG_KEY;
    tcdev_channel_prologue(pro, &n, st, self, peer);
    return tcdev_noise_init(hs, tcdev_noise_pattern_find("KK", 2), initiator, pro, n, x_sec,
                            peer->x25519, ephemeral);
}
